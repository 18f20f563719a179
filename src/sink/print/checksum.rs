//! Internet checksums (RFC 1071), which tcpdump verifies at `-v` for IPv4 headers, TCP, UDP, ICMP and ICMPv6.

use super::{address::IpAddress, ip::IpEnvelope};

/// A one's-complement sum of 16-bit words, over bytes added in pieces of any length.
#[derive(Default)]
pub(super) struct Checksum {
    sum: u64,
    /// The first byte of a word whose second byte comes with the next piece.
    pending: Option<u8>,
}

impl Checksum {
    pub fn add(&mut self, mut bytes: &[u8]) -> &mut Self {
        if let (Some(high), Some((&low, rest))) = (self.pending, bytes.split_first()) {
            self.sum += u64::from(u16::from_be_bytes([high, low]));
            self.pending = None;
            bytes = rest;
        }
        let mut words = bytes.chunks_exact(2);
        for word in &mut words {
            self.sum += u64::from(u16::from_be_bytes([word[0], word[1]]));
        }
        if let [last] = words.remainder() {
            self.pending = Some(*last);
        }
        self
    }

    /// The checksum of what was added (an odd last byte padded with zero); zero when that included a correct
    /// checksum field.
    pub fn finish(&self) -> u16 {
        let mut sum = self.sum + self.pending.map_or(0, |high| u64::from(high) << 8);
        while sum > 0xffff {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        !(sum as u16)
    }
}

/// What a checksum field holding `field` should have held, given the checksum `computed` over data including it
/// (RFC 1624's incremental update, as tcpdump computes it for its `(->...)` hints).
pub(super) fn expected(field: u16, computed: u16) -> u16 {
    let mut sum = u32::from(field) + u32::from(computed);
    sum = (sum & 0xffff) + (sum >> 16);
    sum as u16
}

/// The checksum of a TCP segment, UDP datagram or ICMPv6 message `bytes` long, preceded by the IP pseudo-header
/// of `envelope` and `protocol`.
pub(super) fn with_pseudo_header(envelope: &IpEnvelope, protocol: u8, bytes: &[u8]) -> u16 {
    with_pseudo_header_covering(envelope, protocol, bytes.len(), bytes)
}

/// The checksum of the `covered` first bytes of a packet `len` bytes long (DCCP may cover only part of its
/// packets), preceded by the IP pseudo-header of `envelope` and `protocol`.
pub(super) fn with_pseudo_header_covering(envelope: &IpEnvelope, protocol: u8, len: usize, covered: &[u8]) -> u16 {
    let mut checksum = Checksum::default();
    match (envelope.source, envelope.checksum_destination) {
        (IpAddress::V4(source), IpAddress::V4(destination)) => {
            checksum.add(&source).add(&destination).add(&[0, protocol]).add(&(len as u16).to_be_bytes());
        }
        (source, destination) => {
            checksum.add(source.octets()).add(destination.octets());
            checksum.add(&(len as u32).to_be_bytes()).add(&[0, 0, 0, protocol]);
        }
    }
    checksum.add(covered).finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_of_odd_length_sum_like_the_whole() {
        let bytes: Vec<u8> = (1..=21).collect();
        let whole = Checksum::default().add(&bytes).finish();
        assert_eq!(Checksum::default().add(&bytes[..3]).add(&bytes[3..10]).add(&bytes[10..]).finish(), whole);
        // An IPv4 header with its correct checksum sums to zero.
        let header = [0x45, 0, 0, 0x73, 0, 0, 0x40, 0, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0, 1, 0xc0, 0xa8, 0, 0xc7];
        assert_eq!(Checksum::default().add(&header).finish(), 0);
        let mut wrong = header;
        wrong[10] = 0x12;
        let computed = Checksum::default().add(&wrong).finish();
        assert_eq!(expected(u16::from_be_bytes([0x12, 0x61]), computed), 0xb861);
    }
}
