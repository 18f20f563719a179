/* The record the capture programs put into the ring buffer, read by src/source/live/event.rs.
 * Keep the two in step: the Rust side checks the size at compile time. */
#ifndef PTSTAT_EVENT_H
#define PTSTAT_EVENT_H

#define PTSTAT_MAX_SNAPLEN 262144

/* map_flags of the hash maps that only ptstat and rare events (an interface's first packet, forks, new cgroups)
 * write: entries are allocated as they are put in, not all when the map is made, which cleared megabytes of pages
 * at every start. Lookups cost the same. Not for LRU maps (the kernel refuses), nor for maps that kprobe programs
 * use (Linux 5.10 warns about those). */
#define ALLOCATED_ON_INSERT BPF_F_NO_PREALLOC

enum packet_direction {
	PACKET_INGRESS = 0,
	PACKET_EGRESS = 1,
};

/* The process a packet belongs to, as the kernel saw it when the socket was last used; pid 0 = unknown. */
struct process_context {
	__u32 pid;              /* thread group id: the process */
	__u32 tid;
	__u32 uid;
	__u32 flow_ports;       /* in socket_owners: once flow_owners has the socket's flow, its ports (flow_ports_of
				 * in owners.h); 0 before (sockets.h) */
	__u64 cgroup_id;        /* cgroup v2 id (inode of its directory) */
	char comm[16];          /* name of the thread */
};

struct packet_event {
	__u64 timestamp_ns;     /* CLOCK_TAI, or CLOCK_BOOTTIME on kernels without bpf_ktime_get_tai_ns */
	__u32 ifindex;
	__u32 original_len;     /* skb->len: the whole packet, headers included */
	__u32 captured_len;     /* bytes of packet that follow this header */
	__u8 direction;         /* enum packet_direction */
	__u8 reserved[3];
	__u64 netns;            /* cookie of the interface's network namespace: ifindexes repeat across namespaces */
	struct process_context process;
	/* The process at the packet's other end when that end is a socket of this host too (loopback, a veth pair
	 * between namespaces, containers on a bridge); pid 0 = none found (flows.h peer_of_flow). */
	struct process_context peer;
	/* captured_len bytes of the packet follow */
};

enum process_change {
	PROCESS_EXEC = 0,
	PROCESS_FORK = 1,
	PROCESS_EXIT = 2,
};

#define PTSTAT_ARGS_LEN 256
#define PTSTAT_PATH_LEN 256

/* A process started, exec'd or ended: lets userspace name processes that are gone by the time it reads /proc. */
struct process_event {
	__u32 change;           /* enum process_change */
	__u32 pid;
	__u32 ppid;
	__u32 args_len;         /* bytes of args used: NUL-separated argv, like /proc/PID/cmdline */
	char comm[16];
	char exe[PTSTAT_PATH_LEN];  /* exec: the file exec'd */
	char args[PTSTAT_ARGS_LEN];
};

/* An interface: its index is unique only within its network namespace. The key {0, UNCOUNTED_IFINDEX} counts the
 * interfaces that found the counters map full (capture.bpf.c). */
#define UNCOUNTED_IFINDEX 0xffffffff
struct interface_key {
	__u64 netns;
	__u32 ifindex;
	__u32 reserved;
};

/* Per-CPU counters of one interface, summed by userspace for tcpdump's closing statistics and the PcapNG
 * Interface Statistics Blocks. */
struct capture_counters {
	__u64 seen;             /* packets that reached the hook */
	__u64 matched;          /* packets the capture accepted ("received by filter") */
	__u64 dropped;          /* packets lost because the ring buffer was full */
};

#endif
