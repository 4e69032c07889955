//! What the instructions of the shipping stages write, so that a later `rm`, `chmod` or `chown`
//! can be matched to the earlier layer that already holds the bytes. Not a rule.
//!
//! Paths are resolved against WORKDIR and `cd`; a relative path under a base image whose
//! WORKDIR is unknown is kept relative to a marker, so `wget x.tgz` and `rm x.tgz` still meet.
//! What cannot be resolved (`$VAR` with no known value) is compared as written.

use drydock_dockerfile::{Args, Instruction, Kind, Lexer};

use crate::rule::{mount_covers, Context};
use crate::shell::Command;

use super::written::WrittenIndex;

/// The working directory of a base image we cannot see.
const UNKNOWN_DIR: &str = "/\u{0}workdir";

/// A path an earlier instruction wrote.
#[derive(Debug, Clone)]
pub struct Written {
    /// Absolute and normalised (or starting with `$VAR` when it came from a variable).
    pub path: String,
    /// A whole directory (a copied folder or context, a `git clone`), not one file.
    pub dir: bool,
    /// The instruction that wrote it.
    pub index: usize,
}

/// One command of a RUN, unwrapped (`sudo` removed), with the directory it runs in.
#[derive(Debug)]
pub struct Step {
    pub command: Command,
    pub cwd: String,
    /// Files and directories the command writes: (path, is a directory).
    pub writes: Vec<(String, bool)>,
    /// What an `rm` removes: (resolved path, as written).
    pub removes: Vec<(String, String)>,
}

/// A RUN of a shipping stage and what earlier instructions of the image wrote.
pub struct RunView<'a> {
    pub index: usize,
    pub ins: &'a Instruction,
    pub steps: &'a [Step],
    pub earlier: &'a WrittenIndex,
}

impl RunView<'_> {
    /// `word` as a path from `step`'s directory, variables expanded where their value is known.
    pub fn resolve(&self, cx: &Context, step: &Step, word: &str) -> String {
        resolve(&step.cwd, &expand(cx, self.index, word))
    }
}

/// Visits every RUN of the stages that ship (root stage first), each with what the earlier
/// instructions wrote and did not remove.
pub fn walk(cx: &Context, mut visit: impl FnMut(&RunView<'_>)) {
    let mut chain = super::shipping_chain(cx);
    chain.reverse();
    let mut written = WrittenIndex::default();
    let mut workdir = UNKNOWN_DIR.to_string();
    for stage in chain {
        for index in stage.instructions.clone() {
            let Some(ins) = cx.instructions().get(index) else {
                continue;
            };
            match ins.kind {
                Kind::Workdir => {
                    if let Args::Shell(arg) = &ins.args {
                        workdir = resolve(&workdir, &expand(cx, index, arg.value.trim()));
                    }
                }
                Kind::Copy | Kind::Add => {
                    for w in copy_writes(cx, index, ins, &workdir) {
                        written.insert(w);
                    }
                }
                Kind::Run => {
                    let Some(script) = cx.script(index) else {
                        continue;
                    };
                    let steps = steps(cx, index, &script.commands, &workdir);
                    visit(&RunView {
                        index,
                        ins,
                        steps: &steps,
                        earlier: &written,
                    });
                    // This RUN's own writes go in as they happen: its later `rm`s remove them
                    // too, and they come after everything written before it.
                    for step in &steps {
                        for (removed, _) in &step.removes {
                            written.remove_covered(removed);
                        }
                        for (path, dir) in &step.writes {
                            if !mount_covers(ins, path) {
                                written.insert(Written {
                                    path: path.clone(),
                                    dir: *dir,
                                    index,
                                });
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// Whether `outer` is `inner` or a directory above it; `*` and `?` in a component of either
/// side match as in the shell (`/tmp/*` covers `/tmp/x.tgz`).
pub fn covers(outer: &str, inner: &str) -> bool {
    let outer: Vec<&str> = outer.split('/').filter(|c| !c.is_empty()).collect();
    let inner: Vec<&str> = inner.split('/').filter(|c| !c.is_empty()).collect();
    outer.len() <= inner.len()
        && outer
            .iter()
            .zip(&inner)
            .all(|(o, i)| glob(o, i) || glob(i, o))
}

/// Shell-style match of one path component: `*` any run, `?` one char.
pub(super) fn glob(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Iterative matcher with one backtrack point: linear enough for path components.
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
            }
            Some(&c) if c == '?' || c == n[ni] => {
                pi += 1;
                ni += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..).unwrap_or(&[]).iter().all(|&c| c == '*')
}

/// `p` from directory `base`, normalised: `.` and `..` folded, no trailing slash. Paths
/// starting with `$` or `~` are kept as written (normalised), since their root is unknown.
pub fn resolve(base: &str, p: &str) -> String {
    let joined = if p.starts_with('/') || p.starts_with('$') || p.starts_with('~') {
        p.to_string()
    } else {
        format!("{base}/{p}")
    };
    let absolute = joined.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    let body = parts.join("/");
    if absolute {
        format!("/{body}")
    } else {
        body
    }
}

/// Whether the path was resolved from a base image's unknown WORKDIR.
pub fn is_unknown_root(path: &str) -> bool {
    path.starts_with(UNKNOWN_DIR)
}

/// `word` with `$VAR`/`${VAR}` replaced when every variable has a known value in the scope of
/// instruction `index`; otherwise as written, with `${NAME}` written `$NAME`.
fn expand(cx: &Context, index: usize, word: &str) -> String {
    if !word.contains('$') {
        return word.to_string();
    }
    let env = cx.scope(index);
    if let Ok(expansion) = Lexer::new(cx.file.escape).process(word, env) {
        if expansion.unset.is_empty() && !expansion.value.is_empty() {
            return expansion.value;
        }
    }
    // `${NAME}` and `$NAME` are the same path.
    let mut out = String::new();
    let mut rest = word;
    while let Some(at) = rest.find("${") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        match after.find('}') {
            Some(end)
                if after[..end]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                out.push('$');
                out.push_str(&after[..end]);
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str("${");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The last path component of a source or URL (`https://x/a.tgz?raw=1` gives `a.tgz`).
fn basename(word: &str) -> &str {
    let word = word.split(['?', '#']).next().unwrap_or(word);
    let word = word.trim_end_matches('/');
    word.rsplit('/').next().unwrap_or(word)
}

/// What a COPY or ADD writes.
fn copy_writes(cx: &Context, index: usize, ins: &Instruction, workdir: &str) -> Vec<Written> {
    let words: Vec<&str> = match &ins.args {
        Args::Words(w) | Args::Exec(w) => w.iter().map(|a| a.value.as_str()).collect(),
        _ => return Vec::new(),
    };
    let Some((dest, sources)) = words.split_last() else {
        return Vec::new();
    };
    if sources.is_empty() {
        return Vec::new();
    }
    let dest_path = resolve(workdir, &expand(cx, index, dest));
    let into_dir =
        dest.ends_with('/') || sources.len() > 1 || matches!(*dest, "." | "./" | ".." | "../");
    let mut out = Vec::new();
    for source in sources {
        let heredoc = source.starts_with("<<");
        let source = source
            .trim_start_matches("<<")
            .trim_start_matches('-')
            .trim_matches(['"', '\'']);
        let whole = matches!(source, "." | "./" | "/" | "*" | "./*") || source.ends_with('/');
        let (path, dir) = if whole {
            (dest_path.clone(), true)
        } else if into_dir {
            (resolve(&dest_path, basename(source)), false)
        } else {
            // `COPY --from=build /opt/conda /opt/conda`: without an extension, most likely a
            // directory.
            let dir = !heredoc && !basename(source).contains('.');
            (dest_path.clone(), dir)
        };
        // A tree copied onto `/` says nothing about any one path under it.
        if path == "/" || basename(source).is_empty() {
            continue;
        }
        out.push(Written { path, dir, index });
    }
    out
}

/// The steps of a RUN: each command with its directory and what it writes or removes.
fn steps(cx: &Context, index: usize, commands: &[Command], workdir: &str) -> Vec<Step> {
    let mut cwd = workdir.to_string();
    let mut out = Vec::new();
    for raw in commands {
        let command = raw.unwrapped();
        let at = |word: &str| resolve(&cwd, &expand(cx, index, word));
        let mut writes: Vec<(String, bool)> = Vec::new();
        let mut removes = Vec::new();
        for (op, target) in &raw.redirects {
            let writing = op.ends_with('>') && !op.starts_with('<');
            if writing && !target.starts_with("/dev/") && !target.is_empty() && target != "-" {
                writes.push((at(target), false));
            }
        }
        match command.program() {
            "wget" => {
                for (file, dir) in wget_writes(&command) {
                    writes.push((at(&file), dir));
                }
            }
            "curl" => {
                for file in curl_writes(&command) {
                    writes.push((at(&file), false));
                }
            }
            "git" => {
                if let Some(dir) = git_clone_dir(&command) {
                    writes.push((at(&dir), true));
                }
            }
            "tee" => {
                for file in command.operands() {
                    writes.push((at(file), false));
                }
            }
            "rm" => {
                for word in command.operands() {
                    removes.push((at(word), word.to_string()));
                }
            }
            _ => {}
        }
        let next_cwd = if !raw.substituted && matches!(command.program(), "cd" | "pushd") {
            match command.operands().first() {
                Some(&dir) if dir != "-" && !dir.starts_with('~') => Some(at(dir)),
                // `cd`, `cd -`, `cd ~`: somewhere we do not follow.
                _ => Some(format!("/\u{0}cd{}", out.len())),
            }
        } else {
            None
        };
        out.push(Step {
            command,
            cwd: cwd.clone(),
            writes,
            removes,
        });
        if let Some(next) = next_cwd {
            cwd = next;
        }
    }
    out
}

/// URLs among a command's words.
fn urls(command: &Command) -> impl Iterator<Item = &str> {
    command
        .args()
        .iter()
        .map(String::as_str)
        .filter(|a| a.contains("://") && !a.starts_with('-'))
}

/// `wget -O file url` writes `file`; `wget [-P dir] url` writes the URL's file name.
fn wget_writes(command: &Command) -> Vec<(String, bool)> {
    let args = command.args();
    let mut output: Option<String> = None;
    let mut prefix: Option<String> = None;
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        let next = args.get(i + 1).cloned();
        if let Some(v) = arg.strip_prefix("--output-document=") {
            output = Some(v.to_string());
        } else if arg == "--output-document" {
            output = next;
            i += 1;
        } else if let Some(v) = arg.strip_prefix("--directory-prefix=") {
            prefix = Some(v.to_string());
        } else if arg == "--directory-prefix" || arg == "-P" {
            prefix = next;
            i += 1;
        } else if arg.starts_with('-') && !arg.starts_with("--") {
            // A cluster such as `-qO-` or `-qO /x`: the value follows the `O`.
            if let Some(at) = arg.find('O') {
                let rest = &arg[at + 1..];
                if rest.is_empty() {
                    output = next;
                    i += 1;
                } else {
                    output = Some(rest.to_string());
                }
            }
        }
        i += 1;
    }
    match output {
        Some(file) if file == "-" => Vec::new(),
        Some(file) => vec![(file, false)],
        None => urls(command)
            .map(|u| {
                let name = basename(u).to_string();
                match &prefix {
                    Some(dir) => (format!("{dir}/{name}"), false),
                    None => (name, false),
                }
            })
            .filter(|(name, _)| !name.is_empty() && !name.contains(':'))
            .collect(),
    }
}

/// curl short options that take a value: in a cluster, what follows them is that value.
const CURL_VALUE_SHORTS: &str = "HudXAexwmCTFrbcKEUYyzDQtP";

/// `curl -o file url` writes `file`; `curl -O url` writes the URL's file name.
fn curl_writes(command: &Command) -> Vec<String> {
    let args = command.args();
    let mut out = Vec::new();
    let mut remote_name = false;
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        let next = args.get(i + 1).cloned();
        if arg == "--output" {
            out.extend(next);
            i += 1;
        } else if let Some(v) = arg.strip_prefix("--output=") {
            out.push(v.to_string());
        } else if arg == "--remote-name" || arg == "--remote-name-all" {
            remote_name = true;
        } else if arg.starts_with('-') && !arg.starts_with("--") {
            for (at, c) in arg.char_indices().skip(1) {
                if c == 'O' {
                    remote_name = true;
                } else if c == 'o' {
                    let rest = &arg[at + 1..];
                    if rest.is_empty() {
                        out.extend(next.clone());
                        i += 1;
                    } else {
                        out.push(rest.to_string());
                    }
                    break;
                } else if CURL_VALUE_SHORTS.contains(c) {
                    if arg[at + 1..].is_empty() {
                        i += 1;
                    }
                    break;
                }
            }
        }
        i += 1;
    }
    out.retain(|f| f != "-" && !f.starts_with("/dev/"));
    if remote_name && out.is_empty() {
        out.extend(
            urls(command)
                .map(|u| basename(u).to_string())
                .filter(|n| !n.is_empty() && !n.contains(':')),
        );
    }
    out
}

/// `git clone <repo> [<dir>]`: the directory it creates.
fn git_clone_dir(command: &Command) -> Option<String> {
    const VALUES: &[&str] = &[
        "-b",
        "--branch",
        "--depth",
        "-o",
        "--origin",
        "-c",
        "--config",
        "--reference",
        "--separate-git-dir",
        "-j",
        "--jobs",
        "--template",
        "-u",
        "--upload-pack",
        "--shallow-since",
        "--shallow-exclude",
        "--filter",
    ];
    let ops = command.operands_skipping(VALUES);
    let (sub, rest) = ops.split_first()?;
    if *sub != "clone" {
        return None;
    }
    match rest {
        [_, dir, ..] => Some((*dir).to_string()),
        [repo] => {
            let name = basename(repo);
            let name = name.strip_suffix(".git").unwrap_or(name);
            (!name.is_empty()).then(|| name.to_string())
        }
        [] => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::parse;

    #[test]
    fn resolves_and_covers() {
        assert_eq!(resolve("/app", "./dist/../x/"), "/app/x");
        assert_eq!(resolve("/app", "/tmp//a"), "/tmp/a");
        assert_eq!(resolve("/app", "${HOME}/a"), "${HOME}/a");
        assert!(covers("/tmp/*", "/tmp/a.tgz"));
        assert!(covers("/tmp", "/tmp/a/b"));
        assert!(covers("/tmp/*.tgz", "/tmp/a.tgz"));
        assert!(!covers("/tmp/*.zip", "/tmp/a.tgz"));
        assert!(!covers("/tmp/a/b", "/tmp/a"));
        assert!(covers("/opt/x", "/opt/*"));
    }

    #[test]
    fn downloads_write_files() {
        let first = |t: &str| parse(t).commands.remove(0);
        assert_eq!(
            wget_writes(&first("wget -q -O /tmp/a.tgz https://x/y")),
            [("/tmp/a.tgz".to_string(), false)]
        );
        assert!(wget_writes(&first("wget -qO- https://x/y")).is_empty());
        assert_eq!(
            wget_writes(&first("wget https://x/y/z.tgz?raw=1")),
            [("z.tgz".to_string(), false)]
        );
        assert_eq!(
            curl_writes(&first("curl -fsSLo /usr/bin/x https://x")),
            ["/usr/bin/x"]
        );
        assert_eq!(
            curl_writes(&first("curl -fsSLO https://x/a.zip")),
            ["a.zip"]
        );
        assert!(curl_writes(&first("curl -fsSL -H 'A: b' https://x")).is_empty());
        assert_eq!(
            git_clone_dir(&first("git clone --depth 1 https://github.com/a/b.git")),
            Some("b".to_string())
        );
    }
}
