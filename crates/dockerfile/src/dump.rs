//! BuildKit's `Node.Dump()` s-expression format, e.g. `(copy ["--from=a"] "src" "dst")`. It is
//! what BuildKit's own golden parser tests compare against, so matching it byte for byte is how
//! we check that we parse the same tree.

use std::fmt::Write;

use crate::ast::{Args, Dockerfile, Instruction, Kind};

/// One line per instruction, newline-terminated, exactly like BuildKit's test expectations.
pub fn dump(dockerfile: &Dockerfile) -> String {
    let mut out = String::new();
    for ins in &dockerfile.instructions {
        out.push('(');
        out.push_str(&instruction(ins));
        out.push_str(")\n");
    }
    out
}

fn instruction(ins: &Instruction) -> String {
    let mut out = ins.keyword.to_lowercase();
    if !ins.flags.is_empty() {
        let flags: Vec<String> = ins
            .flags
            .iter()
            .map(|f| match &f.value {
                Some(value) => go_quote(&format!("--{}={value}", f.name)),
                None => go_quote(&format!("--{}", f.name)),
            })
            .collect();
        let _ = write!(out, " [{}]", flags.join(" "));
    }
    if matches!(ins.kind, Kind::Unknown(_)) {
        // BuildKit keeps no arguments for instructions it does not know, just an empty node.
        out.push_str(" \"\"");
        return out.trim().to_string();
    }
    args(&ins.args, &mut out);
    out.trim().to_string()
}

fn args(args: &Args, out: &mut String) {
    let mut value = |v: &str| {
        out.push(' ');
        out.push_str(&go_quote(v));
    };
    match args {
        Args::None => {}
        Args::Shell(arg) => value(&arg.value),
        Args::Exec(list) | Args::Words(list) => list.iter().for_each(|a| value(&a.value)),
        Args::KeyValues(pairs) => {
            for kv in pairs {
                value(&kv.key.value);
                value(&kv.value.value);
                value(if kv.equals { "=" } else { "" });
            }
        }
        Args::Healthcheck { kind, command } => {
            value(&kind.value);
            self::args(command, out);
        }
        Args::Onbuild(trigger) => {
            let _ = write!(out, " ({})", instruction(trigger));
        }
    }
}

/// Go's `strconv.Quote`: printable chars as is, the rest escaped. Go decides "printable" with
/// its Unicode tables; this approximation covers controls, format chars, odd spaces and
/// private use, which is what occurs in practice.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

fn is_go_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    let n = c as u32;
    let format_or_space = matches!(
        n,
        0x80..=0xA0
            | 0xAD
            | 0x600..=0x605
            | 0x61C
            | 0x6DD
            | 0x70F
            | 0x1680
            | 0x180E
            | 0x2000..=0x200F
            | 0x2028..=0x202F
            | 0x205F..=0x2064
            | 0x2066..=0x206F
            | 0x3000
            | 0xD800..=0xF8FF
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0xFFFE..=0xFFFF
            | 0xE0001
            | 0xE0020..=0xE007F
            | 0xF0000..
    );
    !format_or_space && !c.is_control()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_go() {
        assert_eq!(go_quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(go_quote("\u{0}\t☃"), r#""\x00\t☃""#);
        assert_eq!(go_quote("\u{a0}"), r#""\u00a0""#);
    }
}
