/* The record the capture programs put into the ring buffer, read by src/source/live/event.rs.
 * Keep the two in step: the Rust side checks the size at compile time. */
#ifndef PTSTAT_EVENT_H
#define PTSTAT_EVENT_H

#define PTSTAT_MAX_SNAPLEN 262144

enum packet_direction {
	PACKET_INGRESS = 0,
	PACKET_EGRESS = 1,
};

struct packet_event {
	__u64 timestamp_tai_ns; /* CLOCK_TAI: a whole number of seconds away from wall-clock time */
	__u32 ifindex;
	__u32 original_len;     /* skb->len: the whole packet, headers included */
	__u32 captured_len;     /* bytes of packet that follow this header */
	__u8 direction;         /* enum packet_direction */
	__u8 reserved[3];
	/* captured_len bytes of the packet follow */
};

/* Per-CPU counters, summed by userspace for tcpdump's closing statistics. */
struct capture_counters {
	__u64 matched;          /* packets the capture accepted ("received by filter") */
	__u64 dropped;          /* packets lost because the ring buffer was full */
};

#endif
