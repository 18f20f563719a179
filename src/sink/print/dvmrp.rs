//! DVMRP (tcpdump's print-dvmrp.c), carried in IGMP messages of type 0x13: `igmp dvmrp Probe genid 7`,
//! `igmp dvmrp Prune src 10.0.0.1 grp 239.1.2.3 timer 2h`, and the routes of reports at -vv.

use std::net::Ipv4Addr;

use super::{
    Line,
    captured::{Captured, Printed},
    dns::Duration,
};

const PROBE: u8 = 1;
const REPORT: u8 = 2;
const NEIGHBORS: u8 = 4;
const NEIGHBORS2: u8 = 6;
const PRUNE: u8 = 7;
const GRAFT: u8 = 8;
const GRAFT_ACK: u8 = 9;

/// The IGMP header DVMRP messages start with: type 0x13, the DVMRP code, checksum, and a field that in
/// `Neighbors2` holds the minor and major version.
const HEADER_LEN: usize = 8;

/// What tcpdump appends to a message whose lengths do not add up.
const INVALID: &str = " (invalid)";

/// Prints a DVMRP message `length` bytes long (its IGMP header included, at least `HEADER_LEN`), of which
/// `bytes` were captured.
pub(super) fn print(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32) -> Printed {
    let dvmrp = Captured::new(bytes, "dvmrp");
    let message_type = dvmrp.u8(1)?;
    match type_name(message_type) {
        Some(name) => line.put(format_args!(" {name}")),
        None => line.put(format_args!(" [type {message_type}]")),
    }
    let body = dvmrp.next_layer(HEADER_LEN, "dvmrp");
    let len = (length as usize).saturating_sub(HEADER_LEN);
    match message_type {
        PROBE if verbosity > 0 => print_probe(line, verbosity, body, len),
        REPORT if verbosity > 1 => print_report(line, body, len),
        NEIGHBORS => print_neighbors(line, body, len),
        NEIGHBORS2 => {
            let (major, minor) = (dvmrp.u8(7)?, dvmrp.u8(6)?);
            print_neighbors2(line, body, len, major, minor)
        }
        PRUNE => {
            line.put(format_args!(" src {} grp {}", body.ipv4(0)?, body.ipv4(4)?));
            line.push(" timer ");
            line.put(format_args!("{}", Duration(body.be32(8)?)));
            Ok(())
        }
        GRAFT | GRAFT_ACK => {
            line.put(format_args!(" src {} grp {}", body.ipv4(0)?, body.ipv4(4)?));
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The generation id, and at -vv the neighbours the prober has heard.
fn print_probe(line: &mut Line, verbosity: u8, body: Captured, len: usize) -> Printed {
    if len < 4 {
        line.put(format_args!(" [full length {len} < 4]{INVALID}"));
        return Ok(());
    }
    line.push(if verbosity > 1 { "\n\t" } else { " " });
    line.put(format_args!("genid {}", body.be32(0)?));
    if verbosity < 2 {
        return Ok(());
    }
    for offset in (4..len).step_by(4) {
        if len - offset < 4 {
            line.put(format_args!("[remaining length {} < 4]{INVALID}", len - offset));
            return Ok(());
        }
        line.put(format_args!("\n\tneighbor {}", body.ipv4(offset)?));
    }
    Ok(())
}

/// Routes by mask: the mask's three low bytes, then origins as wide as the mask with their metrics, the last
/// one's metric having its high bit set.
fn print_report(line: &mut Line, body: Captured, len: usize) -> Printed {
    let mut offset = 0;
    while offset < len {
        if len - offset < 3 {
            line.put(format_args!(" [length {} < 3]{INVALID}", len - offset));
            return Ok(());
        }
        let [a, b, c] = body.array::<3>(offset)?;
        // The origins carry as many bytes as the mask has bytes that are not zero.
        let width = if c != 0 {
            4
        } else if b != 0 {
            3
        } else if a != 0 {
            2
        } else {
            1
        };
        line.put(format_args!("\n\tMask {}", Ipv4Addr::new(0xff, a, b, c)));
        offset += 3;
        loop {
            if len - offset < width + 1 {
                line.put(format_args!("\n\t  [Truncated Report]{INVALID}"));
                return Ok(());
            }
            let mut origin = [0u8; 4];
            origin[..width].copy_from_slice(body.slice(offset, width)?);
            let metric = body.u8(offset + width)?;
            line.put(format_args!("\n\t  {} metric {}", Ipv4Addr::from(origin), metric & 0x7f));
            offset += width + 1;
            if metric & 0x80 != 0 {
                break;
            }
        }
    }
    Ok(())
}

/// The old format of a router's neighbours: per local address its metric, threshold and neighbours.
fn print_neighbors(line: &mut Line, body: Captured, len: usize) -> Printed {
    let mut offset = 0;
    while offset < len {
        if len - offset < 7 {
            line.put(format_args!(" [length {} < 7]{INVALID}", len - offset));
            return Ok(());
        }
        let [metric, threshold, count] = body.array::<3>(offset + 4)?;
        let local = offset;
        offset += 7;
        for _ in 0..count {
            if len - offset < 4 {
                line.put(format_args!(" [length {} < 4]{INVALID}", len - offset));
                return Ok(());
            }
            line.put(format_args!(" [{} ->", body.ipv4(local)?));
            line.put(format_args!(" {}, ({metric}/{threshold})]", body.ipv4(offset)?));
            offset += 4;
        }
    }
    Ok(())
}

/// The new format of a router's neighbours: per local address its metric, threshold, flags and neighbours.
fn print_neighbors2(line: &mut Line, body: Captured, len: usize, major: u8, minor: u8) -> Printed {
    line.put(format_args!(" (v {major}.{minor}):"));
    let mut offset = 0;
    while offset < len {
        if len - offset < 8 {
            line.put(format_args!(" [length {} < 8]{INVALID}", len - offset));
            return Ok(());
        }
        let [metric, threshold, flags, count] = body.array::<4>(offset + 4)?;
        let local = offset;
        offset += 8;
        for _ in 0..count {
            if offset == len {
                line.put(format_args!(" [invalid ncount]{INVALID}"));
                return Ok(());
            }
            if len - offset < 4 {
                line.put(format_args!(" [length {} < 4]{INVALID}", len - offset));
                return Ok(());
            }
            line.put(format_args!(" [{} -> ", body.ipv4(local)?));
            line.put(format_args!("{} ({metric}/{threshold}", body.ipv4(offset)?));
            let flag_names =
                [(0x01, "/tunnel"), (0x02, "/srcrt"), (0x40, "/querier"), (0x20, "/disabled"), (0x10, "/down")];
            for (_, name) in flag_names.iter().filter(|(flag, _)| flags & flag != 0) {
                line.push(name);
            }
            line.push(")]");
            offset += 4;
        }
    }
    Ok(())
}

fn type_name(message_type: u8) -> Option<&'static str> {
    Some(match message_type {
        PROBE => "Probe",
        REPORT => "Report",
        3 => "Ask-neighbors(old)",
        NEIGHBORS => "Neighbors(old)",
        5 => "Ask-neighbors2",
        NEIGHBORS2 => "Neighbors2",
        PRUNE => "Prune",
        GRAFT => "Graft",
        GRAFT_ACK => "Graft-ACK",
        _ => return None,
    })
}
