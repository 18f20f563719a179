//! PPP frames (part of tcpdump's print-ppp.c), as PPPoE and PPTP's GRE carry them: the header, then IP, IPv6 or
//! MPLS inside, the control protocols (in ppp_control.rs) or the authentication protocols (in ppp_auth.rs).
//! Other protocols print their name (if tcpdump knows one) and bytes.

use super::{
    Line, PrintState,
    captured::{Captured, Printed},
    hexdump, ip, ip6, mpls, ppp_auth, ppp_control,
};

const ADDRESS_ALL_STATIONS: u8 = 0xff;
const CONTROL_UNNUMBERED: u8 = 0x03;
/// Direction bytes pppd writes instead of the address, as tcpdump recognizes them.
const PPPD_IN: u8 = 0x00;
const PPPD_OUT: u8 = 0x01;

const PROTOCOL_IPV4: u16 = 0x0021;
const PROTOCOL_IPV6: u16 = 0x0057;
const PROTOCOL_VJ_UNCOMPRESSED: u16 = 0x002f;
const PROTOCOL_MULTILINK: u16 = 0x003d;
const PROTOCOL_COMPRESSED: u16 = 0x00fd;
const PROTOCOL_BAP: u16 = 0xc02d;
const PROTOCOL_MPLS: u16 = 0x0281;
const PROTOCOL_MPLS_MULTICAST: u16 = 0x0283;
pub(super) const PROTOCOL_IPCP: u16 = 0x8021;
pub(super) const PROTOCOL_OSICP: u16 = 0x8023;
pub(super) const PROTOCOL_IP6CP: u16 = 0x8057;
pub(super) const PROTOCOL_MPLSCP: u16 = 0x8281;
pub(super) const PROTOCOL_CCP: u16 = 0x80fd;
pub(super) const PROTOCOL_LCP: u16 = 0xc021;
pub(super) const PROTOCOL_BACP: u16 = 0xc02b;
pub(super) const PROTOCOL_PAP: u16 = 0xc023;
pub(super) const PROTOCOL_LQM: u16 = 0xc025;
pub(super) const PROTOCOL_SPAP: u16 = 0xc027;
pub(super) const PROTOCOL_SPAP_OLD: u16 = 0xc123;
pub(super) const PROTOCOL_CHAP: u16 = 0xc223;
pub(super) const PROTOCOL_EAP: u16 = 0xc227;

/// Prints a PPP frame starting at its address field (if present): `bytes` were captured, `length` is its length
/// as the layer below gives it, `depth` counts the IP headers around it.
pub(super) fn print(line: &mut Line, state: &mut PrintState, bytes: &[u8], length: u32, depth: usize) -> Printed {
    let ppp = Captured::new(bytes, "ppp");
    if length < 2 {
        return Err(ppp.truncated());
    }
    let mut offset = 0;
    if ppp.u8(1)? == CONTROL_UNNUMBERED {
        match ppp.u8(0)? {
            ADDRESS_ALL_STATIONS => offset = 2,
            direction @ (PPPD_IN | PPPD_OUT) => {
                if state.decoding.link_header {
                    line.push(if direction == PPPD_IN { "In  " } else { "Out " });
                }
                offset = 2;
            }
            _ => {}
        }
    }
    if length < offset as u32 + 2 {
        return Err(ppp.truncated());
    }
    // A protocol number with its low bit set was compressed to its one low byte.
    let first = ppp.u8(offset)?;
    let protocol = if first % 2 == 1 { u16::from(first) } else { ppp.be16(offset)? };
    offset += if first % 2 == 1 { 1 } else { 2 };
    let name = protocol_name(protocol);
    if state.decoding.link_header {
        line.put(format_args!("{} (0x{protocol:04x}), length {length}", name.unwrap_or("unknown")));
        if name.is_none() {
            return Ok(());
        }
        line.push(": ");
    }
    let payload = ppp.next_layer(offset, "ppp");
    let payload_len = length - offset as u32;
    let verbosity = state.decoding.verbosity;
    match protocol {
        // tcpdump prints uncompressed Van Jacobson TCP/IP as plain IP.
        PROTOCOL_IPV4 | PROTOCOL_VJ_UNCOMPRESSED => ip::print(line, state, payload.bytes(), payload_len, depth),
        PROTOCOL_IPV6 => ip6::print(line, state, payload.bytes(), payload_len, depth),
        PROTOCOL_MPLS | PROTOCOL_MPLS_MULTICAST => mpls::print(line, state, payload.bytes(), payload_len, depth),
        PROTOCOL_LCP | PROTOCOL_IPCP | PROTOCOL_IP6CP | PROTOCOL_OSICP | PROTOCOL_MPLSCP | PROTOCOL_CCP
        | PROTOCOL_BACP => {
            // tcpdump's hex dumps of control packets start at the two bytes before the code.
            let from_protocol = ppp.next_layer(offset.saturating_sub(2), "ppp");
            ppp_control::print(line, verbosity, protocol, from_protocol, payload_len)
        }
        PROTOCOL_PAP => ppp_auth::print_pap(line, payload, payload_len),
        PROTOCOL_CHAP => ppp_auth::print_chap(line, payload, payload_len),
        PROTOCOL_MULTILINK => print_multilink(line, state.decoding.link_header, payload, payload_len),
        PROTOCOL_COMPRESSED => {
            line.push("compressed PPP data");
            Ok(())
        }
        // tcpdump has no printer for BAP yet, and prints nothing of it.
        PROTOCOL_BAP => Ok(()),
        other => {
            match name {
                Some(name) => line.put(format_args!("{name} ")),
                None => line.put(format_args!("unknown PPP protocol (0x{other:04x}) ")),
            }
            hexdump::hex(line, payload.limit(payload_len as usize).bytes());
            Ok(())
        }
    }
}

/// A multilink PPP fragment: `MLPPP, seq 0x012, Flags [begin], length 6` (without `MLPPP, ` after the PPP
/// header's name at -e).
fn print_multilink(line: &mut Line, link_header: bool, multilink: Captured, length: u32) -> Printed {
    const FLAGS: [(u16, &str); 2] = [(0x80, "begin"), (0x40, "end")];
    if !link_header {
        line.push("MLPPP, ");
    }
    if length < 2 || !multilink.has(0, 2) {
        line.push("[|mlppp]");
        return Ok(());
    }
    // tcpdump knows only the 12-bit sequence numbers.
    line.put(format_args!("seq 0x{:03x}, Flags [", multilink.be16(0)? & 0x0fff));
    line.put_flag_names(u16::from(multilink.u8(0)? & 0xc0), &FLAGS);
    line.put(format_args!("], length {length}"));
    Ok(())
}

/// tcpdump's names of PPP protocols.
pub(super) fn protocol_name(protocol: u16) -> Option<&'static str> {
    Some(match protocol {
        PROTOCOL_IPV4 => "IP",
        0x0023 => "OSI",
        0x0025 => "NS",
        0x0027 => "DECNET",
        0x0029 => "APPLE",
        0x002b => "IPX",
        0x002d => "VJC IP",
        PROTOCOL_VJ_UNCOMPRESSED => "VJNC IP",
        0x0031 => "BRPDU",
        0x0033 => "STII",
        0x0035 => "VINES",
        PROTOCOL_MPLS | PROTOCOL_MPLS_MULTICAST => "MPLS",
        PROTOCOL_COMPRESSED => "Compressed",
        PROTOCOL_MULTILINK => "MLPPP",
        PROTOCOL_IPV6 => "IP6",
        0x0201 => "HELLO",
        0x0231 => "LUXCOM",
        0x0233 => "SNS",
        PROTOCOL_IPCP => "IPCP",
        PROTOCOL_OSICP => "OSICP",
        0x8025 => "NSCP",
        0x8027 => "DECNETCP",
        0x8029 => "APPLECP",
        0x802b => "IPXCP",
        0x8033 => "STIICP",
        0x8035 => "VINESCP",
        PROTOCOL_IP6CP => "IP6CP",
        PROTOCOL_MPLSCP => "MPLSCP",
        PROTOCOL_LCP => "LCP",
        PROTOCOL_PAP => "PAP",
        PROTOCOL_LQM => "LQM",
        PROTOCOL_CHAP => "CHAP",
        PROTOCOL_EAP => "EAP",
        PROTOCOL_SPAP => "SPAP",
        PROTOCOL_SPAP_OLD => "Old-SPAP",
        PROTOCOL_BACP => "BACP",
        PROTOCOL_BAP => "BAP",
        0xc03d => "MLPPP-CP",
        PROTOCOL_CCP => "CCP",
        _ => return None,
    })
}
