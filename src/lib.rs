//! ptstat: packet capture and traffic statistics with eBPF.
//!
//! The data flows one way, and the modules follow it: `source` (kernel records or a capture file) → `decode`
//! (etherparse) → `enrich` (process, container, pod) → `sink` (printer, file writers, statistics, connection log).
//! A module imports only the ones before it (and `packet`, the types they share); `pipeline` composes them.

pub mod cli;
pub mod decode;
pub mod enrich;
pub mod packet;
pub mod pipeline;
pub mod sink;
pub mod source;
