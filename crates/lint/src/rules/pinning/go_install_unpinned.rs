//! ## What it does
//! Flags `go install`, `go get` and `go run` of a remote module without a fixed version: no
//! `@version` at all, or a moving query such as `@latest`, `@upgrade`, `@patch`, or a branch
//! (`@master`, `@main`, `@HEAD`). Local packages (`.`, `./cmd/...`, `/src/tool`, `main.go`) are
//! not modules and are left alone.
//!
//! ## Why it matters
//! A version query is resolved when the layer is built. `go install tool@latest` produces a
//! different binary whenever the tool publishes a release, so the same Dockerfile builds
//! different images and a breaking release lands without a change to review; a branch moves
//! with every commit. Without any `@`, `go get` means `@upgrade`, the newest release, and
//! `go install` or `go run` build whatever version the `go.mod` of the build directory happens
//! to require (outside a module, Go refuses them; with `GO111MODULE=off`, the newest code).
//! Writing the version in the Dockerfile says which one the image gets.
//!
//! ## Example
//! ```dockerfile
//! FROM golang:1.23
//! RUN go install golang.org/x/tools/gopls@latest
//! RUN go get github.com/spf13/cobra
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM golang:1.23
//! RUN go install golang.org/x/tools/gopls@v0.16.2
//! RUN go get github.com/spf13/cobra@v1.8.1
//! ```
//!
//! ## Differences from hadolint
//! hadolint's DL3062 reports `@latest` and missing versions, once per RUN. Drydock reports
//! each module, also reports branches and the other moving queries, and leaves alone what is
//! not a remote module: paths starting with `.` or `/`, `.go` files given to `go run`, and
//! names without a dot in their first element (`std`, `all`, `cmd/...`), which Go never
//! downloads. `@none` (drop a dependency) installs nothing and is not reported.

use crate::finding::Level;
use crate::packages::GO;
use crate::rule::{Context, Report, Rule};

use super::unknowable;

pub const RULE: Rule = Rule {
    code: "DD609",
    name: "go-install-unpinned",
    level: Level::Info,
    hadolint: Some("DL3062"),
    source: include_str!("go_install_unpinned.rs"),
    check,
};

/// Version queries that resolve to something different over time.
const MOVING: &[&str] = &["latest", "upgrade", "patch", "master", "main", "HEAD"];

fn check(cx: &Context, out: &mut Report) {
    for (_, ins, script) in cx.runs() {
        for cmd in script.running("go") {
            let args = GO.operands(&cmd);
            let (sub, targets): (&str, &[&str]) = match args.as_slice() {
                [sub @ ("install" | "get"), targets @ ..] => (sub, targets),
                // Only the package is a target; what follows is the program's arguments.
                [sub @ "run", first, ..] => (sub, std::slice::from_ref(first)),
                _ => continue,
            };
            for target in targets {
                if unknowable(target) || !remote(target, sub) {
                    continue;
                }
                let message = match target.rsplit_once('@') {
                    Some((module, query)) if MOVING.contains(&query) => format!(
                        "`go {sub} {target}` resolves `@{query}` at build time, so rebuilds get different code: pin a version like `{module}@v1.2.3`"
                    ),
                    Some(_) => continue,
                    None if sub == "get" => format!(
                        "`go get {target}` without a version takes the newest release, so rebuilds get different code: pin one like `{target}@v1.2.3`"
                    ),
                    None => format!(
                        "`go {sub} {target}` names no version, so the image gets whatever the build directory's go.mod requires: pin one like `{target}@v1.2.3`"
                    ),
                };
                out.add(cx.head(ins), message);
            }
        }
    }
}

/// Whether `target` names a module Go downloads: its first path element has a dot
/// (`golang.org/x/tools`), and it is not a path or, for `go run`, a source file.
fn remote(target: &str, sub: &str) -> bool {
    let path = target.split('@').next().unwrap_or(target);
    let first = path.split('/').next().unwrap_or(path);
    let local = path.starts_with(['.', '/']) || (sub == "run" && path.ends_with(".go"));
    !local && first.contains('.')
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_moving_queries() {
        assert_eq!(
            catches(
                &RULE,
                "FROM golang:1.23\nRUN go install golang.org/x/tools/gopls@latest\n"
            ),
            [2]
        );
        catches(
            &RULE,
            "FROM golang:1.23\nRUN go get -u github.com/x/y@master\n",
        );
        catches(
            &RULE,
            "FROM golang:1.23\nRUN go run -mod=mod github.com/x/gen@latest -out x.go\n",
        );
        catches(
            &RULE,
            "FROM golang:1.23\nRUN CGO_ENABLED=0 go install -ldflags '-s -w' example.com/a@HEAD\n",
        );
    }

    #[test]
    fn catches_modules_without_a_version() {
        catches(
            &RULE,
            "FROM golang:1.23\nRUN go install github.com/x/tool\n",
        );
        catches(&RULE, "FROM golang:1.23\nRUN go get -d github.com/x/y\n");
        catches(&RULE, "FROM golang:1.23\nRUN go run example.com/gen/...\n");
        assert_eq!(
            catches(
                &RULE,
                "FROM golang:1.23\nRUN go get example.com/a@v1.0.0 example.com/b\n"
            )
            .len(),
            1
        );
    }

    #[test]
    fn does_not_catch_versions_or_local_packages() {
        passes(
            &RULE,
            "FROM golang:1.23\nRUN go install golang.org/x/tools/gopls@v0.16.2\n",
        );
        passes(
            &RULE,
            "FROM golang:1.23\nRUN go install ./cmd/... && go install && go install .\n",
        );
        passes(
            &RULE,
            "FROM golang:1.23\nRUN go install \"github.com/x/tool@${TOOL_VERSION}\"\n",
        );
        passes(
            &RULE,
            "FROM golang:1.23\nRUN go run ./gen@latest.go x@latest && go run main.go example.com/x\n",
        );
        passes(
            &RULE,
            "FROM golang:1.23\nRUN go run example.com/gen@v1.2.0 example.com/arg\n",
        );
        passes(
            &RULE,
            "FROM golang:1.23\nRUN go build -o /out/app . && go mod download && go get -u all\n",
        );
        passes(&RULE, "FROM golang:1.23\nRUN go get example.com/old@none\n");
    }
}
