//! `--kernel-btf FILE`, for kernels without /sys/kernel/btf/vmlinux: the tests hide it (an empty tmpfs over
//! /sys/kernel/btf, in a mount namespace of ptstat's own) and give ptstat a copy of it instead. Runs on every kernel
//! of the matrix too (tests/kernels/subset.txt).

mod common;

use common::*;

#[test]
fn without_sysfs_btf_ptstat_asks_for_the_file_and_captures_with_it() {
    if !root_or_skip("without_sysfs_btf_ptstat_asks_for_the_file_and_captures_with_it") {
        return;
    }
    let directory = tempfile::tempdir().unwrap();
    let btf = directory.path().join("vmlinux.btf");
    std::fs::copy("/sys/kernel/btf/vmlinux", &btf).unwrap();
    let btf = btf.to_str().unwrap();
    let net = VethNamespace::new("kbtf", 61);
    net.warm_up();

    // Without the file: one line that says what to give, and nothing attached.
    let output = without_sysfs_btf(&["-i", &net.host_if, "-c", "1"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let error = stderr.lines().last().unwrap_or_default();
    assert!(error.starts_with("ptstat: ") && error.contains("give its BTF with --kernel-btf FILE"), "{stderr}");
    assert!(tcx_programs(&net.host_if).is_empty());

    let version = without_sysfs_btf(&["--kernel-btf", btf, "--version"]).output().unwrap();
    let version = String::from_utf8_lossy(&version.stdout);
    assert!(version.lines().any(|line| line == format!("BTF: {btf} (--kernel-btf)")), "{version}");

    // With it: packets both ways, selected by and named with their process, which needs the BTF-based hooks.
    let ptstat = Running::start_without_sysfs_btf(&["--kernel-btf", btf, "-i", &net.host_if, "-n", "--pname", "ping"]);
    run("ping", &["-c", "2", "-i", "0.2", &net.peer_ip]);
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let out = finished.stdout_text();
    let requests = out.lines().filter(|line| line.contains(" Out IP ") && line.contains("ICMP echo request"));
    let replies = out.lines().filter(|line| line.contains(" In  IP ") && line.contains("ICMP echo reply"));
    let named = |line: &&str| line.contains(&format!(" {} ping.", net.host_if));
    assert_eq!((requests.clone().count(), replies.clone().count()), (2, 2), "{out}");
    assert!(requests.chain(replies).all(|line| named(&line)), "{out}");
}
