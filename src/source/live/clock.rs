//! Kernel timestamps to wall-clock time.
//!
//! The capture programs stamp packets with CLOCK_TAI (`bpf_ktime_get_tai_ns`). TAI differs from UTC wall-clock
//! time by the kernel's TAI offset, a whole number of seconds that only changes at a leap second, so the
//! conversion is exact to the nanosecond, unlike a boot-time clock whose offset to wall-clock time drifts and
//! would have to be estimated.

use crate::packet::Timestamp;

#[derive(Clone, Copy, Debug)]
pub struct TaiClock {
    offset_ns: u64,
}

impl TaiClock {
    /// Reads the kernel's current TAI offset.
    pub fn from_kernel() -> std::io::Result<Self> {
        // SAFETY: an all-zero timex with modes = 0 asks adjtimex to only read the clock state.
        let mut timex: libc::timex = unsafe { std::mem::zeroed() };
        // SAFETY: timex is a valid, writable struct timex.
        if unsafe { libc::adjtimex(&mut timex) } < 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(Self::with_offset_secs(timex.tai.max(0) as u64))
    }

    pub fn with_offset_secs(tai_offset_secs: u64) -> Self {
        TaiClock { offset_ns: tai_offset_secs * 1_000_000_000 }
    }

    pub fn to_wall_clock(self, tai_ns: u64) -> Timestamp {
        Timestamp(tai_ns.saturating_sub(self.offset_ns))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock_ns(clock: libc::clockid_t) -> u64 {
        let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: now is a valid timespec.
        assert_eq!(unsafe { libc::clock_gettime(clock, &mut now) }, 0);
        now.tv_sec as u64 * 1_000_000_000 + now.tv_nsec as u64
    }

    #[test]
    fn tai_converts_to_realtime_within_the_read_gap() {
        let clock = TaiClock::from_kernel().unwrap();
        let before = clock_ns(libc::CLOCK_REALTIME);
        let converted = clock.to_wall_clock(clock_ns(libc::CLOCK_TAI)).0;
        let after = clock_ns(libc::CLOCK_REALTIME);
        assert!(before <= converted && converted <= after, "{before} <= {converted} <= {after}");
    }

    #[test]
    fn keeps_nanoseconds() {
        let clock = TaiClock::with_offset_secs(37);
        assert_eq!(clock.to_wall_clock(1_700_000_037_123_456_789), Timestamp(1_700_000_000_123_456_789));
    }
}
