//! ICMPv6 (tcpdump's print-icmp6.c), at tcpdump's default verbosity: neighbor discovery options and MLD records
//! are printed only with -v, which ptstat does not have.

use super::{
    Line,
    captured::{Captured, Printed, Truncated},
    hexdump,
    ip::{PROTOCOL_TCP, PROTOCOL_UDP},
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
pub(super) fn print(line: &mut Line, bytes: &[u8], length: u32) -> Printed {
    let icmp6 = Captured::new(bytes, "icmp6");
    if length == 0 {
        line.push("ICMP6, length 0 (invalid)");
        return Ok(());
    }
    let message_type = icmp6.u8(0)?;
    line.put(format_args!("ICMP6, {}", TypeName(message_type)));
    let code = icmp6.u8(1)?;
    match message_type {
        DESTINATION_UNREACHABLE => {
            if !print_unreachable(line, icmp6, code)? {
                print_unknown_data(line, icmp6, length);
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
        LISTENER_QUERY if length >= MLDV2_QUERY_MIN_LEN => print_mldv2_query(line, icmp6, length)?,
        LISTENER_QUERY => line.put(format_args!(" unknown-version (len {length}) ")),
        LISTENER_REPORT | LISTENER_DONE => print_mld(line, icmp6)?,
        NEIGHBOR_SOLICITATION => line.put(format_args!(", who has {}", icmp6.ipv6(8)?)),
        NEIGHBOR_ADVERTISEMENT => line.put(format_args!(", tgt is {}", icmp6.ipv6(8)?)),
        REDIRECT => {
            // The destination being redirected, then the better first hop (which comes first in the message).
            line.put(format_args!(", {}", icmp6.ipv6(24)?));
            line.put(format_args!(" to {}", icmp6.ipv6(8)?));
        }
        LISTENER_REPORT_V2 if length < 8 => line.put(format_args!(" [invalid len {length}]")),
        LISTENER_REPORT_V2 => line.put(format_args!(", {} group record(s)", icmp6.be16(6)?)),
        HOME_AGENT_DISCOVERY_REQUEST | MOBILE_PREFIX_SOLICITATION => {
            line.put(format_args!(", id 0x{:04x}", icmp6.be16(4)?));
        }
        // Nothing more without -v. (tcpdump's printers for router renumbering, node information and RPL say
        // more; ptstat has none.)
        ROUTER_SOLICITATION
        | ROUTER_ADVERTISEMENT
        | INVERSE_NEIGHBOR_SOLICITATION
        | INVERSE_NEIGHBOR_ADVERTISEMENT
        | HOME_AGENT_DISCOVERY_REPLY
        | MOBILE_PREFIX_ADVERTISEMENT
        | ROUTER_RENUMBERING
        | NODE_INFORMATION_QUERY
        | NODE_INFORMATION_REPLY
        | RPL => {}
        _ => {
            line.put(format_args!(", length {length}"));
            print_unknown_data(line, icmp6, length);
            return Ok(());
        }
    }
    line.put(format_args!(", length {length}"));
    Ok(())
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
fn print_mldv2_query(line: &mut Line, icmp6: Captured, length: u32) -> Printed {
    const SOURCES: usize = 28;
    line.put(format_args!(" v2 [gaddr {}", icmp6.ipv6(8)?));
    let sources = icmp6.be16(26)?;
    if sources > 0 {
        if length < SOURCES as u32 + u32::from(sources) * 16 {
            line.push(" [invalid number of sources]");
        } else {
            line.put(format_args!(", {sources} source(s)"));
        }
    }
    line.push("]");
    Ok(())
}

/// The message in hex, as far as captured.
fn print_unknown_data(line: &mut Line, icmp6: Captured, length: u32) {
    let bytes = icmp6.bytes();
    hexdump::hex(line, bytes.get(..length as usize).unwrap_or(bytes));
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
