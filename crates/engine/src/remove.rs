//! Removals and the image archive round trip (save before removal, load on restore).
//!
//! Nothing here ever forces: the engine's own refusals (an image a container uses, a running
//! container, a mounted volume) come back as [`EngineError::InUse`] for the caller to report.

use crate::engine::Engine;
use crate::error::EngineError;
use crate::raw::{path_escape, Pulse};
use bollard::query_parameters::{
    ImportImageOptions, PruneBuildOptions, RemoveContainerOptions, RemoveImageOptions,
    RemoveVolumeOptions, TagImageOptions,
};
use futures_util::StreamExt;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// An image's references as the engine holds them now.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ImageRefs {
    pub id: String,
    pub repo_tags: Option<Vec<String>>,
    pub repo_digests: Option<Vec<String>>,
}

impl ImageRefs {
    /// Tags then digests, without the engine's `<none>` placeholders.
    pub fn references(&self) -> Vec<String> {
        let tags = self.repo_tags.iter().flatten();
        let digests = self.repo_digests.iter().flatten();
        tags.chain(digests)
            .filter(|r| !r.starts_with("<none>"))
            .cloned()
            .collect()
    }
}

/// Chunk size when streaming an archive back to the engine.
const LOAD_CHUNK: usize = 1024 * 1024;

impl Engine {
    fn map(&self, what: &str) -> impl Fn(bollard::errors::Error) -> EngineError + '_ {
        let what = what.to_owned();
        move |e| EngineError::from_bollard(e, &self.endpoint().to_string(), &what)
    }

    /// The image's id and references, or `ObjectNotFound`.
    pub async fn image_refs(&self, name: &str) -> Result<ImageRefs, EngineError> {
        self.read_json(
            &format!("/images/{}/json", path_escape(name)),
            &format!("image {name}"),
        )
        .await
    }

    /// Removes a stopped container, keeping its anonymous volumes (they may hold data).
    pub async fn remove_container(&self, id: &str) -> Result<(), EngineError> {
        let opts = RemoveContainerOptions {
            v: false,
            force: false,
            link: false,
        };
        let what = format!("removing container {id}");
        self.patient_call(&what, self.patient().remove_container(id, Some(opts)))
            .await
    }

    /// Drops one reference to an image (a tag, a digest, or the id itself). Never forces: an
    /// image a container uses, or whose id names several repositories, is refused (`InUse`).
    /// Dropping an image's last reference deletes the image. Cleanup removes an image by
    /// dropping the references the user saw one by one (an image without any, by its id).
    pub async fn remove_reference(&self, name: &str) -> Result<(), EngineError> {
        let opts = RemoveImageOptions {
            force: false,
            noprune: false,
            platforms: None,
        };
        let what = format!("removing image {name}");
        let escaped = path_escape(name);
        let call = self.patient().remove_image(&escaped, Some(opts), None);
        self.patient_call(&what, call).await.map(|_| ())
    }

    pub async fn remove_volume(&self, name: &str) -> Result<(), EngineError> {
        let what = format!("removing volume {name}");
        let escaped = path_escape(name);
        let call = self
            .patient()
            .remove_volume(&escaped, Some(RemoveVolumeOptions { force: false }));
        self.patient_call(&what, call).await
    }

    pub async fn remove_network(&self, id: &str) -> Result<(), EngineError> {
        let what = format!("removing network {id}");
        self.patient_call(&what, self.patient().remove_network(&path_escape(id)))
            .await
    }

    /// Removes one build-cache record. Returns whether the engine removed it: a record other
    /// records still build on stays until they go.
    pub async fn remove_build_cache(&self, id: &str) -> Result<bool, EngineError> {
        // 20.10 matches `id` as a pattern, newer engines exactly; a record id (25 random
        // letters and digits) as a pattern matches only itself.
        let filters = HashMap::from([("id".to_owned(), vec![id.to_owned()])]);
        let opts = PruneBuildOptions {
            all: Some(true),
            filters: Some(filters),
            ..PruneBuildOptions::default()
        };
        let what = format!("removing build cache {id}");
        let answer = self
            .patient_call(&what, self.patient().prune_build(Some(opts)))
            .await?;
        Ok(answer
            .caches_deleted
            .unwrap_or_default()
            .iter()
            .any(|d| d == id))
    }

    /// Saves the image `id` (by id: the archive carries no tags, so loading it never moves a tag)
    /// into `file`, returning the archive's size. A partial file is removed on failure.
    pub async fn save_image(&self, id: &str, file: &Path) -> Result<u64, EngineError> {
        let result = self.save_image_inner(id, file).await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(file).await;
        }
        result
    }

    async fn save_image_inner(&self, id: &str, file: &Path) -> Result<u64, EngineError> {
        // A local disk error (full, read-only) is ours, not the engine's answer.
        let io = |e: std::io::Error| EngineError::ArchiveUnwritable {
            file: file.display().to_string(),
            detail: e.to_string(),
        };
        let mut out = tokio::fs::File::create(file).await.map_err(io)?;
        let what = format!("saving image {id}");
        let pulse = Pulse::default();
        let saving = async {
            let mut stream = self.patient().export_images(&[id]);
            let mut written = 0u64;
            while let Some(chunk) = stream.next().await {
                pulse.beat();
                let chunk = chunk.map_err(self.map(&what))?;
                out.write_all(&chunk).await.map_err(io)?;
                written += chunk.len() as u64;
            }
            Ok(written)
        };
        let written = self.patiently(&what, &pulse, saving).await?;
        out.flush().await.map_err(io)?;
        out.sync_all().await.map_err(io)?;
        Ok(written)
    }

    /// Loads an archive made by [`Engine::save_image`]. It waits while the archive uploads or
    /// the engine answers pings (the engine unpacks it all before answering). An archive the
    /// engine cannot read, cut short or damaged, is reported as such, naming the file.
    pub async fn load_image(&self, file: &Path) -> Result<(), EngineError> {
        let shown = file.display().to_string();
        let unreadable = |e: &std::io::Error| EngineError::ArchiveUnreadable {
            file: shown.clone(),
            detail: e.to_string(),
        };
        let input = tokio::fs::File::open(file)
            .await
            .map_err(|e| unreadable(&e))?;
        let pulse = Pulse::default();
        // A read error here reaches the engine only as a request cut short: keep the cause.
        let read_failed = Arc::new(Mutex::new(None::<std::io::Error>));
        let state = (input, pulse.clone(), Arc::clone(&read_failed));
        let chunks = futures_util::stream::unfold(state, |(mut input, pulse, failed)| async move {
            let mut buf = vec![0u8; LOAD_CHUNK];
            match input.read(&mut buf).await {
                Ok(0) => None,
                Ok(n) => {
                    pulse.beat();
                    buf.truncate(n);
                    let chunk = Ok::<_, std::io::Error>(bytes::Bytes::from(buf));
                    Some((chunk, (input, pulse, failed)))
                }
                Err(e) => {
                    let cut = std::io::Error::new(e.kind(), e.to_string());
                    if let Ok(mut slot) = failed.lock() {
                        *slot = Some(e);
                    }
                    Some((Err(cut), (input, pulse, failed)))
                }
            }
        });
        let opts = ImportImageOptions {
            quiet: true,
            platform: None,
        };
        let what = format!("loading {shown}");
        let endpoint = self.endpoint().to_string();
        let loading = async {
            let mut answers = self.patient().import_image_stream(opts, chunks, None);
            while let Some(answer) = answers.next().await {
                pulse.beat();
                answer.map_err(|e| EngineError::from_load(e, &endpoint, &shown))?;
            }
            Ok(())
        };
        let loaded = self.patiently(&what, &pulse, loading).await;
        match read_failed.lock().ok().and_then(|mut slot| slot.take()) {
            Some(e) => Err(unreadable(&e)),
            None => loaded,
        }
    }

    /// Whether container `id` still exists: what settles a removal whose answer was lost.
    pub async fn container_exists(&self, id: &str) -> Result<bool, EngineError> {
        self.exists(
            &format!("/containers/{}/json", path_escape(id)),
            "container",
            id,
        )
        .await
    }

    pub async fn volume_exists(&self, name: &str) -> Result<bool, EngineError> {
        self.exists(&format!("/volumes/{}", path_escape(name)), "volume", name)
            .await
    }

    pub async fn network_exists(&self, id: &str) -> Result<bool, EngineError> {
        self.exists(&format!("/networks/{}", path_escape(id)), "network", id)
            .await
    }

    async fn exists(&self, path: &str, kind: &str, name: &str) -> Result<bool, EngineError> {
        match self
            .read_json::<serde::de::IgnoredAny>(path, &format!("{kind} {name}"))
            .await
        {
            Ok(_) => Ok(true),
            Err(EngineError::ObjectNotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Tags image `id` as `reference` (`repo:tag`).
    pub async fn tag_image(&self, id: &str, reference: &str) -> Result<(), EngineError> {
        let (repo, tag) = split_reference(reference);
        let opts = TagImageOptions {
            repo: Some(repo.to_owned()),
            tag: Some(tag.to_owned()),
        };
        let what = format!("tagging image {id} as {reference}");
        let escaped = path_escape(id);
        let call = self.docker().tag_image(&escaped, Some(opts));
        self.within(&what, async { call.await.map_err(self.map(&what)) })
            .await
    }
}

/// `registry:5000/repo:tag` into repository and tag (the colon after the last slash).
fn split_reference(reference: &str) -> (&str, &str) {
    let slash = reference.rfind('/').map_or(0, |i| i + 1);
    match reference[slash..].rfind(':') {
        Some(i) => (&reference[..slash + i], &reference[slash + i + 1..]),
        None => (reference, "latest"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_split_at_the_colon_after_the_last_slash() {
        assert_eq!(split_reference("app:1"), ("app", "1"));
        assert_eq!(
            split_reference("reg:5000/team/app:1.2"),
            ("reg:5000/team/app", "1.2")
        );
        assert_eq!(split_reference("reg:5000/app"), ("reg:5000/app", "latest"));
    }

    #[test]
    fn placeholders_are_not_references() {
        let refs = ImageRefs {
            id: "sha256:a".into(),
            repo_tags: Some(vec!["<none>:<none>".into(), "app:1".into()]),
            repo_digests: Some(vec!["<none>@<none>".into(), "app@sha256:b".into()]),
        };
        assert_eq!(refs.references(), ["app:1", "app@sha256:b"]);
    }
}
