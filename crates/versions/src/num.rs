//! Digit runs compared by value, however long: version numbers from strangers may exceed any
//! integer type, and every ecosystem here compares them as numbers, not as text.

use std::cmp::Ordering;

/// Compares two runs of ASCII digits by numeric value (leading zeros do not count).
pub(crate) fn cmp_digits(a: &str, b: &str) -> Ordering {
    cmp_digit_bytes(a.as_bytes(), b.as_bytes())
}

/// [`cmp_digits`] on bytes.
pub(crate) fn cmp_digit_bytes(a: &[u8], b: &[u8]) -> Ordering {
    let a = strip_zeros(a);
    let b = strip_zeros(b);
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn strip_zeros(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&c| c != b'0').unwrap_or(s.len());
    s.get(start..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_by_value_beyond_u64() {
        assert_eq!(cmp_digits("007", "7"), Ordering::Equal);
        assert_eq!(
            cmp_digits("18446744073709551616", "18446744073709551615"),
            Ordering::Greater
        );
        assert_eq!(cmp_digits("9", "10"), Ordering::Less);
        assert_eq!(cmp_digits("", "0"), Ordering::Equal);
    }
}
