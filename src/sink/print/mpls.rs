//! MPLS label stacks (RFC 3032) (tcpdump's print-mpls.c). Nothing in the stack says what the payload is: a
//! reserved label at the bottom may, and otherwise tcpdump guesses IP from the version in its first byte.

use super::{
    Line, PrintState,
    captured::{Captured, Printed},
    hexdump, ip, ip6,
};

/// MPLS in UDP (RFC 7510).
pub(super) const UDP_PORT: u16 = 6635;
const ENTRY_LEN: usize = 4;

const LABEL_IPV4_EXPLICIT_NULL: u32 = 0;
const LABEL_IPV6_EXPLICIT_NULL: u32 = 2;
const LABEL_IMPLICIT_NULL: u32 = 3;

/// tcpdump's names of the reserved labels (0 to 15), for -v.
fn reserved_label_name(label: u32) -> Option<&'static str> {
    Some(match label {
        LABEL_IPV4_EXPLICIT_NULL => "IPv4 explicit NULL",
        1 => "router alert",
        LABEL_IPV6_EXPLICIT_NULL => "IPv6 explicit NULL",
        LABEL_IMPLICIT_NULL => "implicit NULL",
        4..=15 => "rsvd",
        _ => return None,
    })
}

/// What the bottom of the stack carries, as far as tcpdump tells.
enum Payload {
    Ipv4,
    Ipv6,
    /// OSI's CLNP, ES-IS or IS-IS, for which ptstat has no printer.
    Osi,
    Unknown,
}

/// Prints a label stack and what it carries: `bytes` were captured, `length` is their length on the wire, `depth`
/// counts the IP headers around it.
pub(super) fn print(line: &mut Line, state: &mut PrintState, bytes: &[u8], length: u32, depth: usize) -> Printed {
    let mpls = Captured::new(bytes, "mpls");
    let verbose = state.decoding.verbosity > 0;
    line.push("MPLS");
    let mut offset = 0;
    let mut remaining = length;
    let bottom_label = loop {
        if remaining < ENTRY_LEN as u32 {
            line.push(" (invalid)");
            // tcpdump then insists on the bytes the length claims.
            return mpls.require(offset, remaining as usize);
        }
        let entry = mpls.be32(offset)?;
        let label = entry >> 12;
        line.push(if offset > 0 && verbose { "\n\t(label " } else { " (label " });
        line.put_decimal(label);
        if let Some(name) = reserved_label_name(label).filter(|_| verbose) {
            line.put(format_args!(" ({name})"));
        }
        line.put(format_args!(", tc {}", (entry >> 9) & 0x7));
        let bottom_of_stack = entry & 0x100 != 0;
        if bottom_of_stack {
            line.push(", [S]");
        }
        line.put(format_args!(", ttl {})", entry & 0xff));
        offset += ENTRY_LEN;
        remaining -= ENTRY_LEN as u32;
        if bottom_of_stack {
            break label;
        }
    };
    let payload_type = match bottom_label {
        LABEL_IPV4_EXPLICIT_NULL | LABEL_IMPLICIT_NULL => Payload::Ipv4,
        LABEL_IPV6_EXPLICIT_NULL => Payload::Ipv6,
        _ if remaining == 0 => return Ok(()),
        _ => match mpls.u8(offset)? {
            0x45..=0x4f => Payload::Ipv4,
            0x60..=0x6f => Payload::Ipv6,
            0x81..=0x83 => Payload::Osi,
            _ => Payload::Unknown,
        },
    };
    let payload = mpls.rest(offset);
    let separator = if verbose { "\n\t" } else { " " };
    match payload_type {
        Payload::Ipv4 => {
            line.push(separator);
            ip::print(line, state, payload, remaining, depth)
        }
        Payload::Ipv6 => {
            line.push(separator);
            ip6::print(line, state, payload, remaining, depth)
        }
        Payload::Osi => {
            line.push(separator);
            Ok(())
        }
        Payload::Unknown if state.dumps_unknown_payloads => {
            hexdump::hex_and_ascii(line, payload);
            // The dump covers the length the layer below gives; when the capture ended first, tcpdump gives up on
            // the packet there.
            if (payload.len() as u64) < u64::from(remaining) { Err(mpls.abandoned()) } else { Ok(()) }
        }
        Payload::Unknown => Ok(()),
    }
}
