//! Putting the capture programs on an interface's TC hooks, and taking them off.
//!
//! TCX links (kernel ≥ 6.6) belong to ptstat's file descriptors, so the kernel removes them however ptstat ends,
//! SIGKILL included. Older kernels get a clsact qdisc with direct-action classifiers; those outlive the process,
//! so ptstat removes its filters when its programs are dropped and the qdisc if it added it (`LegacyQdiscs`).

use anyhow::Context;
use aya::{
    Ebpf,
    programs::{
        LinkOrder, SchedClassifier, TcAttachType,
        tc::{self, NlOptions, TcAttachOptions},
    },
};
use clap::ValueEnum;

use pcap_file::DataLink;

use super::{
    features::Features,
    interfaces::SystemInterface,
    programs::{HookPrograms, load_program},
};

/// How to attach to TC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TcMode {
    /// TCX where the kernel has it (6.6 and later), else clsact.
    Auto,
    /// TCX links only.
    Tcx,
    /// A clsact qdisc with direct-action classifiers, as kernels before 6.6 need.
    Clsact,
}

impl TcMode {
    /// What `Auto` means on this kernel.
    pub(super) fn resolve(self) -> TcMode {
        match self {
            TcMode::Auto if Features::get().tcx => TcMode::Tcx,
            TcMode::Auto => TcMode::Clsact,
            explicit => explicit,
        }
    }
}

/// `-Q`: the directions to capture.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Directions {
    In,
    Out,
    #[default]
    Inout,
}

/// The clsact qdiscs ptstat created, deleted again on drop (after the programs, whose filters live in them).
#[derive(Default)]
pub struct LegacyQdiscs(Vec<String>);

impl Drop for LegacyQdiscs {
    fn drop(&mut self) {
        for interface in &self.0 {
            // Best effort on the way out: the interface may be gone already. aya has no qdisc deletion.
            let _ = std::process::Command::new("tc")
                .args(["qdisc", "del", "dev", interface, "clsact"])
                .stderr(std::process::Stdio::null())
                .status();
        }
    }
}

/// Attaches `programs` (capture or counting) to `interface`: both directions, except on loopback, where every packet passes
/// both hooks and is captured once, on egress: there its socket, and so its process, is still known (at loopback
/// ingress the packet has been orphaned). With `-Q in` or `-Q out`, only that hook (loopback keeps its egress).
pub fn attach(
    ebpf: &mut Ebpf,
    programs: &HookPrograms,
    interface: &SystemInterface,
    mode: TcMode,
    directions: Directions,
    qdiscs: &mut LegacyQdiscs,
) -> anyhow::Result<()> {
    let mode = mode.resolve();
    if mode == TcMode::Clsact {
        match tc::qdisc_add_clsact(&interface.name) {
            Ok(()) => qdiscs.0.push(interface.name.clone()),
            // Someone else's clsact qdisc (EEXIST): share it and leave it in place.
            Err(tc::TcError::NetlinkError(error)) if error.raw_os_error() == Some(libc::EEXIST) => {}
            Err(error) => return Err(error).with_context(|| format!("{}: adding a clsact qdisc", interface.name)),
        }
    }
    let (ingress, egress) = match interface.link_type() {
        Some(DataLink::RAW) => (programs.tc_ingress_l3, programs.tc_egress_l3),
        _ => (programs.tc_ingress, programs.tc_egress),
    };
    let hooks = match (interface.is_loopback(), directions) {
        (true, _) | (false, Directions::Out) => vec![(egress, TcAttachType::Egress)],
        (false, Directions::In) => vec![(ingress, TcAttachType::Ingress)],
        (false, Directions::Inout) => vec![(ingress, TcAttachType::Ingress), (egress, TcAttachType::Egress)],
    };
    for (program_name, hook) in hooks {
        let program: &mut SchedClassifier = load_program(ebpf, program_name)?;
        let options = match mode {
            // Ingress first, to see packets before other programs may drop them; egress last, to see them as
            // they leave. That is where tcpdump's packet socket sees them.
            TcMode::Tcx if hook == TcAttachType::Ingress => TcAttachOptions::TcxOrder(LinkOrder::first()),
            TcMode::Tcx => TcAttachOptions::TcxOrder(LinkOrder::last()),
            _ => TcAttachOptions::Netlink(NlOptions::default()),
        };
        program
            .attach_with_options(&interface.name, hook, options)
            .with_context(|| format!("{}: attaching to TC {hook:?}", interface.name))?;
    }
    Ok(())
}
