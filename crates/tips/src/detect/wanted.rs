//! Which small files the detectors read whole. Asked for every path of the image as the layers
//! stream by, so it only looks at the path's tail and a few prefixes.

use drydock_layers::Keep;

/// Secret candidates bigger than this are not read for their content (a credential file is a
/// few hundred bytes; a bigger `.pem` is a bundle of public certificates). The reader keeps
/// whole files up to its own limit; [`secret_file`](super::secret_file) looks at no more than
/// this much of one.
pub const SECRET_MAX_BYTES: usize = 64 << 10;

/// What the detectors need of the regular file at `path` (rooted): [`Keep::Whole`] for the
/// package databases (dpkg's status and the file lists of build packages, apk's installed db),
/// the `package.json` files of applications (outside `node_modules`), and the files whose name
/// says they may hold a credential; [`Keep::No`] for everything else.
pub fn wanted(path: &str) -> Keep {
    if is_package_db(path) || is_app_manifest(path) || is_secret_candidate(path) {
        Keep::Whole
    } else {
        Keep::No
    }
}

fn is_package_db(path: &str) -> bool {
    if path == "/var/lib/dpkg/status" || path == "/lib/apk/db/installed" {
        return true;
    }
    if let Some(name) = path.strip_prefix("/var/lib/dpkg/status.d/") {
        // Distroless keeps one stanza file per package (and their `.md5sums` beside them).
        return !name.contains('/') && !name.ends_with(".md5sums");
    }
    if let Some(name) = path.strip_prefix("/var/lib/dpkg/info/") {
        if let Some(package) = name.strip_suffix(".list") {
            // Only the build packages' lists: the tips measure those files, nothing else.
            return !package.contains('/') && super::pkgdb::is_build_package(package_name(package));
        }
    }
    false
}

/// `libssl-dev` of `libssl-dev:amd64`.
pub(super) fn package_name(list_stem: &str) -> &str {
    list_stem.split(':').next().unwrap_or(list_stem)
}

fn is_app_manifest(path: &str) -> bool {
    path.ends_with("/package.json") && !path.contains("/node_modules/") && !is_library_dir(path)
}

/// Directories of installed libraries and shared data: their key and `.env` files are the
/// libraries' own (test keys, examples), not the application's secrets.
pub(super) fn is_library_dir(path: &str) -> bool {
    path.contains("/node_modules/")
        || path.contains("/site-packages/")
        || path.contains("/dist-packages/")
        || path.contains("/vendor/")
        || path.contains("/gems/")
        || path.contains("/go/pkg/mod/")
        || path.contains("/.cargo/registry/")
        || path.contains("/.m2/repository/")
        || path.starts_with("/usr/share/")
        || path.starts_with("/usr/lib/python")
        || path.starts_with("/usr/local/lib/python")
        || path.starts_with("/etc/ssl/certs/")
        || path.starts_with("/usr/lib/ssl/certs/")
        || path.starts_with("/etc/pki/")
        || path.starts_with("/etc/ca-certificates/")
}

/// What a file's place and name say it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Candidate {
    /// `*.pem`, `*.key`, `id_rsa` and the other ssh key names.
    Key,
    /// `.env`, `.env.production`, ...
    DotEnv,
    Npmrc,
    Pypirc,
    GitCredentials,
    Netrc,
    AwsCredentials,
    DockerConfig,
    KubeConfig,
    GcloudCredentials,
}

/// The credential a file at `path` may hold, by its name and place; `None` for library
/// directories and names that hold no secret (`.env.example`, public certificates).
pub(super) fn candidate(path: &str) -> Option<Candidate> {
    let name = super::base_name(path);
    let by_name = match name {
        "id_rsa" | "id_ed25519" | "id_ecdsa" | "id_dsa" | "id_ecdsa_sk" | "id_ed25519_sk" => {
            Some(Candidate::Key)
        }
        ".env" => Some(Candidate::DotEnv),
        ".npmrc" => Some(Candidate::Npmrc),
        ".pypirc" => Some(Candidate::Pypirc),
        ".git-credentials" => Some(Candidate::GitCredentials),
        ".netrc" | "_netrc" => Some(Candidate::Netrc),
        "application_default_credentials.json" => Some(Candidate::GcloudCredentials),
        "credentials" if path.ends_with("/.aws/credentials") => Some(Candidate::AwsCredentials),
        "config.json" if path.ends_with("/.docker/config.json") => Some(Candidate::DockerConfig),
        "config" if path.ends_with("/.kube/config") => Some(Candidate::KubeConfig),
        _ => None,
    };
    let candidate = by_name.or_else(|| {
        if let Some(suffix) = name.strip_prefix(".env.") {
            let example = ["example", "sample", "template", "dist", "defaults", "test"]
                .iter()
                .any(|word| suffix.eq_ignore_ascii_case(word));
            return (!example).then_some(Candidate::DotEnv);
        }
        let lower_ends = |ext: &str| {
            name.len() > ext.len()
                && name
                    .get(name.len() - ext.len()..)
                    .is_some_and(|tail| tail.eq_ignore_ascii_case(ext))
        };
        (lower_ends(".pem") || lower_ends(".key")).then_some(Candidate::Key)
    })?;
    if is_library_dir(path) || is_vendored_or_test(path) {
        return None;
    }
    Some(candidate)
}

/// Software installed under /usr (its own test and sample keys), and test, fixture and example
/// directories anywhere: their keys are made up for tests, not the application's secrets.
fn is_vendored_or_test(path: &str) -> bool {
    const PARTS: &[&str] = &[
        "/test/",
        "/tests/",
        "/testdata/",
        "/testing/",
        "/__tests__/",
        "/fixtures/",
        "/examples/",
        "/third_party/",
    ];
    path == "/etc/ssl/private/ssl-cert-snakeoil.key"
        || path.starts_with("/usr/lib/")
        || path.starts_with("/usr/lib64/")
        || path.starts_with("/usr/libexec/")
        || path.starts_with("/usr/local/lib/")
        || path.starts_with("/usr/include/")
        || PARTS.iter().any(|part| path.contains(part))
}

fn is_secret_candidate(path: &str) -> bool {
    candidate(path).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wants_the_package_databases() {
        assert_eq!(wanted("/var/lib/dpkg/status"), Keep::Whole);
        assert_eq!(wanted("/var/lib/dpkg/status.d/libc6"), Keep::Whole);
        assert_eq!(wanted("/var/lib/dpkg/status.d/libc6.md5sums"), Keep::No);
        assert_eq!(
            wanted("/var/lib/dpkg/info/libssl-dev:amd64.list"),
            Keep::Whole
        );
        assert_eq!(wanted("/var/lib/dpkg/info/gcc-12.list"), Keep::Whole);
        assert_eq!(
            wanted("/var/lib/dpkg/info/build-essential.list"),
            Keep::Whole
        );
        assert_eq!(wanted("/var/lib/dpkg/info/libc6:amd64.list"), Keep::No);
        assert_eq!(
            wanted("/var/lib/dpkg/info/libssl-dev:amd64.md5sums"),
            Keep::No
        );
        assert_eq!(wanted("/lib/apk/db/installed"), Keep::Whole);
    }

    #[test]
    fn wants_app_manifests_not_libraries() {
        assert_eq!(wanted("/app/package.json"), Keep::Whole);
        assert_eq!(wanted("/app/node_modules/left-pad/package.json"), Keep::No);
        assert_eq!(
            wanted("/usr/local/lib/node_modules/npm/package.json"),
            Keep::No
        );
    }

    #[test]
    fn wants_secret_candidates() {
        for path in [
            "/root/.ssh/id_rsa",
            "/home/app/.ssh/id_ed25519",
            "/app/server.key",
            "/app/certs/tls.PEM",
            "/app/.env",
            "/app/.env.production",
            "/root/.npmrc",
            "/root/.pypirc",
            "/root/.git-credentials",
            "/root/.netrc",
            "/root/.aws/credentials",
            "/root/.docker/config.json",
            "/root/.kube/config",
            "/etc/nginx/ssl/server.key",
            "/opt/app/certs/tls.key",
        ] {
            assert_eq!(wanted(path), Keep::Whole, "{path}");
        }
        for path in [
            "/app/.env.example",
            "/etc/ssl/certs/ca-certificates.pem",
            "/usr/lib/python3/dist-packages/certifi/cacert.pem",
            "/app/node_modules/x/test/key.pem",
            "/usr/share/doc/x/example.key",
            "/etc/ssl/private/ssl-cert-snakeoil.key",
            "/usr/lib/google-cloud-sdk/x/tests/data/privatekey.pem",
            "/opt/sdk/third_party/requests/server.key",
            "/app/tests/fixtures/id_rsa",
            "/app/config.json",
            "/root/credentials",
            "/.pem",
            "/bin/sh",
            "",
            "/",
        ] {
            assert_eq!(wanted(path), Keep::No, "{path}");
        }
    }
}
