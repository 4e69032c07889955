//! What flattening an image needs of the engine: an image's own facts (id, tags, os, size), a
//! container created from it and never started, the container's filesystem export, the image's
//! export, and the leftovers of a flatten that died before removing its container.
//!
//! Both exports are as large as the image, so they are never held whole: the engine's chunks
//! cross a small bounded channel to the caller's reader on a blocking thread, as the layer
//! analysis does ([`Engine::layer_report`]).

use crate::engine::Engine;
use crate::error::EngineError;
use crate::raw::{path_escape, query_escape};
use bollard::models::ContainerCreateBody;
use bollard::query_parameters::RemoveContainerOptions;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;

/// An image as its inspect gives it, for flattening.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageFacts {
    /// `sha256:...`
    pub id: String,
    /// Tags, without the engine's `<none>` placeholders.
    pub tags: Vec<String>,
    /// The config's `os` (`linux`, `windows`).
    pub os: String,
    /// The engine's own size of the image.
    pub size: u64,
    /// The image's layers (diff ids), lowest first.
    pub layers: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawImage {
    id: String,
    repo_tags: Option<Vec<String>>,
    os: String,
    size: i64,
    #[serde(rename = "RootFS")]
    root_fs: RawRootFs,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawRootFs {
    layers: Option<Vec<String>>,
}

/// A container listed with the label asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelledContainer {
    pub id: String,
    /// `created`, `running`, `exited`, ...
    pub state: String,
    /// Seconds since the Unix epoch.
    pub created: i64,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawListed {
    id: String,
    state: String,
    created: i64,
}

impl Engine {
    /// Image `name`'s id, tags, os, size and layers, or `ObjectNotFound`.
    pub async fn image_facts(&self, name: &str) -> Result<ImageFacts, EngineError> {
        let raw: RawImage = self
            .read_json(
                &format!("/images/{}/json", path_escape(name)),
                &format!("image {name}"),
            )
            .await?;
        Ok(ImageFacts {
            id: raw.id,
            tags: raw
                .repo_tags
                .unwrap_or_default()
                .into_iter()
                .filter(|t| !t.starts_with("<none>"))
                .collect(),
            os: raw.os,
            size: raw.size.max(0) as u64,
            layers: raw.root_fs.layers.unwrap_or_default(),
        })
    }

    /// Creates a container from image `image` that is never started (no network, a command
    /// that is never run), carrying `labels`, and returns its id. Its filesystem is the image's
    /// plus the engine's init layer (see `moby/daemon/initlayer`).
    pub async fn create_idle_container(
        &self,
        image: &str,
        labels: &[(&str, &str)],
    ) -> Result<String, EngineError> {
        let body = ContainerCreateBody {
            image: Some(image.to_owned()),
            // An image without a command cannot make a container; this one is never run.
            cmd: Some(vec!["/drydock-never-runs".to_owned()]),
            network_disabled: Some(true),
            labels: Some(
                labels
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect::<HashMap<_, _>>(),
            ),
            ..ContainerCreateBody::default()
        };
        let what = format!("creating a container from image {image}");
        let created = self
            .patient_call(&what, self.patient().create_container(None, body))
            .await?;
        Ok(created.id)
    }

    /// Removes a container [`Engine::create_idle_container`] made, with the anonymous volumes
    /// the engine created for the image's `VOLUME`s at creation: never started, nothing was
    /// ever written to them but the image's own files. Not forced: a container someone started
    /// meanwhile is refused (`InUse`).
    pub async fn remove_idle_container(&self, id: &str) -> Result<(), EngineError> {
        let opts = RemoveContainerOptions {
            v: true,
            force: false,
            link: false,
        };
        let what = format!("removing container {id}");
        self.patient_call(&what, self.patient().remove_container(id, Some(opts)))
            .await
    }

    /// Containers carrying label `key` (any value), running or not.
    pub async fn labelled_containers(
        &self,
        key: &str,
    ) -> Result<Vec<LabelledContainer>, EngineError> {
        let filters = BTreeMap::from([("label", vec![key])]);
        let filters = serde_json::to_string(&filters).map_err(|e| EngineError::Data {
            what: "the container filter".into(),
            detail: e.to_string(),
        })?;
        let raw: Vec<RawListed> = self
            .read_json(
                &format!("/containers/json?all=1&filters={}", query_escape(&filters)),
                "the container list",
            )
            .await?;
        Ok(raw
            .into_iter()
            .map(|c| LabelledContainer {
                id: c.id,
                state: c.state,
                created: c.created,
            })
            .collect())
    }

    /// Streams container `id`'s filesystem export (`GET /containers/{id}/export`, a tar of the
    /// merged filesystem) into `reader` on a blocking thread, reporting the bytes read so far.
    /// The reader may stop early; a connection lost midway is the error, not what the reader
    /// made of the cut stream.
    pub async fn read_container_export<T: Send + 'static>(
        &self,
        id: &str,
        mut progress: impl FnMut(u64),
        reader: impl FnOnce(&mut dyn Read) -> T + Send + 'static,
    ) -> Result<T, EngineError> {
        let what = format!("the export of container {id}");
        let stream = self.patient().export_container(&path_escape(id));
        self.read_export(
            &what,
            stream,
            0,
            move |p| progress(p.read),
            move |mut r| reader(&mut r),
        )
        .await
    }

    /// Streams image `id`'s export (`GET /images/{id}/get`, what `docker save` writes) into
    /// `reader`, as [`Engine::read_container_export`] does.
    pub async fn read_image_export<T: Send + 'static>(
        &self,
        id: &str,
        mut progress: impl FnMut(u64),
        reader: impl FnOnce(&mut dyn Read) -> T + Send + 'static,
    ) -> Result<T, EngineError> {
        let what = format!("the export of image {id}");
        let stream = self.patient().export_image(id);
        self.read_export(
            &what,
            stream,
            0,
            move |p| progress(p.read),
            move |mut r| reader(&mut r),
        )
        .await
    }
}
