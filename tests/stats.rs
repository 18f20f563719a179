//! Stats mode on the real kernel: exact packet and byte counts per flow, with the process, on every backend (TC,
//! XDP on a veth, cgroup-skb on a test cgroup, socket filters on a veth, the tp-btf tracepoints across two
//! namespaces), and evictions reported when more flows come than the table holds.

mod common;

use std::{
    collections::HashMap,
    fs,
    process::{Child, Command, Stdio},
    thread,
    time::Duration,
};

use common::{
    Killed, NamespacePair, Running, STATS_COLUMNS, TestCgroup, VethNamespace, datagram_script, kernel_reports,
    root_or_skip, send_datagrams, stats_json, tool_available, udp_listener,
};
use serde_json::Value;

fn flows(document: &Value) -> &Vec<Value> {
    document["flows"].as_array().expect("flows array")
}

/// The flow rows with these fields (e.g. proto, src, dst_port).
fn matching<'a>(document: &'a Value, wanted: &[(&str, Value)]) -> Vec<&'a Value> {
    flows(document).iter().filter(|flow| wanted.iter().all(|(field, value)| &flow[*field] == value)).collect()
}

/// UDP headers and above for a datagram of `size` bytes: IPv4 20 + UDP 8.
const IP_UDP: u64 = 28;
const ETHERNET: u64 = 14;

#[test]
fn tc_counts_udp_exactly_with_its_process_in_json_and_table() {
    if !root_or_skip("tc_counts_udp_exactly_with_its_process_in_json_and_table") || !tool_available("nc") {
        return;
    }
    let net = VethNamespace::new("stc", 101);
    net.warm_up();
    let _listener = udp_listener(Some(&net), 7001);
    let host_if = net.host_if.as_str();
    let mut sender_pid = 0;
    let document = stats_json(&["-i", host_if], || {
        // Two flows of known size from two bash processes: 40 × 100 bytes and 7 × 1000 bytes.
        sender_pid = send_datagrams(&net.peer_ip, 7001, 40, 100);
        send_datagrams(&net.peer_ip, 7001, 7, 1000);
    });
    let small =
        matching(&document, &[("proto", "udp".into()), ("dst", net.peer_ip.clone().into()), ("packets", 40.into())]);
    assert_eq!(small.len(), 1, "one flow of 40 datagrams: {document:#}");
    let small = small[0];
    assert_eq!(small["bytes"], 40 * (ETHERNET + IP_UDP + 100), "{small}");
    assert_eq!(small["dst_port"], 7001);
    assert_eq!(small["src"], net.host_ip.as_str());
    assert_eq!(small["pid"], sender_pid, "{small}");
    assert_eq!(small["comm"], "bash", "{small}");
    let big = matching(&document, &[("proto", "udp".into()), ("packets", 7.into())]);
    assert_eq!(big.len(), 1, "{document:#}");
    assert_eq!(big[0]["bytes"], 7 * (ETHERNET + IP_UDP + 1000));
    // Sorted by bitrate: the 7 big datagrams (7098 bytes) before the 40 small ones (5120).
    let position = |flow: &Value| flows(&document).iter().position(|f| f == flow).unwrap();
    assert!(position(big[0]) < position(small), "{document:#}");
    let udp_total = document["totals"].as_array().unwrap().iter().find(|t| t["proto"] == "udp").unwrap();
    assert_eq!(udp_total["packets"], 47);
    assert_eq!(document["evicted_flows"], 0);

    // The same as a table, printed when --timeout ends the count.
    let running = Running::start(&["--stats", "-i", host_if, "--timeout", "2s"]);
    let bash_pid = send_datagrams(&net.peer_ip, 7001, 12, 300);
    let finished = running.wait(Duration::from_secs(10));
    assert!(finished.status.success(), "{}", finished.stderr);
    let table = finished.stdout_text();
    let header = table.lines().next().unwrap();
    assert!(header.split_whitespace().eq(STATS_COLUMNS), "{table}");
    let row =
        table.lines().find(|line| line.contains(&format!("{}:7001", net.peer_ip))).unwrap_or_else(|| panic!("{table}"));
    let cells: Vec<&str> = row.split_whitespace().collect();
    // BITRATE is a number and a unit, then PACKETS BYTES PROTO SRC DST PID COMM.
    let bytes = (12 * (ETHERNET + IP_UDP + 300)).to_string();
    let destination = format!("{}:7001", net.peer_ip);
    let pid = bash_pid.to_string();
    assert_eq!(cells[2..5], ["12", bytes.as_str(), "udp"], "{table}");
    assert_eq!(cells[6..9], [destination.as_str(), pid.as_str(), "bash"], "{table}");
    assert!(table.contains("udp: 12 packets"), "{table}");
}

/// iperf3 sends a known number of bytes over TCP; tcpdump on the same interface at the same time is the oracle
/// for the packets and bytes of each direction of each connection.
#[test]
fn tc_counts_an_iperf3_transfer_as_tcpdump_sees_it() {
    if !root_or_skip("tc_counts_an_iperf3_transfer_as_tcpdump_sees_it")
        || !tool_available("iperf3")
        || !tool_available("tcpdump")
    {
        return;
    }
    let net = VethNamespace::new("sip", 102);
    net.warm_up();
    let _server = Killed(
        net.command(&["iperf3", "-s", "-p", "7002"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap(),
    );
    common::wait_for_listener(&net, 7002);
    let directory = tempfile::tempdir().unwrap();
    let oracle_path = directory.path().join("oracle.pcap");
    let oracle = oracle_path.to_str().unwrap();
    let mut tcpdump = Command::new("tcpdump")
        .args(["-i", &net.host_if, "-n", "--immediate-mode", "-s", "200", "-Z", "root", "-w", oracle, "tcp port 7002"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_tcpdump(&mut tcpdump);
    let mut iperf_pid = 0;
    let document = stats_json(&["-i", &net.host_if, "tcp port 7002"], || {
        let mut client = Command::new("iperf3")
            .args(["-c", &net.peer_ip, "-p", "7002", "-n", "3M"])
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        iperf_pid = client.id();
        assert!(client.wait().unwrap().success());
        // Until both connections are closed (TIME-WAIT sends nothing more): no packet may cross the interface
        // after ptstat stops and before tcpdump does.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !common::run("ss", &["-Htan", "exclude", "time-wait", "dport = :7002"]).trim().is_empty() {
            assert!(std::time::Instant::now() < deadline, "iperf3's connections did not close");
            thread::sleep(Duration::from_millis(50));
        }
    });
    thread::sleep(Duration::from_millis(200));
    // SAFETY: signalling our own child.
    unsafe { libc::kill(tcpdump.id() as i32, libc::SIGINT) };
    tcpdump.wait().unwrap();

    let expected = tcp_flows_in(&oracle_path);
    assert!(expected.len() >= 4, "iperf3 makes a control and a data connection, each both ways: {expected:?}");
    for ((source, source_port, destination, destination_port), (packets, bytes)) in &expected {
        let rows = matching(
            &document,
            &[
                ("proto", "tcp".into()),
                ("src", source.as_str().into()),
                ("src_port", (*source_port).into()),
                ("dst", destination.as_str().into()),
                ("dst_port", (*destination_port).into()),
            ],
        );
        let counted: (u64, u64) = rows
            .iter()
            .fold((0, 0), |(p, b), row| (p + row["packets"].as_u64().unwrap(), b + row["bytes"].as_u64().unwrap()));
        assert_eq!(counted, (*packets, *bytes), "{source}:{source_port} > {destination}:{destination_port}: {rows:?}");
        // Every packet of the client's side names iperf3.
        assert!(rows.iter().all(|row| row["pid"] == iperf_pid && row["comm"] == "iperf3"), "{rows:?}");
    }
    // The transfer crossed the interface. Not all of its 3 MiB need to: iperf3's server may close the data
    // connection once the test ends, and the reset discards what the client still had to send.
    let total_bytes: u64 = expected.values().map(|(_, bytes)| bytes).sum();
    assert!(total_bytes > 1_000_000, "the 3 MB transfer: {total_bytes}");
}

fn wait_for_tcpdump(tcpdump: &mut Child) {
    use std::io::{BufRead, BufReader};
    let stderr = tcpdump.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    assert!(lines.any(|line| line.is_ok_and(|line| line.contains("listening on"))), "tcpdump did not start");
    thread::spawn(move || lines.for_each(drop));
}

type Tuple = (String, u16, String, u16);

/// Packets and bytes (wire length) per direction of each TCP connection in a classic pcap file.
fn tcp_flows_in(path: &std::path::Path) -> HashMap<Tuple, (u64, u64)> {
    let mut reader = pcap_file::pcap::PcapReader::new(fs::File::open(path).unwrap()).unwrap();
    let mut flows = HashMap::new();
    while let Some(packet) = reader.next_packet() {
        let packet = packet.unwrap();
        // Ethernet, then IPv4 (the filter kept TCP only); the captured copy is cut at 200 bytes.
        let ip = &packet.data()[14..];
        let l4 = &ip[usize::from(ip[0] & 0x0f) * 4..];
        let address = |at: usize| std::net::Ipv4Addr::new(ip[at], ip[at + 1], ip[at + 2], ip[at + 3]).to_string();
        let port = |at: usize| u16::from_be_bytes([l4[at], l4[at + 1]]);
        let entry = flows.entry((address(12), port(0), address(16), port(2))).or_insert((0, 0));
        entry.0 += 1;
        entry.1 += u64::from(packet.orig_len());
    }
    flows
}

#[test]
fn xdp_counts_received_datagrams_and_names_the_listener() {
    if !root_or_skip("xdp_counts_received_datagrams_and_names_the_listener") || !tool_available("nc") {
        return;
    }
    let net = VethNamespace::new("sxd", 103);
    net.warm_up();
    let listener = udp_listener(None, 7003);
    let document = stats_json(&["-i", &net.host_if, "--backend", "xdp"], || {
        net.exec_ok(&["bash", "-c", &datagram_script(&net.host_ip, 7003, 25, 200)]);
    });
    let rows = matching(&document, &[("proto", "udp".into()), ("dst_port", 7003.into())]);
    assert_eq!(rows.len(), 1, "{document:#}");
    assert_eq!(rows[0]["packets"], 25);
    assert_eq!(rows[0]["bytes"], 25 * (ETHERNET + IP_UDP + 200));
    assert_eq!(rows[0]["src"], net.peer_ip.as_str());
    // The datagrams arrive for the bound socket of nc: XDP knows it from the bind() hook.
    assert_eq!(rows[0]["pid"], listener.0.id(), "{document:#}");
    assert_eq!(rows[0]["comm"], "nc");
    // Ingress only: nothing sent from here is counted.
    assert!(flows(&document).iter().all(|flow| flow["src"] != net.host_ip.as_str()), "{document:#}");
}

#[test]
fn xdp_counts_only_what_the_filter_expression_accepts() {
    if !root_or_skip("xdp_counts_only_what_the_filter_expression_accepts") || !tool_available("nc") {
        return;
    }
    let net = VethNamespace::new("sxf", 173);
    net.warm_up();
    let _listener = udp_listener(None, 7173);
    let document = stats_json(&["-i", &net.host_if, "--backend", "xdp", "udp"], || {
        net.exec_ok(&["bash", "-c", &datagram_script(&net.host_ip, 7173, 30, 150)]);
        // Echo requests from the peer and replies to ours: ICMP that reaches XDP, which the filter refuses.
        net.exec_ok(&["ping", "-c", "3", "-i", "0.2", &net.host_ip]);
        common::run("ping", &["-c", "3", "-i", "0.2", &net.peer_ip]);
    });
    let rows = matching(&document, &[("proto", "udp".into()), ("dst_port", 7173.into())]);
    assert_eq!(rows.len(), 1, "{document:#}");
    let datagrams_bytes = 30 * (ETHERNET + IP_UDP + 150);
    assert_eq!(rows[0]["packets"], 30, "{document:#}");
    assert_eq!(rows[0]["bytes"], datagrams_bytes, "{document:#}");
    // Nothing else: the datagrams are all the UDP the peer sent, and no ICMP was counted, neither in the table nor
    // in the kernel's per-protocol totals.
    assert_eq!(flows(&document).len(), 1, "{document:#}");
    let totals = document["totals"].as_array().expect("totals array");
    assert_eq!(totals.len(), 1, "{document:#}");
    assert_eq!((&totals[0]["proto"], &totals[0]["packets"]), (&"udp".into(), &30.into()), "{document:#}");
    assert_eq!(totals[0]["bytes"], datagrams_bytes, "{document:#}");
}

/// A cgroup made for the test, removed on drop.
#[test]
fn cgroup_skb_counts_only_the_cgroups_processes() {
    if !root_or_skip("cgroup_skb_counts_only_the_cgroups_processes") || !tool_available("nc") {
        return;
    }
    let net = VethNamespace::new("scg", 104);
    net.warm_up();
    let _listener = udp_listener(Some(&net), 7004);
    let cgroup = TestCgroup::new("ptstat-stats-test");
    let mut inside_pid = 0;
    let document = stats_json(&["--backend", "cgroup-skb", "--cgroup", &cgroup.path], || {
        // One bash moves itself into the test cgroup and sends; another, outside it, sends too.
        let script =
            format!("echo $$ > {}/cgroup.procs; {}", cgroup.path, datagram_script(&net.peer_ip, 7004, 30, 500));
        let mut inside = Command::new("bash").args(["-c", &script]).spawn().unwrap();
        inside_pid = inside.id();
        assert!(inside.wait().unwrap().success());
        send_datagrams(&net.peer_ip, 7004, 9, 500);
    });
    let rows = matching(&document, &[("proto", "udp".into()), ("dst_port", 7004.into())]);
    assert_eq!(rows.len(), 1, "only the cgroup's flow: {document:#}");
    assert_eq!(rows[0]["packets"], 30);
    // cgroup-skb sees packets from the IP header on.
    assert_eq!(rows[0]["bytes"], 30 * (IP_UDP + 500));
    assert_eq!(rows[0]["pid"], inside_pid);
    assert_eq!(rows[0]["comm"], "bash");
    assert_eq!(rows[0]["cgroup"], "/ptstat-stats-test", "{document:#}");
}

#[test]
fn a_flood_of_flows_larger_than_the_table_reports_evictions() {
    if !root_or_skip("a_flood_of_flows_larger_than_the_table_reports_evictions") {
        return;
    }
    let net = VethNamespace::new("sev", 105);
    net.warm_up();
    // 300 datagrams, each from a port of its own: 300 flows for a table of 32.
    let document = stats_json(&["-i", &net.host_if, "-Q", "out", "--stats-entries", "32", "udp"], || {
        for port in 21000..21300 {
            let socket = std::net::UdpSocket::bind((net.host_ip.as_str(), port)).unwrap();
            socket.send_to(b"x", (net.peer_ip.as_str(), 7005)).unwrap();
        }
    });
    let rows = flows(&document).len() as u64;
    let evicted = document["evicted_flows"].as_u64().unwrap();
    assert!(rows <= 32, "{rows} rows in a table of 32");
    assert!(evicted > 0, "{document:#}");
    assert_eq!(rows + evicted, 300, "every flow is either in the table or counted as evicted");
    let udp_total = document["totals"].as_array().unwrap().iter().find(|t| t["proto"] == "udp").unwrap();
    assert_eq!(udp_total["packets"], 300, "the totals stay exact");
}

/// The counts of the one Interface Statistics Block of `path`, as tshark dissects the PcapNG blocks themselves:
/// (received, dropped, accepted by filter, delivered).
fn interface_statistics_by_tshark(path: &str) -> (u64, u64, u64, u64) {
    let prefix = "pcapng.options.option.data.interface.";
    let fields = ["received", "dropped", "accepted_by_filter", "delivered_to_user"];
    let mut args = vec!["-X", "read_format:MIME Files Format", "-r", path, "-T", "fields"];
    let names: Vec<String> = fields.iter().map(|field| format!("{prefix}{field}")).collect();
    for name in &names {
        args.extend(["-e", name.as_str()]);
    }
    let output = common::run("tshark", &args);
    let line = output.lines().find(|line| !line.trim().is_empty()).unwrap_or_else(|| panic!("no ISB: {output}"));
    let numbers: Vec<u64> = line.split('\t').map(|field| field.parse().unwrap_or_else(|_| panic!("{line}"))).collect();
    (numbers[0], numbers[1], numbers[2], numbers[3])
}

#[test]
fn a_capture_ends_with_its_top_flows_and_interface_statistics_blocks() {
    if !root_or_skip("a_capture_ends_with_its_top_flows_and_interface_statistics_blocks")
        || !tool_available("tshark")
        || !tool_available("nc")
    {
        return;
    }
    let net = VethNamespace::new("sib", 106);
    net.warm_up();
    let _listener = udp_listener(Some(&net), 7006);
    let directory = tempfile::tempdir().unwrap();
    let file = directory.path().join("capture.pcapng");
    let file = file.to_str().unwrap();
    let running = Running::start(&["-i", &net.host_if, "-w", file, "udp"]);
    let bash_pid = send_datagrams(&net.peer_ip, 7006, 40, 64);
    // Two pings there and back: seen by the hook, refused by the filter.
    common::run("ping", &["-c", "2", "-i", "0.2", &net.peer_ip]);
    thread::sleep(Duration::from_millis(200));
    let finished = running.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    assert_eq!(finished.captured(), 40, "{}", finished.stderr);

    // After tcpdump's counters: the busiest flows, with their process.
    let counters_end = finished.stderr.find("dropped by kernel").expect("tcpdump's counters");
    let top = &finished.stderr[counters_end..];
    assert!(top.contains("Top 1 of 1 flows by bytes:"), "{top}");
    let destination = format!("{}:7006", net.peer_ip);
    let row = top.lines().find(|line| line.contains(&destination)).unwrap_or_else(|| panic!("{top}"));
    let cells: Vec<&str> = row.split_whitespace().collect();
    let bytes = (40 * (ETHERNET + IP_UDP + 64)).to_string();
    let pid = bash_pid.to_string();
    assert_eq!(cells[2..5], ["40", bytes.as_str(), "udp"], "{top}");
    assert_eq!(cells[7..9], [pid.as_str(), "bash"], "{top}");

    // Wireshark's capture file properties read the Interface Statistics Block: the hook saw the pings too.
    let (received, dropped, accepted, delivered) = interface_statistics_by_tshark(file);
    assert_eq!((dropped, accepted, delivered), (0, 40, 40));
    assert!(received >= 44, "received {received}: the 40 datagrams and the 4 ICMP packets at least");

    // Its start and end times enclose the packets.
    let mut reader = pcap_file::pcapng::PcapNgReader::new(fs::File::open(file).unwrap()).unwrap();
    let (mut packet_times, mut bounds) = (Vec::new(), None);
    while let Some(block) = reader.next_block() {
        use pcap_file::pcapng::{
            Block,
            blocks::interface_statistics::InterfaceStatisticsOption::{IsbEndTime, IsbStartTime},
        };
        match block.unwrap().0 {
            Block::EnhancedPacket(packet) => packet_times.push(packet.timestamp),
            Block::InterfaceStatistics(statistics) => {
                let time = |wanted: fn(&_) -> Option<Duration>| statistics.options.iter().find_map(wanted).unwrap();
                let start = time(|option| if let IsbStartTime(at) = option { Some(*at) } else { None });
                let end = time(|option| if let IsbEndTime(at) = option { Some(*at) } else { None });
                bounds = Some((start, end));
            }
            _ => {}
        }
    }
    let (start, end) = bounds.expect("an Interface Statistics Block");
    assert!(packet_times.iter().all(|at| start <= *at && at <= &end), "{start:?}..{end:?}: {packet_times:?}");
}

#[test]
fn any_counts_on_interfaces_created_after_start() {
    if !root_or_skip("any_counts_on_interfaces_created_after_start") || !tool_available("nc") {
        return;
    }
    let mut net = None;
    let document = stats_json(&["-i", "any", "udp port 7009"], || {
        let created = VethNamespace::new("sny", 109);
        // ptstat looks for new interfaces every second.
        thread::sleep(Duration::from_millis(1500));
        let _listener = udp_listener(Some(&created), 7009);
        let sent = Command::new("bash").args(["-c", &datagram_script(&created.peer_ip, 7009, 15, 10)]).status();
        assert!(sent.unwrap().success());
        net = Some(created);
    });
    let net = net.unwrap();
    let rows = matching(&document, &[("dst", net.peer_ip.as_str().into()), ("dst_port", 7009.into())]);
    assert_eq!(rows.len(), 1, "{document:#}");
    assert_eq!(rows[0]["packets"], 15);
    assert_eq!(rows[0]["bytes"], 15 * (ETHERNET + IP_UDP + 10));
}

#[test]
fn clsact_counts_exactly_and_leaves_nothing_behind() {
    if !root_or_skip("clsact_counts_exactly_and_leaves_nothing_behind") || !tool_available("nc") {
        return;
    }
    let net = VethNamespace::new("scl", 106);
    net.warm_up();
    let _listener = udp_listener(Some(&net), 7006);
    let host_if = net.host_if.as_str();
    let document = stats_json(&["-i", host_if, "--tc-mode", "clsact"], || {
        let filters = common::run("tc", &["filter", "show", "dev", host_if, "egress"]);
        assert!(filters.contains("stats_egress") && filters.contains("direct-action"), "{filters}");
        let script = datagram_script(&net.peer_ip, 7006, 25, 200);
        assert!(Command::new("bash").args(["-c", &script]).status().unwrap().success());
    });
    let rows = matching(&document, &[("proto", "udp".into()), ("dst_port", 7006.into())]);
    assert_eq!(rows.len(), 1, "{document:#}");
    assert_eq!((&rows[0]["packets"], &rows[0]["bytes"]), (&25.into(), &(25 * (ETHERNET + IP_UDP + 200)).into()));
    // (No check of TCX here: a test of `-i any` running alongside attaches to every new interface.)
    let qdiscs = common::run("tc", &["qdisc", "show", "dev", host_if]);
    assert!(!qdiscs.contains("clsact"), "clsact qdisc left on {host_if}:\n{qdiscs}");
}

/// The filter rejects a connection's outgoing packets, whose sockets tell whom the flow belongs to; the kernel
/// still learns the flow from them, as a capture does, so the incoming packets it counts name their process.
#[test]
fn packets_the_filter_rejects_still_teach_the_flows_owner() {
    if !root_or_skip("packets_the_filter_rejects_still_teach_the_flows_owner") || !tool_available("nc") {
        return;
    }
    let net = VethNamespace::new("srj", 107);
    net.warm_up();
    let _server = Killed(common::tcp_sink_in(&net, 7007));
    common::wait_for_listener(&net, 7007);
    let mut client_pid = 0;
    let document = stats_json(&["-i", &net.host_if, "inbound and tcp"], || {
        // A connection without data: no send or receive call, only the handshake and the close.
        let mut nc = Command::new("nc").args(["-z", "-w", "2", &net.peer_ip, "7007"]).spawn().unwrap();
        client_pid = nc.id();
        assert!(nc.wait().unwrap().success());
    });
    let replies = matching(&document, &[("proto", "tcp".into()), ("src_port", 7007.into())]);
    assert_eq!(replies.len(), 1, "{document:#}");
    assert_eq!((&replies[0]["pid"], &replies[0]["comm"]), (&client_pid.into(), &"nc".into()), "{document:#}");
    assert!(matching(&document, &[("dst_port", 7007.into())]).is_empty(), "outbound packets counted: {document:#}");
}

#[test]
fn socket_filter_counts_exactly_the_datagrams_of_each_direction_with_their_processes() {
    if !root_or_skip("socket_filter_counts_exactly_the_datagrams_of_each_direction_with_their_processes")
        || !tool_available("nc")
    {
        return;
    }
    common::socket_filters_fit();
    let net = VethNamespace::new("sfs", 236);
    net.warm_up();
    let _peer_listener = udp_listener(Some(&net), 7237);
    let host_listener = udp_listener(None, 7238);
    let mut sender_pid = 0;
    let document = stats_json(&["-i", &net.host_if, "--backend", "socket-filter", "udp"], || {
        sender_pid = send_datagrams(&net.peer_ip, 7237, 23, 140);
        net.exec_ok(&["bash", "-c", &datagram_script(&net.host_ip, 7238, 6, 210)]);
        // ICMP both ways, which the filter refuses.
        common::run("ping", &["-c", "2", "-i", "0.2", &net.peer_ip]);
    });
    let sent = matching(&document, &[("proto", "udp".into()), ("dst_port", 7237.into())]);
    assert_eq!(sent.len(), 1, "{document:#}");
    assert_eq!((&sent[0]["packets"], &sent[0]["bytes"]), (&23.into(), &(23 * (ETHERNET + IP_UDP + 140)).into()));
    assert_eq!((&sent[0]["src"], &sent[0]["dst"]), (&net.host_ip.as_str().into(), &net.peer_ip.as_str().into()));
    assert_eq!((&sent[0]["pid"], &sent[0]["comm"]), (&sender_pid.into(), &"bash".into()), "{document:#}");
    let received = matching(&document, &[("proto", "udp".into()), ("dst_port", 7238.into())]);
    assert_eq!(received.len(), 1, "{document:#}");
    assert_eq!((&received[0]["packets"], &received[0]["bytes"]), (&6.into(), &(6 * (ETHERNET + IP_UDP + 210)).into()));
    assert_eq!(received[0]["src"], net.peer_ip.as_str());
    assert_eq!((&received[0]["pid"], &received[0]["comm"]), (&host_listener.0.id().into(), &"nc".into()));
    // Nothing else passed the filter in the kernel.
    assert_eq!(flows(&document).len(), 2, "{document:#}");
    let totals = document["totals"].as_array().expect("totals array");
    assert_eq!(totals.len(), 1, "{document:#}");
    assert_eq!((&totals[0]["proto"], &totals[0]["packets"]), (&"udp".into(), &29.into()), "{document:#}");
}

#[test]
fn tp_btf_counts_the_datagrams_of_the_chosen_interface_or_of_every_namespace() {
    if !root_or_skip("tp_btf_counts_the_datagrams_of_the_chosen_interface_or_of_every_namespace")
        || !tool_available("nc")
    {
        return;
    }
    let pair = NamespacePair::new("tbs", 216);
    let netns = format!("/run/netns/{}", pair.first.0);
    if !kernel_reports("packet namespaces: yes") {
        // Before Linux 6.2 packets cannot tell their namespace: other namespaces are refused with one line.
        let output = Command::new(common::PTSTAT)
            .args(["--stats", "--backend", "tp-btf", "--netns", &netns, "-i", &pair.first_if])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(stderr.lines().last() == Some(common::NETNS_NEEDS_LINUX_6_2), "{stderr}");
        return;
    }
    let listener = pair.udp_listener(7216);
    let udp_to_listener = [("proto", "udp".into()), ("dst_port", 7216.into())];
    // "datagram-0001": 13 bytes of payload.
    let datagram_bytes = ETHERNET + IP_UDP + 13;

    // One interface of one namespace: the datagrams as they leave the first, with the bash that sent them; not as
    // they arrive in the second.
    let mut sender_pid = 0;
    let document = stats_json(&["--backend", "tp-btf", "--netns", &netns, "-i", &pair.first_if], || {
        let mut sender = pair.send_datagrams(7216, 21);
        sender_pid = sender.id();
        assert!(sender.wait().unwrap().success());
    });
    let rows = matching(&document, &udp_to_listener);
    assert_eq!(rows.len(), 1, "{document:#}");
    assert_eq!((&rows[0]["packets"], &rows[0]["bytes"]), (&21.into(), &(21 * datagram_bytes).into()), "{document:#}");
    assert_eq!((&rows[0]["pid"], &rows[0]["comm"]), (&sender_pid.into(), &"bash".into()), "{document:#}");
    assert_eq!(rows[0]["src"], pair.first_ip.as_str());

    // Every interface of every namespace: both ends, each with its process.
    let document = stats_json(&["--backend", "tp-btf", "-i", "any"], || {
        let mut sender = pair.send_datagrams(7216, 17);
        sender_pid = sender.id();
        assert!(sender.wait().unwrap().success());
    });
    let rows = matching(&document, &udp_to_listener);
    assert_eq!(rows.len(), 2, "{document:#}");
    let by_process = |pid: u32| rows.iter().find(|row| row["pid"] == pid).unwrap_or_else(|| panic!("{document:#}"));
    for (pid, comm) in [(sender_pid, "bash"), (listener.0.id(), "nc")] {
        let row = by_process(pid);
        assert_eq!(
            (&row["packets"], &row["bytes"], &row["comm"]),
            (&17.into(), &(17 * datagram_bytes).into(), &comm.into())
        );
    }

    // -Q in: netif_receive_skb alone, so only the receiving end.
    let document = stats_json(&["--backend", "tp-btf", "-i", "any", "-Q", "in"], || {
        assert!(pair.send_datagrams(7216, 8).wait().unwrap().success());
    });
    let rows = matching(&document, &udp_to_listener);
    assert_eq!(rows.len(), 1, "{document:#}");
    assert_eq!((&rows[0]["packets"], &rows[0]["pid"]), (&8.into(), &listener.0.id().into()), "{document:#}");

    // A filter expression, run in the kernel on the copied headers: the datagrams whose last digit is odd.
    let document = stats_json(&["--backend", "tp-btf", "-i", "any", "udp dst port 7216 and udp[20] & 1 = 1"], || {
        assert!(pair.send_datagrams(7216, 10).wait().unwrap().success());
    });
    let rows = matching(&document, &udp_to_listener);
    let packets: Vec<&Value> = rows.iter().map(|row| &row["packets"]).collect();
    assert_eq!(packets, [&Value::from(5), &Value::from(5)], "{document:#}");
    assert_eq!(flows(&document).len(), 2, "nothing else: {document:#}");
}
