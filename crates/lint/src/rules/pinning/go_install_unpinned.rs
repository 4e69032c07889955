//! ## What it does
//! Flags `go install`, `go get` and `go run` of a module at a moving version query:
//! `@latest`, `@upgrade`, `@patch`, or a branch such as `@master`, `@main` or `@HEAD`.
//!
//! ## Why it matters
//! A version query is resolved when the layer is built. `go install tool@latest` produces a
//! different binary whenever the tool publishes a release, so the same Dockerfile builds
//! different images and a breaking release lands without a change to review; a branch moves
//! with every commit. Without any `@`, `go install` and `go get` use the versions in the
//! module's `go.mod`, which are pinned already, so those are not reported.
//!
//! ## Example
//! ```dockerfile
//! FROM golang:1.23
//! RUN go install golang.org/x/tools/gopls@latest
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM golang:1.23
//! RUN go install golang.org/x/tools/gopls@v0.16.2
//! ```

use crate::finding::Level;
use crate::packages::GO;
use crate::rule::{Context, Report, Rule};

use super::unknowable;

pub const RULE: Rule = Rule {
    code: "DD609",
    name: "go-install-unpinned",
    level: Level::Info,
    hadolint: None,
    source: include_str!("go_install_unpinned.rs"),
    check,
};

/// Version queries that resolve to something different over time.
const MOVING: &[&str] = &["latest", "upgrade", "patch", "master", "main", "HEAD"];

fn check(cx: &Context, out: &mut Report) {
    for (_, ins, script) in cx.runs() {
        for cmd in script.running("go") {
            let args = GO.operands(&cmd);
            let targets: &[&str] = match args.as_slice() {
                ["install" | "get", targets @ ..] => targets,
                // Only the package is a target; what follows is the program's arguments.
                ["run", first, ..] => std::slice::from_ref(first),
                _ => continue,
            };
            for target in targets {
                let Some((module, query)) = target.rsplit_once('@') else {
                    continue;
                };
                if unknowable(target) || !MOVING.contains(&query) {
                    continue;
                }
                let sub = args.first().copied().unwrap_or("install");
                out.add(
                    cx.head(ins),
                    format!(
                        "`go {sub} {target}` resolves `@{query}` at build time, so rebuilds get different code: pin a version like `{module}@v1.2.3`"
                    ),
                );
            }
        }
    }
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
    fn does_not_catch_versions_local_packages_or_go_mod() {
        passes(
            &RULE,
            "FROM golang:1.23\nRUN go install golang.org/x/tools/gopls@v0.16.2\n",
        );
        passes(
            &RULE,
            "FROM golang:1.23\nRUN go install ./cmd/... && go install\n",
        );
        passes(
            &RULE,
            "FROM golang:1.23\nRUN go install github.com/x/tool\n",
        );
        passes(
            &RULE,
            "FROM golang:1.23\nRUN go install \"github.com/x/tool@${TOOL_VERSION}\"\n",
        );
        passes(
            &RULE,
            "FROM golang:1.23\nRUN go run ./gen@latest.go x@latest\n",
        );
        passes(
            &RULE,
            "FROM golang:1.23\nRUN go build -o /out/app . && go mod download\n",
        );
    }
}
