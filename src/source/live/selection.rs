//! Which processes' packets to capture: the flags, as clap builds them, and the kernel maps that hold the
//! containers chosen (filled by the enrich stage as the runtimes report containers).

use std::{fmt, str::FromStr};

use aya::maps::{HashMap as BpfHashMap, MapData};
use ptstat_filter::ProcessTerm;

/// Which processes' packets to capture (`--pid`, `--pname`, `--uid`, `-f`, `-- COMMAND`); empty = all packets.
#[derive(clap::Args, Clone, Debug, Default, PartialEq, Eq)]
#[command(next_help_heading = "Processes and containers")]
pub struct ProcessSelection {
    /// Capture only the packets of this process (repeatable).
    ///
    /// Like every process and container selection, this keeps a packet when either local end is selected: when both
    /// sockets of a packet are on this host (loopback, a veth pair into a namespace, containers on a bridge), the
    /// other end's answers too, which on loopback are its own packets.
    #[arg(long = "pid", value_name = "PID")]
    pub pids: Vec<u32>,

    /// Capture only the packets of processes with this name (as in /proc/PID/comm: at most 15 characters).
    #[arg(long = "pname", value_name = "NAME")]
    pub name: Option<String>,

    /// Capture only the packets of processes of this user id.
    #[arg(long = "uid", value_name = "UID")]
    pub uid: Option<u32>,

    /// With --pid or --pname, also the packets of their children, born after ptstat started.
    ///
    /// ptcpdump's -f; tcpdump's -f, numeric foreign addresses, has no use in ptstat, which always prints numbers.
    #[arg(short = 'f', long = "follow-forks")]
    pub follow_forks: bool,

    /// Select by pid even before any is known: `-- COMMAND` adds its pid once started.
    #[arg(skip)]
    pub pids_added_later: bool,

    /// `--container-id`, `--container-name`, `--pod-name`: only processes in these containers.
    #[command(flatten)]
    pub containers: ContainerSelection,
}

/// The containers whose packets to capture. Several values of one flag: any of them; several flags: all of them
/// (`--container-name api --pod-name web.shop` is the `api` container of that pod).
#[derive(clap::Args, Clone, Debug, Default, PartialEq, Eq)]
pub struct ContainerSelection {
    /// Capture only the packets of processes in containers whose id starts with this (repeatable: any of them).
    ///
    /// Also containers that start later.
    #[arg(long = "container-id", value_name = "PREFIX", value_parser = not_empty)]
    pub ids: Vec<String>,

    /// Capture only the packets of processes in containers of this name (repeatable: any of them).
    ///
    /// Docker's, nerdctl's or Kubernetes' name (`io.kubernetes.container.name`); also containers that start later.
    #[arg(long = "container-name", value_name = "NAME", value_parser = container_name)]
    pub names: Vec<String>,

    /// Capture only the packets of processes in this Kubernetes pod's containers (repeatable: any of them).
    ///
    /// Also containers that start later.
    #[arg(long = "pod-name", value_name = "NAME.NAMESPACE")]
    pub pods: Vec<PodName>,
}

fn not_empty(text: &str) -> Result<String, String> {
    match text.is_empty() {
        true => Err("must not be empty".to_string()),
        false => Ok(text.to_string()),
    }
}

/// Docker shows its names with a leading slash in places (`/web`); people mean the same container either way.
fn container_name(text: &str) -> Result<String, String> {
    not_empty(text.strip_prefix('/').unwrap_or(text))
}

/// A pod as `--pod-name` names it and packet lines print it: `NAME.NAMESPACE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodName {
    pub name: String,
    pub namespace: String,
}

impl ContainerSelection {
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty() && self.names.is_empty() && self.pods.is_empty()
    }
}

impl FromStr for PodName {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        // A namespace is a DNS label, without dots; a pod's name may have some: the namespace follows the last one.
        match text.rsplit_once('.') {
            Some((name, namespace)) if !name.is_empty() && !namespace.is_empty() => {
                Ok(PodName { name: name.to_string(), namespace: namespace.to_string() })
            }
            _ => Err("expected NAME.NAMESPACE (e.g. web-0.shop)".to_string()),
        }
    }
}

impl fmt::Display for PodName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.name, self.namespace)
    }
}

/// The containers the kernel is to select, and the programs' maps that say so (filled by the enrich stage as the
/// runtimes report containers).
pub struct KernelSelection {
    /// `--container-id`, `--container-name`, `--pod-name`: `selected_cgroups` and `wanted_cgroup_names`, → 1.
    pub flags: Option<SelectionMaps<ContainerSelection, u8>>,
    /// The filter expression's container and pod terms, each with its bit: `term_cgroups` and `term_cgroup_names`,
    /// → the bits of the terms the container matches (ebpf/terms.h).
    pub terms: Option<SelectionMaps<Vec<(u32, ProcessTerm)>, u32>>,
}

/// What is wanted, and the two maps that select the wanted containers' cgroups: cgroup id → `V`, and the name a
/// cgroup directory made later may get (NUL-padded) → `V`.
pub struct SelectionMaps<W, V> {
    pub wanted: W,
    pub cgroups: BpfHashMap<MapData, u64, V>,
    pub directory_names: BpfHashMap<MapData, [u8; CGROUP_NAME_LEN], V>,
}

/// `CGROUP_NAME_LEN` of ebpf/processes.h: a directory name and its NUL.
pub const CGROUP_NAME_LEN: usize = 128;
