//! Splits an expression into tokens the way libpcap's scanner does.
//!
//! libpcap's scanner is a flex lexer: at each position the longest match among all token
//! shapes wins, and on equal length the earlier rule wins. `next_token` reproduces that by
//! measuring every shape that can start at the position and taking the longest, with ties going
//! to the shape listed first in [`Shape`]. The shapes that matter are numbers, dotted IPv4
//! prefixes, IPv6 addresses, MAC addresses and names; keywords and named constants are names
//! with a reserved spelling.

use crate::ast::Protocol;
use crate::error::{Result, Spanned};
use crate::terms::{self, ProcessTerm};
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenKind {
    Keyword(Keyword),
    /// A number, or a named constant such as `tcp-syn`, which libpcap's scanner turns into one.
    Number(u32),
    /// Two to four dot-separated numbers (`10.1`, `192.168.0.1`), still as written.
    Ipv4(String),
    /// An IPv6 address, already checked to be one.
    Ipv6(std::net::Ipv6Addr),
    /// A MAC address, as six bytes.
    Mac([u8; 6]),
    /// Any other word, or a backslash-escaped word with the backslash removed.
    Name(String),
    Punct(Punct),
    /// A process, container or pod term with its value (crate::terms).
    Term(ProcessTerm),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyword {
    Src,
    Dst,
    Host,
    Net,
    Mask,
    Port,
    Portrange,
    Proto,
    Protochain,
    Less,
    Greater,
    Len,
    Broadcast,
    Multicast,
    And,
    Or,
    Not,
    Inbound,
    Outbound,
    Vlan,
    Mpls,
    Pppoed,
    Pppoes,
    Geneve,
    Protocol(Protocol),
    /// A word libpcap reserves for a feature this crate does not implement.
    Unsupported(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Punct {
    LParen,
    RParen,
    LBracket,
    RBracket,
    Colon,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Amp,
    Pipe,
    Caret,
    Shl,
    Shr,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Words with a meaning of their own. `&&`, `||` and `!` are spelled with punctuation but mean
/// the same as `and`, `or` and `not`, so they share the keyword.
const KEYWORDS: &[(&str, Keyword)] = &[
    ("src", Keyword::Src),
    ("dst", Keyword::Dst),
    ("host", Keyword::Host),
    ("net", Keyword::Net),
    ("mask", Keyword::Mask),
    ("port", Keyword::Port),
    ("portrange", Keyword::Portrange),
    ("proto", Keyword::Proto),
    ("protochain", Keyword::Protochain),
    ("less", Keyword::Less),
    ("greater", Keyword::Greater),
    ("len", Keyword::Len),
    ("broadcast", Keyword::Broadcast),
    ("multicast", Keyword::Multicast),
    ("and", Keyword::And),
    ("or", Keyword::Or),
    ("not", Keyword::Not),
    ("inbound", Keyword::Inbound),
    ("outbound", Keyword::Outbound),
    ("vlan", Keyword::Vlan),
    ("mpls", Keyword::Mpls),
    ("pppoed", Keyword::Pppoed),
    ("pppoes", Keyword::Pppoes),
    ("geneve", Keyword::Geneve),
    ("link", Keyword::Protocol(Protocol::Link)),
    ("ether", Keyword::Protocol(Protocol::Link)),
    ("ppp", Keyword::Protocol(Protocol::Link)),
    ("slip", Keyword::Protocol(Protocol::Link)),
    ("fddi", Keyword::Protocol(Protocol::Link)),
    ("tr", Keyword::Protocol(Protocol::Link)),
    ("wlan", Keyword::Protocol(Protocol::Link)),
    ("ip", Keyword::Protocol(Protocol::Ip)),
    ("ip6", Keyword::Protocol(Protocol::Ip6)),
    ("arp", Keyword::Protocol(Protocol::Arp)),
    ("rarp", Keyword::Protocol(Protocol::Rarp)),
    ("tcp", Keyword::Protocol(Protocol::Tcp)),
    ("udp", Keyword::Protocol(Protocol::Udp)),
    ("sctp", Keyword::Protocol(Protocol::Sctp)),
    ("icmp", Keyword::Protocol(Protocol::Icmp)),
    ("icmp6", Keyword::Protocol(Protocol::Icmp6)),
    ("igmp", Keyword::Protocol(Protocol::Igmp)),
    ("igrp", Keyword::Protocol(Protocol::Igrp)),
    ("pim", Keyword::Protocol(Protocol::Pim)),
    ("vrrp", Keyword::Protocol(Protocol::Vrrp)),
    ("carp", Keyword::Protocol(Protocol::Carp)),
    ("ah", Keyword::Protocol(Protocol::Ah)),
    ("esp", Keyword::Protocol(Protocol::Esp)),
];

/// libpcap keywords for link types, protocols and capture sources this crate does not handle
/// (802.11, ATM, SS7, pf logs, OSI, AppleTalk, DECnet, ...). They are still
/// reserved words, so they never become host names; using one is reported as unsupported.
const UNSUPPORTED_KEYWORDS: &[&str] = &[
    "gateway",
    "byte",
    "radio",
    "atalk",
    "aarp",
    "decnet",
    "lat",
    "sca",
    "moprc",
    "mopdl",
    "iso",
    "esis",
    "es-is",
    "isis",
    "is-is",
    "l1",
    "l2",
    "iih",
    "lsp",
    "snp",
    "csnp",
    "psnp",
    "clnp",
    "stp",
    "ipx",
    "netbeui",
    "ifindex",
    "lane",
    "llc",
    "metac",
    "bcc",
    "oam",
    "oamf4",
    "oamf4e",
    "oamf4s",
    "sc",
    "ilmic",
    "vpi",
    "vci",
    "connectmsg",
    "metaconnect",
    "on",
    "ifname",
    "rnr",
    "rulenum",
    "reason",
    "rset",
    "ruleset",
    "srnr",
    "subrulenum",
    "action",
    "fisu",
    "lssu",
    "lsu",
    "sio",
    "opc",
    "dpc",
    "sls",
    "hfisu",
    "hlssu",
    "hmsu",
    "hsio",
    "hopc",
    "hdpc",
    "hsls",
    "type",
    "subtype",
    "direction",
    "dir",
    "address1",
    "address2",
    "address3",
    "address4",
    "addr1",
    "addr2",
    "addr3",
    "addr4",
    "ra",
    "ta",
];

/// Names libpcap's scanner turns into numbers: header field offsets and field values.
const NAMED_CONSTANTS: &[(&str, u32)] = &[
    ("icmptype", 0),
    ("icmpcode", 1),
    ("icmp-echoreply", 0),
    ("icmp-unreach", 3),
    ("icmp-sourcequench", 4),
    ("icmp-redirect", 5),
    ("icmp-echo", 8),
    ("icmp-routeradvert", 9),
    ("icmp-routersolicit", 10),
    ("icmp-timxceed", 11),
    ("icmp-paramprob", 12),
    ("icmp-tstamp", 13),
    ("icmp-tstampreply", 14),
    ("icmp-ireq", 15),
    ("icmp-ireqreply", 16),
    ("icmp-maskreq", 17),
    ("icmp-maskreply", 18),
    ("icmp6type", 0),
    ("icmp6code", 1),
    ("icmp6-destinationunreach", 1),
    ("icmp6-packettoobig", 2),
    ("icmp6-timeexceeded", 3),
    ("icmp6-parameterproblem", 4),
    ("icmp6-echo", 128),
    ("icmp6-echoreply", 129),
    ("icmp6-multicastlistenerquery", 130),
    ("icmp6-multicastlistenerreportv1", 131),
    ("icmp6-multicastlistenerdone", 132),
    ("icmp6-routersolicit", 133),
    ("icmp6-routeradvert", 134),
    ("icmp6-neighborsolicit", 135),
    ("icmp6-neighboradvert", 136),
    ("icmp6-redirect", 137),
    ("icmp6-routerrenum", 138),
    ("icmp6-nodeinformationquery", 139),
    ("icmp6-nodeinformationresponse", 140),
    ("icmp6-ineighbordiscoverysolicit", 141),
    ("icmp6-ineighbordiscoveryadvert", 142),
    ("icmp6-multicastlistenerreportv2", 143),
    ("icmp6-homeagentdiscoveryrequest", 144),
    ("icmp6-homeagentdiscoveryreply", 145),
    ("icmp6-mobileprefixsolicit", 146),
    ("icmp6-mobileprefixadvert", 147),
    ("icmp6-certpathsolicit", 148),
    ("icmp6-certpathadvert", 149),
    ("icmp6-multicastrouteradvert", 151),
    ("icmp6-multicastroutersolicit", 152),
    ("icmp6-multicastrouterterm", 153),
    ("tcpflags", 13),
    ("tcp-fin", 0x01),
    ("tcp-syn", 0x02),
    ("tcp-rst", 0x04),
    ("tcp-push", 0x08),
    ("tcp-ack", 0x10),
    ("tcp-urg", 0x20),
    ("tcp-ece", 0x40),
    ("tcp-cwr", 0x80),
];

/// Two-character operators come first so that the longest spelling wins.
const PUNCTUATION: &[(&str, TokenKind)] = &[
    ("&&", TokenKind::Keyword(Keyword::And)),
    ("||", TokenKind::Keyword(Keyword::Or)),
    ("<<", TokenKind::Punct(Punct::Shl)),
    (">>", TokenKind::Punct(Punct::Shr)),
    ("<=", TokenKind::Punct(Punct::Le)),
    (">=", TokenKind::Punct(Punct::Ge)),
    ("!=", TokenKind::Punct(Punct::Ne)),
    ("==", TokenKind::Punct(Punct::Eq)),
    ("!", TokenKind::Keyword(Keyword::Not)),
    ("(", TokenKind::Punct(Punct::LParen)),
    (")", TokenKind::Punct(Punct::RParen)),
    ("[", TokenKind::Punct(Punct::LBracket)),
    ("]", TokenKind::Punct(Punct::RBracket)),
    (":", TokenKind::Punct(Punct::Colon)),
    ("+", TokenKind::Punct(Punct::Plus)),
    ("-", TokenKind::Punct(Punct::Minus)),
    ("*", TokenKind::Punct(Punct::Star)),
    ("/", TokenKind::Punct(Punct::Slash)),
    ("%", TokenKind::Punct(Punct::Percent)),
    ("&", TokenKind::Punct(Punct::Amp)),
    ("|", TokenKind::Punct(Punct::Pipe)),
    ("^", TokenKind::Punct(Punct::Caret)),
    ("=", TokenKind::Punct(Punct::Eq)),
    ("<", TokenKind::Punct(Punct::Lt)),
    (">", TokenKind::Punct(Punct::Gt)),
];

/// The token shapes that compete for the longest match, in libpcap's rule order: on equal
/// length the one listed first wins (a 12-digit string is a MAC address, `12` is a number,
/// `1.2.3.4` is an address rather than a name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Shape {
    Reserved,
    Mac,
    Number,
    Ipv4,
    Ipv6,
    BogusMac,
    Name,
}

pub fn tokenize(input: &str) -> Result<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut position = 0;
    while let Some(token) = next_token(input, &mut position)? {
        tokens.push(token);
    }
    Ok(tokens)
}

fn next_token(input: &str, position: &mut usize) -> Result<Option<Token>> {
    let bytes = input.as_bytes();
    while bytes.get(*position).is_some_and(|b| b" \t\r\n".contains(b)) {
        *position += 1;
    }
    let start = *position;
    let Some(&first) = bytes.get(start) else {
        return Ok(None);
    };
    let rest = &input[start..];

    if first == b'\\' {
        // An escaped word runs to the next blank, '!' or parenthesis, whatever it contains.
        let len = rest[1..].find([' ', '!', '(', ')', '\n', '\t']).unwrap_or(rest.len() - 1);
        if len > 0 {
            *position = start + 1 + len;
            let name = rest[1..=len].to_string();
            return Ok(Some(Token { kind: TokenKind::Name(name), span: start..*position }));
        }
    }

    let candidates = [
        (Shape::Mac, mac_length(rest)),
        (Shape::Number, number_length(rest)),
        (Shape::Ipv4, ipv4_length(rest)),
        (Shape::Ipv6, ipv6_length(rest)),
        (Shape::BogusMac, bogus_mac_length(rest)),
        (Shape::Name, name_length(rest)),
    ];
    let mut best = candidates
        .into_iter()
        .filter(|&(_, len)| len > 0)
        // Longest first; on equal length the earlier shape.
        .min_by_key(|&(shape, len)| (std::cmp::Reverse(len), shape));
    if let Some((Shape::Name, len)) = best
        && is_reserved(&rest[..len])
    {
        best = Some((Shape::Reserved, len));
    }

    let Some((shape, len)) = best else {
        return punctuation(rest, start, position).map(Some);
    };
    *position = start + len;
    let text = &rest[..len];
    let span = start..*position;
    let kind = match shape {
        Shape::Reserved => reserved_word(text),
        Shape::Mac => TokenKind::Mac(parse_mac(text)),
        Shape::Number => TokenKind::Number(parse_number(text, &span)?),
        Shape::Ipv4 => TokenKind::Ipv4(text.to_string()),
        Shape::Ipv6 => match text.parse() {
            Ok(address) => TokenKind::Ipv6(address),
            Err(_) => return Err(Spanned::new(format!("bogus IPv6 address {text}"), span)),
        },
        Shape::BogusMac => {
            return Err(Spanned::new(format!("bogus ethernet address {text}"), span));
        }
        Shape::Name if terms::starts_term(text) => match terms::read_term(input, text, position)? {
            Some((term, value)) => return Ok(Some(Token { kind: TokenKind::Term(term), span: span.start..value.end })),
            None => TokenKind::Name(text.to_string()),
        },
        Shape::Name => TokenKind::Name(text.to_string()),
    };
    Ok(Some(Token { kind, span }))
}

fn punctuation(rest: &str, start: usize, position: &mut usize) -> Result<Token> {
    for (spelling, kind) in PUNCTUATION {
        if rest.starts_with(spelling) {
            *position = start + spelling.len();
            return Ok(Token { kind: kind.clone(), span: start..*position });
        }
    }
    let character = rest.chars().next().unwrap_or(' ');
    Err(Spanned::new(
        format!("unexpected character '{}'", character.escape_default()),
        start..start + character.len_utf8(),
    ))
}

fn is_reserved(word: &str) -> bool {
    KEYWORDS.iter().any(|(spelling, _)| *spelling == word)
        || UNSUPPORTED_KEYWORDS.contains(&word)
        || NAMED_CONSTANTS.iter().any(|(spelling, _)| *spelling == word)
}

fn reserved_word(word: &str) -> TokenKind {
    if let Some((_, keyword)) = KEYWORDS.iter().find(|(spelling, _)| *spelling == word) {
        return TokenKind::Keyword(*keyword);
    }
    if let Some((_, value)) = NAMED_CONSTANTS.iter().find(|(spelling, _)| *spelling == word) {
        return TokenKind::Number(*value);
    }
    match UNSUPPORTED_KEYWORDS.iter().find(|spelling| **spelling == word) {
        Some(spelling) => TokenKind::Keyword(Keyword::Unsupported(spelling)),
        None => TokenKind::Name(word.to_string()),
    }
}

fn count_while(text: &str, accept: impl Fn(u8) -> bool) -> usize {
    text.bytes().take_while(|&b| accept(b)).count()
}

/// `0x` followed by hex digits, or decimal digits (octal when they start with 0, which is
/// checked when the value is computed, as libpcap does).
fn number_length(text: &str) -> usize {
    let bytes = text.as_bytes();
    if bytes.len() > 2 && bytes[0] == b'0' && (bytes[1] | 0x20) == b'x' {
        let hex = count_while(&text[2..], |b| b.is_ascii_hexdigit());
        if hex > 0 {
            return 2 + hex;
        }
    }
    count_while(text, |b| b.is_ascii_digit())
}

/// Two, three or four numbers joined by dots.
fn ipv4_length(text: &str) -> usize {
    let mut end = number_length(text);
    if end == 0 {
        return 0;
    }
    let mut best = 0;
    for _ in 0..3 {
        if text.as_bytes().get(end) != Some(&b'.') {
            break;
        }
        let part = number_length(&text[end + 1..]);
        if part == 0 {
            break;
        }
        end += 1 + part;
        best = end;
    }
    best
}

/// The longest prefix that has the shape of an IPv6 address: groups of one to four hex
/// digits separated by colons, at most one `::`, optionally ending in a dotted IPv4 address.
fn ipv6_length(text: &str) -> usize {
    // No IPv6 address is longer than this (8 groups of 4 with an IPv4 tail); bounding the
    // search keeps lexing linear on long runs of digits and colons.
    const LONGEST: usize = 45;
    let run = count_while(text, |b| b.is_ascii_hexdigit() || b == b':' || b == b'.').min(LONGEST);
    if !text[..run].contains(':') {
        return 0;
    }
    (2..=run).rev().find(|&len| has_ipv6_shape(&text[..len])).unwrap_or(0)
}

fn has_ipv6_shape(text: &str) -> bool {
    let compressed = text.matches("::").count();
    if compressed > 1 || text.contains(":::") {
        return false;
    }
    let (head, tail) = match text.split_once("::") {
        Some((head, tail)) => (head, Some(tail)),
        None => (text, None),
    };
    let mut groups = 0;
    let mut parts: Vec<&str> = Vec::new();
    if !head.is_empty() {
        parts.extend(head.split(':'));
    }
    if let Some(tail) = tail
        && !tail.is_empty()
    {
        parts.extend(tail.split(':'));
    }
    let last = parts.len().saturating_sub(1);
    for (index, part) in parts.iter().enumerate() {
        if index == last && part.contains('.') {
            if ipv4_length(part) != part.len() || part.matches('.').count() != 3 {
                return false;
            }
            groups += 2;
        } else if (1..=4).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_hexdigit()) {
            groups += 1;
        } else {
            return false;
        }
    }
    if compressed == 1 { groups <= 7 } else { groups == 8 }
}

/// One or two hex digits.
fn mac_byte_length(text: &str) -> usize {
    count_while(text, |b| b.is_ascii_hexdigit()).min(2)
}

/// `xx:xx:xx:xx:xx:xx` (or with `-` or `.` throughout), `xxxx.xxxx.xxxx` or twelve hex digits.
fn mac_length(text: &str) -> usize {
    let hex_run = count_while(text, |b| b.is_ascii_hexdigit());
    let mut best = if hex_run == 12 { 12 } else { 0 };
    for separator in [b':', b'-', b'.'] {
        let mut end = 0;
        let mut complete = true;
        for group in 0..6 {
            if group > 0 {
                if text.as_bytes().get(end) != Some(&separator) {
                    complete = false;
                    break;
                }
                end += 1;
            }
            let digits = mac_byte_length(&text[end..]);
            if digits == 0 {
                complete = false;
                break;
            }
            end += digits;
        }
        if complete {
            best = best.max(end);
        }
    }
    let dotted_words = text.as_bytes().get(..14).is_some_and(|head| {
        head.iter().enumerate().all(
            |(index, b)| {
                if index == 4 || index == 9 { *b == b'.' } else { b.is_ascii_hexdigit() }
            },
        )
    });
    if dotted_words {
        best = best.max(14);
    }
    best
}

/// libpcap rejects `xx:` followed by more `xx:` groups that do not form a MAC address (for
/// example `1:2:3:4:5:6:7`) with its own "bogus ethernet address" error.
fn bogus_mac_length(text: &str) -> usize {
    let mut end = 0;
    let mut units = 0;
    loop {
        let digits = mac_byte_length(&text[end..]);
        let colons = count_while(&text[end + digits..], |b| b == b':');
        if digits == 0 || colons == 0 {
            break;
        }
        end += digits + colons;
        units += 1;
    }
    if units >= 2 { end } else { 0 }
}

/// A letter or digit, then letters, digits, `-`, `_` and `.`, not ending in `-` or `_`.
fn name_length(text: &str) -> usize {
    if !text.as_bytes().first().is_some_and(u8::is_ascii_alphanumeric) {
        return 0;
    }
    let run = count_while(text, |b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    text.as_bytes()[..run].iter().rposition(|b| b.is_ascii_alphanumeric() || *b == b'.').map_or(0, |last| last + 1)
}

fn parse_number(text: &str, span: &Range<usize>) -> Result<u32> {
    let (digits, radix) = if let Some(hex) = text.strip_prefix("0x").or(text.strip_prefix("0X")) {
        (hex, 16)
    } else if text.len() > 1 && text.starts_with('0') {
        if text.bytes().any(|b| b == b'8' || b == b'9') {
            return Err(Spanned::new(format!("number {text} contains non-octal digit"), span.clone()));
        }
        (&text[1..], 8)
    } else {
        (text, 10)
    };
    u32::from_str_radix(digits, radix)
        .map_err(|_| Spanned::new(format!("number {text} overflows 32 bits"), span.clone()))
}

/// Converts any of the shapes accepted by `mac_length`. In the twelve-digit and
/// `xxxx.xxxx.xxxx` forms every two digits are a byte; in the separated forms each group is one
/// byte, even when written with a single digit.
fn parse_mac(text: &str) -> [u8; 6] {
    let values: Vec<u8> = if text.len() == 12 || text.len() == 14 && text.matches('.').count() == 2 {
        let digits: Vec<u8> = text.bytes().filter(u8::is_ascii_hexdigit).collect();
        digits.chunks(2).map(hex_group_value).collect()
    } else {
        text.split([':', '-', '.']).map(|group| hex_group_value(group.as_bytes())).collect()
    };
    let mut bytes = [0u8; 6];
    for (slot, value) in bytes.iter_mut().zip(values) {
        *slot = value;
    }
    bytes
}

fn hex_group_value(digits: &[u8]) -> u8 {
    digits.iter().fold(0u8, |acc, &digit| acc << 4 | hex_value(digit))
}

fn hex_value(digit: u8) -> u8 {
    (digit as char).to_digit(16).map_or(0, |value| value as u8)
}
