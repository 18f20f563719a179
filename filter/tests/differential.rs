//! Compares the packets our programs keep with those the installed tcpdump keeps, for every
//! capture in `support::captures` and hundreds of expressions each; and those our optimized programs keep with
//! those the compiled ones keep.

mod support;

use std::io::Write;

use ptstat_filter::{Program, compile};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use support::captures::{self, Capture};
use support::expressions::{HAND_WRITTEN, generated, random_combinations};
use support::rng::Rng;
use support::{packets, pcap, tcpdump};

const RANDOM_COMBINATIONS_PER_CAPTURE: usize = 150;

/// Primitives whose pairs are also counted apart in the summary.
const COUNTED_APART: [&str; 4] = ["protochain", "pppoed", "pppoes", "geneve"];

#[derive(Default)]
struct Outcome {
    compared: usize,
    /// Pairs where both refuse the expression.
    refused: usize,
    /// Packets kept, summed over the pairs both accept.
    kept: usize,
    /// Pairs decided by tcpdump's unoptimized program.
    unoptimized: usize,
    /// Per word of [`COUNTED_APART`]: pairs whose expression has it, packets they compared and packets they kept.
    apart: [(usize, usize, usize); COUNTED_APART.len()],
    disagreements: Vec<String>,
}

#[test]
fn kept_packets_match_tcpdump() {
    if !tcpdump::available() {
        return;
    }
    let directory = temporary_directory();
    let captures = captures::all();
    let mut work = Vec::new();
    for (number, capture) in captures.iter().enumerate() {
        let path = directory.join(format!("{}.pcap", capture.name));
        std::fs::write(&path, pcap::write(capture.pcap_linktype(), &capture.packets)).expect("write capture");
        let mut expressions: Vec<String> = HAND_WRITTEN.iter().map(|e| e.to_string()).collect();
        expressions.extend(generated(capture));
        let atoms: Vec<String> = expressions
            .iter()
            .filter(|expression| !expression.is_empty())
            .filter(|expression| compile(expression, capture.link).is_ok())
            .cloned()
            .collect();
        let mut rng = Rng::new(0x5eed_0000 + number as u64);
        expressions.extend(random_combinations(&atoms, RANDOM_COMBINATIONS_PER_CAPTURE, &mut rng));
        work.push((capture, path, expressions));
    }

    let outcomes: Vec<Outcome> = std::thread::scope(|scope| {
        let handles: Vec<_> = work
            .iter()
            .flat_map(|(capture, path, expressions)| {
                // Two halves per capture keep both cores busy.
                let middle = expressions.len() / 2;
                [&expressions[..middle], &expressions[middle..]]
                    .map(|part| scope.spawn(move || compare_all(capture, path, part)))
            })
            .collect();
        handles.into_iter().map(|handle| handle.join().expect("comparison thread")).collect()
    });
    let _ = std::fs::remove_dir_all(&directory);

    let compared: usize = outcomes.iter().map(|outcome| outcome.compared).sum();
    let disagreements: Vec<&String> = outcomes.iter().flat_map(|outcome| &outcome.disagreements).collect();
    let sum = |field: fn(&Outcome) -> usize| outcomes.iter().map(field).sum::<usize>();
    // Straight to stderr, so the count shows even when the test harness captures output.
    let _ = writeln!(
        std::io::stderr(),
        "differential: {compared} (capture, expression) pairs compared with tcpdump over {} \
         captures ({} packets): {} agreed ({} refused by both, {} decided by tcpdump -O, {} \
         packets kept in all)",
        captures.len(),
        captures.iter().map(|c| c.packets.len()).sum::<usize>(),
        compared - disagreements.len(),
        sum(|outcome| outcome.refused),
        sum(|outcome| outcome.unoptimized),
        sum(|outcome| outcome.kept),
    );
    for (index, word) in COUNTED_APART.iter().enumerate() {
        let total = |part: fn(&(usize, usize, usize)) -> usize| -> usize {
            outcomes.iter().map(|outcome| part(&outcome.apart[index])).sum()
        };
        let _ = writeln!(
            std::io::stderr(),
            "differential: {} pairs with '{word}': {} packets compared, {} kept",
            total(|counts| counts.0),
            total(|counts| counts.1),
            total(|counts| counts.2)
        );
    }
    assert!(
        disagreements.is_empty(),
        "{} of {compared} pairs disagree with tcpdump:\n{}",
        disagreements.len(),
        disagreements.iter().take(60).map(|d| d.as_str()).collect::<Vec<_>>().join("\n")
    );
}

fn compare_all(capture: &Capture, path: &Path, expressions: &[String]) -> Outcome {
    let mut outcome = Outcome::default();
    for expression in expressions {
        outcome.compared += 1;
        let agreement = compare(capture, path, expression);
        let kept = match agreement {
            Ok(Agreement::Kept(count) | Agreement::KeptUnoptimized(count)) => count,
            _ => 0,
        };
        for (word, (pairs, compared, packets)) in COUNTED_APART.iter().zip(&mut outcome.apart) {
            if expression.contains(word) {
                *pairs += 1;
                *compared += capture.packets.len();
                *packets += kept;
            }
        }
        match agreement {
            Ok(Agreement::Refused) => outcome.refused += 1,
            Ok(Agreement::Kept(count)) => outcome.kept += count,
            Ok(Agreement::KeptUnoptimized(count)) => {
                outcome.kept += count;
                outcome.unoptimized += 1;
            }
            Err(problem) => outcome.disagreements.push(format!("[{}] {expression:?}: {problem}", capture.name)),
        }
    }
    outcome
}

/// Agreement means: both refuse the expression, or both accept it and keep the same packets.
/// Where tcpdump's optimized and unoptimized (`-O`) programs keep different packets (the
/// optimizer can drop a load past the end of a truncated packet), either answer is right.
enum Agreement {
    Refused,
    /// Both keep the same packets, this many.
    Kept(usize),
    /// We keep this many packets, each kept or dropped by one of tcpdump's two programs.
    KeptUnoptimized(usize),
}

fn compare(capture: &Capture, path: &Path, expression: &str) -> Result<Agreement, String> {
    let ours = compile(expression, capture.link);
    // The optimized program, which ptstat's kernel translation runs, must keep what the compiled one keeps.
    if let Ok(program) = &ours {
        let optimized = program.optimized();
        let wrong: Vec<u32> =
            kept_by(program, capture).symmetric_difference(&kept_by(&optimized, capture)).copied().collect();
        if !wrong.is_empty() {
            return Err(format!("optimized: {}", describe(capture, &wrong, &kept_by(&optimized, capture), &optimized)));
        }
    }
    let theirs = tcpdump::kept(path, expression, true);
    match (&ours, &theirs) {
        (Err(_), Err(_)) => Ok(Agreement::Refused),
        (Ok(program), Ok(kept)) => {
            let ours = kept_by(program, capture);
            let kept: BTreeSet<u32> = kept.iter().copied().collect();
            if ours == kept {
                return Ok(Agreement::Kept(ours.len()));
            }
            let unoptimized: BTreeSet<u32> = tcpdump::kept(path, expression, false)?.into_iter().collect();
            let wrong: Vec<u32> = (0..capture.packets.len() as u32)
                .filter(|index| {
                    let mine = ours.contains(index);
                    mine != kept.contains(index) && mine != unoptimized.contains(index)
                })
                .collect();
            if wrong.is_empty() {
                Ok(Agreement::KeptUnoptimized(ours.len()))
            } else {
                Err(describe(capture, &wrong, &ours, program))
            }
        }
        (Ok(program), Err(message)) => {
            // Some refusals come from libpcap's optimizer alone ("expression rejects all
            // packets", or a shift by a folded constant); then the unoptimized program decides.
            let unoptimized: BTreeSet<u32> = tcpdump::kept(path, expression, false)
                .map_err(|_| format!("tcpdump refuses it ({message}), we accept it"))?
                .into_iter()
                .collect();
            let ours = kept_by(program, capture);
            if ours == unoptimized {
                Ok(Agreement::KeptUnoptimized(ours.len()))
            } else {
                let wrong: Vec<u32> = ours.symmetric_difference(&unoptimized).copied().collect();
                Err(describe(capture, &wrong, &ours, program))
            }
        }
        (Err(error), Ok(kept)) if error.message() == "expression rejects all packets" && kept.is_empty() => {
            Ok(Agreement::Refused)
        }
        (Err(error), Ok(_)) => Err(format!("we refuse it ({error}), tcpdump accepts it")),
    }
}

fn kept_by(program: &Program, capture: &Capture) -> BTreeSet<u32> {
    capture
        .packets
        .iter()
        .enumerate()
        .filter(|(_, packet)| program.matches(&packet.data, packet.wire_len))
        .map(|(index, _)| index as u32)
        .collect()
}

fn describe(capture: &Capture, wrong: &[u32], ours: &BTreeSet<u32>, program: &Program) -> String {
    let examples: Vec<String> = wrong
        .iter()
        .take(3)
        .map(|&index| {
            let packet = &capture.packets[index as usize];
            let hex: String = packet.data.iter().map(|b| format!("{b:02x}")).collect();
            let verdict = if ours.contains(&index) { "we keep" } else { "we drop" };
            format!("packet {index} ({verdict}, captured {} of {}): {hex}", packet.data.len(), packet.wire_len)
        })
        .collect();
    format!(
        "{} packets differ; {}\nour program:\n{}",
        wrong.len(),
        examples.join("; "),
        program.dump(ptstat_filter::DumpStyle::Readable)
    )
}

fn temporary_directory() -> PathBuf {
    let directory = std::env::temp_dir().join(format!("ptstat-filter-differential-{}", std::process::id()));
    std::fs::create_dir_all(&directory).expect("create temporary directory");
    directory
}

/// A run of ports joined by `or` is compiled as one test of each port field against every number (libpcap's
/// optimizer leaves it so): a packet cut short after its source port, which is the run's second, is kept, as tcpdump
/// keeps it; tested port by port (`tcpdump -O`), the first port's load of the destination port would drop it.
/// Whole packets are kept by the port of either field.
#[test]
fn a_run_of_ports_keeps_a_packet_cut_after_its_source_port_as_tcpdump_does() {
    if !tcpdump::available() {
        return;
    }
    let udp = |source: u16, destination: u16| {
        let ip = packets::Ipv4::new([10, 0, 0, 2], [10, 0, 0, 1], 17).build(&packets::udp(source, destination, &[]));
        packets::ethernet([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2], 0x0800, &ip)
    };
    let source_port_end = 14 + 20 + 2;
    let packets = [
        pcap::Packet::whole(udp(443, 9999)).truncated(source_port_end),
        pcap::Packet::whole(udp(9999, 9999)).truncated(source_port_end),
        pcap::Packet::whole(udp(443, 9999)),
        pcap::Packet::whole(udp(9999, 80)),
        pcap::Packet::whole(udp(9999, 9999)),
    ];
    // Its own directory: the other test removes its directory when it ends.
    let directory = std::env::temp_dir().join(format!("ptstat-filter-port-run-{}", std::process::id()));
    std::fs::create_dir_all(&directory).expect("create temporary directory");
    let path = directory.join("cut-after-source-port.pcap");
    std::fs::write(&path, pcap::write(1, &packets)).expect("write capture");
    let expression = "port 80 or port 443 or port 8080";
    let program = compile(expression, ptstat_filter::LinkType::Ethernet).expect("compiles");
    let ours: Vec<u32> = (0u32..)
        .zip(&packets)
        .filter(|(_, packet)| program.matches(&packet.data, packet.wire_len))
        .map(|(index, _)| index)
        .collect();
    assert_eq!(ours, tcpdump::kept(&path, expression, true).expect("tcpdump reads it"));
    assert_eq!(ours, [0, 2, 3]);
    assert_eq!(tcpdump::kept(&path, expression, false).expect("tcpdump -O reads it"), [2, 3], "port by port");
    let _ = std::fs::remove_dir_all(&directory);
}
