//! A unified diff of two texts by line (`diff -u` style, three lines of context), for showing
//! what `--fix` changes. The common head and tail are cut first; what is left is aligned by
//! Myers' algorithm with its work capped. Past the cap, lines are paired one to one when both
//! sides have as many, else shown as removed then added: the diff stays correct, if coarser,
//! and the cost bounded however hostile the text.

/// Myers' work (diagonals times lines) allowed before the coarse diff is used; its trace is
/// at most twice this many offsets.
const WORK: usize = 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// Old line, new line.
    Same(usize, usize),
    Delete(usize),
    Insert(usize),
}

/// The unified diff turning `old` into `new`, with `a/path` and `b/path` headers (an absolute
/// path loses its leading `/` there, as `patch -p1` from the root expects); empty when they are
/// equal.
pub fn diff(old: &str, new: &str, path: &str) -> String {
    if old == new {
        return String::new();
    }
    let path = path.trim_start_matches('/');
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = ops(&a, &b);
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    for hunk in hunks(&ops, 3) {
        render(&mut out, &ops[hunk], &a, &b);
    }
    out
}

fn ops(a: &[&str], b: &[&str]) -> Vec<Op> {
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (am, bm) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut out: Vec<Op> = (0..head).map(|i| Op::Same(i, i)).collect();
    match myers(am, bm) {
        Some(middle) => out.extend(middle.into_iter().map(|op| match op {
            Op::Same(x, y) => Op::Same(head + x, head + y),
            Op::Delete(x) => Op::Delete(head + x),
            Op::Insert(y) => Op::Insert(head + y),
        })),
        None => out.extend(coarse(head, am, bm)),
    }
    let (an, bn) = (a.len() - tail, b.len() - tail);
    out.extend((0..tail).map(|i| Op::Same(an + i, bn + i)));
    out
}

/// Past Myers' cap: lines paired one to one when both sides have as many (what in-line fixes
/// produce), else all of one side removed and the other added.
fn coarse(head: usize, am: &[&str], bm: &[&str]) -> Vec<Op> {
    let mut out = Vec::with_capacity(am.len() + bm.len());
    if am.len() != bm.len() {
        out.extend((0..am.len()).map(|i| Op::Delete(head + i)));
        out.extend((0..bm.len()).map(|i| Op::Insert(head + i)));
        return out;
    }
    // Each run of changed lines shows its old lines, then its new ones.
    let mut run: Vec<usize> = Vec::new();
    for (i, (x, y)) in am.iter().zip(bm).enumerate() {
        if x == y {
            out.extend(run.drain(..).map(Op::Insert));
            out.push(Op::Same(head + i, head + i));
        } else {
            run.push(head + i);
            out.push(Op::Delete(head + i));
        }
    }
    out.extend(run.drain(..).map(Op::Insert));
    out
}

/// Myers' shortest edit script, or `None` when it would take more than [`WORK`].
fn myers(a: &[&str], b: &[&str]) -> Option<Vec<Op>> {
    let (n, m) = (a.len(), b.len());
    let max = n + m;
    let cap = (WORK / max.max(1)).min(max);
    let offset = cap + 1;
    let mut v = vec![0usize; 2 * cap + 3];
    let mut trace: Vec<Vec<usize>> = Vec::new();
    for d in 0..=cap {
        trace.push(v.clone());
        let mut k = -(d as isize);
        while k <= d as isize {
            let at = (k + offset as isize) as usize;
            let down = k == -(d as isize) || (k != d as isize && v[at - 1] < v[at + 1]);
            let mut x = if down { v[at + 1] } else { v[at - 1] + 1 };
            let Ok(mut y) = usize::try_from(x as isize - k) else {
                v[at] = x;
                k += 2;
                continue;
            };
            while x < n && y < m && a.get(x) == b.get(y) {
                x += 1;
                y += 1;
            }
            v[at] = x;
            if x == n && y == m {
                let ops = backtrack(&trace, offset, n, m);
                return rebuilds(&ops, a, b).then_some(ops);
            }
            k += 2;
        }
    }
    None
}

/// Whether `ops` turn `a` into `b`: a guard, so a slip in the index arithmetic shows as a
/// coarser diff rather than a wrong one.
fn rebuilds(ops: &[Op], a: &[&str], b: &[&str]) -> bool {
    let (mut x, mut y) = (0, 0);
    for op in ops {
        match *op {
            Op::Same(i, j) if i == x && j == y && a.get(i).is_some() && a.get(i) == b.get(j) => {
                x += 1;
                y += 1;
            }
            Op::Delete(i) if i == x && i < a.len() => x += 1,
            Op::Insert(j) if j == y && j < b.len() => y += 1,
            _ => return false,
        }
    }
    x == a.len() && y == b.len()
}

fn backtrack(trace: &[Vec<usize>], offset: usize, n: usize, m: usize) -> Vec<Op> {
    let mut out = Vec::new();
    let (mut x, mut y) = (n, m);
    for (d, v) in trace.iter().enumerate().rev() {
        let k = x as isize - y as isize;
        let at = |k: isize| (k + offset as isize) as usize;
        let get = |k: isize| v.get(at(k)).copied().unwrap_or(0);
        let down = k == -(d as isize) || (k != d as isize && get(k - 1) < get(k + 1));
        let prev_k = if down { k + 1 } else { k - 1 };
        let prev_x = v.get(at(prev_k)).copied().unwrap_or(0);
        let prev_y = usize::try_from(prev_x as isize - prev_k).unwrap_or(0);
        while x > prev_x && y > prev_y {
            x -= 1;
            y -= 1;
            out.push(Op::Same(x, y));
        }
        if d > 0 {
            if down {
                y = y.saturating_sub(1);
                out.push(Op::Insert(y));
            } else {
                x = x.saturating_sub(1);
                out.push(Op::Delete(x));
            }
        }
    }
    out.reverse();
    out
}

/// Ranges of `ops` forming hunks: each change with up to `context` unchanged lines around it,
/// changes closer than twice that merged.
fn hunks(ops: &[Op], context: usize) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        if matches!(op, Op::Same(..)) {
            continue;
        }
        let start = i.saturating_sub(context);
        let end = (i + 1 + context).min(ops.len());
        match out.last_mut() {
            Some(last) if start <= last.end => last.end = end,
            _ => out.push(start..end),
        }
    }
    out
}

fn render(out: &mut String, ops: &[Op], a: &[&str], b: &[&str]) {
    let first_old = ops.iter().find_map(|op| match op {
        Op::Same(x, _) | Op::Delete(x) => Some(*x),
        Op::Insert(_) => None,
    });
    let first_new = ops.iter().find_map(|op| match op {
        Op::Same(_, y) | Op::Insert(y) => Some(*y),
        Op::Delete(_) => None,
    });
    let old_count = ops.iter().filter(|op| !matches!(op, Op::Insert(_))).count();
    let new_count = ops.iter().filter(|op| !matches!(op, Op::Delete(_))).count();
    // An empty side (only when that whole text is empty) is written as line 0, as `diff -u`.
    let start = |first: Option<usize>, count: usize| match first {
        Some(line) if count > 0 => line + 1,
        _ => 0,
    };
    out.push_str(&format!(
        "@@ -{},{old_count} +{},{new_count} @@\n",
        start(first_old, old_count),
        start(first_new, new_count)
    ));
    for op in ops {
        let (sign, line) = match *op {
            Op::Same(x, _) => (' ', a.get(x)),
            Op::Delete(x) => ('-', a.get(x)),
            Op::Insert(y) => ('+', b.get(y)),
        };
        let line = line.copied().unwrap_or("");
        out.push(sign);
        out.push_str(line);
        if !line.ends_with('\n') {
            out.push_str("\n\\ No newline at end of file\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(diff("a\n", "a\n", "f"), "");
    }

    #[test]
    fn an_absolute_path_reads_as_one_path_under_a_and_b() {
        let shown = diff("a\n", "b\n", "/tmp/p/Dockerfile");
        assert!(
            shown.starts_with("--- a/tmp/p/Dockerfile\n+++ b/tmp/p/Dockerfile\n"),
            "{shown}"
        );
    }

    #[test]
    fn an_in_line_change_shows_with_context() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        let new = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
        assert_eq!(
            diff(old, new, "Dockerfile"),
            "--- a/Dockerfile\n+++ b/Dockerfile\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"
        );
    }

    #[test]
    fn inserted_and_removed_lines_align_by_myers() {
        let out = diff("a\nb\nc\n", "a\nx\nb\n", "f");
        assert_eq!(out, "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n+x\n b\n-c\n");
        assert_eq!(
            diff("", "a\n", "f"),
            "--- a/f\n+++ b/f\n@@ -0,0 +1,1 @@\n+a\n"
        );
    }

    #[test]
    fn a_missing_final_newline_is_marked() {
        assert_eq!(
            diff("a", "b", "f"),
            "--- a/f\n+++ b/f\n@@ -1,1 +1,1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn far_apart_changes_make_separate_hunks() {
        let old: String = (0..20).map(|i| format!("{i}\n")).collect();
        let new: String = (0..20)
            .map(|i| match i {
                2 | 17 => format!("x{i}\n"),
                _ => format!("{i}\n"),
            })
            .collect();
        assert_eq!(diff(&old, &new, "f").matches("@@ -").count(), 2);
    }

    #[test]
    fn past_the_cap_lines_pair_up_or_are_replaced() {
        let ops = coarse(1, &["a\n", "b\n", "c\n"], &["a\n", "x\n", "y\n"]);
        assert_eq!(
            ops,
            [
                Op::Same(1, 1),
                Op::Delete(2),
                Op::Delete(3),
                Op::Insert(2),
                Op::Insert(3)
            ]
        );
        assert_eq!(coarse(0, &["a\n"], &[]), [Op::Delete(0)]);
    }

    #[test]
    fn myers_scripts_rebuild_both_sides() {
        let mut seed = 7u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (seed >> 16) % 4
        };
        for _ in 0..300 {
            let a: Vec<String> = (0..next() * 3).map(|_| next().to_string()).collect();
            let b: Vec<String> = (0..next() * 3 + 1).map(|_| next().to_string()).collect();
            let a: Vec<&str> = a.iter().map(String::as_str).collect();
            let b: Vec<&str> = b.iter().map(String::as_str).collect();
            let ops = myers(&a, &b).expect("small inputs stay under the cap");
            assert!(rebuilds(&ops, &a, &b), "{a:?} -> {b:?}: {ops:?}");
        }
    }
}
