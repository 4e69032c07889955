//! Which variables each instruction can see, following BuildKit's rules:
//! - ARGs before the first FROM are global: visible in FROM lines, and inside a stage only once
//!   the stage redeclares them (`ARG NAME` picks up the global value).
//! - Inside a stage an ARG is visible from its declaration to the end of the stage.
//! - ENV persists to the end of the stage, is inherited by stages built `FROM` it, and wins over
//!   an ARG of the same name.
//! - Values are expanded with the scope in effect before the instruction, so in
//!   `ENV a=1 b=$a` the `$a` is the old value.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ast::{Args, Dockerfile, Kind};
use crate::shell::expand_word;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VarSource {
    GlobalArg,
    Arg,
    Env,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Var {
    /// `None` for an ARG declared without a value and not given one.
    pub value: Option<String>,
    pub source: VarSource,
    /// The instruction that declared it, if in this file (inherited ENV points at the parent
    /// stage's instruction).
    pub declared_at: usize,
}

/// The variables in effect when one instruction runs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Scope {
    pub vars: BTreeMap<String, Var>,
}

impl Scope {
    /// The variables that have a value, ready for [`crate::expand_word`].
    pub fn env(&self) -> BTreeMap<String, String> {
        self.vars
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), v.value.clone()?)))
            .collect()
    }
}

/// One scope per instruction (the state before it runs). `build_args` are the
/// `--build-arg` values (include platform args like `TARGETARCH` there if you know them); as in
/// BuildKit they only apply to ARGs the file declares.
pub fn scopes(dockerfile: &Dockerfile, build_args: &BTreeMap<String, String>) -> Vec<Scope> {
    let escape = dockerfile.escape;
    let mut globals: BTreeMap<String, Var> = BTreeMap::new();
    let mut stage: Option<(BTreeMap<String, Var>, BTreeMap<String, Var>)> = None;
    // Final ENV of each named stage, for stages built on it.
    let mut stage_envs: Vec<(String, BTreeMap<String, Var>)> = Vec::new();
    let mut current_name: Option<String> = None;
    let mut scopes = Vec::with_capacity(dockerfile.instructions.len());

    for (index, ins) in dockerfile.instructions.iter().enumerate() {
        let scope = match &stage {
            _ if ins.kind == Kind::From => Scope {
                vars: globals.clone(),
            },
            None => Scope {
                vars: globals.clone(),
            },
            Some((args, envs)) => {
                let mut vars = args.clone();
                vars.extend(envs.iter().map(|(k, v)| (k.clone(), v.clone())));
                Scope { vars }
            }
        };
        let env = scope.env();
        let expand = |raw: &str| expand_word(raw, &env, escape).unwrap_or_else(|_| raw.to_string());
        match (&ins.kind, &ins.args) {
            (Kind::From, args) => {
                if let (Some(name), Some((_, envs))) = (&current_name, &stage) {
                    stage_envs.push((name.to_lowercase(), envs.clone()));
                }
                let words: Vec<&str> = match args {
                    Args::Words(words) => words.iter().map(|w| w.value.as_str()).collect(),
                    _ => Vec::new(),
                };
                let base = words.first().map(|b| expand(b).to_lowercase());
                let inherited = base
                    .and_then(|b| stage_envs.iter().rev().find(|(name, _)| *name == b))
                    .map(|(_, envs)| envs.clone())
                    .unwrap_or_default();
                current_name = match words.as_slice() {
                    [_, _, name] => Some(expand(name)),
                    _ => None,
                };
                stage = Some((BTreeMap::new(), inherited));
            }
            (Kind::Arg, Args::Words(words)) => {
                for word in words {
                    let (name, default) = match word.value.split_once('=') {
                        Some((name, default)) => (name, Some(default)),
                        None => (word.value.as_str(), None),
                    };
                    let given = build_args.get(name).cloned();
                    let value = match &stage {
                        None => given.or_else(|| default.map(expand)),
                        Some(_) => given
                            .or_else(|| default.map(expand))
                            .or_else(|| globals.get(name).and_then(|g| g.value.clone())),
                    };
                    match &mut stage {
                        None => {
                            globals.insert(
                                name.to_string(),
                                Var {
                                    value,
                                    source: VarSource::GlobalArg,
                                    declared_at: index,
                                },
                            );
                        }
                        Some((args, _)) => {
                            args.insert(
                                name.to_string(),
                                Var {
                                    value,
                                    source: VarSource::Arg,
                                    declared_at: index,
                                },
                            );
                        }
                    }
                }
            }
            (Kind::Env, Args::KeyValues(pairs)) => {
                if let Some((_, envs)) = &mut stage {
                    for kv in pairs {
                        let value = Some(expand(&kv.value.value));
                        envs.insert(
                            expand(&kv.key.value),
                            Var {
                                value,
                                source: VarSource::Env,
                                declared_at: index,
                            },
                        );
                    }
                }
            }
            _ => {}
        }
        scopes.push(scope);
    }
    scopes
}
