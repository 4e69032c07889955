//! Every rule has a fixture Dockerfile (`tests/fixtures/<rule-name>.Dockerfile`) with cases it
//! must catch and cases it must let pass; the rendered findings are snapshotted, so a change in
//! what a rule reports shows up in review.

use std::fmt::Write as _;
use std::path::Path;

use drydock_lint::{lint, rules, Config, Project, Selection};

#[test]
fn every_rule_has_a_fixture_it_catches_and_a_snapshot() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut missing = Vec::new();
    for rule in rules::all() {
        let path = dir.join(format!("{}.Dockerfile", rule.name));
        let Ok(source) = std::fs::read_to_string(&path) else {
            missing.push(rule.name);
            continue;
        };
        // The fixture's directory has no .dockerignore unless the fixture says otherwise.
        let project = Project {
            dockerignore: Some(!source.contains("# fixture: no .dockerignore")),
        };
        // `# fixture: trusted registries: a, b` lints with that trustedRegistries setting.
        let mut config = Config::default();
        if let Some(list) = source
            .lines()
            .find_map(|l| l.strip_prefix("# fixture: trusted registries:"))
        {
            config.settings.trusted_registries =
                list.split(',').map(|r| r.trim().to_string()).collect();
        }
        // `# fixture: label-schema: name=type, ...` and `# fixture: strict-labels` lint with
        // that label schema and strict labels.
        if let Some(list) = source
            .lines()
            .find_map(|l| l.strip_prefix("# fixture: label-schema:"))
        {
            for entry in list.split(',').filter(|e| !e.trim().is_empty()) {
                let (name, kind) = entry.trim().split_once('=').expect("name=type");
                let kind = drydock_lint::LabelType::parse(kind).expect("a label type");
                config.settings.require_label(name.trim(), kind);
            }
        }
        config.settings.strict_labels = source.lines().any(|l| l == "# fixture: strict-labels");
        let findings = lint(
            &format!("{}.Dockerfile", rule.name),
            &source,
            &config,
            project,
            &Selection::Only(vec![rule.code.to_string()]),
        );
        let own: Vec<_> = findings.iter().filter(|f| f.code == rule.code).collect();
        assert!(
            !own.is_empty(),
            "{}: its fixture has no case it catches",
            rule.name
        );
        let lines: Vec<&str> = source.lines().collect();
        let mut rendered = String::new();
        for f in &findings {
            let text = lines.get(f.line as usize - 1).copied().unwrap_or("");
            let _ = writeln!(
                rendered,
                "{}:{} {} {} [{}] {}\n    | {}",
                f.line, f.column, f.level, f.code, f.rule, f.message, text
            );
            if let Some(fix) = &f.fix {
                let _ = writeln!(rendered, "    fix: {fix}");
            }
        }
        insta::assert_snapshot!(rule.name, rendered);
    }
    assert!(missing.is_empty(), "rules without a fixture: {missing:?}");
}
