//! Captures of OSPF: version 2 over IPv4 and version 3 over IPv6, every message type with the LSAs routers
//! flood, authentication of each kind, link-local signaling, lengths that do not fit, and copies of each message
//! cut at every length.

use pcap_file::DataLink;

use super::{
    Capture, ETHERTYPE_IPV4, ETHERTYPE_IPV6, IPV4_IN_ETHERNET, MAC_A, add_every_cut, ethernet, ipv4_with, ipv6_packet,
};

/// What the captures hold: file name and packets.
pub fn captures() -> [(&'static str, Capture); 2] {
    [("ospf.pcap", ospf2_capture()), ("ospf6.pcap", ospf3_capture())]
}

const OSPF: u8 = 89;
const ALL_SPF_ROUTERS: [u8; 4] = [224, 0, 0, 5];
const ALL_SPF_ROUTERS6: [u8; 16] = [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5];
const ROUTER_LINK_LOCAL: [u8; 16] = [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x42, 0xac, 0xff, 0xfe, 0x11, 0, 2];
const SOURCE: [u8; 4] = [10, 0, 0, 1];
const ROUTER_ID: [u8; 4] = [1, 1, 1, 1];
const NEIGHBOR_ID: [u8; 4] = [2, 2, 2, 2];
const OTHER_ID: [u8; 4] = [3, 3, 3, 3];
const BACKBONE: [u8; 4] = [0; 4];
const AREA: [u8; 4] = [0, 0, 0, 1];

const HELLO: u8 = 1;
const DATABASE_DESCRIPTION: u8 = 2;
const LS_REQUEST: u8 = 3;
const LS_UPDATE: u8 = 4;
const LS_ACK: u8 = 5;

/// Authentication of OSPFv2 headers: type and the 8 bytes of data.
#[derive(Clone, Copy)]
enum Auth {
    None,
    Simple(&'static [u8; 8]),
    /// Key ID and sequence number; a 16-byte digest follows the message.
    Md5(u8, u32),
    Unknown(u16),
}

/// An OSPFv2 message: header (length and authentication filled in) and body, then any MD5 digest.
fn ospf2(message_type: u8, area: [u8; 4], auth: Auth, body: &[u8]) -> Vec<u8> {
    let (auth_type, auth_data, digest) = match auth {
        Auth::None => (0u16, [0; 8], Vec::new()),
        Auth::Simple(password) => (1, *password, Vec::new()),
        Auth::Md5(key, sequence) => {
            let mut data = [0, 0, key, 16, 0, 0, 0, 0];
            data[4..].copy_from_slice(&sequence.to_be_bytes());
            (2, data, (0xa0..0xb0).collect())
        }
        Auth::Unknown(auth_type) => (auth_type, [0; 8], Vec::new()),
    };
    let len = (24 + body.len()) as u16;
    [
        &[2, message_type][..],
        &len.to_be_bytes(),
        &ROUTER_ID,
        &area,
        &[0x12, 0x34],
        &auth_type.to_be_bytes(),
        &auth_data,
        body,
        &digest,
    ]
    .concat()
}

fn frame4(message: &[u8]) -> Vec<u8> {
    let packet = ipv4_with(SOURCE, ALL_SPF_ROUTERS, OSPF, message, |header| {
        header.time_to_live = 1;
        header.dscp = 48.try_into().expect("a DSCP");
    });
    ethernet([0x01, 0x00, 0x5e, 0, 0, 5], MAC_A, ETHERTYPE_IPV4, &packet)
}

/// An LSA header: age, options, type, ID, advertising router, sequence number, checksum, and the length of it
/// with `body`.
fn lsa(age: u16, options: u8, lsa_type: u8, id: [u8; 4], body: &[u8]) -> Vec<u8> {
    let len = (20 + body.len()) as u16;
    [
        &age.to_be_bytes()[..],
        &[options, lsa_type],
        &id,
        &ROUTER_ID,
        &0x8000_0001u32.to_be_bytes(),
        &[0xab, 0xcd],
        &len.to_be_bytes(),
        body,
    ]
    .concat()
}

/// A hello's body: mask, intervals, options, priority, designated routers, neighbours.
fn hello2(options: u8, designated: [u8; 4], backup: [u8; 4], neighbors: &[[u8; 4]]) -> Vec<u8> {
    [&[255, 255, 255, 0][..], &10u16.to_be_bytes(), &[options, 1], &40u32.to_be_bytes(), &designated, &backup]
        .into_iter()
        .chain(neighbors.iter().map(|neighbor| neighbor.as_slice()))
        .collect::<Vec<_>>()
        .concat()
}

fn router_link(id: [u8; 4], data: [u8; 4], link_type: u8, metric: u16, extra_metrics: &[(u8, u16)]) -> Vec<u8> {
    let mut link = [&id[..], &data, &[link_type, extra_metrics.len() as u8], &metric.to_be_bytes()].concat();
    for (topology, metric) in extra_metrics {
        link.extend_from_slice(&[*topology, 0]);
        link.extend_from_slice(&metric.to_be_bytes());
    }
    link
}

fn external_metric(metric: u32, forward: [u8; 4], tag: [u8; 4]) -> Vec<u8> {
    [&metric.to_be_bytes()[..], &forward, &tag].concat()
}

/// The LSAs an OSPFv2 update carries: one of each common type.
fn lsas2() -> Vec<Vec<u8>> {
    let links = [
        router_link(NEIGHBOR_ID, [10, 0, 0, 1], 1, 10, &[]),
        router_link([10, 0, 0, 2], [10, 0, 0, 1], 2, 10, &[(1, 20), (9, 30)]),
        router_link([192, 168, 1, 0], [255, 255, 255, 0], 3, 1, &[]),
        router_link(OTHER_ID, [10, 0, 0, 1], 4, 5, &[]),
    ]
    .concat();
    let router = lsa(1, 0x22, 1, ROUTER_ID, &[&[0x03, 0, 0, 4][..], &links].concat());
    let network = lsa(2, 0x22, 2, [10, 0, 0, 2], &[[255, 255, 255, 0], ROUTER_ID, NEIGHBOR_ID].concat());
    let summary = lsa(3, 0x22, 3, [172, 16, 0, 0], &[[255, 255, 0, 0], [0, 0, 0, 100], [1, 0, 0, 50]].concat());
    let asbr_summary = lsa(4, 0x22, 4, OTHER_ID, &[[0, 0, 0, 0], [0, 0, 0, 64]].concat());
    let external_metrics = [
        external_metric(0x8000_0014, [0; 4], [0; 4]),
        external_metric(0x0000_0001, [10, 0, 0, 9], [0, 0, 0, 7]),
        external_metric(0x00ff_ffff, [0; 4], [0; 4]),
    ];
    let external = lsa(5, 0x20, 5, [198, 51, 100, 0], &[&[255, 255, 255, 0][..], &external_metrics.concat()].concat());
    let nssa = lsa(6, 0x08, 7, [203, 0, 113, 0], &[&[255, 255, 255, 0][..], &external_metrics[1]].concat());
    let group = lsa(
        7,
        0x04,
        6,
        [239, 1, 2, 3],
        &[[0, 0, 0, 1], ROUTER_ID, [0, 0, 0, 2], [10, 0, 0, 2], [0, 0, 0, 9], OTHER_ID].concat(),
    );
    vec![router, network, summary, asbr_summary, external, nssa, group]
}

fn update(lsas: &[Vec<u8>]) -> Vec<u8> {
    [(lsas.len() as u32).to_be_bytes().to_vec(), lsas.concat()].concat()
}

fn headers(lsas: &[Vec<u8>]) -> Vec<u8> {
    lsas.iter().flat_map(|lsa| lsa[..20].to_vec()).collect()
}

/// A TLV (or sub-TLV) of type `tlv_type` holding `value`, padded to 32 bits.
fn tlv(tlv_type: u16, value: &[u8]) -> Vec<u8> {
    let mut tlv = [&tlv_type.to_be_bytes()[..], &(value.len() as u16).to_be_bytes(), value].concat();
    tlv.resize(tlv.len().next_multiple_of(4), 0);
    tlv
}

/// Bandwidths as traffic engineering TLVs hold them: IEEE floats of bytes per second.
fn bandwidths(bytes_per_second: &[f32]) -> Vec<u8> {
    bytes_per_second.iter().flat_map(|bandwidth| bandwidth.to_bits().to_be_bytes()).collect()
}

/// The body of a traffic engineering LSA: a router address and a link with every sub-TLV.
fn traffic_engineering() -> Vec<u8> {
    let classes = [125e6, 1.25e8, 62_500_000.0, 1.0, 0.0, 12_345.678, f32::INFINITY, 3.0e7];
    let link = [
        tlv(1, &[1]),
        tlv(2, &[2, 2, 2, 2]),
        tlv(3, &[10, 0, 0, 1]),
        tlv(4, &[10, 0, 0, 2]),
        tlv(5, &[0, 0, 0, 10]),
        tlv(6, &bandwidths(&[125e6])),
        tlv(7, &bandwidths(&[1e8])),
        tlv(8, &bandwidths(&classes)),
        tlv(9, &[0, 0, 0, 0x21]),
        tlv(11, &[0, 0, 0, 5, 0, 0, 0, 6]),
        tlv(14, &[0x18, 0, 0, 0]),
        tlv(15, &[&[150, 8, 0, 0][..], &bandwidths(&classes)].concat()),
        tlv(17, &[&[0, 0, 0, 0][..], &bandwidths(&[1e9, 5e8])].concat()),
        tlv(99, &[7, 7]),
        // Last: tcpdump reads whatever follows it from too far on.
        tlv(16, &[0, 0, 0, 1, 0, 0, 1, 0]),
    ]
    .concat();
    [tlv(1, &[10, 0, 0, 1]), tlv(3, &[1, 2, 3]), tlv(2, &link)].concat()
}

fn ospf2_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let lsas = lsas2();
    let grace_tlvs = [
        &[0, 1, 0, 4, 0, 0, 0, 60][..],
        &[0, 2, 0, 1, 1, 0, 0, 0],
        &[0, 3, 0, 4, 10, 0, 0, 1],
        &[0, 9, 0, 2, 7, 7, 0, 0],
    ];
    let opaque = lsa(8, 0x42, 9, [3, 0, 0, 7], &grace_tlvs.concat());
    let router_information =
        lsa(9, 0x42, 10, [4, 0, 0, 0], &[&[0, 1, 0, 4, 0, 0, 0x01, 0x51][..], &[0, 7, 0, 3, 1, 2, 3]].concat());
    let odd_grace =
        lsa(9, 0x42, 11, [3, 0, 0, 1], &[&[0, 2, 0, 1, 9, 0, 0, 0][..], &[0, 1, 0, 2, 0, 0, 0, 0]].concat());
    let database_description = |flags: u8, lsa_headers: &[u8]| {
        [&1500u16.to_be_bytes()[..], &[0x42, flags], &0x0000_1f2eu32.to_be_bytes(), lsa_headers].concat()
    };
    let request = |lsa_type: u32, id: [u8; 4]| [&lsa_type.to_be_bytes()[..], &id, &NEIGHBOR_ID].concat();
    let lls = [&[0, 0, 0, 9][..], &[0, 1, 0, 4, 0, 0, 0, 1], &[0, 2, 0, 20], &[0, 0, 0, 5], &[0xcc; 16]].concat();
    let messages = [
        ospf2(HELLO, BACKBONE, Auth::None, &hello2(0x02, [10, 0, 0, 1], [10, 0, 0, 2], &[NEIGHBOR_ID, OTHER_ID])),
        ospf2(HELLO, AREA, Auth::Simple(b"secret\0\0"), &hello2(0x00, [0; 4], [0; 4], &[])),
        ospf2(HELLO, AREA, Auth::Simple(b"pass\x01wor"), &hello2(0x0a, [0; 4], [10, 0, 0, 2], &[])),
        ospf2(HELLO, BACKBONE, Auth::Md5(1, 0x5f00_0001), &hello2(0x02, [10, 0, 0, 1], [0; 4], &[NEIGHBOR_ID])),
        [ospf2(HELLO, BACKBONE, Auth::None, &hello2(0x12, [10, 0, 0, 1], [0; 4], &[NEIGHBOR_ID])), lls.clone()]
            .concat(),
        ospf2(DATABASE_DESCRIPTION, BACKBONE, Auth::None, &database_description(0x07, &[])),
        ospf2(
            DATABASE_DESCRIPTION,
            BACKBONE,
            Auth::None,
            &database_description(0x00, &[headers(&lsas[..3]), headers(std::slice::from_ref(&opaque))].concat()),
        ),
        [ospf2(DATABASE_DESCRIPTION, BACKBONE, Auth::None, &database_description(0x52, &[])), lls.clone()].concat(),
        [ospf2(HELLO, BACKBONE, Auth::Md5(3, 9), &hello2(0x12, [0; 4], [0; 4], &[])), lls].concat(),
        ospf2(
            LS_REQUEST,
            BACKBONE,
            Auth::None,
            &[request(1, NEIGHBOR_ID), request(5, [198, 51, 100, 0]), request(10, [4, 0, 0, 1])].concat(),
        ),
        ospf2(LS_UPDATE, BACKBONE, Auth::None, &update(&lsas[..2])),
        ospf2(LS_UPDATE, AREA, Auth::None, &update(&lsas[2..4])),
        ospf2(LS_UPDATE, BACKBONE, Auth::Md5(2, 7), &update(&lsas[4..])),
        ospf2(LS_UPDATE, BACKBONE, Auth::None, &update(&[lsa(1, 0, 8, OTHER_ID, &[1, 2, 3]), opaque])),
        ospf2(LS_UPDATE, BACKBONE, Auth::None, &update(&[router_information, odd_grace])),
        ospf2(LS_UPDATE, AREA, Auth::None, &update(&[lsa(10, 0x42, 10, [1, 0, 0, 1], &traffic_engineering())])),
        ospf2(LS_ACK, BACKBONE, Auth::None, &headers(&lsas[..2])),
    ];
    for message in &messages {
        capture.add(frame4(message));
    }
    // Shapes that do not fit: an unknown type, another version, an unknown authentication, a length field that
    // is not the IP payload's, an LSA shorter than its header, a router link of an unknown type, too few LSAs.
    let mut long = messages[0].clone();
    long[3] -= 4;
    let mut bogus_ack = headers(&lsas[..1]);
    bogus_ack[19] = 12;
    let odd_link =
        lsa(1, 0, 1, ROUTER_ID, &[&[0, 0, 0, 2][..], &router_link(OTHER_ID, ROUTER_ID, 7, 1, &[]), &[0; 12]].concat());
    let mut version3 = messages[0].clone();
    version3[0] = 3;
    let odd_te = lsa(11, 0x42, 10, [1, 0, 0, 2], &tlv(2, &[tlv(1, &[1, 2]), tlv(6, &[0; 8])].concat()));
    let oddities = [
        ospf2(LS_UPDATE, BACKBONE, Auth::None, &update(&[odd_te, lsas[1].clone()])),
        ospf2(9, BACKBONE, Auth::None, &[0; 8]),
        version3,
        ospf2(HELLO, BACKBONE, Auth::Unknown(7), &hello2(0x02, [0; 4], [0; 4], &[])),
        long,
        ospf2(LS_ACK, BACKBONE, Auth::None, &bogus_ack),
        ospf2(LS_UPDATE, BACKBONE, Auth::None, &update(&[odd_link])),
        ospf2(LS_UPDATE, BACKBONE, Auth::None, &[&3u32.to_be_bytes()[..], &lsas[1]].concat()),
    ];
    for message in &oddities {
        capture.add(frame4(message));
    }
    for message in &messages {
        add_every_cut(&mut capture, &frame4(message), &IPV4_IN_ETHERNET);
    }
    capture
}

/// An OSPFv3 message: header (length filled in, instance `instance`), body, then `trailer` outside its length.
fn ospf3(message_type: u8, area: [u8; 4], instance: u8, body: &[u8], trailer: &[u8]) -> Vec<u8> {
    let len = (16 + body.len()) as u16;
    [&[3, message_type][..], &len.to_be_bytes(), &ROUTER_ID, &area, &[0x56, 0x78, instance, 0], body, trailer].concat()
}

fn frame6(message: &[u8]) -> Vec<u8> {
    let packet = ipv6_packet(ROUTER_LINK_LOCAL, ALL_SPF_ROUTERS6, OSPF, message);
    ethernet([0x33, 0x33, 0, 0, 0, 5], MAC_A, ETHERTYPE_IPV6, &packet)
}

/// An OSPFv3 LSA header: age, type (with its scope bits), ID, advertising router, sequence number, checksum,
/// and the length of it with `body`.
fn lsa3(lsa_type: u16, id: [u8; 4], body: &[u8]) -> Vec<u8> {
    let len = (20 + body.len()) as u16;
    [
        &5u16.to_be_bytes()[..],
        &lsa_type.to_be_bytes(),
        &id,
        &ROUTER_ID,
        &0x8000_0002u32.to_be_bytes(),
        &[0x12, 0x34],
        &len.to_be_bytes(),
        body,
    ]
    .concat()
}

/// A prefix: length, options, metric (or referenced type), then the address's words it needs.
fn prefix(len: u8, options: u8, metric: u16, address: [u8; 16]) -> Vec<u8> {
    let words = usize::from(len).div_ceil(32) * 4;
    [&[len, options][..], &metric.to_be_bytes(), &address[..words]].concat()
}

const PREFIX_A: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const PREFIX_B: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10];

/// The LSAs an OSPFv3 update carries: one of each type.
fn lsas3() -> Vec<Vec<u8>> {
    let router_links = [
        [&[1, 0][..], &10u16.to_be_bytes(), &[0, 0, 0, 5], &[0, 0, 0, 6], &NEIGHBOR_ID].concat(),
        [&[2, 0][..], &1u16.to_be_bytes(), &[0, 0, 0, 5], &[0, 0, 0, 3], &OTHER_ID].concat(),
        [&[4, 0][..], &7u16.to_be_bytes(), &[0, 0, 0, 8], &[0, 0, 0, 9], &OTHER_ID].concat(),
    ]
    .concat();
    let router = lsa3(0x2001, [0; 4], &[&[0x01, 0, 0, 0x13][..], &router_links].concat());
    let network = lsa3(0x2002, [0, 0, 0, 5], &[[0, 0, 0, 0x13], ROUTER_ID, NEIGHBOR_ID].concat());
    let inter_area_prefix = lsa3(0x2003, [0, 0, 0, 1], &[&[0, 0, 0, 30][..], &prefix(48, 0, 0, PREFIX_A)].concat());
    let inter_area_router = lsa3(0x2004, [0, 0, 0, 2], &[[0, 0, 0, 0x13], [0, 0, 0, 20], OTHER_ID].concat());
    let external = lsa3(
        0x4005,
        [0, 0, 0, 3],
        &[&[0x83, 0, 0, 40][..], &prefix(128, 0x08, 0x2001, PREFIX_B), &PREFIX_A, &[0, 0, 0, 9], &OTHER_ID].concat(),
    );
    let link = lsa3(
        0x0008,
        [0, 0, 0, 5],
        &[
            &[1, 0, 0, 0x13][..],
            &ROUTER_LINK_LOCAL,
            &[0, 0, 0, 2],
            &prefix(64, 0, 0, PREFIX_A),
            &prefix(0, 0x02, 0, [0; 16]),
        ]
        .concat(),
    );
    let intra_area_prefix = lsa3(
        0x2009,
        [0, 0, 0, 0],
        &[&[0, 2, 0x20, 0x01][..], &[0; 4], &ROUTER_ID, &prefix(64, 0, 10, PREFIX_A), &prefix(127, 0x30, 1, PREFIX_B)]
            .concat(),
    );
    let nssa = lsa3(0x2007, [0, 0, 0, 4], &[&[0, 0, 0, 1][..], &prefix(32, 0, 0, PREFIX_A)].concat());
    let traffic_engineering = lsa3(0x000a, [0, 0, 0, 6], &traffic_engineering());
    let grace = lsa3(0x000b, [0, 0, 0, 5], &[&[0, 1, 0, 4, 0, 0, 0, 120][..], &[0, 2, 0, 1, 2, 0, 0, 0]].concat());
    vec![
        router,
        network,
        inter_area_prefix,
        inter_area_router,
        external,
        link,
        intra_area_prefix,
        nssa,
        grace,
        traffic_engineering,
    ]
}

fn ospf3_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let lsas = lsas3();
    let hello = |options: u32, designated: [u8; 4], backup: [u8; 4], neighbors: &[[u8; 4]]| {
        let priority_and_options = options | 1 << 24;
        let fields =
            [&[0, 0, 0, 5][..], &priority_and_options.to_be_bytes(), &10u16.to_be_bytes(), &40u16.to_be_bytes()];
        [&fields.concat()[..], &designated, &backup, &neighbors.concat()].concat()
    };
    let database_description = |options: u32, flags: u8, lsa_headers: &[u8]| {
        [&options.to_be_bytes()[..], &1500u16.to_be_bytes(), &[0, flags], &0x0000_2a00u32.to_be_bytes(), lsa_headers]
            .concat()
    };
    let request = |lsa_type: u16, id: [u8; 4]| [&[0, 0][..], &lsa_type.to_be_bytes(), &id, &NEIGHBOR_ID].concat();
    let lls = [0xfe, 0xdc, 0, 12, 0, 1, 0, 4, 0, 0, 0, 1];
    let auth_trailer = [&[0, 1, 0, 32, 0, 0, 0, 3][..], &[0, 0, 0, 1, 0, 0, 0, 9], &[0xdd; 16]].concat();
    let headers = lsas.iter().flat_map(|lsa| lsa[..20].to_vec()).collect::<Vec<_>>();
    let messages = [
        ospf3(HELLO, BACKBONE, 0, &hello(0x13, [1, 1, 1, 1], [2, 2, 2, 2], &[NEIGHBOR_ID, OTHER_ID]), &[]),
        ospf3(HELLO, AREA, 7, &hello(0x0613, [0; 4], [0; 4], &[]), &[&lls[..], &auth_trailer].concat()),
        ospf3(HELLO, BACKBONE, 0, &hello(0x0102, [0; 4], [2, 2, 2, 2], &[NEIGHBOR_ID]), &auth_trailer),
        ospf3(DATABASE_DESCRIPTION, BACKBONE, 0, &database_description(0x13, 0x17, &[]), &[]),
        ospf3(DATABASE_DESCRIPTION, BACKBONE, 0, &database_description(0x213, 0x00, &headers[..60]), &lls),
        ospf3(
            LS_REQUEST,
            BACKBONE,
            0,
            &[request(0x2001, [0; 4]), request(0x4005, [0, 0, 0, 3]), request(0xa00b, [0, 0, 0, 1])].concat(),
            &[],
        ),
        ospf3(LS_UPDATE, BACKBONE, 0, &[&3u32.to_be_bytes()[..], &lsas[..3].concat()].concat(), &[]),
        ospf3(LS_UPDATE, AREA, 0, &[&3u32.to_be_bytes()[..], &lsas[3..6].concat()].concat(), &[]),
        ospf3(LS_UPDATE, AREA, 0, &[&3u32.to_be_bytes()[..], &lsas[6..9].concat()].concat(), &auth_trailer),
        ospf3(LS_UPDATE, BACKBONE, 0, &[&1u32.to_be_bytes()[..], &lsas[9]].concat(), &[]),
        ospf3(LS_ACK, BACKBONE, 0, &headers[..60], &[]),
    ];
    for message in &messages {
        capture.add(frame6(message));
    }
    // Shapes that do not fit: an unknown type, a length field beyond the payload, a short trailer, an LSA longer
    // than the message, a prefix longer than an address, a router link of an unknown type, a bogus trailer.
    let mut long = messages[0].clone();
    long[3] += 4;
    let mut beyond = lsas[1].clone();
    beyond[19] += 40;
    let bogus_prefix = lsa3(0x2003, [0; 4], &[&[0, 0, 0, 1][..], &[129, 0, 0, 0], &[0; 16]].concat());
    let odd_link = lsa3(0x2001, [0; 4], &[&[0, 0, 0, 0][..], &[9, 0, 0, 1], &[0; 12]].concat());
    let oddities = [
        ospf3(9, BACKBONE, 0, &[0; 8], &[]),
        long,
        ospf3(HELLO, BACKBONE, 0, &hello(0x13, [0; 4], [0; 4], &[]), &[0, 1, 0]),
        ospf3(LS_UPDATE, BACKBONE, 0, &[&1u32.to_be_bytes()[..], &beyond].concat(), &[]),
        ospf3(LS_UPDATE, BACKBONE, 0, &[&0xffff_ffffu32.to_be_bytes()[..], &bogus_prefix, &odd_link].concat(), &[]),
        ospf3(LS_ACK, BACKBONE, 0, &headers[..30], &[0, 9, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    ];
    for message in &oddities {
        capture.add(frame6(message));
    }
    for message in &messages {
        add_every_cut(&mut capture, &frame6(message), &[]);
    }
    capture
}
