use drydock_dockerfile::{Kind, Lexer, Span};

use crate::rule::{Context, Rule};

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

/// A `COPY --from=<x>` or `RUN --mount=...,from=<x>`: what it names, where.
struct FromReference {
    /// The value as written.
    value: String,
    /// The flag's span.
    span: Span,
    /// `COPY --from` (true) or a `RUN --mount` (false).
    copy: bool,
    /// The instruction index, for its variable scope.
    index: usize,
}

/// Every `--from` reference to another stage or image, in file order.
fn from_references(cx: &Context) -> Vec<FromReference> {
    let mut refs = Vec::new();
    for (index, ins) in cx.instructions().iter().enumerate() {
        match ins.kind {
            Kind::Copy => {
                if let Some(flag) = ins.flag("from") {
                    refs.push(FromReference {
                        value: flag.value.clone().unwrap_or_default(),
                        span: flag.span,
                        copy: true,
                        index,
                    });
                }
            }
            Kind::Run => {
                for flag in ins.flags.iter().filter(|f| f.name == "mount") {
                    let value = flag.value.as_deref().unwrap_or("");
                    let from = value
                        .split(',')
                        .filter_map(|field| field.split_once('='))
                        .find(|(key, _)| key.trim() == "from")
                        .map(|(_, v)| v.trim().to_string());
                    if let Some(from) = from {
                        refs.push(FromReference {
                            value: from,
                            span: flag.span,
                            copy: false,
                            index,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    refs
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
