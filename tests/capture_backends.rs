//! Capture on the hooks besides TC: XDP on a veth (received packets, the filter run in the kernel), cgroup-skb on
//! a test cgroup (only its processes' packets, from the IP header on), socket filters on packet sockets (both
//! directions, nothing on TC, beside a TC capture and tcpdump) and the tp-btf tracepoints (every interface of every
//! namespace, nothing attached to any), read back by tshark with their processes.

mod common;

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    thread,
    time::Duration,
};

use common::{
    Killed, NETNS_NEEDS_LINUX_6_2, NamespacePair, PTSTAT, Running, TestCgroup, VethNamespace, closing_count,
    datagram_script, kernel_reports, numbered_datagrams_script, refusal, root_or_skip, run, send_datagrams,
    tcx_programs, tool_available, udp_listener,
};

/// tshark's view of each packet of `file`: "encapsulation protocols direction comment-pid".
fn tshark_rows(file: &str) -> Vec<String> {
    let fields = run(
        "tshark",
        &[
            "-r",
            file,
            "-T",
            "fields",
            "-E",
            "occurrence=f",
            "-e",
            "frame.encap_type",
            "-e",
            "frame.protocols",
            "-e",
            "frame.packet_flags_direction",
            "-e",
            "frame.comment",
        ],
    );
    fields.lines().map(str::to_string).collect()
}

#[test]
fn xdp_captures_received_packets_that_the_kernel_filter_accepts() {
    if !root_or_skip("xdp_captures_received_packets_that_the_kernel_filter_accepts")
        || !tool_available("tshark")
        || !tool_available("nc")
    {
        return;
    }
    let net = VethNamespace::new("bxk", 174);
    net.warm_up();
    let directory = tempfile::tempdir().unwrap();
    let file = directory.path().join("xdp.pcapng");
    let file = file.to_str().unwrap();
    if !kernel_reports("XDP: capture") {
        // Without bpf_xdp_load_bytes (before Linux 5.18): refused with one line, and no file left behind.
        assert_eq!(
            refusal(&["-i", &net.host_if, "--backend", "xdp", "-w", file]),
            "ptstat: capture on XDP needs the helper bpf_xdp_load_bytes (Linux 5.18); --stats counts on XDP without it"
        );
        assert!(!std::path::Path::new(file).exists());
        return;
    }
    let listener = udp_listener(None, 7174);
    let running = Running::start(&["-i", &net.host_if, "--backend", "xdp", "-w", file, "--print", "udp"]);
    assert!(running.stderr_seen.iter().any(|line| line.contains("(XDP)")), "{:?}", running.stderr_seen);
    net.exec_ok(&["bash", "-c", &datagram_script(&net.host_ip, 7174, 10, 100)]);
    // Pings both ways: the replies come in, but the filter refuses them; the requests go out, unseen by XDP.
    run("ping", &["-c", "2", "-i", "0.2", &net.peer_ip]);
    thread::sleep(Duration::from_millis(200));
    let finished = running.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    // The kernel's verdict: "received by filter" counts what the programs accepted, so with the filter run in
    // userspace it would count the ping replies too.
    assert_eq!(closing_count(&finished.stderr, "packets received by filter"), 10, "{}", finished.stderr);
    let rows = tshark_rows(file);
    assert_eq!(rows.len(), 10, "{rows:?}");
    let nc = format!("PID: {}", listener.0.id());
    for row in &rows {
        let fields: Vec<&str> = row.split('\t').collect();
        // Ethernet (1), UDP, inbound (1), the listener's process.
        assert_eq!(fields[0], "1", "{row}");
        assert!(fields[1].ends_with("ip:udp:data"), "{row}");
        assert_eq!(fields[2], "0x00000001", "{row}");
        assert!(fields[3].contains(&nc) && fields[3].contains("Comm: nc"), "{row}");
    }
    let lines = finished.stdout_text();
    assert_eq!(
        lines.lines().filter(|line| line.contains(&net.host_if) && line.contains(" In ")).count(),
        10,
        "{lines}"
    );
}

#[test]
fn cgroup_skb_captures_only_the_cgroups_packets_as_raw_ip() {
    if !root_or_skip("cgroup_skb_captures_only_the_cgroups_packets_as_raw_ip")
        || !tool_available("tshark")
        || !tool_available("nc")
    {
        return;
    }
    let net = VethNamespace::new("bcg", 108);
    net.warm_up();
    let _listener = udp_listener(Some(&net), 7008);
    let cgroup = TestCgroup::new("ptstat-capture-test");
    let directory = tempfile::tempdir().unwrap();
    let file = directory.path().join("cgroup.pcapng");
    let file = file.to_str().unwrap();
    let running = Running::start(&["--backend", "cgroup-skb", "--cgroup", &cgroup.path, "-w", file, "--print"]);
    let script = format!("echo $$ > {}/cgroup.procs; {}", cgroup.path, datagram_script(&net.peer_ip, 7008, 6, 50));
    let mut inside = Command::new("bash").args(["-c", &script]).spawn().unwrap();
    let inside_pid = inside.id();
    assert!(inside.wait().unwrap().success());
    // Outside the cgroup: not captured.
    send_datagrams(&net.peer_ip, 7008, 4, 50);
    thread::sleep(Duration::from_millis(200));
    let finished = running.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let rows = tshark_rows(file);
    assert_eq!(rows.len(), 6, "{rows:?}");
    let pid = format!("PID: {inside_pid}");
    for row in &rows {
        let fields: Vec<&str> = row.split('\t').collect();
        // Raw IP (7), outbound (2), the bash in the cgroup.
        assert_eq!(fields[0], "7", "{row}");
        assert_eq!(fields[1], "raw:ip:udp:data", "{row}");
        assert_eq!(fields[2], "0x00000002", "{row}");
        assert!(fields[3].contains(&pid) && fields[3].contains("Cgroup: /ptstat-capture-test"), "{row}");
    }
    // The interface the packets left by is named.
    let lines = finished.stdout_text();
    assert_eq!(
        lines.lines().filter(|line| line.contains(&net.host_if) && line.contains(" Out ")).count(),
        6,
        "{lines}"
    );
}

/// The UDP datagrams of `file` as tshark reads them, in order: "interface src srcport dst dstport length".
fn udp_datagrams(file: &str) -> Vec<String> {
    let fields = ["frame.interface_name", "ip.src", "udp.srcport", "ip.dst", "udp.dstport", "frame.len"];
    let mut args = vec!["-r", file, "-T", "fields", "-E", "occurrence=f", "-Y", "udp"];
    args.extend(fields.iter().flat_map(|field| ["-e", *field]));
    run("tshark", &args).lines().map(str::to_string).collect()
}

/// `udp_datagrams` rows without their interface, which a pcap file (tcpdump's) does not name.
fn without_interface(rows: &[String]) -> Vec<String> {
    rows.iter().map(|row| row.split_once('\t').unwrap().1.to_string()).collect()
}

/// The PID a ptstat comment names ("PID: N\n..."), if any.
fn comment_pid(comment: &str) -> Option<u32> {
    comment.strip_prefix("PID: ")?.split("\\n").next()?.parse().ok()
}

#[test]
fn socket_filter_captures_what_tcpdump_and_tc_see_without_attaching_to_tc() {
    if !root_or_skip("socket_filter_captures_what_tcpdump_and_tc_see_without_attaching_to_tc")
        || !tool_available("tshark")
        || !tool_available("tcpdump")
        || !tool_available("nc")
    {
        return;
    }
    common::socket_filters_fit();
    let net = VethNamespace::new("sfc", 233);
    net.warm_up();
    let host_listener = udp_listener(None, 7233);
    let _peer_listener = udp_listener(Some(&net), 7233);
    let _other_listener = udp_listener(Some(&net), 7234);
    let directory = tempfile::tempdir().unwrap();
    let path = |name: &str| directory.path().join(name).to_str().unwrap().to_string();
    let (socket_file, tc_file, tcpdump_file) = (path("socket.pcapng"), path("tc.pcapng"), path("tcpdump.pcap"));
    let host_if = net.host_if.as_str();
    let filter = "udp port 7233";
    let oracle = Tcpdump::start(Command::new("tcpdump"), host_if, &tcpdump_file, filter);
    let socket_capture = Running::start(&["-i", host_if, "--backend", "socket-filter", "-w", &socket_file, filter]);
    // Nothing on the interface's TC hooks (neither TCX links nor a clsact qdisc) nor XDP.
    assert_eq!(tcx_programs(host_if), Vec::<String>::new());
    assert!(!run("tc", &["qdisc", "show", "dev", host_if]).contains("clsact"));
    assert!(!run("ip", &["-d", "link", "show", host_if]).contains("xdp"));
    // A TC capture of the same interface at the same time.
    let tc_capture = Running::start(&["-i", host_if, "--backend", "tc", "-w", &tc_file, filter]);
    // Sent: 9 datagrams of one bash; received: 5 for nc here; and what the filter refuses (another port, pings).
    let sender_pid = send_datagrams(&net.peer_ip, 7233, 9, 120);
    net.exec_ok(&["bash", "-c", &datagram_script(&net.host_ip, 7233, 5, 80)]);
    run("bash", &["-c", &datagram_script(&net.peer_ip, 7234, 6, 60)]);
    run("ping", &["-c", "2", "-i", "0.2", &net.peer_ip]);
    thread::sleep(Duration::from_millis(200));
    let finished = socket_capture.stop();
    let tc_finished = tc_capture.stop();
    oracle.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    assert!(tc_finished.status.success(), "{}", tc_finished.stderr);
    // The filter ran in the kernel: "received by filter" is the kernel's count of what it accepted.
    assert_eq!(closing_count(&finished.stderr, "packets received by filter"), 14, "{}", finished.stderr);
    let datagrams = udp_datagrams(&socket_file);
    assert_eq!(datagrams.len(), 14, "{datagrams:?}");
    // The same packets as tcpdump's and the TC capture's (tcpdump's pcap names no interface).
    assert_eq!(without_interface(&datagrams), without_interface(&udp_datagrams(&tcpdump_file)));
    assert_eq!(datagrams, udp_datagrams(&tc_file));
    // Each direction with its process, as the TC capture names it.
    let rows = tshark_rows(&socket_file);
    let (sent, received): (Vec<&String>, Vec<&String>) = rows.iter().partition(|row| row.contains("\t0x00000002\t"));
    assert_eq!((sent.len(), received.len()), (9, 5), "{rows:?}");
    for row in &sent {
        let comment = row.split('\t').nth(3).unwrap();
        assert_eq!(comment_pid(comment), Some(sender_pid), "{row}");
        assert!(comment.contains("Comm: bash"), "{row}");
    }
    for row in &received {
        let fields: Vec<&str> = row.split('\t').collect();
        assert_eq!(fields[2], "0x00000001", "{row}");
        assert_eq!(comment_pid(fields[3]), Some(host_listener.0.id()), "{row}");
        assert!(fields[3].contains("Comm: nc"), "{row}");
    }
    let pids = |rows: &[String]| -> Vec<Option<u32>> {
        rows.iter().map(|row| row.split('\t').nth(3).and_then(comment_pid)).collect()
    };
    assert_eq!(pids(&rows), pids(&tshark_rows(&tc_file)));
}

#[test]
fn socket_filter_captures_in_two_namespaces_with_their_processes() {
    if !root_or_skip("socket_filter_captures_in_two_namespaces_with_their_processes")
        || !tool_available("tshark")
        || !tool_available("nc")
    {
        return;
    }
    common::socket_filters_fit();
    let (first, second) = (VethNamespace::new("sfa", 234), VethNamespace::new("sfb", 235));
    first.warm_up();
    second.warm_up();
    let directory = tempfile::tempdir().unwrap();
    let file = directory.path().join("netns.pcapng");
    let file = file.to_str().unwrap();
    let namespaces = [format!("/run/netns/{}", first.namespace), format!("/run/netns/{}", second.namespace)];
    let args = ["--backend", "socket-filter", "--netns", &namespaces[0], "--netns", &namespaces[1], "-w", file, "udp"];
    if !kernel_reports("packet namespaces: yes") {
        assert_eq!(refusal(&args), NETNS_NEEDS_LINUX_6_2);
        return;
    }
    // Received in the first namespace, by nc there; sent from the second, by a bash there.
    let first_listener = udp_listener(Some(&first), 7235);
    let _host_listener = udp_listener(None, 7236);
    let running = Running::start(&args);
    run("bash", &["-c", &datagram_script(&first.peer_ip, 7235, 4, 70)]);
    let mut sender = second.command(&["bash", "-c", &datagram_script(&second.host_ip, 7236, 3, 90)]).spawn().unwrap();
    // `ip netns exec` execs the command: its pid is the bash's.
    let sender_pid = sender.id();
    assert!(sender.wait().unwrap().success());
    thread::sleep(Duration::from_millis(200));
    let finished = running.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let datagrams = udp_datagrams(file);
    let rows = tshark_rows(file);
    assert_eq!((datagrams.len(), rows.len()), (7, 7), "{datagrams:?} {rows:?}");
    for (datagram, row) in datagrams.iter().zip(&rows) {
        let fields: Vec<&str> = row.split('\t').collect();
        let interface = datagram.split('\t').next().unwrap();
        if datagram.contains(&first.peer_ip) {
            assert_eq!(interface, format!("{}@{}", first.peer_if, first.namespace), "{datagram}");
            assert_eq!(fields[2], "0x00000001", "{row}");
            assert_eq!(comment_pid(fields[3]), Some(first_listener.0.id()), "{row}");
        } else {
            assert_eq!(interface, format!("{}@{}", second.peer_if, second.namespace), "{datagram}");
            assert_eq!(fields[2], "0x00000002", "{row}");
            assert_eq!(comment_pid(fields[3]), Some(sender_pid), "{row}");
        }
    }
    assert_eq!(datagrams.iter().filter(|datagram| datagram.contains(&first.peer_ip)).count(), 4, "{datagrams:?}");
}

/// A ring buffer far too small for a burst: whatever it drops, the kernel's counts add up. Every datagram sent
/// reached the filter and was accepted ("received by filter"), and each was either captured (and is in the file)
/// or counted as dropped.
#[test]
fn socket_filter_counts_what_a_full_ring_buffer_drops() {
    if !root_or_skip("socket_filter_counts_what_a_full_ring_buffer_drops")
        || !tool_available("tshark")
        || !tool_available("nc")
    {
        return;
    }
    common::socket_filters_fit();
    let net = VethNamespace::new("sfd", 237);
    net.warm_up();
    let _listener = udp_listener(Some(&net), 7239);
    let directory = tempfile::tempdir().unwrap();
    let file = directory.path().join("drops.pcapng");
    let file = file.to_str().unwrap();
    let args = ["-i", &net.host_if, "--backend", "socket-filter", "-B", "4", "-w", file, "udp port 7239"];
    let running = Running::start(&args);
    let sent = 3000;
    run("bash", &["-c", &datagram_script(&net.peer_ip, 7239, sent, 1000)]);
    thread::sleep(Duration::from_millis(200));
    let finished = running.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let received = closing_count(&finished.stderr, "packets received by filter");
    let dropped = closing_count(&finished.stderr, "packets dropped by kernel");
    assert_eq!(received, sent as u64, "{}", finished.stderr);
    assert_eq!(finished.captured() + dropped, received, "{}", finished.stderr);
    assert_eq!(udp_datagrams(file).len() as u64, finished.captured());
}

/// On loopback a packet socket gets each packet twice, as sent and as received: the socket filter keeps it once,
/// as tcpdump does, named after its sender.
#[test]
fn socket_filter_on_loopback_takes_each_packet_once_like_tcpdump() {
    if !root_or_skip("socket_filter_on_loopback_takes_each_packet_once_like_tcpdump")
        || !tool_available("tshark")
        || !tool_available("tcpdump")
        || !tool_available("nc")
    {
        return;
    }
    common::socket_filters_fit();
    let _listener = udp_listener(None, 7240);
    let directory = tempfile::tempdir().unwrap();
    let path = |name: &str| directory.path().join(name).to_str().unwrap().to_string();
    let (socket_file, tcpdump_file) = (path("lo.pcapng"), path("lo.pcap"));
    let filter = "udp port 7240";
    let oracle = Tcpdump::start(Command::new("tcpdump"), "lo", &tcpdump_file, filter);
    let running = Running::start(&["-i", "lo", "--backend", "socket-filter", "-w", &socket_file, filter]);
    let sender_pid = send_datagrams("127.0.0.1", 7240, 7, 33);
    thread::sleep(Duration::from_millis(200));
    let finished = running.stop();
    oracle.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let datagrams = udp_datagrams(&socket_file);
    assert_eq!(datagrams.len(), 7, "{datagrams:?}");
    assert_eq!(without_interface(&datagrams), without_interface(&udp_datagrams(&tcpdump_file)));
    for row in tshark_rows(&socket_file) {
        let fields: Vec<&str> = row.split('\t').collect();
        assert_eq!(fields[2], "0x00000002", "{row}");
        assert_eq!(comment_pid(fields[3]), Some(sender_pid), "{row}");
    }
}

/// `-Q in` and `-Q out` on packet sockets, which see both directions: each capture keeps its own, compared with an
/// unfiltered capture taken at the same time.
#[test]
fn socket_filter_keeps_the_direction_q_asks_for() {
    if !root_or_skip("socket_filter_keeps_the_direction_q_asks_for") || !tool_available("tshark") {
        return;
    }
    common::socket_filters_fit();
    let net = VethNamespace::new("sfq", 238);
    net.warm_up();
    let directory = tempfile::tempdir().unwrap();
    let path = |name: &str| directory.path().join(name).to_str().unwrap().to_string();
    let host_if = net.host_if.as_str();
    let captures: Vec<(&str, String, Running)> = ["in", "out", "inout"]
        .into_iter()
        .map(|direction| {
            let file = path(&format!("{direction}.pcapng"));
            let args = ["-i", host_if, "--backend", "socket-filter", "-Q", direction, "-w", &file, "icmp"];
            (direction, file.clone(), Running::start(&args))
        })
        .collect();
    run("ping", &["-c", "3", "-i", "0.2", &net.peer_ip]);
    thread::sleep(Duration::from_millis(200));
    let mut directions_by_capture = std::collections::HashMap::new();
    for (direction, file, running) in captures {
        let finished = running.stop();
        assert!(finished.status.success(), "{}", finished.stderr);
        let fields =
            run("tshark", &["-r", &file, "-T", "fields", "-e", "frame.packet_flags_direction", "-e", "icmp.type"]);
        directions_by_capture.insert(direction, fields.lines().map(str::to_string).collect::<Vec<_>>());
    }
    let everything = &directions_by_capture["inout"];
    // Three requests out, three replies in.
    assert_eq!(everything.iter().filter(|row| *row == "0x00000002\t8").count(), 3, "{everything:?}");
    assert_eq!(everything.iter().filter(|row| *row == "0x00000001\t0").count(), 3, "{everything:?}");
    for (direction, flag) in [("in", "0x00000001"), ("out", "0x00000002")] {
        let expected: Vec<String> = everything.iter().filter(|row| row.starts_with(flag)).cloned().collect();
        assert_eq!(directions_by_capture[direction], expected, "-Q {direction}");
    }
}

/// The kinds of the BPF links process `pid` holds (`link_type` of /proc/PID/fdinfo: tcx, xdp, raw_tracepoint, ...).
fn link_types_of(pid: i32) -> Vec<String> {
    let fdinfo = std::fs::read_dir(format!("/proc/{pid}/fdinfo")).expect("/proc/PID/fdinfo");
    let texts = fdinfo.filter_map(|entry| std::fs::read_to_string(entry.ok()?.path()).ok());
    texts
        .filter_map(|text| Some(text.lines().find_map(|line| line.strip_prefix("link_type:"))?.trim().to_string()))
        .collect()
}

/// What tshark shows of each datagram to `port` in `file`, ptstat's or tcpdump's: the packet's headers and payload
/// ("length src-mac dst-mac ip-id ip-src ip-dst src-port payload"), after "interface direction comment" when
/// `with_metadata`.
fn datagrams_by_tshark(file: &str, port: u16, with_metadata: bool) -> Vec<String> {
    let metadata = ["frame.interface_name", "frame.packet_flags_direction", "frame.comment"];
    let packet = ["frame.len", "eth.src", "eth.dst", "ip.id", "ip.src", "ip.dst", "udp.srcport", "data.data"];
    let filter = format!("udp.dstport == {port}");
    let mut args = vec!["-r", file, "-Y", &filter, "-T", "fields", "-E", "occurrence=f"];
    let shown = if with_metadata { &metadata[..] } else { &[] };
    args.extend(shown.iter().chain(&packet).flat_map(|field| ["-e", field]));
    run("tshark", &args).lines().map(str::to_string).collect()
}

#[test]
fn tp_btf_captures_every_namespace_with_any_new_ones_too_and_attaches_to_no_interface() {
    if !root_or_skip("tp_btf_captures_every_namespace_with_any_new_ones_too_and_attaches_to_no_interface")
        || !tool_available("tshark")
        || !tool_available("tcpdump")
        || !tool_available("nc")
    {
        return;
    }
    let directory = tempfile::tempdir().unwrap();
    let file = directory.path().join("tp-btf.pcapng");
    let file = file.to_str().unwrap();
    if !kernel_reports("packet namespaces: yes") {
        let pair = NamespacePair::new("tbc", 215);
        // Before Linux 6.2 packets cannot tell their namespace: -i any keeps to ptstat's own, and other
        // namespaces are refused with one line.
        let netns = format!("/run/netns/{}", pair.second.0);
        let output =
            Command::new(PTSTAT).args(["--backend", "tp-btf", "--netns", &netns, "-w", file]).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(stderr.lines().last() == Some(NETNS_NEEDS_LINUX_6_2), "{stderr}");
        return;
    }
    // Started before the namespaces and their interfaces exist: they need nothing attached when they come.
    let running = Running::start(&["-i", "any", "--backend", "tp-btf", "-w", file]);
    let pair = NamespacePair::new("tbc", 215);
    let listener = pair.udp_listener(7215);
    let oracle = directory.path().join("tcpdump.pcap");
    let oracle = oracle.to_str().unwrap();
    let tcpdump_command = NamespacePair::command(&pair.second, &["tcpdump"]);
    let tcpdump = Tcpdump::start(tcpdump_command, &pair.second_if, oracle, "udp");
    // Nothing on the interfaces: no XDP program, no clsact qdisc, and ptstat holds no TCX or XDP link, only the
    // tracepoints' and the cgroup socket hooks'.
    for (namespace, interface) in [(&pair.first, &pair.first_if), (&pair.second, &pair.second_if)] {
        let link = run("ip", &["-n", &namespace.0, "-d", "link", "show", interface]);
        assert!(!link.contains("xdp"), "{link}");
        let qdiscs = run("tc", &["-n", &namespace.0, "qdisc", "show", "dev", interface]);
        assert!(!qdiscs.contains("clsact"), "{qdiscs}");
    }
    let links = link_types_of(running.pid());
    assert!(links.iter().any(|kind| kind == "raw_tracepoint" || kind == "tracing"), "{links:?}");
    assert!(links.iter().all(|kind| kind != "tcx" && kind != "xdp"), "{links:?}");
    let mut sender = pair.send_datagrams(7215, 12);
    let sender_pid = sender.id();
    assert!(sender.wait().unwrap().success());
    thread::sleep(Duration::from_millis(200));
    let finished = running.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    tcpdump.stop();

    let sent: Vec<String> = (1..=12).map(|i| format!("datagram-{i:04}")).collect();
    let rows = datagrams_by_tshark(file, 7215, true);
    let fields = |row: &String| row.split('\t').map(str::to_string).collect::<Vec<_>>();
    let rows: Vec<Vec<String>> = rows.iter().map(fields).collect();
    let first_if = format!("{}@{}", pair.first_if, pair.first.0);
    let second_if = format!("{}@{}", pair.second_if, pair.second.0);
    // Each datagram twice, as it left the first namespace and as it came into the second: no other interface.
    let sent_rows: Vec<&Vec<String>> = rows.iter().filter(|row| row[0] == first_if).collect();
    let received_rows: Vec<&Vec<String>> = rows.iter().filter(|row| row[0] == second_if).collect();
    assert_eq!((sent_rows.len(), received_rows.len(), rows.len()), (12, 12, 24), "{rows:?}");
    let sender = format!("PID: {sender_pid}");
    let receiver = format!("PID: {}", listener.0.id());
    for row in &sent_rows {
        assert_eq!(row[1], "0x00000002", "outbound: {row:?}");
        assert!(row[2].contains(&sender) && row[2].contains("Comm: bash"), "{row:?}");
    }
    for row in &received_rows {
        assert_eq!(row[1], "0x00000001", "inbound: {row:?}");
        assert!(row[2].contains(&receiver) && row[2].contains("Comm: nc"), "{row:?}");
    }
    // The payloads sent, in order, in both places.
    let payload = |row: &&Vec<String>| String::from_utf8(hex_bytes(&row[10])).unwrap();
    assert_eq!(sent_rows.iter().map(payload).collect::<Vec<_>>(), sent);
    assert_eq!(received_rows.iter().map(payload).collect::<Vec<_>>(), sent);
    // Byte for byte what tcpdump saw on the second interface at the same time: headers, lengths, payloads.
    let received: Vec<String> = received_rows.iter().map(|row| row[3..].join("\t")).collect();
    assert_eq!(received, datagrams_by_tshark(oracle, 7215, false));
}

/// tcpdump on an interface, writing what `expression` keeps to a file.
struct Tcpdump(Killed);

impl Tcpdump {
    /// Started and listening. Immediate mode: packets reach the file as they come, not when a buffer block fills or
    /// times out, so none is still in the kernel when tcpdump is stopped; `-Z root`: it writes the file as root.
    /// `command` runs tcpdump (in a namespace, say) with the arguments that follow.
    fn start(mut command: Command, interface: &str, file: &str, expression: &str) -> Tcpdump {
        command.args(["-n", "--immediate-mode", "-U", "-Z", "root", "-i", interface, "-w", file, expression]);
        let mut tcpdump = command.stderr(Stdio::piped()).spawn().expect("start tcpdump");
        let mut stderr = BufReader::new(tcpdump.stderr.take().unwrap()).lines();
        assert!(stderr.any(|line| line.is_ok_and(|line| line.contains("listening on"))), "tcpdump did not start");
        // The rest read as it comes, so that tcpdump never waits on a full pipe.
        thread::spawn(move || stderr.for_each(drop));
        Tcpdump(Killed(tcpdump))
    }

    /// Stops it (SIGINT: it writes out what it has) and waits for it.
    fn stop(mut self) {
        // SAFETY: kill(2) on our own child.
        unsafe { libc::kill(self.0.0.id() as i32, libc::SIGINT) };
        assert!(self.0.0.wait().unwrap().success());
    }
}

#[test]
fn tp_btf_runs_the_filter_expression_on_the_chosen_interface_as_tcpdump_does() {
    if !root_or_skip("tp_btf_runs_the_filter_expression_on_the_chosen_interface_as_tcpdump_does")
        || !tool_available("tshark")
        || !tool_available("tcpdump")
        || !tool_available("nc")
    {
        return;
    }
    let net = VethNamespace::new("tbf", 217);
    net.warm_up();
    let _listener = udp_listener(Some(&net), 7217);
    let directory = tempfile::tempdir().unwrap();
    let (file, oracle) = (directory.path().join("tp-btf.pcapng"), directory.path().join("tcpdump.pcap"));
    let (file, oracle) = (file.to_str().unwrap(), oracle.to_str().unwrap());
    // Lengths, the payload's first word, and its last digit odd: "datagram-0001", "-0003", ...
    let expression = "udp and greater 50 and not less 50 and udp[8:4] = 0x64617461 and udp[20] & 1 = 1";
    let tcpdump = Tcpdump::start(Command::new("tcpdump"), &net.host_if, oracle, expression);
    let running = Running::start(&["--backend", "tp-btf", "-i", &net.host_if, "-w", file, expression]);
    let script = numbered_datagrams_script(&net.peer_ip, 7217, 12);
    assert!(Command::new("bash").args(["-c", &script]).status().unwrap().success());
    thread::sleep(Duration::from_millis(200));
    let finished = running.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    tcpdump.stop();
    // The kernel's verdicts: "received by filter" counts what the programs accepted.
    assert_eq!(closing_count(&finished.stderr, "packets received by filter"), 6, "{}", finished.stderr);
    let kept = datagrams_by_tshark(file, 7217, false);
    let payloads: Vec<String> =
        kept.iter().map(|row| String::from_utf8(hex_bytes(row.rsplit('\t').next().unwrap())).unwrap()).collect();
    assert_eq!(payloads, (1..=12).step_by(2).map(|i| format!("datagram-{i:04}")).collect::<Vec<_>>());
    assert_eq!(kept, datagrams_by_tshark(oracle, 7217, false));
}

/// The bytes of tshark's hex (`data.data`: "6461...").
fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len()).step_by(2).map(|at| u8::from_str_radix(&hex[at..at + 2], 16).expect("hex")).collect()
}
