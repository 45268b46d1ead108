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

/// `[OPERATION:]FAULT[:TIMES]`, as `cargo xtask mock --fault` takes it: FAULT is `429`
/// (`429=SECONDS` for its `Retry-After`, default 1), `503`, `502-after-commit`, `reset` or
/// `delay=MILLISECONDS`; OPERATION an `operationId` (default: any); TIMES how many requests
/// (default 1). `createOrganization:502-after-commit:2`, `429=3`, `listUsers:reset`.
impl std::str::FromStr for Injection {
    type Err = String;

    fn from_str(text: &str) -> Result<Injection, String> {
        let parts: Vec<&str> = text.split(':').collect();
        let (operation, fault, times) = match parts.as_slice() {
            [fault] => (None, *fault, None),
            [first, second] if fault(first).is_ok() => (None, *first, Some(*second)),
            [operation, fault] => (Some(*operation), *fault, None),
            [operation, fault, times] => (Some(*operation), *fault, Some(*times)),
            _ => return Err(format!("`{text}`: expected [OPERATION:]FAULT[:TIMES]")),
        };
        let mut injection = Injection::from(self::fault(fault)?);
        if let Some(operation) = operation {
            injection = injection.on(operation);
        }
        if let Some(times) = times {
            let times = times
                .parse::<usize>()
                .ok()
                .filter(|t| *t > 0)
                .ok_or_else(|| {
                    format!("`{text}`: TIMES must be a whole number above 0, not `{times}`")
                })?;
            injection = injection.times(times);
        }
        Ok(injection)
    }
}

/// One FAULT of the syntax above.
fn fault(text: &str) -> Result<Fault, String> {
    let (name, value) = match text.split_once('=') {
        Some((name, value)) => (name, Some(value)),
        None => (text, None),
    };
    let number = |what: &str| -> Result<u64, String> {
        value
            .ok_or_else(|| format!("`{text}`: say how long, as in `{name}=100`"))?
            .parse::<u64>()
            .map_err(|_| format!("`{text}`: {what} must be a whole number"))
    };
    match name {
        "429" => Ok(Fault::TooManyRequests {
            retry_after: Duration::from_secs(value.map_or(Ok(1), |_| number("the seconds"))?),
        }),
        "503" if value.is_none() => Ok(Fault::Unavailable),
        "502-after-commit" if value.is_none() => Ok(Fault::BadGatewayAfterCommit),
        "reset" if value.is_none() => Ok(Fault::ResetAfterBody),
        "delay" => Ok(Fault::Delay(Duration::from_millis(number(
            "the milliseconds",
        )?))),
        _ => Err(format!(
            "`{text}`: not a fault; one of 429[=SECONDS], 503, 502-after-commit, reset, delay=MILLISECONDS"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fault_syntax_reads_and_refuses() {
        let read = |t: &str| t.parse::<Injection>();
        assert_eq!(
            read("createOrganization:502-after-commit:2"),
            Ok(Fault::BadGatewayAfterCommit
                .times(2)
                .on("createOrganization"))
        );
        assert_eq!(
            read("429=3"),
            Ok(Fault::TooManyRequests {
                retry_after: Duration::from_secs(3)
            }
            .into())
        );
        assert_eq!(read("503:4"), Ok(Fault::Unavailable.times(4)));
        assert_eq!(
            read("listUsers:reset"),
            Ok(Fault::ResetAfterBody.on("listUsers"))
        );
        assert_eq!(
            read("delay=250"),
            Ok(Fault::Delay(Duration::from_millis(250)).into())
        );
        assert!(read("teapot").unwrap_err().contains("not a fault"));
        assert!(read("503:0").unwrap_err().contains("above 0"));
        assert!(read("delay").unwrap_err().contains("delay=100"));
        assert!(read("a:b:c:d").unwrap_err().contains("expected"));
    }
}
