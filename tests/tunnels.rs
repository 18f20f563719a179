//! Tunnels on the real kernel: ptstat and tcpdump capture the same veth pair while packets cross it inside VXLAN
//! (a tunnel between this namespace and one made for the test, carrying ping and a TCP connection) and inside GRE
//! (sent from a raw socket: the kernels the tests run on need not have the GRE driver). Each packet must print as
//! tcpdump prints it, the packet inside included, and a packet whose socket is local must name its process.
//! Needs root; under CI=true a skip is a failure.

mod common;

use std::{
    io::{BufRead, BufReader, Write},
    net::{Ipv4Addr, TcpStream},
    os::fd::{AsRawFd, FromRawFd, OwnedFd},
    process::{Child, Command, Stdio},
    sync::mpsc,
    thread,
    time::Duration,
};

use common::*;

/// tcpdump capturing on `interface` with `-n`, its lines collected until it is stopped (killed on drop, should
/// the test fail first).
struct Tcpdump {
    child: Child,
    output: Option<thread::JoinHandle<String>>,
}

impl Tcpdump {
    fn start(interface: &str) -> Tcpdump {
        let mut child = Command::new("tcpdump")
            .args(["-n", "-l", "-i", interface])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start tcpdump");
        let stdout = child.stdout.take().expect("piped stdout");
        let output = thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
        // It is ready once it says it is listening.
        let (ready, listening) = mpsc::channel();
        let stderr = child.stderr.take().expect("piped stderr");
        thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("listening on") {
                    let _ = ready.send(());
                }
            }
        });
        listening.recv_timeout(Duration::from_secs(10)).expect("tcpdump listens");
        Tcpdump { child, output: Some(output) }
    }

    /// Stops tcpdump and returns what it printed.
    fn stop(mut self) -> String {
        // SAFETY: kill(2) on our own child, not yet waited for.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        self.child.wait().expect("tcpdump exits");
        self.output.take().map(|output| output.join().expect("tcpdump's output")).unwrap_or_default()
    }
}

impl Drop for Tcpdump {
    fn drop(&mut self) {
        // Nothing to do once `stop` has waited for it.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The packets of `lines` (a packet's first line starts with its time, the lines of the packet inside follow),
/// each as its lines joined by newlines, with the columns before the protocol text cut by `strip`.
fn packets(lines: &str, strip: impl Fn(&str) -> String) -> Vec<String> {
    let mut packets: Vec<String> = Vec::new();
    // A blank line belongs to no packet (tcpdump, killed, may leave one between two).
    for line in lines.lines().filter(|line| !line.is_empty()) {
        let starts_packet = line.as_bytes().get(2) == Some(&b':') && line.as_bytes().get(8) == Some(&b'.');
        match packets.last_mut() {
            Some(packet) if !starts_packet => {
                packet.push('\n');
                packet.push_str(line);
            }
            _ => packets.push(strip(line)),
        }
    }
    packets
}

/// tcpdump's first line without its time.
fn without_time(line: &str) -> String {
    line.split_once(' ').map_or(line, |(_, rest)| rest).to_string()
}

/// ptstat's first line without its time, interface, process and direction columns.
fn without_columns(line: &str) -> String {
    let columns = [" In  ", " Out "];
    let start = columns.iter().filter_map(|column| line.find(column).map(|at| at + column.len())).min();
    line[start.unwrap_or(0)..].to_string()
}

/// The packets both programs printed that mention `needle`: tcpdump's, and ptstat's with the columns tcpdump
/// prints for one interface. Also ptstat's whole first lines, for the processes they name.
fn compared(tcpdump: &str, ptstat: &str, needle: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
    let select = |packets: Vec<String>| {
        let mut selected: Vec<String> = packets.into_iter().filter(|packet| packet.contains(needle)).collect();
        // The two see a packet at different hooks: the order of packets close in time may differ.
        selected.sort();
        selected
    };
    let full = packets(ptstat, |line| line.to_string()).into_iter().filter(|packet| packet.contains(needle)).collect();
    (select(packets(tcpdump, without_time)), select(packets(ptstat, without_columns)), full)
}

#[test]
fn vxlan_tunnel_packets_print_as_tcpdump_prints_them() {
    if !root_or_skip("vxlan_tunnel_packets_print_as_tcpdump_prints_them") || !tool_available("tcpdump") {
        return;
    }
    let net = VethNamespace::new("vxl", 141);
    net.warm_up();
    // The tunnel: VNI 42 over the veth pair, from source ports tcpdump has no printer for, with 10.78.141.1 here
    // and 10.78.141.2 in the namespace.
    let (tunnel, here, there) = ("ptvxl", "10.78.141.1", "10.78.141.2");
    let _cleanup = LinkCleanup::new(tunnel);
    let add = |local: &str, remote: &str, device: &str| {
        format!(
            "ip link add {tunnel} type vxlan id 42 dstport 4789 srcport 40000 40001 local {local} remote {remote} \
             dev {device}"
        )
    };
    run("sh", &["-c", &add(&net.host_ip, &net.peer_ip, &net.host_if)]);
    run("ip", &["addr", "add", &format!("{here}/24"), "dev", tunnel]);
    run("ip", &["link", "set", tunnel, "up"]);
    net.exec_ok(&["sh", "-c", &add(&net.peer_ip, &net.host_ip, &net.peer_if)]);
    net.exec_ok(&["ip", "addr", "add", &format!("{there}/24"), "dev", tunnel]);
    net.exec_ok(&["ip", "link", "set", tunnel, "up"]);
    run("ping", &["-c", "1", "-W", "2", there]);
    let mut server = Killed(net.command(&["nc", "-l", "-p", "7001"]).stdout(Stdio::null()).spawn().expect("start nc"));
    wait_for_listener(&net, 7001);

    let tcpdump = Tcpdump::start(&net.host_if);
    let ptstat = Running::start(&["-i", &net.host_if, "-n", "--context=process"]);
    let ping = Command::new("ping").args(["-c", "2", "-i", "0.2", there]).output().expect("ping");
    assert!(ping.status.success(), "{}", String::from_utf8_lossy(&ping.stdout));
    // The kernel's own packets go through the tunnel too, from the outer source port ping's went from (the tunnel
    // has one): forgetting the neighbour makes the next ping's first packet an ARP request, which has no socket.
    run("ip", &["neigh", "flush", "dev", tunnel]);
    let ping = Command::new("ping").args(["-c", "1", there]).output().expect("ping");
    assert!(ping.status.success(), "{}", String::from_utf8_lossy(&ping.stdout));
    let mut client = TcpStream::connect((there, 7001)).expect("connect through the tunnel");
    client.write_all(b"through the tunnel").unwrap();
    drop(client);
    server.0.wait().unwrap();
    thread::sleep(Duration::from_millis(300));
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let (expected, actual, full) = compared(&tcpdump.stop(), &finished.stdout_text(), "10.78.141.");

    let echo = format!("VXLAN, flags [I] (0x08), vni 42\nIP {here} > {there}: ICMP echo request");
    assert_eq!(expected.iter().filter(|packet| packet.contains(&echo)).count(), 3, "{expected:#?}");
    assert!(expected.iter().any(|packet| packet.contains(": Flags [P.], seq 1:19, ack 1")), "{expected:#?}");
    assert_eq!(actual, expected);
    // The socket of the tunnel's inner packets is local: the packets name its process.
    assert!(full.iter().filter(|packet| packet.contains(&echo)).all(|packet| packet.contains(" ping.")), "{full:#?}");
    // Packets with no local socket name no process, not the last one that used the tunnel.
    let arp = format!("ARP, Request who-has {there} tell {here}");
    let arp_requests: Vec<_> = full.iter().filter(|packet| packet.contains(&arp)).collect();
    assert!(!arp_requests.is_empty(), "{full:#?}");
    assert!(arp_requests.iter().all(|packet| !packet.contains(" ping.")), "{arp_requests:#?}");
    let syn = format!("> {there}.7001: Flags [S]");
    let own = format!(".{} Out ", std::process::id());
    assert!(full.iter().filter(|packet| packet.contains(&syn)).all(|packet| packet.contains(&own)), "{full:#?}");
}

/// A raw IPv4 socket for GRE; the kernel writes the outer IP header.
fn gre_socket() -> OwnedFd {
    // SAFETY: socket(2) with constant arguments; the descriptor is checked and then owned.
    let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_RAW, libc::IPPROTO_GRE) };
    assert!(fd >= 0, "raw GRE socket: {}", std::io::Error::last_os_error());
    // SAFETY: `fd` is a new descriptor nobody else owns.
    unsafe { OwnedFd::from_raw_fd(fd) }
}

fn send_to(socket: &OwnedFd, packet: &[u8], destination: Ipv4Addr) {
    let address = libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: 0,
        sin_addr: libc::in_addr { s_addr: u32::from(destination).to_be() },
        sin_zero: [0; 8],
    };
    // SAFETY: `packet` and `address` are valid for the lengths given.
    let sent = unsafe {
        libc::sendto(
            socket.as_raw_fd(),
            packet.as_ptr().cast(),
            packet.len(),
            0,
            (&raw const address).cast(),
            size_of::<libc::sockaddr_in>() as libc::socklen_t,
        )
    };
    assert_eq!(sent, packet.len() as isize, "sendto: {}", std::io::Error::last_os_error());
}

/// The Internet checksum of `bytes`.
fn checksum(bytes: &[u8]) -> u16 {
    let mut sum: u32 =
        bytes.chunks(2).map(|pair| u32::from(pair[0]) << 8 | u32::from(*pair.get(1).unwrap_or(&0))).sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// An IPv4 packet from `source` to `destination` of `protocol`, its header checksum filled in.
fn ipv4(source: [u8; 4], destination: [u8; 4], protocol: u8, payload: &[u8]) -> Vec<u8> {
    let total = (20 + payload.len()) as u16;
    let mut header =
        [&[0x45, 0][..], &total.to_be_bytes(), &[0, 1, 0x40, 0, 64, protocol, 0, 0], &source, &destination].concat();
    let sum = checksum(&header);
    header[10..12].copy_from_slice(&sum.to_be_bytes());
    [header, payload.to_vec()].concat()
}

#[test]
fn gre_packets_print_as_tcpdump_prints_them() {
    if !root_or_skip("gre_packets_print_as_tcpdump_prints_them") || !tool_available("tcpdump") {
        return;
    }
    let net = VethNamespace::new("gre", 142);
    net.warm_up();
    let peer: Ipv4Addr = net.peer_ip.parse().unwrap();
    let (inner_source, inner_destination) = ([10, 78, 142, 1], [10, 78, 142, 2]);
    let mut echo = [&[8, 0, 0, 0, 0x12, 0x34, 0, 1][..], b"through GRE"].concat();
    let sum = checksum(&echo);
    echo[2..4].copy_from_slice(&sum.to_be_bytes());
    let ping = ipv4(inner_source, inner_destination, 1, &echo);
    // A TCP SYN to port 7002 (its checksum is not checked without -v).
    let syn = ipv4(
        inner_source,
        inner_destination,
        6,
        &[0x9c, 0x41, 0x1b, 0x5a, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xfa, 0xf0, 0, 0, 0, 0],
    );
    let tcpdump = Tcpdump::start(&net.host_if);
    let ptstat = Running::start(&["-i", &net.host_if, "-n", "--context=process"]);
    let socket = gre_socket();
    // Without flags, with a key, with checksum, key and sequence number, and bridging an Ethernet frame.
    let frame = [&[0x0a, 0x58, 0, 0, 0, 2, 0x0a, 0x58, 0, 0, 0, 1, 0x08, 0x00][..], &ping].concat();
    let packets = [
        [&[0x00, 0x00, 0x08, 0x00][..], &ping].concat(),
        [&[0x20, 0x00, 0x08, 0x00, 0, 0, 0, 7][..], &syn].concat(),
        [&[0xb0, 0x00, 0x08, 0x00, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 1][..], &ping].concat(),
        [&[0x00, 0x00, 0x65, 0x58][..], &frame].concat(),
    ];
    for packet in &packets {
        send_to(&socket, packet, peer);
    }
    thread::sleep(Duration::from_millis(300));
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let (expected, actual, full) = compared(&tcpdump.stop(), &finished.stdout_text(), "GREv0");

    assert_eq!(expected.len(), packets.len(), "{expected:#?}");
    assert!(
        expected.iter().any(|packet| packet.contains("GREv0, key=0x7, length 48: IP 10.78.142.1.40001 > ")),
        "{expected:#?}"
    );
    assert_eq!(actual, expected);
    // The raw socket is this test's.
    let own = format!(".{} Out ", std::process::id());
    assert!(full.iter().all(|packet| packet.contains(&own)), "{full:#?}");
}
