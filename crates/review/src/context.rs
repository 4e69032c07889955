//! The build context `docker build` sends for a Dockerfile: what `.dockerignore` lets through
//! (Docker's own semantics, [`Ignore`]), what no COPY or ADD uses, what should not be sent,
//! and secrets ([`analyse`]).

mod analyse;
mod flags;
mod ignore;
mod pack;
mod pattern;
mod sources;

pub(crate) use analyse::escape;
pub use analyse::{
    analyse, analyse_with, ignore_file_for, ignore_for_build, Builder, ContextError, ContextReport,
    Flagged, MAX_ENTRIES, MAX_FILE_BYTES,
};
pub use flags::SNIFF_BYTES;
pub use ignore::{Ignore, Verdict};
pub use pack::{pack, tar_name, PackError, Packed, OUTSIDE_DOCKERFILE};
pub use sources::Sources;

#[cfg(test)]
mod tests;
