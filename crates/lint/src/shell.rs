//! RUN bodies read as POSIX shell: simple commands with their words, the operators that join
//! them, redirections and command substitutions, so rules reason about `apt-get install -y x`
//! rather than about text that happens to contain "apt-get".
//!
//! The reader is tolerant by design: Dockerfiles carry `${VAR}` holes, half-quoted strings and
//! shell the build would reject, and a linter must still say something useful about the rest. It
//! never fails; unbalanced quotes simply run to the end of the input. Work is linear in the input
//! and nesting (`$( $( ... ) )`) is bounded, so hostile input cannot blow the stack.

/// How a command is joined to the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joint {
    /// First command of the script, or after `;`, `&` or a newline.
    Sequence,
    /// After `&&`.
    And,
    /// After `||`.
    Or,
    /// After `|` (or `|&`): this command reads the previous one's output.
    Pipe,
}

/// One simple command, e.g. `DEBIAN_FRONTEND=noninteractive apt-get install -y curl > /log`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// `NAME=value` words before the command name.
    pub assignments: Vec<String>,
    /// The name then the arguments, quotes removed, `$VAR` kept as written.
    pub words: Vec<String>,
    /// Redirection operators with their targets, e.g. `(">", "/dev/null")`.
    pub redirects: Vec<(String, String)>,
    pub joint: Joint,
    /// Inside `$( )` or backquotes: the command runs, but its output is used as a word.
    pub substituted: bool,
}

impl Command {
    /// The command name as written (`/usr/bin/apt-get`), empty for a bare assignment.
    pub fn name(&self) -> &str {
        self.words.first().map_or("", String::as_str)
    }

    /// The name without its directory: `/usr/bin/apt-get` is `apt-get`.
    pub fn program(&self) -> &str {
        let name = self.name();
        name.rsplit('/').next().unwrap_or(name)
    }

    /// The arguments after the name.
    pub fn args(&self) -> &[String] {
        self.words.get(1..).unwrap_or(&[])
    }

    /// Whether this command runs `program` (by basename).
    pub fn is(&self, program: &str) -> bool {
        self.program() == program
    }

    /// The same command with leading wrappers (`sudo`, `env`, `exec`, `nice`, `time`, `nohup`,
    /// `command`) and their options removed: `sudo -E apt-get install x` becomes
    /// `apt-get install x`.
    pub fn unwrapped(&self) -> Command {
        Command {
            assignments: self.assignments.clone(),
            words: self
                .words
                .get(self.wrapped_words()..)
                .unwrap_or(&[])
                .to_vec(),
            redirects: self.redirects.clone(),
            joint: self.joint,
            substituted: self.substituted,
        }
    }

    /// The program [`Command::unwrapped`] runs, without copying the command: rules that only
    /// look for one program ask this first.
    pub fn unwrapped_program(&self) -> &str {
        let name = self
            .words
            .get(self.wrapped_words())
            .map_or("", String::as_str);
        name.rsplit('/').next().unwrap_or(name)
    }

    /// How many leading words are wrappers and their options.
    fn wrapped_words(&self) -> usize {
        let mut at = 0;
        while let Some(word) = self.words.get(at) {
            let base = word.rsplit('/').next().unwrap_or(word);
            if !matches!(
                base,
                "sudo" | "env" | "exec" | "nice" | "time" | "nohup" | "command" | "doas"
            ) {
                break;
            }
            at += 1;
            // Skip the wrapper's own options and env's assignments.
            while let Some(next) = self.words.get(at) {
                let is_option = next.starts_with('-') && next.len() > 1;
                let is_assignment = base == "env" && is_assignment(next);
                let takes_value = base == "sudo" && matches!(next.as_str(), "-u" | "-g");
                if takes_value {
                    at += 2;
                } else if is_option || is_assignment {
                    at += 1;
                } else {
                    break;
                }
            }
        }
        at
    }

    /// Whether any argument is exactly `flag` (`--no-cache`), or for a one-letter flag like
    /// `-y`, appears in a cluster of short flags (`-qy`).
    pub fn has_flag(&self, flag: &str) -> bool {
        let short = flag.len() == 2 && flag.starts_with('-') && !flag.starts_with("--");
        self.args().iter().any(|arg| {
            if arg == flag || arg.starts_with(&format!("{flag}=")) {
                return true;
            }
            short
                && arg.starts_with('-')
                && !arg.starts_with("--")
                && arg.chars().skip(1).any(|c| Some(c) == flag.chars().nth(1))
        })
    }

    /// Whether a cluster of one-letter options (`-qy`, `-fy`, `-qO-`) holds `letter` among the
    /// letters it starts with. A cluster that starts with a digit or symbol is a value, not
    /// options.
    pub fn has_short_option(&self, letter: char) -> bool {
        self.args().iter().any(|arg| {
            arg.strip_prefix('-').is_some_and(|rest| {
                rest.starts_with(|c: char| c.is_ascii_alphabetic())
                    && rest
                        .chars()
                        .take_while(char::is_ascii_alphabetic)
                        .any(|c| c == letter)
            })
        })
    }

    /// Whether any of `flags` is present (see [`Command::has_flag`]).
    pub fn has_any_flag(&self, flags: &[&str]) -> bool {
        flags.iter().any(|f| self.has_flag(f))
    }

    /// Arguments that are not options, in order (`apt-get -y install curl` gives `install`,
    /// `curl`). Option values are not known in general, so `-o Dpkg::x` yields `Dpkg::x`; rules
    /// that care name the options that take a value with [`Command::operands_skipping`].
    pub fn operands(&self) -> Vec<&str> {
        self.operands_skipping(&[])
    }

    /// Operands (words that are not options; everything after `--`), skipping the value after
    /// each option of `takes_value` written as a separate word (`-o Dpkg::Options=x`,
    /// `-t .build-deps`).
    pub fn operands_skipping(&self, takes_value: &[&str]) -> Vec<&str> {
        let mut out = Vec::new();
        let mut args = self.args().iter();
        let mut rest = false;
        while let Some(arg) = args.next() {
            if rest {
                out.push(arg.as_str());
            } else if arg == "--" {
                rest = true;
            } else if arg.starts_with('-') && arg.len() > 1 {
                if takes_value.contains(&arg.as_str()) {
                    args.next();
                }
            } else {
                out.push(arg.as_str());
            }
        }
        out
    }

    /// The first operand: the subcommand of `apt-get install`, `pip install`, `npm ci`.
    pub fn subcommand(&self) -> Option<&str> {
        self.operands().first().copied()
    }
}

/// A parsed script: its simple commands in source order (commands inside `$( )` come right
/// after the command whose word holds them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    pub commands: Vec<Command>,
}

impl Script {
    /// Commands running `program` (by basename, after unwrapping `sudo`/`env`/...).
    pub fn running<'a>(&'a self, program: &'a str) -> impl Iterator<Item = Command> + 'a {
        self.commands
            .iter()
            .filter(move |c| c.unwrapped_program() == program)
            .map(Command::unwrapped)
    }

    /// Whether some command runs `program`.
    pub fn runs(&self, program: &str) -> bool {
        self.running(program).next().is_some()
    }

    /// Whether a command pipes into another.
    pub fn has_pipe(&self) -> bool {
        self.commands.iter().any(|c| c.joint == Joint::Pipe)
    }

    /// Every word of every command, for rules that look for a path anywhere (`/var/lib/apt/lists`).
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.commands
            .iter()
            .flat_map(|c| c.words.iter().chain(c.assignments.iter()))
            .map(String::as_str)
    }
}

/// `NAME=value` with a valid shell name.
pub fn is_assignment(word: &str) -> bool {
    match word.split_once('=') {
        Some((name, _)) => {
            let mut chars = name.chars();
            chars
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        None => false,
    }
}

/// Deeper `$( $( ... ) )` nesting is read as plain text.
const MAX_DEPTH: usize = 16;

const KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "esac", "!", "{", "}",
    "function",
];

/// Reads `text` as a POSIX shell script.
pub fn parse(text: &str) -> Script {
    let chars: Vec<char> = text.chars().collect();
    let mut commands = Vec::new();
    Reader {
        chars: &chars,
        at: 0,
        depth: 0,
        out: &mut commands,
    }
    .script(None);
    Script { commands }
}

struct Reader<'a, 'o> {
    chars: &'a [char],
    at: usize,
    depth: usize,
    out: &'o mut Vec<Command>,
}

/// What ended a word.
enum Token {
    Word(String),
    /// `&&`, `||`, `;`, `|`, `&`, newline, `(`, `)`, `;;`.
    Operator(&'static str),
    Redirect(String),
    End,
}

impl Reader<'_, '_> {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.at + ahead).copied()
    }

    /// Reads commands until the end or until `close` (`)` for `$(`, `` ` `` for backquotes).
    fn script(&mut self, close: Option<char>) {
        let substituted = close.is_some();
        let mut current = Command {
            assignments: Vec::new(),
            words: Vec::new(),
            redirects: Vec::new(),
            joint: Joint::Sequence,
            substituted,
        };
        let mut pending_heredocs: Vec<(String, bool)> = Vec::new();
        // Commands found inside this command's words are emitted after it.
        let mut nested: Vec<Command> = Vec::new();
        // `for x in a b c` and `case w in`: words up to the separator are not a command.
        let mut in_header = false;
        let mut header_is_case = false;
        // `case` patterns (`x86_64|aarch64)`) are not commands and their `|` is not a pipe:
        // how many cases are open, whether a pattern is being read, and whether it has a word
        // yet (a leading `(` before the first word is allowed).
        let mut open_cases = 0usize;
        let mut in_pattern = false;
        let mut pattern_started = false;
        loop {
            self.skip_blanks();
            if close.is_some() && self.peek(0) == close {
                self.at += 1;
                break;
            }
            let token = self.token(close, &mut nested);
            match token {
                Token::End => break,
                Token::Word(word) if in_pattern => {
                    if word == "esac" && !pattern_started {
                        open_cases = open_cases.saturating_sub(1);
                        in_pattern = false;
                    } else {
                        pattern_started = true;
                    }
                }
                Token::Operator(op) if in_pattern => {
                    // `)` (read as `;`) ends the pattern; `|`, newlines and a leading `(` do not.
                    if op == ";" && pattern_started {
                        in_pattern = false;
                        self.emit(&mut current, &mut nested, Joint::Sequence);
                    }
                }
                Token::Word(word) => {
                    let at_start = current.words.is_empty();
                    if at_start && !in_header && matches!(word.as_str(), "for" | "case" | "select")
                    {
                        in_header = true;
                        header_is_case = word == "case";
                    } else if in_header && header_is_case && word == "in" {
                        in_header = false;
                        header_is_case = false;
                        open_cases += 1;
                        in_pattern = true;
                        pattern_started = false;
                    } else if at_start && word == "esac" && open_cases > 0 {
                        // The last branch may end without `;;`.
                        open_cases -= 1;
                    } else if in_header {
                        // The header ends at `do`, or at the separator checked below.
                        in_header = word != "do";
                    } else if at_start && KEYWORDS.contains(&word.as_str()) {
                        // A keyword, not a command: the command starts at the next word.
                    } else if at_start && is_assignment(&word) {
                        current.assignments.push(word);
                    } else {
                        current.words.push(word);
                    }
                }
                Token::Redirect(op) => {
                    self.skip_blanks();
                    let target = match self.token(close, &mut nested) {
                        Token::Word(w) => w,
                        _ => String::new(),
                    };
                    if op == "<<" || op == "<<-" {
                        let delimiter = target.replace(['\'', '"', '\\'], "");
                        pending_heredocs.push((delimiter, op == "<<-"));
                    }
                    current.redirects.push((op, target));
                }
                Token::Operator(op) => {
                    let joint = match op {
                        "&&" => Joint::And,
                        "||" => Joint::Or,
                        "|" => Joint::Pipe,
                        _ => Joint::Sequence,
                    };
                    if op == "\n" {
                        in_header = false;
                        for (delimiter, strip) in pending_heredocs.drain(..) {
                            self.skip_heredoc(&delimiter, strip);
                        }
                    }
                    if op == ";" || op == ";;" || op == "&" {
                        in_header = false;
                    }
                    if op == ";;" && open_cases > 0 {
                        in_pattern = true;
                        pattern_started = false;
                    }
                    self.emit(&mut current, &mut nested, joint);
                }
            }
        }
        self.emit(&mut current, &mut nested, Joint::Sequence);
    }

    /// Ends `current` (if it has anything) and starts the next command with `joint`.
    fn emit(&mut self, current: &mut Command, nested: &mut Vec<Command>, joint: Joint) {
        let substituted = current.substituted;
        if !current.words.is_empty() || !current.assignments.is_empty() {
            let done = std::mem::replace(
                current,
                Command {
                    assignments: Vec::new(),
                    words: Vec::new(),
                    redirects: Vec::new(),
                    joint,
                    substituted,
                },
            );
            self.out.push(done);
        } else {
            current.redirects.clear();
            // `a && ( b )`: the group's first command keeps the joint it was given.
            if joint != Joint::Sequence || current.joint == Joint::Sequence {
                current.joint = joint;
            }
        }
        self.out.append(nested);
    }

    fn skip_blanks(&mut self) {
        while let Some(c) = self.peek(0) {
            if c == ' ' || c == '\t' || c == '\r' {
                self.at += 1;
            } else if c == '\\' && self.peek(1) == Some('\n') {
                self.at += 2;
            } else {
                break;
            }
        }
    }

    /// Skips the body of a heredoc the script itself opens (`cat <<EOF > f`).
    fn skip_heredoc(&mut self, delimiter: &str, strip_tabs: bool) {
        while self.at < self.chars.len() {
            let start = self.at;
            while self.peek(0).is_some_and(|c| c != '\n') {
                self.at += 1;
            }
            let line: String = self.chars[start..self.at].iter().collect();
            self.at = (self.at + 1).min(self.chars.len());
            let line = if strip_tabs {
                line.trim_start_matches('\t')
            } else {
                &line
            };
            if line.trim_end_matches('\r') == delimiter {
                return;
            }
        }
    }

    /// Reads the next token. Command substitutions inside a word are parsed into `nested`.
    fn token(&mut self, close: Option<char>, nested: &mut Vec<Command>) -> Token {
        let Some(c) = self.peek(0) else {
            return Token::End;
        };
        let two: String = self.chars[self.at..(self.at + 2).min(self.chars.len())]
            .iter()
            .collect();
        match two.as_str() {
            "&&" | "||" | ";;" => {
                self.at += 2;
                return Token::Operator(match two.as_str() {
                    "&&" => "&&",
                    "||" => "||",
                    _ => ";;",
                });
            }
            "|&" => {
                self.at += 2;
                return Token::Operator("|");
            }
            "&>" => {
                self.at += 2;
                if self.peek(0) == Some('>') {
                    self.at += 1;
                }
                return Token::Redirect("&>".into());
            }
            _ => {}
        }
        match c {
            '\n' => {
                self.at += 1;
                return Token::Operator("\n");
            }
            ';' => {
                self.at += 1;
                return Token::Operator(";");
            }
            '|' => {
                self.at += 1;
                return Token::Operator("|");
            }
            '&' => {
                self.at += 1;
                return Token::Operator("&");
            }
            '(' | ')' => {
                self.at += 1;
                return Token::Operator(";");
            }
            '#' => {
                while self.peek(0).is_some_and(|c| c != '\n') {
                    self.at += 1;
                }
                return self.token(close, nested);
            }
            '<' | '>' => return Token::Redirect(self.redirect_op()),
            _ => {}
        }
        // A word, possibly prefixed by a file descriptor of a redirection (`2>`).
        let mut word = String::new();
        let start = self.at;
        while let Some(c) = self.peek(0) {
            match c {
                ' ' | '\t' | '\r' | '\n' | ';' | '&' | '|' | '(' | ')' => break,
                '<' | '>' => {
                    let digits = self.chars[start..self.at].iter().all(char::is_ascii_digit);
                    if digits && !word.is_empty() {
                        return Token::Redirect(format!("{word}{}", self.redirect_op()));
                    }
                    break;
                }
                _ if Some(c) == close && close == Some('`') => break,
                '\\' => {
                    match self.peek(1) {
                        Some('\n') => {}
                        Some(next) => word.push(next),
                        None => {}
                    }
                    self.at += 2;
                }
                '\'' => {
                    self.at += 1;
                    while let Some(c) = self.peek(0) {
                        self.at += 1;
                        if c == '\'' {
                            break;
                        }
                        word.push(c);
                    }
                }
                '"' => {
                    self.at += 1;
                    self.double_quoted(&mut word, nested);
                }
                '$' if self.peek(1) == Some('(') && self.peek(2) != Some('(') => {
                    self.substitution("$(", ')', &mut word, nested);
                }
                '$' if self.peek(1) == Some('{') => {
                    // `${VAR:-default}` is one word even with blanks inside the braces.
                    let mut depth = 0usize;
                    while let Some(c) = self.peek(0) {
                        word.push(c);
                        self.at += 1;
                        match c {
                            '{' => depth += 1,
                            '}' => {
                                depth = depth.saturating_sub(1);
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                }
                '`' => self.substitution("`", '`', &mut word, nested),
                _ => {
                    word.push(c);
                    self.at += 1;
                }
            }
        }
        if self.at == start {
            // A char no rule above consumed (a closing backquote outside a substitution).
            self.at += 1;
            return self.token(close, nested);
        }
        Token::Word(word)
    }

    fn redirect_op(&mut self) -> String {
        let mut op = String::new();
        while let Some(c) = self.peek(0) {
            if matches!(c, '<' | '>' | '&' | '-') && op.len() < 3 {
                // `>&2`, `<<-`, `<<<`: the operator; the target follows.
                if c == '&' && op.is_empty() || c == '-' && op != "<<" {
                    break;
                }
                op.push(c);
                self.at += 1;
            } else {
                break;
            }
        }
        op
    }

    fn double_quoted(&mut self, word: &mut String, nested: &mut Vec<Command>) {
        while let Some(c) = self.peek(0) {
            match c {
                '"' => {
                    self.at += 1;
                    return;
                }
                '\\' => {
                    if let Some(next) = self.peek(1) {
                        if !matches!(next, '"' | '\\' | '$' | '`' | '\n') {
                            word.push('\\');
                        }
                        if next != '\n' {
                            word.push(next);
                        }
                    }
                    self.at += 2;
                }
                '$' if self.peek(1) == Some('(') && self.peek(2) != Some('(') => {
                    self.substitution("$(", ')', word, nested);
                }
                '`' => self.substitution("`", '`', word, nested),
                _ => {
                    word.push(c);
                    self.at += 1;
                }
            }
        }
    }

    /// Reads a `$( ... )` or backquoted script that starts at `opener`: its text goes into
    /// `word` as written, its commands to `nested`.
    fn substitution(
        &mut self,
        opener: &str,
        close: char,
        word: &mut String,
        nested: &mut Vec<Command>,
    ) {
        self.at += opener.chars().count();
        let begin = self.at;
        if self.depth >= MAX_DEPTH {
            self.skip_balanced(close);
        } else {
            let mut inner = Vec::new();
            let mut reader = Reader {
                chars: self.chars,
                at: self.at,
                depth: self.depth + 1,
                out: &mut inner,
            };
            reader.script(Some(close));
            self.at = reader.at;
            for command in &mut inner {
                command.substituted = true;
            }
            nested.append(&mut inner);
        }
        word.push_str(opener);
        word.extend(&self.chars[begin..self.at]);
    }

    fn skip_balanced(&mut self, close: char) {
        let open = if close == ')' { '(' } else { '\0' };
        let mut depth = 1usize;
        while let Some(c) = self.peek(0) {
            self.at += 1;
            if c == open {
                depth += 1;
            } else if c == close {
                depth -= 1;
                if depth == 0 {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        parse(text)
            .commands
            .iter()
            .map(|c| c.words.join(" "))
            .collect()
    }

    #[test]
    fn splits_on_operators_and_keeps_joints() {
        let script = parse("apt-get update && apt-get install -y curl || true; echo hi | tee x &");
        let joints: Vec<Joint> = script.commands.iter().map(|c| c.joint).collect();
        assert_eq!(
            names("apt-get update && apt-get install -y curl || true; echo hi | tee x &"),
            [
                "apt-get update",
                "apt-get install -y curl",
                "true",
                "echo hi",
                "tee x"
            ]
        );
        assert_eq!(
            joints,
            [
                Joint::Sequence,
                Joint::And,
                Joint::Or,
                Joint::Sequence,
                Joint::Pipe
            ]
        );
    }

    #[test]
    fn quotes_escapes_and_continuations() {
        assert_eq!(
            names("echo 'a b' \"c $X d\" e\\ f \\\n  g"),
            ["echo a b c $X d e f g"]
        );
        assert_eq!(
            parse("echo 'a b' c").commands[0].words,
            ["echo", "a b", "c"]
        );
    }

    #[test]
    fn assignments_redirects_and_fds() {
        let c = &parse("DEBIAN_FRONTEND=noninteractive apt-get install x > /log 2>&1").commands[0];
        assert_eq!(c.assignments, ["DEBIAN_FRONTEND=noninteractive"]);
        assert_eq!(c.words, ["apt-get", "install", "x"]);
        assert_eq!(
            c.redirects,
            [
                (">".to_string(), "/log".to_string()),
                ("2>&".into(), "1".into())
            ]
        );
    }

    #[test]
    fn substitutions_are_commands_too() {
        let script = parse("export V=$(curl -s https://x | jq -r .v) && echo `uname -m`");
        let all: Vec<String> = script.commands.iter().map(|c| c.words.join(" ")).collect();
        assert_eq!(
            all,
            [
                "export V=$(curl -s https://x | jq -r .v)",
                "curl -s https://x",
                "jq -r .v",
                "echo `uname -m`",
                "uname -m"
            ]
        );
        assert!(script.commands[1].substituted);
    }

    #[test]
    fn keywords_loops_and_groups() {
        assert_eq!(
            names(
                "if [ -f x ]; then rm x; fi; for f in a b; do chmod +x $f; done; (cd /x && make)"
            ),
            ["[ -f x ]", "rm x", "chmod +x $f", "cd /x", "make"]
        );
    }

    #[test]
    fn case_patterns_are_neither_commands_nor_pipes() {
        let text = "case \"$arch\" in\n  x86_64|aarch64) echo a ;;\n  (arm*) echo b | tee x ;;\n  *) echo c\nesac; ls";
        assert_eq!(names(text), ["echo a", "echo b", "tee x", "echo c", "ls"]);
        let joints: Vec<Joint> = parse(text).commands.iter().map(|c| c.joint).collect();
        assert_eq!(
            joints,
            [
                Joint::Sequence,
                Joint::Sequence,
                Joint::Pipe,
                Joint::Sequence,
                Joint::Sequence
            ]
        );
        let one_line = "case $a in x|y) make ;; esac && echo done";
        assert_eq!(names(one_line), ["make", "echo done"]);
    }

    #[test]
    fn heredocs_inside_the_script_are_skipped() {
        assert_eq!(
            names("cat <<EOF > /etc/x\napt-get install y\nEOF\necho done"),
            ["cat", "echo done"]
        );
    }

    #[test]
    fn wrappers_unwrap() {
        let c = &parse("sudo -u root env A=1 /usr/bin/apt-get -qy install curl").commands[0];
        let inner = c.unwrapped();
        assert_eq!(inner.program(), "apt-get");
        assert!(inner.has_flag("-y"));
        assert!(!inner.has_flag("--no-install-recommends"));
        assert_eq!(inner.subcommand(), Some("install"));
    }

    #[test]
    fn hostile_input_is_bounded() {
        let deep = "$(".repeat(10_000);
        let _ = parse(&deep);
        let _ = parse(&"`".repeat(10_001));
        let _ = parse("echo \"unterminated $(x");
        let _ = parse("'");
        let _ = parse("2>");
        let _ = parse("${");
    }
}
