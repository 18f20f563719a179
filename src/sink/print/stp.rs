//! The spanning tree protocols (tcpdump's print-stp.c) in LLC frames to the bridge group address: `STP 802.1d,
//! Config, Flags [none], bridge-id 8000.02:42:ac:11:00:02.8001, length 35`, timers and root at -v; MSTP's CIST
//! and MSTIs, and SPB's fields, at -v.

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
// MSTP's fields (IEEE 802.1Q clause 14), by offset from the BPDU's start.
const V1_LENGTH_OFFSET: usize = 35;
const V3_LENGTH_OFFSET: usize = 36;
const CONFIG_NAME_OFFSET: usize = 39;
const CONFIG_DIGEST_OFFSET: usize = 73;
const CIST_INTERNAL_COST_OFFSET: usize = 89;
const CIST_BRIDGE_OFFSET: usize = 93;
const CIST_HOPS_OFFSET: usize = 101;
const MSTI_OFFSET: usize = 102;
const MSTI_LEN: usize = 16;
/// An MSTP BPDU without MSTIs.
const MSTP_MIN_LEN: u32 = MSTI_OFFSET as u32;
/// The configuration identifier and the CIST fields the version 3 length counts before the MSTIs.
const MST_CONFIG_LEN: usize = 64;
const NAME_LEN: usize = 32;
const DIGEST_LEN: usize = 16;
/// The shortest SPB part tcpdump accepts, its version 4 length included.
const SPB_MIN_LEN: usize = 87;
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
    let bpdu_type = stp.u8(3)?;
    match bpdu_type {
        TYPE_CONFIG => line.push(", Config"),
        TYPE_RSTP => line.push(", Rapid STP"),
        TYPE_TOPOLOGY_CHANGE => line.push(", Topology Change"),
        other => line.put(format_args!(", Unknown BPDU Type (0x{other:02x})")),
    }
    match (bpdu_type, version) {
        (TYPE_CONFIG, _) if length < CONFIG_LEN => line.push(" (invalid)"),
        (TYPE_CONFIG, _) => print_config(line, stp, verbosity, version, length)?,
        (TYPE_RSTP, VERSION_RSTP) if length < CONFIG_LEN + 1 => line.push(" (invalid)"),
        (TYPE_RSTP, VERSION_RSTP) => print_config(line, stp, verbosity, version, length)?,
        (TYPE_RSTP, VERSION_MSTP | VERSION_SPB) => print_multiple(line, stp, verbosity, version, length)?,
        _ => {}
    }
    Ok(())
}

/// An MSTP BPDU (an SPB one has MSTP's fields first): checks the lengths its fields announce as tcpdump does,
/// then prints the CIST and each MSTI, and SPB's fields.
fn print_multiple(line: &mut Line, stp: Captured, verbosity: u8, version: u8, length: u32) -> Printed {
    if length < MSTP_MIN_LEN || stp.u8(V1_LENGTH_OFFSET)? != 0 {
        line.push(" (invalid)");
        return Ok(());
    }
    // The version 3 length counts from after itself; the version 4 length follows what it counts.
    let v3_end = V3_LENGTH_OFFSET + 2 + usize::from(stp.be16(V3_LENGTH_OFFSET)?);
    if (length as usize) < v3_end {
        line.push(" (invalid)");
        return Ok(());
    }
    print_mstp(line, stp, verbosity, length)?;
    if version == VERSION_SPB {
        let v4_len = usize::from(stp.be16(v3_end)?) + 2;
        if (length as usize) < v3_end + v4_len || v4_len < SPB_MIN_LEN {
            line.push(" (invalid)");
            return Ok(());
        }
        print_spb(line, stp, verbosity, v3_end)?;
    }
    Ok(())
}

/// MSTP's CIST fields, its configuration identifier, and each MSTI's: all at -v, only the flags without.
fn print_mstp(line: &mut Line, stp: Captured, verbosity: u8, length: u32) -> Printed {
    let flags = stp.u8(4)?;
    line.push(", CIST Flags [");
    line.put_flag_names(flags.into(), &FLAGS);
    line.put(format_args!("], length {length}"));
    if verbosity == 0 {
        return Ok(());
    }
    line.put(format_args!("\n\tport-role {}, ", PORT_ROLES[usize::from(flags >> 2 & 0x03)]));
    line.put(format_args!("CIST root-id {}, CIST ext-pathcost {}", BridgeId(stp.slice(5, 8)?), stp.be32(13)?));
    line.put(format_args!("\n\tCIST regional-root-id {}, ", BridgeId(stp.slice(17, 8)?)));
    line.put(format_args!("CIST port-id {:04x},", stp.be16(25)?));
    print_timers(line, stp)?;
    let v3_len = stp.be16(V3_LENGTH_OFFSET)?;
    line.put(format_args!("\n\tv3len {v3_len}, MCID Name "));
    put_name(line, stp, CONFIG_NAME_OFFSET)?;
    // As tcpdump, each part is printed once all its fields were read.
    let (revision, digest) = (stp.be16(CONFIG_NAME_OFFSET + NAME_LEN)?, Digest::read(stp, CONFIG_DIGEST_OFFSET, 4)?);
    line.put(format_args!(", rev {revision},\n\t\tdigest {digest}, "));
    line.put(format_args!("CIST int-root-pathcost {},", stp.be32(CIST_INTERNAL_COST_OFFSET)?));
    line.put(format_args!("\n\tCIST bridge-id {}, ", BridgeId(stp.slice(CIST_BRIDGE_OFFSET, 8)?)));
    line.put(format_args!("CIST remaining-hops {}", stp.u8(CIST_HOPS_OFFSET)?));
    let mut msti_len = usize::from(v3_len).saturating_sub(MST_CONFIG_LEN);
    let mut offset = MSTI_OFFSET;
    while msti_len >= MSTI_LEN {
        let flags = stp.u8(offset)?;
        line.put(format_args!("\n\tMSTI {}, Flags [", stp.be16(offset + 1)? & 0x0fff));
        line.put_flag_names(flags.into(), &FLAGS);
        line.put(format_args!("], port-role {}", PORT_ROLES[usize::from(flags >> 2 & 0x03)]));
        line.put(format_args!(
            "\n\t\tMSTI regional-root-id {}, pathcost {}",
            BridgeId(stp.slice(offset + 1, 8)?),
            stp.be32(offset + 9)?
        ));
        line.put(format_args!(
            "\n\t\tMSTI bridge-prio {}, port-prio {}, hops {}",
            stp.u8(offset + 13)? >> 4,
            stp.u8(offset + 14)? >> 4,
            stp.u8(offset + 15)?
        ));
        msti_len -= MSTI_LEN;
        offset += MSTI_LEN;
    }
    Ok(())
}

/// SPB's fields after MSTP's, at `offset` (its version 4 length), at -v.
fn print_spb(line: &mut Line, stp: Captured, verbosity: u8, offset: usize) -> Printed {
    if verbosity == 0 {
        return Ok(());
    }
    line.put(format_args!("\n\tv4len {}, AUXMCID Name ", stp.be16(offset)?));
    put_name(line, stp, offset + 3)?;
    let agreement_at = offset + 3 + NAME_LEN + 2 + DIGEST_LEN;
    let (revision, digest) = (stp.be16(offset + 3 + NAME_LEN)?, Digest::read(stp, offset + 3 + NAME_LEN + 2, 4)?);
    line.put(format_args!(", Rev {revision},\n\t\tdigest {digest}"));
    let agreement = stp.u8(agreement_at)?;
    let format = stp.u8(agreement_at + 2)?;
    let convention = stp.u8(agreement_at + 3)?;
    let edge_count = stp.be16(agreement_at + 4)?;
    let agreement_digest = Digest::read(stp, agreement_at + 14, 5)?;
    line.put(format_args!(
        "\n\tAgreement num {}, Discarded Agreement num {}, Agreement valid-flag {},\n\tRestricted role-flag: {}, \
         Format id {} cap {}, Convention id {} cap {},\n\tEdge count {edge_count}, Agreement digest {agreement_digest}",
        agreement >> 6,
        agreement >> 4 & 0x3,
        agreement >> 3 & 0x1,
        agreement >> 2 & 0x1,
        format >> 4,
        format,
        convention >> 4,
        convention,
    ));
    Ok(())
}

/// The timers, in seconds.
fn print_timers(line: &mut Line, stp: Captured) -> Printed {
    let time = |offset: usize| stp.be16(offset).map(|value| f32::from(value) / TIME_BASE);
    line.put(format_args!(
        "\n\tmessage-age {:.2}s, max-age {:.2}s, hello-time {:.2}s, forwarding-delay {:.2}s",
        time(27)?,
        time(29)?,
        time(31)?,
        time(33)?
    ));
    Ok(())
}

/// A configuration name: up to 32 bytes, ending at the first NUL, escaped (tcpdump's `nd_printjnp`, which prints
/// each byte as it reads it).
fn put_name(line: &mut Line, stp: Captured, offset: usize) -> Printed {
    for index in 0..NAME_LEN {
        match stp.u8(offset + index)? {
            0 => break,
            byte => line.put_escaped(&[byte]),
        }
    }
    Ok(())
}

/// A digest of up to five 32-bit words, printed in hex.
struct Digest {
    words: [u32; 5],
    len: usize,
}

impl Digest {
    fn read(stp: Captured, offset: usize, len: usize) -> Result<Digest, super::captured::Truncated> {
        let mut words = [0; 5];
        for (index, word) in words.iter_mut().enumerate().take(len) {
            *word = stp.be32(offset + index * 4)?;
        }
        Ok(Digest { words, len })
    }
}

impl std::fmt::Display for Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.words[..self.len].iter().try_for_each(|word| write!(f, "{word:08x}"))
    }
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
    print_timers(line, stp)?;
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
