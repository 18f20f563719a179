//! Which container a cgroup path names. Runtimes put each container in a cgroup named after its id:
//!
//! | runtime, cgroup driver | path |
//! | --- | --- |
//! | Docker, cgroupfs | `/docker/ID` |
//! | Docker, systemd | `/system.slice/docker-ID.scope` |
//! | containerd (CRI), systemd | `/kubepods.slice/.../cri-containerd-ID.scope` |
//! | kubelet, cgroupfs | `/kubepods/besteffort/podUID/ID` |
//! | CRI-O, Podman | `.../crio-ID.scope`, `.../libpod-ID.scope` |
//! | containerd (ctr, nerdctl), cgroupfs | `/NAMESPACE/ID` |

use super::containerd::NAMESPACES as CONTAINERD_NAMESPACES;

/// A container id read from a cgroup path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CgroupContainer<'a> {
    pub id: &'a str,
    /// The containerd namespace, when the path has containerd's `/NAMESPACE/ID` shape.
    pub namespace: Option<&'a str>,
}

/// Systemd scope units and cgroupfs directories that runtimes name after the container id.
const RUNTIME_PREFIXES: [&str; 4] = ["docker-", "cri-containerd-", "crio-", "libpod-"];

/// The container ids `path` may name, deepest first: a process in `/docker/ID/init.scope` (systemd inside a
/// container) belongs to ID all the same. Only ids the runtimes know count, so a host cgroup that happens to
/// look like one names nobody.
pub fn container_ids(path: &str) -> impl Iterator<Item = CgroupContainer<'_>> {
    let mut components = path.rsplit('/').filter(|component| !component.is_empty()).peekable();
    std::iter::from_fn(move || {
        loop {
            let component = components.next()?;
            if let Some(found) = container_id(component, components.peek().copied()) {
                return Some(found);
            }
        }
    })
}

/// The names a runtime may give container `id`'s cgroup directory.
pub fn directory_names(id: &str) -> Vec<String> {
    let prefixed = RUNTIME_PREFIXES.iter().flat_map(|prefix| [format!("{prefix}{id}"), format!("{prefix}{id}.scope")]);
    std::iter::once(id.to_string()).chain(prefixed).collect()
}

/// The cgroup directory of container `id` that holds cgroup `path`: `path` up to the component named after the
/// container (`/docker/ID` for `/docker/ID/init.scope`); `None` if no component is.
pub fn container_directory<'a>(path: &'a str, id: &str) -> Option<&'a str> {
    let mut directory = path.trim_end_matches('/');
    while let Some((parent, component)) = directory.rsplit_once('/') {
        let parent_component = parent.rsplit('/').next().filter(|component| !component.is_empty());
        if container_id(component, parent_component).is_some_and(|found| found.id == id) {
            return Some(directory);
        }
        directory = parent;
    }
    None
}

fn container_id<'a>(component: &'a str, parent: Option<&'a str>) -> Option<CgroupContainer<'a>> {
    let unit = component.strip_suffix(".scope").unwrap_or(component);
    if let Some(id) = RUNTIME_PREFIXES.iter().find_map(|prefix| unit.strip_prefix(prefix)) {
        return Some(CgroupContainer { id, namespace: None });
    }
    if let Some(namespace) = parent.filter(|parent| CONTAINERD_NAMESPACES.contains(parent)) {
        return Some(CgroupContainer { id: component, namespace: Some(namespace) });
    }
    is_full_container_id(component).then_some(CgroupContainer { id: component, namespace: None })
}

/// Docker's and CRI's ids: 64 lowercase hex digits.
fn is_full_container_id(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "77415cf0396ae97d75e0b0d4c45dfcff361935eed186a99496d11297f15dd3eb";

    fn ids(path: &str) -> Vec<(String, Option<String>)> {
        container_ids(path).map(|found| (found.id.to_string(), found.namespace.map(str::to_string))).collect()
    }

    #[test]
    fn every_runtime_shape() {
        let bare = |id: &str| vec![(id.to_string(), None)];
        assert_eq!(ids(&format!("/docker/{ID}")), bare(ID));
        assert_eq!(ids(&format!("/system.slice/docker-{ID}.scope")), bare(ID));
        assert_eq!(ids(&format!("/kubepods.slice/kubepods-besteffort.slice/cri-containerd-{ID}.scope")), bare(ID));
        assert_eq!(ids(&format!("/kubepods/besteffort/pod1234-5678/{ID}")), bare(ID));
        assert_eq!(ids(&format!("/machine.slice/libpod-{ID}.scope")), bare(ID));
        assert_eq!(ids(&format!("/kubepods.slice/crio-{ID}.scope")), bare(ID));
        assert_eq!(ids("/k8s.io/web-server"), vec![("web-server".to_string(), Some("k8s.io".to_string()))]);
        assert_eq!(ids("/default/probe"), vec![("probe".to_string(), Some("default".to_string()))]);
    }

    #[test]
    fn nested_cgroups_name_their_container_and_host_cgroups_nothing() {
        assert_eq!(ids(&format!("/docker/{ID}/init.scope")), vec![(ID.to_string(), None)]);
        assert_eq!(ids("/system.slice/ssh.service"), vec![]);
        assert_eq!(ids("/user.slice/user-0.slice/session-3.scope"), vec![]);
        assert_eq!(ids("/"), vec![]);
        assert_eq!(ids(""), vec![]);
        // Too short, or not hex, for an id of its own.
        assert_eq!(ids("/docker/77415cf0"), vec![]);
        assert_eq!(ids(&format!("/x/{}", ID.to_uppercase())), vec![]);
    }

    #[test]
    fn directory_names_are_the_shapes_read() {
        let names = directory_names(ID);
        assert_eq!(names.len(), 1 + 2 * RUNTIME_PREFIXES.len());
        for name in &names {
            assert_eq!(ids(&format!("/docker/{name}")), vec![(ID.to_string(), None)], "{name}");
        }
        assert!(names.contains(&format!("cri-containerd-{ID}.scope")));
    }

    #[test]
    fn a_containers_directory_holds_its_nested_cgroups() {
        let docker = format!("/docker/{ID}");
        assert_eq!(container_directory(&format!("{docker}/init.scope"), ID), Some(docker.as_str()));
        assert_eq!(container_directory(&docker, ID), Some(docker.as_str()));
        let scope = format!("/system.slice/docker-{ID}.scope");
        assert_eq!(container_directory(&format!("{scope}/a/b"), ID), Some(scope.as_str()));
        assert_eq!(container_directory("/k8s.io/web/sub", "web"), Some("/k8s.io/web"));
        assert_eq!(container_directory("/k8s.io/web", "other"), None);
        assert_eq!(container_directory("/user.slice/web", "web"), None, "not a runtime's shape");
        assert_eq!(container_directory("/", ID), None);
    }
}
