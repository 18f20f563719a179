//! Which printer the payload of a TCP segment or UDP datagram gets: the one `-T` names, or one by its ports,
//! tried in tcpdump's order so that a packet between two known ports gets the same one.

use super::{
    Line, PrintState, address::IpAddress, aodv, bfd, bgp, bootp, captured::Printed, cnfp, dhcp6, dns, geneve,
    ip::IpEnvelope, isakmp, l2tp, lmp, mpls, ntp, pgm, ptp, radius, resp, rip, ripng, rtp, snmp, ssh, syslog, telnet,
    text, tftp, vxlan, vxlan_gpe, wb, zmtp1,
};

const FTP_PORT: u16 = 21;
const SSH_PORT: u16 = 22;
const TELNET_PORT: u16 = 23;
const SMTP_PORT: u16 = 25;
const WHOIS_PORT: u16 = 43;
const DNS_PORT: u16 = 53;
const HTTP_PORTS: [u16; 2] = [80, 8080];
const RTSP_PORTS: [u16; 2] = [554, 8554];
const REDIS_PORT: u16 = 6379;
const TFTP_PORT: u16 = 69;
const BOOTP_PORTS: [u16; 2] = [67, 68];
const NTP_PORT: u16 = 123;
const DHCP6_PORTS: [u16; 2] = [546, 547];
const SYSLOG_PORT: u16 = 514;
const SIP_PORT: u16 = 5060;
const MDNS_PORT: u16 = 5353;
const AODV_PORT: u16 = 654;
const LMP_PORT: u16 = 701;
/// vat's and wb's ports, which tcpdump recognizes as destinations only.
const VAT_PORT: u16 = 3456;
const WB_PORT: u16 = 4567;
/// SNMP's agent and trap ports.
const SNMP_PORTS: [u16; 2] = [161, 162];

/// What `-T` names: the protocol every TCP and UDP payload is taken for, whatever its ports (of tcpdump's types,
/// those ptstat has a printer for).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PacketType {
    /// DNS
    Domain,
    /// Redis's RESP (TCP)
    Resp,
    /// TFTP (UDP)
    Tftp,
    /// SNMP (UDP)
    Snmp,
    /// RTP (UDP)
    Rtp,
    /// RTCP (UDP)
    Rtcp,
    /// vat, the visual audio tool (UDP)
    Vat,
    /// Cisco NetFlow (UDP)
    Cnfp,
    /// ZeroMQ's ZMTP/1.0 (TCP)
    Zmtp1,
    /// AODV, ad hoc on-demand distance vector routing (UDP)
    Aodv,
    /// wb, the LBL whiteboard (UDP)
    Wb,
    /// PGM, pragmatic general multicast (UDP; IP protocol 113 prints as PGM anyway)
    Pgm,
    /// PGM whose data packets carry ZeroMQ messages (UDP or IP)
    #[value(name = "pgm_zmtp1")]
    PgmZmtp1,
    /// CARP: IP protocol 112 prints as CARP rather than VRRP (and no TCP or UDP payload is printed)
    Carp,
    /// LMP, the link management protocol (UDP)
    Lmp,
    /// VXLAN (UDP): a VXLAN header and the Ethernet frame it carries
    Vxlan,
    /// ONC RPC calls and replies (UDP)
    Rpc,
    /// RADIUS (UDP)
    Radius,
}

/// A protocol above TCP or UDP that ptstat has a printer for.
#[derive(Clone, Copy)]
pub(super) enum Application {
    Dns,
    /// Multicast DNS.
    Mdns,
    /// DNS over TCP, where each message starts with its length.
    DnsOverTcp,
    /// A text protocol over TCP, which tcpdump separates from the TCP header with `: `.
    Text(&'static text::TextProtocol),
    Telnet,
    Bgp,
    Ssh,
    Resp,
    /// SIP over UDP.
    Sip,
    Bootp,
    Rip,
    Ntp,
    Ripng,
    Dhcp6,
    /// BFD, whose destination port says which kind of packet it is.
    Bfd(u16),
    Tftp,
    Syslog,
    Snmp,
    Radius,
    /// ISAKMP and IKE, and on the NAT traversal port also ESP.
    Isakmp,
    IsakmpNatTraversal,
    /// PTP's event and general messages.
    Ptp,
    /// Tunnels over UDP, which carry a packet of their own.
    Vxlan,
    Geneve,
    VxlanGpe,
    MplsOverUdp,
    /// L2TP, whose data messages carry PPP frames.
    L2tp,
    Rtp,
    Rtcp,
    Vat,
    Cnfp,
    Zmtp1,
    Aodv,
    Wb,
    Pgm,
    Lmp,
}

impl Application {
    /// The printer tcpdump gives a TCP payload: `-T`'s (none for a type TCP does not carry), or by its ports.
    pub(super) fn for_tcp(packet_type: Option<PacketType>, source_port: u16, destination_port: u16) -> Option<Self> {
        let either = |ports: &[u16]| ports.contains(&source_port) || ports.contains(&destination_port);
        Some(match packet_type {
            Some(PacketType::Domain) => Application::DnsOverTcp,
            Some(PacketType::Resp) => Application::Resp,
            Some(PacketType::Zmtp1) => Application::Zmtp1,
            // The other types are UDP's alone.
            Some(_) => return None,
            None if either(&[TELNET_PORT]) => Application::Telnet,
            None if either(&[SMTP_PORT]) => Application::Text(&text::SMTP),
            None if either(&[WHOIS_PORT]) => Application::Text(&text::WHOIS),
            None if either(&[bgp::PORT]) => Application::Bgp,
            None if either(&[REDIS_PORT]) => Application::Resp,
            None if either(&[SSH_PORT]) => Application::Ssh,
            None if either(&[FTP_PORT]) => Application::Text(&text::FTP),
            None if either(&HTTP_PORTS) => Application::Text(&text::HTTP),
            None if either(&RTSP_PORTS) => Application::Text(&text::RTSP),
            None if either(&[DNS_PORT]) => Application::DnsOverTcp,
            None => return None,
        })
    }

    /// The printer tcpdump gives a UDP payload: `-T`'s (none for a type UDP does not carry), or by its ports.
    pub(super) fn for_udp(packet_type: Option<PacketType>, source_port: u16, destination_port: u16) -> Option<Self> {
        let either = |port: u16| source_port == port || destination_port == port;
        Some(match packet_type {
            Some(PacketType::Domain) => Application::Dns,
            Some(PacketType::Tftp) => Application::Tftp,
            Some(PacketType::Snmp) => Application::Snmp,
            Some(PacketType::Rtp) => Application::Rtp,
            Some(PacketType::Rtcp) => Application::Rtcp,
            Some(PacketType::Vat) => Application::Vat,
            Some(PacketType::Cnfp) => Application::Cnfp,
            Some(PacketType::Aodv) => Application::Aodv,
            Some(PacketType::Wb) => Application::Wb,
            Some(PacketType::Pgm | PacketType::PgmZmtp1) => Application::Pgm,
            Some(PacketType::Lmp) => Application::Lmp,
            Some(PacketType::Vxlan) => Application::Vxlan,
            Some(PacketType::Radius) => Application::Radius,
            Some(PacketType::Carp | PacketType::Resp | PacketType::Zmtp1) => return None,
            // udp.rs prints RPC itself: its lines name the transaction rather than the ports.
            Some(PacketType::Rpc) => return None,
            None if either(DNS_PORT) => Application::Dns,
            None if either(MDNS_PORT) => Application::Mdns,
            None if either(TFTP_PORT) => Application::Tftp,
            None if BOOTP_PORTS.into_iter().any(either) => Application::Bootp,
            None if either(rip::PORT) => Application::Rip,
            None if either(AODV_PORT) => Application::Aodv,
            None if either(isakmp::PORT) => Application::Isakmp,
            None if either(isakmp::NAT_TRAVERSAL_PORT) => Application::IsakmpNatTraversal,
            None if isakmp::NONSTANDARD_PORTS.into_iter().any(either) => Application::Isakmp,
            None if SNMP_PORTS.into_iter().any(either) => Application::Snmp,
            None if either(NTP_PORT) => Application::Ntp,
            None if either(l2tp::PORT) => Application::L2tp,
            None if destination_port == VAT_PORT => Application::Vat,
            None if either(ripng::PORT) => Application::Ripng,
            None if DHCP6_PORTS.into_iter().any(either) => Application::Dhcp6,
            None if destination_port == WB_PORT => Application::Wb,
            None if radius::PORTS.into_iter().any(either) => Application::Radius,
            None if [bfd::CONTROL_PORT, bfd::ECHO_PORT, bfd::MULTIHOP_PORT].contains(&destination_port) => {
                Application::Bfd(destination_port)
            }
            None if either(LMP_PORT) => Application::Lmp,
            None if either(SIP_PORT) => Application::Sip,
            None if either(SYSLOG_PORT) => Application::Syslog,
            None if either(vxlan::PORT) => Application::Vxlan,
            None if either(geneve::PORT) => Application::Geneve,
            None if either(vxlan_gpe::PORT) => Application::VxlanGpe,
            None if either(mpls::UDP_PORT) => Application::MplsOverUdp,
            // tcpdump first takes a datagram between AppleTalk's ports (319 and 320 among them) whose third byte
            // is 2 for DDP in UDP, which ptstat does not print.
            None if either(ptp::EVENT_PORT) || either(ptp::GENERAL_PORT) => Application::Ptp,
            None => return None,
        })
    }

    pub(super) fn is_tunnel(self) -> bool {
        matches!(
            self,
            Application::Vxlan
                | Application::Geneve
                | Application::VxlanGpe
                | Application::MplsOverUdp
                | Application::L2tp
        )
    }

    /// Prints a payload `length` bytes long, of which `bytes` were captured, inside `envelope`'s IP header.
    pub(super) fn print(
        self,
        line: &mut Line,
        state: &mut PrintState,
        bytes: &[u8],
        length: u32,
        envelope: &IpEnvelope,
    ) -> Printed {
        let verbosity = state.decoding.verbosity;
        let depth = envelope.depth;
        match self {
            Application::Dns => dns::print(line, verbosity, bytes, length),
            Application::Mdns => dns::print_mdns(line, verbosity, bytes, length),
            Application::DnsOverTcp => dns::print_tcp(line, verbosity, bytes, length),
            Application::Text(protocol) => {
                line.push(": ");
                protocol.print(line, verbosity, bytes, length)
            }
            Application::Telnet => telnet::print(line, state.shows_command_bytes, bytes, length),
            Application::Bgp => bgp::print(line, state.decoding, bytes),
            Application::Ssh => ssh::print(line, bytes, length),
            Application::Resp => resp::print(line, bytes, length),
            Application::Sip => text::SIP.print(line, verbosity, bytes, length),
            Application::Bootp => bootp::print(line, verbosity, bytes, length),
            Application::Ntp => ntp::print(line, verbosity, bytes, length),
            Application::Dhcp6 => dhcp6::print(line, verbosity, bytes, length),
            Application::Rip => rip::print(line, verbosity, bytes, length),
            Application::Ripng => ripng::print(line, verbosity, bytes, length),
            Application::Bfd(port) => bfd::print(line, verbosity, bytes, length, port),
            Application::Tftp => tftp::print(line, bytes, length),
            Application::Syslog => syslog::print(line, verbosity, bytes, length),
            Application::Snmp => snmp::print(line, verbosity, bytes, length),
            Application::Radius => radius::print(line, verbosity, bytes, length),
            Application::Ptp => ptp::print(line, bytes, length),
            Application::Isakmp => isakmp::print(line, verbosity, &mut state.isakmp, envelope, bytes, length),
            Application::IsakmpNatTraversal => {
                isakmp::print_nat_traversal(line, verbosity, &mut state.isakmp, envelope, bytes, length)
            }
            Application::Vxlan => vxlan::print(line, state, bytes, length, depth + 1),
            Application::Geneve => geneve::print(line, state, bytes, length, depth + 1),
            Application::VxlanGpe => vxlan_gpe::print(line, state, bytes, length, depth + 1),
            Application::MplsOverUdp => mpls::print(line, state, bytes, length, depth + 1),
            Application::L2tp => l2tp::print(line, state, bytes, length, depth + 1),
            Application::Rtp => rtp::print_rtp(line, verbosity, bytes, length),
            Application::Rtcp => rtp::print_rtcp(line, verbosity, bytes),
            Application::Vat => rtp::print_vat(line, bytes, length),
            Application::Cnfp => cnfp::print(line, bytes),
            Application::Zmtp1 => zmtp1::print(line, verbosity, bytes, length),
            Application::Pgm => pgm::print(line, state, bytes, length, envelope, false),
            Application::Lmp => lmp::print(line, verbosity, bytes, length),
            Application::Wb => wb::print(line, verbosity, bytes, length),
            Application::Aodv => aodv::print(line, bytes, length, matches!(envelope.source, IpAddress::V6(_))),
        }
    }
}
