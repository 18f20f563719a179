//! The table stats mode prints at exit: one row per flow, then the totals per protocol.

use std::io::{self, Write};

use super::{
    Bitrate, FlowStats, IPPROTO_ICMP, IPPROTO_ICMPV6, ProtocolName, Snapshot, bitrate,
    group::{Group, GroupBy, LocalAddresses, group, group_order},
    table_order,
};

/// `address:port`, `[v6]:port`, or for ICMP the address alone (the type and code have their own column).
pub fn endpoint(flow: &FlowStats, source: bool) -> String {
    let (address, port) = match source {
        true => (flow.key.source, flow.key.source_port),
        false => (flow.key.destination, flow.key.destination_port),
    };
    match (flow.key.protocol, address) {
        (IPPROTO_ICMP | IPPROTO_ICMPV6, _) => address.to_string(),
        (_, std::net::IpAddr::V6(v6)) => format!("[{v6}]:{port}"),
        (_, v4) => format!("{v4}:{port}"),
    }
}

/// The protocol column: its name, and for ICMP its type and code (`icmp 8/0`).
pub fn protocol_column(flow: &FlowStats) -> String {
    match flow.key.protocol {
        IPPROTO_ICMP | IPPROTO_ICMPV6 => {
            format!("{} {}/{}", ProtocolName(flow.key.protocol), flow.key.source_port, flow.key.destination_port)
        }
        other => ProtocolName(other).to_string(),
    }
}

/// The columns of the table and of the live view.
pub const HEADER: [&str; COLUMNS] =
    ["BITRATE", "PACKETS", "BYTES", "PROTO", "SRC", "DST", "PID", "COMM", "CGROUP", "CONTAINER", "PEER"];
pub const COLUMNS: usize = 11;

/// A flow's cells under `HEADER`, with its bitrate (bits per second).
pub fn cells(flow: &FlowStats, bits_per_second: f64) -> [String; COLUMNS] {
    [
        Bitrate(bits_per_second).to_string(),
        flow.packets.to_string(),
        flow.bytes.to_string(),
        protocol_column(flow),
        endpoint(flow, true),
        endpoint(flow, false),
        flow.key.pid.to_string(),
        flow.comm.clone(),
        flow.cgroup.clone(),
        flow.container.clone().unwrap_or_default(),
        flow.peer.as_ref().map(ToString::to_string).unwrap_or_default(),
    ]
}

/// Writes `snapshot` as a table sorted by bitrate, then packets, then the tuple, and its totals; bitrates are
/// averages over the whole count.
pub fn write_table(output: &mut dyn Write, snapshot: &Snapshot) -> io::Result<()> {
    write_rows(output, snapshot)?;
    writeln!(output)?;
    write_totals(output, snapshot)?;
    writeln!(output, "{} flows in {:.1} s", snapshot.flows.len(), snapshot.elapsed.as_secs_f64())?;
    write_evictions(output, snapshot)
}

/// `--group-by`: one row per group (its flows summed) by bytes, its keys' columns after the counts; then the
/// totals.
pub fn write_grouped_table(output: &mut dyn Write, snapshot: &Snapshot, group_by: &[GroupBy]) -> io::Result<()> {
    let mut groups =
        group(snapshot.flows.iter().map(|flow| (flow, flow.bytes)), group_by, &LocalAddresses::of_this_host());
    groups.sort_by(group_order);
    let rows: Vec<Vec<String>> =
        groups.iter().map(|group| group_cells(group, bitrate(group.bytes, snapshot.elapsed))).collect();
    write_aligned(output, &group_header(group_by), &rows, GROUP_NUMBERS)?;
    writeln!(output)?;
    write_totals(output, snapshot)?;
    let group_word = if groups.len() == 1 { "group" } else { "groups" };
    writeln!(
        output,
        "{} flows in {} {group_word} in {:.1} s",
        snapshot.flows.len(),
        groups.len(),
        snapshot.elapsed.as_secs_f64()
    )?;
    write_evictions(output, snapshot)
}

/// The columns of grouped rows: the counts, then one per key.
pub fn group_header(group_by: &[GroupBy]) -> Vec<&'static str> {
    ["BITRATE", "PACKETS", "BYTES", "FLOWS"].into_iter().chain(group_by.iter().map(|by| by.column())).collect()
}

/// The count columns of grouped rows, aligned right.
const GROUP_NUMBERS: usize = 4;

/// A group's cells under `group_header`, with its bitrate (bits per second).
pub fn group_cells(group: &Group, bits_per_second: f64) -> Vec<String> {
    let counts = [Bitrate(bits_per_second).to_string(), group.packets.to_string(), group.bytes.to_string()];
    counts.into_iter().chain([group.flows.to_string()]).chain(group.key.iter().map(ToString::to_string)).collect()
}

/// The note on flows evicted from the kernel's table, if any were.
fn write_evictions(output: &mut dyn Write, snapshot: &Snapshot) -> io::Result<()> {
    if snapshot.evicted > 0 {
        writeln!(
            output,
            "{} flows evicted from the kernel's table: their counts are missing from the rows (not from the totals); \
             raise --stats-entries",
            snapshot.evicted
        )?;
    }
    Ok(())
}

/// The header and one row per flow, in the table's order.
pub fn write_rows(output: &mut dyn Write, snapshot: &Snapshot) -> io::Result<()> {
    let mut flows: Vec<&FlowStats> = snapshot.flows.iter().collect();
    flows.sort_by(|a, b| table_order(a, b));
    let rows: Vec<Vec<String>> =
        flows.iter().map(|flow| cells(flow, bitrate(flow.bytes, snapshot.elapsed)).to_vec()).collect();
    write_aligned(output, &HEADER, &rows, 3)
}

/// The header and the rows in columns as wide as their widest cell: the first `numbers` columns (and PID) right-
/// aligned, the others left-aligned, the last without trailing blanks.
fn write_aligned(output: &mut dyn Write, header: &[&str], rows: &[Vec<String>], numbers: usize) -> io::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|name| name.len()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let right_aligned = |column: usize| column < numbers || header[column] == "PID";
    let header: Vec<String> = header.iter().map(|name| name.to_string()).collect();
    for row in std::iter::once(&header).chain(rows) {
        let mut line = String::new();
        for (column, (cell, width)) in row.iter().zip(&widths).enumerate() {
            if column > 0 {
                line.push_str("  ");
            }
            match right_aligned(column) {
                true => line.push_str(&format!("{cell:>width$}")),
                false => line.push_str(&format!("{cell:<width$}")),
            }
        }
        writeln!(output, "{}", line.trim_end())?;
    }
    Ok(())
}

/// A line per protocol: packets, bytes, average bitrate.
pub fn write_totals(output: &mut dyn Write, snapshot: &Snapshot) -> io::Result<()> {
    for total in &snapshot.totals {
        writeln!(
            output,
            "{}: {} packets, {} bytes, {}",
            ProtocolName(total.protocol),
            total.packets,
            total.bytes,
            Bitrate(bitrate(total.bytes, snapshot.elapsed))
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::{net::IpAddr, time::Duration};

    use super::*;
    use crate::sink::stats::{FlowKey, FlowPeer, IPPROTO_TCP, IPPROTO_UDP, ProtocolTotal};

    fn flow(protocol: u8, source: &str, destination: &str, ports: (u16, u16), packets: u64, bytes: u64) -> FlowStats {
        FlowStats {
            key: FlowKey {
                netns: 1,
                protocol,
                source: source.parse::<IpAddr>().unwrap(),
                destination: destination.parse::<IpAddr>().unwrap(),
                source_port: ports.0,
                destination_port: ports.1,
                pid: 42,
                cgroup_id: 7,
            },
            packets,
            bytes,
            comm: "nc".into(),
            cgroup: "/user.slice".into(),
            container: None,
            pod: None,
            peer: (ports.1 == 80).then(|| FlowPeer { pid: 777, comm: "python3".into(), container: Some("web".into()) }),
        }
    }

    #[test]
    fn rows_sorted_by_bitrate_then_packets_with_totals_and_evictions() {
        let snapshot = Snapshot {
            elapsed: Duration::from_secs(2),
            flows: vec![
                flow(IPPROTO_UDP, "10.0.0.1", "10.0.0.2", (5000, 53), 10, 1000),
                flow(IPPROTO_TCP, "fd00::1", "fd00::2", (40000, 80), 3, 4000),
                flow(IPPROTO_ICMP, "10.0.0.1", "10.0.0.2", (8, 0), 20, 1000),
            ],
            evicted: 5,
            totals: vec![ProtocolTotal { protocol: IPPROTO_UDP, packets: 10, bytes: 1000 }],
        };
        let mut text = Vec::new();
        write_table(&mut text, &snapshot).unwrap();
        let text = String::from_utf8(text).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].trim_start().starts_with("BITRATE") && lines[0].ends_with("CONTAINER  PEER"), "{text}");
        assert!(lines[1].contains("[fd00::1]:40000") && lines[1].contains("16.00 Kbps"), "{text}");
        assert!(lines[1].ends_with("  python3.777 [web]"), "{text}");
        assert!(lines[2].contains("icmp 8/0") && lines[2].contains("4.00 Kbps"), "{text}");
        assert!(lines[3].contains("10.0.0.1:5000") && lines[3].contains("10.0.0.2:53"), "{text}");
        assert!(text.contains("udp: 10 packets, 1000 bytes, 4.00 Kbps"), "{text}");
        assert!(text.contains("5 flows evicted"), "{text}");
    }
}
