//! Which engine the user means: flags, environment, Docker contexts, then the usual sockets.
//!
//! The order follows the Docker CLI, so Drydock talks to the engine `docker` would talk to:
//! `--host`, `--context`, `DOCKER_HOST`, `DOCKER_CONTEXT`, the CLI config's current context, then
//! the platform's well-known sockets (Docker Engine, rootless, Docker Desktop, Colima, Rancher
//! Desktop, Podman) and on Windows the engine's named pipe. Everything here is plain data: the
//! environment comes in as [`HostEnv`] so tests can describe any machine.

use crate::context::{self, TlsFiles};
use crate::error::EngineError;
use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// Where an engine listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Unix(PathBuf),
    Tcp { addr: String, tls: Option<TlsFiles> },
    NamedPipe(String),
    Ssh(String),
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Unix(path) => write!(f, "unix://{}", path.display()),
            Endpoint::Tcp { addr, tls: Some(_) } => write!(f, "tcp://{addr} (TLS)"),
            Endpoint::Tcp { addr, tls: None } => write!(f, "tcp://{addr}"),
            Endpoint::NamedPipe(pipe) => write!(f, "npipe://{pipe}"),
            Endpoint::Ssh(target) => write!(f, "ssh://{target}"),
        }
    }
}

impl Endpoint {
    /// Parses a Docker host address as `DOCKER_HOST` and `-H` take it.
    pub fn parse(value: &str, tls: Option<TlsFiles>) -> Result<Endpoint, EngineError> {
        let bad = |reason: &str| EngineError::BadHost {
            value: value.to_owned(),
            reason: reason.to_owned(),
        };
        let value_trim = value.trim();
        if value_trim.is_empty() {
            return Err(bad("it is empty"));
        }
        if let Some(path) = value_trim.strip_prefix("unix://") {
            if path.is_empty() {
                return Err(bad("no socket path after unix://"));
            }
            return Ok(Endpoint::Unix(PathBuf::from(path)));
        }
        if let Some(pipe) = value_trim.strip_prefix("npipe://") {
            if pipe.is_empty() {
                return Err(bad("no pipe name after npipe://"));
            }
            return Ok(Endpoint::NamedPipe(pipe.to_owned()));
        }
        if let Some(target) = value_trim.strip_prefix("ssh://") {
            return Ok(Endpoint::Ssh(target.to_owned()));
        }
        let addr = value_trim
            .strip_prefix("tcp://")
            .or_else(|| value_trim.strip_prefix("http://"))
            .or_else(|| value_trim.strip_prefix("https://"));
        let Some(addr) = addr else {
            if value_trim.starts_with('/') {
                return Err(bad("a bare path needs the unix:// scheme"));
            }
            return Err(bad("unknown scheme"));
        };
        let addr = addr.trim_end_matches('/');
        if addr.is_empty() || addr.contains('/') {
            return Err(bad("expected host:port after the scheme"));
        }
        let addr = if addr.contains(':') {
            addr.to_owned()
        } else {
            format!("{addr}:2375")
        };
        Ok(Endpoint::Tcp { addr, tls })
    }

    /// For a local socket or pipe, whether it exists; remote endpoints are assumed reachable.
    pub fn is_present(&self) -> bool {
        match self {
            Endpoint::Unix(path) => path.exists(),
            Endpoint::NamedPipe(pipe) => {
                cfg!(windows) && Path::new(&pipe.replace('/', "\\")).exists()
            }
            Endpoint::Tcp { .. } | Endpoint::Ssh(_) => true,
        }
    }

    /// For a unix socket, whether the path is a socket: a regular file or directory left where
    /// a socket was (a bind mount made before the socket existed) is present but dead.
    fn is_listenable(&self) -> bool {
        match self {
            #[cfg(unix)]
            Endpoint::Unix(path) => {
                use std::os::unix::fs::FileTypeExt;
                std::fs::metadata(path).is_ok_and(|m| m.file_type().is_socket())
            }
            _ => self.is_present(),
        }
    }
}

/// Why a candidate is on the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Source {
    HostFlag,
    ContextFlag(String),
    DockerHostEnv,
    DockerContextEnv(String),
    CurrentContext(String),
    Default(String),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::HostFlag => write!(f, "--host"),
            Source::ContextFlag(name) => write!(f, "--context {name}"),
            Source::DockerHostEnv => write!(f, "DOCKER_HOST"),
            Source::DockerContextEnv(name) => write!(f, "DOCKER_CONTEXT={name}"),
            Source::CurrentContext(name) => write!(f, "current context {name}"),
            Source::Default(label) => write!(f, "{label}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub endpoint: Endpoint,
    pub source: Source,
    pub present: bool,
}

/// What the user asked for on the command line (or the app's engine switcher).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub host: Option<String>,
    pub context: Option<String>,
}

/// The system, as plain data: discovery takes it, so the Windows and macOS lists are tested on
/// any machine.
pub use drydock_layers::Os;

/// The parts of the machine discovery reads.
#[derive(Debug, Clone, Default)]
pub struct HostEnv {
    pub docker_host: Option<String>,
    pub docker_context: Option<String>,
    pub docker_tls_verify: bool,
    pub docker_cert_path: Option<PathBuf>,
    /// `DOCKER_CONFIG`, or `~/.docker`.
    pub docker_config_dir: Option<PathBuf>,
    pub home: Option<PathBuf>,
    pub xdg_runtime_dir: Option<PathBuf>,
    pub os: Os,
}

impl HostEnv {
    /// Reads this process's environment.
    pub fn from_process() -> HostEnv {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let home = var("HOME")
            .or_else(|| var("USERPROFILE"))
            .map(PathBuf::from);
        HostEnv {
            docker_host: var("DOCKER_HOST"),
            docker_context: var("DOCKER_CONTEXT"),
            docker_tls_verify: var("DOCKER_TLS_VERIFY").is_some_and(|v| v != "0"),
            docker_cert_path: var("DOCKER_CERT_PATH").map(PathBuf::from),
            docker_config_dir: var("DOCKER_CONFIG")
                .map(PathBuf::from)
                .or_else(|| home.as_ref().map(|h| h.join(".docker"))),
            home,
            xdg_runtime_dir: var("XDG_RUNTIME_DIR").map(PathBuf::from),
            os: Os::current(),
        }
    }
}

/// Every place this machine might have an engine, in the order they are tried, and the one
/// Drydock uses.
#[derive(Debug, Clone)]
pub struct Discovery {
    pub candidates: Vec<Candidate>,
    /// Index into `candidates` of the engine to use.
    pub chosen: Option<usize>,
}

impl Discovery {
    pub fn chosen(&self) -> Option<&Candidate> {
        self.chosen.map(|i| &self.candidates[i])
    }

    /// The chosen candidate, or an error naming every place that was tried.
    pub fn require(&self) -> Result<&Candidate, EngineError> {
        self.chosen().ok_or_else(|| EngineError::NotFound {
            looked: self
                .candidates
                .iter()
                .map(|c| c.endpoint.to_string())
                .collect(),
        })
    }
}

/// Lists the candidates and picks one. An explicit choice (flag, environment, context) is used
/// even when its socket is missing, so the error names what the user asked for.
pub fn discover(selection: &Selection, env: &HostEnv) -> Result<Discovery, EngineError> {
    if let Some(explicit) = explicit_choice(selection, env)? {
        let present = explicit.0.is_present();
        let mut candidates = vec![Candidate {
            endpoint: explicit.0,
            source: explicit.1,
            present,
        }];
        candidates.extend(defaults(env));
        return Ok(Discovery {
            candidates,
            chosen: Some(0),
        });
    }
    let candidates = defaults(env);
    // A live socket first; failing that, whatever is there, so the error says what it is.
    let chosen = candidates
        .iter()
        .position(|c| c.present && c.endpoint.is_listenable())
        .or_else(|| candidates.iter().position(|c| c.present));
    Ok(Discovery { candidates, chosen })
}

fn explicit_choice(
    selection: &Selection,
    env: &HostEnv,
) -> Result<Option<(Endpoint, Source)>, EngineError> {
    if let Some(host) = &selection.host {
        return Ok(Some((
            Endpoint::parse(host, env_tls(env))?,
            Source::HostFlag,
        )));
    }
    if let Some(name) = &selection.context {
        return context_choice(name, env, Source::ContextFlag(name.clone()));
    }
    if let Some(host) = &env.docker_host {
        return Ok(Some((
            Endpoint::parse(host, env_tls(env))?,
            Source::DockerHostEnv,
        )));
    }
    if let Some(name) = &env.docker_context {
        return context_choice(name, env, Source::DockerContextEnv(name.clone()));
    }
    if let Some(dir) = &env.docker_config_dir {
        if let Some(name) = context::current_context(dir)? {
            return context_choice(&name, env, Source::CurrentContext(name.clone()));
        }
    }
    Ok(None)
}

/// The `default` context means "no context": fall through to the usual sockets.
fn context_choice(
    name: &str,
    env: &HostEnv,
    source: Source,
) -> Result<Option<(Endpoint, Source)>, EngineError> {
    if name == "default" {
        return Ok(None);
    }
    let Some(dir) = &env.docker_config_dir else {
        return Err(EngineError::ContextNotFound {
            name: name.to_owned(),
            path: "the Docker CLI config (no home directory)".into(),
        });
    };
    let endpoint = context::context_endpoint(dir, name)?;
    Ok(Some((endpoint, source)))
}

/// DOCKER_TLS_VERIFY with DOCKER_CERT_PATH (or ~/.docker) gives client certificates for tcp hosts.
fn env_tls(env: &HostEnv) -> Option<TlsFiles> {
    if !env.docker_tls_verify {
        return None;
    }
    let dir = env
        .docker_cert_path
        .clone()
        .or_else(|| env.docker_config_dir.clone())?;
    Some(TlsFiles::in_dir(&dir))
}

/// The well-known places on `env.os`, most common first, with what each is. Pure: nothing is
/// looked at on disk, so any system's list can be checked anywhere.
pub fn default_endpoints(env: &HostEnv) -> Vec<(String, Endpoint)> {
    let mut list: Vec<(String, Endpoint)> = Vec::new();
    if env.os == Os::Windows {
        list.push((
            "Docker Engine / Docker Desktop pipe".into(),
            Endpoint::NamedPipe("//./pipe/docker_engine".into()),
        ));
        list.push((
            "Docker Desktop Linux engine pipe".into(),
            Endpoint::NamedPipe("//./pipe/dockerDesktopLinuxEngine".into()),
        ));
        return list;
    }
    let linux = env.os == Os::Linux;
    let unix = |label: &str, path: PathBuf| (label.to_owned(), Endpoint::Unix(path));
    // On macOS Docker Desktop (and podman-mac-helper) link it to their own socket when allowed.
    list.push(unix("Docker Engine", PathBuf::from("/var/run/docker.sock")));
    // XDG_RUNTIME_DIR and /run are Linux's: rootless Docker and system Podman live only there.
    let run = env.xdg_runtime_dir.as_ref().filter(|_| linux);
    if let Some(run) = run {
        list.push(unix("rootless Docker", run.join("docker.sock")));
    }
    if let Some(home) = &env.home {
        list.push(unix("Docker Desktop", home.join(".docker/run/docker.sock")));
        if linux {
            list.push(unix(
                "Docker Desktop (Linux)",
                home.join(".docker/desktop/docker.sock"),
            ));
        }
        list.push(unix("Colima", home.join(".colima/default/docker.sock")));
        list.push(unix(
            "Colima (XDG)",
            home.join(".config/colima/default/docker.sock"),
        ));
        list.push(unix("Rancher Desktop", home.join(".rd/docker.sock")));
        list.push(unix("OrbStack", home.join(".orbstack/run/docker.sock")));
    }
    if let Some(run) = run {
        list.push(unix("Podman (rootless)", run.join("podman/podman.sock")));
    }
    if linux {
        list.push(unix("Podman", PathBuf::from("/run/podman/podman.sock")));
    }
    list
}

/// The well-known places with whether each is there.
fn defaults(env: &HostEnv) -> Vec<Candidate> {
    default_endpoints(env)
        .into_iter()
        .map(|(label, endpoint)| Candidate {
            present: endpoint.is_present(),
            endpoint,
            source: Source::Default(label),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use std::fs;

    fn env_in(dir: &Path) -> HostEnv {
        HostEnv {
            home: Some(dir.join("home")),
            docker_config_dir: Some(dir.join("home/.docker")),
            xdg_runtime_dir: Some(dir.join("run")),
            os: Os::Linux,
            ..HostEnv::default()
        }
    }

    #[test]
    fn parses_the_address_forms_users_write() {
        assert_eq!(
            Endpoint::parse("unix:///var/run/docker.sock", None).ok(),
            Some(Endpoint::Unix("/var/run/docker.sock".into()))
        );
        assert_eq!(
            Endpoint::parse("tcp://10.0.0.5", None).ok(),
            Some(Endpoint::Tcp {
                addr: "10.0.0.5:2375".into(),
                tls: None
            })
        );
        assert_eq!(
            Endpoint::parse("npipe:////./pipe/docker_engine", None).ok(),
            Some(Endpoint::NamedPipe("//./pipe/docker_engine".into()))
        );
        for bad in [
            "",
            "/var/run/docker.sock",
            "ftp://x",
            "unix://",
            "tcp://host/path",
        ] {
            let err = Endpoint::parse(bad, None).expect_err(bad);
            assert_eq!(err.code(), ErrorCode::InvalidInput, "{bad}");
        }
    }

    #[test]
    fn host_flag_beats_docker_host_which_beats_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut env = env_in(dir.path());
        env.docker_host = Some("unix:///from/env.sock".into());
        let flag = Selection {
            host: Some("unix:///from/flag.sock".into()),
            context: None,
        };
        let found = discover(&flag, &env).expect("discovers");
        let chosen = found.chosen().expect("chosen");
        assert_eq!(
            (chosen.endpoint.to_string(), &chosen.source),
            ("unix:///from/flag.sock".into(), &Source::HostFlag)
        );
        assert!(
            !chosen.present,
            "a missing explicit socket is still the choice, so the error names it"
        );

        let found = discover(&Selection::default(), &env).expect("discovers");
        assert_eq!(
            found.chosen().map(|c| c.source.clone()),
            Some(Source::DockerHostEnv)
        );
    }

    #[test]
    fn the_first_present_default_socket_wins_and_all_are_listed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let env = env_in(dir.path());
        let desktop = dir.path().join("home/.docker/run/docker.sock");
        fs::create_dir_all(desktop.parent().expect("parent")).expect("mkdir");
        fs::write(&desktop, b"").expect("stand-in socket");
        let found = discover(&Selection::default(), &env).expect("discovers");
        // /var/run/docker.sock may exist on the machine running the tests; only assert the order.
        let labels: Vec<String> = found
            .candidates
            .iter()
            .map(|c| c.source.to_string())
            .collect();
        assert_eq!(
            &labels[..3],
            &["Docker Engine", "rootless Docker", "Docker Desktop"]
        );
        assert!(
            labels.contains(&"Podman (rootless)".to_string())
                && labels.contains(&"Colima".to_string())
        );
        let chosen = found.chosen().expect("something present");
        if !Path::new("/var/run/docker.sock").exists() {
            assert_eq!(chosen.endpoint, Endpoint::Unix(desktop));
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_file_where_a_socket_should_be_loses_to_a_live_socket_later_in_the_list() {
        let dir = tempfile::tempdir().expect("tempdir");
        let env = env_in(dir.path());
        let rootless = dir.path().join("run/docker.sock");
        fs::create_dir_all(rootless.parent().expect("parent")).expect("mkdir");
        fs::write(&rootless, b"").expect("stale file");
        let colima = dir.path().join("home/.colima/default/docker.sock");
        fs::create_dir_all(colima.parent().expect("parent")).expect("mkdir");
        let _listener = std::os::unix::net::UnixListener::bind(&colima).expect("bind");
        let found = discover(&Selection::default(), &env).expect("discovers");
        let chosen = found.chosen().expect("chosen");
        if !Path::new("/var/run/docker.sock").exists() {
            assert_eq!(chosen.endpoint, Endpoint::Unix(colima));
        }
        assert_ne!(chosen.endpoint, Endpoint::Unix(rootless));
    }

    fn labels_and_places(env: &HostEnv) -> Vec<(String, String)> {
        default_endpoints(env)
            .into_iter()
            .map(|(label, endpoint)| (label, endpoint.to_string()))
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn windows_looks_only_at_the_engine_pipes() {
        let env = HostEnv {
            os: Os::Windows,
            home: Some(PathBuf::from(r"C:\Users\ana")),
            ..HostEnv::default()
        };
        assert_eq!(
            labels_and_places(&env),
            pairs(&[
                (
                    "Docker Engine / Docker Desktop pipe",
                    "npipe:////./pipe/docker_engine"
                ),
                (
                    "Docker Desktop Linux engine pipe",
                    "npipe:////./pipe/dockerDesktopLinuxEngine"
                ),
            ])
        );
    }

    #[test]
    fn macos_looks_in_the_home_directory_and_never_at_linux_only_places() {
        let env = HostEnv {
            os: Os::MacOs,
            home: Some(PathBuf::from("/Users/ana")),
            // Set in some shells on a Mac, but rootless Docker and /run are Linux's.
            xdg_runtime_dir: Some(PathBuf::from("/tmp/run")),
            ..HostEnv::default()
        };
        assert_eq!(
            labels_and_places(&env),
            pairs(&[
                ("Docker Engine", "unix:///var/run/docker.sock"),
                (
                    "Docker Desktop",
                    "unix:///Users/ana/.docker/run/docker.sock"
                ),
                ("Colima", "unix:///Users/ana/.colima/default/docker.sock"),
                (
                    "Colima (XDG)",
                    "unix:///Users/ana/.config/colima/default/docker.sock"
                ),
                ("Rancher Desktop", "unix:///Users/ana/.rd/docker.sock"),
                ("OrbStack", "unix:///Users/ana/.orbstack/run/docker.sock"),
            ])
        );
    }

    #[test]
    fn linux_adds_rootless_docker_desktop_and_podman_sockets() {
        let env = HostEnv {
            os: Os::Linux,
            home: Some(PathBuf::from("/home/ana")),
            xdg_runtime_dir: Some(PathBuf::from("/run/user/1000")),
            ..HostEnv::default()
        };
        let labels: Vec<String> = labels_and_places(&env).into_iter().map(|p| p.0).collect();
        assert_eq!(
            labels,
            [
                "Docker Engine",
                "rootless Docker",
                "Docker Desktop",
                "Docker Desktop (Linux)",
                "Colima",
                "Colima (XDG)",
                "Rancher Desktop",
                "OrbStack",
                "Podman (rootless)",
                "Podman"
            ]
        );
        let without_home = HostEnv {
            os: Os::Linux,
            ..HostEnv::default()
        };
        assert_eq!(
            labels_and_places(&without_home),
            pairs(&[
                ("Docker Engine", "unix:///var/run/docker.sock"),
                ("Podman", "unix:///run/podman/podman.sock"),
            ])
        );
    }

    #[test]
    fn nothing_present_is_an_error_that_lists_where_it_looked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut env = env_in(dir.path());
        env.os = Os::Windows; // pipes never exist off Windows, so nothing is present
        let found = discover(&Selection::default(), &env).expect("discovers");
        let err = found.require().expect_err("none present");
        assert!(
            err.to_string().contains("npipe:////./pipe/docker_engine"),
            "{err}"
        );
    }
}
