//! PPP's authentication protocols (part of tcpdump's print-ppp.c): PAP, `PAP, Auth-Req (0x01), id 1, Peer
//! user, Name secret`, and CHAP, `CHAP, Challenge (0x01), id 1, Value 0102..., Name server`.

use super::{
    Line,
    captured::{Captured, Printed, Truncated},
};

const PAP_AUTHENTICATE_REQUEST: u8 = 1;
const PAP_AUTHENTICATE_ACK: u8 = 2;
const PAP_AUTHENTICATE_NAK: u8 = 3;
const CHAP_CHALLENGE: u8 = 1;
const CHAP_RESPONSE: u8 = 2;
const CHAP_SUCCESS: u8 = 3;
const CHAP_FAILURE: u8 = 4;
/// Code, identifier and length.
const HEADER_LEN: u32 = 4;

/// Prints a PAP packet of `length` bytes.
pub(super) fn print_pap(line: &mut Line, pap: Captured, length: u32) -> Printed {
    let Some(code) = print_header(line, "PAP", pap, length, pap_code_name)? else {
        return Ok(());
    };
    let encoded = u32::from(pap.be16(2)?);
    if encoded > length {
        line.put(format_args!(", length {encoded} > packet size"));
        return Ok(());
    }
    if encoded < HEADER_LEN {
        line.put(format_args!(", length {encoded} < PAP header length"));
        return Ok(());
    }
    // Each string after its length byte, as far as the packet holds them.
    let mut offset = HEADER_LEN;
    let mut print_string = |line: &mut Line, label: &str| -> Result<bool, _> {
        if encoded - offset < 1 {
            return Ok(false);
        }
        let string_len = u32::from(pap.u8(offset as usize)?);
        offset += 1;
        if encoded - offset < string_len {
            return Ok(false);
        }
        line.push(label);
        print_text(line, pap, offset as usize, string_len as usize)?;
        offset += string_len;
        Ok(true)
    };
    match code {
        PAP_AUTHENTICATE_REQUEST if encoded < 6 => line.push("[|pap]"),
        PAP_AUTHENTICATE_REQUEST => {
            // The password only after a whole peer name.
            let peer_printed = print_string(line, ", Peer ")?;
            if !peer_printed {
                return Ok(());
            }
            print_string(line, ", Name ")?;
        }
        PAP_AUTHENTICATE_ACK | PAP_AUTHENTICATE_NAK if encoded < 5 => line.push("[|pap]"),
        PAP_AUTHENTICATE_ACK | PAP_AUTHENTICATE_NAK => {
            print_string(line, ", Msg ")?;
        }
        _ => {}
    }
    Ok(())
}

/// Prints a CHAP packet of `length` bytes.
pub(super) fn print_chap(line: &mut Line, chap: Captured, length: u32) -> Printed {
    let Some(code) = print_header(line, "CHAP", chap, length, chap_code_name)? else {
        return Ok(());
    };
    let encoded = chap.be16(2)?;
    let mut offset = HEADER_LEN as usize;
    match code {
        CHAP_CHALLENGE | CHAP_RESPONSE => {
            if length < HEADER_LEN + 1 {
                return Ok(());
            }
            let value_len = chap.u8(offset)?;
            offset += 1;
            if length - (offset as u32) < u32::from(value_len) {
                return Ok(());
            }
            line.push(", Value ");
            let value = chap.rest(offset);
            value.iter().take(usize::from(value_len)).for_each(|byte| line.put(format_args!("{byte:02x}")));
            chap.slice(offset, usize::from(value_len))?;
            offset += usize::from(value_len);
            print_rest(line, ", Name ", chap, offset, encoded)
        }
        CHAP_SUCCESS | CHAP_FAILURE => print_rest(line, ", Msg ", chap, offset, encoded),
        _ => Ok(()),
    }
}

fn pap_code_name(code: u8) -> &'static str {
    match code {
        PAP_AUTHENTICATE_REQUEST => "Auth-Req",
        PAP_AUTHENTICATE_ACK => "Auth-ACK",
        PAP_AUTHENTICATE_NAK => "Auth-NACK",
        _ => "unknown",
    }
}

fn chap_code_name(code: u8) -> &'static str {
    match code {
        CHAP_CHALLENGE => "Challenge",
        CHAP_RESPONSE => "Response",
        CHAP_SUCCESS => "Success",
        CHAP_FAILURE => "Fail",
        _ => "unknown",
    }
}

/// PAP's and CHAP's header, `PAP, Auth-Req (0x01), id 1`, after their checks of the length: `Some(code)` if it
/// was printed.
fn print_header(
    line: &mut Line,
    protocol: &str,
    packet: Captured,
    length: u32,
    code_name: fn(u8) -> &'static str,
) -> Result<Option<u8>, Truncated> {
    let marker = protocol.to_ascii_lowercase();
    if length < 1 {
        line.put(format_args!("[|{marker}]"));
        return Ok(None);
    }
    if length < HEADER_LEN {
        line.put(format_args!("[|{marker} 0x{:02x}]", packet.u8(0)?));
        return Ok(None);
    }
    let code = packet.u8(0)?;
    line.put(format_args!("{protocol}, {} (0x{code:02x})", code_name(code)));
    line.put(format_args!(", id {}", packet.u8(1)?));
    Ok(Some(code))
}

/// The text from `offset` to the end `encoded` gives. tcpdump takes a length that ends before `offset` for one
/// that wrapped around: it prints on as far as the capture goes.
fn print_rest(line: &mut Line, label: &str, packet: Captured, offset: usize, encoded: u16) -> Printed {
    line.push(label);
    let end = usize::from(encoded);
    print_text(line, packet, offset, end.checked_sub(offset).unwrap_or(usize::MAX))
}

/// `len` bytes of text at `offset`, as many as were captured before the cut.
fn print_text(line: &mut Line, packet: Captured, offset: usize, len: usize) -> Printed {
    let text = packet.rest(offset);
    line.put_escaped(&text[..text.len().min(len)]);
    packet.slice(offset, len).map(|_| ())
}
