//! Answers streamed while they are serialized. A query thread writes its
//! answer into an [`AnswerWriter`]: an answer of at most [`STREAM_AFTER`]
//! bytes is kept whole and handed over at the end, so that any failure is
//! still a proper error status and the answer can be cached with its `ETag`;
//! a larger one is handed over as soon as it passes that size and then goes
//! to the client in chunks through a bounded channel, while the evaluation
//! goes on: the first byte comes early, and memory stays flat whatever the
//! size of the answer (a slow client slows the evaluation down instead).
//!
//! Once an answer streams, its status has been sent: a failure after that
//! (the result limit, the time limit, an evaluation error) ends the body with
//! an error, and the connection is closed without the final chunk, so that
//! clients report an incomplete answer rather than take a truncated one for
//! whole. The server logs why.

use super::error::ApiError;
use axum::body::Bytes;
use http_body::Frame;
use std::io::{self, Write};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, Sleep};

/// Answers larger than this stream (smaller than the answer cache's largest
/// entry, so that every streamed answer is one the cache could not keep
/// whole anyway).
pub const STREAM_AFTER: usize = 1 << 20;

/// Bytes sent to the client at once while streaming.
const CHUNK: usize = 64 << 10;

/// Chunks serialized ahead of the client at most.
const CHUNKS_AHEAD: usize = 4;

/// Bytes of one streamed answer on their way to the client at most, beside
/// its evaluation's budget: the chunks serialized ahead and the one being
/// filled.
pub const MOST_IN_FLIGHT: usize = (CHUNKS_AHEAD + 1) * CHUNK;

/// A chunk of a streamed answer, or why the answer stops there.
type Chunk = io::Result<Bytes>;

/// What a query thread hands over: the answer's media type and body, or
/// the error status if it failed before streaming.
pub type Outcome = Result<(String, Produced), ApiError>;

/// The body a query thread produced.
pub enum Produced {
    /// The whole answer.
    Whole(Vec<u8>),
    /// The chunks of an answer that is still being serialized.
    Streamed(mpsc::Receiver<Chunk>),
}

/// Where a query thread serializes its answer (see the module's
/// documentation). Must be ended with [`AnswerWriter::finish`].
pub struct AnswerWriter {
    content_type: String,
    buffer: Vec<u8>,
    /// Until the answer is handed over.
    outcome: Option<oneshot::Sender<Outcome>>,
    /// Once the answer streams.
    chunks: Option<mpsc::Sender<Chunk>>,
    /// Whether the answer may stream: false for an answer kept whole for
    /// its caller ([`AnswerWriter::whole_only`]).
    may_stream: bool,
    /// Whether a whole-only answer grew past [`STREAM_AFTER`].
    too_large: bool,
}

impl AnswerWriter {
    /// A writer that hands the answer over through `outcome`.
    pub fn new(outcome: oneshot::Sender<Outcome>) -> Self {
        Self {
            content_type: String::new(),
            buffer: Vec::new(),
            outcome: Some(outcome),
            chunks: None,
            may_stream: true,
            too_large: false,
        }
    }

    /// A writer that never streams, for an answer computed on the thread
    /// that serves the request: past [`STREAM_AFTER`] bytes its writes fail,
    /// and [`AnswerWriter::into_whole`] tells the answer is too large.
    pub fn whole_only() -> Self {
        Self {
            content_type: String::new(),
            buffer: Vec::new(),
            outcome: None,
            chunks: None,
            may_stream: false,
            too_large: false,
        }
    }

    /// Ends a [`AnswerWriter::whole_only`] answer: its media type and
    /// bytes, or its error, or `None` if it grew past [`STREAM_AFTER`] bytes.
    pub fn into_whole(
        mut self,
        result: Result<(), ApiError>,
    ) -> Option<Result<(String, Vec<u8>), ApiError>> {
        if self.too_large {
            return None;
        }
        Some(result.map(|()| {
            (
                std::mem::take(&mut self.content_type),
                std::mem::take(&mut self.buffer),
            )
        }))
    }

    /// Sets the media type of the answer (before anything is written).
    pub fn set_content_type(&mut self, content_type: String) {
        self.content_type = content_type;
    }

    /// Ends the answer: hands it over whole, or sends its last chunk, or
    /// reports `result`'s error (as a status, or by ending the stream with
    /// an error).
    pub fn finish(mut self, result: Result<(), ApiError>) {
        if let Some(outcome) = self.outcome.take() {
            let answer = result.map(|()| {
                (
                    std::mem::take(&mut self.content_type),
                    Produced::Whole(std::mem::take(&mut self.buffer)),
                )
            });
            let _ = outcome.send(answer);
            return;
        }
        match result {
            Ok(()) => {
                let _ = self.send_buffer();
                // Ends the stream: the last chunk follows.
                self.chunks = None;
            }
            Err(error) => {
                tracing::warn!(
                    status = error.status.as_u16(),
                    error = %error.message,
                    "a streamed answer was cut"
                );
                self.cut(error.message);
            }
        }
    }

    /// Ends the stream with an error, so that the answer ends without its
    /// last chunk.
    fn cut(&mut self, message: String) {
        if let Some(chunks) = self.chunks.take() {
            let _ = chunks.blocking_send(Err(io::Error::other(message)));
        }
    }

    /// Starts streaming: the receiving end goes to the request, the buffer
    /// becomes the first chunk.
    fn start_streaming(&mut self) -> io::Result<()> {
        // No outcome to send: an earlier attempt found the request gone.
        let Some(outcome) = self.outcome.take() else {
            return Err(client_gone());
        };
        let (sender, receiver) = mpsc::channel(CHUNKS_AHEAD);
        outcome
            .send(Ok((
                std::mem::take(&mut self.content_type),
                Produced::Streamed(receiver),
            )))
            .map_err(|_| client_gone())?;
        self.chunks = Some(sender);
        self.send_buffer()
    }

    /// Sends the buffer as a chunk, waiting while the client is
    /// [`CHUNKS_AHEAD`] chunks behind.
    fn send_buffer(&mut self) -> io::Result<()> {
        let Some(chunks) = &self.chunks else {
            return Ok(());
        };
        if self.buffer.is_empty() {
            return Ok(());
        }
        let buffer = std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK));
        // The connection frees the chunk: it is off this query's budget.
        crate::memory::budget::handed_over(buffer.capacity());
        let chunk = Bytes::from(buffer);
        chunks.blocking_send(Ok(chunk)).map_err(|_| client_gone())
    }
}

fn client_gone() -> io::Error {
    io::Error::new(io::ErrorKind::BrokenPipe, "the client is gone")
}

impl AnswerWriter {
    /// Past this many bytes in the buffer, the buffer goes out: the first
    /// time at [`STREAM_AFTER`], then by chunks.
    fn spill_at(&self) -> usize {
        if self.chunks.is_some() {
            CHUNK
        } else {
            STREAM_AFTER + 1
        }
    }

    fn spill(&mut self) -> io::Result<()> {
        if !self.may_stream {
            self.too_large = true;
            return Err(io::Error::other(
                "the answer is larger than an answer kept whole",
            ));
        }
        if self.chunks.is_some() {
            self.send_buffer()
        } else {
            self.start_streaming()
        }
    }
}

impl Write for AnswerWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.write_all(data)?;
        Ok(data.len())
    }

    // Serializers write token by token: one copy and one comparison each.
    #[inline]
    fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        self.buffer.extend_from_slice(data);
        if self.buffer.len() >= self.spill_at() {
            self.spill()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for AnswerWriter {
    /// A writer dropped while its answer streams (the evaluation panicked)
    /// cuts the answer: a stream that just ended would look complete.
    fn drop(&mut self) {
        self.cut("the evaluation failed".to_owned());
    }
}

/// Marks a response whose body streams (the answer cache lets it through).
#[derive(Clone, Copy)]
pub struct Streamed;

/// The body of a streamed answer: its chunks until the time limit, then an
/// error. Dropping it (the client went away, or the body ended) drops
/// `guard`, which stops the evaluation.
pub struct StreamedBody {
    chunks: mpsc::Receiver<Chunk>,
    deadline: Pin<Box<Sleep>>,
    limit: Duration,
    _guard: Box<dyn Send + Sync>,
}

impl StreamedBody {
    /// The body of the chunks received on `chunks`, cut at `deadline`
    /// (the time limit `limit` of the evaluation that `guard` stops).
    pub fn new(
        chunks: mpsc::Receiver<Chunk>,
        deadline: Instant,
        limit: Duration,
        guard: impl Send + Sync + 'static,
    ) -> Self {
        Self {
            chunks,
            deadline: Box::pin(tokio::time::sleep_until(deadline)),
            limit,
            _guard: Box::new(guard),
        }
    }
}

impl http_body::Body for StreamedBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let this = self.get_mut();
        match this.chunks.poll_recv(cx) {
            Poll::Ready(Some(chunk)) => return Poll::Ready(Some(chunk.map(Frame::data))),
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Pending => {}
        }
        if this.deadline.as_mut().poll(cx).is_ready() {
            tracing::warn!(
                limit_s = this.limit.as_secs_f64(),
                "a streamed answer was cut at the time limit"
            );
            return Poll::Ready(Some(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!(
                    "the time limit of {} s was reached: the answer is incomplete",
                    this.limit.as_secs_f64()
                ),
            ))));
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `write` on a plain thread (as a query thread does) with a
    /// writer, and returns what the request side receives.
    async fn produce(
        write: impl FnOnce(&mut AnswerWriter) -> Result<(), ApiError> + Send + 'static,
    ) -> Outcome {
        let (sender, receiver) = oneshot::channel();
        std::thread::spawn(move || {
            let mut writer = AnswerWriter::new(sender);
            writer.set_content_type("text/plain".to_owned());
            let result = write(&mut writer);
            writer.finish(result);
        });
        receiver.await.unwrap()
    }

    async fn drain(mut chunks: mpsc::Receiver<Chunk>) -> (Vec<u8>, Option<String>) {
        let mut body = Vec::new();
        while let Some(chunk) = chunks.recv().await {
            match chunk {
                Ok(bytes) => body.extend_from_slice(&bytes),
                Err(e) => return (body, Some(e.to_string())),
            }
        }
        (body, None)
    }

    #[tokio::test]
    async fn small_answers_are_handed_over_whole_and_errors_as_statuses() {
        let outcome = produce(|w| {
            w.write_all(b"small").unwrap();
            Ok(())
        })
        .await;
        let Ok((content_type, Produced::Whole(body))) = outcome else {
            panic!("not whole");
        };
        assert_eq!(
            (content_type.as_str(), body.as_slice()),
            ("text/plain", &b"small"[..])
        );
        let outcome = produce(|w| {
            w.write_all(&[b'x'; STREAM_AFTER]).unwrap();
            Err(ApiError::bad_request("too many"))
        })
        .await;
        assert_eq!(outcome.err().unwrap().message, "too many");
    }

    #[tokio::test]
    async fn large_answers_stream_in_order_and_failures_end_the_stream() {
        let piece: Vec<u8> = (0..=255).collect();
        let pieces = 3 * STREAM_AFTER / piece.len();
        let expected = piece.repeat(pieces);
        let outcome = produce(move |w| {
            for _ in 0..pieces {
                w.write_all(&piece).unwrap();
            }
            Ok(())
        })
        .await;
        let Ok((_, Produced::Streamed(chunks))) = outcome else {
            panic!("not streamed");
        };
        assert_eq!(drain(chunks).await, (expected, None));

        let outcome = produce(|w| {
            for _ in 0..2 * STREAM_AFTER / 1024 {
                w.write_all(&[b'x'; 1024]).unwrap();
            }
            Err(ApiError::bad_request("past the result limit"))
        })
        .await;
        let Ok((_, Produced::Streamed(chunks))) = outcome else {
            panic!("not streamed");
        };
        let (body, error) = drain(chunks).await;
        assert!(body.len() > STREAM_AFTER && body.len() < 2 * STREAM_AFTER);
        assert_eq!(error.as_deref(), Some("past the result limit"));
    }

    #[tokio::test]
    async fn an_evaluation_that_panics_while_streaming_cuts_the_answer() {
        let (sender, receiver) = oneshot::channel();
        std::thread::spawn(move || {
            let mut writer = AnswerWriter::new(sender);
            writer.write_all(&[b'x'; 2 * STREAM_AFTER]).unwrap();
            panic!("an evaluation that panics");
        });
        let Ok((_, Produced::Streamed(chunks))) = receiver.await.unwrap() else {
            panic!("not streamed");
        };
        let (_, error) = drain(chunks).await;
        assert_eq!(error.as_deref(), Some("the evaluation failed"));
    }

    #[tokio::test]
    async fn a_client_that_goes_away_stops_the_writer() {
        let (sender, receiver) = oneshot::channel();
        let writer = std::thread::spawn(move || {
            let mut writer = AnswerWriter::new(sender);
            let result = (0..1000).try_for_each(|_| writer.write_all(&[b'x'; CHUNK]));
            writer.finish(Ok(()));
            result
        });
        let Ok((_, Produced::Streamed(chunks))) = receiver.await.unwrap() else {
            panic!("not streamed");
        };
        drop(chunks);
        let result = tokio::task::spawn_blocking(move || writer.join().unwrap())
            .await
            .unwrap();
        assert_eq!(result.unwrap_err().kind(), io::ErrorKind::BrokenPipe);
    }
}
