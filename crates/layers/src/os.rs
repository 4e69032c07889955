//! The system a build runs on, as plain data. Code that differs by platform (where engines and
//! Drydock's data live, which disk holds a path) takes it as an argument, so the Windows and
//! macOS cases are tested on any machine. It lives in this crate because it is the lowest one
//! the engine and the store share.

/// The operating systems whose engines, data directories and paths differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    Linux,
    MacOs,
    Windows,
}

impl Os {
    /// The system this build runs on (other Unix systems behave as Linux does here).
    pub fn current() -> Os {
        if cfg!(windows) {
            Os::Windows
        } else if cfg!(target_os = "macos") {
            Os::MacOs
        } else {
            Os::Linux
        }
    }
}

impl Default for Os {
    fn default() -> Os {
        Os::current()
    }
}
