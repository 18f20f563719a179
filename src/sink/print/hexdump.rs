//! Dumps of bytes on lines of their own after the packet's: tcpdump's for payloads it has no printer for, and the
//! whole packet's for `-x`, `-X` and `-A`.

use super::Line;

/// Which bytes of each packet to dump below its line, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PacketDump {
    pub style: DumpStyle,
    /// From the link-layer header on (`-xx`, `-XX`, `-AA`), rather than from what it carries.
    pub link_header: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DumpStyle {
    /// `-x`
    Hex,
    /// `-X`
    HexAndAscii,
    /// `-A`
    Ascii,
}

impl PacketDump {
    /// Dumps the captured bytes of a packet whose link-layer header (as far as tcpdump got with it) is
    /// `link_header_len` bytes long.
    pub(super) fn print(self, line: &mut Line, packet: &[u8], link_header_len: usize) {
        let bytes = if self.link_header { packet } else { packet.get(link_header_len..).unwrap_or_default() };
        match self.style {
            DumpStyle::Hex => hex(line, bytes),
            DumpStyle::HexAndAscii => hex_and_ascii(line, bytes),
            DumpStyle::Ascii => ascii(line, bytes),
        }
    }
}

const BYTES_PER_LINE: usize = 16;
/// Room for the hex of a full line: eight groups of ` xxxx`.
const HEX_COLUMN_WIDTH: usize = 40;

/// Hex and ASCII, 16 bytes a line (tcpdump's default print for unknown link-layer payloads):
/// `\n\t0x0000:  0001 0203 ...  ..ab`.
pub(super) fn hex_and_ascii(line: &mut Line, bytes: &[u8]) {
    hex_and_ascii_indented(line, "\n\t", bytes);
}

/// Hex and ASCII, 16 bytes a line, each line starting with `indent`.
pub(super) fn hex_and_ascii_indented(line: &mut Line, indent: &str, bytes: &[u8]) {
    for (index, chunk) in bytes.chunks(BYTES_PER_LINE).enumerate() {
        line.put(format_args!("{indent}0x{:04x}: ", index * BYTES_PER_LINE));
        let hex_start = line.len();
        hex_groups(line, chunk);
        let padding = HEX_COLUMN_WIDTH.saturating_sub(line.len() - hex_start);
        line.put(format_args!("{:padding$}  ", ""));
        for &byte in chunk {
            let printable = byte.is_ascii_graphic();
            line.put(format_args!("{}", if printable { char::from(byte) } else { '.' }));
        }
    }
}

/// Hex only, 16 bytes a line (tcpdump's print for unknown ICMPv6 messages): `\n\t0x0000:  0001 0203 ...`.
pub(super) fn hex(line: &mut Line, bytes: &[u8]) {
    hex_indented(line, "\n\t", bytes);
}

/// Hex only, 16 bytes a line, each line starting with `indent`.
pub(super) fn hex_indented(line: &mut Line, indent: &str, bytes: &[u8]) {
    hex_at_offset(line, indent, bytes, 0);
}

/// Hex only, 16 bytes a line, each line starting with `indent` and an offset counted from `first_offset`.
pub(super) fn hex_at_offset(line: &mut Line, indent: &str, bytes: &[u8], first_offset: usize) {
    for (index, chunk) in bytes.chunks(BYTES_PER_LINE).enumerate() {
        line.put(format_args!("{indent}0x{:04x}: ", first_offset + index * BYTES_PER_LINE));
        hex_groups(line, chunk);
    }
}

/// The bytes as text on a line of their own (`-A`): printable characters, tabs, spaces and line feeds as they
/// are, and `.` for anything else. A carriage return counts as a line's end, left out, before a line feed and
/// (as tcpdump has it) among the last two bytes; elsewhere it is a `.` too.
fn ascii(line: &mut Line, bytes: &[u8]) {
    if bytes.is_empty() {
        return;
    }
    line.push("\n");
    for (index, &byte) in bytes.iter().enumerate() {
        let shown = match byte {
            b'\r' if index + 2 >= bytes.len() || bytes[index + 1] == b'\n' => continue,
            b'\t' | b' ' | b'\n' => char::from(byte),
            _ if byte.is_ascii_graphic() => char::from(byte),
            _ => '.',
        };
        line.push_char(shown);
    }
}

/// ` 0001 0203 04`: bytes in pairs, each pair after a space.
fn hex_groups(line: &mut Line, bytes: &[u8]) {
    for pair in bytes.chunks(2) {
        line.push(" ");
        for byte in pair {
            line.put(format_args!("{byte:02x}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_and_ascii_lines() {
        let mut line = Line::default();
        let bytes: Vec<u8> = (0x40..0x40 + 19).collect();
        hex_and_ascii(&mut line, &bytes);
        assert_eq!(
            line.text,
            "\n\t0x0000:  4041 4243 4445 4647 4849 4a4b 4c4d 4e4f  @ABCDEFGHIJKLMNO\
             \n\t0x0010:  5051 52                                  PQR"
        );
    }

    #[test]
    fn ascii_text() {
        let mut line = Line::default();
        ascii(&mut line, b"GET / HTTP/1.1\r\nHost:\tx\r\r\x00\xff\r\x00");
        assert_eq!(line.text, "\nGET / HTTP/1.1\nHost:\tx.....");
        line.clear();
        ascii(&mut line, b"");
        assert_eq!(line.text, "");
    }

    #[test]
    fn hex_lines() {
        let mut line = Line::default();
        hex(&mut line, &[0x80, 0, 0x12, 0x34, 0x56]);
        assert_eq!(line.text, "\n\t0x0000:  8000 1234 56");
    }
}
