//! Containers and pods with the real daemons: Docker and containerd run busybox containers (host network) that
//! fetch a page from a server this test runs on loopback; ptstat must name their container (and pod) in lines,
//! -v lines, PcapNG comments (read back by tshark and by `ptstat -r`). The tests start containerd and dockerd if
//! they are not running, and build their image from the busybox-static binary (`scripts/setup-tests` installs both).
//! Needs root; CI=true forbids skipping.

mod common;

use std::{
    collections::{BTreeSet, HashMap},
    fs,
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    os::unix::fs::MetadataExt,
    path::Path,
    process::{Command, Stdio},
    sync::{OnceLock, PoisonError, RwLock, RwLockReadGuard},
    thread,
    time::{Duration, Instant},
};

use common::{daemons::*, *};

/// Tests hold it shared while they use the daemons; the test that stops dockerd holds it alone.
static DAEMONS: RwLock<()> = RwLock::new(());

const DOCKER_IMAGE: &str = "ptstat-test-busybox:latest";
/// The same image in containerd, as `ctr images import` names what `docker save` wrote.
const CONTAINERD_IMAGE: &str = "docker.io/library/ptstat-test-busybox:latest";
const DOCKERD_PID_FILE: &str = "/var/run/docker.pid";

fn ready_or_skip(test: &str) -> bool {
    root_or_skip(test) && ["tshark", "containerd", "ctr", "dockerd", "docker"].into_iter().all(tool_available)
}

/// containerd and dockerd running, the test image in both.
fn daemons_with_image() {
    container_daemons_running();
    static IMAGES: OnceLock<()> = OnceLock::new();
    IMAGES.get_or_init(build_images);
}

/// A busybox rootfs imported into Docker, and from there into containerd's `k8s.io` namespace.
fn build_images() {
    let rootfs = tempfile::tempdir().unwrap();
    let bin = rootfs.path().join("bin");
    fs::create_dir(&bin).unwrap();
    fs::copy("/bin/busybox", bin.join("busybox")).expect("/bin/busybox (Debian's busybox-static)");
    for applet in ["sh", "wget", "sleep"] {
        std::os::unix::fs::symlink("busybox", bin.join(applet)).unwrap();
    }
    let archives = tempfile::tempdir().unwrap();
    let archive = |name: &str| archives.path().join(name).to_str().unwrap().to_string();
    run("tar", &["-C", rootfs.path().to_str().unwrap(), "-cf", &archive("rootfs.tar"), "."]);
    run("docker", &["import", &archive("rootfs.tar"), DOCKER_IMAGE]);
    run("docker", &["save", "-o", &archive("image.tar"), DOCKER_IMAGE]);
    run("ctr", &["-n", "k8s.io", "images", "import", &archive("image.tar")]);
}

/// For a test that uses the daemons alongside other tests: the daemons (held shared until the guard drops) with
/// the test image in both, and a fresh HTTP server on loopback, its port.
fn shared_daemons_and_server() -> (RwLockReadGuard<'static, ()>, u16) {
    let shared = DAEMONS.read().unwrap_or_else(PoisonError::into_inner);
    daemons_with_image();
    (shared, serve_http())
}

/// A name no other test (or earlier run) uses.
fn unique_name(tag: &str) -> String {
    format!("ptstat-{tag}-{}", std::process::id())
}

/// A container removed on drop, also when the test fails.
enum Container {
    Docker(String),
    Containerd { namespace: &'static str, id: String },
}

impl Drop for Container {
    fn drop(&mut self) {
        let quiet = |command: &str, args: &[&str]| {
            let _ = Command::new(command).args(args).stdout(Stdio::null()).stderr(Stdio::null()).status();
        };
        match self {
            Container::Docker(name) => quiet("docker", &["rm", "-f", name]),
            Container::Containerd { namespace, id } => {
                quiet("ctr", &["-n", namespace, "tasks", "rm", "-f", id]);
                quiet("ctr", &["-n", namespace, "containers", "rm", id]);
            }
        }
    }
}

/// A server on 127.0.0.1 answering every HTTP request with a short page; returns its port.
fn serve_http() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            answer(stream);
        }
    });
    port
}

fn answer(mut stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut request = Vec::new();
    let mut buffer = [0; 1024];
    while !request.windows(4).any(|window| window == b"\r\n\r\n") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(count) => request.extend_from_slice(&buffer[..count]),
        }
    }
    let _ = stream.write_all(b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n");
}

/// busybox's wget of the server's page, as a container's command.
fn fetch(port: u16) -> Vec<String> {
    ["wget", "-q", "-O", "-", &format!("http://127.0.0.1:{port}/")].map(String::from).to_vec()
}

/// `sh -c 'sleep 1; wget ...'`: a container that runs a moment before it talks, as any real one does, so its
/// runtime's start event has reached ptstat.
fn fetch_after_a_moment(port: u16) -> Vec<String> {
    vec!["sh".into(), "-c".into(), format!("sleep 1; {}", fetch(port).join(" "))]
}

fn docker_run(name: &str, command: &[String]) -> Container {
    let mut args = vec!["run", "-d", "--name", name, "--network", "host", DOCKER_IMAGE];
    args.extend(command.iter().map(String::as_str));
    run("docker", &args);
    Container::Docker(name.to_string())
}

/// A Docker container that sleeps a minute: its processes talk only when the test execs them.
fn docker_run_idle(name: &str) -> Container {
    docker_run(name, &["sleep".into(), "60".into()])
}

/// A containerd container in the `k8s.io` namespace (host network), labelled `labels`, that sleeps a minute.
fn ctr_run_idle(id: &str, labels: &[String]) -> Container {
    let mut start = vec!["-n", "k8s.io", "run", "-d", "--net-host"];
    labels.iter().for_each(|label| start.extend(["--label", label]));
    start.extend([CONTAINERD_IMAGE, id, "sleep", "60"]);
    run("ctr", &start);
    Container::Containerd { namespace: "k8s.io", id: id.to_string() }
}

/// A containerd container in the `k8s.io` namespace (host network), labelled `labels`, that fetches the server's
/// page after a moment (`fetch_after_a_moment`); returns once it has, the container removed.
fn ctr_run_fetch(id: &str, labels: &[String], port: u16) {
    let _removed_also_on_failure = Container::Containerd { namespace: "k8s.io", id: id.to_string() };
    let mut start = vec!["-n", "k8s.io", "run", "--rm", "--net-host"];
    labels.iter().for_each(|label| start.extend(["--label", label]));
    start.extend([CONTAINERD_IMAGE, id]);
    let command = fetch_after_a_moment(port);
    start.extend(command.iter().map(String::as_str));
    assert_eq!(run("ctr", &start), "ok\n");
}

/// The labels CRI puts on a pod's sandbox and containers: the pod's name, namespace and UID.
fn pod_identity(name: &str, namespace: &str, uid: &str) -> Vec<String> {
    [("io.kubernetes.pod.name", name), ("io.kubernetes.pod.namespace", namespace), ("io.kubernetes.pod.uid", uid)]
        .map(|(key, value)| format!("{key}={value}"))
        .to_vec()
}

/// A pod as kubelet makes it in containerd: its sandbox (created, never started: only its labels matter) with the
/// pod's `identity` labels and its own `pod_labels`, and container `id`, named `api`, with the identity labels
/// only, that sleeps a minute.
fn ctr_start_pod(id: &str, identity: &[String], pod_labels: &[String]) -> [Container; 2] {
    let sandbox_id = format!("{id}-sandbox");
    let sandbox_labels = [identity, pod_labels].concat();
    let mut create = vec!["-n", "k8s.io", "containers", "create", "--label", "io.cri-containerd.kind=sandbox"];
    sandbox_labels.iter().for_each(|label| create.extend(["--label", label]));
    create.extend([CONTAINERD_IMAGE, &sandbox_id]);
    run("ctr", &create);
    let sandbox = Container::Containerd { namespace: "k8s.io", id: sandbox_id };
    [sandbox, ctr_run_idle(id, &[identity, &["io.kubernetes.container.name=api".into()]].concat())]
}

/// `ctr tasks exec ID wget ...`: a fetch from a process of a running containerd container.
fn ctr_exec_fetch(id: &str, port: u16) {
    let mut exec = vec!["-n", "k8s.io", "tasks", "exec", "--exec-id", "fetch", id];
    let fetch = fetch(port);
    exec.extend(fetch.iter().map(String::as_str));
    assert_eq!(run("ctr", &exec), "ok\n");
}

fn docker_id(name: &str) -> String {
    run("docker", &["inspect", "-f", "{{.Id}}", name]).trim().to_string()
}

/// Waits for a container to exit on its own; panics with its exit code if that is not 0.
fn docker_wait(name: &str) {
    let code = run("docker", &["wait", name]);
    assert_eq!(code.trim(), "0", "container {name} failed: {}", run("docker", &["logs", name]));
}

/// The comments of the packets tshark shows for `display_filter`, each as its `Key: value` pairs.
fn comments(file: &str, display_filter: &str) -> Vec<HashMap<String, String>> {
    let fields =
        run("tshark", &["-r", file, "-Y", display_filter, "-T", "fields", "-E", "occurrence=f", "-e", "frame.comment"]);
    fields
        .lines()
        .map(|comment| {
            // tshark prints the comment's newlines as the two characters "\n".
            comment
                .split("\\n")
                .filter_map(|line| line.split_once(": "))
                .map(|(key, value)| (key.to_string(), value.to_string()))
                .collect()
        })
        .collect()
}

/// The values of `key` in those comments ("-" where a comment lacks it).
fn values(comments: &[HashMap<String, String>], key: &str) -> Vec<String> {
    comments.iter().map(|comment| comment.get(key).cloned().unwrap_or_else(|| "-".into())).collect()
}

fn all_equal(values: Vec<String>, expected: &str) -> bool {
    !values.is_empty() && values.iter().all(|value| value == expected)
}

/// The lines of packets sent to the server (loopback packets are shown once, on egress, with their sender).
fn lines_to(output: &str, port: u16) -> Vec<&str> {
    output.lines().filter(|line| line.contains(&format!(" > 127.0.0.1.{port}: "))).collect()
}

fn capture_path(dir: &tempfile::TempDir) -> String {
    dir.path().join("capture.pcapng").to_str().unwrap().to_string()
}

/// ptstat writing `file` and printing lines, packets of the server's port only.
fn start_capture(file: &str, port: u16, extra: &[&str]) -> Running {
    let filter = format!("tcp port {port}");
    let mut args = vec!["-i", "lo", "-w", file, "--print", "-l"];
    args.extend(extra);
    args.push(&filter);
    Running::start(&args)
}

/// `ptstat -r FILE -v`: the file's lines as ptstat reads them back.
fn read_back(file: &str) -> String {
    let output = Command::new(PTSTAT).args(["-r", file, "-v"]).output().expect("ptstat -r");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_docker_container_names_itself_in_lines_and_comments() {
    if !ready_or_skip("a_docker_container_names_itself_in_lines_and_comments") {
        return;
    }
    let (_shared, port) = shared_daemons_and_server();
    // Running before ptstat starts: found in Docker's listing. Its traffic comes from `docker exec`, a process
    // whose parent is no process of the container: only its cgroup tells.
    let name = unique_name("docker");
    let _container = docker_run_idle(&name);
    let id = docker_id(&name);
    let dir = tempfile::tempdir().unwrap();
    let file = capture_path(&dir);
    let ptstat = start_capture(&file, port, &["-v"]);
    exec_fetch(&name, port);
    thread::sleep(Duration::from_millis(200));
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    assert!(!finished.stderr.contains("warning"), "both daemons answer: {}", finished.stderr);

    let sent = comments(&file, &format!("tcp.dstport == {port}"));
    assert!(sent.len() >= 4, "{sent:?}");
    assert!(all_equal(values(&sent, "Comm"), "wget"), "{sent:?}");
    assert!(all_equal(values(&sent, "ContainerName"), &name), "{sent:?}");
    assert!(all_equal(values(&sent, "ContainerId"), &id), "{sent:?}");
    assert!(all_equal(values(&sent, "ContainerImage"), DOCKER_IMAGE), "{sent:?}");
    assert!(all_equal(values(&sent, "ContainerLabels"), "{}"), "{sent:?}");
    assert!(all_equal(values(&sent, "PodName"), "-"), "no pod: {sent:?}");
    // The server's answers come from this test, in no container.
    let answers = comments(&file, &format!("tcp.srcport == {port}"));
    assert!(all_equal(values(&answers, "ContainerName"), "-"), "{answers:?}");

    let printed = finished.stdout_text();
    let to_server = lines_to(&printed, port);
    assert_eq!(to_server.len(), sent.len(), "{printed}");
    assert!(to_server.iter().all(|line| line.ends_with(&format!(", Container [{name}]"))), "{printed}");
    let details = format!("    Container (name {name}, id {id}, image {DOCKER_IMAGE}, labels {{}})");
    assert_eq!(printed.lines().filter(|line| *line == details).count(), sent.len(), "{printed}");
    // Read back from the file: the same lines.
    assert_eq!(read_back(&file), printed);
}

#[test]
fn a_containerd_container_with_cri_labels_names_its_pod() {
    if !ready_or_skip("a_containerd_container_with_cri_labels_names_its_pod") {
        return;
    }
    let (_shared, port) = shared_daemons_and_server();
    let pod_uid = format!("{}-77aa-4c1d", std::process::id());
    // The pod's sandbox carries the pod's own labels.
    let id = unique_name("server");
    let _pod = ctr_start_pod(&id, &pod_identity("web", "shop", &pod_uid), &["app=web".into()]);

    let dir = tempfile::tempdir().unwrap();
    let file = capture_path(&dir);
    let ptstat = start_capture(&file, port, &[]);
    ctr_exec_fetch(&id, port);
    thread::sleep(Duration::from_millis(200));
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);

    let sent = comments(&file, &format!("tcp.dstport == {port}"));
    assert!(sent.len() >= 4, "{sent:?}");
    assert!(all_equal(values(&sent, "ContainerName"), "api"), "Kubernetes' name for it: {sent:?}");
    assert!(all_equal(values(&sent, "ContainerId"), &id), "{sent:?}");
    assert!(all_equal(values(&sent, "ContainerImage"), CONTAINERD_IMAGE), "{sent:?}");
    assert!(values(&sent, "ContainerLabels").iter().all(|labels| labels.contains(r#""io.kubernetes.pod.name":"web""#)));
    assert!(all_equal(values(&sent, "PodName"), "web"), "{sent:?}");
    assert!(all_equal(values(&sent, "PodNamespace"), "shop"), "{sent:?}");
    assert!(all_equal(values(&sent, "PodUID"), &pod_uid), "{sent:?}");
    assert!(all_equal(values(&sent, "PodLabels"), r#"{"app":"web"}"#), "the sandbox's own labels: {sent:?}");

    let printed = finished.stdout_text();
    let to_server = lines_to(&printed, port);
    assert_eq!(to_server.len(), sent.len(), "{printed}");
    assert!(to_server.iter().all(|line| line.ends_with(", Container [api], Pod [web.shop]")), "{printed}");
    let read = read_back(&file);
    let pod_line = format!(r#"    Pod (name web, namespace shop, UID {pod_uid}, labels {{"app":"web"}})"#);
    assert_eq!(read.lines().filter(|line| *line == pod_line).count(), sent.len(), "{read}");
    // --context without pod: the container stays, the pod goes (from the file as from a live capture).
    let output = Command::new(PTSTAT).args(["-r", &file, "--context=process,container"]).output().unwrap();
    let lines = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(lines_to(&lines, port).iter().all(|line| line.ends_with(" Container [api]")), "{lines}");
}

#[test]
fn containers_started_after_ptstat_are_named() {
    if !ready_or_skip("containers_started_after_ptstat_are_named") {
        return;
    }
    let (_shared, port) = shared_daemons_and_server();
    let dir = tempfile::tempdir().unwrap();
    let file = capture_path(&dir);
    let ptstat = start_capture(&file, port, &[]);
    // Known from the runtimes' events only.
    let name = unique_name("late");
    let _docker = docker_run(&name, &fetch_after_a_moment(port));
    docker_wait(&name);
    let id = unique_name("late-ctr");
    ctr_run_fetch(&id, &[], port);
    thread::sleep(Duration::from_millis(200));
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);

    let sent = comments(&file, &format!("tcp.dstport == {port}"));
    let names = values(&sent, "ContainerName");
    assert!(names.len() >= 8, "two connections: {sent:?}");
    assert!(names.iter().all(|found| *found == name || *found == id), "{names:?}");
    assert!(names.contains(&name) && names.contains(&id), "{names:?}");
}

#[test]
fn stopping_dockerd_mid_capture_costs_a_warning_only() {
    if !ready_or_skip("stopping_dockerd_mid_capture_costs_a_warning_only") {
        return;
    }
    let _alone = DAEMONS.write().unwrap_or_else(PoisonError::into_inner);
    daemons_with_image();
    let port = serve_http();
    let dir = tempfile::tempdir().unwrap();
    let file = capture_path(&dir);
    let mut ptstat = start_capture(&file, port, &[]);

    stop_dockerd();
    ptstat.wait_for_stderr("docker (/var/run/docker.sock): connection lost", Duration::from_secs(10));
    // Capture goes on: containerd's containers still name themselves, the host's packets are still captured.
    let id = unique_name("while-down");
    ctr_run_fetch(&id, &[], port);
    host_fetch(port);

    // Once dockerd is back, ptstat connects again and follows its new containers.
    start_dockerd();
    ptstat.wait_for_stderr("docker (/var/run/docker.sock): connected", Duration::from_secs(10));
    let name = unique_name("after-restart");
    let _docker = docker_run(&name, &fetch_after_a_moment(port));
    docker_wait(&name);
    thread::sleep(Duration::from_millis(200));
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let warnings: Vec<_> = finished.stderr.lines().filter(|line| line.contains("warning")).collect();
    assert_eq!(warnings.len(), 1, "one warning for the outage: {}", finished.stderr);

    let sent = comments(&file, &format!("tcp.dstport == {port}"));
    let names = values(&sent, "ContainerName");
    let count = |wanted: &str| names.iter().filter(|found| *found == wanted).count();
    assert!(count(&id) >= 4 && count(&name) >= 4 && count("-") >= 4, "{names:?}");
    assert_eq!(count(&id) + count(&name) + count("-"), names.len(), "{names:?}");
}

/// A fetch from this (host) process, in no container.
fn host_fetch(port: u16) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(b"GET / HTTP/1.0\r\n\r\n").unwrap();
    let mut page = String::new();
    stream.read_to_string(&mut page).unwrap();
    assert!(page.ends_with("ok\n"), "{page}");
}

/// Stops dockerd (SIGTERM) and waits until it is gone.
fn stop_dockerd() {
    let pid: i32 = fs::read_to_string(DOCKERD_PID_FILE).expect("dockerd's pid file").trim().parse().unwrap();
    // SAFETY: kill(2) has no memory-safety preconditions.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let deadline = Instant::now() + Duration::from_secs(60);
    // dockerd removes its pid file last thing (its process may linger as a zombie of whoever started it).
    while Path::new(DOCKERD_PID_FILE).exists() {
        assert!(Instant::now() < deadline, "dockerd did not stop");
        thread::sleep(Duration::from_millis(100));
    }
}

/// `docker exec NAME wget ...`: a fetch from a process of a running container.
fn exec_fetch(name: &str, port: u16) {
    let mut exec = vec!["exec".to_string(), name.to_string()];
    exec.extend(fetch(port));
    assert_eq!(run("docker", &exec.iter().map(String::as_str).collect::<Vec<_>>()), "ok\n");
}

/// The lines of stderr that are warnings.
fn warnings(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|line| line.contains("warning")).collect()
}

#[test]
fn container_name_and_id_flags_keep_only_those_containers_packets() {
    if !ready_or_skip("container_name_and_id_flags_keep_only_those_containers_packets") {
        return;
    }
    let (_shared, port) = shared_daemons_and_server();
    let (a, b) = (unique_name("select-a"), unique_name("select-b"));
    let _containers = [a.as_str(), b.as_str()].map(docker_run_idle);
    let b_id = docker_id(&b);
    let dir = tempfile::tempdir().unwrap();
    let (a_file, b_file) = (dir.path().join("a.pcapng"), dir.path().join("b.pcapng"));
    let (a_file, b_file) = (a_file.to_str().unwrap(), b_file.to_str().unwrap());
    // Two values of one flag: either. The second names no container: a warning, not an error.
    let missing = unique_name("no-such-container");
    let by_name = start_capture(a_file, port, &["--container-name", &a, "--container-name", &missing]);
    let by_id = start_capture(b_file, port, &["--container-id", &b_id[..12]]);
    exec_fetch(&a, port);
    exec_fetch(&b, port);
    host_fetch(port);
    thread::sleep(Duration::from_millis(200));
    let (by_name, by_id) = (by_name.stop(), by_id.stop());
    assert!(by_name.status.success() && by_id.status.success(), "{}\n{}", by_name.stderr, by_id.stderr);
    assert_eq!(
        warnings(&by_name.stderr),
        [format!(
            "ptstat: warning: --container-name {missing}: no running container matches (yet); its packets are \
             captured once it starts"
        )],
        "{}",
        by_name.stderr
    );
    assert_eq!(warnings(&by_id.stderr), Vec::<&str>::new(), "{}", by_id.stderr);

    for (file, finished, name) in [(a_file, &by_name, &a), (b_file, &by_id, &b)] {
        // Loopback packets are captured once, with their sender: the container's wget, never the other container
        // nor the host's own fetch. A packet is kept when either local end is selected, so the server's (this
        // test's) answers to the container are kept too: they name the container's wget as their peer.
        let sent = comments(file, &format!("tcp.dstport == {port}"));
        assert!(sent.len() >= 4, "a whole connection of {name}: {sent:?}");
        assert!(all_equal(values(&sent, "ContainerName"), name), "{sent:?}");
        assert!(all_equal(values(&sent, "Comm"), "wget"), "{sent:?}");
        let answers = comments(file, &format!("tcp.srcport == {port}"));
        assert!(answers.len() >= 3, "the server's answers to {name}: {answers:?}");
        assert!(all_equal(values(&answers, "PeerContainerName"), name), "{answers:?}");
        assert!(all_equal(values(&answers, "ContainerName"), "-"), "the server is in no container: {answers:?}");
        let printed = finished.stdout_text();
        let lines = lines_to(&printed, port);
        assert_eq!(lines.len(), sent.len(), "{printed}");
        assert!(lines.iter().all(|line| line.ends_with(&format!(", Container [{name}]"))), "{printed}");
        let kept = (sent.len() + answers.len()) as u64;
        assert_eq!(closing_count(&finished.stderr, "packets received by filter"), kept, "in the kernel");
    }
}

#[test]
fn pod_name_flag_keeps_only_its_pods_packets() {
    if !ready_or_skip("pod_name_flag_keeps_only_its_pods_packets") {
        return;
    }
    let (_shared, port) = shared_daemons_and_server();
    let pod = unique_name("pod");
    // The same pod name and container name in two namespaces: only the namespace tells them apart.
    let start_in_pod = |namespace: &str| {
        let id = unique_name(&format!("pod-{namespace}"));
        let mut labels = pod_identity(&pod, namespace, &format!("{id}-uid"));
        labels.push("io.kubernetes.container.name=api".into());
        (ctr_run_idle(&id, &labels), id)
    };
    let (_wanted, wanted_id) = start_in_pod("shop");
    let (_other, other_id) = start_in_pod("other");
    let dir = tempfile::tempdir().unwrap();
    let file = capture_path(&dir);
    let ptstat = start_capture(&file, port, &["--pod-name", &format!("{pod}.shop")]);
    ctr_exec_fetch(&wanted_id, port);
    ctr_exec_fetch(&other_id, port);
    host_fetch(port);
    thread::sleep(Duration::from_millis(200));
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    assert_eq!(warnings(&finished.stderr), Vec::<&str>::new(), "{}", finished.stderr);

    let sent = comments(&file, &format!("tcp.dstport == {port}"));
    assert!(sent.len() >= 4, "{sent:?}");
    assert!(all_equal(values(&sent, "PodName"), &pod), "{sent:?}");
    assert!(all_equal(values(&sent, "PodNamespace"), "shop"), "{sent:?}");
    assert!(all_equal(values(&sent, "ContainerId"), &wanted_id), "{sent:?}");
    let printed = finished.stdout_text();
    let lines = lines_to(&printed, port);
    assert_eq!(lines.len(), sent.len(), "{printed}");
    assert!(lines.iter().all(|line| line.ends_with(&format!(", Container [api], Pod [{pod}.shop]"))), "{printed}");
}

#[test]
fn a_container_started_after_ptstat_is_selected_by_name() {
    if !ready_or_skip("a_container_started_after_ptstat_is_selected_by_name") {
        return;
    }
    let (_shared, port) = shared_daemons_and_server();
    let (late, other) = (unique_name("select-late"), unique_name("select-other"));
    let dir = tempfile::tempdir().unwrap();
    let file = capture_path(&dir);
    let ptstat = start_capture(&file, port, &["--container-name", &late]);
    // Known from the runtimes' events only: a Docker container by its name, a containerd one by its Kubernetes
    // container name; another container talks at the same time.
    let _late = docker_run(&late, &fetch_after_a_moment(port));
    let _other = docker_run(&other, &fetch_after_a_moment(port));
    let id = unique_name("select-late-ctr");
    ctr_run_fetch(&id, &[format!("io.kubernetes.container.name={late}")], port);
    docker_wait(&late);
    docker_wait(&other);
    thread::sleep(Duration::from_millis(200));
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let warned = warnings(&finished.stderr);
    assert!(warned.len() == 1 && warned[0].contains(&format!("--container-name {late}: no running container")));

    let sent = comments(&file, &format!("tcp.dstport == {port}"));
    let ids = values(&sent, "ContainerId");
    let count = |wanted: &str| ids.iter().filter(|found| *found == wanted).count();
    assert!(count(&docker_id(&late)) >= 4 && count(&id) >= 4, "both connections: {sent:?}");
    assert_eq!(count(&docker_id(&late)) + count(&id), sent.len(), "nothing of {other}: {sent:?}");
    assert!(all_equal(values(&sent, "ContainerName"), &late), "{sent:?}");
    // Each connection whole, from its SYN on.
    let syns = run("tshark", &["-r", &file, "-Y", &format!("tcp.dstport == {port} && tcp.flags.syn == 1")]);
    assert_eq!(syns.lines().count(), 2, "{syns}");
}

#[test]
fn stats_count_only_the_selected_containers_flows() {
    if !ready_or_skip("stats_count_only_the_selected_containers_flows") {
        return;
    }
    let (_shared, port) = shared_daemons_and_server();
    let (wanted, other) = (unique_name("stats-wanted"), unique_name("stats-other"));
    let _containers = [wanted.as_str(), other.as_str()].map(docker_run_idle);
    let filter = format!("tcp port {port}");
    let running = Running::start(&["--stats", "--json", "-i", "lo", "--container-name", &wanted, &filter]);
    exec_fetch(&wanted, port);
    exec_fetch(&other, port);
    host_fetch(port);
    thread::sleep(Duration::from_millis(200));
    let finished = running.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let document = json_document(&finished.stdout);
    let flows = document["flows"].as_array().expect("flows");
    // The wanted container's one connection, both ways: its wget's packets, and the server's (this test's)
    // answers, kept because their peer is that wget.
    assert_eq!(flows.len(), 2, "the wanted container's one connection: {document:#}");
    let to_server: Vec<_> = flows.iter().filter(|flow| flow["dst_port"] == port).collect();
    assert_eq!(to_server.len(), 1, "{document:#}");
    assert_eq!(to_server[0]["container"], wanted.as_str(), "{document:#}");
    assert!(to_server[0]["packets"].as_u64().is_some_and(|packets| packets >= 4), "{document:#}");
    let answers: Vec<_> = flows.iter().filter(|flow| flow["src_port"] == port).collect();
    assert_eq!(answers.len(), 1, "{document:#}");
    assert_eq!(
        (&answers[0]["container"], &answers[0]["peer"]["container"]),
        (&serde_json::Value::Null, &wanted.as_str().into())
    );
}

#[test]
fn a_cgroup_made_inside_a_selected_container_is_selected_too() {
    if !ready_or_skip("a_cgroup_made_inside_a_selected_container_is_selected_too") {
        return;
    }
    let (_shared, port) = shared_daemons_and_server();
    let name = unique_name("nested");
    let _container = docker_run_idle(&name);
    let dir = tempfile::tempdir().unwrap();
    let file = capture_path(&dir);
    let ptstat = start_capture(&file, port, &["--container-name", &name]);
    // Made after the container was selected, as systemd in a container makes its own: the kernel selects it as
    // it is made. A host process moves in and fetches.
    let root_pid = run("docker", &["inspect", "-f", "{{.State.Pid}}", &name]);
    let cgroups = fs::read_to_string(format!("/proc/{}/cgroup", root_pid.trim())).unwrap();
    let path = cgroups.lines().find_map(|line| line.strip_prefix("0::")).expect("a cgroup v2 path");
    let nested = NestedCgroup(format!("{}{path}/ptstat-nested", cgroup2_mount()));
    fs::create_dir(&nested.0).unwrap();
    let fetch_from_inside = format!("echo $$ > {}/cgroup.procs && exec {}", nested.0, fetch(port).join(" "));
    let output = Command::new("sh").args(["-c", &fetch_from_inside]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout), "ok\n", "{}", String::from_utf8_lossy(&output.stderr));
    thread::sleep(Duration::from_millis(200));
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);

    // Every packet the fetch sent, and nothing else: its cgroup is the one made (its path, and so its container,
    // the enricher learns only at its next walk of the cgroup tree).
    let sent = comments(&file, &format!("tcp.dstport == {port}"));
    assert!(sent.len() >= 4, "{sent:?}");
    let nested_id = fs::metadata(&nested.0).unwrap().ino().to_string();
    assert!(all_equal(values(&sent, "CgroupId"), &nested_id), "{sent:?}");
}

/// A cgroup directory the test made, removed on drop (once its processes are gone).
struct NestedCgroup(String);

impl Drop for NestedCgroup {
    fn drop(&mut self) {
        let _ = fs::remove_dir(&self.0);
    }
}

#[test]
fn bad_container_flags_are_one_line_and_exit_1() {
    for (args, message) in [
        (
            ["--pod-name", "web"],
            "invalid value 'web' for '--pod-name <NAME.NAMESPACE>': expected NAME.NAMESPACE (e.g. web-0.shop)",
        ),
        (["--container-id", ""], "invalid value '' for '--container-id <PREFIX>': must not be empty"),
        (["--container-name", ""], "invalid value '' for '--container-name <NAME>': must not be empty"),
    ] {
        assert_eq!(refusal(&[&["-i", "lo"], &args[..]].concat()), format!("ptstat: {message}"), "{args:?}");
    }
}

/// The client ports of the connections to the server at `port` whose packets' comments say `key: value` (from a
/// capture of every packet: the oracle the filtered captures are compared with).
fn client_ports(file: &str, port: u16, key: &str, value: &str) -> BTreeSet<String> {
    let wanted = format!("{key}: {value}");
    client_ports_where(file, port, |line| line == wanted)
}

/// The client ports of the connections to the server at `port` with a packet a line of whose comment `matches`.
fn client_ports_where(file: &str, port: u16, matches: impl Fn(&str) -> bool) -> BTreeSet<String> {
    let filter = format!("tcp.dstport == {port}");
    let fields = ["-r", file, "-Y", &filter, "-T", "fields", "-E", "occurrence=f", "-e", "tcp.srcport"];
    let ports = run("tshark", &[&fields[..], &["-e", "frame.comment"]].concat());
    ports
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .filter(|(_, comment)| comment.split("\\n").any(&matches))
        .map(|(client, _)| client.to_string())
        .collect()
}

/// The TCP packets of `file` that tshark's `display_filter` shows, each as its ports, raw sequence and
/// acknowledgement numbers, flags and length (what tells one packet of a connection from another).
fn tcp_packets(file: &str, display_filter: &str) -> Vec<String> {
    let fields = ["tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.flags", "tcp.len"];
    let mut args = vec!["-r", file, "-Y", display_filter, "-T", "fields"];
    args.extend(fields.iter().flat_map(|field| ["-e", *field]));
    let mut packets: Vec<_> = run("tshark", &args).lines().map(str::to_string).collect();
    packets.sort();
    packets
}

/// The packets of the connections from `clients` (both directions), in `file`.
fn connections(file: &str, clients: &BTreeSet<String>) -> Vec<String> {
    let ports: Vec<_> = clients.iter().map(|client| format!("tcp.port == {client}")).collect();
    tcp_packets(file, &ports.join(" || "))
}

/// Two captures at once, of the server's port: one with `expression` and the server's port, one of every packet
/// (the oracle).
struct TermCaptures {
    files: TermFiles,
    filtered: Running,
    all: Running,
}

/// The files of `TermCaptures`, once stopped.
struct TermFiles {
    filtered: String,
    all: String,
    expression: String,
    port: u16,
    _dir: tempfile::TempDir,
}

impl TermCaptures {
    fn start(expression: &str, port: u16) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
        let (filtered, all) = (path("filtered.pcapng"), path("all.pcapng"));
        let filter = format!("({expression}) and tcp port {port}");
        let files = TermFiles { expression: expression.to_string(), port, _dir: dir, filtered, all };
        let filtered = Running::start(&["-i", "lo", "-w", &files.filtered, &filter]);
        let all = Running::start(&["-i", "lo", "-w", &files.all, &format!("tcp port {port}")]);
        TermCaptures { files, filtered, all }
    }

    fn stop(self) -> TermFiles {
        thread::sleep(Duration::from_millis(200));
        for finished in [self.filtered.stop(), self.all.stop()] {
            assert!(finished.status.success(), "{}", finished.stderr);
        }
        self.files
    }
}

impl TermFiles {
    /// The client port of the one connection to the server whose packets' comments, in the unfiltered capture, say
    /// `key: value`.
    fn one_connection(&self, key: &str, value: &str) -> BTreeSet<String> {
        let clients = client_ports(&self.all, self.port, key, value);
        assert_eq!(clients.len(), 1, "one connection of {key} {value} in the unfiltered capture: {clients:?}");
        clients
    }

    /// Asserts that the filtered capture holds exactly the packets of the connections from `clients` in the
    /// unfiltered one, at least `min_packets` of them (whole connections, both ways), and returns those packets.
    fn assert_filtered_is(&self, clients: &BTreeSet<String>, min_packets: usize, what: &str) -> Vec<String> {
        let expected = connections(&self.all, clients);
        assert!(expected.len() >= min_packets, "{what}, whole connections: {expected:?}");
        assert_eq!(tcp_packets(&self.filtered, "tcp"), expected, "exactly {what}");
        expected
    }

    /// The packets `ptstat -r` keeps of the unfiltered capture with the expression and the server's port, by their
    /// comments.
    fn kept_reading(&self) -> Vec<String> {
        let read = format!("{}.read.pcapng", self.all);
        let filter = format!("({}) and tcp port {}", self.expression, self.port);
        let output = Command::new(PTSTAT).args(["-r", &self.all, "-w", &read, &filter]).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        tcp_packets(&read, "tcp")
    }
}

#[test]
fn a_container_term_keeps_that_containers_connections_whole_live_and_in_stats() {
    if !ready_or_skip("a_container_term_keeps_that_containers_connections_whole_live_and_in_stats") {
        return;
    }
    let (_shared, port) = shared_daemons_and_server();
    let (a, b) = (unique_name("term-a"), unique_name("term-b"));
    let _containers = [a.as_str(), b.as_str()].map(docker_run_idle);
    let expression = format!("container {a}");
    let captures = TermCaptures::start(&expression, port);
    let filter = format!("({expression}) and tcp port {port}");
    let stats = Running::start(&["--stats", "--json", "-i", "lo", &filter]);
    exec_fetch(&a, port);
    exec_fetch(&b, port);
    host_fetch(port);
    let files = captures.stop();
    let stats = stats.stop();
    assert!(stats.status.success(), "{}", stats.stderr);

    let a_clients = files.one_connection("ContainerName", &a);
    files.one_connection("ContainerName", &b);
    let expected = files.assert_filtered_is(&a_clients, 8, &format!("{a}'s packets"));
    assert_eq!(files.kept_reading(), expected, "-r keeps the same");
    // `--stats` counts the same connection, and only it: on loopback a row per direction, each with its sender
    // (the container's wget, or the server with the container's wget for its peer).
    let document = json_document(&stats.stdout);
    let flows = document["flows"].as_array().expect("flows");
    assert_eq!(flows.len(), 2, "{document:#}");
    assert!(flows.iter().all(|flow| flow["container"] == a.as_str() || flow["peer"]["container"] == a.as_str()));
    let packets: u64 = flows.iter().filter_map(|flow| flow["packets"].as_u64()).sum();
    assert_eq!(packets, expected.len() as u64, "{document:#}");
}

#[test]
fn a_container_term_or_a_process_term() {
    if !ready_or_skip("a_container_term_or_a_process_term") || !tool_available("curl") {
        return;
    }
    let (_shared, port) = shared_daemons_and_server();
    let (a, b) = (unique_name("term-or-a"), unique_name("term-or-b"));
    let _containers = [a.as_str(), b.as_str()].map(docker_run_idle);
    let expression = format!("pname curl or container {b}");
    let captures = TermCaptures::start(&expression, port);
    exec_fetch(&a, port);
    exec_fetch(&b, port);
    assert_eq!(run("curl", &["-s", &format!("http://127.0.0.1:{port}/")]), "ok\n");
    host_fetch(port);
    let files = captures.stop();

    let mut wanted = files.one_connection("Comm", "curl");
    wanted.extend(files.one_connection("ContainerName", &b));
    files.one_connection("ContainerName", &a);
    let what = format!("curl's and {b}'s packets, nothing of {a} or the host's");
    let expected = files.assert_filtered_is(&wanted, 16, &what);
    assert_eq!(files.kept_reading(), expected, "-r keeps the same");
}

#[test]
fn a_pod_label_term_keeps_its_pods_connections() {
    if !ready_or_skip("a_pod_label_term_keeps_its_pods_connections") {
        return;
    }
    let (_shared, port) = shared_daemons_and_server();
    let app = unique_name("shop");
    // Two pods; the pods' own labels are on their sandboxes only, as kubelet makes them.
    let start_pod = |tag: &str, app_label: &str| {
        let id = unique_name(tag);
        let identity = pod_identity(tag, "default", &unique_name(&format!("{tag}-uid")));
        (ctr_start_pod(&id, &identity, &[format!("app={app_label}")]), id)
    };
    let (_wanted, wanted_id) = start_pod("label-wanted", &app);
    let (_other, other_id) = start_pod("label-other", &format!("{app}x"));
    let expression = format!("pod label app={app}");
    let captures = TermCaptures::start(&expression, port);
    ctr_exec_fetch(&wanted_id, port);
    ctr_exec_fetch(&other_id, port);
    host_fetch(port);
    let files = captures.stop();

    let wanted = files.one_connection("ContainerId", &wanted_id);
    files.one_connection("ContainerId", &other_id);
    let expected = files.assert_filtered_is(&wanted, 8, "the labelled pod's packets");
    assert_eq!(files.kept_reading(), expected, "-r keeps the same");
}

#[test]
fn a_container_term_selects_a_container_started_later_from_its_first_packet() {
    if !ready_or_skip("a_container_term_selects_a_container_started_later_from_its_first_packet") {
        return;
    }
    let (_shared, port) = shared_daemons_and_server();
    let (late, other) = (unique_name("term-late"), unique_name("term-late-other"));
    let captures = TermCaptures::start(&format!("container {late}"), port);
    let _late = docker_run(&late, &fetch_after_a_moment(port));
    let _other = docker_run(&other, &fetch_after_a_moment(port));
    docker_wait(&late);
    docker_wait(&other);
    let files = captures.stop();

    // The unfiltered capture may not know the containers' cgroups, made after it started, by their first packets
    // (it finds their paths later): their processes are known by their parents, the containers' shims.
    let by_shim = |name: &str| {
        let shim = format!(" -id {} ", docker_id(name));
        client_ports_where(&files.all, port, |line| line.starts_with("ParentArgs: ") && line.contains(&shim))
    };
    let wanted = by_shim(&late);
    assert_eq!(wanted.len(), 1, "{late}'s connection");
    assert_eq!(by_shim(&other).len(), 1, "{other} talked too");
    files.assert_filtered_is(&wanted, 8, &format!("{late}'s packets"));
    let syns = tcp_packets(&files.filtered, "tcp.flags.syn == 1 && tcp.flags.ack == 0");
    assert_eq!(syns.len(), 1, "from its SYN on: {syns:?}");
}
