//! The capture programs of `ebpf/capture.bpf.c`: loading them with the user's settings, and their counters.

use anyhow::Context;
use aya::{Ebpf, EbpfLoader, Pod, maps::PerCpuValues};

static CAPTURE_OBJECT: &[u8] = aya::include_bytes_aligned!(concat!(env!("OUT_DIR"), "/capture.bpf.o"));

/// `PTSTAT_MAX_SNAPLEN` of `ebpf/event.h`: the staging buffer's size, so the most `-s` can keep.
pub const MAX_SNAPLEN: u32 = 262_144;

pub const INGRESS_PROGRAM: &str = "capture_ingress";
pub const EGRESS_PROGRAM: &str = "capture_egress";
pub const EVENTS_MAP: &str = "events";
pub const COUNTERS_MAP: &str = "counters";

/// `struct capture_counters` of `ebpf/event.h`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CaptureCounters {
    /// Packets the capture accepted: tcpdump's "received by filter".
    pub matched: u64,
    /// Packets lost because the ring buffer was full: tcpdump's "dropped by kernel".
    pub dropped: u64,
}

// SAFETY: two u64 fields, no padding, every bit pattern valid.
unsafe impl Pod for CaptureCounters {}

impl CaptureCounters {
    pub fn sum(per_cpu: &PerCpuValues<CaptureCounters>) -> Self {
        per_cpu.iter().fold(CaptureCounters::default(), |total, cpu| CaptureCounters {
            matched: total.matched + cpu.matched,
            dropped: total.dropped + cpu.dropped,
        })
    }
}

/// Loads the capture programs and their maps into the kernel, not yet attached anywhere.
pub fn load(snaplen: u32, ring_buffer_bytes: u32) -> anyhow::Result<Ebpf> {
    let staging_slots = aya::util::nr_cpus().map_err(|(path, error)| anyhow::anyhow!("{path}: {error}"))?;
    let mut ebpf = EbpfLoader::new()
        .override_global("snaplen", &snaplen, true)
        .map_max_entries(EVENTS_MAP, ring_buffer_size(ring_buffer_bytes))
        .map_max_entries("staging", staging_slots as u32)
        .load(CAPTURE_OBJECT)
        .context("loading the eBPF capture programs")?;
    for name in [INGRESS_PROGRAM, EGRESS_PROGRAM] {
        let program: &mut aya::programs::SchedClassifier = ebpf
            .program_mut(name)
            .with_context(|| format!("the eBPF object has no program {name}"))?
            .try_into()?;
        program.load().with_context(|| format!("loading the eBPF program {name}"))?;
    }
    Ok(ebpf)
}

/// A ring buffer's size must be a power-of-two multiple of the page size.
fn ring_buffer_size(requested_bytes: u32) -> u32 {
    // SAFETY: sysconf has no memory-safety preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(4096) as u32;
    requested_bytes.max(page).checked_next_power_of_two().unwrap_or(1 << 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_buffer_sizes_round_up_to_powers_of_two_pages() {
        assert_eq!(ring_buffer_size(0), 4096);
        assert_eq!(ring_buffer_size(4096), 4096);
        assert_eq!(ring_buffer_size(5000), 8192);
        assert_eq!(ring_buffer_size(8 << 20), 8 << 20);
    }
}
