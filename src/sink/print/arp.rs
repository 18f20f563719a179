//! ARP and RARP (tcpdump's print-arp.c), for IPv4 over any hardware with addresses of its own length.

use std::{fmt, net::Ipv4Addr};

use super::{
    Line, PrintState,
    address::LinkAddress,
    captured::{Captured, Printed},
    hexdump,
    link::ethertype_name,
};

const FIXED_LEN: usize = 8;
const PROTOCOL_IPV4: u16 = 0x0800;
/// Trailer encapsulation's protocol type, which tcpdump treats as IPv4.
const PROTOCOL_TRAILER: u16 = 0x1000;

const REQUEST: u16 = 1;
const REPLY: u16 = 2;
const REVERSE_REQUEST: u16 = 3;
const REVERSE_REPLY: u16 = 4;
const INVERSE_REQUEST: u16 = 8;
const INVERSE_REPLY: u16 = 9;

/// Prints an ARP packet: `bytes` were captured, `length` is its length on the wire (padding included).
pub(super) fn print(line: &mut Line, state: &PrintState, bytes: &[u8], length: u32) -> Printed {
    let arp = Captured::new(bytes, "arp");
    arp.require(0, FIXED_LEN)?;
    let hardware = arp.be16(0)?;
    let protocol = arp.be16(2)?;
    let hardware_len = usize::from(arp.u8(4)?);
    let protocol_len = usize::from(arp.u8(5)?);
    let operation = arp.be16(6)?;
    // Sender hardware and protocol address, then target hardware and protocol address.
    let sender_hardware = FIXED_LEN;
    let sender_protocol = sender_hardware + hardware_len;
    let target_hardware = sender_protocol + protocol_len;
    let target_protocol = target_hardware + hardware_len;
    arp.require(target_protocol, protocol_len)?;
    if !state.decoding.link_header {
        line.push("ARP, ");
    }
    let is_ipv4 = matches!(protocol, PROTOCOL_IPV4 | PROTOCOL_TRAILER) && protocol_len == 4;
    // The hardware and protocol are worth telling when they are not the usual ones, and always with -v.
    if !is_ipv4 || hardware_len == 0 || state.decoding.verbosity > 0 {
        line.put(format_args!("{} (len {hardware_len}), ", HardwareName(hardware)));
        match ethertype_name(protocol) {
            Some(name) => line.push(name),
            None => line.put(format_args!("Unknown Protocol (0x{protocol:04x})")),
        }
        line.put(format_args!(" (len {protocol_len}), "));
        if state.decoding.verbosity == 0 {
            line.put(format_args!("length {length}"));
            return Ok(());
        }
    }
    let hardware_address = |offset| arp.slice(offset, hardware_len).map(LinkAddress);
    let protocol_address = |offset| arp.slice(offset, protocol_len).map(|bytes| ProtocolAddress { protocol, bytes });
    let sender_ip = protocol_address(sender_protocol)?;
    let target_ip = protocol_address(target_protocol)?;
    match operation_name(operation) {
        Some(name) => line.put(format_args!("{name} ")),
        None => line.put(format_args!("Unknown ({operation}) ")),
    }
    match operation {
        REQUEST => {
            line.put(format_args!("who-has {target_ip}"));
            let target = arp.slice(target_hardware, hardware_len)?;
            if target.iter().any(|&byte| byte != 0) {
                line.put(format_args!(" ({})", LinkAddress(target)));
            }
            line.put(format_args!(" tell {sender_ip}"));
        }
        REPLY => line.put(format_args!("{sender_ip} is-at {}", hardware_address(sender_hardware)?)),
        REVERSE_REQUEST | INVERSE_REQUEST => line.put(format_args!(
            "who-is {} tell {}",
            hardware_address(target_hardware)?,
            hardware_address(sender_hardware)?
        )),
        REVERSE_REPLY => line.put(format_args!("{} at {target_ip}", hardware_address(target_hardware)?)),
        INVERSE_REPLY => line.put(format_args!("{} at {sender_ip}", hardware_address(sender_hardware)?)),
        _ => {
            hexdump::hex_and_ascii(line, bytes);
            return Ok(());
        }
    }
    line.put(format_args!(", length {length}"));
    Ok(())
}

/// An IPv4 address in an ARP packet, or what is wrong with it.
struct ProtocolAddress<'a> {
    protocol: u16,
    bytes: &'a [u8],
}

impl fmt::Display for ProtocolAddress<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match <[u8; 4]>::try_from(self.bytes) {
            _ if !matches!(self.protocol, PROTOCOL_IPV4 | PROTOCOL_TRAILER) => f.write_str("<wrong proto type>"),
            Ok(address) => write!(f, "{}", Ipv4Addr::from(address)),
            Err(_) => f.write_str("<wrong len>"),
        }
    }
}

fn operation_name(operation: u16) -> Option<&'static str> {
    Some(match operation {
        REQUEST => "Request",
        REPLY => "Reply",
        REVERSE_REQUEST => "Reverse Request",
        REVERSE_REPLY => "Reverse Reply",
        INVERSE_REQUEST => "Inverse Request",
        INVERSE_REPLY => "Inverse Reply",
        10 => "NACK Reply",
        _ => return None,
    })
}

/// tcpdump's name for an ARP hardware type.
struct HardwareName(u16);

impl std::fmt::Display for HardwareName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self.0 {
            1 => "Ethernet",
            6 => "TokenRing",
            7 => "ArcNet",
            15 => "FrameRelay",
            23 => "Strip",
            24 => "IEEE 1394",
            19 => "ATM",
            32 => "InfiniBand",
            other => return write!(f, "Unknown Hardware ({other})"),
        };
        f.write_str(name)
    }
}
