/* Process life cycle (exec, fork, exit) from the sched tracepoints, so userspace can name processes that have
 * exited by the time their packets are printed, and learns new command lines without rereading /proc. */
#ifndef PTSTAT_PROCESSES_H
#define PTSTAT_PROCESSES_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "event.h"
#include "terms.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} process_events SEC(".maps");

/* Which processes to capture (--pid, --pname, --uid, -f, -- COMMAND, --container-id, --container-name,
 * --pod-name), set by the loader. A process is selected if its pid is in selected_pids or (BY_NAME) its name is
 * wanted_name; with follow_forks, the children of a selected process are added to selected_pids as they are born.
 * --uid narrows any selection further, and so does BY_CGROUP: the process's cgroup must be in selected_cgroups,
 * which userspace fills with the cgroups of the wanted containers (src/enrich/containers/selection.rs), and
 * cgroup_mkdir below with those made for them later. */
#define BY_PID 1
#define BY_NAME 2
#define BY_UID 4
#define BY_CGROUP 8
volatile const __u32 process_criteria = 0;
volatile const __u32 wanted_uid = 0;
volatile const char wanted_name[16] = {};
volatile const __u8 follow_forks = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__uint(map_flags, ALLOCATED_ON_INSERT);
	__type(key, __u32);
	__type(value, __u8);
} selected_pids SEC(".maps");

/* Selected processes that have exited, until their pid is given to another process (process_fork) or the map is
 * full (least recently used first): the sockets of a process outlive it, and what they still carry (the FIN its exit
 * sends, the peer's answers and last ACK) belongs to its conversations. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, __u8);
} exited_pids SEC(".maps");

/* cgroup v2 id (the inode of its directory) → 1. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__uint(map_flags, ALLOCATED_ON_INSERT);
	__type(key, __u64);
	__type(value, __u8);
} selected_cgroups SEC(".maps");

/* The names the cgroup directories of wanted containers may get (`ID`, `docker-ID.scope`, ...), NUL-padded:
 * userspace mostly learns of a container when it is created, before its runtime makes its cgroup, and cgroup_mkdir
 * below selects the cgroup the moment it is made, so a new container's first packets need not wait for userspace. */
#define CGROUP_NAME_LEN 128
struct cgroup_name {
	char name[CGROUP_NAME_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__uint(map_flags, ALLOCATED_ON_INSERT);
	__type(key, struct cgroup_name);
	__type(value, __u8);
} wanted_cgroup_names SEC(".maps");

/* The same for the filter expression's container terms (`container NAME`, `pod label K=V`, ...): a directory name
 * → the bits of the terms whose containers' cgroup may get it, which cgroup_mkdir puts into term_cgroups (terms.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__uint(map_flags, ALLOCATED_ON_INSERT);
	__type(key, struct cgroup_name);
	__type(value, __u32);
} term_cgroup_names SEC(".maps");

static __always_inline bool name_wanted(const char comm[16])
{
	if (!(process_criteria & BY_NAME))
		return false;
	for (int i = 0; i < 16; i++) {
		if (comm[i] != wanted_name[i])
			return false;
		if (!comm[i])
			return true;
	}
	return true;
}

static __always_inline bool process_selected(__u32 pid, const char comm[16])
{
	return bpf_map_lookup_elem(&selected_pids, &pid) || bpf_map_lookup_elem(&exited_pids, &pid) ||
	       name_wanted(comm);
}

static __always_inline bool cgroup_selected(__u64 cgroup_id)
{
	return bpf_map_lookup_elem(&selected_cgroups, &cgroup_id);
}

static __always_inline struct process_event *new_process_event(enum process_change change, struct task_struct *task)
{
	struct process_event *event = bpf_ringbuf_reserve(&process_events, sizeof(*event), 0);
	if (!event)
		return NULL;
	event->change = change;
	event->pid = BPF_CORE_READ(task, tgid);
	event->ppid = BPF_CORE_READ(task, real_parent, tgid);
	event->args_len = 0;
	BPF_CORE_READ_STR_INTO(&event->comm, task, comm);
	event->exe[0] = 0;
	return event;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(process_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	struct process_event *event = new_process_event(PROCESS_EXEC, task);
	if (!event)
		return 0;
	bpf_probe_read_kernel_str(event->exe, sizeof(event->exe), BPF_CORE_READ(bprm, filename));
	/* The new program's argv sits at the top of its fresh stack: the exec'ing task is current, so its user
	 * memory is readable here. */
	unsigned long start = BPF_CORE_READ(task, mm, arg_start);
	unsigned long end = BPF_CORE_READ(task, mm, arg_end);
	__u64 len = end > start ? end - start : 0;
	if (len > PTSTAT_ARGS_LEN)
		len = PTSTAT_ARGS_LEN;
	asm volatile("" : "+r"(len));
	if (len > PTSTAT_ARGS_LEN)
		len = PTSTAT_ARGS_LEN;
	if (len && bpf_probe_read_user(event->args, len, (void *)start) == 0)
		event->args_len = len;
	bpf_ringbuf_submit(event, 0);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(process_fork, struct task_struct *parent, struct task_struct *child)
{
	/* New threads share their process's pid: only new processes are news. */
	if (BPF_CORE_READ(child, pid) != BPF_CORE_READ(child, tgid))
		return 0;
	__u32 child_pid = BPF_CORE_READ(child, tgid);
	bool parent_selected = false;
	if (follow_forks) {
		char parent_comm[16];
		BPF_CORE_READ_STR_INTO(&parent_comm, parent, comm);
		parent_selected = process_selected(BPF_CORE_READ(parent, tgid), parent_comm);
	}
	if (parent_selected) {
		__u8 yes = 1;
		bpf_map_update_elem(&selected_pids, &child_pid, &yes, BPF_ANY);
	} else if (process_criteria & BY_PID) {
		/* A stranger with a selected pid: `--pid` named a process that had ended before the capture began
		 * (process_exit below forgets those that end during it). */
		bpf_map_delete_elem(&selected_pids, &child_pid);
	}
	/* A new process with the pid of a selected one that exited: its packets are not the old one's (only --pid,
	 * -f and -- COMMAND put pids in selected_pids, hence in exited_pids). */
	if ((process_criteria & BY_PID) || follow_forks)
		bpf_map_delete_elem(&exited_pids, &child_pid);
	if (child_term_bits) {
		__u32 bits = child_terms_of(BPF_CORE_READ(parent, tgid));
		if (bits)
			bpf_map_update_elem(&term_children, &child_pid, &bits, BPF_ANY);
	}
	struct process_event *event = new_process_event(PROCESS_FORK, child);
	if (event)
		bpf_ringbuf_submit(event, 0);
	return 0;
}

/* A cgroup v2 directory was made: select it if a wanted container's cgroup is to have its name, or if it is made
 * inside a selected cgroup (systemd in a container, a container's own nested cgroups), whose processes are the
 * container's too; and give it the cgroup terms of its parent (terms.h) and the container terms its name is
 * expected for. */
SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(cgroup_mkdir, struct cgroup *cgrp, const char *path)
{
	if (!(process_criteria & BY_CGROUP) && !cgroup_term_bits)
		return 0;
	/* cgroup v1 hierarchies (hybrid hosts) number their cgroups apart: only the default hierarchy's ids are the
	 * ones sockets report. */
	if (BPF_CORE_READ(cgrp, root, hierarchy_id) != 0)
		return 0;
	__u64 id = BPF_CORE_READ(cgrp, kn, id);
	bool selected = false;
	__u32 term_bits = 0;
	struct cgroup_subsys_state *parent_css = BPF_CORE_READ(cgrp, self.parent);
	if (parent_css) {
		struct cgroup *parent = (void *)parent_css - bpf_core_field_offset(struct cgroup, self);
		__u64 parent_id = BPF_CORE_READ(parent, kn, id);
		/* The cgroup terms' cgroups include everything below them, and so do the containers'. */
		__u32 *parent_bits = bpf_map_lookup_elem(&term_cgroups, &parent_id);
		if (parent_bits)
			term_bits = *parent_bits;
		selected = cgroup_selected(parent_id);
	}
	struct cgroup_name name = {};
	bpf_probe_read_kernel_str(name.name, sizeof(name.name), BPF_CORE_READ(cgrp, kn, name));
	if (cgroup_term_bits) {
		__u32 *named_bits = bpf_map_lookup_elem(&term_cgroup_names, &name);
		if (named_bits)
			term_bits |= *named_bits;
	}
	if (term_bits)
		bpf_map_update_elem(&term_cgroups, &id, &term_bits, BPF_ANY);
	if (!selected && (process_criteria & BY_CGROUP))
		selected = bpf_map_lookup_elem(&wanted_cgroup_names, &name);
	if (selected) {
		__u8 yes = 1;
		bpf_map_update_elem(&selected_cgroups, &id, &yes, BPF_ANY);
	}
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(process_exit, struct task_struct *task)
{
	/* Only the last thread's exit ends the process: do_exit() has counted this thread out of signal->live before
	 * the tracepoint. (Linux 6.16 passes that as a second argument, `group_dead`; older kernels have only the
	 * task, and a program reading an argument its kernel lacks is refused.) */
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	/* Its pid is soon free for another process, which must not inherit the selection (--pid, -f, -- COMMAND), and
	 * over days of `-f` the children that ended would fill the map: it moves to exited_pids, which a new process
	 * with the pid leaves and which forgets the oldest when full. So what its sockets carry after this point (the
	 * FIN its exit sends as it closes them, the answers still coming) is still selected. */
	__u32 pid = BPF_CORE_READ(task, tgid);
	if (bpf_map_delete_elem(&selected_pids, &pid) == 0) {
		__u8 yes = 1;
		bpf_map_update_elem(&exited_pids, &pid, &yes, BPF_ANY);
	}
	if (child_term_bits)
		bpf_map_delete_elem(&term_children, &pid);
	struct process_event *event = new_process_event(PROCESS_EXIT, task);
	if (event)
		bpf_ringbuf_submit(event, 0);
	return 0;
}

#endif
