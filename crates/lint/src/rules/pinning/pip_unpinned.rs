//! ## What it does
//! Flags `pip install` (also `pip3`, `python -m pip`) of packages without a version specifier
//! (`flask` rather than `flask==3.0.3`), and `pipx install` or `pipx inject` without one. A
//! VCS source without a revision (`git+https://github.com/org/lib` rather than
//! `...lib@v1.2.0`) is unpinned too. Requirements and constraints files, local paths and
//! archives, URLs and packages named by a variable are not reported, nor is a `--upgrade` of
//! pip's own tooling (`pip`, `setuptools`, `wheel`).
//!
//! ## Why it matters
//! An unpinned package resolves to the newest release on PyPI when the layer is built, along
//! with the newest releases of everything it depends on. A rebuild months later can produce a
//! different, possibly broken, environment from the same Dockerfile, and the layer cache hides
//! the difference until it is invalidated. A requirements or lock file copied in before the
//! install pins the whole tree and keeps that layer cached until the dependencies change.
//!
//! ## Example
//! ```dockerfile
//! FROM python:3.12-slim
//! RUN pip install --no-cache-dir flask gunicorn
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM python:3.12-slim
//! COPY requirements.txt .
//! RUN pip install --no-cache-dir -r requirements.txt
//! ```
//! Or pin on the command line: `pip install flask==3.0.3 gunicorn==22.0.0`.

use crate::finding::Level;
use crate::packages::{self, Manager, PIPX};
use crate::rule::{Context, Report, Rule};

use super::{report, unknowable};

pub const RULE: Rule = Rule {
    code: "DD603",
    name: "pip-unpinned",
    level: Level::Info,
    hadolint: Some("DL3013"),
    source: include_str!("pip_unpinned.rs"),
    check,
};

/// Version specifiers (PEP 440) and the direct reference marker (PEP 508).
const SPECIFIERS: &[&str] = &["==", ">=", "<=", "~=", "!=", ">", "<", "@"];

fn check(cx: &Context, out: &mut Report) {
    for (_, ins, script) in cx.runs() {
        for pkg in script.commands.iter().filter_map(packages::read) {
            let pip = &pkg.command;
            if pkg.manager != Manager::Pip
                || pkg.subcommand != "install"
                || pip.has_any_flag(&["-c", "--constraint"])
            {
                continue;
            }
            let upgrade = pip.has_any_flag(&["-U", "--upgrade"]);
            let unpinned: Vec<&str> = pkg
                .names
                .iter()
                .map(String::as_str)
                .filter(|p| !(pinned(p) || (upgrade && is_tooling(p))))
                .collect();
            report(cx, out, ins, "pip install", &unpinned, pin);
        }
        for pipx in script.running("pipx") {
            let args = PIPX.operands(&pipx);
            // `pipx inject <venv> <package>...` adds packages to an installed tool.
            let (title, specs) = match args.as_slice() {
                ["install", specs @ ..] => ("pipx install", specs),
                ["inject", _venv, specs @ ..] => ("pipx inject", specs),
                _ => continue,
            };
            let unpinned: Vec<&str> = specs.iter().copied().filter(|p| !pinned(p)).collect();
            report(cx, out, ins, title, &unpinned, pin);
        }
    }
}

fn pinned(package: &str) -> bool {
    let lower = package.to_ascii_lowercase();
    if let Some(at) = VCS.iter().find_map(|v| lower.find(v)) {
        return unknowable(package) || vcs_ref(package.get(at..).unwrap_or(""));
    }
    unknowable(package)
        || SPECIFIERS.iter().any(|s| package.contains(s))
        || package.starts_with('.')
        || package.contains('/')
        || [".whl", ".tar.gz", ".zip", ".tgz"]
            .iter()
            .any(|ext| lower.ends_with(ext))
}

/// How to pin `package`: a version, or for a VCS source a revision.
fn pin(package: &str) -> String {
    let lower = package.to_ascii_lowercase();
    if VCS.iter().any(|v| lower.contains(v)) {
        let url = package.split('#').next().unwrap_or(package);
        format!("{url}@<tag or commit>")
    } else {
        format!("{package}==<version>")
    }
}

/// The VCS schemes pip installs from (`git+https://...`).
const VCS: &[&str] = &["git+", "hg+", "svn+", "bzr+"];

/// Whether a VCS URL names a revision: `@<ref>` after the repository path
/// (`git+https://host/org/lib@v1.2.0`), not the user of `git+ssh://git@host/...`.
fn vcs_ref(url: &str) -> bool {
    let url = url.split(['#', '?']).next().unwrap_or(url);
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.split_once('/').map_or("", |(_, path)| path),
        // `git+git@github.com:org/lib.git@v1`: scp-like, the host ends at the colon.
        None => url.split_once(':').map_or("", |(_, path)| path),
    };
    path.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('@'))
}

/// pip's own tooling, routinely brought up to date before the real installs.
fn is_tooling(package: &str) -> bool {
    matches!(
        package.to_ascii_lowercase().as_str(),
        "pip" | "setuptools" | "wheel"
    )
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_unpinned_packages() {
        assert_eq!(
            catches(&RULE, "FROM python:3.12\nRUN pip install flask\n"),
            [2]
        );
        catches(
            &RULE,
            "FROM python:3.12\nRUN pip3 install --no-cache-dir flask==3.0 gunicorn\n",
        );
        catches(
            &RULE,
            "FROM python:3.12\nRUN python3 -m pip install -U requests\n",
        );
        catches(
            &RULE,
            "FROM python:3.12\nRUN pip install -r requirements.txt uvicorn\n",
        );
        catches(
            &RULE,
            "FROM python:3.12\nRUN pip install --upgrade pip poetry\n",
        );
        catches(&RULE, "FROM python:3.12\nRUN pip install 'flask[async]'\n");
    }

    #[test]
    fn does_not_catch_pinned_files_paths_or_tooling_upgrades() {
        passes(
            &RULE,
            "FROM python:3.12\nRUN pip install flask==3.0.3 'gunicorn>=22,<23' 'x~=1.0'\n",
        );
        passes(
            &RULE,
            "FROM python:3.12\nRUN pip install -r requirements.txt\n",
        );
        passes(
            &RULE,
            "FROM python:3.12\nRUN pip install -c constraints.txt flask\n",
        );
        passes(
            &RULE,
            "FROM python:3.12\nRUN pip install . && pip install -e .[dev]\n",
        );
        passes(
            &RULE,
            "FROM python:3.12\nRUN pip install /wheels/*.whl ./pkg dist/app-1.0.tar.gz\n",
        );
        passes(
            &RULE,
            "FROM python:3.12\nRUN pip install git+https://github.com/org/x@v1\n",
        );
        passes(
            &RULE,
            "FROM python:3.12\nRUN pip install --upgrade pip setuptools wheel\n",
        );
        passes(
            &RULE,
            "FROM python:3.12\nRUN pip install \"$PKG\" && pip download flask\n",
        );
        passes(
            &RULE,
            "FROM python:3.12\nRUN pip install --index-url https://x/simple -r req.txt\n",
        );
    }

    // The pinning rule's pip list lacked `--root-user-action`: its value was reported as an
    // unpinned package.
    #[test]
    fn a_root_user_action_value_is_not_a_package() {
        passes(
            &RULE,
            "FROM python:3.12\nRUN pip install --root-user-action ignore flask==3.0\n",
        );
    }

    // The pinning rule read only `python -m pip` with `-m` first; the size rules read any.
    #[test]
    fn python_options_before_dash_m_still_run_pip() {
        catches(
            &RULE,
            "FROM python:3.12\nRUN python3 -I -m pip install flask\n",
        );
    }

    // Values of options such as `--root-user-action ignore` were read as packages.
    #[test]
    fn option_values_are_not_packages() {
        for options in [
            "--root-user-action ignore",
            "-i https://pypi.example/simple",
            "--index-url https://pypi.example/simple",
            "--target /opt/lib --python-version 3.12",
            "--use-feature truststore --keyring-provider subprocess",
        ] {
            passes(
                &RULE,
                &format!(
                    "FROM python:3.12\nRUN pip install --no-cache-dir {options} poetry==1.8.5\n"
                ),
            );
        }
    }

    #[test]
    fn catches_pipx_and_vcs_sources_without_a_revision() {
        assert_eq!(
            catches(&RULE, "FROM python:3.12\nRUN pipx install black\n"),
            [2]
        );
        catches(
            &RULE,
            "FROM python:3.12\nRUN pipx install --python python3.12 black ruff==0.6.9\n",
        );
        catches(
            &RULE,
            "FROM python:3.12\nRUN pip install git+https://github.com/psf/black\n",
        );
        catches(&RULE, "FROM python:3.12\nRUN pip install 'black @ git+https://github.com/psf/black#egg=black'\n");
        catches(
            &RULE,
            "FROM python:3.12\nRUN pip install git+ssh://git@github.com/psf/black.git\n",
        );
        passes(&RULE, "FROM python:3.12\nRUN pipx install black==24.8.0 && pipx install --suffix @2 'ruff>=0.6'\n");
        catches(
            &RULE,
            "FROM python:3.12\nRUN pipx install poetry==1.8.5 && pipx inject poetry poetry-plugin-export\n",
        );
        passes(
            &RULE,
            "FROM python:3.12\nRUN pip install git+https://github.com/psf/black@24.8.0#egg=black\n",
        );
        passes(
            &RULE,
            "FROM python:3.12\nRUN pip install git+ssh://git@github.com/psf/black.git@9a3c6f6\n",
        );
        passes(&RULE, "FROM python:3.12\nRUN pipx run black --check .\n");
    }
}
