//! Differential test: for every capture in `testdata/` and every set of printing flags ptstat shares with tcpdump,
//! `ptstat -r FILE --context= FLAGS` must print what `tcpdump -r FILE FLAGS` prints, line for line.
//! (`cargo run --example make_testdata` writes the captures.)

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
    process::Command,
};

const TCPDUMP: &str = "tcpdump";

/// Each set is compared on every capture.
const FLAG_SETS: &[&[&str]] = &[
    &["-n"],
    &["-n", "-q"],
    &["-n", "-e"],
    &["-n", "-S"],
    &["-n", "-v"],
    &["-n", "-vv"],
    &["-n", "-vvv"],
    &["-n", "-x"],
    &["-n", "-xx"],
    &["-n", "-X"],
    &["-n", "-XX"],
    &["-n", "-A"],
    &["-n", "-AA"],
    &["-n", "-#"],
    &["-n", "-e", "-v", "-x"],
    &["-n", "-e", "-q"],
    &["-n", "-q", "-vv", "-x"],
    &["-n", "-S", "-vv"],
    &["-n", "-#", "-e", "-vvv", "-XX"],
    // Every TCP and UDP payload taken for one protocol, whatever the ports.
    &["-n", "-q", "-T", "domain"],
    &["-n", "-vv", "-T", "resp"],
    &["-n", "-v", "-x", "-T", "tftp"],
    &["-n", "-vv", "-T", "snmp"],
    &["-n", "-v", "-T", "rtp"],
    &["-n", "-vv", "-T", "rtcp"],
    &["-n", "-T", "vat"],
    &["-n", "-q", "-T", "cnfp"],
    &["-n", "-v", "-T", "zmtp1"],
    &["-n", "-e", "-T", "aodv"],
    &["-n", "-v", "-T", "wb"],
    &["-n", "-v", "-T", "pgm"],
    &["-n", "-vv", "-T", "pgm_zmtp1"],
    &["-n", "-v", "-T", "carp"],
    &["-n", "-vv", "-T", "lmp"],
    &["-n", "-vv", "-T", "rpc"],
    &["-n", "-v", "-T", "radius"],
    // BGP's AS numbers in asdot notation.
    &["-n", "-v", "-b"],
];

/// Timestamp styles and precisions, compared on one capture.
const TIMESTAMP_FLAG_SETS: &[&[&str]] = &[
    &["-n", "-t"],
    &["-n", "-tt"],
    &["-n", "-ttt"],
    &["-n", "-tttt"],
    &["-n", "-ttttt"],
    &["-n", "--nano"],
    &["-n", "--nano", "-ttt"],
    &["-n", "--micro", "-tt"],
    &["-n", "--micro", "--nano"],
    &["-n", "--nano", "--micro"],
    &["-n", "--time-stamp-precision=nano", "-tttt"],
    &["-n", "--time-stamp-precision=micro", "-ttttt"],
];

/// Flag sets compared on one capture each: `-T` types whose every payload decoded as that protocol, in every
/// capture, would reach printers of link layers ptstat does not have (VXLAN's inner 802.3 frames with any LLC).
const ONE_CAPTURE_FLAG_SETS: &[(&str, &[&str])] =
    &[("vxlan.pcap", &["-n", "-v", "-T", "vxlan"]), ("vxlan.pcap", &["-n", "-e", "-T", "vxlan"])];

/// Differing lines shown per capture and flag set.
const SHOWN_DIFFERENCES: usize = 5;

#[test]
fn ptstat_prints_what_tcpdump_prints() {
    if !tcpdump_available() {
        let in_ci = std::env::var("CI").is_ok_and(|value| value == "true");
        // SAFETY: geteuid has no preconditions.
        let is_root = unsafe { libc::geteuid() } == 0;
        assert!(!in_ci && !is_root, "{TCPDUMP} is not installed (scripts/setup-tests installs it)");
        eprintln!("skipped: {TCPDUMP} is not installed");
        return;
    }
    let captures = captures();
    assert!(!captures.is_empty(), "no captures in testdata/: run `cargo run --example make_testdata`");
    let testdata = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let tcp = [testdata.join("tcp.pcap")];
    let one_capture: Vec<(&[&str], [PathBuf; 1])> =
        ONE_CAPTURE_FLAG_SETS.iter().map(|(capture, flags)| (*flags, [testdata.join(capture)])).collect();
    let runs = FLAG_SETS
        .iter()
        .map(|flags| (*flags, captures.as_slice()))
        .chain(TIMESTAMP_FLAG_SETS.iter().map(|flags| (*flags, &tcp[..])))
        .chain(one_capture.iter().map(|(flags, capture)| (*flags, &capture[..])));
    let mut report = String::new();
    let mut total = Tally::default();
    let mut per_capture: BTreeMap<String, Tally> = BTreeMap::new();
    for (flags, captures) in runs {
        let mut tally = Tally::default();
        for capture in captures {
            let compared = compare(capture, flags, &mut report);
            let name = capture.file_name().unwrap_or_default().to_string_lossy().into_owned();
            per_capture.entry(name).or_default().add(compared);
            tally.add(compared);
        }
        eprintln!("{:<50} {:>6} lines compared, {:>6} identical", flags.join(" "), tally.compared, tally.identical);
        total.add(tally);
    }
    for (name, tally) in &per_capture {
        eprintln!("{name:<50} {:>6} lines compared, {:>6} identical", tally.compared, tally.identical);
    }
    eprintln!("{:<50} {:>6} lines compared, {:>6} identical", "all", total.compared, total.identical);
    assert!(report.is_empty(), "ptstat's lines differ from tcpdump's:\n{report}");
}

/// Lines compared, and how many of them were identical.
#[derive(Clone, Copy, Default)]
struct Tally {
    compared: usize,
    identical: usize,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.compared += other.compared;
        self.identical += other.identical;
    }
}

/// Compares the two programs' lines for `capture` and `flags`, adding what differs to `report`.
fn compare(capture: &Path, flags: &[&str], report: &mut String) -> Tally {
    let expected = run(Command::new(TCPDUMP).args(flags).arg("-r").arg(capture));
    let actual = run(Command::new(env!("CARGO_BIN_EXE_ptstat")).arg("-r").arg(capture).arg("--context=").args(flags));
    let (expected, actual): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let compared = expected.len().max(actual.len());
    let mut tally = Tally { compared, identical: 0 };
    let mut shown = 0;
    for index in 0..compared {
        let (tcpdump, ptstat) = (expected.get(index), actual.get(index));
        if tcpdump == ptstat {
            tally.identical += 1;
        } else if shown < SHOWN_DIFFERENCES {
            shown += 1;
            let name = capture.file_name().unwrap_or_default().to_string_lossy();
            *report += &format!(
                "{name} {}, line {}:\n  tcpdump: {tcpdump:?}\n  ptstat:  {ptstat:?}\n",
                flags.join(" "),
                index + 1
            );
        }
    }
    tally
}

/// Runs a command with both programs' local time being UTC; returns what it printed on standard output.
fn run(command: &mut Command) -> String {
    let output = command.env("TZ", "UTC").output().expect("the command runs");
    assert!(output.status.success(), "{command:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
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
