//! Issue 15's views: SIGUSR1's counters while capturing, `--stats --group-by` in the table and JSON, and
//! `--exit-over`. Each test has its own namespace, subnet and ports, so they run in parallel with the others.

mod common;

use std::process::Command;

use common::{Running, VethNamespace, datagram_script, root_or_skip, tool_available, udp_listener};

/// Sends `count` datagrams of `size` bytes from one bash process here to `address:port`; its pid.
fn send_datagrams(address: &str, port: u16, count: usize, size: usize) -> u32 {
    let mut bash = Command::new("bash").args(["-c", &datagram_script(address, port, count, size)]).spawn().unwrap();
    assert!(bash.wait().unwrap().success());
    bash.id()
}

/// tcpdump's SIGUSR1 line: its three counts on one line, after the program's name.
fn counters_line(captured: u64, received: u64, dropped: u64) -> String {
    format!(
        "ptstat: {captured} packets captured, {received} packets received by filter, {dropped} packets dropped by kernel"
    )
}

#[test]
fn sigusr1_prints_the_counters_so_far_and_capture_goes_on() {
    if !root_or_skip("sigusr1_prints_the_counters_so_far_and_capture_goes_on") || !tool_available("nc") {
        return;
    }
    let net = VethNamespace::new("vsu", 151);
    net.warm_up();
    let _listener = udp_listener(Some(&net), 7151);
    let mut running = Running::start(&["-i", &net.host_if, "-n", "udp port 7151"]);
    // TC's egress hook runs in the sender's write: once bash has exited, the kernel has counted (and copied) each
    // datagram, and SIGUSR1 hands on what is in the ring before it counts.
    send_datagrams(&net.peer_ip, 7151, 5, 40);
    running.signal(libc::SIGUSR1);
    running.wait_for_stderr(&counters_line(5, 5, 0), std::time::Duration::from_secs(10));
    send_datagrams(&net.peer_ip, 7151, 3, 40);
    running.signal(libc::SIGUSR1);
    running.wait_for_stderr(&counters_line(8, 8, 0), std::time::Duration::from_secs(10));
    let finished = running.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    assert_eq!(finished.captured(), 8, "{}", finished.stderr);
    let lines = finished.stdout_text();
    assert_eq!(lines.lines().filter(|line| line.contains(&format!("{}.7151: UDP", net.peer_ip))).count(), 8, "{lines}");
}
