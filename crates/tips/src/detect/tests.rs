//! Every detector on hand-built facts: the bytes each tip counts, where it points, what it must
//! not say, and inputs from a hostile image.

use super::*;
use crate::{ConfigFacts, FileFact, FileKind, LayerFact};

/// Facts built file by file; parents are implied (the detectors do not need them).
#[derive(Default)]
struct Image {
    facts: ImageFacts,
}

impl Image {
    fn new(steps: &[&str]) -> Self {
        let mut image = Image::default();
        image.facts.layers = steps
            .iter()
            .map(|step| LayerFact {
                digest: format!("sha256:{step}"),
                created_by: step.to_string(),
                size: 0,
                hidden_bytes: 0,
            })
            .collect();
        image.facts.config = ConfigFacts {
            os: "linux".into(),
            user: "10001".into(),
            env: Vec::new(),
            history: steps.iter().map(|s| s.to_string()).collect(),
        };
        image
    }

    fn file(mut self, path: &str, size: u64, layer: usize) -> Self {
        self.push(path, FileKind::File, size, layer, None, None);
        self
    }

    fn dir(mut self, path: &str, layer: usize) -> Self {
        self.push(path, FileKind::Dir, 0, layer, None, None);
        self
    }

    fn hidden(mut self, path: &str, size: u64, layer: usize, hidden_in: usize) -> Self {
        self.push(path, FileKind::File, size, layer, Some(hidden_in), None);
        self.facts.hidden_bytes += size;
        if let Some(l) = self.facts.layers.get_mut(layer) {
            l.hidden_bytes += size;
        }
        self
    }

    fn copy(mut self, path: &str, size: u64, layer: usize, digest: u8) -> Self {
        self.push(path, FileKind::File, size, layer, None, Some([digest; 16]));
        self
    }

    fn content(mut self, path: &str, layer: usize, data: &[u8]) -> Self {
        if !self.facts.files.iter().any(|f| f.path == path) {
            self.push(path, FileKind::File, data.len() as u64, layer, None, None);
        }
        self.facts
            .contents
            .insert(path.to_string(), (layer, data.to_vec()));
        self
    }

    fn user(mut self, user: &str) -> Self {
        self.facts.config.user = user.into();
        self
    }

    fn env(mut self, entry: &str) -> Self {
        self.facts.config.env.push(entry.into());
        self
    }

    fn push(
        &mut self,
        path: &str,
        kind: FileKind,
        size: u64,
        layer: usize,
        hidden_in: Option<usize>,
        digest: Option<[u8; 16]>,
    ) {
        self.facts.files.push(FileFact {
            path: path.into(),
            kind,
            size,
            layer: Some(layer),
            hidden_in,
            digest,
        });
        self.facts.stored_bytes += size;
        if let Some(l) = self.facts.layers.get_mut(layer) {
            l.size += size;
        }
    }

    fn tips(&self) -> Vec<Tip> {
        detect(&self.facts, &me(), &[])
    }
}

fn me() -> LocalImage {
    LocalImage {
        id: "sha256:me".into(),
        tags: vec!["app:1".into()],
        size: 0,
        layers: Vec::new(),
    }
}

fn of_kind(tips: &[Tip], kind: TipKind) -> Vec<&Tip> {
    tips.iter().filter(|t| t.kind == kind).collect()
}

fn one(tips: &[Tip], kind: TipKind) -> &Tip {
    let found = of_kind(tips, kind);
    assert_eq!(found.len(), 1, "one {kind:?} tip in {tips:#?}");
    found[0]
}

// --- package caches ---

#[test]
fn package_cache_counts_visible_bytes_per_manager_with_the_step() {
    let image = Image::new(&[
        "FROM debian",
        "RUN apt-get update && apt-get install -y curl",
        "RUN pip install x",
    ])
    .file("/var/lib/apt/lists/deb_InRelease", 123_456, 1)
    .file("/var/lib/apt/lists/deb_Packages", 1_000, 1)
    .file("/var/lib/apt/lists/lock", 0, 1)
    .file("/var/cache/apt/archives/curl.deb", 500, 1)
    .hidden("/var/lib/apt/lists/old", 999, 0, 1)
    .file("/root/.cache/pip/http/a", 7_000, 2)
    .file("/usr/bin/curl", 50_000, 1);
    let tips = image.tips();
    let caches = of_kind(&tips, TipKind::PackageCache);
    assert_eq!(caches.len(), 2, "{caches:#?}");
    let apt = caches
        .iter()
        .find(|t| t.title.starts_with("apt"))
        .expect("apt tip");
    assert_eq!(
        apt.bytes,
        123_456 + 1_000 + 500,
        "hidden lists are not counted here"
    );
    assert!(apt.exact);
    assert_eq!(apt.layer, Some(1));
    assert_eq!(
        apt.step.as_deref(),
        Some("RUN apt-get update && apt-get install -y curl")
    );
    assert_eq!(apt.paths[0].path, "/var/lib/apt/lists");
    assert_eq!(apt.paths[0].bytes, 124_456);
    assert!(apt.fix.contains("rm -rf /var/lib/apt/lists/*"));
    let pip = caches
        .iter()
        .find(|t| t.title.starts_with("pip"))
        .expect("pip tip");
    assert_eq!(pip.bytes, 7_000);
    assert_eq!(pip.layer, Some(2));
    assert!(pip.fix.contains("--no-cache-dir"));
}

#[test]
fn go_module_tree_counts_only_without_a_toolchain() {
    let binary_image = Image::new(&["COPY"])
        .file("/go/pkg/mod/github.com/x/y.go", 300, 0)
        .file("/go/pkg/mod/cache/download/x.zip", 200, 0);
    let tip = one(&binary_image.tips(), TipKind::PackageCache).clone();
    assert_eq!(tip.bytes, 500);
    let toolchain_image = Image::new(&["COPY"])
        .file("/usr/local/go/bin/go", 1_000, 0)
        .file("/go/pkg/mod/github.com/x/y.go", 300, 0)
        .file("/go/pkg/mod/cache/download/x.zip", 200, 0);
    let tips = toolchain_image.tips();
    assert_eq!(one(&tips, TipKind::PackageCache).bytes, 200);
    let go = one(&tips, TipKind::BuildTools);
    assert!(go.title.contains("/usr/local/go"));
    assert_eq!(go.bytes, 1_000);
}

// --- build tools ---

#[test]
fn dpkg_build_packages_are_measured_from_their_file_lists() {
    let image = Image::new(&["FROM debian", "RUN apt-get install -y libfoo-dev gcc-12"])
        .content(
            "/var/lib/dpkg/status",
            0,
            b"Package: libfoo-dev\nStatus: install ok installed\n\nPackage: gcc-12\nStatus: install ok installed\n\n\
              Package: libc6\nStatus: install ok installed\n\nPackage: libold-dev\nStatus: deinstall ok config-files\n",
        )
        .content(
            "/var/lib/dpkg/info/libfoo-dev:amd64.list",
            1,
            b"/.\n/usr\n/usr/include\n/usr/include/foo.h\n/usr/lib/x86_64-linux-gnu/libfoo.a\n/usr/share/doc/shared\n",
        )
        .content(
            "/var/lib/dpkg/info/gcc-12.list",
            1,
            b"/usr/bin/gcc-12\n/usr/lib/gcc/x86_64-linux-gnu/12/cc1\n/lib/x86_64-linux-gnu/merged.so\n/usr/share/doc/shared\n",
        )
        .content("/var/lib/dpkg/info/libold-dev.list", 0, b"/usr/lib/old.a\n")
        .dir("/usr/include", 1)
        .file("/usr/include/foo.h", 1_000, 1)
        .file("/usr/lib/x86_64-linux-gnu/libfoo.a", 20_000, 1)
        .file("/usr/share/doc/shared", 10, 1)
        .file("/usr/bin/gcc-12", 3_000, 1)
        .file("/usr/lib/gcc/x86_64-linux-gnu/12/cc1", 40_000, 1)
        .file("/usr/lib/x86_64-linux-gnu/merged.so", 5, 1)
        .file("/usr/lib/old.a", 77, 0)
        .file("/usr/lib/gcc/x86_64-linux-gnu/12/unowned", 9, 1);
    let tips = image.tips();
    let tools = of_kind(&tips, TipKind::BuildTools);
    let apt = tools
        .iter()
        .find(|t| t.title.contains("apt"))
        .expect("apt build packages");
    // Each listed visible file once (the shared doc file too), the usrmerge twin found, the
    // removed package and unlisted files not counted.
    assert_eq!(apt.bytes, 1_000 + 20_000 + 10 + 3_000 + 40_000 + 5);
    assert!(apt.exact);
    assert!(
        apt.title.contains("gcc-12") && apt.title.contains("libfoo-dev"),
        "{}",
        apt.title
    );
    assert!(!apt.title.contains("libold-dev"));
    assert_eq!(apt.layer, Some(1));
    // Where /lib is a real directory, a listed /lib file that is gone is not looked for in /usr.
    let unmerged = Image::new(&["A"])
        .content("/var/lib/dpkg/info/libbar-dev.list", 0, b"/lib/x.a\n")
        .dir("/lib", 0)
        .file("/usr/lib/x.a", 50, 0);
    assert!(of_kind(&unmerged.tips(), TipKind::BuildTools).is_empty());
    // The file no package owns under /usr/lib/gcc makes the place-based compiler tip.
    let gcc = tools
        .iter()
        .find(|t| t.title.contains("C compiler"))
        .expect("gcc by place");
    assert_eq!(gcc.bytes, 9);
    assert!(!gcc.exact && gcc.estimate.is_some());
}

#[test]
fn dpkg_packages_without_a_file_list_count_their_declared_size() {
    let image = Image::new(&["FROM distroless"])
        .content(
            "/var/lib/dpkg/status.d/libssl-dev",
            0,
            b"Package: libssl-dev\nInstalled-Size: 10\n",
        )
        .content(
            "/var/lib/dpkg/status.d/libc6",
            0,
            b"Package: libc6\nInstalled-Size: 99\n",
        )
        .file("/var/cache/apt/archives/x.deb", 100, 0);
    let tips = image.tips();
    let dev = one(&tips, TipKind::BuildTools);
    assert_eq!(dev.bytes, 10 * 1024);
    assert!(!dev.exact);
    assert!(dev
        .estimate
        .as_deref()
        .is_some_and(|e| e.contains("Installed-Size")));
    assert_eq!(could_save(&image.facts, &tips), 10 * 1024 + 100);
}

#[test]
fn apk_build_packages_are_measured_from_the_installed_db() {
    let image = Image::new(&["FROM alpine", "RUN apk add build-base"])
        .content(
            "/lib/apk/db/installed",
            1,
            b"P:musl\nF:lib\nR:ld-musl.so.1\n\nP:musl-dev\nF:usr/include\nR:stdio.h\nF:usr/lib\nR:libc.a\n\nP:gcc\nF:usr/libexec/gcc/x86_64-alpine-linux-musl/13\nR:cc1\n",
        )
        .file("/lib/ld-musl.so.1", 600_000, 0)
        .file("/usr/include/stdio.h", 4_000, 1)
        .file("/usr/lib/libc.a", 2_000_000, 1)
        .file("/usr/libexec/gcc/x86_64-alpine-linux-musl/13/cc1", 30_000_000, 1);
    let tips = image.tips();
    let tools = of_kind(&tips, TipKind::BuildTools);
    assert_eq!(
        tools.len(),
        1,
        "the gcc files belong to the package tip: {tools:#?}"
    );
    assert_eq!(tools[0].bytes, 32_004_000);
    assert!(tools[0].exact);
    assert!(tools[0]
        .title
        .starts_with("Build packages installed with apk: gcc, musl-dev"));
    assert!(tools[0].fix.contains("apk del .build-deps"));
}

#[test]
fn a_jdk_counts_its_development_parts() {
    let image = Image::new(&["FROM temurin"])
        .file("/opt/java/openjdk/bin/javac", 100, 0)
        .file("/opt/java/openjdk/bin/java", 100, 0)
        .file("/opt/java/openjdk/jmods/java.base.jmod", 20_000, 0)
        .file("/opt/java/openjdk/lib/src.zip", 50_000, 0)
        .file("/opt/java/openjdk/lib/modules", 90_000, 0);
    let tips = image.tips();
    let jdk = one(&tips, TipKind::BuildTools);
    assert_eq!(jdk.bytes, 70_100);
    assert!(!jdk.exact);
    assert!(jdk.estimate.as_deref().is_some_and(|e| e.contains("JRE")));
    assert_eq!(jdk.paths[0].path, "/opt/java/openjdk/lib/src.zip");
    assert!(jdk.fix.contains("-jre"));
}

#[test]
fn node_dev_dependencies_beside_the_manifest() {
    let image = Image::new(&["COPY . /app", "RUN npm install"])
        .content(
            "/app/package.json",
            0,
            br#"{"dependencies":{"express":"4","both":"1"},"devDependencies":{"jest":"29","@types/node":"20","both":"1","../../etc":"1","absent":"1"}}"#,
        )
        .file("/app/node_modules/jest/index.js", 5_000, 1)
        .file("/app/node_modules/jest/node_modules/dep/x.js", 700, 1)
        .file("/app/node_modules/@types/node/index.d.ts", 3_000, 1)
        .file("/app/node_modules/express/index.js", 9_000, 1)
        .file("/app/node_modules/both/index.js", 9_000, 1)
        .file("/app/node_modules/jest-cli/index.js", 9_000, 1)
        .file("/etc/passwd", 9_000, 0);
    let tips = image.tips();
    let dev = one(&tips, TipKind::BuildTools);
    assert_eq!(dev.bytes, 8_700);
    assert!(dev.exact);
    assert!(
        dev.title.contains("/app/package.json: jest, @types/node"),
        "{}",
        dev.title
    );
    assert!(dev.fix.contains("npm ci --omit=dev"));
}

// --- hidden, duplicates, leftovers ---

#[test]
fn hidden_bytes_name_the_writer_and_the_hider() {
    let image = Image::new(&["FROM x", "RUN curl -O big.tar", "RUN rm big.tar"])
        .hidden("/big.tar", 5_000_000, 1, 2)
        .hidden("/small", 10, 0, 2)
        .file("/bin/sh", 100, 0);
    let tips = image.tips();
    let hidden = one(&tips, TipKind::HiddenBytes);
    assert_eq!(hidden.bytes, 5_000_010);
    assert_eq!(hidden.layer, Some(1));
    assert_eq!(hidden.step.as_deref(), Some("RUN curl -O big.tar"));
    assert!(hidden.title.contains("layer 2"));
    assert_eq!(hidden.paths[0].path, "/big.tar");
    assert!(hidden.fix.contains("drydock flatten"));
}

#[test]
fn duplicates_count_extra_copies_across_layers_not_hard_links() {
    let image = Image::new(&["A", "B", "C"])
        .copy("/a/lib.so", 10_000, 0, 1)
        .copy("/b/lib.so", 10_000, 1, 1)
        .copy("/c/lib.so", 10_000, 2, 1)
        .copy("/c/again.so", 10_000, 2, 1)
        .copy("/x/link1", 8_000, 1, 2)
        .copy("/x/link2", 8_000, 1, 2);
    let tips = image.tips();
    let dup = one(&tips, TipKind::DuplicateFiles);
    assert_eq!(dup.bytes, 20_000);
    assert!(dup.exact);
    assert_eq!(dup.paths.len(), 2);
    assert!(dup.paths.iter().all(|p| p.path != "/a/lib.so"));
}

#[test]
fn leftovers_by_kind() {
    let image = Image::new(&["COPY . /app"])
        .file("/opt/node-v20.tar.xz", 40_000, 0)
        .dir("/opt/node-v20", 0)
        .file("/opt/node-v20/bin/node", 90_000, 0)
        .file("/opt/lonely.zip", 1_000, 0)
        .file("/app/core", 1_000_000, 0)
        .file("/app/core.py", 1_000_000, 0)
        .file("/usr/lib/x/core", 1_000_000, 0)
        .file("/app/.git/objects/pack/p.pack", 300_000, 0)
        .file("/app/.git/HEAD", 20, 0)
        .file("/app/tests/fixtures/big.json", 5_000, 0)
        .file("/app/src/__tests__/a.test.js", 600, 0)
        .file("/usr/lib/python3/dist-packages/x/tests/t.py", 5_000, 0)
        .file("/app/node_modules/x/__tests__/t.js", 5_000, 0);
    let tips = image.tips();
    let leftovers = of_kind(&tips, TipKind::BuildLeftovers);
    let by_title = |part: &str| {
        leftovers.iter().find(|t| t.title.contains(part)).map(|t| {
            (
                t.bytes,
                t.paths.iter().map(|p| p.path.clone()).collect::<Vec<_>>(),
            )
        })
    };
    assert_eq!(
        by_title("Archives"),
        Some((40_000, vec!["/opt/node-v20.tar.xz".to_string()]))
    );
    assert_eq!(
        by_title("Core"),
        Some((1_000_000, vec!["/app/core".to_string()]))
    );
    assert_eq!(
        by_title(".git"),
        Some((300_020, vec!["/app/.git".to_string()]))
    );
    let (bytes, mut paths) = by_title("Test").expect("tests");
    paths.sort();
    assert_eq!(bytes, 5_600);
    assert_eq!(paths, vec!["/app/src/__tests__", "/app/tests"]);
}

// --- base image ---

fn local(id: &str, tags: &[&str], size: u64, layers: &[&str]) -> LocalImage {
    LocalImage {
        id: id.into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        size,
        layers: layers.iter().map(|l| l.to_string()).collect(),
    }
}

#[test]
fn base_image_share_and_a_smaller_sibling() {
    let image = Image::new(&["base0", "base1", "RUN app"])
        .file("/usr/lib/libpython.so", 900, 0)
        .file("/usr/lib/more.so", 100, 1)
        .file("/app/main.py", 1_000, 2);
    let me = local("sha256:me", &["app:1"], 2_000, &["l0", "l1", "l2"]);
    let locals = vec![
        me.clone(),
        local("sha256:py", &["python:3.12"], 1_000_000, &["l0", "l1"]),
        local("sha256:deb", &["debian:12"], 800_000, &["l0"]),
        local("sha256:slim", &["python:3.12-slim"], 150_000, &["s0"]),
        local("sha256:alp", &["python:3.11-alpine"], 50_000, &["a0"]),
        local("sha256:other", &["pypy:slim"], 10_000, &["p0"]),
    ];
    let tips = detect(&image.facts, &me, &locals);
    let base = of_kind(&tips, TipKind::BaseImage);
    assert_eq!(base.len(), 2, "{base:#?}");
    let share = base.iter().find(|t| t.bytes == 0).expect("share");
    assert!(share.title.contains("python:3.12: 50%"), "{}", share.title);
    assert_eq!(share.layer, Some(1));
    assert_eq!(share.step.as_deref(), Some("base1"));
    let switch = base.iter().find(|t| t.bytes > 0).expect("switch");
    assert_eq!(
        switch.bytes, 850_000,
        "the same version beats a bigger saving"
    );
    assert!(switch.title.contains("python:3.12-slim"));
    assert!(!switch.exact && switch.estimate.is_some());
    assert!(switch.fix.contains("FROM python:3.12-slim"));

    let no_base = detect(&image.facts, &me, std::slice::from_ref(&me));
    assert!(of_kind(&no_base, TipKind::BaseImage).is_empty());
}

// --- root ---

#[test]
fn runs_as_root_unless_a_user_is_set() {
    let root = Image::new(&["A"]).user("");
    let tip = one(&root.tips(), TipKind::RunsAsRoot).clone();
    assert_eq!(tip.bytes, 0);
    assert!(tip.fix.contains("USER 10001"));
    assert_eq!(
        one(&Image::new(&["A"]).user("0:0").tips(), TipKind::RunsAsRoot).bytes,
        0
    );
    assert!(of_kind(&Image::new(&["A"]).user("app").tips(), TipKind::RunsAsRoot).is_empty());
    let mut windows = Image::new(&["A"]).user("");
    windows.facts.config.os = "windows".into();
    assert!(of_kind(&windows.tips(), TipKind::RunsAsRoot).is_empty());
}

// --- secrets ---

const SECRET: &str = "s3cr3t-VALUE-9f8e7d";

fn assert_no_secret(tips: &[Tip]) {
    let json = serde_json::to_string(tips).expect("tips serialize");
    assert!(!json.contains(SECRET), "the secret leaked: {json}");
    assert!(
        !json.contains("9f8e7d"),
        "part of the secret leaked: {json}"
    );
}

#[test]
fn secrets_in_files_are_named_never_shown() {
    let key = format!("-----BEGIN RSA PRIVATE KEY-----\n{SECRET}\n-----END RSA PRIVATE KEY-----\n");
    let image = Image::new(&["COPY . /app", "RUN rm /root/.npmrc"])
        .content("/root/.ssh/id_rsa", 0, key.as_bytes())
        .content("/app/.env", 0, format!("DB_PASSWORD={SECRET}\n").as_bytes())
        .content(
            "/app/.env.example",
            0,
            format!("DB_PASSWORD={SECRET}\n").as_bytes(),
        )
        .content(
            "/root/.docker/config.json",
            0,
            format!(r#"{{"auths":{{"r":{{"auth":"{SECRET}"}}}}}}"#).as_bytes(),
        )
        .content("/etc/ssl/certs/ca.pem", 0, b"-----BEGIN CERTIFICATE-----\n")
        .hidden("/root/.npmrc", 80, 0, 1);
    let tips = image.tips();
    assert_no_secret(&tips);
    let secrets = of_kind(&tips, TipKind::SecretInFile);
    assert_eq!(secrets.len(), 4, "{secrets:#?}");
    assert!(secrets.iter().all(|t| t.bytes == 0));
    let titles: Vec<&str> = secrets.iter().map(|t| t.title.as_str()).collect();
    assert!(titles
        .iter()
        .any(|t| t.starts_with("Private keys") && t.contains("/root/.ssh/id_rsa")));
    assert!(titles
        .iter()
        .any(|t| t.starts_with(".env") && t.contains("/app/.env)")));
    assert!(titles
        .iter()
        .any(|t| t.starts_with("Credentials") && t.contains("/root/.docker/config.json")));
    let hidden = secrets
        .iter()
        .find(|t| t.title.contains("deleted"))
        .expect("the deleted .npmrc");
    assert!(hidden.title.contains("/root/.npmrc"));
    assert!(hidden.why.contains("does not remove"));
    assert_eq!(hidden.layer, Some(0));
    assert!(hidden.fix.contains("--mount=type=secret"));
}

#[test]
fn secrets_in_config_and_history_are_named_never_shown() {
    let steps = [
        format!("|2 NPM_TOKEN={SECRET} VERSION=1 /bin/sh -c npm ci && apt-get update"),
        format!("/bin/sh -c #(nop)  ENV API_KEY={SECRET} GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D"),
        "/bin/sh -c #(nop)  ENV PYTHON_SHA256=abcdef".to_string(),
    ];
    let steps: Vec<&str> = steps.iter().map(String::as_str).collect();
    let image = Image::new(&steps)
        .env(&format!("API_KEY={SECRET}"))
        .env("GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D")
        .env("PYTHON_SHA256=abcdef")
        .env("MYSQL_ALLOW_EMPTY_PASSWORD=yes")
        .env("TOKEN_URL=https://example.com")
        .file("/var/lib/apt/lists/x", 4_000, 0);
    let tips = image.tips();
    assert_no_secret(&tips);
    let config = of_kind(&tips, TipKind::SecretInConfig);
    assert_eq!(config.len(), 2, "{config:#?}");
    let env = config
        .iter()
        .find(|t| t.title.contains("env"))
        .expect("env tip");
    assert!(env.title.ends_with(": API_KEY"), "{}", env.title);
    assert!(env
        .step
        .as_deref()
        .is_some_and(|s| s.contains("API_KEY=***")));
    let history = config
        .iter()
        .find(|t| t.title.contains("history"))
        .expect("history tip");
    assert!(history.title.ends_with(": NPM_TOKEN"), "{}", history.title);
    assert_eq!(history.layer, Some(0));
    // The cache tip shows the same step, masked too.
    let cache = one(&tips, TipKind::PackageCache);
    assert!(cache
        .step
        .as_deref()
        .is_some_and(|s| s.contains("NPM_TOKEN=***")));
}

// --- together ---

#[test]
fn tips_come_biggest_first() {
    let image = Image::new(&["A", "B"])
        .user("")
        .file("/var/lib/apt/lists/x", 10, 0)
        .file("/root/.cache/pip/x", 10, 0)
        .hidden("/big", 1_000, 0, 1);
    let tips = image.tips();
    let order: Vec<(TipKind, u64)> = tips.iter().map(|t| (t.kind, t.bytes)).collect();
    assert_eq!(
        order,
        vec![
            (TipKind::HiddenBytes, 1_000),
            (TipKind::PackageCache, 10),
            (TipKind::PackageCache, 10),
            (TipKind::RunsAsRoot, 0),
        ]
    );
    assert!(tips[1].title < tips[2].title);
}

#[test]
fn could_save_counts_each_byte_once() {
    let image = Image::new(&["A", "B", "C"])
        // A .deb in two layers: a cache twice, and a duplicate.
        .copy("/var/cache/apt/archives/x.deb", 10_000, 0, 7)
        .copy("/var/cache/apt/archives/y.deb", 10_000, 1, 7)
        // A .git directory inside a cache.
        .file("/root/.cargo/git/checkouts/x/.git/pack", 3_000, 1)
        // Hidden bytes.
        .hidden("/tmp/big", 50_000, 1, 2)
        .user("");
    let tips = image.tips();
    let sum: u64 = tips.iter().map(|t| t.bytes).sum();
    let apt = tips
        .iter()
        .find(|t| t.kind == TipKind::PackageCache && t.title.starts_with("apt"))
        .expect("apt");
    assert_eq!(apt.bytes, 20_000);
    assert_eq!(one(&tips, TipKind::DuplicateFiles).bytes, 10_000);
    assert_eq!(sum, 20_000 + 10_000 + 3_000 + 3_000 + 50_000);
    assert_eq!(could_save(&image.facts, &tips), 20_000 + 3_000 + 50_000);
    // A subset counts only its own.
    let only_dup: Vec<Tip> = of_kind(&tips, TipKind::DuplicateFiles)
        .into_iter()
        .cloned()
        .collect();
    assert_eq!(could_save(&image.facts, &only_dup), 10_000);
    assert_eq!(could_save(&image.facts, &[]), 0);
}

#[test]
fn could_save_with_a_smaller_base_does_not_add_what_the_base_layers_hold() {
    let image = Image::new(&["base", "RUN app"])
        .file("/var/lib/apt/lists/in-base", 40_000, 0)
        .file("/root/.cache/pip/x", 5_000, 1);
    let me = local("sha256:me", &["app:1"], 100_000, &["l0", "l1"]);
    let locals = vec![
        local("sha256:py", &["python:3.12"], 90_000, &["l0"]),
        local("sha256:slim", &["python:3.12-slim"], 60_000, &["s0"]),
    ];
    let tips = detect(&image.facts, &me, &locals);
    // The switch saves 30 000; the apt lists in the base are 40 000: the larger counts, once.
    assert_eq!(could_save(&image.facts, &tips), 5_000 + 40_000);
    let bigger_switch = vec![
        local("sha256:py", &["python:3.12"], 190_000, &["l0"]),
        local("sha256:slim", &["python:3.12-slim"], 60_000, &["s0"]),
    ];
    let tips = detect(&image.facts, &me, &bigger_switch);
    assert_eq!(could_save(&image.facts, &tips), 5_000 + 130_000);
}

#[test]
fn paths_are_capped_and_counted() {
    let mut image = Image::new(&["RUN x", "RUN rm"]);
    for i in 0..100u64 {
        image = image.hidden(&format!("/tmp/f{i:03}"), 1_000 + i, 0, 1);
    }
    let tips = image.tips();
    let hidden = one(&tips, TipKind::HiddenBytes);
    assert_eq!(hidden.paths.len(), MAX_PATHS);
    assert_eq!(hidden.more_paths, 80);
    assert_eq!(hidden.paths[0].path, "/tmp/f099");
}

// --- hostile input ---

#[test]
fn hostile_inputs_do_not_panic() {
    let mut garbage = Vec::new();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    while garbage.len() < 1 << 20 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let byte = (seed & 0xff) as u8;
        // Mostly field-like text, with newlines, colons and invalid UTF-8 mixed in.
        garbage.push(match byte % 8 {
            0 => b'\n',
            1 => b':',
            2 => 0xff,
            3 => b'/',
            _ => byte,
        });
    }
    let control = "/app/\u{1b}[31m\u{0}\n\t/.env";
    let mut image = Image::new(&["\u{0}|9999 TOKEN", "|3 A= B"])
        .content("/var/lib/dpkg/status", 0, &garbage)
        .content("/var/lib/dpkg/info/x-dev.list", 0, &garbage)
        .content("/lib/apk/db/installed", 0, &garbage)
        .content("/app/package.json", 0, &garbage)
        .content("/app/.env", 0, &garbage)
        .content("/root/.docker/config.json", 0, &garbage)
        .content(control, 0, b"A=1")
        .file("/", 0, 0)
        .file("", 0, 0)
        .file("//", 0, 0)
        .file("/node_modules/", 5, 0)
        .file("/x/node_modules/@", 5, 0)
        .file("/x/node_modules/@a/", 5, 0)
        .file(&format!("/{}", "node_modules/".repeat(10_000)), 5, 0)
        .file("/.git/", 5, 0)
        .file("/core", 1 << 20, 0)
        .file(".tar.gz", 5, 0)
        .file("/a.tar.gz", 5, 0)
        .file("/é.zip", 5, 0)
        .hidden("/root/.ssh/id_rsa", 5, 0, 7)
        .user("\u{0}");
    image.facts.config.env = vec![
        "".into(),
        "=".into(),
        "TOKEN".into(),
        "GOROOT=".into(),
        "GOROOT=/".into(),
    ];
    image
        .facts
        .config
        .history
        .push(String::from_utf8_lossy(&garbage).into_owned());
    image.facts.files.push(FileFact {
        path: "/orphan".into(),
        kind: FileKind::File,
        size: u64::MAX,
        layer: None,
        hidden_in: Some(usize::MAX),
        digest: Some([0; 16]),
    });
    image.facts.hidden_bytes = u64::MAX;
    let me = local("me", &[":", "@", ""], u64::MAX, &["l0"]);
    let locals = vec![
        local("b", &["", ":"], u64::MAX, &[]),
        local("c", &["x:slim"], 0, &["l0"]),
    ];
    let tips = detect(&image.facts, &me, &locals);
    let _ = could_save(&image.facts, &tips);
    for tip in &tips {
        assert!(tip.paths.len() <= MAX_PATHS);
    }
}
