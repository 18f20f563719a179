//! wb, the LBL whiteboard (tcpdump's print-wb.c), printed when `-T wb` asks for it: ` wb-id: 1/10.0.0.1:7 (max
//! 1/10.0.0.1:7) <10.0.0.2:4> "site"`, ` wb-dop: 10.0.0.1:7<1:3>` and with -v the drawing operations.

use super::{
    Line,
    captured::{Captured, Printed, Truncated},
};

const HEADER_LEN: u32 = 12;
const DRAWING_OPERATIONS: u8 = 0;
const ANNOUNCEMENT: u8 = 1;
const REPAIR_REQUEST: u8 = 2;
const REPAIR_REPLY: u8 = 3;
const KILL: u8 = 4;
const PAGE_REQUEST: u8 = 5;
const PAGE_REPLY: u8 = 7;

const ANNOUNCEMENT_LEN: u32 = 28;
const REPAIR_REQUEST_LEN: u32 = 20;
const REPAIR_REPLY_LEN: u32 = 20;
const PAGE_REQUEST_LEN: u32 = 16;
const PAGE_REPLY_LEN: u32 = 4;
/// A page's id (session and page number) and the first and last sequence numbers of its operations.
const OPERATIONS_HEADER_LEN: u32 = 16;
/// A site's id and sequence offset.
const SITE_OFFSET_LEN: u32 = 8;
/// A page's state: slot, page id, number of sites and a reserved field.
const PAGE_STATE_LEN: usize = 16;
const OPERATION_HEADER_LEN: usize = 8;
const SKIP: u8 = 14;
const HOLE: u8 = 15;

/// The whiteboard's answer to a message too short for its type: tcpdump's ` (invalid)`.
struct Invalid;

/// Prints a message `length` bytes long, of which `bytes` were captured.
pub(super) fn print(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32) -> Printed {
    let wb = Captured::new(bytes, "wb");
    if length >= HEADER_LEN {
        wb.require(0, HEADER_LEN as usize)?;
        if wb.u8(11)? != 0 {
            line.push("*");
        }
        let body = wb.next_layer(HEADER_LEN as usize, "wb");
        let left = length - HEADER_LEN;
        let printed = match wb.u8(10)? {
            KILL => {
                line.push(" wb-kill");
                return Ok(());
            }
            ANNOUNCEMENT => print_announcement(line, body, left)?,
            REPAIR_REQUEST => print_repair_request(line, body, left)?,
            REPAIR_REPLY => print_repair_reply(line, verbosity, body, left)?,
            DRAWING_OPERATIONS => print_drawing(line, verbosity, body, left)?,
            PAGE_REQUEST => print_page_request(line, body, left)?,
            PAGE_REPLY => print_page_reply(line, body, left)?,
            other => {
                line.put(format_args!(" wb-{other}!"));
                Err(Invalid)
            }
        };
        if printed.is_ok() {
            return Ok(());
        }
    }
    line.push(" (invalid)");
    Ok(())
}

/// What a message printer returns: whether the message was long enough, unless the capture ended first.
type Checked = Result<Result<(), Invalid>, Truncated>;

/// `slot/10.0.0.1:7`: a slot and the page id (initiator, page number) at `offset`.
fn print_slot_page(line: &mut Line, wb: Captured, slot: usize, page: usize) -> Printed {
    let (slot, session, number) = (wb.be32(slot)?, wb.ipv4(page)?, wb.be32(page + 4)?);
    line.put(format_args!("{slot}/{session}:{number}"));
    Ok(())
}

/// `<10.0.0.2:4,10.0.0.3:9>`-like lists: sites and their offsets, `count` of them from `offset` on, each after
/// `<` or `,`.
fn print_site_offsets(line: &mut Line, wb: Captured, offset: usize, count: usize) -> Printed {
    for index in 0..count {
        let site = offset + index * SITE_OFFSET_LEN as usize;
        let (address, sequence) = (wb.ipv4(site)?, wb.be32(site + 4)?);
        line.put(format_args!("{}{address}:{sequence}", if index == 0 { '<' } else { ',' }));
    }
    Ok(())
}

fn print_announcement(line: &mut Line, wb: Captured, length: u32) -> Checked {
    line.push(" wb-id:");
    if length < ANNOUNCEMENT_LEN {
        return Ok(Err(Invalid));
    }
    let mut left = length - ANNOUNCEMENT_LEN;
    // tcpdump reads all of a line's fields before it prints any.
    wb.require(0, 24)?;
    line.push(" ");
    print_slot_page(line, wb, 12, 16)?;
    line.push(" (max ");
    print_slot_page(line, wb, 0, 4)?;
    line.push(") ");
    wb.require(0, ANNOUNCEMENT_LEN as usize)?;
    let sites = u32::from(wb.be16(24)?);
    if left < SITE_OFFSET_LEN * sites {
        return Ok(Err(Invalid));
    }
    left -= SITE_OFFSET_LEN * sites;
    print_site_offsets(line, wb, ANNOUNCEMENT_LEN as usize, sites as usize)?;
    line.push("> \"");
    // The site's name ends at a zero byte or where the message does.
    let name_start = (ANNOUNCEMENT_LEN + SITE_OFFSET_LEN * sites) as usize;
    for offset in name_start..name_start + left as usize {
        match wb.u8(offset)? {
            0 => break,
            byte => line.put_escaped(&[byte]),
        }
    }
    line.push("\"");
    Ok(Ok(()))
}

fn print_repair_request(line: &mut Line, wb: Captured, length: u32) -> Checked {
    line.push(" wb-rreq:");
    if length < REPAIR_REQUEST_LEN {
        return Ok(Err(Invalid));
    }
    wb.require(0, REPAIR_REQUEST_LEN as usize)?;
    line.put(format_args!(
        " please repair {} {}:{}<{}:{}>",
        wb.ipv4(0)?,
        wb.ipv4(4)?,
        wb.be32(8)?,
        wb.be32(12)?,
        wb.be32(16)?
    ));
    Ok(Ok(()))
}

fn print_page_request(line: &mut Line, wb: Captured, length: u32) -> Checked {
    line.push(" wb-preq:");
    if length < PAGE_REQUEST_LEN {
        return Ok(Err(Invalid));
    }
    wb.require(0, 12)?;
    line.put(format_args!(" need {}/{}:{}", wb.be32(8)?, wb.ipv4(0)?, wb.be32(4)?));
    wb.require(0, PAGE_REQUEST_LEN as usize)?;
    Ok(Ok(()))
}

fn print_page_reply(line: &mut Line, wb: Captured, length: u32) -> Checked {
    line.push(" wb-prep:");
    if length < PAGE_REPLY_LEN {
        return Ok(Err(Invalid));
    }
    let mut pages = wb.be32(0)?;
    let mut offset = PAGE_REPLY_LEN as usize;
    while pages != 0 {
        wb.require(offset, 12)?;
        line.push(" ");
        print_slot_page(line, wb, offset, offset + 4)?;
        wb.require(offset, PAGE_STATE_LEN)?;
        // tcpdump takes the number of sites from the first byte of its 16-bit field.
        let sites = usize::from(wb.u8(offset + 12)?);
        print_site_offsets(line, wb, offset + PAGE_STATE_LEN, sites)?;
        line.push(">");
        offset += PAGE_STATE_LEN + sites * SITE_OFFSET_LEN as usize;
        pages -= 1;
    }
    Ok(Ok(()))
}

fn print_repair_reply(line: &mut Line, verbosity: u8, wb: Captured, length: u32) -> Checked {
    line.push(" wb-rrep:");
    if length < REPAIR_REPLY_LEN {
        return Ok(Err(Invalid));
    }
    wb.require(0, REPAIR_REPLY_LEN as usize)?;
    line.put(format_args!(" for {}", wb.ipv4(0)?));
    print_operations(line, verbosity, wb.next_layer(4, "wb"))?;
    Ok(Ok(()))
}

fn print_drawing(line: &mut Line, verbosity: u8, wb: Captured, length: u32) -> Checked {
    line.push(" wb-dop:");
    if length < OPERATIONS_HEADER_LEN {
        return Ok(Err(Invalid));
    }
    print_operations(line, verbosity, wb)?;
    Ok(Ok(()))
}

/// ` 10.0.0.1:7<1:3>`: the page and the range of operations, and with -v the operations themselves.
fn print_operations(line: &mut Line, verbosity: u8, wb: Captured) -> Printed {
    wb.require(0, OPERATIONS_HEADER_LEN as usize)?;
    let (first, last) = (wb.be32(8)?, wb.be32(12)?);
    line.put(format_args!(" {}:{}<{first}:{last}>", wb.ipv4(0)?, wb.be32(4)?));
    if verbosity == 0 {
        return Ok(());
    }
    line.push(" <");
    let mut sequence = first;
    let mut offset = OPERATIONS_HEADER_LEN as usize;
    while sequence <= last {
        let operation_type = wb.u8(offset + 7)?;
        match operation_name(operation_type) {
            Some(name) => line.put(format_args!(" {name}")),
            None => line.put(format_args!(" dop-{operation_type}!")),
        }
        if matches!(operation_type, SKIP | HOLE) {
            // A skip or hole stands for the operations up to the sequence number in its timestamp field.
            let through = wb.be32(offset)?;
            line.put(format_args!("{}", through.wrapping_sub(sequence).wrapping_add(1)));
            if sequence > through || through > last {
                line.push("[|]");
                if through < sequence {
                    return Ok(());
                }
            }
            sequence = through;
        }
        let body_len = usize::from(wb.be16(offset + 4)?);
        offset += (body_len + OPERATION_HEADER_LEN).next_multiple_of(4);
        // Past the largest sequence number this wraps, and tcpdump goes on until the capture ends.
        sequence = sequence.wrapping_add(1);
    }
    line.push(" >");
    Ok(())
}

fn operation_name(operation_type: u8) -> Option<&'static str> {
    Some(match operation_type {
        2 => "RECT",
        3 => "LINE",
        4 => "ML",
        5 => "DEL",
        6 => "XFORM",
        7 => "ELL",
        8 => "CHAR",
        9 => "STR",
        10 => "NOP",
        11 => "PSCODE",
        12 => "PSCOMP",
        13 => "REF",
        SKIP => "SKIP",
        HOLE => "HOLE",
        _ => return None,
    })
}
