//! A program the kernel's verifier rejects, loaded the way ptstat loads its own: the error names it and quotes the
//! end of the verifier's log, where the cause is, and ptstat's report puts the whole log above that line. Needs
//! root and clang (which the build needs too).

mod common;

use std::process::Command;

use aya::{EbpfLoader, programs::SchedClassifier};
use ptstat::source::live::verifier::{fatal_error_report, load_reporting_rejection};

/// Reads the byte at `skb->len & 127` of a 64-byte map value: past its end for packets of 64 bytes or more.
const OUT_OF_BOUNDS: &str = r#"
#define SEC(name) __attribute__((section(name), used))

struct __sk_buff {
    unsigned int len;
};

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;

struct {
    int (*type)[2]; /* BPF_MAP_TYPE_ARRAY */
    int (*max_entries)[1];
    unsigned int *key;
    unsigned char (*value)[64];
} slots SEC(".maps");

SEC("classifier")
int out_of_bounds(struct __sk_buff *skb)
{
    unsigned int zero = 0;
    unsigned char *slot = bpf_map_lookup_elem(&slots, &zero);
    if (!slot)
        return 0;
    return slot[skb->len & 127];
}

char _license[] SEC("license") = "GPL";
"#;

#[test]
fn a_rejected_program_is_named_with_the_verifiers_complaint_and_its_whole_log() {
    if !common::root_or_skip("a_rejected_program_is_named_with_the_verifiers_complaint_and_its_whole_log") {
        return;
    }
    let directory = tempfile::tempdir().unwrap();
    let source = directory.path().join("out_of_bounds.bpf.c");
    let object = directory.path().join("out_of_bounds.bpf.o");
    std::fs::write(&source, OUT_OF_BOUNDS).unwrap();
    let clang = std::env::var("CLANG").unwrap_or_else(|_| "clang".into());
    let compiled =
        Command::new(clang).args(["-O2", "-g", "-target", "bpf", "-c"]).arg(&source).arg("-o").arg(&object).status();
    assert!(compiled.unwrap().success());
    // The loader's defaults, as ptstat's: the log comes at the level ptstat gets it.
    let mut ebpf = EbpfLoader::new().load_file(&object).unwrap();
    let program: &mut SchedClassifier = ebpf.program_mut("out_of_bounds").unwrap().try_into().unwrap();
    let error = load_reporting_rejection("out_of_bounds", || program.load()).unwrap_err();
    let complaint = "the kernel's verifier rejected eBPF program out_of_bounds: invalid access to map value, \
                     value_size=64 off=127 size=1 / R0 max value is outside of the allowed memory range";
    // A warning quotes the complaint, on one line.
    assert_eq!(format!("{error:#}"), complaint);
    // An error ends ptstat with the whole log, then the line naming the program and the cause.
    let report = fatal_error_report(&error.context("eth0: attaching to TC Egress"));
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(
        lines.last().copied(),
        Some(format!("ptstat: eth0: attaching to TC Egress: {complaint} (verifier log above)").as_str())
    );
    let log = &lines[..lines.len() - 1];
    assert_eq!(log.first().copied(), Some("0: R1=ctx() R10=fp0"), "{report}");
    // The instructions of the refused path, and the statistics that end the log.
    assert!(log.iter().any(|line| line.contains(" call bpf_map_lookup_elem#1")), "{report}");
    assert!(log.last().is_some_and(|line| line.starts_with("processed ")), "{report}");
    assert!(!log.iter().any(|line| line.starts_with("ptstat:")), "{report}");
}
