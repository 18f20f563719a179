//! Live capture needs capabilities: a clear message beats the kernel's EPERM from deep inside a load.

use anyhow::Context;

/// (capability number, name) that loading and attaching the capture programs need.
const CAP_NET_ADMIN: u32 = 12;
const REQUIRED: [(u32, &str); 3] = [(39, "CAP_BPF"), (CAP_NET_ADMIN, "CAP_NET_ADMIN"), (38, "CAP_PERFMON")];
const CAP_SYS_ADMIN: u32 = 21;

/// Names the required capabilities the process lacks, reading `CapEff` of /proc/self/status.
pub fn missing_capabilities() -> Vec<&'static str> {
    let effective = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|line| line.starts_with("CapEff:"))?;
            u64::from_str_radix(line.trim_start_matches("CapEff:").trim(), 16).ok()
        })
        .unwrap_or(0);
    let has = |capability: u32| effective & (1 << capability) != 0;
    REQUIRED
        .iter()
        // CAP_SYS_ADMIN stands in for CAP_BPF and CAP_PERFMON (kernels before 5.8 know only it).
        .filter(|&&(capability, _)| {
            let covered_by_sys_admin = capability != CAP_NET_ADMIN && has(CAP_SYS_ADMIN);
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
        let c_name = std::ffi::CString::new(name).map_err(|_| anyhow::anyhow!("{name}: not a user name"))?;
        // SAFETY: getpwnam returns null or a pointer into static storage, read at once.
        let entry = unsafe { libc::getpwnam(c_name.as_ptr()) };
        if entry.is_null() {
            anyhow::bail!("Couldn't find user '{name}'");
        }
        // SAFETY: entry is non-null and valid until the next getpw* call.
        let (uid, gid) = unsafe { ((*entry).pw_uid, (*entry).pw_gid) };
        Ok(User { name: name.to_string(), uid, gid })
    }

    /// Drops every group, then the group, then the user: from here on files are created as this user.
    pub fn become_it(&self) -> anyhow::Result<()> {
        let check = |result: libc::c_int, what: &str| {
            if result == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error()).context(format!("-Z {}: {what}", self.name))
            }
        };
        // SAFETY: plain system calls on the process's own credentials.
        unsafe {
            check(libc::setgroups(0, std::ptr::null()), "setgroups")?;
            check(libc::setgid(self.gid), "setgid")?;
            check(libc::setuid(self.uid), "setuid")?;
        }
        Ok(())
    }
}
