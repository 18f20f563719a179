//! Minimal encapsulation for mobile IP (tcpdump's print-mobile.c, RFC 2004), IP protocol 55: `mobile: [S] `, and
//! at -v the original source, destination and protocol.

use super::{
    Line,
    captured::{Captured, Printed},
    checksum::Checksum,
};

pub(super) const PROTOCOL: u8 = 55;

/// The header without the original source: protocol and flag, checksum, original destination.
const HEADER_LEN: u32 = 8;
/// tcpdump wants the header with the original source captured, present or not.
const FULL_HEADER_LEN: usize = 12;
/// In the protocol field: the original source address is present.
const ORIGINAL_SOURCE_PRESENT: u16 = 0x0080;

/// Prints a minimal forwarding header of a datagram `length` bytes long, of which `bytes` were captured.
pub(super) fn print(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32) -> Printed {
    let mobile = Captured::new(bytes, "mobile");
    if length < HEADER_LEN || !mobile.has(0, FULL_HEADER_LEN) {
        return Err(mobile.truncated());
    }
    line.push("mobile: ");
    let (protocol, checksum) = (mobile.be16(0)?, mobile.be16(2)?);
    let has_source = protocol & ORIGINAL_SOURCE_PRESENT != 0;
    if has_source {
        line.push("[S] ");
        if verbosity > 0 {
            line.put(format_args!("{} ", mobile.ipv4(8)?));
        }
    } else {
        line.push("[] ");
    }
    if verbosity > 0 {
        line.put(format_args!("> {} (oproto={})", mobile.ipv4(4)?, protocol >> 8));
    }
    let header_len = if has_source { FULL_HEADER_LEN } else { HEADER_LEN as usize };
    if Checksum::default().add(mobile.slice(0, header_len)?).finish() != 0 {
        line.put(format_args!(" (bad checksum {checksum})"));
    }
    Ok(())
}
