//! The history side: what a builder wrote in `created_by`, read back into an instruction
//! keyword and its text.
//!
//! - Classic builder: metadata steps are `<shell> #(nop)  KEYWORD text`, a RUN is the command
//!   line itself (`/bin/sh -c apk add x`), and COPY/ADD name their source by content digest
//!   (`COPY file:<hex> in /app `).
//! - BuildKit: the instruction itself (`ENV A=1`, `RUN /bin/sh -c apk add x`), with
//!   ` # buildkit` after steps that ran an operation.
//! - Both put the build args a RUN saw in front of its command: `|2 A=1 B=2 /bin/sh -c ...`.

use drydock_dockerfile::Kind;

/// One history row's instruction, as far as its text says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Recorded {
    /// The canonical keyword (`RUN` for a classic builder's command line); empty for a row
    /// with no text, such as an imported base.
    pub keyword: String,
    /// The text after the keyword, trimmed.
    pub body: String,
}

pub(crate) fn read(created_by: &str) -> Recorded {
    let text = created_by.trim();
    let text = text.strip_suffix("# buildkit").unwrap_or(text).trim_end();
    if text.is_empty() {
        return Recorded {
            keyword: String::new(),
            body: String::new(),
        };
    }
    if let Some((_, rest)) = text.split_once("#(nop)") {
        let (word, body) = first_word(rest.trim_start());
        return Recorded {
            keyword: word.to_ascii_uppercase(),
            body: body.to_string(),
        };
    }
    let (word, body) = first_word(text);
    let is_keyword = word.bytes().all(|b| b.is_ascii_uppercase())
        && !matches!(Kind::from_keyword(word), Kind::Unknown(_));
    if is_keyword {
        Recorded {
            keyword: word.to_string(),
            body: body.to_string(),
        }
    } else {
        Recorded {
            keyword: "RUN".to_string(),
            body: text.to_string(),
        }
    }
}

/// The first whitespace-separated word and the trimmed rest.
pub(crate) fn first_word(text: &str) -> (&str, &str) {
    match text.split_once(char::is_whitespace) {
        Some((word, rest)) => (word, rest.trim()),
        None => (text, ""),
    }
}

/// Whether a recorded RUN line is `command`, maybe behind a `|N K=V ...` build-arg prefix
/// (with at least N `=` in it, so a line is not taken for a prefix on its ending alone).
pub(crate) fn run_is(body: &str, command: &str) -> bool {
    if body == command {
        return true;
    }
    let Some(rest) = body.strip_prefix('|') else {
        return false;
    };
    let Some(prefix_len) = body.len().checked_sub(command.len() + 1) else {
        return false;
    };
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let Ok(count) = digits.parse::<usize>() else {
        return false;
    };
    body.ends_with(command)
        && body.get(prefix_len..=prefix_len) == Some(" ")
        && body
            .get(..prefix_len)
            .is_some_and(|prefix| prefix.matches('=').count() >= count)
}

/// A classic builder's `file:<hex> in <dest>` (also `dir:`, `multi:`): the destination.
pub(crate) fn digest_destination(body: &str) -> Option<&str> {
    let (source, rest) = body.split_once(' ')?;
    let (scheme, hex) = source.split_once(':')?;
    let known = matches!(scheme, "file" | "dir" | "multi");
    if !known || hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    rest.strip_prefix("in ").map(str::trim)
}

/// The words of a BuildKit COPY/ADD line, flags left out.
pub(crate) fn copy_words(body: &str) -> Vec<&str> {
    body.split_whitespace()
        .filter(|w| !w.starts_with("--"))
        .collect()
}

/// A Go `%q` list of strings (`["sh" "-c" "x"]`, as both builders record CMD and ENTRYPOINT),
/// also read with commas between the strings (JSON). `None` when it is not one.
pub(crate) fn quoted_list(body: &str) -> Option<Vec<String>> {
    let inner = body.trim().strip_prefix('[')?.strip_suffix(']')?;
    let mut out = Vec::new();
    let mut chars = inner.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace() || *c == ',').is_some() {}
        match chars.next() {
            None => return Some(out),
            Some('"') => {}
            Some(_) => return None,
        }
        let mut s = String::new();
        loop {
            match chars.next()? {
                '"' => break,
                '\\' => s.push(unescape(&mut chars)?),
                c => s.push(c),
            }
        }
        out.push(s);
    }
}

fn unescape(chars: &mut impl Iterator<Item = char>) -> Option<char> {
    let escaped = chars.next()?;
    let digits = match escaped {
        'x' => 2,
        'u' => 4,
        'U' => 8,
        _ => 0,
    };
    if digits > 0 {
        let mut value = 0u32;
        for _ in 0..digits {
            value = value.checked_mul(16)? + chars.next()?.to_digit(16)?;
        }
        return char::from_u32(value);
    }
    Some(match escaped {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        'a' => '\x07',
        'b' => '\x08',
        'f' => '\x0c',
        'v' => '\x0b',
        c => c,
    })
}

/// Words joined by single spaces.
pub(crate) fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// EXPOSE as a sorted port list: classic writes the ports as given (`8080`), BuildKit its
/// port set (`map[8080/tcp:{}]`).
pub(crate) fn ports(body: &str) -> Vec<String> {
    let inner = body
        .trim()
        .strip_prefix("map[")
        .and_then(|b| b.strip_suffix(']'))
        .unwrap_or(body);
    let mut ports: Vec<String> = inner
        .split_whitespace()
        .map(|p| {
            let p = p.strip_suffix(":{}").unwrap_or(p);
            if p.contains('/') {
                p.to_ascii_lowercase()
            } else {
                format!("{p}/tcp")
            }
        })
        .collect();
    ports.sort();
    ports.dedup();
    ports
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(keyword: &str, body: &str) -> Recorded {
        Recorded {
            keyword: keyword.into(),
            body: body.into(),
        }
    }

    #[test]
    fn classic_and_buildkit_forms_read_the_same() {
        assert_eq!(
            read("/bin/sh -c #(nop)  ENV APP_HOME=/app MODE=world"),
            rec("ENV", "APP_HOME=/app MODE=world")
        );
        assert_eq!(
            read("ENV APP_HOME=/app MODE=world"),
            rec("ENV", "APP_HOME=/app MODE=world")
        );
        assert_eq!(
            read("/bin/sh -c #(nop) COPY file:9038e1 in ./ "),
            rec("COPY", "file:9038e1 in ./")
        );
        assert_eq!(
            read("COPY hello.txt ./ # buildkit"),
            rec("COPY", "hello.txt ./")
        );
        assert_eq!(
            read("/bin/sh -c apk add x"),
            rec("RUN", "/bin/sh -c apk add x")
        );
        assert_eq!(
            read("RUN |1 A=1 /bin/sh -c apk add x # buildkit"),
            rec("RUN", "|1 A=1 /bin/sh -c apk add x")
        );
        assert_eq!(read(""), rec("", ""));
    }

    #[test]
    fn run_lines_match_behind_build_args_only() {
        assert!(run_is("/bin/sh -c ls", "/bin/sh -c ls"));
        assert!(run_is("|2 A=1 B=x y /bin/sh -c ls", "/bin/sh -c ls"));
        assert!(!run_is("|2 A=1 B=2 /bin/sh -c ls -l", "/bin/sh -c ls"));
        assert!(!run_is(
            "/bin/sh -c rm -rf /; /bin/sh -c ls",
            "/bin/sh -c ls"
        ));
        assert!(!run_is("|x /bin/sh -c ls", "/bin/sh -c ls"));
        assert!(!run_is("|2 A=1 /bin/sh -c ls", "/bin/sh -c ls"));
        assert!(!run_is(
            "|99999999999999999999999 /bin/sh -c ls",
            "/bin/sh -c ls"
        ));
    }

    #[test]
    fn digests_give_the_destination() {
        assert_eq!(digest_destination("file:ab12 in /app"), Some("/app"));
        assert_eq!(
            digest_destination("dir:ab12 in /etc/conf/"),
            Some("/etc/conf/")
        );
        assert_eq!(digest_destination("hello.txt ./"), None);
        assert_eq!(digest_destination("file:zz in /app"), None);
    }

    #[test]
    fn quoted_lists_read_go_and_json() {
        assert_eq!(
            quoted_list(r#"["/bin/sh" "-c" "echo \"hi\"\n"]"#),
            Some(vec!["/bin/sh".into(), "-c".into(), "echo \"hi\"\n".into()])
        );
        assert_eq!(
            quoted_list(r#"["sh", "-c"]"#),
            Some(vec!["sh".into(), "-c".into()])
        );
        assert_eq!(quoted_list("[]"), Some(vec![]));
        for bad in ["[", r#"["a"#, r#"["\x4"]"#, "[a]", "sh", r#"["\"]"#] {
            assert_eq!(quoted_list(bad), None, "{bad}");
        }
    }

    #[test]
    fn ports_read_both_forms() {
        assert_eq!(ports("8080 53/udp"), vec!["53/udp", "8080/tcp"]);
        assert_eq!(
            ports("map[53/udp:{} 8080/tcp:{}]"),
            vec!["53/udp", "8080/tcp"]
        );
    }

    #[test]
    fn hostile_text_does_not_panic() {
        for text in [
            "#(nop)",
            "é#(nop)é",
            "|",
            "|9",
            "[\"\\",
            "\u{0}",
            "RUN",
            "# buildkit",
        ] {
            let r = read(text);
            let _ = run_is(&r.body, "x");
            let _ = digest_destination(&r.body);
            let _ = quoted_list(&r.body);
            let _ = ports(&r.body);
        }
    }
}
