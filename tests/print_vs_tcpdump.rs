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
        print::{PrintOptions, Printer, TimestampFormat},
    },
};

const TCPDUMP: &str = "tcpdump";
const NANOS_PER_SECOND: u64 = 1_000_000_000;
/// The test captures have microsecond timestamps.
const NANOS_PER_MICRO: u64 = 1_000;

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
    let mut comparison = Comparison::default();
    for capture in &captures {
        comparison.compare(capture, &[], PrintOptions::default());
    }
    // The timestamp styles, on one capture.
    let tcp = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/tcp.pcap");
    for (flags, timestamp, nanos) in [
        (&["-t"][..], TimestampFormat::None, false),
        (&["-tt"], TimestampFormat::Epoch, false),
        (&["-ttt"], TimestampFormat::SincePrevious, false),
        (&["-tttt"], TimestampFormat::DateAndTime, false),
        (&["-ttttt"], TimestampFormat::SinceFirst, false),
        (&["--nano"], TimestampFormat::TimeOfDay, true),
        (&["--nano", "-ttt"], TimestampFormat::SincePrevious, true),
    ] {
        comparison.compare(&tcp, flags, PrintOptions { timestamp, nanos, ..PrintOptions::default() });
    }
    let Comparison { compared, identical, report } = comparison;
    eprintln!("compared {compared} tcpdump lines: {identical} identical, {} different", compared - identical);
    assert!(report.is_empty(), "ptstat's lines differ from tcpdump's:\n{report}");
}

/// Counts of compared lines, and what differed.
#[derive(Default)]
struct Comparison {
    compared: usize,
    identical: usize,
    report: String,
}

impl Comparison {
    /// Compares `tcpdump -n -r capture flags` with the printer's lines for `options`, packet by packet.
    fn compare(&mut self, capture: &Path, flags: &[&str], options: PrintOptions) {
        let expected = packets(&tcpdump_output(capture, flags));
        let actual = packets(&ptstat_output(capture, options));
        let name = format!("{} {}", capture.display(), flags.join(" "));
        for (index, (expected, actual)) in expected.iter().zip(&actual).enumerate() {
            self.compared += expected.len();
            self.identical += expected.iter().zip(actual).filter(|(expected, actual)| expected == actual).count();
            if expected != actual {
                self.report +=
                    &format!("{name}, packet {}:\n  tcpdump: {expected:?}\n  ptstat:  {actual:?}\n", index + 1);
            }
        }
        if expected.len() != actual.len() {
            self.report += &format!("{name}: tcpdump printed {} packets, ptstat {}\n", expected.len(), actual.len());
        }
    }
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

fn tcpdump_output(capture: &Path, flags: &[&str]) -> Vec<u8> {
    let output = Command::new(TCPDUMP)
        .arg("-n")
        .args(flags)
        .arg("-r")
        .arg(capture)
        .env("TZ", "UTC")
        .output()
        .expect("tcpdump runs");
    assert!(output.status.success(), "tcpdump -r {}: {}", capture.display(), String::from_utf8_lossy(&output.stderr));
    output.stdout
}

/// Feeds the capture through the printer, as `ptstat -r` would for a classic pcap file (no interface name).
fn ptstat_output(capture: &Path, options: PrintOptions) -> Vec<u8> {
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
    let mut printer = Printer::new(Box::new(output.clone()), options);
    printer.add_interface(0, &interface).expect("interface announced");
    // Raw records, as ptstat's reader takes them: some test records have lengths no capture could have.
    while let Some(packet) = reader.next_raw_packet() {
        let packet = packet.expect("capture is well-formed");
        let record = Packet {
            timestamp: Timestamp(
                u64::from(packet.ts_sec) * NANOS_PER_SECOND + u64::from(packet.ts_frac) * NANOS_PER_MICRO,
            ),
            interface: 0,
            direction: None,
            original_len: packet.orig_len,
            data: &packet.data,
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
