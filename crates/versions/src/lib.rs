//! Version order, ecosystem by ecosystem, as each one's reference implementation orders them, and
//! OSV's affected ranges evaluated exactly as the OSV schema defines them. Pure; every version
//! string comes from a stranger, so nothing here panics and cost is linear in the input.
//!
//! ```
//! use drydock_versions::{compare, Scheme};
//! use std::cmp::Ordering;
//!
//! let dpkg = Scheme::for_ecosystem("Debian:12").unwrap();
//! assert_eq!(compare(dpkg, "1.0~rc1-1", "1.0-1").unwrap(), Ordering::Less);
//! assert!(compare(Scheme::Pep440, "not a version", "1.0").is_err());
//! ```

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};

mod apk;
mod dpkg;
mod maven;
mod num;
mod osv;
mod pep440;
mod rpm;
mod semver;

pub use osv::{affected, in_range, Event};

/// A version grammar and order; several ecosystems share one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// Debian and Ubuntu: `dpkg --compare-versions`.
    Dpkg,
    /// Alpine (and Wolfi, Chainguard): apk-tools.
    Apk,
    /// Red Hat, Rocky, AlmaLinux, Fedora, Amazon Linux, SUSE: rpm's EVR order.
    Rpm,
    /// PyPI: PEP 440 as Python's `packaging` implements it.
    Pep440,
    /// npm and crates.io: semver 2.0.
    Semver,
    /// Go modules: semver with `v`, shorthands and pseudo-versions.
    Go,
    /// Maven: `ComparableVersion`.
    Maven,
}

impl Scheme {
    /// The scheme of an OSV ecosystem name (`Debian:12`, `Alpine:v3.17`, `PyPI`, ...): the part
    /// before the first `:` names the ecosystem, the rest is its release. `None` for an
    /// ecosystem without a scheme here.
    pub fn for_ecosystem(ecosystem: &str) -> Option<Scheme> {
        let base = ecosystem.split(':').next().unwrap_or_default().trim();
        Some(match base {
            "Debian" | "Ubuntu" => Scheme::Dpkg,
            "Alpine" | "Wolfi" | "Chainguard" => Scheme::Apk,
            "Red Hat" | "Rocky Linux" | "AlmaLinux" | "Fedora" | "Amazon Linux" | "openSUSE"
            | "SUSE" | "Mageia" | "openEuler" | "Photon OS" => Scheme::Rpm,
            "PyPI" => Scheme::Pep440,
            "npm" | "crates.io" => Scheme::Semver,
            "Go" => Scheme::Go,
            "Maven" => Scheme::Maven,
            _ => return None,
        })
    }

    /// The scheme an OSV range of `range_type` is evaluated in: a `SEMVER` range always in
    /// semver, whatever its ecosystem; an `ECOSYSTEM` range in its ecosystem's scheme; `None`
    /// for `GIT` ranges (commits, not versions) and anything unknown.
    pub fn for_range(range_type: &str, ecosystem: &str) -> Option<Scheme> {
        match range_type {
            "SEMVER" => Some(Scheme::Semver),
            "ECOSYSTEM" => Scheme::for_ecosystem(ecosystem),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Scheme::Dpkg => "dpkg",
            Scheme::Apk => "apk",
            Scheme::Rpm => "rpm",
            Scheme::Pep440 => "PEP 440",
            Scheme::Semver => "semver",
            Scheme::Go => "Go module",
            Scheme::Maven => "Maven",
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A version that is not valid in its scheme.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{version:?} is not a valid {scheme} version: {reason}")]
pub struct VersionError {
    /// The scheme the version was read in.
    pub scheme: Scheme,
    /// The version (its first 100 characters when longer).
    pub version: String,
    /// Why it is not valid.
    pub reason: &'static str,
}

impl VersionError {
    fn new(scheme: Scheme, version: &str, reason: &'static str) -> Self {
        let mut shown: String = version.chars().take(100).collect();
        if shown.len() < version.len() {
            shown.push('…');
        }
        VersionError {
            scheme,
            version: shown,
            reason,
        }
    }
}

fn both<'s, T>(
    scheme: Scheme,
    a: &'s str,
    b: &'s str,
    parse: impl Fn(&'s str) -> Result<T, &'static str>,
    cmp: impl Fn(&T, &T) -> Ordering,
) -> Result<Ordering, VersionError> {
    let x = parse(a).map_err(|r| VersionError::new(scheme, a, r))?;
    let y = parse(b).map_err(|r| VersionError::new(scheme, b, r))?;
    Ok(cmp(&x, &y))
}

/// Orders `a` against `b` as `scheme`'s reference implementation does; an error names the
/// first of them that is not a valid version there. Maven accepts any string, as Maven does.
pub fn compare(scheme: Scheme, a: &str, b: &str) -> Result<Ordering, VersionError> {
    match scheme {
        Scheme::Dpkg => both(scheme, a, b, dpkg::parse, dpkg::cmp),
        Scheme::Apk => both(scheme, a, b, apk::parse, apk::cmp),
        Scheme::Rpm => both(scheme, a, b, rpm::parse, rpm::cmp),
        Scheme::Pep440 => both(scheme, a, b, pep440::parse, pep440::cmp),
        Scheme::Semver => both(
            scheme,
            a,
            b,
            |s| semver::parse(s, semver::Flavor::Npm),
            semver::cmp,
        ),
        Scheme::Go => both(
            scheme,
            a,
            b,
            |s| semver::parse(s, semver::Flavor::Go),
            semver::cmp,
        ),
        Scheme::Maven => Ok(maven::cmp(&maven::parse(a), &maven::parse(b))),
    }
}

/// Checks that `version` is valid in `scheme`.
pub fn validate(scheme: Scheme, version: &str) -> Result<(), VersionError> {
    let ok = |r: Result<_, &'static str>| {
        r.map(|_| ())
            .map_err(|r| VersionError::new(scheme, version, r))
    };
    match scheme {
        Scheme::Dpkg => ok(dpkg::parse(version).map(|_| ())),
        Scheme::Apk => ok(apk::parse(version).map(|_| ())),
        Scheme::Rpm => ok(rpm::parse(version).map(|_| ())),
        Scheme::Pep440 => ok(pep440::parse(version).map(|_| ())),
        Scheme::Semver => ok(semver::parse(version, semver::Flavor::Npm).map(|_| ())),
        Scheme::Go => ok(semver::parse(version, semver::Flavor::Go).map(|_| ())),
        Scheme::Maven => Ok(()),
    }
}

/// For distro advisories ("fixed in X"): whether the `installed` version already has the fix,
/// that is `installed >= fixed`.
pub fn fixed_by(scheme: Scheme, installed: &str, fixed: &str) -> Result<bool, VersionError> {
    Ok(compare(scheme, installed, fixed)? != Ordering::Less)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecosystems_map_to_schemes() {
        let cases = [
            ("Debian", Some(Scheme::Dpkg)),
            ("Debian:12", Some(Scheme::Dpkg)),
            ("Ubuntu:22.04", Some(Scheme::Dpkg)),
            ("Ubuntu:Pro:18.04:LTS", Some(Scheme::Dpkg)),
            ("Alpine:v3.17", Some(Scheme::Apk)),
            ("Red Hat:enterprise_linux:9::appstream", Some(Scheme::Rpm)),
            ("Rocky Linux:9", Some(Scheme::Rpm)),
            ("AlmaLinux:8", Some(Scheme::Rpm)),
            ("Fedora", Some(Scheme::Rpm)),
            ("Amazon Linux", Some(Scheme::Rpm)),
            ("openSUSE:Leap 15.5", Some(Scheme::Rpm)),
            ("SUSE:Linux Enterprise Server 15 SP5", Some(Scheme::Rpm)),
            ("PyPI", Some(Scheme::Pep440)),
            ("npm", Some(Scheme::Semver)),
            ("crates.io", Some(Scheme::Semver)),
            ("Go", Some(Scheme::Go)),
            ("Maven", Some(Scheme::Maven)),
            ("RubyGems", None),
            ("debian", None),
            ("", None),
        ];
        for (ecosystem, scheme) in cases {
            assert_eq!(Scheme::for_ecosystem(ecosystem), scheme, "{ecosystem}");
        }
    }

    #[test]
    fn range_types_choose_the_scheme() {
        assert_eq!(Scheme::for_range("SEMVER", "Maven"), Some(Scheme::Semver));
        assert_eq!(Scheme::for_range("SEMVER", "Go"), Some(Scheme::Semver));
        assert_eq!(Scheme::for_range("ECOSYSTEM", "PyPI"), Some(Scheme::Pep440));
        assert_eq!(Scheme::for_range("ECOSYSTEM", "Go"), Some(Scheme::Go));
        assert_eq!(Scheme::for_range("GIT", "npm"), None);
        assert_eq!(Scheme::for_range("ECOSYSTEM", "Hackage"), None);
    }

    #[test]
    fn errors_name_the_version_and_why() {
        let err =
            compare(Scheme::Semver, "1.2.3", "1.02.3").expect_err("an invalid version is an error");
        assert_eq!(err.version, "1.02.3");
        assert_eq!(
            err.to_string(),
            "\"1.02.3\" is not a valid semver version: a number has a leading zero"
        );
        let long = "x".repeat(500);
        let err = compare(Scheme::Dpkg, "1:", &long).expect_err("an invalid version is an error");
        assert_eq!(err.version, "1:");
        let err = validate(Scheme::Pep440, &long).expect_err("an invalid version is an error");
        assert!(err.version.chars().count() == 101, "{}", err.version);
    }

    #[test]
    fn fixed_by_is_installed_at_or_after_the_fix() {
        assert_eq!(fixed_by(Scheme::Dpkg, "1.2-3", "1.2-3"), Ok(true));
        assert_eq!(fixed_by(Scheme::Dpkg, "1.2-3+deb12u1", "1.2-3"), Ok(true));
        assert_eq!(fixed_by(Scheme::Dpkg, "1.2-2", "1.2-3"), Ok(false));
        assert_eq!(fixed_by(Scheme::Apk, "1.2.3-r0", "1.2.3-r1"), Ok(false));
        assert!(fixed_by(Scheme::Apk, "", "1.2.3-r1").is_err());
    }

    #[test]
    fn go_versions_with_and_without_v_agree() {
        assert_eq!(compare(Scheme::Go, "1.2.3", "v1.2.3"), Ok(Ordering::Equal));
        assert_eq!(
            compare(Scheme::Go, "v2.0.0+incompatible", "v2.0.0"),
            Ok(Ordering::Equal)
        );
        // A pseudo-version sorts before the release it precedes and after the previous one.
        let pseudo = "v1.2.4-0.20230101000000-abcdefabcdef";
        assert_eq!(compare(Scheme::Go, pseudo, "v1.2.4"), Ok(Ordering::Less));
        assert_eq!(compare(Scheme::Go, pseudo, "v1.2.3"), Ok(Ordering::Greater));
        assert_eq!(compare(Scheme::Go, "v1", "v1.0.0"), Ok(Ordering::Equal));
        assert!(compare(Scheme::Go, "v1-pre", "v1.0.0").is_err());
    }
}
