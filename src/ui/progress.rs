//! The one progress interface the engine reports to. This module is only the
//! trait (and a silent receiver): it imports nothing that touches the
//! terminal, so every layer, `harbor` and `pipeline` included, may depend on
//! it while the engine still never prints. The terminal rendering is
//! [`super::progress_view::ProgressView`].

/// Receives what a workflow is doing: named steps that start and end, a
/// percent for steps that know one, and free log lines. Step names are
/// short words (`resolve`, `scan`, `copy`, ...); the same name ties
/// [`started`](Progress::started), [`percent`](Progress::percent) and
/// [`finished`](Progress::finished) or [`failed`](Progress::failed) together.
pub trait Progress: Send + Sync {
    /// A step started; `detail` says on what.
    fn started(&self, step: &str, detail: &str);
    /// How far a running step is (0..=100), with what it is doing now.
    fn percent(&self, step: &str, percent: u8, detail: &str);
    /// A step finished (`skipped` when it had nothing to do).
    fn finished(&self, step: &str, detail: &str, skipped: bool);
    /// A step failed with `why`; the error itself is reported by the caller.
    fn failed(&self, step: &str, why: &str);
    /// A status line or a line a tool printed (silenced by `-q`).
    fn log(&self, line: &str);
    /// Something the user should know that does not stop the work (shown even with `-q`).
    fn warn(&self, line: &str);
}

/// A receiver that shows nothing, for tests of what reports to one.
#[cfg(test)]
#[derive(Clone, Copy, Debug, Default)]
pub struct Silent;

#[cfg(test)]
impl Progress for Silent {
    fn started(&self, _: &str, _: &str) {}
    fn percent(&self, _: &str, _: u8, _: &str) {}
    fn finished(&self, _: &str, _: &str, _: bool) {}
    fn failed(&self, _: &str, _: &str) {}
    fn log(&self, _: &str) {}
    fn warn(&self, _: &str) {}
}

/// Reports `step` as failed when `result` is an error, and passes it on:
/// `watch(progress, "copy", copy(..).await)?`.
pub fn watch<T, E: std::fmt::Display>(
    progress: &dyn Progress,
    step: &str,
    result: Result<T, E>,
) -> Result<T, E> {
    if let Err(e) = &result {
        progress.failed(step, &e.to_string());
    }
    result
}
