use crate::rule::Rule;

pub mod missing_dockerignore;

pub const RULES: &[Rule] = &[missing_dockerignore::RULE];
