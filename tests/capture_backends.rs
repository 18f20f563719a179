//! Capture on the hooks besides TC: XDP on a veth (received packets, the filter run in the kernel) and cgroup-skb on
//! a test cgroup (only its processes' packets, from the IP header on), read back by tshark with their processes.

mod common;

use std::{process::Command, thread, time::Duration};

use common::{
    PTSTAT, Running, TestCgroup, VethNamespace, closing_count, datagram_script, kernel_reports, root_or_skip, run,
    tool_available, udp_listener,
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
