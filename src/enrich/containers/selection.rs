//! Capturing only some containers' packets (`--container-id`, `--container-name`, `--pod-name`), decided in the
//! kernel: the programs keep a packet only if its process's cgroup is in their `selected_cgroups` map
//! (ebpf/processes.h), and this fills the map with the cgroups of the wanted containers.
//!
//! A thread of its own sits between the runtimes' watcher and the index: it learns of each container first,
//! selects its cgroups, and only then passes the news on. So the containers running at start are selected before
//! capture begins (the index waits for the first listings), and a container that starts while ptstat captures is
//! selected whether the capture loop is busy or waiting for packets that only the selection lets through. Most
//! containers are known from their creation on, before their runtime makes their cgroup: the names that cgroup's
//! directory may get go to the kernel's `wanted_cgroup_names`, and the kernel selects the directory the moment it
//! is made. Those first reported running are selected by their first process's cgroup (containerd reports a task
//! when it is created, before the container's program runs).

use std::{
    collections::{HashMap, HashSet},
    fmt, fs,
    os::unix::fs::MetadataExt,
    path::Path,
    sync::{Arc, mpsc},
    thread,
    time::Instant,
};

use aya::maps::{HashMap as BpfHashMap, MapData, MapError};

use super::{
    ContainerIndex, FIRST_LISTING_WAIT, RootProcess, RuntimeContainer, UpdateReceiver, UpdateSender, cgroup_path,
    kubernetes_labels, process_cgroup, watch,
};
use crate::source::live::{
    cgroup2::cgroup2_root,
    selection::{CGROUP_NAME_LEN, ContainerSelection, KernelSelection, PodName},
};

/// One value of one flag.
enum Wanted<'a> {
    IdPrefix(&'a str),
    Name(&'a str),
    Pod(&'a PodName),
}

impl Wanted<'_> {
    fn matches(&self, container: &RuntimeContainer) -> bool {
        let label = |key: &str| container.labels.get(key).map(String::as_str);
        match self {
            Wanted::IdPrefix(prefix) => container.id.starts_with(prefix),
            Wanted::Name(name) => container.name == *name || label(kubernetes_labels::CONTAINER_NAME) == Some(name),
            Wanted::Pod(pod) => {
                label(kubernetes_labels::POD_NAME) == Some(&pod.name)
                    && label(kubernetes_labels::POD_NAMESPACE) == Some(&pod.namespace)
            }
        }
    }
}

impl fmt::Display for Wanted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Wanted::IdPrefix(prefix) => write!(f, "--container-id {prefix}"),
            Wanted::Name(name) => write!(f, "--container-name {name}"),
            Wanted::Pod(pod) => write!(f, "--pod-name {pod}"),
        }
    }
}

impl ContainerSelection {
    /// The values given, flag by flag (flags not given are left out).
    fn flags(&self) -> impl Iterator<Item = Vec<Wanted<'_>>> {
        let ids = self.ids.iter().map(|prefix| Wanted::IdPrefix(prefix)).collect();
        let names = self.names.iter().map(|name| Wanted::Name(name)).collect();
        let pods = self.pods.iter().map(Wanted::Pod).collect();
        [ids, names, pods].into_iter().filter(|values: &Vec<_>| !values.is_empty())
    }

    /// Whether the container the runtimes describe as `described` (its descriptions, one per runtime) is wanted.
    fn wants(&self, described: &[Arc<RuntimeContainer>]) -> bool {
        self.flags().all(|values| values.iter().any(|value| described.iter().any(|container| value.matches(container))))
    }

    /// Warnings about values (or, when each matches some container, the whole selection) that match no container
    /// running in `index`.
    fn unmatched(&self, index: &ContainerIndex) -> Vec<String> {
        let running: Vec<_> =
            index.by_id.values().filter(|described| described.iter().any(|c| c.root.is_some())).collect();
        let later = "its packets are captured once it starts";
        let mut warnings = Vec::new();
        for value in self.flags().flatten() {
            if !running.iter().any(|described| described.iter().any(|container| value.matches(container))) {
                warnings.push(format!("{value}: no running container matches (yet); {later}"));
            }
        }
        if warnings.is_empty() && !running.iter().any(|described| self.wants(described)) {
            let flags: Vec<_> = self.flags().flatten().map(|value| value.to_string()).collect();
            warnings.push(format!("no running container matches {} together (yet); {later}", flags.join(" ")));
        }
        warnings
    }
}

/// Starts the thread that selects the wanted containers' cgroups from the watcher's `updates`, and passes these
/// on to the index at `index`. It stops once the index is gone, and the watcher with it.
pub(super) fn start(selection: KernelSelection, updates: UpdateReceiver, index: UpdateSender) -> std::io::Result<()> {
    let KernelSelection { wanted, cgroups, directory_names } = selection;
    let maps = ProgramMaps { cgroups, directory_names };
    let selector = Selector::new(wanted, Box::new(maps), container_cgroups);
    thread::Builder::new().name("ptstat-select".into()).spawn(move || selector.run(updates, index))?;
    Ok(())
}

/// What the selection tells the kernel: the programs' maps (the tests' own record in unit tests).
trait KernelMaps: Send {
    /// Selects a cgroup that exists.
    fn select(&mut self, cgroup_id: u64) -> Result<(), MapError>;
    fn unselect(&mut self, cgroup_id: u64) -> Result<(), MapError>;
    /// Selects the cgroup directory named `name` when it is made.
    fn expect(&mut self, name: &str) -> Result<(), MapError>;
    fn unexpect(&mut self, name: &str) -> Result<(), MapError>;
}

struct ProgramMaps {
    cgroups: BpfHashMap<MapData, u64, u8>,
    directory_names: BpfHashMap<MapData, [u8; CGROUP_NAME_LEN], u8>,
}

/// `name` NUL-padded, as the kernel reads it; `None` if too long to be read whole.
fn padded(name: &str) -> Option<[u8; CGROUP_NAME_LEN]> {
    let mut key = [0; CGROUP_NAME_LEN];
    key.get_mut(..name.len()).filter(|_| name.len() < CGROUP_NAME_LEN)?.copy_from_slice(name.as_bytes());
    Some(key)
}

impl KernelMaps for ProgramMaps {
    fn select(&mut self, cgroup_id: u64) -> Result<(), MapError> {
        self.cgroups.insert(cgroup_id, 1, 0)
    }

    fn unselect(&mut self, cgroup_id: u64) -> Result<(), MapError> {
        self.cgroups.remove(&cgroup_id)
    }

    fn expect(&mut self, name: &str) -> Result<(), MapError> {
        // A name too long for the kernel's buffer is left to the runtime's report of the container's process.
        padded(name).map_or(Ok(()), |key| self.directory_names.insert(key, 1, 0))
    }

    fn unexpect(&mut self, name: &str) -> Result<(), MapError> {
        padded(name).map_or(Ok(()), |key| self.directory_names.remove(&key))
    }
}

/// The cgroups of container `id`, given its first process.
type Resolver = fn(&str, &RootProcess) -> Vec<u64>;

struct Selector {
    wanted: ContainerSelection,
    maps: Box<dyn KernelMaps>,
    resolve: Resolver,
    /// The selector's own view of the containers (the enricher has another).
    index: ContainerIndex,
    /// Wanted containers by id: the first processes whose cgroups were looked for (a restarted container has a new
    /// one, in new cgroups), and the cgroups put into the map.
    selected: HashMap<String, Selected>,
}

#[derive(Default)]
struct Selected {
    roots: Vec<RootProcess>,
    cgroups: Vec<u64>,
}

impl Selector {
    fn new(wanted: ContainerSelection, maps: Box<dyn KernelMaps>, resolve: Resolver) -> Self {
        Selector { wanted, maps, resolve, index: ContainerIndex::default(), selected: HashMap::new() }
    }

    fn run(mut self, updates: UpdateReceiver, index: UpdateSender) {
        // This thread waits on the channel itself: the flag beside it is for the packet path's polling.
        let updates = updates.channel;
        // Until each runtime has answered once (or the index stops waiting for them), unmatched flags are not
        // known; then they are told once.
        let deadline = Instant::now() + FIRST_LISTING_WAIT;
        let mut answered = Vec::new();
        let mut warned = false;
        loop {
            let first = if warned {
                match updates.recv() {
                    Ok(update) => Some(update),
                    Err(mpsc::RecvError) => return,
                }
            } else {
                match updates.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                    Ok(update) => Some(update),
                    Err(mpsc::RecvTimeoutError::Timeout) => None,
                    Err(mpsc::RecvTimeoutError::Disconnected) => return,
                }
            };
            let received: Vec<_> = first.into_iter().chain(updates.try_iter()).collect();
            for update in &received {
                if let Some(kind) = update.first_answer()
                    && !answered.contains(&kind)
                {
                    answered.push(kind);
                }
                self.index.apply(update.clone());
            }
            self.select();
            if !warned && (answered.len() == watch::RUNTIMES.len() || Instant::now() >= deadline) {
                self.wanted.unmatched(&self.index).iter().for_each(|warning| eprintln!("ptstat: warning: {warning}"));
                warned = true;
            }
            // After the maps are filled: the index's first listings come when the running containers are selected.
            if received.into_iter().any(|update| index.send(update).is_err()) {
                return;
            }
        }
    }

    /// Puts the cgroups of the wanted containers that run into the map, and the names of the cgroups of those that
    /// do not yet; takes out those of containers that are gone or no longer wanted (renamed). A container that
    /// stopped keeps its cgroups until it is removed: the last packets of its sockets still name them.
    fn select(&mut self) {
        let mut wanted_now = HashSet::new();
        for (id, described) in &self.index.by_id {
            if !self.wanted.wants(described) {
                continue;
            }
            wanted_now.insert(id.clone());
            let selected = self.selected.entry(id.clone()).or_insert_with(|| {
                for name in cgroup_path::directory_names(id) {
                    if let Err(error) = self.maps.expect(&name) {
                        eprintln!("ptstat: warning: selecting container {id}: {error}");
                    }
                }
                Selected::default()
            });
            for root in described.iter().filter_map(|container| container.root) {
                if selected.roots.iter().any(|known| known.pid == root.pid) {
                    continue;
                }
                selected.roots.push(root);
                for cgroup in (self.resolve)(id, &root) {
                    if selected.cgroups.contains(&cgroup) {
                        continue;
                    }
                    match self.maps.select(cgroup) {
                        Ok(()) => selected.cgroups.push(cgroup),
                        Err(error) => eprintln!("ptstat: warning: selecting container {id}: {error}"),
                    }
                }
            }
        }
        let (maps, resolve) = (&mut self.maps, self.resolve);
        self.selected.retain(|id, selected| {
            if wanted_now.contains(id) {
                return true;
            }
            // Whatever is not in a map by now needs no taking out. The kernel may have selected cgroups made inside
            // the container's since it was looked at: they are looked for again.
            let again = selected.roots.iter().flat_map(|root| resolve(id, root));
            selected.cgroups.iter().copied().chain(again).for_each(|cgroup| drop(maps.unselect(cgroup)));
            cgroup_path::directory_names(id).iter().for_each(|name| drop(maps.unexpect(name)));
            false
        });
    }
}

/// The cgroups of container `id` whose first process is `root`: the directory named after the container that
/// holds the process's cgroup (`/docker/ID` for a process in `/docker/ID/init.scope`), else the process's own,
/// with every cgroup below it; and the cgroup the runtime's watcher saw the process in, in case it has exited
/// since.
fn container_cgroups(id: &str, root: &RootProcess) -> Vec<u64> {
    let mut found: Vec<u64> = root.cgroup_id.into_iter().collect();
    if let (Some(mount), Some(path)) = (cgroup2_root(), process_cgroup(root.pid)) {
        let directory = cgroup_path::container_directory(&path, id).unwrap_or(&path);
        subtree_ids(&mount.join(directory.trim_start_matches('/')), &mut found);
    }
    found.sort_unstable();
    found.dedup();
    found
}

/// The ids (inodes) of cgroup directory `directory` and of all below it.
fn subtree_ids(directory: &Path, ids: &mut Vec<u64>) {
    let mut pending = vec![directory.to_path_buf()];
    while let Some(directory) = pending.pop() {
        let Ok(metadata) = fs::metadata(&directory) else { continue };
        ids.push(metadata.ino());
        let entries = fs::read_dir(&directory).into_iter().flatten().flatten();
        pending.extend(entries.filter(|entry| entry.file_type().is_ok_and(|t| t.is_dir())).map(|e| e.path()));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::enrich::containers::{ContainerUpdate, Runtime, RuntimeKind};

    fn container(
        runtime: Runtime,
        id: &str,
        name: &str,
        labels: &[(&str, &str)],
        root: Option<u32>,
    ) -> RuntimeContainer {
        RuntimeContainer {
            name: name.into(),
            labels: labels.iter().map(|(key, value)| (key.to_string(), value.to_string())).collect(),
            root: root.map(|pid| RootProcess { pid, cgroup_id: None, pid_namespace: None }),
            ..RuntimeContainer::new(runtime, id.into())
        }
    }

    fn pod(name: &str, namespace: &str, container_name: &str) -> Vec<(&'static str, String)> {
        vec![
            (kubernetes_labels::POD_NAME, name.to_string()),
            (kubernetes_labels::POD_NAMESPACE, namespace.to_string()),
            (kubernetes_labels::CONTAINER_NAME, container_name.to_string()),
        ]
    }

    fn in_pod(id: &str, labels: &[(&'static str, String)], root: u32) -> RuntimeContainer {
        let labels: Vec<_> = labels.iter().map(|(key, value)| (*key, value.as_str())).collect();
        container(Runtime::Containerd { namespace: "k8s.io" }, id, "", &labels, Some(root))
    }

    fn selection(ids: &[&str], names: &[&str], pods: &[&str]) -> ContainerSelection {
        ContainerSelection {
            ids: ids.iter().map(|id| id.to_string()).collect(),
            names: names.iter().map(|name| name.to_string()).collect(),
            pods: pods.iter().map(|pod| pod.parse().unwrap()).collect(),
        }
    }

    fn wants(selection: &ContainerSelection, container: RuntimeContainer) -> bool {
        selection.wants(&[Arc::new(container)])
    }

    #[test]
    fn pod_names_split_at_the_last_dot() {
        let pod: PodName = "web-0.v2.shop".parse().unwrap();
        assert_eq!((pod.name.as_str(), pod.namespace.as_str()), ("web-0.v2", "shop"));
        assert_eq!(pod.to_string(), "web-0.v2.shop");
        for bad in ["web", "web.", ".shop", ""] {
            assert!(bad.parse::<PodName>().is_err(), "{bad}");
        }
    }

    #[test]
    fn any_value_of_a_flag_and_every_flag() {
        let web = container(Runtime::Docker, "77415cf0396a", "web", &[], Some(1));
        let by_name = selection(&[], &["db", "web"], &[]);
        assert!(wants(&by_name, web.clone()));
        assert!(!wants(&selection(&[], &["we"], &[]), web.clone()), "names match whole");
        assert!(wants(&selection(&["77415cf0"], &[], &[]), web.clone()));
        assert!(!wants(&selection(&["7415cf0"], &[], &[]), web.clone()), "ids match from their start");
        assert!(wants(&selection(&["77415"], &["web"], &[]), web.clone()));
        assert!(!wants(&selection(&["77415"], &["db"], &[]), web), "every flag must match");

        let api = in_pod("5f2e", &pod("web-0", "shop", "api"), 2);
        assert!(wants(&selection(&[], &["api"], &[]), api.clone()), "Kubernetes' container name");
        assert!(wants(&selection(&[], &[], &["web-0.shop"]), api.clone()));
        assert!(!wants(&selection(&[], &[], &["web-0.other"]), api.clone()), "another namespace");
        assert!(wants(&selection(&[], &["api"], &["web-0.shop"]), api.clone()));
        assert!(!wants(&selection(&[], &["sidecar"], &["web-0.shop"]), api));
    }

    #[test]
    fn a_docker_name_counts_when_containerd_describes_the_container_too() {
        let described = [
            Arc::new(container(Runtime::Docker, "abc", "web", &[], None)),
            Arc::new(container(Runtime::Containerd { namespace: "moby" }, "abc", "", &[], Some(7))),
        ];
        assert!(selection(&[], &["web"], &[]).wants(&described));
    }

    /// The maps, as the tests see them: selected cgroups, and the names expected.
    #[derive(Clone, Default)]
    struct FakeMaps(Arc<Mutex<(Vec<u64>, Vec<String>)>>);

    impl KernelMaps for FakeMaps {
        fn select(&mut self, cgroup_id: u64) -> Result<(), MapError> {
            self.0.lock().unwrap().0.push(cgroup_id);
            Ok(())
        }

        fn unselect(&mut self, cgroup_id: u64) -> Result<(), MapError> {
            self.0.lock().unwrap().0.retain(|&id| id != cgroup_id);
            Ok(())
        }

        fn expect(&mut self, name: &str) -> Result<(), MapError> {
            self.0.lock().unwrap().1.push(name.to_string());
            Ok(())
        }

        fn unexpect(&mut self, name: &str) -> Result<(), MapError> {
            self.0.lock().unwrap().1.retain(|known| known != name);
            Ok(())
        }
    }

    impl FakeMaps {
        fn sorted(&self) -> Vec<u64> {
            let mut ids = self.0.lock().unwrap().0.clone();
            ids.sort_unstable();
            ids
        }

        fn expects(&self, name: &str) -> bool {
            self.0.lock().unwrap().1.iter().any(|known| known == name)
        }
    }

    /// A container's cgroups: its root pid times ten, and the next id (a cgroup below it).
    fn fake_cgroups(_id: &str, root: &RootProcess) -> Vec<u64> {
        vec![u64::from(root.pid) * 10, u64::from(root.pid) * 10 + 1]
    }

    fn selector_with_map(wanted: ContainerSelection) -> (Selector, FakeMaps) {
        let map = FakeMaps::default();
        (Selector::new(wanted, Box::new(map.clone()), fake_cgroups), map)
    }

    fn apply(selector: &mut Selector, updates: Vec<ContainerUpdate>) {
        updates.into_iter().for_each(|update| selector.index.apply(update));
        selector.select();
    }

    #[test]
    fn selects_wanted_containers_as_they_start_and_unselects_them_as_they_go() {
        let (mut selector, map) = selector_with_map(selection(&[], &["web"], &[]));
        let docker = |id: &str, name: &str, root: Option<u32>| container(Runtime::Docker, id, name, &[], root);
        apply(&mut selector, vec![ContainerUpdate::Listed(RuntimeKind::Docker, vec![docker("a", "db", Some(1))])]);
        assert_eq!(map.sorted(), Vec::<u64>::new(), "nothing wanted runs");
        assert_eq!(selector.wanted.unmatched(&selector.index).len(), 1);

        assert!(!map.expects("docker-b.scope"));
        apply(&mut selector, vec![ContainerUpdate::Changed(docker("b", "web", None))]);
        assert_eq!(map.sorted(), Vec::<u64>::new(), "created, not started");
        assert!(map.expects("b") && map.expects("docker-b.scope"), "its cgroup is selected as it is made");
        apply(&mut selector, vec![ContainerUpdate::Changed(docker("b", "web", Some(2)))]);
        assert_eq!(map.sorted(), [20, 21]);
        apply(&mut selector, vec![ContainerUpdate::Changed(docker("b", "web", None))]);
        assert_eq!(map.sorted(), [20, 21], "stopped: its last packets still count");
        apply(&mut selector, vec![ContainerUpdate::Changed(docker("b", "web", Some(3)))]);
        assert_eq!(map.sorted(), [20, 21, 30, 31], "restarted: in new cgroups");
        assert!(selector.wanted.unmatched(&selector.index).is_empty());

        apply(&mut selector, vec![ContainerUpdate::Changed(docker("b", "web-old", Some(3)))]);
        assert_eq!(map.sorted(), Vec::<u64>::new(), "renamed: no longer wanted");
        apply(&mut selector, vec![ContainerUpdate::Changed(docker("b", "web", Some(3)))]);
        assert_eq!(map.sorted(), [30, 31]);
        apply(&mut selector, vec![ContainerUpdate::Removed(Runtime::Docker, "b".into())]);
        assert_eq!(map.sorted(), Vec::<u64>::new(), "removed");
        assert!(!map.expects("b") && !map.expects("docker-b.scope"));
    }

    #[test]
    fn unmatched_flags_are_told_one_by_one_and_a_selection_matching_only_apart_as_a_whole() {
        let (mut selector, _) = selector_with_map(selection(&[], &["api", "db"], &["web-0.shop"]));
        let sidecar = in_pod("1", &pod("web-0", "shop", "sidecar"), 5);
        let api = in_pod("2", &pod("web-1", "shop", "api"), 6);
        apply(&mut selector, vec![ContainerUpdate::Listed(RuntimeKind::Containerd, vec![sidecar, api])]);
        assert_eq!(
            selector.wanted.unmatched(&selector.index),
            ["--container-name db: no running container matches (yet); its packets are captured once it starts"]
        );
        let (mut selector, map) = selector_with_map(selection(&[], &["api"], &["web-0.shop"]));
        let sidecar = in_pod("1", &pod("web-0", "shop", "sidecar"), 5);
        let api = in_pod("2", &pod("web-1", "shop", "api"), 6);
        apply(&mut selector, vec![ContainerUpdate::Listed(RuntimeKind::Containerd, vec![sidecar, api])]);
        assert_eq!(
            selector.wanted.unmatched(&selector.index),
            ["no running container matches --container-name api --pod-name web-0.shop together (yet); its packets \
                 are captured once it starts"]
        );
        assert_eq!(map.sorted(), Vec::<u64>::new());
    }

    #[test]
    fn directory_names_are_nul_padded_and_too_long_ones_left_out() {
        let key = padded("docker-b.scope").unwrap();
        assert_eq!(&key[..14], b"docker-b.scope");
        assert!(key[14..].iter().all(|&byte| byte == 0));
        assert!(padded(&"x".repeat(CGROUP_NAME_LEN - 1)).is_some());
        assert_eq!(padded(&"x".repeat(CGROUP_NAME_LEN)), None, "no room for the NUL");
    }

    #[test]
    fn finds_a_processs_container_cgroups() {
        if cgroup2_root().is_some() {
            let own = RootProcess::of(std::process::id());
            // No cgroup of ours is named after a container "nobody": our own cgroup counts, and those below it.
            assert!(own.cgroup_id.is_some_and(|id| container_cgroups("nobody", &own).contains(&id)));
        }
        let gone = RootProcess { pid: u32::MAX, cgroup_id: Some(42), pid_namespace: None };
        assert_eq!(container_cgroups("nobody", &gone), [42], "the cgroup the watcher saw it in");
    }
}
