//! What a spec change does to the Rust client: both sides generated through the one
//! pipeline, their public items compared, and the semver bump that implies.

use serde::Serialize;

use crate::codegen;
use crate::surface::{self, Surface};

/// One public item of the generated client that differs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RustChange {
    /// `types::User.name`, `Client::create_organization`, `types::Role::Billing`.
    pub item: String,
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    /// Whether code using the client can stop compiling.
    pub breaking: bool,
    /// Why, in a few words.
    pub note: &'static str,
}

impl RustChange {
    /// `breaking` or `additive`, for people.
    pub fn mark(&self) -> &'static str {
        if self.breaking {
            "breaking"
        } else {
            "additive"
        }
    }
}

/// The semver bump a set of changes needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bump {
    /// Nothing public changed.
    None,
    /// Only additions.
    Minor,
    /// Something can stop compiling.
    Major,
}

impl Bump {
    /// What a list of changes needs: major with a breaking one, none when it is empty,
    /// minor otherwise.
    pub fn of(breaking: bool, empty: bool) -> Bump {
        match (breaking, empty) {
            (true, _) => Bump::Major,
            (false, true) => Bump::None,
            (false, false) => Bump::Minor,
        }
    }
}

/// A `MAJOR.MINOR.PATCH` version (pre-release and build suffixes are not used here).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(u64, u64, u64);

impl Version {
    /// `0.2.0`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Version> {
        let mut parts = text.trim().split('.').map(|p| p.parse::<u64>().ok());
        let version = Version(parts.next()??, parts.next()??, parts.next()??);
        parts.next().is_none().then_some(version)
    }

    /// The version a change of this size needs after this one, by Cargo's rules: in 0.x a
    /// breaking change bumps the minor number and anything else the patch number.
    pub fn after(self, bump: Bump) -> Version {
        let Version(major, minor, patch) = self;
        match (major, bump) {
            (_, Bump::None) => Version(major, minor, patch + 1),
            (0, Bump::Major) => Version(0, minor + 1, 0),
            (0, Bump::Minor) => Version(0, minor, patch + 1),
            (_, Bump::Major) => Version(major + 1, 0, 0),
            (_, Bump::Minor) => Version(major, minor + 1, 0),
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// The Rust side of a diff.
#[derive(Clone, Debug, Serialize)]
pub struct RustImpact {
    /// The differing items.
    pub changes: Vec<RustChange>,
    /// The bump they need.
    pub bump: Bump,
    /// The crate's version now, when known.
    pub current: Option<String>,
    /// The version to release next, when the current one is known.
    pub next: Option<String>,
    /// Why the impact could not be computed (a side that does not generate), if so.
    pub error: Option<String>,
}

/// Generates both sides (each on a thread of its own: generating is most of a diff's time)
/// and compares their public items.
pub fn rust_impact(base: (&str, &str), head: (&str, &str), current: Option<String>) -> RustImpact {
    let (old, new) = std::thread::scope(|scope| {
        let old = scope.spawn(|| public_surface(base.0, base.1));
        let new = public_surface(head.0, head.1);
        (
            old.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
            new,
        )
    });
    match (old, new) {
        (Ok(old), Ok(new)) => compare(&old, &new, current),
        (Err(e), _) | (_, Err(e)) => RustImpact {
            changes: Vec::new(),
            bump: Bump::None,
            current,
            next: None,
            error: Some(e),
        },
    }
}

/// The public items of the client that `text` (the spec in `file`) generates.
pub fn public_surface(file: &str, text: &str) -> Result<Surface, String> {
    let text = with_operation_ids(file, text);
    let generated = codegen::generate_all(file, &text).map_err(|errors| why_not(file, &errors))?;
    Surface::of_crate(&generated.client, &generated.operations).map_err(|e| e.to_string())
}

/// What changed between two generated clients' public items, and the bump that needs.
pub fn compare(old: &Surface, new: &Surface, current: Option<String>) -> RustImpact {
    let mut changes = Vec::new();
    let operations = surface::compare(&old.operations, &new.operations);
    let types = surface::compare(&old.types, &new.types);
    for (items, kind, breaking, note) in [
        (&operations.0, "added", false, "a new method"),
        (&operations.1, "removed", true, "calls to it stop compiling"),
        (&operations.2, "changed", true, "its signature changed"),
        (&types.0, "added", false, "a new type"),
        (&types.1, "removed", true, "uses of it stop compiling"),
    ] {
        changes.extend(items.iter().map(|i| change(i, kind, breaking, note)));
    }

    let (added, removed, changed) = surface::compare(&old.members, &new.members);
    for item in added {
        // A new field or variant of a type that already existed: struct literals and
        // exhaustive matches stop compiling. On a new type it is part of that type.
        // On a `#[non_exhaustive]` type neither exists outside the crate: a minor change.
        let Some(owner) = old.types.get(&owner_of(item)) else {
            continue;
        };
        let (breaking, note) = match (owner.contains("non_exhaustive"), item.contains('.')) {
            (true, true) => (
                false,
                "a new field of a #[non_exhaustive] struct: builders and reads are unaffected",
            ),
            (true, false) => (
                false,
                "a new variant of a #[non_exhaustive] enum: matches already have a wildcard arm",
            ),
            (false, true) => (true, "struct literals stop compiling (builders do not)"),
            (false, false) => (true, "exhaustive matches stop compiling"),
        };
        changes.push(change(item, "added", breaking, note));
    }
    for item in removed {
        if new.types.contains_key(&owner_of(item)) {
            changes.push(change(item, "removed", true, "uses of it stop compiling"));
        }
    }
    changes.extend(
        changed
            .iter()
            .map(|i| change(i, "changed", true, "its type or encoding changed")),
    );
    // Methods of types (`new`, the `with_…` setters) and of operations' builders (their
    // optional inputs, `send`). Those of an added or removed type or operation come and go
    // with it, and a field's `with_…` setter with its field: those are reported already.
    let reported: std::collections::BTreeSet<String> =
        changes.iter().map(|c| c.item.clone()).collect();
    let setter_of_reported_field = |item: &str| {
        let (owner, name) = item.rsplit_once("::").unwrap_or(("", item));
        name.strip_prefix("with_")
            .is_some_and(|field| reported.contains(&format!("{owner}.{field}")))
    };
    let (added, removed, changed) = surface::compare(&old.methods, &new.methods);
    for item in added {
        if old.has_owner(method_owner(item)) && !setter_of_reported_field(item) {
            changes.push(change(item, "added", false, "a new method"));
        }
    }
    for item in removed {
        if new.has_owner(method_owner(item)) && !setter_of_reported_field(item) {
            changes.push(change(item, "removed", true, "calls to it stop compiling"));
        }
    }
    for item in changed {
        if !setter_of_reported_field(item) {
            changes.push(change(
                item,
                "changed",
                true,
                "its signature changed: its arguments or what it returns",
            ));
        }
    }
    // A type whose members are unchanged but which still differs (derives, attributes).
    for item in types.2 {
        if !changes.iter().any(|c| owner_of(&c.item) == item) {
            changes.push(change(
                item,
                "changed",
                true,
                "its derives or attributes changed",
            ));
        }
    }
    changes.sort_by(|a, b| (!a.breaking, &a.item).cmp(&(!b.breaking, &b.item)));
    let bump = Bump::of(changes.iter().any(|c| c.breaking), changes.is_empty());
    let next = current.as_deref().and_then(|v| next_version(v, bump));
    RustImpact {
        changes,
        bump,
        current,
        next,
        error: None,
    }
}

/// The spec with an operationId on every operation: one it lacks is derived from its method
/// and path (`GET /items/{id}` -> `get_items_by_id`), as a maintainer would name it, so the
/// impact of a spec without operationIds is still computed. The text is returned as it is
/// when nothing is missing (errors then keep their line numbers) or when it does not parse
/// (the generator says why).
fn with_operation_ids<'t>(file: &str, text: &'t str) -> std::borrow::Cow<'t, str> {
    use serde_json::Value;
    let Ok(mut spec) = answering_agent_spec::Spec::parse(file, text) else {
        return text.into();
    };
    let (operations, _broken_refs) = spec.operations_despite_broken_refs();
    let mut taken: std::collections::BTreeSet<String> = operations
        .iter()
        .filter_map(|op| op.id)
        .map(str::to_string)
        .collect();
    let missing: Vec<(String, String)> = operations
        .iter()
        .filter(|op| op.id.is_none())
        .map(|op| {
            let base = derived_operation_id(op.method, op.path);
            let mut name = base.clone();
            let mut n = 2;
            while taken.contains(&name) {
                name = format!("{base}_{n}");
                n += 1;
            }
            taken.insert(name.clone());
            (op.node.pointer.clone(), name)
        })
        .collect();
    drop(operations);
    let mut derived = false;
    for (pointer, name) in missing {
        if let Some(Value::Object(operation)) = spec.value.pointer_mut(&pointer) {
            operation.insert("operationId".into(), Value::String(name));
            derived = true;
        }
    }
    if derived {
        serde_json::to_string(&spec.value).map_or(text.into(), Into::into)
    } else {
        text.into()
    }
}

/// `get_items_by_id` for `GET /items/{id}`.
fn derived_operation_id(method: &str, path: &str) -> String {
    let mut name = method.to_string();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let (prefix, word) = match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(parameter) => ("_by_", parameter),
            None => ("_", segment),
        };
        name.push_str(prefix);
        name.extend(word.chars().map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        }));
    }
    name
}

/// One line saying why a side does not generate: the first problem and where it is, never a
/// panic message (a shape progenitor panics on is named as unsupported).
fn why_not(file: &str, errors: &[answering_agent_spec::SpecError]) -> String {
    let Some(first) = errors.first() else {
        return format!("{file} does not generate");
    };
    let mut why = first.to_string();
    if let Some(at) = why.find("(it panicked") {
        why.truncate(at);
        why.push_str("(a shape the generator does not support)");
    }
    let more = match errors.len() {
        1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    format!(
        "does not generate: {}{more}",
        why.lines().next().unwrap_or_default()
    )
}

fn change(item: &str, kind: &'static str, breaking: bool, note: &'static str) -> RustChange {
    RustChange {
        item: item.to_string(),
        change: kind,
        breaking,
        note,
    }
}

/// `types::User` for `types::User.name` or `types::Role::Owner`.
fn owner_of(item: &str) -> String {
    if let Some((owner, _)) = item.split_once('.') {
        return owner.to_string();
    }
    match item.rsplit_once("::") {
        Some((owner, _)) if owner.contains("::") => owner.to_string(),
        _ => item.to_string(),
    }
}

/// `types::User` for `types::User::new`, `ListUsers` for `ListUsers::send`.
fn method_owner(item: &str) -> &str {
    item.rsplit_once("::").map_or(item, |(owner, _)| owner)
}

/// The next version for a bump, with Cargo's rule for 0.x: a breaking change bumps the
/// minor number, an addition the patch number; no bump keeps `current`.
pub fn next_version(current: &str, bump: Bump) -> Option<String> {
    let version = Version::parse(current.split(['-', '+']).next()?)?;
    Some(match bump {
        Bump::None => current.to_string(),
        _ => version.after(bump).to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(next_version("0.1.0", Bump::Major).as_deref(), Some("0.2.0"));
        assert_eq!(next_version("0.1.0", Bump::Minor).as_deref(), Some("0.1.1"));
        assert_eq!(next_version("1.4.2", Bump::Major).as_deref(), Some("2.0.0"));
        assert_eq!(next_version("1.4.2", Bump::Minor).as_deref(), Some("1.5.0"));
        assert_eq!(next_version("1.4.2", Bump::None).as_deref(), Some("1.4.2"));
    }

    #[test]
    fn owners() {
        assert_eq!(owner_of("types::User.name"), "types::User");
        assert_eq!(owner_of("types::Role::Owner"), "types::Role");
        assert_eq!(owner_of("types::Role"), "types::Role");
        assert_eq!(method_owner("types::User::new"), "types::User");
        assert_eq!(method_owner("ListUsers::send"), "ListUsers");
    }
}
