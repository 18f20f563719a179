//! The process part of a line: `COMM.PID` after the interface name, `, ParentProc [COMM.PID]` at the end, and
//! with -v indented lines naming the process, thread, user and parent in full.

use super::Line;
use crate::packet::ProcessContext;

/// `curl.4242 `, in the interface columns.
pub(super) fn print_name(line: &mut Line, process: &ProcessContext) {
    line.put(format_args!("{}.{} ", process.name, process.pid));
}

/// `, ParentProc [bash.1000]` at the end of the line.
pub(super) fn print_parent(line: &mut Line, process: &ProcessContext) {
    if let Some(parent) = &process.parent {
        line.put(format_args!(", ParentProc [{}.{}]", parent.name, parent.pid));
    }
}

/// The -v lines below the packet's line, each ending in a newline.
pub(super) fn print_details(line: &mut Line, process: &ProcessContext) {
    if !process.cmd.is_empty() {
        line.put(format_args!("\n    Process (pid {}, cmd {}, args {})", process.pid, process.cmd, process.args));
    }
    if let Some(thread) = &process.thread {
        line.put(format_args!("\n    Thread (tid {}, name {})", thread.tid, thread.name));
    }
    if let Some(uid) = process.uid {
        line.put(format_args!("\n    User (uid {uid})"));
    }
    if let Some(parent) = &process.parent {
        line.put(format_args!("\n    ParentProc (pid {}, cmd {}, args {})", parent.pid, parent.cmd, parent.args));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::{ParentProcess, ThreadContext};

    #[test]
    fn names_and_details() {
        let process = ProcessContext {
            pid: 42,
            name: "curl".into(),
            cmd: "/usr/bin/curl".into(),
            args: "curl -s http://x".into(),
            thread: Some(ThreadContext { tid: 43, name: "worker".into() }),
            uid: Some(1000),
            parent: Some(ParentProcess { pid: 7, name: "bash".into(), cmd: "/bin/bash".into(), args: "bash".into() }),
            ..Default::default()
        };
        let mut line = Line::default();
        print_name(&mut line, &process);
        print_parent(&mut line, &process);
        print_details(&mut line, &process);
        assert_eq!(
            line.text,
            "curl.42 , ParentProc [bash.7]\n    Process (pid 42, cmd /usr/bin/curl, args curl -s http://x)\n    \
             Thread (tid 43, name worker)\n    User (uid 1000)\n    ParentProc (pid 7, cmd /bin/bash, args bash)"
        );
    }
}
