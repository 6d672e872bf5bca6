//! Reading HTTP bodies from registries (and Harbor) with a size limit that
//! is enforced while the bytes arrive. Checking the size of a body that has
//! been read in full lets a registry make vimes hold a chunked gigabyte in
//! memory before it is refused; here reading stops at the limit.

use futures_util::{Stream, StreamExt};

/// Why a bounded read stopped.
#[derive(Debug)]
pub enum BoundedError<E> {
    /// The body is larger than `limit` bytes (announced or seen); reading stopped there.
    TooLarge {
        /// The limit that was passed.
        limit: u64,
    },
    /// The stream itself failed.
    Stream(E),
}

/// Collects `stream` into memory, stopping with [`BoundedError::TooLarge`] as
/// soon as more than `limit` bytes have arrived, or at once when
/// `announced` (a `Content-Length`) is already over it.
pub async fn collect_bounded<S, E>(
    stream: S,
    announced: Option<u64>,
    limit: u64,
) -> Result<Vec<u8>, BoundedError<E>>
where
    S: Stream<Item = Result<bytes::Bytes, E>>,
{
    if announced.is_some_and(|n| n > limit) {
        return Err(BoundedError::TooLarge { limit });
    }
    let capacity = announced.unwrap_or(0).min(limit).min(1 << 20);
    let mut body = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
    let mut stream = std::pin::pin!(stream);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(BoundedError::Stream)?;
        if body.len() as u64 + chunk.len() as u64 > limit {
            return Err(BoundedError::TooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// [`collect_bounded`] of a reqwest response body (its `Content-Length` counts).
pub async fn read_response(
    response: reqwest::Response,
    limit: u64,
) -> Result<Vec<u8>, BoundedError<reqwest::Error>> {
    let announced = response.content_length();
    let chunks = futures_util::stream::unfold(response, |mut response| async move {
        response
            .chunk()
            .await
            .transpose()
            .map(|chunk| (chunk, response))
    });
    collect_bounded(chunks, announced, limit).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    /// An endless body: reading it whole never ends, so only a limit enforced
    /// while streaming returns at all.
    #[tokio::test]
    async fn an_endless_body_stops_at_the_limit() {
        let pulled = AtomicU64::new(0);
        let endless = futures_util::stream::repeat_with(|| {
            pulled.fetch_add(1, Ordering::Relaxed);
            Ok::<_, std::io::Error>(bytes::Bytes::from(vec![b'x'; 1024]))
        });
        let out = collect_bounded(endless, None, 10 * 1024).await;
        assert!(matches!(out, Err(BoundedError::TooLarge { limit: 10240 })));
        assert_eq!(
            pulled.load(Ordering::Relaxed),
            11,
            "no chunk is read after the one that crosses the limit"
        );
    }

    #[tokio::test]
    async fn an_announced_oversize_is_refused_before_reading() {
        let pulled = AtomicU64::new(0);
        let body = futures_util::stream::repeat_with(|| {
            pulled.fetch_add(1, Ordering::Relaxed);
            Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"x"))
        });
        let out = collect_bounded(body, Some(1 << 30), 1 << 20).await;
        assert!(matches!(out, Err(BoundedError::TooLarge { .. })));
        assert_eq!(pulled.load(Ordering::Relaxed), 0);
    }

    #[tokio::test]
    async fn bodies_up_to_the_limit_are_whole() {
        let chunks = ["ab", "cd", "e"].map(|s| Ok::<_, std::io::Error>(bytes::Bytes::from(s)));
        let out = collect_bounded(futures_util::stream::iter(chunks), Some(5), 5).await;
        assert_eq!(out.ok().as_deref(), Some(&b"abcde"[..]));
        let chunks = ["ab", "cd", "ef"].map(|s| Ok::<_, std::io::Error>(bytes::Bytes::from(s)));
        let out = collect_bounded(futures_util::stream::iter(chunks), None, 5).await;
        assert!(matches!(out, Err(BoundedError::TooLarge { limit: 5 })));
        let failing =
            futures_util::stream::iter([Err::<bytes::Bytes, _>(std::io::Error::other("reset"))]);
        let out = collect_bounded(failing, None, 5).await;
        assert!(matches!(out, Err(BoundedError::Stream(_))));
    }
}
