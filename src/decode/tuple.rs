//! A packet's addresses, protocol and ports: what statistics and the connection log count and key flows by.

use std::net::IpAddr;

use etherparse::{
    EtherType, Icmpv4Slice, Icmpv6Slice, IpNumber, LaxIpPayloadSlice, LaxIpSlice, LaxNetSlice, TcpSlice,
    TransportSlice, UdpSlice,
};

use super::{Decoded, Protocol, address_family_ip_version};

/// The IP addresses, protocol and ports of a packet, as the packet has them (source first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PacketTuple {
    pub protocol: u8,
    pub source: IpAddr,
    pub destination: IpAddr,
    /// TCP and UDP ports; ICMP and ICMPv6 type (source) and code (destination); 0 for other protocols and for
    /// fragments after the first.
    pub source_port: u16,
    pub destination_port: u16,
    /// TCP's flags byte (FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10); 0 for other protocols.
    pub tcp_flags: u8,
}

impl PacketTuple {
    pub const TCP_SYN: u8 = 0x02;
    pub const TCP_ACK: u8 = 0x10;

    fn of(ip: &LaxIpSlice, transport: Option<TransportSlice>) -> PacketTuple {
        let mut tuple = PacketTuple {
            protocol: ip.payload_ip_number().0,
            source: ip.source_addr(),
            destination: ip.destination_addr(),
            source_port: 0,
            destination_port: 0,
            tcp_flags: 0,
        };
        match transport {
            Some(TransportSlice::Tcp(tcp)) => {
                (tuple.source_port, tuple.destination_port) = (tcp.source_port(), tcp.destination_port());
                tuple.tcp_flags = tcp.slice().get(13).copied().unwrap_or_default();
            }
            Some(TransportSlice::Udp(udp)) => {
                (tuple.source_port, tuple.destination_port) = (udp.source_port(), udp.destination_port());
            }
            Some(TransportSlice::Icmpv4(icmp)) => {
                (tuple.source_port, tuple.destination_port) = (u16::from(icmp.type_u8()), u16::from(icmp.code_u8()));
            }
            Some(TransportSlice::Icmpv6(icmp)) => {
                (tuple.source_port, tuple.destination_port) = (u16::from(icmp.type_u8()), u16::from(icmp.code_u8()));
            }
            Some(TransportSlice::Igmp(_)) | None => {}
        }
        tuple
    }
}

impl<'a> Decoded<'a> {
    /// The packet's tuple; `None` when it is not IP or its IP header was not captured.
    pub fn tuple(&self) -> Option<PacketTuple> {
        let (ip, transport) = match self.untagged_ip() {
            // Statistics take the tuple of every packet: slicing from the IP header on spares them etherparse's
            // whole-packet view, a large struct copied on its way out of each layer.
            Some(bytes) => sliced_from_ip(bytes)?,
            None => self.sliced_whole()?,
        };
        Some(PacketTuple::of(&ip, transport))
    }

    /// The IP and transport layers of etherparse's whole-packet view.
    fn sliced_whole(&self) -> Option<(LaxIpSlice<'a>, Option<TransportSlice<'a>>)> {
        let sliced = self.packet();
        let ip = match sliced.net? {
            LaxNetSlice::Ipv4(ip) => LaxIpSlice::Ipv4(ip),
            LaxNetSlice::Ipv6(ip) => LaxIpSlice::Ipv6(ip),
            LaxNetSlice::Arp(_) => return None,
        };
        Some((ip, sliced.transport))
    }

    /// The bytes from the IP header on, when only a link-layer header without VLAN tags comes before them: where
    /// [`Self::packet`] would start slicing IP too. Tagged packets are left to it, since etherparse knows fewer
    /// tag types than `decode` does.
    fn untagged_ip(&self) -> Option<&'a [u8]> {
        let is_ip = match self.protocol {
            Protocol::EtherType(ether_type) => [EtherType::IPV4, EtherType::IPV6].contains(&EtherType(ether_type)),
            Protocol::AddressFamily(family) => address_family_ip_version(family).is_some(),
            Protocol::Ip => matches!(self.payload.first().map(|byte| byte >> 4), Some(4 | 6)),
        };
        (is_ip && self.vlan_tag_bytes.is_empty()).then_some(self.payload)
    }
}

/// The IP and transport layers of `bytes`, which start with an IP header, as etherparse's whole-packet view
/// slices them: no transport layer after a broken extension header.
fn sliced_from_ip(bytes: &[u8]) -> Option<(LaxIpSlice<'_>, Option<TransportSlice<'_>>)> {
    let (ip, stopped_in_extension_headers) = LaxIpSlice::from_slice(bytes).ok()?;
    let transport = match stopped_in_extension_headers {
        Some(_) => None,
        None => transport_of(ip.payload()),
    };
    Some((ip, transport))
}

/// The transport header of an IP payload, as [`LaxSlicedPacket`](etherparse::LaxSlicedPacket) slices it: none for
/// fragments after the first, nor when the header was not captured whole.
fn transport_of<'a>(payload: &LaxIpPayloadSlice<'a>) -> Option<TransportSlice<'a>> {
    if payload.fragmented {
        return None;
    }
    let bytes = payload.payload;
    match payload.ip_number {
        IpNumber::TCP => TcpSlice::from_slice(bytes).ok().map(TransportSlice::Tcp),
        IpNumber::UDP => UdpSlice::from_slice_lax(bytes).ok().map(TransportSlice::Udp),
        IpNumber::ICMP => Icmpv4Slice::from_slice(bytes).ok().map(TransportSlice::Icmpv4),
        IpNumber::IPV6_ICMP => Icmpv6Slice::from_slice(bytes).ok().map(TransportSlice::Icmpv6),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use pcap_file::DataLink;
    use proptest::prelude::*;

    use super::*;
    use crate::decode::decode;

    /// An IPv4 or IPv6 header whose fields are random but for the version, followed by random bytes: with the
    /// protocol one of those `transport_of` reads, a fragment or authentication header, or any.
    fn ip_packet() -> impl Strategy<Value = Vec<u8>> {
        let protocol =
            prop_oneof![Just(6u8), Just(17), Just(1), Just(58), Just(2), Just(0), Just(44), Just(51), any::<u8>()];
        (any::<bool>(), 0u8..16, protocol, prop::collection::vec(any::<u8>(), 0..120), 0usize..140).prop_map(
            |(version_6, low_nibble, protocol, mut bytes, captured)| {
                bytes.resize(bytes.len().max(40), 0);
                if version_6 {
                    bytes[0] = 0x60 | low_nibble;
                    bytes[6] = protocol;
                } else {
                    bytes[0] = 0x40 | low_nibble;
                    bytes[9] = protocol;
                }
                bytes.truncate(captured);
                bytes
            },
        )
    }

    /// `ip`, after the link-layer header of `link_type` that announces it.
    fn framed(link_type: DataLink, ip: &[u8]) -> Vec<u8> {
        let ether_type: [u8; 2] = if ip.first().is_some_and(|byte| byte >> 4 == 6) { [0x86, 0xdd] } else { [8, 0] };
        let mut frame = match link_type {
            DataLink::ETHERNET => [[2; 12].as_slice(), &ether_type].concat(),
            DataLink::LINUX_SLL2 => {
                [ether_type.as_slice(), &[0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 2, 2, 2, 2, 2, 2, 0, 0]].concat()
            }
            DataLink::NULL => 2u32.to_ne_bytes().to_vec(),
            _ => Vec::new(),
        };
        frame.extend_from_slice(ip);
        frame
    }

    proptest! {
        #[test]
        fn sliced_from_ip_as_the_whole_packet_view_slices(
            ip in ip_packet(),
            link_type in prop_oneof![
                Just(DataLink::ETHERNET), Just(DataLink::LINUX_SLL2), Just(DataLink::NULL), Just(DataLink::RAW)
            ],
        ) {
            let frame = framed(link_type, &ip);
            let decoded = decode(link_type, &frame, frame.len() as u32).expect("a whole link-layer header");
            let from_ip = decoded.untagged_ip().and_then(sliced_from_ip);
            let whole = decoded.sliced_whole();
            let tuple = |(ip, transport): (LaxIpSlice, Option<TransportSlice>)| PacketTuple::of(&ip, transport);
            prop_assert_eq!(from_ip.map(tuple), whole.map(tuple));
        }
    }
}
