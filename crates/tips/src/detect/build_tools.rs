//! Compilers, SDKs, `-dev` packages and node devDependencies in the final image.
//!
//! Packages are measured from their own file lists (dpkg's `info/*.list`, apk's installed db):
//! the visible files they name, each counted once. What no package owns is found by place: the
//! compiler's directories, a Go root, a JDK (by its `javac`), and the `node_modules/<name>`
//! trees of an application's devDependencies.

use super::pkgdb::{self, is_build_package};
use super::{base_name, parent, some_names, Draft, Finding, Groups, View};
use crate::TipKind;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Bound;

pub(super) struct BuildTools {
    pub findings: Vec<Finding>,
    /// A Go toolchain ships (by package or by place): the module cache may serve it.
    pub has_go_toolchain: bool,
}

const WHY_COMPILERS: &str = "Compilers, headers and SDKs are needed to build software, not to run \
                             it. A final stage that holds only the runtime is smaller, and leaves \
                             an intruder fewer tools.";
const WHY_JDK: &str = "A JDK's compiler, tools and module files serve the build; a running Java \
                       app needs only a JRE, or a runtime cut down to the modules it uses.";
const WHY_NODE: &str = "devDependencies (test runners, bundlers, type checkers) serve the build; \
                        a production install leaves them out of node_modules.";

const FIX_PACKAGES: &str = "Build in a stage of its own and `COPY --from=build` only what it made into \
                            a final stage without the toolchain; or install, build and `apt-get \
                            purge -y --auto-remove <packages>` in one RUN, so they never reach a layer.";
const FIX_APK: &str = "`RUN apk add --no-cache --virtual .build-deps gcc musl-dev … && <build> && \
                       apk del .build-deps` in one RUN, or build in a stage of its own and copy only \
                       the output.";

/// Development tools in a JDK's `bin` that a JRE does not have.
const JDK_TOOLS: &[&str] = &[
    "javac",
    "jar",
    "jarsigner",
    "javadoc",
    "javap",
    "jcmd",
    "jconsole",
    "jdb",
    "jdeprscan",
    "jdeps",
    "jfr",
    "jhsdb",
    "jimage",
    "jinfo",
    "jlink",
    "jmap",
    "jmod",
    "jpackage",
    "jps",
    "jrunscript",
    "jshell",
    "jstack",
    "jstat",
    "jstatd",
    "jwebserver",
    "rmic",
    "serialver",
    "native2ascii",
    "javah",
    "wsimport",
    "wsgen",
    "xjc",
    "schemagen",
    "idlj",
];

/// The compiler's own directories, when no package database says who owns them.
const GCC_DIRS: &[&str] = &[
    "/usr/lib/gcc/",
    "/usr/libexec/gcc/",
    "/usr/local/lib/gcc/",
    "/usr/local/libexec/gcc/",
];

/// More JDK homes than this in one image are not looked at (each file is checked against each).
const MAX_JDK_HOMES: usize = 8;

pub(super) fn detect(view: &View) -> BuildTools {
    let mut owned: HashSet<usize> = HashSet::new();
    let mut findings = Vec::new();
    let mut has_go_toolchain = false;
    if let Some((finding, go)) = dpkg(view, &mut owned) {
        has_go_toolchain |= go;
        findings.push(finding);
    }
    if let Some((finding, go)) = apk(view, &mut owned) {
        has_go_toolchain |= go;
        findings.push(finding);
    }
    let by_place = by_place(view, &owned);
    has_go_toolchain |= by_place.go_found;
    findings.extend(by_place.findings);
    findings.extend(node_dev_dependencies(view));
    BuildTools {
        findings,
        has_go_toolchain,
    }
}

/// Collects the visible files packages own, once each, and the bytes per package.
struct Owners<'v, 'f> {
    view: &'v View<'f>,
    owned: &'v mut HashSet<usize>,
    files: Vec<usize>,
    per_package: BTreeMap<String, u64>,
    go: bool,
}

impl Owners<'_, '_> {
    fn add(&mut self, package: &str, path: &str) {
        let Some(index) = self.view.file_at(path) else {
            return;
        };
        if !self.owned.insert(index) {
            return;
        }
        let size = self.view.facts.files.get(index).map_or(0, |f| f.size);
        self.files.push(index);
        let bytes = self.per_package.entry(package.to_string()).or_default();
        *bytes = bytes.saturating_add(size);
        if package == "go" || package.starts_with("golang") {
            self.go = true;
        }
    }

    /// Package names, biggest first.
    fn names(&self) -> Vec<String> {
        let mut names: Vec<(&String, &u64)> = self.per_package.iter().collect();
        names.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        names.into_iter().map(|(name, _)| name.clone()).collect()
    }
}

/// Files grouped by their directory, as tip paths.
fn by_directory(view: &View, files: &[usize]) -> Vec<crate::TipPath> {
    let mut groups = Groups::default();
    for file in files.iter().filter_map(|i| view.facts.files.get(*i)) {
        groups.add(parent(&file.path), file.layer.unwrap_or(0), file.size);
    }
    groups.into_paths()
}

fn dpkg(view: &View, owned: &mut HashSet<usize>) -> Option<(Finding, bool)> {
    let contents = &view.facts.contents;
    // Installed state: status, or distroless's status.d files.
    let mut installed: HashMap<String, (bool, Option<u64>)> = HashMap::new();
    for (path, (_, data)) in
        contents.range::<str, _>(between("/var/lib/dpkg/status", "/var/lib/dpkg/status/"))
    {
        if path == "/var/lib/dpkg/status" || path.starts_with("/var/lib/dpkg/status.d/") {
            for package in pkgdb::dpkg_status(&String::from_utf8_lossy(data)) {
                installed.insert(package.name, (package.installed, package.installed_kib));
            }
        }
    }
    let mut owners = Owners {
        view,
        owned,
        files: Vec::new(),
        per_package: BTreeMap::new(),
        go: false,
    };
    let mut listed: HashSet<String> = HashSet::new();
    for (path, (_, data)) in
        contents.range::<str, _>(between("/var/lib/dpkg/info/", "/var/lib/dpkg/info0"))
    {
        let Some(stem) = path
            .strip_prefix("/var/lib/dpkg/info/")
            .and_then(|name| name.strip_suffix(".list"))
        else {
            continue;
        };
        let name = super::wanted::package_name(stem);
        if !is_build_package(name) {
            continue;
        }
        if installed.get(name).is_some_and(|(is, _)| !is) {
            continue;
        }
        listed.insert(name.to_string());
        for listed_path in pkgdb::dpkg_list(&String::from_utf8_lossy(data)) {
            owners.add(name, listed_path);
        }
    }
    // Build packages the status names whose file lists the image does not hold: their
    // declared size is all there is to go on.
    let mut declared: Vec<(String, u64)> = installed
        .iter()
        .filter(|(name, (is, _))| *is && is_build_package(name) && !listed.contains(*name))
        .map(|(name, (_, kib))| (name.clone(), kib.unwrap_or(0).saturating_mul(1024)))
        .collect();
    declared.sort();
    let declared_bytes = declared.iter().fold(0u64, |t, (_, b)| t.saturating_add(*b));
    if owners.files.is_empty() && declared_bytes == 0 {
        return None;
    }
    let mut names = owners.names();
    names.extend(declared.iter().map(|(name, _)| name.clone()));
    let go = owners.go || declared.iter().any(|(n, _)| n.starts_with("golang"));
    let files = std::mem::take(&mut owners.files);
    let measured = super::sum(view.facts, &files);
    let (exact, estimate) = if declared_bytes == 0 {
        (true, None)
    } else {
        (
            false,
            Some(format!(
                "{} package(s) with no file list in the image are counted at the Installed-Size \
                 dpkg's status declares for them",
                declared.len()
            )),
        )
    };
    let draft = Draft {
        kind: TipKind::BuildTools,
        title: format!(
            "Build packages installed with apt: {}",
            some_names(&names, 4)
        ),
        exact,
        estimate,
        why: WHY_COMPILERS,
        fix: FIX_PACKAGES.to_string(),
    };
    let paths = by_directory(view, &files);
    let bytes = measured.saturating_add(declared_bytes);
    let mut finding = draft.finish_with(view, files, paths, bytes);
    finding.extra = declared_bytes;
    Some((finding, go))
}

/// Keys from `from` (included) to `to` (excluded), for a range of a map keyed by `String`.
fn between<'a>(from: &'a str, to: &'a str) -> (Bound<&'a str>, Bound<&'a str>) {
    (Bound::Included(from), Bound::Excluded(to))
}

fn apk(view: &View, owned: &mut HashSet<usize>) -> Option<(Finding, bool)> {
    let (_, data) = view.facts.contents.get("/lib/apk/db/installed")?;
    let mut owners = Owners {
        view,
        owned,
        files: Vec::new(),
        per_package: BTreeMap::new(),
        go: false,
    };
    for package in pkgdb::apk_installed(&String::from_utf8_lossy(data)) {
        for path in &package.files {
            owners.add(&package.name, path);
        }
    }
    if owners.files.is_empty() {
        return None;
    }
    let names = owners.names();
    let go = owners.go;
    let files = std::mem::take(&mut owners.files);
    let draft = Draft {
        kind: TipKind::BuildTools,
        title: format!(
            "Build packages installed with apk: {}",
            some_names(&names, 4)
        ),
        exact: true,
        estimate: None,
        why: WHY_COMPILERS,
        fix: FIX_APK.to_string(),
    };
    let paths = by_directory(view, &files);
    Some((draft.finish(view, files, paths), go))
}

struct ByPlace {
    findings: Vec<Finding>,
    go_found: bool,
}

/// The compiler's directories, a Go root and JDKs, among the files no package owns.
fn by_place(view: &View, owned: &HashSet<usize>) -> ByPlace {
    let go_root = go_root(view);
    let mut jdk_homes: Vec<String> = Vec::new();
    for (index, file) in view.visible_files() {
        if let Some(home) = file.path.strip_suffix("/bin/javac") {
            if !owned.contains(&index) && jdk_homes.len() < MAX_JDK_HOMES && !home.is_empty() {
                jdk_homes.push(home.to_string());
            }
        }
    }
    jdk_homes.sort();
    jdk_homes.dedup();
    let mut gcc = (Vec::new(), Groups::default());
    let mut go = (Vec::new(), Groups::default());
    let mut jdks: Vec<(Vec<usize>, Groups)> = jdk_homes
        .iter()
        .map(|_| (Vec::new(), Groups::default()))
        .collect();
    for (index, file) in view.visible_files() {
        if owned.contains(&index) {
            continue;
        }
        let layer = file.layer.unwrap_or(0);
        let path = file.path.as_str();
        if let Some(dir) = GCC_DIRS.iter().find(|dir| path.starts_with(*dir)) {
            gcc.0.push(index);
            gcc.1.add(&dir[..dir.len() - 1], layer, file.size);
            continue;
        }
        if let Some(root) = &go_root {
            if path.len() > root.len()
                && path.starts_with(root.as_str())
                && path[root.len()..].starts_with('/')
            {
                go.0.push(index);
                // Group by the root's first level (`/usr/local/go/pkg`), to show where the bytes are.
                let rest = &path[root.len() + 1..];
                let top = match rest.find('/') {
                    Some(at) => &path[..root.len() + 1 + at],
                    None => path,
                };
                go.1.add(top, layer, file.size);
                continue;
            }
        }
        for (home, (files, groups)) in jdk_homes.iter().zip(jdks.iter_mut()) {
            let Some(rest) = path
                .strip_prefix(home.as_str())
                .and_then(|r| r.strip_prefix('/'))
            else {
                continue;
            };
            if let Some(part) = jdk_only(rest) {
                files.push(index);
                groups.add(&format!("{home}/{part}"), layer, file.size);
                break;
            }
        }
    }
    let mut findings = Vec::new();
    if !gcc.0.is_empty() {
        let draft = Draft {
            kind: TipKind::BuildTools,
            title: "A C compiler (gcc) in the final image".to_string(),
            exact: false,
            estimate: Some(
                "measured on the compiler's own directories (/usr/lib/gcc, /usr/libexec/gcc); its \
                 driver, assembler, linker and headers elsewhere are not counted, and no package \
                 database says which files belong to it"
                    .to_string(),
            ),
            why: WHY_COMPILERS,
            fix: FIX_PACKAGES.to_string(),
        };
        findings.push(draft.finish(view, gcc.0, gcc.1.into_paths()));
    }
    let go_found = !go.0.is_empty();
    if let (Some(root), true) = (&go_root, go_found) {
        let draft = Draft {
            kind: TipKind::BuildTools,
            title: format!("The Go toolchain in the final image ({root})"),
            exact: true,
            estimate: None,
            why: WHY_COMPILERS,
            fix: "Build in a stage of its own and copy only the binary: `FROM golang:<version> AS \
                  build` … `RUN CGO_ENABLED=0 go build -o /out/app .`, then `FROM \
                  gcr.io/distroless/static` (or `scratch`) and `COPY --from=build /out/app /app`."
                .to_string(),
        };
        findings.push(draft.finish(view, go.0, go.1.into_paths()));
    }
    for (home, (files, groups)) in jdk_homes.iter().zip(jdks) {
        if files.is_empty() {
            continue;
        }
        let draft = Draft {
            kind: TipKind::BuildTools,
            title: format!("A JDK where a JRE would do ({home})"),
            exact: false,
            estimate: Some(
                "the JDK-only parts: jmods, include, lib/src.zip, lib/ct.sym and the development \
                 tools in bin; a JRE of the same version holds the rest, and a jlink runtime may \
                 be smaller still"
                    .to_string(),
            ),
            why: WHY_JDK,
            fix:
                "Run on a JRE: `FROM eclipse-temurin:<version>-jre`; or make a runtime of only the \
                  modules the app uses in a build stage (`jlink --add-modules $(jdeps \
                  --print-module-deps app.jar) --output /opt/jre`) and copy that."
                    .to_string(),
        };
        findings.push(draft.finish(view, files, groups.into_paths()));
    }
    ByPlace { findings, go_found }
}

/// The part of a JDK, by the path under its home, that a JRE does not have (the part's name,
/// to group by).
fn jdk_only(rest: &str) -> Option<&str> {
    for dir in ["jmods/", "include/", "demo/", "sample/"] {
        if rest.starts_with(dir) {
            return Some(&dir[..dir.len() - 1]);
        }
    }
    if matches!(
        rest,
        "lib/src.zip" | "lib/ct.sym" | "lib/tools.jar" | "src.zip"
    ) {
        return Some(rest);
    }
    let tool = rest.strip_prefix("bin/")?;
    (!tool.contains('/') && JDK_TOOLS.contains(&tool)).then_some("bin")
}

/// The Go toolchain's root: `GOROOT` from the env, else `/usr/local/go` when it holds `bin/go`.
fn go_root(view: &View) -> Option<String> {
    let from_env = view
        .facts
        .config
        .env
        .iter()
        .filter_map(|entry| entry.strip_prefix("GOROOT="))
        .map(|root| root.trim_end_matches('/'))
        .find(|root| root.starts_with('/') && root.len() > 1);
    if let Some(root) = from_env {
        return Some(root.to_string());
    }
    view.file_at("/usr/local/go/bin/go")
        .map(|_| "/usr/local/go".to_string())
}

/// An npm package name safe to put in a path: `name` or `@scope/name`, no `.`/`..` parts, no
/// control characters.
fn npm_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('/').collect();
    let shape = match parts.as_slice() {
        [one] => !one.starts_with('@'),
        [scope, _] => scope.starts_with('@') && scope.len() > 1,
        _ => false,
    };
    shape
        && name.len() <= 214
        && parts
            .iter()
            .all(|p| !p.is_empty() && *p != "." && *p != "..")
        && !name.chars().any(char::is_control)
}

/// At most this many `node_modules` parts of one path are looked up (a hostile path can nest
/// thousands).
const MAX_NODE_MODULES_DEPTH: usize = 8;

/// The `node_modules/<name>` trees of devDependencies beside an application's `package.json`
/// (one tip per manifest).
fn node_dev_dependencies(view: &View) -> Vec<Finding> {
    // `<dir>/node_modules/<name>` → the manifest's number.
    let mut targets: HashMap<String, usize> = HashMap::new();
    let mut manifests: Vec<(String, Vec<String>)> = Vec::new();
    for (path, (_, data)) in &view.facts.contents {
        if base_name(path) != "package.json" || path.contains("/node_modules/") {
            continue;
        }
        let Ok(json) = serde_json::from_slice::<serde_json::Value>(data) else {
            continue;
        };
        let Some(dev) = json.get("devDependencies").and_then(|d| d.as_object()) else {
            continue;
        };
        let runtime = json.get("dependencies").and_then(|d| d.as_object());
        let dir = parent(path);
        let number = manifests.len();
        let mut names = Vec::new();
        for name in dev.keys() {
            if !npm_name(name) || runtime.is_some_and(|r| r.contains_key(name)) {
                continue;
            }
            let target = if dir == "/" {
                format!("/node_modules/{name}")
            } else {
                format!("{dir}/node_modules/{name}")
            };
            targets.insert(target, number);
            names.push(name.clone());
        }
        manifests.push((path.clone(), names));
    }
    if targets.is_empty() {
        return Vec::new();
    }
    let mut per_manifest: Vec<(Vec<usize>, Groups, BTreeMap<String, u64>)> = manifests
        .iter()
        .map(|_| (Vec::new(), Groups::default(), BTreeMap::new()))
        .collect();
    for (index, file) in view.visible_files() {
        let path = file.path.as_str();
        let mut from = 0;
        for _ in 0..MAX_NODE_MODULES_DEPTH {
            let Some(found) = path
                .get(from..)
                .and_then(|rest| rest.find("/node_modules/"))
            else {
                break;
            };
            let start = from + found + "/node_modules/".len();
            from = start;
            let rest = &path[start..];
            // The package's directory: one part, or two for `@scope/name`.
            let mut parts = rest.splitn(3, '/');
            let first = parts.next().unwrap_or("");
            let len = if first.starts_with('@') {
                match parts.next() {
                    Some(second) => first.len() + 1 + second.len(),
                    None => continue,
                }
            } else {
                first.len()
            };
            let dir = &path[..start + len];
            if dir.len() == path.len() {
                continue;
            }
            if let Some(number) = targets.get(dir) {
                if let Some((files, groups, per_name)) = per_manifest.get_mut(*number) {
                    files.push(index);
                    groups.add(dir, file.layer.unwrap_or(0), file.size);
                    let name = &path[start..start + len];
                    let bytes = per_name.entry(name.to_string()).or_insert(0);
                    *bytes = bytes.saturating_add(file.size);
                }
                break;
            }
        }
    }
    let mut findings = Vec::new();
    for ((manifest, _), (files, groups, per_name)) in manifests.iter().zip(per_manifest) {
        if files.is_empty() {
            continue;
        }
        let mut names: Vec<(String, u64)> = per_name.into_iter().collect();
        names.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let names: Vec<String> = names.into_iter().map(|(n, _)| n).collect();
        let draft = Draft {
            kind: TipKind::BuildTools,
            title: format!(
                "Node devDependencies installed for {manifest}: {}",
                some_names(&names, 4)
            ),
            exact: true,
            estimate: None,
            why: WHY_NODE,
            fix: "`RUN npm ci --omit=dev` in the final stage (or `npm prune --omit=dev` after the \
                  build in the same RUN); or build in a stage of its own and copy only the output \
                  and a production node_modules."
                .to_string(),
        };
        findings.push(draft.finish(view, files, groups.into_paths()));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jdk_parts() {
        assert_eq!(jdk_only("jmods/java.base.jmod"), Some("jmods"));
        assert_eq!(jdk_only("bin/javac"), Some("bin"));
        assert_eq!(jdk_only("bin/java"), None);
        assert_eq!(jdk_only("lib/src.zip"), Some("lib/src.zip"));
        assert_eq!(jdk_only("lib/modules"), None);
    }

    #[test]
    fn npm_names() {
        assert!(npm_name("jest"));
        assert!(npm_name("@types/node"));
        for bad in [
            "", "..", "@types", "a/b", "@x/../y", "@/x", "a\u{0}b", "@a/b/c",
        ] {
            assert!(!npm_name(bad), "{bad:?}");
        }
    }
}
