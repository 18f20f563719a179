//! In-kernel process selection: `--pid`, `--pname`, `--uid`, `-f` and `-- COMMAND` keep exactly the chosen
//! processes' packets. Each test runs a filtered and an unfiltered ptstat side by side on the same traffic and
//! compares: the filtered capture must hold exactly the packets the unfiltered one attributes to those processes.
//! Needs root; CI=true forbids skipping.

mod common;

use std::{
    ffi::CString,
    io::{BufRead, BufReader, Write},
    process::{Child, Command, Stdio},
    thread,
    time::Duration,
};

use common::*;

/// (PID from the comment, ICMP type or UDP port) of every ICMP echo / UDP packet in a capture, in order.
fn packets(file: &str) -> Vec<(String, String)> {
    let fields = run(
        "tshark",
        &[
            "-r",
            file,
            "-Y",
            "icmp.type == 8 || icmp.type == 0 || udp",
            "-T",
            "fields",
            "-E",
            "occurrence=f",
            "-e",
            "frame.comment",
            "-e",
            "icmp.type",
            "-e",
            "udp.dstport",
        ],
    );
    fields
        .lines()
        .map(|line| {
            let mut fields = line.split('\t');
            let comment = fields.next().unwrap_or_default();
            let pid = comment.split("\\n").find_map(|l| l.strip_prefix("PID: ")).unwrap_or("-").to_string();
            let what = fields.filter(|field| !field.is_empty()).collect::<Vec<_>>().join("/");
            (pid, what)
        })
        .collect()
}

fn pinger(net: &VethNamespace) -> Child {
    Command::new("ping").args(["-c", "4", "-i", "0.2", &net.peer_ip]).stdout(Stdio::null()).spawn().unwrap()
}

/// Three datagrams to `port` in the namespace, sent as `user` by one nc process, and a listener there that takes
/// them, so no ICMP error makes the connected sender give up early.
struct UdpSender {
    listener: Child,
    sender: Child,
}

impl UdpSender {
    fn wait(&mut self) {
        self.sender.wait().unwrap();
        let _ = self.listener.kill();
        self.listener.wait().unwrap();
    }
}

fn udp_sender_as(net: &VethNamespace, user: &str, port: &str) -> UdpSender {
    let listener = net.command(&["nc", "-u", "-l", "-p", port]).stdout(Stdio::null()).spawn().unwrap();
    thread::sleep(Duration::from_millis(100));
    let sender = Command::new("setpriv")
        .args(["--reuid", user, "--regid", "nogroup", "--clear-groups", "sh", "-c"])
        // An nc for each datagram: lines piped to one nc may reach it together on a slow machine (an emulated
        // kernel), and go out as one datagram.
        .arg(format!("for i in 1 2 3; do echo datagram | nc -u -q0 {} {port}; sleep 0.1; done", net.peer_ip))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    UdpSender { listener, sender }
}

/// Starts an unfiltered and a filtered capture on the namespace's interface.
fn captures(net: &VethNamespace, dir: &tempfile::TempDir, filter: &[&str]) -> (Running, Running, String, String) {
    let all = dir.path().join("all.pcapng").to_str().unwrap().to_string();
    let some = dir.path().join("some.pcapng").to_str().unwrap().to_string();
    let unfiltered = Running::start(&["-i", &net.host_if, "-w", &all]);
    let mut args = vec!["-i", net.host_if.as_str(), "-w", some.as_str()];
    args.extend_from_slice(filter);
    let filtered = Running::start(&args);
    (unfiltered, filtered, all, some)
}

fn stop_both(unfiltered: Running, filtered: Running) {
    thread::sleep(Duration::from_millis(200));
    for finished in [unfiltered.stop(), filtered.stop()] {
        assert!(finished.status.success(), "{}", finished.stderr);
    }
}

#[test]
fn pid_and_pname_keep_exactly_their_processes_packets() {
    if !root_or_skip("pid_and_pname_keep_exactly_their_processes_packets") || !tool_available("tshark") {
        return;
    }
    let net = VethNamespace::new("fpid", 31);
    net.warm_up();
    let dir = tempfile::tempdir().unwrap();
    // The pid is known only after the start, so the traffic starts paused until ptstat listens.
    let mut chosen = Command::new("sh")
        .args(["-c", &format!("read go; exec ping -c 4 -i 0.2 {}", net.peer_ip)])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let pid = chosen.id().to_string();
    let (unfiltered, filtered, all, some) = captures(&net, &dir, &["--pid", &pid]);
    let by_name_file = dir.path().join("by-name.pcapng").to_str().unwrap().to_string();
    let by_name = Running::start(&["-i", &net.host_if, "-w", &by_name_file, "--pname", "nc"]);
    std::io::Write::write_all(chosen.stdin.as_mut().unwrap(), b"go\n").unwrap();
    let mut other = pinger(&net);
    let mut udp = udp_sender_as(&net, "root", "6020");
    chosen.wait().unwrap();
    other.wait().unwrap();
    udp.wait();
    let named = by_name.stop();
    assert!(named.status.success(), "{}", named.stderr);
    stop_both(unfiltered, filtered);

    let everything = packets(&all);
    let expected: Vec<_> = everything.iter().filter(|(owner, _)| *owner == pid).cloned().collect();
    assert_eq!(expected.len(), 8, "4 requests and 4 replies of the chosen ping: {everything:?}");
    assert_eq!(packets(&some), expected, "--pid {pid}");
    let nc_packets: Vec<_> = everything.iter().filter(|(_, what)| what == "6020").cloned().collect();
    assert_eq!(nc_packets.len(), 3, "{everything:?}");
    assert_eq!(packets(&by_name_file), nc_packets, "--pname nc");
}

#[test]
fn uid_keeps_only_that_users_packets() {
    if !root_or_skip("uid_keeps_only_that_users_packets") || !tool_available("tshark") {
        return;
    }
    let net = VethNamespace::new("fuid", 32);
    net.warm_up();
    let dir = tempfile::tempdir().unwrap();
    let nobody = run("id", &["-u", "nobody"]).trim().to_string();
    let (unfiltered, filtered, all, some) = captures(&net, &dir, &["--uid", &nobody]);
    let mut as_nobody = udp_sender_as(&net, "nobody", "6021");
    let mut as_root = udp_sender_as(&net, "root", "6022");
    as_nobody.wait();
    as_root.wait();
    stop_both(unfiltered, filtered);
    let kept: Vec<_> = packets(&some).into_iter().map(|(_, what)| what).collect();
    assert_eq!(kept, ["6021", "6021", "6021"]);
    assert_eq!(packets(&all).iter().filter(|(_, what)| what == "6022").count(), 3);
}

#[test]
fn follow_forks_adds_children_born_during_the_capture() {
    if !root_or_skip("follow_forks_adds_children_born_during_the_capture") || !tool_available("tshark") {
        return;
    }
    let net = VethNamespace::new("ffork", 33);
    net.warm_up();
    let dir = tempfile::tempdir().unwrap();
    let mut parent = Command::new("sh")
        .args(["-c", &format!("read go; ping -c 2 -i 0.2 {0}; ping -c 1 -s 100 {0}", net.peer_ip)])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let pid = parent.id().to_string();
    let (unfiltered, followed, all, kept) = captures(&net, &dir, &["--pid", &pid, "-f"]);
    let without_file = dir.path().join("without.pcapng").to_str().unwrap().to_string();
    let without = Running::start(&["-i", &net.host_if, "-w", &without_file, "--pid", &pid]);
    let mut stranger = pinger(&net);
    std::io::Write::write_all(parent.stdin.as_mut().unwrap(), b"go\n").unwrap();
    parent.wait().unwrap();
    stranger.wait().unwrap();
    let finished = without.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    stop_both(unfiltered, followed);

    let everything = packets(&all);
    let stranger_pid = stranger.id().to_string();
    let children: Vec<_> =
        everything.iter().filter(|(owner, _)| *owner != stranger_pid && *owner != "-").cloned().collect();
    assert_eq!(children.len(), 6, "the first ping's 4 packets and the second's 2: {everything:?}");
    assert_eq!(packets(&kept), children, "-f keeps the children's packets");
    assert_eq!(packets(&without_file), [], "without -f the shell itself sends nothing");
}

#[test]
fn command_after_double_dash_is_captured_alone_and_ends_the_capture() {
    if !root_or_skip("command_after_double_dash_is_captured_alone_and_ends_the_capture") || !tool_available("tshark") {
        return;
    }
    let net = VethNamespace::new("fcmd", 34);
    net.warm_up();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("command.pcapng").to_str().unwrap().to_string();
    let mut stranger =
        Command::new("ping").args(["-c", "10", "-i", "0.1", &net.peer_ip]).stdout(Stdio::null()).spawn().unwrap();
    let script = format!("echo to stdout; ping -c 2 -i 0.2 {}", net.peer_ip);
    let output = Command::new(PTSTAT)
        .args(["-i", &net.host_if, "-w", "-", "--", "sh", "-c", &script])
        .output()
        .expect("run ptstat -- COMMAND");
    stranger.wait().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    // The command's stdout went to stderr: stdout is a clean PcapNG stream.
    assert!(String::from_utf8_lossy(&output.stderr).contains("to stdout"));
    std::fs::write(&file, &output.stdout).unwrap();
    let kept = packets(&file);
    assert_eq!(kept.len(), 4, "{kept:?}");
    let stranger_pid = stranger.id().to_string();
    assert!(kept.iter().all(|(owner, _)| *owner != stranger_pid && *owner != "-"), "{kept:?}");
}

#[test]
fn equal_tuples_in_another_namespace_are_never_confused() {
    if !root_or_skip("equal_tuples_in_another_namespace_are_never_confused") || !tool_available("tshark") {
        return;
    }
    // Here: 10.77.35.1 → 10.77.35.2 (namespace A). Elsewhere: namespaces B → C with the very same addresses,
    // and the same client port and server port. Only this namespace's client may be named.
    let net = VethNamespace::new("nsa", 35);
    let b = Namespace::new("nsb");
    let c = Namespace::new("nsc");
    run("ip", &["link", "add", "ptnsb", "netns", &b.0, "type", "veth", "peer", "name", "ptnsc", "netns", &c.0]);
    for (namespace, interface, address) in [(&b.0, "ptnsb", "10.77.35.1/24"), (&c.0, "ptnsc", "10.77.35.2/24")] {
        run("ip", &["-n", namespace, "addr", "add", address, "dev", interface]);
        run("ip", &["-n", namespace, "link", "set", interface, "up"]);
    }
    let sender = |peer: &str| {
        format!(
            "import socket, time\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.bind(('10.77.35.1', 6030))\n\
             s.connect(('{peer}', 6031))\nfor _ in range(5):\n    s.send(b'x')\n    time.sleep(0.05)\n"
        )
    };
    let receiver = "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.bind(('10.77.35.2', 6031))\n\
                    for _ in range(5):\n    d, a = s.recvfrom(10)\n    s.sendto(d, a)\n";
    let mut receiver_a = net.command(&["python3", "-c", receiver]).spawn().unwrap();
    let mut receiver_c = Command::new("ip").args(["netns", "exec", &c.0, "python3", "-c", receiver]).spawn().unwrap();
    net.warm_up();
    thread::sleep(Duration::from_millis(300));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.pcapng").to_str().unwrap().to_string();
    let ptstat = Running::start(&["-i", &net.host_if, "-w", &file]);
    let mut here = Command::new("python3").args(["-c", &sender("10.77.35.2")]).spawn().unwrap();
    let mut there =
        Command::new("ip").args(["netns", "exec", &b.0, "python3", "-c", &sender("10.77.35.2")]).spawn().unwrap();
    let here_pid = here.id().to_string();
    for child in [&mut here, &mut there, &mut receiver_a, &mut receiver_c] {
        child.wait().unwrap();
    }
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let seen = packets(&file);
    assert_eq!(seen.len(), 10, "5 datagrams each way: {seen:?}");
    assert!(
        seen.iter().all(|(owner, _)| *owner == here_pid),
        "only this namespace's sender (pid {here_pid}): {seen:?}"
    );
}

/// Runs `argv` (an absolute path first) as a process with pid `pid`, which must be free, and waits for it: the pid
/// of a process that has ended, taken by a stranger (clone3's set_tid; the cyclic allocator would hand it out
/// again only after some 32768 others).
fn run_with_pid(pid: i32, argv: &[&str]) {
    /// struct clone_args of linux/sched.h (clone3 since 5.3, set_tid since 5.5).
    #[repr(C)]
    #[derive(Default)]
    struct CloneArgs {
        flags: u64,
        pidfd: u64,
        child_tid: u64,
        parent_tid: u64,
        exit_signal: u64,
        stack: u64,
        stack_size: u64,
        tls: u64,
        set_tid: u64,
        set_tid_size: u64,
        cgroup: u64,
    }
    let args: Vec<CString> = argv.iter().map(|arg| CString::new(*arg).unwrap()).collect();
    let mut pointers: Vec<*const libc::c_char> = args.iter().map(|arg| arg.as_ptr()).collect();
    pointers.push(std::ptr::null());
    let set_tid = [pid];
    let clone_args = CloneArgs {
        exit_signal: libc::SIGCHLD as u64,
        set_tid: set_tid.as_ptr() as u64,
        set_tid_size: 1,
        ..CloneArgs::default()
    };
    // SAFETY: clone3 without flags is a fork: the child has its own copy of this memory, where `clone_args`,
    // `args` and `pointers` stay valid, and calls only execv and _exit, which are async-signal-safe.
    let child = unsafe { libc::syscall(libc::SYS_clone3, &clone_args, std::mem::size_of::<CloneArgs>()) };
    if child == 0 {
        // SAFETY: see above; `pointers` is a NULL-terminated array of NUL-terminated strings.
        unsafe {
            libc::execv(pointers[0], pointers.as_ptr());
            libc::_exit(127);
        }
    }
    assert_eq!(child, i64::from(pid), "clone3 with set_tid {pid}: {}", std::io::Error::last_os_error());
    let mut status = 0;
    // SAFETY: waits for our own child, writing its status into a local.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "{argv:?}: status {status}");
}

#[test]
fn a_followed_child_that_exits_leaves_the_selection_and_a_stranger_with_its_pid_is_not_captured() {
    let test = "a_followed_child_that_exits_leaves_the_selection_and_a_stranger_with_its_pid_is_not_captured";
    if !root_or_skip(test) || !tool_available("tshark") {
        return;
    }
    let net = VethNamespace::new("kmpid", 172);
    net.warm_up();
    let _listener = udp_listener(Some(&net), 6040);
    let dir = tempfile::tempdir().unwrap();
    // Once ptstat listens, the parent starts one child that pings, says the child's pid, and says when it has
    // reaped it (its pid is free then); it stays until told to end.
    let script =
        format!("read go; sh -c 'echo $$; exec ping -c 2 -i 0.2 {} >/dev/null'; echo reaped; read end", net.peer_ip);
    let mut parent =
        Killed(Command::new("sh").args(["-c", &script]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap());
    let parent_pid = parent.0.id();
    let (unfiltered, followed, all, kept) = captures(&net, &dir, &["--pid", &parent_pid.to_string(), "-f"]);
    let mut to_parent = parent.0.stdin.take().unwrap();
    writeln!(to_parent, "go").unwrap();
    let mut from_parent = BufReader::new(parent.0.stdout.take().unwrap()).lines().map(Result::unwrap);
    let child: i32 = from_parent.next().unwrap().parse().unwrap();
    assert_eq!(from_parent.next().unwrap(), "reaped");

    let selected: aya::maps::HashMap<_, u32, u8> =
        aya::maps::HashMap::try_from(map_of_process(followed.pid(), "selected_pids")).unwrap();
    let pids: Vec<u32> = selected.keys().map(Result::unwrap).collect();
    assert!(
        pids.contains(&parent_pid) && !pids.contains(&(child as u32)),
        "parent {parent_pid}, child {child}: {pids:?}"
    );

    run_with_pid(child, &["/bin/bash", "-c", &datagram_script(&net.peer_ip, 6040, 3, 10)]);
    writeln!(to_parent, "end").unwrap();
    parent.0.wait().unwrap();
    stop_both(unfiltered, followed);

    let everything = packets(&all);
    let child = child.to_string();
    let with_childs_pid: Vec<_> = everything.iter().filter(|(owner, _)| *owner == child).cloned().collect();
    let count = |what: &str| with_childs_pid.iter().filter(|(_, seen)| seen == what).count();
    assert_eq!(
        (count("8"), count("0"), count("6040")),
        (2, 2, 3),
        "the child's 2 echo requests and 2 replies, the stranger's 3 datagrams, all with pid {child}: {everything:?}"
    );
    let childs_own: Vec<_> = with_childs_pid.into_iter().filter(|(_, what)| what != "6040").collect();
    assert_eq!(packets(&kept), childs_own, "-f keeps the child's packets, not the stranger's");
}
