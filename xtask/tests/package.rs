//! The crates users take are ready to publish: what `cargo package` puts in each (the code,
//! the generated files, the spec where it is read, the README and the licenses; no tests,
//! benches, fuzz targets or recordings), and that each packaged crate builds from its
//! `.crate` alone, with no file of the workspace.
//!
//! `cargo publish --dry-run` of one crate at a time fails before the first release: it looks
//! for the others on crates.io. Of the four together it passes (cargo 1.90 and later), and
//! packages and verifies exactly as `cargo package` of the four does here, each one against
//! the others' packages; `cargo package` adds no step of the upload.
//!
//! The listing runs in `cargo test --workspace` (about a second); the verifying build takes
//! minutes and is ignored: `cargo test -p xtask --test package -- --ignored`.

#[path = "support/nested_cargo.rs"]
mod nested_cargo;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The publishable packages, in an order where each comes after what it depends on.
const PACKAGES: [&str; 4] = [
    "answering-agent-spec",
    "answering-agent-fake",
    "answering-agent",
    "answering-agent-cli",
];

/// In every package: the manifest (cargo's rewrite, and the original) and the licenses.
const IN_EVERY_PACKAGE: [&str; 4] = [
    "Cargo.toml",
    "Cargo.toml.orig",
    "LICENSE-MIT",
    "LICENSE-APACHE",
];
/// Written by cargo where it may be: the lock file, and the commit packaged from a git checkout.
const BY_CARGO: [&str; 2] = ["Cargo.lock", ".cargo_vcs_info.json"];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The target folder this test's own build uses: the nested cargo builds there too.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"))
}

/// A cargo in the workspace, building into its target folder.
fn cargo() -> Command {
    nested_cargo::cargo(&workspace(), &target_dir())
}

/// What `cargo package` would put in `package`'s `.crate`, as paths inside it.
fn listed(package: &str) -> BTreeSet<String> {
    let output = cargo()
        .args(["package", "--list", "--allow-dirty", "--package", package])
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "cargo package --list -p {package} failed:\n{stderr}"
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The files under `dir` of a package's folder whose names end with `suffix`, relative to
/// that folder (as `cargo package --list` names them).
fn files_under(package_dir: &Path, dir: &str, suffix: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![package_dir.join(dir)];
    while let Some(at) = stack.pop() {
        for entry in std::fs::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().ends_with(suffix) {
                let relative = path.strip_prefix(package_dir).unwrap();
                found.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found
}

/// Fails, naming each, on the files of `list` that no pattern of `allowed` admits.
fn only(package: &str, list: &BTreeSet<String>, allowed: &[&dyn Fn(&str) -> bool]) {
    let stray: Vec<&String> = list
        .iter()
        .filter(|file| !IN_EVERY_PACKAGE.contains(&file.as_str()))
        .filter(|file| !BY_CARGO.contains(&file.as_str()))
        .filter(|file| !allowed.iter().any(|allow| allow(file)))
        .collect();
    assert!(
        stray.is_empty(),
        "{package}: files that have no place in the package: {stray:?}"
    );
}

fn has(package: &str, list: &BTreeSet<String>, files: &[&str]) {
    for file in IN_EVERY_PACKAGE.iter().chain(files) {
        assert!(list.contains(*file), "{package}: {file} is not packaged");
    }
}

#[test]
fn the_client_package_has_its_code_generated_files_and_spec_and_nothing_else() {
    let package = "answering-agent";
    let list = listed(package);
    has(
        package,
        &list,
        &[
            "build.rs",
            "client/README.md",
            "client/lib.rs",
            // What `cargo xtask gen` writes and the library compiles.
            xtask::codegen::GENERATED_PATH,
            xtask::codegen::OPERATIONS_PATH,
            xtask::codegen::MOCK_PATH,
            // What the build script reads: the spec, against the generated files'
            // fingerprint, and with `codegen` the generator.
            "openapi/answering-agent.yaml",
            "client/codegen/fingerprint.rs",
            "client/codegen/mod.rs",
        ],
    );
    let root = workspace();
    for file in files_under(&root, "client", ".rs") {
        if !file.contains("/testdata/") {
            assert!(list.contains(&file), "{package}: {file} is not packaged");
        }
    }
    only(
        package,
        &list,
        &[
            &|file| file == "build.rs" || file == "client/README.md",
            &|file| file == "openapi/answering-agent.yaml",
            &|file| {
                let code = file.strip_prefix("client/").unwrap_or_default();
                code.ends_with(".rs")
                    && (!code.contains('/') || code.starts_with("codegen/"))
                    && !code.contains("testdata")
            },
        ],
    );
    for out in [
        "benches/",
        "examples/",
        "tests/",
        "fuzz/",
        "openapi/examples/",
        "target/",
        "xtask/",
    ] {
        assert!(
            !list.iter().any(|file| file.starts_with(out)),
            "{package}: {out} is packaged"
        );
    }
}

#[test]
fn the_spec_package_carries_the_spec() {
    let package = "answering-agent-spec";
    let list = listed(package);
    has(
        package,
        &list,
        &["README.md", "answering-agent.yaml", "src/lib.rs"],
    );
    let dir = workspace().join("spec");
    for file in files_under(&dir, "src", ".rs") {
        assert!(list.contains(&file), "{package}: {file} is not packaged");
    }
    only(
        package,
        &list,
        &[
            &|file| file == "README.md" || file == "answering-agent.yaml",
            &|file| file.starts_with("src/") && file.ends_with(".rs"),
        ],
    );
    // The packaged file is the spec itself: spec/answering-agent.yaml links to it.
    assert_eq!(
        std::fs::read(dir.join("answering-agent.yaml")).unwrap(),
        std::fs::read(workspace().join("openapi/answering-agent.yaml")).unwrap(),
        "spec/answering-agent.yaml is not the spec (a checkout without symlinks?)"
    );
}

#[test]
fn the_fake_and_cli_packages_have_their_code_and_no_tests() {
    for (package, dir) in [
        ("answering-agent-fake", "fake"),
        ("answering-agent-cli", "cli"),
    ] {
        let list = listed(package);
        has(package, &list, &["README.md"]);
        let dir = workspace().join(dir);
        for file in files_under(&dir, "src", ".rs") {
            assert!(list.contains(&file), "{package}: {file} is not packaged");
        }
        only(
            package,
            &list,
            &[&|file| file == "README.md", &|file| {
                file.starts_with("src/") && file.ends_with(".rs")
            }],
        );
    }
}

/// Whether a folder named `name` is cargo's unpacking of `package` (`NAME-VERSION`).
fn is_unpacked(name: &str, package: &str) -> bool {
    name.strip_prefix(package)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|version| version.starts_with(|c: char| c.is_ascii_digit()))
}

/// Makes cargo unpack and build our packages' `.crate`s again.
///
/// Cargo unpacks an overlaid `.crate` into `$CARGO_HOME/registry/src/<overlay>/NAME-VERSION`
/// and builds it into the target folder. It takes a registry package of one name and version
/// to be immutable, and packages stamp every file with one fixed time: when that folder or
/// that build exists, from a checkout whose code changed since but whose version did not, it
/// verifies the old code. Both are caches cargo refills from the `.crate`s.
fn forget_earlier_verification() {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
        .expect("CARGO_HOME or HOME is set");
    for source in entries(&cargo_home.join("registry/src")) {
        for unpacked in entries(&source) {
            let name = file_name(&unpacked);
            if PACKAGES.iter().any(|package| is_unpacked(&name, package)) {
                remove(&unpacked);
            }
        }
    }

    // A build's dep-info (deps/CRATE-HASH.d) names the files it was built from; without its
    // fingerprint (.fingerprint/NAME-HASH) cargo builds it again.
    let debug = target_dir().join("debug");
    for dep_info in entries(&debug.join("deps")) {
        let name = file_name(&dep_info);
        for package in PACKAGES {
            let prefix = format!("{}-", package.replace('-', "_"));
            let Some(hash) = name
                .strip_prefix(&prefix)
                .and_then(|rest| rest.strip_suffix(".d"))
            else {
                continue;
            };
            let from_registry = std::fs::read_to_string(&dep_info)
                .is_ok_and(|text| text.contains(&*cargo_home.join("registry").to_string_lossy()));
            let fingerprint = debug.join(".fingerprint").join(format!("{package}-{hash}"));
            if from_registry && fingerprint.exists() {
                remove(&fingerprint);
            }
        }
    }
}

/// The entries of `dir`, or none when it does not exist.
fn entries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|entry| entry.path()).collect())
        .unwrap_or_default()
}

fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

fn remove(path: &Path) {
    std::fs::remove_dir_all(path).unwrap_or_else(|e| panic!("removing {}: {e}", path.display()));
}

/// The verifying `cargo package` of the four crates together: each `.crate` is unpacked
/// into target/package/ and built there, the others resolved from their own `.crate`s
/// (cargo's local overlay of a registry), so a file the build needs from outside the
/// package, or a dependency only a path provides, fails it.
#[test]
#[ignore = "builds the four packaged crates (minutes); cargo test -p xtask --test package -- --ignored"]
fn every_packaged_crate_builds_on_its_own() {
    forget_earlier_verification();
    let mut command = cargo();
    command.args(["package", "--allow-dirty"]);
    for package in PACKAGES {
        command.args(["--package", package]);
    }
    // The workspace's debug settings (Cargo.toml's [profile.dev]), which a packaged crate
    // other than the root one does not carry: the dependencies it shares with the
    // workspace's builds can reuse their artifacts in the shared target folder.
    command.args([
        "--config",
        "profile.dev.debug=\"line-tables-only\"",
        "--config",
        "profile.dev.package.\"*\".debug=false",
    ]);
    let output = command.output().expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "cargo package failed:\n{stderr}");
    for package in PACKAGES {
        assert!(
            stderr.contains(&format!("Verifying {package} v")),
            "{package} was not verified:\n{stderr}"
        );
    }

    // The packaged manifests declare no target whose file was left out: cargo drops them
    // (with a warning for each test, bench and example it drops).
    for package in PACKAGES {
        let unpacked = entries(&target_dir().join("package"))
            .into_iter()
            .filter(|path| path.is_dir() && is_unpacked(&file_name(path), package))
            .max_by_key(|path| std::fs::metadata(path).and_then(|m| m.modified()).ok())
            .unwrap_or_else(|| panic!("{package} was not unpacked into target/package/"));
        let manifest = std::fs::read_to_string(unpacked.join("Cargo.toml")).unwrap();
        for section in ["[[bench]]", "[[test]]", "[[example]]"] {
            assert!(
                !manifest.contains(section),
                "{package}'s packaged Cargo.toml declares a {section}"
            );
        }
    }
}
