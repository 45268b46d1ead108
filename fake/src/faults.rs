//! Faults on demand: the next requests of an operation (or of any) answer as a struggling
//! server or network would, so that a caller's retry and `OutcomeUnknown` handling can be
//! tested against the same fake that keeps its state.

use std::time::Duration;

/// A fault the fake can inject.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// 429 `{"message": "Too Many Attempts."}` with `Retry-After` (whole seconds, rounded
    /// up), as Laravel's throttle answers; nothing is done.
    TooManyRequests {
        /// What `Retry-After` says.
        retry_after: Duration,
    },
    /// 503 `{"message": "Service Unavailable"}` (Laravel's maintenance mode); nothing is done.
    Unavailable,
    /// The operation is carried out, then a proxy's HTML 502 goes back instead of its
    /// answer: the caller cannot know that it took effect.
    BadGatewayAfterCommit,
    /// The request and its body are read, then the connection is closed without an
    /// answer; nothing is done.
    ResetAfterBody,
    /// The operation is carried out and answered normally, after this long (past a
    /// client's timeout, it too leaves the outcome unknown).
    Delay(Duration),
}

impl Fault {
    /// This fault for the next `times` requests (instead of one).
    pub fn times(self, times: usize) -> Injection {
        Injection::from(self).times(times)
    }

    /// This fault for the next request of operation `operation_id` only (instead of any).
    pub fn on(self, operation_id: impl Into<String>) -> Injection {
        Injection::from(self).on(operation_id)
    }
}

/// A fault, for how many requests, of which operation: `Fault::Unavailable.times(2).on("createOrganization")`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Injection {
    pub(crate) fault: Fault,
    pub(crate) times: usize,
    pub(crate) operation: Option<String>,
}

impl Injection {
    /// For the next `times` matching requests.
    pub fn times(mut self, times: usize) -> Injection {
        self.times = times;
        self
    }

    /// Only for requests of the operation with this `operationId`.
    pub fn on(mut self, operation_id: impl Into<String>) -> Injection {
        self.operation = Some(operation_id.into());
        self
    }

    pub(crate) fn applies_to(&self, operation: &str) -> bool {
        self.times > 0 && self.operation.as_deref().is_none_or(|o| o == operation)
    }
}

impl From<Fault> for Injection {
    fn from(fault: Fault) -> Injection {
        Injection {
            fault,
            times: 1,
            operation: None,
        }
    }
}
