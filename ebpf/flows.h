/* What a packet is, as far as the capture and counting programs care: its addresses, protocol and ports, and the
 * process it belongs to (through the owner maps of owners.h). Shared by every hook: TC and cgroup-skb programs read
 * an __sk_buff, XDP programs an xdp_md. */
#ifndef PTSTAT_FLOWS_H
#define PTSTAT_FLOWS_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "owners.h"

#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88A8
#define IPPROTO_ICMPV6 58
#define ICMP_ECHOREPLY 0
#define ICMP_ECHO 8
#define ICMPV6_ECHO_REQUEST 128
#define ICMPV6_ECHO_REPLY 129

/* Where a program runs: which helpers read its packet, and whether the packet names its socket. */
enum hook {
	HOOK_TC,      /* __sk_buff; skb->sk on egress of local sockets */
	HOOK_CGROUP,  /* __sk_buff starting at the IP header; skb->sk always (the local socket) */
	HOOK_XDP,     /* xdp_md, ingress only, before any socket */
	HOOK_SOCKET,  /* __sk_buff of a packet socket's filter: no direct packet access, no skb->sk (a clone) */
	HOOK_TRACEPOINT, /* struct traced_packet: a struct sk_buff at a tp_btf program (tracepoints.h) */
};

/* What the tp_btf programs know of a packet, the context they hand the shared code: a tracing program holds the
 * kernel's struct sk_buff, whose bytes it reads with bpf_probe_read_kernel (bpf_skb_load_bytes is for socket
 * buffer programs only). */
struct traced_packet {
	void *start;      /* kernel address of its first byte: the Ethernet header, or the IP header on layer-3 devices */
	__u32 linear;     /* the bytes from `start` in the skb's linear part: a probe read reaches no paged data */
	__u64 netns;      /* cookie of its device's network namespace */
	struct sock *sk;  /* egress: the full socket that sent it, if any; else NULL */
};

/* What the running kernel offers, set by the loader (src/source/live/features.rs). .rodata is frozen, so the
 * verifier knows these values and never walks the branches they rule out: a helper a kernel lacks may be named
 * there. */
/* Packets tell their network namespace (kfunc bpf_cast_to_kern_ctx, Linux 6.2). Elsewhere ptstat captures in its
 * own namespace only, and every packet is taken to be in it: interfaces_netns. */
volatile const __u8 namespaces_known = 1;
/* The cookie and the nsfs inode of ptstat's network namespace. */
volatile const __u64 interfaces_netns = 0;
volatile const __u32 interfaces_netns_inode = 0;
/* bpf_xdp_load_bytes (Linux 5.18). Without it XDP programs read only headers in the packet's first buffer. */
volatile const __u8 has_xdp_load_bytes = 1;

/* Reads `len` bytes (a constant once inlined) at `offset` of the packet's linear part, data to end; -1 if they
 * lie beyond it. A direct read costs a few instructions where a helper call costs a call and its checks, and
 * every packet's tuple takes up to four reads. */
static __always_inline long read_directly(void *data, void *end, __u32 offset, void *to, __u32 len)
{
	/* Headers lie within the first 4 KiB; the bound lets the verifier check the pointer arithmetic. */
	if (offset > 4096)
		return -1;
	void *from = data + offset;
	if (from + len > end)
		return -1;
	/* Packet data may lie at any address, and copied from a `void *` it is copied byte by byte (an IPv4 header was
	 * 20 loads, 40 shifts and ors, some 15 ns a packet). The words are loaded unaligned: the architectures ptstat
	 * captures on (x86-64, arm64) load them at any address, and the verifier checks the alignment of packet loads
	 * only under strict alignment (BPF_F_STRICT_ALIGNMENT, or an architecture without efficient unaligned access). */
	__builtin_memcpy(to, __builtin_assume_aligned(from, 8), len);
	return 0;
}

/* Reads a header of constant length `len`: directly where it lies in the linear part (nearly always), else by
 * helper (skb paged data; XDP fragments, which these programs never see). */
static __always_inline long load_bytes(void *ctx, enum hook hook, __u32 offset, void *to, __u32 len)
{
	if (hook == HOOK_TRACEPOINT) {
		struct traced_packet *packet = ctx;
		if (offset > 4096 || offset + len > packet->linear)
			return -1;
		return bpf_probe_read_kernel(to, len, packet->start + offset);
	}
	if (hook == HOOK_XDP) {
		struct xdp_md *xdp = ctx;
		if (!read_directly((void *)(long)xdp->data, (void *)(long)xdp->data_end, offset, to, len))
			return 0;
		return has_xdp_load_bytes ? bpf_xdp_load_bytes(ctx, offset, to, len) : -1;
	}
	if (hook == HOOK_SOCKET)
		return bpf_skb_load_bytes(ctx, offset, to, len);
	struct __sk_buff *skb = ctx;
	if (!read_directly((void *)(long)skb->data, (void *)(long)skb->data_end, offset, to, len))
		return 0;
	return bpf_skb_load_bytes(ctx, offset, to, len);
}

/* The packet's length, headers included. XDP programs that do not declare multi-buffer support (xdp.frags) only
 * ever see single-buffer packets, so data_end - data is all of it (bpf_xdp_get_buff_len is Linux 5.18). */
static __always_inline __u32 xdp_packet_len(struct xdp_md *xdp)
{
	return xdp->data_end - xdp->data;
}

/* The kernel's own structure behind a program's context: struct sk_buff behind __sk_buff, struct xdp_buff behind
 * xdp_md; NULL on kernels without the kfunc bpf_cast_to_kern_ctx. aya 0.14 cannot relocate calls to kernel
 * functions, so the loader writes the call over this marker ("ptstat\0K") itself, with the kfunc's BTF id
 * (src/source/live/kernel_context.rs), or `r0 = 0` where the kernel lacks it. The verifier turns the call into
 * `r0 = r1`: it costs nothing. */
static __always_inline void *kernel_context(void *ctx)
{
	register void *context asm("r1") = ctx;
	register void *kernel asm("r0");
	asm volatile("r0 = 0x4b00746174737470 ll" : "=r"(kernel), "+r"(context) : : "r2", "r3", "r4", "r5");
	return kernel;
}

/* Cookie of the network namespace the packet is in, the one bpf_get_netns_cookie() gives its socket, so that flows
 * learnt by the socket hooks match; ptstat's own where the kernel cannot tell (no kernel context: see
 * namespaces_known). At TC and XDP it is the device's: bpf_get_netns_cookie(skb) cannot tell there, as without
 * skb->sk (most ingress packets) it answers init_net's; ptstat attaches in several namespaces at once (--netns), so
 * no constant will do either. At cgroup-skb it is the socket's (bpf_get_netns_cookie is refused to cgroup-skb
 * programs before Linux 6.13). Loads the verifier checks as BTF pointers (a faulting one yields 0). */
static __always_inline __u64 packet_netns(void *ctx, enum hook hook)
{
	if (hook == HOOK_TRACEPOINT)
		return ((struct traced_packet *)ctx)->netns;
	void *kernel = kernel_context(ctx);
	if (!kernel)
		return interfaces_netns;
	if (hook == HOOK_CGROUP) {
		struct sock *sk = ((struct sk_buff *)kernel)->sk;
		if (sk)
			return sk->__sk_common.skc_net.net->net_cookie;
	}
	struct net_device *device = hook == HOOK_XDP ? ((struct xdp_buff *)kernel)->rxq->dev
						     : ((struct sk_buff *)kernel)->dev;
	return device->nd_net.net->net_cookie;
}

/* A packet's addresses (IPv4 as ::ffff:a.b.c.d), protocol and ports, as they appear in the packet. */
struct packet_tuple {
	__u32 source[4];
	__u32 destination[4];
	__u16 source_port;      /* TCP, UDP; ICMP and ICMPv6: the type */
	__u16 destination_port; /* TCP, UDP; ICMP and ICMPv6: the code */
	__u16 echo_identifier;  /* ICMP echo request or reply: the ping socket's identifier */
	__u8 protocol;
	__u8 is_echo;
	__u8 has_ports;         /* the transport header was read (not a later fragment, not cut short) */
};

/* Reads the tuple of an IPv4 or IPv6 packet whose network header starts at `l3`; false for anything else (ARP,
 * other link protocols). Behind one VLAN tag too. `link_protocol` is skb->protocol (ignored for Ethernet frames,
 * which say their own). */
static __always_inline bool packet_tuple(void *ctx, enum hook hook, __u16 link_protocol, __u32 l3,
					 struct packet_tuple *tuple)
{
	__u16 ethertype = bpf_ntohs(link_protocol);
	if (l3 == ETH_HLEN) {
		__be16 header_type;
		if (load_bytes(ctx, hook, 12, &header_type, sizeof(header_type)) < 0)
			return false;
		ethertype = bpf_ntohs(header_type);
		if (ethertype == ETH_P_8021Q || ethertype == ETH_P_8021AD) {
			if (load_bytes(ctx, hook, 16, &header_type, sizeof(header_type)) < 0)
				return false;
			ethertype = bpf_ntohs(header_type);
			l3 += 4;
		}
	}
	__u32 l4;
	bool later_fragment = false;
	if (ethertype == ETH_P_IP) {
		struct iphdr ip;
		if (load_bytes(ctx, hook, l3, &ip, sizeof(ip)) < 0)
			return false;
		ipv4_mapped(tuple->source, ip.saddr);
		ipv4_mapped(tuple->destination, ip.daddr);
		tuple->protocol = ip.protocol;
		later_fragment = bpf_ntohs(ip.frag_off) & 0x1fff;
		l4 = l3 + ip.ihl * 4;
	} else if (ethertype == ETH_P_IPV6) {
		struct ipv6hdr ip;
		if (load_bytes(ctx, hook, l3, &ip, sizeof(ip)) < 0)
			return false;
		__builtin_memcpy(tuple->source, &ip.saddr, sizeof(tuple->source));
		__builtin_memcpy(tuple->destination, &ip.daddr, sizeof(tuple->destination));
		tuple->protocol = ip.nexthdr;
		l4 = l3 + sizeof(ip);
	} else {
		return false;
	}
	tuple->source_port = tuple->destination_port = tuple->echo_identifier = 0;
	tuple->is_echo = tuple->has_ports = 0;
	if (later_fragment)
		return true;
	if (tuple->protocol == IPPROTO_TCP || tuple->protocol == IPPROTO_UDP) {
		__be16 ports[2];
		if (load_bytes(ctx, hook, l4, ports, sizeof(ports)) < 0)
			return true;
		tuple->source_port = bpf_ntohs(ports[0]);
		tuple->destination_port = bpf_ntohs(ports[1]);
		tuple->has_ports = 1;
	} else if (tuple->protocol == IPPROTO_ICMP || tuple->protocol == IPPROTO_ICMPV6) {
		struct { __u8 type, code; __be16 checksum, identifier; } icmp;
		if (load_bytes(ctx, hook, l4, &icmp, sizeof(icmp)) < 0)
			return true;
		tuple->source_port = icmp.type;
		tuple->destination_port = icmp.code;
		tuple->has_ports = 1;
		tuple->is_echo = icmp.type == ICMP_ECHO || icmp.type == ICMP_ECHOREPLY ||
				 icmp.type == ICMPV6_ECHO_REQUEST || icmp.type == ICMPV6_ECHO_REPLY;
		tuple->echo_identifier = bpf_ntohs(icmp.identifier);
	}
	return true;
}

/* The flow of a TCP, UDP or ICMP echo packet, seen from this host: on egress the source is local, on ingress the
 * destination. False for anything else (later fragments, other protocols, ICMP errors). Echo requests and replies
 * belong to the ping socket that owns their identifier, which stands for both ports. */
static __always_inline bool packet_flow(struct packet_tuple *tuple, __u64 netns, enum packet_direction direction,
					struct flow_key *key)
{
	if (!tuple->has_ports)
		return false;
	__u16 source_port = tuple->source_port, destination_port = tuple->destination_port;
	if (tuple->protocol == IPPROTO_ICMP || tuple->protocol == IPPROTO_ICMPV6) {
		if (!tuple->is_echo)
			return false;
		source_port = destination_port = tuple->echo_identifier;
	} else if (tuple->protocol != IPPROTO_TCP && tuple->protocol != IPPROTO_UDP) {
		return false;
	}
	key->netns = netns;
	key->protocol = tuple->protocol;
	bool outgoing = direction == PACKET_EGRESS;
	__builtin_memcpy(key->local_addr, outgoing ? tuple->source : tuple->destination, sizeof(key->local_addr));
	__builtin_memcpy(key->remote_addr, outgoing ? tuple->destination : tuple->source, sizeof(key->remote_addr));
	key->local_port = outgoing ? source_port : destination_port;
	key->remote_port = outgoing ? destination_port : source_port;
	return true;
}

/* Whether `key`, the flow of a packet that names its socket (TC egress, cgroup-skb), is that socket's own. A tunnel
 * (VXLAN, Geneve, ...) sends its outer packets with the socket of the packet inside: the packet belongs to that
 * socket's process, but the outer flow does not, and taught to flow_owners it would name whatever else the tunnel
 * carries (the kernel's own packets, other processes' answers) after the last process that sent through it. ICMP
 * echo flows are left as they are: a raw socket's port is its protocol, not the echo identifier. */
static __always_inline bool is_sockets_own_flow(void *ctx, enum hook hook, struct flow_key *key)
{
	if (key->protocol != IPPROTO_TCP && key->protocol != IPPROTO_UDP)
		return true;
	if (hook == HOOK_TRACEPOINT) {
		struct sock *traced = ((struct traced_packet *)ctx)->sk;
		return traced && BPF_CORE_READ(traced, sk_protocol) == key->protocol &&
		       BPF_CORE_READ(traced, __sk_common.skc_num) == key->local_port;
	}
	struct bpf_sock *sk = ((struct __sk_buff *)ctx)->sk;
	if (!sk)
		return false;
	sk = bpf_sk_fullsock(sk);
	return sk && sk->protocol == key->protocol && sk->src_port == key->local_port;
}

/* The cookie of the socket an egress packet names, 0 if none. A tracing program reads it from the socket, where the
 * kernel keeps it once asked for it (the cgroup hooks ask at socket()): bpf_get_socket_cookie takes a struct sock
 * in tracing programs only from Linux 5.12. */
static __always_inline __u64 packet_socket_cookie(void *ctx, enum hook hook)
{
	if (hook == HOOK_TRACEPOINT) {
		struct sock *sk = ((struct traced_packet *)ctx)->sk;
		return sk ? BPF_CORE_READ(sk, __sk_common.skc_cookie.counter) : 0;
	}
	return bpf_get_socket_cookie(ctx);
}

/* How often, on average, a packet of a socket whose flow is known still looks it up in flow_owners. */
#define RECHECKED_ONE_IN 64

/* The process of a packet whose flow is `key` (`has_flow`: packet_flow's answer; see owners.h for the order of
 * lookups), or NULL. The answer points into an owner map: it is read at once, not kept. */
static __always_inline struct process_context *owner_of_flow(void *ctx, enum hook hook,
							     enum packet_direction direction, struct flow_key *key,
							     bool has_flow)
{
	struct process_context *found = NULL;
	/* A packet socket's copies name no socket. */
	if (hook == HOOK_CGROUP || ((hook == HOOK_TC || hook == HOOK_TRACEPOINT) && direction == PACKET_EGRESS)) {
		__u64 cookie = packet_socket_cookie(ctx, hook);
		if (cookie)
			found = bpf_map_lookup_elem(&socket_owners, &cookie);
		/* A packet of the flow the socket's hooks stored already (flow_ports) spares the flow_owners lookup,
		 * save one in RECHECKED_ONE_IN, which puts back an entry the LRU may have evicted. */
		if (found && has_flow &&
		    (found->flow_ports != flow_ports_of(key) || bpf_get_prandom_u32() % RECHECKED_ONE_IN == 0) &&
		    !flow_remembered(key, found) && is_sockets_own_flow(ctx, hook, key))
			store_flow(key, found);
	}
	/* Otherwise by the flow, else by the address it reaches (a listener, a bound UDP socket); neither when no entry
	 * has its local port. */
	if (!found && has_flow && port_may_be_owned(key->protocol, key->local_port)) {
		found = bpf_map_lookup_elem(&flow_owners, key);
		if (!found) {
			found = bound_owner(key->netns, key->protocol, key->local_addr, key->local_port, true);
			/* A connection to a listener: its later packets carry the accepted socket, unknown until the
			 * server first reads or writes it, so the flow keeps the listener's process meanwhile. */
			if (found && key->protocol == IPPROTO_TCP)
				remember_flow(key, found);
		}
	}
	return found;
}

/* The packet's process (owner_of_flow). `has_tuple` is packet_tuple's answer for this packet, `netns`
 * packet_netns'. */
static __always_inline struct process_context *find_owner(void *ctx, enum hook hook, __u64 netns,
							  enum packet_direction direction, struct packet_tuple *tuple,
							  bool has_tuple)
{
	struct flow_key key = {};
	bool has_flow = has_tuple && packet_flow(tuple, netns, direction, &key);
	return owner_of_flow(ctx, hook, direction, &key, has_flow);
}

/* The loopback device's index, in every namespace. */
#define LOOPBACK_IFINDEX 1

/* The socket `key` (a flow seen from one end) names as its other end, NULL when that end is not a socket of this host,
 * and for a socket sending to itself (its own end, not a peer). On loopback the other end is in the packet's
 * namespace (owners.h). Elsewhere it is in another one: a namespace's own addresses reach it through its loopback
 * device, so a packet on any other device goes to or comes from another namespace (a veth pair's far end, a
 * container on a bridge) or another host. So only the maps keyed without the namespace are asked, not the packet's
 * own namespace's first: a packet with no local peer (most, on a host's own interfaces) costs two lookups fewer,
 * and a peer in another namespace is found two lookups sooner. Their answer is taken from any namespace, the
 * packet's own too, where routing was made to send a namespace's traffic to itself out of a device. */
static __always_inline struct process_context *other_end(struct flow_key *key, bool on_loopback)
{
	struct flow_key reversed = {.netns = key->netns, .protocol = key->protocol};
	__builtin_memcpy(reversed.local_addr, key->remote_addr, sizeof(reversed.local_addr));
	__builtin_memcpy(reversed.remote_addr, key->local_addr, sizeof(reversed.remote_addr));
	reversed.local_port = key->remote_port;
	reversed.remote_port = key->local_port;
	if (reversed.local_port == key->local_port && reversed.local_addr[0] == key->local_addr[0] &&
	    reversed.local_addr[1] == key->local_addr[1] && reversed.local_addr[2] == key->local_addr[2] &&
	    reversed.local_addr[3] == key->local_addr[3])
		return NULL;
	if (on_loopback) {
		struct process_context *found = bpf_map_lookup_elem(&flow_owners, &reversed);
		/* Else a listener or a bound UDP socket: whatever its address, a socket bound to the wildcard address
		 * is it. */
		return found ? found : bound_owner(key->netns, key->protocol, reversed.local_addr, reversed.local_port,
						   true);
	}
	reversed.netns = 0;
	struct owner_in_netns *elsewhere = bpf_map_lookup_elem(&flow_owners_any_netns, &reversed);
	if (!elsewhere) {
		struct bound_key bound = {.port = reversed.local_port, .protocol = reversed.protocol};
		__builtin_memcpy(bound.addr, reversed.local_addr, sizeof(bound.addr));
		elsewhere = bpf_map_lookup_elem(&bound_owners_any_netns, &bound);
	}
	if (elsewhere)
		return &elsewhere->process;
	/* A socket bound to the wildcard address in the namespace that has the address, when that is another one. Off
	 * loopback an address of the packet's own namespace at the other end comes either from routes that hairpin its
	 * traffic through a device, whose sockets bound to the address or connected the maps above name, or from
	 * another host that forged it, whose packets no local process sends or answers. */
	__u64 *netns = bpf_map_lookup_elem(&namespace_addresses, reversed.local_addr);
	if (!netns || *netns == key->netns)
		return NULL;
	return bound_owner(*netns, key->protocol, reversed.local_addr, reversed.local_port, true);
}

/* The process at the other end of a TCP or UDP packet whose flow is `key` (`has_flow` as for owner_of_flow) and
 * whose both ends are sockets of this host (see other_end), or NULL. Costs nothing more than a lookup in
 * owned_local_ports when no local socket has the other end's port. Like owner_of_flow's, the answer points into a
 * map. */
static __always_inline struct process_context *peer_of_flow(__u32 ifindex, struct flow_key *key, bool has_flow)
{
	if (!has_flow || (key->protocol != IPPROTO_TCP && key->protocol != IPPROTO_UDP) ||
	    !port_may_be_owned(key->protocol, key->remote_port))
		return NULL;
	return other_end(key, ifindex == LOOPBACK_IFINDEX);
}

/* The two local ends of a packet, each NULL when unknown: the process it belongs to, and the one at its other end. */
struct packet_ends {
	struct process_context *owner;
	struct process_context *peer;
};

/* The owner, and with `with_peer` the peer, of one packet: its flow is worked out once for both. */
static __always_inline struct packet_ends find_ends(void *ctx, enum hook hook, __u64 netns, __u32 ifindex,
						    enum packet_direction direction, __u16 link_protocol, __u32 l3,
						    bool with_peer)
{
	struct packet_tuple tuple;
	struct flow_key key = {};
	bool has_flow = packet_tuple(ctx, hook, link_protocol, l3, &tuple) &&
			packet_flow(&tuple, netns, direction, &key);
	struct packet_ends ends = {.owner = owner_of_flow(ctx, hook, direction, &key, has_flow)};
	if (with_peer)
		ends.peer = peer_of_flow(ifindex, &key, has_flow);
	return ends;
}

/* Whether a packet the filter rejects must still go through find_owner: TC (and net_dev_queue) egress packets name
 * their socket, and find_owner remembers their flow for the packets that answer them (the answer to a client's
 * SYN, to the first datagram of an unconnected socket), which the filter may keep. Nothing else teaches what later
 * packets cannot find for themselves: cgroup-skb packets all name their socket, and a connection to a listener finds
 * the listener by its bound address. */
static __always_inline bool teaches_flows(enum hook hook, enum packet_direction direction)
{
	return (hook == HOOK_TC || hook == HOOK_TRACEPOINT) && direction == PACKET_EGRESS;
}

#endif
