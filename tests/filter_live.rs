//! The filter expression in the kernel.
//! - The eBPF translation of classic programs against ptstat_filter's interpreter: for the programs of many
//!   expressions and random programs, the translation run by the kernel (BPF_PROG_TEST_RUN) as a TC program, as
//!   an XDP program, as a packet socket's filter and on a copy of the packet's first bytes in a map value (as the
//!   tp-btf programs run it) must return exactly what `Program::run` returns, packet by packet (for the copy: on
//!   the bytes copied).
//! - ptstat capturing real traffic with an expression, against tcpdump filtering an unfiltered capture of the same
//!   traffic (taken at the same time by a second ptstat); `inbound`/`outbound` against the direction recorded in
//!   the unfiltered capture, since tcpdump cannot evaluate them on files.
//!
//! Needs root; under CI=true a skip is a failure.

mod common;
#[path = "../filter/tests/support/mod.rs"]
mod support;

use std::{
    collections::BTreeMap,
    io::Write,
    net::{TcpStream, UdpSocket},
    os::fd::{AsRawFd, FromRawFd, OwnedFd},
    path::Path,
    process::{Command, Stdio},
    thread,
    time::Duration,
};

use common::*;
use ptstat::{
    packet::{Direction, Interface, InterfaceId, Packet},
    sink::Sink,
    source::{
        file::read_capture,
        live::filter::{Context, Untranslatable, translate},
    },
};
use ptstat_filter::{CaptureSource, Instruction, LinkType, PacketDirection, Program, compile_for, opcode::*};
use support::{captures, expressions, rng::Rng};

// ----- The translation against the interpreter, in the kernel -----

/// Room for the translation: as much as 16-bit jumps reach.
const ROOM: usize = i16::MAX as usize;
/// BPF_PROG_TEST_RUN builds an skb from the data and refuses anything up to an Ethernet header's length.
const ETH_HLEN: usize = 14;
/// What BPF_PROG_TEST_RUN surely puts in one XDP buffer (a page less headroom and the shared info: some 3500 bytes
/// on x86-64). Longer packets it refuses, or splits into fragments, which XDP programs without xdp.frags never get.
const XDP_ONE_BUFFER: usize = 3000;

/// A program loaded with the bpf() syscall, closed on drop.
struct LoadedProgram {
    fd: OwnedFd,
    context: Context,
    /// `Context::Copied`: the map that holds the copy.
    _map: Option<OwnedFd>,
}

#[repr(C)]
#[derive(Default)]
struct MapCreateAttr {
    map_type: u32,
    key_size: u32,
    value_size: u32,
    max_entries: u32,
}

const BPF_MAP_CREATE: libc::c_long = 0;
const BPF_MAP_TYPE_ARRAY: u32 = 2;
/// `COPIED_BYTES` of ebpf/tracepoints.h, and the size of `struct copied_packet` (two 32-bit lengths, the bytes).
const COPIED_BYTES: usize = 512;
const COPIED_PACKET_SIZE: u32 = 8 + COPIED_BYTES as u32;

/// A one-entry array of `struct copied_packet`.
fn copy_map() -> OwnedFd {
    let mut attr =
        MapCreateAttr { map_type: BPF_MAP_TYPE_ARRAY, key_size: 4, value_size: COPIED_PACKET_SIZE, max_entries: 1 };
    let fd = bpf(BPF_MAP_CREATE, &mut attr);
    assert!(fd >= 0, "creating the copy's map: {}", std::io::Error::last_os_error());
    // SAFETY: a new file descriptor that nothing else owns.
    unsafe { OwnedFd::from_raw_fd(fd as i32) }
}

/// An XDP program's start that fills `struct copied_packet` in the map `map` as ebpf/tracepoints.h does (the wire
/// length, then up to COPIED_BYTES of the packet) and leaves r1 pointing at it, for a `Context::Copied` region.
fn copy_into_map(map: &OwnedFd) -> Vec<[u8; 8]> {
    let [f0, f1, f2, f3] = map.as_raw_fd().to_le_bytes();
    vec![
        [0xbf, 0x16, 0, 0, 0, 0, 0, 0],       // r6 = r1 (xdp_md)
        [0x62, 0x0a, 0xfc, 0xff, 0, 0, 0, 0], // *(u32 *)(r10 - 4) = 0
        [0x18, 0x11, 0, 0, f0, f1, f2, f3],   // r1 = the map (BPF_PSEUDO_MAP_FD)
        [0, 0, 0, 0, 0, 0, 0, 0],
        [0xbf, 0xa2, 0, 0, 0, 0, 0, 0],             // r2 = r10
        [0x07, 0x02, 0, 0, 0xfc, 0xff, 0xff, 0xff], // r2 += -4
        [0x85, 0, 0, 0, 1, 0, 0, 0],                // call bpf_map_lookup_elem
        [0x55, 0x00, 2, 0, 0, 0, 0, 0],             // if r0 != 0 goto +2
        [0xb7, 0, 0, 0, 0, 0, 0, 0],                // r0 = 0
        [0x95, 0, 0, 0, 0, 0, 0, 0],                // exit
        [0xbf, 0x07, 0, 0, 0, 0, 0, 0],             // r7 = r0
        [0x61, 0x62, 0, 0, 0, 0, 0, 0],             // r2 = xdp->data
        [0x61, 0x63, 4, 0, 0, 0, 0, 0],             // r3 = xdp->data_end
        [0x1f, 0x23, 0, 0, 0, 0, 0, 0],             // r3 -= r2: the length
        [0x63, 0x37, 0, 0, 0, 0, 0, 0],             // copy->len = r3
        [0xb5, 0x03, 1, 0, 0, 2, 0, 0],             // if r3 <= 512 goto +1
        [0xb7, 0x03, 0, 0, 0, 2, 0, 0],             // r3 = 512
        [0x63, 0x37, 4, 0, 0, 0, 0, 0],             // copy->copied = r3
        [0xbf, 0x34, 0, 0, 0, 0, 0, 0],             // r4 = r3
        [0x07, 0x04, 0, 0, 0xff, 0xff, 0xff, 0xff], // r4 += -1
        [0x57, 0x04, 0, 0, 0xff, 1, 0, 0],          // r4 &= 511
        [0x07, 0x04, 0, 0, 1, 0, 0, 0],             // r4 += 1: 1..512 to the verifier, r3 itself here
        [0xbf, 0x61, 0, 0, 0, 0, 0, 0],             // r1 = r6
        [0xb7, 0x02, 0, 0, 0, 0, 0, 0],             // r2 = 0
        [0xbf, 0x73, 0, 0, 0, 0, 0, 0],             // r3 = r7
        [0x07, 0x03, 0, 0, 8, 0, 0, 0],             // r3 += 8: copy->bytes
        [0x85, 0, 0, 0, 189, 0, 0, 0],              // call bpf_xdp_load_bytes
        [0xbf, 0x71, 0, 0, 0, 0, 0, 0],             // r1 = r7
    ]
}

#[repr(C)]
#[derive(Default)]
struct ProgramLoadAttr {
    prog_type: u32,
    insn_cnt: u32,
    insns: u64,
    license: u64,
    log_level: u32,
    log_size: u32,
    log_buf: u64,
}

#[repr(C)]
#[derive(Default)]
struct TestRunAttr {
    prog_fd: u32,
    retval: u32,
    data_size_in: u32,
    data_size_out: u32,
    data_in: u64,
    data_out: u64,
    repeat: u32,
    duration: u32,
}

const BPF_PROG_LOAD: libc::c_long = 5;
const BPF_PROG_TEST_RUN: libc::c_long = 10;
const BPF_PROG_TYPE_SOCKET_FILTER: u32 = 1;
const BPF_PROG_TYPE_SCHED_CLS: u32 = 3;
const BPF_PROG_TYPE_XDP: u32 = 6;

fn bpf<T>(command: libc::c_long, attr: &mut T) -> libc::c_long {
    // SAFETY: `attr` is a prefix of `union bpf_attr` for `command`, valid for the call; the kernel reads and writes
    // no more than the size given.
    unsafe { libc::syscall(libc::SYS_bpf, command, attr as *mut T, size_of::<T>()) }
}

impl LoadedProgram {
    /// A program of `code` (8-byte instructions) of the type whose context is `context`; the verifier's log on
    /// refusal.
    fn load(code: &[[u8; 8]], context: Context) -> Result<LoadedProgram, String> {
        let map = (context == Context::Copied).then(copy_map);
        let code: Vec<[u8; 8]> = match &map {
            Some(map) => copy_into_map(map).into_iter().chain(code.iter().copied()).collect(),
            None => code.to_vec(),
        };
        let license = c"GPL";
        let mut log = vec![0u8; 1 << 20];
        for log_level in [0, 1] {
            let mut attr = ProgramLoadAttr {
                prog_type: match context {
                    Context::SocketBuffer => BPF_PROG_TYPE_SCHED_CLS,
                    Context::Xdp | Context::Copied => BPF_PROG_TYPE_XDP,
                    Context::PacketSocket => BPF_PROG_TYPE_SOCKET_FILTER,
                },
                insn_cnt: code.len() as u32,
                insns: code.as_ptr() as u64,
                license: license.as_ptr() as u64,
                ..Default::default()
            };
            if log_level > 0 {
                attr.log_level = log_level;
                attr.log_size = log.len() as u32;
                attr.log_buf = log.as_mut_ptr() as u64;
            }
            let fd = bpf(BPF_PROG_LOAD, &mut attr);
            if fd >= 0 {
                // SAFETY: a new file descriptor that nothing else owns.
                return Ok(LoadedProgram { fd: unsafe { OwnedFd::from_raw_fd(fd as i32) }, context, _map: map });
            }
        }
        let end = log.iter().position(|&byte| byte == 0).unwrap_or(log.len());
        Err(format!("{}: {}", std::io::Error::last_os_error(), String::from_utf8_lossy(&log[..end])))
    }

    /// The program's return value for one packet, if the kernel can make an skb of it (TC), or one buffer (XDP).
    fn run(&self, packet: &[u8]) -> Option<u32> {
        if matches!(self.context, Context::Xdp | Context::Copied) && packet.len() > XDP_ONE_BUFFER {
            return None;
        }
        // BPF_PROG_TEST_RUN takes a socket filter's data past an Ethernet header, as a packet socket's filter
        // takes a packet past nothing: a header in front of the packet (an 802.3 one, which the kernel leaves
        // alone) puts the packet where the filter reads it, with `len` its own length.
        let packet = match self.context {
            Context::PacketSocket => [[0u8; ETH_HLEN].as_slice(), packet].concat(),
            _ => packet.to_vec(),
        };
        let mut attr = TestRunAttr {
            prog_fd: self.fd.as_raw_fd() as u32,
            data_size_in: packet.len() as u32,
            data_in: packet.as_ptr() as u64,
            repeat: 1,
            ..Default::default()
        };
        if bpf(BPF_PROG_TEST_RUN, &mut attr) == 0 {
            return Some(attr.retval);
        }
        let error = std::io::Error::last_os_error();
        // The kernel will not build an skb whose EtherType announces an IP header that is not all there. Such
        // packets are left out: the filter reads their bytes no differently from those of the others.
        let ether_type = u16::from_be_bytes([packet[12], packet[13]]);
        let ip_header_missing = match ether_type {
            0x0800 => packet.len() < ETH_HLEN + 20,
            0x86dd => packet.len() < ETH_HLEN + 40,
            _ => false,
        };
        assert!(
            error.raw_os_error() == Some(libc::EINVAL) && self.context == Context::SocketBuffer && ip_header_missing,
            "BPF_PROG_TEST_RUN on {packet:02x?}: {error}"
        );
        None
    }
}

/// The translation of `program` as a whole program: the packet type in r2, the region's code, `exit`.
fn standalone(program: &Program, context: Context, direction: PacketDirection) -> Vec<[u8; 8]> {
    let packet_type = direction.packet_type().to_le_bytes();
    let mov_r2 = [0xb7, 0x02, 0, 0, packet_type[0], packet_type[1], packet_type[2], packet_type[3]];
    let exit = [0x95, 0, 0, 0, 0, 0, 0, 0];
    let region = translate(program, context, ROOM).unwrap_or_else(|error| panic!("{error}"));
    std::iter::once(mov_r2).chain(region.iter().map(|insn| insn.to_bytes())).chain([exit]).collect()
}

/// Counts what was compared, for the closing message.
#[derive(Default)]
struct Tally {
    programs: usize,
    runs: usize,
}

/// The program types that run programs compiled for `link`: XDP attaches to Ethernet devices only.
fn contexts(link: LinkType) -> &'static [Context] {
    match link {
        LinkType::Ethernet => &[Context::SocketBuffer, Context::Xdp, Context::PacketSocket, Context::Copied],
        LinkType::RawIp => &[Context::SocketBuffer, Context::PacketSocket, Context::Copied],
    }
}

/// Runs `program`'s translation for each of `contexts` on every packet in each direction the hook sees (both at TC,
/// if the program reads the direction; XDP sees received packets only) and compares each result with the
/// interpreter's.
fn compare_with_interpreter(
    label: &str,
    program: &Program,
    contexts: &[Context],
    packets: &[&[u8]],
    tally: &mut Tally,
) {
    for &context in contexts {
        let directions: &[PacketDirection] = match context {
            Context::SocketBuffer | Context::PacketSocket | Context::Copied if program.uses_direction() => {
                &[PacketDirection::Inbound, PacketDirection::Outbound]
            }
            _ => &[PacketDirection::Inbound],
        };
        for &direction in directions {
            let loaded = LoadedProgram::load(&standalone(program, context, direction), context)
                .unwrap_or_else(|log| panic!("{label} ({context:?}): the verifier refused the translation: {log}"));
            tally.programs += 1;
            for packet in packets {
                let Some(got) = loaded.run(packet) else { continue };
                // A copy holds the packet's first bytes only: loads past them reject, as past the packet's end.
                let seen = match context {
                    Context::Copied => &packet[..packet.len().min(COPIED_BYTES)],
                    _ => packet,
                };
                let expected = program.run(seen, packet.len() as u32, Some(direction));
                assert_eq!(
                    got, expected,
                    "{label} ({context:?}, {direction:?}) on {packet:02x?}: the kernel returned {got}, the interpreter \
                     {expected}"
                );
                tally.runs += 1;
            }
        }
    }
}

/// What each capture of the differential tests holds, but packets too short for BPF_PROG_TEST_RUN; the
/// truncated captures thinned out, the kernel being far slower per packet than the interpreter.
fn test_packets(capture: &captures::Capture) -> Vec<&[u8]> {
    let packets: Vec<&[u8]> =
        capture.packets.iter().map(|packet| packet.data.as_slice()).filter(|data| data.len() > ETH_HLEN).collect();
    let step = packets.len().div_ceil(400).max(1);
    packets.into_iter().step_by(step).collect()
}

#[test]
fn translated_expressions_decide_like_the_interpreter() {
    if !root_or_skip("translated_expressions_decide_like_the_interpreter") {
        return;
    }
    let mut rng = Rng::new(0x5eed_f11e);
    let mut tally = Tally::default();
    let direction_expressions = ["inbound", "outbound", "inbound and tcp", "outbound or udp", "not inbound and ip6"];
    for capture in captures::all() {
        let packets = test_packets(&capture);
        let mut texts: Vec<String> = expressions::HAND_WRITTEN.iter().map(|text| text.to_string()).collect();
        texts.extend(expressions::generated(&capture));
        let atoms = texts.clone();
        texts.extend(expressions::random_combinations(&atoms, 60, &mut rng));
        texts.extend(direction_expressions.iter().map(|text| text.to_string()));
        for text in &texts {
            let Ok(program) = compile_for(text, capture.link, CaptureSource::Live) else { continue };
            let label = format!("{} `{text}`", capture.name);
            compare_with_interpreter(&label, &program, contexts(capture.link), &packets, &mut tally);
        }
    }
    eprintln!("{} translated programs agreed with the interpreter on {} packets", tally.programs, tally.runs);
}

/// Random instructions, valid ones and not: every opcode the interpreter knows, and some it does not.
fn random_program(rng: &mut Rng) -> Program {
    const CODES: &[u16] = &[
        LD | W | ABS,
        LD | H | ABS,
        LD | B | ABS,
        LD | W | IND,
        LD | H | IND,
        LD | B | IND,
        LD | W | IMM,
        LD | H | IMM,
        LD | W | LEN,
        LD | W | MEM,
        LD | B | MSH,
        LDX | W | IMM,
        LDX | W | MEM,
        LDX | W | LEN,
        LDX | B | MSH,
        LDX | W | ABS,
        ST,
        STX,
        ALU | ADD | K,
        ALU | ADD | X,
        ALU | SUB | K,
        ALU | SUB | X,
        ALU | MUL | K,
        ALU | MUL | X,
        ALU | DIV | K,
        ALU | DIV | X,
        ALU | MOD | K,
        ALU | MOD | X,
        ALU | AND | K,
        ALU | AND | X,
        ALU | OR | K,
        ALU | OR | X,
        ALU | XOR | K,
        ALU | XOR | X,
        ALU | LSH | K,
        ALU | LSH | X,
        ALU | RSH | K,
        ALU | RSH | X,
        ALU | NEG,
        ALU | 0xb0,
        JMP | JA,
        JMP | JEQ | K,
        JMP | JEQ | X,
        JMP | JGT | K,
        JMP | JGT | X,
        JMP | JGE | K,
        JMP | JGE | X,
        JMP | JSET | K,
        JMP | JSET | X,
        JMP | 0x50,
        RET | K,
        RET | A,
        RET | X,
        MISC | TAX,
        MISC | TXA,
        MISC | 0x40,
    ];
    // Offsets into headers, edges of the packet and of 16/31/32 bits, scratch slots in and out of range.
    const VALUES: &[u32] = &[
        0,
        1,
        2,
        3,
        4,
        5,
        6,
        12,
        13,
        14,
        15,
        16,
        20,
        23,
        26,
        30,
        31,
        32,
        33,
        34,
        40,
        54,
        0x800,
        0x86dd,
        0xfff0,
        0xffff,
        0x10000,
        0x7fff_ffff,
        0x8000_0000,
        0xffff_fff0,
        0xffff_ffff,
        0xffff_f004,
    ];
    let len = 1 + rng.below(24);
    let instructions = (0..len)
        .map(|_| {
            let code = if rng.chance(3) { rng.next_u64() as u16 } else { *rng.pick(CODES) };
            let k = match rng.below(4) {
                0 => rng.next_u64() as u32,
                1 => rng.below(70) as u32,
                _ => *rng.pick(VALUES),
            };
            let jt = if rng.chance(5) { rng.next_u64() as u8 } else { rng.below(4) as u8 };
            let jf = if rng.chance(5) { rng.next_u64() as u8 } else { rng.below(4) as u8 };
            Instruction::jump(code, k, jt, jf)
        })
        .collect();
    Program { instructions, terms: Vec::new() }
}

#[test]
fn translated_random_programs_decide_like_the_interpreter() {
    if !root_or_skip("translated_random_programs_decide_like_the_interpreter") {
        return;
    }
    let mut rng = Rng::new(0x0bad_c0de);
    let mut tally = Tally::default();
    let all = captures::all();
    let packets: Vec<&[u8]> = all.iter().flat_map(|capture| test_packets(capture).into_iter().step_by(8)).collect();
    let mut tangled = 0;
    for round in 0..600 {
        let program = random_program(&mut rng);
        // Jumps back the translation refuses, which the compiler never writes.
        if translate(&program, Context::Xdp, ROOM) == Err(Untranslatable::TangledLoops) {
            tangled += 1;
            continue;
        }
        compare_with_interpreter(
            &format!("random program {round} {:?}", program.instructions),
            &program,
            // Every program type: XDP's are Ethernet ones.
            contexts(LinkType::Ethernet),
            &packets,
            &mut tally,
        );
    }
    eprintln!(
        "{} random programs agreed with the interpreter on {} packets ({tangled} with tangled loops refused)",
        tally.programs, tally.runs
    );
}

// ----- ptstat on real traffic -----

/// What the comparisons look at of a packet: its length on the wire and its bytes.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Seen {
    original_len: u32,
    data: Vec<u8>,
}

/// A packet of a capture file.
struct Captured {
    timestamp_ns: u64,
    direction: Option<Direction>,
    seen: Seen,
}

#[derive(Default)]
struct Collected(Vec<Captured>);

impl Sink for Collected {
    fn add_interface(&mut self, _id: InterfaceId, _interface: &Interface) -> anyhow::Result<()> {
        Ok(())
    }

    fn write_packet(&mut self, packet: &Packet, _interface: &Interface) -> anyhow::Result<()> {
        let seen = Seen { original_len: packet.original_len, data: packet.data.to_vec() };
        self.0.push(Captured { timestamp_ns: packet.timestamp.0, direction: packet.direction, seen });
        Ok(())
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        Ok(())
    }
}

fn read_packets(path: &Path) -> Vec<Captured> {
    let mut collected = Collected::default();
    read_capture(path.to_str().expect("UTF-8 path"), &mut collected, None)
        .unwrap_or_else(|error| panic!("{}: {error:#}", path.display()));
    collected.0
}

/// The time between two marker packets, during which every ptstat was attached: what each capture holds of it
/// is compared. The system sends packets of its own now and then (IPv6 router solicitations, neighbour probes),
/// which the captures started and stopped one after the other would otherwise not all see.
#[derive(Clone, Copy)]
struct Window {
    after_ns: u64,
    before_ns: u64,
}

const WINDOW_OPENS: &[u8] = b"ptstat-test-window-opens";
const WINDOW_CLOSES: &[u8] = b"ptstat-test-window-closes";

impl Window {
    /// Between the markers as the unfiltered capture saw them, 25 ms away from each: a packet's timestamp differs
    /// by microseconds from one capture program to the next, so nothing may sit near the edges; the markers' own
    /// answers (ICMP port unreachable, late on a loaded machine) stay outside, and the traffic starts and ends
    /// 50 ms away from the markers.
    fn of(unfiltered: &[Captured]) -> Window {
        let marker_time = |marker: &[u8]| {
            let mut times = unfiltered.iter().filter(|packet| packet.seen.data.ends_with(marker));
            times.next().unwrap_or_else(|| panic!("no marker {marker:?} in the unfiltered capture")).timestamp_ns
        };
        const MARGIN_NS: u64 = 25_000_000;
        Window { after_ns: marker_time(WINDOW_OPENS) + MARGIN_NS, before_ns: marker_time(WINDOW_CLOSES) - MARGIN_NS }
    }

    /// The packets seen while the window was open, sorted: the captures may interleave CPUs differently.
    fn select<'a>(self, packets: impl IntoIterator<Item = &'a Captured>) -> Vec<&'a Captured> {
        let mut inside: Vec<&Captured> = packets
            .into_iter()
            .filter(|packet| (self.after_ns..self.before_ns).contains(&packet.timestamp_ns))
            .collect();
        inside.sort_by(|a, b| a.seen.cmp(&b.seen));
        inside
    }
}

/// Sends one of the window's markers, quiet time on both sides.
fn send_marker(udp: &UdpSocket, peer: &str, marker: &[u8]) {
    thread::sleep(Duration::from_millis(50));
    udp.send_to(marker, (peer, 5999)).expect("send marker");
    thread::sleep(Duration::from_millis(50));
}

/// The packets of the capture `all` that tcpdump keeps for `expression` (all of them for an empty one).
fn kept_by_tcpdump(all: &Path, expression: &str, scratch: &Path) -> Vec<Captured> {
    if expression.is_empty() {
        return read_packets(all);
    }
    let kept = scratch.join("tcpdump-kept.pcap");
    let output = Command::new("tcpdump")
        .args(["-r", all.to_str().unwrap(), "-w", kept.to_str().unwrap(), expression])
        .output()
        .expect("run tcpdump");
    assert!(output.status.success(), "tcpdump `{expression}`: {}", String::from_utf8_lossy(&output.stderr));
    read_packets(&kept)
}

/// One filtered capture: the expression ptstat runs, and what it must keep: the packets tcpdump keeps for
/// `tcpdump_part`, of those that went `direction` (`inbound`/`outbound` in the expression).
struct Case {
    expression: String,
    tcpdump_part: String,
    direction: Option<Direction>,
}

impl Case {
    fn plain(expression: String) -> Case {
        Case { tcpdump_part: expression.clone(), expression, direction: None }
    }

    fn directed(direction: Direction, tcpdump_part: &str) -> Case {
        let word = if direction == Direction::In { "inbound" } else { "outbound" };
        let expression = if tcpdump_part.is_empty() { word.to_string() } else { format!("{word} and {tcpdump_part}") };
        Case { expression, tcpdump_part: tcpdump_part.to_string(), direction: Some(direction) }
    }
}

/// How many ptstats starting at once are given one `STARTUP_TIMEOUT` to start listening.
const STARTED_IN_ONE_TIMEOUT: u32 = 8;

/// Starts one ptstat per argument list, all at once: loading the programs takes each a while. They share the CPUs,
/// so each may take as long to start as a few started one after the other.
fn start_all(argument_lists: Vec<Vec<String>>) -> Vec<Running> {
    let timeout = STARTUP_TIMEOUT * (argument_lists.len() as u32).div_ceil(STARTED_IN_ONE_TIMEOUT).max(1);
    let starting: Vec<_> = argument_lists
        .into_iter()
        .map(|args| {
            thread::spawn(move || {
                let mut command = Command::new(PTSTAT);
                command.args(args);
                Running::start_command_within(command, Stdio::piped(), timeout)
            })
        })
        .collect();
    starting.into_iter().map(|thread| thread.join().expect("ptstat started")).collect()
}

/// Captures with every case's expression and without, while `traffic` runs (between the window's markers, sent to
/// `peer`), and checks each filtered capture holds exactly the packets its oracle keeps from the unfiltered one.
/// Returns how many cases kept some packets but not all.
fn capture_and_compare(interface: &str, peer: &str, cases: &[Case], traffic: impl FnOnce()) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let all = dir.path().join("all.pcapng");
    let filtered_path = |index: usize| dir.path().join(format!("some-{index}.pcapng"));
    let base = |path: &Path| -> Vec<String> {
        ["-i", interface, "-B", "1024", "--context=", "-w", path.to_str().unwrap()].map(String::from).to_vec()
    };
    let mut argument_lists = vec![base(&all)];
    for (index, case) in cases.iter().enumerate() {
        // As a shell passes it: one argument per word.
        let mut args = base(&filtered_path(index));
        args.extend(case.expression.split_whitespace().map(String::from));
        argument_lists.push(args);
    }
    let running = start_all(argument_lists);
    let udp = UdpSocket::bind("0.0.0.0:0").expect("UDP socket");
    send_marker(&udp, peer, WINDOW_OPENS);
    traffic();
    send_marker(&udp, peer, WINDOW_CLOSES);
    // The last packets' events may still be in flight to the ring buffers.
    thread::sleep(Duration::from_millis(300));
    for finished in running.into_iter().map(Running::stop) {
        assert!(finished.status.success(), "ptstat failed: {}", finished.stderr);
    }

    let all_packets = read_packets(&all);
    let window = Window::of(&all_packets);
    let unfiltered = window.select(&all_packets);
    let mut partial = 0;
    for (index, case) in cases.iter().enumerate() {
        let tcpdump_kept = kept_by_tcpdump(&all, &case.tcpdump_part, dir.path());
        let tcpdump_kept: Vec<&Seen> = window.select(&tcpdump_kept).into_iter().map(|packet| &packet.seen).collect();
        let expected: Vec<&Seen> = match case.direction {
            None => tcpdump_kept,
            Some(direction) => {
                // tcpdump's file has no directions: the packets it keeps that went `direction`, with repeats.
                let mut kept: BTreeMap<&Seen, usize> = BTreeMap::new();
                for seen in tcpdump_kept {
                    *kept.entry(seen).or_default() += 1;
                }
                let went_that_way = unfiltered.iter().filter(|packet| packet.direction == Some(direction));
                went_that_way
                    .map(|packet| &packet.seen)
                    .filter(|seen| kept.get_mut(seen).filter(|count| **count > 0).map(|count| *count -= 1).is_some())
                    .collect()
            }
        };
        let filtered = read_packets(&filtered_path(index));
        let got: Vec<&Seen> = window.select(&filtered).into_iter().map(|packet| &packet.seen).collect();
        let lengths = |packets: &[&Seen]| packets.iter().map(|seen| seen.original_len).collect::<Vec<_>>();
        // The bytes of the packets one side kept and the other did not.
        let only_in = |some: &[&Seen], others: &[&Seen]| -> Vec<String> {
            let hex = |data: &[u8]| data.iter().map(|byte| format!("{byte:02x}")).collect::<String>();
            some.iter().filter(|seen| !others.contains(seen)).map(|seen| hex(&seen.data)).collect()
        };
        assert!(
            got == expected,
            "`{}`: ptstat kept {} packets, the oracle {} of {}\nptstat's lengths: {:?}\noracle's lengths: {:?}\n\
             only ptstat's: {:?}\nonly the oracle's: {:?}",
            case.expression,
            got.len(),
            expected.len(),
            unfiltered.len(),
            lengths(&got),
            lengths(&expected),
            only_in(&got, &expected),
            only_in(&expected, &got)
        );
        eprintln!("`{}`: {} of {} packets", case.expression, got.len(), unfiltered.len());
        if !got.is_empty() && got.len() < unfiltered.len() {
            partial += 1;
        }
    }
    partial
}

/// Ping both ways over IPv4 and IPv6, a large TCP transfer (so that packets carry payload in pages, beyond the
/// linear part GSO leaves), UDP to closed ports over IPv4 and IPv6 (answered by ICMP port unreachable).
fn veth_traffic(net: &VethNamespace) {
    run("ping", &["-c", "2", "-i", "0.2", &net.peer_ip]);
    run("ping", &["-c", "1", "-s", "300", &net.peer_ip]);
    run("ping", &["-c", "2", "-i", "0.2", &net.peer_ip6]);
    net.exec_ok(&["ping", "-c", "2", "-i", "0.2", &net.host_ip]);
    let mut listener = tcp_sink_in(net, 5001);
    wait_for_listener(net, 5001);
    let mut stream = TcpStream::connect((net.peer_ip.as_str(), 5001)).expect("connect");
    stream.write_all(&vec![b'a'; 300_000]).expect("send");
    drop(stream);
    listener.wait().expect("nc");
    let udp = UdpSocket::bind("0.0.0.0:0").expect("UDP socket");
    udp.send_to(&[b'u'; 40], (net.peer_ip.as_str(), 5002)).expect("send");
    udp.send_to(&[b'v'; 600], (net.peer_ip.as_str(), 5002)).expect("send");
    let udp6 = UdpSocket::bind("[::]:0").expect("UDP socket");
    udp6.send_to(&[b'w'; 80], (net.peer_ip6.as_str(), 5003)).expect("send");
}

#[test]
fn filtered_capture_keeps_what_tcpdump_keeps() {
    if !root_or_skip("filtered_capture_keeps_what_tcpdump_keeps") || !tool_available("tcpdump") {
        return;
    }
    let net = VethNamespace::new("flt", 51);
    net.warm_up();
    let host_mac = std::fs::read_to_string(format!("/sys/class/net/{}/address", net.host_if)).unwrap();
    let host_mac = host_mac.trim();
    let (host, peer, host6, peer6) = (&net.host_ip, &net.peer_ip, &net.host_ip6, &net.peer_ip6);
    let mut cases: Vec<Case> = [
        "icmp".to_string(),
        "icmp6".to_string(),
        "ip6".to_string(),
        "udp".to_string(),
        "tcp".to_string(),
        format!("host {peer}"),
        format!("src host {host}"),
        format!("dst host {host} and not icmp"),
        "net 10.77.51.0/24".to_string(),
        format!("host {peer6}"),
        format!("ip6 src host {host6} and udp"),
        format!("ether src {host_mac}"),
        format!("ether dst {host_mac} and ip"),
        "tcp port 5001".to_string(),
        "udp port 5002".to_string(),
        "port 5001 or port 5003".to_string(),
        "portrange 5002-5003".to_string(),
        "tcp dst portrange 5000-5001".to_string(),
        "tcp[tcpflags] & tcp-syn != 0".to_string(),
        "tcp[tcpflags] & (tcp-syn|tcp-ack) = (tcp-syn|tcp-ack)".to_string(),
        "tcp[tcpflags] & tcp-fin != 0".to_string(),
        "tcp[tcpflags] & tcp-push != 0 and dst port 5001".to_string(),
        "icmp[icmptype] = icmp-echo".to_string(),
        "icmp[icmptype] = icmp-unreach".to_string(),
        "icmp6[icmp6type] = icmp6-echoreply".to_string(),
        "len > 100".to_string(),
        "len <= 100".to_string(),
        "greater 1000".to_string(),
        "less 80".to_string(),
        "not icmp".to_string(),
        "not (tcp or udp)".to_string(),
        "tcp and not dst port 5001".to_string(),
        "ip and udp and dst port 5002 and len > 200".to_string(),
        // The first payload byte, through X: in the pages of large packets.
        "tcp[(tcp[12] >> 4) * 4] = 0x61".to_string(),
        "ether[20000] = 0x61".to_string(),
        "ip[2:2] > 1500 or ip[8] != 64".to_string(),
        "(icmp or icmp6) and len > 90".to_string(),
        format!("not host {peer} and not host {peer6}"),
    ]
    .into_iter()
    .map(Case::plain)
    .collect();
    cases.extend([
        Case::directed(Direction::In, ""),
        Case::directed(Direction::Out, ""),
        Case::directed(Direction::In, "icmp"),
        Case::directed(Direction::Out, "tcp"),
        Case::directed(Direction::In, "tcp and len > 60"),
    ]);
    let partial = capture_and_compare(&net.host_if, &net.peer_ip, &cases, || veth_traffic(&net));
    // Each expression was chosen to keep some of the traffic and drop some.
    assert_eq!(partial, cases.len(), "some expressions kept nothing or everything (see above)");
    eprintln!("{} expressions compared on live traffic", cases.len());
}

/// Sends `frames` out of `interface` as they are, through a packet socket: they pass TC egress as the host's own
/// traffic does.
fn send_frames(interface: &str, frames: &[Vec<u8>]) {
    let name = std::ffi::CString::new(interface).unwrap();
    // SAFETY: a NUL-terminated name.
    let index = unsafe { libc::if_nametoindex(name.as_ptr()) };
    assert_ne!(index, 0, "no interface {interface}");
    // SAFETY: plain socket creation; the descriptor is owned right away.
    let socket = unsafe { libc::socket(libc::AF_PACKET, libc::SOCK_RAW, 0) };
    assert!(socket >= 0, "packet socket: {}", std::io::Error::last_os_error());
    // SAFETY: a new descriptor that nothing else owns.
    let socket = unsafe { OwnedFd::from_raw_fd(socket) };
    // SAFETY: all-zero is a valid sockaddr_ll.
    let mut address: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
    address.sll_family = libc::AF_PACKET as u16;
    address.sll_ifindex = index as i32;
    for frame in frames {
        // SAFETY: the frame and the address are valid for the call, with their sizes.
        let sent = unsafe {
            libc::sendto(
                socket.as_raw_fd(),
                frame.as_ptr().cast(),
                frame.len(),
                0,
                (&raw const address).cast(),
                size_of::<libc::sockaddr_ll>() as u32,
            )
        };
        assert_eq!(sent, frame.len() as isize, "send on {interface}: {}", std::io::Error::last_os_error());
    }
}

#[test]
fn filtered_capture_of_header_chains_and_pppoe_keeps_what_tcpdump_keeps() {
    if !root_or_skip("filtered_capture_of_header_chains_and_pppoe_keeps_what_tcpdump_keeps")
        || !tool_available("tcpdump")
    {
        return;
    }
    let net = VethNamespace::new("fch", 56);
    net.warm_up();
    // IPv6 with extension header chains and IPv4/IPv6 with AH, then PPPoE discovery and session frames, sent out of
    // the host's end (TC egress) and out of the namespace's end (the host's TC ingress).
    let frames = captures::header_chain_and_pppoe_frames();
    let cases: Vec<Case> = [
        "ip6 protochain 6",
        "ip6 protochain 17",
        "ip6 protochain 44",
        "ip protochain 6",
        "protochain 58",
        "protochain 51 or protochain 132",
        "ip6 protochain 17 and not ip6 proto 17",
        "pppoed",
        "pppoes",
        "pppoes 5",
        "pppoes and ip6",
        "pppoes 5 and udp port 53",
        "vlan and pppoes 3 and ip",
        "pppoes and mpls",
        // Not the window's markers nor the ICMP errors they draw: near the window's edges, captures that timestamp
        // them apart may disagree about them under emulation.
        "not protochain 6 and not pppoes and not port 5999 and not icmp",
    ]
    .into_iter()
    .map(|expression| Case::plain(expression.to_string()))
    .collect();
    let send_both_ways = || {
        send_frames(&net.host_if, &frames);
        let namespace = std::fs::File::open(format!("/var/run/netns/{}", net.namespace)).expect("namespace");
        thread::scope(|scope| {
            scope.spawn(|| {
                // SAFETY: moves this thread alone into the namespace, which the open file keeps alive.
                let entered = unsafe { libc::setns(namespace.as_raw_fd(), libc::CLONE_NEWNET) };
                assert_eq!(entered, 0, "setns: {}", std::io::Error::last_os_error());
                send_frames(&net.peer_if, &frames);
            });
        });
    };
    let partial = capture_and_compare(&net.host_if, &net.peer_ip, &cases, send_both_ways);
    assert_eq!(partial, cases.len(), "some expressions kept nothing or everything (see above)");
}

/// A tun device nobody reads, up, with `ipv4`/24 and `ipv6`/64: what is routed to it passes TC egress, then the
/// driver drops it. Removed on drop.
fn tun_device(name: &str, ipv4: &str, ipv6: &str) -> LinkCleanup {
    let _ = Command::new("ip").args(["link", "del", name]).stderr(std::process::Stdio::null()).status();
    run("ip", &["tuntap", "add", "dev", name, "mode", "tun"]);
    let cleanup = LinkCleanup::new(name);
    run("ip", &["addr", "add", &format!("{ipv4}/24"), "dev", name]);
    run("ip", &["addr", "add", &format!("{ipv6}/64"), "dev", name, "nodad"]);
    run("ip", &["link", "set", name, "up"]);
    cleanup
}

#[test]
fn filtered_capture_on_a_raw_ip_device_keeps_what_tcpdump_keeps() {
    if !root_or_skip("filtered_capture_on_a_raw_ip_device_keeps_what_tcpdump_keeps") || !tool_available("tcpdump") {
        return;
    }
    let _tun = tun_device("ptflttun", "10.77.52.1", "fd77:52::1");
    let (peer, peer6) = ("10.77.52.2", "fd77:52::2");
    let cases: Vec<Case> = [
        "icmp",
        "udp",
        "ip6",
        "len > 100",
        "ip[9] = 17",
        "udp and len > 100",
        "dst port 5002",
        "host 10.77.52.2 and icmp",
        "icmp6 or udp",
        "ip[8] = 64 and icmp[icmptype] = icmp-echo",
        "not udp",
    ]
    .into_iter()
    .map(|expression| Case::plain(expression.to_string()))
    .chain([Case::directed(Direction::Out, "icmp")])
    .collect();
    let traffic = || {
        // Nothing answers: the pings just go out.
        for ping in [vec!["-c", "2", "-i", "0.2", peer], vec!["-c", "1", "-s", "300", peer], vec!["-c", "1", peer6]] {
            let _ = Command::new("ping").args(["-W", "1"]).args(ping).stdout(std::process::Stdio::null()).status();
        }
        let udp = UdpSocket::bind("0.0.0.0:0").expect("UDP socket");
        udp.send_to(&[b'u'; 40], (peer, 5002)).expect("send");
        udp.send_to(&[b'v'; 600], (peer, 5002)).expect("send");
        let udp6 = UdpSocket::bind("[::]:0").expect("UDP socket");
        udp6.send_to(&[b'w'; 80], (peer6, 5003)).expect("send");
    };
    let partial = capture_and_compare("ptflttun", peer, &cases, traffic);
    assert_eq!(partial, cases.len(), "some expressions kept nothing or everything (see above)");
}

#[test]
fn filters_the_kernel_cannot_run_are_refused_before_anything_is_attached() {
    if !root_or_skip("filters_the_kernel_cannot_run_are_refused_before_anything_is_attached") {
        return;
    }
    let _tun = tun_device("ptflttoo", "10.77.53.1", "fd77:53::1");
    // A run of ports is compiled as one test of each field against all their numbers: 1340 ports fit the region
    // (24 instructions each of 32768), 1920 do not.
    let ports: Vec<String> = (1..=1920).map(|port| format!("port {port}")).collect();
    let too_long = ports.join(" or ");
    let refusals = [
        // Fine for Ethernet, but this device has no link header.
        ("arp", "ptstat: expression rejects all packets"),
        (too_long.as_str(), "ptstat: filter too long for the kernel: "),
    ];
    for (expression, message) in refusals {
        let output = Command::new(PTSTAT).args(["-i", "ptflttoo", "-w", "/dev/null", expression]).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "`{expression}`: {stderr}");
        assert!(stderr.starts_with(message), "`{expression}`: {stderr}");
        assert!(!stderr.contains("listening"), "`{expression}`: {stderr}");
        assert_eq!(tcx_programs("ptflttoo"), Vec::<String>::new(), "`{expression}` left programs attached");
    }
}
