//! The checks BuildKit makes when it turns parsed nodes into instructions, before building:
//! argument counts, unknown keywords, flag syntax. They are errors, not lint findings, because
//! `docker build` refuses the file.

use crate::ast::{Args, Instruction, Kind};
use crate::error::ParseError;

/// Flags that take no value, or a boolean one.
const BOOL_FLAGS: [&str; 4] = ["link", "keep-git-dir", "parents", "unpack"];
/// Flags that need `=value`.
const VALUE_FLAGS: [&str; 15] = [
    "from",
    "chown",
    "chmod",
    "platform",
    "network",
    "mount",
    "security",
    "checksum",
    "exclude",
    "device",
    "interval",
    "timeout",
    "start-period",
    "start-interval",
    "retries",
];

pub(crate) fn check(ins: &Instruction) -> Vec<ParseError> {
    let mut errors = check_flags(ins);
    let mut fail = |message: String| errors.push(ParseError::new(message, ins.span));
    let count = arg_count(&ins.args);
    let name = ins.kind.name();
    match &ins.kind {
        Kind::Unknown(keyword) => fail(format!("unknown instruction: {keyword}")),
        Kind::From => check_from(ins, &mut fail),
        Kind::Env | Kind::Label => {
            if count == 0 {
                fail(format!("{name} requires at least one argument"));
            }
            if let Args::KeyValues(pairs) = &ins.args {
                if pairs.iter().any(|kv| kv.key.value.is_empty()) {
                    fail(format!("{name} names can not be blank"));
                }
            }
        }
        Kind::Add | Kind::Copy if count < 2 => fail(format!(
            "{name} requires at least two arguments, but only one was provided. Destination could not be determined"
        )),
        Kind::Maintainer | Kind::Workdir | Kind::User | Kind::Stopsignal if count != 1 => {
            fail(format!("{name} requires exactly one argument"));
        }
        Kind::Arg | Kind::Expose | Kind::Volume | Kind::Onbuild if count == 0 => {
            fail(format!("{name} requires at least one argument"));
        }
        Kind::Volume if ins.args.all().iter().any(|a| a.value.is_empty()) => {
            fail("VOLUME specified can not be an empty string".to_string());
        }
        Kind::Onbuild => {
            if let Args::Onbuild(trigger) = &ins.args {
                match trigger.kind {
                    Kind::Onbuild => fail("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".to_string()),
                    Kind::From | Kind::Maintainer => {
                        fail(format!("{} isn't allowed as an ONBUILD trigger", trigger.kind.name()));
                    }
                    _ => errors_of_trigger(trigger, &mut fail),
                }
            }
        }
        Kind::Shell => match &ins.args {
            Args::Exec(args) if args.is_empty() => fail("SHELL requires at least one argument".to_string()),
            Args::Exec(_) => {}
            _ => fail("SHELL requires the arguments to be in JSON form".to_string()),
        },
        Kind::Healthcheck => check_healthcheck(ins, &mut fail),
        _ => {}
    }
    errors
}

fn errors_of_trigger(trigger: &Instruction, fail: &mut impl FnMut(String)) {
    for error in check(trigger) {
        fail(error.message);
    }
}

/// Arguments as BuildKit counts them (ENV/LABEL pairs count once each).
fn arg_count(args: &Args) -> usize {
    match args {
        Args::None => 0,
        Args::Shell(_) | Args::Onbuild(_) => 1,
        Args::Exec(a) | Args::Words(a) => a.len(),
        Args::KeyValues(pairs) => pairs.len(),
        Args::Healthcheck { command, .. } => 1 + arg_count(command),
    }
}

fn check_flags(ins: &Instruction) -> Vec<ParseError> {
    let mut errors = Vec::new();
    for flag in &ins.flags {
        let mut fail = |message: String| errors.push(ParseError::new(message, flag.span));
        if flag.name.is_empty() {
            fail("invalid flag: a flag needs a name after --".to_string());
        } else if VALUE_FLAGS.contains(&flag.name.as_str()) && flag.value.is_none() {
            fail(format!("missing a value on flag: {}", flag.name));
        } else if BOOL_FLAGS.contains(&flag.name.as_str()) {
            if let Some(value) = &flag.value {
                if !matches!(value.to_lowercase().as_str(), "" | "true" | "false") {
                    fail(format!(
                        "expecting boolean value for flag {}, not: {value}",
                        flag.name
                    ));
                }
            }
        }
    }
    errors
}

fn check_from(ins: &Instruction, fail: &mut impl FnMut(String)) {
    let Args::Words(words) = &ins.args else {
        fail("FROM requires either one or three arguments".to_string());
        return;
    };
    match words.as_slice() {
        [_] => {}
        [_, as_word, name] => {
            if !as_word.value.eq_ignore_ascii_case("as") {
                fail("second argument should be AS".to_string());
            } else if !name.value.contains('$') && !valid_stage_name(&name.value) {
                fail(format!(
                    "invalid name for build stage: {:?}, name can't start with a number or contain symbols",
                    name.value
                ));
            }
        }
        _ => fail("FROM requires either one or three arguments".to_string()),
    }
}

/// `^[a-z][a-z0-9-_.]*$` after lowercasing.
fn valid_stage_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    let mut chars = lower.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

fn check_healthcheck(ins: &Instruction, fail: &mut impl FnMut(String)) {
    let Args::Healthcheck { kind, command } = &ins.args else {
        fail("HEALTHCHECK requires at least one argument".to_string());
        return;
    };
    match kind.value.to_uppercase().as_str() {
        "NONE" => {
            if !matches!(**command, Args::None) || !ins.flags.is_empty() {
                fail("HEALTHCHECK NONE takes no arguments".to_string());
            }
        }
        "CMD" => {
            let empty = match &**command {
                Args::None => true,
                Args::Exec(args) => args.is_empty(),
                _ => false,
            };
            if empty {
                fail("Missing command after HEALTHCHECK CMD".to_string());
            }
        }
        other => fail(format!("Unknown type {other:?} in HEALTHCHECK (try CMD)")),
    }
}
