//! Telnet (tcpdump's print-telnet.c), on TCP port 23: the commands a segment starts with,
//! ` [telnet DO TERMINAL TYPE, WILL ECHO]`; with -X and -vvv each command's bytes in hex, and the command after
//! them, on lines of their own.

use super::{
    Line,
    captured::{Captured, Printed, Truncated},
    hexdump,
};

/// "Interpret as command": the byte every command starts with.
const IAC: u8 = 255;
const DONT: u8 = 254;
const DO: u8 = 253;
const WONT: u8 = 252;
const WILL: u8 = 251;
/// Subnegotiation: option data up to IAC SE.
const SB: u8 = 250;
const SE: u8 = 240;
/// The lowest command tcpdump knows; the names below count from it.
const FIRST_COMMAND: u8 = 236;
const COMMAND_NAMES: [&str; 20] = [
    "EOF", "SUSP", "ABORT", "EOR", "SE", "NOP", "DMARK", "BRK", "IP", "AO", "AYT", "EC", "EL", "GA", "SB", "WILL",
    "WONT", "DO", "DONT", "IAC",
];
const OPTION_NAMES: [&str; 40] = [
    "BINARY",
    "ECHO",
    "RCP",
    "SUPPRESS GO AHEAD",
    "NAME",
    "STATUS",
    "TIMING MARK",
    "RCTE",
    "NAOL",
    "NAOP",
    "NAOCRD",
    "NAOHTS",
    "NAOHTD",
    "NAOFFD",
    "NAOVTS",
    "NAOVTD",
    "NAOLFD",
    "EXTEND ASCII",
    "LOGOUT",
    "BYTE MACRO",
    "DATA ENTRY TERMINAL",
    "SUPDUP",
    "SUPDUP OUTPUT",
    "SEND LOCATION",
    "TERMINAL TYPE",
    "END OF RECORD",
    "TACACS UID",
    "OUTPUT MARKING",
    "TTYLOC",
    "3270 REGIME",
    "X.3 PAD",
    "NAWS",
    "TSPEED",
    "LFLOW",
    "LINEMODE",
    "XDISPLOC",
    "OLD-ENVIRON",
    "AUTHENTICATION",
    "ENCRYPT",
    "NEW-ENVIRON",
];
const AUTHENTICATION: u8 = 37;
const ENCRYPT: u8 = 38;
/// What a subnegotiation's first data bytes mean, by option: empty names are numbers tcpdump has no name for.
const SUBOPTION_COMMANDS: &[&str] = &["IS", "SEND", "INFO"];
const AUTHENTICATION_COMMANDS: &[&str] = &["IS", "SEND", "REPLY", "NAME"];
const AUTHENTICATION_TYPES: &[&str] = &[
    "NULL",
    "KERBEROS_V4",
    "KERBEROS_V5",
    "SPX",
    "MINK",
    "SRP",
    "RSA",
    "SSL",
    "",
    "",
    "LOKI",
    "SSA",
    "KEA_SJ",
    "KEA_SJ_INTEG",
    "DSS",
    "NTLM",
];
const ENCRYPTION_COMMANDS: &[&str] =
    &["IS", "SUPPORT", "REPLY", "START", "END", "REQUEST-START", "REQUEST-END", "END_KEYID", "DEC_KEYID"];
const ENCRYPTION_TYPES: &[&str] = &[
    "NULL",
    "DES_CFB64",
    "DES_OFB64",
    "DES3_CFB64",
    "DES3_OFB64",
    "",
    "CAST5_40_CFB64",
    "CAST5_40_OFB64",
    "CAST128_CFB64",
    "CAST128_OFB64",
];

/// How many bytes of a command fit before its text in the hex form; longer ones put the text on the next line.
const HEX_COLUMN_BYTES: usize = 8;

/// Prints the commands at the start of a payload `length` bytes long, of which `bytes` were captured.
/// `shows_command_bytes`: -X and -vvv were given.
pub(super) fn print(line: &mut Line, shows_command_bytes: bool, bytes: &[u8], length: u32) -> Printed {
    let telnet = Captured::new(bytes, "telnet");
    let mut offset = 0;
    // As tcpdump counts it: a subnegotiation without its end takes one byte more than there is, and the count
    // wraps, so that the next read fails.
    let mut remaining = length;
    let mut first = true;
    while remaining > 0 && telnet.u8(offset)? == IAC {
        let start = line.len();
        if !shows_command_bytes {
            line.push(if first { " [telnet " } else { ", " });
        }
        let text_start = line.len();
        let parsed = print_command(line, telnet, offset, remaining);
        // tcpdump parses a command whole before it prints anything of it.
        let Ok(Some(command_len)) = parsed else {
            line.truncate(start);
            parsed?;
            break;
        };
        if shows_command_bytes {
            let text = line.split_off(text_start);
            if first {
                line.push("\nTelnet:");
            }
            let command = telnet.rest(offset);
            hexdump::hex_at_offset(line, "\n", command.get(..command_len).unwrap_or(command), offset);
            if command.len() < command_len {
                return Err(telnet.abandoned());
            }
            if command_len > HEX_COLUMN_BYTES {
                line.push("\n\t\t\t\t");
            } else {
                line.put(format_args!("{:width$}\t", "", width = (HEX_COLUMN_BYTES - command_len) * 3));
            }
            line.push(&text);
        }
        first = false;
        offset += command_len;
        remaining = remaining.wrapping_sub(command_len as u32);
    }
    if !first {
        line.push(if shows_command_bytes { "\n" } else { "]" });
    }
    Ok(())
}

/// The bytes of one command, read one at a time with the count of those left.
struct Command<'a> {
    telnet: Captured<'a>,
    offset: usize,
    remaining: u32,
}

impl Command<'_> {
    /// The next byte; `None` when the payload has none left.
    fn next(&mut self) -> Result<Option<u8>, Truncated> {
        if self.remaining == 0 {
            return Ok(None);
        }
        let byte = self.telnet.u8(self.offset)?;
        self.offset += 1;
        self.remaining -= 1;
        Ok(Some(byte))
    }
}

/// Prints the command at `start`; returns its length, or `None` for one tcpdump does not take (which ends the
/// list).
fn print_command(line: &mut Line, telnet: Captured, start: usize, remaining: u32) -> Result<Option<usize>, Truncated> {
    let mut command = Command { telnet, offset: start, remaining };
    if command.next()? != Some(IAC) {
        return Ok(None);
    }
    let Some(code) = command.next()? else { return Ok(None) };
    if code == IAC {
        line.push("IAC IAC");
        return Ok(Some(2));
    }
    let Some(&name) = code.checked_sub(FIRST_COMMAND).and_then(|index| COMMAND_NAMES.get(usize::from(index))) else {
        return Ok(None);
    };
    if !matches!(code, DONT | DO | WONT | WILL | SB) {
        line.push(name);
        return Ok(Some(2));
    }
    let Some(option) = command.next()? else { return Ok(None) };
    line.push(name);
    line.push(" ");
    match OPTION_NAMES.get(usize::from(option)) {
        Some(option_name) => line.push(option_name),
        None => line.put_prefixed_hex(u32::from(option)),
    }
    if code != SB {
        return Ok(Some(command.offset - start));
    }
    // The option's data run up to IAC SE, or to the payload's last byte.
    let data_start = command.offset;
    let mut end = data_start;
    while command.remaining as usize > end + 1 - data_start {
        if telnet.u8(end)? == IAC && telnet.u8(end + 1)? == SE {
            break;
        }
        end += 1;
    }
    if telnet.u8(end)? != IAC {
        return Ok(None);
    }
    let names: [&[&str]; 2] = match option {
        AUTHENTICATION => [AUTHENTICATION_COMMANDS, AUTHENTICATION_TYPES],
        ENCRYPT => [ENCRYPTION_COMMANDS, ENCRYPTION_TYPES],
        _ => [SUBOPTION_COMMANDS, &[]],
    };
    for names in names.into_iter().filter(|names| !names.is_empty()) {
        if end <= command.offset {
            break;
        }
        let Some(value) = command.next()? else { return Ok(None) };
        line.push(" ");
        match names.get(usize::from(value)).filter(|name| !name.is_empty()) {
            Some(value_name) => line.push(value_name),
            None => line.put_prefixed_hex(u32::from(value)),
        }
    }
    while end > command.offset {
        let Some(value) = command.next()? else { return Ok(None) };
        line.push(" ");
        line.put_prefixed_hex(u32::from(value));
    }
    line.push(" SE");
    Ok(Some(command.offset + 2 - start))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printed(shows_command_bytes: bool, bytes: &[u8]) -> (String, Printed) {
        let mut line = Line::default();
        let result = print(&mut line, shows_command_bytes, bytes, bytes.len() as u32);
        (line.text, result)
    }

    #[test]
    fn negotiations() {
        let bytes = [IAC, DO, 24, IAC, WILL, 200, IAC, SB, 24, 0, b'v', b't', IAC, SE, IAC, IAC, IAC, 241, b'x'];
        let expected = " [telnet DO TERMINAL TYPE, WILL 0xc8, SB TERMINAL TYPE IS 0x76 0x74 SE, IAC IAC, NOP]";
        assert_eq!(printed(false, &bytes), (expected.into(), Ok(())));
        assert_eq!(printed(false, &[IAC, SB, 37, 1, 8, 0, IAC, SE]).0, " [telnet SB AUTHENTICATION SEND 0x8 0 SE]");
        assert_eq!(printed(false, &[b'l', IAC]).0, "");
        assert_eq!(printed(false, &[IAC, 100, IAC, DO, 1]).0, "");
    }

    #[test]
    fn command_bytes_in_hex() {
        let (text, _) = printed(true, &[IAC, DO, 1, IAC, SB, 31, 0, 80, 0, 24, IAC, SE]);
        let padding = " ".repeat(15);
        let expected = format!(
            "\nTelnet:\n0x0000:  fffd 01{padding}\tDO ECHO\n0x0003:  fffa 1f00 5000 18ff f0\n\t\t\t\tSB NAWS IS 0x50 0 0x18 SE\n"
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn a_subnegotiation_without_its_end_gives_up_on_the_packet() {
        let abandoned = Err(Truncated { protocol: "telnet", abandons_packet: true });
        assert_eq!(printed(false, &[IAC, SB, 24, 1, IAC]), (" [telnet SB TERMINAL TYPE SEND SE".into(), abandoned));
    }
}
