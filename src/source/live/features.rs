//! What the running kernel offers ptstat, found by probing (a type in its BTF, a helper a program may call), never
//! by version number: distributions backport. The loader sets the programs' switches from it (ebpf/flows.h), the
//! attachers pick their paths by it, and `--version` reports it.

use std::{
    path::{Path, PathBuf},
    sync::OnceLock,
};

use anyhow::anyhow;
use aya::{
    Btf,
    programs::ProgramType,
    sys::{BpfHelper, is_helper_supported},
};
use aya_obj::btf::BtfKind;

/// `--kernel-btf FILE`: the kernel's BTF where /sys/kernel/btf/vmlinux is missing.
static KERNEL_BTF_FILE: OnceLock<PathBuf> = OnceLock::new();

/// Where the kernel's types are read from by every probe, CO-RE relocation and BTF program: `file` instead of
/// /sys/kernel/btf/vmlinux. Call before anything is loaded; only the first call counts.
pub fn use_kernel_btf_file(file: PathBuf) {
    let _ = KERNEL_BTF_FILE.set(file);
}

/// The running kernel's BTF, read once: from `--kernel-btf FILE`, else /sys/kernel/btf/vmlinux.
pub fn kernel_btf() -> anyhow::Result<&'static Btf> {
    static BTF: OnceLock<Result<Btf, String>> = OnceLock::new();
    let read = || match KERNEL_BTF_FILE.get() {
        Some(file) => Btf::parse_file(file, aya::Endianness::default())
            .map_err(|error| format!("--kernel-btf {}: {error}", file.display())),
        None if !Path::new(SYSTEM_BTF).exists() => {
            Err(format!("this kernel has no {SYSTEM_BTF} (CONFIG_DEBUG_INFO_BTF): give its BTF with --kernel-btf FILE"))
        }
        None => Btf::from_sys_fs().map_err(|error| format!("{SYSTEM_BTF}: {error}")),
    };
    BTF.get_or_init(read).as_ref().map_err(|error| anyhow!("{error}"))
}

const SYSTEM_BTF: &str = "/sys/kernel/btf/vmlinux";

/// Where `kernel_btf` reads from.
pub fn kernel_btf_source() -> String {
    KERNEL_BTF_FILE.get().map_or_else(|| SYSTEM_BTF.to_string(), |file| format!("{} (--kernel-btf)", file.display()))
}

/// How packets are tied to processes that send and receive on sockets they did not create (accepted connections)
/// or that existed before ptstat: ebpf/sockets.h.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SocketUseHooks {
    /// The sock_send_length and sock_recv_length tracepoints (Linux 6.3).
    Tracepoints,
    /// fentry, else kprobe, on sock_sendmsg and sock_recvmsg: decided when attaching.
    EntryProbes,
}

/// The kernel's offer, as far as ptstat's choices depend on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Features {
    /// The BTF id of the kfunc bpf_cast_to_kern_ctx (Linux 6.2): packets tell their network namespace.
    pub kernel_context: Option<u32>,
    /// bpf_ktime_get_tai_ns (Linux 6.1): packets are stamped with CLOCK_TAI, else CLOCK_BOOTTIME.
    pub tai_clock: bool,
    /// bpf_xdp_load_bytes (Linux 5.18): XDP programs can copy packets.
    pub xdp_load_bytes: bool,
    /// TCX (Linux 6.6): TC programs attached by links the kernel removes when ptstat ends; else clsact.
    pub tcx: bool,
    pub socket_use: SocketUseHooks,
    /// The net_dev_queue and netif_receive_skb tracepoints in the kernel's BTF, which tp_btf programs attach to
    /// (Linux 5.5): `--backend tp-btf`.
    pub packet_tracepoints: bool,
}

impl Features {
    /// Probed once. The helper probes load tiny programs, which needs privileges: without them a helper counts as
    /// missing, which only `--version` as an ordinary user can see.
    pub fn get() -> &'static Features {
        static FEATURES: OnceLock<Features> = OnceLock::new();
        FEATURES.get_or_init(|| {
            let btf = kernel_btf().ok();
            let has_type =
                |name: &str, kind: BtfKind| btf.is_some_and(|btf| btf.id_by_type_name_kind(name, kind).is_ok());
            let helper =
                |program: ProgramType, helper: BpfHelper| is_helper_supported(program, helper).unwrap_or(false);
            Features {
                kernel_context: btf
                    .and_then(|btf| btf.id_by_type_name_kind("bpf_cast_to_kern_ctx", BtfKind::Func).ok()),
                tai_clock: helper(ProgramType::SchedClassifier, BpfHelper::BPF_FUNC_ktime_get_tai_ns),
                xdp_load_bytes: helper(ProgramType::Xdp, BpfHelper::BPF_FUNC_xdp_load_bytes),
                // The state a TCX hook keeps; present from the kernel that brought TCX.
                tcx: has_type("tcx_entry", BtfKind::Struct),
                // A BTF tracepoint is a typedef btf_trace_NAME in the kernel's BTF.
                socket_use: match has_type("btf_trace_sock_send_length", BtfKind::Typedef)
                    && has_type("btf_trace_sock_recv_length", BtfKind::Typedef)
                {
                    true => SocketUseHooks::Tracepoints,
                    false => SocketUseHooks::EntryProbes,
                },
                packet_tracepoints: has_type("btf_trace_net_dev_queue", BtfKind::Typedef)
                    && has_type("btf_trace_netif_receive_skb", BtfKind::Typedef),
            }
        })
    }

    /// Whether flows are keyed by network namespace, and so whether ptstat can capture in other namespaces.
    pub fn namespaces_known(&self) -> bool {
        self.kernel_context.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_kernel_offers_every_feature() {
        // The VM these tests run on has 6.18; older kernels are tested under qemu (scripts/kernels). The helper
        // probes load programs: without root they may only skip, and CI (root) forbids that.
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            assert!(std::env::var("CI").as_deref() != Ok("true"), "needs root, and CI=true forbids skipping");
            return;
        }
        let features = Features::get();
        assert!(features.kernel_context.is_some() && features.tai_clock && features.xdp_load_bytes && features.tcx);
        assert!(features.packet_tracepoints);
        assert_eq!(features.socket_use, SocketUseHooks::Tracepoints);
    }
}
