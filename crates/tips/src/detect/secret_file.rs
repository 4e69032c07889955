//! Private keys, `.env` files and credentials in the image's files, and credential files a later
//! layer deleted (the layer that added them still ships them).
//!
//! A risk, not a saving: these tips have `bytes` 0. They name files and places only; nothing
//! of a file's content reaches a tip (the detectors look at it to decide, and keep no part of
//! it).

use super::wanted::{candidate, Candidate, SECRET_MAX_BYTES};
use super::{Draft, Finding, View};
use crate::{FileKind, ImageFacts, TipKind, TipPath};

const WHY: &str = "Anyone who can pull the image can read every file of every layer. A key or \
                   token copied in for the build ships with the image, and stays valid for whoever \
                   finds it.";
const WHY_HIDDEN: &str = "Deleting a file in a later step does not remove it from the image: the \
                          layer that added it still ships it, and anyone with the image can \
                          unpack that layer and read it.";
const FIX: &str = "Give the secret only to the step that needs it: `RUN \
                   --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci` with `docker build \
                   --secret id=npmrc,src=$HOME/.npmrc`; keep such files out of the context with \
                   .dockerignore; then revoke the leaked credential and issue a new one.";
const FIX_KEY: &str = "Keep keys out of the image: add them to .dockerignore; for a private git \
                       checkout use `RUN --mount=type=ssh git clone ...` (`docker build --ssh \
                       default`), and mount a service's key when the container starts (`docker \
                       run -v`, or the orchestrator's secrets); then replace the key.";
const FIX_ENV: &str = "Add `.env*` to .dockerignore and give the values to the container when it \
                       starts (`docker run --env-file .env`, or the orchestrator's secrets); \
                       replace any secret the image held.";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Found {
    PrivateKey,
    DotEnv,
    Credentials,
    /// A credential-named file a later layer deleted or replaced.
    Hidden,
}

impl Found {
    fn title(self) -> &'static str {
        match self {
            Found::PrivateKey => "Private keys in the image",
            Found::DotEnv => ".env files with values in the image",
            Found::Credentials => "Credentials in the image's files",
            Found::Hidden => {
                "Credential files deleted or replaced by a later layer still ship in the layer \
                 that added them"
            }
        }
    }
}

/// Whether the content of a candidate file holds a secret (looked at up to
/// [`SECRET_MAX_BYTES`]), and which kind of tip it makes.
fn judge(candidate: Candidate, data: &[u8]) -> Option<Found> {
    let data = data.get(..SECRET_MAX_BYTES).unwrap_or(data);
    let text = String::from_utf8_lossy(data);
    let found = match candidate {
        Candidate::Key => has_private_key(&text).then_some(Found::PrivateKey),
        Candidate::DotEnv => dot_env_has_values(&text).then_some(Found::DotEnv),
        Candidate::Npmrc => {
            let keys = ["_authtoken", "_auth", "_password", "password"];
            has_assignment(&text, '=', |key| {
                let key = key.to_ascii_lowercase();
                keys.iter().any(|k| key.ends_with(k))
            })
            .then_some(Found::Credentials)
        }
        Candidate::Pypirc => has_assignment(&text, '=', |key| key.eq_ignore_ascii_case("password"))
            .then_some(Found::Credentials),
        Candidate::AwsCredentials => has_assignment(&text, '=', |key| {
            key.eq_ignore_ascii_case("aws_secret_access_key")
                || key.eq_ignore_ascii_case("aws_session_token")
        })
        .then_some(Found::Credentials),
        Candidate::KubeConfig => has_assignment(&text, ':', |key| {
            matches!(key, "token" | "client-key-data" | "password")
        })
        .then_some(Found::Credentials),
        Candidate::GitCredentials => text
            .lines()
            .any(|line| {
                line.find("://").is_some_and(|at| {
                    let authority = &line[at + 3..];
                    authority
                        .find('@')
                        .is_some_and(|end| authority[..end].contains(':'))
                })
            })
            .then_some(Found::Credentials),
        Candidate::Netrc => {
            let mut words = text.split_whitespace();
            let mut found = false;
            while let Some(word) = words.next() {
                if word == "password" && words.next().is_some() {
                    found = true;
                    break;
                }
            }
            found.then_some(Found::Credentials)
        }
        Candidate::DockerConfig => docker_config_has_auth(data).then_some(Found::Credentials),
        Candidate::GcloudCredentials => (text.contains("\"private_key\"")
            || text.contains("\"refresh_token\""))
        .then_some(Found::Credentials),
    };
    // A private key pasted into any candidate file is a private key.
    found.or_else(|| has_private_key(&text).then_some(Found::PrivateKey))
}

/// A PEM or OpenSSH private key block (`-----BEGIN ... PRIVATE KEY-----`), encrypted or not.
fn has_private_key(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim();
        line.starts_with("-----BEGIN ") && line.ends_with("PRIVATE KEY-----")
    })
}

/// A `KEY=value` (or `export KEY=value`) line with a value.
fn dot_env_has_values(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim();
        let line = line.strip_prefix("export ").unwrap_or(line);
        if line.starts_with('#') {
            return false;
        }
        match line.split_once('=') {
            Some((name, value)) => {
                !name.trim().is_empty()
                    && !name.contains(char::is_whitespace)
                    && !value.trim().trim_matches(['"', '\'']).is_empty()
            }
            None => false,
        }
    })
}

/// A `key <sep> value` line whose key `wanted` says is a secret, with a value that is not an
/// environment reference (`${NPM_TOKEN}`).
fn has_assignment(text: &str, separator: char, wanted: impl Fn(&str) -> bool) -> bool {
    text.lines().any(|line| {
        let line = line.trim().trim_start_matches("- ");
        if line.starts_with('#') || line.starts_with(';') {
            return false;
        }
        let Some((key, value)) = line.split_once(separator) else {
            return false;
        };
        let value = value.trim().trim_matches(['"', '\'']);
        wanted(key.trim()) && !value.is_empty() && !value.starts_with("${")
    })
}

/// A Docker client config with a stored login: an `auths` entry with a non-empty `auth` or
/// `identitytoken`.
fn docker_config_has_auth(data: &[u8]) -> bool {
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(data) else {
        return false;
    };
    let Some(auths) = json.get("auths").and_then(|a| a.as_object()) else {
        return false;
    };
    auths.values().any(|entry| {
        ["auth", "identitytoken", "password"].iter().any(|key| {
            entry
                .get(*key)
                .and_then(|v| v.as_str())
                .is_some_and(|v| !v.is_empty())
        })
    })
}

/// `facts` with every secret candidate's content replaced by a stand-in that the detectors
/// judge the same way and that holds nothing of the original: the facts can then be kept (in
/// the store, for the next read) without keeping the image's keys and tokens. Other contents
/// (package databases, manifests) are left as they are.
pub fn scrub_secrets(facts: &mut ImageFacts) {
    for (path, (_, data)) in facts.contents.iter_mut() {
        if let Some(candidate) = candidate(path) {
            *data = stand_in(candidate, judge(candidate, data));
        }
    }
}

/// The smallest content that `judge` finds the same `found` in, for `candidate`.
fn stand_in(candidate: Candidate, found: Option<Found>) -> Vec<u8> {
    let text: &str = match found {
        None | Some(Found::Hidden) => "",
        Some(Found::PrivateKey) => "-----BEGIN PRIVATE KEY-----\n",
        Some(Found::DotEnv) => "REDACTED=1\n",
        Some(Found::Credentials) => match candidate {
            Candidate::Npmrc => "_authToken=redacted\n",
            Candidate::Pypirc => "password=redacted\n",
            Candidate::AwsCredentials => "aws_secret_access_key=redacted\n",
            Candidate::KubeConfig => "token: redacted\n",
            Candidate::GitCredentials => "https://redacted:redacted@redacted\n",
            Candidate::Netrc => "password redacted\n",
            Candidate::DockerConfig => r#"{"auths":{"redacted":{"auth":"redacted"}}}"#,
            Candidate::GcloudCredentials => r#"{"private_key":"redacted"}"#,
            Candidate::Key | Candidate::DotEnv => "-----BEGIN PRIVATE KEY-----\n",
        },
    };
    text.as_bytes().to_vec()
}

pub(super) fn detect(view: &View) -> Vec<Finding> {
    let kinds = [
        Found::PrivateKey,
        Found::DotEnv,
        Found::Credentials,
        Found::Hidden,
    ];
    let mut per_kind: Vec<(Vec<usize>, Vec<TipPath>)> =
        kinds.iter().map(|_| (Vec::new(), Vec::new())).collect();
    let mut add = |found: Found, index: Option<usize>, path: &str, bytes: u64, layer: usize| {
        let Some(at) = kinds.iter().position(|k| *k == found) else {
            return;
        };
        if let Some((files, paths)) = per_kind.get_mut(at) {
            files.extend(index);
            paths.push(TipPath {
                path: path.to_string(),
                bytes,
                layer,
            });
        }
    };
    for (path, (layer, data)) in &view.facts.contents {
        let Some(candidate) = candidate(path) else {
            continue;
        };
        if let Some(found) = judge(candidate, data) {
            add(
                found,
                view.visible.get(path.as_str()).copied(),
                path,
                data.len() as u64,
                *layer,
            );
        }
    }
    // Earlier versions and deleted files: no content to look at, so the name decides; a `.pem`
    // is more often a public certificate than a key, so it needs more than its name.
    for (index, file) in view.facts.files.iter().enumerate() {
        let (Some(_), Some(layer)) = (file.hidden_in, file.layer) else {
            continue;
        };
        if file.kind != FileKind::File || file.size == 0 {
            continue;
        }
        let Some(candidate) = candidate(&file.path) else {
            continue;
        };
        let by_name_only =
            candidate == Candidate::Key && file.path.to_ascii_lowercase().ends_with(".pem");
        if !by_name_only {
            add(Found::Hidden, Some(index), &file.path, file.size, layer);
        }
    }
    let mut findings = Vec::new();
    for (found, (files, paths)) in kinds.iter().zip(per_kind) {
        if paths.is_empty() {
            continue;
        }
        let first = paths
            .iter()
            .map(|p| p.path.as_str())
            .min()
            .unwrap_or("")
            .to_string();
        let more = if paths.len() > 1 {
            format!(" +{} more", paths.len() - 1)
        } else {
            String::new()
        };
        let draft = Draft {
            kind: TipKind::SecretInFile,
            title: format!("{} ({first}{more})", found.title()),
            exact: true,
            estimate: None,
            why: if *found == Found::Hidden {
                WHY_HIDDEN
            } else {
                WHY
            },
            fix: match found {
                Found::PrivateKey => FIX_KEY,
                Found::DotEnv => FIX_ENV,
                Found::Credentials | Found::Hidden => FIX,
            }
            .to_string(),
        };
        let mut finding = draft.finish_with(view, files, paths, 0);
        // A risk saves nothing: no bytes for could_save.
        finding.files.clear();
        findings.push(finding);
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stand_ins_are_judged_the_same_and_hold_nothing() {
        let cases: [(Candidate, &[u8]); 12] = [
            (Candidate::Key, b"-----BEGIN EC PRIVATE KEY-----\nSECRET\n"),
            (Candidate::Key, b"-----BEGIN CERTIFICATE-----\nSECRET\n"),
            (Candidate::DotEnv, b"TOKEN=SECRET\n"),
            (
                Candidate::DotEnv,
                b"-----BEGIN RSA PRIVATE KEY-----\nSECRET\n",
            ),
            (Candidate::DotEnv, b"# SECRET\n"),
            (Candidate::Npmrc, b"//r/:_authToken=SECRET\n"),
            (Candidate::Pypirc, b"password = SECRET\n"),
            (Candidate::AwsCredentials, b"aws_secret_access_key=SECRET\n"),
            (Candidate::KubeConfig, b"    token: SECRET\n"),
            (Candidate::GitCredentials, b"https://u:SECRET@host\n"),
            (Candidate::Netrc, b"machine h password SECRET\n"),
            (
                Candidate::DockerConfig,
                br#"{"auths":{"r":{"auth":"SECRET"}}}"#,
            ),
        ];
        for (candidate, data) in cases {
            let stand_in = stand_in(candidate, judge(candidate, data));
            assert!(
                judge(candidate, data) == judge(candidate, &stand_in),
                "{candidate:?}"
            );
            assert!(!String::from_utf8_lossy(&stand_in).contains("SECRET"));
        }
        let gcloud = br#"{"refresh_token":"SECRET"}"#;
        let replaced = stand_in(
            Candidate::GcloudCredentials,
            judge(Candidate::GcloudCredentials, gcloud),
        );
        assert!(judge(Candidate::GcloudCredentials, &replaced) == Some(Found::Credentials));

        let mut facts = ImageFacts::default();
        facts
            .contents
            .insert("/app/.env".into(), (3, b"A=SECRET\n".to_vec()));
        facts.contents.insert(
            "/var/lib/dpkg/status".into(),
            (0, b"Package: SECRET\n".to_vec()),
        );
        scrub_secrets(&mut facts);
        assert_eq!(facts.contents["/app/.env"], (3, b"REDACTED=1\n".to_vec()));
        assert_eq!(
            facts.contents["/var/lib/dpkg/status"].1,
            b"Package: SECRET\n".to_vec()
        );
    }

    #[test]
    fn judges_contents() {
        let key = b"-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n";
        assert!(judge(Candidate::Key, key) == Some(Found::PrivateKey));
        let cert = b"-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n";
        assert!(judge(Candidate::Key, cert).is_none());
        assert!(judge(Candidate::DotEnv, b"# comment\nA=\n").is_none());
        assert!(judge(Candidate::DotEnv, b"export A=1\n") == Some(Found::DotEnv));
        assert!(judge(Candidate::Npmrc, b"//r/:_authToken=${NPM_TOKEN}\n").is_none());
        assert!(judge(Candidate::Npmrc, b"//r/:_authToken=abc\n") == Some(Found::Credentials));
        assert!(judge(Candidate::Npmrc, b"registry=https://r/\n").is_none());
        assert!(judge(Candidate::Pypirc, b"[pypi]\nusername = u\npassword = p\n").is_some());
        assert!(judge(Candidate::GitCredentials, b"https://u:p@github.com\n").is_some());
        assert!(judge(Candidate::GitCredentials, b"https://github.com\n").is_none());
        assert!(judge(Candidate::Netrc, b"machine x login u password p").is_some());
        assert!(judge(
            Candidate::AwsCredentials,
            b"[default]\naws_secret_access_key = x\n"
        )
        .is_some());
        assert!(judge(
            Candidate::DockerConfig,
            br#"{"auths":{"r":{"auth":"eA=="}}}"#
        )
        .is_some());
        assert!(judge(Candidate::DockerConfig, br#"{"auths":{"r":{}}}"#).is_none());
        assert!(judge(Candidate::DockerConfig, b"not json").is_none());
        assert!(judge(
            Candidate::KubeConfig,
            b"users:\n- name: x\n  user:\n    token: abc\n"
        )
        .is_some());
    }
}
