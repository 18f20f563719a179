//! The watcher thread: one task per runtime, each connecting, listing and following events until the daemon goes
//! away, then reconnecting. A daemon that is missing or goes away costs one warning line per outage, and one
//! line when it answers again; a default socket that is not there costs none, as most machines lack a runtime.

use std::{error::Error, fmt, path::Path, thread, time::Duration};

use containerd_client::tonic;

use super::{
    ContainerUpdate, Runtime, RuntimeContainer, RuntimeKind, RuntimeSockets, UpdateSender, containerd, docker,
};

/// The runtimes watched; capture waits at start until each has listed its containers or failed to answer.
pub const RUNTIMES: [RuntimeKind; 2] = [RuntimeKind::Docker, RuntimeKind::Containerd];

/// How soon a runtime that did not answer is asked again.
const RECONNECT_INTERVAL: Duration = Duration::from_secs(1);

/// Starts the thread that watches the runtimes at `sockets` and sends what it learns to `updates`. It runs until
/// ptstat exits, or stops on its own once the index is gone.
pub fn start(sockets: &RuntimeSockets, updates: UpdateSender) -> std::io::Result<()> {
    // The packet loop's runtime is busy with packets; the daemons get a runtime, on a thread, of their own.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let sockets = sockets.clone();
    thread::Builder::new().name("ptstat-containers".into()).spawn(move || {
        runtime.block_on(async {
            tokio::join!(
                supervise(
                    Reporter::new(RuntimeKind::Docker, sockets.docker.as_deref(), updates.clone()),
                    docker::follow
                ),
                supervise(
                    Reporter::new(RuntimeKind::Containerd, sockets.containerd.as_deref(), updates),
                    containerd::follow
                ),
            )
        })
    })?;
    Ok(())
}

/// Runs `follow` (connect, list, follow events; it returns only when that fails) again and again, warning once
/// when the daemon cannot be reached (unless its default socket is absent) and once each time a connection is
/// lost.
async fn supervise(mut reporter: Reporter, follow: impl AsyncFn(&mut Reporter) -> anyhow::Error) {
    let mut first_attempt = true;
    loop {
        reporter.listed = false;
        let error = follow(&mut reporter).await;
        if error.is::<IndexGone>() {
            return;
        }
        let (kind, address, why) = (reporter.kind, &reporter.address, causes(&error));
        if reporter.listed {
            eprintln!("ptstat: warning: {kind} ({address}): connection lost ({why}); reconnecting");
            reporter.outage_reported = true;
        } else if !reporter.outage_reported && (reporter.given || Path::new(address).exists()) {
            eprintln!("ptstat: warning: {kind} ({address}): {why}; its containers are named once it answers");
            reporter.outage_reported = true;
        }
        if first_attempt && !reporter.listed && reporter.send(ContainerUpdate::Unreachable(kind)).is_err() {
            return;
        }
        first_attempt = false;
        tokio::time::sleep(RECONNECT_INTERVAL).await;
    }
}

/// The error and its causes, `: `-separated, each once: tonic's errors repeat their cause in their own text, and
/// its `Status` shows its source in Debug form (its message, and the causes after it, say the same plainly).
fn causes(error: &anyhow::Error) -> String {
    let mut text = String::new();
    let plainly = |cause: &(dyn Error + 'static)| match cause.downcast_ref::<tonic::Status>() {
        Some(status) => status.message().to_string(),
        None => cause.to_string(),
    };
    for cause in error.chain().map(plainly) {
        if !text.contains(&cause) {
            text += if text.is_empty() { "" } else { ": " };
            text += &cause;
        }
    }
    text
}

/// What a runtime's watcher reports through.
pub struct Reporter {
    pub kind: RuntimeKind,
    /// The daemon's socket path (a `unix://` prefix, as Docker's clients write it, is dropped).
    pub address: String,
    /// The user named the socket, rather than ptstat trying the default one.
    given: bool,
    updates: UpdateSender,
    /// The current connection has listed the containers, so it counts as established.
    listed: bool,
    /// A warning told that the daemon does not answer, and nothing told yet that it does again.
    outage_reported: bool,
}

/// The index stopped listening (capture ended): the watchers stop too.
#[derive(Debug)]
pub struct IndexGone;

impl fmt::Display for IndexGone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("nobody reads container updates any more")
    }
}

impl Error for IndexGone {}

impl Reporter {
    /// `given`: the socket the user named, if any.
    fn new(kind: RuntimeKind, given: Option<&str>, updates: UpdateSender) -> Self {
        let address = given.unwrap_or(kind.default_socket());
        let address = address.strip_prefix("unix://").unwrap_or(address).to_string();
        Reporter { kind, address, given: given.is_some(), updates, listed: false, outage_reported: false }
    }

    /// Every container the runtime has now.
    pub fn listed(&mut self, containers: Vec<RuntimeContainer>) -> Result<(), IndexGone> {
        self.listed = true;
        if self.outage_reported {
            eprintln!("ptstat: {} ({}): connected", self.kind, self.address);
            self.outage_reported = false;
        }
        self.send(ContainerUpdate::Listed(self.kind, containers))
    }

    pub fn changed(&self, container: RuntimeContainer) -> Result<(), IndexGone> {
        self.send(ContainerUpdate::Changed(container))
    }

    pub fn removed(&self, runtime: Runtime, id: String) -> Result<(), IndexGone> {
        self.send(ContainerUpdate::Removed(runtime, id))
    }

    fn send(&self, update: ContainerUpdate) -> Result<(), IndexGone> {
        self.updates.send(update)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_are_told_once() {
        let io = std::io::Error::from(std::io::ErrorKind::NotFound);
        let error = anyhow::Error::new(io).context("transport error: entity not found").context("connecting");
        assert_eq!(causes(&error), "connecting: transport error: entity not found");
        assert_eq!(causes(&anyhow::anyhow!("plain")), "plain");
        let status = tonic::Status::from_error(Box::new(std::io::Error::other("broken pipe")));
        assert_eq!(causes(&anyhow::Error::new(status).context("following events")), "following events: broken pipe");
    }
}
