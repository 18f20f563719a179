//! cgroup v2 ids (what the kernel reports) to paths (what people read): a cgroup's id is the inode number of
//! its directory in the cgroup2 file system.

use std::{
    collections::HashMap,
    fs,
    os::unix::fs::MetadataExt,
    path::PathBuf,
    time::{Duration, Instant},
};

use crate::source::live::cgroup2::cgroup2_root;

/// Unknown ids cause a new walk of the tree at most this often: a vanished cgroup must not cost a walk per packet.
const RESCAN_INTERVAL: Duration = Duration::from_secs(1);

pub struct CgroupPaths {
    root: Option<PathBuf>,
    paths: HashMap<u64, String>,
    last_scan: Option<Instant>,
}

impl CgroupPaths {
    pub fn new() -> Self {
        let mut paths = CgroupPaths { root: cgroup2_root(), paths: HashMap::new(), last_scan: None };
        paths.rescan();
        paths
    }

    /// The path of cgroup `id` below the root (`/` for the root itself); walks the tree again for ids created since.
    pub fn path(&mut self, id: u64) -> Option<String> {
        let scanned_lately = self.last_scan.is_some_and(|at| at.elapsed() < RESCAN_INTERVAL);
        if !self.paths.contains_key(&id) && !scanned_lately {
            self.rescan();
        }
        self.paths.get(&id).cloned()
    }

    fn rescan(&mut self) {
        self.last_scan = Some(Instant::now());
        let Some(root) = &self.root else { return };
        let mut pending = vec![root.clone()];
        while let Some(directory) = pending.pop() {
            let Ok(metadata) = fs::metadata(&directory) else { continue };
            let relative = directory.strip_prefix(root).map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
            self.paths.insert(metadata.ino(), format!("/{relative}"));
            let entries = fs::read_dir(&directory).into_iter().flatten().flatten();
            pending.extend(entries.filter(|entry| entry.file_type().is_ok_and(|t| t.is_dir())).map(|e| e.path()));
        }
    }
}

impl Default for CgroupPaths {
    fn default() -> Self {
        Self::new()
    }
}
