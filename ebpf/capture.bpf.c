// SPDX-License-Identifier: GPL-2.0
/* TC capture: copy the first `snaplen` bytes of each packet, with where and when it was seen and the process it
 * belongs to, into a ring buffer. One object with every program, so they share the owner maps. */
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include "event.h"
#include "owners.h"
#include "processes.h"
#include "sockets.h"

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

/* TC_ACT_UNSPEC (= TCX_NEXT): leave the verdict to whatever runs after us, so capturing never changes forwarding. */
#define TC_NEXT -1

/* Set by the loader (-s). */
volatile const __u32 snaplen = PTSTAT_MAX_SNAPLEN;
/* Cookie of the network namespace of the interfaces these programs are attached to, set by the loader.
 * bpf_get_netns_cookie(skb) cannot tell: without skb->sk (most ingress packets) it answers init_net's. */
volatile const __u64 interfaces_netns = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20); /* resized by the loader (-B) */
} events SEC(".maps");

/* Is the packet's process one the user asked for (see processes.h for the criteria)? Decided before anything is
 * copied, so other processes' traffic costs a lookup, not a ring buffer slot. */
static __always_inline bool process_wanted(struct process_context *owner)
{
	if (!process_criteria)
		return true;
	if (!owner->pid)
		return false;
	if ((process_criteria & BY_UID) && owner->uid != wanted_uid)
		return false;
	if (process_criteria & (BY_PID | BY_NAME))
		return process_selected(owner->pid, owner->comm);
	return true;
}

/* The user's filter expression. ptstat_filter compiles it to classic BPF, src/source/live/filter.rs translates that
 * to eBPF, and the loader writes the result over the region reserved here before the object is loaded: a unique
 * 64-bit marker followed by `goto +0` padding. Writing over a fixed region keeps every offset in the object
 * (relocations, BTF line and function info) valid. The generated code takes the packet in r1 and its Linux packet
 * type (what `inbound`/`outbound` test) in r2, may use r0-r9 and its own stack, and leaves the verdict in r0 (0
 * rejects) at the end of the region, where the function returns. Left as it is, the region accepts every packet
 * (the marker is non-zero), but the verifier would walk all of its padding; the loader always writes it (an empty
 * expression accepts everything), jumping over the padding in a way the verifier sees through.
 * Ethernet devices and layer-3 devices each get their own region: the filter is compiled for their link type.
 * 32768 instruction slots, as far as 16-bit jump offsets reach: some 2000 classic loads, such as the 4300 classic
 * instructions of `port 1 or ... or port 68` (a kernel socket filter may have 4096). */
#define FILTER_REGION_PADDING "32766" /* + the marker's two slots */
#define DEFINE_USER_FILTER(name, marker)                                                                               \
	static __noinline int name(struct __sk_buff *skb, __u32 packet_type)                                           \
	{                                                                                                              \
		register struct __sk_buff *packet asm("r1") = skb;                                                     \
		register __u32 type asm("r2") = packet_type;                                                           \
		register int verdict asm("r0");                                                                        \
		asm volatile("r0 = " marker " ll\n"                                                                    \
			     ".rept " FILTER_REGION_PADDING "\n"                                                       \
			     "goto +0\n"                                                                               \
			     ".endr\n"                                                                                 \
			     : "=r"(verdict)                                                                           \
			     : "r"(packet), "r"(type)                                                                  \
			     : "r3", "r4", "r5", "r6", "r7", "r8", "r9", "memory");                                    \
		return verdict;                                                                                        \
	}
/* The markers: "ptstat\0E" and "ptstat\0R" read as little-endian integers (src/source/live/filter.rs). */
DEFINE_USER_FILTER(user_filter_ethernet, "0x4500746174737470")
DEFINE_USER_FILTER(user_filter_raw_ip, "0x5200746174737470")

/* Linux packet types (linux/if_packet.h), the value the filter's direction load yields. */
#define PACKET_HOST 0
#define PACKET_OUTGOING 4

/* Staging area for one event: bpf_ringbuf_reserve() wants a size known at load time, so the packet is copied here
 * first and then output with its real length, which keeps small packets small in the ring. Too large for a per-CPU
 * array (32 KiB values at most), so a plain array with one slot per CPU (max_entries set by the loader). TC programs
 * run with migration disabled and egress with bottom halves off, so no two programs use one slot at once. */
struct staged_event {
	struct packet_event header;
	__u8 data[PTSTAT_MAX_SNAPLEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct staged_event);
} staging SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct capture_counters);
} counters SEC(".maps");

/* The flow of a TCP, UDP or ICMP echo packet, seen from this host: on egress the source is local, on ingress the
 * destination. False for anything else (ARP, fragments after the first, other protocols). */
static __always_inline bool packet_flow(struct __sk_buff *skb, __u32 l3, enum packet_direction direction,
					struct flow_key *key)
{
	__u16 ethertype = bpf_ntohs(skb->protocol);
	if (l3 == ETH_HLEN) {
		__be16 header_type;
		if (bpf_skb_load_bytes(skb, 12, &header_type, sizeof(header_type)) < 0)
			return false;
		ethertype = bpf_ntohs(header_type);
		if (ethertype == ETH_P_8021Q || ethertype == ETH_P_8021AD) {
			if (bpf_skb_load_bytes(skb, 16, &header_type, sizeof(header_type)) < 0)
				return false;
			ethertype = bpf_ntohs(header_type);
			l3 += 4;
		}
	}
	__u32 source[4], destination[4], l4;
	if (ethertype == ETH_P_IP) {
		struct iphdr ip;
		if (bpf_skb_load_bytes(skb, l3, &ip, sizeof(ip)) < 0 || (bpf_ntohs(ip.frag_off) & 0x1fff))
			return false;
		ipv4_mapped(source, ip.saddr);
		ipv4_mapped(destination, ip.daddr);
		key->protocol = ip.protocol;
		l4 = l3 + ip.ihl * 4;
	} else if (ethertype == ETH_P_IPV6) {
		struct ipv6hdr ip;
		if (bpf_skb_load_bytes(skb, l3, &ip, sizeof(ip)) < 0)
			return false;
		__builtin_memcpy(source, &ip.saddr, sizeof(source));
		__builtin_memcpy(destination, &ip.daddr, sizeof(destination));
		key->protocol = ip.nexthdr;
		l4 = l3 + sizeof(ip);
	} else {
		return false;
	}
	__u16 source_port, destination_port;
	if (key->protocol == IPPROTO_TCP || key->protocol == IPPROTO_UDP) {
		__be16 ports[2];
		if (bpf_skb_load_bytes(skb, l4, ports, sizeof(ports)) < 0)
			return false;
		source_port = bpf_ntohs(ports[0]);
		destination_port = bpf_ntohs(ports[1]);
	} else if (key->protocol == IPPROTO_ICMP || key->protocol == IPPROTO_ICMPV6) {
		/* Echo requests and replies belong to the ping socket that owns their identifier. */
		struct { __u8 type, code; __be16 checksum, identifier; } icmp;
		if (bpf_skb_load_bytes(skb, l4, &icmp, sizeof(icmp)) < 0)
			return false;
		if (icmp.type != ICMP_ECHO && icmp.type != ICMP_ECHOREPLY && icmp.type != ICMPV6_ECHO_REQUEST &&
		    icmp.type != ICMPV6_ECHO_REPLY)
			return false;
		source_port = destination_port = bpf_ntohs(icmp.identifier);
	} else {
		return false;
	}
	key->netns = interfaces_netns;
	bool outgoing = direction == PACKET_EGRESS;
	__builtin_memcpy(key->local_addr, outgoing ? source : destination, sizeof(key->local_addr));
	__builtin_memcpy(key->remote_addr, outgoing ? destination : source, sizeof(key->remote_addr));
	key->local_port = outgoing ? source_port : destination_port;
	key->remote_port = outgoing ? destination_port : source_port;
	return true;
}

/* Fills `owner` with the packet's process (see owners.h for the order of lookups), or zeros. */
static __always_inline void find_owner(struct __sk_buff *skb, __u32 l3, enum packet_direction direction,
				       struct process_context *owner)
{
	struct flow_key key = {};
	bool has_flow = packet_flow(skb, l3, direction, &key);
	struct process_context *found = NULL;
	if (direction == PACKET_EGRESS) {
		__u64 cookie = bpf_get_socket_cookie(skb);
		if (cookie)
			found = bpf_map_lookup_elem(&socket_owners, &cookie);
		if (found && has_flow)
			remember_flow(&key, found);
	}
	if (!found && has_flow)
		found = bpf_map_lookup_elem(&flow_owners, &key);
	if (!found && has_flow) {
		found = bound_owner(key.netns, key.protocol, key.local_addr, key.local_port);
		/* A connection to a listener: its later packets carry the accepted socket, unknown until the server
		 * first reads or writes it, so the flow keeps the listener's process meanwhile. */
		if (found && key.protocol == IPPROTO_TCP)
			remember_flow(&key, found);
	}
	if (found)
		*owner = *found;
	else
		__builtin_memset(owner, 0, sizeof(*owner));
}

static __always_inline int capture(struct __sk_buff *skb, enum packet_direction direction, __u32 l3)
{
	/* The filter runs first, where the verifier has one state to check it in (after find_owner's branches it would
	 * check it once per path); its verdict counts after find_owner, which must see every packet to remember flows
	 * for their later packets, and after the process selection. */
	__u32 packet_type = direction == PACKET_EGRESS ? PACKET_OUTGOING : PACKET_HOST;
	bool accepted = l3 == ETH_HLEN ? user_filter_ethernet(skb, packet_type) : user_filter_raw_ip(skb, packet_type);
	__u32 zero = 0;
	struct capture_counters *count = bpf_map_lookup_elem(&counters, &zero);
	if (!count)
		return TC_NEXT;
	__u32 cpu = bpf_get_smp_processor_id();
	struct staged_event *staged = bpf_map_lookup_elem(&staging, &cpu);
	if (!staged)
		return TC_NEXT;
	find_owner(skb, l3, direction, &staged->header.process);
	if (!process_wanted(&staged->header.process) || !accepted)
		return TC_NEXT;
	count->matched++;

	/* 64-bit, so that clang bounds-checks the very register it passes on (with 32 bits it checks a copy). */
	__u64 captured = skb->len < snaplen ? skb->len : snaplen;
	/* The verifier cannot derive a bound from the global: check it again where it can see it. */
	asm volatile("" : "+r"(captured));
	if (captured > PTSTAT_MAX_SNAPLEN)
		captured = PTSTAT_MAX_SNAPLEN;
	if (captured > 0 && bpf_skb_load_bytes(skb, 0, staged->data, captured) < 0)
		captured = 0;

	staged->header.timestamp_tai_ns = bpf_ktime_get_tai_ns();
	staged->header.ifindex = skb->ifindex;
	staged->header.original_len = skb->len;
	staged->header.captured_len = captured;
	staged->header.direction = direction;

	if (bpf_ringbuf_output(&events, staged, sizeof(staged->header) + captured, 0) < 0)
		count->dropped++;
	return TC_NEXT;
}

/* Devices with an Ethernet header (and loopback). */
SEC("classifier")
int capture_ingress(struct __sk_buff *skb)
{
	return capture(skb, PACKET_INGRESS, ETH_HLEN);
}

SEC("classifier")
int capture_egress(struct __sk_buff *skb)
{
	return capture(skb, PACKET_EGRESS, ETH_HLEN);
}

/* Layer-3 devices (tun, wireguard, ipip, gre, sit): packets start with the IP header. */
SEC("classifier")
int capture_in_l3(struct __sk_buff *skb)
{
	return capture(skb, PACKET_INGRESS, 0);
}

SEC("classifier")
int capture_out_l3(struct __sk_buff *skb)
{
	return capture(skb, PACKET_EGRESS, 0);
}

char LICENSE[] SEC("license") = "GPL";
