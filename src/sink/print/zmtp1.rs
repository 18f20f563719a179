//! ZMTP/1.0, ZeroMQ's message transport (tcpdump's print-zeromq.c), printed when `-T zmtp1` asks for it over TCP,
//! or (`-T pgm_zmtp1`) in PGM's data packets: `: ZMTP/1.0` and a line per frame,
//! `frame flags+body  (8-bit) length 6, flags 0x01`, with -v its flags and its first bytes in hex.

use super::{
    Line,
    captured::{Captured, Printed, Truncated},
    hexdump,
};

/// A frame whose length does not fit a byte has this one, then a 64-bit length.
const LONG_LENGTH: u8 = 0xff;
/// At -v (not more), tcpdump shows this many bytes of a frame at most.
const BYTES_SHOWN_AT_V: u64 = 128;
/// The start of a PGM datagram that holds only the middle of a message.
const NO_FRAME_STARTS: u16 = 0xffff;

/// Prints the frames of a TCP payload `length` bytes long, of which `bytes` were captured.
pub(super) fn print(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32) -> Printed {
    line.push(": ZMTP/1.0");
    print_frames(line, verbosity, Captured::new(bytes, "zmtp1"), 0, length as usize)
}

/// Prints a PGM datagram's ZeroMQ payload, `length` bytes long, of which `bytes` were captured: where its first
/// message starts, the part of an earlier message before it, then the frames.
pub(super) fn print_datagram(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32) -> Printed {
    let zmtp = Captured::new(bytes, "zmtp1");
    let mut frame_offset = u32::from(zmtp.be16(0)?);
    line.put(format_args!("\n\t frame offset 0x{frame_offset:04x}"));
    let remaining = bytes.len().saturating_sub(2);
    if frame_offset == u32::from(NO_FRAME_STARTS) {
        frame_offset = length.wrapping_sub(2);
    } else if 2 + frame_offset > length {
        line.push(" (exceeds datagram declared length)");
        return Err(zmtp.abandoned());
    }
    if frame_offset != 0 {
        line.put(format_args!("\n\t frame intermediate part, {frame_offset} bytes"));
        if frame_offset as usize > remaining {
            line.put(format_args!(" ({remaining} captured)"));
        }
        if verbosity > 0 {
            let mut shown = (frame_offset as usize).min(remaining);
            if verbosity == 1 {
                shown = shown.min(BYTES_SHOWN_AT_V as usize);
            }
            if shown > 1 {
                line.put(format_args!(", first {shown} byte(s):"));
                hexdump::hex_and_ascii_indented(line, "\n\t ", &bytes[2..2 + shown]);
            }
        }
    }
    print_frames(line, verbosity, zmtp, 2 + frame_offset as usize, length as usize)
}

/// Prints the frames from `offset` on, up to `length` bytes from the start of `zmtp` or its capture's end.
fn print_frames(line: &mut Line, verbosity: u8, zmtp: Captured, mut offset: usize, length: usize) -> Printed {
    let end = zmtp.len().min(length);
    while offset < end {
        offset = print_frame(line, verbosity, zmtp, offset, end)?;
    }
    Ok(())
}

/// Prints the frame at `offset`; returns where the next one starts.
fn print_frame(line: &mut Line, verbosity: u8, zmtp: Captured, offset: usize, end: usize) -> Result<usize, Truncated> {
    line.push("\n\t");
    let first = zmtp.u8(offset)?;
    let (header_len, declared) = if first != LONG_LENGTH {
        line.put(format_args!(" frame flags+body  (8-bit) length {first}"));
        (1, u64::from(first))
    } else {
        line.push(" frame flags+body (64-bit) length");
        let declared = u64::from_be_bytes(zmtp.array(offset + 1)?);
        line.put(format_args!(" {declared}"));
        (9, declared)
    };
    if declared == 0 {
        return Ok(offset + header_len);
    }
    let flags = zmtp.u8(offset + header_len)?;
    let captured = end.saturating_sub(offset + header_len) as u64;
    if declared > captured {
        line.put(format_args!(" ({captured} captured)"));
    }
    line.put(format_args!(", flags 0x{flags:02x}"));
    if verbosity > 0 {
        line.push(" (");
        for bit in (1..8).rev() {
            line.push(if flags & 1 << bit != 0 { "MBZ|" } else { "-|" });
        }
        line.push(if flags & 1 != 0 { "MORE)" } else { "-)" });
        let mut shown = captured.min(declared);
        if verbosity == 1 {
            shown = shown.min(BYTES_SHOWN_AT_V + 1);
        }
        if shown > 1 {
            line.put(format_args!(", first {} byte(s) of body:", shown - 1));
            let body = zmtp.slice(offset + header_len + 1, shown as usize - 1)?;
            hexdump::hex_and_ascii_indented(line, "\n\t ", body);
        }
    }
    let body_start = offset + header_len;
    let body_len = usize::try_from(declared).map_err(|_| zmtp.abandoned())?;
    zmtp.require(body_start, body_len)?;
    Ok(body_start + body_len)
}
