//! Syslog (tcpdump's print-syslog.c), on UDP port 514: `SYSLOG auth.info, length: 52`; with -v the facility and
//! severity by name and number and the message, with -vv the datagram in hex too.

use std::fmt;

use super::{
    Line,
    captured::{Captured, Printed},
    hexdump,
};

/// The priority between `<` and `>` has at most this many digits.
const MAX_PRIORITY_DIGITS: usize = 3;

const SEVERITY_NAMES: [&str; 8] = ["emergency", "alert", "critical", "error", "warning", "notice", "info", "debug"];
const FACILITY_NAMES: [&str; 24] = [
    "kernel", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp", "ntp",
    "security", "console", "cron", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
];

/// Prints a message `length` bytes long, of which `bytes` were captured.
pub(super) fn print(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32) -> Printed {
    let syslog = Captured::new(bytes, "syslog");
    if syslog.u8(0)? != b'<' {
        line.push(" (invalid)");
        return Ok(());
    }
    let mut offset = 1;
    let mut priority: u16 = 0;
    while offset <= MAX_PRIORITY_DIGITS {
        let byte = syslog.u8(offset)?;
        if !byte.is_ascii_digit() {
            break;
        }
        priority = priority * 10 + u16::from(byte - b'0');
        offset += 1;
    }
    if syslog.u8(offset)? != b'>' {
        line.push(" (invalid)");
        return Ok(());
    }
    offset += 1;
    let facility = (priority & 0x03f8) >> 3;
    let severity = priority & 0x0007;
    let (facility_name, severity_name) = (FacilityName(facility), SEVERITY_NAMES[usize::from(severity)]);
    if verbosity == 0 {
        line.put(format_args!("SYSLOG {facility_name}.{severity_name}, length: {length}"));
        return Ok(());
    }
    line.put(format_args!(
        "SYSLOG, length: {length}\n\tFacility {facility_name} ({facility}), Severity {severity_name} ({severity})\n\tMsg: "
    ));
    // The message as it is, escaped, up to where the capture ends.
    let length = length as usize;
    let message = syslog.rest(offset);
    let message_len = length.saturating_sub(offset);
    line.put_escaped(message.get(..message_len).unwrap_or(message));
    if message.len() < message_len {
        return Err(syslog.abandoned());
    }
    if verbosity > 1 {
        let datagram = syslog.bytes();
        hexdump::hex(line, datagram.get(..length).unwrap_or(datagram));
    }
    Ok(())
}

/// A facility's name, or `unknown (99)`.
struct FacilityName(u16);

impl fmt::Display for FacilityName {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match FACILITY_NAMES.get(usize::from(self.0)) {
            Some(name) => formatter.write_str(name),
            None => write!(formatter, "unknown ({})", self.0),
        }
    }
}
