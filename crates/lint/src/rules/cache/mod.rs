use crate::rule::Rule;

pub mod apt_get_update_alone;
pub mod consecutive_run_instructions;
pub mod copy_context_before_dependencies;

pub const RULES: &[Rule] = &[
    copy_context_before_dependencies::RULE,
    apt_get_update_alone::RULE,
    consecutive_run_instructions::RULE,
];
