//! The cgroup v2 hierarchy: where the programs of cgroup hooks attach, and what cgroup ids are inodes of.

use std::{fs, path::PathBuf};

/// Where the cgroup v2 hierarchy is mounted: /sys/fs/cgroup on unified hosts, /sys/fs/cgroup/unified on hybrid ones.
pub fn cgroup2_root() -> Option<PathBuf> {
    let mounts = fs::read_to_string("/proc/self/mounts").ok()?;
    mounts.lines().find_map(|line| {
        let mut fields = line.split(' ');
        let (_, mount_point, kind) = (fields.next()?, fields.next()?, fields.next()?);
        (kind == "cgroup2").then(|| PathBuf::from(mount_point))
    })
}
