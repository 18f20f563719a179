//! Whole-line tests of the printer. (`tests/print_vs_tcpdump.rs` compares it with tcpdump on many more packets.)

use std::{
    io::{self, Write},
    path::Path,
    sync::{Arc, Mutex},
};

use pcap_file::DataLink;

use super::*;
use crate::packet::{ContainerContext, ParentProcess, ProcessContext, Timestamp};

/// Where a printer writes, readable while the printer still exists.
#[derive(Clone, Default)]
struct SharedBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for SharedBuffer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().expect("not poisoned").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl SharedBuffer {
    fn take_text(&self) -> String {
        String::from_utf8(std::mem::take(&mut *self.0.lock().expect("not poisoned"))).expect("lines are UTF-8")
    }
}

fn interface(name: &str, link_type: DataLink) -> Interface {
    Interface { name: name.to_string(), index: 0, link_type, snaplen: MAXIMUM_SNAPLEN, description: None }
}

fn packet(data: &[u8], direction: Option<Direction>) -> Packet<'_> {
    Packet {
        timestamp: Timestamp(1_700_000_000_123_456_789),
        interface: 0,
        direction,
        original_len: data.len() as u32,
        data,
        process: None,
        peer: None,
    }
}

fn epoch_printer() -> (Printer, SharedBuffer) {
    let output = SharedBuffer::default();
    let options = PrintOptions { timestamp: TimestampFormat::Epoch, ..PrintOptions::default() };
    (Printer::new(Box::new(output.clone()), options), output)
}

/// An IPv4 UDP datagram from 10.0.0.1:40000 to 10.0.0.2:50000 with 2 bytes of payload.
const UDP4: [u8; 30] =
    [0x45, 0, 0, 30, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 0x9c, 0x40, 0xc3, 0x50, 0, 10, 0, 0, 1, 2];

#[test]
fn named_interfaces_get_name_and_direction_columns() {
    let (mut printer, output) = epoch_printer();
    for (name, direction) in [("lo", Some(Direction::In)), ("eth0", Some(Direction::Out)), ("wlp0s20f3", None)] {
        printer.write_packet(&packet(&UDP4, direction), &interface(name, DataLink::RAW)).expect("printed");
    }
    printer.write_packet(&packet(&UDP4, None), &interface("", DataLink::RAW)).expect("printed");
    assert_eq!(
        output.take_text(),
        "1700000000.123456 lo    In  IP 10.0.0.1.40000 > 10.0.0.2.50000: UDP, length 2\n\
         1700000000.123456 eth0  Out IP 10.0.0.1.40000 > 10.0.0.2.50000: UDP, length 2\n\
         1700000000.123456 wlp0s20f3 ?   IP 10.0.0.1.40000 > 10.0.0.2.50000: UDP, length 2\n\
         1700000000.123456 IP 10.0.0.1.40000 > 10.0.0.2.50000: UDP, length 2\n"
    );
}

#[test]
fn impossible_lengths_are_reported_instead_of_the_packet() {
    let (mut printer, output) = epoch_printer();
    let mut record = packet(&UDP4, None);
    record.original_len = 10;
    printer.write_packet(&record, &interface("", DataLink::RAW)).expect("printed");
    record.data = &[];
    record.original_len = 0;
    printer.write_packet(&record, &interface("", DataLink::RAW)).expect("printed");
    assert_eq!(output.take_text(), "[Invalid header: len(10) < caplen(30)]\n[Invalid header: caplen==0, len==0]\n");
}

#[test]
fn unsupported_link_types_are_dumped() {
    let (mut printer, output) = epoch_printer();
    printer.write_packet(&packet(&[1, 2, 3], None), &interface("", DataLink::Unknown(147))).expect("printed");
    assert_eq!(
        output.take_text(),
        "1700000000.123456 UNSUPPORTED\n\t0x0000:  0102 03                                  ...\n"
    );
}

/// A TCP segment over IPv4 between 10.0.0.1:40000 and 10.0.0.2:50000 (`from_client` says which way).
fn tcp_segment(from_client: bool, seq: u32, ack: u32, flags: u8) -> Vec<u8> {
    let (source, destination, ports) = if from_client {
        ([10, 0, 0, 1], [10, 0, 0, 2], [0x9c, 0x40, 0xc3, 0x50])
    } else {
        ([10, 0, 0, 2], [10, 0, 0, 1], [0xc3, 0x50, 0x9c, 0x40])
    };
    let mut packet = vec![0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0];
    packet.extend_from_slice(&source);
    packet.extend_from_slice(&destination);
    packet.extend_from_slice(&ports);
    packet.extend_from_slice(&seq.to_be_bytes());
    packet.extend_from_slice(&ack.to_be_bytes());
    packet.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    packet
}

#[test]
fn sequence_numbers_are_relative_after_the_first_segment() {
    let (mut printer, output) = epoch_printer();
    let raw = interface("", DataLink::RAW);
    for (from_client, seq, ack, flags) in [
        (true, 1000, 0, 0x02),
        (false, 5000, 1001, 0x12),
        (true, 1001, 5001, 0x10),
        (false, 5001, 1001, 0x11),
        // A new handshake on the same ports starts over.
        (true, 7000, 0, 0x02),
        (false, 9000, 7001, 0x12),
        (true, 7001, 9001, 0x10),
    ] {
        printer.write_packet(&packet(&tcp_segment(from_client, seq, ack, flags), None), &raw).expect("printed");
    }
    let text = output.take_text();
    let summaries: Vec<&str> = text.lines().map(|line| line.split_once(": ").map_or(line, |(_, rest)| rest)).collect();
    assert_eq!(
        summaries,
        [
            "Flags [S], seq 1000, win 65535, length 0",
            "Flags [S.], seq 5000, ack 1001, win 65535, length 0",
            "Flags [.], ack 1, win 65535, length 0",
            "Flags [F.], seq 1, ack 1, win 65535, length 0",
            "Flags [S], seq 7000, win 65535, length 0",
            "Flags [S.], seq 9000, ack 7001, win 65535, length 0",
            "Flags [.], ack 1, win 65535, length 0",
        ]
    );
}

#[test]
fn truncated_headers_end_with_the_protocol_marker() {
    let (mut printer, output) = epoch_printer();
    let raw = interface("", DataLink::RAW);
    let segment = tcp_segment(true, 1, 0, 0x02);
    for captured in [3, 22, 24, 30] {
        let mut record = packet(&segment[..captured], None);
        record.original_len = segment.len() as u32;
        printer.write_packet(&record, &raw).expect("printed");
    }
    assert_eq!(
        output.take_text(),
        "1700000000.123456 IP  [|ip]\n\
         1700000000.123456 IP 10.0.0.1 > 10.0.0.2: [|tcp]\n\
         1700000000.123456 IP 10.0.0.1.40000 > 10.0.0.2.50000:  [|tcp]\n\
         1700000000.123456 IP 10.0.0.1.40000 > 10.0.0.2.50000:  [|tcp]\n"
    );
}

/// With -v tcpdump's text spans two lines; ptstat's names of the process end its last, and the process lines
/// come after the dump.
#[test]
fn process_lines_follow_tcpdumps_text_and_dump() {
    let output = SharedBuffer::default();
    let options = PrintOptions {
        timestamp: TimestampFormat::None,
        process_details: true,
        decoding: Decoding { verbosity: 1, ..Decoding::default() },
        dump: Some(PacketDump { style: DumpStyle::Hex, link_header: false }),
        ..PrintOptions::default()
    };
    let mut printer = Printer::new(Box::new(output.clone()), options);
    let process = ProcessContext {
        pid: 42,
        name: "curl".into(),
        cmd: "/usr/bin/curl".into(),
        args: "curl x".into(),
        parent: Some(ParentProcess { pid: 7, name: "bash".into(), cmd: "/bin/bash".into(), args: "bash".into() }),
        ..ProcessContext::default()
    };
    let mut record = packet(&UDP4, Some(Direction::Out));
    record.process = Some(&process);
    printer.write_packet(&record, &interface("eth0", DataLink::RAW)).expect("printed");
    assert_eq!(
        output.take_text(),
        "eth0  curl.42 Out IP (tos 0x0, ttl 64, id 0, offset 0, flags [DF], proto UDP (17), length 30, bad cksum 0 \
         (->26cd)!)\n    10.0.0.1.40000 > 10.0.0.2.50000: UDP, length 2, ParentProc [bash.7]\
         \n\t0x0000:  4500 001e 0000 4000 4011 0000 0a00 0001\
         \n\t0x0010:  0a00 0002 9c40 c350 000a 0000 0102\
         \n    Process (pid 42, cmd /usr/bin/curl, args curl x)\
         \n    ParentProc (pid 7, cmd /bin/bash, args bash)\n"
    );
}

#[test]
fn a_local_peer_is_named_after_the_process_sender_first() {
    let output = SharedBuffer::default();
    let options = PrintOptions { timestamp: TimestampFormat::None, process_details: true, ..PrintOptions::default() };
    let mut printer = Printer::new(Box::new(output.clone()), options);
    let client = ProcessContext { pid: 42, name: "curl".into(), ..ProcessContext::default() };
    let server = ProcessContext {
        pid: 777,
        name: "python3".into(),
        cmd: "/usr/bin/python3".into(),
        args: "python3 -m http.server".into(),
        container: Some(ContainerContext { name: "web".into(), ..ContainerContext::default() }),
        ..ProcessContext::default()
    };
    for (owner, peer, direction) in [(&client, &server, Direction::Out), (&client, &server, Direction::In)] {
        let mut record = packet(&UDP4, Some(direction));
        record.process = Some(owner);
        record.peer = Some(peer);
        printer.write_packet(&record, &interface("eth0", DataLink::RAW)).expect("printed");
    }
    let peer_details = "\n    PeerProc (pid 777, cmd /usr/bin/python3, args python3 -m http.server)\
                        \n    PeerContainer (name web, id , image , labels {})\n";
    assert_eq!(
        output.take_text(),
        format!(
            "eth0  curl.42 > python3.777 Out IP 10.0.0.1.40000 > 10.0.0.2.50000: UDP, length 2, PeerContainer [web]\
             {peer_details}\
             eth0  python3.777 > curl.42 In  IP 10.0.0.1.40000 > 10.0.0.2.50000: UDP, length 2, PeerContainer [web]\
             {peer_details}"
        )
    );
}

#[test]
fn line_buffering_flushes_every_line() {
    #[derive(Clone, Default)]
    struct CountingFlushes(Arc<Mutex<usize>>);
    impl Write for CountingFlushes {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            *self.0.lock().expect("not poisoned") += 1;
            Ok(())
        }
    }
    let flushes = CountingFlushes::default();
    let options = PrintOptions { line_buffered: true, ..PrintOptions::default() };
    let mut printer = Printer::new(Box::new(flushes.clone()), options);
    for _ in 0..3 {
        printer.write_packet(&packet(&UDP4, None), &interface("", DataLink::RAW)).expect("printed");
    }
    assert_eq!(*flushes.0.lock().expect("not poisoned"), 3);
}

/// A small deterministic generator (xorshift64*), so that failures can be replayed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

const LINK_TYPES: [DataLink; 9] = [
    DataLink::ETHERNET,
    DataLink::RAW,
    DataLink::IPV4,
    DataLink::IPV6,
    DataLink::LINUX_SLL,
    DataLink::LINUX_SLL2,
    DataLink::NULL,
    DataLink::LOOP,
    DataLink::Unknown(147),
];

/// The printer must survive any bytes: random ones, and the test captures' packets cut short, with bytes
/// changed and with wire lengths that do not fit.
#[test]
fn any_bytes_print_without_panicking() {
    let mut random = Random(0x5eed_1234_abcd_0001);
    let mut seeds: Vec<(DataLink, Vec<u8>)> = Vec::new();
    for link_type in LINK_TYPES {
        for len in [0, 1, 2, 4, 13, 14, 16, 20, 40, 60, 200] {
            seeds.push((link_type, (0..len).map(|_| random.next() as u8).collect()));
        }
    }
    seeds.extend(test_capture_packets());
    let output = SharedBuffer::default();
    // Every printer's every verbosity, and the dumps, which take the link-layer header's length from them.
    let mut printers: Vec<Printer> = [
        PrintOptions::default(),
        PrintOptions {
            decoding: Decoding { verbosity: 3, link_header: true, ..Decoding::default() },
            dump: Some(PacketDump { style: DumpStyle::HexAndAscii, link_header: false }),
            ..PrintOptions::default()
        },
        PrintOptions {
            decoding: Decoding { verbosity: 1, quick: true, absolute_tcp_sequence: true, ..Decoding::default() },
            dump: Some(PacketDump { style: DumpStyle::Ascii, link_header: true }),
            numbered: true,
            ..PrintOptions::default()
        },
        PrintOptions {
            decoding: Decoding { verbosity: 2, ..Decoding::default() },
            dump: Some(PacketDump { style: DumpStyle::Hex, link_header: false }),
            ..PrintOptions::default()
        },
    ]
    .into_iter()
    // Every -T type (every payload taken for that protocol, which may not travel in TCP or UDP), at -vv.
    .chain(clap::ValueEnum::value_variants().iter().map(|&packet_type: &PacketType| PrintOptions {
        decoding: Decoding { verbosity: 2, packet_type: Some(packet_type), ..Decoding::default() },
        ..PrintOptions::default()
    }))
    .map(|options| Printer::new(Box::new(output.clone()), options))
    .collect();
    for (link_type, seed) in &seeds {
        let interface = interface("", *link_type);
        for round in 0..40 {
            let mut data = seed.clone();
            if round > 0 {
                for _ in 0..random.below(4) {
                    let index = random.below(data.len());
                    if let Some(byte) = data.get_mut(index) {
                        *byte = random.next() as u8;
                    }
                }
                data.truncate(random.below(data.len() + 1));
            }
            let mut record = packet(&data, None);
            record.original_len = match round % 3 {
                0 => data.len() as u32,
                1 => data.len() as u32 + random.below(70_000) as u32,
                _ => random.next() as u32,
            };
            for printer in &mut printers {
                printer.write_packet(&record, &interface).expect("printed");
            }
        }
        output.take_text();
    }
}

/// The whole packets of the captures in `testdata/`, if they have been generated. Their cut copies are left out:
/// the rounds above cut each packet at random lengths anyway, and there are tens of thousands of them.
fn test_capture_packets() -> Vec<(DataLink, Vec<u8>)> {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut packets = Vec::new();
    for entry in std::fs::read_dir(directory).into_iter().flatten().flatten() {
        let Ok(file) = std::fs::File::open(entry.path()) else { continue };
        let Ok(mut reader) = pcap_file::pcap::PcapReader::new(file) else { continue };
        let link_type = reader.header().datalink;
        while let Some(Ok(packet)) = reader.next_raw_packet() {
            if packet.data.len() as u32 >= packet.orig_len {
                packets.push((link_type, packet.data.to_vec()));
            }
        }
    }
    packets
}

#[test]
fn line_helpers_write_what_format_writes() {
    use address::IpAddress;

    let written = |write: &dyn Fn(&mut Line)| {
        let mut line = Line::default();
        write(&mut line);
        line.text
    };
    let v6 = IpAddress::V6([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    for address in [IpAddress::V4([0, 0, 0, 0]), IpAddress::V4([255, 255, 255, 255]), IpAddress::V4([10, 0, 12, 1]), v6]
    {
        assert_eq!(written(&|line| line.put_address(&address)), address.to_string());
    }
    for (value, width) in [(0u32, 6), (123, 6), (999_999, 6), (1_234_567, 6), (5, 9)] {
        assert_eq!(written(&|line| line.put_zero_padded(value, width)), format!("{value:0width$}"));
    }
    for (text, width) in [("lo", 5), ("enp0s31f6", 5), ("é", 3), ("", 3)] {
        assert_eq!(written(&|line| line.put_left_aligned(text, width)), format!("{text:<width$}"));
    }
    assert_eq!(written(&|line| line.put_decimal(u64::MAX)), u64::MAX.to_string());
    let names = [(0x80, "O"), (0x40, "C"), (0x01, "R6")];
    assert_eq!(written(&|line| line.put_flag_names_joined(0xc1, &names, "", "none")), "OCR6");
    assert_eq!(written(&|line| line.put_flag_names_joined(0x02, &names, "", "invalid")), "invalid");
    assert_eq!(written(&|line| line.put_flag_names(0x41, &names)), "C, R6");
}
