//! Protocols of text lines (tcpdump's `txtproto_print` in util-print.c): FTP, SMTP and WHOIS, whose every payload
//! is text, and HTTP, RTSP and SIP, whose payloads are printed only when they start a request or a response.
//! `HTTP: GET / HTTP/1.1` names the protocol and shows the first line; with -v, `HTTP, length: 120` is followed
//! by every line, each on a line of its own, up to the first that is not printable text.

use super::{
    Line,
    captured::{Captured, Printed, Truncated},
};

/// A protocol of text lines.
pub(super) struct TextProtocol {
    /// tcpdump's name, for the truncation marker; in capitals it starts the protocol's part of the line.
    name: &'static str,
    /// For protocols whose payloads may continue a body: the requests a payload worth printing starts with (or
    /// a response, with its code second). `None`: every payload is printed.
    requests: Option<&'static [&'static str]>,
}

pub(super) const FTP: TextProtocol = TextProtocol { name: "ftp", requests: None };
pub(super) const SMTP: TextProtocol = TextProtocol { name: "smtp", requests: None };
pub(super) const WHOIS: TextProtocol = TextProtocol { name: "whois", requests: None };
/// HTTP's methods, WebDAV's included.
pub(super) const HTTP: TextProtocol = TextProtocol {
    name: "http",
    requests: Some(&[
        "GET",
        "PUT",
        "COPY",
        "HEAD",
        "LOCK",
        "MOVE",
        "POLL",
        "POST",
        "BCOPY",
        "BMOVE",
        "MKCOL",
        "TRACE",
        "LABEL",
        "MERGE",
        "DELETE",
        "SEARCH",
        "UNLOCK",
        "REPORT",
        "UPDATE",
        "NOTIFY",
        "BDELETE",
        "CONNECT",
        "OPTIONS",
        "CHECKIN",
        "PROPFIND",
        "CHECKOUT",
        "CCM_POST",
        "SUBSCRIBE",
        "PROPPATCH",
        "BPROPFIND",
        "BPROPPATCH",
        "UNCHECKOUT",
        "MKACTIVITY",
        "MKWORKSPACE",
        "UNSUBSCRIBE",
        "RPC_CONNECT",
        "VERSION-CONTROL",
        "BASELINE-CONTROL",
    ]),
};
pub(super) const RTSP: TextProtocol = TextProtocol {
    name: "rtsp",
    requests: Some(&[
        "DESCRIBE",
        "ANNOUNCE",
        "GET_PARAMETER",
        "OPTIONS",
        "PAUSE",
        "PLAY",
        "RECORD",
        "REDIRECT",
        "SETUP",
        "SET_PARAMETER",
        "TEARDOWN",
    ]),
};
pub(super) const SIP: TextProtocol = TextProtocol {
    name: "sip",
    requests: Some(&[
        "ACK",
        "BYE",
        "CANCEL",
        "DO",
        "INFO",
        "INVITE",
        "MESSAGE",
        "NOTIFY",
        "OPTIONS",
        "PRACK",
        "QAUTH",
        "REFER",
        "REGISTER",
        "SPRACK",
        "SUBSCRIBE",
        "UPDATE",
        "PUBLISH",
    ]),
};

/// tcpdump takes a word longer than this for binary data, not a request or response code.
const MAX_TOKEN_LEN: usize = 128;
/// A response code: `200`.
const RESPONSE_CODE_LEN: usize = 3;

impl TextProtocol {
    /// Prints a payload `length` bytes long, of which `bytes` were captured.
    pub(super) fn print(&self, line: &mut Line, verbosity: u8, bytes: &[u8], length: u32) -> Printed {
        let text = Captured::new(bytes, self.name);
        let length = length as usize;
        let printed = self.requests.is_none_or(|requests| starts_request_or_response(text, length, requests));
        self.name.chars().for_each(|letter| line.push_char(letter.to_ascii_uppercase()));
        if !printed {
            return Ok(());
        }
        if verbosity == 0 {
            print_line(line, ": ", text, 0, length)?;
            return Ok(());
        }
        line.put(format_args!(", length: {length}"));
        let mut start = 0;
        while start < length
            && let Some(next) = print_line(line, "\n\t", text, start, length)?
        {
            start = next;
        }
        Ok(())
    }
}

/// Whether the text starts with one of `requests` (in any case) or has a response code as its second word.
fn starts_request_or_response(text: Captured, length: usize, requests: &[&str]) -> bool {
    let Some((first, next)) = word(text, 0, length) else { return false };
    if requests.iter().any(|request| request.as_bytes().eq_ignore_ascii_case(first)) {
        return true;
    }
    word(text, next, length)
        .is_some_and(|(second, _)| second.len() == RESPONSE_CODE_LEN && second.iter().all(u8::is_ascii_digit))
}

/// The word of printable characters at `start`, and where the next one starts after the spaces that follow it;
/// `None` for an empty word, a word of other bytes or one longer than tcpdump takes, or one cut by the capture.
fn word<'a>(text: Captured<'a>, start: usize, length: usize) -> Option<(&'a [u8], usize)> {
    let mut end = start;
    while end < length {
        let byte = text.u8(end).ok()?;
        if matches!(byte, b' ' | b'\t' | b'\r' | b'\n') {
            break;
        }
        if !is_printable(byte) || end - start == MAX_TOKEN_LEN {
            return None;
        }
        end += 1;
    }
    let word = text.slice(start, end - start).ok().filter(|word| !word.is_empty())?;
    let mut next = end;
    while next < length && text.u8(next) == Ok(b' ') {
        next += 1;
    }
    Some((word, next))
}

/// Printable ASCII: what tcpdump shows of text as it is.
pub(super) fn is_printable(byte: u8) -> bool {
    byte.is_ascii_graphic() || byte == b' '
}

/// Prints the line at `start` after `prefix`, without its end (LF or CR LF); returns where the next starts. A
/// line of other bytes than printable ones and tabs, or one ending in a lone CR, is binary data: nothing is
/// printed and `None` returned. A line without an end is printed with the truncation marker.
fn print_line(
    line: &mut Line,
    prefix: &str,
    text: Captured,
    start: usize,
    length: usize,
) -> Result<Option<usize>, Truncated> {
    let mut end = start;
    while end < length {
        let next = match text.u8(end)? {
            b'\n' => end + 1,
            b'\r' if end + 1 < length && text.u8(end + 1)? == b'\n' => end + 2,
            byte if is_printable(byte) || byte == b'\t' => {
                end += 1;
                continue;
            }
            _ => return Ok(None),
        };
        put_text(line, prefix, text.slice(start, end - start)?);
        return Ok(Some(next));
    }
    put_text(line, prefix, text.slice(start, end - start)?);
    Err(text.truncated())
}

/// `prefix` and bytes known to be printable ASCII or tabs.
pub(super) fn put_text(line: &mut Line, prefix: &str, text: &[u8]) {
    line.push(prefix);
    text.iter().for_each(|&byte| line.push_char(char::from(byte)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printed(protocol: &TextProtocol, verbosity: u8, bytes: &[u8], length: usize) -> (String, Printed) {
        let mut line = Line::default();
        let result = protocol.print(&mut line, verbosity, bytes, length as u32);
        (line.text, result)
    }

    #[test]
    fn requests_and_responses_show_their_first_line_or_all() {
        let request = b"get /index.html HTTP/1.1\r\nHost: a\tb\n\r\nbody";
        assert_eq!(printed(&HTTP, 0, request, request.len()).0, "HTTP: get /index.html HTTP/1.1");
        let (text, result) = printed(&HTTP, 1, request, request.len());
        assert_eq!(text, "HTTP, length: 42\n\tget /index.html HTTP/1.1\n\tHost: a\tb\n\t\n\tbody");
        assert_eq!(result, Err(Truncated { protocol: "http", abandons_packet: false }));
        assert_eq!(printed(&RTSP, 0, b"RTSP/1.0 200 OK\r\n", 17).0, "RTSP: RTSP/1.0 200 OK");
    }

    #[test]
    fn other_payloads_only_name_the_protocol() {
        assert_eq!(printed(&HTTP, 1, b"continued body\r\n", 16), ("HTTP".into(), Ok(())));
        assert_eq!(printed(&SIP, 0, b"SIP/2.0 1000 x\r\n", 16).0, "SIP");
        let long_word = [&[b'A'; 129][..], b" 200 OK\n"].concat();
        assert_eq!(printed(&HTTP, 0, &long_word, long_word.len()).0, "HTTP");
    }

    #[test]
    fn binary_data_ends_the_lines() {
        assert_eq!(printed(&SMTP, 1, b"220 ok\r\n\x01\r\n", 11).0, "SMTP, length: 11\n\t220 ok");
        assert_eq!(printed(&FTP, 0, b"USER a\rb\r\n", 10).0, "FTP");
    }

    #[test]
    fn a_cut_line_gives_up_on_the_packet() {
        let (text, result) = printed(&WHOIS, 1, b"example.com\r\nnext", 30);
        assert_eq!(text, "WHOIS, length: 30\n\texample.com");
        assert_eq!(result, Err(Truncated { protocol: "whois", abandons_packet: true }));
    }
}
