//! Captures of host services over UDP that tcpdump prints by port: SNMP's messages of every version and PDU,
//! values of every type, malformed encodings, datagrams between SNMP's ports and other printers', and copies cut
//! at every length from the payload's start on.

use pcap_file::DataLink;

use super::{
    Capture, HOSTS4, HOSTS6,
    services::{add_with_cuts, datagram},
};

/// What the captures hold: file name and packets.
pub fn captures() -> [(&'static str, Capture); 1] {
    [("snmp.pcap", snmp_capture())]
}

const SNMP_PORT: u16 = 161;
const SNMP_TRAP_PORT: u16 = 162;
const MANAGER_PORT: u16 = 40161;

/// A BER element: tag, definite length (long form past 127 bytes), contents.
fn ber(tag: u8, contents: &[u8]) -> Vec<u8> {
    let len = contents.len();
    let length: Vec<u8> = if len < 0x80 { vec![len as u8] } else { vec![0x82, (len >> 8) as u8, len as u8] };
    [&[tag][..], &length, contents].concat()
}

fn sequence(elements: &[Vec<u8>]) -> Vec<u8> {
    ber(0x30, &elements.concat())
}

/// An INTEGER in as few bytes as two's complement needs.
fn integer(value: i64) -> Vec<u8> {
    let bytes = value.to_be_bytes();
    let mut start = 0;
    while start < 7
        && ((bytes[start] == 0 && bytes[start + 1] < 0x80) || (bytes[start] == 0xff && bytes[start + 1] >= 0x80))
    {
        start += 1;
    }
    ber(0x02, &bytes[start..])
}

fn string(text: &[u8]) -> Vec<u8> {
    ber(0x04, text)
}

fn null() -> Vec<u8> {
    ber(0x05, &[])
}

/// An OBJECT IDENTIFIER: the first two arcs in one number, each in 7-bit groups.
fn oid(arcs: &[u32]) -> Vec<u8> {
    let mut numbers = vec![arcs[0] * 40 + arcs[1]];
    numbers.extend_from_slice(&arcs[2..]);
    let mut contents = Vec::new();
    for number in numbers {
        let mut groups = vec![(number & 0x7f) as u8];
        let mut rest = number >> 7;
        while rest > 0 {
            groups.push((rest & 0x7f) as u8 | 0x80);
            rest >>= 7;
        }
        contents.extend(groups.iter().rev());
    }
    ber(0x06, &contents)
}

/// An application-class unsigned number (Counter 0x41, Gauge 0x42, TimeTicks 0x43, Counter64 0x46).
fn unsigned(tag: u8, value: u64) -> Vec<u8> {
    let bytes = value.to_be_bytes();
    let start = bytes.iter().position(|&byte| byte != 0).unwrap_or(7);
    let contents = if bytes[start] >= 0x80 { [&[0][..], &bytes[start..]].concat() } else { bytes[start..].to_vec() };
    ber(tag, &contents)
}

const SYS_DESCR: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 1, 0];
const SYS_UPTIME: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 3, 0];
const IF_IN_OCTETS: [u32; 11] = [1, 3, 6, 1, 2, 1, 2, 2, 1, 10, 1];
const ENTERPRISE: [u32; 7] = [1, 3, 6, 1, 4, 1, 8072];

fn binding(name: &[u32], value: Vec<u8>) -> Vec<u8> {
    sequence(&[oid(name), value])
}

/// A request-style PDU: request id, error status and index, bindings.
fn pdu(tag: u8, request_id: i64, status: i64, index: i64, bindings: &[Vec<u8>]) -> Vec<u8> {
    ber(tag, &[integer(request_id), integer(status), integer(index), sequence(bindings)].concat())
}

/// A v1 or v2c message: version, community, PDU.
fn community_message(version: i64, community: &[u8], pdu: Vec<u8>) -> Vec<u8> {
    sequence(&[integer(version), string(community), pdu])
}

fn snmp_messages() -> Vec<Vec<u8>> {
    let get = pdu(0xa0, 1234, 0, 0, &[binding(&SYS_DESCR, null()), binding(&SYS_UPTIME, null())]);
    let values = [
        binding(&SYS_DESCR, string(b"Linux router 6.1.0 #1 SMP")),
        binding(&SYS_UPTIME, unsigned(0x43, 123_456)),
        binding(&IF_IN_OCTETS, unsigned(0x41, 4_000_000_000)),
        binding(&[1, 3, 6, 1, 2, 1, 2, 2, 1, 5, 1], unsigned(0x42, 1_000_000_000)),
        binding(&[1, 3, 6, 1, 2, 1, 4, 20, 1, 1, 10, 0, 0, 1], ber(0x40, &[10, 0, 0, 1])),
        binding(&[1, 3, 6, 1, 2, 1, 1, 2, 0], oid(&ENTERPRISE)),
        binding(&[1, 3, 6, 1, 2, 1, 1, 7, 0], integer(-72)),
        binding(&[1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, 1], unsigned(0x46, 0x1_0000_0005)),
        binding(&[1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, 2], unsigned(0x46, 0xffff_ffff_ffff_fffe)),
        binding(&[1, 3, 6, 1, 2, 1, 2, 2, 1, 6, 1], string(&[0x52, 0x54, 0x00, 0x12, 0x34, 0x56])),
        binding(&[1, 3, 6, 1, 2, 1, 1, 9, 0], ber(0x80, &[])),
        binding(&[1, 3, 6, 1, 2, 1, 1, 9, 1], ber(0x81, &[])),
        binding(&[1, 3, 6, 1, 2, 1, 1, 9, 2], ber(0x82, &[])),
        binding(&[1, 3, 6, 1, 4, 1, 2021, 10, 1, 3, 1], ber(0x44, &[0x9f, 0x78, 0x04, 0x3f, 0x80, 0, 0])),
        binding(&[2, 999, 1], ber(0x01, &[0xff])),
    ];
    let response = pdu(0xa2, 1234, 0, 0, &values);
    let trap = ber(
        0xa4,
        &[
            oid(&ENTERPRISE),
            ber(0x40, &[192, 0, 2, 1]),
            integer(6),
            integer(17),
            unsigned(0x43, 5000),
            sequence(&[binding(&SYS_DESCR, string(b"trap"))]),
        ]
        .concat(),
    );
    let link_down = ber(
        0xa4,
        &[oid(&ENTERPRISE), ber(0x40, &[192, 0, 2, 1]), integer(2), integer(3), unsigned(0x43, 1), sequence(&[])]
            .concat(),
    );
    let v2_trap_bindings = [
        binding(&SYS_UPTIME, unsigned(0x43, 77)),
        binding(&[1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0], oid(&[1, 3, 6, 1, 6, 3, 1, 1, 5, 1])),
    ];
    let usm = sequence(&[
        string(&[0x80, 0, 0x1f, 0x88, 0x80, 1, 2, 3, 4]),
        integer(7),
        integer(123_456),
        string(b"admin"),
        string(&[0; 12]),
        string(&[]),
    ]);
    let v3 = |flags: u8, model: i64, scoped: Vec<u8>| {
        sequence(&[
            integer(3),
            sequence(&[integer(91), integer(65_507), string(&[flags]), integer(model)]),
            string(&usm),
            scoped,
        ])
    };
    let scoped = sequence(&[
        string(&[0x80, 0, 0x1f, 0x88, 4]),
        string(b"ctx"),
        pdu(0xa0, 5, 0, 0, &[binding(&SYS_DESCR, null())]),
    ]);
    let report = sequence(&[
        string(&[]),
        string(&[]),
        pdu(0xa8, 5, 0, 0, &[binding(&[1, 3, 6, 1, 6, 3, 15, 1, 1, 4, 0], unsigned(0x41, 3))]),
    ]);
    vec![
        community_message(0, b"public", get.clone()),
        community_message(1, b"private", get.clone()),
        community_message(0, b"public", pdu(0xa1, -5, 0, 0, &[binding(&IF_IN_OCTETS, null())])),
        community_message(1, b"public", response.clone()),
        community_message(0, b"public", pdu(0xa2, 9, 2, 1, &[binding(&SYS_DESCR, null())])),
        community_message(0, b"public", pdu(0xa2, 9, 5, 0, &[binding(&SYS_DESCR, null())])),
        community_message(0, b"public", pdu(0xa2, 9, 0, 3, &[binding(&SYS_DESCR, null())])),
        community_message(0, b"public", pdu(0xa2, 9, 42, 2, &[binding(&SYS_DESCR, null())])),
        community_message(0, b"secret", pdu(0xa3, 77, 0, 0, &[binding(&SYS_DESCR, string(b"new name"))])),
        community_message(0, b"public", pdu(0xa3, 77, 4, 1, &[binding(&SYS_DESCR, integer(1))])),
        community_message(1, b"public", pdu(0xa5, 8, 1, 10, &[binding(&IF_IN_OCTETS, null())])),
        community_message(1, b"public", pdu(0xa0, 8, 0, 0, &[binding(&IF_IN_OCTETS, integer(3))])),
        community_message(1, b"public", pdu(0xa6, 8, 0, 0, &v2_trap_bindings)),
        community_message(1, b"public", pdu(0xa7, 8, 0, 0, &v2_trap_bindings)),
        community_message(1, b"public", pdu(0xa8, 8, 0, 0, &v2_trap_bindings)),
        community_message(0, b"public", trap.clone()),
        community_message(0, b"public", link_down),
        community_message(1, b"public", trap),
        community_message(0, b"public", pdu(0xa5, 8, 1, 10, &[])),
        v3(0x04, 3, scoped.clone()),
        v3(0x07, 3, scoped.clone()),
        v3(0x00, 3, report),
        v3(0x02, 3, scoped.clone()),
        v3(0x01, 2, scoped.clone()),
        // Bytes left inside the v3 header and the USM parameters: tcpdump takes the header's for what follows.
        sequence(&[
            integer(3),
            sequence(&[integer(91), integer(65_507), string(&[0x04]), integer(3), string(&usm)]),
            scoped.clone(),
        ]),
        sequence(&[
            integer(3),
            sequence(&[integer(91), integer(65_507), string(&[0x04]), integer(3)]),
            string(&sequence(&[string(&[1]), integer(1), integer(2), string(b"u"), string(&[]), string(&[]), null()])),
            scoped,
        ]),
        // Malformed: not a sequence, a bad version, a long-form length, lengths past the end, bytes after it.
        integer(5),
        sequence(&[integer(2), string(b"public"), get.clone()]),
        sequence(&[integer(9), string(b"public")]),
        sequence(&[string(b"1"), string(b"public")]),
        sequence(&[integer(0), integer(0)]),
        sequence(&[integer(0), string(b"public"), integer(0)]),
        [community_message(0, b"public", get.clone()), vec![0, 0, 0]].concat(),
        vec![0x30, 0x84, 0, 0, 0, 3, 2, 1, 0],
        vec![0x30, 0x10, 2, 1, 0],
        vec![0x30, 0x85, 1],
        vec![0x30],
        vec![0x3f, 0x81, 0x05, 0x00],
        vec![0x7f, 0x05, 0x00],
        vec![0xc0, 0x00],
        vec![0xe5, 0x00],
        vec![0x23, 0x00],
        sequence(&[integer(0), string(b"x\x01y"), pdu(0xa0, 1, 0, 0, &[sequence(&[null(), null()])])]),
        sequence(&[integer(0), string(b"public"), pdu(0xa0, 1, 0, 0, &[integer(3)])]),
        sequence(&[integer(0), string(b"public"), ber(0xa0, &[integer(1), integer(0)].concat())]),
    ]
}

fn snmp_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let messages = snmp_messages();
    for (index, message) in messages.iter().enumerate() {
        let hosts = if index % 5 == 4 { HOSTS6 } else { HOSTS4 };
        let port = if index % 7 == 6 { SNMP_TRAP_PORT } else { SNMP_PORT };
        capture.add(datagram(hosts, MANAGER_PORT, port, message));
    }
    // Between SNMP's ports and other printers': which one tcpdump picks.
    for other in [53, 67, 69, 123, 514, 520, 546] {
        capture.add(datagram(HOSTS4, SNMP_PORT, other, &messages[0]));
        capture.add(datagram(HOSTS4, other, SNMP_TRAP_PORT, &messages[0]));
    }
    // A tag whose number takes bytes of its own.
    let extended_tag = [0xbf, 0x81, 0x05, 0x00];
    add_with_cuts(&mut capture, datagram(HOSTS4, MANAGER_PORT, SNMP_PORT, &extended_tag), extended_tag.len());
    for index in [1, 3, 15, 20] {
        let message = &messages[index];
        add_with_cuts(&mut capture, datagram(HOSTS4, MANAGER_PORT, SNMP_PORT, message), message.len());
    }
    capture
}
