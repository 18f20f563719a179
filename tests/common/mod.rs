//! Test support: private network namespaces with veth pairs, running the ptstat binary, and the root/CI rule
//! (a test may skip only when not root, and under CI=true a skip is a failure).
#![allow(dead_code)] // each test binary uses its own part of this module

pub mod daemons;

use std::{
    io::{BufRead, BufReader, Read},
    process::{Child, Command, ExitStatus, Stdio},
    sync::mpsc,
    thread,
    time::{Duration, Instant},
};

pub const PTSTAT: &str = env!("CARGO_BIN_EXE_ptstat");

/// True when the test can run; false when it must skip (not root, outside CI). Under CI=true, panics instead.
pub fn root_or_skip(test: &str) -> bool {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        return true;
    }
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{test}: needs root, and CI=true forbids skipping");
    eprintln!("skipping {test}: needs root");
    false
}

/// Panics under CI=true if `tool` is missing; otherwise tells whether it can be used.
pub fn tool_available(tool: &str) -> bool {
    let found =
        Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().is_ok_and(|o| o.status.success());
    assert!(found || std::env::var("CI").as_deref() != Ok("true"), "{tool} is missing, and CI=true forbids skipping");
    found
}

/// Names of the programs attached to `interface`'s TCX hooks (Debian's bpftool predates TCX and cannot list them).
pub fn tcx_programs(interface: &str) -> Vec<String> {
    use aya::programs::{SchedClassifier, TcAttachType};
    [TcAttachType::Ingress, TcAttachType::Egress]
        .into_iter()
        .flat_map(|hook| SchedClassifier::query_tcx(interface, hook).map(|(_, programs)| programs).unwrap_or_default())
        .map(|program| program.name_as_str().unwrap_or_default().to_string())
        .collect()
}

/// The map `name` of running process `pid` (a ptstat), found by the map ids of its file descriptors: other
/// ptstats (other tests) have maps of that name too.
pub fn map_of_process(pid: i32, name: &str) -> aya::maps::Map {
    use aya::maps::{Map, MapData, MapInfo};
    let fdinfo = std::fs::read_dir(format!("/proc/{pid}/fdinfo")).expect("/proc/PID/fdinfo");
    let ids = fdinfo.filter_map(|entry| {
        let text = std::fs::read_to_string(entry.ok()?.path()).ok()?;
        text.lines().find_map(|line| line.strip_prefix("map_id:")?.trim().parse::<u32>().ok())
    });
    for id in ids {
        if MapInfo::from_id(id).is_ok_and(|info| info.name_as_str() == Some(name)) {
            return Map::from_map_data(MapData::from_id(id).expect("open the map")).expect("a known map type");
        }
    }
    panic!("process {pid} holds no map {name}");
}

/// Whether `ptstat --version` reports `line` (e.g. "packet namespaces: yes"): what this kernel offers, as ptstat
/// probes it. Tests of a feature some kernels lack check, on those, that ptstat refuses it with one line.
pub fn kernel_reports(line: &str) -> bool {
    let output = Command::new(PTSTAT).arg("--version").output().expect("ptstat --version");
    String::from_utf8_lossy(&output.stdout).lines().any(|reported| reported.starts_with(line))
}

/// The command that runs ptstat with `args` where /sys/kernel/btf is hidden (see `Running::start_without_sysfs_btf`).
pub fn without_sysfs_btf(args: &[&str]) -> Command {
    under_tmpfs("/sys/kernel/btf", args)
}

/// The command that runs ptstat with `args` in a mount namespace of its own, with an empty tmpfs over `directory`.
pub fn under_tmpfs(directory: &str, args: &[&str]) -> Command {
    let mut command = Command::new("unshare");
    command.args(["--mount", "--propagation", "private", "sh", "-c"]);
    command.arg(format!(r#"mount -t tmpfs none {directory} && exec "$0" "$@""#)).arg(PTSTAT).args(args);
    command
}

/// ptstat's one line for --netns where packets cannot tell their namespace (before Linux 6.2).
pub const NETNS_NEEDS_LINUX_6_2: &str =
    "ptstat: --netns needs Linux 6.2 or later (the kfunc bpf_cast_to_kern_ctx tells each packet's network namespace)";

/// Runs ptstat with `args` to its end, asserts that it refuses them as bad input is refused (exit status 1, one
/// line on stderr) and returns that line.
pub fn refusal(args: &[&str]) -> String {
    let output = Command::new(PTSTAT).args(args).output().expect("run ptstat");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    stderr.trim_end().to_string()
}

/// Runs a command to completion, panicking with its output if it fails.
pub fn run(command: &str, args: &[&str]) -> String {
    let output = Command::new(command).args(args).output().unwrap_or_else(|e| panic!("{command}: {e}"));
    assert!(output.status.success(), "{command} {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A network namespace `ptstat-TAG` joined to the root namespace by a veth pair:
/// `HOST_IF` (10.77.N.1/24, fd77:N::1/64) here, `PEER_IF` (10.77.N.2/24, fd77:N::2/64) inside. Removed on drop,
/// also when the test fails. Every test picks its own tag and subnet number, so tests can run in parallel.
pub struct VethNamespace {
    pub namespace: String,
    pub host_if: String,
    pub peer_if: String,
    pub host_ip: String,
    pub peer_ip: String,
    pub host_ip6: String,
    pub peer_ip6: String,
}

impl VethNamespace {
    pub fn new(tag: &str, subnet: u8) -> Self {
        let namespace = VethNamespace {
            namespace: format!("ptstat-{tag}"),
            host_if: format!("pt{tag}h"),
            peer_if: format!("pt{tag}p"),
            host_ip: format!("10.77.{subnet}.1"),
            peer_ip: format!("10.77.{subnet}.2"),
            host_ip6: format!("fd77:{subnet}::1"),
            peer_ip6: format!("fd77:{subnet}::2"),
        };
        namespace.remove();
        let ns = namespace.namespace.as_str();
        run("ip", &["netns", "add", ns]);
        run(
            "ip",
            &["link", "add", &namespace.host_if, "type", "veth", "peer", "name", &namespace.peer_if, "netns", ns],
        );
        run("ip", &["addr", "add", &format!("{}/24", namespace.host_ip), "dev", &namespace.host_if]);
        run("ip", &["addr", "add", &format!("{}/64", namespace.host_ip6), "dev", &namespace.host_if, "nodad"]);
        run("ip", &["link", "set", &namespace.host_if, "up"]);
        namespace.exec_ok(&["ip", "addr", "add", &format!("{}/24", namespace.peer_ip), "dev", &namespace.peer_if]);
        namespace.exec_ok(&[
            "ip",
            "addr",
            "add",
            &format!("{}/64", namespace.peer_ip6),
            "dev",
            &namespace.peer_if,
            "nodad",
        ]);
        namespace.exec_ok(&["ip", "link", "set", &namespace.peer_if, "up"]);
        namespace.exec_ok(&["ip", "link", "set", "lo", "up"]);
        namespace
    }

    /// A command run inside the namespace.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new("ip");
        command.args(["netns", "exec", &self.namespace]).args(args);
        command
    }

    pub fn exec_ok(&self, args: &[&str]) -> String {
        let output = self.command(args).output().expect("ip netns exec");
        assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Pings the peer once so the neighbour entries exist and later traffic needs no ARP.
    pub fn warm_up(&self) {
        run("ping", &["-c", "1", "-W", "2", &self.peer_ip]);
    }

    fn remove(&self) {
        let _ = Command::new("ip").args(["netns", "del", &self.namespace]).stderr(Stdio::null()).status();
        let _ = Command::new("ip").args(["link", "del", &self.host_if]).stderr(Stdio::null()).status();
    }
}

/// A bare network namespace, deleted (with the interfaces in it) on drop.
pub struct Namespace(pub String);

impl Namespace {
    pub fn new(tag: &str) -> Self {
        let name = format!("ptstat-{tag}");
        let _ = Command::new("ip").args(["netns", "del", &name]).stderr(Stdio::null()).status();
        run("ip", &["netns", "add", &name]);
        Namespace(name)
    }
}

/// Deletes a network interface of this namespace on drop (a test's tun device).
pub struct LinkCleanup(String);

impl Drop for LinkCleanup {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["link", "del", &self.0]).stderr(Stdio::null()).status();
    }
}

impl LinkCleanup {
    pub fn new(name: &str) -> LinkCleanup {
        LinkCleanup(name.to_string())
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).stderr(Stdio::null()).status();
    }
}

impl Drop for VethNamespace {
    fn drop(&mut self) {
        self.remove();
    }
}

/// How long one ptstat may take to start listening (it loads and attaches its programs, and reads /proc).
pub const STARTUP_TIMEOUT: Duration = Duration::from_secs(20);

/// A running `ptstat`, started with stdout captured and its readiness line ("listening on") awaited.
pub struct Running {
    pub child: Child,
    stderr_lines: mpsc::Receiver<String>,
    pub stderr_seen: Vec<String>,
}

/// What a finished ptstat left behind.
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Finished {
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// tcpdump's closing "N packets captured" number.
    pub fn captured(&self) -> u64 {
        closing_count(&self.stderr, "packets captured")
    }
}

/// The three numbers of tcpdump's counters on one line (SIGUSR1's, the live view's): captured, received by filter,
/// dropped by kernel.
pub fn counters_of(line: &str) -> [u64; 3] {
    let numbers: Vec<u64> = line.split([' ', ',']).filter_map(|word| word.parse().ok()).collect();
    numbers.try_into().unwrap_or_else(|numbers| panic!("three counts in {line:?}: {numbers:?}"))
}

pub fn closing_count(stderr: &str, what: &str) -> u64 {
    stderr
        .lines()
        .find_map(|line| line.strip_suffix(what)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no '{what}' in ptstat's stderr:\n{stderr}"))
}

impl Running {
    pub fn start(args: &[&str]) -> Running {
        Running::start_with_stdout(args, Stdio::piped())
    }

    pub fn start_with_stdout(args: &[&str], stdout: Stdio) -> Running {
        let mut command = Command::new(PTSTAT);
        command.args(args);
        Running::start_command(command, stdout)
    }

    /// ptstat run inside network namespace `namespace` (only the network namespace: /sys stays the host's, so
    /// BTF and the cgroup hierarchy are there as usual).
    pub fn start_in_namespace(namespace: &str, args: &[&str]) -> Running {
        let mut command = Command::new("nsenter");
        command.arg(format!("--net=/run/netns/{namespace}")).arg(PTSTAT).args(args);
        Running::start_command(command, Stdio::piped())
    }

    /// ptstat run where /sys/kernel/btf is empty, as on kernels built without BTF in sysfs: a mount namespace of its
    /// own with a tmpfs over it.
    pub fn start_without_sysfs_btf(args: &[&str]) -> Running {
        Running::start_command(without_sysfs_btf(args), Stdio::piped())
    }

    /// ptstat run with an empty tmpfs over `directory` (see `under_tmpfs`).
    pub fn start_under_tmpfs(directory: &str, args: &[&str]) -> Running {
        Running::start_command(under_tmpfs(directory, args), Stdio::piped())
    }

    /// ptstat run by `command` (a wrapper that execs it, so the pid is ptstat's).
    pub fn start_command(command: Command, stdout: Stdio) -> Running {
        Running::start_command_within(command, stdout, STARTUP_TIMEOUT)
    }

    /// As `start_command`, allowing ptstat `timeout` (before any slowdown factor) to start listening: more than
    /// `STARTUP_TIMEOUT` where many start at once and share the CPUs.
    pub fn start_command_within(mut command: Command, stdout: Stdio, timeout: Duration) -> Running {
        let mut child = command.stdout(stdout).stderr(Stdio::piped()).spawn().expect("start ptstat");
        let stderr = child.stderr.take().expect("piped stderr");
        let (sender, stderr_lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let mut running = Running { child, stderr_lines, stderr_seen: Vec::new() };
        // PTSTAT_TEST_SLOWDOWN: a factor for machines that emulate the CPU (scripts/kernels sets it under qemu).
        let slowdown = std::env::var("PTSTAT_TEST_SLOWDOWN").ok().and_then(|s| s.parse().ok()).unwrap_or(1);
        running.wait_for_stderr("listening on", timeout * slowdown);
        running
    }

    /// Waits until a stderr line contains `needle`; panics with what was seen if it does not come.
    pub fn wait_for_stderr(&mut self, needle: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while !self.stderr_seen.iter().any(|line| line.contains(needle)) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stderr_lines.recv_timeout(left) {
                Ok(line) => self.stderr_seen.push(line),
                Err(_) => {
                    let _ = self.child.kill();
                    panic!("ptstat never printed '{needle}'; stderr so far:\n{}", self.stderr_seen.join("\n"));
                }
            }
        }
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    pub fn signal(&self, signal: i32) {
        // SAFETY: kill(2) on our own child.
        unsafe { libc::kill(self.pid(), signal) };
    }

    /// Sends SIGTERM (unless it has exited already) and collects everything.
    pub fn stop(mut self) -> Finished {
        if self.child.try_wait().ok().flatten().is_none() {
            self.signal(libc::SIGTERM);
        }
        self.wait(Duration::from_secs(20))
    }

    /// Waits for the process to exit on its own (e.g. after -c).
    pub fn wait(mut self, timeout: Duration) -> Finished {
        let mut stdout = Vec::new();
        let reader = self.child.stdout.take().map(|mut pipe| {
            thread::spawn(move || {
                let mut bytes = Vec::new();
                let _ = pipe.read_to_end(&mut bytes);
                bytes
            })
        });
        let deadline = Instant::now() + timeout;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for ptstat") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("ptstat did not exit; stderr:\n{}", self.stderr_seen.join("\n"));
            }
            thread::sleep(Duration::from_millis(20));
        };
        if let Some(reader) = reader {
            stdout = reader.join().expect("stdout reader");
        }
        while let Ok(line) = self.stderr_lines.recv_timeout(Duration::from_secs(2)) {
            self.stderr_seen.push(line);
        }
        Finished { status, stdout, stderr: self.stderr_seen.join("\n") }
    }
}

/// A test that fails before it stops its ptstat must not leave it running, attached and capturing, after the test.
impl Drop for Running {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Starts a ptstat for each of `runs` (each awaits its "listening on" line), runs `traffic`, stops them all and
/// returns their standard outputs, in order.
pub fn run_side_by_side(runs: &[&[&str]], traffic: impl FnOnce()) -> Vec<String> {
    let running: Vec<Running> = runs.iter().map(|args| Running::start(args)).collect();
    traffic();
    // Let the last packets cross the hooks (what reached them, ptstat takes from its rings before it exits).
    thread::sleep(Duration::from_millis(200));
    running
        .into_iter()
        .map(|running| {
            let finished = running.stop();
            assert!(finished.status.success(), "ptstat failed: {}", finished.stderr);
            finished.stdout_text()
        })
        .collect()
}

/// Runs `--stats --json` with `args` while `traffic` runs, and returns the JSON document it printed at SIGTERM.
pub fn stats_json(args: &[&str], traffic: impl FnOnce()) -> serde_json::Value {
    let all = [&["--stats", "--json"], args].concat();
    json_document(run_side_by_side(&[&all], traffic)[0].as_bytes())
}

/// A JSON document ptstat printed; panics with the text if it is not one.
pub fn json_document(text: &[u8]) -> serde_json::Value {
    serde_json::from_slice(text).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(text)))
}

/// The columns of the `--stats` table, as its header line names them.
pub const STATS_COLUMNS: [&str; 11] =
    ["BITRATE", "PACKETS", "BYTES", "PROTO", "SRC", "DST", "PID", "COMM", "CGROUP", "CONTAINER", "PEER"];

/// Sends `count` datagrams of `size` bytes to `address:port` from a bash process of its own, here, and waits for it
/// to end; returns its pid.
pub fn send_datagrams(address: &str, port: u16, count: usize, size: usize) -> u32 {
    let mut bash = Command::new("bash").args(["-c", &datagram_script(address, port, count, size)]).spawn().unwrap();
    assert!(bash.wait().unwrap().success());
    bash.id()
}

/// A TCP listener inside `namespace` on `port` that reads one connection to its end (netcat).
pub fn tcp_sink_in(namespace: &VethNamespace, port: u16) -> Child {
    namespace
        .command(&["nc", "-l", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start nc")
}

/// Waits until something listens on `port` inside `namespace`.
pub fn wait_for_listener(namespace: &VethNamespace, port: u16) {
    wait_for_socket(Some(namespace), "-Hltn", port);
}

/// Waits until `ss FLAGS sport = :PORT`, run in `namespace` (or in this one), lists a socket: `-Hltn` a TCP
/// listener, `-Hlun` a bound UDP socket, `-Htn` a TCP connection.
pub fn wait_for_socket(namespace: Option<&VethNamespace>, flags: &str, port: u16) {
    wait_until_ss_lists(flags, port, |args| match namespace {
        Some(namespace) => namespace.exec_ok(args),
        None => run(args[0], &args[1..]),
    });
}

/// Waits until `ss FLAGS sport = :PORT`, run by `run_ss` (given the command line), lists a socket.
fn wait_until_ss_lists(flags: &str, port: u16, run_ss: impl Fn(&[&str]) -> String) {
    let filter = format!("sport = :{port}");
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if !run_ss(&["ss", flags, &filter]).trim().is_empty() {
            return;
        }
        thread::sleep(Duration::from_millis(20));
    }
    panic!("no socket on port {port} ({flags})");
}

/// A child process killed (and reaped) on drop, also when the test fails.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A bash script that sends `count` datagrams of `size` bytes from one socket (one port) to `address:port`: bash's
/// /dev/udp opens one socket for the redirection, and each printf is one write, so one datagram.
pub fn datagram_script(address: &str, port: u16, count: usize, size: usize) -> String {
    datagram_script_opening_first(address, port, "", count, size)
}

/// As `datagram_script`, but the socket is opened at once and the datagrams sent only once a line comes on stdin:
/// a socket that exists before ptstat starts, found by reading /proc.
pub fn datagram_script_after_a_line(address: &str, port: u16, count: usize, size: usize) -> String {
    datagram_script_opening_first(address, port, "read go; ", count, size)
}

fn datagram_script_opening_first(address: &str, port: u16, then: &str, count: usize, size: usize) -> String {
    format!("exec 3>/dev/udp/{address}/{port}; {then}for i in $(seq {count}); do printf '%{size}s' x >&3; done")
}

/// The command `args` run in `namespace`, or here.
pub fn command_in(namespace: Option<&VethNamespace>, args: &[&str]) -> Command {
    match namespace {
        Some(namespace) => namespace.command(args),
        None => {
            let mut command = Command::new(args[0]);
            command.args(&args[1..]);
            command
        }
    }
}

/// A UDP socket bound in `namespace` (or here) that swallows whatever comes, so no ICMP error answers datagrams.
pub fn udp_listener(namespace: Option<&VethNamespace>, port: u16) -> Killed {
    let mut command = command_in(namespace, &["nc", "-k", "-l", "-u", &port.to_string()]);
    let child = command.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("start nc");
    let listener = Killed(child);
    wait_for_socket(namespace, "-Hlun", port);
    listener
}

/// Where the cgroup v2 hierarchy is mounted: /sys/fs/cgroup, or /sys/fs/cgroup/unified on hybrid hosts.
pub fn cgroup2_mount() -> String {
    let mounts = std::fs::read_to_string("/proc/self/mounts").expect("/proc/self/mounts");
    let mount = mounts.lines().map(|line| line.split(' ').collect::<Vec<_>>()).find(|fields| fields[2] == "cgroup2");
    mount.expect("a cgroup v2 hierarchy")[1].to_string()
}

/// A cgroup v2 directory made for the test, removed on drop.
pub struct TestCgroup {
    /// Absolute path.
    pub path: String,
}

impl TestCgroup {
    /// `NAME` below the cgroup v2 root.
    pub fn new(name: &str) -> TestCgroup {
        let path = format!("{}/{name}", cgroup2_mount());
        let _ = std::fs::remove_dir(&path);
        std::fs::create_dir(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        TestCgroup { path }
    }
}

impl Drop for TestCgroup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.path);
    }
}

/// Two network namespaces, `ptstat-TAGa` and `ptstat-TAGb`, joined by a veth pair: `pTAGa` (10.79.N.1/24) in the
/// first, `pTAGb` (10.79.N.2/24) in the second; none of it in the test's namespace. Removed on drop (the interfaces
/// go with their namespaces).
pub struct NamespacePair {
    pub first: Namespace,
    pub second: Namespace,
    pub first_if: String,
    pub second_if: String,
    pub first_ip: String,
    pub second_ip: String,
}

impl NamespacePair {
    pub fn new(tag: &str, subnet: u8) -> NamespacePair {
        let (first, second) = (Namespace::new(&format!("{tag}a")), Namespace::new(&format!("{tag}b")));
        let pair = NamespacePair {
            first_if: format!("p{tag}a"),
            second_if: format!("p{tag}b"),
            first_ip: format!("10.79.{subnet}.1"),
            second_ip: format!("10.79.{subnet}.2"),
            first,
            second,
        };
        let (first, second) = (pair.first.0.as_str(), pair.second.0.as_str());
        run(
            "ip",
            &["link", "add", &pair.first_if, "netns", first, "type", "veth", "peer", &pair.second_if, "netns", second],
        );
        for (namespace, interface, address) in
            [(first, &pair.first_if, &pair.first_ip), (second, &pair.second_if, &pair.second_ip)]
        {
            run("ip", &["-n", namespace, "addr", "add", &format!("{address}/24"), "dev", interface]);
            run("ip", &["-n", namespace, "link", "set", interface, "up"]);
            run("ip", &["-n", namespace, "link", "set", "lo", "up"]);
        }
        // Neighbour entries exist before the test's traffic, which then needs no ARP.
        pair.in_first(&["ping", "-c", "1", "-W", "2", &pair.second_ip]);
        pair
    }

    /// A command run inside `namespace`.
    pub fn command(namespace: &Namespace, args: &[&str]) -> Command {
        let mut command = Command::new("ip");
        command.args(["netns", "exec", &namespace.0]).args(args);
        command
    }

    /// Runs `args` in the first namespace to completion, panicking if it fails.
    pub fn in_first(&self, args: &[&str]) -> String {
        let output = NamespacePair::command(&self.first, args).output().expect("ip netns exec");
        assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// A UDP socket bound on `port` in the second namespace that swallows whatever comes, once it is bound.
    pub fn udp_listener(&self, port: u16) -> Killed {
        let listener = NamespacePair::command(&self.second, &["nc", "-k", "-l", "-u", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nc");
        let listener = Killed(listener);
        wait_until_ss_lists("-Hlun", port, |args| {
            let output = NamespacePair::command(&self.second, args).output().expect("ss");
            String::from_utf8_lossy(&output.stdout).into_owned()
        });
        listener
    }

    /// Starts a bash in the first namespace that sends `count` numbered datagrams to `port` of the second
    /// (`numbered_datagrams_script`).
    pub fn send_datagrams(&self, port: u16, count: usize) -> Child {
        let script = numbered_datagrams_script(&self.second_ip, port, count);
        NamespacePair::command(&self.first, &["bash", "-c", &script]).spawn().expect("start bash")
    }
}

/// A bash script that sends `count` datagrams to `address:port` from one socket, each its own 13-byte payload:
/// `datagram-0001`, `datagram-0002`, ...
pub fn numbered_datagrams_script(address: &str, port: u16, count: usize) -> String {
    format!("exec 3>/dev/udp/{address}/{port}; for i in $(seq {count}); do printf 'datagram-%04d' $i >&3; done")
}

/// Linux charges a socket filter to its socket's option memory, which `net.core.optmem_max` bounds: before 6.9 it
/// defaults to 20480 bytes, less than ptstat's socket filter takes (ptstat then refuses in one line that says so).
/// The tests raise it as the README tells users to, to the default of newer kernels.
pub fn socket_filters_fit() {
    const OPTMEM_MAX: &str = "/proc/sys/net/core/optmem_max";
    const NEWER_DEFAULT: u64 = 131_072;
    let current: u64 = std::fs::read_to_string(OPTMEM_MAX).unwrap().trim().parse().unwrap();
    if current < NEWER_DEFAULT {
        std::fs::write(OPTMEM_MAX, NEWER_DEFAULT.to_string()).unwrap();
    }
}
