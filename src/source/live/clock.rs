//! Kernel timestamps to wall-clock time.
//!
//! The capture programs stamp packets with CLOCK_TAI (`bpf_ktime_get_tai_ns`) where the kernel has it (Linux 6.1).
//! TAI differs from UTC wall-clock time by the kernel's TAI offset, a whole number of seconds that only changes at
//! a leap second, so the conversion is exact to the nanosecond. Older kernels stamp with CLOCK_BOOTTIME, whose
//! offset to wall-clock time is measured once at start: exact as long as nobody sets the clock meanwhile.

use crate::packet::Timestamp;

#[derive(Clone, Copy, Debug)]
pub struct KernelClock {
    /// Wall-clock time minus the kernel clock's time, in nanoseconds.
    offset_ns: i128,
}

impl KernelClock {
    /// The clock the programs stamp with: CLOCK_TAI when `tai`, else CLOCK_BOOTTIME.
    pub fn from_kernel(tai: bool) -> std::io::Result<Self> {
        match tai {
            true => Self::tai(),
            false => Ok(Self::boot_time()),
        }
    }

    /// Reads the kernel's current TAI offset.
    fn tai() -> std::io::Result<Self> {
        // SAFETY: an all-zero timex with modes = 0 asks adjtimex to only read the clock state.
        let mut timex: libc::timex = unsafe { std::mem::zeroed() };
        // SAFETY: timex is a valid, writable struct timex.
        if unsafe { libc::adjtimex(&mut timex) } < 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(Self::with_tai_offset_secs(timex.tai.max(0) as u64))
    }

    pub fn with_tai_offset_secs(tai_offset_secs: u64) -> Self {
        KernelClock { offset_ns: -(tai_offset_secs as i128 * 1_000_000_000) }
    }

    /// Measures CLOCK_BOOTTIME against CLOCK_REALTIME: of a few reads of boot, real, boot time, the offset from the
    /// tightest pair, so the read itself costs least.
    fn boot_time() -> Self {
        let offset_ns = (0..5)
            .map(|_| {
                let before = clock_ns(libc::CLOCK_BOOTTIME);
                let real = clock_ns(libc::CLOCK_REALTIME);
                let after = clock_ns(libc::CLOCK_BOOTTIME);
                (after - before, real - (before + after) / 2)
            })
            .min()
            .map_or(0, |(_, offset)| offset);
        KernelClock { offset_ns }
    }

    pub fn to_wall_clock(self, kernel_ns: u64) -> Timestamp {
        Timestamp((kernel_ns as i128 + self.offset_ns).clamp(0, u64::MAX as i128) as u64)
    }
}

/// The time of `clock` in nanoseconds.
fn clock_ns(clock: libc::clockid_t) -> i128 {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: now is a valid, writable timespec; the clocks asked for exist on every Linux ptstat runs on.
    unsafe { libc::clock_gettime(clock, &mut now) };
    now.tv_sec as i128 * 1_000_000_000 + now.tv_nsec as i128
}

#[cfg(test)]
mod tests {
    use super::*;

    fn converts_within_the_read_gap(tai: bool, clock: libc::clockid_t) {
        let kernel = KernelClock::from_kernel(tai).unwrap();
        let before = clock_ns(libc::CLOCK_REALTIME) as u64;
        let converted = kernel.to_wall_clock(clock_ns(clock) as u64).0;
        let after = clock_ns(libc::CLOCK_REALTIME) as u64;
        // Boot time: the offset was measured a moment ago, to within a few microseconds.
        let slack = if tai { 0 } else { 50_000 };
        assert!(before - slack <= converted && converted <= after + slack, "{before} <= {converted} <= {after}");
    }

    #[test]
    fn tai_converts_to_realtime_within_the_read_gap() {
        converts_within_the_read_gap(true, libc::CLOCK_TAI);
    }

    #[test]
    fn boot_time_converts_to_realtime_within_the_read_gap() {
        converts_within_the_read_gap(false, libc::CLOCK_BOOTTIME);
    }

    #[test]
    fn keeps_nanoseconds() {
        let clock = KernelClock::with_tai_offset_secs(37);
        assert_eq!(clock.to_wall_clock(1_700_000_037_123_456_789), Timestamp(1_700_000_000_123_456_789));
    }
}
