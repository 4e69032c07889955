//! Image rows as `drydock images` and the app show them.

use crate::raw::RawImage;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

/// One top-level image. Sizes are the engine's own byte figures.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImageRow {
    /// Full content-addressed id, `sha256:...`.
    pub id: String,
    /// `repo:tag` names; empty for a dangling image (never `<none>:<none>`).
    pub tags: Vec<String>,
    /// `repo@sha256:...` digests from a registry, if any.
    pub digests: Vec<String>,
    /// RFC 3339, UTC.
    pub created: String,
    pub size: i64,
    /// Bytes of layers this image shares with at least one other image.
    pub shared_size: i64,
    /// `size - shared_size`: what this image alone holds.
    pub unique_size: i64,
    /// Containers, running or not, created from this image.
    pub containers: i64,
    pub dangling: bool,
}

/// Turns the engine's list into rows, newest first like `docker images`.
pub fn image_rows(raw: &[RawImage]) -> Vec<ImageRow> {
    let mut rows: Vec<ImageRow> = raw.iter().map(image_row).collect();
    rows.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| a.id.cmp(&b.id)));
    rows
}

fn image_row(img: &RawImage) -> ImageRow {
    let tags: Vec<String> = img
        .repo_tags
        .iter()
        .filter(|t| t.as_str() != "<none>:<none>")
        .cloned()
        .collect();
    let digests = img
        .repo_digests
        .iter()
        .filter(|d| d.as_str() != "<none>@<none>")
        .cloned()
        .collect();
    let shared_size = img.shared_size.max(0);
    ImageRow {
        id: img.id.clone(),
        dangling: tags.is_empty(),
        tags,
        digests,
        created: rfc3339(img.created),
        size: img.size,
        shared_size,
        unique_size: img.size - shared_size,
        containers: img.containers.max(0),
    }
}

/// Unix seconds as RFC 3339 in UTC; out-of-range values (hostile or corrupt metadata) read as the
/// epoch rather than failing the whole listing.
pub fn rfc3339(unix_seconds: i64) -> String {
    DateTime::<Utc>::from_timestamp(unix_seconds, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(id: &str, tags: &[&str], created: i64) -> RawImage {
        RawImage {
            id: id.into(),
            repo_tags: tags.iter().map(|t| t.to_string()).collect(),
            repo_digests: vec!["<none>@<none>".into()],
            created,
            size: 100,
            shared_size: 40,
            containers: 2,
            ..RawImage::default()
        }
    }

    #[test]
    fn dangling_images_have_no_tags_and_no_placeholder() {
        let rows = image_rows(&[raw("sha256:a", &["<none>:<none>"], 1)]);
        assert_eq!(rows[0].tags, Vec::<String>::new());
        assert!(rows[0].digests.is_empty());
        assert!(rows[0].dangling);
    }

    #[test]
    fn unique_is_size_minus_shared_and_rows_are_newest_first() {
        let rows = image_rows(&[
            raw("sha256:old", &["a:1"], 10),
            raw("sha256:new", &["b:1"], 20),
        ]);
        assert_eq!(rows[0].id, "sha256:new");
        assert_eq!(rows[0].unique_size, 60);
        assert_eq!(rows[0].created, "1970-01-01T00:00:20Z");
        assert!(!rows[0].dangling);
    }

    #[test]
    fn absurd_timestamps_do_not_fail_the_listing() {
        assert_eq!(rfc3339(i64::MAX), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn uncomputed_figures_read_as_zero_not_negative() {
        let mut img = raw("sha256:x", &["x:1"], 1);
        img.shared_size = -1;
        img.containers = -1;
        let row = &image_rows(&[img])[0];
        assert_eq!(
            (row.shared_size, row.unique_size, row.containers),
            (0, 100, 0)
        );
    }
}
