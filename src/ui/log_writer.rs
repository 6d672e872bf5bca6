//! The writer of `tracing` logs: stderr, with registered secrets withheld
//! (see [`crate::redact`]) and the bodies of failed token requests dropped.

use std::io::Write;

/// Makes one [`RedactedEvent`] per log event.
pub struct RedactedStderr;

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for RedactedStderr {
    type Writer = RedactedEvent;

    fn make_writer(&'a self) -> Self::Writer {
        RedactedEvent(Vec::new())
    }
}

/// One formatted event, held until it is complete so that a secret split
/// across two writes is still found; written to stderr when dropped.
pub struct RedactedEvent(Vec<u8>);

impl Write for RedactedEvent {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for RedactedEvent {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.0);
        let _ = std::io::stderr().write_all(clean(&text).as_bytes());
    }
}

/// What oci-client logs before the body of a token endpoint's refusal.
const AUTH_FAILURE: &str = "Failed to authenticate for image";

/// `line` with secrets withheld, and without the answer body of a failed
/// token request: that body is the server's to fill, and may echo the
/// credential in a form no list of secrets foresees.
pub fn clean(line: &str) -> String {
    let text = crate::redact::redact(line);
    let Some(at) = text.find(AUTH_FAILURE) else {
        return text.into_owned();
    };
    let head = &text[at..];
    let cut = head.find("': ").map_or(head.len(), |i| i + 3);
    let end = if text.ends_with('\n') { "\n" } else { "" };
    format!(
        "{}{}<token endpoint answer withheld>{end}",
        &text[..at],
        &head[..cut]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_token_request_keeps_its_line_but_not_its_body() {
        let line = "DEBUG Failed to authenticate for image 'Reference { registry: \"h:1\" }': {\"details\":\"bad Basic dXNlcjpodW50ZXIy\"}\n";
        let shown = clean(line);
        assert_eq!(
            shown,
            "DEBUG Failed to authenticate for image 'Reference { registry: \"h:1\" }': <token endpoint answer withheld>\n"
        );
        assert!(!shown.contains("dXNlcjpodW50ZXIy"));
        assert_eq!(clean("INFO copying\n"), "INFO copying\n");
    }
}
