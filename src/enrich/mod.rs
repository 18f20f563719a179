//! The enrich stage: turns what the kernel recorded about a packet's process (pid, tid, comm, uid, cgroup id)
//! into a full `ProcessContext`, with /proc and the process life-cycle events for names, paths and parents.

pub mod cgroups;
pub mod processes;

use std::{collections::HashMap, sync::Arc};

use crate::{
    packet::{ParentProcess, ProcessContext},
    source::live::event::{KernelProcess, ProcessEvent},
};
use cgroups::CgroupPaths;
use processes::ProcessTable;

/// Builds process contexts, each once per (pid, tid) until the process changes: packets of one socket share it.
pub struct Enricher {
    processes: ProcessTable,
    cgroups: CgroupPaths,
    contexts: HashMap<(u32, u32), Arc<ProcessContext>>,
}

impl Enricher {
    pub fn new() -> Self {
        Enricher { processes: ProcessTable::from_proc(), cgroups: CgroupPaths::new(), contexts: HashMap::new() }
    }

    /// The context of a packet whose socket the kernel attributed to `kernel`; `None` when it named nobody.
    pub fn context(&mut self, kernel: &KernelProcess) -> Option<Arc<ProcessContext>> {
        if kernel.pid == 0 {
            return None;
        }
        if let Some(context) = self.contexts.get(&(kernel.pid, kernel.tid))
            && context.cgroup_id == kernel.cgroup_id
        {
            return Some(context.clone());
        }
        let thread_name = kernel.thread_name();
        let process = self.processes.get(kernel.pid).cloned();
        let parent = process.as_ref().and_then(|process| self.processes.get(process.ppid)).map(|parent| ParentProcess {
            pid: parent.pid,
            name: parent.name.clone(),
            cmd: parent.exe.clone(),
            args: parent.args.clone(),
        });
        let process = process.unwrap_or_default();
        let context = Arc::new(ProcessContext {
            pid: kernel.pid,
            name: if process.name.is_empty() { thread_name.clone() } else { process.name },
            cmd: process.exe,
            args: process.args,
            tid: kernel.tid,
            thread_name,
            uid: kernel.uid,
            cgroup_id: kernel.cgroup_id,
            cgroup: self.cgroups.path(kernel.cgroup_id).unwrap_or_default(),
            parent,
            ..Default::default()
        });
        self.contexts.insert((kernel.pid, kernel.tid), context.clone());
        Some(context)
    }

    /// A process started, exec'd or exited: later packets see its new name and command line.
    pub fn process_changed(&mut self, event: &ProcessEvent) {
        self.contexts.retain(|(pid, _), _| *pid != event.pid);
        self.processes.apply(event);
    }
}

impl Default for Enricher {
    fn default() -> Self {
        Self::new()
    }
}
