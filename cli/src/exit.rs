//! How the command ends: an exit code per class of error (the table in `--help` and the
//! cli/README.md), and one clear sentence on standard error, never a debug dump or the key.

use answering_agent::{ConfigError, Error};

/// Exit codes; `commands::EXIT_CODES` describes them.
pub const PARTIAL: u8 = 1;
pub const USAGE: u8 = 2;
pub const CONFIG: u8 = 3;
pub const AUTH: u8 = 4;
pub const NOT_FOUND: u8 = 5;
pub const REFUSED: u8 = 6;
pub const RATE_LIMITED: u8 = 7;
pub const SERVER: u8 = 8;
pub const NETWORK: u8 = 9;
pub const OUTCOME_UNKNOWN: u8 = 10;
pub const INTERRUPTED: u8 = 130;

/// Why the command failed, as the user reads it, with its exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: USAGE,
            message: message.into(),
        }
    }

    pub fn config(error: &ConfigError) -> Failure {
        Failure {
            code: CONFIG,
            message: error.to_string(),
        }
    }
}

/// An error of the client: the exit code of its class, and the client's sentence, which
/// quotes the server's field errors and the request id to quote to support.
impl From<&Error> for Failure {
    fn from(error: &Error) -> Failure {
        let code = match error {
            Error::InvalidRequest(_) => USAGE,
            Error::Unauthorized(_) | Error::Forbidden(_) => AUTH,
            Error::NotFound(_) | Error::NotFoundAfterRetry { .. } => NOT_FOUND,
            Error::Validation(_) => REFUSED,
            Error::RateLimited { .. } => RATE_LIMITED,
            Error::Transport { .. } => NETWORK,
            Error::OutcomeUnknown { .. } => OUTCOME_UNKNOWN,
            _ => SERVER,
        };
        Failure {
            code,
            message: error.to_string(),
        }
    }
}
