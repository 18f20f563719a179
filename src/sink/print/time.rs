//! The timestamp that starts each line, in tcpdump's `-t` styles.

use chrono::{Datelike, Local, TimeZone, Timelike};

use super::Line;
use crate::packet::Timestamp;

/// How the line's timestamp is written; tcpdump's flag in parentheses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TimestampFormat {
    /// Local time of day, `06:42:59.236709` (no flag).
    #[default]
    TimeOfDay,
    /// No timestamp (`-t`).
    None,
    /// Seconds since the epoch, `1700000000.236709` (`-tt`).
    Epoch,
    /// Time since the previous packet, ` 00:00:00.000120` (`-ttt`).
    SincePrevious,
    /// Local date and time, `2023-11-14 06:42:59.236709` (`-tttt`).
    DateAndTime,
    /// Time since the first packet (`-ttttt`).
    SinceFirst,
}

impl TimestampFormat {
    /// The style for `-t` given `count` times.
    pub fn from_t_count(count: u8) -> TimestampFormat {
        match count {
            0 => TimestampFormat::TimeOfDay,
            1 => TimestampFormat::None,
            2 => TimestampFormat::Epoch,
            3 => TimestampFormat::SincePrevious,
            4 => TimestampFormat::DateAndTime,
            _ => TimestampFormat::SinceFirst,
        }
    }
}

const NANOS_PER_MICRO: u64 = 1_000;
const SECONDS_PER_DAY: u64 = 86_400;

/// Writes timestamps in one format, remembering the packets the relative formats count from.
pub(super) struct TimestampPrinter {
    format: TimestampFormat,
    nanos: bool,
    /// The packet that relative timestamps count from: the first, or the previous one.
    reference: Option<Timestamp>,
    /// The local date and time of the last second printed, as written (`None`: not convertible). Packets come many
    /// a second, and converting to local time asks the clock and the time zone each time.
    local_second: Option<(u64, Option<String>)>,
}

impl TimestampPrinter {
    pub fn new(format: TimestampFormat, nanos: bool) -> Self {
        TimestampPrinter { format, nanos, reference: None, local_second: None }
    }

    /// Writes the timestamp of a packet and the space after it (nothing for `-t`).
    pub fn print(&mut self, line: &mut Line, timestamp: Timestamp) {
        // tcpdump receives microseconds unless asked for nanoseconds, so it counts in whole microseconds.
        let timestamp = if self.nanos { timestamp } else { Timestamp(timestamp.0 / NANOS_PER_MICRO * NANOS_PER_MICRO) };
        match self.format {
            TimestampFormat::None => return,
            TimestampFormat::TimeOfDay => self.print_local(line, timestamp, false),
            TimestampFormat::DateAndTime => self.print_local(line, timestamp, true),
            TimestampFormat::Epoch => {
                if !is_convertible(timestamp.secs()) {
                    line.push(CONVERSION_ERROR);
                } else {
                    line.put_decimal(timestamp.secs());
                    self.print_fraction(line, timestamp);
                }
            }
            TimestampFormat::SincePrevious | TimestampFormat::SinceFirst => self.print_delta(line, timestamp),
        }
        line.push(" ");
    }

    fn print_local(&mut self, line: &mut Line, timestamp: Timestamp, with_date: bool) {
        let secs = timestamp.secs();
        if self.local_second.as_ref().is_none_or(|(last, _)| *last != secs) {
            self.local_second = Some((secs, local_time(secs, with_date)));
        }
        match self.local_second.as_ref().and_then(|(_, text)| text.as_deref()) {
            Some(text) => {
                line.push(text);
                self.print_fraction(line, timestamp);
            }
            None => line.push(CONVERSION_ERROR),
        }
    }

    /// ` 00:00:01.000250`, or with `-` for a packet older than the one it is compared with.
    fn print_delta(&mut self, line: &mut Line, timestamp: Timestamp) {
        let reference = *self.reference.get_or_insert(timestamp);
        let (sign, delta) = if timestamp < reference {
            ("-", Timestamp(reference.0 - timestamp.0))
        } else {
            (" ", Timestamp(timestamp.0 - reference.0))
        };
        line.push(sign);
        if !is_convertible(delta.secs()) {
            line.push(CONVERSION_ERROR);
        } else {
            // tcpdump writes the difference as a time of day in UTC: whole days drop out.
            let secs = delta.secs() % SECONDS_PER_DAY;
            line.put(format_args!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60));
            self.print_fraction(line, delta);
        }
        if self.format == TimestampFormat::SincePrevious {
            self.reference = Some(timestamp);
        }
    }

    fn print_fraction(&self, line: &mut Line, timestamp: Timestamp) {
        line.push_char('.');
        if self.nanos {
            line.put_zero_padded(timestamp.subsec_nanos(), 9);
        } else {
            line.put_zero_padded(timestamp.subsec_nanos() / NANOS_PER_MICRO as u32, 6);
        }
    }
}

/// `06:42:59`, or with the date `2023-11-14 06:42:59`, in local time; `None` if tcpdump could not convert it.
fn local_time(secs: u64, with_date: bool) -> Option<String> {
    let time = i64::try_from(secs).ok().and_then(|secs| Local.timestamp_opt(secs, 0).earliest());
    let time = time.filter(|_| is_convertible(secs))?;
    let date = match with_date {
        true => format!("{:04}-{:02}-{:02} ", time.year(), time.month(), time.day()),
        false => String::new(),
    };
    Some(format!("{date}{:02}:{:02}:{:02}", time.hour(), time.minute(), time.second()))
}

/// What tcpdump prints for seconds it holds in a 32-bit `time_t`-like value and finds negative.
const CONVERSION_ERROR: &str = "[Error converting time]";

/// tcpdump refuses seconds whose low 32 bits have the sign bit set (dates from 2038 on).
fn is_convertible(secs: u64) -> bool {
    secs as u32 & 0x8000_0000 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printed(format: TimestampFormat, nanos: bool, timestamps: &[u64]) -> Vec<String> {
        let mut printer = TimestampPrinter::new(format, nanos);
        timestamps
            .iter()
            .map(|&nanoseconds| {
                let mut line = Line::default();
                printer.print(&mut line, Timestamp(nanoseconds));
                line.text
            })
            .collect()
    }

    const T: u64 = 1_700_000_000_123_456_789;

    #[test]
    fn epoch_in_micro_and_nanoseconds() {
        assert_eq!(printed(TimestampFormat::Epoch, false, &[T]), ["1700000000.123456 "]);
        assert_eq!(printed(TimestampFormat::Epoch, true, &[T]), ["1700000000.123456789 "]);
        assert_eq!(printed(TimestampFormat::None, false, &[T]), [""]);
    }

    #[test]
    fn deltas_count_from_the_previous_or_first_packet() {
        let times = [T, T + 1_500_000_000, T + 1_000_000_000, T + 90_000_000_000_000];
        assert_eq!(
            printed(TimestampFormat::SincePrevious, false, &times),
            [" 00:00:00.000000 ", " 00:00:01.500000 ", "-00:00:00.500000 ", " 00:59:59.000000 "]
        );
        assert_eq!(
            printed(TimestampFormat::SinceFirst, true, &times),
            [" 00:00:00.000000000 ", " 00:00:01.500000000 ", " 00:00:01.000000000 ", " 01:00:00.000000000 "]
        );
    }

    #[test]
    fn seconds_tcpdump_cannot_convert() {
        assert_eq!(
            printed(TimestampFormat::Epoch, false, &[0x8000_0000 * 1_000_000_000]),
            ["[Error converting time] "]
        );
    }

    /// The exact local time depends on the time zone; the differential test compares it with tcpdump's in UTC.
    #[test]
    fn local_time_has_tcpdumps_shape() {
        let [time] = <[String; 1]>::try_from(printed(TimestampFormat::TimeOfDay, false, &[T])).expect("one");
        assert_eq!(time.len(), "22:13:20.123456 ".len());
        assert!(time.ends_with(":20.123456 "), "{time}");
        let [date] = <[String; 1]>::try_from(printed(TimestampFormat::DateAndTime, true, &[T])).expect("one");
        assert_eq!(date.len(), "2023-11-14 22:13:20.123456789 ".len());
        assert!(date.ends_with(":20.123456789 "), "{date}");
        for extreme in [0, u64::MAX, 1 << 62] {
            let printed = printed(TimestampFormat::DateAndTime, false, &[extreme]);
            assert!(printed[0].ends_with(' '), "{printed:?}");
        }
    }

    #[test]
    fn flag_counts() {
        assert_eq!(TimestampFormat::from_t_count(0), TimestampFormat::TimeOfDay);
        assert_eq!(TimestampFormat::from_t_count(3), TimestampFormat::SincePrevious);
        assert_eq!(TimestampFormat::from_t_count(9), TimestampFormat::SinceFirst);
    }
}
