//! What a rule is and what it sees.
//!
//! A rule is a stable code, a kebab-case name, a default level, the matching hadolint code if
//! any, its documentation (the `//!` comment at the top of its own file) and a check function.
//! The check gets a [`Context`]: the parsed file with its stages, the RUN bodies read as shell,
//! the shell in effect for every instruction, and facts about the project around the file.

use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap};

use drydock_dockerfile::{Args, Dockerfile, Instruction, Kind, Pos, Scope, Span, Stage};

use crate::finding::Level;
use crate::fix::Edit;
use crate::shell::{self, Script};

/// One lint rule. Build it as a `pub const RULE: Rule` in the rule's own file, with
/// `source: include_str!("<the file>.rs")` so its `//!` comment is its documentation.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable and never reused: `DD` then three digits.
    pub code: &'static str,
    /// Kebab-case, reads naturally after "allow": `latest-base-image`.
    pub name: &'static str,
    pub level: Level,
    /// The hadolint code of the rule this one matches, so hadolint pragmas and config apply.
    pub hadolint: Option<&'static str>,
    /// The rule's source file; its leading `//!` lines are the documentation.
    pub source: &'static str,
    pub check: fn(&Context, &mut Report),
}

impl Rule {
    /// The documentation: what it does / why it matters / example / use instead, as Markdown.
    pub fn doc(&self) -> String {
        let mut doc = String::new();
        for line in self.source.lines() {
            let Some(text) = line.strip_prefix("//!") else {
                break;
            };
            doc.push_str(text.strip_prefix(' ').unwrap_or(text));
            doc.push('\n');
        }
        doc.trim_end().to_string()
    }

    /// The one-line summary: the first paragraph of "What it does".
    pub fn summary(&self) -> String {
        let doc = self.doc();
        doc.lines()
            .skip_while(|l| l.starts_with('#') || l.trim().is_empty())
            .take_while(|l| !l.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Whether the rule runs without being asked for (see [`crate::rules::OFF_BY_DEFAULT`]).
    pub fn on_by_default(&self) -> bool {
        !crate::rules::OFF_BY_DEFAULT.contains(&self.code)
    }

    /// Why it matters in one paragraph: the first of "Why it matters" (the summary when a rule
    /// has no such section).
    pub fn why(&self) -> String {
        let doc = self.doc();
        let paragraph: Vec<&str> = doc
            .lines()
            .skip_while(|l| !l.starts_with("## Why it matters"))
            .skip(1)
            .skip_while(|l| l.trim().is_empty())
            .take_while(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .collect();
        if paragraph.is_empty() {
            return self.summary();
        }
        paragraph.join(" ")
    }
}

/// What a check reports: spans and messages; the driver adds the rule's code, level and file.
#[derive(Debug, Default)]
pub struct Report {
    pub(crate) hits: Vec<Hit>,
}

#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub span: Span,
    pub message: String,
    pub fix: Option<String>,
    pub edits: Vec<Edit>,
}

impl Report {
    /// A finding at `span`.
    pub fn add(&mut self, span: Span, message: impl Into<String>) {
        self.hits.push(Hit {
            span,
            message: message.into(),
            fix: None,
            edits: Vec::new(),
        });
    }

    /// A finding at `span` with what to write instead.
    pub fn add_with_fix(&mut self, span: Span, message: impl Into<String>, fix: impl Into<String>) {
        self.hits.push(Hit {
            span,
            message: message.into(),
            fix: Some(fix.into()),
            edits: Vec::new(),
        });
    }

    /// A finding at `span` with the edits that fix it (see [`crate::fix`]), and what to write
    /// instead when the rule can say it in a few words. No edits is a plain finding.
    pub fn add_with_edits(
        &mut self,
        span: Span,
        message: impl Into<String>,
        fix: Option<String>,
        edits: Vec<Edit>,
    ) {
        self.hits.push(Hit {
            span,
            message: message.into(),
            fix,
            edits,
        });
    }
}

/// The shell an instruction's shell form runs under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellInfo {
    /// `false` for PowerShell and cmd: such bodies are never read as POSIX shell.
    pub posix: bool,
    /// The SHELL sets `-o pipefail` (or the body will run under a shell that does).
    pub pipefail: bool,
    /// The stage builds a Windows image.
    pub windows: bool,
    /// The SHELL in effect, as written, or `None` for the default.
    pub shell: Option<Vec<String>>,
}

/// Settings a rule may read.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Registries base images may come from (hadolint's `trustedRegistries`); empty = any.
    pub trusted_registries: Vec<String>,
    /// Labels every image must carry and the form of each value (hadolint's `label-schema`),
    /// in the order given; one entry per label name.
    pub label_schema: Vec<(String, LabelType)>,
    /// Labels outside `label_schema` are findings (hadolint's `strict-labels`).
    pub strict_labels: bool,
}

impl Settings {
    /// Requires label `name` with values of form `kind`, replacing an earlier requirement for
    /// the same name.
    pub fn require_label(&mut self, name: &str, kind: LabelType) {
        match self.label_schema.iter_mut().find(|(n, _)| n == name) {
            Some(entry) => entry.1 = kind,
            None => self.label_schema.push((name.to_string(), kind)),
        }
    }
}

/// The form a required label's value must take (the types of hadolint's `label-schema`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelType {
    /// Any text, as long as it is not empty.
    Text,
    /// An absolute URI (RFC 3986).
    Url,
    /// One SPDX license identifier.
    Spdx,
    /// An RFC 3339 date and time.
    Rfc3339,
    /// A git commit hash: 40 or 7 lowercase hex digits.
    Hash,
    /// A semantic version (2.0.0).
    Semver,
    /// An email address (RFC 5322's addr-spec).
    Email,
}

impl LabelType {
    pub const ALL: [LabelType; 7] = [
        LabelType::Text,
        LabelType::Url,
        LabelType::Spdx,
        LabelType::Rfc3339,
        LabelType::Hash,
        LabelType::Semver,
        LabelType::Email,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LabelType::Text => "text",
            LabelType::Url => "url",
            LabelType::Spdx => "spdx",
            LabelType::Rfc3339 => "rfc3339",
            LabelType::Hash => "hash",
            LabelType::Semver => "semver",
            LabelType::Email => "email",
        }
    }

    /// The type called `name` (as hadolint spells them, any case).
    pub fn parse(name: &str) -> Option<LabelType> {
        let name = name.trim();
        LabelType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(name))
    }
}

/// Facts about the project around the Dockerfile.
#[derive(Debug, Clone, Copy, Default)]
pub struct Project {
    /// Whether a `.dockerignore` (or `<Dockerfile>.dockerignore`) sits beside the file;
    /// `None` when unknown (the text came from stdin or the app's editor).
    pub dockerignore: Option<bool>,
}

/// Everything a rule sees about one Dockerfile.
pub struct Context<'a> {
    pub source: &'a str,
    pub file: &'a Dockerfile,
    /// The stages. A file with no FROM (which BuildKit refuses) is read as one stage with no
    /// base holding every instruction, so per-instruction rules still check it.
    pub stages: Vec<Stage>,
    /// Whether the file has a FROM; see [`Context::stages`].
    has_from: bool,
    pub settings: &'a Settings,
    pub project: Project,
    /// Per instruction: the RUN body read as shell (None for other instructions and for RUNs
    /// under a non-POSIX shell).
    scripts: Vec<Option<Script>>,
    shells: Vec<ShellInfo>,
    scopes: OnceCell<Vec<Scope>>,
    /// What a scope lookup outside the file sees: nothing.
    no_scope: Scope,
    /// Byte offset where each line starts, so a rule reads a line without scanning the file.
    line_starts: Vec<usize>,
    /// The stages, indexed once so that questions about them cost the same in a file of one
    /// stage or thousands.
    index: StageIndex,
}

/// Per instruction its stage; per stage its parent and whether it ships; stages by name.
#[derive(Debug, Default)]
struct StageIndex {
    stage_of: Vec<Option<usize>>,
    parents: Vec<Option<usize>>,
    ships: Vec<bool>,
    /// Stage indexes by ASCII-lowercased name, in file order.
    named: HashMap<String, Vec<usize>>,
}

impl StageIndex {
    fn new(instructions: usize, stages: &[Stage]) -> StageIndex {
        let mut index = StageIndex {
            stage_of: vec![None; instructions],
            ..StageIndex::default()
        };
        for stage in stages {
            for i in stage.instructions.clone() {
                if let Some(slot) = index.stage_of.get_mut(i) {
                    *slot = Some(stage.index);
                }
            }
            if let Some(name) = &stage.name {
                index
                    .named
                    .entry(name.value.to_ascii_lowercase())
                    .or_default()
                    .push(stage.index);
            }
        }
        index.parents = stages
            .iter()
            .map(|s| {
                let base = s.base.as_ref()?;
                index.last_named(&base.value, s.index)
            })
            .collect();
        index.ships = vec![false; stages.len()];
        let mut current = stages.len().checked_sub(1);
        while let Some(at) = current {
            match index.ships.get_mut(at) {
                Some(ships) if !*ships => *ships = true,
                _ => break,
            }
            current = index.parents.get(at).copied().flatten();
        }
        index
    }

    /// The stages named `name` (ASCII case ignored), in file order.
    fn named(&self, name: &str) -> &[usize] {
        self.named
            .get(&name.to_ascii_lowercase())
            .map_or(&[], Vec::as_slice)
    }

    fn first_named(&self, name: &str, before: usize) -> Option<usize> {
        self.named(name).first().copied().filter(|&i| i < before)
    }

    fn last_named(&self, name: &str, before: usize) -> Option<usize> {
        let named = self.named(name);
        let n = named.partition_point(|&i| i < before);
        n.checked_sub(1).and_then(|i| named.get(i)).copied()
    }
}

impl<'a> Context<'a> {
    pub fn new(
        source: &'a str,
        file: &'a Dockerfile,
        settings: &'a Settings,
        project: Project,
    ) -> Context<'a> {
        let mut stages = drydock_dockerfile::stages(file);
        let has_from = !stages.is_empty();
        if let Some(whole) = stage_without_from(file, has_from) {
            stages.push(whole);
        }
        let index = StageIndex::new(file.instructions.len(), &stages);
        let shells = shells(file, &stages, &index);
        let scripts = file
            .instructions
            .iter()
            .zip(&shells)
            .map(|(ins, sh)| match ins.kind {
                Kind::Run if sh.posix => Some(run_script(ins)),
                _ => None,
            })
            .collect();
        Context {
            source,
            file,
            stages,
            has_from,
            settings,
            project,
            scripts,
            shells,
            scopes: OnceCell::new(),
            no_scope: Scope::default(),
            line_starts: std::iter::once(0)
                .chain(source.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
            index,
        }
    }

    /// Whether the file has a FROM. Without one, [`Context::stages`] holds one stage with no
    /// base and no FROM instruction (its `from` is past the end).
    pub fn has_from(&self) -> bool {
        self.has_from
    }

    pub fn instructions(&self) -> &'a [Instruction] {
        &self.file.instructions
    }

    /// The RUN at `index` read as shell, if it is a RUN under a POSIX shell.
    pub fn script(&self, index: usize) -> Option<&Script> {
        self.scripts.get(index).and_then(Option::as_ref)
    }

    /// Every RUN read as shell: (instruction index, instruction, script).
    pub fn runs(&self) -> impl Iterator<Item = (usize, &'a Instruction, &Script)> + '_ {
        let instructions = self.instructions();
        self.scripts
            .iter()
            .enumerate()
            .filter_map(move |(i, s)| Some((i, instructions.get(i)?, s.as_ref()?)))
    }

    pub fn shell(&self, index: usize) -> Option<&ShellInfo> {
        self.shells.get(index)
    }

    /// The stage holding instruction `index` (None for global ARGs before the first FROM).
    pub fn stage_of(&self, index: usize) -> Option<&Stage> {
        let at = self.index.stage_of.get(index).copied().flatten()?;
        self.stages.get(at)
    }

    /// The last stage: what `docker build` without `--target` produces.
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// The earlier stage `stage` builds on (`FROM build`), if its base is one.
    pub fn parent(&self, stage: &Stage) -> Option<&Stage> {
        let at = self.index.parents.get(stage.index).copied().flatten()?;
        self.stages.get(at)
    }

    /// Whether the stage's layers end up in the image `docker build` produces: the final stage
    /// and the stages it builds on through `FROM <stage>`. Other stages only feed `COPY --from`.
    pub fn ships(&self, stage: &Stage) -> bool {
        self.index.ships.get(stage.index).copied().unwrap_or(false)
    }

    /// The first stage with this name (case-insensitive, as BuildKit).
    pub fn stage_named(&self, name: &str) -> Option<&Stage> {
        self.first_stage_named(name, usize::MAX)
    }

    /// The first stage with this name among the stages before stage `before`.
    pub fn first_stage_named(&self, name: &str, before: usize) -> Option<&Stage> {
        let at = self.index.first_named(name, before)?;
        self.stages.get(at)
    }

    /// The last stage with this name among the stages before stage `before`: what `FROM
    /// <name>` in stage `before` builds on.
    pub fn last_stage_named(&self, name: &str, before: usize) -> Option<&Stage> {
        let at = self.index.last_named(name, before)?;
        self.stages.get(at)
    }

    /// The ARG/ENV variables each instruction sees (computed on first use). Expanding them
    /// copies at most [`drydock_dockerfile::expansion_budget`] bytes of values for the file.
    pub fn scopes(&self) -> &[Scope] {
        self.scopes.get_or_init(|| {
            let budget = drydock_dockerfile::expansion_budget(self.source.len());
            drydock_dockerfile::scopes_within(self.file, &BTreeMap::new(), budget)
        })
    }

    /// Where expansion first went past the file's budget, once rules have expanded: the
    /// instruction index and the budget in bytes. `None` if no rule read the scopes.
    pub fn expansion_cut(&self) -> Option<(usize, usize)> {
        self.scopes.get()?.first()?.expansion_cut()
    }

    /// The ARG/ENV variables instruction `index` sees.
    pub fn scope(&self, index: usize) -> &Scope {
        self.scopes().get(index).unwrap_or(&self.no_scope)
    }

    /// The span from the keyword to the end of the instruction's first line: where findings
    /// about a whole instruction point, so a long RUN is not underlined entirely.
    pub fn head(&self, ins: &Instruction) -> Span {
        let mut span = ins.span;
        if span.end.line != span.start.line {
            let line = self.line(span.start.line);
            span.end.line = span.start.line;
            span.end.column = u32::try_from(line.chars().count() + 1).unwrap_or(u32::MAX);
        }
        span
    }

    /// The byte offset in the source of a position as the parser gives it (1-based line,
    /// column in chars, after a byte-order mark on line 1); `None` when it is not in the
    /// source. Costs the column's length.
    pub fn offset(&self, pos: Pos) -> Option<usize> {
        let index = (pos.line as usize).checked_sub(1)?;
        let mut start = *self.line_starts.get(index)?;
        if index == 0 && self.source.starts_with('\u{feff}') {
            start += '\u{feff}'.len_utf8();
        }
        let end = self
            .line_starts
            .get(index + 1)
            .map_or(self.source.len(), |next| next - 1);
        let line = self.source.get(start..end)?;
        let column = (pos.column as usize).checked_sub(1)?;
        let mut chars = line.char_indices().map(|(i, _)| i).chain([line.len()]);
        chars.nth(column).map(|i| start + i)
    }

    /// The edit replacing the text at `span` with `replacement`; none when the span is not in
    /// the source.
    pub fn replace(&self, span: Span, replacement: impl Into<String>) -> Vec<Edit> {
        match (self.offset(span.start), self.offset(span.end)) {
            (Some(start), Some(end)) if start <= end => vec![Edit {
                start,
                end,
                replacement: replacement.into(),
            }],
            _ => Vec::new(),
        }
    }

    /// How many lines `str::lines` finds in the source.
    pub fn line_count(&self) -> u32 {
        let ends_with_newline = self.line_starts.last() == Some(&self.source.len());
        let count = self.line_starts.len() - usize::from(ends_with_newline);
        u32::try_from(count).unwrap_or(u32::MAX)
    }

    /// Line `number` (1-based) of the source as `str::lines` gives it (no `\n`, no trailing
    /// `\r`), or "" past the end. A byte-order mark stays on line 1.
    pub fn line(&self, number: u32) -> &'a str {
        let index = number.saturating_sub(1) as usize;
        let Some(&start) = self.line_starts.get(index) else {
            return "";
        };
        let end = self
            .line_starts
            .get(index + 1)
            .map_or(self.source.len(), |next| next - 1);
        let line = self.source.get(start..end).unwrap_or("");
        line.strip_suffix('\r').unwrap_or(line)
    }
}

/// The stage a file with no FROM is read as: every instruction, no base, no name; `from` is
/// past the end so no rule takes an instruction for its FROM. A file of nothing but ARGs
/// stays without stages: they are global ARGs waiting for a FROM.
fn stage_without_from(file: &Dockerfile, has_from: bool) -> Option<Stage> {
    let count = file.instructions.len();
    let any_step = file.instructions.iter().any(|i| i.kind != Kind::Arg);
    (!has_from && any_step).then_some(Stage {
        index: 0,
        name: None,
        base: None,
        platform: None,
        from: count,
        instructions: 0..count,
    })
}

/// Whether a `--mount=type=cache` or `--mount=type=tmpfs` of this RUN covers `path` (the mount
/// target is `path` or a directory above it): what the commands write there stays out of the
/// layer.
pub fn mount_covers(ins: &Instruction, path: &str) -> bool {
    let path = path.trim_end_matches('/');
    ins.flags
        .iter()
        .filter(|f| f.name == "mount")
        .filter_map(|f| f.value.as_deref())
        .any(|value| {
            let mut kind = "bind";
            let mut target = None;
            for field in value.split(',') {
                let field = field.trim().trim_matches('"');
                match field.split_once('=') {
                    Some(("type", v)) => kind = v,
                    Some(("target" | "dst" | "destination", v)) => target = Some(v),
                    _ => {}
                }
            }
            let Some(target) = target else { return false };
            let target = target.trim_end_matches('/');
            matches!(kind, "cache" | "tmpfs")
                && (target.is_empty()
                    || path == target
                    || path
                        .strip_prefix(target)
                        .is_some_and(|r| r.starts_with('/')))
        })
}

/// A RUN body as the shell sees it: the shell-form text, or with a lone heredoc marker the
/// heredoc's content (BuildKit runs it as the script), or an exec form's argv.
fn run_script(ins: &Instruction) -> Script {
    match &ins.args {
        Args::Shell(arg) => {
            let text = arg.value.trim();
            let lone_heredoc = text.starts_with("<<") && !text.contains(char::is_whitespace);
            match ins.heredocs.first() {
                Some(doc) if lone_heredoc => {
                    let body = doc.content();
                    let foreign_shebang = body
                        .strip_prefix("#!")
                        .map(|line| line.lines().next().unwrap_or(""))
                        .is_some_and(|line| !is_posix_shell(shebang_program(line)));
                    if foreign_shebang {
                        Script::default()
                    } else {
                        shell::parse(&body)
                    }
                }
                _ => shell::parse(&arg.value),
            }
        }
        Args::Exec(argv) => {
            let words: Vec<&str> = argv.iter().map(|a| a.value.as_str()).collect();
            match words.as_slice() {
                [sh, "-c", body, ..] if sh.ends_with("sh") => shell::parse(body),
                _ => Script {
                    commands: vec![shell::Command {
                        assignments: Vec::new(),
                        words: words.iter().map(|w| (*w).to_string()).collect(),
                        redirects: Vec::new(),
                        joint: shell::Joint::Sequence,
                        substituted: false,
                    }],
                },
            }
        }
        _ => Script::default(),
    }
}

/// The interpreter a `#!` line names: `/usr/bin/env bash` gives `bash`.
fn shebang_program(line: &str) -> &str {
    let mut words = line.split_whitespace();
    let first = words.next().unwrap_or("");
    let program = first.rsplit('/').next().unwrap_or(first);
    if program == "env" {
        words.find(|w| !w.starts_with('-')).unwrap_or("")
    } else {
        program
    }
}

fn is_posix_shell(program: &str) -> bool {
    matches!(program, "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh")
}

/// Windows base images: the shell there is cmd (or PowerShell), never POSIX.
fn is_windows_image(image: &str) -> bool {
    let image = image.to_ascii_lowercase();
    [
        "windows",
        "nanoserver",
        "servercore",
        "mcr.microsoft.com/powershell",
    ]
    .iter()
    .any(|w| image.contains(w))
}

fn shells(file: &Dockerfile, stages: &[Stage], named: &StageIndex) -> Vec<ShellInfo> {
    let default = ShellInfo {
        posix: true,
        pipefail: false,
        windows: false,
        shell: None,
    };
    let mut out = vec![default.clone(); file.instructions.len()];
    // Shell at the end of each stage, for stages built on it.
    let mut at_end: Vec<ShellInfo> = Vec::new();
    for stage in stages {
        let base = stage.base.as_ref().map_or("", |b| b.value.as_str());
        let parent = named.first_named(base, stage.index);
        let mut current = match parent.and_then(|p| at_end.get(p)) {
            Some(inherited) => inherited.clone(),
            None if is_windows_image(base) => ShellInfo {
                posix: false,
                pipefail: false,
                windows: true,
                shell: None,
            },
            None => default.clone(),
        };
        for index in stage.instructions.clone() {
            let Some(ins) = file.instructions.get(index) else {
                continue;
            };
            if ins.kind == Kind::Shell {
                if let Args::Exec(argv) = &ins.args {
                    let argv: Vec<String> = argv.iter().map(|a| a.value.clone()).collect();
                    let program = argv.first().map_or("", String::as_str).to_ascii_lowercase();
                    let program = program.rsplit(['/', '\\']).next().unwrap_or("").to_string();
                    let program = program.trim_end_matches(".exe");
                    current.posix = is_posix_shell(program);
                    current.pipefail = argv.windows(2).any(|w| {
                        w[0].starts_with('-') && w[0].ends_with('o') && w[1] == "pipefail"
                    });
                    current.shell = Some(argv);
                }
            }
            if let Some(slot) = out.get_mut(index) {
                *slot = current.clone();
            }
        }
        at_end.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_without_from_is_still_checked_instruction_by_instruction() {
        use crate::rules::{find, testing::catches};
        let rule = |code| find(code).expect("a rule");
        let source = "RUN apt-get update && apt-get install -y curl=8.5.0-2\nWORKDIR app\nCMD [\"a\"]\nCMD [\"b\"]\n";
        assert_eq!(catches(rule("DL3061"), source), [1], "still an error");
        assert_eq!(catches(rule("DL3009"), source), [1]);
        assert_eq!(catches(rule("DL3000"), source), [2]);
        assert_eq!(catches(rule("DL4003"), source), [3]);
        let settings = Settings::default();
        let globals = drydock_dockerfile::parse("ARG A=1\n");
        let cx = Context::new("ARG A=1\n", &globals, &settings, Project::default());
        assert!(cx.stages.is_empty(), "ARGs alone wait for a FROM");
    }

    #[test]
    fn lines_by_number_match_str_lines() {
        let settings = Settings::default();
        for source in [
            "",
            "\n",
            "FROM a",
            "\u{feff}FROM a\r\nRUN b \\\r\n  c\n\nCMD d",
            "a\n\n",
        ] {
            let file = drydock_dockerfile::parse(source);
            let cx = Context::new(source, &file, &settings, Project::default());
            let lines: Vec<&str> = source.lines().collect();
            assert_eq!(cx.line_count() as usize, lines.len(), "{source:?}");
            for (i, line) in lines.iter().enumerate() {
                assert_eq!(cx.line(i as u32 + 1), *line, "{source:?} line {}", i + 1);
            }
            assert_eq!(cx.line(lines.len() as u32 + 1), "");
            assert_eq!(cx.line(0), lines.first().copied().unwrap_or(""));
        }
    }
}
