//! Whose turn it is to read an image from the engine. Reads stream a whole image export, so the
//! app makes one at a time, and the user's go first: a read the user asked for (tips, a flatten,
//! a scan, the layer explorer) takes [`Turns::user`], which stops the background's read in
//! progress (it is made again later) and holds the background back until the user's reads end.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{Mutex, MutexGuard, Notify};

/// How often a waiting background read looks whether the user's reads are over.
const USER_POLL: Duration = Duration::from_millis(250);

#[derive(Default)]
pub struct Turns {
    /// One read at a time, whoever asks.
    gate: Mutex<()>,
    /// The user's reads waiting or running: while any is, the background does not read.
    users: AtomicUsize,
    /// Told when a user's read wants the gate: the background's read in progress stops.
    preempt: Notify,
}

/// The user's turn, held until dropped.
pub struct UserTurn<'a> {
    users: &'a AtomicUsize,
    _gate: MutexGuard<'a, ()>,
}

impl Drop for UserTurn<'_> {
    fn drop(&mut self) {
        self.users.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Turns {
    /// Waits for the gate ahead of the background, whose read in progress stops now.
    pub async fn user(&self) -> UserTurn<'_> {
        self.users.fetch_add(1, Ordering::SeqCst);
        self.preempt.notify_waiters();
        let gate = self.gate.lock().await;
        UserTurn {
            users: &self.users,
            _gate: gate,
        }
    }

    /// Runs `read` when no read of the user's waits or runs; `None` when a user's read came
    /// while it ran (it was dropped, which stops its export: the caller makes it again later).
    pub async fn background<T>(&self, read: impl Future<Output = T>) -> Option<T> {
        // Listening before the gate is taken: a user who asks from then on stops this read.
        let mut preempted = Box::pin(self.preempt.notified());
        let _gate = loop {
            preempted.set(self.preempt.notified());
            preempted.as_mut().enable();
            if self.users.load(Ordering::SeqCst) > 0 {
                tokio::time::sleep(USER_POLL).await;
                continue;
            }
            let gate = self.gate.lock().await;
            if self.users.load(Ordering::SeqCst) == 0 {
                break gate;
            }
        };
        tokio::select! {
            out = read => Some(out),
            () = preempted => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test]
    async fn a_user_read_stops_the_background_read_and_goes_first() {
        let turns = Arc::new(Turns::default());
        let (started_tx, started_rx) = tokio::sync::oneshot::channel();
        let background = tokio::spawn({
            let turns = Arc::clone(&turns);
            async move {
                turns
                    .background(async move {
                        let _ = started_tx.send(());
                        std::future::pending::<()>().await;
                    })
                    .await
            }
        });
        started_rx.await.expect("the background read started");
        let turn = tokio::time::timeout(Duration::from_secs(5), turns.user())
            .await
            .expect("the user got the gate");
        let stopped = tokio::time::timeout(Duration::from_secs(5), background)
            .await
            .expect("the background read ended")
            .expect("joined");
        assert_eq!(stopped, None, "dropped, to be made again");
        // While the user reads, the background waits; after, it reads.
        let waiting = tokio::spawn({
            let turns = Arc::clone(&turns);
            async move { turns.background(async { 7 }).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "the background waits for the user");
        drop(turn);
        let read = tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("the background read after the user")
            .expect("joined");
        assert_eq!(read, Some(7));
    }
}
