//! `-w FILE`: the capture file, opened when the first interface is announced, once capture has started (so that
//! `-Z` can drop privileges first and the file belongs to that user, and a capture that fails to start leaves no
//! file), and rotated like tcpdump's: `-C SIZE` (millions of bytes), `-W N` (at most N files, reused in turn),
//! `-G SECONDS` (a new file every interval, the name an strftime pattern), `-z COMMAND` (run on each file once it
//! is closed).

use std::{
    fs::File,
    io::{self, BufWriter, Write},
    process::Child,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::Context;

use super::{Sink, pcap::PcapWriter, pcapng::PcapNgWriter};
use crate::packet::{Interface, InterfaceId, InterfaceStatistics, Packet};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rotation {
    /// `-C`: start a new file once the current one holds more than this many bytes.
    pub max_bytes: Option<u64>,
    /// `-W`: how many files to keep.
    pub max_files: Option<u32>,
    /// `-G`: start a new file this often.
    pub interval: Option<Duration>,
    /// `-z`: run as `COMMAND FILE` on each file that was rotated away.
    pub post_rotate: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    PcapNg,
    /// Classic pcap; `spans_interfaces` makes it LINUX_SLL2, like tcpdump's `-i any`.
    Pcap {
        spans_interfaces: bool,
    },
}

impl Format {
    /// PcapNG, unless the name ends in `.pcap`.
    pub fn for_path(path: &str, spans_interfaces: bool) -> Format {
        if path.ends_with(".pcap") { Format::Pcap { spans_interfaces } } else { Format::PcapNg }
    }
}

/// How much of a capture file is collected before each write(2): a packet block is a few hundred bytes, and
/// fewer, larger writes cost the kernel less per byte than BufWriter's default 8 KiB.
const FILE_BUFFER_BYTES: usize = 256 * 1024;

pub struct CaptureFile {
    /// The name given to -w: a path, `-` for stdout, an strftime pattern with -G.
    name: String,
    format: Format,
    flush_each_packet: bool,
    rotation: Rotation,
    /// Replayed into every new file: each file is a capture of its own.
    interfaces: Vec<Interface>,
    current: Option<OpenFile>,
    /// Files opened so far.
    opened: u64,
    post_rotate_commands: Vec<Child>,
}

struct OpenFile {
    path: String,
    writer: Box<dyn Sink>,
    written: Arc<AtomicU64>,
    opened_at: Instant,
}

impl CaptureFile {
    pub fn new(name: String, format: Format, flush_each_packet: bool, rotation: Rotation) -> Self {
        CaptureFile {
            name,
            format,
            flush_each_packet,
            rotation,
            interfaces: Vec::new(),
            current: None,
            opened: 0,
            post_rotate_commands: Vec::new(),
        }
    }

    /// The name of the next file, as tcpdump makes it: with -G the name is an strftime pattern; with -C a number
    /// follows, counting from 1 after the first file, or, with -W, from 0 and padded to -W's width, wrapping.
    fn next_path(&self) -> String {
        let base = match self.rotation.interval {
            Some(_) => chrono::Local::now().format(&self.name).to_string(),
            None => self.name.clone(),
        };
        if self.rotation.max_bytes.is_none() {
            return base;
        }
        match self.rotation.max_files {
            Some(files) => {
                let width = files.saturating_sub(1).max(1).to_string().len();
                format!("{base}{:0width$}", self.opened % u64::from(files))
            }
            None if self.opened == 0 => base,
            None => format!("{base}{}", self.opened),
        }
    }

    fn open(&mut self) -> anyhow::Result<()> {
        let written = Arc::new(AtomicU64::new(0));
        let (path, output): (String, Box<dyn Write + Send>) = if self.name == "-" {
            ("-".to_string(), Box::new(io::stdout()))
        } else {
            let path = self.next_path();
            let file = File::create(&path).with_context(|| path.clone())?;
            if self.writer_buffers() {
                (path, Box::new(file))
            } else {
                (path, Box::new(BufWriter::with_capacity(FILE_BUFFER_BYTES, file)))
            }
        };
        let output = Box::new(CountingWriter { inner: output, written: written.clone() });
        let mut writer: Box<dyn Sink> = match self.format {
            Format::PcapNg if self.writer_buffers() => {
                Box::new(PcapNgWriter::new(output, self.flush_each_packet).handing_over_at(FILE_BUFFER_BYTES))
            }
            Format::PcapNg => Box::new(PcapNgWriter::new(output, self.flush_each_packet)),
            Format::Pcap { spans_interfaces } => {
                Box::new(PcapWriter::new(output, spans_interfaces, self.flush_each_packet))
            }
        };
        for (id, interface) in self.interfaces.iter().enumerate() {
            writer.add_interface(id, interface)?;
        }
        self.opened += 1;
        self.current = Some(OpenFile { path, writer, written, opened_at: Instant::now() });
        Ok(())
    }

    /// Whether the PcapNG writer buffers a file itself, so that its blocks are not copied again into a BufWriter:
    /// not with -C, which counts the bytes handed to the output before each packet, nor for stdout.
    fn writer_buffers(&self) -> bool {
        self.format == Format::PcapNg && self.rotation.max_bytes.is_none() && self.name != "-"
    }

    fn due_for_rotation(&self, file: &OpenFile) -> bool {
        let too_big = self.rotation.max_bytes.is_some_and(|max| file.written.load(Ordering::Relaxed) > max);
        let too_old = self.rotation.interval.is_some_and(|interval| file.opened_at.elapsed() >= interval);
        self.name != "-" && (too_big || too_old)
    }

    fn rotate(&mut self) -> anyhow::Result<()> {
        if let Some(mut closed) = self.current.take() {
            closed.writer.finish()?;
            if let Some(command) = &self.rotation.post_rotate {
                let child = std::process::Command::new(command)
                    .arg(&closed.path)
                    .spawn()
                    .with_context(|| format!("-z {command}"))?;
                self.post_rotate_commands.push(child);
            }
        }
        self.open()
    }

    /// Finishes the open file, if any, and waits for the `-z` commands.
    fn close(&mut self) -> anyhow::Result<()> {
        let finished = self.current.as_mut().map_or(Ok(()), |file| file.writer.finish());
        for mut command in self.post_rotate_commands.drain(..) {
            let _ = command.wait();
        }
        finished
    }
}

impl Sink for CaptureFile {
    fn add_interface(&mut self, id: InterfaceId, interface: &Interface) -> anyhow::Result<()> {
        self.interfaces.push(interface.clone());
        match &mut self.current {
            Some(file) => file.writer.add_interface(id, interface),
            None => self.open(),
        }
    }

    fn write_packet(&mut self, packet: &Packet, interface: &Interface) -> anyhow::Result<()> {
        if self.current.as_ref().is_some_and(|file| self.due_for_rotation(file)) {
            self.rotate()?;
        }
        match &mut self.current {
            Some(file) => file.writer.write_packet(packet, interface),
            None => anyhow::bail!("{}: a packet before any interface", self.name),
        }
    }

    /// Goes into the file open at the end: with -C or -G, the last one (the counts are the whole capture's).
    fn interface_statistics(&mut self, id: InterfaceId, statistics: &InterfaceStatistics) -> anyhow::Result<()> {
        match &mut self.current {
            Some(file) => file.writer.interface_statistics(id, statistics),
            None => Ok(()),
        }
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        if self.current.is_none() {
            // The capture ran but no interface was ever announced (cgroup-skb saw no packet, `-r` of an empty
            // file): still leave a (valid, empty) file, as tcpdump does.
            self.open()?;
        }
        self.close()
    }

    /// No file is open when the capture failed before it started (a missing interface, a rejected program, a
    /// bad --cgroup, an unreadable -r file): none is created then, and a file of that name that existed is left
    /// as it was, as tcpdump leaves it (it too opens its file only once capture is set up).
    fn finish_after_failure(&mut self) -> anyhow::Result<()> {
        self.close()
    }
}

/// Counts the bytes that reach the file, for -C.
struct CountingWriter {
    inner: Box<dyn Write + Send>,
    written: Arc<AtomicU64>,
}

impl Write for CountingWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(bytes)?;
        self.written.fetch_add(written as u64, Ordering::Relaxed);
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, rotation: Rotation) -> CaptureFile {
        CaptureFile::new(name.into(), Format::PcapNg, false, rotation)
    }

    fn names(mut capture: CaptureFile, count: u64) -> Vec<String> {
        (0..count)
            .map(|opened| {
                capture.opened = opened;
                capture.next_path()
            })
            .collect()
    }

    #[test]
    fn names_files_like_tcpdump() {
        let by_size = Rotation { max_bytes: Some(1_000_000), ..Default::default() };
        assert_eq!(names(file("x.pcapng", by_size.clone()), 3), ["x.pcapng", "x.pcapng1", "x.pcapng2"]);
        let wrapping = Rotation { max_files: Some(3), ..by_size.clone() };
        assert_eq!(names(file("x", wrapping), 4), ["x0", "x1", "x2", "x0"]);
        let wide = Rotation { max_files: Some(12), ..by_size };
        assert_eq!(names(file("x", wide), 2), ["x00", "x01"]);
        assert_eq!(names(file("x", Rotation::default()), 1), ["x"]);
    }
}
