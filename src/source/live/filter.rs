//! The user's filter expression in the kernel: every capture program runs it before copying anything.
//!
//! `ptstat_filter` compiles the expression to classic BPF, once for devices with an Ethernet header and once for
//! layer-3 devices, whose packets start at the IP header. [`translate`] turns a classic program into eBPF for a
//! program type's [`Context`] (TC and cgroup-skb programs get an `__sk_buff`, XDP programs an `xdp_md`, packet
//! sockets' filters an `__sk_buff` without direct packet access, the tp-btf programs a copy of the packet's first
//! bytes) with the semantics of `ptstat_filter::Program::run` (libpcap's): registers A and X, 16 scratch words that
//! start at 0, big-endian packet loads that reject the packet when they run past its end, division by zero
//! rejecting, `len` the wire length. [`splice`] writes each translation over the region `ebpf/capture.bpf.c`
//! reserves for it (`DEFINE_USER_FILTER`): aya cannot change a program between parsing and loading, so the ELF bytes
//! are patched before aya parses them. The region keeps its size, so relocations, BTF line and function info stay
//! valid.
//!
//! Contract of a region: it starts with r1 = the context (`__sk_buff`, `xdp_md` or `copied_packet`) and r2 = the
//! Linux packet type
//! (`PACKET_OUTGOING` on egress, `PACKET_HOST` on ingress, XDP's only direction), which is what `inbound` and
//! `outbound` load; and r3 = the word of the process terms the packet's process matched (`ld [process terms]`,
//! bit i for the program's i-th term, see `ptstat_filter::terms`), read only by programs with terms; control
//! leaves it at its end with the verdict in r0 (0 rejects), where the C function returns.
//! The translation fills the end of the region, and padding the front (see [`region_contents`]).
//!
//! Classic programs jump only forward, but for `protochain`'s loop over the header chain, which jumps back (the
//! interpreter bounds each loop at `LOOP_LIMIT` passes). The translation keeps that bound in a counter the verifier
//! can follow (kernels since 5.3 accept loops they can see end): one stack word, set when a loop is entered and
//! counted down by each jump back. One word is enough for loops one after the other, each entered at its first
//! instruction, which is all the compiler writes; other jumps back are refused ([`Untranslatable::TangledLoops`]).

use std::{fmt, ops::Range};

use ptstat_filter::{
    CaptureSource, DIRECTION_LOAD_OFFSET, FilterError, Instruction, LOOP_LIMIT, LinkType, MEMORY_WORDS,
    PROCESS_TERMS_LOAD_OFFSET, ProcessTerm, Program, opcode,
};

/// The user's expression compiled for each kind of capture program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompiledFilter {
    ethernet: Program,
    raw_ip: Program,
    /// No expression was given: every packet is accepted.
    accepts_everything: bool,
}

impl CompiledFilter {
    /// Compiles `expression` for both kinds of device; an empty one accepts every packet. An expression that cannot
    /// run on raw IP (`arp`, `ether host ...`) is an error when a raw-IP interface was chosen, as in tcpdump;
    /// otherwise (Ethernet interfaces only, or `-i any`, where such devices may come and go) raw-IP devices just
    /// capture nothing.
    pub fn compile(expression: &str, raw_ip_chosen: bool) -> Result<CompiledFilter, FilterError> {
        // The kernel runs the optimized programs: they keep the same packets, in fewer instructions per packet.
        let ethernet = ptstat_filter::compile_for(expression, LinkType::Ethernet, CaptureSource::Live)?.optimized();
        let raw_ip = match ptstat_filter::compile_for(expression, LinkType::RawIp, CaptureSource::Live) {
            Ok(program) => program.optimized(),
            Err(error) if raw_ip_chosen => return Err(error),
            Err(_) => {
                Program { instructions: vec![Instruction::statement(opcode::RET | opcode::K, 0)], terms: Vec::new() }
            }
        };
        Ok(CompiledFilter { ethernet, raw_ip, accepts_everything: expression.trim().is_empty() })
    }

    /// Whether no expression was given, so that a program may skip what it would prepare for one.
    pub fn accepts_everything(&self) -> bool {
        self.accepts_everything
    }

    /// The expression's process terms, in bit order (the same in every region: both links compile the same
    /// expression left to right).
    pub fn terms(&self) -> &[ProcessTerm] {
        &self.ethernet.terms
    }
}

/// The markers of `DEFINE_USER_FILTER` in `ebpf/capture.bpf.c` and `ebpf/tracepoints.h`: "ptstat\0E",
/// "ptstat\0R", "ptstat\0X", "ptstat\0S", "ptstat\0L", "ptstat\0T" and "ptstat\0U" as little-endian 64-bit
/// immediates.
const ETHERNET_REGION_MARKER: u64 = u64::from_le_bytes(*b"ptstat\0E");
const RAW_IP_REGION_MARKER: u64 = u64::from_le_bytes(*b"ptstat\0R");
const XDP_REGION_MARKER: u64 = u64::from_le_bytes(*b"ptstat\0X");
const SOCKET_ETHERNET_REGION_MARKER: u64 = u64::from_le_bytes(*b"ptstat\0S");
const SOCKET_RAW_IP_REGION_MARKER: u64 = u64::from_le_bytes(*b"ptstat\0L");
const TRACED_ETHERNET_REGION_MARKER: u64 = u64::from_le_bytes(*b"ptstat\0T");
const TRACED_RAW_IP_REGION_MARKER: u64 = u64::from_le_bytes(*b"ptstat\0U");

/// `COPIED_BYTES` of `ebpf/tracepoints.h`: how many of a packet's first bytes the tp-btf programs copy for the
/// filter.
const COPIED_BYTES: u32 = 512;

/// The program type a translation runs in: where its context keeps the packet, and what lies beyond the bytes it
/// can read directly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// TC and cgroup-skb programs: `struct __sk_buff`. Direct reads reach its linear part only; the rest of the
    /// packet (paged data) is read with `bpf_skb_load_bytes`, and the wire length is `skb->len`.
    SocketBuffer,
    /// XDP programs: `struct xdp_md`. They do not declare multi-buffer support (xdp.frags), so all of the packet
    /// lies between data and data_end: a load past data_end rejects, and the wire length is data_end - data.
    Xdp,
    /// Socket filters of packet sockets: `struct __sk_buff`, whose `data` and `data_end` they may not read. Every
    /// load goes through `bpf_skb_load_bytes`; the wire length is `skb->len`.
    PacketSocket,
    /// tp-btf programs: `struct copied_packet` of `ebpf/tracepoints.h`, the wire length and a copy of the packet's
    /// first bytes (as many as its linear part holds, up to `COPIED_BYTES`), in a map value. A load past the copy
    /// rejects. The verifier bounds reads of a map value by the offset's range, not by comparisons with another
    /// pointer: offsets are checked against the size of the copy as numbers.
    Copied,
}

/// The fields of `struct copied_packet`: the wire length, the bytes copied, the bytes.
const COPIED_LEN: i16 = 0;
const COPIED_COUNT: i16 = 4;
const COPIED_DATA: i32 = 8;

impl Context {
    /// The offsets of `data` and `data_end` in the context; `None` where the program may not read the packet
    /// directly from a context's pointers.
    fn packet_bounds(self) -> Option<(i16, i16)> {
        match self {
            Context::SocketBuffer => Some((76, 80)),
            Context::Xdp => Some((0, 4)),
            Context::PacketSocket | Context::Copied => None,
        }
    }

    /// Whether the context is an `__sk_buff`, which the helper and `skb->len` take.
    fn is_socket_buffer(self) -> bool {
        matches!(self, Context::SocketBuffer | Context::PacketSocket)
    }
}

impl CompiledFilter {
    /// Each region's marker, with the program and context of its translation. XDP attaches to Ethernet devices only;
    /// the tp-btf programs see both kinds.
    fn regions(&self) -> [(u64, &Program, Context); 7] {
        [
            (ETHERNET_REGION_MARKER, &self.ethernet, Context::SocketBuffer),
            (RAW_IP_REGION_MARKER, &self.raw_ip, Context::SocketBuffer),
            (XDP_REGION_MARKER, &self.ethernet, Context::Xdp),
            (SOCKET_ETHERNET_REGION_MARKER, &self.ethernet, Context::PacketSocket),
            (SOCKET_RAW_IP_REGION_MARKER, &self.raw_ip, Context::PacketSocket),
            (TRACED_ETHERNET_REGION_MARKER, &self.ethernet, Context::Copied),
            (TRACED_RAW_IP_REGION_MARKER, &self.raw_ip, Context::Copied),
        ]
    }
}

/// Why a classic program cannot go into the kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Untranslatable {
    /// The translation does not fit its region.
    TooLong { instructions: usize, room: usize },
    /// Jumps back that do not form loops one after the other, each entered at its first instruction only.
    TangledLoops,
}

impl fmt::Display for Untranslatable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Untranslatable::TooLong { instructions, room } => {
                write!(f, "filter too long for the kernel: {instructions} instructions, room for {room}")
            }
            Untranslatable::TangledLoops => {
                write!(f, "filter with loops the kernel cannot bound: loops overlap, or are entered past their start")
            }
        }
    }
}

impl std::error::Error for Untranslatable {}

/// An ELF object kept in 8-byte words: the object parser wants its input aligned (as `include_bytes_aligned!`
/// gives it), and each eBPF instruction is one word.
pub struct PatchedObject {
    words: Vec<u64>,
    len: usize,
}

impl PatchedObject {
    pub fn as_bytes(&self) -> &[u8] {
        // SAFETY: u64 has no padding and every byte is a valid u8; `len` is at most the size of `words` in bytes.
        unsafe { std::slice::from_raw_parts(self.words.as_ptr().cast::<u8>(), self.len) }
    }
}

/// `object` (the capture programs' ELF) with `filter` written into its regions.
pub fn splice(object: &[u8], filter: &CompiledFilter) -> anyhow::Result<PatchedObject> {
    let words: Vec<u64> = object
        .chunks(8)
        .map(|chunk| {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            u64::from_ne_bytes(word)
        })
        .collect();
    let mut patched = PatchedObject { words, len: object.len() };
    let regions = filter.regions();
    let found = find_regions(&patched.words, &regions.map(|(marker, _, _)| marker))?;
    for ((_, program, context), region) in regions.into_iter().zip(found) {
        let contents = region_contents(translate(program, context, region.len())?, region.len());
        for (slot, insn) in patched.words[region].iter_mut().zip(contents) {
            *slot = insn.word();
        }
    }
    Ok(patched)
}

/// The instruction slots of the region that starts with each of `markers`, in their order: the marker (two slots)
/// and the `ja +0` after it. The instruction that follows must be the function's `exit`. One pass over the object
/// for all of them: it holds megabytes of regions, and each start takes a look at every slot.
fn find_regions<const N: usize>(words: &[u64], markers: &[u64; N]) -> anyhow::Result<[Range<usize>; N]> {
    let marker_words = markers.map(load_imm64_words);
    let mut starts: [Vec<usize>; N] = std::array::from_fn(|_| Vec::new());
    for (at, pair) in words.windows(2).enumerate() {
        if let Some(which) = marker_words.iter().position(|marker| pair == marker) {
            starts[which].push(at);
        }
    }
    let mut regions = Vec::with_capacity(N);
    for (marker, starts) in markers.iter().zip(starts) {
        let [start] = starts[..] else {
            anyhow::bail!("the eBPF object has {} filter regions marked {marker:#x}, not one", starts.len());
        };
        let padding = words[start + 2..].iter().take_while(|&&word| word == JA_NEXT.word()).count();
        let end = start + 2 + padding;
        anyhow::ensure!(
            words.get(end) == Some(&EXIT.word()),
            "the filter region marked {marker:#x} does not end in exit"
        );
        regions.push(start..end);
    }
    Ok(regions.try_into().expect("one region per marker"))
}

/// `code` at the end of a region of `room` slots, after padding that the verifier does not walk: `w0 = 0; if w0 == 0
/// goto <code>` and `ja +0` in between. The verifier knows the branch is always taken, so it neither checks the
/// padding (walking it would cost some 20 µs of load time per instruction) nor keeps it; the program runs the
/// `w0 = 0` and nothing else of the padding. All of the region must be reachable in the control-flow graph: the
/// verifier refuses code no jump or fall-through leads to.
fn region_contents(code: Vec<Insn>, room: usize) -> impl Iterator<Item = Insn> {
    let padding = room - code.len();
    let skip = match padding.checked_sub(2).map(i16::try_from) {
        Some(Ok(over)) => vec![Insn::alu32_imm(ebpf::MOV, R0, 0), Insn::new(ebpf::JMP32 | ebpf::JEQ, R0, 0, over, 0)],
        _ => Vec::new(),
    };
    let no_ops = padding - skip.len();
    skip.into_iter().chain(std::iter::repeat_n(JA_NEXT, no_ops)).chain(code)
}

/// `r0 = marker ll`, as clang encodes it: two instruction slots.
fn load_imm64_words(marker: u64) -> [u64; 2] {
    let low = Insn::new(ebpf::LD | ebpf::IMM | ebpf::DW, R0, 0, 0, (marker as u32).cast_signed());
    let high = Insn::new(0, 0, 0, 0, ((marker >> 32) as u32).cast_signed());
    [low.word(), high.word()]
}

/// The eBPF for a classic program run in `context`, to end a region of `room` instruction slots.
pub fn translate(program: &Program, context: Context, room: usize) -> Result<Vec<Insn>, Untranslatable> {
    let loop_ends = loop_ends(&program.instructions)?;
    let assembler = Translator::new(&program.instructions, &loop_ends, context).run();
    let too_long = Untranslatable::TooLong { instructions: assembler.code.len(), room };
    if assembler.code.len() > room {
        return Err(too_long);
    }
    // Jump offsets are 16 bits: only a region far larger than any real one could overflow them.
    assembler.finish().ok_or(too_long)
}

/// eBPF encoding (linux/bpf.h, linux/bpf_common.h): what the translation emits. Classic and extended BPF share the
/// values of load sizes, ALU operations and jump conditions, so those pass through from the classic instruction.
mod ebpf {
    // Instruction classes.
    pub const LD: u8 = 0x00;
    pub const LDX: u8 = 0x01;
    pub const ST: u8 = 0x02;
    pub const STX: u8 = 0x03;
    pub const ALU: u8 = 0x04;
    pub const JMP: u8 = 0x05;
    pub const JMP32: u8 = 0x06;
    pub const ALU64: u8 = 0x07;
    // Sizes and modes of loads and stores.
    pub const W: u8 = 0x00;
    pub const DW: u8 = 0x18;
    pub const IMM: u8 = 0x00;
    pub const MEM: u8 = 0x60;
    // Operand source: the immediate or the source register.
    pub const K: u8 = 0x00;
    pub const X: u8 = 0x08;
    // ALU operations beyond classic BPF's.
    pub const ADD: u8 = 0x00;
    pub const SUB: u8 = 0x10;
    pub const AND: u8 = 0x50;
    pub const LSH: u8 = 0x60;
    pub const NEG: u8 = 0x80;
    pub const MOV: u8 = 0xb0;
    pub const END: u8 = 0xd0;
    pub const TO_BE: u8 = 0x08;
    // Jumps.
    pub const JA: u8 = 0x00;
    pub const JEQ: u8 = 0x10;
    pub const JGT: u8 = 0x20;
    pub const JGE: u8 = 0x30;
    pub const JSET: u8 = 0x40;
    pub const JNE: u8 = 0x50;
    pub const JLT: u8 = 0xa0;
    pub const JLE: u8 = 0xb0;
    pub const JSLT: u8 = 0xc0;
    pub const CALL: u8 = 0x80;
    pub const EXIT: u8 = 0x90;
}

type Reg = u8;
const R0: Reg = 0;
const R1: Reg = 1;
const R2: Reg = 2;
const R3: Reg = 3;
const R4: Reg = 4;
const R5: Reg = 5;
/// Registers r6-r9 survive helper calls: they hold the machine's state and the bounds of the bytes loads can read
/// directly (the verifier keeps packet pointers valid across `bpf_skb_load_bytes`).
const DATA: Reg = 6;
const A: Reg = 7;
const X: Reg = 8;
const DATA_END: Reg = 9;
const FP: Reg = 10;

/// Stack of the region's function: the buffer `bpf_skb_load_bytes` fills, the context pointer (`__sk_buff`, or the
/// `copied_packet`), the packet type and beside it the matched process terms, the scratch words, M[i] at fp-88+4i,
/// then the count of the passes a loop has left. The counter is a whole word, spilled from a register: the verifier
/// of 5.10 follows only such spills, and must know the count to see the loop end. It keeps the frame at 96 bytes,
/// which the verifier rounds 88 up to anyway.
const LOAD_BUFFER: i16 = -8;
const SKB_SLOT: i16 = -16;
const PACKET_TYPE_SLOT: i16 = -24;
const PROCESS_TERMS_SLOT: i16 = -20;
const SCRATCH: i16 = -88;
const LOOP_COUNTER: i16 = -96;

/// The offset of `len` in `struct __sk_buff`.
const SKB_LEN: i16 = 0;
/// `BPF_FUNC_skb_load_bytes`.
const SKB_LOAD_BYTES: i32 = 26;
/// How far the verifier lets a variable offset reach into the packet (`MAX_PACKET_OFF`): farther, the helper reads.
const MAX_PACKET_OFFSET: u32 = 0xffff;
/// `bpf_skb_load_bytes` refuses offsets above `INT_MAX`, and no packet is that long.
const MAX_HELPER_OFFSET: u32 = i32::MAX as u32;

/// One eBPF instruction (`struct bpf_insn`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Insn {
    code: u8,
    dst: Reg,
    src: Reg,
    off: i16,
    imm: i32,
}

const JA_NEXT: Insn = Insn { code: ebpf::JMP | ebpf::JA, dst: 0, src: 0, off: 0, imm: 0 };
const EXIT: Insn = Insn { code: ebpf::JMP | ebpf::EXIT, dst: 0, src: 0, off: 0, imm: 0 };

impl Insn {
    /// The instruction as clang lays it out in a little-endian object (dst in the low nibble).
    pub fn to_bytes(self) -> [u8; 8] {
        let [off0, off1] = self.off.to_le_bytes();
        let [imm0, imm1, imm2, imm3] = self.imm.to_le_bytes();
        [self.code, self.dst | self.src << 4, off0, off1, imm0, imm1, imm2, imm3]
    }

    /// The instruction as it sits in memory: one word of the object.
    fn word(self) -> u64 {
        u64::from_ne_bytes(self.to_bytes())
    }

    const fn new(code: u8, dst: Reg, src: Reg, off: i16, imm: i32) -> Insn {
        Insn { code, dst, src, off, imm }
    }

    fn alu32_imm(op: u8, dst: Reg, imm: u32) -> Insn {
        Insn::new(ebpf::ALU | op | ebpf::K, dst, 0, 0, imm.cast_signed())
    }

    fn alu32_reg(op: u8, dst: Reg, src: Reg) -> Insn {
        Insn::new(ebpf::ALU | op | ebpf::X, dst, src, 0, 0)
    }

    fn alu64_imm(op: u8, dst: Reg, imm: i32) -> Insn {
        Insn::new(ebpf::ALU64 | op | ebpf::K, dst, 0, 0, imm)
    }

    fn alu64_reg(op: u8, dst: Reg, src: Reg) -> Insn {
        Insn::new(ebpf::ALU64 | op | ebpf::X, dst, src, 0, 0)
    }

    /// `dst = *(size *)(base + off)`, zero-extended.
    fn load(size: u8, dst: Reg, base: Reg, off: i16) -> Insn {
        Insn::new(ebpf::LDX | ebpf::MEM | size, dst, base, off, 0)
    }

    /// `*(size *)(FP + off) = src`.
    fn store(size: u8, off: i16, src: Reg) -> Insn {
        Insn::new(ebpf::STX | ebpf::MEM | size, FP, src, off, 0)
    }

    /// 32-bit comparison of `dst` with an immediate or a register; the assembler fills in the offset.
    fn jump32(op: u8, dst: Reg, operand: Operand) -> Insn {
        match operand {
            Operand::Immediate(imm) => Insn::new(ebpf::JMP32 | op | ebpf::K, dst, 0, 0, imm.cast_signed()),
            Operand::Register(src) => Insn::new(ebpf::JMP32 | op | ebpf::X, dst, src, 0, 0),
        }
    }

    /// 64-bit comparison of `dst` with a non-negative immediate or a register.
    fn jump64(op: u8, dst: Reg, operand: Operand) -> Insn {
        match operand {
            Operand::Immediate(imm) => Insn::new(ebpf::JMP | op | ebpf::K, dst, 0, 0, imm.cast_signed()),
            Operand::Register(src) => Insn::new(ebpf::JMP | op | ebpf::X, dst, src, 0, 0),
        }
    }
}

#[derive(Clone, Copy)]
enum Operand {
    Immediate(u32),
    Register(Reg),
}

/// A place in the code, bound once the code before it has been emitted. Jumps go forward, but those that close a
/// loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Label(usize);

/// Collects instructions and resolves jumps. Code that no path reaches is left out, since the verifier refuses it:
/// after an unconditional jump, nothing is emitted until a label that some jump already emitted targets is bound (a
/// loop's start is reached by what comes before it, not only by the jumps back that follow).
struct Assembler {
    code: Vec<Insn>,
    /// Per label: where it was bound, and whether a jump targets it.
    places: Vec<Option<usize>>,
    targeted: Vec<bool>,
    jumps: Vec<(usize, Label)>,
    reachable: bool,
}

impl Assembler {
    fn new() -> Self {
        Assembler { code: Vec::new(), places: Vec::new(), targeted: Vec::new(), jumps: Vec::new(), reachable: true }
    }

    fn label(&mut self) -> Label {
        self.places.push(None);
        self.targeted.push(false);
        Label(self.places.len() - 1)
    }

    fn bind(&mut self, label: Label) {
        self.places[label.0] = Some(self.code.len());
        self.reachable |= self.targeted[label.0];
    }

    fn emit(&mut self, insn: Insn) {
        if self.reachable {
            self.code.push(insn);
            // `ja` is the only unconditional jump emitted (`exit` comes after the region).
            self.reachable = insn.code != JA_NEXT.code;
        }
    }

    /// Emits `insn`, a jump, to `target`.
    fn jump(&mut self, insn: Insn, target: Label) {
        if self.reachable {
            self.targeted[target.0] = true;
            self.jumps.push((self.code.len(), target));
            self.emit(insn);
        }
    }

    /// The code with jump offsets filled in; `None` if one does not fit 16 bits.
    fn finish(mut self) -> Option<Vec<Insn>> {
        for (at, target) in self.jumps {
            let place = self.places[target.0]?;
            self.code[at].off = i16::try_from(place as i64 - at as i64 - 1).ok()?;
        }
        Some(self.code)
    }
}

/// Where a packet load reads: `[k]` or `[x + k]`.
#[derive(Clone, Copy)]
enum Offset {
    Constant(u32),
    AfterX(u32),
}

struct Translator<'a> {
    program: &'a [Instruction],
    context: Context,
    asm: Assembler,
    /// Where each classic instruction's code starts.
    starts: Vec<Label>,
    /// For the first instruction of each loop: where its jumps back go, past the setting of the counter.
    loop_entries: Vec<Option<Label>>,
    /// Per instruction, whether it lies in a loop.
    in_loop: Vec<bool>,
    /// The instruction being translated.
    pc: usize,
    /// Sets r0 = 0 and goes on to the end.
    reject: Label,
    /// The end of the region: the verdict is in r0.
    end: Label,
}

impl<'a> Translator<'a> {
    fn new(program: &'a [Instruction], loop_ends: &[Option<usize>], context: Context) -> Self {
        let mut asm = Assembler::new();
        let starts = program.iter().map(|_| asm.label()).collect();
        let loop_entries = loop_ends.iter().map(|end| end.map(|_| asm.label())).collect();
        let mut in_loop = vec![false; program.len()];
        for (head, end) in loop_ends.iter().enumerate() {
            if let Some(end) = end {
                in_loop[head..=*end].fill(true);
            }
        }
        let (reject, end) = (asm.label(), asm.label());
        Translator { program, context, asm, starts, loop_entries, in_loop, pc: 0, reject, end }
    }

    fn run(mut self) -> Assembler {
        self.prologue();
        for (pc, &instruction) in self.program.iter().enumerate() {
            self.pc = pc;
            self.asm.bind(self.starts[pc]);
            if let Some(entry) = self.loop_entries[pc] {
                // Entering the loop: its passes are counted from here.
                self.asm.emit(Insn::alu64_imm(ebpf::MOV, R0, LOOP_LIMIT.cast_signed()));
                self.asm.emit(Insn::store(ebpf::DW, LOOP_COUNTER, R0));
                self.asm.bind(entry);
            }
            self.instruction(pc, instruction);
        }
        // Running off the end of the program rejects, like loads past the packet and division by zero.
        self.asm.bind(self.reject);
        self.asm.emit(Insn::alu32_imm(ebpf::MOV, R0, 0));
        self.asm.bind(self.end);
        self.asm
    }

    /// A and X start at 0, as do the scratch words if the program reads any.
    fn prologue(&mut self) {
        // Only the helper and the wire length need the context again, after r1 is gone.
        if self.context != Context::Xdp {
            self.asm.emit(Insn::store(ebpf::DW, SKB_SLOT, R1));
        }
        self.asm.emit(Insn::store(ebpf::W, PACKET_TYPE_SLOT, R2));
        // Only a program with terms reads r3: callers of programs without (the standalone programs of the tests)
        // need not set it, and the verifier refuses reading a register that was never set.
        let reads_terms = self.program.iter().any(|instruction| {
            instruction.code == opcode::LD | opcode::W | opcode::ABS && instruction.k == PROCESS_TERMS_LOAD_OFFSET
        });
        if reads_terms {
            self.asm.emit(Insn::store(ebpf::W, PROCESS_TERMS_SLOT, R3));
        }
        if let Some((data, data_end)) = self.context.packet_bounds() {
            self.asm.emit(Insn::load(ebpf::W, DATA, R1, data));
            self.asm.emit(Insn::load(ebpf::W, DATA_END, R1, data_end));
        }
        // DATA points at the copy, DATA_END holds its size: a number.
        if self.context == Context::Copied {
            self.asm.emit(Insn::alu64_reg(ebpf::MOV, DATA, R1));
            self.asm.emit(Insn::alu64_imm(ebpf::ADD, DATA, COPIED_DATA));
            self.asm.emit(Insn::load(ebpf::W, DATA_END, R1, COPIED_COUNT));
        }
        self.asm.emit(Insn::alu32_imm(ebpf::MOV, A, 0));
        self.asm.emit(Insn::alu32_imm(ebpf::MOV, X, 0));
        let reads_scratch = self.program.iter().any(|instruction| {
            matches!(opcode::class(instruction.code), opcode::LD | opcode::LDX)
                && opcode::mode(instruction.code) == opcode::MEM
        });
        if reads_scratch {
            for offset in (SCRATCH..PACKET_TYPE_SLOT).step_by(8) {
                self.asm.emit(Insn::new(ebpf::ST | ebpf::MEM | ebpf::DW, FP, 0, offset, 0));
            }
        }
    }

    fn instruction(&mut self, pc: usize, instruction: Instruction) {
        let Instruction { code, k, .. } = instruction;
        match opcode::class(code) {
            opcode::LD => self.load_a(code, k),
            opcode::LDX => self.load_x(code, k),
            opcode::ST => self.store(A, k),
            opcode::STX => self.store(X, k),
            opcode::ALU => self.alu(code, k),
            opcode::JMP => self.jump(pc, instruction),
            opcode::RET => self.ret(code, k),
            // MISC: a three-bit class leaves no other.
            _ => self.misc(code),
        }
    }

    /// `ld`: immediate, scratch word, wire length, packet type (`inbound`/`outbound`), packet bytes.
    fn load_a(&mut self, code: u16, k: u32) {
        let size = opcode::size(code);
        match opcode::mode(code) {
            opcode::IMM if size == opcode::W => self.asm.emit(Insn::alu32_imm(ebpf::MOV, A, k)),
            opcode::MEM if size == opcode::W => self.load_scratch(A, k),
            opcode::LEN if size == opcode::W => self.load_wire_length(A),
            // Whatever its size, as the interpreter reads it.
            opcode::ABS if k == DIRECTION_LOAD_OFFSET => self.asm.emit(Insn::load(ebpf::W, A, FP, PACKET_TYPE_SLOT)),
            opcode::ABS if k == PROCESS_TERMS_LOAD_OFFSET => {
                self.asm.emit(Insn::load(ebpf::W, A, FP, PROCESS_TERMS_SLOT))
            }
            opcode::ABS => self.load_packet(A, size, Offset::Constant(k)),
            opcode::IND => self.load_packet(A, size, Offset::AfterX(k)),
            _ => self.reject_now(),
        }
    }

    /// `ldx`: immediate, scratch word, wire length, or `4*([k]&0xf)` (an IPv4 header's length).
    fn load_x(&mut self, code: u16, k: u32) {
        match (opcode::mode(code), opcode::size(code)) {
            (opcode::IMM, opcode::W) => self.asm.emit(Insn::alu32_imm(ebpf::MOV, X, k)),
            (opcode::MEM, opcode::W) => self.load_scratch(X, k),
            (opcode::LEN, opcode::W) => self.load_wire_length(X),
            (opcode::MSH, opcode::B) => {
                self.load_packet(X, opcode::B, Offset::Constant(k));
                self.asm.emit(Insn::alu32_imm(ebpf::AND, X, 0xf));
                self.asm.emit(Insn::alu32_imm(ebpf::LSH, X, 2));
            }
            _ => self.reject_now(),
        }
    }

    /// The whole packet's length, as it went on the wire.
    fn load_wire_length(&mut self, dst: Reg) {
        match self.context {
            // Paged data included.
            Context::SocketBuffer | Context::PacketSocket => {
                self.asm.emit(Insn::load(ebpf::DW, R1, FP, SKB_SLOT));
                self.asm.emit(Insn::load(ebpf::W, dst, R1, SKB_LEN));
            }
            Context::Copied => {
                self.asm.emit(Insn::load(ebpf::DW, R1, FP, SKB_SLOT));
                self.asm.emit(Insn::load(ebpf::W, dst, R1, COPIED_LEN));
            }
            // Packet pointers subtract to a plain number (for programs loaded with CAP_PERFMON, as all of ptstat's).
            Context::Xdp => {
                self.asm.emit(Insn::alu64_reg(ebpf::MOV, dst, DATA_END));
                self.asm.emit(Insn::alu64_reg(ebpf::SUB, dst, DATA));
            }
        }
    }

    fn load_scratch(&mut self, dst: Reg, k: u32) {
        match scratch_offset(k) {
            Some(offset) => self.asm.emit(Insn::load(ebpf::W, dst, FP, offset)),
            None => self.reject_now(),
        }
    }

    /// `st`/`stx`.
    fn store(&mut self, src: Reg, k: u32) {
        match scratch_offset(k) {
            Some(offset) => self.asm.emit(Insn::store(ebpf::W, offset, src)),
            None => self.reject_now(),
        }
    }

    /// A big-endian field of `size` (W, H or B) into `dst`: directly from the packet when the bytes lie between data
    /// and data_end. Otherwise an skb may still hold them in paged data, which `bpf_skb_load_bytes` reads (failing
    /// past `skb->len`); an XDP packet has nothing more, so the packet is rejected. A packet socket's filter reads
    /// with the helper only.
    fn load_packet(&mut self, dst: Reg, size: u16, offset: Offset) {
        let width: u32 = match size {
            opcode::W => 4,
            opcode::H => 2,
            opcode::B => 1,
            _ => return self.reject_now(),
        };
        let size = size as u8;
        if let Offset::Constant(k) = offset
            && k > MAX_HELPER_OFFSET
        {
            return self.reject_now();
        }
        let helper_only = match self.context {
            Context::PacketSocket => true,
            // One way to read in a loop: the verifier walks each way on every pass, and a second one doubles the
            // paths of every pass.
            Context::SocketBuffer => self.in_loop[self.pc],
            Context::Xdp | Context::Copied => false,
        };
        if helper_only {
            if let Offset::AfterX(k) = offset {
                self.asm.emit(Insn::alu32_imm(ebpf::MOV, R2, k));
                self.asm.emit(Insn::alu64_reg(ebpf::ADD, R2, X));
            }
            self.load_with_helper(dst, size, width, offset);
        } else {
            self.load_directly_or_with_helper(dst, size, width, offset);
        }
        if width > 1 {
            self.asm.emit(Insn::new(ebpf::ALU | ebpf::END | ebpf::TO_BE, dst, 0, 0, (width * 8).cast_signed()));
        }
    }

    /// The load of [`Self::load_packet`] from the bytes between data and data_end, or else for an skb with
    /// `bpf_skb_load_bytes`, without the byte order's conversion.
    fn load_directly_or_with_helper(&mut self, dst: Reg, size: u8, width: u32, offset: Offset) {
        let beyond = if self.context.is_socket_buffer() { self.asm.label() } else { self.reject };
        match offset {
            Offset::Constant(k) if self.context == Context::Copied => match k.checked_add(width) {
                // Within the copy's room, where the verifier sees it: then within what was copied.
                Some(end) if end <= COPIED_BYTES => {
                    self.asm.emit(Insn::alu64_imm(ebpf::MOV, R5, end.cast_signed()));
                    self.reject_past_copy(R5);
                    self.asm.emit(Insn::load(size, dst, DATA, k as i16));
                }
                _ => self.reject_now(),
            },
            Offset::Constant(k) => match i16::try_from(k + width) {
                Ok(end) => {
                    self.asm.emit(Insn::alu64_reg(ebpf::MOV, R5, DATA));
                    self.asm.emit(Insn::alu64_imm(ebpf::ADD, R5, end.into()));
                    self.asm.jump(Insn::jump64(ebpf::JGT, R5, Operand::Register(DATA_END)), beyond);
                    self.asm.emit(Insn::load(size, dst, DATA, end - width as i16));
                }
                // Farther than the load's 16-bit offset reaches: through a register, as `[x + k]`.
                Err(_) => {
                    self.asm.emit(Insn::alu32_imm(ebpf::MOV, R2, k));
                    self.load_at_r2(dst, size, width, beyond);
                }
            },
            Offset::AfterX(k) => {
                // A 64-bit sum of two zero-extended 32-bit values, which cannot wrap.
                self.asm.emit(Insn::alu32_imm(ebpf::MOV, R2, k));
                self.asm.emit(Insn::alu64_reg(ebpf::ADD, R2, X));
                self.load_at_r2(dst, size, width, beyond);
            }
        }
        if beyond != self.reject {
            let converted = self.asm.label();
            self.asm.jump(JA_NEXT, converted);
            self.asm.bind(beyond);
            self.load_with_helper(dst, size, width, offset);
            self.asm.bind(converted);
        }
    }

    /// `width` bytes at data + r2 into `dst`, if they all lie before data_end; else on to `beyond`, r2 kept.
    fn load_at_r2(&mut self, dst: Reg, size: u8, width: u32, beyond: Label) {
        if self.context == Context::Copied {
            // The bound the verifier needs, then the bytes copied (DATA_END), compared as numbers.
            self.asm.jump(Insn::jump64(ebpf::JGT, R2, Operand::Immediate(COPIED_BYTES - width)), beyond);
            self.asm.emit(Insn::alu64_reg(ebpf::MOV, R5, R2));
            self.asm.emit(Insn::alu64_imm(ebpf::ADD, R5, width.cast_signed()));
            self.reject_past_copy(R5);
            self.asm.emit(Insn::alu64_reg(ebpf::MOV, R3, DATA));
            self.asm.emit(Insn::alu64_reg(ebpf::ADD, R3, R2));
            self.asm.emit(Insn::load(size, dst, R3, 0));
            return;
        }
        // The verifier wants variable offsets into the packet bounded first.
        self.asm.jump(Insn::jump64(ebpf::JGT, R2, Operand::Immediate(MAX_PACKET_OFFSET - width)), beyond);
        self.asm.emit(Insn::alu64_reg(ebpf::MOV, R3, DATA));
        self.asm.emit(Insn::alu64_reg(ebpf::ADD, R3, R2));
        self.asm.emit(Insn::alu64_reg(ebpf::MOV, R5, R3));
        self.asm.emit(Insn::alu64_imm(ebpf::ADD, R5, width.cast_signed()));
        self.asm.jump(Insn::jump64(ebpf::JGT, R5, Operand::Register(DATA_END)), beyond);
        self.asm.emit(Insn::load(size, dst, R3, 0));
    }

    /// `Context::Copied`: rejects unless the copy holds the bytes before offset `end` (a register). The difference
    /// of two registers is tested, not `end` against DATA_END: a comparison would narrow DATA_END's range in the
    /// verifier's eyes, differently at each load, and the states it could otherwise prune as equal would multiply
    /// (protochain's loops, walked pass by pass, exceed the verifier's budget).
    fn reject_past_copy(&mut self, end: Reg) {
        self.asm.emit(Insn::alu64_reg(ebpf::MOV, R4, DATA_END));
        self.asm.emit(Insn::alu64_reg(ebpf::SUB, R4, end));
        self.asm.jump(Insn::jump64(ebpf::JSLT, R4, Operand::Immediate(0)), self.reject);
    }

    /// `width` bytes at `offset` into `dst` through `bpf_skb_load_bytes`, rejecting where it fails. The offset goes
    /// to r2 (an offset tried through r2 first is there already).
    fn load_with_helper(&mut self, dst: Reg, size: u8, width: u32, offset: Offset) {
        match offset {
            Offset::Constant(k) => self.asm.emit(Insn::alu64_imm(ebpf::MOV, R2, k.cast_signed())),
            // The helper takes a 32-bit offset: larger sums must not wrap into the packet.
            Offset::AfterX(_) => {
                self.asm.jump(Insn::jump64(ebpf::JGT, R2, Operand::Immediate(MAX_HELPER_OFFSET)), self.reject);
            }
        }
        self.asm.emit(Insn::load(ebpf::DW, R1, FP, SKB_SLOT));
        self.asm.emit(Insn::alu64_reg(ebpf::MOV, R3, FP));
        self.asm.emit(Insn::alu64_imm(ebpf::ADD, R3, LOAD_BUFFER.into()));
        self.asm.emit(Insn::alu64_imm(ebpf::MOV, R4, width.cast_signed()));
        self.asm.emit(Insn::new(ebpf::JMP | ebpf::CALL, 0, 0, 0, SKB_LOAD_BYTES));
        self.asm.jump(Insn::jump64(ebpf::JNE, R0, Operand::Immediate(0)), self.reject);
        self.asm.emit(Insn::load(size, dst, FP, LOAD_BUFFER));
    }

    /// Arithmetic on A, 32 bits wide like classic BPF's.
    fn alu(&mut self, code: u16, k: u32) {
        let op = opcode::op(code);
        let operand = if opcode::src(code) == opcode::X { Operand::Register(X) } else { Operand::Immediate(k) };
        let operate = |op: u16| match operand {
            Operand::Immediate(k) => Insn::alu32_imm(op as u8, A, k),
            Operand::Register(src) => Insn::alu32_reg(op as u8, A, src),
        };
        match (op, operand) {
            (opcode::ADD | opcode::SUB | opcode::MUL | opcode::OR | opcode::AND | opcode::XOR, _) => {
                self.asm.emit(operate(op));
            }
            (opcode::NEG, _) => self.asm.emit(Insn::alu32_imm(ebpf::NEG, A, 0)),
            // Division by zero rejects the packet (eBPF would go on with 0 or A).
            (opcode::DIV | opcode::MOD, Operand::Immediate(0)) => self.reject_now(),
            (opcode::DIV | opcode::MOD, Operand::Immediate(_)) => self.asm.emit(operate(op)),
            (opcode::DIV | opcode::MOD, Operand::Register(_)) => {
                self.asm.jump(Insn::jump32(ebpf::JEQ, X, Operand::Immediate(0)), self.reject);
                self.asm.emit(operate(op));
            }
            // Shifts by 32 or more give 0 (eBPF would shift by the count modulo 32, or refuse the constant).
            (opcode::LSH | opcode::RSH, Operand::Immediate(32..)) => {
                self.asm.emit(Insn::alu32_imm(ebpf::MOV, A, 0));
            }
            (opcode::LSH | opcode::RSH, Operand::Immediate(_)) => self.asm.emit(operate(op)),
            (opcode::LSH | opcode::RSH, Operand::Register(_)) => {
                let (in_range, done) = (self.asm.label(), self.asm.label());
                self.asm.jump(Insn::jump32(ebpf::JLT, X, Operand::Immediate(32)), in_range);
                self.asm.emit(Insn::alu32_imm(ebpf::MOV, A, 0));
                self.asm.jump(JA_NEXT, done);
                self.asm.bind(in_range);
                self.asm.emit(operate(op));
                self.asm.bind(done);
            }
            _ => self.reject_now(),
        }
    }

    /// `ja`, and the conditional jumps, which compare A (32 bits) with k or X.
    fn jump(&mut self, pc: usize, Instruction { code, jt, jf, k }: Instruction) {
        let op = opcode::op(code);
        if op == opcode::JA {
            if let Some(head) = backward_target(pc, k) {
                return self.jump_back(head);
            }
            let target = self.target(pc, k);
            return self.asm.jump(JA_NEXT, target);
        }
        let (condition, inverse) = match op {
            opcode::JEQ => (ebpf::JEQ, Some(ebpf::JNE)),
            opcode::JGT => (ebpf::JGT, Some(ebpf::JLE)),
            opcode::JGE => (ebpf::JGE, Some(ebpf::JLT)),
            opcode::JSET => (ebpf::JSET, None),
            _ => return self.reject_now(),
        };
        let operand = if opcode::src(code) == opcode::X { Operand::Register(X) } else { Operand::Immediate(k) };
        let (taken, not_taken) = (self.target(pc, jt.into()), self.target(pc, jf.into()));
        match inverse {
            _ if taken == not_taken => self.asm.jump(JA_NEXT, taken),
            // Taken means going on with the next instruction: one jump, on the opposite condition.
            Some(inverse) if jt == 0 => self.asm.jump(Insn::jump32(inverse, A, operand), not_taken),
            _ => {
                self.asm.jump(Insn::jump32(condition, A, operand), taken);
                // To the next instruction this is `ja +0`, which the verifier removes.
                self.asm.jump(JA_NEXT, not_taken);
            }
        }
    }

    /// A jump back to the loop that starts at `head`, while the loop has passes left; rejecting once it has none.
    fn jump_back(&mut self, head: usize) {
        let Some(entry) = self.loop_entries[head] else { return self.reject_now() };
        self.asm.emit(Insn::load(ebpf::DW, R0, FP, LOOP_COUNTER));
        self.asm.jump(Insn::jump64(ebpf::JEQ, R0, Operand::Immediate(0)), self.reject);
        self.asm.emit(Insn::alu64_imm(ebpf::SUB, R0, 1));
        self.asm.emit(Insn::store(ebpf::DW, LOOP_COUNTER, R0));
        self.asm.jump(JA_NEXT, entry);
    }

    /// The code of the instruction `skip` instructions after the one at `pc`; past the end, rejecting.
    fn target(&self, pc: usize, skip: u32) -> Label {
        let index = usize::try_from(skip).ok().and_then(|skip| (pc + 1).checked_add(skip));
        index.and_then(|index| self.starts.get(index)).copied().unwrap_or(self.reject)
    }

    /// `ret #k` and `ret a`: the verdict goes to r0, at the end of the region.
    fn ret(&mut self, code: u16, k: u32) {
        match opcode::rval(code) {
            opcode::K => self.asm.emit(Insn::alu32_imm(ebpf::MOV, R0, k)),
            opcode::A => self.asm.emit(Insn::alu32_reg(ebpf::MOV, R0, A)),
            _ => return self.reject_now(),
        }
        self.asm.jump(JA_NEXT, self.end);
    }

    /// `tax`, `txa`.
    fn misc(&mut self, code: u16) {
        match opcode::misc_op(code) {
            opcode::TAX => self.asm.emit(Insn::alu32_reg(ebpf::MOV, X, A)),
            opcode::TXA => self.asm.emit(Insn::alu32_reg(ebpf::MOV, A, X)),
            _ => self.reject_now(),
        }
    }

    /// What the interpreter does with an invalid instruction, or a load it knows to be past any packet.
    fn reject_now(&mut self) {
        self.asm.jump(JA_NEXT, self.reject);
    }
}

/// Where the `ja` at `pc` goes, if it goes back (its offset, read as signed, is negative) to an instruction of the
/// program; a jump back before the start rejects, as a jump past the end does.
fn backward_target(pc: usize, k: u32) -> Option<usize> {
    let offset = isize::try_from(k.cast_signed()).ok()?;
    if offset >= 0 {
        return None;
    }
    (pc + 1).checked_add_signed(offset)
}

/// Per instruction that jumps go back to (that starts a loop), the last jump back to it, if the translation can count every loop's passes
/// with one counter, as the interpreter counts the jumps back to each instruction over the whole run: a loop runs
/// from its first instruction to the last jump back to it, loops must not overlap, and no jump from outside a loop
/// may land in it past its first instruction. Then a loop is entered at most once per run (nothing after it jumps
/// back into it), so the counter set on entering it counts the same as the interpreter.
fn loop_ends(program: &[Instruction]) -> Result<Vec<Option<usize>>, Untranslatable> {
    let mut loop_ends: Vec<Option<usize>> = vec![None; program.len()];
    for (pc, instruction) in program.iter().enumerate() {
        let is_ja = opcode::class(instruction.code) == opcode::JMP && opcode::op(instruction.code) == opcode::JA;
        if let Some(head) = backward_target(pc, instruction.k).filter(|_| is_ja) {
            loop_ends[head] = Some(pc);
        }
    }
    // In the order of their first instructions.
    let loops: Vec<(usize, usize)> =
        loop_ends.iter().enumerate().filter_map(|(head, end)| end.map(|end| (head, end))).collect();
    if loops.windows(2).any(|pair| pair[1].0 <= pair[0].1) {
        return Err(Untranslatable::TangledLoops);
    }
    for (pc, instruction) in program.iter().enumerate() {
        if opcode::class(instruction.code) != opcode::JMP {
            continue;
        }
        let skips = match opcode::op(instruction.code) {
            opcode::JA => vec![instruction.k],
            _ => vec![instruction.jt.into(), instruction.jf.into()],
        };
        for skip in skips {
            let Some(target) = usize::try_from(skip).ok().and_then(|skip| (pc + 1).checked_add(skip)) else { continue };
            let lands_inside = |&(head, end): &(usize, usize)| (head + 1..=end).contains(&target) && pc < head;
            if loops.iter().any(lands_inside) {
                return Err(Untranslatable::TangledLoops);
            }
        }
    }
    Ok(loop_ends)
}

/// Where scratch word `k` lives on the stack, if there is such a word.
fn scratch_offset(k: u32) -> Option<i16> {
    (k < MEMORY_WORDS).then(|| SCRATCH + 4 * k as i16)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::live::programs::{CAPTURE_OBJECT, CAPTURE_OBJECT_SMALL_REGIONS};

    /// `DEFINE_USER_FILTER`'s region: `FILTER_REGION_SLOTS`, the marker's two and the padding; build.rs's other
    /// object has the small ones.
    const REGION_SLOTS: usize = 32768;
    const SMALL_REGION_SLOTS: usize = 2048;

    fn words(object: &[u8]) -> Vec<u64> {
        object.chunks_exact(8).map(|chunk| u64::from_ne_bytes(chunk.try_into().unwrap())).collect()
    }

    #[test]
    fn every_region_is_found_in_the_capture_objects() {
        let markers = CompiledFilter::compile("", false).unwrap().regions().map(|(marker, _, _)| marker);
        for (object, slots) in [(CAPTURE_OBJECT, REGION_SLOTS), (CAPTURE_OBJECT_SMALL_REGIONS, SMALL_REGION_SLOTS)] {
            for region in find_regions(&words(object), &markers).unwrap() {
                assert_eq!(region.len(), slots);
            }
        }
    }

    #[test]
    fn splicing_writes_each_translation_at_the_end_of_its_region_and_keeps_the_size() {
        let filter = CompiledFilter::compile("tcp port 80 or arp", false).unwrap();
        let mut original = words(CAPTURE_OBJECT);
        let patched = splice(CAPTURE_OBJECT, &filter).unwrap();
        assert_eq!(patched.as_bytes().len(), CAPTURE_OBJECT.len());
        for (marker, program, context) in filter.regions() {
            let [region] = find_regions(&original, &[marker]).unwrap();
            let code: Vec<u64> =
                translate(program, context, REGION_SLOTS).unwrap().into_iter().map(Insn::word).collect();
            let written = &patched.words[region.clone()];
            assert_eq!(&written[REGION_SLOTS - code.len()..], code.as_slice());
            // The jump over the padding, which lands on the code.
            assert_eq!(
                written[1],
                Insn::new(ebpf::JMP32 | ebpf::JEQ, R0, 0, (REGION_SLOTS - code.len() - 2) as i16, 0).word()
            );
            assert!(written[2..REGION_SLOTS - code.len()].iter().all(|&word| word == JA_NEXT.word()));
            assert_eq!(patched.words[region.end], EXIT.word());
            original[region.clone()].copy_from_slice(written);
        }
        // Nothing else changed.
        assert_eq!(words(patched.as_bytes()), original);
    }

    #[test]
    fn raw_ip_devices_capture_nothing_with_a_link_layer_filter_unless_one_was_chosen() {
        let filter = CompiledFilter::compile("arp", false).unwrap();
        assert_eq!(filter.raw_ip.instructions, [Instruction::statement(opcode::RET | opcode::K, 0)]);
        let refused = CompiledFilter::compile("arp", true).unwrap_err();
        assert_eq!(refused.message(), "expression rejects all packets");
    }

    #[test]
    fn translations_too_long_for_the_region_are_refused_with_both_sizes() {
        // 1340 ports fit, each field tested against all of them (crate ptstat_filter's code generation); 1920 do not.
        let ports: Vec<String> = (1..=1920).map(|port| format!("port {port}")).collect();
        let filter = CompiledFilter::compile(&ports.join(" or "), false).unwrap();
        for context in [Context::SocketBuffer, Context::Xdp, Context::PacketSocket] {
            let error = translate(&filter.ethernet, context, REGION_SLOTS).unwrap_err();
            let Untranslatable::TooLong { instructions, room: REGION_SLOTS } = error else { panic!("{error:?}") };
            assert!(instructions > REGION_SLOTS);
            assert_eq!(
                error.to_string(),
                format!("filter too long for the kernel: {instructions} instructions, room for {REGION_SLOTS}")
            );
        }
        let Err(error) = splice(CAPTURE_OBJECT, &filter) else { panic!("a filter too long was spliced") };
        assert!(error.to_string().starts_with("filter too long for the kernel: "), "{error}");
    }

    /// `ja` back by `back` instructions, as `k` holds it.
    fn ja_back(back: u32) -> Instruction {
        Instruction::statement(opcode::JMP | opcode::JA, back.wrapping_neg())
    }

    #[test]
    fn protochain_loops_count_their_passes_in_one_stack_word() {
        let program = CompiledFilter::compile("protochain 6", false).unwrap().ethernet;
        for context in [Context::SocketBuffer, Context::Xdp, Context::PacketSocket] {
            let code = translate(&program, context, REGION_SLOTS).unwrap();
            // Two loops (IPv4's and IPv6's), each entered once; three jumps back (AH in both, IPv6 extensions).
            let counter_set = code
                .windows(2)
                .filter(|pair| {
                    pair[0] == Insn::alu64_imm(ebpf::MOV, R0, LOOP_LIMIT.cast_signed())
                        && pair[1] == Insn::store(ebpf::DW, LOOP_COUNTER, R0)
                })
                .count();
            assert_eq!(counter_set, 2);
            let backward: Vec<&Insn> = code.iter().filter(|insn| insn.code == JA_NEXT.code && insn.off < 0).collect();
            assert_eq!(backward.len(), 3, "{code:?}");
        }
    }

    #[test]
    fn jumps_back_that_one_counter_cannot_bound_are_refused() {
        let load = Instruction::statement(opcode::LD | opcode::B | opcode::ABS, 0);
        let jump_into_second = Instruction::jump(opcode::JMP | opcode::JEQ | opcode::K, 0, 2, 0);
        let overlapping = [load, load, ja_back(2), ja_back(4)];
        let entered_inside = [jump_into_second, load, load, ja_back(2)];
        for instructions in [overlapping.as_slice(), &entered_inside] {
            let program = Program { instructions: instructions.to_vec(), terms: Vec::new() };
            assert_eq!(translate(&program, Context::Xdp, REGION_SLOTS), Err(Untranslatable::TangledLoops));
        }
        // One after the other, and a jump back before the start (which rejects), are fine.
        let in_order = [load, ja_back(2), load, ja_back(2), ja_back(100)];
        assert!(
            translate(&Program { instructions: in_order.to_vec(), terms: Vec::new() }, Context::Xdp, REGION_SLOTS)
                .is_ok()
        );
    }

    #[test]
    fn code_no_path_reaches_is_left_out() {
        // `ret #1` ends the program: the load after it, reached by no jump, must not be emitted.
        let program = Program {
            instructions: vec![
                Instruction::statement(opcode::RET | opcode::K, 1),
                Instruction::statement(opcode::LD | opcode::B | opcode::ABS, 0),
            ],
            terms: Vec::new(),
        };
        for context in [Context::SocketBuffer, Context::Xdp, Context::PacketSocket] {
            let code = translate(&program, context, REGION_SLOTS).unwrap();
            assert!(!code.iter().any(|insn| insn.code == ebpf::JMP | ebpf::CALL), "{code:?}");
            // And no reject block either: nothing jumps to it.
            assert_eq!(code.last(), Some(&JA_NEXT));
        }
    }

    #[test]
    fn xdp_translations_read_data_and_data_end_of_the_context_and_call_no_helper() {
        // Loads near and far (beyond the 16-bit offset of a load), after X, and the wire length.
        let expression = "len > 100 or tcp port 80 or ether[40000:4] = 1 or ip[100000] = 2";
        let program = CompiledFilter::compile(expression, false).unwrap().ethernet;
        let code = translate(&program, Context::Xdp, REGION_SLOTS).unwrap();
        assert!(!code.iter().any(|insn| insn.code == ebpf::JMP | ebpf::CALL), "{code:?}");
        let context_loads: Vec<(Reg, i16)> = code
            .iter()
            .filter(|insn| insn.code & 0x07 == ebpf::LDX && insn.src == R1)
            .map(|insn| (insn.dst, insn.off))
            .collect();
        assert_eq!(context_loads, [(DATA, 0), (DATA_END, 4)]);
        // The skb's translation of the same program reads `len` and its own data fields, and calls the helper.
        let code = translate(&program, Context::SocketBuffer, REGION_SLOTS).unwrap();
        assert!(code.iter().any(|insn| insn.code == ebpf::JMP | ebpf::CALL && insn.imm == SKB_LOAD_BYTES));
        assert!(code.iter().any(|insn| insn.code & 0x07 == ebpf::LDX && insn.src == R1 && insn.off == SKB_LEN));
    }

    #[test]
    fn packet_socket_translations_read_only_len_from_the_context_and_every_byte_with_the_helper() {
        // Socket filters may not read data or data_end: a load of either is refused by the verifier.
        let expression = "len > 100 or tcp port 80 or ether[40000:4] = 1 or ip[100000] = 2 or outbound";
        let program = CompiledFilter::compile(expression, false).unwrap().ethernet;
        let code = translate(&program, Context::PacketSocket, REGION_SLOTS).unwrap();
        let context_reads: Vec<i16> = code
            .iter()
            .filter(|insn| insn.code & 0x07 == ebpf::LDX && insn.src == R1 && insn.off != 0)
            .map(|insn| insn.off)
            .collect();
        assert_eq!(context_reads, Vec::<i16>::new(), "{code:?}");
        assert!(code.iter().any(|insn| insn.code & 0x07 == ebpf::LDX && insn.src == R1 && insn.off == SKB_LEN));
        // Nothing reads through the registers that hold the packet's bounds elsewhere.
        assert!(!code.iter().any(|insn| insn.src == DATA || insn.src == DATA_END || insn.dst == DATA), "{code:?}");
        let helper_calls =
            code.iter().filter(|insn| insn.code == ebpf::JMP | ebpf::CALL && insn.imm == SKB_LOAD_BYTES).count();
        assert!(helper_calls >= 4, "{code:?}");
    }
}
