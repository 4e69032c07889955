//! Engine access: find the Docker engine a user means, connect to it whatever its age, and read
//! what Drydock shows (disk usage, images, history, containers, networks, events) in the engine's
//! own words. Every read of the engine and its event stream lives here: the other crates and the
//! front ends never speak the engine's API themselves.
//!
//! Discovery and error wording are plain logic; everything that depends on how an engine behaves
//! is tested against a throwaway `dockerd` (see `drydock-testkit`).

mod attachments;
mod build;
mod connect;
mod context;
mod discovery;
mod engine;
mod error;
mod events;
mod export;
mod flatten;
mod follow;
mod host;
mod raw;
mod remove;

pub use attachments::{ListedContainer, ListedNetwork};
pub use build::{BuildOptions, BuildProgress, BuilderKind, StepState};
pub use connect::{parse_api, ConnectOptions, ServerVersion, MIN_API};
pub use context::TlsFiles;
pub use discovery::{
    default_endpoints, discover, Candidate, Discovery, Endpoint, HostEnv, Os, Selection, Source,
};
pub use engine::{Engine, EngineStatus, ImageRead};
pub use error::{EngineError, ErrorCode};
pub use events::{RawActor, RawEvent};
pub use export::ExportProgress;
pub use flatten::{ImageFacts, LabelledContainer};
pub use follow::{Change, Changes, RESUBSCRIBE};
pub use host::host_disk;
pub use remove::ImageRefs;
