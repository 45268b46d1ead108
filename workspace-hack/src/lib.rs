//! Empty on purpose: this crate exists for the features its `Cargo.toml` turns on (see there).
