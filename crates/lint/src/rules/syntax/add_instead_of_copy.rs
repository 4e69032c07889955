//! ## What it does
//! Flags `ADD` of local files or folders, where `COPY` does the same job. `ADD` of a URL, a
//! git repository or a local tar archive (which `ADD` unpacks) is left alone, as is a source
//! made of variables the file does not resolve.
//!
//! ## Why it matters
//! `ADD` does more than copy: it downloads URLs and unpacks archives. Using it for plain files
//! hides which of those behaviours a line relies on, and a file that later happens to be a tar
//! archive gets unpacked into the image without anyone asking. `COPY` does exactly one thing,
//! so the reader and the build cache both know what a line does.
//!
//! ## Example
//! ```dockerfile
//! FROM python:3.12-slim
//! ADD requirements.txt /app/
//! ADD . /app
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM python:3.12-slim
//! COPY requirements.txt /app/
//! COPY . /app
//! ```

use drydock_dockerfile::{expand_word, Args, Kind};

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD521",
    name: "add-instead-of-copy",
    level: Level::Warning,
    hadolint: Some("DL3020"),
    source: include_str!("add_instead_of_copy.rs"),
    check,
};

/// What `ADD` unpacks: tar archives, compressed or not.
const ARCHIVES: &[&str] = &[
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz2",
    ".tbz",
    ".tb2",
    ".tar.xz",
    ".txz",
    ".tar.zst",
    ".tzst",
    ".tar.lz",
    ".tlz",
    ".tar.lzma",
    ".tar.z",
    ".taz",
    ".gz",
    ".bz2",
    ".xz",
    ".zst",
    ".lz",
    ".lzma",
];

fn check(cx: &Context, out: &mut Report) {
    for (index, ins) in cx.instructions().iter().enumerate() {
        if ins.kind != Kind::Add {
            continue;
        }
        // Remote sources, pinned or git-specific flags mean ADD is wanted.
        if ins.flag("checksum").is_some()
            || ins.flag("keep-git-dir").is_some()
            || ins.flag("unpack").is_some()
        {
            continue;
        }
        let args = match &ins.args {
            Args::Words(args) | Args::Exec(args) => args,
            _ => continue,
        };
        let [sources @ .., _dest] = args.as_slice() else {
            continue;
        };
        if sources.is_empty() {
            continue;
        }
        let env = cx.scope(index);
        let local = sources.iter().all(|s| {
            let Ok(path) = expand_word(&s.value, env, cx.file.escape) else {
                return false;
            };
            is_plain_local(&s.value, &path)
        });
        if !local {
            continue;
        }
        let copy = if ins.keyword.chars().all(|c| c.is_ascii_lowercase()) {
            "copy"
        } else {
            "COPY"
        };
        out.add_with_fix(
            ins.keyword_span,
            format!("`ADD {}` copies local files, which is COPY's job: use COPY and keep ADD for URLs and archives", sources.iter().map(|s| s.value.as_str()).collect::<Vec<_>>().join(" ")),
            copy,
        );
    }
}

fn is_plain_local(raw: &str, path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let remote = lower.contains("://") || lower.starts_with("git@") || lower.ends_with(".git");
    let archive = ARCHIVES.iter().any(|ext| lower.ends_with(ext));
    let heredoc = raw.starts_with("<<");
    let unresolved = raw.contains('$') && (path.is_empty() || path.contains('$'));
    let glob_archive = lower.ends_with(".*") || lower.ends_with('*');
    !(remote || archive || heredoc || unresolved || path.is_empty() || glob_archive)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, hits, passes};

    #[test]
    fn catches_add_of_local_files() {
        assert_eq!(catches(&RULE, "FROM a\nADD requirements.txt /app/\n"), [2]);
        catches(&RULE, "FROM a\nADD . /app\n");
        catches(&RULE, "FROM a\nADD --chown=app [\"conf\", \"/etc/app\"]\n");
        let found = hits(&RULE, "FROM a\nadd . /app\n");
        assert_eq!(found[0].fix.as_deref(), Some("copy"));
    }

    #[test]
    fn does_not_catch_urls_archives_or_git() {
        passes(&RULE, "FROM a\nADD https://example.com/x.txt /x\n");
        passes(&RULE, "FROM a\nADD rootfs.tar.xz /\n");
        passes(&RULE, "FROM a\nADD vendor.tgz /opt/\n");
        passes(&RULE, "FROM a\nADD git@github.com:moby/buildkit.git /src\n");
        passes(&RULE, "FROM a\nADD --checksum=sha256:abc https://x/y /y\n");
        passes(&RULE, "FROM a\nADD $ARCHIVE /opt/\n");
        passes(&RULE, "FROM a\nADD dist/*.tar.gz /opt/\n");
        passes(&RULE, "FROM a\nCOPY . /app\n");
    }
}
