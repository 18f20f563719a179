//! Process attribution on the real kernel, without kprobes: real programs (nc, ping, curl, python3) whose pids
//! the test knows make traffic; ptstat writes PcapNG, and every TCP/UDP/ICMP packet of theirs must carry the right
//! pid and name in its comment (read back by tshark), in both directions. Needs root; CI=true forbids skipping.

mod common;

use std::{
    collections::{BTreeMap, HashSet},
    io::{Read, Write},
    os::{
        fd::{AsRawFd, FromRawFd, OwnedFd},
        unix::net::{UnixDatagram, UnixStream},
    },
    process::{Child, Command, Stdio},
    thread,
    time::Duration,
};

use common::*;

/// For every packet tshark shows for `display_filter`: the PID its comment names ("-" if none), counted.
fn pids_of_packets(file: &str, display_filter: &str) -> BTreeMap<String, usize> {
    let fields =
        run("tshark", &["-r", file, "-Y", display_filter, "-T", "fields", "-E", "occurrence=f", "-e", "frame.comment"]);
    let mut pids = BTreeMap::new();
    for comment in fields.lines() {
        // tshark prints the comment's newlines as the two characters "\n".
        let pid = comment.split("\\n").find_map(|line| line.strip_prefix("PID: ")).unwrap_or("-").to_string();
        *pids.entry(pid).or_insert(0) += 1;
    }
    pids
}

fn comment_values(file: &str, display_filter: &str, key: &str) -> Vec<String> {
    let fields =
        run("tshark", &["-r", file, "-Y", display_filter, "-T", "fields", "-E", "occurrence=f", "-e", "frame.comment"]);
    fields
        .lines()
        .map(|comment| {
            comment.split("\\n").find_map(|line| line.strip_prefix(&format!("{key}: "))).unwrap_or("-").to_string()
        })
        .collect()
}

fn only(pid: u32, count: usize) -> BTreeMap<String, usize> {
    BTreeMap::from([(pid.to_string(), count)])
}

fn spawn(command: &mut Command) -> Child {
    command.stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("spawn")
}

fn capture_file(dir: &tempfile::TempDir) -> String {
    dir.path().join("capture.pcapng").to_str().unwrap().to_string()
}

#[test]
fn outgoing_tcp_from_its_syn_and_accepted_tcp_name_their_processes() {
    if !root_or_skip("outgoing_tcp_from_its_syn_and_accepted_tcp_name_their_processes") || !tool_available("tshark") {
        return;
    }
    let net = VethNamespace::new("ptcp", 21);
    net.warm_up();
    // A server here, before ptstat starts: its SYN finds the listener; accepted-socket packets name it too.
    let mut local_server = spawn(Command::new("nc").args(["-l", "-s", &net.host_ip, "-p", "6001"]));
    let mut remote_server = tcp_sink_in(&net, 6002);
    wait_for_listener(&net, 6002);
    wait_for_socket(None, "-Hltn", 6001);
    let dir = tempfile::tempdir().unwrap();
    let file = capture_file(&dir);
    let ptstat = Running::start(&["-i", &net.host_if, "-w", &file]);

    let mut client = spawn(Command::new("nc").args(["-q", "0", &net.peer_ip, "6002"]));
    let client_pid = client.id();
    drop(client.stdin.take().map(|mut stdin| std::io::Write::write_all(&mut stdin, b"to the namespace\n")));
    client.wait().unwrap();
    remote_server.wait().unwrap();

    let mut remote_client =
        net.command(&["nc", "-q", "0", &net.host_ip, "6001"]).stdin(Stdio::piped()).spawn().unwrap();
    drop(remote_client.stdin.take().map(|mut stdin| std::io::Write::write_all(&mut stdin, b"to the host\n")));
    remote_client.wait().unwrap();
    local_server.wait().unwrap();
    thread::sleep(Duration::from_millis(200));
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);

    let outgoing = pids_of_packets(&file, "tcp.port == 6002");
    let count = outgoing.values().sum::<usize>();
    assert!(count >= 8, "{outgoing:?}");
    assert_eq!(outgoing, only(client_pid, count), "outgoing connection, both directions, SYN included");
    assert_eq!(comment_values(&file, "tcp.port == 6002 && tcp.flags.syn == 1 && tcp.flags.ack == 0", "Comm"), ["nc"]);

    let accepted = pids_of_packets(&file, "tcp.port == 6001");
    let count = accepted.values().sum::<usize>();
    assert!(count >= 8, "{accepted:?}");
    assert_eq!(accepted, only(local_server.id(), count), "SYN to the listener and the accepted connection");
}

#[test]
fn udp_both_ways_and_tcp_and_udp_on_one_port() {
    if !root_or_skip("udp_both_ways_and_tcp_and_udp_on_one_port") || !tool_available("tshark") {
        return;
    }
    let net = VethNamespace::new("pudp", 22);
    net.warm_up();
    // Port 6003 twice here: a TCP listener (nc) and a UDP echo server (python3), different processes.
    let mut tcp_server = spawn(Command::new("nc").args(["-l", "-s", &net.host_ip, "-p", "6003"]));
    let echo = format!(
        "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.bind(('{}', 6003))\n\
         for _ in range(2):\n    data, peer = s.recvfrom(100)\n    s.sendto(data, peer)\n",
        net.host_ip
    );
    let mut udp_server = spawn(Command::new("python3").args(["-c", &echo]));
    wait_for_socket(None, "-Hltn", 6003);
    wait_for_socket(None, "-Hlun", 6003);
    let dir = tempfile::tempdir().unwrap();
    let file = capture_file(&dir);
    let ptstat = Running::start(&["-i", &net.host_if, "-w", &file]);

    // From the namespace: two datagrams (unconnected sender) and a TCP connection, all to port 6003 here.
    let sender = format!(
        "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n\
         for _ in range(2):\n    s.sendto(b'ping', ('{}', 6003))\n    s.recvfrom(100)\n",
        net.host_ip
    );
    net.exec_ok(&["python3", "-c", &sender]);
    let mut tcp_client = net.command(&["nc", "-q", "0", &net.host_ip, "6003"]).stdin(Stdio::piped()).spawn().unwrap();
    drop(tcp_client.stdin.take());
    tcp_client.wait().unwrap();
    tcp_server.wait().unwrap();
    udp_server.wait().unwrap();
    // A connected UDP client here, answered by nobody: its datagram and the ICMP error.
    let mut connected = spawn(Command::new("python3").args([
        "-c",
        &format!("import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.connect(('{}', 6004))\ns.send(b'x')\n", net.peer_ip),
    ]));
    let connected_pid = connected.id();
    connected.wait().unwrap();
    thread::sleep(Duration::from_millis(200));
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);

    assert_eq!(pids_of_packets(&file, "udp.port == 6003"), only(udp_server.id(), 4), "UDP in and out");
    let tcp = pids_of_packets(&file, "tcp.port == 6003");
    assert_eq!(tcp, only(tcp_server.id(), tcp.values().sum()), "TCP on the same port: the other process");
    assert_eq!(pids_of_packets(&file, "udp.dstport == 6004 && !icmp"), only(connected_pid, 1), "connected UDP");
}

#[test]
fn ping_names_its_process_both_ways() {
    if !root_or_skip("ping_names_its_process_both_ways") || !tool_available("tshark") {
        return;
    }
    let net = VethNamespace::new("pping", 23);
    net.warm_up();
    let dir = tempfile::tempdir().unwrap();
    let file = capture_file(&dir);
    let ptstat = Running::start(&["-i", &net.host_if, "-w", &file]);
    let mut ping = spawn(Command::new("ping").args(["-c", "3", "-i", "0.2", &net.peer_ip]));
    let ping_pid = ping.id();
    ping.wait().unwrap();
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    assert_eq!(pids_of_packets(&file, "icmp.type == 8 || icmp.type == 0"), only(ping_pid, 6));
    assert_eq!(comment_values(&file, "icmp.type == 0", "Comm"), ["ping", "ping", "ping"]);
}

#[test]
fn a_connection_opened_before_ptstat_started_names_its_processes() {
    if !root_or_skip("a_connection_opened_before_ptstat_started_names_its_processes") || !tool_available("tshark") {
        return;
    }
    let net = VethNamespace::new("pold", 24);
    net.warm_up();
    // Server here, client in the namespace: connected and idle before ptstat starts; then the client speaks first,
    // so the first packet the host sees comes in, before the server's process has sent or received anything ptstat
    // could watch: only the owners ptstat read at its start can name it.
    let server_code = format!(
        "import socket\nl = socket.socket()\nl.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\nl.bind(('{}', 6005))\nl.listen()\nc, _ = l.accept()\n\
         c.recv(100)\nc.sendall(b'late reply')\nc.recv(100)\nc.close()\n",
        net.host_ip
    );
    let mut server = spawn(Command::new("python3").args(["-c", &server_code]));
    wait_for_socket(None, "-Hltn", 6005);
    let client_code = format!(
        "import socket, sys\ns = socket.create_connection(('{}', 6005))\nsys.stdin.readline()\ns.sendall(b'late hello')\n\
         s.recv(100)\ns.close()\n",
        net.host_ip
    );
    let mut client = net.command(&["python3", "-c", &client_code]).stdin(Stdio::piped()).spawn().unwrap();
    wait_for_socket(None, "-Htn", 6005);

    let dir = tempfile::tempdir().unwrap();
    let file = capture_file(&dir);
    let ptstat = Running::start(&["-i", &net.host_if, "-w", &file]);
    let mut stdin = client.stdin.take().unwrap();
    std::io::Write::write_all(&mut stdin, b"go\n").unwrap();
    drop(stdin);
    server.wait().unwrap();
    client.wait().unwrap();
    thread::sleep(Duration::from_millis(200));
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let packets = pids_of_packets(&file, "tcp.port == 6005");
    let count = packets.values().sum::<usize>();
    assert!(count >= 4, "{packets:?}");
    assert_eq!(packets, only(server.id(), count));
}

#[test]
fn curl_to_a_local_http_server_over_loopback() {
    if !root_or_skip("curl_to_a_local_http_server_over_loopback")
        || !tool_available("tshark")
        || !tool_available("curl")
    {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "hello from the test\n").unwrap();
    let mut server = spawn(
        Command::new("python3").args(["-m", "http.server", "--bind", "127.0.0.1", "6006"]).current_dir(dir.path()),
    );
    wait_for_socket(None, "-Hltn", 6006);
    let file = capture_file(&dir);
    let ptstat = Running::start(&["-i", "lo", "-w", &file]);
    let mut curl = spawn(Command::new("curl").args(["-s", "-o", "/dev/null", "http://127.0.0.1:6006/index.html"]));
    let curl_pid = curl.id();
    curl.wait().unwrap();
    thread::sleep(Duration::from_millis(200));
    let finished = ptstat.stop();
    let _ = server.kill();
    let _ = server.wait();
    assert!(finished.status.success(), "{}", finished.stderr);
    // On loopback each packet is captured once, leaving its sender: curl's packets name curl, the server's it.
    let from_curl = pids_of_packets(&file, "tcp.dstport == 6006");
    let from_server = pids_of_packets(&file, "tcp.srcport == 6006");
    assert_eq!(from_curl, only(curl_pid, from_curl.values().sum()), "curl's packets");
    assert_eq!(from_server, only(server.id(), from_server.values().sum()), "the server's packets");
    assert!(from_curl.values().sum::<usize>() >= 4 && from_server.values().sum::<usize>() >= 3);
    let args = comment_values(&file, "tcp.dstport == 6006 && tcp.flags.syn == 1", "Args");
    assert_eq!(args, ["curl -s -o /dev/null http://127.0.0.1:6006/index.html"]);
}

#[test]
fn ipv6_tcp_names_its_process_and_reading_the_file_shows_it_again() {
    if !root_or_skip("ipv6_tcp_names_its_process_and_reading_the_file_shows_it_again") || !tool_available("tshark") {
        return;
    }
    let net = VethNamespace::new("psix", 25);
    run("ping", &["-c", "1", "-W", "2", &net.peer_ip6]);
    let mut remote_server =
        net.command(&["nc", "-6", "-l", "-p", "6007"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    wait_for_listener(&net, 6007);
    let dir = tempfile::tempdir().unwrap();
    let file = capture_file(&dir);
    let ptstat = Running::start(&["-i", &net.host_if, "-w", &file]);
    let mut client = spawn(Command::new("nc").args(["-6", "-q", "0", &net.peer_ip6, "6007"]));
    let client_pid = client.id();
    drop(client.stdin.take());
    client.wait().unwrap();
    remote_server.wait().unwrap();
    thread::sleep(Duration::from_millis(200));
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let packets = pids_of_packets(&file, "ipv6 && tcp.port == 6007");
    let count = packets.values().sum::<usize>();
    assert!(count >= 6, "{packets:?}");
    assert_eq!(packets, only(client_pid, count), "IPv6 TCP, both directions");

    // `ptstat -r` of the file prints the context from the comments, as the live lines do.
    let reread = Command::new(PTSTAT).args(["-r", &file, "-v", "tcp port 6007"]).output().unwrap();
    let reread = String::from_utf8_lossy(&reread.stdout).into_owned();
    let tagged = format!(" nc.{client_pid} ");
    let packet_lines: Vec<&str> = reread.lines().filter(|line| !line.starts_with("    ")).collect();
    assert_eq!(packet_lines.len(), count, "{reread}");
    assert!(packet_lines.iter().all(|line| line.contains(&tagged) && line.contains(", ParentProc [")), "{reread}");
    assert!(
        reread.contains(&format!("    Process (pid {client_pid}, cmd /usr/bin/nc.openbsd, args nc -6 -q 0 ")),
        "{reread}"
    );
}

/// A connected UDP socket that one process used long enough for the send tracepoint to settle it (see
/// `remember_traced_socket` in ebpf/sockets.h), then a child holding the same socket connects it again: the
/// socket's owner is the child until the parent sends again, and the parent's datagrams after that name the
/// parent, not the child (the tracepoint must look the socket up again, not trust what it settled).
#[test]
fn a_socket_taken_over_by_another_process_and_used_again_names_the_user_again() {
    if !root_or_skip("a_socket_taken_over_by_another_process_and_used_again_names_the_user_again")
        || !tool_available("tshark")
    {
        return;
    }
    let net = VethNamespace::new("ptake", 175);
    net.warm_up();
    let _sink = udp_listener(Some(&net), 6046);
    let dir = tempfile::tempdir().unwrap();
    let file = capture_file(&dir);
    let ptstat = Running::start(&["-i", &net.host_if, "-w", &file]);

    let script = format!(
        "import os, socket, sys\n\
         s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n\
         s.connect(('{peer}', 6046))\n\
         for i in range(8):\n    s.send(b'settling %d' % i)\n\
         child = os.fork()\n\
         if child == 0:\n    s.connect(('{peer}', 6046))\n    os._exit(0)\n\
         os.waitpid(child, 0)\n\
         print(child, flush=True)\n\
         for i in range(3):\n    s.send(b'after %d' % i)\n",
        peer = net.peer_ip
    );
    let user = Command::new("python3").args(["-c", &script]).stdout(Stdio::piped()).spawn().expect("python3");
    let parent_pid = user.id();
    let user = user.wait_with_output().unwrap();
    assert!(user.status.success());
    let child_pid = String::from_utf8_lossy(&user.stdout).trim().to_string();
    thread::sleep(Duration::from_millis(200));
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);

    assert_eq!(pids_of_packets(&file, "udp contains \"settling\""), only(parent_pid, 8));
    // "after 0" left before the tracepoint of its send ran: it names whoever connected last, as any socket's first
    // datagram after a change of hands does.
    for later in ["after 1", "after 2"] {
        assert_eq!(
            pids_of_packets(&file, &format!("udp contains \"{later}\"")),
            only(parent_pid, 1),
            "{later}: the child ({child_pid}) only connected the socket; the parent sent it"
        );
    }
}

/// The socket's cookie, the key the programs file its owner under.
fn socket_cookie(socket: &impl AsRawFd) -> u64 {
    let mut cookie = 0u64;
    let mut len = std::mem::size_of::<u64>() as libc::socklen_t;
    // SAFETY: getsockopt writes at most `len` bytes into `cookie`, which lives across the call.
    let result = unsafe {
        libc::getsockopt(socket.as_raw_fd(), libc::SOL_SOCKET, libc::SO_COOKIE, (&raw mut cookie).cast(), &mut len)
    };
    assert_eq!(result, 0, "SO_COOKIE: {}", std::io::Error::last_os_error());
    cookie
}

/// A route netlink socket that has sent the kernel one (no-op) message.
fn used_netlink_socket() -> OwnedFd {
    // SAFETY: socket(2) with constant arguments; the descriptor it returns is ours alone.
    let socket = unsafe {
        let fd = libc::socket(libc::AF_NETLINK, libc::SOCK_RAW | libc::SOCK_CLOEXEC, libc::NETLINK_ROUTE);
        assert!(fd >= 0, "netlink socket: {}", std::io::Error::last_os_error());
        OwnedFd::from_raw_fd(fd)
    };
    let header = libc::nlmsghdr {
        nlmsg_len: std::mem::size_of::<libc::nlmsghdr>() as u32,
        nlmsg_type: libc::NLMSG_NOOP as u16,
        nlmsg_flags: libc::NLM_F_REQUEST as u16,
        nlmsg_seq: 1,
        nlmsg_pid: 0,
    };
    // SAFETY: sends the bytes of `header`, which lives across the call.
    let sent = unsafe { libc::send(socket.as_raw_fd(), (&raw const header).cast(), header.nlmsg_len as usize, 0) };
    assert!(sent > 0, "netlink send: {}", std::io::Error::last_os_error());
    socket
}

#[test]
fn sockets_of_other_families_than_ipv4_and_ipv6_never_get_an_owner_entry() {
    if !root_or_skip("sockets_of_other_families_than_ipv4_and_ipv6_never_get_an_owner_entry") {
        return;
    }
    let net = VethNamespace::new("kmunix", 173);
    let ptstat = Running::start(&["-i", &net.host_if, "--context="]);
    // Unix stream and datagram pairs and netlink sockets, each used: the send and receive hooks see every family.
    // They stay open while the map is read: an entry, if any, would still be there.
    let mut others: Vec<OwnedFd> = Vec::new();
    for _ in 0..20 {
        let (mut stream, mut peer) = UnixStream::pair().unwrap();
        stream.write_all(b"x").unwrap();
        peer.read_exact(&mut [0]).unwrap();
        let (datagram, datagram_peer) = UnixDatagram::pair().unwrap();
        datagram.send(b"x").unwrap();
        datagram_peer.recv(&mut [0]).unwrap();
        others.extend([stream.into(), peer.into(), datagram.into(), datagram_peer.into(), used_netlink_socket()]);
    }
    // An IPv4 socket used alike is in the map: it is the one the hooks fill.
    let udp = std::net::UdpSocket::bind("0.0.0.0:0").unwrap();
    udp.send_to(b"x", (net.peer_ip.as_str(), 6042)).unwrap();

    let owners: aya::maps::HashMap<_, u64, [u8; 40]> =
        aya::maps::HashMap::try_from(map_of_process(ptstat.pid(), "socket_owners")).unwrap();
    let keys: HashSet<u64> = owners.keys().map(Result::unwrap).collect();
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    assert!(keys.contains(&socket_cookie(&udp)), "the UDP socket has no entry");
    let entered: Vec<_> = others.iter().map(socket_cookie).filter(|cookie| keys.contains(cookie)).collect();
    assert!(entered.is_empty(), "{} of {} Unix and netlink sockets have entries", entered.len(), others.len());
}
