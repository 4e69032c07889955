//! Docker CLI contexts: `~/.docker/config.json`'s `currentContext` and the stores under
//! `~/.docker/contexts/` (`meta/<sha256 of name>/meta.json`, TLS files in `tls/<same>/docker/`).

use crate::discovery::Endpoint;
use crate::error::EngineError;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Client certificate files for a TLS endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TlsFiles {
    pub fn in_dir(dir: &Path) -> TlsFiles {
        TlsFiles {
            ca: dir.join("ca.pem"),
            cert: dir.join("cert.pem"),
            key: dir.join("key.pem"),
        }
    }
}

/// Bounds what is read from config files: they are small, and a huge one is not a config.
const MAX_CONFIG_BYTES: u64 = 4 * 1024 * 1024;

/// The file's bytes, or `None` when it does not exist; `fix` says how to mend it.
fn read_small(path: &Path, fix: &str) -> Result<Option<Vec<u8>>, EngineError> {
    let fail = |detail: String| EngineError::Config {
        path: path.display().to_string(),
        detail,
        fix: fix.to_owned(),
    };
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(fail(e.to_string())),
    };
    if meta.len() > MAX_CONFIG_BYTES {
        return Err(fail(format!(
            "{} bytes is too large for a config file",
            meta.len()
        )));
    }
    std::fs::read(path)
        .map(Some)
        .map_err(|e| fail(e.to_string()))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct CliConfig {
    current_context: Option<String>,
}

/// The context `docker context use` selected, if any.
pub fn current_context(config_dir: &Path) -> Result<Option<String>, EngineError> {
    let path = config_dir.join("config.json");
    let fix = format!(
        "mend the JSON in {} or move the file aside (the Docker CLI reads it too, and `docker context ls` fails on it the same way), or skip it by naming the engine with --host or DOCKER_HOST",
        path.display()
    );
    let Some(bytes) = read_small(&path, &fix)? else {
        return Ok(None);
    };
    let config: CliConfig = serde_json::from_slice(&bytes).map_err(|e| EngineError::Config {
        path: path.display().to_string(),
        detail: format!("it is not valid JSON: {e}"),
        fix: fix.clone(),
    })?;
    Ok(config.current_context.filter(|c| !c.is_empty()))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ContextMeta {
    #[serde(default)]
    endpoints: BTreeMap<String, EndpointMeta>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct EndpointMeta {
    host: Option<String>,
    #[serde(rename = "SkipTLSVerify", default)]
    skip_tls_verify: bool,
}

/// The CLI stores each context under the hex SHA-256 of its name.
fn context_dir_name(name: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(name.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The docker endpoint of a named context.
pub fn context_endpoint(config_dir: &Path, name: &str) -> Result<Endpoint, EngineError> {
    let id = context_dir_name(name);
    let meta_path = config_dir.join("contexts/meta").join(&id).join("meta.json");
    let fix = format!(
        "the Docker CLI's record of context {name:?} is damaged: make it again (`docker context rm {name}`, then `docker context create {name} --docker host=...`), or pick another engine with --context or --host (`docker context use default` if it is the current context)"
    );
    let config_error = |detail: String| EngineError::Config {
        path: meta_path.display().to_string(),
        detail,
        fix: fix.clone(),
    };
    let Some(bytes) = read_small(&meta_path, &fix)? else {
        return Err(EngineError::ContextNotFound {
            name: name.to_owned(),
            path: meta_path.display().to_string(),
        });
    };
    let meta: ContextMeta = serde_json::from_slice(&bytes)
        .map_err(|e| config_error(format!("it is not a context record: {e}")))?;
    let docker = meta
        .endpoints
        .get("docker")
        .ok_or_else(|| config_error(format!("context {name:?} has no docker endpoint")))?;
    let host = docker
        .host
        .clone()
        .filter(|h| !h.trim().is_empty())
        .ok_or_else(|| config_error(format!("context {name:?} names no engine address")))?;
    let tls_dir = config_dir.join("contexts/tls").join(&id).join("docker");
    let tls = (tls_dir.join("ca.pem").exists() || tls_dir.join("cert.pem").exists())
        .then(|| TlsFiles::in_dir(&tls_dir));
    if docker.skip_tls_verify {
        return Err(EngineError::Unsupported {
            what: format!("context {name:?} skips TLS verification, which"),
            fix: "give the context the engine's CA certificate (`docker context update --docker ca=...`)".into(),
        });
    }
    Endpoint::parse(&host, tls)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn write_context(config: &Path, name: &str, host: &str) {
        let dir = config.join("contexts/meta").join(context_dir_name(name));
        fs::create_dir_all(&dir).expect("mkdir");
        let meta = serde_json::json!({"Name": name, "Metadata": {}, "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": false}}});
        fs::write(dir.join("meta.json"), meta.to_string()).expect("write meta");
    }

    #[test]
    fn reads_the_current_context_and_its_endpoint() {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::write(
            dir.path().join("config.json"),
            br#"{"auths": {}, "currentContext": "colima"}"#,
        )
        .expect("config");
        write_context(
            dir.path(),
            "colima",
            "unix:///home/u/.colima/default/docker.sock",
        );
        assert_eq!(
            current_context(dir.path()).expect("reads"),
            Some("colima".into())
        );
        let endpoint = context_endpoint(dir.path(), "colima").expect("endpoint");
        assert_eq!(
            endpoint,
            Endpoint::Unix("/home/u/.colima/default/docker.sock".into())
        );
    }

    #[test]
    fn context_store_uses_the_cli_directory_name() {
        // `docker context create foo` stores foo under sha256("foo").
        assert_eq!(
            context_dir_name("foo"),
            "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
        );
    }

    #[test]
    fn a_missing_context_names_where_it_looked_and_a_broken_config_names_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = context_endpoint(dir.path(), "nope").expect_err("missing");
        assert!(err.to_string().contains("\"nope\" not found"), "{err}");
        fs::write(dir.path().join("config.json"), b"{not json").expect("config");
        let err = current_context(dir.path()).expect_err("broken");
        assert!(err.to_string().contains("config.json"), "{err}");
    }

    #[test]
    fn tls_contexts_pick_up_their_certificates() {
        let dir = tempfile::tempdir().expect("tempdir");
        write_context(dir.path(), "remote", "tcp://build.example:2376");
        let tls = dir
            .path()
            .join("contexts/tls")
            .join(context_dir_name("remote"))
            .join("docker");
        fs::create_dir_all(&tls).expect("mkdir");
        fs::write(tls.join("ca.pem"), b"x").expect("ca");
        match context_endpoint(dir.path(), "remote").expect("endpoint") {
            Endpoint::Tcp {
                addr,
                tls: Some(files),
            } => {
                assert_eq!(addr, "build.example:2376");
                assert_eq!(files.ca, tls.join("ca.pem"));
            }
            other => panic!("expected a TLS endpoint, got {other:?}"),
        }
    }
}
