//! Process, container and pod terms: ptstat's words in the expression, beside libpcap's packet primitives.
//!
//! `pid N`, `ppid N`, `pname NAME`, `uid N`, `user NAME`, `cgroup PATH`, `container NAME`, `container id PREFIX`,
//! `pod NAME.NAMESPACE`, `pod label KEY=VALUE` and `netns NAME` test the process (container, pod, network
//! namespace) a packet belongs to, which the packet bytes do not tell: whoever runs the program answers them all at
//! once in a word of bits, bit i for the program's i-th term ([`crate::Program::terms`]), loaded by `ld [process
//! terms]` (k = [`PROCESS_TERMS_LOAD_OFFSET`]) and tested by `jset #(1 << i)`.
//!
//! The words are not reserved: the lexer takes one for a term only when a value follows it, that is, when the
//! next word is not `and`, `or`, `)` or the end. Each such use is a syntax error in libpcap (a host name followed by
//! another word), so no expression tcpdump accepts changes meaning: `host pid` is still the host called `pid`.

use crate::error::{Result, Spanned};
use crate::program::SKF_AD_OFF;
use std::fmt;
use std::ops::Range;

/// The `k` of `ld [process terms]`: an ancillary offset Linux leaves unused, which only ptstat's translation and
/// interpreter answer.
pub const PROCESS_TERMS_LOAD_OFFSET: u32 = SKF_AD_OFF + 0x100;

/// How many distinct terms one expression may have: one bit each in a 32-bit word.
pub const MAX_TERMS: usize = 32;

/// What a term tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TermKind {
    /// `pid N`: the process (thread group) id.
    Pid,
    /// `ppid N`: a child of process N.
    Ppid,
    /// `pname NAME`: the process name, as the kernel keeps it (comm, at most 15 bytes).
    Pname,
    /// `uid N`: the process's real user id.
    Uid,
    /// `user NAME`: the same, by user name.
    User,
    /// `cgroup PATH`: the process is in that cgroup v2 directory or below it.
    Cgroup,
    /// `container NAME`: Docker's, containerd's or Kubernetes' name of the process's container.
    Container,
    /// `container id PREFIX`: the container's id starts with the prefix.
    ContainerId,
    /// `pod NAME.NAMESPACE`: the Kubernetes pod of the container.
    Pod,
    /// `pod label KEY=VALUE`: a label of that pod (from the CRI).
    PodLabel,
    /// `netns NAME`: the packet was seen in that network namespace (with `--netns`).
    Netns,
}

impl TermKind {
    /// The words that write the term.
    pub fn words(self) -> &'static str {
        match self {
            TermKind::Pid => "pid",
            TermKind::Ppid => "ppid",
            TermKind::Pname => "pname",
            TermKind::Uid => "uid",
            TermKind::User => "user",
            TermKind::Cgroup => "cgroup",
            TermKind::Container => "container",
            TermKind::ContainerId => "container id",
            TermKind::Pod => "pod",
            TermKind::PodLabel => "pod label",
            TermKind::Netns => "netns",
        }
    }

    /// Whether the term is about containers and pods, which live captures learn of from the container runtimes.
    pub fn is_container(self) -> bool {
        matches!(self, TermKind::Container | TermKind::ContainerId | TermKind::Pod | TermKind::PodLabel)
    }
}

/// One term as written: its kind and its value, checked for shape (numbers are numbers, a label has its `=`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProcessTerm {
    pub kind: TermKind,
    pub value: String,
}

impl ProcessTerm {
    /// The number of `pid`, `ppid` and `uid` terms.
    pub fn number(&self) -> Option<u32> {
        self.value.parse().ok()
    }

    /// `pod label KEY=VALUE`'s key and value.
    pub fn label(&self) -> Option<(&str, &str)> {
        self.value.split_once('=')
    }

    /// `cgroup PATH`'s path from the cgroup v2 root, `/` for the root itself: the path as written, or without
    /// the mount point (`/sys/fs/cgroup`, or `/sys/fs/cgroup/unified` on hybrid hosts) it was written with.
    pub fn cgroup_path(&self) -> &str {
        let path = ["/sys/fs/cgroup/unified", "/sys/fs/cgroup"]
            .iter()
            .find_map(|mount| self.value.strip_prefix(mount).filter(|rest| rest.is_empty() || rest.starts_with('/')))
            .unwrap_or(&self.value);
        let path = path.trim_end_matches('/');
        if path.is_empty() { "/" } else { path }
    }

    /// `pod NAME.NAMESPACE`'s name and namespace (namespaces have no dots; pod names may).
    pub fn pod(&self) -> Option<(&str, &str)> {
        self.value.rsplit_once('.')
    }
}

impl fmt::Display for ProcessTerm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind.words(), self.value)
    }
}

/// The first word of each term, for the lexer.
pub(crate) fn starts_term(word: &str) -> bool {
    ["pid", "ppid", "pname", "uid", "user", "cgroup", "container", "pod", "netns"].contains(&word)
}

/// The term that `word` (a name the lexer just read, ending at `*position`) starts, if a value follows it; reads
/// the value (and `container`'s `id`, `pod`'s `label`) up to the next blank or parenthesis and moves `*position`
/// past it. A value of the wrong shape is an error about the value.
pub(crate) fn read_term(input: &str, word: &str, position: &mut usize) -> Result<Option<(ProcessTerm, Range<usize>)>> {
    let Some((first, first_span)) = value_word(input, *position) else { return Ok(None) };
    let (kind, value, span) = match (word, first) {
        ("container", "id") | ("pod", "label") => match value_word(input, first_span.end) {
            Some((second, second_span)) => {
                let kind = if word == "pod" { TermKind::PodLabel } else { TermKind::ContainerId };
                (kind, second, second_span)
            }
            // `container id` alone: the container called "id".
            None => (kind_of(word), first, first_span),
        },
        _ => (kind_of(word), first, first_span),
    };
    check_value(kind, value, &span)?;
    *position = span.end;
    Ok(Some((ProcessTerm { kind, value: value.to_string() }, span)))
}

fn kind_of(word: &str) -> TermKind {
    match word {
        "pid" => TermKind::Pid,
        "ppid" => TermKind::Ppid,
        "pname" => TermKind::Pname,
        "uid" => TermKind::Uid,
        "user" => TermKind::User,
        "cgroup" => TermKind::Cgroup,
        "container" => TermKind::Container,
        "pod" => TermKind::Pod,
        _ => TermKind::Netns,
    }
}

/// The word starting at the first non-blank from `from`, unless there is none or it is `and`/`or` (which leave the
/// term's first word a plain name, as in libpcap).
fn value_word(input: &str, from: usize) -> Option<(&str, Range<usize>)> {
    let rest = input.get(from..)?;
    let start = from + (rest.len() - rest.trim_start_matches([' ', '\t', '\r', '\n']).len());
    let tail = &input[start..];
    let len = tail.find([' ', '\t', '\r', '\n', '(', ')']).unwrap_or(tail.len());
    let word = &tail[..len];
    if word.is_empty() || ["and", "or", "&&", "||"].contains(&word) || word.starts_with("&&") || word.starts_with("||")
    {
        return None;
    }
    Some((word, start..start + len))
}

fn check_value(kind: TermKind, value: &str, span: &Range<usize>) -> Result<()> {
    let refuse = |message: String| Err(Spanned::new(message, span.clone()));
    match kind {
        TermKind::Pid | TermKind::Ppid | TermKind::Uid if value.parse::<u32>().is_err() => {
            refuse(format!("'{}' takes a number, not '{value}'", kind.words()))
        }
        TermKind::Pname if value.len() > 15 => {
            refuse(format!("process names are at most 15 bytes (the kernel's comm), not '{value}'"))
        }
        TermKind::PodLabel if value.split_once('=').is_none_or(|(key, _)| key.is_empty()) => {
            refuse(format!("'pod label' takes KEY=VALUE, not '{value}'"))
        }
        TermKind::Pod if value.rsplit_once('.').is_none_or(|(name, space)| name.is_empty() || space.is_empty()) => {
            refuse(format!("'pod' takes NAME.NAMESPACE, not '{value}'"))
        }
        TermKind::Cgroup if !value.starts_with('/') => {
            refuse(format!("'cgroup' takes a path from the cgroup v2 root such as /system.slice, not '{value}'"))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::TokenKind;
    use crate::{CaptureSource, DumpStyle, LinkType, compile, compile_for};

    /// An Ethernet frame with IPv4 and the given transport protocol, headers zeroed past the protocol field.
    fn ipv4_packet(protocol: u8) -> Vec<u8> {
        let mut frame = vec![0u8; 14 + 20 + 20];
        frame[12..14].copy_from_slice(&[0x08, 0x00]);
        frame[14] = 0x45;
        frame[14 + 9] = protocol;
        frame
    }
    const TCP: u8 = 6;
    const UDP: u8 = 17;

    fn term(kind: TermKind, value: &str) -> ProcessTerm {
        ProcessTerm { kind, value: value.to_string() }
    }

    fn terms_of(expression: &str) -> Vec<ProcessTerm> {
        compile(expression, LinkType::Ethernet).unwrap().terms
    }

    #[test]
    fn each_term_reads_its_kind_and_value() {
        let expression = "pid 1 or ppid 2 or pname curl or uid 3 or user nobody or cgroup /a/b or container web \
                          or container id 4f3e or pod shop.default or pod label app=shop or netns blue";
        let expected = vec![
            term(TermKind::Pid, "1"),
            term(TermKind::Ppid, "2"),
            term(TermKind::Pname, "curl"),
            term(TermKind::Uid, "3"),
            term(TermKind::User, "nobody"),
            term(TermKind::Cgroup, "/a/b"),
            term(TermKind::Container, "web"),
            term(TermKind::ContainerId, "4f3e"),
            term(TermKind::Pod, "shop.default"),
            term(TermKind::PodLabel, "app=shop"),
            term(TermKind::Netns, "blue"),
        ];
        assert_eq!(terms_of(expression), expected);
        assert_eq!(terms_of("pod label app=shop").first().and_then(ProcessTerm::label), Some(("app", "shop")));
        assert_eq!(terms_of("pod web.v1.shop").first().and_then(ProcessTerm::pod), Some(("web.v1", "shop")));
        for (written, path) in [
            ("/a/b/", "/a/b"),
            ("/sys/fs/cgroup/a", "/a"),
            ("/sys/fs/cgroup", "/"),
            ("/sys/fs/cgroupx", "/sys/fs/cgroupx"),
        ] {
            assert_eq!(term(TermKind::Cgroup, written).cgroup_path(), path);
        }
    }

    #[test]
    fn a_term_word_without_a_value_stays_a_host_name() {
        for expression in ["host pid", "host pid or host user", "host (pod or container)", "pname", "port 80 or pid"] {
            let tokens = crate::lexer::tokenize(expression).unwrap();
            assert!(tokens.iter().all(|token| !matches!(token.kind, TokenKind::Term(_))), "{expression}");
            assert!(tokens.iter().any(|token| matches!(&token.kind, TokenKind::Name(name) if starts_term(name))));
        }
        // `container id` alone is the container called "id".
        assert_eq!(terms_of("container id"), vec![term(TermKind::Container, "id")]);
        assert_eq!(terms_of("(pid 7)"), vec![term(TermKind::Pid, "7")]);
    }

    #[test]
    fn terms_combine_with_packet_primitives_in_libpcap_precedence() {
        let program = compile("not pname sshd and tcp", LinkType::Ethernet).unwrap();
        assert!(program.matches_with_terms(&ipv4_packet(TCP), 54, 0));
        assert!(!program.matches_with_terms(&ipv4_packet(TCP), 54, 1));
        assert!(!program.matches_with_terms(&ipv4_packet(UDP), 54, 0));

        let program = compile("pname curl or (container web and udp)", LinkType::Ethernet).unwrap();
        assert!(program.matches_with_terms(&ipv4_packet(TCP), 54, 0b01));
        assert!(!program.matches_with_terms(&ipv4_packet(TCP), 54, 0b10));
        assert!(program.matches_with_terms(&ipv4_packet(UDP), 54, 0b10));
        assert!(!program.matches_with_terms(&ipv4_packet(UDP), 54, 0));

        // and/or have equal precedence, grouping to the left: (pid 1 or udp) and uid 0.
        let program = compile("pid 1 or udp and uid 0", LinkType::Ethernet).unwrap();
        assert!(!program.matches_with_terms(&ipv4_packet(TCP), 54, 0b01));
        assert!(program.matches_with_terms(&ipv4_packet(TCP), 54, 0b11));
        assert!(program.matches_with_terms(&ipv4_packet(UDP), 54, 0b10));
    }

    #[test]
    fn a_term_written_twice_shares_its_bit() {
        let program = compile("pid 5 and tcp or pid 5", LinkType::Ethernet).unwrap();
        assert_eq!(program.terms, vec![term(TermKind::Pid, "5")]);
        assert!(program.matches_with_terms(&ipv4_packet(UDP), 54, 1));
    }

    #[test]
    fn terms_compile_for_files_and_live_captures_on_both_links() {
        for link in [LinkType::Ethernet, LinkType::RawIp] {
            for source in [CaptureSource::File, CaptureSource::Live] {
                let program = compile_for("uid 0 and not port 53", link, source).unwrap();
                assert_eq!(program.terms, vec![term(TermKind::Uid, "0")]);
            }
        }
    }

    #[test]
    fn more_than_32_terms_are_refused() {
        let many: Vec<String> = (0..33).map(|pid| format!("pid {pid}")).collect();
        let error = compile(&many.join(" or "), LinkType::Ethernet).unwrap_err();
        assert!(error.to_string().starts_with("more than 32 different process terms"), "{error}");
        assert!(compile(&many[..32].join(" or "), LinkType::Ethernet).is_ok());
    }

    #[test]
    fn a_bad_value_is_an_error_at_its_column() {
        let cases = [
            ("pid x", "'pid' takes a number, not 'x' (at column 5: 'x')"),
            ("tcp and uid -1", "'uid' takes a number, not '-1' (at column 13: '-1')"),
            ("pod label =", "'pod label' takes KEY=VALUE, not '=' (at column 11: '=')"),
            ("pod web", "'pod' takes NAME.NAMESPACE, not 'web' (at column 5: 'web')"),
            (
                "cgroup system.slice",
                "'cgroup' takes a path from the cgroup v2 root such as /system.slice, not 'system.slice' (at column 8: 'system.slice')",
            ),
            (
                "pname abcdefghijklmnop",
                "process names are at most 15 bytes (the kernel's comm), not 'abcdefghijklmnop' (at column 7: 'abcdefghijklmnop')",
            ),
        ];
        for (expression, message) in cases {
            assert_eq!(compile(expression, LinkType::Ethernet).unwrap_err().to_string(), message, "{expression}");
        }
        // The term is a primitive, not an id a qualifier takes.
        assert!(compile("tcp pid 5", LinkType::Ethernet).is_err());
    }

    #[test]
    fn the_listing_names_the_load_and_each_term() {
        let program = compile("pname curl or uid 1000", LinkType::Ethernet).unwrap();
        let listing = program.dump(DumpStyle::Readable);
        let expected = "(000) ld       [process terms]\n\
                        (001) jset     #0x1             jt 4\tjf 2\t; pname curl\n\
                        (002) ld       [process terms]\n\
                        (003) jset     #0x2             jt 4\tjf 5\t; uid 1000\n\
                        (004) ret      #262144\n\
                        (005) ret      #0\n";
        assert_eq!(listing, expected);
        assert!(!program.dump(DumpStyle::Decimal).contains("pname"));
    }
}
