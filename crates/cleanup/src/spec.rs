//! What a person asks to prune, in the words the CLI flags and the app's checkboxes use, turned
//! into the planner's [`Request`]. Also the persistent keep list and size limits people type.

use crate::error::CleanupError;
use crate::execute::{prepare, Prepared};
use drydock_engine::Engine;
use drydock_prune::{
    parse_age, Filters, ImageScope, ImageSelect, LabelFilter, Request, VolumeSelect,
};
use drydock_store::Store;
use serde::{Deserialize, Serialize};
use std::sync::Mutex;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ImageChoice {
    Dangling,
    Unused,
}

/// One prune selection. `one_click` stands for the safe default plan and ignores the rest but
/// `keep`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "PruneSpec"))]
#[serde(default)]
pub struct Spec {
    pub one_click: bool,
    pub images: Option<ImageChoice>,
    pub containers: bool,
    /// Volumes by name: the only way a volume is ever pruned.
    pub volumes: Vec<String>,
    pub networks: bool,
    pub build_cache: bool,
    /// Only objects at least this old (`24h`, `7d`); volumes are chosen by name instead.
    pub until: Option<String>,
    /// `key`, `key=value` select; `!key`, `!key=value` exclude.
    pub labels: Vec<String>,
    /// Keep globs on `repo:tag`, on top of the saved keep list.
    pub keep: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    #[error("nothing to prune was chosen\n  fix: choose at least one of --images, --containers, --volumes NAME, --networks, --build-cache")]
    Nothing,
    #[error("--until: {0}")]
    Age(String),
    #[error("--label {0:?}: a label filter needs a key (`key`, `key=value`, `!key`)")]
    Label(String),
    #[error("--volumes: a volume name cannot be empty")]
    EmptyVolume,
}

impl From<SpecError> for CleanupError {
    fn from(e: SpecError) -> Self {
        CleanupError::Invalid(e.to_string())
    }
}

impl Spec {
    pub fn one_click() -> Spec {
        Spec {
            one_click: true,
            ..Spec::default()
        }
    }

    /// The planner's request, with `saved_keep` (the persistent keep list) added to the keep rules.
    pub fn request(&self, saved_keep: &[String]) -> Result<Request, SpecError> {
        let mut keep: Vec<String> = saved_keep.to_vec();
        keep.extend(self.keep.iter().filter(|k| !k.trim().is_empty()).cloned());
        if self.one_click {
            return Ok(Request::one_click(keep));
        }
        if self.images.is_none()
            && !self.containers
            && self.volumes.is_empty()
            && !self.networks
            && !self.build_cache
        {
            return Err(SpecError::Nothing);
        }
        let until = match self.until.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(parse_age(text).map_err(|e| SpecError::Age(e.to_string()))?),
        };
        let labels = self
            .labels
            .iter()
            .map(|l| {
                let (negated, spec) = match l.strip_prefix('!') {
                    Some(rest) => (true, rest),
                    None => (false, l.as_str()),
                };
                if spec.split('=').next().is_none_or(|k| k.trim().is_empty()) {
                    return Err(SpecError::Label(l.clone()));
                }
                Ok(if negated {
                    LabelFilter::lacks(spec)
                } else {
                    LabelFilter::has(spec)
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if self.volumes.iter().any(|v| v.trim().is_empty()) {
            return Err(SpecError::EmptyVolume);
        }
        let filters = Filters {
            until,
            labels: labels.clone(),
        };
        Ok(Request {
            images: self.images.map(|choice| ImageSelect {
                scope: match choice {
                    ImageChoice::Dangling => ImageScope::Dangling,
                    ImageChoice::Unused => ImageScope::Unused,
                },
                filters: filters.clone(),
            }),
            containers: self.containers.then(|| filters.clone()),
            volumes: (!self.volumes.is_empty()).then(|| VolumeSelect {
                names: self.volumes.iter().cloned().collect(),
                labels,
            }),
            networks: self.networks.then(|| filters.clone()),
            build_cache: self.build_cache.then(|| filters.clone()),
            keep,
            image_ids: None,
        })
    }
}

const KEEP_KEY: &str = "keep";

/// Plans `spec` against the engine as it is now, with the saved keep list: the plan both front
/// ends show before anything is removed. A volume named in `spec` that the engine does not have
/// is a mistake to report, not an item to skip quietly.
pub async fn plan_spec(
    engine: &Engine,
    journal: &Mutex<Store>,
    spec: &Spec,
    now: i64,
) -> Result<Prepared, CleanupError> {
    let keep = saved_keep(&*crate::lock(journal)?)?;
    let request = spec.request(&keep)?;
    let why = if spec.one_click { "one-click" } else { "prune" };
    let prepared = prepare(engine, request, why, now).await?;
    if !spec.volumes.is_empty() {
        // The df answer the plan was just made from.
        let usage = engine.disk_usage_cached().await?;
        let missing: Vec<String> = spec
            .volumes
            .iter()
            .filter(|name| !usage.volumes.iter().any(|v| &v.name == *name))
            .cloned()
            .collect();
        if !missing.is_empty() {
            return Err(CleanupError::NoSuchVolumes(missing));
        }
    }
    Ok(prepared)
}

/// The persistent keep list (globs on `repo:tag`), empty when never set.
pub fn saved_keep(store: &Store) -> Result<Vec<String>, CleanupError> {
    Ok(store.setting::<Vec<String>>(KEEP_KEY)?.unwrap_or_default())
}

pub fn set_saved_keep(store: &Store, keep: &[String]) -> Result<(), CleanupError> {
    let mut clean: Vec<String> = keep
        .iter()
        .map(|k| k.trim().to_owned())
        .filter(|k| !k.is_empty())
        .collect();
    clean.sort();
    clean.dedup();
    store.set_setting(KEEP_KEY, &clean)?;
    Ok(())
}

/// A size such as `20GB`, `512MiB` or `1500000` (bytes). Decimal units (kB, MB, GB, TB) are
/// powers of 1000 as Docker prints sizes; binary ones (KiB, MiB, GiB, TiB) powers of 1024.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let unit = unit.trim().to_ascii_lowercase();
    let factor: u64 = match unit.as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1000,
        "m" | "mb" => 1000_u64.pow(2),
        "g" | "gb" => 1000_u64.pow(3),
        "t" | "tb" => 1000_u64.pow(4),
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        "tib" => 1 << 40,
        _ => {
            return Err(format!(
                "`{text}` is not a size: use e.g. 20GB, 512MiB or a number of bytes"
            ))
        }
    };
    let value: f64 = number.parse().map_err(|_| {
        format!("`{text}` is not a size: use e.g. 20GB, 512MiB or a number of bytes")
    })?;
    let bytes = value * factor as f64;
    if !bytes.is_finite() || bytes < 0.0 || bytes > u64::MAX as f64 {
        return Err(format!("`{text}` is too large"));
    }
    Ok(bytes.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_decimal_and_binary_units() {
        assert_eq!(parse_size("20GB"), Ok(20_000_000_000));
        assert_eq!(parse_size("1.5 GiB"), Ok(1_610_612_736));
        assert_eq!(parse_size("512mib"), Ok(536_870_912));
        assert_eq!(parse_size("1500"), Ok(1500));
        for bad in ["", "GB", "12 parsecs", "-1GB", "1e999GB"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_spec_becomes_the_planners_request() {
        let spec = Spec {
            images: Some(ImageChoice::Unused),
            containers: true,
            volumes: vec!["data".into()],
            until: Some("24h".into()),
            labels: vec!["env=dev".into(), "!keep".into()],
            keep: vec!["postgres:*".into()],
            ..Spec::default()
        };
        let req = spec.request(&["redis:*".into()]).expect("request");
        assert_eq!(req.keep, ["redis:*", "postgres:*"]);
        let images = req.images.expect("images");
        assert_eq!(images.scope, ImageScope::Unused);
        assert_eq!(
            images.filters.until,
            Some(std::time::Duration::from_secs(86_400))
        );
        assert_eq!(
            images.filters.labels,
            [LabelFilter::has("env=dev"), LabelFilter::lacks("keep")]
        );
        assert!(req.containers.is_some() && req.networks.is_none() && req.build_cache.is_none());
        assert_eq!(req.volumes.expect("volumes").names.len(), 1);
    }

    #[test]
    fn bad_specs_say_what_to_fix() {
        assert_eq!(Spec::default().request(&[]), Err(SpecError::Nothing));
        let bad_age = Spec {
            containers: true,
            until: Some("soon".into()),
            ..Spec::default()
        };
        assert!(matches!(bad_age.request(&[]), Err(SpecError::Age(_))));
        let bad_label = Spec {
            containers: true,
            labels: vec!["!=x".into()],
            ..Spec::default()
        };
        assert!(matches!(bad_label.request(&[]), Err(SpecError::Label(_))));
    }

    #[test]
    fn one_click_ignores_the_rest_but_keep() {
        let spec = Spec {
            keep: vec!["a:*".into()],
            volumes: vec!["data".into()],
            ..Spec::one_click()
        };
        let req = spec.request(&[]).expect("request");
        assert_eq!(req, Request::one_click(vec!["a:*".into()]));
        assert!(req.volumes.is_none());
    }

    #[test]
    fn the_saved_keep_list_is_trimmed_sorted_and_unique() {
        let store = Store::in_memory().expect("store");
        assert!(saved_keep(&store).expect("empty").is_empty());
        set_saved_keep(
            &store,
            &[" b:* ".into(), "a:1".into(), "b:*".into(), "".into()],
        )
        .expect("set");
        assert_eq!(saved_keep(&store).expect("read"), ["a:1", "b:*"]);
    }
}
