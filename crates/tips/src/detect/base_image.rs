//! The base image: the local image whose layers are the longest strict prefix of this one's,
//! its share of the image (a fact, no saving), and a smaller local image of the same family
//! (slim, alpine, distroless, minimal) with what switching would change (an estimate).

use super::{human, Draft, View};
use crate::{LocalImage, Tip, TipKind};

const WHY: &str = "The base is most of many images, and the part every image built on it \
                   shares. Its variants differ a lot in size: a slim, alpine or distroless base of \
                   the same family is often the biggest single saving.";

/// Tag words that name a smaller variant of a family.
const SMALL_WORDS: &[&str] = &["slim", "alpine", "distroless", "minimal"];

pub(super) fn detect(view: &View, me: &LocalImage, locals: &[LocalImage]) -> Vec<Tip> {
    let Some(base) = base_of(me, locals) else {
        return Vec::new();
    };
    let facts = view.facts;
    let n = base.layers.len();
    let top = n - 1;
    // Sizes from the facts when they describe the same layers; else the engine's.
    let (base_bytes, total) = if facts.layers.len() == me.layers.len() && !facts.layers.is_empty() {
        let sum =
            |layers: &[crate::LayerFact]| layers.iter().fold(0u64, |t, l| t.saturating_add(l.size));
        (sum(&facts.layers[..n]), sum(&facts.layers))
    } else {
        (base.size, me.size)
    };
    let name = display_name(base);
    let percent = if total == 0 {
        0
    } else {
        ((base_bytes as u128 * 100) / total as u128).min(100) as u64
    };
    let step = view.step(top);
    let mut tips = vec![
        Draft {
            kind: TipKind::BaseImage,
            title: format!(
                "Base image {name}: {percent}% of this image ({} of {})",
                human(base_bytes),
                human(total)
            ),
            exact: true,
            estimate: None,
            why: WHY,
            fix: format!(
            "Compare the variants of `FROM {name}`: a `-slim` or `-alpine` tag (alpine uses musl \
             and apk: test native modules), or a distroless base for a built binary."
        ),
        }
        .finish_with(view, Vec::new(), Vec::new(), 0)
        .tip,
    ];
    if let Some(tip) = tips.first_mut() {
        tip.layer = Some(top);
        tip.step = step.clone();
    }
    if let Some((candidate, saving)) = smaller_sibling(me, base, locals) {
        let mut tip = Draft {
            kind: TipKind::BaseImage,
            title: format!(
                "A smaller base of the same family is here: {candidate} instead of {name}"
            ),
            exact: false,
            estimate: Some(
                "the difference of the two bases' sizes; what your own steps add on top may \
                 change with the base"
                    .to_string(),
            ),
            why: WHY,
            fix: format!(
                "`FROM {candidate}` in place of `FROM {name}`; check that what your steps install \
                 exists there (slim images lack build tools; alpine uses apk and musl)."
            ),
        }
        .finish_with(view, Vec::new(), Vec::new(), saving)
        .tip;
        tip.layer = Some(top);
        tip.step = step;
        tips.push(tip);
    }
    tips
}

/// The local image (not `me`) whose layers are the longest strict prefix of `me`'s.
fn base_of<'l>(me: &LocalImage, locals: &'l [LocalImage]) -> Option<&'l LocalImage> {
    locals
        .iter()
        .filter(|l| {
            l.id != me.id
                && !l.layers.is_empty()
                && l.layers.len() < me.layers.len()
                && me.layers.starts_with(&l.layers)
        })
        .max_by(|a, b| {
            a.layers
                .len()
                .cmp(&b.layers.len())
                .then(a.tags.is_empty().cmp(&b.tags.is_empty()).reverse())
                .then_with(|| b.id.cmp(&a.id))
        })
}

fn display_name(image: &LocalImage) -> String {
    match image.tags.first() {
        Some(tag) => tag.clone(),
        None => image
            .id
            .strip_prefix("sha256:")
            .unwrap_or(&image.id)
            .chars()
            .take(12)
            .collect(),
    }
}

/// `(repository, tag)` of `repo:tag`; the registry's port is not a tag. `None` for digests.
fn split_tag(reference: &str) -> Option<(&str, &str)> {
    if reference.contains('@') {
        return None;
    }
    let name_start = reference.rfind('/').map_or(0, |at| at + 1);
    match reference[name_start..].rfind(':') {
        Some(at) => Some((
            &reference[..name_start + at],
            &reference[name_start + at + 1..],
        )),
        None => Some((reference, "latest")),
    }
}

/// The last part of a repository without its registry and library prefix (`python` of
/// `docker.io/library/python`).
fn short_name(repo: &str) -> &str {
    repo.rsplit('/').next().unwrap_or(repo)
}

/// The candidate's tag carries the base's version (`3.12-slim` for `3.12`, anything for
/// `latest`).
fn same_version(base_tag: &str, tag: &str) -> bool {
    if base_tag == "latest" {
        return true;
    }
    let version = base_tag.split('-').next().unwrap_or(base_tag);
    tag.strip_prefix(version)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['-', '.']))
}

/// Whether `(repo, tag)` is a smaller variant in the family of `(base_repo, base_tag)`.
fn in_family(base_repo: &str, base_tag: &str, repo: &str, tag: &str) -> bool {
    if repo == base_repo {
        let lower = tag.to_ascii_lowercase();
        return tag != base_tag && SMALL_WORDS.iter().any(|word| lower.contains(word));
    }
    let Some(distroless) = repo.strip_prefix("gcr.io/distroless/") else {
        return false;
    };
    let base = short_name(base_repo);
    match base {
        "debian" | "ubuntu" => {
            matches!(distroless, "static" | "base" | "cc")
                || distroless.starts_with("static-")
                || distroless.starts_with("base-")
                || distroless.starts_with("cc-")
        }
        "openjdk" | "eclipse-temurin" | "amazoncorretto" => distroless.starts_with("java"),
        "node" => distroless.starts_with("nodejs"),
        "golang" => distroless.starts_with("static"),
        other => other.len() >= 4 && distroless.starts_with(other),
    }
}

/// The best smaller local image of the base's family and the bytes switching saves: one that
/// carries the base's version first, then the biggest saving.
fn smaller_sibling(
    me: &LocalImage,
    base: &LocalImage,
    locals: &[LocalImage],
) -> Option<(String, u64)> {
    let mut best: Option<(bool, u64, String)> = None;
    for base_ref in &base.tags {
        let Some((base_repo, base_tag)) = split_tag(base_ref) else {
            continue;
        };
        for local in locals {
            if local.id == me.id || local.id == base.id || local.size >= base.size {
                continue;
            }
            for reference in &local.tags {
                let Some((repo, tag)) = split_tag(reference) else {
                    continue;
                };
                if !in_family(base_repo, base_tag, repo, tag) {
                    continue;
                }
                let rank = (
                    same_version(base_tag, tag),
                    base.size - local.size,
                    reference.clone(),
                );
                let better = match &best {
                    None => true,
                    Some((version, saving, name)) => {
                        (rank.0, rank.1, std::cmp::Reverse(&rank.2))
                            > (*version, *saving, std::cmp::Reverse(name))
                    }
                };
                if better {
                    best = Some(rank);
                }
            }
        }
    }
    best.map(|(_, saving, name)| (name, saving))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        assert_eq!(split_tag("python:3.12"), Some(("python", "3.12")));
        assert_eq!(
            split_tag("localhost:5000/app"),
            Some(("localhost:5000/app", "latest"))
        );
        assert_eq!(
            split_tag("localhost:5000/app:1"),
            Some(("localhost:5000/app", "1"))
        );
        assert_eq!(split_tag("x@sha256:ab"), None);
        assert_eq!(split_tag(""), Some(("", "latest")));
    }

    #[test]
    fn families() {
        assert!(in_family("python", "3.12", "python", "3.12-slim"));
        assert!(!in_family("python", "3.12", "python", "3.11"));
        assert!(!in_family("python", "3.12", "pypy", "slim"));
        assert!(in_family(
            "python",
            "3.12",
            "gcr.io/distroless/python3",
            "latest"
        ));
        assert!(in_family(
            "node",
            "20",
            "gcr.io/distroless/nodejs20-debian12",
            "latest"
        ));
        assert!(!in_family(
            "node",
            "20",
            "gcr.io/distroless/python3",
            "latest"
        ));
        assert!(same_version("3.12", "3.12-slim"));
        assert!(same_version("3.12-bookworm", "3.12-slim-bookworm"));
        assert!(!same_version("3.12", "3.11-slim"));
        assert!(!same_version("3.1", "3.12-slim"));
    }
}
