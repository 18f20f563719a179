//! Classic BPF instructions, encoded exactly as Linux's `struct sock_filter`.

use crate::dump::{self, DumpStyle};
use crate::interpreter;
use crate::optimize;
use crate::terms::ProcessTerm;

/// Opcode fields of classic BPF, with the values of `<linux/filter.h>` and `<linux/bpf_common.h>`.
pub mod opcode {
    // Instruction classes.
    pub const LD: u16 = 0x00;
    pub const LDX: u16 = 0x01;
    pub const ST: u16 = 0x02;
    pub const STX: u16 = 0x03;
    pub const ALU: u16 = 0x04;
    pub const JMP: u16 = 0x05;
    pub const RET: u16 = 0x06;
    pub const MISC: u16 = 0x07;

    // Load sizes.
    pub const W: u16 = 0x00;
    pub const H: u16 = 0x08;
    pub const B: u16 = 0x10;

    // Load modes.
    pub const IMM: u16 = 0x00;
    pub const ABS: u16 = 0x20;
    pub const IND: u16 = 0x40;
    pub const MEM: u16 = 0x60;
    pub const LEN: u16 = 0x80;
    pub const MSH: u16 = 0xa0;

    // ALU operations.
    pub const ADD: u16 = 0x00;
    pub const SUB: u16 = 0x10;
    pub const MUL: u16 = 0x20;
    pub const DIV: u16 = 0x30;
    pub const OR: u16 = 0x40;
    pub const AND: u16 = 0x50;
    pub const LSH: u16 = 0x60;
    pub const RSH: u16 = 0x70;
    pub const NEG: u16 = 0x80;
    pub const MOD: u16 = 0x90;
    pub const XOR: u16 = 0xa0;

    // Jump conditions.
    pub const JA: u16 = 0x00;
    pub const JEQ: u16 = 0x10;
    pub const JGT: u16 = 0x20;
    pub const JGE: u16 = 0x30;
    pub const JSET: u16 = 0x40;

    // Operand source of ALU and jump instructions.
    pub const K: u16 = 0x00;
    pub const X: u16 = 0x08;

    // Return value source (`K` for the constant).
    pub const A: u16 = 0x10;

    // MISC operations.
    pub const TAX: u16 = 0x00;
    pub const TXA: u16 = 0x80;

    pub const fn class(code: u16) -> u16 {
        code & 0x07
    }
    pub const fn size(code: u16) -> u16 {
        code & 0x18
    }
    pub const fn mode(code: u16) -> u16 {
        code & 0xe0
    }
    pub const fn op(code: u16) -> u16 {
        code & 0xf0
    }
    pub const fn src(code: u16) -> u16 {
        code & 0x08
    }
    pub const fn rval(code: u16) -> u16 {
        code & 0x18
    }
    pub const fn misc_op(code: u16) -> u16 {
        code & 0xf8
    }
}

/// Start of Linux's ancillary-data load offsets (`SKF_AD_OFF`, -0x1000 as an unsigned k).
pub const SKF_AD_OFF: u32 = 0xffff_f000;
/// Offset of `skb->pkt_type` among the ancillary loads (`SKF_AD_PKTTYPE`).
pub const SKF_AD_PKTTYPE: u32 = 4;
/// The `k` of the load that `inbound` and `outbound` compile to: `ldh [SKF_AD_OFF +
/// SKF_AD_PKTTYPE]`, Linux's packet type, exactly as libpcap compiles them for live captures.
pub const DIRECTION_LOAD_OFFSET: u32 = SKF_AD_OFF + SKF_AD_PKTTYPE;
/// The packet type of packets the host sent (`PACKET_OUTGOING`); `outbound` compares the
/// direction load with it and `inbound` is its negation.
pub const PACKET_OUTGOING: u32 = 4;
/// The packet type reported for received packets by [`Program::matches_with_direction`]
/// (`PACKET_HOST`; any value other than [`PACKET_OUTGOING`] counts as inbound).
pub const PACKET_HOST: u32 = 0;
/// How many times one run of a program may jump back to the same instruction; one jump more
/// drops the packet. Classic BPF jumps only forward, except in libpcap's `protochain`, which
/// loops over the header chain with a `ja` whose offset, read as signed, is negative (libpcap's
/// interpreter runs it that way, without a limit, and loops forever on some AH chains). Each
/// pass steps over one IPv6 extension header or AH, so only packets with more than 16 of them
/// chained are dropped where libpcap would walk on. The bound lets the kernel's verifier accept
/// an eBPF translation of the loop: it walks every pass, and its work grows with the square of
/// the bound (some 25,000 instructions for one loop of 16 passes).
pub const LOOP_LIMIT: u32 = 16;
/// Number of scratch memory slots (`BPF_MEMWORDS`).
pub const MEMORY_WORDS: u32 = 16;
/// What a compiled program returns for a packet it accepts: libpcap's default snapshot length.
pub const ACCEPT_SNAPLEN: u32 = 262_144;

/// One classic BPF instruction, field for field `struct sock_filter`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Instruction {
    pub code: u16,
    pub jt: u8,
    pub jf: u8,
    pub k: u32,
}

impl Instruction {
    /// A non-jump instruction.
    pub const fn statement(code: u16, k: u32) -> Self {
        Instruction { code, jt: 0, jf: 0, k }
    }

    /// A conditional jump: `jt`/`jf` instructions are skipped when the condition holds/fails.
    pub const fn jump(code: u16, k: u32, jt: u8, jf: u8) -> Self {
        Instruction { code, jt, jf, k }
    }
}

/// Which way a packet went, for programs that use `inbound` or `outbound`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PacketDirection {
    Inbound,
    Outbound,
}

impl PacketDirection {
    /// The value the direction load yields, as Linux's `skb->pkt_type` would.
    pub fn packet_type(self) -> u32 {
        match self {
            PacketDirection::Inbound => PACKET_HOST,
            PacketDirection::Outbound => PACKET_OUTGOING,
        }
    }
}

/// A compiled filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    pub instructions: Vec<Instruction>,
    /// The process terms the program tests: bit i of the terms word says whether the packet's process matches
    /// `terms[i]` (crate::terms).
    pub terms: Vec<ProcessTerm>,
}

impl Program {
    /// Whether the filter keeps a packet of `wire_len` bytes on the wire of which `packet`
    /// was captured. A program that uses `inbound`/`outbound` rejects every packet here: use
    /// [`Program::matches_with_direction`].
    pub fn matches(&self, packet: &[u8], wire_len: u32) -> bool {
        self.run(packet, wire_len, None) != 0
    }

    /// Like [`Program::matches`], for a packet known to have gone `direction`.
    pub fn matches_with_direction(&self, packet: &[u8], wire_len: u32, direction: PacketDirection) -> bool {
        self.run(packet, wire_len, Some(direction)) != 0
    }

    /// Like [`Program::matches`], for a packet whose process matches the terms whose bits are set in
    /// `matched_terms` (bit i: [`Program::terms`]`[i]`).
    pub fn matches_with_terms(&self, packet: &[u8], wire_len: u32, matched_terms: u32) -> bool {
        interpreter::run(&self.instructions, packet, wire_len, None, matched_terms) != 0
    }

    /// Runs the program and returns its result: 0 to drop the packet, otherwise how many bytes
    /// of it to keep. Never panics and always ends, whatever the instructions: jumps back
    /// count against [`LOOP_LIMIT`].
    pub fn run(&self, packet: &[u8], wire_len: u32, direction: Option<PacketDirection>) -> u32 {
        interpreter::run(&self.instructions, packet, wire_len, direction, 0)
    }

    /// The program with the same result for every packet, direction and matched terms, running fewer instructions:
    /// the jumps of each path go past the tests and loads whose outcome is known there, and fields loaded again are
    /// read from scratch words (crate::optimize).
    pub fn optimized(&self) -> Program {
        Program { instructions: optimize::optimize(&self.instructions), terms: self.terms.clone() }
    }

    /// The program as `tcpdump -d`, `-dd` or `-ddd` prints it; `-d` names the process term each `jset` after
    /// `ld [process terms]` tests.
    pub fn dump(&self, style: DumpStyle) -> String {
        dump::dump(&self.instructions, &self.terms, style)
    }

    /// Whether the program reads the packet direction, so it needs a live capture.
    pub fn uses_direction(&self) -> bool {
        self.instructions.iter().any(|instruction| {
            opcode::class(instruction.code) == opcode::LD
                && opcode::mode(instruction.code) == opcode::ABS
                && instruction.k == DIRECTION_LOAD_OFFSET
        })
    }
}
