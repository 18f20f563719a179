//! Network namespaces to capture in (`--netns`): opening and naming them, entering them to list and attach to their
//! interfaces, and finding every one of them for `--netns any`.
//!
//! A thread's network namespace is its own: `setns(2)` moves only the calling thread, so the capture loop (one
//! thread, between awaits) enters a namespace, lists or attaches, and comes back at once. What is made inside stays
//! bound to that namespace: TCX and XDP links to its devices, rtnetlink sockets that watch its links. Interface
//! names and indexes are resolved in the calling thread's namespace, which is why attaching happens inside.

use std::{
    collections::HashSet,
    fs::{self, File},
    io,
    os::{fd::AsRawFd, unix::fs::MetadataExt},
    path::{Path, PathBuf},
};

use anyhow::{Context, bail};

use super::bootstrap::netns_cookie;

/// `NS_GET_NSTYPE` of linux/nsfs.h (`_IO(0xb7, 0x3)`): which kind of namespace a descriptor is.
const NS_GET_NSTYPE: libc::c_ulong = 0xb703;

/// Where `ip netns add NAME` mounts the namespaces it names.
const NAMED_NAMESPACES: &str = "/run/netns";

/// A network namespace ptstat captures in.
#[derive(Debug)]
pub struct Netns {
    /// What lines and capture files call it: the NAME of /run/netns/NAME, else `netns:[INODE]`. `None` for
    /// ptstat's own namespace, whose interfaces keep their plain names.
    name: Option<String>,
    /// Its nsfs inode, the number /proc/PID/ns/net links show (`net:[INODE]`).
    inode: u64,
    /// What the eBPF programs know it by (struct net's cookie): flows and interfaces are keyed by it.
    pub cookie: u64,
    /// A descriptor to enter it by; `None` for ptstat's own.
    file: Option<File>,
}

impl Netns {
    /// ptstat's own network namespace.
    pub fn own() -> anyhow::Result<Netns> {
        let inode = fs::metadata("/proc/self/ns/net").context("/proc/self/ns/net")?.ino();
        let cookie = netns_cookie().context("reading the network namespace cookie")?;
        Ok(Netns { name: None, inode, cookie, file: None })
    }

    /// The namespace `path` names (`/run/netns/NAME`, `/proc/PID/ns/net`): an error line for a missing file or
    /// one that is no network namespace.
    pub fn open(path: &Path) -> anyhow::Result<Netns> {
        let file = File::open(path).with_context(|| path.display().to_string())?;
        if !is_network_namespace(&file) {
            bail!("{}: not a network namespace (give /run/netns/NAME or /proc/PID/ns/net)", path.display());
        }
        let inode = file.metadata().with_context(|| path.display().to_string())?.ino();
        let under_named = path.parent().is_some_and(|parent| parent == Path::new(NAMED_NAMESPACES));
        let name = match path.file_name() {
            Some(name) if under_named => name.to_string_lossy().into_owned(),
            _ => named(inode).unwrap_or_else(|| format!("netns:[{inode}]")),
        };
        let own = Netns::own()?;
        match inode == own.inode {
            true => Ok(own),
            false => Netns::foreign(file, inode, name),
        }
    }

    /// The namespace of `file` (inode `inode`, not ptstat's own), called `name`; its cookie is read inside.
    fn foreign(file: File, inode: u64, name: String) -> anyhow::Result<Netns> {
        let mut netns = Netns { name: Some(name), inode, cookie: 0, file: Some(file) };
        netns.cookie = netns.within(netns_cookie)?.context("reading the network namespace cookie")?;
        Ok(netns)
    }

    /// Whether this is ptstat's own namespace.
    pub fn is_own(&self) -> bool {
        self.file.is_none()
    }

    /// Runs `work` inside this namespace, on this thread, and comes back to ptstat's own. An error means the
    /// namespace could not be entered (after `-Z`, say) and `work` did not run.
    pub fn within<T>(&self, work: impl FnOnce() -> T) -> anyhow::Result<T> {
        let Some(file) = &self.file else { return Ok(work()) };
        let home = File::open("/proc/thread-self/ns/net").context("ptstat's own network namespace")?;
        set_network_namespace(file).with_context(|| format!("entering network namespace {}", self.label()))?;
        let result = work();
        // Going back cannot fail for want of privileges (they sufficed to come here); were it to fail anyway,
        // everything after would happen in the wrong namespace.
        if let Err(error) = set_network_namespace(&home) {
            panic!("cannot return to ptstat's own network namespace: {error}");
        }
        Ok(result)
    }

    /// What lines call interface `name` of this namespace: `name`, or `name@NETNS` outside ptstat's own.
    pub fn interface_name(&self, name: &str) -> String {
        match &self.name {
            Some(netns) => format!("{name}@{netns}"),
            None => name.to_string(),
        }
    }

    /// `error` with the namespace it happened in, when that is not ptstat's own.
    pub fn in_context(&self, error: anyhow::Error) -> anyhow::Error {
        match &self.name {
            Some(name) => error.context(format!("network namespace {name}")),
            None => error,
        }
    }

    /// The PcapNG if_description of this namespace's interfaces: which namespace they are in.
    pub fn description(&self) -> Option<String> {
        let name = self.name.as_ref()?;
        let inode = self.inode;
        Some(match name.starts_with("netns:[") {
            true => format!("network namespace {name}"),
            false => format!("network namespace {name} (netns:[{inode}])"),
        })
    }

    fn label(&self) -> String {
        self.name.clone().unwrap_or_else(|| format!("netns:[{}]", self.inode))
    }
}

/// Every network namespace of the host that a process or a /run/netns entry holds, ptstat's own first, then the
/// named ones by name, then the rest by the first pid in one: `--netns any`. The descriptors are closed when the
/// values drop, so ptstat keeps no namespace alive. One that vanishes while it is looked at is left out.
pub fn every() -> anyhow::Result<Vec<Netns>> {
    let own = Netns::own()?;
    let nsfs = fs::metadata("/proc/self/ns/net").context("/proc/self/ns/net")?.dev();
    let mut seen = HashSet::from([own.inode]);
    let mut found = vec![own];
    let mut candidates: Vec<(PathBuf, Option<String>)> = Vec::new();
    let mut named: Vec<_> = fs::read_dir(NAMED_NAMESPACES).into_iter().flatten().flatten().collect();
    named.sort_by_key(|entry| entry.file_name());
    candidates.extend(named.iter().map(|entry| (entry.path(), Some(entry.file_name().to_string_lossy().into_owned()))));
    let mut pids: Vec<u32> = fs::read_dir("/proc")
        .context("/proc")?
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse().ok())
        .collect();
    pids.sort_unstable();
    candidates.extend(pids.iter().map(|pid| (PathBuf::from(format!("/proc/{pid}/ns/net")), None)));
    for (path, name) in candidates {
        // A /run/netns file that is not mounted over (a failed `ip netns add`) is on tmpfs, not nsfs.
        let Ok(metadata) = fs::metadata(&path) else { continue };
        if metadata.dev() != nsfs || !seen.insert(metadata.ino()) {
            continue;
        }
        let Ok(file) = File::open(&path) else { continue };
        // The pid may have gone and come back as another process meanwhile.
        if file.metadata().map(|opened| opened.ino()).ok() != Some(metadata.ino()) || !is_network_namespace(&file) {
            continue;
        }
        let inode = metadata.ino();
        let name = name.unwrap_or_else(|| format!("netns:[{inode}]"));
        if let Ok(netns) = Netns::foreign(file, inode, name) {
            found.push(netns);
        }
    }
    Ok(found)
}

/// The name /run/netns gives the namespace of nsfs inode `inode`, if any.
fn named(inode: u64) -> Option<String> {
    let mut entries: Vec<_> = fs::read_dir(NAMED_NAMESPACES).ok()?.flatten().collect();
    entries.sort_by_key(|entry| entry.file_name());
    entries
        .into_iter()
        .find(|entry| fs::metadata(entry.path()).is_ok_and(|metadata| metadata.ino() == inode))
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
}

fn is_network_namespace(file: &File) -> bool {
    // SAFETY: NS_GET_NSTYPE takes no argument and only answers; on other files the ioctl fails (ENOTTY).
    let kind = unsafe { libc::ioctl(file.as_raw_fd(), NS_GET_NSTYPE) };
    kind == libc::CLONE_NEWNET
}

/// Moves this thread into the network namespace of `file`.
fn set_network_namespace(file: &File) -> io::Result<()> {
    // SAFETY: setns(2) with a descriptor we own; it changes only this thread's namespace.
    match unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) } {
        0 => Ok(()),
        _ => Err(io::Error::last_os_error()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_namespace_keeps_plain_names() {
        let own = Netns::open(Path::new("/proc/self/ns/net")).unwrap();
        assert!(own.is_own());
        assert_eq!(own.interface_name("lo"), "lo");
        assert_eq!(own.description(), None);
        assert_eq!(own.cookie, netns_cookie().unwrap());
    }

    #[test]
    fn refuses_what_is_no_network_namespace() {
        let error = Netns::open(Path::new("/proc/self/ns/mnt")).unwrap_err();
        assert_eq!(
            format!("{error:#}"),
            "/proc/self/ns/mnt: not a network namespace (give /run/netns/NAME or /proc/PID/ns/net)"
        );
        let error = Netns::open(Path::new("/nonexistent/netns")).unwrap_err();
        assert_eq!(format!("{error:#}"), "/nonexistent/netns: No such file or directory (os error 2)");
    }

    #[test]
    fn names_other_namespaces() {
        let netns = Netns { name: Some("blue".into()), inode: 4026532281, cookie: 9, file: None };
        assert_eq!(netns.interface_name("veth0"), "veth0@blue");
        assert_eq!(netns.description().as_deref(), Some("network namespace blue (netns:[4026532281])"));
        let unnamed = Netns { name: Some("netns:[4026532282]".into()), ..netns };
        assert_eq!(unnamed.interface_name("eth0"), "eth0@netns:[4026532282]");
        assert_eq!(unnamed.description().as_deref(), Some("network namespace netns:[4026532282]"));
    }
}
