//! The hooks besides TC that capture and counting can run on: XDP (received frames, before the kernel allocates
//! anything for them), cgroup-skb (the packets of a cgroup's sockets, on any interface), socket filters of packet
//! sockets (tcpdump's tap, no hook at all) and tp-btf (the `netif_receive_skb` and `net_dev_queue` tracepoints, every
//! interface of every network namespace, nothing attached to any of them). XDP, cgroup-skb and tp-btf attach through
//! BPF links owned by ptstat's file descriptors, socket filters to ptstat's own sockets, so the kernel detaches them
//! however ptstat ends.

use std::{
    fs::{self, File},
    os::fd::{AsRawFd, FromRawFd, OwnedFd},
    path::{Path, PathBuf},
};

use anyhow::Context;
use aya::{
    Ebpf,
    maps::{HashMap, MapData},
    programs::{CgroupAttachMode, CgroupSkb, CgroupSkbAttachType, SocketFilter, Xdp, XdpMode as XdpAttachMode},
};
use clap::ValueEnum;
use pcap_file::DataLink;

use crate::source::live::cgroup2::cgroup2_root;

use super::{
    attach::Directions,
    event::InterfaceKey,
    interfaces::SystemInterface,
    programs::{HookPrograms, attach_btf_tracepoints, load_program},
};

/// Where the programs run (`--backend`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    /// TC ingress and egress of each interface (TCX, or clsact before kernel 6.6).
    #[default]
    Tc,
    /// XDP on each interface: received packets only.
    Xdp,
    /// cgroup-skb ingress and egress of a cgroup (`--cgroup`): the packets of its processes' sockets, from the IP
    /// header on, whatever the interface.
    CgroupSkb,
    /// An eBPF socket filter on a packet socket of each interface: where tcpdump sees packets, with nothing
    /// attached to TC or XDP.
    SocketFilter,
    /// The tracepoints `netif_receive_skb` (received) and `net_dev_queue` (sent), as tp_btf programs: every
    /// interface of every network namespace passes them, and nothing is attached to any interface.
    TpBtf,
}

/// How to attach XDP (`--xdp-mode`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum XdpMode {
    /// Native where the driver supports it, else generic.
    #[default]
    Auto,
    /// In the kernel's generic receive path: works on every device, costs an skb per packet.
    Generic,
    /// In the driver.
    Native,
    /// On the network card.
    Offload,
}

impl XdpMode {
    fn name(self) -> &'static str {
        match self {
            XdpMode::Auto => "auto",
            XdpMode::Generic => "generic",
            XdpMode::Native => "native",
            XdpMode::Offload => "offload",
        }
    }
}

/// Whether XDP can attach to `interface`: Ethernet devices (loopback is not one).
pub fn takes_xdp(interface: &SystemInterface) -> bool {
    interface.link_type() == Some(DataLink::ETHERNET) && !interface.is_loopback()
}

/// Attaches the XDP program of `programs` to `interface`.
pub fn attach_xdp(
    ebpf: &mut Ebpf,
    programs: &HookPrograms,
    interface: &SystemInterface,
    mode: XdpMode,
) -> anyhow::Result<()> {
    if !takes_xdp(interface) {
        anyhow::bail!("{}: XDP needs an Ethernet device", interface.name);
    }
    let program: &mut Xdp = load_program(ebpf, programs.xdp)?;
    let attach_mode = match mode {
        // The kernel's choice: the driver's hook where it has one.
        XdpMode::Auto => XdpAttachMode::Default,
        XdpMode::Generic => XdpAttachMode::Skb,
        XdpMode::Native => XdpAttachMode::Driver,
        XdpMode::Offload => XdpAttachMode::Hardware,
    };
    program
        .attach_to_if_index(interface.index, attach_mode)
        .with_context(|| format!("{}: attaching XDP ({} mode)", interface.name, mode.name()))?;
    Ok(())
}

/// Attaches the cgroup-skb programs of `programs` to the cgroup v2 directory `cgroup` (`None`: the root, the whole
/// host), in `directions`. Returns the directory's path.
pub fn attach_cgroup_skb(
    ebpf: &mut Ebpf,
    programs: &HookPrograms,
    cgroup: Option<&Path>,
    directions: Directions,
) -> anyhow::Result<PathBuf> {
    let cgroup = match cgroup {
        Some(path) => path.to_path_buf(),
        None => cgroup2_root().context("no cgroup v2 hierarchy is mounted")?,
    };
    let cgroup = cgroup.as_path();
    let directory = File::open(cgroup).with_context(|| format!("{}: opening the cgroup", cgroup.display()))?;
    let hooks = match directions {
        Directions::In => vec![(programs.cgroup_ingress, CgroupSkbAttachType::Ingress)],
        Directions::Out => vec![(programs.cgroup_egress, CgroupSkbAttachType::Egress)],
        Directions::Inout => vec![
            (programs.cgroup_ingress, CgroupSkbAttachType::Ingress),
            (programs.cgroup_egress, CgroupSkbAttachType::Egress),
        ],
    };
    for (name, hook) in hooks {
        let program: &mut CgroupSkb = load_program(ebpf, name)?;
        // Through a BPF link, which the kernel always puts beside whatever else is attached there (and which
        // takes no flags: asking for "multiple" explicitly is EINVAL).
        program
            .attach(&directory, hook, CgroupAttachMode::Single)
            .with_context(|| format!("{}: attaching cgroup-skb {hook:?}", cgroup.display()))?;
    }
    Ok(cgroup.to_path_buf())
}

/// ebpf/packet_socket.h: teaches the owner maps the flows of sent packets, for the packet sockets' filters.
const SOCKET_FLOW_TEACHER: &str = "socket_flow_teacher";

/// With socket filters: attaches the program that names sent packets' flows after their sockets' processes to the
/// cgroup v2 root's egress (all of the host's sockets), through a BPF link beside whatever else is there.
pub fn attach_socket_flow_teacher(ebpf: &mut Ebpf) -> anyhow::Result<()> {
    let root = cgroup2_root().context("no cgroup v2 hierarchy is mounted")?;
    let directory = File::open(&root).with_context(|| format!("{}: opening the cgroup", root.display()))?;
    let program: &mut CgroupSkb = load_program(ebpf, SOCKET_FLOW_TEACHER)?;
    program
        .attach(&directory, CgroupSkbAttachType::Egress, CgroupAttachMode::Single)
        .with_context(|| format!("{}: attaching {SOCKET_FLOW_TEACHER}", root.display()))?;
    Ok(())
}

/// Puts the socket filter of `programs` for `interface`'s link type on a packet socket bound to it, made in the
/// calling thread's network namespace (the interface's). The filter runs for as long as the socket is open, and
/// queues nothing on it: the ring buffer carries the packets. Returns the socket.
pub fn attach_socket_filter(
    ebpf: &mut Ebpf,
    programs: &HookPrograms,
    interface: &SystemInterface,
) -> anyhow::Result<OwnedFd> {
    let name = match interface.link_type() {
        Some(DataLink::RAW) => programs.socket_l3,
        _ => programs.socket,
    };
    let program: &mut SocketFilter = load_program(ebpf, name)?;
    let socket = packet_socket().with_context(|| format!("{}: opening a packet socket", interface.name))?;
    // Before binding: from then on the socket sees the interface's packets, and without its filter it would
    // queue them.
    program.attach(&socket).map_err(|error| {
        let larger_than_allowed = std::iter::successors(Some(&error as &dyn std::error::Error), |error| error.source())
            .filter_map(|error| error.downcast_ref::<std::io::Error>())
            .any(|error| error.raw_os_error() == Some(libc::ENOMEM));
        let attaching = format!("{}: attaching the socket filter", interface.name);
        match larger_than_allowed {
            true => anyhow::Error::new(error).context(format!(
                "{attaching}: the kernel charges it to the socket's option memory, and net.core.optmem_max ({}) \
                 is less than it takes (Linux before 6.9 defaults to 20480): raise it, e.g. sysctl -w \
                 net.core.optmem_max={SOCKET_FILTER_OPTMEM}",
                fs::read_to_string(OPTMEM_MAX).unwrap_or_default().trim()
            )),
            false => anyhow::Error::new(error).context(attaching),
        }
    })?;
    bind_to_interface(&socket, interface.index)
        .with_context(|| format!("{}: binding a packet socket to it", interface.name))?;
    Ok(socket)
}

/// Where Linux bounds the option memory of a socket, which a socket filter is charged to.
const OPTMEM_MAX: &str = "/proc/sys/net/core/optmem_max";
/// An `optmem_max` that ptstat's socket filters fit in: the default since Linux 6.9.
const SOCKET_FILTER_OPTMEM: u32 = 131_072;

/// `ETH_P_ALL` in network byte order: a packet socket's protocol that takes every packet, sent ones included.
const EVERY_PROTOCOL: u16 = (libc::ETH_P_ALL as u16).to_be();

/// An `AF_PACKET` raw socket (packets from their link-layer header on, as TC sees them) that is bound to no
/// interface yet and so sees nothing: a socket made with a protocol would see every interface's packets until bound.
fn packet_socket() -> std::io::Result<OwnedFd> {
    // SAFETY: socket() takes no pointers; a non-negative result is a new descriptor that nothing else owns.
    let fd = unsafe { libc::socket(libc::AF_PACKET, libc::SOCK_RAW | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `fd` was just returned by socket() and is owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Binds packet socket `socket` to the interface `ifindex`, for every protocol.
fn bind_to_interface(socket: &OwnedFd, ifindex: u32) -> std::io::Result<()> {
    // SAFETY: sockaddr_ll is plain data; all zeros is a valid value.
    let mut address: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
    address.sll_family = libc::AF_PACKET as u16;
    address.sll_protocol = EVERY_PROTOCOL;
    address.sll_ifindex = ifindex as i32;
    // SAFETY: `address` is a valid sockaddr_ll and the length given is its size; the descriptor is open.
    let bound = unsafe {
        libc::bind(
            socket.as_raw_fd(),
            std::ptr::from_ref(&address).cast::<libc::sockaddr>(),
            std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
        )
    };
    if bound < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// The map of the interfaces the tp-btf programs trace (`traced_interfaces` of ebpf/tracepoints.h).
const TRACED_INTERFACES_MAP: &str = "traced_interfaces";
/// The key of `TRACED_INTERFACES_MAP` that stands for every interface of every network namespace.
const EVERY_INTERFACE: InterfaceKey = InterfaceKey::new(0, 0);

/// Attaches the tp-btf programs of `programs` to their tracepoints, in `directions`; they trace nothing until
/// `trace_interface` or `trace_every_interface` says what.
pub fn attach_tracepoints(ebpf: &mut Ebpf, programs: &HookPrograms, directions: Directions) -> anyhow::Result<()> {
    let received = (programs.tracepoint_ingress, "netif_receive_skb");
    let queued = (programs.tracepoint_egress, "net_dev_queue");
    match directions {
        Directions::In => attach_btf_tracepoints(ebpf, &[received]),
        Directions::Out => attach_btf_tracepoints(ebpf, &[queued]),
        Directions::Inout => attach_btf_tracepoints(ebpf, &[received, queued]),
    }
}

/// Has the tp-btf programs trace `interface` (its network namespace's cookie and its index).
pub fn trace_interface(ebpf: &mut Ebpf, interface: InterfaceKey) -> anyhow::Result<()> {
    let map = ebpf.map_mut(TRACED_INTERFACES_MAP).context("no traced_interfaces map")?;
    let mut traced: HashMap<&mut MapData, InterfaceKey, u8> = HashMap::try_from(map)?;
    traced.insert(interface, 1, 0).context("choosing the interfaces to trace")?;
    Ok(())
}

/// Has the tp-btf programs trace every interface of every network namespace, also those made later.
pub fn trace_every_interface(ebpf: &mut Ebpf) -> anyhow::Result<()> {
    trace_interface(ebpf, EVERY_INTERFACE)
}
