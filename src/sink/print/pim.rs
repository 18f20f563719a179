//! PIM (tcpdump's print-pim.c): version 1, carried in IGMP messages of type 0x14: `igmp pimv1 Query
//! Sparse-mode`, `igmp pimv1 Join/Prune RPF 10.0.0.1 Join (...)`.

use super::{
    Line,
    captured::{Captured, Printed, Truncated},
    dns::Duration,
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
