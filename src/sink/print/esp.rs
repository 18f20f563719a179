//! IPsec's Encapsulating Security Payload (tcpdump's print-esp.c, without its decryption), IP protocol 50:
//! `ESP(spi=0x00001001,seq=0x1), length 72`.

use super::{
    Line,
    captured::{Captured, Printed},
};

pub(super) const PROTOCOL: u8 = 50;
/// The SPI and the sequence number.
const HEADER_LEN: usize = 8;

/// Prints the header of an ESP packet `length` bytes long; what it encrypts stays unprinted.
pub(super) fn print(line: &mut Line, bytes: &[u8], length: u32) -> Printed {
    let esp = Captured::new(bytes, "esp");
    // tcpdump wants a byte past the header captured too.
    if !esp.has(0, HEADER_LEN + 1) {
        return Err(esp.truncated());
    }
    line.put(format_args!("ESP(spi=0x{:08x},seq=0x{:x}), length {length}", esp.be32(0)?, esp.be32(4)?));
    Ok(())
}
