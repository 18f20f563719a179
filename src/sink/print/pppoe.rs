//! PPP over Ethernet (tcpdump's print-pppoe.c), EtherTypes 0x8863 and 0x8864: discovery packets with their tags,
//! `PPPoE PADI [Service-Name] [Host-Uniq 0x0A0B0C0D]`, and session packets with the PPP frame they carry.

use super::{
    Line, PrintState,
    captured::{Captured, Printed},
    ppp, text,
};

pub(super) const ETHERTYPE_DISCOVERY: u16 = 0x8863;
pub(super) const ETHERTYPE_SESSION: u16 = 0x8864;
/// The types some equipment used before the standard ones (tcpdump's `ETHERTYPE_PPPOED2`, `ETHERTYPE_PPPOES2`).
pub(super) const ETHERTYPE_DISCOVERY_OLD: u16 = 0x3c12;
pub(super) const ETHERTYPE_SESSION_OLD: u16 = 0x3c13;
const HEADER_LEN: u32 = 6;
const SESSION_DATA: u8 = 0;
const ACTIVE_DISCOVERY_INITIATION: u8 = 0x09;
/// The most a PADI may hold (RFC 2516: the frame must not exceed 1484 bytes).
const MAX_INITIATION_LEN: u32 = 1484 - HEADER_LEN;
const END_OF_LIST: u16 = 0;
/// tcpdump shows at most this many characters of a tag's text, less one.
const MAX_TAG_TEXT: usize = 80;

/// Prints a PPPoE packet of `length` bytes, of which `bytes` were captured.
pub(super) fn print(line: &mut Line, state: &mut PrintState, bytes: &[u8], length: u32, depth: usize) -> Printed {
    let pppoe = Captured::new(bytes, "pppoe");
    if length < HEADER_LEN {
        line.put(format_args!(" (length {length} < {HEADER_LEN}) (invalid)"));
        return Ok(());
    }
    let remaining = length - HEADER_LEN;
    pppoe.require(0, HEADER_LEN as usize)?;
    let version_and_type = pppoe.u8(0)?;
    let code = pppoe.u8(1)?;
    let session = pppoe.be16(2)?;
    let mut payload_len = u32::from(pppoe.be16(4)?);
    if version_and_type >> 4 != 1 {
        line.put(format_args!(" [ver {}]", version_and_type >> 4));
    }
    if version_and_type & 0x0f != 1 {
        line.put(format_args!(" [type {}]", version_and_type & 0x0f));
    }
    line.put(format_args!("PPPoE {}", code_name(code)));
    if code == ACTIVE_DISCOVERY_INITIATION && payload_len > MAX_INITIATION_LEN {
        line.put(format_args!(" [len {payload_len}!]"));
    }
    if payload_len > remaining {
        line.put(format_args!(" [len {payload_len} > {remaining}!]"));
        payload_len = remaining;
    }
    if session != 0 {
        line.put(format_args!(" [ses 0x{session:x}]"));
    }
    let payload = pppoe.next_layer(HEADER_LEN as usize, "pppoe");
    if code == SESSION_DATA {
        line.push(" ");
        return ppp::print(line, state, payload.bytes(), payload_len, depth);
    }
    print_tags(line, payload, payload_len)
}

/// tcpdump's names of the codes; session data has none.
fn code_name(code: u8) -> String {
    match code {
        ACTIVE_DISCOVERY_INITIATION => "PADI".into(),
        0x07 => "PADO".into(),
        0x19 => "PADR".into(),
        0x65 => "PADS".into(),
        0xa7 => "PADT".into(),
        SESSION_DATA => String::new(),
        other => format!("PAD-{other:x}"),
    }
}

/// The discovery tags up to an end-of-list tag: ` [AC-Name "isp"]`, a value of mostly unprintable bytes in hex.
fn print_tags(line: &mut Line, tags: Captured, length: u32) -> Printed {
    let mut offset = 0;
    while offset < length as usize {
        let tag = tags.be16(offset)?;
        let value_len = usize::from(tags.be16(offset + 2)?);
        offset += 4;
        let name = tag_name(tag);
        if value_len == 0 {
            line.put(format_args!(" [{name}]"));
        } else {
            tags.require(offset, value_len)?;
            let value = tags.slice(offset, value_len)?;
            let shown = &value[..value.len().min(MAX_TAG_TEXT - 1)];
            let printable = shown.iter().filter(|&&byte| text::is_printable(byte)).count();
            if printable > shown.len() - printable {
                line.put(format_args!(" [{name} \""));
                for &byte in shown {
                    line.push_char(if text::is_printable(byte) { char::from(byte) } else { '.' });
                }
                line.push("\"]");
            } else {
                line.put(format_args!(" [{name} 0x"));
                value.iter().for_each(|byte| line.put(format_args!("{byte:02X}")));
                line.push("]");
            }
        }
        offset += value_len;
        if tag == END_OF_LIST {
            break;
        }
    }
    Ok(())
}

/// tcpdump's names of the tags.
fn tag_name(tag: u16) -> String {
    match tag {
        END_OF_LIST => "EOL".into(),
        0x0101 => "Service-Name".into(),
        0x0102 => "AC-Name".into(),
        0x0103 => "Host-Uniq".into(),
        0x0104 => "AC-Cookie".into(),
        0x0105 => "Vendor-Specific".into(),
        0x0110 => "Relay-Session-ID".into(),
        0x0120 => "PPP-Max-Payload".into(),
        0x0201 => "Service-Name-Error".into(),
        0x0202 => "AC-System-Error".into(),
        0x0203 => "Generic-Error".into(),
        other => format!("TAG-0x{other:x}"),
    }
}
