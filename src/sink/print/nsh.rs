//! NSH, the Network Service Header (RFC 8300): a service path and its context before an IP packet or an Ethernet
//! frame (tcpdump's print-nsh.c).

use super::{
    Line, PrintState,
    captured::{Captured, Printed},
    vxlan_gpe,
};

pub(super) const ETHERTYPE: u16 = 0x894f;
/// The base header (version, flags, TTL, length, metadata type, next protocol) and the service path header.
const FIXED_LEN: usize = 8;
const WORD_LEN: usize = 4;
/// The headers' length in words counts the base and service path headers.
const FIXED_WORDS: usize = 2;
/// Metadata type 1 has exactly four context words.
const FIXED_CONTEXT_WORDS: usize = 6;
/// The O flag, as tcpdump numbers the two flag bits.
const FLAG_NAMES: [(u16, &str); 1] = [(0x2, "O")];
const FIXED_CONTEXT: u8 = 1;
const VARIABLE_CONTEXT: u8 = 2;

/// Prints an NSH header and the packet after it: `bytes` were captured, `length` is the header's and its payload's
/// length, `depth` counts the IP headers around them.
pub(super) fn print(line: &mut Line, state: &mut PrintState, bytes: &[u8], length: u32, depth: usize) -> Printed {
    let nsh = Captured::new(bytes, "nsh");
    if length < FIXED_LEN as u32 {
        line.put(format_args!(" (packet length {length} < {FIXED_LEN}) (invalid)"));
        return Ok(());
    }
    let base = nsh.be32(0)?;
    let version = base >> 30;
    let header_words = (base >> 16) as usize & 0x3f;
    let metadata_type = (base >> 8) as u8 & 0x0f;
    let next_protocol = base as u8;
    let verbosity = state.decoding.verbosity;
    line.push("NSH, ");
    if verbosity > 1 {
        line.put(format_args!("ver {version}, "));
    }
    if version != 0 {
        return Ok(());
    }
    line.push("flags [");
    line.put_flag_names_joined((base >> 28) as u16 & 0x3, &FLAG_NAMES, "", "none");
    line.push("], ");
    if verbosity > 2 {
        line.put(format_args!("TTL {}, length {header_words}, md type ", (base >> 22) & 0x3f));
        match metadata_type_name(metadata_type) {
            Some(name) => line.push(name),
            None => line.put(format_args!("unknown (0x{metadata_type:02x})")),
        }
        line.push(", ");
    }
    if verbosity > 1 {
        line.push("next-protocol ");
        match next_protocol_name(next_protocol) {
            Some(name) => line.push(name),
            None => line.put(format_args!("unknown (0x{next_protocol:02x})")),
        }
        line.push(", ");
    }
    let headers_len = header_words * WORD_LEN;
    if (length as usize) < headers_len {
        line.put(format_args!(" (too many headers for packet length {length}) (invalid)"));
        return Ok(());
    }
    let [path_high, path_middle, path_low] = nsh.array::<3>(4)?;
    line.put(format_args!("service-path-id 0x{:06x}, ", u32::from_be_bytes([0, path_high, path_middle, path_low])));
    line.put(format_args!("service-index 0x{:x}", nsh.u8(7)?));
    if header_words < FIXED_WORDS {
        line.push(" (less than two headers) (invalid)");
        return Ok(());
    }
    let context = nsh.next_layer(FIXED_LEN, "nsh");
    let context_words = header_words - FIXED_WORDS;
    match metadata_type {
        FIXED_CONTEXT if verbosity > 2 => {
            if header_words != FIXED_CONTEXT_WORDS {
                line.push(" (invalid length for the MD type) (invalid)");
                return Ok(());
            }
            for index in 0..context_words {
                line.put(format_args!("\n        Context[{index:02}]: 0x{:08x}", context.be32(index * WORD_LEN)?));
            }
        }
        VARIABLE_CONTEXT if verbosity > 2 => {
            if !print_context_tlvs(line, context, context_words)? {
                return Ok(());
            }
        }
        _ => context.require(0, context_words * WORD_LEN)?,
    }
    line.push(if verbosity > 0 { "\n    " } else { ": " });
    let payload = nsh.rest(headers_len);
    let payload_len = length - headers_len as u32;
    vxlan_gpe::print_inner(line, state, next_protocol, payload, payload_len, depth).unwrap_or_else(|| {
        line.push("ERROR: unknown-next-protocol");
        Ok(())
    })
}

fn metadata_type_name(metadata_type: u8) -> Option<&'static str> {
    Some(match metadata_type {
        0x0 => "reserved",
        0x1 => "1",
        0x2 => "2",
        0xf => "experimental",
        _ => return None,
    })
}

fn next_protocol_name(next_protocol: u8) -> Option<&'static str> {
    Some(match next_protocol {
        0x01 => "IPv4",
        0x02 => "IPv6",
        0x03 => "Ethernet",
        0x04 => "NSH",
        0x05 => "MPLS",
        0xfe => "Experiment 1",
        0xff => "Experiment 2",
        _ => return None,
    })
}

/// Metadata type 2: each TLV's class, type and length in bytes, then its value (`0x01:02:…`, padded to words).
/// `false` where a TLV claims more words than the header holds: tcpdump calls it invalid and stops.
fn print_context_tlvs(line: &mut Line, context: Captured, words: usize) -> Result<bool, super::captured::Truncated> {
    let mut word = 0;
    while word < words {
        let offset = word * WORD_LEN;
        let (class, tlv_type) = (context.be16(offset)?, context.u8(offset + 2)?);
        let value_len = usize::from(context.u8(offset + 3)? & 0x7f);
        let padded_len = value_len.next_multiple_of(WORD_LEN);
        line.put(format_args!("\n        TLV Class {class}, Type {tlv_type}, Len {value_len}"));
        word += 1;
        if words < word + padded_len / WORD_LEN {
            line.push(" (length too big) (invalid)");
            return Ok(false);
        }
        if value_len > 0 {
            line.push("\n            Value: ");
            let value_at = word * WORD_LEN;
            for index in 0..value_len {
                let byte = context.u8(value_at + index)?;
                line.put(format_args!("{}{byte:02x}", if index == 0 { "0x" } else { ":" }));
            }
            context.require(value_at + value_len, padded_len - value_len)?;
            word += padded_len / WORD_LEN;
        }
    }
    Ok(true)
}
