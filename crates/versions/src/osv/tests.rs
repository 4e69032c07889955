use super::*;

fn intro(v: &str) -> Event {
    Event::Introduced(v.to_owned())
}
fn fixed(v: &str) -> Event {
    Event::Fixed(v.to_owned())
}
fn last(v: &str) -> Event {
    Event::LastAffected(v.to_owned())
}
fn limit(v: &str) -> Event {
    Event::Limit(v.to_owned())
}

fn check(scheme: Scheme, events: &[Event], cases: &[(&str, bool)]) {
    for &(version, want) in cases {
        assert_eq!(
            in_range(scheme, events, version),
            Ok(want),
            "{version} in {events:?}"
        );
    }
}

#[test]
fn introduced_then_fixed_is_half_open() {
    let events = [intro("1.0.0"), fixed("1.0.2")];
    check(
        Scheme::Semver,
        &events,
        &[
            ("0.9.9", false),
            ("1.0.0-rc.1", false),
            ("1.0.0", true),
            ("1.0.1", true),
            ("1.0.2-beta", true),
            ("1.0.2", false),
            ("2.0.0", false),
        ],
    );
}

#[test]
fn introduced_zero_means_from_the_beginning() {
    check(
        Scheme::Semver,
        &[intro("0")],
        &[("0.0.0-0", true), ("0.0.1", true), ("99.0.0", true)],
    );
    check(
        Scheme::Pep440,
        &[intro("0"), fixed("2.0")],
        &[
            ("0.0.dev0", true),
            ("1!0.1", false),
            ("2.0rc1", true),
            ("2.0", false),
        ],
    );
    // "0" is not a Go version, yet OSV's Go records start ranges with it.
    check(
        Scheme::Go,
        &[intro("0"), fixed("1.2.3")],
        &[("v1.2.2", true), ("v1.2.3", false)],
    );
}

#[test]
fn last_affected_includes_itself() {
    let events = [intro("0"), last("2.1.214")];
    check(
        Scheme::Maven,
        &events,
        &[
            ("2.1.213", true),
            ("2.1.214", true),
            ("2.1.214.0", true),
            ("2.1.215", false),
        ],
    );
}

#[test]
fn limit_bounds_the_range_from_above() {
    let events = [intro("1.0"), limit("2.0")];
    check(
        Scheme::Pep440,
        &events,
        &[
            ("0.9", false),
            ("1.0", true),
            ("1.9", true),
            ("2.0", false),
            ("3.0", false),
        ],
    );
    // Several limits: below any one of them is enough; "*" is no limit at all.
    let events = [intro("1.0"), limit("1.5"), limit("3.0")];
    check(Scheme::Pep440, &events, &[("2.0", true), ("3.0", false)]);
    let events = [intro("1.0"), limit("*")];
    check(Scheme::Pep440, &events, &[("99", true), ("0.1", false)]);
}

#[test]
fn several_introduced_make_several_intervals() {
    let events = [
        intro("1.0.0"),
        fixed("1.0.2"),
        intro("3.0.0"),
        fixed("3.2.5"),
    ];
    check(
        Scheme::Semver,
        &events,
        &[
            ("1.0.1", true),
            ("2.0.0", false),
            ("3.0.0", true),
            ("3.2.4", true),
            ("3.2.5", false),
            ("4.0.0", false),
        ],
    );
}

#[test]
fn events_are_sorted_before_the_walk() {
    // The same ranges as above, listed in an order no database should use.
    let events = [
        fixed("3.2.5"),
        intro("3.0.0"),
        fixed("1.0.2"),
        intro("1.0.0"),
    ];
    check(
        Scheme::Semver,
        &events,
        &[
            ("1.0.1", true),
            ("2.0.0", false),
            ("3.1.0", true),
            ("3.2.5", false),
        ],
    );
    // Sorting is by each scheme's order, not by text: 1.10 is after 1.9.
    let events = [fixed("1.10"), intro("1.9")];
    check(
        Scheme::Pep440,
        &events,
        &[("1.9.5", true), ("1.10", false), ("1.2", false)],
    );
    // "0" sorts first even when listed last.
    let events = [fixed("2.0"), intro("0")];
    check(Scheme::Dpkg, &events, &[("1.0", true), ("2.0", false)]);
}

#[test]
fn no_introduced_means_nothing_is_affected() {
    check(
        Scheme::Semver,
        &[fixed("1.0.0")],
        &[("0.5.0", false), ("1.5.0", false)],
    );
    check(Scheme::Semver, &[], &[("1.0.0", false)]);
}

#[test]
fn unparseable_versions_are_errors_in_a_range_and_skipped_in_affected() {
    let bad = [intro("0"), fixed("not-a-version")];
    let err = in_range(Scheme::Semver, &bad, "1.0.0").expect_err("an invalid version is an error");
    assert_eq!(err.version, "not-a-version");
    assert!(in_range(Scheme::Semver, &[intro("0")], "1.0").is_err());

    let good = vec![intro("1.0.0"), fixed("2.0.0")];
    let ranges = vec![bad.to_vec(), good];
    assert!(affected(Scheme::Semver, &ranges, &[], "1.5.0"));
    assert!(!affected(Scheme::Semver, &ranges, &[], "0.5.0"));
    assert!(!affected(Scheme::Semver, &ranges[..1], &[], "0.5.0"));
}

#[test]
fn the_versions_list_matches_exact_text() {
    let versions = vec!["1.0.0".to_owned(), "garbage!".to_owned()];
    assert!(affected(Scheme::Semver, &[], &versions, "1.0.0"));
    assert!(affected(Scheme::Semver, &[], &versions, "garbage!"));
    assert!(!affected(Scheme::Semver, &[], &versions, "1.0.0+build"));
    assert!(!affected(Scheme::Semver, &[], &versions, "1.0.1"));
}

#[test]
fn distro_ranges_use_the_distro_order() {
    let events = [intro("0"), fixed("1:2.3-4")];
    check(
        Scheme::Dpkg,
        &events,
        &[
            // Without an epoch a version is below every version with epoch 1.
            ("2.3-4", true),
            ("9.9", true),
            ("1:2.3-3", true),
            ("1:2.3-4~bpo1", true),
            ("1:2.3-4", false),
            ("1:2.3-4+deb12u1", false),
        ],
    );
    let events = [intro("0"), fixed("1.2.3-r2")];
    check(
        Scheme::Apk,
        &events,
        &[("1.2.3-r1", true), ("1.2.3_p1-r0", false)],
    );
}

#[test]
fn many_events_in_any_order_sort_without_trouble() {
    // Hundreds of events, interleaved and reversed: the walk sees them in version order.
    let mut events = Vec::new();
    for i in (0..300).rev() {
        events.push(fixed(&format!("{i}.5")));
        events.push(intro(&format!("{i}")));
    }
    check(
        Scheme::Pep440,
        &events,
        &[
            ("7.2", true),
            ("7.5", false),
            ("7.7", false),
            ("299.4", true),
            ("300", false),
        ],
    );
}

#[test]
fn an_order_that_is_not_transitive_still_gives_an_answer() {
    // Maven's own ComparableVersion says "" < "--b" < ".SNAPSHOT.final" < "": a sort that
    // trusts the order to be total may panic on such events; the walk must just answer.
    let odd = ["", "--b", ".SNAPSHOT.final", ".final0rc", "1", "1-sp"];
    let mut events = Vec::new();
    for (i, v) in odd.iter().cycle().take(60).enumerate() {
        events.push(match i % 3 {
            0 => intro(v),
            1 => fixed(v),
            _ => last(v),
        });
    }
    for v in odd {
        assert!(in_range(Scheme::Maven, &events, v).is_ok(), "{v:?}");
    }
}
