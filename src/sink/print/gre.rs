//! GRE, version 0 (RFC 2784, RFC 2890, with RFC 1701's source routes) and version 1, PPTP's enhanced GRE
//! (RFC 2637) (tcpdump's print-gre.c).

use super::{
    Line, PrintState,
    captured::{Captured, Printed, Truncated},
    ip, ip6,
    link::{self, ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_MPLS, ETHERTYPE_TEB},
    mpls, ppp,
};

const CHECKSUM_PRESENT: u16 = 0x8000;
const ROUTING_PRESENT: u16 = 0x4000;
const KEY_PRESENT: u16 = 0x2000;
const SEQUENCE_PRESENT: u16 = 0x1000;
const STRICT_SOURCE_ROUTE: u16 = 0x0800;
const ACK_PRESENT: u16 = 0x0080;
const VERSION: u16 = 0x0007;

/// tcpdump's names of the flags, for -v.
const FLAG_NAMES: [(u16, &str); 6] = [
    (CHECKSUM_PRESENT, "checksum present"),
    (ROUTING_PRESENT, "routing present"),
    (KEY_PRESENT, "key present"),
    (SEQUENCE_PRESENT, "sequence# present"),
    (STRICT_SOURCE_ROUTE, "source routing present"),
    (ACK_PRESENT, "ack present"),
];

/// The EtherType of PPP, which PPTP's GRE carries.
const ETHERTYPE_PPP: u16 = 0x880b;

/// Address families of source route entries.
const ROUTE_IP: u16 = 0x0800;
const ROUTE_AS: u16 = 0xfffe;

/// Prints a GRE packet: `bytes` were captured, `length` is its length as the IP header gives it, `depth` counts
/// the IP headers around what it carries.
pub(super) fn print(line: &mut Line, state: &mut PrintState, bytes: &[u8], length: u32, depth: usize) -> Printed {
    let mut gre = HeaderReader { bytes: Captured::new(bytes, "gre"), offset: 0, remaining: length };
    let flags = gre.take_be16()?;
    let version = flags & VERSION;
    line.put(format_args!("GREv{version}"));
    match version {
        0 | 1 => {}
        _ => {
            line.push(" ERROR: unknown-version");
            return Ok(());
        }
    }
    if state.decoding.verbosity > 0 {
        line.push(", Flags [");
        line.put_flag_names(flags, &FLAG_NAMES);
        line.push("]");
    }
    let protocol = gre.take_be16()?;
    let carries_payload = if version == 0 {
        print_version_0_fields(line, state, &mut gre, flags)?;
        true
    } else {
        print_version_1_fields(line, &mut gre, flags)?
    };
    if state.decoding.link_header {
        line.put(format_args!(", proto {} (0x{protocol:04x})", link::ethertype_name(protocol).unwrap_or("unknown")));
    }
    line.put(format_args!(", length {length}"));
    if !carries_payload {
        return Ok(());
    }
    line.push(if state.decoding.verbosity > 0 { "\n\t" } else { ": " });
    let payload = gre.bytes.rest(gre.offset);
    let payload_len = gre.remaining;
    match (version, protocol) {
        (0, ETHERTYPE_IPV4) => ip::print(line, state, payload, payload_len, depth),
        (0, ETHERTYPE_IPV6) => ip6::print(line, state, payload, payload_len, depth),
        (0, ETHERTYPE_MPLS) => mpls::print(line, state, payload, payload_len, depth),
        (0, ETHERTYPE_TEB) => link::print_ethernet(line, state, payload, payload_len, depth),
        (1, ETHERTYPE_PPP) => ppp::print(line, state, payload, payload_len, depth),
        _ => {
            line.put(format_args!("gre-proto-0x{protocol:x}"));
            Ok(())
        }
    }
}

/// Reads the header field by field, as far as both the capture and the length the IP header gives go.
struct HeaderReader<'a> {
    bytes: Captured<'a>,
    offset: usize,
    /// What the IP header's length leaves from `offset` on.
    remaining: u32,
}

impl HeaderReader<'_> {
    /// Checks that `len` more bytes were captured and are within the packet's length, and moves past them;
    /// returns where they start.
    fn take(&mut self, len: usize) -> Result<usize, Truncated> {
        self.bytes.check(self.offset, len)?;
        self.remaining = self.remaining.checked_sub(len as u32).ok_or(self.bytes.truncated())?;
        let start = self.offset;
        self.offset += len;
        Ok(start)
    }

    fn take_be16(&mut self) -> Result<u16, Truncated> {
        let start = self.take(2)?;
        self.bytes.be16(start)
    }

    fn take_be32(&mut self) -> Result<u32, Truncated> {
        let start = self.take(4)?;
        self.bytes.be32(start)
    }
}

/// `, sum 0x1234, off 0x0, key=0x1, seq 2` and any source routes: the optional fields of version 0.
fn print_version_0_fields(line: &mut Line, state: &PrintState, gre: &mut HeaderReader, flags: u16) -> Printed {
    if flags & (CHECKSUM_PRESENT | ROUTING_PRESENT) != 0 {
        let checksum = gre.take_be16()?;
        if state.decoding.verbosity > 0 {
            line.put(format_args!(", sum 0x{checksum:x}"));
        }
        line.put(format_args!(", off 0x{:x}", gre.take_be16()?));
    }
    if flags & KEY_PRESENT != 0 {
        line.put(format_args!(", key=0x{:x}", gre.take_be32()?));
    }
    if flags & SEQUENCE_PRESENT != 0 {
        line.put(format_args!(", seq {}", gre.take_be32()?));
    }
    if flags & ROUTING_PRESENT != 0 {
        print_source_routes(line, gre)?;
    }
    Ok(())
}

/// `, (rtaf=ip 10.0.0.1 *10.0.0.2)`: the source route entries, up to the empty one that ends them.
fn print_source_routes(line: &mut Line, gre: &mut HeaderReader) -> Printed {
    loop {
        let family = gre.take_be16()?;
        let entry = gre.take(2)?;
        let (active_offset, len) = (gre.bytes.u8(entry)?, gre.bytes.u8(entry + 1)?);
        if family == 0 && len == 0 {
            return Ok(());
        }
        // Each address's width, and its form.
        let (width, name): (usize, _) = match family {
            ROUTE_IP => (4, "ip"),
            ROUTE_AS => (2, "asn"),
            other => {
                line.put(format_args!(", (rtaf=0x{other:x})"));
                gre.take(usize::from(len))?;
                continue;
            }
        };
        line.put(format_args!(", (rtaf={name}"));
        let printed = print_route_addresses(line, gre, width, active_offset, len);
        line.push(")");
        printed?;
        gre.take(usize::from(len))?;
    }
}

/// The addresses of one source route entry, a `*` before the active one; or what is wrong with the entry.
fn print_route_addresses(line: &mut Line, gre: &HeaderReader, width: usize, active_offset: u8, len: u8) -> Printed {
    let misaligned = |value: u8| !usize::from(value).is_multiple_of(width);
    if misaligned(active_offset) {
        line.put(format_args!(", badoffset={active_offset}"));
    } else if misaligned(len) {
        line.put(format_args!(", badlength={len}"));
    } else if active_offset >= len {
        line.put(format_args!(", badoff/len={active_offset}/{len}"));
    } else {
        for position in (0..usize::from(len)).step_by(width) {
            let start = gre.offset + position;
            gre.bytes.check(start, width)?;
            if gre.remaining < (position + width) as u32 {
                return Err(gre.bytes.truncated());
            }
            line.push(if position == usize::from(active_offset) { " *" } else { " " });
            match width {
                4 => line.put_address(&gre.bytes.ipv4(start)?),
                _ => line.put(format_args!("{:x}", gre.bytes.be16(start)?)),
            }
        }
    }
    Ok(())
}

/// `, call 5, seq 9, ack 8`: the optional fields of version 1. Returns whether a payload follows (it does when
/// there is a sequence number; without one, the packet only acknowledges).
fn print_version_1_fields(line: &mut Line, gre: &mut HeaderReader, flags: u16) -> Result<bool, Truncated> {
    if flags & KEY_PRESENT != 0 {
        // The key field holds the payload length, then the call ID.
        line.put(format_args!(", call {}", gre.take_be32()? & 0xffff));
    }
    let has_payload = flags & SEQUENCE_PRESENT != 0;
    if has_payload {
        line.put(format_args!(", seq {}", gre.take_be32()?));
    }
    if flags & ACK_PRESENT != 0 {
        line.put(format_args!(", ack {}", gre.take_be32()?));
    }
    if !has_payload {
        line.push(", no-payload");
    }
    Ok(has_payload)
}
