//! Transport protocols past TCP and UDP basics: MPTCP's TCP options, SCTP and DCCP. Each capture holds real
//! message shapes, malformed lengths, and packets cut at every length through the transport header.

use super::{
    ACK, Capture, DataLink, FIN, HOSTS4, HOSTS6, Hosts, IP_C, IP6_A, PSH, RST, SYN, Segment, add_every_cut, eth,
    ethertype_of, extension_header, icmp, icmp6, internet_checksum,
};

/// ICMP errors about `packet` (an IPv4 or IPv6 packet from A to B), quoting it whole and only its first
/// `quoted_len` bytes, as routers quote.
fn add_unreachables(capture: &mut Capture, hosts: Hosts, packet: &[u8], quoted_len: usize) {
    for quote in [packet, &packet[..quoted_len]] {
        let message = match hosts.reversed() {
            Hosts::V4(..) => hosts.reversed().packet(super::ICMP, &icmp(3, 3, [0; 4], quote)),
            Hosts::V6(source, destination) => {
                hosts.reversed().packet(super::ICMPV6, &icmp6(source, destination, 1, 4, [0; 4], quote))
            }
        };
        capture.add(eth(ethertype_of(hosts), &message));
    }
}

/// What the captures hold: file name and packets.
pub fn captures() -> [(&'static str, Capture); 4] {
    [
        ("tcp_options.pcap", tcp_options_capture()),
        ("mptcp.pcap", mptcp_capture()),
        ("sctp.pcap", sctp_capture()),
        ("dccp.pcap", dccp_capture()),
    ]
}

/// Segments cut at every length through options of every kind tcpdump prints a value of, and resets whose data
/// was not captured whole.
fn tcp_options_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let syn_options: [&[u8]; 3] = [
        &[2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7, 34, 10, 1, 2, 3, 4, 5, 6, 7, 8],
        &[19, 18, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 254, 6, 0xf9, 0x89, 1, 2, 28, 4, 0, 10],
        &[29, 8, 1, 2, 3, 4, 5, 6, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2, 6, 6, 0, 0, 0, 1, 20, 4, 1, 2],
    ];
    for options in syn_options {
        let segment = Segment::new(40200, 50200, 1, 1, SYN | ACK).options(options).payload(2);
        add_every_cut(&mut capture, &eth(ethertype_of(HOSTS4), &segment.packet(HOSTS4)), &[14]);
    }
    let mut reset = Segment::new(40201, 50201, 1, 0, RST);
    for reason_len in [4, 30, 31, 40] {
        reset.payload = (0..reason_len).map(|index| b'a' + index % 26).collect();
        let frame = eth(ethertype_of(HOSTS4), &reset.packet(HOSTS4));
        for captured in [frame.len() - 1, frame.len() - reason_len as usize + 1, frame.len()] {
            capture.add_cut(&frame, captured);
        }
    }
    capture
}

const MPTCP: u8 = 30;

/// An MPTCP option of `subtype`, whose low four bits of the subtype byte are `low`, then `rest`.
fn mptcp(subtype: u8, low: u8, rest: &[u8]) -> Vec<u8> {
    [&[MPTCP, 3 + rest.len() as u8, subtype << 4 | low][..], rest].concat()
}

const CAPABLE: u8 = 0;
const JOIN: u8 = 1;
const DSS: u8 = 2;
const ADD_ADDRESS: u8 = 3;
const REMOVE_ADDRESS: u8 = 4;
const PRIORITY: u8 = 5;
const FAIL: u8 = 6;
const FAST_CLOSE: u8 = 7;
const TCP_RESET: u8 = 8;

const KEY_A: u64 = 0x0123_4567_89ab_cdef;
const KEY_B: u64 = 0x0fed_cba9_8765_4321;

/// MP_CAPABLE with flags `flags` and the keys given.
fn capable(version: u8, flags: u8, keys: &[u64], data_len: Option<u16>) -> Vec<u8> {
    let mut rest = vec![flags];
    keys.iter().for_each(|key| rest.extend_from_slice(&key.to_be_bytes()));
    if let Some(len) = data_len {
        rest.extend_from_slice(&len.to_be_bytes());
    }
    mptcp(CAPABLE, version, &rest)
}

/// DSS with `flags` and the fields after them as given.
fn dss(flags: u8, fields: &[&[u8]]) -> Vec<u8> {
    mptcp(DSS, 0, &[&[flags][..], &fields.concat()].concat())
}

/// Options padded with NOPs to a multiple of four, as stacks send them.
fn nop_padded(option: &[u8]) -> Vec<u8> {
    let mut padded = option.to_vec();
    padded.resize(option.len().next_multiple_of(4), 1);
    padded
}

/// An MPTCP connection (handshake, a second subflow joining, data with DSS mappings and acknowledgments, addresses
/// offered and withdrawn, close) over IPv4 and IPv6, every subtype in forms that do not fit, and cuts.
fn mptcp_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let mut add = |segment: Segment, hosts: Hosts| capture.add(eth(ethertype_of(hosts), &segment.packet(hosts)));
    for client in [HOSTS4, HOSTS6] {
        let server = client.reversed();
        let segment = |from_client: bool, seq: u32, ack: u32, flags: u8, option: &[u8]| -> (Segment, Hosts) {
            let (ports, hosts) = if from_client { ((40100, 50100), client) } else { ((50100, 40100), server) };
            (Segment::new(ports.0, ports.1, seq, ack, flags).options(&nop_padded(option)), hosts)
        };
        let mut add_segment = |(segment, hosts): (Segment, Hosts)| add(segment, hosts);
        // RFC 8684's handshake (version 1), then version 0's with keys in SYN and SYN-ACK and checksums.
        add_segment(segment(true, 100, 0, SYN, &capable(1, 0x01, &[], None)));
        add_segment(segment(false, 500, 101, SYN | ACK, &capable(1, 0x01, &[KEY_B], None)));
        add_segment(segment(true, 101, 501, ACK, &capable(1, 0x01, &[KEY_A, KEY_B], None)));
        add_segment(segment(true, 101, 501, ACK | PSH, &capable(1, 0x81, &[KEY_A, KEY_B], Some(100))));
        add_segment(segment(true, 100, 0, SYN, &capable(0, 0x81, &[KEY_A], None)));
        add_segment(segment(true, 100, 0, SYN, &capable(2, 0x81, &[KEY_A], None)));
        // A second subflow joins.
        let join_syn = mptcp(JOIN, 1, &[2, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0x30, 0x39]);
        let join_syn_ack = mptcp(JOIN, 0, &[3, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0x10, 0x01]);
        let join_ack = mptcp(JOIN, 0, &(0..21).collect::<Vec<u8>>());
        add_segment(segment(true, 1000, 0, SYN, &join_syn));
        add_segment(segment(false, 2000, 1001, SYN | ACK, &join_syn_ack));
        add_segment(segment(true, 1001, 2001, ACK, &join_ack));
        add_segment(segment(true, 1001, 2001, ACK, &join_ack[..20]));
        // Data with mappings: 4- and 8-byte numbers, with and without checksum, DATA_FIN.
        let seq4 = 7_000u32.to_be_bytes();
        let seq8 = 0x1_0000_0001u64.to_be_bytes();
        let subseq = 1u32.to_be_bytes();
        let len = 100u16.to_be_bytes();
        let csum = 0xabcdu16.to_be_bytes();
        add_segment(segment(true, 101, 501, ACK | PSH, &dss(0x04, &[&seq4, &subseq, &len])));
        add_segment(segment(true, 101, 501, ACK | PSH, &dss(0x05, &[&seq4, &seq4, &subseq, &len, &csum])));
        add_segment(segment(false, 501, 201, ACK, &dss(0x03, &[&seq8])));
        add_segment(segment(false, 501, 201, ACK, &dss(0x01, &[&seq4])));
        add_segment(segment(true, 201, 501, ACK | PSH, &dss(0x0f, &[&seq8, &seq8, &subseq, &len, &csum])));
        add_segment(segment(true, 201, 501, ACK | FIN, &dss(0x15, &[&seq4, &seq4, &subseq, &len])));
        add_segment(segment(true, 201, 501, ACK, &dss(0x00, &[])));
        // Malformed mappings: fields missing, a byte left over, in a SYN.
        add_segment(segment(true, 201, 501, ACK, &dss(0x03, &[&seq4])));
        add_segment(segment(true, 201, 501, ACK, &dss(0x04, &[&seq4, &subseq])));
        add_segment(segment(true, 201, 501, ACK, &dss(0x04, &[&seq4, &subseq, &[0]])));
        add_segment(segment(true, 201, 501, ACK, &dss(0x04, &[&seq4])));
        add_segment(segment(true, 201, 501, ACK, &dss(0x0c, &[&seq4])));
        add_segment(segment(true, 201, 501, ACK, &dss(0x04, &[&seq4, &subseq, &len, &csum, &[9]])));
        add_segment(segment(true, 201, 501, ACK, &dss(0x01, &[])));
        add_segment(segment(true, 100, 0, SYN, &dss(0x01, &[&seq4])));
        add_segment(segment(true, 201, 501, ACK, &mptcp(DSS, 0, &[])));
        // Addresses offered in every form, withdrawn; priorities; failure; fast close; reset; unknown subtypes.
        let address4 = [&IP_C[..], &8080u16.to_be_bytes(), &KEY_A.to_be_bytes()].concat();
        let address6 = [&IP6_A[..], &443u16.to_be_bytes(), &KEY_B.to_be_bytes()].concat();
        for (low, id) in [(0, 1), (1, 2), (4, 3), (6, 4), (9, 5)] {
            add_segment(segment(true, 201, 501, ACK, &mptcp(ADD_ADDRESS, low, &[&[id][..], &address4[..6]].concat())));
        }
        let no_port4 = [&IP_C[..], &KEY_A.to_be_bytes()].concat();
        let no_port6 = [&IP6_A[..], &KEY_B.to_be_bytes()].concat();
        for form in [&address4[..4], &no_port4, &address4, &address6[..16], &address6[..18], &no_port6, &address6] {
            add_segment(segment(false, 501, 201, ACK, &mptcp(ADD_ADDRESS, 0, &[&[7][..], form].concat())));
        }
        add_segment(segment(false, 501, 201, ACK, &mptcp(ADD_ADDRESS, 0, &[7, 1, 2, 3, 4, 5])));
        add_segment(segment(false, 501, 201, ACK, &mptcp(REMOVE_ADDRESS, 0, &[7])));
        add_segment(segment(false, 501, 201, ACK, &mptcp(REMOVE_ADDRESS, 0, &[1, 2, 3])));
        add_segment(segment(false, 501, 201, ACK, &mptcp(REMOVE_ADDRESS, 0, &[])));
        add_segment(segment(false, 501, 201, ACK, &mptcp(PRIORITY, 1, &[])));
        add_segment(segment(false, 501, 201, ACK, &mptcp(PRIORITY, 0, &[4])));
        add_segment(segment(false, 501, 201, ACK, &mptcp(PRIORITY, 1, &[4, 5])));
        let data_sequence = [&[0][..], &seq8].concat();
        add_segment(segment(false, 501, 201, ACK, &mptcp(FAIL, 0, &data_sequence)));
        add_segment(segment(false, 501, 201, ACK, &mptcp(FAIL, 0, &data_sequence[..8])));
        add_segment(segment(false, 501, 201, ACK, &mptcp(FAST_CLOSE, 0, &[&[0][..], &KEY_A.to_be_bytes()].concat())));
        add_segment(segment(false, 501, 201, ACK, &mptcp(FAST_CLOSE, 0, &[0; 10])));
        add_segment(segment(false, 501, 201, ACK | FIN, &mptcp(TCP_RESET, 1, &[3])));
        add_segment(segment(false, 501, 201, ACK, &mptcp(15, 0, &[1, 2, 3, 4, 5])));
        // Forms that do not fit the segment: MP_CAPABLE without SYN or with SYN-ACK's length in an ACK, MP_JOIN's
        // SYN-ACK form in a plain SYN; an option too short to have a subtype.
        add_segment(segment(true, 201, 501, ACK, &capable(1, 0, &[KEY_A], None)));
        add_segment(segment(true, 201, 501, SYN | ACK, &capable(1, 0, &[KEY_A, KEY_B], None)));
        add_segment(segment(true, 201, 501, ACK, &capable(1, 0, &[KEY_A, KEY_B], Some(1))[..21]));
        add_segment(segment(true, 1000, 0, SYN, &join_syn_ack));
        add_segment(segment(true, 1000, 0, ACK, &join_syn));
        add_segment(segment(true, 201, 501, ACK, &[MPTCP, 2]));
        add_segment(segment(true, 201, 501, ACK, &[1, 1, MPTCP, 2, 2, 4, 5, 0xb4]));
        // Options after an MPTCP one, and options before it.
        let mut both = dss(0x01, &[&seq4]);
        both.extend_from_slice(&[1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2]);
        add_segment(segment(true, 201, 501, ACK, &both));
        add_segment(segment(
            true,
            201,
            501,
            ACK,
            &[&[1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2][..], &dss(0x01, &[&seq4])].concat(),
        ));
    }
    // Every cut of a segment whose MPTCP option comes before a timestamp: what the marker names after it.
    let mut options = dss(0x05, &[&7u32.to_be_bytes(), &8u32.to_be_bytes(), &9u32.to_be_bytes(), &[0, 10]]);
    options.extend_from_slice(&[1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2]);
    let frame = eth(
        ethertype_of(HOSTS4),
        &Segment::new(40101, 50101, 1, 1, ACK | PSH).options(&options).payload(4).packet(HOSTS4),
    );
    for captured in 35..frame.len() {
        capture.add_cut(&frame, captured);
    }
    capture
}

const SCTP: u8 = 132;

/// CRC-32C (Castagnoli, reflected), SCTP's checksum.
fn crc32c(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { crc >> 1 ^ 0x82f6_3b78 } else { crc >> 1 };
        }
    }
    !crc
}

/// An SCTP packet from `source_port` to `destination_port` with `tag`, its chunks laid end to end as given (each
/// padded already, or not, as the test wants), its checksum computed.
fn sctp_packet(source_port: u16, destination_port: u16, tag: u32, chunks: &[Vec<u8>]) -> Vec<u8> {
    let mut packet =
        [&source_port.to_be_bytes()[..], &destination_port.to_be_bytes(), &tag.to_be_bytes(), &[0; 4]].concat();
    chunks.iter().for_each(|chunk| packet.extend_from_slice(chunk));
    let checksum = crc32c(&packet);
    packet[8..12].copy_from_slice(&checksum.to_le_bytes());
    packet
}

/// A chunk of `chunk_type` with `flags` and `value`, its length field counting the value, padded to four bytes.
fn chunk(chunk_type: u8, flags: u8, value: &[u8]) -> Vec<u8> {
    let mut chunk = unpadded_chunk(chunk_type, flags, value);
    chunk.resize(chunk.len().next_multiple_of(4), 0);
    chunk
}

/// A chunk without the padding to four bytes that should follow it.
fn unpadded_chunk(chunk_type: u8, flags: u8, value: &[u8]) -> Vec<u8> {
    [&[chunk_type, flags][..], &(4 + value.len() as u16).to_be_bytes(), value].concat()
}

/// A parameter (or error cause) of `kind` with `value`, padded.
fn parameter(kind: u16, value: &[u8]) -> Vec<u8> {
    let mut parameter = [&kind.to_be_bytes()[..], &(4 + value.len() as u16).to_be_bytes(), value].concat();
    parameter.resize(parameter.len().next_multiple_of(4), 0);
    parameter
}

const CHUNK_DATA: u8 = 0;
const CHUNK_INIT: u8 = 1;
const CHUNK_INIT_ACK: u8 = 2;
const CHUNK_SACK: u8 = 3;
const CHUNK_HEARTBEAT: u8 = 4;
const CHUNK_HEARTBEAT_ACK: u8 = 5;
const CHUNK_ABORT: u8 = 6;
const CHUNK_SHUTDOWN: u8 = 7;
const CHUNK_SHUTDOWN_ACK: u8 = 8;
const CHUNK_ERROR: u8 = 9;
const CHUNK_COOKIE_ECHO: u8 = 10;
const CHUNK_COOKIE_ACK: u8 = 11;
const CHUNK_ECN_ECHO: u8 = 12;
const CHUNK_CWR: u8 = 13;
const CHUNK_SHUTDOWN_COMPLETE: u8 = 14;
const CHUNK_AUTH: u8 = 15;
const CHUNK_I_DATA: u8 = 64;
const CHUNK_ASCONF_ACK: u8 = 0x80;
const CHUNK_RE_CONFIG: u8 = 130;
const CHUNK_PAD: u8 = 0x84;
const CHUNK_FORWARD_TSN: u8 = 0xc0;
const CHUNK_ASCONF: u8 = 0xc1;
const CHUNK_I_FORWARD_TSN: u8 = 0xc2;

/// DATA's flags: unordered, first and last fragment.
const UNORDERED: u8 = 0x04;
const BEGINNING: u8 = 0x02;
const ENDING: u8 = 0x01;

/// A DATA chunk with `flags` carrying `payload_len` bytes of text.
fn data_chunk(flags: u8, tsn: u32, stream: u16, sequence: u16, protocol: u32, payload_len: usize) -> Vec<u8> {
    let payload: Vec<u8> = (0..payload_len).map(|index| b'A' + (index % 26) as u8).collect();
    let header = [&tsn.to_be_bytes()[..], &stream.to_be_bytes(), &sequence.to_be_bytes(), &protocol.to_be_bytes()];
    chunk(CHUNK_DATA, flags, &[&header.concat()[..], &payload].concat())
}

/// INIT and INIT ACK's fixed fields, then `parameters`.
fn init_value(tag: u32, window: u32, streams: (u16, u16), tsn: u32, parameters: &[Vec<u8>]) -> Vec<u8> {
    let fixed = [&tag.to_be_bytes()[..], &window.to_be_bytes(), &streams.0.to_be_bytes(), &streams.1.to_be_bytes()];
    [&fixed.concat()[..], &tsn.to_be_bytes(), &parameters.concat()].concat()
}

/// SACK's fields, gap blocks (offsets from the cumulative TSN) and duplicate TSNs, with the counts given.
fn sack_value(cumulative: u32, counts: (u16, u16), gaps: &[(u16, u16)], duplicates: &[u32]) -> Vec<u8> {
    let mut value = [&cumulative.to_be_bytes()[..], &65_536u32.to_be_bytes()].concat();
    value.extend_from_slice(&counts.0.to_be_bytes());
    value.extend_from_slice(&counts.1.to_be_bytes());
    gaps.iter().for_each(|(start, end)| value.extend_from_slice(&[start.to_be_bytes(), end.to_be_bytes()].concat()));
    duplicates.iter().for_each(|tsn| value.extend_from_slice(&tsn.to_be_bytes()));
    value
}

/// An M3UA message (RFC 4666): version 1, `class` and `message_type`, the length field counting `parameters`.
fn m3ua_message(class: u8, message_type: u8, parameters: &[Vec<u8>]) -> Vec<u8> {
    let parameters = parameters.concat();
    [&[1, 0, class, message_type][..], &(8 + parameters.len() as u32).to_be_bytes(), &parameters].concat()
}

/// DATA chunks of payload protocol 3 (M3UA), which tcpdump decodes at -vv: messages of every class, parameters it
/// shows values of, and malformed ones.
fn add_m3ua_messages(capture: &mut Capture) {
    const M3UA: u32 = 3;
    let routing_context = parameter(0x0006, &7u32.to_be_bytes());
    let protocol_data = parameter(0x0210, &[0, 0, 0, 1, 0, 0, 0, 2, 3, 2, 0, 5, 0x81, 0x02, 0x03]);
    let asp_identifier = parameter(0x0011, &9u32.to_be_bytes());
    let messages = [
        m3ua_message(3, 1, std::slice::from_ref(&asp_identifier)),
        m3ua_message(3, 4, &[]),
        m3ua_message(4, 1, &[parameter(0x000b, &2u32.to_be_bytes()), routing_context.clone()]),
        m3ua_message(1, 1, &[parameter(0x0200, &1u32.to_be_bytes()), routing_context.clone(), protocol_data]),
        m3ua_message(
            0,
            1,
            &[parameter(0x000d, &[0, 1, 0, 3]), parameter(0x0013, &[1, 2, 3, 4]), parameter(0x0004, b"hi")],
        ),
        m3ua_message(2, 1, &[parameter(0x0012, &[0, 0, 0, 9]), parameter(0x0207, &[]), parameter(0x7777, &[1])]),
        m3ua_message(9, 4, &[parameter(0x0209, &[0; 8])]),
        m3ua_message(1, 9, &[]),
        m3ua_message(7, 1, &[]),
        [&[2, 0, 1, 1, 0, 0, 0, 8][..]].concat(),
        [&[1, 0, 1, 1, 0, 0, 0, 9][..], &[0; 4]].concat(),
        m3ua_message(3, 1, &[vec![0, 0x11, 0, 2]]),
        m3ua_message(3, 1, &[vec![0, 0x06, 0, 6, 1, 2, 0, 0]]),
        m3ua_message(3, 1, &[asp_identifier, vec![0, 9]]),
        vec![1, 0, 3],
    ];
    for message in messages {
        let data = [&1u32.to_be_bytes()[..], &[0, 0, 0, 0], &M3UA.to_be_bytes(), &message].concat();
        let packet = sctp_packet(2905, 2905, 1, &[chunk(CHUNK_DATA, 3, &data)]);
        capture.add(eth(ethertype_of(HOSTS4), &HOSTS4.packet(SCTP, &packet)));
    }
    // A parameter whose length runs past its message: into the next chunk, and past the packet.
    let overlong = m3ua_message(3, 1, &[vec![0, 0x11, 0, 12, 0, 0, 0, 1]]);
    let data = [&1u32.to_be_bytes()[..], &[0, 0, 0, 0], &M3UA.to_be_bytes(), &overlong].concat();
    for chunks in
        [vec![chunk(CHUNK_DATA, 3, &data), chunk(CHUNK_COOKIE_ACK, 0, &[])], vec![chunk(CHUNK_DATA, 3, &data)]]
    {
        let packet = sctp_packet(2905, 2905, 1, &chunks);
        capture.add(eth(ethertype_of(HOSTS4), &HOSTS4.packet(SCTP, &packet)));
    }
}

/// An association's life over IPv4 and IPv6 (setup with parameters, data both ways with SACKs, heartbeats,
/// shutdown), every chunk type RFC 9260 and its extensions define, bundles, malformed lengths and cuts.
fn sctp_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let (client_tag, server_tag) = (0x1a2b_3c4d_u32, 0x5e6f_7081_u32);
    let (client_tsn, server_tsn) = (1_000u32, 4_000_000_000u32);
    let init_parameters = [
        parameter(5, &[10, 0, 0, 1]),
        parameter(6, &IP6_A),
        parameter(9, &30_000u32.to_be_bytes()),
        parameter(12, &[0, 5, 0, 6]),
        parameter(0x8000, &[]),
        parameter(0x8008, &[CHUNK_ASCONF, CHUNK_ASCONF_ACK, CHUNK_RE_CONFIG, CHUNK_I_DATA]),
        parameter(0xc000, &[]),
    ];
    let cookie: Vec<u8> = (0..24).collect();
    let heartbeat_info = parameter(1, &[7; 12]);
    for client in [HOSTS4, HOSTS6] {
        let mut add = |from_client: bool, chunks: &[Vec<u8>]| {
            let (ports, tag, hosts) = if from_client {
                ((36412, 38412), server_tag, client)
            } else {
                ((38412, 36412), client_tag, client.reversed())
            };
            let packet = hosts.packet(SCTP, &sctp_packet(ports.0, ports.1, tag, chunks));
            capture.add(eth(ethertype_of(hosts), &packet));
        };
        add(
            true,
            &[chunk(CHUNK_INIT, 0, &init_value(client_tag, 106_496, (10, 65_535), client_tsn, &init_parameters))],
        );
        let state_cookie = parameter(7, &cookie);
        add(false, &[chunk(CHUNK_INIT_ACK, 0, &init_value(server_tag, 131_072, (5, 10), server_tsn, &[state_cookie]))]);
        add(true, &[chunk(CHUNK_COOKIE_ECHO, 0, &cookie), data_chunk(BEGINNING | ENDING, client_tsn, 0, 0, 18, 5)]);
        add(false, &[chunk(CHUNK_COOKIE_ACK, 0, &[]), chunk(CHUNK_SACK, 0, &sack_value(client_tsn, (0, 0), &[], &[]))]);
        // Fragments of one message, unordered data, payload protocols tcpdump names and ones it does not.
        add(true, &[data_chunk(BEGINNING, client_tsn + 1, 1, 1, 0, 16)]);
        add(true, &[data_chunk(0, client_tsn + 2, 1, 1, 0, 16)]);
        add(true, &[data_chunk(ENDING, client_tsn + 3, 1, 1, 0, 3)]);
        add(true, &[data_chunk(UNORDERED | BEGINNING | ENDING, client_tsn + 4, 2, 0, 27, 40)]);
        add(true, &[data_chunk(UNORDERED, client_tsn + 5, 2, 0, 26, 1)]);
        add(
            true,
            &[data_chunk(BEGINNING | ENDING, client_tsn + 7, 3, 9, 51, 2), data_chunk(3, client_tsn + 8, 3, 10, 1, 2)],
        );
        let sack = sack_value(client_tsn + 5, (2, 3), &[(2, 3), (5, 5)], &[client_tsn + 4, client_tsn + 5, 7]);
        add(false, &[chunk(CHUNK_SACK, 0, &sack)]);
        add(
            false,
            &[
                data_chunk(3, server_tsn, 0, 0, 25, 20),
                chunk(CHUNK_SACK, 0, &sack_value(client_tsn + 8, (0, 0), &[], &[])),
            ],
        );
        add(true, &[chunk(CHUNK_SACK, 0, &sack_value(server_tsn, (1, 0), &[(u16::MAX, u16::MAX)], &[]))]);
        // A SACK whose counts promise more than the chunk holds, and one that ends inside a gap block.
        add(true, &[chunk(CHUNK_SACK, 0, &sack_value(server_tsn, (3, 2), &[(2, 3)], &[]))]);
        add(true, &[chunk(CHUNK_SACK, 0, &sack_value(server_tsn, (0, 2), &[], &[9]))]);
        add(true, &[chunk(CHUNK_SACK, 0, &sack_value(server_tsn, (2, 0), &[(2, 3)], &[])[..14])]);
        add(true, &[chunk(CHUNK_SACK, 0, &sack_value(server_tsn, (0, 1), &[], &[5])[..14])]);
        add(true, &[chunk(CHUNK_HEARTBEAT, 0, &heartbeat_info)]);
        add(false, &[chunk(CHUNK_HEARTBEAT_ACK, 0, &heartbeat_info)]);
        // Congestion, errors, and the extensions' chunks.
        add(false, &[chunk(CHUNK_ECN_ECHO, 0, &client_tsn.to_be_bytes())]);
        add(true, &[chunk(CHUNK_CWR, 0, &client_tsn.to_be_bytes())]);
        add(true, &[chunk(CHUNK_ERROR, 0, &parameter(1, &[0, 3, 0, 0]))]);
        add(true, &[chunk(CHUNK_FORWARD_TSN, 0, &[&(client_tsn + 6).to_be_bytes()[..], &[0, 2, 0, 0]].concat())]);
        let address_parameter = parameter(0xc001, &[&1u32.to_be_bytes()[..], &parameter(5, &IP_C)].concat());
        add(
            true,
            &[chunk(CHUNK_ASCONF, 0, &[&7u32.to_be_bytes()[..], &parameter(5, &IP_C), &address_parameter].concat())],
        );
        add(false, &[chunk(CHUNK_ASCONF_ACK, 0, &7u32.to_be_bytes())]);
        add(
            true,
            &[chunk(CHUNK_I_DATA, 3, &[&(client_tsn + 9).to_be_bytes()[..], &[0, 1, 0, 0], &[0; 8], b"x"].concat())],
        );
        add(true, &[chunk(CHUNK_I_FORWARD_TSN, 0, &(client_tsn + 9).to_be_bytes())]);
        add(true, &[chunk(CHUNK_RE_CONFIG, 0, &parameter(13, &[0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3]))]);
        add(true, &[chunk(CHUNK_PAD, 0, &[0; 9]), chunk(CHUNK_AUTH, 0, &[0, 1, 0, 1, 9, 9, 9, 9])]);
        add(true, &[chunk(0x3f, 0, &[1, 2]), chunk(0xff, 0xff, &[])]);
        // Teardown, and an abort with its T bit and a cause.
        add(true, &[chunk(CHUNK_SHUTDOWN, 0, &(server_tsn).to_be_bytes())]);
        add(false, &[chunk(CHUNK_SHUTDOWN_ACK, 0, &[])]);
        add(true, &[chunk(CHUNK_SHUTDOWN_COMPLETE, 0, &[])]);
        add(false, &[chunk(CHUNK_ABORT, 1, &parameter(12, b"bye"))]);
        // Malformed: chunk lengths below the descriptor, past the packet, without their padding; fields missing;
        // DATA without data; stray bytes after the last chunk; no chunk at all.
        add(true, &[vec![CHUNK_DATA, 3, 0, 2]]);
        add(true, &[unpadded_chunk(CHUNK_COOKIE_ACK, 0, &[]), vec![CHUNK_SHUTDOWN, 0, 0, 100, 0, 0, 0, 0]]);
        add(true, &[unpadded_chunk(CHUNK_HEARTBEAT, 0, &[1, 2, 3, 4, 5])]);
        add(true, &[unpadded_chunk(CHUNK_HEARTBEAT, 0, &[1, 2, 3, 4, 5]), vec![0]]);
        add(true, &[unpadded_chunk(CHUNK_HEARTBEAT, 0, &[1, 2]), vec![0, 0, 0, 0, 0]]);
        add(true, &[data_chunk(3, 1, 2, 3, 4, 0)]);
        add(true, &[chunk(CHUNK_DATA, 3, &[0; 11])]);
        add(true, &[chunk(CHUNK_DATA, 0, &[0; 8])]);
        add(true, &[chunk(CHUNK_INIT, 0, &[0; 12])]);
        add(false, &[chunk(CHUNK_INIT_ACK, 0, &[0; 15]), chunk(CHUNK_COOKIE_ACK, 0, &[])]);
        add(true, &[chunk(CHUNK_SACK, 0, &[0; 8])]);
        add(true, &[chunk(CHUNK_COOKIE_ACK, 0, &[]), vec![0, 0, 0]]);
        add(true, &[]);
    }
    add_m3ua_messages(&mut capture);
    // Port unreachable: an INIT quoted whole, and only as far as its verification tag.
    let init = chunk(CHUNK_INIT, 0, &init_value(client_tag, 106_496, (10, 65_535), client_tsn, &[]));
    for (hosts, header_len) in [(HOSTS4, 20), (HOSTS6, 40)] {
        let packet = hosts.packet(SCTP, &sctp_packet(36412, 38412, 0, std::slice::from_ref(&init)));
        add_unreachables(&mut capture, hosts, &packet, header_len + 8);
    }
    // Shorter than the common header; after an IPv6 extension header, whose addresses tcpdump has printed.
    let short = &sctp_packet(1, 2, 3, &[])[..8];
    capture.add(eth(ethertype_of(HOSTS4), &HOSTS4.packet(SCTP, short)));
    let shutdown_complete = sctp_packet(36412, 38412, 5, &[chunk(CHUNK_SHUTDOWN_COMPLETE, 1, &[])]);
    let hop_by_hop = extension_header(SCTP, &[1, 4, 0, 0, 0, 0]);
    capture.add(eth(ethertype_of(HOSTS6), &HOSTS6.packet(0, &[&hop_by_hop[..], &shutdown_complete].concat())));
    // Every cut of an INIT and of a bundle of DATA and SACK.
    let init = chunk(CHUNK_INIT, 0, &init_value(client_tag, 106_496, (10, 65_535), client_tsn, &init_parameters[..1]));
    let bundle =
        [data_chunk(ENDING, client_tsn, 0, 0, 46, 6), chunk(CHUNK_SACK, 0, &sack_value(9, (1, 1), &[(2, 3)], &[4]))];
    for chunks in [vec![init], bundle.to_vec()] {
        let frame = eth(ethertype_of(HOSTS4), &HOSTS4.packet(SCTP, &sctp_packet(36412, 38412, 5, &chunks)));
        add_every_cut(&mut capture, &frame, &[14]);
    }
    capture
}

const DCCP: u8 = 33;

/// A DCCP packet's fields; the data offset follows from the options unless `data_offset` overrides it.
#[derive(Clone)]
struct Dccp {
    packet_type: u8,
    /// 48-bit sequence numbers (the X bit) rather than 24-bit ones.
    extended: bool,
    seq: u64,
    /// The service code, acknowledgment and reset code, as the type has them.
    subheader: Vec<u8>,
    options: Vec<u8>,
    payload: Vec<u8>,
    /// CCVal in the high four bits, checksum coverage in the low.
    ccval_coverage: u8,
    data_offset: Option<u8>,
}

const DCCP_REQUEST: u8 = 0;
const DCCP_RESPONSE: u8 = 1;
const DCCP_DATA: u8 = 2;
const DCCP_ACK: u8 = 3;
const DCCP_DATA_ACK: u8 = 4;
const DCCP_CLOSE_REQUEST: u8 = 5;
const DCCP_CLOSE: u8 = 6;
const DCCP_RESET: u8 = 7;
const DCCP_SYNC: u8 = 8;
const DCCP_SYNC_ACK: u8 = 9;

impl Dccp {
    fn new(packet_type: u8, seq: u64) -> Dccp {
        Dccp {
            packet_type,
            extended: true,
            seq,
            subheader: Vec::new(),
            options: Vec::new(),
            payload: Vec::new(),
            ccval_coverage: 0,
            data_offset: None,
        }
    }

    /// The acknowledgment subheader (48 bits after two reserved bytes, or 24 after one).
    fn ack(mut self, ack: u64) -> Dccp {
        self.subheader = if self.extended {
            [&[0, 0][..], &ack.to_be_bytes()[2..]].concat()
        } else {
            [&[0][..], &ack.to_be_bytes()[5..]].concat()
        };
        self
    }

    fn short(mut self) -> Dccp {
        self.extended = false;
        self
    }

    fn subheader(mut self, bytes: &[u8]) -> Dccp {
        self.subheader.extend_from_slice(bytes);
        self
    }

    fn options(mut self, options: &[u8]) -> Dccp {
        self.options = options.to_vec();
        self
    }

    fn payload(mut self, payload: &[u8]) -> Dccp {
        self.payload = payload.to_vec();
        self
    }

    fn bytes(&self, hosts: Hosts) -> Vec<u8> {
        let mut options = self.options.clone();
        options.resize(options.len().next_multiple_of(4), 0);
        let header_len = if self.extended { 16 } else { 12 } + self.subheader.len() + options.len();
        let data_offset = self.data_offset.unwrap_or((header_len / 4) as u8);
        let mut packet = [&5001u16.to_be_bytes()[..], &5002u16.to_be_bytes()].concat();
        packet.extend_from_slice(&[data_offset, self.ccval_coverage, 0, 0]);
        let type_and_x = self.packet_type << 1 | u8::from(self.extended);
        if self.extended {
            packet.extend_from_slice(&[type_and_x, 0]);
            packet.extend_from_slice(&self.seq.to_be_bytes()[2..]);
        } else {
            packet.push(type_and_x);
            packet.extend_from_slice(&self.seq.to_be_bytes()[5..]);
        }
        packet.extend_from_slice(&self.subheader);
        packet.extend_from_slice(&options);
        packet.extend_from_slice(&self.payload);
        let coverage = match self.ccval_coverage & 0x0f {
            0 => packet.len(),
            words => ((usize::from(data_offset) + usize::from(words) - 1) * 4).min(packet.len()),
        };
        let len = packet.len() as u32;
        let pseudo_header = match hosts {
            Hosts::V4(source, destination) => {
                [&source[..], &destination, &[0, DCCP], &(len as u16).to_be_bytes()].concat()
            }
            Hosts::V6(source, destination) => {
                [&source[..], &destination, &len.to_be_bytes(), &[0, 0, 0, DCCP]].concat()
            }
        };
        let checksum = internet_checksum(&[&pseudo_header, &packet[..coverage]]);
        packet[6..8].copy_from_slice(&checksum.to_be_bytes());
        packet
    }

    fn frame(&self, hosts: Hosts) -> Vec<u8> {
        eth(ethertype_of(hosts), &hosts.packet(DCCP, &self.bytes(hosts)))
    }
}

/// A connection's packets of every type over IPv4 and IPv6, every option tcpdump names and malformed ones,
/// partial checksum coverage, short packets and cuts.
fn dccp_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let service = 42u32.to_be_bytes();
    for hosts in [HOSTS4, HOSTS6] {
        let mut add = |packet: Dccp| capture.add(packet.frame(hosts));
        let timestamp = [41, 6, 0, 0, 0x30, 0x39];
        let change_ccid = [32, 4, 1, 2];
        add(Dccp::new(DCCP_REQUEST, 1000)
            .subheader(&service)
            .options(&[&change_ccid[..], &timestamp, &[1, 0]].concat()));
        let response = Dccp::new(DCCP_RESPONSE, 5000).ack(1000).subheader(&service);
        add(response
            .clone()
            .options(&[&[36, 6, 1, 2, 3, 4][..], &[33, 4, 1, 2], &[42, 8, 0, 0, 0x30, 0x39, 0, 7]].concat()));
        add(Dccp::new(DCCP_ACK, 1001).ack(5000).options(&[0, 2, 35, 3, 2]));
        add(Dccp::new(DCCP_DATA, 1002).payload(b"hello"));
        add(Dccp::new(DCCP_DATA, 1003).short().payload(b"short sequence numbers"));
        add(Dccp::new(DCCP_DATA_ACK, 1004).ack(5000).payload(b"data and ack").options(&[38, 5, 0xc0, 1, 2, 37, 3, 9]));
        add(Dccp::new(DCCP_ACK, 5001).short().ack(1004).options(&[39, 3, 0x40, 40, 4, 1, 2, 43, 4, 0, 9]));
        add(Dccp::new(DCCP_SYNC, 5002).ack(1004).options(&[42, 6, 0, 0, 0, 1, 42, 10, 0, 0, 0, 1, 0, 0, 0, 2]));
        add(Dccp::new(DCCP_SYNC_ACK, 1005).ack(5002).options(&[43, 6, 0, 0, 1, 0, 44, 6, 0xde, 0xad, 0xbe, 0xef]));
        add(Dccp::new(DCCP_CLOSE_REQUEST, 5003).ack(1005).options(&[128, 4, 1, 2, 129, 6, 0, 0, 0, 7, 130, 3, 1]));
        add(Dccp::new(DCCP_CLOSE, 1006).ack(5003));
        for code in [1, 7, 11, 12, 200] {
            add(Dccp::new(DCCP_RESET, 5004).ack(1006).subheader(&[code, 1, 2, 3]));
        }
        for unknown in [10, 15] {
            add(Dccp::new(unknown, 1).ack(2));
        }
        // Options tcpdump does not name, lengths that do not fit, features it does not know.
        add(Dccp::new(DCCP_ACK, 1).ack(2).options(&[3, 31, 100, 2, 34, 2, 34, 4, 12, 1]));
        add(Dccp::new(DCCP_ACK, 1).ack(2).options(&[41, 4, 0, 0, 42, 7, 0, 0, 0, 0, 0, 43, 3, 0]));
        add(Dccp::new(DCCP_ACK, 1).ack(2).options(&[36, 2, 38, 2, 44, 2, 37, 2]));
        add(Dccp::new(DCCP_ACK, 1).ack(2).options(&[41, 1, 0, 0]));
        add(Dccp::new(DCCP_ACK, 1).ack(2).options(&[200, 0, 0, 0]));
        add(Dccp::new(DCCP_ACK, 1).ack(2).options(&[0, 0, 41, 6]));
        add(Dccp::new(DCCP_ACK, 1).ack(2).options(&[0, 0, 0, 200]));
        add(Dccp::new(DCCP_ACK, 1).ack(2).options(&[0, 0, 0, 200]).payload(&[6, 1, 1, 1]));
        // Checksums covering part of the packet, and a wrong one.
        let mut partial = Dccp::new(DCCP_DATA, 7).payload(&[0x55; 20]);
        partial.ccval_coverage = 0x32;
        add(partial.clone());
        partial.ccval_coverage = 0x0f;
        add(partial.clone());
        let mut wrong = Dccp::new(DCCP_DATA, 8).payload(b"x").bytes(hosts);
        wrong[7] ^= 1;
        capture.add(eth(ethertype_of(hosts), &hosts.packet(DCCP, &wrong)));
        // Data offsets past the packet, and below the fixed header.
        let mut long = Dccp::new(DCCP_ACK, 1).ack(2).options(&[0, 0, 0, 0]);
        long.data_offset = Some(200);
        capture.add(long.frame(hosts));
        long.data_offset = Some(2);
        capture.add(long.frame(hosts));
        // Shorter than the headers their types need.
        let request = Dccp::new(DCCP_REQUEST, 1).subheader(&service).bytes(hosts);
        for len in [8, 12, 14, 18] {
            capture.add(eth(ethertype_of(hosts), &hosts.packet(DCCP, &request[..len])));
        }
        let close = Dccp::new(DCCP_CLOSE, 1).ack(2).bytes(hosts);
        capture.add(eth(ethertype_of(hosts), &hosts.packet(DCCP, &close[..20])));
        let reset = Dccp::new(DCCP_RESET, 1).ack(2).subheader(&[2, 0, 0, 0]).bytes(hosts);
        capture.add(eth(ethertype_of(hosts), &hosts.packet(DCCP, &reset[..24])));
        let short_ack = Dccp::new(DCCP_ACK, 1).short().ack(2).bytes(hosts);
        capture.add(eth(ethertype_of(hosts), &hosts.packet(DCCP, &short_ack[..13])));
    }
    // Port unreachable: a Request quoted whole, and only as far as its checksum.
    for (hosts, header_len) in [(HOSTS4, 20), (HOSTS6, 40)] {
        let request = Dccp::new(DCCP_REQUEST, 1).subheader(&service);
        add_unreachables(&mut capture, hosts, &hosts.packet(DCCP, &request.bytes(hosts)), header_len + 8);
    }
    // After an IPv6 extension header, whose addresses tcpdump has printed.
    let hop_by_hop = extension_header(DCCP, &[1, 4, 0, 0, 0, 0]);
    let data = Dccp::new(DCCP_DATA, 3).payload(b"xyz").bytes(HOSTS6);
    capture.add(eth(ethertype_of(HOSTS6), &HOSTS6.packet(0, &[&hop_by_hop[..], &data].concat())));
    // Every cut of a Response with options and of a short-sequence Ack.
    let response =
        Dccp::new(DCCP_RESPONSE, 5000).ack(1000).subheader(&service).options(&[1, 32, 4, 1, 2, 41, 6, 0, 0, 0, 9]);
    let ack = Dccp::new(DCCP_ACK, 7).short().ack(9).options(&[42, 8, 0, 0, 0, 1, 0, 2]).payload(b"ab");
    for packet in [response, ack] {
        add_every_cut(&mut capture, &packet.frame(HOSTS4), &[14]);
    }
    // UDP-Lite (IP protocol 136), which tcpdump 4.99 has no printer for: a checksum coverage of 8 in UDP's length
    // field.
    for hosts in [HOSTS4, HOSTS6] {
        let udp_lite =
            [&40000u16.to_be_bytes()[..], &53u16.to_be_bytes(), &8u16.to_be_bytes(), &[0, 0], b"lite"].concat();
        capture.add(eth(ethertype_of(hosts), &hosts.packet(UDP_LITE, &udp_lite)));
    }
    capture
}

const UDP_LITE: u8 = 136;
