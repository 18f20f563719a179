//! `ptstat -- COMMAND ARGS`: runs the command and captures only its traffic and its descendants'.

use std::{os::fd::AsFd, process::Stdio, time::Duration};

use anyhow::Context;
use aya::Ebpf;

use super::{CommandToRun, programs};

/// Starts the command held at its first instruction until its pid is selected in the kernel, so neither its first
/// packet nor its first child escapes the selection: a shell stops itself, then execs the command once continued.
pub fn start(command: &CommandToRun, ebpf: &mut Ebpf) -> anyhow::Result<tokio::process::Child> {
    let program = command.argv.first().context("no command given after --")?;
    let mut child = tokio::process::Command::new("/bin/sh");
    child.args(["-c", "kill -STOP $$ && exec \"$@\"", "sh"]).args(&command.argv).kill_on_drop(true);
    if command.stdout_to_stderr {
        child.stdout(Stdio::from(std::io::stderr().as_fd().try_clone_to_owned()?));
    }
    let child = child.spawn().with_context(|| format!("{program}: cannot start"))?;
    let pid = child.id().context("the command ended at once")?;
    programs::select_pid(ebpf, pid)?;
    wait_until_stopped(pid)?;
    // SAFETY: kill(2) on our own child.
    if unsafe { libc::kill(pid as i32, libc::SIGCONT) } != 0 {
        return Err(std::io::Error::last_os_error()).context("continuing the command");
    }
    Ok(child)
}

/// Waits for the shell's SIGSTOP to take effect (state `T` in /proc/PID/stat); waitpid is tokio's to call.
fn wait_until_stopped(pid: u32) -> anyhow::Result<()> {
    for _ in 0..500 {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).context("the command ended at once")?;
        let state = stat.rsplit_once(") ").and_then(|(_, rest)| rest.chars().next());
        if state == Some('T') {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    anyhow::bail!("the command did not start")
}
