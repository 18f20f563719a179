//! Captures of more host services over UDP that tcpdump prints by port: RADIUS's messages and attributes,
//! NetBIOS's name service queries, responses and registrations and its datagram service's headers (which
//! tcpdump, built without SMB support as by default, prints as plain UDP); with datagrams between their ports and
//! other printers'; PTP's version 2 messages of every type; IKEv1 and IKEv2 exchanges, on port 500 and behind
//! NAT traversal's marker on 4500; all with copies cut at every length of the payload.

use pcap_file::DataLink;

use super::{Capture, HOSTS4, HOSTS6, add_every_cut, services::datagram};

/// What the captures hold: file name and packets.
pub fn captures() -> [(&'static str, Capture); 4] {
    [
        ("radius.pcap", radius_capture()),
        ("nbns.pcap", netbios_capture()),
        ("ptp.pcap", ptp_capture()),
        ("isakmp.pcap", isakmp_capture()),
    ]
}

/// Adds `frame` and its copies cut at every length inside its `payload_len`-byte payload.
fn add_with_payload_cuts(capture: &mut Capture, frame: Vec<u8>, payload_len: usize) {
    let headers: Vec<usize> = (1..frame.len() - payload_len).collect();
    add_every_cut(capture, &frame, &headers);
    capture.add(frame);
}

const RADIUS_AUTH_PORT: u16 = 1812;
const RADIUS_ACCT_PORT: u16 = 1813;
const RADIUS_OLD_AUTH_PORT: u16 = 1645;
const RADIUS_OLD_ACCT_PORT: u16 = 1646;
const RADIUS_CISCO_COA_PORT: u16 = 1700;
const RADIUS_COA_PORT: u16 = 3799;
const NAS_PORT: u16 = 50123;

/// A RADIUS attribute: type, length, value.
fn attribute(attribute_type: u8, value: &[u8]) -> Vec<u8> {
    [&[attribute_type, value.len() as u8 + 2][..], value].concat()
}

fn number(attribute_type: u8, value: u32) -> Vec<u8> {
    attribute(attribute_type, &value.to_be_bytes())
}

/// A RADIUS message: code, identifier, length, authenticator, attributes.
fn radius(code: u8, id: u8, attributes: &[Vec<u8>]) -> Vec<u8> {
    let attributes = attributes.concat();
    let len = (20 + attributes.len()) as u16;
    let authenticator: Vec<u8> = (0..16u8).map(|index| (0x11 * (index % 15 + 1)).wrapping_add(id)).collect();
    [&[code, id][..], &len.to_be_bytes(), &authenticator, &attributes].concat()
}

/// An EAP packet: code, identifier, length, then the type and its data for requests and responses.
fn eap(code: u8, id: u8, body: &[u8]) -> Vec<u8> {
    [&[code, id][..], &((4 + body.len()) as u16).to_be_bytes(), body].concat()
}

fn eap_message(eap: Vec<u8>) -> Vec<u8> {
    attribute(79, &eap)
}

/// A Vendor-Specific attribute: the vendor's number and its own type-length-value attributes.
fn vendor(vendor_id: u32, attributes: &[Vec<u8>]) -> Vec<u8> {
    attribute(26, &[&vendor_id.to_be_bytes()[..], &attributes.concat()].concat())
}

fn radius_messages() -> Vec<Vec<u8>> {
    let message_authenticator =
        attribute(80, &[0x5a, 0x41, 0x7f, 0x20, 0xc3, 0x09, 0x4e, 0x31, 0, 1, 2, 3, 4, 5, 6, 7]);
    let access_request = radius(
        1,
        0x2a,
        &[
            attribute(1, b"alice@example.com"),
            attribute(2, &[0x8f; 16]),
            attribute(4, &[10, 0, 0, 1]),
            number(5, 7),
            number(6, 2),
            number(7, 1),
            attribute(30, b"02-42-AC-11-00-03:eduroam"),
            attribute(31, b"02-42-AC-11-00-02"),
            number(61, 15),
            attribute(32, b"ap-3rd-floor"),
            attribute(12, &1400u32.to_be_bytes()),
            attribute(77, b"CONNECT 1000Mbps 802.11ax"),
            eap_message(eap(2, 1, b"\x01alice@example.com")),
            message_authenticator.clone(),
        ],
    );
    let challenge = radius(
        11,
        0x2a,
        &[
            eap_message(eap(1, 2, &[13, 0x20])),
            attribute(24, b"state\x00\x01\x02"),
            number(27, 30),
            message_authenticator.clone(),
        ],
    );
    let accept = radius(
        2,
        0x2b,
        &[
            attribute(8, &[192, 168, 10, 20]),
            attribute(9, &[255, 255, 255, 0]),
            number(12, 1500),
            number(10, 3),
            number(13, 1),
            number(28, 600),
            number(27, 86_400),
            number(27, 3725),
            attribute(25, b"class-1\xff"),
            attribute(18, b"Welcome, alice"),
            vendor(311, &[attribute(16, &[0x80, 1, 2, 3]), attribute(17, &[0x80, 4, 5, b'a'])]),
            vendor(9, &[attribute(1, b"shell:priv-lvl=15")]),
            attribute(64, &[0, 0, 0, 13]),
            attribute(65, &[0, 0, 0, 6]),
            attribute(81, b"\x00100"),
            attribute(81, b"vlan100"),
            attribute(11, b"acl-staff"),
            number(29, 1),
            eap_message(eap(3, 9, &[])),
            message_authenticator.clone(),
        ],
    );
    let reject = radius(
        3,
        0x2c,
        &[attribute(18, b"Authentication failed"), eap_message(eap(4, 9, &[])), message_authenticator.clone()],
    );
    let accounting_start = radius(
        4,
        0x40,
        &[
            number(40, 1),
            attribute(44, b"5F3A9C01-00000001"),
            number(45, 1),
            number(41, 0),
            number(55, 1_700_000_000),
            attribute(1, b"alice"),
            attribute(4, &[10, 0, 0, 1]),
            number(5, 7),
            attribute(95, &[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
            attribute(97, &[0, 64, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0]),
            attribute(123, &[0, 56, 0x20, 0x01, 0x0d, 0xb8, 0, 0xff, 0, 0]),
            attribute(98, &[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53]),
        ],
    );
    let accounting_stop = radius(
        4,
        0x41,
        &[
            number(40, 2),
            attribute(44, b"5F3A9C01-00000001"),
            number(42, 123_456_789),
            number(43, 987_654),
            number(47, 1234),
            number(48, 567),
            number(52, 2),
            number(53, 0),
            number(46, 45),
            number(49, 1),
            number(85, 300),
            number(51, 1),
            attribute(50, b"multi-1"),
        ],
    );
    let odd_values = radius(
        4,
        0x42,
        &[
            number(40, 99),
            number(49, 0),
            number(6, 20),
            number(61, 40),
            number(23, 0xffff_fffe),
            number(23, 12),
            number(37, 0),
            number(37, 5),
            number(38, 0),
            number(38, 6),
            attribute(83, &[2, 0, 0, 9]),
            attribute(83, &[0, 0, 1, 0]),
            attribute(56, &[0x31, 0, 0, 100]),
            attribute(56, &[0x33, 0, 0, 100]),
            attribute(58, b"\x32guests"),
            attribute(8, &[255, 255, 255, 255]),
            attribute(8, &[255, 255, 255, 254]),
            attribute(14, &[255, 255, 255, 255]),
            attribute(64, &[3, 0, 0, 3]),
            attribute(64, &[0, 0, 0, 20]),
            attribute(69, b"\x05\x12\x34secret"),
            attribute(69, b"\x25\x12\x34x"),
            attribute(66, b"\x01192.0.2.1"),
            attribute(67, b"192.0.2.2"),
            attribute(90, b"\x00client"),
            attribute(72, &[0, 0, 0, 4]),
            number(76, 1),
            number(15, 8),
            number(15, 9),
        ],
    );
    let special = radius(
        43,
        0x50,
        &[
            attribute(70, &[1, 2, 3, 4, 5, 6, 7, 8, 0xa9, 0xba, 0xcb, 0xdc, 0xed, 0xfe, 0x0f, 0x10]),
            attribute(70, &[1, 2, 3]),
            attribute(71, &[1, 6, 0x5f, 0, 0, 1, 0x60, 0, 0, 2, 0x61, 0, 0, 3]),
            attribute(71, &[0, 6, 0x5f, 0, 0, 1, 0x60, 0, 0, 2, 0x61, 0, 0, 3]),
            attribute(71, &[0, 6]),
            attribute(84, &[0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 4]),
            attribute(84, &[0xde, 0xad]),
            number(101, 503),
            number(101, 999),
            attribute(101, &[1, 2]),
            attribute(124, &[0, 0, 0x0a, 0, 0, 0, 0, 3]),
            attribute(124, &[0, 0, 0, 0, 0, 0, 0, 0]),
            attribute(124, &[1]),
            attribute(125, &[64, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            attribute(125, &[200, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            attribute(125, &[64]),
            attribute(126, b"1example.net"),
            attribute(126, b"7x\x01"),
            attribute(126, b"1"),
            attribute(
                127,
                &[&[0, 1, 0, 1][..], &0xe8f3_4f80u32.to_be_bytes(), &0x8000_0000u32.to_be_bytes(), &[0; 8], b"GPS"]
                    .concat(),
            ),
            attribute(127, &[[0, 2, 5, 9].as_slice(), &[0; 16], b"x"].concat()),
            attribute(127, &[0; 10]),
            attribute(128, b"\x00\x01US CA San Francisco Market St 1"),
            attribute(128, b"\x00\x01"),
            attribute(129, &[[0x80, 0x01].as_slice(), &0xe8f3_4f80u32.to_be_bytes(), &[0; 4], b"no sharing"].concat()),
            attribute(129, &[[0, 0].as_slice(), &[0; 8]].concat()),
            attribute(129, &[0; 4]),
            attribute(97, &[0, 129, 0x20, 0x01]),
            attribute(97, &[0, 64, 0x20, 0x01]),
            attribute(97, &[0]),
            attribute(95, &[1, 2, 3, 4]),
            attribute(4, &[1, 2, 3]),
            attribute(5, &[1, 2, 3, 4, 5]),
            number(55, 5),
            attribute(55, &[1]),
        ],
    );
    let eap_variants = radius(
        11,
        0x60,
        &[
            eap_message(eap(1, 3, &[2, b'H', b'i', 0, b'x'])),
            eap_message(eap(1, 3, &[2])),
            eap_message(eap(2, 3, &[3, 13, 21, 25, 200])),
            eap_message(eap(2, 3, &[3])),
            eap_message(eap(1, 4, &[21, 0x81])),
            eap_message(eap(1, 4, &[21, 0xc0, 0, 0, 0x10, 0])),
            eap_message(eap(1, 4, &[13])),
            eap_message(eap(1, 5, &[43, 0x21])),
            eap_message(eap(1, 5, &[43, 0x81, 0, 1])),
            eap_message(eap(1, 5, &[43])),
            eap_message(eap(1, 6, &[18, 10, 0, 0])),
            eap_message(eap(1, 6, &[23, 1, 0, 0])),
            eap_message(eap(1, 6, &[23, 99])),
            eap_message(eap(1, 6, &[23])),
            eap_message(eap(2, 7, &[1])),
            eap_message(eap(2, 7, &[4, 16, 1, 2, 3])),
            eap_message(eap(2, 7, &[254, 0, 0, 0])),
            eap_message(eap(9, 7, &[])),
            eap_message(eap(2, 7, &[])),
            eap_message(vec![1, 8, 0, 2]),
            eap_message(vec![1, 8, 0, 40, 1]),
        ],
    );
    let bogus = |attributes: &[Vec<u8>]| radius(40, 0x70, attributes);
    vec![
        access_request,
        challenge,
        accept,
        reject,
        accounting_start,
        accounting_stop,
        radius(5, 0x41, &[]),
        odd_values,
        special,
        eap_variants,
        radius(40, 0x70, &[attribute(1, b"bob"), attribute(8, &[192, 168, 10, 21])]),
        radius(41, 0x70, &[]),
        radius(42, 0x71, &[number(101, 503)]),
        radius(44, 0x72, &[]),
        radius(45, 0x73, &[number(101, 404)]),
        radius(12, 0x74, &[message_authenticator]),
        radius(13, 0x75, &[]),
        radius(99, 0x76, &[attribute(200, b"x"), attribute(0, b"zero"), attribute(130, b"y"), attribute(17, b"u")]),
        radius(255, 0x77, &[]),
        bogus(&[attribute(1, b"bob"), vec![18, 1, 0]]),
        bogus(&[attribute(1, b"bob"), vec![18, 40, 0]]),
        bogus(&[attribute(1, b"bob"), vec![18]]),
        bogus(&[vendor(9, &[vec![1, 1]])]),
        bogus(&[vendor(9, &[vec![1, 9, 0]])]),
        bogus(&[vendor(2636, &[attribute(1, b"a"), vec![2]])]),
        bogus(&[attribute(26, &[0, 0, 0])]),
        bogus(&[vendor(99_999, &[])]),
        bogus(&[attribute(1, &[]), attribute(3, &[1; 17])]),
    ]
}

fn radius_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let messages = radius_messages();
    let ports = [
        RADIUS_AUTH_PORT,
        RADIUS_AUTH_PORT,
        RADIUS_AUTH_PORT,
        RADIUS_AUTH_PORT,
        RADIUS_ACCT_PORT,
        RADIUS_OLD_ACCT_PORT,
        RADIUS_ACCT_PORT,
        RADIUS_ACCT_PORT,
        RADIUS_CISCO_COA_PORT,
        RADIUS_OLD_AUTH_PORT,
    ];
    for (index, message) in messages.iter().enumerate() {
        let hosts = if index % 5 == 4 { HOSTS6 } else { HOSTS4 };
        let port = ports.get(index).copied().unwrap_or(RADIUS_COA_PORT);
        let (source, destination) = if index % 2 == 0 { (NAS_PORT, port) } else { (port, NAS_PORT) };
        capture.add(datagram(hosts, source, destination, message));
    }
    // The header's length beyond the datagram, and below a header's.
    let mut long = messages[6].clone();
    long[2..4].copy_from_slice(&200u16.to_be_bytes());
    capture.add(datagram(HOSTS4, NAS_PORT, RADIUS_ACCT_PORT, &long));
    let mut short = messages[1].clone();
    short[2..4].copy_from_slice(&19u16.to_be_bytes());
    capture.add(datagram(HOSTS4, NAS_PORT, RADIUS_AUTH_PORT, &short));
    // A header's length that ends inside an attribute.
    let mut inside = messages[0].clone();
    inside[2..4].copy_from_slice(&27u16.to_be_bytes());
    capture.add(datagram(HOSTS4, NAS_PORT, RADIUS_AUTH_PORT, &inside));
    inside[2..4].copy_from_slice(&21u16.to_be_bytes());
    capture.add(datagram(HOSTS4, NAS_PORT, RADIUS_AUTH_PORT, &inside));
    capture.add(datagram(HOSTS4, NAS_PORT, RADIUS_AUTH_PORT, &messages[0][..12]));
    // Between RADIUS's ports and other printers': which one tcpdump picks.
    for other in [53, 67, 69, 123, 161, 520, 547, 1701, 3784, 514, 5060] {
        capture.add(datagram(HOSTS4, RADIUS_AUTH_PORT, other, &messages[6]));
        capture.add(datagram(HOSTS4, other, RADIUS_COA_PORT, &messages[6]));
    }
    for index in [0, 2, 4, 8, 9, 19, 22] {
        let message = &messages[index];
        add_with_payload_cuts(&mut capture, datagram(HOSTS4, NAS_PORT, RADIUS_AUTH_PORT, message), message.len());
    }
    capture
}

const NETBIOS_NS_PORT: u16 = 137;
const NETBIOS_DGRAM_PORT: u16 = 138;

/// A NetBIOS name in the name service's encoding: 16 bytes (15 padded with spaces and the type), each as two
/// letters from A, then scope labels and the root.
fn netbios_name(name: &[u8], name_type: u8, scope: &[&str]) -> Vec<u8> {
    let mut raw = name.to_vec();
    raw.resize(15, b' ');
    raw.push(name_type);
    encoded_name(&raw, scope)
}

fn encoded_name(raw: &[u8], scope: &[&str]) -> Vec<u8> {
    let mut encoded = vec![(raw.len() * 2) as u8];
    for byte in raw {
        encoded.extend([b'A' + (byte >> 4), b'A' + (byte & 0x0f)]);
    }
    for label in scope {
        encoded.push(label.len() as u8);
        encoded.extend_from_slice(label.as_bytes());
    }
    encoded.push(0);
    encoded
}

/// A name service packet: id, flags, the four counts, then the records as given.
fn name_service(id: u16, flags: u16, counts: [u16; 4], records: &[Vec<u8>]) -> Vec<u8> {
    let mut packet = [id.to_be_bytes(), flags.to_be_bytes()].concat();
    counts.iter().for_each(|count| packet.extend(count.to_be_bytes()));
    [packet, records.concat()].concat()
}

fn question(name: Vec<u8>, question_type: u16) -> Vec<u8> {
    [name, question_type.to_be_bytes().to_vec(), vec![0, 1]].concat()
}

fn resource(name: Vec<u8>, resource_type: u16, ttl: u32, data: &[u8]) -> Vec<u8> {
    [name, resource_type.to_be_bytes().to_vec(), vec![0, 1], ttl.to_be_bytes().to_vec()]
        .concat()
        .into_iter()
        .chain((data.len() as u16).to_be_bytes())
        .chain(data.iter().copied())
        .collect()
}

const NB: u16 = 0x20;
const NBSTAT: u16 = 0x21;
/// A pointer to the name right after the header.
const FIRST_NAME: [u8; 2] = [0xc0, 0x0c];

fn name_service_messages() -> Vec<Vec<u8>> {
    let fred = netbios_name(b"FRED", 0x20, &[]);
    let workgroup = netbios_name(b"WORKGROUP", 0x1d, &[]);
    let address = |flags: u16, ip: [u8; 4]| [flags.to_be_bytes().to_vec(), ip.to_vec()].concat();
    let status_names = [
        (b"FRED".as_slice(), 0x00, 0x04u8),
        (b"FRED", 0x20, 0x04),
        (b"WORKGROUP", 0x00, 0x84),
        (b"WORKGROUP", 0x1e, 0x9e),
        (b"__MSBROWSE__", 0x01, 0xe2),
    ];
    let mut status = vec![status_names.len() as u8];
    for (name, name_type, flags) in status_names {
        let mut raw = name.to_vec();
        raw.resize(15, b' ');
        status.extend(raw);
        status.extend([name_type, flags, 0]);
    }
    status.extend([0x02, 0x42, 0xac, 0x11, 0x00, 0x02]);
    status.extend([0; 40]);
    let star = encoded_name(b"*\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", &[]);
    vec![
        name_service(0x8a1c, 0x0110, [1, 0, 0, 0], &[question(fred.clone(), NB)]),
        name_service(0x8a1c, 0x8500, [0, 1, 0, 0], &[resource(fred.clone(), NB, 300_000, &address(0, [10, 0, 0, 2]))]),
        name_service(0x8a1d, 0x8503, [0, 1, 0, 0], &[resource(fred.clone(), 0x0a, 0, &[])]),
        name_service(
            0x8a1e,
            0x2910,
            [1, 0, 0, 1],
            &[
                question(workgroup.clone(), NB),
                resource(FIRST_NAME.to_vec(), NB, 300_000, &address(0x8000, [10, 0, 0, 1])),
            ],
        ),
        name_service(
            0x8a1f,
            0x3010,
            [1, 0, 0, 1],
            &[question(fred.clone(), NB), resource(FIRST_NAME.to_vec(), NB, 0, &address(0x6000, [10, 0, 0, 1]))],
        ),
        name_service(0x8a20, 0xbc00, [0, 1, 0, 0], &[resource(fred.clone(), NB, 2, &[0x29, 0x10])]),
        name_service(
            0x8a21,
            0x4010,
            [1, 0, 0, 1],
            &[question(fred.clone(), NB), resource(FIRST_NAME.to_vec(), NB, 300_000, &address(0, [10, 0, 0, 1]))],
        ),
        name_service(
            0x8a22,
            0x4800,
            [1, 0, 0, 1],
            &[question(fred.clone(), NB), resource(FIRST_NAME.to_vec(), NB, 300_000, &address(0, [10, 0, 0, 1]))],
        ),
        name_service(
            0x8a23,
            0x7900,
            [1, 0, 0, 1],
            &[question(fred.clone(), NB), resource(FIRST_NAME.to_vec(), NB, 300_000, &address(0, [10, 0, 0, 1]))],
        ),
        name_service(0x8a24, 0x0000, [1, 0, 0, 0], &[question(star.clone(), NBSTAT)]),
        name_service(0x8a24, 0x8400, [0, 1, 0, 0], &[resource(star, NBSTAT, 0, &status)]),
        name_service(
            0x8a25,
            0x1800,
            [1, 0, 0, 0],
            &[question(netbios_name(b"SCOPED", 0x00, &["corp", "example"]), NB)],
        ),
        name_service(0x8a26, 0x0110, [101, 0, 0, 0], &[]),
        name_service(0x8a26, 0x0110, [0, 60, 41, 0], &[]),
        name_service(0x8a27, 0x0110, [2, 0, 0, 0], &[question(fred.clone(), NB)]),
        name_service(0x8a28, 0x0110, [1, 0, 0, 0], &[question(vec![4, b'a', b'b', b'c', b'd', 0], NB)]),
        name_service(0x8a28, 0x0110, [1, 0, 0, 0], &[question(vec![0], NB)]),
        name_service(0x8a28, 0x0110, [1, 0, 0, 0], &[question([vec![64], vec![b'A'; 64], vec![0]].concat(), NB)]),
        name_service(0x8a28, 0x0110, [1, 0, 0, 0], &[question(vec![0xc0, 0x00], NB)]),
        name_service(0x8a28, 0x0110, [1, 0, 0, 0], &[question(vec![0xc1, 0x00], NB)]),
        name_service(0x8a28, 0x0110, [1, 0, 0, 0], &[question(encoded_name(b"BAD\x90", &[]), NB)]),
        name_service(0x8a29, 0x0110, [1, 0, 0, 0], &[question(fred.clone(), NB), vec![1, 2, 3, 4, 5]]),
        name_service(0x8a2a, 0x8500, [0, 2, 0, 0], &[resource(fred.clone(), NB, 300_000, &address(0, [10, 0, 0, 2]))]),
        name_service(0x8a2b, 0x8500, [0, 1, 0, 0], &[resource(fred, NB, 300_000, &(0..40).collect::<Vec<u8>>())]),
        name_service(0x8a2c, 0x8500, [0, 1, 0, 0], &[resource(workgroup, NB, 300_000, &[1, 2, 3, 4, 5, 6, 7, 8])]),
    ]
}

/// A datagram service packet: type, flags, id, source address and port, then what the type has.
fn netbios_datagram(message_type: u8, id: u16, rest: &[u8]) -> Vec<u8> {
    let header = [&[message_type, 0x02][..], &id.to_be_bytes(), &[10, 0, 0, 1], &NETBIOS_DGRAM_PORT.to_be_bytes()];
    [&header.concat(), rest].concat()
}

fn datagram_messages() -> Vec<Vec<u8>> {
    let names = [netbios_name(b"FRED", 0x00, &[]), netbios_name(b"WORKGROUP", 0x1d, &[])].concat();
    let data = b"not an SMB message".to_vec();
    let with_len = |payload: &[u8]| {
        let len = (names.len() + payload.len()) as u16;
        [&len.to_be_bytes()[..], &[0, 0], &names, payload].concat()
    };
    vec![
        netbios_datagram(0x11, 0x8001, &with_len(&data)),
        netbios_datagram(0x10, 0x8002, &with_len(&[])),
        netbios_datagram(0x12, 0x8003, &with_len(b"\xffSM")),
        netbios_datagram(0x13, 0x8004, &[0x82]),
        netbios_datagram(0x14, 0x8005, &[&[0, 0x22, 0, 0][..], &names[..34]].concat()),
    ]
}

fn netbios_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let name_service = name_service_messages();
    for (index, message) in name_service.iter().enumerate() {
        let hosts = if index % 5 == 4 { HOSTS6 } else { HOSTS4 };
        let client = if index % 3 == 0 { NETBIOS_NS_PORT } else { 49_137 };
        capture.add(datagram(hosts, client, NETBIOS_NS_PORT, message));
    }
    let datagrams = datagram_messages();
    for message in &datagrams {
        capture.add(datagram(HOSTS4, NETBIOS_DGRAM_PORT, NETBIOS_DGRAM_PORT, message));
    }
    capture.add(datagram(HOSTS4, 49_137, NETBIOS_NS_PORT, &[]));
    capture.add(datagram(HOSTS4, 49_138, NETBIOS_DGRAM_PORT, &[]));
    // Between NetBIOS's ports and other printers': which one tcpdump picks.
    for other in [53, 69, 123, 161, 520, 1701, 1812, 547, 514] {
        capture.add(datagram(HOSTS4, NETBIOS_NS_PORT, other, &name_service[0]));
        capture.add(datagram(HOSTS4, other, NETBIOS_DGRAM_PORT, &name_service[1]));
    }
    capture.add(datagram(HOSTS4, NETBIOS_NS_PORT, NETBIOS_DGRAM_PORT, &datagrams[0]));
    for index in [1, 3, 10, 11, 23] {
        let message = &name_service[index];
        add_with_payload_cuts(&mut capture, datagram(HOSTS4, 49_137, NETBIOS_NS_PORT, message), message.len());
    }
    for message in &datagrams[..2] {
        add_with_payload_cuts(&mut capture, datagram(HOSTS4, 49_138, NETBIOS_DGRAM_PORT, message), message.len());
    }
    capture
}

const PTP_EVENT_PORT: u16 = 319;
const PTP_GENERAL_PORT: u16 = 320;
const CLOCK_A: u64 = 0x0242_acff_fe11_0002;
const CLOCK_B: u64 = 0x0242_acff_fe11_0003;

/// What a PTP header says besides the message type: its first byte's upper half, version, flags, control field
/// and log interval.
#[derive(Clone, Copy)]
struct PtpHeader {
    transport: u8,
    version: u8,
    flags: u16,
    control: u8,
    log_interval: u8,
}

const PTP: PtpHeader = PtpHeader { transport: 0, version: 2, flags: 0, control: 5, log_interval: 0x7f };

/// A PTP message: the 34-byte header (domain 0, a correction, clock A's port 1) and the body.
fn ptp(message_type: u8, header: PtpHeader, sequence: u16, body: &[u8]) -> Vec<u8> {
    let len = (34 + body.len()) as u16;
    [
        &[header.transport | message_type, header.version][..],
        &len.to_be_bytes(),
        &[0, 0],
        &header.flags.to_be_bytes(),
        &(0x0001_2345_6789u64 << 16 | 0x8000).to_be_bytes(),
        &[0; 4],
        &CLOCK_A.to_be_bytes(),
        &1u16.to_be_bytes(),
        &sequence.to_be_bytes(),
        &[header.control, header.log_interval],
        body,
    ]
    .concat()
}

/// A PTP timestamp: 48 bits of seconds, 32 of nanoseconds.
fn ptp_timestamp(seconds: u64, nanoseconds: u32) -> Vec<u8> {
    [&seconds.to_be_bytes()[2..], &nanoseconds.to_be_bytes()[..]].concat()
}

fn port_identity(clock: u64, port: u16) -> Vec<u8> {
    [clock.to_be_bytes().to_vec(), port.to_be_bytes().to_vec()].concat()
}

/// PTP messages and the port each goes to.
fn ptp_messages() -> Vec<(u16, Vec<u8>)> {
    let now = ptp_timestamp(1_700_000_000, 123_456_789);
    let zero = ptp_timestamp(0, 0);
    let announce = [
        ptp_timestamp(0, 0),
        37u16.to_be_bytes().to_vec(),
        vec![0, 128, 6, 0x21],
        0x4e5du16.to_be_bytes().to_vec(),
        vec![128],
        CLOCK_B.to_be_bytes().to_vec(),
        1u16.to_be_bytes().to_vec(),
        vec![0x20],
    ]
    .concat();
    let two_step = PtpHeader { flags: 0x0200, control: 0, log_interval: 0xfd, ..PTP };
    vec![
        (PTP_EVENT_PORT, ptp(0x0, two_step, 1000, &zero)),
        (PTP_GENERAL_PORT, ptp(0x8, PtpHeader { control: 2, ..two_step }, 1000, &now)),
        (PTP_EVENT_PORT, ptp(0x1, PtpHeader { control: 1, ..PTP }, 7, &zero)),
        (
            PTP_GENERAL_PORT,
            ptp(0x9, PtpHeader { control: 3, ..PTP }, 7, &[now.clone(), port_identity(CLOCK_B, 1)].concat()),
        ),
        (PTP_GENERAL_PORT, ptp(0xb, PtpHeader { flags: 0x003c, log_interval: 1, ..PTP }, 55, &announce)),
        (PTP_EVENT_PORT, ptp(0x2, PTP, 9, &[zero.clone(), vec![0; 10]].concat())),
        (PTP_EVENT_PORT, ptp(0x3, two_step, 9, &[now.clone(), port_identity(CLOCK_B, 2)].concat())),
        (PTP_GENERAL_PORT, ptp(0xa, PTP, 9, &[now.clone(), port_identity(CLOCK_B, 2)].concat())),
        (
            PTP_GENERAL_PORT,
            ptp(
                0xc,
                PtpHeader { flags: 0x0400, ..PTP },
                3,
                &[port_identity(u64::MAX, 0xffff), vec![0, 2, 0, 2, 0, 0]].concat(),
            ),
        ),
        (
            PTP_GENERAL_PORT,
            ptp(
                0xd,
                PtpHeader { control: 4, ..PTP },
                4,
                &[port_identity(CLOCK_B, 1), vec![3, 2, 1, 0, 0, 1, 0, 2, 0x20, 0x00]].concat(),
            ),
        ),
        (PTP_EVENT_PORT, ptp(0x0, PtpHeader { transport: 0x10, flags: 0x18c0, ..two_step }, 1, &now)),
        (PTP_EVENT_PORT, ptp(0x0, PtpHeader { transport: 0x80, flags: 0x7fff, control: 9, ..two_step }, 2, &now)),
        (PTP_GENERAL_PORT, ptp(0x5, PtpHeader { flags: 0x0840, ..PTP }, 3, &[1, 2, 3])),
        (PTP_GENERAL_PORT, ptp(0xf, PTP, 4, &[])),
        (PTP_EVENT_PORT, ptp(0x0, PtpHeader { version: 0x12, ..two_step }, 5, &now)),
        (PTP_EVENT_PORT, ptp(0x0, PtpHeader { version: 1, ..two_step }, 6, &now)),
        (PTP_EVENT_PORT, ptp(0x0, PtpHeader { version: 3, ..two_step }, 7, &now)),
        (PTP_EVENT_PORT, ptp(0x0, two_step, 8, &[])[..33].to_vec()),
        (PTP_EVENT_PORT, ptp(0x0, two_step, 9, &[])),
        (PTP_GENERAL_PORT, ptp(0xb, PTP, 10, &announce[..20])),
    ]
}

fn ptp_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let messages = ptp_messages();
    for (index, (port, message)) in messages.iter().enumerate() {
        let hosts = if index % 5 == 4 { HOSTS6 } else { HOSTS4 };
        capture.add(datagram(hosts, *port, *port, message));
    }
    // Between PTP's ports and other printers': which one tcpdump picks.
    for other in [53, 123, 161, 520, 1812, 514, 6635, 50_000] {
        capture.add(datagram(HOSTS4, PTP_EVENT_PORT, other, &messages[0].1));
        capture.add(datagram(HOSTS4, other, PTP_GENERAL_PORT, &messages[1].1));
    }
    for index in [0, 3, 4, 6, 8, 9] {
        let (port, message) = &messages[index];
        add_with_payload_cuts(&mut capture, datagram(HOSTS4, *port, *port, message), message.len());
    }
    capture
}

const ISAKMP_PORT: u16 = 500;
const NAT_TRAVERSAL_PORT: u16 = 4500;
const INITIATOR_COOKIE: [u8; 8] = [0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x6f, 0x70, 0x81];
const RESPONDER_COOKIE: [u8; 8] = [0x91, 0xa2, 0xb3, 0xc4, 0xd5, 0xe6, 0xf7, 0x08];

/// An ISAKMP message: the cookies, first payload type, version, exchange type, flags, message id, length, then
/// the payloads.
fn isakmp(
    responder: [u8; 8],
    next: u8,
    version: u8,
    exchange: u8,
    flags: u8,
    message_id: u32,
    payloads: &[u8],
) -> Vec<u8> {
    let len = (28 + payloads.len()) as u32;
    [
        &INITIATOR_COOKIE[..],
        &responder,
        &[next, version, exchange, flags],
        &message_id.to_be_bytes(),
        &len.to_be_bytes(),
        payloads,
    ]
    .concat()
}

/// A payload: next payload type, critical flag, length, body.
fn ike_payload(next: u8, critical: bool, body: &[u8]) -> Vec<u8> {
    let len = (4 + body.len()) as u16;
    [&[next, if critical { 0x80 } else { 0 }][..], &len.to_be_bytes(), body].concat()
}

/// A transform attribute: short (type and value) or long (type, length, value).
fn short_attribute(attribute_type: u16, value: u16) -> Vec<u8> {
    [(attribute_type | 0x8000).to_be_bytes(), value.to_be_bytes()].concat()
}

fn long_attribute(attribute_type: u16, value: &[u8]) -> Vec<u8> {
    [&attribute_type.to_be_bytes()[..], &(value.len() as u16).to_be_bytes(), value].concat()
}

fn v1_transform(last: bool, number: u8, id: u8, attributes: &[Vec<u8>]) -> Vec<u8> {
    ike_payload(if last { 0 } else { 3 }, false, &[&[number, id, 0, 0][..], &attributes.concat()].concat())
}

fn v1_proposal(last: bool, number: u8, protocol: u8, spi: &[u8], transforms: &[Vec<u8>]) -> Vec<u8> {
    let header = [number, protocol, spi.len() as u8, transforms.len() as u8];
    ike_payload(if last { 0 } else { 2 }, false, &[&header[..], spi, &transforms.concat()].concat())
}

fn v1_sa(next: u8, situation: u32, proposals: &[Vec<u8>]) -> Vec<u8> {
    ike_payload(next, false, &[&1u32.to_be_bytes()[..], &situation.to_be_bytes(), &proposals.concat()].concat())
}

fn v2_transform(last: bool, transform_type: u8, id: u16, attributes: &[Vec<u8>]) -> Vec<u8> {
    let header = [&[transform_type, 0][..], &id.to_be_bytes()].concat();
    ike_payload(if last { 0 } else { 3 }, false, &[header, attributes.concat()].concat())
}

fn v2_proposal(last: bool, number: u8, protocol: u8, spi: &[u8], transforms: &[Vec<u8>]) -> Vec<u8> {
    let header = [number, protocol, spi.len() as u8, transforms.len() as u8];
    ike_payload(if last { 0 } else { 2 }, false, &[&header[..], spi, &transforms.concat()].concat())
}

fn v2_notify(next: u8, protocol: u8, spi: &[u8], notify_type: u16, data: &[u8]) -> Vec<u8> {
    let header = [&[protocol, spi.len() as u8][..], &notify_type.to_be_bytes()].concat();
    ike_payload(next, false, &[&header[..], spi, data].concat())
}

fn counting(len: usize, start: u8) -> Vec<u8> {
    (0..len).map(|index| start.wrapping_add(index as u8)).collect()
}

fn ikev1_messages() -> Vec<Vec<u8>> {
    let none = [0; 8];
    let ike_transforms = [
        v1_transform(
            false,
            1,
            1,
            &[
                short_attribute(1, 7),
                short_attribute(14, 256),
                short_attribute(2, 4),
                short_attribute(3, 1),
                short_attribute(4, 14),
                short_attribute(11, 1),
                long_attribute(12, &28_800u32.to_be_bytes()),
            ],
        ),
        v1_transform(
            true,
            2,
            1,
            &[
                short_attribute(1, 5),
                short_attribute(2, 2),
                short_attribute(3, 3),
                short_attribute(4, 2),
                short_attribute(20, 9),
                long_attribute(30, &[1, 2]),
            ],
        ),
    ];
    let main_sa = v1_sa(13, 1, &[v1_proposal(true, 1, 1, &[], &ike_transforms)]);
    let vendor = |next: u8, id: &[u8]| ike_payload(next, false, id);
    let nat_d = |next: u8, seed: u8| ike_payload(next, false, &counting(20, seed));
    let esp_transforms = [v1_transform(
        true,
        1,
        12,
        &[
            short_attribute(1, 1),
            long_attribute(2, &3600u32.to_be_bytes()),
            short_attribute(4, 1),
            short_attribute(5, 2),
            short_attribute(6, 128),
            short_attribute(3, 14),
        ],
    )];
    let id = |next: u8, id_type: u8, protocol: u8, port: u16, data: &[u8]| {
        ike_payload(next, false, &[&[id_type, protocol][..], &port.to_be_bytes(), data].concat())
    };
    let notify = |next: u8, doi: u32, protocol: u8, spi: &[u8], notify_type: u16, data: &[u8]| {
        let header = [&doi.to_be_bytes()[..], &[protocol, spi.len() as u8], &notify_type.to_be_bytes()].concat();
        ike_payload(next, false, &[&header[..], spi, data].concat())
    };
    let cookies = [INITIATOR_COOKIE, RESPONDER_COOKIE].concat();
    vec![
        isakmp(
            none,
            1,
            0x10,
            2,
            0,
            0,
            &[
                main_sa,
                vendor(13, b"\x4a\x13\x1c\x81\x07\x03\x58\x45\x5c\x57\x28\xf2\x0e\x95\x45\x2f"),
                vendor(0, b"strongSwan"),
            ]
            .concat(),
        ),
        isakmp(
            RESPONDER_COOKIE,
            1,
            0x10,
            2,
            0,
            0,
            &[v1_sa(0, 1, &[v1_proposal(true, 1, 1, &[], &ike_transforms[..1])])].concat(),
        ),
        isakmp(
            RESPONDER_COOKIE,
            4,
            0x10,
            2,
            0,
            0,
            &[
                ike_payload(10, false, &counting(128, 1)),
                ike_payload(20, false, &counting(32, 0x40)),
                nat_d(20, 7),
                nat_d(0, 9),
            ]
            .concat(),
        ),
        isakmp(RESPONDER_COOKIE, 5, 0x10, 2, 1, 0, &counting(60, 0x33)),
        isakmp(RESPONDER_COOKIE, 8, 0x10, 32, 3, 0x1234_5678, &counting(52, 0x21)),
        isakmp(
            RESPONDER_COOKIE,
            8,
            0x10,
            5,
            0,
            0x0bad_cafe,
            &[
                ike_payload(11, false, &counting(20, 3)),
                notify(11, 1, 1, &cookies, 24578, &[]),
                notify(
                    11,
                    1,
                    3,
                    &[1, 2, 3, 4],
                    24576,
                    &[short_attribute(11, 1), long_attribute(12, &3600u32.to_be_bytes())].concat(),
                ),
                notify(11, 1, 3, &[1, 2, 3, 4], 24577, &1u32.to_be_bytes()),
                notify(11, 1, 3, &[], 14, &counting(40, 0x60)),
                notify(11, 1, 0, &[], 8193, &[]),
                notify(11, 1, 0, &[], 16384, &[]),
                notify(11, 1, 0, &[], 40000, &[]),
                notify(11, 2, 7, &[5, 6], 16384, &[]),
                notify(11, 2, 7, &[], 9000, &[]),
                notify(12, 2, 7, &[], 30000, &[]),
                ike_payload(
                    12,
                    false,
                    &[
                        &1u32.to_be_bytes()[..],
                        &[3, 4],
                        &2u16.to_be_bytes(),
                        &[0xc0, 0x01, 0x02, 0x03, 0xc0, 0x04, 0x05, 0x06],
                    ]
                    .concat(),
                ),
                ike_payload(0, false, &[&7u32.to_be_bytes()[..], &[1, 0], &0u16.to_be_bytes()].concat()),
            ]
            .concat(),
        ),
        isakmp(
            none,
            1,
            0x10,
            4,
            0,
            0,
            &[
                v1_sa(4, 1, &[v1_proposal(true, 1, 1, &[], &ike_transforms[1..])]),
                ike_payload(10, false, &counting(64, 0x11)),
                ike_payload(5, false, &counting(8, 0x90)),
                id(5, 2, 17, 500, b"vpn.example.com"),
                id(5, 1, 17, 500, &[192, 0, 2, 1]),
                id(5, 1, 0, 0, &[192, 0, 2]),
                id(5, 4, 6, 0, &[10, 1, 0, 0, 255, 255, 0, 0]),
                id(5, 5, 0, 0, &counting(16, 0x20)),
                id(5, 6, 0, 0, &counting(32, 0x20)),
                id(5, 7, 0, 0, &[10, 0, 0, 1, 10, 0, 0, 9]),
                id(5, 8, 0, 0, &counting(32, 0x20)),
                id(5, 11, 0, 0, b"key-7"),
                id(5, 9, 0, 0, &counting(12, 0x30)),
                id(6, 3, 0, 0, &[]),
                ike_payload(7, false, &[&[4][..], &counting(20, 0x70)].concat()),
                ike_payload(9, false, &[4]),
                ike_payload(21, false, &counting(24, 0x55)),
                ike_payload(0, false, &counting(6, 0x99)),
            ]
            .concat(),
        ),
        isakmp(
            RESPONDER_COOKIE,
            8,
            0x10,
            32,
            0,
            0x0000_0042,
            &[
                ike_payload(1, false, &counting(20, 0x44)),
                v1_sa(
                    10,
                    1,
                    &[
                        v1_proposal(false, 1, 3, &[0xc1, 0x22, 0x33, 0x44], &esp_transforms),
                        v1_proposal(true, 2, 2, &[1, 2, 3, 4], &[v1_transform(true, 1, 3, &[short_attribute(5, 2)])]),
                    ],
                ),
                ike_payload(5, false, &counting(16, 0x05)),
                id(5, 4, 0, 0, &[10, 1, 0, 0, 255, 255, 0, 0]),
                id(0, 4, 0, 0, &[10, 2, 0, 0, 255, 255, 0, 0]),
            ]
            .concat(),
        ),
        isakmp(
            RESPONDER_COOKIE,
            1,
            0x10,
            32,
            0,
            7,
            &[
                ike_payload(1, false, &[&9u32.to_be_bytes()[..], &1u32.to_be_bytes()].concat()),
                v1_sa(0, 2, &[v1_proposal(true, 1, 4, &[0, 7], &[v1_transform(true, 1, 2, &[])])]),
            ]
            .concat(),
        ),
        isakmp(
            RESPONDER_COOKIE,
            1,
            0x10,
            2,
            0,
            0,
            &v1_sa(
                0,
                1,
                &[v1_proposal(
                    true,
                    1,
                    9,
                    &[],
                    &[v1_transform(true, 1, 77, &[short_attribute(1, 1), long_attribute(2, &[9])])],
                )],
            ),
        ),
        isakmp(
            RESPONDER_COOKIE,
            13,
            0x10,
            6,
            4,
            0,
            &[ike_payload(50, false, &[1, 2]), ike_payload(46, false, &[3]), ike_payload(0, false, &[])].concat(),
        ),
        isakmp(RESPONDER_COOKIE, 13, 0x10, 2, 0, 0, &[ike_payload(13, false, &[1, 2]), vec![0, 0, 0, 40, 1]].concat()),
        isakmp(none, 13, 0x10, 2, 0, 0, &ike_payload(0, false, &[1, 2, 3, 4])),
        isakmp(none, 0, 0x10, 0, 0, 0, &[]),
        isakmp(none, 0, 0x31, 2, 0, 0, &[]),
        isakmp(
            RESPONDER_COOKIE,
            1,
            0x10,
            2,
            0,
            0,
            &v1_sa(
                0,
                1,
                &[v1_proposal(
                    true,
                    1,
                    1,
                    &[],
                    &[v1_transform(true, 1, 1, &[short_attribute(1, 7), vec![0, 5, 0, 9, 1]])],
                )],
            ),
        ),
    ]
}

fn ikev2_messages() -> Vec<Vec<u8>> {
    let none = [0; 8];
    let ike_proposal = v2_proposal(
        false,
        1,
        1,
        &[],
        &[
            v2_transform(false, 1, 12, &[short_attribute(14, 256)]),
            v2_transform(false, 1, 20, &[short_attribute(14, 128), long_attribute(15, &[1])]),
            v2_transform(false, 2, 2, &[]),
            v2_transform(false, 2, 7, &[]),
            v2_transform(false, 3, 2, &[]),
            v2_transform(false, 3, 12, &[]),
            v2_transform(false, 4, 14, &[]),
            v2_transform(false, 4, 31, &[]),
            v2_transform(false, 5, 0, &[]),
            v2_transform(true, 9, 1, &[]),
        ],
    );
    let esp_proposal = v2_proposal(
        true,
        2,
        3,
        &[0xc5, 0x00, 0x11, 0x22],
        &[
            v2_transform(false, 1, 12, &[short_attribute(14, 128)]),
            v2_transform(false, 3, 12, &[]),
            v2_transform(true, 5, 1, &[]),
        ],
    );
    let sa = |next: u8| ike_payload(next, false, &[ike_proposal.clone(), esp_proposal.clone()].concat());
    let nonce = |next: u8| ike_payload(next, false, &counting(32, 0xa0));
    let ke = |next: u8| ike_payload(next, false, &[&14u16.to_be_bytes()[..], &[0, 0], &counting(64, 0x10)].concat());
    vec![
        isakmp(
            none,
            33,
            0x20,
            34,
            0x08,
            0,
            &[
                sa(34),
                ke(40),
                nonce(41),
                v2_notify(41, 0, &[], 16388, &counting(20, 0x31)),
                v2_notify(41, 0, &[], 16389, &counting(20, 0x51)),
                v2_notify(41, 0, &[], 16431, &[0, 2, 0, 3]),
                v2_notify(43, 0, &[], 16390, &counting(16, 1)),
                ike_payload(0, false, b"\x88\x2f\xe5\x6dstrongSwan"),
            ]
            .concat(),
        ),
        isakmp(
            RESPONDER_COOKIE,
            33,
            0x20,
            34,
            0x20,
            0,
            &[
                sa(34),
                ke(40),
                nonce(38),
                ike_payload(41, false, &[&[4][..], &counting(20, 0x77)].concat()),
                v2_notify(41, 0, &[], 16390, &counting(40, 1)),
                v2_notify(0, 1, &counting(8, 1), 4, &[1, 2]),
            ]
            .concat(),
        ),
        isakmp(RESPONDER_COOKIE, 46, 0x20, 35, 0x08, 1, &ike_payload(35, false, &counting(80, 0x12))),
        isakmp(
            RESPONDER_COOKIE,
            35,
            0x20,
            35,
            0x08,
            1,
            &[
                ike_payload(36, false, &[&[2, 0, 0, 0][..], b"client.example.com"].concat()),
                ike_payload(39, false, &[1, 0, 0, 0, 192, 0, 2, 1]),
                ike_payload(33, false, &[&[2, 0, 0, 0][..], &counting(16, 0xd0)].concat()),
                ike_payload(44, false, &[esp_proposal.clone()].concat()),
                ike_payload(45, false, &counting(16, 0x01)),
                ike_payload(47, false, &counting(16, 0x02)),
                ike_payload(48, true, &counting(8, 0x03)),
                ike_payload(42, false, &[1, 0, 0, 0]),
                ike_payload(37, false, &[4, 1, 2, 3]),
                ike_payload(41, false, &[3, 4, 0, 3, 1, 2, 3, 4]),
                ike_payload(35, false, &[3, 0, 0, 0, b'a', b'@', 0x01]),
                ike_payload(35, false, &[5, 0, 0, 0]),
                ike_payload(35, false, &[9, 0, 0, 0, 1, 2]),
                ike_payload(35, false, &[10, 0, 0, 0, 1]),
                ike_payload(35, false, &[11, 0, 0, 0, 7]),
                ike_payload(39, false, &[7, 0, 0]),
                ike_payload(35, false, &[2, 0]),
                ike_payload(34, false, &[0, 2]),
                ike_payload(20, false, &[1]),
                ike_payload(1, false, &[&1u32.to_be_bytes()[..], &1u32.to_be_bytes()].concat()),
                ike_payload(0, false, &[0, 0, 0, 0, 1]),
            ]
            .concat(),
        ),
        isakmp(RESPONDER_COOKIE, 46, 0x20, 37, 0x20, 2, &ike_payload(0, true, &counting(48, 0x90))),
        isakmp(RESPONDER_COOKIE, 46, 0x20, 36, 0x18, 3, &ike_payload(33, false, &counting(3, 0x90))),
        isakmp(RESPONDER_COOKIE, 41, 0x20, 37, 0x01, 4, &counting(20, 0)),
        isakmp(
            RESPONDER_COOKIE,
            41,
            0x20,
            37,
            0,
            5,
            &[
                v2_notify(41, 3, &[1, 2, 3, 4], 11, &[]),
                v2_notify(41, 3, &[1, 2, 3, 4], 1, &[]),
                v2_notify(41, 0, &[], 5000, &[]),
                v2_notify(41, 0, &[], 9000, &[]),
                v2_notify(41, 0, &[], 20000, &[]),
                v2_notify(41, 0, &[], 50000, &[]),
                v2_notify(41, 3, &[1, 2, 3, 4], 16393, &[]),
                v2_notify(41, 0, &[], 16384, &[]),
                v2_notify(0, 0, &[], 14, &[]),
            ]
            .concat(),
        ),
        isakmp(
            RESPONDER_COOKIE,
            33,
            0x20,
            34,
            0,
            0,
            &ike_payload(
                0,
                false,
                &v2_proposal(true, 1, 1, &[1, 2, 3, 4, 5, 6, 7, 8, 9], &[v2_transform(true, 1, 12, &[])]),
            ),
        ),
        isakmp(RESPONDER_COOKIE, 33, 0x20, 34, 0, 0, &ike_payload(0, false, &[0, 0, 0, 3, 1])),
        isakmp(RESPONDER_COOKIE, 33, 0x20, 34, 0, 0, &ike_payload(0, false, &[0, 0, 0, 40, 1, 1, 0, 1])),
        isakmp(
            RESPONDER_COOKIE,
            33,
            0x20,
            34,
            0,
            0,
            &ike_payload(0, false, &[&[3, 0, 0, 12, 1, 1, 0, 1][..], &[0, 0, 0, 4]].concat()),
        ),
        isakmp(
            RESPONDER_COOKIE,
            33,
            0x20,
            34,
            0,
            0,
            &ike_payload(0, false, &[&[0, 0, 0, 12, 1, 1, 0, 1][..], &[0, 0, 0, 40]].concat()),
        ),
    ]
}

fn isakmp_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let reversed = HOSTS4.reversed();
    let v1 = ikev1_messages();
    for (index, message) in v1.iter().enumerate() {
        // The exchange goes back and forth; the initiator's cookie tells tcpdump which side sends.
        let hosts = if index % 2 == 0 { HOSTS4 } else { reversed };
        capture.add(datagram(hosts, ISAKMP_PORT, ISAKMP_PORT, message));
    }
    let v2 = ikev2_messages();
    for (index, message) in v2.iter().enumerate() {
        let hosts = if index % 5 == 4 {
            HOSTS6
        } else if index % 2 == 0 {
            HOSTS4
        } else {
            reversed
        };
        capture.add(datagram(hosts, ISAKMP_PORT, ISAKMP_PORT, message));
    }
    // NAT traversal: a keep-alive, IKE after the non-ESP marker, ESP, and datagrams too short for either.
    let with_marker = |message: &[u8]| [&[0, 0, 0, 0][..], message].concat();
    let esp = [&0x0102_0304u32.to_be_bytes()[..], &7u32.to_be_bytes(), &counting(40, 0)].concat();
    for payload in
        [vec![0xff], with_marker(&v2[2]), with_marker(&v1[3]), esp.clone(), vec![0xfe], vec![0, 0], vec![0, 0, 0, 0]]
    {
        capture.add(datagram(HOSTS4, NAT_TRAVERSAL_PORT, NAT_TRAVERSAL_PORT, &payload));
    }
    for port in [7500, 8500] {
        capture.add(datagram(HOSTS4, 40_000, port, &v2[0]));
    }
    // A message whose header says it is longer than the datagram.
    let mut long = v1[0].clone();
    long[24..28].copy_from_slice(&1000u32.to_be_bytes());
    capture.add(datagram(HOSTS4, ISAKMP_PORT, ISAKMP_PORT, &long));
    capture.add(datagram(HOSTS4, ISAKMP_PORT, ISAKMP_PORT, &v1[0][..27]));
    // Between ISAKMP's ports and other printers': which one tcpdump picks.
    for other in [53, 67, 69, 123, 161, 520, 1701, 1812, 137, 319, 4789, 4500] {
        capture.add(datagram(HOSTS4, ISAKMP_PORT, other, &v2[0]));
        capture.add(datagram(HOSTS4, other, NAT_TRAVERSAL_PORT, &with_marker(&v2[0])));
    }
    for message in [&v1[0], &v1[5], &v1[6], &v2[0], &v2[3], &v2[7]] {
        add_with_payload_cuts(&mut capture, datagram(HOSTS4, ISAKMP_PORT, ISAKMP_PORT, message), message.len());
    }
    let marked = with_marker(&v2[2]);
    add_with_payload_cuts(
        &mut capture,
        datagram(HOSTS4, NAT_TRAVERSAL_PORT, NAT_TRAVERSAL_PORT, &marked),
        marked.len(),
    );
    add_with_payload_cuts(&mut capture, datagram(HOSTS4, NAT_TRAVERSAL_PORT, NAT_TRAVERSAL_PORT, &esp), esp.len());
    capture
}
