//! ptstat: packet capture and traffic statistics with eBPF.
//!
//! The data flows one way, and the modules follow it:
//! `source` (kernel events or a capture file) → `decode` (etherparse) → `sink` (printer, file writers).

pub mod cli;
pub mod decode;
pub mod enrich;
pub mod packet;
pub mod sink;
pub mod source;
