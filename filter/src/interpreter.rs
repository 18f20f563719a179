//! Runs classic BPF programs on captured packets, as libpcap's `bpf_filter` does for files.
//!
//! Anything that makes the program invalid or the packet unreadable ends the run with 0 (the
//! packet is dropped): a load past the captured bytes, division by zero, a scratch slot out of
//! range, an unknown opcode, a jump outside the program or running off the end, and jumping
//! back to the same instruction more than [`LOOP_LIMIT`] times.
//!
//! `ja` takes its offset as signed, as libpcap's interpreter does for `protochain`'s loop.

use crate::program::{DIRECTION_LOAD_OFFSET, Instruction, LOOP_LIMIT, MEMORY_WORDS, PacketDirection, opcode};
use crate::terms::PROCESS_TERMS_LOAD_OFFSET;

/// `matched_terms`: what `ld [process terms]` loads (crate::terms).
pub fn run(
    program: &[Instruction],
    packet: &[u8],
    wire_len: u32,
    direction: Option<PacketDirection>,
    matched_terms: u32,
) -> u32 {
    let mut machine = Machine {
        packet,
        wire_len,
        direction,
        matched_terms,
        a: 0,
        x: 0,
        memory: [0; MEMORY_WORDS as usize],
        jumps_back: Vec::new(),
    };
    machine.run(program).unwrap_or(0)
}

struct Machine<'a> {
    packet: &'a [u8],
    wire_len: u32,
    direction: Option<PacketDirection>,
    matched_terms: u32,
    a: u32,
    x: u32,
    memory: [u32; MEMORY_WORDS as usize],
    /// Per instruction jumped back to: how many times.
    jumps_back: Vec<(usize, u32)>,
}

impl Machine<'_> {
    /// `None` means the run ended by dropping the packet.
    fn run(&mut self, program: &[Instruction]) -> Option<u32> {
        let mut pc = 0usize;
        loop {
            let instruction = *program.get(pc)?;
            pc += 1;
            let code = instruction.code;
            let k = instruction.k;
            match opcode::class(code) {
                opcode::RET => {
                    return match opcode::rval(code) {
                        opcode::K => Some(k),
                        opcode::A => Some(self.a),
                        _ => None,
                    };
                }
                opcode::LD => self.a = self.load(code, k)?,
                opcode::LDX => {
                    self.x = match (opcode::mode(code), opcode::size(code)) {
                        (opcode::IMM, opcode::W) => k,
                        (opcode::MEM, opcode::W) => *self.memory.get(k as usize)?,
                        (opcode::LEN, opcode::W) => self.wire_len,
                        (opcode::MSH, opcode::B) => 4 * u32::from(self.byte_at(k)? & 0xf),
                        _ => return None,
                    }
                }
                opcode::ST => *self.memory.get_mut(k as usize)? = self.a,
                opcode::STX => *self.memory.get_mut(k as usize)? = self.x,
                opcode::ALU => self.a = self.alu(code, k)?,
                opcode::JMP => {
                    let skip = if opcode::op(code) == opcode::JA {
                        let offset = k.cast_signed();
                        if offset < 0 {
                            let target = pc.checked_add_signed(isize::try_from(offset).ok()?)?;
                            self.count_jump_back(target)?;
                            pc = target;
                            continue;
                        }
                        usize::try_from(offset).ok()?
                    } else {
                        let operand = if opcode::src(code) == opcode::X { self.x } else { k };
                        let taken = match opcode::op(code) {
                            opcode::JEQ => self.a == operand,
                            opcode::JGT => self.a > operand,
                            opcode::JGE => self.a >= operand,
                            opcode::JSET => self.a & operand != 0,
                            _ => return None,
                        };
                        usize::from(if taken { instruction.jt } else { instruction.jf })
                    };
                    pc = pc.checked_add(skip)?;
                }
                opcode::MISC => match opcode::misc_op(code) {
                    opcode::TAX => self.x = self.a,
                    opcode::TXA => self.a = self.x,
                    _ => return None,
                },
                _ => return None,
            }
        }
    }

    /// Counts a jump back to `target`; `None` once it goes past the limit.
    fn count_jump_back(&mut self, target: usize) -> Option<()> {
        let count = match self.jumps_back.iter_mut().find(|(at, _)| *at == target) {
            Some((_, count)) => count,
            None => {
                self.jumps_back.push((target, 0));
                &mut self.jumps_back.last_mut()?.1
            }
        };
        *count += 1;
        (*count <= LOOP_LIMIT).then_some(())
    }

    fn load(&self, code: u16, k: u32) -> Option<u32> {
        match opcode::mode(code) {
            opcode::IMM if opcode::size(code) == opcode::W => Some(k),
            opcode::MEM if opcode::size(code) == opcode::W => self.memory.get(k as usize).copied(),
            opcode::LEN if opcode::size(code) == opcode::W => Some(self.wire_len),
            opcode::ABS if k == DIRECTION_LOAD_OFFSET => self.direction.map(PacketDirection::packet_type),
            opcode::ABS if k == PROCESS_TERMS_LOAD_OFFSET => Some(self.matched_terms),
            opcode::ABS => self.packet_at(opcode::size(code), k),
            opcode::IND => self.packet_at(opcode::size(code), self.x.checked_add(k)?),
            _ => None,
        }
    }

    /// A big-endian field of the captured bytes, or `None` past their end.
    fn packet_at(&self, size: u16, offset: u32) -> Option<u32> {
        let width = match size {
            opcode::W => 4,
            opcode::H => 2,
            opcode::B => 1,
            _ => return None,
        };
        let start = usize::try_from(offset).ok()?;
        let bytes = self.packet.get(start..start.checked_add(width)?)?;
        Some(bytes.iter().fold(0, |value, &byte| value << 8 | u32::from(byte)))
    }

    fn byte_at(&self, offset: u32) -> Option<u8> {
        self.packet.get(usize::try_from(offset).ok()?).copied()
    }

    fn alu(&self, code: u16, k: u32) -> Option<u32> {
        let operand = if opcode::src(code) == opcode::X { self.x } else { k };
        let a = self.a;
        Some(match opcode::op(code) {
            opcode::ADD => a.wrapping_add(operand),
            opcode::SUB => a.wrapping_sub(operand),
            opcode::MUL => a.wrapping_mul(operand),
            opcode::DIV => a.checked_div(operand)?,
            opcode::MOD => a.checked_rem(operand)?,
            opcode::AND => a & operand,
            opcode::OR => a | operand,
            opcode::XOR => a ^ operand,
            // libpcap's interpreter yields 0 for shifts of 32 bits or more.
            opcode::LSH => a.checked_shl(operand).unwrap_or(0),
            opcode::RSH => a.checked_shr(operand).unwrap_or(0),
            opcode::NEG => a.wrapping_neg(),
            _ => return None,
        })
    }
}
