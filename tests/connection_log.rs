//! `--connections` on the real kernel: ptstat watches a veth pair into a private network namespace while `nc`
//! makes known TCP connections and a UDP flow, and the JSON lines it prints are parsed and checked: one line per
//! flow with the ports, direction and process (`nc`'s pid), `--unique`, `--external` with the default and given
//! internal networks, the same lines again from the `-w` file read with `-r`, and pods named by a Kubernetes API
//! server, through one watch shared with `--metrics`. Needs root; under CI=true a skip is a failure.

mod common;

use std::{
    collections::BTreeSet,
    io::{BufRead, BufReader, Read, Write},
    net::{TcpListener, TcpStream},
    process::{Command, Stdio},
    sync::{Arc, Mutex},
    thread,
    time::{Duration, Instant},
};

use serde_json::{Value, json};

use common::*;

const TCP_PORT: u16 = 7001;
const UDP_PORT: u16 = 7002;
const CONNECTIONS: usize = 3;

/// The pids of the processes that made the traffic.
struct Traffic {
    tcp_clients: BTreeSet<u64>,
    udp_sender: u64,
}

/// Servers in the peer namespace for the traffic: a TCP listener that keeps accepting, a UDP socket that swallows.
fn start_servers(net: &VethNamespace) -> (Killed, Killed) {
    let tcp = net
        .command(&["nc", "-k", "-l", "-p", &TCP_PORT.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start nc");
    let tcp = Killed(tcp);
    wait_for_listener(net, TCP_PORT);
    (tcp, udp_listener(Some(net), UDP_PORT))
}

/// Three TCP connections to the peer's TCP_PORT (`nc -z`: connect, then close), each by an `nc` of its own, and one
/// UDP flow of a datagram to UDP_PORT.
fn make_traffic(net: &VethNamespace) -> Traffic {
    let mut tcp_clients = BTreeSet::new();
    for _ in 0..CONNECTIONS {
        let mut client = Command::new("nc")
            .args(["-z", "-w", "2", &net.peer_ip, &TCP_PORT.to_string()])
            .stdout(Stdio::null())
            .spawn()
            .expect("start nc");
        tcp_clients.insert(u64::from(client.id()));
        assert!(client.wait().expect("nc").success(), "nc -z {} {TCP_PORT} failed", net.peer_ip);
    }
    let udp_sender = send_datagram(&net.peer_ip, UDP_PORT);
    // Time for the last packets to pass the ring buffer before ptstat is stopped.
    thread::sleep(Duration::from_millis(300));
    Traffic { tcp_clients, udp_sender }
}

/// Sends one datagram with `nc -u`; returns its pid.
fn send_datagram(address: &str, port: u16) -> u64 {
    let mut sender = Command::new("nc")
        .args(["-u", "-w", "1", address, &port.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start nc -u");
    sender.stdin.take().expect("stdin").write_all(b"hello\n").expect("write to nc");
    let pid = u64::from(sender.id());
    sender.wait().expect("nc -u");
    pid
}

/// Every stdout line, as JSON (each must be one object).
fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|line| {
            let value: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            assert!(value.is_object(), "not an object: {line}");
            value
        })
        .collect()
}

fn lines_to<'a>(lines: &'a [Value], proto: &str, address: &str, port: u16) -> Vec<&'a Value> {
    lines.iter().filter(|line| line["proto"] == proto && line["dst"] == address && line["dport"] == port).collect()
}

/// The TCP and UDP lines of the traffic: ports, addresses, direction, interface and process.
/// `assert_traffic_lines` of the two tests with a cluster, whose namespace's address is the pod shop/web-0's:
/// every line to it names that pod. Returns the lines as pretty JSON, for messages.
fn assert_traffic_lines_name_web_0(lines: &[Value], net: &VethNamespace, traffic: &Traffic) -> String {
    assert_traffic_lines(lines, net, traffic, CONNECTIONS);
    let all = serde_json::to_string_pretty(lines).unwrap();
    let web = json!({"name": "web-0", "namespace": "shop"});
    let to_web = [lines_to(lines, "tcp", &net.peer_ip, TCP_PORT), lines_to(lines, "udp", &net.peer_ip, UDP_PORT)];
    assert!(to_web.iter().flatten().all(|line| line["remote_pod"] == web), "{all}");
    all
}

fn assert_traffic_lines(lines: &[Value], net: &VethNamespace, traffic: &Traffic, tcp_lines: usize) {
    let all = serde_json::to_string_pretty(lines).unwrap();
    let tcp = lines_to(lines, "tcp", &net.peer_ip, TCP_PORT);
    assert_eq!(tcp.len(), tcp_lines, "{all}");
    let udp = lines_to(lines, "udp", &net.peer_ip, UDP_PORT);
    assert_eq!(udp.len(), 1, "{all}");
    let ipv4 = |line: &&Value| line["dst"] == net.peer_ip.as_str() || line["src"] == net.peer_ip.as_str();
    let others = lines.iter().filter(ipv4).filter(|line| line["proto"] == "tcp" || line["proto"] == "udp").count();
    assert_eq!(others, tcp.len() + udp.len(), "lines of flows nobody made:\n{all}");
    for line in tcp.iter().chain(&udp) {
        assert_eq!(line["src"], net.host_ip.as_str(), "{line}");
        assert_eq!(line["direction"], "out", "{line}");
        assert_eq!(line["interface"], net.host_if.as_str(), "{line}");
        assert_eq!(line["comm"], "nc", "{line}");
        assert!(line["sport"].as_u64().is_some_and(|port| port > 0), "{line}");
        assert!(line["cgroup"].is_string() && line["container"].is_null() && line["pod"].is_null(), "{line}");
        let time = line["timestamp"].as_str().expect("timestamp");
        // RFC 3339, UTC, nanoseconds: 2025-01-31T12:34:56.123456789Z.
        assert!(time.len() == 30 && time.ends_with('Z') && &time[10..11] == "T" && &time[19..20] == ".", "{time}");
    }
    let tcp_pids: BTreeSet<u64> = tcp.iter().filter_map(|line| line["pid"].as_u64()).collect();
    let tcp_ports: BTreeSet<u64> = tcp.iter().filter_map(|line| line["sport"].as_u64()).collect();
    assert_eq!(tcp_ports.len(), tcp_lines, "{all}");
    if tcp_lines == CONNECTIONS {
        assert_eq!(tcp_pids, traffic.tcp_clients, "{all}");
    } else {
        assert!(tcp_pids.is_subset(&traffic.tcp_clients), "{all}");
    }
    assert_eq!(udp[0]["pid"], traffic.udp_sender, "{all}");
}

#[test]
fn one_line_per_flow_with_its_process_also_from_the_written_file() {
    if !root_or_skip("one_line_per_flow_with_its_process_also_from_the_written_file") {
        return;
    }
    let net = VethNamespace::new("conn", 51);
    net.warm_up();
    let _servers = start_servers(&net);
    let directory = tempfile::tempdir().unwrap();
    let file = directory.path().join("connections.pcapng");
    let file = file.to_str().unwrap();
    let ptstat = Running::start(&["-i", &net.host_if, "--connections", "-w", file]);
    let traffic = make_traffic(&net);
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let lines = json_lines(&finished.stdout_text());
    assert_traffic_lines(&lines, &net, &traffic, CONNECTIONS);
    assert!(lines.iter().all(|line| line["remote_pod"].is_null()), "{lines:?}");

    // The file keeps the processes in its packet comments: read back, it gives the same lines.
    let read = Command::new(PTSTAT).args(["-r", file, "--connections"]).output().expect("ptstat -r");
    assert!(read.status.success(), "{}", String::from_utf8_lossy(&read.stderr));
    assert_eq!(json_lines(&String::from_utf8_lossy(&read.stdout)), lines);
}

#[test]
fn unique_shows_the_three_connections_once() {
    if !root_or_skip("unique_shows_the_three_connections_once") {
        return;
    }
    let net = VethNamespace::new("connu", 52);
    net.warm_up();
    let _servers = start_servers(&net);
    let ptstat = Running::start(&["-i", &net.host_if, "--connections", "--unique"]);
    let traffic = make_traffic(&net);
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    assert_traffic_lines(&json_lines(&finished.stdout_text()), &net, &traffic, 1);
}

#[test]
fn external_hides_internal_remote_addresses() {
    if !root_or_skip("external_hides_internal_remote_addresses") {
        return;
    }
    let net = VethNamespace::new("conne", 53);
    net.warm_up();
    let _servers = start_servers(&net);
    // 10.77.0.0/16 is internal by default (10.0.0.0/8); multicast (neighbour discovery) is never external.
    let ptstat = Running::start(&["-i", &net.host_if, "--connections", "--external"]);
    make_traffic(&net);
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    assert_eq!(finished.stdout_text(), "");

    let internal = ["--external", "--internal-networks", "127.0.0.0/8"];
    let ptstat = Running::start(&[&["-i", net.host_if.as_str(), "--connections"][..], &internal].concat());
    let traffic = make_traffic(&net);
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    assert_traffic_lines(&json_lines(&finished.stdout_text()), &net, &traffic, CONNECTIONS);
}

#[test]
fn a_bad_internal_network_is_one_error_line() {
    // Refused while the flags are read: no root needed.
    for bad in ["10.0.0.0/33", "10.0.0.0/8,intranet", "fc00::/200"] {
        let output = Command::new(PTSTAT)
            .args(["-i", "lo", "--connections", "--external", "--internal-networks", bad])
            .output()
            .expect("ptstat");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{bad}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{bad}: {stderr}");
        assert!(stderr.starts_with("ptstat: invalid value") && stderr.contains("--internal-networks"), "{stderr}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn a_kubeconfig_that_cannot_be_used_is_one_error_line() {
    // Refused before anything is attached: no root needed.
    let directory = tempfile::tempdir().unwrap();
    let no_context = directory.path().join("no-context");
    std::fs::write(&no_context, "apiVersion: v1\nkind: Config\nclusters: []\n").unwrap();
    let missing = directory.path().join("missing");
    for (kubeconfig, complaint) in [(&missing, "No such file"), (&no_context, "current context")] {
        let kubeconfig = kubeconfig.to_str().unwrap();
        let output = Command::new(PTSTAT)
            .args(["-i", "lo", "--connections", "--kubeconfig", kubeconfig])
            .output()
            .expect("ptstat");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with(&format!("ptstat: --kubeconfig {kubeconfig}: ")), "{stderr}");
        assert!(stderr.contains(complaint), "{stderr}");
    }
}

/// A fake Kubernetes API server: no real API server can run here, so this one answers just what kube's pod
/// watcher asks (and logs each request line to the test's stderr): `GET /api/v1/pods?...` with a PodList, then the
/// same with `watch=true` with a chunked stream of watch events that stays open until the client goes.
struct FakeApiServer {
    port: u16,
    requests: Arc<Mutex<Vec<String>>>,
}

impl FakeApiServer {
    /// Lists `listed`; the watch then reports `added`.
    fn start(listed: Value, added: Value) -> FakeApiServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the fake API server");
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = requests.clone();
        thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let (listed, added, log) = (listed.clone(), added.clone(), log.clone());
                thread::spawn(move || serve_api(stream, &listed, &added, &log));
            }
        });
        FakeApiServer { port, requests }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    /// Waits until a request's line contains `needle`.
    fn wait_for_request(&self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.requests().iter().any(|line| line.contains(needle)) {
            assert!(Instant::now() < deadline, "no request with {needle}; requests: {:?}", self.requests());
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// A kubeconfig for this server, written into `directory`.
    fn kubeconfig(&self, directory: &std::path::Path) -> String {
        kubeconfig_for(directory, &format!("http://127.0.0.1:{}", self.port))
    }
}

fn kubeconfig_for(directory: &std::path::Path, server: &str) -> String {
    let path = directory.join("kubeconfig");
    let text = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: {server}\ncontexts:\n\
         - name: fake\n  context:\n    cluster: fake\n    user: nobody\ncurrent-context: fake\nusers:\n\
         - name: nobody\n  user: {{}}\n"
    );
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// Answers requests on one connection (HTTP/1.1 keeps it for the next) until the client closes it.
fn serve_api(stream: TcpStream, listed: &Value, added: &Value, log: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone the stream"));
    let mut writer = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut header = String::new();
        while reader.read_line(&mut header).unwrap_or(0) > 0 && header != "\r\n" {
            header.clear();
        }
        let request_line = request_line.trim_end().to_string();
        eprintln!("fake API server: {request_line}");
        log.lock().unwrap().push(request_line.clone());
        let target = request_line.split(' ').nth(1).unwrap_or_default();
        if target.starts_with("/api/v1/pods") && target.contains("watch=true") {
            let event = serde_json::to_string(&json!({"type": "ADDED", "object": added})).unwrap() + "\n";
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
            let chunk = format!("{:x}\r\n{event}\r\n", event.len());
            if writer.write_all(head.as_bytes()).and_then(|()| writer.write_all(chunk.as_bytes())).is_err() {
                return;
            }
            // The stream stays open until the client goes.
            let _ = reader.read_to_end(&mut Vec::new());
            return;
        }
        let (status, body) = match target.starts_with("/api/v1/pods") {
            true => (
                "200 OK",
                json!({"apiVersion": "v1", "kind": "PodList", "metadata": {"resourceVersion": "100"},
                                      "items": [listed]}),
            ),
            false => (
                "404 Not Found",
                json!({"apiVersion": "v1", "kind": "Status", "status": "Failure",
                                               "reason": "NotFound", "code": 404}),
            ),
        };
        let body = body.to_string();
        let response = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

fn running_pod(name: &str, version: &str, addresses: &[&str]) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "shop", "uid": format!("uid-{name}"), "resourceVersion": version},
        "spec": {"containers": [{"name": "app", "image": "registry.example/app:1"}]},
        "status": {
            "phase": "Running",
            "podIP": addresses[0],
            "podIPs": addresses.iter().map(|address| json!({"ip": address})).collect::<Vec<_>>(),
        },
    })
}

/// The fake API server lists a pod with the peer's IPv4 address, and its watch stream then adds one with the
/// peer's IPv6 address: connections to either name the pod as `remote_pod`.
#[test]
fn remote_pods_come_from_the_kubernetes_api() {
    if !root_or_skip("remote_pods_come_from_the_kubernetes_api") {
        return;
    }
    let net = VethNamespace::new("connk", 54);
    net.warm_up();
    let _servers = start_servers(&net);
    let api = FakeApiServer::start(
        running_pod("web-0", "99", &[&net.peer_ip]),
        running_pod("db-0", "101", &["10.244.0.9", &net.peer_ip6]),
    );
    let directory = tempfile::tempdir().unwrap();
    let kubeconfig = api.kubeconfig(directory.path());
    let ptstat = Running::start(&["-i", &net.host_if, "--connections", "--kubeconfig", &kubeconfig]);
    // The listing is in before "listening"; the watch's event follows at once.
    api.wait_for_request("watch=true");
    thread::sleep(Duration::from_millis(300));
    let traffic = make_traffic(&net);
    run("ping", &["-c", "1", "-W", "2", &net.peer_ip6]);
    let udp6_sender = send_datagram(&net.peer_ip6, UDP_PORT);
    thread::sleep(Duration::from_millis(300));
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    assert!(!finished.stderr.contains("warning: Kubernetes"), "{}", finished.stderr);
    let lines = json_lines(&finished.stdout_text());
    let all = assert_traffic_lines_name_web_0(&lines, &net, &traffic);
    let db = json!({"name": "db-0", "namespace": "shop"});
    let udp6 = lines_to(&lines, "udp", &net.peer_ip6, UDP_PORT);
    assert_eq!(udp6.len(), 1, "{all}");
    assert_eq!((&udp6[0]["remote_pod"], &udp6[0]["pid"]), (&db, &json!(udp6_sender)), "{all}");
    let ping6: Vec<&Value> = lines.iter().filter(|line| line["proto"] == "icmp6" && line["icmp_type"] == 128).collect();
    assert_eq!(ping6.len(), 1, "{all}");
    assert_eq!((&ping6[0]["remote_pod"], &ping6[0]["comm"]), (&db, &json!("ping")), "{all}");

    // kube's watcher lists once, then watches from the list's resourceVersion.
    let requests = api.requests();
    assert!(requests[0].starts_with("GET /api/v1/pods?") && !requests[0].contains("watch=true"), "{requests:?}");
    let watch = requests.iter().find(|line| line.contains("watch=true")).expect("a watch request");
    assert!(watch.contains("resourceVersion=100"), "{requests:?}");
}

/// An API server that does not answer costs one warning line, and the log goes on without pod names.
#[test]
fn an_unreachable_api_server_is_one_warning() {
    if !root_or_skip("an_unreachable_api_server_is_one_warning") {
        return;
    }
    let net = VethNamespace::new("connw", 55);
    net.warm_up();
    let _servers = start_servers(&net);
    // A port nobody listens on: bound, then released.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let directory = tempfile::tempdir().unwrap();
    let kubeconfig = kubeconfig_for(directory.path(), &format!("http://127.0.0.1:{port}"));
    let ptstat = Running::start(&["-i", &net.host_if, "--connections", "--kubeconfig", &kubeconfig]);
    let traffic = make_traffic(&net);
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let warnings: Vec<&str> = finished.stderr.lines().filter(|line| line.contains("Kubernetes")).collect();
    assert_eq!(warnings.len(), 1, "{}", finished.stderr);
    assert!(warnings[0].starts_with("ptstat: warning: Kubernetes API at http://127.0.0.1:"), "{}", warnings[0]);
    let lines = json_lines(&finished.stdout_text());
    assert_traffic_lines(&lines, &net, &traffic, CONNECTIONS);
    assert!(lines.iter().all(|line| line["remote_pod"].is_null()), "{lines:?}");
}

/// `--connections` and `--metrics` name remote pods from one watch of the API server: the connection log's lines
/// and the metrics' series both name the listed pod, and the server was asked for one listing and one watch.
#[test]
fn the_connection_log_and_the_metrics_share_one_pod_watch() {
    if !root_or_skip("the_connection_log_and_the_metrics_share_one_pod_watch") || !tool_available("curl") {
        return;
    }
    let net = VethNamespace::new("connm", 57);
    net.warm_up();
    let _servers = start_servers(&net);
    let api =
        FakeApiServer::start(running_pod("web-0", "99", &[&net.peer_ip]), running_pod("db-0", "101", &["10.244.0.9"]));
    let directory = tempfile::tempdir().unwrap();
    let kubeconfig = api.kubeconfig(directory.path());
    let metrics = "127.0.0.1:29468";
    let args = ["-i", &net.host_if, "--connections", "--metrics", metrics, "--kubeconfig", &kubeconfig];
    let ptstat = Running::start(&args);
    api.wait_for_request("watch=true");
    let traffic = make_traffic(&net);
    // The metrics count each packet as it is delivered: until the sent series name the pod.
    let url = format!("http://{metrics}/metrics");
    let sent_to_web = |scraped: &str, protocol: &str| {
        scraped.lines().any(|line| {
            line.starts_with("ptstat_packets_total{")
                && line.contains(r#"direction="sent""#)
                && line.contains(&format!(r#"protocol="{protocol}""#))
                && line.contains(r#"remote="shop/web-0""#)
        })
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let scraped = Command::new("curl").args(["-sf", &url]).output().expect("curl");
        let scraped = String::from_utf8(scraped.stdout).unwrap();
        if sent_to_web(&scraped, "tcp") && sent_to_web(&scraped, "udp") {
            break;
        }
        assert!(Instant::now() < deadline, "no series sent to shop/web-0: {scraped}");
        thread::sleep(Duration::from_millis(100));
    }
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let lines = json_lines(&finished.stdout_text());
    assert_traffic_lines_name_web_0(&lines, &net, &traffic);

    let requests = api.requests();
    let pods_requests = requests.iter().filter(|line| line.starts_with("GET /api/v1/pods?"));
    let (watches, listings): (Vec<&String>, Vec<&String>) = pods_requests.partition(|line| line.contains("watch=true"));
    assert_eq!((listings.len(), watches.len()), (1, 1), "{requests:?}");
}
