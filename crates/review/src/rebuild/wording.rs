//! The trial's name and the one-line result: pure, so the wording is tested without an engine.

use drydock_inventory::human_bytes;
use std::path::Path;

/// The longest project name a trial tag keeps.
const MAX_NAME: usize = 64;

/// `drydock-trial/<project>:<now>`: a valid image reference whatever the context directory is
/// called (the name is cut to lowercase letters, digits and single dashes).
pub fn trial_tag(context: &Path, now: i64) -> String {
    let raw = context
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .or_else(|| {
            std::path::absolute(context)
                .ok()?
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_default();
    let mut name = String::new();
    for c in raw.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            name.push(c);
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
        if name.len() >= MAX_NAME {
            break;
        }
    }
    let name = name.trim_end_matches('-');
    let name = if name.is_empty() { "project" } else { name };
    format!("drydock-trial/{name}:{}", now.max(0))
}

/// `-184 MB, -62%` when the image shrank, `+3 MB, +1%` when it grew, `no change` when neither.
pub fn summary(before: i64, after: i64) -> String {
    let change = after - before;
    if change == 0 {
        return "no change".into();
    }
    let sign = if change < 0 { '-' } else { '+' };
    let size = human_bytes(change.abs());
    if before <= 0 {
        return format!("{sign}{size}");
    }
    let percent = change.abs() as f64 * 100.0 / before as f64;
    let percent = if percent < 1.0 {
        "<1".to_string()
    } else {
        format!("{percent:.0}")
    };
    format!("{sign}{size}, {sign}{percent}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_directory_name_gives_a_valid_reference() {
        assert_eq!(
            trial_tag(Path::new("/src/app"), 1764819000),
            "drydock-trial/app:1764819000"
        );
        assert_eq!(
            trial_tag(Path::new("/src/My App__v2.0 (copy)"), 5),
            "drydock-trial/my-app-v2-0-copy:5"
        );
        assert_eq!(
            trial_tag(Path::new("/src/..--.."), 5),
            "drydock-trial/project:5"
        );
        assert_eq!(
            trial_tag(Path::new("/src/Ünïcode✓"), 5),
            "drydock-trial/n-code:5"
        );
        assert_eq!(trial_tag(Path::new("/"), -3), "drydock-trial/project:0");
        let long = trial_tag(Path::new(&"a".repeat(500)), 1);
        assert_eq!(long, format!("drydock-trial/{}:1", "a".repeat(MAX_NAME)));
        // Whatever the name, the reference has Docker's shape.
        for name in ["-x-", "A.B", "a b", "日本", "x\u{0}y", "_"] {
            let tag = trial_tag(Path::new(name), 1);
            let repo = tag.rsplit_once(':').expect("tag").0;
            let last = repo.rsplit('/').next().expect("name");
            assert!(
                last.starts_with(|c: char| c.is_ascii_alphanumeric())
                    && last.ends_with(|c: char| c.is_ascii_alphanumeric())
                    && last
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && !last.contains("--"),
                "{tag}"
            );
        }
    }

    #[test]
    fn the_summary_says_which_way_and_how_much() {
        assert_eq!(summary(296_000_000, 112_000_000), "-184 MB, -62%");
        assert_eq!(summary(300_000_000, 303_000_000), "+3 MB, +1%");
        assert_eq!(summary(300_000_000, 300_000_100), "+100 B, +<1%");
        assert_eq!(summary(5, 5), "no change");
        assert_eq!(summary(0, 2000), "+2 kB");
    }
}
