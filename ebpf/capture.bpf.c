// SPDX-License-Identifier: GPL-2.0
/* TC capture: copy the first `snaplen` bytes of each packet, with where and when it was seen and the process it
 * belongs to, into a ring buffer. One object with every program, so they share the owner maps. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "event.h"
#include "flows.h"
#include "processes.h"
#include "sockets.h"
#include "terms.h"

/* TC_ACT_UNSPEC (= TCX_NEXT): leave the verdict to whatever runs after us, so capturing never changes forwarding. */
#define TC_NEXT -1

/* Set by the loader (-s). */
volatile const __u32 snaplen = PTSTAT_MAX_SNAPLEN;
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20); /* resized by the loader (-B) */
} events SEC(".maps");

/* Whether `process` (NULL: none known) is one the selection asks for (see processes.h for the criteria). */
static __always_inline bool process_matches(const struct process_context *process)
{
	if (!process || !process->pid)
		return false;
	if ((process_criteria & BY_UID) && process->uid != wanted_uid)
		return false;
	if ((process_criteria & BY_CGROUP) && !cgroup_selected(process->cgroup_id))
		return false;
	if (process_criteria & (BY_PID | BY_NAME))
		return process_selected(process->pid, process->comm);
	return true;
}

/* Whether the selection keeps a packet of `owner` whose other end is `peer` (each NULL when unknown): either end
 * may match, so a conversation between two local processes is kept whole. Decided before anything is copied, so
 * other processes' traffic costs a lookup, not a ring buffer slot. */
static __always_inline bool process_wanted(const struct process_context *owner, const struct process_context *peer)
{
	return !process_criteria || process_matches(owner) || process_matches(peer);
}

/* The user's filter expression. ptstat_filter compiles it to classic BPF, src/source/live/filter.rs translates that
 * to eBPF, and the loader writes the result over the region reserved here before the object is loaded: a unique
 * 64-bit marker followed by `goto +0` padding. Writing over a fixed region keeps every offset in the object
 * (relocations, BTF line and function info) valid. The generated code takes the program's context (`context`: the
 * packet) in r1, its Linux packet type (what `inbound`/`outbound` test) in r2 and the bits of the process terms its
 * process matched (terms.h; read only by expressions with terms) in r3, may use r0-r9 and its own stack,
 * and leaves the verdict in r0 (0 rejects) at the end of the region, where the function returns. Left as it is,
 * the region accepts every packet (the marker is non-zero), but the verifier would walk all of its padding; the
 * loader always writes it (an empty expression accepts everything), jumping over the padding in a way the verifier
 * sees through.
 * Ethernet devices and layer-3 devices each get their own region: the filter is compiled for their link type. XDP
 * programs get a third, translated for their context (xdp_md; XDP attaches to Ethernet devices only), and the
 * tracepoints two more (tracepoints.h).
 * 32768 instruction slots, as far as 16-bit jump offsets reach: some 2000 classic loads of the program as
 * ptstat_filter's optimizer leaves it (a kernel socket filter may have 4096 instructions). build.rs also compiles an object
 * with 2048-slot regions (FILTER_REGION_SLOTS), loaded when the expression fits: aya copies the regions into every
 * program that calls them and the kernel takes in every slot: a seventh of the start-up CPU with full-size ones. */
#ifndef FILTER_REGION_SLOTS
#define FILTER_REGION_SLOTS 32768
#endif
#define FILTER_REGION_STRING(slots) #slots
#define FILTER_REGION_PADDING(slots) FILTER_REGION_STRING(slots) " - 2" /* the marker takes two slots */
#define DEFINE_USER_FILTER(name, context, marker)                                                                      \
	static __noinline int name(context *ctx, __u32 packet_type, __u32 matched_terms)                               \
	{                                                                                                              \
		register context *packet asm("r1") = ctx;                                                              \
		register __u32 type asm("r2") = packet_type;                                                           \
		register __u32 terms asm("r3") = matched_terms;                                                        \
		register int verdict asm("r0");                                                                        \
		asm volatile("r0 = " marker " ll\n"                                                                    \
			     ".rept " FILTER_REGION_PADDING(FILTER_REGION_SLOTS) "\n"                                  \
			     "goto +0\n"                                                                               \
			     ".endr\n"                                                                                 \
			     : "=r"(verdict)                                                                           \
			     : "r"(packet), "r"(type), "r"(terms)                                                      \
			     : "r4", "r5", "r6", "r7", "r8", "r9", "memory");                                          \
		return verdict;                                                                                        \
	}
/* The markers: "ptstat\0E", "ptstat\0R" and "ptstat\0X" read as little-endian integers
 * (src/source/live/filter.rs). Packet sockets' filters (packet_socket.h) get two more, "ptstat\0S" and "ptstat\0L":
 * their __sk_buff has no direct packet access. */
DEFINE_USER_FILTER(user_filter_ethernet, struct __sk_buff, "0x4500746174737470")
DEFINE_USER_FILTER(user_filter_raw_ip, struct __sk_buff, "0x5200746174737470")
DEFINE_USER_FILTER(user_filter_xdp, struct xdp_md, "0x5800746174737470")
DEFINE_USER_FILTER(user_filter_socket_ethernet, struct __sk_buff, "0x5300746174737470")
DEFINE_USER_FILTER(user_filter_socket_raw_ip, struct __sk_buff, "0x4c00746174737470")

/* Linux packet types (linux/if_packet.h), the value the filter's direction load yields. */
#define PACKET_HOST 0
#define PACKET_OUTGOING 4

/* Set by the loader: whether an expression was given. Without one no region is called (each would accept every
 * packet): the call and its return cost some 10 ns here, a fifth of all a packet rejected by process selection
 * costs. */
volatile const __u8 filter_given = 0;

/* The user's filter on an XDP packet. */
static __always_inline bool user_filter_xdp_accepts(struct xdp_md *xdp, __u32 terms)
{
	return !filter_given || user_filter_xdp(xdp, PACKET_HOST, terms);
}

/* Per interface, and one entry (key {0, UNCOUNTED_IFINDEX}, put in by the loader before any program runs) for
 * the interfaces that find the map full: the loader sizes it for the interfaces plus that entry. Under `-i any` and
 * `--netns any` interfaces come and go for as long as ptstat runs, and a full map must never stop their capture.
 * Entries of interfaces that went away stay: their counts are still owed to the statistics at exit (PcapNG writes
 * them for every interface it announced), and deleting them would race with their last packets. So the overflow
 * entry keeps tcpdump's totals exact, and userspace says at exit that some interfaces were not counted apart. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 4096);
	__uint(map_flags, ALLOCATED_ON_INSERT);
	__type(key, struct interface_key);
	__type(value, struct capture_counters);
} counters SEC(".maps");

/* Copies `len` bytes (1 to PTSTAT_MAX_SNAPLEN) from the start of the packet (tracepoints: of its linear part, see
 * output). XDP capture needs bpf_xdp_load_bytes: userspace refuses it on kernels without
 * (src/source/live/features.rs). */
static __always_inline long copy_packet(void *ctx, enum hook hook, void *to, __u32 len)
{
	if (hook == HOOK_XDP)
		return bpf_xdp_load_bytes(ctx, 0, to, len);
	if (hook == HOOK_TRACEPOINT)
		return bpf_probe_read_kernel(to, len, ((struct traced_packet *)ctx)->start);
	return bpf_skb_load_bytes(ctx, 0, to, len);
}

/* bpf_ktime_get_tai_ns (Linux 6.1): CLOCK_TAI, a whole number of seconds from wall-clock time. Without it packets
 * are stamped with CLOCK_BOOTTIME, and userspace adds the offset to wall-clock time it measured at start. */
volatile const __u8 clock_is_tai = 1;

/* The counters of the first DIRECT_COUNTERS interfaces (by ifindex) of ptstat's own network namespace, where
 * nearly every capture is: every packet is counted, and an array lookup costs a fraction of a hash lookup. Other
 * interfaces count in `counters`. */
#define DIRECT_COUNTERS 1024
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DIRECT_COUNTERS);
	__type(key, __u32);
	__type(value, struct capture_counters);
} counters_by_ifindex SEC(".maps");

/* How the ring buffer wakes ptstat, set by the loader. 0: after each record that finds ptstat waiting (what the
 * ring buffer does by default), for output that must appear as packets arrive (-U, -w -, lines to a terminal).
 * Otherwise each time the bytes waiting reach another multiple of 1 << wakeup_shift, and ptstat drains on a timer
 * besides. A wakeup per packet costs the sending CPU an interrupt and ptstat a pass through its event loop per
 * record, more than the copy under a flood of small packets (tcpdump's buffer fills whole blocks before it wakes
 * for the same reason); so would a wakeup for every record that finds the ring past one threshold, while ptstat is
 * already draining it. A multiple, not one threshold: should two CPUs' records both step over a multiple, so that
 * neither sees itself crossing it, the next multiple wakes ptstat. */
volatile const __u32 wakeup_shift = 0;

/* `reserved`: the bytes this record took in the ring, its header included. */
static __always_inline __u64 wakeup_flags(__u64 reserved)
{
	if (!wakeup_shift)
		return 0;
	__u64 waiting = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	bool crossed = waiting >> wakeup_shift != (waiting - reserved) >> wakeup_shift;
	return crossed ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

/* The ring buffer's own header before each record (BPF_RINGBUF_HDR_SZ). */
#define RINGBUF_HEADER_BYTES 8

/* What a record says of its packet besides the bytes: output() gathers it, emit() writes it into the record. */
struct packet_origin {
	const struct process_context *owner; /* NULL: unknown */
	const struct process_context *peer;  /* NULL: none found */
	__u64 timestamp_ns;
	__u64 netns;
	__u32 ifindex;
	__u32 len;
	enum packet_direction direction;
};

/* `process`, or zeros for none: ring buffer records are not zeroed. */
static __always_inline void put_process(struct process_context *to, const struct process_context *process)
{
	if (process)
		*to = *process;
	else
		__builtin_memset(to, 0, sizeof(*to));
}

/* Puts one record into the ring buffer: the header for `origin`, then the first `captured` bytes of the packet,
 * in a record with `room` bytes for them. bpf_ringbuf_reserve takes only sizes known at load time, hence `room`, a
 * constant once inlined. The header is written straight into the record and the packet copied straight into the
 * ring, with no staging copy on the stack. False when the ring is full. */
static __always_inline bool emit(void *ctx, enum hook hook, const struct packet_origin *origin, __u64 captured,
				 __u32 room)
{
	struct packet_event *record = bpf_ringbuf_reserve(&events, sizeof(*record) + room, 0);
	if (!record)
		return false;
	record->timestamp_ns = origin->timestamp_ns;
	record->ifindex = origin->ifindex;
	record->original_len = origin->len;
	record->captured_len = captured;
	record->direction = origin->direction;
	__builtin_memset(record->reserved, 0, sizeof(record->reserved));
	record->netns = origin->netns;
	put_process(&record->process, origin->owner);
	put_process(&record->peer, origin->peer);
	if (captured > 0) {
		/* The verifier cannot always carry the caller's bound to the call (6.1 forgets it), and the helper's size
		 * may not be 0: (c - 1) % room + 1 keeps every c of 1..room as it is and shows any verifier that it lies
		 * in 1..room (a power of two). The barrier keeps clang from folding it away. */
		asm volatile("" : "+r"(captured));
		captured = ((captured - 1) & (room - 1)) + 1;
		if (copy_packet(ctx, hook, record + 1, captured) < 0)
			record->captured_len = 0;
	}
	bpf_ringbuf_submit(record, wakeup_flags(RINGBUF_HEADER_BYTES + sizeof(*record) + room));
	return true;
}

/* emit() in a record with room for `captured` bytes, the smallest of powers of two from 128 to 256 KiB: one branch
 * per size, as each must be a constant. */
static __always_inline bool record_packet(void *ctx, enum hook hook, const struct packet_origin *origin,
					  __u64 captured)
{
#define WITH_ROOM(room)                                                                                                \
	if (captured <= (room))                                                                                        \
		return emit(ctx, hook, origin, captured, (room));
	WITH_ROOM(128) WITH_ROOM(256) WITH_ROOM(512) WITH_ROOM(1024) WITH_ROOM(2048) WITH_ROOM(4096) WITH_ROOM(8192)
	WITH_ROOM(16384) WITH_ROOM(32768) WITH_ROOM(65536) WITH_ROOM(131072)
#undef WITH_ROOM
	return emit(ctx, hook, origin, captured, PTSTAT_MAX_SNAPLEN);
}

/* Records the first `snaplen` bytes of a packet the filter and the selection kept, with where and when it was
 * seen and its process. Small packets take small records, whatever `snaplen` is. */
static __always_inline void output(void *ctx, enum hook hook, const struct process_context *owner,
				   const struct process_context *peer, struct capture_counters *count, __u64 netns,
				   __u32 ifindex, __u32 len, enum packet_direction direction)
{
	count->matched++;
	/* 64-bit, so that clang bounds-checks the very register it passes on (with 32 bits it checks a copy). */
	__u64 captured = len < snaplen ? len : snaplen;
	/* A tracing program reads no paged data: the rest is cut off, as by a shorter snaplen. */
	if (hook == HOOK_TRACEPOINT && captured > ((struct traced_packet *)ctx)->linear)
		captured = ((struct traced_packet *)ctx)->linear;
	struct packet_origin origin = {
		.timestamp_ns = clock_is_tai ? bpf_ktime_get_tai_ns() : bpf_ktime_get_boot_ns(),
		.owner = owner,
		.peer = peer,
		.netns = netns,
		.ifindex = ifindex,
		.len = len,
		.direction = direction,
	};
	if (!record_packet(ctx, hook, &origin, captured))
		count->dropped++;
}

/* The counters of interface `ifindex` of namespace `netns`, which now saw one more packet: its own, or those of
 * the interfaces that found the map full. */
static __always_inline struct capture_counters *count_seen(__u64 netns, __u32 ifindex)
{
	struct capture_counters *count;
	if (netns == interfaces_netns && ifindex < DIRECT_COUNTERS) {
		count = bpf_map_lookup_elem(&counters_by_ifindex, &ifindex);
		if (count)
			count->seen++;
		return count;
	}
	struct interface_key interface = {.netns = netns, .ifindex = ifindex};
	count = bpf_map_lookup_elem(&counters, &interface);
	if (!count) {
		struct capture_counters none = {};
		bpf_map_update_elem(&counters, &interface, &none, BPF_NOEXIST);
		count = bpf_map_lookup_elem(&counters, &interface);
		struct interface_key uncounted = {.ifindex = UNCOUNTED_IFINDEX};
		if (!count)
			count = bpf_map_lookup_elem(&counters, &uncounted);
		if (!count)
			return NULL;
	}
	count->seen++;
	return count;
}

/* The user's filter on an __sk_buff: the region for the hook's access to the packet (none direct for packet
 * sockets) and the device's link type (`l3`: where the IP header starts). */
static __always_inline bool user_filter_skb(struct __sk_buff *skb, enum hook hook, __u32 l3, __u32 packet_type,
					    __u32 terms)
{
	if (!filter_given)
		return true;
	if (hook == HOOK_SOCKET)
		return l3 == ETH_HLEN ? user_filter_socket_ethernet(skb, packet_type, terms)
				      : user_filter_socket_raw_ip(skb, packet_type, terms);
	return l3 == ETH_HLEN ? user_filter_ethernet(skb, packet_type, terms)
			      : user_filter_raw_ip(skb, packet_type, terms);
}

/* The bits of the filter expression's process terms (terms.h) that either local end of a packet matches: a
 * packet of two local processes is either's. */
static __always_inline __u32 terms_of_ends(struct packet_ends ends, __u64 netns)
{
	return matched_terms(ends.owner, netns) | matched_terms(ends.peer, netns);
}

/* TC, cgroup-skb and packet socket programs: `l3` is where the IP header starts (0: the packet starts with it). */
static __always_inline void capture_skb(struct __sk_buff *skb, enum hook hook, enum packet_direction direction,
					__u32 l3)
{
	/* Without process terms the filter runs first, where the verifier has one state to check it in (after
	 * find_owner's branches it would check it once per path), and its verdict comes before any owner lookup: a
	 * packet it rejects costs a count, on egress what it teaches about its flow (teaches_flows), and never a search
	 * for its peer. */
	__u32 packet_type = direction == PACKET_EGRESS ? PACKET_OUTGOING : PACKET_HOST;
	__u64 netns = packet_netns(skb, hook);
	/* An expression with process terms needs both ends first (and then checks the filter once per path). */
	struct packet_ends ends = {};
	__u32 terms = 0;
	if (process_term_count) {
		ends = find_ends(skb, hook, netns, skb->ifindex, direction, skb->protocol, l3, true);
		terms = terms_of_ends(ends, netns);
	}
	bool accepted = user_filter_skb(skb, hook, l3, packet_type, terms);
	struct capture_counters *count = count_seen(netns, skb->ifindex);
	if (!count || !(accepted || teaches_flows(hook, direction)))
		return;
	if (!process_term_count)
		ends = find_ends(skb, hook, netns, skb->ifindex, direction, skb->protocol, l3, accepted);
	if (accepted && process_wanted(ends.owner, ends.peer))
		output(skb, hook, ends.owner, ends.peer, count, netns, skb->ifindex, skb->len, direction);
}

/* Devices with an Ethernet header (and loopback). */
SEC("classifier")
int capture_ingress(struct __sk_buff *skb)
{
	capture_skb(skb, HOOK_TC, PACKET_INGRESS, ETH_HLEN);
	return TC_NEXT;
}

SEC("classifier")
int capture_egress(struct __sk_buff *skb)
{
	capture_skb(skb, HOOK_TC, PACKET_EGRESS, ETH_HLEN);
	return TC_NEXT;
}

/* Layer-3 devices (tun, wireguard, ipip, gre, sit): packets start with the IP header. */
SEC("classifier")
int capture_in_l3(struct __sk_buff *skb)
{
	capture_skb(skb, HOOK_TC, PACKET_INGRESS, 0);
	return TC_NEXT;
}

SEC("classifier")
int capture_out_l3(struct __sk_buff *skb)
{
	capture_skb(skb, HOOK_TC, PACKET_EGRESS, 0);
	return TC_NEXT;
}

/* Verdict of cgroup-skb programs: let the packet pass. */
#define CGROUP_SKB_PASS 1

/* cgroup-skb: the packets of the sockets of a cgroup's processes, starting at the IP header, on any interface. */
SEC("cgroup_skb/ingress")
int capture_cgroup_ingress(struct __sk_buff *skb)
{
	capture_skb(skb, HOOK_CGROUP, PACKET_INGRESS, 0);
	return CGROUP_SKB_PASS;
}

SEC("cgroup_skb/egress")
int capture_cgroup_egress(struct __sk_buff *skb)
{
	capture_skb(skb, HOOK_CGROUP, PACKET_EGRESS, 0);
	return CGROUP_SKB_PASS;
}

/* XDP: received frames before the kernel allocates anything for them. The filter decides first, as in
 * capture_skb (after the owner only for an expression with process terms); received packets teach no flow. */
SEC("xdp")
int capture_xdp(struct xdp_md *xdp)
{
	__u64 netns = packet_netns(xdp, HOOK_XDP);
	struct packet_ends ends = {};
	__u32 terms = 0;
	if (process_term_count) {
		ends = find_ends(xdp, HOOK_XDP, netns, xdp->ingress_ifindex, PACKET_INGRESS, 0, ETH_HLEN, true);
		terms = terms_of_ends(ends, netns);
	}
	bool accepted = user_filter_xdp_accepts(xdp, terms);
	struct capture_counters *count = count_seen(netns, xdp->ingress_ifindex);
	if (!count || !accepted)
		return XDP_PASS;
	if (!process_term_count)
		ends = find_ends(xdp, HOOK_XDP, netns, xdp->ingress_ifindex, PACKET_INGRESS, 0, ETH_HLEN, true);
	if (process_wanted(ends.owner, ends.peer))
		output(xdp, HOOK_XDP, ends.owner, ends.peer, count, netns, xdp->ingress_ifindex, xdp_packet_len(xdp),
		       PACKET_INGRESS);
	return XDP_PASS;
}

#include "stats.h"
#include "packet_socket.h"
#include "tracepoints.h"

char LICENSE[] SEC("license") = "GPL";
