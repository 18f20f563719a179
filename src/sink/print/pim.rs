//! PIM (tcpdump's print-pim.c): version 1, carried in IGMP messages of type 0x14: `igmp pimv1 Query
//! Sparse-mode`, `igmp pimv1 Join/Prune RPF 10.0.0.1 Join (...)`; version 2, IP protocol 103: `PIMv2, Hello,
//! length 30`, with -v the checksum and each message's fields (hello options, registered packets, joins and
//! prunes, bootstrap RPs, asserts, candidate RP advertisements).

use super::{
    Line, PrintState,
    address::IpAddress,
    captured::{Captured, Printed, Truncated},
    checksum::{self, Checksum},
    dns::Duration,
    hexdump, ip,
    ip::IpEnvelope,
    ip6,
};

const QUERY: u8 = 0;
const REGISTER: u8 = 1;
const REGISTER_STOP: u8 = 2;
const JOIN_PRUNE: u8 = 3;
const RP_REACHABILITY: u8 = 4;
const ASSERT: u8 = 5;
const GRAFT: u8 = 6;
const GRAFT_ACK: u8 = 7;

/// The IGMP header PIMv1 messages start with: type 0x14, the PIM message type, checksum, then version.
const HEADER_LEN: usize = 8;
/// A mask of all ones: a host's address rather than a prefix, which tcpdump leaves out.
const HOST_MASK: u32 = 0xffff_ffff;
/// The hold time tcpdump leaves out of a one-line join or prune.
const DEFAULT_HOLD_TIME: u16 = 180;

/// Prints a PIMv1 message `length` bytes long (its IGMP header included), of which `bytes` were captured. A
/// read past the capture gives up on the packet; a check that finds too few bytes prints ` [|pimv1]` and
/// lets IGMP go on.
pub(super) fn print_v1(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32) -> Printed {
    let pim = Captured::new(bytes, "pimv1");
    let message_type = pim.u8(1)?;
    match v1_type_name(message_type) {
        Some(name) => line.put(format_args!(" {name}")),
        None => line.put(format_args!(" [type {message_type}]")),
    }
    match message_type {
        QUERY => {
            if pim.has(8, 1) {
                match pim.u8(8)? >> 4 {
                    0 => line.push(" Dense-mode"),
                    1 => line.push(" Sparse-mode"),
                    2 => line.push(" Sparse-Dense-mode"),
                    mode => line.put(format_args!(" mode-{mode}")),
                }
            }
            if verbosity > 0 {
                // tcpdump prints each label before reading the field it labels.
                line.push(" (Hold-time ");
                line.put(format_args!("{})", Duration(pim.be16(10)?.into())));
            }
        }
        REGISTER => {
            // The IP header of the datagram registered.
            if !pim.has(HEADER_LEN, 20) {
                pim.truncated().print(line);
                return Ok(());
            }
            line.put(format_args!(" for {} > {}", pim.ipv4(20)?, pim.ipv4(24)?));
        }
        REGISTER_STOP => line.put(format_args!(" for {} > {}", pim.ipv4(8)?, pim.ipv4(12)?)),
        RP_REACHABILITY if verbosity > 0 => {
            line.put(format_args!(" group {}", pim.ipv4(8)?));
            put_mask(line, pim, 12)?;
            line.put(format_args!(" RP {} hold ", pim.ipv4(16)?));
            line.put(format_args!("{}", Duration(pim.be16(22)?.into())));
        }
        ASSERT => {
            line.put(format_args!(" for {} > {}", pim.ipv4(16)?, pim.ipv4(8)?));
            put_mask(line, pim, 12)?;
            let preference = pim.be32(20)?;
            let tree = if preference & 0x8000_0000 != 0 { "RP-tree" } else { "SPT" };
            line.put(format_args!(" {tree} pref {} metric {}", preference & 0x7fff_ffff, pim.be32(24)?));
        }
        JOIN_PRUNE | GRAFT | GRAFT_ACK if verbosity > 0 => {
            let Some(body_len) = (length as usize).checked_sub(HEADER_LEN) else {
                pim.truncated().print(line);
                return Ok(());
            };
            if print_join_prune(line, verbosity, pim.next_layer(HEADER_LEN, "pimv1"), body_len)?.is_none() {
                pim.truncated().print(line);
                return Ok(());
            }
        }
        _ => {}
    }
    let version = pim.u8(4)? >> 4;
    if version != 1 {
        line.put(format_args!(" [v{version}]"));
    }
    Ok(())
}

/// `/255.255.255.0` after an address, unless the mask at `offset` is a host's.
fn put_mask(line: &mut Line, pim: Captured, offset: usize) -> Printed {
    if pim.be32(offset)? != HOST_MASK {
        line.put(format_args!("/{}", pim.ipv4(offset)?));
    }
    Ok(())
}

/// A join, prune or graft: one line for a single source of a single group, else the upstream neighbour, the
/// hold time and (at -vv) every group's sources. `None` when `len` ends before a field.
fn print_join_prune(line: &mut Line, verbosity: u8, body: Captured, len: usize) -> Result<Option<()>, Truncated> {
    if body.has(0, 30) && body.u8(11)? == 1 {
        let joins = body.be16(20)?;
        if u32::from(joins) + u32::from(body.be16(22)?) == 1 {
            line.put(format_args!(" RPF {} ", body.ipv4(0)?));
            let hold = body.be16(6)?;
            if hold != DEFAULT_HOLD_TIME {
                line.put(format_args!("Hold {}", Duration(hold.into())));
            }
            let flags = body.u8(25)?;
            let action = if joins != 0 { "Join" } else { "Prune" };
            // tcpdump puts no space between the hold time and the action.
            line.put(format_args!("{action} ({}/{}, {}", body.ipv4(26)?, flags & 0x3f, body.ipv4(12)?));
            put_mask(line, body, 16)?;
            let mode = if body.u8(24)? & 0x01 != 0 { "Sparse" } else { "Dense" };
            let wildcard = if flags & 0x80 != 0 { " WC" } else { "" };
            let tree = if flags & 0x40 != 0 { "RP" } else { "SPT" };
            line.put(format_args!(") {mode}{wildcard} {tree}"));
            return Ok(Some(()));
        }
    }
    let separator = if verbosity > 1 { "\n" } else { "" };
    if len < 4 {
        return Ok(None);
    }
    line.push(separator);
    line.put(format_args!(" Upstream Nbr: {}", body.ipv4(0)?));
    if len < 8 {
        return Ok(None);
    }
    line.push(separator);
    line.push(" Hold time: ");
    line.put(format_args!("{}", Duration(body.be16(6)?.into())));
    if verbosity < 2 {
        return Ok(Some(()));
    }
    if len < 12 {
        return Ok(None);
    }
    let mut groups = body.u8(11)?;
    let mut offset = 12;
    while groups != 0 {
        if len < offset + 12 {
            // tcpdump prints the group before it finds the mask or the counts missing.
            if len >= offset + 4 {
                line.put(format_args!("\n\tGroup: {}", body.ipv4(offset)?));
                if len >= offset + 8 {
                    put_mask(line, body, offset + 4)?;
                }
            }
            return Ok(None);
        }
        line.put(format_args!("\n\tGroup: {}", body.ipv4(offset)?));
        put_mask(line, body, offset + 4)?;
        let (joins, prunes) = (body.be16(offset + 8)?, body.be16(offset + 10)?);
        line.put(format_args!(" joined: {joins} pruned: {prunes}"));
        offset += 12;
        for source in 0..u32::from(joins) + u32::from(prunes) {
            if len < offset + 6 {
                return Ok(None);
            }
            let action = if source < u32::from(joins) { "Join " } else { "Prune" };
            let (mode_flags, flags) = (body.u8(offset)?, body.u8(offset + 1)?);
            let mode = if mode_flags & 0x01 != 0 { "Sparse " } else { "Dense " };
            let wildcard = if flags & 0x80 != 0 { "WC " } else { "" };
            let tree = if flags & 0x40 != 0 { "RP " } else { "SPT " };
            line.put(format_args!("\n\t{action} {mode}{wildcard}{tree}{}/{}", body.ipv4(offset + 2)?, flags & 0x3f));
            offset += 6;
        }
        groups -= 1;
    }
    Ok(Some(()))
}

fn v1_type_name(message_type: u8) -> Option<&'static str> {
    Some(match message_type {
        QUERY => "Query",
        REGISTER => "Register",
        REGISTER_STOP => "Register-Stop",
        JOIN_PRUNE => "Join/Prune",
        RP_REACHABILITY => "RP-reachable",
        ASSERT => "Assert",
        GRAFT => "Graft",
        GRAFT_ACK => "Graft-ACK",
        _ => return None,
    })
}

/// PIM's own IP protocol number, which carries version 2 (and in principle any version).
pub(super) const PROTOCOL: u8 = 103;

const V2_HELLO: u8 = 0;
const V2_REGISTER: u8 = 1;
const V2_REGISTER_STOP: u8 = 2;
const V2_JOIN_PRUNE: u8 = 3;
const V2_BOOTSTRAP: u8 = 4;
const V2_ASSERT: u8 = 5;
const V2_GRAFT: u8 = 6;
const V2_GRAFT_ACK: u8 = 7;
const V2_CANDIDATE_RP: u8 = 8;
const V2_PRUNE_REFRESH: u8 = 9;
const V2_DF_ELECTION: u8 = 10;
const V2_HEADER_LEN: u32 = 4;
const INFINITE_HOLD_TIME: u16 = 0xffff;
const DF_BACKOFF: u8 = 3;
const DF_PASS: u8 = 4;

/// Prints a PIM message that came as IP protocol 103, `length` bytes long (as the IP header gives it), of which
/// `bytes` were captured: version 2 in full at -v, other versions by their number.
pub(super) fn print(
    line: &mut Line,
    state: &mut PrintState,
    bytes: &[u8],
    length: u32,
    envelope: &IpEnvelope,
) -> Printed {
    let first = Captured::new(bytes, "pim").u8(0)?;
    let (version, message_type) = (first >> 4, first & 0x0f);
    if version != 2 {
        line.put(format_args!("PIMv{version}, length {length}"));
        return Ok(());
    }
    let name = v2_type_name(message_type).unwrap_or("Unknown Type");
    if state.decoding.verbosity == 0 {
        line.put(format_args!("PIMv{version}, {name}, length {length}"));
        return Ok(());
    }
    line.put(format_args!("PIMv{version}, length {length}\n\t{name}"));
    print_v2(line, state, Captured::new(bytes, "pimv2"), length, envelope)
}

fn v2_type_name(message_type: u8) -> Option<&'static str> {
    Some(match message_type {
        V2_HELLO => "Hello",
        V2_REGISTER => "Register",
        V2_REGISTER_STOP => "Register Stop",
        V2_JOIN_PRUNE => "Join / Prune",
        V2_BOOTSTRAP => "Bootstrap",
        V2_ASSERT => "Assert",
        V2_GRAFT => "Graft",
        V2_GRAFT_ACK => "Graft Acknowledgement",
        V2_CANDIDATE_RP => "Candidate RP Advertisement",
        V2_PRUNE_REFRESH => "Prune Refresh",
        V2_DF_ELECTION => "DF Election",
        11 => "ECMP Redirect",
        _ => return None,
    })
}

/// What the encoded addresses of a version 2 message are: `fixed_len` non-zero for RFC 2117's bare addresses
/// of that length (the header says so), zero for addresses with their family and encoding before them.
#[derive(Clone, Copy)]
struct V2Message<'a> {
    pim: Captured<'a>,
    fixed_len: u8,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum AddressKind {
    Unicast,
    Group,
    Source,
}

impl V2Message<'_> {
    /// Prints the encoded address at `offset`, with `len` bytes of the message left; returns its length. One
    /// that does not fit or is of an unknown family stops the message.
    fn address(&self, line: &mut Line, offset: usize, len: u32, kind: AddressKind) -> Result<usize, Truncated> {
        let pim = self.pim;
        let (is_ipv4, header_len) = match self.fixed_len {
            0 => {
                if len < 2 {
                    return Err(pim.truncated());
                }
                let is_ipv4 = match pim.u8(offset)? {
                    1 => true,
                    2 => false,
                    _ => return Err(pim.truncated()),
                };
                if pim.u8(offset + 1)? != 0 {
                    return Err(pim.truncated());
                }
                (is_ipv4, 2)
            }
            4 => (true, 0),
            16 => (false, 0),
            _ => return Err(pim.truncated()),
        };
        let address_len = if is_ipv4 { 4 } else { 16 };
        let start = offset + header_len;
        let len = len as usize - header_len;
        let read = |at: usize| if is_ipv4 { pim.ipv4(at) } else { pim.ipv6(at) };
        if kind == AddressKind::Unicast {
            if len < address_len {
                return Err(pim.truncated());
            }
            pim.check(start, address_len)?;
            line.put(format_args!("{}", read(start)?));
            return Ok(header_len + address_len);
        }
        if len < address_len + 2 {
            return Err(pim.truncated());
        }
        pim.check(start, address_len + 2)?;
        line.put(format_args!("{}", read(start + 2)?));
        let mask_len = pim.u8(start + 1)?;
        if usize::from(mask_len) != address_len * 8 {
            line.put(format_args!("/{mask_len}"));
        }
        let flags = pim.u8(start)?;
        if flags != 0 {
            if kind == AddressKind::Group {
                line.put(format_args!("(0x{flags:02x})"));
            } else {
                let sparse = if flags & 0x04 != 0 { "S" } else { "" };
                let wildcard = if flags & 0x02 != 0 { "W" } else { "" };
                let rp_tree = if flags & 0x01 != 0 { "R" } else { "" };
                line.put(format_args!("({sparse}{wildcard}{rp_tree}"));
                if flags & 0xf8 != 0 {
                    line.put(format_args!("+0x{:02x}", flags & 0xf8));
                }
                line.push(")");
            }
        }
        Ok(header_len + 2 + address_len)
    }
}

/// Checks a message's checksum over its first `covered` bytes, as far as they were captured (else `None`).
fn checksum_correct(pim: Captured, covered: u32, envelope: &IpEnvelope) -> Option<bool> {
    let message = pim.slice(0, covered as usize).ok()?;
    let computed = match envelope.source {
        IpAddress::V4(_) => Checksum::default().add(message).finish(),
        IpAddress::V6(_) => checksum::with_pseudo_header(envelope, PROTOCOL, message),
    };
    Some(computed == 0)
}

fn print_v2(line: &mut Line, state: &mut PrintState, pim: Captured, length: u32, envelope: &IpEnvelope) -> Printed {
    if length < 2 {
        line.put(format_args!("[length {length} < 2] (invalid)"));
        return Ok(());
    }
    let message_type = pim.u8(0)? & 0x0f;
    let reserved = pim.u8(1)?;
    let message = V2Message { pim, fixed_len: reserved & 0x0f };
    if message.fixed_len != 0 {
        line.push(", RFC2117-encoding");
    }
    if length < V2_HEADER_LEN {
        line.put(format_args!("[length {length} < 4] (invalid)"));
        return Ok(());
    }
    let checksum = pim.be16(2)?;
    line.put(format_args!(", cksum 0x{checksum:04x} "));
    let correct = if checksum == 0 {
        None
    } else if message_type == V2_REGISTER {
        // Only the header counts, though RFC 4601 accepts a checksum over the whole message too.
        match checksum_correct(pim, 8, envelope) {
            Some(false) => checksum_correct(pim, length, envelope),
            header => header,
        }
    } else {
        checksum_correct(pim, length, envelope)
    };
    line.push(match correct {
        Some(true) => "(correct)",
        Some(false) => "(incorrect)",
        None => "(unverified)",
    });
    let mut offset = V2_HEADER_LEN as usize;
    let mut len = length - V2_HEADER_LEN;
    let verbosity = state.decoding.verbosity;
    // Prints an address, moving past it.
    let address = |line: &mut Line, offset: &mut usize, len: &mut u32, kind| -> Printed {
        let advance = message.address(line, *offset, *len, kind)?;
        *offset += advance;
        *len -= advance as u32;
        Ok(())
    };
    match message_type {
        V2_HELLO => return print_hello(line, verbosity, message, offset, len),
        V2_REGISTER => {
            if len < 4 {
                return Err(pim.truncated());
            }
            pim.check(offset, 4)?;
            let flag = match pim.be32(offset)? {
                0x8000_0000 => "Border",
                0x4000_0000 => "Null",
                _ => "none",
            };
            line.put(format_args!(", Flags [ {flag} ]\n\t"));
            offset += 4;
            len -= 4;
            if len == 0 {
                return Err(pim.truncated());
            }
            let registered = pim.rest(offset);
            match pim.u8(offset)? >> 4 {
                0 => line.put(format_args!("IP-Null-header {} > {}", pim.ipv4(offset + 12)?, pim.ipv4(offset + 16)?)),
                // Registers in registers could nest as deep as the capture allows: a stack frame each.
                4 | 6 if envelope.depth >= ip::MAX_ENCAPSULATION_DEPTH => return Err(pim.truncated()),
                4 => return ip::print(line, state, registered, len, envelope.depth + 1),
                6 => return ip6::print(line, state, registered, len, envelope.depth + 1),
                version => line.put(format_args!("IP ver {version}")),
            }
        }
        V2_REGISTER_STOP | V2_ASSERT => {
            line.push(" group=");
            address(line, &mut offset, &mut len, AddressKind::Group)?;
            line.push(if message_type == V2_ASSERT { " src=" } else { " source=" });
            address(line, &mut offset, &mut len, AddressKind::Unicast)?;
            if message_type == V2_ASSERT {
                if len < 8 {
                    return Err(pim.truncated());
                }
                pim.check(offset, 8)?;
                if pim.u8(offset)? & 0x80 != 0 {
                    line.push(" RPT");
                }
                line.put(format_args!(" pref={}", pim.be32(offset)? & 0x7fff_ffff));
                line.put(format_args!(" metric={}", pim.be32(offset + 4)?));
            }
        }
        V2_JOIN_PRUNE | V2_GRAFT | V2_GRAFT_ACK => {
            let is_ack = message_type == V2_GRAFT_ACK;
            if !is_ack {
                line.push(", upstream-neighbor: ");
                address(line, &mut offset, &mut len, AddressKind::Unicast)?;
            }
            if len < 4 {
                return Err(pim.truncated());
            }
            pim.check(offset, 4)?;
            let groups = pim.u8(offset + 1)?;
            let hold_time = pim.be16(offset + 2)?;
            line.put(format_args!("\n\t  {groups} group(s)"));
            if !is_ack {
                line.push(", holdtime: ");
                match hold_time {
                    INFINITE_HOLD_TIME => line.push("infinite"),
                    seconds => line.put(format_args!("{}", Duration(seconds.into()))),
                }
            }
            offset += 4;
            len -= 4;
            for group in 1..=groups {
                line.put(format_args!("\n\t    group #{group}: "));
                address(line, &mut offset, &mut len, AddressKind::Group)?;
                if len < 4 {
                    return Err(pim.truncated());
                }
                pim.check(offset, 4)?;
                let (joins, prunes) = (pim.be16(offset)?, pim.be16(offset + 2)?);
                line.put(format_args!(", joined sources: {joins}, pruned sources: {prunes}"));
                offset += 4;
                len -= 4;
                for (action, count) in [("joined", joins), ("pruned", prunes)] {
                    for source in 1..=count {
                        line.put(format_args!("\n\t      {action} source #{source}: "));
                        address(line, &mut offset, &mut len, AddressKind::Source)?;
                    }
                }
            }
        }
        V2_BOOTSTRAP => {
            if len < 2 {
                return Err(pim.truncated());
            }
            line.put(format_args!(" tag={:x}", pim.be16(offset)?));
            offset += 2;
            len -= 2;
            if len < 1 {
                return Err(pim.truncated());
            }
            line.put(format_args!(" hashmlen={}", pim.u8(offset)?));
            if len < 2 {
                return Err(pim.truncated());
            }
            // tcpdump checks for the byte after the priority.
            pim.check(offset + 2, 1)?;
            line.put(format_args!(" BSRprio={}", pim.u8(offset + 1)?));
            offset += 2;
            len -= 2;
            line.push(" BSR=");
            address(line, &mut offset, &mut len, AddressKind::Unicast)?;
            let mut group = 0;
            while len > 0 {
                line.put(format_args!(" (group{group}: "));
                address(line, &mut offset, &mut len, AddressKind::Group)?;
                if len < 1 {
                    return Err(pim.truncated());
                }
                line.put(format_args!(" RPcnt={}", pim.u8(offset)?));
                if len < 2 {
                    return Err(pim.truncated());
                }
                let fragment_rps = pim.u8(offset + 1)?;
                line.put(format_args!(" FRPcnt={fragment_rps}"));
                if len < 4 {
                    return Err(pim.truncated());
                }
                offset += 4;
                len -= 4;
                let mut rp = 0;
                while rp < fragment_rps && len > 0 {
                    line.put(format_args!(" RP{rp}="));
                    address(line, &mut offset, &mut len, AddressKind::Unicast)?;
                    if len < 2 {
                        return Err(pim.truncated());
                    }
                    line.push(",holdtime=");
                    line.put(format_args!("{}", Duration(pim.be16(offset)?.into())));
                    if len < 3 {
                        return Err(pim.truncated());
                    }
                    line.put(format_args!(",prio={}", pim.u8(offset + 2)?));
                    if len < 4 {
                        return Err(pim.truncated());
                    }
                    offset += 4;
                    len -= 4;
                    rp += 1;
                }
                line.push(")");
                group += 1;
            }
        }
        V2_CANDIDATE_RP => {
            if len < 1 {
                return Err(pim.truncated());
            }
            let prefixes = pim.u8(offset)?;
            line.put(format_args!(" prefix-cnt={prefixes}"));
            if len < 2 {
                return Err(pim.truncated());
            }
            line.put(format_args!(" prio={}", pim.u8(offset + 1)?));
            if len < 4 {
                return Err(pim.truncated());
            }
            line.push(" holdtime=");
            line.put(format_args!("{}", Duration(pim.be16(offset + 2)?.into())));
            offset += 4;
            len -= 4;
            line.push(" RP=");
            address(line, &mut offset, &mut len, AddressKind::Unicast)?;
            let mut prefix = 0;
            while prefix < prefixes && len > 0 {
                line.put(format_args!(" Group{prefix}="));
                address(line, &mut offset, &mut len, AddressKind::Group)?;
                prefix += 1;
            }
        }
        V2_PRUNE_REFRESH => {
            line.push(" src=");
            address(line, &mut offset, &mut len, AddressKind::Unicast)?;
            line.push(" grp=");
            address(line, &mut offset, &mut len, AddressKind::Group)?;
            line.push(" forwarder=");
            address(line, &mut offset, &mut len, AddressKind::Unicast)?;
            if len < 2 {
                return Err(pim.truncated());
            }
            line.push(" TUNR ");
            line.put(format_args!("{}", Duration(pim.be16(offset)?.into())));
        }
        V2_DF_ELECTION => {
            let subtype = reserved >> 4;
            let subtype_name = match subtype {
                1 => "Offer",
                2 => "Winner",
                DF_BACKOFF => "Backoff",
                DF_PASS => "Pass",
                _ => "Unknown",
            };
            line.put(format_args!("\n\t  {subtype_name},"));
            line.push(" rpa=");
            address(line, &mut offset, &mut len, AddressKind::Unicast)?;
            line.put(format_args!(" sender pref={}", pim.be32(offset)?));
            line.put(format_args!(" sender metric={}", pim.be32(offset + 4)?));
            offset += 8;
            // tcpdump's count is unsigned and may wrap here.
            len = len.wrapping_sub(8);
            if subtype == DF_BACKOFF || subtype == DF_PASS {
                let role = if subtype == DF_BACKOFF { "offer" } else { "new winner" };
                line.put(format_args!("\n\t  {role} addr="));
                address(line, &mut offset, &mut len, AddressKind::Unicast)?;
                line.put(format_args!(" {role} pref={}", pim.be32(offset)?));
                line.put(format_args!(" {role} metric={}", pim.be32(offset + 4)?));
                if subtype == DF_BACKOFF {
                    line.put(format_args!(" interval {}ms", pim.be16(offset + 8)?));
                }
            }
        }
        other => line.put(format_args!(" [type {other}]")),
    }
    Ok(())
}

const HELLO_HOLD_TIME: u16 = 1;
const HELLO_LAN_PRUNE_DELAY: u16 = 2;
const HELLO_DR_PRIORITY_OLD: u16 = 18;
const HELLO_DR_PRIORITY: u16 = 19;
const HELLO_GENERATION_ID: u16 = 20;
const HELLO_STATE_REFRESH: u16 = 21;
const HELLO_BIDIRECTIONAL: u16 = 22;
const HELLO_ADDRESS_LIST: u16 = 24;
const HELLO_ADDRESS_LIST_OLD: u16 = 65001;

/// A hello's options from `offset` on, `len` bytes of them.
fn print_hello(line: &mut Line, verbosity: u8, message: V2Message, mut offset: usize, mut len: u32) -> Printed {
    let pim = message.pim;
    while len > 0 {
        if len < 4 {
            return Err(pim.truncated());
        }
        let (option, option_len) = (pim.be16(offset)?, pim.be16(offset + 2)?);
        let name = match option {
            HELLO_HOLD_TIME => "Hold Time",
            HELLO_LAN_PRUNE_DELAY => "LAN Prune Delay",
            HELLO_DR_PRIORITY_OLD => "DR Priority (Old)",
            HELLO_DR_PRIORITY => "DR Priority",
            HELLO_GENERATION_ID => "Generation ID",
            HELLO_STATE_REFRESH => "State Refresh Capability",
            HELLO_BIDIRECTIONAL => "Bi-Directional Capability",
            HELLO_ADDRESS_LIST => "Address List",
            HELLO_ADDRESS_LIST_OLD => "Address List (Old)",
            _ => "Unknown",
        };
        line.put(format_args!("\n\t  {name} Option ({option}), length {option_len}, Value: "));
        offset += 4;
        len -= 4;
        if len < u32::from(option_len) {
            return Err(pim.truncated());
        }
        pim.check(offset, option_len.into())?;
        let expected_len = match option {
            HELLO_HOLD_TIME => Some(2),
            HELLO_LAN_PRUNE_DELAY | HELLO_GENERATION_ID | HELLO_STATE_REFRESH => Some(4),
            HELLO_DR_PRIORITY_OLD | HELLO_DR_PRIORITY if option_len != 0 => Some(4),
            _ => None,
        };
        if let Some(expected_len) = expected_len.filter(|&expected| expected != option_len) {
            line.put(format_args!("[option length {option_len} != {expected_len}] (invalid)"));
            return Ok(());
        }
        match option {
            HELLO_HOLD_TIME => line.put(format_args!("{}", Duration(pim.be16(offset)?.into()))),
            HELLO_LAN_PRUNE_DELAY => {
                let (delay, override_interval) = (pim.be16(offset)?, pim.be16(offset + 2)?);
                line.put(format_args!(
                    "\n\t    T-bit={}, LAN delay {}ms, Override interval {override_interval}ms",
                    delay >> 15,
                    delay & 0x7fff
                ));
            }
            HELLO_DR_PRIORITY_OLD | HELLO_DR_PRIORITY if option_len == 0 => {
                line.push("Bi-Directional Capability (Old)");
            }
            HELLO_DR_PRIORITY_OLD | HELLO_DR_PRIORITY => line.put(format_args!("{}", pim.be32(offset)?)),
            HELLO_GENERATION_ID => line.put(format_args!("0x{:08x}", pim.be32(offset)?)),
            HELLO_STATE_REFRESH => {
                line.put(format_args!("v{}", pim.u8(offset)?));
                let interval = pim.u8(offset + 1)?;
                if interval != 0 {
                    line.put(format_args!(", interval {}", Duration(interval.into())));
                }
                let reserved = pim.be16(offset + 2)?;
                if reserved != 0 {
                    line.put(format_args!(" ?0x{reserved:04x}?"));
                }
            }
            HELLO_BIDIRECTIONAL | HELLO_ADDRESS_LIST | HELLO_ADDRESS_LIST_OLD if verbosity <= 1 => {}
            HELLO_BIDIRECTIONAL => {}
            HELLO_ADDRESS_LIST | HELLO_ADDRESS_LIST_OLD => {
                // The addresses may run past the option: only the message's length bounds them.
                let (mut address, mut left) = (offset, len);
                while address < offset + usize::from(option_len) {
                    line.push("\n\t    ");
                    let advance = message.address(line, address, left, AddressKind::Unicast)?;
                    address += advance;
                    left -= advance as u32;
                }
            }
            _ if verbosity <= 1 => hexdump::hex_indented(line, "\n\t    ", pim.slice(offset, option_len.into())?),
            _ => {}
        }
        if verbosity > 1 {
            hexdump::hex_indented(line, "\n\t    ", pim.slice(offset, option_len.into())?);
        }
        offset += usize::from(option_len);
        len -= u32::from(option_len);
    }
    Ok(())
}
