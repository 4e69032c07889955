//! ## What it does
//! Flags `zypper install` in a stage that ends up in the final image when the same RUN does not
//! end with `zypper clean` (or delete `/var/cache/zypp`), unless it mounts a cache there.
//!
//! ## Why it matters
//! zypper keeps repository metadata and downloaded packages under `/var/cache/zypp`. Committed
//! with the layer, they add megabytes that nothing in the running container reads. Only the
//! RUN that installs can remove them before the layer is saved; a later clean leaves the bytes
//! in the earlier layer.
//!
//! ## Example
//! ```dockerfile
//! RUN zypper install -y curl
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! RUN zypper install -y curl \
//!  && zypper clean --all
//! ```
//! Stages that only feed `COPY --from` are not checked: their cache never ships.

use crate::finding::Level;
use crate::packages::{Action, Manager};
use crate::rule::{Context, Report, Rule};
use crate::rules::size::caches;

pub const RULE: Rule = Rule {
    code: "DD109",
    name: "zypper-cache-kept",
    level: Level::Warning,
    hadolint: Some("DL3036"),
    source: include_str!("zypper_cache_kept.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    let hits = caches::installs_keeping_cache(
        cx,
        Manager::Zypper,
        |p| p.action == Action::Install,
        |p| p.manager == Manager::Zypper && p.action == Action::Clean,
        Manager::Zypper.cache_dirs(),
    );
    for (_, ins, pkg) in hits {
        out.add(
            cx.head(ins),
            format!(
                "`{}` leaves its cache in /var/cache/zypp: end the same RUN with `zypper clean --all`",
                pkg.title()
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_zypper_without_clean() {
        assert_eq!(
            catches(&RULE, "FROM opensuse/leap:15\nRUN zypper install -y curl\n"),
            [2]
        );
        catches(&RULE, "FROM opensuse/leap:15\nRUN sudo zypper -n in curl\n");
        catches(
            &RULE,
            "FROM opensuse/leap:15\nRUN <<EOF\nzypper in -y x\nEOF\n",
        );
    }

    #[test]
    fn does_not_catch_cleaned_or_cached() {
        passes(
            &RULE,
            "FROM opensuse/leap:15\nRUN zypper in -y curl && zypper clean -a\n",
        );
        passes(
            &RULE,
            "FROM opensuse/leap:15\nRUN zypper in -y curl && zypper cc\n",
        );
        passes(
            &RULE,
            "FROM opensuse/leap:15\nRUN zypper in -y x && rm -rf /var/cache/zypp/*\n",
        );
        passes(
            &RULE,
            "FROM opensuse/leap:15\nRUN --mount=type=cache,target=/var/cache/zypp zypper in -y x\n",
        );
    }

    // The size rules' zypper list lacked the global `--config`, so its value read as the
    // subcommand.
    #[test]
    fn a_config_value_is_not_the_subcommand() {
        catches(
            &RULE,
            "FROM opensuse/leap\nRUN zypper --config /etc/zypp/zypper.conf install -y curl\n",
        );
    }
}
