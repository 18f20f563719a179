//! Layer-by-layer view of a packet's bytes, shared by the printer and the statistics.
//!
//! [`decode`] splits a packet at the end of its link-layer header (Ethernet with any VLAN tags, Linux cooked
//! capture v1 and v2, BSD loopback, or none for raw IP) and says what the rest carries. The link-layer formats
//! are read by hand, as libpcap and tcpdump read them: etherparse's Linux-cooked slicer rejects packet types and
//! hardware types it does not know, and tcpdump accepts them. [`Decoded::packet`] then gives etherparse's lax
//! view of the whole packet (VLAN tags, IP and extension headers, TCP/UDP), which slices truncated packets as far
//! as their bytes go.

mod tuple;

pub use tuple::PacketTuple;

use etherparse::{EtherType, LaxSlicedPacket};
use pcap_file::DataLink;

/// An Ethernet (MAC) address.
pub type MacAddress = [u8; 6];

/// Ethernet's type field: values up to this are an 802.3 frame's length instead of a protocol.
pub const MAX_ETHERNET_LENGTH: u16 = 1500;

/// Tag protocol identifiers of 802.1Q VLAN tags on Ethernet, as tcpdump recognizes them: 802.1Q, 802.1ad (QinQ),
/// and the pre-standard 0x9100/0x9200 used for QinQ by some switches.
pub const VLAN_TAG_TYPES: [u16; 4] = [0x8100, 0x88a8, 0x9100, 0x9200];
pub const VLAN_TAG_LEN: usize = 4;
pub const ETHERNET_HEADER_LEN: usize = 14;
const LINUX_SLL_HEADER_LEN: usize = 16;
const LINUX_SLL2_HEADER_LEN: usize = 20;
/// The longest link-layer address a Linux cooked header has room for.
const LINUX_SLL_ADDRESS_CAPACITY: usize = 8;
const NULL_HEADER_LEN: usize = 4;
/// The only VLAN tag type a Linux cooked capture carries in its payload.
const LINUX_SLL_VLAN_TYPE: u16 = 0x8100;
/// Linux's pseudo protocol for 802.2 LLC frames (`ETH_P_802_2`); cooked captures use it for frames whose
/// type field is a length.
const LINUX_SLL_P_802_2: u16 = 0x0004;

/// BSD address families of IP in NULL/LOOP headers. IPv6's number differs between the BSDs.
const BSD_AF_INET: u32 = 2;
const BSD_AF_INET6: [u32; 3] = [24, 28, 30];

/// A packet split at the end of its link-layer header.
#[derive(Clone, Debug)]
pub struct Decoded<'a> {
    pub link: LinkHeader<'a>,
    /// The 4-byte VLAN tags between the link-layer header and the payload, outermost first (see [`Self::vlan_tags`]).
    pub vlan_tag_bytes: &'a [u8],
    /// Where the payload starts: the length of the link-layer header and the VLAN tags.
    pub header_len: usize,
    /// What the payload is.
    pub protocol: Protocol,
    /// The captured bytes after the link-layer header and any VLAN tags.
    pub payload: &'a [u8],
    /// The payload's length on the wire (it may be longer than `payload`). For an 802.3 frame, the length its
    /// header gives, if that is shorter: the rest is padding.
    pub payload_wire_len: u32,
    /// The whole captured packet, for [`Self::packet`].
    frame: &'a [u8],
}

/// The link-layer header of a packet, as far as the printer and statistics use it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkHeader<'a> {
    Ethernet {
        destination: MacAddress,
        source: MacAddress,
    },
    /// Linux cooked capture v1 (`-i any` before libpcap 1.10).
    LinuxSll {
        /// `PACKET_HOST`, `PACKET_OUTGOING`, ... (linux/if_packet.h).
        packet_type: u16,
        /// `ARPHRD_*` of the interface.
        hardware_type: u16,
        /// The sender's link-layer address (as many bytes as the header says, at most 8).
        address: &'a [u8],
    },
    /// Linux cooked capture v2 (`-i any` since libpcap 1.10): also names the interface.
    LinuxSll2 {
        interface_index: u32,
        hardware_type: u16,
        packet_type: u8,
        address: &'a [u8],
    },
    /// BSD loopback (`NULL`, `LOOP`): the protocol is an address family.
    Null,
    /// No link-layer header: the packet starts with IPv4 or IPv6.
    RawIp,
}

/// What follows the link-layer header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// An EtherType (Ethernet, Linux cooked captures). Up to [`MAX_ETHERNET_LENGTH`] it is no EtherType: on
    /// Ethernet the frame is 802.3 (the value was its length) and an LLC header follows; in cooked captures it
    /// is one of Linux's pseudo protocols (`ETH_P_802_2`, ...).
    EtherType(u16),
    /// A BSD address family (NULL/LOOP link types), already in this host's byte order.
    AddressFamily(u32),
    /// IPv4 or IPv6, as the version in the first byte says (raw IP link types).
    Ip,
}

/// Why a packet could not be split.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The capture ends inside this link-layer header.
    Truncated(LinkLayer),
    /// ptstat does not know this link type's header.
    UnsupportedLinkType(DataLink),
}

/// The link-layer headers [`decode`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkLayer {
    Ethernet,
    Vlan,
    LinuxSll,
    LinuxSll2,
    Null,
}

/// One 802.1Q tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VlanTag {
    /// Tag control information: priority (3 bits), drop eligible (1), VLAN id (12).
    pub control: u16,
    /// The EtherType that follows the tag.
    pub inner_type: u16,
}

impl VlanTag {
    pub fn vlan_id(self) -> u16 {
        self.control & 0x0fff
    }

    /// The priority code point (802.1p).
    pub fn priority(self) -> u8 {
        (self.control >> 13) as u8
    }

    /// The drop eligible indicator.
    pub fn drop_eligible(self) -> bool {
        self.control & 0x1000 != 0
    }
}

/// Splits `data`, the captured bytes of a packet `original_len` bytes long on the wire, after its `link_type`
/// header.
pub fn decode(link_type: DataLink, data: &[u8], original_len: u32) -> Result<Decoded<'_>, DecodeError> {
    let (link, header_len, protocol) = match link_type {
        DataLink::ETHERNET => ethernet_header(data)?,
        DataLink::LINUX_SLL => linux_sll_header(data)?,
        DataLink::LINUX_SLL2 => linux_sll2_header(data)?,
        DataLink::NULL | DataLink::LOOP => null_header(data)?,
        DataLink::RAW | DataLink::IPV4 | DataLink::IPV6 => (LinkHeader::RawIp, 0, Protocol::Ip),
        other => return Err(DecodeError::UnsupportedLinkType(other)),
    };
    let vlan_end = match link {
        LinkHeader::Ethernet { .. } => skip_vlan_tags(data, header_len, protocol, &VLAN_TAG_TYPES)?,
        LinkHeader::LinuxSll { .. } | LinkHeader::LinuxSll2 { .. } => {
            skip_vlan_tags(data, header_len, protocol, &[LINUX_SLL_VLAN_TYPE])?
        }
        LinkHeader::Null | LinkHeader::RawIp => header_len,
    };
    let vlan_tag_bytes = data.get(header_len..vlan_end).unwrap_or_default();
    let protocol = match vlan_tag_bytes.chunks_exact(VLAN_TAG_LEN).last() {
        Some(tag) => Protocol::EtherType(inner_type(link, tag)),
        None => protocol,
    };
    let mut payload = data.get(vlan_end..).unwrap_or_default();
    let mut payload_wire_len = original_len.saturating_sub(vlan_end as u32);
    if let (LinkHeader::Ethernet { .. }, Protocol::EtherType(length)) = (link, protocol)
        && length <= MAX_ETHERNET_LENGTH
        && u32::from(length) < payload_wire_len
    {
        // An 802.3 frame: what follows its length is padding.
        payload_wire_len = u32::from(length);
        payload = payload.get(..usize::from(length)).unwrap_or(payload);
    }
    Ok(Decoded { link, vlan_tag_bytes, header_len: vlan_end, protocol, payload, payload_wire_len, frame: data })
}

impl<'a> Decoded<'a> {
    /// The VLAN tags, outermost first.
    pub fn vlan_tags(&self) -> impl Iterator<Item = VlanTag> + 'a {
        let link = self.link;
        self.vlan_tag_bytes.chunks_exact(VLAN_TAG_LEN).map(move |tag| VlanTag {
            control: u16::from_be_bytes([tag[0], tag[1]]),
            inner_type: inner_type(link, tag),
        })
    }

    /// etherparse's lax view of the packet: link extensions (VLAN), IP with its extension headers, TCP or UDP,
    /// each as far as the captured bytes go; `stop_err` says where and why slicing stopped.
    pub fn packet(&self) -> LaxSlicedPacket<'a> {
        match self.link {
            // `decode` checked that the Ethernet header was captured, which is all that from_ethernet requires.
            LinkHeader::Ethernet { .. } => LaxSlicedPacket::from_ethernet(self.frame)
                .unwrap_or_else(|_| LaxSlicedPacket::from_ether_type(EtherType(0), &[])),
            _ => {
                let ether_type = match self.protocol {
                    Protocol::EtherType(ether_type) => ether_type,
                    Protocol::AddressFamily(BSD_AF_INET) => EtherType::IPV4.0,
                    Protocol::AddressFamily(family) if BSD_AF_INET6.contains(&family) => EtherType::IPV6.0,
                    Protocol::AddressFamily(_) => 0,
                    Protocol::Ip => match self.payload.first().map(|byte| byte >> 4) {
                        Some(4) => EtherType::IPV4.0,
                        Some(6) => EtherType::IPV6.0,
                        _ => 0,
                    },
                };
                LaxSlicedPacket::from_ether_type(EtherType(ether_type), self.payload)
            }
        }
    }
}

/// The address family a NULL/LOOP header gives, if it is IP: 4 or 6.
pub fn address_family_ip_version(family: u32) -> Option<u8> {
    match family {
        BSD_AF_INET => Some(4),
        family if BSD_AF_INET6.contains(&family) => Some(6),
        _ => None,
    }
}

type LinkSplit<'a> = (LinkHeader<'a>, usize, Protocol);

fn ethernet_header(data: &[u8]) -> Result<LinkSplit<'_>, DecodeError> {
    let header: &[u8; ETHERNET_HEADER_LEN] = data.first_chunk().ok_or(DecodeError::Truncated(LinkLayer::Ethernet))?;
    let link = LinkHeader::Ethernet { destination: array_at(header, 0), source: array_at(header, 6) };
    Ok((link, ETHERNET_HEADER_LEN, Protocol::EtherType(be16_at(header, 12))))
}

fn linux_sll_header(data: &[u8]) -> Result<LinkSplit<'_>, DecodeError> {
    let header: &[u8; LINUX_SLL_HEADER_LEN] = data.first_chunk().ok_or(DecodeError::Truncated(LinkLayer::LinuxSll))?;
    let address_len = usize::from(be16_at(header, 4)).min(LINUX_SLL_ADDRESS_CAPACITY);
    let link = LinkHeader::LinuxSll {
        packet_type: be16_at(header, 0),
        hardware_type: be16_at(header, 2),
        address: &header[6..6 + address_len],
    };
    Ok((link, LINUX_SLL_HEADER_LEN, Protocol::EtherType(be16_at(header, 14))))
}

fn linux_sll2_header(data: &[u8]) -> Result<LinkSplit<'_>, DecodeError> {
    let header: &[u8; LINUX_SLL2_HEADER_LEN] =
        data.first_chunk().ok_or(DecodeError::Truncated(LinkLayer::LinuxSll2))?;
    let address_len = usize::from(header[11]).min(LINUX_SLL_ADDRESS_CAPACITY);
    let link = LinkHeader::LinuxSll2 {
        interface_index: u32::from_be_bytes(array_at(header, 4)),
        hardware_type: be16_at(header, 8),
        packet_type: header[10],
        address: &header[12..12 + address_len],
    };
    Ok((link, LINUX_SLL2_HEADER_LEN, Protocol::EtherType(be16_at(header, 0))))
}

fn null_header(data: &[u8]) -> Result<LinkSplit<'_>, DecodeError> {
    let header: &[u8; NULL_HEADER_LEN] = data.first_chunk().ok_or(DecodeError::Truncated(LinkLayer::Null))?;
    // NULL writes the family in the capturing host's byte order, LOOP in network order; a family never needs
    // more than 16 bits, so set upper bits mean the other byte order (libpcap and tcpdump decide the same way).
    let family = u32::from_ne_bytes(*header);
    let family = if family & 0xffff_0000 != 0 { family.swap_bytes() } else { family };
    Ok((LinkHeader::Null, NULL_HEADER_LEN, Protocol::AddressFamily(family)))
}

/// Returns where the VLAN tags that start at `start` end. `tag_types` are the type values that announce a tag.
fn skip_vlan_tags(data: &[u8], start: usize, protocol: Protocol, tag_types: &[u16]) -> Result<usize, DecodeError> {
    let Protocol::EtherType(mut ether_type) = protocol else { return Ok(start) };
    let mut end = start;
    while tag_types.contains(&ether_type) {
        let tag: &[u8; VLAN_TAG_LEN] =
            data.get(end..).and_then(|rest| rest.first_chunk()).ok_or(DecodeError::Truncated(LinkLayer::Vlan))?;
        ether_type = be16_at(tag, 2);
        end += VLAN_TAG_LEN;
    }
    Ok(end)
}

/// The type after a VLAN tag. Linux cooked captures have no 802.3 frames, so there a length means 802.2 LLC.
fn inner_type(link: LinkHeader, tag: &[u8]) -> u16 {
    let inner = be16_at(tag, 2);
    match link {
        LinkHeader::LinuxSll { .. } | LinkHeader::LinuxSll2 { .. } if inner <= MAX_ETHERNET_LENGTH => LINUX_SLL_P_802_2,
        _ => inner,
    }
}

/// The big-endian u16 at `offset`; 0 past the end (callers read within headers they checked the length of).
fn be16_at(bytes: &[u8], offset: usize) -> u16 {
    u16::from_be_bytes(array_at(bytes, offset))
}

fn array_at<const N: usize>(bytes: &[u8], offset: usize) -> [u8; N] {
    bytes.get(offset..).and_then(|rest| rest.first_chunk().copied()).unwrap_or([0; N])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ethernet_frame(types_and_tags: &[u8], payload: &[u8]) -> Vec<u8> {
        let mut frame = vec![0xff; 6];
        frame.extend_from_slice(&[2, 0, 0, 0, 0, 1]);
        frame.extend_from_slice(types_and_tags);
        frame.extend_from_slice(payload);
        frame
    }

    #[test]
    fn ethernet_with_two_vlan_tags() {
        let frame = ethernet_frame(&[0x88, 0xa8, 0x00, 0x64, 0x81, 0x00, 0x20, 0xc8, 0x08, 0x00], &[0x45, 0]);
        let decoded = decode(DataLink::ETHERNET, &frame, 100).expect("decodes");
        assert_eq!(decoded.link, LinkHeader::Ethernet { destination: [0xff; 6], source: [2, 0, 0, 0, 0, 1] });
        assert_eq!(decoded.protocol, Protocol::EtherType(0x0800));
        assert_eq!(decoded.payload, &[0x45, 0]);
        assert_eq!(decoded.header_len, 22);
        assert_eq!(decoded.payload_wire_len, 100 - 22);
        let ids: Vec<u16> = decoded.vlan_tags().map(VlanTag::vlan_id).collect();
        assert_eq!(ids, [100, 200]);
        assert_eq!(decoded.packet().vlan_ids().as_slice(), &[100.try_into().unwrap(), 200.try_into().unwrap()]);
    }

    #[test]
    fn truncated_link_headers_name_their_layer() {
        assert_eq!(decode(DataLink::ETHERNET, &[0; 13], 60).unwrap_err(), DecodeError::Truncated(LinkLayer::Ethernet));
        let frame = ethernet_frame(&[0x81, 0x00, 0x00], &[]);
        assert_eq!(decode(DataLink::ETHERNET, &frame, 60).unwrap_err(), DecodeError::Truncated(LinkLayer::Vlan));
        assert_eq!(decode(DataLink::LINUX_SLL, &[0; 15], 60).unwrap_err(), DecodeError::Truncated(LinkLayer::LinuxSll));
        assert_eq!(
            decode(DataLink::LINUX_SLL2, &[0; 19], 60).unwrap_err(),
            DecodeError::Truncated(LinkLayer::LinuxSll2)
        );
        assert_eq!(decode(DataLink::NULL, &[2, 0], 60).unwrap_err(), DecodeError::Truncated(LinkLayer::Null));
    }

    #[test]
    fn ieee_802_3_frames_end_where_their_length_says() {
        let frame = ethernet_frame(&[0x00, 0x03], &[0x42, 0x42, 0x03, 0, 0, 0]);
        let decoded = decode(DataLink::ETHERNET, &frame, 60).expect("decodes");
        assert_eq!(decoded.protocol, Protocol::EtherType(3));
        assert_eq!(decoded.payload, &[0x42, 0x42, 0x03]);
        assert_eq!(decoded.payload_wire_len, 3);
    }

    #[test]
    fn linux_cooked_headers() {
        let mut sll2 = vec![0x86, 0xdd, 0, 0, 0, 0, 0, 7, 0, 1, 4, 6, 1, 2, 3, 4, 5, 6, 0, 0];
        sll2.push(0x60);
        let decoded = decode(DataLink::LINUX_SLL2, &sll2, 61).expect("decodes");
        assert_eq!(
            decoded.link,
            LinkHeader::LinuxSll2 {
                interface_index: 7,
                hardware_type: 1,
                packet_type: 4,
                address: &[1, 2, 3, 4, 5, 6]
            }
        );
        assert_eq!(decoded.protocol, Protocol::EtherType(0x86dd));
        assert_eq!(decoded.payload_wire_len, 41);

        let sll = [0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x06];
        let decoded = decode(DataLink::LINUX_SLL, &sll, 16).expect("decodes");
        assert_eq!(
            decoded.link,
            LinkHeader::LinuxSll { packet_type: 0, hardware_type: 1, address: &[1, 2, 3, 4, 5, 6] }
        );
        assert_eq!(decoded.protocol, Protocol::EtherType(0x0806));
    }

    #[test]
    fn null_family_in_either_byte_order() {
        for header in [2u32.to_ne_bytes(), 2u32.swap_bytes().to_ne_bytes()] {
            let decoded = decode(DataLink::NULL, &header, 4).expect("decodes");
            assert_eq!(decoded.protocol, Protocol::AddressFamily(2));
        }
    }

    #[test]
    fn raw_ip_gets_an_etherparse_view() {
        let packet = [0x45, 0, 0, 20, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];
        let decoded = decode(DataLink::RAW, &packet, 20).expect("decodes");
        assert_eq!(decoded.protocol, Protocol::Ip);
        assert!(matches!(decoded.packet().net, Some(etherparse::LaxNetSlice::Ipv4(_))));
    }

    #[test]
    fn unsupported_link_type() {
        assert_eq!(
            decode(DataLink::Unknown(999), &[0; 20], 20).unwrap_err(),
            DecodeError::UnsupportedLinkType(DataLink::Unknown(999))
        );
    }
}
