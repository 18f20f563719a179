//! `--connections`: a connection log instead of packet lines (pktstat-kube's job). One JSON object a line (schema
//! in README, "Connection log") for each new flow, with the local process, its container and pod, and the pod
//! that owns the remote address.
//!
//! A flow is a protocol and two (address, port) ends, in either direction; ICMP echo is keyed by its identifier,
//! other ICMP by type and code. A flow is new when it was never seen, when it was silent for
//! [`FLOW_IDLE_TIMEOUT`], or, for TCP, when a SYN with a new initial sequence number reuses its ports (a
//! retransmitted SYN has the old one). `--unique` shows each connection once, whatever the client port: a
//! connection is the protocol, the local and the remote address, and the server port (`server_port`).
//!
//! Memory is bounded: least recently seen flows are forgotten beyond [`MAX_FLOWS`], and with `--unique` the least
//! recently seen connections beyond [`MAX_UNIQUE_CONNECTIONS`] (a forgotten one is shown again when it recurs).

use std::{
    fmt,
    io::Write,
    net::{IpAddr, Ipv4Addr},
    num::NonZeroUsize,
    str::FromStr,
    time::Duration,
};

use chrono::{DateTime, SecondsFormat};
use etherparse::{Icmpv4Type, Icmpv6Type, TransportSlice};
use lru::LruCache;
use serde::Serialize;

use crate::{
    decode::{self, Decoded, PacketTuple},
    enrich::pods::{PodName, RemotePods},
    packet::{Direction, Interface, InterfaceId, Packet, ProcessContext, Timestamp},
    sink::{
        Sink,
        stats::{IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_TCP, IPPROTO_UDP, ProtocolName},
    },
};

/// The snapshot length of a live capture that only feeds the log (no `-s`, no `-w`): Ethernet with two VLAN tags,
/// IPv6 and TCP up to its flags and sequence number fit with room to spare.
pub const CONNECTION_LOG_SNAPLEN: u32 = 128;

/// A flow silent this long is forgotten: its next packet makes a new line.
pub const FLOW_IDLE_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// The most flows remembered at once (a few MiB).
pub const MAX_FLOWS: usize = 65_536;

/// With `--unique`, the most connections remembered at once.
pub const MAX_UNIQUE_CONNECTIONS: usize = 65_536;

/// `--internal-networks`' default: loopback, RFC 1918, link-local, CGNAT and unique local addresses.
pub const DEFAULT_INTERNAL_NETWORKS: &str =
    "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,169.254.0.0/16,fe80::/10,100.64.0.0/10,fc00::/7";

/// An IP network, `ADDRESS/PREFIX` (a bare address is the network of that address alone).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpNetwork {
    /// With the bits past the prefix cleared.
    network: IpAddr,
    prefix_len: u8,
}

impl IpNetwork {
    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.network, address) {
            (IpAddr::V4(network), IpAddr::V4(address)) => {
                mask_v4(address.to_bits(), self.prefix_len) == network.to_bits()
            }
            (IpAddr::V6(network), IpAddr::V6(address)) => {
                mask_v6(address.to_bits(), self.prefix_len) == network.to_bits()
            }
            _ => false,
        }
    }
}

fn mask_v4(bits: u32, prefix_len: u8) -> u32 {
    bits & u32::MAX.checked_shl(32 - u32::from(prefix_len)).unwrap_or(0)
}

fn mask_v6(bits: u128, prefix_len: u8) -> u128 {
    bits & u128::MAX.checked_shl(128 - u32::from(prefix_len)).unwrap_or(0)
}

impl FromStr for IpNetwork {
    type Err = String;

    /// Host bits past the prefix are ignored (`10.1.2.3/8` is `10.0.0.0/8`), as iptables reads them.
    fn from_str(text: &str) -> Result<Self, String> {
        let invalid = || format!("{text}: not a network (ADDRESS/PREFIX, e.g. 10.0.0.0/8 or fc00::/7)");
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let address: IpAddr = address.parse().map_err(|_| invalid())?;
        let longest = if address.is_ipv4() { 32 } else { 128 };
        let prefix_len = match prefix {
            None => longest,
            Some(prefix) if !prefix.is_empty() && prefix.bytes().all(|byte| byte.is_ascii_digit()) => {
                match prefix.parse::<u8>() {
                    Ok(length) if length <= longest => length,
                    _ => return Err(format!("{text}: prefix length longer than {longest}")),
                }
            }
            Some(_) => return Err(invalid()),
        };
        let network = match address {
            IpAddr::V4(address) => IpAddr::from(mask_v4(address.to_bits(), prefix_len).to_be_bytes()),
            IpAddr::V6(address) => IpAddr::from(mask_v6(address.to_bits(), prefix_len).to_be_bytes()),
        };
        Ok(IpNetwork { network, prefix_len })
    }
}

impl fmt::Display for IpNetwork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix_len)
    }
}

/// `--external`: which remote addresses are outside.
#[derive(Clone, Debug)]
pub struct InternalNetworks(pub Vec<IpNetwork>);

impl InternalNetworks {
    /// Multicast, broadcast and unspecified addresses name no remote host, so they are never external: otherwise
    /// every neighbour solicitation and DHCP request would be logged.
    pub fn is_external(&self, remote: IpAddr) -> bool {
        let no_host = remote.is_multicast() || remote.is_unspecified() || remote == IpAddr::V4(Ipv4Addr::BROADCAST);
        !no_host && !self.0.iter().any(|network| network.contains(remote))
    }
}

/// How a TCP packet relates to the start of its connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Opening {
    /// SYN without ACK: a client opens a connection with this initial sequence number.
    Syn { sequence: u32 },
    /// SYN and ACK: the server answers.
    SynAck,
    /// Anything else, and every packet of other protocols.
    Neither,
}

/// What the connection log reads of a packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FlowPacket {
    /// Addresses and ports as the packet has them (ICMP: type and code in the ports).
    tuple: PacketTuple,
    /// The ports the flow is keyed by: TCP and UDP ports; ICMP echo: its identifier at both ends, so a request and
    /// its reply meet; other ICMP: type and code.
    key_ports: (u16, u16),
    opening: Opening,
}

impl FlowPacket {
    /// `None` for packets that are not IP, and for TCP and UDP packets without ports (later fragments, a
    /// transport header that was not captured): port 0 is never a real one.
    fn read(decoded: &Decoded) -> Option<FlowPacket> {
        let tuple = decoded.tuple()?;
        let ports = (tuple.source_port, tuple.destination_port);
        let mut flow = FlowPacket { tuple, key_ports: ports, opening: Opening::Neither };
        match tuple.protocol {
            IPPROTO_TCP | IPPROTO_UDP if ports == (0, 0) => return None,
            IPPROTO_TCP if tuple.tcp_flags & PacketTuple::TCP_SYN != 0 => {
                flow.opening = match tuple.tcp_flags & PacketTuple::TCP_ACK != 0 {
                    true => Opening::SynAck,
                    // Read again only for SYNs, a small share of packets: the tuple does not carry the sequence.
                    false => match decoded.packet().transport {
                        Some(TransportSlice::Tcp(tcp)) => Opening::Syn { sequence: tcp.sequence_number() },
                        _ => Opening::Neither,
                    },
                };
            }
            IPPROTO_ICMP | IPPROTO_ICMPV6 => {
                if let Some(identifier) = echo_identifier(decoded) {
                    flow.key_ports = (identifier, identifier);
                }
            }
            _ => {}
        }
        Some(flow)
    }

    /// (local, remote) addresses. A packet whose direction the capture does not record (a classic pcap file)
    /// counts as sent: its source is local.
    fn local_and_remote(&self, direction: Option<Direction>) -> (IpAddr, IpAddr) {
        match direction {
            Some(Direction::In) => (self.tuple.destination, self.tuple.source),
            Some(Direction::Out) | None => (self.tuple.source, self.tuple.destination),
        }
    }
}

/// The identifier of an ICMP or ICMPv6 echo request or reply.
fn echo_identifier(decoded: &Decoded) -> Option<u16> {
    match decoded.packet().transport? {
        TransportSlice::Icmpv4(icmp) => match icmp.icmp_type() {
            Icmpv4Type::EchoRequest(echo) | Icmpv4Type::EchoReply(echo) => Some(echo.id),
            _ => None,
        },
        TransportSlice::Icmpv6(icmp) => match icmp.icmp_type() {
            Icmpv6Type::EchoRequest(echo) | Icmpv6Type::EchoReply(echo) => Some(echo.id),
            _ => None,
        },
        _ => None,
    }
}

/// The server's port of a flow, from its first packet: the port a SYN goes to (or a SYN-ACK comes from); when no
/// SYN was seen (UDP, TCP connections older than the capture) the lower port, as servers listen below the
/// ephemeral range clients send from (32768–60999 on Linux). ICMP and other protocols have none (0): one connection
/// per address pair.
fn server_port(packet: &FlowPacket) -> u16 {
    let tuple = &packet.tuple;
    match (tuple.protocol, packet.opening) {
        (_, Opening::Syn { .. }) => tuple.destination_port,
        (_, Opening::SynAck) => tuple.source_port,
        (IPPROTO_TCP | IPPROTO_UDP, Opening::Neither) => tuple.source_port.min(tuple.destination_port),
        _ => 0,
    }
}

/// A flow's two ends in a fixed order, so both directions meet in one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct FlowKey {
    protocol: u8,
    ends: [(IpAddr, u16); 2],
}

impl FlowKey {
    fn of(packet: &FlowPacket) -> FlowKey {
        let source = (packet.tuple.source, packet.key_ports.0);
        let destination = (packet.tuple.destination, packet.key_ports.1);
        let ends = if source <= destination { [source, destination] } else { [destination, source] };
        FlowKey { protocol: packet.tuple.protocol, ends }
    }
}

/// What is remembered of a flow.
#[derive(Clone, Copy, Debug)]
struct FlowState {
    last_seen: Timestamp,
    /// The initial sequence number of the SYN that opened it, if one was seen.
    syn_sequence: Option<u32>,
}

/// `--unique`'s identity of a connection: the client's port left out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct ConnectionKey {
    protocol: u8,
    local: IpAddr,
    remote: IpAddr,
    server_port: u16,
}

/// Tells which packets start something the log has not shown.
struct ConnectionTracker {
    flows: LruCache<FlowKey, FlowState>,
    /// `--unique`: the connections shown.
    shown_connections: Option<LruCache<ConnectionKey, ()>>,
}

impl ConnectionTracker {
    fn new(unique: bool) -> ConnectionTracker {
        let capacity = |count: usize| NonZeroUsize::new(count).unwrap_or(NonZeroUsize::MIN);
        ConnectionTracker {
            flows: LruCache::new(capacity(MAX_FLOWS)),
            shown_connections: unique.then(|| LruCache::new(capacity(MAX_UNIQUE_CONNECTIONS))),
        }
    }

    /// Whether the log shows `packet`, seen at `time`: it starts a flow (or, with `--unique`, a connection) not
    /// shown before.
    fn starts_something_new(&mut self, packet: &FlowPacket, direction: Option<Direction>, time: Timestamp) -> bool {
        let syn_sequence = match packet.opening {
            Opening::Syn { sequence } => Some(sequence),
            Opening::SynAck | Opening::Neither => None,
        };
        let key = FlowKey::of(packet);
        let new_flow = match self.flows.get_mut(&key) {
            Some(state) => {
                let idle = time.0.saturating_sub(state.last_seen.0) > FLOW_IDLE_TIMEOUT.as_nanos() as u64;
                let reopened = syn_sequence.is_some() && syn_sequence != state.syn_sequence;
                state.last_seen = state.last_seen.max(time);
                if idle || reopened {
                    state.syn_sequence = syn_sequence;
                }
                idle || reopened
            }
            None => {
                self.flows.put(key, FlowState { last_seen: time, syn_sequence });
                true
            }
        };
        match &mut self.shown_connections {
            Some(shown) if new_flow => {
                let (local, remote) = packet.local_and_remote(direction);
                let connection =
                    ConnectionKey { protocol: packet.tuple.protocol, local, remote, server_port: server_port(packet) };
                shown.put(connection, ()).is_none()
            }
            _ => new_flow,
        }
    }
}

/// One line of the log (README, "Connection log").
#[derive(Serialize)]
struct ConnectionRecord<'a> {
    timestamp: String,
    proto: String,
    src: IpAddr,
    sport: Option<u16>,
    dst: IpAddr,
    dport: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    icmp_type: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    icmp_code: Option<u16>,
    direction: Option<&'static str>,
    interface: Option<&'a str>,
    /// The local process.
    #[serde(flatten)]
    process: ProcessRecord<'a>,
    remote_pod: Option<PodRecord<'a>>,
    /// The process at the other end, when that end is on this host too.
    peer: Option<ProcessRecord<'a>>,
}

#[derive(Serialize)]
struct ProcessRecord<'a> {
    pid: Option<u32>,
    comm: Option<&'a str>,
    cgroup: Option<&'a str>,
    container: Option<ContainerRecord<'a>>,
    pod: Option<PodRecord<'a>>,
}

impl<'a> ProcessRecord<'a> {
    fn of(process: Option<&'a ProcessContext>) -> ProcessRecord<'a> {
        ProcessRecord {
            pid: process.map(|process| process.pid),
            comm: process.map(|process| process.name.as_str()),
            cgroup: process.and_then(|process| Some(process.cgroup.as_str()).filter(|cgroup| !cgroup.is_empty())),
            container: process.and_then(|process| process.container.as_ref()).map(|container| ContainerRecord {
                name: &container.name,
                id: &container.id,
                image: &container.image,
            }),
            pod: process
                .and_then(|process| process.pod.as_ref())
                .map(|pod| PodRecord { name: &pod.name, namespace: &pod.namespace }),
        }
    }
}

#[derive(Serialize)]
struct ContainerRecord<'a> {
    name: &'a str,
    id: &'a str,
    image: &'a str,
}

#[derive(Serialize)]
struct PodRecord<'a> {
    name: &'a str,
    namespace: &'a str,
}

impl<'a> ConnectionRecord<'a> {
    fn new(
        packet: &'a Packet,
        interface: &'a Interface,
        flow: &FlowPacket,
        remote_pod: Option<&'a PodName>,
    ) -> ConnectionRecord<'a> {
        let tuple = &flow.tuple;
        let (ports, icmp) = match tuple.protocol {
            IPPROTO_TCP | IPPROTO_UDP => ((Some(tuple.source_port), Some(tuple.destination_port)), (None, None)),
            IPPROTO_ICMP | IPPROTO_ICMPV6 => ((None, None), (Some(tuple.source_port), Some(tuple.destination_port))),
            _ => ((None, None), (None, None)),
        };
        let not_empty = |text: &'a str| Some(text).filter(|text| !text.is_empty());
        ConnectionRecord {
            timestamp: rfc3339_nanos(packet.timestamp),
            proto: ProtocolName(tuple.protocol).to_string(),
            src: tuple.source,
            sport: ports.0,
            dst: tuple.destination,
            dport: ports.1,
            icmp_type: icmp.0,
            icmp_code: icmp.1,
            direction: packet.direction.map(|direction| match direction {
                Direction::In => "in",
                Direction::Out => "out",
            }),
            interface: not_empty(&interface.name),
            process: ProcessRecord::of(packet.process),
            remote_pod: remote_pod.map(|pod| PodRecord { name: &pod.name, namespace: &pod.namespace }),
            peer: packet.peer.map(|peer| ProcessRecord::of(Some(peer))),
        }
    }
}

/// `2025-01-31T12:34:56.123456789Z`.
fn rfc3339_nanos(timestamp: Timestamp) -> String {
    let seconds = i64::try_from(timestamp.secs()).unwrap_or(i64::MAX);
    DateTime::from_timestamp(seconds, timestamp.subsec_nanos())
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Nanos, true)
}

/// What the flags ask of the log.
#[derive(Clone, Default)]
pub struct ConnectionLogOptions {
    /// `--unique`: each connection once, whatever the client port.
    pub unique: bool,
    /// `--external`: only flows whose remote address is outside these networks.
    pub external_only: Option<InternalNetworks>,
    /// Names the pods of remote addresses (`--kubeconfig`, `KUBECONFIG`, in-cluster).
    pub remote_pods: Option<RemotePods>,
}

/// The sink: one JSON line per new flow or connection on `output`, flushed at once.
pub struct ConnectionLog<W> {
    output: W,
    tracker: ConnectionTracker,
    external_only: Option<InternalNetworks>,
    remote_pods: Option<RemotePods>,
}

impl<W: Write> ConnectionLog<W> {
    pub fn new(output: W, options: ConnectionLogOptions) -> ConnectionLog<W> {
        ConnectionLog {
            output,
            tracker: ConnectionTracker::new(options.unique),
            external_only: options.external_only,
            remote_pods: options.remote_pods,
        }
    }
}

impl<W: Write> Sink for ConnectionLog<W> {
    fn add_interface(&mut self, _id: InterfaceId, _interface: &Interface) -> anyhow::Result<()> {
        Ok(())
    }

    fn write_packet(&mut self, packet: &Packet, interface: &Interface) -> anyhow::Result<()> {
        let Ok(decoded) = decode::decode(interface.link_type, packet.data, packet.original_len) else { return Ok(()) };
        let Some(flow) = FlowPacket::read(&decoded) else { return Ok(()) };
        let (_, remote) = flow.local_and_remote(packet.direction);
        if self.external_only.as_ref().is_some_and(|internal| !internal.is_external(remote)) {
            // Not remembered either: internal traffic costs the table nothing.
            return Ok(());
        }
        if !self.tracker.starts_something_new(&flow, packet.direction, packet.timestamp) {
            return Ok(());
        }
        // Once per line, from the watcher's in-memory index.
        let remote_pod = self.remote_pods.as_ref().and_then(|pods| pods.pod_of(remote));
        let record = ConnectionRecord::new(packet, interface, &flow, remote_pod.as_ref());
        serde_json::to_writer(&mut self.output, &record)?;
        self.output.write_all(b"\n")?;
        self.output.flush()?;
        Ok(())
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        Ok(self.output.flush()?)
    }
}

#[cfg(test)]
mod tests {
    use pcap_file::DataLink;
    use serde_json::Value;

    use super::*;
    use crate::packet::{ContainerContext, PodContext};

    fn network(text: &str) -> IpNetwork {
        text.parse().unwrap_or_else(|error| panic!("{error}"))
    }

    fn address(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn networks_parse_and_match() {
        let private = network("172.16.0.0/12");
        assert!(private.contains(address("172.31.255.255")));
        assert!(!private.contains(address("172.32.0.0")));
        assert!(!private.contains(address("::ffff:172.16.0.1")), "IPv6 never matches an IPv4 network");
        let unique_local = network("fc00::/7");
        assert!(unique_local.contains(address("fd77:51::2")));
        assert!(!unique_local.contains(address("fe80::1")));
        assert_eq!(network("10.1.2.3/8").to_string(), "10.0.0.0/8");
        assert_eq!(network("192.0.2.7").to_string(), "192.0.2.7/32");
        assert!(network("192.0.2.7").contains(address("192.0.2.7")));
        assert!(network("0.0.0.0/0").contains(address("203.0.113.9")));
        assert!(network("::/0").contains(address("2001:db8::1")));
        assert_eq!(network("2001:db8::1/128").to_string(), "2001:db8::1/128");
    }

    #[test]
    fn bad_networks_say_what_is_wrong() {
        for (text, complaint) in [
            ("10.0.0.0/33", "prefix length longer than 32"),
            ("fc00::/129", "prefix length longer than 128"),
            ("10.0.0.0/", "not a network"),
            ("10.0.0.0/+8", "not a network"),
            ("10.0.0/8", "not a network"),
            ("internal", "not a network"),
            ("", "not a network"),
        ] {
            let error = text.parse::<IpNetwork>().unwrap_err();
            assert!(error.starts_with(&format!("{text}: {complaint}")), "{text}: {error}");
        }
    }

    #[test]
    fn default_internal_networks_and_hostless_addresses() {
        let networks = DEFAULT_INTERNAL_NETWORKS.split(',').map(network).collect();
        let internal = InternalNetworks(networks);
        for inside in ["127.0.0.1", "::1", "10.77.51.2", "172.20.0.1", "192.168.1.1", "169.254.169.254", "fe80::1"] {
            assert!(!internal.is_external(address(inside)), "{inside}");
        }
        for inside in ["100.64.0.1", "fd00::1", "ff02::2", "224.0.0.251", "255.255.255.255", "0.0.0.0", "::"] {
            assert!(!internal.is_external(address(inside)), "{inside}");
        }
        for outside in ["8.8.8.8", "172.32.0.1", "100.128.0.1", "2001:db8::1", "192.169.0.1"] {
            assert!(internal.is_external(address(outside)), "{outside}");
        }
    }

    /// A raw IPv4 packet: TCP with `flags` and `sequence`, or UDP (`flags` ignored).
    fn ipv4_packet(
        protocol: u8,
        source: ([u8; 4], u16),
        destination: ([u8; 4], u16),
        flags: u8,
        sequence: u32,
    ) -> Vec<u8> {
        let transport_len: u16 = if protocol == IPPROTO_TCP { 20 } else { 8 };
        let mut bytes = vec![0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, protocol, 0, 0];
        bytes[2..4].copy_from_slice(&(20 + transport_len).to_be_bytes());
        bytes.extend_from_slice(&source.0);
        bytes.extend_from_slice(&destination.0);
        bytes.extend_from_slice(&source.1.to_be_bytes());
        bytes.extend_from_slice(&destination.1.to_be_bytes());
        if protocol == IPPROTO_TCP {
            bytes.extend_from_slice(&sequence.to_be_bytes());
            bytes.extend_from_slice(&[0, 0, 0, 0, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
        } else {
            bytes.extend_from_slice(&[0, 8, 0, 0]);
        }
        bytes
    }

    /// An ICMP echo request (type 8) or reply (type 0) with `identifier`.
    fn icmp_echo(source: [u8; 4], destination: [u8; 4], kind: u8, identifier: u16) -> Vec<u8> {
        let mut bytes = vec![0x45, 0, 0, 28, 0, 0, 0x40, 0, 64, IPPROTO_ICMP, 0, 0];
        bytes.extend_from_slice(&source);
        bytes.extend_from_slice(&destination);
        bytes.extend_from_slice(&[kind, 0, 0, 0]);
        bytes.extend_from_slice(&identifier.to_be_bytes());
        bytes.extend_from_slice(&[0, 1]);
        bytes
    }

    const CLIENT: [u8; 4] = [10, 0, 0, 1];
    const SERVER: [u8; 4] = [93, 184, 216, 34];
    const SYN: u8 = PacketTuple::TCP_SYN;
    const SYN_ACK: u8 = PacketTuple::TCP_SYN | PacketTuple::TCP_ACK;
    const ACK: u8 = PacketTuple::TCP_ACK;

    fn raw_interface() -> Interface {
        Interface { name: "eth0".into(), index: 2, link_type: DataLink::RAW, snaplen: 128, description: None }
    }

    fn flow_packet(bytes: &[u8]) -> FlowPacket {
        let decoded = decode::decode(DataLink::RAW, bytes, bytes.len() as u32).expect("decodes");
        FlowPacket::read(&decoded).expect("an IP packet with ports")
    }

    /// Feeds packets (bytes, direction, seconds) to a tracker; returns which of them it shows.
    fn shown(unique: bool, packets: &[(Vec<u8>, Direction, u64)]) -> Vec<bool> {
        let mut tracker = ConnectionTracker::new(unique);
        packets
            .iter()
            .map(|(bytes, direction, seconds)| {
                let time = Timestamp(seconds * 1_000_000_000);
                tracker.starts_something_new(&flow_packet(bytes), Some(*direction), time)
            })
            .collect()
    }

    #[test]
    fn a_flow_is_shown_once_in_either_direction() {
        use Direction::*;
        let tcp = |from, to, flags, sequence| ipv4_packet(IPPROTO_TCP, from, to, flags, sequence);
        let connection = [
            (tcp((CLIENT, 40000), (SERVER, 443), SYN, 7), Out, 0),
            (tcp((SERVER, 443), (CLIENT, 40000), SYN_ACK, 99), In, 0),
            (tcp((CLIENT, 40000), (SERVER, 443), ACK, 8), Out, 0),
            // A retransmitted SYN carries the same initial sequence number: still the same connection.
            (tcp((CLIENT, 40000), (SERVER, 443), SYN, 7), Out, 1),
            // The same ports again with a new SYN: a new connection.
            (tcp((CLIENT, 40000), (SERVER, 443), SYN, 5000), Out, 2),
            (tcp((SERVER, 443), (CLIENT, 40000), ACK, 1), In, 3),
            // Silent for longer than the idle timeout: shown again.
            (tcp((SERVER, 443), (CLIENT, 40000), ACK, 1), In, 3 + FLOW_IDLE_TIMEOUT.as_secs() + 1),
            // Another client port: another flow.
            (tcp((CLIENT, 40001), (SERVER, 443), SYN, 7), Out, 400),
        ];
        assert_eq!(shown(false, &connection), [true, false, false, false, true, false, true, true]);
    }

    #[test]
    fn unique_leaves_the_client_port_out() {
        use Direction::*;
        let tcp = |from, to, flags| ipv4_packet(IPPROTO_TCP, from, to, flags, 1);
        let udp = |from, to| ipv4_packet(IPPROTO_UDP, from, to, 0, 0);
        let packets = [
            (tcp((CLIENT, 40000), (SERVER, 443), SYN), Out, 0),
            (tcp((CLIENT, 40001), (SERVER, 443), SYN), Out, 0),
            // The server port decides, not the lower port: a SYN to a high port from a low one.
            (tcp((CLIENT, 80), (SERVER, 50000), SYN), Out, 0),
            (tcp((CLIENT, 81), (SERVER, 50000), SYN), Out, 0),
            // A SYN-ACK names the server by its source port.
            (tcp((SERVER, 8443), (CLIENT, 40002), SYN_ACK), In, 0),
            (tcp((CLIENT, 40003), (SERVER, 8443), SYN), Out, 0),
            // Without a SYN: the lower port.
            (udp((CLIENT, 53000), (SERVER, 53)), Out, 0),
            (udp((SERVER, 53), (CLIENT, 53001)), In, 0),
            // Another remote address is another connection.
            (tcp((CLIENT, 40004), ([93, 184, 216, 35], 443), SYN), Out, 0),
        ];
        assert_eq!(shown(true, &packets), [true, false, true, false, true, false, true, false, true]);
    }

    #[test]
    fn icmp_echo_requests_and_replies_meet_by_identifier() {
        use Direction::*;
        let packets = [
            (icmp_echo(CLIENT, SERVER, 8, 77), Out, 0),
            (icmp_echo(SERVER, CLIENT, 0, 77), In, 0),
            (icmp_echo(CLIENT, SERVER, 8, 78), Out, 0),
        ];
        assert_eq!(shown(false, &packets), [true, false, true]);
        // --unique: one connection per address pair.
        assert_eq!(shown(true, &packets), [true, false, false]);
    }

    #[test]
    fn packets_without_ports_are_not_flows() {
        let mut fragment = ipv4_packet(IPPROTO_UDP, (CLIENT, 1), (SERVER, 2), 0, 0);
        // A later fragment: offset 8 bytes, no UDP header of its own.
        fragment[6..8].copy_from_slice(&[0, 1]);
        let decoded = decode::decode(DataLink::RAW, &fragment, fragment.len() as u32).unwrap();
        assert_eq!(FlowPacket::read(&decoded), None);
    }

    fn log_lines(
        options: ConnectionLogOptions,
        packets: &[(&[u8], Option<Direction>, Option<&ProcessContext>)],
    ) -> Vec<Value> {
        log_lines_with_peer(options, packets, None)
    }

    /// `log_lines` of packets whose other end is `peer`.
    fn log_lines_with_peer(
        options: ConnectionLogOptions,
        packets: &[(&[u8], Option<Direction>, Option<&ProcessContext>)],
        peer: Option<&ProcessContext>,
    ) -> Vec<Value> {
        let interface = raw_interface();
        let mut log = ConnectionLog::new(Vec::new(), options);
        for (at, (bytes, direction, process)) in packets.iter().enumerate() {
            let packet = Packet {
                timestamp: Timestamp(1_700_000_000_123_456_789 + at as u64),
                interface: 0,
                direction: *direction,
                original_len: bytes.len() as u32,
                data: bytes,
                process: *process,
                peer,
            };
            log.write_packet(&packet, &interface).unwrap();
        }
        log.finish().unwrap();
        String::from_utf8(log.output).unwrap().lines().map(|line| serde_json::from_str(line).unwrap()).collect()
    }

    #[test]
    fn lines_have_the_documented_shape() {
        let process = ProcessContext {
            pid: 4242,
            name: "curl".into(),
            cgroup: "/kubepods/pod1/abc".into(),
            container: Some(ContainerContext {
                name: "app".into(),
                id: "abc".into(),
                image: "docker.io/library/curl:8".into(),
                ..Default::default()
            }),
            pod: Some(PodContext { name: "client-0".into(), namespace: "shop".into(), ..Default::default() }),
            ..Default::default()
        };
        let syn = ipv4_packet(IPPROTO_TCP, (CLIENT, 40000), (SERVER, 443), SYN, 1);
        let server = ProcessContext { pid: 777, name: "python3".into(), ..Default::default() };
        let lines = log_lines_with_peer(
            ConnectionLogOptions::default(),
            &[(&syn, Some(Direction::Out), Some(&process))],
            Some(&server),
        );
        assert_eq!(
            lines,
            [serde_json::json!({
                "timestamp": "2023-11-14T22:13:20.123456789Z",
                "proto": "tcp",
                "src": "10.0.0.1",
                "sport": 40000,
                "dst": "93.184.216.34",
                "dport": 443,
                "direction": "out",
                "interface": "eth0",
                "pid": 4242,
                "comm": "curl",
                "cgroup": "/kubepods/pod1/abc",
                "container": {"name": "app", "id": "abc", "image": "docker.io/library/curl:8"},
                "pod": {"name": "client-0", "namespace": "shop"},
                "remote_pod": null,
                "peer": {"pid": 777, "comm": "python3", "cgroup": null, "container": null, "pod": null},
            })]
        );
    }

    #[test]
    fn unknown_processes_and_icmp_lines() {
        let request = icmp_echo(SERVER, CLIENT, 8, 9);
        let lines = log_lines(ConnectionLogOptions::default(), &[(&request, None, None)]);
        assert_eq!(
            lines,
            [serde_json::json!({
                "timestamp": "2023-11-14T22:13:20.123456789Z",
                "proto": "icmp",
                "src": "93.184.216.34",
                "sport": null,
                "dst": "10.0.0.1",
                "dport": null,
                "icmp_type": 8,
                "icmp_code": 0,
                "direction": null,
                "interface": "eth0",
                "pid": null,
                "comm": null,
                "cgroup": null,
                "container": null,
                "pod": null,
                "remote_pod": null,
                "peer": null,
            })]
        );
    }

    #[test]
    fn external_only_keeps_remote_addresses_outside() {
        let internal = InternalNetworks(vec![network("10.0.0.0/8")]);
        let options = ConnectionLogOptions { external_only: Some(internal), ..Default::default() };
        let outgoing = ipv4_packet(IPPROTO_UDP, (CLIENT, 5000), (SERVER, 53), 0, 0);
        let incoming = ipv4_packet(IPPROTO_UDP, (SERVER, 5001), (CLIENT, 53), 0, 0);
        let internal_peer = ipv4_packet(IPPROTO_UDP, (CLIENT, 5002), ([10, 9, 9, 9], 53), 0, 0);
        let lines = log_lines(
            options,
            &[
                (&outgoing, Some(Direction::Out), None),
                (&incoming, Some(Direction::In), None),
                (&internal_peer, Some(Direction::Out), None),
                // Received, so its source is the remote end: an internal one.
                (&internal_peer, Some(Direction::In), None),
            ],
        );
        let ports: Vec<(Value, &str)> =
            lines.iter().map(|line| (line["sport"].clone(), line["direction"].as_str().unwrap())).collect();
        assert_eq!(ports, [(5000.into(), "out"), (5001.into(), "in")]);
    }
}
