//! `--stats --tui`: the flow table live in the terminal, refreshed every `--refresh`, bitrates over the last
//! interval. Keys: arrows or j/k move the selection (PageUp/PageDown, Home/End), b/p/y/s/d sort by bitrate,
//! packets, bytes, source, destination (again: reversed), q, x or Ctrl-C quit.

use std::{
    cmp::Ordering,
    collections::HashMap,
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
    Bitrate, FlowKey, FlowStats, ProtocolName, Snapshot, bitrate,
    table::{HEADER, cells},
};

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
        _ => Action::Nothing,
    }
}

/// A flow as the view shows it: its counts and its bitrate over the last interval.
#[derive(Clone, Debug)]
struct ViewRow {
    flow: FlowStats,
    bitrate: f64,
}

/// The state of the live table: the last snapshot with interval bitrates, the order and the selection.
pub struct View {
    rows: Vec<ViewRow>,
    snapshot: Snapshot,
    /// Bytes per flow and when, at the previous snapshot.
    previous: HashMap<FlowKey, u64>,
    previous_elapsed: Duration,
    interval: Duration,
    interval_bytes: u64,
    sort: SortKey,
    reversed: bool,
    table: TableState,
    /// The selected flow, kept selected when rows reorder.
    selected: Option<FlowKey>,
}

impl Default for View {
    fn default() -> Self {
        View {
            rows: Vec::new(),
            snapshot: Snapshot::default(),
            previous: HashMap::new(),
            previous_elapsed: Duration::ZERO,
            interval: Duration::ZERO,
            interval_bytes: 0,
            sort: SortKey::Bitrate,
            reversed: false,
            table: TableState::default(),
            selected: None,
        }
    }
}

impl View {
    /// Takes a new snapshot: each flow's bitrate is the bytes it gained since the previous one over the time
    /// between them (a new flow's since counting began, for the first snapshot).
    pub fn update(&mut self, snapshot: Snapshot) {
        self.interval = snapshot.elapsed.saturating_sub(self.previous_elapsed);
        self.interval_bytes = 0;
        self.rows = snapshot
            .flows
            .iter()
            .map(|flow| {
                let gained = flow.bytes.saturating_sub(self.previous.get(&flow.key).copied().unwrap_or_default());
                self.interval_bytes += gained;
                ViewRow { flow: flow.clone(), bitrate: bitrate(gained, self.interval) }
            })
            .collect();
        self.previous = snapshot.flows.iter().map(|flow| (flow.key.clone(), flow.bytes)).collect();
        self.previous_elapsed = snapshot.elapsed;
        self.snapshot = snapshot;
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
            Action::Quit | Action::Nothing => None,
        };
        if let Some(row) = moved.filter(|_| !self.rows.is_empty()) {
            self.table.select(Some(row));
            self.selected = Some(self.rows[row].flow.key.clone());
        }
    }

    /// Sorts the rows (numbers descending, addresses ascending, ties by the tuple) and follows the selected flow.
    fn order(&mut self) {
        let sort = self.sort;
        let compare = |a: &ViewRow, b: &ViewRow| -> Ordering {
            let by_key = match sort {
                SortKey::Bitrate => b.bitrate.total_cmp(&a.bitrate),
                SortKey::Packets => b.flow.packets.cmp(&a.flow.packets),
                SortKey::Bytes => b.flow.bytes.cmp(&a.flow.bytes),
                SortKey::Source => {
                    (a.flow.key.source, a.flow.key.source_port).cmp(&(b.flow.key.source, b.flow.key.source_port))
                }
                SortKey::Destination => (a.flow.key.destination, a.flow.key.destination_port)
                    .cmp(&(b.flow.key.destination, b.flow.key.destination_port)),
            };
            by_key.then_with(|| a.flow.key.cmp(&b.flow.key))
        };
        self.rows.sort_by(compare);
        if self.reversed {
            self.rows.reverse();
        }
        let position = self.selected.as_ref().and_then(|key| self.rows.iter().position(|row| &row.flow.key == key));
        self.table.select(position.or_else(|| self.table.selected().map(|at| at.min(self.rows.len().max(1) - 1))));
    }

    pub fn render(&mut self, frame: &mut Frame) {
        let [summary, totals, table, help] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(1), Constraint::Length(1)])
                .areas(frame.area());
        let snapshot = &self.snapshot;
        let packets: u64 = snapshot.totals.iter().map(|total| total.packets).sum();
        let bytes: u64 = snapshot.totals.iter().map(|total| total.bytes).sum();
        let mut text = format!(
            "ptstat --stats  {} flows  {packets} packets  {bytes} bytes  {} over the last {:.1} s  ({:.0} s counted)",
            snapshot.flows.len(),
            Bitrate(bitrate(self.interval_bytes, self.interval)),
            self.interval.as_secs_f64(),
            snapshot.elapsed.as_secs_f64(),
        );
        if snapshot.evicted > 0 {
            text.push_str(&format!("  {} flows evicted", snapshot.evicted));
        }
        frame.render_widget(Paragraph::new(text), summary);
        let per_protocol: Vec<String> = snapshot
            .totals
            .iter()
            .map(|total| format!("{}: {} packets, {} bytes", ProtocolName(total.protocol), total.packets, total.bytes))
            .collect();
        frame.render_widget(Paragraph::new(per_protocol.join("   ")), totals);

        let sorted_column = match self.sort {
            SortKey::Bitrate => 0,
            SortKey::Packets => 1,
            SortKey::Bytes => 2,
            SortKey::Source => 4,
            SortKey::Destination => 5,
        };
        let header = Row::new(HEADER.iter().enumerate().map(|(column, name)| {
            let style = Style::new().add_modifier(Modifier::BOLD);
            match column == sorted_column {
                true => Cell::from(format!("{name}{}", if self.reversed { "^" } else { "v" }))
                    .style(style.add_modifier(Modifier::UNDERLINED)),
                false => Cell::from(*name).style(style),
            }
        }));
        let rows = self.rows.iter().map(|row| Row::new(cells(&row.flow, row.bitrate)));
        let widths = [
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
        let table_widget =
            Table::new(rows, widths).header(header).row_highlight_style(Style::new().add_modifier(Modifier::REVERSED));
        frame.render_stateful_widget(table_widget, table, &mut self.table);
        let keys = "↑/↓ j/k select  sort: b bitrate  p packets  y bytes  s src  d dst (again: reverse)  q quit";
        frame.render_widget(Paragraph::new(Line::from(keys)), help);
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
    pub fn start(refresh: Duration, first: Snapshot) -> anyhow::Result<LiveView> {
        let mut view = View::default();
        view.update(first);
        let terminal = ratatui::try_init().context("setting up the terminal")?;
        Ok(LiveView { terminal, view, page: 10, refresh, next_sample: Instant::now() + refresh })
    }

    /// Applies the keys pressed since the last step, takes a new sample once `refresh` has passed, and draws;
    /// `false` once the user quits (q, x, Ctrl-C). Never waits: the caller steps it every `STEP`.
    pub fn step(&mut self, sample: &mut dyn FnMut() -> anyhow::Result<Snapshot>) -> anyhow::Result<bool> {
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
                *page = usize::from(frame.area().height.saturating_sub(5)).max(1);
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
    use std::net::IpAddr;

    use ratatui::{Terminal, backend::TestBackend};

    use super::*;
    use crate::sink::stats::{IPPROTO_UDP, ProtocolTotal};

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
        let rates: HashMap<u16, f64> = view.rows.iter().map(|row| (row.flow.key.source_port, row.bitrate)).collect();
        assert_eq!(rates[&1000], 0.0);
        assert_eq!(rates[&2000], 4000.0);
        // Sorted by that bitrate: the quiet flow with more bytes comes second.
        assert_eq!(view.rows[0].flow.key.source_port, 2000);
    }

    #[test]
    fn sort_keys_reorder_rows_and_the_selection_follows_its_flow() {
        let mut view = View::default();
        view.update(snapshot(1, vec![flow(1000, 100, 5_000), flow(2000, 3, 9_000)]));
        let lines = screen(&mut view, 160, 10);
        assert!(row_of(&lines, 2000) < row_of(&lines, 1000), "bitrate first: {lines:#?}");
        view.apply(Action::Down, 5);
        assert_eq!(view.selected.as_ref().unwrap().source_port, 2000);
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
    fn keys_map_to_actions() {
        let key = |code| KeyEvent::new(code, KeyModifiers::NONE);
        assert_eq!(action(key(KeyCode::Char('q'))), Action::Quit);
        assert_eq!(action(key(KeyCode::Char('x'))), Action::Quit);
        assert_eq!(action(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)), Action::Quit);
        assert_eq!(action(key(KeyCode::Char('j'))), Action::Down);
        assert_eq!(action(key(KeyCode::Up)), Action::Up);
        assert_eq!(action(key(KeyCode::Char('y'))), Action::Sort(SortKey::Bytes));
        assert_eq!(action(key(KeyCode::Char('c'))), Action::Nothing);
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
