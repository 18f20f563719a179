/* Process life cycle (exec, fork, exit) from the sched tracepoints, so userspace can name processes that have
 * exited by the time their packets are printed, and learns new command lines without rereading /proc. */
#ifndef PTSTAT_PROCESSES_H
#define PTSTAT_PROCESSES_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "event.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} process_events SEC(".maps");

/* Which processes to capture (--pid, --pname, --uid, -f, -- COMMAND), set by the loader. A process is selected
 * if its pid is in selected_pids or (BY_NAME) its name is wanted_name; with follow_forks, the children of a
 * selected process are added to selected_pids as they are born. --uid narrows any selection further. */
#define BY_PID 1
#define BY_NAME 2
#define BY_UID 4
volatile const __u32 process_criteria = 0;
volatile const __u32 wanted_uid = 0;
volatile const char wanted_name[16] = {};
volatile const __u8 follow_forks = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} selected_pids SEC(".maps");

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
	return bpf_map_lookup_elem(&selected_pids, &pid) || name_wanted(comm);
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
	if (follow_forks) {
		char parent_comm[16];
		BPF_CORE_READ_STR_INTO(&parent_comm, parent, comm);
		if (process_selected(BPF_CORE_READ(parent, tgid), parent_comm)) {
			__u32 child_pid = BPF_CORE_READ(child, tgid);
			__u8 yes = 1;
			bpf_map_update_elem(&selected_pids, &child_pid, &yes, BPF_ANY);
		}
	}
	struct process_event *event = new_process_event(PROCESS_FORK, child);
	if (event)
		bpf_ringbuf_submit(event, 0);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(process_exit, struct task_struct *task, bool group_dead)
{
	if (!group_dead)
		return 0;
	struct process_event *event = new_process_event(PROCESS_EXIT, task);
	if (event)
		bpf_ringbuf_submit(event, 0);
	return 0;
}

#endif
