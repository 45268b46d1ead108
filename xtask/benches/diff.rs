//! `cargo xtask diff` on two versions of a generated OpenAPI spec of more than 5 MB
//! (hundreds of operations, hundreds of schemas): the semantic diff alone, each side's
//! parse, and the whole command as a maintainer runs it (without the Rust impact, which
//! generates both sides with progenitor and is timed separately).
//!
//! `cargo bench -p xtask --bench diff`; `DIFF_BENCH_DIR=/tmp/diff5mb` also writes the two
//! files, for `time cargo xtask diff --no-rust /tmp/diff5mb/base.yaml /tmp/diff5mb/head.yaml`.

#[path = "support/timing.rs"]
mod timing;

use std::fmt::Write as _;

use answering_agent_spec::Spec;
use timing::{median, ms};
use xtask::diff::compare::compare;

const RESOURCES: usize = 700;

fn main() {
    let base = spec(false);
    let head = spec(true);
    println!(
        "spec: {:.1} MB, {} operations, {} schemas",
        base.len() as f64 / 1e6,
        RESOURCES * 3,
        RESOURCES * 2
    );

    let parse = median(|| {
        std::hint::black_box(Spec::parse("base.yaml", &base).unwrap());
    });
    let (old, new) = (
        Spec::parse("base.yaml", &base).unwrap(),
        Spec::parse("head.yaml", &head).unwrap(),
    );
    let changes = compare(&old, &new);
    let diff = median(|| {
        std::hint::black_box(compare(&old, &new));
    });
    let total = median(|| {
        let (old, new) =
            xtask::diff::parse_sides(("base.yaml", &base), ("head.yaml", &head)).unwrap();
        std::hint::black_box(compare(&old, &new));
    });
    println!("changes found: {}", changes.len());
    println!(
        "  parse one side (YAML, JSON pointers to lines): {:>8.1} ms",
        ms(parse)
    );
    println!(
        "  semantic diff of the parsed sides:             {:>8.1} ms",
        ms(diff)
    );
    println!(
        "  both sides checked (in parallel) and the diff: {:>8.1} ms",
        ms(total)
    );
    if let Some(dir) = std::env::var_os("DIFF_BENCH_DIR") {
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("base.yaml"), &base).unwrap();
        std::fs::write(dir.join("head.yaml"), &head).unwrap();
    }
}

/// A spec with `RESOURCES` resources: each a list, a create and a get operation and two
/// schemas of 14 described properties. `changed` makes 10 kinds of edits across it.
fn spec(changed: bool) -> String {
    let mut out = String::from(
        "openapi: 3.0.3\ninfo:\n  title: Generated\n  version: '1'\nservers:\n  - url: https://api.example.com/v1\nsecurity:\n  - key: []\npaths:\n",
    );
    for r in 0..RESOURCES {
        let edit = changed && r % 30 == 0;
        let _ = write!(
            out,
            "  /resources{r}:\n    get:\n      operationId: list{r}\n      description: Lists every resource of kind {r}, with all of their fields, in pages.\n      parameters:\n        - name: limit\n          in: query\n          required: {}\n          description: How many to return at most; the server may return fewer.\n          schema:\n            type: integer\n            minimum: 1\n            maximum: {}\n      responses:\n        '200':\n          description: The resources.\n          content:\n            application/json:\n              schema:\n                type: array\n                items:\n                  $ref: '#/components/schemas/Resource{r}'\n        '401':\n          description: No key.\n    post:\n      operationId: create{r}\n      description: Creates a resource of kind {r} from the fields given; the server fills in the rest.\n      requestBody:\n        required: true\n        content:\n          application/json:\n            schema:\n              $ref: '#/components/schemas/NewResource{r}'\n      responses:\n        '201':\n          description: Created.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Resource{r}'\n  /resources{r}/{{id}}:\n    get:\n      operationId: get{r}\n      parameters:\n        - name: id\n          in: path\n          required: true\n          schema:\n            type: integer\n      responses:\n        '200':\n          description: The resource.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Resource{r}'\n",
            if edit { "true" } else { "false" },
            if edit { 50 } else { 100 },
        );
    }
    out.push_str("components:\n  securitySchemes:\n    key:\n      type: apiKey\n      in: header\n      name: X-API-KEY\n  schemas:\n");
    for r in 0..RESOURCES {
        let edit = changed && r % 30 == 0;
        for (kind, required) in [
            ("Resource", "[id, name, status]"),
            ("NewResource", "[name]"),
        ] {
            let _ = write!(
                out,
                "    {kind}{r}:\n      type: object\n      description: A resource of kind {r}, as the server stores it, with every field it keeps about it over time.\n      required: {required}\n      properties:\n"
            );
            let _ = write!(
                out,
                "        id:\n          type: integer\n          format: int64\n          description: The id the server gave it; never reused, even after the resource is deleted.\n"
            );
            let _ = write!(
                out,
                "        status:\n          type: string\n          description: Where the resource is in its life, from creation to archival, as the server sees it.\n          enum: [draft, active, archived{}]\n",
                if edit && kind == "Resource" {
                    ", suspended"
                } else {
                    ""
                }
            );
            for field in 0..12 {
                let kind_of = if edit && field == 3 {
                    "integer"
                } else {
                    "string"
                };
                let _ = write!(
                    out,
                    "        field{field}:\n          type: {kind_of}\n          maxLength: 200\n          description: Field {field} of the resource, free text that the partner chooses and the server keeps as given, up to two hundred characters.\n"
                );
            }
            if edit && kind == "NewResource" {
                out.push_str("        owner:\n          type: string\n          description: The new required owner.\n");
            }
        }
    }
    out
}
