//! The scan use case both front ends call: read an image once (from the engine, a saved archive
//! or a root filesystem), catalog what it holds, match each package against the offline advisory
//! store with its own ecosystem's version order, and report one finding per vulnerability and
//! package, tied to the layer and build step that brought the package.

pub mod ignore;
mod image;
mod inventory;
mod matching;
mod report;

pub use image::{image_inventory, scan_image, Read, ScanError};
pub use inventory::{inventory, keep, Inventory};
pub use matching::{match_packages, Advisories};
pub use report::{DbSource, Finding, ImageRef, ScanReport, Severity, Status};

/// The report of `image`, whose packages are `inventory`, against `db` (its sources as
/// `sources`).
pub fn report(
    image: ImageRef,
    inventory: &Inventory,
    db: &dyn Advisories,
    sources: Vec<DbSource>,
) -> ScanReport {
    let mut problems = inventory.catalog.problems.clone();
    let findings = match_packages(
        &inventory.catalog.packages,
        db,
        &|layer| inventory.step(layer),
        &mut problems,
    );
    ScanReport {
        image,
        os: inventory.catalog.os.clone(),
        db: sources,
        packages: inventory.catalog.packages.len(),
        findings,
        problems,
        inventory: inventory.catalog.packages.clone(),
    }
}

/// The advisory store's sources as a report lists them, with their ages at `now`.
pub fn db_sources(status: &drydock_advisories::Status, now: i64) -> Vec<DbSource> {
    status
        .sources
        .iter()
        .map(|s| DbSource {
            name: s.name.clone(),
            records: s.records,
            imported_at: s.imported_at,
            age: now.saturating_sub(s.imported_at).max(0),
        })
        .collect()
}
