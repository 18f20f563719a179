//! deploy/: the container image that deploy/build-image assembles from the ptstat binary, run by the real dockerd as
//! deploy/kubernetes/ptstat.yaml's DaemonSet runs it on a node (its mounts, capabilities, host network and PID), and
//! the manifests themselves: read by python3's YAML parser and checked against the Kubernetes API's schemas
//! (kubernetes-validate), they must carry what a node's ptstat needs, and the capabilities they give must be enough
//! for ptstat on this kernel. Needs root; CI=true forbids skipping.

mod common;

use std::{
    collections::BTreeSet,
    fs,
    io::Write,
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use common::{
    Running, cgroup2_mount, daemons::container_daemons_running, datagram_script, datagram_script_after_a_line,
    json_document, root_or_skip, run, tool_available, udp_listener,
};
use serde_json::Value;

const MANIFESTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/kubernetes/ptstat.yaml");
const BUILD_IMAGE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/build-image");
/// The port the DaemonSet serves metrics on, which its probes and Prometheus' annotations name.
const METRICS_PORT: u64 = 9464;
/// A datagram of `size` bytes on loopback: Ethernet 14, IPv4 20, UDP 8.
const LOOPBACK_IP_UDP: u64 = 42;

/// The manifests' documents, as python3's YAML module reads them (a parser that is not ptstat's, as kubectl's is not).
fn manifests() -> Vec<Value> {
    let json = run(
        "python3",
        &["-c", "import json, sys, yaml; print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))", MANIFESTS],
    );
    serde_json::from_str(&json).expect("the YAML module's JSON")
}

/// The one document of `kind`.
fn of_kind<'a>(documents: &'a [Value], kind: &str) -> &'a Value {
    let found: Vec<&Value> = documents.iter().filter(|document| document["kind"] == kind).collect();
    assert_eq!(found.len(), 1, "one {kind} in {MANIFESTS}");
    found[0]
}

fn strings(value: &Value) -> BTreeSet<&str> {
    value.as_array().unwrap_or_else(|| panic!("a list: {value}")).iter().map(|item| item.as_str().unwrap()).collect()
}

/// The DaemonSet's pod spec and its (only) container.
fn daemonset_pod(documents: &[Value]) -> (&Value, &Value) {
    let pod = &of_kind(documents, "DaemonSet")["spec"]["template"]["spec"];
    let containers = pod["containers"].as_array().expect("containers");
    assert_eq!(containers.len(), 1, "{pod:#}");
    (pod, &containers[0])
}

/// The DaemonSet container's host mounts as (path on the node, path in the container, read-only), and its emptyDir
/// mount points.
fn host_mounts(documents: &[Value]) -> (Vec<(String, String, bool)>, Vec<String>) {
    let (pod, container) = daemonset_pod(documents);
    let volumes = pod["volumes"].as_array().expect("volumes");
    let (mut host, mut empty) = (Vec::new(), Vec::new());
    for mount in container["volumeMounts"].as_array().expect("volumeMounts") {
        let volume = volumes.iter().find(|volume| volume["name"] == mount["name"]).expect("the mount's volume");
        let target = mount["mountPath"].as_str().unwrap().to_string();
        match volume["hostPath"]["path"].as_str() {
            Some(source) => host.push((source.to_string(), target, mount["readOnly"] == true)),
            None => {
                assert!(volume["emptyDir"].is_object(), "{volume}");
                empty.push(target);
            }
        }
    }
    (host, empty)
}

/// The capabilities the DaemonSet's container adds (it drops all others).
fn daemonset_capabilities(documents: &[Value]) -> Vec<String> {
    let capabilities = &daemonset_pod(documents).1["securityContext"]["capabilities"];
    assert_eq!(strings(&capabilities["drop"]), BTreeSet::from(["ALL"]));
    strings(&capabilities["add"]).into_iter().map(str::to_string).collect()
}

#[test]
fn manifests_parse_and_carry_what_a_node_needs() {
    if !tool_available("python3") {
        return;
    }
    let documents = manifests();
    let kinds: BTreeSet<&str> = documents.iter().map(|document| document["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        BTreeSet::from(["Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "DaemonSet", "Service"])
    );
    let namespace = of_kind(&documents, "Namespace")["metadata"]["name"].as_str().unwrap();
    for kind in ["ServiceAccount", "DaemonSet", "Service"] {
        assert_eq!(of_kind(&documents, kind)["metadata"]["namespace"], namespace, "{kind}");
    }

    // The pod watcher may read pods and nothing else.
    let rules = of_kind(&documents, "ClusterRole")["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 1, "{rules:?}");
    assert_eq!(strings(&rules[0]["apiGroups"]), BTreeSet::from([""]));
    assert_eq!(strings(&rules[0]["resources"]), BTreeSet::from(["pods"]));
    assert_eq!(strings(&rules[0]["verbs"]), BTreeSet::from(["get", "list", "watch"]));
    let binding = of_kind(&documents, "ClusterRoleBinding");
    assert_eq!(binding["roleRef"]["kind"], "ClusterRole");
    assert_eq!(binding["roleRef"]["name"], of_kind(&documents, "ClusterRole")["metadata"]["name"]);
    let account = &of_kind(&documents, "ServiceAccount")["metadata"];
    assert_eq!(binding["subjects"].as_array().unwrap().len(), 1);
    assert_eq!(binding["subjects"][0]["kind"], "ServiceAccount");
    assert_eq!(binding["subjects"][0]["name"], account["name"]);
    assert_eq!(binding["subjects"][0]["namespace"], account["namespace"]);

    let daemonset = of_kind(&documents, "DaemonSet");
    let (pod, container) = daemonset_pod(&documents);
    assert_eq!(pod["serviceAccountName"], account["name"]);
    assert_eq!(pod["hostNetwork"], true);
    assert_eq!(pod["hostPID"], true);
    let pod_labels = &daemonset["spec"]["template"]["metadata"]["labels"];
    assert_eq!(&daemonset["spec"]["selector"]["matchLabels"], pod_labels);

    // Capabilities, not privileged.
    let security = &container["securityContext"];
    assert!(security["privileged"] != true, "{security}");
    let capabilities = daemonset_capabilities(&documents);
    assert_eq!(
        capabilities.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        BTreeSet::from(["BPF", "PERFMON", "NET_ADMIN", "SYS_PTRACE", "DAC_READ_SEARCH"])
    );

    // The node's BPF filesystem, BTF and cgroups at their own paths; its /run (the runtimes' sockets) where the
    // image's links to the sockets point.
    let (host, empty) = host_mounts(&documents);
    for (source, target) in
        [("/sys/fs/bpf", "/sys/fs/bpf"), ("/sys/kernel/btf", "/sys/kernel/btf"), ("/sys/fs/cgroup", "/sys/fs/cgroup")]
    {
        assert!(host.iter().any(|(s, t, _)| s == source && t == target), "{source} mounted: {host:?}");
    }
    assert!(host.iter().any(|(s, t, _)| s == "/run" && t == "/host/run"), "{host:?}");
    let image_script = std::fs::read_to_string(BUILD_IMAGE).unwrap();
    for socket in ["/host/run/containerd/containerd.sock", "/host/run/docker.sock"] {
        assert!(image_script.contains(&format!("ln -s {socket} ")), "the image links to {socket}");
    }
    assert_eq!(empty, ["/tmp"], "the only writable place (the root filesystem is read-only)");
    assert_eq!(security["readOnlyRootFilesystem"], true);

    // Metrics on the port the probe, the Service and the scrape annotations name.
    let args: Vec<&str> = container["args"].as_array().unwrap().iter().map(|arg| arg.as_str().unwrap()).collect();
    let metrics = args.iter().position(|arg| *arg == "--metrics").map(|at| args[at + 1]);
    assert_eq!(metrics, Some("[::]:9464"), "{args:?}");
    assert!(args.contains(&"--stats"), "{args:?}");
    let ports = container["ports"].as_array().unwrap();
    let named_port = |name: &Value| ports.iter().find(|port| &port["name"] == name).expect("a named port");
    let probe = &container["readinessProbe"]["httpGet"];
    assert_eq!(probe["path"], "/healthz");
    assert_eq!(named_port(&probe["port"])["containerPort"], METRICS_PORT);
    let limits = &container["resources"]["limits"];
    assert!(limits["cpu"].is_string() && limits["memory"].is_string(), "{limits}");

    // This pod and node from the downward API.
    let env = container["env"].as_array().unwrap();
    let field_of = |name: &str| {
        let variable = env.iter().find(|variable| variable["name"] == name).unwrap_or_else(|| panic!("{name}"));
        variable["valueFrom"]["fieldRef"]["fieldPath"].as_str().unwrap().to_string()
    };
    assert_eq!(field_of("POD_NAME"), "metadata.name");
    assert_eq!(field_of("POD_NAMESPACE"), "metadata.namespace");
    assert_eq!(field_of("NODE_NAME"), "spec.nodeName");

    // Prometheus finds every node's ptstat through the pods' annotations or the Service's endpoints.
    let service = of_kind(&documents, "Service");
    for annotations in [&daemonset["spec"]["template"]["metadata"]["annotations"], &service["metadata"]["annotations"]]
    {
        assert_eq!(annotations["prometheus.io/scrape"], "true");
        assert_eq!(annotations["prometheus.io/port"], METRICS_PORT.to_string());
        assert_eq!(annotations["prometheus.io/path"], "/metrics");
    }
    assert_eq!(&service["spec"]["selector"], pod_labels);
    let service_port = &service["spec"]["ports"][0];
    assert_eq!(service_port["port"], METRICS_PORT);
    assert_eq!(named_port(&service_port["targetPort"])["containerPort"], METRICS_PORT);
}

/// Every document is a valid object of the Kubernetes API (kubernetes-validate, from PyPI, with the API's OpenAPI
/// schemas; strict: a misspelt field is an error, as kubectl's server-side validation makes it).
#[test]
fn manifests_validate_against_the_kubernetes_schemas() {
    if !tool_available("kubernetes-validate") {
        return;
    }
    let output = Command::new("kubernetes-validate").args(["--strict", MANIFESTS]).output().unwrap();
    let report = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{report}");
    let documents = manifests().len();
    assert_eq!(report.lines().filter(|line| line.contains(" passed for resource ")).count(), documents, "{report}");
}

/// How many datagrams of how many bytes the tests send.
const COUNT: usize = 9;
const SIZE: usize = 123;

/// Stops `ptstat` (counting on lo with `--stats --json`) once `sender`'s datagrams to `port` have crossed the hook,
/// and returns the one flow it printed for them, checked for the packets and bytes sent and the sender (a bash, or
/// a command that execs one, so the pid that sent is the one spawned).
fn flow_of_datagrams(ptstat: Running, mut sender: Child, port: u16, before_the_end: impl FnOnce()) -> Value {
    let sender_pid = sender.id();
    assert!(sender.wait().unwrap().success());
    // Let the last datagrams cross the hook.
    thread::sleep(Duration::from_millis(200));
    before_the_end();
    let finished = ptstat.stop();
    assert!(finished.status.success(), "ptstat failed: {}", finished.stderr);
    let document = json_document(&finished.stdout);
    let flows: Vec<&Value> = document["flows"]
        .as_array()
        .expect("flows")
        .iter()
        .filter(|flow| flow["proto"] == "udp" && flow["dst_port"] == port)
        .collect();
    assert_eq!(flows.len(), 1, "one flow to port {port}: {document:#}");
    assert_eq!(flows[0]["packets"], COUNT, "{}", flows[0]);
    assert_eq!(flows[0]["bytes"], COUNT as u64 * (LOOPBACK_IP_UDP + SIZE as u64), "{}", flows[0]);
    assert_eq!(flows[0]["pid"], sender_pid, "{}", flows[0]);
    assert_eq!(flows[0]["comm"], "bash", "{}", flows[0]);
    flows[0].clone()
}

/// The capabilities in the manifest are all ptstat needs: ptstat run by root with only those (as a container
/// runtime gives them: bounding set, no inheritable ones, no new privileges) counts the datagrams of an unprivileged
/// user's socket opened before ptstat started, every one named with its process: that takes reading the user's
/// /proc/PID/fd (SYS_PTRACE and DAC_READ_SEARCH; without them the first datagram has no process).
#[test]
fn the_daemonsets_capabilities_are_enough() {
    if !root_or_skip("the_daemonsets_capabilities_are_enough") || !tool_available("setpriv") {
        return;
    }
    let capabilities = daemonset_capabilities(&manifests());
    let bounding_set = format!(
        "-all,{}",
        capabilities.iter().map(|capability| format!("+{}", capability.to_lowercase())).collect::<Vec<_>>().join(",")
    );
    let port = 47_164;
    let _listener = udp_listener(None, port);
    let script = datagram_script_after_a_line("127.0.0.1", port, COUNT, SIZE);
    let mut nobody = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "bash", "-c", &script])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let mut command = Command::new("setpriv");
    command.args(["--bounding-set", &bounding_set, "--inh-caps", "-all", "--no-new-privs", common::PTSTAT]);
    command.args(["--stats", "--json", "-i", "lo"]);
    let ptstat = Running::start_command(command, Stdio::piped());
    nobody.stdin.take().unwrap().write_all(b"go\n").unwrap();
    flow_of_datagrams(ptstat, nobody, port, || {});
}

/// An image tag removed (with its containers) on drop.
struct Image(String);

impl Drop for Image {
    fn drop(&mut self) {
        let _ =
            Command::new("docker").args(["rmi", "-f", &self.0]).stdout(Stdio::null()).stderr(Stdio::null()).status();
    }
}

/// A container removed on drop, also when the test fails.
struct Container(String);

impl Drop for Container {
    fn drop(&mut self) {
        let _ = Command::new("docker").args(["rm", "-f", &self.0]).stdout(Stdio::null()).stderr(Stdio::null()).status();
    }
}

/// `docker run` of `image` as the DaemonSet runs it: host network and PID, its capabilities, mounts, read-only
/// root and no new privileges, with `args` for ptstat.
fn docker_run_as_daemonset(documents: &[Value], image: &str, name: &str, args: &[&str]) -> Command {
    let mut command = Command::new("docker");
    command.args(["run", "--rm", "--name", name, "--network=host", "--pid=host", "--read-only"]);
    command.args(["--security-opt", "no-new-privileges", "--security-opt", "seccomp=unconfined", "--cap-drop", "ALL"]);
    for capability in daemonset_capabilities(documents) {
        // Debian 12's Docker (20.10) refuses CAP_BPF and CAP_PERFMON, which it does not know; the kernel takes
        // CAP_SYS_ADMIN in place of either (the_daemonsets_capabilities_are_enough runs ptstat with the exact set).
        let known =
            if ["BPF", "PERFMON"].contains(&capability.as_str()) { "SYS_ADMIN".to_string() } else { capability };
        command.args(["--cap-add", &known]);
    }
    let (host, empty) = host_mounts(documents);
    for (source, target, read_only) in host {
        command.args(["-v", &format!("{source}:{target}{}", if read_only { ":ro" } else { "" })]);
    }
    for target in empty {
        command.args(["--tmpfs", &target]);
    }
    command.arg(image).args(args);
    command
}

/// The image built from the test's ptstat by deploy/build-image, run by dockerd with the DaemonSet's mounts,
/// capabilities, host network and PID, counts the datagrams a host process sends, exactly, with their sender; and
/// names the sender's container, learnt from dockerd through the node's /run: the sender is a bash moved into
/// ptstat's own container's cgroup (the one container the test has at hand).
#[test]
fn the_image_counts_host_traffic_as_the_daemonset_runs_it() {
    if !root_or_skip("the_image_counts_host_traffic_as_the_daemonset_runs_it")
        || !["containerd", "dockerd", "docker", "python3", "curl"].into_iter().all(tool_available)
    {
        return;
    }
    container_daemons_running();
    let unique = format!("ptstat-deploy-test-{}", std::process::id());
    let tag = format!("{unique}:latest");
    let built = run(BUILD_IMAGE, &["--binary", common::PTSTAT, "--tag", &tag]);
    let _image = Image(tag.clone());
    assert_eq!(built.trim(), tag);
    let documents = manifests();
    let _container = Container(unique.clone());
    // The DaemonSet's `--metrics [::]:9464`, on a port of the test's own; and the JSON it prints at the end.
    let metrics_port = 47_166;
    let metrics_address = format!("127.0.0.1:{metrics_port}");
    let args = ["--stats", "--json", "-i", "lo", "--metrics", &metrics_address];
    let port = 47_165;
    let _listener = udp_listener(None, port);
    let ptstat = Running::start_command(docker_run_as_daemonset(&documents, &tag, &unique, &args), Stdio::piped());
    let container_pid = run("docker", &["inspect", "-f", "{{.State.Pid}}", &unique]);
    let cgroups = fs::read_to_string(format!("/proc/{}/cgroup", container_pid.trim())).unwrap();
    let cgroup = cgroups.lines().find_map(|line| line.strip_prefix("0::")).expect("a cgroup v2 path");
    let script = datagram_script("127.0.0.1", port, COUNT, SIZE);
    let join_and_send = format!("echo $$ > {}{cgroup}/cgroup.procs && {script}", cgroup2_mount());
    let sender = Command::new("bash").args(["-c", &join_and_send]).spawn().unwrap();
    let flow = flow_of_datagrams(ptstat, sender, port, || {
        assert_eq!(http_get(&format!("http://{metrics_address}/healthz")).trim(), "ok");
        // The metrics are read from the kernel about once a second.
        let deadline = Instant::now() + Duration::from_secs(10);
        while scraped_packets(&metrics_address, &unique) != COUNT as u64 {
            assert!(Instant::now() < deadline, "never scraped {COUNT} packets: {}", scrape(&metrics_address));
            thread::sleep(Duration::from_millis(200));
        }
    });
    assert_eq!(flow["container"], unique.as_str(), "{flow}");
}

/// The body curl gets from `url`.
fn http_get(url: &str) -> String {
    let output = Command::new("curl").args(["-sf", url]).output().expect("curl");
    assert!(output.status.success(), "GET {url}: {output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn scrape(address: &str) -> String {
    http_get(&format!("http://{address}/metrics"))
}

/// The UDP packets the metrics at `address` count for bash in `container`, over all their series.
fn scraped_packets(address: &str, container: &str) -> u64 {
    let labels = ["process=\"bash\"".to_string(), format!("container=\"{container}\""), "protocol=\"udp\"".into()];
    scrape(address)
        .lines()
        .filter(|line| line.starts_with("ptstat_packets_total{") && labels.iter().all(|label| line.contains(label)))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum::<f64>() as u64
}
