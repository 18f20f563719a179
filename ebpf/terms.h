/* The process terms of the filter expression (`pid N`, `pname NAME`, `uid N`, `ppid N`, `cgroup PATH`, `netns NAME`,
 * `container NAME`, `container id PREFIX`, `pod NAME.NAMESPACE`, `pod label KEY=VALUE`):
 * which of them a packet's process matches, as a word of bits the filter region reads in r3 (bit i: the
 * expression's i-th term; src/source/live/filter.rs, src/source/live/terms.rs). */
#ifndef PTSTAT_TERMS_H
#define PTSTAT_TERMS_H

#include "event.h"

#define MAX_TERMS 32

/* How a term is decided. Terms about a set of processes that the packet cannot tell by itself are decided by a map
 * userspace fills: TERM_CHILD (ppid) by term_children, TERM_IN_CGROUPS (cgroup and the container terms) by
 * term_cgroups. */
enum term_test {
	TERM_PID = 1,        /* number: the process id */
	TERM_UID = 2,        /* number: the user id */
	TERM_NAME = 3,       /* name: the comm, NUL-padded */
	TERM_NETNS = 4,      /* netns: the cookie of the packet's network namespace */
	TERM_CHILD = 5,      /* number: the parent's process id */
	TERM_IN_CGROUPS = 6, /* the process's cgroup is one of the term's */
};

struct process_term {
	__u32 test;          /* enum term_test */
	__u32 number;
	__u64 netns;
	__u64 name[2];       /* comm as two words: compared without a loop */
};

/* Set by the loader; process_term_count is 0 when the expression has no terms. */
volatile const struct process_term process_terms[MAX_TERMS] = {};
volatile const __u32 process_term_count = 0;
/* The bits of the TERM_IN_CGROUPS and TERM_CHILD terms: their maps are read only when some term needs them. */
volatile const __u32 cgroup_term_bits = 0;
volatile const __u32 child_term_bits = 0;

/* cgroup v2 id → the bits of the TERM_IN_CGROUPS terms whose cgroups include it. Filled by userspace with a
 * `cgroup` term's directory and every directory below it, and with the containers' cgroups as the runtimes report
 * them (src/enrich/containers/selection.rs); by cgroup_mkdir (processes.h) with the cgroups made below them and
 * those of containers it expects. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__uint(map_flags, ALLOCATED_ON_INSERT);
	__type(key, __u64);
	__type(value, __u32);
} term_cgroups SEC(".maps");

/* Process id → the bits of the TERM_CHILD terms that name its parent. Filled by userspace from /proc at start, and
 * by process_fork (processes.h) as children are born; process_exit forgets them. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__uint(map_flags, ALLOCATED_ON_INSERT);
	__type(key, __u32);
	__type(value, __u32);
} term_children SEC(".maps");

/* The bits of the terms `owner` (NULL: no process known) and the packet's network namespace `netns` match. The
 * loop is unrolled, and the verifier reads the terms as the constants they are: it walks each term's own test. */
static __noinline __u32 matched_terms(const struct process_context *owner, __u64 netns)
{
	/* A copy: the tests below then read no pointer the verifier must know to be non-NULL. */
	struct process_context process = {};
	if (owner)
		process = *owner;
	bool known = process.pid != 0;
	/* The name as the terms hold it, NUL-padded, since it is compared as two words: bpf_get_current_comm has not
	 * cleared what follows the NUL on every kernel (`pname` terms failed on Debian's 6.1 without this). */
	bool ended = false;
#pragma unroll
	for (int i = 0; i < sizeof(process.comm); i++) {
		ended = ended || !process.comm[i];
		if (ended)
			process.comm[i] = 0;
	}
	__u64 comm[2];
	__builtin_memcpy(comm, process.comm, sizeof(comm));
	__u32 matched = 0;
#pragma unroll
	for (int i = 0; i < MAX_TERMS; i++) {
		if (i >= process_term_count)
			break;
		const volatile struct process_term *term = &process_terms[i];
		bool match = false;
		switch (term->test) {
		case TERM_PID:
			match = known && process.pid == term->number;
			break;
		case TERM_UID:
			match = known && process.uid == term->number;
			break;
		case TERM_NAME:
			match = known && comm[0] == term->name[0] && comm[1] == term->name[1];
			break;
		case TERM_NETNS:
			match = netns == term->netns;
			break;
		}
		if (match)
			matched |= 1u << i;
	}
	if (known && cgroup_term_bits) {
		__u64 cgroup_id = process.cgroup_id;
		__u32 *bits = bpf_map_lookup_elem(&term_cgroups, &cgroup_id);
		if (bits)
			matched |= *bits & cgroup_term_bits;
	}
	if (known && child_term_bits) {
		__u32 pid = process.pid;
		__u32 *bits = bpf_map_lookup_elem(&term_children, &pid);
		if (bits)
			matched |= *bits & child_term_bits;
	}
	return matched;
}

/* The bits of the TERM_CHILD terms that name `parent`: what a child it forks matches. */
static __always_inline __u32 child_terms_of(__u32 parent)
{
	__u32 bits = 0;
#pragma unroll
	for (int i = 0; i < MAX_TERMS; i++) {
		if (i >= process_term_count)
			break;
		if (process_terms[i].test == TERM_CHILD && process_terms[i].number == parent)
			bits |= 1u << i;
	}
	return bits;
}

#endif
