//! Build stages: every FROM starts one, and the instructions up to the next FROM belong to it.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::ast::{Arg, Args, Dockerfile, Kind};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    /// 0-based, in file order (what `--target`/`COPY --from=<n>` count).
    pub index: usize,
    /// The `AS name`, as written.
    pub name: Option<Arg>,
    /// The image (or earlier stage) it builds on, as written, variables unexpanded.
    pub base: Option<Arg>,
    /// The `--platform` value, as written.
    pub platform: Option<String>,
    /// Index of the FROM in [`Dockerfile::instructions`].
    pub from: usize,
    /// The FROM and the instructions after it, up to the next FROM.
    pub instructions: Range<usize>,
}

pub fn stages(dockerfile: &Dockerfile) -> Vec<Stage> {
    let froms: Vec<usize> = dockerfile
        .instructions
        .iter()
        .enumerate()
        .filter(|(_, ins)| ins.kind == Kind::From)
        .map(|(i, _)| i)
        .collect();
    froms
        .iter()
        .enumerate()
        .map(|(index, &from)| {
            let end = froms
                .get(index + 1)
                .copied()
                .unwrap_or(dockerfile.instructions.len());
            let ins = dockerfile.instructions.get(from);
            let words: &[Arg] = match ins.map(|i| &i.args) {
                Some(Args::Words(words)) => words,
                _ => &[],
            };
            let name = match words {
                [_, as_word, name] if as_word.value.eq_ignore_ascii_case("as") => {
                    Some(name.clone())
                }
                _ => None,
            };
            Stage {
                index,
                name,
                base: words.first().cloned(),
                platform: ins
                    .and_then(|i| i.flag("platform"))
                    .and_then(|f| f.value.clone()),
                from,
                instructions: from..end,
            }
        })
        .collect()
}

/// Instructions before the first FROM (only ARGs are allowed there): the global scope.
pub fn global_instructions(dockerfile: &Dockerfile) -> Range<usize> {
    let first = dockerfile
        .instructions
        .iter()
        .position(|ins| ins.kind == Kind::From);
    0..first.unwrap_or(dockerfile.instructions.len())
}
