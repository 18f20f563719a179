//! Live capture needs capabilities: a clear message beats the kernel's EPERM from deep inside a load.

use anyhow::Context;
use caps::{CapSet, Capability};
use nix::unistd::{self, Gid, Uid};

/// What loading and attaching the capture programs need, with the names the message gives.
const REQUIRED: [(Capability, &str); 3] = [
    (Capability::CAP_BPF, "CAP_BPF"),
    (Capability::CAP_NET_ADMIN, "CAP_NET_ADMIN"),
    (Capability::CAP_PERFMON, "CAP_PERFMON"),
];

/// Names the required capabilities missing from the process's effective set.
pub fn missing_capabilities() -> Vec<&'static str> {
    // A set that cannot be read counts as empty: the message then names everything.
    let has = |capability| caps::has_cap(None, CapSet::Effective, capability).unwrap_or(false);
    let has_sys_admin = has(Capability::CAP_SYS_ADMIN);
    REQUIRED
        .iter()
        // CAP_SYS_ADMIN stands in for CAP_BPF and CAP_PERFMON (kernels before 5.8 know only it).
        .filter(|&&(capability, _)| {
            let covered_by_sys_admin = capability != Capability::CAP_NET_ADMIN && has_sys_admin;
            !has(capability) && !covered_by_sys_admin
        })
        .map(|(_, name)| *name)
        .collect()
}

/// A user to become (`-Z`), looked up by name before anything starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
}

impl User {
    pub fn by_name(name: &str) -> anyhow::Result<User> {
        if name.contains('\0') {
            anyhow::bail!("{name}: not a user name");
        }
        let entry = unistd::User::from_name(name)
            .with_context(|| format!("Couldn't look up user '{name}'"))?
            .ok_or_else(|| anyhow::anyhow!("Couldn't find user '{name}'"))?;
        Ok(User { name: name.to_string(), uid: entry.uid.as_raw(), gid: entry.gid.as_raw() })
    }

    /// Takes the user's groups (its primary group and the supplementary ones of the group database, none of
    /// root's), then its group, then the user: from here on files are created as this user.
    pub fn become_it(&self) -> anyhow::Result<()> {
        let context = |what: &str| format!("-Z {}: {what}", self.name);
        let name = std::ffi::CString::new(self.name.as_str()).with_context(|| context("initgroups"))?;
        let gid = Gid::from_raw(self.gid);
        unistd::initgroups(&name, gid).with_context(|| context("initgroups"))?;
        unistd::setgid(gid).with_context(|| context("setgid"))?;
        unistd::setuid(Uid::from_raw(self.uid)).with_context(|| context("setuid"))?;
        Ok(())
    }
}
