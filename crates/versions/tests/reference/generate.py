#!/usr/bin/env python3
"""Writes the reference answers the `reference` test checks `compare` against.

Each scheme gets hand-picked edge cases plus versions generated from that scheme's alphabet
with a fixed seed; the pairs (every pair of edge cases that fits, then random pairs) are asked
of the reference implementation and written as `A<TAB>B<TAB>-1|0|1|err` to `<scheme>.tsv`.

Run it only to regenerate; the test never needs these tools. Needs:
  dpkg                 dpkg --compare-versions (Debian's dpkg)
  rpm                  /usr/bin/python3 with the rpm module (apt-get install python3-rpm)
  pep440               python3 with packaging (pip install packaging)
  semver               node with the semver package: SEMVER_DIR=dir holding node_modules/semver
  go                   a binary reading A<TAB>B lines, printing golang.org/x/mod/semver.Compare
                       or err when either is not semver.IsValid: GOREF=path
  maven                java, with maven-artifact's ComparableVersion: MAVEN_ARTIFACT=jar,
                       MAVEN_CMP_DIR=dir holding Cmp.class (compareTo of the two, signum)
apk has no reference tool on Debian; apk.tsv is written by hand from apk-tools' documented
rules and is not touched here.

Usage: generate.py [scheme...]
"""
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PAIRS = 1000


def gen(rng, alphabet_parts, n, max_parts=6):
    out = []
    for _ in range(n):
        k = rng.randint(1, max_parts)
        out.append("".join(rng.choice(alphabet_parts) for _ in range(k)))
    return out


def pairs_of(rng, edge, random_versions, variants=None):
    pairs = []
    for i, a in enumerate(edge):
        for b in edge[i:]:
            pairs.append((a, b))
    rng.shuffle(pairs)
    pairs = pairs[: PAIRS // 2]
    pool = edge + random_versions
    while len(pairs) < PAIRS:
        a, b = rng.choice(pool), rng.choice(pool)
        pairs.append((a, b))
    if variants:
        # Respellings that the scheme may or may not treat as equal: where orders go wrong.
        pool = edge + random_versions
        for _ in range(PAIRS // 4):
            a = rng.choice(pool)
            pairs.append((a, rng.choice(variants)(rng, a)))
    return [(a, b) for a, b in pairs if "\t" not in a + b and "\n" not in a + b]


def sign(n):
    return (n > 0) - (n < 0)


def ref_dpkg(pairs):
    out = []
    for a, b in pairs:
        res = "err"
        for op, val in (("lt", -1), ("eq", 0), ("gt", 1)):
            p = subprocess.run(["dpkg", "--compare-versions", a, op, b], capture_output=True)
            if p.returncode == 0:
                res = str(val)
                break
            if p.returncode != 1:
                break
        out.append(res)
    return out


def batch(cmd, pairs, **kw):
    data = "".join(f"{a}\t{b}\n" for a, b in pairs)
    p = subprocess.run(cmd, input=data, capture_output=True, text=True, check=True, **kw)
    lines = p.stdout.splitlines()
    assert len(lines) == len(pairs), p.stderr
    return [l.strip() for l in lines]


RPM_SCRIPT = r"""
import sys, rpm
for line in sys.stdin.read().split("\n"):
    if not line: continue
    a, b = line.split("\t")
    try:
        va, vb = rpm.ver(a), rpm.ver(b)
        print((va > vb) - (va < vb))
    except Exception:
        print("err")
"""


def ref_rpm(pairs):
    return batch(["/usr/bin/python3", "-c", RPM_SCRIPT], pairs)


def ref_pep440(pairs):
    from packaging.version import InvalidVersion, Version

    out = []
    for a, b in pairs:
        try:
            va, vb = Version(a), Version(b)
            out.append(str((va > vb) - (va < vb)))
        except InvalidVersion:
            out.append("err")
    return out


SEMVER_SCRIPT = r"""
const semver = require('semver');
const lines = require('fs').readFileSync(0, 'utf8').split('\n').filter(l => l.length);
for (const l of lines) {
  const [a, b] = l.split('\t');
  try { console.log(semver.compare(a, b)); } catch (e) { console.log('err'); }
}
"""


def ref_semver(pairs):
    return batch(["node", "-e", SEMVER_SCRIPT], pairs, cwd=os.environ["SEMVER_DIR"])


def ref_go(pairs):
    # OSV's Go records spell versions without the "v" that Go requires; `compare` adds it, so
    # the reference is asked about the spelling Go itself would see.
    go = lambda v: v if v.startswith("v") else "v" + v
    return batch([os.environ["GOREF"]], [(go(a), go(b)) for a, b in pairs])


def ref_maven(pairs):
    cp = os.environ["MAVEN_ARTIFACT"] + ":" + os.environ["MAVEN_CMP_DIR"]
    return batch(["java", "-cp", cp, "Cmp"], pairs)


def dpkg_cases(rng):
    edge = [
        "1", "1.0", "1.0-1", "1.0-0", "1:1.0", "0:1.0", "2:0.1", "1.0~rc1", "1.0~rc1-1",
        "1.0~~", "1.0~", "1.0+dfsg-1", "1.0+b1", "1.0-1+deb12u1", "1.0-1~bpo11+1", "1.0a",
        "1.0A", "1.0.a", "1.0+", "1.0.", "1.0-1ubuntu0.22.04.1", "1.0-1ubuntu1", "a1.0",
        "1.00", "1.000001", "1.1", "1.01", "001", "18446744073709551616",
        "18446744073709551617", "1.18446744073709551616", "2147483647:1", "2147483648:1",
        ":1", "1:", "1.0-", "1.0--1", "1-2-3", "1:2:3", "1.0 1", "~", "~~a", "+1:2", "+:1",
        "1.0-a~", "1.0%2", "0", "00", "1.2.3-4.5", "7.88.1-10+deb12u5", "1:7.88.1-10",
        "2.36-9+deb12u4", "1.0-~", "1.0-+",
    ]
    parts = ["0", "1", "2", "9", "10", "007", ".", ".", "-", "+", "~", "a", "b", "z", "A", ":",
             "rc", "dfsg", "ubuntu", "deb"]
    # dpkg's command line would read a leading '-' as an option, and it takes "" for "no
    # version" (below every version) where `compare` says it is not a version: both left out.
    rand = [v for v in gen(rng, parts, 400, 8) if v and not v.startswith("-")]
    return edge, rand


def rpm_cases(rng):
    edge = [
        "1.0", "1.0-1", "1.0-1.el9", "0:1.0-1", "1:1.0-1", "1.0~rc1-1", "1.0^20230101-1",
        "1.0^", "1.0~", "1.0~~", "1.0^^", "1.0^~", "1.0~^", "1.0a", "1.0.a", "1.a", "1_0",
        "1..0", "1.0.", "1.0-", "1.0-1-2", "1.0+git", "1.0.1", "1.00", "1.01", "001", "a",
        "A", "Z", "z", "18446744073709551616", "18446744073709551617", "1:", ":1", "1::2",
        "2.34-60.el9_2.7", "2.34-60.el9", "3.0.7-24.el9", "1:3.0.7-24.el9", "10", "9",
        "1.0-1.fc38", "1.0-1.fc39", "5.14.0-284.11.1.el9_2", "1.2.3-r1", "1.0_p1",
    ]
    parts = ["0", "1", "2", "9", "10", "007", ".", ".", "-", "~", "^", "a", "b", "Z", "_", "+",
             "el", "fc"]
    rand = gen(rng, parts, 400, 8)
    return edge, rand


def pep440_cases(rng):
    edge = [
        "1.0", "1", "1.0.0", "1.0.0.0", "0", "0.0", "v1.0", "V1.0", " 1.0 ", "1.0\n", "1!0.1",
        "0!1.0", "01!1.0", "1.0a1", "1.0a", "1.0.a1", "1.0-a1", "1.0_a1", "1.0alpha1",
        "1.0ALPHA1", "1.0b2", "1.0beta2", "1.0c1", "1.0rc1", "1.0pre1", "1.0preview1",
        "1.0rc", "1.0rc.", "1.0.post1", "1.0post1", "1.0-1", "1.0-post1", "1.0_post1",
        "1.0rev1", "1.0r1", "1.0.post", "1.0-", "1.0.dev1", "1.0dev", "1.0.dev", "1.0a1.dev1",
        "1.0a1.post1", "1.0a1.post1.dev1", "1.0.post1.dev1", "1.0+local", "1.0+local.1",
        "1.0+local.2", "1.0+1", "1.0+01", "1.0+a.b", "1.0+a-b", "1.0+a_b", "1.0+A", "1.0+",
        "1.0+abc.", "1.0+a..b", "1.0.dev0", "1.0a0", "1.0b0", "1.0rc0", "1.0.post0",
        "18446744073709551616", "1.18446744073709551616", "1.0a18446744073709551616",
        "1.0.", ".1", "1..0", "1.0.x", "a1.0", "1.0aa", "1.0a1a", "1.0-dev", "1.0_dev1",
        "1.0.dev1+x", "2.0", "1.1", "1.10", "1.9", "1.0.post1+x", "1.0rc1-1", "1.0a-1",
        "1.0a-post", "1.0.0a1", "",
    ]
    parts = ["0", "1", "2", "10", "01", ".", ".", "!", "a", "b", "rc", "c", "pre", "post",
             "dev", "r", "-", "_", "+", "x", "loc", "v"]
    rand = gen(rng, parts, 150, 7) + structured_pep440(rng, 300)
    return edge, rand


def semver_like(rng, n, prefix, shorthand):
    """Mostly valid versions: numbers, dotted pre-release and build identifiers, rare mistakes."""
    idents = ["0", "1", "2", "10", "alpha", "beta", "rc", "a", "A", "Z", "x-y", "-", "0a",
              "20230101120000", "abcdef123456"]
    num = lambda: rng.choice(["0", "1", "2", "10"]) if rng.random() > 0.03 else "01"
    out = []
    for _ in range(n):
        parts = 3 if not shorthand or rng.random() < 0.8 else rng.choice([1, 2])
        v = prefix + ".".join(num() for _ in range(parts))
        if rng.random() < 0.5:
            v += "-" + ".".join(rng.choice(idents) for _ in range(rng.randint(1, 3)))
        if rng.random() < 0.2:
            v += "+" + ".".join(rng.choice(idents + ["incompatible", "01"]) for _ in range(rng.randint(1, 2)))
        if rng.random() < 0.03:
            v += rng.choice([".", "-", "+", ".0", "..1"])
        out.append(v)
    return out


def semver_cases(rng):
    edge = [
        "1.0.0", "0.0.0", "v1.0.0", " 1.0.0 ", "1.0.0-0", "1.0.0-alpha", "1.0.0-alpha.1",
        "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1",
        "1.0.0-rc.1+build", "1.0.0+build.1", "1.0.0+build.2", "1.0.0-1", "1.0.0-01",
        "1.0.0-a-b", "1.0.0--", "1.0.0-0a", "1.0.0-a.1.2", "1.0.0-a.1", "1.0.0-A",
        "1.0.0-a", "1.0", "1", "01.0.0", "1.00.0", "1.0.0-", "1.0.0+", "1.0.0-a..b",
        "1.0.0+a..b", "1.0.0.0", "=1.0.0", "V1.0.0", "1.2.3", "2.0.0", "10.0.0", "1.10.0",
        "1.9.0", "1.0.0-alpha.9", "1.0.0-alpha.10", "9007199254740991.0.0", "",
        "1.0.0-x.7.z.92", "1.0.0+21AF26D3----117B344092BD",
    ]
    return edge, semver_like(rng, 400, "", False)


def go_cases(rng):
    edge = [
        "v1.0.0", "v1", "v1.2", "v1.2.0", "v0.0.0", "v2.0.0+incompatible", "v2.0.0",
        "v1.0.0-rc.1", "v1.0.0-rc.1+meta", "v1-rc", "v1.2-rc", "v1.2+meta", "v01.0.0",
        "v1.0.0-01", "v1.0.0-", "v1.0.0+", "v0.0.0-20230101120000-abcdefabcdef",
        "v0.0.0-20230102120000-abcdefabcdef", "v1.2.4-0.20230101120000-abcdefabcdef",
        "v1.2.3", "v1.2.4", "v1.2.4-pre", "v1.2.4-pre.0.20230101120000-abcdefabcdef",
        "v18446744073709551616.0.0", "v18446744073709551615.0.0", "v1.0.0-a.18446744073709551616",
        "v1.0.0-a.9", "V1.0.0", " v1.0.0", "v1.0.0.0", "vv1.0.0", "v",
    ]
    return edge, semver_like(rng, 400, "v", True)


def maven_cases(rng):
    edge = [
        "1", "1.0", "1.0.0", "1-0", "1.0-0", "1.0.0-0.0", "1-alpha", "1-alpha1", "1-alpha-1",
        "1a1", "1b1", "1m1", "1.0-a1", "1.0-a", "1-beta", "1-milestone", "1-m1", "1-rc",
        "1-cr", "1-rc1", "1-cr1", "1-snapshot", "1-SNAPSHOT", "1", "1-ga", "1-final",
        "1-release", "1-sp", "1-sp1", "1-foo", "1-bar", "1-abc", "1.1", "1-1", "1.0.1",
        "1-0.1", "1.0-1", "1.0.0-1", "1..1", "1--1", "1.", "1-", ".1", "-1", "", "1.0a",
        "1.0.a", "1.0-a", "1.a", "1-a", "1.1-SNAPSHOT", "1.1-alpha-SNAPSHOT", "2.0.0.Final",
        "2.0.0.RELEASE", "2.0.0.GA", "5.3.20", "5.3.20.RELEASE", "1.0-jre", "31.1-jre",
        "31.1-android", "1.0.0.RC1", "1.0.0.M1", "1.0.0.CR2", "1.0-sp-1", "1-1-1",
        "1.1.1.1", "000", "1.000000000001", "1.2147483648", "1.9223372036854775808",
        "1.99999999999999999999", "1.00000000000000000001", "1X", "1x1y", "1.0-ALPHA",
        "1.0-Alpha", "1-0-0-a", "1.0.0-00.a", "1-rc-1", "1-rc.1", "1-beta.1",
    ]
    parts = ["0", "1", "2", "10", "007", ".", ".", "-", "-", "alpha", "a", "b", "m", "rc", "cr",
             "snapshot", "ga", "final", "sp", "x", "SNAPSHOT", "Final"]
    rand = gen(rng, parts, 400, 7)
    return edge, rand


SCHEMES = {
    "dpkg": (dpkg_cases, ref_dpkg),
    "rpm": (rpm_cases, ref_rpm),
    "pep440": (pep440_cases, ref_pep440),
    "semver": (semver_cases, ref_semver),
    "go": (go_cases, ref_go),
    "maven": (maven_cases, ref_maven),
}


def swapcase_some(rng, v):
    return "".join(c.swapcase() if rng.random() < 0.5 else c for c in v)


def respell(table):
    """A variant maker replacing one occurrence of a table key by one of its spellings."""

    def make(rng, v):
        keys = [k for k in table if k in v]
        if not keys:
            return v + rng.choice(table.get("", [".0"]))
        k = rng.choice(keys)
        return v.replace(k, rng.choice(table[k]), 1)

    return make


VARIANTS = {
    "dpkg": [
        lambda rng, v: "0:" + v if ":" not in v else v,
        lambda rng, v: v + "-0" if "-" not in v else v,
        lambda rng, v: v + rng.choice([".0", "~", "+", "0", "-1", "~rc1"]),
        respell({"1": ["01", "001"], ".": ["+", "~"], "a": ["A"]}),
    ],
    "rpm": [
        lambda rng, v: "0:" + v if ":" not in v else v,
        lambda rng, v: v + rng.choice([".0", "~", "^", "_", ".", "-1", "a"]),
        respell({".": ["_", "+", ".."], "1": ["01"], "a": ["A"]}),
    ],
    "pep440": [
        lambda rng, v: swapcase_some(rng, v),
        lambda rng, v: rng.choice(["v", " ", "0!"]) + v,
        lambda rng, v: v + rng.choice([".0", ".0.0", " ", "+0", "a0", ".post0", ".dev0"]),
        respell({
            "a": ["alpha", ".a", "-a", "_a", "A"], "b": ["beta", ".b", "B"],
            "rc": ["c", "pre", "preview", "-rc", "RC"], ".post": ["post", "-post", "_post", "rev", "r", "-"],
            ".dev": ["dev", "-dev", "_dev", "DEV"], "+": ["+0."], ".": [".0", "-", "_"],
            "": [".0"],
        }),
    ],
    "semver": [
        lambda rng, v: v + rng.choice(["+build", "+1", "-0", "-a", ".0", ""]),
        lambda rng, v: rng.choice(["v", " ", "="]) + v,
        respell({"-": ["-0.", "-a-"], "+": ["-"], "1": ["01"], "a": ["A"]}),
    ],
    "go": [
        lambda rng, v: v + rng.choice(["+incompatible", "+meta", ".0", "-0", ""]),
        respell({"v": ["", "V"], ".0.0": [""], ".0": [""], "-": ["-0."], "1": ["01"]}),
    ],
    "maven": [
        lambda rng, v: swapcase_some(rng, v),
        lambda rng, v: v + rng.choice([".0", "-0", "-ga", ".final", "-release", "-", ".", "-sp", "0"]),
        respell({".": ["-"], "-": ["."], "alpha": ["a"], "beta": ["b"], "milestone": ["m"],
                 "rc": ["cr"], "1": ["01", "1.0"], "": [".0"]}),
    ],
}


def structured_pep440(rng, n):
    out = []
    for _ in range(n):
        v = ""
        if rng.random() < 0.1:
            v += rng.choice(["0", "1", "2"]) + "!"
        v += ".".join(rng.choice(["0", "1", "2", "10", "00"]) for _ in range(rng.randint(1, 4)))
        sep = lambda: rng.choice(["", "", ".", "-", "_"])
        if rng.random() < 0.4:
            v += sep() + rng.choice(["a", "b", "rc", "c", "alpha", "beta", "pre", "preview", "RC"])
            v += sep() + rng.choice(["", "0", "1", "2", "10"])
        if rng.random() < 0.3:
            v += rng.choice(["-1", "-2", sep() + rng.choice(["post", "rev", "r"]) + sep() + rng.choice(["", "1", "2"])])
        if rng.random() < 0.3:
            v += sep() + rng.choice(["dev", "DEV"]) + sep() + rng.choice(["", "0", "1", "2"])
        if rng.random() < 0.2:
            v += "+" + rng.choice(["a", "1", "abc", "A"]) + rng.choice(["", ".1", "-b", "_2", ".x.3"])
        out.append(v)
    return out


def main():
    names = sys.argv[1:] or list(SCHEMES)
    for name in names:
        cases, ref = SCHEMES[name]
        rng = random.Random(f"drydock-versions-{name}")
        edge, rand = cases(rng)
        pairs = pairs_of(rng, edge, rand, VARIANTS.get(name))
        if name == "dpkg":
            pairs = [(a, b) for a, b in pairs if a and b and a[0] != "-" and b[0] != "-"]
        answers = ref(pairs)
        path = os.path.join(HERE, f"{name}.tsv")
        with open(path, "w", encoding="utf-8") as f:
            for (a, b), r in zip(pairs, answers):
                f.write(f"{a}\t{b}\t{r}\n")
        print(f"{name}: {len(pairs)} pairs -> {path}")


if __name__ == "__main__":
    main()
