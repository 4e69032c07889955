//! What can be wrong with an image archive. Every message names the place: the archive entry, or
//! the layer and the entry inside it.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum LayersError {
    #[error("cannot read the image archive at {at}: {source}")]
    Read {
        at: String,
        #[source]
        source: std::io::Error,
    },

    #[error("the image archive ends early, at {at}: it is truncated")]
    Truncated { at: String },

    #[error("{at}: {problem}")]
    Corrupt { at: String, problem: String },

    #[error("{what} is named in {by} but is not in the archive")]
    Missing { what: String, by: String },

    #[error("not an image archive: {0}")]
    NotAnImage(String),

    #[error(
        "the archive holds several images ({}): name the one to analyse",
        listed(names)
    )]
    SeveralImages { names: Vec<String> },

    #[error("image {wanted:?} is not in the archive; it holds: {}", listed(names))]
    NoSuchImage { wanted: String, names: Vec<String> },

    #[error("{what} is over Drydock's limit of {limit}")]
    Limit { what: String, limit: String },
}

/// How many names a message lists before it says how many more there are.
const LISTED: usize = 10;

fn listed(names: &[String]) -> String {
    let mut text = names[..names.len().min(LISTED)].join(", ");
    if names.len() > LISTED {
        text.push_str(&format!(" and {} more", names.len() - LISTED));
    }
    text
}

/// How a read went wrong inside a tar stream, before the caller names the place.
#[derive(Debug)]
pub(crate) enum ReadProblem {
    Truncated,
    Corrupt(String),
    Io(std::io::Error),
}

impl From<std::io::Error> for ReadProblem {
    fn from(err: std::io::Error) -> Self {
        use std::io::ErrorKind::*;
        match err.kind() {
            UnexpectedEof => ReadProblem::Truncated,
            // Decompressors report bad streams as invalid data or input (zstd: other).
            InvalidData | InvalidInput | Other => ReadProblem::Corrupt(err.to_string()),
            _ => ReadProblem::Io(err),
        }
    }
}

impl ReadProblem {
    /// The error for a problem met at `at` (e.g. `layer "x/layer.tar", entry "etc/passwd"`).
    pub(crate) fn at(self, at: String) -> LayersError {
        match self {
            ReadProblem::Truncated => LayersError::Truncated { at },
            ReadProblem::Corrupt(problem) => LayersError::Corrupt { at, problem },
            ReadProblem::Io(source) => LayersError::Read { at, source },
        }
    }
}
