//! OSV's affected ranges, evaluated as the OSV schema's `IsVulnerable` pseudocode does
//! (<https://ossf.github.io/osv-schema/#evaluation>), for `ECOSYSTEM` and `SEMVER` ranges.
//! `GIT` ranges are the caller's to drop: they name commits, not versions; [`Scheme::for_range`]
//! picks the scheme for the others (a `SEMVER` range is semver whatever its ecosystem).

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use crate::{compare, validate, Scheme, VersionError};

/// One event of an OSV range, in the schema's own names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// Versions from here on are affected; `"0"` means from the very first version.
    Introduced(String),
    /// Versions from here on are not affected.
    Fixed(String),
    /// Versions after this one are not affected.
    LastAffected(String),
    /// Versions from here on are outside the range, whatever the other events say; `"*"` is
    /// no limit.
    Limit(String),
}

impl Event {
    fn version(&self) -> &str {
        match self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        }
    }

    /// Versions that stand for "before everything" or "after everything" rather than a version.
    fn is_sentinel(&self) -> bool {
        matches!(self, Event::Introduced(v) if v == "0")
            || matches!(self, Event::Limit(v) if v == "*")
    }
}

/// Orders two events by version; `introduced: "0"` is below every version, `limit: "*"` above.
fn event_order(scheme: Scheme, a: &Event, b: &Event) -> Ordering {
    let rank = |e: &Event| match e {
        Event::Introduced(v) if v == "0" => 0,
        Event::Limit(v) if v == "*" => 2,
        _ => 1,
    };
    rank(a).cmp(&rank(b)).then_with(|| {
        if rank(a) == 1 && rank(b) == 1 {
            // Every event version was validated before sorting, so this cannot fail.
            compare(scheme, a.version(), b.version()).unwrap_or(Ordering::Equal)
        } else {
            Ordering::Equal
        }
    })
}

/// Whether `version` falls in one OSV range (its `events`), per the schema's `BeforeLimits` and
/// event walk. Events may come in any order; ties keep their given order. An error names the
/// first version (the installed one or an event's) that is not valid in `scheme`.
pub fn in_range(scheme: Scheme, events: &[Event], version: &str) -> Result<bool, VersionError> {
    validate(scheme, version)?;
    for event in events.iter().filter(|e| !e.is_sentinel()) {
        validate(scheme, event.version())?;
    }
    let v_vs = |other: &str| compare(scheme, version, other);

    let limits = events.iter().filter_map(|e| match e {
        Event::Limit(l) => Some(l),
        _ => None,
    });
    let mut limited = false;
    let mut before_a_limit = false;
    for limit in limits {
        limited = true;
        if limit == "*" || v_vs(limit)? == Ordering::Less {
            before_a_limit = true;
            break;
        }
    }
    if limited && !before_a_limit {
        return Ok(false);
    }

    let sorted = merge_sort(events.iter().collect(), &|a, b| event_order(scheme, a, b));
    let mut vulnerable = false;
    for event in sorted {
        match event {
            Event::Introduced(v) if v == "0" || v_vs(v)? != Ordering::Less => vulnerable = true,
            Event::Fixed(v) if v_vs(v)? != Ordering::Less => vulnerable = false,
            Event::LastAffected(v) if v_vs(v)? == Ordering::Greater => vulnerable = false,
            _ => {}
        }
    }
    Ok(vulnerable)
}

/// A stable merge sort. The standard library's sorts may panic when a comparison is not a total
/// order, and no version order from a stranger's data can be trusted to be one (Maven's is not
/// always transitive); this one just returns some order.
fn merge_sort<'e>(
    mut items: Vec<&'e Event>,
    cmp: &dyn Fn(&Event, &Event) -> Ordering,
) -> Vec<&'e Event> {
    if items.len() <= 1 {
        return items;
    }
    let right = items.split_off(items.len() / 2);
    let (left, right) = (merge_sort(items, cmp), merge_sort(right, cmp));
    let mut merged = Vec::with_capacity(left.len() + right.len());
    let (mut left, mut right) = (left.into_iter().peekable(), right.into_iter().peekable());
    while let (Some(l), Some(r)) = (left.peek(), right.peek()) {
        let take_right = cmp(r, l) == Ordering::Less;
        merged.extend(if take_right {
            right.next()
        } else {
            left.next()
        });
    }
    merged.extend(left);
    merged.extend(right);
    merged
}

/// Whether `version` is affected by one OSV `affected` entry: listed in `versions` (exact text),
/// or in any of its `ranges`. A range with a version that does not parse in `scheme` is skipped,
/// as is every range when `version` itself does not parse (only the exact list can match it).
pub fn affected(scheme: Scheme, ranges: &[Vec<Event>], versions: &[String], version: &str) -> bool {
    versions.iter().any(|v| v == version)
        || ranges
            .iter()
            .any(|events| in_range(scheme, events, version).unwrap_or(false))
}

#[cfg(test)]
mod tests;
