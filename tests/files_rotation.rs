//! tcpdump's file flags on live capture: `-C`/`-W` rotation by size, `-G` by time with strftime names, `-z` on each
//! closed file, `-Z` dropping privileges while capture goes on. Needs root; CI=true forbids skipping.

mod common;

use std::{
    os::unix::fs::{MetadataExt, PermissionsExt},
    path::Path,
    process::{Command, Stdio},
    thread,
    time::Duration,
};

use common::*;

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Sends about `megabytes` MB over TCP to a sink in the namespace.
fn send_bulk(net: &VethNamespace, port: u16, megabytes: u32) {
    let mut sink = tcp_sink_in(net, port);
    wait_for_listener(net, port);
    let status = Command::new("sh")
        .args(["-c", &format!("head -c {}000000 /dev/zero | nc -q 1 {} {port}", megabytes, net.peer_ip)])
        .status()
        .unwrap();
    assert!(status.success());
    sink.wait().unwrap();
}

#[test]
fn size_rotation_keeps_exactly_w_files_each_readable_and_compresses_closed_ones() {
    if !root_or_skip("size_rotation_keeps_exactly_w_files_each_readable_and_compresses_closed_ones")
        || !tool_available("tshark")
    {
        return;
    }
    let net = VethNamespace::new("rotc", 41);
    net.warm_up();
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("cap.pcapng");
    let ptstat = Running::start(&["-i", &net.host_if, "-C", "1", "-W", "3", "-w", base.to_str().unwrap()]);
    send_bulk(&net, 6040, 6);
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    assert_eq!(files_in(dir.path()), ["cap.pcapng0", "cap.pcapng1", "cap.pcapng2"]);
    for name in files_in(dir.path()) {
        let path = dir.path().join(&name);
        let packets = run("tshark", &["-r", path.to_str().unwrap(), "-T", "fields", "-e", "frame.number"]);
        assert!(packets.lines().count() > 1, "{name} holds packets tshark reads");
    }

    let gz_dir = tempfile::tempdir().unwrap();
    let base = gz_dir.path().join("cap.pcap");
    let ptstat = Running::start(&["-i", &net.host_if, "-C", "1", "-z", "gzip", "-w", base.to_str().unwrap()]);
    send_bulk(&net, 6041, 3);
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let names = files_in(gz_dir.path());
    // Every file but the last was rotated away and compressed; the last stays as it is, as with tcpdump.
    assert!(names.contains(&"cap.pcap.gz".to_string()) && names.contains(&"cap.pcap1.gz".to_string()), "{names:?}");
    let last = names.iter().filter(|name| !name.ends_with(".gz")).collect::<Vec<_>>();
    assert_eq!(last.len(), 1, "{names:?}");
    let unzipped = Command::new("sh")
        .arg("-c")
        .arg(format!("gzip -dc {} | tcpdump -r - -c 1", gz_dir.path().join("cap.pcap.gz").display()))
        .output()
        .unwrap();
    assert!(unzipped.status.success(), "{}", String::from_utf8_lossy(&unzipped.stderr));
}

#[test]
fn time_rotation_names_files_by_strftime() {
    if !root_or_skip("time_rotation_names_files_by_strftime") {
        return;
    }
    let net = VethNamespace::new("rotg", 42);
    net.warm_up();
    let dir = tempfile::tempdir().unwrap();
    let pattern = dir.path().join("cap-%Y%m%d-%H%M%S.pcapng");
    let ptstat = Running::start(&["-i", &net.host_if, "-G", "1", "-w", pattern.to_str().unwrap()]);
    run("ping", &["-c", "12", "-i", "0.25", &net.peer_ip]);
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let names = files_in(dir.path());
    assert!(names.len() >= 2, "{names:?}");
    let today = chrono::Local::now().format("cap-%Y%m%d-").to_string();
    assert!(
        names.iter().all(|name| name.starts_with(&today) && name.ends_with(".pcapng") && name.len() == 26),
        "{names:?}"
    );
}

#[test]
fn relinquishing_privileges_creates_files_as_that_user_and_goes_on_capturing() {
    if !root_or_skip("relinquishing_privileges_creates_files_as_that_user_and_goes_on_capturing") {
        return;
    }
    let net = VethNamespace::new("rotz", 43);
    net.warm_up();
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let path = dir.path().join("as-nobody.pcapng");
    let ptstat = Running::start(&["-i", &net.host_if, "-Z", "nobody", "-w", path.to_str().unwrap()]);
    let status = std::fs::read_to_string(format!("/proc/{}/status", ptstat.pid())).unwrap();
    let nobody: u32 = run("id", &["-u", "nobody"]).trim().parse().unwrap();
    let uid_line = status.lines().find(|line| line.starts_with("Uid:")).unwrap();
    assert!(uid_line.split_whitespace().skip(1).all(|uid| uid == nobody.to_string()), "{uid_line}");
    run("ping", &["-c", "3", "-i", "0.2", &net.peer_ip]);
    thread::sleep(Duration::from_millis(100));
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    assert_eq!(std::fs::metadata(&path).unwrap().uid(), nobody);
    let reread =
        Command::new(PTSTAT).args(["-r", path.to_str().unwrap(), "icmp"]).stderr(Stdio::null()).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&reread.stdout).lines().filter(|line| line.contains("ICMP echo")).count(), 6);
}

/// A user made for one test, with a primary group and two supplementary ones; removed with its groups on drop.
struct TestUser {
    name: String,
    groups: [String; 3],
}

impl TestUser {
    fn new(tag: &str) -> TestUser {
        let name = format!("pt{tag}{}", std::process::id());
        let groups = [format!("{name}p"), format!("{name}a"), format!("{name}b")];
        let user = TestUser { name, groups };
        for group in &user.groups {
            run("groupadd", &[group]);
        }
        let supplementary = format!("{},{}", user.groups[1], user.groups[2]);
        run("useradd", &["--no-create-home", "--gid", &user.groups[0], "--groups", &supplementary, &user.name]);
        user
    }

    /// `id FLAG NAME`'s numbers, sorted.
    fn ids(&self, flag: &str) -> Vec<u32> {
        let mut ids: Vec<u32> =
            run("id", &[flag, &self.name]).split_whitespace().map(|id| id.parse().unwrap()).collect();
        ids.sort();
        ids
    }
}

impl Drop for TestUser {
    fn drop(&mut self) {
        let _ = Command::new("userdel").arg(&self.name).stderr(Stdio::null()).status();
        for group in &self.groups {
            let _ = Command::new("groupdel").arg(group).stderr(Stdio::null()).status();
        }
    }
}

#[test]
fn relinquishing_privileges_takes_the_users_groups_and_none_of_roots() {
    if !root_or_skip("relinquishing_privileges_takes_the_users_groups_and_none_of_roots") {
        return;
    }
    let user = TestUser::new("zg");
    let (uid, gid, groups) = (user.ids("-u")[0], user.ids("-g")[0], user.ids("-G"));
    assert_eq!(groups.len(), 3, "{groups:?}");
    let net = VethNamespace::new("zgrp", 45);
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let path = dir.path().join("as-user.pcapng");
    // Root starts out in groups of its own (0 and 4), which the user is not in.
    let mut command = Command::new("setpriv");
    command.args(["--groups", "0,4", "--", PTSTAT, "-i", &net.host_if, "-Z", &user.name, "-w", path.to_str().unwrap()]);
    let ptstat = Running::start_command(command, Stdio::piped());
    let status = std::fs::read_to_string(format!("/proc/{}/status", ptstat.pid())).unwrap();
    let finished = ptstat.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let numbers = |field: &str| -> Vec<u32> {
        let line = status.lines().find_map(|line| line.strip_prefix(field)).unwrap_or_else(|| panic!("{status}"));
        let mut numbers: Vec<u32> = line.split_whitespace().map(|number| number.parse().unwrap()).collect();
        numbers.sort();
        numbers
    };
    assert_eq!(numbers("Uid:"), [uid; 4]);
    assert_eq!(numbers("Gid:"), [gid; 4]);
    assert_eq!(numbers("Groups:"), groups);
    assert_eq!(std::fs::metadata(&path).unwrap().gid(), gid);
}

#[test]
fn direction_and_count_flags() {
    if !root_or_skip("direction_and_count_flags") {
        return;
    }
    let net = VethNamespace::new("dirq", 44);
    net.warm_up();
    let dir = tempfile::tempdir().unwrap();
    let inbound = dir.path().join("in.pcapng");
    let only_in = Running::start(&["-i", &net.host_if, "-Q", "in", "-w", inbound.to_str().unwrap()]);
    run("ping", &["-c", "3", "-i", "0.2", &net.peer_ip]);
    let finished = only_in.stop();
    assert!(finished.status.success(), "{}", finished.stderr);
    let lines = Command::new(PTSTAT).args(["-r", inbound.to_str().unwrap(), "--context="]).output().unwrap();
    let lines = String::from_utf8_lossy(&lines.stdout).into_owned();
    assert_eq!(lines.lines().filter(|line| line.contains("ICMP echo reply")).count(), 3, "{lines}");
    assert!(lines.lines().all(|line| line.contains(" In  ")), "{lines}");
    let counted = Command::new(PTSTAT).args(["-r", inbound.to_str().unwrap(), "--count", "icmp"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&counted.stdout), "3 packets\n");
}
