//! Minimal classic pcap files: written for tcpdump to read, read back from its `-w` output.

/// Writes a little-endian, microsecond pcap file in which packet `i` has timestamp `i` seconds,
/// so the packets tcpdump keeps can be identified by their timestamps.
pub fn write(linktype: u32, packets: &[Packet]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&0i32.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&262_144u32.to_le_bytes());
    out.extend_from_slice(&linktype.to_le_bytes());
    for (index, packet) in packets.iter().enumerate() {
        let seconds = u32::try_from(index).expect("fewer than 2^32 packets");
        let captured = u32::try_from(packet.data.len()).expect("small packets");
        out.extend_from_slice(&seconds.to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&captured.to_le_bytes());
        out.extend_from_slice(&packet.wire_len.to_le_bytes());
        out.extend_from_slice(&packet.data);
    }
    out
}

/// The timestamps (in seconds) of the packets in a pcap file, in order.
pub fn read_timestamps(file: &[u8]) -> Result<Vec<u32>, String> {
    let magic = file.get(..4).ok_or("pcap output shorter than its header")?;
    let little_endian = match magic {
        [0xd4, 0xc3, 0xb2, 0xa1] | [0x4d, 0x3c, 0xb2, 0xa1] => true,
        [0xa1, 0xb2, 0xc3, 0xd4] | [0xa1, 0xb2, 0x3c, 0x4d] => false,
        _ => return Err(format!("not a pcap file: magic {magic:02x?}")),
    };
    let word = |offset: usize| -> Result<u32, String> {
        let bytes: [u8; 4] =
            file.get(offset..offset + 4).and_then(|slice| slice.try_into().ok()).ok_or("truncated pcap record")?;
        Ok(if little_endian { u32::from_le_bytes(bytes) } else { u32::from_be_bytes(bytes) })
    };
    let mut timestamps = Vec::new();
    let mut offset = 24;
    while offset < file.len() {
        timestamps.push(word(offset)?);
        let captured = word(offset + 8)? as usize;
        offset += 16 + captured;
    }
    Ok(timestamps)
}

/// Captured bytes and the length the packet had on the wire.
#[derive(Debug, Clone)]
pub struct Packet {
    pub data: Vec<u8>,
    pub wire_len: u32,
}

impl Packet {
    pub fn whole(data: Vec<u8>) -> Packet {
        let wire_len = u32::try_from(data.len()).expect("small packets");
        Packet { data, wire_len }
    }

    /// The first `captured` bytes of this packet, keeping its wire length.
    pub fn truncated(&self, captured: usize) -> Packet {
        Packet { data: self.data[..captured.min(self.data.len())].to_vec(), wire_len: self.wire_len }
    }
}
