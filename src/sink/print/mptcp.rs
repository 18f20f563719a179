//! Multipath TCP's TCP option (tcpdump's print-mptcp.c; RFC 6824 and RFC 8684): ` 12 capable v1 {0x1}`. Each
//! subtype's fields are known only by the option's length (and the segment's flags); a length that fits none of
//! its forms is a malformed option.

use super::{
    Line,
    address::IpAddress,
    captured::{Captured, Truncated},
    tcp::OptionFailure,
};

/// What printing an option's fields ends in: tcpdump's `[bad opt]` for forms that do not fit.
type OptionPrinted = Result<(), OptionFailure>;

/// Passes only lengths a form allows.
fn expect(allowed: bool) -> OptionPrinted {
    if allowed { Ok(()) } else { Err(OptionFailure::Bad) }
}

const SYN: u8 = 0x02;
const ACK: u8 = 0x10;

// The first subtype tcpdump does not know (RFC 8684's TCP reset among them) prints as `unknown`.
const SUBTYPE_NAMES: [&str; 9] =
    ["capable", "join", "dss", "add-addr", "rem-addr", "prio", "fail", "fast-close", "unknown"];

/// Prints the option whose bytes (kind and length included) are `option`, all captured, in a segment with
/// `tcp_flags`.
pub(super) fn print_option(line: &mut Line, option: Captured, tcp_flags: u8) -> OptionPrinted {
    let len = option.len();
    if len < 3 {
        return Err(OptionFailure::Bad);
    }
    let subtype = usize::from(option.u8(2)? >> 4).min(SUBTYPE_NAMES.len() - 1);
    line.put(format_args!(" {len} {}", SUBTYPE_NAMES[subtype]));
    match subtype {
        0 => print_capable(line, option, tcp_flags),
        1 => print_join(line, option, tcp_flags),
        2 => print_data_sequence_signal(line, option, tcp_flags),
        3 => print_add_address(line, option),
        4 => print_remove_address(line, option),
        5 => print_priority(line, option),
        6 => {
            expect(len == 12)?;
            line.put(format_args!(" seq {}", be64(option, 4)?));
            Ok(())
        }
        7 => {
            expect(len == 12)?;
            line.put(format_args!(" key 0x{:x}", be64(option, 4)?));
            Ok(())
        }
        _ => Ok(()),
    }
}

fn be64(option: Captured, offset: usize) -> Result<u64, Truncated> {
    option.array(offset).map(u64::from_be_bytes)
}

/// ` v1 csum {0x1,0x2}`: the version, whether checksums are asked for, the keys the form carries.
fn print_capable(line: &mut Line, option: Captured, tcp_flags: u8) -> OptionPrinted {
    let len = option.len();
    let in_syn = matches!(len, 4 | 12) && tcp_flags & SYN != 0;
    let in_third_ack = matches!(len, 20 | 22) && tcp_flags & (SYN | ACK) == ACK;
    expect(in_syn || in_third_ack)?;
    let version = option.u8(2)? & 0x0f;
    if version > 1 {
        line.put(format_args!(" Unknown Version ({version})"));
        return Ok(());
    }
    line.put(format_args!(" v{version}"));
    if option.u8(3)? & 0x80 != 0 {
        line.push(" csum");
    }
    if len == 12 || len >= 20 {
        line.put(format_args!(" {{0x{:x}", be64(option, 4)?));
        if len >= 20 {
            line.put(format_args!(",0x{:x}", be64(option, 12)?));
        }
        line.push("}");
    }
    Ok(())
}

/// ` backup id 1 token 0x1 nonce 0x2`: a subflow joining, in each segment of its handshake.
fn print_join(line: &mut Line, option: Captured, tcp_flags: u8) -> OptionPrinted {
    let len = option.len();
    let in_syn = len == 12 && tcp_flags & SYN != 0;
    let in_syn_ack = len == 16 && tcp_flags & (SYN | ACK) == SYN | ACK;
    let in_ack = len == 24 && tcp_flags & ACK != 0;
    expect(in_syn || in_syn_ack || in_ack)?;
    if !in_ack {
        if option.u8(2)? & 0x01 != 0 {
            line.push(" backup");
        }
        line.put(format_args!(" id {}", option.u8(3)?));
    }
    match len {
        12 => line.put(format_args!(" token 0x{:x} nonce 0x{:x}", option.be32(4)?, option.be32(8)?)),
        16 => line.put(format_args!(" hmac 0x{:x} nonce 0x{:x}", be64(option, 4)?, option.be32(12)?)),
        _ => {
            line.push(" hmac 0x");
            for offset in 4..len {
                line.put(format_args!("{:02x}", option.u8(offset)?));
            }
        }
    }
    Ok(())
}

const DSS_DATA_FIN: u8 = 0x10;
const DSS_LONG_SEQUENCE: u8 = 0x08;
const DSS_MAPPING: u8 = 0x04;
const DSS_LONG_ACK: u8 = 0x02;
const DSS_ACK: u8 = 0x01;

/// ` fin ack 1 seq 2 subseq 3 len 4 csum 0x5`: the data-level acknowledgment and mapping. tcpdump prints each
/// field before finding the next missing, then calls the option malformed.
fn print_data_sequence_signal(line: &mut Line, option: Captured, tcp_flags: u8) -> OptionPrinted {
    expect(option.len() >= 4 && tcp_flags & SYN == 0)?;
    let flags = option.u8(3)?;
    if flags & DSS_DATA_FIN != 0 {
        line.push(" fin");
    }
    let mut offset = 4;
    // ` seq 1`: a 4- or 8-byte number, as `long` says.
    let mut number = |line: &mut Line, name: &str, long: bool| -> OptionPrinted {
        let size = if long { 8 } else { 4 };
        expect(option.has(offset, size))?;
        let value = if long { be64(option, offset)? } else { u64::from(option.be32(offset)?) };
        line.put(format_args!("{name}{value}"));
        offset += size;
        Ok(())
    };
    if flags & DSS_ACK != 0 {
        // tcpdump names the field before it looks for it, unlike the mapping's subflow number.
        line.push(" ack ");
        number(line, "", flags & DSS_LONG_ACK != 0)?;
    }
    if flags & DSS_MAPPING != 0 {
        line.push(" seq ");
        number(line, "", flags & DSS_LONG_SEQUENCE != 0)?;
        number(line, " subseq ", false)?;
        expect(option.has(offset, 2))?;
        line.put(format_args!(" len {}", option.be16(offset)?));
        offset += 2;
        // The checksum is there only if the hosts agreed on it.
        if option.has(offset, 2) {
            line.put(format_args!(" csum 0x{:x}", option.be16(offset)?));
            offset += 2;
        }
    }
    expect(offset == option.len())?;
    Ok(())
}

/// ` v1 id 2 10.0.0.3:8080 hmac 0x1`: an address offered, with a port and a MAC as the length says.
fn print_add_address(line: &mut Line, option: Captured) -> OptionPrinted {
    let len = option.len();
    let is_ipv4 = matches!(len, 8 | 10 | 16 | 18);
    expect(is_ipv4 || matches!(len, 20 | 22 | 28 | 30))?;
    line.push(match option.u8(2)? & 0x0f {
        0x6 => " v0-ip6",
        0x4 => " v0-ip4",
        0x1 => " v1-echo",
        0x0 => " v1",
        _ => " [bad version/echo]",
    });
    line.put(format_args!(" id {} ", option.u8(3)?));
    let (address, address_len): (IpAddress, usize) = if is_ipv4 { (option.ipv4(4)?, 4) } else { (option.ipv6(4)?, 16) };
    line.put_address(&address);
    let after_address = 4 + address_len;
    // Lengths with a port have two bytes more than those without; those with a MAC eight more still.
    let has_port = len % 4 == 2;
    if has_port {
        line.put(format_args!(":{}", option.be16(after_address)?));
    }
    if len >= after_address + 8 {
        let mac_at = if has_port { after_address + 2 } else { after_address };
        line.put(format_args!(" hmac 0x{:x}", be64(option, mac_at)?));
    }
    Ok(())
}

/// ` id 1 2`: the address ids withdrawn.
fn print_remove_address(line: &mut Line, option: Captured) -> OptionPrinted {
    expect(option.len() >= 4)?;
    line.push(" id");
    for offset in 3..option.len() {
        line.put(format_args!(" {}", option.u8(offset)?));
    }
    Ok(())
}

/// ` backup id 3`: a subflow's priority changed (for the address id, if given).
fn print_priority(line: &mut Line, option: Captured) -> OptionPrinted {
    let len = option.len();
    expect(matches!(len, 3 | 4))?;
    line.push(if option.u8(2)? & 0x01 != 0 { " backup" } else { " non-backup" });
    if len == 4 {
        line.put(format_args!(" id {}", option.u8(3)?));
    }
    Ok(())
}
