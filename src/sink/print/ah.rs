//! IPsec's Authentication Header (tcpdump's print-ah.c), IP protocol 51:
//! `AH(spi=0x00001001,seq=0x1,icv=0x...): ` and then the protocol it protects; at -v the header's length too.

use super::{
    Line, PrintState,
    captured::{Captured, Printed},
    ip::{self, IpEnvelope},
};

pub(super) const PROTOCOL: u8 = 51;
/// Next header, payload length, reserved, SPI and sequence number, before the integrity check value.
const FIXED_LEN: usize = 12;

/// Prints the authentication headers starting at `bytes`, a packet of `length` bytes, then what follows them.
pub(super) fn print(
    line: &mut Line,
    state: &mut PrintState,
    bytes: &[u8],
    length: u32,
    envelope: &IpEnvelope,
) -> Printed {
    let mut offset = 0;
    let mut length = length;
    // tcpdump printed the addresses before the first header: the transport's line has only its ports.
    let envelope = IpEnvelope { names_transport: false, ..*envelope };
    // A loop, not recursion: each header takes at least 8 bytes, and a capture may hold thousands of them.
    loop {
        let ah = Captured::new(bytes, "ah");
        if !ah.has(offset, 1) {
            return Err(ah.truncated());
        }
        let next_header = ah.u8(offset)?;
        line.push("AH");
        let payload_words = ah.u8(offset + 1)?;
        let header_len = (usize::from(payload_words) + 2) * 4;
        line.push("(");
        if state.decoding.verbosity > 0 {
            line.put(format_args!("length={payload_words}({header_len}-bytes),"));
        }
        let reserved = ah.be16(offset + 2)?;
        if reserved != 0 {
            line.put(format_args!("reserved=0x{reserved:x}[MustBeZero],"));
        }
        line.put(format_args!("spi=0x{:08x},", ah.be32(offset + 4)?));
        line.put(format_args!("seq=0x{:x},", ah.be32(offset + 8)?));
        line.push("icv=0x");
        let icv_len = header_len.saturating_sub(FIXED_LEN);
        let icv = ah.rest(offset + FIXED_LEN);
        icv.iter().take(icv_len).for_each(|byte| line.put(format_args!("{byte:02x}")));
        ah.slice(offset + FIXED_LEN, icv_len)?;
        line.push("): ");
        offset += header_len;
        // tcpdump's unsigned length wraps around when a header claims more than the packet has.
        length = length.wrapping_sub(header_len as u32);
        if next_header != PROTOCOL {
            return ip::demux(line, state, ah.rest(offset), length, &envelope, next_header);
        }
    }
}
