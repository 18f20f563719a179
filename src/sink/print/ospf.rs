//! OSPFv2 (tcpdump's print-ospf.c), IP protocol 89 over IPv4: `OSPFv2, Hello, length 44`; with -v the router,
//! area and authentication, then each message's fields: a hello's timers, designated routers and neighbours, the
//! LSA headers of database descriptions and acknowledgements, requests, and updates' LSAs in full. Also the
//! pieces OSPFv3 (`ospf6.rs`) prints alike.

use super::{
    Line,
    captured::{Captured, Printed, Truncated},
    hexdump, ospf_te,
};

pub(super) const PROTOCOL: u8 = 89;

pub(super) const HELLO: u8 = 1;
pub(super) const DATABASE_DESCRIPTION: u8 = 2;
pub(super) const LS_REQUEST: u8 = 3;
pub(super) const LS_UPDATE: u8 = 4;
pub(super) const LS_ACK: u8 = 5;

const HEADER_LEN: usize = 24;
/// Where the router ID and area ID are, in both versions' headers.
const ROUTER_ID: usize = 4;
const AREA_ID: usize = 8;
const AUTH_TYPE: usize = 14;
const AUTH_DATA: usize = 16;
const AUTH_DATA_LEN: usize = 8;
const AUTH_NONE: u16 = 0;
const AUTH_SIMPLE: u16 = 1;
const AUTH_MD5: u16 = 2;
/// The MD5 digest after the message, which tcpdump takes off before it looks at anything.
const MD5_DIGEST_LEN: usize = 16;

/// The options of hellos, database descriptions and LSAs.
const OPTION_LLS: u8 = 0x10;
const OPTION_NAMES: [(u16, &str); 8] = [
    (0x01, "MultiTopology"),
    (0x02, "External"),
    (0x04, "Multicast"),
    (0x08, "NSSA"),
    (OPTION_LLS as u16, "LLS"),
    (0x20, "Demand Circuit"),
    (0x40, "Opaque"),
    (0x80, "Up/Down"),
];
const DD_FLAG_NAMES: [(u16, &str); 4] = [(0x04, "Init"), (0x02, "More"), (0x01, "Master"), (0x08, "OOBResync")];
const ROUTER_FLAG_NAMES: [(u16, &str); 6] =
    [(0x01, "ABR"), (0x02, "ASBR"), (0x04, "Virtual"), (0x08, "Wildcard"), (0x10, "Nt"), (0x80, "Host")];

pub(super) const LSA_HEADER_LEN: usize = 20;
/// Where an LSA header has its fields (its type and ID are where OSPFv3 has others).
const LSA_AGE: usize = 0;
const LSA_OPTIONS: usize = 2;
const LSA_TYPE: usize = 3;
const LSA_ID: usize = 4;
const LSA_ROUTER: usize = 8;
const LSA_SEQUENCE: usize = 12;
const LSA_LENGTH: usize = 18;

const LSA_ROUTER_TYPE: u8 = 1;
const LSA_NETWORK: u8 = 2;
const LSA_SUMMARY: u8 = 3;
const LSA_ASBR_SUMMARY: u8 = 4;
const LSA_EXTERNAL: u8 = 5;
const LSA_GROUP: u8 = 6;
const LSA_NSSA: u8 = 7;
const LSA_OPAQUE_LINK: u8 = 9;
const LSA_OPAQUE_DOMAIN: u8 = 11;

const LINK_POINT_TO_POINT: u8 = 1;
const LINK_TRANSIT: u8 = 2;
const LINK_STUB: u8 = 3;
const LINK_VIRTUAL: u8 = 4;
/// A router link: ID, data, type, number of extra metrics and the first metric.
const ROUTER_LINK_LEN: usize = 12;
const METRIC_LEN: usize = 4;
const EXTERNAL_METRIC_LEN: usize = 12;
const METRIC_MASK: u32 = 0x00ff_ffff;
const INFINITE_METRIC: u32 = 0x00ff_ffff;
const TOPOLOGY_SHIFT: u32 = 24;
const TOPOLOGY_MASK: u32 = 0x7f;
const EXTERNAL_TYPE_2: u32 = 0x8000_0000;

const LLS_EXTENDED_OPTIONS: u16 = 1;
const LLS_CRYPTO_AUTH: u16 = 2;
const LLS_EXTENDED_OPTIONS_LEN: u16 = 4;
const LLS_CRYPTO_AUTH_LEN: u16 = 20;

/// tcpdump's name for a message type of either version.
pub(super) fn message_type_name(message_type: u8) -> Option<&'static str> {
    Some(match message_type {
        HELLO => "Hello",
        DATABASE_DESCRIPTION => "Database Description",
        LS_REQUEST => "LS-Request",
        LS_UPDATE => "LS-Update",
        LS_ACK => "LS-Ack",
        _ => return None,
    })
}

/// `label`, the names of the bits of `flags` that are set, and `]`: read before anything is written, as tcpdump
/// prints the whole or nothing.
pub(super) fn put_flags(line: &mut Line, label: &str, flags: u16, names: &[(u16, &str)]) {
    line.push(label);
    line.put_flag_names(flags, names);
    line.push("]");
}

/// `\n\tRouter-ID 10.0.0.1, Backbone Area` (or `, Area 0.0.0.1`), where both versions' headers have them.
pub(super) fn print_router_and_area(line: &mut Line, ospf: Captured) -> Printed {
    line.put(format_args!("\n\tRouter-ID {}", ospf.ipv4(ROUTER_ID)?));
    match ospf.be32(AREA_ID)? {
        0 => line.push(", Backbone Area"),
        _ => line.put(format_args!(", Area {}", ospf.ipv4(AREA_ID)?)),
    }
    Ok(())
}

/// A hello's designated and backup designated routers, each where it is set.
pub(super) fn print_designated_routers(line: &mut Line, ospf: Captured, designated: usize) -> Printed {
    if ospf.be32(designated)? != 0 {
        line.put(format_args!("\n\t  Designated Router {}", ospf.ipv4(designated)?));
    }
    if ospf.be32(designated + 4)? != 0 {
        line.put(format_args!(", Backup Designated Router {}", ospf.ipv4(designated + 4)?));
    }
    Ok(())
}

/// A hello's neighbours, from `offset` to where the message ends.
pub(super) fn print_neighbors(line: &mut Line, ospf: Captured, mut offset: usize, end: usize) -> Printed {
    while offset < end {
        line.put(format_args!("\n\t    {}", ospf.ipv4(offset)?));
        offset += 4;
    }
    Ok(())
}

/// `\n\t  Advertising Router 10.0.0.1, seq 0x80000001, age 10s, length 24` of the LSA header at `offset`:
/// both versions put these fields at the same places. The length is the body's, as a C `size_t` computes it
/// (below zero it wraps).
pub(super) fn print_advertising_router(line: &mut Line, ospf: Captured, offset: usize) -> Printed {
    let router = ospf.ipv4(offset + LSA_ROUTER)?;
    let sequence = ospf.be32(offset + LSA_SEQUENCE)?;
    let age = ospf.be16(offset + LSA_AGE)?;
    let body_len = u64::from(ospf.be16(offset + LSA_LENGTH)?).wrapping_sub(LSA_HEADER_LEN as u64);
    line.put(format_args!("\n\t  Advertising Router {router}, seq 0x{sequence:08x}, age {age}s, length {body_len}"));
    Ok(())
}

/// Bytes tcpdump does not decode, in hex after `indent`, as far as they were captured (its
/// `print_unknown_data`).
pub(super) fn print_unknown_data(line: &mut Line, ospf: Captured, offset: usize, len: usize, indent: &str) {
    let captured = ospf.rest(offset);
    hexdump::hex_indented(line, indent, &captured[..len.min(captured.len())]);
}

/// Prints an OSPFv2 message `length` bytes long (as the IP header gives it), of which `bytes` were captured.
pub(super) fn print(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32) -> Printed {
    let whole = Captured::new(bytes, "ospf2");
    // An MD5 digest follows the message: tcpdump takes it off the length and off what was captured.
    let auth_type = whole.be16(AUTH_TYPE)?;
    let (ospf, length) = if auth_type == AUTH_MD5 {
        let digest_start = bytes.len().saturating_sub(MD5_DIGEST_LEN);
        (whole.limit(digest_start), length.wrapping_sub(MD5_DIGEST_LEN as u32))
    } else {
        (whole, length)
    };
    let message_type = ospf.u8(1)?;
    let version = ospf.u8(0)?;
    let Some(name) = message_type_name(message_type) else {
        line.put(format_args!("OSPFv{version}, unknown LS-type {message_type}, length {length}"));
        return Ok(());
    };
    line.put(format_args!("OSPFv{version}, {name}, length {length}"));
    if verbosity == 0 {
        return Ok(());
    }
    let message_len = ospf.be16(2)?;
    if length != u32::from(message_len) {
        line.put(format_args!(" [len {message_len}]"));
    }
    let end = length.min(u32::from(message_len)) as usize;
    print_router_and_area(line, ospf)?;
    ospf.require(AUTH_DATA, AUTH_DATA_LEN)?;
    let auth_type = ospf.be16(AUTH_TYPE)?;
    let auth_name = match auth_type {
        AUTH_NONE => "none",
        AUTH_SIMPLE => "simple",
        AUTH_MD5 => "MD5",
        _ => "unknown",
    };
    line.put(format_args!(", Authentication Type: {auth_name} ({auth_type})"));
    match auth_type {
        AUTH_NONE => {}
        AUTH_SIMPLE => {
            // A password shorter than its field ends with zeros.
            line.push("\n\tSimple text password: ");
            let password = ospf.slice(AUTH_DATA, AUTH_DATA_LEN)?;
            line.put_escaped(password.split(|&byte| byte == 0).next().unwrap_or_default());
        }
        AUTH_MD5 => {
            let (key_id, auth_len) = (ospf.u8(AUTH_DATA + 2)?, ospf.u8(AUTH_DATA + 3)?);
            let sequence = ospf.be32(AUTH_DATA + 4)?;
            line.put(format_args!(
                "\n\tKey-ID: {key_id}, Auth-Length: {auth_len}, Crypto Sequence Number: 0x{sequence:08x}"
            ));
        }
        _ => return Ok(()),
    }
    if version != 2 {
        line.put(format_args!(" ospf [version {version}]"));
        return Ok(());
    }
    print_v2_body(line, verbosity, ospf, message_type, end)?;
    if length > u32::from(message_len) {
        print_link_local_signaling(line, ospf, message_type, length as usize)?;
    }
    Ok(())
}

fn print_v2_body(line: &mut Line, verbosity: u8, ospf: Captured, message_type: u8, end: usize) -> Printed {
    match message_type {
        HELLO => {
            put_flags(line, "\n\tOptions [", ospf.u8(HEADER_LEN + 6)?.into(), &OPTION_NAMES);
            let hello_interval = ospf.be16(HEADER_LEN + 4)?;
            let dead_interval = ospf.be32(HEADER_LEN + 8)?;
            let mask = ospf.ipv4(HEADER_LEN)?;
            let priority = ospf.u8(HEADER_LEN + 7)?;
            line.put(format_args!(
                "\n\t  Hello Timer {hello_interval}s, Dead Timer {dead_interval}s, Mask {mask}, Priority {priority}"
            ));
            print_designated_routers(line, ospf, HEADER_LEN + 12)?;
            let neighbors = HEADER_LEN + 20;
            if neighbors < end {
                line.push("\n\t  Neighbor List:");
            }
            print_neighbors(line, ospf, neighbors, end)?;
        }
        DATABASE_DESCRIPTION => {
            put_flags(line, "\n\tOptions [", ospf.u8(HEADER_LEN + 2)?.into(), &OPTION_NAMES);
            put_flags(line, ", DD Flags [", ospf.u8(HEADER_LEN + 3)?.into(), &DD_FLAG_NAMES);
            let mtu = ospf.be16(HEADER_LEN)?;
            if mtu != 0 {
                line.put(format_args!(", MTU: {mtu}"));
            }
            line.put(format_args!(", Sequence: 0x{:08x}", ospf.be32(HEADER_LEN + 4)?));
            let mut offset = HEADER_LEN + 8;
            while offset < end && print_lsa_header(line, ospf, offset)?.is_some() {
                offset += LSA_HEADER_LEN;
            }
        }
        LS_REQUEST => {
            let mut offset = HEADER_LEN;
            while offset < end {
                ospf.require(offset, 12)?;
                let lsa_type = ospf.be32(offset)?;
                line.put(format_args!(
                    "\n\t  Advertising Router: {}, {} LSA ({lsa_type})",
                    ospf.ipv4(offset + 8)?,
                    lsa_type_name(lsa_type)
                ));
                print_lsa_id(line, ospf, lsa_type, offset + 4, ":")?;
                offset += 12;
            }
        }
        LS_UPDATE => {
            let count = ospf.be32(HEADER_LEN)?;
            line.put(format_args!(", {count} LSA{}", if count == 1 { "" } else { "s" }));
            let mut offset = HEADER_LEN + 4;
            for number in 1..=count {
                line.put(format_args!("\n\t  LSA #{number}"));
                offset = print_lsa(line, verbosity, ospf, offset)?;
            }
        }
        LS_ACK => {
            // tcpdump goes on through LSA headers until one is cut short or bogus, past the message's end.
            let mut offset = HEADER_LEN;
            while print_lsa_header(line, ospf, offset)?.is_some() {
                offset += LSA_HEADER_LEN;
            }
        }
        _ => {}
    }
    Ok(())
}

/// tcpdump's name for an OSPFv2 LSA type.
fn lsa_type_name(lsa_type: u32) -> &'static str {
    match lsa_type {
        1 => "Router",
        2 => "Network",
        3 => "Summary",
        4 => "ASBR Summary",
        5 => "External",
        6 => "Multicast Group",
        7 => "NSSA",
        9 => "Link Local Opaque",
        10 => "Area Local Opaque",
        11 => "Domain Wide Opaque",
        _ => "unknown",
    }
}

fn is_opaque(lsa_type: u32) -> bool {
    (u32::from(LSA_OPAQUE_LINK)..=u32::from(LSA_OPAQUE_DOMAIN)).contains(&lsa_type)
}

/// An LSA's ID at `offset`: `, LSA-ID: 1.2.3.4`, or for opaque LSAs their type and ID, which requests write
/// `, Opaque-Type: Graceful restart LSA (3), Opaque-ID: 0` and LSA headers without the colons.
fn print_lsa_id(line: &mut Line, ospf: Captured, lsa_type: u32, offset: usize, opaque_colon: &str) -> Printed {
    if is_opaque(lsa_type) {
        let opaque_type = ospf.u8(offset)?;
        let opaque_id = ospf.be32(offset)? & 0x00ff_ffff;
        let opaque_name = match opaque_type {
            1 => "Traffic Engineering",
            3 => "Graceful restart",
            4 => "Router Information",
            _ => "unknown",
        };
        line.put(format_args!(
            ", Opaque-Type{opaque_colon} {opaque_name} LSA ({opaque_type}), Opaque-ID{opaque_colon} {opaque_id}"
        ));
    } else {
        line.put(format_args!(", LSA-ID: {}", ospf.ipv4(offset)?));
    }
    Ok(())
}

/// Prints the LSA header at `offset`; returns its length, or `None` (after saying so) when that is shorter
/// than a header.
fn print_lsa_header(line: &mut Line, ospf: Captured, offset: usize) -> Result<Option<usize>, Truncated> {
    let lsa_len = ospf.be16(offset + LSA_LENGTH)?;
    if usize::from(lsa_len) < LSA_HEADER_LEN {
        line.put(format_args!("\n\t    Bogus length {lsa_len} < header ({LSA_HEADER_LEN})"));
        return Ok(None);
    }
    print_advertising_router(line, ospf, offset)?;
    let lsa_type = ospf.u8(offset + LSA_TYPE)?;
    line.put(format_args!("\n\t    {} LSA ({lsa_type})", lsa_type_name(lsa_type.into())));
    print_lsa_id(line, ospf, lsa_type.into(), offset + LSA_ID, "")?;
    put_flags(line, "\n\t    Options: [", ospf.u8(offset + LSA_OPTIONS)?.into(), &OPTION_NAMES);
    Ok(Some(usize::from(lsa_len)))
}

/// Prints the LSA at `offset` and returns where the next one starts (by its length, wherever the message
/// ends). A bogus length gives up on the packet like a cut.
fn print_lsa(line: &mut Line, verbosity: u8, ospf: Captured, offset: usize) -> Result<usize, Truncated> {
    let Some(lsa_len) = print_lsa_header(line, ospf, offset)? else {
        return Err(ospf.abandoned());
    };
    let lsa_end = offset + lsa_len;
    let body = offset + LSA_HEADER_LEN;
    match ospf.u8(offset + LSA_TYPE)? {
        LSA_ROUTER_TYPE => {
            put_flags(line, "\n\t    Router LSA Options: [", ospf.u8(body)?.into(), &ROUTER_FLAG_NAMES);
            let links = ospf.be16(body + 2)?;
            let mut link = body + 4;
            ospf.require(link, ROUTER_LINK_LEN)?;
            for _ in 0..links {
                ospf.require(link, ROUTER_LINK_LEN)?;
                let (id, data) = (ospf.ipv4(link)?, ospf.ipv4(link + 4)?);
                match ospf.u8(link + 8)? {
                    LINK_VIRTUAL => line.put(format_args!(
                        "\n\t      Virtual Link: Neighbor Router-ID: {id}, Interface Address: {data}"
                    )),
                    LINK_POINT_TO_POINT => {
                        line.put(format_args!("\n\t      Neighbor Router-ID: {id}, Interface Address: {data}"))
                    }
                    LINK_TRANSIT => {
                        line.put(format_args!("\n\t      Neighbor Network-ID: {id}, Interface Address: {data}"))
                    }
                    LINK_STUB => line.put(format_args!("\n\t      Stub Network: {id}, Mask: {data}")),
                    other => {
                        line.put(format_args!("\n\t      Unknown Router Link Type ({other})"));
                        return Ok(lsa_end);
                    }
                }
                // The link's own metric is the default topology's; each further one names its topology.
                let extra_metrics = usize::from(ospf.u8(link + 9)?);
                for index in 0..=extra_metrics {
                    let metric = link + 8 + index * METRIC_LEN;
                    let topology = if index == 0 { 0 } else { ospf.u8(metric)? };
                    line.put(format_args!(
                        "\n\t\ttopology {} ({topology}), metric {}",
                        topology_name(topology.into()),
                        ospf.be16(metric + 2)?
                    ));
                }
                link += ROUTER_LINK_LEN + extra_metrics * METRIC_LEN;
            }
        }
        LSA_NETWORK => {
            line.put(format_args!("\n\t    Mask {}\n\t    Connected Routers:", ospf.ipv4(body)?));
            let mut router = body + 4;
            while router < lsa_end {
                line.put(format_args!("\n\t      {}", ospf.ipv4(router)?));
                router += 4;
            }
        }
        lsa_type @ (LSA_SUMMARY | LSA_ASBR_SUMMARY) => {
            if lsa_type == LSA_SUMMARY {
                line.put(format_args!("\n\t    Mask {}", ospf.ipv4(body)?));
            }
            ospf.require(body + 4, METRIC_LEN)?;
            let mut metric = body + 4;
            while metric < lsa_end {
                let value = ospf.be32(metric)?;
                let topology = value >> TOPOLOGY_SHIFT & TOPOLOGY_MASK;
                line.put(format_args!(
                    "\n\t\ttopology {} ({topology}) metric {}",
                    topology_name(topology),
                    value & METRIC_MASK
                ));
                metric += METRIC_LEN;
            }
        }
        LSA_EXTERNAL | LSA_NSSA => {
            line.put(format_args!("\n\t    Mask {}", ospf.ipv4(body)?));
            ospf.require(body + 4, METRIC_LEN)?;
            let mut metric = body + 4;
            while metric < lsa_end {
                let value = ospf.be32(metric)?;
                let topology = value >> TOPOLOGY_SHIFT & TOPOLOGY_MASK;
                let external_type = if value & EXTERNAL_TYPE_2 != 0 { 2 } else { 1 };
                line.put(format_args!(
                    "\n\t\ttopology {} ({topology}), type {external_type}, metric",
                    topology_name(topology)
                ));
                match value & METRIC_MASK {
                    INFINITE_METRIC => line.push(" infinite"),
                    cost => line.put(format_args!(" {cost}")),
                }
                if ospf.be32(metric + 4)? != 0 {
                    line.put(format_args!(", forward {}", ospf.ipv4(metric + 4)?));
                }
                if ospf.be32(metric + 8)? != 0 {
                    line.put(format_args!(", tag {}", ospf.ipv4(metric + 8)?));
                }
                metric += EXTERNAL_METRIC_LEN;
            }
        }
        LSA_GROUP => {
            let mut member = body;
            while member < lsa_end {
                match ospf.be32(member)? {
                    1 => line.put(format_args!("\n\t    Router Router-ID {}", ospf.ipv4(member + 4)?)),
                    2 => line.put(format_args!("\n\t    Network Designated Router {}", ospf.ipv4(member + 4)?)),
                    other => line.put(format_args!("\n\t    unknown VertexType ({other})")),
                }
                member += 8;
            }
        }
        LSA_OPAQUE_LINK..=LSA_OPAQUE_DOMAIN => {
            let body_len = lsa_len - LSA_HEADER_LEN;
            let completed = match ospf.u8(offset + LSA_ID)? {
                OPAQUE_GRACE => print_grace(line, verbosity, ospf, body, body_len)?,
                OPAQUE_ROUTER_INFORMATION => print_router_information(line, verbosity, ospf, body, body_len)?,
                OPAQUE_TRAFFIC_ENGINEERING => ospf_te::print(line, verbosity, ospf, body, body_len)?,
                _ => {
                    if verbosity <= 1 {
                        print_unknown_data(line, ospf, body, body_len, "\n\t    ");
                    }
                    true
                }
            };
            if !completed {
                return Ok(lsa_end);
            }
        }
        _ => {}
    }
    if verbosity > 1 {
        print_unknown_data(line, ospf, body, lsa_len - LSA_HEADER_LEN, "\n\t    ");
    }
    Ok(lsa_end)
}

const OPAQUE_TRAFFIC_ENGINEERING: u8 = 1;
const OPAQUE_GRACE: u8 = 3;
const OPAQUE_ROUTER_INFORMATION: u8 = 4;
const TLV_HEADER_LEN: usize = 4;

/// The TLVs of a grace LSA (RFC 3623), `len` bytes from `offset`, which OSPFv3 has too. Returns whether they
/// were all printed: a length that does not fit or a cut (found by checking) stops them and the LSA quietly.
pub(super) fn print_grace(
    line: &mut Line,
    verbosity: u8,
    ospf: Captured,
    mut offset: usize,
    len: usize,
) -> Result<bool, Truncated> {
    // tcpdump's count is unsigned: a TLV padded past the end wraps it around.
    let mut left = len as u32;
    while left > 0 {
        if !ospf.has(offset, TLV_HEADER_LEN) {
            return Ok(false);
        }
        if left < TLV_HEADER_LEN as u32 {
            line.put(format_args!("\n\t    Remaining LS length {left} < 4"));
            return Ok(false);
        }
        let (tlv_type, tlv_len) = (ospf.be16(offset)?, ospf.be16(offset + 2)?);
        offset += TLV_HEADER_LEN;
        left -= TLV_HEADER_LEN as u32;
        let name = match tlv_type {
            1 => "Grace Period",
            2 => "Graceful restart Reason",
            3 => "IPv4 interface address",
            _ => "unknown",
        };
        line.put(format_args!("\n\t    {name} TLV ({tlv_type}), length {tlv_len}, value: "));
        if u32::from(tlv_len) > left {
            line.put(format_args!("\n\t    Bogus length {tlv_len} > {left}"));
            return Ok(false);
        }
        if tlv_type == 0 || tlv_len == 0 || !ospf.has(offset, tlv_len.into()) {
            return Ok(false);
        }
        let expected_len = match tlv_type {
            1 | 3 => 4,
            2 => 1,
            _ => tlv_len,
        };
        if tlv_len != expected_len {
            line.put(format_args!("\n\t    Bogus length {tlv_len} != {expected_len}"));
            return Ok(false);
        }
        match tlv_type {
            1 => line.put(format_args!("{}s", ospf.be32(offset)?)),
            2 => {
                let reason = ospf.u8(offset)?;
                let reason_name = match reason {
                    1 => "Software Restart",
                    2 => "Software Reload/Upgrade",
                    3 => "Control Processor Switch",
                    _ => "Unknown",
                };
                line.put(format_args!("{reason_name} ({reason})"));
            }
            3 => line.put(format_args!("{}", ospf.ipv4(offset)?)),
            _ if verbosity <= 1 => print_unknown_data(line, ospf, offset, tlv_len.into(), "\n\t      "),
            _ => {}
        }
        // TLVs are padded to 32 bits.
        let padded_len = u32::from(tlv_len).next_multiple_of(4);
        left = left.wrapping_sub(padded_len);
        offset += padded_len as usize;
    }
    Ok(true)
}

/// The TLVs of a router information LSA, `len` bytes from `offset`. Returns whether they were all printed.
fn print_router_information(
    line: &mut Line,
    verbosity: u8,
    ospf: Captured,
    mut offset: usize,
    len: usize,
) -> Result<bool, Truncated> {
    let mut left = len;
    while left != 0 {
        ospf.require(offset, TLV_HEADER_LEN)?;
        if left < TLV_HEADER_LEN {
            line.put(format_args!("\n\t    Remaining LS length {left} < 4"));
            return Ok(false);
        }
        let (tlv_type, tlv_len) = (ospf.be16(offset)?, usize::from(ospf.be16(offset + 2)?));
        offset += TLV_HEADER_LEN;
        left -= TLV_HEADER_LEN;
        let name = if tlv_type == CAPABILITIES { "Router Capabilities" } else { "unknown" };
        line.put(format_args!("\n\t    {name} TLV ({tlv_type}), length: {tlv_len}, value: "));
        if tlv_len > left {
            line.put(format_args!("\n\t    Bogus length {tlv_len} > remaining LS length {left}"));
            return Ok(false);
        }
        ospf.require(offset, tlv_len)?;
        if tlv_type == CAPABILITIES {
            if tlv_len != 4 {
                line.put(format_args!("\n\t    Bogus length {tlv_len} != 4"));
                return Ok(false);
            }
            line.push("Capabilities: ");
            // Every named capability is in the low 16 bits.
            line.put_flag_names_joined(ospf.be32(offset)? as u16, &CAPABILITY_NAMES, ", ", "Unknown");
        } else if verbosity <= 1 {
            print_unknown_data(line, ospf, offset, tlv_len, "\n\t      ");
        }
        offset += tlv_len;
        left -= tlv_len;
    }
    Ok(true)
}

const CAPABILITIES: u16 = 1;
const CAPABILITY_NAMES: [(u16, &str); 10] = [
    (1, "Reserved"),
    (2, "Reserved"),
    (4, "Reserved"),
    (8, "Reserved"),
    (16, "graceful restart capable"),
    (32, "graceful restart helper"),
    (64, "Stub router support"),
    (128, "Traffic engineering"),
    (256, "p2p over LAN"),
    (512, "path computation server"),
];

/// tcpdump's names of multi-topology IDs.
fn topology_name(topology: u32) -> &'static str {
    match topology {
        0 => "default",
        1 => "multicast",
        2 => "management",
        _ => "Unknown",
    }
}

/// The link-local signaling block after a hello or database description with the L option (RFC 4813): its
/// checksum, length and TLVs up to `length`.
fn print_link_local_signaling(line: &mut Line, ospf: Captured, message_type: u8, length: usize) -> Printed {
    let options = match message_type {
        HELLO => ospf.u8(HEADER_LEN + 6)?,
        DATABASE_DESCRIPTION => ospf.u8(HEADER_LEN + 2)?,
        _ => return Ok(()),
    };
    if options & OPTION_LLS == 0 {
        return Ok(());
    }
    let mut start = usize::from(ospf.be16(2)?);
    if ospf.be16(AUTH_TYPE)? == AUTH_MD5 {
        // The block follows the digest.
        start += usize::from(ospf.u8(AUTH_DATA + 3)?);
    }
    if start >= length {
        line.push("\n\t[LLS truncated]");
        return Ok(());
    }
    line.put(format_args!("\n\t  LLS: checksum: 0x{:04x}", ospf.be16(start)?));
    line.put(format_args!(", length: {}", ospf.be16(start + 2)?));
    let mut offset = start + 4;
    while offset < length {
        let tlv_type = ospf.be16(offset)?;
        let name = match tlv_type {
            LLS_EXTENDED_OPTIONS => "Extended Options",
            LLS_CRYPTO_AUTH => "MD5 Authentication",
            _ => "Unknown TLV",
        };
        line.put(format_args!("\n\t    {name} ({tlv_type})"));
        let mut tlv_len = ospf.be16(offset + 2)?;
        line.put(format_args!(", length: {tlv_len}"));
        let value = offset + 4;
        match tlv_type {
            LLS_EXTENDED_OPTIONS => {
                if tlv_len != LLS_EXTENDED_OPTIONS_LEN {
                    line.put(format_args!(" [should be {LLS_EXTENDED_OPTIONS_LEN}]"));
                    tlv_len = LLS_EXTENDED_OPTIONS_LEN;
                }
                let flags = ospf.be32(value)?;
                line.put(format_args!("\n\t      Options: 0x{flags:08x} ["));
                // Only the low bits have names.
                line.put_flag_names_joined(flags as u16, &[(0x01, "LSDB resync"), (0x02, "Restart")], ", ", "?");
                line.push("]");
            }
            LLS_CRYPTO_AUTH => {
                if tlv_len != LLS_CRYPTO_AUTH_LEN {
                    line.put(format_args!(" [should be {LLS_CRYPTO_AUTH_LEN}]"));
                    tlv_len = LLS_CRYPTO_AUTH_LEN;
                }
                line.put(format_args!("\n\t      Sequence number: 0x{:08x}", ospf.be32(value)?));
            }
            _ => {}
        }
        offset = value + usize::from(tlv_len);
    }
    Ok(())
}
