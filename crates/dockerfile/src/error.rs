//! Parse errors: what went wrong and exactly where.

use serde::{Deserialize, Serialize};

use crate::span::Span;

/// A problem in the Dockerfile. Parsing carries on after it, so one file can have many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("line {line}, column {column}: {message}", line = .span.start.line, column = .span.start.column)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}

impl ParseError {
    pub(crate) fn new(message: impl Into<String>, span: Span) -> ParseError {
        ParseError {
            message: message.into(),
            span,
        }
    }
}
