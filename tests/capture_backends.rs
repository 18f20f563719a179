//! Capture on the hooks besides TC: XDP on a veth (received packets, the filter run in the kernel), cgroup-skb on
//! a test cgroup (only its processes' packets, from the IP header on) and socket filters on packet sockets (both
//! directions, nothing on TC, beside a TC capture and tcpdump), read back by tshark with their processes.

mod common;

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    thread,
    time::Duration,
};

use common::{
    Killed, PTSTAT, Running, TestCgroup, VethNamespace, closing_count, datagram_script, kernel_reports, root_or_skip,
    run, tcx_programs, tool_available, udp_listener,
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
        let output = Command::new(PTSTAT).args(["-i", &net.host_if, "--backend", "xdp", "-w", file]).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert_eq!(
            stderr.lines().collect::<Vec<_>>(),
            [
                "ptstat: capture on XDP needs the helper bpf_xdp_load_bytes (Linux 5.18); --stats counts on XDP without it"
            ]
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
    let outside = Command::new("bash").args(["-c", &datagram_script(&net.peer_ip, 7008, 4, 50)]).status().unwrap();
    assert!(outside.success());
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

/// tcpdump writing what it sees of `interface` through `filter` to `file` (`-U`: each packet as it comes), started
/// and listening.
fn tcpdump(interface: &str, file: &str, filter: &str) -> Killed {
    let mut child = Command::new("tcpdump")
        .args(["-i", interface, "-n", "--immediate-mode", "-U", "-Z", "root", "-w", file, filter])
        .stderr(Stdio::piped())
        .spawn()
        .expect("start tcpdump");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    assert!(lines.any(|line| line.is_ok_and(|line| line.contains("listening on"))), "tcpdump did not start");
    thread::spawn(move || lines.for_each(drop));
    Killed(child)
}

/// Stops tcpdump with SIGTERM, so that it flushes its file.
fn stop_tcpdump(mut tcpdump: Killed) {
    // SAFETY: kill(2) on our own child.
    unsafe { libc::kill(tcpdump.0.id() as i32, libc::SIGTERM) };
    assert!(tcpdump.0.wait().unwrap().success());
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
    let oracle = tcpdump(host_if, &tcpdump_file, filter);
    let socket_capture = Running::start(&["-i", host_if, "--backend", "socket-filter", "-w", &socket_file, filter]);
    // Nothing on the interface's TC hooks (neither TCX links nor a clsact qdisc) nor XDP.
    assert_eq!(tcx_programs(host_if), Vec::<String>::new());
    assert!(!run("tc", &["qdisc", "show", "dev", host_if]).contains("clsact"));
    assert!(!run("ip", &["-d", "link", "show", host_if]).contains("xdp"));
    // A TC capture of the same interface at the same time.
    let tc_capture = Running::start(&["-i", host_if, "--backend", "tc", "-w", &tc_file, filter]);
    // Sent: 9 datagrams of one bash; received: 5 for nc here; and what the filter refuses (another port, pings).
    let mut sender = Command::new("bash").args(["-c", &datagram_script(&net.peer_ip, 7233, 9, 120)]).spawn().unwrap();
    let sender_pid = sender.id();
    assert!(sender.wait().unwrap().success());
    net.exec_ok(&["bash", "-c", &datagram_script(&net.host_ip, 7233, 5, 80)]);
    run("bash", &["-c", &datagram_script(&net.peer_ip, 7234, 6, 60)]);
    run("ping", &["-c", "2", "-i", "0.2", &net.peer_ip]);
    thread::sleep(Duration::from_millis(200));
    let finished = socket_capture.stop();
    let tc_finished = tc_capture.stop();
    stop_tcpdump(oracle);
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
    let (first, second) = (VethNamespace::new("sfa", 234), VethNamespace::new("sfb", 235));
    first.warm_up();
    second.warm_up();
    let directory = tempfile::tempdir().unwrap();
    let file = directory.path().join("netns.pcapng");
    let file = file.to_str().unwrap();
    let namespaces = [format!("/run/netns/{}", first.namespace), format!("/run/netns/{}", second.namespace)];
    let args = ["--backend", "socket-filter", "--netns", &namespaces[0], "--netns", &namespaces[1], "-w", file, "udp"];
    if !kernel_reports("packet namespaces: yes") {
        let output = Command::new(PTSTAT).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert_eq!(
            stderr.lines().collect::<Vec<_>>(),
            [
                "ptstat: --netns needs Linux 6.2 or later (the kfunc bpf_cast_to_kern_ctx tells each packet's network namespace)"
            ]
        );
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
    let _listener = udp_listener(None, 7240);
    let directory = tempfile::tempdir().unwrap();
    let path = |name: &str| directory.path().join(name).to_str().unwrap().to_string();
    let (socket_file, tcpdump_file) = (path("lo.pcapng"), path("lo.pcap"));
    let filter = "udp port 7240";
    let oracle = tcpdump("lo", &tcpdump_file, filter);
    let running = Running::start(&["-i", "lo", "--backend", "socket-filter", "-w", &socket_file, filter]);
    let mut sender = Command::new("bash").args(["-c", &datagram_script("127.0.0.1", 7240, 7, 33)]).spawn().unwrap();
    let sender_pid = sender.id();
    assert!(sender.wait().unwrap().success());
    thread::sleep(Duration::from_millis(200));
    let finished = running.stop();
    stop_tcpdump(oracle);
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
