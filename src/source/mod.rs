//! Where packets come from: a live eBPF capture or a capture file.

pub mod file;
pub mod live;
