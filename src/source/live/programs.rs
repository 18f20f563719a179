//! The capture programs of `ebpf/capture.bpf.c`: loading them with the user's settings, and their counters.

use std::{
    fs::{self, File},
    os::{fd::AsFd, unix::fs::MetadataExt},
    sync::OnceLock,
};

use anyhow::Context;
use aya::{
    Ebpf, EbpfLoader, Pod,
    maps::{Array, HashMap, Map, MapData, PerCpuArray, PerCpuHashMap, PerCpuValues},
    programs::{
        BtfTracePoint, CgroupAttachMode, CgroupSkb, CgroupSock, CgroupSockAddr, FEntry, KProbe, SchedClassifier,
        SocketFilter, Xdp,
    },
};
use ptstat_filter::ProcessTerm;

use super::{
    attach::Directions,
    bootstrap::netns_cookie,
    cgroup2::cgroup2_root,
    event::InterfaceKey,
    features::{Features, SocketUseHooks, kernel_btf},
    filter::{CompiledFilter, PatchedObject, Untranslatable, splice},
    kernel_context,
    selection::{KernelSelection, ProcessSelection, SelectionMaps},
    terms::{KernelTerms, kernel_name},
    verifier::load_reporting_rejection,
};

pub(super) static CAPTURE_OBJECT: &[u8] = aya::include_bytes_aligned!(concat!(env!("OUT_DIR"), "/capture.bpf.o"));
/// The same programs with filter regions of 2048 instruction slots instead of 32768 (build.rs): aya copies a
/// program's regions into it, and the kernel takes in every slot, so the expressions that fit there start faster.
pub(super) static CAPTURE_OBJECT_SMALL_REGIONS: &[u8] =
    aya::include_bytes_aligned!(concat!(env!("OUT_DIR"), "/capture_small.bpf.o"));

/// `PTSTAT_MAX_SNAPLEN` of `ebpf/event.h`: the largest record's room for packet bytes, so the most `-s` can keep.
pub const MAX_SNAPLEN: u32 = 262_144;

/// The programs of one purpose (capture or counting), one per hook. TC has two per direction: for devices with an
/// Ethernet header, and for layer-3 devices, whose packets start at the IP header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HookPrograms {
    pub tc_ingress: &'static str,
    pub tc_egress: &'static str,
    pub tc_ingress_l3: &'static str,
    pub tc_egress_l3: &'static str,
    pub xdp: &'static str,
    pub cgroup_ingress: &'static str,
    pub cgroup_egress: &'static str,
    /// Socket filters of packet sockets (both directions in one), for Ethernet and layer-3 devices.
    pub socket: &'static str,
    pub socket_l3: &'static str,
    /// tp_btf programs of the tracepoints `netif_receive_skb` and `net_dev_queue` (ebpf/tracepoints.h).
    pub tracepoint_ingress: &'static str,
    pub tracepoint_egress: &'static str,
}

/// ebpf/capture.bpf.c: copy packets into the ring buffer.
pub const CAPTURE_PROGRAMS: HookPrograms = HookPrograms {
    tc_ingress: "capture_ingress",
    tc_egress: "capture_egress",
    tc_ingress_l3: "capture_in_l3",
    tc_egress_l3: "capture_out_l3",
    xdp: "capture_xdp",
    cgroup_ingress: "capture_cgroup_ingress",
    cgroup_egress: "capture_cgroup_egress",
    socket: "capture_socket",
    socket_l3: "capture_socket_l3",
    tracepoint_ingress: "capture_received",
    tracepoint_egress: "capture_queued",
};

/// ebpf/stats.h: count packets and bytes per flow.
pub const STATS_PROGRAMS: HookPrograms = HookPrograms {
    tc_ingress: "stats_ingress",
    tc_egress: "stats_egress",
    tc_ingress_l3: "stats_in_l3",
    tc_egress_l3: "stats_out_l3",
    xdp: "stats_xdp",
    cgroup_ingress: "stats_cgroup_ingress",
    cgroup_egress: "stats_cgroup_egress",
    socket: "stats_socket",
    socket_l3: "stats_socket_l3",
    tracepoint_ingress: "stats_received",
    tracepoint_egress: "stats_queued",
};

/// What the loaded programs are for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Copy the first `snaplen` bytes of each packet into a ring buffer of `ring_buffer_bytes`, and count what
    /// `counted_interfaces` interfaces see apart (the packets of more are counted together). `wake_per_packet`:
    /// wake the reader for every record it waits for; otherwise each time another `1 / WAKEUP_FRACTION` of the ring
    /// fills (the reader drains on a timer besides).
    Capture { snaplen: u32, ring_buffer_bytes: u32, counted_interfaces: u32, wake_per_packet: bool },
    /// Count per flow in a table of `max_flows` flows.
    Stats { max_flows: u32 },
}

/// Programs that run in the process using a socket (ebpf/sockets.h), attached to the cgroup v2 root.
const CGROUP_SOCK_PROGRAMS: [&str; 4] =
    ["owner_sock_create", "owner_sock_release", "owner_post_bind4", "owner_post_bind6"];
const CGROUP_SOCK_ADDR_PROGRAMS: [&str; 6] =
    ["owner_connect4", "owner_connect6", "owner_sendmsg4", "owner_sendmsg6", "owner_recvmsg4", "owner_recvmsg6"];
/// (program, tracepoint): process life cycle (ebpf/processes.h).
const PROCESS_TRACEPOINTS: [(&str, &str); 3] = [
    ("process_exec", "sched_process_exec"),
    ("process_fork", "sched_process_fork"),
    ("process_exit", "sched_process_exit"),
];
/// Sends and receives on any socket (ebpf/sockets.h): (program, kernel function or tracepoint), by kind of hook.
const SOCKET_USE_TRACEPOINTS: [(&str, &str); 2] =
    [("owner_send", "sock_send_length"), ("owner_recv", "sock_recv_length")];
const SOCKET_USE_FENTRY: [(&str, &str); 2] =
    [("owner_sendmsg_entry", "sock_sendmsg"), ("owner_recvmsg_entry", "sock_recvmsg")];
const SOCKET_USE_KPROBES: [(&str, &str); 2] =
    [("owner_sendmsg_probe", "sock_sendmsg"), ("owner_recvmsg_probe", "sock_recvmsg")];

pub const EVENTS_MAP: &str = "events";
pub const FLOW_STATS_MAP: &str = "flow_stats";
pub const PROTOCOL_TOTALS_MAP: &str = "protocol_totals";
pub const FLOWS_ADDED_MAP: &str = "flows_added";
pub const PROCESS_EVENTS_MAP: &str = "process_events";
pub const COUNTERS_MAP: &str = "counters";
/// The counters of the interfaces of ptstat's own network namespace with a low ifindex, by ifindex
/// (`DIRECT_COUNTERS` of ebpf/capture.bpf.c); the others are in `COUNTERS_MAP`.
pub const COUNTERS_BY_IFINDEX_MAP: &str = "counters_by_ifindex";
/// The entry of `COUNTERS_MAP` that counts the interfaces that found it full (`UNCOUNTED_IFINDEX` of
/// ebpf/event.h).
pub const UNCOUNTED_INTERFACES: InterfaceKey = InterfaceKey::new(0, u32::MAX);

/// `struct capture_counters` of `ebpf/event.h`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CaptureCounters {
    /// Packets that reached the hook.
    pub seen: u64,
    /// Packets the capture accepted: tcpdump's "received by filter".
    pub matched: u64,
    /// Packets lost because the ring buffer was full: tcpdump's "dropped by kernel".
    pub dropped: u64,
}

// SAFETY: three u64 fields, no padding, every bit pattern valid.
unsafe impl Pod for CaptureCounters {}

impl CaptureCounters {
    pub fn plus(self, other: CaptureCounters) -> Self {
        CaptureCounters {
            seen: self.seen + other.seen,
            matched: self.matched + other.matched,
            dropped: self.dropped + other.dropped,
        }
    }

    pub fn sum(per_cpu: &PerCpuValues<CaptureCounters>) -> Self {
        per_cpu.iter().fold(CaptureCounters::default(), |total, cpu| total.plus(*cpu))
    }
}

/// The kernel's counters of each interface it saw packets on, from both maps: `by_key` and `by_ifindex`, whose
/// interfaces are those of the namespace whose cookie is `own_netns`.
pub fn interface_counters(
    by_key: &PerCpuHashMap<MapData, InterfaceKey, CaptureCounters>,
    by_ifindex: &PerCpuArray<MapData, CaptureCounters>,
    own_netns: u64,
) -> anyhow::Result<std::collections::HashMap<InterfaceKey, CaptureCounters>> {
    let mut counters = std::collections::HashMap::new();
    for entry in by_key.iter() {
        let (interface, per_cpu) = entry.context("reading the capture counters")?;
        counters.insert(interface, CaptureCounters::sum(&per_cpu));
    }
    for (ifindex, per_cpu) in (0..).zip(by_ifindex.iter()) {
        let counted = CaptureCounters::sum(&per_cpu.context("reading the capture counters")?);
        if counted != CaptureCounters::default() {
            counters.insert(InterfaceKey::new(own_netns, ifindex), counted);
        }
    }
    Ok(counters)
}

/// The `BY_*` bits of ebpf/processes.h.
const BY_PID: u32 = 1;
const BY_NAME: u32 = 2;
const BY_UID: u32 = 4;
const BY_CGROUP: u32 = 8;
pub const SELECTED_PIDS_MAP: &str = "selected_pids";
const SELECTED_CGROUPS_MAP: &str = "selected_cgroups";
const WANTED_CGROUP_NAMES_MAP: &str = "wanted_cgroup_names";
/// The maps of ebpf/terms.h.
const TERM_CGROUPS_MAP: &str = "term_cgroups";
const TERM_CHILDREN_MAP: &str = "term_children";
const TERM_CGROUP_NAMES_MAP: &str = "term_cgroup_names";
/// The program (ebpf/processes.h) and the tracepoint it attaches to share the name.
const CGROUP_MKDIR: &str = "cgroup_mkdir";

impl ProcessSelection {
    fn criteria(&self) -> u32 {
        let pid = if self.pids.is_empty() && !self.pids_added_later { 0 } else { BY_PID };
        let name = if self.name.is_some() { BY_NAME } else { 0 };
        let uid = if self.uid.is_some() { BY_UID } else { 0 };
        let cgroup = if self.containers.is_empty() { 0 } else { BY_CGROUP };
        pid | name | uid | cgroup
    }

    /// The name as the kernel keeps it: at most 15 bytes and a NUL.
    fn kernel_name(&self) -> [u8; 16] {
        kernel_name(self.name.as_deref().unwrap_or_default())
    }
}

/// Adds a process to the selection while capturing (`-- COMMAND` knows its pid only after starting it).
pub fn select_pid(ebpf: &mut Ebpf, pid: u32) -> anyhow::Result<()> {
    let mut selected: HashMap<&mut MapData, u32, u8> =
        HashMap::try_from(ebpf.map_mut(SELECTED_PIDS_MAP).context("no selected_pids map")?)?;
    selected.insert(pid, 1, 0)?;
    Ok(())
}

/// What fills the programs' maps with the cgroups of the containers `selection` wants (selected_cgroups) and of
/// those the filter expression's container and pod terms (`terms`, the expression's process terms) name
/// (term_cgroups), as they start (`load` attached the tracepoint that selects their cgroups as they are made);
/// `None` when neither names a container.
pub fn container_selection(
    ebpf: &mut Ebpf,
    selection: &ProcessSelection,
    terms: &[ProcessTerm],
) -> anyhow::Result<Option<KernelSelection>> {
    let container_terms: Vec<_> = (0..)
        .zip(terms)
        .filter(|(_, term)| term.kind.is_container())
        .map(|(index, term)| (1u32 << index, term.clone()))
        .collect();
    if selection.containers.is_empty() && container_terms.is_empty() {
        return Ok(None);
    }
    let flags = match selection.containers.is_empty() {
        true => None,
        false => Some(SelectionMaps {
            wanted: selection.containers.clone(),
            cgroups: own_hash_map(ebpf, SELECTED_CGROUPS_MAP)?,
            directory_names: own_hash_map(ebpf, WANTED_CGROUP_NAMES_MAP)?,
        }),
    };
    let terms = match container_terms.is_empty() {
        true => None,
        false => Some(SelectionMaps {
            wanted: container_terms,
            cgroups: own_hash_map(ebpf, TERM_CGROUPS_MAP)?,
            directory_names: own_hash_map(ebpf, TERM_CGROUP_NAMES_MAP)?,
        }),
    };
    Ok(Some(KernelSelection { flags, terms }))
}

/// The maps that decide the terms about sets of processes (ebpf/terms.h), with the tracepoint that adds the cgroups
/// made below a `cgroup` term's and those of the containers selected (by flag or term) as they are made.
fn fill_term_maps(ebpf: &mut Ebpf, terms: &KernelTerms, selection: &ProcessSelection) -> anyhow::Result<()> {
    let mut cgroups: HashMap<&mut MapData, u64, u32> =
        HashMap::try_from(ebpf.map_mut(TERM_CGROUPS_MAP).context("no term_cgroups map")?)?;
    for (&id, &bits) in &terms.cgroups {
        cgroups.insert(id, bits, 0)?;
    }
    let mut children: HashMap<&mut MapData, u32, u32> =
        HashMap::try_from(ebpf.map_mut(TERM_CHILDREN_MAP).context("no term_children map")?)?;
    for (&pid, &bits) in &terms.children {
        children.insert(pid, bits, 0)?;
    }
    if (terms.cgroup_bits != 0 || !selection.containers.is_empty())
        && let Err(error) = attach_btf_tracepoints(ebpf, &[(CGROUP_MKDIR, CGROUP_MKDIR)])
    {
        eprintln!(
            "ptstat: warning: the cgroups of containers that start (and those made below a 'cgroup' term's) may \
             lose their first packets: {error:#}"
        );
    }
    Ok(())
}

/// A handle of its own of hash map `name` (its descriptor duplicated), for a thread of its own: the map stays in
/// `ebpf` too, where the programs loaded later, as interfaces are attached, find it.
fn own_hash_map<K: Pod, V: Pod>(ebpf: &Ebpf, name: &str) -> anyhow::Result<HashMap<MapData, K, V>> {
    let Some(Map::HashMap(map)) = ebpf.map(name) else { anyhow::bail!("no hash map {name}") };
    let descriptor = map.fd().as_fd().try_clone_to_owned().with_context(|| format!("duplicating {name}"))?;
    Ok(HashMap::try_from(Map::from_map_data(MapData::from_fd(descriptor)?)?)?)
}

/// Loads the programs' object and creates its maps, sized for `purpose`; the programs themselves are loaded by
/// `load_program` as they are attached. They run `filter` on every packet; packet sockets' filters keep the packets
/// of `directions` (the other hooks are attached only where `directions` wants them).
pub fn load(
    purpose: Purpose,
    selection: &ProcessSelection,
    filter: &CompiledFilter,
    directions: Directions,
) -> anyhow::Result<Ebpf> {
    let object = capture_object_with(filter)?;
    let cpus = aya::util::nr_cpus().map_err(|(path, error)| anyhow::anyhow!("{path}: {error}"))? as u32;
    // Counting copies no packet: the capture's ring buffer and interface counters shrink to their least.
    let (snaplen, ring_buffer_bytes, counted_interfaces, wake_per_packet, max_flows) = match purpose {
        Purpose::Capture { snaplen, ring_buffer_bytes, counted_interfaces, wake_per_packet } => {
            (snaplen, ring_buffer_bytes, counted_interfaces, wake_per_packet, 1)
        }
        Purpose::Stats { max_flows } => (0, 0, 0, true, max_flows),
    };
    let ring_buffer_bytes = ring_buffer_size(ring_buffer_bytes);
    // Powers of two both: the kernel wakes ptstat each time the bytes waiting reach another multiple of this.
    let wakeup_shift = if wake_per_packet { 0 } else { (ring_buffer_bytes / WAKEUP_FRACTION).trailing_zeros() };
    let features = Features::get();
    let netns = netns_cookie().context("reading the network namespace cookie")?;
    let netns_inode = fs::metadata("/proc/self/ns/net").context("/proc/self/ns/net")?.ino() as u32;
    let criteria = selection.criteria();
    let name = selection.kernel_name();
    let uid = selection.uid.unwrap_or_default();
    let follow_forks = u8::from(selection.follow_forks);
    let terms = KernelTerms::resolve(filter.terms())?;
    let mut ebpf = EbpfLoader::new()
        .btf(Some(kernel_btf()?))
        .override_global("snaplen", &snaplen, true)
        .override_global("namespaces_known", &u8::from(features.namespaces_known()), true)
        .override_global("interfaces_netns", &netns, true)
        .override_global("interfaces_netns_inode", &netns_inode, true)
        .override_global("has_xdp_load_bytes", &u8::from(features.xdp_load_bytes), true)
        .override_global("clock_is_tai", &u8::from(features.tai_clock), true)
        .override_global("wakeup_shift", &wakeup_shift, true)
        .override_global("process_criteria", &criteria, true)
        .override_global("wanted_name", &name, true)
        .override_global("wanted_uid", &uid, true)
        .override_global("follow_forks", &follow_forks, true)
        .override_global("socket_directions", &socket_directions(directions), true)
        .override_global("filter_given", &u8::from(!filter.accepts_everything()), true)
        .override_global("process_terms", &terms.table, true)
        .override_global("process_term_count", &terms.count, true)
        .override_global("cgroup_term_bits", &terms.cgroup_bits, true)
        .override_global("child_term_bits", &terms.child_bits, true)
        .map_max_entries(EVENTS_MAP, ring_buffer_bytes)
        .map_max_entries(FLOW_STATS_MAP, max_flows)
        .map_max_entries(COUNTERS_MAP, counted_interfaces.saturating_add(1))
        .load(object.as_bytes())
        .context("loading the eBPF programs")?;
    // Before any program runs, so that an interface that finds the map full always has somewhere to count.
    let mut counters: PerCpuHashMap<&mut MapData, InterfaceKey, CaptureCounters> =
        PerCpuHashMap::try_from(ebpf.map_mut(COUNTERS_MAP).context("no counters map")?)?;
    let zeros = PerCpuValues::try_from(vec![CaptureCounters::default(); cpus as usize])?;
    counters.insert(UNCOUNTED_INTERFACES, zeros, 0)?;
    for &pid in &selection.pids {
        select_pid(&mut ebpf, pid)?;
    }
    fill_term_maps(&mut ebpf, &terms, selection)?;
    Ok(ebpf)
}

/// The capture object that holds `filter` in the least room: the one with small filter regions, else the one with
/// full-size regions. The packets' network namespaces (ebpf/flows.h) are patched in first.
fn capture_object_with(filter: &CompiledFilter) -> anyhow::Result<PatchedObject> {
    match splice(&kernel_context::patch(CAPTURE_OBJECT_SMALL_REGIONS)?, filter) {
        Err(error) if matches!(error.downcast_ref(), Some(Untranslatable::TooLong { .. })) => {
            splice(&kernel_context::patch(CAPTURE_OBJECT)?, filter)
        }
        spliced => spliced,
    }
}

/// The program `name` of `ebpf` as a `P`, loaded into the kernel on first use (the verifier checks it then).
pub fn load_program<'a, P>(ebpf: &'a mut Ebpf, name: &str) -> anyhow::Result<&'a mut P>
where
    P: LoadableProgram,
    &'a mut P: TryFrom<&'a mut aya::programs::Program, Error = aya::programs::ProgramError>,
{
    let program: &mut P =
        ebpf.program_mut(name).with_context(|| format!("the eBPF object has no program {name}"))?.try_into()?;
    if !program.is_loaded() {
        load_reporting_rejection(name, || program.load_program())?;
    }
    Ok(program)
}

/// The program types `load_program` loads: those whose `load()` takes no arguments.
pub trait LoadableProgram {
    fn is_loaded(&self) -> bool;
    fn load_program(&mut self) -> Result<(), aya::programs::ProgramError>;
}

macro_rules! loadable {
    ($($program:ty),*) => {$(
        impl LoadableProgram for $program {
            fn is_loaded(&self) -> bool {
                self.fd().is_ok()
            }
            fn load_program(&mut self) -> Result<(), aya::programs::ProgramError> {
                self.load()
            }
        }
    )*};
}
loadable!(SchedClassifier, Xdp, CgroupSkb, CgroupSock, CgroupSockAddr, KProbe, SocketFilter);

/// Loads and attaches the programs that tell which process owns a socket, and the process life-cycle
/// tracepoints. Their links belong to ptstat's file descriptors: the kernel detaches them when ptstat ends.
pub fn attach_process_hooks(ebpf: &mut Ebpf) -> anyhow::Result<()> {
    let cgroup = cgroup2_root_directory()?;
    for name in CGROUP_SOCK_PROGRAMS {
        let program: &mut CgroupSock = load_program(ebpf, name)?;
        program.attach(&cgroup, CgroupAttachMode::Single).with_context(|| format!("attaching {name}"))?;
    }
    for name in CGROUP_SOCK_ADDR_PROGRAMS {
        let program: &mut CgroupSockAddr = load_program(ebpf, name)?;
        program.attach(&cgroup, CgroupAttachMode::Single).with_context(|| format!("attaching {name}"))?;
    }
    attach_btf_tracepoints(ebpf, &PROCESS_TRACEPOINTS)?;
    // Without them, the flows of accepted connections keep the process that listened (see find_owner): a
    // pre-forked server's workers go unnamed, the rest does not.
    if let Err(error) = attach_socket_use_hooks(ebpf) {
        eprintln!("ptstat: warning: accepted connections will be named after the listening process: {error:#}");
    }
    Ok(())
}

/// Loads and attaches `(program, tracepoint)` BTF tracepoints.
pub(super) fn attach_btf_tracepoints(ebpf: &mut Ebpf, programs: &[(&str, &str)]) -> anyhow::Result<()> {
    let btf = kernel_btf()?;
    for &(name, tracepoint) in programs {
        let program: &mut BtfTracePoint =
            ebpf.program_mut(name).with_context(|| format!("no program {name}"))?.try_into()?;
        load_reporting_rejection(name, || program.load(tracepoint, btf))?;
        program.attach().with_context(|| format!("attaching {name} to {tracepoint}"))?;
    }
    Ok(())
}

/// The hooks on every send and receive (see `SocketUseHooks`): the tracepoints where the kernel has them, else
/// fentry, else kprobes. Returns what was attached.
fn attach_socket_use_hooks(ebpf: &mut Ebpf) -> anyhow::Result<&'static str> {
    if Features::get().socket_use == SocketUseHooks::Tracepoints {
        attach_btf_tracepoints(ebpf, &SOCKET_USE_TRACEPOINTS)?;
        return Ok("tracepoints sock_send_length, sock_recv_length");
    }
    let by_fentry = attach_fentry(ebpf, &SOCKET_USE_FENTRY);
    if by_fentry.is_ok() {
        return Ok("fentry sock_sendmsg, sock_recvmsg");
    }
    match attach_kprobes(ebpf, &SOCKET_USE_KPROBES) {
        Ok(()) => Ok("kprobes sock_sendmsg, sock_recvmsg"),
        Err(by_kprobe) => Err(anyhow::anyhow!(
            "neither fentry ({:#}) nor kprobes ({by_kprobe:#}) can be attached to sock_sendmsg and sock_recvmsg",
            by_fentry.unwrap_err()
        )),
    }
}

/// What `attach_process_hooks` would attach for sends and receives on this kernel, found by attaching them (and
/// detaching at once): `--version` tells it.
pub fn probe_socket_use_hooks() -> anyhow::Result<&'static str> {
    let filter = CompiledFilter::compile("", false)?;
    let mut ebpf = load(Purpose::Stats { max_flows: 1 }, &ProcessSelection::default(), &filter, Directions::Inout)?;
    attach_socket_use_hooks(&mut ebpf)
}

fn attach_fentry(ebpf: &mut Ebpf, programs: &[(&str, &str)]) -> anyhow::Result<()> {
    let btf = kernel_btf()?;
    for &(name, function) in programs {
        let program: &mut FEntry = ebpf.program_mut(name).with_context(|| format!("no program {name}"))?.try_into()?;
        load_reporting_rejection(name, || program.load(function, btf))?;
        program.attach().with_context(|| format!("attaching {name} to {function}"))?;
    }
    Ok(())
}

fn attach_kprobes(ebpf: &mut Ebpf, programs: &[(&str, &str)]) -> anyhow::Result<()> {
    for &(name, function) in programs {
        let program: &mut KProbe = load_program(ebpf, name)?;
        program.attach(function, 0).with_context(|| format!("attaching {name} to {function}"))?;
    }
    Ok(())
}

/// The cgroup v2 root, where the socket hooks attach to see every process of the host.
fn cgroup2_root_directory() -> anyhow::Result<File> {
    let root = cgroup2_root().context("no cgroup v2 hierarchy is mounted")?;
    File::open(&root).with_context(|| root.display().to_string())
}

/// The cookie of ptstat's network namespace, as ebpf/sockets.h's netns_probe sees a socket ptstat makes: for
/// kernels without SO_NETNS_COOKIE (before 5.14). Asked once.
pub fn probe_netns_cookie() -> anyhow::Result<u64> {
    static COOKIE: OnceLock<u64> = OnceLock::new();
    if let Some(&cookie) = COOKIE.get() {
        return Ok(cookie);
    }
    // Only the probe and its map are used: every other map at its least.
    let mut ebpf = EbpfLoader::new()
        .btf(Some(kernel_btf()?))
        .override_global("netns_prober", &std::process::id(), true)
        .map_max_entries(EVENTS_MAP, ring_buffer_size(0))
        .map_max_entries(FLOW_STATS_MAP, 1)
        .load(CAPTURE_OBJECT_SMALL_REGIONS)
        .context("loading the eBPF programs")?;
    let program: &mut CgroupSock = load_program(&mut ebpf, NETNS_PROBE)?;
    program.attach(&cgroup2_root_directory()?, CgroupAttachMode::Single).context("attaching netns_probe")?;
    drop(std::net::UdpSocket::bind("127.0.0.1:0").context("making a socket")?);
    let probed: Array<&MapData, u64> = Array::try_from(ebpf.map(PROBED_NETNS_MAP).context("no probed_netns map")?)?;
    let cookie = probed.get(&0, 0)?;
    anyhow::ensure!(cookie != 0, "the network namespace probe saw no socket");
    Ok(*COOKIE.get_or_init(|| cookie))
}

/// `socket_directions` of ebpf/packet_socket.h: bit 1 << PACKET_INGRESS (0) for received packets, 1 << PACKET_EGRESS
/// (1) for sent ones.
fn socket_directions(directions: Directions) -> u8 {
    match directions {
        Directions::In => 1,
        Directions::Out => 2,
        Directions::Inout => 3,
    }
}

const NETNS_PROBE: &str = "netns_probe";
const PROBED_NETNS_MAP: &str = "probed_netns";

/// A ring buffer's size must be a power-of-two multiple of the page size.
/// Without per-packet wakeups the kernel wakes the reader each time another this fraction of the ring fills: early
/// enough that a reader woken late still drains it before it fills, late enough that a flood costs few wakeups.
const WAKEUP_FRACTION: u32 = 16;

fn ring_buffer_size(requested_bytes: u32) -> u32 {
    // SAFETY: sysconf has no memory-safety preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(4096) as u32;
    requested_bytes.max(page).checked_next_power_of_two().unwrap_or(1 << 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_go_into_the_object_with_the_least_room_that_holds_them() {
        let short = CompiledFilter::compile("tcp port 80 or arp", false).unwrap();
        assert_eq!(capture_object_with(&short).unwrap().as_bytes().len(), CAPTURE_OBJECT_SMALL_REGIONS.len());
        // Some 24 instructions a port: 100 need more than the small regions' 2048.
        let ports: Vec<String> = (1..=100).map(|port| format!("port {port}")).collect();
        let long = CompiledFilter::compile(&ports.join(" or "), false).unwrap();
        assert_eq!(capture_object_with(&long).unwrap().as_bytes().len(), CAPTURE_OBJECT.len());
    }

    #[test]
    fn ring_buffer_sizes_round_up_to_powers_of_two_pages() {
        assert_eq!(ring_buffer_size(0), 4096);
        assert_eq!(ring_buffer_size(4096), 4096);
        assert_eq!(ring_buffer_size(5000), 8192);
        assert_eq!(ring_buffer_size(8 << 20), 8 << 20);
    }
}
