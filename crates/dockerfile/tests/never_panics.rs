//! Dockerfiles come from strangers: the parser must survive anything. This feeds it every
//! corpus file cut at many offsets, with bytes flipped, spliced and repeated, using a fixed-seed
//! generator so a failure reproduces.

use std::collections::BTreeMap;
use std::fs;

/// xorshift64*: tiny, deterministic, good enough to pick offsets and bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Bytes that matter to the grammar, so mutations hit interesting paths.
const SPICY: &[u8] = b"\\`\"'$:{}[]<>-=#\n\r\t ,0123aE\x00\xef\xbb\xbf\xc3\xa9";

fn exercise(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let parsed = drydock_dockerfile::parse(&text);
    let _ = drydock_dockerfile::dump(&parsed);
    let _ = drydock_dockerfile::stages(&parsed);
    let _ = drydock_dockerfile::scopes(&parsed, &BTreeMap::new());
    for ins in &parsed.instructions {
        for arg in ins.args.all() {
            let _ = drydock_dockerfile::expand_word(&arg.value, &BTreeMap::new(), parsed.escape);
        }
        assert!(ins.span.start <= ins.span.end, "inverted span in {text:?}");
    }
}

fn corpus() -> Vec<Vec<u8>> {
    let mut files = Vec::new();
    for dir in [
        "/work/shared/corpus/buildkit-parser/testfiles",
        "/work/shared/corpus/dockerfiles",
    ] {
        let Ok(entries) = fs::read_dir(dir) else {
            continue;
        };
        let mut paths: Vec<_> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.path().join("Dockerfile"))
            .collect();
        paths.sort();
        files.extend(paths.iter().filter_map(|p| fs::read(p).ok()));
    }
    files.push(b"RUN <<EOF\nx\n".to_vec());
    files.push(b"RUN ${a:-${b:-${c:-".to_vec());
    files
}

#[test]
fn prefixes_never_panic() {
    for file in corpus() {
        let step = (file.len() / 40).max(1);
        for cut in (0..file.len()).step_by(step) {
            exercise(file.get(..cut).unwrap_or_default());
        }
    }
}

#[test]
fn mutations_never_panic() {
    let mut rng = Rng(0x5EED_D0C4_E2F1_1E00);
    for file in corpus() {
        for _ in 0..12 {
            let mut bytes = file.clone();
            for _ in 0..=rng.below(8) {
                let at = rng.below(bytes.len() + 1);
                match rng.below(4) {
                    0 if at < bytes.len() => bytes[at] = SPICY[rng.below(SPICY.len())],
                    1 if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    2 => bytes.insert(at, SPICY[rng.below(SPICY.len())]),
                    _ => {
                        let from = rng.below(bytes.len());
                        let len = rng.below(64).min(bytes.len() - from);
                        let chunk = bytes[from..from + len].to_vec();
                        bytes.splice(at..at, chunk);
                    }
                }
            }
            exercise(&bytes);
        }
    }
}

#[test]
fn random_noise_never_panics() {
    let mut rng = Rng(42);
    for _ in 0..2_000 {
        let len = rng.below(200);
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                if rng.below(2) == 0 {
                    SPICY[rng.below(SPICY.len())]
                } else {
                    (rng.next() & 0xff) as u8
                }
            })
            .collect();
        exercise(&bytes);
    }
}

#[test]
fn hostile_shapes_stay_bounded() {
    exercise(format!("FROM a\nONBUILD {}RUN x", "ONBUILD ".repeat(50_000)).as_bytes());
    exercise(format!("FROM a\nCMD {}", "[".repeat(100_000)).as_bytes());
    exercise(format!("FROM a\nENV x={}", "${y:-".repeat(50_000)).as_bytes());
    exercise(format!("FROM a\nRUN {}", "<<A ".repeat(5_000)).as_bytes());
    exercise(format!("FROM a\nRUN x \\\n{}", "\\\n".repeat(50_000)).as_bytes());
}
