//! `cargo xtask mock`: the fake of the project's spec, or of any spec given with `--spec`
//! (a vendor's variant, a spec of another API), on loopback.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};

/// A spec the project never had: one list of gadgets behind a key in `X-Key`.
const GADGETS: &str = r#"
openapi: 3.0.3
info: {title: Gadgets, version: '1'}
servers: [{url: 'https://gadgets.example/v3'}]
security: [{key: []}]
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
  schemas:
    Gadget:
      type: object
      required: [id, name]
      properties:
        id: {type: integer}
        name: {type: string}
paths:
  /gadgets:
    get:
      operationId: listGadgets
      responses:
        '200':
          description: the gadgets
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Gadget'}}
"#;

fn mock(spec: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["mock", "--port", "0", "--api-key", "k", "--quiet", "--spec"])
        .arg(spec)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// `GET path` with the key: the status line and the body.
fn get(base: &str, path: &str) -> (String, String) {
    let rest = base.strip_prefix("http://").unwrap();
    let (host, prefix) = rest.split_at(rest.find('/').unwrap());
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    write!(
        stream,
        "GET {prefix}{path} HTTP/1.1\r\nhost: {host}\r\nx-key: k\r\nconnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    (head.lines().next().unwrap().to_string(), body.to_string())
}

#[test]
fn any_spec_is_served_with_spec() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gadgets.yaml");
    std::fs::write(&file, GADGETS).unwrap();
    let mut child = mock(&file);
    let mut first = String::new();
    // Kept open until the fake is stopped, as a terminal would be.
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut first).unwrap();
    let base = first
        .trim()
        .strip_prefix(&format!("fake of {} listening on ", file.display()))
        .unwrap_or_else(|| panic!("{first}"))
        .to_string();
    assert!(base.ends_with("/v3"), "the spec's own base path: {base}");
    let (status, body) = get(&base, "/gadgets");
    child.kill().unwrap();
    child.wait().unwrap();
    drop(stdout);
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert_eq!(body, "[]");
}

#[test]
fn a_broken_spec_is_refused_with_its_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.yaml");
    std::fs::write(
        &file,
        GADGETS.replace(
            "'#/components/schemas/Gadget'",
            "'#/components/schemas/Nope'",
        ),
    )
    .unwrap();
    let output = mock(&file).wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("{}:", file.display()))
            && stderr.contains("/components/schemas/Nope"),
        "{stderr}"
    );
    let missing = mock(&dir.path().join("missing.yaml"))
        .wait_with_output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("missing.yaml: cannot read"));
}
