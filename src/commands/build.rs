//! `vimes build [NAME...]`: check the bases, build, push to staging by digest.
//! Builder output streams to stderr; stdout gets `repo@digest` per image (or JSON).

use super::check::build_args;
use super::Ctx;
use crate::cli::BuildArgs;
use crate::exit::Exit;
use crate::pipeline::build::{build, BuildOptions, Event};

/// Runs `vimes build`.
pub async fn run(ctx: &Ctx, args: BuildArgs) -> anyhow::Result<Exit> {
    let loaded = ctx.require_config()?;
    let config_dir = loaded
        .path
        .as_deref()
        .and_then(|p| p.parent())
        .map(|p| {
            if p.as_os_str().is_empty() {
                std::path::Path::new(".")
            } else {
                p
            }
        })
        .unwrap_or(std::path::Path::new("."))
        .to_path_buf();
    let options = BuildOptions {
        names: args.names,
        tag: args.tag,
        build_args: build_args(&args.build_args)?,
        target: args.target,
        platform: args.platform,
    };
    let ui = &ctx.ui;
    let mut on_event = |event: Event<'_>| match event {
        Event::Status(line) => ui.status(&line),
        Event::Warning(line) => eprintln!("warning: {line}"),
        Event::Output(line) => {
            if !ui.quiet {
                eprintln!("{line}");
            }
        }
    };
    let built = build(&loaded.config, &config_dir, &options, &mut on_event).await?;
    let text: Vec<String> = built.iter().map(|b| b.reference.clone()).collect();
    ctx.ui
        .result(&text.join("\n"), &serde_json::json!({ "images": built }));
    Ok(Exit::Success)
}
