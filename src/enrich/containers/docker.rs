//! Docker's containers, through its HTTP API (bollard) on the daemon's unix socket.

use std::{
    collections::HashMap,
    time::{SystemTime, UNIX_EPOCH},
};

use anyhow::{Context, anyhow};
use bollard::{
    API_DEFAULT_VERSION, Docker,
    models::ContainerInspectResponse,
    query_parameters::{EventsOptions, ListContainersOptions},
};
use futures_util::StreamExt;

use super::{RootProcess, Runtime, RuntimeContainer, watch::Reporter};

/// Seconds a request may take before the daemon counts as hung (the event stream itself may be quiet for ever).
const REQUEST_TIMEOUT_SECS: u64 = 10;

/// Events that change what ptstat tells of a container; `destroy` removes it.
const FOLLOWED_ACTIONS: [&str; 5] = ["create", "start", "die", "rename", "destroy"];

/// Connects, lists the containers and follows their events; returns why that stopped.
pub async fn follow(reporter: &mut Reporter) -> anyhow::Error {
    match follow_until_error(reporter).await {
        Err(error) => error,
        Ok(()) => anyhow!("the daemon ended the event stream"),
    }
}

async fn follow_until_error(reporter: &mut Reporter) -> anyhow::Result<()> {
    let docker = Docker::connect_with_unix(&reporter.address, REQUEST_TIMEOUT_SECS, API_DEFAULT_VERSION)?
        // bollard speaks the newest API; an older daemon (Debian 12's Docker 20.10 speaks 1.41) needs it lowered.
        .negotiate_version()
        .await?;
    // Events are asked for from this second on, listing or not: nothing that happens while listing is missed
    // (containers seen twice are just described twice).
    let listing_started = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    let listed = docker
        .list_containers(Some(ListContainersOptions { all: true, ..Default::default() }))
        .await
        .context("listing containers")?;
    let mut containers = Vec::with_capacity(listed.len());
    for id in listed.into_iter().filter_map(|summary| summary.id) {
        // A container removed between the listing and this is simply not there.
        if let Some(container) = describe(&docker, &id).await {
            containers.push(container);
        }
    }
    reporter.listed(containers)?;

    let filters = HashMap::from([
        ("type".to_string(), vec!["container".to_string()]),
        ("event".to_string(), FOLLOWED_ACTIONS.map(String::from).to_vec()),
    ]);
    let options = EventsOptions { since: Some(listing_started.to_string()), filters: Some(filters), until: None };
    let mut events = docker.events(Some(options));
    while let Some(event) = events.next().await {
        let event = event.context("following events")?;
        let Some(id) = event.actor.and_then(|actor| actor.id) else { continue };
        if event.action.as_deref() == Some("destroy") {
            reporter.removed(Runtime::Docker, id)?;
        } else if let Some(container) = describe(&docker, &id).await {
            reporter.changed(container)?;
        }
    }
    Ok(())
}

/// What `docker inspect` says of container `id`; `None` if it is gone.
async fn describe(docker: &Docker, id: &str) -> Option<RuntimeContainer> {
    docker.inspect_container(id, None).await.ok().and_then(from_inspection)
}

fn from_inspection(inspected: ContainerInspectResponse) -> Option<RuntimeContainer> {
    let config = inspected.config.unwrap_or_default();
    let state = inspected.state.unwrap_or_default();
    let root_pid = state
        .pid
        .filter(|_| state.running == Some(true))
        .and_then(|pid| u32::try_from(pid).ok())
        .filter(|&pid| pid > 0);
    Some(RuntimeContainer {
        // Docker's names start with a slash (`/web`); people write them without.
        name: inspected.name.unwrap_or_default().trim_start_matches('/').to_string(),
        image: config.image.unwrap_or_default(),
        labels: config.labels.unwrap_or_default().into_iter().collect(),
        root: root_pid.map(RootProcess::of),
        ..RuntimeContainer::new(Runtime::Docker, inspected.id?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use bollard::models::{ContainerConfig, ContainerState};

    #[test]
    fn reads_an_inspection() {
        let inspected = ContainerInspectResponse {
            id: Some("abc".into()),
            name: Some("/web".into()),
            config: Some(ContainerConfig {
                image: Some("busybox:1".into()),
                labels: Some(HashMap::from([("a".to_string(), "b".to_string())])),
                ..Default::default()
            }),
            state: Some(ContainerState { running: Some(false), pid: Some(0), ..Default::default() }),
            ..Default::default()
        };
        let container = from_inspection(inspected).expect("has an id");
        assert_eq!(
            (container.id.as_str(), container.name.as_str(), container.image.as_str()),
            ("abc", "web", "busybox:1")
        );
        assert_eq!(container.labels.get("a").map(String::as_str), Some("b"));
        assert_eq!(container.root, None, "not running: no root process");
        assert_eq!(from_inspection(ContainerInspectResponse::default()), None, "no id, no container");
    }
}
