//! The process part of a line: `COMM.PID` after the interface name, `, ParentProc [COMM.PID], Container [NAME],
//! Pod [NAME.NAMESPACE]` at the end, and with -v indented lines naming the process, thread, user, parent,
//! container and pod in full.

use super::Line;
use crate::packet::{LabelsJson, ProcessContext};

/// `curl.4242 `, in the interface columns.
pub(super) fn print_name(line: &mut Line, process: &ProcessContext) {
    put_name_and_pid(line, &process.name, process.pid);
    line.push_char(' ');
}

/// `curl.4242`: written piece by piece, as this is part of every line of a process's packets.
fn put_name_and_pid(line: &mut Line, name: &str, pid: u32) {
    line.push(name);
    line.push_char('.');
    line.put_decimal(pid);
}

/// `, ParentProc [bash.1000], Container [web], Pod [shop.prod]` at the end of the line, the parts known.
pub(super) fn print_owners(line: &mut Line, process: &ProcessContext) {
    if let Some(parent) = &process.parent {
        line.push(", ParentProc [");
        put_name_and_pid(line, &parent.name, parent.pid);
        line.push_char(']');
    }
    if let Some(container) = &process.container {
        line.push(", Container [");
        line.push(&container.name);
        line.push_char(']');
    }
    if let Some(pod) = &process.pod {
        line.put(format_args!(", Pod [{}.{}]", pod.name, pod.namespace));
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
    if let Some(container) = &process.container {
        line.put(format_args!(
            "\n    Container (name {}, id {}, image {}, labels {})",
            container.name,
            container.id,
            container.image,
            LabelsJson(&container.labels)
        ));
    }
    if let Some(pod) = &process.pod {
        line.put(format_args!(
            "\n    Pod (name {}, namespace {}, UID {}, labels {})",
            pod.name,
            pod.namespace,
            pod.uid,
            LabelsJson(&pod.labels)
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::{ContainerContext, ParentProcess, PodContext, ThreadContext};

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
        print_owners(&mut line, &process);
        print_details(&mut line, &process);
        assert_eq!(
            line.text,
            "curl.42 , ParentProc [bash.7]\n    Process (pid 42, cmd /usr/bin/curl, args curl -s http://x)\n    \
             Thread (tid 43, name worker)\n    User (uid 1000)\n    ParentProc (pid 7, cmd /bin/bash, args bash)"
        );
    }

    #[test]
    fn container_and_pod() {
        let process = ProcessContext {
            pid: 42,
            name: "wget".into(),
            container: Some(ContainerContext {
                name: "client".into(),
                id: "77415cf0".into(),
                image: "busybox:1".into(),
                labels: [("io.kubernetes.pod.name".to_string(), "shop".to_string())].into(),
            }),
            pod: Some(PodContext {
                name: "shop".into(),
                namespace: "prod".into(),
                uid: "5f1c".into(),
                labels: [("app".to_string(), "shop".to_string())].into(),
            }),
            ..Default::default()
        };
        let mut line = Line::default();
        print_owners(&mut line, &process);
        print_details(&mut line, &process);
        assert_eq!(
            line.text,
            ", Container [client], Pod [shop.prod]\n    Container (name client, id 77415cf0, image busybox:1, labels \
             {\"io.kubernetes.pod.name\":\"shop\"})\n    Pod (name shop, namespace prod, UID 5f1c, labels {\"app\":\"shop\"})"
        );
    }
}
