//! What should not be in a build context: dependency and build-output directories, and
//! secrets. Names decide for directories; for secret-looking files a short look at the start
//! of the file decides (never more than [`SNIFF_BYTES`]).

use std::io::Read;
use std::path::Path;

/// The most of a file read to tell a secret from a look-alike.
pub const SNIFF_BYTES: u64 = 64 * 1024;

/// Why a directory named `name` (whose parent holds `siblings_cargo`) should not be sent.
pub fn unneeded_dir(name: &str, parent: &Path) -> Option<&'static str> {
    Some(match name {
        ".git" => "version control history: never needed in the image, often large",
        "node_modules" => "installed npm packages: install them in the image from the lockfile",
        "__pycache__" => "Python bytecode cache, remade at run time",
        ".venv" => "a Python virtualenv built for this machine, not the image",
        "venv" if parent.join(name).join("pyvenv.cfg").is_file() => {
            "a Python virtualenv built for this machine, not the image"
        }
        "target"
            if parent.join("Cargo.toml").is_file()
                || parent.join(name).join("CACHEDIR.TAG").is_file() =>
        {
            "Cargo build output: build in the image, or copy only the binary"
        }
        "dist" | "build" if !parent.join(name).join("Dockerfile").exists() => {
            "build output: build it in the image, or copy only what ships"
        }
        _ => return None,
    })
}

/// Why the file at `rel` (context-relative, `/`-separated) is a secret, looking at its first
/// bytes when the name alone is not enough.
pub fn secret(rel: &str, abs: &Path, bytes: u64) -> Option<&'static str> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if name == ".env" || (name.starts_with(".env.") && !is_example(name)) {
        return Some("environment file: usually holds passwords and API tokens");
    }
    if rel == ".aws/credentials" || rel.ends_with("/.aws/credentials") {
        return Some("AWS credentials");
    }
    let key_name = name.ends_with(".pem")
        || name.ends_with(".key")
        || matches!(name, "id_rsa" | "id_ed25519" | "id_ecdsa" | "id_dsa");
    if key_name {
        let head = sniff(abs, bytes)?;
        return is_private_key(&head).then_some("private key");
    }
    if name == ".npmrc" {
        let head = sniff(abs, bytes)?;
        return contains(&head, b"_authToken").then_some("npm registry token");
    }
    if rel == ".docker/config.json" || rel.ends_with("/.docker/config.json") {
        let head = sniff(abs, bytes)?;
        return (contains(&head, b"\"auths\"") && contains(&head, b"\"auth\""))
            .then_some("Docker registry credentials");
    }
    None
}

fn is_example(name: &str) -> bool {
    ["example", "sample", "template", "dist"]
        .iter()
        .any(|s| name.ends_with(s))
}

fn sniff(abs: &Path, bytes: u64) -> Option<Vec<u8>> {
    if bytes > SNIFF_BYTES {
        return None;
    }
    let mut head = Vec::new();
    std::fs::File::open(abs)
        .ok()?
        .take(SNIFF_BYTES)
        .read_to_end(&mut head)
        .ok()?;
    Some(head)
}

/// A PEM private key header (`-----BEGIN [RSA |EC |OPENSSH |ENCRYPTED ]PRIVATE KEY-----`) at
/// the start, after white space.
pub fn is_private_key(head: &[u8]) -> bool {
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let rest = head.get(start..).unwrap_or(&[]);
    let Some(label) = rest.strip_prefix(b"-----BEGIN ") else {
        return false;
    };
    let line = label.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    line.ends_with(b"PRIVATE KEY-----") && line.len() <= 64
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_key_headers() {
        assert!(is_private_key(b"-----BEGIN RSA PRIVATE KEY-----\nMII"));
        assert!(is_private_key(b"\n-----BEGIN OPENSSH PRIVATE KEY-----\r\n"));
        assert!(is_private_key(b"-----BEGIN PRIVATE KEY-----"));
        assert!(!is_private_key(b"-----BEGIN CERTIFICATE-----\n"));
        assert!(!is_private_key(b"-----BEGIN PUBLIC KEY-----\n"));
        assert!(!is_private_key(b""));
    }
}
