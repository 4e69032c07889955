//! Tars and image archives written byte by byte, so tests can make any shape, hostile ones too.

use std::io::Write;

pub(crate) const BLOCK: usize = 512;

/// A ustar header with a valid checksum.
pub(crate) fn header(name: &[u8], flag: u8, link: &[u8], size: u64) -> [u8; BLOCK] {
    let mut h = [0u8; BLOCK];
    h[..name.len()].copy_from_slice(name);
    h[100..107].copy_from_slice(b"0000644");
    h[108..115].copy_from_slice(b"0000000");
    h[116..123].copy_from_slice(b"0000000");
    h[124..135].copy_from_slice(format!("{size:011o}").as_bytes());
    h[136..147].copy_from_slice(b"00000000000");
    h[156] = flag;
    h[157..157 + link.len()].copy_from_slice(link);
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    seal(&mut h);
    h
}

/// Writes the checksum of a header whose other fields are final.
pub(crate) fn seal(h: &mut [u8; BLOCK]) {
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|b| u32::from(*b)).sum();
    h[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
}

#[derive(Default)]
pub(crate) struct Tar {
    bytes: Vec<u8>,
}

impl Tar {
    pub(crate) fn new() -> Tar {
        Tar::default()
    }

    /// An entry; names and link targets over 100 bytes go in a PAX header, as Go writes them.
    pub(crate) fn entry(mut self, name: &str, flag: u8, link: &str, data: &[u8]) -> Tar {
        if name.len() > 100 || link.len() > 100 {
            let mut record = Vec::new();
            if name.len() > 100 {
                record.extend(pax_record("path", name));
            }
            if link.len() > 100 {
                record.extend(pax_record("linkpath", link));
            }
            self = self.raw(
                header(b"PaxHeaders/x", b'x', b"", record.len() as u64),
                &record,
            );
            let name = if name.len() > 100 { "long" } else { name };
            let link = if link.len() > 100 { "long" } else { link };
            return self.raw(
                header(name.as_bytes(), flag, link.as_bytes(), data.len() as u64),
                data,
            );
        }
        self.raw(
            header(name.as_bytes(), flag, link.as_bytes(), data.len() as u64),
            data,
        )
    }

    /// A header and its data, padded to the block.
    pub(crate) fn raw(mut self, h: [u8; BLOCK], data: &[u8]) -> Tar {
        self.bytes.extend_from_slice(&h);
        self.bytes.extend_from_slice(data);
        self.bytes
            .resize(self.bytes.len().div_ceil(BLOCK) * BLOCK, 0);
        self
    }

    pub(crate) fn file(self, name: &str, size: usize) -> Tar {
        self.entry(name, b'0', "", &vec![b'x'; size])
    }

    pub(crate) fn data(self, name: &str, data: &[u8]) -> Tar {
        self.entry(name, b'0', "", data)
    }

    pub(crate) fn dir(self, name: &str) -> Tar {
        self.entry(name, b'5', "", &[])
    }

    pub(crate) fn hardlink(self, name: &str, target: &str) -> Tar {
        self.entry(name, b'1', target, &[])
    }

    pub(crate) fn symlink(self, name: &str, target: &str) -> Tar {
        self.entry(name, b'2', target, &[])
    }

    /// The whiteout that removes `path`.
    pub(crate) fn whiteout(self, path: &str) -> Tar {
        let (dir, name) = match path.rsplit_once('/') {
            Some((dir, name)) => (format!("{dir}/"), name),
            None => (String::new(), path),
        };
        self.file(&format!("{dir}.wh.{name}"), 0)
    }

    /// Marks `dir` opaque.
    pub(crate) fn opaque(self, dir: &str) -> Tar {
        if dir.is_empty() {
            return self.file(".wh..wh..opq", 0);
        }
        self.file(&format!("{dir}/.wh..wh..opq"), 0)
    }

    /// The bytes with the end-of-archive marker.
    pub(crate) fn finish(mut self) -> Vec<u8> {
        self.bytes.extend_from_slice(&[0u8; 2 * BLOCK]);
        self.bytes
    }

    /// The bytes without an end marker, to splice.
    pub(crate) fn unfinished(self) -> Vec<u8> {
        self.bytes
    }
}

fn pax_record(key: &str, value: &str) -> Vec<u8> {
    let body = format!(" {key}={value}\n");
    let mut len = body.len() + 1;
    while format!("{len}{body}").len() != len {
        len += 1;
    }
    format!("{len}{body}").into_bytes()
}

pub(crate) fn digest(n: usize) -> String {
    format!("sha256:{n:064x}")
}

/// A build step for the config: (created_by, empty_layer).
pub(crate) type Step<'a> = (&'a str, bool);

fn config(diff_ids: &[String], history: &[Step]) -> String {
    let history: Vec<serde_json::Value> = history
        .iter()
        .map(|(text, empty)| {
            if *empty {
                serde_json::json!({"created_by": text, "empty_layer": true})
            } else {
                serde_json::json!({"created_by": text})
            }
        })
        .collect();
    serde_json::json!({
        "architecture": "amd64",
        "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": history,
    })
    .to_string()
}

/// A `docker save` archive in the legacy layout (Docker before 25): layer directories first,
/// then the config, then manifest.json, as the engine writes them.
pub(crate) fn legacy(tag: &str, layers: &[Vec<u8>], history: &[Step]) -> Vec<u8> {
    legacy_tar(tag, layers, history).finish()
}

pub(crate) fn legacy_tar(tag: &str, layers: &[Vec<u8>], history: &[Step]) -> Tar {
    let mut tar = Tar::new();
    let mut paths = Vec::new();
    for (i, layer) in layers.iter().enumerate() {
        let id = format!("{:064x}", 0xa000 + i);
        tar = tar
            .dir(&format!("{id}/"))
            .data(&format!("{id}/VERSION"), b"1.0")
            .data(&format!("{id}/json"), b"{\"id\":\"x\"}")
            .data(&format!("{id}/layer.tar"), layer);
        paths.push(format!("{id}/layer.tar"));
    }
    let diff_ids: Vec<String> = (0..layers.len()).map(|i| digest(i + 1)).collect();
    let config_name = format!("{:064x}.json", 0xc0f);
    let manifest = serde_json::json!([{
        "Config": config_name,
        "RepoTags": if tag.is_empty() { serde_json::Value::Null } else { serde_json::json!([tag]) },
        "Layers": paths,
    }]);
    tar.data(&config_name, config(&diff_ids, history).as_bytes())
        .data("manifest.json", manifest.to_string().as_bytes())
        .data("repositories", b"{}")
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Compression {
    None,
    Gzip,
    Zstd,
}

pub(crate) fn compress(layer: &[u8], how: Compression) -> Vec<u8> {
    match how {
        Compression::None => layer.to_vec(),
        Compression::Gzip => {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            enc.write_all(layer).expect("gzip");
            enc.finish().expect("gzip")
        }
        Compression::Zstd => zstd::encode_all(layer, 3).expect("zstd"),
    }
}

/// An OCI image layout: `index.json` -> manifest -> config and layer blobs. `index_first` puts
/// index.json before the blobs (skopeo, containerd order vary).
pub(crate) fn oci(
    name: &str,
    layers: &[Vec<u8>],
    how: Compression,
    history: &[Step],
    index_first: bool,
) -> Vec<u8> {
    let diff_ids: Vec<String> = (0..layers.len()).map(|i| digest(i + 1)).collect();
    let blobs: Vec<(String, Vec<u8>)> = layers
        .iter()
        .enumerate()
        .map(|(i, l)| (digest(0x100 + i), compress(l, how)))
        .collect();
    let config_digest = digest(0xc0f);
    let manifest_digest = digest(0x3a1);
    let media = match how {
        Compression::None => "application/vnd.oci.image.layer.v1.tar",
        Compression::Gzip => "application/vnd.oci.image.layer.v1.tar+gzip",
        Compression::Zstd => "application/vnd.oci.image.layer.v1.tar+zstd",
    };
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": 1},
        "layers": blobs.iter().map(|(d, b)| serde_json::json!({"mediaType": media, "digest": d, "size": b.len()})).collect::<Vec<_>>(),
    });
    let index = serde_json::json!({
        "schemaVersion": 2,
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": manifest_digest,
            "size": 1,
            "annotations": {"io.containerd.image.name": name, "org.opencontainers.image.ref.name": "1"},
        }],
    });
    let blob = |d: &str| format!("blobs/sha256/{}", d.trim_start_matches("sha256:"));
    let mut tar = Tar::new().data("oci-layout", b"{\"imageLayoutVersion\": \"1.0.0\"}");
    if index_first {
        tar = tar.data("index.json", index.to_string().as_bytes());
    }
    tar = tar.dir("blobs/").dir("blobs/sha256/");
    for (d, b) in &blobs {
        tar = tar.data(&blob(d), b);
    }
    tar = tar
        .data(&blob(&config_digest), config(&diff_ids, history).as_bytes())
        .data(&blob(&manifest_digest), manifest.to_string().as_bytes());
    if !index_first {
        tar = tar.data("index.json", index.to_string().as_bytes());
    }
    tar.finish()
}
