//! TFTP (tcpdump's print-tftp.c), on UDP port 69: `TFTP, length 24, RRQ "boot.img" octet blksize 1428`.

use super::{
    Line,
    captured::{Captured, Printed},
};

const READ_REQUEST: u16 = 1;
const WRITE_REQUEST: u16 = 2;
const DATA: u16 = 3;
const ACKNOWLEDGEMENT: u16 = 4;
const ERROR: u16 = 5;
const OPTION_ACKNOWLEDGEMENT: u16 = 6;

const ERROR_NAMES: [&str; 8] = ["EUNDEF", "ENOTFOUND", "EACCESS", "ENOSPACE", "EBADOP", "EBADID", "EEXISTS", "ENOUSER"];

/// Prints a message `length` bytes long, of which `bytes` were captured.
pub(super) fn print(line: &mut Line, bytes: &[u8], length: u32) -> Printed {
    let tftp = Captured::new(bytes, "tftp");
    line.put(format_args!("TFTP, length {length}"));
    let mut strings = Strings { tftp, offset: 2, end: length as usize };
    if strings.end < 2 {
        return Err(tftp.truncated());
    }
    let opcode = tftp.be16(0)?;
    let name = match opcode {
        READ_REQUEST => "RRQ",
        WRITE_REQUEST => "WRQ",
        DATA => "DATA",
        ACKNOWLEDGEMENT => "ACK",
        ERROR => "ERROR",
        OPTION_ACKNOWLEDGEMENT => "OACK",
        _ => {
            line.put(format_args!(", tftp-#{opcode}"));
            return Ok(());
        }
    };
    line.put(format_args!(", {name}"));
    match opcode {
        READ_REQUEST | WRITE_REQUEST => {
            if strings.at_end() {
                return Err(tftp.truncated());
            }
            line.push(" \"");
            let file_name = strings.print_next(line);
            line.push("\"");
            file_name?;
            // The transfer mode: `octet`.
            if strings.at_end() {
                return Err(tftp.truncated());
            }
            line.push(" ");
            strings.print_next(line)?;
            strings.print_options(line)
        }
        OPTION_ACKNOWLEDGEMENT => strings.print_options(line),
        DATA | ACKNOWLEDGEMENT => {
            if strings.end < 4 {
                return Err(tftp.truncated());
            }
            line.put(format_args!(" block {}", tftp.be16(2)?));
            Ok(())
        }
        // ERROR, the one opcode left.
        _ => {
            if strings.end < 4 {
                return Err(tftp.truncated());
            }
            let code = tftp.be16(2)?;
            match ERROR_NAMES.get(usize::from(code)) {
                Some(name) => line.put(format_args!(" {name}")),
                // tcpdump's format for unknown codes has a stray quote.
                None => line.put(format_args!(" tftp-err-#{code} \"")),
            }
            strings.offset = 4;
            if strings.at_end() {
                return Err(tftp.truncated());
            }
            line.push(" \"");
            let message = strings.print_next(line);
            line.push("\"");
            message
        }
    }
}

/// The NUL-terminated strings of a message, from `offset` up to `end`.
struct Strings<'a> {
    tftp: Captured<'a>,
    offset: usize,
    end: usize,
}

impl Strings<'_> {
    fn at_end(&self) -> bool {
        self.offset >= self.end
    }

    /// Prints the string at `offset`, escaped, and moves past its NUL; a string without one before the end of
    /// the message or of the capture is printed as far as it goes, then the truncation marker.
    fn print_next(&mut self, line: &mut Line) -> Printed {
        let start = self.offset;
        let rest = self.tftp.rest(start);
        let rest = rest.get(..self.end.saturating_sub(start)).unwrap_or(rest);
        let string = rest.split(|&byte| byte == 0).next().unwrap_or_default();
        line.put_escaped(string);
        if string.len() == rest.len() {
            return Err(self.tftp.truncated());
        }
        self.offset += string.len() + 1;
        Ok(())
    }

    /// Options and their values, each string after a space unless empty: ` blksize 1428 tsize 0`.
    fn print_options(&mut self, line: &mut Line) -> Printed {
        while !self.at_end() {
            if self.tftp.u8(self.offset)? != 0 {
                line.push(" ");
            }
            self.print_next(line)?;
        }
        Ok(())
    }
}
