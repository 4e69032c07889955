//! ## What it does
//! Flags an `ENV` whose value uses a variable set by an earlier pair of the same `ENV`
//! (`ENV APP_HOME=/app APP_BIN=$APP_HOME/bin`).
//!
//! ## Why it matters
//! All the values of one `ENV` are expanded before any of its pairs takes effect. In the
//! example `$APP_HOME` is still unset (or holds its previous value) when `APP_BIN` is
//! computed, so `APP_BIN` becomes `/bin`, not `/app/bin`. Nothing fails at build time; the
//! wrong path shows up when the container runs. A pair that refers to its own old value
//! (`ENV PATH=/app/bin:$PATH`) is fine and not reported.
//!
//! ## Example
//! ```dockerfile
//! FROM alpine:3.20
//! ENV APP_HOME=/app APP_BIN=$APP_HOME/bin
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! ENV APP_HOME=/app
//! ENV APP_BIN=$APP_HOME/bin
//! ```

use std::collections::HashMap;

use drydock_dockerfile::{Args, Kind, Lexer, Variables};

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD519",
    name: "env-self-reference",
    level: Level::Error,
    hadolint: Some("DL3044"),
    source: include_str!("env_self_reference.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for (index, ins) in cx.instructions().iter().enumerate() {
        let (Kind::Env, Args::KeyValues(pairs)) = (&ins.kind, &ins.args) else {
            continue;
        };
        let env = cx.scope(index);
        // Where each key is first set in this ENV, so a long ENV line is read once.
        let mut first: HashMap<&str, usize> = HashMap::new();
        for (at, kv) in pairs.iter().enumerate() {
            first.entry(kv.key.value.as_str()).or_insert(at);
        }
        for (at, kv) in pairs.iter().enumerate() {
            let Ok(expansion) = Lexer::new(cx.file.escape).process(&kv.value.value, env) else {
                continue;
            };
            let referenced = expansion.used.iter().chain(&expansion.unset);
            for name in referenced {
                if name == &kv.key.value {
                    continue;
                }
                let setter = first
                    .get(name.as_str())
                    .filter(|&&i| i < at)
                    .and_then(|&i| pairs.get(i));
                let Some(setter) = setter else {
                    continue;
                };
                let now = match env.value(name) {
                    Some(old) => format!("still `{}`", shown(old)),
                    None => "still unset".to_string(),
                };
                out.add(
                    kv.value.span,
                    format!(
                        "`${name}` here is {now}: an ENV expands all its values before setting any, so `{name}={}` beside it does not count; move `{}` to its own ENV",
                        setter.value.value, kv.key.value
                    ),
                );
            }
        }
    }
}

/// A value as a message shows it: a long one is cut, so that many findings about one big
/// value do not each carry a copy of it.
fn shown(value: &str) -> String {
    const MAX: usize = 80;
    match value.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", value.get(..cut).unwrap_or(value)),
        None => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, hits, passes};

    #[test]
    fn catches_references_to_earlier_pairs() {
        assert_eq!(catches(&RULE, "FROM a\nENV A=/app B=$A/bin\n"), [2]);
        catches(&RULE, "FROM a\nENV A=1 \\\n    B=${A}\n");
        let found = hits(&RULE, "FROM a\nENV A=old\nENV A=new B=$A\n");
        assert!(found[0].message.contains("still `old`"));
    }

    #[test]
    fn does_not_catch_own_or_earlier_values() {
        passes(&RULE, "FROM a\nENV PATH=/app/bin:$PATH\n");
        passes(&RULE, "FROM a\nENV A=/app\nENV B=$A/bin\n");
        passes(&RULE, "FROM a\nENV B=$A A=1\n");
        passes(&RULE, "FROM a\nENV A=1 B='$A'\n");
    }
}
