//! Go and Rust binaries built here, by the real toolchains, read by the catalog: the hand-made
//! ELF files of the unit tests say what the parsers do, these say the toolchains agree. Each test
//! is skipped, with a note, when its toolchain is not installed (`apt-get install golang-go`,
//! `cargo install cargo-auditable`); everything builds offline.

use std::path::Path;
use std::process::Command;

use drydock_catalog::{catalog, want, File, FileSet, Package, Want};

fn have(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|out| out.status.success())
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create the fixture's directories");
    }
    std::fs::write(path, text).expect("write a fixture file");
}

fn run(command: &mut Command) {
    let out = command.output().expect("run the toolchain");
    assert!(
        out.status.success(),
        "{command:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The catalog of one executable placed at `path` in an image.
fn catalog_of(path: &str, binary: &Path) -> Vec<Package> {
    assert_eq!(want(path), Want::Binary, "{path} is not kept");
    let bytes = std::fs::read(binary).expect("read the built binary");
    let files = FileSet::from([(path.to_string(), File { layer: 1, bytes })]);
    let found = catalog(&files);
    assert_eq!(found.problems, Vec::<String>::new());
    found.packages
}

#[test]
fn a_real_go_binary_gives_stdlib_and_its_dependency_modules() {
    if !have("go", &["version"]) {
        eprintln!("note: go is not installed; skipping the real Go binary test");
        return;
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    let dir = dir.path();
    // A vendored dependency builds offline and still appears in the build info as a module.
    write(
        dir,
        "go.mod",
        "module example.com/hello\n\ngo 1.18\n\nrequire example.com/dep v1.2.3\n",
    );
    write(
        dir,
        "main.go",
        "package main\n\nimport \"example.com/dep\"\n\nfunc main() { println(dep.Hello()) }\n",
    );
    write(
        dir,
        "vendor/example.com/dep/dep.go",
        "package dep\n\nfunc Hello() string { return \"hello\" }\n",
    );
    write(
        dir,
        "vendor/modules.txt",
        "# example.com/dep v1.2.3\n## explicit\nexample.com/dep\n",
    );
    let goversion = Command::new("go")
        .args(["env", "GOVERSION"])
        .output()
        .expect("go env");
    let goversion = String::from_utf8_lossy(&goversion.stdout)
        .trim()
        .to_string();
    for (name, flags) in [("hello", ""), ("hello-stripped", "-s -w")] {
        run(Command::new("go")
            .current_dir(dir)
            .env("GOFLAGS", "-mod=vendor")
            .env("GOPROXY", "off")
            .env("CGO_ENABLED", "0")
            .env("GOCACHE", dir.join("cache"))
            .args(["build", "-ldflags", flags, "-o", name, "."]));
        let packages = catalog_of(&format!("/usr/local/bin/{name}"), &dir.join(name));
        let got: Vec<_> = packages
            .iter()
            .map(|p| (p.name.as_str(), p.ecosystem.as_str(), p.purl.as_str()))
            .collect();
        // The main module is `(devel)` (built from a directory, not a tagged module): skipped.
        let stdlib = packages
            .first()
            .map(|p| p.version.clone())
            .unwrap_or_default();
        assert_eq!(
            got,
            [
                (
                    "stdlib",
                    "Go",
                    format!("pkg:golang/stdlib@{stdlib}").as_str()
                ),
                ("example.com/dep", "Go", "pkg:golang/example.com/dep@v1.2.3"),
            ],
            "{name}"
        );
        // Its section-header offset broken: the build info is still found by its magic, and the
        // damage is said once, naming the file. (Truncation is no test here: a stripped Go
        // binary ends just after its build info.)
        let mut broken = std::fs::read(dir.join(name)).expect("read the built binary");
        broken[0x28..0x30].copy_from_slice(&(1u64 << 40).to_le_bytes());
        let files = FileSet::from([(
            "/app/broken".to_string(),
            File {
                layer: 0,
                bytes: broken,
            },
        )]);
        let found = catalog(&files);
        assert_eq!(found.packages.len(), 2, "{:?}", found.packages);
        assert_eq!(found.problems.len(), 1, "{:?}", found.problems);
        assert!(found.problems[0].starts_with("/app/broken: "));
        // `go1.19.8` → `v1.19.8`; `go1.20` → `v1.20.0`.
        let release = goversion.trim_start_matches("go");
        assert!(
            stdlib == format!("v{release}") || stdlib == format!("v{release}.0"),
            "{goversion} read as {stdlib}"
        );
    }
}

#[test]
fn a_real_cargo_auditable_binary_gives_its_crates_io_dependencies() {
    if !have("cargo", &["auditable", "--version"]) {
        eprintln!("note: cargo-auditable is not installed; skipping the real Rust binary test");
        return;
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    let dir = dir.path();
    // itoa is in this workspace's lock file, so it is in the local registry cache: offline.
    let lock =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.lock"))
            .unwrap_or_default();
    let Some(itoa) = lock
        .split("[[package]]")
        .find(|p| p.contains("name = \"itoa\""))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = ")))
        .map(|v| v.trim_matches('"').to_string())
    else {
        eprintln!("note: itoa is not in the workspace lock; skipping the real Rust binary test");
        return;
    };
    write(
        dir,
        "Cargo.toml",
        &format!(
            "[package]\nname = \"tool\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [dependencies]\nitoa = \"={itoa}\"\n\n[workspace]\n"
        ),
    );
    write(
        dir,
        "src/main.rs",
        "fn main() { println!(\"{}\", itoa::Buffer::new().format(42)); }\n",
    );
    run(Command::new("cargo")
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .args(["auditable", "build", "--offline", "--quiet"]));
    let packages = catalog_of("/app/tool", &dir.join("target/debug/tool"));
    let got: Vec<_> = packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str(), p.ecosystem.as_str()))
        .collect();
    // The root crate is local: not reported.
    assert_eq!(got, [("itoa", itoa.as_str(), "crates.io")]);
    assert_eq!(packages[0].purl, format!("pkg:cargo/itoa@{itoa}"));
}
