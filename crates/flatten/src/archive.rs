//! The `docker load` archive of the flat image, in the legacy layout (`manifest.json`, the
//! config, `<diff id>/layer.tar`), written in one pass: the layer goes first behind a header
//! patched once its size and digest are known, so it is never copied.

use crate::digest::hex;
use crate::tarstream::{padded, BLOCK};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

/// The archive being written: the layer's bytes are written to it (`Write`) behind a header
/// block that is a placeholder until [`LoadArchive::finish`].
pub(crate) struct LoadArchive {
    out: BufWriter<File>,
}

impl LoadArchive {
    pub(crate) fn create(path: &Path) -> io::Result<LoadArchive> {
        let mut out = BufWriter::new(File::create(path)?);
        out.write_all(&[0u8; BLOCK])?;
        Ok(LoadArchive { out })
    }

    /// Closes the layer of `layer_bytes` bytes and digest `diff_id`, then adds `config` (the
    /// image's config, named by its digest) and the manifest tagging it `tag`. Returns the id
    /// the engine will give the image: the sha256 of the config.
    pub(crate) fn finish(
        mut self,
        layer_bytes: u64,
        diff_id: &str,
        config: &[u8],
        tag: &str,
    ) -> io::Result<String> {
        let pad = padded(layer_bytes) - layer_bytes;
        self.out.write_all(&vec![0u8; pad as usize])?;
        let layer_dir = diff_id.trim_start_matches("sha256:");
        let layer_name = format!("{layer_dir}/layer.tar");
        let mut file = self.out.into_inner().map_err(|e| e.into_error())?;
        file.seek(SeekFrom::Start(0))?;
        file.write_all(&header(&layer_name, layer_bytes)?)?;
        file.seek(SeekFrom::End(0))?;
        let mut out = BufWriter::new(file);
        let id = hex(&Sha256::digest(config));
        let config_name = format!("{id}.json");
        member(&mut out, &config_name, config)?;
        let manifest = json!([{
            "Config": config_name,
            "RepoTags": [tag],
            "Layers": [layer_name],
        }]);
        member(&mut out, "manifest.json", manifest.to_string().as_bytes())?;
        out.write_all(&[0u8; 2 * BLOCK])?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        Ok(format!("sha256:{id}"))
    }
}

impl std::io::Write for LoadArchive {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.out.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

fn header(name: &str, size: u64) -> io::Result<[u8; BLOCK]> {
    let mut header = tar::Header::new_gnu();
    header.set_path(name)?;
    header.set_size(size);
    header.set_mode(0o644);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_cksum();
    let mut block = [0u8; BLOCK];
    block.copy_from_slice(header.as_bytes());
    Ok(block)
}

fn member(out: &mut impl Write, name: &str, bytes: &[u8]) -> io::Result<()> {
    out.write_all(&header(name, bytes.len() as u64)?)?;
    out.write_all(bytes)?;
    let pad = padded(bytes.len() as u64) - bytes.len() as u64;
    out.write_all(&vec![0u8; pad as usize])
}

/// The original config with one layer, `diff_id`, and one history step saying what was done;
/// every other field as it was. `None` when the config is not a JSON object.
pub(crate) fn flat_config(original: &[u8], diff_id: &str, step: &str) -> Option<Vec<u8>> {
    let mut config: Map<String, Value> = serde_json::from_slice(original).ok()?;
    config.insert(
        "rootfs".into(),
        json!({ "type": "layers", "diff_ids": [diff_id] }),
    );
    let mut history = Map::new();
    if let Some(created) = config.get("created") {
        history.insert("created".into(), created.clone());
    }
    history.insert("created_by".into(), Value::String(step.to_owned()));
    config.insert("history".into(), Value::Array(vec![Value::Object(history)]));
    serde_json::to_vec(&config).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_keeps_everything_but_its_layers_and_history() {
        let original = br#"{"architecture":"amd64","os":"linux","created":"2026-01-01T00:00:00Z",
            "config":{"Env":["A=1"],"Cmd":["sh"],"StopSignal":"SIGINT"},
            "rootfs":{"type":"layers","diff_ids":["sha256:a","sha256:b"]},
            "history":[{"created_by":"x"},{"created_by":"y"}]}"#;
        let flat = flat_config(original, "sha256:c", "flattened").expect("config");
        let flat: Value = serde_json::from_slice(&flat).expect("json");
        let before: Value = serde_json::from_slice(original).expect("json");
        assert_eq!(flat["config"], before["config"]);
        assert_eq!(flat["architecture"], "amd64");
        assert_eq!(flat["rootfs"]["diff_ids"], json!(["sha256:c"]));
        assert_eq!(
            flat["history"],
            json!([{"created": "2026-01-01T00:00:00Z", "created_by": "flattened"}])
        );
        assert_eq!(flat_config(b"[1]", "sha256:c", "x"), None);
    }

    #[test]
    fn the_archive_reads_back_with_its_layer_first() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("a.tar");
        let mut archive = LoadArchive::create(&path).expect("create");
        archive.write_all(b"layer-bytes").expect("layer");
        let id = archive
            .finish(11, "sha256:abc", b"{}", "app:flat")
            .expect("finish");
        assert_eq!(id, format!("sha256:{}", hex(&Sha256::digest(b"{}"))));
        let mut read = tar::Archive::new(File::open(&path).expect("open"));
        let names: Vec<String> = read
            .entries()
            .expect("entries")
            .map(|e| {
                e.expect("entry")
                    .path()
                    .expect("path")
                    .display()
                    .to_string()
            })
            .collect();
        assert_eq!(
            names,
            [
                "abc/layer.tar".to_owned(),
                format!("{}.json", &id[7..]),
                "manifest.json".to_owned()
            ]
        );
    }
}
