//! The terminal's [`Progress`]: spinners on a TTY (indicatif), one plain
//! line per event otherwise, and nothing but warnings with `-q`. Everything
//! goes to stderr; stdout stays for results.

use super::progress::Progress;
use super::Ui;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use std::collections::HashMap;
use std::io::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A running step on a TTY: its bar, when it started, what it is about.
struct Bar {
    bar: ProgressBar,
    started: Instant,
    detail: String,
}

/// Renders progress for the terminal (see the module documentation).
pub struct ProgressView {
    quiet: bool,
    tty: Option<MultiProgress>,
    bars: Mutex<HashMap<String, Bar>>,
    /// The last percent line printed per step, so polling repeats nothing.
    shown: Mutex<HashMap<String, (u8, String)>>,
    out: Mutex<Box<dyn Write + Send>>,
}

impl ProgressView {
    /// The view `ui` asks for: spinners only when stderr and stdin are a
    /// terminal and `-q` is not given.
    pub fn new(ui: &Ui) -> Self {
        let mut view = Self::plain(ui.quiet, Box::new(std::io::stderr()));
        view.tty = (ui.interactive && !ui.quiet).then(MultiProgress::new);
        view
    }

    /// Plain lines into `out` (no terminal handling).
    fn plain(quiet: bool, out: Box<dyn Write + Send>) -> Self {
        ProgressView {
            quiet,
            tty: None,
            bars: Mutex::new(HashMap::new()),
            shown: Mutex::new(HashMap::new()),
            out: Mutex::new(out),
        }
    }

    /// Runs `f` with the spinners hidden, for a prompt or text shown before one.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.tty {
            Some(m) => m.suspend(f),
            None => f(),
        }
    }

    /// Takes `step`'s spinner (one [`Progress::percent`] opened) off the
    /// screen without a line, for a step whose result the caller prints itself.
    pub fn dismiss(&self, step: &str) {
        if let Some(b) = self.bar(step) {
            b.bar.finish_and_clear();
        }
    }

    /// Writes one line, above the spinners on a TTY.
    fn line(&self, text: &str) {
        self.suspend(|| {
            if let Ok(mut out) = self.out.lock() {
                let _ = writeln!(out, "{text}");
            }
        });
    }

    fn bar(&self, step: &str) -> Option<Bar> {
        self.bars.lock().ok().and_then(|mut b| b.remove(step))
    }

    fn style(template: &str) -> ProgressStyle {
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_spinner())
    }
}

impl Progress for ProgressView {
    fn started(&self, step: &str, detail: &str) {
        if self.quiet {
            return;
        }
        let Some(multi) = &self.tty else {
            return self.line(&format!("{step}: {detail} ..."));
        };
        let bar = multi.add(ProgressBar::new_spinner());
        bar.set_style(Self::style("{spinner} {prefix:>8} {msg} [{elapsed}]"));
        bar.set_prefix(step.to_string());
        bar.set_message(detail.to_string());
        bar.enable_steady_tick(Duration::from_millis(100));
        if let Ok(mut bars) = self.bars.lock() {
            let started = Instant::now();
            let detail = detail.to_string();
            bars.insert(
                step.to_string(),
                Bar {
                    bar,
                    started,
                    detail,
                },
            );
        }
    }

    fn percent(&self, step: &str, percent: u8, detail: &str) {
        if self.quiet {
            return;
        }
        if self.tty.is_some() {
            if !self.bars.lock().is_ok_and(|b| b.contains_key(step)) {
                self.started(step, "");
            }
            if let Ok(bars) = self.bars.lock() {
                if let Some(b) = bars.get(step) {
                    let lead = if b.detail.is_empty() { "" } else { " " };
                    b.bar
                        .set_message(format!("{}{lead}{percent}% {detail}", b.detail));
                }
            }
            return;
        }
        let now = (percent, detail.to_string());
        let changed = self
            .shown
            .lock()
            .map(|mut s| s.insert(step.to_string(), now.clone()) != Some(now))
            .unwrap_or(true);
        if changed {
            self.line(&format!("{step}: {percent}% {detail}"));
        }
    }

    fn finished(&self, step: &str, detail: &str, skipped: bool) {
        if self.quiet {
            return;
        }
        let mark = if skipped { "=" } else { "✓" };
        match self.bar(step) {
            Some(b) => {
                b.bar.set_style(Self::style("{prefix:>10} {msg}"));
                b.bar.finish_with_message(format!(
                    "{mark} {detail} ({:.1}s)",
                    b.started.elapsed().as_secs_f64()
                ));
            }
            None => self.line(&format!("{step}: {mark} {detail}")),
        }
    }

    fn failed(&self, step: &str, why: &str) {
        // Without a spinner to stop there is nothing to add: the error
        // itself follows on stderr, and saying it twice helps nobody.
        if let Some(b) = self.bar(step) {
            let first = why.lines().next().unwrap_or_default();
            b.bar.set_style(Self::style("{prefix:>10} {msg}"));
            b.bar.abandon_with_message(format!("✗ {first}"));
        }
    }

    fn log(&self, line: &str) {
        if !self.quiet {
            self.line(line);
        }
    }

    fn warn(&self, line: &str) {
        self.line(&format!("warning: {line}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A writer whose bytes the test reads back.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn run(quiet: bool) -> String {
        let captured = Captured::default();
        let view = ProgressView::plain(quiet, Box::new(captured.clone()));
        view.started("scan", "trivy");
        view.percent("scan", 30, "Running");
        view.percent("scan", 30, "Running");
        view.percent("scan", 60, "Running");
        view.finished("scan", "passed (0 findings)", false);
        view.started("copy", "prod/web");
        view.failed("copy", "registry said no");
        view.finished("tag", "already there", true);
        view.log("STEP 1/2: FROM scratch");
        view.warn("app: base is old");
        let bytes = captured.0.lock().unwrap().clone();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn plain_lines_say_each_step_once_and_repeat_no_percent() {
        assert_eq!(
            run(false),
            "scan: trivy ...\n\
             scan: 30% Running\n\
             scan: 60% Running\n\
             scan: ✓ passed (0 findings)\n\
             copy: prod/web ...\n\
             tag: = already there\n\
             STEP 1/2: FROM scratch\n\
             warning: app: base is old\n"
        );
    }

    #[test]
    fn quiet_shows_only_warnings() {
        assert_eq!(run(true), "warning: app: base is old\n");
    }
}
