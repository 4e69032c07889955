//! ## What it does
//! Flags an `EXPOSE` entry that is not a port the container can listen on: a number above
//! 65535, a range whose ends are out of order, a protocol other than `tcp`, `udp` or `sctp`,
//! or a host mapping (`8080:80`, `127.0.0.1:80:80`) that belongs to `docker run -p`.
//! Entries built from variables are checked once the variables the file sets are expanded.
//!
//! ## Why it matters
//! `EXPOSE` documents which ports the image's process listens on, and tools such as
//! `docker run -P` and orchestrators read it. A value that is not a valid port either fails the
//! build or records nonsense in the image; a host mapping cannot be decided by the image at
//! all, since the host chooses its ports when it runs the container.
//!
//! ## Example
//! ```dockerfile
//! FROM nginx:1.27
//! EXPOSE 80800
//! EXPOSE 8080:80
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM nginx:1.27
//! EXPOSE 80
//! ```
//! and publish it with `docker run -p 8080:80`.

use drydock_dockerfile::{expand_word, Kind};

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD517",
    name: "expose-invalid-port",
    level: Level::Error,
    hadolint: Some("DL3011"),
    source: include_str!("expose_invalid_port.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for (index, ins) in cx.instructions().iter().enumerate() {
        if ins.kind != Kind::Expose {
            continue;
        }
        let env = cx.scope(index);
        for arg in ins.args.all() {
            let Ok(value) = expand_word(&arg.value, env, cx.file.escape) else {
                continue;
            };
            if value.contains('$') || (arg.value.contains('$') && value.is_empty()) {
                continue;
            }
            for entry in value.split_whitespace() {
                if let Some(problem) = problem(entry) {
                    out.add(arg.span, format!("`EXPOSE {entry}`: {problem}"));
                }
            }
        }
    }
}

/// What is wrong with one `port[-port][/proto]` entry, if anything.
fn problem(entry: &str) -> Option<String> {
    let (ports, proto) = match entry.split_once('/') {
        Some((ports, proto)) => (ports, Some(proto)),
        None => (entry, None),
    };
    if ports.contains(':') {
        return Some(
            "EXPOSE takes the container's port only; the host side of a mapping is chosen with `docker run -p`"
                .to_string(),
        );
    }
    if let Some(proto) = proto {
        if !matches!(proto.to_ascii_lowercase().as_str(), "tcp" | "udp" | "sctp") {
            return Some(format!(
                "`{proto}` is not a protocol EXPOSE knows: use tcp, udp or sctp"
            ));
        }
    }
    let (low, high) = match ports.split_once('-') {
        Some((low, high)) => (low, high),
        None => (ports, ports),
    };
    let parse = |p: &str| -> Option<u32> {
        if p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        p.parse::<u32>().ok().or(Some(u32::MAX))
    };
    let (Some(low), Some(high)) = (parse(low), parse(high)) else {
        return Some(format!("`{ports}` is not a port number"));
    };
    if low > 65535 || high > 65535 {
        return Some("ports range from 0 to 65535".to_string());
    }
    if low > high {
        return Some("the range ends below where it starts".to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_invalid_ports() {
        assert_eq!(catches(&RULE, "FROM a\nEXPOSE 80800\n"), [2]);
        catches(&RULE, "FROM a\nEXPOSE 8080:80\n");
        catches(&RULE, "FROM a\nEXPOSE 127.0.0.1:80:80\n");
        catches(&RULE, "FROM a\nEXPOSE 9000-8000\n");
        catches(&RULE, "FROM a\nEXPOSE 80/http\n");
        catches(&RULE, "FROM a\nEXPOSE http\n");
        catches(&RULE, "FROM a\nARG PORT=99999\nEXPOSE $PORT\n");
    }

    #[test]
    fn does_not_catch_valid_ports_or_unknown_variables() {
        passes(
            &RULE,
            "FROM a\nEXPOSE 80 443/tcp 53/udp 8000-8010 9/sctp 0 65535\n",
        );
        passes(&RULE, "FROM a\nEXPOSE $PORT\n");
        passes(&RULE, "FROM a\nARG PORT=8080\nEXPOSE ${PORT}/tcp\n");
        passes(&RULE, "FROM a\nEXPOSE 80/TCP\n");
    }
}
