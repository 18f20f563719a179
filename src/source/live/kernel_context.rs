//! The kernel's own structure behind a program's context (`kernel_context` in ebpf/flows.h), which tells each
//! packet's network namespace. It comes from the kfunc bpf_cast_to_kern_ctx, and aya 0.14 cannot relocate calls to
//! kernel functions: the call is written over the function's marker here, with the kfunc's BTF id in the running
//! kernel, before aya parses the object. The verifier then turns the call into `r0 = r1`: it costs nothing.

use anyhow::ensure;

use super::features::Features;

/// "ptstat\0K" as the little-endian immediate of `r0 = MARKER ll`: two instruction slots.
const MARKER: u64 = u64::from_le_bytes(*b"ptstat\0K");
const INSTRUCTION_LEN: usize = 8;

/// `object` (an eBPF ELF) with every `kernel_context` marker replaced by a call of bpf_cast_to_kern_ctx, or by
/// `r0 = 0` where the kernel lacks it (the programs then take every packet to be in ptstat's own namespace).
pub fn patch(object: &[u8]) -> anyhow::Result<Vec<u8>> {
    patch_with(object, Features::get().kernel_context)
}

fn patch_with(object: &[u8], kfunc: Option<u32>) -> anyhow::Result<Vec<u8>> {
    let marker = [instruction(0x18, 0, MARKER as u32), instruction(0, 0, (MARKER >> 32) as u32)].concat();
    let replacement = match kfunc {
        // call (BPF_JMP | BPF_CALL) with src_reg BPF_PSEUDO_KFUNC_CALL, off 0 (vmlinux), imm the BTF id; then ja +0.
        Some(id) => [instruction(0x85, 2 << 4, id), instruction(0x05, 0, 0)].concat(),
        // r0 = 0 (BPF_ALU64 | BPF_MOV | BPF_K); ja +0.
        None => [instruction(0xb7, 0, 0), instruction(0x05, 0, 0)].concat(),
    };
    let mut patched = object.to_vec();
    let mut found = 0;
    // Code sections are 8-byte aligned in the file, as the filter regions (filter.rs) rely on too.
    let mut at = 0;
    while at + marker.len() <= patched.len() {
        if patched[at..at + marker.len()] == marker[..] {
            patched[at..at + marker.len()].copy_from_slice(&replacement);
            found += 1;
            at += marker.len();
        } else {
            at += INSTRUCTION_LEN;
        }
    }
    ensure!(found > 0, "the eBPF object has no kernel_context marker");
    Ok(patched)
}

/// One eBPF instruction with register byte `registers` (src << 4 | dst), offset 0 and immediate `imm`.
fn instruction(code: u8, registers: u8, imm: u32) -> [u8; INSTRUCTION_LEN] {
    let imm = imm.to_le_bytes();
    [code, registers, 0, 0, imm[0], imm[1], imm[2], imm[3]]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_every_marker() {
        let marker = [instruction(0x18, 0, MARKER as u32), instruction(0, 0, (MARKER >> 32) as u32)].concat();
        let exit = instruction(0x95, 0, 0);
        let object = [&exit[..], &marker, &exit, &marker].concat();
        let patched = patch_with(&object, Some(63562)).unwrap();
        let call = [0x85, 0x20, 0, 0, 0x4a, 0xf8, 0, 0];
        let expected = [&exit[..], &call, &[5, 0, 0, 0, 0, 0, 0, 0], &exit, &call, &[5, 0, 0, 0, 0, 0, 0, 0]].concat();
        assert_eq!(patched, expected);
        let without = patch_with(&object, None).unwrap();
        assert_eq!(&without[8..16], &[0xb7, 0, 0, 0, 0, 0, 0, 0]);
        assert!(patch_with(&exit, None).is_err());
    }
}
