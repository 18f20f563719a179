//! Sockets that existed before ptstat started: the socket hooks never saw them created and the send/receive
//! tracepoints fire only after a packet has left. sock_diag lists them with their cookies, inodes and addresses,
//! /proc/PID/fd maps the inodes to processes, and the owner maps of ebpf/owners.h are filled before capture starts.
//! sock_diag lists the sockets of the caller's network namespace only: each namespace captured in is listed from
//! inside.

use std::{
    collections::HashMap,
    fs, io,
    mem::size_of,
    net::IpAddr,
    os::fd::{AsRawFd, FromRawFd, OwnedFd},
    os::unix::fs::MetadataExt,
};

use netlink_packet_sock_diag::{
    AF_INET, AF_INET6, IPPROTO_TCP, IPPROTO_UDP, SockDiagMessage, TCP_LISTEN,
    inet::{ExtensionFlags, InetRequest, InetResponseHeader, SocketId, StateFlags},
};
use netlink_sys::protocols::NETLINK_SOCK_DIAG;

use super::{netlink, netns::Netns, programs};

use aya::{
    Ebpf, Pod,
    maps::{Array, HashMap as BpfHashMap, MapData, MapError},
    sys::SyscallError,
};

use crate::source::live::cgroup2::cgroup2_root;

/// `struct process_context` of ebpf/event.h.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
struct ProcessContextValue {
    pid: u32,
    tid: u32,
    uid: u32,
    /// Left 0: the send and receive hooks learn the socket's flow anew.
    flow_ports: u32,
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

/// `struct owner_in_netns` of ebpf/owners.h: the value of the maps keyed without the namespace, which find a
/// packet's peer in another namespace.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
struct OwnerInNetns {
    netns: u64,
    process: ProcessContextValue,
}

// SAFETY: plain C structs of integers without padding holes that matter to the kernel (all zero-initialised).
unsafe impl Pod for ProcessContextValue {}
// SAFETY: as above.
unsafe impl Pod for OwnerInNetns {}
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

const SO_NETNS_COOKIE: i32 = 71;
/// Map update flag: only where the key has no entry yet.
const BPF_NOEXIST: u64 = 1;

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
    for family in [AF_INET, AF_INET6] {
        for protocol in [IPPROTO_TCP, IPPROTO_UDP] {
            sockets.extend(diag_dump(family, protocol)?);
        }
    }
    Ok(sockets)
}

/// Fills the owner maps with `known` sockets of the network namespace `netns` (a cookie) and their processes.
/// The map of ebpf/owners.h called `name`.
fn owner_map<'a, K: Pod, V: Pod>(ebpf: &'a mut Ebpf, name: &str) -> anyhow::Result<BpfHashMap<&'a mut MapData, K, V>> {
    Ok(BpfHashMap::try_from(ebpf.map_mut(name).ok_or_else(|| anyhow::anyhow!("no {name} map"))?)?)
}

/// Fills the owner maps with `known` sockets of the network namespace `netns` (a cookie) and their processes, and
/// the maps keyed without the namespace as the socket hooks do (ebpf/sockets.h remember_bound, owners.h
/// store_flow).
fn preload(ebpf: &mut Ebpf, netns: u64, known: &[(DiagSocket, ProcessContextValue)]) -> anyhow::Result<()> {
    let mut socket_owners = owner_map::<u64, ProcessContextValue>(ebpf, "socket_owners")?;
    for (socket, process) in known {
        // The socket hooks run already: an owner they found since is the one that used the socket, where /proc
        // names one of the processes that hold it; and the send and receive tracepoints, having settled the
        // socket, would not look at its entry again for a while (ebpf/sockets.h).
        match socket_owners.insert(socket.cookie, process, BPF_NOEXIST) {
            Err(MapError::SyscallError(SyscallError { io_error, .. }))
                if io_error.raw_os_error() == Some(libc::EEXIST) => {}
            result => result?,
        }
    }
    let bound: Vec<(BoundKey, ProcessContextValue)> = known
        .iter()
        .filter(|(socket, _)| socket.listening_or_unconnected)
        .map(|(socket, process)| {
            let key = BoundKey {
                netns,
                addr: socket.local_addr,
                port: socket.local_port,
                protocol: socket.protocol,
                ..Default::default()
            };
            (key, *process)
        })
        .collect();
    let mut bound_owners = owner_map::<BoundKey, ProcessContextValue>(ebpf, "bound_owners")?;
    for (key, process) in &bound {
        bound_owners.insert(key, process, 0)?;
    }
    let mut bound_owners_any_netns = owner_map::<BoundKey, OwnerInNetns>(ebpf, "bound_owners_any_netns")?;
    for (key, process) in bound.iter().filter(|(key, _)| !is_wildcard(key.addr)) {
        let owner = OwnerInNetns { netns, process: *process };
        bound_owners_any_netns.insert(BoundKey { netns: 0, ..*key }, owner, 0)?;
    }
    let flows: Vec<(FlowKey, ProcessContextValue)> = known
        .iter()
        .filter(|(socket, _)| !socket.listening_or_unconnected)
        .map(|(socket, process)| {
            let key = FlowKey {
                netns,
                local_addr: socket.local_addr,
                remote_addr: socket.remote_addr,
                local_port: socket.local_port,
                remote_port: socket.remote_port,
                protocol: socket.protocol,
                ..Default::default()
            };
            (key, *process)
        })
        .collect();
    let mut flow_owners = owner_map::<FlowKey, ProcessContextValue>(ebpf, "flow_owners")?;
    for (key, process) in &flows {
        flow_owners.insert(key, process, 0)?;
    }
    let mut flow_owners_any_netns = owner_map::<FlowKey, OwnerInNetns>(ebpf, "flow_owners_any_netns")?;
    for (key, process) in &flows {
        flow_owners_any_netns.insert(FlowKey { netns: 0, ..*key }, OwnerInNetns { netns, process: *process }, 0)?;
    }
    let mut owned_local_ports: Array<&mut MapData, u8> =
        Array::try_from(ebpf.map_mut("owned_local_ports").ok_or_else(|| anyhow::anyhow!("no owned_local_ports map"))?)?;
    for (socket, _) in known {
        owned_local_ports.set(owned_port_key(socket.protocol, socket.local_port), 1, 0)?;
    }
    Ok(())
}

/// Fills ebpf/owners.h's `namespace_addresses`: the addresses of the interfaces of `namespaces`, each by the cookie of
/// the namespace that has it, so that a packet to a server bound to the wildcard address of another namespace names
/// it. Loopback and link-local addresses, which many namespaces have alike, and any address two namespaces share,
/// are left out: they name no one namespace. A namespace that cannot be entered is skipped. Returns how many
/// addresses were written.
pub fn load_namespace_addresses(ebpf: &mut Ebpf, namespaces: &[Netns]) -> anyhow::Result<usize> {
    let mut owners: HashMap<[u32; 4], Option<u64>> = HashMap::new();
    for netns in namespaces {
        let Ok(Ok(addresses)) = netns.within(interface_addresses) else { continue };
        for address in addresses.into_iter().filter(|address| names_one_namespace(*address)) {
            let owner = owners.entry(owners_address(address)).or_insert(Some(netns.cookie));
            if *owner != Some(netns.cookie) {
                *owner = None;
            }
        }
    }
    let mut addresses = owner_map::<[u32; 4], u64>(ebpf, "namespace_addresses")?;
    let mut written = 0;
    for (address, netns) in owners {
        if let Some(netns) = netns {
            addresses.insert(address, netns, 0)?;
            written += 1;
        }
    }
    Ok(written)
}

fn names_one_namespace(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => !v4.is_loopback() && !v4.is_link_local() && !v4.is_unspecified(),
        IpAddr::V6(v6) => !v6.is_loopback() && !v6.is_unicast_link_local() && !v6.is_unspecified(),
    }
}

/// The IPv4 and IPv6 addresses of the interfaces of the calling thread's network namespace.
pub fn interface_addresses() -> io::Result<Vec<IpAddr>> {
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs writes a list it allocated to `list`, freed below.
    if unsafe { libc::getifaddrs(&mut list) } != 0 {
        return Err(io::Error::last_os_error());
    }
    let mut addresses = Vec::new();
    let mut entry = list;
    while !entry.is_null() {
        // SAFETY: `entry` is a node of the list getifaddrs made, valid until freeifaddrs; ifa_addr, when set, points
        // at a sockaddr of the size its family says.
        unsafe {
            let address = (*entry).ifa_addr;
            if !address.is_null() {
                match i32::from((*address).sa_family) {
                    libc::AF_INET => {
                        let v4 = &*(address as *const libc::sockaddr_in);
                        addresses.push(IpAddr::from(v4.sin_addr.s_addr.to_ne_bytes()));
                    }
                    libc::AF_INET6 => {
                        let v6 = &*(address as *const libc::sockaddr_in6);
                        addresses.push(IpAddr::from(v6.sin6_addr.s6_addr));
                    }
                    _ => {}
                }
            }
            entry = (*entry).ifa_next;
        }
    }
    // SAFETY: the list getifaddrs made, freed once.
    unsafe { libc::freeifaddrs(list) };
    Ok(addresses)
}

/// ebpf/owners.h's is_wildcard: `0.0.0.0` (as ::ffff:0.0.0.0, or all zeros) and `::`.
fn is_wildcard(addr: [u32; 4]) -> bool {
    addr == [0; 4] || addr == [0, 0, u32::from_ne_bytes([0, 0, 0xff, 0xff]), 0]
}

/// The key of ebpf/owners.h's `owned_local_ports` for a TCP or UDP port: the packet programs look up a packet's
/// owner by flow or bound address only where its local port has a set byte.
fn owned_port_key(protocol: u8, port: u16) -> u32 {
    let slot = if protocol == IPPROTO_TCP { 0 } else { 1 };
    slot << 16 | u32::from(port)
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
    Some(ProcessContextValue { pid, tid: pid, uid, flow_ports: 0, cgroup_id, comm })
}

/// Lists the sockets of one family and protocol, in every state.
fn diag_dump(family: u8, protocol: u8) -> io::Result<Vec<DiagSocket>> {
    let request = SockDiagMessage::InetRequest(InetRequest {
        family,
        protocol,
        extensions: ExtensionFlags::empty(),
        states: StateFlags::from_bits_retain(u32::MAX),
        socket_id: if family == AF_INET { SocketId::new_v4() } else { SocketId::new_v6() },
    });
    let mut sockets = Vec::new();
    netlink::dump(NETLINK_SOCK_DIAG, request, |answer| {
        if let SockDiagMessage::InetResponse(response) = answer {
            sockets.push(diag_socket(&response.header, protocol));
        }
    })?;
    Ok(sockets)
}

fn diag_socket(header: &InetResponseHeader, protocol: u8) -> DiagSocket {
    let id = &header.socket_id;
    let cookie = |half: usize| u64::from(u32::from_ne_bytes(id.cookie[half * 4..][..4].try_into().expect("4 bytes")));
    DiagSocket {
        protocol,
        listening_or_unconnected: header.state == TCP_LISTEN || id.destination_port == 0,
        local_addr: owners_address(id.source_address),
        remote_addr: owners_address(id.destination_address),
        local_port: id.source_port,
        remote_port: id.destination_port,
        // The kernel splits the cookie into two native u32s, low half first.
        cookie: cookie(0) | (cookie(1) << 32),
        inode: header.inode,
    }
}

/// An address as ebpf/owners.h keys it: four u32s of network-order bytes.
fn owners_address(address: IpAddr) -> [u32; 4] {
    match address {
        IpAddr::V4(address) => ipv4_mapped(u32::from_ne_bytes(address.octets())),
        IpAddr::V6(address) => {
            let octets = address.octets();
            std::array::from_fn(|word| u32::from_ne_bytes(octets[word * 4..][..4].try_into().expect("4 bytes")))
        }
    }
}

/// IPv4 as ::ffff:a.b.c.d, the wildcard as all zeros: how ebpf/owners.h keys addresses.
fn ipv4_mapped(address: u32) -> [u32; 4] {
    if address == 0 { [0; 4] } else { [0, 0, u32::from_ne_bytes([0, 0, 0xff, 0xff]), address] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_addresses_that_can_name_one_namespace_are_kept() {
        for shared in ["127.0.0.1", "127.1.2.3", "::1", "fe80::1", "169.254.1.1", "0.0.0.0", "::"] {
            assert!(!names_one_namespace(shared.parse().unwrap()), "{shared}");
        }
        for own in ["10.77.1.2", "192.168.1.5", "fd77:1::2", "2001:db8::1"] {
            assert!(names_one_namespace(own.parse().unwrap()), "{own}");
        }
        assert!(is_wildcard([0; 4]) && is_wildcard([0, 0, u32::from_ne_bytes([0, 0, 0xff, 0xff]), 0]));
        assert!(!is_wildcard(owners_address("10.77.1.2".parse().unwrap())));
    }

    #[test]
    fn lists_the_addresses_of_this_namespace() {
        // Every namespace has its loopback device; CI and test namespaces have it up.
        let addresses = interface_addresses().expect("getifaddrs");
        assert!(addresses.contains(&"127.0.0.1".parse().unwrap()), "{addresses:?}");
    }

    #[test]
    fn lists_a_listening_socket_with_its_owner() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let sockets = diag_dump(AF_INET, IPPROTO_TCP).unwrap();
        let found = sockets.iter().find(|socket| socket.local_port == port).expect("sock_diag lists the listener");
        assert!(found.listening_or_unconnected);
        assert_eq!(found.local_addr, ipv4_mapped(u32::from_ne_bytes([127, 0, 0, 1])));
        assert_eq!(socket_inode_owners().get(&found.inode), Some(&std::process::id()));
        assert_ne!(netns_cookie().unwrap(), 0);
        let listener6 = std::net::TcpListener::bind("[::1]:0").unwrap();
        let port6 = listener6.local_addr().unwrap().port();
        let sockets6 = diag_dump(AF_INET6, IPPROTO_TCP).unwrap();
        let found6 = sockets6.iter().find(|socket| socket.local_port == port6).expect("sock_diag lists it too");
        assert_eq!(found6.local_addr, [0, 0, 0, u32::from_ne_bytes([0, 0, 0, 1])]);
        assert_eq!((found6.remote_addr, found6.remote_port), ([0; 4], 0));
    }
}
