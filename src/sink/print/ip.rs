//! IPv4 (tcpdump's print-ip.c) and the hand-over to the protocol an IP header names (print-ip-demux.c).

use super::{
    Line, PrintState,
    address::IpAddress,
    captured::{Captured, Printed},
    icmp, icmp6, ip6, tcp, udp,
};

const MIN_HEADER_LEN: usize = 20;
const MORE_FRAGMENTS: u16 = 0x2000;
const FRAGMENT_OFFSET: u16 = 0x1fff;

pub(super) const PROTOCOL_ICMP: u8 = 1;
pub(super) const PROTOCOL_IPV4: u8 = 4;
pub(super) const PROTOCOL_TCP: u8 = 6;
pub(super) const PROTOCOL_UDP: u8 = 17;
pub(super) const PROTOCOL_IPV6: u8 = 41;
pub(super) const PROTOCOL_ICMPV6: u8 = 58;
const PROTOCOL_NO_NEXT_HEADER: u8 = 59;
const PROTOCOL_ND: u8 = 77;

/// IP inside IP inside IP...: each level costs a stack frame, and a crafted packet could nest thousands.
const MAX_ENCAPSULATION_DEPTH: usize = 8;

/// What the printer of an IP payload needs to know of the IP header it came in.
#[derive(Clone, Copy, Debug)]
pub(super) struct IpEnvelope {
    pub source: IpAddress,
    pub destination: IpAddress,
    /// The IP header's own protocol field names the payload, with no IPv6 extension header in between. tcpdump
    /// prints the addresses along with the ports only then: otherwise it printed them before the extension headers.
    pub names_transport: bool,
    /// The payload is (the first) part of a fragmented datagram, so its length fields need not match.
    pub fragmented: bool,
    /// How many IP headers enclose this one.
    pub depth: usize,
}

impl IpEnvelope {
    /// `10.0.0.1.40000 > 10.0.0.2.50000: `, or just the ports when the addresses were printed already.
    pub fn print_endpoints(&self, line: &mut Line, source_port: u16, destination_port: u16) {
        if self.names_transport {
            line.put(format_args!("{}.{source_port} > {}.{destination_port}: ", self.source, self.destination));
        } else {
            line.put(format_args!("{source_port} > {destination_port}: "));
        }
    }

    /// `10.0.0.1 > 10.0.0.2:` (no space after the colon).
    pub fn print_addresses(&self, line: &mut Line) {
        line.put(format_args!("{} > {}:", self.source, self.destination));
    }
}

/// Prints an IPv4 packet whose captured bytes are `bytes` and whose length on the wire (as far as the link layer
/// knows) is `length`. `depth` counts the IP headers around it.
pub(super) fn print(line: &mut Line, state: &mut PrintState, bytes: &[u8], length: u32, depth: usize) -> Printed {
    let ip = Captured::new(bytes, "ip");
    let version = ip.u8(0)? >> 4;
    if version != 4 {
        match version {
            6 => line.push("IP6, wrong link-layer encapsulation"),
            other => line.put(format_args!("IP{other}")),
        }
        line.push(" (invalid)");
        return Ok(());
    }
    line.push("IP ");
    ip.check(0, MIN_HEADER_LEN)?;
    if length < MIN_HEADER_LEN as u32 {
        line.put(format_args!("truncated-ip {length}"));
        return Ok(());
    }
    let header_len = usize::from(ip.u8(0)? & 0x0f) * 4;
    if header_len < MIN_HEADER_LEN {
        line.put(format_args!("bad-hlen {header_len}"));
        return Ok(());
    }
    let total_len = ip.be16(2)?;
    if length < u32::from(total_len) {
        line.put(format_args!("truncated-ip - {} bytes missing! ", u32::from(total_len) - length));
    }
    if usize::from(total_len) < header_len {
        line.put(format_args!("bad-len {total_len}"));
        return Ok(());
    }
    let ip = ip.limit(usize::from(total_len));
    let fragment = ip.be16(6)?;
    let protocol = ip.u8(9)?;
    let envelope = IpEnvelope {
        source: ip.ipv4(12)?,
        destination: ip.ipv4(16)?,
        names_transport: true,
        fragmented: fragment & MORE_FRAGMENTS != 0,
        depth,
    };
    if fragment & FRAGMENT_OFFSET != 0 {
        // A later fragment: its payload does not start with a header.
        envelope.print_addresses(line);
        line.put(format_args!(" ip-proto-{protocol}"));
        return Ok(());
    }
    if !prints_own_addresses(protocol) {
        envelope.print_addresses(line);
        line.push(" ");
    }
    if !ip.has(0, header_len) {
        line.put(format_args!(" [remaining caplen({}) < header length({header_len})]", ip.len()));
        return Err(ip.truncated());
    }
    let payload_len = u32::from(total_len) - header_len as u32;
    demux(line, state, ip.rest(header_len), payload_len, &envelope, protocol)
}

/// TCP and UDP print the addresses themselves, joined to the ports.
pub(super) fn prints_own_addresses(protocol: u8) -> bool {
    matches!(protocol, PROTOCOL_TCP | PROTOCOL_UDP)
}

/// Prints the payload of an IP header (or of its last extension header) whose protocol field says `protocol`;
/// `length` is its length as the IP header gives it.
pub(super) fn demux(
    line: &mut Line,
    state: &mut PrintState,
    payload: &[u8],
    length: u32,
    envelope: &IpEnvelope,
    protocol: u8,
) -> Printed {
    let is_ipv4 = matches!(envelope.source, IpAddress::V4(_));
    let may_nest = envelope.depth < MAX_ENCAPSULATION_DEPTH;
    match protocol {
        PROTOCOL_TCP => return tcp::print(line, &mut state.tcp, payload, length, envelope),
        PROTOCOL_UDP => return udp::print(line, payload, length, envelope),
        PROTOCOL_ICMP if is_ipv4 => return icmp::print(line, payload, length),
        PROTOCOL_ICMP => line.push("[ICMP requires IPv4] (invalid)"),
        PROTOCOL_ICMPV6 if !is_ipv4 => return icmp6::print(line, payload, length),
        PROTOCOL_ICMPV6 => line.push("[ICMPv6 requires IPv6] (invalid)"),
        PROTOCOL_IPV4 if may_nest => return print(line, state, payload, length, envelope.depth + 1),
        PROTOCOL_IPV6 if may_nest => return ip6::print(line, state, payload, length, envelope.depth + 1),
        PROTOCOL_NO_NEXT_HEADER => line.push("no next header"),
        PROTOCOL_ND => line.put(format_args!(" nd {length}")),
        other => line.put(format_args!(" ip-proto-{other} {length}")),
    }
    Ok(())
}
