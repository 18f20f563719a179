//! Bounds-checked reads of a protocol's captured bytes.

use super::{Line, address::IpAddress};

/// The captured bytes of one protocol's header and whatever follows it. Reading a field that lies past the end
/// of the capture fails with [`Truncated`], which ends the line with tcpdump's `[|protocol]` marker, as tcpdump's
/// `GET_` macros do.
///
/// tcpdump notices a cut in two ways, and `-x` shows which: a failed read (and in some printers a failed check)
/// gives up on the whole packet at once, and the dump then starts at the link-layer header; a printer's own
/// check stops only that printer, and the dump starts after the link-layer header as usual. Reads and
/// [`Captured::require`] fail the first way, [`Captured::check`] and [`Captured::truncated`] the second.
#[derive(Clone, Copy, Debug)]
pub(super) struct Captured<'a> {
    bytes: &'a [u8],
    /// tcpdump's name for the protocol, for the truncation marker.
    protocol: &'static str,
}

/// The capture ended inside a field of `protocol`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Truncated {
    pub protocol: &'static str,
    /// tcpdump gave up on the whole packet rather than on one protocol's printing.
    pub abandons_packet: bool,
}

impl Truncated {
    /// tcpdump's marker: ` [|tcp]`.
    pub fn print(self, line: &mut Line) {
        line.put(format_args!(" [|{}]", self.protocol));
    }
}

/// What a printer returns: `Err` when the capture ended inside what it had to read.
pub(super) type Printed = Result<(), Truncated>;

impl<'a> Captured<'a> {
    pub fn new(bytes: &'a [u8], protocol: &'static str) -> Self {
        Captured { bytes, protocol }
    }

    /// The number of captured bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// The cut a printer found by checking for bytes itself: it stops, the rest of the line is its marker.
    pub fn truncated(&self) -> Truncated {
        Truncated { protocol: self.protocol, abandons_packet: false }
    }

    /// The cut a read found: tcpdump gives up on the packet.
    pub fn abandoned(&self) -> Truncated {
        Truncated { protocol: self.protocol, abandons_packet: true }
    }

    /// Whether `len` bytes at `offset` were captured.
    pub fn has(&self, offset: usize, len: usize) -> bool {
        offset.checked_add(len).is_some_and(|end| end <= self.bytes.len())
    }

    /// Fails with [`Captured::truncated`] unless `len` bytes at `offset` were captured.
    pub fn check(&self, offset: usize, len: usize) -> Result<(), Truncated> {
        if self.has(offset, len) { Ok(()) } else { Err(self.truncated()) }
    }

    /// Fails with [`Captured::abandoned`] unless `len` bytes at `offset` were captured.
    pub fn require(&self, offset: usize, len: usize) -> Result<(), Truncated> {
        if self.has(offset, len) { Ok(()) } else { Err(self.abandoned()) }
    }

    pub fn slice(&self, offset: usize, len: usize) -> Result<&'a [u8], Truncated> {
        let end = offset.checked_add(len).ok_or(self.abandoned())?;
        self.bytes.get(offset..end).ok_or(self.abandoned())
    }

    pub fn array<const N: usize>(&self, offset: usize) -> Result<[u8; N], Truncated> {
        self.bytes.get(offset..).and_then(|rest| rest.first_chunk().copied()).ok_or(self.abandoned())
    }

    pub fn u8(&self, offset: usize) -> Result<u8, Truncated> {
        self.bytes.get(offset).copied().ok_or(self.abandoned())
    }

    pub fn be16(&self, offset: usize) -> Result<u16, Truncated> {
        self.array(offset).map(u16::from_be_bytes)
    }

    pub fn be32(&self, offset: usize) -> Result<u32, Truncated> {
        self.array(offset).map(u32::from_be_bytes)
    }

    pub fn ipv4(&self, offset: usize) -> Result<IpAddress, Truncated> {
        self.array(offset).map(IpAddress::V4)
    }

    pub fn ipv6(&self, offset: usize) -> Result<IpAddress, Truncated> {
        self.array(offset).map(IpAddress::V6)
    }

    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The captured bytes from `offset` on (none past the end).
    pub fn rest(&self, offset: usize) -> &'a [u8] {
        self.bytes.get(offset..).unwrap_or_default()
    }

    /// Only the first `len` bytes: what lies beyond a header's length field is not part of the packet (tcpdump's
    /// `nd_push_snaplen`).
    pub fn limit(&self, len: usize) -> Self {
        Captured { bytes: self.bytes.get(..len).unwrap_or(self.bytes), protocol: self.protocol }
    }

    /// The bytes from `offset` on, as another protocol's.
    pub fn next_layer(&self, offset: usize, protocol: &'static str) -> Captured<'a> {
        Captured { bytes: self.rest(offset), protocol }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fail_past_the_end_with_the_protocol() {
        let tcp = Captured::new(&[1, 2, 3], "tcp");
        let abandoned = Truncated { protocol: "tcp", abandons_packet: true };
        assert_eq!(tcp.be16(1), Ok(0x0203));
        assert_eq!(tcp.be16(2), Err(abandoned));
        assert_eq!(tcp.u8(usize::MAX), Err(abandoned));
        assert!(!tcp.has(usize::MAX, 2));
        assert_eq!(tcp.slice(1, usize::MAX), Err(abandoned));
        assert_eq!(tcp.check(2, 2), Err(Truncated { protocol: "tcp", abandons_packet: false }));
        assert_eq!(tcp.require(2, 2), Err(abandoned));
        assert_eq!(tcp.rest(5), &[] as &[u8]);
        assert_eq!(tcp.limit(2).len(), 2);
        assert_eq!(tcp.limit(9).len(), 3);
        assert_eq!(tcp.next_layer(1, "udp").be16(0), Ok(0x0203));
    }
}
