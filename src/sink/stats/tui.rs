//! `--tui`: the flow table live in the terminal, refreshed every `--refresh`, bitrates over the last interval: the
//! kernel's counts with `--stats`, the flows of the packets captured otherwise, with tcpdump's counters (captured,
//! received by filter, dropped by kernel, dropped by interface) as they grow. Keys: arrows or j/k move the selection (PageUp/PageDown,
//! Home/End), b/p/y/s/d sort by bitrate, packets, bytes, source, destination (again: reversed; groups sort by their
//! keys for s and d), Tab or g cycles the grouping (flows, then by process, container, pod, remote, proto;
//! `--group-by`'s first), q, x or Ctrl-C quit.

use std::{
    cmp::Ordering,
    time::{Duration, Instant},
};

use anyhow::Context;
use ratatui::{
    Frame,
    crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers},
    layout::{Constraint, Layout},
    style::{Modifier, Style},
    text::Line,
    widgets::{Cell, Paragraph, Row, Table, TableState},
};

use super::{
    Bitrate, FlowKey, ProtocolName, RecentBytes, Snapshot, bitrate,
    group::{GroupBy, LocalAddresses, Member, group},
    table::{COLUMNS, HEADER, cells, group_cells, group_header},
};
use crate::source::live::CaptureSummary;

/// How often the view looks at the keyboard and draws.
pub const STEP: Duration = Duration::from_millis(50);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    Bitrate,
    Packets,
    Bytes,
    Source,
    Destination,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Quit,
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
    Sort(SortKey),
    /// The next grouping.
    Regroup,
    Nothing,
}

/// What a key does.
pub fn action(key: KeyEvent) -> Action {
    if key.kind == KeyEventKind::Release {
        return Action::Nothing;
    }
    match key.code {
        KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => Action::Quit,
        KeyCode::Char('q' | 'x') | KeyCode::Esc => Action::Quit,
        KeyCode::Up | KeyCode::Char('k') => Action::Up,
        KeyCode::Down | KeyCode::Char('j') => Action::Down,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::Home => Action::First,
        KeyCode::End => Action::Last,
        KeyCode::Char('b') => Action::Sort(SortKey::Bitrate),
        KeyCode::Char('p') => Action::Sort(SortKey::Packets),
        KeyCode::Char('y') => Action::Sort(SortKey::Bytes),
        KeyCode::Char('s') => Action::Sort(SortKey::Source),
        KeyCode::Char('d') => Action::Sort(SortKey::Destination),
        KeyCode::Tab | KeyCode::Char('g') => Action::Regroup,
        _ => Action::Nothing,
    }
}

/// What a row is: a flow, or a group of flows by its members.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum RowKey {
    Flow(FlowKey),
    Group(Vec<Member>),
}

/// A flow or group as the view shows it: its counts, its bitrate over the last interval, and its cells.
#[derive(Clone, Debug)]
struct ViewRow {
    key: RowKey,
    packets: u64,
    bytes: u64,
    bitrate: f64,
    cells: Vec<String>,
}

/// What one refresh shows: the flows, and while capturing tcpdump's counts so far.
pub struct Sample {
    pub flows: Snapshot,
    pub capture: Option<CaptureSummary>,
}

impl From<Snapshot> for Sample {
    fn from(flows: Snapshot) -> Sample {
        Sample { flows, capture: None }
    }
}

/// The groupings Tab cycles through: flows, then each key alone; `--group-by`'s combination after flows when it is
/// none of those.
fn groupings(group_by: &[GroupBy]) -> Vec<Vec<GroupBy>> {
    let single = [GroupBy::Process, GroupBy::Container, GroupBy::Pod, GroupBy::Remote, GroupBy::Proto];
    let mut groupings: Vec<Vec<GroupBy>> = std::iter::once(Vec::new()).chain(single.map(|by| vec![by])).collect();
    if !groupings.iter().any(|grouping| grouping == group_by) {
        groupings.insert(1, group_by.to_vec());
    }
    groupings
}

/// The state of the live table: the last snapshot with interval bitrates, the grouping, the order and the
/// selection.
pub struct View {
    rows: Vec<ViewRow>,
    snapshot: Snapshot,
    /// While capturing: tcpdump's counts at the last sample.
    capture: Option<CaptureSummary>,
    /// Bytes each flow of `snapshot` gained over the last interval.
    recent: Vec<u64>,
    recent_bytes: RecentBytes,
    interval: Duration,
    groupings: Vec<Vec<GroupBy>>,
    /// Which of `groupings` is shown.
    grouping: usize,
    sort: SortKey,
    reversed: bool,
    table: TableState,
    /// The selected row, kept selected when rows reorder.
    selected: Option<RowKey>,
}

impl Default for View {
    fn default() -> Self {
        View::grouped_by(&[])
    }
}

impl View {
    /// A view that starts grouped by `group_by` (flows when empty).
    pub fn grouped_by(group_by: &[GroupBy]) -> View {
        let groupings = groupings(group_by);
        View {
            rows: Vec::new(),
            snapshot: Snapshot::default(),
            capture: None,
            recent: Vec::new(),
            recent_bytes: RecentBytes::default(),
            interval: Duration::ZERO,
            grouping: groupings.iter().position(|grouping| grouping == group_by).unwrap_or_default(),
            groupings,
            sort: SortKey::Bitrate,
            reversed: false,
            table: TableState::default(),
            selected: None,
        }
    }

    /// Takes a new snapshot: each flow's bitrate is the bytes it gained since the previous one over the time
    /// between them (a new flow's since counting began, for the first snapshot); a group's, its flows' summed.
    pub fn update(&mut self, sample: impl Into<Sample>) {
        let Sample { flows: snapshot, capture } = sample.into();
        (self.recent, self.interval) = self.recent_bytes.update(&snapshot);
        self.snapshot = snapshot;
        self.capture = capture;
        self.build_rows();
    }

    /// The rows of the snapshot in the current grouping, ordered.
    fn build_rows(&mut self) {
        let flows = self.snapshot.flows.iter().zip(self.recent.iter().copied());
        let group_by = &self.groupings[self.grouping];
        self.rows = match group_by.is_empty() {
            true => flows
                .map(|(flow, recent)| {
                    let bits_per_second = bitrate(recent, self.interval);
                    ViewRow {
                        key: RowKey::Flow(flow.key.clone()),
                        packets: flow.packets,
                        bytes: flow.bytes,
                        bitrate: bits_per_second,
                        cells: cells(flow, bits_per_second).to_vec(),
                    }
                })
                .collect(),
            false => group(flows, group_by, &LocalAddresses::of_this_host())
                .into_iter()
                .map(|group| {
                    let bits_per_second = bitrate(group.recent_bytes, self.interval);
                    ViewRow {
                        cells: group_cells(&group, bits_per_second),
                        key: RowKey::Group(group.key),
                        packets: group.packets,
                        bytes: group.bytes,
                        bitrate: bits_per_second,
                    }
                })
                .collect(),
        };
        self.order();
    }

    pub fn apply(&mut self, action: Action, page: usize) {
        let last = self.rows.len().saturating_sub(1);
        let at = self.table.selected();
        let moved = match action {
            Action::Up => Some(at.map_or(0, |at| at.saturating_sub(1))),
            Action::Down => Some(at.map_or(0, |at| (at + 1).min(last))),
            Action::PageUp => Some(at.map_or(0, |at| at.saturating_sub(page))),
            Action::PageDown => Some(at.map_or(0, |at| (at + page).min(last))),
            Action::First => Some(0),
            Action::Last => Some(last),
            Action::Sort(key) => {
                self.reversed = self.sort == key && !self.reversed;
                self.sort = key;
                self.order();
                None
            }
            Action::Regroup => {
                self.grouping = (self.grouping + 1) % self.groupings.len();
                self.selected = None;
                self.table.select(None);
                self.build_rows();
                None
            }
            Action::Quit | Action::Nothing => None,
        };
        if let Some(row) = moved.filter(|_| !self.rows.is_empty()) {
            self.table.select(Some(row));
            self.selected = Some(self.rows[row].key.clone());
        }
    }

    /// Sorts the rows (numbers descending, addresses ascending, ties by the key) and follows the selected row.
    fn order(&mut self) {
        let sort = self.sort;
        let endpoint = |key: &RowKey, source: bool| match key {
            RowKey::Flow(flow) if source => Some((flow.source, flow.source_port)),
            RowKey::Flow(flow) => Some((flow.destination, flow.destination_port)),
            RowKey::Group(_) => None,
        };
        let compare = |a: &ViewRow, b: &ViewRow| -> Ordering {
            let by_key = match sort {
                SortKey::Bitrate => b.bitrate.total_cmp(&a.bitrate),
                SortKey::Packets => b.packets.cmp(&a.packets),
                SortKey::Bytes => b.bytes.cmp(&a.bytes),
                SortKey::Source => endpoint(&a.key, true).cmp(&endpoint(&b.key, true)),
                SortKey::Destination => endpoint(&a.key, false).cmp(&endpoint(&b.key, false)),
            };
            by_key.then_with(|| a.key.cmp(&b.key))
        };
        self.rows.sort_by(compare);
        if self.reversed {
            self.rows.reverse();
        }
        let position = self.selected.as_ref().and_then(|key| self.rows.iter().position(|row| &row.key == key));
        self.table.select(position.or_else(|| self.table.selected().map(|at| at.min(self.rows.len().max(1) - 1))));
    }

    /// The lines above the table.
    fn summary_lines(&self) -> u16 {
        if self.capture.is_some() { 3 } else { 2 }
    }

    pub fn render(&mut self, frame: &mut Frame) {
        let [summary, table, help] =
            Layout::vertical([Constraint::Length(self.summary_lines()), Constraint::Min(1), Constraint::Length(1)])
                .areas(frame.area());
        let snapshot = &self.snapshot;
        let packets: u64 = snapshot.totals.iter().map(|total| total.packets).sum();
        let bytes: u64 = snapshot.totals.iter().map(|total| total.bytes).sum();
        let group_by = &self.groupings[self.grouping];
        let shown = match group_by.is_empty() {
            true => String::new(),
            false => format!(" in {} groups by {}", self.rows.len(), names(group_by)),
        };
        // What this view loses is shown always, 0 included: with --stats the flows evicted from the kernel's full
        // table; while capturing the packets the full ring buffer and the interfaces dropped, in tcpdump's words on a
        // line of their own.
        let (mode, lost) = match self.capture {
            None => ("--stats", format!("  {} flows evicted", snapshot.evicted)),
            Some(_) => ("capture", String::new()),
        };
        let text = format!(
            "ptstat {mode}  {} flows{shown}  {packets} packets  {bytes} bytes  {} over the last {:.1} s  ({:.0} s \
             counted){lost}",
            snapshot.flows.len(),
            Bitrate(bitrate(self.recent.iter().sum(), self.interval)),
            self.interval.as_secs_f64(),
            snapshot.elapsed.as_secs_f64(),
        );
        let per_protocol: Vec<String> = snapshot
            .totals
            .iter()
            .map(|total| format!("{}: {} packets, {} bytes", ProtocolName(total.protocol), total.packets, total.bytes))
            .collect();
        let mut lines = vec![Line::from(text)];
        lines.extend(self.capture.map(|capture| Line::from(capture.every_counter().join(", "))));
        lines.push(Line::from(per_protocol.join("   ")));
        frame.render_widget(Paragraph::new(lines), summary);

        let (header, widths): (Vec<&str>, Vec<Constraint>) = match group_by.is_empty() {
            true => (HEADER.to_vec(), FLOW_WIDTHS.to_vec()),
            false => {
                let keys = group_by.iter().map(|_| Constraint::Min(16));
                (group_header(group_by), FLOW_WIDTHS[..4].iter().copied().chain(keys).collect())
            }
        };
        // Groups sort by their keys for s and d: the first key's column is marked.
        let sorted_column = match self.sort {
            SortKey::Bitrate => 0,
            SortKey::Packets => 1,
            SortKey::Bytes => 2,
            SortKey::Source => 4,
            SortKey::Destination if group_by.is_empty() => 5,
            SortKey::Destination => 4,
        };
        let header = Row::new(header.iter().enumerate().map(|(column, name)| {
            let style = Style::new().add_modifier(Modifier::BOLD);
            match column == sorted_column {
                true => Cell::from(format!("{name}{}", if self.reversed { "^" } else { "v" }))
                    .style(style.add_modifier(Modifier::UNDERLINED)),
                false => Cell::from(*name).style(style),
            }
        }));
        let rows = self.rows.iter().map(|row| Row::new(row.cells.clone()));
        let table_widget =
            Table::new(rows, widths).header(header).row_highlight_style(Style::new().add_modifier(Modifier::REVERSED));
        frame.render_stateful_widget(table_widget, table, &mut self.table);
        let next = &self.groupings[(self.grouping + 1) % self.groupings.len()];
        let keys = format!(
            "↑/↓ j/k select  sort: b bitrate  p packets  y bytes  s src  d dst (again: reverse)  Tab/g group by: {}  \
             q quit",
            names(next)
        );
        frame.render_widget(Paragraph::new(Line::from(keys)), help);
    }
}

/// The columns' widths of the flow table; grouped rows have its first four, then their keys'.
const FLOW_WIDTHS: [Constraint; COLUMNS] = [
    Constraint::Length(12),
    Constraint::Length(9),
    Constraint::Length(11),
    Constraint::Length(10),
    Constraint::Min(16),
    Constraint::Min(16),
    Constraint::Length(7),
    Constraint::Length(15),
    Constraint::Min(10),
    Constraint::Min(10),
    Constraint::Min(10),
];

/// A grouping as the view names it: `process,remote`, or `flows` for none.
fn names(group_by: &[GroupBy]) -> String {
    match group_by.is_empty() {
        true => "flows".to_string(),
        false => group_by.iter().map(|by| by.column().to_ascii_lowercase()).collect::<Vec<_>>().join(","),
    }
}

/// The live view on the terminal, from `start` until dropped: the terminal is restored then, on every way out, a
/// panic included (ratatui's init installs a hook for that).
pub struct LiveView {
    terminal: ratatui::DefaultTerminal,
    view: View,
    /// Rows a PageUp/PageDown moves: the table's height at the last draw.
    page: usize,
    refresh: Duration,
    next_sample: Instant,
}

impl LiveView {
    pub fn start(refresh: Duration, first: Sample, group_by: &[GroupBy]) -> anyhow::Result<LiveView> {
        let mut view = View::grouped_by(group_by);
        view.update(first);
        let terminal = ratatui::try_init().context("setting up the terminal")?;
        Ok(LiveView { terminal, view, page: 10, refresh, next_sample: Instant::now() + refresh })
    }

    /// Applies the keys pressed since the last step, takes a new sample once `refresh` has passed, and draws;
    /// `false` once the user quits (q, x, Ctrl-C). Never waits: the caller steps it every `STEP`.
    pub fn step(&mut self, sample: &mut dyn FnMut() -> anyhow::Result<Sample>) -> anyhow::Result<bool> {
        while event::poll(Duration::ZERO).context("reading the terminal")? {
            // A resize needs nothing more: the view is drawn below, at the new size.
            if let Event::Key(key) = event::read().context("reading the terminal")? {
                match action(key) {
                    Action::Quit => return Ok(false),
                    other => self.view.apply(other, self.page),
                }
            }
        }
        if Instant::now() >= self.next_sample {
            self.view.update(sample()?);
            self.next_sample = Instant::now() + self.refresh;
        }
        let (view, page) = (&mut self.view, &mut self.page);
        self.terminal
            .draw(|frame| {
                // Less the summary, the table's header and the keys' line.
                *page = usize::from(frame.area().height.saturating_sub(view.summary_lines() + 3)).max(1);
                view.render(frame);
            })
            .context("drawing")?;
        Ok(true)
    }
}

impl Drop for LiveView {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

#[cfg(test)]
mod tests {
    use std::{collections::HashMap, net::IpAddr};

    use ratatui::{Terminal, backend::TestBackend};

    use super::*;
    use crate::{
        sink::stats::{FlowStats, IPPROTO_UDP, ProtocolTotal},
        source::live::CaptureCounters,
    };

    fn flow(port: u16, packets: u64, bytes: u64) -> FlowStats {
        FlowStats {
            key: FlowKey {
                netns: 1,
                protocol: IPPROTO_UDP,
                source: "10.0.0.1".parse::<IpAddr>().unwrap(),
                destination: "10.0.0.2".parse::<IpAddr>().unwrap(),
                source_port: port,
                destination_port: 53,
                pid: 7,
                cgroup_id: 1,
            },
            packets,
            bytes,
            comm: "dig".into(),
            cgroup: "/".into(),
            container: None,
            pod: None,
            peer: None,
        }
    }

    fn snapshot(seconds: u64, flows: Vec<FlowStats>) -> Snapshot {
        let totals = vec![ProtocolTotal {
            protocol: IPPROTO_UDP,
            packets: flows.iter().map(|f| f.packets).sum(),
            bytes: flows.iter().map(|f| f.bytes).sum(),
        }];
        Snapshot { elapsed: Duration::from_secs(seconds), flows, evicted: 0, totals }
    }

    fn screen(view: &mut View, width: u16, height: u16) -> Vec<String> {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal.draw(|frame| view.render(frame)).unwrap();
        let buffer = terminal.backend().buffer().clone();
        (0..height).map(|y| (0..width).map(|x| buffer[(x, y)].symbol().to_string()).collect::<String>()).collect()
    }

    fn source_port(row: &ViewRow) -> u16 {
        match &row.key {
            RowKey::Flow(key) => key.source_port,
            RowKey::Group(_) => panic!("a group: {row:?}"),
        }
    }

    fn row_of(lines: &[String], port: u16) -> usize {
        let needle = format!("10.0.0.1:{port}");
        lines.iter().position(|line| line.contains(&needle)).unwrap_or_else(|| panic!("{needle}: {lines:#?}"))
    }

    #[test]
    fn bitrate_is_over_the_last_interval_not_the_lifetime() {
        let mut view = View::default();
        view.update(snapshot(1, vec![flow(1000, 10, 10_000), flow(2000, 1, 100)]));
        // In the next 2 seconds the first flow stops and the second sends 1000 bytes.
        view.update(snapshot(3, vec![flow(1000, 10, 10_000), flow(2000, 11, 1100)]));
        let rates: HashMap<u16, f64> = view.rows.iter().map(|row| (source_port(row), row.bitrate)).collect();
        assert_eq!(rates[&1000], 0.0);
        assert_eq!(rates[&2000], 4000.0);
        // Sorted by that bitrate: the quiet flow with more bytes comes second.
        assert_eq!(source_port(&view.rows[0]), 2000);
    }

    #[test]
    fn sort_keys_reorder_rows_and_the_selection_follows_its_flow() {
        let mut view = View::default();
        view.update(snapshot(1, vec![flow(1000, 100, 5_000), flow(2000, 3, 9_000)]));
        let lines = screen(&mut view, 160, 10);
        assert!(row_of(&lines, 2000) < row_of(&lines, 1000), "bitrate first: {lines:#?}");
        view.apply(Action::Down, 5);
        assert_eq!(view.selected, Some(view.rows[0].key.clone()));
        assert_eq!(source_port(&view.rows[0]), 2000);
        view.apply(Action::Sort(SortKey::Packets), 5);
        let lines = screen(&mut view, 160, 10);
        assert!(row_of(&lines, 1000) < row_of(&lines, 2000), "packets: {lines:#?}");
        assert_eq!(view.table.selected(), Some(1), "the selection stays on its flow");
        view.apply(Action::Sort(SortKey::Packets), 5);
        let lines = screen(&mut view, 160, 10);
        assert!(row_of(&lines, 2000) < row_of(&lines, 1000), "packets reversed: {lines:#?}");
        view.apply(Action::Sort(SortKey::Source), 5);
        let lines = screen(&mut view, 160, 10);
        assert!(row_of(&lines, 1000) < row_of(&lines, 2000), "source: {lines:#?}");
    }

    #[test]
    fn tab_cycles_the_grouping_and_groups_sum_their_flows() {
        let mut view = View::default();
        view.update(snapshot(1, vec![flow(1000, 10, 1000), flow(2000, 5, 500)]));
        view.update(snapshot(2, vec![flow(1000, 20, 2000), flow(2000, 10, 1000)]));
        assert!(screen(&mut view, 160, 10)[9].contains("Tab/g group by: process"));
        view.apply(Action::Regroup, 5);
        let lines = screen(&mut view, 160, 10);
        assert!(lines[0].contains("2 flows in 1 groups by process"), "{lines:#?}");
        assert!(lines[2].split_whitespace().eq(["BITRATEv", "PACKETS", "BYTES", "FLOWS", "PROCESS"]), "{lines:#?}");
        // Over the last second the two flows gained 1000 and 500 bytes: 12 Kbps together.
        let row: Vec<&str> = lines[3].split_whitespace().collect();
        assert_eq!(row, ["12.00", "Kbps", "30", "3000", "2", "dig.7"], "{lines:#?}");
        assert!(lines[9].contains("Tab/g group by: container"), "{lines:#?}");
        for _ in 0..5 {
            view.apply(Action::Regroup, 5);
        }
        let lines = screen(&mut view, 160, 10);
        assert!(row_of(&lines, 1000) > 2 && row_of(&lines, 2000) > 2, "back to flows: {lines:#?}");
        assert_eq!(groupings(&[GroupBy::Process, GroupBy::Remote]).len(), 7, "a combination joins the cycle");
    }

    #[test]
    fn keys_map_to_actions() {
        let key = |code| KeyEvent::new(code, KeyModifiers::NONE);
        assert_eq!(action(key(KeyCode::Char('q'))), Action::Quit);
        assert_eq!(action(key(KeyCode::Char('x'))), Action::Quit);
        assert_eq!(action(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)), Action::Quit);
        assert_eq!(action(key(KeyCode::Char('j'))), Action::Down);
        assert_eq!(action(key(KeyCode::Up)), Action::Up);
        assert_eq!(action(key(KeyCode::Char('y'))), Action::Sort(SortKey::Bytes));
        assert_eq!(action(key(KeyCode::Tab)), Action::Regroup);
        assert_eq!(action(key(KeyCode::Char('g'))), Action::Regroup);
        assert_eq!(action(key(KeyCode::Char('c'))), Action::Nothing);
    }

    #[test]
    fn a_capture_shows_tcpdumps_counters_on_a_line_of_their_own() {
        let mut view = View::default();
        let kernel = CaptureCounters { seen: 12, matched: 10, dropped: 3 };
        view.update(Sample {
            flows: snapshot(1, vec![flow(1000, 7, 700)]),
            capture: Some(CaptureSummary { captured: 7, kernel, interface_dropped: 2 }),
        });
        let lines = screen(&mut view, 160, 10);
        assert!(
            lines[0].starts_with("ptstat capture  1 flows  7 packets") && !lines[0].contains("evicted"),
            "{lines:#?}"
        );
        assert!(
            lines[1].starts_with(
                "7 packets captured, 10 packets received by filter, 3 packets dropped by kernel, 2 packets dropped by \
                 interface"
            ),
            "{lines:#?}"
        );
        assert!(lines[2].starts_with("udp: 7 packets") && lines[3].contains("BITRATE"), "{lines:#?}");
        assert_eq!(row_of(&lines, 1000), 4, "{lines:#?}");
    }

    #[test]
    fn tiny_terminals_do_not_break_the_layout() {
        let mut view = View::default();
        view.update(snapshot(1, vec![flow(1000, 1, 100)]));
        for (width, height) in [(20, 5), (1, 1), (70, 12)] {
            let lines = screen(&mut view, width, height);
            assert_eq!(lines.len(), usize::from(height));
        }
    }
}
