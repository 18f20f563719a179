//! The enrich stage: turns what the kernel recorded about a packet's process (pid, tid, comm, uid, cgroup id)
//! into a full `ProcessContext`, with /proc and the process life-cycle events for names, paths and parents, and
//! the container runtimes for containers and pods.

pub mod cgroups;
pub mod containers;
pub mod pods;
pub mod processes;

use std::sync::Arc;

use foldhash::HashMap;

use crate::{
    packet::{ParentProcess, ProcessContext, ThreadContext},
    source::live::{
        KernelSelection,
        event::{KernelProcess, ProcessEvent},
    },
};
use cgroups::CgroupPaths;
use containers::{ContainerIndex, RuntimeSockets};
use processes::ProcessTable;

/// Which parts of the context to show and write (`--context`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContextSelection {
    /// pid, name, command, arguments, cgroup.
    pub process: bool,
    pub thread: bool,
    pub parent: bool,
    pub user: bool,
    pub container: bool,
    pub pod: bool,
}

impl ContextSelection {
    pub const ALL: ContextSelection =
        ContextSelection { process: true, thread: true, parent: true, user: true, container: true, pod: true };
    pub const NONE: ContextSelection =
        ContextSelection { process: false, thread: false, parent: false, user: false, container: false, pod: false };

    /// Leaves out of `context` what is not selected; `None` if nothing is.
    pub fn restrict(self, context: &ProcessContext) -> Option<ProcessContext> {
        if self == ContextSelection::NONE {
            return None;
        }
        let mut restricted = ProcessContext { pid: context.pid, name: context.name.clone(), ..Default::default() };
        if self.process {
            restricted.cmd = context.cmd.clone();
            restricted.args = context.args.clone();
            restricted.cgroup_id = context.cgroup_id;
            restricted.cgroup = context.cgroup.clone();
        }
        restricted.thread = context.thread.clone().filter(|_| self.thread);
        restricted.uid = context.uid.filter(|_| self.user);
        restricted.parent = context.parent.clone().filter(|_| self.parent);
        restricted.container = context.container.clone().filter(|_| self.container);
        restricted.pod = context.pod.clone().filter(|_| self.pod);
        Some(restricted)
    }
}

/// Builds process contexts, each once per (pid, tid) until the process changes: packets of one socket share it.
pub struct Enricher {
    selection: ContextSelection,
    processes: ProcessTable,
    cgroups: CgroupPaths,
    containers: ContainerIndex,
    contexts: ContextCache,
}

/// The contexts made so far, by (pid, tid). Packets come in runs of one socket's, so the last two asked for (a
/// packet's process and its peer, asked for in turn) are kept apart too: a run costs a comparison or two a packet
/// instead of lookups (with one kept, the peer would evict the process each packet, and the process the peer).
#[derive(Default)]
struct ContextCache {
    by_thread: HashMap<Thread, Arc<ProcessContext>>,
    /// The most recently looked up first.
    recent: [Option<(Thread, Arc<ProcessContext>)>; 2],
}

/// (pid, tid).
type Thread = (u32, u32);

impl ContextCache {
    fn get(&mut self, thread: Thread) -> Option<&Arc<ProcessContext>> {
        let recent =
            match self.recent.iter().position(|entry| entry.as_ref().is_some_and(|(asked, _)| *asked == thread)) {
                Some(index) => index,
                None => {
                    let found = self.by_thread.get(&thread)?.clone();
                    self.remember(thread, found);
                    0
                }
            };
        self.recent[recent].as_ref().map(|(_, context)| context)
    }

    fn remember(&mut self, thread: Thread, context: Arc<ProcessContext>) {
        self.recent[1] = self.recent[0].replace((thread, context));
    }

    fn insert(&mut self, thread: Thread, context: Arc<ProcessContext>) {
        self.by_thread.insert(thread, context.clone());
        self.remember(thread, context);
    }

    fn clear(&mut self) {
        self.by_thread.clear();
        self.recent = Default::default();
    }

    fn forget_process(&mut self, pid: u32) {
        self.by_thread.retain(|(thread_pid, _), _| *thread_pid != pid);
        for entry in &mut self.recent {
            if entry.as_ref().is_some_and(|((recent_pid, _), _)| *recent_pid == pid) {
                *entry = None;
            }
        }
    }
}

impl Enricher {
    /// Also starts watching the container runtimes at `runtimes`, when the selection tells of containers or pods,
    /// or when the kernel is to select containers (`containers`).
    pub fn new(selection: ContextSelection, runtimes: &RuntimeSockets, containers: Option<KernelSelection>) -> Self {
        let containers = match selection.container || selection.pod || containers.is_some() {
            true => ContainerIndex::watch(runtimes, containers),
            false => ContainerIndex::default(),
        };
        Enricher {
            selection,
            processes: ProcessTable::from_proc(),
            cgroups: CgroupPaths::new(),
            containers,
            contexts: ContextCache::default(),
        }
    }

    /// The context of a packet whose socket the kernel attributed to `kernel`; `None` when it named nobody.
    pub fn context(&mut self, kernel: &KernelProcess) -> Option<Arc<ProcessContext>> {
        if kernel.pid == 0 || self.selection == ContextSelection::NONE {
            return None;
        }
        if self.containers.apply_updates() {
            // Contexts made before may lack a container that was not known yet, or name one that changed.
            // Runtimes report seldom; rebuilding every context then costs less than telling which are affected.
            self.contexts.clear();
        }
        if let Some(context) = self.contexts.get((kernel.pid, kernel.tid)) {
            return Some(context.clone());
        }
        let thread_name = kernel.thread_name();
        let selection = self.selection;
        let process = self.processes.get(kernel.pid).cloned().unwrap_or_default();
        let parent = match selection.parent {
            true => self.processes.get(process.ppid).map(|parent| ParentProcess {
                pid: parent.pid,
                name: parent.name.clone(),
                cmd: parent.exe.clone(),
                args: parent.args.clone(),
            }),
            false => None,
        };
        let cgroup = match selection.process || selection.container || selection.pod {
            true => self.cgroups.path(kernel.cgroup_id).unwrap_or_default(),
            false => String::new(),
        };
        let processes = &mut self.processes;
        let parent_of = |pid| processes.get(pid).map(|parent| parent.ppid);
        let container = self.containers.find(kernel.cgroup_id, &cgroup, kernel.pid, parent_of);
        let (container, pod) = container.map(|container| self.containers.contexts(container)).unzip();
        let (cmd, args, cgroup_id, cgroup) = match selection.process {
            true => (process.exe, process.args, kernel.cgroup_id, cgroup),
            false => Default::default(),
        };
        let context = Arc::new(ProcessContext {
            pid: kernel.pid,
            name: if process.name.is_empty() { thread_name.clone() } else { process.name },
            cmd,
            args,
            cgroup_id,
            cgroup,
            thread: selection.thread.then_some(ThreadContext { tid: kernel.tid, name: thread_name }),
            uid: selection.user.then_some(kernel.uid),
            parent,
            container: container.filter(|_| selection.container),
            pod: pod.flatten().filter(|_| selection.pod),
            ..Default::default()
        });
        self.contexts.insert((kernel.pid, kernel.tid), context.clone());
        Some(context)
    }

    /// A process started, exec'd or exited: later packets see its new name and command line.
    pub fn process_changed(&mut self, event: &ProcessEvent) {
        self.contexts.forget_process(event.pid);
        self.processes.apply(event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context_of(pid: u32) -> Arc<ProcessContext> {
        Arc::new(ProcessContext { pid, ..Default::default() })
    }

    #[test]
    fn a_process_that_changed_is_forgotten_also_among_the_recent_ones() {
        let mut cache = ContextCache::default();
        cache.insert((5, 6), context_of(5));
        cache.insert((7, 7), context_of(7));
        assert_eq!(cache.get((5, 6)).map(|context| context.pid), Some(5), "from the map, then a recent one");
        cache.forget_process(5);
        assert!(cache.get((5, 6)).is_none());
        assert_eq!(cache.get((7, 7)).map(|context| context.pid), Some(7));
        cache.clear();
        assert!(cache.get((7, 7)).is_none());
    }

    #[test]
    fn a_packets_process_and_peer_asked_for_in_turn_are_both_kept_recent() {
        let mut cache = ContextCache::default();
        for pid in [5, 7, 9] {
            cache.insert((pid, pid), context_of(pid));
        }
        for pid in [5, 7] {
            assert_eq!(cache.get((pid, pid)).map(|context| context.pid), Some(pid));
        }
        // Answered without the map from here on.
        cache.by_thread.clear();
        for _ in 0..3 {
            for pid in [5, 7] {
                assert_eq!(cache.get((pid, pid)).map(|context| context.pid), Some(pid));
            }
        }
        assert!(cache.get((9, 9)).is_none());
    }
}
