//! Following a builder's log file while it runs, and the error of a failed
//! build with the builder's last lines.

use super::BuilderKind;
use crate::error::Error;
use crate::process::Finished;
use std::collections::VecDeque;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Lines of builder output kept for the error message of a failed build.
const TAIL_LINES: usize = 25;

/// Follows a log file a child writes, handing each complete line on and
/// keeping the last lines for an error message.
pub(super) struct LogFollower {
    path: PathBuf,
    offset: u64,
    partial: Vec<u8>,
    pub(super) tail: VecDeque<String>,
}

impl LogFollower {
    pub(super) fn new(path: &Path) -> Self {
        LogFollower {
            path: path.to_path_buf(),
            offset: 0,
            partial: Vec::new(),
            tail: VecDeque::new(),
        }
    }

    pub(super) fn keep(&mut self, line: &str, on_line: &mut dyn FnMut(&str)) {
        on_line(line);
        if self.tail.len() == TAIL_LINES {
            self.tail.pop_front();
        }
        self.tail.push_back(line.to_string());
    }

    pub(super) fn poll(&mut self, on_line: &mut dyn FnMut(&str)) {
        let Ok(mut file) = std::fs::File::open(&self.path) else {
            return;
        };
        if file.seek(SeekFrom::Start(self.offset)).is_err() {
            return;
        }
        let mut fresh = Vec::new();
        if let Ok(n) = file.read_to_end(&mut fresh) {
            self.offset += n as u64;
        }
        self.partial.extend_from_slice(&fresh);
        while let Some(at) = self.partial.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.partial.drain(..=at).collect();
            let text = String::from_utf8_lossy(&line[..line.len() - 1]).into_owned();
            self.keep(text.trim_end_matches('\r'), on_line);
        }
    }

    pub(super) fn finish(&mut self, on_line: &mut dyn FnMut(&str)) {
        self.poll(on_line);
        if !self.partial.is_empty() {
            let text = String::from_utf8_lossy(&std::mem::take(&mut self.partial)).into_owned();
            self.keep(&text, on_line);
        }
    }
}

pub(super) fn failure(
    kind: BuilderKind,
    what: &str,
    done: &Finished,
    tail: &VecDeque<String>,
) -> Error {
    let mut lines: Vec<String> = tail.iter().cloned().collect();
    let stderr = done.stderr_tail(10);
    for line in stderr.lines() {
        if !lines.iter().any(|l| l == line) {
            lines.push(line.to_string());
        }
    }
    let start = lines.len().saturating_sub(TAIL_LINES);
    let status = done.code.map_or("was killed by a signal".to_string(), |c| {
        format!("exited with {c}")
    });
    Error::Tool {
        tool: kind.name().into(),
        message: format!(
            "{what} failed ({status}); last lines:\n{}",
            lines[start..].join("\n")
        ),
    }
}
