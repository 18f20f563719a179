//! SCTP (tcpdump's print-sctp.c, RFC 9260): the common header, then each chunk numbered, with the fields of DATA,
//! INIT, INIT ACK and SACK. tcpdump 4.99 prints no INIT parameters and knows only the chunk types of RFC 2960 and
//! a few early extensions; the rest are `Unknown chunk type`.

use super::{
    Line, PrintState,
    captured::{Captured, Printed, Truncated},
    hexdump,
    ip::IpEnvelope,
    m3ua,
};

const COMMON_HEADER_LEN: u32 = 12;
const CHUNK_HEADER_LEN: usize = 4;

const DATA: u8 = 0x00;
const INIT: u8 = 0x01;
const INIT_ACK: u8 = 0x02;
const SACK: u8 = 0x03;

/// tcpdump's name for a chunk type.
fn chunk_name(chunk_type: u8) -> Option<&'static str> {
    Some(match chunk_type {
        DATA => "DATA",
        INIT => "INIT",
        INIT_ACK => "INIT ACK",
        SACK => "SACK",
        0x04 => "HB REQ",
        0x05 => "HB ACK",
        0x06 => "ABORT",
        0x07 => "SHUTDOWN",
        0x08 => "SHUTDOWN ACK",
        0x09 => "OP ERR",
        0x0a => "COOKIE ECHO",
        0x0b => "COOKIE ACK",
        0x0c => "ECN ECHO",
        0x0d => "ECN CWR",
        0x0e => "SHUTDOWN COMPLETE",
        0xc0 => "FOR CUM TSN",
        0xc1 => "REL CTRL",
        0xc2 => "REL CTRL ACK",
        _ => return None,
    })
}

/// tcpdump's names of the payload protocols DATA chunks announce (IANA's registry, as far as tcpdump has it).
fn payload_protocol_name(identifier: u32) -> Option<&'static str> {
    const NAMES: [&str; 27] = [
        "ISDN Q.921",
        "M2UA",
        "M3UA",
        "SUA",
        "M2PA",
        "V5.2",
        "H.248",
        "BICC",
        "TALI",
        "DUA",
        "ASAP",
        "ENRP",
        "H.323",
        "Q.IPC",
        "SIMCO",
        "DDPSC",
        "DDPSSC",
        "S1AP",
        "RUA",
        "HNBAP",
        "ForCES HP",
        "ForCES MP",
        "ForCES LP",
        "SBc-AP",
        "NBAP",
        "",
        "X2AP",
    ];
    let index = usize::try_from(identifier.checked_sub(1)?).ok()?;
    NAMES.get(index).copied().filter(|name| !name.is_empty())
}

/// Prints an SCTP packet: `bytes` were captured, `length` is its length as the IP header gives it.
pub(super) fn print(line: &mut Line, state: &PrintState, bytes: &[u8], length: u32, envelope: &IpEnvelope) -> Printed {
    let sctp = Captured::new(bytes, "sctp");
    if length < COMMON_HEADER_LEN {
        line.put(format_args!("truncated-sctp - {} bytes missing!", COMMON_HEADER_LEN - length));
        return Ok(());
    }
    sctp.check(0, COMMON_HEADER_LEN as usize)?;
    envelope.print_addressed_endpoints(line, sctp.be16(0)?, sctp.be16(2)?);
    line.push("sctp");
    let verbosity = state.decoding.verbosity;
    let mut separator = if verbosity >= 2 { "\n\t" } else { " (" };
    // What the IP header leaves after the chunks so far. tcpdump counts it down with unsigned arithmetic that can
    // wrap below zero (padding is checked against what is left before the chunk, not after), and then looks for
    // another chunk among bytes that were not captured.
    let mut remaining = length - COMMON_HEADER_LEN;
    let mut offset = COMMON_HEADER_LEN as usize;
    let mut number = 0u32;
    while remaining != 0 {
        number += 1;
        if remaining < CHUNK_HEADER_LEN as u32 {
            line.put(format_args!("{separator}{number}) [chunk descriptor cut off at end of packet]"));
            break;
        }
        sctp.check(offset, CHUNK_HEADER_LEN)?;
        let chunk_len = sctp.be16(offset + 2)?;
        if usize::from(chunk_len) < CHUNK_HEADER_LEN {
            line.put(format_args!("{separator}{number}) [Bad chunk length {chunk_len}, < size of chunk descriptor]"));
            break;
        }
        let padding = (4 - u32::from(chunk_len) % 4) % 4;
        if remaining < padding {
            line.put(format_args!("{separator}{number}) [Bad chunk length {chunk_len}, > remaining data in packet]"));
            break;
        }
        sctp.check(offset, usize::from(chunk_len))?;
        let chunk = sctp.next_layer(offset, "sctp").limit(usize::from(chunk_len));
        line.put(format_args!("{separator}{number}) "));
        let chunk_type = chunk.u8(0)?;
        match chunk_name(chunk_type) {
            Some(name) => line.put(format_args!("[{name}] ")),
            None => line.put(format_args!("[Unknown chunk type: 0x{chunk_type:x}] ")),
        }
        let body = chunk.next_layer(CHUNK_HEADER_LEN, "sctp");
        let complete = match chunk_type {
            // M3UA may read past its chunk, into the rest of the packet.
            DATA => print_data(line, state, chunk.u8(1)?, body, sctp.next_layer(offset + CHUNK_HEADER_LEN, "m3ua"))?,
            INIT | INIT_ACK => print_init(line, body)?,
            SACK => print_selective_ack(line, body)?,
            _ => true,
        };
        if !complete {
            line.put(format_args!("bogus chunk length {chunk_len}]"));
            return Ok(());
        }
        remaining = remaining.wrapping_sub(u32::from(chunk_len));
        offset += usize::from(chunk_len);
        if verbosity < 2 {
            separator = ", (";
        }
        if padding != 0 {
            sctp.check(offset, padding as usize)?;
            offset += padding as usize;
            remaining = remaining.wrapping_sub(padding);
        }
    }
    Ok(())
}

const UNORDERED: u8 = 0x04;
const FIRST_FRAGMENT: u8 = 0x02;
const LAST_FRAGMENT: u8 = 0x01;
const DATA_HEADER_LEN: usize = 12;
const PAYLOAD_M3UA: u32 = 3;

/// `(B)(E) [TSN: 1] [SID: 0] [SSEQ 0] [PPID 0x0] `, and at -vv the payload: M3UA's decoded, any other in hex
/// (unless -q or -x hide it).
/// Returns whether the chunk is long enough for its fields and some data.
fn print_data(
    line: &mut Line,
    state: &PrintState,
    flags: u8,
    body: Captured,
    rest_of_packet: Captured,
) -> Result<bool, Truncated> {
    for (flag, mark) in [(UNORDERED, "(U)"), (FIRST_FRAGMENT, "(B)"), (LAST_FRAGMENT, "(E)")] {
        if flags & flag != 0 {
            line.push(mark);
        }
    }
    if flags & (UNORDERED | FIRST_FRAGMENT | LAST_FRAGMENT) != 0 {
        line.push(" ");
    }
    if body.len() < DATA_HEADER_LEN {
        return Ok(false);
    }
    let payload_protocol = body.be32(8)?;
    line.put(format_args!("[TSN: {}] [SID: {}] [SSEQ {}] ", body.be32(0)?, body.be16(4)?, body.be16(6)?));
    match payload_protocol_name(payload_protocol) {
        Some(name) => line.put(format_args!("[PPID {name}] ")),
        None => line.put(format_args!("[PPID 0x{payload_protocol:x}] ")),
    }
    let payload = body.rest(DATA_HEADER_LEN);
    if payload.is_empty() {
        return Ok(false);
    }
    if state.decoding.verbosity >= 2 && payload_protocol == PAYLOAD_M3UA {
        m3ua::print(line, rest_of_packet.next_layer(DATA_HEADER_LEN, "m3ua"), payload.len())?;
    } else if state.decoding.verbosity >= 2 {
        line.push("[Payload");
        if state.dumps_unknown_payloads {
            line.push(":");
            hexdump::hex_and_ascii(line, payload);
        }
        line.push("]");
    }
    Ok(true)
}

const INIT_LEN: usize = 16;

/// `[init tag: 1] [rwnd: 2] [OS: 3] [MIS: 4] [init TSN: 5] ` (the parameters after them tcpdump skips).
fn print_init(line: &mut Line, body: Captured) -> Result<bool, Truncated> {
    if body.len() < INIT_LEN {
        return Ok(false);
    }
    line.put(format_args!(
        "[init tag: {}] [rwnd: {}] [OS: {}] [MIS: {}] [init TSN: {}] ",
        body.be32(0)?,
        body.be32(4)?,
        body.be16(8)?,
        body.be16(10)?,
        body.be32(12)?
    ));
    Ok(true)
}

const SACK_LEN: usize = 12;

/// `[cum ack 1] [a_rwnd 2] [#gap acks 1] [#dup tsns 0] `, then a line for each gap block and duplicate TSN.
fn print_selective_ack(line: &mut Line, body: Captured) -> Result<bool, Truncated> {
    if body.len() < SACK_LEN {
        return Ok(false);
    }
    let cumulative_ack = body.be32(0)?;
    let gap_blocks = body.be16(8)?;
    let duplicates = body.be16(10)?;
    line.put(format_args!(
        "[cum ack {cumulative_ack}] [a_rwnd {}] [#gap acks {gap_blocks}] [#dup tsns {duplicates}] ",
        body.be32(4)?
    ));
    // Both lists end early where the chunk does, and are bogus where it ends inside an entry.
    let mut offset = SACK_LEN;
    for block in 1..=gap_blocks {
        if offset == body.len() {
            break;
        }
        if !body.has(offset, 4) {
            return Ok(false);
        }
        let start = cumulative_ack.wrapping_add(u32::from(body.be16(offset)?));
        let end = cumulative_ack.wrapping_add(u32::from(body.be16(offset + 2)?));
        line.put(format_args!("\n\t\t[gap ack block #{block}: start = {start}, end = {end}] "));
        offset += 4;
    }
    for duplicate in 1..=duplicates {
        if offset == body.len() {
            break;
        }
        if !body.has(offset, 4) {
            return Ok(false);
        }
        line.put(format_args!("\n\t\t[dup TSN #{duplicate}: {}] ", body.be32(offset)?));
        offset += 4;
    }
    Ok(true)
}
