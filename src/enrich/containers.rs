//! Containers and pods: which container, and which Kubernetes pod, a process runs in.
//!
//! A thread of its own (`watch`) asks Docker and containerd for their containers at start and follows their
//! events afterwards, reconnecting when a daemon restarts; it sends what it learns over a channel. The enricher
//! owns the [`ContainerIndex`] at the other end and takes the news in between packets, so the packet path never
//! waits on a daemon, and looks containers up only when it builds a process's context (once per thread).
//!
//! A process belongs to the container whose first process is in its cgroup, else to the container its cgroup is
//! named after (`cgroup_path`), else to the container whose first process is one of its ancestors, else to the
//! one whose pid namespace it shares.
//!
//! With `--container-id`, `--container-name` or `--pod-name`, the watcher's news pass through `selection` first,
//! which puts the wanted containers' cgroups into the capture programs' map.

mod cgroup_path;
mod containerd;
mod docker;
mod selection;
mod watch;

use std::{
    collections::HashMap,
    fmt, fs,
    os::unix::fs::MetadataExt,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
        mpsc,
    },
    time::{Duration, Instant},
};

use crate::packet::{ContainerContext, Labels, PodContext};
use crate::source::live::{KernelSelection, cgroup2::cgroup2_root};

/// Where the daemons listen, as `--docker-address` and `--containerd-address` gave it; None: the default socket.
/// Which it is matters: a default socket that is missing is a machine without that runtime, where ptstat says
/// nothing, while a socket given that does not answer is worth a warning.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuntimeSockets {
    pub docker: Option<String>,
    pub containerd: Option<String>,
}

pub const DEFAULT_DOCKER_SOCKET: &str = "/var/run/docker.sock";
pub const DEFAULT_CONTAINERD_SOCKET: &str = "/run/containerd/containerd.sock";

/// The daemons ptstat asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum RuntimeKind {
    Docker,
    Containerd,
}

impl RuntimeKind {
    fn default_socket(self) -> &'static str {
        match self {
            RuntimeKind::Docker => DEFAULT_DOCKER_SOCKET,
            RuntimeKind::Containerd => DEFAULT_CONTAINERD_SOCKET,
        }
    }
}

impl fmt::Display for RuntimeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RuntimeKind::Docker => "docker",
            RuntimeKind::Containerd => "containerd",
        })
    }
}

/// Who reported a container. Docker's containers also appear in containerd's `moby` namespace, with the same
/// ids and less to say about them: Docker sorts first, and its description wins.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Runtime {
    Docker,
    Containerd { namespace: &'static str },
}

impl Runtime {
    fn kind(&self) -> RuntimeKind {
        match self {
            Runtime::Docker => RuntimeKind::Docker,
            Runtime::Containerd { .. } => RuntimeKind::Containerd,
        }
    }
}

/// A container as a runtime describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RuntimeContainer {
    pub runtime: Runtime,
    pub id: String,
    /// The runtime's own name for it (Docker's, nerdctl's); empty if it has none.
    pub name: String,
    pub image: String,
    pub labels: Labels,
    /// Its first process, while it runs.
    pub root: Option<RootProcess>,
}

/// A running container's first process, with what tells other processes apart as the container's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RootProcess {
    pub pid: u32,
    /// Its cgroup v2 id, as the kernel reports it with each packet.
    pub cgroup_id: Option<u64>,
    /// Its pid namespace (the inode), when that is not ptstat's own (`--pid host`): sharing ptstat's says nothing
    /// about which container a process is in.
    pub pid_namespace: Option<u64>,
}

impl RootProcess {
    /// Reads /proc about process `pid`: on the watcher thread, never on the packet path.
    pub fn of(pid: u32) -> Self {
        let pid_namespace =
            pid_namespace(pid).filter(|&namespace| Some(namespace) != pid_namespace(std::process::id()));
        RootProcess { pid, cgroup_id: cgroup_id(pid), pid_namespace }
    }
}

impl RuntimeContainer {
    /// A container known by its id only, so far.
    pub fn new(runtime: Runtime, id: String) -> Self {
        RuntimeContainer { runtime, id, name: String::new(), image: String::new(), labels: Labels::new(), root: None }
    }
}

/// What the watchers tell the index.
#[derive(Clone, Debug)]
pub(crate) enum ContainerUpdate {
    /// Every container a runtime has, at each (re)connection: replaces what it listed before.
    Listed(RuntimeKind, Vec<RuntimeContainer>),
    /// A runtime did not answer the first time: capture need not wait for it.
    Unreachable(RuntimeKind),
    /// A container was created, started, stopped or renamed.
    Changed(RuntimeContainer),
    Removed(Runtime, String),
}

impl ContainerUpdate {
    /// The runtime whose first answer (a listing, or none at all) this may be: capture waits for those at start.
    fn first_answer(&self) -> Option<RuntimeKind> {
        match self {
            ContainerUpdate::Listed(kind, _) | ContainerUpdate::Unreachable(kind) => Some(*kind),
            ContainerUpdate::Changed(_) | ContainerUpdate::Removed(..) => None,
        }
    }
}

/// Where the watchers send their updates: a channel, with a flag raised after each update it carries. The index
/// is asked for news before every packet, and reading the flag costs less than a receive on the channel.
#[derive(Clone)]
pub(crate) struct UpdateSender {
    channel: mpsc::Sender<ContainerUpdate>,
    news: Arc<AtomicBool>,
}

pub(crate) struct UpdateReceiver {
    channel: mpsc::Receiver<ContainerUpdate>,
    news: Arc<AtomicBool>,
}

pub(crate) fn update_channel() -> (UpdateSender, UpdateReceiver) {
    let (sender, receiver) = mpsc::channel();
    let news = Arc::new(AtomicBool::new(false));
    (UpdateSender { channel: sender, news: news.clone() }, UpdateReceiver { channel: receiver, news })
}

impl UpdateSender {
    pub fn send(&self, update: ContainerUpdate) -> Result<(), watch::IndexGone> {
        self.channel.send(update).map_err(|_| watch::IndexGone)?;
        // After the update is in the channel: whoever sees the flag finds the update.
        self.news.store(true, Ordering::Release);
        Ok(())
    }
}

impl UpdateReceiver {
    /// The updates sent since the last call, without waiting; none, without touching the channel, if the flag
    /// says nothing came.
    fn take_news(&self) -> Vec<ContainerUpdate> {
        // A plain load first: the swap that lowers the flag is a locked instruction, worth paying only for news.
        // Lowered before the channel is read, the flag is raised again by an update sent meanwhile.
        if !self.news.load(Ordering::Relaxed) || !self.news.swap(false, Ordering::Acquire) {
            return Vec::new();
        }
        self.channel.try_iter().collect()
    }
}

/// Kubernetes' labels on the containers it runs (kubelet through CRI, or dockershim).
mod kubernetes_labels {
    pub const POD_NAME: &str = "io.kubernetes.pod.name";
    pub const POD_NAMESPACE: &str = "io.kubernetes.pod.namespace";
    pub const POD_UID: &str = "io.kubernetes.pod.uid";
    pub const CONTAINER_NAME: &str = "io.kubernetes.container.name";
    /// `sandbox` on a pod's sandbox (pause) container under containerd's CRI.
    pub const CRI_CONTAINERD_KIND: &str = "io.cri-containerd.kind";
    /// `podsandbox` on a pod's sandbox container under dockershim.
    pub const DOCKER_TYPE: &str = "io.kubernetes.docker.type";
    /// Prefixes of the labels kubelet and the runtimes add for their own bookkeeping, not the pod's.
    pub const BOOKKEEPING_PREFIXES: [&str; 3] = ["io.kubernetes.", "io.cri-containerd.", "io.containerd."];
}

/// How long capture waits at start for the runtimes' first listings, so the first packets already name their
/// containers. A daemon that answers later still counts from then on.
const FIRST_LISTING_WAIT: Duration = Duration::from_secs(3);

/// The containers the runtimes reported, looked up by id, root pid and pid namespace.
#[derive(Default)]
pub(crate) struct ContainerIndex {
    /// `None` when not watching (`--context` without container and pod).
    updates: Option<UpdateReceiver>,
    /// Id → the runtimes' descriptions of it, Docker's first.
    by_id: HashMap<String, Vec<Arc<RuntimeContainer>>>,
    by_cgroup_id: HashMap<u64, Arc<RuntimeContainer>>,
    by_root_pid: HashMap<u32, Arc<RuntimeContainer>>,
    by_pid_namespace: HashMap<u64, Arc<RuntimeContainer>>,
    /// Pod uid → the pod's labels, from its sandbox container.
    pod_labels: HashMap<String, Labels>,
}

impl ContainerIndex {
    /// Starts watching the runtimes at `sockets`, and waits (a little) for what they have now; with `selection`,
    /// its containers' cgroups are selected in the kernel by then.
    pub fn watch(sockets: &RuntimeSockets, selection: Option<KernelSelection>) -> Self {
        let (sender, receiver) = update_channel();
        let started = match selection {
            Some(selection) => {
                let (to_selection, updates) = update_channel();
                selection::start(selection, updates, sender).and_then(|()| watch::start(sockets, to_selection))
            }
            None => watch::start(sockets, sender),
        };
        if let Err(error) = started {
            eprintln!("ptstat: warning: packets will not name (or be selected by) their containers: {error:#}");
            return ContainerIndex::default();
        }
        let mut index = ContainerIndex { updates: Some(receiver), ..Default::default() };
        index.await_first_listings();
        index
    }

    fn await_first_listings(&mut self) {
        let Some(updates) = &self.updates else { return };
        let deadline = Instant::now() + FIRST_LISTING_WAIT;
        let mut settled = Vec::new();
        let mut received = Vec::new();
        while settled.len() < watch::RUNTIMES.len() {
            let Ok(update) = updates.channel.recv_timeout(deadline.saturating_duration_since(Instant::now())) else {
                break;
            };
            if let Some(kind) = update.first_answer()
                && !settled.contains(&kind)
            {
                settled.push(kind);
            }
            received.push(update);
        }
        received.into_iter().for_each(|update| self.apply(update));
        self.reindex();
    }

    /// Takes in what the runtimes reported since the last call, without waiting; true if anything changed.
    pub fn apply_updates(&mut self) -> bool {
        let Some(updates) = &self.updates else { return false };
        let received = updates.take_news();
        if received.is_empty() {
            return false;
        }
        received.into_iter().for_each(|update| self.apply(update));
        self.reindex();
        true
    }

    fn apply(&mut self, update: ContainerUpdate) {
        match update {
            ContainerUpdate::Listed(kind, containers) => {
                for described in self.by_id.values_mut() {
                    described.retain(|container| container.runtime.kind() != kind);
                }
                containers.into_iter().for_each(|container| self.insert(container));
            }
            ContainerUpdate::Unreachable(_) => {}
            ContainerUpdate::Changed(container) => self.insert(container),
            ContainerUpdate::Removed(runtime, id) => {
                if let Some(described) = self.by_id.get_mut(&id) {
                    described.retain(|container| container.runtime != runtime);
                }
            }
        }
        self.by_id.retain(|_, described| !described.is_empty());
    }

    fn insert(&mut self, container: RuntimeContainer) {
        let described = self.by_id.entry(container.id.clone()).or_default();
        described.retain(|known| known.runtime != container.runtime);
        described.push(Arc::new(container));
        described.sort_by(|a, b| a.runtime.cmp(&b.runtime));
    }

    /// Rebuilds the lookups derived from `by_id`; runtimes report seldom, so a full rebuild is cheap enough.
    fn reindex(&mut self) {
        self.by_cgroup_id.clear();
        self.by_root_pid.clear();
        self.by_pid_namespace.clear();
        self.pod_labels.clear();
        for container in self.by_id.values().filter_map(|described| described.first()) {
            if let Some(root) = container.root {
                self.by_root_pid.insert(root.pid, container.clone());
                if let Some(cgroup_id) = root.cgroup_id {
                    self.by_cgroup_id.insert(cgroup_id, container.clone());
                }
                if let Some(namespace) = root.pid_namespace {
                    self.by_pid_namespace.insert(namespace, container.clone());
                }
            }
            if is_pod_sandbox(&container.labels)
                && let Some(uid) = container.labels.get(kubernetes_labels::POD_UID)
            {
                self.pod_labels.insert(uid.clone(), own_pod_labels(&container.labels));
            }
        }
    }

    /// The container process `pid` runs in, given its cgroup (id and path) and a way to find a process's parent.
    pub fn find(
        &self,
        cgroup_id: u64,
        cgroup_path: &str,
        pid: u32,
        parent_of: impl FnMut(u32) -> Option<u32>,
    ) -> Option<&RuntimeContainer> {
        if self.by_id.is_empty() {
            return None;
        }
        self.by_cgroup_id
            .get(&cgroup_id)
            .or_else(|| self.by_cgroup_path(cgroup_path))
            .or_else(|| self.by_ancestry(pid, parent_of))
            .or_else(|| self.by_shared_pid_namespace(pid))
            .map(Arc::as_ref)
    }

    fn by_cgroup_path(&self, cgroup_path: &str) -> Option<&Arc<RuntimeContainer>> {
        cgroup_path::container_ids(cgroup_path).find_map(|found| {
            let described = self.by_id.get(found.id)?;
            let in_namespace = |container: &&Arc<RuntimeContainer>| {
                let runtime_namespace = match container.runtime {
                    Runtime::Containerd { namespace } => Some(namespace),
                    Runtime::Docker => None,
                };
                found.namespace.is_none_or(|namespace| runtime_namespace == Some(namespace))
            };
            described.iter().find(in_namespace).or(described.first())
        })
    }

    /// A process whose ancestors include a container's first process runs in that container.
    fn by_ancestry(&self, pid: u32, mut parent_of: impl FnMut(u32) -> Option<u32>) -> Option<&Arc<RuntimeContainer>> {
        /// Deeper than any real process tree; ends walks through a corrupt (cyclic) table.
        const MAX_DEPTH: usize = 64;
        if self.by_root_pid.is_empty() {
            return None;
        }
        let mut current = pid;
        for _ in 0..MAX_DEPTH {
            if let Some(container) = self.by_root_pid.get(&current) {
                return Some(container);
            }
            current = parent_of(current).filter(|&parent| parent > 1)?;
        }
        None
    }

    /// A process in a container's pid namespace runs in that container (`docker exec`, `nsenter`: no ancestry).
    fn by_shared_pid_namespace(&self, pid: u32) -> Option<&Arc<RuntimeContainer>> {
        if self.by_pid_namespace.is_empty() {
            return None;
        }
        self.by_pid_namespace.get(&pid_namespace(pid)?)
    }

    /// The container and pod contexts of `container`, as packets carry them.
    pub fn contexts(&self, container: &RuntimeContainer) -> (ContainerContext, Option<PodContext>) {
        let labels = &container.labels;
        let label = |key: &str| labels.get(key).cloned();
        let name = label(kubernetes_labels::CONTAINER_NAME)
            .or_else(|| Some(container.name.clone()).filter(|name| !name.is_empty()))
            .unwrap_or_else(|| container.id.clone());
        let pod = label(kubernetes_labels::POD_NAME).map(|name| {
            let uid = label(kubernetes_labels::POD_UID).unwrap_or_default();
            PodContext {
                name,
                namespace: label(kubernetes_labels::POD_NAMESPACE).unwrap_or_default(),
                labels: self.pod_labels.get(&uid).cloned().unwrap_or_default(),
                uid,
            }
        });
        let context =
            ContainerContext { name, id: container.id.clone(), image: container.image.clone(), labels: labels.clone() };
        (context, pod)
    }
}

fn is_pod_sandbox(labels: &Labels) -> bool {
    labels.get(kubernetes_labels::CRI_CONTAINERD_KIND).is_some_and(|kind| kind == "sandbox")
        || labels.get(kubernetes_labels::DOCKER_TYPE).is_some_and(|kind| kind == "podsandbox")
}

/// A pod's labels are its sandbox's, less the ones kubelet and the runtime add for themselves.
fn own_pod_labels(sandbox_labels: &Labels) -> Labels {
    let bookkeeping = |key: &str| kubernetes_labels::BOOKKEEPING_PREFIXES.iter().any(|prefix| key.starts_with(prefix));
    sandbox_labels.iter().filter(|(key, _)| !bookkeeping(key)).map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// The inode of process `pid`'s pid namespace (`/proc/PID/ns/pid` reads `pid:[INODE]`).
fn pid_namespace(pid: u32) -> Option<u64> {
    let link = fs::read_link(format!("/proc/{pid}/ns/pid")).ok()?;
    link.to_str()?.strip_prefix("pid:[")?.strip_suffix(']')?.parse().ok()
}

/// The path of process `pid`'s cgroup v2 below the hierarchy's root (`/proc/PID/cgroup` names it as `0::PATH`).
fn process_cgroup(pid: u32) -> Option<String> {
    let memberships = fs::read_to_string(format!("/proc/{pid}/cgroup")).ok()?;
    memberships.lines().find_map(|line| line.strip_prefix("0::")).map(str::to_string)
}

/// The id of process `pid`'s cgroup v2: the inode of its directory.
fn cgroup_id(pid: u32) -> Option<u64> {
    let directory = cgroup2_root()?.join(process_cgroup(pid)?.trim_start_matches('/'));
    Some(fs::metadata(directory).ok()?.ino())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCKER_ID: &str = "77415cf0396ae97d75e0b0d4c45dfcff361935eed186a99496d11297f15dd3eb";

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs.iter().map(|(key, value)| (key.to_string(), value.to_string())).collect()
    }

    fn index_of(updates: Vec<ContainerUpdate>) -> ContainerIndex {
        let (sender, receiver) = update_channel();
        updates.into_iter().for_each(|update| sender.send(update).unwrap());
        let mut index = ContainerIndex { updates: Some(receiver), ..Default::default() };
        assert!(index.apply_updates());
        assert!(!index.apply_updates(), "nothing new the second time");
        index
    }

    fn docker_container() -> RuntimeContainer {
        RuntimeContainer {
            name: "web".into(),
            image: "busybox:1".into(),
            root: Some(RootProcess { pid: 4_000_100, cgroup_id: Some(4_000_300), pid_namespace: None }),
            ..RuntimeContainer::new(Runtime::Docker, DOCKER_ID.into())
        }
    }

    fn in_containerd(namespace: &'static str, id: &str) -> RuntimeContainer {
        RuntimeContainer::new(Runtime::Containerd { namespace }, id.into())
    }

    fn found_name(index: &ContainerIndex, cgroup_path: &str, pid: u32) -> Option<String> {
        let parents = HashMap::from([(4_000_102, 4_000_101), (4_000_101, 4_000_100), (4_000_100, 1)]);
        index.find(0, cgroup_path, pid, |pid| parents.get(&pid).copied()).map(|found| index.contexts(found).0.name)
    }

    #[test]
    fn docker_describes_its_containers_better_than_containerd() {
        let index = index_of(vec![
            ContainerUpdate::Listed(RuntimeKind::Containerd, vec![in_containerd("moby", DOCKER_ID)]),
            ContainerUpdate::Listed(RuntimeKind::Docker, vec![docker_container()]),
        ]);
        let found = index.find(0, &format!("/docker/{DOCKER_ID}"), 7, |_| None).expect("by cgroup");
        let (container, pod) = index.contexts(found);
        assert_eq!((container.name.as_str(), container.image.as_str(), pod), ("web", "busybox:1", None));
    }

    #[test]
    fn by_cgroup_then_ancestry_then_nothing() {
        let index = index_of(vec![ContainerUpdate::Listed(RuntimeKind::Docker, vec![docker_container()])]);
        assert_eq!(found_name(&index, "/user.slice", 4_000_102).as_deref(), Some("web"), "a grandchild of its root");
        let in_its_cgroup = index.find(4_000_300, "/unknown", 4_000_500, |_| None).map(|found| found.name.as_str());
        assert_eq!(in_its_cgroup, Some("web"), "the cgroup of its root (`docker exec`: no ancestry)");
        assert_eq!(found_name(&index, "/user.slice", 4_000_200), None);
        let index = index_of(vec![
            ContainerUpdate::Listed(RuntimeKind::Docker, vec![docker_container()]),
            ContainerUpdate::Removed(Runtime::Docker, DOCKER_ID.into()),
        ]);
        assert_eq!(found_name(&index, &format!("/docker/{DOCKER_ID}"), 4_000_102), None, "removed");
    }

    #[test]
    fn a_relisting_replaces_only_its_runtimes_containers() {
        let ctr = in_containerd;
        let index = index_of(vec![
            ContainerUpdate::Listed(RuntimeKind::Docker, vec![docker_container()]),
            ContainerUpdate::Listed(RuntimeKind::Containerd, vec![ctr("default", "a"), ctr("k8s.io", "b")]),
            ContainerUpdate::Changed(ctr("k8s.io", "a")),
            ContainerUpdate::Listed(RuntimeKind::Containerd, vec![ctr("default", "a"), ctr("k8s.io", "a")]),
        ]);
        assert_eq!(found_name(&index, &format!("/docker/{DOCKER_ID}"), 9).as_deref(), Some("web"));
        assert_eq!(found_name(&index, "/k8s.io/b", 9), None, "gone at the relisting");
        let found = index.find(0, "/k8s.io/a", 9, |_| None).expect("same id in two namespaces");
        assert_eq!(found.runtime, Runtime::Containerd { namespace: "k8s.io" });
        let found = index.find(0, "/default/a", 9, |_| None).expect("same id in two namespaces");
        assert_eq!(found.runtime, Runtime::Containerd { namespace: "default" });
    }

    #[test]
    fn pods_from_cri_labels_with_their_sandboxes_labels() {
        let pod_labels = [
            ("io.kubernetes.pod.name", "shop"),
            ("io.kubernetes.pod.namespace", "prod"),
            ("io.kubernetes.pod.uid", "5f1c-77"),
        ];
        let sandbox = RuntimeContainer {
            labels: labels(&[&pod_labels[..], &[("io.cri-containerd.kind", "sandbox"), ("app", "shop")]].concat()),
            ..in_containerd("k8s.io", "sandbox")
        };
        let server = RuntimeContainer {
            image: "registry.local/shop:2".into(),
            labels: labels(&[&pod_labels[..], &[("io.kubernetes.container.name", "api")]].concat()),
            ..in_containerd("k8s.io", "server")
        };
        let index = index_of(vec![ContainerUpdate::Listed(RuntimeKind::Containerd, vec![server.clone(), sandbox])]);
        let (container, pod) = index.contexts(index.find(0, "/k8s.io/server", 9, |_| None).expect("found"));
        assert_eq!((container.name.as_str(), container.id.as_str()), ("api", "server"));
        assert_eq!(container.labels, server.labels);
        let pod = pod.expect("a pod");
        assert_eq!((pod.name.as_str(), pod.namespace.as_str(), pod.uid.as_str()), ("shop", "prod", "5f1c-77"));
        assert_eq!(pod.labels, labels(&[("app", "shop")]));
    }

    #[test]
    fn each_update_is_taken_in_by_the_next_check() {
        let (sender, receiver) = update_channel();
        let mut index = ContainerIndex { updates: Some(receiver), ..Default::default() };
        assert!(!index.apply_updates(), "nothing sent yet");
        sender.send(ContainerUpdate::Changed(in_containerd("default", "probe"))).unwrap();
        assert!(index.apply_updates());
        assert_eq!(found_name(&index, "/default/probe", 9).as_deref(), Some("probe"));
        assert!(!index.apply_updates());
        sender.send(ContainerUpdate::Removed(Runtime::Containerd { namespace: "default" }, "probe".into())).unwrap();
        assert!(index.apply_updates());
        assert_eq!(found_name(&index, "/default/probe", 9), None);
    }

    #[test]
    fn a_container_without_a_name_is_named_by_its_id() {
        let index = index_of(vec![ContainerUpdate::Changed(in_containerd("default", "probe"))]);
        assert_eq!(found_name(&index, "/default/probe", 9).as_deref(), Some("probe"));
    }

    #[test]
    fn reads_a_root_process() {
        let own = RootProcess::of(std::process::id());
        assert_eq!(own.pid_namespace, None, "ours is no container's");
        assert!(pid_namespace(std::process::id()).is_some());
        if let Some(root) = cgroup2_root() {
            let ours = fs::read_to_string("/proc/self/cgroup").unwrap();
            let path = ours.lines().find_map(|line| line.strip_prefix("0::")).unwrap().trim_start_matches('/');
            assert_eq!(own.cgroup_id, Some(fs::metadata(root.join(path)).unwrap().ino()));
        }
        assert_eq!(RootProcess::of(u32::MAX), RootProcess { pid: u32::MAX, cgroup_id: None, pid_namespace: None });
    }
}
