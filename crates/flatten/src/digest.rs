//! The content digest of a filesystem tree: what proves the flat image holds the same files.
//!
//! sha256 over the entries sorted by path, each as its path, type, permission bits, owner,
//! group, size, link target, device numbers and the sha256 of its content. Modification times
//! are left out: they say when, not what. Memory holds a path and 32 bytes per entry.

use crate::tarstream::Member;
use sha2::{Digest, Sha256};

#[derive(Default)]
pub(crate) struct TreeDigest {
    entries: Vec<(Vec<u8>, [u8; 32])>,
}

impl TreeDigest {
    /// Adds `member`, whose content hashed to `content`. The root is left out: its metadata is
    /// the container's, not the image's.
    pub(crate) fn add(&mut self, member: &Member, content: [u8; 32]) {
        if member.path.is_empty() {
            return;
        }
        let mut entry = Sha256::new();
        entry.update([member.kind.code()]);
        for n in [
            member.mode & 0o7777,
            member.uid,
            member.gid,
            member.size,
            member.dev.0,
            member.dev.1,
        ] {
            entry.update(n.to_be_bytes());
        }
        entry.update((member.link.len() as u64).to_be_bytes());
        entry.update(&member.link);
        entry.update(content);
        self.entries
            .push((member.path.clone(), entry.finalize().into()));
    }

    /// `sha256:<hex>`. A path listed twice counts once, as the last entry: what extraction keeps.
    pub(crate) fn finish(mut self) -> String {
        // Stable: equal paths keep their order, and the last one wins below.
        self.entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut all = Sha256::new();
        let mut entries = self.entries.iter().peekable();
        while let Some((path, entry)) = entries.next() {
            if entries.peek().is_some_and(|(next, _)| next == path) {
                continue;
            }
            all.update((path.len() as u64).to_be_bytes());
            all.update(path);
            all.update(entry);
        }
        format!("sha256:{}", hex(&all.finalize()))
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tarstream::Kind;

    fn member(path: &str, mode: u64) -> Member {
        Member {
            raw: Vec::new(),
            path: path.as_bytes().to_vec(),
            kind: Kind::File,
            mode,
            uid: 0,
            gid: 0,
            size: 1,
            link: Vec::new(),
            dev: (0, 0),
        }
    }

    #[test]
    fn order_does_not_matter_but_metadata_does() {
        let mut a = TreeDigest::default();
        a.add(&member("x", 0o644), [1; 32]);
        a.add(&member("y", 0o644), [2; 32]);
        let mut b = TreeDigest::default();
        b.add(&member("y", 0o644), [2; 32]);
        b.add(&member("x", 0o644), [1; 32]);
        let mut c = TreeDigest::default();
        c.add(&member("y", 0o600), [2; 32]);
        c.add(&member("x", 0o644), [1; 32]);
        let (a, b, c) = (a.finish(), b.finish(), c.finish());
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.starts_with("sha256:") && a.len() == 71);
    }
}
