/* Stats mode (--stats): count packets and bytes per flow and process in the kernel, with no event per packet.
 * Userspace reads flow_stats by batch (src/source/live/stats.rs). */
#ifndef PTSTAT_STATS_H
#define PTSTAT_STATS_H

#include "flows.h"

struct flow_stats_key {
	__u64 netns;
	__u64 cgroup_id;
	__u32 source[4];        /* IPv4 as ::ffff:a.b.c.d */
	__u32 destination[4];
	__u32 pid;              /* 0: no local process known */
	__u16 source_port;      /* TCP, UDP; ICMP and ICMPv6: the type */
	__u16 destination_port; /* TCP, UDP; ICMP and ICMPv6: the code */
	__u8 protocol;
	__u8 reserved[7];
};

struct flow_counts {
	__u64 packets;
	__u64 bytes;
	char comm[16];          /* the process's name when the flow was first counted */
	struct process_context peer; /* the other end's process, from the first packet that found it; pid 0: none */
};

/* Per CPU and LRU: counting needs no atomics, and a flood of new flows pushes out the oldest instead of failing.
 * max_entries is set by the loader (--stats-entries). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct flow_stats_key);
	__type(value, struct flow_counts);
} flow_stats SEC(".maps");

struct protocol_total {
	__u64 packets;
	__u64 bytes;
};

/* Per IP protocol number: exact totals even when flows are evicted. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, struct protocol_total);
} protocol_totals SEC(".maps");

/* Flows added to flow_stats: minus the flows userspace finds there, the flows evicted. Userspace never deletes. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} flows_added SEC(".maps");

/* `accepted`: the filter expression's verdict. A packet it rejects is looked at only for what it teaches about its
 * flow, as in capture (teaches_flows: a SYN the filter rejects names the replies it keeps). */
static __always_inline void count_packet(void *ctx, enum hook hook, enum packet_direction direction,
					 __u16 link_protocol, __u32 l3, __u64 len, __u32 ifindex, bool accepted)
{
	if (!accepted && !teaches_flows(hook, direction))
		return;
	struct packet_tuple tuple;
	if (!packet_tuple(ctx, hook, link_protocol, l3, &tuple))
		return;
	__u64 netns = packet_netns(ctx, hook);
	struct flow_key flow = {};
	bool has_flow = packet_flow(&tuple, netns, direction, &flow);
	struct process_context *owner = owner_of_flow(ctx, hook, direction, &flow, has_flow);
	if (!accepted)
		return;

	struct flow_stats_key key = {
		.netns = netns,
		.cgroup_id = owner ? owner->cgroup_id : 0,
		.pid = owner ? owner->pid : 0,
		.source_port = tuple.source_port,
		.destination_port = tuple.destination_port,
		.protocol = tuple.protocol,
	};
	__builtin_memcpy(key.source, tuple.source, sizeof(key.source));
	__builtin_memcpy(key.destination, tuple.destination, sizeof(key.destination));
	struct flow_counts *stats = bpf_map_lookup_elem(&flow_stats, &key);
	/* The peer names the flow once: a flow counted with its peer spares its later packets the search (up to five
	 * lookups), unless a process selection must see both ends of every packet. */
	struct process_context *peer = NULL;
	if (process_criteria || !stats || !stats->peer.pid)
		peer = peer_of_flow(ifindex, &flow, has_flow);
	if (!process_wanted(owner, peer))
		return;
	if (stats) {
		stats->packets++;
		stats->bytes += len;
		/* Per CPU: each CPU's value names the peer it first found. */
		if (peer && !stats->peer.pid)
			stats->peer = *peer;
	} else {
		struct flow_counts first = {.packets = 1, .bytes = len};
		if (owner)
			__builtin_memcpy(first.comm, owner->comm, sizeof(first.comm));
		if (peer)
			first.peer = *peer;
		__u32 zero = 0;
		__u64 *added = bpf_map_lookup_elem(&flows_added, &zero);
		if (bpf_map_update_elem(&flow_stats, &key, &first, BPF_NOEXIST) == 0) {
			if (added)
				(*added)++;
		} else if ((stats = bpf_map_lookup_elem(&flow_stats, &key))) {
			/* Another CPU added it meanwhile. */
			stats->packets++;
			stats->bytes += len;
		}
	}
	__u32 protocol = tuple.protocol;
	struct protocol_total *total = bpf_map_lookup_elem(&protocol_totals, &protocol);
	if (total) {
		total->packets++;
		total->bytes += len;
	}
}

/* The process terms either local end of the packet matches, for an expression with terms (terms.h):
 * count_packet looks the ends up again after the filter, so only such expressions pay a second lookup. */
static __always_inline __u32 terms_of_packet(void *ctx, enum hook hook, enum packet_direction direction,
					     __u16 link_protocol, __u32 l3, __u32 ifindex)
{
	if (!process_term_count)
		return 0;
	__u64 netns = packet_netns(ctx, hook);
	return terms_of_ends(find_ends(ctx, hook, netns, ifindex, direction, link_protocol, l3, true), netns);
}

/* TC, cgroup-skb and packet sockets: the user's filter expression runs first, as in capture. */
static __always_inline void count_skb(struct __sk_buff *skb, enum hook hook, enum packet_direction direction,
				      __u32 l3)
{
	__u32 packet_type = direction == PACKET_EGRESS ? PACKET_OUTGOING : PACKET_HOST;
	__u32 terms = terms_of_packet(skb, hook, direction, skb->protocol, l3, skb->ifindex);
	bool accepted = user_filter_skb(skb, hook, l3, packet_type, terms);
	count_packet(skb, hook, direction, skb->protocol, l3, skb->len, skb->ifindex, accepted);
}

SEC("classifier")
int stats_ingress(struct __sk_buff *skb)
{
	count_skb(skb, HOOK_TC, PACKET_INGRESS, ETH_HLEN);
	return TC_NEXT;
}

SEC("classifier")
int stats_egress(struct __sk_buff *skb)
{
	count_skb(skb, HOOK_TC, PACKET_EGRESS, ETH_HLEN);
	return TC_NEXT;
}

SEC("classifier")
int stats_in_l3(struct __sk_buff *skb)
{
	count_skb(skb, HOOK_TC, PACKET_INGRESS, 0);
	return TC_NEXT;
}

SEC("classifier")
int stats_out_l3(struct __sk_buff *skb)
{
	count_skb(skb, HOOK_TC, PACKET_EGRESS, 0);
	return TC_NEXT;
}

SEC("cgroup_skb/ingress")
int stats_cgroup_ingress(struct __sk_buff *skb)
{
	count_skb(skb, HOOK_CGROUP, PACKET_INGRESS, 0);
	return CGROUP_SKB_PASS;
}

SEC("cgroup_skb/egress")
int stats_cgroup_egress(struct __sk_buff *skb)
{
	count_skb(skb, HOOK_CGROUP, PACKET_EGRESS, 0);
	return CGROUP_SKB_PASS;
}

SEC("xdp")
int stats_xdp(struct xdp_md *xdp)
{
	__u32 terms = terms_of_packet(xdp, HOOK_XDP, PACKET_INGRESS, 0, ETH_HLEN, xdp->ingress_ifindex);
	bool accepted = user_filter_xdp_accepts(xdp, terms);
	count_packet(xdp, HOOK_XDP, PACKET_INGRESS, 0, ETH_HLEN, xdp_packet_len(xdp), xdp->ingress_ifindex,
		     accepted);
	return XDP_PASS;
}

#endif
