//! RIP v1 and v2 (tcpdump's print-rip.c), UDP port 520: `RIPv2, Response, length: 104`; at -v its routes and
//! v2's authentication entries on lines of their own, at -vv a dump of the whole message too.

use super::{
    Line,
    address::IpAddress,
    captured::{Captured, Printed, Truncated},
    hexdump,
};

pub(super) const PORT: u16 = 520;
const HEADER_LEN: usize = 4;
const ENTRY_LEN: usize = 20;
/// The address family, and v2's route tag or authentication type, that every entry starts with.
const ENTRY_HEADER_LEN: usize = 4;
const CRYPTO_AUTH_LEN: usize = 16;
const PASSWORD_LEN: usize = 16;

const REQUEST: u8 = 1;
const RESPONSE: u8 = 2;
const TRACE_OFF: u8 = 4;
const POLL: u8 = 5;
const POLL_ENTRY: u8 = 6;
const COMMAND_NAMES: [&str; 6] = ["Request", "Response", "Trace on", "Trace off", "Poll", "Poll Entry"];

const FAMILY_UNSPECIFIED: u16 = 0;
const FAMILY_INET: u16 = 2;
/// In v2, an entry whose family is this carries authentication.
const FAMILY_AUTHENTICATION: u16 = 0xffff;
const AUTH_TRAILER: u16 = 1;
const AUTH_SIMPLE_PASSWORD: u16 = 2;
const AUTH_CRYPTOGRAPHIC: u16 = 3;

/// Prints a message `length` bytes long, of which `bytes` were captured.
pub(super) fn print(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32) -> Printed {
    let rip = Captured::new(bytes, "rip");
    rip.check(0, HEADER_LEN)?;
    let (command, version) = (rip.u8(0)?, rip.u8(1)?);
    let message = rip.limit(length as usize);
    line.put(format_args!("{}RIPv{version}", if verbosity > 0 { "\n\t" } else { "" }));
    if version == 0 {
        // RFC 1058 has receivers ignore version 0.
        hexdump::hex(line, message.bytes());
        return Ok(());
    }
    match COMMAND_NAMES.get(usize::from(command).wrapping_sub(1)) {
        Some(name) => line.put(format_args!(", {name}, length: {length}")),
        None => line.put(format_args!(", unknown command ({command}), length: {length}")),
    }
    if verbosity == 0 {
        return Ok(());
    }
    match command {
        REQUEST | RESPONSE => {
            let routes = length as usize / ENTRY_LEN;
            let print_entry = match version {
                1 => {
                    line.put(format_args!(", routes: {routes}"));
                    print_v1_entry
                }
                2 => {
                    line.put(format_args!(", routes: {routes} or less"));
                    print_v2_entry
                }
                _ => {
                    line.push(", unknown version");
                    return print_dump(line, verbosity, message);
                }
            };
            // The entries as far as both the message and the capture go.
            let mut offset = HEADER_LEN;
            while offset < message.len() {
                let Some(entry_len) = print_entry(line, message, offset)? else {
                    message.truncated().print(line);
                    break;
                };
                let remaining = message.len() - offset;
                if remaining < entry_len {
                    line.put(format_args!(" [remaining entries length {remaining} < {entry_len}] (invalid)"));
                    break;
                }
                offset += entry_len;
            }
        }
        TRACE_OFF | POLL | POLL_ENTRY => {}
        _ if verbosity == 1 => hexdump::hex(line, message.bytes()),
        _ => {}
    }
    print_dump(line, verbosity, message)
}

/// At -vv, the whole message in hex after whatever was decoded.
fn print_dump(line: &mut Line, verbosity: u8, message: Captured) -> Printed {
    if verbosity > 1 {
        hexdump::hex(line, message.bytes());
    }
    Ok(())
}

/// A v1 route: `10.1.0.0, metric: 1`; returns its length, or `None` if it was not captured whole.
fn print_v1_entry(line: &mut Line, rip: Captured, offset: usize) -> Result<Option<usize>, Truncated> {
    if !rip.has(offset, ENTRY_LEN) {
        return Ok(None);
    }
    let family = rip.be16(offset)?;
    if family != FAMILY_INET && family != FAMILY_UNSPECIFIED {
        line.put(format_args!("\n\t AFI {}, ", FamilyName(family)));
        hexdump::hex_indented(line, "\n\t  ", rip.slice(offset + ENTRY_HEADER_LEN, ENTRY_LEN - ENTRY_HEADER_LEN)?);
        return Ok(Some(ENTRY_LEN));
    }
    // v1 has zeros where v2 has the route tag, mask and next hop.
    if rip.be16(offset + 2)? != 0 || rip.be32(offset + 8)? != 0 || rip.be32(offset + 12)? != 0 {
        hexdump::hex_indented(line, "\n\t  ", rip.slice(offset, ENTRY_LEN)?);
        return Ok(Some(ENTRY_LEN));
    }
    line.push("\n\t  ");
    if family == FAMILY_UNSPECIFIED {
        line.push("AFI 0, ");
    }
    line.put(format_args!("{}, metric: {}", rip.ipv4(offset + 4)?, rip.be32(offset + 16)?));
    Ok(Some(ENTRY_LEN))
}

/// A v2 route, `AFI IPv4,        10.1.0.0/16, tag 0x0000, metric: 1, next-hop: self`, or authentication;
/// returns its length, or `None` if it was not captured whole.
fn print_v2_entry(line: &mut Line, rip: Captured, offset: usize) -> Result<Option<usize>, Truncated> {
    if !rip.has(offset, ENTRY_HEADER_LEN) {
        return Ok(None);
    }
    let family = rip.be16(offset)?;
    let body = offset + ENTRY_HEADER_LEN;
    match family {
        FAMILY_AUTHENTICATION => match rip.be16(offset + 2)? {
            AUTH_SIMPLE_PASSWORD => {
                line.push("\n\t  Simple Text Authentication data: ");
                // The password ends at its first zero, if it is shorter than its field.
                for index in 0..PASSWORD_LEN {
                    match rip.u8(body + index)? {
                        0 => break,
                        byte => line.put_escaped(&[byte]),
                    }
                }
            }
            AUTH_CRYPTOGRAPHIC => {
                if !rip.has(body, CRYPTO_AUTH_LEN) {
                    return Ok(None);
                }
                line.put(format_args!(
                    "\n\t  Auth header: Packet Len {}, Key-ID {}, Auth Data Len {}, SeqNo {}, MBZ {}, MBZ {}",
                    rip.be16(body)?,
                    rip.u8(body + 2)?,
                    rip.u8(body + 3)?,
                    rip.be32(body + 4)?,
                    rip.be32(body + 8)?,
                    rip.be32(body + 12)?
                ));
            }
            // A trailer, or authentication tcpdump does not know: what it is runs to the message's end.
            auth_type => {
                match auth_type {
                    AUTH_TRAILER => line.push("\n\t  Auth trailer:"),
                    other => line.put(format_args!("\n\t  Unknown ({other}) Authentication data:")),
                }
                let rest = rip.rest(body);
                hexdump::hex_indented(line, "\n\t  ", rest);
                return Ok(Some(ENTRY_HEADER_LEN + rest.len()));
            }
        },
        FAMILY_INET | FAMILY_UNSPECIFIED => {
            if !rip.has(offset, ENTRY_LEN) {
                return Ok(None);
            }
            let family_name = if family == FAMILY_INET { "IPv4".to_string() } else { family.to_string() };
            let destination = rip.ipv4(body)?.to_string();
            let prefix_len = prefix_len(rip.be32(offset + 8)?);
            line.put(format_args!(
                "\n\t  AFI {family_name}, {destination:>15}/{prefix_len:<2}, tag 0x{:04x}, metric: {}, next-hop: ",
                rip.be16(offset + 2)?,
                rip.be32(offset + 16)?
            ));
            match rip.array(offset + 12)? {
                [0, 0, 0, 0] => line.push("self"),
                next_hop => line.put(format_args!("{}", IpAddress::V4(next_hop))),
            }
        }
        other => {
            line.put(format_args!("\n\t  AFI {}", FamilyName(other)));
            let available = rip.rest(body);
            hexdump::hex_indented(line, "\n\t  ", available.get(..ENTRY_LEN - ENTRY_HEADER_LEN).unwrap_or(available));
        }
    }
    Ok(Some(ENTRY_LEN))
}

/// The length of the prefix a netmask covers, or -1 if its ones are not contiguous.
fn prefix_len(mask: u32) -> i32 {
    let ones = mask.leading_ones();
    if mask.checked_shl(ones).unwrap_or(0) == 0 { ones as i32 } else { -1 }
}

/// tcpdump's names of the BSD address families a RIP entry may have.
struct FamilyName(u16);

impl std::fmt::Display for FamilyName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            FAMILY_INET => "IPv4",
            6 => "NS",
            7 => "ISO",
            16 => "Appletalk",
            23 => "IPX",
            24 | 28 | 30 => "IPv6",
            other => return write!(f, "Unknown ({other})"),
        })
    }
}
