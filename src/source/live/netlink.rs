//! Netlink dump requests: the kernel's lists of sockets (sock_diag) and of network interfaces (rtnetlink), read
//! in the caller's network namespace.

use std::{
    io,
    mem::size_of,
    os::fd::{AsRawFd, FromRawFd, OwnedFd},
};

const HEADER_LEN: usize = 16;

/// Sends `request` (the payload after the netlink header) as a dump request of message type `kind` on a socket of
/// `protocol`, and hands each answer's payload to `each` until the kernel says the dump is done.
pub fn dump(protocol: libc::c_int, kind: u16, request: &[u8], mut each: impl FnMut(&[u8])) -> io::Result<()> {
    // SAFETY: plain socket(2); the fd is owned right away.
    let fd = unsafe { libc::socket(libc::AF_NETLINK, libc::SOCK_RAW | libc::SOCK_CLOEXEC, protocol) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fd is a fresh socket nobody else owns.
    let socket = unsafe { OwnedFd::from_raw_fd(fd) };
    let mut message = Vec::with_capacity(HEADER_LEN + request.len());
    message.extend_from_slice(&((HEADER_LEN + request.len()) as u32).to_ne_bytes());
    message.extend_from_slice(&kind.to_ne_bytes());
    message.extend_from_slice(&((libc::NLM_F_REQUEST | libc::NLM_F_DUMP) as u16).to_ne_bytes());
    message.extend_from_slice(&1u32.to_ne_bytes()); // sequence number
    message.extend_from_slice(&0u32.to_ne_bytes()); // port: the kernel
    message.extend_from_slice(request);
    // SAFETY: message is a readable buffer of the length given.
    if unsafe { libc::send(socket.as_raw_fd(), message.as_ptr().cast(), message.len(), 0) } < 0 {
        return Err(io::Error::last_os_error());
    }
    let mut buffer = vec![0u8; 32 * 1024];
    loop {
        // SAFETY: buffer is writable for its whole length.
        let received = unsafe { libc::recv(socket.as_raw_fd(), buffer.as_mut_ptr().cast(), buffer.len(), 0) };
        if received < 0 {
            return Err(io::Error::last_os_error());
        }
        let mut messages = &buffer[..received as usize];
        while messages.len() >= HEADER_LEN {
            let length = u32::from_ne_bytes(messages[0..4].try_into().expect("4 bytes")) as usize;
            let answer = u16::from_ne_bytes(messages[4..6].try_into().expect("2 bytes"));
            if length < HEADER_LEN || length > messages.len() {
                return Ok(());
            }
            match i32::from(answer) {
                libc::NLMSG_DONE => return Ok(()),
                libc::NLMSG_ERROR => return Err(io::Error::other("the kernel refused the netlink request")),
                _ => each(&messages[HEADER_LEN..length]),
            }
            messages = messages.get((length + 3) & !3..).unwrap_or_default();
        }
    }
}

/// Bytes of a plain C struct, for a request payload.
pub fn bytes_of<T: Copy>(value: &T) -> &[u8] {
    // SAFETY: T is a plain-data request struct without padding that matters; reading its bytes is sound.
    unsafe { std::slice::from_raw_parts((value as *const T).cast(), size_of::<T>()) }
}
