//! Versions from strangers: huge and malformed input must come back as an answer or an error,
//! never a panic, a stack overflow or a quadratic stall. (No timing is asserted: a quadratic
//! implementation shows as a test that does not finish.)

use drydock_versions::{affected, compare, in_range, Event, Scheme};

const SCHEMES: [Scheme; 7] = [
    Scheme::Dpkg,
    Scheme::Apk,
    Scheme::Rpm,
    Scheme::Pep440,
    Scheme::Semver,
    Scheme::Go,
    Scheme::Maven,
];

/// 100 KB strings built to stress each grammar: long digit runs, alternations that make Maven
/// nest a list per character pair, separators, and every kind of suffix.
fn hostile() -> Vec<String> {
    let size = 100 * 1024;
    let repeat = |unit: &str| unit.repeat(size / unit.len());
    vec![
        repeat("9"),
        format!("1.{}", repeat("0")),
        repeat("1."),
        repeat("a1"),
        repeat("1a-"),
        repeat("~"),
        repeat("^"),
        repeat("_p1"),
        format!("1.0_alpha{}", repeat("_beta")),
        format!("1.0.0-{}", repeat("a.")),
        format!("1.0.0-{}", repeat("1.")),
        format!("1.0+{}", repeat("x.")),
        format!("1.0{}", repeat(".post")),
        repeat("-"),
        repeat(":"),
        repeat("é"),
        "\u{0}".repeat(size),
    ]
}

#[test]
fn hundred_kilobyte_versions_return_in_every_scheme() {
    let hostile = hostile();
    for scheme in SCHEMES {
        for h in &hostile {
            // Against a short version, against itself and against a near twin.
            let _ = compare(scheme, h, "1.0");
            let _ = compare(scheme, "1.0", h);
            if let Ok(order) = compare(scheme, h, h) {
                assert_eq!(
                    order,
                    std::cmp::Ordering::Equal,
                    "{scheme}: a version equals itself"
                );
            }
            let twin = format!("{h}1");
            let _ = compare(scheme, h, &twin);
            let events = [Event::Introduced("0".into()), Event::Fixed(h.clone())];
            let _ = in_range(scheme, &events, h);
            let _ = affected(scheme, &[events.to_vec()], std::slice::from_ref(h), "1.0");
        }
    }
}

#[test]
fn errors_from_huge_versions_stay_short() {
    let huge = "x".repeat(100 * 1024);
    let err = compare(Scheme::Semver, &huge, "1.0.0").expect_err("an invalid version is an error");
    assert!(err.to_string().len() < 300, "{}", err.to_string().len());
}
