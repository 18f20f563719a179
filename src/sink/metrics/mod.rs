//! `--metrics ADDRESS`: Prometheus metrics over HTTP. `aggregate` turns the kernel's flow table (--stats, read
//! every tick) or a capture's packets into counters with few labels; `server` answers scrapes.

pub mod aggregate;
mod server;

use std::{
    collections::HashSet,
    ffi::c_int,
    io,
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener},
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::Context;
use prometheus_client::registry::Registry;

use self::aggregate::{Aggregate, CaptureProgress, Labelling, PacketSeries, Traffic};
use crate::{
    decode::decode,
    packet::{Interface, InterfaceId, Packet, ProcessContext, Sink},
    source::live::flows::{CountedFlow, FlowTable},
};

/// How often the flow table is read for the metrics: a scrape sees counts at most this old.
pub const READ_INTERVAL: Duration = Duration::from_secs(1);

/// The metrics and their server; with a capture, the sink that counts its packets.
pub struct Metrics {
    aggregate: Aggregate,
    local: LocalAddresses,
    /// When the kernel's flow table was last read (--stats).
    last_read: Option<Instant>,
    /// A capture's counts, until the capture loop takes them to feed.
    capture_progress: Option<CaptureProgress>,
}

impl Metrics {
    /// Binds `address` (a busy port or an address not of this host is an error here, before capture starts) and
    /// serves the metrics from a thread of its own; those of the kernel's flow table with `kernel_table` (--stats).
    pub fn serve(
        address: SocketAddr,
        labelling: Labelling,
        max_series: usize,
        kernel_table: bool,
    ) -> anyhow::Result<Metrics> {
        let listener = TcpListener::bind(address).with_context(|| format!("--metrics {address}"))?;
        let mut registry = Registry::default();
        let aggregate = Aggregate::new(&mut registry, labelling, max_series, kernel_table);
        let capture_progress = (!kernel_table).then(|| CaptureProgress::new(&mut registry));
        server::spawn(listener, Arc::new(registry))?;
        Ok(Metrics { aggregate, local: LocalAddresses::default(), last_read: None, capture_progress })
    }

    /// A capture's counts (tcpdump's counters and the flows of its tally), for the capture loop to feed every
    /// tick; `None` with --stats, or once taken.
    pub fn take_capture_progress(&mut self) -> Option<CaptureProgress> {
        self.capture_progress.take()
    }

    /// With --stats: ptstat counts on `interface` alone, which labels every series.
    pub fn count_on(&mut self, interface: &str) {
        self.aggregate.count_on(interface);
    }

    /// Reads the kernel's flow table into the metrics, about every `READ_INTERVAL` however often it is called
    /// (the live view ticks every 50 ms); `context_of` names a flow's process.
    pub fn fold(
        &mut self,
        flows: &FlowTable,
        context_of: impl FnMut(&CountedFlow) -> Option<Arc<ProcessContext>>,
    ) -> anyhow::Result<()> {
        // Half: ticks of `READ_INTERVAL` may come a little early or late, each must read.
        if self.last_read.is_some_and(|read| read.elapsed() < READ_INTERVAL / 2) {
            return Ok(());
        }
        self.last_read = Some(Instant::now());
        self.aggregate.fold(flows.read()?, self.local.now()?, context_of);
        Ok(())
    }
}

impl Sink for Metrics {
    fn add_interface(&mut self, _id: InterfaceId, _interface: &Interface) -> anyhow::Result<()> {
        Ok(())
    }

    fn write_packet(&mut self, packet: &Packet, interface: &Interface) -> anyhow::Result<()> {
        let decoded = decode(interface.link_type, packet.data, packet.original_len);
        let Some(tuple) = decoded.ok().and_then(|decoded| decoded.tuple()) else { return Ok(()) };
        let pid = packet.process.map_or(0, |process| process.pid);
        let (protocol, source, destination) = (tuple.protocol, tuple.source, tuple.destination);
        let series = PacketSeries { interface: packet.interface, protocol, source, destination, pid };
        let bytes = u64::from(packet.original_len);
        if !self.aggregate.count_known_packet(&series, bytes) {
            let traffic =
                Traffic { protocol, source, destination, pid, process: packet.process, interface: &interface.name };
            self.aggregate.count_new_packet(series, &traffic, bytes, self.local.now()?);
        }
        Ok(())
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        Ok(())
    }
}

/// This host's addresses, listed again when asked for a second or more after the last listing: addresses come
/// and go (DHCP, a VPN, an interface added).
#[derive(Default)]
struct LocalAddresses {
    addresses: HashSet<IpAddr>,
    listed: Option<Instant>,
}

impl LocalAddresses {
    fn now(&mut self) -> anyhow::Result<&HashSet<IpAddr>> {
        if self.listed.is_none_or(|listed| listed.elapsed() >= READ_INTERVAL) {
            self.addresses = local_addresses().context("listing this host's addresses")?;
            self.listed = Some(Instant::now());
        }
        Ok(&self.addresses)
    }
}

/// The addresses of ptstat's network namespace: which end of a flow is this host.
fn local_addresses() -> io::Result<HashSet<IpAddr>> {
    let mut first = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `first` with a list it allocated, freed below.
    if unsafe { libc::getifaddrs(&mut first) } != 0 {
        return Err(io::Error::last_os_error());
    }
    let mut addresses = HashSet::new();
    let mut entry = first;
    while !entry.is_null() {
        // SAFETY: `entry` is a node of the list getifaddrs made, not freed yet.
        let node = unsafe { &*entry };
        if !node.ifa_addr.is_null() {
            // SAFETY: ifa_addr points at a sockaddr of the family it names, sockaddr_in or sockaddr_in6 here.
            let address = unsafe {
                match c_int::from((*node.ifa_addr).sa_family) {
                    libc::AF_INET => {
                        let v4 = &*(node.ifa_addr as *const libc::sockaddr_in);
                        Some(IpAddr::V4(Ipv4Addr::from(u32::from_be(v4.sin_addr.s_addr))))
                    }
                    libc::AF_INET6 => {
                        let v6 = &*(node.ifa_addr as *const libc::sockaddr_in6);
                        Some(IpAddr::V6(Ipv6Addr::from(v6.sin6_addr.s6_addr)))
                    }
                    _ => None,
                }
            };
            addresses.extend(address);
        }
        entry = node.ifa_next;
    }
    // SAFETY: `first` is the list getifaddrs returned, freed once.
    unsafe { libc::freeifaddrs(first) };
    Ok(addresses)
}
