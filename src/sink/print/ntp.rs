//! NTP (tcpdump's print-ntp.c and ntp.c), on UDP port 123: `NTPv4, Client, length 48`; with -v the header's
//! fields and timestamps on lines of their own, or a control message's (mode 6) header.

use chrono::DateTime;

use super::{
    Line,
    captured::{Captured, Printed},
};

const MODE_CONTROL: u8 = 6;
const MODE_RESERVED: u8 = 7;
const MODE_NAMES: [&str; 8] = [
    "unspecified",
    "symmetric active",
    "symmetric passive",
    "Client",
    "Server",
    "Broadcast",
    "Control Message",
    "Reserved",
];
const LEAP_NAMES: [&str; 4] = ["", "+1s", "-1s", "clock unsynchronized"];

/// The fields every time message has; a key id and a digest may follow.
const TIME_MESSAGE_LEN: usize = 48;
const KEY_ID: usize = 48;
const DIGEST: usize = 52;
const MD5_DIGEST_LEN: usize = 16;
const SHA1_DIGEST_LEN: usize = 20;
/// A control message's fixed header; its data follow.
const CONTROL_HEADER_LEN: usize = 12;

const STRATUM_UNSPECIFIED: u8 = 0;
const STRATUM_PRIMARY: u8 = 1;
/// Strata that old implementations used for their own queries and replies, with an address as reference id.
const STRATUM_INFO_QUERY: u8 = 62;
const STRATUM_INFO_REPLY: u8 = 63;

/// Seconds from 1900, where NTP's era starts, to 1970, where Unix time does.
const UNIX_EPOCH_IN_NTP: i64 = 2_208_988_800;
/// 2^32, the denominator of a timestamp's fraction.
const FRACTION_SCALE: f64 = 4_294_967_296.0;

/// Prints a message `length` bytes long, of which `bytes` were captured.
pub(super) fn print(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32) -> Printed {
    let ntp = Captured::new(bytes, "ntp");
    let status = ntp.u8(0)?;
    let mode = status & 0x07;
    line.put(format_args!("NTPv{}, {}, length {length}", (status >> 3) & 0x07, MODE_NAMES[usize::from(mode)]));
    if verbosity == 0 {
        return Ok(());
    }
    let leap = status & 0xc0;
    line.put(format_args!("\n\tLeap indicator: {} ({leap})", LEAP_NAMES[usize::from(leap >> 6)]));
    let length = length as usize;
    match mode {
        MODE_CONTROL => print_control(line, ntp, length),
        MODE_RESERVED => Ok(()),
        _ => print_time(line, ntp, length),
    }
}

/// The fields of a time message, from the stratum on.
fn print_time(line: &mut Line, ntp: Captured, length: usize) -> Printed {
    if length < TIME_MESSAGE_LEN {
        return print_invalid(line, ntp, length);
    }
    let stratum = ntp.u8(1)?;
    let stratum_name = match stratum {
        STRATUM_UNSPECIFIED => "unspecified",
        STRATUM_PRIMARY => "primary reference",
        2..=15 => "secondary reference",
        _ => "reserved",
    };
    line.put(format_args!(", Stratum {stratum} ({stratum_name})"));
    let poll = ntp.u8(2)? as i8;
    line.put(format_args!(", poll {poll}"));
    // The poll interval is a power of two seconds.
    match poll {
        0..=31 => line.put(format_args!(" ({}s)", 1u32 << poll)),
        -31..=-1 => line.put(format_args!(" (1/{}s)", 1u32 << -poll)),
        _ => {}
    }
    line.put(format_args!(", precision {}", ntp.u8(3)? as i8));
    ntp.check(4, 4)?;
    line.push("\n\tRoot Delay: ");
    print_short_time(line, ntp, 4)?;
    ntp.check(8, 4)?;
    line.push(", Root dispersion: ");
    print_short_time(line, ntp, 8)?;
    ntp.check(12, 4)?;
    line.push(", Reference-ID: ");
    match stratum {
        STRATUM_UNSPECIFIED => line.push("(unspec)"),
        // A primary server's reference is four letters naming its clock: `GPS\0`.
        STRATUM_PRIMARY => line.put_escaped(ntp.slice(12, 4)?),
        STRATUM_INFO_QUERY | STRATUM_INFO_REPLY => {
            let kind = if stratum == STRATUM_INFO_QUERY { "INFO_QUERY" } else { "INFO_REPLY" };
            line.put(format_args!("{} {kind}", ntp.ipv4(12)?));
            return Ok(());
        }
        _ => line.put(format_args!("0x{:08x}", ntp.be32(12)?)),
    }
    let timestamps = [
        ("\n\t  Reference Timestamp:  ", 16),
        ("\n\t  Originator Timestamp: ", 24),
        ("\n\t  Receive Timestamp:    ", 32),
        ("\n\t  Transmit Timestamp:   ", 40),
    ];
    for (label, offset) in timestamps {
        ntp.check(offset, 8)?;
        line.push(label);
        print_timestamp(line, timestamp(ntp, offset)?);
    }
    let originate = timestamp(ntp, 24)?;
    line.push("\n\t    Originator - Receive Timestamp:  ");
    print_difference(line, originate, timestamp(ntp, 32)?);
    line.push("\n\t    Originator - Transmit Timestamp: ");
    print_difference(line, originate, timestamp(ntp, 40)?);
    let digest_len = match length - TIME_MESSAGE_LEN {
        0 => return Ok(()),
        4 => 0,
        20 => MD5_DIGEST_LEN,
        24 => SHA1_DIGEST_LEN,
        more => {
            line.put(format_args!("\n\t({more} more bytes after the header)"));
            return Ok(());
        }
    };
    line.put(format_args!("\n\tKey id: {}", ntp.be32(KEY_ID)?));
    if digest_len > 0 {
        ntp.check(DIGEST, digest_len)?;
        line.push("\n\tAuthentication: ");
        for word in (DIGEST..DIGEST + digest_len).step_by(4) {
            line.put(format_args!("{:08x}", ntp.be32(word)?));
        }
    }
    Ok(())
}

/// A control message's header: `, Request, OK, Last, OpCode=2` and its fields on the next line.
fn print_control(line: &mut Line, ntp: Captured, length: usize) -> Printed {
    if length < CONTROL_HEADER_LEN {
        return print_invalid(line, ntp, length);
    }
    let control = ntp.u8(1)?;
    line.put(format_args!(
        ", {}, {}, {}, OpCode={}\n",
        if control & 0x80 != 0 { "Response" } else { "Request" },
        if control & 0x40 != 0 { "Error" } else { "OK" },
        if control & 0x20 != 0 { "More" } else { "Last" },
        control & 0x1f
    ));
    line.put(format_args!("\tSequence={}", ntp.be16(2)?));
    let status = ntp.be16(4)?;
    line.push(", Status=");
    line.put_prefixed_hex(u32::from(status));
    line.put(format_args!(", Assoc.={}", ntp.be16(6)?));
    line.put(format_args!(", Offset={}", ntp.be16(8)?));
    let count = usize::from(ntp.be16(10)?);
    line.put(format_args!(", Count={count}"));
    if CONTROL_HEADER_LEN + count > length {
        return print_invalid(line, ntp, length);
    }
    if count != 0 {
        ntp.check(CONTROL_HEADER_LEN, count)?;
        line.push("\n\tTO-BE-DONE: data not interpreted");
    }
    Ok(())
}

/// ` (invalid)`, and the truncation marker if the message was not captured whole.
fn print_invalid(line: &mut Line, ntp: Captured, length: usize) -> Printed {
    line.push(" (invalid)");
    ntp.check(0, length)
}

/// A 16.16 fixed-point number of seconds, in millionths: `0.015625`.
fn print_short_time(line: &mut Line, ntp: Captured, offset: usize) -> Printed {
    let seconds = ntp.be16(offset)?;
    let fraction = f64::from(ntp.be16(offset + 2)?) / 65536.0;
    line.put(format_args!("{seconds}.{:06}", (fraction * 1_000_000.0) as u32));
    Ok(())
}

/// A 32.32 fixed-point timestamp: seconds since 1900 and the fraction of a second.
#[derive(Clone, Copy)]
struct Timestamp {
    seconds: u32,
    fraction: u32,
}

fn timestamp(ntp: Captured, offset: usize) -> Result<Timestamp, super::captured::Truncated> {
    Ok(Timestamp { seconds: ntp.be32(offset)?, fraction: ntp.be32(offset + 4)? })
}

/// Billionths of a second, as tcpdump rounds the fraction down through a double.
fn nanoseconds(fraction: u32) -> u32 {
    (f64::from(fraction) / FRACTION_SCALE * 1_000_000_000.0) as u32
}

/// The 32.32 timestamp at `offset`, as [`print_timestamp`] prints it (tcpdump's `p_ntp_time`, which other
/// protocols' printers use too).
pub(super) fn print_timestamp_at(line: &mut Line, bytes: Captured, offset: usize) -> Printed {
    print_timestamp(line, timestamp(bytes, offset)?);
    Ok(())
}

/// `3908374395.500000000 (2023-11-06T10:13:15Z)`; no date for a zero time, which means unset.
fn print_timestamp(line: &mut Line, time: Timestamp) {
    line.put(format_args!("{}.{:09}", time.seconds, nanoseconds(time.fraction)));
    if time.seconds != 0 {
        let unix_seconds = i64::from(time.seconds) - UNIX_EPOCH_IN_NTP;
        match DateTime::from_timestamp(unix_seconds, 0) {
            Some(date) => line.put(format_args!(" ({})", date.format("%Y-%m-%dT%H:%M:%SZ"))),
            None => line.push(" (unrepresentable)"),
        }
    }
}

/// `+0.000123456`: `later` minus `earlier`; just `later` if `earlier` is unset (zero).
fn print_difference(line: &mut Line, earlier: Timestamp, later: Timestamp) {
    if earlier.seconds == 0 && earlier.fraction == 0 {
        print_timestamp(line, later);
        return;
    }
    let negative = (later.seconds, later.fraction) <= (earlier.seconds, earlier.fraction);
    let (high, low) = if negative { (earlier, later) } else { (later, earlier) };
    let mut seconds = high.seconds.wrapping_sub(low.seconds);
    if low.fraction > high.fraction && high.seconds != low.seconds {
        seconds = seconds.wrapping_sub(1);
    }
    let fraction = high.fraction.wrapping_sub(low.fraction);
    line.put(format_args!("{}{seconds}.{:09}", if negative { "-" } else { "+" }, nanoseconds(fraction)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn difference(earlier: (u32, u32), later: (u32, u32)) -> String {
        let mut line = Line::default();
        let stamp = |(seconds, fraction)| Timestamp { seconds, fraction };
        print_difference(&mut line, stamp(earlier), stamp(later));
        line.text
    }

    #[test]
    fn differences_of_timestamps() {
        assert_eq!(difference((10, 0x8000_0000), (12, 0x4000_0000)), "+1.750000000");
        assert_eq!(difference((12, 0x4000_0000), (10, 0x8000_0000)), "-1.750000000");
        assert_eq!(difference((10, 5), (10, 5)), "-0.000000000");
        assert_eq!(difference((0, 0), (1, 0)), "1.000000000 (1900-01-01T00:00:01Z)");
    }
}
