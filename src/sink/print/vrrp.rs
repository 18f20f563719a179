//! VRRP (tcpdump's print-vrrp.c), IP protocol 112: `VRRPv2, Advertisement, vrid 51, prio 100, authtype none,
//! intvl 1s, length 20`; with -v the checksum, the virtual addresses and v2's simple password.

use super::{
    Line,
    address::IpAddress,
    captured::{Captured, Printed},
    checksum::{self, Checksum},
    ip::IpEnvelope,
};

pub(super) const PROTOCOL: u8 = 112;
const ADVERTISEMENT: u8 = 1;
const AUTH_SIMPLE: u8 = 1;
/// The TTL or hop limit every VRRP packet is sent with; tcpdump points out others.
const REQUIRED_TTL: u8 = 255;
const HEADER_LEN: usize = 8;
const PASSWORD_LEN: usize = 8;

/// Prints a packet `length` bytes long (as the IP header gives it), of which `bytes` were captured.
pub(super) fn print(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32, envelope: &IpEnvelope) -> Printed {
    let vrrp = Captured::new(bytes, "vrrp");
    line.push("VRRP");
    let first = vrrp.u8(0)?;
    let (version, message_type) = (first >> 4, first & 0x0f);
    line.put(format_args!("v{version}, "));
    match message_type {
        ADVERTISEMENT => line.push("Advertisement"),
        other => line.put(format_args!("unknown type ({other})")),
    }
    if envelope.hop_limit != REQUIRED_TTL {
        line.put(format_args!(", (ttl {})", envelope.hop_limit));
    }
    if !(2..=3).contains(&version) || message_type != ADVERTISEMENT {
        return Ok(());
    }
    line.put(format_args!(", vrid {}, prio {}", vrrp.u8(1)?, vrrp.u8(2)?));
    let auth_type = vrrp.u8(4)?;
    if version == 2 {
        line.push(", authtype ");
        match auth_type {
            0 => line.push("none"),
            AUTH_SIMPLE => line.push("simple"),
            2 => line.push("ah"),
            other => line.put(format_args!("#{other}")),
        }
        line.put(format_args!(", intvl {}s, length {length}", vrrp.u8(5)?));
    } else {
        // v3's interval is 12 bits, in centiseconds.
        let interval = u16::from(auth_type & 0x0f) << 8 | u16::from(vrrp.u8(5)?);
        line.put(format_args!(", intvl {interval}cs, length {length}"));
    }
    if verbosity == 0 {
        return Ok(());
    }
    let addresses = vrrp.u8(3)?;
    if let Ok(message) = vrrp.slice(0, length as usize) {
        // v3's checksum covers the IP pseudo-header too.
        let computed = match version {
            2 => Checksum::default().add(message).finish(),
            _ => checksum::with_pseudo_header(envelope, PROTOCOL, message),
        };
        if computed != 0 {
            line.put(format_args!(", (bad vrrp cksum {:x})", vrrp.be16(6)?));
        }
    }
    line.push(", addrs");
    if addresses > 1 {
        line.put(format_args!("({addresses})"));
    }
    line.push(":");
    // The addresses are of the IP version the packet came in.
    let is_ipv4 = matches!(envelope.source, IpAddress::V4(_));
    let address_len = if is_ipv4 { 4 } else { 16 };
    for index in 0..usize::from(addresses) {
        let offset = HEADER_LEN + index * address_len;
        let address = if is_ipv4 { vrrp.ipv4(offset)? } else { vrrp.ipv6(offset)? };
        line.put(format_args!("{}{address}", if index == 0 { " " } else { "," }));
    }
    if version == 2 && auth_type == AUTH_SIMPLE {
        // A password shorter than its field ends with zeros.
        line.push(" auth \"");
        let password = HEADER_LEN + usize::from(addresses) * address_len;
        for offset in password..password + PASSWORD_LEN {
            match vrrp.u8(offset)? {
                0 => break,
                byte => line.put_escaped(&[byte]),
            }
        }
        line.push("\"");
    }
    Ok(())
}
