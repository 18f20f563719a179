//! Captures of the protocols tcpdump prints only when `-T` names them (or, for some, by a port or IP protocol of
//! their own): RTP, RTCP and vat, ... Their datagrams go between ports no printer claims, so without `-T` they
//! print as plain UDP; each comes with copies cut at every length from its payload's start on.

use pcap_file::DataLink;

use super::{
    ACK, Capture, HOSTS4, HOSTS6, Hosts, IP_A, IP_B, IP6_A, IP6_B, PSH, Segment, eth, ethertype_of, internet_checksum,
    ipv4_with,
    services::{add_with_cuts, datagram},
};

/// What the captures hold: file name and packets.
pub fn captures() -> [(&'static str, Capture); 8] {
    [
        ("rtp.pcap", rtp_capture()),
        ("cnfp.pcap", cnfp_capture()),
        ("zmtp1.pcap", zmtp1_capture()),
        ("aodv.pcap", aodv_capture()),
        ("wb.pcap", wb_capture()),
        ("pgm.pcap", pgm_capture()),
        ("carp.pcap", carp_capture()),
        ("lmp.pcap", lmp_capture()),
    ]
}

/// vat's own port, on which tcpdump prints it without -T (as a destination).
const VAT_PORT: u16 = 3456;
/// Ports of a media session, which no printer claims.
const MEDIA_PORT: u16 = 16384;
const CONTROL_PORT: u16 = 16385;
const PEER_MEDIA_PORT: u16 = 16386;

/// Adds the datagram carrying `payload`, and its copies cut at every length of the payload.
fn add_message(capture: &mut Capture, hosts: Hosts, ports: (u16, u16), payload: &[u8]) {
    add_with_cuts(capture, datagram(hosts, ports.0, ports.1, payload), payload.len());
}

fn words(values: &[u32]) -> Vec<u8> {
    values.iter().flat_map(|value| value.to_be_bytes()).collect()
}

/// An RTP version 2 header: flags byte (padding, extension, CSRC count), marker and payload type, sequence,
/// timestamp, synchronization source.
fn rtp_header(flags: u8, marker: bool, payload_type: u8, sequence: u16, timestamp: u32, source: u32) -> Vec<u8> {
    let mut header = vec![0x80 | flags, u8::from(marker) << 7 | payload_type];
    header.extend_from_slice(&sequence.to_be_bytes());
    header.extend(words(&[timestamp, source]));
    header
}

fn rtp_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let media = (MEDIA_PORT, PEER_MEDIA_PORT);
    let samples: Vec<u8> = (0..20u8).map(|byte| byte.wrapping_mul(29) ^ 0x55).collect();
    // PCMU audio; then a marked dynamic payload type with a header extension (one-byte form).
    let audio = [rtp_header(0, false, 0, 0x1234, 160_000, 0x1234_5678), samples.clone()].concat();
    add_message(&mut capture, HOSTS4, media, &audio);
    let extension = words(&[0xbede_0001, 0x1012_3400]);
    let video = [rtp_header(0x10, true, 96, 7, 90_000, 0xcafe_f00d), extension, samples.clone()].concat();
    add_message(&mut capture, HOSTS6, media, &video);
    // An extension longer than the message.
    let too_long = [rtp_header(0x10, false, 8, 8, 1, 2), words(&[0xbede_0009, 0])].concat();
    add_message(&mut capture, HOSTS4, media, &too_long);
    // H.261 video, whose payload header tcpdump shows.
    let h261 = [rtp_header(0, false, 31, 9, 3, 4), words(&[0x0300_1234]), samples.clone()].concat();
    add_message(&mut capture, HOSTS4, media, &h261);
    // Version 1 with two options, the last one flagged; then one whose option claims more words than there are.
    let version1 = [words(&[0x40a0_0042, 77, 0x0001_0000, 0x8002_0000, 5]), samples.clone()].concat();
    add_message(&mut capture, HOSTS4, media, &version1);
    add_message(&mut capture, HOSTS4, media, &words(&[0x4080_0043, 78, 0x0009_0000]));
    add_message(&mut capture, HOSTS4, media, &words(&[0x4080_0044, 79, 0x0000_0000]));
    // Too short for RTP's fixed header.
    capture.add(datagram(HOSTS4, MEDIA_PORT, PEER_MEDIA_PORT, &[0x80, 0, 0, 1, 0, 0, 0, 2, 0, 0]));
    capture.add(datagram(HOSTS4, MEDIA_PORT, PEER_MEDIA_PORT, &[0x80, 0, 0, 1, 0]));

    let control = (CONTROL_PORT, CONTROL_PORT + 2);
    // A sender report with a report block, then a source description: one compound packet.
    let report_block = words(&[0x1234_5678, 0x0100_0003, 0x0001_0203, 17, 0x8765_4321, 0x0002_8000]);
    let sender_info = words(&[0xe93c_1f80, 0x8000_0000, 160_000, 10, 1600]);
    let sender_report = [&[0x81, 200, 0, 12][..], &words(&[0xcafe_f00d]), &sender_info, &report_block].concat();
    let description = [&[0x81, 202, 0, 3][..], &words(&[0xcafe_f00d]), &[1, 4, b'h', b'o', b's', b't', 0, 0]].concat();
    add_message(&mut capture, HOSTS4, control, &[sender_report, description].concat());
    // A receiver report of two blocks; a goodbye; an application-defined packet; a sender report whose length
    // does not fit its count.
    let second_block = words(&[0xcafe_f00d, 0x0000_0000, 0x0000_ffff, 0, 0, 0]);
    let receiver_report = [&[0x82, 201, 0, 13][..], &words(&[0x1234_5678]), &report_block, &second_block].concat();
    add_message(&mut capture, HOSTS6, control, &receiver_report);
    let goodbye = [&[0x81, 203, 0, 1][..], &words(&[0x1234_5678])].concat();
    let application = [&[0x80, 204, 0, 2][..], &words(&[0x1234_5678]), b"ping"].concat();
    add_message(&mut capture, HOSTS4, control, &[goodbye, application].concat());
    let odd_sender = [&[0x80, 200, 0, 9][..], &words(&[7]), &sender_info, &[0; 12]].concat();
    add_message(&mut capture, HOSTS4, control, &odd_sender);

    let audio_tool = (MEDIA_PORT + 10, MEDIA_PORT + 12);
    // vat: format 1, sample rate 12, a flagged conference; then vt (video), and messages too short for either.
    add_message(&mut capture, HOSTS4, audio_tool, &[words(&[0x0c81_1234, 1]), samples.clone()].concat());
    add_message(&mut capture, HOSTS4, audio_tool, &[words(&[0x0000_0042, 2]), samples].concat());
    add_message(&mut capture, HOSTS4, audio_tool, &[0x81, 0x23, 0, 0]);
    capture.add(datagram(HOSTS4, audio_tool.0, audio_tool.1, &[0x00, 0x01, 0, 0]));
    capture.add(datagram(HOSTS4, audio_tool.0, audio_tool.1, &[0x00]));
    // To vat's own port, and from it (where tcpdump does not recognize it).
    add_message(&mut capture, HOSTS4, (audio_tool.0, VAT_PORT), &[words(&[0x0c81_1234, 1]), vec![0; 8]].concat());
    capture.add(datagram(HOSTS4, VAT_PORT, audio_tool.1, &[0x81, 0x23, 0, 0]));
    capture
}

/// A NetFlow exporter's port and its collector's, which no printer claims.
const EXPORTER_PORT: u16 = 40055;
const COLLECTOR_PORT: u16 = 2055;

/// A NetFlow export header: version, record count, uptime (ms), seconds and nanoseconds, then what the version
/// adds (sequence, engine, sampling).
fn netflow_header(version: u16, count: u16, uptime: u32, extra: &[u32]) -> Vec<u8> {
    [&version.to_be_bytes()[..], &count.to_be_bytes(), &words(&[uptime, 1_700_000_000, 123]), &words(extra)].concat()
}

/// A flow: addresses (source, destination, next hop), ports, protocol, TCP flags, packets and octets.
struct Flow {
    addresses: [[u8; 4]; 3],
    ports: (u16, u16),
    protocol: u8,
    tcp_flags: u8,
    packets: u32,
    octets: u32,
}

impl Flow {
    /// The fields every version starts its record with: addresses, interfaces, counts, times, ports.
    fn common(&self) -> Vec<u8> {
        let mut record = self.addresses.concat();
        record.extend_from_slice(&[0, 2, 0, 3]);
        record.extend(words(&[self.packets, self.octets, 3_595_250, 3_600_125]));
        record.extend_from_slice(&self.ports.0.to_be_bytes());
        record.extend_from_slice(&self.ports.1.to_be_bytes());
        record
    }

    fn version1(&self) -> Vec<u8> {
        [self.common(), vec![0, 0, self.protocol, 0x10, self.tcp_flags, 0, 0, 0], words(&[0])].concat()
    }

    /// A version 5 record (version 6's has the encapsulation sizes in the place of the padding).
    fn version5(&self, encapsulation: [u8; 2]) -> Vec<u8> {
        let autonomous_systems = [&64_512u16.to_be_bytes()[..], &65_001u16.to_be_bytes()].concat();
        [
            self.common(),
            vec![0, self.tcp_flags, self.protocol, 0xb8],
            autonomous_systems,
            vec![24, 16],
            encapsulation.to_vec(),
        ]
        .concat()
    }
}

fn cnfp_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let web = Flow {
        addresses: [[192, 0, 2, 10], [198, 51, 100, 20], [10, 0, 0, 254]],
        ports: (51_000, 443),
        protocol: 6,
        tcp_flags: 0x1b,
        packets: 12,
        octets: 4_810,
    };
    let dns = Flow {
        addresses: [[192, 0, 2, 11], [198, 51, 100, 53], [10, 0, 0, 254]],
        ports: (53_001, 53),
        protocol: 17,
        tcp_flags: 0,
        packets: 1,
        octets: 71,
    };
    let reset = Flow { tcp_flags: 0xc0, ..Flow { protocol: 6, ..dns } };
    let exporter = HOSTS4;
    let ports = (EXPORTER_PORT, COLLECTOR_PORT);
    let version1 = [netflow_header(1, 2, 3_600_500, &[]), web.version1(), reset.version1()].concat();
    add_message(&mut capture, exporter, ports, &version1);
    let version5 =
        [netflow_header(5, 2, 3_600_500, &[42, 0x0001_0000]), web.version5([0, 0]), dns.version5([0, 0])].concat();
    add_message(&mut capture, exporter, ports, &version5);
    let version6 = [netflow_header(6, 1, 3_600_500, &[43, 0]), web.version5([20, 24])].concat();
    add_message(&mut capture, exporter, ports, &version6);
    // No records, and an uptime short enough that tcpdump's reading of the count gives none either.
    add_message(&mut capture, HOSTS6, ports, &netflow_header(5, 0, 9_999, &[44, 0]));
    // Versions without a printer: 9 and IPFIX's 10.
    capture.add(datagram(exporter, ports.0, ports.1, &netflow_header(9, 1, 3_600_500, &[45, 0])));
    capture.add(datagram(exporter, ports.0, ports.1, &netflow_header(10, 1, 3_600_500, &[])));
    capture
}

/// A ZeroMQ peer's port and its server's, which no printer claims.
const ZMQ_CLIENT_PORT: u16 = 40555;
const ZMQ_SERVER_PORT: u16 = 5555;

/// A ZMTP/1.0 frame: its length (flags and body) in a byte, or past 254 in 64 bits after 0xff; flags; body.
fn zmtp_frame(more: bool, body: &[u8]) -> Vec<u8> {
    let len = body.len() + 1;
    let length = if len < 0xff { vec![len as u8] } else { [&[0xff][..], &(len as u64).to_be_bytes()].concat() };
    [length, vec![u8::from(more)], body.to_vec()].concat()
}

/// Adds the TCP segment carrying `payload`, and its copies cut at every length of the payload.
fn add_segment(capture: &mut Capture, hosts: Hosts, ports: (u16, u16), seq: u32, payload: &[u8]) {
    let mut segment = Segment::new(ports.0, ports.1, seq, 1, ACK | PSH);
    segment.payload = payload.to_vec();
    let frame = eth(ethertype_of(hosts), &segment.packet(hosts));
    add_with_cuts(capture, frame, payload.len());
}

fn zmtp1_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let ports = (ZMQ_CLIENT_PORT, ZMQ_SERVER_PORT);
    // The greeting (an anonymous identity), then a two-frame message: an envelope and its body.
    add_segment(&mut capture, HOSTS4, ports, 1000, &zmtp_frame(false, b""));
    let message = [zmtp_frame(true, b"topic"), zmtp_frame(false, b"hello, subscribers")].concat();
    add_segment(&mut capture, HOSTS4, ports, 1002, &message);
    // A frame too long for a byte's length, longer than -v shows.
    let long_body: Vec<u8> = (0..300u16).map(|index| b' ' + (index % 95) as u8).collect();
    add_segment(&mut capture, HOSTS6, (ports.1, ports.0), 77, &zmtp_frame(false, &long_body));
    // A zero length (invalid, skipped), reserved flags, and a frame that claims more than the segment holds.
    let odd = [vec![0], vec![3, 0xfe, 1, 2], vec![40, 0, 9, 9]].concat();
    add_segment(&mut capture, HOSTS4, ports, 2000, &odd);
    capture
}

/// Ports for AODV off its own, which tcpdump prints it on.
const AODV_PORTS: (u16, u16) = (40654, 40655);
const AODV_PORT: u16 = 654;

/// An AODV route request or reply: type, flags, a third byte (reserved or prefix size), hop count, then the rest.
fn aodv_message(message_type: u8, flags: u8, third: u8, hops: u8, rest: &[&[u8]]) -> Vec<u8> {
    [&[message_type, flags, third, hops][..], &rest.concat()].concat()
}

fn aodv_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let hello = [1, 4, 0, 0, 0x03, 0xe8];
    let (seven, nine) = (7u32.to_be_bytes(), 9u32.to_be_bytes());
    let destination4 = [10, 0, 0, 9];
    // Over IPv4: a request with a hello extension, a reply with another extension, an error, an acknowledgement.
    let request =
        aodv_message(1, 0x06, 0, 1, &[&0x0000_0102u32.to_be_bytes(), &destination4, &nine, &IP_A, &seven, &hello]);
    add_message(&mut capture, HOSTS4, AODV_PORTS, &request);
    let reply = aodv_message(2, 0x40, 0x18, 2, &[&destination4, &nine, &IP_B, &3000u32.to_be_bytes(), &[5, 2, 0, 0]]);
    add_message(&mut capture, HOSTS4, AODV_PORTS, &reply);
    let error = [&[3, 0x80, 0, 2][..], &destination4, &nine, &IP_B, &seven].concat();
    add_message(&mut capture, HOSTS4, AODV_PORTS, &error);
    add_message(&mut capture, HOSTS4, AODV_PORTS, &[4, 0]);
    // A hello whose length is too short, and a type AODV does not have.
    let bad_hello = aodv_message(1, 0, 0, 0, &[&[0; 4], &destination4, &nine, &IP_A, &seven, &[1, 2, 0, 0, 0, 1]]);
    capture.add(datagram(HOSTS4, AODV_PORTS.0, AODV_PORTS.1, &bad_hello));
    capture.add(datagram(HOSTS4, AODV_PORTS.0, AODV_PORTS.1, &[7, 0, 0, 0]));
    // Over IPv6: the same messages with IPv6 addresses, then the IPv6 draft's, numbers before addresses.
    let request6 = aodv_message(1, 0, 0, 3, &[&[0, 0, 0, 5], &IP6_B, &nine, &IP6_A, &seven, &hello]);
    add_message(&mut capture, HOSTS6, AODV_PORTS, &request6);
    let reply6 = aodv_message(2, 0, 0, 1, &[&IP6_B, &nine, &IP6_A, &1000u32.to_be_bytes()]);
    add_message(&mut capture, HOSTS6, AODV_PORTS, &reply6);
    add_message(&mut capture, HOSTS6, AODV_PORTS, &[&[3, 0, 0, 1][..], &IP6_B, &nine].concat());
    let draft_request = aodv_message(16, 0, 0, 3, &[&[0, 0, 0, 6], &nine, &seven, &IP6_B, &IP6_A]);
    add_message(&mut capture, HOSTS6, AODV_PORTS, &draft_request);
    let draft_reply = aodv_message(17, 0, 0, 1, &[&nine, &IP6_B, &IP6_A, &1000u32.to_be_bytes(), &hello]);
    add_message(&mut capture, HOSTS6, AODV_PORTS, &draft_reply);
    add_message(&mut capture, HOSTS4, AODV_PORTS, &[&[18, 0x80, 0, 1][..], &IP6_B, &nine].concat());
    add_message(&mut capture, HOSTS6, AODV_PORTS, &[19, 0]);
    // On AODV's own port, where tcpdump prints it without -T.
    add_message(&mut capture, HOSTS4, (AODV_PORT, AODV_PORT), &request);
    capture
}

/// Ports for the whiteboard off its own, which tcpdump prints it on (as a destination).
const WB_PORTS: (u16, u16) = (40567, 40568);
const WB_PORT: u16 = 4567;

/// A whiteboard message: its header (source, timestamp, version, type, flags), then the body.
fn wb_message(message_type: u8, flags: u8, body: &[&[u8]]) -> Vec<u8> {
    [&words(&[0x0a00_0001, 1_700_000_000])[..], &[0, 2, message_type, flags], &body.concat()].concat()
}

/// A drawing operation: timestamp (for skips and holes, the last sequence number they stand for), body length,
/// flags, type, and the body padded to 4 bytes.
fn drawing_operation(timestamp: u32, operation_type: u8, body: &[u8]) -> Vec<u8> {
    let mut operation =
        [&timestamp.to_be_bytes()[..], &(body.len() as u16).to_be_bytes(), &[0, operation_type], body].concat();
    operation.resize(operation.len().next_multiple_of(4), 0);
    operation
}

fn wb_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let page = [&IP_A[..], &7u32.to_be_bytes()].concat();
    let sites = [&IP_B[..], &4u32.to_be_bytes(), &[192, 168, 100, 254], &9u32.to_be_bytes()].concat();
    // An announcement with two sites and the site's name; flagged as interactive.
    let page_state = [&1u32.to_be_bytes()[..], &page, &[0, 2, 0, 0]].concat();
    let announcement = wb_message(1, 1, &[&2u32.to_be_bytes(), &page, &page_state, &sites, b"lbl-wb\0"]);
    add_message(&mut capture, HOSTS4, WB_PORTS, &announcement);
    // Drawing operations 1 to 6: a rectangle, a line, a skip over 3 and 4, a string, and one of no known type.
    let operations = [
        drawing_operation(1, 2, &[0, 10, 0, 10, 0, 50, 0, 40]),
        drawing_operation(2, 3, &[0, 1, 0, 2, 0, 3]),
        drawing_operation(4, 14, &[]),
        drawing_operation(5, 9, b"hi"),
        drawing_operation(6, 42, &[]),
    ]
    .concat();
    let range = words(&[1, 6]);
    add_message(&mut capture, HOSTS4, WB_PORTS, &wb_message(0, 0, &[&page, &range, &operations]));
    // A repair reply with a hole that reaches past the range, a repair request, a kill.
    let hole = [drawing_operation(3, 2, &[]), drawing_operation(9, 15, &[])].concat();
    add_message(&mut capture, HOSTS4, WB_PORTS, &wb_message(3, 0, &[&IP_B, &page, &words(&[3, 5]), &hole]));
    add_message(&mut capture, HOSTS4, WB_PORTS, &wb_message(2, 0, &[&IP_B, &page, &words(&[3, 5])]));
    add_message(&mut capture, HOSTS4, WB_PORTS, &wb_message(4, 0, &[]));
    // A page vector request and a reply of two pages (a site count tcpdump reads from its first byte).
    add_message(&mut capture, HOSTS4, WB_PORTS, &wb_message(5, 0, &[&page, &words(&[2, 9])]));
    let state =
        |slot: u32, sites: &[u8]| [&slot.to_be_bytes()[..], &page, &[(sites.len() / 8) as u8, 0, 0, 0], sites].concat();
    let reply = wb_message(7, 0, &[&2u32.to_be_bytes(), &state(1, &sites[..8]), &state(2, &[])]);
    add_message(&mut capture, HOSTS4, WB_PORTS, &reply);
    // A type wb does not have, an announcement too short, and a message shorter than the header.
    capture.add(datagram(HOSTS4, WB_PORTS.0, WB_PORTS.1, &wb_message(6, 0, &[&page])));
    capture.add(datagram(HOSTS4, WB_PORTS.0, WB_PORTS.1, &wb_message(1, 0, &[&page])));
    capture.add(datagram(HOSTS4, WB_PORTS.0, WB_PORTS.1, &[0; 8]));
    // To the whiteboard's own port, and from it (where tcpdump does not recognize it).
    add_message(&mut capture, HOSTS4, (WB_PORTS.0, WB_PORT), &announcement);
    capture.add(datagram(HOSTS4, WB_PORT, WB_PORTS.1, &announcement));
    capture
}

/// PGM's IP protocol number.
const PGM: u8 = 113;
/// PGM's ports (its own, inside its header), and the UDP ports of PGM over UDP, which no printer claims.
const PGM_PORTS: (u16, u16) = (7500, 7501);
const PGM_UDP_PORTS: (u16, u16) = (40113, 40114);

/// A PGM packet: header (ports, type, options flags, checksum, global source id, data length), then the type's
/// fields, the options and the data.
fn pgm_packet(packet_type: u8, options_flags: u8, fields: &[u8], options: &[u8], data: &[u8]) -> Vec<u8> {
    let header = [
        &PGM_PORTS.0.to_be_bytes()[..],
        &PGM_PORTS.1.to_be_bytes(),
        &[packet_type, options_flags, 0, 0],
        &[0x02, 0x42, 0xac, 0x11, 0x00, 0x02],
        &(data.len() as u16).to_be_bytes(),
    ]
    .concat();
    [&header[..], fields, options, data].concat()
}

/// A PGM option: type (with the end bit on the last one), length, then its body.
fn pgm_option(option_type: u8, body: &[u8]) -> Vec<u8> {
    [&[option_type, 2 + body.len() as u8][..], body].concat()
}

/// The options of a packet: the total length first, then `options`, the last one marked as such.
fn pgm_options(options: &[Vec<u8>]) -> Vec<u8> {
    let mut options = options.to_vec();
    if let Some(last) = options.last_mut() {
        last[0] |= 0x80;
    }
    let body = options.concat();
    [pgm_option(0, &(4 + body.len() as u16).to_be_bytes()), body].concat()
}

/// Adds a PGM packet straight in IP and its cuts.
fn add_pgm(capture: &mut Capture, hosts: Hosts, packet: &[u8]) {
    add_with_cuts(capture, eth(ethertype_of(hosts), &hosts.packet(PGM, packet)), packet.len());
}

fn pgm_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let ipv4_nla = [&[0, 1, 0, 0][..], &IP_A].concat();
    // A source path message with parity and a FIN, a poll, a poll response.
    let spm_fields = [&words(&[100, 90, 110])[..], &ipv4_nla].concat();
    let spm_options = pgm_options(&[pgm_option(0x08, &[0, 0, 0, 0, 0, 16]), pgm_option(0x0e, &[0, 0])]);
    add_pgm(&mut capture, HOSTS4, &pgm_packet(0, 1, &spm_fields, &spm_options, &[]));
    let poll_fields = [&words(&[7])[..], &[0, 3, 0, 0], &ipv4_nla, &words(&[500, 0xdead_beef, 0xffff_0000])].concat();
    add_pgm(&mut capture, HOSTS4, &pgm_packet(1, 0, &poll_fields, &[], &[]));
    add_pgm(&mut capture, HOSTS4, &pgm_packet(2, 0, &[0, 0, 0, 7, 0, 3, 0, 0], &[], &[]));
    // Original data (a ZeroMQ message: where it starts, then its frames) with a fragment option; repair data that
    // starts with the end of an earlier message.
    let zeromq = [&[0, 0][..], &[6, 1], b"topic", &[6, 0], b"hello"].concat();
    let fragment = pgm_options(&[pgm_option(0x01, &[0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 14])]);
    add_pgm(&mut capture, HOSTS4, &pgm_packet(4, 1, &words(&[5, 1]), &fragment, &zeromq));
    let repair = [&[0, 3][..], b"end", &[4, 0], b"new"].concat();
    add_pgm(&mut capture, HOSTS4, &pgm_packet(5, 0, &words(&[4, 1]), &[], &repair));
    // NAKs: tcpdump takes the group's first two bytes for its family, so only a group starting 0.1 prints.
    let nak_fields = |group: [u8; 4]| [&words(&[4])[..], &ipv4_nla, &[0, 1, 0, 0], &group].concat();
    let nak_list = pgm_options(&[pgm_option(0x02, &[0, 0, 0, 0, 0, 5, 0, 0, 0, 6])]);
    add_pgm(&mut capture, HOSTS4, &pgm_packet(8, 1, &nak_fields([0, 1, 2, 3]), &nak_list, &[]));
    add_pgm(&mut capture, HOSTS4, &pgm_packet(9, 0, &nak_fields([0, 1, 2, 3]), &[], &[]));
    capture
        .add(eth(ethertype_of(HOSTS4), &HOSTS4.packet(PGM, &pgm_packet(10, 0, &nak_fields([239, 1, 1, 1]), &[], &[]))));
    // An ACK with congestion feedback; a request for an SPM and a type PGM does not have, whose options tcpdump
    // looks for at the header's start.
    let feedback = pgm_options(&[pgm_option(0x13, &[&[0, 0][..], &words(&[77]), &[0, 1, 0, 0], &IP_B].concat())]);
    add_pgm(&mut capture, HOSTS4, &pgm_packet(11, 1, &words(&[9, 0xff]), &feedback, &[]));
    add_pgm(&mut capture, HOSTS4, &pgm_packet(12, 0, &[], &[], &[]));
    capture.add(eth(ethertype_of(HOSTS4), &HOSTS4.packet(PGM, &pgm_packet(13, 1, &[], &[], &[]))));
    // Every other option, in one packet, then malformed ones.
    let many = pgm_options(&[
        pgm_option(0x03, &[0, 0, 0, 0, 0, 2]),
        pgm_option(0x04, &[0, 0, 0, 0, 0, 50, 0, 0, 0, 3]),
        pgm_option(0x05, &[0, 0, 0, 0, 1, 0, 0, 0, 0, 10]),
        pgm_option(0x07, &[&[0, 0, 0, 1, 0, 0][..], &IP_B].concat()),
        pgm_option(0x09, &[0, 0, 0, 0, 0, 4]),
        pgm_option(0x0a, &[0, 0, 0, 0, 0, 8]),
        pgm_option(0x0b, &[0, 0]),
        pgm_option(0x0c, &[0, 0, 10, 0, 0, 1]),
        pgm_option(0x0d, &[0, 0]),
        pgm_option(0x0f, &[0, 0]),
        pgm_option(0x10, &[0, 0, 0, 0]),
        pgm_option(0x11, &[0, 0]),
        pgm_option(0x12, &[&[0, 0][..], &words(&[3]), &[0, 2, 0, 0], &IP6_B].concat()),
        pgm_option(0x00, &[0, 0]),
        pgm_option(0x21, &[1, 2, 3, 4]),
    ]);
    add_pgm(&mut capture, HOSTS4, &pgm_packet(4, 1, &words(&[6, 1]), &many, b"x"));
    for options in [
        vec![1, 4, 0, 8],
        vec![0, 5, 0, 8],
        vec![0, 4, 0, 2],
        [pgm_option(0, &[0, 12]), vec![0x0d, 3, 0, 0, 0, 0, 0, 0]].concat(),
        [pgm_option(0, &[0, 8]), pgm_option(0x8d, &[0, 0, 0, 0])].concat(),
        [pgm_option(0, &[0, 10]), pgm_option(0x8d, &[0, 0])].concat(),
        [pgm_option(0, &[0, 6]), vec![0, 0]].concat(),
    ] {
        capture.add(eth(ethertype_of(HOSTS4), &HOSTS4.packet(PGM, &pgm_packet(4, 1, &words(&[7, 1]), &options, &[]))));
    }
    // Over IPv6, straight and in UDP; and in UDP over IPv4.
    let ipv6_nla = [&[0, 2, 0, 0][..], &IP6_A].concat();
    let spm6 = pgm_packet(0, 0, &[&words(&[100, 90, 110])[..], &ipv6_nla].concat(), &[], &[]);
    add_pgm(&mut capture, HOSTS6, &spm6);
    add_message(&mut capture, HOSTS6, PGM_UDP_PORTS, &spm6);
    add_message(&mut capture, HOSTS4, PGM_UDP_PORTS, &pgm_packet(4, 0, &words(&[8, 1]), &[], &zeromq));
    capture
}

/// CARP's (and VRRP's) IP protocol number.
const CARP: u8 = 112;

/// A CARP message: version and type, virtual host id, skew, authentication length, demotion, base interval,
/// checksum (computed unless given), counter, and the HMAC.
fn carp_message(version_type: u8, host_id: u8, skew: u8, base: u8, counter: u64, checksum: Option<u16>) -> Vec<u8> {
    let mut message =
        [&[version_type, host_id, skew, 7, 0, base, 0, 0][..], &counter.to_be_bytes(), &[0xa5; 20]].concat();
    let checksum = checksum.unwrap_or_else(|| internet_checksum(&[&message]));
    message[6..8].copy_from_slice(&checksum.to_be_bytes());
    message
}

fn carp_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let group = [224, 0, 0, 18];
    let advertisement = |ttl: u8, message: &[u8]| {
        eth(0x0800, &ipv4_with(IP_A, group, CARP, message, |header| header.time_to_live = ttl))
    };
    let message = carp_message(0x21, 1, 0, 1, 0x0000_0001_0000_002a, None);
    add_with_cuts(&mut capture, advertisement(255, &message), message.len());
    // A bad checksum, a TTL other than 255, a version and a type CARP does not have, and over IPv6.
    capture.add(advertisement(255, &carp_message(0x21, 2, 100, 3, 7, Some(0x1234))));
    capture.add(advertisement(64, &carp_message(0x21, 3, 0, 1, 8, None)));
    capture.add(advertisement(255, &carp_message(0x11, 4, 0, 1, 9, None)));
    capture.add(advertisement(255, &carp_message(0x22, 5, 0, 1, 10, None)));
    capture.add(eth(ethertype_of(HOSTS6), &HOSTS6.packet(CARP, &carp_message(0x21, 6, 0, 1, 11, None))));
    capture
}

/// Ports for LMP off its own, which tcpdump prints it on.
const LMP_PORTS: (u16, u16) = (40701, 40702);
const LMP_PORT: u16 = 701;

/// An LMP message: version, flags, type, length, then its objects (class type with the negotiable bit, class,
/// length, body).
fn lmp_message(version: u8, flags: u8, message_type: u8, objects: &[(u8, u8, &[u8])]) -> Vec<u8> {
    let objects: Vec<u8> = objects
        .iter()
        .flat_map(|(class_type, class, body)| {
            [&[*class_type, *class][..], &(4 + body.len() as u16).to_be_bytes(), body].concat()
        })
        .collect();
    let length = (8 + objects.len()) as u16;
    [&[version << 4, 0, flags, message_type][..], &length.to_be_bytes(), &[0, 0], &objects].concat()
}

fn lmp_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    // Config (message id, local control channel and node, hello intervals), a hello, a channel status request.
    let config = lmp_message(
        1,
        0,
        1,
        &[(1, 5, &[0, 0, 0, 1]), (1, 1, &[0, 0, 0, 3]), (1, 2, &IP_A), (0x81, 6, &[0, 150, 1, 194])],
    );
    add_message(&mut capture, HOSTS4, LMP_PORTS, &config);
    let hello = lmp_message(1, 0x01, 4, &[(1, 7, &words(&[5, 4]))]);
    add_message(&mut capture, HOSTS6, LMP_PORTS, &hello);
    add_message(&mut capture, HOSTS4, LMP_PORTS, &lmp_message(1, 0, 19, &[(2, 5, &[0, 0, 0, 2])]));
    // Link and interface ids of every kind, TE and data links with subobjects, verification, channel status,
    // errors, service configuration, and objects of classes and types tcpdump does not decode.
    let bandwidth = 1_250_000f32.to_bits();
    let switching = [&[1, 12, 150, 8][..], &bandwidth.to_be_bytes(), &(2.5e9f32).to_bits().to_be_bytes()].concat();
    let data_link = [&[0x03, 0, 0, 0][..], &IP_A, &IP_B, &switching, &[2, 8, 0, 0, 0, 0, 0x05, 0xdc]].concat();
    let summary = lmp_message(
        1,
        0x02,
        14,
        &[
            (0x81, 3, &IP_A),
            (3, 3, &IP6_A),
            (5, 4, &[0, 0, 0, 9]),
            (1, 11, &[&[0x01, 0, 0, 0][..], &IP_A, &IP_B].concat()),
            (3, 11, &[0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2]),
            (1, 12, &data_link),
            (3, 12, &[&[0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2][..], &[9, 4, 0, 0]].concat()),
        ],
    );
    add_message(&mut capture, HOSTS4, LMP_PORTS, &summary);
    let verify =
        [&[0, 1, 0, 100][..], &words(&[4]), &[8, 0, 0x1f, 0x40], &bandwidth.to_be_bytes(), &words(&[1550])].concat();
    let begin = lmp_message(1, 0, 5, &[(1, 8, &verify), (1, 9, &[0, 50, 0, 1]), (1, 10, &[0, 0, 0, 77])]);
    add_message(&mut capture, HOSTS4, LMP_PORTS, &begin);
    let status = [&IP_A[..], &words(&[0xc000_0001]), &IP_B, &words(&[0x0000_0003])].concat();
    let channel = lmp_message(
        1,
        0,
        17,
        &[
            (1, 13, &status),
            (2, 13, &[&IP6_B[..], &words(&[2])].concat()),
            (3, 14, &words(&[5, 6])),
            (1, 20, &words(&[0x05])),
        ],
    );
    add_message(&mut capture, HOSTS4, LMP_PORTS, &channel);
    let service = lmp_message(
        1,
        0,
        50,
        &[
            (1, 51, &[0x03, 1, 0, 0]),
            (2, 51, &[&[5, 8, 0x07, 0x01, 0, 1, 0, 4, 0, 1, 0, 16][..], &IP_A].concat()),
            (3, 51, &[0, 0, 0, 3, 0, 0, 0, 1]),
            (4, 51, &[0, 0, 0, 6]),
            (2, 20, &words(&[0x24])),
        ],
    );
    add_message(&mut capture, HOSTS4, LMP_PORTS, &service);
    // On LMP's own port, where tcpdump prints it without -T.
    add_message(&mut capture, HOSTS4, (LMP_PORT, LMP_PORT), &summary);
    let odd = lmp_message(1, 0, 4, &[(9, 7, &words(&[1, 2])), (1, 99, &words(&[3])), (1, 7, &words(&[4]))]);
    add_message(&mut capture, HOSTS4, LMP_PORTS, &odd);
    capture.add(datagram(
        HOSTS4,
        LMP_PORTS.0,
        LMP_PORTS.1,
        &[&lmp_message(1, 0, 4, &[])[..6], &[0, 0, 1, 7, 0, 2]].concat(),
    ));
    // A message type LMP does not have, and a version it does not have.
    capture.add(datagram(HOSTS4, LMP_PORTS.0, LMP_PORTS.1, &lmp_message(1, 0, 99, &[])));
    capture.add(datagram(HOSTS4, LMP_PORTS.0, LMP_PORTS.1, &lmp_message(2, 0, 4, &[])));
    capture
}
