//! Captures of BOOTP/DHCP and DHCPv6: whole exchanges as clients, servers and relays send them, options of every
//! kind tcpdump decodes, malformed ones, datagrams between a DHCP port and another printer's, and a copy of each
//! message cut at every length from the start of its UDP payload on.

use pcap_file::DataLink;

use super::{
    BROADCAST, Capture, Hosts, IP_B, IP_C, IP6_A, IP6_B, LINK_LOCAL, MAC_A, MAC_B, UDP, ethernet, ethertype_of,
    udp_datagram,
};

/// What the captures hold: file name and packets.
pub fn captures() -> [(&'static str, Capture); 2] {
    [("bootp.pcap", bootp_capture()), ("dhcp6.pcap", dhcp6_capture())]
}

/// One end of a datagram: link-layer address, IP address and UDP port.
#[derive(Clone, Copy)]
struct End<A> {
    mac: [u8; 6],
    ip: A,
    port: u16,
}

/// The Ethernet frame carrying `payload` in a UDP datagram from `source` to `destination`.
fn frame4(source: End<[u8; 4]>, destination: End<[u8; 4]>, payload: &[u8]) -> Vec<u8> {
    frame(source.mac, destination.mac, Hosts::V4(source.ip, destination.ip), (source.port, destination.port), payload)
}

fn frame6(source: End<[u8; 16]>, destination: End<[u8; 16]>, payload: &[u8]) -> Vec<u8> {
    frame(source.mac, destination.mac, Hosts::V6(source.ip, destination.ip), (source.port, destination.port), payload)
}

fn frame(source: [u8; 6], destination: [u8; 6], hosts: Hosts, ports: (u16, u16), payload: &[u8]) -> Vec<u8> {
    let datagram = udp_datagram(hosts, ports.0, ports.1, payload);
    ethernet(destination, source, ethertype_of(hosts), &hosts.packet(UDP, &datagram))
}

/// Adds `frame`, then copies of it cut at every length from the start of its `payload_len`-byte payload on.
fn add_with_every_cut(capture: &mut Capture, frame: &[u8], payload_len: usize) {
    capture.add(frame.to_vec());
    (frame.len() - payload_len..frame.len()).for_each(|captured| capture.add_cut(frame, captured));
}

// BOOTP/DHCP (RFC 951, RFC 2131).
const BOOTP_SERVER: u16 = 67;
const BOOTP_CLIENT: u16 = 68;
const REQUEST: u8 = 1;
const REPLY: u8 = 2;
const MAGIC_COOKIE: [u8; 4] = [99, 130, 83, 99];
const BROADCAST_FLAG: u16 = 0x8000;
const OFFERED: [u8; 4] = [10, 0, 0, 50];
const UNSPECIFIED: [u8; 4] = [0; 4];
const LIMITED_BROADCAST: [u8; 4] = [255; 4];

// DHCP's options.
const PAD: u8 = 0;
const SUBNET_MASK: u8 = 1;
const TIME_OFFSET: u8 = 2;
const ROUTER: u8 = 3;
const DNS_SERVERS: u8 = 6;
const HOSTNAME: u8 = 12;
const DOMAIN_NAME: u8 = 15;
const BROADCAST_ADDRESS: u8 = 28;
const STATIC_ROUTES: u8 = 33;
const NTP_SERVERS: u8 = 42;
const VENDOR_SPECIFIC: u8 = 43;
const NETBIOS_NAME_SERVERS: u8 = 44;
const NETBIOS_NODE_TYPE: u8 = 46;
const REQUESTED_IP: u8 = 50;
const LEASE_TIME: u8 = 51;
const OPTION_OVERLOAD: u8 = 52;
const MESSAGE_TYPE: u8 = 53;
const SERVER_ID: u8 = 54;
const PARAMETER_REQUEST: u8 = 55;
const MESSAGE: u8 = 56;
const MAX_MESSAGE_SIZE: u8 = 57;
const RENEWAL_TIME: u8 = 58;
const REBINDING_TIME: u8 = 59;
const VENDOR_CLASS: u8 = 60;
const CLIENT_ID: u8 = 61;
const USER_CLASS: u8 = 77;
const CLIENT_FQDN: u8 = 81;
const AGENT_INFORMATION: u8 = 82;
const CLIENT_ARCHITECTURE: u8 = 93;
const CLASSLESS_ROUTES: u8 = 121;
const MICROSOFT_CLASSLESS_ROUTES: u8 = 249;
const END: u8 = 255;

// DHCP's message types.
const DISCOVER: u8 = 1;
const OFFER: u8 = 2;
const DHCP_REQUEST: u8 = 3;
const DECLINE: u8 = 4;
const ACK: u8 = 5;
const NAK: u8 = 6;
const RELEASE: u8 = 7;
const INFORM: u8 = 8;
const LEASE_QUERY: u8 = 10;

/// An option: tag, length, value.
fn option(tag: u8, value: &[u8]) -> Vec<u8> {
    [&[tag, value.len() as u8][..], value].concat()
}

fn message_type(kind: u8) -> Vec<u8> {
    option(MESSAGE_TYPE, &[kind])
}

/// The client identifier of an Ethernet client: hardware type 1 and its address.
fn client_id() -> Vec<u8> {
    option(CLIENT_ID, &[&[1][..], &MAC_A].concat())
}

/// A BOOTP message's fixed header and vendor area.
#[derive(Clone)]
struct Bootp {
    op: u8,
    hardware_type: u8,
    hardware_len: u8,
    hops: u8,
    transaction_id: u32,
    seconds: u16,
    flags: u16,
    /// Client, "your", server and gateway addresses.
    addresses: [[u8; 4]; 4],
    hardware_address: [u8; 16],
    server_name: Vec<u8>,
    file: Vec<u8>,
    vendor: Vec<u8>,
}

impl Bootp {
    /// A DHCP message of client A (an Ethernet host) with `options` after the magic cookie and END after them.
    fn dhcp(op: u8, options: &[Vec<u8>]) -> Bootp {
        let mut hardware_address = [0; 16];
        hardware_address[..6].copy_from_slice(&MAC_A);
        Bootp {
            op,
            hardware_type: 1,
            hardware_len: 6,
            hops: 0,
            transaction_id: 0x3903_f326,
            seconds: 0,
            flags: 0,
            addresses: [UNSPECIFIED; 4],
            hardware_address,
            server_name: Vec::new(),
            file: Vec::new(),
            vendor: [&MAGIC_COOKIE[..], &options.concat(), &[END]].concat(),
        }
    }

    /// Pads the vendor area to BOOTP's 64 bytes (a message of 300), as clients do.
    fn padded(mut self) -> Bootp {
        self.vendor.resize(self.vendor.len().max(64), PAD);
        self
    }

    fn bytes(&self) -> Vec<u8> {
        let mut message = vec![self.op, self.hardware_type, self.hardware_len, self.hops];
        message.extend_from_slice(&self.transaction_id.to_be_bytes());
        message.extend_from_slice(&self.seconds.to_be_bytes());
        message.extend_from_slice(&self.flags.to_be_bytes());
        self.addresses.iter().for_each(|address| message.extend_from_slice(address));
        message.extend_from_slice(&self.hardware_address);
        for (text, len) in [(&self.server_name, 64), (&self.file, 128)] {
            let start = message.len();
            message.extend_from_slice(text);
            message.resize(start + len, 0);
        }
        message.extend_from_slice(&self.vendor);
        message
    }
}

const CLIENT: End<[u8; 4]> = End { mac: MAC_A, ip: UNSPECIFIED, port: BOOTP_CLIENT };
const EVERYONE: End<[u8; 4]> = End { mac: BROADCAST, ip: LIMITED_BROADCAST, port: BOOTP_SERVER };
const SERVER: End<[u8; 4]> = End { mac: MAC_B, ip: IP_B, port: BOOTP_SERVER };
const BOUND_CLIENT: End<[u8; 4]> = End { mac: MAC_A, ip: OFFERED, port: BOOTP_CLIENT };
const RELAY: End<[u8; 4]> = End { mac: MAC_A, ip: IP_C, port: BOOTP_SERVER };

/// Adds `message` from `source` to `destination` and its cuts.
fn add_bootp(capture: &mut Capture, source: End<[u8; 4]>, destination: End<[u8; 4]>, message: &Bootp) {
    let payload = message.bytes();
    add_with_every_cut(capture, &frame4(source, destination, &payload), payload.len());
}

/// A lease's options as a server gives them in its offer and acknowledgement.
fn lease_options(kind: u8) -> Vec<Vec<u8>> {
    vec![
        message_type(kind),
        option(SERVER_ID, &IP_B),
        option(LEASE_TIME, &86_400u32.to_be_bytes()),
        option(RENEWAL_TIME, &43_200u32.to_be_bytes()),
        option(REBINDING_TIME, &75_600u32.to_be_bytes()),
        option(SUBNET_MASK, &[255, 255, 255, 0]),
        option(BROADCAST_ADDRESS, &[10, 0, 0, 255]),
        option(ROUTER, &IP_B),
        option(DNS_SERVERS, &[IP_B, [9, 9, 9, 9]].concat()),
        option(DOMAIN_NAME, b"example.com"),
        option(CLASSLESS_ROUTES, &[24, 192, 168, 7, 10, 0, 0, 3, 0, 10, 0, 0, 2, 32, 10, 1, 2, 3, 10, 0, 0, 4]),
        option(NTP_SERVERS, &IP_B),
        option(NETBIOS_NAME_SERVERS, &IP_B),
        option(NETBIOS_NODE_TYPE, &[8]),
        option(TIME_OFFSET, &(-18_000i32).to_be_bytes()),
    ]
}

/// What a Windows or Linux client asks for.
fn parameter_request() -> Vec<u8> {
    option(PARAMETER_REQUEST, &[1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252, 42, 0, 255, 200])
}

/// BOOTP and DHCP: a client's discover, offer, request and acknowledgement, its release, inform, decline and a
/// server's refusal, a relayed exchange with the relay agent's information, plain BOOTP, and malformed options.
fn bootp_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    add_lease(&mut capture);
    add_relayed(&mut capture);
    add_plain_bootp(&mut capture);
    add_malformed_dhcp(&mut capture);
    add_bootp_neighbours(&mut capture);
    capture
}

fn add_lease(capture: &mut Capture) {
    let hostname = option(HOSTNAME, b"laptop-7");
    let fqdn = option(CLIENT_FQDN, b"\x01\x00\x00laptop-7.example.com");
    let mut discover = Bootp::dhcp(
        REQUEST,
        &[
            message_type(DISCOVER),
            client_id(),
            option(REQUESTED_IP, &OFFERED),
            option(MAX_MESSAGE_SIZE, &1500u16.to_be_bytes()),
            hostname.clone(),
            option(VENDOR_CLASS, b"MSFT 5.0"),
            option(USER_CLASS, b"\x04home\x03lab"),
            fqdn.clone(),
            option(CLIENT_ARCHITECTURE, &[0, 7]),
            parameter_request(),
        ],
    )
    .padded();
    discover.flags = BROADCAST_FLAG;
    discover.seconds = 3;
    add_bootp(capture, CLIENT, EVERYONE, &discover);
    let mut offer = Bootp::dhcp(REPLY, &lease_options(OFFER));
    offer.addresses = [UNSPECIFIED, OFFERED, IP_B, UNSPECIFIED];
    offer.server_name = b"dhcp-1.example.com".to_vec();
    offer.file = b"pxelinux.0".to_vec();
    add_bootp(capture, SERVER, BOUND_CLIENT, &offer);
    let request = Bootp::dhcp(
        REQUEST,
        &[
            message_type(DHCP_REQUEST),
            client_id(),
            option(REQUESTED_IP, &OFFERED),
            option(SERVER_ID, &IP_B),
            hostname,
            option(CLIENT_FQDN, b"\x05\x00\x00laptop-7"),
            parameter_request(),
        ],
    )
    .padded();
    add_bootp(capture, CLIENT, EVERYONE, &request);
    let mut ack = offer.clone();
    ack.vendor = Bootp::dhcp(REPLY, &lease_options(ACK)).vendor;
    add_bootp(capture, SERVER, BOUND_CLIENT, &ack);
    let mut nak = Bootp::dhcp(
        REPLY,
        &[message_type(NAK), option(SERVER_ID, &IP_B), option(MESSAGE, b"requested address not available")],
    );
    nak.flags = BROADCAST_FLAG;
    add_bootp(capture, SERVER, EVERYONE, &nak);
    let mut release = Bootp::dhcp(REQUEST, &[message_type(RELEASE), option(SERVER_ID, &IP_B), client_id()]);
    release.addresses[0] = OFFERED;
    add_bootp(capture, BOUND_CLIENT, SERVER, &release);
    let mut inform = Bootp::dhcp(REQUEST, &[message_type(INFORM), client_id(), parameter_request()]);
    inform.addresses[0] = OFFERED;
    add_bootp(capture, BOUND_CLIENT, EVERYONE, &inform);
    let decline =
        Bootp::dhcp(REQUEST, &[message_type(DECLINE), option(REQUESTED_IP, &OFFERED), option(SERVER_ID, &IP_B)]);
    add_bootp(capture, CLIENT, EVERYONE, &decline);
    let lease_query = Bootp::dhcp(REQUEST, &[message_type(LEASE_QUERY), option(CLIENT_ID, b"\x00printer-3")]);
    add_bootp(capture, RELAY, SERVER, &lease_query);
}

/// A relay agent forwards a client's discover with its own address and option 82, and gets the offer back.
fn add_relayed(capture: &mut Capture) {
    let agent_information = option(
        AGENT_INFORMATION,
        &[
            &[1, 12][..],
            b"eth0/1/3:100",
            &[2, 6],
            &MAC_B,
            &[6, 8],
            b"sub-1234",
            // A sub-option tcpdump prints in hex.
            &[9, 18, 0, 0, 0x0d, 0xe9, 13, 1, 11, 0x72, 0x65, 0x6c, 0x61, 0x79, 0x2d, 0x31, 0x2d, 0xc3, 0xa9, 0x00],
        ]
        .concat(),
    );
    let mut discover =
        Bootp::dhcp(REQUEST, &[message_type(DISCOVER), client_id(), parameter_request(), agent_information.clone()]);
    discover.hops = 1;
    discover.addresses[3] = IP_C;
    add_bootp(capture, RELAY, SERVER, &discover);
    let mut offer = Bootp::dhcp(REPLY, &[lease_options(OFFER), vec![agent_information]].concat());
    offer.hops = 1;
    offer.addresses = [UNSPECIFIED, OFFERED, IP_B, IP_C];
    add_bootp(capture, SERVER, RELAY, &offer);
}

/// BOOTP without DHCP: an RFC 1048 area with no message type, CMU's vendor area, another vendor's, none, and
/// hardware other than Ethernet.
fn add_plain_bootp(capture: &mut Capture) {
    let mut reply = Bootp::dhcp(REPLY, &[option(SUBNET_MASK, &[255, 255, 0, 0]), option(ROUTER, &IP_B)]);
    reply.addresses = [UNSPECIFIED, OFFERED, IP_B, UNSPECIFIED];
    reply.file = b"/tftpboot/vmunix".to_vec();
    add_bootp(capture, SERVER, BOUND_CLIENT, &reply);
    let mut cmu = Bootp::dhcp(REPLY, &[]);
    cmu.vendor = [&b"CMU\0"[..], &[1, 0, 0, 0], &[255, 255, 255, 0], &IP_B, &IP_B, &[0; 4], &[0; 4], &IP_C].concat();
    cmu.vendor.resize(64, 0);
    add_bootp(capture, SERVER, BOUND_CLIENT, &cmu);
    cmu.vendor[4] = 6;
    add_bootp(capture, SERVER, BOUND_CLIENT, &cmu);
    let mut other_vendor = Bootp::dhcp(REQUEST, &[]);
    other_vendor.vendor = [0xde, 0xad, 0xbe, 0xef, 1, 2].to_vec();
    add_bootp(capture, CLIENT, EVERYONE, &other_vendor);
    let mut token_ring = Bootp::dhcp(REQUEST, &[]);
    token_ring.vendor = vec![0; 64];
    token_ring.hardware_type = 6;
    token_ring.transaction_id = 0;
    token_ring.flags = 0x0001;
    add_bootp(capture, CLIENT, EVERYONE, &token_ring);
    let mut long_address = token_ring.clone();
    long_address.hardware_type = 1;
    long_address.hardware_len = 16;
    long_address.op = 3;
    add_bootp(capture, CLIENT, EVERYONE, &long_address);
    // A server name that fills its field without an end, and a file name with bytes that are not text.
    let mut unterminated = Bootp::dhcp(REPLY, &[message_type(ACK)]);
    unterminated.server_name = vec![b's'; 64];
    add_bootp(capture, SERVER, BOUND_CLIENT, &unterminated);
    let mut binary_file = Bootp::dhcp(REPLY, &[message_type(ACK)]);
    binary_file.file = b"boot\x01\xff\tx".to_vec();
    add_bootp(capture, SERVER, BOUND_CLIENT, &binary_file);
}

/// Options whose lengths do not fit their values, unknown options and message types, and padding that -vvv shows.
fn add_malformed_dhcp(capture: &mut Capture) {
    let malformed = [
        option(SUBNET_MASK, &[255, 255, 255]),
        option(SUBNET_MASK, &[255, 255, 255, 0, 1, 2]),
        option(MAX_MESSAGE_SIZE, &[5, 220, 1]),
        option(STATIC_ROUTES, &[10, 9, 0, 0, 10, 0, 0, 1, 10]),
        option(31, &[0, 1, 2]),
        option(MESSAGE_TYPE, &[1, 2]),
        option(CLIENT_ID, &[]),
        option(CLIENT_ID, &[0x20, 1, 2, 3]),
        option(CLIENT_FQDN, &[0, 0]),
        option(CLIENT_FQDN, b"\xf0\xff\x01host"),
        option(NETBIOS_NODE_TYPE, &[]),
        option(NETBIOS_NODE_TYPE, &[3, 9]),
        option(OPTION_OVERLOAD, &[3]),
        option(OPTION_OVERLOAD, &[7]),
        option(USER_CLASS, &[1]),
        option(USER_CLASS, &[2, b'a', b'b', 0]),
        option(USER_CLASS, &[5, b'a', b'b']),
        option(CLASSLESS_ROUTES, &[8, 10, 0, 0]),
        option(CLASSLESS_ROUTES, &[40, 10, 0, 0, 0, 1]),
        option(MICROSOFT_CLASSLESS_ROUTES, &[0, 10, 0, 0, 1, 16, 172, 16, 10]),
        option(AGENT_INFORMATION, &[1, 4, b'a', b'b', b'c', b'd', 2]),
        option(AGENT_INFORMATION, &[1, 9, b'a']),
        option(VENDOR_SPECIFIC, &[1, 4, 0xc0, 0xa8, 1, 1]),
        option(200, &[1, 2, 3, 4, 5]),
        option(201, &[1, 2, 3, 4, 5, 6]),
        option(202, &[0, 0, 1, 0, 0xff, 0xff, 0xff, 0xff]),
        option(LEASE_TIME, &[0xff, 0xff, 0xff, 0xff]),
    ];
    let mut odd = Bootp::dhcp(REQUEST, &malformed);
    odd.seconds = 65535;
    odd.hops = 17;
    add_bootp(capture, CLIENT, EVERYONE, &odd);
    let unknown_kind = Bootp::dhcp(REQUEST, &[message_type(42), client_id()]);
    add_bootp(capture, CLIENT, EVERYONE, &unknown_kind);
    // Padding between options and options after END, which only -vvv prints.
    let mut padding = Bootp::dhcp(REQUEST, &[message_type(DISCOVER), vec![PAD], client_id(), vec![PAD; 3]]);
    padding.vendor.extend_from_slice(&[&option(HOSTNAME, b"after-end")[..], &[PAD, PAD, END]].concat());
    add_bootp(capture, CLIENT, EVERYONE, &padding);
    // An option longer than what is left of the message.
    let mut overlong = Bootp::dhcp(REQUEST, &[message_type(DISCOVER)]);
    overlong.vendor.truncate(overlong.vendor.len() - 1);
    overlong.vendor.extend_from_slice(&[HOSTNAME, 40, b'h', b'o', b's', b't']);
    add_bootp(capture, CLIENT, EVERYONE, &overlong);
    // A message that ends inside the fixed header.
    let short = Bootp::dhcp(REQUEST, &[]).bytes();
    capture.add(frame4(CLIENT, EVERYONE, &short[..100]));
    // A datagram whose length field ends it after the magic cookie: tcpdump reads the options after that too.
    let discover = Bootp::dhcp(REQUEST, &[message_type(DISCOVER), client_id()]).bytes();
    let mut frame = frame4(CLIENT, EVERYONE, &discover);
    let udp_length = 14 + 20 + 4;
    frame[udp_length..udp_length + 2].copy_from_slice(&(8 + 240u16).to_be_bytes());
    capture.add(frame);
}

/// Datagrams between a BOOTP port and ports of printers tcpdump tries before or after BOOTP's.
fn add_bootp_neighbours(capture: &mut Capture) {
    let discover = Bootp::dhcp(REQUEST, &[message_type(DISCOVER)]).bytes();
    // 520 (RIP) and 5353 (mDNS) belong to printers of their own too.
    for port in [53, 69, 123, 514, 546, 520, 5353] {
        let other = End { port, ..SERVER };
        capture.add(frame4(CLIENT, other, &discover));
    }
}

// DHCPv6 (RFC 8415).
const DHCP6_CLIENT: u16 = 546;
const DHCP6_SERVER: u16 = 547;
const ALL_DHCP_AGENTS: [u8; 16] = [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2];
const ALL_DHCP_AGENTS_MAC: [u8; 6] = [0x33, 0x33, 0, 1, 0, 2];

// DHCPv6's message types.
const SOLICIT: u8 = 1;
const ADVERTISE: u8 = 2;
const REQUEST6: u8 = 3;
const CONFIRM: u8 = 4;
const RENEW: u8 = 5;
const REBIND: u8 = 6;
const REPLY6: u8 = 7;
const RELEASE6: u8 = 8;
const DECLINE6: u8 = 9;
const RECONFIGURE: u8 = 10;
const INFORMATION_REQUEST: u8 = 11;
const RELAY_FORWARD: u8 = 12;
const RELAY_REPLY: u8 = 13;
const LEASEQUERY: u8 = 14;

// DHCPv6's options.
const CLIENT_ID6: u16 = 1;
const SERVER_ID6: u16 = 2;
const IA_NA: u16 = 3;
const IA_TA: u16 = 4;
const IA_ADDRESS: u16 = 5;
const OPTION_REQUEST: u16 = 6;
const PREFERENCE: u16 = 7;
const ELAPSED_TIME: u16 = 8;
const RELAY_MESSAGE: u16 = 9;
const AUTHENTICATION: u16 = 11;
const UNICAST: u16 = 12;
const STATUS_CODE: u16 = 13;
const RAPID_COMMIT: u16 = 14;
const USER_CLASS6: u16 = 15;
const VENDOR_CLASS6: u16 = 16;
const INTERFACE_ID: u16 = 18;
const RECONFIGURE_MESSAGE: u16 = 19;
const RECONFIGURE_ACCEPT: u16 = 20;
const SIP_SERVER_DOMAINS: u16 = 21;
const DNS_SERVERS6: u16 = 23;
const DOMAIN_LIST: u16 = 24;
const IA_PD: u16 = 25;
const IA_PREFIX: u16 = 26;
const SNTP_SERVERS: u16 = 31;
const INFORMATION_REFRESH_TIME: u16 = 32;
const REMOTE_ID: u16 = 37;
const SUBSCRIBER_ID: u16 = 38;
const CLIENT_FQDN6: u16 = 39;
const POSIX_TIMEZONE: u16 = 41;
const ECHO_REQUEST: u16 = 43;
const LQ_QUERY: u16 = 44;
const CLIENT_DATA: u16 = 45;
const CLIENT_TIME: u16 = 46;
const RELAY_DATA: u16 = 47;
const NTP_SERVER: u16 = 56;
const AFTR_NAME: u16 = 64;
const MUD_URL: u16 = 112;

fn option6(code: u16, value: &[u8]) -> Vec<u8> {
    [&code.to_be_bytes()[..], &(value.len() as u16).to_be_bytes(), value].concat()
}

/// A client or server message: type, transaction id, options.
fn message6(kind: u8, options: &[Vec<u8>]) -> Vec<u8> {
    [&[kind, 0x5e, 0x2f, 0x91][..], &options.concat()].concat()
}

/// A relay's message: type, hop count, link and peer addresses, options.
fn relay6(kind: u8, hops: u8, options: &[Vec<u8>]) -> Vec<u8> {
    [&[kind, hops][..], &IP6_B, &LINK_LOCAL, &options.concat()].concat()
}

/// A DUID based on the link-layer address and a time (type 1), Ethernet's.
fn client_duid() -> Vec<u8> {
    option6(CLIENT_ID6, &[&[0, 1, 0, 1, 0x2c, 0xd4, 0x3a, 0x10][..], &MAC_A].concat())
}

/// A DUID based on the link-layer address (type 3).
fn server_duid() -> Vec<u8> {
    option6(SERVER_ID6, &[&[0, 3, 0, 1][..], &MAC_B].concat())
}

/// An identity association for non-temporary addresses or prefixes: IAID, T1, T2 and options.
fn identity_association(code: u16, times: (u32, u32), options: &[Vec<u8>]) -> Vec<u8> {
    let header = [0x0a0b_0c0d_u32.to_be_bytes(), times.0.to_be_bytes(), times.1.to_be_bytes()].concat();
    option6(code, &[header, options.concat()].concat())
}

fn address6(options: &[Vec<u8>]) -> Vec<u8> {
    let address = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x42];
    let times = [3600u32.to_be_bytes(), 7200u32.to_be_bytes()].concat();
    option6(IA_ADDRESS, &[&address[..], &times, &options.concat()].concat())
}

fn prefix6(options: &[Vec<u8>]) -> Vec<u8> {
    let times = [1800u32.to_be_bytes(), 3600u32.to_be_bytes()].concat();
    let prefix = [0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    option6(IA_PREFIX, &[&times[..], &[56], &prefix, &options.concat()].concat())
}

fn status(code: u16, message: &[u8]) -> Vec<u8> {
    option6(STATUS_CODE, &[&code.to_be_bytes()[..], message].concat())
}

fn option_request(codes: &[u16]) -> Vec<u8> {
    option6(OPTION_REQUEST, &codes.iter().flat_map(|code| code.to_be_bytes()).collect::<Vec<u8>>())
}

fn elapsed(hundredths: u16) -> Vec<u8> {
    option6(ELAPSED_TIME, &hundredths.to_be_bytes())
}

fn dns_servers() -> Vec<u8> {
    option6(DNS_SERVERS6, &[IP6_B, [0x20, 0x01, 0x48, 0x60, 0x48, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0x88, 0x88]].concat())
}

fn domain_list() -> Vec<u8> {
    option6(DOMAIN_LIST, b"\x07example\x03com\x00\x04corp\x07example\x03com\x00\x00")
}

const CLIENT6: End<[u8; 16]> = End { mac: MAC_A, ip: LINK_LOCAL, port: DHCP6_CLIENT };
const AGENTS: End<[u8; 16]> = End { mac: ALL_DHCP_AGENTS_MAC, ip: ALL_DHCP_AGENTS, port: DHCP6_SERVER };
const SERVER6: End<[u8; 16]> = End { mac: MAC_B, ip: IP6_B, port: DHCP6_SERVER };
const RELAY6: End<[u8; 16]> = End { mac: MAC_A, ip: IP6_A, port: DHCP6_SERVER };

fn add_dhcp6(capture: &mut Capture, source: End<[u8; 16]>, destination: End<[u8; 16]>, message: &[u8]) {
    add_with_every_cut(capture, &frame6(source, destination, message), message.len());
}

/// DHCPv6: a client's solicit, advertise, request, reply, renew, rebind, release, confirm, decline and
/// information request, a server's reconfigure, relayed messages, a lease query, and malformed options.
fn dhcp6_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    add_dhcp6_lease(&mut capture);
    add_dhcp6_others(&mut capture);
    add_dhcp6_relayed(&mut capture);
    add_dhcp6_malformed(&mut capture);
    add_dhcp6_neighbours(&mut capture);
    add_dhcp6_deep(&mut capture);
    capture
}

fn solicit() -> Vec<u8> {
    message6(
        SOLICIT,
        &[
            client_duid(),
            elapsed(0),
            identity_association(IA_NA, (0, 0), &[]),
            identity_association(IA_PD, (0, 0), &[prefix6(&[])]),
            option_request(&[DNS_SERVERS6, DOMAIN_LIST, NTP_SERVER, SNTP_SERVERS, INFORMATION_REFRESH_TIME, 82]),
            option6(RAPID_COMMIT, &[]),
            option6(RECONFIGURE_ACCEPT, &[]),
            option6(CLIENT_FQDN6, b"\x01\x06laptop\x07example\x03com\x00"),
            option6(VENDOR_CLASS6, b"\x00\x00\x01\x37\x00\x08MSFT 5.0"),
            option6(USER_CLASS6, b"\x00\x04home"),
        ],
    )
}

fn advertise() -> Vec<u8> {
    message6(
        ADVERTISE,
        &[
            server_duid(),
            client_duid(),
            identity_association(IA_NA, (1800, 2880), &[address6(&[])]),
            identity_association(IA_PD, (1800, 2880), &[prefix6(&[status(0, b"ok")])]),
            dns_servers(),
            domain_list(),
            option6(PREFERENCE, &[255]),
            status(0, b"success"),
        ],
    )
}

fn add_dhcp6_lease(capture: &mut Capture) {
    add_dhcp6(capture, CLIENT6, AGENTS, &solicit());
    add_dhcp6(capture, SERVER6, CLIENT6, &advertise());
    let bound = || identity_association(IA_NA, (1800, 2880), &[address6(&[])]);
    let enterprise_duid = option6(SERVER_ID6, &[0, 2, 0, 0, 0x01, 0x37, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6]);
    let request =
        message6(REQUEST6, &[client_duid(), enterprise_duid, bound(), option_request(&[23, 24]), elapsed(100)]);
    add_dhcp6(capture, CLIENT6, AGENTS, &request);
    let reply = message6(
        REPLY6,
        &[
            server_duid(),
            client_duid(),
            bound(),
            dns_servers(),
            domain_list(),
            option6(SNTP_SERVERS, &IP6_B),
            option6(UNICAST, &IP6_B),
        ],
    );
    add_dhcp6(capture, SERVER6, CLIENT6, &reply);
    for kind in [RENEW, REBIND, RELEASE6, DECLINE6] {
        add_dhcp6(capture, CLIENT6, AGENTS, &message6(kind, &[client_duid(), server_duid(), bound(), elapsed(25)]));
    }
    add_dhcp6(capture, CLIENT6, AGENTS, &message6(CONFIRM, &[client_duid(), bound()]));
    let not_on_link = message6(REPLY6, &[server_duid(), client_duid(), status(4, b"not on link")]);
    add_dhcp6(capture, SERVER6, CLIENT6, &not_on_link);
}

fn add_dhcp6_others(capture: &mut Capture) {
    let information_request = message6(
        INFORMATION_REQUEST,
        &[client_duid(), elapsed(0), option_request(&[DNS_SERVERS6, DOMAIN_LIST, POSIX_TIMEZONE, AFTR_NAME])],
    );
    add_dhcp6(capture, CLIENT6, AGENTS, &information_request);
    let ntp_server = option6(
        NTP_SERVER,
        &[
            option6(1, &IP6_B),
            option6(2, &[0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]),
            option6(3, b"\x03ntp\x07example\x03com\x00"),
            option6(1, &[1, 2]),
            option6(9, &[]),
        ]
        .concat(),
    );
    let information = message6(
        REPLY6,
        &[
            server_duid(),
            client_duid(),
            dns_servers(),
            option6(SIP_SERVER_DOMAINS, b"\x03sip\x07example\x03com\x00"),
            ntp_server,
            option6(INFORMATION_REFRESH_TIME, &86_400u32.to_be_bytes()),
            option6(POSIX_TIMEZONE, b"EST5EDT4,M3.2.0/02:00,M11.1.0/02:00\0"),
            option6(AFTR_NAME, b"\x04aftr\x07example\x03com\x00"),
            option6(MUD_URL, b"https://example.com/mud"),
        ],
    );
    add_dhcp6(capture, SERVER6, CLIENT6, &information);
    let reconfigure_key = [&[3, 1, 0][..], &[0, 0, 0, 0, 0, 0, 0, 1], &[1], &[0x5a; 16]].concat();
    let reconfigure = message6(
        RECONFIGURE,
        &[
            server_duid(),
            client_duid(),
            option6(RECONFIGURE_MESSAGE, &[RENEW]),
            option6(AUTHENTICATION, &reconfigure_key),
        ],
    );
    add_dhcp6(capture, SERVER6, CLIENT6, &reconfigure);
    let delayed = [&[2, 1, 0][..], &[0, 0, 0, 0, 0, 0, 0, 9], b"realm", &[0, 0, 0, 7], &[0xa5; 16]].concat();
    let authenticated = message6(
        INFORMATION_REQUEST,
        &[
            client_duid(),
            option6(AUTHENTICATION, &delayed),
            option6(AUTHENTICATION, &[2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            option6(AUTHENTICATION, &[2, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2]),
            option6(AUTHENTICATION, &[&[3, 1, 0][..], &[0; 8], &[2], &[0x11; 16]].concat()),
            option6(AUTHENTICATION, &[&[3, 1, 0][..], &[0; 8], &[7], &[0x11; 16]].concat()),
            option6(AUTHENTICATION, &[&[3, 1, 0][..], &[0; 8], &[1, 2]].concat()),
            option6(AUTHENTICATION, &[&[9, 1, 0][..], &[0; 8]].concat()),
            option6(RECONFIGURE_MESSAGE, &[INFORMATION_REQUEST]),
            option6(RECONFIGURE_MESSAGE, &[1]),
        ],
    );
    add_dhcp6(capture, CLIENT6, AGENTS, &authenticated);
    let temporary = message6(
        SOLICIT,
        &[client_duid(), option6(IA_TA, &[0, 0, 0, 5]), option6(IA_TA, &[&[0, 0, 0, 6][..], &address6(&[])].concat())],
    );
    add_dhcp6(capture, CLIENT6, AGENTS, &temporary);
    let query = [&[1][..], &IP6_B, &option_request(&[CLIENT_DATA])].concat();
    let lease_query = message6(LEASEQUERY, &[client_duid(), option6(LQ_QUERY, &query)]);
    add_dhcp6(capture, RELAY6, SERVER6, &lease_query);
    let client_data =
        option6(CLIENT_DATA, &[client_duid(), address6(&[]), option6(CLIENT_TIME, &600u32.to_be_bytes())].concat());
    let relay_data = option6(RELAY_DATA, &[&IP6_A[..], &relay6(RELAY_FORWARD, 0, &[])].concat());
    add_dhcp6(capture, SERVER6, RELAY6, &message6(15, &[server_duid(), client_data, relay_data]));
}

/// A relay agent forwards a client's solicit, and a server's advertise comes back through it; a second relay
/// nests the first's message.
fn add_dhcp6_relayed(capture: &mut Capture) {
    let interface = option6(INTERFACE_ID, b"ge-0/0/1.100");
    let forward = relay6(
        RELAY_FORWARD,
        0,
        &[
            interface.clone(),
            option6(REMOTE_ID, &[&[0, 0, 0x0d, 0xe9][..], b"remote-agent-7"].concat()),
            option6(SUBSCRIBER_ID, b"sub"),
            option6(RELAY_MESSAGE, &solicit()),
        ],
    );
    add_dhcp6(capture, RELAY6, SERVER6, &forward);
    let reply = relay6(RELAY_REPLY, 0, &[interface, option6(RELAY_MESSAGE, &advertise())]);
    add_dhcp6(capture, SERVER6, RELAY6, &reply);
    let nested = relay6(RELAY_FORWARD, 1, &[option6(RELAY_MESSAGE, &forward), option6(ECHO_REQUEST, &[0, 18, 0, 37])]);
    add_dhcp6(capture, RELAY6, SERVER6, &nested);
    // Relayed messages too short to be messages.
    let short = relay6(RELAY_FORWARD, 0, &[option6(RELAY_MESSAGE, &[1, 2]), option6(RELAY_MESSAGE, &[12, 0, 0, 0, 0])]);
    add_dhcp6(capture, RELAY6, SERVER6, &short);
}

/// Options too short or too long for what they hold, options that run past their container, unknown codes.
fn add_dhcp6_malformed(capture: &mut Capture) {
    let odd = message6(
        SOLICIT,
        &[
            option6(CLIENT_ID6, &[0]),
            option6(CLIENT_ID6, &[0, 1, 0, 1, 0, 0]),
            option6(CLIENT_ID6, &[0, 2, 0, 0, 1]),
            option6(CLIENT_ID6, &[0, 3, 0]),
            option6(CLIENT_ID6, &[0, 4, 0x12, 0x34]),
            option6(CLIENT_ID6, &[0, 3, 0, 1]),
            option6(ELAPSED_TIME, &[0, 0, 1]),
            option6(PREFERENCE, &[]),
            option6(OPTION_REQUEST, &[0, 23, 0]),
            option6(IA_NA, &[0; 8]),
            option6(IA_TA, &[0; 3]),
            option6(IA_PD, &[0; 11]),
            option6(IA_ADDRESS, &[0; 20]),
            option6(IA_PREFIX, &[0; 24]),
            option6(STATUS_CODE, &[0]),
            status(20, b""),
            status(300, b"x"),
            option6(DNS_SERVERS6, &[0; 15]),
            option6(INFORMATION_REFRESH_TIME, &[0; 3]),
            option6(REMOTE_ID, &[0; 3]),
            option6(RELAY_DATA, &[0; 15]),
            option6(LQ_QUERY, &[0; 16]),
            option6(LQ_QUERY, &[&[7][..], &[0; 16]].concat()),
            option6(NTP_SERVER, &[0; 3]),
            option6(AFTR_NAME, &[0, 0]),
            option6(AFTR_NAME, b"\x04aftr\x09x"),
            option6(POSIX_TIMEZONE, b"EST"),
            option6(RECONFIGURE_MESSAGE, &[5, 5]),
            option6(AUTHENTICATION, &[0; 10]),
            option6(INTERFACE_ID, &[]),
            option6(200, &[1, 2, 3]),
            option6(DOMAIN_LIST, b"\x07example"),
        ],
    );
    add_dhcp6(capture, CLIENT6, AGENTS, &odd);
    // Inner options that run past the one that holds them, and names with compression and other label types.
    let inner = message6(
        REQUEST6,
        &[
            identity_association(IA_NA, (1, 2), &[option6(STATUS_CODE, &[0, 0]), vec![0, 13, 0, 9, 0]]),
            identity_association(IA_PD, (1, 2), &[vec![0, 26]]),
            option6(DOMAIN_LIST, b"\x01a\xc0\x00"),
            option6(DOMAIN_LIST, b"\x41\x01\x00"),
            option6(DOMAIN_LIST, b"\x81a\x00"),
            elapsed(1),
        ],
    );
    add_dhcp6(capture, CLIENT6, AGENTS, &inner);
    let truncated_ntp = message6(REPLY6, &[option6(NTP_SERVER, &[0, 1, 0, 16, 1, 2, 3, 4]), elapsed(1)]);
    add_dhcp6(capture, SERVER6, CLIENT6, &truncated_ntp);
    // An option longer than the rest of the message, an unknown message type, a message of two bytes.
    let overlong = [message6(SOLICIT, &[client_duid()]), vec![0, 8, 0, 9, 0]].concat();
    add_dhcp6(capture, CLIENT6, AGENTS, &overlong);
    add_dhcp6(capture, CLIENT6, AGENTS, &message6(99, &[elapsed(7)]));
    add_dhcp6(capture, CLIENT6, AGENTS, &[1, 0]);
    add_dhcp6(capture, CLIENT6, AGENTS, &message6(SOLICIT, &[]));
    // Datagrams whose length field ends them early: inside a relay's header, which tcpdump reads whole, and
    // inside a name, which it reads on.
    let udp_length = 14 + 40 + 4;
    let relayed = relay6(RELAY_FORWARD, 0, &[option6(INTERFACE_ID, b"eth0")]);
    let names = message6(REPLY6, &[option6(DOMAIN_LIST, b"\x07example"), option6(200, b"\x03com\x00")]);
    for (message, claimed) in [(relayed, 20u16), (names, 16)] {
        let mut frame = frame6(SERVER6, RELAY6, &message);
        frame[udp_length..udp_length + 2].copy_from_slice(&(8 + claimed).to_be_bytes());
        capture.add(frame);
    }
}

/// Datagrams between a DHCPv6 port and ports of printers tcpdump tries before or after DHCPv6's.
fn add_dhcp6_neighbours(capture: &mut Capture) {
    let solicit = message6(SOLICIT, &[elapsed(0)]);
    // 521 (RIPng), 3784 (BFD, by its destination port only) and 5353 (mDNS) belong to printers of their own too.
    for port in [53, 67, 123, 514, 5060, 4789, 521, 3784, 5353] {
        capture.add(frame6(CLIENT6, End { port, ..SERVER6 }, &solicit));
    }
    capture.add(frame6(End { port: 3784, ..CLIENT6 }, SERVER6, &solicit));
}

/// Relays around relays (over 500 deep), and options inside options (5000 deep): a printer that recursed for
/// each would run out of a thread's stack. (Datagrams three times as large nest deeper still, but would slow
/// the tests that print every packet many times.)
fn add_dhcp6_deep(capture: &mut Capture) {
    const MAX_MESSAGE_LEN: usize = 20_000;
    let mut relayed = message6(SOLICIT, &[elapsed(0)]);
    loop {
        let outer = relay6(RELAY_FORWARD, 0, &[option6(RELAY_MESSAGE, &relayed)]);
        if outer.len() > MAX_MESSAGE_LEN {
            break;
        }
        relayed = outer;
    }
    capture.add(frame6(RELAY6, SERVER6, &relayed));
    let mut client_data = elapsed(0);
    while client_data.len() + 8 <= MAX_MESSAGE_LEN {
        client_data = option6(CLIENT_DATA, &client_data);
    }
    capture.add(frame6(SERVER6, RELAY6, &message6(15, &[client_data])));
}
