//! NFS versions 2 and 3 over ONC RPC (tcpdump's print-nfs.c): calls to port 2049 and replies from it, over UDP
//! and over TCP's record marking. A reply names no procedure, so, like tcpdump, ptstat remembers the calls it
//! printed (a small ring of transaction ids) and decodes a reply's body only when it saw the call.
//! tcpdump has no NFSv4 printer: a v4 call passes for a v2 one (COMPOUND for GETATTR), and so does it here.

use super::{
    Line, PrintState,
    address::IpAddress,
    captured::{Captured, Printed, Truncated},
    ip::IpEnvelope,
};

pub(super) const PORT: u16 = 2049;

/// An RPC message's direction (RFC 5531).
pub(super) const CALL: u32 = 0;
const REPLY: u32 = 1;

const VERSION_3: u32 = 3;

// Procedures, as numbered in NFSv3; tcpdump maps v2's numbers onto these.
const NULL: u32 = 0;
const GETATTR: u32 = 1;
const SETATTR: u32 = 2;
const LOOKUP: u32 = 3;
const ACCESS: u32 = 4;
const READLINK: u32 = 5;
const READ: u32 = 6;
const WRITE: u32 = 7;
const CREATE: u32 = 8;
const MKDIR: u32 = 9;
const SYMLINK: u32 = 10;
const MKNOD: u32 = 11;
const REMOVE: u32 = 12;
const RMDIR: u32 = 13;
const RENAME: u32 = 14;
const LINK: u32 = 15;
const READDIR: u32 = 16;
const READDIRPLUS: u32 = 17;
const FSSTAT: u32 = 18;
const FSINFO: u32 = 19;
const PATHCONF: u32 = 20;
const COMMIT: u32 = 21;
/// What v2's obsolete ROOT and WRITECACHE, and the numbers v2 lacks, map to.
const NOOP: u32 = 25;

/// v2's procedure numbers in v3's terms (tcpdump maps any version but 3 this way, v4 included).
const V2_PROCEDURES: [u32; 26] = [
    NULL, GETATTR, SETATTR, NOOP, LOOKUP, READLINK, READ, NOOP, WRITE, CREATE, REMOVE, RENAME, LINK, SYMLINK, MKDIR,
    RMDIR, READDIR, FSSTAT, NOOP, NOOP, NOOP, NOOP, NOOP, NOOP, NOOP, NOOP,
];

const PROCEDURE_NAMES: [&str; 22] = [
    "null",
    "getattr",
    "setattr",
    "lookup",
    "access",
    "readlink",
    "read",
    "write",
    "create",
    "mkdir",
    "symlink",
    "mknod",
    "remove",
    "rmdir",
    "rename",
    "link",
    "readdir",
    "readdirplus",
    "fsstat",
    "fsinfo",
    "pathconf",
    "commit",
];

/// NFS status codes with tcpdump's texts (errno's, from FreeBSD).
const STATUS_TEXTS: [(u32, &str); 34] = [
    (1, "Operation not permitted"),
    (2, "No such file or directory"),
    (5, "Input/output error"),
    (6, "Device not configured"),
    (11, "Resource deadlock avoided"),
    (12, "Cannot allocate memory"),
    (13, "Permission denied"),
    (17, "File exists"),
    (18, "Cross-device link"),
    (19, "Operation not supported by device"),
    (20, "Not a directory"),
    (21, "Is a directory"),
    (22, "Invalid argument"),
    (26, "Text file busy"),
    (27, "File too large"),
    (28, "No space left on device"),
    (30, "Read-only file system"),
    (31, "Too many links"),
    (45, "Operation not supported"),
    (62, "Too many levels of symbolic links"),
    (63, "File name too long"),
    (66, "Directory not empty"),
    (69, "Disc quota exceeded"),
    (70, "Stale NFS file handle"),
    (71, "Too many levels of remote in path"),
    (99, "Write cache flushed to disk"),
    (10001, "Illegal NFS file handle"),
    (10002, "Update synchronization mismatch"),
    (10003, "READDIR/READDIRPLUS cookie is stale"),
    (10004, "Operation not supported"),
    (10005, "Buffer or request is too small"),
    (10006, "Unspecified error on server"),
    (10007, "Object of that type not supported"),
    (10008, "Request couldn't be completed in time"),
];

const FILE_TYPE_NAMES: [&str; 6] = ["NON", "REG", "DIR", "BLK", "CHR", "LNK"];
const FILE_TYPE_FIFO: u32 = 7;
const BLOCK_DEVICE: u32 = 3;
const CHARACTER_DEVICE: u32 = 4;
const WRITE_MODES: [&str; 3] = ["unstable", "datasync", "filesync"];

const ACCESS_FULL: u32 = 0x3f;
const ACCESS_NAMES: [(u32, &str); 6] = [
    (0x01, "NFS_ACCESS_READ"),
    (0x02, "NFS_ACCESS_LOOKUP"),
    (0x04, "NFS_ACCESS_MODIFY"),
    (0x08, "NFS_ACCESS_EXTEND"),
    (0x10, "NFS_ACCESS_DELETE"),
    (0x20, "NFS_ACCESS_EXECUTE"),
];

/// A set time in a v3 `sattr3`: the client's, which follows in the message.
const SET_TO_CLIENT_TIME: u32 = 2;

const V2_FILE_HANDLE_LEN: usize = 32;
const V2_ATTRIBUTES_LEN: usize = 68;
const V3_ATTRIBUTES_LEN: usize = 84;
const WCC_ATTRIBUTES_LEN: usize = 24;
const V2_STATFS_LEN: usize = 20;
const V3_STATFS_LEN: usize = 52;
const FSINFO_LEN: usize = 48;
const PATHCONF_LEN: usize = 24;

/// Where a call's fields lie in an RPC message.
const VERSION_OFFSET: usize = 16;
const PROCEDURE_OFFSET: usize = 20;
const CREDENTIALS_OFFSET: usize = 24;
/// Where a reply's fields lie.
const REPLY_STATUS_OFFSET: usize = 8;
const REJECT_STATUS_OFFSET: usize = 12;

/// A call to the NFS port or a reply from it, over UDP: prints it and returns what it printed, or `None` when
/// tcpdump does not take the datagram for NFS.
pub(super) fn print_udp(
    line: &mut Line,
    state: &mut PrintState,
    message: &[u8],
    length: u32,
    envelope: &IpEnvelope,
    ports: (u16, u16),
) -> Option<Printed> {
    print_message(line, state, Captured::new(message, "nfs"), length, envelope, ports, "")
}

/// Record marking's header before each RPC message over TCP: the last-fragment bit and the fragment's length.
const RECORD_MARK_LEN: u32 = 4;
const LAST_FRAGMENT: u32 = 0x8000_0000;

/// A TCP segment to or from the NFS port: its first RPC message, if tcpdump takes it for NFS.
pub(super) fn print_tcp(
    line: &mut Line,
    state: &mut PrintState,
    payload: &[u8],
    length: u32,
    envelope: &IpEnvelope,
    ports: (u16, u16),
) -> Printed {
    let segment = Captured::new(payload, "nfs");
    let Ok(mark) = segment.be32(0) else { return Ok(()) };
    if length < RECORD_MARK_LEN {
        return Ok(());
    }
    let fragment_len = (mark & !LAST_FRAGMENT).min(length - RECORD_MARK_LEN);
    let message = segment.next_layer(RECORD_MARK_LEN as usize, "nfs");
    print_message(line, state, message, fragment_len, envelope, ports, ": ").unwrap_or(Ok(()))
}

fn print_message(
    line: &mut Line,
    state: &mut PrintState,
    rpc: Captured,
    length: u32,
    envelope: &IpEnvelope,
    (source_port, destination_port): (u16, u16),
    separator: &str,
) -> Option<Printed> {
    let direction = rpc.be32(4).ok()?;
    let xid = rpc.be32(0).ok()?;
    if destination_port == PORT && direction == CALL {
        line.put(format_args!("{separator}NFS request xid {xid} "));
        Some(print_call(line, state, rpc, length, envelope))
    } else if source_port == PORT && direction == REPLY {
        line.put(format_args!("{separator}NFS reply xid {xid} "));
        Some(print_reply_body(line, state, rpc, length, envelope))
    } else {
        None
    }
}

/// A reply with the addresses that tcpdump's `-T rpc` prints for it: the NFS port and the transaction id in
/// place of the ports.
pub(super) fn print_reply(
    line: &mut Line,
    state: &mut PrintState,
    rpc: Captured,
    length: u32,
    envelope: &IpEnvelope,
) -> Printed {
    let xid = rpc.be32(0)?;
    line.put(format_args!("{}.{PORT} > {}.{xid}: ", envelope.source, envelope.destination));
    print_reply_body(line, state, rpc, length, envelope)
}

/// The calls whose replies can be decoded: tcpdump's ring of the last 64, searched from the last match on.
pub(super) struct Transactions {
    calls: [Option<Transaction>; TRANSACTIONS],
    next: usize,
    hint: usize,
}

const TRANSACTIONS: usize = 64;

#[derive(Clone, Copy)]
struct Transaction {
    xid: u32,
    client: IpAddress,
    server: IpAddress,
    procedure: u32,
    version: u32,
}

impl Default for Transactions {
    fn default() -> Self {
        Transactions { calls: [None; TRANSACTIONS], next: 0, hint: 0 }
    }
}

impl Transactions {
    fn enter(&mut self, call: Transaction) {
        self.calls[self.next] = Some(call);
        self.next = (self.next + 1) % TRANSACTIONS;
    }

    /// The procedure and version of the call a reply answers.
    fn find(&mut self, xid: u32, envelope: &IpEnvelope) -> Option<(u32, u32)> {
        let start = self.hint;
        let found = (0..TRANSACTIONS).map(|step| (start + step) % TRANSACTIONS).find(|&index| {
            self.calls[index].is_some_and(|call| {
                call.xid == xid && call.server == envelope.source && call.client == envelope.destination
            })
        })?;
        self.hint = found;
        self.calls[found].map(|call| (call.procedure, call.version))
    }
}

/// Why a part of a message could not be printed: the capture ended inside a field (tcpdump gives up on the
/// packet), or a length did not fit or a check failed (tcpdump's parsers return NULL).
enum Stop {
    Cut(Truncated),
    Short,
}

impl From<Truncated> for Stop {
    fn from(truncated: Truncated) -> Self {
        Stop::Cut(truncated)
    }
}

type Parsed<T> = Result<T, Stop>;

/// The message being printed and what tcpdump's flags ask of it.
struct Nfs<'a, 'l> {
    line: &'l mut Line,
    rpc: Captured<'a>,
    verbosity: u8,
    quick: bool,
    /// The reply reported an error, after which tcpdump prints no truncation marker when a parser gives up.
    error: bool,
}

fn print_call(line: &mut Line, state: &mut PrintState, rpc: Captured, length: u32, envelope: &IpEnvelope) -> Printed {
    line.put_decimal(length);
    if !rpc.has(PROCEDURE_OFFSET, 4) {
        return Err(rpc.truncated());
    }
    let version = rpc.be32(VERSION_OFFSET)?;
    let procedure = rpc.be32(PROCEDURE_OFFSET)?;
    state.nfs.enter(Transaction {
        xid: rpc.be32(0)?,
        client: envelope.source,
        server: envelope.destination,
        procedure,
        version,
    });
    let v3 = version == VERSION_3;
    let procedure = in_v3_terms(procedure, v3);
    print_procedure(line, procedure);
    let decoding = state.decoding;
    let mut nfs = Nfs { line, rpc, verbosity: decoding.verbosity, quick: decoding.quick, error: false };
    match nfs.call_arguments(procedure, v3, length) {
        Ok(()) => Ok(()),
        Err(Stop::Cut(truncated)) => Err(truncated),
        Err(Stop::Short) => Err(rpc.truncated()),
    }
}

fn in_v3_terms(procedure: u32, v3: bool) -> u32 {
    match V2_PROCEDURES.get(procedure as usize) {
        Some(&mapped) if !v3 => mapped,
        _ => procedure,
    }
}

fn print_procedure(line: &mut Line, procedure: u32) {
    match PROCEDURE_NAMES.get(procedure as usize) {
        Some(name) => line.put(format_args!(" {name}")),
        None if procedure == NOOP => line.push(" nop"),
        None => line.put(format_args!(" proc-{procedure}")),
    }
}

fn print_reply_body(
    line: &mut Line,
    state: &mut PrintState,
    rpc: Captured,
    length: u32,
    envelope: &IpEnvelope,
) -> Printed {
    if !rpc.has(REPLY_STATUS_OFFSET, 4) {
        return Err(rpc.truncated());
    }
    const ACCEPTED: u32 = 0;
    const DENIED: u32 = 1;
    match rpc.be32(REPLY_STATUS_OFFSET)? {
        ACCEPTED => {
            line.put(format_args!("reply ok {length}"));
            let Some((procedure, version)) = state.nfs.find(rpc.be32(0)?, envelope) else { return Ok(()) };
            let decoding = state.decoding;
            let mut nfs = Nfs { line, rpc, verbosity: decoding.verbosity, quick: decoding.quick, error: false };
            match nfs.reply_results(procedure, version, length) {
                Ok(()) => Ok(()),
                Err(Stop::Cut(truncated)) => Err(truncated),
                Err(Stop::Short) if nfs.error => Ok(()),
                Err(Stop::Short) => Err(rpc.truncated()),
            }
        }
        DENIED => {
            line.put(format_args!("reply ERR {length}: "));
            print_rejection(line, rpc)
        }
        status => {
            line.put(format_args!("reply Unknown rpc response code={status} {length}"));
            Ok(())
        }
    }
}

fn print_rejection(line: &mut Line, rpc: Captured) -> Printed {
    const VERSION_MISMATCH: u32 = 0;
    const AUTHENTICATION_ERROR: u32 = 1;
    const AUTHENTICATION_TEXTS: [&str; 8] = [
        "OK",
        "Bogus Credentials (seal broken)",
        "Rejected Credentials (client should begin new session)",
        "Bogus Verifier (seal broken)",
        "Verifier expired or was replayed",
        "Credentials are too weak",
        "Bogus response verifier",
        "Unknown failure",
    ];
    rpc.check(REJECT_STATUS_OFFSET, 4)?;
    match rpc.be32(REJECT_STATUS_OFFSET)? {
        VERSION_MISMATCH => {
            rpc.check(REJECT_STATUS_OFFSET + 8, 4)?;
            let (low, high) = (rpc.be32(REJECT_STATUS_OFFSET + 4)?, rpc.be32(REJECT_STATUS_OFFSET + 8)?);
            line.put(format_args!("RPC Version mismatch ({low}-{high})"));
        }
        AUTHENTICATION_ERROR => {
            rpc.check(REJECT_STATUS_OFFSET + 4, 4)?;
            let why = rpc.be32(REJECT_STATUS_OFFSET + 4)?;
            match AUTHENTICATION_TEXTS.get(why as usize) {
                Some(text) => line.put(format_args!("Auth {text}")),
                None => line.put(format_args!("Auth Invalid failure code {why}")),
            }
        }
        reason => line.put(format_args!("Unknown reason for rejecting rpc message {reason}")),
    }
    Ok(())
}

/// XDR pads opaque data to a multiple of four bytes (computed in 32 bits, as tcpdump does).
fn padded(len: u32) -> u32 {
    len.wrapping_add(3) & !3
}

/// How far past an opaque authentication body (flavor, length, data) its 32-bit words end, as tcpdump skips it.
fn past_opaque(len: u32) -> usize {
    (len.wrapping_add(11) / 4) as usize * 4
}

impl Nfs<'_, '_> {
    fn be32(&self, offset: usize) -> Parsed<u32> {
        Ok(self.rpc.be32(offset)?)
    }

    fn be64(&self, offset: usize) -> Parsed<u64> {
        Ok(u64::from(self.be32(offset)?) << 32 | u64::from(self.be32(offset + 4)?))
    }

    /// `N` consecutive words.
    fn words<const N: usize>(&self, offset: usize) -> Parsed<[u32; N]> {
        let mut words = [0; N];
        for (index, word) in words.iter_mut().enumerate() {
            *word = self.be32(offset + 4 * index)?;
        }
        Ok(words)
    }

    /// Fails the way tcpdump's `ND_TCHECK` does in these parsers: the parser returns NULL.
    fn check(&self, offset: usize, len: usize) -> Parsed<()> {
        if self.rpc.has(offset, len) { Ok(()) } else { Err(Stop::Short) }
    }

    /// Where a call's arguments start, past its credentials and verifier.
    fn arguments_offset(&self, length: u32) -> Parsed<usize> {
        let mut offset = CREDENTIALS_OFFSET;
        let mut length = u64::from(length);
        if length < 8 {
            return Err(Stop::Short);
        }
        let len = self.be32(offset + 4)?;
        self.check(offset + 8, padded(len) as usize)?;
        if 8 + u64::from(padded(len)) > length {
            return Err(Stop::Short);
        }
        offset += past_opaque(len);
        length -= 8 + u64::from(padded(len));
        if length < 8 {
            return Err(Stop::Short);
        }
        let len = self.be32(offset + 4)?;
        self.check(offset + 8, padded(len) as usize)?;
        if 8 + u64::from(padded(len)) >= length {
            return Err(Stop::Short);
        }
        Ok(offset + past_opaque(len))
    }

    fn call_arguments(&mut self, procedure: u32, v3: bool, length: u32) -> Parsed<()> {
        let verbosity = self.verbosity;
        match procedure {
            GETATTR | SETATTR | READLINK | FSSTAT | FSINFO | PATHCONF => {
                let offset = self.arguments_offset(length)?;
                self.file_handle(offset, v3)?;
            }
            LOOKUP | CREATE | MKDIR | REMOVE | RMDIR => {
                let offset = self.arguments_offset(length)?;
                self.file_handle_and_name(offset, v3)?;
            }
            ACCESS => {
                let offset = self.arguments_offset(length)?;
                let offset = self.file_handle(offset, v3)?;
                let access = self.be32(offset)?;
                self.access(access);
            }
            READ => {
                let offset = self.arguments_offset(length)?;
                let offset = self.file_handle(offset, v3)?;
                if v3 {
                    let (count, position) = (self.be32(offset + 8)?, self.be64(offset)?);
                    self.line.put(format_args!(" {count} bytes @ {position}"));
                } else {
                    let (count, position) = (self.be32(offset + 4)?, self.be32(offset)?);
                    self.line.put(format_args!(" {count} bytes @ {position}"));
                }
            }
            WRITE => {
                let offset = self.arguments_offset(length)?;
                let offset = self.file_handle(offset, v3)?;
                if v3 {
                    let (len, count, position) = (self.be32(offset + 16)?, self.be32(offset + 8)?, self.be64(offset)?);
                    self.line.put(format_args!(" {len} ({count}) bytes @ {position}"));
                    if verbosity > 0 {
                        let mode = self.be32(offset + 12)?;
                        self.line.put(format_args!(" <{}>", write_mode(mode)));
                    }
                } else {
                    let words = [self.be32(offset + 12)?, self.be32(offset + 8)?, self.be32(offset + 4)?];
                    let begin = self.be32(offset)?;
                    self.line.put(format_args!(" {} ({}) bytes @ {} ({begin})", words[0], words[1], words[2]));
                }
            }
            SYMLINK => {
                let offset = self.arguments_offset(length)?;
                let offset = self.file_handle_and_name(offset, v3)?;
                self.line.push(" ->");
                let (offset, attributes) = match v3 {
                    true => self.set_attributes(offset).map(|(offset, attributes)| (offset, Some(attributes)))?,
                    false => (offset, None),
                };
                self.name(offset)?;
                if let Some(attributes) = attributes.filter(|_| verbosity > 0) {
                    self.print_set_attributes(&attributes);
                }
            }
            MKNOD => {
                let offset = self.arguments_offset(length)?;
                let offset = self.file_handle_and_name(offset, v3)?;
                let file_type = self.be32(offset)?;
                let (offset, attributes) = self.set_attributes(offset + 4)?;
                self.line.push(" ");
                self.file_type(file_type, "");
                if verbosity > 0 && (file_type == CHARACTER_DEVICE || file_type == BLOCK_DEVICE) {
                    let (major, minor) = (self.be32(offset)?, self.be32(offset + 4)?);
                    self.line.put(format_args!(" {major}/{minor}"));
                }
                if verbosity > 0 {
                    self.print_set_attributes(&attributes);
                }
            }
            RENAME => {
                let offset = self.arguments_offset(length)?;
                let offset = self.file_handle_and_name(offset, v3)?;
                self.line.push(" ->");
                self.file_handle_and_name(offset, v3)?;
            }
            LINK => {
                let offset = self.arguments_offset(length)?;
                let offset = self.file_handle(offset, v3)?;
                self.line.push(" ->");
                self.file_handle_and_name(offset, v3)?;
            }
            READDIR => {
                let offset = self.arguments_offset(length)?;
                let offset = self.file_handle(offset, v3)?;
                if v3 {
                    let (count, cookie) = (self.be32(offset + 16)?, self.be64(offset)? as i64);
                    self.line.put(format_args!(" {count} bytes @ {cookie}"));
                    if verbosity > 0 {
                        let verifier = (self.be32(offset + 8)?, self.be32(offset + 12)?);
                        self.line.put(format_args!(" verf {:08x}{:08x}", verifier.0, verifier.1));
                    }
                } else {
                    let (count, cookie) = (self.be32(offset + 4)?, self.be32(offset)?);
                    self.line.put(format_args!(" {count} bytes @ {cookie}"));
                }
            }
            READDIRPLUS => {
                let offset = self.arguments_offset(length)?;
                let offset = self.file_handle(offset, v3)?;
                let (count, cookie) = (self.be32(offset + 16)?, self.be64(offset)? as i64);
                self.line.put(format_args!(" {count} bytes @ {cookie}"));
                if verbosity > 0 {
                    let maximum = self.be32(offset + 20)?;
                    let verifier = (self.be32(offset + 8)?, self.be32(offset + 12)?);
                    self.line.put(format_args!(" max {maximum} verf {:08x}{:08x}", verifier.0, verifier.1));
                }
            }
            COMMIT => {
                let offset = self.arguments_offset(length)?;
                let offset = self.file_handle(offset, v3)?;
                let (count, position) = (self.be32(offset + 8)?, self.be64(offset)?);
                self.line.put(format_args!(" {count} bytes @ {position}"));
            }
            _ => {}
        }
        Ok(())
    }

    fn access(&mut self, access: u32) {
        if access & !ACCESS_FULL != 0 {
            self.line.put(format_args!(" {access:04x}"));
        } else if access == ACCESS_FULL {
            self.line.push(" NFS_ACCESS_FULL");
        } else {
            let mut separator = ' ';
            for (bit, name) in ACCESS_NAMES {
                if access & bit != 0 {
                    self.line.push_char(separator);
                    self.line.push(name);
                    separator = '|';
                }
            }
        }
    }

    fn file_type(&mut self, file_type: u32, unknown_suffix: &str) {
        match FILE_TYPE_NAMES.get(file_type as usize) {
            Some(name) => self.line.push(name),
            None if file_type == FILE_TYPE_FIFO => self.line.push("FIFO"),
            None => self.line.put(format_args!("unk-ft {file_type}{unknown_suffix}")),
        }
    }

    /// A file handle (v3's with its length before it, v2's 32 bytes): printed, and where what follows starts.
    fn file_handle(&mut self, offset: usize, v3: bool) -> Parsed<usize> {
        let (offset, words) =
            if v3 { (offset + 4, self.be32(offset)? as usize / 4) } else { (offset, V2_FILE_HANDLE_LEN / 4) };
        match self.rpc.slice(offset, words * 4) {
            Ok(handle) => {
                print_file_handle(self.line, handle);
                Ok(offset + words * 4)
            }
            Err(_) => Err(Stop::Short),
        }
    }

    /// A file name in quotes.
    fn name(&mut self, offset: usize) -> Parsed<usize> {
        let len = self.be32(offset)?;
        if u32::MAX - len < 3 {
            self.line.push("[cannot pad to 32-bit boundaries] (invalid)");
            return Err(Stop::Short);
        }
        let text = self.rpc.slice(offset + 4, padded(len) as usize).map_err(|_| Stop::Short)?;
        self.line.push("\"");
        self.line.put_escaped(&text[..len as usize]);
        self.line.push("\"");
        Ok(offset + 4 + padded(len) as usize)
    }

    fn file_handle_and_name(&mut self, offset: usize, v3: bool) -> Parsed<usize> {
        let offset = self.file_handle(offset, v3)?;
        self.line.push(" ");
        self.name(offset)
    }

    /// A v3 `sattr3`: each attribute after a flag that says whether it is set (tcpdump reads a size's first
    /// word only).
    fn set_attributes(&self, mut offset: usize) -> Parsed<(usize, SetAttributes)> {
        let next = |offset: &mut usize| -> Parsed<u32> {
            let value = self.be32(*offset)?;
            *offset += 4;
            Ok(value)
        };
        let optional = |offset: &mut usize| -> Parsed<Option<u32>> {
            if next(offset)? != 0 { Ok(Some(next(offset)?)) } else { Ok(None) }
        };
        let mode = optional(&mut offset)?;
        let uid = optional(&mut offset)?;
        let gid = optional(&mut offset)?;
        optional(&mut offset)?;
        let time = |offset: &mut usize| -> Parsed<Option<(u32, u32)>> {
            if self.be32(*offset)? == SET_TO_CLIENT_TIME {
                let time = (self.be32(*offset + 4)?, self.be32(*offset + 8)?);
                *offset += 12;
                Ok(Some(time))
            } else {
                *offset += 4;
                Ok(None)
            }
        };
        let atime = time(&mut offset)?;
        let mtime = time(&mut offset)?;
        Ok((offset, SetAttributes { mode, uid, gid, atime, mtime }))
    }

    fn print_set_attributes(&mut self, attributes: &SetAttributes) {
        if let Some(mode) = attributes.mode {
            self.line.put(format_args!(" mode {mode:o}"));
        }
        if let Some(uid) = attributes.uid {
            self.line.put(format_args!(" uid {uid}"));
        }
        if let Some(gid) = attributes.gid {
            self.line.put(format_args!(" gid {gid}"));
        }
        if self.verbosity > 1 {
            for (name, time) in [("atime", attributes.atime), ("mtime", attributes.mtime)] {
                if let Some((seconds, fraction)) = time {
                    self.line.put(format_args!(" {name} {seconds}.{fraction:06}"));
                }
            }
        }
    }

    fn reply_results(&mut self, procedure: u32, version: u32, length: u32) -> Parsed<()> {
        let v3 = version == VERSION_3;
        let procedure = in_v3_terms(procedure, v3);
        print_procedure(self.line, procedure);
        let verbosity = self.verbosity;
        if !matches!(procedure, GETATTR..=COMMIT) {
            return Ok(());
        }
        let offset = self.results_offset(length)?;
        match procedure {
            GETATTR => self.attributes_or_status(offset, u8::from(!self.quick), v3)?,
            SETATTR if v3 => {
                self.wcc_result(offset)?;
            }
            SETATTR => self.attributes_or_status(offset, u8::from(!self.quick), false)?,
            LOOKUP if v3 => {
                let (offset, failed) = self.status(offset)?;
                let offset = if failed {
                    offset
                } else {
                    let offset = self.file_handle(offset, true)?;
                    self.post_operation_attributes(offset, verbosity)?
                };
                if verbosity > 1 {
                    self.line.push(" post dattr:");
                    self.post_operation_attributes(offset, verbosity)?;
                }
            }
            LOOKUP | CREATE | MKDIR if !v3 => self.directory_operation(offset)?,
            ACCESS => {
                let (offset, failed) = self.status(offset)?;
                if verbosity > 0 {
                    self.line.push(" attr:");
                }
                let offset = self.post_operation_attributes(offset, verbosity)?;
                if !failed {
                    let access = self.be32(offset)?;
                    self.line.put(format_args!(" c {access:04x}"));
                }
            }
            READLINK => {
                let (mut offset, failed) = self.status(offset)?;
                if !failed {
                    if v3 {
                        offset = self.post_operation_attributes(offset, verbosity)?;
                    }
                    self.line.push(" ");
                    self.name(offset)?;
                }
            }
            READ if v3 => {
                let (offset, failed) = self.status(offset)?;
                let offset = self.post_operation_attributes(offset, verbosity)?;
                if !failed && verbosity > 0 {
                    let count = self.be32(offset)?;
                    self.line.put(format_args!(" {count} bytes"));
                    if self.be32(offset + 4)? != 0 {
                        self.line.push(" EOF");
                    }
                }
            }
            READ | WRITE if !v3 => self.attributes_or_status(offset, verbosity, false)?,
            WRITE => {
                let (offset, failed) = self.status(offset)?;
                let offset = self.wcc_data(offset, verbosity)?;
                if !failed && verbosity > 0 {
                    let count = self.be32(offset)?;
                    self.line.put(format_args!(" {count} bytes"));
                    if verbosity > 1 {
                        let mode = self.be32(offset + 4)?;
                        self.line.put(format_args!(" <{}>", write_mode(mode)));
                        let verifier = self.be64(offset + 8)?;
                        self.line.put(format_args!(" verf {verifier:x}"));
                    }
                }
            }
            CREATE | MKDIR | SYMLINK | MKNOD if v3 || procedure == MKNOD => self.creation(offset)?,
            SYMLINK | REMOVE | RMDIR | RENAME | LINK if !v3 => {
                self.status(offset)?;
            }
            REMOVE | RMDIR => {
                self.wcc_result(offset)?;
            }
            RENAME => {
                let (offset, _) = self.status(offset)?;
                if verbosity > 0 {
                    self.line.push(" from:");
                    let offset = self.wcc_data(offset, verbosity)?;
                    self.line.push(" to:");
                    self.wcc_data(offset, verbosity)?;
                }
            }
            LINK => {
                let (offset, _) = self.status(offset)?;
                if verbosity > 0 {
                    self.line.push(" file POST:");
                    let offset = self.post_operation_attributes(offset, verbosity)?;
                    self.line.push(" dir:");
                    self.wcc_data(offset, verbosity)?;
                }
            }
            READDIR if !v3 => self.v2_directory_entries(offset)?,
            READDIR | READDIRPLUS => self.v3_directory_entries(offset)?,
            FSSTAT => self.file_system_statistics(offset, v3)?,
            FSINFO => self.file_system_information(offset)?,
            PATHCONF => self.path_configuration(offset)?,
            _ => {
                let offset = self.wcc_result(offset)?;
                if verbosity > 1 {
                    let verifier = self.be64(offset)?;
                    self.line.put(format_args!(" verf {verifier:x}"));
                }
            }
        }
        Ok(())
    }

    /// Where an accepted reply's results start, past its verifier and accept status; an unsuccessful status is
    /// printed and ends the reply.
    fn results_offset(&mut self, length: u32) -> Parsed<usize> {
        const VERIFIER_OFFSET: usize = 12;
        const STATUS_TEXTS: [&str; 5] = ["PROG_UNAVAIL", "PROG_MISMATCH", "PROC_UNAVAIL", "GARBAGE_ARGS", "SYSTEM_ERR"];
        let len = self.be32(VERIFIER_OFFSET + 4)?;
        if len >= length {
            return Err(Stop::Short);
        }
        let offset = VERIFIER_OFFSET + past_opaque(len);
        let status = self.be32(offset)?;
        if status != 0 {
            match STATUS_TEXTS.get(status as usize - 1) {
                Some(text) => self.line.put(format_args!(" {text}")),
                None => self.line.put(format_args!(" ar_stat {status}")),
            }
            self.error = true;
            return Err(Stop::Short);
        }
        Ok(offset + 4)
    }

    /// An NFS status: printed if it is an error. Returns where what follows starts and whether it was one.
    fn status(&mut self, offset: usize) -> Parsed<(usize, bool)> {
        let status = self.be32(offset)?;
        if status != 0 {
            if !self.quick {
                match STATUS_TEXTS.iter().find(|(code, _)| *code == status) {
                    Some((_, text)) => self.line.put(format_args!(" ERROR: {text}")),
                    None => self.line.put(format_args!(" ERROR: unk {status}")),
                }
            }
            self.error = true;
        }
        Ok((offset + 4, status != 0))
    }

    /// A v3 result's status, then the attributes after the operation (` POST:` at -v); the offset after them, and
    /// whether the status is an error.
    fn status_and_post_attributes(&mut self, offset: usize) -> Parsed<(usize, bool)> {
        let (offset, failed) = self.status(offset)?;
        if self.verbosity > 0 {
            self.line.push(" POST:");
        }
        let offset = self.post_operation_attributes(offset, self.verbosity)?;
        Ok((offset, failed))
    }

    /// v2's `attrstat` (and v3's GETATTR result): a status, then if it is not an error the attributes.
    fn attributes_or_status(&mut self, offset: usize, verbosity: u8, v3: bool) -> Parsed<()> {
        let (offset, failed) = self.status(offset)?;
        if !failed {
            self.attributes(offset, verbosity, v3)?;
        }
        Ok(())
    }

    /// v2's `diropres`: a status, then a file handle and its attributes.
    fn directory_operation(&mut self, offset: usize) -> Parsed<()> {
        let (offset, failed) = self.status(offset)?;
        if !failed {
            let offset = self.file_handle(offset, false)?;
            self.attributes(offset, self.verbosity, false)?;
        }
        Ok(())
    }

    /// A file's attributes (`fattr`).
    fn attributes(&mut self, offset: usize, verbosity: u8, v3: bool) -> Parsed<usize> {
        self.check(offset + 16, 4)?;
        if verbosity > 0 {
            let (file_type, mode) = (self.be32(offset)?, self.be32(offset + 4)?);
            let (uid, gid) = (self.be32(offset + 12)? as i32, self.be32(offset + 16)? as i32);
            self.line.push(" ");
            // tcpdump's name for a type it does not know ends in a space here.
            self.file_type(file_type, " ");
            self.line.put(format_args!(" {mode:o} ids {uid}/{gid}"));
            if v3 {
                let size = self.be64(offset + 20)?;
                self.line.put(format_args!(" sz {size}"));
            } else {
                let size = self.be32(offset + 20)?;
                self.line.put(format_args!(" sz {size}"));
            }
        }
        if verbosity > 1 {
            if v3 {
                self.check(offset + 76, 8)?;
                let word: [u32; V3_ATTRIBUTES_LEN / 4] = self.words(offset)?;
                self.line.put(format_args!(" nlink {} rdev {}/{}", word[2], word[9], word[10]));
                let (fsid, fileid) = (self.be64(offset + 44)?, self.be64(offset + 52)?);
                self.line.put(format_args!(" fsid {fsid:x} fileid {fileid:x}"));
                self.line.put(format_args!(" a/m/ctime {}.{:06}", word[15], word[16]));
                self.line.put(format_args!(" {}.{:06} {}.{:06}", word[17], word[18], word[19], word[20]));
            } else {
                self.check(offset + 60, 8)?;
                let word: [u32; V2_ATTRIBUTES_LEN / 4] = self.words(offset)?;
                self.line.put(format_args!(
                    " nlink {} rdev {:#x} fsid {:#x} nodeid {:#x} a/m/ctime",
                    word[2], word[7], word[9], word[10]
                ));
                for index in [11, 13, 15] {
                    self.line.put(format_args!(" {}.{:06}", word[index], word[index + 1]));
                }
            }
        }
        Ok(offset + if v3 { V3_ATTRIBUTES_LEN } else { V2_ATTRIBUTES_LEN })
    }

    /// v3's `post_op_attr`: a flag, then if set the attributes (printed from -v on).
    fn post_operation_attributes(&mut self, offset: usize, verbosity: u8) -> Parsed<usize> {
        if self.be32(offset)? == 0 {
            return Ok(offset + 4);
        }
        if verbosity > 0 { self.attributes(offset + 4, verbosity, true) } else { Ok(offset + 4 + V3_ATTRIBUTES_LEN) }
    }

    /// v3's `wcc_data`: the attributes before the operation (printed from -vv on) and after it.
    fn wcc_data(&mut self, offset: usize, verbosity: u8) -> Parsed<usize> {
        if verbosity > 1 {
            self.line.push(" PRE:");
        }
        let offset = if self.be32(offset)? == 0 {
            offset + 4
        } else {
            let offset = offset + 4;
            self.check(offset, WCC_ATTRIBUTES_LEN)?;
            if verbosity > 1 {
                let size = self.be64(offset)?;
                self.line.put(format_args!(" sz {size}"));
                let times = [self.be32(offset + 8)?, self.be32(offset + 12)?, self.be32(offset + 16)?];
                let ctime_fraction = self.be32(offset + 20)?;
                self.line
                    .put(format_args!(" mtime {}.{:06} ctime {}.{ctime_fraction:06}", times[0], times[1], times[2]));
            }
            offset + WCC_ATTRIBUTES_LEN
        };
        if verbosity > 0 {
            self.line.push(" POST:");
        }
        self.post_operation_attributes(offset, verbosity)
    }

    /// A v3 status and `wcc_data`.
    fn wcc_result(&mut self, offset: usize) -> Parsed<usize> {
        let (offset, _) = self.status(offset)?;
        self.wcc_data(offset, self.verbosity)
    }

    /// v3's result of CREATE, MKDIR, SYMLINK and MKNOD: on success the new file's handle and attributes, and
    /// at -vv the directory's.
    fn creation(&mut self, offset: usize) -> Parsed<()> {
        let (offset, failed) = self.status(offset)?;
        let verbosity = self.verbosity;
        if failed {
            self.wcc_data(offset, verbosity)?;
            return Ok(());
        }
        if self.be32(offset)? == 0 {
            return Ok(());
        }
        let offset = self.file_handle(offset + 4, true)?;
        if verbosity > 0 {
            let offset = self.post_operation_attributes(offset, verbosity)?;
            if verbosity > 1 {
                self.line.push(" dir attr:");
                self.wcc_data(offset, verbosity)?;
            }
        }
        Ok(())
    }

    fn v2_directory_entries(&mut self, offset: usize) -> Parsed<()> {
        let (offset, failed) = self.status(offset)?;
        if failed || self.quick {
            return Ok(());
        }
        let (first, second) = (self.be32(offset)?, self.be32(offset + 4)?);
        self.line.put(format_args!(" offset 0x{first:x} size {second} "));
        if self.be32(offset + 8)? != 0 {
            self.line.push(" eof");
        }
        Ok(())
    }

    fn v3_directory_entries(&mut self, offset: usize) -> Parsed<()> {
        let (offset, failed) = self.status_and_post_attributes(offset)?;
        let verbosity = self.verbosity;
        if !failed && verbosity > 0 {
            let verifier = (self.be32(offset)?, self.be32(offset + 4)?);
            self.line.put(format_args!(" verf {:08x}{:08x}", verifier.0, verifier.1));
        }
        Ok(())
    }

    fn file_system_statistics(&mut self, offset: usize, v3: bool) -> Parsed<()> {
        let (mut offset, failed) = self.status(offset)?;
        if (!v3 && failed) || self.quick {
            return Ok(());
        }
        let verbosity = self.verbosity;
        if v3 {
            if verbosity > 0 {
                self.line.push(" POST:");
            }
            offset = self.post_operation_attributes(offset, verbosity)?;
        }
        self.check(offset, if v3 { V3_STATFS_LEN } else { V2_STATFS_LEN })?;
        if v3 {
            let bytes = [self.be64(offset)?, self.be64(offset + 8)?, self.be64(offset + 16)?];
            self.line.put(format_args!(" tbytes {} fbytes {} abytes {}", bytes[0], bytes[1], bytes[2]));
            if verbosity > 0 {
                let files = [self.be64(offset + 24)?, self.be64(offset + 32)?, self.be64(offset + 40)?];
                let invariant = self.be32(offset + 48)?;
                self.line.put(format_args!(
                    " tfiles {} ffiles {} afiles {} invar {invariant}",
                    files[0], files[1], files[2]
                ));
            }
        } else {
            let values: [u32; 5] = self.words(offset)?;
            self.line.put(format_args!(
                " tsize {} bsize {} blocks {} bfree {} bavail {}",
                values[0], values[1], values[2], values[3], values[4]
            ));
        }
        Ok(())
    }

    fn file_system_information(&mut self, offset: usize) -> Parsed<()> {
        let (offset, failed) = self.status_and_post_attributes(offset)?;
        let verbosity = self.verbosity;
        if failed {
            return Ok(());
        }
        self.check(offset, FSINFO_LEN)?;
        let word: [u32; FSINFO_LEN / 4] = self.words(offset)?;
        let (read_max, read_preferred, write_max, write_preferred) = (word[0], word[1], word[3], word[4]);
        let directory_preferred = word[6];
        self.line.put(format_args!(
            " rtmax {read_max} rtpref {read_preferred} wtmax {write_max} wtpref {write_preferred} \
             dtpref {directory_preferred}"
        ));
        if verbosity > 0 {
            let (read_multiple, write_multiple, max_size) = (word[2], word[5], self.be64(offset + 28)?);
            self.line.put(format_args!(" rtmult {read_multiple} wtmult {write_multiple} maxfsz {max_size}"));
            let (seconds, fraction) = (word[9], word[10]);
            self.line.put(format_args!(" delta {seconds}.{fraction:06} "));
        }
        Ok(())
    }

    fn path_configuration(&mut self, offset: usize) -> Parsed<()> {
        let (offset, failed) = self.status_and_post_attributes(offset)?;
        if failed {
            return Ok(());
        }
        self.check(offset, PATHCONF_LEN)?;
        let word: [u32; PATHCONF_LEN / 4] = self.words(offset)?;
        let (link_max, name_max) = (word[0], word[1]);
        let flag = |index: usize, name: &'static str| if word[index] != 0 { name } else { "" };
        let flags = [flag(2, "notrunc"), flag(3, "chownres"), flag(4, "igncase"), flag(5, "keepcase")];
        self.line.put(format_args!(
            " linkmax {link_max} namemax {name_max} {} {} {} {}",
            flags[0], flags[1], flags[2], flags[3]
        ));
        Ok(())
    }
}

/// The attributes a v3 call sets.
struct SetAttributes {
    mode: Option<u32>,
    uid: Option<u32>,
    gid: Option<u32>,
    atime: Option<(u32, u32)>,
    mtime: Option<(u32, u32)>,
}

/// A write's stability, as C's `tok2str` names it (`#%d` for others).
fn write_mode(mode: u32) -> String {
    match WRITE_MODES.get(mode as usize) {
        Some(name) => (*name).to_owned(),
        None => format!("#{}", mode as i32),
    }
}

/// The servers tcpdump tells apart by the layout of their file handles.
#[derive(Clone, Copy, PartialEq, Eq)]
enum HandleLayout {
    Unknown,
    Auspex,
    DecOsf,
    Irix4,
    SunOs4,
    SunOs5,
    Ultrix,
    VmsUcx,
    HpUx9,
    Bsd44,
}

/// A file handle as tcpdump prints it: ` fh MAJOR,MINOR/INODE` by guessing which server made it, or the
/// handle's bytes when it cannot guess (tcpdump's parsenfsfh.c).
fn print_file_handle(line: &mut Line, handle: &[u8]) {
    let byte = |index: usize| u32::from(handle.get(index).copied().unwrap_or(0));
    let be = |index: usize, len: usize| (0..len).fold(0, |value, at| value << 8 | byte(index + at));
    let le32 = |index: usize| (0..4).rev().fold(0, |value, at| value << 8 | byte(index + at));
    let layout = handle_layout(handle);
    // (major, minor, inode) of the file system device and file.
    let (major, minor, inode) = match layout {
        HandleLayout::Auspex => (byte(6), byte(7), be(12, 4)),
        HandleLayout::Bsd44 => (byte(1), byte(0), le32(12)),
        HandleLayout::DecOsf => ((le32(0) >> 20) & 0xfff, le32(0) & 0xfffff, le32(12)),
        HandleLayout::Irix4 => (byte(2), byte(3), be(8, 4)),
        HandleLayout::SunOs4 => (byte(2), byte(3), be(12, 4)),
        HandleLayout::SunOs5 => ((be(0, 2) >> 2) & 0x3fff, be(1, 3) & 0x3ffff, be(12, 4)),
        HandleLayout::Ultrix => (byte(1), byte(0), le32(4)),
        // tcpdump copies the handle's first bytes over its device numbers (on a little-endian machine).
        HandleLayout::VmsUcx => (le32(4), le32(0), byte(26) << 24 | byte(27) << 16 | byte(22) | byte(23) << 8),
        HandleLayout::HpUx9 => (byte(0), be(1, 3), be(12, 4)),
        HandleLayout::Unknown => (UNKNOWN_DEVICE, UNKNOWN_DEVICE, 1),
    };
    let words = handle.len() / 4;
    match layout {
        // The name tcpdump gives it, cut to as many characters as the handle has words.
        HandleLayout::Unknown => line.put(format_args!(" fh {}/", &"Unknown"[..words.min(7)])),
        // VMS names the device in the handle's first bytes, up to a NUL or a space.
        HandleLayout::VmsUcx => {
            let name = handle.get(1..1 + words.min(MAX_HANDLE_LEN)).unwrap_or_default();
            let end = name.iter().position(|&byte| byte == 0 || byte == b' ').unwrap_or(name.len());
            line.push(" fh ");
            line.push(&String::from_utf8_lossy(&name[..end]));
            line.push("/");
        }
        _ => line.put(format_args!(" fh {major},{minor}/")),
    }
    if minor == UNKNOWN_DEVICE {
        if layout == HandleLayout::Unknown {
            handle.iter().take(OPAQUE_HANDLE_BYTES).for_each(|byte| line.put(format_args!("{byte:02X}")));
        }
    } else {
        line.put_decimal(inode);
    }
}

/// The device number tcpdump gives handles of unknown layout, whose bytes it prints instead of an inode.
const UNKNOWN_DEVICE: u32 = 257;
/// How many of an unknown handle's bytes tcpdump prints.
const OPAQUE_HANDLE_BYTES: usize = 32;
const MAX_HANDLE_LEN: usize = 64;

/// tcpdump's decision tree over a handle's first bytes.
fn handle_layout(handle: &[u8]) -> HandleLayout {
    let byte = |index: usize| handle.get(index).copied().unwrap_or(0);
    let words = handle.len() / 4;
    if words < 4 {
        return HandleLayout::Unknown;
    }
    if byte(0) == 0 && byte(1) == 0 {
        if byte(2) == 0 && byte(3) == 0 {
            HandleLayout::Auspex
        } else if byte(4) != 0 && byte(5) == 0 && byte(8) == 12 && byte(9) == 0 {
            HandleLayout::DecOsf
        } else if byte(4) == 0 && byte(5) == 8 && byte(6) == 0 && byte(7) == 0 {
            HandleLayout::Irix4
        } else {
            HandleLayout::SunOs4
        }
    } else if byte(2) == 0 && byte(3) == 0 {
        if byte(6) == 0 && byte(7) == 0 {
            HandleLayout::Bsd44
        } else if words >= 6 && byte(21) == 0 && byte(23) == 0 {
            HandleLayout::Ultrix
        } else if byte(9) == 10 {
            HandleLayout::SunOs5
        } else {
            HandleLayout::Unknown
        }
    } else if byte(8) == 12 && byte(9) == 0 {
        HandleLayout::DecOsf
    } else if byte(8) == 0 && byte(9) == 10 {
        if (4..8).all(|index| byte(index) == 0) { HandleLayout::HpUx9 } else { HandleLayout::SunOs5 }
    } else if is_vms_ucx(handle) {
        HandleLayout::VmsUcx
    } else {
        HandleLayout::Unknown
    }
}

/// A VMS UCX handle starts with a device name: printable characters, then NULs.
fn is_vms_ucx(handle: &[u8]) -> bool {
    if handle.len() / 4 < 7 {
        return false;
    }
    let name = &handle[1..14];
    let end = name.iter().position(|&byte| byte == 0).unwrap_or(name.len());
    name[..end].iter().all(|&byte| byte == b' ' || byte.is_ascii_graphic()) && name[end..].iter().all(|&byte| byte == 0)
}
