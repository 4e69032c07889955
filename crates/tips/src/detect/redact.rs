//! Which names look secret, and a build step with their values masked: every tip's `step` goes
//! through [`step`], so a token passed as a build argument never reaches the output, whichever
//! tip shows the step.

/// The mask that replaces a value.
pub(super) const MASK: &str = "***";

/// Name parts after which a name is about a secret without holding one (`TOKEN_URL`,
/// `PASSWORD_FILE`): a place, a kind, a size.
const NOT_SECRET_LAST: &[&str] = &[
    "URL", "URI", "FILE", "PATH", "DIR", "HOST", "PORT", "ENDPOINT", "VERSION", "SHA", "SHA1",
    "SHA256", "SHA512", "CHECKSUM", "TYPE", "METHOD", "HEADER", "LENGTH", "TTL", "EXPIRY",
    "TIMEOUT", "ENABLED", "REQUIRED", "MODE", "PROVIDER", "SERVER", "REALM", "ISSUER", "SCOPE",
];

/// Whether a variable or flag name (`DB_PASSWORD`, `--api-key`, `npm_authToken`) says its value
/// is a secret. Parts are split at `_`, `-` and `.`, case ignored: a part ending in `PASSWORD`,
/// `PASSWD`, `SECRET`, `TOKEN`, `APIKEY` or `CREDENTIAL(S)`, a part `AUTH`, or the pairs
/// `API KEY`, `ACCESS KEY`, `PRIVATE KEY`, `SECRET KEY`; not when the last part names a place or
/// a kind (`TOKEN_URL`, `PASSWORD_FILE`).
pub(super) fn is_secret_name(name: &str) -> bool {
    let upper = name.trim_start_matches('-').to_ascii_uppercase();
    let parts: Vec<&str> = upper
        .split(['_', '-', '.'])
        .filter(|p| !p.is_empty())
        .collect();
    let Some(last) = parts.last() else {
        return false;
    };
    if NOT_SECRET_LAST.contains(last) {
        return false;
    }
    let single = parts.iter().any(|p| {
        ["PASSWORD", "PASSWD", "SECRET", "SECRETS", "TOKEN", "APIKEY", "CREDENTIAL", "CREDENTIALS"]
            .iter()
            .any(|word| p.ends_with(word))
            || *p == "AUTH"
            // `authToken`, `accessKey` written as one camel-case part.
            || p.ends_with("ACCESSKEY")
            || p.ends_with("PRIVATEKEY")
            || p.ends_with("SECRETKEY")
    });
    let pair = parts.windows(2).any(|w| {
        matches!(
            (w[0], w[1]),
            ("API", "KEY") | ("ACCESS", "KEY") | ("PRIVATE", "KEY") | ("SECRET", "KEY")
        )
    });
    single || pair
}

/// Whether a value is one a secret-looking name commonly holds without being a secret: empty,
/// a switch (`MYSQL_ALLOW_EMPTY_PASSWORD=yes`), or a reference to a variable or a file.
pub(super) fn is_placeholder(value: &str) -> bool {
    let value = value.trim().trim_matches(['"', '\'']);
    value.is_empty()
        || value.starts_with('$')
        || value.starts_with('/')
        || ["yes", "no", "true", "false", "0", "1", "on", "off"]
            .iter()
            .any(|word| value.eq_ignore_ascii_case(word))
}

/// `created_by` with secret-looking values replaced by [`MASK`]: the value of a `NAME=value`
/// word whose name (or the name's last part, as in `//registry/:_authToken=...`) looks secret;
/// the word after a secret-looking flag or key (`--password x`, `//registry/:_authToken x`),
/// after `Bearer`/`Basic`, and after `-u`/`--user` when it holds a colon (`curl -u user:pass`);
/// and the user part of `scheme://user:password@host`. Linear in the text.
pub(super) fn step(created_by: &str) -> String {
    let mut out = String::with_capacity(created_by.len());
    // Inside a quoted secret value that spans words: the quote that ends it.
    let mut open_quote: Option<char> = None;
    let mut mask_next = Next::Keep;
    for (word, space) in words(created_by) {
        if let Some(quote) = open_quote {
            if word.ends_with(quote) {
                open_quote = None;
            }
            out.push_str(space);
            continue;
        }
        let masked = match mask_next {
            Next::Mask => !word.starts_with('-'),
            Next::MaskIfColon => word.contains(':'),
            Next::Keep => false,
        };
        mask_next = Next::Keep;
        if masked {
            out.push_str(MASK);
            out.push_str(space);
            continue;
        }
        match word.split_once('=') {
            Some((name, value)) if is_secret_name(name_tail(name)) => {
                out.push_str(name);
                out.push('=');
                if !value.is_empty() {
                    out.push_str(MASK);
                }
                // A quote that opens before the value and does not close in this word.
                let opener = name
                    .chars()
                    .next()
                    .filter(|c| *c == '"' || *c == '\'')
                    .or_else(|| value.chars().next().filter(|c| *c == '"' || *c == '\''));
                if let Some(quote) = opener {
                    let closed = value.len() > 1 && value.ends_with(quote)
                        || !value.starts_with(quote) && value.ends_with(quote);
                    if !closed {
                        open_quote = Some(quote);
                    }
                }
            }
            _ => {
                let bare = word.trim_matches(['"', '\'']);
                let key = bare.trim_end_matches(':');
                let key_like = word.starts_with("--") || key.contains(':') || key.contains('/');
                let scheme =
                    bare.eq_ignore_ascii_case("bearer") || bare.eq_ignore_ascii_case("basic");
                if scheme || key_like && is_secret_name(name_tail(key)) {
                    mask_next = Next::Mask;
                } else if word == "-u" || word == "--user" {
                    mask_next = Next::MaskIfColon;
                }
                out.push_str(&mask_userinfo(word));
            }
        }
        out.push_str(space);
    }
    out
}

/// What to do with the next word.
#[derive(Clone, Copy)]
enum Next {
    Keep,
    Mask,
    MaskIfColon,
}

/// The last name-like part of `text` (`_authToken` of `"//registry/:_authToken`).
fn name_tail(text: &str) -> &str {
    let start = text
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
        .map_or(0, |at| at + 1);
    text.get(start..).unwrap_or("")
}

/// `word` split into words, each with the whitespace after it.
fn words(text: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let after = &rest[word_end..];
        let space_len = after
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(after.len());
        let word = &rest[..word_end];
        let space = &after[..space_len];
        rest = &after[space_len..];
        Some((word, space))
    })
}

/// `scheme://user:password@host...` with `user:password` masked.
fn mask_userinfo(word: &str) -> String {
    let Some(scheme_end) = word.find("://") else {
        return word.to_string();
    };
    let authority_start = scheme_end + 3;
    let rest = &word[authority_start..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) if rest[..at].contains(':') => {
            format!("{}{}{}", &word[..authority_start], MASK, &rest[at..])
        }
        _ => word.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for name in [
            "DB_PASSWORD",
            "MYSQL_ROOT_PASSWORD",
            "GITHUB_TOKEN",
            "NPM_AUTHTOKEN",
            "npm_authToken",
            "API_KEY",
            "STRIPE_APIKEY",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID",
            "PRIVATE_KEY",
            "GOOGLE_APPLICATION_CREDENTIALS_JSON",
            "BASIC_AUTH",
            "--password",
            "--api-key",
            "client.secret",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn not_secret_names() {
        for name in [
            "GPG_KEY",
            "PYTHON_SHA256",
            "TOKENIZERS_PARALLELISM",
            "AUTHOR",
            "OAUTH_TOKEN_URL",
            "PASSWORD_FILE",
            "PATH",
            "PWD",
            "HOME",
            "KEY",
            "",
            "_",
            "SECRET_KEY_PATH",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn masks_build_args_env_flags_and_urls() {
        let step = step(
            "|2 TOKEN=abc123 VERSION=1.2 /bin/sh -c npm login --password hunter2 \
             && curl https://bob:s3cret@example.com/x && echo API_KEY=\"two words\" done",
        );
        assert!(!step.contains("abc123"), "{step}");
        assert!(!step.contains("hunter2"), "{step}");
        assert!(!step.contains("s3cret"), "{step}");
        assert!(
            !step.contains("two words") && !step.contains("words"),
            "{step}"
        );
        assert!(step.contains("VERSION=1.2"), "{step}");
        assert!(step.contains("TOKEN=***"), "{step}");
        assert!(step.contains("https://***@example.com/x"), "{step}");
        assert!(step.ends_with("done"), "{step}");
    }

    #[test]
    fn masks_npm_keys_auth_headers_and_users() {
        let step = step(
            "/bin/sh -c echo \"//registry.npmjs.org/:_authToken=tok1\" > .npmrc \
             && npm config set //r/:_authToken tok2 && curl -H \"Authorization: Bearer tok3\" \
             -u bob:tok4 https://x && useradd -u 10001 app && echo \"API_TOKEN=tok5 tok6\" ok",
        );
        for secret in ["tok1", "tok2", "tok3", "tok4", "tok5", "tok6"] {
            assert!(!step.contains(secret), "{secret}: {step}");
        }
        assert!(step.contains("useradd -u 10001 app"), "{step}");
        assert!(step.ends_with(" ok"), "{step}");
    }

    #[test]
    fn leaves_plain_steps_alone() {
        let text = "/bin/sh -c #(nop)  ENV PATH=/usr/local/bin:/usr/bin LANG=C.UTF-8";
        assert_eq!(step(text), text);
        assert_eq!(step(""), "");
        assert_eq!(step("   "), "   ");
    }

    #[test]
    fn hostile_text_does_not_panic() {
        let weird = "=\u{0}= ==\u{1b}[31m --x= --password a://@:@/ ü=é \"' TOKEN=\" TOKEN='";
        let _ = step(weird);
        let long = "A_TOKEN=".repeat(100_000);
        assert!(!step(&long).is_empty());
    }
}
