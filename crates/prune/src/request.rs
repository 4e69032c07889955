//! What the user asked to prune: kinds, filters (`until`, `label`, `label!`) and keep rules.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::time::Duration;

/// Which images a prune may take, like `docker image prune` without and with `--all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageScope {
    /// Neither tagged nor pulled by digest.
    Dangling,
    /// Every image no staying container uses.
    Unused,
}

/// `label=key`, `label=key=value`, `label!=key`, `label!=key=value`, as Docker reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelFilter {
    Has { key: String, value: Option<String> },
    Lacks { key: String, value: Option<String> },
}

impl LabelFilter {
    /// `key` or `key=value`: objects carrying that label are selected.
    pub fn has(spec: &str) -> Self {
        let (key, value) = split_label(spec);
        LabelFilter::Has { key, value }
    }

    /// `key` or `key=value`: objects carrying that label are not selected.
    pub fn lacks(spec: &str) -> Self {
        let (key, value) = split_label(spec);
        LabelFilter::Lacks { key, value }
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let carries = |key: &String, value: &Option<String>| match (labels.get(key), value) {
            (Some(_), None) => true,
            (Some(have), Some(want)) => have == want,
            (None, _) => false,
        };
        match self {
            LabelFilter::Has { key, value } => carries(key, value),
            LabelFilter::Lacks { key, value } => !carries(key, value),
        }
    }
}

fn split_label(spec: &str) -> (String, Option<String>) {
    match spec.split_once('=') {
        Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
        None => (spec.to_owned(), None),
    }
}

/// The filters of one kind. Every filter must hold for an object to be selected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// Only objects at least this old (Docker's `until=<duration>`).
    pub until: Option<Duration>,
    pub labels: Vec<LabelFilter>,
}

impl Filters {
    pub fn older_than(age: Duration) -> Self {
        Filters {
            until: Some(age),
            labels: Vec::new(),
        }
    }

    /// `created` and `labels` are `None` where the engine data does not say; a filter that needs
    /// them then does not select the object (not knowing is never a reason to remove).
    pub(crate) fn selects(
        &self,
        created: Option<i64>,
        labels: Option<&BTreeMap<String, String>>,
        now: i64,
    ) -> bool {
        if let Some(age) = self.until {
            let cutoff = now.saturating_sub(i64::try_from(age.as_secs()).unwrap_or(i64::MAX));
            match created {
                Some(created) if created <= cutoff => {}
                _ => return false,
            }
        }
        if self.labels.is_empty() {
            return true;
        }
        labels.is_some_and(|labels| self.labels.iter().all(|f| f.matches(labels)))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageSelect {
    pub scope: ImageScope,
    pub filters: Filters,
}

/// Volumes are only ever pruned by name: their bytes are data, not rebuildable cache.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VolumeSelect {
    pub names: BTreeSet<String>,
    pub labels: Vec<LabelFilter>,
}

/// One prune request. `None` leaves a kind alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    pub images: Option<ImageSelect>,
    /// Stopped containers (running, paused and restarting ones always stay).
    pub containers: Option<Filters>,
    pub volumes: Option<VolumeSelect>,
    /// Custom networks no staying container is attached to.
    pub networks: Option<Filters>,
    /// Build-cache records not in use.
    pub build_cache: Option<Filters>,
    /// Globs on `repo:tag` from flags and the persistent keep list together.
    pub keep: Vec<String>,
    /// Only these images may be planned (ids), whatever else selects them: how a plan made by
    /// other means (least-recently-used clean-up) is checked again before it runs.
    pub image_ids: Option<BTreeSet<String>>,
}

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

impl Request {
    /// The one-click plan: dangling images, containers stopped and created over a day ago, build
    /// cache unused for a week. Never volumes, never networks.
    pub fn one_click(keep: Vec<String>) -> Self {
        Request {
            images: Some(ImageSelect {
                scope: ImageScope::Dangling,
                filters: Filters::default(),
            }),
            containers: Some(Filters::older_than(DAY)),
            volumes: None,
            networks: None,
            build_cache: Some(Filters::older_than(7 * DAY)),
            keep,
            image_ids: None,
        }
    }
}

/// An age such as `90m`, `24h`, `7d` or `1h30m` could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgeError(pub String);

impl fmt::Display for AgeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not an age: use a number and a unit (s, m, h, d, w), e.g. 24h or 7d",
            self.0
        )
    }
}

impl std::error::Error for AgeError {}

/// Reads `until` ages: Go-style durations (`24h`, `1h30m`) plus days and weeks, which Docker
/// lacks but people write.
pub fn parse_age(text: &str) -> Result<Duration, AgeError> {
    let err = || AgeError(text.to_owned());
    let mut total: u64 = 0;
    let mut number = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 7 * 86_400,
            _ => return Err(err()),
        };
        let n: u64 = number.parse().map_err(|_| err())?;
        total = n
            .checked_mul(unit)
            .and_then(|s| total.checked_add(s))
            .ok_or_else(err)?;
        number.clear();
    }
    if !number.is_empty() || text.trim().is_empty() {
        return Err(err());
    }
    Ok(Duration::from_secs(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn label_filters_read_like_docker() {
        let l = labels(&[("env", "dev"), ("team", "")]);
        assert!(LabelFilter::has("env").matches(&l));
        assert!(LabelFilter::has("env=dev").matches(&l));
        assert!(!LabelFilter::has("env=prod").matches(&l));
        assert!(LabelFilter::has("team=").matches(&l));
        assert!(!LabelFilter::lacks("env").matches(&l));
        assert!(LabelFilter::lacks("env=prod").matches(&l));
        assert!(LabelFilter::lacks("keep").matches(&l));
    }

    #[test]
    fn until_needs_a_known_creation_time_old_enough() {
        let f = Filters::older_than(Duration::from_secs(100));
        assert!(f.selects(Some(900), None, 1000));
        assert!(!f.selects(Some(901), None, 1000));
        assert!(!f.selects(None, None, 1000));
    }

    #[test]
    fn unknown_labels_are_never_selected_by_a_label_filter() {
        let f = Filters {
            until: None,
            labels: vec![LabelFilter::lacks("keep")],
        };
        assert!(!f.selects(Some(0), None, 0));
        assert!(f.selects(Some(0), Some(&BTreeMap::new()), 0));
        assert!(Filters::default().selects(None, None, 0));
    }

    #[test]
    fn ages() {
        assert_eq!(parse_age("24h"), Ok(DAY));
        assert_eq!(parse_age("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_age("2w"), Ok(14 * DAY));
        for bad in ["", "24", "h", "1y", "-1h", "99999999999999999999w"] {
            assert!(parse_age(bad).is_err(), "{bad}");
        }
    }
}
