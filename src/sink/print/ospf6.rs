//! OSPFv3 (tcpdump's print-ospf6.c), IP protocol 89 over IPv6: `OSPFv3, Hello, length 40`; with -v the router,
//! area and instance, a hello's timers and designated routers, a database description's flags, and the trailing
//! link-local signaling and authentication trailer; with -vv also the neighbours, LSA headers, requests and
//! updates' LSAs with their IPv6 prefixes.
//!
//! Where tcpdump finds a length that does not fit it stops with ` [|ospf3]` but lets the packet's other
//! printing go on; only reads past the capture give up on the packet.

use super::{
    Line,
    address::IpAddress,
    captured::{Captured, Printed, Truncated},
    ospf::{self, DATABASE_DESCRIPTION, HELLO, LS_ACK, LS_REQUEST, LS_UPDATE, LSA_HEADER_LEN},
    ospf_te,
};

const HEADER_LEN: usize = 16;
const INSTANCE_ID: usize = 14;

/// Options are 24 bits, read with the byte before them (a hello's priority, which has no name here).
const OPTION_LLS: u32 = 0x0200;
const OPTION_NAMES: [(u16, &str); 9] = [
    (0x01, "V6"),
    (0x02, "External"),
    (0x04, "Deprecated"),
    (0x08, "NSSA"),
    (0x10, "Router"),
    (0x20, "Demand Circuit"),
    (0x0100, "AFs Support"),
    (OPTION_LLS as u16, "LLS"),
    (0x0400, "Authentication Trailer"),
];
const DD_FLAG_NAMES: [(u16, &str); 4] = [(0x04, "Init"), (0x02, "More"), (0x01, "Master"), (0x10, "IPv6 MTU")];
const ROUTER_FLAG_NAMES: [(u16, &str); 5] = [
    (0x01, "ABR"),
    (0x02, "External"),
    (0x04, "Virtual-Link Endpoint"),
    (0x08, "Deprecated"),
    (0x10, "NSSA Translator"),
];
const PREFIX_OPTION_NAMES: [(u16, &str); 6] = [
    (0x01, "No Unicast"),
    (0x02, "Local address"),
    (0x04, "Deprecated"),
    (0x08, "Propagate"),
    (0x10, "Down"),
    (0x20, "N-bit"),
];
/// An AS-external LSA's flags, in the top byte of its metric word.
const EXTERNAL_FLAG_SHIFT: u32 = 24;
const EXTERNAL_FORWARDING: u32 = 0x0200_0000;
const EXTERNAL_TAG: u32 = 0x0100_0000;
const EXTERNAL_FLAG_NAMES: [(u16, &str); 3] = [(0x80, "External Type 2"), (0x02, "Forwarding"), (0x01, "Tag")];
const METRIC_MASK: u32 = 0x00ff_ffff;

/// LSA types with their flooding scope bits, as the switch on them has them.
const SCOPE_AREA: u16 = 0x2000;
const SCOPE_AS: u16 = 0x4000;
const LSA_ROUTER: u16 = SCOPE_AREA | 1;
const LSA_NETWORK: u16 = SCOPE_AREA | 2;
const LSA_INTER_AREA_PREFIX: u16 = SCOPE_AREA | 3;
const LSA_EXTERNAL: u16 = SCOPE_AS | 5;
/// tcpdump takes a link LSA only with the link-local scope, which is zero.
const LSA_LINK: u16 = 8;
const LSA_INTRA_AREA_PREFIX: u16 = SCOPE_AREA | 9;
/// Intra-area traffic engineering and grace LSAs too only with the link-local scope.
const LSA_TRAFFIC_ENGINEERING: u16 = 10;
const LSA_GRACE: u16 = 11;

const LINK_POINT_TO_POINT: u8 = 1;
const LINK_TRANSIT: u8 = 2;
const LINK_VIRTUAL: u8 = 4;
/// A router link: type, zero, metric, interface ID, neighbour's interface ID and router ID.
const ROUTER_LINK_LEN: usize = 16;
/// A prefix's length, options and metric before its address words.
const PREFIX_HEADER_LEN: usize = 4;
const LLS_HEADER_LEN: u16 = 4;
const AUTH_TRAILER_HEADER_LEN: u16 = 16;
const AUTH_HMAC: u16 = 1;

/// Prints an OSPFv3 message `length` bytes long (as the IP header gives it), of which `bytes` were captured.
pub(super) fn print(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32) -> Printed {
    let ospf = Captured::new(bytes, "ospf3");
    let message_type = ospf.u8(1)?;
    let version = ospf.u8(0)?;
    let Some(name) = ospf::message_type_name(message_type) else {
        line.put(format_args!("OSPFv{version}, unknown packet type ({message_type}), length {length}"));
        return Ok(());
    };
    line.put(format_args!("OSPFv{version}, {name}, length {length}"));
    if verbosity == 0 {
        return Ok(());
    }
    let message_len = ospf.be16(2)?;
    if u32::from(message_len) > length {
        line.put(format_args!(" [len {message_len}]"));
        return Ok(());
    }
    let end = usize::from(message_len);
    ospf::print_router_and_area(line, ospf)?;
    let instance = ospf.u8(INSTANCE_ID)?;
    if instance != 0 {
        line.put(format_args!(", Instance {instance}"));
    }
    if version != 3 {
        return Ok(());
    }
    print_body(line, verbosity, ospf, message_type, end)?;
    print_trailer(line, verbosity, ospf, message_type, end, length as usize - end)
}

fn print_body(line: &mut Line, verbosity: u8, ospf: Captured, message_type: u8, end: usize) -> Printed {
    let detailed = verbosity > 1;
    match message_type {
        HELLO => {
            put_options(line, "\n\tOptions [", ospf.be32(HEADER_LEN + 4)?);
            let hello_interval = ospf.be16(HEADER_LEN + 8)?;
            let dead_interval = ospf.be16(HEADER_LEN + 10)?;
            let interface = ospf.ipv4(HEADER_LEN)?;
            let priority = ospf.u8(HEADER_LEN + 4)?;
            line.put(format_args!(
                "\n\t  Hello Timer {hello_interval}s, Dead Timer {dead_interval}s, Interface-ID {interface}, \
                 Priority {priority}"
            ));
            ospf::print_designated_routers(line, ospf, HEADER_LEN + 12)?;
            if detailed {
                line.push("\n\t  Neighbor List:");
                ospf::print_neighbors(line, ospf, HEADER_LEN + 20, end)?;
            }
        }
        DATABASE_DESCRIPTION => {
            put_options(line, "\n\tOptions [", ospf.be32(HEADER_LEN)?);
            ospf::put_flags(line, ", DD Flags [", ospf.u8(HEADER_LEN + 7)?.into(), &DD_FLAG_NAMES);
            let (mtu, sequence) = (ospf.be16(HEADER_LEN + 4)?, ospf.be32(HEADER_LEN + 8)?);
            line.put(format_args!(", MTU {mtu}, DD-Sequence 0x{sequence:08x}"));
            if detailed {
                print_lsa_headers(line, ospf, HEADER_LEN + 12, end)?;
            }
        }
        LS_REQUEST if detailed => {
            let mut offset = HEADER_LEN;
            while offset < end {
                ospf.check(offset, 12)?;
                line.put(format_args!("\n\t  Advertising Router {}", ospf.ipv4(offset + 8)?));
                print_lsa_type(line, ospf, ospf.be16(offset + 2)?, offset + 4)?;
                offset += 12;
            }
        }
        LS_UPDATE if detailed => {
            // A count above `i32::MAX` is negative to tcpdump, and only the message's end stops it.
            let mut remaining = ospf.be32(HEADER_LEN)? as i32;
            let mut offset = HEADER_LEN + 4;
            while offset < end && remaining != 0 {
                remaining = remaining.wrapping_sub(1);
                print_lsa(line, verbosity, ospf, offset, end)?;
                offset += usize::from(ospf.be16(offset + ospf::LSA_HEADER_LEN - 2)?);
            }
        }
        LS_ACK if detailed => print_lsa_headers(line, ospf, HEADER_LEN, end)?,
        _ => {}
    }
    Ok(())
}

/// `Options [V6, External, Router]` after `label`.
fn put_options(line: &mut Line, label: &str, options: u32) {
    // Every named option is in the low 16 bits.
    ospf::put_flags(line, label, options as u16, &OPTION_NAMES);
}

fn print_lsa_headers(line: &mut Line, ospf: Captured, mut offset: usize, end: usize) -> Printed {
    while offset < end {
        print_lsa_header(line, ospf, offset, end)?;
        offset += LSA_HEADER_LEN;
    }
    Ok(())
}

/// The LSA header at `offset`; one that does not fit before `end` ends the message's printing.
fn print_lsa_header(line: &mut Line, ospf: Captured, offset: usize, end: usize) -> Printed {
    if offset + LSA_HEADER_LEN > end {
        return Err(ospf.truncated());
    }
    ospf::print_advertising_router(line, ospf, offset)?;
    print_lsa_type(line, ospf, ospf.be16(offset + 2)?, offset + 4)
}

/// `\n\t    Router LSA (1), Area Local Scope, LSA-ID 0.0.0.0` with the ID at `id`.
fn print_lsa_type(line: &mut Line, ospf: Captured, lsa_type: u16, id: usize) -> Printed {
    let function = lsa_type & 0x1fff;
    let name = match function {
        1 => "Router",
        2 => "Network",
        3 => "Inter-Area Prefix",
        4 => "Inter-Area Router",
        5 => "External",
        6 => "Deprecated",
        7 => "NSSA",
        8 => "Link",
        9 => "Intra-Area Prefix",
        10 => "Intra-Area TE",
        11 => "Grace",
        12 => "Router Information",
        13 => "Inter-AS-TE",
        14 => "Layer 1 VPN",
        _ => "Unknown",
    };
    let scope = match lsa_type & 0x6000 {
        0 => "Link Local",
        SCOPE_AREA => "Area Local",
        SCOPE_AS => "Domain Wide",
        _ => "Unknown",
    };
    let transitive = if lsa_type & 0x8000 != 0 { ", transitive" } else { "" };
    let id = ospf.ipv4(id)?;
    line.put(format_args!("\n\t    {name} LSA ({function}), {scope} Scope{transitive}, LSA-ID {id}"));
    Ok(())
}

/// The LSA at `offset`, which must lie before `end`.
fn print_lsa(line: &mut Line, verbosity: u8, ospf: Captured, offset: usize, end: usize) -> Printed {
    print_lsa_header(line, ospf, offset, end)?;
    let lsa_len = usize::from(ospf.be16(offset + LSA_HEADER_LEN - 2)?);
    if lsa_len < LSA_HEADER_LEN || offset + lsa_len > end {
        return Err(ospf.truncated());
    }
    // What the LSA's length leaves, which tcpdump counts down field by field (not always as it moves on).
    let mut left = lsa_len - LSA_HEADER_LEN;
    let body = offset + LSA_HEADER_LEN;
    match ospf.be16(offset + 2)? {
        LSA_ROUTER => {
            count_off(ospf, &mut left, 4)?;
            put_options(line, "\n\t      Options [", ospf.be32(body)?);
            ospf::put_flags(line, ", RLA-Flags [", ospf.u8(body)?.into(), &ROUTER_FLAG_NAMES);
            let mut link = body + 4;
            while left != 0 {
                count_off(ospf, &mut left, ROUTER_LINK_LEN)?;
                ospf.check(link, ROUTER_LINK_LEN)?;
                let kind = match ospf.u8(link)? {
                    LINK_VIRTUAL => "Virtual Link: Neighbor Router-ID",
                    LINK_POINT_TO_POINT => "Neighbor Router-ID",
                    LINK_TRANSIT => "Neighbor Network-ID",
                    other => {
                        line.put(format_args!("\n\t      Unknown Router Links Type 0x{other:02x}"));
                        return Ok(());
                    }
                };
                let (neighbor, neighbor_interface) = (ospf.ipv4(link + 12)?, ospf.ipv4(link + 8)?);
                let interface = ospf.ipv4(link + 4)?;
                line.put(format_args!("\n\t      {kind} {neighbor}"));
                line.put(format_args!("\n\t      Neighbor Interface-ID {neighbor_interface}, Interface {interface}"));
                line.put(format_args!(", metric {}", ospf.be16(link + 2)?));
                link += ROUTER_LINK_LEN;
            }
        }
        LSA_NETWORK => {
            count_off(ospf, &mut left, 4)?;
            put_options(line, "\n\t      Options [", ospf.be32(body)?);
            line.push("\n\t      Connected Routers:");
            let mut router = body + 4;
            while left != 0 {
                count_off(ospf, &mut left, 4)?;
                line.put(format_args!("\n\t\t{}", ospf.ipv4(router)?));
                router += 4;
            }
        }
        LSA_INTER_AREA_PREFIX => {
            count_off(ospf, &mut left, 4)?;
            line.put(format_args!(", metric {}", ospf.be32(body)? & METRIC_MASK));
            let mut prefix = body + 4;
            while left != 0 {
                let prefix_len = print_prefix(line, ospf, prefix, left)?;
                count_off(ospf, &mut left, prefix_len)?;
                prefix += prefix_len;
            }
        }
        LSA_EXTERNAL => {
            count_off(ospf, &mut left, 4)?;
            let flags = ospf.be32(body)?;
            line.push("\n\t     Flags [");
            line.put_flag_names((flags >> EXTERNAL_FLAG_SHIFT) as u16, &EXTERNAL_FLAG_NAMES);
            line.put(format_args!("] metric {}", flags & METRIC_MASK));
            let prefix = body + 4;
            let prefix_len = print_prefix(line, ospf, prefix, left)?;
            count_off(ospf, &mut left, prefix_len)?;
            let mut field = prefix + prefix_len;
            if flags & EXTERNAL_FORWARDING != 0 {
                count_off(ospf, &mut left, 16)?;
                line.put(format_args!(" forward {}", ospf.ipv6(field)?));
                field += 16;
            }
            if flags & EXTERNAL_TAG != 0 {
                count_off(ospf, &mut left, 4)?;
                line.put(format_args!(" tag {}", ospf.ipv4(field)?));
                field += 4;
            }
            // The referenced LS type, where other LSAs' prefixes have their metric.
            if ospf.u8(prefix + 2)? != 0 {
                count_off(ospf, &mut left, 4)?;
                line.put(format_args!(" RefLSID: {}", ospf.ipv4(field)?));
            }
        }
        LSA_LINK => {
            count_off(ospf, &mut left, 4)?;
            ospf.check(body, 4)?;
            put_options(line, "\n\t      Options [", ospf.be32(body)?);
            count_off(ospf, &mut left, 20)?;
            let prefixes = ospf.be32(body + 20)?;
            let (priority, address) = (ospf.u8(body)?, ospf.ipv6(body + 4)?);
            line.put(format_args!("\n\t      Priority {priority}, Link-local address {address}, Prefixes {prefixes}:"));
            print_prefixes(line, ospf, body + 24, prefixes, &mut left)?;
        }
        LSA_INTRA_AREA_PREFIX => {
            // tcpdump counts only the router ID and the prefix count off the length.
            count_off(ospf, &mut left, 4)?;
            ospf.check(body + 8, 4)?;
            print_lsa_type(line, ospf, ospf.be16(body + 2)?, body + 4)?;
            count_off(ospf, &mut left, 2)?;
            let prefixes = ospf.be16(body)?;
            line.put(format_args!("\n\t      Prefixes {prefixes}:"));
            print_prefixes(line, ospf, body + 12, prefixes.into(), &mut left)?;
        }
        lsa_type @ (LSA_GRACE | LSA_TRAFFIC_ENGINEERING) => {
            let print_tlvs = if lsa_type == LSA_GRACE { ospf::print_grace } else { ospf_te::print };
            if !print_tlvs(line, verbosity, ospf, body, left)? {
                return Err(ospf.truncated());
            }
        }
        _ => ospf::print_unknown_data(line, ospf, body, left, "\n\t      "),
    }
    Ok(())
}

/// Takes `len` bytes off what is `left` of an LSA; there being fewer ends the message's printing.
fn count_off(ospf: Captured, left: &mut usize, len: usize) -> Printed {
    *left = left.checked_sub(len).ok_or(ospf.truncated())?;
    Ok(())
}

/// `count` prefixes from `offset` on, each counted off `left`.
fn print_prefixes(line: &mut Line, ospf: Captured, mut offset: usize, count: u32, left: &mut usize) -> Printed {
    for _ in 0..count {
        let prefix_len = print_prefix(line, ospf, offset, *left)?;
        *left -= prefix_len;
        offset += prefix_len;
    }
    Ok(())
}

/// `\n\t\t2001:db8::/64, Options [Propagate], metric 10` for the prefix at `offset`, with `left` bytes of its
/// LSA to hold it; returns its length.
fn print_prefix(line: &mut Line, ospf: Captured, offset: usize, left: usize) -> Result<usize, Truncated> {
    if left < PREFIX_HEADER_LEN {
        return Err(ospf.truncated());
    }
    ospf.check(offset, PREFIX_HEADER_LEN)?;
    let prefix_bits = ospf.u8(offset)?;
    let address_len = usize::from(prefix_bits).div_ceil(32) * 4;
    if address_len > 16 {
        line.put(format_args!(" bogus prefixlen /{prefix_bits}"));
        return Err(ospf.truncated());
    }
    if left - PREFIX_HEADER_LEN < address_len {
        return Err(ospf.truncated());
    }
    let mut address = [0; 16];
    address[..address_len].copy_from_slice(ospf.slice(offset + PREFIX_HEADER_LEN, address_len)?);
    line.put(format_args!("\n\t\t{}/{prefix_bits}", IpAddress::V6(address)));
    let options = ospf.u8(offset + 1)?;
    if options != 0 {
        ospf::put_flags(line, ", Options [", options.into(), &PREFIX_OPTION_NAMES);
    }
    line.put(format_args!(", metric {}", ospf.be16(offset + 2)?));
    Ok(PREFIX_HEADER_LEN + address_len)
}

/// What may follow the message within the IP payload: a link-local signaling block (after hellos and database
/// descriptions with the L option), then an authentication trailer (RFC 6506), `len` bytes in all from `start`.
fn print_trailer(
    line: &mut Line,
    verbosity: u8,
    ospf: Captured,
    message_type: u8,
    start: usize,
    len: usize,
) -> Printed {
    let options = match message_type {
        HELLO => ospf.be32(HEADER_LEN + 4)?,
        DATABASE_DESCRIPTION => ospf.be32(HEADER_LEN)?,
        _ => 0,
    };
    let mut signaling_len = 0;
    if options & OPTION_LLS != 0 && len != 0 {
        if len < usize::from(LLS_HEADER_LEN) {
            return Err(ospf.truncated());
        }
        line.put(format_args!("\n\tLLS Checksum 0x{:04x}", ospf.be16(start)?));
        let data_len = ospf.be16(start + 2)?;
        line.put(format_args!(", Data Length {data_len}"));
        if data_len < LLS_HEADER_LEN || usize::from(data_len) > len {
            return Err(ospf.truncated());
        }
        // tcpdump takes the length for bytes (RFC 5613 counts words) and does not decode the TLVs.
        ospf.check(start + 4, usize::from(data_len - LLS_HEADER_LEN))?;
        signaling_len = usize::from(data_len);
    }
    print_auth_trailer(line, verbosity, ospf, start + signaling_len, len - signaling_len)
}

fn print_auth_trailer(line: &mut Line, verbosity: u8, ospf: Captured, start: usize, len: usize) -> Printed {
    if len == 0 {
        return Ok(());
    }
    if len < usize::from(AUTH_TRAILER_HEADER_LEN) {
        return Err(ospf.truncated());
    }
    match ospf.be16(start)? {
        AUTH_HMAC => line.push("\n\tAuthentication Type HMAC"),
        other => line.put(format_args!("\n\tAuthentication Type unknown (0x{other:04x})")),
    }
    let auth_len = ospf.be16(start + 2)?;
    line.put(format_args!(", Length {auth_len}"));
    if auth_len < AUTH_TRAILER_HEADER_LEN || usize::from(auth_len) > len {
        return Err(ospf.truncated());
    }
    line.put(format_args!(", SAID {}", ospf.be16(start + 6)?));
    line.put(format_args!(", CSN 0x{:08x}", ospf.be32(start + 8)?));
    line.put(format_args!(":{:08x}", ospf.be32(start + 12)?));
    let data_len = usize::from(auth_len - AUTH_TRAILER_HEADER_LEN);
    let data = start + usize::from(AUTH_TRAILER_HEADER_LEN);
    ospf.check(data, data_len)?;
    if verbosity > 1 {
        ospf::print_unknown_data(line, ospf, data, data_len, "\n\tAuthentication Data ");
    }
    Ok(())
}
