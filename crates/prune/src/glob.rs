//! Keep rules: shell-style globs (`*`, `?`) on image references.

/// `*` matches any run of characters (`/` and `:` included), `?` exactly one; everything else is
/// literal. Linear in practice: the classic single-backtrack matcher.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            // Let the last `*` swallow one more character and retry from there.
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// One keep pattern, from a flag or the persistent keep list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeepRule(pub String);

impl KeepRule {
    /// Matches `repo:tag` (or `repo@digest`). A pattern without a tag (`postgres`, `ghcr.io/me/*`)
    /// matches the repository alone, so it keeps every tag of it: that is what people mean by it.
    pub fn matches(&self, reference: &str) -> bool {
        glob_match(&self.0, reference)
            || (!has_tag_or_digest(&self.0) && glob_match(&self.0, repository(reference)))
    }
}

fn repository(reference: &str) -> &str {
    if let Some(at) = reference.find('@') {
        return &reference[..at];
    }
    let last_slash = reference.rfind('/').map_or(0, |i| i + 1);
    match reference[last_slash..].rfind(':') {
        Some(colon) => &reference[..last_slash + colon],
        None => reference,
    }
}

fn has_tag_or_digest(pattern: &str) -> bool {
    let last_slash = pattern.rfind('/').map_or(0, |i| i + 1);
    pattern.contains('@') || pattern[last_slash..].contains(':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_and_question_marks() {
        assert!(glob_match("*", ""));
        assert!(glob_match("*", "anything:at/all"));
        assert!(glob_match("app:v?", "app:v1"));
        assert!(!glob_match("app:v?", "app:v10"));
        assert!(glob_match("app:*-rc*", "app:1.2-rc3"));
        assert!(glob_match("*a*b*c", "xxaxxbxxbxc"));
        assert!(!glob_match("*a*b*c", "xxaxxbxxbx"));
        assert!(!glob_match("app", "app:latest"));
        assert!(glob_match("", ""));
        assert!(!glob_match("", "a"));
    }

    #[test]
    fn a_pattern_without_a_tag_keeps_every_tag_of_the_repository() {
        let keep = KeepRule("localhost:5000/team/*".into());
        assert!(keep.matches("localhost:5000/team/api:1.0"));
        let keep = KeepRule("postgres".into());
        assert!(keep.matches("postgres:16"));
        assert!(keep.matches("postgres@sha256:abc"));
        assert!(!keep.matches("postgres-exporter:1"));
        let keep = KeepRule("postgres:15".into());
        assert!(!keep.matches("postgres:16"));
    }
}
