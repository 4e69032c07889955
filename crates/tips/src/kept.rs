//! The facts as the store keeps them: compact JSON (a file is one short array, a digest 32 hex
//! digits, a text file's content its text), given back as the same [`ImageFacts`]. A stored
//! shape this Drydock cannot read counts as none, and the image is read again.

use crate::{ConfigFacts, FileFact, FileKind, ImageFacts, LayerFact};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The version of this shape: facts kept in another are read again.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
pub(crate) struct Kept {
    version: u32,
    /// (digest, created_by, size, hidden_bytes)
    layers: Vec<(String, String, u64, u64)>,
    files: Vec<KeptFile>,
    contents: BTreeMap<String, (usize, Content)>,
    /// (os, user, env, history)
    config: (String, String, Vec<String>, Vec<String>),
    stored_bytes: u64,
    hidden_bytes: u64,
    truncated: bool,
    notes: Vec<String>,
}

/// (path, kind: d, f or o, size, layer, hidden_in, digest as hex): an array, so the field
/// names are not repeated for each of many thousand files.
type KeptFile = (
    String,
    char,
    u64,
    Option<usize>,
    Option<usize>,
    Option<String>,
);

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Content {
    Text(String),
    Bytes(Vec<u8>),
}

impl Kept {
    pub(crate) fn of(facts: &ImageFacts) -> Kept {
        Kept {
            version: VERSION,
            layers: facts
                .layers
                .iter()
                .map(|l| {
                    (
                        l.digest.clone(),
                        l.created_by.clone(),
                        l.size,
                        l.hidden_bytes,
                    )
                })
                .collect(),
            files: facts
                .files
                .iter()
                .map(|f| {
                    let kind = match f.kind {
                        FileKind::Dir => 'd',
                        FileKind::File => 'f',
                        FileKind::Other => 'o',
                    };
                    (
                        f.path.clone(),
                        kind,
                        f.size,
                        f.layer,
                        f.hidden_in,
                        f.digest.map(hex),
                    )
                })
                .collect(),
            contents: facts
                .contents
                .iter()
                .map(|(path, (layer, data))| {
                    let content = match std::str::from_utf8(data) {
                        Ok(text) => Content::Text(text.to_owned()),
                        Err(_) => Content::Bytes(data.clone()),
                    };
                    (path.clone(), (*layer, content))
                })
                .collect(),
            config: (
                facts.config.os.clone(),
                facts.config.user.clone(),
                facts.config.env.clone(),
                facts.config.history.clone(),
            ),
            stored_bytes: facts.stored_bytes,
            hidden_bytes: facts.hidden_bytes,
            truncated: facts.truncated,
            notes: facts.notes.clone(),
        }
    }

    /// The facts, or `None` when they were kept in another shape.
    pub(crate) fn facts(self) -> Option<ImageFacts> {
        if self.version != VERSION {
            return None;
        }
        let mut files = Vec::with_capacity(self.files.len());
        for (path, kind, size, layer, hidden_in, digest) in self.files {
            let kind = match kind {
                'd' => FileKind::Dir,
                'f' => FileKind::File,
                'o' => FileKind::Other,
                _ => return None,
            };
            let digest = match digest {
                Some(text) => Some(unhex(&text)?),
                None => None,
            };
            files.push(FileFact {
                path,
                kind,
                size,
                layer,
                hidden_in,
                digest,
            });
        }
        let (os, user, env, history) = self.config;
        Some(ImageFacts {
            layers: self
                .layers
                .into_iter()
                .map(|(digest, created_by, size, hidden_bytes)| LayerFact {
                    digest,
                    created_by,
                    size,
                    hidden_bytes,
                })
                .collect(),
            files,
            contents: self
                .contents
                .into_iter()
                .map(|(path, (layer, content))| {
                    let data = match content {
                        Content::Text(text) => text.into_bytes(),
                        Content::Bytes(bytes) => bytes,
                    };
                    (path, (layer, data))
                })
                .collect(),
            config: ConfigFacts {
                os,
                user,
                env,
                history,
            },
            stored_bytes: self.stored_bytes,
            hidden_bytes: self.hidden_bytes,
            truncated: self.truncated,
            notes: self.notes,
        })
    }
}

fn hex(digest: [u8; 16]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<[u8; 16]> {
    let bytes = text.as_bytes();
    if bytes.len() != 32 {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, pair) in bytes.chunks(2).enumerate() {
        let pair = std::str::from_utf8(pair).ok()?;
        out[i] = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_come_back_as_they_were_kept() {
        let mut contents = BTreeMap::new();
        contents.insert(
            "/var/lib/dpkg/status".to_owned(),
            (0, b"Package: a\n".to_vec()),
        );
        contents.insert("/bin/x".to_owned(), (1, vec![0x7f, 0xff, 0x00]));
        let facts = ImageFacts {
            layers: vec![LayerFact {
                digest: "sha256:1".into(),
                created_by: "RUN x".into(),
                size: 10,
                hidden_bytes: 4,
            }],
            files: vec![
                FileFact {
                    path: "/a".into(),
                    kind: FileKind::Dir,
                    size: 0,
                    layer: None,
                    hidden_in: None,
                    digest: None,
                },
                FileFact {
                    path: "/a/b".into(),
                    kind: FileKind::File,
                    size: 5000,
                    layer: Some(0),
                    hidden_in: Some(1),
                    digest: Some([0xab; 16]),
                },
            ],
            contents,
            config: ConfigFacts {
                os: "linux".into(),
                user: "".into(),
                env: vec!["A=b".into()],
                history: vec!["RUN x".into(), "ENV A=b".into()],
            },
            stored_bytes: 10,
            hidden_bytes: 4,
            truncated: false,
            notes: vec!["a note".into()],
        };
        let json = serde_json::to_string(&Kept::of(&facts)).expect("json");
        let back: Kept = serde_json::from_str(&json).expect("back");
        assert_eq!(back.facts(), Some(facts));
    }

    #[test]
    fn another_version_or_a_bad_digest_counts_as_none() {
        let mut kept = Kept::of(&ImageFacts::default());
        kept.version = 0;
        assert_eq!(kept.facts(), None);
        assert_eq!(unhex("zz"), None);
        assert_eq!(unhex(&"g".repeat(32)), None);
        assert_eq!(unhex(&hex([7; 16])), Some([7; 16]));
    }
}
