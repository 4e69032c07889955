//! `--format table` (the default), for people: what was scanned against what (with a warning
//! when the advisory data is more than a week old), the findings counted by severity, then one
//! row per finding, most severe first, with the layer that brought the package and the fix in
//! words (see [`super::fix_words`] for when that is a rebuild). Problems come last. Every string
//! from the image or the advisory data goes through [`inert`].

use std::fmt::Write as _;

use drydock_scan::{Finding, ScanReport, Severity};

use super::{fix_words, fixed_or_why, image_name, severity_word, RenderScan};
use crate::output::inert;
use crate::output::table::{render, short_id, Align};

pub struct Table;

const DAY: i64 = 86_400;
/// Advisory data older than the database's own stale mark gets a warning (`drydock db status`
/// warns at the same age): fixes and new advisories come out daily.
const STALE_DAYS: i64 = drydock_advisories::STALE_AFTER_SECS / DAY;
/// The build step shown beside the layer index, in chars.
const STEP_CHARS: usize = 40;

/// Most severe first, the order the summary and the table use.
const SEVERITIES: [Severity; 6] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::None,
    Severity::Unknown,
];

impl RenderScan for Table {
    fn render(&self, report: &ScanReport, _now: i64) -> String {
        let mut out = header(report);
        out.push('\n');
        out.push_str(&summary(&report.findings));
        if !report.findings.is_empty() {
            out.push('\n');
            out.push_str(&findings(&report.findings));
        }
        if !report.problems.is_empty() {
            let _ = writeln!(out, "\nProblems ({}):", report.problems.len());
            for p in &report.problems {
                let _ = writeln!(out, "  {}", inert(p));
            }
        }
        out
    }
}

fn header(report: &ScanReport) -> String {
    let mut out = String::new();
    let name = image_name(report);
    let _ = write!(out, "{}", inert(name));
    if name != report.image.id {
        let _ = write!(out, " ({})", short_id(&report.image.id));
    }
    match &report.os {
        Some(os) if !os.name.is_empty() => {
            let _ = write!(out, ", {}", inert(&os.name));
        }
        Some(os) => {
            let _ = write!(out, ", {} {}", inert(&os.id), inert(&os.version));
        }
        None => out.push_str(", no known OS"),
    }
    let _ = writeln!(out, ", {} packages", report.packages);
    if report.db.is_empty() {
        out.push_str(
            "warning: no advisory data: nothing was matched\n  fix: run `drydock db update` or `drydock db import PATH`\n",
        );
        return out;
    }
    let sources: Vec<String> = report
        .db
        .iter()
        .map(|s| format!("{} ({})", inert(&s.name), days(s.age)))
        .collect();
    let _ = writeln!(out, "advisories: {}", sources.join(", "));
    let oldest = report.db.iter().map(|s| s.age).max().unwrap_or(0);
    if oldest > drydock_advisories::STALE_AFTER_SECS {
        let _ = writeln!(
            out,
            "warning: the advisory data is {} old (more than {STALE_DAYS} days): newer advisories and fixes are missing\n  fix: run `drydock db update`",
            days(oldest)
        );
    }
    out
}

fn days(age: i64) -> String {
    match age.max(0) / DAY {
        0 => "today".to_owned(),
        1 => "1 day".to_owned(),
        n => format!("{n} days"),
    }
}

fn summary(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return "No known vulnerabilities.\n".to_owned();
    }
    let counts: Vec<String> = SEVERITIES
        .iter()
        .filter_map(|s| {
            let n = findings.iter().filter(|f| f.severity == *s).count();
            (n > 0).then(|| format!("{n} {}", severity_word(*s)))
        })
        .collect();
    format!(
        "{} {}: {}\n",
        findings.len(),
        if findings.len() == 1 {
            "vulnerability"
        } else {
            "vulnerabilities"
        },
        counts.join(", ")
    )
}

fn findings(findings: &[Finding]) -> String {
    use Align::*;
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| b.cvss.unwrap_or(0.0).total_cmp(&a.cvss.unwrap_or(0.0)))
            .then_with(|| a.package.cmp(&b.package))
            .then_with(|| a.id.cmp(&b.id))
    });
    let rows: Vec<Vec<String>> = sorted
        .iter()
        .map(|f| {
            vec![
                inert(&f.id),
                severity_word(f.severity).to_owned(),
                inert(&f.package),
                inert(&f.installed),
                inert(fixed_or_why(f)),
                layer(f.layer, &f.step),
                inert(&fix_words(f)),
            ]
        })
        .collect();
    render(
        &[
            ("ID", Left),
            ("SEVERITY", Left),
            ("PACKAGE", Left),
            ("INSTALLED", Left),
            ("FIXED", Left),
            ("LAYER", Left),
            ("FIX", Left),
        ],
        &rows,
    )
}

/// `3 RUN pip install requests==2.25.0 …`: the index, then the step without the classic
/// builder's `/bin/sh -c #(nop)` and BuildKit's `# buildkit` noise, cut to [`STEP_CHARS`].
fn layer(index: usize, step: &str) -> String {
    let text = step.trim();
    let text = text
        .strip_prefix("/bin/sh -c #(nop)")
        .map(str::trim_start)
        .unwrap_or(text);
    let text = text.strip_suffix("# buildkit").unwrap_or(text).trim_end();
    let text = inert(text);
    let text = if text.chars().count() > STEP_CHARS {
        format!("{}…", text.chars().take(STEP_CHARS - 1).collect::<String>())
    } else {
        text
    };
    if text.is_empty() {
        index.to_string()
    } else {
        format!("{index} {text}")
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::*;
    use super::*;

    #[test]
    fn a_report_reads_top_down_and_nothing_reaches_the_terminal_raw() {
        let text = Table.render(&report(), NOW);
        assert_inert(&text);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "app:1\\u{1b}[0m (abababababab), Debian GNU/Linux 12 (bookworm), 4 packages"
        );
        assert_eq!(
            lines[1],
            "advisories: debian-tracker (2 days), osv:PyPI (9 days)"
        );
        assert!(
            lines[2].starts_with("warning: the advisory data is 9 days old"),
            "{text}"
        );
        assert_eq!(
            lines[5],
            "4 vulnerabilities: 1 critical, 1 high, 1 medium, 1 low"
        );
        // Most severe first, whatever order the report had.
        let ids: Vec<&str> = lines[8..12]
            .iter()
            .map(|l| l.split_whitespace().next().unwrap_or(""))
            .collect();
        assert_eq!(
            ids,
            [
                "CVE-2023-5678",
                "GHSA-j8r2-6x86-q33q",
                "CVE-2024-0001",
                "CVE-2023-9999"
            ]
        );
        assert!(lines[7].starts_with("ID "), "{text}");
        assert!(
            lines[8].contains("3.0.13-1~deb12u1")
                && lines[8].contains("0 ADD file:4f1d2e3c in /")
                && lines[8].ends_with("rebuild: the base image brings it"),
            "{text}"
        );
        assert!(
            lines[9].ends_with("upgrade requests to 2.31.0")
                && lines[9].contains("3 RUN /bin/sh -c pip install requests==2.…"),
            "{text}"
        );
        assert!(lines[10].contains("evil\"pkg'\\u{1b}[31m"), "{text}");
        assert!(lines[10].contains("1.0\\u{202e}"), "{text}");
        assert!(lines[11].contains("will not fix"), "{text}");
        assert!(
            text.ends_with(
                "\nProblems (1):\n  /var/lib/dpkg/status.d/bad\\u{1b}[1A: not a dpkg status file\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_clean_scan_says_so_and_fresh_data_has_no_warning() {
        let mut r = report();
        r.findings.clear();
        r.problems.clear();
        r.db.truncate(1);
        let text = Table.render(&r, NOW);
        assert!(!text.contains("warning"), "{text}");
        assert!(text.ends_with("\nNo known vulnerabilities.\n"), "{text}");
    }

    #[test]
    fn no_advisory_data_is_a_warning_with_the_fix() {
        let mut r = report();
        r.db.clear();
        r.os = None;
        let text = Table.render(&r, NOW);
        assert!(text.contains(", no known OS, 4 packages\n"), "{text}");
        assert!(text.contains("warning: no advisory data"), "{text}");
        assert!(text.contains("  fix: run `drydock db update`"), "{text}");
    }

    #[test]
    fn long_steps_are_cut_and_builder_noise_dropped() {
        assert_eq!(layer(2, ""), "2");
        assert_eq!(layer(1, "/bin/sh -c #(nop)  ENV A=b"), "1 ENV A=b");
        let long = format!("RUN {} # buildkit", "x".repeat(100));
        assert_eq!(layer(12, &long).chars().count(), 3 + STEP_CHARS);
    }
}
