//! The record that flows through the pipeline: every source (live eBPF capture, a capture file) turns what it reads
//! into `Packet`s, and every sink (printer, file writers, statistics) consumes them.

use pcap_file::DataLink;

/// Nanoseconds since the Unix epoch (UTC).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub u64);

impl Timestamp {
    pub fn secs(self) -> u64 {
        self.0 / 1_000_000_000
    }

    pub fn subsec_nanos(self) -> u32 {
        (self.0 % 1_000_000_000) as u32
    }
}

/// Which way a packet crossed its interface, as tcpdump's `In`/`Out`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    In,
    Out,
}

/// Position of an interface in the order a source announced it (0, 1, 2, ...). PcapNG interface ids are these.
pub type InterfaceId = usize;

/// An interface packets were captured on (or, for files, the interface description the file carries).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interface {
    /// Kernel name (`eth0`); empty when a file does not say.
    pub name: String,
    /// Kernel ifindex; 0 when unknown (files).
    pub index: u32,
    /// How the bytes of its packets begin: Ethernet, raw IP, Linux cooked, ...
    pub link_type: DataLink,
    /// Largest number of bytes kept per packet.
    pub snaplen: u32,
    /// Free text (PcapNG if_description): e.g. the network namespace.
    pub description: Option<String>,
}

/// One packet: the bytes that were kept and what is known about them.
#[derive(Clone, Copy, Debug)]
pub struct Packet<'a> {
    pub timestamp: Timestamp,
    pub interface: InterfaceId,
    pub direction: Option<Direction>,
    /// Length on the wire; `data` holds the first `data.len()` bytes of it.
    pub original_len: u32,
    pub data: &'a [u8],
}
