//! ICMPv6 (tcpdump's print-icmp6.c): with -v also the checksum, neighbor discovery options and MLDv2 records.

use super::{
    Line, PrintState,
    address::LinkAddress,
    captured::{Captured, Printed, Truncated},
    checksum, hexdump, igmp,
    ip::{IpEnvelope, PROTOCOL_ICMPV6, PROTOCOL_TCP, PROTOCOL_UDP},
};

const DESTINATION_UNREACHABLE: u8 = 1;
const PACKET_TOO_BIG: u8 = 2;
const TIME_EXCEEDED: u8 = 3;
const PARAMETER_PROBLEM: u8 = 4;
const ECHO_REQUEST: u8 = 128;
const ECHO_REPLY: u8 = 129;
const LISTENER_QUERY: u8 = 130;
const LISTENER_REPORT: u8 = 131;
const LISTENER_DONE: u8 = 132;
const ROUTER_SOLICITATION: u8 = 133;
const ROUTER_ADVERTISEMENT: u8 = 134;
const NEIGHBOR_SOLICITATION: u8 = 135;
const NEIGHBOR_ADVERTISEMENT: u8 = 136;
const REDIRECT: u8 = 137;
const ROUTER_RENUMBERING: u8 = 138;
const NODE_INFORMATION_QUERY: u8 = 139;
const NODE_INFORMATION_REPLY: u8 = 140;
const INVERSE_NEIGHBOR_SOLICITATION: u8 = 141;
const INVERSE_NEIGHBOR_ADVERTISEMENT: u8 = 142;
const LISTENER_REPORT_V2: u8 = 143;
const HOME_AGENT_DISCOVERY_REQUEST: u8 = 144;
const HOME_AGENT_DISCOVERY_REPLY: u8 = 145;
const MOBILE_PREFIX_SOLICITATION: u8 = 146;
const MOBILE_PREFIX_ADVERTISEMENT: u8 = 147;
const RPL: u8 = 155;

/// Where the IPv6 header of the packet an error message quotes starts, and its fields.
const QUOTED_IP6: usize = 8;
const QUOTED_SOURCE: usize = QUOTED_IP6 + 8;
const QUOTED_DESTINATION: usize = QUOTED_IP6 + 24;
const IP6_HEADER_LEN: usize = 40;

/// MLDv1 messages are exactly this long; an MLDv2 query at least `MLDV2_QUERY_MIN_LEN`.
const MLD_LEN: u32 = 24;
const MLDV2_QUERY_MIN_LEN: u32 = 28;

/// Prints an ICMPv6 message: `bytes` were captured, `length` is its length as the IPv6 header gives it.
pub(super) fn print(
    line: &mut Line,
    state: &mut PrintState,
    bytes: &[u8],
    length: u32,
    envelope: &IpEnvelope,
) -> Printed {
    let icmp6 = Captured::new(bytes, "icmp6");
    if length == 0 {
        line.push("ICMP6, length 0 (invalid)");
        return Ok(());
    }
    let verbosity = state.decoding.verbosity;
    if verbosity > 0 && !envelope.fragmented {
        print_checksum(line, icmp6, length, envelope);
    }
    let message_type = icmp6.u8(0)?;
    line.put(format_args!("ICMP6, {}", TypeName(message_type)));
    // With -v the length of neighbor discovery messages comes before their options, and other messages have none.
    let is_neighbor_discovery = matches!(
        message_type,
        ROUTER_SOLICITATION
            | ROUTER_ADVERTISEMENT
            | NEIGHBOR_SOLICITATION
            | NEIGHBOR_ADVERTISEMENT
            | REDIRECT
            | HOME_AGENT_DISCOVERY_REPLY
            | MOBILE_PREFIX_ADVERTISEMENT
    );
    if verbosity > 0 && is_neighbor_discovery {
        line.put(format_args!(", length {length}"));
    }
    let options = NeighborDiscoveryOptions { message: icmp6, length, verbosity };
    let code = icmp6.u8(1)?;
    match message_type {
        DESTINATION_UNREACHABLE => {
            if !print_unreachable(line, icmp6, code)? {
                print_unknown_data(line, icmp6, length, verbosity);
                return Ok(());
            }
        }
        PACKET_TOO_BIG => line.put(format_args!(", mtu {}", icmp6.be32(4)?)),
        TIME_EXCEEDED => match code {
            0 => line.put(format_args!(" for {}", icmp6.ipv6(QUOTED_DESTINATION)?)),
            1 => line.push(" (reassembly)"),
            other => line.put(format_args!(", unknown code ({other})")),
        },
        PARAMETER_PROBLEM => {
            icmp6.check(QUOTED_DESTINATION, 16)?;
            let problem = match code {
                0 => Some("erroneous"),
                1 => Some("next header"),
                2 => Some("option"),
                3 => Some("incomplete header chain"),
                _ => None,
            };
            match problem {
                Some(problem) => line.put(format_args!(", {problem} - octet {}", icmp6.be32(4)?)),
                None => line.put(format_args!(", code-#{code}")),
            }
        }
        ECHO_REQUEST | ECHO_REPLY => line.put(format_args!(", id {}, seq {}", icmp6.be16(4)?, icmp6.be16(6)?)),
        LISTENER_QUERY if length == MLD_LEN => print_mld(line, icmp6)?,
        LISTENER_QUERY if length >= MLDV2_QUERY_MIN_LEN => print_mldv2_query(line, icmp6, length, verbosity)?,
        LISTENER_QUERY => line.put(format_args!(" unknown-version (len {length}) ")),
        LISTENER_REPORT | LISTENER_DONE => print_mld(line, icmp6)?,
        NEIGHBOR_SOLICITATION => {
            line.put(format_args!(", who has {}", icmp6.ipv6(8)?));
            options.print(line, 24)?;
        }
        NEIGHBOR_ADVERTISEMENT => {
            line.put(format_args!(", tgt is {}", icmp6.ipv6(8)?));
            if verbosity > 0 {
                line.push(", ");
                print_flags(line, icmp6.u8(4)?, &[(0x80, "router"), (0x40, "solicited"), (0x20, "override")]);
            }
            options.print(line, 24)?;
        }
        REDIRECT => {
            // The destination being redirected, then the better first hop (which comes first in the message).
            line.put(format_args!(", {}", icmp6.ipv6(24)?));
            line.put(format_args!(" to {}", icmp6.ipv6(8)?));
            options.print(line, 40)?;
        }
        ROUTER_SOLICITATION => options.print(line, 8)?,
        ROUTER_ADVERTISEMENT => {
            if verbosity > 0 {
                print_router_advertisement(line, icmp6)?;
            }
            options.print(line, 16)?;
        }
        LISTENER_REPORT_V2 if length < 8 => line.put(format_args!(" [invalid len {length}]")),
        LISTENER_REPORT_V2 => {
            line.put(format_args!(", {} group record(s)", icmp6.be16(6)?));
            if verbosity > 0 {
                print_mldv2_records(line, icmp6, length, verbosity)?;
            }
        }
        HOME_AGENT_DISCOVERY_REQUEST | MOBILE_PREFIX_SOLICITATION => {
            line.put(format_args!(", id 0x{:04x}", icmp6.be16(4)?));
        }
        // Nothing more. (tcpdump's printers for router renumbering, node information and RPL say more; ptstat
        // has none.)
        INVERSE_NEIGHBOR_SOLICITATION
        | INVERSE_NEIGHBOR_ADVERTISEMENT
        | HOME_AGENT_DISCOVERY_REPLY
        | MOBILE_PREFIX_ADVERTISEMENT
        | ROUTER_RENUMBERING
        | NODE_INFORMATION_QUERY
        | NODE_INFORMATION_REPLY
        | RPL => {}
        _ => {
            line.put(format_args!(", length {length}"));
            print_unknown_data(line, icmp6, length, verbosity);
            return Ok(());
        }
    }
    if verbosity == 0 {
        line.put(format_args!(", length {length}"));
    }
    Ok(())
}

/// `[icmp6 sum ok] ` or `[bad icmp6 cksum 0x1234 -> 0x5678!] ` for a message captured whole.
fn print_checksum(line: &mut Line, icmp6: Captured, length: u32, envelope: &IpEnvelope) {
    let (Ok(message), Ok(field)) = (icmp6.slice(0, length as usize), icmp6.be16(2)) else { return };
    let computed = checksum::with_pseudo_header(envelope, PROTOCOL_ICMPV6, message);
    if computed == 0 {
        line.push("[icmp6 sum ok] ");
    } else {
        line.put(format_args!("[bad icmp6 cksum 0x{field:04x} -> 0x{:04x}!] ", checksum::expected(field, computed)));
    }
}

/// `Flags [router, override]` (`[none]` if no flag is set).
fn print_flags(line: &mut Line, flags: u8, names: &[(u16, &str)]) {
    line.push("Flags [");
    line.put_flag_names(flags.into(), names);
    line.push("]");
}

/// `\n\thop limit 64, Flags [managed], pref medium, router lifetime 1800s, reachable time 0ms, retrans timer 0ms`
/// (-v).
fn print_router_advertisement(line: &mut Line, icmp6: Captured) -> Printed {
    line.put(format_args!("\n\thop limit {}, ", icmp6.u8(4)?));
    let flags = icmp6.u8(5)?;
    print_flags(line, flags, &[(0x80, "managed"), (0x40, "other stateful"), (0x20, "home agent"), (0x02, "ipv6 only")]);
    let preference = match (flags >> 3) & 0x03 {
        0 => "medium",
        1 => "high",
        2 => "rsv",
        _ => "low",
    };
    line.put(format_args!(
        ", pref {preference}, router lifetime {}s, reachable time {}ms, retrans timer {}ms",
        icmp6.be16(6)?,
        icmp6.be32(8)?,
        icmp6.be32(12)?
    ));
    Ok(())
}

/// The options that end a neighbor discovery message, which tcpdump prints with -v.
struct NeighborDiscoveryOptions<'a> {
    message: Captured<'a>,
    /// The message's length as the IPv6 header gives it.
    length: u32,
    verbosity: u8,
}

const OPTION_SOURCE_LINK_ADDRESS: u8 = 1;
const OPTION_TARGET_LINK_ADDRESS: u8 = 2;
const OPTION_PREFIX_INFORMATION: u8 = 3;
const OPTION_REDIRECTED_HEADER: u8 = 4;
const OPTION_MTU: u8 = 5;
const OPTION_ADVERTISEMENT_INTERVAL: u8 = 7;
const OPTION_RECURSIVE_DNS_SERVERS: u8 = 25;

impl NeighborDiscoveryOptions<'_> {
    /// `\n\t  source link-address option (1), length 8 (1): 02:42:ac:11:00:02` for each option from `start` on, as
    /// far as they were captured; with -vv each option's data in hex after it.
    fn print(&self, line: &mut Line, start: usize) -> Printed {
        if self.verbosity == 0 {
            return Ok(());
        }
        let message = self.message;
        let mut offset = start;
        let mut remaining = (self.length as usize).saturating_sub(start);
        // tcpdump stops quietly where the capture ends between options.
        while offset < message.len() && remaining > 0 {
            message.check(offset, 2)?;
            let option_type = message.u8(offset)?;
            let len = usize::from(message.u8(offset + 1)?) * 8;
            if len == 0 || remaining < len {
                return Err(message.truncated());
            }
            message.check(offset, len)?;
            let option = message.slice(offset, len)?;
            let data = &option[2..];
            line.put(format_args!(
                "\n\t  {} option ({option_type}), length {len} ({}): ",
                OptionName(option_type),
                len / 8
            ));
            match option_type {
                OPTION_SOURCE_LINK_ADDRESS | OPTION_TARGET_LINK_ADDRESS => {
                    line.put(format_args!("{}", LinkAddress(data)));
                }
                OPTION_PREFIX_INFORMATION => print_prefix_information(line, option)?,
                OPTION_REDIRECTED_HEADER => hexdump::hex_indented(line, "\n\t    ", option),
                OPTION_MTU => line.put(format_args!(" {}", message.be32(offset + 4)?)),
                OPTION_ADVERTISEMENT_INTERVAL => line.put(format_args!(" {}ms", message.be32(offset + 4)?)),
                OPTION_RECURSIVE_DNS_SERVERS => {
                    line.put(format_args!(" lifetime {},", Lifetime(message.be32(offset + 4)?)));
                    for address_offset in (offset + 8..offset + len).step_by(16) {
                        line.put(format_args!(" addr: {}", message.ipv6(address_offset)?));
                    }
                }
                _ if self.verbosity <= 1 => {
                    // tcpdump dumps an option it does not know and ignores the rest.
                    hexdump::hex_indented(line, "\n\t  ", data);
                    return Ok(());
                }
                _ => {}
            }
            if self.verbosity > 1 {
                hexdump::hex_indented(line, "\n\t    ", data);
            }
            offset += len;
            remaining -= len;
        }
        Ok(())
    }
}

/// `2001:db8::/64, Flags [onlink, auto], valid time 3600s, pref. time 3600s`.
fn print_prefix_information(line: &mut Line, option: &[u8]) -> Printed {
    let option = Captured::new(option, "icmp6");
    line.put(format_args!("{}/{}", option.ipv6(16)?, option.u8(2)?));
    if option.len() != 32 {
        line.push("badlen");
    }
    line.push(", ");
    print_flags(line, option.u8(3)?, &[(0x80, "onlink"), (0x40, "auto"), (0x20, "router")]);
    line.put(format_args!(", valid time {}, pref. time {}", Lifetime(option.be32(4)?), Lifetime(option.be32(8)?)));
    Ok(())
}

/// A lifetime in seconds, all ones meaning forever.
struct Lifetime(u32);

impl std::fmt::Display for Lifetime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            u32::MAX => f.write_str("infinity"),
            seconds => write!(f, "{seconds}s"),
        }
    }
}

/// tcpdump's name for a neighbor discovery option.
struct OptionName(u8);

impl std::fmt::Display for OptionName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            OPTION_SOURCE_LINK_ADDRESS => "source link-address",
            OPTION_TARGET_LINK_ADDRESS => "destination link-address",
            OPTION_PREFIX_INFORMATION => "prefix info",
            OPTION_REDIRECTED_HEADER => "redirected header",
            OPTION_MTU => "mtu",
            OPTION_ADVERTISEMENT_INTERVAL => "advertisement interval",
            OPTION_RECURSIVE_DNS_SERVERS => "rdnss",
            _ => "unknown",
        })
    }
}

/// `, unreachable port, 2001:db8::2 udp port 53` and the like; `false` for codes tcpdump only dumps.
fn print_unreachable(line: &mut Line, icmp6: Captured, code: u8) -> Result<bool, Truncated> {
    let reason = match code {
        0 => "unreachable route",
        1 => " unreachable prohibited",
        2 => "beyond scope",
        3 => "unreachable address",
        4 => "unreachable port",
        other => {
            line.put(format_args!(", unknown unreach code ({other})"));
            return Ok(false);
        }
    };
    line.put(format_args!(", {reason}"));
    match code {
        2 => line.put(format_args!(
            " {}, source address {}",
            icmp6.ipv6(QUOTED_DESTINATION)?,
            icmp6.ipv6(QUOTED_SOURCE)?
        )),
        4 => {
            let (protocol, port) = quoted_transport(icmp6).ok_or(icmp6.truncated())?;
            let destination = icmp6.ipv6(QUOTED_DESTINATION)?;
            match protocol {
                PROTOCOL_TCP => line.put(format_args!(", {destination} tcp port {port}")),
                PROTOCOL_UDP => line.put(format_args!(", {destination} udp port {port}")),
                other => line.put(format_args!(", {destination} protocol {other} port {port} unreachable")),
            }
        }
        _ => line.put(format_args!(" {}", icmp6.ipv6(QUOTED_DESTINATION)?)),
    }
    Ok(true)
}

const HOP_BY_HOP: u8 = 0;
const ROUTING: u8 = 43;
const FRAGMENT: u8 = 44;
const AUTHENTICATION: u8 = 51;
const DESTINATION_OPTIONS: u8 = 60;

/// The transport protocol and destination port of the packet an error message quotes, found through the
/// quoted extension headers; `None` if they were not captured (or the transport is neither TCP nor UDP).
fn quoted_transport(icmp6: Captured) -> Option<(u8, u16)> {
    let mut next_header = icmp6.u8(QUOTED_IP6 + 6).ok()?;
    let mut offset = QUOTED_IP6 + IP6_HEADER_LEN;
    while offset < icmp6.len() {
        let header_len = match next_header {
            PROTOCOL_TCP | PROTOCOL_UDP => return Some((next_header, icmp6.be16(offset + 2).ok()?)),
            HOP_BY_HOP | DESTINATION_OPTIONS | ROUTING => (usize::from(icmp6.u8(offset + 1).ok()?) + 1) * 8,
            // Only a first fragment holds the transport header.
            FRAGMENT if icmp6.be16(offset + 2).ok()? & 0xfff8 != 0 => return None,
            FRAGMENT => 8,
            AUTHENTICATION => (usize::from(icmp6.u8(offset + 1).ok()?) + 2) * 4,
            _ => return None,
        };
        next_header = icmp6.u8(offset).ok()?;
        offset += header_len;
    }
    None
}

/// MLDv1: `max resp delay: 10000 addr: ff02::1:ff00:1` (nothing if the message was not captured whole).
fn print_mld(line: &mut Line, icmp6: Captured) -> Printed {
    if icmp6.has(0, MLD_LEN as usize) {
        line.put(format_args!("max resp delay: {} addr: {}", icmp6.be16(4)?, icmp6.ipv6(8)?));
    }
    Ok(())
}

/// ` v2 [gaddr ff02::1, 2 source(s)]`.
/// With -v also the response delay, robustness and query interval, with -vv the sources themselves.
fn print_mldv2_query(line: &mut Line, icmp6: Captured, length: u32, verbosity: u8) -> Printed {
    const SOURCES: usize = 28;
    line.push(" v2");
    if verbosity > 0 {
        line.put(format_args!(" [max resp delay={}]", exponential_code(icmp6.be16(4)?, 12)));
    }
    line.put(format_args!(" [gaddr {}", icmp6.ipv6(8)?));
    if verbosity > 0 {
        let flags = icmp6.u8(24)?;
        if flags & 0x08 != 0 {
            line.push(" sflag");
        }
        if flags & 0x07 != 0 {
            line.put(format_args!(" robustness={}", flags & 0x07));
        }
        line.put(format_args!(" qqi={}", exponential_code(icmp6.u8(25)?.into(), 4)));
    }
    let sources = icmp6.be16(26)?;
    if sources > 0 {
        if length < SOURCES as u32 + u32::from(sources) * 16 {
            line.push(" [invalid number of sources]");
        } else if verbosity > 1 {
            print_addresses(line, icmp6, SOURCES, sources)?;
        } else {
            line.put(format_args!(", {sources} source(s)"));
        }
    }
    line.push("]");
    Ok(())
}

/// The value of an MLDv2 code that switches to a floating-point form from its top bit on: `code` has
/// `mantissa_bits` of mantissa below 3 bits of exponent (RFC 3810, 5.1.3 and 5.1.9).
fn exponential_code(code: u16, mantissa_bits: u32) -> u32 {
    let code = u32::from(code);
    let top_bit = 1 << (mantissa_bits + 3);
    if code < top_bit {
        return code;
    }
    let mantissa = code & ((1 << mantissa_bits) - 1);
    let exponent = (code >> mantissa_bits) & 0x07;
    (mantissa | 1 << mantissa_bits) << (exponent + 3)
}

/// ` { 2001:db8::1 2001:db8::2 }`: `count` addresses from `offset` on.
fn print_addresses(line: &mut Line, icmp6: Captured, offset: usize, count: u16) -> Printed {
    line.push(" {");
    for index in 0..usize::from(count) {
        line.put(format_args!(" {}", icmp6.ipv6(offset + index * 16)?));
    }
    line.push(" }");
    Ok(())
}

/// ` [gaddr ff02::fb to_ex, 0 source(s)]` for each group record of an MLDv2 report `length` bytes long (-v; the
/// sources themselves with -vv).
fn print_mldv2_records(line: &mut Line, icmp6: Captured, length: u32, verbosity: u8) -> Printed {
    const RECORD_HEADER_LEN: usize = 20;
    let length = length as usize;
    let mut offset = 8;
    for _ in 0..icmp6.be16(6)? {
        if length < offset + RECORD_HEADER_LEN {
            line.push(" [invalid number of groups]");
            return Ok(());
        }
        line.put(format_args!(" [gaddr {}", icmp6.ipv6(offset + 4)?));
        match icmp6.u8(offset)? {
            record_type if let Some(name) = igmp::record_type_name(record_type) => line.put(format_args!(" {name}")),
            other => line.put(format_args!("  [v2-report-#{other}]")),
        }
        let sources = icmp6.be16(offset + 2)?;
        if length < offset + RECORD_HEADER_LEN + usize::from(sources) * 16 {
            line.put(format_args!(" [invalid number of sources {sources}]"));
            return Ok(());
        }
        if verbosity > 1 {
            print_addresses(line, icmp6, offset + RECORD_HEADER_LEN, sources)?;
        } else {
            line.put(format_args!(", {sources} source(s)"));
        }
        // tcpdump ignores the auxiliary data length here.
        offset += RECORD_HEADER_LEN + usize::from(sources) * 16;
        line.push("]");
    }
    Ok(())
}

/// The message in hex, as far as captured (tcpdump leaves it out from -vv on).
fn print_unknown_data(line: &mut Line, icmp6: Captured, length: u32, verbosity: u8) {
    if verbosity <= 1 {
        hexdump::hex(line, icmp6.limit(length as usize).bytes());
    }
}

/// tcpdump's name for a message type.
struct TypeName(u8);

impl std::fmt::Display for TypeName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self.0 {
            DESTINATION_UNREACHABLE => "destination unreachable",
            PACKET_TOO_BIG => "packet too big",
            TIME_EXCEEDED => "time exceeded in-transit",
            PARAMETER_PROBLEM => "parameter problem",
            ECHO_REQUEST => "echo request",
            ECHO_REPLY => "echo reply",
            LISTENER_QUERY => "multicast listener query",
            LISTENER_REPORT => "multicast listener report",
            LISTENER_DONE => "multicast listener done",
            ROUTER_SOLICITATION => "router solicitation",
            ROUTER_ADVERTISEMENT => "router advertisement",
            NEIGHBOR_SOLICITATION => "neighbor solicitation",
            NEIGHBOR_ADVERTISEMENT => "neighbor advertisement",
            REDIRECT => "redirect",
            ROUTER_RENUMBERING => "router renumbering",
            INVERSE_NEIGHBOR_SOLICITATION => "inverse neighbor solicitation",
            INVERSE_NEIGHBOR_ADVERTISEMENT => "inverse neighbor advertisement",
            LISTENER_REPORT_V2 => "multicast listener report v2",
            HOME_AGENT_DISCOVERY_REQUEST => "ha discovery request",
            HOME_AGENT_DISCOVERY_REPLY => "ha discovery reply",
            MOBILE_PREFIX_SOLICITATION => "mobile router solicitation",
            MOBILE_PREFIX_ADVERTISEMENT => "mobile router advertisement",
            // Also node information (RFC 4620), but tcpdump's table names the older use first.
            NODE_INFORMATION_QUERY => "who-are-you request",
            NODE_INFORMATION_REPLY => "who-are-you reply",
            200 => "mtrace response",
            201 => "mtrace message",
            RPL => "RPL",
            other => return write!(f, "unknown icmp6 type ({other})"),
        };
        f.write_str(name)
    }
}
