//! M3UA, SS7's MTP3 user adaptation over SCTP (tcpdump's print-m3ua.c, RFC 4666): the message class and type,
//! then each parameter's name, as SCTP prints DATA chunks of payload protocol 3 at -vv.

use super::{
    Line,
    captured::{Captured, Printed},
};

const COMMON_HEADER_LEN: usize = 8;
const PARAMETER_HEADER_LEN: usize = 4;
const RELEASE_1_0: u8 = 1;

/// tcpdump's names of a class's message types; `None` for classes it knows no types of.
fn message_types(class: u8) -> Option<&'static [&'static str]> {
    Some(match class {
        0 => &["Error", "Notify"],
        1 => &["", "Data"],
        2 => &[
            "",
            "Destination Unavailable",
            "Destination Available",
            "Destination State Audit",
            "Signalling Congestion",
            "Destination User Part Unavailable",
            "Destination Restricted",
        ],
        3 => {
            &["", "Up", "Down", "Heartbeat", "Up Acknowledgement", "Down Acknowledgement", "Heartbeat Acknowledgement"]
        }
        4 => &["", "Active", "Inactive", "Active Acknowledgement", "Inactive Acknowledgement"],
        9 => {
            &["", "Registration Request", "Registration Response", "Deregistration Request", "Deregistration Response"]
        }
        _ => return None,
    })
}

fn class_name(class: u8) -> Option<&'static str> {
    Some(match class {
        0 => "Management",
        1 => "Transfer",
        2 => "SS7",
        3 | 4 => "ASP",
        9 => "Routing Key Management",
        _ => return None,
    })
}

const NETWORK_APPEARANCE: u16 = 0x0200;
const ROUTING_CONTEXT: u16 = 0x0006;
const CORRELATION_ID: u16 = 0x0013;

fn parameter_name(tag: u16) -> Option<&'static str> {
    Some(match tag {
        0x0004 => "INFO String",
        ROUTING_CONTEXT => "Routing Context",
        0x0007 => "Diagnostic Info",
        0x0009 => "Heartbeat Data",
        0x000b => "Traffic Mode Type",
        0x000c => "Error Code",
        0x000d => "Status",
        0x0011 => "ASP Identifier",
        0x0012 => "Affected Point Code",
        CORRELATION_ID => "Correlation ID",
        NETWORK_APPEARANCE => "Network Appearance",
        0x0204 => "User/Cause",
        0x0205 => "Congestion Indications",
        0x0206 => "Concerned Destination",
        0x0207 => "Routing Key",
        0x0208 => "Registration Result",
        0x0209 => "Deregistration Result",
        0x020a => "Local Routing Key Identifier",
        0x020b => "Destination Point Code",
        0x020c => "Service Indicators",
        0x020e => "Originating Point Code List",
        0x0210 => "Protocol Data",
        0x0212 => "Registration Status",
        0x0213 => "Deregistration Status",
        _ => return None,
    })
}

/// ` (invalid)`.
fn print_invalid(line: &mut Line) {
    line.push(" (invalid)");
}

/// Prints the `size` byte message at the start of `message` (which runs on to the end of the captured packet:
/// tcpdump reads parameters past the message's end if their lengths say so).
pub(super) fn print(line: &mut Line, message: Captured, size: usize) -> Printed {
    if size < COMMON_HEADER_LEN {
        print_invalid(line);
        return Ok(());
    }
    if message.u8(0)? != RELEASE_1_0 {
        return Ok(());
    }
    let class = message.u8(2)?;
    match class_name(class) {
        Some(name) => line.put(format_args!("\n\t\t{name}")),
        None => line.put(format_args!("\n\t\tUnknown message class {class}")),
    }
    if let Some(types) = message_types(class) {
        let message_type = message.u8(3)?;
        match types.get(usize::from(message_type)).filter(|name| !name.is_empty()) {
            Some(name) => line.put(format_args!(" {name} Message")),
            None => line.put(format_args!(" Unknown (0x{message_type:02x}) Message")),
        }
    }
    let declared = message.be32(4)?;
    if u32::try_from(size) != Ok(declared) {
        line.put(format_args!("\n\t\t\t@@@@@@ Corrupted length {declared} of message @@@@@@"));
        return Ok(());
    }
    print_parameters(line, message.next_layer(COMMON_HEADER_LEN, "m3ua"), size - COMMON_HEADER_LEN)
}

/// `\n\t\t\tRouting Context: 0x00060008`: each parameter's name, and the value of a few. tcpdump reads those
/// values from the parameter's header rather than after it, and ptstat prints what it prints.
fn print_parameters(line: &mut Line, parameters: Captured, size: usize) -> Printed {
    let mut offset = 0;
    while offset < size {
        if offset + PARAMETER_HEADER_LEN > size {
            print_invalid(line);
            return Ok(());
        }
        let tag = parameters.be16(offset)?;
        match parameter_name(tag) {
            Some(name) => line.put(format_args!("\n\t\t\t{name}: ")),
            None => line.put(format_args!("\n\t\t\tUnknown Parameter (0x{tag:04x}): ")),
        }
        let len = usize::from(parameters.be16(offset + 2)?);
        if len < PARAMETER_HEADER_LEN {
            print_invalid(line);
            return Ok(());
        }
        let padding = (4 - (offset + len) % 4) % 4;
        parameters.require(offset, len + padding)?;
        match tag {
            NETWORK_APPEARANCE | ROUTING_CONTEXT | CORRELATION_ID if len < 2 * PARAMETER_HEADER_LEN => {
                print_invalid(line)
            }
            NETWORK_APPEARANCE | ROUTING_CONTEXT | CORRELATION_ID => {
                line.put(format_args!("0x{:08x}", parameters.be32(offset)?))
            }
            _ => line.put(format_args!("(length {len})")),
        }
        offset += len + padding;
    }
    Ok(())
}
