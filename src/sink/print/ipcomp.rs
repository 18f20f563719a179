//! IP payload compression (tcpdump's print-ipcomp.c, RFC 3173), IP protocol 108: `IPComp(cpi=0x1234)`; like
//! tcpdump, ptstat does not decompress what follows.

use super::{
    Line,
    captured::{Captured, Printed},
};

pub(super) const PROTOCOL: u8 = 108;

/// Prints the compression header's parameter index.
pub(super) fn print(line: &mut Line, bytes: &[u8]) -> Printed {
    let ipcomp = Captured::new(bytes, "ipcomp");
    line.put(format_args!("IPComp(cpi=0x{:04x})", ipcomp.be16(2)?));
    Ok(())
}
