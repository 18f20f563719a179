//! containerd and dockerd for the tests that run containers: started if they are not running, detached from the
//! test (they outlive it; their output goes to /tmp/ptstat-tests-DAEMON.log).

use std::{
    fs,
    os::unix::process::CommandExt,
    process::{Command, Stdio},
    sync::{Mutex, PoisonError},
    thread,
    time::{Duration, Instant},
};

/// Runs a command until it succeeds, for at most `timeout`; true if it did.
pub fn succeeds_within(command: &str, args: &[&str], timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        let status = Command::new(command).args(args).stdout(Stdio::null()).stderr(Stdio::null()).status();
        if status.is_ok_and(|status| status.success()) {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        thread::sleep(Duration::from_millis(100));
    }
}

/// Starts a daemon in a session of its own, detached from the test (it outlives it; its output goes to a log).
fn start_daemon(program: &str, args: &[&str]) {
    let log_path = format!("/tmp/ptstat-tests-{program}.log");
    let log = fs::OpenOptions::new().create(true).append(true).open(&log_path).expect("daemon log");
    // `setsid --fork`: the daemon is init's child, not ours, so once stopped it does not linger as our zombie.
    let status = Command::new("setsid")
        .arg("--fork")
        .arg(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .process_group(0)
        .status()
        .unwrap_or_else(|error| panic!("starting {program}: {error}"));
    assert!(status.success(), "starting {program}");
}

fn docker_answers(timeout: Duration) -> bool {
    succeeds_within("docker", &["version", "--format", "{{.Server.Version}}"], timeout)
}

pub fn start_dockerd() {
    start_daemon("dockerd", &["--containerd=/run/containerd/containerd.sock", "--bridge=none", "--iptables=false"]);
    assert!(docker_answers(Duration::from_secs(60)), "dockerd did not come up (see /tmp/ptstat-tests-dockerd.log)");
}

/// containerd and dockerd running: started here if they are not.
pub fn container_daemons_running() {
    // Tests run in parallel: one of them starts a missing daemon, the others wait for it.
    static STARTING: Mutex<()> = Mutex::new(());
    let _starting = STARTING.lock().unwrap_or_else(PoisonError::into_inner);
    if !succeeds_within("ctr", &["version"], Duration::ZERO) {
        start_daemon("containerd", &[]);
        assert!(
            succeeds_within("ctr", &["version"], Duration::from_secs(30)),
            "containerd did not come up (see /tmp/ptstat-tests-containerd.log)"
        );
    }
    if !docker_answers(Duration::ZERO) {
        start_dockerd();
    }
}
