use crate::rule::Rule;

pub mod latest_base_image;

pub const RULES: &[Rule] = &[latest_base_image::RULE];
