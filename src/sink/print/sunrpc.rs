//! ONC RPC on any UDP port, as tcpdump's `-T rpc` prints it (print-sunrpc.c): a call's transaction id, length,
//! portmapper procedure and the program it names; a reply as NFS's printer prints one.

use super::{
    Line, PrintState,
    captured::{Captured, Printed},
    ip::IpEnvelope,
    nfs,
};

/// The portmapper's port, which tcpdump prints as the destination of every call.
const PORTMAPPER_PORT: u16 = 111;
/// The RPC version every call should carry.
const RPC_VERSION: u32 = 2;
/// The part of a call tcpdump requires: transaction id, direction, RPC version, program, version, procedure,
/// and the credentials' flavor and length (the size of its `sunrpc_msg`).
const CALL_HEADER_LEN: usize = 32;

/// The portmapper's procedures, by number.
const PROCEDURE_NAMES: [&str; 6] = ["null", "set", "unset", "getport", "dump", "call"];
/// The procedures whose arguments start with a program and its version, which tcpdump prints.
const PROCEDURES_NAMING_A_PROGRAM: [u32; 4] = [1, 2, 3, 5];

/// Prints a UDP payload `length` bytes long, of which `message` was captured, as an RPC message.
pub(super) fn print(
    line: &mut Line,
    state: &mut PrintState,
    message: &[u8],
    length: u32,
    envelope: &IpEnvelope,
) -> Printed {
    let direction = Captured::new(message, "udp").be32(4)?;
    if direction == nfs::CALL {
        print_call(line, Captured::new(message, "sunrpc"), length, envelope)
    } else {
        nfs::print_reply(line, state, Captured::new(message, "nfs"), length, envelope)
    }
}

/// `10.0.0.1.0x1234 > 10.0.0.2.0x6f: 84 getport 100003.3`: the transaction id in place of the source port.
fn print_call(line: &mut Line, rpc: Captured, length: u32, envelope: &IpEnvelope) -> Printed {
    rpc.require(0, CALL_HEADER_LEN)?;
    let xid = rpc.be32(0)?;
    line.put(format_args!("{}.{xid:#x} > {}.{PORTMAPPER_PORT:#x}: {length}", envelope.source, envelope.destination));
    let procedure = rpc.be32(20)?;
    match PROCEDURE_NAMES.get(procedure as usize) {
        Some(name) => line.put(format_args!(" {name}")),
        None => line.put(format_args!("  proc #{procedure}")),
    }
    let rpc_version = rpc.be32(8)?;
    if rpc_version != RPC_VERSION {
        line.put(format_args!(" [rpcver {rpc_version}]"));
    }
    if PROCEDURES_NAMING_A_PROGRAM.contains(&procedure) {
        let (program, version) = (rpc.be32(12)?, rpc.be32(16)?);
        line.put(format_args!(" {program}.{version}"));
    }
    Ok(())
}
