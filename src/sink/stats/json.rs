//! Stats mode's `--json`: the exit table as one JSON document (schema in README, "Statistics").

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{
    FlowStats, IPPROTO_ICMP, IPPROTO_ICMPV6, ProtocolName, Snapshot, bitrate,
    group::{GroupBy, LocalAddresses, group, group_order},
    table_order,
};

/// One flow as JSON: ICMP flows have `icmp_type`/`icmp_code` where the others have ports.
fn flow_json(flow: &FlowStats, snapshot: &Snapshot) -> Value {
    let key = &flow.key;
    let mut object = json!({
        "bitrate": bitrate(flow.bytes, snapshot.elapsed),
        "packets": flow.packets,
        "bytes": flow.bytes,
        "proto": ProtocolName(key.protocol).to_string(),
        "protocol_number": key.protocol,
        "src": key.source.to_string(),
        "dst": key.destination.to_string(),
        "pid": key.pid,
        "comm": flow.comm,
        "cgroup": flow.cgroup,
        "cgroup_id": key.cgroup_id,
        "container": flow.container,
        "pod": flow.pod,
        "netns": key.netns,
        "peer": flow.peer.as_ref().map(|peer| json!({
            "pid": peer.pid,
            "comm": peer.comm,
            "container": peer.container,
        })),
    });
    let (first, second) = match key.protocol {
        IPPROTO_ICMP | IPPROTO_ICMPV6 => ("icmp_type", "icmp_code"),
        _ => ("src_port", "dst_port"),
    };
    object[first] = json!(key.source_port);
    object[second] = json!(key.destination_port);
    object
}

/// Writes `snapshot` as one JSON object with `duration_seconds`, `flows` (in the table's order), `totals` and
/// `evicted_flows`, and a newline.
pub fn write_json(output: &mut dyn Write, snapshot: &Snapshot) -> io::Result<()> {
    let mut flows: Vec<&FlowStats> = snapshot.flows.iter().collect();
    flows.sort_by(|a, b| table_order(a, b));
    let flows = flows.iter().map(|flow| flow_json(flow, snapshot)).collect();
    write_document(output, snapshot, json!({ "flows": Value::Array(flows) }))
}

/// `--group-by`: as `write_json`, with `group_by` (the keys' names) and `groups` (each with its keys' fields,
/// `packets`, `bytes`, `flows` and `bitrate`, by bytes descending) in place of `flows`.
pub fn write_grouped_json(output: &mut dyn Write, snapshot: &Snapshot, group_by: &[GroupBy]) -> io::Result<()> {
    let mut groups =
        group(snapshot.flows.iter().map(|flow| (flow, flow.bytes)), group_by, &LocalAddresses::of_this_host());
    groups.sort_by(group_order);
    let groups: Vec<Value> = groups.iter().map(|group| group.to_json(bitrate(group.bytes, snapshot.elapsed))).collect();
    let names: Vec<String> = group_by.iter().map(|by| by.column().to_ascii_lowercase()).collect();
    write_document(output, snapshot, json!({ "group_by": names, "groups": groups }))
}

/// `rows` (an object of the rows' fields) with `duration_seconds`, `totals` and `evicted_flows`, and a newline.
fn write_document(output: &mut dyn Write, snapshot: &Snapshot, rows: Value) -> io::Result<()> {
    let totals: Vec<Value> = snapshot
        .totals
        .iter()
        .map(|total| {
            json!({
                "proto": ProtocolName(total.protocol).to_string(),
                "protocol_number": total.protocol,
                "packets": total.packets,
                "bytes": total.bytes,
                "bitrate": bitrate(total.bytes, snapshot.elapsed),
            })
        })
        .collect();
    let mut document = json!({
        "duration_seconds": snapshot.elapsed.as_secs_f64(),
        "totals": totals,
        "evicted_flows": snapshot.evicted,
    });
    if let (Value::Object(document), Value::Object(rows)) = (&mut document, rows) {
        document.extend(rows);
    }
    serde_json::to_writer(&mut *output, &document)?;
    writeln!(output)
}
