//! Prints programs the way `tcpdump -d`, `-dd` and `-ddd` do.

use crate::program::{DIRECTION_LOAD_OFFSET, Instruction, opcode::*};
use crate::terms::{PROCESS_TERMS_LOAD_OFFSET, ProcessTerm};
use std::fmt::Write;

/// The three program listings of tcpdump.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DumpStyle {
    /// `-d`: one readable instruction a line, `(000) ldh      [12]`.
    Readable,
    /// `-dd`: a C array body, `{ 0x28, 0, 0, 0x0000000c },`.
    CArray,
    /// `-ddd`: the instruction count, then `code jt jf k` in decimal a line.
    Decimal,
}

/// `terms`: the program's process terms, named after the `jset` that tests each.
pub fn dump(instructions: &[Instruction], terms: &[ProcessTerm], style: DumpStyle) -> String {
    let mut out = String::new();
    if style == DumpStyle::Decimal {
        let _ = writeln!(out, "{}", instructions.len());
    }
    for (index, instruction) in instructions.iter().enumerate() {
        // Writing to a String cannot fail.
        let _ = match style {
            DumpStyle::Readable => match tested_term(instructions, index, terms) {
                Some(term) => writeln!(out, "{}\t; {term}", readable(index, instruction)),
                None => writeln!(out, "{}", readable(index, instruction)),
            },
            DumpStyle::CArray => writeln!(
                out,
                "{{ 0x{:x}, {}, {}, 0x{:08x} }},",
                instruction.code, instruction.jt, instruction.jf, instruction.k
            ),
            DumpStyle::Decimal => {
                writeln!(out, "{} {} {} {}", instruction.code, instruction.jt, instruction.jf, instruction.k)
            }
        };
    }
    out
}

/// One `-d` line. libpcap prints offsets, slots and decimal constants as C `int`s, so values
/// of 2^31 and more come out negative; `as i32` reproduces that.
fn readable(index: usize, instruction: &Instruction) -> String {
    let Instruction { code, jt, jf, k } = *instruction;
    let signed = k as i32;
    let hex = format!("#0x{k:x}");
    let (mnemonic, operand) = match code {
        c if c == RET | K => ("ret", format!("#{signed}")),
        c if c == RET | A => ("ret", String::new()),
        c if c == LD | W | ABS => ("ld", absolute(k)),
        c if c == LD | H | ABS => ("ldh", absolute(k)),
        c if c == LD | B | ABS => ("ldb", absolute(k)),
        c if c == LD | W | LEN => ("ld", "#pktlen".to_string()),
        c if c == LDX | W | LEN => ("ldx", "#pktlen".to_string()),
        c if c == LD | W | IND => ("ld", format!("[x + {signed}]")),
        c if c == LD | H | IND => ("ldh", format!("[x + {signed}]")),
        c if c == LD | B | IND => ("ldb", format!("[x + {signed}]")),
        c if c == LD | W | IMM => ("ld", hex),
        c if c == LDX | W | IMM => ("ldx", hex),
        c if c == LDX | B | MSH => ("ldxb", format!("4*([{signed}]&0xf)")),
        c if c == LD | W | MEM => ("ld", format!("M[{signed}]")),
        c if c == LDX | W | MEM => ("ldx", format!("M[{signed}]")),
        c if c == ST => ("st", format!("M[{signed}]")),
        c if c == STX => ("stx", format!("M[{signed}]")),
        c if c == JMP | JA => {
            let target = (index as u32).wrapping_add(1).wrapping_add(k) as i32;
            ("ja", target.to_string())
        }
        c if c == ALU | NEG => ("neg", String::new()),
        c if c == MISC | TAX => ("tax", String::new()),
        c if c == MISC | TXA => ("txa", String::new()),
        c if class(c) == JMP && c & !0xf8 == JMP => {
            let Some(name) = jump_mnemonic(op(c)) else {
                return unimplemented(index, code);
            };
            let operand = if src(c) == X { "x".to_string() } else { hex };
            let base = index + 1;
            return format!(
                "({index:03}) {name:<8} {operand:<16} jt {}\tjf {}",
                base + usize::from(jt),
                base + usize::from(jf)
            );
        }
        c if class(c) == ALU && c & !0xf8 == ALU => {
            let Some((name, operand_is_hex)) = alu_mnemonic(op(c)) else {
                return unimplemented(index, code);
            };
            let operand = if src(c) == X {
                "x".to_string()
            } else if operand_is_hex {
                hex
            } else {
                format!("#{signed}")
            };
            (name, operand)
        }
        _ => return unimplemented(index, code),
    };
    format!("({index:03}) {mnemonic:<8} {operand}")
}

fn absolute(k: u32) -> String {
    match k {
        DIRECTION_LOAD_OFFSET => "[type]".to_string(),
        PROCESS_TERMS_LOAD_OFFSET => "[process terms]".to_string(),
        _ => format!("[{}]", k as i32),
    }
}

/// The term that instruction `index` tests: a `jset` of one bit right after `ld [process terms]`.
fn tested_term<'a>(instructions: &[Instruction], index: usize, terms: &'a [ProcessTerm]) -> Option<&'a ProcessTerm> {
    let jump = instructions[index];
    let load = instructions.get(index.checked_sub(1)?)?;
    let loads_terms = load.code == LD | W | ABS && load.k == PROCESS_TERMS_LOAD_OFFSET;
    if !loads_terms || jump.code != JMP | JSET | K || !jump.k.is_power_of_two() {
        return None;
    }
    terms.get(jump.k.trailing_zeros() as usize)
}

fn jump_mnemonic(operation: u16) -> Option<&'static str> {
    Some(match operation {
        JEQ => "jeq",
        JGT => "jgt",
        JGE => "jge",
        JSET => "jset",
        _ => return None,
    })
}

/// The mnemonic, and whether libpcap prints the constant operand in hex (bitwise operations)
/// rather than decimal (arithmetic).
fn alu_mnemonic(operation: u16) -> Option<(&'static str, bool)> {
    Some(match operation {
        ADD => ("add", false),
        SUB => ("sub", false),
        MUL => ("mul", false),
        DIV => ("div", false),
        MOD => ("mod", false),
        AND => ("and", true),
        OR => ("or", true),
        XOR => ("xor", true),
        LSH => ("lsh", false),
        RSH => ("rsh", false),
        _ => return None,
    })
}

fn unimplemented(index: usize, code: u16) -> String {
    format!("({index:03}) {:<8} 0x{code:x}", "unimp")
}
