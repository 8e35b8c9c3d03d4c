//! Typed errors. A policy is refused with every problem found, each with the
//! JSON pointer of the offending value, never just the first one.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

/// One problem in a policy document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// JSON pointer (RFC 6901) of the offending value; `""` is the whole document.
    pub path: String,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "(document): {}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Every problem found in a policy document, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    /// The problems; never empty.
    pub errors: Vec<ValidationError>,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "invalid policy ({} problem{})",
            self.errors.len(),
            if self.errors.len() == 1 { "" } else { "s" }
        )?;
        for e in &self.errors {
            write!(f, "\n  {e}")?;
        }
        Ok(())
    }
}

/// Why a request could not be read. It still gets a decision: `invalid_request`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError {
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "invalid request: {}", self.message)
    }
}

impl core::error::Error for ValidationError {}
impl core::error::Error for PolicyError {}
impl core::error::Error for RequestError {}

impl From<crate::typed_json::JsonReadError> for RequestError {
    fn from(e: crate::typed_json::JsonReadError) -> RequestError {
        RequestError {
            message: e.to_string(),
        }
    }
}
