//! `cargo xtask diff` on pairs of specs: parse and check both sides, compare, render the
//! pull-request comment. Errors are fine; a panic or a hang is not. A spec compared with
//! itself reports nothing.
//!
//! Input: the base spec's text, a NUL byte, the head spec's text (no NUL: both sides are
//! the same text). Seeds: the repository's spec with itself, and pairs of its slices.

#![no_main]

use libfuzzer_sys::fuzz_target;
use xtask::diff::{compare, parse_sides, render};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (base, head) = text.split_once('\0').unwrap_or((text, text));
    let Ok((base_spec, head_spec)) = parse_sides(("base.yaml", base), ("head.yaml", head)) else {
        return;
    };
    let changes = compare::compare(&base_spec, &head_spec);
    if base == head {
        assert!(changes.is_empty(), "a spec against itself: {changes:#?}");
    }
    let sides = render::Sides {
        base: "base.yaml".to_string(),
        head: "head.yaml".to_string(),
        release: None,
    };
    let comment = render::markdown(&sides, &changes, None);
    assert!(
        comment.len() < 65_536,
        "the comment has {} characters",
        comment.len()
    );
    render::text(&sides, &changes, None);
    render::json(&sides, &changes, None);
});
