//! Both ends of a local flow: when both sockets of a packet are on this host (loopback, a veth pair into a
//! namespace), every packet names both processes — in lines (`curl.PID > python3.PID`), in `-v`'s `PeerProc` block,
//! in the PcapNG comment (`PeerPID`, read back by tshark and by `-r`), in the connection log and in the statistics
//! — and `--pname curl` and `-- curl ...` keep the server's answers too, compared with tcpdump capturing the same
//! interface at the same time. Needs root; CI=true forbids skipping.

mod common;

use std::{
    collections::BTreeMap,
    process::{Child, Command, Stdio},
    thread,
    time::Duration,
};

use common::*;
use serde_json::Value;

/// A comment's `Key: value` lines (tshark prints its newlines as the two characters `\n`).
fn comment_keys(comment: &str) -> BTreeMap<String, String> {
    comment
        .split("\\n")
        .filter_map(|line| line.split_once(": "))
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect()
}

/// (TCP source port, `PID`, `PeerPID`) of every packet of `file` to or from `port`, in order; `-` for a key missing.
fn ends_of_packets(file: &str, port: u16) -> Vec<(u16, String, String)> {
    let filter = format!("tcp.port == {port}");
    let fields = run(
        "tshark",
        &["-r", file, "-Y", &filter, "-T", "fields", "-E", "occurrence=f", "-e", "tcp.srcport", "-e", "frame.comment"],
    );
    fields
        .lines()
        .map(|line| {
            let (source_port, comment) = line.split_once('\t').unwrap_or((line, ""));
            let keys = comment_keys(comment);
            let key = |name: &str| keys.get(name).cloned().unwrap_or_else(|| "-".into());
            (source_port.parse().expect("a TCP port"), key("PID"), key("PeerPID"))
        })
        .collect()
}

/// What identifies each TCP packet of `file` to or from `port` whoever captured it: ports, raw sequence and
/// acknowledgement numbers, flags and length, sorted.
fn tcp_packets(file: &str, port: u16) -> Vec<String> {
    let mut packets = tcp_packets_in_order(file, port);
    packets.sort();
    packets
}

/// `tcp_packets` in the order of the file.
fn tcp_packets_in_order(file: &str, port: u16) -> Vec<String> {
    let filter = format!("tcp.port == {port}");
    let fields = ["tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.flags", "tcp.len"];
    let mut args = vec!["-r", file, "-Y", &filter, "-T", "fields"];
    for field in &fields {
        args.extend(["-e", field]);
    }
    run("tshark", &args).lines().map(str::to_string).collect()
}

/// tcpdump writing every packet of `port` on `interface` of `namespace` (or of this one) to `file`, once it listens;
/// each packet at once (its default buffer delivers packets in blocks, and the last block would be lost when it is
/// stopped).
fn tcpdump(namespace: Option<&VethNamespace>, interface: &str, file: &str, port: u16) -> Running {
    let port = port.to_string();
    let args = ["tcpdump", "-i", interface, "--immediate-mode", "-U", "-w", file, "tcp", "port", &port];
    Running::start_command(command_in(namespace, &args), Stdio::null())
}

fn process_name(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).expect("the process's name").trim().to_string()
}

/// python3's HTTP server on `address`:`port`, in `namespace` or here.
fn http_server(namespace: Option<&VethNamespace>, address: &str, port: u16, dir: &tempfile::TempDir) -> Killed {
    std::fs::write(dir.path().join("index.html"), "hello from the test\n".repeat(100)).unwrap();
    let args = ["python3", "-m", "http.server", "--bind", address, &port.to_string()];
    let mut command = match namespace {
        Some(namespace) => namespace.command(&args),
        None => {
            let mut command = Command::new(args[0]);
            command.args(&args[1..]);
            command
        }
    };
    let server = command.current_dir(dir.path()).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    wait_for_socket(namespace, "-Hltn", port);
    Killed(server)
}

fn curl(url: &str) -> Child {
    Command::new("curl").args(["-s", "-o", "/dev/null", url]).stdout(Stdio::null()).spawn().expect("curl")
}

fn stopped(running: Running) -> Finished {
    let finished = running.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    finished
}

/// Every packet of the conversation on `port` in `file` names the client and the server: on loopback, where each
/// packet is seen leaving its sender, the sender as its process and the receiver as its peer; on an interface
/// between namespaces the end in the capture's namespace (`local`) as its process, whichever way it goes. Returns
/// how many packets there were.
fn assert_both_ends_named(file: &str, port: u16, client: u32, server: u32, local: Option<u32>) -> usize {
    let packets = ends_of_packets(file, port);
    let (client, server) = (client.to_string(), server.to_string());
    let local = local.map(|pid| pid.to_string());
    for (source_port, owner, peer) in &packets {
        let expected = match (*source_port == port, &local) {
            (_, Some(local)) if *local == client => (&client, &server),
            (_, Some(_)) => (&server, &client),
            (true, None) => (&server, &client),
            (false, None) => (&client, &server),
        };
        assert_eq!((owner, peer), expected, "packet from port {source_port}: {packets:?}");
    }
    let answers = packets.iter().filter(|(source_port, _, _)| *source_port == port).count();
    assert!(answers >= 3 && packets.len() - answers >= 4, "{packets:?}");
    packets.len()
}

/// Lines of the conversation on `port` (the IP text names `.PORT`), each with both ends sender first. Only the text
/// after "IP" is searched for the port: the ends before it name pids, and a pid may be the port's number.
fn assert_lines_name_both_ends(lines: &str, port: u16, client: (&str, u32), server: (&str, u32), count: usize) {
    let client = format!("{}.{}", client.0, client.1);
    let server = format!("{}.{}", server.0, server.1);
    let (from_port, to_port) = (format!(".{port} > "), format!(".{port}: "));
    let conversation: Vec<(&str, &str)> = lines
        .lines()
        .filter_map(|line| line.split_once(" IP ").map(|(_, addresses)| (line, addresses)))
        .filter(|(_, addresses)| addresses.contains(&from_port) || addresses.contains(&to_port))
        .collect();
    assert_eq!(conversation.len(), count, "{lines}");
    for (line, addresses) in conversation {
        let from_server = addresses.contains(&from_port);
        let ends = if from_server { format!(" {server} > {client} ") } else { format!(" {client} > {server} ") };
        assert!(line.contains(&ends), "{ends:?} in {line}");
    }
}

#[test]
fn a_loopback_conversation_names_both_ends_and_curl_selects_all_of_it() {
    if !root_or_skip("a_loopback_conversation_names_both_ends_and_curl_selects_all_of_it")
        || !tool_available("tshark")
        || !tool_available("tcpdump")
        || !tool_available("curl")
    {
        return;
    }
    let port = 6741;
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let server = http_server(None, "127.0.0.1", port, &dir);
    let server_pid = server.0.id();
    let (all, named, by_name, by_command) =
        (path("all.pcap"), path("named.pcapng"), path("n.pcapng"), path("c.pcapng"));
    let tcpdump = tcpdump(None, "lo", &all, port);
    let naming = Running::start(&["-i", "lo", "-w", &named, "--print", "tcp", "port", &port.to_string()]);
    let selecting = Running::start(&["-i", "lo", "-w", &by_name, "--pname", "curl"]);
    // The conversation is the command's: ptstat ends when curl does.
    let url = format!("http://127.0.0.1:{port}/index.html");
    let running_curl = Running::start(&["-i", "lo", "-w", &by_command, "--", "curl", "-s", "-o", "/dev/null", &url]);
    let ran_curl = running_curl.wait(Duration::from_secs(20));
    assert!(ran_curl.status.success(), "{}", ran_curl.stderr);
    thread::sleep(Duration::from_millis(200));
    let lines = stopped(naming).stdout_text();
    stopped(selecting);
    tcpdump.stop();

    let syns = run("tshark", &["-r", &named, "-Y", "tcp.flags.syn == 1 && tcp.flags.ack == 0"]).lines().count();
    assert_eq!(syns, 1, "one connection");
    let (curl_port, curl_pid) = client_of(&named, port);
    let count = assert_both_ends_named(&named, port, curl_pid, server_pid, None);
    assert_eq!(tcp_packets(&named, port), tcp_packets(&all, port), "ptstat and tcpdump saw the same packets");
    let server_name = process_name(server_pid);
    assert_lines_name_both_ends(&lines, port, ("curl", curl_pid), (&server_name, server_pid), count);

    // -r restores both ends from the comments; -v adds the peer's block.
    let reread = run(PTSTAT, &["-r", &named]);
    assert_lines_name_both_ends(&reread, port, ("curl", curl_pid), (&server_name, server_pid), count);
    let detailed = run(PTSTAT, &["-r", &named, "-v"]);
    let peer_blocks = |pid: u32| detailed.matches(&format!("\n    PeerProc (pid {pid}, cmd ")).count();
    let answers = ends_of_packets(&named, port).iter().filter(|(source_port, _, _)| *source_port == port).count();
    assert_eq!((peer_blocks(server_pid), peer_blocks(curl_pid)), (count - answers, answers), "{detailed}");

    // On loopback each packet is seen once, from its sender: the server's answers are kept because their peer is curl.
    let everything = tcp_packets(&all, port);
    assert_eq!(tcp_packets(&by_name, port), everything, "--pname curl");
    // `-- curl` goes on after curl exits until its connection has finished: the whole conversation as tcpdump saw
    // it, the server's FIN and the last ACK after curl's exit included, each packet still naming curl.
    let (everything, of_command) = (tcp_packets_in_order(&all, port), tcp_packets_in_order(&by_command, port));
    let is_fin_from = |source_port: u16| {
        move |packet: &String| {
            packet.starts_with(&format!("{source_port}\t")) && ["0x0011", "0x0019"].iter().any(|f| packet.contains(f))
        }
    };
    let last_fin = everything
        .iter()
        .rposition(|packet| is_fin_from(curl_port)(packet) || is_fin_from(port)(packet))
        .unwrap_or_else(|| panic!("both FINs: {everything:?}"));
    assert!(
        everything.iter().any(is_fin_from(port)) && everything.iter().any(is_fin_from(curl_port)),
        "{everything:?}"
    );
    assert!(everything.len() > last_fin + 1, "the last ACK after the last FIN: {everything:?}");
    assert_eq!(of_command, everything, "-- curl");
    let (_, command_pid) = client_of(&by_command, port);
    assert_eq!(assert_both_ends_named(&by_command, port, command_pid, server_pid, None), everything.len());
}

/// The client's port and pid in `file`, from its first packet to `port` (its SYN) and that packet's comment.
fn client_of(file: &str, port: u16) -> (u16, u32) {
    let ends = ends_of_packets(file, port);
    let (client_port, pid, _) = ends.iter().find(|(source_port, _, _)| *source_port != port).expect("a client");
    (*client_port, pid.parse().expect("the client's pid in its SYN's comment"))
}

#[test]
fn a_conversation_across_a_veth_pair_names_both_ends() {
    if !root_or_skip("a_conversation_across_a_veth_pair_names_both_ends")
        || !tool_available("tshark")
        || !tool_available("tcpdump")
        || !tool_available("curl")
    {
        return;
    }
    let net = VethNamespace::new("lpv", 187);
    net.warm_up();
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let (all, named, by_name) = (path("all.pcap"), path("named.pcapng"), path("n.pcapng"));
    let mut command = Command::new("tcpdump");
    command.args(["-i", &net.host_if, "--immediate-mode", "-U", "-w", &all, "tcp"]);
    let tcpdump = Running::start_command(command, Stdio::null());
    let naming = Running::start(&["-i", &net.host_if, "-w", &named, "--print"]);
    let selecting = Running::start(&["-i", &net.host_if, "-w", &by_name, "--pname", "curl"]);
    // Servers started while ptstat runs, in a namespace it does not capture in: one bound to the namespace's
    // address, one to every address (found by the address, which ptstat knows is that namespace's).
    let mut conversations = Vec::new();
    for (port, address) in [(6742, net.peer_ip.as_str()), (6744, "0.0.0.0")] {
        let server = http_server(Some(&net), address, port, &dir);
        let mut client = curl(&format!("http://{}:{port}/index.html", net.peer_ip));
        let client_pid = client.id();
        assert!(client.wait().unwrap().success());
        conversations.push((port, client_pid, server));
    }
    thread::sleep(Duration::from_millis(200));
    let lines = stopped(naming).stdout_text();
    stopped(selecting);
    tcpdump.stop();

    for (port, client_pid, server) in &conversations {
        let (port, client_pid, server_pid) = (*port, *client_pid, server.0.id());
        let count = assert_both_ends_named(&named, port, client_pid, server_pid, Some(client_pid));
        assert_eq!(tcp_packets(&named, port), tcp_packets(&all, port), "ptstat and tcpdump saw the same packets");
        let server_name = process_name(server_pid);
        assert_lines_name_both_ends(&lines, port, ("curl", client_pid), (&server_name, server_pid), count);
        assert_eq!(tcp_packets(&by_name, port), tcp_packets(&all, port), "--pname curl");
    }
}

/// Two addresses of one namespace, each on one end of a veth pair, with routes that send a connection between them
/// out of one end and in at the other instead of through the namespace's loopback device (as tests of NICs wired
/// back to back do). Rules for the namespace's own packets (`iif lo`) pick the device by source and destination
/// before the local table, which now comes after them; `accept_local` takes in packets from the namespace's own
/// address, and fixed neighbour entries spare ARP between the two.
fn hairpin_in(net: &VethNamespace, ends: [(&str, &str); 2]) {
    let [(first_if, first_ip), (second_if, second_ip)] = ends;
    net.exec_ok(&["ip", "link", "add", first_if, "type", "veth", "peer", "name", second_if]);
    let mac_of = |interface: &str| {
        let shown = net.exec_ok(&["cat", &format!("/sys/class/net/{interface}/address")]);
        shown.trim().to_string()
    };
    net.exec_ok(&["sysctl", "-qw", "net.ipv4.conf.all.accept_local=1", "net.ipv4.conf.all.rp_filter=0"]);
    net.exec_ok(&["ip", "rule", "add", "pref", "100", "lookup", "local"]);
    net.exec_ok(&["ip", "rule", "del", "pref", "0"]);
    for ((interface, address), (far_if, far_ip), table) in
        [((first_if, first_ip), (second_if, second_ip), "189"), ((second_if, second_ip), (first_if, first_ip), "190")]
    {
        for setting in ["accept_local=1", "rp_filter=0"] {
            net.exec_ok(&["sysctl", "-qw", &format!("net.ipv4.conf.{interface}.{setting}")]);
        }
        net.exec_ok(&["ip", "addr", "add", &format!("{address}/32"), "dev", interface]);
        net.exec_ok(&["ip", "link", "set", interface, "up"]);
        net.exec_ok(&["ip", "route", "add", far_ip, "dev", interface, "table", table]);
        let rule = ["ip", "rule", "add", "pref", "10", "iif", "lo", "from", address, "to", far_ip, "lookup", table];
        net.exec_ok(&rule);
        net.exec_ok(&["ip", "neigh", "add", far_ip, "lladdr", &mac_of(far_if), "dev", interface, "nud", "permanent"]);
    }
}

/// A namespace that sends a connection between two of its own addresses out of a device (hairpin_in) has both ends
/// of every packet on that device, as on loopback; off loopback ptstat asks only the maps keyed without the
/// namespace for the other end (flows.h other_end), and takes their answer from the packet's own namespace too.
#[test]
fn a_conversation_routed_out_of_a_device_to_its_own_namespace_names_both_ends() {
    if !root_or_skip("a_conversation_routed_out_of_a_device_to_its_own_namespace_names_both_ends")
        || !tool_available("tshark")
        || !tool_available("tcpdump")
        || !tool_available("curl")
    {
        return;
    }
    let net = VethNamespace::new("lph", 188);
    let (client_if, client_ip, server_ip) = ("ptlphx", "10.77.189.1", "10.77.189.2");
    hairpin_in(&net, [(client_if, client_ip), ("ptlphy", server_ip)]);
    let port = 6745;
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let (all, named) = (path("all.pcap"), path("named.pcapng"));
    let server = http_server(Some(&net), server_ip, port, &dir);
    let tcpdump = tcpdump(Some(&net), client_if, &all, port);
    let filter = format!("tcp port {port}");
    let naming = Running::start_in_namespace(&net.namespace, &["-i", client_if, "-w", &named, "--print", &filter]);
    let url = format!("http://{server_ip}:{port}/index.html");
    let mut client = net.command(&["curl", "-s", "-o", "/dev/null", "--interface", client_ip, &url]).spawn().unwrap();
    let client_pid = client.id();
    assert!(client.wait().unwrap().success());
    thread::sleep(Duration::from_millis(200));
    let lines = stopped(naming).stdout_text();
    tcpdump.stop();

    let server_pid = server.0.id();
    let everything = tcp_packets(&all, port);
    assert!(!everything.is_empty(), "tcpdump saw the conversation on {client_if}: the route is the device's");
    let count = assert_both_ends_named(&named, port, client_pid, server_pid, Some(client_pid));
    assert_eq!(tcp_packets(&named, port), everything, "ptstat and tcpdump saw the same packets");
    let server_name = process_name(server_pid);
    assert_lines_name_both_ends(&lines, port, ("curl", client_pid), (&server_name, server_pid), count);
}

#[test]
fn statistics_and_the_connection_log_name_both_ends() {
    if !root_or_skip("statistics_and_the_connection_log_name_both_ends") || !tool_available("curl") {
        return;
    }
    let port = 6743;
    let dir = tempfile::tempdir().unwrap();
    let server = http_server(None, "127.0.0.1", port, &dir);
    let server_pid = server.0.id();
    let filter = format!("tcp port {port}");
    let stats = Running::start(&["-i", "lo", "--stats", "--json", &filter]);
    let connections = Running::start(&["-i", "lo", "--connections", &filter]);
    let mut client = curl(&format!("http://127.0.0.1:{port}/index.html"));
    let client_pid = client.id();
    assert!(client.wait().unwrap().success());
    thread::sleep(Duration::from_millis(200));
    let stats = stopped(stats).stdout_text();
    let connections = stopped(connections).stdout_text();

    let document: Value = serde_json::from_str(&stats).unwrap_or_else(|error| panic!("{error}: {stats}"));
    let rows: Vec<(u64, u64)> = document["flows"]
        .as_array()
        .expect("flows")
        .iter()
        .map(|flow| (flow["pid"].as_u64().unwrap_or(0), flow["peer"]["pid"].as_u64().unwrap_or(0)))
        .collect();
    let (client, server) = (u64::from(client_pid), u64::from(server_pid));
    assert_eq!(rows.len(), 2, "{stats}");
    assert!(rows.contains(&(client, server)) && rows.contains(&(server, client)), "{stats}");

    let lines: Vec<Value> = connections.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(lines.len(), 1, "{connections}");
    let line = &lines[0];
    assert_eq!((line["dport"].as_u64(), line["pid"].as_u64()), (Some(u64::from(port)), Some(client)), "{line}");
    assert_eq!(
        (line["peer"]["pid"].as_u64(), line["peer"]["comm"].as_str()),
        (Some(server), Some(&*process_name(server_pid))),
        "{line}"
    );
}
