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

/// `created_by` with the values of secret-looking `NAME=value` words, of secret-looking
/// `--flag value` pairs and of the user part of `scheme://user:password@host` replaced by
/// [`MASK`]. Linear in the text.
pub(super) fn step(created_by: &str) -> String {
    let mut out = String::with_capacity(created_by.len());
    // Inside a quoted secret value that spans words: the quote that ends it.
    let mut open_quote: Option<char> = None;
    let mut mask_next = false;
    for (word, space) in words(created_by) {
        if let Some(quote) = open_quote {
            if word.ends_with(quote) {
                open_quote = None;
            }
            out.push_str(space);
            continue;
        }
        if mask_next && !word.starts_with('-') {
            mask_next = false;
            out.push_str(MASK);
            out.push_str(space);
            continue;
        }
        mask_next = false;
        match word.split_once('=') {
            Some((name, value)) if looks_like_name(name) && is_secret_name(name) => {
                out.push_str(name);
                out.push('=');
                if !value.is_empty() {
                    out.push_str(MASK);
                    if let Some(quote) = value.chars().next().filter(|c| *c == '"' || *c == '\'') {
                        if value.len() == 1 || !value.ends_with(quote) {
                            open_quote = Some(quote);
                        }
                    }
                }
            }
            _ if word.starts_with("--") && looks_like_name(word) && is_secret_name(word) => {
                mask_next = true;
                out.push_str(word);
            }
            _ => out.push_str(&mask_userinfo(word)),
        }
        out.push_str(space);
    }
    out
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

/// A variable or flag name: letters, digits, `_`, `-`, `.`, optionally after `-`/`--`, and not
/// empty (the part before `=` in `ENV`, `ARG` and `|2 A=b` forms).
fn looks_like_name(name: &str) -> bool {
    let bare = name.trim_start_matches('-');
    !bare.is_empty()
        && bare
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
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
