//! Maven versions, ordered as Maven's `ComparableVersion` (maven-artifact 3.8) orders them:
//! numbers and qualifiers split at `.`, `-` and digit/letter changes, trailing zeros and empty
//! qualifiers dropped, qualifiers ranked alpha < beta < milestone < rc = cr < snapshot <
//! "" = ga = final = release < sp < anything else (alphabetically). Any string is a version.
//!
//! Maven builds nested lists; here each list lives in one arena and points to its (at most one,
//! always last) sublist, so parsing and comparing are loops: a hostile string cannot exhaust the
//! stack.
//!
//! Maven also counts non-ASCII decimal digits (Arabic-Indic and the like) as digits; here only
//! ASCII digits are numbers and every other character belongs to a qualifier.

use std::cmp::Ordering;

use crate::num::cmp_digits;

#[derive(Debug, Clone)]
enum Item {
    /// Digits without leading zeros ("0" for zero).
    Int(String),
    /// A qualifier, lowercase, after Maven's aliases.
    Str(String),
    /// Index of a sublist in the arena.
    List(usize),
}

/// A parsed version: list 0 of the arena is the whole version.
#[derive(Debug)]
pub(crate) struct Version {
    lists: Vec<Vec<Item>>,
}

impl Version {
    fn is_null(&self, item: &Item) -> bool {
        match item {
            Item::Int(n) => n == "0",
            Item::Str(s) => s.is_empty(),
            Item::List(i) => self.lists.get(*i).is_none_or(Vec::is_empty),
        }
    }
}

fn int_item(digits: &str) -> Item {
    let trimmed = digits.trim_start_matches('0');
    Item::Int(if trimmed.is_empty() { "0" } else { trimmed }.to_owned())
}

fn str_item(value: &str, followed_by_digit: bool) -> Item {
    let value = match (followed_by_digit, value) {
        (true, "a") => "alpha",
        (true, "b") => "beta",
        (true, "m") => "milestone",
        (_, "ga" | "final" | "release") => "",
        (_, "cr") => "rc",
        (_, v) => v,
    };
    Item::Str(value.to_owned())
}

fn item(is_digit: bool, text: &str) -> Item {
    if is_digit {
        int_item(text)
    } else {
        str_item(text, false)
    }
}

/// Parses as `ComparableVersion.parseVersion`; never fails.
pub(crate) fn parse(s: &str) -> Version {
    let lower = s.to_lowercase();
    let chars: Vec<(usize, char)> = lower.char_indices().collect();
    let text = |from: usize, to: usize| -> &str {
        let start = chars.get(from).map_or(lower.len(), |c| c.0);
        let end = chars.get(to).map_or(lower.len(), |c| c.0);
        lower.get(start..end).unwrap_or_default()
    };
    let mut lists: Vec<Vec<Item>> = vec![Vec::new()];
    let mut cur = 0;
    let push = |lists: &mut Vec<Vec<Item>>, cur: usize, item: Item| {
        if let Some(list) = lists.get_mut(cur) {
            list.push(item);
        }
    };
    let new_list = |lists: &mut Vec<Vec<Item>>, cur: &mut usize| {
        let id = lists.len();
        lists.push(Vec::new());
        if let Some(list) = lists.get_mut(*cur) {
            list.push(Item::List(id));
        }
        *cur = id;
    };
    let mut is_digit = false;
    let mut start = 0;
    for (i, &(_, c)) in chars.iter().enumerate() {
        if c == '.' || c == '-' {
            let part = if i == start {
                Item::Int("0".to_owned())
            } else {
                item(is_digit, text(start, i))
            };
            push(&mut lists, cur, part);
            start = i + 1;
            if c == '-' {
                new_list(&mut lists, &mut cur);
            }
        } else if c.is_ascii_digit() {
            if !is_digit && i > start {
                // Maven reads `.X1` as `-X1`: a qualifier opens a sublist unless it leads one.
                if lists.get(cur).is_some_and(|l| !l.is_empty()) {
                    new_list(&mut lists, &mut cur);
                }
                push(&mut lists, cur, str_item(text(start, i), true));
                start = i;
                new_list(&mut lists, &mut cur);
            }
            is_digit = true;
        } else {
            if is_digit && i > start {
                push(&mut lists, cur, int_item(text(start, i)));
                start = i;
                new_list(&mut lists, &mut cur);
            }
            is_digit = false;
        }
    }
    if chars.len() > start {
        if !is_digit && lists.get(cur).is_some_and(|l| !l.is_empty()) {
            new_list(&mut lists, &mut cur);
        }
        push(&mut lists, cur, item(is_digit, text(start, chars.len())));
    }
    let mut version = Version { lists };
    // Maven normalises each list as it pops it off its stack: the newest first, so a sublist
    // is already normalised (and maybe empty) when its parent is.
    for id in (0..version.lists.len()).rev() {
        let Some(slot) = version.lists.get_mut(id) else {
            continue;
        };
        let mut list = std::mem::take(slot);
        let mut i = list.len();
        while i > 0 {
            i -= 1;
            let Some(last) = list.get(i) else { break };
            if version.is_null(last) {
                list.remove(i);
            } else if !matches!(last, Item::List(_)) {
                break;
            }
        }
        if let Some(slot) = version.lists.get_mut(id) {
            *slot = list;
        }
    }
    version
}

/// Java's `String.compareTo`: UTF-16 code units.
fn java_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// `ComparableVersion`'s qualifier key: the rank of a known qualifier, else `7-` and the text.
fn qualifier(q: &str) -> String {
    const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
    match QUALIFIERS.iter().position(|k| *k == q) {
        Some(i) => i.to_string(),
        None => format!("{}-{q}", QUALIFIERS.len()),
    }
}

/// An item compared with nothing (the other version ran out); lists are walked by [`cmp`].
fn cmp_null(item: &Item) -> Ordering {
    match item {
        Item::Int(n) if n == "0" => Ordering::Equal,
        Item::Int(_) => Ordering::Greater,
        Item::Str(s) => java_cmp(&qualifier(s), "5"),
        Item::List(_) => Ordering::Equal,
    }
}

fn cmp_items(a: &Item, b: &Item) -> Ordering {
    match (a, b) {
        (Item::Int(x), Item::Int(y)) => cmp_digits(x, y),
        (Item::Int(_), _) => Ordering::Greater,
        (Item::Str(_), Item::Int(_)) => Ordering::Less,
        (Item::Str(x), Item::Str(y)) => java_cmp(&qualifier(x), &qualifier(y)),
        (Item::Str(_), Item::List(_)) => Ordering::Less,
        (Item::List(_), Item::Int(_)) => Ordering::Less,
        (Item::List(_), _) => Ordering::Greater,
    }
}

enum Task {
    Lists(usize, usize),
    /// A list of `a` (or of `b` when `flip`) against nothing.
    Null(usize, bool),
}

/// Compares as `ComparableVersion.compareTo`.
pub(crate) fn cmp(a: &Version, b: &Version) -> Ordering {
    let mut task = Task::Lists(0, 0);
    loop {
        match task {
            Task::Lists(x, y) => {
                let (la, lb) = (
                    a.lists.get(x).map_or(&[][..], Vec::as_slice),
                    b.lists.get(y).map_or(&[][..], Vec::as_slice),
                );
                let mut next = None;
                for i in 0..la.len().max(lb.len()) {
                    let by = match (la.get(i), lb.get(i)) {
                        (Some(Item::List(p)), Some(Item::List(q))) => {
                            next = Some(Task::Lists(*p, *q));
                            break;
                        }
                        (Some(Item::List(p)), None) => {
                            next = Some(Task::Null(*p, false));
                            break;
                        }
                        (None, Some(Item::List(q))) => {
                            next = Some(Task::Null(*q, true));
                            break;
                        }
                        (Some(l), Some(r)) => cmp_items(l, r),
                        (Some(l), None) => cmp_null(l),
                        (None, Some(r)) => cmp_null(r).reverse(),
                        (None, None) => Ordering::Equal,
                    };
                    if by != Ordering::Equal {
                        return by;
                    }
                }
                match next {
                    Some(t) => task = t,
                    None => return Ordering::Equal,
                }
            }
            Task::Null(list, flip) => {
                // Every item against nothing, in order; a sublist is always the last item.
                let owner = if flip { b } else { a };
                let items = owner.lists.get(list).map_or(&[][..], Vec::as_slice);
                let mut next = None;
                for item in items {
                    let by = match item {
                        Item::List(p) => {
                            next = Some(Task::Null(*p, flip));
                            break;
                        }
                        item => cmp_null(item),
                    };
                    if by != Ordering::Equal {
                        return if flip { by.reverse() } else { by };
                    }
                }
                match next {
                    Some(t) => task = t,
                    None => return Ordering::Equal,
                }
            }
        }
    }
}
