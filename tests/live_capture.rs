//! Live capture on the real kernel: ptstat runs as a child process on veth pairs into private network namespaces
//! (and on lo), real traffic is made with ping, TCP and UDP, and what ptstat prints and writes is checked, with
//! tcpdump and tshark as oracles for the files. Needs root; under CI=true a skip is a failure.

mod common;

use std::{
    io::Write,
    net::{TcpStream, UdpSocket},
    os::fd::AsRawFd,
    process::{Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use common::*;

/// Nothing of ptstat on the interface: no TCX program, no clsact filter, nothing `bpftool net` reports.
fn assert_nothing_attached(interface: &str) {
    assert_eq!(tcx_programs(interface), Vec::<String>::new(), "TCX programs left on {interface}");
    let bpftool = run("bpftool", &["net", "show", "dev", interface]);
    assert!(!bpftool.contains("capture_"), "bpftool net shows ptstat on {interface}:\n{bpftool}");
    let qdiscs = run("tc", &["qdisc", "show", "dev", interface]);
    assert!(!qdiscs.contains("clsact"), "clsact qdisc left on {interface}:\n{qdiscs}");
}

fn lines_containing<'a>(text: &'a str, needle: &str) -> Vec<&'a str> {
    text.lines().filter(|line| line.contains(needle)).collect()
}

#[test]
fn ping_lines_show_interface_direction_and_icmp() {
    if !root_or_skip("ping_lines_show_interface_direction_and_icmp") {
        return;
    }
    let net = VethNamespace::new("ping", 1);
    net.warm_up();
    let ptstat = Running::start(&["-i", &net.host_if, "-n", "--context="]);
    run("ping", &["-c", "2", "-i", "0.2", &net.peer_ip]);
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let out = finished.stdout_text();
    let requests = lines_containing(&out, "ICMP echo request");
    let replies = lines_containing(&out, "ICMP echo reply");
    assert_eq!((requests.len(), replies.len()), (2, 2), "{out}");
    let prefix_out = format!(" {} Out IP {} > {}: ICMP echo request, id ", net.host_if, net.host_ip, net.peer_ip);
    let prefix_in = format!(" {} In  IP {} > {}: ICMP echo reply, id ", net.host_if, net.peer_ip, net.host_ip);
    assert!(requests.iter().all(|line| line.contains(&prefix_out) && line.ends_with("length 64")), "{out}");
    assert!(replies.iter().all(|line| line.contains(&prefix_in)), "{out}");
    assert!(requests[1].contains(", seq 2, "), "{out}");
    // Local wall-clock time, like tcpdump: HH:MM:SS.micro.
    let time = requests[0].split(' ').next().unwrap();
    assert!(time.len() == 15 && time.as_bytes()[2] == b':' && time.as_bytes()[8] == b'.', "{time}");
    assert_eq!(finished.captured(), out.lines().count() as u64, "{}", finished.stderr);
    assert_eq!(closing_count(&finished.stderr, "packets dropped by kernel"), 0);
    assert_nothing_attached(&net.host_if);
}

#[test]
fn tcp_and_udp_lines_show_ports_flags_and_lengths() {
    if !root_or_skip("tcp_and_udp_lines_show_ports_flags_and_lengths") {
        return;
    }
    let net = VethNamespace::new("tcp", 2);
    net.warm_up();
    let mut server = tcp_sink_in(&net, 5001);
    wait_for_listener(&net, 5001);
    let ptstat = Running::start(&["-i", &net.host_if, "-n", "--context="]);
    let mut client = TcpStream::connect((net.peer_ip.as_str(), 5001)).expect("connect");
    let client_port = client.local_addr().unwrap().port();
    client.write_all(b"hello").unwrap();
    drop(client);
    server.wait().unwrap();
    // Nobody listens on UDP 5002: the datagram comes back as ICMP port unreachable.
    let udp = UdpSocket::bind((net.host_ip.as_str(), 0)).unwrap();
    let udp_port = udp.local_addr().unwrap().port();
    udp.send_to(b"datagram", (net.peer_ip.as_str(), 5002)).unwrap();
    thread::sleep(Duration::from_millis(300));
    let finished = ptstat.stop();
    let out = finished.stdout_text();

    let forward = format!("IP {}.{client_port} > {}.5001: ", net.host_ip, net.peer_ip);
    let backward = format!("IP {}.5001 > {}.{client_port}: ", net.peer_ip, net.host_ip);
    let syn = lines_containing(&out, &format!("{} Out {forward}Flags [S], seq ", net.host_if));
    assert_eq!(syn.len(), 1, "{out}");
    assert!(syn[0].contains("options [mss 1460,sackOK,TS val "), "{out}");
    let syn_ack = lines_containing(&out, &format!("{} In  {backward}Flags [S.], seq ", net.host_if));
    assert_eq!(syn_ack.len(), 1, "{out}");
    // Relative sequence numbers after the handshake, like tcpdump.
    let data = lines_containing(&out, &format!("{forward}Flags [P.], seq 1:6, ack 1, win "));
    assert_eq!(data.len(), 1, "{out}");
    assert!(data[0].ends_with("length 5"), "{out}");
    assert_eq!(lines_containing(&out, &format!("{forward}Flags [F.], seq 6, ack 1,")).len(), 1, "{out}");
    assert!(!lines_containing(&out, &format!("{backward}Flags [F.]")).is_empty(), "{out}");

    let datagram = format!("{} Out IP {}.{udp_port} > {}.5002: UDP, length 8", net.host_if, net.host_ip, net.peer_ip);
    assert_eq!(lines_containing(&out, &datagram).len(), 1, "{out}");
    let unreachable =
        format!("In  IP {} > {}: ICMP {} udp port 5002 unreachable, length 44", net.peer_ip, net.host_ip, net.peer_ip);
    assert_eq!(lines_containing(&out, &unreachable).len(), 1, "{out}");
}

#[test]
fn ipv6_and_loopback() {
    if !root_or_skip("ipv6_and_loopback") {
        return;
    }
    let net = VethNamespace::new("six", 3);
    run("ping", &["-c", "1", "-W", "2", &net.peer_ip6]);
    let ptstat = Running::start(&["-i", &net.host_if, "-i", "lo", "-n", "--context="]);
    run("ping", &["-c", "1", &net.peer_ip6]);
    run("ping", &["-c", "1", "127.0.0.1"]);
    let finished = ptstat.stop();
    let out = finished.stdout_text();
    let echo6 = format!("{} Out IP6 {} > {}: ICMP6, echo request, id ", net.host_if, net.host_ip6, net.peer_ip6);
    assert_eq!(lines_containing(&out, &echo6).len(), 1, "{out}");
    // Loopback packets are seen once (as in tcpdump), on egress, where their sender is known.
    assert_eq!(lines_containing(&out, "lo    Out IP 127.0.0.1 > 127.0.0.1: ICMP echo request").len(), 1, "{out}");
    assert_eq!(lines_containing(&out, "lo    Out IP 127.0.0.1 > 127.0.0.1: ICMP echo reply").len(), 1, "{out}");
    assert!(lines_containing(&out, "lo    In").is_empty(), "{out}");
}

#[test]
fn count_stops_after_exactly_that_many_packets() {
    if !root_or_skip("count_stops_after_exactly_that_many_packets") {
        return;
    }
    let net = VethNamespace::new("cnt", 4);
    net.warm_up();
    let ptstat = Running::start(&["-i", &net.host_if, "-c", "3"]);
    let pinger = Command::new("ping").args(["-c", "20", "-i", "0.05", &net.peer_ip]).stdout(Stdio::null()).spawn();
    let finished = ptstat.wait(Duration::from_secs(20));
    let _ = pinger.map(|mut ping| ping.wait());
    assert!(finished.status.success(), "{}", finished.stderr);
    assert_eq!(finished.stdout_text().lines().count(), 3);
    assert_eq!(finished.captured(), 3);
    assert_nothing_attached(&net.host_if);
}

#[test]
fn timeout_ends_a_capture_with_everything_captured() {
    if !root_or_skip("timeout_ends_a_capture_with_everything_captured") {
        return;
    }
    let net = VethNamespace::new("tmo", 10);
    net.warm_up();
    let started = Instant::now();
    let ptstat = Running::start(&["-i", &net.host_if, "--timeout", "3s", "icmp"]);
    run("ping", &["-c", "4", "-i", "0.2", &net.peer_ip]);
    let finished = ptstat.wait(Duration::from_secs(30));
    assert!(finished.status.success(), "{}", finished.stderr);
    assert!(started.elapsed() >= Duration::from_secs(3), "ended before the timeout: {:?}", started.elapsed());
    // Four requests and their four replies.
    assert_eq!(finished.stdout_text().lines().count(), 8, "{}", finished.stdout_text());
    assert_eq!(finished.captured(), 8);
    assert_nothing_attached(&net.host_if);
}

/// Packets as tshark sees them in a file: "src dst proto" per packet.
fn tshark_packets(path: &str) -> Vec<String> {
    let fields = run(
        "tshark",
        &["-r", path, "-T", "fields", "-e", "ip.src", "-e", "ip.dst", "-e", "ip.proto", "-e", "frame.interface_name"],
    );
    fields.lines().map(str::to_string).collect()
}

#[test]
fn pcapng_and_pcap_files_are_read_by_tshark_and_tcpdump() {
    if !root_or_skip("pcapng_and_pcap_files_are_read_by_tshark_and_tcpdump") || !tool_available("tshark") {
        return;
    }
    let net = VethNamespace::new("file", 5);
    net.warm_up();
    let dir = tempfile::tempdir().unwrap();
    for name in ["out.pcapng", "out.pcap"] {
        let path = dir.path().join(name);
        let path = path.to_str().unwrap();
        let ptstat = Running::start(&["-i", &net.host_if, "-w", path, "--print", "--context="]);
        run("ping", &["-c", "3", "-i", "0.2", &net.peer_ip]);
        let finished = ptstat.stop();
        assert!(finished.status.success(), "{}", finished.stderr);
        let printed = finished.stdout_text();
        let captured = finished.captured() as usize;
        assert!(captured >= 6, "{}", finished.stderr);
        assert_eq!(printed.lines().count(), captured);

        let seen_by_tshark = tshark_packets(path);
        assert_eq!(seen_by_tshark.len(), captured, "{name}: {seen_by_tshark:?}");
        let pings = seen_by_tshark
            .iter()
            .filter(|packet| packet.contains(&format!("{}\t{}\t1", net.host_ip, net.peer_ip)))
            .count();
        assert_eq!(pings, 3, "{seen_by_tshark:?}");
        if name.ends_with("pcapng") {
            assert!(seen_by_tshark.iter().all(|packet| packet.ends_with(&net.host_if)), "{seen_by_tshark:?}");
            let directions = run("tshark", &["-r", path, "-T", "fields", "-e", "frame.packet_flags_direction"]);
            assert_eq!(
                directions.lines().filter(|d| d.trim() == "0x00000002").count(),
                lines_containing(&printed, " Out ").len()
            );
            assert_eq!(
                directions.lines().filter(|d| d.trim() == "0x00000001").count(),
                lines_containing(&printed, " In  ").len()
            );
        }
        // tcpdump reads the same file and prints the same L3/L4 text as ptstat -r of it.
        let by_tcpdump = Command::new("tcpdump").args(["-n", "-tt", "-r", path]).env("TZ", "UTC").output().unwrap();
        assert!(by_tcpdump.status.success(), "{}", String::from_utf8_lossy(&by_tcpdump.stderr));
        let by_tcpdump = String::from_utf8_lossy(&by_tcpdump.stdout).into_owned();
        assert_eq!(by_tcpdump.lines().count(), captured);
        let reread = Command::new(PTSTAT).args(["-n", "-tt", "-r", path]).output().unwrap();
        assert!(reread.status.success(), "{}", String::from_utf8_lossy(&reread.stderr));
        let reread = String::from_utf8_lossy(&reread.stdout).into_owned();
        let protocol_part = |line: &str| line.split_once(": ").map(|(_, rest)| rest.to_string()).unwrap_or_default();
        let ours: Vec<String> = reread.lines().map(protocol_part).collect();
        let theirs: Vec<String> = by_tcpdump.lines().map(protocol_part).collect();
        assert_eq!(ours, theirs, "{name}");
    }
}

#[test]
fn streaming_to_tshark_shows_packets_while_capturing() {
    if !root_or_skip("streaming_to_tshark_shows_packets_while_capturing") || !tool_available("tshark") {
        return;
    }
    let net = VethNamespace::new("pipe", 6);
    net.warm_up();
    let mut tshark = Command::new("tshark")
        .args(["-l", "-n", "-r", "-", "-Y", "icmp", "-T", "fields", "-e", "icmp.type"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let tshark_input = tshark.stdin.take().unwrap();
    let ptstat = Running::start_with_stdout(&["-i", &net.host_if, "-w", "-"], Stdio::from(tshark_input));
    run("ping", &["-c", "2", "-i", "0.2", &net.peer_ip]);
    // tshark has printed the packets before ptstat stops: the stream is flushed per packet.
    let mut tshark_output = tshark.stdout.take().unwrap();
    let (sender, received) = std::sync::mpsc::channel();
    thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(&mut tshark_output).lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    let mut types = Vec::new();
    while types.len() < 4 {
        match received.recv_timeout(Duration::from_secs(10)) {
            Ok(line) => types.push(line),
            Err(_) => break,
        }
    }
    let finished = ptstat.stop();
    let _ = tshark.wait();
    assert_eq!(types.iter().filter(|t| *t == "8").count(), 2, "echo requests seen live by tshark: {types:?}");
    assert_eq!(types.iter().filter(|t| *t == "0").count(), 2, "echo replies seen live by tshark: {types:?}");
    assert!(finished.status.success(), "{}", finished.stderr);
}

/// A veth pair between two namespaces, each end (namespace, interface, address/prefix) up with its address.
fn veth_between(ends: [(&str, &str, &str); 2]) {
    veth_with_index(ends, None);
}

/// `veth_between`, the near end with ifindex `near_index` when given.
fn veth_with_index(ends: [(&str, &str, &str); 2], near_index: Option<u32>) {
    let [(near_namespace, near, _), (far_namespace, far, _)] = ends;
    let near_index = near_index.map(|index| index.to_string());
    let index = near_index.as_deref().map(|index| ["index", index]);
    let mut command = vec!["link", "add", near];
    command.extend(index.iter().flatten());
    command.extend(["netns", near_namespace, "type", "veth", "peer", "name", far, "netns", far_namespace]);
    run("ip", &command);
    for (namespace, interface, address) in ends {
        run("ip", &["-n", namespace, "addr", "add", address, "dev", interface]);
        run("ip", &["-n", namespace, "link", "set", interface, "up"]);
    }
}

#[test]
fn any_attaches_to_interfaces_created_after_start() {
    if !root_or_skip("any_attaches_to_interfaces_created_after_start") {
        return;
    }
    // In a namespace of its own, so that -i any does not reach into other tests' interfaces.
    let watched = Namespace::new("anyw");
    let peer = Namespace::new("anyp");
    let ptstat = Running::start_in_namespace(&watched.0, &["-i", "any", "-n", "--context="]);
    veth_between([(&watched.0, "ptanya", "10.77.70.1/24"), (&peer.0, "ptanyb", "10.77.70.2/24")]);
    // The new interface is attached within moments of appearing: later pings are seen.
    for _ in 0..3 {
        run("ip", &["netns", "exec", &watched.0, "ping", "-c", "2", "-i", "0.2", "-W", "2", "10.77.70.2"]);
    }
    let done = ptstat.stop();
    let out = done.stdout_text();
    assert!(!lines_containing(&out, "ptanya Out IP 10.77.70.1 > 10.77.70.2: ICMP echo request").is_empty(), "{out}");
    assert!(!lines_containing(&out, "ptanya In  IP 10.77.70.2 > 10.77.70.1: ICMP echo reply").is_empty(), "{out}");
}

#[test]
fn sigkill_leaves_nothing_attached_with_tcx() {
    if !root_or_skip("sigkill_leaves_nothing_attached_with_tcx") {
        return;
    }
    let net = VethNamespace::new("kill", 8);
    let ptstat = Running::start(&["-i", &net.host_if]);
    assert_eq!(tcx_programs(&net.host_if), vec!["capture_ingress", "capture_egress"]);
    ptstat.signal(libc::SIGKILL);
    let finished = ptstat.wait(Duration::from_secs(10));
    assert!(!finished.status.success());
    thread::sleep(Duration::from_millis(200));
    assert_nothing_attached(&net.host_if);
}

#[test]
fn clsact_fallback_captures_and_removes_its_filters_and_qdisc() {
    if !root_or_skip("clsact_fallback_captures_and_removes_its_filters_and_qdisc") {
        return;
    }
    let net = VethNamespace::new("cls", 9);
    net.warm_up();
    let ptstat = Running::start(&["-i", &net.host_if, "--tc-mode", "clsact", "-n", "--context="]);
    let filters = run("tc", &["filter", "show", "dev", &net.host_if, "ingress"]);
    assert!(filters.contains("capture_ingress") && filters.contains("direct-action"), "{filters}");
    assert!(tcx_programs(&net.host_if).is_empty());
    run("ping", &["-c", "1", &net.peer_ip]);
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let out = finished.stdout_text();
    assert_eq!(lines_containing(&out, "ICMP echo request").len(), 1, "{out}\n{}", finished.stderr);
    assert_nothing_attached(&net.host_if);
}

#[test]
fn default_interface_is_tcpdumps() {
    if !root_or_skip("default_interface_is_tcpdumps") || !tool_available("tcpdump") {
        return;
    }
    let listing = run("tcpdump", &["-D"]);
    let first = listing
        .lines()
        .next()
        .and_then(|line| line.split_once('.'))
        .map(|(_, rest)| rest.split(' ').next().unwrap_or_default().to_string());
    let ptstat = Running::start(&[]);
    let finished = ptstat.stop();
    let first = first.expect("tcpdump -D lists an interface");
    assert!(
        finished.stderr.contains(&format!("listening on {first},")),
        "tcpdump's default is {first}; {}",
        finished.stderr
    );
}

#[test]
fn list_interfaces_like_tcpdump() {
    let listing = Command::new(PTSTAT).arg("-D").output().unwrap();
    assert!(listing.status.success());
    let listing = String::from_utf8_lossy(&listing.stdout).into_owned();
    assert!(listing.lines().any(|line| line.ends_with(".lo [Up, Running, Loopback]")), "{listing}");
    assert!(
        listing
            .lines()
            .any(|line| line.ends_with(".any (Pseudo-device that captures on all interfaces) [Up, Running]")),
        "{listing}"
    );
}

fn ptstat_error(args: &[&str], as_nobody: bool) -> (i32, String) {
    let mut command = if as_nobody {
        let mut command = Command::new("setpriv");
        command.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--inh-caps=-all", PTSTAT]);
        command
    } else {
        Command::new(PTSTAT)
    };
    let output = command.args(args).output().unwrap();
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn errors_are_one_line_and_exit_1() {
    let (code, stderr) = ptstat_error(&["-i", "eth9"], false);
    if unsafe { libc::geteuid() } == 0 {
        assert_eq!((code, stderr.as_str()), (1, "ptstat: eth9: No such device exists\n"));
        let (code, stderr) = ptstat_error(&["-i", "lo"], true);
        assert_eq!(code, 1, "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with("ptstat: live capture needs the capabilities CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON"),
            "{stderr}"
        );
    } else {
        assert_eq!(code, 1);
        assert!(stderr.contains("CAP_BPF"), "{stderr}");
    }
    let (code, stderr) = ptstat_error(&["-r", "/nonexistent/x.pcap"], false);
    assert_eq!((code, stderr.as_str()), (1, "ptstat: /nonexistent/x.pcap: No such file or directory (os error 2)\n"));
    let (code, stderr) = ptstat_error(&["-c", "many"], false);
    assert_eq!(code, 1);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

/// A capture that fails to start (a missing interface, a bad filter, a bad --cgroup, an unreadable -r file) is one
/// error line and creates no file, rotated or not; a file that was there stays as it was (tcpdump's behaviour too);
/// `-w -` writes nothing to stdout.
#[test]
fn a_failed_start_leaves_no_capture_file() {
    if !root_or_skip("a_failed_start_leaves_no_capture_file") {
        return;
    }
    let directory = tempfile::tempdir().unwrap();
    let path = |name: &str| directory.path().join(name).to_str().unwrap().to_string();
    // A classic pcap header (little-endian, microseconds, snaplen 65535, Ethernet) and no packet.
    let empty_capture = path("empty.pcap");
    std::fs::write(&empty_capture, b"\xd4\xc3\xb2\xa1\x02\x00\x04\x00\0\0\0\0\0\0\0\0\xff\xff\0\0\x01\0\0\0").unwrap();
    let existing = path("existing.pcapng");
    std::fs::write(&existing, "the user's file").unwrap();
    let (pcapng, pcap, cgroup, rotated, by_time, filtered, copied) = (
        path("x.pcapng"),
        path("x.pcap"),
        path("cgroup.pcapng"),
        path("rotated"),
        path("%s.pcapng"),
        path("f.pcap"),
        path("c.pcap"),
    );
    let failures: [(&[&str], &str); 9] = [
        (&["-i", "eth9", "-w", &pcapng], "ptstat: eth9: No such device exists"),
        (&["-i", "lo", "-w", &pcap, "tcp port"], "ptstat: syntax error"),
        (
            &["--backend", "cgroup-skb", "--cgroup", "/nonexistent", "-w", &cgroup],
            "ptstat: /nonexistent: opening the cgroup",
        ),
        (&["-i", "eth9", "-w", &rotated, "-C", "1", "-W", "3"], "ptstat: eth9: No such device exists"),
        (&["-i", "eth9", "-w", &by_time, "-G", "5"], "ptstat: eth9: No such device exists"),
        (&["-r", &empty_capture, "-w", &filtered, "tcp port"], "ptstat: syntax error"),
        (&["-r", "/nonexistent/in.pcap", "-w", &copied], "ptstat: /nonexistent/in.pcap: No such file"),
        (&["-i", "eth9", "-w", &existing], "ptstat: eth9: No such device exists"),
        (&["-i", "eth9", "-w", "-"], "ptstat: eth9: No such device exists"),
    ];
    for (args, error) in failures {
        let output = Command::new(PTSTAT).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.starts_with(error) && stderr.lines().count() == 1, "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?} wrote to stdout: {:?}", output.stdout);
    }
    let mut left: Vec<String> = std::fs::read_dir(directory.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["empty.pcap", "existing.pcapng"]);
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "the user's file");
}

#[test]
fn version_and_link_types() {
    let version = Command::new(PTSTAT).arg("--version").output().unwrap();
    let version = String::from_utf8_lossy(&version.stdout).into_owned();
    assert!(version.starts_with(&format!("ptstat {}\nkernel ", env!("CARGO_PKG_VERSION"))), "{version}");
    for feature in
        ["BTF: ", "TC hook: ", "packet namespaces: ", "timestamps: ", "XDP: ", "tp-btf: ", "process attribution: "]
    {
        assert_eq!(version.lines().filter(|line| line.starts_with(feature)).count(), 1, "{feature}\n{version}");
    }
    // The helpers ptstat found are the ones bpftool's own probe of this kernel lists.
    if root_or_skip("version_and_link_types") && tool_available("bpftool") {
        let probe = run("bpftool", &["feature", "probe", "kernel"]);
        let helpers_for = |program_type: &str| {
            let heading = format!("eBPF helpers supported for program type {program_type}:");
            probe.split(&heading).nth(1).unwrap_or_default().split("\n\n").next().unwrap_or_default().to_string()
        };
        assert!(helpers_for("sched_cls").contains("- bpf_skb_load_bytes\n"), "bpftool's listing changed:\n{probe}");
        let tai = helpers_for("sched_cls").contains("- bpf_ktime_get_tai_ns\n");
        assert_eq!(version.contains("\ntimestamps: CLOCK_TAI "), tai, "{version}");
        let xdp_copy = helpers_for("xdp").contains("- bpf_xdp_load_bytes\n");
        assert_eq!(version.contains("\nXDP: capture and statistics "), xdp_copy, "{version}");
    }
    if !tool_available("tcpdump") {
        return;
    }
    // Loopback has one link type, and tcpdump lists it the same way.
    let ours = Command::new(PTSTAT).args(["-L", "-i", "lo"]).output().unwrap();
    let theirs = Command::new("tcpdump").args(["-L", "-i", "lo"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&ours.stderr), String::from_utf8_lossy(&theirs.stderr));
    let unknown = Command::new(PTSTAT).args(["-y", "IEEE802_11", "-i", "lo"]).output().unwrap();
    assert_eq!(unknown.status.code(), Some(1));
}

#[test]
fn devices_without_ethernet_headers_are_captured_as_raw_ip() {
    if !root_or_skip("devices_without_ethernet_headers_are_captured_as_raw_ip") || !tool_available("tshark") {
        return;
    }
    // A tun device nobody reads: what is routed to it passes TC egress, then the driver drops it.
    let _ = Command::new("ip").args(["link", "del", "pttun0"]).stderr(Stdio::null()).status();
    run("ip", &["tuntap", "add", "dev", "pttun0", "mode", "tun"]);
    let _tun = LinkCleanup::new("pttun0");
    run("ip", &["addr", "add", "10.77.90.1/24", "dev", "pttun0"]);
    run("ip", &["link", "set", "pttun0", "up"]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tun.pcapng");
    let ptstat = Running::start(&["-i", "pttun0", "-w", path.to_str().unwrap(), "--print", "--context="]);
    let _ = Command::new("ping").args(["-c", "2", "-i", "0.2", "-W", "1", "10.77.90.2"]).stdout(Stdio::null()).status();
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let out = finished.stdout_text();
    assert_eq!(lines_containing(&out, "pttun0 Out IP 10.77.90.1 > 10.77.90.2: ICMP echo request").len(), 2, "{out}");
    // Wireshark's encapsulation 7 is raw IP: the IDB says LINKTYPE_RAW.
    let seen = run("tshark", &["-r", path.to_str().unwrap(), "-T", "fields", "-e", "frame.encap_type", "-e", "ip.dst"]);
    assert_eq!(seen, "7\t10.77.90.2\n7\t10.77.90.2\n");
}

/// Whether ptstat's programs are on `interface` of network namespace `namespace`, by TCX or by a clsact filter.
fn attached_in(namespace: &str, interface: &str) -> bool {
    let filters = run("tc", &["-n", namespace, "filter", "show", "dev", interface, "ingress"]);
    let (namespace, interface) = (namespace.to_string(), interface.to_string());
    // Interface names are looked up in the asking thread's namespace: a thread of its own enters it.
    let by_tcx = thread::spawn(move || {
        let file = std::fs::File::open(format!("/run/netns/{namespace}")).expect("namespace file");
        // SAFETY: setns with a descriptor that stays open for the call; it moves only this short-lived thread.
        assert_eq!(unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) }, 0, "setns");
        tcx_programs(&interface)
    });
    filters.contains("capture_ingress") || !by_tcx.join().unwrap().is_empty()
}

#[test]
fn any_captures_new_interfaces_after_more_came_and_went_than_the_counters_hold() {
    if !root_or_skip("any_captures_new_interfaces_after_more_came_and_went_than_the_counters_hold") {
        return;
    }
    let watched = Namespace::new("kmanyw");
    let peer = Namespace::new("kmanyp");
    let ptstat = Running::start_in_namespace(&watched.0, &["-i", "any", "-n", "--context=", "--counters-entries", "4"]);
    // Ten interfaces, each with a packet, then gone; then the eleventh, which must be captured like the first. Their
    // ifindexes are high: the kernel counts the low ones of its own namespace in an array that never fills.
    for i in 0..=10 {
        let (here, there) = (format!("ptkm{i}a"), format!("ptkm{i}b"));
        let (near, far) = (format!("10.77.171.{}", 4 * i + 1), format!("10.77.171.{}", 4 * i + 2));
        let (near_cidr, far_cidr) = (format!("{near}/30"), format!("{far}/30"));
        veth_with_index([(&watched.0, &here, &near_cidr), (&peer.0, &there, &far_cidr)], Some(5000 + i));
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !attached_in(&watched.0, &here) {
            assert!(std::time::Instant::now() < deadline, "ptstat never attached to {here}");
            thread::sleep(Duration::from_millis(20));
        }
        let pings = if i < 10 { "1" } else { "3" };
        run("ip", &["netns", "exec", &watched.0, "ping", "-c", pings, "-i", "0.2", "-W", "2", &far]);
        if i < 10 {
            run("ip", &["-n", &watched.0, "link", "del", &here]);
        }
    }
    let done = ptstat.stop();
    assert!(done.status.success(), "{}", done.stderr);
    let out = done.stdout_text();
    let requests = lines_containing(&out, "ptkm10a Out IP 10.77.171.41 > 10.77.171.42: ICMP echo request");
    let replies = lines_containing(&out, "ptkm10a In  IP 10.77.171.42 > 10.77.171.41: ICMP echo reply");
    assert_eq!((requests.len(), replies.len()), (3, 3), "{out}");
    assert!(done.stderr.contains("the kernel counts apart"), "the uncounted packets are reported:\n{}", done.stderr);
}

/// Captures three datagrams that it sends to itself on lo with ptstat `extra_args`, where neither Docker's nor
/// containerd's default socket exists: both are under /run (/var/run/docker.sock through the /var/run link), where
/// other tests may run the daemons, and an empty tmpfs is put over it. Returns the capture and the port.
fn capture_on_a_machine_without_runtimes(extra_args: &[&str]) -> (Finished, u16) {
    let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = receiver.local_addr().unwrap().port();
    let filter = format!("udp port {port}");
    let args = [&["-i", "lo", "-c", "3", "-n"], extra_args, &[filter.as_str()]].concat();
    let mut ptstat = Running::start_under_tmpfs("/run", &args);
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    for _ in 0..100 {
        if ptstat.child.try_wait().unwrap().is_some() {
            break;
        }
        sender.send_to(b"ptstat", ("127.0.0.1", port)).unwrap();
        thread::sleep(Duration::from_millis(50));
    }
    let finished = ptstat.wait(Duration::from_secs(20));
    assert!(finished.status.success(), "{}", finished.stderr);
    (finished, port)
}

/// On a machine without Docker or containerd (their default sockets absent, no address given) a capture's stderr
/// is tcpdump's: the listening line, worded as tcpdump's, and the closing counters; no warning about the
/// runtimes. After the counters comes ptstat's own table of the busiest flows, which this capture makes one row of.
#[test]
fn stderr_is_tcpdumps_where_no_container_runtime_is_installed() {
    if !root_or_skip("stderr_is_tcpdumps_where_no_container_runtime_is_installed") {
        return;
    }
    let (finished, port) = capture_on_a_machine_without_runtimes(&[]);
    let stderr = &finished.stderr;
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 9, "{stderr}");
    assert_eq!(lines[0], "ptstat: listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes");
    assert_eq!(lines[1], "3 packets captured");
    for (line, what) in [(lines[2], " packets received by filter"), (lines[3], " packets dropped by kernel")] {
        assert!(line.strip_suffix(what).is_some_and(|count| count.parse::<u64>().is_ok()), "{stderr}");
    }
    // The table: a blank line, its title, its header, the one flow, the per-protocol total.
    assert_eq!(lines[4..6], ["", "Top 1 of 1 flows by bytes:"], "{stderr}");
    assert!(lines[6].split_whitespace().eq(STATS_COLUMNS), "{stderr}");
    let destination = format!("127.0.0.1:{port}");
    assert!(lines[7].split_whitespace().any(|column| column == destination), "{stderr}");
    assert!(lines[8].starts_with("udp: 3 packets, "), "{stderr}");
}

/// A socket the user names is worth a warning when nothing answers there; the default one, absent, is not.
#[test]
fn a_runtime_socket_given_that_does_not_answer_is_one_warning() {
    if !root_or_skip("a_runtime_socket_given_that_does_not_answer_is_one_warning") {
        return;
    }
    let (finished, _) = capture_on_a_machine_without_runtimes(&["--docker-address", "/run/nowhere.sock"]);
    let warnings = lines_containing(&finished.stderr, "warning");
    assert_eq!(warnings.len(), 1, "{}", finished.stderr);
    assert!(warnings[0].starts_with("ptstat: warning: docker (/run/nowhere.sock): "), "{}", warnings[0]);
}
