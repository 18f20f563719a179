//! Statistics and connection logs from capture files: `-r --stats [--json]` and `-r --connections` of a capture
//! written with -w while a live `--stats --json` (or `--connections`) counted the same traffic at the same time
//! give the live rows (packets and bytes per flow and process) and lines; the datagrams sent are the other oracle,
//! and the file's own timestamps (read with pcap-file) the duration. A capture of tcpdump's has no comments: its
//! flows have no process.

mod common;

use std::{
    collections::BTreeMap,
    fs,
    process::{Command, Output, Stdio},
    thread,
    time::Duration,
};

use common::{
    PTSTAT, Running, STATS_COLUMNS, VethNamespace, json_document, refusal, root_or_skip, run_side_by_side,
    send_datagrams, tool_available, udp_listener,
};
use serde_json::Value;

/// Ethernet, IPv4 and UDP headers before a datagram's payload.
const HEADERS: u64 = 14 + 20 + 8;

/// ptstat with these arguments, run to its end.
fn ptstat(args: &[&str]) -> Output {
    let output = Command::new(PTSTAT).args(args).output().expect("run ptstat");
    assert!(output.status.success(), "ptstat {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    output
}

/// A flow row's identity: protocol, source, source port, destination, destination port, pid.
type FlowId = (String, String, u64, String, u64, u64);

/// A flow row's counts and names: packets, bytes, comm, cgroup, container.
type FlowFacts = (u64, u64, String, String, Value);

/// The rows of a `--stats --json` document by flow (the live netns cookie, which a file does not keep, and the
/// bitrates, which depend on the duration, left out).
fn rows(document: &Value) -> BTreeMap<FlowId, FlowFacts> {
    let text = |row: &Value, field: &str| row[field].as_str().unwrap_or_else(|| panic!("{field}: {row}")).to_string();
    let number = |row: &Value, field: &str| row[field].as_u64().unwrap_or_else(|| panic!("{field}: {row}"));
    document["flows"]
        .as_array()
        .expect("flows")
        .iter()
        .map(|row| {
            let id = (
                text(row, "proto"),
                text(row, "src"),
                number(row, "src_port"),
                text(row, "dst"),
                number(row, "dst_port"),
                number(row, "pid"),
            );
            let facts = (
                number(row, "packets"),
                number(row, "bytes"),
                text(row, "comm"),
                text(row, "cgroup"),
                row["container"].clone(),
            );
            (id, facts)
        })
        .collect()
}

/// The time from the first to the last packet of a PcapNG file, as pcap-file reads its blocks.
fn capture_span(path: &str) -> Duration {
    let mut reader = pcap_file::pcapng::PcapNgReader::new(fs::File::open(path).unwrap()).unwrap();
    let mut times = Vec::new();
    while let Some(block) = reader.next_block() {
        if let pcap_file::pcapng::Block::EnhancedPacket(packet) = block.unwrap().0 {
            times.push(packet.timestamp);
        }
    }
    let (first, last) = (times.iter().min().expect("packets"), times.iter().max().expect("packets"));
    *last - *first
}

#[test]
fn stats_of_a_saved_capture_equal_the_live_stats_of_the_same_traffic() {
    if !root_or_skip("stats_of_a_saved_capture_equal_the_live_stats_of_the_same_traffic") || !tool_available("nc") {
        return;
    }
    let net = VethNamespace::new("sfj", 216);
    net.warm_up();
    let _listener = udp_listener(Some(&net), 7216);
    let directory = tempfile::tempdir().unwrap();
    let file = directory.path().join("saved.pcapng");
    let file = file.to_str().unwrap();
    let filter = "udp port 7216";
    let host_if = net.host_if.as_str();
    let (mut small_sender, mut big_sender) = (0, 0);
    let outputs = run_side_by_side(
        &[&["--stats", "--json", "-i", host_if, filter], &["-w", file, "-i", host_if, filter]],
        || {
            // Two flows from two processes: 30 × 120 bytes and 9 × 700 bytes.
            small_sender = u64::from(send_datagrams(&net.peer_ip, 7216, 30, 120));
            big_sender = u64::from(send_datagrams(&net.peer_ip, 7216, 9, 700));
        },
    );
    let live = json_document(outputs[0].as_bytes());
    let saved = json_document(&ptstat(&["-r", file, "--stats", "--json"]).stdout);
    let (live_rows, saved_rows) = (rows(&live), rows(&saved));
    assert_eq!(saved_rows, live_rows, "live: {live:#}\nsaved: {saved:#}");
    // The totals too, but for the bitrates (over other durations).
    let totals = |document: &Value| {
        let mut totals = document["totals"].clone();
        totals.as_array_mut().expect("totals").iter_mut().for_each(|total| total["bitrate"] = Value::Null);
        totals
    };
    assert_eq!(totals(&saved), totals(&live), "{live:#}\n{saved:#}");

    // Both are what was sent, each flow with its bash.
    let flow_of = |pid: u64| {
        let found: Vec<_> = saved_rows.iter().filter(|(id, _)| id.5 == pid).collect();
        assert_eq!(found.len(), 1, "one flow of pid {pid}: {saved:#}");
        found[0].1.clone()
    };
    let (packets, bytes, comm, cgroup, container) = flow_of(small_sender);
    assert_eq!((packets, bytes, comm.as_str()), (30, 30 * (HEADERS + 120), "bash"), "{saved:#}");
    assert!(cgroup.starts_with('/') && container.is_null(), "{saved:#}");
    let (packets, bytes, comm, ..) = flow_of(big_sender);
    assert_eq!((packets, bytes, comm.as_str()), (9, 9 * (HEADERS + 700), "bash"), "{saved:#}");
    assert_eq!(saved_rows.len(), 2, "{saved:#}");

    // The duration is the file's first to last packet, and the bitrates are over it.
    let span = capture_span(file).as_secs_f64();
    let duration = saved["duration_seconds"].as_f64().unwrap();
    assert!(span > 0.0 && (duration - span).abs() < 1e-6, "{duration} s, the file spans {span} s");
    let big = saved["flows"].as_array().unwrap().iter().find(|row| row["pid"] == big_sender).unwrap();
    let expected = (9 * (HEADERS + 700) * 8) as f64 / span;
    assert!((big["bitrate"].as_f64().unwrap() - expected).abs() < expected * 1e-6, "{big} vs {expected}");

    // A filter expression selects the packets first: the big datagrams only.
    let filtered = json_document(&ptstat(&["-r", file, "--stats", "--json", "greater 500"]).stdout);
    let filtered_rows = rows(&filtered);
    assert_eq!(filtered_rows.len(), 1, "{filtered:#}");
    assert_eq!(filtered_rows.values().next().unwrap().0, 9, "{filtered:#}");
    assert_eq!(filtered_rows.keys().next().unwrap().5, big_sender, "{filtered:#}");

    // The table: the same counts, process and duration line.
    let table = String::from_utf8(ptstat(&["-r", file, "--stats"]).stdout).unwrap();
    let header = table.lines().next().unwrap();
    assert!(header.split_whitespace().eq(STATS_COLUMNS), "{table}");
    for ((_, source, source_port, destination, destination_port, pid), (packets, bytes, comm, cgroup, _)) in &live_rows
    {
        let (source, destination) = (format!("{source}:{source_port}"), format!("{destination}:{destination_port}"));
        let row = table.lines().find(|line| line.contains(&source)).unwrap_or_else(|| panic!("{source}: {table}"));
        // BITRATE is a number and a unit.
        let cells: Vec<&str> = row.split_whitespace().collect();
        let expected = [
            packets.to_string(),
            bytes.to_string(),
            "udp".into(),
            source,
            destination,
            pid.to_string(),
            comm.clone(),
            cgroup.clone(),
        ];
        assert_eq!(cells[2..], expected, "{table}");
    }
    assert!(table.contains("udp: 39 packets"), "{table}");
    assert!(table.contains(&format!("2 flows in {span:.1} s")), "{table}");
}

/// The JSON lines of a connection log, without their timestamps (each process converts the kernel's clock to the
/// time of day on its own), in a fixed order.
fn connection_lines(stdout: &str) -> Vec<Value> {
    let mut lines: Vec<Value> = stdout
        .lines()
        .map(|line| {
            let mut value: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
            value.as_object_mut().expect("an object").remove("timestamp").expect("a timestamp");
            value
        })
        .collect();
    lines.sort_by_key(|line| line.to_string());
    lines
}

#[test]
fn connections_of_a_saved_capture_equal_the_live_log_of_the_same_traffic() {
    if !root_or_skip("connections_of_a_saved_capture_equal_the_live_log_of_the_same_traffic") || !tool_available("nc") {
        return;
    }
    let net = VethNamespace::new("sfc", 217);
    net.warm_up();
    let _udp = udp_listener(Some(&net), 7218);
    let tcp = net.command(&["nc", "-k", "-l", "-p", "7217"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn();
    let _tcp = common::Killed(tcp.expect("start nc"));
    common::wait_for_listener(&net, 7217);
    let directory = tempfile::tempdir().unwrap();
    let file = directory.path().join("connections.pcapng");
    let file = file.to_str().unwrap();
    let filter = "tcp port 7217 or udp port 7218";
    let host_if = net.host_if.as_str();
    let mut senders = Vec::new();
    let outputs =
        run_side_by_side(&[&["--connections", "-i", host_if, filter], &["-w", file, "-i", host_if, filter]], || {
            for _ in 0..2 {
                let mut client = Command::new("nc").args(["-z", "-w", "2", &net.peer_ip, "7217"]).spawn().unwrap();
                senders.push(u64::from(client.id()));
                assert!(client.wait().unwrap().success());
            }
            senders.push(u64::from(send_datagrams(&net.peer_ip, 7218, 3, 50)));
        });
    let live = connection_lines(&outputs[0]);
    let saved = connection_lines(&String::from_utf8(ptstat(&["-r", file, "--connections"]).stdout).unwrap());
    assert_eq!(saved, live);
    // Two connections and one UDP flow, each line naming its sender.
    let mut pids: Vec<u64> = saved.iter().filter_map(|line| line["pid"].as_u64()).collect();
    pids.sort();
    senders.sort();
    assert_eq!(pids, senders, "{saved:#?}");
}

#[test]
fn a_tcpdump_capture_gives_flows_without_processes() {
    if !root_or_skip("a_tcpdump_capture_gives_flows_without_processes")
        || !tool_available("tcpdump")
        || !tool_available("nc")
    {
        return;
    }
    let net = VethNamespace::new("sft", 218);
    net.warm_up();
    let _listener = udp_listener(Some(&net), 7219);
    let directory = tempfile::tempdir().unwrap();
    let file = directory.path().join("tcpdump.pcap");
    let file = file.to_str().unwrap();
    let mut command = Command::new("tcpdump");
    command.args(["-i", &net.host_if, "-n", "--immediate-mode", "-Z", "root", "-w", file, "udp port 7219"]);
    // tcpdump says "listening on" too.
    let tcpdump = Running::start_command(command, Stdio::null());
    send_datagrams(&net.peer_ip, 7219, 20, 64);
    thread::sleep(Duration::from_millis(300));
    drop(tcpdump.stop());
    let document = json_document(&ptstat(&["-r", file, "--stats", "--json"]).stdout);
    let rows = rows(&document);
    assert_eq!(rows.len(), 1, "{document:#}");
    let ((proto, source, _, destination, destination_port, pid), facts) = rows.into_iter().next().unwrap();
    assert_eq!(
        (proto.as_str(), source, destination, destination_port),
        ("udp", net.host_ip.clone(), net.peer_ip.clone(), 7219)
    );
    assert_eq!((pid, facts), (0, (20, 20 * (HEADERS + 64), String::new(), String::new(), Value::Null)));
}

#[test]
fn the_live_view_is_refused_for_a_file_in_one_line() {
    let line = refusal(&["-r", "any.pcapng", "--stats", "--tui"]);
    assert!(line.starts_with("ptstat: ") && line.contains("--tui") && line.contains("-r"), "{line}");
}

/// A capture as ptcpdump writes it (the comments' text is this test's own, in its form: a comment per part, the
/// process named by its executable, no cgroup): `-r --stats` names the process and container of its packets.
#[test]
fn a_capture_with_ptcpdumps_comments_names_the_process_and_container() {
    use pcap_file::{
        DataLink,
        pcapng::{
            PcapNgWriter,
            blocks::{
                enhanced_packet::{EnhancedPacketBlock, EnhancedPacketOption},
                interface_description::InterfaceDescriptionBlock,
                opt_common::CommonOption,
            },
        },
    };
    let datagram = |source: [u8; 4], destination: [u8; 4], ports: (u16, u16), payload: usize| {
        let builder = etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
            .ipv4(source, destination, 64)
            .udp(ports.0, ports.1);
        let mut frame = Vec::new();
        builder.write(&mut frame, &vec![b'x'; payload]).unwrap();
        frame
    };
    let comments = [
        "PID: 4242\nCmd: /usr/local/bin/resolver-daemon\nArgs: resolver-daemon --port 53",
        "ContainerName: dns\nContainerId: 5e7a\nContainerImage: example/dns:1\nContainerLabels: {}",
    ];
    let query = datagram([10, 9, 0, 1], [10, 9, 0, 2], (40000, 53), 30);
    let answer = datagram([10, 9, 0, 2], [10, 9, 0, 1], (53, 40000), 90);
    let mut writer = PcapNgWriter::new(Vec::new()).unwrap();
    writer
        .write_pcapng_block(InterfaceDescriptionBlock { linktype: DataLink::ETHERNET, snaplen: 65535, options: vec![] })
        .unwrap();
    // Three queries from the process, a second apart; one answer that ptcpdump could not attribute.
    for (second, frame, commented) in [(0, &query, true), (1, &query, true), (2, &query, true), (3, &answer, false)] {
        let options = match commented {
            true => comments.map(|text| EnhancedPacketOption::Common(CommonOption::Comment(text.into()))).to_vec(),
            false => Vec::new(),
        };
        writer
            .write_pcapng_block(EnhancedPacketBlock {
                interface_id: 0,
                timestamp: Duration::from_secs(1_700_000_000 + second),
                original_len: frame.len() as u32,
                data: frame.as_slice().into(),
                options,
            })
            .unwrap();
    }
    let directory = tempfile::tempdir().unwrap();
    let file = directory.path().join("ptcpdump.pcapng");
    fs::write(&file, writer.into_inner()).unwrap();
    let document = json_document(&ptstat(&["-r", file.to_str().unwrap(), "--stats", "--json"]).stdout);
    let rows = rows(&document);
    let query_id = ("udp".to_string(), "10.9.0.1".to_string(), 40000, "10.9.0.2".to_string(), 53, 4242);
    let answer_id = ("udp".to_string(), "10.9.0.2".to_string(), 53, "10.9.0.1".to_string(), 40000, 0);
    let query_len = query.len() as u64;
    let expected = BTreeMap::from([
        (query_id, (3, 3 * query_len, "resolver-daemon".to_string(), String::new(), Value::from("dns"))),
        (answer_id, (1, answer.len() as u64, String::new(), String::new(), Value::Null)),
    ]);
    assert_eq!(rows, expected, "{document:#}");
    assert_eq!(document["duration_seconds"], 3.0, "{document:#}");
}
