//! ## What it does
//! Flags `gem install` of gems without a version (`bundler` rather than `bundler:2.5.22` or
//! `bundler -v 2.5.22`). Local `.gem` files and gems named by a variable are not reported, nor
//! the words after `--`, which gem hands to the gem's native build (`-- --use-system-libraries`).
//!
//! ## Why it matters
//! Without a version, `gem install` takes the newest release on RubyGems when the layer is
//! built, so the image changes under the same Dockerfile and a major upgrade can arrive with a
//! rebuild nobody meant as an upgrade. The application's gems belong in the `Gemfile.lock`,
//! installed with `bundle install` after copying `Gemfile` and `Gemfile.lock` alone, so that
//! layer stays cached until they change; tools installed directly deserve a version too.
//!
//! ## Example
//! ```dockerfile
//! FROM ruby:3.3-slim
//! RUN gem install bundler rails
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM ruby:3.3-slim
//! RUN gem install bundler:2.5.22 rails:7.2.1
//! ```

use crate::finding::Level;
use crate::packages::GEM;
use crate::rule::{Context, Report, Rule};

use super::{report, unknowable};

pub const RULE: Rule = Rule {
    code: "DD605",
    name: "gem-unpinned",
    level: Level::Info,
    hadolint: Some("DL3028"),
    source: include_str!("gem_unpinned.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for (_, ins, script) in cx.runs() {
        for cmd in script.running("gem") {
            // `-v` pins the gems of the command (one gem, in practice).
            if cmd.has_any_flag(&["-v", "--version"]) {
                continue;
            }
            // Words after `--` are build options for the gem's native extension
            // (`-- --use-system-libraries true`), not gems.
            let mut cmd = cmd.clone();
            if let Some(at) = cmd.words.iter().position(|w| w == "--") {
                cmd.words.truncate(at);
            }
            let args = GEM.operands(&cmd);
            let Some((&("install" | "i"), gems)) = args.split_first() else {
                continue;
            };
            let unpinned: Vec<&str> = gems.iter().copied().filter(|g| !pinned(g)).collect();
            report(cx, out, ins, "gem install", &unpinned, |g| {
                format!("{g}:<version>")
            });
        }
    }
}

fn pinned(gem: &str) -> bool {
    unknowable(gem) || gem.contains(':') || gem.contains('/') || gem.ends_with(".gem")
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_unpinned_gems() {
        assert_eq!(
            catches(&RULE, "FROM ruby:3.3\nRUN gem install bundler\n"),
            [2]
        );
        catches(
            &RULE,
            "FROM ruby:3.3\nRUN gem install --no-document rails:7.2.1 puma\n",
        );
        catches(&RULE, "FROM ruby:3.3\nRUN gem i -N rake\n");
    }

    #[test]
    fn does_not_catch_versions_files_or_variables() {
        passes(&RULE, "FROM ruby:3.3\nRUN gem install bundler:2.5.22\n");
        passes(&RULE, "FROM ruby:3.3\nRUN gem install bundler -v 2.5.22\n");
        passes(
            &RULE,
            "FROM ruby:3.3\nRUN gem install bundler --version=2.5.22\n",
        );
        passes(&RULE, "FROM ruby:3.3\nRUN gem install ./pkg/x-1.0.gem\n");
        passes(
            &RULE,
            "FROM ruby:3.3\nRUN gem install \"bundler:$BUNDLER_VERSION\" && gem update --system\n",
        );
        passes(
            &RULE,
            "FROM ruby:3.3\nRUN gem install mysql2:0.5.6 -- --with-mysql-dir=/usr\n",
        );
    }

    // `-- --use-system-libraries true` was read as two gems.
    #[test]
    fn build_options_after_a_double_dash_are_not_gems() {
        passes(
            &RULE,
            "FROM ruby:3.3\nRUN gem install nokogiri:1.16.7 -- --use-system-libraries true\n",
        );
        passes(
            &RULE,
            "FROM ruby:3.3\nRUN gem install --without test --config-file /gemrc rails:7.1.0\n",
        );
        assert_eq!(
            catches(
                &RULE,
                "FROM ruby:3.3\nRUN gem install nokogiri -- --use-system-libraries\n"
            ),
            [2]
        );
    }
}
