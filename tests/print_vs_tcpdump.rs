//! Differential test: every capture in `testdata/` is printed by ptstat's printer and by `tcpdump -n -r`, and
//! the lines must be equal. (`cargo run --example make_testdata` writes the captures.)

use std::{
    fs,
    io::{self, Write},
    path::{Path, PathBuf},
    process::Command,
    sync::{Arc, Mutex},
};

use pcap_file::pcap::PcapReader;
use ptstat::{
    packet::{Interface, Packet, Timestamp},
    sink::{
        Sink,
        print::{PrintOptions, Printer},
    },
};

const TCPDUMP: &str = "tcpdump";

#[test]
fn printer_matches_tcpdump() {
    // SAFETY: this is the only test in this binary, and it sets the variable before anything else runs or reads
    // the environment. Both sides must print the same local time.
    unsafe { std::env::set_var("TZ", "UTC") };
    if !tcpdump_available() {
        let in_ci = std::env::var("CI").is_ok_and(|value| value == "true");
        // SAFETY: geteuid has no preconditions.
        let is_root = unsafe { libc::geteuid() } == 0;
        assert!(!in_ci && !is_root, "{TCPDUMP} is not installed (scripts/setup installs it)");
        eprintln!("skipped: {TCPDUMP} is not installed");
        return;
    }
    let captures = captures();
    assert!(!captures.is_empty(), "no captures in testdata/: run `cargo run --example make_testdata`");
    let (mut compared, mut identical) = (0, 0);
    let mut report = String::new();
    for capture in &captures {
        let expected = packets(&tcpdump_output(capture));
        let actual = packets(&ptstat_output(capture));
        let name = capture.display();
        for (index, (expected, actual)) in expected.iter().zip(&actual).enumerate() {
            compared += expected.len();
            identical += expected.iter().zip(actual).filter(|(expected, actual)| expected == actual).count();
            if expected != actual {
                report += &format!("{name} packet {}:\n  tcpdump: {expected:?}\n  ptstat:  {actual:?}\n", index + 1);
            }
        }
        if expected.len() != actual.len() {
            report += &format!("{name}: tcpdump printed {} packets, ptstat {}\n", expected.len(), actual.len());
        }
    }
    eprintln!(
        "compared {compared} tcpdump lines of {} captures: {identical} identical, {} different",
        captures.len(),
        compared - identical
    );
    assert!(report.is_empty(), "ptstat's lines differ from tcpdump's:\n{report}");
}

fn tcpdump_available() -> bool {
    Command::new(TCPDUMP).arg("--version").output().is_ok_and(|output| output.status.success())
}

fn captures() -> Vec<PathBuf> {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut captures: Vec<PathBuf> = fs::read_dir(&directory)
        .map(|entries| entries.flatten().map(|entry| entry.path()).collect())
        .unwrap_or_default();
    captures.retain(|path| path.extension().is_some_and(|extension| extension == "pcap"));
    captures.sort();
    captures
}

fn tcpdump_output(capture: &Path) -> Vec<u8> {
    let output =
        Command::new(TCPDUMP).arg("-n").arg("-r").arg(capture).env("TZ", "UTC").output().expect("tcpdump runs");
    assert!(output.status.success(), "tcpdump -r {}: {}", capture.display(), String::from_utf8_lossy(&output.stderr));
    output.stdout
}

/// Feeds the capture through the printer, as `ptstat -r` would for a classic pcap file (no interface name).
fn ptstat_output(capture: &Path) -> Vec<u8> {
    let file = fs::File::open(capture).expect("capture opens");
    let mut reader = PcapReader::new(file).expect("capture is a pcap file");
    let header = reader.header();
    let interface = Interface {
        name: String::new(),
        index: 0,
        link_type: header.datalink,
        snaplen: header.snaplen,
        description: None,
    };
    let output = SharedBuffer::default();
    let mut printer = Printer::new(Box::new(output.clone()), PrintOptions::default());
    printer.add_interface(0, &interface).expect("interface announced");
    while let Some(packet) = reader.next_packet() {
        let packet = packet.expect("capture is well-formed");
        let record = Packet {
            timestamp: Timestamp(u64::try_from(packet.timestamp().as_nanos()).unwrap_or(u64::MAX)),
            interface: 0,
            direction: None,
            original_len: packet.orig_len(),
            data: packet.data(),
            process: None,
        };
        printer.write_packet(&record, &interface).expect("line written");
    }
    printer.finish().expect("lines flushed");
    output.0.lock().expect("not poisoned").clone()
}

/// The lines of each packet: its line and the hex dump lines (starting with a tab) after it.
fn packets(output: &[u8]) -> Vec<Vec<String>> {
    let mut packets: Vec<Vec<String>> = Vec::new();
    for line in String::from_utf8_lossy(output).lines() {
        match packets.last_mut() {
            Some(packet) if line.starts_with('\t') => packet.push(line.to_string()),
            _ => packets.push(vec![line.to_string()]),
        }
    }
    packets
}

/// Where the printer writes, readable after the printer is done.
#[derive(Clone, Default)]
struct SharedBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for SharedBuffer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().expect("not poisoned").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
