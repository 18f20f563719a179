//! The live view (`--stats --tui`, and `-w FILE --tui` while capturing) in a real terminal: tmux runs ptstat while
//! UDP flows cross a veth pair; the test reads the screen as a user would see it, presses keys, resizes the window
//! and quits.

mod common;

use std::{
    process::{Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use common::{
    Killed, PTSTAT, Running, VethNamespace, closing_count, counters_of, datagram_script, root_or_skip, run,
    tool_available, udp_listener,
};

/// A tmux session running one command, killed on drop.
struct Tmux(String);

impl Tmux {
    fn start(name: &str, command: &str) -> Tmux {
        let _ = Command::new("tmux").args(["kill-session", "-t", name]).status();
        run("tmux", &["new-session", "-d", "-s", name, "-x", "160", "-y", "40", command]);
        Tmux(name.to_string())
    }

    fn screen(&self) -> String {
        run("tmux", &["capture-pane", "-p", "-t", &self.0])
    }

    fn keys(&self, keys: &str) {
        run("tmux", &["send-keys", "-t", &self.0, keys]);
    }

    /// Waits until the screen satisfies `ready`; panics with the screen if it does not within 10 s.
    fn wait_for(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return screen;
            }
            assert!(Instant::now() < deadline, "{what}; the screen:\n{screen}");
            thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Tmux {
    /// Sends `signal` to the command the pane's shell runs (its only child).
    fn signal_command(&self, signal: i32) {
        let shell = run("tmux", &["display-message", "-p", "-t", &self.0, "#{pane_pid}"]);
        let child: i32 = run("pgrep", &["-P", shell.trim()]).trim().parse().expect("one child of the pane's shell");
        // SAFETY: kill(2) on a process this test started, through tmux.
        assert_eq!(unsafe { libc::kill(child, signal) }, 0, "kill {child}");
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["kill-session", "-t", &self.0]).status();
    }
}

/// The line number of the row of the flow to `port`.
fn row_of(screen: &str, destination: &str) -> Option<usize> {
    screen.lines().position(|line| line.contains(destination))
}

/// True when the flow to `first` is shown above the flow to `second`.
fn above(screen: &str, first: &str, second: &str) -> bool {
    matches!((row_of(screen, first), row_of(screen, second)), (Some(a), Some(b)) if a < b)
}

#[test]
fn live_view_shows_flows_sorts_resizes_and_quits_cleanly() {
    if !root_or_skip("live_view_shows_flows_sorts_resizes_and_quits_cleanly") || !tool_available("tmux") {
        return;
    }
    let net = VethNamespace::new("tui", 61);
    net.warm_up();
    let _small_listener = udp_listener(Some(&net), 7061);
    let _big_listener = udp_listener(Some(&net), 7062);
    let small = format!("{}:7061", net.peer_ip);
    let big = format!("{}:7062", net.peer_ip);
    // Two flows that go on while the view refreshes: many small datagrams, and a few big ones with more bytes.
    let senders = format!(
        "for round in $(seq 60); do ({}) & ({}); wait; sleep 0.1; done",
        datagram_script(&net.peer_ip, 7061, 20, 10),
        datagram_script(&net.peer_ip, 7062, 2, 1400),
    );
    let _traffic = Killed(Command::new("bash").args(["-c", &senders]).spawn().unwrap());

    let tmux = Tmux::start(
        "ptstat-tui-test",
        &format!("sh -c '{PTSTAT} --stats --tui -i {} --refresh 500ms; echo EXITED:$?; sleep 60'", net.host_if),
    );
    let screen =
        tmux.wait_for("both flows appear", |screen| row_of(screen, &small).and(row_of(screen, &big)).is_some());
    assert!(screen.contains("BITRATE") && screen.contains("COMM"), "{screen}");
    assert!(screen.lines().any(|line| line.contains(&small) && line.contains("bash")), "{screen}");

    // p: by packets, the small datagrams first; y: by bytes, the big ones first; s then s: source, reversed.
    tmux.keys("p");
    tmux.wait_for("sorted by packets", |screen| screen.contains("PACKETSv") && above(screen, &small, &big));
    tmux.keys("y");
    tmux.wait_for("sorted by bytes", |screen| screen.contains("BYTESv") && above(screen, &big, &small));
    tmux.keys("p");
    tmux.keys("p");
    tmux.wait_for("sorted by packets, reversed", |screen| screen.contains("PACKETS^") && above(screen, &big, &small));
    tmux.keys("j");
    tmux.keys("k");

    // A smaller window: the header and the flows are still there, drawn for the new size.
    run("tmux", &["resize-window", "-t", &tmux.0, "-x", "70", "-y", "12"]);
    let resized = tmux.wait_for("redrawn at 70x12", |screen| {
        screen.lines().count() <= 12 && screen.contains("ptstat --stats") && screen.contains(&net.peer_ip)
    });
    assert!(resized.lines().all(|line| line.chars().count() <= 70), "{resized}");

    tmux.keys("q");
    let after = tmux.wait_for("ptstat exits", |screen| screen.contains("EXITED:"));
    assert!(after.contains("EXITED:0"), "{after}");
    let alternate = run("tmux", &["display-message", "-p", "-t", &tmux.0, "#{alternate_on}"]);
    assert_eq!(alternate.trim(), "0", "the terminal is back from the alternate screen");
    let cursor = run("tmux", &["display-message", "-p", "-t", &tmux.0, "#{cursor_flag}"]);
    assert_eq!(cursor.trim(), "1", "the cursor is visible again");
}

/// The cells of the screen's row that contains `needle`.
fn cells_of<'a>(screen: &'a str, needle: &str) -> Option<Vec<&'a str>> {
    screen.lines().find(|line| line.contains(needle)).map(|line| line.split_whitespace().collect())
}

#[test]
fn live_view_groups_by_process_and_the_key_cycles_the_grouping() {
    if !root_or_skip("live_view_groups_by_process_and_the_key_cycles_the_grouping") || !tool_available("tmux") {
        return;
    }
    let net = VethNamespace::new("tug", 154);
    net.warm_up();
    let _listeners: Vec<Killed> = [7154, 7155, 7156].map(|port| udp_listener(Some(&net), port)).into();
    // One bash sends two flows (two sockets), another one flow, a datagram each every 50 ms while the test runs.
    let peer = &net.peer_ip;
    let two_flows = format!(
        "exec 3>/dev/udp/{peer}/7154 4>/dev/udp/{peer}/7155; for i in $(seq 600); do printf x >&3; printf y >&4; \
         sleep 0.05; done"
    );
    let one_flow = format!("exec 3>/dev/udp/{peer}/7156; for i in $(seq 600); do printf z >&3; sleep 0.05; done");
    let two = Killed(Command::new("bash").args(["-c", &two_flows]).spawn().unwrap());
    let one = Killed(Command::new("bash").args(["-c", &one_flow]).spawn().unwrap());
    let (two_pid, one_pid) = (format!("bash.{}", two.0.id()), format!("bash.{}", one.0.id()));

    let tmux = Tmux::start(
        "ptstat-tui-group-test",
        &format!(
            "sh -c '{PTSTAT} --stats --tui -i {} --refresh 300ms --group-by process udp; echo EXITED:$?; sleep 60'",
            net.host_if
        ),
    );
    let screen = tmux.wait_for("a row per process", |screen| {
        cells_of(screen, &two_pid).is_some() && cells_of(screen, &one_pid).is_some()
    });
    let header = cells_of(&screen, "PACKETS").unwrap();
    assert_eq!(header[1..], ["PACKETS", "BYTES", "FLOWS", "PROCESS"], "{screen}");
    // BITRATE is a number and a unit: FLOWS is the fifth word.
    assert_eq!(cells_of(&screen, &two_pid).unwrap()[4], "2", "{screen}");
    assert_eq!(cells_of(&screen, &one_pid).unwrap()[4], "1", "{screen}");
    assert!(screen.contains("Tab/g group by: container") && screen.contains("0 flows evicted"), "{screen}");

    // g: by container (no container: one row, every flow); then Tab through pod and remote to proto.
    tmux.keys("g");
    tmux.wait_for("grouped by container", |screen| {
        screen.contains("CONTAINER") && cells_of(screen, "  -").is_some_and(|row| row[4] == "3")
    });
    tmux.keys("Tab");
    tmux.keys("Tab");
    let screen = tmux.wait_for("grouped by remote", |screen| screen.contains("REMOTE"));
    assert_eq!(cells_of(&screen, peer).unwrap()[4], "3", "{screen}");
    tmux.keys("Tab");
    tmux.wait_for("grouped by proto", |screen| cells_of(screen, " udp").is_some_and(|row| row[4] == "3"));
    // Then the flows themselves, each its own row.
    tmux.keys("Tab");
    tmux.wait_for("the flows again", |screen| {
        [7154, 7155, 7156].iter().all(|port| row_of(screen, &format!("{peer}:{port}")).is_some())
    });
    tmux.keys("q");
    let after = tmux.wait_for("ptstat exits", |screen| screen.contains("EXITED:"));
    assert!(after.contains("EXITED:0"), "{after}");
}

#[test]
fn live_view_shows_the_flows_the_kernel_table_lost() {
    if !root_or_skip("live_view_shows_the_flows_the_kernel_table_lost") || !tool_available("tmux") {
        return;
    }
    let net = VethNamespace::new("tue", 155);
    net.warm_up();
    let _listener = udp_listener(Some(&net), 7157);
    let tmux = Tmux::start(
        "ptstat-tui-evict-test",
        &format!(
            "sh -c '{PTSTAT} --stats --tui -i {} --refresh 200ms --stats-entries 8 udp dst port 7157; echo EXITED:$?; \
             sleep 60'",
            net.host_if
        ),
    );
    tmux.wait_for("the view is up", |screen| screen.contains("0 flows evicted"));
    // 50 flows: one datagram from each of 50 sockets (bash opens a socket, so a source port, per redirection).
    let flows = (0..50).map(|_| datagram_script(&net.peer_ip, 7157, 1, 10)).collect::<Vec<_>>().join("; ");
    let mut bash = Command::new("bash").args(["-c", &flows]).spawn().unwrap();
    assert!(bash.wait().unwrap().success());
    // The table holds at most 8: the others were pushed out, and the view says how many, live.
    let counted = |screen: &str| -> Option<(u64, u64)> {
        let summary = screen.lines().find(|line| line.starts_with("ptstat --stats"))?;
        let words: Vec<&str> = summary.split_whitespace().collect();
        let before = |word: &str| words.iter().position(|w| *w == word).and_then(|at| words[at - 1].parse().ok());
        Some((before("flows")?, words.iter().position(|w| *w == "evicted").and_then(|at| words[at - 2].parse().ok())?))
    };
    let screen = tmux.wait_for("every flow counted, in the table or evicted", |screen| {
        counted(screen).is_some_and(|(shown, evicted)| shown + evicted == 50)
    });
    let (shown, evicted) = counted(&screen).unwrap();
    assert!(shown <= 8 && evicted >= 42, "{screen}");
    tmux.keys("q");
    tmux.wait_for("ptstat exits", |screen| screen.contains("EXITED:0"));
}

/// A capture with the live view: ptstat writing `file` with `--tui` in tmux, its stderr (tcpdump's closing lines) to
/// `stderr`.
fn capture_view(name: &str, net: &VethNamespace, options: &str, file: &str, stderr: &str) -> Tmux {
    Tmux::start(
        name,
        &format!(
            "sh -c '{PTSTAT} -i {} -w {file} --tui --refresh 200ms {options} 2>{stderr}; echo EXITED:$?; sleep 60'",
            net.host_if
        ),
    )
}

/// The view's line of tcpdump's counters: captured, received by filter, dropped by kernel (before the interface's).
fn shown_counters(screen: &str) -> Option<[u64; 3]> {
    let line = screen.lines().find(|line| line.contains("packets received by filter"))?;
    Some(counters_of(line.rsplit_once(", ")?.0))
}

/// The view's count of the packets the interface dropped itself, at the end of the counters' line.
fn shown_interface_drops(screen: &str) -> Option<u64> {
    let line = screen.lines().find(|line| line.contains("packets received by filter"))?;
    line.rsplit_once(", ")?.1.trim().strip_suffix("packets dropped by interface")?.trim().parse().ok()
}

/// The packets of the flow's row (or group's): the third word, after the bitrate's number and unit.
fn shown_packets(screen: &str, needle: &str) -> Option<u64> {
    cells_of(screen, needle)?.get(2)?.parse().ok()
}

/// tcpdump's closing counters in ptstat's stderr: captured, received by filter, dropped by kernel.
fn closing_counters(stderr: &str) -> [u64; 3] {
    ["packets captured", "packets received by filter", "packets dropped by kernel"]
        .map(|what| closing_count(stderr, what))
}

/// How many datagrams to `destination` (tcpdump's `ADDRESS.PORT`) tcpdump reads in `file`.
fn datagrams_in_file(file: &str, destination: &str) -> u64 {
    let lines = run("tcpdump", &["-nn", "-r", file]);
    lines.lines().filter(|line| line.contains(&format!("> {destination}: UDP"))).count() as u64
}

#[test]
fn live_view_while_capturing_shows_the_ring_buffer_drops() {
    if !root_or_skip("live_view_while_capturing_shows_the_ring_buffer_drops")
        || !tool_available("tmux")
        || !tool_available("tcpdump")
    {
        return;
    }
    let net = VethNamespace::new("tuw", 81);
    net.warm_up();
    let _listener = udp_listener(Some(&net), 7181);
    let directory = tempfile::tempdir().unwrap();
    let file = directory.path().join("flood.pcapng").display().to_string();
    let stderr = directory.path().join("stderr").display().to_string();
    // A ring of one page (-B 4): a flood written in one burst fills it faster than ptstat drains it.
    let tmux = capture_view("ptstat-tui-drops-test", &net, "-B 4 udp port 7181", &file, &stderr);
    let screen = tmux.wait_for("the view is up", |screen| shown_counters(screen).is_some());
    assert!(screen.contains("ptstat capture") && screen.contains("BITRATE"), "{screen}");
    let mut flood =
        Command::new("bash").args(["-c", &datagram_script(&net.peer_ip, 7181, 20000, 1000)]).spawn().unwrap();
    assert!(flood.wait().unwrap().success());

    // Every datagram was counted in its sender's write: once the ring is drained, each one is shown captured or
    // dropped, and the flow's row has the captured ones.
    let flow = format!("{}:7181", net.peer_ip);
    let screen = tmux.wait_for("every datagram captured or dropped", |screen| {
        shown_counters(screen).is_some_and(|[captured, received, dropped]| {
            received == 20000 && captured + dropped == received && shown_packets(screen, &flow) == Some(captured)
        })
    });
    let [captured, received, dropped] = shown_counters(&screen).unwrap();
    assert!(dropped > 0, "a one-page ring keeps up with no flood: {screen}");
    // SIGUSR1 says the same on stderr (not on the view's terminal).
    tmux.signal_command(libc::SIGUSR1);
    let deadline = Instant::now() + Duration::from_secs(10);
    let progress = loop {
        let stderr = std::fs::read_to_string(&stderr).unwrap();
        if let Some(line) = stderr.lines().find(|line| line.ends_with("packets dropped by kernel")) {
            break line.to_string();
        }
        assert!(Instant::now() < deadline, "no SIGUSR1 line: {stderr}");
        thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(counters_of(&progress), [captured, received, dropped], "{progress}");

    tmux.keys("q");
    let after = tmux.wait_for("ptstat exits", |screen| screen.contains("EXITED:"));
    assert!(after.contains("EXITED:0"), "{after}");
    let stderr = std::fs::read_to_string(&stderr).unwrap();
    assert_eq!(closing_counters(&stderr), [captured, received, dropped], "nothing came after the flood: {stderr}");
    assert_eq!(datagrams_in_file(&file, &format!("{}.7181", net.peer_ip)), captured, "{stderr}");
}

#[test]
fn live_view_while_capturing_shows_every_datagram_and_no_drop() {
    if !root_or_skip("live_view_while_capturing_shows_every_datagram_and_no_drop")
        || !tool_available("tmux")
        || !tool_available("tcpdump")
    {
        return;
    }
    let net = VethNamespace::new("tuq", 82);
    net.warm_up();
    let _listener = udp_listener(Some(&net), 7182);
    let directory = tempfile::tempdir().unwrap();
    let file = directory.path().join("quiet.pcapng").display().to_string();
    let stderr = directory.path().join("stderr").display().to_string();
    let tmux = capture_view("ptstat-tui-quiet-test", &net, "udp port 7182", &file, &stderr);
    tmux.wait_for("the view is up", |screen| shown_counters(screen) == Some([0, 0, 0]));
    let mut sender = Command::new("bash").args(["-c", &datagram_script(&net.peer_ip, 7182, 50, 100)]).spawn().unwrap();
    let sender_name = format!("bash.{}", sender.id());
    assert!(sender.wait().unwrap().success());

    // 50 datagrams of 100 bytes: with their UDP, IPv4 and Ethernet headers 142 bytes each on the veth.
    let flow = format!("{}:7182", net.peer_ip);
    let screen = tmux.wait_for("the datagrams counted", |screen| shown_counters(screen) == Some([50, 50, 0]));
    let row = cells_of(&screen, &flow).unwrap();
    assert_eq!(row[2..5], ["50", "7100", "udp"], "{screen}");
    assert!(row.contains(&"bash"), "{screen}");
    // g groups as with --stats: the sender's process is one row with its flow.
    tmux.keys("g");
    let screen = tmux.wait_for("grouped by process", |screen| screen.contains("PROCESS"));
    assert_eq!(shown_packets(&screen, &sender_name), Some(50), "{screen}");
    assert_eq!(cells_of(&screen, &sender_name).unwrap()[4], "1", "one flow: {screen}");

    tmux.keys("q");
    let after = tmux.wait_for("ptstat exits", |screen| screen.contains("EXITED:"));
    assert!(after.contains("EXITED:0"), "{after}");
    let stderr = std::fs::read_to_string(&stderr).unwrap();
    assert_eq!(closing_counters(&stderr), [50, 50, 0], "{stderr}");
    assert_eq!(datagrams_in_file(&file, &format!("{}.7182", net.peer_ip)), 50, "{stderr}");
}

#[test]
fn live_view_while_capturing_starts_grouped_as_group_by_asks() {
    if !root_or_skip("live_view_while_capturing_starts_grouped_as_group_by_asks")
        || !tool_available("tmux")
        || !tool_available("tcpdump")
    {
        return;
    }
    let net = VethNamespace::new("tgw", 246);
    net.warm_up();
    let _listeners: Vec<Killed> = [7246, 7247].map(|port| udp_listener(Some(&net), port)).into();
    let directory = tempfile::tempdir().unwrap();
    let file = directory.path().join("grouped.pcapng").display().to_string();
    let stderr = directory.path().join("stderr").display().to_string();
    let options = "--group-by process udp dst portrange 7246-7247";
    let tmux = capture_view("ptstat-tui-capture-group-test", &net, options, &file, &stderr);
    let screen = tmux.wait_for("the view is up", |screen| shown_counters(screen) == Some([0, 0, 0]));
    let header = cells_of(&screen, "PACKETS").unwrap();
    assert_eq!(header[1..], ["PACKETS", "BYTES", "FLOWS", "PROCESS"], "grouped from the start: {screen}");
    // One process, two flows (bash opens a socket per redirection): 30 datagrams to one port, 20 to the other.
    let (peer, size) = (&net.peer_ip, 100);
    let script = [(7246, 30), (7247, 20)].map(|(port, count)| datagram_script(peer, port, count, size)).join("; ");
    let mut sender = Command::new("bash").args(["-c", &script]).spawn().unwrap();
    let sender_name = format!("bash.{}", sender.id());
    assert!(sender.wait().unwrap().success());

    let screen = tmux.wait_for("the datagrams counted", |screen| shown_counters(screen) == Some([50, 50, 0]));
    let row = cells_of(&screen, &sender_name).unwrap_or_else(|| panic!("a row for {sender_name}: {screen}"));
    // 100 bytes each and their UDP, IPv4 and Ethernet headers: 142 bytes on the veth.
    assert_eq!(row[2..5], ["50", &(50 * (size + 42)).to_string(), "2"], "{screen}");
    // The grouping still cycles: Tab goes on to the next one.
    tmux.keys("Tab");
    tmux.wait_for("grouped by container", |screen| screen.contains("CONTAINER") && !screen.contains("PROCESS"));

    tmux.keys("q");
    let after = tmux.wait_for("ptstat exits", |screen| screen.contains("EXITED:"));
    assert!(after.contains("EXITED:0"), "{after}");
    let stderr = std::fs::read_to_string(&stderr).unwrap();
    assert_eq!(closing_counters(&stderr), [50, 50, 0], "{stderr}");
    let in_file = [7246, 7247].map(|port| datagrams_in_file(&file, &format!("{peer}.{port}")));
    assert_eq!(in_file, [30, 20], "the process's two flows, as tcpdump reads them in the file");
}

/// An interface's own counters in sysfs: what libpcap calls "dropped by interface" (rx_missed_errors +
/// rx_fifo_errors: no room in the device), and rx_dropped (which also counts what the stack dropped later).
fn interface_drops(interface: &str) -> (u64, u64) {
    let read = |name: &str| -> u64 {
        let path = format!("/sys/class/net/{interface}/statistics/{name}");
        std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}")).trim().parse().unwrap()
    };
    (read("rx_missed_errors") + read("rx_fifo_errors"), read("rx_dropped"))
}

/// The `dropped by interface` line of tcpdump's closing lines (its or ptstat's), if there is one: tcpdump prints it
/// only when the interface dropped something.
fn closing_interface_drops(stderr: &str) -> Option<u64> {
    stderr.lines().find_map(|line| line.strip_suffix("dropped by interface")?.split_whitespace().next()?.parse().ok())
}

#[test]
fn live_view_while_capturing_shows_what_the_interface_dropped() {
    if !root_or_skip("live_view_while_capturing_shows_what_the_interface_dropped")
        || !tool_available("tmux")
        || !tool_available("tcpdump")
    {
        return;
    }
    let net = VethNamespace::new("tid", 247);
    net.warm_up();
    let directory = tempfile::tempdir().unwrap();
    let path = |name: &str| directory.path().join(name).display().to_string();
    let (file, stderr) = (path("frames.pcapng"), path("stderr"));
    // Frames of an experimental EtherType (IEEE 802 local, 0x88b5): captured, then dropped by the host's stack,
    // which has no handler for them (rx_dropped), while the device itself drops nothing.
    let filter = "ether proto 0x88b5";
    let mut tcpdump = Command::new("tcpdump");
    tcpdump.args(["-i", &net.host_if, "--immediate-mode", "-U", "-w", &path("tcpdump.pcap"), filter]);
    let tcpdump = Running::start_command(tcpdump, Stdio::null());
    let before = interface_drops(&net.host_if);
    let tmux = capture_view("ptstat-tui-interface-drops-test", &net, filter, &file, &stderr);
    let screen = tmux.wait_for("the view is up", |screen| shown_counters(screen) == Some([0, 0, 0]));
    assert_eq!(shown_interface_drops(&screen), Some(0), "{screen}");
    let frames = format!(
        "import socket\n\
         s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)\n\
         s.bind(('{}', 0))\n\
         for _ in range(20): s.send(b'\\xff' * 6 + b'\\x02' * 6 + b'\\x88\\xb5' + b'x' * 50)\n",
        net.peer_if
    );
    net.exec_ok(&["python3", "-c", &frames]);

    let screen = tmux.wait_for("the frames captured", |screen| shown_counters(screen) == Some([20, 20, 0]));
    let after = interface_drops(&net.host_if);
    assert!(after.1 >= before.1 + 20, "the stack dropped the frames: rx_dropped {} then {}", before.1, after.1);
    assert_eq!(shown_interface_drops(&screen), Some(after.0 - before.0), "{screen}");

    tmux.keys("q");
    let after_quit = tmux.wait_for("ptstat exits", |screen| screen.contains("EXITED:"));
    assert!(after_quit.contains("EXITED:0"), "{after_quit}");
    let tcpdump = tcpdump.stop();
    let stderr = std::fs::read_to_string(&stderr).unwrap();
    assert_eq!(closing_counters(&stderr), [20, 20, 0], "{stderr}");
    // The closing lines tell the interface's drops as tcpdump's beside them do (tcpdump: only when there are some).
    assert_eq!(
        closing_interface_drops(&stderr),
        closing_interface_drops(&tcpdump.stderr),
        "ptstat: {stderr}\ntcpdump: {}",
        tcpdump.stderr
    );
    assert_eq!(closing_count(&tcpdump.stderr, "packets captured"), 20, "{}", tcpdump.stderr);
}
