// SPDX-License-Identifier: GPL-2.0
/* TC capture: copy the first `snaplen` bytes of each packet, with where and when it was seen, into a ring buffer. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "event.h"

/* TC_ACT_UNSPEC (= TCX_NEXT): leave the verdict to whatever runs after us, so capturing never changes forwarding. */
#define TC_NEXT -1

/* Set by the loader (-s). */
volatile const __u32 snaplen = PTSTAT_MAX_SNAPLEN;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20); /* resized by the loader (-B) */
} events SEC(".maps");

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

static __always_inline int capture(struct __sk_buff *skb, enum packet_direction direction)
{
	__u32 zero = 0;
	struct capture_counters *count = bpf_map_lookup_elem(&counters, &zero);
	if (!count)
		return TC_NEXT;
	count->matched++;

	__u32 cpu = bpf_get_smp_processor_id();
	struct staged_event *staged = bpf_map_lookup_elem(&staging, &cpu);
	if (!staged)
		return TC_NEXT;

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

SEC("classifier")
int capture_ingress(struct __sk_buff *skb)
{
	return capture(skb, PACKET_INGRESS);
}

SEC("classifier")
int capture_egress(struct __sk_buff *skb)
{
	return capture(skb, PACKET_EGRESS);
}

char LICENSE[] SEC("license") = "GPL";
