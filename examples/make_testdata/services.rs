//! Captures of the protocols above TCP and UDP that tcpdump prints by port: text protocols (HTTP, FTP, SMTP,
//! RTSP, SIP, WHOIS), Redis's RESP and SSH banners over TCP, NTP, TFTP and syslog over UDP. Each has real message
//! shapes, bytes that are not text, and copies of some messages cut at every length from the payload's start on.

use pcap_file::DataLink;

use super::{ACK, Capture, FIN, HOSTS4, HOSTS6, Hosts, PSH, SYN, Segment, UDP, eth, ethertype_of, udp_datagram};

/// What the captures hold: file name and packets.
pub fn captures() -> [(&'static str, Capture); 4] {
    [
        ("text_protocols.pcap", text_protocols_capture()),
        ("ntp.pcap", ntp_capture()),
        ("tftp.pcap", tftp_capture()),
        ("syslog.pcap", syslog_capture()),
    ]
}

/// A TCP connection from A's `client_port` to B's `server_port`, whose segments carry one message each with
/// sequence numbers that follow on, as a real one's do.
pub(super) struct Connection {
    hosts: Hosts,
    client_port: u16,
    server_port: u16,
    client_seq: u32,
    server_seq: u32,
}

impl Connection {
    /// A connection whose handshake is added to `capture`.
    pub(super) fn open(capture: &mut Capture, hosts: Hosts, client_port: u16, server_port: u16) -> Connection {
        let mut connection = Connection {
            hosts,
            client_port,
            server_port,
            client_seq: 1_000_000 + u32::from(server_port),
            server_seq: 7,
        };
        let (client_seq, server_seq) = (connection.client_seq, connection.server_seq);
        capture.add(connection.frame(true, &Segment::new(client_port, server_port, client_seq, 0, SYN)));
        let syn_ack = Segment::new(server_port, client_port, server_seq, client_seq + 1, SYN | ACK);
        capture.add(connection.frame(false, &syn_ack));
        connection.client_seq += 1;
        connection.server_seq += 1;
        capture.add(connection.client(&[]));
        connection
    }

    /// The frame of the client's next segment, carrying `payload`.
    pub(super) fn client(&mut self, payload: &[u8]) -> Vec<u8> {
        let mut segment = Segment::new(self.client_port, self.server_port, self.client_seq, self.server_seq, ACK | PSH);
        segment.payload = payload.to_vec();
        self.client_seq += payload.len() as u32;
        self.frame(true, &segment)
    }

    /// The frame of the server's next segment, carrying `payload`.
    pub(super) fn server(&mut self, payload: &[u8]) -> Vec<u8> {
        let mut segment = Segment::new(self.server_port, self.client_port, self.server_seq, self.client_seq, ACK | PSH);
        segment.payload = payload.to_vec();
        self.server_seq += payload.len() as u32;
        self.frame(false, &segment)
    }

    /// The client's FIN.
    fn close(&mut self) -> Vec<u8> {
        let segment = Segment::new(self.client_port, self.server_port, self.client_seq, self.server_seq, FIN | ACK);
        self.frame(true, &segment)
    }

    fn frame(&self, from_client: bool, segment: &Segment) -> Vec<u8> {
        let hosts = if from_client { self.hosts } else { self.hosts.reversed() };
        eth(ethertype_of(hosts), &segment.packet(hosts))
    }
}

/// Copies of `frame` cut at every length from the start of its `payload_len`-byte payload to the end.
fn add_payload_cuts(capture: &mut Capture, frame: &[u8], payload_len: usize) {
    for captured in frame.len() - payload_len..frame.len() {
        capture.add_cut(frame, captured);
    }
}

/// Adds copies of the connection's next segment, carrying `message`, cut at every length of its payload.
fn add_message_cuts(capture: &mut Capture, connection: &mut Connection, from_client: bool, message: &[u8]) {
    let frame = if from_client { connection.client(message) } else { connection.server(message) };
    add_payload_cuts(capture, &frame, message.len());
}

/// Adds a dialogue of messages on one connection: `true` marks the client's.
fn add_dialogue(capture: &mut Capture, connection: &mut Connection, messages: &[(bool, &[u8])]) {
    for &(from_client, message) in messages {
        let frame = if from_client { connection.client(message) } else { connection.server(message) };
        capture.add(frame);
    }
}

const HTTP_REQUEST: &[u8] = b"GET /index.html?q=1 HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: curl/7.88.1\r\n\
Accept: */*\r\n\r\n";
const HTTP_RESPONSE: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Length: 44\r\n\
Server:\tnginx\r\n\r\n<html><body>caf\xc3\xa9 \x00</body></html>\r\n";

/// Text protocols over TCP and UDP, RESP and SSH: what tcpdump prints of their lines with and without -v.
fn text_protocols_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    add_http(&mut capture);
    add_mail_and_files(&mut capture);
    add_rtsp_sip_whois(&mut capture);
    add_resp(&mut capture);
    add_ssh(&mut capture);
    add_telnet(&mut capture);
    capture
}

fn add_http(capture: &mut Capture) {
    let mut http = Connection::open(capture, HOSTS4, 40080, 80);
    let body = b"Z".repeat(300);
    let post = [&b"post /api/v1/items HTTP/1.0\nContent-Length: 300\n\n"[..], &body].concat();
    add_dialogue(
        capture,
        &mut http,
        &[
            (true, HTTP_REQUEST),
            (false, HTTP_RESPONSE),
            // A body's continuation, which starts with neither a method nor a response.
            (false, b"more of the body\r\n"),
            (true, &post),
            (false, b"HTTP/1.0 404 Not Found\r\n\r\n"),
            // Line ends tcpdump takes for binary data, a line without an end, words it does not take as codes.
            (true, b"GET /a\rb HTTP/1.1\r\n\r\n"),
            (true, b"HEAD / HTTP/1.1\r\nX-Bytes: \x01\x7f\r\n\r\n"),
            (true, b"OPTIONS * HTTP/1.1\r\nHost: without an end"),
            (false, b"HTTP/1.1 2000 Odd\r\n"),
            (false, b"HTTP/1.1  204 No Content\r\n\r\n"),
            (true, &[&b"GET /"[..], &b"x".repeat(130), b" HTTP/1.1\r\n\r\n"].concat()),
            (false, &[&b"X"[..], &b"y".repeat(127), b" 200 OK\r\n"].concat()),
            (true, b"\r\nGET / HTTP/1.1\r\n"),
            (true, b"PROPFIND /dav/ HTTP/1.1\r\nDepth: 1\r\n\r\n"),
        ],
    );
    capture.add(http.close());
    add_message_cuts(capture, &mut http, true, HTTP_REQUEST);
    add_message_cuts(capture, &mut http, false, HTTP_RESPONSE);
    // The other port, and IPv6.
    let mut proxy = Connection::open(capture, HOSTS6, 40081, 8080);
    add_dialogue(capture, &mut proxy, &[(true, b"CONNECT example.com:443 HTTP/1.1\r\n\r\n"), (false, HTTP_RESPONSE)]);
}

fn add_mail_and_files(capture: &mut Capture) {
    let mut smtp = Connection::open(capture, HOSTS4, 40025, 25);
    add_dialogue(
        capture,
        &mut smtp,
        &[
            (false, b"220 mail.example.com ESMTP Postfix (Debian/GNU)\r\n"),
            (true, b"EHLO client.example.org\r\n"),
            (false, b"250-mail.example.com\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 8BITMIME\r\n"),
            (true, b"MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n"),
            (false, b"354 End data with <CR><LF>.<CR><LF>\r\n"),
            (true, b"Subject: caf\xc3\xa9\r\n\r\nHello\tBob\r\n.\r\n"),
            (true, b"QUIT\r\n"),
        ],
    );
    add_message_cuts(capture, &mut smtp, false, b"250-mail.example.com\r\n250 8BITMIME\r\n");
    let mut ftp = Connection::open(capture, HOSTS4, 40021, 21);
    add_dialogue(
        capture,
        &mut ftp,
        &[
            (false, b"220 (vsFTPd 3.0.3)\r\n"),
            (true, b"USER anonymous\r\n"),
            (false, b"230-Welcome\r\n230-\r\n230 Login successful.\r\n"),
            (true, b"PASV\r\n"),
            (false, b"227 Entering Passive Mode (10,0,0,2,156,64).\r\n"),
            (true, b"\x00\x01binary"),
        ],
    );
    add_message_cuts(capture, &mut ftp, false, b"150 Here comes the directory listing.\r\n");
    // IMAP and POP3, which tcpdump 4.99 has no printers for.
    let mut imap = Connection::open(capture, HOSTS4, 40143, 143);
    add_dialogue(capture, &mut imap, &[(false, b"* OK IMAP4rev1 ready\r\n"), (true, b"a1 LOGIN bob secret\r\n")]);
    let mut pop3 = Connection::open(capture, HOSTS4, 40110, 110);
    add_dialogue(capture, &mut pop3, &[(false, b"+OK POP3 server ready\r\n"), (true, b"USER bob\r\n")]);
}

fn add_rtsp_sip_whois(capture: &mut Capture) {
    let mut rtsp = Connection::open(capture, HOSTS4, 40554, 554);
    add_dialogue(
        capture,
        &mut rtsp,
        &[
            (true, b"OPTIONS rtsp://media.example.com/movie.mp4 RTSP/1.0\r\nCSeq: 1\r\n\r\n"),
            (false, b"RTSP/1.0 200 OK\r\nCSeq: 1\r\nPublic: DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE\r\n\r\n"),
            (true, b"describe rtsp://media.example.com/movie.mp4 RTSP/1.0\r\nCSeq: 2\r\n\r\n"),
            (false, b"v=0\r\no=- 0 0 IN IP4 10.0.0.2\r\n"),
        ],
    );
    add_message_cuts(capture, &mut rtsp, true, b"PLAY rtsp://x/ RTSP/1.0\r\n\r\n");
    let mut rtsp_alt = Connection::open(capture, HOSTS4, 40555, 8554);
    add_dialogue(capture, &mut rtsp_alt, &[(true, b"TEARDOWN rtsp://x/ RTSP/1.0\r\nCSeq: 9\r\n\r\n")]);
    // SIP over UDP, which tcpdump prints, and over TCP, which it does not.
    let invite = b"INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776asdhds\r\n\
Max-Forwards: 70\r\nTo: Bob <sip:bob@example.com>\r\nFrom: Alice <sip:alice@example.org>;tag=1928301774\r\n\
Call-ID: a84b4c76e66710@10.0.0.1\r\nCSeq: 314159 INVITE\r\nContent-Length: 0\r\n\r\n";
    let sip_messages: [&[u8]; 4] = [
        invite,
        b"SIP/2.0 180 Ringing\r\nCSeq: 314159 INVITE\r\n\r\n",
        b"SIP/2.0 200 OK\r\n\xffbinary\r\n",
        b"v=0\r\n",
    ];
    for (index, message) in sip_messages.iter().enumerate() {
        let hosts = if index % 2 == 0 { HOSTS4 } else { HOSTS4.reversed() };
        let (source, destination) = if index % 2 == 0 { (5060, 5060) } else { (5060, 40506) };
        capture.add(datagram(hosts, source, destination, message));
    }
    capture.add(datagram(HOSTS6, 40506, 5060, b"REGISTER sip:example.com SIP/2.0\r\nCSeq: 1 REGISTER\r\n\r\n"));
    add_with_cuts(capture, datagram(HOSTS4, 40506, 5060, invite), invite.len());
    let ringing = b"SIP/2.0 180 Ringing\r\n\r\n";
    add_with_cuts(capture, datagram(HOSTS4.reversed(), 5060, 40506, ringing), ringing.len());
    let mut sip_tcp = Connection::open(capture, HOSTS4, 40507, 5060);
    add_dialogue(capture, &mut sip_tcp, &[(true, &invite[..60])]);
    let mut whois = Connection::open(capture, HOSTS4, 40043, 43);
    add_dialogue(
        capture,
        &mut whois,
        &[
            (true, b"example.com\r\n"),
            (false, b"% IANA WHOIS server\r\n\r\ndomain:       EXAMPLE.COM\r\nstatus:\tACTIVE\r\n\r\n"),
            (false, b"\r\nremarks: no line end"),
        ],
    );
    add_message_cuts(capture, &mut whois, false, b"domain: EXAMPLE.COM\r\n\r\n");
}

fn add_resp(capture: &mut Capture) {
    let mut redis = Connection::open(capture, HOSTS4, 40379, 6379);
    let set = b"*3\r\n$3\r\nSET\r\n$5\r\nmykey\r\n$7\r\nmyvalue\r\n";
    add_dialogue(
        capture,
        &mut redis,
        &[
            (true, set),
            (false, b"+OK\r\n"),
            (true, b"*2\r\n$4\r\nINCR\r\n$1\r\nz\r\n*2\r\n$4\r\nINCR\r\n$1\r\nz\r\n"),
            (false, b":1\r\n:2\r\n"),
            (true, b"*2\r\n$3\r\nGET\r\n$7\r\nmissing\r\n"),
            (false, b"$-1\r\n"),
            (false, b"-ERR unknown command 'FOO', with args beginning with: \r\n"),
            (true, b"PING\r\n\r\nPING\nECHO hi\r\n"),
            (false, b"*0\r\n*-1\r\n$0\r\n\r\n"),
            (false, b"*2\r\n*1\r\n$2\r\n\x00\xff\r\n*2\r\n:-5\r\n+a\tb\r\n"),
            (false, b"$-7\r\n*99999999999\r\n$x\r\n"),
            (false, b"$3\r\nabcdef\r\n$2\r\nab"),
            (false, b"*3\r\n$1\r\na\r\n"),
            (false, b"+no line end"),
            (false, b"$12\rX"),
        ],
    );
    add_message_cuts(capture, &mut redis, true, set);
    add_message_cuts(capture, &mut redis, false, b"*2\r\n:-1\r\n-ERR x\r\nPING\r\n");
}

fn add_ssh(capture: &mut Capture) {
    let mut ssh = Connection::open(capture, HOSTS4, 40022, 22);
    let banner = b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
    add_dialogue(
        capture,
        &mut ssh,
        &[
            (false, banner),
            (true, b"SSH-2.0-Go\n"),
            // Key exchange: binary packets.
            (true, &[0, 0, 5, 0xdc, 6, 20, 0xa1, 0xb2, 0xc3, 0xd4, 0, 0, 0, 0]),
            (false, b"SSH-2.0-no line end"),
            (false, b"SSH-2.0-tab\tinside\r\n"),
            (false, b"SSH-2.0-cr\rinside\r\n"),
            (false, b"SSH-"),
        ],
    );
    add_message_cuts(capture, &mut ssh, false, banner);
}

// Telnet: IAC starts each command; WILL, WONT, DO and DONT negotiate an option; SB ... IAC SE carry its data.
const IAC: u8 = 255;
const WILL: u8 = 251;
const WONT: u8 = 252;
const DO: u8 = 253;
const DONT: u8 = 254;
const SB: u8 = 250;
const SE: u8 = 240;
// Telnet's options.
const ECHO: u8 = 1;
const SUPPRESS_GO_AHEAD: u8 = 3;
const TERMINAL_TYPE: u8 = 24;
const WINDOW_SIZE: u8 = 31;
const AUTHENTICATION: u8 = 37;
const ENCRYPT: u8 = 38;

/// A Telnet session's option negotiation, commands amid text, and commands tcpdump does not take.
fn add_telnet(capture: &mut Capture) {
    let mut telnet = Connection::open(capture, HOSTS4, 40023, 23);
    let negotiation =
        [IAC, DO, TERMINAL_TYPE, IAC, WILL, ECHO, IAC, WILL, SUPPRESS_GO_AHEAD, IAC, DO, WINDOW_SIZE, IAC, DONT, 39];
    let terminal = [&[IAC, SB, TERMINAL_TYPE, 0][..], b"XTERM-256COLOR", &[IAC, SE]].concat();
    add_dialogue(
        capture,
        &mut telnet,
        &[
            (false, &negotiation),
            (true, &[IAC, WILL, TERMINAL_TYPE, IAC, WONT, 0x99, IAC, WILL, WINDOW_SIZE]),
            (false, &[IAC, SB, TERMINAL_TYPE, 1, IAC, SE]),
            (true, &terminal),
            (true, &[IAC, SB, WINDOW_SIZE, 0, 80, 0, 24, IAC, SE, IAC, SB, 0x63, IAC, SE]),
            (false, &[IAC, SB, AUTHENTICATION, 1, 2, 0, 8, 3, IAC, SE, IAC, SB, AUTHENTICATION, 9, 8, IAC, SE]),
            (false, &[IAC, SB, ENCRYPT, 1, 5, 1, 2, IAC, SE, IAC, SB, ENCRYPT, 12, IAC, SE, IAC, SB, ENCRYPT, IAC, SE]),
            (false, &[&[IAC, WILL, ECHO][..], b"\r\nDebian GNU/Linux 12\r\nlogin: "].concat()),
            (true, b"root\r\n"),
            (false, &[IAC, IAC, IAC, 241, IAC, 246, IAC, 236, IAC, 249, IAC, 244]),
            (false, &[IAC, 200, IAC, DO, ECHO]),
            (false, &[IAC, DO]),
            (false, &[IAC, WILL, ECHO, IAC]),
            (false, &[IAC, SB, TERMINAL_TYPE, 1, IAC]),
            (false, &[IAC, SB, TERMINAL_TYPE, 1, 2]),
            (false, &[IAC, SB, TERMINAL_TYPE, IAC, SE, IAC, SB]),
        ],
    );
    add_message_cuts(capture, &mut telnet, false, &negotiation);
    add_message_cuts(capture, &mut telnet, true, &terminal);
}

// ---------------------------------------------------------------------------------------------------------------
// UDP services

/// A datagram from `hosts`' source port to its destination port, in an Ethernet frame.
pub(super) fn datagram(hosts: Hosts, source_port: u16, destination_port: u16, payload: &[u8]) -> Vec<u8> {
    eth(ethertype_of(hosts), &hosts.packet(UDP, &udp_datagram(hosts, source_port, destination_port, payload)))
}

/// Adds `frame` and its copies cut at every length from the start of its `payload_len`-byte payload on.
pub(super) fn add_with_cuts(capture: &mut Capture, frame: Vec<u8>, payload_len: usize) {
    add_payload_cuts(capture, &frame, payload_len);
    capture.add(frame);
}

const NTP_PORT: u16 = 123;

/// An NTP time message: leap indicator, version, mode, stratum, poll, precision, root delay and dispersion (16.16),
/// reference id, then the reference, originate, receive and transmit timestamps (32.32).
fn ntp_message(
    status: (u8, u8, u8),
    stratum: u8,
    poll: i8,
    precision: i8,
    root: [u32; 2],
    reference_id: [u8; 4],
    timestamps: [u64; 4],
) -> Vec<u8> {
    let (leap, version, mode) = status;
    let mut message = vec![leap << 6 | version << 3 | mode, stratum, poll as u8, precision as u8];
    message.extend(root.iter().flat_map(|value| value.to_be_bytes()));
    message.extend_from_slice(&reference_id);
    message.extend(timestamps.iter().flat_map(|value| value.to_be_bytes()));
    message
}

/// An NTP control message (mode 6): flags and opcode, sequence, status, association, offset, then the data.
fn ntp_control(control: u8, sequence: u16, status: u16, association: u16, data: &[u8]) -> Vec<u8> {
    let mut message = vec![0x16, control];
    for field in [sequence, status, association, 0, data.len() as u16] {
        message.extend_from_slice(&field.to_be_bytes());
    }
    message.extend_from_slice(data);
    message
}

/// NTP: a client's request and a server's answer at each stratum kind, other modes and versions, keys and
/// digests, control messages, lengths that do not fit.
fn ntp_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let (client, server) = (HOSTS4, HOSTS4.reversed());
    // 2023-11-14 22:13:20 UTC in NTP's era, with fractions.
    let now: u64 = (3_908_988_800u64 << 32) | 0x8000_0000;
    let request = ntp_message((0, 4, 3), 0, 6, -20, [0, 0], [0; 4], [0, 0, 0, now]);
    capture.add(datagram(client, 40123, NTP_PORT, &request));
    let answer = ntp_message(
        (0, 4, 4),
        2,
        6,
        -23,
        [0x0000_0a3d, 0x0001_4000],
        [192, 168, 100, 254],
        [now - (64 << 32), now, now + 0x0123_4567, now + 0x0200_0000],
    );
    add_with_cuts(&mut capture, datagram(server, NTP_PORT, 40123, &answer), answer.len());
    let strata: [(u8, [u8; 4]); 6] = [
        (1, *b"GPS\0"),
        (1, [b'P', 0x01, 0xff, b'S']),
        (0, *b"RATE"),
        (16, [1, 2, 3, 4]),
        (62, [10, 0, 0, 9]),
        (63, [10, 0, 0, 9]),
    ];
    for (stratum, reference_id) in strata {
        let message = ntp_message((0, 4, 4), stratum, 10, -29, [0, 5], reference_id, [now, now - 1, now, now + 1]);
        capture.add(datagram(server, NTP_PORT, 40123, &message));
    }
    // Modes and versions, leap indicators, polls out of range, an originate timestamp later than the others.
    let modes = [(1u8, 3u8, 1u8, 17i8), (2, 4, 2, -3), (3, 4, 5, 32), (0, 3, 0, -32), (1, 1, 7, 0), (0, 2, 4, 31)];
    for (leap, version, mode, poll) in modes {
        let message = ntp_message(
            (leap, version, mode),
            3,
            poll,
            0,
            [u32::MAX, 0xffff],
            [0xac, 0x10, 0, 1],
            [1, now + (5 << 32), now, now],
        );
        capture.add(datagram(client, NTP_PORT, NTP_PORT, &message));
    }
    // A key id alone, with an MD5 or SHA-1 digest, other trailing bytes, and a message too short.
    let digest: Vec<u8> = (0..20).map(|byte| byte * 13).collect();
    for trailer in [
        &42u32.to_be_bytes()[..],
        &[&7u32.to_be_bytes()[..], &digest[..16]].concat(),
        &[&9u32.to_be_bytes()[..], &digest].concat(),
        &[0; 12],
    ] {
        let message = [&request[..], trailer].concat();
        add_with_cuts(&mut capture, datagram(client, 40123, NTP_PORT, &message), trailer.len());
    }
    capture.add(datagram(client, 40123, NTP_PORT, &request[..47]));
    capture.add(datagram(client, 40123, NTP_PORT, &[0x23]));
    // Control messages: a request, a response with data, an error, more to come, a count beyond the message.
    let controls = [
        ntp_control(0x02, 1, 0, 0, &[]),
        ntp_control(0x82, 1, 0x0615, 0, b"version=\"ntpd 4.2.8p15\", leap=00\r\n"),
        ntp_control(0xc1, 2, 0xffff, 5, &[]),
        ntp_control(0xa2, 3, 0x1, 65_535, &[1, 2, 3, 4]),
    ];
    for control in &controls {
        capture.add(datagram(client, 40123, NTP_PORT, control));
    }
    let mut overlong = ntp_control(0x02, 4, 0, 0, &[1, 2]);
    overlong[11] = 9;
    capture.add(datagram(client, 40123, NTP_PORT, &overlong));
    capture.add(datagram(client, 40123, NTP_PORT, &overlong[..10]));
    add_with_cuts(&mut capture, datagram(client, 40123, NTP_PORT, &controls[1]), controls[1].len());
    // Over IPv6.
    capture.add(datagram(HOSTS6, 40123, NTP_PORT, &request));
    capture
}

const TFTP_PORT: u16 = 69;

/// A TFTP message: opcode, then NUL-terminated strings.
fn tftp_strings(opcode: u16, strings: &[&[u8]]) -> Vec<u8> {
    let mut message = opcode.to_be_bytes().to_vec();
    for string in strings {
        message.extend_from_slice(string);
        message.push(0);
    }
    message
}

/// A TFTP message: opcode and a 16-bit number (block or error code), then what follows.
fn tftp_numbered(opcode: u16, number: u16, rest: &[u8]) -> Vec<u8> {
    [&opcode.to_be_bytes()[..], &number.to_be_bytes(), rest].concat()
}

/// TFTP: requests with options, their acknowledgement, data and acknowledgements (the transfer itself runs
/// between other ports, where tcpdump does not know it), errors, malformed messages.
fn tftp_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let (client, server) = (HOSTS4, HOSTS4.reversed());
    let read = tftp_strings(1, &[b"pxelinux.cfg/default", b"octet", b"blksize", b"1428", b"tsize", b"0"]);
    add_with_cuts(&mut capture, datagram(client, 40069, TFTP_PORT, &read), read.len());
    let oack = tftp_strings(6, &[b"blksize", b"1428", b"tsize", b"1337"]);
    add_with_cuts(&mut capture, datagram(server, TFTP_PORT, 40069, &oack), oack.len());
    let acknowledgement = tftp_numbered(4, 0, &[]);
    add_with_cuts(&mut capture, datagram(client, 40069, TFTP_PORT, &acknowledgement), acknowledgement.len());
    let short_block = tftp_numbered(3, 2, b"end");
    add_with_cuts(&mut capture, datagram(server, TFTP_PORT, 40069, &short_block), short_block.len());
    let block = tftp_numbered(3, 1, &[0x42; 512]);
    capture.add(datagram(server, TFTP_PORT, 40069, &block));
    capture.add(datagram(server, 50069, 40069, &block));
    capture.add(datagram(client, 40069, TFTP_PORT, &tftp_numbered(4, 1, &[])));
    capture.add(datagram(server, TFTP_PORT, 40069, &tftp_numbered(3, 65_535, &[])));
    let write = tftp_strings(2, &[b"upload\x01\xe9.bin", b"netascii"]);
    capture.add(datagram(HOSTS6, 40070, TFTP_PORT, &write));
    for (code, message) in [(1u16, &b"File not found"[..]), (0, b""), (7, b"who?"), (8, b"new code"), (300, b"\x7f")] {
        let error = tftp_numbered(5, code, &[message, &[0]].concat());
        capture.add(datagram(server, TFTP_PORT, 40069, &error));
    }
    let error = tftp_numbered(5, 2, b"Access violation\0");
    add_with_cuts(&mut capture, datagram(server, TFTP_PORT, 40069, &error), error.len());
    // Malformed: unknown opcodes, strings without their NUL, options of empty strings, messages too short.
    let malformed: [Vec<u8>; 11] = [
        tftp_numbered(7, 1, &[]),
        tftp_numbered(0, 0, &[]),
        vec![0, 1],
        [&tftp_strings(1, &[b"a"])[..], b"oct"].concat(),
        tftp_strings(1, &[b"file", b"octet", b"", b"x", b""]),
        tftp_strings(6, &[b"", b"blksize"]),
        vec![0],
        vec![],
        vec![0, 3, 1],
        vec![0, 5, 0],
        tftp_numbered(5, 1, b"no end"),
    ];
    for message in &malformed {
        capture.add(datagram(client, 40069, TFTP_PORT, message));
    }
    capture
}

const SYSLOG_PORT: u16 = 514;

/// Syslog: BSD (RFC 3164) and RFC 5424 messages, bytes that are not text, priorities tcpdump takes or refuses.
fn syslog_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let messages: [&[u8]; 10] = [
        b"<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
        b"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\"] \
\xef\xbb\xbfAn application event log entry...",
        b"<0>kernel: panic\x00\x07\xff\n",
        b"<191>debug",
        b"<999>out of range",
        b"<>empty",
        b"<1234>four digits",
        b"<12",
        b"no priority",
        b"<7>",
    ];
    for message in messages {
        capture.add(datagram(HOSTS4, 40514, SYSLOG_PORT, message));
    }
    let bsd = messages[0];
    add_with_cuts(&mut capture, datagram(HOSTS4, 40514, SYSLOG_PORT, bsd), bsd.len());
    let message = b"<86>Nov 14 22:13:20 host sshd[4242]: Accepted publickey for root";
    add_with_cuts(&mut capture, datagram(HOSTS6, 40514, SYSLOG_PORT, message), message.len());
    capture
}
