use std::path::Path;

use super::*;

fn write(root: &Path, files: &[(&str, &[u8])]) {
    for (path, bytes) in files {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("dir");
        std::fs::write(file, bytes).expect("file");
    }
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        &[
            (
                "Dockerfile",
                b"FROM base\nCOPY src /app/src\nCOPY package.json /app/\n",
            ),
            ("package.json", b"{}"),
            ("src/main.js", &[b'x'; 100]),
            ("docs/guide.md", &[b'd'; 300]),
            ("node_modules/left-pad/index.js", &[b'n'; 1000]),
            (".git/objects/ab", &[b'g'; 2000]),
            (".env", b"PASSWORD=hunter2\n"),
            (
                "keys/deploy.pem",
                b"-----BEGIN RSA PRIVATE KEY-----\nMIIE\n",
            ),
            ("keys/cert.pem", b"-----BEGIN CERTIFICATE-----\nMIIE\n"),
            (".npmrc", b"//registry.npmjs.org/:_authToken=abc\n"),
            ("app.log", &[b'l'; 50]),
        ],
    );
    dir
}

#[test]
fn counts_what_is_sent_flags_what_should_not_be_and_finds_secrets() {
    let dir = project();
    let report = analyse(dir.path(), Path::new("Dockerfile")).expect("analyse");
    assert_eq!(report.files, 11);
    let total: u64 = 100 + 300 + 1000 + 2000 + 50 + 2 + 17;
    assert!(report.bytes > total, "{}", report.bytes);
    let flagged: Vec<(&str, u64)> = report
        .should_not_send
        .iter()
        .map(|f| (f.path.as_str(), f.bytes))
        .collect();
    assert_eq!(flagged, [(".git", 2000), ("node_modules", 1000)]);
    let secrets: Vec<&str> = report.secrets.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(secrets, [".env", ".npmrc", "keys/deploy.pem"]);
    assert_eq!(
        report.proposed_dockerignore,
        [".git", "node_modules", ".env", ".npmrc", "keys/deploy.pem"]
    );
    assert!(report.proposed_saves_bytes >= 3000);
    // Only src/ and package.json are copied: the rest is sent for nothing.
    assert_eq!(report.unused_bytes, report.bytes - 100 - 2);
    assert_eq!(
        report.biggest_unused.first(),
        Some(&(".git".to_string(), 2000))
    );
    assert_eq!(
        report.biggest_dirs.first(),
        Some(&(".git".to_string(), 2000))
    );
    let json = serde_json::to_value(&report).expect("json");
    for key in [
        "bytes",
        "files",
        "unused_bytes",
        "secrets",
        "should_not_send",
    ] {
        assert!(json.get(key).is_some(), "{key}");
    }
}

#[test]
fn the_dockerfile_specific_ignore_file_wins_and_excluded_dirs_are_not_walked() {
    let dir = project();
    write(
        dir.path(),
        &[
            (".dockerignore", b"docs\n"),
            (
                "Dockerfile.dockerignore",
                b"node_modules\n.git\n*.log\n.env\n",
            ),
        ],
    );
    let report = analyse(dir.path(), Path::new("Dockerfile")).expect("analyse");
    assert_eq!(
        report.ignore_file.as_deref(),
        Some("Dockerfile.dockerignore")
    );
    let flagged: Vec<&str> = report
        .should_not_send
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    assert!(flagged.is_empty(), "{flagged:?}");
    let secrets: Vec<&str> = report.secrets.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(secrets, [".npmrc", "keys/deploy.pem"]);
    // docs is sent: the root .dockerignore does not apply.
    assert!(report.biggest_dirs.iter().any(|(d, _)| d == "docs"));
    // The classic builder reads only the root file.
    let classic =
        analyse_with(dir.path(), Path::new("Dockerfile"), Builder::Classic, 100).expect("analyse");
    assert_eq!(classic.ignore_file.as_deref(), Some(".dockerignore"));
    assert!(!classic.biggest_dirs.iter().any(|(d, _)| d == "docs"));
}

#[test]
fn an_ignore_file_excluding_the_dockerfile_still_sends_it() {
    let dir = project();
    write(dir.path(), &[(".dockerignore", b"*\n!src\n")]);
    let report = analyse(dir.path(), Path::new("Dockerfile")).expect("analyse");
    // src/main.js, the Dockerfile and .dockerignore.
    assert_eq!(report.files, 3);
}

#[test]
fn symlinks_are_not_followed_and_the_cap_is_reported() {
    let dir = project();
    std::os::unix::fs::symlink("/", dir.path().join("root")).expect("symlink");
    let report = analyse(dir.path(), Path::new("Dockerfile")).expect("analyse");
    assert_eq!(report.files, 12);
    assert!(!report.truncated);
    let capped =
        analyse_with(dir.path(), Path::new("Dockerfile"), Builder::BuildKit, 5).expect("analyse");
    assert!(capped.truncated);
}

#[test]
fn what_a_copy_names_is_neither_flagged_nor_proposed() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        &[
            (
                "Dockerfile",
                b"FROM nginx\nCOPY dist/ /usr/share/nginx/html\nCOPY .npmrc /root/\n",
            ),
            ("dist/index.html", &[b'h'; 10]),
            ("build/tmp.o", &[b'o'; 10]),
            (".npmrc", b"//r/:_authToken=abc\n"),
        ],
    );
    let report = analyse(dir.path(), Path::new("Dockerfile")).expect("analyse");
    let flagged: Vec<&str> = report
        .should_not_send
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(flagged, ["build"]);
    assert_eq!(report.secrets.len(), 1, "still a secret in the image");
    assert_eq!(report.proposed_dockerignore, ["build"]);
}

#[test]
fn a_missing_dockerfile_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(matches!(
        analyse(dir.path(), Path::new("Dockerfile")),
        Err(ContextError::Dockerfile { .. })
    ));
}

#[test]
fn big_look_alikes_are_not_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut big = b"-----BEGIN RSA PRIVATE KEY-----\n".to_vec();
    big.resize(SNIFF_BYTES as usize + 1, b'A');
    write(
        dir.path(),
        &[("Dockerfile", b"FROM a\n"), ("big.pem", &big)],
    );
    let report = analyse(dir.path(), Path::new("Dockerfile")).expect("analyse");
    assert!(report.secrets.is_empty());
}

#[test]
fn an_ignore_file_with_an_invalid_byte_still_applies() {
    let dir = project();
    write(
        dir.path(),
        &[(".dockerignore", b"\xff\n.git\nnode_modules\n")],
    );
    let report = analyse(dir.path(), Path::new("Dockerfile")).expect("analyse");
    assert_eq!(report.ignore_file.as_deref(), Some(".dockerignore"));
    assert!(report.should_not_send.is_empty());
}
