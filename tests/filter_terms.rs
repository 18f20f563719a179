//! Process terms in the filter expression (`pname`, `uid`, `user`, `pid`, `ppid`, `cgroup`, combined with packet
//! primitives): each filtered ptstat must keep exactly the packets of the processes its expression selects, checked
//! against tcpdump capturing the same traffic unfiltered at the same time; `ptstat -r` of an unfiltered ptstat's PcapNG
//! with the same expression must keep the same packets, and `--stats` count only their flows. Two senders of numbered
//! datagrams: A, a copy of bash called `ptta` run by a launcher shell (its parent) in a test cgroup, as root; B, a copy
//! called `pttb` run as user nobody. Needs root; CI=true forbids skipping.

mod common;

use std::{
    collections::BTreeSet,
    fs,
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use common::{Killed, PTSTAT, Running, TestCgroup, VethNamespace, root_or_skip, run, tool_available, udp_listener};

/// A datagram as tshark reads it: (UDP destination port, payload in hex). Payloads are numbered, so unique.
type Datagram = (u16, String);

fn datagrams(file: &Path) -> BTreeSet<Datagram> {
    let output = Command::new("tshark")
        .args(["-r", file.to_str().unwrap(), "-Y", "udp", "-T", "fields", "-e", "udp.dstport", "-e", "udp.payload"])
        .output()
        .expect("tshark");
    assert!(output.status.success(), "tshark -r {}: {}", file.display(), String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let (port, payload) = line.split_once('\t').unwrap_or((line, ""));
            (port.parse().unwrap_or_else(|_| panic!("udp.dstport in {line:?}")), payload.to_string())
        })
        .collect()
}

/// Which datagrams an expression selects: A's, B's, both senders', or every UDP datagram but A's.
#[derive(Clone, Copy)]
enum Selects {
    A,
    B,
    AAndB,
    AllButA,
}

/// Bash that waits for `file` to exist.
fn wait_for(file: &Path) -> String {
    format!("while [ ! -e {} ]; do sleep 0.02; done", file.display())
}

fn wait_until_exists(file: &Path) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !file.exists() {
        assert!(Instant::now() < deadline, "{} never appeared", file.display());
        thread::sleep(Duration::from_millis(20));
    }
}

/// Bash that sends `count` datagrams `TAG00001`, ... to address:port from one socket, then says so in `sent`.
fn send_script(address: &str, port: u16, tag: &str, count: usize, sent: &Path) -> String {
    format!(
        "exec 3>/dev/udp/{address}/{port}; for i in $(seq {count}); do printf '{tag}%05d' $i >&3; done; : > {}",
        sent.display()
    )
}

/// Makes its file on drop.
struct Release(PathBuf);

impl Drop for Release {
    fn drop(&mut self) {
        let _ = fs::write(&self.0, "");
    }
}

fn user_id(name: &str) -> u32 {
    run("id", &["-u", name]).trim().parse().expect("a uid")
}

#[test]
fn process_terms_keep_exactly_their_processes_packets() {
    if !root_or_skip("process_terms_keep_exactly_their_processes_packets")
        || !tool_available("tshark")
        || !tool_available("tcpdump")
    {
        return;
    }
    let net = VethNamespace::new("tma", 191);
    net.warm_up();
    let (port_a, port_b) = (39141u16, 39142u16);
    let _listeners = (udp_listener(Some(&net), port_a), udp_listener(Some(&net), port_b));
    let directory = tempfile::tempdir().unwrap();
    let dir = directory.path();
    // nobody runs its copy of bash from here, and says here when it has sent.
    fs::set_permissions(dir, fs::Permissions::from_mode(0o777)).unwrap();
    for name in ["ptta", "pttb"] {
        fs::copy("/bin/bash", dir.join(name)).unwrap();
    }
    let (go, done) = (dir.join("go"), dir.join("done"));
    // Ends the senders however the test ends (the launcher's child would outlive a killed launcher).
    let _release = Release(done.clone());
    let (sent_a, sent_b) = (dir.join("sent-a"), dir.join("sent-b"));
    let count = 40;

    // A: the launcher forks ptta once `go` exists: a child born while the captures run.
    let script_a = send_script(&net.peer_ip, port_a, "A", count, &sent_a);
    let launcher_script =
        format!("{}; {} -c '{script_a}; {}'; true", wait_for(&go), dir.join("ptta").display(), wait_for(&done));
    let launcher = Killed(Command::new("bash").args(["-c", &launcher_script]).spawn().expect("bash"));
    // B: pttb itself, as nobody (setpriv execs it: its pid is B's).
    let nobody = user_id("nobody");
    let script_b =
        format!("{}; {}; {}", wait_for(&go), send_script(&net.peer_ip, port_b, "B", count, &sent_b), wait_for(&done));
    let sender_b = Killed(
        Command::new("setpriv")
            .args([&format!("--reuid={nobody}"), &format!("--regid={nobody}"), "--clear-groups"])
            .arg(dir.join("pttb"))
            .args(["-c", &script_b])
            .spawn()
            .expect("setpriv"),
    );
    // The test cgroup; the launcher moves into a cgroup made below it after the captures started.
    let cgroup = TestCgroup::new("ptstat-terms-tma");
    let cgroup_name = Path::new(&cgroup.path).file_name().unwrap().to_str().unwrap().to_string();

    let (pid_a_parent, pid_b) = (launcher.0.id(), sender_b.0.id());
    use Selects::*;
    let expressions = [
        ("pname ptta".to_string(), A),
        (format!("pname ptta or (udp port {port_b})"), AAndB),
        ("not pname ptta and udp".to_string(), AllButA),
        (format!("uid {nobody} and udp"), B),
        ("user nobody".to_string(), B),
        (format!("pid {pid_b}"), B),
        (format!("ppid {pid_a_parent}"), A),
        (format!("cgroup /{cgroup_name} and udp"), A),
    ];
    let selected = |selects: Selects, (port, _): &Datagram| match selects {
        A => *port == port_a,
        B => *port == port_b,
        AAndB => *port == port_a || *port == port_b,
        AllButA => *port != port_a,
    };

    let oracle_file = dir.join("oracle.pcap");
    let mut tcpdump = Command::new("tcpdump");
    // Immediate mode: every packet written before it stops, not a block of them at a time.
    tcpdump.args([
        "-i",
        &net.host_if,
        "-n",
        "--immediate-mode",
        "-B",
        "32768",
        "-U",
        "-w",
        oracle_file.to_str().unwrap(),
    ]);
    let oracle = Running::start_command(tcpdump, Stdio::null());
    let everything_file = dir.join("everything.pcapng");
    let everything = Running::start(&["-i", &net.host_if, "-w", everything_file.to_str().unwrap()]);
    let filtered: Vec<(PathBuf, Running)> = expressions
        .iter()
        .enumerate()
        .map(|(index, (expression, _))| {
            let file = dir.join(format!("filtered-{index}.pcapng"));
            let ptstat = Running::start(&["-i", &net.host_if, "-w", file.to_str().unwrap(), expression]);
            (file, ptstat)
        })
        .collect();

    // --stats counts by the same terms: B's flow only.
    let stats_expression = "not pname ptta and udp";
    let stats = Running::start(&["--stats", "--json", "-i", &net.host_if, stats_expression]);

    let inner = TestCgroup::new(&format!("{cgroup_name}/inner"));
    fs::write(format!("{}/cgroup.procs", inner.path), pid_a_parent.to_string()).unwrap();
    fs::write(&go, "").unwrap();
    wait_until_exists(&sent_a);
    wait_until_exists(&sent_b);
    // The last datagrams reach every capture's ring buffer and file.
    thread::sleep(Duration::from_millis(300));
    let finished_stats = stats.stop();
    assert!(finished_stats.status.success(), "{}", finished_stats.stderr);
    let finished_oracle = oracle.stop();
    let finished_everything = everything.stop();
    assert!(finished_everything.status.success(), "{}", finished_everything.stderr);
    let filtered: Vec<PathBuf> = filtered
        .into_iter()
        .map(|(file, ptstat)| {
            let finished = ptstat.stop();
            assert!(finished.status.success(), "{}", finished.stderr);
            file
        })
        .collect();
    fs::write(&done, "").unwrap();
    drop((launcher, sender_b));
    assert!(finished_oracle.status.success(), "tcpdump: {}", finished_oracle.stderr);

    let sent = datagrams(&oracle_file);
    for (port, tag) in [(port_a, "A"), (port_b, "B")] {
        let of_sender = sent.iter().filter(|(to, _)| *to == port).count();
        assert_eq!(
            of_sender, count,
            "tcpdump saw {of_sender} of {tag}'s {count} datagrams: {}",
            finished_oracle.stderr
        );
    }
    let document = common::json_document(&finished_stats.stdout);
    let flows = document["flows"].as_array().expect("flows");
    let counted = |port: u16| -> u64 {
        flows.iter().filter(|flow| flow["dst_port"] == port).map(|flow| flow["packets"].as_u64().unwrap()).sum()
    };
    assert_eq!((counted(port_a), counted(port_b)), (0, count as u64), "--stats '{stats_expression}': {document:#}");
    for ((expression, selects), file) in expressions.iter().zip(&filtered) {
        let expected: BTreeSet<Datagram> =
            sent.iter().filter(|datagram| selected(*selects, datagram)).cloned().collect();
        assert!(!expected.is_empty(), "{expression}");
        assert_eq!(datagrams(file), expected, "live capture of '{expression}'");
        // The same expression over the unfiltered capture's comments.
        let reread = dir.join(format!("{}.reread.pcapng", file.file_stem().unwrap().to_str().unwrap()));
        let output = Command::new(PTSTAT)
            .args(["-r", everything_file.to_str().unwrap(), "-w", reread.to_str().unwrap(), expression])
            .output()
            .unwrap();
        assert!(output.status.success(), "-r '{expression}': {}", String::from_utf8_lossy(&output.stderr));
        assert_eq!(datagrams(&reread), expected, "-r of the unfiltered capture with '{expression}'");
    }
    drop(inner);
}

#[test]
fn the_listing_names_each_term() {
    let output = Command::new(PTSTAT).args(["-d", "pname curl or (uid 1000 and tcp port 443)"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let listing = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = listing.lines().collect();
    assert_eq!(lines[0], "(000) ld       [process terms]");
    assert!(lines[1].starts_with("(001) jset     #0x1 ") && lines[1].ends_with("\t; pname curl"), "{listing}");
    let uid_test = lines.iter().position(|line| line.ends_with("; uid 1000")).expect("uid 1000 named");
    assert!(lines[uid_test].contains(" jset     #0x2 ") && lines[uid_test - 1].ends_with("ld       [process terms]"));
}

#[test]
fn the_issues_example_expressions_compile() {
    for expression in [
        "pname curl or (container web and tcp port 443)",
        "not pname sshd and tcp",
        "pod label app=shop and not port 53",
        "pod web.default or container id 4f3e or cgroup /system.slice or netns blue or user root or ppid 1",
    ] {
        let output = Command::new(PTSTAT).args(["-i", "any", "-d", expression]).output().unwrap();
        assert!(output.status.success(), "{expression}: {}", String::from_utf8_lossy(&output.stderr));
        assert!(String::from_utf8_lossy(&output.stdout).contains("ld       [process terms]"), "{expression}");
    }
}

#[test]
fn a_bad_term_is_one_line_with_its_column() {
    for (expression, message) in [
        ("pid x", "ptstat: 'pid' takes a number, not 'x' (at column 5: 'x')"),
        ("pod label =", "ptstat: 'pod label' takes KEY=VALUE, not '=' (at column 11: '=')"),
        ("tcp and ppid 1.5", "ptstat: 'ppid' takes a number, not '1.5' (at column 14: '1.5')"),
    ] {
        for mode in [&["-d"][..], &["-r", "testdata/dccp.pcap"]] {
            assert_eq!(common::refusal(&[mode, &[expression]].concat()), message, "{expression} {mode:?}");
        }
    }
}

#[test]
fn terms_that_name_nothing_are_refused_before_capture() {
    if !root_or_skip("terms_that_name_nothing_are_refused_before_capture") {
        return;
    }
    for (args, message) in [
        (
            &["-i", "lo", "user no-such-user-tm"][..],
            "ptstat: filter expression: user no-such-user-tm: Couldn't find user 'no-such-user-tm'",
        ),
        (
            &["-i", "lo", "cgroup /no/such/cgroup-tm"],
            "ptstat: filter expression: cgroup /no/such/cgroup-tm: no such cgroup",
        ),
        (&["-r", "testdata/dccp.pcap", "netns blue"], "ptstat: filter expression: 'netns blue' needs a live capture"),
    ] {
        let line = common::refusal(args);
        assert!(line.starts_with(message), "{args:?}: {line}");
    }
}

/// Each ICMP packet of `file` as (type, identifier, sequence number, source, destination), by tshark.
fn icmp_packets(file: &Path) -> BTreeSet<String> {
    let fields = ["icmp.type", "icmp.ident", "icmp.seq", "ip.src", "ip.dst"];
    let mut args = vec!["-r", file.to_str().unwrap(), "-Y", "icmp", "-T", "fields"];
    args.extend(fields.iter().flat_map(|field| ["-e", field]));
    run("tshark", &args).lines().map(str::to_string).collect()
}

#[test]
fn netns_term_keeps_the_packets_seen_in_that_namespace() {
    if !root_or_skip("netns_term_keeps_the_packets_seen_in_that_namespace") || !tool_available("tshark") {
        return;
    }
    let (kept, other) = (VethNamespace::new("tmx", 192), VethNamespace::new("tmy", 193));
    let directory = tempfile::tempdir().unwrap();
    let (oracle_file, filtered_file) = (directory.path().join("oracle.pcap"), directory.path().join("kept.pcapng"));
    let namespaces = [&kept, &other].map(|net| format!("/run/netns/{}", net.namespace));
    let expression = format!("netns {} and icmp", kept.namespace);
    let filtered_path = filtered_file.to_str().unwrap();
    let args = ["--netns", &namespaces[0], "--netns", &namespaces[1], "-w", filtered_path, &expression];
    if !common::kernel_reports("packet namespaces: yes") {
        // Before Linux 6.2 packets cannot tell their namespace: --netns is refused, in one line.
        assert_eq!(common::refusal(&args), common::NETNS_NEEDS_LINUX_6_2);
        return;
    }
    kept.warm_up();
    other.warm_up();
    let oracle = Running::start_command(
        kept.command(&[
            "tcpdump",
            "-i",
            &kept.peer_if,
            "-n",
            "--immediate-mode",
            "-U",
            "-w",
            oracle_file.to_str().unwrap(),
        ]),
        Stdio::null(),
    );
    let filtered = Running::start(&args);
    for net in [&kept, &other] {
        run("ping", &["-c", "3", "-i", "0.2", "-W", "2", &net.peer_ip]);
    }
    thread::sleep(Duration::from_millis(300));
    let finished = filtered.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let finished_oracle = oracle.stop();
    assert!(finished_oracle.status.success(), "{}", finished_oracle.stderr);
    let expected = icmp_packets(&oracle_file);
    // Three echo requests and their replies, inside the namespace.
    assert_eq!(expected.len(), 6, "{expected:?}");
    assert_eq!(icmp_packets(&filtered_file), expected, "'{expression}'");
}
