//! A packet's addresses, protocol and ports: what statistics and the connection log count and key flows by.

use std::net::IpAddr;

use etherparse::{LaxNetSlice, TransportSlice};

use super::Decoded;

/// The IP addresses, protocol and ports of a packet, as the packet has them (source first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PacketTuple {
    pub protocol: u8,
    pub source: IpAddr,
    pub destination: IpAddr,
    /// TCP and UDP ports; ICMP and ICMPv6 type (source) and code (destination); 0 for other protocols and for
    /// fragments after the first.
    pub source_port: u16,
    pub destination_port: u16,
    /// TCP's flags byte (FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10); 0 for other protocols.
    pub tcp_flags: u8,
}

impl PacketTuple {
    pub const TCP_SYN: u8 = 0x02;
    pub const TCP_ACK: u8 = 0x10;
}

impl Decoded<'_> {
    /// The packet's tuple; `None` when it is not IP or its IP header was not captured.
    pub fn tuple(&self) -> Option<PacketTuple> {
        let sliced = self.packet();
        let (protocol, source, destination) = match sliced.net? {
            LaxNetSlice::Ipv4(ip) => {
                let header = ip.header();
                (ip.payload().ip_number.0, IpAddr::from(header.source_addr()), IpAddr::from(header.destination_addr()))
            }
            LaxNetSlice::Ipv6(ip) => {
                let header = ip.header();
                (ip.payload().ip_number.0, IpAddr::from(header.source_addr()), IpAddr::from(header.destination_addr()))
            }
            LaxNetSlice::Arp(_) => return None,
        };
        let mut tuple =
            PacketTuple { protocol, source, destination, source_port: 0, destination_port: 0, tcp_flags: 0 };
        match sliced.transport {
            Some(TransportSlice::Tcp(tcp)) => {
                (tuple.source_port, tuple.destination_port) = (tcp.source_port(), tcp.destination_port());
                tuple.tcp_flags = tcp.slice().get(13).copied().unwrap_or_default();
            }
            Some(TransportSlice::Udp(udp)) => {
                (tuple.source_port, tuple.destination_port) = (udp.source_port(), udp.destination_port());
            }
            Some(TransportSlice::Icmpv4(icmp)) => {
                (tuple.source_port, tuple.destination_port) = (u16::from(icmp.type_u8()), u16::from(icmp.code_u8()));
            }
            Some(TransportSlice::Icmpv6(icmp)) => {
                (tuple.source_port, tuple.destination_port) = (u16::from(icmp.type_u8()), u16::from(icmp.code_u8()));
            }
            Some(TransportSlice::Igmp(_)) | None => {}
        }
        Some(tuple)
    }
}
