//! What ptstat knows of each process: read from /proc at start and on first sight, then kept current by the
//! kernel's exec/fork/exit events, so processes that exited keep their names for the packets they left behind.

use std::{
    collections::{HashMap, VecDeque, hash_map::Entry},
    fs,
};

use crate::source::live::event::{ProcessChange, ProcessEvent, join_args};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProcessInfo {
    pub pid: u32,
    pub ppid: u32,
    pub name: String,
    pub exe: String,
    /// Command line, arguments joined by spaces.
    pub args: String,
}

/// How many exited processes to remember: enough for the packets still in flight, bounded for long captures.
const EXITED_KEPT: usize = 4096;

#[derive(Default)]
pub struct ProcessTable {
    processes: HashMap<u32, ProcessInfo>,
    exited: VecDeque<u32>,
}

impl ProcessTable {
    /// Every process /proc shows now.
    pub fn from_proc() -> Self {
        let mut table = ProcessTable::default();
        let pids = fs::read_dir("/proc").into_iter().flatten().flatten();
        for pid in pids.filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok()) {
            if let Some(info) = read_proc(pid) {
                table.processes.insert(pid, info);
            }
        }
        table
    }

    /// The process, read from /proc if it was not known yet.
    pub fn get(&mut self, pid: u32) -> Option<&ProcessInfo> {
        if pid == 0 {
            return None;
        }
        match self.processes.entry(pid) {
            Entry::Occupied(known) => Some(known.into_mut()),
            Entry::Vacant(unknown) => Some(unknown.insert(read_proc(pid)?)),
        }
    }

    pub fn apply(&mut self, event: &ProcessEvent) {
        match event.change {
            ProcessChange::Fork => {
                // A child starts as a copy of its parent: same program, same command line.
                let parent = self.get(event.ppid).cloned().unwrap_or_default();
                let info = ProcessInfo { pid: event.pid, ppid: event.ppid, name: event.comm.clone(), ..parent };
                self.processes.insert(event.pid, info);
            }
            ProcessChange::Exec => {
                let info = ProcessInfo {
                    pid: event.pid,
                    ppid: event.ppid,
                    name: event.comm.clone(),
                    // /proc names the file itself; the event, the path exec'd (perhaps a symlink): resolve it the
                    // same way, so a process's command does not depend on how soon it exited.
                    exe: read_exe(event.pid)
                        .or_else(|| fs::canonicalize(&event.exe).ok().map(|path| path.to_string_lossy().into_owned()))
                        .unwrap_or_else(|| event.exe.clone()),
                    args: event.args.clone(),
                };
                self.processes.insert(event.pid, info);
            }
            ProcessChange::Exit => {
                self.exited.push_back(event.pid);
                if self.exited.len() > EXITED_KEPT
                    && let Some(oldest) = self.exited.pop_front()
                {
                    self.processes.remove(&oldest);
                }
            }
        }
    }
}

fn read_exe(pid: u32) -> Option<String> {
    fs::read_link(format!("/proc/{pid}/exe")).ok().map(|path| path.to_string_lossy().into_owned())
}

fn read_proc(pid: u32) -> Option<ProcessInfo> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| status.lines().find_map(|line| line.strip_prefix(name)).map(str::trim);
    Some(ProcessInfo {
        pid,
        ppid: field("PPid:")?.parse().ok()?,
        name: field("Name:")?.to_string(),
        exe: read_exe(pid).unwrap_or_default(),
        args: fs::read(format!("/proc/{pid}/cmdline")).map(|raw| join_args(&raw)).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process() {
        let mut table = ProcessTable::from_proc();
        let me = table.get(std::process::id()).cloned().expect("this process is in /proc");
        assert_eq!(me.exe, std::env::current_exe().unwrap().to_string_lossy());
        assert_eq!(me.ppid, std::os::unix::process::parent_id());
    }

    #[test]
    fn keeps_exited_processes_and_follows_exec() {
        let mut table = ProcessTable::default();
        let event = |change, pid, comm: &str, args: &str| ProcessEvent {
            change,
            pid,
            ppid: if pid == 4_000_002 { 4_000_001 } else { 1 },
            comm: comm.into(),
            exe: format!("/nonexistent/{comm}"),
            args: args.into(),
        };
        table.apply(&event(ProcessChange::Exec, 4_000_001, "sh", "sh -c x"));
        table.apply(&event(ProcessChange::Fork, 4_000_002, "sh", ""));
        assert_eq!(table.get(4_000_002).map(|p| p.args.as_str()), Some("sh -c x"));
        table.apply(&event(ProcessChange::Exec, 4_000_002, "curl", "curl http://x"));
        table.apply(&event(ProcessChange::Exit, 4_000_002, "curl", ""));
        let gone = table.get(4_000_002).expect("exited processes keep their names");
        assert_eq!(
            (gone.name.as_str(), gone.exe.as_str(), gone.args.as_str()),
            ("curl", "/nonexistent/curl", "curl http://x")
        );
        assert_eq!(join_args(b"a\0b c\0\0"), "a b c");
    }
}
