//! Runs the installed tcpdump as the oracle for which packets a filter keeps.

use std::path::Path;
use std::process::Command;

/// Whether the differential tests can run: tcpdump must be installed, except that a machine
/// where it is missing and the tests do not run as root (so could not have installed it) skips
/// them. In CI (`CI=true`) a missing tcpdump is a failure.
pub fn available() -> bool {
    let installed = Command::new("tcpdump").arg("--version").output().is_ok_and(|output| output.status.success());
    if installed {
        return true;
    }
    if std::env::var("CI").is_ok_and(|value| value == "true") {
        panic!("tcpdump is not installed, and CI=true requires the differential tests to run");
    }
    let is_root =
        Command::new("id").arg("-u").output().is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0");
    if is_root {
        panic!("tcpdump is not installed; install it (apt-get install tcpdump) to run these tests");
    }
    eprintln!("skipping: tcpdump is not installed and this user cannot install it");
    false
}

/// The timestamps (packet indexes) of the packets `tcpdump -r capture EXPR` keeps, or
/// tcpdump's error message when it refuses the expression. `optimize: false` adds `-O`.
pub fn kept(capture: &Path, expression: &str, optimize: bool) -> Result<Vec<u32>, String> {
    let mut command = Command::new("tcpdump");
    command.arg("-r").arg(capture).args(["-w", "-"]);
    if !optimize {
        command.arg("-O");
    }
    let output =
        command.arg("--").arg(expression).output().map_err(|error| format!("could not run tcpdump: {error}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let message = stderr.lines().find(|line| line.starts_with("tcpdump: ")).unwrap_or(stderr.trim());
        return Err(message.to_string());
    }
    super::pcap::read_timestamps(&output.stdout)
}

/// `tcpdump -d` output for an expression compiled for the link type of `capture`, without the
/// "reading from file" line.
pub fn dump(capture: &Path, flag: &str, expression: &str) -> Result<String, String> {
    let output = Command::new("tcpdump")
        .arg("-r")
        .arg(capture)
        .arg(flag)
        .arg("--")
        .arg(expression)
        .output()
        .map_err(|error| format!("could not run tcpdump: {error}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
