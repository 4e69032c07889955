#!/usr/bin/env python3
"""Writes reference.tsv: CVSS vectors with the base score Red Hat's `cvss` library gives them.

The Rust test `tests/cvss.rs` checks that `drydock_advisories::cvss::score` agrees on every line.
Red Hat's library computes v2 and v3 with decimal arithmetic and v4 as FIRST's reference
calculator does, so it is the reference here.

    pip install --user cvss==3.6
    python3 crates/advisories/tests/cvss/generate.py > crates/advisories/tests/cvss/reference.tsv

Every v2, v3.0 and v3.1 base vector is listed (the rounding edges are where calculators go wrong),
then seeded random vectors with optional metrics: v3 with temporal and environmental metrics
(which must not change the base score) and v4 with threat, environmental and supplemental ones.
"""

import itertools
import random

from importlib import metadata
from cvss import CVSS2, CVSS3, CVSS4
from cvss import constants2, constants3, constants4

V2_BASE = ["AV", "AC", "Au", "C", "I", "A"]
V3_BASE = ["AV", "AC", "PR", "UI", "S", "C", "I", "A"]


def values(table, metric):
    return list(table.METRICS_VALUE_NAMES[metric].keys())


def v2_band(score):
    # CVSS v2 has no Critical; NVD's bands.
    if score == 0:
        return "none"
    if score < 4.0:
        return "low"
    if score < 7.0:
        return "medium"
    return "high"


def main():
    rng = random.Random(12)
    rows = []

    for combo in itertools.product(*(values(constants2, m) for m in V2_BASE)):
        vector = "/".join(f"{m}:{v}" for m, v in zip(V2_BASE, combo))
        score = CVSS2(vector).scores()[0]
        rows.append(("2.0", vector, score, v2_band(score)))

    for minor in ("3.0", "3.1"):
        for combo in itertools.product(*(values(constants3, m) for m in V3_BASE)):
            vector = f"CVSS:{minor}/" + "/".join(f"{m}:{v}" for m, v in zip(V3_BASE, combo))
            c = CVSS3(vector)
            rows.append((minor, vector, c.scores()[0], c.severities()[0].lower()))

    v3_optional = [m for m in constants3.METRICS_VALUE_NAMES if m not in V3_BASE]
    for _ in range(200):
        minor = rng.choice(("3.0", "3.1"))
        parts = [f"{m}:{rng.choice(values(constants3, m))}" for m in V3_BASE]
        parts += [
            f"{m}:{rng.choice(values(constants3, m))}" for m in v3_optional if rng.random() < 0.5
        ]
        vector = f"CVSS:{minor}/" + "/".join(parts)
        c = CVSS3(vector)
        rows.append((minor, vector, c.scores()[0], c.severities()[0].lower()))

    v2_optional = [m for m in constants2.METRICS_VALUE_NAMES if m not in V2_BASE]
    for _ in range(100):
        parts = [f"{m}:{rng.choice(values(constants2, m))}" for m in V2_BASE]
        # v2 vectors carry temporal/environmental groups whole or not at all.
        if rng.random() < 0.5:
            parts += [f"{m}:{rng.choice(values(constants2, m))}" for m in ("E", "RL", "RC")]
        if rng.random() < 0.5:
            parts += [f"{m}:{rng.choice(values(constants2, m))}" for m in v2_optional[3:]]
        vector = "/".join(parts)
        score = CVSS2(vector).scores()[0]
        rows.append(("2.0", vector, score, v2_band(score)))

    mandatory = constants4.METRICS_MANDATORY
    optional = [m for m in constants4.METRICS_VALUE_NAMES if m not in mandatory]
    for i in range(1500):
        parts = [f"{m}:{rng.choice(values(constants4, m))}" for m in mandatory]
        if i % 3:
            parts += [
                f"{m}:{rng.choice(values(constants4, m))}" for m in optional if rng.random() < 0.4
            ]
        vector = "CVSS:4.0/" + "/".join(parts)
        c = CVSS4(vector)
        rows.append(("4.0", vector, c.base_score, c.severity.lower()))

    print(f"# version\tvector\tbase\tseverity (Red Hat cvss {metadata.version('cvss')})")
    for version, vector, score, severity in rows:
        print(f"{version}\t{vector}\t{float(score):.1f}\t{severity}")


if __name__ == "__main__":
    main()
