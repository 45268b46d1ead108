//! One call's own settings, set on its builder (`.timeout`, `.deadline`, `.retry`,
//! `.header`): held behind one pointer, so that a call that sets none carries and moves
//! nothing more than before.

use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};

use crate::retry::RetryPolicy;

/// A call's own settings; empty unless one is set.
#[derive(Clone, Debug, Default)]
pub(crate) struct CallOptions(Option<Box<Set>>);

/// What a call set.
#[derive(Clone, Debug, Default)]
pub(crate) struct Set {
    /// Per attempt, instead of the client's.
    pub timeout: Option<Duration>,
    /// For the whole call, retries and their waits included.
    pub deadline: Option<Duration>,
    /// Instead of the client's.
    pub retry: Option<RetryPolicy>,
    /// Added to every attempt.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// A header that was refused: the call fails with it, sending nothing.
    pub refused: Option<String>,
}

impl CallOptions {
    fn set(&mut self) -> &mut Set {
        self.0.get_or_insert_with(Box::default)
    }

    pub(crate) fn timeout(&mut self, timeout: Duration) {
        self.set().timeout = Some(timeout);
    }

    pub(crate) fn deadline(&mut self, deadline: Duration) {
        self.set().deadline = Some(deadline);
    }

    pub(crate) fn retry(&mut self, policy: RetryPolicy) {
        self.set().retry = Some(policy);
    }

    pub(crate) fn header(&mut self, name: &str, value: &str) {
        match crate::interceptor::header(name, value) {
            Ok(header) => self.set().headers.push(header),
            Err(refused) => {
                let set = self.set();
                set.refused.get_or_insert(refused.0);
            }
        }
    }

    /// What was set, if anything.
    pub(crate) fn get(&self) -> Option<&Set> {
        self.0.as_deref()
    }
}
