//! The captures the differential tests filter: every header kind the filter language reaches,
//! on Ethernet and raw-IP links, whole and cut short at every byte.

use super::packets::*;
use super::pcap::Packet;
use ptstat_filter::LinkType;

pub struct Capture {
    pub name: &'static str,
    pub link: LinkType,
    pub packets: Vec<Packet>,
}

impl Capture {
    pub fn pcap_linktype(&self) -> u32 {
        match self.link {
            LinkType::Ethernet => 1,
            LinkType::RawIp => 101,
        }
    }
}

pub const MAC_A: Mac = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55];
pub const MAC_B: Mac = [0x02, 0x00, 0x5e, 0x10, 0x20, 0x30];
const MAC_IPV4_MULTICAST: Mac = [0x01, 0x00, 0x5e, 0x00, 0x00, 0x01];
const MAC_IPV6_MULTICAST: Mac = [0x33, 0x33, 0x00, 0x00, 0x00, 0x01];

pub const IP_A: [u8; 4] = [192, 168, 1, 10];
pub const IP_B: [u8; 4] = [10, 0, 0, 1];
const IP_C: [u8; 4] = [172, 16, 5, 4];

fn v6(text: &str) -> [u8; 16] {
    text.parse::<std::net::Ipv6Addr>().expect("test address").octets()
}

const TCP: u8 = 6;
const UDP: u8 = 17;
const ICMP: u8 = 1;
const IGMP: u8 = 2;
const SCTP: u8 = 132;
const ICMPV6: u8 = 58;
const FRAGMENT: u8 = 44;
const HOP_BY_HOP: u8 = 0;
const ROUTING: u8 = 43;
const DESTINATION_OPTIONS: u8 = 60;
const AH: u8 = 51;
const NO_NEXT_HEADER: u8 = 59;

const TCP_FLAGS: [u8; 12] = [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x12, 0x11, 0x00, 0xff];
const ICMP_TYPES: [(u8, u8); 16] = [
    (0, 0),
    (3, 0),
    (3, 3),
    (4, 0),
    (5, 1),
    (8, 0),
    (9, 0),
    (10, 0),
    (11, 0),
    (12, 0),
    (13, 0),
    (14, 0),
    (15, 0),
    (16, 0),
    (17, 0),
    (18, 0),
];
const ICMPV6_TYPES: [u8; 16] = [1, 2, 3, 4, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 143, 200];

/// IPv4 packets (without a link header) of every kind the language tells apart.
fn ipv4_packets() -> Vec<Vec<u8>> {
    let mut packets = Vec::new();
    let tcp_packet = |sport, dport, flags| Ipv4::new(IP_A, IP_B, TCP).build(&tcp(sport, dport, flags, b"hi"));
    for (index, flags) in TCP_FLAGS.into_iter().enumerate() {
        let ports = [(80, 40000), (40001, 443), (22, 2222), (8080, 80), (0, 65535), (1024, 53)];
        let (sport, dport) = ports[index % ports.len()];
        packets.push(tcp_packet(sport, dport, flags));
    }
    packets.push(Ipv4::new(IP_B, IP_C, TCP).tos(0x48).build(&tcp(5000, 6000, 0x18, &[0u8; 40])));
    for (sport, dport) in [(53, 33000), (33001, 53), (123, 123), (67, 68), (5353, 5353), (9999, 10)] {
        packets.push(Ipv4::new(IP_C, IP_A, UDP).build(&udp(sport, dport, b"data")));
    }
    packets.push(Ipv4::new(IP_A, IP_C, SCTP).build(&sctp(80, 9899)));
    packets.push(Ipv4::new(IP_C, IP_B, SCTP).build(&sctp(2905, 22)));
    for (kind, code) in ICMP_TYPES {
        packets.push(Ipv4::new(IP_A, IP_B, ICMP).build(&icmp(kind, code)));
    }
    for kind in [0x11, 0x16, 0x17] {
        packets.push(Ipv4::new(IP_A, [224, 0, 0, 1], IGMP).build(&igmp(kind, [224, 0, 0, 251])));
    }
    // Options move the transport header: 4, 12 and 40 bytes of them.
    packets.push(Ipv4::new(IP_A, IP_B, TCP).options(&[1, 1, 1, 0]).build(&tcp(80, 1234, 0x02, b"")));
    packets
        .push(Ipv4::new(IP_B, IP_A, UDP).options(&[0x94, 4, 0, 0, 1, 1, 1, 1, 7, 3, 4, 0]).build(&udp(53, 53, b"q")));
    packets.push(Ipv4::new(IP_C, IP_A, TCP).options(&[1; 40]).build(&tcp(443, 80, 0x10, b"")));
    // Fragments: the first carries the transport header, later ones carry data that looks
    // like ports 80 and 53 but must not count as ports.
    packets.push(Ipv4::new(IP_A, IP_B, TCP).fragment(0x2000).build(&tcp(80, 3000, 0x18, &[0; 16])));
    packets.push(Ipv4::new(IP_A, IP_B, TCP).fragment(0x2003).build(&tcp(80, 80, 0x18, &[0; 8])));
    packets.push(Ipv4::new(IP_B, IP_A, UDP).fragment(0x0010).build(&udp(53, 53, b"tail")));
    packets.push(Ipv4::new(IP_B, IP_A, UDP).fragment(0x4000).build(&udp(53, 4000, b"df")));
    packets.push(Ipv4::new(IP_B, IP_A, ICMP).fragment(0x0001).build(&icmp(8, 0)));
    // Broadcast, multicast and unusual addresses.
    packets.push(Ipv4::new(IP_A, [255, 255, 255, 255], UDP).build(&udp(68, 67, b"dhcp")));
    packets.push(Ipv4::new([0, 0, 0, 0], [0, 0, 0, 0], UDP).build(&udp(68, 67, b"zero")));
    packets.push(Ipv4::new(IP_C, [239, 255, 255, 250], UDP).build(&udp(1900, 1900, b"ssdp")));
    packets.push(Ipv4::new(IP_C, [224, 0, 0, 18], 112).build(&[0x21, 1, 100, 1, 0, 1, 0, 0]));
    // Other protocols.
    for protocol in [0u8, 9, 47, 50, 51, 103, 255] {
        packets.push(Ipv4::new(IP_B, IP_C, protocol).build(&[0x45, 0, 0, 0, 1, 2, 3, 4]));
    }
    packets
}

/// IPv6 packets, with and without extension headers.
fn ipv6_packets() -> Vec<Vec<u8>> {
    let a = v6("2001:db8::1");
    let b = v6("2001:db8:0:1::2");
    let link_local = v6("fe80::1");
    let mapped = v6("::ffff:192.168.1.10");
    let all_nodes = v6("ff02::1");
    let mut packets = vec![
        ipv6(a, b, TCP, &tcp(80, 50000, 0x02, b"")),
        ipv6(b, a, TCP, &tcp(50000, 443, 0x12, b"x")),
        ipv6(a, b, UDP, &udp(53, 5353, b"dns")),
        ipv6(b, all_nodes, UDP, &udp(547, 546, b"dhcp")),
        ipv6(a, b, SCTP, &sctp(80, 443)),
        ipv6(link_local, all_nodes, 59, b""),
        ipv6(mapped, a, TCP, &tcp(22, 22, 0x10, b"")),
        ipv6(v6("::1"), v6("::1"), UDP, &udp(1, 2, b"")),
        // Extension headers: hop-by-hop, routing, destination options, fragments, AH.
        ipv6(a, b, 0, &ipv6_extension(TCP, &tcp(80, 1111, 0x02, b""))),
        ipv6(a, b, 43, &ipv6_extension(UDP, &udp(53, 53, b""))),
        ipv6(a, b, 60, &ipv6_extension(ICMPV6, &icmp(128, 0))),
        ipv6(a, b, FRAGMENT, &ipv6_fragment(TCP, 0, true, &tcp(80, 2222, 0x18, b""))),
        ipv6(a, b, FRAGMENT, &ipv6_fragment(UDP, 0, true, &udp(53, 3333, b""))),
        ipv6(a, b, FRAGMENT, &ipv6_fragment(ICMPV6, 0, false, &icmp(129, 0))),
        ipv6(a, b, FRAGMENT, &ipv6_fragment(TCP, 100, false, &[0, 80, 0, 80, 1, 2, 3, 4])),
        ipv6(a, b, FRAGMENT, &ipv6_fragment(SCTP, 0, true, &sctp(7, 8))),
        ipv6(a, b, 0, &ipv6_extension(FRAGMENT, &ipv6_fragment(TCP, 0, true, &tcp(1, 2, 0, b"")))),
        ipv6(a, b, 51, &[TCP, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 80, 0, 81]),
    ];
    for kind in ICMPV6_TYPES {
        packets.push(ipv6(b, all_nodes, ICMPV6, &icmp(kind, 0)));
    }
    packets
}

fn ethernet_ipv4(destination: Mac, ip: &[u8]) -> Vec<u8> {
    padded(ethernet(destination, MAC_A, 0x0800, ip))
}

fn ethernet_ipv6(destination: Mac, ip: &[u8]) -> Vec<u8> {
    padded(ethernet(destination, MAC_B, 0x86dd, ip))
}

fn whole(frames: Vec<Vec<u8>>) -> Vec<Packet> {
    frames.into_iter().map(Packet::whole).collect()
}

fn link_layer_frames() -> Vec<Vec<u8>> {
    let ip_tcp = Ipv4::new(IP_A, IP_B, TCP).build(&tcp(80, 1234, 0x02, b""));
    let ip_udp = Ipv4::new(IP_B, IP_C, UDP).build(&udp(53, 5353, b"x"));
    let ip6_udp = ipv6(v6("2001:db8::1"), v6("2001:db8::2"), UDP, &udp(123, 123, b""));
    let arp_request = arp(1, (MAC_A, IP_A), ([0; 6], IP_B));
    let arp_reply = arp(2, (MAC_B, IP_B), (MAC_A, IP_A));
    let rarp_request = arp(3, (MAC_A, [0; 4]), (MAC_A, [0; 4]));
    let rarp_reply = arp(4, (MAC_B, IP_C), (MAC_A, IP_A));
    let mut frames = vec![
        padded(ethernet(BROADCAST_MAC, MAC_A, 0x0806, &arp_request)),
        padded(ethernet(MAC_A, MAC_B, 0x0806, &arp_reply)),
        padded(ethernet(BROADCAST_MAC, MAC_A, 0x8035, &rarp_request)),
        padded(ethernet(MAC_A, MAC_B, 0x8035, &rarp_reply)),
        ethernet_ipv4(BROADCAST_MAC, &ip_udp),
        ethernet_ipv4(MAC_IPV4_MULTICAST, &ip_udp),
        ethernet_ipv6(MAC_IPV6_MULTICAST, &ip6_udp),
        ethernet_ipv4(MAC_B, &ip_tcp),
        // VLAN: 802.1Q with several ids (one with priority bits), 802.1ad and 0x9100 outer tags.
        padded(tagged_ethernet(MAC_B, MAC_A, &[(0x8100, 10)], 0x0800, &ip_tcp)),
        padded(tagged_ethernet(MAC_B, MAC_A, &[(0x8100, 0xa064)], 0x86dd, &ip6_udp)),
        padded(tagged_ethernet(MAC_B, MAC_A, &[(0x8100, 4095)], 0x0806, &arp_request)),
        padded(tagged_ethernet(MAC_B, MAC_A, &[(0x8100, 0)], 0x0800, &ip_udp)),
        padded(tagged_ethernet(MAC_B, MAC_A, &[(0x88a8, 100), (0x8100, 200)], 0x0800, &ip_tcp)),
        padded(tagged_ethernet(MAC_B, MAC_A, &[(0x9100, 300), (0x8100, 10)], 0x86dd, &ip6_udp)),
        padded(tagged_ethernet(MAC_B, MAC_A, &[(0x8100, 10), (0x8100, 20)], 0x0800, &ip_udp)),
        padded(tagged_ethernet(MAC_B, MAC_A, &[(0x8100, 10)], 0x8847, &mpls(&[(16, true)], &ip_tcp))),
        // MPLS: single and stacked labels over IPv4 and IPv6, and a stack whose last entry
        // lacks the bottom-of-stack bit.
        padded(ethernet(MAC_B, MAC_A, 0x8847, &mpls(&[(16, true)], &ip_tcp))),
        padded(ethernet(MAC_B, MAC_A, 0x8847, &mpls(&[(1048575, true)], &ip6_udp))),
        padded(ethernet(MAC_B, MAC_A, 0x8847, &mpls(&[(100, false), (200, true)], &ip_udp))),
        padded(ethernet(MAC_B, MAC_A, 0x8847, &mpls(&[(0, false), (3, false), (5, true)], &ip6_udp))),
        padded(ethernet(MAC_B, MAC_A, 0x8847, &mpls(&[(7, false)], &ip_tcp))),
        // 802.3 with LLC: spanning tree, SNAP (AppleTalk, AARP, IPX), raw IPX, NetBEUI, OSI.
        padded(ieee802_3([0x01, 0x80, 0xc2, 0, 0, 0], MAC_A, &[0x42, 0x42, 0x03, 0, 0, 0, 0])),
        padded(ieee802_3(MAC_B, MAC_A, &[0xaa, 0xaa, 0x03, 0x08, 0x00, 0x07, 0x80, 0x9b, 1, 2])),
        padded(ieee802_3(MAC_B, MAC_A, &[0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x80, 0xf3, 1, 2])),
        padded(ieee802_3(MAC_B, MAC_A, &[0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x81, 0x37, 1, 2])),
        padded(ieee802_3(MAC_B, MAC_A, &[0xff, 0xff, 0x00, 0x30, 0, 0])),
        padded(ieee802_3(MAC_B, MAC_A, &[0xe0, 0xe0, 0x03, 0xff, 0xff])),
        padded(ieee802_3(MAC_B, MAC_A, &[0xf0, 0xf0, 0x03, 0, 0])),
        padded(ieee802_3(MAC_B, MAC_A, &[0xfe, 0xfe, 0x03, 0x81, 0])),
        padded(ieee802_3(MAC_B, MAC_A, &[0x06, 0x06, 0x03, 0x45, 0])),
        padded(ieee802_3(MAC_B, MAC_A, &[0x64, 0x00, 0x03, 0, 0])),
        // Other Ethernet types.
        padded(ethernet(MAC_B, MAC_A, 0x809b, &[1, 2, 3, 4])),
        padded(ethernet(MAC_B, MAC_A, 0x80f3, &[1, 2, 3, 4])),
        padded(ethernet(MAC_B, MAC_A, 0x8137, &[0xff, 0xff, 0, 30])),
        padded(ethernet(MAC_B, MAC_A, 0x9000, &[0; 8])),
        padded(ethernet(MAC_B, MAC_A, 0x6003, &[0; 8])),
        padded(ethernet([0x01, 0x80, 0xc2, 0, 0, 0x0e], MAC_A, 0x88cc, &[2, 7, 4])),
        padded(ethernet(MAC_B, MAC_A, 0x05dc, &[0x42, 0x42, 3])),
        // A frame claiming IPv4 whose header says otherwise.
        padded(ethernet(MAC_B, MAC_A, 0x0800, &[0x65, 0, 0, 20, 0, 0, 0, 0, 64, 6])),
    ];
    // Short frames that were not padded, as captured on the sending host.
    frames.push(ethernet(MAC_B, MAC_A, 0x0800, &Ipv4::new(IP_A, IP_B, ICMP).build(&icmp(8, 0))));
    frames
}

/// IPv4 and IPv6 packets whose protocol lies behind a chain of headers, for `protochain`:
/// every IPv6 extension header `protochain` steps over, AH in both versions, chains ending in
/// "no next header" or in a fragment that is not the first.
fn header_chain_packets() -> Vec<Vec<u8>> {
    let a = v6("2001:db8::1");
    let b = v6("2001:db8:0:1::2");
    let tcp_segment = tcp(80, 40000, 0x02, b"");
    let datagram = udp(53, 5353, b"chain");
    let fragment = |next, payload: &[u8]| ipv6_fragment(next, 0, true, payload);
    let mut packets = vec![
        ipv6(
            a,
            b,
            HOP_BY_HOP,
            &ipv6_extension(
                ROUTING,
                &ipv6_long_extension(FRAGMENT, 2, &fragment(DESTINATION_OPTIONS, &ipv6_extension(TCP, &tcp_segment))),
            ),
        ),
        ipv6(a, b, ROUTING, &ipv6_long_extension(UDP, 1, &datagram)),
        ipv6(b, a, DESTINATION_OPTIONS, &ipv6_long_extension(ICMPV6, 3, &icmp(128, 0))),
        ipv6(a, b, HOP_BY_HOP, &ipv6_extension(DESTINATION_OPTIONS, &ipv6_extension(UDP, &datagram))),
        ipv6(a, b, HOP_BY_HOP, &ipv6_extension(NO_NEXT_HEADER, &tcp_segment)),
        ipv6(a, b, FRAGMENT, &ipv6_fragment(UDP, 40, false, &datagram)),
        ipv6(a, b, FRAGMENT, &fragment(ROUTING, &ipv6_extension(SCTP, &sctp(80, 443)))),
        // AH: libpcap takes its length (24 bytes here) as the offset of the next header.
        ipv6(a, b, DESTINATION_OPTIONS, &ipv6_extension(AH, &authentication_header(UDP, 4, 0x100, &datagram))),
        ipv6(a, b, AH, &authentication_header(TCP, 8, 0x2c_0000, &tcp_segment)),
        Ipv4::new(IP_A, IP_B, AH).build(&authentication_header(TCP, 4, 0x0600_0000, &tcp_segment)),
        Ipv4::new(IP_B, IP_A, AH).build(&authentication_header(UDP, 1, 17, &datagram)),
        Ipv4::new(IP_A, IP_C, AH).options(&[1, 1, 1, 0]).build(&authentication_header(TCP, 3, 0, &tcp_segment)),
        Ipv4::new(IP_C, IP_B, NO_NEXT_HEADER).build(&[0; 8]),
        Ipv4::new(IP_A, IP_B, TCP).build(&tcp_segment),
        ipv6(a, b, TCP, &tcp_segment),
    ];
    // A long chain: 12 hop-by-hop headers, then UDP (the walk takes at most 16 steps).
    let long_chain = (0..12)
        .fold(datagram.clone(), |inner, index| ipv6_extension(if index == 0 { UDP } else { HOP_BY_HOP }, &inner));
    packets.push(ipv6(b, a, HOP_BY_HOP, &long_chain));
    packets
}

/// PPPoE discovery and session frames, sessions carrying IPv4, IPv6, MPLS, LCP, and other PPP
/// protocols, one behind a VLAN tag and one with a second PPPoE header inside.
fn pppoe_frames() -> Vec<Vec<u8>> {
    let ip_tcp = Ipv4::new(IP_A, IP_B, TCP).build(&tcp(80, 1234, 0x02, b""));
    let ip_udp = Ipv4::new(IP_C, IP_A, UDP).build(&udp(53, 33000, b"x"));
    let ip6_udp = ipv6(v6("2001:db8::1"), v6("ff02::1"), UDP, &udp(547, 546, b""));
    let ip6_tcp = ipv6(v6("2001:db8::2"), v6("2001:db8::1"), TCP, &tcp(443, 50000, 0x12, b""));
    let session = |id: u16, protocol: u16, payload: &[u8]| pppoe(0, id, &ppp(protocol, payload));
    let discovery_tags = [0x01, 0x01, 0, 0, 0x01, 0x03, 0, 4, 1, 2, 3, 4];
    let frames = vec![
        ethernet(BROADCAST_MAC, MAC_A, 0x8863, &pppoe(0x09, 0, &discovery_tags)),
        ethernet(MAC_A, MAC_B, 0x8863, &pppoe(0x07, 0, &discovery_tags)),
        ethernet(MAC_B, MAC_A, 0x8863, &pppoe(0x65, 5, &discovery_tags)),
        ethernet(MAC_B, MAC_A, 0x8864, &session(1, 0x0021, &ip_tcp)),
        ethernet(MAC_A, MAC_B, 0x8864, &session(5, 0x0021, &ip_udp)),
        ethernet(MAC_B, MAC_A, 0x8864, &session(5, 0x0057, &ip6_udp)),
        ethernet(MAC_A, MAC_B, 0x8864, &session(0xffff, 0x0057, &ip6_tcp)),
        ethernet(MAC_B, MAC_A, 0x8864, &session(2, 0xc021, &[1, 1, 0, 4])),
        ethernet(MAC_B, MAC_A, 0x8864, &session(3, 0x0281, &mpls(&[(16, true)], &ip_tcp))),
        ethernet(MAC_B, MAC_A, 0x8864, &session(3, 0x0027, &[0; 8])),
        ethernet(MAC_B, MAC_A, 0x8864, &session(3, 0x0023, &[0x81, 0, 0, 0, 0, 0, 0, 0])),
        ethernet(MAC_B, MAC_A, 0x8864, &session(7, 0x8864, &session(2, 0x0021, &ip_udp))),
        ethernet(MAC_B, MAC_A, 0x8864, &session(0x0100, 0x0800, &ip_tcp)),
        tagged_ethernet(MAC_B, MAC_A, &[(0x8100, 10)], 0x8864, &session(3, 0x0021, &ip_tcp)),
        tagged_ethernet(MAC_B, MAC_A, &[(0x8100, 20)], 0x8863, &pppoe(0x09, 0, &discovery_tags)),
    ];
    frames.into_iter().map(padded).collect()
}

/// IPv4 and IPv6 packets carrying Geneve: without and with options, VNIs 10 and 20, inner
/// Ethernet frames (IPv4, IPv6, VLAN-tagged, ARP) and other protocol types (bare IPv4, IPv6,
/// MPLS), Geneve inside Geneve; and UDP port 6081 shapes that are not Geneve: version 1, the
/// port as source only, TCP, a later fragment.
fn geneve_packets() -> Vec<Vec<u8>> {
    const INNER_A: [u8; 4] = [10, 1, 1, 1];
    const INNER_B: [u8; 4] = [10, 1, 1, 2];
    let a = v6("2001:db8::1");
    let b = v6("2001:db8:0:1::2");
    let inner_tcp = Ipv4::new(INNER_A, INNER_B, TCP).build(&tcp(40000, 80, 0x02, b""));
    let inner_udp = Ipv4::new(INNER_B, INNER_A, UDP).build(&udp(80, 53, b"in"));
    let inner_icmp = Ipv4::new(INNER_A, INNER_B, ICMP).build(&icmp(8, 0));
    let inner_ip6_udp = ipv6(v6("2001:db8::a"), v6("2001:db8::b"), UDP, &udp(5353, 80, b""));
    let inner_ip6_tcp = ipv6(v6("2001:db8::b"), v6("2001:db8::a"), TCP, &tcp(443, 40001, 0x12, b""));
    let inner_arp = arp(1, (MAC_A, INNER_A), ([0; 6], INNER_B));
    let options = [0x01, 0x02, 0x80, 0x01, 0xde, 0xad, 0xbe, 0xef];
    let long_options = [0x55; 20];
    let over_ipv4 = |destination_port: u16, geneve_payload: &[u8]| {
        Ipv4::new(IP_A, IP_B, UDP).build(&udp(50000, destination_port, geneve_payload))
    };
    let over_ipv6 = |geneve_payload: &[u8]| ipv6(a, b, UDP, &udp(50001, 6081, geneve_payload));
    let teb = 0x6558;
    let inner_frames = [
        ethernet(MAC_B, MAC_A, 0x0800, &inner_tcp),
        ethernet(BROADCAST_MAC, MAC_B, 0x0806, &inner_arp),
        ethernet(MAC_IPV6_MULTICAST, MAC_A, 0x86dd, &inner_ip6_udp),
        tagged_ethernet(MAC_A, MAC_B, &[(0x8100, 10)], 0x0800, &inner_udp),
    ];
    let mut packets = Vec::new();
    for (index, frame) in inner_frames.iter().enumerate() {
        let vni = if index % 2 == 0 { 10 } else { 20 };
        packets.push(over_ipv4(6081, &geneve(0, teb, vni, &[], frame)));
        packets.push(over_ipv6(&geneve(0, teb, vni, &options, frame)));
    }
    packets.extend([
        over_ipv4(6081, &geneve(0, teb, 10, &long_options, &inner_frames[0])),
        over_ipv4(6081, &geneve(0, 0x0800, 10, &[], &inner_icmp)),
        over_ipv4(6081, &geneve(0, 0x86dd, 20, &options, &inner_ip6_tcp)),
        over_ipv6(&geneve(0, 0x0800, 10, &[], &inner_udp)),
        over_ipv6(&geneve(0, 0x8847, 10, &[], &mpls(&[(16, true)], &inner_tcp))),
        over_ipv4(6081, &geneve(0, 0x0806, 0xff_ffff, &[], &inner_arp)),
        // Geneve in Geneve.
        over_ipv4(6081, &geneve(0, 0x0800, 10, &[], &over_ipv4(6081, &geneve(0, teb, 20, &[], &inner_frames[0])))),
        Ipv4::new(IP_C, IP_A, UDP).options(&[1, 1, 1, 0]).build(&udp(
            1,
            6081,
            &geneve(0, teb, 10, &options, &inner_frames[2]),
        )),
        // Not Geneve.
        over_ipv4(6081, &geneve(1, teb, 10, &[], &inner_frames[0])),
        Ipv4::new(IP_A, IP_B, UDP).build(&udp(6081, 4789, &geneve(0, teb, 10, &[], &inner_frames[0]))),
        Ipv4::new(IP_A, IP_B, TCP).build(&tcp(40000, 6081, 0x18, &geneve(0, teb, 10, &[], &inner_frames[0]))),
        Ipv4::new(IP_A, IP_B, UDP).fragment(0x0004).build(&udp(
            50000,
            6081,
            &geneve(0, teb, 10, &[], &inner_frames[0]),
        )),
        ipv6(
            a,
            b,
            FRAGMENT,
            &ipv6_fragment(UDP, 0, true, &udp(50001, 6081, &geneve(0, teb, 10, &[], &inner_frames[0]))),
        ),
        inner_tcp.clone(),
    ]);
    packets
}

/// Ethernet frames of [`geneve_packets`], one of them behind a VLAN tag.
fn geneve_frames() -> Vec<Vec<u8>> {
    let mut frames: Vec<Vec<u8>> = geneve_packets()
        .iter()
        .map(|ip| if ip[0] >> 4 == 4 { ethernet_ipv4(MAC_B, ip) } else { ethernet_ipv6(MAC_A, ip) })
        .collect();
    let tagged = geneve_packets().into_iter().next().expect("a Geneve packet");
    frames.push(padded(tagged_ethernet(MAC_B, MAC_A, &[(0x8100, 30)], 0x0800, &tagged)));
    frames
}

/// Ethernet frames of [`header_chain_packets`] and [`pppoe_frames`].
pub fn header_chain_and_pppoe_frames() -> Vec<Vec<u8>> {
    let mut frames: Vec<Vec<u8>> = header_chain_packets()
        .iter()
        .map(|ip| if ip[0] >> 4 == 4 { ethernet_ipv4(MAC_B, ip) } else { ethernet_ipv6(MAC_IPV6_MULTICAST, ip) })
        .collect();
    frames.extend(pppoe_frames());
    frames
}

/// Packets cut at every length up to `limit`, so every load of every primitive falls past
/// the captured bytes for some of them.
fn every_truncation(frames: &[Vec<u8>], limit: usize) -> Vec<Packet> {
    frames
        .iter()
        .flat_map(|frame| {
            let whole = Packet::whole(frame.clone());
            (0..=frame.len().min(limit)).map(move |captured| whole.truncated(captured))
        })
        .collect()
}

fn pick_every(frames: Vec<Vec<u8>>, step: usize) -> Vec<Vec<u8>> {
    frames.into_iter().step_by(step).collect()
}

pub fn all() -> Vec<Capture> {
    let ethernet_ipv4_frames: Vec<Vec<u8>> = ipv4_packets()
        .iter()
        .enumerate()
        .map(|(index, ip)| {
            let destination = if index % 5 == 0 { MAC_A } else { MAC_B };
            ethernet_ipv4(destination, ip)
        })
        .collect();
    let ethernet_ipv6_frames: Vec<Vec<u8>> =
        ipv6_packets().iter().map(|ip| ethernet_ipv6(MAC_IPV6_MULTICAST, ip)).collect();
    let mut truncation_sources = pick_every(ethernet_ipv4_frames.clone(), 4);
    truncation_sources.extend(pick_every(ethernet_ipv6_frames.clone(), 3));
    truncation_sources.extend(pick_every(link_layer_frames(), 2));

    let mut raw = ipv4_packets();
    raw.extend(ipv6_packets());
    raw.push(vec![0x50, 0, 0, 0]);
    raw.push(Vec::new());
    let raw_truncation_sources = pick_every(raw.clone(), 3);

    let tunnel_frames = header_chain_and_pppoe_frames();
    let raw_chains = header_chain_packets();

    let geneve_frames = geneve_frames();
    let raw_geneve = geneve_packets();

    vec![
        Capture { name: "ethernet-ipv4", link: LinkType::Ethernet, packets: whole(ethernet_ipv4_frames) },
        Capture { name: "ethernet-ipv6", link: LinkType::Ethernet, packets: whole(ethernet_ipv6_frames) },
        Capture { name: "ethernet-link-layer", link: LinkType::Ethernet, packets: whole(link_layer_frames()) },
        Capture {
            name: "ethernet-truncated",
            link: LinkType::Ethernet,
            packets: every_truncation(&truncation_sources, 90),
        },
        Capture { name: "raw-ip", link: LinkType::RawIp, packets: whole(raw) },
        Capture {
            name: "raw-ip-truncated",
            link: LinkType::RawIp,
            packets: every_truncation(&raw_truncation_sources, 70),
        },
        Capture {
            name: "ethernet-chains-pppoe-truncated",
            link: LinkType::Ethernet,
            packets: every_truncation(&tunnel_frames, usize::MAX),
        },
        Capture {
            name: "raw-ip-chains-truncated",
            link: LinkType::RawIp,
            packets: every_truncation(&raw_chains, usize::MAX),
        },
        Capture {
            name: "ethernet-geneve-truncated",
            link: LinkType::Ethernet,
            packets: every_truncation(&geneve_frames, usize::MAX),
        },
        Capture {
            name: "raw-ip-geneve-truncated",
            link: LinkType::RawIp,
            packets: every_truncation(&raw_geneve, usize::MAX),
        },
    ]
}
