//! Which layers make the image, lowest first, and its config. `manifest.json` says it for
//! `docker save` archives (the legacy layout, and Docker 25's OCI layout, which writes it too);
//! `index.json` for an OCI image layout, through manifest and config blobs.

use crate::archive::{outer_key, Contents, Item};
use crate::error::LayersError;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

/// Nested indexes followed at most (an image index inside the layout's index is one level).
const MAX_INDEX_DEPTH: usize = 4;

/// The chosen image.
pub(crate) struct Plan {
    /// Its first name in the archive, if it has one.
    pub name: Option<String>,
    /// The document that listed the layers, for messages.
    pub by: String,
    pub layers: Vec<PlannedLayer>,
    pub config: Option<Config>,
    /// The image id (`sha256:<hex>`) as the config's archive name gives it; empty when it
    /// does not look like one.
    pub id: String,
}

pub(crate) struct PlannedLayer {
    /// The layer's entry in the archive.
    pub path: String,
    /// The uncompressed layer's digest (the config's diff id) where known, else the blob's.
    pub digest: String,
}

/// The parts of the image config the report uses.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Config {
    pub rootfs: RootFs,
    #[serde(deserialize_with = "null_as_default")]
    pub history: Vec<ConfigStep>,
    /// Read for tips only: a shape Drydock does not expect reads as empty, and never fails the
    /// analysis.
    #[serde(deserialize_with = "lenient")]
    pub os: String,
    /// What a container of the image runs with (user, environment); lenient as `os`.
    #[serde(deserialize_with = "lenient")]
    pub config: RunConfig,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RunConfig {
    #[serde(rename = "User", deserialize_with = "null_as_default")]
    pub user: String,
    #[serde(rename = "Env", deserialize_with = "null_as_default")]
    pub env: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RootFs {
    #[serde(deserialize_with = "null_as_default")]
    pub diff_ids: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ConfigStep {
    #[serde(deserialize_with = "null_as_default")]
    pub created_by: String,
    pub empty_layer: bool,
}

/// One entry of `docker save`'s manifest.json.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SaveEntry {
    #[serde(default)]
    config: String,
    #[serde(default, deserialize_with = "null_as_default")]
    repo_tags: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    layers: Vec<String>,
}

/// An OCI index or manifest: an index has `manifests`, a manifest `config` and `layers`.
#[derive(Deserialize, Default)]
#[serde(default)]
struct OciDocument {
    manifests: Option<Vec<Descriptor>>,
    config: Option<Descriptor>,
    #[serde(deserialize_with = "null_as_default")]
    layers: Vec<Descriptor>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct Descriptor {
    digest: String,
    #[serde(deserialize_with = "null_as_default")]
    annotations: HashMap<String, String>,
}

fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// `T` if the value has its shape, else its default.
fn lenient<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + DeserializeOwned,
{
    let value = serde_json::Value::deserialize(d)?;
    Ok(serde_json::from_value(value).unwrap_or_default())
}

/// An image the archive offers.
struct Candidate {
    names: Vec<String>,
    config: String,
    /// (archive path, digest of the blob if the layout names one)
    layers: Vec<(String, Option<String>)>,
    by: String,
}

pub(crate) fn plan<L>(contents: &Contents<L>, select: Option<&str>) -> Result<Plan, LayersError> {
    let candidates = if contents.has("manifest.json") {
        from_save_manifest(contents)?
    } else if contents.has("index.json") {
        from_index(contents)?
    } else {
        return Err(LayersError::NotAnImage(
            "it has neither manifest.json (`docker save`) nor index.json (OCI image layout)".into(),
        ));
    };
    let chosen = choose(candidates, select, contents)?;
    let config = if contents.has(&chosen.config) {
        Some(parse::<Config>(
            contents.json(&chosen.config, &chosen.by)?,
            &chosen.config,
        )?)
    } else {
        None
    };
    let diff_ids = config
        .as_ref()
        .map(|c| c.rootfs.diff_ids.as_slice())
        .filter(|ids| !ids.is_empty());
    if let Some(ids) = diff_ids.filter(|ids| ids.len() != chosen.layers.len()) {
        return Err(LayersError::Corrupt {
            at: chosen.by.clone(),
            problem: format!(
                "it names {} layers but the image config {:?} lists {} (rootfs.diff_ids): a layer is missing",
                chosen.layers.len(),
                chosen.config,
                ids.len()
            ),
        });
    }
    let layers = chosen
        .layers
        .iter()
        .enumerate()
        .map(|(i, (path, blob))| PlannedLayer {
            path: path.clone(),
            digest: diff_ids
                .map(|ids| ids[i].clone())
                .or_else(|| blob.clone())
                .unwrap_or_else(|| path.clone()),
        })
        .collect();
    let hex = config_hex(&chosen.config);
    let id = if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        format!("sha256:{hex}")
    } else {
        String::new()
    };
    Ok(Plan {
        id,
        name: chosen.names.first().cloned(),
        by: chosen.by,
        layers,
        config,
    })
}

fn from_save_manifest<L>(contents: &Contents<L>) -> Result<Vec<Candidate>, LayersError> {
    let entries: Vec<SaveEntry> = parse(
        contents.json("manifest.json", "the archive")?,
        "manifest.json",
    )?;
    // The engine finds each file by joining its name onto the unpacked archive: `/x`, `./x`
    // and `x` are one file.
    Ok(entries
        .into_iter()
        .map(|e| Candidate {
            names: e.repo_tags,
            config: outer_key(e.config.as_bytes()),
            layers: e
                .layers
                .iter()
                .map(|l| (outer_key(l.as_bytes()), None))
                .collect(),
            by: "manifest.json".into(),
        })
        .collect())
}

fn from_index<L>(contents: &Contents<L>) -> Result<Vec<Candidate>, LayersError> {
    let index: OciDocument = parse(contents.json("index.json", "the archive")?, "index.json")?;
    let mut walk = IndexWalk {
        contents,
        out: Vec::new(),
        manifests: HashMap::new(),
        indexes: HashSet::new(),
        named: HashSet::new(),
        missing: None,
    };
    walk.descriptors(index.manifests.unwrap_or_default(), &[], 0)?;
    match (walk.out.is_empty(), walk.missing) {
        // A multi-platform index lists manifests whose blobs were not exported; only when none
        // is there is that an error.
        (true, Some(path)) => Err(LayersError::Missing {
            what: format!("manifest {path:?}"),
            by: "index.json".into(),
        }),
        _ => Ok(walk.out),
    }
}

/// The walk from `index.json` down to image manifests. Each blob is read once however often
/// indexes list it: a manifest listed again is the same image, which only gains the names it is
/// listed under; a nested index listed again is not walked again (the names of its first listing
/// stay those of its images).
struct IndexWalk<'c, L> {
    contents: &'c Contents<L>,
    out: Vec<Candidate>,
    /// Manifests read, by blob path, to their place in `out`.
    manifests: HashMap<String, usize>,
    /// Nested indexes walked, by blob path.
    indexes: HashSet<String>,
    /// The names each candidate has (its place in `out`, the name).
    named: HashSet<(usize, String)>,
    missing: Option<String>,
}

impl<L> IndexWalk<'_, L> {
    fn descriptors(
        &mut self,
        descriptors: Vec<Descriptor>,
        names: &[String],
        depth: usize,
    ) -> Result<(), LayersError> {
        if depth > MAX_INDEX_DEPTH {
            return Err(LayersError::Corrupt {
                at: "index.json".into(),
                problem: format!("indexes nest deeper than {MAX_INDEX_DEPTH} levels"),
            });
        }
        for d in descriptors {
            // BuildKit attaches provenance as extra manifests whose layers are not filesystems.
            if d.annotations
                .get("vnd.docker.reference.type")
                .map(String::as_str)
                == Some("attestation-manifest")
            {
                continue;
            }
            let path = blob_path(&d.digest)?;
            let mut here = names.to_vec();
            for key in [
                "io.containerd.image.name",
                "org.opencontainers.image.ref.name",
            ] {
                if let Some(name) = d.annotations.get(key) {
                    here.push(name.clone());
                }
            }
            if let Some(&at) = self.manifests.get(&path) {
                self.name(at, here);
                continue;
            }
            if self.indexes.contains(&path) {
                continue;
            }
            if !matches!(
                self.contents.get(&path),
                Some(Item::Json(_)) | Some(Item::TooLarge(_))
            ) {
                self.missing.get_or_insert(path);
                continue;
            }
            let doc: OciDocument = parse(self.contents.json(&path, "index.json")?, &path)?;
            if let Some(children) = doc.manifests {
                self.indexes.insert(path);
                self.descriptors(children, &here, depth + 1)?;
                continue;
            }
            let config = match &doc.config {
                Some(c) => blob_path(&c.digest)?,
                None => String::new(),
            };
            let layers = doc
                .layers
                .iter()
                .map(|l| Ok((blob_path(&l.digest)?, Some(l.digest.clone()))))
                .collect::<Result<_, LayersError>>()?;
            let at = self.out.len();
            self.out.push(Candidate {
                names: Vec::new(),
                config,
                layers,
                by: format!("manifest {path:?}"),
            });
            self.manifests.insert(path, at);
            self.name(at, here);
        }
        Ok(())
    }

    /// Gives candidate `at` the names it does not have yet.
    fn name(&mut self, at: usize, names: Vec<String>) {
        for name in names {
            if self.named.insert((at, name.clone())) {
                self.out[at].names.push(name);
            }
        }
    }
}

/// `sha256:abc` → `blobs/sha256/abc`, refusing digests that are not `algorithm:hex`.
fn blob_path(digest: &str) -> Result<String, LayersError> {
    let valid = digest.split_once(':').filter(|(alg, hex)| {
        !alg.is_empty()
            && alg
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+._-".contains(&b))
            && !hex.is_empty()
            && hex.bytes().all(|b| b.is_ascii_hexdigit())
    });
    match valid {
        Some((alg, hex)) => Ok(format!("blobs/{alg}/{hex}")),
        None => Err(LayersError::Corrupt {
            at: "the image index".into(),
            problem: format!("{digest:?} is not a digest"),
        }),
    }
}

fn choose<L>(
    candidates: Vec<Candidate>,
    select: Option<&str>,
    contents: &Contents<L>,
) -> Result<Candidate, LayersError> {
    let labels: Vec<String> = candidates.iter().map(label).collect();
    let mut matching: Vec<Candidate> = match select {
        Some(wanted) => candidates
            .into_iter()
            .filter(|c| {
                c.names.iter().any(|n| same_reference(n, wanted)) || id_matches(&c.config, wanted)
            })
            .collect(),
        None => candidates,
    };
    if matching.is_empty() {
        return Err(match select {
            Some(wanted) => LayersError::NoSuchImage {
                wanted: wanted.to_owned(),
                names: labels,
            },
            None => LayersError::NotAnImage("its manifest lists no image".into()),
        });
    }
    if matching.len() == 1 {
        return Ok(matching.remove(0));
    }
    // A multi-platform image exported for one platform: only that manifest has its layers.
    let complete = matching
        .iter()
        .filter(|c| c.layers.iter().all(|(path, _)| contents.has(path)))
        .count();
    if complete == 1 || (complete > 1 && select.is_some()) {
        let at = matching
            .iter()
            .position(|c| c.layers.iter().all(|(path, _)| contents.has(path)))
            .unwrap_or(0);
        return Ok(matching.swap_remove(at));
    }
    if select.is_some() {
        return Ok(matching.remove(0));
    }
    Err(LayersError::SeveralImages { names: labels })
}

fn label(c: &Candidate) -> String {
    c.names
        .first()
        .cloned()
        .unwrap_or_else(|| format!("sha256:{}", config_hex(&c.config)))
}

/// The config's hex digest from its archive path (`<hex>.json`, `blobs/sha256/<hex>`, or
/// `sha256:<hex>` as kaniko and crane name it).
fn config_hex(path: &str) -> &str {
    let file = path.rsplit('/').next().unwrap_or(path);
    let file = file.strip_suffix(".json").unwrap_or(file);
    file.rsplit(':').next().unwrap_or(file)
}

/// `abc123` or `sha256:abc123...` naming the image id (at least 4 hex digits).
fn id_matches(config: &str, wanted: &str) -> bool {
    let wanted = wanted.strip_prefix("sha256:").unwrap_or(wanted);
    wanted.len() >= 4
        && wanted.bytes().all(|b| b.is_ascii_hexdigit())
        && config_hex(config).starts_with(wanted)
}

/// `alpine`, `alpine:latest` and `docker.io/library/alpine:latest` are one reference.
fn same_reference(a: &str, b: &str) -> bool {
    canonical(a) == canonical(b)
}

fn canonical(reference: &str) -> String {
    let short = reference
        .strip_prefix("docker.io/")
        .or_else(|| reference.strip_prefix("index.docker.io/"))
        .unwrap_or(reference);
    let short = short.strip_prefix("library/").unwrap_or(short);
    let last = short.rsplit('/').next().unwrap_or(short);
    if last.contains(':') || last.contains('@') {
        short.to_owned()
    } else {
        format!("{short}:latest")
    }
}

fn parse<T: DeserializeOwned>(bytes: &[u8], path: &str) -> Result<T, LayersError> {
    serde_json::from_slice(bytes).map_err(|e| LayersError::Corrupt {
        at: format!("archive entry {path:?}"),
        problem: format!("not the JSON expected: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_match_the_way_docker_spells_them() {
        assert!(same_reference("docker.io/library/alpine:3", "alpine:3"));
        assert!(same_reference("alpine:latest", "alpine"));
        assert!(same_reference("reg:5000/app", "reg:5000/app:latest"));
        assert!(!same_reference("alpine:3", "alpine:4"));
        assert!(id_matches("blobs/sha256/abcdef01", "sha256:abcd"));
        assert!(id_matches("abcdef01.json", "abcdef"));
        assert!(!id_matches("abcdef01.json", "abc"));
        assert!(id_matches("sha256:abcdef01", "sha256:abcdef"));
        assert_eq!(config_hex("sha256:abcdef01"), "abcdef01");
    }

    #[test]
    fn digests_become_blob_paths_and_nothing_else() {
        assert_eq!(
            blob_path("sha256:ab12").expect("valid"),
            "blobs/sha256/ab12"
        );
        assert!(blob_path("sha256:../../etc").is_err());
        assert!(blob_path("nocolon").is_err());
    }
}
