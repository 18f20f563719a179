//! BFD (tcpdump's print-bfd.c), by destination port: control packets on UDP 3784 (single hop) and 4784
//! (multihop), `BFDv1, Control, State Up, Flags: [none], length: 24`, with their fields and authentication on
//! lines of their own at -v; echo packets on 3785.

use super::{
    Line,
    captured::{Captured, Printed},
    hexdump,
};

pub(super) const CONTROL_PORT: u16 = 3784;
pub(super) const ECHO_PORT: u16 = 3785;
pub(super) const MULTIHOP_PORT: u16 = 4784;

const HEADER_LEN: usize = 24;
const AUTH_HEADER_LEN: usize = 4;
const FLAG_AUTHENTICATION: u8 = 0x04;

const V0_FLAGS: [(u16, &str); 8] = [
    (0x80, "I Hear You"),
    (0x40, "Demand"),
    (0x20, "Poll"),
    (0x10, "Final"),
    (0x08, "Control Plane Independent"),
    (0x04, "Authentication Present"),
    (0x02, "Reserved"),
    (0x01, "Reserved"),
];
const V1_FLAGS: [(u16, &str); 6] = [
    (0x20, "Poll"),
    (0x10, "Final"),
    (0x08, "Control Plane Independent"),
    (0x04, "Authentication Present"),
    (0x02, "Demand"),
    (0x01, "Multipoint"),
];
const STATES: [&str; 4] = ["AdminDown", "Down", "Init", "Up"];
const DIAGNOSTICS: [&str; 9] = [
    "No Diagnostic",
    "Control Detection Time Expired",
    "Echo Function Failed",
    "Neighbor Signaled Session Down",
    "Forwarding Plane Reset",
    "Path Down",
    "Concatenated Path Down",
    "Administratively Down",
    "Reverse Concatenated Path Down",
];

/// Prints a packet `length` bytes long, of which `bytes` were captured, sent to `port` (one of BFD's).
pub(super) fn print(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32, port: u16) -> Printed {
    let bfd = Captured::new(bytes, "bfd");
    if port == ECHO_PORT {
        // Only the system that sent an echo packet knows what it holds.
        line.put(format_args!("BFD, Echo, length: {length}"));
        print_unknown_data(line, verbosity, bfd, length);
        return Ok(());
    }
    bfd.require(0, HEADER_LEN)?;
    let first = bfd.u8(0)?;
    let (version, diagnostic) = (first >> 5, first & 0x1f);
    let flags = bfd.u8(1)?;
    let port_name = if port == MULTIHOP_PORT { "Multihop" } else { "Control" };
    let state = STATES[usize::from(flags >> 6)];
    match version {
        0 if verbosity == 0 => {
            line.push("BFDv0, Control, Flags: [");
            line.put_flag_names(flags.into(), &V0_FLAGS);
            line.put(format_args!("], length: {length}"));
            return Ok(());
        }
        0 => {
            line.put(format_args!("BFDv0, length: {length}\n\tControl, Flags: ["));
            line.put_flag_names(flags.into(), &V0_FLAGS);
        }
        1 if verbosity == 0 => {
            line.put(format_args!("BFDv1, {port_name}, State {state}, Flags: ["));
            line.put_flag_names((flags & 0x3f).into(), &V1_FLAGS);
            line.put(format_args!("], length: {length}"));
            return Ok(());
        }
        1 => {
            line.put(format_args!("BFDv1, length: {length}\n\t{port_name}, State {state}, Flags: ["));
            line.put_flag_names((flags & 0x3f).into(), &V1_FLAGS);
        }
        other => {
            line.put(format_args!("BFDv{other}, Control, length: {length}"));
            print_unknown_data(line, verbosity, bfd, length);
            return Ok(());
        }
    }
    let diagnostic_name = DIAGNOSTICS.get(usize::from(diagnostic)).unwrap_or(&"unknown");
    line.put(format_args!("], Diagnostic: {diagnostic_name} (0x{diagnostic:02x})"));
    let multiplier = bfd.u8(2)?;
    let desired_tx = bfd.be32(12)?;
    // tcpdump multiplies in 32 bits, wrapping.
    let detection = u32::from(multiplier).wrapping_mul(desired_tx) / 1000;
    line.put(format_args!(
        "\n\tDetection Timer Multiplier: {multiplier} ({detection} ms Detection time), BFD Length: {}",
        bfd.u8(3)?
    ));
    line.put(format_args!("\n\tMy Discriminator: 0x{:08x}", bfd.be32(4)?));
    line.put(format_args!(", Your Discriminator: 0x{:08x}", bfd.be32(8)?));
    line.put(format_args!("\n\t  Desired min Tx Interval:    {:4} ms", desired_tx / 1000));
    line.put(format_args!("\n\t  Required min Rx Interval:   {:4} ms", bfd.be32(16)? / 1000));
    line.put(format_args!("\n\t  Required min Echo Interval: {:4} ms", bfd.be32(20)? / 1000));
    if flags & FLAG_AUTHENTICATION != 0 {
        print_authentication(line, bfd.next_layer(HEADER_LEN, "bfd"))?;
    }
    Ok(())
}

/// The bytes of a packet tcpdump does not decode, in hex at -v, as far as captured.
fn print_unknown_data(line: &mut Line, verbosity: u8, bfd: Captured, length: u32) {
    if verbosity > 0 {
        hexdump::hex_indented(line, "\n\t", bfd.limit(length as usize).bytes());
    }
}

const AUTH_SIMPLE_PASSWORD: u8 = 1;
const AUTH_KEYED_MD5: u8 = 2;
const AUTH_METICULOUS_KEYED_MD5: u8 = 3;
const AUTH_KEYED_SHA1: u8 = 4;
const AUTH_METICULOUS_KEYED_SHA1: u8 = 5;
/// A password is 1 to 16 bytes after the type, length and key id.
const PASSWORD_SECTION_LENS: std::ops::RangeInclusive<u8> = 4..=19;
const MD5_SECTION_LEN: u8 = 24;
const SHA1_SECTION_LEN: u8 = 28;

/// `Authentication: Keyed MD5 (2), length: 24` and the key id, sequence number and digest.
fn print_authentication(line: &mut Line, auth: Captured) -> Printed {
    auth.require(0, AUTH_HEADER_LEN)?;
    let (auth_type, auth_len) = (auth.u8(0)?, auth.u8(1)?);
    let name = match auth_type {
        AUTH_SIMPLE_PASSWORD => "Simple Password",
        AUTH_KEYED_MD5 => "Keyed MD5",
        AUTH_METICULOUS_KEYED_MD5 => "Meticulous Keyed MD5",
        AUTH_KEYED_SHA1 => "Keyed SHA1",
        AUTH_METICULOUS_KEYED_SHA1 => "Meticulous Keyed SHA1",
        _ => "Unknown",
    };
    line.put(format_args!("\n\tAuthentication: {name} ({auth_type}), length: {auth_len}"));
    line.put(format_args!("\n\t  Auth Key ID: {}", auth.u8(2)?));
    let (expected_len, digest_name, digest_len) = match auth_type {
        AUTH_SIMPLE_PASSWORD => {
            if !PASSWORD_SECTION_LENS.contains(&auth_len) {
                line.put(format_args!("[invalid length {auth_len}]"));
                return Ok(());
            }
            line.push(", Password: ");
            for offset in 3..usize::from(auth_len) {
                line.put_escaped(&[auth.u8(offset)?]);
            }
            return Ok(());
        }
        AUTH_KEYED_MD5 | AUTH_METICULOUS_KEYED_MD5 => (MD5_SECTION_LEN, "Digest", 16),
        AUTH_KEYED_SHA1 | AUTH_METICULOUS_KEYED_SHA1 => (SHA1_SECTION_LEN, "Hash", 20),
        _ => return Ok(()),
    };
    if auth_len != expected_len {
        line.put(format_args!("[invalid length {auth_len}]"));
        return Ok(());
    }
    line.put(format_args!(", Sequence Number: 0x{:08x}", auth.be32(4)?));
    let digest = auth.slice(8, digest_len)?;
    line.put(format_args!("\n\t  {digest_name}: "));
    for byte in digest {
        line.put(format_args!("{byte:02x}"));
    }
    Ok(())
}
