//! Prune planning: which objects to remove, in what order, and exactly how many bytes that frees.
//!
//! Pure like `drydock-inventory`: the engine's state and the current time come in as parameters
//! ([`EngineState`], `now`), a [`Plan`] comes out. Nothing here removes anything; the execution side
//! (engine calls, journal, quarantine) takes the plan's items in order.
//!
//! The safety rules the plan keeps, whatever was asked:
//! - running, paused or restarting containers stay, and so does every image a staying container uses;
//! - an image that a staying image is built on (a base image) stays: removing it would free nothing;
//! - an image matching a keep rule stays;
//! - a volume is planned only when named, and only when no staying container mounts it.

mod gc;
mod glob;
mod images;
mod plan;
mod request;
mod state;

pub use gc::{last_uses, plan_to_fit, GcPlan};
pub use glob::{glob_match, KeepRule};
pub use plan::{plan, Item, Kind, Plan};
pub use request::{
    parse_age, AgeError, Filters, ImageScope, ImageSelect, LabelFilter, Request, VolumeSelect,
};
pub use state::{EngineState, Network};
