/* The tp_btf backend (--backend tp-btf): the net_dev_queue and netif_receive_skb tracepoints, which see the
 * packets of every interface of every network namespace, with nothing attached to any interface. Programs for
 * capture and for counting, each in both directions; they run the shared code of capture.bpf.c and stats.h with a
 * struct traced_packet (flows.h) for context.
 *
 * Where they see a packet: netif_receive_skb in __netif_receive_skb_core, after GRO and before packet taps and TC
 * ingress; net_dev_queue in __dev_queue_xmit, after TC egress and before the qdisc. No pcap-filter expression runs
 * here: the filter regions translate loads from an __sk_buff or an xdp_md, and userspace refuses an expression
 * with this backend. */
#ifndef PTSTAT_TRACEPOINTS_H
#define PTSTAT_TRACEPOINTS_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "stats.h"

#define ARPHRD_ETHER 1
#define ARPHRD_LOOPBACK 772
/* skb->mac_header when no MAC header was set. */
#define MAC_HEADER_UNSET 0xffff

/* The interfaces to trace, filled by userspace (src/source/live/backend.rs): {netns cookie, ifindex} → 1. The key
 * {0, 0} stands for every interface of every namespace (`-i any`). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
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
	if (counting) {
		count_packet(&packet, HOOK_TRACEPOINT, direction, link_protocol, l3, len, true);
		return;
	}
	struct capture_counters *count = count_seen(netns, ifindex);
	if (!count)
		return;
	struct process_context *owner = packet_owner(&packet, HOOK_TRACEPOINT, netns, direction, link_protocol, l3);
	if (process_wanted(owner))
		output(&packet, HOOK_TRACEPOINT, owner, count, netns, ifindex, len, direction);
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
