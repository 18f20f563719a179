//! Boolean trees of packet tests, and their translation into jumps.
//!
//! Code generation describes every primitive as such a tree; this module lays the tree out as
//! classic BPF with short-circuit jumps, evaluating left to right like libpcap's unoptimized
//! programs. Evaluation order matters because a load past the captured bytes drops the packet
//! whatever the rest of the expression says.

use crate::program::{ACCEPT_SNAPLEN, Instruction, opcode};
use crate::terms::PROCESS_TERMS_LOAD_OFFSET;

/// One comparison: statements that leave a value in the accumulator, then a conditional jump
/// comparing it with a constant or with the index register. Jumps keep A and X, so statements
/// may start from what the test before them left (`geneve`'s do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Test {
    pub statements: Vec<Instruction>,
    /// `JMP | JEQ/JGT/JGE/JSET | K/X`.
    pub jump: u16,
    pub k: u32,
}

impl Test {
    /// Whether running the statements can drop the packet by itself: a packet load (which can
    /// run past the captured bytes) or a division by the index register (which can be zero).
    /// The load of the matched process terms always succeeds.
    fn may_drop(&self) -> bool {
        self.statements.iter().any(|instruction| {
            let code = instruction.code;
            match opcode::class(code) {
                opcode::LD if opcode::mode(code) == opcode::ABS && instruction.k == PROCESS_TERMS_LOAD_OFFSET => false,
                opcode::LD => matches!(opcode::mode(code), opcode::ABS | opcode::IND),
                opcode::LDX => opcode::mode(code) == opcode::MSH,
                opcode::ALU => opcode::src(code) == opcode::X && matches!(opcode::op(code), opcode::DIV | opcode::MOD),
                _ => false,
            }
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cond {
    Constant(bool),
    Test(Test),
    Not(Box<Cond>),
    /// All hold, tested in order.
    All(Vec<Cond>),
    /// Any holds, tested in order.
    Any(Vec<Cond>),
}

impl Cond {
    pub fn test(statements: Vec<Instruction>, jump: u16, k: u32) -> Cond {
        Cond::Test(Test { statements, jump, k })
    }

    /// `self and other`, dropping constants where that cannot change which packets pass: a
    /// constant on the right may only go when the left side can never drop the packet.
    pub fn and(self, other: Cond) -> Cond {
        match (self, other) {
            (Cond::Constant(true), other) => other,
            (Cond::Constant(false), _) => Cond::Constant(false),
            (left, Cond::Constant(true)) => left,
            (left, Cond::Constant(false)) if !left.may_drop() => Cond::Constant(false),
            (Cond::All(mut left), Cond::All(right)) => {
                left.extend(right);
                Cond::All(left)
            }
            (Cond::All(mut left), right) => {
                left.push(right);
                Cond::All(left)
            }
            (left, right) => Cond::All(vec![left, right]),
        }
    }

    /// `self or other`, with the same care about constants as [`Cond::and`].
    pub fn or(self, other: Cond) -> Cond {
        match (self, other) {
            (Cond::Constant(false), other) => other,
            (Cond::Constant(true), _) => Cond::Constant(true),
            (left, Cond::Constant(false)) => left,
            (left, Cond::Constant(true)) if !left.may_drop() => Cond::Constant(true),
            (Cond::Any(mut left), Cond::Any(right)) => {
                left.extend(right);
                Cond::Any(left)
            }
            (Cond::Any(mut left), right) => {
                left.push(right);
                Cond::Any(left)
            }
            (left, right) => Cond::Any(vec![left, right]),
        }
    }

    /// `not self`. A packet dropped by a failed load stays dropped under negation; that is
    /// the jump layout's doing, not something to simplify away.
    pub fn negate(self) -> Cond {
        match self {
            Cond::Constant(value) => Cond::Constant(!value),
            Cond::Not(inner) => *inner,
            other => Cond::Not(Box::new(other)),
        }
    }

    /// Any of `conditions`, tried in order; false when there are none.
    pub fn any(conditions: impl IntoIterator<Item = Cond>) -> Cond {
        conditions.into_iter().fold(Cond::Constant(false), Cond::or)
    }

    fn may_drop(&self) -> bool {
        match self {
            Cond::Constant(_) => false,
            Cond::Test(test) => test.may_drop(),
            Cond::Not(inner) => inner.may_drop(),
            Cond::All(items) | Cond::Any(items) => items.iter().any(Cond::may_drop),
        }
    }
}

/// Lays `cond` out as a complete program that returns [`ACCEPT_SNAPLEN`] when it holds and 0
/// otherwise.
pub fn emit_program(cond: &Cond) -> Vec<Instruction> {
    let accept = Instruction::statement(opcode::RET | opcode::K, ACCEPT_SNAPLEN);
    let reject = Instruction::statement(opcode::RET | opcode::K, 0);
    match cond {
        Cond::Constant(true) => return vec![accept],
        Cond::Constant(false) => return vec![reject],
        _ => {}
    }
    // The program is built back to front, so every jump target already exists when the jump
    // is written. A label is the index of an instruction in this reversed vector.
    let mut emitter = Emitter { reversed: vec![reject, accept] };
    emitter.emit(cond, 1, 0);
    emitter.reversed.reverse();
    emitter.reversed
}

struct Emitter {
    reversed: Vec<Instruction>,
}

impl Emitter {
    /// Writes `cond` so that it continues at `on_true` or `on_false`; returns its entry label.
    fn emit(&mut self, cond: &Cond, on_true: usize, on_false: usize) -> usize {
        match cond {
            Cond::Constant(true) => on_true,
            Cond::Constant(false) => on_false,
            Cond::Not(inner) => self.emit(inner, on_false, on_true),
            // Written last to first: each item continues to the one after it.
            Cond::All(items) => items.iter().rev().fold(on_true, |next, item| self.emit(item, next, on_false)),
            Cond::Any(items) => items.iter().rev().fold(on_false, |next, item| self.emit(item, on_true, next)),
            Cond::Test(test) => {
                let (mut jt, mut jf) = (on_true, on_false);
                // Each long jump written shifts everything after it by one, so check both
                // branches again until both fit in 8 bits.
                loop {
                    if self.distance_to(jt).is_none() {
                        jt = self.long_jump(jt);
                    } else if self.distance_to(jf).is_none() {
                        jf = self.long_jump(jf);
                    } else {
                        break;
                    }
                }
                let offset = |label| self.distance_to(label).unwrap_or(0);
                let instruction = Instruction::jump(test.jump, test.k, offset(jt), offset(jf));
                self.reversed.push(instruction);
                self.reversed.extend(test.statements.iter().rev().copied());
                self.reversed.len() - 1
            }
        }
    }

    /// Writes `ja target` and returns its label, for targets beyond an 8-bit offset.
    fn long_jump(&mut self, target: usize) -> usize {
        let offset = self.reversed.len() - target - 1;
        // A parsed expression cannot produce 2^32 instructions.
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        self.reversed.push(Instruction::statement(opcode::JMP | opcode::JA, offset));
        self.reversed.len() - 1
    }

    /// Offset from the instruction about to be written to `target`, if a conditional jump
    /// can express it.
    fn distance_to(&self, target: usize) -> Option<u8> {
        u8::try_from(self.reversed.len() - target - 1).ok()
    }
}
