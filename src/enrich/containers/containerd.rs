//! containerd's containers, through its gRPC API (containerd-client) on the daemon's unix socket.

use anyhow::{Context, anyhow};
use containerd_client::{
    events::{ContainerCreate, ContainerDelete, ContainerUpdate, TaskCreate, TaskExit, TaskStart},
    services::v1::{
        Container, GetContainerRequest, ListContainersRequest, ListTasksRequest, SubscribeRequest,
        containers_client::ContainersClient, events_client::EventsClient, tasks_client::TasksClient,
    },
    tonic::{self, Request, metadata::MetadataValue, transport::Channel},
    types::{Envelope, v1::Status},
};
use prost::Message;

use super::{RootProcess, Runtime, RuntimeContainer, watch::Reporter};

/// The namespaces watched: plain containerd (`ctr`, nerdctl), Docker's, and Kubernetes' (CRI).
pub const NAMESPACES: [&str; 3] = ["default", "moby", "k8s.io"];

/// The events that change what ptstat tells of a container (containerd's filter syntax; any one matches). A task's
/// creation tells its first process before the container's program runs (also for Docker's containers, in `moby`),
/// so a container selected by `--container-name` is selected before its first packet.
const EVENT_FILTERS: [&str; 4] =
    [r#"topic~="^/containers/""#, r#"topic=="/tasks/create""#, r#"topic=="/tasks/start""#, r#"topic=="/tasks/exit""#];

/// nerdctl's label for the name its user gave.
const NERDCTL_NAME: &str = "nerdctl/name";

/// Connects, lists the containers and follows their events; returns why that stopped.
pub async fn follow(reporter: &mut Reporter) -> anyhow::Error {
    match follow_until_error(reporter).await {
        Err(error) => error,
        Ok(()) => anyhow!("the daemon ended the event stream"),
    }
}

async fn follow_until_error(reporter: &mut Reporter) -> anyhow::Result<()> {
    let channel = containerd_client::connect(&reporter.address).await?;
    // containerd answers a subscription only with its first event, so waiting for the answer before listing
    // could wait for ever: the subscription goes out first, on a task of its own, and is awaited after the listing.
    // Events from then on are not missed (containers seen twice are just described twice).
    let request = SubscribeRequest { filters: EVENT_FILTERS.map(String::from).to_vec() };
    let mut events_client = EventsClient::new(channel.clone());
    let mut subscription = AbortOnDrop(tokio::spawn(async move { events_client.subscribe(request).await }));
    let mut containers = Vec::new();
    for namespace in NAMESPACES {
        containers.extend(list(&channel, namespace).await.with_context(|| format!("listing namespace {namespace}"))?);
    }
    reporter.listed(containers)?;

    let mut events = (&mut subscription.0).await.context("subscribing to events")??.into_inner();
    while let Some(envelope) = events.message().await.context("following events")? {
        let Some((namespace, change)) = container_event(&envelope) else { continue };
        let runtime = Runtime::Containerd { namespace };
        match change {
            Change::Deleted(id) => reporter.removed(runtime, id)?,
            // One that is gone by now has had its delete event too.
            Change::Changed(id) => {
                if let Some(container) = describe(&channel, namespace, &id).await? {
                    reporter.changed(container)?;
                }
            }
        }
    }
    Ok(())
}

/// A spawned task that stops when its handle goes, so a failed connection leaves no subscription behind.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A request to namespace `namespace`, as containerd's API wants it: in the metadata.
fn in_namespace<T>(message: T, namespace: &'static str) -> Request<T> {
    let mut request = Request::new(message);
    request.metadata_mut().insert("containerd-namespace", MetadataValue::from_static(namespace));
    request
}

/// Every container of `namespace`, with the first process of those that run.
async fn list(channel: &Channel, namespace: &'static str) -> anyhow::Result<Vec<RuntimeContainer>> {
    let listed = ContainersClient::new(channel.clone())
        .list(in_namespace(ListContainersRequest::default(), namespace))
        .await?
        .into_inner()
        .containers;
    let tasks = TasksClient::new(channel.clone())
        .list(in_namespace(ListTasksRequest::default(), namespace))
        .await?
        .into_inner()
        .tasks;
    Ok(listed
        .into_iter()
        .map(|container| {
            let task = tasks.iter().find(|task| task.id == container.id);
            from_container(container, namespace, task.and_then(|task| running_pid(task.status, task.pid)))
        })
        .collect())
}

/// Container `id` of `namespace` as containerd has it now; `None` if it is gone.
async fn describe(channel: &Channel, namespace: &'static str, id: &str) -> anyhow::Result<Option<RuntimeContainer>> {
    let request = GetContainerRequest { id: id.to_string() };
    let container = match ContainersClient::new(channel.clone()).get(in_namespace(request, namespace)).await {
        Ok(response) => response.into_inner().container,
        Err(status) if status.code() == tonic::Code::NotFound => None,
        Err(status) => return Err(status.into()),
    };
    let Some(container) = container else { return Ok(None) };
    let request = containerd_client::services::v1::GetRequest { container_id: id.to_string(), exec_id: String::new() };
    // No task (created, not started) is no error: the container just has no process.
    let task = TasksClient::new(channel.clone()).get(in_namespace(request, namespace)).await.ok();
    let process = task.and_then(|response| response.into_inner().process);
    Ok(Some(from_container(container, namespace, process.and_then(|process| running_pid(process.status, process.pid)))))
}

/// The first process of a task that runs, or is created and about to run the container's program (that process
/// then becomes the program).
fn running_pid(status: i32, pid: u32) -> Option<u32> {
    let alive = status == Status::Running as i32 || status == Status::Created as i32;
    (alive && pid > 0).then_some(pid)
}

fn from_container(container: Container, namespace: &'static str, root_pid: Option<u32>) -> RuntimeContainer {
    let labels: crate::packet::Labels = container.labels.into_iter().collect();
    RuntimeContainer {
        name: labels.get(NERDCTL_NAME).cloned().unwrap_or_default(),
        image: container.image,
        labels,
        root: root_pid.map(RootProcess::of),
        ..RuntimeContainer::new(Runtime::Containerd { namespace }, container.id)
    }
}

enum Change {
    Changed(String),
    Deleted(String),
}

/// The watched namespace and container an event is about, and what happened; `None` for anything else.
fn container_event(envelope: &Envelope) -> Option<(&'static str, Change)> {
    let namespace = NAMESPACES.into_iter().find(|namespace| *namespace == envelope.namespace)?;
    let payload = envelope.event.as_ref()?.value.as_slice();
    let change = match envelope.topic.as_str() {
        "/containers/create" => Change::Changed(ContainerCreate::decode(payload).ok()?.id),
        "/containers/update" => Change::Changed(ContainerUpdate::decode(payload).ok()?.id),
        "/containers/delete" => Change::Deleted(ContainerDelete::decode(payload).ok()?.id),
        "/tasks/create" => Change::Changed(TaskCreate::decode(payload).ok()?.container_id),
        "/tasks/start" => Change::Changed(TaskStart::decode(payload).ok()?.container_id),
        "/tasks/exit" => Change::Changed(TaskExit::decode(payload).ok()?.container_id),
        _ => return None,
    };
    Some((namespace, change))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(namespace: &str, topic: &str, payload: Vec<u8>) -> Envelope {
        let mut envelope = Envelope {
            namespace: namespace.into(),
            topic: topic.into(),
            event: Some(Default::default()),
            timestamp: None,
        };
        envelope.event.as_mut().expect("just set").value = payload;
        envelope
    }

    fn summary(envelope: &Envelope) -> Option<(&'static str, &'static str, String)> {
        container_event(envelope).map(|(namespace, change)| match change {
            Change::Changed(id) => (namespace, "changed", id),
            Change::Deleted(id) => (namespace, "deleted", id),
        })
    }

    #[test]
    fn reads_the_events_that_matter() {
        let started = TaskStart { container_id: "web".into(), pid: 42 }.encode_to_vec();
        assert_eq!(
            summary(&envelope("k8s.io", "/tasks/start", started.clone())),
            Some(("k8s.io", "changed", "web".into()))
        );
        let created = TaskCreate { container_id: "web".into(), pid: 42, ..Default::default() }.encode_to_vec();
        assert_eq!(summary(&envelope("moby", "/tasks/create", created)), Some(("moby", "changed", "web".into())));
        let deleted = ContainerDelete { id: "web".into() }.encode_to_vec();
        assert_eq!(
            summary(&envelope("default", "/containers/delete", deleted)),
            Some(("default", "deleted", "web".into()))
        );
        assert_eq!(summary(&envelope("buildkit", "/tasks/start", started.clone())), None, "namespace not watched");
        assert_eq!(summary(&envelope("k8s.io", "/images/create", started)), None, "not about a container");
        assert_eq!(summary(&envelope("k8s.io", "/tasks/start", vec![0xff])), None, "garbage");
    }

    #[test]
    fn names_nerdctl_containers_and_only_running_tasks_have_processes() {
        let container = Container {
            id: "0123".into(),
            image: "docker.io/library/busybox:1".into(),
            labels: [(NERDCTL_NAME.to_string(), "web".to_string())].into(),
            ..Default::default()
        };
        let described = from_container(container, "default", running_pid(Status::Running as i32, 7));
        assert_eq!((described.name.as_str(), described.root.map(|root| root.pid)), ("web", Some(7)));
        assert_eq!(running_pid(Status::Created as i32, 7), Some(7), "about to run its program");
        assert_eq!(running_pid(Status::Stopped as i32, 7), None);
        assert_eq!(running_pid(Status::Running as i32, 0), None);
    }
}
