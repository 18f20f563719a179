//! pcap-filter(7) expressions, as tcpdump takes them, compiled to classic BPF without libpcap.
//!
//! ```
//! use ptstat_filter::{compile, DumpStyle, LinkType};
//!
//! let program = compile("tcp port 80 or icmp", LinkType::Ethernet).unwrap();
//! assert!(program.dump(DumpStyle::Readable).starts_with("(000) ldh      [12]"));
//! let arp_request = [0u8; 42];
//! assert!(!program.matches(&arp_request, 60));
//! ```
//!
//! The compiled program keeps exactly the packets libpcap 1.10's program keeps for the same
//! expression on Ethernet (`DLT_EN10MB`) and raw-IP (`DLT_RAW`) links, including on truncated
//! captures: tests run in the order libpcap's unoptimized program runs them, and a load past the
//! captured bytes drops the packet. The instructions themselves differ from libpcap's, which
//! come out of an optimizer.
//!
//! Stages, one module each: lexer → parser (an AST) → code generation (boolean trees of packet
//! tests) → jump layout → [`Program`] (Linux `struct sock_filter` instructions), run by the
//! interpreter or printed like `tcpdump -d`.
//!
//! # Direction
//! `inbound` and `outbound` compile, for [`CaptureSource::Live`], to a load of Linux's packet
//! type (`ldh [SKF_AD_OFF + SKF_AD_PKTTYPE]`, k = [`DIRECTION_LOAD_OFFSET`], printed `[type]`)
//! compared with [`PACKET_OUTGOING`]: `outbound` holds when it equals 4, `inbound` otherwise.
//! This is the load libpcap emits for live Linux captures; a kernel socket filter answers it
//! natively, and an eBPF translation must substitute the direction it knows. The interpreter
//! answers it from the direction given to [`Program::matches_with_direction`] and drops the
//! packet when none is given. For [`CaptureSource::File`] both words are errors, as in tcpdump.
//!
//! # Process terms
//! `pid N`, `pname NAME`, `container NAME`, ... (the [`terms`] module) compile to `ld [process terms]`
//! (k = [`PROCESS_TERMS_LOAD_OFFSET`]) and `jset #(1 << i)` for the program's i-th term in
//! [`Program::terms`]. Whoever runs the program answers which terms the packet's process matches:
//! the interpreter takes the word in [`Program::matches_with_terms`] (0, no term matched,
//! elsewhere), ptstat's kernel translation from the capture program. `-d` names the term after
//! each such `jset`.

mod ast;
mod codegen;
mod cond;
mod dump;
mod error;
mod interpreter;
mod lexer;
pub mod names;
mod optimize;
mod parser;
mod program;
pub mod terms;

pub use dump::DumpStyle;
pub use error::FilterError;
pub use program::{
    ACCEPT_SNAPLEN, DIRECTION_LOAD_OFFSET, Instruction, LOOP_LIMIT, MEMORY_WORDS, PACKET_HOST, PACKET_OUTGOING,
    PacketDirection, Program, SKF_AD_OFF, SKF_AD_PKTTYPE, opcode,
};
pub use terms::{MAX_TERMS, PROCESS_TERMS_LOAD_OFFSET, ProcessTerm, TermKind};

/// The link layer the packets start with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkType {
    /// Ethernet II / 802.3 (`DLT_EN10MB`, pcap link type 1).
    Ethernet,
    /// IPv4 or IPv6 without a link header (`DLT_RAW`, pcap link type 101).
    RawIp,
}

impl LinkType {
    /// The link type for a pcap/pcapng `LINKTYPE_` value, if this crate handles it.
    pub fn from_pcap_linktype(linktype: u32) -> Option<LinkType> {
        match linktype {
            1 => Some(LinkType::Ethernet),
            // LINKTYPE_RAW, and the DLT_RAW values some systems write instead.
            101 | 12 | 14 => Some(LinkType::RawIp),
            _ => None,
        }
    }

    /// The name libpcap uses for the link type in messages.
    pub fn display_name(self) -> &'static str {
        match self {
            LinkType::Ethernet => "Ethernet",
            LinkType::RawIp => "Raw IP",
        }
    }
}

/// Where the packets come from, which decides whether `inbound`/`outbound` can be answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CaptureSource {
    /// A capture file: packets carry no direction, so `inbound`/`outbound` are errors.
    #[default]
    File,
    /// A live capture that supplies each packet's direction.
    Live,
}

/// Compiles `expression` for packets read from a file with link type `link`.
pub fn compile(expression: &str, link: LinkType) -> Result<Program, FilterError> {
    compile_for(expression, link, CaptureSource::File)
}

/// Compiles `expression` for packets of link type `link` coming from `source`.
///
/// An empty expression accepts every packet. An expression whose result is known without
/// looking at the packet to be false (such as `arp` on a raw-IP link, or `1 = 2`) is refused
/// with "expression rejects all packets", as tcpdump refuses it; filters that can never match
/// for less obvious reasons (`ip and arp`) compile to programs that reject everything, where
/// tcpdump's optimizer would refuse some of them.
pub fn compile_for(expression: &str, link: LinkType, source: CaptureSource) -> Result<Program, FilterError> {
    let located = |error: error::Spanned| error.into_filter_error(expression);
    let tokens = lexer::tokenize(expression).map_err(located)?;
    let (cond, terms) = match parser::parse(&tokens, expression.len()).map_err(located)? {
        None => (cond::Cond::Constant(true), Vec::new()),
        Some(expr) => codegen::Generator::new(link, source).program(&expr, 0..expression.len()).map_err(located)?,
    };
    Ok(Program { instructions: cond::emit_program(&cond), terms })
}
