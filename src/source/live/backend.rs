//! The hooks besides TC that capture and counting can run on: XDP (received frames, before the kernel allocates
//! anything for them), cgroup-skb (the packets of a cgroup's sockets, on any interface) and tp-btf (the
//! `netif_receive_skb` and `net_dev_queue` tracepoints, every interface of every network namespace, nothing attached
//! to any of them). All attach through BPF links owned by ptstat's file descriptors, so the kernel detaches them
//! however ptstat ends.

use std::{
    fs::File,
    path::{Path, PathBuf},
};

use anyhow::Context;
use aya::{
    Ebpf,
    maps::{HashMap, MapData},
    programs::{CgroupAttachMode, CgroupSkb, CgroupSkbAttachType, Xdp, XdpMode as XdpAttachMode},
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
