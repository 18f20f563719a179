//! `ptstat-docs OUTDIR`: writes ptstat's man page (`ptstat.1`) and its bash, zsh and fish completions
//! (`ptstat.bash`, `_ptstat`, `ptstat.fish`) into OUTDIR, all from the same definition as the command line itself,
//! so they cannot drift from it. README ("Man page and completions") tells where each file goes.

use std::{fs::File, io::Write, path::Path, process::ExitCode};

use anyhow::Context;
use clap_complete::Shell;

fn main() -> ExitCode {
    let Some(directory) = std::env::args_os().nth(1) else {
        eprintln!("usage: ptstat-docs OUTDIR");
        return ExitCode::FAILURE;
    };
    match write_all(Path::new(&directory)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ptstat-docs: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn write_all(directory: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(directory).with_context(|| directory.display().to_string())?;
    let command = ptstat::cli::help::command();
    write_file(&directory.join("ptstat.1"), |file| clap_mangen::Man::new(command.clone()).render(file))?;
    // clap_complete writes -# as `-s #` for fish, which fish reads as a comment: there it completes as --number.
    let fish = command.clone().mut_args(|arg| if arg.get_short() == Some('#') { arg.short(None) } else { arg });
    for (shell, mut command, name) in [
        (Shell::Bash, command.clone(), "ptstat.bash"),
        (Shell::Zsh, command, "_ptstat"),
        (Shell::Fish, fish, "ptstat.fish"),
    ] {
        write_file(&directory.join(name), |file| {
            clap_complete::generate(shell, &mut command, "ptstat", file);
            Ok(())
        })?;
    }
    Ok(())
}

fn write_file(path: &Path, render: impl FnOnce(&mut File) -> std::io::Result<()>) -> anyhow::Result<()> {
    let mut file = File::create(path).with_context(|| path.display().to_string())?;
    render(&mut file).and_then(|()| file.flush()).with_context(|| path.display().to_string())
}
