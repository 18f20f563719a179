//! RESP, Redis's protocol (tcpdump's print-resp.c), on TCP port 6379: `: RESP "SET" "key" "value"` — every
//! string, error, integer and inline command of the payload's messages in quotes, arrays flattened.

use super::{
    Line,
    captured::{Captured, Printed, Truncated},
};

const SIMPLE_STRING: u8 = b'+';
const ERROR: u8 = b'-';
const INTEGER: u8 = b':';
const BULK_STRING: u8 = b'$';
const ARRAY: u8 = b'*';

/// Prints a payload `length` bytes long, of which `bytes` were captured. tcpdump gives up at the first message
/// it cannot parse, whether cut short or malformed, with the truncation marker.
pub(super) fn print(line: &mut Line, bytes: &[u8], length: u32) -> Printed {
    let resp = Captured::new(bytes, "resp");
    line.push(": RESP");
    let end = length as usize;
    let mut offset = 0;
    // Arrays print nothing of their own, only their elements: rather than parsing them recursively (as deep as
    // a payload may nest them), this counts the elements still due.
    let mut elements_due: u64 = 0;
    while offset < end || elements_due > 0 {
        elements_due = elements_due.saturating_sub(1);
        let (len, elements) = print_item(line, resp, offset, end)?;
        offset += len;
        elements_due += u64::from(elements);
    }
    Ok(())
}

/// Prints the item at `offset` (the payload ends at `end`); returns its length and, for an array, the number of
/// its elements, which follow it.
fn print_item(line: &mut Line, resp: Captured, offset: usize, end: usize) -> Result<(usize, u32), Truncated> {
    if offset == end {
        return Err(resp.truncated());
    }
    let len = match resp.u8(offset)? {
        SIMPLE_STRING | ERROR | INTEGER => print_simple(line, resp, offset, end)?,
        BULK_STRING => print_bulk_string(line, resp, offset, end)?,
        ARRAY => {
            let (count, header_end) = read_count(resp, offset + 1, end)?;
            match count {
                Count::Of(0) => line.push(" empty"),
                Count::Of(elements) => return Ok((header_end - offset, elements)),
                Count::Complaint(complaint) => line.push(complaint),
            }
            header_end - offset
        }
        _ => print_inline(line, resp, offset, end)?,
    };
    Ok((len, 0))
}

/// `+OK\r\n`, `-ERR unknown\r\n`, `:42\r\n`: the text after the type.
fn print_simple(line: &mut Line, resp: Captured, start: usize, end: usize) -> Result<usize, Truncated> {
    let text_start = start + 1;
    let text_end = find_crlf(resp, text_start, end)?;
    print_segment(line, resp.slice(text_start, text_end - text_start)?);
    Ok(text_end + 2 - start)
}

/// `$5\r\nvalue\r\n`, or ` empty`, ` null` and complaints about the length.
fn print_bulk_string(line: &mut Line, resp: Captured, start: usize, end: usize) -> Result<usize, Truncated> {
    let (count, mut offset) = read_count(resp, start + 1, end)?;
    match count {
        Count::Of(0) => line.push(" empty"),
        Count::Of(string_len) => {
            let string_len = string_len as usize;
            if end - offset < string_len || !resp.has(offset, string_len) {
                return Err(resp.truncated());
            }
            print_segment(line, resp.slice(offset, string_len)?);
            offset += string_len;
        }
        Count::Complaint(complaint) => {
            line.push(complaint);
            return Ok(offset - start);
        }
    }
    // tcpdump looks for the line end anywhere after the string, not just right after it.
    Ok(find_crlf(resp, offset, end)? + 2 - start)
}

/// A command typed as a line of text (`PING\r\n`), after any line ends before it.
fn print_inline(line: &mut Line, resp: Captured, start: usize, end: usize) -> Result<usize, Truncated> {
    let text_start = skip_line_ends(resp, start, end)?;
    let mut text_end = text_start;
    loop {
        if text_end == end {
            return Err(resp.truncated());
        }
        if matches!(resp.u8(text_end)?, b'\r' | b'\n') {
            break;
        }
        text_end += 1;
    }
    print_segment(line, resp.slice(text_start, text_end - text_start)?);
    Ok(skip_line_ends(resp, text_end, end)? - start)
}

/// Where the first CR LF from `start` on is; it must lie before `end` and everything up to it be captured.
fn find_crlf(resp: Captured, start: usize, end: usize) -> Result<usize, Truncated> {
    for offset in start..end.saturating_sub(1) {
        if resp.slice(offset, 2).map_err(|_| resp.truncated())? == b"\r\n" {
            return Ok(offset);
        }
    }
    Err(resp.truncated())
}

/// Past the CRs and LFs at `start`; fails if the bytes end there.
fn skip_line_ends(resp: Captured, start: usize, end: usize) -> Result<usize, Truncated> {
    let available = |offset: usize| offset < end && resp.has(offset, 1);
    if !available(start) {
        return Err(resp.truncated());
    }
    let mut offset = start;
    while available(offset) && matches!(resp.u8(offset)?, b'\r' | b'\n') {
        offset += 1;
    }
    Ok(offset)
}

/// ` "text"`, with bytes other than printable ASCII escaped.
fn print_segment(line: &mut Line, text: &[u8]) {
    line.push(" \"");
    line.put_escaped(text);
    line.push("\"");
}

/// What the length of a bulk string or the size of an array says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Count {
    Of(u32),
    /// What tcpdump prints instead of the item: ` null` for -1, complaints for other numbers and text.
    Complaint(&'static str),
}

/// Reads the decimal count at `start` and the CR LF after it; returns it and where it ends (after the CR LF, or
/// after the byte that makes it invalid).
fn read_count(resp: Captured, start: usize, end: usize) -> Result<(Count, usize), Truncated> {
    let mut offset = start;
    if offset == end {
        return Err(resp.truncated());
    }
    let negative = resp.u8(offset)? == b'-';
    if negative {
        offset += 1;
    }
    let digits_start = offset;
    let mut value: u64 = 0;
    loop {
        if offset == end {
            return Err(resp.truncated());
        }
        let byte = resp.u8(offset)?;
        if !byte.is_ascii_digit() {
            break;
        }
        value = (value * 10 + u64::from(byte - b'0')).min(u64::from(u32::MAX));
        offset += 1;
    }
    let invalid = |offset: usize| Ok((Count::Complaint(" invalid"), offset + 1));
    if offset == digits_start || resp.u8(offset)? != b'\r' {
        return invalid(offset);
    }
    offset += 1;
    if offset == end {
        return Err(resp.truncated());
    }
    if resp.u8(offset)? != b'\n' {
        return invalid(offset);
    }
    // tcpdump reads the number into a C int.
    let too_large = value > i32::MAX as u64;
    let count = match (negative, too_large) {
        (true, false) if value == 1 => Count::Complaint(" null"),
        (true, _) => Count::Complaint(" length negative and not -1"),
        (false, true) => Count::Complaint(" length too large"),
        (false, false) => Count::Of(value as u32),
    };
    Ok((count, offset + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printed(bytes: &[u8]) -> (String, Printed) {
        let mut line = Line::default();
        let result = print(&mut line, bytes, bytes.len() as u32);
        (line.text, result)
    }

    #[test]
    fn commands_and_replies() {
        let command = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n+OK\r\n:12\r\n-ERR no\r\n$-1\r\n*0\r\nPING\r\n";
        assert_eq!(
            printed(command),
            (": RESP \"SET\" \"k\" empty \"OK\" \"12\" \"ERR no\" null empty \"PING\"".into(), Ok(()))
        );
        let invalid = ": RESP length negative and not -1 invalid \"$9\" length too large";
        assert_eq!(printed(b"$-2\r\n*x\r\n$9\r\n$99999999999\r\n"), (invalid.into(), Ok(())));
    }

    #[test]
    fn a_message_cut_short_ends_the_line() {
        let truncated = Err(Truncated { protocol: "resp", abandons_packet: false });
        assert_eq!(printed(b"+OK"), (": RESP".into(), truncated));
        assert_eq!(printed(b"$5\r\nab\r\n"), (": RESP".into(), truncated));
        assert_eq!(printed(b"*2\r\n$1\r\na\r\n"), (": RESP \"a\"".into(), truncated));
    }
}
