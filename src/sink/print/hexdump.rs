//! The hex dumps tcpdump prints for payloads it has no printer for, on lines of their own after the packet's.

use super::Line;

const BYTES_PER_LINE: usize = 16;
/// Room for the hex of a full line: eight groups of ` xxxx`.
const HEX_COLUMN_WIDTH: usize = 40;

/// Hex and ASCII, 16 bytes a line (tcpdump's default print for unknown link-layer payloads):
/// `\n\t0x0000:  0001 0203 ...  ..ab`.
pub(super) fn hex_and_ascii(line: &mut Line, bytes: &[u8]) {
    for (index, chunk) in bytes.chunks(BYTES_PER_LINE).enumerate() {
        line.put(format_args!("\n\t0x{:04x}: ", index * BYTES_PER_LINE));
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
    for (index, chunk) in bytes.chunks(BYTES_PER_LINE).enumerate() {
        line.put(format_args!("\n\t0x{:04x}: ", index * BYTES_PER_LINE));
        hex_groups(line, chunk);
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
    fn hex_lines() {
        let mut line = Line::default();
        hex(&mut line, &[0x80, 0, 0x12, 0x34, 0x56]);
        assert_eq!(line.text, "\n\t0x0000:  8000 1234 56");
    }
}
