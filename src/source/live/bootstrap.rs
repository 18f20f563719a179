//! Sockets that existed before ptstat started: the socket hooks never saw them created and the send/receive
//! tracepoints fire only after a packet has left. sock_diag lists them with their cookies, inodes and addresses,
//! /proc/PID/fd maps the inodes to processes, and the owner maps of ebpf/owners.h are filled before capture starts.
//! sock_diag lists the sockets of the caller's network namespace only: each namespace captured in is listed from
//! inside.

use std::{
    collections::HashMap,
    fs, io,
    mem::size_of,
    os::fd::{AsRawFd, FromRawFd, OwnedFd},
    os::unix::fs::MetadataExt,
};

use super::{netlink, netns::Netns, programs};

use aya::{
    Ebpf, Pod,
    maps::{HashMap as BpfHashMap, MapData},
};

use crate::source::live::cgroup2::cgroup2_root;

/// `struct process_context` of ebpf/event.h.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
struct ProcessContextValue {
    pid: u32,
    tid: u32,
    uid: u32,
    reserved: u32,
    cgroup_id: u64,
    comm: [u8; 16],
}

/// `struct flow_key` of ebpf/owners.h.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
struct FlowKey {
    netns: u64,
    local_addr: [u32; 4],
    remote_addr: [u32; 4],
    local_port: u16,
    remote_port: u16,
    protocol: u8,
    reserved: [u8; 3],
}

/// `struct bound_key` of ebpf/owners.h.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
struct BoundKey {
    netns: u64,
    addr: [u32; 4],
    port: u16,
    protocol: u8,
    reserved: [u8; 5],
}

// SAFETY: plain C structs of integers without padding holes that matter to the kernel (all zero-initialised).
unsafe impl Pod for ProcessContextValue {}
// SAFETY: as above.
unsafe impl Pod for FlowKey {}
// SAFETY: as above.
unsafe impl Pod for BoundKey {}

/// One socket as sock_diag reports it.
#[derive(Clone, Copy, Debug)]
struct DiagSocket {
    protocol: u8,
    listening_or_unconnected: bool,
    local_addr: [u32; 4],
    remote_addr: [u32; 4],
    local_port: u16,
    remote_port: u16,
    cookie: u64,
    inode: u32,
}

const SOCK_DIAG_BY_FAMILY: u16 = 20;
const TCP_LISTEN: u8 = 10;
const SO_NETNS_COOKIE: i32 = 71;

/// Preloads the owner maps with every TCP and UDP socket of each of `namespaces` that has a process.
pub fn preload_owners_in<'a>(
    ebpf: &mut Ebpf,
    namespaces: impl IntoIterator<Item = &'a Netns>,
) -> anyhow::Result<usize> {
    let owners = socket_inode_owners();
    let mut processes: HashMap<u32, Option<ProcessContextValue>> = HashMap::new();
    let mut preloaded = 0;
    for netns in namespaces {
        let sockets = netns.within(namespace_sockets)??;
        let mut known = Vec::new();
        for socket in sockets {
            let Some(&pid) = owners.get(&socket.inode) else { continue };
            let Some(process) = *processes.entry(pid).or_insert_with(|| process_context(pid)) else { continue };
            known.push((socket, process));
        }
        preload(ebpf, netns.cookie, &known)?;
        preloaded += known.len();
    }
    Ok(preloaded)
}

/// The TCP and UDP sockets of the caller's network namespace.
fn namespace_sockets() -> io::Result<Vec<DiagSocket>> {
    let mut sockets = Vec::new();
    for family in [libc::AF_INET as u8, libc::AF_INET6 as u8] {
        for protocol in [libc::IPPROTO_TCP as u8, libc::IPPROTO_UDP as u8] {
            sockets.extend(diag_dump(family, protocol)?);
        }
    }
    Ok(sockets)
}

/// Fills the owner maps with `known` sockets of the network namespace `netns` (a cookie) and their processes.
fn preload(ebpf: &mut Ebpf, netns: u64, known: &[(DiagSocket, ProcessContextValue)]) -> anyhow::Result<()> {
    let mut socket_owners: BpfHashMap<&mut MapData, u64, ProcessContextValue> =
        BpfHashMap::try_from(ebpf.map_mut("socket_owners").ok_or_else(|| anyhow::anyhow!("no socket_owners map"))?)?;
    for (socket, process) in known {
        socket_owners.insert(socket.cookie, process, 0)?;
    }
    let mut bound_owners: BpfHashMap<&mut MapData, BoundKey, ProcessContextValue> =
        BpfHashMap::try_from(ebpf.map_mut("bound_owners").ok_or_else(|| anyhow::anyhow!("no bound_owners map"))?)?;
    for (socket, process) in known.iter().filter(|(socket, _)| socket.listening_or_unconnected) {
        let key = BoundKey {
            netns,
            addr: socket.local_addr,
            port: socket.local_port,
            protocol: socket.protocol,
            ..Default::default()
        };
        bound_owners.insert(key, process, 0)?;
    }
    let mut flow_owners: BpfHashMap<&mut MapData, FlowKey, ProcessContextValue> =
        BpfHashMap::try_from(ebpf.map_mut("flow_owners").ok_or_else(|| anyhow::anyhow!("no flow_owners map"))?)?;
    for (socket, process) in known.iter().filter(|(socket, _)| !socket.listening_or_unconnected) {
        let key = FlowKey {
            netns,
            local_addr: socket.local_addr,
            remote_addr: socket.remote_addr,
            local_port: socket.local_port,
            remote_port: socket.remote_port,
            protocol: socket.protocol,
            ..Default::default()
        };
        flow_owners.insert(key, process, 0)?;
    }
    Ok(())
}

/// The cookie of the caller's network namespace, as the eBPF programs see it (bpf_get_netns_cookie). Kernels before
/// 5.14 lack SO_NETNS_COOKIE: there an eBPF program watching a socket of ptstat's tells it (own namespace only,
/// the only one ptstat captures in on such kernels).
pub fn netns_cookie() -> io::Result<u64> {
    match socket_netns_cookie() {
        Err(error) if error.raw_os_error() == Some(libc::ENOPROTOOPT) => {
            programs::probe_netns_cookie().map_err(|probe| io::Error::other(format!("{error}; {probe:#}")))
        }
        told => told,
    }
}

fn socket_netns_cookie() -> io::Result<u64> {
    // Any socket tells its namespace; an unbound one works also where loopback is down (a new namespace).
    // SAFETY: plain socket(2); the fd is owned right away.
    let fd = unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fd is a fresh socket nobody else owns.
    let socket = unsafe { OwnedFd::from_raw_fd(fd) };
    let mut cookie = 0u64;
    let mut len = size_of::<u64>() as libc::socklen_t;
    // SAFETY: cookie is a writable u64 and len says so.
    let result = unsafe {
        libc::getsockopt(socket.as_raw_fd(), libc::SOL_SOCKET, SO_NETNS_COOKIE, (&raw mut cookie).cast(), &mut len)
    };
    if result != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(cookie)
}

/// socket inode → pid, from the /proc/PID/fd links ("socket:[INODE]").
fn socket_inode_owners() -> HashMap<u32, u32> {
    let mut owners = HashMap::new();
    let pids = fs::read_dir("/proc").into_iter().flatten().flatten();
    for pid in pids.filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok()) {
        let fds = fs::read_dir(format!("/proc/{pid}/fd")).into_iter().flatten().flatten();
        for link in fds.filter_map(|fd| fs::read_link(fd.path()).ok()) {
            let link = link.to_string_lossy();
            if let Some(inode) = link.strip_prefix("socket:[").and_then(|rest| rest.strip_suffix(']')?.parse().ok()) {
                owners.entry(inode).or_insert(pid);
            }
        }
    }
    owners
}

fn process_context(pid: u32) -> Option<ProcessContextValue> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| status.lines().find_map(|line| line.strip_prefix(name)).map(str::trim);
    let uid = field("Uid:")?.split_whitespace().next()?.parse().ok()?;
    let mut comm = [0u8; 16];
    let name = field("Name:")?.as_bytes();
    let len = name.len().min(15);
    comm[..len].copy_from_slice(&name[..len]);
    // The cgroup id is the inode of the process's cgroup v2 directory ("0::/path" in /proc/PID/cgroup).
    let cgroup_id = fs::read_to_string(format!("/proc/{pid}/cgroup"))
        .ok()
        .and_then(|cgroups| cgroups.lines().find_map(|line| line.strip_prefix("0::").map(str::to_string)))
        .and_then(|path| fs::metadata(cgroup2_root()?.join(path.trim_start_matches('/'))).ok())
        .map_or(0, |metadata| metadata.ino());
    Some(ProcessContextValue { pid, tid: pid, uid, reserved: 0, cgroup_id, comm })
}

/// `struct inet_diag_sockid`.
#[repr(C)]
#[derive(Clone, Copy, Default)]
struct InetDiagSockId {
    sport: [u8; 2],
    dport: [u8; 2],
    src: [u32; 4],
    dst: [u32; 4],
    interface: u32,
    cookie: [u32; 2],
}

/// `struct inet_diag_req_v2`.
#[repr(C)]
#[derive(Clone, Copy)]
struct DiagRequest {
    family: u8,
    protocol: u8,
    extensions: u8,
    pad: u8,
    states: u32,
    id: InetDiagSockId,
}

/// Lists the sockets of one family and protocol, in every state.
fn diag_dump(family: u8, protocol: u8) -> io::Result<Vec<DiagSocket>> {
    let request =
        DiagRequest { family, protocol, extensions: 0, pad: 0, states: u32::MAX, id: InetDiagSockId::default() };
    let mut sockets = Vec::new();
    netlink::dump(libc::NETLINK_SOCK_DIAG, SOCK_DIAG_BY_FAMILY, netlink::bytes_of(&request), |message| {
        sockets.extend(parse_diag_message(message, protocol));
    })?;
    Ok(sockets)
}

/// Reads a `struct inet_diag_msg`.
fn parse_diag_message(message: &[u8], protocol: u8) -> Option<DiagSocket> {
    let family = *message.first()?;
    let state = *message.get(1)?;
    let id = message.get(4..52)?;
    let u32_at = |bytes: &[u8], at: usize| u32::from_ne_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    let addr = |at: usize| -> [u32; 4] {
        let raw = [u32_at(id, at), u32_at(id, at + 4), u32_at(id, at + 8), u32_at(id, at + 12)];
        if family == libc::AF_INET as u8 { ipv4_mapped(raw[0]) } else { raw }
    };
    let local_port = u16::from_be_bytes([id[0], id[1]]);
    let remote_port = u16::from_be_bytes([id[2], id[3]]);
    let inode = u32_at(message, 68);
    Some(DiagSocket {
        protocol,
        listening_or_unconnected: state == TCP_LISTEN || remote_port == 0,
        local_addr: addr(4),
        remote_addr: addr(20),
        local_port,
        remote_port,
        cookie: u64::from(u32_at(id, 40)) | (u64::from(u32_at(id, 44)) << 32),
        inode,
    })
}

/// IPv4 as ::ffff:a.b.c.d, the wildcard as all zeros: how ebpf/owners.h keys addresses.
fn ipv4_mapped(address: u32) -> [u32; 4] {
    if address == 0 { [0; 4] } else { [0, 0, u32::from_ne_bytes([0, 0, 0xff, 0xff]), address] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_a_listening_socket_with_its_owner() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let sockets = diag_dump(libc::AF_INET as u8, libc::IPPROTO_TCP as u8).unwrap();
        let found = sockets.iter().find(|socket| socket.local_port == port).expect("sock_diag lists the listener");
        assert!(found.listening_or_unconnected);
        assert_eq!(found.local_addr, ipv4_mapped(u32::from_ne_bytes([127, 0, 0, 1])));
        assert_eq!(socket_inode_owners().get(&found.inode), Some(&std::process::id()));
        assert_ne!(netns_cookie().unwrap(), 0);
    }
}
