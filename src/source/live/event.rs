//! The ring-buffer record of `ebpf/event.h`, read without copying the packet bytes, and the key of the per-interface
//! counters.

use aya::Pod;

use crate::packet::Direction;

/// Byte layout of `struct packet_event` (C, little-endian on the machines we run on: native order).
const TIMESTAMP: usize = 0;
const IFINDEX: usize = 8;
const ORIGINAL_LEN: usize = 12;
const CAPTURED_LEN: usize = 16;
const DIRECTION: usize = 20;
const NETNS: usize = 24;
const PROCESS: usize = 32;
/// Bytes of a `struct process_context`.
pub const PROCESS_CONTEXT_LEN: usize = 40;
const PEER: usize = PROCESS + PROCESS_CONTEXT_LEN;
pub const HEADER_LEN: usize = PEER + PROCESS_CONTEXT_LEN;

/// `struct process_context`: the process that owned the packet's socket, as the kernel recorded it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KernelProcess {
    /// 0 when no process is known.
    pub pid: u32,
    pub tid: u32,
    pub uid: u32,
    pub cgroup_id: u64,
    /// The thread's name, NUL-padded.
    pub comm: [u8; 16],
}

impl KernelProcess {
    pub fn thread_name(&self) -> String {
        c_string(&self.comm)
    }

    /// Reads the 40 bytes of a `struct process_context` (the flows table's peer too: src/source/live/flows.rs).
    pub(super) fn parse(bytes: &[u8]) -> Self {
        let u32_at = |at: usize| u32::from_ne_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
        KernelProcess {
            pid: u32_at(0),
            tid: u32_at(4),
            uid: u32_at(8),
            cgroup_id: u64::from_ne_bytes(bytes[16..24].try_into().expect("8 bytes")),
            comm: bytes[24..40].try_into().expect("16 bytes"),
        }
    }
}

/// One packet as the kernel reported it, borrowing the ring buffer's bytes.
#[derive(Debug, PartialEq, Eq)]
pub struct PacketEvent<'a> {
    /// The kernel clock the programs stamp with (`clock::KernelClock`).
    pub timestamp_ns: u64,
    /// The interface's network namespace (its cookie) and index there.
    pub netns: u64,
    pub ifindex: u32,
    pub direction: Direction,
    pub original_len: u32,
    pub process: KernelProcess,
    /// The process at the packet's other end, when it is on this host too (pid 0: none).
    pub peer: KernelProcess,
    pub data: &'a [u8],
}

impl<'a> PacketEvent<'a> {
    /// Reads one record; `None` if it is shorter than its header says (a layout mismatch, never expected).
    pub fn parse(record: &'a [u8]) -> Option<Self> {
        let header = record.get(..HEADER_LEN)?;
        let u32_at = |at: usize| u32::from_ne_bytes(header[at..at + 4].try_into().expect("4 bytes"));
        let u64_at = |at: usize| u64::from_ne_bytes(header[at..at + 8].try_into().expect("8 bytes"));
        let captured_len = u32_at(CAPTURED_LEN) as usize;
        Some(PacketEvent {
            timestamp_ns: u64_at(TIMESTAMP),
            netns: u64_at(NETNS),
            ifindex: u32_at(IFINDEX),
            direction: if header[DIRECTION] == 0 { Direction::In } else { Direction::Out },
            original_len: u32_at(ORIGINAL_LEN),
            process: KernelProcess::parse(&header[PROCESS..PEER]),
            peer: KernelProcess::parse(&header[PEER..HEADER_LEN]),
            data: record.get(HEADER_LEN..HEADER_LEN + captured_len)?,
        })
    }
}

/// `struct interface_key`: an interface, by network namespace (cookie) and index, as ifindexes repeat across
/// namespaces.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct InterfaceKey {
    pub netns: u64,
    pub ifindex: u32,
    reserved: u32,
}

impl InterfaceKey {
    pub const fn new(netns: u64, ifindex: u32) -> Self {
        InterfaceKey { netns, ifindex, reserved: 0 }
    }
}

// SAFETY: two integers and explicit padding, no holes; every bit pattern is valid.
unsafe impl Pod for InterfaceKey {}

/// Joins NUL-separated argv (as in /proc/PID/cmdline) with spaces.
pub fn join_args(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    text.split('\0').filter(|arg| !arg.is_empty()).collect::<Vec<_>>().join(" ")
}

/// A NUL-terminated (or NUL-padded) C string.
fn c_string(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&byte| byte == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcessChange {
    Exec,
    Fork,
    Exit,
}

/// `struct process_event`: a process exec'd, forked or exited.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessEvent {
    pub change: ProcessChange,
    pub pid: u32,
    pub ppid: u32,
    pub comm: String,
    pub exe: String,
    /// Command line, arguments joined by spaces.
    pub args: String,
}

const PROCESS_EVENT_LEN: usize = 16 + 16 + 256 + 256;

impl ProcessEvent {
    pub fn parse(record: &[u8]) -> Option<Self> {
        let record = record.get(..PROCESS_EVENT_LEN)?;
        let u32_at = |at: usize| u32::from_ne_bytes(record[at..at + 4].try_into().expect("4 bytes"));
        let change = match u32_at(0) {
            0 => ProcessChange::Exec,
            1 => ProcessChange::Fork,
            2 => ProcessChange::Exit,
            _ => return None,
        };
        let args_len = (u32_at(12) as usize).min(256);
        Some(ProcessEvent {
            change,
            pid: u32_at(4),
            ppid: u32_at(8),
            comm: c_string(&record[16..32]),
            exe: c_string(&record[32..288]),
            args: join_args(&record[288..288 + args_len]),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn process_context(pid: u32, comm: &[u8; 16]) -> Vec<u8> {
        let mut bytes = Vec::new();
        for field in [pid, pid + 1, 1000, 0] {
            bytes.extend_from_slice(&field.to_ne_bytes());
        }
        bytes.extend_from_slice(&77u64.to_ne_bytes());
        bytes.extend_from_slice(comm);
        bytes
    }

    fn record(captured: &[u8], claimed_len: u32, direction: u8) -> Vec<u8> {
        let mut record = Vec::new();
        record.extend_from_slice(&1_234_567_890_123u64.to_ne_bytes());
        record.extend_from_slice(&7u32.to_ne_bytes());
        record.extend_from_slice(&1500u32.to_ne_bytes());
        record.extend_from_slice(&claimed_len.to_ne_bytes());
        record.extend_from_slice(&[direction, 0, 0, 0]);
        record.extend_from_slice(&0x1234_5678_9abcu64.to_ne_bytes());
        record.extend_from_slice(&process_context(4321, b"curl\0\0\0\0\0\0\0\0\0\0\0\0"));
        record.extend_from_slice(&process_context(777, b"python3\0\0\0\0\0\0\0\0\0"));
        record.extend_from_slice(captured);
        record
    }

    #[test]
    fn parses_header_and_borrows_the_captured_bytes() {
        let bytes = record(&[1, 2, 3], 3, 1);
        let event = PacketEvent::parse(&bytes).unwrap();
        assert_eq!(
            event,
            PacketEvent {
                timestamp_ns: 1_234_567_890_123,
                netns: 0x1234_5678_9abc,
                ifindex: 7,
                direction: Direction::Out,
                original_len: 1500,
                process: KernelProcess {
                    pid: 4321,
                    tid: 4322,
                    uid: 1000,
                    cgroup_id: 77,
                    comm: *b"curl\0\0\0\0\0\0\0\0\0\0\0\0"
                },
                peer: KernelProcess {
                    pid: 777,
                    tid: 778,
                    uid: 1000,
                    cgroup_id: 77,
                    comm: *b"python3\0\0\0\0\0\0\0\0\0"
                },
                data: &[1, 2, 3],
            }
        );
    }

    #[test]
    fn rejects_records_shorter_than_they_claim() {
        assert_eq!(PacketEvent::parse(&record(&[1, 2], 3, 0)), None);
        assert_eq!(PacketEvent::parse(&[0; HEADER_LEN - 1]), None);
    }
}
