//! Build history rows, and which steps made a layer.
//!
//! The history endpoint does not say which steps wrote a layer (the image config's `empty_layer`
//! is not exposed), yet layer sizes and the image's layer list must be paired step by step. A step
//! with bytes made a layer; among zero-byte steps, the image's layer count says how many more did,
//! and the instruction text says which (RUN/COPY/ADD write layers, ENV/LABEL/CMD do not).

use crate::images::rfc3339;
use crate::raw::RawHistory;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistoryRow {
    /// The image id for steps that are images of their own, otherwise `<missing>`.
    pub id: String,
    pub created: String,
    /// The engine's text, unchanged.
    pub created_by: String,
    pub size: i64,
    pub comment: String,
    /// True when the step changed only metadata and wrote no layer.
    pub empty_layer: bool,
    pub tags: Vec<String>,
}

/// Rows newest first, as the engine lists them. `layer_count` is the number of layers in the
/// image's root filesystem, when known; without it a step made a layer exactly when it has bytes.
pub fn history_rows(
    raw_newest_first: &[RawHistory],
    layer_count: Option<usize>,
) -> Vec<HistoryRow> {
    let oldest_first: Vec<&RawHistory> = raw_newest_first.iter().rev().collect();
    let made_layer = match layer_count {
        Some(n) => layer_steps(&oldest_first, n),
        None => oldest_first.iter().map(|h| h.size > 0).collect(),
    };
    let mut rows: Vec<HistoryRow> = oldest_first
        .iter()
        .zip(made_layer)
        .map(|(h, layer)| HistoryRow {
            id: h.id.clone(),
            created: rfc3339(h.created),
            created_by: h.created_by.clone(),
            size: h.size,
            comment: h.comment.clone(),
            empty_layer: !layer,
            tags: h.tags.clone(),
        })
        .collect();
    rows.reverse();
    rows
}

/// For each step, oldest first: did it write one of the image's `layer_count` layers?
pub fn layer_steps(oldest_first: &[&RawHistory], layer_count: usize) -> Vec<bool> {
    let mut made: Vec<bool> = oldest_first.iter().map(|h| h.size > 0).collect();
    let mut missing = layer_count.saturating_sub(made.iter().filter(|m| **m).count());
    // Zero-byte steps whose instruction writes a layer first, then any other, oldest first.
    for pass_likely in [true, false] {
        for (i, h) in oldest_first.iter().enumerate() {
            if missing == 0 {
                return made;
            }
            if !made[i] && writes_layer(h) == pass_likely {
                made[i] = true;
                missing -= 1;
            }
        }
    }
    made
}

/// Whether a step's instruction normally writes a layer, from the builder's text:
/// classic builds write `/bin/sh -c #(nop)  ENV ...` for metadata and `/bin/sh -c cmd` for RUN;
/// BuildKit writes the Dockerfile instruction itself (`RUN ...`, `ENV ...`).
fn writes_layer(h: &RawHistory) -> bool {
    if h.comment.starts_with("Imported from") {
        return true;
    }
    let text = h.created_by.trim();
    if let Some(pos) = text.find("#(nop)") {
        let rest = text[pos + "#(nop)".len()..].trim_start();
        return starts_with_word(rest, "COPY") || starts_with_word(rest, "ADD");
    }
    const METADATA: [&str; 13] = [
        "ENV",
        "LABEL",
        "CMD",
        "ENTRYPOINT",
        "EXPOSE",
        "USER",
        "VOLUME",
        "STOPSIGNAL",
        "HEALTHCHECK",
        "SHELL",
        "ARG",
        "ONBUILD",
        "MAINTAINER",
    ];
    !text.is_empty() && !METADATA.iter().any(|word| starts_with_word(text, word))
}

fn starts_with_word(text: &str, word: &str) -> bool {
    text.len() >= word.len()
        && text.as_bytes()[..word.len()].eq_ignore_ascii_case(word.as_bytes())
        && text[word.len()..]
            .chars()
            .next()
            .is_none_or(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(created_by: &str, size: i64) -> RawHistory {
        RawHistory {
            id: "<missing>".into(),
            created_by: created_by.into(),
            size,
            ..RawHistory::default()
        }
    }

    #[test]
    fn metadata_steps_are_empty_and_zero_byte_runs_still_count() {
        // newest first, as the engine sends them
        let raw = vec![
            step("/bin/sh -c #(nop)  CMD [\"sh\"]", 0),
            step("/bin/sh -c true", 0),
            step("/bin/sh -c #(nop)  ENV A=b", 0),
            step("/bin/sh -c dd if=/dev/zero of=/f bs=1k count=4", 4096),
            RawHistory {
                comment: "Imported from -".into(),
                size: 900,
                ..RawHistory::default()
            },
        ];
        let rows = history_rows(&raw, Some(3));
        let empty: Vec<bool> = rows.iter().map(|r| r.empty_layer).collect();
        assert_eq!(empty, vec![true, false, true, false, false]);
        assert_eq!(rows[0].created_by, "/bin/sh -c #(nop)  CMD [\"sh\"]");
    }

    #[test]
    fn buildkit_text_is_read_too() {
        let raw = [
            step("CMD [\"sh\"]", 0),
            step("COPY empty /x # buildkit", 0),
            step("ENV A=1", 0),
        ];
        let oldest: Vec<&RawHistory> = raw.iter().rev().collect();
        assert_eq!(layer_steps(&oldest, 1), vec![false, true, false]);
    }

    #[test]
    fn without_a_layer_count_bytes_decide() {
        let rows = history_rows(&[step("RUN true", 0), step("RUN x", 5)], None);
        assert_eq!(
            rows.iter().map(|r| r.empty_layer).collect::<Vec<_>>(),
            vec![true, false]
        );
    }

    #[test]
    fn more_layers_than_likely_steps_falls_back_to_the_oldest_others() {
        let raw = [step("ENV B=2", 0), step("ENV A=1", 0)];
        let oldest: Vec<&RawHistory> = raw.iter().rev().collect();
        assert_eq!(layer_steps(&oldest, 1), vec![true, false]);
        assert_eq!(layer_steps(&oldest, 9), vec![true, true]);
    }

    #[test]
    fn hostile_text_does_not_panic() {
        for text in ["#(nop)", "é#(nop)é", "\u{0}", "RUN\u{2028}x", "co"] {
            let _ = writes_layer(&step(text, 0));
        }
    }
}
