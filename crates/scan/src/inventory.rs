//! What an image holds, read once: the files the catalogers need (final filesystem, whiteouts
//! applied), cataloged, with each layer's build step. Kept in the store by image id.

use drydock_catalog::{catalog, want, Catalog, File, FileSet, Want};
use drydock_layers::{Collected, Keep};
use serde::{Deserialize, Serialize};

/// An image's packages and the steps of its layers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inventory {
    pub catalog: Catalog,
    /// Each layer's build step, lowest first (empty when the history does not say).
    pub steps: Vec<String>,
}

impl Inventory {
    /// The build step of layer `index`.
    pub fn step(&self, index: usize) -> String {
        self.steps.get(index).cloned().unwrap_or_default()
    }
}

/// What the reader keeps of `path`: what a cataloger wants.
pub fn keep(path: &str) -> Keep {
    match want(path) {
        Want::No => Keep::No,
        Want::Whole => Keep::Whole,
        Want::Binary => Keep::IfMagic,
    }
}

/// Catalogs what the reader kept.
pub fn inventory(collected: Collected) -> Inventory {
    let Collected {
        files,
        links,
        layers,
        skipped,
    } = collected;
    let mut set: FileSet = files
        .into_iter()
        .map(|(path, (layer, bytes))| (path, File { layer, bytes }))
        .collect();
    // A wanted path that is a link to a kept file (`/etc/os-release` → `../usr/lib/os-release`)
    // reads as that file.
    for (link, target) in &links {
        if set.contains_key(link) || want(link) == Want::No {
            continue;
        }
        if let Some(file) = resolve(link, target).and_then(|t| set.get(&t)).cloned() {
            set.insert(link.clone(), file);
        }
    }
    let mut catalog = catalog(&set);
    catalog.problems.extend(skipped);
    Inventory {
        catalog,
        steps: layers.into_iter().map(|l| l.created_by).collect(),
    }
}

/// `target` of the link at `link`, as a rooted path; `None` when it climbs out of the root.
/// Image paths are Linux paths on every host, so they are split on `/` alone, never by the host's
/// path rules (on Windows a `\` or `C:` in an image's file name is part of the name).
fn resolve(link: &str, target: &str) -> Option<String> {
    let base = if target.starts_with('/') {
        ""
    } else {
        link.rsplit_once('/').map_or("", |(dir, _)| dir)
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in base.split('/').chain(target.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            name => parts.push(name),
        }
    }
    Some(format!("/{}", parts.join("/")))
}

#[cfg(test)]
mod tests {
    use super::resolve;

    #[test]
    fn links_resolve_within_the_root() {
        assert_eq!(
            resolve("/etc/os-release", "../usr/lib/os-release").as_deref(),
            Some("/usr/lib/os-release")
        );
        assert_eq!(resolve("/etc/x", "/usr/y").as_deref(), Some("/usr/y"));
        assert_eq!(resolve("/etc/x", "../../../y"), None);
        assert_eq!(
            resolve("/etc/x", "./../usr//lib/./y").as_deref(),
            Some("/usr/lib/y")
        );
    }

    #[test]
    fn link_targets_are_read_as_linux_paths_on_every_host() {
        assert_eq!(
            resolve("/opt/app/current", "..\\releases\\2").as_deref(),
            Some("/opt/app/..\\releases\\2")
        );
        assert_eq!(resolve("/data/link", "C:/x").as_deref(), Some("/data/C:/x"));
    }
}
