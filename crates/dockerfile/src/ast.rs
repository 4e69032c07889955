//! The parse tree: plain data, serialisable, no behaviour beyond small accessors.

use serde::{Deserialize, Serialize};

use crate::error::ParseError;
use crate::span::Span;

/// A parsed Dockerfile. Parsing never fails as a whole: whatever could be understood is in
/// `instructions`, and every problem is in `errors`, in source order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dockerfile {
    /// Parser directives (`# syntax=...`, `# escape=...`, `# check=...`) from the top of the file.
    pub directives: Vec<Directive>,
    pub instructions: Vec<Instruction>,
    pub errors: Vec<ParseError>,
    /// Things BuildKit accepts but warns about (today: empty lines inside a continuation).
    pub warnings: Vec<ParseError>,
    /// The escape char in effect: `\` unless an `escape` directive chose the backtick.
    pub escape: char,
}

/// A parser directive such as `# syntax=docker/dockerfile:1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Directive {
    /// Lowercased name: `syntax`, `escape` or `check`.
    pub name: String,
    pub value: String,
    /// The whole comment line.
    pub span: Span,
}

/// What an instruction is. Unknown keywords are kept, not rejected, so a linter can still see
/// them; [`crate::parse`] also reports them as errors, as BuildKit does before building.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
    /// The keyword as written.
    Unknown(String),
}

impl Kind {
    /// Case-insensitive, like BuildKit.
    pub fn from_keyword(keyword: &str) -> Kind {
        match keyword.to_lowercase().as_str() {
            "add" => Kind::Add,
            "arg" => Kind::Arg,
            "cmd" => Kind::Cmd,
            "copy" => Kind::Copy,
            "entrypoint" => Kind::Entrypoint,
            "env" => Kind::Env,
            "expose" => Kind::Expose,
            "from" => Kind::From,
            "healthcheck" => Kind::Healthcheck,
            "label" => Kind::Label,
            "maintainer" => Kind::Maintainer,
            "onbuild" => Kind::Onbuild,
            "run" => Kind::Run,
            "shell" => Kind::Shell,
            "stopsignal" => Kind::Stopsignal,
            "user" => Kind::User,
            "volume" => Kind::Volume,
            "workdir" => Kind::Workdir,
            _ => Kind::Unknown(keyword.to_string()),
        }
    }

    /// The canonical uppercase keyword (the written one for unknown instructions).
    pub fn name(&self) -> &str {
        match self {
            Kind::Add => "ADD",
            Kind::Arg => "ARG",
            Kind::Cmd => "CMD",
            Kind::Copy => "COPY",
            Kind::Entrypoint => "ENTRYPOINT",
            Kind::Env => "ENV",
            Kind::Expose => "EXPOSE",
            Kind::From => "FROM",
            Kind::Healthcheck => "HEALTHCHECK",
            Kind::Label => "LABEL",
            Kind::Maintainer => "MAINTAINER",
            Kind::Onbuild => "ONBUILD",
            Kind::Run => "RUN",
            Kind::Shell => "SHELL",
            Kind::Stopsignal => "STOPSIGNAL",
            Kind::User => "USER",
            Kind::Volume => "VOLUME",
            Kind::Workdir => "WORKDIR",
            Kind::Unknown(keyword) => keyword,
        }
    }
}

/// One instruction, possibly spread over several lines and followed by heredoc bodies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instruction {
    /// The keyword as written (`run`, `Run`, `RUN`).
    pub keyword: String,
    pub kind: Kind,
    /// From the keyword to the end of the last line, heredoc terminators included.
    pub span: Span,
    pub keyword_span: Span,
    /// `--name[=value]` words between the keyword and the arguments.
    pub flags: Vec<Flag>,
    pub args: Args,
    pub heredocs: Vec<Heredoc>,
    /// The joined logical line BuildKit parsed (continuations removed, comments dropped).
    pub original: String,
}

impl Instruction {
    /// The first flag called `name` (without the leading `--`).
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }
}

/// A `--name[=value]` flag. Quotes and backslash escapes in the word are already removed, as
/// BuildKit does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    pub name: String,
    /// `None` for a bare `--name`.
    pub value: Option<String>,
    pub span: Span,
}

/// One argument: its text as BuildKit keeps it and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arg {
    pub value: String,
    pub span: Span,
}

/// A `key=value` (or legacy `key value`) pair of ENV or LABEL. Values keep their quotes; use
/// [`crate::expand_word`] to get what the build sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyValue {
    pub key: Arg,
    pub value: Arg,
    /// `false` for the legacy `ENV key value` form.
    pub equals: bool,
}

/// The arguments, shaped the way BuildKit's per-instruction line parsers shape them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Args {
    /// Nothing after the keyword and flags.
    None,
    /// Shell form, or a single string (MAINTAINER, USER, WORKDIR, STOPSIGNAL): the rest of the
    /// line, verbatim.
    Shell(Arg),
    /// Exec (JSON array) form; strings are JSON-decoded.
    Exec(Vec<Arg>),
    /// Whitespace-separated words (FROM, EXPOSE, ARG, and ADD/COPY/VOLUME outside JSON form).
    Words(Vec<Arg>),
    /// ENV and LABEL.
    KeyValues(Vec<KeyValue>),
    /// HEALTHCHECK: the type word (`CMD`, `NONE`, ...) then the command, if any.
    Healthcheck { kind: Arg, command: Box<Args> },
    /// ONBUILD: the trigger instruction.
    Onbuild(Box<Instruction>),
}

impl Args {
    /// Every argument in source order (for ONBUILD, the trigger's).
    pub fn all(&self) -> Vec<&Arg> {
        match self {
            Args::None => Vec::new(),
            Args::Shell(arg) => vec![arg],
            Args::Exec(args) | Args::Words(args) => args.iter().collect(),
            Args::KeyValues(pairs) => pairs.iter().flat_map(|kv| [&kv.key, &kv.value]).collect(),
            Args::Healthcheck { kind, command } => {
                let mut all = vec![kind];
                all.extend(command.all());
                all
            }
            Args::Onbuild(trigger) => trigger.args.all(),
        }
    }

    pub fn is_exec(&self) -> bool {
        matches!(self, Args::Exec(_))
    }
}

/// A heredoc attached to a RUN, COPY or ADD (`<<EOF`, `<<-EOF`, `<<"EOF"`, `3<<EOF`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heredoc {
    /// The delimiter with quotes removed.
    pub delimiter: String,
    /// The lines between the marker line and the terminator, each with its newline, exactly as
    /// in the source (tabs not yet stripped; see [`Heredoc::content`]).
    pub body: String,
    /// `<<-`: leading tabs are stripped from the body and the terminator.
    pub strip_tabs: bool,
    /// `false` when any part of the delimiter was quoted: the body is then taken literally.
    pub expand: bool,
    /// The file descriptor prefix of `3<<EOF`.
    pub fd: Option<u32>,
    /// The `<<EOF` word on the instruction line.
    pub span: Span,
    /// From the first body line through the terminator line.
    pub body_span: Span,
}

impl Heredoc {
    /// The body as the build sees it: with `<<-`, leading tabs removed from every line.
    pub fn content(&self) -> String {
        if !self.strip_tabs {
            return self.body.clone();
        }
        self.body
            .split_inclusive('\n')
            .map(|line| line.trim_start_matches('\t'))
            .collect()
    }
}
