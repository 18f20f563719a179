//! No command line makes ptstat panic: every refusal is one line and exit status 1. A property test feeds random
//! flags with random values to the checks main runs first (in-process, thousands of times), then a sample to the
//! binary; and the command lines that once panicked are run as they were.

mod common;

use std::{
    ffi::OsString,
    os::unix::ffi::OsStringExt,
    panic::{AssertUnwindSafe, catch_unwind},
    process::{Command, Output, Stdio},
    time::Instant,
};

use common::PTSTAT;
use proptest::{prelude::*, test_runner::TestRunner};
use ptstat::cli::check::{Checked, Stop, check};

const PCAP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/dns.pcap");

/// ptstat with `args`, in a directory of its own (a refused -w must create nothing, but should one be created it is
/// not in the repository), with a deadline in case a command line is not refused after all.
fn run_ptstat(args: &[OsString]) -> Output {
    let directory = tempfile::tempdir().unwrap();
    Command::new("timeout")
        .args(["20", PTSTAT])
        .args(args)
        .current_dir(directory.path())
        .stdin(Stdio::null())
        .output()
        .expect("run ptstat")
}

/// Exit status 1 and one `ptstat: ...` line, naming `what`.
fn assert_refused(args: &[&str], what: &str) {
    let output = run_ptstat(&args.iter().map(OsString::from).collect::<Vec<_>>());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "ptstat {args:?}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "ptstat {args:?}: {stderr}");
    assert!(stderr.starts_with("ptstat: ") && stderr.contains(what), "ptstat {args:?}: {stderr}");
}

#[test]
fn a_timeout_too_long_for_a_duration_is_refused() {
    assert_refused(&["--stats", "-i", "lo", "--timeout", "99999999999999999999999s"], "--timeout");
    assert_refused(&["--stats", "-i", "lo", "--timeout", "99999999999999999999999"], "at most a year");
    assert_refused(&["--stats", "-i", "lo", "--tui", "--refresh", "400days"], "at most a year");
    assert_refused(&["--stats", "-i", "lo", "--timeout", "0ms"], "longer than zero");
}

#[test]
fn the_live_view_is_refused_where_packet_lines_would_share_the_terminal() {
    let lines = "not with packet lines on it";
    assert_refused(&["-i", "lo", "--tui"], lines);
    assert_refused(&["-i", "lo", "-w", "-", "--tui"], lines);
    assert_refused(&["-i", "lo", "-w", "x.pcapng", "--tui", "--print"], "'--tui' cannot be used with '--print'");
    assert_refused(&["-i", "lo", "-w", "x.pcapng", "--tui", "--connections"], "'--tui' cannot be used with");
    assert_refused(&["-i", "lo", "-w", "x.pcapng", "--tui", "--count"], "'--tui' cannot be used with '--count'");
}

#[test]
fn an_invalid_strftime_pattern_is_refused() {
    assert_refused(&["-i", "lo", "-G", "1", "-w", "x%Q"], "x%Q: invalid strftime pattern");
    assert_refused(&["-r", PCAP, "-G", "1", "-w", "x%"], "x%: invalid strftime pattern");
    // A sequence chrono parses but cannot format.
    assert_refused(&["-r", PCAP, "-G", "1", "-w", "x%#z"], "x%#z: invalid strftime pattern");
}

#[test]
fn a_full_standard_output_is_one_line() {
    for args in [&["-r", PCAP, "--count"][..], &["-d", "tcp"], &["--version"], &["-D"], &["-r", PCAP]] {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let output = Command::new(PTSTAT).args(args).stdout(full).stdin(Stdio::null()).output().expect("ptstat");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "ptstat {args:?} >/dev/full: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "ptstat {args:?} >/dev/full: {stderr}");
    }
}

#[test]
fn a_file_size_overflowing_is_refused() {
    assert_refused(&["-i", "lo", "-C", "20000000000g", "-w", "x"], "invalid file size 20000000000g");
}

/// A flag as it can be spelt (`-c`, `--count`), and, if it takes a value, values it might be given in earnest.
#[derive(Clone, Debug)]
struct Spelling {
    flag: String,
    typical: Option<Vec<String>>,
}

/// The flags of the command line, each in every spelling.
fn spellings() -> Vec<Spelling> {
    let command = ptstat::cli::help::command();
    command
        .get_arguments()
        .filter(|arg| !arg.is_positional())
        .flat_map(|arg| {
            let typical = arg.get_action().takes_values().then(|| typical_values(arg));
            let short = arg.get_short().map(|short| format!("-{short}"));
            let long = arg.get_long().map(|long| format!("--{long}"));
            short.into_iter().chain(long).map(move |flag| Spelling { flag, typical: typical.clone() })
        })
        .collect()
}

/// Values that pass a flag's parser, mostly, so that random command lines get past clap to the later checks (and
/// to the -G pattern, the durations): its possible values, else values for its kind of value.
fn typical_values(arg: &clap::Arg) -> Vec<String> {
    let possible: Vec<String> = arg.get_possible_values().iter().map(|value| value.get_name().to_string()).collect();
    if !possible.is_empty() {
        return possible;
    }
    let kind = arg.get_value_names().and_then(|names| names.first()).map(ToString::to_string).unwrap_or_default();
    let values: &[&str] = match kind.as_str() {
        "COUNT" | "SNAPLEN" | "KIB" | "PID" | "UID" | "FLOWS" | "SECONDS" => &["0", "1", "5", "65535", "4294967295"],
        "DURATION" => &["500ms", "1.5", "2m", "1h30m", "1y"],
        "FILE" => &[PCAP, "/dev/null", "out-%Y%m%d-%H%M%S.pcap", "out.pcapng", "x%Q", "y%"],
        "SIZE" => &["1", "1k", "10m", "2g"],
        "PATH" => &["/tmp", "/nonexistent", "/run/netns/x"],
        "CIDR,..." => &["10.0.0.0/8", "fd00::/8,10.0.0.0/8"],
        "PARTS" => &["process,pod", "", "thread"],
        "NAME.NAMESPACE" => &["web-0.shop"],
        "USER" => &["root", "nobody"],
        "TYPE" => &["EN10MB", "raw"],
        "IFACE" => &["lo", "any"],
        _ => &["curl", "abc"],
    };
    values.iter().map(ToString::to_string).collect()
}

/// Values a flag may be given: numbers of every size and sign, durations, strftime patterns, paths, names,
/// networks, filter expressions, any text, and bytes that are not UTF-8.
fn value() -> impl Strategy<Value = Vec<u8>> {
    const KNOWN: &[&str] = &[
        "",
        "-",
        "0",
        "1",
        "-1",
        "65535",
        "262144",
        "262145",
        "4294967295",
        "4294967296",
        "18446744073709551615",
        "18446744073709551616",
        "99999999999999999999999",
        "1.5",
        ".",
        "1e9",
        "NaN",
        "inf",
        "500ms",
        "1h30m",
        "0s",
        "2m",
        "999999999999d",
        "1ns",
        "x%Q",
        "%",
        "x%",
        "%Y-%m-%d_%H:%M:%S",
        "%.3f",
        "%:z",
        "%#z",
        "%s",
        "%-",
        "%E",
        "/nonexistent",
        "/nonexistent/x",
        "/tmp",
        "/dev/null",
        PCAP,
        "lo",
        "any",
        "root",
        "nobody",
        "tcp",
        "port 99999",
        "((",
        "ip[0:3]=1",
        "tcp[tcpflags] & tcp-syn != 0",
        "process,pod",
        "foo",
        "a.b",
        "web-0.shop",
        "/web",
        "10.0.0.0/8",
        "::1/129",
        "10.0.0.0/8,fd00::/8",
        "EN10MB",
        "raw",
        "in",
        "out",
        "inout",
        "tc",
        "xdp",
        "cgroup-skb",
        "auto",
        "tcx",
        "clsact",
        "micro",
        "nano",
        "1k",
        "1g",
        "20000000000g",
        "k",
        "--",
        "-h",
    ];
    prop_oneof![
        3 => proptest::sample::select(KNOWN).prop_map(|known| known.as_bytes().to_vec()),
        1 => any::<i64>().prop_map(|number| number.to_string().into_bytes()),
        1 => any::<u64>().prop_map(|number| number.to_string().into_bytes()),
        1 => (0..70_u64).prop_map(|number| number.to_string().into_bytes()),
        1 => any::<f64>().prop_map(|number| number.to_string().into_bytes()),
        1 => (any::<u32>(), proptest::sample::select(&["ns", "ms", "s", "m", "h", "d", "y", "x", ""][..]))
            .prop_map(|(number, unit)| format!("{number}{unit}").into_bytes()),
        2 => "[a-z_/]{0,4}(%[-_0#^:.+]{0,2}[0-9]{0,2}[a-zA-Z%+]?){1,3}".prop_map(String::into_bytes),
        1 => "[-%a-zA-Z0-9./:,_= ]{0,20}".prop_map(String::into_bytes),
        1 => "\\PC{0,12}".prop_map(String::into_bytes),
        1 => proptest::collection::vec(any::<u8>(), 0..6),
    ]
}

/// A command line after the program's name: one of a few sensible beginnings, so that flags that matter together
/// (-G and -w, --stats and --timeout, ...) meet often, then random flags spelt alone, with `=` or glued to their
/// values, words of a filter expression, and now and then a command after `--`.
fn arguments() -> impl Strategy<Value = Vec<OsString>> {
    let argument = proptest::sample::select(spellings()).prop_flat_map(|spelling| {
        let value = match spelling.typical.clone() {
            Some(typical) => {
                prop_oneof![3 => proptest::sample::select(typical).prop_map(String::into_bytes), 1 => value()].boxed()
            }
            None => Just(Vec::new()).boxed(),
        };
        (Just(spelling), value, 0..4_u8)
    });
    let argument = argument.prop_map(|(spelling, value, form)| {
        let flag = spelling.flag.into_bytes();
        match form {
            _ if spelling.typical.is_none() => vec![flag],
            0 | 1 => vec![flag, value],
            2 if flag.starts_with(b"--") => vec![[flag, b"=".to_vec(), value].concat()],
            2 => vec![[flag, value].concat()],
            _ => vec![value],
        }
    });
    let command = proptest::option::of(proptest::collection::vec(value(), 0..3));
    const BEGINNINGS: &[&[&str]] = &[
        &[],
        &["-r", PCAP],
        &["-i", "lo", "-G", "1"],
        &["-i", "lo", "-w", "out-%Y%m%d.pcap"],
        &["--stats", "-i", "lo"],
        &["-i", "lo", "--connections", "--external"],
    ];
    let beginning = proptest::sample::select(BEGINNINGS);
    (beginning, proptest::collection::vec(argument, 0..6), command).prop_map(|(beginning, arguments, command)| {
        let beginning = beginning.iter().map(|word| word.as_bytes().to_vec());
        let mut words: Vec<Vec<u8>> = beginning.chain(arguments.into_iter().flatten()).collect();
        if let Some(command) = command {
            words.push(b"--".to_vec());
            words.extend(command);
        }
        words.into_iter().map(OsString::from_vec).collect()
    })
}

/// What ptstat would do later with a command line the checks let through, that once panicked: deadlines on the
/// clock, -G's file names.
fn use_checked(checked: &Checked) {
    let cli = &checked.cli;
    for duration in cli.capture.timeout.iter().chain([&cli.stats.refresh]) {
        assert!(Instant::now().checked_add(*duration).is_some(), "{duration:?} overflows the clock");
    }
    if let (Some(pattern), Some(_)) = (&cli.files.write, cli.files.rotate_seconds) {
        use std::fmt::Write;
        let mut name = String::new();
        assert!(write!(name, "{}", chrono::Local::now().format(pattern)).is_ok(), "-w {pattern:?}");
    }
    let _ = (cli.effective_snaplen(), cli.output.print_options(), cli.files.rotation(), cli.context.runtime_sockets());
}

fn program_and(arguments: &[OsString]) -> Vec<OsString> {
    std::iter::once(OsString::from("ptstat")).chain(arguments.iter().cloned()).collect()
}

#[test]
fn random_command_lines_are_run_or_refused_in_one_line() {
    let config = ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() };
    let result = TestRunner::new(config).run(&arguments(), |arguments| {
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let checked = check(program_and(&arguments));
            if let Ok(checked) = &checked {
                use_checked(checked);
            }
            checked
        }));
        match outcome {
            Err(_) => prop_assert!(false, "panicked on {arguments:?}"),
            Ok(Ok(_) | Err(Stop::Help(_))) => {}
            Ok(Err(Stop::Refused(message))) => {
                prop_assert!(!message.trim().is_empty() && !message.contains('\n'), "{arguments:?}: {message:?}");
            }
        }
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}

/// The binary on a sample: `-D` first, so that what passes the checks lists the interfaces and exits, capturing
/// nothing and running no command.
#[test]
fn random_command_lines_to_the_binary_exit_0_or_1_with_at_most_a_line() {
    let config = ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() };
    // exec(2) cannot pass an argument with a NUL byte.
    let without_nul =
        arguments().prop_filter("NUL", |arguments| arguments.iter().all(|a| !a.as_encoded_bytes().contains(&0)));
    let result = TestRunner::new(config).run(&without_nul, |arguments| {
        let output = run_ptstat(&[vec![OsString::from("-D")], arguments.clone()].concat());
        let stderr = String::from_utf8_lossy(&output.stderr);
        prop_assert!(matches!(output.status.code(), Some(0 | 1)), "{arguments:?}: {:?} {stderr}", output.status);
        prop_assert!(stderr.lines().count() <= 1, "{arguments:?}: {stderr}");
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}
