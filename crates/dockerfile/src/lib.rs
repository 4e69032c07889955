//! A Dockerfile parser that follows BuildKit's (moby/buildkit `frontend/dockerfile/parser`)
//! behaviour, quirks included, so that what Drydock reports about a Dockerfile is what
//! `docker build` will do with it. It is the foundation of Drydock's Dockerfile linter.
//!
//! - [`parse`] never fails and never panics: it returns every instruction it could read, with
//!   exact line/column spans for the instruction, its flags, arguments and heredocs, plus every
//!   error (with its position) and warning. Untrusted input is fine.
//! - [`dump`] renders BuildKit's `Node.Dump()` format, which BuildKit's own golden tests use.
//! - [`stages`] and [`scopes`] give build stages and the ARG/ENV variables each instruction
//!   sees; [`expand_word`] expands a word the way BuildKit's shell lexer does.
//!
//! Pure functions on plain data: no I/O, no engine, no global state.

mod ast;
mod directives;
mod dump;
mod error;
mod heredoc;
mod instruction;
mod json;
mod lines;
mod parser;
mod pattern;
mod scope;
mod shell;
mod span;
mod split;
mod stages;
mod validate;
mod words;

pub use ast::{Arg, Args, Directive, Dockerfile, Flag, Heredoc, Instruction, KeyValue, Kind};
pub use dump::{dump, go_quote};
pub use error::ParseError;
pub use parser::parse;
pub use scope::{expansion_budget, scopes, scopes_within, Scope, Var, VarSource};
pub use shell::{expand_word, expand_words, ExpandError, Expansion, Lexer, Variables};
pub use span::{Pos, Span};
pub use stages::{global_instructions, stages, Stage};
