use drydock_dockerfile::{Kind, Lexer};

use crate::rule::{Context, Rule};
use crate::rules::FromReference;

pub mod copy_from_stage_index;
pub mod copy_from_unknown_stage;
pub mod latest_base_image;
pub mod platform_flag_constant;
pub mod redundant_target_platform;
pub mod untagged_base_image;

pub const RULES: &[Rule] = &[
    latest_base_image::RULE,
    untagged_base_image::RULE,
    copy_from_stage_index::RULE,
    copy_from_unknown_stage::RULE,
    platform_flag_constant::RULE,
    redundant_target_platform::RULE,
];

/// Every `COPY --from` and `RUN --mount=...,from=` reference to another stage or image, in file
/// order (an `ADD --from`, which BuildKit refuses, is left to the parse error).
fn from_references(cx: &Context) -> impl Iterator<Item = FromReference> {
    super::from_references(cx)
        .into_iter()
        .filter(|r| r.kind != Kind::Add)
}

/// `word` with the variables in scope at instruction `index` expanded, or `None` when one of
/// them has no value (the build argument decides it).
fn expanded(cx: &Context, index: usize, word: &str) -> Option<String> {
    if !word.contains('$') {
        return Some(word.to_string());
    }
    let env = cx.scope(index);
    match Lexer::new(cx.file.escape).process(word, env) {
        Ok(e) if e.unset.is_empty() => Some(e.value),
        _ => None,
    }
}
