use drydock_dockerfile::{Args, Kind, Lexer, Stage};

use crate::rule::{Context, Rule};

pub mod add_remote_url;
pub mod implicit_root_user;
pub mod needless_user_switch;
pub mod non_numeric_user;
pub mod root_final_user;
pub mod secret_in_arg_or_env;
pub mod sudo_in_run;
pub mod untrusted_registry;

pub const RULES: &[Rule] = &[
    secret_in_arg_or_env::RULE,
    root_final_user::RULE,
    implicit_root_user::RULE,
    needless_user_switch::RULE,
    sudo_in_run::RULE,
    add_remote_url::RULE,
    untrusted_registry::RULE,
    non_numeric_user::RULE,
];

/// `stage`, then the stage it builds on, and so on up to the one built on an image.
fn lineage<'a>(cx: &'a Context, stage: &'a Stage) -> Vec<&'a Stage> {
    let mut chain = vec![stage];
    let mut current = stage;
    // Parents always come earlier, so the walk ends.
    while let Some(up) = cx.parent(current).filter(|p| p.index < current.index) {
        chain.push(up);
        current = up;
    }
    chain
}

/// The last `USER` the image produced by `stage` runs as: (instruction index, user as the
/// build sees it). Looks through the stages it builds on.
fn last_user(cx: &Context, stage: &Stage) -> Option<(usize, String)> {
    lineage(cx, stage)
        .into_iter()
        .find_map(|s| own_last_user(cx, s))
}

/// [`last_user`] of every stage, parents first, so each stage is read once.
fn last_users(cx: &Context) -> Vec<Option<(usize, String)>> {
    let mut out: Vec<Option<(usize, String)>> = Vec::with_capacity(cx.stages.len());
    for stage in &cx.stages {
        let user = own_last_user(cx, stage).or_else(|| {
            let parent = cx.parent(stage).filter(|p| p.index < stage.index)?;
            out.get(parent.index).cloned().flatten()
        });
        out.push(user);
    }
    out
}

/// The last `USER` of the stage's own instructions.
fn own_last_user(cx: &Context, stage: &Stage) -> Option<(usize, String)> {
    stage
        .instructions
        .clone()
        .rev()
        .find_map(|i| Some((i, user_of(cx, i)?)))
}

/// The user a `USER` instruction sets, variables expanded where they are known.
fn user_of(cx: &Context, index: usize) -> Option<String> {
    let ins = cx.instructions().get(index)?;
    let Args::Shell(arg) = &ins.args else {
        return None;
    };
    if ins.kind != Kind::User {
        return None;
    }
    let raw = arg.value.trim();
    if !raw.contains('$') {
        return Some(raw.to_string());
    }
    let env = cx.scope(index);
    match Lexer::new(cx.file.escape).process(raw, env) {
        Ok(e) if e.unset.is_empty() => Some(e.value),
        _ => Some(raw.to_string()),
    }
}

/// `root`, `0`, `root:staff`, `0:0`.
fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user).trim();
    name == "root" || name == "0"
}
