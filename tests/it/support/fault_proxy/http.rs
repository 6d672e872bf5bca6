//! The fault proxy's HTTP/1.1 plumbing: reading one message (Content-Length,
//! chunked, or until EOF), forwarding a request to the registry on a fresh
//! connection, and closing a socket with an RST.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

use super::IO_TIMEOUT;

/// One HTTP/1.1 message head and body.
pub(super) struct Message {
    pub(super) start: String,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Vec<u8>,
}

impl Message {
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(super) fn head_bytes(&self, content_length: Option<usize>) -> Vec<u8> {
        let mut out = format!("{}\r\n", self.start);
        for (k, v) in &self.headers {
            let skip = ["content-length", "transfer-encoding", "connection"]
                .iter()
                .any(|h| k.eq_ignore_ascii_case(h));
            if !skip {
                out.push_str(&format!("{k}: {v}\r\n"));
            }
        }
        if let Some(len) = content_length {
            out.push_str(&format!("Content-Length: {len}\r\n"));
        }
        out.push_str("Connection: close\r\n\r\n");
        out.into_bytes()
    }
}

/// Closes with an RST instead of a FIN (SO_LINGER 0).
pub(super) fn reset(conn: TcpStream) {
    use std::os::fd::AsRawFd;
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid socket fd and a correctly sized linger struct.
    unsafe {
        libc::setsockopt(
            conn.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
    drop(conn);
}

/// Sends the request to the registry on a fresh connection and reads the answer.
pub(super) fn forward(upstream: &str, request: &Message, method: &str) -> std::io::Result<Message> {
    let mut up = TcpStream::connect(upstream)?;
    up.set_read_timeout(Some(IO_TIMEOUT))?;
    up.set_write_timeout(Some(IO_TIMEOUT))?;
    up.write_all(&request.head_bytes(Some(request.body.len())))?;
    up.write_all(&request.body)?;
    up.flush()?;
    let mut reader = BufReader::new(up);
    read_message(&mut reader, method == "HEAD")?
        .ok_or_else(|| std::io::Error::other("upstream closed without answering"))
}

/// Reads one message: start line, headers, body (Content-Length, chunked, or
/// until EOF for a response without either). `Ok(None)` on a clean EOF
/// before any byte.
pub(super) fn read_message<R: Read>(
    reader: &mut BufReader<R>,
    no_body: bool,
) -> std::io::Result<Option<Message>> {
    let mut start = String::new();
    if reader.read_line(&mut start)? == 0 {
        return Ok(None);
    }
    let start = start.trim_end().to_string();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(std::io::Error::other("EOF in headers"));
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let mut msg = Message {
        start,
        headers,
        body: Vec::new(),
    };
    let is_response = msg.start.starts_with("HTTP/");
    let status = msg
        .start
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .unwrap_or(0);
    if no_body || (is_response && (status == 204 || status == 304 || status < 200)) {
        return Ok(Some(msg));
    }
    let chunked = msg
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        loop {
            let mut size_line = String::new();
            reader.read_line(&mut size_line)?;
            let size_text = size_line.trim().split(';').next().unwrap_or_default();
            let size = usize::from_str_radix(size_text, 16)
                .map_err(|_| std::io::Error::other(format!("bad chunk size {size_line:?}")))?;
            if size == 0 {
                // Trailers, then the blank line.
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
                        break;
                    }
                }
                break;
            }
            let mut chunk = vec![0; size];
            reader.read_exact(&mut chunk)?;
            msg.body.extend_from_slice(&chunk);
            let mut crlf = [0; 2];
            reader.read_exact(&mut crlf)?;
        }
    } else if let Some(len) = msg
        .header("content-length")
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        msg.body = vec![0; len];
        reader.read_exact(&mut msg.body)?;
    } else if is_response {
        reader.read_to_end(&mut msg.body)?;
    }
    Ok(Some(msg))
}
