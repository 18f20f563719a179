//! `--exit-over`: ends `--stats` with exit code 2 once a group (or, without `--group-by`, a flow) has more bytes
//! than a size, or a bitrate over the last `--refresh` interval above a rate, for scripts that watch a host.

use std::fmt;

use super::{
    FlowStats, RecentBytes, Snapshot, bitrate,
    group::{GroupBy, LocalAddresses, group},
    table::{endpoint, protocol_column},
};

/// The limit of `--exit-over`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ExitOver {
    /// Bytes counted since the start.
    Bytes(u64),
    /// Bits per second over the last interval.
    BitsPerSecond(f64),
}

/// Bytes in a unit: K, M, G, T are powers of 1000 (with or without B), Ki, Mi, Gi, Ti powers of 1024.
fn bytes_in(unit: &str) -> Option<f64> {
    let decimal = ["", "k", "m", "g", "t"];
    let lower = unit.to_ascii_lowercase();
    let prefix = lower.strip_suffix('b').unwrap_or(&lower);
    if let Some(binary) = prefix.strip_suffix('i') {
        let power = decimal.iter().position(|&p| p == binary).filter(|&power| power > 0)?;
        return Some(1024f64.powi(power as i32));
    }
    decimal.iter().position(|&p| p == prefix).map(|power| 1000f64.powi(power as i32))
}

/// Bits per second in a rate's unit (before `/s`): `bit`, `Kbit`, `Mbit`, `Gbit` (1000s), or a byte unit (× 8);
/// or the table's own `bps`, `Kbps`, `Mbps`, `Gbps` without `/s`.
fn bits_in(unit: &str) -> Option<f64> {
    let lower = unit.to_ascii_lowercase();
    match lower.strip_suffix("bit") {
        Some(prefix) => ["", "k", "m", "g", "t"].iter().position(|&p| p == prefix).map(|p| 1000f64.powi(p as i32)),
        None => bytes_in(unit).map(|bytes| bytes * 8.0),
    }
}

/// `--exit-over`'s value: a size (`500000`, `10M`, `1GiB`) or a rate (`5Mbit/s`, `2MB/s`, `800Kbps`).
pub fn parse_exit_over(text: &str) -> Result<ExitOver, String> {
    let number_end = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, unit) = text.split_at(number_end);
    let invalid = || format!("'{text}' is neither a size (10M, 1GiB, 500000) nor a rate (5Mbit/s, 2MB/s, 800Kbps)");
    let number: f64 = number.parse().map_err(|_| invalid())?;
    let unit = unit.trim();
    let rate = |scale: f64| ExitOver::BitsPerSecond(number * scale);
    let limit = match (unit.strip_suffix("/s"), unit.to_ascii_lowercase().strip_suffix("bps")) {
        (Some(per_second), _) => bits_in(per_second).map(rate),
        (None, Some(prefix)) => bits_in(&format!("{prefix}bit")).map(rate),
        (None, None) => bytes_in(unit).map(|scale| ExitOver::Bytes((number * scale) as u64)),
    };
    limit.ok_or_else(invalid)
}

impl fmt::Display for ExitOver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExitOver::Bytes(bytes) => write!(f, "{bytes} bytes"),
            ExitOver::BitsPerSecond(rate) => write!(f, "{}", super::Bitrate(*rate)),
        }
    }
}

/// The group or flow that crossed the limit: the error that ends `--stats` with exit code 2.
#[derive(Debug)]
pub struct ThresholdCrossed {
    what: String,
    limit: ExitOver,
}

impl fmt::Display for ThresholdCrossed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} crossed --exit-over {}", self.what, self.limit)
    }
}

impl std::error::Error for ThresholdCrossed {}

/// What `--exit-over` watches: each snapshot's groups (or flows) against the limit.
pub struct Watch {
    limit: ExitOver,
    group_by: Vec<GroupBy>,
    recent: RecentBytes,
}

impl Watch {
    pub fn new(limit: ExitOver, group_by: &[GroupBy]) -> Watch {
        Watch { limit, group_by: group_by.to_vec(), recent: RecentBytes::default() }
    }

    /// At the end: a size is checked once more (the count may end between two checks); a rate is not, as the time
    /// since the last check may be too short to tell one.
    pub fn check_final(&mut self, snapshot: &Snapshot) -> Option<ThresholdCrossed> {
        match self.limit {
            ExitOver::Bytes(_) => self.check(snapshot),
            ExitOver::BitsPerSecond(_) => None,
        }
    }

    /// The first group (or flow) of `snapshot` over the limit: by its bytes, or by its bitrate since the previous
    /// check.
    pub fn check(&mut self, snapshot: &Snapshot) -> Option<ThresholdCrossed> {
        let (recent, interval) = self.recent.update(snapshot);
        let over = |bytes: u64, recent_bytes: u64| match self.limit {
            ExitOver::Bytes(limit) => bytes > limit,
            ExitOver::BitsPerSecond(limit) => bitrate(recent_bytes, interval) > limit,
        };
        let crossed = |what: String| Some(ThresholdCrossed { what, limit: self.limit });
        let flows = snapshot.flows.iter().zip(recent);
        if self.group_by.is_empty() {
            return flows
                .into_iter()
                .find(|(flow, recent)| over(flow.bytes, *recent))
                .and_then(|(flow, _)| crossed(format!("flow {}", flow_name(flow))));
        }
        let groups = group(flows, &self.group_by, &LocalAddresses::of_this_host());
        let group = groups.into_iter().find(|group| over(group.bytes, group.recent_bytes))?;
        let names: Vec<String> = self
            .group_by
            .iter()
            .zip(&group.key)
            .map(|(by, member)| format!("{} {member}", by.column().to_ascii_lowercase()))
            .collect();
        crossed(names.join(", "))
    }
}

/// `udp 10.0.0.1:5000 > 10.0.0.2:53`.
fn flow_name(flow: &FlowStats) -> String {
    format!("{} {} > {}", protocol_column(flow), endpoint(flow, true), endpoint(flow, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_rates_parse_with_their_units() {
        assert_eq!(parse_exit_over("500000"), Ok(ExitOver::Bytes(500_000)));
        assert_eq!(parse_exit_over("10M"), Ok(ExitOver::Bytes(10_000_000)));
        assert_eq!(parse_exit_over("10k"), Ok(ExitOver::Bytes(10_000)));
        assert_eq!(parse_exit_over("1GiB"), Ok(ExitOver::Bytes(1 << 30)));
        assert_eq!(parse_exit_over("1.5KiB"), Ok(ExitOver::Bytes(1536)));
        assert_eq!(parse_exit_over("2MB"), Ok(ExitOver::Bytes(2_000_000)));
        assert_eq!(parse_exit_over("5Mbit/s"), Ok(ExitOver::BitsPerSecond(5e6)));
        assert_eq!(parse_exit_over("2MB/s"), Ok(ExitOver::BitsPerSecond(16e6)));
        assert_eq!(parse_exit_over("800Kbps"), Ok(ExitOver::BitsPerSecond(8e5)));
        assert_eq!(parse_exit_over("100bit/s"), Ok(ExitOver::BitsPerSecond(100.0)));
        for bad in ["", "M", "10Q", "10 furlongs", "5Mbit", "1.2.3K", "10Bi", "-5"] {
            assert!(parse_exit_over(bad).is_err(), "{bad}");
        }
    }
}
