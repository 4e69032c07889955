//! ## What it does
//! Flags an `ENV` whose value uses a variable set by an earlier pair of the same `ENV`
//! (`ENV APP_HOME=/app APP_BIN=$APP_HOME/bin`).
//!
//! ## Why it matters
//! All the values of one `ENV` are expanded before any of its pairs takes effect. In the
//! example `$APP_HOME` is still unset (or holds its previous value) when `APP_BIN` is
//! computed, so `APP_BIN` becomes `/bin`, not `/app/bin`. Nothing fails at build time; the
//! wrong path shows up when the container runs. A pair that refers to its own old value
//! (`ENV PATH=/app/bin:$PATH`) is fine and not reported; the same variable set twice in one
//! ENV is: in `ENV PATH=/a:$PATH PATH=/b:$PATH` the second `$PATH` is the old one, so `/a` is
//! lost, and without a reference the first value never takes effect.
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
//!
//! ## Differences from hadolint
//! - `ENV B=$A A=1` is not reported (B gets A's earlier value, as it would on its own line);
//!   hadolint reports any reference to a variable the same ENV sets.
//! - A variable set twice in one ENV is reported even with no reference (`ENV A=1 A=2`), and
//!   when a variable of that name was set before (hadolint then stays quiet).

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
            let key = kv.key.value.as_str();
            let earlier = first
                .get(key)
                .filter(|&&i| i < at)
                .and_then(|&i| pairs.get(i));
            if let Some(earlier) = earlier {
                let own = expansion
                    .used
                    .iter()
                    .chain(&expansion.unset)
                    .any(|n| n == key);
                let message = if own {
                    format!("`{key}` is set twice in this ENV and `${key}` here is still the value from before it, so `{key}={}` is lost: set them in two ENVs", earlier.value.value)
                } else {
                    format!("`{key}` is set twice in this ENV, so `{key}={}` never takes effect: remove one", earlier.value.value)
                };
                out.add(kv.key.span.to(kv.value.span), message);
                continue;
            }
            let referenced = expansion.used.iter().chain(&expansion.unset);
            for name in referenced {
                if name == key {
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

    // The same variable twice in one ENV was not reported.
    #[test]
    fn catches_a_variable_set_twice() {
        let found = hits(&RULE, "FROM a\nENV PATH=/a:${PATH} PATH=/b:${PATH}\n");
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("is lost"), "{}", found[0].message);
        assert_eq!(found[0].column, 21);
        assert_eq!(catches(&RULE, "FROM a\nENV A=1 \\\n  A=2\n"), [3]);
    }

    #[test]
    fn does_not_catch_own_or_earlier_values() {
        passes(&RULE, "FROM a\nENV PATH=/app/bin:$PATH\n");
        passes(&RULE, "FROM a\nENV A=/app\nENV B=$A/bin\n");
        passes(&RULE, "FROM a\nENV B=$A A=1\n");
        passes(&RULE, "FROM a\nENV A=1 B='$A'\n");
    }
}
