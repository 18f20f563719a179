//! RTP, RTCP and vat (tcpdump keeps them in print-udp.c), printed only when `-T rtp`, `-T rtcp` or `-T vat` asks
//! for them, since they have no port of their own: `udp/rtp 160 c0  4660 305419896`,
//! ` sr @3913056000.50 160 10p 1600b 0l 7s 2j @0.00+0.00`, `udp/vat 24 c4660 1`.

use super::{
    Line,
    captured::{Captured, Printed, Truncated},
};

const RTP_FIXED_LEN: u32 = 8;
/// Payload type 31, H.261 video: tcpdump shows the first half of its header word.
const H261: u32 = 0x1f;

/// Prints an RTP (version 1 or 2) message `length` bytes long, of which `bytes` were captured.
pub(super) fn print_rtp(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32) -> Printed {
    let rtp = Captured::new(bytes, "rtp");
    if length < RTP_FIXED_LEN {
        line.put(format_args!("udp/rtp, length {length} < 8"));
        return Ok(());
    }
    let first = rtp.be32(0)?;
    let second = rtp.be32(4)?;
    let mut data_len = length - RTP_FIXED_LEN;
    // Where the next word is, and how many words are left, counted as tcpdump does.
    let mut word = 2;
    let mut words_left = length / 4 - 2;
    let (name, has_options, has_extension, payload_type, marker) = if first >> 30 == 1 {
        // Version 1 (draft-ietf-avt-rtp-04).
        ("rtpv1", first & 0x80_0000 != 0, false, (first >> 16) & 0x3f, first & 0x40_0000 != 0)
    } else {
        if data_len < 4 {
            line.put(format_args!("udp/rtp, length {length} < 12"));
            return Ok(());
        }
        data_len -= 4;
        // The synchronization source.
        word += 1;
        words_left -= 1;
        ("rtp", false, first & 0x1000_0000 != 0, (first >> 16) & 0x7f, first & 0x80_0000 != 0)
    };
    line.put(format_args!(
        "udp/{name} {data_len} c{payload_type} {}{} {} {second}",
        if has_options || has_extension { "+" } else { "" },
        if marker { "*" } else { "" },
        first & 0xffff
    ));
    if verbosity == 0 {
        return Ok(());
    }
    line.put(format_args!(" {}", rtp.be32(8)?));
    if has_options {
        loop {
            let option = rtp.be32(word * 4)?;
            let option_words = (option >> 16) & 0xff;
            if option_words == 0 || option_words > words_left {
                line.push(" !opt");
                return Ok(());
            }
            word += option_words as usize;
            words_left -= option_words;
            // The last option has the top bit set.
            if option & 0x8000_0000 != 0 {
                break;
            }
        }
    }
    if has_extension {
        let extension_words = (rtp.be32(word * 4)? & 0xffff) + 1;
        if extension_words > words_left {
            line.push(" !ext");
            return Ok(());
        }
        word += extension_words as usize;
    }
    if payload_type == H261 {
        line.put(format_args!(" 0x{:04x}", rtp.be32(word * 4)? >> 16));
    }
    Ok(())
}

const RTCP_HEADER_LEN: usize = 8;
const SENDER_INFO_LEN: usize = 20;
const REPORT_BLOCK_LEN: usize = 24;
const SENDER_REPORT: u16 = 200;
const RECEIVER_REPORT: u16 = 201;
const SOURCE_DESCRIPTION: u16 = 202;
const GOODBYE: u16 = 203;

/// Prints the RTCP packets of a compound packet, one after the other up to the end of the captured `bytes` (as
/// tcpdump does, whatever the datagram's length).
pub(super) fn print_rtcp(line: &mut Line, verbosity: u8, bytes: &[u8]) -> Printed {
    let mut offset = 0;
    while offset < bytes.len() {
        offset += print_rtcp_packet(line, verbosity, Captured::new(&bytes[offset..], "rtcp"))?;
    }
    Ok(())
}

/// Prints one RTCP packet; returns its length.
fn print_rtcp_packet(line: &mut Line, verbosity: u8, rtcp: Captured) -> Result<usize, Truncated> {
    rtcp.check(0, RTCP_HEADER_LEN)?;
    let len = (usize::from(rtcp.be16(2)?) + 1) * 4;
    let flags = rtcp.be16(0)?;
    let mut reports = usize::from((flags >> 8) & 0x1f);
    let source = rtcp.be32(4)?;
    let print_source = |line: &mut Line| {
        if verbosity > 0 {
            line.put(format_args!(" {source}"));
        }
    };
    let mut report_offset = RTCP_HEADER_LEN;
    match flags & 0xff {
        SENDER_REPORT => {
            line.push(" sr");
            if len != reports * REPORT_BLOCK_LEN + SENDER_INFO_LEN + RTCP_HEADER_LEN {
                line.put(format_args!(" [{len}]"));
            }
            print_source(line);
            rtcp.check(RTCP_HEADER_LEN, SENDER_INFO_LEN)?;
            let seconds = f64::from(rtcp.be32(8)?) + f64::from(rtcp.be32(12)?) / 4_294_967_296.0;
            line.put(format_args!(" @{seconds:.2} {} {}p {}b", rtcp.be32(16)?, rtcp.be32(20)?, rtcp.be32(24)?));
            report_offset += SENDER_INFO_LEN;
        }
        RECEIVER_REPORT => {
            line.push(" rr");
            if len != reports * REPORT_BLOCK_LEN + RTCP_HEADER_LEN {
                line.put(format_args!(" [{len}]"));
            }
            print_source(line);
        }
        packet_type => {
            match packet_type {
                SOURCE_DESCRIPTION => line.put(format_args!(" sdes {len}")),
                GOODBYE => line.put(format_args!(" bye {len}")),
                other => line.put(format_args!(" type-0x{other:x} {len}")),
            }
            if matches!(packet_type, SOURCE_DESCRIPTION | GOODBYE) {
                print_source(line);
            }
            reports = 0;
        }
    }
    if reports > 1 {
        line.put(format_args!(" c{reports}"));
    }
    // tcpdump prints the first report block once for each block the count announces.
    for _ in 0..reports {
        rtcp.check(report_offset, REPORT_BLOCK_LEN)?;
        if verbosity > 0 {
            line.put(format_args!(" {}", rtcp.be32(report_offset)?));
        }
        let last_report = f64::from(rtcp.be32(report_offset + 16)?) / 65536.0;
        let delay = f64::from(rtcp.be32(report_offset + 20)?) / 65536.0;
        line.put(format_args!(
            " {}l {}s {}j @{last_report:.2}+{delay:.2}",
            rtcp.be32(report_offset + 4)? & 0x00ff_ffff,
            rtcp.be32(report_offset + 8)?,
            rtcp.be32(report_offset + 12)?
        ));
    }
    Ok(len)
}

const VAT_HEADER_LEN: u32 = 8;

/// Prints a vat (or vt) message `length` bytes long, of which `bytes` were captured.
pub(super) fn print_vat(line: &mut Line, bytes: &[u8], length: u32) -> Printed {
    let vat = Captured::new(bytes, "vat");
    if length < 2 {
        line.put(format_args!("udp/va/vat, length {length} < 2"));
        return Ok(());
    }
    let first = vat.be16(0)?;
    if first & 0xf060 != 0 {
        // Probably vt, the video tool.
        line.put(format_args!("udp/vt {length} {} / {}", first & 0x3ff, first >> 10));
        return Ok(());
    }
    if length < VAT_HEADER_LEN {
        line.put(format_args!("udp/vat, length {length} < 8"));
        return Ok(());
    }
    let header = vat.be32(0)?;
    let timestamp = vat.be32(4)?;
    line.put(format_args!(
        "udp/vat {} c{} {timestamp}{}",
        length - VAT_HEADER_LEN,
        header & 0xffff,
        if header & 0x80_0000 != 0 { "*" } else { "" }
    ));
    let format = (header >> 16) & 0x1f;
    if format != 0 {
        line.put(format_args!(" f{format}"));
    }
    let sample = (header >> 24) & 0x3f;
    if sample != 0 {
        line.put(format_args!(" s{sample}"));
    }
    Ok(())
}
