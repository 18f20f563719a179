//! Issue 15's views: SIGUSR1's counters while capturing, `--stats --group-by` in the table and JSON, and
//! `--exit-over`. Each test has its own namespace, subnet and ports, so they run in parallel with the others.

mod common;

use std::{process::Command, thread, time::Duration};

use common::{
    Running, VethNamespace, counters_of, datagram_script, json_document, refusal, root_or_skip, send_datagrams,
    tool_available, udp_listener,
};
use serde_json::Value;

/// Link, IPv4 and UDP headers of a datagram on a veth: its bytes as TC counts them are this plus its payload.
const HEADERS: u64 = 14 + 20 + 8;

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
    running.wait_for_stderr(&counters_line(5, 5, 0), Duration::from_secs(10));
    send_datagrams(&net.peer_ip, 7151, 3, 40);
    running.signal(libc::SIGUSR1);
    running.wait_for_stderr(&counters_line(8, 8, 0), Duration::from_secs(10));
    let finished = running.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    assert_eq!(finished.captured(), 8, "{}", finished.stderr);
    let lines = finished.stdout_text();
    assert_eq!(lines.lines().filter(|line| line.contains(&format!("{}.7151: UDP", net.peer_ip))).count(), 8, "{lines}");
}

#[test]
fn sigusr1_counts_the_packets_a_full_ring_buffer_dropped() {
    if !root_or_skip("sigusr1_counts_the_packets_a_full_ring_buffer_dropped") || !tool_available("nc") {
        return;
    }
    let net = VethNamespace::new("vsd", 157);
    net.warm_up();
    let _listener = udp_listener(Some(&net), 7159);
    // A ring of one page and a flood written in one burst: the kernel fills the ring faster than ptstat drains it.
    let mut running = Running::start(&["-i", &net.host_if, "-B", "4", "-w", "/dev/null", "udp port 7159"]);
    send_datagrams(&net.peer_ip, 7159, 20000, 1000);
    running.signal(libc::SIGUSR1);
    running.wait_for_stderr("packets dropped by kernel", Duration::from_secs(10));
    let line = running.stderr_seen.iter().find(|line| line.contains("dropped by kernel")).unwrap().clone();
    let [captured, received, dropped] = counters_of(&line);
    // Every datagram was counted in its sender's write: each one is captured or dropped, none is on its way.
    assert_eq!(received, 20000, "{line}");
    assert!(dropped > 0, "a one-page ring keeps up with no flood: {line}");
    assert_eq!(captured + dropped, received, "{line}");
    let finished = running.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let closing = |what| common::closing_count(&finished.stderr, what);
    assert_eq!(
        [closing("packets captured"), closing("packets received by filter"), closing("packets dropped by kernel")],
        [captured, received, dropped],
        "nothing came after the flood: {}",
        finished.stderr
    );
}

#[test]
fn sigusr1_while_counting_prints_the_packets_and_flows_so_far() {
    if !root_or_skip("sigusr1_while_counting_prints_the_packets_and_flows_so_far") || !tool_available("nc") {
        return;
    }
    let net = VethNamespace::new("vsc", 156);
    net.warm_up();
    let _listener = udp_listener(Some(&net), 7158);
    let mut running = Running::start(&["--stats", "--json", "-i", &net.host_if, "udp port 7158"]);
    // Counted in the sender's write, as in capture.
    send_datagrams(&net.peer_ip, 7158, 4, 40);
    running.signal(libc::SIGUSR1);
    running.wait_for_stderr("ptstat: 4 packets counted in 1 flow", Duration::from_secs(10));
    send_datagrams(&net.peer_ip, 7158, 2, 40);
    let document = stop_for_json(running);
    assert_eq!(rows(&document, "flows").iter().map(|flow| flow["packets"].as_u64().unwrap()).sum::<u64>(), 6);
}

/// The JSON document a `--stats --json` ptstat printed when stopped.
fn stop_for_json(running: Running) -> Value {
    // The last packets cross the hooks before the count ends.
    thread::sleep(Duration::from_millis(200));
    let finished = running.stop();
    assert!(finished.status.success(), "ptstat failed: {}", finished.stderr);
    json_document(&finished.stdout)
}

fn rows<'a>(document: &'a Value, field: &str) -> &'a Vec<Value> {
    document[field].as_array().unwrap_or_else(|| panic!("no {field} array: {document:#}"))
}

/// The one row of `document[field]` whose `key` is `value`.
fn row_with<'a>(document: &'a Value, field: &str, key: &str, value: &Value) -> &'a Value {
    let found: Vec<&Value> = rows(document, field).iter().filter(|row| &row[key] == value).collect();
    assert_eq!(found.len(), 1, "one {field} row with {key} {value}: {document:#}");
    found[0]
}

#[test]
fn grouped_json_sums_the_flows_of_each_process_protocol_and_remote() {
    if !root_or_skip("grouped_json_sums_the_flows_of_each_process_protocol_and_remote") || !tool_available("nc") {
        return;
    }
    let net = VethNamespace::new("vgj", 152);
    net.warm_up();
    let _listener = udp_listener(Some(&net), 7152);
    let counting = |group_by: &[&str]| {
        let mut args = vec!["--stats", "--json", "-i", &net.host_if, "udp port 7152 or icmp"];
        args.extend_from_slice(group_by);
        Running::start(&args)
    };
    // At the same time: every flow, and the same flows grouped three ways.
    let (flows, by_process, by_proto, by_remote) = (
        counting(&[]),
        counting(&["--group-by", "process"]),
        counting(&["--group-by", "proto"]),
        counting(&["--group-by", "remote"]),
    );
    // One bash sends two flows (two sockets: 10 × 100 and 5 × 200 bytes), another one flow (7 × 300 bytes); ping
    // sends 3 requests, answered.
    let two_flows =
        format!("{}; {}", datagram_script(&net.peer_ip, 7152, 10, 100), datagram_script(&net.peer_ip, 7152, 5, 200));
    let mut first = Command::new("bash").args(["-c", &two_flows]).spawn().unwrap();
    assert!(first.wait().unwrap().success());
    let second = send_datagrams(&net.peer_ip, 7152, 7, 300);
    common::run("ping", &["-c", "3", "-i", "0.2", &net.peer_ip]);
    let (flows, by_process, by_proto, by_remote) =
        (stop_for_json(flows), stop_for_json(by_process), stop_for_json(by_proto), stop_for_json(by_remote));

    let sent = [(first.id(), 15, 10 * (HEADERS + 100) + 5 * (HEADERS + 200), 2), (second, 7, 7 * (HEADERS + 300), 1)];
    for (pid, datagrams, bytes, flow_count) in sent {
        let of_pid: Vec<&Value> = rows(&flows, "flows").iter().filter(|flow| flow["pid"] == pid).collect();
        let summed = |field: &str| of_pid.iter().map(|flow| flow[field].as_u64().unwrap()).sum::<u64>();
        assert_eq!((summed("packets"), summed("bytes"), of_pid.len()), (datagrams, bytes, flow_count), "{flows:#}");
        let group = row_with(&by_process, "groups", "pid", &pid.into());
        assert_eq!(group["comm"], "bash", "{group}");
        assert_eq!(
            (&group["packets"], &group["bytes"], &group["flows"]),
            (&datagrams.into(), &bytes.into(), &flow_count.into())
        );
    }
    assert_eq!(by_process["group_by"], serde_json::json!(["process"]));

    // By protocol: the 22 datagrams, and the 3 echo requests with their 3 replies (ping's 56 bytes of data after
    // the 8 of ICMP's header, in IPv4 and Ethernet).
    let echo_bytes = 14 + 20 + 8 + 56;
    for (proto, packets, bytes) in [("udp", 22, sent[0].2 + sent[1].2), ("icmp", 6, 6 * echo_bytes)] {
        let group = row_with(&by_proto, "groups", "proto", &proto.into());
        assert_eq!((&group["packets"], &group["bytes"]), (&packets.into(), &bytes.into()), "{by_proto:#}");
    }
    // By remote address: every packet, the replies coming from it included, has the peer at its other end.
    let remote = row_with(&by_remote, "groups", "remote", &net.peer_ip.as_str().into());
    assert_eq!(rows(&by_remote, "groups").len(), 1, "{by_remote:#}");
    assert_eq!(remote["packets"], 28, "{by_remote:#}");
    assert_eq!(remote["flows"], rows(&flows, "flows").len(), "{by_remote:#}");
}

#[test]
fn exit_over_ends_with_code_2_once_a_group_or_flow_crosses_it() {
    if !root_or_skip("exit_over_ends_with_code_2_once_a_group_or_flow_crosses_it") || !tool_available("nc") {
        return;
    }
    let net = VethNamespace::new("vxo", 153);
    net.warm_up();
    let _listener = udp_listener(Some(&net), 7153);
    let counting = |extra: &[&str]| {
        let mut args = vec!["--stats", "-i", &net.host_if, "--refresh", "200ms", "udp port 7153"];
        args.extend_from_slice(extra);
        Running::start(&args)
    };
    // Two flows of one process, 3 × 1000 bytes each (3126 bytes counted): only their sum crosses 5K.
    let per_flow = counting(&["--exit-over", "5K", "--timeout", "4s", "--json"]);
    let grouped = counting(&["--exit-over", "5K", "--group-by", "process", "--json"]);
    let rate = counting(&["--exit-over", "1Mbit/s", "--timeout", "4s"]);
    let script =
        format!("{}; {}", datagram_script(&net.peer_ip, 7153, 3, 1000), datagram_script(&net.peer_ip, 7153, 3, 1000));
    let mut bash = Command::new("bash").args(["-c", &script]).spawn().unwrap();
    assert!(bash.wait().unwrap().success());

    let grouped = grouped.wait(Duration::from_secs(10));
    assert_eq!(grouped.status.code(), Some(2), "{}", grouped.stderr);
    assert!(
        grouped.stderr.contains(&format!("process bash.{} crossed --exit-over 5000 bytes", bash.id())),
        "{}",
        grouped.stderr
    );
    let document = json_document(&grouped.stdout);
    let group = row_with(&document, "groups", "pid", &bash.id().into());
    assert_eq!((&group["packets"], &group["bytes"]), (&6.into(), &(6 * (HEADERS + 1000)).into()));
    // Each flow stays under the size; 6 datagrams over a 200 ms interval are well under the rate.
    for running in [per_flow, rate] {
        let finished = running.wait(Duration::from_secs(10));
        assert_eq!(finished.status.code(), Some(0), "{}", finished.stderr);
    }

    // A flow alone crosses a smaller size; the table is printed first.
    let crossed = counting(&["--exit-over", "3000"]);
    send_datagrams(&net.peer_ip, 7153, 3, 1000);
    let crossed = crossed.wait(Duration::from_secs(10));
    assert_eq!(crossed.status.code(), Some(2), "{}", crossed.stderr);
    assert!(crossed.stderr.contains(&format!("flow udp {}:", net.host_ip)), "{}", crossed.stderr);
    let table = crossed.stdout_text();
    assert!(table.contains(&format!("{}:7153", net.peer_ip)) && table.contains("udp: 3 packets"), "{table}");
}

#[test]
fn bad_group_and_threshold_values_are_one_line_and_exit_1() {
    for args in [
        &["--stats", "--exit-over", "10Q"][..],
        &["--stats", "--exit-over", "5Mbit"],
        &["--stats", "--group-by", "process,host"],
        &["--group-by", "process"],
        &["--stats", "--tui", "--exit-over", "1M"],
    ] {
        let line = refusal(args);
        assert!(line.starts_with("ptstat: "), "{args:?}: {line}");
    }
}
