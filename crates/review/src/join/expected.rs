//! The Dockerfile side: what each instruction of the stage should have left in the history,
//! with ARG and ENV values expanded as the build saw them, and how to compare it with a row.

use std::collections::BTreeMap;

use drydock_dockerfile::{expand_word, Args, Dockerfile, Instruction, Kind, Scope};

use super::recorded::{self, Recorded};

/// How well one instruction and one history row agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Agreement {
    /// Text for text, after normalisation.
    Text,
    /// Same instruction and destination, but the row does not say more (a classic COPY's
    /// content digest), or the text differs in ways a build can cause (ARG values).
    Kind,
    No,
}

/// What one instruction should have recorded.
#[derive(Debug, Clone)]
pub(crate) struct Expected {
    pub line: usize,
    pub instruction: String,
    /// Whether the instruction writes a layer (for the steps no row matched).
    pub writes_layer: bool,
    want: Want,
}

#[derive(Debug, Clone)]
enum Want {
    /// The command line as recorded (shell and command, or the exec words joined).
    Run(String),
    /// COPY/ADD: keyword and the text BuildKit records; the destination resolved against the
    /// working directory.
    Copy {
        keyword: &'static str,
        words: Vec<String>,
        dest: String,
        workdir: String,
    },
    Env(String),
    Arg {
        keys: Vec<String>,
        texts: Vec<String>,
    },
    /// The resolved path, and a relative one as written: the base image's own working
    /// directory is not known here.
    Workdir(String, Option<String>),
    /// CMD, ENTRYPOINT: the command as the image config holds it.
    Command(&'static str, Vec<String>),
    Ports(Vec<String>),
    /// Anything else: keyword and the text with whitespace collapsed.
    Text(String, String),
    /// Known only by keyword (heredocs, ONBUILD, HEALTHCHECK...).
    Keyword(String),
}

impl Expected {
    pub(crate) fn agree(&self, row: &Recorded) -> Agreement {
        let keyword = match &self.want {
            Want::Run(_) => "RUN",
            Want::Copy { keyword, .. } => keyword,
            Want::Env(_) => "ENV",
            Want::Arg { .. } => "ARG",
            Want::Command(keyword, _) => keyword,
            Want::Ports(_) => "EXPOSE",
            Want::Workdir(..) => "WORKDIR",
            Want::Text(keyword, _) | Want::Keyword(keyword) => keyword,
        };
        if row.keyword != keyword {
            return Agreement::No;
        }
        let text = |same: bool| if same { Agreement::Text } else { Agreement::No };
        match &self.want {
            Want::Run(command) => text(recorded::run_is(&row.body, command)),
            Want::Copy {
                words,
                dest,
                workdir,
                ..
            } => {
                if let Some(at) = recorded::digest_destination(&row.body) {
                    return if resolve(workdir, at) == *dest {
                        Agreement::Kind
                    } else {
                        Agreement::No
                    };
                }
                let seen = recorded::copy_words(&row.body);
                if seen.iter().eq(words.iter()) {
                    Agreement::Text
                } else if seen.last().is_some_and(|d| resolve(workdir, d) == *dest) {
                    Agreement::Kind
                } else {
                    Agreement::No
                }
            }
            Want::Env(body) => text(*body == row.body),
            Want::Arg { keys, texts } => {
                if texts.contains(&row.body) {
                    Agreement::Text
                } else if row
                    .body
                    .split_whitespace()
                    .map(|w| w.split_once('=').map_or(w, |(k, _)| k))
                    .eq(keys.iter().map(String::as_str))
                {
                    Agreement::Kind
                } else {
                    Agreement::No
                }
            }
            Want::Command(_, words) => match recorded::quoted_list(&row.body) {
                Some(seen) => text(seen == *words),
                None => Agreement::No,
            },
            Want::Ports(ports) => text(recorded::ports(&row.body) == *ports),
            Want::Workdir(path, relative) => {
                if row.body == *path {
                    Agreement::Text
                } else if relative.as_ref().is_some_and(|r| {
                    row.body
                        .strip_suffix(r.as_str())
                        .is_some_and(|dir| dir.ends_with('/'))
                }) {
                    Agreement::Kind
                } else {
                    Agreement::No
                }
            }
            Want::Text(_, body) => text(recorded::collapse(&row.body) == *body),
            Want::Keyword(_) => Agreement::Kind,
        }
    }
}

/// The instructions of `chain` (stage instruction ranges, oldest stage first), FROM lines left
/// out, as the build recorded them.
pub(crate) fn expected(
    file: &Dockerfile,
    scopes: &[Scope],
    build_args: &BuildArgs,
    chain: &[std::ops::Range<usize>],
) -> Vec<Expected> {
    let mut shell = vec!["/bin/sh".to_string(), "-c".to_string()];
    let mut workdir = "/".to_string();
    let mut out = Vec::new();
    for range in chain {
        for at in range.clone() {
            let (Some(ins), Some(scope)) = (file.instructions.get(at), scopes.get(at)) else {
                continue;
            };
            if ins.kind == Kind::From {
                continue;
            }
            let expand = |word: &str| {
                expand_word(word, scope, file.escape).unwrap_or_else(|_| word.to_string())
            };
            let want = want(ins, &expand, &shell, &mut workdir, build_args);
            if ins.kind == Kind::Shell {
                if let Args::Exec(words) = &ins.args {
                    shell = words.iter().map(|w| w.value.clone()).collect();
                }
            }
            out.push(Expected {
                line: ins.span.start.line as usize,
                instruction: ins.original.trim().to_string(),
                writes_layer: matches!(ins.kind, Kind::Run | Kind::Copy | Kind::Add),
                want,
            });
        }
    }
    out
}

fn want(
    ins: &Instruction,
    expand: &dyn Fn(&str) -> String,
    shell: &[String],
    workdir: &mut String,
    build_args: &BuildArgs,
) -> Want {
    let keyword = ins.kind.name().to_string();
    if !ins.heredocs.is_empty() {
        return Want::Keyword(keyword);
    }
    match (&ins.kind, &ins.args) {
        (Kind::Run, Args::Shell(command)) => {
            Want::Run(format!("{} {}", shell.join(" "), command.value))
        }
        (Kind::Run, Args::Exec(words)) => Want::Run(values(words).join(" ")),
        (Kind::Copy | Kind::Add, Args::Words(words) | Args::Exec(words)) => {
            let keyword = if ins.kind == Kind::Copy {
                "COPY"
            } else {
                "ADD"
            };
            let words: Vec<String> = words.iter().map(|w| expand(&w.value)).collect();
            let dest = words
                .last()
                .map(|d| resolve(workdir, d))
                .unwrap_or_default();
            Want::Copy {
                keyword,
                words,
                dest,
                workdir: workdir.clone(),
            }
        }
        (Kind::Env, Args::KeyValues(pairs)) => Want::Env(
            pairs
                .iter()
                .map(|kv| format!("{}={}", kv.key.value, expand(&kv.value.value)))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        (Kind::Label, Args::KeyValues(pairs)) => Want::Text(
            keyword,
            recorded::collapse(
                &pairs
                    .iter()
                    .map(|kv| format!("{}={}", expand(&kv.key.value), expand(&kv.value.value)))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        ),
        (Kind::Arg, Args::Words(words)) => arg(words, expand, build_args),
        (Kind::Workdir, Args::Shell(path)) => {
            let path = expand(&path.value);
            *workdir = resolve(workdir, &path);
            let relative = (!path.starts_with('/'))
                .then(|| resolve("/", &path).trim_start_matches('/').to_string());
            Want::Workdir(workdir.clone(), relative.filter(|r| !r.is_empty()))
        }
        (Kind::Cmd | Kind::Entrypoint, args) => {
            let keyword = if ins.kind == Kind::Cmd {
                "CMD"
            } else {
                "ENTRYPOINT"
            };
            let words = match args {
                Args::Exec(words) => values(words),
                Args::Shell(command) => {
                    let mut words = shell.to_vec();
                    words.push(command.value.clone());
                    words
                }
                _ => Vec::new(),
            };
            Want::Command(keyword, words)
        }
        (Kind::Expose, Args::Words(words)) => {
            let ports: Vec<String> = words.iter().map(|w| expand(&w.value)).collect();
            Want::Ports(recorded::ports(&ports.join(" ")))
        }
        (Kind::User | Kind::Stopsignal, Args::Shell(text)) => {
            Want::Text(keyword, recorded::collapse(&expand(&text.value)))
        }
        _ => Want::Keyword(keyword),
    }
}

fn values(words: &[drydock_dockerfile::Arg]) -> Vec<String> {
    words.iter().map(|w| w.value.clone()).collect()
}

/// ARG: classic records the default as written, BuildKit the value the build used; either
/// reads as text, other values as the same ARG.
fn arg(
    words: &[drydock_dockerfile::Arg],
    expand: &dyn Fn(&str) -> String,
    build_args: &BuildArgs,
) -> Want {
    let mut keys = Vec::new();
    let mut written = Vec::new();
    let mut expanded = Vec::new();
    let mut given = Vec::new();
    for word in words {
        let (key, default) = match word.value.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v)),
            None => (word.value.clone(), None),
        };
        written.push(word.value.clone());
        let value = default.map(expand);
        expanded.push(match &value {
            Some(v) => format!("{key}={v}"),
            None => key.clone(),
        });
        given.push(match build_args.get(&key).or(value.as_ref()) {
            Some(v) => format!("{key}={v}"),
            None => key.clone(),
        });
        keys.push(key);
    }
    Want::Arg {
        keys,
        texts: vec![written.join(" "), expanded.join(" "), given.join(" ")],
    }
}

/// `path` against the working directory, `.` and trailing slashes dropped (what both builders
/// mean by a destination).
pub(crate) fn resolve(workdir: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{workdir}/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Build args by name, for [`drydock_dockerfile::scopes`].
pub(crate) type BuildArgs = BTreeMap<String, String>;
