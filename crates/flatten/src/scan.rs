//! One read of an image's export for what a container export cannot give: the image's config
//! exactly as stored, and the image's own entries at the paths the engine's init layer replaces
//! in every container.
//!
//! The init layer (moby `daemon/initlayer`) unlinks and recreates `/.dockerenv`,
//! `/etc/resolv.conf`, `/etc/hosts`, `/etc/hostname`, `/dev/console` (empty files) and
//! `/etc/mtab` (a link to `/proc/mounts`) whatever the image holds there, creates the
//! directories `/dev/pts`, `/dev/shm`, `/proc`, `/sys` when missing, and touches `/etc` and
//! `/dev` doing so. A container's export therefore shows the init layer's versions: the image's
//! own ones come from its layers, applied in order with their whiteouts.

use crate::tarstream::{normalise, Kind, Member, TarError, TarReader, BLOCK};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;

/// The paths a container's export may show from the init layer instead of the image.
pub(crate) const INIT_PATHS: [&str; 12] = [
    ".dockerenv",
    "etc",
    "etc/resolv.conf",
    "etc/hosts",
    "etc/hostname",
    "etc/mtab",
    "dev",
    "dev/console",
    "dev/pts",
    "dev/shm",
    "proc",
    "sys",
];

/// An image's entry at one of those paths is short (a hosts file); more than this is not one.
const MAX_INIT_CONTENT: u64 = 1 << 20;
/// A JSON document of the archive (manifest, config).
const MAX_JSON: u64 = 16 << 20;
const MAX_ALL_JSON: u64 = 64 << 20;

/// One entry as the image's layer stores it, ready to be written again as it was.
#[derive(Debug, Clone)]
pub(crate) struct RawEntry {
    pub member: Member,
    pub content: Vec<u8>,
    pub padding: Vec<u8>,
    pub hash: [u8; 32],
}

#[derive(Debug)]
pub(crate) struct ImageScan {
    /// The config as stored (its sha256 is the image id).
    pub config: Vec<u8>,
    /// The image's own entries at [`INIT_PATHS`], for those it has.
    pub init: BTreeMap<Vec<u8>, RawEntry>,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum ScanError {
    #[error(transparent)]
    Tar(#[from] TarError),
    #[error("{0}")]
    Damaged(String),
    #[error("{0}")]
    Unsupported(String),
}

#[derive(Debug, Clone)]
enum Event {
    Set(Box<RawEntry>),
    Whiteout(Vec<u8>),
    Opaque(Vec<u8>),
}

enum Blob {
    Layer(Vec<Event>),
    Compressed,
    Json(Vec<u8>),
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ManifestEntry {
    config: String,
    layers: Vec<String>,
}

pub(crate) fn scan_image(input: &mut dyn Read) -> Result<ImageScan, ScanError> {
    let mut outer = TarReader::new(input);
    let mut blobs: HashMap<Vec<u8>, Blob> = HashMap::new();
    let mut aliases: HashMap<Vec<u8>, Vec<u8>> = HashMap::new();
    let mut json_bytes = 0u64;
    while let Some(member) = outer.next_member()? {
        match member.kind {
            Kind::File => {}
            // A layer saved once and listed again (`<id>/layer.tar -> ../<other>/layer.tar`).
            Kind::Symlink => {
                aliases.insert(member.path.clone(), resolve(&member.path, &member.link));
                continue;
            }
            _ => continue,
        }
        let mut first = vec![0u8; BLOCK.min(member.size as usize)];
        let mut content = outer.content();
        content.read_exact(&mut first).map_err(TarError::from)?;
        let blob = if first.len() == BLOCK && (&first[257..262] == b"ustar" || all_zero(&first)) {
            Blob::Layer(layer_events(
                &mut std::io::Cursor::new(first).chain(content),
            )?)
        } else if first.starts_with(&[0x1f, 0x8b]) || first.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Blob::Compressed
        } else if member.size <= MAX_JSON && json_bytes + member.size <= MAX_ALL_JSON {
            json_bytes += member.size;
            let mut bytes = first;
            content.read_to_end(&mut bytes).map_err(TarError::from)?;
            Blob::Json(bytes)
        } else {
            continue;
        };
        blobs.insert(member.path.clone(), blob);
    }
    outer.drain().map_err(TarError::from)?;

    let manifest = match blobs.get(b"manifest.json".as_slice()) {
        Some(Blob::Json(bytes)) => serde_json::from_slice::<Vec<ManifestEntry>>(bytes)
            .map_err(|e| ScanError::Damaged(format!("its manifest.json does not read: {e}")))?,
        _ => return Err(ScanError::Damaged("it has no manifest.json".into())),
    };
    let [image] = manifest.as_slice() else {
        return Err(ScanError::Damaged(format!(
            "its manifest lists {} images, not one",
            manifest.len()
        )));
    };
    let blob = |name: &str| {
        let path = normalise(name.as_bytes());
        let path = aliases.get(&path).cloned().unwrap_or(path);
        blobs.get(&path)
    };
    let config = match blob(&image.config) {
        Some(Blob::Json(bytes)) => bytes.clone(),
        _ => {
            return Err(ScanError::Damaged(format!(
                "it lacks its config {}",
                image.config
            )))
        }
    };
    let mut init: BTreeMap<Vec<u8>, RawEntry> = BTreeMap::new();
    for layer in &image.layers {
        let events = match blob(layer) {
            Some(Blob::Layer(events)) => events,
            Some(Blob::Compressed) => {
                return Err(ScanError::Unsupported(format!(
                    "its layer {layer} is compressed; Drydock reads the uncompressed layers Docker's own store exports"
                )))
            }
            _ => return Err(ScanError::Damaged(format!("it lacks its layer {layer}"))),
        };
        // A layer's whiteouts remove what lower layers wrote, then its entries apply.
        for event in events {
            match event {
                Event::Whiteout(path) => remove_tree(&mut init, path, true),
                Event::Opaque(dir) => remove_tree(&mut init, dir, false),
                Event::Set(_) => {}
            }
        }
        for event in events {
            if let Event::Set(entry) = event {
                if entry.member.kind != Kind::Dir {
                    remove_tree(&mut init, &entry.member.path, false);
                }
                init.insert(entry.member.path.clone(), (**entry).clone());
            }
        }
    }
    Ok(ImageScan { config, init })
}

/// The events of one layer that touch [`INIT_PATHS`].
fn layer_events(input: &mut dyn Read) -> Result<Vec<Event>, ScanError> {
    let mut layer = TarReader::new(input);
    let mut events = Vec::new();
    while let Some(member) = layer.next_member()? {
        let (dir, name) = match member.path.iter().rposition(|&b| b == b'/') {
            Some(i) => (&member.path[..i], &member.path[i + 1..]),
            None => (&b""[..], member.path.as_slice()),
        };
        if name == b".wh..wh..opq" {
            if is_init(dir) {
                events.push(Event::Opaque(dir.to_vec()));
            }
            continue;
        }
        if let Some(hidden) = name.strip_prefix(b".wh.") {
            let mut path = dir.to_vec();
            if !path.is_empty() {
                path.push(b'/');
            }
            path.extend_from_slice(hidden);
            if is_init(&path) {
                events.push(Event::Whiteout(path));
            }
            continue;
        }
        if !is_init(&member.path) {
            continue;
        }
        if member.size > MAX_INIT_CONTENT {
            return Err(ScanError::Unsupported(format!(
                "its /{} holds {} bytes, more than such a file can",
                String::from_utf8_lossy(&member.path),
                member.size
            )));
        }
        let mut entry = RawEntry {
            member,
            content: Vec::new(),
            padding: Vec::new(),
            hash: [0; 32],
        };
        layer.data(|chunk, pad| {
            if pad {
                entry.padding.extend_from_slice(chunk);
            } else {
                entry.content.extend_from_slice(chunk);
            }
            Ok(())
        })?;
        entry.hash = Sha256::digest(&entry.content).into();
        events.push(Event::Set(Box::new(entry)));
    }
    layer.drain().map_err(TarError::from)?;
    Ok(events)
}

pub(crate) fn is_init(path: &[u8]) -> bool {
    INIT_PATHS.iter().any(|p| p.as_bytes() == path)
}

/// Removes `path`'s descendants, and `path` itself when `itself`.
fn remove_tree(state: &mut BTreeMap<Vec<u8>, RawEntry>, path: &[u8], itself: bool) {
    state.retain(|p, _| {
        let below = p.len() > path.len()
            && p.starts_with(path)
            && (path.is_empty() || p[path.len()] == b'/');
        !(below || (itself && p == path))
    });
}

/// A symlink's target relative to the directory holding it, normalised.
fn resolve(link_path: &[u8], target: &[u8]) -> Vec<u8> {
    let mut parts: Vec<&[u8]> = if target.starts_with(b"/") {
        Vec::new()
    } else {
        let mut dir: Vec<&[u8]> = link_path.split(|&b| b == b'/').collect();
        dir.pop();
        dir
    };
    for part in target.split(|&b| b == b'/') {
        match part {
            b"" | b"." => {}
            b".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join(&b'/')
}

fn all_zero(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| b == 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_tar::tar_of;

    #[test]
    fn the_image_entries_at_init_paths_follow_the_layers_and_their_whiteouts() {
        use tar::EntryType::{Directory, Regular, Symlink};
        let one = tar_of(&[
            ("etc/", Directory, b""),
            ("etc/hosts", Regular, b"127.0.0.1 one\n"),
            ("etc/hostname", Regular, b"one\n"),
            ("etc/passwd", Regular, b"root\n"),
        ]);
        let two = tar_of(&[
            ("./etc/.wh.hostname", Regular, b""),
            ("./etc/hosts", Regular, b"127.0.0.1 two\n"),
        ]);
        let config = br#"{"os":"linux"}"#;
        let manifest =
            br#"[{"Config":"c.json","RepoTags":null,"Layers":["1/layer.tar","2/layer.tar","3/layer.tar"]}]"#;
        let mut entries = vec![
            ("1/layer.tar", Regular, one.as_slice()),
            ("2/layer.tar", Regular, two.as_slice()),
            ("c.json", Regular, config.as_slice()),
            ("manifest.json", Regular, manifest.as_slice()),
        ];
        let outer_link = {
            let mut builder = tar::Builder::new(Vec::new());
            for (path, kind, data) in &entries {
                let mut header = tar::Header::new_gnu();
                header.set_entry_type(*kind);
                header.set_mode(0o644);
                header.set_size(data.len() as u64);
                builder
                    .append_data(&mut header, path, *data)
                    .expect("append");
            }
            let mut link = tar::Header::new_gnu();
            link.set_entry_type(Symlink);
            link.set_size(0);
            builder
                .append_link(&mut link, "3/layer.tar", "../2/layer.tar")
                .expect("link");
            builder.into_inner().expect("finish")
        };
        entries.clear();
        let scan = scan_image(&mut outer_link.as_slice()).expect("scan");
        assert_eq!(scan.config, config);
        let paths: Vec<String> = scan
            .init
            .keys()
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect();
        assert_eq!(paths, ["etc", "etc/hosts"]);
        assert_eq!(
            scan.init[b"etc/hosts".as_slice()].content,
            b"127.0.0.1 two\n"
        );
    }

    #[test]
    fn an_opaque_directory_hides_what_lower_layers_put_in_it() {
        use tar::EntryType::{Directory, Regular};
        let one = tar_of(&[
            ("etc/", Directory, b""),
            ("etc/hosts", Regular, b"one\n"),
            ("etc/mtab", Regular, b"x"),
        ]);
        let two = tar_of(&[
            ("etc/", Directory, b""),
            ("etc/.wh..wh..opq", Regular, b""),
            ("etc/mtab", Regular, b"two"),
        ]);
        let manifest = br#"[{"Config":"c.json","Layers":["1/layer.tar","2/layer.tar"]}]"#;
        let archive = tar_of(&[
            ("1/layer.tar", Regular, &one),
            ("2/layer.tar", Regular, &two),
            ("c.json", Regular, b"{}"),
            ("manifest.json", Regular, manifest),
        ]);
        let scan = scan_image(&mut archive.as_slice()).expect("scan");
        let paths: Vec<&[u8]> = scan.init.keys().map(Vec::as_slice).collect();
        assert_eq!(paths, [b"etc".as_slice(), b"etc/mtab"]);
        assert_eq!(scan.init[b"etc/mtab".as_slice()].content, b"two");
    }

    #[test]
    fn a_compressed_layer_is_refused_and_a_missing_one_is_damage() {
        use tar::EntryType::Regular;
        let manifest = br#"[{"Config":"c.json","Layers":["1/layer.tar"]}]"#;
        let gz = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0];
        let archive = tar_of(&[
            ("1/layer.tar", Regular, &gz),
            ("c.json", Regular, b"{}"),
            ("manifest.json", Regular, manifest),
        ]);
        assert!(matches!(
            scan_image(&mut archive.as_slice()),
            Err(ScanError::Unsupported(_))
        ));
        let archive = tar_of(&[
            ("c.json", Regular, b"{}"),
            ("manifest.json", Regular, manifest),
        ]);
        assert!(matches!(
            scan_image(&mut archive.as_slice()),
            Err(ScanError::Damaged(_))
        ));
    }

    #[test]
    fn symlinks_resolve_beside_themselves() {
        assert_eq!(resolve(b"3/layer.tar", b"../2/layer.tar"), b"2/layer.tar");
        assert_eq!(resolve(b"a/b", b"/x/y"), b"x/y");
    }
}
