//! `ptstat -r in -w out EXPRESSION` keeps exactly the packets `tcpdump -r in -w - EXPRESSION` keeps, through the
//! whole command line (the filter crate's own differential tests check thousands of pairs on its interpreter).

mod common;

use std::process::Command;

use common::{PTSTAT, tool_available};

const EXPRESSIONS: &[&str] = &[
    "ip",
    "ip6",
    "arp",
    "tcp",
    "udp",
    "icmp",
    "icmp6",
    "tcp port 80",
    "udp or icmp",
    "not tcp",
    "host 10.0.0.1",
    "src host 10.0.0.2 and tcp",
    "net 10.0.0.0/24",
    "portrange 40000-50000",
    "tcp[tcpflags] & (tcp-syn|tcp-fin) != 0",
    "tcp[tcpflags] == tcp-ack",
    "icmp[icmptype] == icmp-echo",
    "len > 100",
    "greater 200",
    "less 80",
    "ether broadcast",
    "vlan",
    "ip[8] < 64",
    "ip6 and tcp",
    "ip and not (tcp or udp)",
];

/// What tcpdump prints for a capture: the packets, timestamps included, so kept packets can be compared.
fn listing(capture: &[u8]) -> String {
    let mut child = Command::new("tcpdump")
        .args(["-n", "-tt", "-r", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), capture).unwrap();
    drop(child.stdin.take());
    String::from_utf8_lossy(&child.wait_with_output().unwrap().stdout).into_owned()
}

#[test]
fn reading_with_an_expression_keeps_what_tcpdump_keeps() {
    if !tool_available("tcpdump") {
        return;
    }
    // ethernet.pcap is left out: it holds records with impossible lengths on purpose, which files cannot keep.
    let captures = ["ipv4", "ipv6", "tcp", "udp", "raw_ip", "truncated_ipv4", "truncated_ipv6"];
    let mut compared = 0;
    let dir = tempfile::tempdir().unwrap();
    let kept = dir.path().join("kept.pcap");
    let kept = kept.to_str().unwrap();
    for capture in captures {
        let input = format!("{}/testdata/{capture}.pcap", env!("CARGO_MANIFEST_DIR"));
        for expression in EXPRESSIONS {
            let tcpdump = Command::new("tcpdump").args(["-r", &input, "-w", "-", expression]).output().unwrap();
            let ours = Command::new(PTSTAT).args(["-r", &input, "-w", kept, expression]).output().unwrap();
            let context = format!("{capture}.pcap, '{expression}': {}", String::from_utf8_lossy(&ours.stderr));
            assert_eq!(ours.status.success(), tcpdump.status.success(), "{context}");
            if tcpdump.status.success() {
                assert_eq!(listing(&std::fs::read(kept).unwrap()), listing(&tcpdump.stdout), "{context}");
            }
            compared += 1;
        }
    }
    println!("{compared} (capture, expression) pairs compared with tcpdump");
}

#[test]
fn a_bad_expression_is_one_line_and_exit_1_before_any_file_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("never.pcapng");
    let input = format!("{}/testdata/tcp.pcap", env!("CARGO_MANIFEST_DIR"));
    let output =
        Command::new(PTSTAT).args(["-r", &input, "-w", out.to_str().unwrap(), "tcp", "port"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("ptstat: syntax error"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn dump_flags_print_the_program_like_tcpdump() {
    if !tool_available("tcpdump") {
        return;
    }
    for flag in ["-d", "-dd", "-ddd"] {
        let ours = Command::new(PTSTAT).args([flag, "arp"]).output().unwrap();
        let theirs = Command::new("tcpdump").args([flag, "-y", "EN10MB", "arp"]).output().unwrap();
        assert!(ours.status.success());
        assert_eq!(String::from_utf8_lossy(&ours.stdout), String::from_utf8_lossy(&theirs.stdout), "{flag}");
    }
    let dir = tempfile::tempdir().unwrap();
    let filter_file = dir.path().join("filter");
    std::fs::write(&filter_file, "# the SYNs\ntcp[tcpflags] & tcp-syn != 0\n").unwrap();
    let input = format!("{}/testdata/tcp.pcap", env!("CARGO_MANIFEST_DIR"));
    let from_file = Command::new(PTSTAT).args(["-r", &input, "-F", filter_file.to_str().unwrap()]).output().unwrap();
    let inline = Command::new(PTSTAT).args(["-r", &input, "tcp[tcpflags] & tcp-syn != 0"]).output().unwrap();
    assert!(from_file.status.success() && !from_file.stdout.is_empty());
    assert_eq!(from_file.stdout, inline.stdout);
}
