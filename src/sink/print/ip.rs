//! IPv4 (tcpdump's print-ip.c) and the hand-over to the protocol an IP header names (print-ip-demux.c).

use super::{
    Line, PacketType, PrintState,
    address::IpAddress,
    ah,
    captured::{Captured, Printed},
    carp,
    checksum::{self, Checksum},
    dccp, esp, gre, icmp, icmp6, igmp, igrp, ip6, ipcomp, mobile, ospf, ospf6, pgm, pim, sctp, tcp, udp, vrrp,
};

const MIN_HEADER_LEN: usize = 20;
const RESERVED_FLAG: u16 = 0x8000;
const DONT_FRAGMENT: u16 = 0x4000;
const MORE_FRAGMENTS: u16 = 0x2000;
const FRAGMENT_OFFSET: u16 = 0x1fff;

pub(super) const PROTOCOL_ICMP: u8 = 1;
const PROTOCOL_IGMP: u8 = 2;
pub(super) const PROTOCOL_IPV4: u8 = 4;
pub(super) const PROTOCOL_TCP: u8 = 6;
pub(super) const PROTOCOL_UDP: u8 = 17;
pub(super) const PROTOCOL_DCCP: u8 = 33;
pub(super) const PROTOCOL_IPV6: u8 = 41;
const PROTOCOL_GRE: u8 = 47;
pub(super) const PROTOCOL_ICMPV6: u8 = 58;
const PROTOCOL_NO_NEXT_HEADER: u8 = 59;
const PROTOCOL_ND: u8 = 77;
const PROTOCOL_SCTP: u8 = 132;

/// IP inside IP inside IP...: each level costs a stack frame, and a crafted packet could nest thousands.
pub(super) const MAX_ENCAPSULATION_DEPTH: usize = 8;

/// What the printer of an IP payload needs to know of the IP header it came in.
#[derive(Clone, Copy, Debug)]
pub(super) struct IpEnvelope {
    pub source: IpAddress,
    pub destination: IpAddress,
    /// The destination in the pseudo-header of transport checksums: for IPv6 with a routing header, the final
    /// destination it names.
    pub checksum_destination: IpAddress,
    /// The IP header's own protocol field names the payload, with no IPv6 extension header in between. tcpdump
    /// prints the addresses along with the ports only then: otherwise it printed them before the extension headers.
    pub names_transport: bool,
    /// The payload is (the first) part of a fragmented datagram, so its length fields need not match.
    pub fragmented: bool,
    /// How many IP headers enclose this one.
    pub depth: usize,
    /// IPv4's TTL or IPv6's hop limit, which some protocols require to be 255.
    pub hop_limit: u8,
}

impl IpEnvelope {
    /// `10.0.0.1.40000 > 10.0.0.2.50000: `, or just the ports when the addresses were printed already.
    pub fn print_endpoints(&self, line: &mut Line, source_port: u16, destination_port: u16) {
        self.print_endpoints_with(line, source_port, destination_port, self.names_transport);
    }

    /// `10.0.0.1.40000 > 10.0.0.2.50000: ` even where IPv6 extension headers printed the addresses already, as
    /// SCTP and DCCP print them.
    pub fn print_addressed_endpoints(&self, line: &mut Line, source_port: u16, destination_port: u16) {
        self.print_endpoints_with(line, source_port, destination_port, true);
    }

    fn print_endpoints_with(&self, line: &mut Line, source_port: u16, destination_port: u16, with_addresses: bool) {
        let endpoint = |line: &mut Line, address: &IpAddress, port: u16| {
            if with_addresses {
                line.put_address(address);
                line.push_char('.');
            }
            line.put_decimal(port);
        };
        endpoint(line, &self.source, source_port);
        line.push(" > ");
        endpoint(line, &self.destination, destination_port);
        line.push(": ");
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
    if !state.decoding.link_header {
        line.push("IP ");
    }
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
    if state.decoding.verbosity > 0 {
        print_header_fields(line, ip, header_len)?;
        line.push("\n    ");
    }
    let fragment = ip.be16(6)?;
    let protocol = ip.u8(9)?;
    let destination = ip.ipv4(16)?;
    let options = ip.slice(MIN_HEADER_LEN, header_len - MIN_HEADER_LEN).unwrap_or_default();
    let envelope = IpEnvelope {
        source: ip.ipv4(12)?,
        destination,
        checksum_destination: source_route_destination(options).unwrap_or(destination),
        names_transport: true,
        fragmented: fragment & MORE_FRAGMENTS != 0,
        depth,
        hop_limit: ip.u8(8)?,
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
        return Err(ip.abandoned());
    }
    let payload_len = u32::from(total_len) - header_len as u32;
    demux(line, state, ip.rest(header_len), payload_len, &envelope, protocol)
}

/// `(tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto UDP (17), length 60, options (NOP,EOL))` (-v).
fn print_header_fields(line: &mut Line, ip: Captured, header_len: usize) -> Printed {
    let tos = ip.u8(1)?;
    line.put(format_args!("(tos 0x{tos:x}"));
    // The ECN field.
    match tos & 0x03 {
        1 => line.push(",ECT(1)"),
        2 => line.push(",ECT(0)"),
        3 => line.push(",CE"),
        _ => {}
    }
    let ttl = ip.u8(8)?;
    if ttl > 0 {
        line.put(format_args!(", ttl {ttl}"));
    }
    let fragment = ip.be16(6)?;
    line.put(format_args!(", id {}, offset {}, flags [", ip.be16(4)?, (fragment & FRAGMENT_OFFSET) * 8));
    line.put_flag_names(fragment, &[(MORE_FRAGMENTS, "+"), (DONT_FRAGMENT, "DF"), (RESERVED_FLAG, "rsvd")]);
    let protocol = ip.u8(9)?;
    line.put(format_args!("], proto {} ({protocol}), length {}", ProtocolName(protocol), ip.be16(2)?));
    if header_len > MIN_HEADER_LEN {
        line.push(", options (");
        print_options(line, ip.next_layer(MIN_HEADER_LEN, "ip"), header_len - MIN_HEADER_LEN)?;
        line.push(")");
    }
    if ip.has(0, header_len) {
        let computed = Checksum::default().add(ip.slice(0, header_len)?).finish();
        if computed != 0 {
            let field = ip.be16(10)?;
            line.put(format_args!(", bad cksum {field:x} (->{:x})!", checksum::expected(field, computed)));
        }
    }
    line.push(")");
    Ok(())
}

const OPTION_EOL: u8 = 0;
const OPTION_NOP: u8 = 1;
const OPTION_RECORD_ROUTE: u8 = 7;
const OPTION_TIMESTAMP: u8 = 68;
const OPTION_LOOSE_SOURCE_ROUTE: u8 = 131;
const OPTION_STRICT_SOURCE_ROUTE: u8 = 137;
const OPTION_ROUTER_ALERT: u8 = 148;

/// `NOP,RR 10.0.0.1, 0.0.0.0,EOL`: the `len` bytes of options (-v).
fn print_options(line: &mut Line, options: Captured, len: usize) -> Printed {
    let mut offset = 0;
    while offset < len {
        if offset > 0 {
            line.push(",");
        }
        let kind = options.u8(offset)?;
        match kind {
            OPTION_EOL => line.push("EOL"),
            OPTION_NOP => line.push("NOP"),
            OPTION_TIMESTAMP => line.push("timestamp"),
            130 => line.push("security"),
            OPTION_RECORD_ROUTE => line.push("RR"),
            OPTION_STRICT_SOURCE_ROUTE => line.push("SSRR"),
            OPTION_LOOSE_SOURCE_ROUTE => line.push("LSRR"),
            OPTION_ROUTER_ALERT => line.push("RA"),
            82 => line.push("traceroute"),
            other => line.put(format_args!("unknown {other}")),
        }
        let option_len = match kind {
            OPTION_EOL | OPTION_NOP => 1,
            _ => usize::from(options.u8(offset + 1)?),
        };
        if option_len < 2 && !matches!(kind, OPTION_EOL | OPTION_NOP) || option_len > len - offset {
            line.put(format_args!(" [bad length {option_len}]"));
            return Ok(());
        }
        let option = options.slice(offset, option_len)?;
        match kind {
            OPTION_EOL => return Ok(()),
            OPTION_RECORD_ROUTE | OPTION_LOOSE_SOURCE_ROUTE | OPTION_STRICT_SOURCE_ROUTE => print_route(line, option),
            OPTION_TIMESTAMP => print_timestamps(line, option),
            OPTION_ROUTER_ALERT if option_len < 4 => line.put(format_args!(" [bad length {option_len}]")),
            OPTION_ROUTER_ALERT => {
                let value = u16::from_be_bytes([option[2], option[3]]);
                if value != 0 {
                    line.put(format_args!(" value {value}"));
                }
            }
            _ => {}
        }
        offset += option_len;
    }
    Ok(())
}

/// ` 10.0.0.1, 10.0.0.2`: the addresses of a route option, a comma after those already visited.
fn print_route(line: &mut Line, option: &[u8]) {
    let len = option.len();
    if len < 3 {
        line.put(format_args!(" [bad length {len}]"));
        return;
    }
    if !(len + 1).is_multiple_of(4) {
        line.put(format_args!(" [bad length {len}]"));
    }
    // The pointer counts from 1; the addresses start at the fourth byte.
    let pointer = usize::from(option[2]);
    let next = pointer.wrapping_sub(1);
    if next < 3 || !pointer.is_multiple_of(4) || next > len + 1 {
        line.put(format_args!(" [bad ptr {pointer}]"));
    }
    for (index, address) in option[3..].chunks_exact(4).enumerate() {
        line.put(format_args!(" {}", IpAddress::V4([address[0], address[1], address[2], address[3]])));
        if next > 3 + index * 4 {
            line.push(",");
        }
    }
}

/// Where a source route option says the packet finally goes: the last address of the first such option, which
/// transport checksums count in their pseudo-header.
fn source_route_destination(mut options: &[u8]) -> Option<IpAddress> {
    while let Some(&kind) = options.first() {
        let len = match kind {
            OPTION_EOL => return None,
            OPTION_NOP => 1,
            _ => usize::from(*options.get(1)?),
        };
        if len < 2 && kind != OPTION_NOP {
            return None;
        }
        let option = options.get(..len)?;
        if matches!(kind, OPTION_LOOSE_SOURCE_ROUTE | OPTION_STRICT_SOURCE_ROUTE) && len >= 7 {
            return option.last_chunk::<4>().map(|address| IpAddress::V4(*address));
        }
        options = &options[len..];
    }
    None
}

const TIMESTAMPS_ONLY: u8 = 0;
const TIMESTAMPS_AND_ADDRESSES: u8 = 1;
const PRESPECIFIED_ADDRESSES: u8 = 3;

/// ` TS{TSONLY ^ 1@ 0@}`: the entries of a timestamp option, `^` where the next one goes.
fn print_timestamps(line: &mut Line, option: &[u8]) {
    let len = option.len();
    if len < 4 {
        line.put(format_args!("[bad length {len}]"));
        return;
    }
    line.push(" TS{");
    let flag = option[3] & 0x0f;
    let entry_len = if flag == TIMESTAMPS_ONLY { 4 } else { 8 };
    if !(len - 4).is_multiple_of(entry_len) {
        line.put(format_args!("[bad length {len}]"));
    }
    let pointer = usize::from(option[2]);
    let next = pointer.wrapping_sub(1);
    if next < 4 || !(next - 4).is_multiple_of(entry_len) || next > len + 1 {
        line.put(format_args!("[bad ptr {pointer}]"));
    }
    let known_flag = match flag {
        TIMESTAMPS_ONLY => Some("TSONLY"),
        TIMESTAMPS_AND_ADDRESSES => Some("TS+ADDR"),
        PRESPECIFIED_ADDRESSES => Some("PRESPEC"),
        _ => None,
    };
    // Where the entry after the last printed one starts (nothing counts as printed for a flag tcpdump rejects).
    let mut entry_start = 0;
    if let Some(name) = known_flag {
        line.push(name);
        entry_start = 4;
        for entry in option[4..].chunks(entry_len) {
            line.push(if next == entry_start { " ^ " } else { " " });
            let Some(time) = entry.last_chunk::<4>() else { break };
            line.put(format_args!("{}@", u32::from_be_bytes(*time)));
            if entry_len == 8
                && let Some(address) = entry.first_chunk::<4>()
            {
                line.put(format_args!("{}", IpAddress::V4(*address)));
            }
            entry_start += entry_len;
        }
    } else {
        line.put(format_args!("[bad ts type {flag}]"));
    }
    if next == entry_start {
        line.push(" ^ ");
    }
    let overflow = option[3] >> 4;
    if overflow > 0 {
        line.put(format_args!(" [{overflow} hops not recorded]}} "));
    } else {
        line.push("}");
    }
}

/// tcpdump's names of IP protocols, for `proto UDP (17)` and `next-header UDP (17)`.
pub(super) struct ProtocolName(pub u8);

impl std::fmt::Display for ProtocolName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            0 => "Options",
            PROTOCOL_ICMP => "ICMP",
            PROTOCOL_IGMP => "IGMP",
            PROTOCOL_IPV4 => "IPIP",
            PROTOCOL_TCP => "TCP",
            8 => "EGP",
            9 => "IGRP",
            PROTOCOL_UDP => "UDP",
            PROTOCOL_DCCP => "DCCP",
            PROTOCOL_IPV6 => "IPv6",
            43 => "Routing",
            44 => "Fragment",
            46 => "RSVP",
            PROTOCOL_GRE => "GRE",
            50 => "ESP",
            51 => "AH",
            55 => "Mobile IP",
            PROTOCOL_ICMPV6 => "ICMPv6",
            62 => "Mobile IP (old)",
            88 => "EIGRP",
            ospf::PROTOCOL => "OSPF",
            pim::PROTOCOL => "PIM",
            108 => "Compressed IP",
            vrrp::PROTOCOL => "VRRP",
            113 => "PGM",
            PROTOCOL_SCTP => "SCTP",
            135 => "Mobility",
            143 => "Ethernet",
            _ => "unknown",
        })
    }
}

/// TCP, UDP, SCTP and DCCP print the addresses themselves, joined to the ports.
pub(super) fn prints_own_addresses(protocol: u8) -> bool {
    matches!(protocol, PROTOCOL_TCP | PROTOCOL_UDP | PROTOCOL_SCTP | PROTOCOL_DCCP)
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
        PROTOCOL_TCP => return tcp::print(line, state, payload, length, envelope),
        PROTOCOL_UDP => return udp::print(line, state, payload, length, envelope),
        PROTOCOL_SCTP => return sctp::print(line, state, payload, length, envelope),
        PROTOCOL_DCCP => return dccp::print(line, state, payload, length, envelope),
        PROTOCOL_ICMP if is_ipv4 => return icmp::print(line, state, payload, length, envelope),
        PROTOCOL_ICMP => line.push("[ICMP requires IPv4] (invalid)"),
        PROTOCOL_IGMP if is_ipv4 => {
            let decoding = state.decoding;
            return igmp::print(line, decoding.verbosity, decoding.quick, payload, length);
        }
        PROTOCOL_IGMP => line.push("[IGMP requires IPv4] (invalid)"),
        vrrp::PROTOCOL if state.decoding.packet_type == Some(PacketType::Carp) => {
            return carp::print(line, state.decoding.verbosity, payload, length, envelope);
        }
        vrrp::PROTOCOL => return vrrp::print(line, state.decoding.verbosity, payload, length, envelope),
        pgm::PROTOCOL => return pgm::print(line, state, payload, length, envelope, true),
        ospf::PROTOCOL if is_ipv4 => return ospf::print(line, state.decoding.verbosity, payload, length),
        ospf::PROTOCOL => return ospf6::print(line, state.decoding.verbosity, payload, length),
        pim::PROTOCOL => return pim::print(line, state, payload, length, envelope),
        igrp::PROTOCOL => return igrp::print(line, state.decoding.verbosity, payload, length),
        mobile::PROTOCOL => return mobile::print(line, state.decoding.verbosity, payload, length),
        ipcomp::PROTOCOL => return ipcomp::print(line, payload),
        PROTOCOL_ICMPV6 if !is_ipv4 => return icmp6::print(line, state, payload, length, envelope),
        PROTOCOL_ICMPV6 => line.push("[ICMPv6 requires IPv6] (invalid)"),
        PROTOCOL_IPV4 if may_nest => return print(line, state, payload, length, envelope.depth + 1),
        PROTOCOL_IPV6 if may_nest => return ip6::print(line, state, payload, length, envelope.depth + 1),
        PROTOCOL_GRE if may_nest => return gre::print(line, state, payload, length, envelope.depth + 1),
        ah::PROTOCOL => return ah::print(line, state, payload, length, envelope),
        esp::PROTOCOL => return esp::print(line, payload, length),
        PROTOCOL_NO_NEXT_HEADER => line.push("no next header"),
        PROTOCOL_ND => line.put(format_args!(" nd {length}")),
        other => line.put(format_args!(" ip-proto-{other} {length}")),
    }
    Ok(())
}
