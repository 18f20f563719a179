//! `--netns`: capture on the interfaces of other network namespaces than ptstat's. Each test makes two namespaces
//! joined by a veth pair (traffic only between them), runs ptstat in the root namespace, and checks the lines
//! (`IFACE@NETNS`), the PcapNG interface descriptions (read by tshark) and the processes named. Needs root; under
//! CI=true a skip is a failure.

mod common;

use std::{
    io::Write,
    os::unix::fs::MetadataExt,
    process::{Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use common::*;

/// Namespaces `ptstat-FIRST` and `ptstat-SECOND` joined by a veth pair: `ptFIRST0` (10.77.SUBNET.1/24) in the
/// first, `ptSECOND0` (10.77.SUBNET.2/24) in the second. Deleted on drop, and the pair with them.
struct Joined {
    first: Namespace,
    second: Namespace,
    first_if: String,
    second_if: String,
    first_ip: String,
    second_ip: String,
}

impl Joined {
    fn new(first: &str, second: &str, subnet: u8) -> Joined {
        let joined = Joined {
            first: Namespace::new(first),
            second: Namespace::new(second),
            first_if: format!("pt{first}0"),
            second_if: format!("pt{second}0"),
            first_ip: format!("10.77.{subnet}.1"),
            second_ip: format!("10.77.{subnet}.2"),
        };
        let (a, b) = (joined.first.0.as_str(), joined.second.0.as_str());
        run(
            "ip",
            &["link", "add", &joined.first_if, "netns", a, "type", "veth", "peer", &joined.second_if, "netns", b],
        );
        run("ip", &["-n", a, "addr", "add", &format!("{}/24", joined.first_ip), "dev", &joined.first_if]);
        run("ip", &["-n", b, "addr", "add", &format!("{}/24", joined.second_ip), "dev", &joined.second_if]);
        for (namespace, interface) in [(a, &joined.first_if), (b, &joined.second_if)] {
            run("ip", &["-n", namespace, "link", "set", interface, "up"]);
            run("ip", &["-n", namespace, "link", "set", "lo", "up"]);
        }
        joined
    }

    /// `args` run inside `namespace` (one of the two).
    fn command(namespace: &Namespace, args: &[&str]) -> Command {
        let mut command = Command::new("ip");
        command.args(["netns", "exec", &namespace.0]).args(args);
        command
    }

    /// Pings the second namespace from the first `count` times, every 0.2 s.
    fn ping(&self, count: u32) {
        let output = Joined::command(&self.first, &["ping", "-c", &count.to_string(), "-i", "0.2", &self.second_ip])
            .output()
            .expect("ping");
        assert!(output.status.success(), "ping: {}", String::from_utf8_lossy(&output.stdout));
    }
}

fn path_of(namespace: &Namespace) -> String {
    format!("/run/netns/{}", namespace.0)
}

fn lines_containing<'a>(text: &'a str, needle: &str) -> Vec<&'a str> {
    text.lines().filter(|line| line.contains(needle)).collect()
}

/// Waits until a TCP socket listens on `port` inside `namespace`.
fn wait_for_listener(namespace: &Namespace, port: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let listed = Joined::command(namespace, &["ss", "-Hltn", &format!("sport = :{port}")]).output().expect("ss");
        if !listed.stdout.is_empty() {
            return;
        }
        thread::sleep(Duration::from_millis(20));
    }
    panic!("nothing listens on port {port} in {}", namespace.0);
}

#[test]
fn captures_in_two_namespaces_and_names_them() {
    if !root_or_skip("captures_in_two_namespaces_and_names_them") || !tool_available("tshark") {
        return;
    }
    let net = Joined::new("nsA", "nsB", 81);
    let (a, b) = (path_of(&net.first), path_of(&net.second));
    if !kernel_reports("packet namespaces: yes") {
        // Where packets cannot tell their namespace (before Linux 6.2), --netns is refused with one line.
        assert_eq!(refusal(&["--netns", &a, "-c", "1"]), NETNS_NEEDS_LINUX_6_2);
        return;
    }
    net.ping(1);
    let directory = tempfile::tempdir().unwrap();
    let file = directory.path().join("netns.pcapng");
    let file = file.to_str().unwrap();
    let ptstat = Running::start(&["--netns", &a, "--netns", &b, "-n", "--context=", "-w", file, "--print"]);
    let listening = ptstat.stderr_seen.iter().find(|line| line.contains("listening on")).unwrap().clone();
    for interface in ["ptnsA0@ptstat-nsA", "lo@ptstat-nsA", "ptnsB0@ptstat-nsB", "lo@ptstat-nsB"] {
        assert!(listening.contains(interface), "{listening}");
    }
    net.ping(2);
    thread::sleep(Duration::from_millis(200));
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let out = finished.stdout_text();
    let (forward, backward) = (
        format!("IP {} > {}: ICMP echo request, id ", net.first_ip, net.second_ip),
        format!("IP {} > {}: ICMP echo reply, id ", net.second_ip, net.first_ip),
    );
    // Both sides of each packet: sent in one namespace, received in the other.
    for expected in [
        format!("ptnsA0@ptstat-nsA Out {forward}"),
        format!("ptnsB0@ptstat-nsB In  {forward}"),
        format!("ptnsB0@ptstat-nsB Out {backward}"),
        format!("ptnsA0@ptstat-nsA In  {backward}"),
    ] {
        assert_eq!(lines_containing(&out, &expected).len(), 2, "{expected}\n{out}");
    }

    // Each PcapNG interface names its namespace in its description.
    let inode = |namespace: &str| std::fs::metadata(namespace).unwrap().ino();
    let output = Command::new("tshark")
        .args(["-r", file, "-Y", "icmp", "-T", "fields", "-e", "frame.interface_name"])
        .args(["-e", "frame.interface_description"])
        .stderr(Stdio::null())
        .output()
        .expect("tshark");
    let rows = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(rows.lines().count(), 8, "{rows}");
    for row in rows.lines() {
        let (name, description) = row.split_once('\t').unwrap();
        let (namespace, path) = match name {
            "ptnsA0@ptstat-nsA" => ("ptstat-nsA", &a),
            "ptnsB0@ptstat-nsB" => ("ptstat-nsB", &b),
            _ => panic!("packet on {name}:\n{rows}"),
        };
        assert_eq!(description, format!("network namespace {namespace} (netns:[{}])", inode(path)), "{rows}");
    }
}

#[test]
fn tcp_inside_namespaces_names_its_processes() {
    if !root_or_skip("tcp_inside_namespaces_names_its_processes") || !tool_available("nc") {
        return;
    }
    let net = Joined::new("nsE", "nsF", 82);
    net.ping(1);
    // Listening before ptstat starts: the listener's process comes from the sockets ptstat finds in the namespace.
    let server = Joined::command(&net.second, &["nc", "-l", "-p", "5001"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start nc -l");
    let server = Killed(server);
    wait_for_listener(&net.second, 5001);
    let (first, second) = (path_of(&net.first), path_of(&net.second));
    let ptstat = Running::start(&[
        "--netns",
        &first,
        "--netns",
        &second,
        "-i",
        &net.first_if,
        "-i",
        &net.second_if,
        "-n",
        "--context=process",
        "tcp port 5001",
    ]);
    // `ip netns exec` execs the command: the child's pid is nc's.
    let mut client = Joined::command(&net.first, &["nc", "-N", &net.second_ip, "5001"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start nc");
    let client_pid = client.id();
    client.stdin.take().unwrap().write_all(b"hello\n").unwrap();
    assert!(client.wait().unwrap().success());
    thread::sleep(Duration::from_millis(300));
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let out = finished.stdout_text();
    let client_port = lines_containing(&out, "Flags [S],")
        .first()
        .and_then(|line| line.split(&format!("{}.", net.first_ip)).nth(1)?.split(' ').next())
        .unwrap_or_else(|| panic!("no SYN:\n{out}"))
        .to_string();
    let forward = format!("IP {}.{client_port} > {}.5001: Flags ", net.first_ip, net.second_ip);
    let server_pid = server.0.id();
    // The client's SYN leaves the first namespace, and reaches the listener in the second: each side names its nc,
    // and the other namespace's nc as the packet's peer, sender first. The SYN leaving finds the listener (bound to
    // the wildcard address) by its namespace's address, unless another namespace has that address too (a test run
    // beside this one uses the same subnet): then the listener is not named before it is reached.
    let both = format!("nc.{client_pid} > nc.{server_pid}");
    let syn_leaving = |ends: &str| lines_containing(&out, &format!("ptnsE0@ptstat-nsE {ends} Out {forward}[S],")).len();
    assert_eq!(syn_leaving(&both) + syn_leaving(&format!("nc.{client_pid}")), 1, "{out}");
    for expected in [
        format!("ptnsF0@ptstat-nsF {both} In  {forward}[S],"),
        format!("ptnsE0@ptstat-nsE {both} Out {forward}[P.], seq 1:7,"),
        format!("ptnsF0@ptstat-nsF {both} In  {forward}[P.], seq 1:7,"),
    ] {
        assert_eq!(lines_containing(&out, &expected).len(), 1, "{expected}\n{out}");
    }
    // Every packet has its process: on both sides, both ways.
    assert!(out.lines().count() >= 8 && out.lines().all(|line| line.contains(" nc.")), "{out}");
}

#[test]
fn any_attaches_in_namespaces_created_later() {
    if !root_or_skip("any_attaches_in_namespaces_created_later") {
        return;
    }
    let ptstat = Running::start(&["--netns", "any", "-n", "--context="]);
    let net = Joined::new("nsC", "nsD", 83);
    // ptstat looks for new namespaces every second: some of these come before it attaches.
    net.ping(20);
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let out = finished.stdout_text();
    let request = format!("IP {} > {}: ICMP echo request", net.first_ip, net.second_ip);
    let sent = lines_containing(&out, &format!("ptnsC0@ptstat-nsC Out {request}"));
    let received = lines_containing(&out, &format!("ptnsD0@ptstat-nsD In  {request}"));
    assert!(sent.len() >= 5 && received.len() >= 5, "{out}");
    // Its own namespace's interfaces keep their plain names.
    let listening = finished.stderr.lines().find(|line| line.contains("listening on")).unwrap().to_string();
    assert!(listening.contains("listening on lo, "), "{listening}");
}

#[test]
fn bad_namespaces_are_one_error_line() {
    if !root_or_skip("bad_namespaces_are_one_error_line") {
        return;
    }
    for (path, error) in [
        ("/run/netns/ptstat-never-made", "/run/netns/ptstat-never-made: No such file or directory (os error 2)"),
        ("/etc/hostname", "/etc/hostname: not a network namespace (give /run/netns/NAME or /proc/PID/ns/net)"),
        ("/proc/self/ns/mnt", "/proc/self/ns/mnt: not a network namespace (give /run/netns/NAME or /proc/PID/ns/net)"),
    ] {
        let output = Command::new(PTSTAT).args(["--netns", path, "-c", "1"]).output().expect("run ptstat");
        assert_eq!(output.status.code(), Some(1), "{path}");
        assert_eq!(String::from_utf8_lossy(&output.stderr), format!("ptstat: {error}\n"));
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn stats_count_in_two_namespaces_apart() {
    if !root_or_skip("stats_count_in_two_namespaces_apart") || !kernel_reports("packet namespaces: yes") {
        // Before Linux 6.2, --netns is refused with one line: captures_in_two_namespaces_and_names_them checks it.
        return;
    }
    let net = Joined::new("nsS", "nsT", 82);
    let (a, b) = (path_of(&net.first), path_of(&net.second));
    net.ping(1);
    let ptstat = Running::start(&["--stats", "--json", "--netns", &a, "--netns", &b]);
    let listening = ptstat.stderr_seen.iter().find(|line| line.contains("listening on")).unwrap().clone();
    for interface in ["ptnsS0@ptstat-nsS", "ptnsT0@ptstat-nsT"] {
        assert!(listening.contains(interface), "{listening}");
    }
    net.ping(5);
    thread::sleep(Duration::from_millis(200));
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let document = json_document(&finished.stdout);
    let flows = document["flows"].as_array().expect("flows");
    // Each ping is counted twice, once in each namespace: sent on one end of the pair and received on the other.
    // 98 bytes a packet: Ethernet 14, IPv4 20, ICMP 8, ping's 56 bytes of data.
    let rows = |source: &str, icmp_type: u64| -> Vec<&serde_json::Value> {
        flows
            .iter()
            .filter(|flow| flow["proto"] == "icmp" && flow["src"] == source && flow["icmp_type"] == icmp_type)
            .collect()
    };
    for (source, icmp_type) in [(&net.first_ip, 8), (&net.second_ip, 0)] {
        let rows = rows(source, icmp_type);
        assert_eq!(rows.len(), 2, "one row per namespace: {document:#}");
        assert_ne!(rows[0]["netns"], rows[1]["netns"], "{document:#}");
        for row in rows {
            assert_eq!((&row["packets"], &row["bytes"]), (&5.into(), &(5 * 98).into()), "{document:#}");
        }
    }
}
