//! libpcap's own programs (from `tcpdump -ddd`) loaded into our `Program`: our interpreter must
//! keep exactly the packets tcpdump keeps with them, and our listings must read exactly like
//! tcpdump's. This checks the interpreter and the printer apart from our compiler.

mod support;

use std::io::Write;

use ptstat_filter::{DumpStyle, Instruction, Program};
use std::path::Path;
use support::captures::{self, Capture};
use support::expressions::HAND_WRITTEN;
use support::{pcap, tcpdump};

fn parse_decimal_listing(listing: &str) -> Program {
    let instructions = listing
        .lines()
        .skip(1)
        .map(|line| {
            let fields: Vec<u32> = line.split_whitespace().map(|field| field.parse().expect("number")).collect();
            let [code, jt, jf, k] = fields[..] else { panic!("bad -ddd line {line:?}") };
            Instruction::jump(code as u16, k, jt as u8, jf as u8)
        })
        .collect();
    Program { instructions, terms: Vec::new() }
}

fn check(capture: &Capture, path: &Path, expression: &str) -> Result<bool, String> {
    let Ok(listing) = tcpdump::dump(path, "-ddd", expression) else {
        return Ok(false);
    };
    let program = parse_decimal_listing(&listing);
    for (flag, style) in [("-d", DumpStyle::Readable), ("-dd", DumpStyle::CArray)] {
        let theirs = tcpdump::dump(path, flag, expression)?;
        if program.dump(style) != theirs {
            return Err(format!("{flag} listing differs:\nours:\n{}\ntheirs:\n{theirs}", program.dump(style)));
        }
    }
    let kept = tcpdump::kept(path, expression, true)?;
    let ours: Vec<u32> = capture
        .packets
        .iter()
        .enumerate()
        .filter(|(_, packet)| program.matches(&packet.data, packet.wire_len))
        .map(|(index, _)| index as u32)
        .collect();
    if ours != kept {
        return Err(format!("our interpreter keeps {ours:?}, tcpdump keeps {kept:?}"));
    }
    Ok(true)
}

#[test]
fn libpcap_programs_run_and_print_the_same() {
    if !tcpdump::available() {
        return;
    }
    let directory = std::env::temp_dir().join(format!("ptstat-filter-libpcap-{}", std::process::id()));
    std::fs::create_dir_all(&directory).expect("temporary directory");
    let long_chain: Vec<String> = (1..=60).map(|port| format!("port {port}")).collect();
    let mut expressions: Vec<String> = HAND_WRITTEN.iter().map(|e| e.to_string()).collect();
    expressions.push(long_chain.join(" or "));
    let mut checked = 0;
    let mut failures = Vec::new();
    for capture in captures::all().iter().filter(|capture| capture.name.ends_with("truncated")) {
        let path = directory.join(format!("{}.pcap", capture.name));
        std::fs::write(&path, pcap::write(capture.pcap_linktype(), &capture.packets)).expect("write capture");
        for expression in &expressions {
            match check(capture, &path, expression) {
                Ok(true) => checked += 1,
                Ok(false) => {}
                Err(problem) => failures.push(format!("[{}] {expression:?}: {problem}", capture.name)),
            }
        }
    }
    let _ = std::fs::remove_dir_all(&directory);
    // Straight to stderr, so the count shows even when the test harness captures output.
    let _ = writeln!(
        std::io::stderr(),
        "libpcap programs: {checked} run by our interpreter and printed, {} differ",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
