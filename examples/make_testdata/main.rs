//! Writes the small capture files in `testdata/` that `tests/print_vs_tcpdump.rs` feeds to both ptstat's printer
//! and tcpdump. Deterministic: running it again writes the same bytes.
//!
//! `cargo run --example make_testdata` (from the repository root).
//!
//! Each group of protocols past the basics has a module of its own here (its captures and its building blocks);
//! the shared building blocks below are visible to them as `super::…`.
//!
//! Ports are chosen where tcpdump prints plain TCP/UDP (no DNS, HTTP, ... printers), and no packet is cut just
//! after an Ethernet header that announces IPv4: there tcpdump reads the IP version beyond the captured bytes.

mod bgp;
mod dhcp;
mod encapsulations;
mod hosts;
mod nfs;
mod ospf;
mod packet_types;
mod pim;
mod services;
mod transport;
mod tunnels;
mod udp_services;
mod udp_services2;

use std::{fs::File, io::BufWriter, path::Path, time::Duration};

use etherparse::{IpFragOffset, IpNumber, Ipv4Header, Ipv6Header, TcpHeader, UdpHeader};
use pcap_file::{
    DataLink, Endianness,
    pcap::{PcapHeader, PcapTsResolution, PcapWriter, RawPcapPacket},
};

const TESTDATA: &str = "testdata";
/// Every capture starts at this time (2023-11-14 22:13:20 UTC) and counts on in odd steps.
const START: Duration = Duration::from_secs(1_700_000_000);
const STEP: Duration = Duration::from_micros(1_013_117);
const SNAPLEN: u32 = 262_144;

const MAC_A: [u8; 6] = [0x02, 0x42, 0xac, 0x11, 0x00, 0x02];
const MAC_B: [u8; 6] = [0x02, 0x42, 0xac, 0x11, 0x00, 0x03];
const BROADCAST: [u8; 6] = [0xff; 6];
const IP_A: [u8; 4] = [10, 0, 0, 1];
const IP_B: [u8; 4] = [10, 0, 0, 2];
const IP_C: [u8; 4] = [192, 168, 100, 254];
const IP6_A: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const IP6_B: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
const LINK_LOCAL: [u8; 16] = [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x42, 0xac, 0xff, 0xfe, 0x11, 0, 2];
const ALL_NODES: [u8; 16] = [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const SOLICITED_NODE: [u8; 16] = [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 2];

const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_ARP: u16 = 0x0806;
const ETHERTYPE_IPV6: u16 = 0x86dd;

const TCP: u8 = 6;
const UDP: u8 = 17;
const ICMP: u8 = 1;
const ICMPV6: u8 = 58;

// TCP flags.
const FIN: u8 = 0x01;
const SYN: u8 = 0x02;
const RST: u8 = 0x04;
const PSH: u8 = 0x08;
const ACK: u8 = 0x10;
const URG: u8 = 0x20;
const ECE: u8 = 0x40;
const CWR: u8 = 0x80;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(TESTDATA)?;
    let captures = [
        ("ethernet.pcap", ethernet_capture()),
        ("ipv4.pcap", ipv4_capture()),
        ("ipv6.pcap", ipv6_capture()),
        ("tcp.pcap", tcp_capture()),
        ("udp.pcap", udp_capture()),
        ("dns.pcap", dns_capture()),
        ("truncated_ipv4.pcap", truncated_ipv4_capture()),
        ("truncated_ipv6.pcap", truncated_ipv6_capture()),
        ("raw_ip.pcap", raw_ip_capture()),
        ("linux_sll.pcap", linux_sll_capture()),
        ("linux_sll2.pcap", linux_sll2_capture()),
        ("null.pcap", null_capture(DataLink::NULL)),
        ("loop.pcap", null_capture(DataLink::LOOP)),
        ("ipv4_link.pcap", ip_version_capture(DataLink::IPV4)),
        ("ipv6_link.pcap", ip_version_capture(DataLink::IPV6)),
        ("unsupported_link.pcap", unsupported_link_capture()),
        ("gre.pcap", tunnels::gre_capture()),
        ("ipip.pcap", tunnels::ipip_capture()),
        ("vxlan.pcap", tunnels::vxlan_capture()),
        ("geneve.pcap", tunnels::geneve_capture()),
        ("vxlan_gpe.pcap", tunnels::vxlan_gpe_capture()),
        ("mpls.pcap", tunnels::mpls_capture()),
    ];
    let groups = services::captures()
        .into_iter()
        .chain(dhcp::captures())
        .chain(transport::captures())
        .chain(udp_services::captures())
        .chain(udp_services2::captures())
        .chain(encapsulations::captures())
        .chain(ospf::captures())
        .chain(pim::captures())
        .chain(nfs::captures())
        .chain(bgp::captures())
        .chain(packet_types::captures());
    for (name, capture) in captures.into_iter().chain(groups).chain(hosts::captures()) {
        let path = Path::new(TESTDATA).join(name);
        capture.write(&path)?;
        println!("{}: {} packets", path.display(), capture.packets.len());
    }
    Ok(())
}

/// A capture file's link type and packets (captured bytes, length on the wire).
struct Capture {
    link_type: DataLink,
    packets: Vec<(Vec<u8>, u32)>,
}

impl Capture {
    fn new(link_type: DataLink) -> Self {
        Capture { link_type, packets: Vec::new() }
    }

    fn add(&mut self, packet: Vec<u8>) {
        let len = packet.len() as u32;
        self.packets.push((packet, len));
    }

    /// Adds the first `captured` bytes of `packet`, as a capture with a short snapshot length keeps.
    fn add_cut(&mut self, packet: &[u8], captured: usize) {
        self.add_record(packet[..captured].to_vec(), packet.len() as u32);
    }

    /// Adds captured bytes with any length on the wire, also one no capture could have seen.
    fn add_record(&mut self, data: Vec<u8>, wire_len: u32) {
        self.packets.push((data, wire_len));
    }

    fn write(&self, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
        let header = PcapHeader {
            snaplen: SNAPLEN,
            datalink: self.link_type,
            ts_resolution: PcapTsResolution::MicroSecond,
            endianness: Endianness::Little,
            ..PcapHeader::default()
        };
        let mut writer = PcapWriter::with_header(BufWriter::new(File::create(path)?), header)?;
        for (index, (data, wire_len)) in self.packets.iter().enumerate() {
            let timestamp = START + STEP * index as u32;
            // Written raw: PcapPacket refuses the impossible lengths some records have on purpose.
            let record = RawPcapPacket {
                ts_sec: timestamp.as_secs() as u32,
                ts_frac: timestamp.subsec_micros(),
                incl_len: data.len() as u32,
                orig_len: *wire_len,
                data: data.into(),
            };
            writer.write_raw_packet(&record)?;
        }
        writer.flush()?;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Building blocks

fn ethernet(destination: [u8; 6], source: [u8; 6], ether_type: u16, payload: &[u8]) -> Vec<u8> {
    let mut frame = [destination.as_slice(), &source, &ether_type.to_be_bytes()].concat();
    frame.extend_from_slice(payload);
    frame
}

/// Pads a frame to Ethernet's minimum of 60 bytes (without FCS), as a sending NIC does.
fn padded(mut frame: Vec<u8>) -> Vec<u8> {
    frame.resize(frame.len().max(60), 0);
    frame
}

/// An Ethernet frame from A to B.
fn eth(ether_type: u16, payload: &[u8]) -> Vec<u8> {
    ethernet(MAC_B, MAC_A, ether_type, payload)
}

fn eth4(packet: &[u8]) -> Vec<u8> {
    eth(ETHERTYPE_IPV4, packet)
}

fn eth6(packet: &[u8]) -> Vec<u8> {
    eth(ETHERTYPE_IPV6, packet)
}

/// The two ends of an IP packet.
#[derive(Clone, Copy)]
enum Hosts {
    V4([u8; 4], [u8; 4]),
    V6([u8; 16], [u8; 16]),
}

impl Hosts {
    fn reversed(self) -> Hosts {
        match self {
            Hosts::V4(source, destination) => Hosts::V4(destination, source),
            Hosts::V6(source, destination) => Hosts::V6(destination, source),
        }
    }

    /// The IP packet carrying `payload` of `protocol` between these hosts.
    fn packet(self, protocol: u8, payload: &[u8]) -> Vec<u8> {
        match self {
            Hosts::V4(source, destination) => ipv4_with(source, destination, protocol, payload, |_| {}),
            Hosts::V6(source, destination) => ipv6_packet(source, destination, protocol, payload),
        }
    }
}

const HOSTS4: Hosts = Hosts::V4(IP_A, IP_B);
const HOSTS6: Hosts = Hosts::V6(IP6_A, IP6_B);

/// An IPv4 packet; `adjust` may set options, fragmentation and the like before the checksum is computed.
fn ipv4_with(
    source: [u8; 4],
    destination: [u8; 4],
    protocol: u8,
    payload: &[u8],
    adjust: impl FnOnce(&mut Ipv4Header),
) -> Vec<u8> {
    let mut header = Ipv4Header::new(0, 64, IpNumber(protocol), source, destination).expect("small payload");
    header.identification = 0x1234;
    adjust(&mut header);
    header.set_payload_len(payload.len()).expect("small payload");
    header.header_checksum = header.calc_header_checksum();
    [header.to_bytes().as_slice(), payload].concat()
}

fn ipv4(protocol: u8, payload: &[u8]) -> Vec<u8> {
    HOSTS4.packet(protocol, payload)
}

fn ipv6_packet(source: [u8; 16], destination: [u8; 16], next_header: u8, payload: &[u8]) -> Vec<u8> {
    let header = Ipv6Header {
        traffic_class: 0,
        flow_label: Default::default(),
        payload_length: payload.len() as u16,
        next_header: IpNumber(next_header),
        hop_limit: 64,
        source,
        destination,
    };
    let mut packet = header.to_bytes().to_vec();
    packet.extend_from_slice(payload);
    packet
}

fn ipv6(next_header: u8, payload: &[u8]) -> Vec<u8> {
    HOSTS6.packet(next_header, payload)
}

/// An IPv6 extension header with options-style layout: next header, length in 8-byte units beyond the first
/// eight, then `body` (which must make the whole a multiple of 8 bytes).
fn extension_header(next_header: u8, body: &[u8]) -> Vec<u8> {
    assert_eq!((body.len() + 2) % 8, 0, "extension headers are multiples of 8 bytes");
    [&[next_header, ((body.len() + 2) / 8 - 1) as u8], body].concat()
}

fn fragment_header(next_header: u8, offset_bytes: u16, more: bool) -> Vec<u8> {
    let offset_and_flags = offset_bytes | u16::from(more);
    [&[next_header, 0][..], &offset_and_flags.to_be_bytes(), &0xcafe_f00d_u32.to_be_bytes()].concat()
}

/// A TCP segment's header fields (data offset follows from the options).
#[derive(Clone)]
struct Segment {
    source_port: u16,
    destination_port: u16,
    seq: u32,
    ack: u32,
    flags: u8,
    window: u16,
    urgent: u16,
    /// Raw option bytes, padded with zeros (EOL) to a multiple of 4.
    options: Vec<u8>,
    payload: Vec<u8>,
}

impl Segment {
    fn new(source_port: u16, destination_port: u16, seq: u32, ack: u32, flags: u8) -> Segment {
        Segment {
            source_port,
            destination_port,
            seq,
            ack,
            flags,
            window: 64240,
            urgent: 0,
            options: Vec::new(),
            payload: Vec::new(),
        }
    }

    fn options(mut self, options: &[u8]) -> Segment {
        self.options = options.to_vec();
        self
    }

    fn payload(mut self, len: usize) -> Segment {
        self.payload = (0..len).map(|index| b'a' + (index % 26) as u8).collect();
        self
    }

    fn bytes(&self, hosts: Hosts) -> Vec<u8> {
        let mut header = TcpHeader::new(self.source_port, self.destination_port, self.seq, self.window);
        header.acknowledgment_number = self.ack;
        header.fin = self.flags & FIN != 0;
        header.syn = self.flags & SYN != 0;
        header.rst = self.flags & RST != 0;
        header.psh = self.flags & PSH != 0;
        header.ack = self.flags & ACK != 0;
        header.urg = self.flags & URG != 0;
        header.ece = self.flags & ECE != 0;
        header.cwr = self.flags & CWR != 0;
        header.urgent_pointer = self.urgent;
        let mut options = self.options.clone();
        options.resize(options.len().next_multiple_of(4), 0);
        header.set_options_raw(&options).expect("options fit");
        header.checksum = match hosts {
            Hosts::V4(source, destination) => header.calc_checksum_ipv4_raw(source, destination, &self.payload),
            Hosts::V6(source, destination) => header.calc_checksum_ipv6_raw(source, destination, &self.payload),
        }
        .expect("small segment");
        [header.to_bytes().as_slice(), &self.payload].concat()
    }

    /// The segment in an IP packet.
    fn packet(&self, hosts: Hosts) -> Vec<u8> {
        hosts.packet(TCP, &self.bytes(hosts))
    }
}

fn udp_datagram(hosts: Hosts, source_port: u16, destination_port: u16, payload: &[u8]) -> Vec<u8> {
    let mut header = UdpHeader { source_port, destination_port, length: 8 + payload.len() as u16, checksum: 0 };
    header.checksum = match hosts {
        Hosts::V4(source, destination) => header.calc_checksum_ipv4_raw(source, destination, payload),
        Hosts::V6(source, destination) => header.calc_checksum_ipv6_raw(source, destination, payload),
    }
    .expect("small datagram");
    [header.to_bytes().as_slice(), payload].concat()
}

fn udp(hosts: Hosts, payload_len: usize) -> Vec<u8> {
    hosts.packet(UDP, &udp_datagram(hosts, 40000, 50000, &vec![0x5a; payload_len]))
}

/// The Internet checksum (RFC 1071) of `chunks` laid end to end.
fn internet_checksum(chunks: &[&[u8]]) -> u16 {
    let bytes: Vec<u8> = chunks.concat();
    let mut sum: u32 =
        bytes.chunks(2).map(|pair| u32::from(pair[0]) << 8 | u32::from(*pair.get(1).unwrap_or(&0))).sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// An ICMP message: type, code, the four bytes after the checksum, and the body.
fn icmp(message_type: u8, code: u8, rest: [u8; 4], body: &[u8]) -> Vec<u8> {
    let mut message = [&[message_type, code, 0, 0][..], &rest, body].concat();
    let checksum = internet_checksum(&[&message]);
    message[2..4].copy_from_slice(&checksum.to_be_bytes());
    message
}

/// An ICMPv6 message from `source` to `destination` (the checksum covers a pseudo-header).
fn icmp6(source: [u8; 16], destination: [u8; 16], message_type: u8, code: u8, rest: [u8; 4], body: &[u8]) -> Vec<u8> {
    let mut message = [&[message_type, code, 0, 0][..], &rest, body].concat();
    let len = (message.len() as u32).to_be_bytes();
    let checksum = internet_checksum(&[&source, &destination, &len, &[0, 0, 0, ICMPV6], &message]);
    message[2..4].copy_from_slice(&checksum.to_be_bytes());
    message
}

fn echo(id: u16, seq: u16) -> [u8; 4] {
    let [id_high, id_low] = id.to_be_bytes();
    let [seq_high, seq_low] = seq.to_be_bytes();
    [id_high, id_low, seq_high, seq_low]
}

fn ping_payload() -> Vec<u8> {
    (0..56).map(|index| index as u8).collect()
}

/// An ARP packet for IPv4 over Ethernet.
fn arp(operation: u16, sender: ([u8; 6], [u8; 4]), target: ([u8; 6], [u8; 4])) -> Vec<u8> {
    [&[0, 1, 0x08, 0x00, 6, 4][..], &operation.to_be_bytes(), &sender.0, &sender.1, &target.0, &target.1].concat()
}

// ---------------------------------------------------------------------------------------------------------------
// The captures

/// ARP, VLAN tags, EtherTypes ptstat has no printer for.
fn ethernet_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let request = arp(1, (MAC_A, IP_A), ([0; 6], IP_B));
    let reply = arp(2, (MAC_B, IP_B), (MAC_A, IP_A));
    capture.add(ethernet(BROADCAST, MAC_A, ETHERTYPE_ARP, &request));
    capture.add(padded(ethernet(BROADCAST, MAC_A, ETHERTYPE_ARP, &request)));
    capture.add(ethernet(MAC_A, MAC_B, ETHERTYPE_ARP, &reply));
    capture.add(padded(ethernet(MAC_A, MAC_B, ETHERTYPE_ARP, &reply)));
    // A unicast request that names the target's hardware address, and a gratuitous one.
    capture.add(eth(ETHERTYPE_ARP, &arp(1, (MAC_A, IP_A), (MAC_B, IP_B))));
    capture.add(padded(ethernet(BROADCAST, MAC_A, ETHERTYPE_ARP, &arp(1, (MAC_A, IP_A), ([0; 6], IP_A)))));
    // RARP and InARP.
    capture.add(padded(ethernet(BROADCAST, MAC_A, 0x8035, &arp(3, (MAC_A, [0; 4]), (MAC_A, [0; 4])))));
    capture.add(padded(ethernet(MAC_A, MAC_B, 0x8035, &arp(4, (MAC_B, IP_B), (MAC_A, IP_A)))));
    capture.add(padded(eth(ETHERTYPE_ARP, &arp(8, (MAC_A, IP_A), (MAC_B, [0; 4])))));
    capture.add(padded(eth(ETHERTYPE_ARP, &arp(9, (MAC_B, IP_B), (MAC_A, IP_A)))));
    // Operations tcpdump only dumps, and ARP for other protocols or hardware.
    capture.add(padded(eth(ETHERTYPE_ARP, &arp(10, (MAC_A, IP_A), (MAC_B, IP_B)))));
    capture.add(padded(eth(ETHERTYPE_ARP, &arp(77, (MAC_A, IP_A), (MAC_B, IP_B)))));
    let arp_ipv6 = [&[0, 1, 0x86, 0xdd, 6, 16, 0, 1][..], &MAC_A, &IP6_A, &[0; 6], &IP6_B].concat();
    capture.add(eth(ETHERTYPE_ARP, &arp_ipv6));
    let arp_unknown = [&[0x12, 0x34, 0x99, 0x99, 6, 4, 0, 1][..], &MAC_A, &IP_A, &[0; 6], &IP_B].concat();
    capture.add(padded(eth(ETHERTYPE_ARP, &arp_unknown)));
    let arp_no_hardware = [&[0, 1, 0x08, 0x00, 0, 4, 0, 1][..], &IP_A, &IP_B].concat();
    capture.add(padded(eth(ETHERTYPE_ARP, &arp_no_hardware)));
    let arp_long_address =
        [&[0, 32, 0x08, 0x00, 8, 4, 0, 2][..], &[1, 2, 3, 4, 5, 6, 7, 8], &IP_A, &[0; 8], &IP_B].concat();
    capture.add(eth(ETHERTYPE_ARP, &arp_long_address));

    // VLAN-tagged and double-tagged IPv4, IPv6 and ARP: printed like untagged ones.
    let ping = ipv4(ICMP, &icmp(8, 0, echo(7, 1), &ping_payload()));
    // Tags are (tag protocol, tag control) pairs.
    let tagged = |tags: &[(u16, u16)], ether_type: u16, payload: &[u8]| {
        let mut frame = [&MAC_B[..], &MAC_A].concat();
        for (protocol, control) in tags {
            frame.extend_from_slice(&[protocol.to_be_bytes(), control.to_be_bytes()].concat());
        }
        frame.extend_from_slice(&ether_type.to_be_bytes());
        frame.extend_from_slice(payload);
        frame
    };
    capture.add(tagged(&[(0x8100, 100)], ETHERTYPE_IPV4, &ping));
    capture.add(tagged(&[(0x88a8, 200), (0x8100, 100)], ETHERTYPE_IPV4, &ping));
    capture.add(tagged(&[(0x9100, 300), (0x8100, 0x2064)], ETHERTYPE_IPV4, &udp(HOSTS4, 32)));
    capture.add(tagged(&[(0x9200, 1), (0x88a8, 2), (0x8100, 3), (0x8100, 4)], ETHERTYPE_IPV4, &udp(HOSTS4, 1)));
    capture.add(tagged(&[(0x8100, 5)], ETHERTYPE_IPV6, &udp(HOSTS6, 16)));
    // Priority 5 and the drop eligible bit, which -e shows.
    capture.add(tagged(&[(0x8100, 0xb00a)], ETHERTYPE_IPV4, &udp(HOSTS4, 3)));
    capture.add(padded(tagged(&[(0x8100, 5)], ETHERTYPE_ARP, &request)));
    // EtherTypes without a printer in ptstat: a summary and a hex dump.
    let experimental: Vec<u8> = (0..46u8).map(|byte| byte.wrapping_mul(7)).collect();
    capture.add(eth(0x88b5, &experimental));
    capture.add(eth(0x88b6, b"Hello, world!"));
    capture.add(tagged(&[(0x8100, 42)], 0x88b5, &experimental[..17]));
    capture.add(eth(0x88b5, &[]));
    // Records with lengths no capture could have produced.
    let frame = eth4(&udp(HOSTS4, 4));
    capture.add_record(frame.clone(), 20);
    capture.add_record(frame[..20].to_vec(), 0);
    capture.add_record(Vec::new(), 60);
    capture.add_record(frame, 300_000);
    capture
}

/// IPv4 headers (options, fragments, bad lengths) and ICMP.
fn ipv4_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let ping =
        |message_type: u8, seq: u16| eth4(&ipv4(ICMP, &icmp(message_type, 0, echo(0x0a3c, seq), &ping_payload())));
    capture.add(ping(8, 1));
    capture.add(ping(0, 1));
    capture.add(eth4(&HOSTS4.reversed().packet(ICMP, &icmp(8, 0, echo(65535, 65535), &[]))));

    // Errors quote the IP header and 8 bytes of the datagram that caused them.
    let quoted_udp = udp(Hosts::V4(IP_B, IP_C), 24);
    let quoted_tcp = Segment::new(40001, 5201, 1, 0, SYN).packet(Hosts::V4(IP_B, IP_C));
    // A protocol tcpdump has no printer for either (it quotes the datagram with -v).
    let quoted_other = ipv4_with(IP_B, IP_C, 253, &[0x9c, 0x40, 0x0b, 0xb8, 0, 0, 0, 0], |_| {});
    let quote = |packet: &[u8]| packet[..28].to_vec();
    for code in 0..=16 {
        let quoted = if code == 3 { quote(&quoted_udp) } else { quote(&quoted_tcp) };
        let rest = if code == 4 { [0, 0, 0x05, 0xdc] } else { [0; 4] };
        capture.add(eth4(&ipv4_with(IP_C, IP_B, ICMP, &icmp(3, code, rest, &quoted), |_| {})));
    }
    for quoted in [quote(&quoted_tcp), quote(&quoted_other)] {
        capture.add(eth4(&ipv4_with(IP_C, IP_B, ICMP, &icmp(3, 3, [0; 4], &quoted), |_| {})));
    }
    capture.add(eth4(&ipv4_with(IP_C, IP_B, ICMP, &icmp(3, 4, [0; 4], &quote(&quoted_udp)), |_| {})));
    for code in 0..=4 {
        capture.add(eth4(&ipv4_with(IP_C, IP_B, ICMP, &icmp(5, code, IP_A, &quote(&quoted_udp)), |_| {})));
    }
    for code in 0..=2 {
        capture.add(eth4(&ipv4_with(IP_C, IP_B, ICMP, &icmp(11, code, [0; 4], &quote(&quoted_udp)), |_| {})));
    }
    capture.add(eth4(&ipv4(ICMP, &icmp(12, 0, [20, 0, 0, 0], &quote(&quoted_udp)))));
    capture.add(eth4(&ipv4(ICMP, &icmp(12, 1, [0; 4], &quote(&quoted_udp)))));
    capture.add(eth4(&ipv4(ICMP, &icmp(4, 0, [0; 4], &quote(&quoted_udp)))));
    // Timestamps (milliseconds since midnight), address masks, information, router discovery.
    let times = [3_723_004u32, 3_723_010, 86_399_999].map(u32::to_be_bytes).concat();
    capture.add(eth4(&ipv4(ICMP, &icmp(13, 0, echo(1, 2), &times))));
    capture.add(eth4(&ipv4(ICMP, &icmp(14, 0, echo(1, 2), &times))));
    capture.add(eth4(&ipv4(ICMP, &icmp(17, 0, echo(3, 4), &[0; 4]))));
    capture.add(eth4(&ipv4(ICMP, &icmp(18, 0, echo(3, 4), &[255, 255, 255, 0]))));
    capture.add(eth4(&ipv4(ICMP, &icmp(15, 0, echo(5, 6), &[]))));
    capture.add(eth4(&ipv4(ICMP, &icmp(16, 0, echo(5, 6), &[]))));
    capture.add(eth4(&ipv4(ICMP, &icmp(10, 0, [0; 4], &[]))));
    for (lifetime, entries) in [(1800u16, 2u8), (45, 0), (7322, 1)] {
        let [high, low] = lifetime.to_be_bytes();
        let body: Vec<u8> = (0..entries).flat_map(|entry| [IP_C, [0, 0, 0, entry]].concat()).collect();
        capture.add(eth4(&ipv4(ICMP, &icmp(9, 0, [entries, 2, high, low], &body))));
    }
    capture.add(eth4(&ipv4(ICMP, &icmp(9, 0, [1, 4, 0, 30], &[0; 16]))));
    capture.add(eth4(&ipv4(ICMP, &icmp(42, 0, [0; 4], &[1, 2, 3]))));

    // Options: record route, NOP + router alert, timestamp, and EOL padding.
    let record_route = [7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    let router_alert = [1, 148, 4, 0, 0, 0, 0, 0];
    let timestamp_option = [68, 12, 5, 0, 0, 0, 0, 1, 0, 0, 0, 0];
    for options in [&record_route[..], &router_alert, &timestamp_option] {
        let set_options = |header: &mut Ipv4Header| header.options = options.try_into().expect("valid options");
        capture.add(eth4(&ipv4_with(IP_A, IP_B, UDP, &udp_datagram(HOSTS4, 40000, 50000, b"opt"), set_options)));
        capture.add(eth4(&ipv4_with(IP_A, IP_B, ICMP, &icmp(8, 0, echo(9, 9), &[]), set_options)));
    }
    // Fragments: the first shows the transport header, later ones only the protocol.
    let datagram = udp_datagram(HOSTS4, 40000, 50000, &[0x77; 1000]);
    let (first, later) = datagram.split_at(504);
    capture.add(eth4(&ipv4_with(IP_A, IP_B, UDP, first, |header| {
        header.dont_fragment = false;
        header.more_fragments = true;
    })));
    capture.add(eth4(&ipv4_with(IP_A, IP_B, UDP, later, |header| {
        header.dont_fragment = false;
        header.fragment_offset = IpFragOffset::try_new(63).expect("small offset");
    })));
    let big_ping = icmp(8, 0, echo(1, 1), &[0x11; 1200]);
    let (first, later) = big_ping.split_at(800);
    capture.add(eth4(&ipv4_with(IP_A, IP_B, ICMP, first, |header| header.more_fragments = true)));
    capture.add(eth4(&ipv4_with(IP_A, IP_B, ICMP, later, |header| {
        header.fragment_offset = IpFragOffset::try_new(100).expect("small offset");
    })));
    let segment = Segment::new(40000, 50000, 1000, 2000, ACK | PSH).payload(600).bytes(HOSTS4);
    let (first, later) = segment.split_at(320);
    capture.add(eth4(&ipv4_with(IP_A, IP_B, TCP, first, |header| header.more_fragments = true)));
    capture.add(eth4(&ipv4_with(IP_A, IP_B, TCP, later, |header| {
        header.fragment_offset = IpFragOffset::try_new(40).expect("small offset");
        header.more_fragments = true;
    })));
    // Protocols without a printer, tunnels, and IP carried in IP.
    capture.add(eth4(&ipv4(253, &[1, 2, 3, 4, 5])));
    capture.add(eth4(&ipv4(59, &[])));
    capture.add(eth4(&ipv4(77, &[0; 12])));
    capture.add(eth4(&ipv4(4, &Hosts::V4(IP_C, IP_A).packet(ICMP, &icmp(0, 0, echo(1, 1), &[])))));
    capture.add(eth4(&ipv4(41, &udp(HOSTS6, 8))));
    capture.add(eth4(&ipv4(ICMPV6, &[128, 0, 0, 0])));
    // Broken headers: version, header length, total length.
    let mut packet = udp(HOSTS4, 8);
    packet[0] = 0x55;
    capture.add(eth4(&packet));
    capture.add(eth4(&ipv6(UDP, &udp_datagram(HOSTS6, 1, 2, &[]))));
    packet[0] = 0x44;
    capture.add(eth4(&packet));
    let mut packet = udp(HOSTS4, 8);
    packet[2..4].copy_from_slice(&12u16.to_be_bytes());
    capture.add(eth4(&packet));
    let mut packet = udp(HOSTS4, 8);
    packet[2..4].copy_from_slice(&100u16.to_be_bytes());
    capture.add(eth4(&packet));
    // A frame padded beyond the IP packet: the padding is not UDP payload.
    capture.add(padded(eth4(&udp(HOSTS4, 2))));
    add_ipv4_verbose_variants(&mut capture);
    capture
}

/// What -v prints of IPv4 and ICMP: ECN, TTL, flags, checksums, the options tcpdump decodes, quoted datagrams
/// and the extensions after them.
fn add_ipv4_verbose_variants(capture: &mut Capture) {
    let datagram = udp_datagram(HOSTS4, 40000, 50000, b"v");
    for (tos, ttl) in [(0x01, 1), (0x02, 0), (0xb8, 255), (0x03, 64)] {
        capture.add(eth4(&ipv4_with(IP_A, IP_B, UDP, &datagram, |header| {
            header.dscp = (tos >> 2).try_into().expect("six bits");
            header.ecn = (tos & 0x03).try_into().expect("two bits");
            header.time_to_live = ttl;
        })));
    }
    // The reserved flag, and a header checksum that is wrong (with options, which come before it).
    let mut reserved = ipv4(UDP, &datagram);
    reserved[6] |= 0x80;
    capture.add(eth4(&reserved));
    let mut wrong_checksum = ipv4_with(IP_A, IP_B, UDP, &datagram, |header| header.options = [1, 1, 1, 0].into());
    wrong_checksum[10] ^= 0x55;
    capture.add(eth4(&wrong_checksum));
    // Source routes with the pointer past some addresses, timestamps of every kind, router alert values and
    // options tcpdump only names or rejects.
    let options: [&[u8]; 12] = [
        &[131, 11, 8, 10, 0, 0, 1, 10, 0, 0, 2, 0],
        &[137, 7, 4, 10, 0, 0, 9],
        &[7, 7, 5, 10, 0, 0, 1],
        &[68, 20, 13, 1, 10, 0, 0, 1, 0, 0, 0, 5, 10, 0, 0, 2, 0, 0, 0, 6],
        &[68, 12, 5, 0x33, 10, 0, 0, 1, 0, 0, 0, 7],
        &[68, 8, 9, 0x02, 0, 0, 0, 1],
        &[68, 8, 3, 0x00, 0, 0, 0, 1],
        &[148, 4, 0, 7],
        &[130, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        &[82, 12, 0, 1, 0, 2, 0, 3, 10, 0, 0, 1],
        &[25, 4, 1, 2],
        &[7, 1, 0, 0],
    ];
    for option in options {
        let mut padded_option = option.to_vec();
        padded_option.resize(option.len().next_multiple_of(4), 0);
        let set_options = |header: &mut Ipv4Header| header.options = padded_option[..].try_into().expect("fits");
        capture.add(eth4(&ipv4_with(IP_A, IP_B, UDP, &datagram, set_options)));
    }
    // An echo request whose checksum is wrong, and errors quoting whole datagrams (printed in full with -v).
    let mut wrong_echo = icmp(8, 0, echo(1, 1), &[1, 2, 3]);
    wrong_echo[2] ^= 0xff;
    capture.add(eth4(&ipv4(ICMP, &wrong_echo)));
    let quoted_udp = udp(HOSTS4.reversed(), 4);
    capture.add(eth4(&ipv4_with(IP_B, IP_A, ICMP, &icmp(3, 3, [0; 4], &quoted_udp), |_| {})));
    let quoted_ping = ipv4(ICMP, &icmp(8, 0, echo(2, 2), &[]));
    capture.add(eth4(&ipv4_with(IP_C, IP_A, ICMP, &icmp(11, 0, [0; 4], &quoted_ping), |_| {})));
    // Errors quoting IP headers whose total length is below a header's, or whose header length is, or quoting
    // less than a header.
    for (total_len, version_and_header_len, quoted_len) in
        [(0u16, 0x45u8, 28), (10, 0x45, 28), (19, 0x45, 28), (20, 0x45, 28), (10, 0x43, 28), (10, 0x45, 12)]
    {
        let mut quoted = quoted_udp[..28].to_vec();
        quoted[0] = version_and_header_len;
        quoted[2..4].copy_from_slice(&total_len.to_be_bytes());
        quoted.truncate(quoted_len);
        capture.add(eth4(&ipv4_with(IP_B, IP_A, ICMP, &icmp(3, 3, [0; 4], &quoted), |_| {})));
        capture.add(eth4(&ipv4_with(IP_B, IP_A, ICMP, &icmp(11, 0, [0; 4], &quoted), |_| {})));
    }
    // Errors with RFC 4884 extensions after 128 bytes of the datagram: an MPLS label stack, objects tcpdump only
    // dumps, an extension version it does not know, and one found by its checksum alone (no length given).
    // A long error without extensions comes first.
    let long_datagram = udp(HOSTS4, 200);
    capture.add(eth4(&ipv4(ICMP, &icmp(3, 3, [0; 4], &long_datagram))));
    let object = |class: u8, class_type: u8, data: &[u8]| {
        [&((data.len() + 4) as u16).to_be_bytes()[..], &[class, class_type], data].concat()
    };
    let objects = [
        object(1, 1, &[0x00, 0x01, 0x41, 0x40]),
        object(1, 2, &[1, 2, 3, 4]),
        object(2, 1, &[5, 6, 7, 8]),
        object(9, 1, &[]),
        object(0, 1, &[]),
    ]
    .concat();
    for (message_type, version, length_in_words) in [(11u8, 2u8, 32u8), (3, 1, 32), (12, 2, 0)] {
        let mut extension = [&[version << 4, 0, 0, 0][..], &objects].concat();
        let checksum = internet_checksum(&[&extension]);
        extension[2..4].copy_from_slice(&checksum.to_be_bytes());
        let body = [&long_datagram[..128], &extension].concat();
        capture.add(eth4(&ipv4(ICMP, &icmp(message_type, 0, [0, length_in_words, 0, 0], &body))));
    }
}

/// IPv6 extension headers and ICMPv6.
fn ipv6_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let message = |source, destination, message_type, code, rest, body: &[u8]| {
        eth6(&ipv6_packet(source, destination, ICMPV6, &icmp6(source, destination, message_type, code, rest, body)))
    };
    capture.add(message(IP6_A, IP6_B, 128, 0, echo(0x1234, 1), &ping_payload()));
    capture.add(message(IP6_B, IP6_A, 129, 0, echo(0x1234, 1), &ping_payload()));
    // Neighbor and router discovery, with the link-layer address options tcpdump prints only with -v.
    let source_link_option = [&[1, 1][..], &MAC_A].concat();
    let ns_body = [&IP6_B[..], &source_link_option].concat();
    capture.add(message(LINK_LOCAL, SOLICITED_NODE, 135, 0, [0; 4], &ns_body));
    let na_body = [&IP6_B[..], &[2, 1], &MAC_B].concat();
    capture.add(message(IP6_B, LINK_LOCAL, 136, 0, [0x60, 0, 0, 0], &na_body));
    capture.add(message(
        LINK_LOCAL,
        [0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
        133,
        0,
        [0; 4],
        &source_link_option,
    ));
    let prefix_option = [&[3, 4, 64, 0xc0, 0, 0, 0x0e, 0x10, 0, 0, 0x0e, 0x10, 0, 0, 0, 0][..], &IP6_A].concat();
    let ra_body = [&[0, 0, 0, 0, 0, 0, 0, 0][..], &prefix_option].concat();
    capture.add(message(LINK_LOCAL, ALL_NODES, 134, 0, [64, 0, 0x07, 0x08], &ra_body));
    capture.add(message(LINK_LOCAL, IP6_A, 137, 0, [0; 4], &[IP6_B, LINK_LOCAL].concat()));
    // Errors quote the packet that caused them.
    let quoted_udp = ipv6_packet(IP6_A, IP6_B, UDP, &udp_datagram(HOSTS6, 40000, 50000, &[0; 8]));
    let quoted_tcp = Segment::new(40000, 50001, 1, 0, SYN).packet(HOSTS6);
    let quoted_with_extension = ipv6_packet(
        IP6_A,
        IP6_B,
        60,
        &[extension_header(UDP, &[1, 4, 0, 0, 0, 0]), udp_datagram(HOSTS6, 40000, 50002, &[])].concat(),
    );
    let quoted_other = ipv6_packet(IP6_A, IP6_B, 132, &[0x9c, 0x40, 0x0b, 0xb8, 0, 0, 0, 0]);
    for code in 0..=4 {
        capture.add(message(IP6_B, IP6_A, 1, code, [0; 4], &quoted_udp));
    }
    for quoted in [&quoted_tcp, &quoted_with_extension, &quoted_other] {
        capture.add(message(IP6_B, IP6_A, 1, 4, [0; 4], quoted));
    }
    capture.add(message(IP6_B, IP6_A, 1, 7, [0; 4], &quoted_udp[..48]));
    // Quoted IPv6 headers whose payload length is 0 or short of the quoted datagram, or cut inside the header.
    for (payload_len, quoted_len) in [(0u16, 48), (3, 48), (0, 40), (0, 20), (8, 44)] {
        let mut quoted = quoted_udp[..quoted_len].to_vec();
        quoted[4..6].copy_from_slice(&payload_len.to_be_bytes());
        capture.add(message(IP6_B, IP6_A, 1, 4, [0; 4], &quoted));
        capture.add(message(IP6_B, IP6_A, 3, 0, [0; 4], &quoted));
    }
    capture.add(message(IP6_B, IP6_A, 2, 0, [0, 0, 0x05, 0x00], &quoted_udp));
    for code in 0..=2 {
        capture.add(message(IP6_B, IP6_A, 3, code, [0; 4], &quoted_udp));
    }
    for code in [0, 1, 2, 3, 9] {
        capture.add(message(IP6_B, IP6_A, 4, code, [0, 0, 0, 6], &quoted_udp));
    }
    // Multicast listener discovery, versions 1 and 2.
    let group = [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfb];
    capture.add(message(LINK_LOCAL, ALL_NODES, 130, 0, [0x27, 0x10, 0, 0], &[0; 16]));
    capture.add(message(LINK_LOCAL, group, 131, 0, [0; 4], &group));
    capture.add(message(LINK_LOCAL, group, 132, 0, [0; 4], &group));
    capture.add(message(LINK_LOCAL, ALL_NODES, 130, 0, [0x03, 0xe8, 0, 0], &[&[0; 16][..], &[2, 125, 0, 0]].concat()));
    let query_with_sources = [&group[..], &[2, 125, 0, 2], &IP6_A, &IP6_B].concat();
    capture.add(message(LINK_LOCAL, group, 130, 0, [0x03, 0xe8, 0, 0], &query_with_sources));
    capture.add(message(LINK_LOCAL, ALL_NODES, 130, 0, [0; 4], &[0; 10]));
    let record = [&[4, 0, 0, 0][..], &group].concat();
    capture.add(message(
        LINK_LOCAL,
        [0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16],
        143,
        0,
        [0, 0, 0, 2],
        &[record.clone(), record].concat(),
    ));
    // Messages without a printer of their own, and unknown ones.
    capture.add(message(IP6_A, IP6_B, 144, 0, [0xab, 0xcd, 0, 0], &[]));
    capture.add(message(IP6_A, IP6_B, 141, 0, [0; 4], &[]));
    capture.add(message(IP6_A, IP6_B, 100, 0, [1, 2, 3, 4], &[5, 6, 7, 8, 9]));
    capture.add(message(IP6_A, IP6_B, 201, 0, [0; 4], &[]));

    // Extension headers.
    let udp_payload = udp_datagram(HOSTS6, 40000, 50000, b"ext");
    let hop_by_hop = |next: u8| extension_header(next, &[5, 2, 0, 0, 1, 0]);
    let destination_options = |next: u8| extension_header(next, &[1, 4, 0, 0, 0, 0]);
    let routing0 = |next: u8| [&[next, 4, 0, 1, 0, 0, 0, 0][..], &IP6_A, &IP6_B].concat();
    capture.add(eth6(&ipv6(0, &[hop_by_hop(UDP), udp_payload.clone()].concat())));
    capture.add(eth6(&ipv6(
        60,
        &[destination_options(TCP), Segment::new(40000, 50000, 7, 0, SYN).bytes(HOSTS6)].concat(),
    )));
    capture.add(eth6(&ipv6(43, &[routing0(UDP), udp_payload.clone()].concat())));
    let routing2 = [&[UDP, 2, 2, 1, 0, 0, 0, 0][..], &IP6_A].concat();
    capture.add(eth6(&ipv6(43, &[routing2, udp_payload.clone()].concat())));
    let segment_routing = [&[UDP, 4, 4, 1, 1, 0, 0x12, 0x34][..], &IP6_A, &IP6_B].concat();
    capture.add(eth6(&ipv6(43, &[segment_routing, udp_payload.clone()].concat())));
    capture.add(eth6(&ipv6(43, &[&[UDP, 0, 3, 0, 0, 0, 0, 0][..], &udp_payload].concat())));
    capture.add(eth6(&ipv6(43, &[&[UDP, 1, 0, 0, 0, 0, 0, 0][..], &[0; 8], &udp_payload].concat())));
    capture.add(eth6(&ipv6(43, &[&[UDP, 2, 0, 0, 0, 0, 0, 7][..], &IP6_A, &udp_payload].concat())));
    // Fragments: the first shows what follows, a later one only the fragment header.
    let datagram = udp_datagram(HOSTS6, 40000, 50000, &[0x42; 1400]);
    let (first, later) = datagram.split_at(1232);
    capture.add(eth6(&ipv6(44, &[fragment_header(UDP, 0, true).as_slice(), first].concat())));
    capture.add(eth6(&ipv6(44, &[fragment_header(UDP, 1232, false).as_slice(), later].concat())));
    capture.add(eth6(&ipv6(
        44,
        &[fragment_header(ICMPV6, 0, true).as_slice(), &icmp6(IP6_A, IP6_B, 128, 0, echo(1, 1), &[0; 64])].concat(),
    )));
    // All of them in a row, then a tunnel, then headers where they do not belong.
    let chain =
        [hop_by_hop(60), destination_options(43), routing0(44), fragment_header(UDP, 0, false), udp_payload.clone()]
            .concat();
    capture.add(eth6(&ipv6(0, &chain)));
    capture.add(eth6(&ipv6(41, &ipv4(UDP, &udp_datagram(HOSTS4, 1111, 2222, &[0; 4])))));
    capture.add(eth6(&ipv6(4, &ipv4(ICMP, &icmp(8, 0, echo(1, 1), &[])))));
    capture.add(eth6(&ipv6(60, &[destination_options(0), hop_by_hop(UDP), udp_payload.clone()].concat())));
    capture.add(eth6(&ipv6(0, &[hop_by_hop(0), hop_by_hop(UDP), udp_payload.clone()].concat())));
    capture.add(eth6(&ipv6(59, &[])));
    capture.add(eth6(&ipv6(253, &[1, 2, 3, 4, 5, 6, 7, 8])));
    capture.add(eth6(&ipv6(ICMP, &[8, 0, 0, 0])));
    // Malformed hop-by-hop options.
    capture.add(eth6(&ipv6(0, &[extension_header(UDP, &[5, 0, 1, 0, 0, 0]), udp_payload.clone()].concat())));
    capture.add(eth6(&ipv6(0, &[extension_header(UDP, &[5, 3, 0, 0, 0, 0]), udp_payload.clone()].concat())));
    capture.add(eth6(&ipv6(0, &[extension_header(UDP, &[0xc2, 4, 0, 1, 0, 0]), udp_payload.clone()].concat())));
    capture.add(eth6(&ipv6(0, &[extension_header(UDP, &[0xc9, 4, 0, 0, 0, 0]), udp_payload.clone()].concat())));
    capture.add(eth6(&ipv6(0, &[extension_header(UDP, &[1, 9, 0, 0, 0, 0]), udp_payload.clone()].concat())));
    // Addresses whose text embeds IPv4, and a packet claiming more payload than the frame has.
    let mapped = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1];
    let compatible = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2, 2];
    capture.add(eth6(&ipv6_packet(
        mapped,
        compatible,
        UDP,
        &udp_datagram(Hosts::V6(mapped, compatible), 40000, 50000, &[]),
    )));
    let mut packet = udp(HOSTS6, 8);
    packet[4..6].copy_from_slice(&100u16.to_be_bytes());
    capture.add(eth6(&packet));
    let mut packet = udp(HOSTS6, 8);
    packet[0] = 0x45;
    capture.add(eth6(&packet));
    // Payload length 0: nothing follows the header, unless a hop-by-hop option says it is a jumbogram.
    let mut packet = udp(HOSTS6, 8);
    packet[4..6].fill(0);
    capture.add(eth6(&packet));
    let jumbo_len: u32 = 70_000;
    let jumbo_option = [&[0xc2, 4][..], &jumbo_len.to_be_bytes()].concat();
    let mut jumbogram =
        ipv6(0, &[extension_header(UDP, &jumbo_option), vec![0x9c, 0x40, 0xc3, 0x50, 0, 0, 0, 0]].concat());
    jumbogram[4..6].fill(0);
    let wire_len = 14 + 40 + jumbo_len;
    capture.add_record(eth6(&jumbogram), wire_len);
    let not_jumbo = [&[0xc2, 4][..], &1000u32.to_be_bytes()].concat();
    let mut packet = ipv6(0, &[extension_header(UDP, &not_jumbo), udp_datagram(HOSTS6, 1, 2, &[])].concat());
    packet[4..6].fill(0);
    capture.add(eth6(&packet));
    add_ipv6_verbose_variants(&mut capture);
    capture
}

/// What -v and -vv print of IPv6 and ICMPv6 beyond the default: traffic class and flow label, options,
/// neighbor discovery options and flags, MLDv2 details, checksums.
fn add_ipv6_verbose_variants(capture: &mut Capture) {
    let message = |source, destination, message_type, code, rest, body: &[u8]| {
        eth6(&ipv6_packet(source, destination, ICMPV6, &icmp6(source, destination, message_type, code, rest, body)))
    };
    let udp_payload = udp_datagram(HOSTS6, 40000, 50000, b"opt");
    for first_word in [0x6ab1_2345u32, 0x6000_0001, 0x6ff0_0000] {
        let mut packet = udp(HOSTS6, 2);
        packet[..4].copy_from_slice(&first_word.to_be_bytes());
        capture.add(eth6(&packet));
    }
    // Pad1, a home address, an option tcpdump does not know, a second Jumbo Payload option.
    let home_address = [&[0, 0xc9, 16][..], &IP6_A, &[0x3e, 2, 1, 2, 1, 5, 0, 0, 0, 0, 0]].concat();
    capture.add(eth6(&ipv6(0, &[extension_header(UDP, &home_address), udp_payload.clone()].concat())));
    let jumbo = |len: u32| [&[0xc2, 4][..], &len.to_be_bytes()].concat();
    let two_jumbos = [jumbo(70_000), jumbo(80_000), vec![1, 0]].concat();
    capture.add(eth6(&ipv6(0, &[extension_header(UDP, &two_jumbos), udp_payload.clone()].concat())));
    capture.add(eth6(&ipv6(60, &[extension_header(UDP, &[0, 0, 0, 1, 0, 0]), udp_payload].concat())));
    // Router advertisements with each flag and preference and the options tcpdump decodes.
    let mtu = [&[5, 1, 0, 0][..], &1500u32.to_be_bytes()].concat();
    let dns_servers = [&[25, 5, 0, 0][..], &600u32.to_be_bytes(), &IP6_A, &IP6_B].concat();
    let prefix = [&[3, 4, 48, 0xe0][..], &u32::MAX.to_be_bytes(), &100u32.to_be_bytes(), &[0; 4], &IP6_A].concat();
    let interval = [&[7, 1, 0, 0][..], &5000u32.to_be_bytes()].concat();
    let unknown = [99, 1, 1, 2, 3, 4, 5, 6];
    let options = [mtu, dns_servers, prefix, interval, unknown.to_vec()].concat();
    for flags in [0x80, 0xc8, 0x38, 0x10, 0x02] {
        let body = [&1000u32.to_be_bytes()[..], &2000u32.to_be_bytes(), &options].concat();
        capture.add(message(LINK_LOCAL, ALL_NODES, 134, 0, [64, flags, 0x07, 0x08], &body));
    }
    // Neighbor advertisements with each flag, a redirect with the packet it redirects.
    for flags in [0x80, 0xe0, 0x20] {
        capture.add(message(IP6_B, LINK_LOCAL, 136, 0, [flags, 0, 0, 0], &IP6_B));
    }
    let redirected = [&[4, 2, 0, 0, 0, 0, 0, 0][..], &[0x60, 0, 0, 0, 0, 0, 59, 64]].concat();
    capture.add(message(LINK_LOCAL, IP6_A, 137, 0, [0; 4], &[&IP6_B[..], &LINK_LOCAL, &redirected].concat()));
    // MLDv2: a query with exponential codes and the suppress flag, a report with sources and a type tcpdump
    // does not know.
    let group = [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfb];
    let query = [&group[..], &[0x0a, 0x90, 0, 1], &IP6_A].concat();
    capture.add(message(LINK_LOCAL, group, 130, 0, [0x90, 0x10, 0, 0], &query));
    let records = [&[1, 0, 0, 2][..], &group, &IP6_A, &IP6_B, &[9, 0, 0, 0], &group].concat();
    capture.add(message(LINK_LOCAL, ALL_NODES, 143, 0, [0, 0, 0, 2], &records));
    let mut wrong = icmp6(IP6_A, IP6_B, 128, 0, echo(1, 1), &[]);
    wrong[3] ^= 0x01;
    capture.add(eth6(&ipv6(ICMPV6, &wrong)));
}

/// TCP: conversations with relative sequence numbers, every flag, every option tcpdump names.
fn tcp_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let mut add = |segment: &Segment, hosts: Hosts| capture.add(eth(ethertype_of(hosts), &segment.packet(hosts)));
    let (client, server) = (HOSTS4, HOSTS4.reversed());
    let syn_options = [2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0x30, 0x39, 0, 0, 0, 0, 1, 3, 3, 7];
    let ts = |value: u32, echo: u32| [&[1, 1, 8, 10][..], &value.to_be_bytes(), &echo.to_be_bytes()].concat();
    // Handshake, data both ways, FIN from each side.
    let (c, s) = (3_000_000_000u32, 123_456_789u32);
    add(&Segment::new(40000, 50000, c, 0, SYN).options(&syn_options), client);
    add(&Segment::new(50000, 40000, s, c + 1, SYN | ACK).options(&syn_options), server);
    add(&Segment::new(40000, 50000, c + 1, s + 1, ACK).options(&ts(12345, 1)), client);
    add(&Segment::new(40000, 50000, c + 1, s + 1, PSH | ACK).options(&ts(12346, 1)).payload(100), client);
    add(&Segment::new(50000, 40000, s + 1, c + 101, ACK).options(&ts(2, 12346)), server);
    add(&Segment::new(50000, 40000, s + 1, c + 101, PSH | ACK).options(&ts(3, 12346)).payload(1448), server);
    let sack = [
        &[1, 1, 5, 18][..],
        &(s + 1449).to_be_bytes(),
        &(s + 2897).to_be_bytes(),
        &(s + 4000).to_be_bytes(),
        &(s + 4100).to_be_bytes(),
    ]
    .concat();
    add(&Segment::new(40000, 50000, c + 101, s + 1, ACK).options(&sack), client);
    add(&Segment::new(40000, 50000, c + 101, s + 1449, FIN | ACK), client);
    add(&Segment::new(50000, 40000, s + 1449, c + 102, FIN | ACK), server);
    add(&Segment::new(40000, 50000, c + 102, s + 1450, ACK), client);
    // A refused connection, and a reset with data.
    add(&Segment::new(40001, 50001, 1, 0, SYN), client);
    add(&Segment::new(50001, 40001, 0, 2, RST | ACK), server);
    add(&Segment::new(40002, 50002, 5, 0, RST).payload(4), client);
    // A conversation first seen mid-stream prints absolute numbers once; a new SYN resets them.
    add(&Segment::new(40003, 50003, 1_000_000, 2_000_000, ACK).payload(10), client);
    add(&Segment::new(50003, 40003, 2_000_000, 1_000_010, ACK), server);
    add(&Segment::new(40003, 50003, 1_000_010, 2_000_000, ACK).payload(10), client);
    add(&Segment::new(50003, 40003, 9, 77, SYN | ACK), server);
    add(&Segment::new(40003, 50003, 77, 10, ACK), client);
    // Same port at both ends: the addresses decide the direction.
    add(&Segment::new(5555, 5555, 10, 20, ACK), client);
    add(&Segment::new(5555, 5555, 20, 11, ACK), server);
    add(&Segment::new(5555, 5555, 11, 21, ACK).payload(5), client);
    // Every flag, alone and together, with the urgent pointer for URG.
    for flags in [0, FIN, PSH, URG, ECE, CWR, SYN | ECE | CWR, SYN | ACK | ECE, ACK | ECE | CWR, 0xff] {
        let mut segment = Segment::new(40004, 50004, 500, 600, flags);
        segment.urgent = 3;
        add(&segment, client);
    }
    let mut urgent = Segment::new(40004, 50004, 700, 600, ACK | URG | PSH).payload(8);
    urgent.urgent = 8;
    add(&urgent, client);
    // Options: every kind tcpdump names, unknown ones, wrong lengths.
    let options: [&[u8]; 21] = [
        &[2, 4, 0x05, 0xb4, 1, 0, 0, 0],
        &[1, 1, 4, 2, 3, 3, 14, 0],
        &[6, 6, 0, 0, 0, 1, 7, 6, 0, 0, 0, 2],
        &[11, 6, 0, 0, 0, 3, 12, 6, 0, 0, 0, 4, 13, 6, 0, 0, 0, 5],
        &[19, 18, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
        &[20, 4, 0xab, 9],
        &[28, 4, 0x80, 0x0b, 28, 4, 0x00, 0x3c],
        &[29, 4, 1, 2, 29, 8, 3, 4, 0xaa, 0xbb, 0xcc, 0xdd, 29, 3, 1],
        &[34, 2, 34, 10, 1, 2, 3, 4, 5, 6, 7, 8, 34, 5, 1, 2, 3],
        &[254, 4, 0xf9, 0x89, 254, 8, 0xf9, 0x89, 1, 2, 3, 4, 254, 6, 0x12, 0x34, 9, 9],
        &[99, 2, 100, 5, 1, 2, 3, 200, 3, 0],
        &[5, 10, 0, 0, 0, 1, 0, 0, 0, 2],
        &[2, 5, 5, 0xb4, 0],
        &[3, 2, 1, 1],
        &[2, 1, 0, 0],
        &[1, 2, 40, 0],
        &[8, 10, 0, 0],
        &[1, 19, 10, 1, 1, 1, 1, 1, 1, 1],
        &[13, 2],
        &[0, 2, 4, 5, 0xb4],
        &[5, 2],
    ];
    for option_bytes in options {
        add(&Segment::new(40005, 50005, 800, 900, ACK).options(option_bytes), client);
    }
    // SACK blocks in the segment that starts a conversation's numbering, in each direction.
    let sack_block = |start: u32, end: u32| [&[1, 1, 5, 10][..], &start.to_be_bytes(), &end.to_be_bytes()].concat();
    add(&Segment::new(40007, 50007, 100, 200, ACK).options(&sack_block(300, 400)), client);
    add(&Segment::new(50008, 40008, 100, 200, ACK).options(&sack_block(300, 400)), server);
    add(&Segment::new(40008, 50008, 200, 101, ACK).options(&sack_block(250, 260)), client);
    // Data offsets that do not fit.
    let mut short = Segment::new(40006, 50006, 1, 1, ACK).bytes(client);
    short[12] = 0x40;
    capture.add(eth4(&ipv4(TCP, &short)));
    let mut long = Segment::new(40006, 50006, 1, 1, ACK).bytes(client);
    long[12] = 0xf0;
    capture.add(eth4(&ipv4(TCP, &long)));
    // IPv6.
    let (client6, server6) = (HOSTS6, HOSTS6.reversed());
    let mut add6 = |segment: &Segment, hosts: Hosts| capture.add(eth6(&segment.packet(hosts)));
    add6(&Segment::new(40010, 50010, 77, 0, SYN).options(&syn_options), client6);
    add6(&Segment::new(50010, 40010, 88, 78, SYN | ACK).options(&syn_options), server6);
    add6(&Segment::new(40010, 50010, 78, 89, ACK | PSH).payload(20), client6);
    add6(&Segment::new(50010, 40010, 89, 98, ACK | FIN), server6);
    // Checksums that are wrong, and resets telling why in text of any bytes (-v prints it).
    for hosts in [client, client6] {
        let mut segment = Segment::new(40011, 50011, 1, 1, ACK).payload(3).bytes(hosts);
        segment[16] ^= 0x80;
        capture.add(eth(ethertype_of(hosts), &hosts.packet(TCP, &segment)));
    }
    let mut reset = Segment::new(40012, 50012, 1, 0, RST);
    for reason in [&b"no\x00such \x7f\xfe listener"[..], b"0123456789abcdefghijklmnopqrstuvwxyz"] {
        reset.payload = reason.to_vec();
        capture.add(eth4(&reset.packet(client)));
    }
    capture
}

fn ethertype_of(hosts: Hosts) -> u16 {
    match hosts {
        Hosts::V4(..) => ETHERTYPE_IPV4,
        Hosts::V6(..) => ETHERTYPE_IPV6,
    }
}

/// UDP lengths: right, too long, too short, zero.
fn udp_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    for hosts in [HOSTS4, HOSTS6] {
        let ether_type = ethertype_of(hosts);
        capture.add(eth(ether_type, &udp(hosts, 100)));
        capture.add(eth(ether_type, &udp(hosts, 0)));
        capture.add(eth(
            ether_type,
            &hosts.reversed().packet(UDP, &udp_datagram(hosts.reversed(), 50000, 40000, &[1; 33])),
        ));
        for claimed_len in [200u16, 4, 0, 30] {
            let mut datagram = udp_datagram(hosts, 40000, 50000, &[0; 40]);
            datagram[4..6].copy_from_slice(&claimed_len.to_be_bytes());
            capture.add(eth(ether_type, &hosts.packet(UDP, &datagram)));
        }
        capture.add(eth(ether_type, &hosts.packet(UDP, &[0x9c, 0x40, 0xc3, 0x50])));
    }
    // No checksum (allowed over IPv4), and text with line ends of both kinds, as -A shows it.
    let mut unchecked = udp_datagram(HOSTS4, 40000, 50000, &[1, 2]);
    unchecked[6..8].fill(0);
    capture.add(eth4(&ipv4(UDP, &unchecked)));
    let text = b"GET / HTTP/1.1\r\nHost: example\r\n\r\nbare\rcr\tand tab\n\x00\x7f\xff\r";
    capture.add(eth4(&ipv4(UDP, &udp_datagram(HOSTS4, 40000, 50000, text))));
    // The first fragment of a datagram longer than the fragment: no complaint.
    let datagram = udp_datagram(HOSTS4, 40000, 50000, &[0; 300]);
    capture.add(eth4(&ipv4_with(IP_A, IP_B, UDP, &datagram[..100], |header| header.more_fragments = true)));
    capture
}

/// A DNS name in labels, without compression: `"www.example.com"`; `"."` is the root.
fn dns_name(name: &str) -> Vec<u8> {
    let mut bytes: Vec<u8> = name
        .split('.')
        .filter(|label| !label.is_empty())
        .flat_map(|label| [&[label.len() as u8][..], label.as_bytes()].concat())
        .collect();
    bytes.push(0);
    bytes
}

/// A pointer to the name at `offset` in the message (12: the first question's).
fn dns_pointer(offset: u16) -> Vec<u8> {
    (0xc000 | offset).to_be_bytes().to_vec()
}

fn dns_question(name: &[u8], record_type: u16, class: u16) -> Vec<u8> {
    [name, &record_type.to_be_bytes(), &class.to_be_bytes()].concat()
}

fn dns_record(owner: &[u8], record_type: u16, class: u16, ttl: u32, data: &[u8]) -> Vec<u8> {
    let fixed = [&record_type.to_be_bytes()[..], &class.to_be_bytes(), &ttl.to_be_bytes()].concat();
    [owner, &fixed, &(data.len() as u16).to_be_bytes(), data].concat()
}

/// An EDNS OPT record: UDP payload size, the upper bits of the response code, the DO bit, options.
fn dns_opt(size: u16, extended_code: u8, dnssec_ok: bool, options: &[u8]) -> Vec<u8> {
    let ttl = u32::from(extended_code) << 24 | if dnssec_ok { 0x8000 } else { 0 };
    dns_record(&[0], 41, size, ttl, options)
}

fn edns_option(code: u16, data: &[u8]) -> Vec<u8> {
    [&code.to_be_bytes()[..], &(data.len() as u16).to_be_bytes(), data].concat()
}

/// A DNS message: ID, flags, then the questions, answers, authority and additional records.
fn dns_message(id: u16, flags: u16, sections: [&[Vec<u8>]; 4]) -> Vec<u8> {
    let mut message = [id.to_be_bytes(), flags.to_be_bytes()].concat();
    for section in sections {
        message.extend_from_slice(&(section.len() as u16).to_be_bytes());
    }
    for section in sections {
        message.extend(section.iter().flatten());
    }
    message
}

const DNS_PORT: u16 = 53;
const CLASS_IN: u16 = 1;
const RECURSION_DESIRED: u16 = 0x0100;
/// A response to a query that asked for recursion, which was available.
const RECURSIVE_ANSWER: u16 = 0x8180;

/// DNS over UDP and TCP port 53: queries and responses of the common types, EDNS, names compressed and
/// broken, flags and codes, and a response cut at every length.
fn dns_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let (client, server) = (HOSTS4, HOSTS4.reversed());
    // Queries go from A's port 40053 to B's port 53, responses back.
    let mut exchange = |hosts: Hosts, message: &[u8]| {
        let is_query = matches!(hosts, Hosts::V4(IP_A, _) | Hosts::V6(IP6_A, _));
        let (source, destination) = if is_query { (40053, DNS_PORT) } else { (DNS_PORT, 40053) };
        capture.add(eth(ethertype_of(hosts), &hosts.packet(UDP, &udp_datagram(hosts, source, destination, message))));
    };
    let example = dns_name("example.com");
    let to_question = dns_pointer(12);
    // A, AAAA behind a CNAME, a name that does not exist, a truncated answer.
    let question = dns_question(&example, 1, CLASS_IN);
    exchange(client, &dns_message(0x1234, RECURSION_DESIRED, [std::slice::from_ref(&question), &[], &[], &[]]));
    let answer = dns_record(&to_question, 1, CLASS_IN, 300, &[93, 184, 216, 34]);
    exchange(
        server,
        &dns_message(
            0x1234,
            RECURSIVE_ANSWER,
            [std::slice::from_ref(&question), std::slice::from_ref(&answer), &[], &[]],
        ),
    );
    let www = dns_question(&dns_name("www.example.com"), 28, CLASS_IN);
    let address6: Vec<u8> = IP6_A.to_vec();
    let chain = [
        dns_record(&to_question, 5, CLASS_IN, 3600, &dns_name("example.com")),
        dns_record(&dns_name("example.com"), 28, CLASS_IN, 90_061, &address6),
    ];
    exchange(HOSTS6, &dns_message(0x1235, RECURSION_DESIRED, [std::slice::from_ref(&www), &[], &[], &[]]));
    exchange(HOSTS6.reversed(), &dns_message(0x1235, RECURSIVE_ANSWER, [&[www], &chain, &[], &[]]));
    let missing = dns_question(&dns_name("nope.example.com"), 1, CLASS_IN);
    let soa_data = [
        dns_name("ns1.example.com"),
        dns_name("hostmaster.example.com"),
        [1u32, 7200, 3600, 1_209_600, 300].iter().flat_map(|field| field.to_be_bytes()).collect(),
    ]
    .concat();
    let soa = dns_record(&dns_pointer(29), 6, CLASS_IN, 0, &soa_data);
    exchange(server, &dns_message(0x1236, RECURSIVE_ANSWER | 3, [&[missing], &[], std::slice::from_ref(&soa), &[]]));
    exchange(server, &dns_message(0x1237, RECURSIVE_ANSWER | 0x0200, [std::slice::from_ref(&question), &[], &[], &[]]));
    // EDNS: options in a query, an authoritative answer of several types with authority and additional records.
    let options = [
        edns_option(10, b"12345678"),
        edns_option(8, &[0, 1, 24, 0, 192, 0, 2]),
        edns_option(12, &[0; 3]),
        edns_option(14, &[1, 2, 3, 4]),
        edns_option(5, &[8, 13, 99]),
        edns_option(6, &[2]),
        edns_option(11, &[0, 250]),
        edns_option(3, &[]),
        edns_option(99, b"ab"),
    ]
    .concat();
    let mail = dns_question(&dns_name("example.org"), 15, CLASS_IN);
    exchange(
        client,
        &dns_message(
            0x1238,
            RECURSION_DESIRED | 0x0020,
            [std::slice::from_ref(&mail), &[], &[], &[dns_opt(1232, 0, true, &options)]],
        ),
    );
    let records = [
        dns_record(&to_question, 15, CLASS_IN, 60, &[&[0, 10][..], &dns_name("mail.example.org")].concat()),
        dns_record(&to_question, 16, CLASS_IN, 1, b"\x05hello\x07w\x00r\x01d\xff!"),
        dns_record(&to_question, 12, CLASS_IN, 0, &dns_name("ptr.example")),
        dns_record(
            &to_question,
            33,
            CLASS_IN,
            604_800,
            &[&[0, 1, 0, 2, 0x13, 0xc4][..], &dns_name("sip.example.org")].concat(),
        ),
        dns_record(&to_question, 6, CLASS_IN, 31_536_000, &soa_data),
        dns_record(
            &to_question,
            38,
            CLASS_IN,
            5,
            &[&[64][..], &[0, 0, 0, 0, 0, 0, 0, 1], &dns_name("prefix.example")].concat(),
        ),
        dns_record(&to_question, 38, CLASS_IN, 5, &[129]),
        dns_record(&to_question, 13, CLASS_IN, 5, b"\x03cpu\x02os"),
        dns_record(&to_question, 104, CLASS_IN, 5, b"raw\x01"),
        dns_record(&to_question, 39, CLASS_IN, 5, &dns_name("d.example")),
        dns_record(&to_question, 65_280, 3, 5, &[1, 2]),
    ];
    let authority = [dns_record(&to_question, 2, CLASS_IN, 3600, &dns_name("ns.example.org"))];
    let additional =
        [dns_opt(4096, 0, false, &[]), dns_record(&dns_name("ns.example.org"), 1, CLASS_IN, 60, &[10, 0, 0, 53])];
    exchange(server, &dns_message(0x1238, RECURSIVE_ANSWER | 0x0400, [&[mail], &records, &authority, &additional]));
    // Classes, several questions, names of odd bytes, compression pointers that point forward or at themselves,
    // a label type tcpdump does not take.
    let odd = [&[5][..], b"a.b c", &[3, 1, 0xfe, b'\\'], &[3], b"\"q\"", &[0]].concat();
    let questions =
        [dns_question(&dns_name("version.bind"), 16, 3), dns_question(&odd, 255, 255), dns_question(&[0], 2, 4)];
    exchange(client, &dns_message(2, 0, [&questions, &[], &[], &[]]));
    for name in [dns_pointer(12), [&[1, b'a'][..], &dns_pointer(0x3fff)].concat(), vec![0x41, 0]] {
        exchange(client, &dns_message(3, RECURSION_DESIRED, [&[dns_question(&name, 1, CLASS_IN)], &[], &[], &[]]));
    }
    // Opcodes and response codes, extended codes in an OPT record, and bits a query should not have.
    let x = dns_question(&dns_name("x.example"), 1, CLASS_IN);
    for opcode in [1u16, 2, 3, 4, 5, 15] {
        let answers = if opcode == 1 { vec![answer.clone()] } else { Vec::new() };
        exchange(
            client,
            &dns_message(10 + opcode, opcode << 11 | RECURSION_DESIRED, [std::slice::from_ref(&x), &answers, &[], &[]]),
        );
    }
    for code in [1u16, 2, 4, 5, 6, 7, 8, 9, 10, 11, 15] {
        exchange(server, &dns_message(30 + code, 0x8000 | 0x0400 | code, [std::slice::from_ref(&x), &[], &[], &[]]));
    }
    for (extended, code) in [(1u8, 0u16), (1, 1), (1, 7), (3, 2)] {
        let opt = dns_opt(512, extended, false, &[]);
        exchange(server, &dns_message(50, RECURSIVE_ANSWER | code, [std::slice::from_ref(&x), &[], &[], &[opt]]));
    }
    exchange(client, &dns_message(60, 0x06df, [&[], std::slice::from_ref(&answer), &[soa], &[]]));
    // Checking disabled, which tcpdump expects in a query; other bits, which it prints all flags for; questions
    // missing; a message shorter than its header.
    exchange(client, &dns_message(61, RECURSION_DESIRED | 0x0010, [std::slice::from_ref(&x), &[], &[], &[]]));
    exchange(client, &dns_message(62, 0x7a31, [std::slice::from_ref(&x), &[], &[], &[]]));
    let mut missing_questions = dns_message(63, RECURSION_DESIRED, [std::slice::from_ref(&x), &[], &[], &[]]);
    missing_questions[5] = 3;
    exchange(client, &missing_questions);
    exchange(client, &[0x12, 0x34, 1, 0]);
    // A response cut at every length, so that each field is the last one captured once.
    let two_answers = [answer.clone(), dns_record(&to_question, 1, CLASS_IN, 300, &[10, 0, 0, 99])];
    let response = dns_message(0x1239, RECURSIVE_ANSWER, [std::slice::from_ref(&question), &two_answers, &[], &[]]);
    let frame = eth4(&server.packet(UDP, &udp_datagram(server, DNS_PORT, 40053, &response)));
    add_every_cut(&mut capture, &frame, &IPV4_IN_ETHERNET);
    // Over TCP, where a length comes first: right, wrong, too short.
    let query = dns_message(0x123a, RECURSION_DESIRED, [&[question], &[], &[], &[]]);
    let prefixed = |message: &[u8], len: usize| [&(len as u16).to_be_bytes()[..], message].concat();
    for (hosts, source, destination, data) in [
        (client, 40053, DNS_PORT, prefixed(&query, query.len())),
        (server, DNS_PORT, 40053, prefixed(&response, response.len())),
        (server, DNS_PORT, 40053, prefixed(&response, 100)),
        (server, DNS_PORT, 40053, vec![0]),
    ] {
        let mut segment = Segment::new(source, destination, 1, 1, PSH | ACK);
        segment.payload = data;
        capture.add(eth(ethertype_of(hosts), &segment.packet(hosts)));
    }
    // A datagram shorter than its length field says, and DNS between two servers.
    let mut short = udp_datagram(client, 40053, DNS_PORT, &query);
    short[4..6].copy_from_slice(&200u16.to_be_bytes());
    capture.add(eth4(&client.packet(UDP, &short)));
    capture.add(eth4(&client.packet(UDP, &udp_datagram(client, DNS_PORT, DNS_PORT, &query))));
    capture
}

/// Copies of packets cut at every length, so that each field of each header is the last one captured once.
fn add_every_cut(capture: &mut Capture, frame: &[u8], skip: &[usize]) {
    for captured in 1..frame.len() {
        if !skip.contains(&captured) {
            capture.add_cut(frame, captured);
        }
    }
}

/// Where an IPv4 packet starts in an untagged Ethernet frame: tcpdump must see at least its first byte.
const IPV4_IN_ETHERNET: [usize; 1] = [14];

fn truncated_ipv4_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let options = [2, 4, 0x05, 0xb4, 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 5, 10, 0, 0, 0, 3, 0, 0, 0, 4];
    let syn = Segment::new(40000, 50000, 10, 20, SYN | ACK).options(&options).payload(4).packet(HOSTS4);
    add_every_cut(&mut capture, &eth4(&syn), &IPV4_IN_ETHERNET);
    add_every_cut(&mut capture, &eth4(&udp(HOSTS4, 4)), &IPV4_IN_ETHERNET);
    add_every_cut(&mut capture, &eth4(&ipv4(ICMP, &icmp(8, 0, echo(1, 2), &[0; 4]))), &IPV4_IN_ETHERNET);
    let quoted = udp(Hosts::V4(IP_B, IP_C), 0);
    add_every_cut(&mut capture, &eth4(&ipv4(ICMP, &icmp(3, 3, [0; 4], &quoted))), &IPV4_IN_ETHERNET);
    add_every_cut(&mut capture, &eth4(&ipv4(ICMP, &icmp(5, 1, IP_C, &quoted))), &IPV4_IN_ETHERNET);
    add_every_cut(
        &mut capture,
        &eth4(&ipv4(ICMP, &icmp(9, 0, [1, 2, 0, 60], &[10, 0, 0, 9, 0, 0, 0, 1]))),
        &IPV4_IN_ETHERNET,
    );
    let with_options = ipv4_with(IP_A, IP_B, UDP, &udp_datagram(HOSTS4, 1, 2, &[]), |header| {
        header.options = [1, 1, 1, 0].into();
    });
    add_every_cut(&mut capture, &eth4(&with_options), &IPV4_IN_ETHERNET);
    let arp_request = padded(ethernet(BROADCAST, MAC_A, ETHERTYPE_ARP, &arp(1, (MAC_A, IP_A), ([0; 6], IP_B))));
    add_every_cut(&mut capture, &arp_request, &[]);
    let mut tagged = [&MAC_B[..], &MAC_A, &[0x88, 0xa8, 0, 1, 0x81, 0, 0, 2, 0x08, 0x00]].concat();
    tagged.extend_from_slice(&udp(HOSTS4, 0));
    add_every_cut(&mut capture, &tagged, &[22]);
    add_every_cut(&mut capture, &eth(0x88b5, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]), &[]);
    capture
}

fn truncated_ipv6_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let syn = Segment::new(40000, 50000, 10, 0, SYN).options(&[2, 4, 0x05, 0xa0, 4, 2, 1, 0]).packet(HOSTS6);
    add_every_cut(&mut capture, &eth6(&syn), &[]);
    let ns = icmp6(LINK_LOCAL, SOLICITED_NODE, 135, 0, [0; 4], &[&IP6_B[..], &[1, 1], &MAC_A].concat());
    add_every_cut(&mut capture, &eth6(&ipv6_packet(LINK_LOCAL, SOLICITED_NODE, ICMPV6, &ns)), &[]);
    let quoted = ipv6_packet(IP6_A, IP6_B, UDP, &udp_datagram(HOSTS6, 40000, 50000, &[]));
    let unreachable = icmp6(IP6_B, IP6_A, 1, 4, [0; 4], &quoted);
    add_every_cut(&mut capture, &eth6(&ipv6_packet(IP6_B, IP6_A, ICMPV6, &unreachable)), &[]);
    let chain = [
        extension_header(60, &[5, 2, 0, 0, 1, 0]),
        extension_header(43, &[1, 4, 0, 0, 0, 0]),
        [&[44, 2, 0, 1, 0, 0, 0, 0][..], &IP6_A].concat(),
        fragment_header(UDP, 0, true),
        udp_datagram(HOSTS6, 40000, 50000, &[0; 4]),
    ]
    .concat();
    add_every_cut(&mut capture, &eth6(&ipv6(0, &chain)), &[]);
    let segment_routing = [&[ICMPV6, 2, 4, 0, 0, 0, 0, 0][..], &IP6_B].concat();
    let ping = icmp6(IP6_A, IP6_B, 128, 0, echo(1, 1), &[]);
    add_every_cut(&mut capture, &eth6(&ipv6(43, &[segment_routing, ping].concat())), &[]);
    capture
}

/// Raw IP (LINKTYPE_RAW): IPv4 and IPv6 without a link-layer header.
fn raw_ip_capture() -> Capture {
    let mut capture = Capture::new(DataLink::RAW);
    capture.add(Segment::new(40000, 50000, 1, 0, SYN).options(&[2, 4, 0x05, 0xb4]).packet(HOSTS4));
    capture.add(Segment::new(50000, 40000, 1, 2, SYN | ACK).options(&[2, 4, 0x05, 0xb4]).packet(HOSTS4.reversed()));
    capture.add(udp(HOSTS4, 10));
    capture.add(udp(HOSTS6, 10));
    capture.add(ipv4(ICMP, &icmp(8, 0, echo(1, 1), &ping_payload())));
    capture.add(ipv6(ICMPV6, &icmp6(IP6_A, IP6_B, 128, 0, echo(1, 1), &ping_payload())));
    capture.add(vec![0x50, 0, 0, 20]);
    capture.add(vec![0x00]);
    let syn = Segment::new(40000, 50000, 1, 0, SYN).options(&[2, 4, 0x05, 0xb4]).packet(HOSTS6);
    add_every_cut(&mut capture, &syn, &[]);
    add_every_cut(&mut capture, &udp(HOSTS4, 2), &[]);
    capture
}

/// Linux cooked captures, version 1: a 16-byte header with the packet type and the sender's address.
fn linux_sll_capture() -> Capture {
    let mut capture = Capture::new(DataLink::LINUX_SLL);
    let header = |packet_type: u16, protocol: u16| {
        [&packet_type.to_be_bytes()[..], &[0, 1, 0, 6], &MAC_A, &[0, 0], &protocol.to_be_bytes()].concat()
    };
    capture.add([header(0, ETHERTYPE_IPV4), udp(HOSTS4, 5)].concat());
    capture.add([header(4, ETHERTYPE_IPV6), udp(HOSTS6, 5)].concat());
    capture.add([header(1, ETHERTYPE_ARP), arp(1, (MAC_A, IP_A), ([0; 6], IP_B))].concat());
    for packet_type in [2, 3, 4, 9] {
        capture.add([header(packet_type, 0x88b5), vec![1, 2, 3]].concat());
    }
    capture.add([header(0, 0x0003), vec![1, 2, 3]].concat());
    capture.add([header(0, 0x8100), vec![0, 7, 0x08, 0x00], ipv4(ICMP, &icmp(8, 0, echo(1, 1), &[]))].concat());
    capture.add([header(0, 0x8100), vec![0, 7, 0x88, 0xb5, 4, 5]].concat());
    add_every_cut(&mut capture, &[header(0, ETHERTYPE_IPV6), udp(HOSTS6, 0)].concat(), &[]);
    capture
}

/// Linux cooked captures, version 2: also the interface index, which tcpdump names through this machine's
/// interfaces (1 is always the loopback `lo`; the other index exists nowhere).
fn linux_sll2_capture() -> Capture {
    let mut capture = Capture::new(DataLink::LINUX_SLL2);
    let header = |protocol: u16, index: u32, packet_type: u8| {
        [&protocol.to_be_bytes()[..], &[0, 0], &index.to_be_bytes(), &[0, 1, packet_type, 6], &MAC_A, &[0, 0]].concat()
    };
    capture.add([header(ETHERTYPE_IPV4, 1, 0), udp(HOSTS4, 5)].concat());
    capture.add([header(ETHERTYPE_IPV4, 1, 4), ipv4(ICMP, &icmp(0, 0, echo(3, 3), &[]))].concat());
    capture.add([header(ETHERTYPE_IPV6, 3_999_999_999, 1), udp(HOSTS6, 5)].concat());
    capture.add([header(ETHERTYPE_ARP, 1, 2), arp(2, (MAC_B, IP_B), (MAC_A, IP_A))].concat());
    capture.add([header(0x88b5, 1, 3), vec![1, 2, 3]].concat());
    capture.add([header(0x0010, 1, 0), vec![0x42, 0x42, 0x03]].concat());
    capture.add([header(0x8100, 1, 0), vec![0, 9, 0x86, 0xdd], udp(HOSTS6, 1)].concat());
    add_every_cut(&mut capture, &[header(ETHERTYPE_IPV4, 1, 4), udp(HOSTS4, 0)].concat(), &[20]);
    capture
}

/// BSD loopback: a 4-byte address family, for NULL in the capturing host's byte order, for LOOP in network order
/// (tcpdump takes either byte order for both).
fn null_capture(link_type: DataLink) -> Capture {
    let mut capture = Capture::new(link_type);
    capture.add([&2u32.to_le_bytes()[..], &udp(HOSTS4, 5)].concat());
    capture.add([&2u32.to_be_bytes()[..], &udp(HOSTS4, 6)].concat());
    for family in [24u32, 28, 30] {
        capture.add([&family.to_le_bytes()[..], &udp(HOSTS6, 7)].concat());
    }
    capture.add([&99u32.to_le_bytes()[..], &[1, 2, 3, 4]].concat());
    capture.add(vec![2, 0]);
    capture
}

/// The link types that say which IP version they carry: tcpdump goes by the version in the packet all the same.
fn ip_version_capture(link_type: DataLink) -> Capture {
    let mut capture = Capture::new(link_type);
    capture.add(udp(HOSTS4, 3));
    capture.add(udp(HOSTS6, 3));
    capture.add(ipv6(ICMPV6, &icmp6(IP6_A, IP6_B, 129, 0, echo(9, 9), &[])));
    capture
}

/// A link type ptstat (and tcpdump) has no printer for: the packet in hex.
fn unsupported_link_capture() -> Capture {
    let mut capture = Capture::new(DataLink::Unknown(147));
    capture.add(b"user-defined link layer".to_vec());
    capture
}
