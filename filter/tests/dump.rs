//! The `-d`, `-dd` and `-ddd` listings, against hand-written expectations and, for programs
//! that are the same instruction for instruction, against tcpdump itself.

mod support;

use ptstat_filter::{DumpStyle, Instruction, LinkType, Program, compile, opcode::*};
use support::{pcap, tcpdump};

fn statement(code: u16, k: u32) -> Instruction {
    Instruction::statement(code, k)
}

/// One instruction of every kind, with the operand forms libpcap prints differently.
fn every_kind() -> Program {
    Program {
        instructions: vec![
            statement(LD | H | ABS, 12),
            Instruction::jump(JMP | JEQ | K, 0x800, 0, 27),
            statement(LD | W | ABS, 0xffff_fff0),
            statement(LD | B | ABS, 23),
            statement(LD | W | IND, 4),
            statement(LD | H | IND, 14),
            statement(LD | B | IND, 0),
            statement(LD | W | IMM, 0xdead),
            statement(LDX | W | IMM, 7),
            statement(LDX | B | MSH, 14),
            statement(LD | W | LEN, 0),
            statement(ST, 3),
            statement(STX, 15),
            statement(LD | W | MEM, 3),
            statement(LDX | W | MEM, 15),
            statement(ALU | ADD | K, 0xffff_ffff),
            statement(ALU | SUB | X, 0),
            statement(ALU | AND | K, 0xf0),
            statement(ALU | LSH | K, 2),
            statement(ALU | XOR | X, 0),
            statement(ALU | NEG, 0),
            statement(MISC | TAX, 0),
            statement(MISC | TXA, 0),
            statement(JMP | JA, 1),
            statement(LD | H | ABS, ptstat_filter::DIRECTION_LOAD_OFFSET),
            Instruction::jump(JMP | JGT | X, 0, 1, 0),
            Instruction::jump(JMP | JSET | K, 0x1fff, 0, 1),
            statement(RET | K, 262_144),
            statement(RET | A, 0),
            statement(0xffff, 0),
        ],
        terms: Vec::new(),
    }
}

#[test]
fn readable_listing() {
    let expected = "\
(000) ldh      [12]
(001) jeq      #0x800           jt 2\tjf 29
(002) ld       [-16]
(003) ldb      [23]
(004) ld       [x + 4]
(005) ldh      [x + 14]
(006) ldb      [x + 0]
(007) ld       #0xdead
(008) ldx      #0x7
(009) ldxb     4*([14]&0xf)
(010) ld       #pktlen
(011) st       M[3]
(012) stx      M[15]
(013) ld       M[3]
(014) ldx      M[15]
(015) add      #-1
(016) sub      x
(017) and      #0xf0
(018) lsh      #2
(019) xor      x
(020) neg      
(021) tax      
(022) txa      
(023) ja       25
(024) ldh      [type]
(025) jgt      x                jt 27\tjf 26
(026) jset     #0x1fff          jt 27\tjf 28
(027) ret      #262144
(028) ret      
(029) unimp    0xffff
";
    assert_eq!(every_kind().dump(DumpStyle::Readable), expected);
}

#[test]
fn c_array_and_decimal_listings() {
    let program = Program {
        instructions: vec![
            statement(LD | H | ABS, 12),
            Instruction::jump(JMP | JEQ | K, 0x86dd, 0, 1),
            statement(RET | K, 262_144),
            statement(RET | K, 0),
        ],
        terms: Vec::new(),
    };
    assert_eq!(
        program.dump(DumpStyle::CArray),
        "{ 0x28, 0, 0, 0x0000000c },\n{ 0x15, 0, 1, 0x000086dd },\n{ 0x6, 0, 0, 0x00040000 },\n\
         { 0x6, 0, 0, 0x00000000 },\n"
    );
    assert_eq!(program.dump(DumpStyle::Decimal), "4\n40 0 0 12\n21 0 1 34525\n6 0 0 262144\n6 0 0 0\n");
}

#[test]
fn jumps_back_print_their_target_as_tcpdump_does() {
    // `protochain`'s loop: `ja` with a negative offset, printed with the instruction it goes back to.
    let program = Program {
        instructions: vec![
            statement(LD | B | ABS, 20),
            Instruction::jump(JMP | JEQ | K, 6, 1, 0),
            statement(JMP | JA, 2u32.wrapping_neg()),
            statement(RET | K, 0),
        ],
        terms: Vec::new(),
    };
    assert_eq!(
        program.dump(DumpStyle::Readable),
        "(000) ldb      [20]\n(001) jeq      #0x6             jt 3\tjf 2\n(002) ja       1\n(003) ret      #0\n"
    );
    assert!(program.dump(DumpStyle::CArray).contains("{ 0x5, 0, 0, 0xfffffffe }"));
}

#[test]
fn simple_programs_print_exactly_as_tcpdump_prints_them() {
    if !tcpdump::available() {
        return;
    }
    let directory = std::env::temp_dir().join(format!("ptstat-filter-dump-{}", std::process::id()));
    std::fs::create_dir_all(&directory).expect("temporary directory");
    let cases = [
        (
            LinkType::Ethernet,
            1,
            &["ip", "arp", "rarp", "ip6", "ether proto 0x88cc", "greater 64", "pppoed", "pppoes", "pppoes 5 and ip"][..],
        ),
        (LinkType::RawIp, 101, &["ip", "ip6", "ip[9] = 6"][..]),
    ];
    for (link, linktype, expressions) in cases {
        let path = directory.join(format!("empty-{linktype}.pcap"));
        std::fs::write(&path, pcap::write(linktype, &[])).expect("write capture");
        for expression in expressions {
            let program = compile(expression, link).expect(expression);
            for (flag, style) in [("-d", DumpStyle::Readable), ("-dd", DumpStyle::CArray), ("-ddd", DumpStyle::Decimal)]
            {
                let theirs = tcpdump::dump(&path, flag, expression).expect("tcpdump compiles it");
                assert_eq!(program.dump(style), theirs, "{expression} {flag}");
            }
        }
    }
    let _ = std::fs::remove_dir_all(&directory);
}
