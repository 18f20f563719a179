//! Encapsulations: GRE, IP in IP, VXLAN, VXLAN-GPE with NSH, Geneve and MPLS, each carrying packets tcpdump prints
//! in full, and each cut at every length so that every field of the tunnel headers and of the first inner headers
//! is once the last one captured.

use super::*;

/// The tunnel's endpoints; the packets inside go between the A and B addresses.
const OUTER_A: [u8; 4] = [192, 0, 2, 1];
const OUTER_B: [u8; 4] = [192, 0, 2, 2];
const OUTER_HOSTS4: Hosts = Hosts::V4(OUTER_A, OUTER_B);
const OUTER6_A: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const OUTER6_B: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
const OUTER_HOSTS6: Hosts = Hosts::V6(OUTER6_A, OUTER6_B);
const INNER_MAC_A: [u8; 6] = [0x0a, 0x58, 0x00, 0x00, 0x00, 0x0a];
const INNER_MAC_B: [u8; 6] = [0x0a, 0x58, 0x00, 0x00, 0x00, 0x0b];

const GRE: u8 = 47;
const IPIP: u8 = 4;
const IPV6_IN_IP: u8 = 41;
const ETHERTYPE_TEB: u16 = 0x6558;
const ETHERTYPE_MPLS: u16 = 0x8847;
const ETHERTYPE_MPLS_MULTICAST: u16 = 0x8848;
const VXLAN_PORT: u16 = 4789;
const GENEVE_PORT: u16 = 6081;
const MPLS_PORT: u16 = 6635;
/// The UDP source port of tunnel packets: one tcpdump has no printer for.
const TUNNEL_SOURCE_PORT: u16 = 40001;

// GRE flags (RFC 2784, RFC 2890; RFC 1701 for routing, RFC 2637 for version 1's acknowledgment).
const GRE_CHECKSUM: u16 = 0x8000;
const GRE_ROUTING: u16 = 0x4000;
const GRE_KEY: u16 = 0x2000;
const GRE_SEQUENCE: u16 = 0x1000;
const GRE_ACK: u16 = 0x0080;

/// A ping from A to B, the inner packet most tunnels carry here.
fn ping4() -> Vec<u8> {
    ipv4(ICMP, &icmp(8, 0, echo(0x77, 1), &ping_payload()[..8]))
}

/// An inner Ethernet frame from the inner A to the inner B.
fn inner_ethernet(ether_type: u16, payload: &[u8]) -> Vec<u8> {
    ethernet(INNER_MAC_B, INNER_MAC_A, ether_type, payload)
}

/// A GRE header with the optional fields its `flags` announce, then `payload`. The checksum, when present, covers
/// header and payload; the routing fields are `routing` as given.
fn gre(flags: u16, protocol: u16, key: u32, sequence: u32, routing: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut packet = [flags.to_be_bytes(), protocol.to_be_bytes()].concat();
    let checksum_at = packet.len();
    if flags & (GRE_CHECKSUM | GRE_ROUTING) != 0 {
        // The checksum, then the offset of the active source route entry (4: the second one).
        packet.extend_from_slice(&[0, 0, 0, if routing.is_empty() { 0 } else { 4 }]);
    }
    if flags & GRE_KEY != 0 {
        packet.extend_from_slice(&key.to_be_bytes());
    }
    if flags & GRE_SEQUENCE != 0 {
        packet.extend_from_slice(&sequence.to_be_bytes());
    }
    if flags & GRE_ACK != 0 {
        packet.extend_from_slice(&sequence.wrapping_sub(1).to_be_bytes());
    }
    packet.extend_from_slice(routing);
    packet.extend_from_slice(payload);
    if flags & GRE_CHECKSUM != 0 {
        let checksum = internet_checksum(&[&packet]);
        packet[checksum_at..checksum_at + 2].copy_from_slice(&checksum.to_be_bytes());
    }
    packet
}

/// A GRE packet between the tunnel's IPv4 endpoints.
fn gre4(flags: u16, protocol: u16, payload: &[u8]) -> Vec<u8> {
    eth4(&OUTER_HOSTS4.packet(GRE, &gre(flags, protocol, 0x1234_5678, 42, &[], payload)))
}

/// GRE version 0 with each optional field, carrying IPv4, IPv6, Ethernet and MPLS; version 1 (PPTP); the
/// versions tcpdump does not know.
pub(super) fn gre_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    capture.add(gre4(0, ETHERTYPE_IPV4, &ping4()));
    capture.add(gre4(0, ETHERTYPE_IPV4, &ipv4(ICMP, &icmp(0, 0, echo(0x77, 1), &ping_payload()[..8]))));
    capture.add(gre4(GRE_CHECKSUM, ETHERTYPE_IPV6, &udp(HOSTS6, 12)));
    capture.add(gre4(GRE_KEY, ETHERTYPE_IPV4, &Segment::new(40000, 50000, 1, 0, SYN).packet(HOSTS4)));
    capture.add(gre4(GRE_SEQUENCE, ETHERTYPE_IPV4, &udp(HOSTS4, 3)));
    let all_fields = GRE_CHECKSUM | GRE_KEY | GRE_SEQUENCE;
    capture.add(gre4(all_fields, ETHERTYPE_IPV4, &udp(HOSTS4, 20)));
    // Transparent Ethernet bridging: a frame, tagged or not, with IP or ARP inside.
    capture.add(gre4(GRE_KEY, ETHERTYPE_TEB, &inner_ethernet(ETHERTYPE_IPV4, &ping4())));
    capture.add(gre4(0, ETHERTYPE_TEB, &inner_ethernet(ETHERTYPE_ARP, &arp(1, (INNER_MAC_A, IP_A), ([0; 6], IP_B)))));
    let tagged = [&INNER_MAC_B[..], &INNER_MAC_A, &[0x81, 0x00, 0x20, 0x07, 0x86, 0xdd], &udp(HOSTS6, 1)].concat();
    capture.add(gre4(0, ETHERTYPE_TEB, &tagged));
    capture.add(gre4(0, ETHERTYPE_TEB, &inner_ethernet(0x88b5, &[1, 2, 3, 4])));
    // MPLS, a protocol tcpdump has no GRE printer for, and GRE between IPv6 endpoints.
    capture.add(gre4(0, ETHERTYPE_MPLS, &[&mpls_label(100, 0, true, 63)[..], &ping4()].concat()));
    capture.add(gre4(GRE_KEY, 0x88be, &[0x10, 0, 0, 1]));
    // ERSPAN types II and III (mirrored frames), which tcpdump 4.99 names only by their protocol numbers.
    let mirrored = inner_ethernet(ETHERTYPE_IPV4, &ping4());
    capture.add(gre4(GRE_SEQUENCE, 0x88be, &[&[0x10, 0x0a, 0x00, 0x07, 0, 0, 0, 0][..], &mirrored].concat()));
    let type_three = [0x20, 0x0a, 0x00, 0x00, 0x00, 0x01, 0xe2, 0x40, 0, 0, 0, 0];
    capture.add(gre4(GRE_SEQUENCE, 0x22eb, &[&type_three[..], &mirrored].concat()));
    let over_ipv6 = gre(GRE_KEY | GRE_SEQUENCE, ETHERTYPE_IPV4, 7, 1, &[], &ping4());
    capture.add(eth6(&OUTER_HOSTS6.packet(GRE, &over_ipv6)));
    // Source routes (RFC 1701): an IP one with its second entry active, an AS one, one of another family.
    let routes = [
        &[0x08, 0x00, 4, 8][..],
        &IP_C,
        &OUTER_B,
        &[0xff, 0xfe, 2, 4, 0xfd, 0xe8, 0xfd, 0xe9],
        &[0x12, 0x34, 0, 0],
        &[0, 0, 0, 0],
    ]
    .concat();
    let routed = gre(GRE_ROUTING, ETHERTYPE_IPV4, 0, 0, &routes, &udp(HOSTS4, 1));
    capture.add(eth4(&OUTER_HOSTS4.packet(GRE, &routed)));
    // PPTP's enhanced GRE: with a PPP frame, and an acknowledgment alone.
    let ppp = [&[0xff, 0x03, 0x00, 0x21][..], &ping4()].concat();
    let pptp = |flags: u16, payload: &[u8]| {
        let mut header = gre(flags | 0x0001, 0x880b, 0x0000_0005, 9, &[], &[]);
        header[4..6].copy_from_slice(&(payload.len() as u16).to_be_bytes());
        eth4(&OUTER_HOSTS4.packet(GRE, &[header, payload.to_vec()].concat()))
    };
    capture.add(pptp(GRE_KEY | GRE_SEQUENCE | GRE_ACK, &ppp));
    capture.add(pptp(GRE_KEY | GRE_ACK, &[]));
    // PPP without address and control fields, with a protocol number compressed to a byte, of an unknown
    // protocol, and IPv6 from pppd's capture direction.
    capture.add(pptp(GRE_KEY | GRE_SEQUENCE, &[&[0x21][..], &ping4()].concat()));
    capture.add(pptp(GRE_KEY | GRE_SEQUENCE, &[0x0a, 0x0b, 1, 2, 3, 4, 5]));
    capture.add(pptp(GRE_KEY | GRE_SEQUENCE, &[&[0x01, 0x03, 0x00, 0x57][..], &udp(HOSTS6, 2)].concat()));
    capture.add(pptp(GRE_KEY | GRE_SEQUENCE, &[0xff]));
    // VXLAN bridged into GRE, and the error a router sends about a GRE packet, which quotes it.
    let vxlan_datagram = OUTER_HOSTS4.packet(
        UDP,
        &udp_datagram(
            OUTER_HOSTS4,
            TUNNEL_SOURCE_PORT,
            VXLAN_PORT,
            &vxlan(VXLAN_VALID, 5, &inner_ethernet(ETHERTYPE_IPV4, &ping4())),
        ),
    );
    capture.add(gre4(0, ETHERTYPE_TEB, &inner_ethernet(ETHERTYPE_IPV4, &vxlan_datagram)));
    let quoted = OUTER_HOSTS4.packet(GRE, &gre(GRE_KEY, ETHERTYPE_IPV4, 9, 0, &[], &ping4()));
    capture.add(eth4(&Hosts::V4(IP_C, OUTER_A).packet(ICMP, &icmp(3, 2, [0; 4], &quoted))));
    capture.add(eth4(&OUTER_HOSTS4.packet(GRE, &[0x00, 0x02, 0x08, 0x00, 0x45])));
    capture.add(eth4(&OUTER_HOSTS4.packet(GRE, &[0x00])));
    add_every_cut(&mut capture, &gre4(all_fields, ETHERTYPE_IPV4, &udp(HOSTS4, 2)), &IPV4_IN_ETHERNET);
    let bridged = gre4(GRE_KEY, ETHERTYPE_TEB, &inner_ethernet(ETHERTYPE_IPV6, &udp(HOSTS6, 2)));
    add_every_cut(&mut capture, &bridged, &IPV4_IN_ETHERNET);
    add_every_cut(&mut capture, &routed_frame_for_cuts(), &IPV4_IN_ETHERNET);
    add_every_cut(&mut capture, &pptp(GRE_KEY | GRE_SEQUENCE | GRE_ACK, &ppp), &IPV4_IN_ETHERNET);
    capture
}

/// A GRE packet with a short IP source route, to cut at every length.
fn routed_frame_for_cuts() -> Vec<u8> {
    let routes = [&[0x08, 0x00, 0, 4][..], &IP_C, &[0, 0, 0, 0]].concat();
    eth4(&OUTER_HOSTS4.packet(GRE, &gre(GRE_ROUTING, ETHERTYPE_IPV4, 0, 0, &routes, &ping4())))
}

/// IPv4 and IPv6, each inside the other and inside itself.
pub(super) fn ipip_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    capture.add(eth4(&OUTER_HOSTS4.packet(IPIP, &ping4())));
    capture.add(eth4(&OUTER_HOSTS4.packet(IPIP, &Segment::new(40000, 50000, 1, 0, SYN).packet(HOSTS4))));
    let ping6 = ipv6(ICMPV6, &icmp6(IP6_A, IP6_B, 128, 0, echo(5, 1), &[]));
    capture.add(eth4(&OUTER_HOSTS4.packet(IPV6_IN_IP, &ping6)));
    capture.add(eth4(&OUTER_HOSTS4.packet(IPV6_IN_IP, &Segment::new(40000, 50000, 1, 0, SYN).packet(HOSTS6))));
    capture.add(eth6(&OUTER_HOSTS6.packet(IPV6_IN_IP, &udp(HOSTS6, 4))));
    capture.add(eth6(&OUTER_HOSTS6.packet(IPIP, &ping4())));
    capture.add(eth6(&OUTER_HOSTS6.packet(IPIP, &udp(HOSTS4, 4))));
    // Three levels deep, and an inner packet longer than its tunnel's.
    let nested = OUTER_HOSTS4.packet(IPIP, &OUTER_HOSTS4.packet(IPIP, &udp(HOSTS4, 1)));
    capture.add(eth4(&nested));
    let mut long_inner = udp(HOSTS4, 8);
    long_inner[2..4].copy_from_slice(&60u16.to_be_bytes());
    capture.add(eth4(&OUTER_HOSTS4.packet(IPIP, &long_inner)));
    add_every_cut(&mut capture, &eth4(&OUTER_HOSTS4.packet(IPIP, &udp(HOSTS4, 2))), &IPV4_IN_ETHERNET);
    add_every_cut(&mut capture, &eth4(&OUTER_HOSTS4.packet(IPV6_IN_IP, &udp(HOSTS6, 2))), &IPV4_IN_ETHERNET);
    add_every_cut(&mut capture, &eth6(&OUTER_HOSTS6.packet(IPIP, &udp(HOSTS4, 2))), &[]);
    // An ICMPv6 error quoting IPv4 in IPv6.
    let quoted = OUTER_HOSTS6.packet(IPIP, &ping4());
    let error = icmp6(OUTER6_B, OUTER6_A, 1, 0, [0; 4], &quoted);
    capture.add(eth6(&OUTER_HOSTS6.reversed().packet(ICMPV6, &error)));
    capture
}

/// A UDP datagram to a tunnel's port over the tunnel's `hosts`.
fn tunnel_datagram(hosts: Hosts, port: u16, payload: &[u8]) -> Vec<u8> {
    eth(ethertype_of(hosts), &hosts.packet(UDP, &udp_datagram(hosts, TUNNEL_SOURCE_PORT, port, payload)))
}

/// A VXLAN header (RFC 7348) with `flags` and `vni`.
fn vxlan(flags: u8, vni: u32, frame: &[u8]) -> Vec<u8> {
    let [_, vni_high, vni_middle, vni_low] = vni.to_be_bytes();
    [&[flags, 0, 0, 0, vni_high, vni_middle, vni_low, 0][..], frame].concat()
}

/// The VNI-valid flag, the only one VXLAN defines.
const VXLAN_VALID: u8 = 0x08;

/// VXLAN with Ethernet frames of IPv4, IPv6, ARP and an unknown type; flags tcpdump calls invalid.
pub(super) fn vxlan_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let frames = [
        inner_ethernet(ETHERTYPE_IPV4, &ping4()),
        inner_ethernet(ETHERTYPE_IPV4, &Segment::new(40000, 50000, 7, 0, SYN).packet(HOSTS4)),
        inner_ethernet(ETHERTYPE_IPV6, &udp(HOSTS6, 5)),
        padded(inner_ethernet(ETHERTYPE_ARP, &arp(2, (INNER_MAC_B, IP_B), (INNER_MAC_A, IP_A)))),
        inner_ethernet(0x88b5, b"experimental"),
    ];
    for (vni, frame) in frames.iter().enumerate() {
        capture.add(tunnel_datagram(OUTER_HOSTS4, VXLAN_PORT, &vxlan(VXLAN_VALID, 100 + vni as u32, frame)));
    }
    capture.add(tunnel_datagram(OUTER_HOSTS6, VXLAN_PORT, &vxlan(VXLAN_VALID, 0xff_ffff, &frames[0])));
    capture.add(tunnel_datagram(OUTER_HOSTS4, VXLAN_PORT, &vxlan(0x00, 1, &frames[0])));
    capture.add(tunnel_datagram(OUTER_HOSTS4, VXLAN_PORT, &vxlan(0x88, 1, &frames[0])));
    // Too short for a VXLAN header, and a header with nothing after it.
    capture.add(tunnel_datagram(OUTER_HOSTS4, VXLAN_PORT, &[VXLAN_VALID, 0, 0]));
    capture.add(tunnel_datagram(OUTER_HOSTS4, VXLAN_PORT, &vxlan(VXLAN_VALID, 2, &[])));
    let frame = tunnel_datagram(OUTER_HOSTS4, VXLAN_PORT, &vxlan(VXLAN_VALID, 3, &frames[0]));
    add_every_cut(&mut capture, &frame, &IPV4_IN_ETHERNET);
    // Between a tunnel's port and one of a protocol tcpdump tries first (DNS, TFTP, NTP, syslog, SIP), that
    // protocol's printer takes the datagram.
    for port in [53, 69, 123, 514, 5060] {
        for tunnel_port in [VXLAN_PORT, GENEVE_PORT] {
            let datagram = udp_datagram(OUTER_HOSTS4, tunnel_port, port, &vxlan(VXLAN_VALID, 4, &frames[0]));
            capture.add(eth(ETHERTYPE_IPV4, &OUTER_HOSTS4.packet(UDP, &datagram)));
        }
    }
    capture
}

/// A Geneve header (RFC 8926): version 0, `flags` (O, C, reserved bits), the protocol, the VNI, the reserved
/// byte, then `options` (a multiple of 4 bytes).
fn geneve(flags: u8, protocol: u16, vni: u32, reserved: u8, options: &[u8], payload: &[u8]) -> Vec<u8> {
    let [_, vni_high, vni_middle, vni_low] = vni.to_be_bytes();
    let options_words = (options.len() / 4) as u8;
    let [protocol_high, protocol_low] = protocol.to_be_bytes();
    [
        &[options_words, flags, protocol_high, protocol_low, vni_high, vni_middle, vni_low, reserved][..],
        options,
        payload,
    ]
    .concat()
}

/// A Geneve option: its class, type, and data (a multiple of 4 bytes).
fn geneve_option(class: u16, option_type: u8, data: &[u8]) -> Vec<u8> {
    [&class.to_be_bytes()[..], &[option_type, (data.len() / 4) as u8], data].concat()
}

/// Geneve with Ethernet and IP payloads, options of each class tcpdump names, flags, and headers it rejects.
pub(super) fn geneve_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let frame = inner_ethernet(ETHERTYPE_IPV4, &ping4());
    let send = |capture: &mut Capture, header_and_payload: Vec<u8>| {
        capture.add(tunnel_datagram(OUTER_HOSTS4, GENEVE_PORT, &header_and_payload));
    };
    send(&mut capture, geneve(0, ETHERTYPE_TEB, 0x1234, 0, &[], &frame));
    send(&mut capture, geneve(0, ETHERTYPE_IPV4, 1, 0, &[], &Segment::new(40000, 50000, 1, 0, SYN).packet(HOSTS4)));
    send(&mut capture, geneve(0, ETHERTYPE_IPV6, 1, 0, &[], &udp(HOSTS6, 3)));
    send(&mut capture, geneve(0, ETHERTYPE_ARP, 1, 0, &[], &arp(1, (INNER_MAC_A, IP_A), ([0; 6], IP_B))));
    send(&mut capture, geneve(0, ETHERTYPE_MPLS, 1, 0, &[], &[&mpls_label(16, 0, true, 1)[..], &ping4()].concat()));
    send(&mut capture, geneve(0, 0x88b5, 1, 0, &[], &[1, 2, 3]));
    let options = [
        geneve_option(0x0101, 0x80, &[0xde, 0xad, 0xbe, 0xef]),
        geneve_option(0x0102, 0x01, &[]),
        geneve_option(0x0100, 0x02, &[0; 8]),
        geneve_option(0x0103, 0x03, &[1, 2, 3, 4]),
        geneve_option(0x0104, 0x04, &[]),
        geneve_option(0x0042, 0x05, &[]),
        geneve_option(0xfff0, 0x06, &[]),
        geneve_option(0x2000, 0x07, &[]),
    ]
    .concat();
    send(&mut capture, geneve(0xc0, ETHERTYPE_TEB, 0xff_ffff, 0, &options, &frame));
    send(&mut capture, geneve(0x3f, ETHERTYPE_TEB, 7, 0x5a, &[], &frame));
    // An option longer than the options, a header announcing more options than the datagram has, version 1,
    // too short a datagram.
    send(&mut capture, geneve(0, ETHERTYPE_TEB, 7, 0, &geneve_option(0x0101, 1, &[0; 8])[..8], &frame));
    let mut overlong = geneve(0, ETHERTYPE_TEB, 7, 0, &[], &[0; 4]);
    overlong[0] = 4;
    send(&mut capture, overlong);
    let mut version_1 = geneve(0, ETHERTYPE_TEB, 7, 0, &[], &frame);
    version_1[0] = 0x40;
    send(&mut capture, version_1);
    send(&mut capture, vec![0, 0, 0x65, 0x58, 0]);
    capture.add(tunnel_datagram(OUTER_HOSTS6, GENEVE_PORT, &geneve(0, ETHERTYPE_IPV6, 3, 0, &[], &udp(HOSTS6, 1))));
    let options = [geneve_option(0x0101, 0x81, &[1, 2, 3, 4]), geneve_option(0x0102, 2, &[])].concat();
    let cut = tunnel_datagram(OUTER_HOSTS4, GENEVE_PORT, &geneve(0x40, ETHERTYPE_TEB, 9, 0, &options, &frame));
    add_every_cut(&mut capture, &cut, &IPV4_IN_ETHERNET);
    capture
}

/// An MPLS label stack entry (RFC 3032): label, traffic class, bottom of stack, TTL.
fn mpls_label(label: u32, traffic_class: u8, bottom: bool, ttl: u8) -> [u8; 4] {
    (label << 12 | u32::from(traffic_class) << 9 | u32::from(bottom) << 8 | u32::from(ttl)).to_be_bytes()
}

/// MPLS label stacks over Ethernet: the payload told by a reserved label or guessed from its first byte.
pub(super) fn mpls_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let stack = |labels: &[[u8; 4]], payload: &[u8]| [labels.concat(), payload.to_vec()].concat();
    capture.add(eth(ETHERTYPE_MPLS, &stack(&[mpls_label(100, 0, true, 64)], &ping4())));
    capture.add(eth(
        ETHERTYPE_MPLS,
        &stack(&[mpls_label(1000, 5, false, 255), mpls_label(2000, 7, true, 1)], &udp(HOSTS4, 6)),
    ));
    capture.add(eth(ETHERTYPE_MPLS, &stack(&[mpls_label(0, 0, true, 64)], &udp(HOSTS4, 1))));
    capture.add(eth(ETHERTYPE_MPLS, &stack(&[mpls_label(2, 0, true, 64)], &udp(HOSTS6, 1))));
    capture.add(eth(
        ETHERTYPE_MPLS,
        &stack(&[mpls_label(1, 0, false, 1), mpls_label(3, 0, false, 1), mpls_label(15, 0, true, 1)], &ping4()),
    ));
    let segment = Segment::new(40000, 50000, 1, 0, SYN).packet(HOSTS6);
    capture.add(eth(ETHERTYPE_MPLS_MULTICAST, &stack(&[mpls_label(0xf_ffff, 1, true, 9)], &segment)));
    // A payload that is no IP, and labels with nothing after them.
    capture.add(eth(ETHERTYPE_MPLS, &stack(&[mpls_label(17, 0, true, 9)], &[0x00, 1, 2, 3, 4, 5])));
    capture.add(eth(ETHERTYPE_MPLS, &stack(&[mpls_label(17, 0, true, 9)], &[])));
    capture.add(eth(ETHERTYPE_MPLS, &stack(&[mpls_label(17, 0, false, 9)], &[])));
    capture.add(eth(ETHERTYPE_MPLS, &[1, 2]));
    // Behind a VLAN tag, and inside MPLS an IP packet with its version nibble wrong.
    let tagged = [&[0x00, 0x0a][..], &ETHERTYPE_MPLS.to_be_bytes(), &mpls_label(18, 0, true, 2), &ping4()].concat();
    capture.add(eth(0x8100, &tagged));
    capture.add(eth(ETHERTYPE_MPLS, &stack(&[mpls_label(0, 0, true, 64)], &[0x65, 0, 0, 0])));
    add_every_cut(
        &mut capture,
        &eth(ETHERTYPE_MPLS, &stack(&[mpls_label(17, 0, true, 9)], &[0x00, 1, 2, 3, 4, 5])),
        &[],
    );
    // In UDP, and in UDP from a VXLAN port, which tcpdump tries first.
    let labelled = stack(&[mpls_label(300, 0, true, 8)], &udp(HOSTS6, 2));
    capture.add(tunnel_datagram(OUTER_HOSTS4, MPLS_PORT, &labelled));
    let bridged = vxlan(VXLAN_VALID, 1, &inner_ethernet(ETHERTYPE_IPV4, &ping4()));
    capture.add(eth4(&OUTER_HOSTS4.packet(UDP, &udp_datagram(OUTER_HOSTS4, VXLAN_PORT, MPLS_PORT, &bridged))));
    let frame = eth(ETHERTYPE_MPLS, &stack(&[mpls_label(16, 0, false, 64), mpls_label(17, 0, true, 63)], &ping4()));
    add_every_cut(&mut capture, &frame, &[]);
    capture
}

const VXLAN_GPE_PORT: u16 = 4790;
// VXLAN-GPE's flags: VNI valid, next protocol present, OAM.
const GPE_VNI: u8 = 0x08;
const GPE_NEXT: u8 = 0x04;
const GPE_OAM: u8 = 0x01;
// The next-protocol values of VXLAN-GPE and NSH.
const NEXT_IPV4: u8 = 1;
const NEXT_IPV6: u8 = 2;
const NEXT_ETHERNET: u8 = 3;
const NEXT_NSH: u8 = 4;
const NEXT_MPLS: u8 = 5;
const ETHERTYPE_NSH: u16 = 0x894f;

/// A VXLAN-GPE header with `flags`, `next_protocol` and `vni`, then `payload`.
fn vxlan_gpe(flags: u8, next_protocol: u8, vni: u32, payload: &[u8]) -> Vec<u8> {
    let [_, vni_high, vni_middle, vni_low] = vni.to_be_bytes();
    [&[flags, 0, 0, next_protocol, vni_high, vni_middle, vni_low, 0][..], payload].concat()
}

/// An NSH header: `first_byte` (version and the O and C flags), the headers' `length` in words as announced,
/// the metadata type, the next protocol, service path 0x00abcd and index 0xff, then `context` and `payload`.
fn nsh(first_byte: u8, length: u8, metadata_type: u8, next_protocol: u8, context: &[u8], payload: &[u8]) -> Vec<u8> {
    [&[first_byte, length, metadata_type, next_protocol, 0x00, 0xab, 0xcd, 0xff][..], context, payload].concat()
}

/// An NSH header whose announced length fits its context.
fn nsh_fitting(metadata_type: u8, next_protocol: u8, context: &[u8], payload: &[u8]) -> Vec<u8> {
    nsh(0x00, 2 + (context.len() / 4) as u8, metadata_type, next_protocol, context, payload)
}

/// VXLAN-GPE carrying IPv4, IPv6, Ethernet and NSH (with both metadata types, with IP and Ethernet inside); flags,
/// next protocols and NSH lengths tcpdump calls invalid; each cut at every length.
pub(super) fn vxlan_gpe_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let fixed_context: Vec<u8> = (1..=16).collect();
    // Two TLVs: class 0x0102 type 3 with one word of value, class 4 type 5 with none.
    let tlvs = [&[0x01, 0x02, 3, 1][..], &[0xde, 0xad, 0xbe, 0xef], &[0, 4, 5, 0]].concat();
    let ipv6_packet = udp(HOSTS6, 5);
    let payloads = [
        vxlan_gpe(GPE_VNI | GPE_NEXT, NEXT_IPV4, 100, &ping4()),
        vxlan_gpe(GPE_VNI | GPE_NEXT, NEXT_IPV6, 101, &ipv6_packet),
        vxlan_gpe(GPE_VNI | GPE_NEXT, NEXT_ETHERNET, 102, &inner_ethernet(ETHERTYPE_IPV4, &ping4())),
        vxlan_gpe(GPE_VNI | GPE_NEXT, NEXT_NSH, 103, &nsh_fitting(1, NEXT_IPV4, &fixed_context, &ping4())),
        vxlan_gpe(GPE_VNI | GPE_NEXT, NEXT_NSH, 104, &nsh_fitting(2, NEXT_IPV6, &tlvs, &ipv6_packet)),
        vxlan_gpe(
            GPE_VNI | GPE_NEXT,
            NEXT_NSH,
            105,
            &nsh(0x70, 2, 1, NEXT_ETHERNET, &[], &inner_ethernet(ETHERTYPE_IPV4, &ping4())),
        ),
        // NSH: an unknown metadata type, a TLV longer than the header, a length below the fixed headers', a length
        // beyond the packet, an unknown next protocol.
        vxlan_gpe(GPE_VNI | GPE_NEXT, NEXT_NSH, 106, &nsh_fitting(0x0f, NEXT_IPV4, &fixed_context[..4], &ping4())),
        vxlan_gpe(GPE_VNI | GPE_NEXT, NEXT_NSH, 107, &nsh_fitting(2, NEXT_IPV4, &[0, 1, 2, 9, 0, 0, 0, 0], &ping4())),
        vxlan_gpe(GPE_VNI | GPE_NEXT, NEXT_NSH, 108, &nsh(0xc0, 1, 1, NEXT_IPV4, &[], &ping4())),
        vxlan_gpe(GPE_VNI | GPE_NEXT, NEXT_NSH, 109, &nsh(0x00, 60, 1, NEXT_IPV4, &[], &ping4())),
        vxlan_gpe(GPE_VNI | GPE_NEXT, NEXT_NSH, 110, &nsh_fitting(1, NEXT_MPLS, &[], &ping4())),
        // VXLAN-GPE: MPLS, which tcpdump 4.99 does not follow here; no flags; OAM; a header alone.
        vxlan_gpe(GPE_VNI | GPE_NEXT, NEXT_MPLS, 111, &ping4()),
        vxlan_gpe(0, NEXT_IPV4, 112, &ping4()),
        vxlan_gpe(GPE_VNI | GPE_NEXT | GPE_OAM | 0x30, NEXT_IPV4, 0xff_ffff, &ping4()),
        vxlan_gpe(GPE_VNI | GPE_NEXT, NEXT_IPV4, 113, &[]),
        vec![GPE_VNI, 0, 0],
    ];
    for payload in &payloads {
        capture.add(tunnel_datagram(OUTER_HOSTS4, VXLAN_GPE_PORT, payload));
    }
    capture.add(tunnel_datagram(OUTER_HOSTS6, VXLAN_GPE_PORT, &payloads[2]));
    // NSH straight after an Ethernet header, and in GRE.
    let service_path = nsh_fitting(1, NEXT_IPV4, &fixed_context, &ping4());
    capture.add(eth(ETHERTYPE_NSH, &service_path));
    capture.add(gre4(0, ETHERTYPE_NSH, &service_path));
    add_every_cut(&mut capture, &eth(ETHERTYPE_NSH, &service_path), &[]);
    for payload in &payloads[3..5] {
        add_every_cut(&mut capture, &tunnel_datagram(OUTER_HOSTS4, VXLAN_GPE_PORT, payload), &IPV4_IN_ETHERNET);
    }
    capture
}
