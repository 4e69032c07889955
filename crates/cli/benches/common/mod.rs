//! Timing shared by the benchmarks: the two sides alternate, so drift on a busy machine falls
//! on both alike.

use std::time::Duration;

/// `runs` alternating runs of `a` and `b`, after one warm-up run of each: the median of each
/// side and the median of the per-pair ratios b / a.
pub fn paired(
    runs: usize,
    mut a: impl FnMut() -> Duration,
    mut b: impl FnMut() -> Duration,
) -> (Duration, Duration, f64) {
    a();
    b();
    let (mut xs, mut ys, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..runs {
        let (x, y) = if i % 2 == 0 {
            let x = a();
            (x, b())
        } else {
            let y = b();
            (a(), y)
        };
        ratios.push(y.as_secs_f64() / x.as_secs_f64());
        xs.push(x);
        ys.push(y);
    }
    xs.sort();
    ys.sort();
    ratios.sort_by(f64::total_cmp);
    (xs[runs / 2], ys[runs / 2], ratios[runs / 2])
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
