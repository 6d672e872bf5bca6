//! `vimes sbom query`: by package and version range, by PURL, or by an OSV
//! advisory; a table or JSON of the affected images.

use super::super::Ctx;
use super::inventory_location;
use crate::error::Error;
use crate::exit::Exit;
use crate::sbom::query::{self, Answer};
use crate::sbom::{osv, purl::Purl, range::Range, Inventory};
use crate::ui::table::printable;
use clap::Args;
use serde_json::json;
use std::path::PathBuf;

/// `vimes sbom query`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["package", "purl", "advisory"])))]
pub struct SbomQueryArgs {
    /// Package name (binary or source package; PyPI names in any spelling).
    #[arg(long, value_name = "NAME")]
    pub package: Option<String>,
    /// Version range of --package: comparators joined by commas, e.g. '>=1.2.3, <2.0'.
    #[arg(long, value_name = "RANGE", requires = "package")]
    pub version: Option<String>,
    /// Only packages of this PURL type (deb, pypi, npm, cargo, golang, ...).
    #[arg(long = "type", value_name = "TYPE", requires = "package")]
    pub package_type: Option<String>,
    /// Package URL, with or without version and qualifiers.
    #[arg(long, value_name = "PURL")]
    pub purl: Option<String>,
    /// OSV advisory (JSON): the images holding an affected version.
    #[arg(long, value_name = "FILE")]
    pub advisory: Option<PathBuf>,
    /// Exit 1 when something is found.
    #[arg(long)]
    pub fail_if_found: bool,
}

/// The question `sbom query` (or `report`) was asked, checked before the
/// inventory is opened.
pub(in crate::commands) enum Question {
    Package {
        name: String,
        kind: Option<String>,
        range: Option<Range>,
    },
    Purl(Purl, String),
    Advisory(osv::Advisory, PathBuf),
}

impl Question {
    /// Parses the flags (exit 2 on a malformed range, PURL or advisory);
    /// `None` when none of `--package`, `--purl`, `--advisory` was given.
    pub(in crate::commands) fn parse(
        package: Option<String>,
        version: Option<&str>,
        package_type: Option<String>,
        purl: Option<String>,
        advisory: Option<PathBuf>,
    ) -> Result<Option<Question>, Error> {
        Ok(Some(if let Some(name) = package {
            let range = version
                .map(Range::parse)
                .transpose()
                .map_err(|e| Error::Usage(e.to_string()))?;
            if let Some(r) = &range {
                query::check_range(r, package_type.as_deref())?;
            }
            Question::Package {
                name,
                kind: package_type,
                range,
            }
        } else if let Some(text) = purl {
            Question::Purl(
                Purl::parse(&text).map_err(|e| Error::Usage(e.to_string()))?,
                text,
            )
        } else if let Some(path) = advisory {
            let bytes = crate::regular_file::read(&path).map_err(|error| Error::File {
                path: path.clone(),
                error,
            })?;
            let advisory = osv::parse(&bytes)
                .map_err(|why| Error::Usage(format!("{}: {why}", path.display())))?;
            Question::Advisory(advisory, path)
        } else {
            return Ok(None);
        }))
    }

    /// Asks the inventory: the answer, the question as JSON, and in words.
    pub(in crate::commands) fn ask(
        &self,
        inventory: &Inventory,
    ) -> Result<(Answer, serde_json::Value, String), Error> {
        Ok(match self {
            Question::Package { name, kind, range } => (
                query::by_package(inventory, name, kind.as_deref(), range.as_ref())?,
                json!({"package": name, "type": kind, "version": range.as_ref().map(|r| &r.text)}),
                match range {
                    Some(r) => format!("{name} {}", r.text),
                    None => name.clone(),
                },
            ),
            Question::Purl(purl, text) => (
                query::by_purl(inventory, purl)?,
                json!({"purl": text}),
                text.clone(),
            ),
            Question::Advisory(advisory, path) => (
                query::by_advisory(inventory, advisory)?,
                json!({"advisory": advisory.id, "file": path}),
                format!("advisory {}", advisory.id),
            ),
        })
    }
}

/// Runs `vimes sbom query`.
pub fn query(ctx: &Ctx, args: SbomQueryArgs) -> anyhow::Result<Exit> {
    let loaded = ctx.optional_config()?;
    let question = Question::parse(
        args.package,
        args.version.as_deref(),
        args.package_type,
        args.purl,
        args.advisory,
    )?
    .ok_or_else(|| Error::Usage("give --package, --purl or --advisory".into()))?;
    let inventory = Inventory::open_existing(inventory_location(&loaded)?)?;
    let (answer, asked, what) = question.ask(&inventory)?;
    let indexed = inventory.image_count()?;
    for u in &answer.undecided {
        ctx.ui.status(&printable(&format!(
            "warning: cannot decide {} {} in {}@{}: {}",
            u.package.package, u.package.version, u.package.repository, u.package.digest, u.reason
        )));
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
        "inventory": inventory.location(),
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
    // Every cell here comes from an SBOM, that is from an image's own files.
    let rows: Vec<Vec<String>> = answer
        .matches
        .iter()
        .map(|m| {
            vec![
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
    crate::ui::table::render(&["IMAGE", "TAGS", "PACKAGE", "VERSION"], &rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sbom::query::Match;

    fn found(package: &str, version: &str) -> Match {
        Match {
            repository: "127.0.0.1:5000/app".into(),
            digest: format!("sha256:{}", "ab".repeat(32)),
            tags: vec!["1".into()],
            package: package.into(),
            version: version.into(),
            kind: "deb".into(),
            purl: None,
            source: None,
            advisory_package: None,
        }
    }

    /// A package version or name taken from an image's dpkg status can be
    /// 70,000 characters long; a `format!` width over 65535 used to panic.
    #[test]
    fn a_70000_character_version_or_name_is_listed_whole() {
        let long = "1".repeat(70_000);
        let answer = Answer {
            matches: vec![found("zlib1g", &long), found(&long, "1.0")],
            undecided: vec![],
        };
        let text = table(&answer);
        assert_eq!(text.lines().count(), 3);
        assert!(text.lines().nth(1).is_some_and(|l| l.ends_with(&long)));
        assert!(text.lines().nth(2).is_some_and(|l| l.contains(&long)));
    }
}
