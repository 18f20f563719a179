//! Compiles the eBPF programs in `ebpf/` with clang and leaves the objects in OUT_DIR, where
//! `src/source/live/programs.rs` embeds them. Needs clang and libbpf's headers (Debian: clang llvm libbpf-dev).

use std::{env, path::PathBuf, process::Command};

/// (object, source, clang's extra arguments). The capture programs twice: with filter regions of 32768 instruction
/// slots, and of 2048 for the expressions that fit there (src/source/live/programs.rs picks).
const OBJECTS: &[(&str, &str, &[&str])] =
    &[("capture", "capture", &[]), ("capture_small", "capture", &["-DFILTER_REGION_SLOTS=2048"])];
const INSTALL_HINT: &str = "install clang, llvm and libbpf-dev (apt-get install clang llvm libbpf-dev)";

fn main() {
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo::rerun-if-changed=ebpf");
    for (program, source, defines) in OBJECTS {
        let source = format!("ebpf/{source}.bpf.c");
        let object = out_dir.join(format!("{program}.bpf.o"));
        let compiled = Command::new(env::var("CLANG").unwrap_or_else(|_| "clang".into()))
            .args(["-O2", "-g", "-Wall", "-Werror", "-target", "bpf", "-D__TARGET_ARCH_x86", "-Iebpf", "-c"])
            .args(*defines)
            .arg(&source)
            .arg("-o")
            .arg(&object)
            .status();
        match compiled {
            Ok(status) if status.success() => {}
            Ok(_) => fail(&format!("clang could not compile {source} (see its messages above)")),
            Err(error) => fail(&format!("cannot run clang ({error}) to build the eBPF programs: {INSTALL_HINT}")),
        }
        // DWARF is not needed at load time; .BTF and .BTF.ext stay.
        let stripped = Command::new("llvm-objcopy").arg("--strip-debug").arg(&object).status();
        if !matches!(stripped, Ok(status) if status.success()) {
            fail(&format!("cannot run llvm-objcopy to strip {program}.bpf.o: {INSTALL_HINT}"));
        }
    }
}

fn fail(message: &str) -> ! {
    println!("cargo::error={message}");
    // cargo fails the build on `cargo::error` and shows just that line; a non-zero exit would bury it in noise.
    std::process::exit(0);
}
