//! The context's tar, written on a blocking thread, as the stream the build request sends.
//!
//! The channel is small and bounded, so the tar is produced only as fast as the engine takes
//! it: memory holds a few pieces whatever the context's size. When the build ends or is dropped
//! the stream goes with it, and the writer's next send fails, which stops the walk.

use bytes::Bytes;
use futures_util::Stream;
use std::io::{self, Write};
use tokio::sync::mpsc;

/// Pieces in flight between the walk and the connection.
const PIECES_IN_FLIGHT: usize = 8;
/// Bytes gathered before a piece is sent.
const PIECE_BYTES: usize = 64 * 1024;

pub(super) fn channel() -> (
    impl Stream<Item = io::Result<Bytes>> + Send + 'static,
    ChannelWriter,
) {
    let (tx, rx) = mpsc::channel(PIECES_IN_FLIGHT);
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|piece| (piece, rx))
    });
    (
        stream,
        ChannelWriter {
            tx,
            piece: Vec::with_capacity(PIECE_BYTES),
        },
    )
}

pub(super) struct ChannelWriter {
    tx: mpsc::Sender<io::Result<Bytes>>,
    piece: Vec<u8>,
}

impl ChannelWriter {
    /// Ends the body with an error: the engine must not build a context cut short.
    pub(super) fn fail(&mut self) {
        self.piece.clear();
        let _ = self.tx.blocking_send(Err(io::Error::other(
            "the build context could not be read whole",
        )));
    }

    fn send(&mut self) -> io::Result<()> {
        if self.piece.is_empty() {
            return Ok(());
        }
        let piece = std::mem::replace(&mut self.piece, Vec::with_capacity(PIECE_BYTES));
        self.tx
            .blocking_send(Ok(Bytes::from(piece)))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the build ended"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let room = PIECE_BYTES - self.piece.len();
        let taken = buf.len().min(room);
        self.piece.extend_from_slice(&buf[..taken]);
        if self.piece.len() >= PIECE_BYTES {
            self.send()?;
        }
        Ok(taken)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}
