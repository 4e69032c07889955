//! Hostile Dockerfile shapes, each grown to any size by repeating one piece: what a file of
//! thousands of ENV lines, stages, pragmas or `&&` looks like. Shared by the linear-cost test
//! and the scaling benchmark (`crates/cli/benches/lint_scaling.rs` includes this file).

/// (name, the file grown to about `bytes`).
pub type Shape = (&'static str, fn(usize) -> String);

pub const SHAPES: &[Shape] = &[
    ("env lines", |n| {
        grow(
            n,
            "FROM alpine:3.20\n",
            |i| format!("ENV V{i}=value{i}\n"),
            "",
        )
    }),
    ("env lines using the one before", |n| {
        grow(
            n,
            "FROM alpine:3.20\nENV V0=0\n",
            |i| format!("ENV V{}=$V{i}x\n", i + 1),
            "",
        )
    }),
    ("global arg lines", |n| {
        grow(n, "", |i| format!("ARG A{i}=v{i}\n"), "FROM alpine:3.20\n")
    }),
    ("stage arg lines", |n| {
        grow(n, "FROM alpine:3.20\n", |i| format!("ARG A{i}=v{i}\n"), "")
    }),
    ("plain run lines", |n| {
        grow(n, "FROM debian:12\n", |i| format!("RUN echo {i}\n"), "")
    }),
    ("apt-get run lines", |n| {
        grow(
            n,
            "FROM debian:12\n",
            |i| format!("RUN apt-get install p{i} | tee /log\n"),
            "",
        )
    }),
    ("one run of many &&", |n| {
        grow(
            n,
            "FROM debian:12\nRUN true",
            |i| format!(" && echo {i}"),
            "\n",
        )
    }),
    ("one run of many echo pipes", |n| {
        grow(n, "FROM debian:12\nRUN echo", |_| " | echo".into(), "\n")
    }),
    ("one run of many installs, cleaned at the end", |n| {
        let end = " && pip cache purge && rm -rf /var/lib/apt/lists/*\n";
        grow(
            n,
            "FROM python:3\nRUN true",
            |i| format!(" && pip install p{i} && apt-get update"),
            end,
        )
    }),
    ("stages built on the stage before", |n| {
        grow(
            n,
            "FROM alpine:3.20 AS s0\n",
            |i| {
                format!("FROM s{i} AS s{}\nENV X{i}=1\nUSER u{i}\nCOPY --from=s{i} /a /b\nLABEL l=$U{i}\n", i + 1)
            },
            "",
        )
    }),
    ("stages from a global arg", |n| {
        grow(
            n,
            "ARG IMG=alpine\n",
            |i| format!("FROM ${{IMG}}:{i} AS s{i}\nRUN a | b\n"),
            "",
        )
    }),
    ("deep continuations", |n| {
        grow(
            n,
            "FROM alpine:3.20\nRUN echo",
            |i| format!(" a{i} \\\n"),
            " end\n",
        )
    }),
    ("one long line", |n| {
        grow(
            n,
            "FROM alpine:3.20\nRUN echo ",
            |_| "aaaaaaaaaa".into(),
            "\n",
        )
    }),
    ("heredocs", |n| {
        grow(
            n,
            "FROM alpine:3.20\n",
            |i| format!("RUN <<EOF\napt-get install x{i}\nEOF\n"),
            "",
        )
    }),
    ("pragmas", |n| {
        grow(
            n,
            "FROM debian:12\n",
            |i| format!("# hadolint ignore=DL3008,DL3015\nRUN apt-get install x{i}\n"),
            "",
        )
    }),
    ("global pragmas", |n| {
        grow(
            n,
            "FROM debian:12\n",
            |i| {
                format!(
                    "# hadolint global ignore=DL{}\nRUN apt-get install x{i}\n",
                    3000 + i % 100
                )
            },
            "",
        )
    }),
    ("onbuild lines", |n| {
        grow(
            n,
            "FROM alpine:3.20\n",
            |i| format!("ONBUILD RUN echo {i}\n"),
            "",
        )
    }),
    ("one huge label", |n| {
        grow(
            n,
            "FROM alpine:3.20\nLABEL",
            |i| format!(" k{i}=v{i}"),
            "\n",
        )
    }),
    ("one huge env of keys using earlier ones", |n| {
        grow(
            n,
            "FROM alpine:3.20\nENV",
            |i| format!(" k{i}=$k{}", i / 2),
            "\n",
        )
    }),
    ("nested expansions", |n| {
        grow(
            n,
            "FROM alpine:3.20\n",
            |i| {
                let open: String = (0..60).map(|j| format!("${{a{j}:-")).collect();
                format!("ENV N{i}={open}x{}\n", "}".repeat(60))
            },
            "",
        )
    }),
    ("context copies between installs", |n| {
        grow(
            n,
            "FROM node:20\nRUN npm ci\n",
            |i| {
                if i % 2 == 0 {
                    "COPY . .\n".into()
                } else {
                    "RUN npm ci\n".into()
                }
            },
            "",
        )
    }),
    ("package lists left and removed", |n| {
        grow(
            n,
            "FROM debian:12\n",
            |i| {
                format!(
                    "RUN apt-get update\nRUN apt-get install -y p{i}\nRUN apt-get purge -y q{i}\n"
                )
            },
            "",
        )
    }),
    ("env lines doubling the one before", |n| {
        grow(
            n,
            "FROM alpine:3.20\nENV A0=xxxxxxxx\n",
            |i| format!("ENV A{}=$A{i}$A{i}\n", i + 1),
            "",
        )
    }),
    ("env lines using one big value", |n| {
        let head = format!("FROM alpine:3.20\nENV BIG={}\n", "x".repeat(n / 2));
        grow(n, &head, |i| format!("ENV B{i}=$BIG\n"), "")
    }),
    ("patterns matched again and again over one big value", |n| {
        let head = format!("FROM alpine:3.20\nENV BIG={}\n", "x".repeat(n / 2));
        grow(
            n,
            &head,
            |i| format!("ENV P{i}=${{BIG//*y/z}} Q{i}=${{BIG%%*y}}\n"),
            "",
        )
    }),
    ("copies, then rm of each path", |n| {
        written_then(n, |i| format!("RUN rm /d/f{i}\n"))
    }),
    ("copies, then chmod of each path", |n| {
        written_then(n, |i| format!("RUN chmod +x /d/f{i}\n"))
    }),
    ("copies, then rm of each path by glob", |n| {
        written_then(n, |i| format!("RUN rm -f /d/f{i}*\n"))
    }),
    ("copies by glob, then rm and chmod of each path", |n| {
        let copies = grow(
            n / 2,
            "FROM debian:12\n",
            |i| format!("COPY a{i}* /d/g{i}/\nCOPY b /d/f{i}\n"),
            "",
        );
        grow(
            n,
            &copies,
            |i| format!("RUN rm /d/g{i}/x /d/f{i}\nRUN chmod 755 /d/f{i}\n"),
            "",
        )
    }),
];

/// Half the file COPYs into `/d/f0`, `/d/f1`..., the other half runs `then(0)`, `then(1)`...
/// on them: each RUN meets thousands of paths written before it.
fn written_then(bytes: usize, then: impl FnMut(usize) -> String) -> String {
    let copies = grow(
        bytes / 2,
        "FROM debian:12\n",
        |i| format!("COPY a /d/f{i}\n"),
        "",
    );
    grow(bytes, &copies, then, "")
}

/// `head`, then `piece(0)`, `piece(1)`... while the file is under `bytes`, then `tail`.
fn grow(bytes: usize, head: &str, mut piece: impl FnMut(usize) -> String, tail: &str) -> String {
    let mut out = String::with_capacity(bytes + 256);
    out.push_str(head);
    let mut i = 0;
    while out.len() + tail.len() < bytes {
        out.push_str(&piece(i));
        i += 1;
    }
    out.push_str(tail);
    out
}
