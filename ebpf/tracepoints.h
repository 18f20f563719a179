/* The tp_btf backend (--backend tp-btf): the net_dev_queue and netif_receive_skb tracepoints, which see the
 * packets of every interface of every network namespace, with nothing attached to any interface. Programs for
 * capture and for counting, each in both directions; they run the shared code of capture.bpf.c and stats.h with a
 * struct traced_packet (flows.h) for context.
 *
 * Where they see a packet: netif_receive_skb in __netif_receive_skb_core, after GRO and before packet taps and TC
 * ingress; net_dev_queue in __dev_queue_xmit, after TC egress and before the qdisc.
 *
 * The user's filter expression reads a copy of the packet's first COPIED_BYTES (as far as its linear part reaches)
 * in a map value: loads from a struct sk_buff need helpers a translation of direct packet loads cannot use. */
#ifndef PTSTAT_TRACEPOINTS_H
#define PTSTAT_TRACEPOINTS_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "stats.h"

#define ARPHRD_ETHER 1
#define ARPHRD_LOOPBACK 772
/* skb->mac_header when no MAC header was set. */
#define MAC_HEADER_UNSET 0xffff

/* What the filter expression reads (filter.rs's Context::Copied): the wire length, then the packet's first bytes.
 * Headers of every protocol the filter language names fit; a load beyond the copy rejects the packet, as one
 * beyond a packet's end does. */
#define COPIED_BYTES 512
struct copied_packet {
	__u32 len;      /* the whole packet's: what `len` and `greater` test */
	__u32 copied;   /* bytes of `bytes` filled */
	__u8 bytes[COPIED_BYTES];
};

/* Per CPU: a tracepoint program runs to its end on the CPU it started on. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct copied_packet);
} copied_packets SEC(".maps");

/* The regions of DEFINE_USER_FILTER (capture.bpf.c) for copies of Ethernet frames and of raw IP packets: markers
 * "ptstat\0T" and "ptstat\0U". */
DEFINE_USER_FILTER(user_filter_traced_ethernet, struct copied_packet, "0x5400746174737470")
DEFINE_USER_FILTER(user_filter_traced_raw_ip, struct copied_packet, "0x5500746174737470")

/* The interfaces to trace, filled by userspace (src/source/live/backend.rs): {netns cookie, ifindex} → 1. The key
 * {0, 0} stands for every interface of every namespace (`-i any`). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__uint(map_flags, ALLOCATED_ON_INSERT);
	__type(key, struct interface_key);
	__type(value, __u8);
} traced_interfaces SEC(".maps");

static __always_inline bool interface_traced(__u64 netns, __u32 ifindex)
{
	/* A namespace the kernel cannot name (FOREIGN_NETNS, see namespace_cookie) could not be told apart. */
	if (netns == FOREIGN_NETNS)
		return false;
	struct interface_key every = {};
	if (bpf_map_lookup_elem(&traced_interfaces, &every))
		return true;
	struct interface_key interface = {.netns = netns, .ifindex = ifindex};
	return bpf_map_lookup_elem(&traced_interfaces, &interface);
}

/* `sk` if it is a full socket (not a request or time-wait socket, which have no process of their own), else NULL. */
static __always_inline struct sock *full_socket(struct sock *sk)
{
	if (!sk)
		return NULL;
	__u8 state = BPF_CORE_READ(sk, __sk_common.skc_state);
	return state == TCP_TIME_WAIT || state == TCP_NEW_SYN_RECV ? NULL : sk;
}

/* The filter expression's verdict on `packet` (`len` bytes on the wire, an Ethernet frame or raw IP). */
static __always_inline bool traced_filter_accepts(struct traced_packet *packet, bool ethernet, __u32 len,
						 enum packet_direction direction, __u32 terms)
{
	/* Without an expression nothing is copied for it. */
	if (!filter_given)
		return true;
	__u32 first = 0;
	struct copied_packet *copy = bpf_map_lookup_elem(&copied_packets, &first);
	if (!copy)
		return false;
	copy->len = len;
	copy->copied = 0;
	__u64 copied = packet->linear < COPIED_BYTES ? packet->linear : COPIED_BYTES;
	if (copied > 0) {
		/* As in emit() (capture.bpf.c): a size the verifier sees lies in 1..COPIED_BYTES. */
		asm volatile("" : "+r"(copied));
		copied = ((copied - 1) & (COPIED_BYTES - 1)) + 1;
		if (bpf_probe_read_kernel(copy->bytes, copied, packet->start) == 0)
			copy->copied = copied;
	}
	__u32 packet_type = direction == PACKET_EGRESS ? PACKET_OUTGOING : PACKET_HOST;
	return ethernet ? user_filter_traced_ethernet(copy, packet_type, terms)
			: user_filter_traced_raw_ip(copy, packet_type, terms);
}

/* Capture (`counting` false) or count one packet the tracepoint of `direction` saw. Devices with an Ethernet header
 * (and loopback) give their packets from the MAC header, which on ingress lies before skb->data; other devices
 * (tun, wireguard, ipip, gre) from the network header, where skb->data points at both tracepoints. Loopback's
 * packets pass both tracepoints: they are taken once, on egress, where their socket is known, as on TC. */
static __always_inline void trace_packet(struct sk_buff *skb, enum packet_direction direction, bool counting)
{
	struct net_device *device = BPF_CORE_READ(skb, dev);
	if (!device)
		return;
	if ((BPF_CORE_READ(device, flags) & IFF_LOOPBACK) && direction == PACKET_INGRESS)
		return;
	__u64 netns = namespace_cookie(BPF_CORE_READ(device, nd_net.net));
	__u32 ifindex = BPF_CORE_READ(device, ifindex);
	if (!interface_traced(netns, ifindex))
		return;
	unsigned short device_type = BPF_CORE_READ(device, type);
	bool ethernet = device_type == ARPHRD_ETHER || device_type == ARPHRD_LOOPBACK;
	unsigned char *head = BPF_CORE_READ(skb, head);
	unsigned char *data = BPF_CORE_READ(skb, data);
	__u16 mac_header = BPF_CORE_READ(skb, mac_header);
	unsigned char *start = data;
	if (ethernet && mac_header != MAC_HEADER_UNSET && head + mac_header <= data)
		start = head + mac_header;
	__u32 before_data = data - start;
	__u32 skb_len = BPF_CORE_READ(skb, len);
	struct traced_packet packet = {
		.start = start,
		.linear = skb_len - BPF_CORE_READ(skb, data_len) + before_data,
		.netns = netns,
		.sk = direction == PACKET_EGRESS ? full_socket(BPF_CORE_READ(skb, sk)) : NULL,
	};
	__u32 len = skb_len + before_data;
	__u32 l3 = ethernet ? ETH_HLEN : 0;
	__u16 link_protocol = BPF_CORE_READ(skb, protocol);
	/* As in capture_skb: both ends first only for an expression with process terms. */
	struct packet_ends ends = {};
	__u32 terms = 0;
	if (process_term_count) {
		ends = find_ends(&packet, HOOK_TRACEPOINT, netns, ifindex, direction, link_protocol, l3, true);
		terms = terms_of_ends(ends, netns);
	}
	bool accepted = traced_filter_accepts(&packet, ethernet, len, direction, terms);
	if (counting) {
		count_packet(&packet, HOOK_TRACEPOINT, direction, link_protocol, l3, len, ifindex, accepted);
		return;
	}
	/* As in capture_skb: a packet the filter rejects is counted, and on egress teaches its flow. */
	struct capture_counters *count = count_seen(netns, ifindex);
	if (!count || !(accepted || teaches_flows(HOOK_TRACEPOINT, direction)))
		return;
	if (!process_term_count)
		ends = find_ends(&packet, HOOK_TRACEPOINT, netns, ifindex, direction, link_protocol, l3, accepted);
	if (accepted && process_wanted(ends.owner, ends.peer))
		output(&packet, HOOK_TRACEPOINT, ends.owner, ends.peer, count, netns, ifindex, len, direction);
}

SEC("tp_btf/netif_receive_skb")
int BPF_PROG(capture_received, struct sk_buff *skb)
{
	trace_packet(skb, PACKET_INGRESS, false);
	return 0;
}

SEC("tp_btf/net_dev_queue")
int BPF_PROG(capture_queued, struct sk_buff *skb)
{
	trace_packet(skb, PACKET_EGRESS, false);
	return 0;
}

SEC("tp_btf/netif_receive_skb")
int BPF_PROG(stats_received, struct sk_buff *skb)
{
	trace_packet(skb, PACKET_INGRESS, true);
	return 0;
}

SEC("tp_btf/net_dev_queue")
int BPF_PROG(stats_queued, struct sk_buff *skb)
{
	trace_packet(skb, PACKET_EGRESS, true);
	return 0;
}

#endif
