//! Netlink dump requests: the kernel's lists of sockets (sock_diag) and of network interfaces (rtnetlink), read
//! in the caller's network namespace. The socket is made per dump, so it belongs to whichever namespace the
//! caller is in (`Netns::within`).

use std::io;

use netlink_packet_core::{
    NLM_F_DUMP, NLM_F_REQUEST, NetlinkBuffer, NetlinkDeserializable, NetlinkHeader, NetlinkMessage, NetlinkPayload,
    NetlinkSerializable,
};
use netlink_sys::Socket;

/// Sends `request` as a dump request on a socket of `protocol` (netlink_sys::protocols) and hands each answer to
/// `each` until the kernel says the dump is done.
pub fn dump<T>(protocol: isize, request: T, mut each: impl FnMut(T)) -> io::Result<()>
where
    T: NetlinkSerializable + NetlinkDeserializable,
{
    let socket = Socket::new(protocol)?;
    let mut header = NetlinkHeader::default();
    header.flags = NLM_F_REQUEST | NLM_F_DUMP;
    let mut message = NetlinkMessage::new(header, NetlinkPayload::InnerMessage(request));
    message.finalize();
    let mut bytes = vec![0u8; message.buffer_len()];
    message.serialize(&mut bytes);
    socket.send(&bytes, 0)?;
    let mut buffer = vec![0u8; 32 * 1024];
    loop {
        let received = socket.recv(&mut &mut buffer[..], 0)?;
        if let Dump::Done = read_answers(&buffer[..received], &mut each)? {
            return Ok(());
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Dump {
    Continues,
    Done,
}

/// Hands the answers in one datagram to `each`. An answer the crate cannot read (say, an attribute of a newer
/// kernel it rejects) is skipped: the rest of the list still counts.
fn read_answers<T: NetlinkDeserializable>(datagram: &[u8], each: &mut impl FnMut(T)) -> io::Result<Dump> {
    let mut rest = datagram;
    while !rest.is_empty() {
        let length = NetlinkBuffer::new_checked(rest).map_err(|error| io::Error::other(error.to_string()))?.length();
        let answer = &rest[..length as usize];
        // Messages are 4-byte aligned; the last one's padding may be missing.
        rest = &rest[(length as usize).next_multiple_of(4).min(rest.len())..];
        match NetlinkMessage::<T>::deserialize(answer).map(|message| message.payload) {
            Ok(NetlinkPayload::Done(_)) => return Ok(Dump::Done),
            Ok(NetlinkPayload::Error(error)) => {
                return Err(io::Error::other(format!("the kernel refused the netlink request: {}", error.to_io())));
            }
            Ok(NetlinkPayload::InnerMessage(inner)) => each(inner),
            Ok(_) | Err(_) => {}
        }
    }
    Ok(Dump::Continues)
}

#[cfg(test)]
mod tests {
    use netlink_packet_route::RouteNetlinkMessage;
    use netlink_packet_sock_diag::{SOCK_DIAG_BY_FAMILY, SockDiagMessage};

    use super::*;

    /// A netlink message of `kind` around `payload`, as the kernel sends it.
    fn message(kind: u16, payload: &[u8]) -> Vec<u8> {
        let mut bytes = ((16 + payload.len()) as u32).to_ne_bytes().to_vec();
        bytes.extend_from_slice(&kind.to_ne_bytes());
        bytes.extend_from_slice(&[0; 10]);
        bytes.extend_from_slice(payload);
        bytes.resize(bytes.len().next_multiple_of(4), 0);
        bytes
    }

    fn done() -> Vec<u8> {
        message(libc::NLMSG_DONE as u16, &[0; 4])
    }

    #[test]
    fn a_zero_length_attribute_ends_the_message_not_the_loop() {
        const RTM_NEWLINK: u16 = 16;
        // ifinfomsg, then an attribute whose length says 0.
        let mut link = vec![0u8; 16];
        link.extend_from_slice(&[0, 0, 3, 0]);
        let datagram = [message(RTM_NEWLINK, &link), done()].concat();
        let mut links = Vec::new();
        let dump = read_answers::<RouteNetlinkMessage>(&datagram, &mut |link| links.push(link)).unwrap();
        assert_eq!((dump, links), (Dump::Done, vec![]));
    }

    #[test]
    fn a_short_sock_diag_answer_is_skipped() {
        // An inet_diag_msg cut off inside its socket id, after which the dump goes on.
        let short = message(SOCK_DIAG_BY_FAMILY, &[libc::AF_INET as u8, 10, 0, 0, 0, 80]);
        let mut sockets = Vec::new();
        let dump = read_answers::<SockDiagMessage>(&short, &mut |socket| sockets.push(socket)).unwrap();
        assert_eq!((dump, sockets), (Dump::Continues, vec![]));
    }

    #[test]
    fn a_kernel_error_is_an_error() {
        let mut refusal = (-libc::EPERM).to_ne_bytes().to_vec();
        refusal.extend_from_slice(&[0; 16]);
        let error = read_answers::<SockDiagMessage>(&message(libc::NLMSG_ERROR as u16, &refusal), &mut |_| {});
        assert!(error.unwrap_err().to_string().starts_with("the kernel refused the netlink request: "));
    }
}
