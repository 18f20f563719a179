//! Programs the kernel refuses to load. The verifier explains itself at the end of its log, after the last
//! instruction it checked: the error quotes those lines and names the program; the whole log goes with the error,
//! printed before ptstat's last line when the refusal ends ptstat (a warning quotes the end only).
//!
//! aya asks for the log only when a load fails: it loads again with a log buffer, grown until the log fits, at
//! EbpfLoader's default level (the failing path's instructions and the statistics).

use std::fmt;

use aya::programs::ProgramError;

/// The most lines of the log's end that an error quotes: the complaint is one or two lines.
const QUOTED_LINES: usize = 3;

/// The kernel's verifier refused program `program`; `log` is everything it said.
#[derive(Debug)]
pub struct Rejected {
    pub program: String,
    pub log: String,
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the kernel's verifier rejected eBPF program {}: {}", self.program, complaint(&self.log))
    }
}

impl std::error::Error for Rejected {}

/// Loads program `name` with `load` (its type's `load`, with its arguments). A failure names the program; a
/// refusal by the verifier is a [`Rejected`].
pub fn load_reporting_rejection(name: &str, load: impl FnOnce() -> Result<(), ProgramError>) -> anyhow::Result<()> {
    let loading = || format!("loading the eBPF program {name}");
    load().map_err(|error| match error {
        ProgramError::LoadError { io_error, verifier_log } => {
            let log = verifier_log.to_string();
            match log.trim().is_empty() {
                // The kernel refused before verifying (no privilege, an unknown program type): aya's message would
                // end in an empty "Verifier output:".
                true => anyhow::Error::new(io_error).context(loading()),
                false => Rejected { program: name.to_string(), log }.into(),
            }
        }
        other => anyhow::Error::new(other).context(loading()),
    })
}

/// What ptstat prints when `error` ends it: one line, `ptstat: ...`; when the error is a program the verifier
/// rejected, the whole log before it, where the line points the user.
pub fn fatal_error_report(error: &anyhow::Error) -> String {
    match error.chain().find_map(|cause| cause.downcast_ref::<Rejected>()) {
        Some(rejected) => format!("{}\nptstat: {error:#} (verifier log above)\n", rejected.log.trim_end()),
        None => format!("ptstat: {error:#}\n"),
    }
}

/// The verifier's complaint, on one line: the last lines of `log` after the last instruction it printed, without
/// the statistics that end every log.
fn complaint(log: &str) -> String {
    let lines: Vec<&str> = log.lines().map(str::trim).filter(|line| !line.is_empty() && !is_statistics(line)).collect();
    let after_last_instruction = lines.iter().rposition(|line| is_instruction(line)).map_or(0, |index| index + 1);
    // A log without a line after its last instruction: its last lines are all there is to quote.
    let said = match &lines[after_last_instruction..] {
        [] => &lines[..],
        complaint => complaint,
    };
    said[said.len().saturating_sub(QUOTED_LINES)..].join(" / ")
}

/// An instruction as the verifier prints it: `12: (71) r6 = *(u8 *)(r0 +0)`.
fn is_instruction(line: &str) -> bool {
    line.split_once(": (").is_some_and(|(index, _)| !index.is_empty() && index.bytes().all(|b| b.is_ascii_digit()))
}

/// The lines the kernel adds to every log at the statistics level: `processed 12 insns (limit 1000000) ...`,
/// `verification time 25 usec`, `stack depth 8`.
fn is_statistics(line: &str) -> bool {
    (line.starts_with("processed ") && line.contains(" insns ("))
        || line.starts_with("verification time ")
        || line.starts_with("stack depth ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What Linux 6.18 said of a program reading past a 64-byte map value (tests/verifier.rs loads it).
    const OUT_OF_BOUNDS_LOG: &str = "\
0: R1=ctx() R10=fp0
; int out_of_bounds(struct __sk_buff *skb) @ out_of_bounds.bpf.c:18
0: (bf) r7 = r1                       ; R1=ctx() R7=ctx()
1: (b7) r6 = 0                        ; R6=0
; unsigned int zero = 0; @ out_of_bounds.bpf.c:20
2: (63) *(u32 *)(r10 -4) = r6         ; R6=0 R10=fp0 fp-8=0000????
3: (bf) r2 = r10                      ; R2=fp0 R10=fp0
;  @ out_of_bounds.bpf.c:0
4: (07) r2 += -4                      ; R2=fp-4
; unsigned char *slot = bpf_map_lookup_elem(&slots, &zero); @ out_of_bounds.bpf.c:21
5: (18) r1 = 0xffff8883d3a7b400       ; R1=map_ptr(map=slots,ks=4,vs=64)
7: (85) call bpf_map_lookup_elem#1    ; R0=map_value(map=slots,ks=4,vs=64)
; if (!slot) @ out_of_bounds.bpf.c:22
8: (15) if r0 == 0x0 goto pc+4        ; R0=map_value(map=slots,ks=4,vs=64)
; return slot[skb->len & 127]; @ out_of_bounds.bpf.c:24
9: (61) r1 = *(u32 *)(r7 +0)          ; R1=scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff)) R7=ctx()
10: (57) r1 &= 127                    ; R1=scalar(smin=smin32=0,smax=umax=smax32=umax32=127,var_off=(0x0; 0x7f))
11: (0f) r0 += r1                     ; R0=map_value(map=slots,ks=4,vs=64,smin=smin32=0,smax=umax=smax32=umax32=127,var_off=(0x0; 0x7f)) R1=scalar(smin=smin32=0,smax=umax=smax32=umax32=127,var_off=(0x0; 0x7f))
12: (71) r6 = *(u8 *)(r0 +0)
invalid access to map value, value_size=64 off=127 size=1
R0 max value is outside of the allowed memory range
verification time 61 usec
stack depth 8
processed 12 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0
";

    #[test]
    fn quotes_the_lines_after_the_last_instruction_without_the_statistics() {
        assert_eq!(
            complaint(OUT_OF_BOUNDS_LOG),
            "invalid access to map value, value_size=64 off=127 size=1 / R0 max value is outside of the allowed \
             memory range"
        );
    }

    #[test]
    fn a_log_without_instructions_is_quoted_by_its_last_three_lines() {
        let log = "func#0 @0\nfunc#1 @4\nfunc#2 @9\nunreachable insn 12\n\nverification time 8 usec\nstack depth 0\n\
                   processed 0 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n";
        assert_eq!(complaint(log), "func#1 @4 / func#2 @9 / unreachable insn 12");
    }

    #[test]
    fn the_error_names_the_program_on_one_line() {
        let rejected = Rejected { program: "capture_egress".into(), log: OUT_OF_BOUNDS_LOG.into() };
        assert_eq!(
            rejected.to_string(),
            "the kernel's verifier rejected eBPF program capture_egress: invalid access to map value, value_size=64 \
             off=127 size=1 / R0 max value is outside of the allowed memory range"
        );
    }
}
