//! tcpdump-like lines.
