//! Link-layer headers (tcpdump's print-ether.c, print-sll.c, print-null.c, print-raw.c): with `-e` a summary of
//! the header before the payload; without, nothing of their own for IP and ARP, and a summary plus a hex dump for
//! payloads ptstat has no printer for.

use std::{collections::hash_map::Entry, ffi::CStr};

use foldhash::HashMap;
use pcap_file::DataLink;

use super::{
    Line, PrintState,
    address::LinkAddress,
    arp,
    captured::{Captured, Printed, Truncated},
    hexdump, ip, ip6, lldp, mpls, nsh, pppoe, print_interface, slow, stp,
};
use crate::{
    decode::{
        self, DecodeError, Decoded, ETHERNET_HEADER_LEN, LinkHeader, LinkLayer, MAX_ETHERNET_LENGTH, Protocol,
        VLAN_TAG_LEN, VLAN_TAG_TYPES, VlanTag,
    },
    packet::Packet,
};

pub(super) const ETHERTYPE_IPV4: u16 = 0x0800;
pub(super) const ETHERTYPE_ARP: u16 = 0x0806;
pub(super) const ETHERTYPE_REVERSE_ARP: u16 = 0x8035;
pub(super) const ETHERTYPE_IPV6: u16 = 0x86dd;
pub(super) const ETHERTYPE_MPLS: u16 = 0x8847;
pub(super) const ETHERTYPE_MPLS_MULTICAST: u16 = 0x8848;
/// Transparent Ethernet bridging: an Ethernet frame inside a tunnel.
pub(super) const ETHERTYPE_TEB: u16 = 0x6558;

/// Prints `packet`, captured on a link of type `link_type`. Returns how many of its bytes tcpdump counts as the
/// link-layer header, which `-x`, `-X` and `-A` leave out.
pub(super) fn print(line: &mut Line, state: &mut PrintState, link_type: DataLink, packet: &Packet) -> usize {
    let decoded = match decode::decode(link_type, packet.data, packet.original_len) {
        Ok(decoded) => decoded,
        Err(DecodeError::Truncated(layer)) => {
            let truncated = print_truncated_header(line, state, link_type, packet.data, packet.original_len, layer);
            truncated.print(line);
            return if truncated.abandons_packet { 0 } else { packet.data.len() };
        }
        Err(DecodeError::UnsupportedLinkType(_)) => {
            line.push("UNSUPPORTED");
            hexdump::hex_and_ascii(line, packet.data);
            return 0;
        }
    };
    if let LinkHeader::LinuxSll2 { interface_index, packet_type, .. } = decoded.link {
        let name = state.interface_names.name(interface_index);
        print_interface(line, name, packet, packet_type_name(packet_type.into()));
    }
    if state.decoding.link_header {
        print_link_header(line, &decoded, packet.data, packet.original_len, state.decoding.quick);
    } else if let LinkHeader::LinuxSll { .. } | LinkHeader::LinuxSll2 { .. } = decoded.link {
        // Cooked captures name the protocol inside each VLAN tag even without -e.
        if !state.decoding.quick {
            for tag in decoded.vlan_tags() {
                line.put(format_args!("ethertype {}, ", ethertype_name(tag.inner_type).unwrap_or("Unknown")));
            }
        }
    }
    let header_len = decoded.header_len + llc_header_len(&decoded);
    match print_payload(line, state, &decoded, packet.original_len, 0) {
        Ok(()) => header_len,
        Err(truncated) => {
            truncated.print(line);
            if truncated.abandons_packet { 0 } else { header_len }
        }
    }
}

/// The length of an 802.3 frame's LLC header where ptstat decodes what follows it (BPDUs), which tcpdump counts
/// as part of the link-layer header; zero for other frames.
fn llc_header_len(decoded: &Decoded) -> usize {
    let is_802_3 = matches!(decoded.protocol, Protocol::EtherType(length) if length <= MAX_ETHERNET_LENGTH);
    if is_802_3 && matches!(decoded.link, LinkHeader::Ethernet { .. }) && stp::is_bpdu(decoded.payload) {
        stp::LLC_HEADER_LEN
    } else {
        0
    }
}

/// Prints an Ethernet frame a tunnel carries: `frame` was captured, `frame_len` is its length as the tunnel's
/// header gives it, `depth` counts the IP headers around it.
pub(super) fn print_ethernet(
    line: &mut Line,
    state: &mut PrintState,
    frame: &[u8],
    frame_len: u32,
    depth: usize,
) -> Printed {
    let decoded = match decode::decode(DataLink::ETHERNET, frame, frame_len) {
        Ok(decoded) => decoded,
        Err(DecodeError::Truncated(layer)) => {
            return Err(print_truncated_header(line, state, DataLink::ETHERNET, frame, frame_len, layer));
        }
        // Only the link types `decode` does not know are unsupported.
        Err(DecodeError::UnsupportedLinkType(_)) => return Ok(()),
    };
    if state.decoding.link_header {
        print_link_header(line, &decoded, frame, frame_len, state.decoding.quick);
    }
    print_payload(line, state, &decoded, frame_len, depth)
}

/// What is printed of a link-layer header cut short (with -e, an Ethernet header's fields up to the cut), and
/// the cut.
fn print_truncated_header(
    line: &mut Line,
    state: &PrintState,
    link_type: DataLink,
    frame: &[u8],
    frame_len: u32,
    layer: LinkLayer,
) -> Truncated {
    if link_type == DataLink::ETHERNET && state.decoding.link_header {
        // Fails where the header was cut, having printed what came before.
        let _ = print_ethernet_header(line, frame, frame_len, state.decoding.quick);
    }
    // tcpdump's Ethernet printer counts what it could not parse as header; the others give up on the packet
    // before counting any.
    Truncated { protocol: layer_name(layer), abandons_packet: !matches!(layer, LinkLayer::Ethernet | LinkLayer::Vlan) }
}

/// Prints what the link-layer header carries; `depth` counts the IP headers around it.
fn print_payload(line: &mut Line, state: &mut PrintState, decoded: &Decoded, frame_len: u32, depth: usize) -> Printed {
    let payload = decoded.payload;
    let wire_len = decoded.payload_wire_len;
    match decoded.protocol {
        Protocol::EtherType(ether_type) => {
            if let Some(printed) = print_ether_type_payload(line, state, ether_type, payload, wire_len, depth) {
                return printed;
            }
            if llc_header_len(decoded) > 0 {
                let decoding = state.decoding;
                return stp::print_llc(line, decoding.verbosity, decoding.link_header, payload, wire_len);
            }
            if !state.decoding.link_header {
                print_unknown_payload_summary(line, decoded, ether_type, frame_len, state.decoding.quick);
            }
            print_unknown_payload(line, state, payload);
            Ok(())
        }
        Protocol::AddressFamily(family) => match decode::address_family_ip_version(family) {
            Some(4) => ip::print(line, state, payload, wire_len, depth),
            Some(6) => ip6::print(line, state, payload, wire_len, depth),
            _ => {
                if !state.decoding.link_header {
                    print_address_family(line, family, frame_len, state.decoding.quick);
                }
                print_unknown_payload(line, state, payload);
                Ok(())
            }
        },
        Protocol::Ip => print_raw_ip(line, state, payload, wire_len),
    }
}

/// Prints a payload of `ether_type` (tcpdump's `ethertype_print`): `payload` was captured, `length` is its
/// length on the wire. `None` if ptstat has no printer for the type.
pub(super) fn print_ether_type_payload(
    line: &mut Line,
    state: &mut PrintState,
    ether_type: u16,
    payload: &[u8],
    length: u32,
    depth: usize,
) -> Option<Printed> {
    Some(match ether_type {
        ETHERTYPE_IPV4 => ip::print(line, state, payload, length, depth),
        ETHERTYPE_IPV6 => ip6::print(line, state, payload, length, depth),
        ETHERTYPE_ARP | ETHERTYPE_REVERSE_ARP => arp::print(line, state, payload, length),
        ETHERTYPE_MPLS | ETHERTYPE_MPLS_MULTICAST => mpls::print(line, state, payload, length, depth),
        lldp::ETHERTYPE => lldp::print(line, state.decoding.verbosity, payload, length),
        slow::ETHERTYPE => slow::print(line, state.decoding.verbosity, payload, length),
        nsh::ETHERTYPE => nsh::print(line, state, payload, length, depth),
        pppoe::ETHERTYPE_DISCOVERY | pppoe::ETHERTYPE_SESSION => pppoe::print(line, state, payload, length, depth),
        pppoe::ETHERTYPE_DISCOVERY_OLD | pppoe::ETHERTYPE_SESSION_OLD => {
            pppoe::print(line, state, payload, length, depth)
        }
        _ => return None,
    })
}

/// A payload ptstat has no printer for, in hex (unless -q or a dump of every packet makes that redundant).
fn print_unknown_payload(line: &mut Line, state: &PrintState, payload: &[u8]) {
    if state.dumps_unknown_payloads {
        hexdump::hex_and_ascii(line, payload);
    }
}

/// A packet that starts with IP of either version (tcpdump's `ipN_print`).
fn print_raw_ip(line: &mut Line, state: &mut PrintState, packet: &[u8], wire_len: u32) -> Printed {
    let version = Captured::new(packet, "ipn").u8(0)? >> 4;
    match version {
        4 => ip::print(line, state, packet, wire_len, 0),
        6 => ip6::print(line, state, packet, wire_len, 0),
        other => {
            line.put(format_args!("unknown ip {other}"));
            Ok(())
        }
    }
}

/// The link-layer header as `-e` prints it, ending in `: ` or `, ` before the payload.
fn print_link_header(line: &mut Line, decoded: &Decoded, frame: &[u8], frame_len: u32, quick: bool) {
    match decoded.link {
        LinkHeader::Ethernet { .. } => {
            // `decode` found the whole header, so this cannot fail.
            let _ = print_ethernet_header(line, frame, frame_len, quick);
        }
        LinkHeader::LinuxSll { packet_type, address, .. } => {
            line.put(format_args!("{:>3} ", packet_type_name(packet_type)));
            print_cooked_summary(line, address, cooked_protocol(decoded), frame_len, quick);
            print_cooked_vlan_tags(line, decoded, quick);
        }
        LinkHeader::LinuxSll2 { interface_index, address, .. } => {
            line.put(format_args!("ifindex {interface_index} "));
            print_cooked_summary(line, address, cooked_protocol(decoded), frame_len, quick);
            print_cooked_vlan_tags(line, decoded, quick);
        }
        LinkHeader::Null => {
            if let Protocol::AddressFamily(family) = decoded.protocol {
                print_address_family(line, family, frame_len, quick);
            }
        }
        LinkHeader::RawIp => line.push("ip: "),
    }
}

/// `00:11:22:33:44:55 > 66:77:88:99:aa:bb, ethertype 802.1Q (0x8100), length 102: vlan 100, p 0, ethertype IPv4
/// (0x0800), `: the addresses, then each VLAN tag and the type it announces, read as far as they were captured.
fn print_ethernet_header(line: &mut Line, frame: &[u8], frame_len: u32, quick: bool) -> Printed {
    let ether = Captured::new(frame, "ether");
    ether.check(0, ETHERNET_HEADER_LEN)?;
    line.put(format_args!("{} > {}, ", LinkAddress(ether.slice(6, 6)?), LinkAddress(ether.slice(0, 6)?)));
    let vlan = Captured::new(frame, "vlan");
    let mut ether_type = ether.be16(12)?;
    let mut offset = ETHERNET_HEADER_LEN;
    let mut first = true;
    loop {
        let is_tag = VLAN_TAG_TYPES.contains(&ether_type);
        if is_tag {
            vlan.check(offset, VLAN_TAG_LEN)?;
        }
        if ether_type <= MAX_ETHERNET_LENGTH {
            // An 802.3 frame: tcpdump prints its LLC header, which ptstat does not decode.
            line.put(format_args!("802.3, length {ether_type}: "));
            return Ok(());
        }
        print_ether_type(line, ether_type, quick);
        if first {
            line.put(format_args!(", length {frame_len}: "));
        } else {
            line.push(", ");
        }
        if !is_tag {
            return Ok(());
        }
        let tag = VlanTag { control: vlan.be16(offset)?, inner_type: vlan.be16(offset + 2)? };
        print_vlan_tag(line, tag);
        ether_type = tag.inner_type;
        offset += VLAN_TAG_LEN;
        first = false;
    }
}

/// `vlan 100, p 0, `.
fn print_vlan_tag(line: &mut Line, tag: VlanTag) {
    line.put(format_args!("vlan {}, p {}", tag.vlan_id(), tag.priority()));
    if tag.drop_eligible() {
        line.push(", DEI");
    }
    line.push(", ");
}

/// A payload ptstat has no printer for: the link-layer header in brief (tcpdump prints it even without -e
/// then).
fn print_unknown_payload_summary(line: &mut Line, decoded: &Decoded, ether_type: u16, frame_len: u32, quick: bool) {
    let is_type = ether_type > MAX_ETHERNET_LENGTH;
    match decoded.link {
        LinkHeader::Ethernet { destination, source } => {
            line.put(format_args!("{} > {}, ", LinkAddress(&source), LinkAddress(&destination)));
            if is_type {
                print_ether_type(line, ether_type, quick);
                line.put(format_args!(", length {frame_len}: "));
            } else {
                line.put(format_args!("802.3, length {}: ", decoded.payload_wire_len));
            }
        }
        // tcpdump's cooked-capture printers have no summary for Linux's pseudo protocols, only the dump.
        LinkHeader::LinuxSll { .. } | LinkHeader::LinuxSll2 { .. } if !is_type => {}
        // The length without VLAN tags, as tcpdump has it once it has parsed them.
        LinkHeader::LinuxSll { packet_type, address, .. } => {
            line.put(format_args!("{:>3} ", packet_type_name(packet_type)));
            let length = decoded.payload_wire_len.saturating_add(COOKED_V1_HEADER_LEN);
            print_cooked_summary(line, address, cooked_protocol(decoded), length, quick);
        }
        LinkHeader::LinuxSll2 { interface_index, address, .. } => {
            line.put(format_args!("ifindex {interface_index} "));
            let length = decoded.payload_wire_len.saturating_add(COOKED_V2_HEADER_LEN);
            print_cooked_summary(line, address, cooked_protocol(decoded), length, quick);
        }
        LinkHeader::Null | LinkHeader::RawIp => {}
    }
}

/// `00:11:22:33:44:55 ethertype IPv4 (0x0800), length 62: `; with -q only the address.
fn print_cooked_summary(line: &mut Line, address: &[u8], protocol: u16, length: u32, quick: bool) {
    if address.len() == 6 {
        line.put(format_args!("{} ", LinkAddress(address)));
    }
    if !quick {
        print_ether_type(line, protocol, false);
        line.put(format_args!(", length {length}: "));
    }
}

/// `vlan 7, p 0, ethertype IPv4, ` for each VLAN tag of a cooked capture (-e).
fn print_cooked_vlan_tags(line: &mut Line, decoded: &Decoded, quick: bool) {
    for tag in decoded.vlan_tags() {
        print_vlan_tag(line, tag);
        if !quick {
            line.put(format_args!("ethertype {}, ", ethertype_name(tag.inner_type).unwrap_or("Unknown")));
        }
    }
}

/// The protocol field of a cooked header: the VLAN type if tagged.
fn cooked_protocol(decoded: &Decoded) -> u16 {
    match decoded.protocol {
        _ if !decoded.vlan_tag_bytes.is_empty() => COOKED_VLAN_TYPE,
        Protocol::EtherType(ether_type) => ether_type,
        Protocol::AddressFamily(_) | Protocol::Ip => 0,
    }
}

const COOKED_VLAN_TYPE: u16 = 0x8100;
const COOKED_V1_HEADER_LEN: u32 = 16;
const COOKED_V2_HEADER_LEN: u32 = 20;

/// `AF IPv4 (2), length 62: `, or with -q `IPv4, length 62: ` (`Unknown AF 99, ...`).
fn print_address_family(line: &mut Line, family: u32, frame_len: u32, quick: bool) {
    let name = match decode::address_family_ip_version(family) {
        Some(4) => Some("IPv4"),
        Some(6) => Some("IPv6"),
        _ => None,
    };
    match (name, quick) {
        (Some(name), false) => line.put(format_args!("AF {name} ({family})")),
        (None, false) => line.put(format_args!("AF Unknown ({family})")),
        (Some(name), true) => line.push(name),
        (None, true) => line.put(format_args!("Unknown AF {family}")),
    }
    line.put(format_args!(", length {frame_len}: "));
}

/// `ethertype IPv4 (0x0800)`; with -q `IPv4` (`Unknown Ethertype (0x88b5)`).
fn print_ether_type(line: &mut Line, ether_type: u16, quick: bool) {
    match (ethertype_name(ether_type), quick) {
        (name, false) => line.put(format_args!("ethertype {} (0x{ether_type:04x})", name.unwrap_or("Unknown"))),
        (Some(name), true) => line.push(name),
        (None, true) => line.put(format_args!("Unknown Ethertype (0x{ether_type:04x})")),
    }
}

/// tcpdump's names for EtherTypes (those ptstat is likely to meet).
pub(super) fn ethertype_name(ether_type: u16) -> Option<&'static str> {
    Some(match ether_type {
        0x0800 => "IPv4",
        0x0806 => "ARP",
        0x8035 => "Reverse ARP",
        0x86dd => "IPv6",
        0x8100 => "802.1Q",
        0x88a8 => "802.1Q-QinQ",
        0x9100 => "802.1Q-9100",
        0x9200 => "802.1Q-9200",
        ETHERTYPE_MPLS => "MPLS unicast",
        ETHERTYPE_MPLS_MULTICAST => "MPLS multicast",
        ETHERTYPE_TEB => "TEB",
        0x880b => "PPP",
        0x8863 => "PPPoE D",
        0x8864 => "PPPoE S",
        0x888e => "EAPOL",
        lldp::ETHERTYPE => "LLDP",
        0x88e5 => "802.1AE MACsec",
        0x88f7 => "PTP",
        slow::ETHERTYPE => "Slow Protocols",
        nsh::ETHERTYPE => "NSH",
        0x8137 => "IPX",
        0x809b => "Appletalk",
        0x9000 => "Loopback",
        _ => return None,
    })
}

/// Linux packet types (`PACKET_*`) as tcpdump names them.
fn packet_type_name(packet_type: u16) -> &'static str {
    match packet_type {
        0 => "In",
        1 => "B",
        2 => "M",
        3 => "P",
        4 => "Out",
        _ => "?",
    }
}

fn layer_name(layer: LinkLayer) -> &'static str {
    match layer {
        LinkLayer::Ethernet => "ether",
        LinkLayer::Vlan => "vlan",
        LinkLayer::LinuxSll => "sll",
        LinkLayer::LinuxSll2 => "sll2",
        LinkLayer::Null => "null",
    }
}

/// Interface names by kernel index, for Linux cooked v2 headers, which carry only the index. Like tcpdump, ptstat
/// asks this machine's kernel; it remembers what it learnt, since a lookup costs system calls.
#[derive(Default)]
pub(super) struct InterfaceNames {
    known: HashMap<u32, String>,
}

impl InterfaceNames {
    /// The name of the interface with `index`; `?` if this machine has none.
    fn name(&mut self, index: u32) -> &str {
        if let Entry::Vacant(unknown) = self.known.entry(index) {
            let Some(name) = interface_name(index) else { return "?" };
            unknown.insert(name);
        }
        self.known.get(&index).map_or("?", String::as_str)
    }
}

fn interface_name(index: u32) -> Option<String> {
    let mut buffer = [0 as libc::c_char; libc::IF_NAMESIZE];
    // SAFETY: `buffer` has the IF_NAMESIZE bytes if_indextoname may write, including the terminating NUL.
    let name = unsafe { libc::if_indextoname(index, buffer.as_mut_ptr()) };
    if name.is_null() {
        return None;
    }
    // SAFETY: on success if_indextoname wrote a NUL-terminated string into `buffer`.
    Some(unsafe { CStr::from_ptr(buffer.as_ptr()) }.to_string_lossy().into_owned())
}
