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

/// Whether a package written by layer `layer` (whose build step is `step`) came with the base
/// image: the lowest layer of an image whose history names its steps, or a step that unpacks a
/// root filesystem (`ADD file:<digest> in /`, an `ADD` of a rootfs tarball to `/`). Without a
/// step (a root filesystem directory, an archive without history) nothing is said to come from a
/// base. The base image's own later layers cannot be told from the image's own by history alone:
/// they read as the image's.
pub fn from_base_image(layer: usize, step: &str) -> bool {
    let step = step.trim();
    if step.is_empty() {
        return false;
    }
    if layer == 0 {
        return true;
    }
    let step = step
        .strip_prefix("/bin/sh -c #(nop)")
        .map(str::trim_start)
        .unwrap_or(step)
        .trim_end_matches("# buildkit")
        .trim_end();
    let Some(rest) = step.strip_prefix("ADD ") else {
        return false;
    };
    let unpacks_root = rest.ends_with(" in /")
        || (rest.ends_with(" /") && (rest.contains("rootfs") || rest.contains(".tar")));
    unpacks_root && !rest.contains("--from")
}

#[cfg(test)]
mod tests {
    use super::from_base_image;

    #[test]
    fn the_base_image_rule() {
        assert!(from_base_image(0, "RUN apt-get install -y curl"));
        assert!(from_base_image(
            1,
            "/bin/sh -c #(nop) ADD file:4f1d2e3c in / "
        ));
        assert!(from_base_image(1, "ADD file:4f1d2e3c in /"));
        assert!(from_base_image(
            1,
            "ADD alpine-minirootfs-3.19.1-x86_64.tar.gz / # buildkit"
        ));
        assert!(!from_base_image(1, "ADD file:4f1d2e3c in /srv"));
        assert!(!from_base_image(
            3,
            "RUN /bin/sh -c pip install requests # buildkit"
        ));
        assert!(!from_base_image(3, "ADD app.py /srv/ # buildkit"));
        assert!(
            !from_base_image(0, ""),
            "a root filesystem has no base image"
        );
    }
}
