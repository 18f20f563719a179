/* Programs that run in the process that uses a socket, filling the owner maps of owners.h.
 * The cgroup hooks are attached to the cgroup v2 root, so they see every process of the host. */
#ifndef PTSTAT_SOCKETS_H
#define PTSTAT_SOCKETS_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "flows.h"

#define AF_INET 2
#define AF_INET6 10
/* Verdict of cgroup socket hooks: allow. ptstat only watches. */
#define ALLOW 1

/* How many times a cgroup hook (below) gave a socket that had an owner another one: a socket the send and receive
 * tracepoints settled (socket_settled) before the count last moved is looked up again. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} owner_changes SEC(".maps");

static __always_inline __u64 *owner_change_count(void)
{
	__u32 only = 0;
	return bpf_map_lookup_elem(&owner_changes, &only);
}

static __always_inline __u64 owner_changes_so_far(void)
{
	__u64 *changes = owner_change_count();
	return changes ? *changes : 0;
}

/* Makes the calling process the owner of socket `cookie`, unless it is already: most calls find it so, and a
 * lookup costs less than an update (and than reading the process's name and cgroup). */
static __always_inline void remember_socket(__u64 cookie)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	if (!pid)
		return;
	struct process_context *known = bpf_map_lookup_elem(&socket_owners, &cookie);
	if (known && known->pid == pid)
		return;
	__u64 *changes = known ? owner_change_count() : NULL;
	if (changes)
		__sync_fetch_and_add(changes, 1);
	struct process_context process;
	current_process(&process);
	bpf_map_update_elem(&socket_owners, &cookie, &process, BPF_ANY);
}

static __always_inline int remember_current_socket(void *ctx)
{
	remember_socket(bpf_get_socket_cookie(ctx));
	return ALLOW;
}

/* Only IPv4 and IPv6 sockets carry packets the programs see, and only theirs are deleted at sock_release (an
 * inet hook): any other family's entry would stay until the LRU evicted it, pushing out sockets that matter. The
 * kernel runs this hook for inet sockets only today; the check keeps it so. */
static __always_inline bool inet_family(__u32 family)
{
	return family == AF_INET || family == AF_INET6;
}

SEC("cgroup/sock_create")
int owner_sock_create(struct bpf_sock *sk)
{
	if (!inet_family(sk->family))
		return ALLOW;
	return remember_current_socket(sk);
}

/* Kernels before 5.14 cannot tell userspace its namespace's cookie (SO_NETNS_COOKIE): ptstat makes a socket and
 * asks this program (src/source/live/bootstrap.rs). */
volatile const __u32 netns_prober = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} probed_netns SEC(".maps");

SEC("cgroup/sock_create")
int netns_probe(struct bpf_sock *sk)
{
	if (bpf_get_current_pid_tgid() >> 32 == netns_prober) {
		__u32 first = 0;
		__u64 cookie = bpf_get_netns_cookie(sk);
		bpf_map_update_elem(&probed_netns, &first, &cookie, BPF_ANY);
	}
	return ALLOW;
}

SEC("cgroup/sock_release")
int owner_sock_release(struct bpf_sock *sk)
{
	__u64 cookie = bpf_get_socket_cookie(sk);
	bpf_map_delete_elem(&socket_owners, &cookie);
	return ALLOW;
}

static __always_inline int remember_bound(struct bpf_sock *sk, bool ipv6)
{
	struct process_context process;
	current_process(&process);
	if (!process.pid)
		return ALLOW;
	remember_socket(bpf_get_socket_cookie(sk));
	struct bound_key key = {
		.netns = bpf_get_netns_cookie(sk),
		.port = sk->src_port,   /* host order in struct bpf_sock */
		.protocol = sk->protocol,
	};
	if (ipv6) {
		key.addr[0] = sk->src_ip6[0];
		key.addr[1] = sk->src_ip6[1];
		key.addr[2] = sk->src_ip6[2];
		key.addr[3] = sk->src_ip6[3];
	} else if (sk->src_ip4) {
		ipv4_mapped(key.addr, sk->src_ip4);
	}
	mark_port_owned(key.protocol, key.port);
	bpf_map_update_elem(&bound_owners, &key, &process, BPF_ANY);
	if (!is_wildcard(key.addr)) {
		struct owner_in_netns owner = {.netns = key.netns, .process = process};
		key.netns = 0;
		bpf_map_update_elem(&bound_owners_any_netns, &key, &owner, BPF_ANY);
	}
	return ALLOW;
}

SEC("cgroup/post_bind4")
int owner_post_bind4(struct bpf_sock *sk)
{
	return remember_bound(sk, false);
}

SEC("cgroup/post_bind6")
int owner_post_bind6(struct bpf_sock *sk)
{
	return remember_bound(sk, true);
}

/* connect() gives the socket a new flow (a UDP socket may connect again and again): the send and receive hooks
 * must learn it anew. */
static __always_inline int remember_connecting_socket(struct bpf_sock_addr *ctx)
{
	__u64 cookie = bpf_get_socket_cookie(ctx);
	struct process_context *known = bpf_map_lookup_elem(&socket_owners, &cookie);
	if (known)
		known->flow_ports = 0;
	remember_socket(cookie);
	return ALLOW;
}

SEC("cgroup/connect4")
int owner_connect4(struct bpf_sock_addr *ctx)
{
	return remember_connecting_socket(ctx);
}

SEC("cgroup/connect6")
int owner_connect6(struct bpf_sock_addr *ctx)
{
	return remember_connecting_socket(ctx);
}

SEC("cgroup/sendmsg4")
int owner_sendmsg4(struct bpf_sock_addr *ctx)
{
	return remember_current_socket(ctx);
}

SEC("cgroup/sendmsg6")
int owner_sendmsg6(struct bpf_sock_addr *ctx)
{
	return remember_current_socket(ctx);
}

SEC("cgroup/recvmsg4")
int owner_recvmsg4(struct bpf_sock_addr *ctx)
{
	return remember_current_socket(ctx);
}

SEC("cgroup/recvmsg6")
int owner_recvmsg6(struct bpf_sock_addr *ctx)
{
	return remember_current_socket(ctx);
}

/* A key no namespace cookie equals: cookies count up from 1. */
#define FOREIGN_NETNS (~0ULL)

/* The cookie of a network namespace, as bpf_get_netns_cookie() gives it for its sockets. Where packets cannot tell
 * their namespace, only whether it is ptstat's own matters (packets are taken to be in it), and struct net's cookie
 * cannot be read alike on every kernel (an atomic64_t made on first use before Linux 5.12): the namespace's inode
 * tells. */
static __always_inline __u64 namespace_cookie(struct net *net)
{
	if (namespaces_known)
		return BPF_CORE_READ(net, net_cookie);
	if (BPF_CORE_READ(net, ns.inum) == interfaces_netns_inode)
		return interfaces_netns;
	return FOREIGN_NETNS;
}

static __always_inline __u64 kernel_socket_netns(struct sock *sk)
{
	return namespace_cookie(BPF_CORE_READ(sk, __sk_common.skc_net.net));
}

/* Every send and receive of any socket, in the calling process: covers what the cgroup hooks cannot see, above
 * all accepted TCP connections (created by the kernel, not by socket()), and records the flow so ingress packets
 * find it. `cookie` is the socket's cookie, 0 when the hook cannot tell (then only the flow is recorded, which the
 * TC programs find too). These hooks run in the sending and receiving processes for every call, so the common
 * case, a socket whose owner and flow are known already, costs one lookup. True when the socket's owner is the
 * calling process and its flow is known (remember_traced_socket settles it). */
static __always_inline bool remember_kernel_socket(struct sock *sk, __u64 cookie, __u16 family)
{
	/* Unix, netlink, ... sockets too come here. */
	if (!inet_family(family))
		return false;
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	if (!pid)
		return false;
	struct process_context *known = cookie ? bpf_map_lookup_elem(&socket_owners, &cookie) : NULL;
	if (known && known->pid == pid && known->flow_ports)
		return true;

	struct process_context process;
	current_process(&process);
	__u16 protocol = BPF_CORE_READ(sk, sk_protocol);
	__u16 remote_port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	__u16 local_port = BPF_CORE_READ(sk, __sk_common.skc_num);
	/* Unconnected or not yet bound sockets have no flow. */
	if (remote_port && local_port && (protocol == IPPROTO_TCP || protocol == IPPROTO_UDP)) {
		struct flow_key key = {
			.netns = kernel_socket_netns(sk),
			.local_port = local_port,
			.remote_port = remote_port,
			.protocol = protocol,
		};
		if (family == AF_INET) {
			ipv4_mapped(key.local_addr, BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr));
			ipv4_mapped(key.remote_addr, BPF_CORE_READ(sk, __sk_common.skc_daddr));
		} else {
			BPF_CORE_READ_INTO(&key.local_addr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr32);
			BPF_CORE_READ_INTO(&key.remote_addr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr32);
		}
		remember_flow(&key, &process);
		process.flow_ports = flow_ports_of(&key);
	}
	/* A new owner, or the same one that now knows the flow. */
	if (cookie && (!known || known->pid != pid || process.flow_ports))
		bpf_map_update_elem(&socket_owners, &cookie, &process, BPF_ANY);
	return cookie && process.flow_ports;
}

/* A socket the send and receive tracepoints found settled: its owner in socket_owners is the process that used it,
 * and its flow (as the socket had it then: a UDP socket may connect elsewhere) is in flow_owners. Kept with the
 * socket itself (socket local storage, freed with it), where the next call finds it for less than the
 * socket_owners lookup costs. */
struct socket_settled {
	__u64 owner_changes; /* owner_changes_so_far() then */
	__u32 pid;
	__u32 remote_addr[4];
	__u16 remote_port;    /* network order */
	__u16 local_port;
	__u32 calls_left;     /* before the maps are looked at again anyway */
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, ALLOCATED_ON_INSERT);
	__type(key, int);
	__type(value, struct socket_settled);
} sockets_settled SEC(".maps");

/* Every this many calls a settled socket still goes through remember_kernel_socket, which puts back what the LRU
 * maps may have evicted meanwhile. */
#define SETTLED_CALLS 64

/* The send and receive tracepoints (Linux 6.3). Their socket is read directly, as tp_btf programs may: a probe read
 * of the family was about a third of each call (50-80 ns of 210-270 under a flood), and a settled socket spares
 * the socket_owners lookup (40-70 ns more). */
static __always_inline void remember_traced_socket(struct sock *sk)
{
	if (!sk)
		return;
	__u16 family = sk->__sk_common.skc_family;
	if (!inet_family(family))
		return;
	struct socket_settled now = {
		.owner_changes = owner_changes_so_far(),
		.pid = bpf_get_current_pid_tgid() >> 32,
		.remote_port = sk->__sk_common.skc_dport,
		.local_port = sk->__sk_common.skc_num,
	};
	if (family == AF_INET)
		now.remote_addr[3] = sk->__sk_common.skc_daddr;
	else
		__builtin_memcpy(now.remote_addr, sk->__sk_common.skc_v6_daddr.in6_u.u6_addr32, sizeof(now.remote_addr));
	struct socket_settled *settled = bpf_sk_storage_get(&sockets_settled, sk, NULL, 0);
	if (settled && settled->calls_left && settled->owner_changes == now.owner_changes && settled->pid == now.pid &&
	    settled->remote_port == now.remote_port && settled->local_port == now.local_port &&
	    settled->remote_addr[0] == now.remote_addr[0] && settled->remote_addr[1] == now.remote_addr[1] &&
	    settled->remote_addr[2] == now.remote_addr[2] && settled->remote_addr[3] == now.remote_addr[3]) {
		settled->calls_left--;
		return;
	}
	if (remember_kernel_socket(sk, bpf_get_socket_cookie(sk), family)) {
		/* Storage only for sockets that settle: unconnected ones (a DNS server's) never do. */
		if (!settled)
			settled = bpf_sk_storage_get(&sockets_settled, sk, NULL, BPF_SK_STORAGE_GET_F_CREATE);
		now.calls_left = SETTLED_CALLS;
	}
	if (settled)
		*settled = now;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(owner_send, struct sock *sk, int ret, int flags)
{
	remember_traced_socket(sk);
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(owner_recv, struct sock *sk, int ret, int flags)
{
	remember_traced_socket(sk);
	return 0;
}

/* Where the kernel lacks them: the same at the entry of sock_sendmsg() and sock_recvmsg(), which every send and
 * receive system call passes through, by fentry where the kernel has it, else by kprobe (the loader picks). Tracing
 * programs may call bpf_get_socket_cookie only from Linux 5.12, and kprobes never: the cookie is read as the kernel
 * keeps it, 0 until something asked for it. */
static __always_inline void remember_socket_in_use(struct socket *sock)
{
	struct sock *sk = BPF_CORE_READ(sock, sk);
	if (sk)
		remember_kernel_socket(sk, BPF_CORE_READ(sk, __sk_common.skc_cookie.counter),
				       BPF_CORE_READ(sk, __sk_common.skc_family));
}

SEC("fentry/sock_sendmsg")
int BPF_PROG(owner_sendmsg_entry, struct socket *sock)
{
	remember_socket_in_use(sock);
	return 0;
}

SEC("fentry/sock_recvmsg")
int BPF_PROG(owner_recvmsg_entry, struct socket *sock)
{
	remember_socket_in_use(sock);
	return 0;
}

SEC("kprobe/sock_sendmsg")
int BPF_KPROBE(owner_sendmsg_probe, struct socket *sock)
{
	remember_socket_in_use(sock);
	return 0;
}

SEC("kprobe/sock_recvmsg")
int BPF_KPROBE(owner_recvmsg_probe, struct socket *sock)
{
	remember_socket_in_use(sock);
	return 0;
}

#endif
