//! `ptstat -r FILE EXPRESSION`: the filter run in userspace on packets read from a file, its program optimized as
//! the one the kernel runs on live packets. Each interface gets the program compiled for its link type.
//!
//! Process terms (`pid N`, `pname NAME`, `container NAME`, ...) are decided from what the packet's PcapNG comment
//! says of its process and of its peer, the process at its other end when that is local too ([`FileTerms`]), so
//! `-r` keeps what the live filter kept: a packet with no process in its comment matches none.

use anyhow::{Context, bail};
use pcap_file::DataLink;
use ptstat_filter::{LinkType, ProcessTerm, Program, TermKind};

use super::Sink;
use crate::packet::{Interface, InterfaceId, InterfaceStatistics, Packet, ProcessContext};
use crate::source::live::privileges::User;

/// Passes on only the packets `expression` accepts.
pub struct Filtered<S> {
    expression: String,
    /// The program per interface id, with its terms resolved.
    programs: Vec<(Program, FileTerms)>,
    inner: S,
}

impl<S: Sink> Filtered<S> {
    pub fn new(expression: String, inner: S) -> Self {
        Filtered { expression, programs: Vec::new(), inner }
    }
}

impl<S: Sink> Sink for Filtered<S> {
    fn add_interface(&mut self, id: InterfaceId, interface: &Interface) -> anyhow::Result<()> {
        let link = match interface.link_type {
            DataLink::ETHERNET => LinkType::Ethernet,
            DataLink::RAW | DataLink::IPV4 | DataLink::IPV6 => LinkType::RawIp,
            other => bail!("filter expressions are not supported on link type {other:?}"),
        };
        let program = ptstat_filter::compile(&self.expression, link).context("filter expression")?.optimized();
        let terms = FileTerms::resolve(&program.terms)?;
        // Ids count up from 0 (the Sink contract), so the program of interface `id` sits at index `id`.
        self.programs.truncate(id);
        self.programs.push((program, terms));
        self.inner.add_interface(id, interface)
    }

    fn write_packet(&mut self, packet: &Packet, interface: &Interface) -> anyhow::Result<()> {
        let accepted = self.programs.get(packet.interface).is_some_and(|(program, terms)| {
            // As live: a term matches when either local end's process does.
            let ends = [packet.process, packet.peer].into_iter().flatten();
            let matched = ends.fold(0, |bits, process| bits | terms.matched(process));
            program.matches_with_terms(packet.data, packet.original_len, matched)
        });
        if accepted { self.inner.write_packet(packet, interface) } else { Ok(()) }
    }

    fn interface_statistics(&mut self, id: InterfaceId, statistics: &InterfaceStatistics) -> anyhow::Result<()> {
        self.inner.interface_statistics(id, statistics)
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        self.inner.finish()
    }

    fn finish_after_failure(&mut self) -> anyhow::Result<()> {
        self.inner.finish_after_failure()
    }
}

/// A program's process terms, as the comments of a capture file answer them.
pub struct FileTerms {
    /// Per term, in bit order: the term, and for `user NAME` the user's id.
    terms: Vec<(ProcessTerm, Option<u32>)>,
}

impl FileTerms {
    /// Looks up the users of `user` terms; `netns` terms are refused, as the comments do not name a namespace.
    pub fn resolve(terms: &[ProcessTerm]) -> anyhow::Result<FileTerms> {
        let resolved = terms.iter().map(|term| {
            let uid = match term.kind {
                TermKind::User => {
                    Some(User::by_name(&term.value).with_context(|| format!("filter expression: {term}"))?.uid)
                }
                TermKind::Netns => {
                    bail!("filter expression: '{term}' needs a live capture (comments do not name namespaces)")
                }
                _ => None,
            };
            Ok((term.clone(), uid))
        });
        Ok(FileTerms { terms: resolved.collect::<anyhow::Result<_>>()? })
    }

    /// The bits of the terms `process` matches (bit i: term i).
    pub fn matched(&self, process: &ProcessContext) -> u32 {
        self.terms
            .iter()
            .enumerate()
            .filter(|(_, (term, uid))| term_matches(term, *uid, process))
            .fold(0, |bits, (index, _)| bits | 1 << index)
    }
}

/// What the kernel decides live (ebpf/terms.h), from the comment's keys. A name is the kernel's (comm, at most 15
/// bytes), as the comment has it.
fn term_matches(term: &ProcessTerm, user_id: Option<u32>, process: &ProcessContext) -> bool {
    let value = term.value.as_str();
    let number = term.number();
    match term.kind {
        TermKind::Pid => number == Some(process.pid),
        TermKind::Ppid => process.parent.as_ref().is_some_and(|parent| number == Some(parent.pid)),
        TermKind::Pname => process.name == value,
        TermKind::Uid => process.uid.is_some() && process.uid == number,
        TermKind::User => process.uid.is_some() && process.uid == user_id,
        TermKind::Cgroup => {
            let path = term.cgroup_path();
            let cgroup = process.cgroup.as_str();
            path == "/" || cgroup == path || cgroup.strip_prefix(path).is_some_and(|rest| rest.starts_with('/'))
        }
        TermKind::Container => process.container.as_ref().is_some_and(|container| container.name == value),
        TermKind::ContainerId => process.container.as_ref().is_some_and(|container| container.id.starts_with(value)),
        TermKind::Pod => process.pod.as_ref().is_some_and(|pod| {
            term.pod().is_some_and(|(name, namespace)| pod.name == name && pod.namespace == namespace)
        }),
        TermKind::PodLabel => process.pod.as_ref().is_some_and(|pod| {
            term.label().is_some_and(|(key, wanted)| pod.labels.get(key).is_some_and(|label| label == wanted))
        }),
        TermKind::Netns => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::{ContainerContext, ParentProcess, PodContext};

    /// A process of container `web` in pod `shop-1.default` (label app=shop), read back from the comment it
    /// would be written with, as `-r` reads it.
    fn shop_process() -> ProcessContext {
        let written = ProcessContext {
            pid: 4242,
            name: "curl".into(),
            cgroup_id: 99,
            cgroup: "/kubepods/pod1/4f3e0a".into(),
            uid: Some(1000),
            parent: Some(ParentProcess { pid: 77, name: "sh".into(), ..ParentProcess::default() }),
            container: Some(ContainerContext {
                name: "web".into(),
                id: "4f3e0a".into(),
                ..ContainerContext::default()
            }),
            pod: Some(PodContext {
                name: "shop-1".into(),
                namespace: "default".into(),
                labels: [("app".to_string(), "shop".to_string())].into(),
                ..PodContext::default()
            }),
            ..ProcessContext::default()
        };
        ProcessContext::from_comment(&written.to_comment()).expect("a process")
    }

    fn matched(expression: &str) -> u32 {
        let program = ptstat_filter::compile(expression, LinkType::Ethernet).unwrap();
        FileTerms::resolve(&program.terms).unwrap().matched(&shop_process())
    }

    #[test]
    fn each_term_is_decided_from_the_comment() {
        let matching = "pid 4242 or ppid 77 or pname curl or uid 1000 or cgroup /kubepods or cgroup \
                        /sys/fs/cgroup/kubepods/pod1/4f3e0a or container web or container id 4f3e or pod \
                        shop-1.default or pod label app=shop or user root";
        // Every term but the last (root is uid 0) holds.
        assert_eq!(matched(matching), (1 << 10) - 1);
        let others = "pid 4243 or ppid 4242 or pname cur or uid 0 or cgroup /kube or container webs or container id \
                      4f3f or pod shop-1.other or pod label app=shops or pod label tier=shop";
        assert_eq!(matched(others), 0);
    }

    #[test]
    fn netns_terms_need_a_live_capture() {
        let program = ptstat_filter::compile("netns blue", LinkType::Ethernet).unwrap();
        let refused = FileTerms::resolve(&program.terms).err().expect("refused").to_string();
        assert_eq!(refused, "filter expression: 'netns blue' needs a live capture (comments do not name namespaces)");
    }
}
