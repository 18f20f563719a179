//! The one error type of the crate: what went wrong and where in the expression.

use std::fmt;
use std::ops::Range;

/// A filter expression that could not be compiled.
///
/// `span` is the byte range of the offending part of the expression (empty at the end of the
/// input when the expression stops too early); `Display` shows the message followed by the
/// position, counted in characters from 1, and the offending text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    message: String,
    span: Range<usize>,
    excerpt: String,
    column: usize,
}

impl FilterError {
    /// An error about `span` of `expression`.
    pub(crate) fn new(message: impl Into<String>, expression: &str, span: Range<usize>) -> Self {
        let start = span.start.min(expression.len());
        let end = span.end.clamp(start, expression.len());
        // Spans come from the lexer and always sit on character boundaries; `get` keeps a
        // mistaken span from turning into a panic.
        let excerpt = expression.get(start..end).unwrap_or_default().to_string();
        let column = expression.get(..start).map_or(start, |head| head.chars().count()) + 1;
        FilterError { message: message.into(), span: start..end, excerpt, column }
    }

    /// What went wrong, without the position.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Byte range of the offending text in the expression.
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.excerpt.is_empty() {
            write!(f, "{} (at column {}, end of expression)", self.message, self.column)
        } else {
            write!(f, "{} (at column {}: '{}')", self.message, self.column, self.excerpt)
        }
    }
}

impl std::error::Error for FilterError {}

/// An error before it is tied to the expression text: a message and the byte span it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Spanned {
    pub message: String,
    pub span: Range<usize>,
}

impl Spanned {
    pub fn new(message: impl Into<String>, span: Range<usize>) -> Self {
        Spanned { message: message.into(), span }
    }

    pub fn into_filter_error(self, expression: &str) -> FilterError {
        FilterError::new(self.message, expression, self.span)
    }
}

pub(crate) type Result<T> = std::result::Result<T, Spanned>;
