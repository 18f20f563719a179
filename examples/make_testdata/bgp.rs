//! A capture of BGP over TCP port 179: two sessions (IPv4 and IPv6 transport) with OPENs and their capabilities,
//! UPDATEs with every path attribute ptstat decodes (IPv4 routes, MP_REACH/MP_UNREACH for IPv6, add-path, End-of-RIB),
//! NOTIFICATIONs, KEEPALIVEs and ROUTE-REFRESHes, several messages in one segment and a message split across two,
//! malformed messages, and copies of some segments cut at every length.

use pcap_file::DataLink;

use super::{Capture, HOSTS4, HOSTS6, IPV4_IN_ETHERNET, add_every_cut, services::Connection};

const PORT: u16 = 179;

const OPEN: u8 = 1;
const UPDATE: u8 = 2;
const NOTIFICATION: u8 = 3;
const KEEPALIVE: u8 = 4;
const ROUTE_REFRESH: u8 = 5;

const OPTIONAL: u8 = 0x80;
const TRANSITIVE: u8 = 0x40;
const PARTIAL: u8 = 0x20;
const EXTENDED_LENGTH: u8 = 0x10;
const WELL_KNOWN: u8 = TRANSITIVE;

const AFI_IPV4: u16 = 1;
const AFI_IPV6: u16 = 2;
const AFI_NSAP: u16 = 3;
const SAFI_UNICAST: u8 = 1;
const SAFI_MULTICAST: u8 = 2;

/// A 4-octet AS number, 64086.59905 in asdot notation.
const FOUR_OCTET_AS: u32 = 4_200_000_001;
/// RFC 6793's stand-in for a 4-octet AS in 2-byte fields.
const AS_TRANS: u16 = 23456;

/// What the captures hold: file name and packets.
pub fn captures() -> [(&'static str, Capture); 1] {
    [("bgp.pcap", bgp_capture())]
}

fn bgp_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let mut session = Connection::open(&mut capture, HOSTS4, 41179, PORT);

    let client_open = client_open();
    let frame = session.client(&client_open);
    capture.add(frame.clone());
    let client_open_frame = frame;
    // The server's OPEN and first KEEPALIVE in one segment.
    let frame = session.server(&[server_open(), keepalive()].concat());
    capture.add(frame);
    let frame = session.client(&keepalive());
    capture.add(frame);

    let ipv4_update = ipv4_update();
    let ipv4_update_frame = session.client(&ipv4_update);
    capture.add(ipv4_update_frame.clone());
    let ipv6_update = ipv6_update();
    let ipv6_update_frame = session.client(&ipv6_update);
    capture.add(ipv6_update_frame.clone());
    for message in [
        two_octet_update(),
        reflected_update(),
        add_path_update(),
        more_attributes_update(),
        extended_communities_update(),
        vpn_update(AFI_IPV4, &[10, 0, 0, 1], &[10, 1, 0], &[10, 2, 0, 0]),
        vpn_update(
            AFI_IPV6,
            &[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
            &[0x20, 0x01, 0x0d, 0xb8, 0, 0x10],
            &[0x20, 0x01, 0x0d, 0xb8, 0xff],
        ),
        labeled_update(),
        route_target_update(),
        mdt_update(),
        multicast_vpn_update(),
        l2vpn_update(),
        nsap_update(),
        pmsi_tunnels_update(),
        default_route_update(),
        update(&[], &[], &[]),
        update(&[], &mp_unreach(AFI_IPV6, SAFI_UNICAST, &[]), &[]),
        [route_refresh(AFI_IPV4, SAFI_UNICAST), route_refresh(AFI_IPV6, SAFI_UNICAST)].concat(),
        route_refresh(AFI_IPV4, 128),
        message(6, &[1, 2, 3, 4]),
    ] {
        let frame = session.client(&message);
        capture.add(frame);
    }
    // An UPDATE split across two segments, after a KEEPALIVE: the first ends in `[|BGP Update]`, the second
    // starts with the rest of it.
    let split = ipv4_update.len() / 2;
    let frame = session.client(&[&keepalive(), &ipv4_update[..split]].concat());
    capture.add(frame);
    let frame = session.client(&[&ipv4_update[split..], &keepalive()[..]].concat());
    capture.add(frame);
    for message in malformed_messages() {
        let frame = session.client(&message);
        capture.add(frame);
    }
    let notifications = notifications();
    for notification in &notifications {
        let frame = session.server(notification);
        capture.add(frame);
    }

    let mut session6 = Connection::open(&mut capture, HOSTS6, 41180, PORT);
    let frame = session6.client(&[client_open.clone(), keepalive()].concat());
    capture.add(frame);
    let frame = session6.server(&ipv6_update);
    capture.add(frame);

    let notification_frame = session.server(&notifications[0]);
    let refresh_frame = session.client(&route_refresh(AFI_IPV4, SAFI_UNICAST));
    for frame in [client_open_frame, ipv4_update_frame, ipv6_update_frame, notification_frame, refresh_frame] {
        add_every_cut(&mut capture, &frame, &IPV4_IN_ETHERNET);
    }
    capture
}

/// A message: marker, length, type, body.
fn message(message_type: u8, body: &[u8]) -> Vec<u8> {
    let len = (19 + body.len()) as u16;
    [&[0xff; 16][..], &len.to_be_bytes(), &[message_type], body].concat()
}

fn keepalive() -> Vec<u8> {
    message(KEEPALIVE, &[])
}

fn open(my_as: u16, hold_time: u16, identifier: [u8; 4], parameters: &[u8]) -> Vec<u8> {
    let body =
        [&[4][..], &my_as.to_be_bytes(), &hold_time.to_be_bytes(), &identifier, &[parameters.len() as u8], parameters];
    message(OPEN, &body.concat())
}

/// An optional parameter of an OPEN.
fn parameter(parameter_type: u8, value: &[u8]) -> Vec<u8> {
    [&[parameter_type, value.len() as u8][..], value].concat()
}

/// A capabilities parameter holding `capabilities`.
fn capabilities(capabilities: &[Vec<u8>]) -> Vec<u8> {
    parameter(2, &capabilities.concat())
}

fn capability(code: u8, value: &[u8]) -> Vec<u8> {
    [&[code, value.len() as u8][..], value].concat()
}

/// An address family and a byte after it: AFI, SAFI, `last`.
fn afi_safi(afi: u16, safi: u8, last: u8) -> Vec<u8> {
    [&afi.to_be_bytes()[..], &[safi, last]].concat()
}

/// A multiprotocol capability: AFI, a reserved byte, SAFI.
fn multiprotocol(afi: u16, safi: u8) -> Vec<u8> {
    capability(1, &afi_safi(afi, 0, safi))
}

/// The client's OPEN: all capabilities in one parameter, as BIRD and FRR send them.
fn client_open() -> Vec<u8> {
    let graceful_restart =
        [&[0x80 | 0x01, 0x2c][..], &afi_safi(AFI_IPV4, SAFI_UNICAST, 0x80), &afi_safi(AFI_IPV6, SAFI_UNICAST, 0)]
            .concat();
    let add_path = [afi_safi(AFI_IPV4, SAFI_UNICAST, 3), afi_safi(AFI_IPV6, SAFI_UNICAST, 1)].concat();
    let fqdn = [&[6][..], b"router", &[9], b"example.n"].concat();
    let options = capabilities(&[
        multiprotocol(AFI_IPV4, SAFI_UNICAST),
        multiprotocol(AFI_IPV6, SAFI_UNICAST),
        capability(128, &[]),
        capability(2, &[]),
        capability(70, &[]),
        capability(65, &FOUR_OCTET_AS.to_be_bytes()),
        capability(64, &graceful_restart),
        capability(69, &add_path),
        capability(71, &[]),
        capability(73, &fqdn),
    ]);
    open(AS_TRANS, 90, [10, 0, 0, 1], &options)
}

/// The server's OPEN: one capability a parameter, as Cisco IOS sends them, and an authentication parameter.
fn server_open() -> Vec<u8> {
    let options = [
        capabilities(&[multiprotocol(AFI_IPV4, SAFI_UNICAST)]),
        capabilities(&[multiprotocol(AFI_IPV4, SAFI_MULTICAST)]),
        capabilities(&[capability(128, &[])]),
        capabilities(&[capability(2, &[])]),
        capabilities(&[capability(65, &65002u32.to_be_bytes())]),
        capabilities(&[capability(64, &[0x00, 0x78])]),
        capabilities(&[capability(8, &afi_safi(AFI_IPV4, 4, 2))]),
        capabilities(&[capability(69, &afi_safi(AFI_IPV4, SAFI_UNICAST, 7))]),
        parameter(1, &[1, 0xaa, 0xbb]),
    ]
    .concat();
    open(65002, 180, [192, 168, 100, 254], &options)
}

fn update(withdrawn: &[u8], attributes: &[u8], nlri: &[u8]) -> Vec<u8> {
    let body = [
        &(withdrawn.len() as u16).to_be_bytes()[..],
        withdrawn,
        &(attributes.len() as u16).to_be_bytes(),
        attributes,
        nlri,
    ];
    message(UPDATE, &body.concat())
}

/// A path attribute, its length in two bytes if `flags` says so.
fn attribute(flags: u8, attribute_type: u8, value: &[u8]) -> Vec<u8> {
    let len = if flags & EXTENDED_LENGTH != 0 {
        (value.len() as u16).to_be_bytes().to_vec()
    } else {
        vec![value.len() as u8]
    };
    [&[flags, attribute_type][..], &len, value].concat()
}

/// A prefix: its length in bits and as many bytes of `address` as it needs.
fn prefix(bits: u8, address: &[u8]) -> Vec<u8> {
    [&[bits][..], &address[..usize::from(bits).div_ceil(8)]].concat()
}

fn origin(value: u8) -> Vec<u8> {
    attribute(WELL_KNOWN, 1, &[value])
}

/// An AS path segment of 2- or 4-byte AS numbers.
fn segment(segment_type: u8, numbers: &[u32], four_octets: bool) -> Vec<u8> {
    let mut bytes = vec![segment_type, numbers.len() as u8];
    for number in numbers {
        if four_octets {
            bytes.extend(number.to_be_bytes());
        } else {
            bytes.extend((*number as u16).to_be_bytes());
        }
    }
    bytes
}

fn next_hop(address: [u8; 4]) -> Vec<u8> {
    attribute(WELL_KNOWN, 3, &address)
}

fn communities(values: &[u32]) -> Vec<u8> {
    attribute(OPTIONAL | TRANSITIVE, 8, &values.iter().flat_map(|value| value.to_be_bytes()).collect::<Vec<_>>())
}

/// An eBGP UPDATE between 4-octet AS speakers: every common attribute and three routes.
fn ipv4_update() -> Vec<u8> {
    let as_path = [segment(2, &[FOUR_OCTET_AS, 65001, 65001], true), segment(1, &[65010, 65011], true)].concat();
    let attributes = [
        origin(0),
        attribute(WELL_KNOWN, 2, &as_path),
        next_hop([10, 0, 0, 1]),
        attribute(OPTIONAL, 4, &100u32.to_be_bytes()),
        attribute(WELL_KNOWN, 5, &200u32.to_be_bytes()),
        attribute(WELL_KNOWN, 6, &[]),
        attribute(OPTIONAL | TRANSITIVE, 7, &[&FOUR_OCTET_AS.to_be_bytes()[..], &[10, 0, 0, 9]].concat()),
        communities(&[(65001 << 16) | 100, 0xffff_ff01, 0xffff_ff02, 0xffff_ff03, (65001 << 16) | 200]),
    ]
    .concat();
    let nlri = [prefix(16, &[192, 168]), prefix(24, &[10, 10, 0]), prefix(17, &[172, 16, 0xff])].concat();
    update(&[], &attributes, &nlri)
}

/// The default route alone.
fn default_route_update() -> Vec<u8> {
    let attributes =
        [origin(0), attribute(WELL_KNOWN, 2, &segment(2, &[65002], true)), next_hop([10, 0, 0, 2])].concat();
    update(&[], &attributes, &prefix(0, &[]))
}

/// An UPDATE of a 2-byte AS speaker, with a confederation path, AS4_PATH and AGGREGATOR4 and a withdrawn route.
fn two_octet_update() -> Vec<u8> {
    let as_path = [
        segment(3, &[64512, 64513], false),
        segment(4, &[64514], false),
        segment(2, &[65002, u32::from(AS_TRANS)], false),
    ]
    .concat();
    let attributes = [
        origin(2),
        attribute(WELL_KNOWN, 2, &as_path),
        next_hop([192, 168, 100, 254]),
        attribute(OPTIONAL | TRANSITIVE, 7, &[&AS_TRANS.to_be_bytes()[..], &[10, 0, 0, 9]].concat()),
        attribute(OPTIONAL | TRANSITIVE | PARTIAL, 17, &segment(2, &[65002, FOUR_OCTET_AS], true)),
        attribute(OPTIONAL | TRANSITIVE | PARTIAL, 18, &[&FOUR_OCTET_AS.to_be_bytes()[..], &[10, 0, 0, 9]].concat()),
    ]
    .concat();
    update(&prefix(8, &[10]), &attributes, &prefix(32, &[198, 51, 100, 7]))
}

/// An UPDATE a route reflector passes on: ORIGINATOR_ID and CLUSTER_LIST, withdrawn routes, an empty AS path.
fn reflected_update() -> Vec<u8> {
    let attributes = [
        origin(1),
        attribute(WELL_KNOWN, 2, &[]),
        next_hop([10, 0, 0, 3]),
        attribute(WELL_KNOWN, 5, &100u32.to_be_bytes()),
        attribute(OPTIONAL, 9, &[10, 0, 0, 3]),
        attribute(OPTIONAL, 10, &[10, 255, 0, 1, 10, 255, 0, 2]),
    ]
    .concat();
    let withdrawn = [prefix(16, &[10, 20]), prefix(24, &[10, 30, 1]), prefix(25, &[10, 30, 2, 0x80])].concat();
    update(&withdrawn, &attributes, &prefix(22, &[100, 64, 4]))
}

fn mp_reach(afi: u16, safi: u8, next_hops: &[u8], nlri: &[u8]) -> Vec<u8> {
    let value = [&afi.to_be_bytes()[..], &[safi, next_hops.len() as u8], next_hops, &[0], nlri].concat();
    attribute(OPTIONAL | EXTENDED_LENGTH, 14, &value)
}

fn mp_unreach(afi: u16, safi: u8, nlri: &[u8]) -> Vec<u8> {
    attribute(OPTIONAL | EXTENDED_LENGTH, 15, &[&afi.to_be_bytes()[..], &[safi], nlri].concat())
}

/// An IPv6 UPDATE: routes with a global and a link-local next hop, and withdrawn ones.
fn ipv6_update() -> Vec<u8> {
    let global = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    let link_local = [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x42, 0xac, 0xff, 0xfe, 0x11, 0, 2];
    let reach_nlri = [
        prefix(48, &[0x20, 0x01, 0x0d, 0xb8, 0, 1]),
        prefix(64, &[0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 0x10]),
        prefix(0, &[]),
    ]
    .concat();
    let attributes = [
        mp_reach(AFI_IPV6, SAFI_UNICAST, &[global, link_local].concat(), &reach_nlri),
        origin(0),
        attribute(WELL_KNOWN, 2, &segment(2, &[65001, 65003], true)),
        attribute(OPTIONAL | TRANSITIVE, 32, &[65001u32, 1, 2, 65001, 3, 4].map(u32::to_be_bytes).concat()),
        mp_unreach(AFI_IPV6, SAFI_UNICAST, &prefix(56, &[0x20, 0x01, 0x0d, 0xb8, 0, 3, 0xab])),
    ]
    .concat();
    update(&[], &attributes, &[])
}

/// Routes with RFC 7911 path IDs, both in the UPDATE itself and in an MP_REACH_NLRI.
fn add_path_update() -> Vec<u8> {
    let with_id = |id: u32, prefix: Vec<u8>| [&id.to_be_bytes()[..], &prefix].concat();
    let nlri = [with_id(1, prefix(24, &[203, 0, 113])), with_id(2, prefix(24, &[203, 0, 113]))].concat();
    let withdrawn = with_id(7, prefix(16, &[10, 40]));
    let mp_nlri = [with_id(3, prefix(24, &[198, 18, 0])), with_id(4, prefix(32, &[198, 18, 1, 1]))].concat();
    let attributes = [
        origin(0),
        attribute(WELL_KNOWN, 2, &segment(2, &[65005], true)),
        next_hop([10, 0, 0, 5]),
        mp_reach(AFI_IPV4, SAFI_MULTICAST, &[10, 0, 0, 5], &mp_nlri),
    ]
    .concat();
    update(&withdrawn, &attributes, &nlri)
}

/// AIGP, ATTR_SET, an attribute ptstat has no decoder for, an MP_REACH of a family it does not decode, and flags
/// tcpdump shows in hex.
fn more_attributes_update() -> Vec<u8> {
    let aigp = [&[1, 0, 11][..], &1000u64.to_be_bytes(), &[2, 0, 5, 0xca, 0xfe]].concat();
    let attribute_set =
        [&FOUR_OCTET_AS.to_be_bytes()[..], &origin(0), &attribute(WELL_KNOWN, 5, &7u32.to_be_bytes())].concat();
    let attributes = [
        origin(0),
        attribute(WELL_KNOWN, 2, &segment(2, &[65001], false)),
        next_hop([10, 0, 0, 1]),
        attribute(OPTIONAL, 26, &aigp),
        attribute(OPTIONAL | TRANSITIVE, 128, &attribute_set),
        attribute(OPTIONAL | TRANSITIVE | EXTENDED_LENGTH | 0x03, 99, &[1, 2, 3, 4, 5]),
        mp_reach(AFI_IPV4, 4, &[10, 0, 0, 1], &[0x38, 0, 0x10, 0x01, 10, 1, 1]),
    ]
    .concat();
    update(&[], &attributes, &prefix(8, &[44]))
}

/// Extended communities of every format tcpdump decodes, and some it shows in hex.
fn extended_communities_update() -> Vec<u8> {
    let community = |community_type: u16, value: &[u8]| [&community_type.to_be_bytes()[..], value].concat();
    let link_bandwidth = [&65001u16.to_be_bytes()[..], &125_000_000f32.to_bits().to_be_bytes()].concat();
    let communities = [
        community(0x0002, &[0xfd, 0xe9, 0, 0, 0, 100]),
        community(0x0102, &[10, 0, 0, 1, 0, 5]),
        community(0x0202, &[&FOUR_OCTET_AS.to_be_bytes()[..], &[0, 7]].concat()),
        community(0x0003, &[0xfd, 0xe9, 10, 0, 0, 1]),
        community(0x0103, &[192, 168, 100, 254, 1, 0]),
        community(0x0203, &[0, 1, 0, 0, 0, 9]),
        community(0x4004, &link_bandwidth),
        community(0x0005, &[10, 0, 0, 7, 0, 0]),
        community(0x8001, &[10, 0, 0, 8, 0, 0]),
        community(0x0306, &[0, 0, 0, 0, 5, 1]),
        community(0x8000, &[0, 0, 0, 1, 1, 0]),
        community(0x0306, &[0, 0, 0, 2, 42, 0]),
        community(0x800a, &[19, 0x02, 0x05, 0xdc, 0, 0]),
        community(0x800a, &[99, 0, 0, 0, 0, 0]),
        community(0x0009, &[0xfd, 0xea, 0, 0, 0, 0]),
        community(0x010b, &[10, 0, 0, 1, 0, 1]),
        community(0x030c, &[0, 0, 0, 0, 0, 8]),
        community(0x030c, &[0, 0, 0, 0, 0, 99]),
        community(0x000a, &[0xfd, 0xe9, 0, 0, 0, 1]),
        community(0x8800, &[0x80, 0, 0, 0, 0, 1]),
        community(0x0600, &[0, 0, 0, 0, 0, 3]),
    ]
    .concat();
    let attributes = [
        origin(0),
        attribute(WELL_KNOWN, 2, &segment(2, &[65001], true)),
        next_hop([10, 0, 0, 1]),
        attribute(OPTIONAL | TRANSITIVE | EXTENDED_LENGTH, 16, &communities),
        attribute(OPTIONAL | TRANSITIVE, 16, &[0, 2, 0]),
    ]
    .concat();
    update(&[], &attributes, &prefix(24, &[10, 99, 0]))
}

/// A VPN prefix: length in bits with the label's and route distinguisher's, label, route distinguisher, address.
fn vpn_prefix(bits: u8, label: u32, route_distinguisher: &[u8; 8], address: &[u8]) -> Vec<u8> {
    let label = (label << 4 | 1).to_be_bytes();
    [&[bits + 88][..], &label[1..], route_distinguisher, &address[..usize::from(bits).div_ceil(8)]].concat()
}

/// An L3VPN UPDATE: routes of three kinds of route distinguisher with their next hop's, and withdrawn ones.
fn vpn_update(afi: u16, next_hop: &[u8], address: &[u8], withdrawn_address: &[u8]) -> Vec<u8> {
    const AS_NUMBER: [u8; 8] = [0, 0, 0xfd, 0xe9, 0, 0, 0, 100];
    const ADDRESS: [u8; 8] = [0, 1, 10, 0, 0, 1, 0, 7];
    const FOUR_OCTET: [u8; 8] = [0, 2, 0xfa, 0x56, 0xea, 0x01, 0, 9];
    const UNKNOWN: [u8; 8] = [0, 3, 1, 2, 3, 4, 5, 6];
    let bits = (address.len() * 8) as u8;
    let nlri = [
        vpn_prefix(bits, 16, &AS_NUMBER, address),
        vpn_prefix(bits - 1, 17, &ADDRESS, address),
        vpn_prefix(bits, 18, &FOUR_OCTET, address),
        vpn_prefix(bits, 19, &UNKNOWN, address),
    ]
    .concat();
    let mut bogus_bottom = vpn_prefix((withdrawn_address.len() * 8) as u8, 20, &AS_NUMBER, withdrawn_address);
    // A label without the bottom-of-stack bit, which tcpdump calls bogus.
    bogus_bottom[3] &= 0xfe;
    let attributes = [
        mp_reach(afi, 128, &[&[0; 8][..], next_hop].concat(), &nlri),
        origin(0),
        attribute(WELL_KNOWN, 2, &[]),
        attribute(OPTIONAL | TRANSITIVE, 16, &[0, 2, 0xfd, 0xe9, 0, 0, 0, 100]),
        mp_unreach(afi, 128, &[bogus_bottom, vec![87]].concat()),
        mp_reach(afi, 129, &[1, 2, 3], &[]),
    ]
    .concat();
    update(&[], &attributes, &[])
}

/// RFC 3107's labeled routes, IPv4 and IPv6.
fn labeled_update() -> Vec<u8> {
    let labeled = |bits: u8, label: u32, address: &[u8]| {
        [&[bits + 24][..], &(label << 4 | 1).to_be_bytes()[1..], &address[..usize::from(bits).div_ceil(8)]].concat()
    };
    let ipv6_next_hop = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    let attributes = [
        mp_reach(
            AFI_IPV4,
            4,
            &[10, 0, 0, 1],
            &[labeled(32, 3, &[10, 0, 0, 1]), labeled(24, 299_776, &[10, 5, 5])].concat(),
        ),
        mp_reach(
            AFI_IPV6,
            4,
            &ipv6_next_hop,
            &[labeled(64, 2, &[0x20, 0x01, 0x0d, 0xb8, 0, 9, 0, 0]), vec![20]].concat(),
        ),
        mp_unreach(AFI_IPV4, 4, &[labeled(16, 0x80000, &[172, 20]), vec![64, 0, 0, 1, 10]].concat()),
        mp_unreach(AFI_IPV6, 4, &[labeled(128, 5, &[0xfe; 16])[..10].to_vec()].concat()),
        origin(0),
        attribute(WELL_KNOWN, 2, &segment(2, &[65001], true)),
    ]
    .concat();
    update(&[], &attributes, &[])
}

/// RFC 4684's route target membership, of every route target format and prefix length.
fn route_target_update() -> Vec<u8> {
    let membership = |bits: u8, origin: u32, target: &[u8]| {
        [&[bits][..], &origin.to_be_bytes(), &target[..usize::from(bits - 32).div_ceil(8)]].concat()
    };
    let nlri = [
        vec![0],
        membership(96, 65001, &[0, 2, 0xfd, 0xe9, 0, 0, 0, 100]),
        membership(96, FOUR_OCTET_AS, &[1, 2, 10, 0, 0, 1, 0, 5]),
        membership(96, FOUR_OCTET_AS, &[2, 2, 0xfa, 0x56, 0xea, 0x01, 0, 7]),
        membership(32, 65001, &[]),
        membership(44, 65001, &[0, 0xff]),
        membership(83, 65001, &[0, 2, 0xfd, 0xe9, 0, 0, 0xff]),
        membership(96, 65001, &[6, 0, 1, 2, 3, 4, 5, 6]),
        vec![20],
    ]
    .concat();
    let attributes = [
        mp_reach(AFI_IPV4, 132, &[10, 0, 0, 1], &nlri),
        mp_unreach(AFI_IPV4, 132, &[100, 0, 0, 0xfd, 0xe9]),
        origin(0),
        attribute(WELL_KNOWN, 2, &[]),
    ]
    .concat();
    update(&[], &attributes, &[])
}

/// RFC 6037's MDT routes.
fn mdt_update() -> Vec<u8> {
    let mdt = |route_distinguisher: &[u8], address: [u8; 4], group: [u8; 4]| {
        [&[128][..], route_distinguisher, &address, &group].concat()
    };
    let nlri = [mdt(&[0, 0, 0xfd, 0xe9, 0, 0, 0, 100], [10, 0, 0, 1], [239, 1, 1, 1]), vec![120, 0]].concat();
    let attributes = [
        mp_reach(AFI_IPV4, 66, &[10, 0, 0, 1], &nlri),
        mp_unreach(AFI_IPV4, 66, &mdt(&[0, 1, 10, 0, 0, 1, 0, 7], [10, 0, 0, 2], [239, 2, 2, 2])),
        origin(0),
        attribute(WELL_KNOWN, 2, &[]),
    ]
    .concat();
    update(&[], &attributes, &[])
}

/// RFC 6514's multicast VPN routes of every type, with IPv4 and IPv6 sources and groups.
fn multicast_vpn_update() -> Vec<u8> {
    const RD: [u8; 8] = [0, 0, 0xfd, 0xe9, 0, 0, 0, 100];
    const FOUR_OCTET_RD: [u8; 8] = [0, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    let route = |route_type: u8, fields: &[u8]| [&[route_type, fields.len() as u8][..], fields].concat();
    let ipv6_group = [0xff, 0x3e, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    let ipv6_source = [0x20, 0x01, 0x0d, 0xb8, 0xaa, 0xaa, 0xbb, 0xbb, 0xcc, 0xcc, 0xdd, 0xdd, 0xee, 0xee, 0xff, 0xff];
    let source_and_group = [&[32][..], &[10, 1, 1, 1], &[32], &[232, 1, 1, 1]].concat();
    let ipv6_source_and_group = [&[128][..], &ipv6_source, &[128], &ipv6_group].concat();
    let nlri = [
        route(1, &[&RD[..], &[10, 0, 0, 1]].concat()),
        route(1, &[&RD[..], &ipv6_source].concat()),
        route(1, &[&RD[..], &[10, 0, 0]].concat()),
        route(2, &[&RD[..], &FOUR_OCTET_AS.to_be_bytes()].concat()),
        route(3, &[&RD[..], &source_and_group, &[10, 0, 0, 1]].concat()),
        route(4, &[1, 2, 3]),
        route(5, &[&RD[..], &source_and_group].concat()),
        route(6, &[&RD[..], &65001u32.to_be_bytes(), &[0], &[32, 239, 1, 1, 1]].concat()),
        route(7, &[&FOUR_OCTET_RD[..], &u32::MAX.to_be_bytes(), &ipv6_source_and_group].concat()),
        route(7, &[&RD[..], &65001u32.to_be_bytes(), &[24, 10, 1, 1, 40, 1, 2, 3, 4, 5]].concat()),
        route(9, &[0; 4]),
    ]
    .concat();
    let attributes = [
        mp_reach(AFI_IPV4, 5, &[10, 0, 0, 1], &nlri),
        mp_unreach(AFI_IPV6, 5, &route(1, &[&RD[..], &ipv6_source].concat())),
        origin(0),
        attribute(WELL_KNOWN, 2, &[]),
    ]
    .concat();
    update(&[], &attributes, &[])
}

/// RFC 4761's VPLS routes with a circuit status vector, an auto-discovery one, and an L2VPN one.
fn l2vpn_update() -> Vec<u8> {
    const RD: [u8; 8] = [0, 0, 0xfd, 0xe9, 0, 0, 0, 100];
    let route = |fields: &[u8]| [&(fields.len() as u16).to_be_bytes()[..], fields].concat();
    let label_block = [&RD[..], &[0, 3], &[0, 1], &[0x03, 0xe8, 0x01]].concat();
    let status_vector = [1, 0, 12, 0xa5, 0xf0];
    let vpls = [
        route(&[&label_block[..], &status_vector].concat()),
        route(&[&label_block[..], &[7, 0, 16, 1, 2]].concat()),
        route(&[&RD[..], &[10, 0, 0, 9]].concat()),
    ]
    .concat();
    let attributes = [
        mp_reach(25, 65, &[10, 0, 0, 1], &vpls),
        mp_unreach(196, 128, &route(&[&label_block[..], &[1, 0, 40, 0xff]].concat())),
        mp_unreach(25, 65, &route(&[&label_block[..], &[9, 0]].concat())),
        origin(0),
        attribute(WELL_KNOWN, 2, &[]),
        attribute(OPTIONAL | TRANSITIVE, 16, &[0x80, 0x0a, 19, 0, 0x05, 0xdc, 0, 0]),
    ]
    .concat();
    update(&[], &attributes, &[])
}

/// NSAP routes, plain and of VPNs, whose next hops are NSAP addresses, some holding IP addresses.
fn nsap_update() -> Vec<u8> {
    const RD: [u8; 8] = [0, 1, 10, 0, 0, 1, 0, 7];
    let area = [0x49, 0, 1, 0x19, 0x21, 0x68, 0, 0x10, 0x01];
    // tcpdump reads an NSAP prefix's address three bytes after its length, and counts only the length's byte
    // and the address's: the three bytes show as prefixes of their own.
    let nsap_prefix =
        |bits: u8, address: &[u8]| [&[bits, 0, 0, 0][..], &address[..usize::from(bits).div_ceil(8)]].concat();
    let ipv4_nsap = [&[0x47, 0, 6, 1][..], &[10, 0, 0, 1], &[0; 3]].concat();
    let ipv6_nsap = [&[0x35, 0, 0][..], &[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], &[0]].concat();
    let attributes = [
        mp_reach(AFI_NSAP, 1, &area, &[nsap_prefix(72, &area), nsap_prefix(0, &[])].concat()),
        mp_reach(AFI_NSAP, 128, &[&RD[..], &ipv4_nsap].concat(), &vpn_prefix(24, 30, &RD, &area)),
        mp_reach(AFI_NSAP, 128, &[&RD[..], &ipv6_nsap].concat(), &[]),
        mp_reach(AFI_NSAP, 128, &[&RD[..], &area].concat(), &[]),
        mp_reach(AFI_NSAP, 129, &[0, 1, 2], &[]),
        mp_unreach(AFI_NSAP, 1, &[160, 0, 0, 0]),
        origin(0),
        attribute(WELL_KNOWN, 2, &[]),
    ]
    .concat();
    update(&[], &attributes, &[])
}

/// PMSI tunnel attributes of every tunnel type.
fn pmsi_tunnels_update() -> Vec<u8> {
    let pmsi = |flags: u8, tunnel_type: u8, identifier: &[u8]| {
        attribute(OPTIONAL | TRANSITIVE, 22, &[&[flags, tunnel_type, 0, 0x3e, 0x81][..], identifier].concat())
    };
    let attributes = [
        pmsi(0, 6, &[10, 0, 0, 1]),
        pmsi(1, 3, &[10, 0, 0, 2, 232, 1, 1, 1]),
        pmsi(0, 4, &[10, 0, 0, 3, 239, 1, 1, 1]),
        pmsi(0, 5, &[10, 0, 0, 4, 239, 1, 1, 2]),
        pmsi(0, 2, &[10, 0, 0, 5, 0, 0, 1, 0]),
        pmsi(0, 7, &[10, 0, 0, 6, 0, 0, 2, 0]),
        pmsi(0, 1, &[10, 0, 0, 7, 0, 0, 0, 9]),
        pmsi(0, 9, &[1, 2, 3]),
        pmsi(0x80, 0, &[]),
        attribute(OPTIONAL | TRANSITIVE, 22, &[0, 6, 0, 0]),
    ]
    .concat();
    update(&[], &attributes, &[])
}

fn route_refresh(afi: u16, safi: u8) -> Vec<u8> {
    message(ROUTE_REFRESH, &afi_safi(afi, 0, safi))
}

fn notification(code: u8, subcode: u8, data: &[u8]) -> Vec<u8> {
    message(NOTIFICATION, &[&[code, subcode][..], data].concat())
}

fn notifications() -> Vec<Vec<u8>> {
    let shutdown_text = b"maintenance: back at 14:00 \xe2\x9c\x93";
    vec![
        notification(6, 2, &[&[shutdown_text.len() as u8][..], shutdown_text].concat()),
        notification(6, 4, &[0]),
        notification(6, 4, &[0, 0xde, 0xad]),
        notification(6, 2, &[40, b'x']),
        notification(6, 1, &[0, 1, 1, 0, 0, 0x03, 0xe8]),
        notification(6, 3, &[]),
        notification(6, 9, &[]),
        notification(4, 0, &[]),
        notification(1, 2, &[0, 12]),
        notification(2, 2, &[0xfd, 0xe9]),
        notification(2, 99, &[]),
        notification(3, 11, &[0x40, 2, 1, 9]),
        notification(5, 2, &[]),
        notification(7, 4, &[]),
        notification(9, 1, &[]),
    ]
}

/// Messages whose lengths contradict each other, as tcpdump's `[|bgp]` and `invalid` forms need.
fn malformed_messages() -> Vec<Vec<u8>> {
    let ipv4_nlri = prefix(24, &[10, 1, 2]);
    vec![
        // A message length below the header's.
        [&[0xff; 16][..], &[0, 18, KEEPALIVE]].concat(),
        // Options longer than the OPEN; a parameter longer than the options; capabilities past their parameter.
        open(65001, 90, [10, 0, 0, 1], &capabilities(&[multiprotocol(AFI_IPV4, SAFI_UNICAST)]))
            .into_iter()
            .enumerate()
            .map(|(index, byte)| if index == 28 { 40 } else { byte })
            .collect(),
        open(65001, 90, [10, 0, 0, 1], &[2, 9, 1, 4, 0, 1, 0, 1]),
        open(65001, 90, [10, 0, 0, 1], &[2, 4, 1, 6, 0, 1]),
        open(65001, 90, [10, 0, 0, 1], &capabilities(&[capability(1, &[0, 1]), capability(65, &[0, 1])])),
        open(65001, 90, [10, 0, 0, 1], &capabilities(&[capability(64, &[0x80]), capability(69, &[0, 1, 1, 3, 0, 2])])),
        open(65001, 90, [10, 0, 0, 1], &capabilities(&[capability(69, &[])])),
        message(OPEN, &[4, 0xfd, 0xe9]),
        // Attributes of the wrong lengths.
        update(
            &[],
            &[
                attribute(WELL_KNOWN, 1, &[0, 0]),
                attribute(WELL_KNOWN, 1, &[7]),
                attribute(WELL_KNOWN, 2, &[2, 1, 0]),
                attribute(WELL_KNOWN, 3, &[10, 0, 0]),
                attribute(OPTIONAL, 4, &[0, 0, 1]),
                attribute(WELL_KNOWN, 6, &[0]),
                attribute(OPTIONAL | TRANSITIVE, 7, &[0, 1, 10, 0, 0]),
                attribute(OPTIONAL | TRANSITIVE, 18, &[0, 1, 10, 0, 0, 1]),
                attribute(OPTIONAL | TRANSITIVE, 8, &[0, 1, 0]),
                attribute(OPTIONAL, 9, &[10]),
                attribute(OPTIONAL, 10, &[10, 0, 0, 1, 2]),
                attribute(OPTIONAL | TRANSITIVE, 32, &[0; 8]),
                attribute(WELL_KNOWN, 2, &[7, 1, 0, 1]),
            ]
            .concat(),
            &ipv4_nlri,
        ),
        // An AS path segment longer than its attribute.
        update(&[], &attribute(WELL_KNOWN, 2, &[2, 5, 0, 1, 0, 2]), &[]),
        // Illegal prefix lengths; a prefix cut by the end of the routes.
        update(&[33, 10], &[], &[]),
        update(&[], &[], &[40, 10, 0, 0, 0, 0]),
        update(&[], &[], &[24, 10, 0]),
        update(&[16, 10, 1, 24], &[], &[]),
        // Attribute headers cut by the attributes' length; a value longer than the attributes; no room for them.
        update(&[], &[0x40], &[]),
        update(&[], &[0x50, 2, 0], &[]),
        update(&[], &[0x40, 1, 5, 0], &[]),
        message(UPDATE, &[0, 0, 0, 9, 0x40, 1, 1, 0]),
        message(UPDATE, &[0, 5, 16, 10]),
        message(UPDATE, &[0]),
        // MP_REACH_NLRI too short for its next hops, an IPv4 next hop too short, an illegal prefix length, a
        // prefix reaching past the attribute, and SNPAs.
        update(&[], &attribute(OPTIONAL, 14, &[0, 1, 1, 20, 10]), &[]),
        update(&[], &attribute(OPTIONAL, 14, &[0, 1, 1, 6, 10, 0, 0, 1, 10, 0, 0, 24, 10, 1, 1]), &[]),
        update(&[], &attribute(OPTIONAL, 14, &[0, 2, 1, 0, 0, 129, 0]), &[]),
        update(&[], &attribute(OPTIONAL, 14, &[0, 1, 1, 4, 10, 0, 0, 1, 0, 24, 10]), &ipv4_nlri),
        update(&[], &attribute(OPTIONAL, 14, &[0, 1, 1, 4, 10, 0, 0, 1, 2, 3, 1, 2, 3, 0, 16, 10, 9]), &[]),
        update(&[], &attribute(OPTIONAL, 14, &[0, 1, 1, 4, 10, 0, 0, 1, 1, 9, 1]), &[]),
        update(&[], &attribute(OPTIONAL, 14, &[0, 1]), &[]),
        update(&[], &attribute(OPTIONAL, 15, &[0, 1]), &ipv4_nlri),
        update(&[], &attribute(OPTIONAL, 15, &[0, 2, 1, 200]), &[]),
        // A PMSI tunnel whose identifier goes past the end of the segment.
        update(&[], &attribute(OPTIONAL | TRANSITIVE, 22, &[0, 3, 0, 0, 0, 10, 0]), &[]),
        // Route target membership and MDT routes past the end of the segment.
        update(&[], &attribute(OPTIONAL, 14, &[0, 1, 132, 4, 10, 0, 0, 1, 0, 96, 0, 0]), &[]),
        update(&[], &attribute(OPTIONAL, 14, &[0, 1, 66, 4, 10, 0, 0, 1, 0, 128, 0, 0, 0]), &[]),
        // Multicast VPN routes whose fields go past the end of the segment.
        update(&[], &attribute(OPTIONAL, 14, &[0, 1, 5, 4, 10, 0, 0, 1, 0, 3, 12, 0, 0, 0, 0, 0, 0, 0, 0, 32, 1]), &[]),
        update(&[], &attribute(OPTIONAL, 14, &[0, 1, 5, 4, 10, 0, 0, 1, 0, 2, 12, 0, 0, 0, 0, 0, 0, 0]), &[]),
        update(
            &[],
            &attribute(OPTIONAL, 14, &[0, 1, 5, 4, 10, 0, 0, 1, 0, 6, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
            &[],
        ),
        // VPLS routes of a length tcpdump does not know, and whose status vector goes past the segment's end.
        update(&[], &attribute(OPTIONAL, 15, &[0, 25, 65, 0, 14]), &[]),
        update(&[], &attribute(OPTIONAL, 15, &[&[0, 25, 65, 0, 30][..], &[0; 15], &[1, 0, 64, 1]].concat()), &[]),
        // AIGP TLVs whose lengths are wrong; an ATTR_SET cut short.
        update(&[], &attribute(OPTIONAL, 26, &[1, 0, 2]), &[]),
        update(&[], &attribute(OPTIONAL, 26, &[1, 0, 9, 0, 0, 0, 0, 0, 0]), &[]),
        update(&[], &attribute(OPTIONAL, 26, &[1, 0, 11, 0, 0]), &[]),
        update(&[], &attribute(OPTIONAL, 128, &[0, 0, 1]), &[]),
        update(&[], &attribute(OPTIONAL, 128, &[0, 0, 0xfd, 0xe9, 0x40, 1, 3, 0]), &[]),
        update(&[], &attribute(OPTIONAL, 128, &[0, 0, 0xfd, 0xe9, 0x40]), &[]),
        // Bytes before the first marker, and a lone marker at the end.
        [&[1, 2, 3][..], &keepalive(), &[0xff; 10]].concat(),
    ]
}
