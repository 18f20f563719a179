//! Captures of the protocols hosts and routers send to their neighbours: IGMP's group membership messages,
//! multicast DNS and LLMNR, VRRP, BFD, RIP and RIPng, LLDP, LACP, STP.
//! Each has real message shapes, lengths that do not fit, and copies of some messages cut at every length from
//! the protocol header's start on.

use pcap_file::DataLink;

use super::{
    CLASS_IN, Capture, ETHERTYPE_IPV4, HOSTS4, HOSTS6, Hosts, IP_A, IP6_A, MAC_A, MAC_B, UDP, dns_message, dns_name,
    dns_opt, dns_pointer, dns_question, dns_record, eth, eth6, ethernet, ethertype_of, internet_checksum, ipv4_with,
    ipv6, padded, udp_datagram,
};

/// What the captures hold: file name and packets.
pub fn captures() -> [(&'static str, Capture); 11] {
    [
        ("igmp.pcap", igmp_capture()),
        ("mdns.pcap", mdns_capture()),
        ("vrrp.pcap", vrrp_capture()),
        ("bfd.pcap", bfd_capture()),
        ("rip.pcap", rip_capture()),
        ("ripng.pcap", ripng_capture()),
        ("lldp.pcap", lldp_capture()),
        ("lacp.pcap", lacp_capture()),
        ("stp.pcap", stp_capture()),
        ("mobile_ipcomp.pcap", mobile_ipcomp_capture()),
        ("igrp.pcap", igrp_capture()),
    ]
}

const IGMP: u8 = 2;
const ROUTER: [u8; 4] = [10, 0, 0, 254];
const HOST: [u8; 4] = [10, 0, 0, 1];
const ALL_SYSTEMS: [u8; 4] = [224, 0, 0, 1];
const ALL_ROUTERS: [u8; 4] = [224, 0, 0, 2];
const IGMPV3_ROUTERS: [u8; 4] = [224, 0, 0, 22];
const GROUP: [u8; 4] = [239, 1, 2, 3];
const OTHER_GROUP: [u8; 4] = [239, 255, 255, 250];
/// IPv4's Router Alert option, which IGMP messages carry.
const ROUTER_ALERT: [u8; 4] = [148, 4, 0, 0];

/// Copies of `frame` cut at every length from `from` (where a protocol's header starts) to its end.
fn add_cuts_from(capture: &mut Capture, frame: &[u8], from: usize) {
    for captured in from..frame.len() {
        capture.add_cut(frame, captured);
    }
}

/// An Ethernet frame to the multicast MAC address of `destination`.
fn multicast_frame(destination: [u8; 4], packet: &[u8]) -> Vec<u8> {
    let mac = [0x01, 0x00, 0x5e, destination[1] & 0x7f, destination[2], destination[3]];
    ethernet(mac, MAC_A, ETHERTYPE_IPV4, packet)
}

/// An IGMP message (its checksum filled in) from `source` to `destination`, with TTL 1 and Router Alert.
fn igmp_frame(source: [u8; 4], destination: [u8; 4], message: &[u8]) -> Vec<u8> {
    let mut message = message.to_vec();
    if message.len() >= 4 {
        let checksum = internet_checksum(&[&message]);
        message[2..4].copy_from_slice(&checksum.to_be_bytes());
    }
    let packet = ipv4_with(source, destination, IGMP, &message, |header| {
        header.time_to_live = 1;
        header.options = ROUTER_ALERT[..].try_into().expect("valid options");
    });
    multicast_frame(destination, &packet)
}

/// Where the IGMP message starts in an `igmp_frame`: after Ethernet's and the IP header with its option.
const IGMP_START: usize = 14 + 24;

/// A DVMRP message in IGMP (type 0x13): the DVMRP code, checksum, the minor and major version, then `body`.
fn dvmrp(code: u8, body: &[u8]) -> Vec<u8> {
    [&[0x13, code, 0, 0, 0, 0, 3, 0xff][..], body].concat()
}

/// Where the report of routes is among `dvmrp_messages`.
const DVMRP_REPORT: usize = 3;

/// DVMRP (in IGMP) of every type: probes with neighbours, reports of routes under masks of each width,
/// neighbour lists old and new with every flag, prunes and grafts, and lengths that do not add up.
fn dvmrp_messages() -> Vec<Vec<u8>> {
    // Masks of /16, /8, /24 and /32, their routes' origins as wide as the masks, the last one's metric marked.
    let report = [
        &[255u8, 0, 0][..],
        &[10, 1, 3],
        &[10, 2, 0x80 | 5],
        &[0, 0, 0],
        &[11, 0x80 | 1],
        &[255, 255, 0],
        &[192, 168, 1, 2],
        &[192, 168, 2, 0x80 | 4],
        &[255, 255, 255],
        &[172, 16, 0, 1, 0x80 | 32],
    ]
    .concat();
    let neighbors = [&HOST[..], &[1, 1, 2], &ROUTER, &GROUP, &ROUTER, &[2, 16, 1], &HOST].concat();
    let neighbors2 = [&HOST[..], &[1, 1, 0x73, 2], &ROUTER, &GROUP, &ROUTER, &[2, 16, 0, 1], &HOST].concat();
    vec![
        dvmrp(1, &[&7u32.to_be_bytes()[..], &HOST, &ROUTER].concat()),
        dvmrp(1, &[0, 0, 0, 7, 10, 0]),
        dvmrp(1, &[0, 0]),
        dvmrp(2, &report),
        dvmrp(2, &report[..report.len() - 2]),
        dvmrp(2, &[255, 255, 0, 10, 1]),
        dvmrp(2, &[255, 255]),
        dvmrp(3, &[]),
        dvmrp(4, &neighbors),
        dvmrp(4, &neighbors[..13]),
        dvmrp(4, &neighbors[..9]),
        dvmrp(5, &[]),
        dvmrp(6, &neighbors2),
        dvmrp(6, &neighbors2[..14]),
        dvmrp(6, &neighbors2[..10]),
        dvmrp(6, &[&HOST[..], &[1, 1, 0, 3], &ROUTER].concat()),
        dvmrp(7, &[&HOST[..], &GROUP, &7200u32.to_be_bytes()].concat()),
        dvmrp(7, &[&HOST[..], &GROUP].concat()),
        dvmrp(8, &[&HOST[..], &GROUP].concat()),
        dvmrp(9, &[&HOST[..], &GROUP].concat()),
        dvmrp(10, &[1, 2, 3]),
        vec![0x13, 1, 0, 0, 0, 0],
    ]
}

/// A PIMv1 message in IGMP (type 0x14): the PIM message type, checksum, version 1, then `body`.
fn pimv1(message_type: u8, body: &[u8]) -> Vec<u8> {
    [&[0x14, message_type, 0, 0, 0x10, 0, 0, 0][..], body].concat()
}

/// A PIMv1 join/prune's group: group, mask, then each joined and pruned source with its flags and mask length.
fn pimv1_group(group: [u8; 4], mask: [u8; 4], joins: &[[u8; 6]], prunes: &[[u8; 6]]) -> Vec<u8> {
    let counts = [(joins.len() as u16).to_be_bytes(), (prunes.len() as u16).to_be_bytes()].concat();
    [&group[..], &mask, &counts, &joins.concat(), &prunes.concat()].concat()
}

/// A PIMv1 join/prune body: upstream neighbour, hold time, then groups.
fn pimv1_join_prune(hold: u16, groups: &[Vec<u8>]) -> Vec<u8> {
    let header = [&ROUTER[..], &[0, 0], &hold.to_be_bytes(), &[0, 0, 0, groups.len() as u8]].concat();
    [header, groups.concat()].concat()
}

/// Where the join/prune of two groups is among `pimv1_messages`.
const PIMV1_MULTI_GROUP_JOIN: usize = 12;

/// PIMv1 (in IGMP) of every type: queries of each mode, registers, asserts, joins and prunes on one line and on
/// many, graft, an unknown type and version, and messages too short for their fields.
fn pimv1_messages() -> Vec<Vec<u8>> {
    const HOST_MASK: [u8; 4] = [255; 4];
    let source = |flags: u8, mask_len: u8, address: [u8; 4]| -> [u8; 6] {
        let [a, b, c, d] = address;
        [flags, mask_len, a, b, c, d]
    };
    let sparse_join = source(0x01, 0x80 | 0x40 | 32, HOST);
    let dense_prune = source(0x00, 24, ROUTER);
    let one_join = pimv1_join_prune(180, &[pimv1_group(GROUP, HOST_MASK, &[sparse_join], &[])]);
    let inner_ip = ipv4_with(HOST, GROUP, 17, &[0; 8], |_| {});
    vec![
        pimv1(0, &[0x10, 0, 0, 105]),
        pimv1(0, &[0x00, 0, 0, 0]),
        pimv1(0, &[0x20, 0, 0x0e, 0x10]),
        pimv1(0, &[0x30, 0, 0, 1]),
        pimv1(0, &[]),
        pimv1(1, &inner_ip),
        pimv1(1, &inner_ip[..12]),
        pimv1(2, &[&GROUP[..], &HOST].concat()),
        pimv1(4, &[&GROUP[..], &HOST_MASK, &ROUTER, &[0, 0, 0, 90]].concat()),
        pimv1(4, &[&GROUP[..], &[255, 255, 255, 0], &ROUTER, &[0, 0, 1, 0]].concat()),
        pimv1(5, &[&GROUP[..], &HOST_MASK, &HOST, &0x8000_0064u32.to_be_bytes(), &[0, 0, 0, 10]].concat()),
        pimv1(5, &[&GROUP[..], &[255, 255, 0, 0], &HOST, &100u32.to_be_bytes(), &[0, 0, 0, 10]].concat()),
        pimv1(
            3,
            &pimv1_join_prune(
                210,
                &[
                    pimv1_group(GROUP, HOST_MASK, &[sparse_join, dense_prune], &[dense_prune]),
                    pimv1_group(ALL_SYSTEMS, [255, 255, 255, 0], &[], &[sparse_join]),
                ],
            ),
        ),
        pimv1(3, &one_join),
        pimv1(3, &pimv1_join_prune(60, &[pimv1_group(GROUP, [255, 0, 0, 0], &[], &[dense_prune])])),
        pimv1(6, &one_join),
        pimv1(7, &pimv1_join_prune(180, &[pimv1_group(GROUP, HOST_MASK, &[sparse_join, sparse_join], &[])])),
        pimv1(3, &one_join[..20]),
        pimv1(3, &one_join[..6]),
        pimv1(3, &one_join[..2]),
        pimv1(3, &[]),
        pimv1(3, &pimv1_join_prune(180, &[pimv1_group(GROUP, HOST_MASK, &[], &[]), vec![1, 2, 3, 4, 5, 6]])),
        pimv1(3, &pimv1_join_prune(180, &[GROUP.to_vec()])),
        pimv1(9, &[1, 2, 3, 4]),
        [&[0x14, 0, 0, 0, 0x20, 0, 0, 0][..], &[0x10, 0, 0, 105]].concat(),
        vec![0x14, 3, 0, 0, 0x10, 0],
        vec![0x14],
    ]
}

/// The eight bytes of IGMPv1 and v2 messages: type, max response time, checksum, group.
fn igmp_message(message_type: u8, max_response: u8, group: [u8; 4]) -> Vec<u8> {
    [&[message_type, max_response, 0, 0][..], &group].concat()
}

/// An IGMPv3 query: max response code, group, flags with the querier's robustness, QQIC, sources.
fn igmpv3_query(max_response_code: u8, group: [u8; 4], sources: &[[u8; 4]]) -> Vec<u8> {
    let mut message = igmp_message(0x11, max_response_code, group);
    message.extend_from_slice(&[0x02, 125]);
    message.extend_from_slice(&(sources.len() as u16).to_be_bytes());
    message.extend(sources.iter().flatten());
    message
}

/// A group record of an IGMPv3 report: record type, group, sources (no auxiliary data).
fn group_record(record_type: u8, group: [u8; 4], sources: &[[u8; 4]]) -> Vec<u8> {
    let mut record = vec![record_type, 0];
    record.extend_from_slice(&(sources.len() as u16).to_be_bytes());
    record.extend_from_slice(&group);
    record.extend(sources.iter().flatten());
    record
}

/// A report whose count of group records says `records`, whatever it holds.
fn claims_records(mut report: Vec<u8>, records: u16) -> Vec<u8> {
    report[6..8].copy_from_slice(&records.to_be_bytes());
    report
}

fn igmpv3_report(records: &[Vec<u8>]) -> Vec<u8> {
    let mut message = vec![0x22, 0, 0, 0, 0, 0];
    message.extend_from_slice(&(records.len() as u16).to_be_bytes());
    message.extend(records.iter().flatten());
    message
}

/// IGMP v1, v2 and v3: queries, reports, leaves, multicast traceroute; bad lengths, checksums and counts.
fn igmp_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let sources = [[10, 0, 0, 7], [10, 0, 0, 8], [192, 168, 1, 9]];
    let v3_report = igmpv3_report(&[
        group_record(1, GROUP, &sources[..2]),
        group_record(4, OTHER_GROUP, &[]),
        group_record(6, GROUP, &sources),
    ]);
    let v3_query = igmpv3_query(100, GROUP, &sources);
    let messages: Vec<([u8; 4], [u8; 4], Vec<u8>)> = vec![
        // IGMPv1 and v2 queries, general and for a group, with the default and other response times.
        (ROUTER, ALL_SYSTEMS, igmp_message(0x11, 0, [0; 4])),
        (ROUTER, ALL_SYSTEMS, igmp_message(0x11, 100, [0; 4])),
        (ROUTER, GROUP, igmp_message(0x11, 10, GROUP)),
        (ROUTER, ALL_SYSTEMS, [igmp_message(0x11, 100, [0; 4]), vec![0; 2]].concat()),
        (HOST, GROUP, igmp_message(0x12, 0, GROUP)),
        (HOST, GROUP, [igmp_message(0x12, 0, GROUP), vec![0; 4]].concat()),
        (HOST, GROUP, igmp_message(0x16, 0, GROUP)),
        (HOST, ALL_ROUTERS, igmp_message(0x17, 0, GROUP)),
        // IGMPv3 queries: general, for a group, with sources, with response codes in the exponential form.
        (ROUTER, ALL_SYSTEMS, igmpv3_query(100, [0; 4], &[])),
        (ROUTER, ALL_SYSTEMS, igmpv3_query(0, [0; 4], &[])),
        (ROUTER, GROUP, igmpv3_query(25, GROUP, &[])),
        (ROUTER, GROUP, v3_query.clone()),
        (ROUTER, ALL_SYSTEMS, igmpv3_query(0x8f, [0; 4], &[])),
        (ROUTER, ALL_SYSTEMS, igmpv3_query(0xff, GROUP, &[])),
        (ROUTER, ALL_SYSTEMS, igmpv3_query(0xa0, [0; 4], &[])),
        // A v3 query that is not a multiple of four long, and one whose sources are not all there.
        (ROUTER, ALL_SYSTEMS, [igmpv3_query(100, [0; 4], &[]), vec![0; 2]].concat()),
        (ROUTER, GROUP, igmpv3_query(100, GROUP, &sources)[..16].to_vec()),
        // IGMPv3 reports: records of every type, an unknown one, too few bytes for the records or their sources.
        (HOST, IGMPV3_ROUTERS, v3_report.clone()),
        (HOST, IGMPV3_ROUTERS, igmpv3_report(&[group_record(2, GROUP, &[]), group_record(3, GROUP, &sources)])),
        (HOST, IGMPV3_ROUTERS, igmpv3_report(&[group_record(5, GROUP, &sources[..1]), group_record(9, GROUP, &[])])),
        (HOST, IGMPV3_ROUTERS, igmpv3_report(&[])),
        (HOST, IGMPV3_ROUTERS, igmpv3_report(&[group_record(1, GROUP, &[])])[..12].to_vec()),
        (HOST, IGMPV3_ROUTERS, [&igmpv3_report(&[group_record(1, GROUP, &[])])[..], &[0; 2]].concat()),
        (HOST, IGMPV3_ROUTERS, [igmpv3_report(&[group_record(1, GROUP, &[])]), vec![0; 8]].concat()),
        (HOST, IGMPV3_ROUTERS, igmpv3_report(&[group_record(1, GROUP, &sources)])[..20].to_vec()),
        (HOST, IGMPV3_ROUTERS, claims_records(igmpv3_report(&[group_record(1, GROUP, &[])]), 2)),
        // Multicast traceroute queries and responses, to a unicast and a multicast reply address.
        (HOST, ROUTER, [&igmp_message(0x1f, 8, GROUP)[..], &sources[0], &HOST, &HOST, &[64, 0, 0, 42]].concat()),
        (ROUTER, HOST, [&igmp_message(0x1e, 8, GROUP)[..], &sources[0], &HOST, &GROUP, &[64, 1, 2, 3]].concat()),
        (HOST, ROUTER, igmp_message(0x1f, 8, GROUP)),
        // Types tcpdump has no name for, and messages shorter than their header.
        (HOST, ALL_SYSTEMS, igmp_message(0x42, 0, GROUP)),
        (HOST, GROUP, igmp_message(0x16, 0, GROUP)[..6].to_vec()),
        (HOST, GROUP, vec![0x16, 0]),
        (HOST, GROUP, vec![0x11]),
    ];
    for (source, destination, message) in &messages {
        capture.add(igmp_frame(*source, *destination, message));
    }
    // A wrong checksum.
    let mut bad_checksum = igmp_frame(HOST, GROUP, &igmp_message(0x16, 0, GROUP));
    bad_checksum[IGMP_START + 3] ^= 0x55;
    capture.add(bad_checksum);
    let mtrace = [&igmp_message(0x1f, 8, GROUP)[..], &sources[0], &HOST, &GROUP, &[64, 0, 0, 42]].concat();
    for message in [igmp_message(0x16, 0, GROUP), igmp_message(0x11, 10, GROUP), v3_query, v3_report, mtrace] {
        add_cuts_from(&mut capture, &igmp_frame(HOST, ALL_SYSTEMS, &message), IGMP_START);
    }
    for message in pimv1_messages() {
        capture.add(igmp_frame(ROUTER, ALL_SYSTEMS, &message));
    }
    for message in dvmrp_messages() {
        capture.add(igmp_frame(ROUTER, ALL_SYSTEMS, &message));
    }
    let report = &dvmrp_messages()[DVMRP_REPORT];
    add_cuts_from(&mut capture, &igmp_frame(ROUTER, ALL_SYSTEMS, report), IGMP_START);
    let join_prune = &pimv1_messages()[PIMV1_MULTI_GROUP_JOIN];
    add_cuts_from(&mut capture, &igmp_frame(ROUTER, ALL_SYSTEMS, join_prune), IGMP_START);
    // IGMP's protocol number in IPv6, where it does not belong.
    let report = igmp_message(0x16, 0, GROUP);
    capture.add(eth6(&ipv6(IGMP, &report)));
    capture
}

const DNS_PORT: u16 = 53;
const MDNS_PORT: u16 = 5353;
const LLMNR_PORT: u16 = 5355;
/// In mDNS, a question's class with this bit asks for a unicast response, a record's says to flush caches.
const MDNS_CLASS_BIT: u16 = 0x8000;
const TYPE_A: u16 = 1;
const TYPE_PTR: u16 = 12;
const TYPE_TXT: u16 = 16;
const TYPE_AAAA: u16 = 28;
const TYPE_SRV: u16 = 33;
const TYPE_ANY: u16 = 255;
const AUTHORITATIVE_RESPONSE: u16 = 0x8400;

/// A datagram between `source_port` and `destination_port` in an Ethernet frame.
fn udp_frame(hosts: Hosts, source_port: u16, destination_port: u16, payload: &[u8]) -> Vec<u8> {
    eth(ethertype_of(hosts), &hosts.packet(UDP, &udp_datagram(hosts, source_port, destination_port, payload)))
}

/// mDNS (UDP 5353) and LLMNR (UDP 5355), which tcpdump prints as DNS: questions asking for unicast responses,
/// records that flush caches, service discovery's PTR, SRV and TXT, and a response cut at every length.
fn mdns_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let service = dns_name("_http._tcp.local");
    let instance = dns_name("web._http._tcp.local");
    let host = dns_name("printer.local");
    let srv = [&[0, 0, 0, 0][..], &8080u16.to_be_bytes(), &host].concat();
    let queries = [
        dns_message(0, 0, [&[dns_question(&service, TYPE_PTR, CLASS_IN)], &[], &[], &[]]),
        dns_message(0, 0, [&[dns_question(&host, TYPE_A, CLASS_IN | MDNS_CLASS_BIT)], &[], &[], &[]]),
        dns_message(
            0,
            0,
            [
                &[
                    dns_question(&host, TYPE_ANY, CLASS_IN | MDNS_CLASS_BIT),
                    dns_question(&dns_pointer(12), TYPE_AAAA, CLASS_IN),
                ],
                &[],
                &[dns_record(&dns_pointer(12), TYPE_A, CLASS_IN, 120, &[10, 0, 0, 9])],
                &[],
            ],
        ),
    ];
    let response = dns_message(
        0,
        AUTHORITATIVE_RESPONSE,
        [
            &[],
            &[
                dns_record(&service, TYPE_PTR, CLASS_IN, 4500, &instance),
                dns_record(&instance, TYPE_SRV, CLASS_IN | MDNS_CLASS_BIT, 120, &srv),
                dns_record(&instance, TYPE_TXT, CLASS_IN | MDNS_CLASS_BIT, 4500, b"\x09path=/web"),
            ],
            &[],
            &[
                dns_record(&host, TYPE_A, CLASS_IN | MDNS_CLASS_BIT, 120, &[10, 0, 0, 9]),
                dns_record(
                    &host,
                    TYPE_AAAA,
                    3 | MDNS_CLASS_BIT,
                    120,
                    &[0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9],
                ),
            ],
        ],
    );
    for hosts in [HOSTS4, HOSTS6] {
        for query in &queries {
            capture.add(udp_frame(hosts, MDNS_PORT, MDNS_PORT, query));
            capture.add(udp_frame(hosts, 40000, MDNS_PORT, query));
            capture.add(udp_frame(hosts, 40000, LLMNR_PORT, query));
        }
        capture.add(udp_frame(hosts.reversed(), MDNS_PORT, MDNS_PORT, &response));
        capture.add(udp_frame(hosts.reversed(), LLMNR_PORT, 40000, &response));
    }
    // EDNS in mDNS, whose UDP size has the class's top bit, and an IPv6 VRRP packet's bad checksum elsewhere.
    let with_opt = dns_message(
        0,
        0,
        [&[dns_question(&host, TYPE_A, CLASS_IN)], &[], &[], &[dns_opt(0x8000 | 1440, 0, true, &[])]],
    );
    capture.add(udp_frame(HOSTS4, MDNS_PORT, MDNS_PORT, &with_opt));
    // Between mDNS's or LLMNR's port and the ports of other printers: which one tcpdump tries first.
    for (source_port, destination_port) in [
        (MDNS_PORT, 53),
        (MDNS_PORT, 123),
        (LLMNR_PORT, 53),
        (LLMNR_PORT, 69),
        (MDNS_PORT, LLMNR_PORT),
        (MDNS_PORT, 514),
        (LLMNR_PORT, 514),
        (MDNS_PORT, 4789),
        (MDNS_PORT, 69),
        (MDNS_PORT, 5060),
    ] {
        capture.add(udp_frame(HOSTS4, source_port, destination_port, &queries[1]));
    }
    let frame = udp_frame(HOSTS4, MDNS_PORT, MDNS_PORT, &response);
    add_cuts_from(&mut capture, &frame, frame.len() - response.len());
    capture
}

const VRRP: u8 = 112;
const VRRP_GROUP: [u8; 4] = [224, 0, 0, 18];
const VRRP_GROUP6: [u8; 16] = [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12];
const VRRP_LINK_LOCAL: [u8; 16] = [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

/// A VRRP packet's fixed header: version and type, router id, priority, address count, then `word` (v2: auth
/// type and advertisement interval; v3: reserved bits and the interval in centiseconds), checksum zero.
fn vrrp_header(version_and_type: u8, router_id: u8, priority: u8, addresses: u8, word: [u8; 2]) -> Vec<u8> {
    vec![version_and_type, router_id, priority, addresses, word[0], word[1], 0, 0]
}

/// A VRRP packet with its checksum: v2's covers the message, v3's the IP pseudo-header too.
fn vrrp_frame(hosts: Hosts, ttl: u8, mut message: Vec<u8>) -> Vec<u8> {
    if message.len() >= 8 {
        let checksum = match (message[0] >> 4, hosts) {
            (3, Hosts::V4(source, destination)) => {
                let len = (message.len() as u16).to_be_bytes();
                internet_checksum(&[&source, &destination, &[0, VRRP], &len, &message])
            }
            (3, Hosts::V6(source, destination)) => {
                let len = (message.len() as u32).to_be_bytes();
                internet_checksum(&[&source, &destination, &len, &[0, 0, 0, VRRP], &message])
            }
            _ => internet_checksum(&[&message]),
        };
        message[6..8].copy_from_slice(&checksum.to_be_bytes());
    }
    match hosts {
        Hosts::V4(source, destination) => multicast_frame(
            destination,
            &ipv4_with(source, destination, VRRP, &message, |header| header.time_to_live = ttl),
        ),
        Hosts::V6(..) => {
            let mut packet = hosts.packet(VRRP, &message);
            packet[7] = ttl;
            eth6(&packet)
        }
    }
}

/// VRRP v2 (with each authentication type) and v3 over IPv4 and IPv6: advertisements with one and more
/// addresses, a TTL other than 255, other versions and types, bad checksums, and a v2 and a v3 packet cut at every
/// length.
fn vrrp_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let hosts = Hosts::V4(IP_A, VRRP_GROUP);
    let hosts6 = Hosts::V6(VRRP_LINK_LOCAL, VRRP_GROUP6);
    let virtual_ips = [[10, 0, 0, 100], [10, 0, 0, 101], [192, 168, 1, 1]];
    let v2 = |auth: u8, addresses: &[[u8; 4]], auth_data: &[u8]| {
        let mut message = vrrp_header(0x21, 51, 100, addresses.len() as u8, [auth, 1]);
        message.extend(addresses.iter().flatten());
        message.extend_from_slice(auth_data);
        message
    };
    let v3 = |interval: u16, address_len: usize, addresses: &[u8]| {
        let count = (addresses.len() / address_len) as u8;
        [vrrp_header(0x31, 7, 254, count, (interval | 0xf000).to_be_bytes()), addresses.to_vec()].concat()
    };
    let v2_simple = v2(1, &virtual_ips[..1], b"secret\0\0");
    let v3_packet = v3(100, 4, &virtual_ips[..2].concat());
    let messages = [
        (hosts, 255, v2(0, &virtual_ips[..1], &[0; 8])),
        (hosts, 255, v2_simple.clone()),
        (hosts, 255, v2(1, &virtual_ips, b"12345678")),
        (hosts, 255, v2(1, &virtual_ips[..1], b"p\x01ss\xffw\0d")),
        (hosts, 255, v2(2, &virtual_ips[..2], &[0; 8])),
        (hosts, 255, v2(7, &[], &[])),
        (hosts, 64, v2(0, &virtual_ips[..1], &[0; 8])),
        (hosts, 255, v3_packet.clone()),
        (hosts, 255, v3(4095, 4, &virtual_ips.concat())),
        (hosts, 1, v3(0, 4, &[])),
        (hosts6, 255, v3(100, 16, &[VRRP_LINK_LOCAL, IP6_A].concat())),
        (hosts6, 255, v3(100, 16, &VRRP_LINK_LOCAL)),
        (hosts6, 255, v2(0, &virtual_ips[..1], &[0; 8])),
        // Other versions and types, and a count of addresses the packet does not hold.
        (hosts, 255, vrrp_header(0x11, 51, 100, 1, [0, 1])),
        (hosts, 255, vrrp_header(0x41, 51, 100, 1, [0, 1])),
        (hosts, 255, vrrp_header(0x22, 51, 100, 1, [0, 1])),
        (hosts, 255, vrrp_header(0x30, 51, 100, 1, [0, 1])),
        (hosts, 255, vrrp_header(0x21, 51, 100, 4, [0, 1])),
        (hosts, 255, vrrp_header(0x31, 51, 100, 2, [0, 1])),
        (hosts, 255, vec![0x21, 51, 100]),
    ];
    for (hosts, ttl, message) in &messages {
        capture.add(vrrp_frame(*hosts, *ttl, message.clone()));
    }
    // Wrong checksums.
    for (hosts, message) in
        [(hosts, v2_simple.clone()), (hosts, v3_packet.clone()), (hosts6, v3(100, 16, &VRRP_LINK_LOCAL))]
    {
        let mut frame = vrrp_frame(hosts, 255, message);
        let last = frame.len() - 1;
        frame[last] ^= 0x20;
        capture.add(frame);
    }
    for message in [v2_simple, v3_packet] {
        let frame = vrrp_frame(hosts, 255, message.clone());
        add_cuts_from(&mut capture, &frame, frame.len() - message.len());
    }
    capture
}

const BFD_CONTROL_PORT: u16 = 3784;
const BFD_ECHO_PORT: u16 = 3785;
const BFD_MULTIHOP_PORT: u16 = 4784;

/// A BFD control packet: version and diagnostic, state and flags, detection multiplier, discriminators, the
/// three intervals in microseconds, then `auth` (its length counts in the header's).
fn bfd_control(version_and_diagnostic: u8, state_and_flags: u8, discriminators: (u32, u32), auth: &[u8]) -> Vec<u8> {
    let length = 24 + auth.len() as u8;
    let mut packet = vec![version_and_diagnostic, state_and_flags, 3, length];
    for field in [discriminators.0, discriminators.1, 300_000, 250_000, 50_000] {
        packet.extend_from_slice(&field.to_be_bytes());
    }
    packet.extend_from_slice(auth);
    packet
}

/// BFD control packets of v1 in every state with flags and diagnostics, v0, other versions, single-hop and
/// multihop, echo packets, authentication sections, and a control packet cut at every length.
fn bfd_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let up = bfd_control(0x20, 0xc0, (0x11223344, 0x55667788), &[]);
    let simple = bfd_control(0x20, 0xc4, (1, 2), &[1, 9, 5, b's', b'e', b'c', b'r', b'e', b't']);
    let keyed_md5 = [&[2u8, 24, 7, 0][..], &42u32.to_be_bytes(), &[0xab; 16]].concat();
    let keyed_sha1 = [&[4u8, 28, 7, 0][..], &43u32.to_be_bytes(), &[0xcd; 20]].concat();
    let packets = [
        (40000, BFD_CONTROL_PORT, up.clone()),
        (BFD_CONTROL_PORT, 40000, up.clone()),
        (40000, BFD_CONTROL_PORT, bfd_control(0x21, 0x40, (7, 0), &[])),
        (40000, BFD_CONTROL_PORT, bfd_control(0x27, 0x00, (7, 8), &[])),
        (40000, BFD_CONTROL_PORT, bfd_control(0x29, 0x80 | 0x3b, (7, 8), &[])),
        (40000, BFD_CONTROL_PORT, bfd_control(0x3f, 0xe0, (7, 8), &[])),
        (40000, BFD_MULTIHOP_PORT, bfd_control(0x25, 0xd0, (7, 8), &[])),
        (40000, BFD_CONTROL_PORT, bfd_control(0x03, 0xf0, (7, 8), &[])),
        (40000, BFD_CONTROL_PORT, bfd_control(0x03, 0x08, (7, 8), &[])),
        (40000, BFD_CONTROL_PORT, bfd_control(0x43, 0xc0, (7, 8), &[])),
        (40000, BFD_CONTROL_PORT, simple.clone()),
        (40000, BFD_CONTROL_PORT, bfd_control(0x20, 0xc4, (1, 2), &keyed_md5)),
        (40000, BFD_CONTROL_PORT, bfd_control(0x20, 0xc4, (1, 2), &keyed_sha1)),
        (40000, BFD_CONTROL_PORT, bfd_control(0x20, 0xc4, (1, 2), &[9, 4, 1, 0])),
        (40000, BFD_CONTROL_PORT, bfd_control(0x20, 0xc4, (1, 2), &[])),
        (BFD_ECHO_PORT, BFD_ECHO_PORT, b"echo of an implementation's own".to_vec()),
        (40000, BFD_CONTROL_PORT, up[..20].to_vec()),
        (BFD_CONTROL_PORT, BFD_MULTIHOP_PORT, up.clone()),
        (BFD_MULTIHOP_PORT, BFD_ECHO_PORT, up.clone()),
        (DNS_PORT, BFD_CONTROL_PORT, up.clone()),
        (MDNS_PORT, BFD_CONTROL_PORT, up.clone()),
        (123, BFD_CONTROL_PORT, up.clone()),
        (69, BFD_CONTROL_PORT, up.clone()),
        (514, BFD_MULTIHOP_PORT, up.clone()),
        (5060, BFD_CONTROL_PORT, up.clone()),
        (4789, BFD_MULTIHOP_PORT, up.clone()),
        (6081, BFD_ECHO_PORT, up.clone()),
        (DNS_PORT, BFD_ECHO_PORT, up.clone()),
        (40000, BFD_CONTROL_PORT, bfd_control(0x22, 0xc0, (7, 8), &[])),
        (40000, BFD_CONTROL_PORT, bfd_control(0x24, 0xc0, (7, 8), &[])),
        (40000, BFD_CONTROL_PORT, bfd_control(0x26, 0xc0, (7, 8), &[])),
        (40000, BFD_CONTROL_PORT, bfd_control(0x28, 0xc0, (7, 8), &[])),
        (40000, BFD_MULTIHOP_PORT, bfd_control(0xe0, 0xc0, (7, 8), &[])),
        // v0's other flags, and authentication sections of lengths their types do not have.
        (40000, BFD_CONTROL_PORT, bfd_control(0x00, 0x03, (7, 8), &[])),
        (40000, BFD_CONTROL_PORT, bfd_control(0x00, 0x06, (7, 8), &[1, 9, 5, b'v', b'z', b'e', b'r', b'o', 0])),
        (40000, BFD_CONTROL_PORT, bfd_control(0x20, 0xc4, (1, 2), &[1, 3, 5])),
        (40000, BFD_CONTROL_PORT, bfd_control(0x20, 0xc4, (1, 2), &[1, 20, 5, 0])),
        (40000, BFD_CONTROL_PORT, bfd_control(0x20, 0xc4, (1, 2), &[1, 5, 5, 0xc3, 0x01])),
        (40000, BFD_CONTROL_PORT, bfd_control(0x20, 0xc4, (1, 2), &[3, 20, 5, 0])),
        (40000, BFD_CONTROL_PORT, bfd_control(0x20, 0xc4, (1, 2), &[5, 24, 5, 0])),
        (40000, BFD_CONTROL_PORT, bfd_control(0x20, 0xc4, (1, 2), &[1, 19, 5, 0])),
        (40000, BFD_CONTROL_PORT, bfd_control(0x20, 0xc4, (1, 2), &[2])),
    ];
    for (source_port, destination_port, packet) in &packets {
        capture.add(udp_frame(HOSTS4, *source_port, *destination_port, packet));
    }
    let md5 = bfd_control(0x20, 0xc4, (1, 2), &keyed_md5);
    let echo = b"0123456789".to_vec();
    for (port, packet) in
        [(BFD_CONTROL_PORT, up), (BFD_CONTROL_PORT, simple), (BFD_CONTROL_PORT, md5), (BFD_ECHO_PORT, echo)]
    {
        // Not from 49152, whose datagrams tcpdump takes for Broadcom's LI shim.
        let frame = udp_frame(HOSTS4, 40000, port, &packet);
        add_cuts_from(&mut capture, &frame, frame.len() - packet.len());
    }
    capture
}

const RIP_PORT: u16 = 520;
const RIP_ROUTERS: [u8; 4] = [224, 0, 0, 9];

/// A RIPv2 route entry: address family, route tag, address, mask, next hop, metric (RIPv1's has zeros where v2
/// has tag, mask and next hop).
fn rip_entry(family: u16, tag: u16, address: [u8; 4], mask: [u8; 4], next_hop: [u8; 4], metric: u32) -> Vec<u8> {
    [&family.to_be_bytes()[..], &tag.to_be_bytes(), &address, &mask, &next_hop, &metric.to_be_bytes()].concat()
}

fn rip_message(command: u8, version: u8, entries: &[Vec<u8>]) -> Vec<u8> {
    [vec![command, version, 0, 0], entries.concat()].concat()
}

/// RIP v1 and v2 (UDP 520): requests and responses with routes of each family, v2's authentication entries, other
/// commands and versions, lengths that are not a number of entries, and a response cut at every length.
fn rip_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let hosts = Hosts::V4(IP_A, RIP_ROUTERS);
    let mask24 = [255, 255, 255, 0];
    let v1_routes = [
        rip_entry(2, 0, [10, 1, 0, 0], [0; 4], [0; 4], 1),
        rip_entry(2, 0, [192, 168, 7, 0], [0; 4], [0; 4], 16),
        rip_entry(0, 0, [172, 16, 0, 0], [0; 4], [0; 4], 3),
    ];
    let v2_routes = [
        rip_entry(2, 0, [10, 1, 0, 0], [255, 255, 0, 0], [0; 4], 1),
        rip_entry(2, 7, [192, 168, 7, 0], mask24, [10, 0, 0, 254], 2),
        rip_entry(0, 0, [0; 4], [0; 4], [0; 4], 16),
        rip_entry(2, 0, [10, 9, 0, 0], [255, 0, 255, 0], [0; 4], 5),
        rip_entry(2, 0xffff, [10, 2, 3, 4], [255; 4], [0; 4], 1),
    ];
    let simple_auth = [&[0xff, 0xff, 0, 2][..], b"password\0\0\0\0\0\0\0\0"].concat();
    let with_password = rip_message(2, 2, std::slice::from_ref(&simple_auth));
    let short_auth = [&[0xff, 0xff, 0, 2][..], b"pw\0\x01\0\0\0\0\0\0\0\0\0\0\0\0"].concat();
    let crypto_auth = [&[0xff, 0xff, 0, 3, 0, 64, 1, 16][..], &1234u32.to_be_bytes(), &[0; 8]].concat();
    let trailer = [&[0xff, 0xff, 0, 1][..], &[0x5a; 16]].concat();
    let unknown_auth = [&[0xff, 0xff, 0, 9][..], &[0x11; 16]].concat();
    let v2_response = rip_message(2, 2, &v2_routes);
    let messages = [
        rip_message(1, 1, &[rip_entry(0, 0, [0; 4], [0; 4], [0; 4], 16)]),
        rip_message(2, 1, &v1_routes),
        rip_message(2, 1, &[rip_entry(2, 1, [10, 1, 0, 0], [0; 4], [0; 4], 1)]),
        rip_message(2, 1, &[rip_entry(2, 0, [10, 1, 0, 0], mask24, [0; 4], 1)]),
        rip_message(2, 1, &[rip_entry(6, 0, [10, 1, 0, 0], [0; 4], [0; 4], 1)]),
        rip_message(1, 2, &[rip_entry(0, 0, [0; 4], [0; 4], [0; 4], 16)]),
        v2_response.clone(),
        rip_message(2, 2, &[simple_auth, v2_routes[0].clone()]),
        rip_message(2, 2, &[short_auth, v2_routes[1].clone()]),
        rip_message(2, 2, &[crypto_auth.clone(), v2_routes[0].clone(), trailer]),
        rip_message(2, 2, &[unknown_auth, v2_routes[0].clone()]),
        rip_message(2, 2, &[crypto_auth[..8].to_vec()]),
        rip_message(
            2,
            2,
            &[rip_entry(24, 0, [10, 1, 0, 0], [0; 4], [0; 4], 1), rip_entry(16, 0, [0; 4], [0; 4], [0; 4], 1)],
        ),
        rip_message(2, 2, &[rip_entry(99, 0, [10, 1, 0, 0], [0; 4], [0; 4], 1)]),
        // Other commands and versions, and lengths that are not a number of entries.
        rip_message(3, 2, &[b"/tmp/trace".to_vec()]),
        rip_message(4, 2, &[]),
        rip_message(5, 1, &[]),
        rip_message(6, 1, &[]),
        rip_message(9, 2, &[v2_routes[0].clone()]),
        rip_message(2, 3, &[v2_routes[0].clone()]),
        rip_message(2, 0, &[]),
        rip_message(2, 2, &[v2_routes[0].clone(), vec![0, 2, 0]]),
        rip_message(2, 1, &[v1_routes[0].clone(), vec![0, 2, 0, 0, 10]]),
        vec![2, 2, 0],
    ];
    for message in &messages {
        capture.add(udp_frame(hosts, RIP_PORT, RIP_PORT, message));
    }
    // Which printer tcpdump tries first between RIP's port and others'.
    for port in [DNS_PORT, MDNS_PORT, 69, 123, 514, 3784, 5060, 4789] {
        capture.add(udp_frame(hosts, port, RIP_PORT, &v2_response));
    }
    capture.add(udp_frame(hosts, RIP_PORT, 3784, &v2_response));
    for message in [v2_response, rip_message(2, 2, &[crypto_auth, v2_routes[1].clone()]), with_password] {
        let frame = udp_frame(hosts, RIP_PORT, RIP_PORT, &message);
        add_cuts_from(&mut capture, &frame, frame.len() - message.len());
    }
    capture
}

const RIPNG_PORT: u16 = 521;
const RIPNG_ROUTERS: [u8; 16] = [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9];

/// A RIPng route entry: prefix, route tag, prefix length, metric.
fn ripng_entry(prefix: [u8; 16], tag: u16, prefix_len: u8, metric: u8) -> Vec<u8> {
    [&prefix[..], &tag.to_be_bytes(), &[prefix_len, metric]].concat()
}

/// RIPng (UDP 521): the request for the whole table, requests for routes, responses with tags and metrics, other
/// commands and versions, lengths that are not a number of entries, and a response cut at every length.
fn ripng_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let hosts = Hosts::V6(VRRP_LINK_LOCAL, RIPNG_ROUTERS);
    let prefix = [0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    let routes = [
        ripng_entry(prefix, 0, 48, 1),
        ripng_entry(IP6_A, 0x1234, 128, 15),
        ripng_entry([0; 16], 0, 0, 16),
        ripng_entry(VRRP_LINK_LOCAL, 0, 64, 0xff),
    ];
    let response = rip_message(2, 1, &routes);
    let messages = [
        rip_message(1, 1, &[ripng_entry([0; 16], 0, 0, 16)]),
        rip_message(1, 1, &routes[..2]),
        rip_message(1, 1, &[ripng_entry(prefix, 0, 48, 16)]),
        rip_message(1, 1, &[ripng_entry([0; 16], 0, 0, 15)]),
        response.clone(),
        rip_message(2, 2, &routes[..1]),
        rip_message(2, 1, &[]),
        rip_message(1, 1, &[]),
        rip_message(3, 1, &routes[..1]),
        rip_message(2, 1, &[routes[0].clone(), vec![0; 5]]),
        rip_message(1, 1, &[routes[0].clone(), vec![0; 5]]),
        rip_message(1, 1, &[ripng_entry([0; 16], 0, 0, 16), vec![0; 3]]),
        vec![2, 1],
    ];
    for message in &messages {
        capture.add(udp_frame(hosts, RIPNG_PORT, RIPNG_PORT, message));
    }
    for port in [DNS_PORT, MDNS_PORT, 69, RIP_PORT, 123, 514, 3784, 5060, 4789] {
        capture.add(udp_frame(hosts, port, RIPNG_PORT, &response));
        capture.add(udp_frame(hosts, RIPNG_PORT, port, &response));
    }
    for message in [response, rip_message(1, 1, &routes[..1])] {
        let frame = udp_frame(hosts, RIPNG_PORT, RIPNG_PORT, &message);
        add_cuts_from(&mut capture, &frame, frame.len() - message.len());
    }
    capture
}

const ETHERTYPE_LLDP: u16 = 0x88cc;
const LLDP_NEAREST_BRIDGE: [u8; 6] = [0x01, 0x80, 0xc2, 0, 0, 0x0e];

/// An LLDP TLV: a 7-bit type and 9-bit length, then `value`.
fn lldp_tlv(tlv_type: u8, value: &[u8]) -> Vec<u8> {
    let header = u16::from(tlv_type) << 9 | value.len() as u16;
    [&header.to_be_bytes()[..], value].concat()
}

/// LLDP (EtherType 0x88cc): a switch's and a host's announcements with the common TLVs, identifiers of each
/// subtype, TLVs tcpdump does not know, lengths that do not fit, and an announcement cut at every length.
fn lldp_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let end = lldp_tlv(0, &[]);
    let chassis_mac = lldp_tlv(1, &[&[4u8][..], &MAC_A].concat());
    let port_name = lldp_tlv(2, b"\x05eth0");
    let ttl = lldp_tlv(3, &120u16.to_be_bytes());
    let management = lldp_tlv(8, &[&[5u8, 1][..], &[10, 0, 0, 1], &[2], &3u32.to_be_bytes(), &[0]].concat());
    let full = [
        chassis_mac.clone(),
        port_name.clone(),
        ttl.clone(),
        lldp_tlv(4, b"uplink to core"),
        lldp_tlv(5, b"switch1.example.com"),
        lldp_tlv(6, b"Linux 6.1 \x01 bridge"),
        lldp_tlv(7, &[0x00, 0x14, 0x00, 0x04]),
        management.clone(),
        end.clone(),
    ]
    .concat();
    let announcements = [
        full.clone(),
        [chassis_mac.clone(), port_name.clone(), ttl.clone(), end.clone()].concat(),
        // Every subtype of the chassis and port ids.
        [
            lldp_tlv(1, b"\x01chassis"),
            lldp_tlv(1, b"\x02backplane"),
            lldp_tlv(1, b"\x03port"),
            lldp_tlv(1, &[5, 1, 192, 168, 0, 1]),
            lldp_tlv(1, &[&[5u8, 2][..], &IP6_A].concat()),
            lldp_tlv(1, &[5, 9, 1, 2]),
            lldp_tlv(1, b"\x06ifname"),
            lldp_tlv(1, b"\x07local"),
            lldp_tlv(1, b"\x08other"),
            end.clone(),
        ]
        .concat(),
        [
            lldp_tlv(2, b"\x01alias"),
            lldp_tlv(2, b"\x02component"),
            lldp_tlv(2, &[&[3u8][..], &MAC_B].concat()),
            lldp_tlv(2, &[4, 1, 10, 0, 0, 2]),
            lldp_tlv(2, b"\x06circuit"),
            lldp_tlv(2, b"\x07local"),
            lldp_tlv(2, b"\x09other"),
            end.clone(),
        ]
        .concat(),
        // TLVs of types tcpdump does not know, organisation-specific ones, bad lengths.
        [ttl.clone(), lldp_tlv(9, b"nine"), lldp_tlv(127, &[0x00, 0x12, 0x34, 1, 2]), end.clone()].concat(),
        [lldp_tlv(7, &[0xff, 0xff]), lldp_tlv(8, &[5]), lldp_tlv(1, &[4, 1, 2]), end.clone()].concat(),
        [ttl.clone(), lldp_tlv(4, &[0; 300])[..20].to_vec()].concat(),
        [ttl.clone(), vec![0x06]].concat(),
        [ttl.clone(), lldp_tlv(5, &[])].concat(),
        // Management addresses of other families, with an OID, cut short; every capability.
        [
            lldp_tlv(8, &[&[17u8, 2][..], &IP6_A, &[3], &7u32.to_be_bytes(), &[3, b'1', b'.', b'3']].concat()),
            lldp_tlv(8, &[&[7u8, 6][..], &MAC_B, &[9], &1u32.to_be_bytes()].concat()),
            lldp_tlv(8, &[&[3u8, 16][..], &[1, 2], &[1], &1u32.to_be_bytes()].concat()),
            lldp_tlv(7, &[0x00, 0xff, 0x01, 0x00]),
            end.clone(),
        ]
        .concat(),
        [lldp_tlv(8, &[&[5u8, 1][..], &[10, 0, 0, 1], &[2, 0, 0]].concat()), end.clone()].concat(),
        [lldp_tlv(8, &[3, 1, 10, 0]), end.clone()].concat(),
        [lldp_tlv(8, &[&[5u8, 1][..], &[10, 0, 0, 1], &[2], &3u32.to_be_bytes(), &[9, 1]].concat()), end.clone()]
            .concat(),
        [lldp_tlv(1, &[5, 1, 10, 0]), end.clone()].concat(),
        [lldp_tlv(2, &[3, 1, 2, 3]), end.clone()].concat(),
        [lldp_tlv(2, &[1]), end.clone()].concat(),
    ];
    for announcement in announcements.iter().chain(&lldp_organization_announcements(&ttl, &end)) {
        capture.add(padded(ethernet(LLDP_NEAREST_BRIDGE, MAC_A, ETHERTYPE_LLDP, announcement)));
    }
    let frame = ethernet(LLDP_NEAREST_BRIDGE, MAC_A, ETHERTYPE_LLDP, &full);
    add_cuts_from(&mut capture, &frame, 14);
    // Every eighth organisation-specific TLV, so that the cuts fall in each organisation's.
    let organization_tlvs: Vec<u8> = lldp_organization_tlvs().into_iter().step_by(8).flatten().collect();
    let frame = ethernet(LLDP_NEAREST_BRIDGE, MAC_A, ETHERTYPE_LLDP, &[&ttl[..], &organization_tlvs, &end].concat());
    add_cuts_from(&mut capture, &frame, 14);
    capture
}

const OUI_IEEE_8021: [u8; 3] = [0x00, 0x80, 0xc2];
const OUI_IEEE_8023: [u8; 3] = [0x00, 0x12, 0x0f];
const OUI_IANA: [u8; 3] = [0x00, 0x00, 0x5e];
const OUI_TIA: [u8; 3] = [0x00, 0x12, 0xbb];
const OUI_DCBX: [u8; 3] = [0x00, 0x1b, 0x21];

/// An organisation-specific LLDP TLV: OUI, subtype, then `value`.
fn lldp_organization_tlv(oui: [u8; 3], subtype: u8, value: &[u8]) -> Vec<u8> {
    lldp_tlv(127, &[&oui[..], &[subtype], value].concat())
}

/// Organisation-specific TLVs of every subtype tcpdump decodes, in the shapes switches and phones send.
fn lldp_organization_tlvs() -> Vec<Vec<u8>> {
    let ets =
        [&[0x83u8][..], &[0x01, 0x23, 0x45, 0x67], &[10, 20, 30, 40, 0, 0, 0, 0], &[2, 2, 0, 0, 0, 0, 0, 255]].concat();
    let civic = [&[2u8, 18, 2][..], b"US", &[1, 2], b"CA", &[3, 8], b"San Jose", &[22, 0]].concat();
    let coordinates = [0x49, 0x12, 0x34, 0x56, 0x78, 0x4a, 0x87, 0x65, 0x43, 0x21, 0x11, 0x40, 0x00, 0x12, 0x34, 0x01];
    let dcbx_features = [
        lldp_tlv(1, &[0, 0, 0, 0, 0, 7, 0, 0, 0, 6]),
        lldp_tlv(2, &[0, 0, 0xc0, 0, 0x01, 0x23, 0x45, 0x67, 50, 50, 0, 0, 0, 0, 0, 0, 8]),
        lldp_tlv(3, &[0, 0, 0xa0, 0, 0x08, 8]),
        lldp_tlv(4, &[0, 0, 0x80, 0, 0x89, 0x06, 0x00, 0x1b, 0x21, 0x08, 0x0c, 0xbc, 0x40, 0, 0, 0x10, 0xff]),
    ]
    .concat();
    vec![
        lldp_organization_tlv(OUI_IEEE_8021, 1, &100u16.to_be_bytes()),
        lldp_organization_tlv(OUI_IEEE_8021, 2, &[0x06, 0, 200]),
        lldp_organization_tlv(OUI_IEEE_8021, 2, &[0x00, 0, 201]),
        lldp_organization_tlv(OUI_IEEE_8021, 3, &[&[0u8, 100, 8][..], b"voice\0\0x"].concat()),
        lldp_organization_tlv(OUI_IEEE_8021, 4, b"\x04\x88\x8e\x01\x00"),
        lldp_organization_tlv(OUI_IEEE_8021, 7, &[0x03, 0, 0, 0, 7]),
        lldp_organization_tlv(OUI_IEEE_8021, 8, &[0x81, 0x08]),
        lldp_organization_tlv(OUI_IEEE_8021, 9, &ets),
        lldp_organization_tlv(OUI_IEEE_8021, 10, &ets),
        lldp_organization_tlv(OUI_IEEE_8021, 11, &[0xc8, 0x18]),
        lldp_organization_tlv(OUI_IEEE_8021, 12, &[0, 0x61, 0x89, 0x06, 0xa3, 0x0c, 0xbc]),
        lldp_organization_tlv(OUI_IEEE_8021, 13, &[0x07, 0x0d, 0x63, 0xd4, 0xb5]),
        lldp_organization_tlv(OUI_IEEE_8021, 14, &[0x88, 0, 0x01, 0x07, 0x00, 0x10, 0x64, 0x00, 0x20, 0x65]),
        lldp_organization_tlv(OUI_IEEE_8021, 15, &[1, 2]),
        lldp_organization_tlv(OUI_IEEE_8023, 1, &[0x03, 0x6c, 0x01, 0x00, 30]),
        lldp_organization_tlv(OUI_IEEE_8023, 1, &[0x00, 0x00, 0x00, 0x00, 99]),
        lldp_organization_tlv(OUI_IEEE_8023, 2, &[0x0f, 1, 5]),
        lldp_organization_tlv(OUI_IEEE_8023, 2, &[0x00, 3, 0]),
        lldp_organization_tlv(OUI_IEEE_8023, 3, &[0x01, 0, 0, 1, 2]),
        lldp_organization_tlv(OUI_IEEE_8023, 4, &9216u16.to_be_bytes()),
        lldp_organization_tlv(OUI_IEEE_8023, 5, &[1]),
        lldp_organization_tlv(OUI_IANA, 1, b"https://example.com/mud"),
        lldp_organization_tlv(OUI_IANA, 2, b"other"),
        lldp_organization_tlv(OUI_TIA, 1, &[0x00, 0x33, 3]),
        lldp_organization_tlv(OUI_TIA, 1, &[0x00, 0x00, 9]),
        lldp_organization_tlv(OUI_TIA, 2, &[1, 0x60, 0xc8, 0xae]),
        lldp_organization_tlv(OUI_TIA, 2, &[9, 0x80, 0x00, 0x00]),
        lldp_organization_tlv(OUI_TIA, 3, &[&[1u8][..], &coordinates].concat()),
        lldp_organization_tlv(OUI_TIA, 3, &civic),
        lldp_organization_tlv(OUI_TIA, 3, b"\x03911000"),
        lldp_organization_tlv(OUI_TIA, 3, &[7, 1, 2, 3]),
        lldp_organization_tlv(OUI_TIA, 4, &[0x51, 0x00, 0x9b]),
        lldp_organization_tlv(OUI_TIA, 4, &[0x22, 0x04, 0x00]),
        lldp_organization_tlv(OUI_TIA, 4, &[0x0f, 0x00, 0x10]),
        lldp_organization_tlv(OUI_TIA, 5, b"1.0"),
        lldp_organization_tlv(OUI_TIA, 8, b"SN\x0012"),
        lldp_organization_tlv(OUI_TIA, 11, b"asset"),
        lldp_organization_tlv(OUI_TIA, 12, b"?"),
        lldp_organization_tlv(OUI_DCBX, 1, &lldp_tlv(1, &[0, 0, 0, 0, 0, 1, 0, 0, 0, 2])),
        lldp_organization_tlv(OUI_DCBX, 2, &dcbx_features),
        lldp_organization_tlv(OUI_DCBX, 2, &[&dcbx_features[..], &lldp_tlv(9, &[1, 2])].concat()),
        lldp_organization_tlv(OUI_DCBX, 2, &[&lldp_tlv(1, &[0; 9])[..], &dcbx_features].concat()),
        lldp_organization_tlv(OUI_DCBX, 2, &[&lldp_tlv(4, &[0; 4])[..], &lldp_tlv(0, &[]), &dcbx_features].concat()),
    ]
}

/// Announcements of organisation-specific TLVs: every subtype, then each subtype too short for its fields,
/// and OUIs of other organisations.
fn lldp_organization_announcements(ttl: &[u8], end: &[u8]) -> Vec<Vec<u8>> {
    let mut announcements: Vec<Vec<u8>> =
        lldp_organization_tlvs().chunks(6).map(|tlvs| [ttl, &tlvs.concat(), end].concat()).collect();
    let shortened = lldp_organization_tlvs().into_iter().flat_map(|tlv| {
        let value = tlv[2..].to_vec();
        (3..value.len()).map(move |len| lldp_tlv(127, &value[..len]))
    });
    let shortened: Vec<Vec<u8>> = shortened.collect();
    announcements.extend(shortened.chunks(8).map(|tlvs| [ttl, &tlvs.concat(), end].concat()));
    announcements.push(
        [
            ttl,
            &lldp_tlv(127, &[0x00, 0x80, 0xc2]),
            &lldp_tlv(127, &[0x00, 0x12, 0x0f]),
            &lldp_tlv(127, &[0x00, 0x00, 0x5e, 1, 2, 3, 4]),
            &lldp_tlv(127, &[0x00, 0x00, 0x0c, 1, 2]),
            &lldp_tlv(127, &[0xd0, 0xf0, 0xdb]),
            end,
        ]
        .concat(),
    );
    announcements.push([ttl, &lldp_tlv(127, &[0x00, 0x80]), end].concat());
    announcements
}

const ETHERTYPE_SLOW_PROTOCOLS: u16 = 0x8809;
const SLOW_PROTOCOLS_GROUP: [u8; 6] = [0x01, 0x80, 0xc2, 0, 0, 0x02];

/// An LACP actor's or partner's information TLV: system priority and address, key, port priority and number,
/// state flags.
fn lacp_party(tlv_type: u8, system: [u8; 6], key: u16, port: u16, state: u8) -> Vec<u8> {
    let fields = [&[tlv_type, 20][..], &32768u16.to_be_bytes(), &system, &key.to_be_bytes()].concat();
    [&fields[..], &128u16.to_be_bytes(), &port.to_be_bytes(), &[state, 0, 0, 0]].concat()
}

/// LACP and Marker (slow protocols, EtherType 0x8809): LACPDUs of partners in and out of sync, marker requests
/// and responses, other versions and subtypes, TLVs of bad lengths, and an LACPDU cut at every length.
fn lacp_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let collector = [&[3u8, 16][..], &50u16.to_be_bytes(), &[0; 12]].concat();
    let terminator = [0u8, 0];
    let lacpdu = |actor_state: u8, partner: Vec<u8>| {
        let mut pdu =
            [&[1u8, 1][..], &lacp_party(1, MAC_A, 17, 3, actor_state), &partner, &collector, &terminator].concat();
        pdu.resize(110, 0);
        pdu
    };
    let in_sync = lacpdu(0x3d, lacp_party(2, MAC_B, 9, 1, 0x3f));
    let marker = |tlv_type: u8| {
        let info = [&[tlv_type, 16][..], &3u16.to_be_bytes(), &MAC_A, &0x1234_5678u32.to_be_bytes(), &[0, 0]].concat();
        let mut pdu = [&[2u8, 1][..], &info, &terminator].concat();
        pdu.resize(110, 0);
        pdu
    };
    let pdus = [
        in_sync.clone(),
        lacpdu(0x47, lacp_party(2, [0; 6], 0, 0, 0x02)),
        lacpdu(0x80, lacp_party(2, MAC_B, 9, 1, 0x00)),
        marker(1),
        marker(2),
        vec![1, 2, 0, 0],
        vec![2, 7],
        vec![9, 1, 2, 3],
        vec![1],
        [&[1u8, 1][..], &[1, 18], &[0; 16], &terminator].concat(),
        [&[1u8, 1][..], &[1, 1], &terminator].concat(),
        [&[1u8, 1][..], &[3, 14], &[0; 12], &terminator].concat(),
        [&[1u8, 1][..], &[9, 6], &[1, 2, 3, 4], &terminator].concat(),
        [&[1u8, 1][..], &lacp_party(1, MAC_A, 17, 3, 0x3d)[..10]].concat(),
        [&[1u8, 1][..], &[1]].concat(),
        [&[2u8, 1][..], &[1, 10], &[0; 8], &terminator].concat(),
    ];
    for pdu in &pdus {
        capture.add(padded(ethernet(SLOW_PROTOCOLS_GROUP, MAC_A, ETHERTYPE_SLOW_PROTOCOLS, pdu)));
    }
    // Unpadded, as a capture on the sending host has them: PDUs shorter than their header or a TLV.
    for pdu in [vec![1], vec![1, 1, 1], [&[1u8, 1, 1, 20][..], &[0; 10]].concat(), vec![3, 1, 2]] {
        capture.add(ethernet(SLOW_PROTOCOLS_GROUP, MAC_A, ETHERTYPE_SLOW_PROTOCOLS, &pdu));
    }
    let frame = ethernet(SLOW_PROTOCOLS_GROUP, MAC_A, ETHERTYPE_SLOW_PROTOCOLS, &in_sync);
    add_cuts_from(&mut capture, &frame, 14);
    capture
}

const BRIDGE_GROUP: [u8; 6] = [0x01, 0x80, 0xc2, 0, 0, 0];
/// LLC's service access point for the spanning tree protocols, and an unnumbered information frame.
const LLC_STP: [u8; 3] = [0x42, 0x42, 0x03];

/// An 802.3 frame to the bridge group address: its length, then LLC's header and `bpdu`.
fn llc_frame(llc: [u8; 3], bpdu: &[u8]) -> Vec<u8> {
    let length = (llc.len() + bpdu.len()) as u16;
    [&BRIDGE_GROUP[..], &MAC_A, &length.to_be_bytes(), &llc, bpdu].concat()
}

/// A configuration BPDU of STP (version 0) or RSTP (version 2, with its version 1 length).
fn stp_bpdu(version: u8, bpdu_type: u8, flags: u8) -> Vec<u8> {
    let root = [0x80, 0x00, 0x02, 0x42, 0xac, 0x11, 0x00, 0x01];
    let bridge = [0x80, 0x00, 0x02, 0x42, 0xac, 0x11, 0x00, 0x02];
    let mut bpdu = [&[0u8, 0, version, bpdu_type, flags][..], &root, &4u32.to_be_bytes(), &bridge].concat();
    bpdu.extend_from_slice(&0x8001u16.to_be_bytes());
    for seconds in [1u16, 20, 2, 15] {
        bpdu.extend_from_slice(&(seconds * 256).to_be_bytes());
    }
    if version >= 2 {
        bpdu.push(0);
    }
    bpdu
}

/// An MSTI's configuration: flags, MSTI number, regional root path cost, bridge and port priorities, hops.
type Msti = (u8, u16, u32, u8, u8, u8);

/// An MSTP BPDU (version 3) or the MSTP part of an SPB one (version 4): the RSTP fields, the configuration
/// identifier with `name`, the CIST's own fields and `mstis`; `v3_len` as given, or as long as what follows.
fn mstp_bpdu(version: u8, flags: u8, name: &[u8], mstis: &[Msti], v3_len: Option<u16>) -> Vec<u8> {
    let mut bpdu = stp_bpdu(version, 2, flags);
    let mut padded_name = name.to_vec();
    padded_name.resize(32, 0);
    let digest: Vec<u8> = (0x10..0x20).collect();
    let cist_bridge = [0x70, 0x00, 0x02, 0x42, 0xac, 0x11, 0x00, 0x09];
    let mut rest =
        [&[0u8][..], &padded_name, &7u16.to_be_bytes(), &digest, &200_000u32.to_be_bytes(), &cist_bridge, &[20]]
            .concat();
    for &(msti_flags, number, cost, bridge_priority, port_priority, hops) in mstis {
        let root = [&(0x8000 | number).to_be_bytes()[..], &[0x02, 0x42, 0xac, 0x11, 0x00, 0x0a]].concat();
        rest.extend_from_slice(&[msti_flags]);
        rest.extend_from_slice(&root);
        rest.extend_from_slice(&cost.to_be_bytes());
        rest.extend_from_slice(&[bridge_priority, port_priority, hops]);
    }
    bpdu.extend_from_slice(&v3_len.unwrap_or(rest.len() as u16).to_be_bytes());
    bpdu.extend_from_slice(&rest);
    bpdu
}

/// SPB's part after MSTP's: its version 4 length (`v4_len`), auxiliary configuration, agreement and digest.
fn spb_part(v4_len: u16) -> Vec<u8> {
    let mut name = b"aux-region".to_vec();
    name.resize(32, 0);
    let digest: Vec<u8> = (0x40..0x50).collect();
    let agreement_digest: Vec<u8> = (0x60..0x74).collect();
    [&v4_len.to_be_bytes()[..], &[1], &name, &3u16.to_be_bytes(), &digest, &[0xdc, 0, 0x12, 0x34], &9u16.to_be_bytes()]
        .concat()
        .into_iter()
        .chain([0; 8])
        .chain(agreement_digest)
        .collect()
}

/// STP and RSTP (802.3 frames with LLC to the bridge group address): configuration and topology change BPDUs,
/// flags; MSTP with and without MSTIs, SPB; lengths tcpdump calls invalid; BPDUs cut at every length.
fn stp_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let config = stp_bpdu(0, 0, 0);
    let rstp = stp_bpdu(2, 2, 0x3c);
    let bpdus = [
        config.clone(),
        stp_bpdu(0, 0, 0x81),
        vec![0, 0, 0, 0x80],
        rstp.clone(),
        stp_bpdu(2, 2, 0x7e),
        stp_bpdu(2, 2, 0x04),
        stp_bpdu(2, 2, 0x08),
        // Other versions, types and protocols, and BPDUs too short for what they say they are.
        stp_bpdu(1, 0, 0),
        stp_bpdu(5, 0, 0),
        stp_bpdu(0, 7, 0),
        stp_bpdu(2, 0, 0),
        stp_bpdu(0, 2, 0),
        [&[0u8, 1][..], &stp_bpdu(0, 0, 0)[2..]].concat(),
        stp_bpdu(0, 0, 0)[..30].to_vec(),
        stp_bpdu(2, 2, 0)[..35].to_vec(),
        vec![0, 0, 0],
        // MSTP: a configuration BPDU of version 3, a name of all 32 bytes and one with bytes to escape; the version 1
        // length not 0, a version 3 length beyond the BPDU, a BPDU shorter than MSTP's fixed fields.
        stp_bpdu(3, 0, 0x01),
        mstp_bpdu(3, 0x3c, &[b'r'; 32], &[], None),
        mstp_bpdu(3, 0x78, b"caf\xc3\xa9\ttab", &[(0x7c, 1, 10, 0x80, 0x90, 19)], None),
        [&stp_bpdu(3, 2, 0)[..35], &[1], &mstp_bpdu(3, 0, b"r", &[], None)[36..]].concat(),
        mstp_bpdu(3, 0, b"r", &[], Some(200)),
        mstp_bpdu(3, 0, b"r", &[], None)[..100].to_vec(),
        // SPB: whole, and with a version 4 length below SPB's fixed fields.
        [mstp_bpdu(4, 0x3c, b"spb", &[(0x3c, 5, 1, 0x10, 0x20, 3)], None), spb_part(85)].concat(),
        [mstp_bpdu(4, 0x3c, b"spb", &[], None), spb_part(80)].concat(),
    ];
    for bpdu in bpdus {
        capture.add(padded(llc_frame(LLC_STP, &bpdu)));
    }
    let mstp = mstp_bpdu(3, 0x3c, b"region-1", &[(0x3c, 1, 20_000, 0x80, 0x80, 19), (0x00, 2, 0, 0xf0, 0x10, 1)], None);
    let spb = [mstp_bpdu(4, 0x3c, b"spb", &[], None), spb_part(85)].concat();
    for bpdu in [config, rstp, mstp, spb] {
        // From the BPDU on: ptstat does not print LLC headers cut short as tcpdump does.
        let frame = padded(llc_frame(LLC_STP, &bpdu));
        add_cuts_from(&mut capture, &frame, 17);
    }
    capture
}

const MOBILE: u8 = 55;
const IPCOMP: u8 = 108;

/// A minimal forwarding header (mobile IP): the original protocol and whether the original source follows,
/// checksum, original destination and source.
fn mobile_header(original_protocol: u8, source: Option<[u8; 4]>) -> Vec<u8> {
    let flags = if source.is_some() { 0x80 } else { 0 };
    let mut header = [&[original_protocol, flags, 0, 0][..], &GROUP, &source.unwrap_or_default()].concat();
    header.truncate(if source.is_some() { 12 } else { 8 });
    let checksum = internet_checksum(&[&header]);
    header[2..4].copy_from_slice(&checksum.to_be_bytes());
    header
}

/// Mobile IP's minimal encapsulation with and without the original source, with a wrong checksum, too short,
/// cut at every length; IP payload compression over IPv4 and IPv6.
fn mobile_ipcomp_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let datagram = udp_datagram(HOSTS4, 5000, 5001, b"data");
    let with_source = [mobile_header(17, Some(HOST)), datagram.clone()].concat();
    let mut wrong_checksum = with_source.clone();
    wrong_checksum[2] ^= 0x10;
    let mobile_payloads = [
        [mobile_header(17, None), datagram.clone()].concat(),
        with_source.clone(),
        wrong_checksum,
        mobile_header(6, None),
        mobile_header(6, None)[..6].to_vec(),
    ];
    for payload in &mobile_payloads {
        capture.add(eth(ETHERTYPE_IPV4, &HOSTS4.packet(MOBILE, payload)));
    }
    capture.add(eth6(&HOSTS6.packet(MOBILE, &with_source)));
    let frame = eth(ETHERTYPE_IPV4, &HOSTS4.packet(MOBILE, &with_source));
    add_cuts_from(&mut capture, &frame, 34);
    let compressed = [&[17u8, 0][..], &0x1234u16.to_be_bytes(), &[0x78, 0x9c, 1, 2, 3]].concat();
    capture.add(eth(ETHERTYPE_IPV4, &HOSTS4.packet(IPCOMP, &compressed)));
    capture.add(eth6(&HOSTS6.packet(IPCOMP, &compressed)));
    let frame = eth(ETHERTYPE_IPV4, &HOSTS4.packet(IPCOMP, &compressed));
    add_cuts_from(&mut capture, &frame, 34);
    capture
}

const IGRP: u8 = 9;

/// An IGRP message: version 1 and `opcode`, edition, AS 100, the counts of interior, system and exterior
/// routes, checksum, then `routes`.
fn igrp(opcode: u8, counts: [u16; 3], routes: &[Vec<u8>]) -> Vec<u8> {
    let [interior, system, exterior] = counts.map(u16::to_be_bytes);
    let header = [&[0x10 | opcode, 3][..], &100u16.to_be_bytes(), &interior, &system, &exterior, &[0, 0]].concat();
    let mut message = [header, routes.concat()].concat();
    let checksum = internet_checksum(&[&message]);
    message[10..12].copy_from_slice(&checksum.to_be_bytes());
    message
}

/// An IGRP route: three bytes of the network, delay, bandwidth, MTU, reliability, load and hop count.
fn igrp_route(network: [u8; 3], delay: u32, bandwidth: u32, hops: u8) -> Vec<u8> {
    let [_, delay @ ..] = delay.to_be_bytes();
    let [_, bandwidth @ ..] = bandwidth.to_be_bytes();
    [&network[..], &delay, &bandwidth, &1500u16.to_be_bytes(), &[255, 1, hops]].concat()
}

/// IGRP updates with interior, system and exterior routes, a request, counts the routes do not match, a zero
/// and a saturated bandwidth, a message shorter than its header, and an update cut at every length.
fn igrp_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let routes = [
        igrp_route([0, 1, 0], 2000, 1000, 0),
        igrp_route([10, 2, 0], 100, 10, 1),
        igrp_route([172, 16, 5], 0xff_ffff, 0xff_ffff, 2),
        igrp_route([192, 168, 9], 5, 0, 3),
    ];
    let update = igrp(1, [1, 2, 1], &routes);
    let messages = [
        update.clone(),
        igrp(2, [0, 0, 0], &[]),
        igrp(1, [1, 1, 1], &routes[..2]),
        igrp(1, [1, 0, 0], &routes[..2]),
        [igrp(1, [2, 0, 0], &routes[..2]), vec![1, 2, 3]].concat(),
        igrp(7, [0, 0, 0], &[]),
        igrp(1, [1, 0, 0], &[])[..10].to_vec(),
    ];
    for message in &messages {
        capture.add(eth(ETHERTYPE_IPV4, &HOSTS4.packet(IGRP, message)));
    }
    add_cuts_from(&mut capture, &eth(ETHERTYPE_IPV4, &HOSTS4.packet(IGRP, &update)), 34);
    capture
}
