//! The data flows one way, and so do the imports: each top-level module of the library may use only the ones
//! before it in `STAGES` (the pipeline's order), never one after it. A `use crate::...` that points up the
//! pipeline fails this test, which reads the sources themselves.

use std::{fs, path::Path};

/// The library's modules in the pipeline's order: shared types, the stages, the parser, the composition.
const STAGES: [&str; 8] = ["packet", "source", "decode", "enrich", "sink", "cli", "pipeline", "lib"];

/// The top-level modules `source` names through `crate::`, in paths (`crate::sink::Sink`) and in groups
/// (`use crate::{sink::Sink, ...}` over several lines).
fn modules_used(source: &str) -> Vec<String> {
    let mut used = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let group = rest.strip_prefix('{').map(|inside| {
            // The group's top-level names: those at brace depth 0 inside it.
            let mut depth = 0;
            let mut names = String::new();
            for character in inside.chars() {
                match character {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    _ if depth == 0 => names.push(character),
                    _ => {}
                }
            }
            names
        });
        let names = group.unwrap_or_else(|| {
            rest.split(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or("").to_string()
        });
        for name in names.split([',', ':']).map(str::trim).filter(|name| !name.is_empty()) {
            used.push(name.to_string());
        }
    }
    used.retain(|name| STAGES.contains(&name.as_str()));
    used
}

fn files_under(path: &Path, found: &mut Vec<std::path::PathBuf>) {
    if path.is_dir() {
        for entry in fs::read_dir(path).unwrap() {
            files_under(&entry.unwrap().path(), found);
        }
    } else if path.is_file() && path.extension().is_some_and(|extension| extension == "rs") {
        found.push(path.to_path_buf());
    }
}

#[test]
fn no_module_imports_one_after_it_in_the_pipeline() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut violations = Vec::new();
    let mut checked = 0;
    for (rank, stage) in STAGES.iter().enumerate() {
        let mut files = Vec::new();
        files_under(&src.join(stage), &mut files);
        files_under(&src.join(format!("{stage}.rs")), &mut files);
        for file in files {
            checked += 1;
            let text = fs::read_to_string(&file).unwrap();
            for used in modules_used(&text) {
                let used_rank = STAGES.iter().position(|stage| *stage == used).unwrap();
                if used_rank > rank {
                    violations.push(format!("{} uses crate::{used}", file.strip_prefix(&src).unwrap().display()));
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} source files found under {}", src.display());
    assert!(violations.is_empty(), "imports against the pipeline's order:\n{}", violations.join("\n"));
}

#[test]
fn the_checker_sees_paths_and_groups() {
    let source = "use crate::{\n    packet::Packet,\n    sink::{Sink, Sinks},\n};\nfn f() { crate::enrich::x(); }";
    assert_eq!(modules_used(source), ["packet", "sink", "enrich"]);
}
