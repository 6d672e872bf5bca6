//! `vimes completions SHELL` and the hidden `vimes generate-man DIR`: both
//! are generated from the clap definitions, so the committed files in
//! completions/ and man/ can be checked against the binary.

use crate::error::Error;
use crate::exit::Exit;
use clap::Args;
use std::path::PathBuf;

/// `vimes completions SHELL`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `vimes generate-man DIR` (hidden; used to regenerate man/).
#[derive(Debug, Args)]
pub struct GenerateManArgs {
    /// Directory to write the pages into.
    pub dir: PathBuf,
}

/// Prints the completion script for one shell.
pub fn completions(args: CompletionsArgs, mut command: clap::Command) -> anyhow::Result<Exit> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "vimes", &mut script);
    std::io::Write::write_all(&mut std::io::stdout(), &script)
        .map_err(|e| Error::Usage(format!("cannot write the completions: {e}")))?;
    Ok(Exit::Success)
}

/// Writes `vimes.1` and one page per (nested) subcommand, `vimes-copy.1` etc.
pub fn man_pages(args: GenerateManArgs, command: clap::Command) -> anyhow::Result<Exit> {
    std::fs::create_dir_all(&args.dir).map_err(|error| Error::File {
        path: args.dir.clone(),
        error,
    })?;
    write_pages(&command.clone().name("vimes"), "vimes", &args.dir)?;
    Ok(Exit::Success)
}

fn write_pages(command: &clap::Command, name: &str, dir: &std::path::Path) -> anyhow::Result<()> {
    if command.is_hide_set() {
        return Ok(());
    }
    let mut buffer = Vec::new();
    clap_mangen::Man::new(command.clone().name(name.to_string()))
        .render(&mut buffer)
        .map_err(|e| Error::Usage(format!("cannot render the man page of {name}: {e}")))?;
    let path = dir.join(format!("{name}.1"));
    std::fs::write(&path, buffer).map_err(|error| Error::File { path, error })?;
    for sub in command.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        write_pages(sub, &format!("{name}-{}", sub.get_name()), dir)?;
    }
    Ok(())
}
