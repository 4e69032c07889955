//! ## What it does
//! Flags `useradd` with a large user id (more than five digits, as `-u 100000000`) and without
//! `-l` (`--no-log-init`).
//!
//! ## Why it matters
//! `useradd` records the new user in `/var/log/lastlog` and `/var/log/faillog`, files indexed
//! by user id: the entry for uid 100000000 sits 100000000 records into the file. On the host
//! the file is sparse and costs nothing, but image layers do not keep holes, so the layer
//! stores the whole run of zeros: gigabytes for one user, and builds that fill the disk or
//! hang. `-l` skips those logs, which no container reads.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12-slim
//! RUN useradd -u 100000000 -m app
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12-slim
//! RUN useradd -l -u 100000000 -m app
//! ```
//! Busybox's `adduser` (Alpine) writes no such logs.
//!
//! ## Differences from hadolint
//! hadolint's DL3046 misses `--uid=123456` and clustered options (`-mu123456`), and reports a
//! uid given by a variable (`-u "$APP_UID"`) whose name is long; Drydock reads the option
//! forms and leaves variables alone.

use crate::finding::Level;
use crate::packages::option_value;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD131",
    name: "useradd-high-uid-lastlog",
    level: Level::Warning,
    hadolint: Some("DL3046"),
    source: include_str!("useradd_high_uid_lastlog.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for (_, ins, script) in cx.runs() {
        for cmd in script.running("useradd") {
            if cmd.has_flag("--no-log-init") || cmd.has_short_option('l') {
                continue;
            }
            let uid = option_value(&cmd, &["--uid"]).or_else(|| short_uid(cmd.args()));
            let Some(uid) = uid else { continue };
            if uid.len() > 5 && uid.chars().all(|c| c.is_ascii_digit()) {
                out.add(
                    cx.head(ins),
                    format!("`useradd -u {uid}` without `-l` writes lastlog and faillog entries {uid} records deep, which the layer stores in full: add `-l`"),
                );
            }
        }
    }
}

/// The value of `-u` in a cluster of short options: `-u 1`, `-u1`, `-mu 1`, `-mu1`.
fn short_uid(args: &[String]) -> Option<&str> {
    for (i, arg) in args.iter().enumerate() {
        let Some(rest) = arg.strip_prefix('-').filter(|r| !r.starts_with('-')) else {
            continue;
        };
        let letters = rest.len()
            - rest
                .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                .len();
        let (flags, value) = rest.split_at(letters);
        if flags.ends_with('u') {
            return if value.is_empty() {
                args.get(i + 1).map(String::as_str)
            } else {
                Some(value)
            };
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_high_uids_without_l() {
        assert_eq!(
            catches(&RULE, "FROM debian:12\nRUN useradd -u 100000000 app\n"),
            [2]
        );
        catches(&RULE, "FROM debian:12\nRUN useradd --uid=123456 -m app\n");
        catches(&RULE, "FROM debian:12\nRUN sudo useradd -mu123456 app\n");
    }

    #[test]
    fn does_not_catch_low_uids_or_no_log_init() {
        passes(
            &RULE,
            "FROM debian:12\nRUN useradd -u 10001 app && useradd -l -u 100000000 b\n",
        );
        passes(
            &RULE,
            "FROM debian:12\nRUN useradd --no-log-init -u 100000000 app && useradd -lmu 123456 c\n",
        );
        passes(&RULE, "FROM debian:12\nRUN useradd -u \"$APP_UID\" app\n");
    }
}
