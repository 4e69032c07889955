//! The image runs as root: a risk, not a saving (bytes 0).

use super::{Draft, Finding, View};
use crate::TipKind;

const WHY: &str = "A process running as root in the container owns every file it can reach and \
                   is one escape away from root on the host; most services need no privilege at \
                   all.";

/// Whether a config's `User` means root: empty, `root` or uid 0, with or without a group.
pub(super) fn is_root(user: &str) -> bool {
    let name = user.trim().split(':').next().unwrap_or("");
    name.is_empty() || name == "root" || name.parse::<u64>() == Ok(0)
}

pub(super) fn detect(view: &View) -> Vec<Finding> {
    let config = &view.facts.config;
    if config.os.eq_ignore_ascii_case("windows") || !is_root(&config.user) {
        return Vec::new();
    }
    let title = if config.user.trim().is_empty() {
        "Runs as root (the image sets no USER)".to_string()
    } else {
        format!("Runs as root (USER {})", config.user.trim())
    };
    let draft = Draft {
        kind: TipKind::RunsAsRoot,
        title,
        exact: true,
        estimate: None,
        why: WHY,
        fix: "Add an unprivileged user and switch to it last: `RUN useradd --uid 10001 \
              --no-create-home app` (Alpine: `adduser -D -u 10001 app`), then `USER 10001`; give \
              it what it writes (`COPY --chown=10001 ...` or `chown` in the same RUN)."
            .to_string(),
    };
    vec![draft.finish_with(view, Vec::new(), Vec::new(), 0)]
}

#[cfg(test)]
mod tests {
    use super::is_root;

    #[test]
    fn root_users() {
        for user in ["", " ", "root", "0", "00", "0:0", "root:root", "0:1000"] {
            assert!(is_root(user), "{user:?}");
        }
        for user in ["10001", "app", "1000:0", "nobody", "-0x"] {
            assert!(!is_root(user), "{user:?}");
        }
    }
}
