//! ## What it does
//! Flags an `npm install`, `npm ci`, `yarn install`, `pnpm install` or `bun install` of the
//! project's dependencies in a stage that ends up in the final image, when it also installs the
//! devDependencies: no `--omit=dev` (`--production`, `--prod`), and no `NODE_ENV=production` or
//! npm `omit`/`production` setting in effect. A prune in the same RUN (`npm prune --omit=dev`)
//! counts; a prune in a later RUN does not, since the earlier layer keeps the files.
//! Development images are left alone: a stage named `dev`, `test`, `debug`..., or a CMD that
//! starts a dev server (`npm run dev`, `ng serve`, `nodemon`, `vite`) or a shell.
//!
//! ## Why it matters
//! devDependencies are the compilers, bundlers, test runners, linters and type definitions a
//! project needs while it is developed and built. At run time they are dead weight, frequently
//! larger than the production dependencies, and each is one more package for a scanner to
//! report and for you to patch. Build with them in an earlier stage, then install only the
//! production dependencies where the application runs.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22-slim
//! WORKDIR /app
//! COPY package.json package-lock.json ./
//! RUN npm ci
//! COPY . .
//! CMD ["node", "server.js"]
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22-slim AS build
//! WORKDIR /app
//! COPY package.json package-lock.json ./
//! RUN npm ci
//! COPY . .
//! RUN npm run build
//!
//! FROM node:22-slim
//! WORKDIR /app
//! ENV NODE_ENV=production
//! COPY package.json package-lock.json ./
//! RUN npm ci --omit=dev
//! COPY --from=build /app/dist ./dist
//! CMD ["node", "dist/server.js"]
//! ```

use crate::finding::Level;
use crate::packages::NODE;
use crate::rule::{Context, Report, Rule};
use crate::rules::size::{purpose, Purpose};
use crate::shell::Command;

pub const RULE: Rule = Rule {
    code: "DD111",
    name: "dev-dependencies-in-final-stage",
    level: Level::Warning,
    hadolint: None,
    source: include_str!("dev_dependencies_in_final_stage.rs"),
    check,
};

/// What a command does to node_modules.
enum Node {
    /// Installs the project's dependencies, dev ones included.
    FullInstall(String),
    /// Installs or prunes down to production dependencies.
    Production,
    Other,
}

fn check(cx: &Context, out: &mut Report) {
    if purpose(cx) == Purpose::Development {
        return;
    }
    let mut later_prune: Option<u32> = None;
    let mut hits: Vec<(drydock_dockerfile::Span, String, u32)> = Vec::new();
    for (index, ins, script) in cx.runs() {
        let ships = cx.stage_of(index).is_some_and(|s| cx.ships(s));
        if !ships {
            continue;
        }
        let scope = cx.scopes().get(index);
        let var = |name: &str| {
            scope
                .and_then(|s| s.get_ignore_ascii_case(name))
                .and_then(|(_, v)| v.value.as_deref())
                .unwrap_or_default()
        };
        let production_env = var("NODE_ENV") == "production"
            || var("NPM_CONFIG_PRODUCTION") == "true"
            || var("NPM_CONFIG_OMIT").contains("dev");
        let mut exported = false;
        let mut pending: Option<String> = None;
        let line = ins.span.start.line;
        for raw in &script.commands {
            let cmd = raw.unwrapped();
            if cmd.is("export") || cmd.is("set") {
                exported |= cmd.args().iter().any(|a| production_word(a));
            }
            let assigned = raw
                .assignments
                .iter()
                .chain(raw.words.iter())
                .any(|a| production_word(a));
            match read(&cmd) {
                Node::FullInstall(title) if !(production_env || exported || assigned) => {
                    pending.get_or_insert(title);
                }
                Node::Production if pending.is_some() => pending = None,
                Node::Production if !hits.is_empty() => {
                    later_prune.get_or_insert(line);
                }
                _ => {}
            }
        }
        if let Some(title) = pending {
            hits.push((cx.head(ins), title, line));
        }
    }
    for (span, title, line) in hits {
        let fix = match title.split(' ').next().unwrap_or("") {
            "yarn" => "`yarn install --production`",
            "pnpm" => "`pnpm install --prod`",
            "bun" => "`bun install --production`",
            _ => "`npm ci --omit=dev`",
        };
        let message = match later_prune.filter(|&p| p > line) {
            Some(p) => format!(
                "`{title}` installs devDependencies into the final image, and the prune on line {p} runs in a later layer that cannot remove them: prune in the same RUN, or build in an earlier stage and install with {fix} here"
            ),
            None => format!(
                "`{title}` installs devDependencies into the final image: build in an earlier stage and install with {fix} here (or set `NODE_ENV=production`)"
            ),
        };
        out.add(span, message);
    }
}

/// `NODE_ENV=production`, `NPM_CONFIG_PRODUCTION=true`, `npm_config_omit=dev`.
fn production_word(word: &str) -> bool {
    let Some((name, value)) = word.split_once('=') else {
        return false;
    };
    let value = value.trim_matches(['"', '\'']);
    match name.to_ascii_uppercase().as_str() {
        "NODE_ENV" => value == "production",
        "NPM_CONFIG_PRODUCTION" => value == "true",
        "NPM_CONFIG_OMIT" => value.contains("dev"),
        _ => false,
    }
}

/// Whether a flag is given and not turned off (`--production=false` keeps devDependencies).
fn on(cmd: &Command, flag: &str) -> bool {
    cmd.args().iter().any(|a| {
        a == flag
            || a.strip_prefix(flag)
                .and_then(|r| r.strip_prefix('='))
                .is_some_and(|v| v != "false")
    })
}

fn read(cmd: &Command) -> Node {
    let program = cmd.program();
    let ops = NODE.operands(cmd);
    let sub = ops.first().copied();
    let manifest_only = ops.len() <= 1;
    let omit_dev = cmd
        .args()
        .windows(2)
        .any(|w| w[0] == "--omit" && w[1] == "dev")
        || cmd.args().iter().any(|a| {
            a == "--omit=dev" || a.starts_with("--only=prod") || a.starts_with("--only=production")
        });
    match (program, sub) {
        ("npm", Some("prune")) if on(cmd, "--production") || omit_dev => Node::Production,
        ("npm", Some("install" | "i" | "ci"))
            if manifest_only && !cmd.has_any_flag(&["-g", "--global"]) =>
        {
            if on(cmd, "--production") || omit_dev {
                Node::Production
            } else {
                Node::FullInstall(format!("npm {}", sub.unwrap_or("")))
            }
        }
        ("yarn", None | Some("install")) if !cmd.has_any_flag(&["-v", "--version", "-h"]) => {
            if on(cmd, "--production") || on(cmd, "--prod") {
                Node::Production
            } else {
                Node::FullInstall("yarn install".to_string())
            }
        }
        ("yarn", Some("workspaces")) if on(cmd, "--production") => Node::Production,
        ("pnpm" | "bun", Some("install" | "i")) if manifest_only => {
            if on(cmd, "--prod") || on(cmd, "--production") || cmd.has_flag("-P") {
                Node::Production
            } else {
                Node::FullInstall(format!("{program} install"))
            }
        }
        ("pnpm", Some("prune")) if on(cmd, "--prod") => Node::Production,
        _ => Node::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_dev_dependencies_in_the_final_image() {
        assert_eq!(
            catches(&RULE, "FROM node:22\nCOPY package*.json ./\nRUN npm ci\n"),
            [3]
        );
        catches(&RULE, "FROM node:22\nRUN yarn install --frozen-lockfile\n");
        catches(&RULE, "FROM node:22\nRUN [\"yarn\"]\n");
        catches(&RULE, "FROM node:22\nRUN <<EOF\npnpm install\nEOF\n");
        catches(&RULE, "FROM node:22\nRUN npm install --production=false\n");
        // A prune in a later RUN cannot shrink the install's layer.
        catches(
            &RULE,
            "FROM node:22\nRUN npm ci && npm run build\nRUN npm prune --omit=dev\n",
        );
        catches(
            &RULE,
            "FROM node:22 AS base\nRUN npm ci\nFROM base\nCMD [\"node\", \"x.js\"]\n",
        );
    }

    #[test]
    fn does_not_catch_production_installs() {
        passes(&RULE, "FROM node:22\nRUN npm ci --omit=dev\n");
        passes(&RULE, "FROM node:22\nRUN npm ci --omit dev\n");
        passes(&RULE, "FROM node:22\nRUN npm install --production\n");
        passes(&RULE, "FROM node:22\nRUN npm ci --only=production\n");
        passes(
            &RULE,
            "FROM node:22\nRUN yarn install --production --frozen-lockfile\n",
        );
        passes(&RULE, "FROM node:22\nRUN pnpm install --prod\n");
        passes(&RULE, "FROM node:22\nENV NODE_ENV=production\nRUN npm ci\n");
        passes(&RULE, "FROM node:22\nARG NODE_ENV=production\nRUN yarn\n");
        passes(&RULE, "FROM node:22\nRUN NODE_ENV=production npm ci\n");
        passes(
            &RULE,
            "FROM node:22\nRUN npm ci && npm run build && npm prune --omit=dev\n",
        );
        passes(
            &RULE,
            "FROM node:22\nRUN npm install -g pm2 && npm install express\n",
        );
        passes(
            &RULE,
            "FROM node:22\nRUN npm ci\nCMD [\"npm\", \"run\", \"dev\"]\n",
        );
        passes(
            &RULE,
            "FROM node:22 AS development\nRUN npm ci\nCMD [\"node\", \"x.js\"]\n",
        );
        passes(
            &RULE,
            "FROM node:22 AS build\nRUN npm ci && npm run build\nFROM nginx\nCOPY --from=build /app/dist /usr/share/nginx/html\n",
        );
    }

    // The node list lacked `--tag`: its value read as a package, so the install looked like one
    // of named packages rather than of the manifest.
    #[test]
    fn a_tag_value_is_not_a_package() {
        catches(&RULE, "FROM node:22\nRUN npm install --tag next\n");
    }
}
