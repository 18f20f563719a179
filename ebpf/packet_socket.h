/* --backend socket-filter: eBPF socket filters on AF_PACKET sockets, one socket per interface
 * (src/source/live/backend.rs). The packet socket sees packets where tcpdump's does: sent ones in
 * dev_queue_xmit_nit, after TC egress, as copies without their socket (skb->sk is NULL: owners are found by flow,
 * which socket_flow_teacher learns); received ones in __netif_receive_skb, before TC ingress. The packet starts at
 * its link-layer header (SOCK_RAW), as on TC. Nothing is attached to a network hook: the filter goes when its socket
 * closes. Socket filters have bpf_skb_load_bytes and the base helpers (maps, ring buffer, clocks), but no direct
 * packet access: hence their own filter regions, and load_bytes' HOOK_SOCKET path. */
#ifndef PTSTAT_PACKET_SOCKET_H
#define PTSTAT_PACKET_SOCKET_H

/* A socket filter's verdict: how many bytes of the packet the socket queues. None: the ring buffer carries it. */
#define SOCKET_QUEUE_NOTHING 0

/* Set by the loader (-Q): bit 1 << PACKET_INGRESS keeps received packets, bit 1 << PACKET_EGRESS sent ones. */
volatile const __u8 socket_directions = 1 << PACKET_INGRESS | 1 << PACKET_EGRESS;

/* The direction of a packet the socket saw (enum packet_direction), or -1 for one to leave alone. On loopback each
 * packet passes twice, sent and then received: it is taken once, as sent (whatever -Q says), as TC takes loopback's
 * packets on egress only. */
static __always_inline int socket_packet_direction(struct __sk_buff *skb)
{
	bool sent = skb->pkt_type == PACKET_OUTGOING;
	enum packet_direction direction = sent ? PACKET_EGRESS : PACKET_INGRESS;
	if (skb->ifindex == LOOPBACK_IFINDEX)
		return sent ? PACKET_EGRESS : -1;
	return socket_directions & (1 << direction) ? direction : -1;
}

/* The copies a packet socket gets of sent packets no longer name their socket, so only their flow names their
 * process, and nothing learns the flow of an unconnected UDP socket or of a connection's first packets in time.
 * This program, at cgroup-skb egress of the cgroup v2 root (beside whatever else is there), runs find_owner on
 * every packet a local socket sends, before it reaches the device: the socket's owner (socket_owners) teaches
 * flow_owners the packet's flow, as TC egress programs teach it for themselves. It sees IP packets only, from the
 * IP header on. */
SEC("cgroup_skb/egress")
int socket_flow_teacher(struct __sk_buff *skb)
{
	/* Zeroed: the verifier of Linux 5.10 sees the owner lookup read parts of it that packet_tuple may leave unset. */
	struct packet_tuple tuple = {};
	bool has_tuple = packet_tuple(skb, HOOK_CGROUP, skb->protocol, 0, &tuple);
	find_owner(skb, HOOK_CGROUP, packet_netns(skb, HOOK_CGROUP), PACKET_EGRESS, &tuple, has_tuple);
	return CGROUP_SKB_PASS;
}

/* A packet socket's filter `name`: `run` (capture_skb or count_skb) on the packets of the directions wanted, the
 * IP header at `l3` (ETH_HLEN: Ethernet devices and loopback; 0: layer-3 devices). The direction is passed on as a
 * constant, as TC programs have it: the verifier then checks two paths as plain as theirs, rather than one where
 * every test of the direction forks. */
#define SOCKET_FILTER(name, run, l3)                                                                                   \
	SEC("socket")                                                                                                  \
	int name(struct __sk_buff *skb)                                                                                \
	{                                                                                                              \
		switch (socket_packet_direction(skb)) {                                                                \
		case PACKET_INGRESS:                                                                                   \
			run(skb, HOOK_SOCKET, PACKET_INGRESS, l3);                                                     \
			break;                                                                                         \
		case PACKET_EGRESS:                                                                                    \
			run(skb, HOOK_SOCKET, PACKET_EGRESS, l3);                                                      \
			break;                                                                                         \
		}                                                                                                      \
		return SOCKET_QUEUE_NOTHING;                                                                           \
	}

SOCKET_FILTER(capture_socket, capture_skb, ETH_HLEN)
SOCKET_FILTER(capture_socket_l3, capture_skb, 0)
SOCKET_FILTER(stats_socket, count_skb, ETH_HLEN)
SOCKET_FILTER(stats_socket_l3, count_skb, 0)

#endif
