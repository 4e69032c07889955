//! ## What it does
//! Flags `composer install` (or `composer update`) without `--no-dev` in a stage that ends up
//! in the final image, unless `COMPOSER_NO_DEV` is set to a true value. Development images (a
//! stage named `dev`, `test`, `debug`..., or a CMD that starts a shell) are left alone.
//!
//! ## Why it matters
//! `require-dev` holds what a PHP project needs to be developed and tested: PHPUnit, static
//! analysers, debug bars, fakers and mock libraries. In a production image they only add size,
//! and some, such as debug and profiling tools, widen what an attacker can reach. `--no-dev`
//! installs exactly what the application runs with.
//!
//! ## Example
//! ```dockerfile
//! COPY composer.json composer.lock ./
//! RUN composer install --prefer-dist
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! COPY composer.json composer.lock ./
//! RUN composer install --prefer-dist --no-dev --optimize-autoloader
//! ```
//! Stages that only feed `COPY --from` (a test or build stage) are not checked.

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};
use crate::rules::size::{purpose, truthy, Purpose};
use crate::shell::Command;

pub const RULE: Rule = Rule {
    code: "DD112",
    name: "composer-dev-dependencies",
    level: Level::Warning,
    hadolint: None,
    source: include_str!("composer_dev_dependencies.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    if purpose(cx) == Purpose::Development {
        return;
    }
    for (index, ins, script) in cx.runs() {
        let ships = cx.stage_of(index).is_some_and(|s| cx.ships(s));
        if !ships {
            continue;
        }
        let in_scope = cx
            .scopes()
            .get(index)
            .and_then(|s| s.get("COMPOSER_NO_DEV"))
            .and_then(|v| v.value.as_deref())
            .is_some_and(truthy);
        let in_script = script
            .words()
            .any(|w| w.strip_prefix("COMPOSER_NO_DEV=").is_some_and(truthy));
        if in_scope || in_script {
            continue;
        }
        let found = script.commands.iter().find_map(|raw| {
            let cmd = composer_view(&raw.unwrapped())?;
            let sub = cmd.subcommand()?;
            (matches!(sub, "install" | "update" | "i" | "u") && !cmd.has_flag("--no-dev"))
                .then(|| format!("composer {sub}"))
        });
        if let Some(title) = found {
            out.add(
                cx.head(ins),
                format!(
                    "`{title}` installs the require-dev packages into the final image: add `--no-dev`"
                ),
            );
        }
    }
}

/// `composer ...`, `composer.phar ...` or `php composer.phar ...`, read from `composer`.
fn composer_view(cmd: &Command) -> Option<Command> {
    let program = cmd.program();
    if program == "composer" || program == "composer.phar" {
        return Some(cmd.clone());
    }
    if program.starts_with("php") {
        let first = cmd.args().first()?;
        if first.ends_with("composer.phar") || first.ends_with("/composer") {
            let mut view = cmd.clone();
            view.words = cmd.args().to_vec();
            return Some(view);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_dev_packages() {
        assert_eq!(catches(&RULE, "FROM php:8.3\nRUN composer install\n"), [2]);
        catches(
            &RULE,
            "FROM php:8.3\nRUN php composer.phar install --prefer-dist\n",
        );
        catches(&RULE, "FROM php:8.3\nRUN [\"composer\", \"update\"]\n");
        catches(&RULE, "FROM php:8.3\nRUN <<EOF\ncomposer install -o\nEOF\n");
    }

    #[test]
    fn does_not_catch_no_dev() {
        passes(&RULE, "FROM php:8.3\nRUN composer install --no-dev\n");
        passes(
            &RULE,
            "FROM php:8.3\nENV COMPOSER_NO_DEV=1\nRUN composer install\n",
        );
        passes(
            &RULE,
            "FROM php:8.3\nRUN COMPOSER_NO_DEV=1 composer install\n",
        );
        passes(
            &RULE,
            "FROM php:8.3\nRUN composer require monolog/monolog\n",
        );
        passes(&RULE, "FROM php:8.3 AS test\nRUN composer install\n");
        passes(
            &RULE,
            "FROM composer:2 AS vendor\nRUN composer install\nFROM php:8.3\nCOPY --from=vendor /app/vendor /app/vendor\n",
        );
    }
}
