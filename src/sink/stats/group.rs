//! `--group-by`: flows summed into groups (a process, a container, a pod, a remote address, a protocol, or a
//! combination), so thousands of flows read as a few rows.

use std::{collections::HashMap, fmt, net::IpAddr};

use serde_json::{Map, Value, json};

use super::{FlowStats, ProtocolName};
use crate::source::live::interface_addresses;

/// What flows are grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum GroupBy {
    /// The process (pid and name).
    Process,
    /// The container's name.
    Container,
    /// The Kubernetes pod (`NAME.NAMESPACE`).
    Pod,
    /// The address at the other end: the one that is not this host's (the destination when both or neither are).
    Remote,
    /// The IP protocol.
    Proto,
}

impl GroupBy {
    /// Its column in the table and the live view.
    pub fn column(self) -> &'static str {
        match self {
            GroupBy::Process => "PROCESS",
            GroupBy::Container => "CONTAINER",
            GroupBy::Pod => "POD",
            GroupBy::Remote => "REMOTE",
            GroupBy::Proto => "PROTO",
        }
    }
}

/// A flow's part of a group's key, for one `GroupBy`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Member {
    /// pid 0: no process known.
    Process {
        pid: u32,
        comm: String,
    },
    Container(Option<String>),
    Pod(Option<String>),
    Remote(IpAddr),
    Proto(u8),
}

impl fmt::Display for Member {
    /// As a cell: `curl.4242` (ptstat's lines name processes so), a name, an address; `-` for none.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Member::Process { pid: 0, .. } | Member::Container(None) | Member::Pod(None) => f.write_str("-"),
            Member::Process { pid, comm } => write!(f, "{comm}.{pid}"),
            Member::Container(Some(name)) | Member::Pod(Some(name)) => f.write_str(name),
            Member::Remote(address) => write!(f, "{address}"),
            Member::Proto(protocol) => write!(f, "{}", ProtocolName(*protocol)),
        }
    }
}

impl Member {
    /// Its fields in a group's JSON object: `pid` and `comm`, `container`, `pod`, `remote`, or `proto` and
    /// `protocol_number`.
    fn add_json(&self, object: &mut Map<String, Value>) {
        let mut add = |name: &str, value: Value| drop(object.insert(name.to_string(), value));
        match self {
            Member::Process { pid, comm } => {
                add("pid", json!(pid));
                add("comm", json!(comm));
            }
            Member::Container(name) => add("container", json!(name)),
            Member::Pod(name) => add("pod", json!(name)),
            Member::Remote(address) => add("remote", json!(address.to_string())),
            Member::Proto(protocol) => {
                add("proto", json!(ProtocolName(*protocol).to_string()));
                add("protocol_number", json!(protocol));
            }
        }
    }
}

/// The flows of one group, summed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// One member per `GroupBy`, in their order.
    pub key: Vec<Member>,
    pub packets: u64,
    pub bytes: u64,
    /// Bytes its flows gained since the previous look, for the live view's bitrates (all its bytes otherwise).
    pub recent_bytes: u64,
    pub flows: u64,
}

impl Group {
    /// The group as JSON: its members' fields, then `packets`, `bytes`, `flows` and `bitrate`.
    pub fn to_json(&self, bits_per_second: f64) -> Value {
        let mut object = Map::new();
        for member in &self.key {
            member.add_json(&mut object);
        }
        object.insert("packets".into(), json!(self.packets));
        object.insert("bytes".into(), json!(self.bytes));
        object.insert("flows".into(), json!(self.flows));
        object.insert("bitrate".into(), json!(bits_per_second));
        Value::Object(object)
    }
}

/// The addresses of this host (of ptstat's network namespace), which tell the remote end of a flow.
#[derive(Clone, Debug, Default)]
pub struct LocalAddresses(Vec<IpAddr>);

impl LocalAddresses {
    /// The addresses of the interfaces now (getifaddrs(3)); none when it fails: then the remote end of a flow is its
    /// destination.
    pub fn of_this_host() -> LocalAddresses {
        LocalAddresses(interface_addresses().unwrap_or_default())
    }

    /// The other end of `flow`: its destination, unless only the destination is this host's.
    fn remote(&self, flow: &FlowStats) -> IpAddr {
        let (source, destination) = (flow.key.source, flow.key.destination);
        match (self.0.contains(&source), self.0.contains(&destination)) {
            (false, true) => source,
            _ => destination,
        }
    }
}

/// A flow's member for `by`.
fn member(flow: &FlowStats, by: GroupBy, local: &LocalAddresses) -> Member {
    match by {
        GroupBy::Process => Member::Process { pid: flow.key.pid, comm: flow.comm.clone() },
        GroupBy::Container => Member::Container(flow.container.clone()),
        GroupBy::Pod => Member::Pod(flow.pod.clone()),
        GroupBy::Remote => Member::Remote(local.remote(flow)),
        GroupBy::Proto => Member::Proto(flow.key.protocol),
    }
}

/// The flows, each with the bytes it gained recently, summed into groups by `by` (in the order of their first
/// flow).
pub fn group<'a>(
    flows: impl IntoIterator<Item = (&'a FlowStats, u64)>,
    by: &[GroupBy],
    local: &LocalAddresses,
) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut positions: HashMap<Vec<Member>, usize> = HashMap::new();
    for (flow, recent_bytes) in flows {
        let key: Vec<Member> = by.iter().map(|&by| member(flow, by, local)).collect();
        let at = *positions.entry(key.clone()).or_insert_with(|| {
            groups.push(Group { key, packets: 0, bytes: 0, recent_bytes: 0, flows: 0 });
            groups.len() - 1
        });
        let group = &mut groups[at];
        group.packets += flow.packets;
        group.bytes += flow.bytes;
        group.recent_bytes += recent_bytes;
        group.flows += 1;
    }
    groups
}

/// The order of grouped rows: bytes, then packets, both descending, then the key.
pub fn group_order(a: &Group, b: &Group) -> std::cmp::Ordering {
    b.bytes.cmp(&a.bytes).then(b.packets.cmp(&a.packets)).then_with(|| a.key.cmp(&b.key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sink::stats::{FlowKey, IPPROTO_TCP, IPPROTO_UDP};

    fn flow(protocol: u8, destination: &str, pid: u32, comm: &str, bytes: u64) -> FlowStats {
        FlowStats {
            key: FlowKey {
                netns: 1,
                protocol,
                source: "10.0.0.1".parse().unwrap(),
                destination: destination.parse().unwrap(),
                source_port: 1000 + bytes as u16,
                destination_port: 53,
                pid,
                cgroup_id: 1,
            },
            packets: 1,
            bytes,
            comm: comm.into(),
            cgroup: String::new(),
            container: None,
            pod: None,
            peer: None,
        }
    }

    #[test]
    fn flows_sum_into_groups_by_each_key_in_order() {
        let flows = [
            flow(IPPROTO_UDP, "10.0.0.2", 7, "dig", 100),
            flow(IPPROTO_TCP, "10.0.0.2", 8, "curl", 1000),
            flow(IPPROTO_UDP, "10.0.0.3", 7, "dig", 10),
        ];
        let local = LocalAddresses(vec!["10.0.0.1".parse().unwrap()]);
        let by_process = group(flows.iter().map(|flow| (flow, flow.bytes)), &[GroupBy::Process], &local);
        let summed: Vec<_> = by_process.iter().map(|g| (g.key[0].to_string(), g.packets, g.bytes, g.flows)).collect();
        assert_eq!(summed, [("dig.7".to_string(), 2, 110, 2), ("curl.8".to_string(), 1, 1000, 1)]);
        let by_both = group(flows.iter().map(|flow| (flow, 0)), &[GroupBy::Proto, GroupBy::Remote], &local);
        let keys: Vec<String> = by_both.iter().map(|g| format!("{} {}", g.key[0], g.key[1])).collect();
        assert_eq!(keys, ["udp 10.0.0.2", "tcp 10.0.0.2", "udp 10.0.0.3"]);
        assert_eq!(by_process[0].to_json(8.0)["comm"], "dig");
    }

    #[test]
    fn the_remote_end_is_the_one_not_local() {
        let local = LocalAddresses(vec!["10.0.0.2".parse().unwrap()]);
        let inbound = flow(IPPROTO_UDP, "10.0.0.2", 7, "dig", 1);
        assert_eq!(local.remote(&inbound), "10.0.0.1".parse::<IpAddr>().unwrap());
        let outbound = flow(IPPROTO_UDP, "10.0.0.9", 7, "dig", 1);
        assert_eq!(local.remote(&outbound), "10.0.0.9".parse::<IpAddr>().unwrap());
    }
}
