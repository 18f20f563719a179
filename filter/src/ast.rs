//! The parsed expression, before any meaning is given to names, addresses or qualifiers.

use crate::terms::ProcessTerm;
use std::net::Ipv6Addr;
use std::ops::Range;

/// The protocol words usable as qualifiers (`tcp port 80`), as primitives (`tcp`) and as the
/// layer of a byte access (`tcp[13]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// `ether`, `link` and their aliases: the link-layer header.
    Link,
    Ip,
    Ip6,
    Arp,
    Rarp,
    Tcp,
    Udp,
    Sctp,
    Icmp,
    Icmp6,
    Igmp,
    Igrp,
    Pim,
    Vrrp,
    Carp,
    Ah,
    Esp,
}

impl Protocol {
    /// The keyword as written in expressions (the first spelling for the link layer).
    pub fn keyword(self) -> &'static str {
        match self {
            Protocol::Link => "link",
            Protocol::Ip => "ip",
            Protocol::Ip6 => "ip6",
            Protocol::Arp => "arp",
            Protocol::Rarp => "rarp",
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Sctp => "sctp",
            Protocol::Icmp => "icmp",
            Protocol::Icmp6 => "icmp6",
            Protocol::Igmp => "igmp",
            Protocol::Igrp => "igrp",
            Protocol::Pim => "pim",
            Protocol::Vrrp => "vrrp",
            Protocol::Carp => "carp",
            Protocol::Ah => "ah",
            Protocol::Esp => "esp",
        }
    }
}

/// `src`, `dst`, `src or dst` (the default) and `src and dst`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    Src,
    Dst,
    #[default]
    SrcOrDst,
    SrcAndDst,
}

/// What kind of thing the id names: `host`, `net`, `port`, `portrange`, `proto` or
/// `protochain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AddressKind {
    /// No type word: a host for addresses and names, as in libpcap.
    #[default]
    Default,
    Host,
    Net,
    Port,
    Portrange,
    Proto,
    /// The protocol anywhere in the chain of IPv4/IPv6 headers, past extension headers and AH.
    Protochain,
}

/// The qualifiers in front of an id. An id after `and`/`or` with no qualifiers of its own
/// (`host a or b`) reuses the ones of the primitive before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Qualifiers {
    pub protocol: Option<Protocol>,
    pub direction: Direction,
    pub kind: AddressKind,
}

/// A boolean expression. Runs of the same operator are kept in one list, evaluated left to
/// right, so long `or` chains of hosts or ports do not nest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    All(Vec<Expr>),
    Any(Vec<Expr>),
    Not(Box<Expr>),
    Primitive(Primitive, Range<usize>),
}

impl Expr {
    /// `self and right` (`is_and`) or `self or right`, extending a list of the same operator.
    pub fn join(self, is_and: bool, right: Expr) -> Expr {
        match (self, is_and) {
            (Expr::All(mut items), true) | (Expr::Any(mut items), false) => {
                items.push(right);
                if is_and { Expr::All(items) } else { Expr::Any(items) }
            }
            (left, true) => Expr::All(vec![left, right]),
            (left, false) => Expr::Any(vec![left, right]),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Primitive {
    /// `[proto] [dir] [type] id`, such as `tcp dst port 80` or `net 10.0.0.0/8`.
    Qualified(Qualifiers, Id),
    /// A protocol word alone: `ip`, `tcp`, `ether` (the last one is an error).
    Protocol(Protocol),
    /// `[ether|ip|ip6] broadcast`.
    Broadcast(Option<Protocol>),
    /// `[ether|ip|ip6] multicast`.
    Multicast(Option<Protocol>),
    /// `less N`: the wire length is at most N.
    Less(u32),
    /// `greater N`: the wire length is at least N.
    Greater(u32),
    Relation(Arith, Relation, Arith),
    Inbound,
    Outbound,
    Vlan(Option<u32>),
    Mpls(Option<u32>),
    /// `pppoed`: a PPPoE discovery packet.
    PppoeDiscovery,
    /// `pppoes [session]`: a PPPoE session packet; everything after it looks inside the PPP frame.
    PppoeSession(Option<u32>),
    /// `geneve [vni]`: a Geneve packet (UDP port 6081); everything after it looks inside the
    /// encapsulated frame.
    Geneve(Option<u32>),
    /// A process, container or pod term (crate::terms).
    Process(ProcessTerm),
}

/// The thing a qualified primitive names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Id {
    Number(u32),
    /// A word: a host, port, protocol or range such as `http-https`, resolved by code generation.
    Name(String),
    /// A dotted IPv4 address or prefix, as written (`10.1` is a /16 network).
    Ipv4(String),
    /// `a.b.c.d/len`.
    Ipv4Prefix(String, u32),
    /// `a.b.c.d mask m.m.m.m`.
    Ipv4Masked(String, String),
    Ipv6(Ipv6Addr),
    Ipv6Prefix(Ipv6Addr, u32),
    Mac([u8; 6]),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    And,
    Or,
    Xor,
    Shl,
    Shr,
}

/// An arithmetic expression over packet bytes, unsigned 32-bit as in classic BPF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arith {
    Constant(u32),
    /// `len`: the packet's length on the wire.
    Length,
    /// `proto[index : size]`.
    Load {
        protocol: Protocol,
        index: Box<Arith>,
        size: u32,
        span: Range<usize>,
    },
    Binary(BinaryOp, Box<Arith>, Box<Arith>, Range<usize>),
    Negate(Box<Arith>),
}
