//! Captures of NFS over ONC RPC: calls of NFSv3's, v2's and v4's procedures with AUTH_UNIX credentials and the
//! server's replies (attributes, errors, rejected and unaccepted calls), over UDP and over TCP's record marking,
//! each with copies cut at every length of its payload; and RPC on other ports, for `-T rpc`.

use pcap_file::DataLink;

use super::{
    ACK, Capture, HOSTS4, HOSTS6, Hosts, PSH, Segment, eth, ethertype_of,
    services::{add_with_cuts, datagram},
};

/// What the captures hold: file name and packets.
pub fn captures() -> [(&'static str, Capture); 2] {
    [("nfs.pcap", udp_capture()), ("nfs_tcp.pcap", tcp_capture())]
}

const NFS_PORT: u16 = 2049;
const CLIENT_PORT: u16 = 856;
const NFS_PROGRAM: u32 = 100_003;
const PORTMAPPER_PROGRAM: u32 = 100_000;

fn words(values: &[u32]) -> Vec<u8> {
    values.iter().flat_map(|value| value.to_be_bytes()).collect()
}

fn hyper(value: u64) -> Vec<u8> {
    value.to_be_bytes().to_vec()
}

/// XDR opaque data: its length, then the bytes padded to a multiple of four.
fn opaque(bytes: &[u8]) -> Vec<u8> {
    let mut data = words(&[bytes.len() as u32]);
    data.extend_from_slice(bytes);
    data.resize(data.len().next_multiple_of(4), 0);
    data
}

/// AUTH_UNIX credentials (stamp, machine name, uid, gid, groups), then an AUTH_NULL verifier.
fn auth_unix() -> Vec<u8> {
    let body = [words(&[0x6553_f100]), opaque(b"client.example"), words(&[1000, 1000, 2, 1000, 27])].concat();
    [words(&[1]), opaque(&body), words(&[0, 0])].concat()
}

fn call(xid: u32, program: u32, version: u32, procedure: u32, arguments: &[u8]) -> Vec<u8> {
    [words(&[xid, 0, 2, program, version, procedure]), auth_unix(), arguments.to_vec()].concat()
}

/// An accepted reply with a null verifier.
fn reply(xid: u32, accept_status: u32, results: &[u8]) -> Vec<u8> {
    [words(&[xid, 1, 0, 0, 0, accept_status]), results.to_vec()].concat()
}

/// File handles of several servers' layouts, which tcpdump tells apart.
const LINUX_HANDLE: [u8; 28] = [
    1, 0, 7, 0, 0x81, 0, 0x0a, 0, 0x33, 0x2d, 0x91, 0x4e, 0xc4, 0x1e, 0x4b, 0x58, 0xaa, 0x65, 0x61, 0xf3, 0x2e, 0x4f,
    0x37, 0xa1, 0x02, 0, 0, 0,
];
const BSD_HANDLE: [u8; 32] =
    [5, 0x1a, 0, 0, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0x39, 0x30, 0, 0, 0x5b, 0x1c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const AUSPEX_HANDLE: [u8; 32] =
    [0, 0, 0, 0, 0, 0, 3, 7, 0, 0, 0, 0, 0, 0, 0x10, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const SUNOS_HANDLE: [u8; 32] =
    [0, 0, 0x10, 4, 0, 0, 0, 2, 0, 10, 0, 0, 0, 0, 0x30, 0x39, 0, 10, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0];
const VMS_HANDLE: [u8; 32] = *b"\x04DKA0 \0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x05\x01\0\0\x02\x00\0\0\0\0";
const SHORT_HANDLE: [u8; 8] = [9, 8, 7, 6, 5, 4, 3, 2];

fn handle3(handle: &[u8]) -> Vec<u8> {
    opaque(handle)
}

/// v3 attributes: type, mode, links, owner, size, rdev, fsid, fileid and times.
fn fattr3(file_type: u32, mode: u32, size: u64) -> Vec<u8> {
    [
        words(&[file_type, mode, 2, 1000, 0xffff_fffe]),
        hyper(size),
        hyper(size.next_multiple_of(4096)),
        words(&[8, 1]),
        hyper(0x0803),
        hyper(0x1_2345),
        words(&[1_700_000_000, 123_456, 1_700_000_100, 5, 1_700_000_200, 999_999]),
    ]
    .concat()
}

fn post_op(attributes: &[u8]) -> Vec<u8> {
    [words(&[1]), attributes.to_vec()].concat()
}

fn wcc(size: u64, after: &[u8]) -> Vec<u8> {
    [words(&[1]), hyper(size), words(&[1_700_000_000, 1, 1_700_000_050, 2]), post_op(after)].concat()
}

/// A v3 `sattr3` setting mode, uid and gid, no size, the server's atime and the client's mtime.
fn sattr3() -> Vec<u8> {
    words(&[1, 0o644, 1, 1000, 1, 100, 0, 1, 2, 1_700_000_300, 42])
}

/// NFSv3 calls and their replies, procedure by procedure.
fn v3_dialogue() -> Vec<(u32, Vec<u8>, Vec<u8>)> {
    let file = fattr3(1, 0o100644, 12_345);
    let directory = fattr3(2, 0o40755, 4096);
    let fh = handle3(&LINUX_HANDLE);
    let name = |text: &[u8]| opaque(text);
    vec![
        (0, vec![], vec![]),
        (1, fh.clone(), [words(&[0]), file.clone()].concat()),
        (2, [fh.clone(), sattr3(), words(&[0])].concat(), [words(&[0]), wcc(12_345, &file)].concat()),
        (
            3,
            [handle3(&BSD_HANDLE), name(b"passwd")].concat(),
            [words(&[0]), fh.clone(), post_op(&file), post_op(&directory)].concat(),
        ),
        (4, [fh.clone(), words(&[0x1f])].concat(), [words(&[0]), post_op(&file), words(&[0x1b])].concat()),
        (5, handle3(&AUSPEX_HANDLE), [words(&[0]), post_op(&fattr3(5, 0o120777, 11)), name(b"/etc/hosts")].concat()),
        (
            6,
            [fh.clone(), hyper(8192), words(&[4096])].concat(),
            [words(&[0]), post_op(&file), words(&[4, 1]), opaque(b"data")].concat(),
        ),
        (
            7,
            [fh.clone(), hyper(0), words(&[5, 2]), opaque(b"hello")].concat(),
            [words(&[0]), wcc(0, &file), words(&[5, 2]), hyper(0x1122_3344_5566_7788)].concat(),
        ),
        (
            8,
            [handle3(&SUNOS_HANDLE), name(b"new file"), words(&[0]), sattr3()].concat(),
            [words(&[0, 1]), handle3(&VMS_HANDLE), post_op(&file), wcc(4096, &directory)].concat(),
        ),
        (
            9,
            [fh.clone(), name(b"dir"), sattr3()].concat(),
            [words(&[0, 1]), fh.clone(), post_op(&directory), wcc(4096, &directory)].concat(),
        ),
        (10, [fh.clone(), name(b"link"), sattr3(), name(b"target")].concat(), [words(&[0, 0])].concat()),
        (11, [fh.clone(), name(b"tty"), words(&[4]), sattr3(), words(&[4, 64])].concat(), [words(&[0, 0])].concat()),
        (12, [fh.clone(), name(b"old")].concat(), [words(&[0]), wcc(4096, &directory)].concat()),
        (13, [fh.clone(), name(b"dir")].concat(), [words(&[66]), wcc(4096, &directory)].concat()),
        (
            14,
            [fh.clone(), name(b"a"), handle3(&SHORT_HANDLE), name(b"b")].concat(),
            [words(&[0]), wcc(1, &directory), wcc(2, &directory)].concat(),
        ),
        (
            15,
            [fh.clone(), fh.clone(), name(b"hard")].concat(),
            [words(&[0]), post_op(&file), wcc(3, &directory)].concat(),
        ),
        (
            16,
            [fh.clone(), hyper(0), hyper(0), words(&[4096])].concat(),
            [words(&[0]), post_op(&directory), hyper(0x0102_0304_0506_0708), words(&[0, 1])].concat(),
        ),
        (
            17,
            [fh.clone(), hyper(u64::MAX), hyper(7), words(&[1024, 8192])].concat(),
            [words(&[0]), post_op(&directory), hyper(9), words(&[0, 1])].concat(),
        ),
        (
            18,
            fh.clone(),
            [
                words(&[0]),
                post_op(&directory),
                hyper(1 << 40),
                hyper(1 << 39),
                hyper(1 << 38),
                hyper(1000),
                hyper(500),
                hyper(400),
                words(&[0]),
            ]
            .concat(),
        ),
        (
            19,
            fh.clone(),
            [
                words(&[0]),
                post_op(&directory),
                words(&[1_048_576, 1_048_576, 4096, 1_048_576, 1_048_576, 4096, 1_048_576]),
                hyper(u64::MAX),
                words(&[0, 1, 0x1b]),
            ]
            .concat(),
        ),
        (20, fh.clone(), [words(&[0]), post_op(&directory), words(&[32000, 255, 1, 1, 0, 1])].concat()),
        (
            21,
            [fh.clone(), hyper(0), words(&[0])].concat(),
            [words(&[0]), wcc(5, &file), hyper(0x1122_3344_5566_7788)].concat(),
        ),
        // Errors: a name not found (with the directory's attributes), a handle gone stale, a status tcpdump
        // does not know.
        (3, [fh.clone(), name(b"missing")].concat(), [words(&[2]), post_op(&directory)].concat()),
        (1, fh.clone(), words(&[70])),
        (4, [fh.clone(), words(&[0x40])].concat(), [words(&[12345, 0])].concat()),
        (6, [fh.clone(), hyper(0), words(&[10])].concat(), [words(&[13, 0])].concat()),
        (19, fh.clone(), [words(&[10001, 0])].concat()),
        (20, fh.clone(), [words(&[10004, 0])].concat()),
        (18, fh.clone(), [words(&[5, 0]), vec![0; 52]].concat()),
        (
            8,
            [fh.clone(), name(b"exists"), words(&[2]), hyper(7)].concat(),
            [words(&[17]), wcc(4096, &directory)].concat(),
        ),
        (4, [fh.clone(), words(&[0x3f])].concat(), [words(&[0, 0, 0x3f])].concat()),
        (4, [fh, words(&[0x05])].concat(), [words(&[0, 0, 0x05])].concat()),
    ]
}

/// v2 attributes.
fn fattr2(file_type: u32, mode: u32, size: u32) -> Vec<u8> {
    words(&[
        file_type,
        mode,
        1,
        0,
        0,
        size,
        4096,
        0,
        8,
        0x801,
        0x2a,
        1_700_000_000,
        5,
        1_700_000_001,
        6,
        1_700_000_002,
        7,
    ])
}

/// NFSv2 calls (v2's own procedure numbers) and their replies.
fn v2_dialogue() -> Vec<(u32, Vec<u8>, Vec<u8>)> {
    let fh = BSD_HANDLE.to_vec();
    let file = fattr2(1, 0o100600, 77);
    let name = |text: &[u8]| opaque(text);
    let sattr2 = words(&[0o644, u32::MAX, u32::MAX, u32::MAX, u32::MAX, u32::MAX, u32::MAX, u32::MAX]);
    vec![
        (0, vec![], vec![]),
        (1, fh.clone(), [words(&[0]), file.clone()].concat()),
        (2, [fh.clone(), sattr2.clone()].concat(), [words(&[0]), file.clone()].concat()),
        (3, fh.clone(), vec![]),
        (4, [fh.clone(), name(b"motd")].concat(), [words(&[0]), AUSPEX_HANDLE.to_vec(), file.clone()].concat()),
        (5, fh.clone(), [words(&[0]), name(b"../x")].concat()),
        (6, [fh.clone(), words(&[0, 8192, 8192])].concat(), [words(&[0]), file.clone(), opaque(b"abc")].concat()),
        (8, [fh.clone(), words(&[0, 0, 3, 3]), opaque(b"abc")].concat(), [words(&[0]), file.clone()].concat()),
        (9, [fh.clone(), name(b"f"), sattr2.clone()].concat(), [words(&[17])].concat()),
        (10, [fh.clone(), name(b"f")].concat(), words(&[0])),
        (11, [fh.clone(), name(b"f"), fh.clone(), name(b"g")].concat(), words(&[0])),
        (12, [fh.clone(), fh.clone(), name(b"h")].concat(), words(&[0])),
        (13, [fh.clone(), name(b"s"), name(b"t"), sattr2.clone()].concat(), words(&[0])),
        (14, [fh.clone(), name(b"d"), sattr2].concat(), [words(&[0]), fh.clone(), file.clone()].concat()),
        (15, [fh.clone(), name(b"d")].concat(), words(&[66])),
        (16, [fh.clone(), words(&[0, 4096])].concat(), words(&[0, 0, 0, 1])),
        (17, fh.clone(), words(&[0, 8192, 4096, 1000, 500, 400])),
        (18, fh, vec![]),
    ]
}

fn udp_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let mut xid = 0x3e8a_0001;
    for (procedure, arguments, results) in v3_dialogue() {
        let hosts = if procedure == 1 { HOSTS6 } else { HOSTS4 };
        add_exchange(&mut capture, hosts, xid, 3, procedure, &arguments, Some(&results));
        xid += 1;
    }
    for (procedure, arguments, results) in v2_dialogue() {
        add_exchange(&mut capture, HOSTS4, xid, 2, procedure, &arguments, Some(&results));
        xid += 1;
    }
    // NFSv4: NULL, and a COMPOUND (PUTROOTFH, GETFH) that tcpdump takes for v2's GETATTR.
    add_exchange(&mut capture, HOSTS4, xid, 4, 0, &[], Some(&[]));
    let compound = [opaque(b"tag"), words(&[1, 2, 24, 10])].concat();
    add_exchange(
        &mut capture,
        HOSTS4,
        xid + 1,
        4,
        1,
        &compound,
        Some(&[words(&[0]), opaque(b"tag"), words(&[0])].concat()),
    );
    add_rpc_failures(&mut capture, xid + 2);
    add_odd_handles_and_names(&mut capture, xid + 10);
    add_other_rpc(&mut capture);
    capture
}

/// A call and (if given) its reply, each with copies cut at every length of the UDP payload.
fn add_exchange(
    capture: &mut Capture,
    hosts: Hosts,
    xid: u32,
    version: u32,
    procedure: u32,
    arguments: &[u8],
    results: Option<&[u8]>,
) {
    let request = call(xid, NFS_PROGRAM, version, procedure, arguments);
    add_with_cuts(capture, datagram(hosts, CLIENT_PORT, NFS_PORT, &request), request.len());
    if let Some(results) = results {
        let response = reply(xid, 0, results);
        add_with_cuts(capture, datagram(hosts.reversed(), NFS_PORT, CLIENT_PORT, &response), response.len());
    }
}

/// GETATTR calls with handles of every layout tcpdump guesses, and of odd lengths; LOOKUP calls with names
/// that need escaping or cannot be padded.
fn add_odd_handles_and_names(capture: &mut Capture, xid: u32) {
    let handle = |start: &[u8], len: usize| {
        let mut handle = vec![0x11; len];
        handle[..start.len()].copy_from_slice(start);
        handle
    };
    let handles = [
        // DEC OSF/1 (two ways), IRIX 4, SunOS 4, Ultrix, SunOS 5 (three ways), HP-UX 9, unknown.
        handle(&[0, 0, 1, 2, 3, 0, 9, 9, 12, 0, 0, 0, 1, 2, 3, 4], 32),
        handle(&[4, 0x50, 1, 2, 3, 4, 5, 6, 12, 0, 0, 0, 1, 2, 3, 4], 32),
        handle(&[0, 0, 1, 2, 0, 8, 0, 0, 0, 0, 1, 5], 32),
        handle(&[0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 0, 1, 6], 32),
        [handle(&[3, 1, 0, 0, 0x10, 0x20, 1, 1], 21), vec![0, 7, 0, 9, 9, 9, 9, 9, 9, 9, 9]].concat(),
        handle(&[0x80, 4, 0, 0, 0, 0, 1, 1, 0, 10], 32),
        handle(&[0x80, 4, 3, 2, 1, 1, 1, 2, 0, 10, 0, 0, 0, 0, 0x10, 0], 32),
        handle(&[0x80, 4, 3, 2, 1, 1, 1, 3, 0, 10], 32),
        handle(&[9, 4, 3, 2, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x20, 0], 32),
        handle(&[9, 4, 0, 0, 0, 0, 1, 1, 0, 9], 32),
        // A VMS device name filling the handle's first 14 bytes, so the name goes on past them.
        handle(b"\x01ABCDEFGHIJKLM", 32),
        // Handles shorter than 16 bytes, of no whole words, and longer than tcpdump prints.
        handle(&[], 0),
        handle(&[1, 2, 3], 3),
        handle(&[1, 2, 3, 4, 5, 6, 7], 7),
        handle(&[7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7], 14),
        handle(&[5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5], 64),
    ];
    for (index, handle) in handles.iter().enumerate() {
        let request = call(xid + index as u32, NFS_PROGRAM, 3, 1, &handle3(handle));
        capture.add(datagram(HOSTS4, CLIENT_PORT, NFS_PORT, &request));
    }
    let names: [&[u8]; 3] = [b"caf\xc3\xa9\x01\x7f~ x", b"", b"\x80\xff"];
    for (index, name) in names.iter().enumerate() {
        let request = call(xid + 20 + index as u32, NFS_PROGRAM, 3, 3, &[handle3(&BSD_HANDLE), opaque(name)].concat());
        add_with_cuts(capture, datagram(HOSTS4, CLIENT_PORT, NFS_PORT, &request), request.len());
    }
    // A name too long to pad, and a handle longer than the capture.
    let unpaddable = call(xid + 30, NFS_PROGRAM, 3, 3, &[handle3(&BSD_HANDLE), words(&[u32::MAX, 0])].concat());
    capture.add(datagram(HOSTS4, CLIENT_PORT, NFS_PORT, &unpaddable));
    let overlong = call(xid + 31, NFS_PROGRAM, 3, 1, &words(&[4000, 1, 2]));
    capture.add(datagram(HOSTS4, CLIENT_PORT, NFS_PORT, &overlong));
}

/// Replies that refuse a call, and ones to calls never seen.
fn add_rpc_failures(capture: &mut Capture, xid: u32) {
    let server = HOSTS4.reversed();
    let request = call(xid, NFS_PROGRAM, 3, 1, &handle3(&LINUX_HANDLE));
    capture.add(datagram(HOSTS4, CLIENT_PORT, NFS_PORT, &request));
    let replies = [
        // Not accepted: program unavailable, an accept status tcpdump does not know.
        reply(xid, 1, &[]),
        reply(xid, 9, &[]),
        // Denied: RPC version mismatch, authentication errors, an unknown reason; an unknown reply status.
        words(&[xid, 1, 1, 0, 2, 2]),
        words(&[xid, 1, 1, 1, 5]),
        words(&[xid, 1, 1, 1, 42]),
        words(&[xid, 1, 1, 7]),
        words(&[xid, 1, 3]),
        // A verifier longer than the message.
        words(&[xid, 1, 0, 0, 400, 0]),
        // A reply to no call seen.
        reply(xid + 100, 0, &words(&[0])),
    ];
    for response in replies {
        add_with_cuts(capture, datagram(server, NFS_PORT, CLIENT_PORT, &response), response.len());
    }
    // Credentials longer than the call, and a call whose RPC version is not 2.
    let mut long_credentials = call(xid + 1, NFS_PROGRAM, 3, 1, &handle3(&LINUX_HANDLE));
    long_credentials[28..32].copy_from_slice(&500u32.to_be_bytes());
    capture.add(datagram(HOSTS4, CLIENT_PORT, NFS_PORT, &long_credentials));
    let mut odd_version = call(xid + 2, NFS_PROGRAM, 3, 99, &[]);
    odd_version[8..12].copy_from_slice(&3u32.to_be_bytes());
    capture.add(datagram(HOSTS4, CLIENT_PORT, NFS_PORT, &odd_version));
}

/// RPC on other ports: the portmapper's calls, which `-T rpc` prints, and a reply from the NFS port to it.
fn add_other_rpc(capture: &mut Capture) {
    let portmapper_calls = [
        call(0x77, PORTMAPPER_PROGRAM, 2, 3, &words(&[NFS_PROGRAM, 3, 17, 0])),
        call(0x78, PORTMAPPER_PROGRAM, 2, 4, &[]),
        call(0x79, PORTMAPPER_PROGRAM, 2, 1, &words(&[100_005, 1, 6, 20048])),
        call(0x7a, PORTMAPPER_PROGRAM, 2, 9, &[]),
    ];
    for request in portmapper_calls {
        add_with_cuts(capture, datagram(HOSTS4, 901, 111, &request), request.len());
    }
    let response = reply(0x77, 0, &words(&[NFS_PORT.into()]));
    add_with_cuts(capture, datagram(HOSTS4.reversed(), 111, 901, &response), response.len());
    // A call from the NFS port and a reply to it, which tcpdump takes for NFS only the other way round.
    let request = call(0x90, NFS_PROGRAM, 3, 1, &handle3(&LINUX_HANDLE));
    capture.add(datagram(HOSTS4, NFS_PORT, 700, &request));
    capture.add(datagram(HOSTS4, 700, NFS_PORT, &reply(0x90, 0, &words(&[0]))));
}

/// NFS over TCP: each RPC message after its record mark, on one connection. The messages' bodies print as over
/// UDP, so only a few exchanges (and the odd record marks) are cut at every length.
fn tcp_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let hosts = HOSTS4;
    let (mut client_seq, mut server_seq) = (1_000_000u32, 5_000u32);
    let mut add = |capture: &mut Capture, from_client: bool, payload: Vec<u8>, with_cuts: bool| {
        let (source, destination, seq, ack) = if from_client {
            (CLIENT_PORT, NFS_PORT, client_seq, server_seq)
        } else {
            (NFS_PORT, CLIENT_PORT, server_seq, client_seq)
        };
        let mut segment = Segment::new(source, destination, seq, ack, ACK | PSH);
        segment.payload = payload.clone();
        let sender = if from_client { hosts } else { hosts.reversed() };
        let frame = eth(ethertype_of(sender), &segment.packet(sender));
        if with_cuts {
            add_with_cuts(capture, frame, payload.len());
        } else {
            capture.add(frame);
        }
        if from_client {
            client_seq += payload.len() as u32;
        } else {
            server_seq += payload.len() as u32;
        }
    };
    let marked = |message: &[u8]| [words(&[0x8000_0000 | message.len() as u32]), message.to_vec()].concat();
    // NULL, GETATTR, LOOKUP and READ cut at every length.
    const CUT_PROCEDURES: [u32; 4] = [0, 1, 3, 6];
    for (index, (procedure, arguments, results)) in v3_dialogue().into_iter().enumerate().take(22) {
        let xid = 0x5100_0000 + index as u32;
        let with_cuts = CUT_PROCEDURES.contains(&procedure);
        add(&mut capture, true, marked(&call(xid, NFS_PROGRAM, 3, procedure, &arguments)), with_cuts);
        add(&mut capture, false, marked(&reply(xid, 0, &results)), with_cuts);
    }
    // A record mark claiming more than the segment holds, and one without its last-fragment bit.
    let request = call(0x5200_0000, NFS_PROGRAM, 3, 1, &handle3(&LINUX_HANDLE));
    add(&mut capture, true, [words(&[0x8000_ffff]), request.clone()].concat(), true);
    add(&mut capture, true, [words(&[request.len() as u32]), request].concat(), true);
    capture
}
