//! Human-readable sizes, in the decimal units Docker's own CLI uses (1 kB = 1000 B).

/// `1234567` → `"1.23 MB"`; exact bytes below 1 kB. Negative figures (the engine's "not computed")
/// read as `"-"`.
pub fn human_bytes(bytes: i64) -> String {
    const UNITS: [&str; 6] = ["kB", "MB", "GB", "TB", "PB", "EB"];
    if bytes < 0 {
        return "-".to_owned();
    }
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 999.5 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    // Three significant digits, as `docker images` prints them.
    let decimals = if value < 10.0 {
        2
    } else if value < 100.0 {
        1
    } else {
        0
    };
    let text = format!("{value:.decimals$}");
    format!("{} {}", trim_zeros(&text), UNITS[unit])
}

fn trim_zeros(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::human_bytes;

    #[test]
    fn formats_like_docker() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(1000), "1 kB");
        assert_eq!(human_bytes(1_234_567), "1.23 MB");
        assert_eq!(human_bytes(1_200_000_000), "1.2 GB");
        assert_eq!(human_bytes(999_999_999), "1 GB");
        assert_eq!(human_bytes(i64::MAX), "9.22 EB");
        assert_eq!(human_bytes(-1), "-");
    }
}
