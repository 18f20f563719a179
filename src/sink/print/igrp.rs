//! Cisco's IGRP (tcpdump's print-igrp.c), IP protocol 9: `igrp: update V1 edit=3 AS=100 (1/2/0)` and each route
//! with its delay, bandwidth, reliability, load, metric, MTU and hops.

use super::{
    Line,
    captured::{Captured, Printed, Truncated},
};

pub(super) const PROTOCOL: u8 = 9;

const HEADER_LEN: usize = 12;
const ROUTE_LEN: usize = 14;
/// The largest composite metric, in 24 bits.
const MAX_METRIC: u32 = 0xff_ffff;

/// Prints an IGRP message `length` bytes long, of which `bytes` were captured.
pub(super) fn print(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32) -> Printed {
    let igrp = Captured::new(bytes, "igrp");
    line.push("igrp:");
    let (mut interior, mut system, mut exterior) = (igrp.be16(4)?, igrp.be16(6)?, igrp.be16(8)?);
    let version_and_opcode = igrp.u8(0)?;
    match version_and_opcode & 0x0f {
        1 => line.push(" update"),
        2 => line.push(" request"),
        opcode => line.put(format_args!(" op-#{opcode}")),
    }
    line.put(format_args!(
        " V{} edit={} AS={} ({interior}/{system}/{exterior})",
        version_and_opcode >> 4,
        igrp.u8(1)?,
        igrp.be16(2)?
    ));
    let checksum = igrp.be16(10)?;
    if verbosity > 0 {
        line.put(format_args!(" checksum=0x{checksum:04x}"));
    }
    // tcpdump subtracts the header from the length without checking it, so a shorter message reads routes on
    // until the capture ends.
    let mut remaining = length.wrapping_sub(HEADER_LEN as u32);
    let mut offset = HEADER_LEN;
    while remaining >= ROUTE_LEN as u32 {
        let [a, b, c] = igrp.array::<3>(offset)?;
        let count = if interior > 0 {
            line.put(format_args!(" *.{a}.{b}.{c}"));
            &mut interior
        } else if system > 0 {
            line.put(format_args!(" {a}.{b}.{c}.0"));
            &mut system
        } else if exterior > 0 {
            line.put(format_args!(" X{a}.{b}.{c}.0"));
            &mut exterior
        } else {
            line.put(format_args!(" [extra bytes {remaining}]"));
            break;
        };
        *count -= 1;
        print_route(line, igrp, offset)?;
        offset += ROUTE_LEN;
        remaining -= ROUTE_LEN as u32;
    }
    if interior != 0 || system != 0 || exterior != 0 || remaining != 0 {
        line.push(" (invalid)");
    }
    Ok(())
}

/// A route's delay (in tens of microseconds), bandwidth (as a divisor of 10 Gb/s), reliability, load, the metric
/// tcpdump composes of delay and bandwidth, MTU and hop count.
fn print_route(line: &mut Line, igrp: Captured, offset: usize) -> Printed {
    let be24 = |at: usize| -> Result<u32, Truncated> {
        let [high, middle, low] = igrp.array::<3>(at)?;
        Ok(u32::from_be_bytes([0, high, middle, low]))
    };
    let (delay, bandwidth) = (be24(offset + 3)?, be24(offset + 6)?);
    let metric = (bandwidth + delay).min(MAX_METRIC);
    let mtu = igrp.be16(offset + 9)?;
    let [reliability, load, hops] = igrp.array::<3>(offset + 11)?;
    line.put(format_args!(
        " d={} b={} r={reliability} l={load} M={metric} mtu={mtu} in {hops} hops",
        10 * delay,
        10_000_000u32.checked_div(bandwidth).unwrap_or(0)
    ));
    Ok(())
}
