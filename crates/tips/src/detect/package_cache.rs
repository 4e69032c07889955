//! Package-manager lists, downloads and caches that ship in the image: one tip per manager,
//! with the visible bytes (the ones a later layer hides belong to the hidden-bytes tip).

use super::{Draft, Finding, Groups, View};
use crate::TipKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Manager {
    Apt,
    Apk,
    Yum,
    Dnf,
    Pip,
    Npm,
    Yarn,
    Go,
    Cargo,
    Maven,
    Gradle,
}

const ALL: [Manager; 11] = [
    Manager::Apt,
    Manager::Apk,
    Manager::Yum,
    Manager::Dnf,
    Manager::Pip,
    Manager::Npm,
    Manager::Yarn,
    Manager::Go,
    Manager::Cargo,
    Manager::Maven,
    Manager::Gradle,
];

const WHY: &str = "A package manager needs its indexes and downloads only while it installs. Left \
                   in a layer they ship with every pull and every copy of the image; removed in the \
                   same RUN, or kept in a build cache mount, they never become part of it.";

impl Manager {
    fn label(self) -> &'static str {
        match self {
            Manager::Apt => "apt's package lists and downloaded .deb files",
            Manager::Apk => "apk's package cache",
            Manager::Yum => "yum's cache",
            Manager::Dnf => "dnf's cache",
            Manager::Pip => "pip's download cache",
            Manager::Npm => "npm's cache",
            Manager::Yarn => "yarn's cache",
            Manager::Go => "Go's build and module caches",
            Manager::Cargo => "cargo's registry and git caches",
            Manager::Maven => "Maven's local repository",
            Manager::Gradle => "Gradle's caches",
        }
    }

    fn fix(self) -> &'static str {
        match self {
            Manager::Apt => {
                "Clean up in the RUN that installs: `RUN apt-get update && apt-get install -y \
                 --no-install-recommends <packages> && rm -rf /var/lib/apt/lists/*` (a later RUN \
                 that deletes them only hides them)."
            }
            Manager::Apk => "Install without a cache: `RUN apk add --no-cache <packages>`.",
            Manager::Yum => {
                "Clean up in the RUN that installs: `RUN yum install -y <packages> && yum clean \
                 all && rm -rf /var/cache/yum`."
            }
            Manager::Dnf => {
                "Clean up in the RUN that installs: `RUN dnf install -y <packages> && dnf clean \
                 all && rm -rf /var/cache/dnf`."
            }
            Manager::Pip => {
                "`RUN pip install --no-cache-dir -r requirements.txt`, or keep the cache out of \
                 the layers: `RUN --mount=type=cache,target=/root/.cache/pip pip install -r \
                 requirements.txt`."
            }
            Manager::Npm => {
                "`RUN --mount=type=cache,target=/root/.npm npm ci`, or `RUN npm ci && npm cache \
                 clean --force` in one RUN."
            }
            Manager::Yarn => {
                "`RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install \
                 --frozen-lockfile`, or `&& yarn cache clean` in the same RUN."
            }
            Manager::Go => {
                "Build in a stage of its own and copy only the binary: `FROM golang AS build` … \
                 `RUN --mount=type=cache,target=/root/.cache/go-build \
                 --mount=type=cache,target=/go/pkg/mod go build -o /out/app .`, then `FROM \
                 gcr.io/distroless/static` and `COPY --from=build /out/app /app`."
            }
            Manager::Cargo => {
                "`RUN --mount=type=cache,target=/usr/local/cargo/registry cargo build --release` \
                 in a build stage, and `COPY --from=build /src/target/release/<bin> /usr/local/bin/` \
                 into a slim final stage."
            }
            Manager::Maven => {
                "`RUN --mount=type=cache,target=/root/.m2 mvn -B package` in a build stage, and \
                 copy only the jar into a JRE final stage."
            }
            Manager::Gradle => {
                "`RUN --mount=type=cache,target=/root/.gradle gradle build` in a build stage, and \
                 copy only the jar into a JRE final stage."
            }
        }
    }
}

/// Which manager's cache holds `path`, and the cache's root (a prefix of `path`). The Go
/// module tree (`go/pkg/mod` beside its download cache) counts only when the image has no Go
/// toolchain: then nothing in it can use the sources, a built binary is the point.
fn classify(path: &str, has_go_toolchain: bool) -> Option<(Manager, &str)> {
    if let Some(rest) = path.strip_prefix("/var/lib/apt/lists/") {
        if rest == "lock" || rest.starts_with("partial/") || rest.is_empty() {
            return None;
        }
        return Some((Manager::Apt, "/var/lib/apt/lists"));
    }
    if let Some(rest) = path.strip_prefix("/var/cache/apt/") {
        if let Some(name) = rest.strip_prefix("archives/") {
            return (name.ends_with(".deb")).then_some((Manager::Apt, "/var/cache/apt/archives"));
        }
        return (!rest.contains('/') && rest.ends_with(".bin"))
            .then_some((Manager::Apt, "/var/cache/apt"));
    }
    for (prefix, manager) in [
        ("/var/cache/apk/", Manager::Apk),
        ("/etc/apk/cache/", Manager::Apk),
        ("/var/cache/yum/", Manager::Yum),
        ("/var/cache/dnf/", Manager::Dnf),
        ("/usr/local/cargo/registry/", Manager::Cargo),
        ("/usr/local/cargo/git/", Manager::Cargo),
    ] {
        if path.starts_with(prefix) {
            return Some((manager, &prefix[..prefix.len() - 1]));
        }
    }
    for (marker, manager) in [
        ("/.cache/pip/", Manager::Pip),
        ("/.npm/_cacache/", Manager::Npm),
        ("/.cache/yarn/", Manager::Yarn),
        ("/.cache/go-build/", Manager::Go),
        ("/go/pkg/mod/cache/", Manager::Go),
        ("/.cargo/registry/", Manager::Cargo),
        ("/.cargo/git/", Manager::Cargo),
        ("/.m2/repository/", Manager::Maven),
        ("/.gradle/caches/", Manager::Gradle),
    ] {
        if let Some(at) = path.find(marker) {
            return Some((manager, &path[..at + marker.len() - 1]));
        }
    }
    if !has_go_toolchain {
        if let Some(at) = path.find("/go/pkg/mod/") {
            return Some((Manager::Go, &path[..at + "/go/pkg/mod".len()]));
        }
    }
    None
}

pub(super) fn detect(view: &View, has_go_toolchain: bool) -> Vec<Finding> {
    let mut per_manager: Vec<(Vec<usize>, Groups)> = ALL
        .iter()
        .map(|_| (Vec::new(), Groups::default()))
        .collect();
    for (index, file) in view.visible_files() {
        let Some((manager, root)) = classify(&file.path, has_go_toolchain) else {
            continue;
        };
        let Some((files, groups)) = per_manager.get_mut(manager as usize) else {
            continue;
        };
        files.push(index);
        groups.add(root, file.layer.unwrap_or(0), file.size);
    }
    let mut findings = Vec::new();
    for (manager, (files, groups)) in ALL.iter().zip(per_manager) {
        if files.is_empty() {
            continue;
        }
        let paths = groups.into_paths();
        let mut roots: Vec<(&str, u64)> = Vec::new();
        for p in &paths {
            match roots.iter_mut().find(|(root, _)| *root == p.path) {
                Some(entry) => entry.1 = entry.1.saturating_add(p.bytes),
                None => roots.push((&p.path, p.bytes)),
            }
            if roots.len() > 64 {
                break;
            }
        }
        let top = roots
            .iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
            .map_or("", |(root, _)| *root)
            .to_string();
        let title = format!("{} left in the image ({top})", manager.label());
        let draft = Draft {
            kind: TipKind::PackageCache,
            title,
            exact: true,
            estimate: None,
            why: WHY,
            fix: manager.fix().to_string(),
        };
        findings.push(draft.finish(view, files, paths));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_caches() {
        let cases = [
            (
                "/var/lib/apt/lists/deb.debian.org_InRelease",
                Some((Manager::Apt, "/var/lib/apt/lists")),
            ),
            ("/var/lib/apt/lists/lock", None),
            ("/var/lib/apt/lists/partial/x", None),
            (
                "/var/cache/apt/archives/gcc_12.deb",
                Some((Manager::Apt, "/var/cache/apt/archives")),
            ),
            ("/var/cache/apt/archives/lock", None),
            (
                "/var/cache/apt/pkgcache.bin",
                Some((Manager::Apt, "/var/cache/apt")),
            ),
            (
                "/var/cache/apk/APKINDEX.tar.gz",
                Some((Manager::Apk, "/var/cache/apk")),
            ),
            (
                "/root/.cache/pip/http/a/b",
                Some((Manager::Pip, "/root/.cache/pip")),
            ),
            (
                "/home/u/.npm/_cacache/index-v5/x",
                Some((Manager::Npm, "/home/u/.npm/_cacache")),
            ),
            (
                "/usr/local/share/.cache/yarn/v6/x",
                Some((Manager::Yarn, "/usr/local/share/.cache/yarn")),
            ),
            (
                "/root/.cache/go-build/ab/x",
                Some((Manager::Go, "/root/.cache/go-build")),
            ),
            (
                "/go/pkg/mod/cache/download/x.zip",
                Some((Manager::Go, "/go/pkg/mod/cache")),
            ),
            (
                "/usr/local/cargo/registry/cache/x.crate",
                Some((Manager::Cargo, "/usr/local/cargo/registry")),
            ),
            (
                "/root/.m2/repository/org/x.jar",
                Some((Manager::Maven, "/root/.m2/repository")),
            ),
            (
                "/root/.gradle/caches/x",
                Some((Manager::Gradle, "/root/.gradle/caches")),
            ),
            ("/var/cache/dnf/x", Some((Manager::Dnf, "/var/cache/dnf"))),
            ("/usr/bin/apt", None),
        ];
        for (path, want) in cases {
            assert_eq!(classify(path, true), want, "{path}");
        }
        assert_eq!(classify("/go/pkg/mod/github.com/x/y.go", true), None);
        assert_eq!(
            classify("/go/pkg/mod/github.com/x/y.go", false),
            Some((Manager::Go, "/go/pkg/mod"))
        );
    }
}
