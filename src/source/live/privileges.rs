//! Live capture needs capabilities: a clear message beats the kernel's EPERM from deep inside a load.

/// (capability number, name) that loading and attaching the capture programs need.
const CAP_NET_ADMIN: u32 = 12;
const REQUIRED: [(u32, &str); 3] = [(39, "CAP_BPF"), (CAP_NET_ADMIN, "CAP_NET_ADMIN"), (38, "CAP_PERFMON")];
const CAP_SYS_ADMIN: u32 = 21;

/// Names the required capabilities the process lacks, reading `CapEff` of /proc/self/status.
pub fn missing_capabilities() -> Vec<&'static str> {
    let effective = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|line| line.starts_with("CapEff:"))?;
            u64::from_str_radix(line.trim_start_matches("CapEff:").trim(), 16).ok()
        })
        .unwrap_or(0);
    let has = |capability: u32| effective & (1 << capability) != 0;
    REQUIRED
        .iter()
        // CAP_SYS_ADMIN stands in for CAP_BPF and CAP_PERFMON (kernels before 5.8 know only it).
        .filter(|&&(capability, _)| {
            let covered_by_sys_admin = capability != CAP_NET_ADMIN && has(CAP_SYS_ADMIN);
            !has(capability) && !covered_by_sys_admin
        })
        .map(|(_, name)| *name)
        .collect()
}
