//! LMP, the link management protocol (RFC 4204; tcpdump's print-lmp.c), printed when `-T lmp` asks for it:
//! `LMPv1 Hello Message, length: 24`. ptstat prints that summary whatever the verbosity: tcpdump's -v decoding of
//! the objects is not done yet.

use super::{
    Line,
    captured::{Captured, Printed},
};

const HEADER_LEN: usize = 8;
const VERSION: u16 = 1;

/// Prints a message `length` bytes long, of which `bytes` were captured.
pub(super) fn print(line: &mut Line, bytes: &[u8], length: u32) -> Printed {
    let lmp = Captured::new(bytes, "lmp");
    lmp.require(0, HEADER_LEN)?;
    let version = lmp.be16(0)? >> 12;
    if version != VERSION {
        line.put(format_args!("LMP version {version} packet not supported"));
        return Ok(());
    }
    line.put(format_args!("LMPv{version} "));
    match message_name(lmp.u8(3)?) {
        Some(name) => line.push(name),
        None => line.put(format_args!("unknown ({})", lmp.u8(3)?)),
    }
    line.put(format_args!(" Message, length: {length}"));
    Ok(())
}

fn message_name(message_type: u8) -> Option<&'static str> {
    Some(match message_type {
        1 => "Config",
        2 => "Config ACK",
        3 => "Config NACK",
        4 => "Hello",
        5 => "Begin Verify",
        6 => "Begin Verify ACK",
        7 => "Begin Verify NACK",
        8 => "End Verify",
        9 => "End Verify ACK",
        10 => "Test",
        11 => "Test Status Success",
        12 => "Test Status Failure",
        13 => "Test Status ACK",
        14 => "Link Summary",
        15 => "Link Summary ACK",
        16 => "Link Summary NACK",
        17 => "Channel Status",
        18 => "Channel Status ACK",
        19 => "Channel Status Request",
        20 => "Channel Status Response",
        50 => "Service Config",
        51 => "Service Config ACK",
        52 => "Service Config NACK",
        _ => return None,
    })
}
