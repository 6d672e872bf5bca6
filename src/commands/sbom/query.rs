//! `vimes sbom query`: by package and version range, by PURL, or by an OSV
//! advisory; a table or JSON of the affected images.

use super::super::Ctx;
use super::inventory_path;
use crate::cli::SbomQueryArgs;
use crate::error::Error;
use crate::exit::Exit;
use crate::sbom::query::{self, Answer};
use crate::sbom::{osv, purl::Purl, range::Range, Inventory};
use serde_json::json;
use std::path::PathBuf;

/// The question `sbom query` was asked, checked before the inventory is opened.
enum Question {
    Package {
        name: String,
        kind: Option<String>,
        range: Option<Range>,
    },
    Purl(Purl, String),
    Advisory(osv::Advisory, PathBuf),
}

/// Runs `vimes sbom query`.
pub fn query(ctx: &Ctx, args: SbomQueryArgs) -> anyhow::Result<Exit> {
    let loaded = ctx.optional_config()?;
    let question = if let Some(name) = args.package {
        let range = args
            .version
            .as_deref()
            .map(Range::parse)
            .transpose()
            .map_err(Error::Usage)?;
        if let Some(r) = &range {
            query::check_range(r, args.package_type.as_deref())?;
        }
        Question::Package {
            name,
            kind: args.package_type,
            range,
        }
    } else if let Some(text) = args.purl {
        Question::Purl(Purl::parse(&text).map_err(Error::Usage)?, text)
    } else if let Some(path) = args.advisory {
        let bytes = std::fs::read(&path).map_err(|error| Error::File {
            path: path.clone(),
            error,
        })?;
        let advisory =
            osv::parse(&bytes).map_err(|why| Error::Usage(format!("{}: {why}", path.display())))?;
        Question::Advisory(advisory, path)
    } else {
        return Err(Error::Usage("give --package, --purl or --advisory".into()).into());
    };
    let inventory = Inventory::open_existing(&inventory_path(&loaded)?)?;
    let (answer, asked, what): (Answer, serde_json::Value, String) = match &question {
        Question::Package { name, kind, range } => (
            query::by_package(&inventory, name, kind.as_deref(), range.as_ref())?,
            json!({"package": name, "type": kind, "version": range.as_ref().map(|r| &r.text)}),
            match range {
                Some(r) => format!("{name} {}", r.text),
                None => name.clone(),
            },
        ),
        Question::Purl(purl, text) => (
            query::by_purl(&inventory, purl)?,
            json!({"purl": text}),
            text.clone(),
        ),
        Question::Advisory(advisory, path) => (
            query::by_advisory(&inventory, advisory)?,
            json!({"advisory": advisory.id, "file": path}),
            format!("advisory {}", advisory.id),
        ),
    };
    let indexed = inventory.image_count()?;
    for u in &answer.undecided {
        ctx.ui.status(&format!(
            "warning: cannot decide {} {} in {}@{}: {}",
            u.package.package, u.package.version, u.package.repository, u.package.digest, u.reason
        ));
    }
    let text = match answer.matches.is_empty() {
        true => format!("No image among the {indexed} indexed contains {what}"),
        false => format!(
            "{} image(s) contain {what}:\n{}",
            answer.image_count(),
            table(&answer)
        ),
    };
    let json = json!({
        "query": asked,
        "inventory": inventory.path(),
        "images_indexed": indexed,
        "found": !answer.matches.is_empty(),
        "images": answer.image_count(),
        "matches": answer.matches,
        "undecided": answer.undecided,
    });
    ctx.ui.result(&text, &json);
    Ok(match args.fail_if_found && !answer.matches.is_empty() {
        true => Exit::PolicyDenied,
        false => Exit::Success,
    })
}

fn table(answer: &Answer) -> String {
    let rows: Vec<[String; 4]> = answer
        .matches
        .iter()
        .map(|m| {
            [
                format!("{}@{}", m.repository, m.digest),
                if m.tags.is_empty() {
                    "-".into()
                } else {
                    m.tags.join(",")
                },
                match &m.source {
                    Some(s) => format!("{} (source {s})", m.package),
                    None => m.package.clone(),
                },
                m.version.clone(),
            ]
        })
        .collect();
    let header = ["IMAGE", "TAGS", "PACKAGE", "VERSION"].map(String::from);
    let mut widths = header.clone().map(|h| h.len());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    std::iter::once(&header)
        .chain(&rows)
        .map(|row| {
            let cells: Vec<String> = row
                .iter()
                .zip(widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect();
            cells.join("  ").trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}
