//! Captures of PIM version 2 (IP protocol 103) over IPv4 and IPv6: every message type with its options and
//! encoded addresses, checksums right, wrong and absent, lengths that do not fit, and copies of each message cut
//! at every length.

use pcap_file::DataLink;

use super::{
    Capture, ETHERTYPE_IPV4, ETHERTYPE_IPV6, HOSTS4, HOSTS6, IP6_A, IPV4_IN_ETHERNET, MAC_A, UDP, add_every_cut,
    ethernet, internet_checksum, ipv4_with, ipv6_packet, udp_datagram,
};

/// What the captures hold: file name and packets.
pub fn captures() -> [(&'static str, Capture); 1] {
    [("pim.pcap", pim_capture())]
}

const PIM: u8 = 103;
const SOURCE: [u8; 4] = [10, 0, 0, 1];
const ALL_PIM_ROUTERS: [u8; 4] = [224, 0, 0, 13];
const ALL_PIM_ROUTERS6: [u8; 16] = [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0d];
const LINK_LOCAL: [u8; 16] = [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x42, 0xac, 0xff, 0xfe, 0x11, 0, 2];
const GROUP: [u8; 4] = [239, 1, 2, 3];

const HELLO: u8 = 0;
const REGISTER: u8 = 1;
const REGISTER_STOP: u8 = 2;
const JOIN_PRUNE: u8 = 3;
const BOOTSTRAP: u8 = 4;
const ASSERT: u8 = 5;
const GRAFT_ACK: u8 = 7;
const CANDIDATE_RP: u8 = 8;
const PRUNE_REFRESH: u8 = 9;
const DF_ELECTION: u8 = 10;

/// A PIMv2 message without its checksum: version and type, the reserved byte, then `body`.
fn pim(message_type: u8, reserved: u8, body: &[u8]) -> Vec<u8> {
    [&[0x20 | message_type, reserved, 0, 0][..], body].concat()
}

/// The message with its checksum over the first `covered` bytes and `pseudo_header` before them.
fn with_checksum(mut message: Vec<u8>, covered: usize, pseudo_header: &[u8]) -> Vec<u8> {
    let checksum = internet_checksum(&[pseudo_header, &message[..covered]]);
    message[2..4].copy_from_slice(&checksum.to_be_bytes());
    message
}

fn frame4(message: &[u8]) -> Vec<u8> {
    let packet = ipv4_with(SOURCE, ALL_PIM_ROUTERS, PIM, message, |header| header.time_to_live = 1);
    ethernet([0x01, 0x00, 0x5e, 0, 0, 13], MAC_A, ETHERTYPE_IPV4, &packet)
}

/// An IPv4 frame with the message's checksum filled in (registers' over their header only).
fn checked4(message: Vec<u8>) -> Vec<u8> {
    let covered = if message[0] & 0x0f == REGISTER { 8 } else { message.len() };
    frame4(&with_checksum(message, covered, &[]))
}

/// An IPv6 frame with the message's checksum over the pseudo-header and the whole message.
fn checked6(message: Vec<u8>) -> Vec<u8> {
    let len = (message.len() as u32).to_be_bytes();
    let pseudo_header = [&LINK_LOCAL[..], &ALL_PIM_ROUTERS6, &len, &[0, 0, 0, PIM]].concat();
    let covered = message.len();
    let packet = ipv6_packet(LINK_LOCAL, ALL_PIM_ROUTERS6, PIM, &with_checksum(message, covered, &pseudo_header));
    ethernet([0x33, 0x33, 0, 0, 0, 13], MAC_A, ETHERTYPE_IPV6, &packet)
}

fn option(option_type: u16, value: &[u8]) -> Vec<u8> {
    [&option_type.to_be_bytes()[..], &(value.len() as u16).to_be_bytes(), value].concat()
}

/// Encoded-unicast, encoded-group and encoded-source addresses (family 1 or 2, native encoding).
fn unicast(address: &[u8]) -> Vec<u8> {
    [&[family(address), 0][..], address].concat()
}

fn group(flags: u8, mask_len: u8, address: &[u8]) -> Vec<u8> {
    [&[family(address), 0, flags, mask_len][..], address].concat()
}

fn family(address: &[u8]) -> u8 {
    if address.len() == 4 { 1 } else { 2 }
}

fn pim_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let hello_options = [
        option(1, &105u16.to_be_bytes()),
        option(2, &[0x81, 0xf4, 0x0a, 0x28]),
        option(19, &1u32.to_be_bytes()),
        option(20, &0x1234_abcdu32.to_be_bytes()),
        option(21, &[1, 60, 0, 0]),
        option(22, &[]),
        option(24, &[unicast(&[10, 0, 0, 1]), unicast(&[192, 168, 0, 1])].concat()),
        option(99, &[1, 2, 3]),
        option(18, &[]),
        option(21, &[1, 0, 0, 9]),
    ]
    .concat();
    let inner = HOSTS4.packet(UDP, &udp_datagram(HOSTS4, 40000, 50000, &[1, 2, 3, 4]));
    let inner6 = HOSTS6.packet(UDP, &udp_datagram(HOSTS6, 40000, 50000, &[]));
    let null_header = ipv4_with([10, 9, 9, 9], GROUP, UDP, &[], |_| {});
    let mut null_header = null_header;
    null_header[0] = 0x05;
    let join_prune = [
        unicast(&[10, 0, 0, 254]),
        vec![0, 2],
        210u16.to_be_bytes().to_vec(),
        group(0, 32, &GROUP),
        vec![0, 2, 0, 1],
        group(0x07, 32, &[10, 1, 1, 1]),
        group(0x04, 24, &[10, 2, 2, 0]),
        group(0x05, 32, &[10, 3, 3, 3]),
        group(0x01, 16, &[239, 2, 0, 0]),
        vec![0, 0, 0, 1],
        group(0x0c, 32, &[10, 4, 4, 4]),
    ]
    .concat();
    let bootstrap = [
        &[0x12, 0x34, 30, 100][..],
        &unicast(&[10, 0, 0, 3]),
        &group(0, 4, &[224, 0, 0, 0]),
        &[2, 2, 0, 0],
        &unicast(&[10, 0, 0, 5]),
        &[0, 150, 1, 0],
        &unicast(&[10, 0, 0, 6]),
        &[0xff, 0xff, 2, 0],
        &group(0x01, 8, &[239, 0, 0, 0]),
        &[0, 0, 0, 0],
    ]
    .concat();
    let candidate_rp =
        [&[2, 0, 0, 150][..], &unicast(&[10, 0, 0, 5]), &group(0, 4, &[224, 0, 0, 0]), &group(0, 8, &[239, 0, 0, 0])]
            .concat();
    let assert =
        [&group(0, 32, &GROUP)[..], &unicast(&[10, 1, 1, 1]), &0x8000_0078u32.to_be_bytes(), &[0, 0, 0, 20]].concat();
    let df_addresses = [&unicast(&[10, 0, 0, 5])[..], &100u32.to_be_bytes(), &10u32.to_be_bytes()].concat();
    let messages = [
        checked4(pim(HELLO, 0, &hello_options)),
        checked4(pim(REGISTER, 0, &[&[0, 0, 0, 0][..], &inner].concat())),
        checked4(pim(REGISTER, 0, &[&[0x40, 0, 0, 0][..], &null_header].concat())),
        checked4(pim(REGISTER, 0, &[&[0x80, 0, 0, 0][..], &inner6].concat())),
        checked4(pim(REGISTER_STOP, 0, &[group(0, 32, &GROUP), unicast(&[10, 9, 9, 9])].concat())),
        checked4(pim(JOIN_PRUNE, 0, &join_prune)),
        checked4(pim(GRAFT_ACK, 0, &[&[0, 1, 0xff, 0xff][..], &group(0, 32, &GROUP), &[0, 0, 0, 0]].concat())),
        checked4(pim(BOOTSTRAP, 0, &bootstrap)),
        checked4(pim(ASSERT, 0, &assert)),
        checked4(pim(CANDIDATE_RP, 0, &candidate_rp)),
        checked4(pim(
            PRUNE_REFRESH,
            0,
            &[unicast(&[10, 1, 1, 1]), group(0, 32, &GROUP), unicast(&[10, 0, 0, 2]), vec![0, 60]].concat(),
        )),
        checked4(pim(DF_ELECTION, 0x10, &df_addresses)),
        checked4(pim(DF_ELECTION, 0x30, &[&df_addresses[..], &df_addresses, &[0, 200]].concat())),
        checked4(pim(DF_ELECTION, 0x40, &[&df_addresses[..], &df_addresses].concat())),
        // RFC 2117's bare addresses, four bytes each.
        checked4(pim(
            ASSERT,
            0x04,
            &[&[0, 32][..], &GROUP, &[10, 1, 1, 1], &120u32.to_be_bytes(), &[0, 0, 0, 20]].concat(),
        )),
        checked6(pim(HELLO, 0, &[option(1, &105u16.to_be_bytes()), option(24, &unicast(&IP6_A))].concat())),
        checked6(pim(
            JOIN_PRUNE,
            0,
            &[
                &unicast(&LINK_LOCAL)[..],
                &[0, 1, 0, 210],
                &group(0, 128, &ALL_PIM_ROUTERS6),
                &[0, 1, 0, 0],
                &group(0x04, 64, &IP6_A),
            ]
            .concat(),
        )),
    ];
    for message in &messages {
        capture.add(message.clone());
    }
    // Checksums absent and wrong, an unknown type, other versions, an option of the wrong length, an unknown
    // address family, too short a message.
    let mut wrong_checksum = messages[4].clone();
    let checksum_at = 14 + 20 + 2;
    wrong_checksum[checksum_at] ^= 0xff;
    let mut version1 = pim(HELLO, 0, &[]);
    version1[0] = 0x10;
    let oddities = [
        frame4(&pim(HELLO, 0, &option(1, &105u16.to_be_bytes()))),
        wrong_checksum,
        checked4(pim(12, 0, &[0; 4])),
        frame4(&version1),
        checked4(pim(HELLO, 0, &option(1, &[0, 1, 2]))),
        checked4(pim(HELLO, 0, &option(19, &[0, 1]))),
        checked4(pim(REGISTER_STOP, 0, &[&[3, 0, 0, 32][..], &GROUP].concat())),
        frame4(&[0x20, 0]),
        frame4(&[0x20]),
    ];
    for frame in oddities {
        capture.add(frame);
    }
    for (index, message) in messages.iter().enumerate() {
        let skip: &[usize] = if index < 15 { &IPV4_IN_ETHERNET } else { &[] };
        add_every_cut(&mut capture, message, skip);
    }
    capture
}
