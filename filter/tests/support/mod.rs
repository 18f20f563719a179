//! Helpers shared by the integration tests.
#![allow(dead_code)] // Each test binary uses its own part of the helpers.

pub mod captures;
pub mod expressions;
pub mod packets;
pub mod pcap;
pub mod rng;
pub mod tcpdump;
