//! `--stats --metrics`: the real Prometheus server (Debian's `prometheus`) scrapes ptstat every second, and its
//! HTTP API must give back the packets and bytes that were sent, labelled with the sending process, as tcpdump
//! (read by tshark) saw them on the same interface; past `--metrics-max-series` the overflow series holds the rest,
//! also of flows the kernel's table evicted; a capture's counters (packets captured, received by filter, dropped
//! by a full ring buffer) and the flows tracked are those of ptstat's closing lines and JSON; the kernel's flows are
//! labelled with the interface when ptstat counts on one; a busy port is one line and exit 1.

mod common;

use std::{
    collections::BTreeMap,
    fs,
    net::TcpListener,
    path::Path,
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use common::{
    Killed, PTSTAT, Running, VethNamespace, datagram_script, root_or_skip, tcp_sink_in, tool_available, udp_listener,
    wait_for_listener,
};
use serde_json::Value;

/// How long Prometheus may take to start, and its series to reach what was sent.
const PATIENCE: Duration = Duration::from_secs(60);

/// A Prometheus server of the test's own (data in a temporary directory, web API on `web_port`) that scrapes
/// `127.0.0.1:target_port` every second. Killed on drop.
struct Prometheus {
    _server: Killed,
    web_port: u16,
    directory: tempfile::TempDir,
}

impl Prometheus {
    fn start(target_port: u16, web_port: u16) -> Prometheus {
        let directory = tempfile::tempdir().unwrap();
        let config = directory.path().join("prometheus.yml");
        fs::write(
            &config,
            format!(
                "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: ptstat\n    \
                 static_configs:\n      - targets: ['127.0.0.1:{target_port}']\n"
            ),
        )
        .unwrap();
        let log = fs::File::create(directory.path().join("prometheus.log")).unwrap();
        let server = Command::new("prometheus")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.tsdb.path={}", directory.path().join("data").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{web_port}"))
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start prometheus");
        let prometheus = Prometheus { _server: Killed(server), web_port, directory };
        let ready = format!("http://127.0.0.1:{web_port}/-/ready");
        let deadline = Instant::now() + PATIENCE;
        while !Command::new("curl").args(["-sf", "-o", "/dev/null", &ready]).status().unwrap().success() {
            assert!(Instant::now() < deadline, "prometheus did not start: {}", prometheus.log());
            thread::sleep(Duration::from_millis(200));
        }
        prometheus
    }

    fn log(&self) -> String {
        fs::read_to_string(self.directory.path().join("prometheus.log")).unwrap_or_default()
    }

    /// The instant vector of a PromQL query: each series' labels and value.
    fn query(&self, promql: &str) -> Vec<(BTreeMap<String, String>, f64)> {
        let url = format!("http://127.0.0.1:{}/api/v1/query", self.web_port);
        let output = Command::new("curl")
            .args(["-sf", "--get", "--data-urlencode", &format!("query={promql}"), &url])
            .output()
            .expect("curl");
        assert!(output.status.success(), "query {promql} failed: {}", self.log());
        let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(answer["status"], "success", "{answer}");
        let series = answer["data"]["result"].as_array().unwrap();
        series
            .iter()
            .map(|series| {
                let labels = series["metric"].as_object().unwrap();
                let labels = labels.iter().map(|(key, value)| (key.clone(), value.as_str().unwrap().to_string()));
                (labels.collect(), series["value"][1].as_str().unwrap().parse().unwrap())
            })
            .collect()
    }

    /// The one value of a query that sums (0 when there is no series yet).
    fn value(&self, promql: &str) -> f64 {
        self.query(promql).first().map_or(0.0, |(_, value)| *value)
    }

    /// Scrapes of ptstat so far.
    fn scrapes(&self) -> f64 {
        self.value(r#"count_over_time(up{job="ptstat"}[1h])"#)
    }

    /// Waits until `promql` gives `expected` (ptstat reads its table every second, Prometheus scrapes every second),
    /// then for two more scrapes, and returns what the query gives then: the value has to stay.
    fn settled(&self, promql: &str, expected: f64) -> f64 {
        let deadline = Instant::now() + PATIENCE;
        while self.value(promql) != expected && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(200));
        }
        let scrapes = self.scrapes();
        while self.scrapes() < scrapes + 2.0 {
            assert!(Instant::now() < deadline + PATIENCE, "prometheus stopped scraping: {}", self.log());
            thread::sleep(Duration::from_millis(200));
        }
        self.value(promql)
    }
}

/// tcpdump writing what crosses `interface` to a file, until `stop`.
struct Oracle {
    tcpdump: Child,
    path: std::path::PathBuf,
}

impl Oracle {
    fn start(directory: &Path, interface: &str, filter: &str) -> Oracle {
        let path = directory.join("oracle.pcap");
        let mut tcpdump = Command::new("tcpdump")
            .args(["-i", interface, "-n", "--immediate-mode", "-s", "100", "-Z", "root", "-w"])
            .arg(&path)
            .arg(filter)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::{BufRead, BufReader};
        let mut lines = BufReader::new(tcpdump.stderr.take().unwrap()).lines();
        assert!(lines.any(|line| line.is_ok_and(|line| line.contains("listening on"))), "tcpdump did not start");
        thread::spawn(move || lines.for_each(drop));
        Oracle { tcpdump, path }
    }

    /// Stops tcpdump; packets and bytes (wire length) per source address and protocol, as tshark reads them.
    fn stop(mut self) -> BTreeMap<(String, String), (u64, u64)> {
        // SAFETY: signalling our own child.
        unsafe { libc::kill(self.tcpdump.id() as i32, libc::SIGINT) };
        self.tcpdump.wait().unwrap();
        let output = Command::new("tshark")
            .args(["-n", "-r"])
            .arg(&self.path)
            .args(["-T", "fields", "-e", "ip.src", "-e", "ip.proto", "-e", "frame.len"])
            .output()
            .unwrap();
        assert!(output.status.success(), "tshark: {}", String::from_utf8_lossy(&output.stderr));
        let mut counted = BTreeMap::new();
        for line in String::from_utf8(output.stdout).unwrap().lines() {
            let [source, protocol, length] = line.split('\t').collect::<Vec<_>>()[..] else { panic!("{line}") };
            let protocol = match protocol {
                "6" => "tcp",
                "17" => "udp",
                other => panic!("the filter keeps TCP and UDP only: {other}"),
            };
            let entry: &mut (u64, u64) = counted.entry((source.to_string(), protocol.to_string())).or_default();
            *entry = (entry.0 + 1, entry.1 + length.parse::<u64>().unwrap());
        }
        counted
    }
}

/// Until TCP connections to `port` are closed (TIME-WAIT sends nothing more).
fn wait_until_closed(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let filter = format!("dport = :{port}");
    while !common::run("ss", &["-Htan", "exclude", "time-wait", &filter]).trim().is_empty() {
        assert!(Instant::now() < deadline, "the connection to {port} did not close");
        thread::sleep(Duration::from_millis(50));
    }
}

const ETHERNET_IP_UDP: u64 = 14 + 20 + 8;

/// How ptstat counts for the metrics.
#[derive(Clone, Copy, PartialEq)]
enum Counting {
    /// `--stats`: the kernel's flow table.
    Stats,
    /// A capture (`-w FILE`): its packets.
    Capture,
}

/// Unique names and ports of one test.
struct Unique {
    tag: &'static str,
    subnet: u8,
    metrics_port: u16,
    web_port: u16,
    udp_port: u16,
    tcp_port: u16,
}

#[test]
fn prometheus_scrapes_the_packets_and_bytes_sent_with_their_process() {
    let unique =
        Unique { tag: "mtp", subnet: 111, metrics_port: 29461, web_port: 29091, udp_port: 7111, tcp_port: 7112 };
    scrape_known_traffic("prometheus_scrapes_the_packets_and_bytes_sent_with_their_process", Counting::Stats, unique);
}

#[test]
fn prometheus_scrapes_a_captures_packets_and_bytes_with_their_process_and_interface() {
    let test = "prometheus_scrapes_a_captures_packets_and_bytes_with_their_process_and_interface";
    let unique =
        Unique { tag: "mtc", subnet: 113, metrics_port: 29464, web_port: 29094, udp_port: 7115, tcp_port: 7116 };
    scrape_known_traffic(test, Counting::Capture, unique);
}

/// 30 datagrams of 300 bytes from bash and a TCP transfer from nc to a namespace; Prometheus scraping ptstat must
/// give the packets and bytes tcpdump saw on the interface, per direction and protocol, labelled with the process.
fn scrape_known_traffic(test: &str, counting: Counting, unique: Unique) {
    if !root_or_skip(test) || !["prometheus", "tcpdump", "tshark", "nc", "curl"].into_iter().all(tool_available) {
        return;
    }
    let Unique { tag, subnet, metrics_port, web_port, udp_port, tcp_port } = unique;
    let net = VethNamespace::new(tag, subnet);
    net.warm_up();
    let _udp_sink = udp_listener(Some(&net), udp_port);
    let _tcp_sink = Killed(tcp_sink_in(&net, tcp_port));
    wait_for_listener(&net, tcp_port);
    let filter = format!("udp port {udp_port} or tcp port {tcp_port}");
    let directory = tempfile::tempdir().unwrap();
    let oracle = Oracle::start(directory.path(), &net.host_if, &filter);
    let address = format!("127.0.0.1:{metrics_port}");
    let capture = directory.path().join("capture.pcapng");
    let counting_args = match counting {
        Counting::Stats => vec!["--stats", "--json"],
        Counting::Capture => vec!["-w", capture.to_str().unwrap()],
    };
    let ptstat = Running::start(&[&counting_args[..], &["-i", &net.host_if, "--metrics", &address, &filter]].concat());
    let prometheus = Prometheus::start(metrics_port, web_port);

    // 30 datagrams of 300 bytes from bash, and 200000 bytes over TCP from nc.
    let (datagrams, size) = (30, 300);
    let script = datagram_script(&net.peer_ip, udp_port, datagrams, size);
    assert!(Command::new("bash").args(["-c", &script]).status().unwrap().success());
    let transfer = format!("head -c 200000 /dev/zero | nc -N {} {tcp_port}", net.peer_ip);
    assert!(Command::new("sh").args(["-c", &transfer]).status().unwrap().success());
    wait_until_closed(tcp_port);
    thread::sleep(Duration::from_millis(200));
    let seen = oracle.stop();

    let datagrams = datagrams as u64;
    let sent_udp = r#"sum(ptstat_packets_total{direction="sent",protocol="udp",process="bash",remote="internal"})"#;
    assert_eq!(
        prometheus.settled(sent_udp, datagrams as f64),
        datagrams as f64,
        "{:?}",
        prometheus.query("ptstat_packets_total")
    );
    let sent_udp_bytes = sent_udp.replace("packets", "bytes");
    assert_eq!(prometheus.value(&sent_udp_bytes), (datagrams * (ETHERNET_IP_UDP + size as u64)) as f64);
    assert_eq!(seen[&(net.host_ip.clone(), "udp".into())], (datagrams, datagrams * (ETHERNET_IP_UDP + size as u64)));

    // Each direction of each protocol as tcpdump saw it: sent from this host's address, received from the peer's.
    for ((source, protocol), (packets, bytes)) in &seen {
        let direction = if *source == net.host_ip { "sent" } else { "received" };
        let selector = format!(r#"{{direction="{direction}",protocol="{protocol}"}}"#);
        let scraped_packets = prometheus.settled(&format!("sum(ptstat_packets_total{selector})"), *packets as f64);
        assert_eq!(
            scraped_packets,
            *packets as f64,
            "{source} {protocol}: {:?}",
            prometheus.query("ptstat_packets_total")
        );
        assert_eq!(
            prometheus.value(&format!("sum(ptstat_bytes_total{selector})")),
            *bytes as f64,
            "{source} {protocol}"
        );
    }
    // Every TCP segment nc sent is nc's, in one series: no 5-tuple, no pid in the labels.
    let sent_tcp = prometheus.query(r#"ptstat_packets_total{direction="sent",protocol="tcp"}"#);
    assert_eq!(sent_tcp.len(), 1, "{sent_tcp:?}");
    let (labels, packets) = &sent_tcp[0];
    assert_eq!(labels.get("process").map(String::as_str), Some("nc"), "{labels:?}");
    assert_eq!(labels.get("remote").map(String::as_str), Some("internal"), "{labels:?}");
    assert!(!labels.contains_key("pid"), "{labels:?}");
    assert_eq!(*packets, seen[&(net.host_ip.clone(), "tcp".into())].0 as f64);
    // The kernel's table tells no interface, but ptstat counts on one.
    assert_eq!(labels.get("interface"), Some(&net.host_if), "{labels:?}");
    let evictions = prometheus.query("ptstat_flow_table_evictions_total");
    let flows_tracked = prometheus.value("ptstat_flows_tracked");
    let capture_counts = CAPTURE_COUNTERS.map(|counter| prometheus.value(&format!("ptstat_packets_{counter}_total")));
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    match counting {
        Counting::Stats => {
            assert_eq!(evictions.len(), 1);
            assert_eq!(evictions[0].1, 0.0);
            let document: Value = serde_json::from_slice(&finished.stdout).unwrap();
            let flows = document["flows"].as_array().unwrap_or_else(|| panic!("no flows: {document}"));
            assert_eq!(flows_tracked, flows.len() as f64, "{document}");
        }
        Counting::Capture => {
            assert!(evictions.is_empty(), "no kernel table: {evictions:?}");
            // Every packet tcpdump saw was captured, none dropped; as ptstat's closing lines count them.
            let sent: u64 = seen.values().map(|(packets, _)| packets).sum();
            assert_eq!(capture_counts, [sent, sent, 0].map(|count| count as f64), "{}", finished.stderr);
            assert_eq!(capture_counts, closing_counts(&finished.stderr), "{}", finished.stderr);
            let closing_flows = finished.stderr.lines().find_map(|line| {
                let flows = line.strip_prefix("Top ")?.split(" of ").nth(1)?;
                flows.strip_suffix(" flows by bytes:")?.parse::<f64>().ok()
            });
            assert_eq!(Some(flows_tracked), closing_flows, "{}", finished.stderr);
        }
    }
}

/// tcpdump's three counters of a capture, as the metrics name them.
const CAPTURE_COUNTERS: [&str; 3] = ["captured", "received_by_filter", "dropped_by_kernel"];

/// The three counts of a capture's closing lines.
fn closing_counts(stderr: &str) -> [f64; 3] {
    CAPTURE_COUNTERS.map(|counter| {
        let what = format!("packets {}", counter.replace('_', " "));
        common::closing_count(stderr, &what) as f64
    })
}

#[test]
fn prometheus_scrapes_the_packets_a_full_ring_buffer_dropped_as_the_closing_lines_count_them() {
    let test = "prometheus_scrapes_the_packets_a_full_ring_buffer_dropped_as_the_closing_lines_count_them";
    if !root_or_skip(test) || !["prometheus", "curl"].into_iter().all(tool_available) {
        return;
    }
    let (metrics_port, web_port, udp_port) = (29465, 29095, 7117);
    let net = VethNamespace::new("mtd", 116);
    net.warm_up();
    let _udp_sink = udp_listener(Some(&net), udp_port);
    let address = format!("127.0.0.1:{metrics_port}");
    // A ring of one page and a flood written in one burst: the kernel fills the ring faster than ptstat drains it.
    let filter = format!("udp port {udp_port}");
    let args = ["-i", &net.host_if, "-B", "4", "-w", "/dev/null", "--metrics", &address, &filter];
    let mut ptstat = Running::start(&args);
    let prometheus = Prometheus::start(metrics_port, web_port);
    let datagrams = 20000;
    let script = datagram_script(&net.peer_ip, udp_port, datagrams, 1000);
    assert!(Command::new("bash").args(["-c", &script]).status().unwrap().success());
    // The counts now, on one line (bash has exited: each datagram was counted in its write).
    ptstat.signal(libc::SIGUSR1);
    ptstat.wait_for_stderr("packets dropped by kernel", PATIENCE);
    let line = ptstat.stderr_seen.iter().find(|line| line.contains("dropped by kernel")).unwrap().clone();
    let [captured, received, dropped] = common::counters_of(&line);
    assert_eq!(received, datagrams as u64, "{line}");
    assert!(dropped > 0, "a one-page ring keeps up with no flood: {line}");
    let mut scraped = [0.0; 3];
    for ((counter, count), scraped) in CAPTURE_COUNTERS.into_iter().zip([captured, received, dropped]).zip(&mut scraped)
    {
        *scraped = prometheus.settled(&format!("ptstat_packets_{counter}_total"), count as f64);
    }
    assert_eq!(scraped, [captured, received, dropped].map(|count| count as f64), "{line}");
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    assert_eq!(closing_counts(&finished.stderr), scraped, "nothing came after the flood: {}", finished.stderr);
}

#[test]
fn the_stats_series_name_the_interface_only_when_ptstat_counts_on_one() {
    let test = "the_stats_series_name_the_interface_only_when_ptstat_counts_on_one";
    if !root_or_skip(test) || !tool_available("curl") {
        return;
    }
    let (one_port, several_port, udp_port) = (29466, 29467, 7118);
    let net = VethNamespace::new("mti", 117);
    net.warm_up();
    let _udp_sink = udp_listener(Some(&net), udp_port);
    let filter = format!("udp dst port {udp_port}");
    let [one, several] = [(one_port, &["-i", &net.host_if][..]), (several_port, &["-i", "lo", "-i", &net.host_if])]
        .map(|(port, interfaces)| {
            let address = format!("127.0.0.1:{port}");
            Running::start(&[interfaces, &["--stats", "--metrics", &address, &filter]].concat())
        });
    let datagrams = 5;
    let script = datagram_script(&net.peer_ip, udp_port, datagrams, 100);
    assert!(Command::new("bash").args(["-c", &script]).status().unwrap().success());
    for (port, interface) in [(one_port, Some(&net.host_if)), (several_port, None)] {
        let deadline = Instant::now() + PATIENCE;
        while scraped_udp_packets(port) != datagrams as u64 {
            assert!(Instant::now() < deadline, "ptstat on {port} never counted {datagrams} datagrams");
            thread::sleep(Duration::from_millis(100));
        }
        let text = metrics_text(port);
        let series: Vec<&str> = text.lines().filter(|line| line.starts_with("ptstat_packets_total{")).collect();
        assert_eq!(series.len(), 1, "{text}");
        match interface {
            Some(interface) => assert!(series[0].contains(&format!(r#"interface="{interface}""#)), "{text}"),
            None => assert!(!series[0].contains("interface="), "{text}"),
        }
    }
    for ptstat in [one, several] {
        let finished = ptstat.stop();
        assert!(finished.status.success(), "{}", finished.stderr);
    }
}

#[test]
fn series_past_the_bound_are_counted_in_the_overflow_series_also_after_evictions() {
    let test = "series_past_the_bound_are_counted_in_the_overflow_series_also_after_evictions";
    if !root_or_skip(test) || !["prometheus", "curl"].into_iter().all(tool_available) {
        return;
    }
    let (metrics_port, web_port, udp_port) = (29462, 29092, 7113);
    let net = VethNamespace::new("mto", 112);
    net.warm_up();
    let _udp_sink = udp_listener(Some(&net), udp_port);
    let address = format!("127.0.0.1:{metrics_port}");
    let filter = format!("udp dst port {udp_port}");
    // A pid label makes each sending process a series of its own; the kernel's table holds 4 flows.
    let args = ["--stats", "-i", &net.host_if, "-Q", "out", "--stats-entries", "4", "--metrics", &address];
    let ptstat = Running::start(&[&args[..], &["--metrics-pid", "--metrics-max-series", "5", &filter]].concat());
    let prometheus = Prometheus::start(metrics_port, web_port);

    // 8 rounds of 3 processes, each sending one datagram of 100 bytes; after each round, ptstat has read the table
    // (its metrics have all sent so far) before the next round evicts those flows.
    let size = 100;
    let mut sent: u64 = 0;
    for _ in 0..8 {
        for _ in 0..3 {
            let script = datagram_script(&net.peer_ip, udp_port, 1, size as usize);
            assert!(Command::new("bash").args(["-c", &script]).status().unwrap().success());
            sent += 1;
        }
        let deadline = Instant::now() + PATIENCE;
        while scraped_udp_packets(metrics_port) != sent {
            assert!(Instant::now() < deadline, "ptstat's metrics never reached {sent} datagrams");
            thread::sleep(Duration::from_millis(100));
        }
    }

    let all = prometheus.settled(r#"sum(ptstat_packets_total{protocol="udp"})"#, sent as f64);
    assert_eq!(all, sent as f64, "{:?}", prometheus.query("ptstat_packets_total"));
    let bytes = prometheus.value(r#"sum(ptstat_bytes_total{protocol="udp"})"#);
    assert_eq!(bytes, (sent * (ETHERNET_IP_UDP + size)) as f64);
    assert_eq!(prometheus.value(r#"ptstat_kernel_packets_total{protocol="udp"}"#), sent as f64);
    let labelled = prometheus.query(r#"ptstat_packets_total{process!="(overflow)"}"#);
    assert_eq!(labelled.len(), 5, "the bound: {labelled:?}");
    assert!(labelled.iter().all(|(labels, packets)| labels.contains_key("pid") && *packets == 1.0), "{labelled:?}");
    let overflow = prometheus.query(r#"ptstat_packets_total{process="(overflow)"}"#);
    assert_eq!(overflow.len(), 1, "{overflow:?}");
    assert_eq!(overflow[0].1, (sent - 5) as f64, "{overflow:?}");
    assert!(prometheus.value("ptstat_flow_table_evictions_total") >= (sent - 4) as f64);
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
}

/// ptstat's /metrics, read directly.
fn metrics_text(port: u16) -> String {
    let output = Command::new("curl").args(["-sf", &format!("http://127.0.0.1:{port}/metrics")]).output().unwrap();
    String::from_utf8(output.stdout).unwrap()
}

/// The sum of ptstat_packets_total over the UDP series, read from ptstat's /metrics directly.
fn scraped_udp_packets(port: u16) -> u64 {
    metrics_text(port)
        .lines()
        .filter(|line| line.starts_with("ptstat_packets_total{") && line.contains(r#"protocol="udp""#))
        .map(|line| line.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
        .sum()
}

#[test]
fn a_busy_port_or_a_foreign_address_is_one_line_and_exit_1() {
    if !root_or_skip("a_busy_port_or_a_foreign_address_is_one_line_and_exit_1") {
        return;
    }
    let busy = TcpListener::bind("127.0.0.1:0").unwrap();
    let busy = busy.local_addr().unwrap().to_string();
    // 192.0.2.1 (TEST-NET-1) is no address of this host.
    for (address, error) in [(busy.as_str(), "Address already in use"), ("192.0.2.1:9464", "Cannot assign")] {
        let output = Command::new(PTSTAT).args(["--stats", "-i", "lo", "--metrics", address]).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with(&format!("ptstat: --metrics {address}: {error}")), "{stderr}");
    }
}

#[test]
fn metrics_need_a_live_capture_and_answer_healthz_and_openmetrics() {
    if !root_or_skip("metrics_need_a_live_capture_and_answer_healthz_and_openmetrics") || !tool_available("curl") {
        return;
    }
    // A file has no live counts to serve.
    let refused = Command::new(PTSTAT).args(["-r", "/dev/null", "--metrics", "127.0.0.1:29463"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--metrics"), "{stderr}");

    // An IPv6 address, in brackets.
    let ptstat = Running::start(&["--stats", "-i", "lo", "--metrics", "[::1]:29463", "udp port 7114"]);
    let get = |path: &str, accept: &str| {
        let url = format!("http://[::1]:29463{path}");
        let output =
            Command::new("curl").args(["-s", "-i", "-H", &format!("Accept: {accept}"), &url]).output().unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    assert!(get("/healthz", "*/*").ends_with("\r\n\r\nok\n"));
    let text = get("/metrics", "text/plain");
    assert!(text.contains("content-type: text/plain; version=0.0.4"), "{text}");
    assert!(text.contains("# TYPE ptstat_flow_table_evictions_total counter") && !text.contains("# EOF"), "{text}");
    let openmetrics = get("/metrics", "application/openmetrics-text;version=1.0.0,text/plain;q=0.5");
    assert!(openmetrics.contains("content-type: application/openmetrics-text; version=1.0.0"), "{openmetrics}");
    assert!(
        openmetrics.contains("# TYPE ptstat_flow_table_evictions counter") && openmetrics.ends_with("# EOF\n"),
        "{openmetrics}"
    );
    assert!(get("/other", "*/*").starts_with("HTTP/1.1 404"));
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
}
