//! Cisco NetFlow versions 1, 5 and 6 (tcpdump's print-cnfp.c), printed when `-T cnfp` asks for it:
//! `NetFlow v5, 3600.500 uptime, 1700000000.000000123, #42,  2 recs` and then each flow record on lines of its own.

use super::{
    Line,
    captured::{Captured, Printed},
};

const TCP: u8 = 6;
/// TCP's flags as NetFlow accumulates them, in the order tcpdump shows their letters.
const TCP_FLAG_LETTERS: [(u8, char); 6] =
    [(0x01, 'F'), (0x02, 'S'), (0x04, 'R'), (0x08, 'P'), (0x10, 'A'), (0x20, 'U')];

/// What the versions' records differ in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Version {
    /// No sequence number, masks or AS numbers.
    V1,
    V5,
    /// Version 5 and the encapsulation sizes.
    V6,
}

/// Prints an export packet, of which `bytes` were captured (tcpdump reads it without regard to its length).
pub(super) fn print(line: &mut Line, bytes: &[u8]) -> Printed {
    let cnfp = Captured::new(bytes, "cnfp");
    let version_number = cnfp.be16(0)?;
    // tcpdump's record for versions 5 and 6 has a field more than the export's (a peer's next hop), and it
    // steps by that size.
    let (version, header_len, record_len) = match version_number {
        1 => (Version::V1, 16, 48),
        5 => (Version::V5, 24, 52),
        6 => (Version::V6, 24, 52),
        other => {
            line.put(format_args!("NetFlow v{other:x}"));
            return Ok(());
        }
    };
    cnfp.check(0, header_len)?;
    // tcpdump reads the 16-bit record count as a 32-bit number, taking in half of the uptime after it: the
    // records then run until the capture ends.
    let mut records = cnfp.be32(2)?;
    let uptime = cnfp.be32(4)?;
    line.put(format_args!(
        "NetFlow v{version_number:x}, {}.{:03} uptime, {}.{:09}, ",
        uptime / 1000,
        uptime % 1000,
        cnfp.be32(8)?,
        cnfp.be32(12)?
    ));
    if version != Version::V1 {
        line.put(format_args!("#{}, ", cnfp.be32(16)?));
    }
    line.put(format_args!("{records:2} recs"));
    let mut offset = header_len;
    while records != 0 {
        cnfp.check(offset, record_len)?;
        print_record(line, version, cnfp.next_layer(offset, "cnfp"))?;
        offset += record_len;
        records -= 1;
    }
    Ok(())
}

/// Prints one flow record, captured whole.
fn print_record(line: &mut Line, version: Version, record: Captured) -> Printed {
    let (started, last) = (record.be32(24)?, record.be32(28)?);
    line.put(format_args!(
        "\n  started {}.{:03}, last {}.{:03}\n    ",
        started / 1000,
        started % 1000,
        last / 1000,
        last % 1000
    ));
    let print_end = |line: &mut Line, address: usize, port: usize, mask: usize, autonomous_system: usize| {
        line.put_address(&record.ipv4(address)?);
        if version != Version::V1 {
            line.put(format_args!("/{}:{}", record.u8(mask)?, record.be16(autonomous_system)?));
        }
        line.put(format_args!(":{} ", record.be16(port)?));
        Ok(())
    };
    print_end(line, 0, 32, 44, 40)?;
    line.push("> ");
    print_end(line, 4, 34, 45, 42)?;
    line.push(">> ");
    line.put_address(&record.ipv4(8)?);
    line.push("\n    ");
    // Version 1 has a pad byte more before the protocol, and puts the TCP flags after it.
    let (protocol_offset, tos_offset, flags_offset) = match version {
        Version::V1 => (38, 39, 40),
        Version::V5 | Version::V6 => (38, 39, 37),
    };
    let protocol = record.u8(protocol_offset)?;
    line.put(format_args!("{protocol} "));
    if protocol == TCP {
        let flags = record.u8(flags_offset)?;
        for (flag, letter) in TCP_FLAG_LETTERS {
            if flags & flag != 0 {
                line.push_char(letter);
            }
        }
        if flags != 0 {
            line.push_char(' ');
        }
    }
    line.put(format_args!("tos {}, {} ({} octets) ", record.u8(tos_offset)?, record.be32(16)?, record.be32(20)?));
    if version == Version::V6 {
        let encapsulation = record.be16(46)?;
        line.put(format_args!("({}<>{} encaps)", encapsulation >> 8, encapsulation & 0xff));
    }
    Ok(())
}
