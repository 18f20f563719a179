//! Capturing only some containers' packets, decided in the kernel: for `--container-id`, `--container-name` and
//! `--pod-name`, the programs keep a packet only if its process's cgroup is in their `selected_cgroups` map
//! (ebpf/processes.h); for the filter expression's `container`, `container id`, `pod` and `pod label` terms, the
//! `term_cgroups` map tells which of these terms a cgroup's processes match (ebpf/terms.h). This fills both with the
//! cgroups of the containers they want.
//!
//! A thread of its own sits between the runtimes' watcher and the index: it learns of each container first,
//! selects its cgroups, and only then passes the news on. So the containers running at start are selected before
//! capture begins (the index waits for the first listings), and a container that starts while ptstat captures is
//! selected whether the capture loop is busy or waiting for packets that only the selection lets through. Most
//! containers are known from their creation on, before their runtime makes their cgroup: the names that cgroup's
//! directory may get go to the kernel (`wanted_cgroup_names`, `term_cgroup_names`), and the kernel selects the
//! directory the moment it is made. Those first reported running are selected by their first process's cgroup
//! (containerd reports a task when it is created, before the container's program runs).

use std::{
    collections::{HashMap, HashSet},
    fmt, fs,
    os::unix::fs::MetadataExt,
    path::Path,
    sync::{Arc, mpsc},
    thread,
    time::Instant,
};

use aya::{
    Pod,
    maps::{HashMap as BpfHashMap, MapData, MapError},
};
use ptstat_filter::{ProcessTerm, TermKind};

use super::{
    ContainerIndex, FIRST_LISTING_WAIT, RootProcess, RuntimeContainer, UpdateReceiver, UpdateSender, cgroup_path,
    kubernetes_labels, process_cgroup, watch,
};
use crate::source::live::{
    cgroup2::cgroup2_root,
    selection::{CGROUP_NAME_LEN, ContainerSelection, KernelSelection, SelectionMaps},
};

/// One value of one flag, or one container term of the filter expression.
enum Wanted<'a> {
    IdPrefix(&'a str),
    Name(&'a str),
    Pod {
        name: &'a str,
        namespace: &'a str,
    },
    /// One of the pod's labels (its sandbox's, as packets carry them).
    PodLabel {
        key: &'a str,
        value: &'a str,
    },
}

impl<'a> Wanted<'a> {
    /// What a container term wants (`None` for the other terms).
    fn term(term: &'a ProcessTerm) -> Option<Self> {
        match term.kind {
            // `--container-name` takes Docker's leading slash off too.
            TermKind::Container => Some(Wanted::Name(term.value.strip_prefix('/').unwrap_or(&term.value))),
            TermKind::ContainerId => Some(Wanted::IdPrefix(&term.value)),
            TermKind::Pod => term.pod().map(|(name, namespace)| Wanted::Pod { name, namespace }),
            TermKind::PodLabel => term.label().map(|(key, value)| Wanted::PodLabel { key, value }),
            _ => None,
        }
    }

    /// Whether `container` is wanted; `index` knows its pod's labels.
    fn matches(&self, container: &RuntimeContainer, index: &ContainerIndex) -> bool {
        let label = |key: &str| container.labels.get(key).map(String::as_str);
        match *self {
            Wanted::IdPrefix(prefix) => container.id.starts_with(prefix),
            Wanted::Name(name) => container.name == name || label(kubernetes_labels::CONTAINER_NAME) == Some(name),
            Wanted::Pod { name, namespace } => {
                label(kubernetes_labels::POD_NAME) == Some(name)
                    && label(kubernetes_labels::POD_NAMESPACE) == Some(namespace)
            }
            Wanted::PodLabel { key, value } => label(kubernetes_labels::POD_UID)
                .and_then(|uid| index.pod_labels.get(uid))
                .and_then(|labels| labels.get(key))
                .is_some_and(|label| label == value),
        }
    }
}

impl fmt::Display for Wanted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Wanted::IdPrefix(prefix) => write!(f, "--container-id {prefix}"),
            Wanted::Name(name) => write!(f, "--container-name {name}"),
            Wanted::Pod { name, namespace } => write!(f, "--pod-name {name}.{namespace}"),
            Wanted::PodLabel { key, value } => write!(f, "pod label {key}={value}"),
        }
    }
}

impl ContainerSelection {
    /// The values given, flag by flag (flags not given are left out).
    fn flags(&self) -> impl Iterator<Item = Vec<Wanted<'_>>> {
        let ids = self.ids.iter().map(|prefix| Wanted::IdPrefix(prefix)).collect();
        let names = self.names.iter().map(|name| Wanted::Name(name)).collect();
        let pods = self.pods.iter().map(|pod| Wanted::Pod { name: &pod.name, namespace: &pod.namespace }).collect();
        [ids, names, pods].into_iter().filter(|values: &Vec<_>| !values.is_empty())
    }

    /// Whether the container the runtimes describe as `described` (its descriptions, one per runtime) is wanted.
    fn wants(&self, described: &[Arc<RuntimeContainer>], index: &ContainerIndex) -> bool {
        self.flags().all(|values| values.iter().any(|value| described.iter().any(|c| value.matches(c, index))))
    }

    /// Warnings about values (or, when each matches some container, the whole selection) that match no container
    /// running in `index`.
    fn unmatched(&self, index: &ContainerIndex) -> Vec<String> {
        let running: Vec<_> =
            index.by_id.values().filter(|described| described.iter().any(|c| c.root.is_some())).collect();
        let later = "its packets are captured once it starts";
        let mut warnings = Vec::new();
        for value in self.flags().flatten() {
            if !running.iter().any(|described| described.iter().any(|container| value.matches(container, index))) {
                warnings.push(format!("{value}: no running container matches (yet); {later}"));
            }
        }
        if warnings.is_empty() && !running.iter().any(|described| self.wants(described, index)) {
            let flags: Vec<_> = self.flags().flatten().map(|value| value.to_string()).collect();
            warnings.push(format!("no running container matches {} together (yet); {later}", flags.join(" ")));
        }
        warnings
    }
}

/// What one pair of maps selects containers for: the flags, or the filter expression's container terms (each with
/// its bit).
enum Wants {
    Flags(ContainerSelection),
    Terms(Vec<(u32, ProcessTerm)>),
}

impl Wants {
    /// What the maps say of the container the runtimes describe as `described`: 1 if the flags want it, the bits of
    /// the terms that name it; 0 when not wanted.
    fn bits(&self, described: &[Arc<RuntimeContainer>], index: &ContainerIndex) -> u32 {
        match self {
            Wants::Flags(flags) => u32::from(flags.wants(described, index)),
            Wants::Terms(terms) => terms
                .iter()
                .filter(|(_, term)| {
                    Wanted::term(term).is_some_and(|wanted| described.iter().any(|c| wanted.matches(c, index)))
                })
                .fold(0, |bits, (bit, _)| bits | bit),
        }
    }
}

/// Starts the thread that selects the wanted containers' cgroups from the watcher's `updates`, and passes these
/// on to the index at `index`. It stops once the index is gone, and the watcher with it.
pub(super) fn start(selection: KernelSelection, updates: UpdateReceiver, index: UpdateSender) -> std::io::Result<()> {
    let KernelSelection { flags, terms } = selection;
    let flags = flags.map(|SelectionMaps { wanted, cgroups, directory_names }| {
        Target::new(Wants::Flags(wanted), Box::new(ProgramMaps { cgroups, directory_names, owned: 1 }))
    });
    let terms = terms.map(|SelectionMaps { wanted, cgroups, directory_names }| {
        let owned = wanted.iter().fold(0, |bits, (bit, _)| bits | bit);
        Target::new(Wants::Terms(wanted), Box::new(ProgramMaps { cgroups, directory_names, owned }))
    });
    let selector = Selector::new(flags.into_iter().chain(terms).collect(), container_cgroups);
    thread::Builder::new().name("ptstat-select".into()).spawn(move || selector.run(updates, index))?;
    Ok(())
}

/// What the selection tells the kernel: the programs' maps (the tests' own record in unit tests).
trait KernelMaps: Send {
    /// Selects a cgroup that exists, with `bits` (see [`Wants::bits`]).
    fn select(&mut self, cgroup_id: u64, bits: u32) -> Result<(), MapError>;
    fn unselect(&mut self, cgroup_id: u64) -> Result<(), MapError>;
    /// Selects the cgroup directory named `name` when it is made, with `bits`.
    fn expect(&mut self, name: &str, bits: u32) -> Result<(), MapError>;
    fn unexpect(&mut self, name: &str) -> Result<(), MapError>;
}

/// A pair of the programs' maps, whose values are `V`.
struct ProgramMaps<V> {
    cgroups: BpfHashMap<MapData, u64, V>,
    directory_names: BpfHashMap<MapData, [u8; CGROUP_NAME_LEN], V>,
    /// The bits of the values that are this selection's: term_cgroups holds the `cgroup` terms' bits too, which a
    /// container's cgroup below a `cgroup` term's keeps.
    owned: u32,
}

/// The values of the maps: selected_cgroups' 1, term_cgroups' bits.
trait MapValue: Pod {
    fn from_bits(bits: u32) -> Self;
    fn bits(self) -> u32;
}

impl MapValue for u8 {
    fn from_bits(bits: u32) -> Self {
        u8::from(bits != 0)
    }

    fn bits(self) -> u32 {
        u32::from(self)
    }
}

impl MapValue for u32 {
    fn from_bits(bits: u32) -> Self {
        bits
    }

    fn bits(self) -> u32 {
        self
    }
}

/// `name` NUL-padded, as the kernel reads it; `None` if too long to be read whole.
fn padded(name: &str) -> Option<[u8; CGROUP_NAME_LEN]> {
    let mut key = [0; CGROUP_NAME_LEN];
    key.get_mut(..name.len()).filter(|_| name.len() < CGROUP_NAME_LEN)?.copy_from_slice(name.as_bytes());
    Some(key)
}

impl<V: MapValue + Send> ProgramMaps<V> {
    /// The bits of `cgroup_id`'s value that are not this selection's.
    fn others(&self, cgroup_id: u64) -> u32 {
        self.cgroups.get(&cgroup_id, 0).map_or(0, V::bits) & !self.owned
    }
}

impl<V: MapValue + Send> KernelMaps for ProgramMaps<V> {
    fn select(&mut self, cgroup_id: u64, bits: u32) -> Result<(), MapError> {
        let value = self.others(cgroup_id) | bits;
        self.cgroups.insert(cgroup_id, V::from_bits(value), 0)
    }

    fn unselect(&mut self, cgroup_id: u64) -> Result<(), MapError> {
        match self.others(cgroup_id) {
            0 => self.cgroups.remove(&cgroup_id),
            others => self.cgroups.insert(cgroup_id, V::from_bits(others), 0),
        }
    }

    fn expect(&mut self, name: &str, bits: u32) -> Result<(), MapError> {
        // A name too long for the kernel's buffer is left to the runtime's report of the container's process.
        padded(name).map_or(Ok(()), |key| self.directory_names.insert(key, V::from_bits(bits), 0))
    }

    fn unexpect(&mut self, name: &str) -> Result<(), MapError> {
        padded(name).map_or(Ok(()), |key| self.directory_names.remove(&key))
    }
}

/// The cgroups of container `id`, given its first process.
type Resolver = fn(&str, &RootProcess) -> Vec<u64>;

struct Selector {
    /// The flags' maps and the terms' (either may be absent).
    targets: Vec<Target>,
    resolve: Resolver,
    /// The selector's own view of the containers (the enricher has another).
    index: ContainerIndex,
}

/// What is wanted, the maps that select it, and what they hold.
struct Target {
    wants: Wants,
    maps: Box<dyn KernelMaps>,
    /// Wanted containers by id: their bits, the first processes whose cgroups were looked for (a restarted
    /// container has a new one, in new cgroups), and the cgroups put into the map.
    selected: HashMap<String, Selected>,
}

#[derive(Default)]
struct Selected {
    bits: u32,
    roots: Vec<RootProcess>,
    cgroups: Vec<u64>,
}

impl Selector {
    fn new(targets: Vec<Target>, resolve: Resolver) -> Self {
        Selector { targets, resolve, index: ContainerIndex::default() }
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
                self.warnings().iter().for_each(|warning| eprintln!("ptstat: warning: {warning}"));
                warned = true;
            }
            // After the maps are filled: the index's first listings come when the running containers are selected.
            if received.into_iter().any(|update| index.send(update).is_err()) {
                return;
            }
        }
    }

    /// Brings every target's maps up to date with the index.
    fn select(&mut self) {
        // The pods' labels, from their sandboxes.
        self.index.reindex();
        for target in &mut self.targets {
            target.select(&self.index, self.resolve);
        }
    }

    /// The flags' values that match no running container.
    fn warnings(&self) -> Vec<String> {
        let flags = self.targets.iter().filter_map(|target| match &target.wants {
            Wants::Flags(flags) => Some(flags),
            Wants::Terms(_) => None,
        });
        flags.flat_map(|flags| flags.unmatched(&self.index)).collect()
    }
}

impl Target {
    fn new(wants: Wants, maps: Box<dyn KernelMaps>) -> Self {
        Target { wants, maps, selected: HashMap::new() }
    }

    /// Puts the cgroups of the wanted containers of `index` that run into the map, and the names of the cgroups of
    /// those that do not yet; takes out those of containers that are gone or no longer wanted (renamed). A
    /// container that stopped keeps its cgroups until it is removed: the last packets of its sockets still name
    /// them.
    fn select(&mut self, index: &ContainerIndex, resolve: Resolver) {
        let mut wanted_now = HashSet::new();
        for (id, described) in &index.by_id {
            let bits = self.wants.bits(described, index);
            if bits == 0 {
                continue;
            }
            wanted_now.insert(id.clone());
            let warn = |error: MapError| eprintln!("ptstat: warning: selecting container {id}: {error}");
            let selected = self.selected.entry(id.clone()).or_default();
            if selected.bits != bits {
                // Newly wanted, or by other terms now (its pod's labels known since): all it has gets the new bits.
                selected.bits = bits;
                for name in cgroup_path::directory_names(id) {
                    self.maps.expect(&name, bits).unwrap_or_else(warn);
                }
                for &cgroup in &selected.cgroups {
                    self.maps.select(cgroup, bits).unwrap_or_else(warn);
                }
            }
            for root in described.iter().filter_map(|container| container.root) {
                if selected.roots.iter().any(|known| known.pid == root.pid) {
                    continue;
                }
                selected.roots.push(root);
                for cgroup in resolve(id, &root) {
                    if selected.cgroups.contains(&cgroup) {
                        continue;
                    }
                    match self.maps.select(cgroup, bits) {
                        Ok(()) => selected.cgroups.push(cgroup),
                        Err(error) => warn(error),
                    }
                }
            }
        }
        let maps = &mut self.maps;
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
    use std::{collections::BTreeMap, sync::Mutex};

    use super::*;
    use crate::{
        enrich::containers::{ContainerUpdate, Runtime, RuntimeKind},
        source::live::selection::PodName,
    };

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
        selection.wants(&[Arc::new(container)], &ContainerIndex::default())
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
        assert!(selection(&[], &["web"], &[]).wants(&described, &ContainerIndex::default()));
    }

    /// The maps, as the tests see them: selected cgroups and the names expected, with their bits.
    #[derive(Clone, Default)]
    struct FakeMaps(Arc<Mutex<FakeEntries>>);

    type FakeEntries = (BTreeMap<u64, u32>, BTreeMap<String, u32>);

    impl KernelMaps for FakeMaps {
        fn select(&mut self, cgroup_id: u64, bits: u32) -> Result<(), MapError> {
            self.0.lock().unwrap().0.insert(cgroup_id, bits);
            Ok(())
        }

        fn unselect(&mut self, cgroup_id: u64) -> Result<(), MapError> {
            self.0.lock().unwrap().0.remove(&cgroup_id);
            Ok(())
        }

        fn expect(&mut self, name: &str, bits: u32) -> Result<(), MapError> {
            self.0.lock().unwrap().1.insert(name.to_string(), bits);
            Ok(())
        }

        fn unexpect(&mut self, name: &str) -> Result<(), MapError> {
            self.0.lock().unwrap().1.remove(name);
            Ok(())
        }
    }

    impl FakeMaps {
        fn sorted(&self) -> Vec<u64> {
            self.0.lock().unwrap().0.keys().copied().collect()
        }

        fn selected(&self) -> Vec<(u64, u32)> {
            self.0.lock().unwrap().0.iter().map(|(&id, &bits)| (id, bits)).collect()
        }

        fn expects(&self, name: &str) -> bool {
            self.0.lock().unwrap().1.contains_key(name)
        }
    }

    /// A container's cgroups: its root pid times ten, and the next id (a cgroup below it).
    fn fake_cgroups(_id: &str, root: &RootProcess) -> Vec<u64> {
        vec![u64::from(root.pid) * 10, u64::from(root.pid) * 10 + 1]
    }

    fn selector_for(wants: Wants) -> (Selector, FakeMaps) {
        let map = FakeMaps::default();
        (Selector::new(vec![Target::new(wants, Box::new(map.clone()))], fake_cgroups), map)
    }

    fn selector_with_map(wanted: ContainerSelection) -> (Selector, FakeMaps) {
        selector_for(Wants::Flags(wanted))
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
        assert_eq!(selector.warnings().len(), 1);

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
        assert!(selector.warnings().is_empty());

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
            selector.warnings(),
            ["--container-name db: no running container matches (yet); its packets are captured once it starts"]
        );
        let (mut selector, map) = selector_with_map(selection(&[], &["api"], &["web-0.shop"]));
        let sidecar = in_pod("1", &pod("web-0", "shop", "sidecar"), 5);
        let api = in_pod("2", &pod("web-1", "shop", "api"), 6);
        apply(&mut selector, vec![ContainerUpdate::Listed(RuntimeKind::Containerd, vec![sidecar, api])]);
        assert_eq!(
            selector.warnings(),
            ["no running container matches --container-name api --pod-name web-0.shop together (yet); its packets \
                 are captured once it starts"]
        );
        assert_eq!(map.sorted(), Vec::<u64>::new());
    }

    #[test]
    fn container_terms_get_their_bits_and_a_pod_label_its_sandboxs() {
        let term = |kind, value: &str| ProcessTerm { kind, value: value.into() };
        let terms = vec![
            (0b1, term(TermKind::Container, "web")),
            (0b10, term(TermKind::PodLabel, "app=shop")),
            (0b100, term(TermKind::Pod, "web-0.shop")),
            (0b1000, term(TermKind::ContainerId, "77")),
        ];
        let (mut selector, map) = selector_for(Wants::Terms(terms));
        let uid = (kubernetes_labels::POD_UID, "u1".to_string());
        let api = in_pod("5f", &[pod("web-0", "shop", "api"), vec![uid.clone()]].concat(), 2);
        apply(&mut selector, vec![ContainerUpdate::Changed(api)]);
        assert_eq!(map.selected(), [(20, 0b100), (21, 0b100)], "the pod's labels are not known yet");
        let sandbox_labels = [("io.cri-containerd.kind", "sandbox"), ("app", "shop"), (uid.0, "u1")];
        let sandbox = container(Runtime::Containerd { namespace: "k8s.io" }, "9a", "", &sandbox_labels, Some(3));
        apply(&mut selector, vec![ContainerUpdate::Changed(sandbox)]);
        assert_eq!(map.selected(), [(20, 0b110), (21, 0b110), (30, 0b10), (31, 0b10)], "the label, once known");
        apply(&mut selector, vec![ContainerUpdate::Changed(container(Runtime::Docker, "77ab", "web", &[], None))]);
        assert!(map.0.lock().unwrap().1.get("docker-77ab.scope") == Some(&0b1001), "expected with its bits");
        apply(&mut selector, vec![ContainerUpdate::Changed(container(Runtime::Docker, "12", "db", &[], Some(4)))]);
        assert_eq!(map.sorted(), [20, 21, 30, 31], "no term names db");
        assert!(selector.warnings().is_empty(), "only flags are warned about");
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
