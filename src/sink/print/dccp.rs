//! DCCP (tcpdump's print-dccp.c, RFC 4340): packet type and its fields, the checksum at -v, sequence number and
//! options at -vv.

use super::{
    Line, PrintState,
    captured::{Captured, Printed, Truncated},
    checksum,
    ip::{IpEnvelope, PROTOCOL_DCCP},
};

/// The generic header with a 24-bit sequence number; with the X bit, 48 bits make it 16 bytes long.
const SHORT_HEADER_LEN: u32 = 12;
const EXTENDED_HEADER_LEN: u32 = 16;

const REQUEST: u8 = 0;
const RESPONSE: u8 = 1;
const DATA: u8 = 2;
const RESET: u8 = 7;

const TYPE_NAMES: [&str; 10] = [
    "DCCP-Request",
    "DCCP-Response",
    "DCCP-Data",
    "DCCP-Ack",
    "DCCP-DataAck",
    "DCCP-CloseReq",
    "DCCP-Close",
    "DCCP-Reset",
    "DCCP-Sync",
    "DCCP-SyncAck",
];

const RESET_CODES: [&str; 12] = [
    "unspecified",
    "closed",
    "aborted",
    "no_connection",
    "packet_error",
    "option_error",
    "mandatory_error",
    "connection_refused",
    "bad_service_code",
    "too_busy",
    "bad_init_cookie",
    "aggression_penalty",
];

/// Prints a DCCP packet: `bytes` were captured, `length` is its length as the IP header gives it.
pub(super) fn print(line: &mut Line, state: &PrintState, bytes: &[u8], length: u32, envelope: &IpEnvelope) -> Printed {
    let dccp = Captured::new(bytes, "dccp");
    dccp.check(0, SHORT_HEADER_LEN as usize)?;
    if length < SHORT_HEADER_LEN {
        line.put(format_args!("truncated-dccp - {} bytes missing!", SHORT_HEADER_LEN - length));
        return Ok(());
    }
    let extended = dccp.u8(8)? & 0x01 != 0;
    let generic_len = if extended { EXTENDED_HEADER_LEN } else { SHORT_HEADER_LEN };
    if length < generic_len {
        line.put(format_args!("truncated-dccp - {} bytes missing!", generic_len - length));
        return Ok(());
    }
    dccp.check(0, generic_len as usize)?;
    let header_len = u32::from(dccp.u8(4)?) * 4;
    envelope.print_addressed_endpoints(line, dccp.be16(0)?, dccp.be16(2)?);
    line.push("DCCP");
    let decoding = &state.decoding;
    if decoding.quick {
        line.put(format_args!(" {}", length.wrapping_sub(header_len)));
        if header_len > length {
            line.put(format_args!(" [bad hdr length {header_len} - too long, > {length}]"));
        }
        return Ok(());
    }
    if decoding.verbosity > 0 {
        let coverage = dccp.u8(5)? & 0x0f;
        line.put(format_args!(" (CCVal {}, CsCov {coverage}", dccp.u8(5)? >> 4));
        if let Ok(packet) = dccp.slice(0, length as usize) {
            print_checksum(line, dccp, packet, header_len, coverage, envelope)?;
        }
        line.push(")");
    }
    line.push(" ");
    let packet_type = (dccp.u8(8)? >> 1) & 0x0f;
    let subheader = generic_len as usize;
    let subheader_len = match TYPE_NAMES.get(usize::from(packet_type)) {
        Some(name) => {
            // What follows the generic header: the service code, the acknowledgment, the reset's code.
            let subheader_len = match packet_type {
                REQUEST => 4,
                RESPONSE | RESET => 12,
                DATA => 0,
                _ => 8,
            };
            if length < generic_len + subheader_len {
                line.put(format_args!("truncated-{name} - {} bytes missing!", generic_len + subheader_len - length));
                return Ok(());
            }
            if matches!(packet_type, REQUEST | RESPONSE | RESET) {
                dccp.check(subheader, subheader_len as usize)?;
            }
            match packet_type {
                REQUEST => line.put(format_args!("{name} (service={}) ", dccp.be32(subheader)?)),
                RESPONSE => line.put(format_args!("{name} (service={}) ", dccp.be32(subheader + 8)?)),
                RESET => {
                    let code = RESET_CODES.get(usize::from(dccp.u8(subheader + 8)?)).copied();
                    line.put(format_args!("{name} (code={}) ", code.unwrap_or("invalid")));
                }
                _ => line.put(format_args!("{name} ")),
            }
            subheader_len
        }
        None => {
            line.put(format_args!("unknown-type-{packet_type} "));
            0
        }
    };
    let fixed_len = generic_len + subheader_len;
    if !matches!(packet_type, DATA | REQUEST) {
        // tcpdump reads an acknowledgment number in every other type, known or not.
        let ack = if extended { be48(dccp, subheader + 2)? } else { be24(dccp, subheader + 1)? };
        line.put(format_args!("(ack={ack}) "));
    }
    if decoding.verbosity < 2 {
        return Ok(());
    }
    let seq = if extended { be48(dccp, 10)? } else { be24(dccp, 9)? };
    line.put(format_args!("seq {seq}"));
    if header_len > fixed_len {
        line.push(" <");
        print_options(line, dccp, header_len as usize, fixed_len as usize)?;
        line.push(">");
    }
    Ok(())
}

fn be24(dccp: Captured, offset: usize) -> Result<u64, Truncated> {
    dccp.array(offset).map(|[high, middle, low]: [u8; 3]| u64::from(u32::from_be_bytes([0, high, middle, low])))
}

fn be48(dccp: Captured, offset: usize) -> Result<u64, Truncated> {
    dccp.array(offset).map(|bytes: [u8; 6]| bytes.iter().fold(0, |value, &byte| value << 8 | u64::from(byte)))
}

/// `, cksum 0x1234 (correct)`: the checksum covers the header and the first `coverage - 1` words of data, or
/// the whole packet for coverage 0 (-v).
fn print_checksum(
    line: &mut Line,
    dccp: Captured,
    packet: &[u8],
    header_len: u32,
    coverage: u8,
    envelope: &IpEnvelope,
) -> Printed {
    let field = dccp.be16(6)?;
    line.put(format_args!(", cksum 0x{field:04x} "));
    let covered_len = match coverage {
        0 => packet.len(),
        _ => (header_len as usize + (usize::from(coverage) - 1) * 4).min(packet.len()),
    };
    let covered = packet.get(..covered_len).unwrap_or(packet);
    let computed = checksum::with_pseudo_header_covering(envelope, PROTOCOL_DCCP, packet.len(), covered);
    if computed == 0 {
        line.push("(correct)");
    } else {
        line.put(format_args!("(incorrect -> 0x{:04x})", checksum::expected(field, computed)));
    }
    Ok(())
}

/// Options 0 to 31 are a single byte; from 128 on they belong to the congestion control (CCID).
const FIRST_OPTION_WITH_LENGTH: u8 = 32;
const FIRST_CCID_OPTION: u8 = 128;

/// tcpdump's names of options below 128.
fn option_name(kind: u8) -> Option<&'static str> {
    Some(match kind {
        0 => "nop",
        1 => "mandatory",
        2 => "slowreceiver",
        32 => "change_l",
        33 => "confirm_l",
        34 => "change_r",
        35 => "confirm_r",
        36 => "initcookie",
        37 => "ndp_count",
        38 => "ack_vector0",
        39 => "ack_vector1",
        40 => "data_dropped",
        41 => "timestamp",
        42 => "timestamp_echo",
        43 => "elapsed_time",
        44 => "data_checksum",
        _ => return None,
    })
}

const FEATURE_NAMES: [&str; 10] = [
    "reserved",
    "ccid",
    "allow_short_seqno",
    "sequence_window",
    "ecn_incapable",
    "ack_ratio",
    "send_ack_vector",
    "send_ndp_count",
    "minimum checksum coverage",
    "check data checksum",
];

/// `nop, timestamp 1, change_l ccid 2`: the options from `start` to `header_len`. A cut inside one ends the list
/// with the marker, and the line goes on.
fn print_options(line: &mut Line, dccp: Captured, header_len: usize, start: usize) -> Printed {
    let mut offset = start;
    loop {
        let kind = dccp.u8(offset)?;
        let remaining = header_len - offset;
        let option_len = if kind >= FIRST_OPTION_WITH_LENGTH { usize::from(dccp.u8(offset + 1)?) } else { 1 };
        let problem = if option_len < 2 && kind >= FIRST_OPTION_WITH_LENGTH {
            Some("optlen too short")
        } else if remaining < option_len {
            Some("optlen goes past header length")
        } else {
            None
        };
        if let Some(problem) = problem {
            print_option_name(line, kind);
            line.put(format_args!(" {problem}"));
            return Ok(());
        }
        if !dccp.has(offset, option_len) {
            dccp.truncated().print(line);
            return Ok(());
        }
        print_option(line, dccp.next_layer(offset, "dccp").limit(option_len))?;
        if remaining <= option_len {
            return Ok(());
        }
        offset += option_len;
        line.push(", ");
    }
}

/// `timestamp`, `Option 3` or `CCID option 128`.
fn print_option_name(line: &mut Line, kind: u8) {
    match option_name(kind) {
        _ if kind >= FIRST_CCID_OPTION => line.put(format_args!("CCID option {kind}")),
        Some(name) => line.push(name),
        None => line.put(format_args!("Option {kind}")),
    }
}

/// Prints one option, all of whose bytes (kind and length included) `option` holds.
fn print_option(line: &mut Line, option: Captured) -> Printed {
    let kind = option.u8(0)?;
    let len = option.len();
    print_option_name(line, kind);
    // The data after kind and length, in hex.
    let hex = |line: &mut Line, separator: &str| -> Printed {
        if len > 2 {
            line.push(separator);
            for offset in 2..len {
                line.put(format_args!("{:02x}", option.u8(offset)?));
            }
        }
        Ok(())
    };
    match kind {
        FIRST_CCID_OPTION.. => match len {
            4 => line.put(format_args!(" {}", option.be16(2)?)),
            6 => line.put(format_args!(" {}", option.be32(2)?)),
            _ => {}
        },
        // Feature negotiation: the feature, then its values a byte each.
        32..=35 => {
            if len < 3 {
                line.push(" optlen too short");
                return Ok(());
            }
            if let Some(feature) = FEATURE_NAMES.get(usize::from(option.u8(2)?)) {
                line.put(format_args!(" {feature}"));
                for offset in 3..len {
                    line.put(format_args!(" {}", option.u8(offset)?));
                }
            }
        }
        36 | 38..=40 => hex(line, " 0x")?,
        37 => {
            for offset in 2..len {
                line.put(format_args!(" {}", option.u8(offset)?));
            }
        }
        41 => match len {
            6 => line.put(format_args!(" {}", option.be32(2)?)),
            _ => line.push(" [optlen != 6]"),
        },
        42 => match len {
            6 => line.put(format_args!(" {}", option.be32(2)?)),
            8 => line.put(format_args!(" {} (elapsed time {})", option.be32(2)?, option.be16(6)?)),
            10 => line.put(format_args!(" {} (elapsed time {})", option.be32(2)?, option.be32(6)?)),
            _ => line.push(" [optlen != 6 or 8 or 10]"),
        },
        43 => match len {
            6 => line.put(format_args!(" {}", option.be32(2)?)),
            4 => line.put(format_args!(" {}", option.be16(2)?)),
            _ => line.push(" [optlen != 4 or 6]"),
        },
        44 => hex(line, " ")?,
        _ => {}
    }
    Ok(())
}
