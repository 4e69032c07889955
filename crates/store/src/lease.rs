//! Run leases. A run in progress holds an OS lock on a file named after its plan; the lock goes
//! with the process, however it ends. Another Drydock (the CLI beside the app, a second window)
//! thereby tells a live run from one whose Drydock died, and never settles the intents of a run
//! that is still waiting for the engine's answer.

use crate::{Store, StoreError};
use std::fs::{File, OpenOptions, TryLockError};
use std::path::PathBuf;

const DIR: &str = "runs";

/// Held for as long as a run goes on; dropping it ends the lease.
#[derive(Debug)]
pub struct RunLease {
    held: Option<(File, PathBuf)>,
}

impl Drop for RunLease {
    fn drop(&mut self) {
        if let Some((file, path)) = self.held.take() {
            // Unlocked when closed; the file itself is only a name for the lock.
            drop(file);
            let _ = std::fs::remove_file(path);
        }
    }
}

fn file_name(plan_id: &str) -> String {
    format!("{}.lock", crate::file_stem(plan_id))
}

impl Store {
    fn lease_path(&self, plan_id: &str) -> Option<PathBuf> {
        self.dir
            .as_ref()
            .map(|dir| dir.join(DIR).join(file_name(plan_id)))
    }

    /// Takes the lease of run `plan_id`. A store in memory (tests) has no leases to share.
    pub fn lease_run(&self, plan_id: &str) -> Result<RunLease, StoreError> {
        let Some(path) = self.lease_path(plan_id) else {
            return Ok(RunLease { held: None });
        };
        let io = |source: std::io::Error| StoreError::Dir {
            path: path.display().to_string(),
            source,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => Ok(RunLease {
                held: Some((file, path)),
            }),
            Err(TryLockError::WouldBlock) => Err(io(std::io::Error::other(
                "another Drydock is running this plan",
            ))),
            Err(TryLockError::Error(e)) => Err(io(e)),
        }
    }

    /// Whether some Drydock (this one included) still runs `plan_id`.
    pub fn run_is_live(&self, plan_id: &str) -> bool {
        let Some(path) = self.lease_path(plan_id) else {
            return false;
        };
        let Ok(file) = OpenOptions::new().write(true).open(&path) else {
            // No lease file: the run ended, or never took one.
            return false;
        };
        matches!(file.try_lock(), Err(TryLockError::WouldBlock))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_is_live_while_its_lease_is_held_and_not_after() {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::open_in(dir.path()).expect("store");
        let other = Store::open_in(dir.path()).expect("second store");
        assert!(!other.run_is_live("p1"));
        let lease = store.lease_run("p1").expect("lease");
        assert!(other.run_is_live("p1"));
        assert!(store.run_is_live("p1"), "the holder sees it live too");
        assert!(other.lease_run("p1").is_err(), "one run, one lease");
        assert!(!other.run_is_live("p2"));
        drop(lease);
        assert!(!other.run_is_live("p1"));
    }
}
