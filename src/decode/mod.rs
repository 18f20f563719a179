//! Layer-by-layer view of a packet's bytes, shared by the printer and the statistics.
