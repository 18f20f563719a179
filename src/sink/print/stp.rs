//! The spanning tree protocols (tcpdump's print-stp.c) in LLC frames to the bridge group address: `STP 802.1d,
//! Config, Flags [none], bridge-id 8000.02:42:ac:11:00:02.8001, length 35`, timers and root at -v.

use super::{
    Line,
    address::LinkAddress,
    captured::{Captured, Printed},
};

/// LLC's service access point for the spanning tree protocols, and the control field of unnumbered information.
const LLC_STP_HEADER: [u8; LLC_HEADER_LEN] = [0x42, 0x42, 0x03];
pub(super) const LLC_HEADER_LEN: usize = 3;
const VERSION_STP: u8 = 0;
const VERSION_RSTP: u8 = 2;
const VERSION_MSTP: u8 = 3;
const VERSION_SPB: u8 = 4;
const TYPE_CONFIG: u8 = 0;
const TYPE_RSTP: u8 = 2;
const TYPE_TOPOLOGY_CHANGE: u8 = 0x80;
/// A configuration BPDU's length; RSTP's has a byte more (the version 1 length).
const CONFIG_LEN: u32 = 35;
/// The timers count in 1/256 seconds.
const TIME_BASE: f32 = 256.0;

const FLAGS: [(u16, &str); 6] = [
    (0x01, "Topology change"),
    (0x02, "Proposal"),
    (0x10, "Learn"),
    (0x20, "Forward"),
    (0x40, "Agreement"),
    (0x80, "Topology change ACK"),
];
const PORT_ROLES: [&str; 4] = ["Unknown", "Alternate", "Root", "Designated"];

/// Whether an 802.3 frame's LLC payload is a BPDU.
pub(super) fn is_bpdu(llc: &[u8]) -> bool {
    llc.starts_with(&LLC_STP_HEADER)
}

/// Prints an LLC payload that [`is_bpdu`] (its LLC header with -e), `length` bytes long on the wire.
pub(super) fn print_llc(line: &mut Line, verbosity: u8, link_header: bool, llc: &[u8], length: u32) -> Printed {
    if link_header {
        line.push("LLC, dsap STP (0x42) Individual, ssap STP (0x42) Command, ctrl 0x03: ");
    }
    let bpdu = llc.get(LLC_HEADER_LEN..).unwrap_or_default();
    print(line, verbosity, bpdu, length.saturating_sub(LLC_HEADER_LEN as u32))
}

/// Prints a BPDU `length` bytes long, of which `bytes` were captured.
fn print(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32) -> Printed {
    let stp = Captured::new(bytes, "stp");
    if length < 4 {
        line.push(" (invalid)");
        return Ok(());
    }
    if stp.be16(0)? != 0 {
        line.put(format_args!("unknown STP version, length {length}"));
        return Ok(());
    }
    let version = stp.u8(2)?;
    let name = match version {
        VERSION_STP => "802.1d",
        VERSION_RSTP => "802.1w",
        VERSION_MSTP => "802.1s",
        VERSION_SPB => "802.1aq",
        other => {
            line.put(format_args!("STP Unknown STP protocol (0x{other:02x})"));
            return Ok(());
        }
    };
    line.put(format_args!("STP {name}"));
    // ptstat does not decode MSTP's and SPB's BPDUs.
    if !matches!(version, VERSION_STP | VERSION_RSTP) {
        return Ok(());
    }
    let bpdu_type = stp.u8(3)?;
    match bpdu_type {
        TYPE_CONFIG => line.push(", Config"),
        TYPE_RSTP => line.push(", Rapid STP"),
        TYPE_TOPOLOGY_CHANGE => line.push(", Topology Change"),
        other => line.put(format_args!(", Unknown BPDU Type (0x{other:02x})")),
    }
    let minimum_len = match (bpdu_type, version) {
        (TYPE_CONFIG, _) => CONFIG_LEN,
        (TYPE_RSTP, VERSION_RSTP) => CONFIG_LEN + 1,
        _ => return Ok(()),
    };
    if length < minimum_len {
        line.push(" (invalid)");
        return Ok(());
    }
    print_config(line, stp, verbosity, version, length)
}

/// A configuration BPDU's fields (RSTP's too).
fn print_config(line: &mut Line, stp: Captured, verbosity: u8, version: u8, length: u32) -> Printed {
    let flags = stp.u8(4)?;
    line.push(", Flags [");
    line.put_flag_names(flags.into(), &FLAGS);
    line.push("]");
    line.put(format_args!(", bridge-id {}.{:04x}, length {length}", BridgeId(stp.slice(17, 8)?), stp.be16(25)?));
    if verbosity == 0 {
        return Ok(());
    }
    let time = |offset: usize| stp.be16(offset).map(|value| f32::from(value) / TIME_BASE);
    line.put(format_args!(
        "\n\tmessage-age {:.2}s, max-age {:.2}s, hello-time {:.2}s, forwarding-delay {:.2}s",
        time(27)?,
        time(29)?,
        time(31)?,
        time(33)?
    ));
    line.put(format_args!("\n\troot-id {}, root-pathcost {}", BridgeId(stp.slice(5, 8)?), stp.be32(13)?));
    if version == VERSION_RSTP {
        line.put(format_args!(", port-role {}", PORT_ROLES[usize::from(flags >> 2 & 0x03)]));
    }
    Ok(())
}

/// `8000.02:42:ac:11:00:02`: a bridge's priority and address.
struct BridgeId<'a>(&'a [u8]);

impl std::fmt::Display for BridgeId<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (priority, address) = self.0.split_at(2.min(self.0.len()));
        write!(
            f,
            "{:02x}{:02x}.{}",
            priority.first().unwrap_or(&0),
            priority.get(1).unwrap_or(&0),
            LinkAddress(address)
        )
    }
}
