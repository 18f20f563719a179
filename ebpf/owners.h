/* Who owns a packet: maps filled in process context (socket hooks, tracepoints; see sockets.h) and read by the
 * TC programs, which run in softirq or for whichever task happens to transmit, so they cannot ask "current".
 *
 * Three ways to an owner, tried in this order:
 * - the socket cookie of skb->sk (egress of local sockets) → socket_owners, filled at socket(), bind(), connect(),
 *   sendmsg(), recvmsg(), and at every send/recv of any socket (tracepoints), so accepted sockets are known too;
 * - the flow (netns, protocol, local and remote address and port) → flow_owners, learnt from egress packets with
 *   a known socket, from send/recv tracepoints, and from SYNs to a listener: this is how ingress packets,
 *   whose skb->sk is not set yet at TC, find their process;
 * - the bound address (netns, protocol, local address, local port) → bound_owners, filled at bind(): a SYN to a
 *   listener, a datagram to a bound UDP socket. The wildcard address is stored as all zeros.
 * Every key has the network namespace (cookies of struct net), so equal tuples in two namespaces never mix, and
 * the protocol, so TCP and UDP on one port never mix. All maps are LRU: entries of closed sockets age out, and
 * sock_release deletes socket entries at once.
 *
 * The packet's other end (its peer, flows.h peer_of_flow) is looked up the same way with the tuple reversed. A peer in
 * another namespace (the far end of a veth pair, a container on a bridge) is not in the packet's namespace: the
 * maps flow_owners_any_netns and bound_owners_any_netns hold the same entries keyed without the namespace (netns 0),
 * with the namespace in the value. Where two namespaces have the same tuple the last one written wins; they are
 * asked only after the packet's own namespace had no answer. A socket bound to the wildcard address in another
 * namespace is found through namespace_addresses, the namespace that has the packet's address. */
#ifndef PTSTAT_OWNERS_H
#define PTSTAT_OWNERS_H

#include "event.h"

struct flow_key {
	__u64 netns;
	__u32 local_addr[4];  /* IPv4 as ::ffff:a.b.c.d */
	__u32 remote_addr[4];
	__u16 local_port;     /* host order; ICMP echo: the identifier */
	__u16 remote_port;
	__u8 protocol;
	__u8 reserved[3];
};

struct bound_key {
	__u64 netns;
	__u32 addr[4];
	__u16 port;
	__u8 protocol;
	__u8 reserved[5];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct process_context);
} socket_owners SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct flow_key);
	__type(value, struct process_context);
} flow_owners SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct bound_key);
	__type(value, struct process_context);
} bound_owners SEC(".maps");

/* An owner and the namespace of its socket: the value of the maps keyed without the namespace. */
struct owner_in_netns {
	__u64 netns;
	struct process_context process;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct flow_key);
	__type(value, struct owner_in_netns);
} flow_owners_any_netns SEC(".maps");

/* Only sockets bound to one address: a wildcard address names no namespace's address, so it would make a peer of
 * any packet to that port. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct bound_key);
	__type(value, struct owner_in_netns);
} bound_owners_any_netns SEC(".maps");

/* An address (IPv4 as ::ffff:a.b.c.d). */
struct address_key {
	__u32 addr[4];
};

/* The addresses of the host's network namespaces → the cookie of the one namespace that has each, written by
 * userspace at start (src/source/live/bootstrap.rs); loopback, link-local and addresses found in two namespaces are
 * left out. A packet to such an address of another namespace reaches that namespace's socket bound to the wildcard
 * address, which bound_owners_any_netns cannot hold. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__uint(map_flags, ALLOCATED_ON_INSERT);
	__type(key, struct address_key);
	__type(value, __u64);
} namespace_addresses SEC(".maps");

/* Local ports that an entry of flow_owners or bound_owners may have: a byte per protocol and port, set before such an
 * entry is written (store_flow, remember_bound in sockets.h, userspace's preload in
 * src/source/live/bootstrap.rs) and never cleared. A packet whose local port has none has no owner to find, and is
 * spared the three hash lookups of the search (a flood to a closed port, forwarded traffic, a scan); a set byte only
 * means "look". Bytes rather than bits: setting a byte needs no atomic operation, and Linux 5.10 has no atomic or. */
#define OWNED_PORT_SLOTS 3 /* TCP, UDP, ICMP echo identifiers (both ICMP versions) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, OWNED_PORT_SLOTS << 16);
	__type(key, __u32);
	__type(value, __u8);
} owned_local_ports SEC(".maps");

/* The key of owned_local_ports for `port` of `protocol`. */
static __always_inline __u32 owned_port_key(__u8 protocol, __u16 port)
{
	__u32 slot = protocol == IPPROTO_TCP ? 0 : protocol == IPPROTO_UDP ? 1 : 2;
	return slot << 16 | port;
}

static __always_inline bool port_may_be_owned(__u8 protocol, __u16 port)
{
	__u32 key = owned_port_key(protocol, port);
	__u8 *owned = bpf_map_lookup_elem(&owned_local_ports, &key);
	return owned && *owned;
}

static __always_inline void mark_port_owned(__u8 protocol, __u16 port)
{
	__u32 key = owned_port_key(protocol, port);
	__u8 *owned = bpf_map_lookup_elem(&owned_local_ports, &key);
	/* Written only when it changes: the byte's cache line stays shared among the CPUs that read it. */
	if (owned && !*owned)
		*owned = 1;
}

static __always_inline void current_process(struct process_context *process)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	process->pid = pid_tgid >> 32;
	process->tid = (__u32)pid_tgid;
	process->uid = (__u32)bpf_get_current_uid_gid();
	process->flow_ports = 0;
	process->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(process->comm, sizeof(process->comm));
}

static __always_inline void ipv4_mapped(__u32 addr[4], __be32 ipv4)
{
	addr[0] = 0;
	addr[1] = 0;
	addr[2] = bpf_htonl(0x0000ffff);
	addr[3] = ipv4;
}

/* The ports of flow `key` as socket_owners keeps them (flow_ports): never 0 for a connected socket's flow, whose
 * ports are both set. */
static __always_inline __u32 flow_ports_of(const struct flow_key *key)
{
	return (__u32)key->remote_port << 16 | key->local_port;
}

/* Whether flow_owners has `process` for `key` already: most packets of a flow change nothing, and a lookup is
 * cheaper than an update. */
static __always_inline bool flow_remembered(struct flow_key *key, struct process_context *process)
{
	struct process_context *known = bpf_map_lookup_elem(&flow_owners, key);
	return known && known->pid == process->pid;
}

static __always_inline void store_flow(struct flow_key *key, struct process_context *process)
{
	mark_port_owned(key->protocol, key->local_port);
	bpf_map_update_elem(&flow_owners, key, process, BPF_ANY);
	struct owner_in_netns owner = {.netns = key->netns, .process = *process};
	__u64 netns = key->netns;
	key->netns = 0;
	bpf_map_update_elem(&flow_owners_any_netns, key, &owner, BPF_ANY);
	key->netns = netns;
}

/* Stores `process` for `key` unless it is there already. */
static __always_inline void remember_flow(struct flow_key *key, struct process_context *process)
{
	if (!flow_remembered(key, process))
		store_flow(key, process);
}

/* The socket bound to `addr` and `port` in `netns`, else (with `or_wildcard`) the one bound to the wildcard
 * address. */
static __always_inline struct process_context *bound_owner(__u64 netns, __u8 protocol, __u32 addr[4], __u16 port,
							   bool or_wildcard)
{
	struct bound_key key = {.netns = netns, .port = port, .protocol = protocol};
	__builtin_memcpy(key.addr, addr, sizeof(key.addr));
	struct process_context *owner = bpf_map_lookup_elem(&bound_owners, &key);
	if (owner || !or_wildcard)
		return owner;
	__builtin_memset(key.addr, 0, sizeof(key.addr));
	return bpf_map_lookup_elem(&bound_owners, &key);
}

static __always_inline bool is_wildcard(const __u32 addr[4])
{
	return !(addr[0] | addr[1] | addr[2] | addr[3]) ||
	       (addr[0] == 0 && addr[1] == 0 && addr[2] == bpf_htonl(0x0000ffff) && addr[3] == 0);
}

#endif
