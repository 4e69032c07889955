//! A container's export made into the image's one layer: every entry copied byte for byte but
//! those of the engine's init layer, which become the image's own entries at those paths or go
//! when the image has none. The tree's content digest and the layer's diff id (the sha256 of
//! the bytes written) come out of the same pass.

use crate::digest::{hex, TreeDigest};
use crate::scan::{is_init, RawEntry};
use crate::tarstream::{Kind, TarError, TarReader, BLOCK};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Read, Write};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Filtered {
    /// The tree's content digest.
    pub digest: String,
    /// `sha256:` of the layer written.
    pub diff_id: String,
    /// Bytes of the layer written.
    pub bytes: u64,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum FilterError {
    #[error("the container export could not be read: {0}")]
    Export(#[from] TarError),
    #[error("the flat layer could not be written: {0}")]
    Write(io::Error),
    #[error("{0}")]
    Unsupported(String),
}

pub(crate) fn filter_export(
    input: &mut dyn Read,
    image: &BTreeMap<Vec<u8>, RawEntry>,
    out: &mut dyn Write,
) -> Result<Filtered, FilterError> {
    let mut out = Hashing {
        out,
        hash: Sha256::new(),
        bytes: 0,
    };
    let mut digest = TreeDigest::default();
    let mut export = TarReader::new(input);
    let mut placed: BTreeSet<Vec<u8>> = BTreeSet::new();
    while let Some(member) = export.next_member()? {
        if is_init(&member.path) {
            if let Some(own) = image.get(&member.path) {
                place(own, &mut out, &mut digest)?;
                placed.insert(member.path.clone());
            }
            continue;
        }
        out.put(&member.raw)?;
        let mut content = Sha256::new();
        let mut failed = None;
        export.data(|chunk, padding| {
            if !padding {
                content.update(chunk);
            }
            if let Err(e) = out.put(chunk) {
                failed = Some(e);
            }
            Ok(())
        })?;
        if let Some(e) = failed {
            return Err(e);
        }
        digest.add(&member, content.finalize().into());
    }
    export.drain().map_err(TarError::from)?;
    // An entry of the image the export did not show at all still belongs to the image.
    for (path, own) in image {
        if !placed.contains(path) {
            place(own, &mut out, &mut digest)?;
        }
    }
    out.put(&[0u8; 2 * BLOCK])?;
    out.out.flush().map_err(FilterError::Write)?;
    Ok(Filtered {
        digest: digest.finish(),
        diff_id: format!("sha256:{}", hex(&out.hash.finalize())),
        bytes: out.bytes,
    })
}

fn place(
    own: &RawEntry,
    out: &mut Hashing<'_>,
    digest: &mut TreeDigest,
) -> Result<(), FilterError> {
    if own.member.kind == Kind::HardLink {
        return Err(FilterError::Unsupported(format!(
            "its /{} is a hard link, which the engine's init layer replaces in every container",
            String::from_utf8_lossy(&own.member.path)
        )));
    }
    out.put(&own.member.raw)?;
    out.put(&own.content)?;
    out.put(&own.padding)?;
    digest.add(&own.member, own.hash);
    Ok(())
}

struct Hashing<'a> {
    out: &'a mut dyn Write,
    hash: Sha256,
    bytes: u64,
}

impl Hashing<'_> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), FilterError> {
        self.out.write_all(bytes).map_err(FilterError::Write)?;
        self.hash.update(bytes);
        self.bytes += bytes.len() as u64;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::scan_image;
    use crate::test_tar::tar_of;

    #[test]
    fn init_entries_become_the_images_own_or_go() {
        use tar::EntryType::{Directory, Regular};
        let layer = tar_of(&[
            ("etc/", Directory, b""),
            ("etc/hosts", Regular, b"127.0.0.1 mine\n"),
            ("bin/", Directory, b""),
            ("bin/sh", Regular, b"#!"),
        ]);
        let manifest = br#"[{"Config":"c.json","Layers":["1/layer.tar"]}]"#;
        let archive = tar_of(&[
            ("1/layer.tar", Regular, &layer),
            ("c.json", Regular, b"{}"),
            ("manifest.json", Regular, manifest),
        ]);
        let scan = scan_image(&mut archive.as_slice()).expect("scan");
        let export = tar_of(&[
            (".dockerenv", Regular, b""),
            ("bin/", Directory, b""),
            ("bin/sh", Regular, b"#!"),
            ("dev/", Directory, b""),
            ("dev/console", Regular, b""),
            ("etc/", Directory, b""),
            ("etc/hosts", Regular, b""),
            ("proc/", Directory, b""),
        ]);
        let mut out = Vec::new();
        let filtered = filter_export(&mut export.as_slice(), &scan.init, &mut out).expect("filter");
        let mut back = TarReader::new(out.as_slice());
        let mut seen = Vec::new();
        while let Some(m) = back.next_member().expect("member") {
            let mut content = Vec::new();
            back.data(|c, pad| {
                if !pad {
                    content.extend_from_slice(c);
                }
                Ok(())
            })
            .expect("data");
            seen.push((String::from_utf8_lossy(&m.path).into_owned(), content));
        }
        assert_eq!(
            seen,
            [
                ("bin".to_owned(), Vec::new()),
                ("bin/sh".to_owned(), b"#!".to_vec()),
                ("etc".to_owned(), Vec::new()),
                ("etc/hosts".to_owned(), b"127.0.0.1 mine\n".to_vec()),
            ]
        );
        assert_eq!(filtered.bytes, out.len() as u64);
        assert_eq!(
            filtered.diff_id,
            format!("sha256:{}", hex(&Sha256::digest(&out)))
        );
        // The digest of the layer read back is the digest of what was kept.
        let again = filter_export(&mut out.as_slice(), &scan.init, &mut io::sink()).expect("again");
        assert_eq!(again.digest, filtered.digest);
    }
}
