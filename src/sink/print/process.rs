//! The process part of a line: `COMM.PID` after the interface name, `, ParentProc [COMM.PID], Container [NAME],
//! Pod [NAME.NAMESPACE]` at the end, and with -v indented lines naming the process, thread, user, parent,
//! container and pod in full. When the packet's other end is a process of this host too (its peer), the line
//! names both ends, sender first (`curl.4242 > python3.777 `), and the peer's parts follow the process's with
//! `Peer` before their names (`, PeerContainer [web]`, `PeerProc (...)`).

use super::Line;
use crate::packet::{Direction, LabelsJson, ProcessContext};

/// Which end of the packet a process is: the names of its parts.
#[derive(Clone, Copy)]
pub(super) struct End {
    process: &'static str,
    thread: &'static str,
    user: &'static str,
    parent: &'static str,
    container: &'static str,
    pod: &'static str,
    /// Whether the line names the parent (the -v lines always do).
    parent_in_line: bool,
}

/// The packet's own process (its socket's).
pub(super) const OWNER: End = End {
    process: "Process",
    thread: "Thread",
    user: "User",
    parent: "ParentProc",
    container: "Container",
    pod: "Pod",
    parent_in_line: true,
};

/// The process at the packet's other end.
pub(super) const PEER: End = End {
    process: "PeerProc",
    thread: "PeerThread",
    user: "PeerUser",
    parent: "PeerParentProc",
    container: "PeerContainer",
    pod: "PeerPod",
    parent_in_line: false,
};

/// `curl.4242 `, in the interface columns; with a peer, both ends in the packet's direction, sender first:
/// `curl.4242 > python3.777 ` (an end not known is `?`). Without a direction the process comes first.
pub(super) fn print_names(
    line: &mut Line,
    owner: Option<&ProcessContext>,
    peer: Option<&ProcessContext>,
    direction: Option<Direction>,
) {
    let (sender, receiver) = match direction {
        Some(Direction::In) => (peer, owner),
        Some(Direction::Out) | None => (owner, peer),
    };
    match peer {
        None => put_end(line, owner),
        Some(_) => {
            put_end(line, sender);
            line.push(" > ");
            put_end(line, receiver);
        }
    }
    line.push_char(' ');
}

/// `curl.4242`, or `?` for an end not known.
fn put_end(line: &mut Line, end: Option<&ProcessContext>) {
    match end {
        Some(process) => put_name_and_pid(line, &process.name, process.pid),
        None => line.push_char('?'),
    }
}

/// `curl.4242`: written piece by piece, as this is part of every line of a process's packets.
fn put_name_and_pid(line: &mut Line, name: &str, pid: u32) {
    line.push(name);
    line.push_char('.');
    line.put_decimal(pid);
}

/// `, ParentProc [bash.1000], Container [web], Pod [shop.prod]` at the end of the line, the parts known (the
/// peer's without its parent: `, PeerContainer [db]`).
pub(super) fn print_owners(line: &mut Line, process: &ProcessContext, end: End) {
    if let (Some(parent), true) = (&process.parent, end.parent_in_line) {
        open_part(line, end.parent);
        put_name_and_pid(line, &parent.name, parent.pid);
        line.push_char(']');
    }
    if let Some(container) = &process.container {
        open_part(line, end.container);
        line.push(&container.name);
        line.push_char(']');
    }
    if let Some(pod) = &process.pod {
        line.put(format_args!(", {} [{}.{}]", end.pod, pod.name, pod.namespace));
    }
}

/// `, NAME [`: pushed piece by piece, as `put_name_and_pid`.
fn open_part(line: &mut Line, name: &str) {
    line.push(", ");
    line.push(name);
    line.push(" [");
}

/// The -v lines below the packet's line, each after a newline.
pub(super) fn print_details(line: &mut Line, process: &ProcessContext, end: End) {
    if !process.cmd.is_empty() {
        line.put(format_args!(
            "\n    {} (pid {}, cmd {}, args {})",
            end.process, process.pid, process.cmd, process.args
        ));
    }
    if let Some(thread) = &process.thread {
        line.put(format_args!("\n    {} (tid {}, name {})", end.thread, thread.tid, thread.name));
    }
    if let Some(uid) = process.uid {
        line.put(format_args!("\n    {} (uid {uid})", end.user));
    }
    if let Some(parent) = &process.parent {
        line.put(format_args!("\n    {} (pid {}, cmd {}, args {})", end.parent, parent.pid, parent.cmd, parent.args));
    }
    if let Some(container) = &process.container {
        line.put(format_args!(
            "\n    {} (name {}, id {}, image {}, labels {})",
            end.container,
            container.name,
            container.id,
            container.image,
            LabelsJson(&container.labels)
        ));
    }
    if let Some(pod) = &process.pod {
        line.put(format_args!(
            "\n    {} (name {}, namespace {}, UID {}, labels {})",
            end.pod,
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
        print_names(&mut line, Some(&process), None, Some(Direction::Out));
        print_owners(&mut line, &process, OWNER);
        print_details(&mut line, &process, OWNER);
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
        print_owners(&mut line, &process, OWNER);
        print_details(&mut line, &process, OWNER);
        assert_eq!(
            line.text,
            ", Container [client], Pod [shop.prod]\n    Container (name client, id 77415cf0, image busybox:1, labels \
             {\"io.kubernetes.pod.name\":\"shop\"})\n    Pod (name shop, namespace prod, UID 5f1c, labels {\"app\":\"shop\"})"
        );
    }

    #[test]
    fn both_ends_sender_first() {
        let curl = ProcessContext { pid: 4242, name: "curl".into(), ..Default::default() };
        let server = ProcessContext {
            pid: 777,
            name: "python3".into(),
            cmd: "/usr/bin/python3".into(),
            args: "python3 -m http.server".into(),
            uid: Some(0),
            ..Default::default()
        };
        let names = |owner, peer, direction| {
            let mut line = Line::default();
            print_names(&mut line, owner, peer, direction);
            line.text
        };
        assert_eq!(names(Some(&curl), Some(&server), Some(Direction::Out)), "curl.4242 > python3.777 ");
        assert_eq!(names(Some(&curl), Some(&server), Some(Direction::In)), "python3.777 > curl.4242 ");
        assert_eq!(names(Some(&curl), Some(&server), None), "curl.4242 > python3.777 ");
        assert_eq!(names(None, Some(&server), Some(Direction::Out)), "? > python3.777 ");
        assert_eq!(names(Some(&curl), None, Some(Direction::In)), "curl.4242 ");
        let mut line = Line::default();
        print_details(&mut line, &server, PEER);
        assert_eq!(
            line.text,
            "\n    PeerProc (pid 777, cmd /usr/bin/python3, args python3 -m http.server)\n    PeerUser (uid 0)"
        );
    }
}
