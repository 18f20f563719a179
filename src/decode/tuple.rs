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
            Some(bytes) => match plain_ip_tuple(bytes) {
                Some(tuple) => return Some(tuple),
                None => sliced_from_ip(bytes)?,
            },
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

const IPV4_HEADER_LEN: usize = 20;
const IPV6_HEADER_LEN: usize = 40;
const IPV4_MORE_FRAGMENTS_AND_OFFSET: u16 = 0x3fff;
/// The shortest transport headers etherparse slices (TCP's is longer when its data offset says so).
const TCP_HEADER_LEN: usize = 20;
const UDP_OR_ICMP_HEADER_LEN: usize = 8;

/// The tuple of `bytes`, which start with an IP header, read field by field where that is plain: IPv4 without an
/// authentication header, IPv6 with TCP, UDP or ICMPv6 right after its header. It is what [`sliced_from_ip`] and
/// [`PacketTuple::of`] make of such a packet (a property test holds the two equal), at a fraction of the cost:
/// statistics and the capture's flow table take the tuple of every packet. `None` leaves the packet to them.
fn plain_ip_tuple(bytes: &[u8]) -> Option<PacketTuple> {
    let version = bytes.first()? >> 4;
    let (protocol, source, destination, payload, fragmented) = match version {
        4 => {
            let header_len = usize::from(bytes.first()? & 0x0f) * 4;
            if header_len < IPV4_HEADER_LEN || bytes.len() < header_len {
                return None;
            }
            let protocol = bytes[9];
            if protocol == IpNumber::AUTHENTICATION_HEADER.0 {
                return None;
            }
            // etherparse's lax reading: a total length shorter than the header, or longer than what was captured,
            // gives way to the captured length.
            let total_len = usize::from(u16::from_be_bytes([bytes[2], bytes[3]]));
            let end = if total_len < header_len || total_len > bytes.len() { bytes.len() } else { total_len };
            let fragmented = u16::from_be_bytes([bytes[6], bytes[7]]) & IPV4_MORE_FRAGMENTS_AND_OFFSET != 0;
            let address = |at: usize| IpAddr::from(<[u8; 4]>::try_from(&bytes[at..at + 4]).unwrap_or_default());
            (protocol, address(12), address(16), &bytes[header_len..end], fragmented)
        }
        6 => {
            if bytes.len() < IPV6_HEADER_LEN {
                return None;
            }
            let protocol = bytes[6];
            if ![IpNumber::TCP, IpNumber::UDP, IpNumber::IPV6_ICMP].contains(&IpNumber(protocol)) {
                return None;
            }
            // A payload length of 0 (a jumbogram, or a length left to the link) or beyond the capture: the rest.
            let payload_len = usize::from(u16::from_be_bytes([bytes[4], bytes[5]]));
            let end = match IPV6_HEADER_LEN + payload_len {
                _ if payload_len == 0 => bytes.len(),
                end if end > bytes.len() => bytes.len(),
                end => end,
            };
            let address = |at: usize| IpAddr::from(<[u8; 16]>::try_from(&bytes[at..at + 16]).unwrap_or_default());
            (protocol, address(8), address(24), &bytes[IPV6_HEADER_LEN..end], false)
        }
        _ => return None,
    };
    let mut tuple = PacketTuple { protocol, source, destination, source_port: 0, destination_port: 0, tcp_flags: 0 };
    if fragmented {
        return Some(tuple);
    }
    let field = |at: usize| u16::from_be_bytes([payload[at], payload[at + 1]]);
    match IpNumber(protocol) {
        IpNumber::TCP => {
            let header_len = payload.get(12).map_or(0, |offset| usize::from(offset >> 4) * 4);
            if payload.len() >= TCP_HEADER_LEN && header_len >= TCP_HEADER_LEN && payload.len() >= header_len {
                (tuple.source_port, tuple.destination_port, tuple.tcp_flags) = (field(0), field(2), payload[13]);
            }
        }
        IpNumber::UDP if payload.len() >= UDP_OR_ICMP_HEADER_LEN => {
            (tuple.source_port, tuple.destination_port) = (field(0), field(2));
        }
        IpNumber::ICMP | IpNumber::IPV6_ICMP if payload.len() >= UDP_OR_ICMP_HEADER_LEN => {
            (tuple.source_port, tuple.destination_port) = (u16::from(payload[0]), u16::from(payload[1]));
        }
        _ => {}
    }
    Some(tuple)
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

    /// An IP packet whose header is mostly sane, as real ones are, with its length fields and fragment bits near
    /// or at the truth and any protocol: what `plain_ip_tuple` reads itself rather than leaving to etherparse.
    fn plausible_ip_packet() -> impl Strategy<Value = Vec<u8>> {
        let protocol = prop_oneof![Just(6u8), Just(17), Just(1), Just(58), Just(51), Just(0), Just(44), any::<u8>()];
        let fragment = prop_oneof![Just(0u16), Just(0x4000), Just(0x2000), Just(0x0001), any::<u16>()];
        let slack = prop_oneof![Just(0i32), -30i32..30, any::<u16>().prop_map(i32::from)];
        (any::<bool>(), 5u8..16, protocol, fragment, slack, 0u8..16, prop::collection::vec(any::<u8>(), 60..140))
            .prop_flat_map(|(version_6, ihl, protocol, fragment, slack, tcp_offset, mut bytes)| {
                let header_len = if version_6 { 40 } else { usize::from(ihl) * 4 };
                let stated = (bytes.len() as i32 - if version_6 { 40 } else { 0 } + slack).clamp(0, 65535) as u16;
                if version_6 {
                    bytes[0] = 0x60;
                    bytes[4..6].copy_from_slice(&stated.to_be_bytes());
                    bytes[6] = protocol;
                } else {
                    bytes[0] = 0x40 | ihl;
                    bytes[2..4].copy_from_slice(&stated.to_be_bytes());
                    bytes[6..8].copy_from_slice(&fragment.to_be_bytes());
                    bytes[9] = protocol;
                }
                if let Some(data_offset) = bytes.get_mut(header_len + 12) {
                    *data_offset = tcp_offset << 4;
                }
                let len = bytes.len();
                (Just(bytes), 0..=len)
            })
            .prop_map(|(mut bytes, captured)| {
                bytes.truncate(captured);
                bytes
            })
    }

    #[test]
    fn plain_packets_take_the_fast_path() {
        let tcp = [
            &[0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2][..],
            &[0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0],
        ]
        .concat();
        let tuple = plain_ip_tuple(&tcp).expect("a plain TCP packet");
        assert_eq!((tuple.source_port, tuple.destination_port, tuple.tcp_flags), (40000, 80, 0x18));
        assert_eq!(Some(tuple), sliced_from_ip(&tcp).map(|(ip, transport)| PacketTuple::of(&ip, transport)));
    }

    proptest! {
        #[test]
        fn the_fast_path_reads_what_etherparse_slices(ip in prop_oneof![plausible_ip_packet(), ip_packet()]) {
            if let Some(fast) = plain_ip_tuple(&ip) {
                let sliced = sliced_from_ip(&ip).map(|(ip, transport)| PacketTuple::of(&ip, transport));
                prop_assert_eq!(Some(fast), sliced);
            }
        }

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
