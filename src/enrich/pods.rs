//! The pods of remote addresses, for the connection log and the metrics (one watch for both: the pipeline hands
//! them clones of one `RemotePods`). A thread of its own watches every pod through the Kubernetes API (kube's
//! watcher: one list, then a watch stream that stays open, relisting when it must) and indexes the pods by
//! `status.podIP` and `status.podIPs`. The connection log and the metrics only read that index: no request is
//! ever made for a packet or a connection.
//!
//! Where the API is: `--kubeconfig PATH`, else the files in `KUBECONFIG`, else the in-cluster service account
//! (`KUBERNETES_SERVICE_HOST`). Unlike kubectl, ptstat does not fall back to `~/.kube/config`: a capture on an
//! admin's laptop should not start asking a cluster about its pods unless told to. With none of them, nothing is
//! watched, silently.

use std::{
    collections::HashMap,
    net::IpAddr,
    path::Path,
    sync::{Arc, PoisonError, RwLock, mpsc},
    thread,
    time::Duration,
};

use anyhow::Context;
use futures_util::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::{
    Api, Client, Config,
    config::{KubeConfigOptions, Kubeconfig},
    runtime::{WatchStreamExt, watcher, watcher::Event},
};

/// How long starting waits for the first listing, so the first connections already name their remote pods. A
/// server that answers later still counts from then on; one that refuses at once costs no wait.
const FIRST_LISTING_WAIT: Duration = Duration::from_secs(3);

/// A pod, by its name and namespace.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PodName {
    pub name: String,
    pub namespace: String,
}

/// The index the watcher thread keeps up to date; clones share it.
#[derive(Clone, Default)]
pub struct RemotePods {
    index: Arc<RwLock<PodIndex>>,
}

impl RemotePods {
    /// Starts watching the pods of the cluster that `kubeconfig` (else `KUBECONFIG`, else the in-cluster
    /// configuration) names; `None` when there is none. A `--kubeconfig` that cannot be read or used is an error; a
    /// `KUBECONFIG` that cannot, or an API server that does not answer, is a warning.
    pub fn watch(kubeconfig: Option<&Path>) -> anyhow::Result<Option<RemotePods>> {
        let Some(config) = api_config(kubeconfig)? else { return Ok(None) };
        let pods = RemotePods::default();
        let index = pods.index.clone();
        let (listed, first_listing) = mpsc::sync_channel(1);
        thread::Builder::new()
            .name("ptstat-pods".into())
            .spawn(move || match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(runtime) => runtime.block_on(follow_pods(config, &index, &listed)),
                Err(error) => eprintln!("ptstat: warning: remote pods are not named: {error}"),
            })
            .context("starting the Kubernetes pod watcher")?;
        // Whatever the outcome (listed, failed, timed out), capture goes on.
        let _ = first_listing.recv_timeout(FIRST_LISTING_WAIT);
        Ok(Some(pods))
    }

    /// The pod that has `address`, as far as the watch knows now.
    pub fn pod_of(&self, address: IpAddr) -> Option<PodName> {
        self.index.read().unwrap_or_else(PoisonError::into_inner).by_address.get(&address).cloned()
    }
}

/// How to reach the API server, if ptstat is to ask one. Worked out before capture starts, so a `--kubeconfig`
/// that does not say (unreadable, no current context, a failing credentials plugin) stops ptstat at once.
fn api_config(kubeconfig: Option<&Path>) -> anyhow::Result<Option<Config>> {
    // kube reads kubeconfigs asynchronously (credentials plugins run as processes).
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let load = |kubeconfig| runtime.block_on(Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default()));
    if let Some(path) = kubeconfig {
        // YAML errors come with a drawing of the line over several lines: the first says it.
        let bad = |error: &dyn std::fmt::Display| {
            let first_line = error.to_string().lines().next().unwrap_or_default().to_string();
            anyhow::anyhow!("--kubeconfig {}: {first_line}", path.display())
        };
        // Opened first for a plain "No such file" error: kube's own repeats the path and the cause.
        std::fs::File::open(path).map_err(|error| bad(&error))?;
        let kubeconfig = Kubeconfig::read_from(path).map_err(|error| bad(&error))?;
        return load(kubeconfig).map(Some).map_err(|error| bad(&cause(&error.into())));
    }
    match Kubeconfig::from_env().and_then(|found| found.map(load).transpose()) {
        Ok(Some(config)) => return Ok(Some(config)),
        Ok(None) => {}
        Err(error) => {
            let paths = std::env::var_os("KUBECONFIG").unwrap_or_default();
            let cause = cause(&error.into());
            eprintln!("ptstat: warning: KUBECONFIG={}: {cause}; remote pods are not named", paths.display());
            return Ok(None);
        }
    }
    if std::env::var_os("KUBERNETES_SERVICE_HOST").is_none() {
        return Ok(None);
    }
    match Config::incluster() {
        Ok(config) => Ok(Some(config)),
        Err(error) => {
            eprintln!(
                "ptstat: warning: in-cluster Kubernetes API: {}; remote pods are not named",
                cause(&error.into())
            );
            Ok(None)
        }
    }
}

/// Follows the pods into `index` until the process ends. `listed` hears of the first listing, or of the first
/// failure.
async fn follow_pods(config: Config, index: &RwLock<PodIndex>, listed: &mpsc::SyncSender<()>) {
    let server = config.cluster_url.to_string();
    let client = match Client::try_from(config) {
        Ok(client) => client,
        Err(error) => {
            eprintln!(
                "ptstat: warning: Kubernetes API at {server}: {}; remote pods are not named",
                cause(&error.into())
            );
            let _ = listed.try_send(());
            return;
        }
    };
    let mut events = watcher(Api::<Pod>::all(client), watcher::Config::default()).default_backoff().boxed();
    // The pods of a listing in progress: they replace the index when it is complete.
    let mut listing = PodIndex::default();
    // The watcher retries on its own (with backoff): one warning per outage, which ends when the server answers.
    let mut in_outage = false;
    while let Some(event) = events.next().await {
        let write = || index.write().unwrap_or_else(PoisonError::into_inner);
        match event {
            Err(error) => {
                if !in_outage {
                    let cause = cause(&error.into());
                    eprintln!(
                        "ptstat: warning: Kubernetes API at {server}: {cause}; remote pods are unnamed until it answers"
                    );
                    in_outage = true;
                }
                let _ = listed.try_send(());
            }
            // Said before each listing, before the server is asked: no answer yet.
            Ok(Event::Init) => listing = PodIndex::default(),
            Ok(Event::InitApply(pod)) => listing.apply(&pod),
            Ok(Event::InitDone) => {
                *write() = std::mem::take(&mut listing);
                in_outage = false;
                let _ = listed.try_send(());
            }
            Ok(Event::Apply(pod)) => {
                write().apply(&pod);
                in_outage = false;
            }
            Ok(Event::Delete(pod)) => {
                write().delete(&pod);
                in_outage = false;
            }
        }
    }
}

/// The deepest cause of `error`, on one line: kube's errors repeat their causes in their own text.
fn cause(error: &anyhow::Error) -> String {
    error.root_cause().to_string().lines().next().unwrap_or_default().to_string()
}

/// Pods by address, and each pod's addresses (to forget them when it changes or goes).
#[derive(Default)]
struct PodIndex {
    by_address: HashMap<IpAddr, PodName>,
    addresses: HashMap<PodName, Vec<IpAddr>>,
}

impl PodIndex {
    fn apply(&mut self, pod: &Pod) {
        let Some(name) = pod_name(pod) else { return };
        self.forget(&name);
        let addresses = own_addresses(pod);
        if addresses.is_empty() {
            return;
        }
        for address in &addresses {
            self.by_address.insert(*address, name.clone());
        }
        self.addresses.insert(name, addresses);
    }

    fn delete(&mut self, pod: &Pod) {
        if let Some(name) = pod_name(pod) {
            self.forget(&name);
        }
    }

    fn forget(&mut self, name: &PodName) {
        for address in self.addresses.remove(name).unwrap_or_default() {
            // Another pod may have the address by now.
            if self.by_address.get(&address) == Some(name) {
                self.by_address.remove(&address);
            }
        }
    }
}

fn pod_name(pod: &Pod) -> Option<PodName> {
    let name = pod.metadata.name.clone()?;
    Some(PodName { name, namespace: pod.metadata.namespace.clone().unwrap_or_default() })
}

/// The addresses that are the pod's alone: none for a host-network pod (its address is its node's, shared by
/// every such pod there) nor for a pod that has finished (its address goes to new pods).
fn own_addresses(pod: &Pod) -> Vec<IpAddr> {
    let host_network = pod.spec.as_ref().and_then(|spec| spec.host_network).unwrap_or(false);
    let Some(status) = pod.status.as_ref().filter(|_| !host_network) else { return Vec::new() };
    if matches!(status.phase.as_deref(), Some("Succeeded" | "Failed")) {
        return Vec::new();
    }
    let listed = status.pod_ips.iter().flatten().map(|pod_ip| pod_ip.ip.as_str());
    let mut addresses: Vec<IpAddr> =
        status.pod_ip.as_deref().into_iter().chain(listed).filter_map(|text| text.parse().ok()).collect();
    // podIP is podIPs' first entry.
    addresses.sort_unstable();
    addresses.dedup();
    addresses
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(name: &str, phase: &str, host_network: bool, addresses: &[&str]) -> Pod {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": name, "namespace": "shop"},
            "spec": {"hostNetwork": host_network, "containers": []},
            "status": {
                "phase": phase,
                "podIP": addresses.first(),
                "podIPs": addresses.iter().map(|address| serde_json::json!({"ip": address})).collect::<Vec<_>>(),
            },
        }))
        .expect("a pod")
    }

    fn lookup(index: &PodIndex, address: &str) -> Option<String> {
        index.by_address.get(&address.parse().unwrap()).map(|pod| format!("{}/{}", pod.namespace, pod.name))
    }

    #[test]
    fn pods_are_found_by_each_of_their_addresses() {
        let mut index = PodIndex::default();
        index.apply(&pod("web-0", "Running", false, &["10.244.1.5", "fd00:10:244:1::5"]));
        assert_eq!(lookup(&index, "10.244.1.5").as_deref(), Some("shop/web-0"));
        assert_eq!(lookup(&index, "fd00:10:244:1::5").as_deref(), Some("shop/web-0"));
        assert_eq!(lookup(&index, "10.244.1.6"), None);
    }

    #[test]
    fn host_network_pending_and_finished_pods_own_no_address() {
        let mut index = PodIndex::default();
        index.apply(&pod("node-exporter", "Running", true, &["192.168.1.10"]));
        index.apply(&pod("job-1", "Succeeded", false, &["10.244.1.7"]));
        index.apply(&pod("starting", "Pending", false, &[]));
        assert!(index.by_address.is_empty() && index.addresses.is_empty());
    }

    #[test]
    fn changes_and_deletions_forget_old_addresses() {
        let mut index = PodIndex::default();
        index.apply(&pod("web-0", "Running", false, &["10.244.1.5"]));
        index.apply(&pod("web-0", "Running", false, &["10.244.1.9"]));
        assert_eq!(lookup(&index, "10.244.1.5"), None);
        assert_eq!(lookup(&index, "10.244.1.9").as_deref(), Some("shop/web-0"));
        // The job finished and a new pod got its address: the job's deletion leaves the new pod alone.
        index.apply(&pod("job-2", "Running", false, &["10.244.1.8"]));
        index.apply(&pod("api-1", "Running", false, &["10.244.1.8"]));
        index.delete(&pod("job-2", "Succeeded", false, &["10.244.1.8"]));
        assert_eq!(lookup(&index, "10.244.1.8").as_deref(), Some("shop/api-1"));
        index.apply(&pod("web-0", "Failed", false, &["10.244.1.9"]));
        assert_eq!(lookup(&index, "10.244.1.9"), None);
    }
}
