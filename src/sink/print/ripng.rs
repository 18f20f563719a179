//! RIPng (tcpdump's print-ripng.c), UDP port 521: ` ripng-resp 2: 2001:db8:1::/48 (1) ::/0 [7] (16)`, each route
//! on a line of its own at -vv.

use super::{
    Line,
    captured::{Captured, Printed},
};

pub(super) const PORT: u16 = 521;
const HEADER_LEN: u32 = 4;
/// Prefix, route tag, prefix length, metric.
const ENTRY_LEN: u32 = 20;
const REQUEST: u8 = 1;
const RESPONSE: u8 = 2;
const VERSION: u8 = 1;
const INFINITE_METRIC: u8 = 16;

/// Prints a message `length` bytes long, of which `bytes` were captured.
pub(super) fn print(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32) -> Printed {
    let ripng = Captured::new(bytes, "ripng");
    let command = ripng.u8(0)?;
    let version = ripng.u8(1)?;
    if version != VERSION {
        line.put(format_args!(" [vers {version}]"));
        line.push(" (invalid)");
        return Ok(());
    }
    let name = match command {
        REQUEST => "req",
        RESPONSE => "resp",
        other => {
            line.put(format_args!(" ripng-{other} ?? {length}"));
            line.push(" (invalid)");
            return Ok(());
        }
    };
    let Some(entries_len) = length.checked_sub(HEADER_LEN) else {
        line.push(" (invalid)");
        return Ok(());
    };
    let entries = entries_len / ENTRY_LEN;
    // A request for a single route to nowhere with an infinite metric asks for the whole table.
    if command == REQUEST && entries == 1 && ripng.u8(4 + 19)? == INFINITE_METRIC && ripng.array::<16>(4)? == [0; 16] {
        line.push(" ripng-req dump");
        return Ok(());
    }
    line.put(format_args!(" ripng-{name} {entries}"));
    if entries * ENTRY_LEN != entries_len {
        line.put(format_args!("[{length}]"));
    }
    line.push(":");
    for index in 0..entries as usize {
        let entry = 4 + index * ENTRY_LEN as usize;
        line.push(if verbosity > 1 { "\n\t" } else { " " });
        line.put(format_args!("{}/{}", ripng.ipv6(entry)?, ripng.u8(entry + 18)?));
        let tag = ripng.be16(entry + 16)?;
        if tag != 0 {
            line.put(format_args!(" [{tag}]"));
        }
        if command == RESPONSE {
            line.put(format_args!(" ({})", ripng.u8(entry + 19)?));
        }
    }
    if entries * ENTRY_LEN != entries_len {
        line.push(" (invalid)");
    }
    Ok(())
}
