//! ## What it does
//! Flags an `ARG` or `ENV` whose name says it holds a secret (`GITHUB_TOKEN`, `DB_PASSWORD`,
//! `AWS_SECRET_ACCESS_KEY`, `apiKey`...) or whose value looks like a credential (an AWS access
//! key, a GitHub or Slack token, a private key, a URL with a password in it).
//!
//! ## Why it matters
//! Nothing passed through `ARG` or `ENV` stays private. An `ENV` value is written into the image
//! configuration, so anyone who can pull the image reads it with `docker inspect`. A build
//! argument is recorded in the history of every layer built after it is used, in the build
//! cache and in provenance attestations. Deleting the variable later does not help: the
//! earlier record is still there. Keeping the `ARG` in a stage that is not shipped keeps it out
//! of the pushed image's history, but not out of the builder's cache and metadata. A secret
//! mount is made for this: the value is available to one `RUN` and never written anywhere.
//!
//! Names that only point at a secret (`PASSWORD_FILE`, `TOKEN_URL`, `SECRET_NAME`) and public
//! key material (`GPG_KEY`, `GPG_KEYS`, `PUBLIC_KEY`) are not reported.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22-slim
//! ARG NPM_TOKEN
//! RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci
//! ENV DB_PASSWORD=hunter2
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22-slim
//! RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN \
//!     echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
//! ```
//! Build with `docker build --secret id=npm_token,env=NPM_TOKEN .`, and give runtime secrets
//! to the container when it starts (`docker run -e`, a secrets manager, a mounted file), not
//! to the image.
//!
//! ## Differences from hadolint
//! hadolint's DL3064 reports any name containing `password`, `secret`, `token`, `private`,
//! `username`, `api_key` or `client_key`, and a fixed list of CI variables. Drydock does not
//! report what only points at a secret (`PASSWORD_FILE`, `TOKEN_URL`, `SECRET_NAME`) or is no
//! secret (`DB_USERNAME`, `DOCKER_EMAIL`, `FACEBOOK_APP_ID`, `TRAVIS_OS_NAME`,
//! `PRIVATE_REGISTRY`), and it also reads values, which hadolint does not.

use std::collections::BTreeMap;

use drydock_dockerfile::{Args, Instruction, Kind, Lexer, Span};

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD201",
    name: "secret-in-arg-or-env",
    level: Level::Warning,
    hadolint: Some("DL3064"),
    source: include_str!("secret_in_arg_or_env.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for ins in cx.instructions() {
        for (name, value, span) in variables(ins) {
            // Quotes removed, `$VAR` kept: `ENV TOKEN=$TOKEN` still stores a secret.
            let value = value.map(|raw| {
                let mut lexer = Lexer::new(cx.file.escape);
                lexer.skip_unset = true;
                lexer
                    .process(raw, &BTreeMap::new())
                    .map_or_else(|_| raw.to_string(), |e| e.value)
            });
            let keyword = ins.kind.name();
            if let Some(kind) = value.as_deref().and_then(credential_kind) {
                out.add(
                    span,
                    format!(
                        "the value of `{keyword} {name}` looks like {kind}, and {}: pass it with a secret mount (`RUN --mount=type=secret`) instead",
                        persists(&ins.kind)
                    ),
                );
            } else if secret_name(name) && !placeholder(value.as_deref(), &ins.kind) {
                out.add(
                    span,
                    format!(
                        "`{keyword} {name}` looks like a secret, and {}: mount it for the one step that needs it with `RUN --mount=type=secret,id={}`",
                        persists(&ins.kind),
                        name.to_ascii_lowercase()
                    ),
                );
            }
        }
    }
}

fn persists(kind: &Kind) -> &'static str {
    if *kind == Kind::Env {
        "ENV values are stored in the image config for anyone who pulls it"
    } else {
        "build arguments are recorded in the image history and build metadata"
    }
}

/// The variables an ARG or ENV declares: name, value (if any), and the span of the name.
fn variables(ins: &Instruction) -> Vec<(&str, Option<&str>, Span)> {
    match (&ins.kind, &ins.args) {
        (Kind::Arg, Args::Words(words)) => words
            .iter()
            .map(|w| {
                let (name, value) = match w.value.split_once('=') {
                    Some((name, value)) => (name, Some(value)),
                    None => (w.value.as_str(), None),
                };
                (name, value, name_span(w.span, name))
            })
            .collect(),
        (Kind::Env, Args::KeyValues(pairs)) => pairs
            .iter()
            .map(|kv| {
                (
                    kv.key.value.as_str(),
                    Some(kv.value.value.as_str()),
                    kv.key.span,
                )
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The part of `NAME=value` that is the name, so the finding never underlines the value.
fn name_span(word: Span, name: &str) -> Span {
    let mut span = word;
    if span.start.line == span.end.line {
        let len = u32::try_from(name.chars().count()).unwrap_or(u32::MAX);
        span.end.column = span.start.column.saturating_add(len).min(span.end.column);
    }
    span
}

/// Values that hold nothing secret: declaring the variable for the runtime to fill in, a
/// switch, or a path to where the secret lives.
fn placeholder(value: Option<&str>, kind: &Kind) -> bool {
    let Some(value) = value else {
        // `ARG TOKEN` takes its value from `--build-arg`: that value is what gets recorded.
        // `ENV TOKEN` without a value is not valid; nothing to say.
        return *kind == Kind::Env;
    };
    let lower = value.trim().to_ascii_lowercase();
    lower.is_empty()
        || matches!(
            lower.as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "none" | "null" | "0" | "1"
        )
        || lower.starts_with('/')
}

/// Words that make a name secret wherever they appear as a part of it.
const SECRET_PARTS: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pword",
    "secret",
    "secrets",
    "token",
    "tokens",
    "credential",
    "credentials",
    "creds",
    "apikey",
    "auth",
    "privatekey",
    "accesskey",
    "secretkey",
];

/// Substrings that make a single part secret: `ROOTPASSWORD`, `AUTHTOKEN`, `CLIENTSECRET`.
const SECRET_INFIXES: &[&str] = &["password", "passwd", "secret", "apikey", "credential"];

/// A last part saying the variable points at a secret or describes it, rather than holding it.
const REFERENCE_SUFFIXES: &[&str] = &[
    "file",
    "files",
    "path",
    "dir",
    "directory",
    "url",
    "uri",
    "endpoint",
    "host",
    "hostname",
    "port",
    "name",
    "type",
    "length",
    "len",
    "size",
    "bits",
    "ttl",
    "expiry",
    "expires",
    "timeout",
    "enabled",
    "enable",
    "disabled",
    "disable",
    "required",
    "mode",
    "method",
    "provider",
    "version",
    "format",
    "location",
    "user",
    "username",
    "email",
    "server",
    "servers",
    "ring",
    "keyring",
    "id",
    "ids",
    "sock",
    "socket",
    "domain",
    "realm",
    "scope",
    "scopes",
    "issuer",
    "audience",
    "strategy",
    "policy",
    "expiration",
    "lifetime",
];

/// Parts saying the key is public, or is not a cryptographic key at all.
const PUBLIC_PARTS: &[&str] = &[
    "public",
    "pub",
    "gpg",
    "pgp",
    "gnupg",
    "fingerprint",
    "cache",
    "sort",
    "partition",
    "primary",
    "foreign",
    "repo",
    "apt",
    "release",
    "trusted",
];

/// Whether the variable name says it holds a secret.
fn secret_name(name: &str) -> bool {
    let parts = parts(name);
    let Some(last) = parts.last() else {
        return false;
    };
    // `AWS_ACCESS_KEY_ID` is half of a credential; `GPG_KEY_ID` is not.
    let access_key_id = parts.windows(3).any(|w| w == ["access", "key", "id"]);
    if REFERENCE_SUFFIXES.contains(&last.as_str()) && !access_key_id {
        return false;
    }
    if parts.iter().any(|p| PUBLIC_PARTS.contains(&p.as_str())) {
        return false;
    }
    // `PWD` alone is the shell's working directory.
    if parts.len() > 1 && parts.iter().any(|p| p == "pwd") {
        return true;
    }
    parts.iter().enumerate().any(|(i, part)| {
        SECRET_PARTS.contains(&part.as_str())
            || SECRET_INFIXES.iter().any(|s| part.contains(s))
            || (part.ends_with("token") && part.len() > "token".len())
            || (matches!(part.as_str(), "key" | "keys") && i > 0)
    })
}

/// Lowercase parts of a name split at `_`, `-`, `.` and camelCase humps.
fn parts(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                parts.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

/// What kind of credential `value` looks like, if any. Never returns the value itself.
fn credential_kind(value: &str) -> Option<&'static str> {
    if value.contains("-----BEGIN") && value.contains("PRIVATE KEY") {
        return Some("a private key");
    }
    if run_after(value, &["AKIA", "ASIA"], 16, |c| {
        c.is_ascii_uppercase() || c.is_ascii_digit()
    }) {
        return Some("an AWS access key");
    }
    let token_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    if run_after(
        value,
        &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        30,
        token_char,
    ) || run_after(value, &["github_pat_"], 30, token_char)
    {
        return Some("a GitHub token");
    }
    if run_after(value, &["glpat-"], 20, |c| {
        c.is_ascii_alphanumeric() || c == '-' || c == '_'
    }) {
        return Some("a GitLab token");
    }
    if run_after(
        value,
        &["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"],
        10,
        |c| c.is_ascii_alphanumeric() || c == '-',
    ) {
        return Some("a Slack token");
    }
    if run_after(value, &["sk_live_", "rk_live_"], 16, |c| {
        c.is_ascii_alphanumeric()
    }) {
        return Some("a Stripe secret key");
    }
    if run_after(value, &["AIza"], 35, |c| {
        c.is_ascii_alphanumeric() || c == '-' || c == '_'
    }) {
        return Some("a Google API key");
    }
    if url_with_password(value) {
        return Some("a URL with a password in it");
    }
    None
}

/// Whether one of `prefixes` occurs followed by at least `min` chars accepted by `allowed`.
fn run_after(value: &str, prefixes: &[&str], min: usize, allowed: impl Fn(char) -> bool) -> bool {
    prefixes.iter().any(|prefix| {
        value.match_indices(prefix).any(|(at, _)| {
            let rest = value.get(at + prefix.len()..).unwrap_or("");
            rest.chars().take_while(|c| allowed(*c)).count() >= min
        })
    })
}

/// `scheme://user:password@host` with a literal password (not a `$VAR`).
fn url_with_password(value: &str) -> bool {
    value.match_indices("://").any(|(at, _)| {
        let rest = value.get(at + 3..).unwrap_or("");
        let authority = rest.split(['/', '?', '#', ' ']).next().unwrap_or("");
        let Some((userinfo, _host)) = authority.rsplit_once('@') else {
            return false;
        };
        match userinfo.split_once(':') {
            Some((_user, password)) => !password.is_empty() && !password.contains('$'),
            None => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::{secret_name, RULE};
    use crate::rules::testing::{catches, hits, passes};

    #[test]
    fn catches_secret_names() {
        assert_eq!(catches(&RULE, "FROM alpine\nARG GITHUB_TOKEN\n"), [2]);
        catches(&RULE, "FROM alpine\nENV DB_PASSWORD=hunter2\n");
        catches(&RULE, "FROM alpine\nENV DB_PASSWORD hunter2\n");
        catches(&RULE, "ARG AWS_SECRET_ACCESS_KEY=x\nFROM alpine\n");
        catches(&RULE, "FROM alpine\nARG apiKey=abc\n");
        catches(&RULE, "FROM alpine\nARG A=1 NPM_AUTH_TOKEN\n");
        catches(&RULE, "FROM alpine\nENV GITHUB_TOKEN=${GITHUB_TOKEN}\n");
    }

    #[test]
    fn catches_credential_values_under_any_name() {
        catches(&RULE, "FROM alpine\nENV X=AKIAIOSFODNN7EXAMPLE\n");
        catches(
            &RULE,
            "FROM alpine\nENV DATABASE_URL=postgres://app:s3cret@db:5432/app\n",
        );
        catches(
            &RULE,
            "FROM alpine\nARG GH=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\n",
        );
    }

    #[test]
    fn the_message_never_shows_the_value() {
        let found = hits(
            &RULE,
            "FROM alpine\nENV DB_PASSWORD=hunter2\nENV K=AKIAIOSFODNN7EXAMPLE\n",
        );
        assert_eq!(found.len(), 2);
        for f in found {
            assert!(!f.message.contains("hunter2"), "{}", f.message);
            assert!(!f.message.contains("AKIAIOSFODNN7EXAMPLE"), "{}", f.message);
        }
    }

    #[test]
    fn points_at_the_name_only() {
        let found = hits(&RULE, "FROM alpine\nARG TOKEN=abc\n");
        assert_eq!((found[0].column, found[0].end_column), (5, 10));
    }

    #[test]
    fn does_not_catch_references_public_keys_or_placeholders() {
        passes(
            &RULE,
            "FROM python:3.12\nENV GPG_KEY A035C8C19219BA821ECEA86B64E628F8D684696D\n",
        );
        passes(
            &RULE,
            "FROM php:8\nENV GPG_KEYS AFD8691FDAEDF03B 9D7F99A0CB8F05C8\n",
        );
        passes(&RULE, "FROM alpine\nENV TOKENIZERS_PARALLELISM=false\n");
        passes(
            &RULE,
            "FROM alpine\nENV POSTGRES_PASSWORD_FILE=/run/secrets/pg\n",
        );
        passes(&RULE, "FROM alpine\nARG SSH_PUB_KEY\n");
        passes(&RULE, "FROM alpine\nENV AUTH_ENABLED=true\n");
        passes(&RULE, "FROM alpine\nENV PWD=/app\n");
        passes(&RULE, "FROM alpine\nENV MYSQL_PASSWORD=\n");
        passes(
            &RULE,
            "FROM alpine\nENV PIP_INDEX_URL=https://__token__:${TOKEN}@pypi.example\n",
        );
        passes(&RULE, "FROM alpine\nENV AUTHOR=me KEYBOARD=us\n");
        passes(&RULE, "FROM alpine\nLABEL password=x\nRUN echo $PASSWORD\n");
    }

    #[test]
    fn names() {
        for yes in [
            "PASSWORD",
            "MYSQL_ROOT_PASSWORD",
            "DB_PASS",
            "DB_PWD",
            "SECRET_KEY",
            "SECRET_KEY_BASE",
            "API_KEY",
            "ENCRYPTION_KEY",
            "AWS_ACCESS_KEY_ID",
            "clientSecret",
            "GITHUB_AUTH",
            "ACCESSTOKEN",
            "REGISTRY_CREDENTIALS",
        ] {
            assert!(secret_name(yes), "{yes}");
        }
        for no in [
            "TOKENIZERS_PARALLELISM",
            "GPG_KEY",
            "KEY_ID",
            "PASSWORD_FILE",
            "SECRET_NAME",
            "TOKEN_URL",
            "PUBLIC_KEY",
            "KEY",
            "PWD",
            "PASSAGE",
            "BYPASS_CHECK",
            "AUTH_TYPE",
            "CACHE_KEY",
            "KEYSERVER",
            "SSH_AUTH_SOCK",
            "NEXT_PUBLIC_API_KEY",
            "APT_KEY_DONT_WARN_ON_DANGEROUS_USAGE",
        ] {
            assert!(!secret_name(no), "{no}");
        }
    }
}
