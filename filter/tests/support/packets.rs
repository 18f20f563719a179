//! Builders for the headers the differential tests put in their captures. Checksums are left
//! zero: filters never look at them.

pub type Mac = [u8; 6];

pub const BROADCAST_MAC: Mac = [0xff; 6];

pub fn ethernet(destination: Mac, source: Mac, ether_type: u16, payload: &[u8]) -> Vec<u8> {
    tagged_ethernet(destination, source, &[], ether_type, payload)
}

/// An Ethernet frame with VLAN tags `(tpid, tci)` in order from the outermost.
pub fn tagged_ethernet(destination: Mac, source: Mac, tags: &[(u16, u16)], ether_type: u16, payload: &[u8]) -> Vec<u8> {
    let mut frame = Vec::new();
    frame.extend_from_slice(&destination);
    frame.extend_from_slice(&source);
    for (tpid, tci) in tags {
        frame.extend_from_slice(&tpid.to_be_bytes());
        frame.extend_from_slice(&tci.to_be_bytes());
    }
    frame.extend_from_slice(&ether_type.to_be_bytes());
    frame.extend_from_slice(payload);
    frame
}

/// An 802.3 frame: a length instead of a type, then `llc_and_payload`.
pub fn ieee802_3(destination: Mac, source: Mac, llc_and_payload: &[u8]) -> Vec<u8> {
    let length = u16::try_from(llc_and_payload.len()).expect("short frame");
    ethernet(destination, source, length, llc_and_payload)
}

/// MPLS label stack entries (label, bottom of stack) followed by the payload.
pub fn mpls(labels: &[(u32, bool)], payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for &(label, bottom) in labels {
        let entry = label << 12 | u32::from(bottom) << 8 | 64;
        out.extend_from_slice(&entry.to_be_bytes());
    }
    out.extend_from_slice(payload);
    out
}

/// IPv4 header fields the tests vary.
#[derive(Clone)]
pub struct Ipv4 {
    pub source: [u8; 4],
    pub destination: [u8; 4],
    pub protocol: u8,
    /// Options, a multiple of 4 bytes (at most 40).
    pub options: Vec<u8>,
    /// Flags and fragment offset: 0x2000 more fragments, 0x4000 don't fragment, low 13 bits
    /// the offset in 8-byte units.
    pub fragment: u16,
    pub tos: u8,
}

impl Ipv4 {
    pub fn new(source: [u8; 4], destination: [u8; 4], protocol: u8) -> Ipv4 {
        Ipv4 { source, destination, protocol, options: Vec::new(), fragment: 0, tos: 0 }
    }

    pub fn options(mut self, options: &[u8]) -> Ipv4 {
        self.options = options.to_vec();
        self
    }

    pub fn fragment(mut self, fragment: u16) -> Ipv4 {
        self.fragment = fragment;
        self
    }

    pub fn tos(mut self, tos: u8) -> Ipv4 {
        self.tos = tos;
        self
    }

    pub fn build(&self, payload: &[u8]) -> Vec<u8> {
        let header_len = 20 + self.options.len();
        let total = u16::try_from(header_len + payload.len()).expect("short packet");
        let mut out = vec![0x40 | (header_len / 4) as u8, self.tos];
        out.extend_from_slice(&total.to_be_bytes());
        out.extend_from_slice(&0x1234u16.to_be_bytes());
        out.extend_from_slice(&self.fragment.to_be_bytes());
        out.extend_from_slice(&[64, self.protocol, 0, 0]);
        out.extend_from_slice(&self.source);
        out.extend_from_slice(&self.destination);
        out.extend_from_slice(&self.options);
        out.extend_from_slice(payload);
        out
    }
}

pub fn ipv6(source: [u8; 16], destination: [u8; 16], next_header: u8, payload: &[u8]) -> Vec<u8> {
    let length = u16::try_from(payload.len()).expect("short packet");
    let mut out = vec![0x60, 0, 0, 0];
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(&[next_header, 64]);
    out.extend_from_slice(&source);
    out.extend_from_slice(&destination);
    out.extend_from_slice(payload);
    out
}

/// A hop-by-hop, routing or destination options header of 8 bytes.
pub fn ipv6_extension(next_header: u8, payload: &[u8]) -> Vec<u8> {
    ipv6_long_extension(next_header, 0, payload)
}

/// A hop-by-hop, routing or destination options header of `8 + 8 * extra_units` bytes, the
/// options padded with PadN.
pub fn ipv6_long_extension(next_header: u8, extra_units: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![next_header, extra_units, 1, 4 + 8 * extra_units];
    out.resize(8 + 8 * usize::from(extra_units), 0);
    out.extend_from_slice(payload);
    out
}

/// An authentication header of `(length + 2) * 4` bytes (its length field, in 4-byte units
/// minus 2), with security parameters index `spi`.
pub fn authentication_header(next_header: u8, length: u8, spi: u32, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![next_header, length, 0, 0];
    out.extend_from_slice(&spi.to_be_bytes());
    out.extend_from_slice(&7u32.to_be_bytes());
    out.resize((usize::from(length) + 2) * 4, 0xa5);
    out.extend_from_slice(payload);
    out
}

/// A PPPoE header (version 1, type 1) with `code` and `session`, then `payload`: tags for
/// discovery, a PPP protocol number and its data for a session.
pub fn pppoe(code: u8, session: u16, payload: &[u8]) -> Vec<u8> {
    let length = u16::try_from(payload.len()).expect("short payload");
    let mut out = vec![0x11, code];
    out.extend_from_slice(&session.to_be_bytes());
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// A Geneve header of version `version` with protocol type `protocol`, `vni` and `options` (a
/// multiple of 4 bytes), then `payload`.
pub fn geneve(version: u8, protocol: u16, vni: u32, options: &[u8], payload: &[u8]) -> Vec<u8> {
    let option_words = u8::try_from(options.len() / 4).expect("at most 63 option words");
    let mut out = vec![version << 6 | option_words, 0];
    out.extend_from_slice(&protocol.to_be_bytes());
    out.extend_from_slice(&(vni << 8).to_be_bytes());
    out.extend_from_slice(options);
    out.extend_from_slice(payload);
    out
}

/// A PPP frame as PPPoE carries it: the protocol number, then `payload`.
pub fn ppp(protocol: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = protocol.to_be_bytes().to_vec();
    out.extend_from_slice(payload);
    out
}

pub fn ipv6_fragment(next_header: u8, offset: u16, more: bool, payload: &[u8]) -> Vec<u8> {
    let field = offset << 3 | u16::from(more);
    let mut out = vec![next_header, 0];
    out.extend_from_slice(&field.to_be_bytes());
    out.extend_from_slice(&0xabcd_0001u32.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

pub fn tcp(source_port: u16, destination_port: u16, flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&source_port.to_be_bytes());
    out.extend_from_slice(&destination_port.to_be_bytes());
    out.extend_from_slice(&1000u32.to_be_bytes());
    out.extend_from_slice(&2000u32.to_be_bytes());
    out.extend_from_slice(&[0x50, flags]);
    out.extend_from_slice(&8192u16.to_be_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(payload);
    out
}

pub fn udp(source_port: u16, destination_port: u16, payload: &[u8]) -> Vec<u8> {
    let length = u16::try_from(8 + payload.len()).expect("short datagram");
    let mut out = Vec::new();
    out.extend_from_slice(&source_port.to_be_bytes());
    out.extend_from_slice(&destination_port.to_be_bytes());
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(payload);
    out
}

/// An SCTP common header and one DATA chunk.
pub fn sctp(source_port: u16, destination_port: u16) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&source_port.to_be_bytes());
    out.extend_from_slice(&destination_port.to_be_bytes());
    out.extend_from_slice(&0x0102_0304u32.to_be_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&[0, 3, 0, 20, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4]);
    out
}

/// ICMP and ICMPv6 share the type, code, checksum layout.
pub fn icmp(kind: u8, code: u8) -> Vec<u8> {
    vec![kind, code, 0, 0, 0, 1, 0, 2, 0xde, 0xad, 0xbe, 0xef]
}

pub fn igmp(kind: u8, group: [u8; 4]) -> Vec<u8> {
    let mut out = vec![kind, 0, 0, 0];
    out.extend_from_slice(&group);
    out
}

/// ARP or RARP for IPv4 over Ethernet.
pub fn arp(operation: u16, sender: (Mac, [u8; 4]), target: (Mac, [u8; 4])) -> Vec<u8> {
    let mut out = vec![0, 1, 8, 0, 6, 4];
    out.extend_from_slice(&operation.to_be_bytes());
    out.extend_from_slice(&sender.0);
    out.extend_from_slice(&sender.1);
    out.extend_from_slice(&target.0);
    out.extend_from_slice(&target.1);
    out
}

/// Pads an Ethernet frame to the 60-byte minimum, as senders do.
pub fn padded(mut frame: Vec<u8>) -> Vec<u8> {
    if frame.len() < 60 {
        frame.resize(60, 0);
    }
    frame
}
