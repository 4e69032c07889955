//! ## What it does
//! Flags `ADD` of a remote file (`http://`, `https://`) without `--checksum`, and `ADD` of a
//! Git repository that follows a branch rather than a release tag (`#v1.4.2`) or a commit.
//!
//! ## Why it matters
//! `ADD <url>` fetches whatever the server returns at build time. Nothing checks those bytes:
//! a replaced release file, a compromised mirror or a moved tag changes the image without any
//! change to the Dockerfile, and two builds of the same commit can differ. The download also
//! lands as its own layer exactly as fetched; an archive is not unpacked, and removing it in a
//! later `RUN` only hides it, so the image still carries its full size. A Git source without a
//! ref, or on a branch, brings whatever was committed last.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12-slim
//! ADD https://example.com/tool-1.4.2-linux-amd64.tar.gz /tmp/
//! RUN tar -xzf /tmp/tool-1.4.2-linux-amd64.tar.gz -C /usr/local/bin && rm /tmp/*.tar.gz
//! ADD https://github.com/example/lib.git /src/lib
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12-slim
//! ADD --checksum=sha256:<digest> https://example.com/tool-1.4.2-linux-amd64.tar.gz /tmp/
//! # or download, verify, unpack and clean up in one layer:
//! RUN curl -fsSLo /tmp/tool.tgz https://example.com/tool-1.4.2-linux-amd64.tar.gz \
//!  && echo "<digest>  /tmp/tool.tgz" | sha256sum -c - \
//!  && tar -xzf /tmp/tool.tgz -C /usr/local/bin && rm /tmp/tool.tgz
//! ADD https://github.com/example/lib.git#<commit sha> /src/lib
//! ```

use drydock_dockerfile::{Args, Kind, Lexer};

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD206",
    name: "add-remote-url",
    level: Level::Warning,
    hadolint: None,
    source: include_str!("add_remote_url.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for (index, ins) in cx.instructions().iter().enumerate() {
        if ins.kind != Kind::Add || ins.flag("checksum").is_some() {
            continue;
        }
        let sources = match &ins.args {
            Args::Words(words) | Args::Exec(words) => match words.split_last() {
                Some((_, sources)) => sources,
                None => continue,
            },
            _ => continue,
        };
        let env = cx.scope(index);
        for source in sources {
            let value = if source.value.contains('$') {
                match Lexer::new(cx.file.escape).process(&source.value, env) {
                    Ok(e) if e.unset.is_empty() => e.value,
                    _ => continue,
                }
            } else {
                source.value.clone()
            };
            let shown = without_credentials(&value);
            if is_git(&value) {
                if !git_pinned(&value) {
                    let follows = match git_ref(&value) {
                        Some(r) => format!("`{r}`, which looks like a branch"),
                        None => "the default branch".to_string(),
                    };
                    out.add(
                        source.span,
                        format!(
                            "`ADD {shown}` follows {follows} and gets new commits on every build: pin a release tag or a commit with `#<ref>`, or add `--checksum`"
                        ),
                    );
                }
            } else if value.starts_with("http://") || value.starts_with("https://") {
                out.add(
                    source.span,
                    format!(
                        "`ADD {shown}` downloads a file without verifying it: add `--checksum=sha256:<digest>`, or download, verify and unpack it in one RUN"
                    ),
                );
            }
        }
    }
}

/// A Git source as BuildKit recognises one: `git@host:repo`, `git://`, or an http(s) URL of a
/// `.git` repository (with a `#ref` fragment or a `?ref=` query).
fn is_git(source: &str) -> bool {
    let location = source.split(['#', '?']).next().unwrap_or(source);
    source.starts_with("git@")
        || source.starts_with("git://")
        || source.starts_with("ssh://")
        || ((source.starts_with("https://") || source.starts_with("http://"))
            && location.ends_with(".git"))
}

/// The ref a Git source asks for: `repo.git#<ref>[:subdir]` or `repo.git?ref=<ref>`; a
/// `commit=` or `checksum=` query pins it outright.
fn git_pinned(source: &str) -> bool {
    let query = source
        .split_once('?')
        .map(|(_, q)| q.split('#').next().unwrap_or(q))
        .unwrap_or("");
    let mut reference = None;
    for (key, value) in query.split('&').filter_map(|kv| kv.split_once('=')) {
        match key {
            "commit" | "checksum" => return !value.is_empty(),
            "ref" | "tag" => reference = Some(value),
            _ => {}
        }
    }
    if reference.is_none() {
        reference = source
            .split_once('#')
            .map(|(_, fragment)| fragment.split(':').next().unwrap_or(fragment));
    }
    reference.is_some_and(|r| commit_hash(r) || version_tag(r))
}

fn commit_hash(reference: &str) -> bool {
    reference.len() >= 40 && reference.chars().all(|c| c.is_ascii_hexdigit())
}

/// `v1.2.3`, `1.2`, `swift-6.0-RELEASE`, `refs/tags/...`: a release, pinned as firmly as an
/// image tag is.
fn version_tag(reference: &str) -> bool {
    let chars: Vec<char> = reference.chars().collect();
    reference.starts_with("refs/tags/")
        || chars
            .windows(3)
            .any(|w| w[0].is_ascii_digit() && w[1] == '.' && w[2].is_ascii_digit())
        || reference
            .strip_prefix('v')
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
}

/// The ref of a Git source, for messages: `#main` gives `main`.
fn git_ref(source: &str) -> Option<&str> {
    if let Some((_, query)) = source.split_once('?') {
        let found = query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == "ref" || *k == "tag");
        if let Some((_, value)) = found {
            return Some(value);
        }
    }
    source
        .split_once('#')
        .map(|(_, fragment)| fragment.split(':').next().unwrap_or(fragment))
        .filter(|r| !r.is_empty())
}

/// The URL with any `user:password@` removed, so a finding never repeats a credential.
fn without_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((_, host)) => format!("{scheme}://{host}{path}"),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, hits, passes};

    #[test]
    fn catches_unverified_downloads_and_moving_git_refs() {
        assert_eq!(
            catches(&RULE, "FROM alpine\nADD https://example.com/x.tgz /tmp/\n"),
            [2]
        );
        catches(
            &RULE,
            "FROM alpine\nADD [\"http://example.com/x\", \"/x\"]\n",
        );
        catches(
            &RULE,
            "FROM alpine\nADD https://github.com/moby/buildkit.git#master /src\n",
        );
        catches(
            &RULE,
            "FROM alpine\nADD https://github.com/moby/buildkit.git?ref=main&keep-git-dir=1 /src\n",
        );
        catches(
            &RULE,
            "FROM alpine\nADD git@github.com:moby/buildkit.git /src\n",
        );
        catches(
            &RULE,
            "FROM alpine\nARG V=1.0\nADD https://example.com/x-${V}.tgz /tmp/\n",
        );
    }

    #[test]
    fn never_repeats_credentials() {
        let found = hits(
            &RULE,
            "FROM alpine\nADD https://user:hunter2@example.com/x /x\n",
        );
        assert!(
            !found[0].message.contains("hunter2"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn does_not_catch_checksums_commits_or_local_files() {
        passes(
            &RULE,
            "FROM alpine\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/x.tgz /tmp/\n",
        );
        passes(
            &RULE,
            "FROM alpine\nADD https://github.com/moby/buildkit.git#9f4e5a2d6b8c0e1f3a5b7c9d1e3f5a7b9c1d3e5f /src\n",
        );
        passes(
            &RULE,
            "FROM alpine\nADD https://github.com/moby/buildkit.git#v0.14.0 /src\n",
        );
        passes(&RULE, "FROM alpine\nARG V=v1.26.3\nADD https://github.com/go-delve/delve.git?ref=${V}&keep-git-dir=1 .\n");
        passes(&RULE, "FROM alpine\nADD https://github.com/x/y.git?ref=main&commit=9f4e5a2d6b8c0e1f3a5b7c9d1e3f5a7b9c1d3e5f .\n");
        passes(&RULE, "FROM alpine\nADD app.tar.gz /app/\n");
        passes(&RULE, "FROM alpine\nCOPY https://example.com/x /x\n");
        passes(&RULE, "FROM alpine\nADD $URL /x\n");
    }
}
