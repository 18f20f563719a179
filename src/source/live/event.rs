//! The ring-buffer record of `ebpf/event.h`, read without copying the packet bytes.

use crate::packet::Direction;

/// Byte layout of `struct packet_event` (C, little-endian on the machines we run on: native order).
const TIMESTAMP: usize = 0;
const IFINDEX: usize = 8;
const ORIGINAL_LEN: usize = 12;
const CAPTURED_LEN: usize = 16;
const DIRECTION: usize = 20;
pub const HEADER_LEN: usize = 24;

/// One packet as the kernel reported it, borrowing the ring buffer's bytes.
#[derive(Debug, PartialEq, Eq)]
pub struct PacketEvent<'a> {
    pub timestamp_tai_ns: u64,
    pub ifindex: u32,
    pub direction: Direction,
    pub original_len: u32,
    pub data: &'a [u8],
}

impl<'a> PacketEvent<'a> {
    /// Reads one record; `None` if it is shorter than its header says (a layout mismatch, never expected).
    pub fn parse(record: &'a [u8]) -> Option<Self> {
        let header = record.get(..HEADER_LEN)?;
        let u32_at = |at: usize| u32::from_ne_bytes(header[at..at + 4].try_into().expect("4 bytes"));
        let captured_len = u32_at(CAPTURED_LEN) as usize;
        Some(PacketEvent {
            timestamp_tai_ns: u64::from_ne_bytes(header[TIMESTAMP..TIMESTAMP + 8].try_into().expect("8 bytes")),
            ifindex: u32_at(IFINDEX),
            direction: if header[DIRECTION] == 0 { Direction::In } else { Direction::Out },
            original_len: u32_at(ORIGINAL_LEN),
            data: record.get(HEADER_LEN..HEADER_LEN + captured_len)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(captured: &[u8], claimed_len: u32, direction: u8) -> Vec<u8> {
        let mut record = Vec::new();
        record.extend_from_slice(&1_234_567_890_123u64.to_ne_bytes());
        record.extend_from_slice(&7u32.to_ne_bytes());
        record.extend_from_slice(&1500u32.to_ne_bytes());
        record.extend_from_slice(&claimed_len.to_ne_bytes());
        record.extend_from_slice(&[direction, 0, 0, 0]);
        record.extend_from_slice(captured);
        record
    }

    #[test]
    fn parses_header_and_borrows_the_captured_bytes() {
        let bytes = record(&[1, 2, 3], 3, 1);
        let event = PacketEvent::parse(&bytes).unwrap();
        assert_eq!(
            event,
            PacketEvent {
                timestamp_tai_ns: 1_234_567_890_123,
                ifindex: 7,
                direction: Direction::Out,
                original_len: 1500,
                data: &[1, 2, 3],
            }
        );
    }

    #[test]
    fn rejects_records_shorter_than_they_claim() {
        assert_eq!(PacketEvent::parse(&record(&[1, 2], 3, 0)), None);
        assert_eq!(PacketEvent::parse(&[0; HEADER_LEN - 1]), None);
    }
}
