//! ICMP for IPv4 (tcpdump's print-icmp.c).

use super::{
    Line, PrintState,
    captured::{Captured, Printed},
    checksum::{self, Checksum},
    hexdump,
    ip::{self, IpEnvelope, PROTOCOL_TCP, PROTOCOL_UDP},
};

const ECHO_REPLY: u8 = 0;
const UNREACHABLE: u8 = 3;
const SOURCE_QUENCH: u8 = 4;
const REDIRECT: u8 = 5;
const ECHO_REQUEST: u8 = 8;
const ROUTER_ADVERTISEMENT: u8 = 9;
const TIME_EXCEEDED: u8 = 11;
const PARAMETER_PROBLEM: u8 = 12;
const TIMESTAMP_REQUEST: u8 = 13;
const TIMESTAMP_REPLY: u8 = 14;
const ADDRESS_MASK_REPLY: u8 = 18;

/// Where the IP header of the datagram an error message quotes starts.
const QUOTED_IP: usize = 8;
/// Offsets of fields of the quoted IP header.
const QUOTED_PROTOCOL: usize = QUOTED_IP + 9;
const QUOTED_DESTINATION: usize = QUOTED_IP + 16;

/// Prints an ICMP message: `bytes` were captured, `length` is its length as the IP header gives it. tcpdump
/// composes the whole description before printing it, so a message cut short prints only the marker.
pub(super) fn print(
    line: &mut Line,
    state: &mut PrintState,
    bytes: &[u8],
    length: u32,
    envelope: &IpEnvelope,
) -> Printed {
    let icmp = Captured::new(bytes, "icmp");
    let start = line.len();
    let described = describe(line, icmp);
    if described.is_err() {
        line.truncate(start);
    }
    described?;
    line.put(format_args!(", length {length}"));
    if state.decoding.verbosity == 0 {
        return Ok(());
    }
    // Only a message captured whole can be checked, and of a fragment tcpdump has only a part.
    if !envelope.fragmented
        && let Ok(message) = icmp.slice(0, length as usize)
    {
        let computed = Checksum::default().add(message).finish();
        if computed != 0 {
            let field = icmp.be16(2)?;
            line.put(format_args!(" (wrong icmp cksum {field:x} (->{:x})!)", checksum::expected(field, computed)));
        }
    }
    let message_type = icmp.u8(0)?;
    if matches!(message_type, UNREACHABLE | SOURCE_QUENCH | REDIRECT | TIME_EXCEEDED | PARAMETER_PROBLEM)
        && envelope.depth < ip::MAX_ENCAPSULATION_DEPTH
    {
        // The datagram the error is about, as far as quoted.
        line.push("\n\t");
        let quoted_len = icmp.be16(QUOTED_IP + 2)?;
        // tcpdump ends the capture where the quoted header's total length says the datagram ends, so a length
        // below a header's cuts the header short, and one of 0 leaves ICMP nothing to read.
        let quoted = icmp.next_layer(QUOTED_IP, "icmp").limit(quoted_len.into());
        if quoted.len() == 0 {
            return Err(quoted.abandoned());
        }
        match ip::print(line, state, quoted.bytes(), quoted_len.into(), envelope.depth + 1) {
            // A printer that stopped where the quote ends stops only the quoted datagram's part of the line.
            Err(truncated) if !truncated.abandons_packet => truncated.print(line),
            result => result?,
        }
    }
    if matches!(message_type, UNREACHABLE | TIME_EXCEEDED | PARAMETER_PROBLEM) && length > EXTENSION_START as u32 {
        print_extensions(line, icmp, length as usize)?;
    }
    Ok(())
}

/// RFC 4884 puts extensions after the first 128 bytes of the quoted datagram.
const EXTENSION_START: usize = QUOTED_IP + 128;
const EXTENSION_HEADER_LEN: usize = 4;
const EXTENSION_VERSION: u8 = 2;
const OBJECT_HEADER_LEN: usize = 4;
const OBJECT_MPLS_STACK: u8 = 1;

/// `\n\tICMP Multi-Part extension v2, checksum 0x1234 (correct), length 12` and the extension's objects (RFC 4884,
/// RFC 4950), after an error message `length` bytes long (-v).
fn print_extensions(line: &mut Line, icmp: Captured, length: usize) -> Printed {
    icmp.check(EXTENSION_START, EXTENSION_HEADER_LEN + 1)?;
    let extensions_len = length - EXTENSION_START;
    let extensions = icmp.slice(EXTENSION_START, extensions_len).ok();
    let checksum_correct = extensions.map(|bytes| Checksum::default().add(bytes).finish() == 0);
    // Senders that do not set the length of the quoted datagram may still add extensions: tcpdump takes a correct
    // checksum as the sign.
    if icmp.u8(5)? == 0 && checksum_correct == Some(false) {
        return Ok(());
    }
    let version = icmp.u8(EXTENSION_START)? >> 4;
    line.put(format_args!("\n\tICMP Multi-Part extension v{version}"));
    if version != EXTENSION_VERSION {
        line.push(" packet not supported");
        return Ok(());
    }
    if let Some(correct) = checksum_correct {
        let field = icmp.be16(EXTENSION_START + 2)?;
        let judgement = if correct { "correct" } else { "incorrect" };
        line.put(format_args!(", checksum 0x{field:04x} ({judgement}), length {extensions_len}"));
    }
    let mut remaining = extensions_len.saturating_sub(EXTENSION_HEADER_LEN);
    let mut offset = EXTENSION_START + EXTENSION_HEADER_LEN;
    while remaining > OBJECT_HEADER_LEN {
        let object_len = usize::from(icmp.be16(offset)?);
        let class = icmp.u8(offset + 2)?;
        let class_type = icmp.u8(offset + 3)?;
        let name = match class {
            OBJECT_MPLS_STACK => "MPLS Stack Entry",
            2 => "Interface Identification",
            _ => "unknown",
        };
        line.put(format_args!("\n\t  {name} Object ({class}), Class-Type: {class_type}, length {object_len}"));
        remaining -= OBJECT_HEADER_LEN;
        offset += OBJECT_HEADER_LEN;
        // An object must at least hold its header, or the walk would never end.
        if class == 0 || object_len < OBJECT_HEADER_LEN {
            return Ok(());
        }
        let data_len = object_len - OBJECT_HEADER_LEN;
        if class == OBJECT_MPLS_STACK && class_type == 1 {
            let entry = icmp.be32(offset)?;
            line.put(format_args!("\n\t    label {}, tc {}", entry >> 12, entry >> 9 & 0x07));
            if entry & 0x100 != 0 {
                line.push(", [S]");
            }
            line.put(format_args!(", ttl {}", entry & 0xff));
        } else {
            icmp.check(offset, data_len)?;
            hexdump::hex_indented(line, "\n\t    ", icmp.slice(offset, data_len)?);
        }
        if remaining < data_len {
            break;
        }
        remaining -= data_len;
        offset += data_len;
    }
    Ok(())
}

/// `ICMP echo request, id 1, seq 2` and the like.
fn describe(line: &mut Line, icmp: Captured) -> Printed {
    line.push("ICMP ");
    let message_type = icmp.u8(0)?;
    let code = icmp.u8(1)?;
    match message_type {
        ECHO_REQUEST | ECHO_REPLY => {
            let kind = if message_type == ECHO_REQUEST { "request" } else { "reply" };
            line.put(format_args!("echo {kind}, id {}, seq {}", icmp.be16(4)?, icmp.be16(6)?));
        }
        UNREACHABLE => describe_unreachable(line, icmp, code)?,
        REDIRECT => {
            let destination = icmp.ipv4(QUOTED_DESTINATION)?;
            let gateway = icmp.ipv4(4)?;
            match code {
                0 => line.put(format_args!("redirect {destination} to net {gateway}")),
                1 => line.put(format_args!("redirect {destination} to host {gateway}")),
                2 => line.put(format_args!("redirect-tos {destination} to net {gateway}")),
                3 => line.put(format_args!("redirect-tos {destination} to host {gateway}")),
                other => line.put(format_args!("redirect-#{other} {destination} to {gateway}")),
            }
        }
        ROUTER_ADVERTISEMENT => describe_router_advertisement(line, icmp)?,
        TIME_EXCEEDED => {
            icmp.check(QUOTED_DESTINATION, 4)?;
            match code {
                0 => line.push("time exceeded in-transit"),
                1 => line.push("ip reassembly time exceeded"),
                other => line.put(format_args!("time exceeded-#{other}")),
            }
        }
        PARAMETER_PROBLEM if code != 0 => line.put(format_args!("parameter problem - code {code}")),
        PARAMETER_PROBLEM => line.put(format_args!("parameter problem - octet {}", icmp.u8(4)?)),
        ADDRESS_MASK_REPLY => line.put(format_args!("address mask is 0x{:08x}", icmp.be32(8)?)),
        TIMESTAMP_REQUEST => {
            line.put(format_args!("time stamp query id {} seq {}", icmp.be16(4)?, icmp.be16(6)?));
        }
        TIMESTAMP_REPLY => {
            icmp.check(16, 4)?;
            line.put(format_args!("time stamp reply id {} seq {}: org ", icmp.be16(4)?, icmp.be16(6)?));
            for (label, offset) in [("", 8), (", recv ", 12), (", xmit ", 16)] {
                line.push(label);
                print_time_of_day(line, icmp.be32(offset)?);
            }
        }
        other => match other_type_name(other) {
            Some(name) => line.push(name),
            None => line.put(format_args!("type-#{other}")),
        },
    }
    Ok(())
}

fn describe_unreachable(line: &mut Line, icmp: Captured, code: u8) -> Printed {
    const PORT_UNREACHABLE: u8 = 3;
    const NEEDS_FRAGMENTATION: u8 = 4;
    if code == PORT_UNREACHABLE {
        icmp.check(QUOTED_PROTOCOL, 1)?;
        let quoted_header_len = usize::from(icmp.u8(QUOTED_IP)? & 0x0f) * 4;
        let port = icmp.be16(QUOTED_IP + quoted_header_len + 2)?;
        let protocol = icmp.u8(QUOTED_PROTOCOL)?;
        let destination = icmp.ipv4(QUOTED_DESTINATION)?;
        match protocol {
            PROTOCOL_TCP => line.put(format_args!("{destination} tcp port {port} unreachable")),
            PROTOCOL_UDP => line.put(format_args!("{destination} udp port {port} unreachable")),
            other => line.put(format_args!("{destination} protocol {other} port {port} unreachable")),
        }
        return Ok(());
    }
    if code == NEEDS_FRAGMENTATION {
        let mtu = icmp.be16(6)?;
        let destination = icmp.ipv4(QUOTED_DESTINATION)?;
        line.put(format_args!("{destination} unreachable - need to frag"));
        if mtu != 0 {
            line.put(format_args!(" (mtu {mtu})"));
        }
        return Ok(());
    }
    let destination = icmp.ipv4(QUOTED_DESTINATION)?;
    // The other codes: what is unreachable ("net", "host" or nothing) and why (nothing for plain net/host).
    let (what, why) = match code {
        0 => ("net ", ""),
        1 => ("host ", ""),
        2 => {
            line.put(format_args!("{destination} protocol {} unreachable", icmp.u8(QUOTED_PROTOCOL)?));
            return Ok(());
        }
        5 => ("", " - source route failed"),
        6 => ("net ", " - unknown"),
        7 => ("host ", " - unknown"),
        8 => ("", " - source host isolated"),
        9 => ("net ", " - admin prohibited"),
        10 => ("host ", " - admin prohibited"),
        11 => ("net ", " - tos prohibited"),
        12 => ("host ", " - tos prohibited"),
        13 => ("host ", " - admin prohibited filter"),
        14 => ("host ", " - host precedence violation"),
        15 => ("host ", " - precedence cutoff"),
        other => {
            line.put(format_args!("{destination} unreachable - #{other}"));
            return Ok(());
        }
    };
    line.put(format_args!("{what}{destination} unreachable{why}"));
    Ok(())
}

/// `router advertisement lifetime 30:00 2: {10.0.0.1 0} {10.0.0.2 5}`.
fn describe_router_advertisement(line: &mut Line, icmp: Captured) -> Printed {
    const ENTRY_LEN: usize = 8;
    icmp.check(4, 4)?;
    let lifetime = icmp.be16(6)?;
    line.push("router advertisement lifetime ");
    match lifetime {
        0..60 => line.put(format_args!("{lifetime}")),
        60..3600 => line.put(format_args!("{}:{:02}", lifetime / 60, lifetime % 60)),
        _ => line.put(format_args!("{}:{:02}:{:02}", lifetime / 3600, lifetime % 3600 / 60, lifetime % 60)),
    }
    let addresses = icmp.u8(4)?;
    line.put(format_args!(" {addresses}:"));
    let entry_size = icmp.u8(5)?;
    if entry_size != 2 {
        line.put(format_args!(" [size {entry_size}]"));
        return Ok(());
    }
    for index in 0..usize::from(addresses) {
        let offset = 8 + index * ENTRY_LEN;
        icmp.check(offset, ENTRY_LEN)?;
        line.put(format_args!(" {{{} {}}}", icmp.ipv4(offset)?, icmp.be32(offset + 4)?));
    }
    Ok(())
}

/// Milliseconds since midnight UTC as `HH:MM:SS.mmm` (hours may exceed 23 in nonsense values).
fn print_time_of_day(line: &mut Line, milliseconds: u32) {
    let seconds = milliseconds / 1000;
    line.put(format_args!(
        "{:02}:{:02}:{:02}.{:03}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60,
        milliseconds % 1000
    ));
}

/// tcpdump's names of the message types that need no more than a name.
fn other_type_name(message_type: u8) -> Option<&'static str> {
    Some(match message_type {
        4 => "source quench",
        10 => "router solicitation",
        15 => "information request",
        16 => "information reply",
        17 => "address mask request",
        _ => return None,
    })
}
