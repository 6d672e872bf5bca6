//! `vimes hook install`: a pre-push hook that runs `vimes check --hook` on
//! what is being pushed. It goes where git looks (`core.hooksPath` honoured)
//! and never loses a hook that was there: a foreign hook is kept as
//! `pre-push.local` and run first, with the same arguments and input.

use crate::error::{Error, Result};
use crate::tools::git;
use std::path::{Path, PathBuf};

/// First line after the shebang of every hook vimes writes; how a re-install
/// recognises its own hook.
pub const MARKER: &str = "# vimes pre-push hook";

/// What `install` did.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Installed {
    /// The hook written.
    pub hook: PathBuf,
    /// The earlier hook, now chained (run first) under this name.
    pub chained: Option<PathBuf>,
    /// A hook replaced because of `--force`, saved here.
    pub backup: Option<PathBuf>,
    /// Whether an earlier vimes hook was rewritten.
    pub updated: bool,
}

/// The hook script. `vimes` is the binary to run when it still exists;
/// otherwise `vimes` from PATH. It fails closed: a missing vimes blocks the
/// push with a message (use `git push --no-verify` to bypass deliberately).
pub fn script(vimes: &Path) -> String {
    let quoted = shell_quote(&vimes.display().to_string());
    format!(
        r#"#!/bin/sh
{MARKER} (written by `vimes hook install`; run it again to update).
# Checks the image references in the files being pushed. A hook that was
# here before is kept as pre-push.local and runs first with the same input.
input=$(cat)
hook_dir=$(dirname "$0")
if [ -x "$hook_dir/pre-push.local" ]; then
  printf '%s\n' "$input" | "$hook_dir/pre-push.local" "$@" || exit $?
fi
vimes={quoted}
if [ ! -x "$vimes" ]; then
  vimes=$(command -v vimes) || {{
    echo "vimes pre-push hook: vimes is not installed; not pushing (git push --no-verify skips the check)" >&2
    exit 1
  }}
fi
printf '%s\n' "$input" | "$vimes" check --hook
"#
    )
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn file_error(path: &Path, error: std::io::Error) -> Error {
    Error::File {
        path: path.to_path_buf(),
        error,
    }
}

/// Installs the hook for the repository containing `dir`. A hook that is
/// not vimes' is chained as `pre-push.local`; when that name is taken too,
/// the install is refused unless `force` (which saves the hook it replaces
/// as `pre-push.vimes-backup`).
pub fn install(dir: &Path, vimes: &Path, force: bool) -> Result<Installed> {
    use std::os::unix::fs::PermissionsExt;
    let hooks = git::hooks_dir(dir)?;
    std::fs::create_dir_all(&hooks).map_err(|e| file_error(&hooks, e))?;
    let hook = hooks.join("pre-push");
    let local = hooks.join("pre-push.local");
    let mut installed = Installed {
        hook: hook.clone(),
        chained: None,
        backup: None,
        updated: false,
    };
    // symlink_metadata: a hook that is a symbolic link (hook managers do
    // that) is moved as the link, not followed.
    if std::fs::symlink_metadata(&hook).is_ok() {
        let ours = std::fs::read_to_string(&hook).is_ok_and(|t| t.contains(MARKER));
        if ours {
            installed.updated = true;
        } else if std::fs::symlink_metadata(&local).is_err() {
            std::fs::rename(&hook, &local).map_err(|e| file_error(&hook, e))?;
            installed.chained = Some(local.clone());
        } else if force {
            let backup = hooks.join("pre-push.vimes-backup");
            std::fs::rename(&hook, &backup).map_err(|e| file_error(&hook, e))?;
            installed.backup = Some(backup);
        } else {
            return Err(Error::Usage(format!(
                "{} exists and is not vimes' hook, and {} is taken too, so it cannot be \
                 chained; merge them by hand, or pass --force to replace {} (it is saved as \
                 pre-push.vimes-backup)",
                hook.display(),
                local.display(),
                hook.display()
            )));
        }
    }
    if installed.chained.is_none() && std::fs::symlink_metadata(&local).is_ok() {
        installed.chained = Some(local);
    }
    // Write next to it and rename: a half-written hook must never run.
    let temp = hooks.join(".pre-push.vimes-tmp");
    std::fs::write(&temp, script(vimes)).map_err(|e| file_error(&temp, e))?;
    std::fs::set_permissions(&temp, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| file_error(&temp, e))?;
    std::fs::rename(&temp, &hook).map_err(|e| file_error(&hook, e))?;
    Ok(installed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_quotes_the_path_and_chains() {
        let s = script(Path::new("/opt/it's here/vimes"));
        assert!(s.starts_with("#!/bin/sh\n# vimes pre-push hook"));
        assert!(s.contains(r"vimes='/opt/it'\''s here/vimes'"));
        assert!(s.contains("pre-push.local\" \"$@\" || exit $?"));
        assert!(s.contains("check --hook"));
    }
}
