//! Gives each primitive its meaning: which header fields it reads and how it compares them,
//! as libpcap 1.10 does for Ethernet and raw-IP links.
//!
//! Primitives are visited left to right. `vlan`, `mpls`, `pppoes` and `geneve` move the offsets
//! of everything after them in the expression, so the generator carries the current offsets as
//! state (and, after `pppoes`, the PPP framing that replaces Ethernet's). Past `geneve` the
//! offsets are only known at run time: the program computes them into scratch slots and loads
//! relative to those. Each
//! primitive becomes a [`Cond`] whose tests run in the order libpcap's unoptimized program runs
//! them; that order decides which packets a truncated capture drops.

use crate::ast::{AddressKind, Arith, BinaryOp, Direction, Expr, Id, Primitive, Protocol, Qualifiers, Relation};
use crate::cond::Cond;
use crate::error::{Result, Spanned};
use crate::names::{self, ServiceProtocols};
use crate::program::{DIRECTION_LOAD_OFFSET, Instruction, MEMORY_WORDS, PACKET_OUTGOING, opcode::*};
use crate::terms::{MAX_TERMS, PROCESS_TERMS_LOAD_OFFSET, ProcessTerm};
use crate::{CaptureSource, LinkType};
use std::net::Ipv6Addr;
use std::ops::Range;

const ETHERTYPE_IP: u32 = 0x0800;
const ETHERTYPE_ARP: u32 = 0x0806;
const ETHERTYPE_RARP: u32 = 0x8035;
const ETHERTYPE_IPV6: u32 = 0x86dd;
const ETHERTYPE_MPLS: u32 = 0x8847;
const ETHERTYPE_PPPOE_DISCOVERY: u32 = 0x8863;
const ETHERTYPE_PPPOE_SESSION: u32 = 0x8864;
/// Transparent Ethernet bridging: the Geneve protocol type of an encapsulated Ethernet frame.
const ETHERTYPE_TRANSPARENT_ETHERNET_BRIDGING: u32 = 0x6558;
/// The PPP protocol number of MPLS unicast, which `mpls` looks for in a PPP frame.
const PPP_MPLS_UNICAST: u32 = 0x0281;
/// Tag protocol identifiers `vlan` accepts: 802.1Q, 802.1ad and the old QinQ value.
const VLAN_TPIDS: [u32; 3] = [0x8100, 0x88a8, 0x9100];
/// Type fields up to this value are 802.3 lengths, followed by an LLC header.
const ETHERMTU: u32 = 1500;

const IPPROTO_ICMP: u32 = 1;
const IPPROTO_IGMP: u32 = 2;
const IPPROTO_IGRP: u32 = 9;
const IPPROTO_TCP: u32 = 6;
const IPPROTO_UDP: u32 = 17;
const IPPROTO_HOP_BY_HOP: u32 = 0;
const IPPROTO_ROUTING: u32 = 43;
const IPPROTO_FRAGMENT: u32 = 44;
const IPPROTO_NONE: u32 = 59;
const IPPROTO_DESTINATION_OPTIONS: u32 = 60;
const IPPROTO_ESP: u32 = 50;
const IPPROTO_AH: u32 = 51;
const IPPROTO_ICMPV6: u32 = 58;
const IPPROTO_PIM: u32 = 103;
const IPPROTO_VRRP: u32 = 112;
const IPPROTO_SCTP: u32 = 132;

const IPV6_HEADER_LEN: u32 = 40;
const MAX_VLAN_ID: u32 = 4095;
const MAX_MPLS_LABEL: u32 = 0xf_ffff;
const MAX_PPPOE_SESSION: u32 = 0xffff;
const GENEVE_PORT: u32 = 6081;
const MAX_GENEVE_VNI: u32 = 0xff_ffff;

/// How the packet is framed where the next primitive looks: as the capture's link type says,
/// or as PPP once `pppoes` has stepped into a PPPoE session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    Ethernet,
    RawIp,
    Ppp,
}

impl Framing {
    /// The name libpcap gives the link type in messages.
    fn display_name(self) -> &'static str {
        match self {
            Framing::Ethernet => LinkType::Ethernet.display_name(),
            Framing::RawIp => LinkType::RawIp.display_name(),
            Framing::Ppp => "PPP",
        }
    }
}

/// Where a header or field starts: a constant number of bytes into the packet, or that many
/// bytes past a position the program computed at run time and keeps in a scratch slot (past a
/// Geneve header, whose length only the packet tells).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Offset {
    slot: Option<u32>,
    constant: u32,
}

impl Offset {
    const fn fixed(constant: u32) -> Offset {
        Offset { slot: None, constant }
    }

    const fn in_slot(slot: u32) -> Offset {
        Offset { slot: Some(slot), constant: 0 }
    }

    /// `delta` bytes further on; past the end of the address space a load simply fails.
    fn add(self, delta: u32) -> Offset {
        Offset { constant: self.constant.saturating_add(delta), ..self }
    }

    /// `delta` bytes back, wrapping around as libpcap's unsigned offsets do (a load there fails).
    fn back(self, delta: u32) -> Offset {
        Offset { constant: self.constant.wrapping_sub(delta), ..self }
    }
}

/// The scratch slots holding the offsets a `geneve` computed: of its encapsulated frame's link
/// header and of that frame's payload. They are equal when no Ethernet header follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct GeneveFrame {
    link_header_slot: u32,
    payload_slot: u32,
}

pub struct Generator {
    framing: Framing,
    source: CaptureSource,
    /// Where the link-layer header starts, the base of `ether[...]`: the PPP header after
    /// `pppoes`, the encapsulated frame after `geneve`.
    link_header_offset: Offset,
    /// Where the Ethernet type field is; each `vlan` moves it past the tag.
    ether_type_offset: Offset,
    /// Where the network-layer header starts; each `vlan` and `mpls` moves it by 4.
    network_offset: Offset,
    /// Set by `geneve` until `pppoes` replaces the link layer: Ethernet addresses are only
    /// looked for when the encapsulated frame has an Ethernet header.
    geneve_frame: Option<GeneveFrame>,
    /// Scratch slots below this one hold offsets computed by `geneve`; arithmetic uses the
    /// ones from here up.
    first_free_slot: u32,
    /// The registers (scratch slots) libpcap keeps allocated for the rest of the expression:
    /// three per `geneve`, for its offsets, and one per `protochain` without `ip` or `ip6`,
    /// which its code never frees. libpcap refuses an expression that needs more than 16 at
    /// once, "too many registers needed to evaluate expression".
    libpcap_registers_kept: u32,
    /// How many `mpls` primitives came before: past the first, protocols are recognised by
    /// the bottom-of-stack bit and the IP version instead of the Ethernet type.
    mpls_depth: u32,
    /// Whether a primitive libpcap cannot optimize (`protochain`, whose program loops) came up:
    /// libpcap then leaves the whole program unoptimized, so the refusals only its optimizer
    /// makes do not happen.
    unoptimized: bool,
    /// The first refusal libpcap's optimizer would make, reported once the whole expression
    /// has been generated (the optimizer runs after code generation) unless `unoptimized`.
    optimizer_error: Option<Spanned>,
    /// The distinct process terms met so far: term i is tested by bit i of the terms word.
    terms: Vec<ProcessTerm>,
}

impl Generator {
    pub fn new(link: LinkType, source: CaptureSource) -> Self {
        let (framing, ether_type_offset, network_offset) = match link {
            LinkType::Ethernet => (Framing::Ethernet, 12, 14),
            LinkType::RawIp => (Framing::RawIp, 0, 0),
        };
        Generator {
            framing,
            source,
            link_header_offset: Offset::fixed(0),
            ether_type_offset: Offset::fixed(ether_type_offset),
            network_offset: Offset::fixed(network_offset),
            geneve_frame: None,
            first_free_slot: 0,
            libpcap_registers_kept: 0,
            mpls_depth: 0,
            unoptimized: false,
            optimizer_error: None,
            terms: Vec::new(),
        }
    }

    /// The condition for the whole expression, or the refusals libpcap makes after code
    /// generation: those of its optimizer, and "expression rejects all packets" for a
    /// condition known without looking at the packet to be false (an error that spans `whole`,
    /// the whole expression).
    /// The condition comes with the process terms it tests, in bit order.
    pub fn program(mut self, expr: &Expr, whole: Range<usize>) -> Result<(Cond, Vec<ProcessTerm>)> {
        let cond = self.expr(expr)?;
        if self.unoptimized {
            return Ok((cond, self.terms));
        }
        if let Some(error) = self.optimizer_error {
            return Err(error);
        }
        if cond == Cond::Constant(false) {
            return Err(Spanned::new("expression rejects all packets", whole));
        }
        Ok((cond, self.terms))
    }

    pub fn expr(&mut self, expr: &Expr) -> Result<Cond> {
        Ok(match expr {
            Expr::All(items) => {
                let mut all = Cond::Constant(true);
                for item in items {
                    all = all.and(self.expr(item)?);
                }
                all
            }
            Expr::Any(items) => {
                let mut any = Cond::Constant(false);
                let mut rest = &items[..];
                while let Some(item) = rest.first() {
                    if let Some((ports, taken)) = self.port_run(rest)? {
                        any = any.or(ports);
                        rest = &rest[taken..];
                    } else {
                        any = any.or(self.expr(item)?);
                        rest = &rest[1..];
                    }
                }
                any
            }
            Expr::Not(inner) => self.expr(inner)?.negate(),
            Expr::Primitive(primitive, span) => self.primitive(primitive, span)?,
        })
    }

    fn primitive(&mut self, primitive: &Primitive, span: &Range<usize>) -> Result<Cond> {
        match primitive {
            Primitive::Qualified(qualifiers, id) => self.qualified(qualifiers, id, span),
            Primitive::Protocol(protocol) => self.protocol(*protocol, span),
            Primitive::Broadcast(protocol) => self.broadcast(*protocol, span),
            Primitive::Multicast(protocol) => self.multicast(*protocol, span),
            Primitive::Less(length) => Ok(length_test(JGT, *length).negate()),
            Primitive::Greater(length) => Ok(length_test(JGE, *length)),
            Primitive::Relation(left, relation, right) => self.relation(left, *relation, right, span),
            Primitive::Inbound => Ok(self.direction(span)?.negate()),
            Primitive::Outbound => self.direction(span),
            Primitive::Vlan(tag) => self.vlan(*tag, span),
            Primitive::Mpls(label) => self.mpls(*label, span),
            Primitive::PppoeDiscovery => self.link_protocol(ETHERTYPE_PPPOE_DISCOVERY, span),
            Primitive::PppoeSession(session) => self.pppoe_session(*session, span),
            Primitive::Geneve(vni) => self.geneve(*vni, span),
            Primitive::Process(term) => self.process_term(term, span),
        }
    }

    /// `jset` of the term's bit in the word of matched terms; a term written twice shares its bit.
    fn process_term(&mut self, term: &ProcessTerm, span: &Range<usize>) -> Result<Cond> {
        let index = match self.terms.iter().position(|known| known == term) {
            Some(index) => index,
            None if self.terms.len() < MAX_TERMS => {
                self.terms.push(term.clone());
                self.terms.len() - 1
            }
            None => {
                return Err(Spanned::new(
                    format!("more than {MAX_TERMS} different process terms in one expression"),
                    span.clone(),
                ));
            }
        };
        let load = Instruction::statement(LD | W | ABS, PROCESS_TERMS_LOAD_OFFSET);
        Ok(Cond::test(vec![load], JMP | JSET | K, 1 << index))
    }

    /// Offset `delta` bytes into the network-layer header.
    fn network(&self, delta: u32) -> Offset {
        self.network_offset.add(delta)
    }

    /// The packet carries the protocol with Ethernet type `ether_type` (the test libpcap calls
    /// the link type check), in whatever way the link and the preceding `mpls` show it.
    fn link_protocol(&self, ether_type: u32, span: &Range<usize>) -> Result<Cond> {
        let ip_version = |version: u32| masked_eq(B, self.network(0), 0xf0, version << 4);
        match self.framing {
            Framing::RawIp => Ok(match ether_type {
                ETHERTYPE_IP => ip_version(4),
                ETHERTYPE_IPV6 => ip_version(6),
                _ => Cond::Constant(false),
            }),
            _ if self.mpls_depth > 0 => {
                // The last label must be the bottom of the stack, then the IP version decides.
                let bottom_of_stack = masked_eq(B, self.network_offset.back(2), 1, 1);
                match ether_type {
                    ETHERTYPE_IP => Ok(bottom_of_stack.and(ip_version(4))),
                    ETHERTYPE_IPV6 => Ok(bottom_of_stack.and(ip_version(6))),
                    _ => Err(Spanned::new("unsupported protocol over mpls", span.clone())),
                }
            }
            Framing::Ethernet => Ok(self.ether_type(ether_type)),
            Framing::Ppp => Ok(field_eq(H, self.ether_type_offset, ppp_protocol(ether_type))),
        }
    }

    /// The Ethernet type test, including libpcap's special cases: values up to 1500 name an
    /// 802.2 SAP, and AppleTalk, AARP and IPX are also recognised in SNAP/LLC encapsulation.
    fn ether_type(&self, value: u32) -> Cond {
        let type_field = self.ether_type_offset;
        let llc = self.network_offset;
        let is_length = field_test(H, type_field, JGT, ETHERMTU).negate();
        let snap =
            |oui_and_type: u32, control: u32| field_eq(W, llc.add(4), oui_and_type).and(field_eq(W, llc, control));
        match value {
            // AppleTalk: its own type, or SNAP with Apple's OUI.
            0x809b => field_eq(H, type_field, value).or(is_length.and(snap(0x0007_809b, 0xaaaa_0308))),
            // AppleTalk ARP: its own type, or SNAP with a zero OUI.
            0x80f3 => field_eq(H, type_field, value).or(is_length.and(snap(value, 0xaaaa_0300))),
            // IPX's SAP: the IPX type, SNAP, the IPX SAP, or raw 802.3 (0xffff checksum).
            0xe0 => field_eq(H, type_field, 0x8137)
                .or(is_length.and(snap(0x8137, 0xaaaa_0300).or(field_eq(B, llc, value)).or(field_eq(H, llc, 0xffff)))),
            // IP, NetBEUI and OSI SAPs are checked as both DSAP and SSAP.
            0x06 | 0xf0 | 0xfe => is_length.and(field_eq(H, llc, value << 8 | value)),
            _ if value <= ETHERMTU => is_length.and(field_eq(B, llc, value)),
            _ => field_eq(H, type_field, value),
        }
    }

    fn ipv4_protocol(&self, protocol: u32, span: &Range<usize>) -> Result<Cond> {
        Ok(self.link_protocol(ETHERTYPE_IP, span)?.and(field_eq(B, self.network(9), protocol)))
    }

    /// IPv6 next header, also looking past one fragment header as libpcap does.
    fn ipv6_protocol(&self, protocol: u32, span: &Range<usize>) -> Result<Cond> {
        let next_header = self.network(6);
        let after_fragment =
            field_eq(B, next_header, IPPROTO_FRAGMENT).and(field_eq(B, self.network(IPV6_HEADER_LEN), protocol));
        Ok(self.link_protocol(ETHERTYPE_IPV6, span)?.and(field_eq(B, next_header, protocol).or(after_fragment)))
    }

    fn ip_or_ipv6_protocol(&self, protocol: u32, span: &Range<usize>) -> Result<Cond> {
        Ok(self.ipv4_protocol(protocol, span)?.or(self.ipv6_protocol(protocol, span)?))
    }

    /// The IPv4 fragment offset is zero: only the first fragment has the transport header.
    fn first_fragment(&self) -> Cond {
        field_test(H, self.network(6), JSET, 0x1fff).negate()
    }

    /// A protocol word on its own: `ip`, `arp`, `tcp`, `icmp6`, ...
    fn protocol(&self, protocol: Protocol, span: &Range<usize>) -> Result<Cond> {
        match protocol {
            Protocol::Link => Err(Spanned::new("link layer applied in wrong context", span.clone())),
            Protocol::Ip => self.link_protocol(ETHERTYPE_IP, span),
            Protocol::Ip6 => self.link_protocol(ETHERTYPE_IPV6, span),
            Protocol::Arp => self.link_protocol(ETHERTYPE_ARP, span),
            Protocol::Rarp => self.link_protocol(ETHERTYPE_RARP, span),
            Protocol::Icmp6 => self.ipv6_protocol(IPPROTO_ICMPV6, span),
            Protocol::Icmp => self.ipv4_protocol(IPPROTO_ICMP, span),
            Protocol::Igmp => self.ipv4_protocol(IPPROTO_IGMP, span),
            Protocol::Igrp => self.ipv4_protocol(IPPROTO_IGRP, span),
            Protocol::Vrrp | Protocol::Carp => self.ipv4_protocol(IPPROTO_VRRP, span),
            Protocol::Tcp => self.ip_or_ipv6_protocol(IPPROTO_TCP, span),
            Protocol::Udp => self.ip_or_ipv6_protocol(IPPROTO_UDP, span),
            Protocol::Sctp => self.ip_or_ipv6_protocol(IPPROTO_SCTP, span),
            Protocol::Pim => self.ip_or_ipv6_protocol(IPPROTO_PIM, span),
            Protocol::Ah => self.ip_or_ipv6_protocol(IPPROTO_AH, span),
            Protocol::Esp => self.ip_or_ipv6_protocol(IPPROTO_ESP, span),
        }
    }

    fn qualified(&mut self, qualifiers: &Qualifiers, id: &Id, span: &Range<usize>) -> Result<Cond> {
        match qualifiers.kind {
            AddressKind::Port | AddressKind::Portrange => self.port(qualifiers, id, span),
            AddressKind::Proto => self.proto(qualifiers, id, span),
            AddressKind::Protochain => self.protochain(qualifiers, id, span),
            AddressKind::Default | AddressKind::Host | AddressKind::Net => self.address(qualifiers, id, span),
        }
    }

    fn address(&self, qualifiers: &Qualifiers, id: &Id, span: &Range<usize>) -> Result<Cond> {
        let error = |message: String| Err(Spanned::new(message, span.clone()));
        let is_net = qualifiers.kind == AddressKind::Net;
        let is_link = qualifiers.protocol == Some(Protocol::Link);
        match id {
            Id::Mac(mac) if is_link && !is_net => self.ether_host(mac, qualifiers.direction, span),
            Id::Mac(_) => error("ethernet address used in non-ether expression".into()),
            Id::Name(name) if is_net => error(format!("unknown network '{name}'")),
            Id::Name(name) if is_link => error(format!("unknown ether host '{name}'")),
            // Resolving host names needs a resolver; this crate never consults one.
            Id::Name(name) => error(format!("unknown host '{name}'")),
            _ if is_link => error("illegal link layer address".into()),
            Id::Number(number) => {
                let (address, mask) = if is_net { promote_network_number(*number) } else { (*number, u32::MAX) };
                self.ipv4_host(address, mask, qualifiers, span)
            }
            Id::Ipv4(text) => {
                let (address, mask) = parse_dotted(text, span)?;
                self.ipv4_host(address, mask, qualifiers, span)
            }
            Id::Ipv4Prefix(text, length) => {
                if !is_net {
                    return error("Mask syntax for networks only".into());
                }
                if *length > 32 {
                    return error("mask length must be <= 32".into());
                }
                let (address, _) = parse_dotted(text, span)?;
                let mask = u32::MAX.checked_shl(32 - length).unwrap_or(0);
                if address & !mask != 0 {
                    return error(format!("non-network bits set in \"{text}/{length}\""));
                }
                self.ipv4_host(address, mask, qualifiers, span)
            }
            Id::Ipv4Masked(text, mask_text) => {
                if !is_net {
                    return error("Mask syntax for networks only".into());
                }
                let (address, _) = parse_dotted(text, span)?;
                let (mask, _) = parse_dotted(mask_text, span)?;
                if address & !mask != 0 {
                    return error(format!("non-network bits set in \"{text} mask {mask_text}\""));
                }
                self.ipv4_host(address, mask, qualifiers, span)
            }
            Id::Ipv6(address) => self.ipv6_host(address, 128, qualifiers, span),
            Id::Ipv6Prefix(address, length) => {
                if *length > 128 {
                    return error("mask length must be <= 128".into());
                }
                if !is_net && *length != 128 {
                    return error("Mask syntax for networks only".into());
                }
                let mask = u128::MAX.checked_shl(128 - length).unwrap_or(0);
                if u128::from(*address) & !mask != 0 {
                    return error(format!("non-network bits set in \"{address}/{length}\""));
                }
                self.ipv6_host(address, *length, qualifiers, span)
            }
        }
    }

    /// An IPv4 address or network in the IP header, or in ARP/RARP sender and target fields.
    fn ipv4_host(&self, address: u32, mask: u32, qualifiers: &Qualifiers, span: &Range<usize>) -> Result<Cond> {
        let value = address & mask;
        let fields = |ether_type: u32, source: u32, destination: u32| -> Result<Cond> {
            let field = |offset: u32| -> Result<Cond> {
                Ok(self.link_protocol(ether_type, span)?.and(masked_eq(W, self.network(offset), mask, value)))
            };
            Ok(combine_directions(qualifiers.direction, field(source)?, field(destination)?))
        };
        let ip = || fields(ETHERTYPE_IP, 12, 16);
        let arp = || fields(ETHERTYPE_ARP, 14, 24);
        let rarp = || fields(ETHERTYPE_RARP, 14, 24);
        match qualifiers.protocol {
            // ARP and RARP cannot be inside MPLS, so libpcap leaves them out there.
            None if self.mpls_depth > 0 => ip(),
            None => Ok(ip()?.or(arp()?).or(rarp()?)),
            Some(Protocol::Ip) => ip(),
            Some(Protocol::Arp) => arp(),
            Some(Protocol::Rarp) => rarp(),
            Some(Protocol::Ip6) => Err(Spanned::new("'ip6' modifier applied to ip host", span.clone())),
            Some(protocol) => {
                Err(Spanned::new(format!("'{}' modifier applied to host", protocol.keyword()), span.clone()))
            }
        }
    }

    fn ipv6_host(
        &self,
        address: &Ipv6Addr,
        prefix_length: u32,
        qualifiers: &Qualifiers,
        span: &Range<usize>,
    ) -> Result<Cond> {
        match qualifiers.protocol {
            None | Some(Protocol::Ip6) => {}
            Some(protocol) => {
                return Err(Spanned::new(
                    format!("'{}' modifier applied to ip6 host", protocol.keyword()),
                    span.clone(),
                ));
            }
        }
        let mask = u128::MAX.checked_shl(128 - prefix_length).unwrap_or(0);
        let value = u128::from(*address) & mask;
        let word = |value: u128, index: u32| (value >> (96 - 32 * index)) as u32;
        let field = |offset: u32| -> Result<Cond> {
            // All four words are loaded even where the mask is zero, as libpcap does, so a
            // truncated address drops the packet the same way.
            let words = (0..4).fold(Cond::Constant(true), |words, index| {
                words.and(masked_eq(W, self.network(offset + 4 * index), word(mask, index), word(value, index)))
            });
            Ok(self.link_protocol(ETHERTYPE_IPV6, span)?.and(words))
        };
        Ok(combine_directions(qualifiers.direction, field(8)?, field(24)?))
    }

    fn ether_host(&self, mac: &[u8; 6], direction: Direction, span: &Range<usize>) -> Result<Cond> {
        self.require_ethernet(span)?;
        let high = u32::from(u16::from_be_bytes([mac[0], mac[1]]));
        let low = u32::from_be_bytes([mac[2], mac[3], mac[4], mac[5]]);
        let field = |offset: u32| {
            let address = self.link_header_offset.add(offset);
            field_eq(W, address.add(2), low).and(field_eq(H, address, high))
        };
        Ok(self.ethernet_header_present().and(combine_directions(direction, field(6), field(0))))
    }

    /// After `geneve`, Ethernet addresses exist only when the encapsulated frame has an
    /// Ethernet header, that is when its link header does not start where its payload does.
    fn ethernet_header_present(&self) -> Cond {
        match self.geneve_frame {
            None => Cond::Constant(true),
            Some(frame) => Cond::test(
                vec![
                    Instruction::statement(LD | W | MEM, frame.link_header_slot),
                    Instruction::statement(LDX | W | MEM, frame.payload_slot),
                ],
                JMP | JEQ | X,
                0,
            )
            .negate(),
        }
    }

    fn require_ethernet(&self, span: &Range<usize>) -> Result<()> {
        match self.framing {
            Framing::Ethernet => Ok(()),
            Framing::RawIp | Framing::Ppp => Err(Spanned::new(
                "ethernet addresses supported only on ethernet/FDDI/token ring/802.11/ATM \
                 LANE/Fibre Channel",
                span.clone(),
            )),
        }
    }

    /// `port` and `portrange`, over TCP, UDP and SCTP in IPv6 and in first IPv4 fragments.
    fn port(&self, qualifiers: &Qualifiers, id: &Id, span: &Range<usize>) -> Result<Cond> {
        self.ports(qualifiers.direction, &[port_numbers(qualifiers, id, span)?], span)
    }

    /// Whether any of `wanted` (one or more, all over the same protocols) holds, `direction` choosing the port
    /// fields. Each field is tested against every number of the list in turn, as libpcap's optimizer leaves a run
    /// of ports: the program loads each field once, not once per port (crate::optimize keeps the loads of a
    /// primitive).
    fn ports(&self, direction: Direction, wanted: &[PortNumbers], span: &Range<usize>) -> Result<Cond> {
        let protocols = &wanted[0].protocols;
        let matches = |port_value: Vec<Instruction>| {
            Cond::any(wanted.iter().map(|numbers| {
                if numbers.is_range {
                    Cond::test(port_value.clone(), JMP | JGE | K, numbers.low)
                        .and(Cond::test(port_value.clone(), JMP | JGT | K, numbers.high).negate())
                } else {
                    Cond::test(port_value.clone(), JMP | JEQ | K, numbers.low)
                }
            }))
        };
        let ipv6_port = |offset: u32| load(H, self.network(IPV6_HEADER_LEN + offset));
        let ipv6 = self.link_protocol(ETHERTYPE_IPV6, span)?.and(Cond::any(protocols.iter().map(|&protocol| {
            field_eq(B, self.network(6), protocol).and(combine_directions(
                direction,
                matches(ipv6_port(0)),
                matches(ipv6_port(2)),
            ))
        })));
        let ipv4 = self.link_protocol(ETHERTYPE_IP, span)?.and(Cond::any(protocols.iter().map(|&protocol| {
            field_eq(B, self.network(9), protocol).and(self.first_fragment()).and(combine_directions(
                direction,
                matches(self.transport_load(H, 0)),
                matches(self.transport_load(H, 2)),
            ))
        })));
        Ok(ipv6.or(ipv4))
    }

    /// A `port` or `portrange` primitive at the start of `items`, with those joined to it by `or` that have the same
    /// protocol qualifier and direction over the same protocols (`port 80 or port 443 or 8080`): their condition,
    /// and how many items it takes. Tested as one (Self::ports), a run keeps the packets its primitives keep one
    /// after another, except a packet cut short between its source and destination port: there the first
    /// primitive's load of the destination port drops it, where libpcap's optimized program (tcpdump's) keeps it
    /// for a source port later in the run, as this does. `src and dst` primitives are not joined: each wants both
    /// fields equal to its own number.
    fn port_run(&self, items: &[Expr]) -> Result<Option<(Cond, usize)>> {
        let Some((first, id, span)) = items.first().and_then(joinable_port) else { return Ok(None) };
        let mut wanted = vec![port_numbers(&first, id, span)?];
        for item in &items[1..] {
            let Some((qualifiers, id, span)) = joinable_port(item) else { break };
            if (qualifiers.protocol, qualifiers.direction) != (first.protocol, first.direction) {
                break;
            }
            let numbers = port_numbers(&qualifiers, id, span)?;
            if numbers.protocols != wanted[0].protocols {
                break;
            }
            wanted.push(numbers);
        }
        Ok(Some((self.ports(first.direction, &wanted, span)?, wanted.len())))
    }

    /// Statements loading a field at `offset` in the transport header of an IPv4 packet, whose
    /// position depends on the IP header length.
    fn transport_load(&self, size: u16, offset: u32) -> Vec<Instruction> {
        let mut statements = self.transport_index();
        statements.push(Instruction::statement(LD | size | IND, self.network_offset.constant.saturating_add(offset)));
        statements
    }

    /// Statements leaving in X where the IPv4 transport header starts, less the constant part
    /// of the network header's offset: the IP header length, plus the part computed at run
    /// time if there is one.
    fn transport_index(&self) -> Vec<Instruction> {
        let network = self.network_offset;
        match network.slot {
            None => vec![Instruction::statement(LDX | B | MSH, network.constant)],
            Some(slot) => vec![
                Instruction::statement(LDX | W | MEM, slot),
                Instruction::statement(LD | B | IND, network.constant),
                Instruction::statement(ALU | AND | K, 0xf),
                Instruction::statement(ALU | LSH | K, 2),
                Instruction::statement(ALU | ADD | X, 0),
                Instruction::statement(MISC | TAX, 0),
            ],
        }
    }

    /// `[ip|ip6|ether] proto N` and the names they accept.
    fn proto(&self, qualifiers: &Qualifiers, id: &Id, span: &Range<usize>) -> Result<Cond> {
        let number = protocol_number(qualifiers, id, span)?;
        match qualifiers.protocol {
            None => Ok(self.ipv4_protocol(number, span)?.or(self.ipv6_protocol(number, span)?)),
            Some(Protocol::Ip) => self.ipv4_protocol(number, span),
            Some(Protocol::Ip6) => self.ipv6_protocol(number, span),
            Some(Protocol::Link) => self.link_protocol(number, span),
            Some(protocol) => {
                Err(Spanned::new(format!("'{}' cannot be qualified by 'proto'", protocol.keyword()), span.clone()))
            }
        }
    }

    /// `[ip|ip6] protochain N`: the protocol N in the IPv4 or IPv6 header, or after any chain
    /// of IPv6 extension headers and AH headers.
    fn protochain(&mut self, qualifiers: &Qualifiers, id: &Id, span: &Range<usize>) -> Result<Cond> {
        let number = protocol_number(qualifiers, id, span)?;
        if !matches!(qualifiers.protocol, None | Some(Protocol::Ip | Protocol::Ip6)) {
            return Err(Spanned::new("bad protocol applied for 'protochain'", span.clone()));
        }
        // The walk steps through the headers from a constant network-layer offset.
        let Offset { slot: None, constant: network_offset } = self.network_offset else {
            return Err(Spanned::new("'protochain' not supported with variable length headers", span.clone()));
        };
        // libpcap holds a register for the walk, and one more for each version's walk when
        // the primitive has both: the first one is never freed.
        let unqualified = qualifiers.protocol.is_none();
        self.reserve_libpcap_registers(1 + u32::from(unqualified), span)?;
        self.libpcap_registers_kept += u32::from(unqualified);
        let ipv4 = |generator: &Self| -> Result<Cond> {
            let walk = Self::header_chain_walk(network_offset, number, false);
            Ok(generator.link_protocol(ETHERTYPE_IP, span)?.and(Cond::test(walk, JMP | JEQ | K, number)))
        };
        let ipv6 = |generator: &Self| -> Result<Cond> {
            let walk = Self::header_chain_walk(network_offset, number, true);
            Ok(generator.link_protocol(ETHERTYPE_IPV6, span)?.and(Cond::test(walk, JMP | JEQ | K, number)))
        };
        let cond = match qualifiers.protocol {
            Some(Protocol::Ip) => ipv4(self)?,
            Some(Protocol::Ip6) => ipv6(self)?,
            _ => ipv4(self)?.or(ipv6(self)?),
        };
        self.unoptimized = true;
        Ok(cond)
    }

    /// Statements that walk the header chain as libpcap's `protochain` does, leaving in A the
    /// first next-header value that is `wanted`, "no next header" (59), or none of the headers
    /// the walk steps over; the packet is dropped where the walk reads past its end.
    ///
    /// X holds the offset of the current header from the network layer, A its protocol. IPv6
    /// hop-by-hop, routing, fragment and destination-options headers are stepped over by their
    /// length field, `(len + 1) * 8` bytes. AH (in IPv4 too) takes libpcap's arithmetic as it
    /// is: X becomes `(len + 2) * 4`, the AH header's own length, not added to its offset.
    /// That can send the walk back to where it was, so the loop is bounded only by
    /// [`crate::LOOP_LIMIT`] (libpcap would loop forever on such a packet).
    fn header_chain_walk(header: u32, wanted: u32, ipv6: bool) -> Vec<Instruction> {
        let mut walk = Walk::default();
        if ipv6 {
            walk.push(Instruction::statement(LD | B | ABS, header.saturating_add(6)));
            walk.push(Instruction::statement(LDX | W | IMM, IPV6_HEADER_LEN));
        } else {
            walk.push(Instruction::statement(LD | B | ABS, header.saturating_add(9)));
            walk.push(Instruction::statement(LDX | B | MSH, header));
        }
        let again = walk.here();
        walk.jump_if(wanted, WalkLabel::End, WalkLabel::Next);
        walk.jump_if(IPPROTO_NONE, WalkLabel::End, WalkLabel::Next);
        if ipv6 {
            let extensions = [IPPROTO_HOP_BY_HOP, IPPROTO_DESTINATION_OPTIONS, IPPROTO_ROUTING, IPPROTO_FRAGMENT];
            for (index, extension) in extensions.into_iter().enumerate() {
                let otherwise = if index == extensions.len() - 1 { WalkLabel::AhCheck } else { WalkLabel::Next };
                walk.jump_if(extension, WalkLabel::Extension, otherwise);
            }
            // An extension header: its next header, then its length in 8-byte units past the first 8.
            walk.bind(WalkLabel::Extension);
            walk.push(Instruction::statement(LD | B | IND, header));
            walk.push(Instruction::statement(ST, 0));
            walk.push(Instruction::statement(LD | B | IND, header.saturating_add(1)));
            walk.push(Instruction::statement(ALU | ADD | K, 1));
            walk.push(Instruction::statement(ALU | MUL | K, 8));
            walk.push(Instruction::statement(ALU | ADD | X, 0));
            walk.push(Instruction::statement(MISC | TAX, 0));
            walk.push(Instruction::statement(LD | W | MEM, 0));
            walk.jump_back(again);
        }
        walk.bind(WalkLabel::AhCheck);
        walk.jump_if(IPPROTO_AH, WalkLabel::Next, WalkLabel::End);
        // AH: its next header, then its length in 4-byte units minus 2.
        walk.push(Instruction::statement(MISC | TXA, 0));
        walk.push(Instruction::statement(LD | B | IND, header));
        walk.push(Instruction::statement(ST, 0));
        walk.push(Instruction::statement(MISC | TXA, 0));
        walk.push(Instruction::statement(ALU | ADD | K, 1));
        walk.push(Instruction::statement(MISC | TAX, 0));
        walk.push(Instruction::statement(LD | B | IND, header));
        walk.push(Instruction::statement(ALU | ADD | K, 2));
        walk.push(Instruction::statement(ALU | MUL | K, 4));
        walk.push(Instruction::statement(MISC | TAX, 0));
        walk.push(Instruction::statement(LD | W | MEM, 0));
        walk.jump_back(again);
        walk.finish()
    }

    fn broadcast(&self, protocol: Option<Protocol>, span: &Range<usize>) -> Result<Cond> {
        match protocol {
            None | Some(Protocol::Link) => match self.framing {
                Framing::Ethernet => Ok(self.ethernet_header_present().and(
                    field_eq(W, self.link_header_offset.add(2), u32::MAX).and(field_eq(
                        H,
                        self.link_header_offset,
                        0xffff,
                    )),
                )),
                Framing::RawIp | Framing::Ppp => Err(Spanned::new("not a broadcast link", span.clone())),
            },
            Some(Protocol::Ip) => {
                // Without the capture interface's netmask (as when reading files), only the
                // all-zeroes and all-ones destinations count, as in libpcap.
                let destination = self.network(16);
                Ok(self.link_protocol(ETHERTYPE_IP, span)?.and(field_eq(W, destination, 0).or(field_eq(
                    W,
                    destination,
                    u32::MAX,
                ))))
            }
            Some(_) => Err(Spanned::new("only link-layer/IP broadcast filters supported", span.clone())),
        }
    }

    fn multicast(&self, protocol: Option<Protocol>, span: &Range<usize>) -> Result<Cond> {
        match protocol {
            None | Some(Protocol::Link) => match self.framing {
                Framing::Ethernet => {
                    Ok(self.ethernet_header_present().and(field_test(B, self.link_header_offset, JSET, 1)))
                }
                Framing::RawIp | Framing::Ppp => Err(Spanned::new(
                    "link-layer multicast filters supported only on ethernet/FDDI/token \
                     ring/ARCNET/802.11/ATM LANE/Fibre Channel",
                    span.clone(),
                )),
            },
            Some(Protocol::Ip) => {
                Ok(self.link_protocol(ETHERTYPE_IP, span)?.and(field_test(B, self.network(16), JGE, 224)))
            }
            Some(Protocol::Ip6) => {
                Ok(self.link_protocol(ETHERTYPE_IPV6, span)?.and(field_eq(B, self.network(24), 0xff)))
            }
            Some(_) => Err(Spanned::new(
                "only IP multicast filters supported on ethernet/FDDI/token ring/ARCNET/802.11/\
                 ATM LANE/Fibre Channel",
                span.clone(),
            )),
        }
    }

    /// `outbound`: the packet type the live capture provides says the host sent it.
    fn direction(&self, span: &Range<usize>) -> Result<Cond> {
        match self.source {
            // libpcap adds the link header's offset to the special offset too, so after `pppoes`
            // the load reads another special offset, which drops the packet here.
            CaptureSource::Live => {
                let link = self.link_header_offset;
                let offset = Offset { constant: DIRECTION_LOAD_OFFSET.wrapping_add(link.constant), ..link };
                Ok(field_eq(H, offset, PACKET_OUTGOING))
            }
            CaptureSource::File => Err(Spanned::new(
                format!("inbound/outbound not supported on {} when reading savefiles", self.framing.display_name()),
                span.clone(),
            )),
        }
    }

    fn vlan(&mut self, tag: Option<u32>, span: &Range<usize>) -> Result<Cond> {
        match self.framing {
            Framing::RawIp | Framing::Ppp => {
                return Err(Spanned::new(format!("no VLAN support for {}", self.framing.display_name()), span.clone()));
            }
            Framing::Ethernet if self.mpls_depth > 0 => {
                return Err(Spanned::new("no VLAN match after MPLS", span.clone()));
            }
            Framing::Ethernet => {}
        }
        let type_field = self.ether_type_offset;
        let mut cond = Cond::any(VLAN_TPIDS.map(|tpid| field_eq(H, type_field, tpid)));
        if let Some(tag) = tag {
            if tag > MAX_VLAN_ID {
                return Err(Spanned::new(format!("VLAN tag {tag} greater than maximum {MAX_VLAN_ID}"), span.clone()));
            }
            // The tag control field is where the payload starts for the primitives before this one.
            cond = cond.and(masked_eq(H, self.network_offset, 0x0fff, tag));
        }
        // Everything after this primitive sees the packet as if the tag were not there.
        self.ether_type_offset = self.ether_type_offset.add(4);
        self.network_offset = self.network_offset.add(4);
        Ok(cond)
    }

    fn mpls(&mut self, label: Option<u32>, span: &Range<usize>) -> Result<Cond> {
        let mut cond = if self.mpls_depth == 0 {
            match self.framing {
                Framing::RawIp => return Err(Spanned::new("no MPLS support for Raw IP", span.clone())),
                Framing::Ethernet => field_eq(H, self.ether_type_offset, ETHERTYPE_MPLS),
                Framing::Ppp => field_eq(H, self.ether_type_offset, PPP_MPLS_UNICAST),
            }
        } else {
            // Another label follows only if the previous one was not the bottom of the stack.
            masked_eq(B, self.network_offset.back(2), 1, 0)
        };
        if let Some(label) = label {
            if label > MAX_MPLS_LABEL {
                return Err(Spanned::new(
                    format!("MPLS label {label} greater than maximum {MAX_MPLS_LABEL}"),
                    span.clone(),
                ));
            }
            cond = cond.and(masked_eq(W, self.network_offset, 0xffff_f000, label << 12));
        }
        self.network_offset = self.network_offset.add(4);
        self.mpls_depth += 1;
        Ok(cond)
    }

    /// `pppoes [session]`: a PPPoE session packet, with that session id if one is given. The
    /// primitives after it look at the PPP frame after the 6-byte PPPoE header: its 2-byte
    /// protocol field takes the place of the Ethernet type, and the network layer follows it.
    fn pppoe_session(&mut self, session: Option<u32>, span: &Range<usize>) -> Result<Cond> {
        let mut cond = self.link_protocol(ETHERTYPE_PPPOE_SESSION, span)?;
        if let Some(session) = session {
            if session > MAX_PPPOE_SESSION {
                return Err(Spanned::new(
                    format!("PPPoE session number {session} greater than maximum {MAX_PPPOE_SESSION}"),
                    span.clone(),
                ));
            }
            // The version, type and code bytes come along in the word and are masked off.
            cond = cond.and(masked_eq(W, self.network_offset, MAX_PPPOE_SESSION, session));
        }
        let ppp_header = self.network(6);
        self.framing = Framing::Ppp;
        self.geneve_frame = None;
        self.link_header_offset = ppp_header;
        self.ether_type_offset = ppp_header;
        self.network_offset = ppp_header.add(2);
        Ok(cond)
    }

    /// `geneve [vni]`: a version 0 Geneve header (with that VNI if one is given) in a UDP
    /// datagram to port 6081, over IPv4 (first fragments) or IPv6. The primitives after it look
    /// at the encapsulated frame, whose offsets the program computes into three scratch slots:
    /// its link header and payload, which start after the Geneve header and its options, and
    /// the field holding its Ethernet type. With protocol type 0x6558 the frame is Ethernet and
    /// its own header gives the type and moves the payload 14 bytes on; otherwise the Geneve
    /// protocol type stands for the Ethernet type and the payload starts right away.
    ///
    /// The IPv4 and IPv6 tests each end by leaving in A the IP header's length plus the part of
    /// its offset computed at run time, and the computation of the offsets, shared by both,
    /// starts from that value, as in libpcap: jumps keep A and X.
    fn geneve(&mut self, vni: Option<u32>, span: &Range<usize>) -> Result<Cond> {
        let to_geneve_port = |port_field: Vec<Instruction>| Cond::test(port_field, JMP | JEQ | K, GENEVE_PORT);
        // Fields of the Geneve header, which follows the 8-byte UDP header.
        let geneve_fields = |field: &dyn Fn(u16, u32) -> Vec<Instruction>| -> Result<Cond> {
            let version_zero = masked_value_eq(field(B, 8), 0xc0, 0);
            match vni {
                None => Ok(version_zero),
                Some(vni) if vni > MAX_GENEVE_VNI => {
                    Err(Spanned::new(format!("Geneve VNI {vni} greater than maximum {MAX_GENEVE_VNI}"), span.clone()))
                }
                Some(vni) => Ok(version_zero.and(masked_value_eq(field(W, 12), 0xffff_ff00, vni << 8))),
            }
        };
        // Statements run for their effect, ended by a jump taken whatever A holds (`jge #0`).
        let always = |statements: Vec<Instruction>| Cond::test(statements, JMP | JGE | K, 0);

        let mut ipv4_header_length = self.transport_index();
        ipv4_header_length.push(Instruction::statement(MISC | TXA, 0));
        let ipv4 = self
            .ipv4_protocol(IPPROTO_UDP, span)?
            .and(self.first_fragment())
            .and(to_geneve_port(self.transport_load(H, 2)))
            .and(geneve_fields(&|size, offset| self.transport_load(size, offset))?)
            .and(always(ipv4_header_length));

        let mut ipv6_header_length = Vec::new();
        if let Some(slot) = self.network_offset.slot {
            ipv6_header_length.push(Instruction::statement(LDX | W | MEM, slot));
            ipv6_header_length.push(Instruction::statement(LD | W | IMM, IPV6_HEADER_LEN));
            ipv6_header_length.push(Instruction::statement(ALU | ADD | X, 0));
        } else {
            ipv6_header_length.push(Instruction::statement(LD | W | IMM, IPV6_HEADER_LEN));
        }
        ipv6_header_length.push(Instruction::statement(MISC | TAX, 0));
        let udp_header = |offset: u32| self.network(IPV6_HEADER_LEN + offset);
        let ipv6 = self
            .link_protocol(ETHERTYPE_IPV6, span)?
            .and(field_eq(B, self.network(6), IPPROTO_UDP))
            .and(to_geneve_port(load(H, udp_header(2))))
            .and(geneve_fields(&|size, offset| load(size, udp_header(offset)))?)
            .and(always(ipv6_header_length));

        self.reserve_libpcap_registers(3, span)?;
        self.libpcap_registers_kept += 3;
        let slots = self.first_free_slot..self.first_free_slot + 3;
        let (type_slot, link_header_slot, payload_slot) = (slots.start, slots.start + 1, slots.start + 2);
        // From A, the IP header's length: the Geneve header's offset into X, its protocol
        // type's offset and the end of its options into slots, and its protocol type compared
        // with Ethernet's, X holding the end of the options.
        let header_and_type = Cond::test(
            vec![
                Instruction::statement(ALU | ADD | K, self.network_offset.constant.wrapping_add(8)),
                Instruction::statement(MISC | TAX, 0),
                Instruction::statement(ALU | ADD | K, 2),
                Instruction::statement(ST, type_slot),
                Instruction::statement(LD | B | IND, 0),
                Instruction::statement(ALU | AND | K, 0x3f),
                Instruction::statement(ALU | MUL | K, 4),
                Instruction::statement(ALU | ADD | K, 8),
                Instruction::statement(ALU | ADD | X, 0),
                Instruction::statement(ST, link_header_slot),
                Instruction::statement(LD | H | IND, 2),
                Instruction::statement(LDX | W | MEM, link_header_slot),
            ],
            JMP | JEQ | K,
            ETHERTYPE_TRANSPARENT_ETHERNET_BRIDGING,
        );
        // An Ethernet frame: its type field, and its payload 14 bytes in.
        let inner_ethernet = always(vec![
            Instruction::statement(MISC | TXA, 0),
            Instruction::statement(ALU | ADD | K, 12),
            Instruction::statement(ST, type_slot),
            Instruction::statement(ALU | ADD | K, 2),
            Instruction::statement(MISC | TAX, 0),
            Instruction::statement(STX, payload_slot),
        ]);
        let other_protocol = always(vec![Instruction::statement(STX, payload_slot)]);
        let offsets = header_and_type.and(inner_ethernet).or(other_protocol);

        self.first_free_slot = slots.end;
        self.framing = Framing::Ethernet;
        self.geneve_frame = Some(GeneveFrame { link_header_slot, payload_slot });
        self.link_header_offset = Offset::in_slot(link_header_slot);
        self.ether_type_offset = Offset::in_slot(type_slot);
        self.network_offset = Offset::in_slot(payload_slot);
        // libpcap does not optimize a program with `geneve`.
        self.unoptimized = true;
        Ok(ipv4.or(ipv6).and(offsets))
    }

    /// Refuses the primitive at `span` as libpcap does when it needs `registers` at once on
    /// top of those kept.
    fn reserve_libpcap_registers(&self, registers: u32, span: &Range<usize>) -> Result<()> {
        if self.libpcap_registers_kept + registers > MEMORY_WORDS {
            return Err(Spanned::new("too many registers needed to evaluate expression", span.clone()));
        }
        Ok(())
    }

    /// `left relation right`: the protocol checks of both sides' packet accesses, then the
    /// comparison.
    fn relation(&mut self, left: &Arith, relation: Relation, right: &Arith, span: &Range<usize>) -> Result<Cond> {
        self.reserve_libpcap_registers(libpcap_registers(left).max(1 + libpcap_registers(right)), span)?;
        for side in [left, right] {
            check_constant_operands(side)?;
            if let Err(error) = check_folded_operands(side)
                && self.optimizer_error.is_none()
            {
                self.optimizer_error = Some(error);
            }
        }
        let checks = self.access_checks(left)?.and(self.access_checks(right)?);
        if let (Some(left), Some(right)) = (constant_value(left), constant_value(right)) {
            let holds = match relation {
                Relation::Eq => left == right,
                Relation::Ne => left != right,
                Relation::Lt => left < right,
                Relation::Le => left <= right,
                Relation::Gt => left > right,
                Relation::Ge => left >= right,
            };
            return Ok(checks.and(Cond::Constant(holds)));
        }
        let mut statements = Vec::new();
        let slot = self.first_free_slot;
        let (source, k) = match right {
            Arith::Constant(value) => {
                self.compute(left, slot, &mut statements)?;
                (K, *value)
            }
            _ => {
                self.compute(right, slot, &mut statements)?;
                statements.push(Instruction::statement(ST, slot));
                self.compute(left, slot + 1, &mut statements)?;
                statements.push(Instruction::statement(LDX | W | MEM, slot));
                (X, 0)
            }
        };
        let (jump, negated) = match relation {
            Relation::Eq => (JEQ, false),
            Relation::Ne => (JEQ, true),
            Relation::Gt => (JGT, false),
            Relation::Ge => (JGE, false),
            Relation::Lt => (JGE, true),
            Relation::Le => (JGT, true),
        };
        let test = Cond::test(statements, JMP | jump | source, k);
        Ok(checks.and(if negated { test.negate() } else { test }))
    }

    /// What must hold before the packet accesses in `arith` mean anything: `ip[0]` needs an
    /// IPv4 packet, `tcp[0]` a first IPv4 fragment carrying TCP, and so on.
    fn access_checks(&self, arith: &Arith) -> Result<Cond> {
        match arith {
            Arith::Constant(_) | Arith::Length => Ok(Cond::Constant(true)),
            Arith::Negate(inner) => self.access_checks(inner),
            Arith::Binary(_, left, right, _) => {
                let left = self.access_checks(left)?;
                // libpcap 1.10 keeps only the left operand's checks for a binary operator
                // (`ip[0] + arp[0]` checks for IPv4 only, `1 + ip[0]` checks nothing); the
                // right operand is still generated, so its errors are still reported.
                self.access_checks(right)?;
                Ok(left)
            }
            Arith::Load { protocol, index, span, .. } => {
                let index_checks = self.access_checks(index)?;
                match protocol {
                    Protocol::Link => Ok(index_checks),
                    Protocol::Ip => Ok(index_checks.and(self.link_protocol(ETHERTYPE_IP, span)?)),
                    Protocol::Ip6 => Ok(index_checks.and(self.link_protocol(ETHERTYPE_IPV6, span)?)),
                    Protocol::Arp => Ok(index_checks.and(self.link_protocol(ETHERTYPE_ARP, span)?)),
                    Protocol::Rarp => Ok(index_checks.and(self.link_protocol(ETHERTYPE_RARP, span)?)),
                    // Only the IPv6 next header itself, without looking past a fragment header.
                    Protocol::Icmp6 => Ok(index_checks.and(self.link_protocol(ETHERTYPE_IPV6, span)?.and(field_eq(
                        B,
                        self.network(6),
                        IPPROTO_ICMPV6,
                    )))),
                    Protocol::Ah | Protocol::Esp => Err(unsupported_index(span)),
                    // Transport headers are only reachable in IPv4, and only in the first
                    // fragment.
                    _ => Ok(self
                        .link_protocol(ETHERTYPE_IP, span)?
                        .and(index_checks)
                        .and(self.protocol(*protocol, span)?)
                        .and(self.first_fragment())),
                }
            }
        }
    }

    /// Appends statements leaving the value of `arith` in the accumulator. Intermediate
    /// values go to scratch slots from `slot` up.
    fn compute(&self, arith: &Arith, slot: u32, out: &mut Vec<Instruction>) -> Result<()> {
        match arith {
            Arith::Constant(value) => out.push(Instruction::statement(LD | W | IMM, *value)),
            Arith::Length => out.push(Instruction::statement(LD | W | LEN, 0)),
            Arith::Negate(inner) => {
                self.compute(inner, slot, out)?;
                out.push(Instruction::statement(ALU | NEG, 0));
            }
            Arith::Binary(op, left, right, span) => {
                let operation = alu_operation(*op);
                if let Arith::Constant(value) = right.as_ref() {
                    self.compute(left, slot, out)?;
                    out.push(Instruction::statement(ALU | operation | K, *value));
                } else {
                    check_slot(slot, span)?;
                    self.compute(right, slot, out)?;
                    out.push(Instruction::statement(ST, slot));
                    self.compute(left, slot + 1, out)?;
                    out.push(Instruction::statement(LDX | W | MEM, slot));
                    out.push(Instruction::statement(ALU | operation | X, 0));
                }
            }
            Arith::Load { protocol, index, size, span } => {
                let size = match size {
                    1 => B,
                    2 => H,
                    _ => W,
                };
                let base = match protocol {
                    Protocol::Link => self.link_header_offset,
                    Protocol::Ip | Protocol::Ip6 | Protocol::Arp | Protocol::Rarp => self.network_offset,
                    Protocol::Icmp6 => self.network(IPV6_HEADER_LEN),
                    Protocol::Ah | Protocol::Esp => return Err(unsupported_index(span)),
                    _ => return self.compute_transport_load(index, size, slot, span, out),
                };
                match (base.slot, constant_index(index, base.constant)) {
                    (None, Some(offset)) => out.extend(load(size, Offset::fixed(offset))),
                    (base_slot, _) => {
                        self.compute(index, slot, out)?;
                        if let Some(base_slot) = base_slot {
                            // The index plus the offset computed at run time, wrapping as
                            // libpcap adds them.
                            out.push(Instruction::statement(LDX | W | MEM, base_slot));
                            out.push(Instruction::statement(ALU | ADD | X, 0));
                        }
                        out.push(Instruction::statement(MISC | TAX, 0));
                        out.push(Instruction::statement(LD | size | IND, base.constant));
                    }
                }
            }
        }
        Ok(())
    }

    /// A load relative to the IPv4 transport header, which starts after the IP header's
    /// variable length.
    fn compute_transport_load(
        &self,
        index: &Arith,
        size: u16,
        slot: u32,
        span: &Range<usize>,
        out: &mut Vec<Instruction>,
    ) -> Result<()> {
        let network = self.network_offset;
        let indexed_load = [
            Instruction::statement(ALU | ADD | X, 0),
            Instruction::statement(MISC | TAX, 0),
            Instruction::statement(LD | size | IND, network.constant),
        ];
        match (network.slot, constant_index(index, network.constant)) {
            (None, Some(offset)) => {
                out.extend(self.transport_index());
                out.push(Instruction::statement(LD | size | IND, offset));
            }
            (None, None) => {
                self.compute(index, slot, out)?;
                out.extend(self.transport_index());
                out.extend(indexed_load);
            }
            // Finding the transport header takes A, so the index waits in a slot.
            (Some(_), _) => {
                check_slot(slot, span)?;
                self.compute(index, slot, out)?;
                out.push(Instruction::statement(ST, slot));
                out.extend(self.transport_index());
                out.push(Instruction::statement(LD | W | MEM, slot));
                out.extend(indexed_load);
            }
        }
        Ok(())
    }
}

/// The PPP protocol number libpcap looks for where an Ethernet type is asked for in a PPP
/// frame; other values are compared as they are.
fn ppp_protocol(ether_type: u32) -> u32 {
    match ether_type {
        ETHERTYPE_IP => 0x0021,
        ETHERTYPE_IPV6 => 0x0057,
        // DECnet, AppleTalk, XNS.
        0x6003 => 0x0027,
        0x809b => 0x0029,
        0x0600 => 0x0025,
        // The OSI, spanning tree and IPX SAPs.
        0xfe => 0x0023,
        0x42 => 0x0031,
        0xe0 => 0x002b,
        other => other,
    }
}

/// The protocol number a `proto` or `protochain` id names: a number, an IP protocol name, or
/// for `ether proto` an Ethernet type name.
fn protocol_number(qualifiers: &Qualifiers, id: &Id, span: &Range<usize>) -> Result<u32> {
    let is_link = qualifiers.protocol == Some(Protocol::Link);
    match id {
        Id::Number(number) => Ok(*number),
        Id::Name(name) if is_link => {
            names::ether_type(name).ok_or_else(|| Spanned::new(format!("unknown ether proto '{name}'"), span.clone()))
        }
        Id::Name(name) => {
            names::ip_protocol(name).ok_or_else(|| Spanned::new(format!("unknown ip proto '{name}'"), span.clone()))
        }
        _ => Err(Spanned::new("a protocol must be a number or a name", span.clone())),
    }
}

/// The places a header chain walk jumps to: the next instruction, and the labels bound once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WalkLabel {
    Next,
    /// Stepping over an IPv6 extension header.
    Extension,
    /// Checking for AH.
    AhCheck,
    /// The end of the walk, where the caller's test follows.
    End,
}

/// Statements of a header chain walk with forward jumps to labels, and jumps back to an
/// instruction already written: the only code this crate writes with backward jumps.
#[derive(Default)]
struct Walk {
    statements: Vec<Instruction>,
    /// Conditional jumps whose targets are labels: (index, on true, on false).
    pending: Vec<(usize, WalkLabel, WalkLabel)>,
    bound: Vec<(WalkLabel, usize)>,
}

impl Walk {
    fn push(&mut self, instruction: Instruction) {
        self.statements.push(instruction);
    }

    fn here(&self) -> usize {
        self.statements.len()
    }

    fn bind(&mut self, label: WalkLabel) {
        self.bound.push((label, self.here()));
    }

    /// `jeq #value`, on to `on_true` or `on_false`.
    fn jump_if(&mut self, value: u32, on_true: WalkLabel, on_false: WalkLabel) {
        self.pending.push((self.here(), on_true, on_false));
        self.push(Instruction::jump(JMP | JEQ | K, value, 0, 0));
    }

    /// `ja` back to the instruction at `target`; `k` wraps around to a negative offset.
    fn jump_back(&mut self, target: usize) {
        let offset = target as u32;
        self.push(Instruction::statement(JMP | JA, offset.wrapping_sub(self.here() as u32 + 1)));
    }

    /// The statements with every label resolved; the end is just past the last statement.
    fn finish(mut self) -> Vec<Instruction> {
        let end = self.here();
        let place = |label: WalkLabel, from: usize| -> u8 {
            let target = match label {
                WalkLabel::Next => from + 1,
                WalkLabel::End => end,
                _ => self.bound.iter().find(|(bound, _)| *bound == label).map_or(end, |&(_, at)| at),
            };
            // A walk is a few dozen instructions long.
            u8::try_from(target - from - 1).unwrap_or(u8::MAX)
        };
        for &(at, on_true, on_false) in &self.pending {
            let (jt, jf) = (place(on_true, at), place(on_false, at));
            self.statements[at].jt = jt;
            self.statements[at].jf = jf;
        }
        self.statements
    }
}

/// How many registers libpcap holds at once to evaluate `arith`: one for every value,
/// constants included, kept until the operation using it, and one more for a load while its
/// index is held.
fn libpcap_registers(arith: &Arith) -> u32 {
    match arith {
        Arith::Constant(_) | Arith::Length => 1,
        Arith::Negate(inner) => libpcap_registers(inner),
        Arith::Load { index, .. } => libpcap_registers(index).max(2),
        Arith::Binary(_, left, right, _) => libpcap_registers(left).max(1 + libpcap_registers(right)),
    }
}

/// Refuses an expression whose arithmetic needs scratch slot `slot`, past the last one.
fn check_slot(slot: u32, span: &Range<usize>) -> Result<()> {
    if slot >= MEMORY_WORDS {
        return Err(Spanned::new("expression too complex: it needs more than 16 scratch memory slots", span.clone()));
    }
    Ok(())
}

fn unsupported_index(span: &Range<usize>) -> Spanned {
    Spanned::new("unsupported index operation", span.clone())
}

/// The absolute offset of a constant index, unless adding it to `base` would overflow (then
/// the index goes through the index register, whose bounds check drops the packet).
fn constant_index(index: &Arith, base: u32) -> Option<u32> {
    match index {
        Arith::Constant(value) => base.checked_add(*value),
        _ => None,
    }
}

fn alu_operation(op: BinaryOp) -> u16 {
    match op {
        BinaryOp::Add => ADD,
        BinaryOp::Sub => SUB,
        BinaryOp::Mul => MUL,
        BinaryOp::Div => DIV,
        BinaryOp::Mod => MOD,
        BinaryOp::And => AND,
        BinaryOp::Or => OR,
        BinaryOp::Xor => XOR,
        BinaryOp::Shl => LSH,
        BinaryOp::Shr => RSH,
    }
}

/// Statements loading the field at `offset` into A: an absolute load, or one relative to the
/// slot's value, moved to X.
fn load(size: u16, offset: Offset) -> Vec<Instruction> {
    match offset.slot {
        None => vec![Instruction::statement(LD | size | ABS, offset.constant)],
        Some(slot) => {
            vec![Instruction::statement(LDX | W | MEM, slot), Instruction::statement(LD | size | IND, offset.constant)]
        }
    }
}

fn field_test(size: u16, offset: Offset, jump: u16, k: u32) -> Cond {
    Cond::test(load(size, offset), JMP | jump | K, k)
}

fn field_eq(size: u16, offset: Offset, value: u32) -> Cond {
    field_test(size, offset, JEQ, value)
}

/// `field & mask == value`; the `and` is left out for a full mask, never for an empty one,
/// so the field is always loaded.
fn masked_eq(size: u16, offset: Offset, mask: u32, value: u32) -> Cond {
    masked_value_eq(load(size, offset), mask, value)
}

/// `statements`' value `& mask == value`, the `and` left out for a full mask.
fn masked_value_eq(mut statements: Vec<Instruction>, mask: u32, value: u32) -> Cond {
    if mask != u32::MAX {
        statements.push(Instruction::statement(ALU | AND | K, mask));
    }
    Cond::test(statements, JMP | JEQ | K, value)
}

fn length_test(jump: u16, length: u32) -> Cond {
    Cond::test(vec![Instruction::statement(LD | W | LEN, 0)], JMP | jump | K, length)
}

/// What a `port` or `portrange` primitive tests: the transport protocols it applies to (by its qualifier, else
/// the one a service name is registered for, else SCTP, TCP and UDP) and its port numbers.
struct PortNumbers {
    protocols: Vec<u32>,
    low: u32,
    high: u32,
    is_range: bool,
}

/// A `port` or `portrange` primitive that `or` may join with its neighbours (Generator::port_run): its qualifiers, id
/// and span.
fn joinable_port(item: &Expr) -> Option<(Qualifiers, &Id, &Range<usize>)> {
    match item {
        Expr::Primitive(Primitive::Qualified(qualifiers, id), span)
            if matches!(qualifiers.kind, AddressKind::Port | AddressKind::Portrange)
                && qualifiers.direction != Direction::SrcAndDst =>
        {
            Some((*qualifiers, id, span))
        }
        _ => None,
    }
}

/// The numbers and protocols of a `port` or `portrange` primitive, or why it is refused.
fn port_numbers(qualifiers: &Qualifiers, id: &Id, span: &Range<usize>) -> Result<PortNumbers> {
    let is_range = qualifiers.kind == AddressKind::Portrange;
    let error = |message: String| Err(Spanned::new(message, span.clone()));
    let qualified_protocol = match qualifiers.protocol {
        None => None,
        Some(Protocol::Tcp) => Some(IPPROTO_TCP),
        Some(Protocol::Udp) => Some(IPPROTO_UDP),
        Some(Protocol::Sctp) => Some(IPPROTO_SCTP),
        Some(_) if is_range => return error("illegal qualifier of 'portrange'".into()),
        Some(_) => return error("illegal qualifier of 'port'".into()),
    };
    let (low, high, registered) = match id {
        Id::Number(number) => (*number, *number, None),
        Id::Name(name) if is_range => port_range_by_name(name, span)?,
        Id::Name(name) => {
            let (port, registered) = port_by_name(name, span)?;
            (port, port, registered)
        }
        _ => return error("illegal port: expected a number or a service name".into()),
    };
    for port in [low, high] {
        if port > 65535 {
            return error(format!("illegal port number {port} > 65535"));
        }
    }
    let protocols = match (qualified_protocol, registered) {
        (None, None) => vec![IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP],
        (Some(protocol), None) | (None, Some(protocol)) => vec![protocol],
        (Some(wanted), Some(registered)) if wanted == registered => vec![wanted],
        (Some(_), Some(registered)) => {
            let name = if registered == IPPROTO_TCP { "tcp" } else { "udp" };
            let text = match id {
                Id::Name(text) => text.as_str(),
                _ => "",
            };
            return error(format!("port '{text}' is {name}"));
        }
    };
    Ok(PortNumbers { protocols, low: low.min(high), high: low.max(high), is_range })
}

fn combine_directions(direction: Direction, source: Cond, destination: Cond) -> Cond {
    match direction {
        Direction::Src => source,
        Direction::Dst => destination,
        Direction::SrcOrDst => source.or(destination),
        Direction::SrcAndDst => source.and(destination),
    }
}

/// A dotted address of one to four decimal parts, left-aligned, with the mask covering the
/// parts written: `10.1` is 10.1.0.0 with mask 255.255.0.0.
fn parse_dotted(text: &str, span: &Range<usize>) -> Result<(u32, u32)> {
    let invalid = || Spanned::new(format!("invalid IPv4 address '{text}'"), span.clone());
    let mut address = 0u32;
    let mut parts = 0;
    for part in text.split('.') {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        let value: u32 = part.parse().map_err(|_| invalid())?;
        if value > 255 || parts == 4 {
            return Err(invalid());
        }
        address = address << 8 | value;
        parts += 1;
    }
    let unused_bits = 32 - 8 * parts;
    Ok((address.checked_shl(unused_bits).unwrap_or(0), u32::MAX.checked_shl(unused_bits).unwrap_or(0)))
}

/// A bare number as a network: `net 10` is 10.0.0.0/8 and `net 172.16` written as a number
/// (0xac10) is 172.16.0.0/16, so leading zero bytes are shifted out.
fn promote_network_number(number: u32) -> (u32, u32) {
    let mut address = number;
    let mut mask = u32::MAX;
    while address != 0 && address & 0xff00_0000 == 0 {
        address <<= 8;
        mask <<= 8;
    }
    (address, mask)
}

/// A service name or decimal port, and the protocol its registration restricts it to.
fn port_by_name(name: &str, span: &Range<usize>) -> Result<(u32, Option<u32>)> {
    if !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()) {
        let port = name.parse().map_err(|_| Spanned::new(format!("illegal port number {name}"), span.clone()))?;
        return Ok((port, None));
    }
    let (port, protocols) =
        names::service(name).ok_or_else(|| Spanned::new(format!("unknown port '{name}'"), span.clone()))?;
    let protocol = match protocols {
        ServiceProtocols::Tcp => Some(IPPROTO_TCP),
        ServiceProtocols::Udp => Some(IPPROTO_UDP),
        ServiceProtocols::Any => None,
    };
    Ok((u32::from(port), protocol))
}

/// `low-high`, both numbers or both service names; a protocol restriction holds only when
/// both ends share it.
fn port_range_by_name(name: &str, span: &Range<usize>) -> Result<(u32, u32, Option<u32>)> {
    let unknown = || Spanned::new(format!("unknown port in range '{name}'"), span.clone());
    let (low, high) = name.split_once('-').ok_or_else(unknown)?;
    let is_number = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if is_number(low) && is_number(high) {
        let parse = |text: &str| text.parse::<u32>().map_err(|_| unknown());
        return Ok((parse(low)?, parse(high)?, None));
    }
    let service = |text: &str| names::service(text).ok_or_else(unknown);
    let (low_port, low_protocols) = service(low)?;
    let (high_port, high_protocols) = service(high)?;
    let protocol = match (low_protocols, high_protocols) {
        (ServiceProtocols::Tcp, ServiceProtocols::Tcp) => Some(IPPROTO_TCP),
        (ServiceProtocols::Udp, ServiceProtocols::Udp) => Some(IPPROTO_UDP),
        _ => None,
    };
    Ok((u32::from(low_port), u32::from(high_port), protocol))
}

/// libpcap refuses a division, modulus or shift whose right operand's code starts by loading
/// the constant 0 (or more than 31 for shifts). It looks only at that first instruction, so
/// `ip[1] / ip[0]` (whose code starts by loading the index 0) is refused; this check
/// reproduces exactly that.
fn check_constant_operands(arith: &Arith) -> Result<()> {
    check_operands(arith, &first_immediate)
}

/// tcpdump's optimizer refuses the same operations on operands that fold to such constants
/// (`ip[0] << (0 + 40)`), once it has folded them.
fn check_folded_operands(arith: &Arith) -> Result<()> {
    check_operands(arith, &constant_value)
}

/// Refuses the first division or modulus by zero, or shift by more than 31, in `arith`, where
/// `value` tells what the right operand is.
fn check_operands(arith: &Arith, value: &dyn Fn(&Arith) -> Option<u32>) -> Result<()> {
    match arith {
        Arith::Constant(_) | Arith::Length => Ok(()),
        Arith::Negate(inner) => check_operands(inner, value),
        Arith::Load { index, .. } => check_operands(index, value),
        Arith::Binary(op, left, right, span) => {
            check_operands(left, value)?;
            check_operands(right, value)?;
            let operand = value(right);
            let is_zero = operand == Some(0);
            let is_wide = operand.is_some_and(|k| k > 31);
            let problem = match op {
                BinaryOp::Div if is_zero => Some("division by zero"),
                BinaryOp::Mod if is_zero => Some("modulus by zero"),
                BinaryOp::Shl | BinaryOp::Shr if is_wide => Some("shift by more than 31 bits"),
                _ => None,
            };
            match problem {
                Some(message) => Err(Spanned::new(message, span.clone())),
                None => Ok(()),
            }
        }
    }
}

/// The constant libpcap's code for `arith` starts by loading, if it starts with one.
fn first_immediate(arith: &Arith) -> Option<u32> {
    match arith {
        Arith::Constant(value) => Some(*value),
        Arith::Length => None,
        Arith::Negate(inner) => first_immediate(inner),
        Arith::Load { index, .. } => first_immediate(index),
        Arith::Binary(_, left, _, _) => first_immediate(left),
    }
}

/// The value of an expression without packet accesses, computed as the program would; `None`
/// when it reads the packet or divides by zero (which drops the packet at run time).
fn constant_value(arith: &Arith) -> Option<u32> {
    match arith {
        Arith::Constant(value) => Some(*value),
        Arith::Length | Arith::Load { .. } => None,
        Arith::Negate(inner) => constant_value(inner).map(u32::wrapping_neg),
        Arith::Binary(op, left, right, _) => {
            let (left, right) = (constant_value(left)?, constant_value(right)?);
            match op {
                BinaryOp::Add => Some(left.wrapping_add(right)),
                BinaryOp::Sub => Some(left.wrapping_sub(right)),
                BinaryOp::Mul => Some(left.wrapping_mul(right)),
                BinaryOp::Div => left.checked_div(right),
                BinaryOp::Mod => left.checked_rem(right),
                BinaryOp::And => Some(left & right),
                BinaryOp::Or => Some(left | right),
                BinaryOp::Xor => Some(left ^ right),
                BinaryOp::Shl => Some(left.checked_shl(right).unwrap_or(0)),
                BinaryOp::Shr => Some(left.checked_shr(right).unwrap_or(0)),
            }
        }
    }
}
