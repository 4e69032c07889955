use super::*;
use crate::context::Flagged;
use crate::review::{review, HiddenPath};
use drydock_lint::{lint, Config, Project, Selection};

const SOURCE: &str = "FROM debian:12.5\n\
COPY . /app\n\
RUN apt-get update && apt-get install -y curl=7.88.1-10 && rm -rf /var/lib/apt/lists/*\n\
CMD /app/run\n";

fn findings(source: &str) -> Vec<Finding> {
    lint(
        "Dockerfile",
        source,
        &Config::default(),
        Project {
            dockerignore: Some(false),
        },
        &Selection::default(),
    )
}

fn context(secrets: &[&str], proposed: &[&str]) -> ContextReport {
    ContextReport {
        bytes: 5_000_000,
        files: 10,
        should_not_send: vec![Flagged {
            path: ".git".into(),
            bytes: 4_000_000,
            why: "version control history".into(),
        }],
        secrets: secrets
            .iter()
            .map(|p| Flagged {
                path: (*p).into(),
                bytes: 10,
                why: "private key".into(),
            })
            .collect(),
        proposed_dockerignore: proposed.iter().map(|p| (*p).to_string()).collect(),
        proposed_saves_bytes: 4_000_010,
        ..ContextReport::default()
    }
}

fn reviewed(source: &str, context: Option<ContextReport>) -> Review {
    review(
        "Dockerfile".into(),
        source,
        findings(source),
        None,
        context,
        Vec::new(),
    )
}

#[test]
fn steps_go_image_then_context_then_cache_then_security_then_the_rest() {
    let r = reviewed(SOURCE, Some(context(&[], &[".git"])));
    let steps = walkthrough(&r, SOURCE, None);
    let impacts: Vec<Impact> = steps.iter().map(|s| s.impact).collect();
    let mut sorted = impacts.clone();
    sorted.sort();
    assert_eq!(impacts, sorted, "{steps:#?}");
    assert_eq!(steps[0].code.as_deref(), Some("DD104"), "{steps:#?}");
    assert!(impacts.contains(&Impact::Context));
    assert!(impacts.contains(&Impact::Cache));
    assert!(impacts.contains(&Impact::Security));
    // The missing .dockerignore finding is the context step, not a second step.
    assert!(!steps.iter().any(|s| s.code.as_deref() == Some("DD801")));
}

#[test]
fn a_fix_is_its_own_diff_of_the_dockerfile() {
    let r = reviewed(SOURCE, None);
    let steps = walkthrough(&r, SOURCE, None);
    let recommends = steps
        .iter()
        .find(|s| s.code.as_deref() == Some("DD104"))
        .expect("the apt step");
    let diff = recommends.diff.as_deref().expect("a mechanical fix");
    assert!(
        diff.starts_with("--- a/Dockerfile\n+++ b/Dockerfile\n"),
        "{diff}"
    );
    assert!(
        diff.contains("+RUN apt-get update && apt-get install --no-install-recommends -y curl"),
        "{diff}"
    );
    // Only this step's change: the CMD's fix is another step's.
    assert!(!diff.contains("+CMD"), "{diff}");
    assert_eq!(recommends.why, rules::find("DD104").expect("rule").why());
    assert!(recommends.why.contains("recommended"), "{}", recommends.why);
    // A finding whose fix is not mechanical has no diff.
    let root = steps
        .iter()
        .find(|s| s.impact == Impact::Security)
        .expect("a security step");
    assert_eq!(root.diff, None);
}

#[test]
fn the_context_step_adds_the_proposed_lines_and_says_what_they_save() {
    let c = context(&["id_rsa"], &[".git", "id_rsa"]);
    let r = reviewed(SOURCE, Some(c.clone()));
    let steps = walkthrough(&r, SOURCE, Some("node_modules"));
    let step = steps
        .iter()
        .find(|s| s.id == CONTEXT_STEP)
        .expect("context step");
    assert_eq!(step.file, ".dockerignore");
    assert_eq!(step.saves_bytes, Some(4_000_010));
    assert_eq!(step.at_stake_bytes, Some(5_000_000));
    assert!(step.title.contains("secrets"), "{}", step.title);
    let diff = step.diff.as_deref().expect("diff");
    assert!(
        diff.contains("-node_modules\n\\ No newline at end of file\n+node_modules\n"),
        "the missing newline is added: {diff}"
    );
    assert!(diff.contains("+.git\n+id_rsa\n"), "{diff}");
    assert_eq!(
        proposed_ignore_text(&c, Some("node_modules")),
        "node_modules\n# Not needed by the build (added by Drydock's review)\n.git\nid_rsa\n"
    );
}

#[test]
fn a_secret_a_copy_needs_is_a_security_step_without_a_diff() {
    // `secret.pem` is named by a COPY, so the proposal leaves it out.
    let r = reviewed(SOURCE, Some(context(&["secret.pem"], &[".git"])));
    let steps = walkthrough(&r, SOURCE, None);
    let secret = steps
        .iter()
        .find(|s| s.id == "secret@secret.pem")
        .expect("secret step");
    assert_eq!(
        (secret.impact, secret.diff.as_deref()),
        (Impact::Security, None)
    );
    assert!(secret
        .instead
        .as_deref()
        .unwrap_or("")
        .contains("--mount=type=secret"));
}

#[test]
fn image_steps_with_a_known_saving_come_first() {
    let mut r = reviewed(SOURCE, None);
    // Pretend the layers were measured: the RUN hides 9 MB written earlier.
    for ins in &mut r.instructions {
        if ins.instruction.starts_with("RUN") {
            ins.layer_bytes = Some(20_000_000);
            ins.hides_bytes = Some(9_000_000);
            ins.findings.push(Finding {
                code: "DD102".into(),
                rule: "cleanup-in-later-layer".into(),
                column: 99,
                edits: Vec::new(),
                ..ins.findings[0].clone()
            });
        }
    }
    let _ = HiddenPath {
        path: String::new(),
        bytes: 0,
        hidden_by_line: None,
    };
    let steps = walkthrough(&r, SOURCE, None);
    assert_eq!(steps[0].code.as_deref(), Some("DD102"), "{steps:#?}");
    assert_eq!(steps[0].saves_bytes, Some(9_000_000));
    assert_eq!(steps[1].at_stake_bytes, Some(20_000_000));
}

#[test]
fn chosen_fixes_apply_together_and_unknown_ids_are_ignored() {
    let r = reviewed(SOURCE, None);
    let steps = walkthrough(&r, SOURCE, None);
    let ids: Vec<String> = steps
        .iter()
        .filter(|s| s.diff.is_some() && s.file == "Dockerfile")
        .map(|s| s.id.clone())
        .chain(["DD999@1:1".to_string()])
        .collect();
    assert!(ids.len() >= 3, "{ids:?}");
    let (text, left_out) = fixed_dockerfile(&r, SOURCE, &ids);
    assert!(left_out.is_empty(), "{left_out:?}");
    assert!(text.contains("--no-install-recommends"), "{text}");
    assert!(text.contains("CMD [\"/app/run\"]"), "{text}");
    let (none, _) = fixed_dockerfile(&r, SOURCE, &[]);
    assert_eq!(none, SOURCE);
}

#[test]
fn the_same_change_proposed_by_two_rules_is_one_step() {
    // `RUN rm` right after the RUN that wrote the file: a cleanup in a later layer, and a RUN
    // that follows a RUN; both fixes fold it into the RUN before.
    let source = "FROM busybox:1.36\nRUN head -c 9 /dev/zero > /big\nRUN rm /big\n";
    let r = reviewed(source, None);
    let steps = walkthrough(&r, source, None);
    let folds: Vec<&WalkStep> = steps
        .iter()
        .filter(|s| {
            s.diff
                .as_deref()
                .is_some_and(|d| d.contains("+ && rm /big"))
        })
        .collect();
    assert_eq!(folds.len(), 1, "{steps:#?}");
    assert_eq!(folds[0].code.as_deref(), Some("DD102"));
}
