//! The optimized program (`Program::optimized`, which ptstat's kernel translation runs) returns what the compiled
//! one returns, for every packet of `support::captures` (whole and cut short at every byte), in both directions
//! and with none, for hundreds of expressions each and random combinations of them, with and without process terms.

mod support;

use std::io::Write;

use ptstat_filter::{CaptureSource, Instruction, PacketDirection, Program, compile_for, opcode};
use support::captures::{self, Capture};
use support::expressions::{HAND_WRITTEN, generated, random_combinations};
use support::rng::Rng;

const RANDOM_COMBINATIONS_PER_CAPTURE: usize = 300;

/// Expressions with process terms (bits of the terms word), which the capture lists lack.
const WITH_TERMS: &[&str] =
    &["pid 1 or tcp port 80", "(pname sshd and udp) or (pid 7 and not tcp) or port 53", "not pid 1 and (tcp or pid 2)"];

/// The terms words each packet is run with: none matched, each of the first, all.
const TERMS_WORDS: [u32; 4] = [0, 0b1, 0b10, u32::MAX];

#[test]
fn optimized_programs_return_what_the_compiled_ones_return() {
    let captures = captures::all();
    let (mut compared, mut instructions, mut optimized_instructions) = (0usize, 0usize, 0usize);
    let mut reusing_fields = 0usize;
    let mut differences = Vec::new();
    for (number, capture) in captures.iter().enumerate() {
        let mut expressions: Vec<String> = HAND_WRITTEN.iter().chain(WITH_TERMS).map(|e| e.to_string()).collect();
        expressions.extend(generated(capture));
        let atoms: Vec<String> = expressions
            .iter()
            .filter(|expression| !expression.is_empty())
            .filter(|expression| compile_for(expression, capture.link, CaptureSource::Live).is_ok())
            .cloned()
            .collect();
        let mut rng = Rng::new(0x0b7e_0000 + number as u64);
        expressions.extend(random_combinations(&atoms, RANDOM_COMBINATIONS_PER_CAPTURE, &mut rng));
        for expression in &expressions {
            let Ok(program) = compile_for(expression, capture.link, CaptureSource::Live) else { continue };
            let optimized = program.optimized();
            compared += 1;
            instructions += program.instructions.len();
            optimized_instructions += optimized.instructions.len();
            assert!(optimized.instructions.len() <= program.instructions.len(), "{expression:?} grew");
            reusing_fields += usize::from(scratch_words(&optimized) & !scratch_words(&program) != 0);
            if let Some(difference) = first_difference(&program, &optimized, capture) {
                differences.push(format!("[{}] {expression:?}: {difference}", capture.name));
            }
        }
    }
    // Straight to stderr, so the count shows even when the test harness captures output.
    let _ = writeln!(
        std::io::stderr(),
        "optimized: {compared} (capture, expression) pairs, {instructions} instructions compiled, \
         {optimized_instructions} optimized; {reusing_fields} keep fields in scratch words"
    );
    // The pass that keeps fields loaded twice in words the program leaves free is compared too (732 of 9694 pairs
    // when this was written).
    assert!(reusing_fields > compared / 20, "{reusing_fields} of {compared} keep fields in scratch words");
    assert!(
        differences.is_empty(),
        "{} differ:\n{}",
        differences.len(),
        differences[..differences.len().min(10)].join("\n")
    );
}

fn first_difference(program: &Program, optimized: &Program, capture: &Capture) -> Option<String> {
    for (index, packet) in capture.packets.iter().enumerate() {
        let (data, wire_len) = (&packet.data, packet.wire_len);
        for direction in [None, Some(PacketDirection::Inbound), Some(PacketDirection::Outbound)] {
            let (theirs, ours) = (program.run(data, wire_len, direction), optimized.run(data, wire_len, direction));
            if theirs != ours {
                return Some(format!(
                    "packet {index}, direction {direction:?}: {theirs} compiled, {ours} optimized\n{}",
                    optimized.dump(ptstat_filter::DumpStyle::Readable)
                ));
            }
        }
        if program.terms.is_empty() {
            continue;
        }
        for terms in TERMS_WORDS {
            let (theirs, ours) = (
                program.matches_with_terms(data, wire_len, terms),
                optimized.matches_with_terms(data, wire_len, terms),
            );
            if theirs != ours {
                return Some(format!("packet {index}, terms {terms:#x}: {theirs} compiled, {ours} optimized"));
            }
        }
    }
    None
}

/// The scratch words `program` stores to or loads from, bit i for word i.
fn scratch_words(program: &Program) -> u16 {
    let uses_word = |&Instruction { code, .. }: &Instruction| match opcode::class(code) {
        opcode::ST | opcode::STX => true,
        opcode::LD | opcode::LDX => opcode::mode(code) == opcode::MEM,
        _ => false,
    };
    program
        .instructions
        .iter()
        .filter(|instruction| uses_word(instruction))
        .fold(0, |words, instruction| words | 1 << instruction.k)
}
