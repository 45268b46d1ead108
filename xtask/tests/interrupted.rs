//! `cargo xtask gen` and `cargo xtask record` killed (SIGKILL, which no program can catch)
//! at many moments: every file they write is whole afterwards, its old text or its new one,
//! never truncated or mixed; and the next run removes the temporary file a kill left.

#[path = "support/recording.rs"]
mod recording;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fastrand::Rng;
use xtask::codegen::guess_table;
use xtask::codegen::operations::{README_BEGIN, README_END};

/// What `cargo xtask gen` writes, relative to the workspace root.
const GENERATED: [&str; 7] = xtask::GENERATED_FILES;

const KILLS: usize = 40;

fn xtask(root: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command
        .args(args)
        .current_dir(root)
        .env("XTASK_ROOT", root)
        .env("XTASK_VERIFY_BIN", env!("CARGO_BIN_EXE_xtask-verify"))
        .env("ANSWERING_AGENT_API_KEY", "sk_test_K1ll3dM1dW4y")
        .env_remove("ANSWERING_AGENT_ENVIRONMENT")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    command
}

/// The texts before a run: every generated file stale, the docs' tables too.
fn old_texts() -> Vec<String> {
    let stale = |text: &str, (begin, end): (&str, &str)| {
        let start = text.find(begin).unwrap() + begin.len();
        let stop = text.find(end).unwrap();
        format!("{}| a stale table |\n{}", &text[..start], &text[stop..])
    };
    GENERATED
        .iter()
        .map(|file| match *file {
            xtask::OPERATIONS_TABLE_PATH => stale(
                include_str!("../../client/README.md"),
                (README_BEGIN, README_END),
            ),
            xtask::GUESSES_TABLE_PATH => stale(
                include_str!("../../ARCHITECTURE.md"),
                (guess_table::BEGIN, guess_table::END),
            ),
            other => format!("// {other}: an old version, as a spec edit leaves it\n"),
        })
        .collect()
}

fn write_texts(root: &Path, texts: &[String]) {
    for (file, text) in GENERATED.iter().zip(texts) {
        let path = root.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn read_texts(root: &Path) -> Vec<String> {
    GENERATED
        .iter()
        .map(|file| std::fs::read_to_string(root.join(file)).unwrap())
        .collect()
}

/// Kills `child` once `lines` lines starting with `marker` have been printed, after a few
/// microseconds more: a moment in the middle of the writes that follow.
fn kill_after(child: &mut Child, marker: &str, lines: usize, rng: &mut Rng) {
    let stdout = child.stdout.take().unwrap();
    let mut seen = 0;
    if lines > 0 {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if line.starts_with(marker) {
                seen += 1;
                if seen >= lines {
                    break;
                }
            }
        }
    }
    let until = Instant::now() + Duration::from_micros(rng.u64(0..3_000));
    while Instant::now() < until {
        std::hint::spin_loop();
    }
    let _ = child.kill();
}

/// Temporary files left in the tree under `root`.
fn temporaries(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.to_string_lossy().ends_with(".tmp") {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

#[test]
fn gen_killed_at_any_moment_leaves_every_file_old_or_new() {
    let dir = recording::workspace();
    let root = dir.path();
    let old = old_texts();
    write_texts(root, &old);

    // A whole run: the new texts, and how long a run takes.
    let start = Instant::now();
    xtask(root, &["gen"]).output().unwrap();
    let whole = start.elapsed();
    let new = read_texts(root);
    for (i, file) in GENERATED.iter().enumerate() {
        assert_ne!(old[i], new[i], "{file}: the whole run did not write it");
    }

    let mut rng = Rng::with_seed(15);
    let mut outcomes = std::collections::BTreeMap::<usize, usize>::new();
    let mut abandoned = 0;
    for round in 0..KILLS {
        write_texts(root, &old);
        let mut child = xtask(root, &["gen"]).spawn().unwrap();
        if round % 2 == 0 {
            // Any moment of the run.
            std::thread::sleep(whole.mul_f64(rng.f64()));
            let _ = child.kill();
        } else {
            // Among the writes: after the k-th file written.
            let k = rng.usize(0..GENERATED.len());
            kill_after(&mut child, "wrote ", k, &mut rng);
        }
        child.wait().unwrap();
        let now = read_texts(root);
        let mut written = 0;
        for (i, file) in GENERATED.iter().enumerate() {
            if now[i] == new[i] {
                written += 1;
            } else {
                assert!(
                    now[i] == old[i],
                    "{file} is neither its old text nor its new one after the kill of round {round}: {} bytes, against {} old and {} new",
                    now[i].len(),
                    old[i].len(),
                    new[i].len()
                );
            }
        }
        *outcomes.entry(written).or_default() += 1;
        abandoned += temporaries(root).len();
    }
    // The kills fell before the writes, between them and after them.
    assert!(
        outcomes.contains_key(&0) && outcomes.len() >= 3,
        "files written when killed -> rounds: {outcomes:?}"
    );

    eprintln!(
        "files written when killed -> rounds: {outcomes:?}; temporary files left by the kills: {abandoned}"
    );
    // The next whole run finishes the job and leaves no temporary file behind.
    xtask(root, &["gen"]).output().unwrap();
    assert_eq!(read_texts(root), new);
    assert_eq!(temporaries(root), Vec::<String>::new());
}

#[test]
fn record_killed_at_any_moment_leaves_the_recording_old_or_new() {
    let dir = recording::workspace();
    let root = dir.path();
    std::fs::create_dir_all(root.join("openapi/examples/createOrganization")).unwrap();
    let (base, _) = recording::server(
        201,
        include_str!("../../openapi/examples/createOrganization/201-fresh.json").to_string(),
    );
    let target = root.join("openapi/examples/createOrganization/201-killed.json");
    let old = "{\"an\": \"older recording\"}\n";
    let args = [
        "record",
        "createOrganization",
        "--body",
        "body.json",
        "--name",
        "killed",
        "--force",
        "--base-url",
        base.as_str(),
    ];

    std::fs::write(&target, old).unwrap();
    let start = Instant::now();
    xtask(root, &args).output().unwrap();
    let whole = start.elapsed();
    let new = std::fs::read_to_string(&target).unwrap();
    assert_ne!(new, old, "the whole run did not record");

    let mut rng = Rng::with_seed(15);
    let (mut kept, mut replaced) = (0, 0);
    for round in 0..KILLS {
        std::fs::write(&target, old).unwrap();
        let mut child = xtask(root, &args).spawn().unwrap();
        if round % 2 == 0 {
            std::thread::sleep(whole.mul_f64(rng.f64()));
            let _ = child.kill();
        } else {
            // Once the response is in: the redaction and the write follow.
            kill_after(&mut child, "calling ", 1, &mut rng);
        }
        child.wait().unwrap();
        let now = std::fs::read_to_string(&target).unwrap();
        if now == old {
            kept += 1;
        } else {
            assert!(
                now == new,
                "the recording is neither old nor new after the kill of round {round}: {} bytes, against {} old and {} new",
                now.len(),
                old.len(),
                new.len()
            );
            replaced += 1;
        }
    }
    assert!(kept > 0 && replaced > 0, "kept {kept}, replaced {replaced}");

    xtask(root, &args).output().unwrap();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), new);
    assert_eq!(temporaries(root), Vec::<String>::new());
}
