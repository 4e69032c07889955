//! CVSS scores against the specifications' examples and Red Hat's reference library.

use drydock_advisories::cvss::{preferred, score, CvssError, CvssVersion, Severity};

/// Every line of `cvss/reference.tsv` (written by `cvss/generate.py` with Red Hat's `cvss`):
/// every v2, v3.0 and v3.1 base vector, random v2/v3 vectors with temporal and environmental
/// metrics, and random v4.0 vectors with optional metrics.
#[test]
fn scores_match_the_reference_implementation() {
    let table = include_str!("cvss/reference.tsv");
    let mut checked = 0;
    let mut wrong = Vec::new();
    for line in table.lines().filter(|l| !l.starts_with('#')) {
        let fields: Vec<&str> = line.split('\t').collect();
        let [version, vector, base, severity] = fields[..] else {
            panic!("malformed fixture line {line:?}");
        };
        let expected_version = match version {
            "2.0" => CvssVersion::V2,
            "3.0" => CvssVersion::V3_0,
            "3.1" => CvssVersion::V3_1,
            "4.0" => CvssVersion::V4_0,
            other => panic!("unknown version {other}"),
        };
        let expected_base: f64 = base.parse().expect("a score in the fixture");
        let expected_severity = Severity::from_rating(severity);
        match score(vector) {
            Ok(s)
                if s.version == expected_version
                    && s.base == expected_base
                    && s.severity == expected_severity => {}
            other => wrong.push(format!(
                "{vector}: expected {base} {severity}, got {other:?}"
            )),
        }
        checked += 1;
    }
    assert!(checked > 7000, "only {checked} vectors in the fixture");
    assert!(
        wrong.is_empty(),
        "{} of {checked} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// The examples published with the specifications, with their base scores.
#[test]
fn specification_examples() {
    let cases = [
        // CVSS v2 guide, section 3.3 (CVE-2002-0392, CVE-2003-0818, CVE-2003-0062).
        (
            "AV:N/AC:L/Au:N/C:N/I:N/A:C",
            CvssVersion::V2,
            7.8,
            Severity::High,
        ),
        (
            "AV:N/AC:L/Au:N/C:C/I:C/A:C",
            CvssVersion::V2,
            10.0,
            Severity::High,
        ),
        (
            "AV:L/AC:H/Au:N/C:C/I:C/A:C",
            CvssVersion::V2,
            6.2,
            Severity::Medium,
        ),
        (
            "AV:N/AC:L/Au:N/C:P/I:P/A:P",
            CvssVersion::V2,
            7.5,
            Severity::High,
        ),
        (
            "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P",
            CvssVersion::V2,
            7.5,
            Severity::High,
        ),
        // CVSS v3.1 examples document: Heartbleed (CVE-2014-0160), Shellshock (CVE-2014-6271).
        (
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
            CvssVersion::V3_1,
            7.5,
            Severity::High,
        ),
        (
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            CvssVersion::V3_1,
            9.8,
            Severity::Critical,
        ),
        (
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
            CvssVersion::V3_1,
            10.0,
            Severity::Critical,
        ),
        (
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
            CvssVersion::V3_1,
            6.1,
            Severity::Medium,
        ),
        (
            "CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N",
            CvssVersion::V3_1,
            0.0,
            Severity::None,
        ),
        (
            "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            CvssVersion::V3_0,
            9.8,
            Severity::Critical,
        ),
        // Temporal and environmental metrics do not change the base score.
        (
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:U/CR:L/MAV:P",
            CvssVersion::V3_1,
            9.8,
            Severity::Critical,
        ),
        // CVSS v4.0: FIRST's calculator.
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            CvssVersion::V4_0,
            9.3,
            Severity::Critical,
        ),
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N",
            CvssVersion::V4_0,
            0.0,
            Severity::None,
        ),
        (
            "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            CvssVersion::V4_0,
            8.5,
            Severity::High,
        ),
        // CVE-2025-47273 as published: threat metric E:P lowers the score.
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/VA:N/SC:N/SI:N/SA:N/E:P",
            CvssVersion::V4_0,
            7.7,
            Severity::High,
        ),
        // Surrounding whitespace from a JSON field.
        (
            " CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N\n",
            CvssVersion::V3_1,
            7.5,
            Severity::High,
        ),
    ];
    for (vector, version, base, severity) in cases {
        let s = score(vector).unwrap_or_else(|e| panic!("{vector}: {e}"));
        assert_eq!(
            (s.version, s.base, s.severity),
            (version, base, severity),
            "{vector}"
        );
    }
}

#[test]
fn malformed_vectors_are_errors() {
    let huge = format!("CVSS:3.1/{}", "AV:N/".repeat(20_000));
    let huge_v4 = "CVSS:4.0/AV:N".to_owned() + &"/".repeat(100_000);
    let cases = [
        "",
        " ",
        "/",
        "CVSS:3.1",
        "CVSS:3.1/",
        "CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:5.0/AV:N",
        "cvss",
        ":::",
        "AV:N",
        // Missing metrics.
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
        "CVSS:3.1/AV:N",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N",
        "AV:N/AC:L/Au:N/C:P/I:P",
        // Duplicate metrics.
        "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/SA:N",
        "AV:N/AC:L/Au:N/C:P/I:P/A:P/A:P",
        // Unknown metrics and values.
        "CVSS:3.1/AV:Z/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:Q",
        "AV:N/AC:L/Au:N/C:P/I:P/A:Q",
        // Broken structure.
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H:H",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A",
        "CVSS:3.1//AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\0",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:é",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:Purple",
        &huge,
        &huge_v4,
    ];
    for vector in cases {
        match score(vector) {
            Err(CvssError::TooLong(_) | CvssError::Invalid { .. }) => {}
            Ok(s) => panic!("{:.80}: scored {s:?}", vector),
        }
    }
    assert_eq!(score(&huge), Err(CvssError::TooLong(huge.len())));
}

/// Truncations and byte flips of valid vectors: every prefix and every single-character change
/// either scores within 0..=10 or is an error.
#[test]
fn mangled_vectors_never_panic() {
    let seeds = [
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P/CR:H/MSI:S/MSA:S/U:Red",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H/E:U/RL:O/RC:U",
        "AV:N/AC:L/Au:N/C:P/I:P/A:P/E:POC/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/AR:M",
    ];
    let replacements = ['/', ':', 'X', 'S', 'N', 'H', '0', '4', '.', ' ', 'é'];
    for seed in seeds {
        let mut vectors = Vec::new();
        for (i, _) in seed.char_indices() {
            vectors.push(seed[..i].to_owned());
            vectors.push(format!("{}{}", &seed[..i], &seed[i + 1..]));
            for r in replacements {
                vectors.push(format!("{}{r}{}", &seed[..i], &seed[i + 1..]));
            }
        }
        for v in vectors {
            if let Ok(s) = score(&v) {
                assert!((0.0..=10.0).contains(&s.base), "{v}: {s:?}");
            }
        }
    }
}

#[test]
fn vendor_ratings() {
    let cases = [
        ("CRITICAL", Severity::Critical),
        ("critical", Severity::Critical),
        ("HIGH", Severity::High),
        ("Important", Severity::High),
        ("MODERATE", Severity::Medium),
        ("Medium", Severity::Medium),
        (" medium\n", Severity::Medium),
        ("LOW", Severity::Low),
        ("negligible", Severity::Low),
        ("unimportant", Severity::Low),
        ("NONE", Severity::None),
        ("not yet assigned", Severity::Unknown),
        ("", Severity::Unknown),
        ("end-of-life", Severity::Unknown),
        ("hígh", Severity::Unknown),
    ];
    for (text, expected) in cases {
        assert_eq!(Severity::from_rating(text), expected, "{text:?}");
    }
}

#[test]
fn the_vendor_rating_comes_before_the_score() {
    let v3 = score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").expect("a valid vector");
    assert_eq!(Severity::resolve(Some("low"), Some(&v3)), Severity::Low);
    assert_eq!(
        Severity::resolve(Some("not yet assigned"), Some(&v3)),
        Severity::Critical
    );
    assert_eq!(Severity::resolve(None, Some(&v3)), Severity::Critical);
    assert_eq!(Severity::resolve(None, None), Severity::Unknown);
}

#[test]
fn the_newest_version_is_preferred() {
    let vectors = [
        "AV:N/AC:L/Au:N/C:P/I:P/A:P",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:9.9/garbage",
    ];
    assert_eq!(
        preferred(vectors).map(|s| s.version),
        Some(CvssVersion::V4_0)
    );
    assert_eq!(
        preferred(vectors[..1].iter().copied()).map(|s| s.base),
        Some(7.5)
    );
    assert_eq!(preferred(["nonsense"]), None);
}

#[test]
fn severities_order_from_unknown_to_critical() {
    let ordered = [
        Severity::Unknown,
        Severity::None,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];
    assert!(ordered.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(
        serde_json::to_string(&Severity::Critical).expect("serializes"),
        "\"critical\""
    );
    assert_eq!(
        serde_json::from_str::<Severity>("\"unknown\"").expect("deserializes"),
        Severity::Unknown
    );
}
