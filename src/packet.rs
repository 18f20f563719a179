//! The record that flows through the pipeline: every source (live eBPF capture, a capture file) turns what it reads
//! into `Packet`s, and every sink (printer, file writers, statistics) consumes them.

use std::{
    borrow::Cow,
    collections::BTreeMap,
    fmt::{self, Write},
    sync::OnceLock,
};

use pcap_file::DataLink;

/// Nanoseconds since the Unix epoch (UTC).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub u64);

impl Timestamp {
    /// The wall-clock time now.
    pub fn now() -> Timestamp {
        let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        Timestamp(u64::try_from(since_epoch.as_nanos()).unwrap_or(u64::MAX))
    }

    pub fn secs(self) -> u64 {
        self.0 / 1_000_000_000
    }

    pub fn subsec_nanos(self) -> u32 {
        (self.0 % 1_000_000_000) as u32
    }
}

/// Which way a packet crossed its interface, as tcpdump's `In`/`Out`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    In,
    Out,
}

/// PcapNG's epb_flags bits 0-1: the direction (0 = unknown).
const EPB_FLAGS_DIRECTION_MASK: u32 = 0b11;
const EPB_FLAGS_INBOUND: u32 = 1;
const EPB_FLAGS_OUTBOUND: u32 = 2;

impl Direction {
    /// The epb_flags word (or the obsolete Packet Block's pack_flags) that records this direction.
    pub fn epb_flags(self) -> u32 {
        match self {
            Direction::In => EPB_FLAGS_INBOUND,
            Direction::Out => EPB_FLAGS_OUTBOUND,
        }
    }

    /// The direction an epb_flags (or pack_flags) word records, if any.
    pub fn from_epb_flags(flags: u32) -> Option<Direction> {
        match flags & EPB_FLAGS_DIRECTION_MASK {
            EPB_FLAGS_INBOUND => Some(Direction::In),
            EPB_FLAGS_OUTBOUND => Some(Direction::Out),
            _ => None,
        }
    }
}

/// Position of an interface in the order a source announced it (0, 1, 2, ...). PcapNG interface ids are these.
pub type InterfaceId = usize;

/// An interface packets were captured on (or, for files, the interface description the file carries).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interface {
    /// Kernel name (`eth0`); empty when a file does not say.
    pub name: String,
    /// Kernel ifindex; 0 when unknown (files).
    pub index: u32,
    /// How the bytes of its packets begin: Ethernet, raw IP, Linux cooked, ...
    pub link_type: DataLink,
    /// Largest number of bytes kept per packet.
    pub snaplen: u32,
    /// Free text (PcapNG if_description): e.g. the network namespace.
    pub description: Option<String>,
}

/// What a live capture counted on one interface, from its start to its end (a PcapNG Interface Statistics Block).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InterfaceStatistics {
    pub start: Timestamp,
    pub end: Timestamp,
    /// Packets that reached ptstat's hook on the interface.
    pub received: u64,
    /// Packets the filter expression and process selection accepted.
    pub accepted: u64,
    /// Accepted packets lost because the ring buffer was full.
    pub dropped: u64,
    /// Packets handed to the sinks.
    pub delivered: u64,
}

/// One packet: the bytes that were kept and what is known about them.
#[derive(Clone, Copy, Debug)]
pub struct Packet<'a> {
    pub timestamp: Timestamp,
    pub interface: InterfaceId,
    pub direction: Option<Direction>,
    /// Length on the wire; `data` holds the first `data.len()` bytes of it.
    pub original_len: u32,
    pub data: &'a [u8],
    /// The local process the packet belongs to, when known.
    pub process: Option<&'a ProcessContext>,
    /// The process at the packet's other end, when that end is on this host too (loopback, a veth pair between
    /// namespaces, containers on a bridge).
    pub peer: Option<&'a ProcessContext>,
}

impl<'a> Packet<'a> {
    /// The PcapNG comment: the process's keys, then the peer's with the `Peer` prefix; `None` when neither is known.
    pub fn comment(&self) -> Option<Cow<'a, str>> {
        self.comment_pieces().map(|pieces| match pieces {
            [whole, "", ""] => Cow::Borrowed(whole),
            pieces => Cow::Owned(pieces.concat()),
        })
    }

    /// `comment()` as the pieces it is joined from, for a writer that copies them one after the other: a packet
    /// with both ends named would otherwise allocate and join the two comments anew for each packet.
    pub fn comment_pieces(&self) -> Option<[&'a str; 3]> {
        match (self.process, self.peer) {
            (process, None) => process.map(|process| [process.comment(), "", ""]),
            (None, Some(peer)) => Some([peer.peer_comment(), "", ""]),
            (Some(process), Some(peer)) => Some([process.comment(), "\n", peer.peer_comment()]),
        }
    }

    /// The wire length, never less than what was captured: capture files forbid less, which only a corrupt input
    /// file can claim; saying the captured length keeps such a packet rather than failing the whole file.
    pub fn wire_len_covering_data(&self) -> u32 {
        self.original_len.max(u32::try_from(self.data.len()).unwrap_or(u32::MAX))
    }
}

/// The process a packet belongs to, with what ptstat learnt about it (the "enrich" stage), also carried in
/// PcapNG packet comments and read back from them. The optional parts are those `--context` left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProcessContext {
    pub pid: u32,
    /// The process's name (comm of its main thread).
    pub name: String,
    /// Executable path; empty if unknown or not asked for.
    pub cmd: String,
    /// Command line, arguments separated by spaces.
    pub args: String,
    pub cgroup_id: u64,
    /// Path below the cgroup v2 root, e.g. `/system.slice/ssh.service`; empty if unknown.
    pub cgroup: String,
    pub thread: Option<ThreadContext>,
    pub uid: Option<u32>,
    pub parent: Option<ParentProcess>,
    /// The container the process runs in, as its runtime (Docker, containerd) describes it.
    pub container: Option<ContainerContext>,
    /// The Kubernetes pod of that container.
    pub pod: Option<PodContext>,
    /// `to_comment()`, made once: every packet of the process carries it.
    pub(crate) comment: OnceLock<String>,
    /// The same with the keys of a packet's peer (`Peer` before each), made once.
    pub(crate) peer_comment: OnceLock<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ThreadContext {
    pub tid: u32,
    pub name: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParentProcess {
    pub pid: u32,
    pub name: String,
    pub cmd: String,
    pub args: String,
}

/// Labels of a container or pod, sorted by key (so their JSON text is always the same).
pub type Labels = BTreeMap<String, String>;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContainerContext {
    /// The name people use: Kubernetes' container name, else the runtime's (Docker's without its `/`), else the id.
    pub name: String,
    pub id: String,
    /// The image reference it was created from, e.g. `docker.io/library/nginx:1.27`.
    pub image: String,
    pub labels: Labels,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodContext {
    pub name: String,
    pub namespace: String,
    pub uid: String,
    /// The pod's own labels (its sandbox's, without the runtime's and kubelet's bookkeeping); empty if unknown.
    pub labels: Labels,
}

/// PcapNG comment keys, one `Key: value` per line (ptcpdump's names where it has them, so either tool reads the
/// other's files). The peer of a packet has the same keys after `PEER` (`PeerPID`, `PeerComm`, ...).
mod comment_keys {
    pub const PEER: &str = "Peer";
    pub const PID: &str = "PID";
    pub const NAME: &str = "Comm";
    pub const CMD: &str = "Cmd";
    pub const ARGS: &str = "Args";
    pub const CGROUP_ID: &str = "CgroupId";
    pub const CGROUP: &str = "Cgroup";
    pub const TID: &str = "ThreadId";
    pub const THREAD_NAME: &str = "ThreadName";
    pub const UID: &str = "UserId";
    pub const PARENT_PID: &str = "ParentPID";
    pub const PARENT_NAME: &str = "ParentComm";
    pub const PARENT_CMD: &str = "ParentCmd";
    pub const PARENT_ARGS: &str = "ParentArgs";
    pub const CONTAINER_NAME: &str = "ContainerName";
    pub const CONTAINER_ID: &str = "ContainerId";
    pub const CONTAINER_IMAGE: &str = "ContainerImage";
    pub const CONTAINER_LABELS: &str = "ContainerLabels";
    pub const POD_NAME: &str = "PodName";
    pub const POD_NAMESPACE: &str = "PodNamespace";
    pub const POD_UID: &str = "PodUID";
    pub const POD_LABELS: &str = "PodLabels";
    /// ptcpdump's older names for `CMD`, `TID` and `PARENT_CMD`, still in files it wrote.
    pub const PTCPDUMP_CMD: &str = "Command";
    pub const PTCPDUMP_TID: &str = "TID";
    pub const PTCPDUMP_PARENT_CMD: &str = "ParentCommand";
}

/// The kernel's comm of a process that `cmd` (an executable's path) started: its file name, cut to 15 bytes (what
/// ptcpdump's files give instead of `Comm`). ptcpdump ends a path it cut with `...`.
fn comm_of_executable(cmd: &str) -> String {
    let cmd = cmd.strip_suffix("...").unwrap_or(cmd);
    let name = cmd.rsplit('/').next().unwrap_or(cmd);
    let mut end = name.len().min(TASK_COMM_LEN - 1);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    name[..end].to_string()
}

/// The kernel's TASK_COMM_LEN: a comm and its terminating NUL.
const TASK_COMM_LEN: usize = 16;

/// Labels as one line of JSON, `{"key":"value",...}`, as ptcpdump writes and prints them (serde_json escapes
/// control characters, so no newline can end a comment line early).
pub struct LabelsJson<'a>(pub &'a Labels);

impl fmt::Display for LabelsJson<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&serde_json::to_string(self.0).map_err(|_| fmt::Error)?)
    }
}

/// Reads `LabelsJson`'s text back; anything that is not such an object reads as no labels.
fn labels_from_json(text: &str) -> Labels {
    serde_json::from_str(text).unwrap_or_default()
}

impl ProcessContext {
    /// The comment text of a PcapNG packet block, made on first use.
    pub fn comment(&self) -> &str {
        self.comment.get_or_init(|| self.to_comment())
    }

    /// The comment text naming this process as a packet's peer, made on first use.
    pub fn peer_comment(&self) -> &str {
        self.peer_comment.get_or_init(|| self.keyed_comment(comment_keys::PEER))
    }

    /// The comment text: the parts present, one `Key: value` a line (newlines in values become spaces).
    pub fn to_comment(&self) -> String {
        self.keyed_comment("")
    }

    /// `to_comment` with `prefix` before every key.
    fn keyed_comment(&self, prefix: &str) -> String {
        use comment_keys::*;
        let mut text = String::new();
        let mut line = |key: &str, value: &dyn std::fmt::Display| {
            let value = value.to_string().replace('\n', " ");
            let _ = writeln!(text, "{prefix}{key}: {value}");
        };
        line(PID, &self.pid);
        line(NAME, &self.name);
        if !self.cmd.is_empty() {
            line(CMD, &self.cmd);
            line(ARGS, &self.args);
        }
        if self.cgroup_id != 0 {
            line(CGROUP_ID, &self.cgroup_id);
            line(CGROUP, &self.cgroup);
        }
        if let Some(thread) = &self.thread {
            line(TID, &thread.tid);
            line(THREAD_NAME, &thread.name);
        }
        if let Some(uid) = self.uid {
            line(UID, &uid);
        }
        if let Some(parent) = &self.parent {
            line(PARENT_PID, &parent.pid);
            line(PARENT_NAME, &parent.name);
            line(PARENT_CMD, &parent.cmd);
            line(PARENT_ARGS, &parent.args);
        }
        if let Some(container) = &self.container {
            line(CONTAINER_NAME, &container.name);
            line(CONTAINER_ID, &container.id);
            line(CONTAINER_IMAGE, &container.image);
            line(CONTAINER_LABELS, &LabelsJson(&container.labels));
        }
        if let Some(pod) = &self.pod {
            line(POD_NAME, &pod.name);
            line(POD_NAMESPACE, &pod.namespace);
            line(POD_UID, &pod.uid);
            line(POD_LABELS, &LabelsJson(&pod.labels));
        }
        text.pop();
        text
    }

    /// Reads what `to_comment` wrote; `None` if the comment names no process.
    pub fn from_comment(comment: &str) -> Option<ProcessContext> {
        Self::from_comments([comment])
    }

    /// Reads the comments of one packet together: ptstat writes one, ptcpdump one for each part (process, thread,
    /// user, parent, container, pod), without `Comm` (the name is then taken from `Cmd`) and in older files with
    /// `Command`, `TID` and `ParentCommand`. `None` if they name no process.
    pub fn from_comments<'a>(comments: impl IntoIterator<Item = &'a str>) -> Option<ProcessContext> {
        Self::from_keyed_comments(comments, "")
    }

    /// Reads the peer that `Packet::comment` wrote; `None` if the comments name none.
    pub fn peer_from_comments<'a>(comments: impl IntoIterator<Item = &'a str>) -> Option<ProcessContext> {
        Self::from_keyed_comments(comments, comment_keys::PEER)
    }

    /// Reads the keys that start with `prefix`.
    fn from_keyed_comments<'a>(comments: impl IntoIterator<Item = &'a str>, prefix: &str) -> Option<ProcessContext> {
        use comment_keys::*;
        let mut context = ProcessContext::default();
        let mut thread = None::<ThreadContext>;
        let mut parent = None::<ParentProcess>;
        let mut container = None::<ContainerContext>;
        let mut pod = None::<PodContext>;
        let mut has_pid = false;
        let lines = comments.into_iter().flat_map(str::lines);
        for (key, value) in lines.filter_map(|line| line.strip_prefix(prefix)?.split_once(": ")) {
            let number = || value.trim().parse::<u32>().unwrap_or_default();
            match key {
                PID => (context.pid, has_pid) = (number(), true),
                NAME => context.name = value.to_string(),
                CMD | PTCPDUMP_CMD => context.cmd = value.to_string(),
                ARGS => context.args = value.to_string(),
                CGROUP_ID => context.cgroup_id = value.trim().parse().unwrap_or_default(),
                CGROUP => context.cgroup = value.to_string(),
                TID | PTCPDUMP_TID => thread.get_or_insert_default().tid = number(),
                THREAD_NAME => thread.get_or_insert_default().name = value.to_string(),
                UID => context.uid = Some(number()),
                PARENT_PID => parent.get_or_insert_default().pid = number(),
                PARENT_NAME => parent.get_or_insert_default().name = value.to_string(),
                PARENT_CMD | PTCPDUMP_PARENT_CMD => parent.get_or_insert_default().cmd = value.to_string(),
                PARENT_ARGS => parent.get_or_insert_default().args = value.to_string(),
                CONTAINER_NAME => container.get_or_insert_default().name = value.to_string(),
                CONTAINER_ID => container.get_or_insert_default().id = value.to_string(),
                CONTAINER_IMAGE => container.get_or_insert_default().image = value.to_string(),
                CONTAINER_LABELS => container.get_or_insert_default().labels = labels_from_json(value),
                POD_NAME => pod.get_or_insert_default().name = value.to_string(),
                POD_NAMESPACE => pod.get_or_insert_default().namespace = value.to_string(),
                POD_UID => pod.get_or_insert_default().uid = value.to_string(),
                POD_LABELS => pod.get_or_insert_default().labels = labels_from_json(value),
                _ => {}
            }
        }
        if context.name.is_empty() {
            context.name = comm_of_executable(&context.cmd);
        }
        if let Some(parent) = parent.as_mut().filter(|parent| parent.name.is_empty()) {
            parent.name = comm_of_executable(&parent.cmd);
        }
        context.thread = thread;
        context.parent = parent;
        context.container = container;
        context.pod = pod;
        has_pid.then_some(context)
    }
}

/// A consumer of packets. Sources announce every interface before the first packet that uses it, with ids
/// counting up from 0, so a sink may keep interfaces in a `Vec` indexed by id.
pub trait Sink {
    fn add_interface(&mut self, id: InterfaceId, interface: &Interface) -> anyhow::Result<()>;
    fn write_packet(&mut self, packet: &Packet, interface: &Interface) -> anyhow::Result<()>;
    /// What a live capture counted on interface `id`, once, after its last packet and before `finish`. Only
    /// PcapNG keeps it.
    fn interface_statistics(&mut self, _id: InterfaceId, _statistics: &InterfaceStatistics) -> anyhow::Result<()> {
        Ok(())
    }
    /// Flush and close. Called once, on every exit path that still has data to keep.
    fn finish(&mut self) -> anyhow::Result<()>;
    /// `finish`, after the run failed: what was written is kept, but nothing new is started (a capture file that
    /// was never opened, because the capture failed to start, is not created).
    fn finish_after_failure(&mut self) -> anyhow::Result<()> {
        self.finish()
    }
}

/// Lets a borrowed sink stand where an owned one is expected.
impl<S: Sink + ?Sized> Sink for &mut S {
    fn add_interface(&mut self, id: InterfaceId, interface: &Interface) -> anyhow::Result<()> {
        (**self).add_interface(id, interface)
    }

    fn write_packet(&mut self, packet: &Packet, interface: &Interface) -> anyhow::Result<()> {
        (**self).write_packet(packet, interface)
    }

    fn interface_statistics(&mut self, id: InterfaceId, statistics: &InterfaceStatistics) -> anyhow::Result<()> {
        (**self).interface_statistics(id, statistics)
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        (**self).finish()
    }

    fn finish_after_failure(&mut self) -> anyhow::Result<()> {
        (**self).finish_after_failure()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_context_survives_a_comment() {
        let context = ProcessContext {
            pid: 42,
            name: "curl".into(),
            cmd: "/usr/bin/curl".into(),
            args: "curl -s http://127.0.0.1:8080/a: b".into(),
            cgroup_id: 9876,
            cgroup: "/user.slice".into(),
            thread: Some(ThreadContext { tid: 43, name: "curl-worker".into() }),
            uid: Some(1000),
            parent: Some(ParentProcess { pid: 1, name: "bash".into(), cmd: "/bin/bash".into(), args: "bash".into() }),
            ..Default::default()
        };
        let comment = context.to_comment();
        assert!(comment.starts_with("PID: 42\nComm: curl\nCmd: /usr/bin/curl\n"), "{comment}");
        assert_eq!(ProcessContext::from_comment(&comment), Some(context));
        assert_eq!(ProcessContext::from_comment("some other comment"), None);
        let bare = ProcessContext { pid: 7, name: "nc".into(), ..Default::default() };
        assert_eq!(bare.to_comment(), "PID: 7\nComm: nc");
        assert_eq!(ProcessContext::from_comment(&bare.to_comment()), Some(bare));
    }

    #[test]
    fn ptcpdump_comments_name_the_same_process() {
        // The form ptcpdump writes: one comment per part, no Comm, a pod's annotations and a group id ptstat has
        // no place for.
        let comments = [
            "PID: 4242\nCmd: /usr/local/bin/curl\nArgs: curl -s http://10.1.2.3:8080/",
            "ThreadId: 4243\nThreadName: curl-worker",
            "UserId: 1000\nGroupId: 1000",
            "ParentPID: 77\nParentCmd: /usr/bin/bash\nParentArgs: bash -l",
            "ContainerName: web\nContainerId: 0a1b2c\nContainerImage: docker.io/library/curl:8\n\
             ContainerLabels: {\"tier\":\"front\"}",
            "PodName: shop-1\nPodNamespace: prod\nPodUID: 9d-8e\nPodLabels: {\"app\":\"shop\"}\n\
             PodAnnotations: {\"note\":\"x\"}",
        ];
        let labels = |key: &str, value: &str| Labels::from([(key.to_string(), value.to_string())]);
        let expected = ProcessContext {
            pid: 4242,
            name: "curl".into(),
            cmd: "/usr/local/bin/curl".into(),
            args: "curl -s http://10.1.2.3:8080/".into(),
            thread: Some(ThreadContext { tid: 4243, name: "curl-worker".into() }),
            uid: Some(1000),
            parent: Some(ParentProcess {
                pid: 77,
                name: "bash".into(),
                cmd: "/usr/bin/bash".into(),
                args: "bash -l".into(),
            }),
            container: Some(ContainerContext {
                name: "web".into(),
                id: "0a1b2c".into(),
                image: "docker.io/library/curl:8".into(),
                labels: labels("tier", "front"),
            }),
            pod: Some(PodContext {
                name: "shop-1".into(),
                namespace: "prod".into(),
                uid: "9d-8e".into(),
                labels: labels("app", "shop"),
            }),
            ..Default::default()
        };
        assert_eq!(ProcessContext::from_comments(comments), Some(expected));
        // Older files: Command and TID; a long executable's name cut as the kernel cuts comm, and a cut path's
        // "..." left out.
        let older =
            ProcessContext::from_comments(["PID: 9\nCommand: /opt/bin/inventory-reconciler\nArgs: x", "TID: 10"])
                .expect("a process");
        assert_eq!((older.name.as_str(), older.thread.map(|thread| thread.tid)), ("inventory-recon", Some(10)));
        let cut = ProcessContext::from_comment("PID: 9\nCmd: /usr/bin/python3...\nArgs: ").expect("a process");
        assert_eq!(cut.name, "python3");
        // A container alone names no process.
        assert_eq!(ProcessContext::from_comments(["ContainerName: web\nContainerId: 0a1b2c"]), None);
    }

    #[test]
    fn a_peer_survives_a_comment_beside_the_process() {
        let client = ProcessContext { pid: 42, name: "curl".into(), uid: Some(1000), ..Default::default() };
        let server = ProcessContext {
            pid: 777,
            name: "python3".into(),
            cmd: "/usr/bin/python3".into(),
            args: "python3 -m http.server".into(),
            container: Some(ContainerContext { name: "web".into(), ..Default::default() }),
            ..Default::default()
        };
        // Compared without the comments made on the way.
        let (expected_client, expected_server) = (client.clone(), server.clone());
        let packet = |process, peer| Packet {
            timestamp: Timestamp(0),
            interface: 0,
            direction: None,
            original_len: 0,
            data: &[],
            process,
            peer,
        };
        let both = packet(Some(&client), Some(&server)).comment().expect("a comment").into_owned();
        assert!(both.starts_with("PID: 42\nComm: curl\nUserId: 1000\nPeerPID: 777\nPeerComm: python3\n"), "{both}");
        assert_eq!(ProcessContext::from_comment(&both), Some(expected_client));
        assert_eq!(ProcessContext::peer_from_comments([both.as_str()]), Some(expected_server.clone()));
        let peer_only = packet(None, Some(&server)).comment().expect("a comment").into_owned();
        assert_eq!(ProcessContext::from_comment(&peer_only), None);
        assert_eq!(ProcessContext::peer_from_comments([peer_only.as_str()]), Some(expected_server));
        assert_eq!(ProcessContext::peer_from_comments([client.to_comment().as_str()]), None);
        assert!(packet(None, None).comment().is_none());
    }

    #[test]
    fn container_and_pod_survive_a_comment() {
        let labels = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let context = ProcessContext {
            pid: 42,
            name: "nginx".into(),
            container: Some(ContainerContext {
                name: "web".into(),
                id: "0123abcd".into(),
                image: "docker.io/library/nginx:1.27".into(),
                labels: labels(&[("io.kubernetes.pod.name", "shop"), ("quote", "say \"hi\"\nbye")]),
            }),
            pod: Some(PodContext {
                name: "shop".into(),
                namespace: "prod".into(),
                uid: "5f1c-77".into(),
                labels: labels(&[("app", "shop")]),
            }),
            ..Default::default()
        };
        let comment = context.to_comment();
        assert!(
            comment.ends_with(
                "ContainerName: web\nContainerId: 0123abcd\nContainerImage: docker.io/library/nginx:1.27\n\
                 ContainerLabels: {\"io.kubernetes.pod.name\":\"shop\",\"quote\":\"say \\\"hi\\\"\\nbye\"}\n\
                 PodName: shop\nPodNamespace: prod\nPodUID: 5f1c-77\nPodLabels: {\"app\":\"shop\"}"
            ),
            "{comment}"
        );
        assert_eq!(ProcessContext::from_comment(&comment), Some(context));
        let unlabelled =
            "PID: 1\nComm: sh\nContainerName: a\nContainerId: b\nContainerImage: \nContainerLabels: not json";
        let read = ProcessContext::from_comment(unlabelled).expect("a process");
        assert_eq!(read.container.map(|container| (container.name, container.labels.len())), Some(("a".into(), 0)));
        assert_eq!(read.pod, None);
    }

    #[test]
    fn labels_are_json_that_serde_reads_back() {
        let labels: Labels =
            [("app", "web"), ("quote\"back\\slash", "new\nline\ttab\u{1}bell"), ("unicode", "größe ✓"), ("", "")]
                .iter()
                .map(|(key, value)| (key.to_string(), value.to_string()))
                .collect();
        let text = LabelsJson(&labels).to_string();
        assert_eq!(labels_from_json(&text), labels, "{text}");
        assert!(!text.contains('\n'), "{text}");
        let plain: Labels = [("a".to_string(), "b".to_string()), ("c".to_string(), "d".to_string())].into();
        assert_eq!(LabelsJson(&plain).to_string(), serde_json::to_string(&plain).unwrap());
        assert_eq!(LabelsJson(&Labels::new()).to_string(), "{}");
    }
}
