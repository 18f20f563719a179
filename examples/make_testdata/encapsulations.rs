//! Encapsulations: PPP over Ethernet, its discovery and a session's negotiation (LCP, PAP, CHAP, IPCP, IP6CP),
//! then IP inside; IPsec's ESP and AH and IPComp over IPv4 and IPv6; an L2TP tunnel's setup and a session's
//! data. Malformed lengths, and each packet cut at
//! every length from the encapsulation's header on.

use super::*;

const ETHERTYPE_PPPOE_DISCOVERY: u16 = 0x8863;
const ETHERTYPE_PPPOE_SESSION: u16 = 0x8864;
const ETHERTYPE_PPPOE_DISCOVERY_OLD: u16 = 0x3c12;
const ETHERTYPE_PPPOE_SESSION_OLD: u16 = 0x3c13;
const ETHERNET_HEADER_LEN: usize = 14;
const SESSION: u16 = 0x0011;

// PPPoE codes (RFC 2516).
const PADI: u8 = 0x09;
const PADO: u8 = 0x07;
const PADR: u8 = 0x19;
const PADS: u8 = 0x65;
const PADT: u8 = 0xa7;
const SESSION_DATA: u8 = 0;

// PPPoE tags.
const SERVICE_NAME: u16 = 0x0101;
const AC_NAME: u16 = 0x0102;
const HOST_UNIQ: u16 = 0x0103;
const AC_COOKIE: u16 = 0x0104;
const VENDOR_SPECIFIC: u16 = 0x0105;
const RELAY_SESSION_ID: u16 = 0x0110;
const PPP_MAX_PAYLOAD: u16 = 0x0120;
const GENERIC_ERROR: u16 = 0x0203;

// PPP protocols.
const PPP_IP: u16 = 0x0021;
const PPP_IPV6: u16 = 0x0057;
const PPP_MULTILINK: u16 = 0x003d;
const PPP_COMPRESSED: u16 = 0x00fd;
const PPP_IPCP: u16 = 0x8021;
const PPP_IP6CP: u16 = 0x8057;
const PPP_MPLSCP: u16 = 0x8281;
const PPP_CCP: u16 = 0x80fd;
const PPP_LCP: u16 = 0xc021;
const PPP_BACP: u16 = 0xc02b;
const PPP_PAP: u16 = 0xc023;
const PPP_CHAP: u16 = 0xc223;

// Control protocol codes (RFC 1661, RFC 1570, RFC 1962).
const CONF_REQUEST: u8 = 1;
const CONF_ACK: u8 = 2;
const CONF_NAK: u8 = 3;
const CONF_REJECT: u8 = 4;
const TERM_REQUEST: u8 = 5;
const TERM_ACK: u8 = 6;
const CODE_REJECT: u8 = 7;
const PROTOCOL_REJECT: u8 = 8;
const ECHO_REQUEST: u8 = 9;
const ECHO_REPLY: u8 = 10;
const DISCARD_REQUEST: u8 = 11;
const IDENTIFICATION: u8 = 12;
const TIME_REMAINING: u8 = 13;
const RESET_REQUEST: u8 = 14;

const MAGIC: [u8; 4] = [0x5a, 0x3c, 0x99, 0x01];
const PEER_MAGIC: [u8; 4] = [0x11, 0x22, 0x33, 0x44];

pub(super) fn captures() -> [(&'static str, Capture); 3] {
    [("pppoe.pcap", pppoe_capture()), ("ipsec.pcap", ipsec_capture()), ("l2tp.pcap", l2tp_capture())]
}

fn pppoe(code: u8, session: u16, payload: &[u8]) -> Vec<u8> {
    let mut packet = vec![0x11, code];
    packet.extend_from_slice(&session.to_be_bytes());
    packet.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    packet.extend_from_slice(payload);
    packet
}

fn tag(kind: u16, value: &[u8]) -> Vec<u8> {
    [&kind.to_be_bytes()[..], &(value.len() as u16).to_be_bytes(), value].concat()
}

/// A PPP frame with address and control fields, as PPPoE carries them without (RFC 2516 leaves them out; some
/// implementations keep them).
fn ppp(protocol: u16, payload: &[u8]) -> Vec<u8> {
    [&protocol.to_be_bytes()[..], payload].concat()
}

/// A control protocol packet: code, identifier, length, data.
fn control(code: u8, id: u8, data: &[u8]) -> Vec<u8> {
    [&[code, id][..], &((data.len() + 4) as u16).to_be_bytes(), data].concat()
}

fn option(kind: u8, value: &[u8]) -> Vec<u8> {
    [&[kind, value.len() as u8 + 2][..], value].concat()
}

/// A session frame from the client (A) to the access concentrator (B), or back.
fn session_frame(from_client: bool, ppp_frame: &[u8]) -> Vec<u8> {
    let (destination, source) = if from_client { (MAC_B, MAC_A) } else { (MAC_A, MAC_B) };
    ethernet(destination, source, ETHERTYPE_PPPOE_SESSION, &pppoe(SESSION_DATA, SESSION, ppp_frame))
}

/// Adds the frame, and copies cut at every length from the PPPoE header on.
fn add_with_cuts(capture: &mut Capture, frame: Vec<u8>) {
    for captured in ETHERNET_HEADER_LEN..frame.len() {
        capture.add_cut(&frame, captured);
    }
    capture.add(frame);
}

fn pppoe_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    add_discovery(&mut capture);
    add_lcp(&mut capture);
    add_authentication(&mut capture);
    add_network_control(&mut capture);
    add_session_data(&mut capture);
    capture
}

/// Discovery: PADI, PADO, PADR, PADS, PADT with their tags, then malformed ones.
fn add_discovery(capture: &mut Capture) {
    let host_uniq = tag(HOST_UNIQ, &[0x0a, 0x0b, 0x0c, 0x0d]);
    let cookie = tag(AC_COOKIE, &[0x9f, 0x01, 0x22, 0x83, 0x44, 0xe5, 0x06, 0x07, 0x18, 0x29, 0xaa, 0xbb]);
    let service = tag(SERVICE_NAME, b"internet");
    let padi = pppoe(PADI, 0, &[tag(SERVICE_NAME, b""), host_uniq.clone()].concat());
    add_with_cuts(capture, padded(ethernet(BROADCAST, MAC_A, ETHERTYPE_PPPOE_DISCOVERY, &padi)));
    let pado_tags = [tag(AC_NAME, b"isp-bras-01"), service.clone(), cookie.clone(), host_uniq.clone()].concat();
    let pado = pppoe(PADO, 0, &pado_tags);
    add_with_cuts(capture, ethernet(MAC_A, MAC_B, ETHERTYPE_PPPOE_DISCOVERY, &pado));
    let padr = pppoe(PADR, 0, &[service.clone(), host_uniq.clone(), cookie].concat());
    capture.add(eth(ETHERTYPE_PPPOE_DISCOVERY, &padr));
    let pads = pppoe(PADS, SESSION, &[service.clone(), host_uniq.clone()].concat());
    capture.add(ethernet(MAC_A, MAC_B, ETHERTYPE_PPPOE_DISCOVERY, &pads));
    let padt = pppoe(PADT, SESSION, &tag(GENERIC_ERROR, b"session closed by \x01admin\x7f"));
    add_with_cuts(capture, padded(eth(ETHERTYPE_PPPOE_DISCOVERY, &padt)));

    // Other tags: vendor data, relay, payload size, one of no known type, an end of list with tags after it,
    // text with as many unprintable bytes as printable ones, long text.
    let vendor = tag(VENDOR_SPECIFIC, &[0, 0, 0x0d, 0xe9, 1, 2, 3, 4]);
    let odd = [
        vendor,
        tag(RELAY_SESSION_ID, &[0, 0, 0, 7]),
        tag(PPP_MAX_PAYLOAD, &1500u16.to_be_bytes()),
        tag(0x0999, b"x"),
        tag(0x0202, b"ab\x00\x01"),
        tag(0x0201, b"abc\x00\x01"),
        tag(0x0102, &[b'n'; 100]),
        tag(0, b""),
        tag(SERVICE_NAME, b"after the end"),
    ];
    capture.add(eth(ETHERTYPE_PPPOE_DISCOVERY, &pppoe(PADI, 0, &odd.concat())));
    // An unknown code, another version and type, a PADI longer than allowed, a length beyond the frame, a tag
    // whose value runs past the length, a header alone, a frame too short for the header.
    capture.add(eth(ETHERTYPE_PPPOE_DISCOVERY, &pppoe(0x42, 0x1234, &service)));
    let mut other_version = pppoe(PADI, 0, &service);
    other_version[0] = 0x23;
    capture.add(eth(ETHERTYPE_PPPOE_DISCOVERY, &other_version));
    let mut long_padi = pppoe(PADI, 0, &tag(SERVICE_NAME, &[b's'; 1480]));
    capture.add(eth(ETHERTYPE_PPPOE_DISCOVERY, &long_padi));
    long_padi[4..6].copy_from_slice(&1600u16.to_be_bytes());
    capture.add(eth(ETHERTYPE_PPPOE_DISCOVERY, &long_padi));
    let mut overlong = pppoe(PADO, 0, &service);
    overlong[5] += 10;
    capture.add(eth(ETHERTYPE_PPPOE_DISCOVERY, &overlong));
    let mut past_length = pppoe(PADR, 0, &[service.clone(), host_uniq].concat());
    past_length[5] = 14;
    capture.add(eth(ETHERTYPE_PPPOE_DISCOVERY, &past_length));
    capture.add(eth(ETHERTYPE_PPPOE_DISCOVERY, &pppoe(PADT, 1, &[])));
    capture.add(eth(ETHERTYPE_PPPOE_DISCOVERY, &[0x11, PADI, 0, 0]));
    // The types used before the standard ones.
    capture.add(eth(ETHERTYPE_PPPOE_DISCOVERY_OLD, &pppoe(PADI, 0, &service)));
    let echo = control(ECHO_REQUEST, 1, &MAGIC);
    let old_session = pppoe(SESSION_DATA, SESSION, &ppp(PPP_LCP, &echo));
    capture.add(eth(ETHERTYPE_PPPOE_SESSION_OLD, &old_session));
}

/// LCP: the negotiation, echoes, termination, and the other codes; malformed options.
fn add_lcp(capture: &mut Capture) {
    let mru = option(1, &1492u16.to_be_bytes());
    let chap_md5 = option(3, &[0xc2, 0x23, 5]);
    let magic = option(5, &MAGIC);
    let request = control(CONF_REQUEST, 1, &[mru.clone(), chap_md5.clone(), magic.clone()].concat());
    add_with_cuts(capture, session_frame(false, &ppp(PPP_LCP, &request)));
    let client_options = [
        mru.clone(),
        option(2, &[0, 0, 0, 0]),
        option(5, &PEER_MAGIC),
        option(7, &[]),
        option(8, &[]),
        option(3, &[0xc0, 0x23]),
        option(4, &[0xc0, 0x25, 0, 0, 0, 10]),
        option(13, &[6]),
        option(17, &1600u16.to_be_bytes()),
        option(19, &[3, 2, 0x42, 0xac, 0x11, 0, 2]),
        option(19, &[2, 10, 0, 0, 1]),
        option(19, &[1, 1, 2]),
        option(23, &[0, 9]),
        option(9, &[2]),
    ];
    add_with_cuts(capture, session_frame(true, &ppp(PPP_LCP, &control(CONF_REQUEST, 1, &client_options.concat()))));
    let nak = control(CONF_NAK, 1, &[option(3, &[0xc0, 0x23]), option(3, &[0xc2, 0x23, 0x81])].concat());
    capture.add(session_frame(false, &ppp(PPP_LCP, &nak)));
    let reject = control(CONF_REJECT, 1, &[option(7, &[]), option(8, &[]), option(13, &[6])].concat());
    capture.add(session_frame(false, &ppp(PPP_LCP, &reject)));
    capture.add(session_frame(true, &ppp(PPP_LCP, &control(CONF_ACK, 1, &request[4..]))));
    let echo_request = control(ECHO_REQUEST, 7, &MAGIC);
    capture.add(session_frame(false, &ppp(PPP_LCP, &echo_request)));
    let echo_reply = control(ECHO_REPLY, 7, &[&PEER_MAGIC[..], b"trailing data here"].concat());
    add_with_cuts(capture, session_frame(true, &ppp(PPP_LCP, &echo_reply)));
    capture.add(session_frame(true, &ppp(PPP_LCP, &control(DISCARD_REQUEST, 8, &PEER_MAGIC))));
    let identification = control(IDENTIFICATION, 9, &[&MAGIC[..], b"ptstat \x80pppd"].concat());
    add_with_cuts(capture, session_frame(false, &ppp(PPP_LCP, &identification)));
    let time = control(TIME_REMAINING, 10, &[&MAGIC[..], &3600u32.to_be_bytes()].concat());
    capture.add(session_frame(false, &ppp(PPP_LCP, &time)));
    let rejected = control(PROTOCOL_REJECT, 11, &[&0x802bu16.to_be_bytes()[..], &[1, 1, 0, 4]].concat());
    add_with_cuts(capture, session_frame(true, &ppp(PPP_LCP, &rejected)));
    let rejected_unknown = control(PROTOCOL_REJECT, 12, &0x4321u16.to_be_bytes());
    capture.add(session_frame(true, &ppp(PPP_LCP, &rejected_unknown)));
    capture.add(session_frame(true, &ppp(PPP_LCP, &control(CODE_REJECT, 13, &[0x30, 1, 0, 4]))));
    capture.add(session_frame(true, &ppp(PPP_LCP, &control(RESET_REQUEST, 14, &[1, 2, 3]))));
    capture.add(session_frame(true, &ppp(PPP_LCP, &control(0x40, 15, &[4, 5]))));
    capture.add(session_frame(true, &ppp(PPP_LCP, &control(TERM_REQUEST, 16, b"bye"))));
    capture.add(session_frame(false, &ppp(PPP_LCP, &control(TERM_ACK, 16, &[]))));
    // Vendor extensions: a code and an option, with an OUI tcpdump names and one it does not, and too short.
    let cisco = [&MAGIC[..], &[0x00, 0x00, 0x0c, 1, 0xab]].concat();
    capture.add(session_frame(true, &ppp(PPP_LCP, &control(0, 18, &cisco))));
    capture.add(session_frame(true, &ppp(PPP_LCP, &control(0, 18, &[&MAGIC[..], &[0x12, 0x34, 0x56]].concat()))));
    capture.add(session_frame(true, &ppp(PPP_LCP, &control(0, 18, &MAGIC))));
    let vendor_options = [option(0, &[0x00, 0x80, 0xc2, 7, 1]), option(0, &[0x12, 0x34, 0x56, 7]), option(0, &[1, 2])];
    let vendor_request = control(CONF_REQUEST, 19, &vendor_options.concat());
    add_with_cuts(capture, session_frame(true, &ppp(PPP_LCP, &vendor_request)));
    // Short forms of the codes that carry data.
    for code in [ECHO_REQUEST, IDENTIFICATION, TIME_REMAINING, PROTOCOL_REJECT] {
        capture.add(session_frame(true, &ppp(PPP_LCP, &control(code, 17, &[1]))));
    }

    // Options with lengths tcpdump complains about, one longer than the rest, one of no known type, one
    // whose length is below its header's, and encoded lengths below the header's and beyond the packet.
    let bogus = [
        option(1, &[5]),
        option(2, &[0, 0]),
        option(3, &[0xc0]),
        option(3, &[0x12, 0x34, 9]),
        option(3, &[0xc2, 0x23]),
    ];
    capture.add(session_frame(true, &ppp(PPP_LCP, &control(CONF_REQUEST, 20, &bogus.concat()))));
    for bogus_option in [
        option(5, &[1, 2]),
        option(4, &[0xc0]),
        option(23, &[1]),
        option(13, &[]),
        option(17, &[1]),
        option(19, &[]),
        option(19, &[2, 1]),
        option(19, &[3, 1]),
        option(19, &[9]),
        option(19, &[0]),
    ] {
        let options = [bogus_option, option(7, &[])].concat();
        capture.add(session_frame(true, &ppp(PPP_LCP, &control(CONF_REQUEST, 21, &options))));
    }
    let mut overrunning = control(CONF_REQUEST, 22, &[mru.clone(), magic.clone()].concat());
    overrunning[4 + 4 + 1] = 7;
    capture.add(session_frame(true, &ppp(PPP_LCP, &overrunning)));
    let unknown = control(CONF_REQUEST, 23, &[option(40, &[1, 2, 3]), option(31, &[]), mru.clone()].concat());
    capture.add(session_frame(true, &ppp(PPP_LCP, &unknown)));
    for short in [[1, 1], [50, 0]] {
        let options = [&short[..], &mru].concat();
        capture.add(session_frame(true, &ppp(PPP_LCP, &control(CONF_REQUEST, 24, &options))));
    }
    let mut short_encoded = control(CONF_REQUEST, 25, &mru);
    short_encoded[3] = 3;
    capture.add(session_frame(true, &ppp(PPP_LCP, &short_encoded)));
    let mut long_encoded = control(CONF_REQUEST, 26, &mru);
    long_encoded[3] = 30;
    capture.add(session_frame(true, &ppp(PPP_LCP, &long_encoded)));
    capture.add(session_frame(true, &ppp(PPP_LCP, &control(CONF_REQUEST, 27, &[]))));
    // A request in a frame with the address and control fields, and padding after a short one.
    let with_address = [&[0xff, 0x03][..], &ppp(PPP_LCP, &request)].concat();
    capture.add(session_frame(false, &with_address));
    capture.add(padded(session_frame(false, &ppp(PPP_LCP, &echo_request))));
    capture.add(session_frame(false, &ppp(PPP_LCP, &[1, 2])));
}

/// PAP and CHAP, well formed and not.
fn add_authentication(capture: &mut Capture) {
    let pap_request = control(1, 1, &[&[4][..], b"user", &[6], b"s\x01cret"].concat());
    add_with_cuts(capture, session_frame(true, &ppp(PPP_PAP, &pap_request)));
    capture.add(session_frame(false, &ppp(PPP_PAP, &control(2, 1, &[&[8][..], b"Login ok"].concat()))));
    capture.add(session_frame(false, &ppp(PPP_PAP, &control(3, 1, &[&[4][..], b"Nope"].concat()))));
    capture.add(session_frame(false, &ppp(PPP_PAP, &control(9, 1, b"xx"))));
    for malformed in [
        control(1, 2, &[1]),
        control(1, 2, &[9, b'a']),
        control(1, 2, &[1, b'a', 5, b'b']),
        control(2, 2, &[]),
        control(2, 2, &[3]),
        vec![1, 2, 0, 3],
        vec![1, 2, 0, 40, 1],
        vec![1, 2],
        vec![],
    ] {
        capture.add(session_frame(false, &ppp(PPP_PAP, &malformed)));
    }
    let challenge = control(1, 1, &[&[8][..], &[1, 2, 3, 4, 5, 6, 7, 0xf8], b"bras"].concat());
    add_with_cuts(capture, session_frame(false, &ppp(PPP_CHAP, &challenge)));
    let response = control(2, 1, &[&[4][..], &[0xde, 0xad, 0xbe, 0xef], b"user"].concat());
    capture.add(session_frame(true, &ppp(PPP_CHAP, &response)));
    capture.add(session_frame(false, &ppp(PPP_CHAP, &control(3, 1, b"Welcome"))));
    capture.add(session_frame(false, &ppp(PPP_CHAP, &control(4, 1, b"E=691"))));
    capture.add(session_frame(false, &ppp(PPP_CHAP, &control(5, 1, b"??"))));
    for malformed in [control(1, 2, &[]), control(1, 2, &[9, 1]), vec![3, 2, 0, 2, b'a', b'b'], vec![1, 2], vec![]] {
        capture.add(session_frame(false, &ppp(PPP_CHAP, &malformed)));
    }
}

/// IPCP and IP6CP, and a control protocol tcpdump prints only the header of.
fn add_network_control(capture: &mut Capture) {
    let request = [option(3, &[0, 0, 0, 0]), option(129, &[0, 0, 0, 0]), option(131, &[0, 0, 0, 0])].concat();
    add_with_cuts(capture, session_frame(true, &ppp(PPP_IPCP, &control(CONF_REQUEST, 1, &request))));
    let nak = [option(3, &IP_A), option(129, &[192, 0, 2, 53]), option(131, &[192, 0, 2, 54])].concat();
    capture.add(session_frame(false, &ppp(PPP_IPCP, &control(CONF_NAK, 1, &nak))));
    let others = [
        option(1, &[IP_A, IP_B].concat()),
        option(2, &[0, 0x2d, 15, 1]),
        option(2, &[0, 0x61, 0, 15, 0, 16, 0, 255, 0, 5, 0, 40, 1, 2, 2, 2, 0, 2]),
        option(2, &[0, 0x61, 0, 15, 0, 16, 0, 255, 0, 5, 0, 40, 1, 5]),
        option(2, &[0x12, 0x34]),
        option(4, &IP_C),
        option(130, &IP_B),
        option(132, &IP_B),
        option(99, &[7, 7]),
    ];
    add_with_cuts(capture, session_frame(false, &ppp(PPP_IPCP, &control(CONF_REQUEST, 2, &others.concat()))));
    for bogus in [option(1, &IP_A), option(3, &[1]), option(2, &[0]), option(2, &[0, 0x61, 0, 1])] {
        let options = [bogus, option(3, &IP_B)].concat();
        capture.add(session_frame(true, &ppp(PPP_IPCP, &control(CONF_REQUEST, 3, &options))));
    }
    capture.add(session_frame(true, &ppp(PPP_IPCP, &control(CONF_ACK, 1, &nak))));
    let interface_id = option(1, &[0x02, 0x42, 0xac, 0xff, 0xfe, 0x11, 0x00, 0x02]);
    let ip6cp = control(CONF_REQUEST, 1, &[interface_id, option(2, &[0, 0x4f])].concat());
    add_with_cuts(capture, session_frame(true, &ppp(PPP_IP6CP, &ip6cp)));
    capture.add(session_frame(
        true,
        &ppp(PPP_IP6CP, &control(CONF_REQUEST, 2, &[option(1, &[1, 2]), option(1, &[])].concat())),
    ));
    capture.add(session_frame(true, &ppp(PPP_MPLSCP, &control(CONF_REQUEST, 1, &option(1, &[1, 2])))));
    // Compression and bandwidth allocation control.
    let ccp = [
        option(21, &[0x2f]),
        option(24, &[0x65, 3]),
        option(26, &[0x78, 0x05]),
        option(26, &[0x71, 0]),
        option(18, &[0, 0, 0, 1]),
        option(21, &[]),
        option(24, &[1]),
        option(26, &[1]),
        option(99, &[]),
    ];
    add_with_cuts(capture, session_frame(true, &ppp(PPP_CCP, &control(CONF_REQUEST, 1, &ccp.concat()))));
    capture.add(session_frame(true, &ppp(PPP_CCP, &control(RESET_REQUEST, 2, &[]))));
    capture.add(session_frame(true, &ppp(PPP_CCP, &control(CONF_REQUEST, 3, &[1, 1]))));
    let bacp = [option(1, &MAGIC), option(1, &[1]), option(2, &[3])];
    add_with_cuts(capture, session_frame(true, &ppp(PPP_BACP, &control(CONF_REQUEST, 1, &bacp.concat()))));
    capture.add(session_frame(true, &ppp(PPP_BACP, &control(CONF_REQUEST, 2, &[1, 0]))));
    capture.add(session_frame(true, &ppp(PPP_IPCP, &control(TERM_REQUEST, 3, &[]))));
}

/// IP and IPv6 in the session, and the data protocols tcpdump knows without decoding them.
fn add_session_data(capture: &mut Capture) {
    let ping = ipv4(ICMP, &icmp(8, 0, echo(0x99, 1), &ping_payload()[..16]));
    add_with_cuts(capture, session_frame(true, &ppp(PPP_IP, &ping)));
    let ping6 = ipv6(ICMPV6, &icmp6(IP6_A, IP6_B, 128, 0, echo(0x99, 2), &[]));
    capture.add(session_frame(true, &ppp(PPP_IPV6, &ping6)));
    // The protocol number compressed to one byte, and a frame with pppd's direction byte.
    capture.add(session_frame(true, &[&[0x21][..], &ping].concat()));
    capture.add(session_frame(true, &[&[0x01, 0x03][..], &ppp(PPP_IP, &ping)].concat()));
    capture.add(session_frame(true, &ppp(PPP_MULTILINK, &[0x80, 0x12, 1, 2])));
    capture.add(session_frame(true, &ppp(PPP_MULTILINK, &[0x41])));
    capture.add(session_frame(true, &ppp(PPP_COMPRESSED, &[1, 2, 3])));
    capture.add(session_frame(true, &ppp(0x0031, &[1, 2, 3])));
    capture.add(session_frame(true, &ppp(0x4243, &[1, 2, 3])));
    capture.add(session_frame(true, &ppp(0xc02d, &[1, 2, 3])));
    capture.add(session_frame(true, &[0x21]));
}

const ESP: u8 = 50;
const AH: u8 = 51;
const IPCOMP: u8 = 108;
const IPV4_HEADER_LEN: usize = 20;
const IPV6_HEADER_LEN: usize = 40;

/// An ESP packet: SPI, sequence number, then `encrypted` standing for the IV, ciphertext and ICV.
fn esp(spi: u32, sequence: u32, encrypted: &[u8]) -> Vec<u8> {
    [&spi.to_be_bytes()[..], &sequence.to_be_bytes(), encrypted].concat()
}

/// An authentication header with a 12-byte ICV (HMAC-SHA1-96), protecting `payload` of `next_header`.
fn ah(next_header: u8, spi: u32, sequence: u32, payload: &[u8]) -> Vec<u8> {
    let icv = [0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x07, 0x18, 0x29, 0x3a, 0x4b, 0x5c];
    let words = ((12 + icv.len()) / 4 - 2) as u8;
    [&[next_header, words, 0, 0][..], &spi.to_be_bytes(), &sequence.to_be_bytes(), &icv, payload].concat()
}

/// Adds the frame, and copies cut at every length from `from` on.
fn add_with_cuts_from(capture: &mut Capture, frame: Vec<u8>, from: usize) {
    for captured in from..frame.len() {
        capture.add_cut(&frame, captured);
    }
    capture.add(frame);
}

fn ipsec_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let encrypted: Vec<u8> = (0..48u8).map(|byte| byte.wrapping_mul(37)).collect();
    let ipv4_start = ETHERNET_HEADER_LEN + IPV4_HEADER_LEN;
    let ipv6_start = ETHERNET_HEADER_LEN + IPV6_HEADER_LEN;
    add_with_cuts_from(&mut capture, eth4(&ipv4(ESP, &esp(0x1001, 1, &encrypted))), ipv4_start);
    capture.add(eth6(&ipv6(ESP, &esp(0x2002, 0x8000_0000, &encrypted))));
    capture.add(eth4(&ipv4(ESP, &esp(0x1001, 2, &[]))));
    capture.add(eth4(&ipv4(ESP, &esp(0x1001, 3, &[9]))));

    let segment = Segment::new(40000, 40001, 1, 0, SYN).bytes(Hosts::V4(IP_A, IP_B));
    add_with_cuts_from(&mut capture, eth4(&ipv4(AH, &ah(TCP, 0x3003, 1, &segment))), ipv4_start);
    let datagram = udp_datagram(Hosts::V6(IP6_A, IP6_B), 40000, 40001, b"payload");
    add_with_cuts_from(&mut capture, eth6(&ipv6(AH, &ah(UDP, 0x4004, 7, &datagram))), ipv6_start);
    let ping = icmp(8, 0, echo(0x31, 1), &ping_payload()[..8]);
    capture.add(eth4(&ipv4(AH, &ah(ICMP, 0x3003, 2, &ping))));
    // AH around ESP, around AH, with a reserved field set, with lengths of no ICV and beyond the packet.
    capture.add(eth4(&ipv4(AH, &ah(ESP, 0x3003, 3, &esp(0x1001, 4, &encrypted)))));
    capture.add(eth4(&ipv4(AH, &ah(AH, 0x3003, 4, &ah(ICMP, 0x5005, 1, &ping)))));
    let mut reserved = ah(ICMP, 0x3003, 5, &ping);
    reserved[3] = 0x42;
    capture.add(eth4(&ipv4(AH, &reserved)));
    let mut no_icv = ah(ICMP, 0x3003, 6, &ping);
    no_icv[1] = 1;
    capture.add(eth4(&ipv4(AH, &no_icv)));
    let mut too_long = ah(UDP, 0x3003, 7, &[1, 2, 3, 4]);
    too_long[1] = 20;
    capture.add(eth4(&ipv4(AH, &too_long)));
    capture.add(eth4(&ipv4(AH, &ah(IPCOMP, 0x3003, 8, &[4, 0, 0x12, 0x34, 1, 2, 3]))));
    capture.add(eth4(&ipv4(AH, &ah(99, 0x3003, 9, &[1, 2, 3]))));

    add_with_cuts_from(&mut capture, eth4(&ipv4(IPCOMP, &[4, 0, 0x12, 0x34, 0x55, 0x66, 0x77])), ipv4_start);
    capture.add(eth6(&ipv6(IPCOMP, &[41, 0, 0x00, 0x02, 0x55, 0x66, 0x77])));
    capture
}

const L2TP_PORT: u16 = 1701;
const L2TP_CONTROL: u16 = 0xc802;
const L2TP_DATA: u16 = 0x0002;
const UDP_HEADER_LEN: usize = 8;
const NTP_PORT: u16 = 123;
const RIPNG_PORT: u16 = 521;

/// An L2TP header with `flags` (and version 2), its length when the flags ask for it, the tunnel and session,
/// sequence numbers when asked for, then `payload`.
fn l2tp(flags: u16, tunnel: u16, session: u16, sequence: (u16, u16), payload: &[u8]) -> Vec<u8> {
    let mut message = flags.to_be_bytes().to_vec();
    let length_at = message.len();
    if flags & 0x4000 != 0 {
        message.extend_from_slice(&[0, 0]);
    }
    message.extend_from_slice(&tunnel.to_be_bytes());
    message.extend_from_slice(&session.to_be_bytes());
    if flags & 0x0800 != 0 {
        message.extend_from_slice(&sequence.0.to_be_bytes());
        message.extend_from_slice(&sequence.1.to_be_bytes());
    }
    message.extend_from_slice(payload);
    if flags & 0x4000 != 0 {
        let len = message.len() as u16;
        message[length_at..length_at + 2].copy_from_slice(&len.to_be_bytes());
    }
    message
}

/// A mandatory IETF AVP.
fn avp(attribute: u16, value: &[u8]) -> Vec<u8> {
    avp_with(0x8000, 0, attribute, value)
}

fn avp_with(flags: u16, vendor: u16, attribute: u16, value: &[u8]) -> Vec<u8> {
    let header = flags | (value.len() + 6) as u16;
    [&header.to_be_bytes()[..], &vendor.to_be_bytes(), &attribute.to_be_bytes(), value].concat()
}

fn message_type(kind: u16) -> Vec<u8> {
    avp(0, &kind.to_be_bytes())
}

/// A control message from the LAC (A) to the LNS (B), or back.
fn l2tp_frame(from_lac: bool, source_port: u16, message: &[u8]) -> Vec<u8> {
    let hosts = if from_lac { Hosts::V4(IP_A, IP_B) } else { Hosts::V4(IP_B, IP_A) };
    eth4(&hosts.packet(UDP, &udp_datagram(hosts, source_port, L2TP_PORT, message)))
}

fn l2tp_capture() -> Capture {
    let mut capture = Capture::new(DataLink::ETHERNET);
    let start = ETHERNET_HEADER_LEN + IPV4_HEADER_LEN + UDP_HEADER_LEN;
    let sccrq = [
        message_type(1),
        avp(2, &[1, 0]),
        avp(7, b"lac.example"),
        avp(3, &[0, 0, 0, 3]),
        avp(4, &[0, 0, 0, 3]),
        avp_with(0, 0, 6, &[0x06, 0x90]),
        avp_with(0, 0, 8, b"ptstat"),
        avp(9, &[0, 5]),
        avp(10, &[0, 8]),
        avp(5, &[1, 2, 3, 4, 5, 6, 7, 8]),
        avp(11, &[0xaa, 0xbb, 0xcc, 0xdd]),
    ]
    .concat();
    add_with_cuts_from(&mut capture, l2tp_frame(true, L2TP_PORT, &l2tp(L2TP_CONTROL, 0, 0, (0, 0), &sccrq)), start);
    let sccrp = [message_type(2), avp(2, &[1, 0]), avp(7, b"lns"), avp(9, &[0, 7]), avp(13, &[0x5a; 16])].concat();
    capture.add(l2tp_frame(false, L2TP_PORT, &l2tp(L2TP_CONTROL, 5, 0, (0, 1), &sccrp)));
    capture.add(l2tp_frame(true, L2TP_PORT, &l2tp(L2TP_CONTROL, 7, 0, (1, 1), &message_type(3))));
    capture.add(l2tp_frame(false, L2TP_PORT, &l2tp(L2TP_CONTROL, 5, 0, (1, 2), &[])));
    let icrq = [
        message_type(10),
        avp(14, &[0, 9]),
        avp(15, &[0, 0, 0, 42]),
        avp(18, &[0, 0, 0, 2]),
        avp(21, b"5551234"),
        avp(22, b"5550000"),
        avp(23, b"sub"),
        avp(25, &[0, 0, 0, 1]),
    ]
    .concat();
    add_with_cuts_from(&mut capture, l2tp_frame(true, L2TP_PORT, &l2tp(L2TP_CONTROL, 7, 0, (2, 2), &icrq)), start);
    let icrp = [message_type(11), avp(14, &[0, 3])].concat();
    capture.add(l2tp_frame(false, L2TP_PORT, &l2tp(L2TP_CONTROL, 5, 9, (2, 3), &icrp)));
    let lcp_request = [0xc0, 0x21, 1, 1, 0, 8, 1, 4, 0x05, 0xd4];
    let iccn = [
        message_type(12),
        avp(24, &[0, 0x98, 0x96, 0x80]),
        avp(38, &[0, 0x98, 0x96, 0x80]),
        avp(19, &[0, 0, 0, 1]),
        avp(26, &lcp_request[2..]),
        avp(27, &lcp_request[2..]),
        avp(28, &lcp_request[2..]),
        avp(29, &[0, 2]),
        avp(30, b"user"),
        avp(31, &[1, 2, 3]),
        avp(32, &[0, 7]),
        avp(33, &[4, 5, 6]),
        avp(16, &[0, 0, 0x25, 0x80]),
        avp(17, &[0, 0x98, 0x96, 0x80]),
        avp(20, &[0, 1]),
        avp(37, b"group"),
        avp(39, &[]),
        avp(36, &[9, 8]),
    ]
    .concat();
    add_with_cuts_from(&mut capture, l2tp_frame(true, L2TP_PORT, &l2tp(L2TP_CONTROL, 7, 3, (3, 3), &iccn)), start);
    capture.add(l2tp_frame(false, L2TP_PORT, &l2tp(L2TP_CONTROL, 5, 0, (3, 4), &message_type(6))));
    // Data: PPP inside, with and without the sequence numbers and the length, with an offset and priority.
    let ping = ipv4(ICMP, &icmp(8, 0, echo(0x42, 1), &ping_payload()[..8]));
    let ppp_ip = [&[0xff, 0x03, 0x00, 0x21][..], &ping].concat();
    add_with_cuts_from(&mut capture, l2tp_frame(true, L2TP_PORT, &l2tp(L2TP_DATA, 5, 3, (0, 0), &ppp_ip)), start);
    capture.add(l2tp_frame(
        true,
        L2TP_PORT,
        &l2tp(L2TP_DATA | 0x4800, 5, 3, (4, 0), &[&[0xff, 0x03][..], &lcp_request].concat()),
    ));
    capture.add(l2tp_frame(
        true,
        L2TP_PORT,
        &l2tp(L2TP_DATA | 0x0300, 5, 3, (0, 0), &[&[0, 2, 0xee, 0xee][..], &ppp_ip].concat()),
    ));
    capture.add(l2tp_frame(true, L2TP_PORT, &l2tp(L2TP_DATA | 0x0200, 5, 3, (0, 0), &[0, 9, 1])));
    capture.add(l2tp_frame(true, L2TP_PORT, &l2tp(L2TP_DATA, 5, 3, (0, 0), &[0x21])));
    capture.add(l2tp_frame(true, L2TP_PORT, &l2tp(L2TP_DATA, 5, 3, (0, 0), &[])));
    // Teardown: result codes with and without error code and message, PPP disconnect causes, Q.931 causes.
    let cdn = [
        message_type(14),
        avp(1, &[0, 3]),
        avp(1, &[0, 2, 0, 6]),
        avp(1, &[0, 2, 0, 6, b'b', b'y', b'e']),
        avp(1, &[0, 2, 1]),
        avp(12, &[0, 16, 2]),
        avp(12, &[0, 16, 2, b'o', b'k']),
        avp(46, &[0, 1, 0xc0, 0x21, 1]),
        avp(46, &[0, 1, 0xc0, 0x21, 7, b'x']),
        avp(14, &[0, 9]),
    ]
    .concat();
    capture.add(l2tp_frame(false, L2TP_PORT, &l2tp(L2TP_CONTROL, 7, 3, (4, 5), &cdn)));
    let errors = [
        message_type(15),
        avp(34, &[0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0, 6]),
        avp(34, &[0, 0, 0, 0, 0, 1]),
        avp(35, &[0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]),
        avp(35, &[0, 0, 1]),
        avp(29, &[0, 9]),
        avp(29, &[0, 5]),
        avp(29, &[0, 0]),
        avp(29, &[0, 1]),
        avp(29, &[0, 3]),
        avp(29, &[0, 4]),
    ]
    .concat();
    capture.add(l2tp_frame(true, L2TP_PORT, &l2tp(L2TP_CONTROL, 5, 3, (5, 5), &errors)));
    capture.add(l2tp_frame(
        true,
        L2TP_PORT,
        &l2tp(L2TP_CONTROL, 5, 0, (6, 5), &[message_type(4), avp(9, &[0, 5]), avp(1, &[0, 1])].concat()),
    ));
    // Short values of every attribute that has a minimum, unknown message types and attributes, hidden and
    // vendor AVPs.
    let short: Vec<u8> =
        [0u16, 1, 2, 3, 4, 5, 6, 9, 10, 12, 13, 14, 15, 16, 17, 18, 19, 24, 25, 29, 32, 34, 35, 38, 46]
            .into_iter()
            .flat_map(|attribute| avp(attribute, &[1]))
            .collect();
    capture.add(l2tp_frame(true, L2TP_PORT, &l2tp(L2TP_CONTROL, 5, 0, (7, 5), &short)));
    let odd = [
        message_type(99),
        message_type(5),
        avp(45, &[1, 2]),
        avp_with(0xc000, 0, 7, b"hidden"),
        avp_with(0x4000, 0, 0, &[0, 1]),
        avp_with(0x8000, 9, 1, &[1, 2, 3]),
        avp_with(0, 0x0137, 0x0102, &[]),
    ]
    .concat();
    capture.add(l2tp_frame(true, L2TP_PORT, &l2tp(L2TP_CONTROL, 5, 0, (8, 5), &odd)));
    // Malformed: AVP lengths below the header's and beyond the message, a control message without length,
    // lengths beyond the datagram and below the header, priority, L2F and unknown versions.
    let mut bad_avp = l2tp(L2TP_CONTROL, 5, 0, (9, 5), &[message_type(6), vec![0x80, 0x04, 0, 0, 0, 0]].concat());
    capture.add(l2tp_frame(true, L2TP_PORT, &bad_avp));
    bad_avp.truncate(bad_avp.len() - 6);
    bad_avp.extend_from_slice(&[0x80, 0x20, 0, 0, 0, 0]);
    capture.add(l2tp_frame(true, L2TP_PORT, &bad_avp));
    capture.add(l2tp_frame(true, L2TP_PORT, &l2tp(0x8802, 5, 0, (9, 5), &message_type(6))));
    let mut too_long = l2tp(L2TP_CONTROL, 5, 0, (9, 5), &message_type(6));
    too_long[3] = 200;
    capture.add(l2tp_frame(true, L2TP_PORT, &too_long));
    let mut too_short = l2tp(L2TP_CONTROL, 5, 0, (9, 5), &message_type(6));
    too_short[3] = 6;
    capture.add(l2tp_frame(true, L2TP_PORT, &too_short));
    capture.add(l2tp_frame(true, L2TP_PORT, &l2tp(0xc902, 5, 0, (9, 5), &message_type(6))));
    capture.add(l2tp_frame(true, L2TP_PORT, &l2tp(0x0001, 5, 0, (0, 0), &[1, 2])));
    capture.add(l2tp_frame(true, L2TP_PORT, &l2tp(0x0003, 5, 0, (0, 0), &[1, 2])));
    // Between L2TP's port and those of the printers next to it in tcpdump's order.
    capture.add(l2tp_frame(true, NTP_PORT, &l2tp(L2TP_CONTROL, 5, 0, (9, 5), &message_type(6))));
    capture.add(l2tp_frame(true, RIPNG_PORT, &l2tp(L2TP_CONTROL, 5, 0, (9, 5), &message_type(6))));
    capture
}
