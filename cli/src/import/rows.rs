//! The rows of an import file: CSV with a header of the request body's fields (nested ones
//! joined by dots, as the spec names them), or JSON Lines of request bodies. Each row is a
//! body checked against the spec, or the reason it is not, with its line and field.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde_json::{Map, Value};

use super::lines::Lines;
use crate::spec::{self, Body};

/// Rows longer than this are refused (a stray binary file, a runaway quote).
pub const MAX_ROW_BYTES: usize = 1 << 20;

/// How the file is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    JsonLines,
}

impl Format {
    /// `--format`, else the file's extension (`.jsonl`, `.ndjson`: JSON Lines), else CSV.
    pub fn of(path: &Path, flag: Option<&str>) -> Format {
        match flag.or_else(|| path.extension()?.to_str()) {
            Some("jsonl" | "ndjson") => Format::JsonLines,
            _ => Format::Csv,
        }
    }
}

/// One row: where it is, and its body or why it has none.
#[derive(Debug)]
pub struct Row {
    /// The line it starts on, as an editor numbers the file's lines (a CSV's header is
    /// line 1 when it is the first line).
    pub line: u64,
    pub body: Result<Value, String>,
}

/// Every row of the file, or why the file as a whole cannot be read.
pub fn read(path: &Path, format: Format, body: &Body) -> Result<Vec<Row>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let rows = match format {
        Format::Csv => csv_rows(Lines::new(file), body),
        Format::JsonLines => json_lines(file),
    }
    .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(rows
        .into_iter()
        .map(|row| Row {
            line: row.line,
            body: row.body.and_then(|value| {
                let problems = body.problems(&value);
                if problems.is_empty() {
                    Ok(value)
                } else {
                    Err(problems.join("; "))
                }
            }),
        })
        .collect())
}

fn csv_rows(file: Lines<impl Read>, body: &Body) -> Result<Vec<Row>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(file);
    let header = reader
        .byte_headers()
        .map_err(|e| format!("line 1 (the header): {e}"))?
        .clone();
    let known = || {
        body.fields
            .iter()
            .map(spec::Field::dotted)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut columns = Vec::new();
    for (index, name) in header.iter().enumerate() {
        let name = std::str::from_utf8(name)
            .map_err(|_| format!("line 1 (the header), column {}: not UTF-8", index + 1))?
            .trim()
            .trim_start_matches('\u{feff}');
        let Some(field) = body.fields.iter().rfind(|f| f.dotted() == name) else {
            return Err(format!(
                "line 1 (the header): unknown column `{name}`; the columns are {}",
                known()
            ));
        };
        if columns.iter().any(|c: &&spec::Field| c.dotted() == name) {
            return Err(format!(
                "line 1 (the header): column `{name}` is there twice"
            ));
        }
        columns.push(field);
    }
    for field in body.fields.iter().filter(|f| f.required) {
        if !columns.iter().any(|c| c.dotted() == field.dotted()) {
            return Err(format!(
                "line 1 (the header): no column `{}`, which every row needs; the columns are {}",
                field.dotted(),
                known()
            ));
        }
    }
    let mut rows = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        // Where this read starts; csv's own line count knows only `\n`.
        let start = reader.position().byte();
        let read = reader.read_byte_record(&mut record);
        let line = reader.get_mut().line_of(start);
        let body = match read {
            Ok(false) => break,
            Err(e) if matches!(e.kind(), csv::ErrorKind::Io(_)) => return Err(e.to_string()),
            Err(e) => Err(without_position(&e)),
            // A blank line.
            Ok(true) if record.iter().all(|cell| cell.is_empty()) && record.len() <= 1 => continue,
            Ok(true) => csv_body(&record, &columns),
        };
        rows.push(Row { line, body });
    }
    Ok(rows)
}

/// A CSV error's words without csv's own position: the row's line is given beside it, and
/// csv counts lines by `\n` alone.
fn without_position(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::Utf8 { err, .. } => format!("not UTF-8: {err}"),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} cells, but the header has {expected_len} columns"),
        _ => error.to_string(),
    }
}

fn csv_body(record: &csv::ByteRecord, columns: &[&spec::Field]) -> Result<Value, String> {
    if record.as_slice().len() > MAX_ROW_BYTES {
        return Err(format!(
            "the row is {} bytes, over the limit of {MAX_ROW_BYTES}",
            record.as_slice().len()
        ));
    }
    if record.len() != columns.len() {
        return Err(format!(
            "{} cells, but the header has {} columns",
            record.len(),
            columns.len()
        ));
    }
    let mut body = Map::new();
    for (cell, field) in record.iter().zip(columns) {
        let text = std::str::from_utf8(cell).map_err(|e| {
            format!(
                "{}: not UTF-8 (the bad byte is byte {} of the cell)",
                field.dotted(),
                e.valid_up_to() + 1
            )
        })?;
        if text.is_empty() {
            continue; // an empty cell is an absent field
        }
        let value = field
            .kind
            .parse(text)
            .map_err(|e| format!("{}: {e}", field.dotted()))?;
        spec::set(&mut body, &field.path, value);
    }
    Ok(Value::Object(body))
}

fn json_lines(file: impl Read) -> Result<Vec<Row>, String> {
    let mut reader = BufReader::new(file);
    let mut rows = Vec::new();
    let mut line = 0;
    loop {
        line += 1;
        let Some((bytes, too_long)) = bounded_line(&mut reader).map_err(|e| e.to_string())? else {
            break;
        };
        let body = if too_long {
            Err(format!(
                "the line is over the limit of {MAX_ROW_BYTES} bytes"
            ))
        } else if let Ok(text) = std::str::from_utf8(&bytes) {
            // A byte-order mark (what some editors save) is not part of the first row.
            let text = if line == 1 {
                text.trim_start_matches('\u{feff}')
            } else {
                text
            };
            if text.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Value>(text) {
                Ok(value @ Value::Object(_)) => Ok(value),
                Ok(_) => Err("not a JSON object".to_string()),
                Err(e) => Err(format!("not JSON: {e}")),
            }
        } else {
            Err("not UTF-8".to_string())
        };
        rows.push(Row { line, body });
    }
    Ok(rows)
}

/// The next line without its end, reading at most one byte more than [`MAX_ROW_BYTES`] of
/// it into memory, and whether it is over that limit (its rest is skipped); `None` at the end
/// of the file.
fn bounded_line(reader: &mut impl BufRead) -> std::io::Result<Option<(Vec<u8>, bool)>> {
    let mut line = Vec::new();
    let limit = MAX_ROW_BYTES as u64 + 1;
    if reader.take(limit).read_until(b'\n', &mut line)? == 0 {
        return Ok(None);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
    }
    // One byte past the limit read: the line is longer, and the rest of it is skipped.
    let too_long = line.len() > MAX_ROW_BYTES;
    if too_long {
        line.truncate(MAX_ROW_BYTES);
        reader.skip_until(b'\n')?;
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(Some((line, too_long)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create_body() -> Body {
        crate::spec::commands()
            .unwrap()
            .into_iter()
            .find(|c| c.group == "organizations" && c.verb == "create")
            .and_then(|c| c.body)
            .unwrap()
    }

    /// The line each row is reported on, for a file written with `ending` and `bom`.
    fn lines_of(text: &str, ending: &str, bom: bool, last_ending: bool) -> Vec<(u64, bool)> {
        let mut bytes = Vec::new();
        if bom {
            bytes.extend_from_slice("\u{feff}".as_bytes());
        }
        let mut text = text.replace('\n', ending);
        if !last_ending {
            text.truncate(text.len() - ending.len());
        }
        bytes.extend_from_slice(text.as_bytes());
        csv_rows(Lines::new(&bytes[..]), &create_body())
            .unwrap()
            .iter()
            .map(|row| (row.line, row.body.is_ok()))
            .collect()
    }

    #[test]
    fn a_row_is_on_the_line_an_editor_shows_whatever_the_endings() {
        // line 1: the header; 2: a row; 3: blank; 4-6: a row whose quoted description
        // spans three lines; 7: a row missing a cell; 8: the last row.
        let text = "name,owner.external_id,owner.email,description\n\
                    One,u1,one@example.com,plain\n\
                    \n\
                    Two,u2,two@example.com,\"first\nsecond\nthird\"\n\
                    Three,u3\n\
                    Four,u4,four@example.com,last\n";
        for ending in ["\n", "\r\n", "\r"] {
            for bom in [false, true] {
                for last_ending in [true, false] {
                    assert_eq!(
                        lines_of(text, ending, bom, last_ending),
                        [(2, true), (4, true), (7, false), (8, true)],
                        "endings {ending:?}, byte-order mark {bom}, last line ended {last_ending}"
                    );
                }
            }
        }
    }

    #[test]
    fn json_lines_with_a_byte_order_mark_and_crlf_endings() {
        let rows = json_lines(&b"\xef\xbb\xbf{\"a\":1}\r\n\r\n{\"b\":2}\r\n"[..]).unwrap();
        let lines: Vec<(u64, bool)> = rows.iter().map(|r| (r.line, r.body.is_ok())).collect();
        assert_eq!(lines, [(1, true), (3, true)]);
    }

    #[test]
    fn a_long_line_is_skipped_without_keeping_it() {
        let mut text = vec![b'x'; MAX_ROW_BYTES * 3];
        text.extend_from_slice(b"\n{\"a\":1}\n");
        let mut reader = BufReader::new(&text[..]);
        let (kept, too_long) = bounded_line(&mut reader).unwrap().unwrap();
        assert!(too_long);
        assert!(kept.len() <= MAX_ROW_BYTES);
        let (next, too_long) = bounded_line(&mut reader).unwrap().unwrap();
        assert!(!too_long);
        assert_eq!(next, b"{\"a\":1}");
        assert!(bounded_line(&mut reader).unwrap().is_none());
    }
}
