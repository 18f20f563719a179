//! Classic pcap output (`-w FILE.pcap`) with nanosecond timestamps. A pcap file has one link type for all its
//! packets: a capture on one interface keeps that interface's; a capture spanning several (`-i any`) is written as
//! LINUX_SLL2 like tcpdump's `-i any`, whose 20-byte header keeps each packet's interface index and direction.

use std::{io::Write, time::Duration};

use anyhow::{Context, bail, ensure};
use pcap_file::{
    DataLink, Endianness,
    pcap::{self, PcapHeader, PcapPacket, PcapTsResolution},
};

use super::Sink;
use crate::packet::{Direction, Interface, InterfaceId, Packet};

/// libpcap's largest snapshot length: its readers refuse longer records for most link types.
const MAX_SNAPLEN: u32 = 262_144;

/// Writes a classic pcap stream to `output` (a buffered file, or stdout).
pub struct PcapWriter<W: Write> {
    output: Output<W>,
    /// Several interfaces: every packet is rewritten as LINUX_SLL2. One: packets are written as captured.
    spans_interfaces: bool,
    /// Flush `output` after every packet, for `-w -` and `-U`: readers see each packet at once.
    flush_each_packet: bool,
    /// Reused for each packet's LINUX_SLL2 form, so rewriting allocates nothing.
    sll2_frame: Vec<u8>,
}

/// The file header holds the link type, which (unless the file is LINUX_SLL2) only the first interface tells.
enum Output<W: Write> {
    AwaitingHeader(W),
    Records {
        writer: pcap::PcapWriter<W>,
        link_type: DataLink,
    },
    /// Writing the header failed: that error was returned, and nothing can follow.
    Broken,
}

impl<W: Write> PcapWriter<W> {
    /// `spans_interfaces`: the capture may see more than one interface, so the file must be LINUX_SLL2.
    /// Nothing is written before the first interface is announced.
    pub fn new(output: W, spans_interfaces: bool, flush_each_packet: bool) -> Self {
        PcapWriter {
            output: Output::AwaitingHeader(output),
            spans_interfaces,
            flush_each_packet,
            sll2_frame: Vec::new(),
        }
    }

    /// Writes the file header unless it has been written already; returns the file's link type.
    fn start(&mut self, link_type: DataLink, snaplen: u32) -> anyhow::Result<DataLink> {
        self.output = match std::mem::replace(&mut self.output, Output::Broken) {
            Output::AwaitingHeader(output) => {
                let header = PcapHeader {
                    snaplen,
                    datalink: link_type,
                    ts_resolution: PcapTsResolution::NanoSecond,
                    endianness: Endianness::native(),
                    ..PcapHeader::default()
                };
                let writer = pcap::PcapWriter::with_header(output, header).context("writing the pcap file header")?;
                Output::Records { writer, link_type }
            }
            started => started,
        };
        match &self.output {
            Output::Records { link_type, .. } => Ok(*link_type),
            Output::AwaitingHeader(_) | Output::Broken => {
                bail!("pcap: the file header could not be written")
            }
        }
    }

    fn flush_if_streaming(&mut self) -> anyhow::Result<()> {
        if self.flush_each_packet { self.flush() } else { Ok(()) }
    }

    fn flush(&mut self) -> anyhow::Result<()> {
        match &mut self.output {
            Output::Records { writer, .. } => writer.flush().context("flushing the pcap output"),
            Output::AwaitingHeader(output) => output.flush().context("flushing the pcap output"),
            Output::Broken => Ok(()),
        }
    }
}

impl<W: Write> Sink for PcapWriter<W> {
    fn add_interface(&mut self, _id: InterfaceId, interface: &Interface) -> anyhow::Result<()> {
        let (link_type, snaplen) = if self.spans_interfaces {
            ensure!(
                Sll2Source::of(interface.link_type).is_some(),
                "{}: link type {:?} cannot be rewritten as LINUX_SLL2 for a pcap file; write PcapNG instead",
                interface.name,
                interface.link_type
            );
            (DataLink::LINUX_SLL2, MAX_SNAPLEN)
        } else {
            // A snaplen of 0 (PcapNG's "no limit") is not one libpcap's readers accept in a pcap header.
            let snaplen = if interface.snaplen == 0 { MAX_SNAPLEN } else { interface.snaplen };
            (interface.link_type, snaplen)
        };
        let file_link_type = self.start(link_type, snaplen)?;
        // libpcap demands the same of the PcapNG files it reads: one link type for all interfaces.
        ensure!(
            file_link_type == link_type,
            "{}: link type {:?} differs from the pcap file's {:?}; write PcapNG to keep both",
            interface.name,
            link_type,
            file_link_type
        );
        self.flush_if_streaming()
    }

    fn write_packet(&mut self, packet: &Packet, interface: &Interface) -> anyhow::Result<()> {
        let Output::Records { writer, .. } = &mut self.output else {
            bail!(
                "pcap: packet on {} but no file header (no interface announced, or writing it failed)",
                interface.name
            );
        };
        let (data, original_len) = if self.spans_interfaces {
            let original_len = write_sll2_frame(&mut self.sll2_frame, packet, interface)?;
            (self.sll2_frame.as_slice(), original_len)
        } else {
            (packet.data, packet.wire_len_covering_data())
        };
        // Rewriting adds bytes, and a later interface may allow more than the header says: keep what the file's
        // snaplen allows, as a capture with that snaplen would have.
        let kept = &data[..data.len().min(writer.snaplen() as usize)];
        let record = PcapPacket::new(Duration::from_nanos(packet.timestamp.0), original_len, kept)
            .with_context(|| format!("pcap: packet on {}", interface.name))?;
        writer.write_packet(&record).context("writing the pcap output")?;
        self.flush_if_streaming()
    }

    /// A LINUX_SLL2 file gets its header even without interfaces, so an empty capture is still a valid file.
    fn finish(&mut self) -> anyhow::Result<()> {
        if self.spans_interfaces {
            self.start(DataLink::LINUX_SLL2, MAX_SNAPLEN)?;
        }
        self.flush()
    }
}

const SLL2_HEADER_LEN: u32 = 20;
const ETHERNET_HEADER_LEN: usize = 14;
/// Ethernet source address: bytes 6..12 of the frame.
const ETHERNET_SOURCE: std::ops::Range<usize> = 6..12;
/// Bytes 12..14: the ethertype, or for 802.3 frames their length.
const ETHERNET_TYPE: std::ops::Range<usize> = 12..14;
/// A type field below this is an 802.3 length, and the kernel names the protocol after the LLC header instead.
const ETH_P_802_3_MIN: u16 = 0x0600;
/// Novell's raw 802.3: the payload starts with 0xFFFF where an LLC header would be.
const ETH_P_802_3: u16 = 0x0001;
const ETH_P_802_2: u16 = 0x0004;
const ETH_P_IP: u16 = 0x0800;
const ETH_P_IPV6: u16 = 0x86DD;
/// ARPHRD_* hardware types, as the kernel reports them for these interfaces.
const ARPHRD_ETHER: u16 = 1;
/// Interfaces without a link-layer header: tun, WireGuard.
const ARPHRD_NONE: u16 = 0xFFFE;
/// Packet types (PACKET_* of linux/if_packet.h).
const PACKET_HOST: u8 = 0;
const PACKET_OUTGOING: u8 = 4;

/// The link types whose packets can be rewritten as LINUX_SLL2, and how.
enum Sll2Source {
    /// The Ethernet header is dropped; its type field becomes the protocol, its source MAC the address.
    Ethernet,
    /// Raw IP gains a header whose protocol says which IP version follows.
    RawIp(DataLink),
}

impl Sll2Source {
    fn of(link_type: DataLink) -> Option<Sll2Source> {
        match link_type {
            DataLink::ETHERNET => Some(Sll2Source::Ethernet),
            DataLink::RAW | DataLink::IPV4 | DataLink::IPV6 => Some(Sll2Source::RawIp(link_type)),
            _ => None,
        }
    }
}

/// Puts `packet`'s LINUX_SLL2 form into `frame`; returns the form's length on the wire.
fn write_sll2_frame(frame: &mut Vec<u8>, packet: &Packet, interface: &Interface) -> anyhow::Result<u32> {
    let data = packet.data;
    let (link_header_len, protocol, hardware_type, address) = match Sll2Source::of(interface.link_type) {
        Some(Sll2Source::Ethernet) => {
            let address = data.get(ETHERNET_SOURCE).unwrap_or_default();
            (ETHERNET_HEADER_LEN, ethernet_protocol(data), ARPHRD_ETHER, address)
        }
        Some(Sll2Source::RawIp(link_type)) => (0, raw_ip_protocol(link_type, data), ARPHRD_NONE, &[][..]),
        None => bail!("{}: link type {:?} cannot be rewritten as LINUX_SLL2", interface.name, interface.link_type),
    };
    let packet_type = match packet.direction {
        Some(Direction::Out) => PACKET_OUTGOING,
        // The kernel's type for packets addressed to this host; nothing says "unknown".
        Some(Direction::In) | None => PACKET_HOST,
    };
    let mut padded_address = [0u8; 8];
    padded_address[..address.len()].copy_from_slice(address);

    frame.clear();
    frame.extend_from_slice(&protocol.to_be_bytes());
    frame.extend_from_slice(&[0, 0]); // reserved
    frame.extend_from_slice(&interface.index.to_be_bytes());
    frame.extend_from_slice(&hardware_type.to_be_bytes());
    frame.push(packet_type);
    frame.push(address.len() as u8);
    frame.extend_from_slice(&padded_address);
    frame.extend_from_slice(data.get(link_header_len..).unwrap_or_default());
    Ok(packet.wire_len_covering_data().saturating_sub(link_header_len as u32).saturating_add(SLL2_HEADER_LEN))
}

/// The protocol of an Ethernet frame as the kernel names it (eth_type_trans); 0 if the frame ends before saying.
fn ethernet_protocol(frame: &[u8]) -> u16 {
    let Some(&[high, low]) = frame.get(ETHERNET_TYPE) else {
        return 0;
    };
    let type_or_length = u16::from_be_bytes([high, low]);
    if type_or_length >= ETH_P_802_3_MIN {
        type_or_length
    } else if frame.get(ETHERNET_HEADER_LEN..ETHERNET_HEADER_LEN + 2) == Some(&[0xFF, 0xFF]) {
        ETH_P_802_3
    } else {
        ETH_P_802_2
    }
}

/// The ethertype of a raw IP packet: fixed by the link type, or for LINKTYPE_RAW read from the version nibble.
fn raw_ip_protocol(link_type: DataLink, packet: &[u8]) -> u16 {
    match link_type {
        DataLink::IPV4 => ETH_P_IP,
        DataLink::IPV6 => ETH_P_IPV6,
        _ => match packet.first().map(|byte| byte >> 4) {
            Some(4) => ETH_P_IP,
            Some(6) => ETH_P_IPV6,
            _ => 0,
        },
    }
}
