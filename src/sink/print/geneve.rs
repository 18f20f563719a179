//! Geneve (RFC 8926): a tunnel header with options, then an Ethernet frame or a packet of the EtherType it names
//! (tcpdump's print-geneve.c).

use super::{
    Line, PrintState,
    captured::{Captured, Printed},
    link::{self, ETHERTYPE_TEB},
};

pub(super) const PORT: u16 = 6081;
const HEADER_LEN: usize = 8;
const OPTION_HEADER_LEN: usize = 4;
/// An option type with this bit set is critical: a tunnel end that does not know it drops the packet.
const CRITICAL_OPTION: u8 = 0x80;

/// tcpdump's names of the flags: OAM, critical options present, and the reserved bits.
const FLAG_NAMES: [(u16, &str); 8] =
    [(0x80, "O"), (0x40, "C"), (0x20, "R1"), (0x10, "R2"), (0x08, "R3"), (0x04, "R4"), (0x02, "R5"), (0x01, "R6")];

/// Prints a Geneve header and what follows it: `bytes` were captured, `length` is what the UDP header leaves of
/// the datagram, `depth` counts the IP headers around the payload.
pub(super) fn print(line: &mut Line, state: &mut PrintState, bytes: &[u8], length: u32, depth: usize) -> Printed {
    let geneve = Captured::new(bytes, "geneve");
    line.push("Geneve");
    if length < HEADER_LEN as u32 {
        line.put(format_args!(" [length {length} < {HEADER_LEN}] (invalid)"));
        return Ok(());
    }
    geneve.check(0, HEADER_LEN)?;
    let version_and_options_len = geneve.u8(0)?;
    let version = version_and_options_len >> 6;
    if version != 0 {
        line.put(format_args!(" ERROR: unknown-version {version}"));
        return Ok(());
    }
    line.push(", Flags [");
    line.put_flag_names_joined(geneve.u8(1)?.into(), &FLAG_NAMES, "", "none");
    let [_, vni @ .., reserved] = geneve.array::<5>(3)?;
    line.put(format_args!("], vni 0x{:x}", u32::from_be_bytes([0, vni[0], vni[1], vni[2]])));
    if reserved != 0 {
        line.put(format_args!(", rsvd 0x{reserved:x}"));
    }
    let protocol = geneve.be16(2)?;
    if state.decoding.link_header {
        line.put(format_args!(", proto {} (0x{protocol:04x})", link::ethertype_name(protocol).unwrap_or("unknown")));
    }
    let options_len = usize::from(version_and_options_len & 0x3f) * 4;
    let after_header = length - HEADER_LEN as u32;
    if after_header < options_len as u32 {
        line.put(format_args!(" truncated-geneve - {} bytes missing", options_len as u32 - after_header));
        return Ok(());
    }
    geneve.check(HEADER_LEN, options_len)?;
    if options_len > 0 {
        line.push(", options [");
        if state.decoding.verbosity > 0 {
            print_options(line, geneve.next_layer(HEADER_LEN, "geneve").limit(options_len), state.decoding.verbosity)?;
        } else {
            line.put(format_args!("{options_len} bytes"));
        }
        line.push("]");
    }
    line.push(if state.decoding.verbosity > 0 { "\n\t" } else { ": " });
    let payload = geneve.rest(HEADER_LEN + options_len);
    let payload_len = after_header - options_len as u32;
    if let Some(printed) = link::print_ether_type_payload(line, state, protocol, payload, payload_len, depth) {
        return printed;
    }
    if protocol == ETHERTYPE_TEB {
        return link::print_ethernet(line, state, payload, payload_len, depth);
    }
    line.put(format_args!("geneve-proto-0x{protocol:x}"));
    Ok(())
}

/// `class Open vSwitch (0x101) type 0x80(C) len 8`, with -vv also the option's data in 32-bit words (`data
/// deadbeef`), for each option; `options` are all captured.
fn print_options(line: &mut Line, options: Captured, verbosity: u8) -> Printed {
    let mut offset = 0;
    while offset < options.len() {
        if offset > 0 {
            line.push(", ");
        }
        let class = options.be16(offset)?;
        let option_type = options.u8(offset + 2)?;
        let option_len = OPTION_HEADER_LEN + usize::from(options.u8(offset + 3)? & 0x1f) * 4;
        let critical = if option_type & CRITICAL_OPTION != 0 { "(C)" } else { "" };
        line.put(format_args!(
            "class {} (0x{class:x}) type 0x{option_type:x}{critical} len {option_len}",
            class_name(class)
        ));
        if option_len > options.len() - offset {
            line.push(" [bad length]");
            return Ok(());
        }
        if verbosity > 1 && option_len > OPTION_HEADER_LEN {
            line.push(" data");
            for word in (offset + OPTION_HEADER_LEN..offset + option_len).step_by(4) {
                line.put(format_args!(" {:08x}", options.be32(word)?));
            }
        }
        offset += option_len;
    }
    Ok(())
}

/// tcpdump's names of option classes.
fn class_name(class: u16) -> &'static str {
    match class {
        0x0100 => "Linux",
        0x0101 => "Open vSwitch",
        0x0102 => "Open Virtual Networking (OVN)",
        0x0103 => "In-band Network Telemetry (INT)",
        0x0104 => "VMware",
        0x0000..=0x00ff => "Standard",
        0xfff0.. => "Experimental",
        _ => "Unknown",
    }
}
