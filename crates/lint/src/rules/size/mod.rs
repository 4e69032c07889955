use drydock_dockerfile::{Args, Kind, Stage};

use crate::rule::{Context, Rule};

pub mod apk_add_cache_kept;
pub mod apt_get_install_recommends;
pub mod apt_lists_kept;
pub mod archive_copied_then_extracted;
pub mod caches;
pub mod chmod_in_separate_layer;
pub mod cleanup_in_later_layer;
pub mod composer_dev_dependencies;
pub mod copy_entire_filesystem;
pub mod dev_dependencies_in_final_stage;
pub mod dnf_cache_kept;
pub mod paths;
pub mod pip_cache_kept;
pub mod sdk_in_final_stage;
pub mod useradd_high_uid_lastlog;
pub mod written;
pub mod yarn_cache_kept;
pub mod yum_cache_kept;
pub mod zypper_cache_kept;

pub const RULES: &[Rule] = &[
    sdk_in_final_stage::RULE,
    cleanup_in_later_layer::RULE,
    chmod_in_separate_layer::RULE,
    apt_get_install_recommends::RULE,
    apt_lists_kept::RULE,
    apk_add_cache_kept::RULE,
    yum_cache_kept::RULE,
    dnf_cache_kept::RULE,
    zypper_cache_kept::RULE,
    pip_cache_kept::RULE,
    dev_dependencies_in_final_stage::RULE,
    composer_dev_dependencies::RULE,
    copy_entire_filesystem::RULE,
    archive_copied_then_extracted::RULE,
    useradd_high_uid_lastlog::RULE,
    yarn_cache_kept::RULE,
];

/// The stages whose layers make the final image, final stage first.
pub(crate) fn shipping_chain<'c>(cx: &'c Context) -> Vec<&'c Stage> {
    let mut chain = Vec::new();
    let mut current = cx.final_stage();
    while let Some(stage) = current {
        chain.push(stage);
        current = cx.parent(stage);
    }
    chain
}

/// How the final image presents itself when it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// A CMD or ENTRYPOINT that starts a program: an image built to run an application.
    Application,
    /// A development or test image: a stage named `dev`, `test`, `debug`, `devcontainer`...,
    /// or a command that opens a shell, keeps the container idle or starts a dev server.
    Development,
    /// No CMD or ENTRYPOINT in the file: whatever the base image runs.
    Unknown,
}

/// Tells application images from development images, for rules whose advice (drop the
/// toolchain, drop devDependencies) would be wrong for an image built to develop in.
pub(crate) fn purpose(cx: &Context) -> Purpose {
    let chain = shipping_chain(cx);
    let dev_name = chain.iter().any(|s| {
        s.name.as_ref().is_some_and(|n| {
            n.value
                .to_ascii_lowercase()
                .split(['-', '_', '.'])
                .any(|t| {
                    matches!(
                        t,
                        "dev"
                            | "devel"
                            | "develop"
                            | "development"
                            | "devcontainer"
                            | "debug"
                            | "test"
                            | "tests"
                            | "testing"
                            | "ci"
                            | "e2e"
                    )
                })
        })
    });
    if dev_name {
        return Purpose::Development;
    }
    let last = |kind: Kind| -> Option<Vec<String>> {
        chain.iter().find_map(|stage| {
            stage.instructions.clone().rev().find_map(|i| {
                let ins = cx.instructions().get(i)?;
                if ins.kind != kind {
                    return None;
                }
                Some(match &ins.args {
                    Args::Exec(words) => words.iter().map(|a| a.value.clone()).collect(),
                    Args::Shell(arg) => arg.value.split_whitespace().map(str::to_string).collect(),
                    _ => Vec::new(),
                })
            })
        })
    };
    let entrypoint = last(Kind::Entrypoint);
    let cmd = last(Kind::Cmd);
    if entrypoint.is_none() && cmd.is_none() {
        return Purpose::Unknown;
    }
    let shell_only = |words: &[String]| {
        // Past an init wrapper and its options: `tini -g -- sh` is a shell.
        let words: Vec<&String> = words
            .iter()
            .skip_while(|w| {
                let program = w.rsplit('/').next().unwrap_or(w);
                matches!(program, "tini" | "dumb-init" | "catatonit" | "--") || w.starts_with('-')
            })
            .collect();
        words.first().is_some_and(|w| {
            let program = w.rsplit('/').next().unwrap_or(w);
            matches!(program, "bash" | "sh" | "zsh" | "ash" | "dash" | "fish")
                && words.iter().skip(1).all(|a| a.starts_with('-'))
        })
    };
    let interactive = match (&entrypoint, &cmd) {
        (Some(e), _) if !e.is_empty() => shell_only(e),
        (_, Some(c)) => shell_only(c),
        _ => false,
    };
    let dev_command = [&entrypoint, &cmd]
        .into_iter()
        .flatten()
        .any(|words| dev_server(words));
    if interactive || dev_command {
        Purpose::Development
    } else {
        Purpose::Application
    }
}

/// A command that starts a dev server or keeps a container idle for development.
fn dev_server(words: &[String]) -> bool {
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    let has = |a: &str, b: &str| w.windows(2).any(|p| p[0] == a && p[1] == b);
    w.iter().any(|x| {
        matches!(
            x.rsplit('/').next().unwrap_or(x),
            "nodemon" | "webpack-dev-server" | "ts-node-dev"
        )
    }) || has("ng", "serve")
        || has("next", "dev")
        || has("nuxt", "dev")
        || has("sleep", "infinity")
        || has("-f", "/dev/null")
        || (w.contains(&"vite") && !w.iter().any(|x| matches!(*x, "build" | "preview")))
        || w.first()
            .is_some_and(|p| matches!(*p, "npm" | "yarn" | "pnpm" | "bun"))
            && w.iter().skip(1).any(|x| {
                matches!(
                    *x,
                    "dev" | "serve" | "watch" | "develop" | "start:dev" | "dev:server"
                )
            })
}

/// Whether an environment value switches a setting on (`1`, `true`, `yes`, `on`, quoted or not).
pub(crate) fn truthy(value: &str) -> bool {
    matches!(
        value
            .trim_matches(['"', '\''])
            .to_ascii_lowercase()
            .as_str(),
        "1" | "true" | "yes" | "on"
    )
}
