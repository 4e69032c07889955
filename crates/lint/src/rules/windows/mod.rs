use crate::rule::Rule;

pub mod msi_installer;

pub const RULES: &[Rule] = &[msi_installer::RULE];
