//! Capture files. ptstat's PcapNG and pcap writers are checked with tshark, capinfos and tcpdump; its reader with
//! files from those writers, from tcpdump, and from pcap-file (big-endian, odd timestamp resolutions, several
//! sections, simple and obsolete packet blocks), and with truncated, corrupt and random bytes. A missing tool
//! skips a test only when not root; as root or under CI=true it fails the test.

use std::{
    io::{self, BufRead, BufReader, BufWriter, Write},
    net::{IpAddr, SocketAddr},
    path::Path,
    process::{ChildStdin, Command, Stdio},
    sync::mpsc,
    thread,
    time::Duration,
};

use etherparse::PacketBuilder;
use pcap_file::{
    DataLink, Endianness,
    pcap::{self, PcapHeader, PcapPacket, PcapTsResolution},
    pcapng::{
        self,
        blocks::{
            enhanced_packet::{EnhancedPacketBlock, EnhancedPacketOption},
            interface_description::{InterfaceDescriptionBlock, InterfaceDescriptionOption, InterfaceTsResolution},
            interface_statistics::{InterfaceStatisticsBlock, InterfaceStatisticsOption},
            opt_common::{CommonOption, UnknownOption},
            packet::{PacketBlock, PacketOption},
            section_header::{SectionHeaderBlock, SectionHeaderOption},
            simple_packet::SimplePacketBlock,
        },
    },
};
use ptstat::{
    packet::{Direction, Interface, InterfaceId, Packet, Timestamp},
    sink::{Sink, pcap::PcapWriter, pcapng::PcapNgWriter},
    source::file::read_capture,
};

/// Whether all of `tools` are installed. Missing ones skip (what needs them in) the test only for an unprivileged
/// developer; as root or under CI=true they fail it.
fn tools_present(tools: &[&str]) -> bool {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let missing: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|tool| !std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
        .collect();
    if missing.is_empty() {
        return true;
    }
    // The test harness names each test's thread after the test.
    let test = thread::current().name().unwrap_or("this test").to_string();
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    assert!(
        !root && std::env::var("CI").as_deref() != Ok("true"),
        "{test}: {missing:?} missing, which only an unprivileged run outside CI may skip"
    );
    eprintln!("{test}: skipping what needs {missing:?}, which is missing");
    false
}

/// Runs a tool to completion; panics with its stderr if it fails.
fn run(tool: &str, args: &[&str]) -> String {
    let output = Command::new(tool).args(args).output().unwrap_or_else(|error| panic!("{tool}: {error}"));
    assert!(output.status.success(), "{tool} {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

// ----- The synthetic capture -----

/// A packet's addresses and ports, as every tool can tell them.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Flow {
    protocol: &'static str,
    source: String,
    source_port: u16,
    destination: String,
    destination_port: u16,
}

/// A packet as a sink receives it, owning its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
struct OwnedPacket {
    timestamp: Timestamp,
    interface: InterfaceId,
    direction: Option<Direction>,
    original_len: u32,
    data: Vec<u8>,
}

impl OwnedPacket {
    fn as_packet(&self) -> Packet<'_> {
        Packet {
            timestamp: self.timestamp,
            interface: self.interface,
            direction: self.direction,
            original_len: self.original_len,
            data: &self.data,
            process: None,
            peer: None,
        }
    }
}

/// A test packet and the flow it carries.
struct TestPacket {
    packet: OwnedPacket,
    flow: Flow,
}

const HOST_MAC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x01];
const PEER_MAC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x02];
/// 2023-11-14T22:13:20.123456789Z: every digit of the nanoseconds matters.
const FIRST_TIMESTAMP_NS: u64 = 1_700_000_000_123_456_789;

const ETHERNET_IF: InterfaceId = 0;
const RAW_IP_IF: InterfaceId = 1;

/// An Ethernet interface and a raw-IP (tun-like) one. Index 1 is lo on every host, which tcpdump names when it
/// prints LINUX_SLL2 records.
fn test_interfaces() -> Vec<Interface> {
    vec![
        Interface {
            name: "veth-files0".into(),
            index: 1,
            link_type: DataLink::ETHERNET,
            snaplen: 262_144,
            description: Some("namespace ptstat-files".into()),
        },
        Interface {
            name: "tun-files1".into(),
            index: 7,
            link_type: DataLink::RAW,
            snaplen: 262_144,
            description: None,
        },
    ]
}

#[derive(Clone, Copy)]
enum Transport {
    Tcp,
    Udp,
}

/// Builds a packet with etherparse: Ethernet-framed on ETHERNET_IF (the host's MAC as source when outgoing),
/// bare IP on RAW_IP_IF. `source` and `destination` are socket addresses: `10.1.0.1:80`, `[fd00::1]:80`.
fn test_packet(
    sequence: u64,
    (interface, direction): (InterfaceId, Option<Direction>),
    transport: Transport,
    source: &str,
    destination: &str,
    payload_len: usize,
) -> TestPacket {
    let source: SocketAddr = source.parse().expect("test address");
    let destination: SocketAddr = destination.parse().expect("test address");
    let (source_mac, destination_mac) =
        if direction == Some(Direction::In) { (PEER_MAC, HOST_MAC) } else { (HOST_MAC, PEER_MAC) };
    let builder = match (interface, source.ip(), destination.ip()) {
        (ETHERNET_IF, IpAddr::V4(s), IpAddr::V4(d)) => {
            PacketBuilder::ethernet2(source_mac, destination_mac).ipv4(s.octets(), d.octets(), 64)
        }
        (ETHERNET_IF, IpAddr::V6(s), IpAddr::V6(d)) => {
            PacketBuilder::ethernet2(source_mac, destination_mac).ipv6(s.octets(), d.octets(), 64)
        }
        (RAW_IP_IF, IpAddr::V4(s), IpAddr::V4(d)) => PacketBuilder::ipv4(s.octets(), d.octets(), 64),
        (RAW_IP_IF, IpAddr::V6(s), IpAddr::V6(d)) => PacketBuilder::ipv6(s.octets(), d.octets(), 64),
        _ => panic!("no test packet for interface {interface} from {source} to {destination}"),
    };
    let payload = vec![0x5a; payload_len];
    let mut data = Vec::new();
    match transport {
        Transport::Tcp => builder.tcp(source.port(), destination.port(), 1000, 64240).write(&mut data, &payload),
        Transport::Udp => builder.udp(source.port(), destination.port()).write(&mut data, &payload),
    }
    .expect("build test packet");
    TestPacket {
        packet: OwnedPacket {
            // Apart by a millisecond and a nanosecond, so both parts of the timestamp change.
            timestamp: Timestamp(FIRST_TIMESTAMP_NS + sequence * 1_000_001),
            interface,
            direction,
            original_len: data.len() as u32,
            data,
        },
        flow: Flow {
            protocol: match transport {
                Transport::Tcp => "tcp",
                Transport::Udp => "udp",
            },
            source: source.ip().to_string(),
            source_port: source.port(),
            destination: destination.ip().to_string(),
            destination_port: destination.port(),
        },
    }
}

/// Both interfaces, both directions (and one unknown), IPv4 and IPv6, TCP and UDP, and one packet cut short of
/// its length on the wire. Ports that tcpdump has no special printer for, so every line looks alike.
fn test_packets() -> Vec<TestPacket> {
    use Direction::{In, Out};
    use Transport::{Tcp, Udp};
    #[rustfmt::skip]
    let table = [
        ((ETHERNET_IF, Some(Out)), Tcp, "10.1.0.1:40000", "10.1.0.2:8000", 10),
        ((ETHERNET_IF, Some(In)), Udp, "10.1.0.2:41000", "10.1.0.1:40001", 20),
        ((RAW_IP_IF, Some(In)), Udp, "10.2.0.2:5000", "10.2.0.1:6000", 30),
        ((ETHERNET_IF, Some(Out)), Tcp, "[fd00::1]:40002", "[fd00::2]:443", 0),
        ((RAW_IP_IF, Some(Out)), Udp, "[fd01::1]:51000", "[fd01::2]:52000", 5),
        ((RAW_IP_IF, None), Tcp, "10.2.0.1:40003", "10.2.0.2:2222", 100),
    ];
    let mut packets: Vec<TestPacket> = (0..)
        .zip(table)
        .map(|(sequence, (on, transport, from, to, payload_len))| {
            test_packet(sequence, on, transport, from, to, payload_len)
        })
        .collect();
    packets[5].packet.data.truncate(60);
    packets
}

/// Feeds `packets` to `sink` the way a source does: interfaces first, then packets, then finish.
fn feed<'p>(
    sink: &mut dyn Sink,
    interfaces: &[Interface],
    packets: impl IntoIterator<Item = &'p OwnedPacket>,
) -> anyhow::Result<()> {
    for (id, interface) in interfaces.iter().enumerate() {
        sink.add_interface(id, interface)?;
    }
    for packet in packets {
        sink.write_packet(&packet.as_packet(), &interfaces[packet.interface])?;
    }
    sink.finish()
}

fn write_pcapng(path: &Path, interfaces: &[Interface], packets: &[TestPacket]) {
    let file = std::fs::File::create(path).expect("create capture file");
    feed(&mut PcapNgWriter::new(BufWriter::new(file), false), interfaces, packets.iter().map(|test| &test.packet))
        .expect("write PcapNG");
}

fn write_pcap(path: &Path, spans_interfaces: bool, interfaces: &[Interface], packets: &[TestPacket]) {
    let file = std::fs::File::create(path).expect("create capture file");
    feed(
        &mut PcapWriter::new(BufWriter::new(file), spans_interfaces, false),
        interfaces,
        packets.iter().map(|test| &test.packet),
    )
    .expect("write pcap");
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

// ----- Reading back -----

/// What a sink was given.
#[derive(Default)]
struct Recorder {
    interfaces: Vec<Interface>,
    packets: Vec<OwnedPacket>,
}

impl Sink for Recorder {
    fn add_interface(&mut self, id: InterfaceId, interface: &Interface) -> anyhow::Result<()> {
        assert_eq!(id, self.interfaces.len(), "interfaces are announced as 0, 1, 2, ...");
        self.interfaces.push(interface.clone());
        Ok(())
    }

    fn write_packet(&mut self, packet: &Packet, interface: &Interface) -> anyhow::Result<()> {
        assert_eq!(Some(interface), self.interfaces.get(packet.interface), "packet's interface was announced");
        self.packets.push(OwnedPacket {
            timestamp: packet.timestamp,
            interface: packet.interface,
            direction: packet.direction,
            original_len: packet.original_len,
            data: packet.data.to_vec(),
        });
        Ok(())
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        panic!("read_capture must leave finishing the sink to its caller");
    }
}

/// Reads `path` with ptstat's reader: what it delivered, and its error if any.
fn read_back(path: &str) -> (Recorder, Result<u64, String>) {
    let mut recorder = Recorder::default();
    let result = read_capture(path, &mut recorder, None).map_err(|error| format!("{error:#}"));
    if let Ok(count) = result {
        assert_eq!(count, recorder.packets.len() as u64, "read_capture counts what it delivered");
    }
    (recorder, result)
}

/// tshark's `-T fields` output: one Vec of values per packet.
fn tshark_fields(file: &str, fields: &[&str]) -> Vec<Vec<String>> {
    let mut args = vec!["-r", file, "-T", "fields", "-E", "occurrence=f"];
    for field in fields {
        args.extend(["-e", field]);
    }
    run("tshark", &args).lines().map(|line| line.split('\t').map(str::to_string).collect()).collect()
}

/// The flows tshark sees.
fn tshark_flows(file: &str) -> Vec<Flow> {
    let fields =
        ["ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport"];
    tshark_fields(file, &fields)
        .into_iter()
        .map(|row| {
            let [ip_src, ip_dst, ip6_src, ip6_dst, tcp_src, tcp_dst, udp_src, udp_dst] =
                <[String; 8]>::try_from(row).expect("8 fields");
            let (protocol, source_port, destination_port) =
                if tcp_src.is_empty() { ("udp", udp_src, udp_dst) } else { ("tcp", tcp_src, tcp_dst) };
            let (source, destination) = if ip_src.is_empty() { (ip6_src, ip6_dst) } else { (ip_src, ip_dst) };
            Flow {
                protocol,
                source,
                source_port: source_port.parse().expect("port"),
                destination,
                destination_port: destination_port.parse().expect("port"),
            }
        })
        .collect()
}

/// tcpdump's lines for `file` (with nanosecond epoch timestamps), and its stderr.
fn tcpdump_read(file: &str, extra: &[&str]) -> (Vec<String>, String) {
    let output =
        Command::new("tcpdump").args(["-n", "-tt", "--nano", "-r", file]).args(extra).output().expect("run tcpdump");
    let lines = String::from_utf8_lossy(&output.stdout).lines().map(str::to_string).collect();
    (lines, String::from_utf8_lossy(&output.stderr).into_owned())
}

/// The flow of a tcpdump line such as `... IP6 fd00::1.40002 > fd00::2.443: Flags [none], ...`.
fn tcpdump_flow(line: &str) -> Flow {
    let (_, rest) =
        line.split_once(" IP ").or_else(|| line.split_once(" IP6 ")).unwrap_or_else(|| panic!("no IP in {line}"));
    let (endpoints, summary) = rest.split_once(": ").unwrap_or_else(|| panic!("no ': ' in {line}"));
    let (source, destination) = endpoints.split_once(" > ").unwrap_or_else(|| panic!("no ' > ' in {line}"));
    let split = |endpoint: &str| {
        let (address, port) = endpoint.rsplit_once('.').unwrap_or_else(|| panic!("no port in {endpoint}"));
        (address.to_string(), port.parse::<u16>().unwrap_or_else(|_| panic!("bad port in {endpoint}")))
    };
    let ((source, source_port), (destination, destination_port)) = (split(source), split(destination));
    let protocol = if summary.starts_with("Flags [") { "tcp" } else { "udp" };
    Flow { protocol, source, source_port, destination, destination_port }
}

fn flows(packets: &[TestPacket]) -> Vec<Flow> {
    packets.iter().map(|test| test.flow.clone()).collect()
}

/// Epoch timestamps as tshark and tcpdump print them with nanoseconds: `1700000000.123456789`.
fn epoch_text(timestamp: Timestamp) -> String {
    format!("{}.{:09}", timestamp.secs(), timestamp.subsec_nanos())
}

fn expected_tshark_direction(direction: Option<Direction>) -> &'static str {
    match direction {
        Some(Direction::In) => "0x00000001",
        Some(Direction::Out) => "0x00000002",
        None => "",
    }
}

/// The test packets on the Ethernet interface only, for files with one link type.
fn ethernet_packets() -> Vec<TestPacket> {
    test_packets().into_iter().filter(|test| test.packet.interface == ETHERNET_IF).collect()
}

// ----- Writing: what tshark, capinfos and tcpdump see -----

#[test]
fn pcapng_keeps_interfaces_directions_lengths_and_nanoseconds_for_tshark() {
    if !tools_present(&["tshark"]) {
        return;
    }
    let dir = temp_dir();
    let path = dir.path().join("capture.pcapng");
    let (interfaces, packets) = (test_interfaces(), test_packets());
    write_pcapng(&path, &interfaces, &packets);
    let file = path_str(&path);

    assert_eq!(tshark_flows(file), flows(&packets));
    let fields = [
        "frame.interface_name",
        "frame.interface_description",
        "frame.packet_flags_direction",
        "frame.time_epoch",
        "frame.len",
        "frame.cap_len",
    ];
    let expected: Vec<Vec<String>> = packets
        .iter()
        .map(|TestPacket { packet, .. }| {
            let interface = &interfaces[packet.interface];
            vec![
                interface.name.clone(),
                interface.description.clone().unwrap_or_default(),
                expected_tshark_direction(packet.direction).to_string(),
                epoch_text(packet.timestamp),
                packet.original_len.to_string(),
                packet.data.len().to_string(),
            ]
        })
        .collect();
    assert_eq!(tshark_fields(file, &fields), expected);
}

#[test]
fn pcapng_section_header_names_ptstat_the_kernel_and_the_machine() {
    if !tools_present(&["capinfos", "uname"]) {
        return;
    }
    let dir = temp_dir();
    let path = dir.path().join("capture.pcapng");
    write_pcapng(&path, &test_interfaces(), &test_packets());

    let report = run("capinfos", &[path_str(&path)]);
    let value = |key: &str| {
        report
            .lines()
            .find_map(|line| line.trim().strip_prefix(key)?.strip_prefix(':').map(str::trim))
            .unwrap_or_else(|| panic!("no {key} in capinfos' report:\n{report}"))
    };
    let uname = |flag: &str| run("uname", &[flag]).trim().to_string();
    assert_eq!(value("Capture application"), format!("ptstat {}", env!("CARGO_PKG_VERSION")));
    assert_eq!(value("Capture oper-sys"), format!("{} {}", uname("-s"), uname("-r")));
    assert_eq!(value("Capture hardware"), uname("-m"));
    assert_eq!(value("Number of interfaces in file"), "2");
    assert_eq!(report.matches("Time precision = nanoseconds (9)").count(), 2, "{report}");
}

#[test]
fn pcapng_of_one_link_type_is_read_by_tcpdump() {
    if !tools_present(&["tcpdump"]) {
        return;
    }
    // libpcap refuses a PcapNG whose interfaces differ in link type ("an interface has a type 101 different from
    // the type of the first interface"), so here both interfaces are Ethernet, and packets alternate between them.
    let mut interfaces = test_interfaces();
    interfaces[RAW_IP_IF] = Interface { name: "veth-files2".into(), ..interfaces[ETHERNET_IF].clone() };
    let mut packets = ethernet_packets();
    packets[1].packet.interface = 1;
    let dir = temp_dir();
    let path = dir.path().join("capture.pcapng");
    write_pcapng(&path, &interfaces, &packets);

    let (lines, stderr) = tcpdump_read(path_str(&path), &[]);
    assert_eq!(lines.len(), packets.len(), "{lines:#?}\n{stderr}");
    for (line, test) in lines.iter().zip(&packets) {
        assert!(line.starts_with(&format!("{} IP", epoch_text(test.packet.timestamp))), "{line}");
    }
    assert_eq!(lines.iter().map(|line| tcpdump_flow(line)).collect::<Vec<_>>(), flows(&packets));
}

#[test]
fn pcap_of_one_interface_keeps_its_link_type_and_nanoseconds() {
    if !tools_present(&["tshark", "tcpdump"]) {
        return;
    }
    let dir = temp_dir();
    let path = dir.path().join("capture.pcap");
    let packets = ethernet_packets();
    write_pcap(&path, false, &test_interfaces()[..1], &packets);
    let file = path_str(&path);

    assert_eq!(tshark_flows(file), flows(&packets));
    let expected: Vec<Vec<String>> = packets
        .iter()
        .map(|TestPacket { packet, .. }| {
            vec![epoch_text(packet.timestamp), packet.original_len.to_string(), packet.data.len().to_string()]
        })
        .collect();
    assert_eq!(tshark_fields(file, &["frame.time_epoch", "frame.len", "frame.cap_len"]), expected);

    let (lines, stderr) = tcpdump_read(file, &[]);
    assert!(stderr.contains("link-type EN10MB (Ethernet)"), "{stderr}");
    assert_eq!(lines.iter().map(|line| tcpdump_flow(line)).collect::<Vec<_>>(), flows(&packets));
    for (line, test) in lines.iter().zip(&packets) {
        assert!(line.starts_with(&epoch_text(test.packet.timestamp)), "{line}");
    }
}

#[test]
fn pcap_of_several_interfaces_is_linux_sll2_with_index_and_direction() {
    if !tools_present(&["tshark", "tcpdump"]) {
        return;
    }
    let dir = temp_dir();
    let path = dir.path().join("capture.pcap");
    let (interfaces, packets) = (test_interfaces(), test_packets());
    write_pcap(&path, true, &interfaces, &packets);
    let file = path_str(&path);

    assert_eq!(tshark_flows(file), flows(&packets));
    let fields = ["sll.pkttype", "sll.ifindex", "sll.src.eth", "frame.time_epoch", "frame.len", "frame.cap_len"];
    let expected: Vec<Vec<String>> = packets
        .iter()
        .map(|TestPacket { packet, .. }| {
            let ethernet = packet.interface == ETHERNET_IF;
            // The 14-byte Ethernet header gives way to the 20-byte SLL2 header; raw IP just gains the latter.
            let length_change = |len: usize| if ethernet { len - 14 + 20 } else { len + 20 };
            let source_mac = packet.data[6..12].iter().map(|byte| format!("{byte:02x}")).collect::<Vec<_>>().join(":");
            vec![
                if packet.direction == Some(Direction::Out) { "4" } else { "0" }.to_string(),
                interfaces[packet.interface].index.to_string(),
                if ethernet { source_mac } else { String::new() },
                epoch_text(packet.timestamp),
                length_change(packet.original_len as usize).to_string(),
                length_change(packet.data.len()).to_string(),
            ]
        })
        .collect();
    assert_eq!(tshark_fields(file, &fields), expected);

    let (lines, stderr) = tcpdump_read(file, &[]);
    assert!(stderr.contains("link-type LINUX_SLL2"), "{stderr}");
    assert_eq!(lines.iter().map(|line| tcpdump_flow(line)).collect::<Vec<_>>(), flows(&packets));
    for (line, test) in lines.iter().zip(&packets) {
        // `TIME IFNAME Out IP ...`; a packet of unknown direction is written as addressed to this host.
        let direction = if test.packet.direction == Some(Direction::Out) { "Out" } else { "In" };
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!((words[0], words[2]), (epoch_text(test.packet.timestamp).as_str(), direction), "{line}");
    }
}

#[test]
fn pcap_refuses_interfaces_it_cannot_describe() {
    let interfaces = test_interfaces();
    let mut one_interface = PcapWriter::new(Vec::new(), false, false);
    one_interface.add_interface(0, &interfaces[ETHERNET_IF]).expect("first interface");
    let error = one_interface.add_interface(1, &interfaces[RAW_IP_IF]).expect_err("a second link type");
    assert!(format!("{error:#}").contains("differs from the pcap file's"), "{error:#}");
    let another_ethernet = Interface { name: "veth-files2".into(), ..interfaces[ETHERNET_IF].clone() };
    one_interface.add_interface(1, &another_ethernet).expect("same link type, so the same file can hold it");

    let mut several = PcapWriter::new(Vec::new(), true, false);
    let wifi = Interface { link_type: DataLink::IEEE802_11, ..interfaces[ETHERNET_IF].clone() };
    let error = several.add_interface(0, &wifi).expect_err("no LINUX_SLL2 form for 802.11");
    assert!(format!("{error:#}").contains("cannot be rewritten as LINUX_SLL2"), "{error:#}");
}

/// Writes the test packets into `tool`'s standard input one at a time, through a buffer that could hold them all,
/// and waits for the tool to print each before writing the next: only a flush per packet gets them there.
fn stream_packet_by_packet(tool: &str, args: &[&str], sink_into: impl FnOnce(BufWriter<ChildStdin>) -> Box<dyn Sink>) {
    let mut child = Command::new(tool)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|error| panic!("{tool}: {error}"));
    let stdin = child.stdin.take().expect("piped stdin");
    let stdout = child.stdout.take().expect("piped stdout");
    let (sender, lines) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let mut sink = sink_into(BufWriter::with_capacity(1 << 20, stdin));
    let (interfaces, packets) = (test_interfaces(), test_packets());
    for (id, interface) in interfaces.iter().enumerate() {
        sink.add_interface(id, interface).expect("add interface");
    }
    for (index, test) in packets.iter().enumerate() {
        sink.write_packet(&test.packet.as_packet(), &interfaces[test.packet.interface]).expect("write packet");
        if lines.recv_timeout(Duration::from_secs(20)).is_err() {
            let _ = child.kill();
            panic!("{tool} printed nothing for packet {index}: it was not flushed");
        }
    }
    sink.finish().expect("finish");
    drop(sink); // closes the pipe: the tool sees the end of the file
    assert!(child.wait().expect("wait").success(), "{tool} failed");
}

#[test]
fn pcapng_and_pcap_stream_through_a_pipe_a_packet_at_a_time() {
    if !tools_present(&["tshark", "tcpdump"]) {
        return;
    }
    stream_packet_by_packet("tshark", &["-r", "-", "-l", "-T", "fields", "-e", "frame.number"], |pipe| {
        Box::new(PcapNgWriter::new(pipe, true))
    });
    stream_packet_by_packet("tcpdump", &["-l", "-n", "-r", "-"], |pipe| Box::new(PcapWriter::new(pipe, true, true)));
}

#[test]
fn writing_into_a_closed_pipe_is_an_error_not_a_panic() {
    let closed_pipe = || {
        let (reader, writer) = io::pipe().expect("pipe");
        drop(reader);
        writer
    };
    // Unbuffered, the first write fails; buffered, the flush in finish does.
    let sinks: Vec<(&str, Box<dyn Sink>)> = vec![
        ("PcapNG", Box::new(PcapNgWriter::new(closed_pipe(), false))),
        ("buffered PcapNG", Box::new(PcapNgWriter::new(BufWriter::new(closed_pipe()), false))),
        ("pcap", Box::new(PcapWriter::new(closed_pipe(), true, false))),
        ("buffered pcap", Box::new(PcapWriter::new(BufWriter::new(closed_pipe()), false, false))),
    ];
    for (what, mut sink) in sinks {
        let interfaces = test_interfaces();
        let interfaces = if what.ends_with("PcapNG") { &interfaces[..] } else { &interfaces[..1] };
        let error = feed(sink.as_mut(), interfaces, &owned(&ethernet_packets())).expect_err(what);
        assert!(format!("{error:#}").contains("Broken pipe"), "{what}: {error:#}");
    }
}

// ----- Reading -----

fn interfaces_as_read_from_a_file(interfaces: &[Interface]) -> Vec<Interface> {
    // Files do not carry the kernel's ifindex.
    interfaces.iter().map(|interface| Interface { index: 0, ..interface.clone() }).collect()
}

fn owned(packets: &[TestPacket]) -> Vec<OwnedPacket> {
    packets.iter().map(|test| test.packet.clone()).collect()
}

#[test]
fn pcapng_round_trip_keeps_every_field() {
    let dir = temp_dir();
    let path = dir.path().join("capture.pcapng");
    let (interfaces, packets) = (test_interfaces(), test_packets());
    write_pcapng(&path, &interfaces, &packets);

    let (read, result) = read_back(path_str(&path));
    assert_eq!(result, Ok(packets.len() as u64));
    assert_eq!(read.interfaces, interfaces_as_read_from_a_file(&interfaces));
    assert_eq!(read.packets, owned(&packets));
}

/// The one interface a classic pcap describes.
fn pcap_interface(link_type: DataLink) -> Interface {
    Interface { name: String::new(), index: 0, link_type, snaplen: 262_144, description: None }
}

/// What a classic pcap keeps of packets: no interface but the one, no direction.
fn as_in_classic_pcap(packets: &[TestPacket]) -> Vec<OwnedPacket> {
    packets.iter().map(|test| OwnedPacket { interface: 0, direction: None, ..test.packet.clone() }).collect()
}

#[test]
fn pcap_round_trip_keeps_timestamps_lengths_and_bytes() {
    let dir = temp_dir();
    let path = dir.path().join("capture.pcap");
    let packets = ethernet_packets();
    write_pcap(&path, false, &test_interfaces()[..1], &packets);

    let (read, result) = read_back(path_str(&path));
    assert_eq!(result, Ok(packets.len() as u64));
    assert_eq!(read.interfaces, vec![pcap_interface(DataLink::ETHERNET)]);
    assert_eq!(read.packets, as_in_classic_pcap(&packets));
}

#[test]
fn linux_sll2_records_carry_protocol_index_direction_and_source_address() {
    let dir = temp_dir();
    let path = dir.path().join("capture.pcap");
    let (interfaces, packets) = (test_interfaces(), test_packets());
    write_pcap(&path, true, &interfaces, &packets);

    let (read, result) = read_back(path_str(&path));
    assert_eq!(result, Ok(packets.len() as u64));
    assert_eq!(read.interfaces, vec![pcap_interface(DataLink::LINUX_SLL2)]);
    for (record, TestPacket { packet, flow }) in read.packets.iter().zip(&packets) {
        let ethernet = packet.interface == ETHERNET_IF;
        let (link_header_len, hardware_type, address) =
            if ethernet { (14, 1u16, packet.data[6..12].to_vec()) } else { (0, 0xFFFE, Vec::new()) };
        let protocol: u16 = if flow.source.contains(':') { 0x86DD } else { 0x0800 };
        let mut expected = Vec::new();
        expected.extend(protocol.to_be_bytes());
        expected.extend([0, 0]);
        expected.extend(interfaces[packet.interface].index.to_be_bytes());
        expected.extend(hardware_type.to_be_bytes());
        expected.push(if packet.direction == Some(Direction::Out) { 4 } else { 0 });
        expected.push(address.len() as u8);
        expected.extend(&address);
        expected.resize(20, 0);
        expected.extend(&packet.data[link_header_len..]);
        assert_eq!(record.data, expected);
        assert_eq!(record.original_len, packet.original_len - link_header_len as u32 + 20);
        assert_eq!(record.timestamp, packet.timestamp);
    }
}

#[test]
fn stops_after_max_packets() {
    let dir = temp_dir();
    let path = dir.path().join("capture.pcapng");
    let packets = test_packets();
    write_pcapng(&path, &test_interfaces(), &packets);
    for limit in [0, 2] {
        let mut read = Recorder::default();
        assert_eq!(read_capture(path_str(&path), &mut read, Some(limit)).expect("read"), limit);
        assert_eq!(read.packets, owned(&packets[..limit as usize]));
    }
}

#[test]
fn reads_records_bigger_than_a_read_chunk() {
    // ptstat reads 128 KiB at a time: each of these records spans several reads.
    let interface = Interface { snaplen: 262_144, ..pcap_interface(DataLink::ETHERNET) };
    let packets: Vec<OwnedPacket> = (0..3u8)
        .map(|sequence| OwnedPacket {
            timestamp: Timestamp(FIRST_TIMESTAMP_NS + u64::from(sequence)),
            interface: 0,
            direction: None,
            original_len: 250_000,
            data: (0..250_000u32).map(|offset| (offset % 251) as u8 ^ sequence).collect(),
        })
        .collect();
    let dir = temp_dir();
    for name in ["jumbo.pcapng", "jumbo.pcap"] {
        let path = dir.path().join(name);
        let output = BufWriter::new(std::fs::File::create(&path).expect("create capture file"));
        let mut sink: Box<dyn Sink> = if name.ends_with(".pcap") {
            Box::new(PcapWriter::new(output, false, false))
        } else {
            Box::new(PcapNgWriter::new(output, false))
        };
        feed(sink.as_mut(), std::slice::from_ref(&interface), &packets).expect("write");
        let (read, result) = read_back(path_str(&path));
        assert_eq!(result, Ok(3), "{name}");
        assert_eq!(read.packets, packets, "{name}");
    }
}

#[test]
fn reads_standard_input_which_cannot_seek() {
    let dir = temp_dir();
    let (input, output) = (dir.path().join("in.pcap"), dir.path().join("out.pcapng"));
    let packets = ethernet_packets();
    write_pcap(&input, false, &test_interfaces()[..1], &packets);

    let mut ptstat = Command::new(env!("CARGO_BIN_EXE_ptstat"))
        .args(["-r", "-", "-w", path_str(&output)])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start ptstat");
    let mut stdin = ptstat.stdin.take().expect("piped stdin");
    stdin.write_all(&std::fs::read(&input).expect("read input")).expect("feed ptstat");
    drop(stdin);
    let finished = ptstat.wait_with_output().expect("wait for ptstat");
    assert!(finished.status.success(), "{}", String::from_utf8_lossy(&finished.stderr));

    let (read, result) = read_back(path_str(&output));
    assert_eq!(result, Ok(packets.len() as u64));
    assert_eq!(read.packets, as_in_classic_pcap(&packets));
}

/// The file's first four bytes, read in this machine's byte order.
fn native_magic(path: &Path) -> u32 {
    let bytes = std::fs::read(path).expect("read capture");
    u32::from_ne_bytes(*bytes.first_chunk().expect("a capture file header"))
}

#[test]
fn reads_pcap_files_written_by_tcpdump_in_micro_and_nanoseconds() {
    if !tools_present(&["tcpdump"]) {
        return;
    }
    let dir = temp_dir();
    let ours = dir.path().join("ours.pcap");
    let packets = ethernet_packets();
    write_pcap(&ours, false, &test_interfaces()[..1], &packets);

    let micro = dir.path().join("micro.pcap");
    let nano = dir.path().join("nano.pcap");
    run("tcpdump", &["-r", path_str(&ours), "-w", path_str(&micro)]);
    run("tcpdump", &["--time-stamp-precision=nano", "-r", path_str(&ours), "-w", path_str(&nano)]);
    assert_eq!(native_magic(&micro), 0xA1B2_C3D4, "tcpdump writes microseconds by default");
    assert_eq!(native_magic(&nano), 0xA1B2_3C4D);

    let (read, result) = read_back(path_str(&micro));
    assert_eq!(result, Ok(packets.len() as u64));
    assert_eq!(read.interfaces, vec![pcap_interface(DataLink::ETHERNET)]);
    let in_microseconds: Vec<OwnedPacket> = as_in_classic_pcap(&packets)
        .into_iter()
        .map(|packet| OwnedPacket { timestamp: Timestamp(packet.timestamp.0 / 1000 * 1000), ..packet })
        .collect();
    assert_eq!(read.packets, in_microseconds);

    let (read, result) = read_back(path_str(&nano));
    assert_eq!(result, Ok(packets.len() as u64));
    assert_eq!(read.packets, as_in_classic_pcap(&packets));
}

// ----- Files from pcap-file's writers: big-endian, other clocks, several sections, every packet block -----

fn write_big_endian_pcap(path: &Path, packets: &[TestPacket]) {
    let header = PcapHeader {
        datalink: DataLink::ETHERNET,
        endianness: Endianness::Big,
        ts_resolution: PcapTsResolution::MicroSecond,
        snaplen: 262_144,
        ..PcapHeader::default()
    };
    let file = std::fs::File::create(path).expect("create capture file");
    let mut writer = pcap::PcapWriter::with_header(BufWriter::new(file), header).expect("pcap header");
    for TestPacket { packet, .. } in packets {
        let record = PcapPacket::new(Duration::from_nanos(packet.timestamp.0), packet.original_len, &packet.data[..])
            .expect("valid record");
        writer.write_packet(&record).expect("write record");
    }
    writer.flush().expect("flush");
}

/// Options that each make pcap-file refuse the block they are in, and that libpcap reads past.
struct OddOptions {
    section: Vec<SectionHeaderOption<'static>>,
    interface: Vec<InterfaceDescriptionOption<'static>>,
    packet: Vec<EnhancedPacketOption<'static>>,
    /// Put in an Interface Statistics Block after the packets.
    statistics: Vec<InterfaceStatisticsOption<'static>>,
}

/// A capture as a PcapNG section written by pcap-file rather than ptstat, in byte order `endianness`, with `odd`
/// options added to its blocks (and an Interface Statistics Block for them).
fn pcap_file_section(
    endianness: Endianness,
    interfaces: &[Interface],
    packets: Vec<TestPacket>,
    odd: Option<OddOptions>,
) -> Vec<u8> {
    let odd = odd.unwrap_or(OddOptions { section: vec![], interface: vec![], packet: vec![], statistics: vec![] });
    let section = SectionHeaderBlock { endianness, options: odd.section, ..SectionHeaderBlock::default() };
    let mut writer = pcapng::PcapNgWriter::with_section_header(Vec::new(), section).expect("section header");
    for interface in interfaces.iter().cloned() {
        let mut options = vec![
            InterfaceDescriptionOption::IfName(interface.name.into()),
            InterfaceDescriptionOption::IfTsResol(InterfaceTsResolution::NANO),
        ];
        options.extend(
            interface.description.map(|description| InterfaceDescriptionOption::IfDescription(description.into())),
        );
        options.extend(odd.interface.iter().cloned());
        writer
            .write_pcapng_block(InterfaceDescriptionBlock {
                linktype: interface.link_type,
                snaplen: interface.snaplen,
                options,
            })
            .expect("IDB");
    }
    for TestPacket { packet, .. } in packets {
        let flags = packet.direction.map(|direction| if direction == Direction::In { 1 } else { 2 });
        let mut options: Vec<_> = flags.map(EnhancedPacketOption::Flags).into_iter().collect();
        options.extend(odd.packet.iter().cloned());
        writer
            .write_pcapng_block(EnhancedPacketBlock {
                interface_id: packet.interface as u32,
                timestamp: Duration::from_nanos(packet.timestamp.0),
                original_len: packet.original_len,
                data: packet.data.into(),
                options,
            })
            .expect("EPB");
    }
    if !odd.statistics.is_empty() {
        writer
            .write_pcapng_block(InterfaceStatisticsBlock {
                interface_id: 0,
                timestamp: Duration::from_nanos(FIRST_TIMESTAMP_NS),
                options: odd.statistics,
            })
            .expect("ISB");
    }
    writer.into_inner()
}

#[test]
fn reads_big_endian_pcap_and_pcapng() {
    let dir = temp_dir();
    let pcap_path = dir.path().join("big-endian.pcap");
    let packets = ethernet_packets();
    write_big_endian_pcap(&pcap_path, &packets);
    assert_eq!(std::fs::read(&pcap_path).expect("read")[..4], [0xA1, 0xB2, 0xC3, 0xD4]);
    let (read, result) = read_back(path_str(&pcap_path));
    assert_eq!(result, Ok(packets.len() as u64));
    let in_microseconds: Vec<OwnedPacket> = as_in_classic_pcap(&packets)
        .into_iter()
        .map(|packet| OwnedPacket { timestamp: Timestamp(packet.timestamp.0 / 1000 * 1000), ..packet })
        .collect();
    assert_eq!(read.packets, in_microseconds);

    let pcapng_path = dir.path().join("big-endian.pcapng");
    std::fs::write(&pcapng_path, pcap_file_section(Endianness::Big, &test_interfaces(), test_packets(), None))
        .expect("write");
    let (read, result) = read_back(path_str(&pcapng_path));
    assert_eq!(result, Ok(test_packets().len() as u64));
    assert_eq!(read.interfaces, interfaces_as_read_from_a_file(&test_interfaces()));
    assert_eq!(read.packets, owned(&test_packets()));

    // The files are what they claim to be: tshark reads the same packets from them.
    if tools_present(&["tshark"]) {
        assert_eq!(tshark_flows(path_str(&pcap_path)), flows(&packets));
        assert_eq!(tshark_flows(path_str(&pcapng_path)), flows(&test_packets()));
    }
}

/// An option whose code pcap-file knows, with a value it cannot take: written raw, as an unknown option.
fn raw_option(code: u16, value: &'static [u8]) -> CommonOption<'static> {
    CommonOption::Unknown(UnknownOption::new(code, value))
}

/// Not UTF-8: Latin-1 "Debian GNU/Linux für ptstat".
const LATIN1: &[u8] = b"Debian GNU/Linux f\xfcr ptstat";

#[test]
fn options_pcap_file_refuses_are_skipped_like_libpcap_skips_them() {
    let dir = temp_dir();
    for endianness in [Endianness::Little, Endianness::Big] {
        let odd = OddOptions {
            // shb_os
            section: vec![SectionHeaderOption::Common(raw_option(3, LATIN1))],
            // if_os, and an option of a code nobody knows and an odd length, which is no fault
            interface: vec![
                InterfaceDescriptionOption::Common(raw_option(12, LATIN1)),
                InterfaceDescriptionOption::Common(raw_option(0x7ff1, b"odd")),
            ],
            // opt_comment
            packet: vec![EnhancedPacketOption::Common(raw_option(1, LATIN1))],
            // isb_ifrecv is 8 bytes
            statistics: vec![InterfaceStatisticsOption::Common(raw_option(4, b"three"))],
        };
        let path = dir.path().join(format!("odd-options-{endianness:?}.pcapng"));
        // What tcpdump prints as ptstat does: one link type, and no interface name or direction, which ptstat
        // would print in a column of its own.
        let interfaces = [Interface { name: String::new(), ..test_interfaces()[ETHERNET_IF].clone() }];
        let on = (ETHERNET_IF, None);
        // Ports that tcpdump has no printer for.
        let packets = || {
            vec![
                test_packet(0, on, Transport::Tcp, "10.1.0.1:40000", "10.1.0.2:40001", 10),
                test_packet(1, on, Transport::Udp, "10.1.0.2:41000", "10.1.0.1:40001", 20),
                test_packet(2, on, Transport::Udp, "[fd00::1]:40002", "[fd00::2]:40003", 0),
            ]
        };
        std::fs::write(&path, pcap_file_section(endianness, &interfaces, packets(), Some(odd))).expect("write");
        let path = path_str(&path);
        // The interface keeps its description and nanosecond clock: only the odd options are gone.
        let (read, result) = read_back(path);
        assert_eq!(result, Ok(packets().len() as u64), "{endianness:?}");
        assert_eq!(read.interfaces, interfaces_as_read_from_a_file(&interfaces));
        assert_eq!(read.packets, owned(&packets()));

        if tools_present(&["tcpdump"]) {
            let tcpdump = run("tcpdump", &["-r", path, "-n"]);
            let ptstat = run(env!("CARGO_BIN_EXE_ptstat"), &["-r", path, "-n", "--context="]);
            assert_eq!(ptstat.lines().count(), packets().len(), "{ptstat}");
            assert_eq!(ptstat, tcpdump, "{endianness:?}");
        }
    }
}

/// 2^-20 s ticks: 2048 of them are exactly 1953125 ns, so the binary clock can carry this time exactly.
const BINARY_CLOCK_TIME_NS: u64 = 1_700_000_000_000_000_000 + 3 * 1_953_125;
/// The offset clock counts microseconds from 1_000_000_000 s after the epoch (if_tsoffset).
const OFFSET_CLOCK_OFFSET_S: i64 = 1_000_000_000;
const OFFSET_CLOCK_TIME_NS: u64 = 1_700_000_001_000_002_000;
const OBSOLETE_BLOCK_TIME_NS: u64 = 1_700_000_002_000_003_000;

/// A PcapNG section written by pcap-file, and what ptstat's reader should make of it.
struct ForeignSection {
    bytes: Vec<u8>,
    interfaces: Vec<Interface>,
    packets: Vec<OwnedPacket>,
}

/// A big-endian section with a binary-clock Ethernet interface and a microsecond raw-IP interface with a time
/// offset, holding an EPB on each, a Simple Packet Block and an obsolete Packet Block. Its interfaces get the sink's
/// ids from `first_interface_id` on (the interfaces of earlier sections come first).
fn section_with_other_clocks_and_blocks(first_interface_id: InterfaceId) -> ForeignSection {
    let interfaces = vec![
        Interface {
            name: "binary-clock".into(),
            index: 0,
            link_type: DataLink::ETHERNET,
            snaplen: 0,
            description: None,
        },
        Interface {
            name: "offset-clock".into(),
            index: 0,
            link_type: DataLink::RAW,
            snaplen: 65_535,
            description: None,
        },
    ];
    let binary_clock = InterfaceTsResolution::new(true, 20).expect("2^-20 s");
    let idb_options = [
        vec![
            InterfaceDescriptionOption::IfName("binary-clock".into()),
            InterfaceDescriptionOption::IfTsResol(binary_clock),
        ],
        vec![
            InterfaceDescriptionOption::IfName("offset-clock".into()),
            InterfaceDescriptionOption::IfTsOffset(OFFSET_CLOCK_OFFSET_S),
        ],
    ];
    let mut writer = pcapng::PcapNgWriter::with_endianness(Vec::new(), Endianness::Big).expect("section header");
    for (interface, options) in interfaces.iter().zip(idb_options) {
        let block = InterfaceDescriptionBlock { linktype: interface.link_type, snaplen: interface.snaplen, options };
        writer.write_pcapng_block(block).expect("IDB");
    }

    let test_packets = test_packets();
    // Of the test packets, 0 and 1 are Ethernet, 2 and 4 raw IP.
    let [ethernet, ethernet_too, raw, raw_too] = [0, 1, 2, 4].map(|index| &test_packets[index].packet);
    let epb = |interface_id: u32, timestamp_ns: u64, packet: &OwnedPacket, flags: u32| EnhancedPacketBlock {
        interface_id,
        timestamp: Duration::from_nanos(timestamp_ns),
        original_len: packet.original_len,
        data: packet.data.clone().into(),
        options: vec![EnhancedPacketOption::Flags(flags)],
    };
    writer.write_pcapng_block(epb(0, BINARY_CLOCK_TIME_NS, ethernet, 2)).expect("EPB");
    writer.write_pcapng_block(epb(1, OFFSET_CLOCK_TIME_NS, raw, 1)).expect("EPB");
    let spb = SimplePacketBlock { original_len: ethernet_too.original_len, data: ethernet_too.data.clone().into() };
    writer.write_pcapng_block(spb).expect("SPB");
    let pb = PacketBlock {
        interface_id: 1,
        drop_count: 0,
        timestamp: Duration::from_nanos(OBSOLETE_BLOCK_TIME_NS),
        original_len: raw_too.original_len,
        data: raw_too.data.clone().into(),
        options: vec![PacketOption::Flags(2)],
    };
    writer.write_pcapng_block(pb).expect("PB");

    let delivered = |id_in_section: InterfaceId, timestamp_ns: u64, packet: &OwnedPacket, direction| OwnedPacket {
        timestamp: Timestamp(timestamp_ns),
        interface: first_interface_id + id_in_section,
        direction,
        ..packet.clone()
    };
    let packets = vec![
        delivered(0, BINARY_CLOCK_TIME_NS, ethernet, Some(Direction::Out)),
        delivered(1, OFFSET_CLOCK_TIME_NS, raw, Some(Direction::In)),
        // A Simple Packet Block: the section's first interface, no timestamp, no direction.
        delivered(0, 0, ethernet_too, None),
        delivered(1, OBSOLETE_BLOCK_TIME_NS, raw_too, Some(Direction::Out)),
    ];
    ForeignSection { bytes: writer.into_inner(), interfaces, packets }
}

#[test]
fn reads_several_sections_other_clocks_and_every_packet_block() {
    let dir = temp_dir();
    let first_section = dir.path().join("first.pcapng");
    let (interfaces, packets) = (test_interfaces(), test_packets());
    write_pcapng(&first_section, &interfaces, &packets);
    let second_section = section_with_other_clocks_and_blocks(interfaces.len());
    let path = dir.path().join("sections.pcapng");
    let mut bytes = std::fs::read(&first_section).expect("read");
    bytes.extend(second_section.bytes);
    std::fs::write(&path, bytes).expect("write");

    let (read, result) = read_back(path_str(&path));
    assert_eq!(result, Ok(10));
    let mut expected_interfaces = interfaces_as_read_from_a_file(&interfaces);
    expected_interfaces.extend(second_section.interfaces);
    assert_eq!(read.interfaces, expected_interfaces);
    let mut expected_packets = owned(&packets);
    expected_packets.extend(second_section.packets);
    assert_eq!(read.packets, expected_packets);

    if tools_present(&["tshark"]) {
        // tshark 4.0 looks a later section's interface ids up among the first section's interfaces, so its names
        // are wrong there; the section and the id within it are what it gets right.
        let rows = tshark_fields(path_str(&path), &["frame.section_number", "frame.interface_id"]);
        let first_section_interfaces = interfaces.len();
        let expected: Vec<Vec<String>> = expected_packets
            .iter()
            .map(|packet| match packet.interface.checked_sub(first_section_interfaces) {
                None => vec!["1".to_string(), packet.interface.to_string()],
                Some(id_in_section) => vec!["2".to_string(), id_in_section.to_string()],
            })
            .collect();
        assert_eq!(rows, expected);
    }
}

// ----- Broken files -----

#[test]
fn unreadable_and_unknown_files_are_named_in_one_line() {
    let dir = temp_dir();
    let name = |file: &str| path_str(&dir.path().join(file)).to_string();
    std::fs::write(name("empty.pcap"), b"").expect("write");
    std::fs::write(name("text.pcap"), b"hello, this is no capture\n").expect("write");
    let mut short_header = 0xA1B2_C3D4_u32.to_ne_bytes().to_vec();
    short_header.extend([0; 6]);
    std::fs::write(name("short.pcap"), short_header).expect("write");
    std::fs::create_dir(name("directory")).expect("mkdir");

    let cases = [
        ("nosuch.pcap", "No such file or directory (os error 2)", None),
        ("directory", "Is a directory (os error 21)", Some("error reading dump file: Is a directory")),
        ("text.pcap", "unknown file format", Some("unknown file format")),
        ("empty.pcap", "truncated dump file; tried to read 4 file header bytes, only got 0", Some("")),
        // libpcap counts the bytes it got after the magic number: "only got 6".
        (
            "short.pcap",
            "truncated dump file; tried to read 24 file header bytes, only got 10",
            Some("truncated dump file; tried to read 24 file header bytes, only got 6"),
        ),
    ];
    let tcpdump = tools_present(&["tcpdump"]);
    for (file, message, tcpdump_message) in cases {
        let path = name(file);
        let (read, result) = read_back(&path);
        assert_eq!(result, Err(format!("{path}: {message}")));
        assert!(read.interfaces.is_empty() && read.packets.is_empty());
        if let (true, Some(tcpdump_message)) = (tcpdump, tcpdump_message) {
            // tcpdump says the same, but where it words it differently (empty: the same words as ours).
            let tcpdump_message = if tcpdump_message.is_empty() { message } else { tcpdump_message };
            let (_, stderr) = tcpdump_read(&path, &[]);
            assert!(stderr.contains(tcpdump_message), "tcpdump on {file}: {stderr}");
        }
    }
}

/// Where the records of a classic pcap start (byte order native, as ptstat writes it).
fn pcap_record_starts(bytes: &[u8]) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut at = 24;
    while at < bytes.len() {
        starts.push(at);
        let captured = u32::from_ne_bytes(*bytes[at + 8..].first_chunk().expect("record header")) as usize;
        at += 16 + captured;
    }
    starts
}

/// Where the blocks of a PcapNG start (byte order native, as ptstat writes it).
fn pcapng_block_starts(bytes: &[u8]) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        starts.push(at);
        at += u32::from_ne_bytes(*bytes[at + 4..].first_chunk().expect("block header")) as usize;
    }
    starts
}

/// Reads `bytes` as a file with ptstat and, when given the words, checks tcpdump on the same file: both deliver
/// `good` packets, then fail with `message`.
fn assert_fails_after(bytes: &[u8], good: usize, message: &str, tcpdump_agrees: bool) {
    let dir = temp_dir();
    let path = dir.path().join("broken");
    std::fs::write(&path, bytes).expect("write");
    let path = path_str(&path);
    let (read, result) = read_back(path);
    assert_eq!(read.packets.len(), good, "{result:?}");
    let error = result.expect_err("a broken file");
    assert!(error.starts_with(&format!("{path}: ")) && error.contains(message), "{error}\nexpected: {message}");
    if tcpdump_agrees {
        let (lines, stderr) = tcpdump_read(path, &[]);
        assert_eq!(lines.len(), good, "tcpdump: {lines:#?}\n{stderr}");
        assert!(stderr.contains(message), "tcpdump: {stderr}\nexpected: {message}");
    }
}

#[test]
fn truncated_pcap_delivers_its_good_packets_then_fails_like_tcpdump() {
    let tcpdump = tools_present(&["tcpdump"]);
    let dir = temp_dir();
    let path = dir.path().join("capture.pcap");
    write_pcap(&path, false, &test_interfaces()[..1], &ethernet_packets());
    let bytes = std::fs::read(&path).expect("read");
    let [_, second, third] = pcap_record_starts(&bytes)[..] else { panic!("three records") };

    assert_fails_after(
        &bytes[..second + 5],
        1,
        "truncated dump file; tried to read 16 header bytes, only got 5",
        tcpdump,
    );
    let captured = third - second - 16;
    let message = format!("truncated dump file; tried to read {captured} captured bytes, only got 10");
    assert_fails_after(&bytes[..second + 16 + 10], 1, &message, tcpdump);

    // A length no packet has: refused at once instead of read to the end of the input.
    let mut oversized = bytes.clone();
    oversized[second + 8..second + 12].copy_from_slice(&0x7FFF_FFFF_u32.to_ne_bytes());
    let message = "bad dump file: a record of 2147483663 bytes, more than the 16777216 ptstat accepts";
    assert_fails_after(&oversized, 1, message, false);
}

#[test]
fn truncated_or_corrupt_pcapng_delivers_its_good_packets_then_fails() {
    let tcpdump = tools_present(&["tcpdump"]);
    let dir = temp_dir();
    let path = dir.path().join("capture.pcapng");
    write_pcapng(&path, &test_interfaces()[..1], &ethernet_packets());
    let bytes = std::fs::read(&path).expect("read");
    let [_, _, _, second, third] = pcapng_block_starts(&bytes)[..] else { panic!("SHB, IDB and three EPBs") };

    // Past a block's type and length, libpcap's words: what the rest of the block needs, and has.
    let rest_of_third = bytes.len() - third - 8;
    let message = format!("truncated pcapng dump file; tried to read {rest_of_third} bytes, only got 12");
    assert_fails_after(&bytes[..third + 20], 2, &message, tcpdump);
    // Short of a minimal block: what that needs.
    assert_fails_after(&bytes[..third + 5], 2, "truncated pcapng dump file; tried to read 12 bytes, only got 5", false);

    let mut mismatched = bytes.clone();
    let trailer = third - 4;
    let trailing_len = u32::from_ne_bytes(*mismatched[trailer..].first_chunk().expect("trailer")) + 4;
    mismatched[trailer..third].copy_from_slice(&trailing_len.to_ne_bytes());
    let message = format!(
        "bad dump file: Invalid raw block format: Block length fields don't match: initial {}B, trailing {trailing_len}B",
        third - second
    );
    assert_fails_after(&mismatched, 1, &message, false);
}

/// xorshift64: reproducible noise without a dependency.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }
}

#[test]
fn random_and_truncated_bytes_never_panic() {
    let dir = temp_dir();
    let (interfaces, packets) = (test_interfaces(), test_packets());
    let path = dir.path().join("capture");
    let mut valid = Vec::new();
    write_pcapng(&path, &interfaces, &packets);
    valid.push(std::fs::read(&path).expect("read"));
    write_pcap(&path, true, &interfaces, &packets);
    valid.push(std::fs::read(&path).expect("read"));
    valid.push(pcap_file_section(Endianness::Big, &test_interfaces(), test_packets(), None));
    valid.push(section_with_other_clocks_and_blocks(0).bytes);

    // Every outcome is fine but a panic; read_back and Recorder check that what is delivered was announced.
    let read = |bytes: &[u8]| {
        std::fs::write(&path, bytes).expect("write");
        read_back(path_str(&path))
    };
    for file in &valid {
        for len in 0..file.len() {
            let _ = read(&file[..len]);
        }
    }
    let mut noise = Noise(0x9E37_79B9_7F4A_7C15);
    for file in &valid {
        for _ in 0..1000 {
            let mut mutated = file.clone();
            for _ in 0..1 + noise.below(4) {
                let at = noise.below(mutated.len());
                mutated[at] = noise.next() as u8;
            }
            let _ = read(&mutated);
        }
    }
    let magics: [&[u8]; 5] = [
        b"",
        &[0xD4, 0xC3, 0xB2, 0xA1],
        &[0xA1, 0xB2, 0x3C, 0x4D],
        &[0x0A, 0x0D, 0x0D, 0x0A],
        &[0x0A, 0x0D, 0x0D, 0x0A, 0x1C, 0, 0, 0, 0x4D, 0x3C, 0x2B, 0x1A],
    ];
    for _ in 0..2000 {
        let mut bytes = magics[noise.below(magics.len())].to_vec();
        bytes.extend((0..noise.below(300)).map(|_| noise.next() as u8));
        let _ = read(&bytes);
    }
}
