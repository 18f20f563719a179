//! Inputs no user would write: the compiler and the interpreter must answer them without
//! panicking, and errors must say what is wrong and where.

mod support;

use ptstat_filter::{
    CaptureSource, DumpStyle, Instruction, LOOP_LIMIT, LinkType, PacketDirection, Program, compile, compile_for,
    opcode::*,
};
use support::packets::{ethernet, ipv6, ipv6_extension, tcp};
use support::rng::Rng;

/// Tokens of the filter language and near misses, for random token soups.
const VOCABULARY: &[&str] = &[
    "host",
    "net",
    "port",
    "portrange",
    "proto",
    "src",
    "dst",
    "mask",
    "less",
    "greater",
    "len",
    "broadcast",
    "multicast",
    "and",
    "or",
    "not",
    "inbound",
    "outbound",
    "vlan",
    "mpls",
    "protochain",
    "pppoed",
    "pppoes",
    "ether",
    "link",
    "ip",
    "ip6",
    "arp",
    "rarp",
    "tcp",
    "udp",
    "sctp",
    "icmp",
    "icmp6",
    "igmp",
    "pim",
    "ah",
    "esp",
    "vrrp",
    "gateway",
    "pppoes",
    "tcp-syn",
    "icmptype",
    "0",
    "1",
    "80",
    "65536",
    "0x10",
    "4294967295",
    "4294967296",
    "08",
    "010",
    "10.0.0.1",
    "1.2",
    "1.2.3.4.5",
    "::1",
    "fe80::",
    "1::2::3",
    "aa:bb:cc:dd:ee:ff",
    "1:2:3",
    "foo",
    "\\tcp",
    "\\",
    "http-https",
    "http",
    "(",
    ")",
    "[",
    "]",
    ":",
    "+",
    "-",
    "*",
    "/",
    "%",
    "&",
    "|",
    "^",
    "<<",
    ">>",
    "=",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "!",
    "&&",
    "||",
    "/24",
    "é",
    "\0",
    "\"",
    "'",
];

fn random_packet(rng: &mut Rng) -> Vec<u8> {
    let len = rng.below(80);
    let mut packet = rng.bytes(len);
    // Often look like Ethernet/IPv4 so that deeper tests are reached.
    if len > 14 && rng.chance(50) {
        packet[12] = 0x08;
        packet[13] = 0x00;
        packet[14] = 0x45;
    }
    packet
}

/// Compiles `text` every way there is and, when it compiles, runs and prints the program.
fn exercise(text: &str, rng: &mut Rng) {
    for link in [LinkType::Ethernet, LinkType::RawIp] {
        for source in [CaptureSource::File, CaptureSource::Live] {
            match compile_for(text, link, source) {
                Ok(program) => exercise_program(&program, rng),
                Err(error) => assert!(!error.to_string().is_empty(), "empty error for {text:?}"),
            }
        }
    }
}

fn exercise_program(program: &Program, rng: &mut Rng) {
    for _ in 0..4 {
        let packet = random_packet(rng);
        let wire_len = packet.len() as u32 + rng.below(3) as u32;
        program.matches(&packet, wire_len);
        program.matches_with_direction(&packet, wire_len, PacketDirection::Outbound);
    }
    for style in [DumpStyle::Readable, DumpStyle::CArray, DumpStyle::Decimal] {
        program.dump(style);
    }
}

#[test]
fn random_bytes_never_panic_the_compiler() {
    let mut rng = Rng::new(1);
    for _ in 0..20_000 {
        let len = rng.below(40);
        let bytes: Vec<u8> = if rng.chance(50) {
            rng.bytes(len)
        } else {
            // Mostly printable, where the lexer has more to do.
            (0..len).map(|_| 0x20 + (rng.next_u64() % 0x5f) as u8).collect()
        };
        exercise(&String::from_utf8_lossy(&bytes), &mut rng);
    }
}

#[test]
fn token_soups_never_panic_the_compiler() {
    let mut rng = Rng::new(2);
    for _ in 0..30_000 {
        let count = 1 + rng.below(12);
        let separator = if rng.chance(80) { " " } else { "" };
        let text: Vec<&str> = (0..count).map(|_| *rng.pick(VOCABULARY)).collect();
        exercise(&text.join(separator), &mut rng);
    }
}

/// Expressions nested `depth` levels deep in each way the grammar allows.
fn nested_expressions(depth: usize) -> Vec<String> {
    vec![
        format!("{}ip{}", "(".repeat(depth), ")".repeat(depth)),
        format!("{}ip", "not ".repeat(depth)),
        format!("{}ip", "ip and ip or ".repeat(depth / 2)),
        format!("{}1 = 1", "1 + ".repeat(depth)),
        format!("{}1 = 1", "-".repeat(depth)),
        format!("ip[{}0{}] = 1", "ip[".repeat(depth), "]".repeat(depth)),
        format!("host {}1.2.3.4{}", "(".repeat(depth), ")".repeat(depth)),
        format!("host 1.2.3.4 and {}1.2.3.5", "not ".repeat(depth)),
        format!("{}ip[0]{} = 1", "(".repeat(depth), ")".repeat(depth)),
        format!("({}tcp[{}1{}] = 0)", "(".repeat(depth / 2), "(".repeat(depth / 2), ")".repeat(depth)),
        "(".repeat(depth),
    ]
}

#[test]
fn deep_nesting_is_refused_without_exhausting_the_stack() {
    // In a thread with a 2 MiB stack, as test threads and tokio workers have, in a debug build.
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            for text in nested_expressions(100_000) {
                let error = compile(&text, LinkType::Ethernet).expect_err("too deep to accept");
                assert!(error.message().contains("nested too deeply"), "{error}");
            }
            // Just within the limit every stage still runs.
            for text in nested_expressions(95) {
                let _ = compile(&text, LinkType::Ethernet);
            }
            let parenthesized = format!("{}tcp{}", "(".repeat(95), ")".repeat(95));
            compile(&parenthesized, LinkType::Ethernet).expect("95 parentheses compile");
        })
        .expect("spawn")
        .join()
        .expect("no stack overflow");
}

#[test]
fn protochain_steps_over_at_most_the_loop_limit_of_headers() {
    let program = compile("ip6 protochain 6", LinkType::Ethernet).expect("protochain compiles");
    // The walk jumps back once per hop-by-hop header it steps over.
    let chain = |headers: u32| {
        let segment = tcp(80, 1024, 0x02, b"");
        let inner = (0..headers).fold(segment, |inner, index| ipv6_extension(if index == 0 { 6 } else { 0 }, &inner));
        ethernet([2; 6], [4; 6], 0x86dd, &ipv6([0xfe; 16], [0xfd; 16], 0, &inner))
    };
    for (headers, kept) in [(1, true), (LOOP_LIMIT, true), (LOOP_LIMIT + 1, false)] {
        let frame = chain(headers);
        assert_eq!(program.matches(&frame, frame.len() as u32), kept, "{headers} headers");
    }
}

#[test]
fn long_chains_compile_with_long_jumps() {
    let ports: Vec<String> = (1..=2000).map(|port| format!("port {port}")).collect();
    let program = compile(&ports.join(" or "), LinkType::Ethernet).expect("long chain compiles");
    assert!(program.instructions.len() > 40_000);
    assert!(program.instructions.iter().any(|i| i.code == JMP | JA), "needs long jumps");
    let packet_to = |port: u16| {
        let mut frame = vec![0u8; 54];
        frame[12..14].copy_from_slice(&[0x08, 0x00]);
        frame[14] = 0x45;
        frame[23] = 17;
        frame[36..38].copy_from_slice(&port.to_be_bytes());
        frame
    };
    for (port, expected) in [(1, true), (1000, true), (2000, true), (2001, false), (0, false)] {
        assert_eq!(program.matches(&packet_to(port), 54), expected, "port {port}");
    }
}

#[test]
fn random_programs_never_panic_the_interpreter() {
    let codes: Vec<u16> = [
        LD | W | ABS,
        LD | H | ABS,
        LD | B | ABS,
        LD | W | IND,
        LD | H | IND,
        LD | B | IND,
        LD | W | IMM,
        LD | W | LEN,
        LD | W | MEM,
        LDX | W | IMM,
        LDX | W | MEM,
        LDX | W | LEN,
        LDX | B | MSH,
        ST,
        STX,
        ALU | ADD | X,
        ALU | SUB | K,
        ALU | MUL | X,
        ALU | DIV | X,
        ALU | DIV | K,
        ALU | MOD | X,
        ALU | MOD | K,
        ALU | AND | K,
        ALU | OR | X,
        ALU | XOR | K,
        ALU | LSH | X,
        ALU | RSH | X,
        ALU | LSH | K,
        ALU | NEG,
        JMP | JA,
        JMP | JEQ | K,
        JMP | JGT | X,
        JMP | JGE | K,
        JMP | JSET | X,
        RET | K,
        RET | A,
        RET | X,
        MISC | TAX,
        MISC | TXA,
    ]
    .to_vec();
    let mut rng = Rng::new(3);
    for _ in 0..20_000 {
        let len = rng.below(24);
        let instructions = (0..len)
            .map(|_| {
                let code = if rng.chance(90) { *rng.pick(&codes) } else { rng.next_u64() as u16 };
                let k = match rng.below(4) {
                    0 => rng.below(20) as u32,
                    1 => rng.next_u64() as u32,
                    2 => u32::MAX - rng.below(8) as u32,
                    _ => ptstat_filter::DIRECTION_LOAD_OFFSET,
                };
                Instruction::jump(code, k, rng.next_u64() as u8, rng.next_u64() as u8)
            })
            .collect();
        exercise_program(&Program { instructions, terms: Vec::new() }, &mut rng);
    }
}

#[test]
fn errors_name_the_problem_and_where() {
    let cases = [
        ("tcp and", "syntax error", 8),
        ("host foo", "unknown host 'foo'", 6),
        ("tcp port 99999", "illegal port number 99999 > 65535", 10),
        ("ip[0:3] = 1", "data size must be 1, 2, or 4", 6),
        ("tcp and (udp or", "syntax error", 16),
        ("ip proto tcp", "escaped with a backslash", 10),
        ("port ntp and tcp port ntp", "port 'ntp' is udp", 23),
        ("ip[0] = 08", "number 08 contains non-octal digit", 9),
        ("vlan 5000", "VLAN tag 5000 greater than maximum 4095", 1),
        ("ip and llc", "'llc' is not supported", 8),
        ("pppoes 65536", "PPPoE session number 65536 greater than maximum 65535", 1),
        ("tcp protochain 6", "bad protocol applied for 'protochain'", 1),
        ("ip $ tcp", "unexpected character '$'", 4),
        // Code generation's errors come before those of libpcap's optimizer.
        ("ip[0] << (0 + 40) = 1 and host foo", "unknown host 'foo'", 32),
    ];
    for (text, message, column) in cases {
        let error = compile(text, LinkType::Ethernet).expect_err(text);
        let shown = error.to_string();
        assert!(error.message().contains(message), "{text:?}: {shown}");
        assert!(shown.contains(&format!("column {column}")), "{text:?}: {shown}");
    }
    assert!(compile("arp", LinkType::RawIp).unwrap_err().message().contains("rejects all packets"));
    // libpcap leaves programs with `protochain` unoptimized, so its optimizer refuses nothing there.
    for text in ["1 = 2 and protochain 6", "protochain 6 and ip[0] << (0 + 40) = 1"] {
        assert!(compile(text, LinkType::Ethernet).is_ok(), "{text}");
    }
}

#[test]
fn inbound_and_outbound_need_a_live_capture() {
    let error = compile("inbound", LinkType::Ethernet).unwrap_err();
    assert_eq!(error.message(), "inbound/outbound not supported on Ethernet when reading savefiles");
    let error = compile("outbound", LinkType::RawIp).unwrap_err();
    assert_eq!(error.message(), "inbound/outbound not supported on Raw IP when reading savefiles");

    let frame = [0u8; 60];
    for (expression, inbound, outbound) in [("inbound", true, false), ("outbound", false, true)] {
        let program = compile_for(expression, LinkType::Ethernet, CaptureSource::Live).unwrap();
        assert!(program.uses_direction());
        assert!(program.dump(DumpStyle::Readable).starts_with("(000) ldh      [type]\n"));
        assert_eq!(program.matches_with_direction(&frame, 60, PacketDirection::Inbound), inbound);
        assert_eq!(program.matches_with_direction(&frame, 60, PacketDirection::Outbound), outbound);
        // Without a direction the load fails, like a load past the packet.
        assert!(!program.matches(&frame, 60));
    }
    let program = compile_for("tcp and outbound", LinkType::Ethernet, CaptureSource::Live).unwrap();
    assert!(!program.matches_with_direction(&frame, 60, PacketDirection::Outbound));
    assert!(!compile("tcp", LinkType::Ethernet).unwrap().uses_direction());
}
