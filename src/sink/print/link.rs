//! Link-layer headers (tcpdump's print-ether.c, print-sll.c, print-null.c, print-raw.c): without `-e` they print
//! nothing of their own for IP and ARP, and a summary plus a hex dump for payloads ptstat has no printer for.

use std::{
    collections::{HashMap, hash_map::Entry},
    ffi::CStr,
};

use pcap_file::DataLink;

use super::{
    Line, PrintState,
    address::LinkAddress,
    arp,
    captured::{Captured, Printed, Truncated},
    hexdump, ip, ip6, print_interface,
};
use crate::{
    decode::{self, DecodeError, Decoded, LinkHeader, LinkLayer, MAX_ETHERNET_LENGTH, Protocol},
    packet::Packet,
};

const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_ARP: u16 = 0x0806;
const ETHERTYPE_REVERSE_ARP: u16 = 0x8035;
const ETHERTYPE_IPV6: u16 = 0x86dd;

/// Prints `packet`, captured on a link of type `link_type`.
pub(super) fn print(line: &mut Line, state: &mut PrintState, link_type: DataLink, packet: &Packet) -> Printed {
    let decoded = match decode::decode(link_type, packet.data, packet.original_len) {
        Ok(decoded) => decoded,
        Err(DecodeError::Truncated(layer)) => return Err(Truncated { protocol: layer_name(layer) }),
        Err(DecodeError::UnsupportedLinkType(_)) => {
            line.push("UNSUPPORTED");
            hexdump::hex_and_ascii(line, packet.data);
            return Ok(());
        }
    };
    if let LinkHeader::LinuxSll2 { interface_index, packet_type, .. } = decoded.link {
        let name = state.interface_names.name(interface_index);
        print_interface(line, name, packet.process, packet_type_name(packet_type.into()));
    }
    // Cooked captures name the protocol inside each VLAN tag even without -e.
    if let LinkHeader::LinuxSll { .. } | LinkHeader::LinuxSll2 { .. } = decoded.link {
        for tag in decoded.vlan_tags() {
            line.put(format_args!("ethertype {}, ", ethertype_name(tag.inner_type).unwrap_or("Unknown")));
        }
    }
    let payload = decoded.payload;
    let wire_len = decoded.payload_wire_len;
    match decoded.protocol {
        Protocol::EtherType(ETHERTYPE_IPV4) => ip::print(line, state, payload, wire_len, 0),
        Protocol::EtherType(ETHERTYPE_IPV6) => ip6::print(line, state, payload, wire_len, 0),
        Protocol::EtherType(ETHERTYPE_ARP | ETHERTYPE_REVERSE_ARP) => arp::print(line, payload, wire_len),
        Protocol::EtherType(ether_type) => {
            print_other_ether_type(line, &decoded, ether_type, packet.original_len);
            Ok(())
        }
        Protocol::AddressFamily(family) => match decode::address_family_ip_version(family) {
            Some(4) => ip::print(line, state, payload, wire_len, 0),
            Some(6) => ip6::print(line, state, payload, wire_len, 0),
            _ => {
                line.put(format_args!("AF Unknown ({family}), length {}: ", packet.original_len));
                hexdump::hex_and_ascii(line, payload);
                Ok(())
            }
        },
        Protocol::Ip => print_raw_ip(line, state, payload, wire_len),
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

/// A payload ptstat has no printer for: the link-layer header in brief (tcpdump prints it even without -e
/// then), and the payload in hex.
fn print_other_ether_type(line: &mut Line, decoded: &Decoded, ether_type: u16, frame_len: u32) {
    let is_type = ether_type > MAX_ETHERNET_LENGTH;
    match decoded.link {
        LinkHeader::Ethernet { destination, source } => {
            line.put(format_args!("{} > {}, ", LinkAddress(&source), LinkAddress(&destination)));
            if is_type {
                print_ether_type(line, ether_type);
                line.put(format_args!(", length {frame_len}: "));
            } else {
                // An 802.3 frame: tcpdump prints its LLC header, which ptstat does not decode.
                line.put(format_args!("802.3, length {}: ", decoded.payload_wire_len));
            }
        }
        // tcpdump's cooked-capture printers have no summary for Linux's pseudo protocols, only the dump.
        LinkHeader::LinuxSll { .. } | LinkHeader::LinuxSll2 { .. } if !is_type => {}
        LinkHeader::LinuxSll { packet_type, address, .. } => {
            line.put(format_args!("{:>3} ", packet_type_name(packet_type)));
            print_cooked_summary(line, address, decoded, ether_type);
        }
        LinkHeader::LinuxSll2 { interface_index, address, .. } => {
            line.put(format_args!("ifindex {interface_index} "));
            print_cooked_summary(line, address, decoded, ether_type);
        }
        LinkHeader::Null | LinkHeader::RawIp => {}
    }
    hexdump::hex_and_ascii(line, decoded.payload);
}

/// `00:11:22:33:44:55 ethertype Unknown (0x88b5), length 62: ` for a payload of `ether_type` — with the header's
/// own protocol field (the VLAN type if tagged) and the length without VLAN tags, as tcpdump has them.
fn print_cooked_summary(line: &mut Line, address: &[u8], decoded: &Decoded, ether_type: u16) {
    if address.len() == 6 {
        line.put(format_args!("{} ", LinkAddress(address)));
    }
    print_ether_type(line, if decoded.vlan_tag_bytes.is_empty() { ether_type } else { COOKED_VLAN_TYPE });
    let header_len = match decoded.link {
        LinkHeader::LinuxSll2 { .. } => COOKED_V2_HEADER_LEN,
        _ => COOKED_V1_HEADER_LEN,
    };
    line.put(format_args!(", length {}: ", decoded.payload_wire_len.saturating_add(header_len)));
}

const COOKED_VLAN_TYPE: u16 = 0x8100;
const COOKED_V1_HEADER_LEN: u32 = 16;
const COOKED_V2_HEADER_LEN: u32 = 20;

/// `ethertype IPv4 (0x0800)`.
fn print_ether_type(line: &mut Line, ether_type: u16) {
    line.put(format_args!("ethertype {} (0x{ether_type:04x})", ethertype_name(ether_type).unwrap_or("Unknown")));
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
        0x8847 => "MPLS unicast",
        0x8848 => "MPLS multicast",
        0x8863 => "PPPoE D",
        0x8864 => "PPPoE S",
        0x888e => "EAPOL",
        0x88cc => "LLDP",
        0x88e5 => "802.1AE MACsec",
        0x88f7 => "PTP",
        0x8809 => "Slow Protocols",
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
