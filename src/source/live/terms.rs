//! The filter expression's process terms in the kernel (ebpf/terms.h): each term resolved to what the capture
//! programs compare (a user name to its uid, a network namespace's name to its cookie, a cgroup to the ids of its
//! directories), the table of tests the loader writes, and the entries of the maps that decide the terms about
//! sets of processes.

use std::{
    fs,
    os::unix::fs::MetadataExt,
    path::{Path, PathBuf},
};

use anyhow::{Context, bail};
use aya::Pod;
use ptstat_filter::{MAX_TERMS, ProcessTerm, TermKind};

use super::{cgroup2::cgroup2_root, netns::Netns, privileges::User};

/// `enum term_test` of ebpf/terms.h.
const TERM_PID: u32 = 1;
const TERM_UID: u32 = 2;
const TERM_NAME: u32 = 3;
const TERM_NETNS: u32 = 4;
const TERM_CHILD: u32 = 5;
const TERM_IN_CGROUPS: u32 = 6;

/// `struct process_term` of ebpf/terms.h.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KernelTerm {
    test: u32,
    number: u32,
    netns: u64,
    name: [u8; 16],
}

// SAFETY: two u32, a u64 and 16 bytes: no padding, every bit pattern valid.
unsafe impl Pod for KernelTerm {}

/// The terms as the capture programs take them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KernelTerms {
    pub table: [KernelTerm; MAX_TERMS],
    pub count: u32,
    /// The bits of the terms term_cgroups decides, and its entries: cgroup id → bits.
    pub cgroup_bits: u32,
    pub cgroups: std::collections::HashMap<u64, u32>,
    /// The bits of the terms term_children decides, and its entries: pid → bits.
    pub child_bits: u32,
    pub children: std::collections::HashMap<u32, u32>,
}

impl KernelTerms {
    /// Resolves `terms` (at most [`MAX_TERMS`], as the compiler makes them): an error line for a user, network
    /// namespace or cgroup that does not exist.
    pub fn resolve(terms: &[ProcessTerm]) -> anyhow::Result<KernelTerms> {
        let mut kernel = KernelTerms { count: terms.len() as u32, ..KernelTerms::default() };
        for ((index, term), slot) in terms.iter().enumerate().zip(kernel.table.iter_mut()) {
            let bit = 1u32 << index;
            let number = || term.number().with_context(|| format!("{term}: not a number"));
            *slot = match term.kind {
                TermKind::Pid => KernelTerm { test: TERM_PID, number: number()?, ..KernelTerm::default() },
                TermKind::Uid => KernelTerm { test: TERM_UID, number: number()?, ..KernelTerm::default() },
                TermKind::User => {
                    let uid = User::by_name(&term.value).with_context(|| format!("filter expression: {term}"))?.uid;
                    KernelTerm { test: TERM_UID, number: uid, ..KernelTerm::default() }
                }
                TermKind::Pname => {
                    KernelTerm { test: TERM_NAME, name: kernel_name(&term.value), ..KernelTerm::default() }
                }
                TermKind::Netns => {
                    let netns =
                        Netns::open(&netns_path(&term.value)).with_context(|| format!("filter expression: {term}"))?;
                    KernelTerm { test: TERM_NETNS, netns: netns.cookie, ..KernelTerm::default() }
                }
                TermKind::Ppid => {
                    let parent = number()?;
                    kernel.child_bits |= bit;
                    for child in children_of(parent) {
                        *kernel.children.entry(child).or_default() |= bit;
                    }
                    KernelTerm { test: TERM_CHILD, number: parent, ..KernelTerm::default() }
                }
                TermKind::Cgroup => {
                    kernel.cgroup_bits |= bit;
                    for id in cgroup_ids_below(term)? {
                        *kernel.cgroups.entry(id).or_default() |= bit;
                    }
                    KernelTerm { test: TERM_IN_CGROUPS, ..KernelTerm::default() }
                }
                // The runtimes tell which containers match, as they report them: the enrich stage puts their
                // cgroups into term_cgroups (programs::container_selection).
                TermKind::Container | TermKind::ContainerId | TermKind::Pod | TermKind::PodLabel => {
                    kernel.cgroup_bits |= bit;
                    KernelTerm { test: TERM_IN_CGROUPS, ..KernelTerm::default() }
                }
            };
        }
        Ok(kernel)
    }
}

/// The name as the kernel keeps it (comm): at most 15 bytes, NUL-padded.
pub(super) fn kernel_name(name: &str) -> [u8; 16] {
    let mut comm = [0u8; 16];
    let len = name.len().min(15);
    comm[..len].copy_from_slice(&name.as_bytes()[..len]);
    comm
}

/// `netns NAME` names /run/netns/NAME, as `--netns` does; a path names the namespace file itself.
fn netns_path(name: &str) -> PathBuf {
    if name.contains('/') { PathBuf::from(name) } else { Path::new("/run/netns").join(name) }
}

/// The processes whose parent is `parent` now (those born later are added by the kernel as they fork).
fn children_of(parent: u32) -> Vec<u32> {
    let Ok(entries) = fs::read_dir("/proc") else { return Vec::new() };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| parent_of(*pid) == Some(parent))
        .collect()
}

/// The parent's pid from /proc/PID/stat: the fourth field, after the name in parentheses (which may hold blanks).
fn parent_of(pid: u32) -> Option<u32> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.parse().ok()
}

/// The ids (directory inodes) of the term's cgroup and of every cgroup below it now (those made later are added by
/// the kernel as they are made).
fn cgroup_ids_below(term: &ProcessTerm) -> anyhow::Result<Vec<u64>> {
    let root = cgroup2_root().context("no cgroup v2 hierarchy is mounted, which 'cgroup' terms need")?;
    let top = root.join(term.cgroup_path().trim_start_matches('/'));
    if !top.is_dir() {
        bail!("filter expression: {term}: no such cgroup ({} is not a directory)", top.display());
    }
    let mut ids = Vec::new();
    let mut pending = vec![top];
    while let Some(directory) = pending.pop() {
        // A cgroup removed meanwhile has no processes to match.
        let Ok(metadata) = fs::metadata(&directory) else { continue };
        ids.push(metadata.ino());
        if let Ok(entries) = fs::read_dir(&directory) {
            pending.extend(
                entries
                    .flatten()
                    .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_dir()))
                    .map(|entry| entry.path()),
            );
        }
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_process_parent_is_read_past_a_name_with_blanks() {
        assert_eq!(parent_of(std::process::id()), Some(std::os::unix::process::parent_id()));
        assert!(children_of(std::os::unix::process::parent_id()).contains(&std::process::id()));
    }

    #[test]
    fn terms_become_the_kernel_table() {
        let terms = [
            ProcessTerm { kind: TermKind::Pid, value: "42".into() },
            ProcessTerm { kind: TermKind::Pname, value: "curl".into() },
            ProcessTerm { kind: TermKind::Ppid, value: std::os::unix::process::parent_id().to_string() },
        ];
        let kernel = KernelTerms::resolve(&terms).unwrap();
        assert_eq!(kernel.count, 3);
        assert_eq!((kernel.table[0].test, kernel.table[0].number), (TERM_PID, 42));
        assert_eq!(&kernel.table[1].name, b"curl\0\0\0\0\0\0\0\0\0\0\0\0");
        assert_eq!(kernel.child_bits, 0b100);
        assert_eq!(kernel.children.get(&std::process::id()), Some(&0b100));
    }
}
