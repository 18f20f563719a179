//! PTP, the Precision Time Protocol (tcpdump's print-ptp.c), UDP ports 319 (event messages) and 320 (general
//! messages): version 2's common header and each message type's body on one line, at every verbosity:
//! `PTPv2, v1 compat : no, msg type : sync msg, length : 44, domain : 0, ...`.

use super::{
    Line,
    captured::{Captured, Printed, Truncated},
};

pub(super) const EVENT_PORT: u16 = 319;
pub(super) const GENERAL_PORT: u16 = 320;

const HEADER_LEN: usize = 34;
const V1_COMPATIBLE: u8 = 0x10;

const SYNC: u8 = 0x0;
const DELAY_REQUEST: u8 = 0x1;
const PEER_DELAY_REQUEST: u8 = 0x2;
const PEER_DELAY_RESPONSE: u8 = 0x3;
const FOLLOW_UP: u8 = 0x8;
const DELAY_RESPONSE: u8 = 0x9;
const PEER_DELAY_RESPONSE_FOLLOW_UP: u8 = 0xa;
const ANNOUNCE: u8 = 0xb;
const SIGNALLING: u8 = 0xc;
const MANAGEMENT: u8 = 0xd;

/// The header's flags; tcpdump names a group of bits only when all of them are set.
const FLAGS: [(u16, &str); 13] = [
    (0x0001, "l1 61"),
    (0x0002, "l1 59"),
    (0x0004, "utc reasonable"),
    (0x0008, "timescale"),
    (0x0010, "time tracable"),
    (0x0020, "frequency tracable"),
    (0x0100, "alternate master"),
    (0x0200, "two step"),
    (0x0400, "unicast"),
    (0x1000, "profile specific 1"),
    (0x2000, "profile specific 2"),
    (0x4000, "security mask"),
    (0x18c0, "unknown"),
];

const PRECISE_ORIGIN: &str = "preciseOriginTimeStamp";
const ORIGIN: &str = "originTimeStamp";
const RECEIVE: &str = "receiveTimeStamp";

fn message_type_name(message_type: u8) -> &'static str {
    match message_type {
        SYNC => "sync msg",
        DELAY_REQUEST => "delay req msg",
        PEER_DELAY_REQUEST => "peer delay req msg",
        PEER_DELAY_RESPONSE => "peer delay resp msg",
        FOLLOW_UP => "follow up msg",
        DELAY_RESPONSE => "delay resp msg",
        PEER_DELAY_RESPONSE_FOLLOW_UP => "pdelay resp fup msg",
        ANNOUNCE => "announce msg",
        SIGNALLING => "signalling msg",
        MANAGEMENT => "management msg",
        _ => "Reserved",
    }
}

/// Version 1's control field, which version 2 keeps for compatibility.
fn control_name(control: u8) -> &'static str {
    match control {
        0 => "Sync",
        1 => "Delay_Req",
        2 => "Follow_Up",
        3 => "Delay_Resp",
        4 => "Management",
        5 => "Other",
        _ => "Reserved",
    }
}

/// Prints a message `length` bytes long, of which `bytes` were captured.
pub(super) fn print(line: &mut Line, bytes: &[u8], length: u32) -> Printed {
    let ptp = Captured::new(bytes, "ptp");
    if (length as usize) < HEADER_LEN {
        line.put(format_args!(" [length {length} < {HEADER_LEN}] (invalid)"));
        return Ok(());
    }
    // The whole second byte, minor version bits included.
    let version = ptp.u8(1)?;
    line.put(format_args!("PTPv{version}"));
    match version {
        1 => line.push(" (not implemented)"),
        2 => print_v2(line, ptp)?,
        _ => {}
    }
    Ok(())
}

fn print_v2(line: &mut Line, ptp: Captured) -> Printed {
    let first = ptp.u8(0)?;
    let message_type = first & 0x0f;
    line.put(format_args!(", v1 compat : {}", if first & V1_COMPATIBLE != 0 { "yes" } else { "no" }));
    line.put(format_args!(", msg type : {}", message_type_name(message_type)));
    line.put(format_args!(", length : {}", ptp.be16(2)?));
    // tcpdump reads the domain and the reserved byte after it as one 2-byte field.
    let [domain, reserved] = ptp.be16(4)?.to_be_bytes();
    line.put(format_args!(", domain : {domain}, reserved1 : {reserved}"));
    let flags = ptp.be16(6)?;
    let names: Vec<&str> = FLAGS.iter().filter(|(mask, _)| flags & mask == *mask).map(|(_, name)| *name).collect();
    line.put(format_args!(", Flags [{}]", if names.is_empty() { "none".to_string() } else { names.join(", ") }));
    line.put(format_args!(", NS correction : {}", be48(ptp, 8)?));
    line.put(format_args!(", sub NS correction : {}", ptp.be16(14)?));
    line.put(format_args!(", reserved2 : {}", ptp.be32(16)?));
    line.put(format_args!(", clock identity : 0x{:x}", be64(ptp, 20)?));
    line.put(format_args!(", port id : {}", ptp.be16(28)?));
    line.put(format_args!(", seq id : {}", ptp.be16(30)?));
    let control = ptp.u8(32)?;
    line.put(format_args!(", control : {control} ({})", control_name(control)));
    line.put(format_args!(", log message interval : {}", ptp.be16(32)? & 0xff));
    let body = ptp.next_layer(HEADER_LEN, "ptp");
    match message_type {
        SYNC | DELAY_REQUEST => print_timestamp(line, body, ORIGIN),
        FOLLOW_UP => print_timestamp(line, body, PRECISE_ORIGIN),
        PEER_DELAY_REQUEST | PEER_DELAY_RESPONSE_FOLLOW_UP => {
            print_timestamp(line, body, PRECISE_ORIGIN)?;
            print_port_identity(line, body.next_layer(10, "ptp"))
        }
        PEER_DELAY_RESPONSE | DELAY_RESPONSE => {
            print_timestamp(line, body, RECEIVE)?;
            print_port_identity(line, body.next_layer(10, "ptp"))
        }
        ANNOUNCE => print_announce(line, body),
        SIGNALLING => print_port_identity(line, body),
        MANAGEMENT => print_management(line, body),
        _ => Ok(()),
    }
}

fn be48(bytes: Captured, offset: usize) -> Result<u64, Truncated> {
    let [a, b, c, d, e, f]: [u8; 6] = bytes.array(offset)?;
    Ok(u64::from_be_bytes([0, 0, a, b, c, d, e, f]))
}

fn be64(bytes: Captured, offset: usize) -> Result<u64, Truncated> {
    bytes.array(offset).map(u64::from_be_bytes)
}

/// `, originTimeStamp : 1700000000 seconds, 500 nanoseconds`.
fn print_timestamp(line: &mut Line, body: Captured, name: &str) -> Printed {
    line.put(format_args!(", {name} :"));
    line.put(format_args!(" {} seconds,", be48(body, 0)?));
    line.put(format_args!(" {} nanoseconds", body.be32(6)?));
    Ok(())
}

/// A port identity: the clock's identity and the port's number.
fn print_port_identity(line: &mut Line, body: Captured) -> Printed {
    line.put(format_args!(", port identity : 0x{:x}", be64(body, 0)?));
    line.put(format_args!(", port id : {}", body.be16(8)?));
    Ok(())
}

/// The grandmaster's qualities, as an announce message carries them.
fn print_announce(line: &mut Line, body: Captured) -> Printed {
    // Unlike the other timestamps, without a comma after the seconds.
    line.put(format_args!(", {ORIGIN} :"));
    line.put(format_args!(" {} seconds", be48(body, 0)?));
    line.put(format_args!(" {} nanoseconds", body.be32(6)?));
    line.put(format_args!(", origin cur utc :{}", body.be16(10)?));
    line.put(format_args!(", rsvd : {}", body.u8(12)?));
    line.put(format_args!(", gm priority_1 : {}", body.u8(13)?));
    line.put(format_args!(", gm clock class : {}", body.u8(14)?));
    line.put(format_args!(", gm clock accuracy : {}", body.u8(15)?));
    line.put(format_args!(", gm clock variance : {}", body.be16(16)?));
    line.put(format_args!(", gm priority_2 : {}", body.u8(18)?));
    line.put(format_args!(", gm clock id : 0x{:x}", be64(body, 19)?));
    line.put(format_args!(", steps removed : {}", body.be16(27)?));
    line.put(format_args!(", time source : 0x{:x}", body.u8(29)?));
    Ok(())
}

/// The target port identity, then four fields that tcpdump reads all from the body's first byte (it does not
/// move past the identity), each named with a doubled separator.
fn print_management(line: &mut Line, body: Captured) -> Printed {
    print_port_identity(line, body)?;
    let first = body.u8(0)?;
    line.put(format_args!(", , start boundary hops  {first}"));
    line.put(format_args!(", , boundary hops  {first}"));
    line.put(format_args!(", , flags  0x{first:x}"));
    line.put(format_args!(", , reserved  0x{first:x}"));
    Ok(())
}
