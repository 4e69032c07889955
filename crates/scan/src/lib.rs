//! The scan use case both front ends call: read an image once (from the engine, a saved archive
//! or a root filesystem), catalog what it holds, match each package against the offline advisory
//! store with its own ecosystem's version order, and report one finding per vulnerability and
//! package, tied to the layer and build step that brought the package.

mod report;

pub use report::{DbSource, Finding, ImageRef, ScanReport, Severity, Status};
