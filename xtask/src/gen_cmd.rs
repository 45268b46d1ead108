//! `cargo xtask gen [--check]`: regenerate every file the spec decides (the client, its
//! operations, the typed mocks, verify's decoder table, the raw progenitor client of the
//! benchmark, the tables of operations and of guesses in the docs), or prove them fresh.

use std::process::ExitCode;

use similar::{ChangeTag, TextDiff};

use crate::gen_cache::{self, Outputs};

use answering_agent_spec::SpecError;
use xtask::codegen;
use xtask::decoders;
use xtask::surface::{self, Surface};
use xtask::workspace;

pub fn run(check: bool) -> anyhow::Result<ExitCode> {
    let root = workspace::root();
    let spec_text = workspace::read(&root.join(codegen::SPEC_PATH))?;
    let outputs = gen_cache::outputs(&spec_text, || generate(&spec_text))?;

    // The tables live in documents written by hand around them: each only between its
    // markers.
    let splice = |path: &str, what: &str, markers: (&str, &str), table: &str| {
        let now = workspace::read(&root.join(path))?.replace("\r\n", "\n");
        codegen::operations::splice(&now, markers, table).ok_or_else(|| {
            anyhow::anyhow!(
                "{path}: no table of {what} to update: it needs the lines\n  {}  {}",
                markers.0,
                markers.1
            )
        })
    };
    let operations_table = splice(
        xtask::OPERATIONS_TABLE_PATH,
        "operations",
        (
            codegen::operations::README_BEGIN,
            codegen::operations::README_END,
        ),
        &outputs.readme_table,
    )?;
    let guesses_table = splice(
        xtask::GUESSES_TABLE_PATH,
        "guesses",
        (codegen::guess_table::BEGIN, codegen::guess_table::END),
        &outputs.readme_guesses,
    )?;
    let mut stale = false;
    let texts = [
        &outputs.client,
        &outputs.operations,
        &outputs.mock,
        &outputs.decoder_table,
        &outputs.raw_progenitor,
        &operations_table,
        &guesses_table,
    ];
    for (path, fresh) in xtask::GENERATED_FILES.into_iter().zip(texts) {
        let target = root.join(path);
        let current = match std::fs::read_to_string(&target) {
            Ok(text) => text.replace("\r\n", "\n"),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => anyhow::bail!("{path}: cannot read: {e}"),
        };
        if current == *fresh {
            println!("{path} is up to date with {}", codegen::SPEC_PATH);
            continue;
        }
        let diff = TextDiff::from_lines(&current, fresh.as_str());
        if check {
            let old_name = format!("a/{path} (checked in)");
            let new_name = format!("b/{path} (from the spec)");
            print!(
                "{}",
                diff.unified_diff()
                    .context_radius(3)
                    .header(&old_name, &new_name)
            );
            eprintln!(
                "error: {path} is stale: it differs from what {} generates (diff above). Run `cargo xtask gen` and commit the result.",
                codegen::SPEC_PATH
            );
            stale = true;
            continue;
        }
        workspace::write_atomically(&target, fresh)?;
        println!("wrote {path} from {}", codegen::SPEC_PATH);
        if path == codegen::GENERATED_PATH {
            print!("{}", summary(&current, fresh, &diff));
        }
    }
    Ok(if stale {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Every file the spec decides, as the spec's text generates it.
fn generate(spec_text: &str) -> anyhow::Result<Outputs> {
    let generated =
        codegen::generate_all(codegen::SPEC_PATH, spec_text).map_err(|errors| render(&errors))?;
    let spec = answering_agent_spec::Spec::parse(codegen::SPEC_PATH, spec_text)
        .map_err(|e| render(&[e]))?;
    let decoder_table = decoders::table_source(&spec, &generated.client)?;
    let mock = codegen::generate_mock(codegen::SPEC_PATH, spec_text, "crate")
        .map_err(|errors| render(&errors))?;
    let raw_progenitor =
        codegen::generate_raw(codegen::SPEC_PATH, spec_text).map_err(|errors| render(&errors))?;
    Ok(Outputs {
        raw_progenitor,
        readme_table: codegen::operations::readme_table(&generated.model),
        readme_guesses: generated.guesses,
        client: generated.client,
        operations: generated.operations,
        mock,
        decoder_table,
    })
}

/// What a regeneration changed, for the maintainer: operations, types, members, lines.
fn summary(old: &str, new: &str, diff: &TextDiff<'_, '_, str>) -> String {
    let mut out = String::new();
    let fingerprint = |code| {
        codegen::fingerprint::recorded_in(code)
            .unwrap_or("none")
            .to_string()
    };
    out.push_str(&format!(
        "  spec fingerprint: {} -> {}\n",
        fingerprint(old),
        fingerprint(new)
    ));
    // An unreadable old file (hand-broken, or absent) counts as empty.
    let old = Surface::of(old).unwrap_or_default();
    if let Ok(new) = Surface::of(new) {
        for (label, old_items, new_items) in [
            ("operations", &old.operations, &new.operations),
            ("types", &old.types, &new.types),
            ("fields and variants", &old.members, &new.members),
        ] {
            let (added, removed, changed) = surface::compare(old_items, new_items);
            if added.len() + removed.len() + changed.len() == 0 {
                continue;
            }
            out.push_str(&format!("  {label}:"));
            for (sign, names) in [("+", added), ("-", removed), ("~", changed)] {
                if !names.is_empty() {
                    out.push_str(&format!(" {sign}{} ({})", names.len(), abbreviate(&names)));
                }
            }
            out.push('\n');
        }
    }
    let count = |tag| diff.iter_all_changes().filter(|c| c.tag() == tag).count();
    let (inserted, deleted) = (count(ChangeTag::Insert), count(ChangeTag::Delete));
    out.push_str(&format!("  lines: +{inserted} -{deleted}\n"));
    out
}

fn abbreviate(names: &[&str]) -> String {
    const SHOWN: usize = 6;
    let mut text = names
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(", and {} more", names.len() - SHOWN));
    }
    text
}

/// Spec problems, one per line (`error: ` before each but the first, which the error's
/// printer prefixes), then what happened.
pub fn render(errors: &[SpecError]) -> anyhow::Error {
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    anyhow::anyhow!(
        "{}\n{} problem{} in the spec; nothing was written.",
        lines.join("\nerror: "),
        errors.len(),
        xtask::report::plural(errors.len())
    )
}
