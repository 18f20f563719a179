//! SSH (tcpdump's print-ssh.c): of the encrypted protocol only the version banner a connection starts with,
//! `: SSH: SSH-2.0-OpenSSH_9.2p1`.

use super::{
    Line,
    captured::{Captured, Printed},
    text,
};

const BANNER_START: &[u8] = b"SSH-";

/// Prints a payload `length` bytes long, of which `bytes` were captured, if it is a whole banner line of
/// printable text; nothing otherwise.
pub(super) fn print(line: &mut Line, bytes: &[u8], length: u32) -> Printed {
    let ssh = Captured::new(bytes, "ssh");
    for (offset, &expected) in BANNER_START.iter().enumerate() {
        if ssh.u8(offset)? != expected {
            return Ok(());
        }
    }
    let length = length as usize;
    let mut end = BANNER_START.len();
    while end < length {
        match ssh.u8(end)? {
            b'\n' => break,
            b'\r' if end + 1 < length && ssh.u8(end + 1)? == b'\n' => break,
            byte if text::is_printable(byte) => end += 1,
            _ => return Ok(()),
        }
    }
    if end == length {
        return Ok(());
    }
    text::put_text(line, ": SSH: ", ssh.slice(0, end)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sink::print::captured::Truncated;

    fn printed(bytes: &[u8], length: usize) -> (String, Printed) {
        let mut line = Line::default();
        let result = print(&mut line, bytes, length as u32);
        (line.text, result)
    }

    #[test]
    fn banners_of_whole_lines() {
        assert_eq!(printed(b"SSH-2.0-OpenSSH_9.2p1 Debian\r\n", 30).0, ": SSH: SSH-2.0-OpenSSH_9.2p1 Debian");
        assert_eq!(printed(b"SSH-1.99-x\n", 11).0, ": SSH: SSH-1.99-x");
        for other in [&b"SSH-2.0-x"[..], b"SSH-2.0-x\r", b"SSH-2.0\t-x\n", b"SSX-2.0\n"] {
            assert_eq!(printed(other, other.len()), (String::new(), Ok(())));
        }
        assert_eq!(printed(b"SSH-2", 9), (String::new(), Err(Truncated { protocol: "ssh", abandons_packet: true })));
    }
}
