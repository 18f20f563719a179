//! EAP packets (tcpdump's print-eap.c `eap_print`), as RADIUS's EAP-Message attribute carries them:
//! `Response (2), id 1, len 14` and at most one line more on its type: `Type Identity (1), Identity: alice`.

use super::{
    Line,
    captured::{Captured, Printed},
};

const HEADER_LEN: usize = 4;
const REQUEST: u8 = 1;
const RESPONSE: u8 = 2;

const TYPE_IDENTITY: u8 = 1;
const TYPE_NOTIFICATION: u8 = 2;
const TYPE_NAK: u8 = 3;
const TYPE_TLS: u8 = 13;
const TYPE_SIM: u8 = 18;
const TYPE_TTLS: u8 = 21;
const TYPE_AKA: u8 = 23;
const TYPE_FAST: u8 = 43;

/// TLS, TTLS and FAST flags: the first says a 4-byte length of the whole TLS message follows.
const TLS_FLAGS: [(u16, &str); 3] = [(0x80, "L bit"), (0x40, "More fragments bit"), (0x20, "Start bit")];
const TLS_LENGTH_INCLUDED: u8 = 0x80;

fn code_name(code: u8) -> &'static str {
    match code {
        REQUEST => "Request",
        RESPONSE => "Response",
        3 => "Success",
        4 => "Failure",
        _ => "unknown",
    }
}

fn type_name(eap_type: u8) -> &'static str {
    match eap_type {
        0 => "No proposed",
        TYPE_IDENTITY => "Identity",
        TYPE_NOTIFICATION => "Notification",
        TYPE_NAK => "Nak",
        4 => "MD5-challenge",
        5 => "OTP",
        6 => "GTC",
        TYPE_TLS => "TLS",
        TYPE_SIM => "SIM",
        TYPE_TTLS => "TTLS",
        TYPE_AKA => "AKA",
        TYPE_FAST => "FAST",
        254 => "Expanded types",
        255 => "Experimental",
        _ => "unknown",
    }
}

fn sim_aka_subtype_name(subtype: u8) -> &'static str {
    match subtype {
        1 | 11 => "Challenge",
        2 => "Auth reject",
        4 => "Sync failure",
        5 => "Identity",
        10 => "Start",
        12 => "Notification",
        13 => "Reauth",
        14 => "Client error",
        _ => "unknown",
    }
}

/// Prints an EAP packet that its container says is `length` bytes long.
pub(super) fn print(line: &mut Line, eap: Captured, length: usize) -> Printed {
    let code = eap.u8(0)?;
    let eap_len = usize::from(eap.be16(2)?);
    if eap_len != length {
        // Likely a fragment of a packet split over several attributes.
        line.push("EAP fragment?");
        return Ok(());
    }
    line.put(format_args!("{} ({code}), id {}, len {eap_len}", code_name(code), eap.u8(1)?));
    if eap_len < HEADER_LEN {
        line.push(" (too short for EAP header)");
        return Ok(());
    }
    eap.check(0, eap_len)?;
    if code != REQUEST && code != RESPONSE {
        return Ok(());
    }
    if eap_len < HEADER_LEN + 1 {
        line.push(" (too short for EAP request/response)");
        return Ok(());
    }
    let eap_type = eap.u8(4)?;
    line.put(format_args!("\n\t\t Type {} ({eap_type})", type_name(eap_type)));
    let too_short =
        |line: &mut Line, what: &str| line.put(format_args!(" (too short for EAP {what} request/response)"));
    match eap_type {
        TYPE_IDENTITY if eap_len > HEADER_LEN + 1 => {
            line.push(", Identity: ");
            put_text_to_nul(line, eap, eap_len)?;
        }
        TYPE_NOTIFICATION if eap_len < HEADER_LEN + 2 => {
            line.push(" (too short for EAP Notification request/response)")
        }
        TYPE_NOTIFICATION => {
            line.push(", Notification: ");
            put_text_to_nul(line, eap, eap_len)?;
        }
        TYPE_NAK if eap_len < HEADER_LEN + 2 => too_short(line, "Legacy NAK"),
        TYPE_NAK => {
            for offset in HEADER_LEN + 1..eap_len {
                let desired = eap.u8(offset)?;
                let separator = if offset == HEADER_LEN + 1 { "" } else { "," };
                line.put(format_args!("{separator} {} ({desired})", type_name(desired)));
            }
        }
        TYPE_TLS | TYPE_TTLS | TYPE_FAST => {
            if eap_len < HEADER_LEN + 2 {
                too_short(line, if eap_type == TYPE_FAST { "FAST" } else { "TLS/TTLS" });
                return Ok(());
            }
            let flags = eap.u8(5)?;
            match eap_type {
                TYPE_TTLS => line.put(format_args!(" TTLSv{}", flags & 0x07)),
                TYPE_FAST => line.put(format_args!(" FASTv{}", flags & 0x07)),
                _ => {}
            }
            line.push(" flags [");
            line.put_flag_names(flags.into(), &TLS_FLAGS);
            line.put(format_args!("] 0x{flags:02x}"));
            if flags & TLS_LENGTH_INCLUDED != 0 {
                if eap_len < HEADER_LEN + 6 {
                    let what = if eap_type == TYPE_FAST { "FAST" } else { "TLS/TTLS" };
                    line.put(format_args!(" (too short for EAP {what} request/response with length)"));
                    return Ok(());
                }
                line.put(format_args!(", len {}", eap.be32(6)?));
            }
        }
        TYPE_SIM | TYPE_AKA if eap_len < HEADER_LEN + 2 => too_short(line, "SIM/AKA"),
        TYPE_SIM | TYPE_AKA => {
            let subtype = eap.u8(5)?;
            line.put(format_args!(" subtype [{}] 0x{subtype:02x}", sim_aka_subtype_name(subtype)));
        }
        _ => {}
    }
    Ok(())
}

/// The text after the type byte, up to the packet's end or a NUL.
fn put_text_to_nul(line: &mut Line, eap: Captured, eap_len: usize) -> Printed {
    for offset in HEADER_LEN + 1..eap_len {
        match eap.u8(offset)? {
            0 => break,
            byte => line.put_escaped(&[byte]),
        }
    }
    Ok(())
}
