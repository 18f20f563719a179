//! The Layer Two Tunneling Protocol, version 2 (tcpdump's print-l2tp.c), UDP port 1701: control messages with
//! their AVPs, ` l2tp:[TLS](0/0)Ns=0,Nr=0 *MSGTYPE(SCCRQ) *PROTO_VER(1.0) ...`, and data messages with the PPP
//! frame they carry, ` l2tp:[](4660/1) {IP ...}`.

use super::{
    Line, PrintState,
    captured::{Captured, Printed},
    ppp,
};

pub(super) const PORT: u16 = 1701;
const TYPE_CONTROL: u16 = 0x8000;
const HAS_LENGTH: u16 = 0x4000;
const HAS_SEQUENCE: u16 = 0x0800;
const HAS_OFFSET: u16 = 0x0200;
const PRIORITY: u16 = 0x0100;
const VERSION_MASK: u16 = 0x000f;
const VERSION_L2F: u16 = 1;
const VERSION_L2TP: u16 = 2;
const AVP_MANDATORY: u16 = 0x8000;
const AVP_HIDDEN: u16 = 0x4000;
const AVP_LENGTH_MASK: u16 = 0x03ff;
/// Flags and length, vendor ID, attribute type.
const AVP_HEADER_LEN: usize = 6;

/// Prints an L2TP message of `length` bytes, of which `bytes` were captured, inside `depth` IP headers.
pub(super) fn print(line: &mut Line, state: &mut PrintState, bytes: &[u8], length: u32, depth: usize) -> Printed {
    let l2tp = Captured::new(bytes, "l2tp");
    let flags = l2tp.be16(0)?;
    match flags & VERSION_MASK {
        VERSION_L2TP => line.push(" l2tp:"),
        VERSION_L2F => {
            line.push(" l2f:");
            return Ok(());
        }
        _ => {
            line.push(" Unknown Version, neither L2F(1) nor L2TP(2)");
            return Ok(());
        }
    }
    line.push("[");
    for (flag, letter) in
        [(TYPE_CONTROL, 'T'), (HAS_LENGTH, 'L'), (HAS_SEQUENCE, 'S'), (HAS_OFFSET, 'O'), (PRIORITY, 'P')]
    {
        if flags & flag != 0 {
            line.push_char(letter);
        }
    }
    line.push("]");
    let mut offset = 2;
    let mut declared_len = None;
    if flags & HAS_LENGTH != 0 {
        declared_len = Some(u32::from(l2tp.be16(offset)?));
        offset += 2;
    }
    line.put(format_args!("({}/", l2tp.be16(offset)?));
    line.put(format_args!("{})", l2tp.be16(offset + 2)?));
    offset += 4;
    if flags & HAS_SEQUENCE != 0 {
        line.put(format_args!("Ns={},", l2tp.be16(offset)?));
        line.put(format_args!("Nr={}", l2tp.be16(offset + 2)?));
        offset += 4;
    }
    if flags & HAS_OFFSET != 0 {
        let padding = usize::from(l2tp.be16(offset)?);
        l2tp.check(offset + 2, padding)?;
        offset += 2 + padding;
    }
    let mut length = length;
    if let Some(declared_len) = declared_len {
        if length < declared_len {
            line.put(format_args!(" Length {declared_len} larger than packet"));
            return Ok(());
        }
        length = declared_len;
    }
    if (length as usize) < offset {
        line.put(format_args!(" Length {length} smaller than header length"));
        return Ok(());
    }
    let rest = length - offset as u32;
    if flags & TYPE_CONTROL == 0 {
        line.push(" {");
        match ppp::print(line, state, l2tp.rest(offset), rest, depth) {
            Err(truncated) if truncated.abandons_packet => return Err(truncated),
            Err(truncated) => truncated.print(line),
            Ok(()) => {}
        }
        line.push("}");
        return Ok(());
    }
    if declared_len.is_none() {
        line.push(" No length");
        return Ok(());
    }
    if rest == 0 {
        line.push(" ZLB");
        return Ok(());
    }
    let mut remaining = rest as usize;
    while remaining != 0 {
        let avp_len = print_avp(line, l2tp.next_layer(offset, "l2tp"), remaining)?;
        if avp_len == 0 {
            break;
        }
        remaining -= avp_len;
        offset += avp_len;
    }
    Ok(())
}

/// Prints one AVP: ` *MSGTYPE(SCCRQ)`, `*` for mandatory, `?` for hidden. Returns its length, or 0 after the
/// truncation marker if it does not fit in `remaining` or the capture.
fn print_avp(line: &mut Line, avp: Captured, remaining: usize) -> Result<usize, super::captured::Truncated> {
    line.push(" ");
    let header = avp.be16(0)?;
    let len = usize::from(header & AVP_LENGTH_MASK);
    if len < AVP_HEADER_LEN || len > remaining || !avp.has(0, len) {
        avp.truncated().print(line);
        return Ok(0);
    }
    if header & AVP_MANDATORY != 0 {
        line.push("*");
    }
    let hidden = header & AVP_HIDDEN != 0;
    if hidden {
        line.push("?");
    }
    let vendor = avp.be16(2)?;
    let attribute = avp.be16(4)?;
    let value = avp.next_layer(AVP_HEADER_LEN, "l2tp").limit(len - AVP_HEADER_LEN);
    if vendor != 0 {
        line.put(format_args!("VENDOR{vendor:04x}:ATTR{attribute:04x}("));
        put_octets(line, value.bytes());
        line.push(")");
        return Ok(len);
    }
    match attribute_name(attribute) {
        Some(name) => line.push(name),
        None => line.put(format_args!("AVP-#{attribute}")),
    }
    line.push("(");
    if hidden {
        line.push("???");
    } else {
        print_value(line, attribute, value)?;
    }
    line.push(")");
    Ok(len)
}

const MESSAGE_TYPE: u16 = 0;
const RESULT_CODE: u16 = 1;
const PROTOCOL_VERSION: u16 = 2;
const FRAMING_CAPABILITIES: u16 = 3;
const BEARER_CAPABILITIES: u16 = 4;
const TIE_BREAKER: u16 = 5;
const FIRMWARE_REVISION: u16 = 6;
const HOST_NAME: u16 = 7;
const VENDOR_NAME: u16 = 8;
const ASSIGNED_TUNNEL_ID: u16 = 9;
const RECEIVE_WINDOW_SIZE: u16 = 10;
const CHALLENGE: u16 = 11;
const Q931_CAUSE_CODE: u16 = 12;
const CHALLENGE_RESPONSE: u16 = 13;
const ASSIGNED_SESSION_ID: u16 = 14;
const CALL_SERIAL_NUMBER: u16 = 15;
const MINIMUM_BPS: u16 = 16;
const MAXIMUM_BPS: u16 = 17;
const BEARER_TYPE: u16 = 18;
const FRAMING_TYPE: u16 = 19;
const PACKET_PROCESSING_DELAY: u16 = 20;
const CALLED_NUMBER: u16 = 21;
const CALLING_NUMBER: u16 = 22;
const SUB_ADDRESS: u16 = 23;
const TX_CONNECT_SPEED: u16 = 24;
const PHYSICAL_CHANNEL_ID: u16 = 25;
const INITIAL_RECEIVED_CONFREQ: u16 = 26;
const LAST_SENT_CONFREQ: u16 = 27;
const LAST_RECEIVED_CONFREQ: u16 = 28;
const PROXY_AUTHEN_TYPE: u16 = 29;
const PROXY_AUTHEN_NAME: u16 = 30;
const PROXY_AUTHEN_CHALLENGE: u16 = 31;
const PROXY_AUTHEN_ID: u16 = 32;
const PROXY_AUTHEN_RESPONSE: u16 = 33;
const CALL_ERRORS: u16 = 34;
const ACCM: u16 = 35;
const RANDOM_VECTOR: u16 = 36;
const PRIVATE_GROUP_ID: u16 = 37;
const RX_CONNECT_SPEED: u16 = 38;
const SEQUENCING_REQUIRED: u16 = 39;
const PPP_DISCONNECT_CAUSE: u16 = 46;

/// tcpdump's names of the IETF attributes.
fn attribute_name(attribute: u16) -> Option<&'static str> {
    Some(match attribute {
        MESSAGE_TYPE => "MSGTYPE",
        RESULT_CODE => "RESULT_CODE",
        PROTOCOL_VERSION => "PROTO_VER",
        FRAMING_CAPABILITIES => "FRAMING_CAP",
        BEARER_CAPABILITIES => "BEARER_CAP",
        TIE_BREAKER => "TIE_BREAKER",
        FIRMWARE_REVISION => "FIRM_VER",
        HOST_NAME => "HOST_NAME",
        VENDOR_NAME => "VENDOR_NAME",
        ASSIGNED_TUNNEL_ID => "ASSND_TUN_ID",
        RECEIVE_WINDOW_SIZE => "RECV_WIN_SIZE",
        CHALLENGE => "CHALLENGE",
        Q931_CAUSE_CODE => "Q931_CC",
        CHALLENGE_RESPONSE => "CHALLENGE_RESP",
        ASSIGNED_SESSION_ID => "ASSND_SESS_ID",
        CALL_SERIAL_NUMBER => "CALL_SER_NUM",
        MINIMUM_BPS => "MINIMUM_BPS",
        MAXIMUM_BPS => "MAXIMUM_BPS",
        BEARER_TYPE => "BEARER_TYPE",
        FRAMING_TYPE => "FRAMING_TYPE",
        PACKET_PROCESSING_DELAY => "PACKET_PROC_DELAY",
        CALLED_NUMBER => "CALLED_NUMBER",
        CALLING_NUMBER => "CALLING_NUMBER",
        SUB_ADDRESS => "SUB_ADDRESS",
        TX_CONNECT_SPEED => "TX_CONN_SPEED",
        PHYSICAL_CHANNEL_ID => "PHY_CHANNEL_ID",
        INITIAL_RECEIVED_CONFREQ => "INI_RECV_LCP",
        LAST_SENT_CONFREQ => "LAST_SENT_LCP",
        LAST_RECEIVED_CONFREQ => "LAST_RECV_LCP",
        PROXY_AUTHEN_TYPE => "PROXY_AUTH_TYPE",
        PROXY_AUTHEN_NAME => "PROXY_AUTH_NAME",
        PROXY_AUTHEN_CHALLENGE => "PROXY_AUTH_CHAL",
        PROXY_AUTHEN_ID => "PROXY_AUTH_ID",
        PROXY_AUTHEN_RESPONSE => "PROXY_AUTH_RESP",
        CALL_ERRORS => "CALL_ERRORS",
        ACCM => "ACCM",
        RANDOM_VECTOR => "RANDOM_VECTOR",
        PRIVATE_GROUP_ID => "PRIVATE_GRP_ID",
        RX_CONNECT_SPEED => "RX_CONN_SPEED",
        SEQUENCING_REQUIRED => "SEQ_REQUIRED",
        PPP_DISCONNECT_CAUSE => "PPP_DISCON_CC",
        _ => return None,
    })
}

const TOO_SHORT: &str = "AVP too short";

/// An IETF attribute's value, captured whole (the AVP was checked to be).
fn print_value(line: &mut Line, attribute: u16, value: Captured) -> Printed {
    if value.len() < minimum_len(attribute) {
        line.push(TOO_SHORT);
        return Ok(());
    }
    match attribute {
        MESSAGE_TYPE => match message_type_name(value.be16(0)?) {
            Some(name) => line.push(name),
            None => line.put(format_args!("MSGTYPE-#{}", value.be16(0)?)),
        },
        RESULT_CODE => print_result_code(line, value)?,
        PROTOCOL_VERSION => line.put(format_args!("{}.{}", value.u8(0)?, value.u8(1)?)),
        FRAMING_CAPABILITIES | FRAMING_TYPE => print_bits(line, value, ["A", "S"])?,
        BEARER_CAPABILITIES | BEARER_TYPE => print_bits(line, value, ["A", "D"])?,
        TIE_BREAKER => put_octets(line, value.slice(0, 8)?),
        CHALLENGE_RESPONSE => put_octets(line, value.slice(0, 16)?),
        FIRMWARE_REVISION | ASSIGNED_TUNNEL_ID | RECEIVE_WINDOW_SIZE | ASSIGNED_SESSION_ID => {
            line.put(format_args!("{}", value.be16(0)?));
        }
        CALL_SERIAL_NUMBER | MINIMUM_BPS | MAXIMUM_BPS | TX_CONNECT_SPEED | PHYSICAL_CHANNEL_ID | RX_CONNECT_SPEED => {
            line.put(format_args!("{}", value.be32(0)?));
        }
        HOST_NAME | VENDOR_NAME | CALLING_NUMBER | CALLED_NUMBER | SUB_ADDRESS | PROXY_AUTHEN_NAME
        | PRIVATE_GROUP_ID => line.put_escaped(value.bytes()),
        CHALLENGE
        | INITIAL_RECEIVED_CONFREQ
        | LAST_SENT_CONFREQ
        | LAST_RECEIVED_CONFREQ
        | PROXY_AUTHEN_CHALLENGE
        | PROXY_AUTHEN_RESPONSE
        | RANDOM_VECTOR => put_octets(line, value.bytes()),
        Q931_CAUSE_CODE => {
            line.put(format_args!("{}, {:02x}", value.be16(0)?, value.u8(2)?));
            put_text_after(line, value, 3);
        }
        PACKET_PROCESSING_DELAY => line.push("obsolete"),
        PROXY_AUTHEN_TYPE => match value.be16(0)? {
            0 => line.push("Reserved"),
            1 => line.push("Textual"),
            2 => line.push("CHAP"),
            3 => line.push("PAP"),
            4 => line.push("No Auth"),
            5 => line.push("MS-CHAPv1"),
            other => line.put(format_args!("AuthType-#{other}")),
        },
        PROXY_AUTHEN_ID => line.put(format_args!("{}", value.u8(1)?)),
        CALL_ERRORS => {
            let names = ["CRCErr", "FrameErr", "HardOver", "BufOver", "Timeout", "AlignErr"];
            print_counters(line, value, &names, |line, name, counter| line.put(format_args!("{name}={counter} ")))?;
        }
        ACCM => {
            let names = ["send", "recv"];
            print_counters(line, value, &names, |line, name, counter| line.put(format_args!("{name}={counter:08x} ")))?;
        }
        PPP_DISCONNECT_CAUSE => {
            line.put(format_args!("{:04x}, {:04x} ", value.be16(0)?, value.be16(2)?));
            match value.u8(4)? {
                0 => line.push("global error"),
                1 => line.push("at peer"),
                2 => line.push("at local"),
                other => line.put(format_args!("Direction-#{other}")),
            }
            put_text_after(line, value, 5);
        }
        _ => {}
    }
    Ok(())
}

/// The text that ends some values, after a space, if there is any.
fn put_text_after(line: &mut Line, value: Captured, offset: usize) {
    if value.len() > offset {
        line.push(" ");
        line.put_escaped(value.rest(offset));
    }
}

/// The letters of the capability and type bits tcpdump knows: bit 1's first, then bit 0's.
fn print_bits(line: &mut Line, value: Captured, letters: [&str; 2]) -> Printed {
    if value.len() < 4 {
        line.push(TOO_SHORT);
        return Ok(());
    }
    let bits = value.be32(0)?;
    if bits & 2 != 0 {
        line.push(letters[0]);
    }
    if bits & 1 != 0 {
        line.push(letters[1]);
    }
    Ok(())
}

/// The shortest value tcpdump decodes of an attribute (below it prints `AVP too short`).
fn minimum_len(attribute: u16) -> usize {
    match attribute {
        MESSAGE_TYPE | RESULT_CODE | PROTOCOL_VERSION | FIRMWARE_REVISION | ASSIGNED_TUNNEL_ID
        | RECEIVE_WINDOW_SIZE | ASSIGNED_SESSION_ID | PROXY_AUTHEN_TYPE | PROXY_AUTHEN_ID | CALL_ERRORS | ACCM => 2,
        Q931_CAUSE_CODE => 3,
        CALL_SERIAL_NUMBER | MINIMUM_BPS | MAXIMUM_BPS | TX_CONNECT_SPEED | PHYSICAL_CHANNEL_ID | RX_CONNECT_SPEED => 4,
        PPP_DISCONNECT_CAUSE => 5,
        TIE_BREAKER => 8,
        CHALLENGE_RESPONSE => 16,
        _ => 0,
    }
}

fn message_type_name(message_type: u16) -> Option<&'static str> {
    Some(match message_type {
        1 => "SCCRQ",
        2 => "SCCRP",
        3 => "SCCCN",
        4 => "StopCCN",
        6 => "HELLO",
        7 => "OCRQ",
        8 => "OCRP",
        9 => "OCCN",
        10 => "ICRQ",
        11 => "ICRP",
        12 => "ICCN",
        14 => "CDN",
        15 => "WEN",
        16 => "SLI",
        _ => return None,
    })
}

/// `1/0 message`: the result code, and the error code and message if present.
fn print_result_code(line: &mut Line, value: Captured) -> Printed {
    line.put(format_args!("{}", value.be16(0)?));
    match value.len() {
        2 => {}
        3 => line.push(" AVP too short"),
        _ => {
            line.put(format_args!("/{}", value.be16(2)?));
            put_text_after(line, value, 4);
        }
    }
    Ok(())
}

/// Counters after two reserved bytes, `CRCErr=0 FrameErr=0 ...`, as far as the value holds them.
fn print_counters(line: &mut Line, value: Captured, names: &[&str], put: fn(&mut Line, &str, u32)) -> Printed {
    for (index, name) in names.iter().enumerate() {
        let at = 2 + 4 * index;
        if !value.has(at, 4) {
            line.push(TOO_SHORT);
            return Ok(());
        }
        put(line, name, value.be32(at)?);
    }
    Ok(())
}

fn put_octets(line: &mut Line, octets: &[u8]) {
    octets.iter().for_each(|byte| line.put(format_args!("{byte:02x}")));
}
