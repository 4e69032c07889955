//! ## What it does
//! Flags an `EXPOSE` protocol written in uppercase or mixed case (`80/TCP`).
//!
//! ## Why it matters
//! The image records exposed ports as lowercase `port/protocol` keys; `80/TCP` is accepted
//! only because the builder lowercases it. Writing the form the image stores keeps the
//! Dockerfile in line with what `docker inspect` and orchestrators show, and the builder warns
//! about the difference.
//!
//! ## Example
//! ```dockerfile
//! FROM nginx:1.27
//! EXPOSE 80/TCP 53/UDP
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM nginx:1.27
//! EXPOSE 80/tcp 53/udp
//! ```

use drydock_dockerfile::Kind;

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD518",
    name: "expose-protocol-casing",
    level: Level::Warning,
    hadolint: None,
    source: include_str!("expose_protocol_casing.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for ins in cx.instructions() {
        if ins.kind != Kind::Expose {
            continue;
        }
        for arg in ins.args.all() {
            let Some((port, proto)) = arg.value.split_once('/') else {
                continue;
            };
            if proto.chars().any(|c| c.is_ascii_uppercase())
                && matches!(proto.to_ascii_lowercase().as_str(), "tcp" | "udp" | "sctp")
            {
                let lower = proto.to_ascii_lowercase();
                out.add_with_fix(
                    arg.span,
                    format!(
                        "write the protocol of `{}` in lowercase: `{port}/{lower}`",
                        arg.value
                    ),
                    format!("{port}/{lower}"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, hits, passes};

    #[test]
    fn catches_uppercase_protocols() {
        assert_eq!(catches(&RULE, "FROM a\nEXPOSE 80/TCP\n"), [2]);
        let found = hits(&RULE, "FROM a\nEXPOSE 80 53/Udp\n");
        assert_eq!(found[0].fix.as_deref(), Some("53/udp"));
    }

    #[test]
    fn does_not_catch_lowercase_or_no_protocol() {
        passes(&RULE, "FROM a\nEXPOSE 80 443/tcp 53/udp\n");
    }
}
