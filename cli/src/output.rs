//! Printing a response: pretty JSON, or a table (`--output table`): a list as rows with a
//! column per field (nested ones joined by dots), one object as field and value lines.

use serde_json::Value;

/// How to print responses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Table,
}

impl Format {
    pub fn parse(name: &str) -> Format {
        if name == "table" {
            Format::Table
        } else {
            Format::Json
        }
    }
}

/// `value` as the format says, ending with a newline; empty for no body.
pub fn render(value: &Value, format: Format) -> String {
    if value.is_null() {
        return String::new();
    }
    match format {
        Format::Json => serde_json::to_string_pretty(value).unwrap_or_default() + "\n",
        Format::Table => table(value),
    }
}

fn table(value: &Value) -> String {
    // A list answer is an array, or an object around one (`{"data": [...]}`).
    let rows = match value {
        Value::Array(items) => Some(items),
        Value::Object(object) => {
            let arrays: Vec<&Vec<Value>> = object.values().filter_map(Value::as_array).collect();
            match arrays.as_slice() {
                [only] if only.iter().all(Value::is_object) => Some(*only),
                _ => None,
            }
        }
        _ => None,
    };
    let Some(rows) = rows else {
        let cells = leaves(value, String::new());
        let width = cells
            .iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(0);
        return cells
            .iter()
            .map(|(k, v)| format!("{k:width$}  {v}\n"))
            .collect();
    };
    let flat: Vec<Vec<(String, String)>> =
        rows.iter().map(|row| leaves(row, String::new())).collect();
    let mut columns: Vec<String> = Vec::new();
    for row in &flat {
        for (name, _) in row {
            if !columns.contains(name) {
                columns.push(name.clone());
            }
        }
    }
    // The header, then a line per row.
    let grid: Vec<Vec<String>> = std::iter::once(columns.clone())
        .chain(flat.iter().map(|row| {
            columns
                .iter()
                .map(|c| {
                    row.iter()
                        .find(|(k, _)| k == c)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                })
                .collect()
        }))
        .collect();
    let widths: Vec<usize> = (0..columns.len())
        .map(|i| grid.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    grid.iter()
        .map(|cells| {
            let text = cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:w$}"))
                .collect::<Vec<_>>()
                .join("  ");
            format!("{}\n", text.trim_end())
        })
        .collect()
}

/// Every scalar under `value`, named by its dotted path; an array of scalars is one cell.
fn leaves(value: &Value, prefix: String) -> Vec<(String, String)> {
    let name = |key: &str| {
        if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        }
    };
    match value {
        Value::Object(object) => object
            .iter()
            .flat_map(|(key, child)| leaves(child, name(key)))
            .collect(),
        // A list inside a row (an organization's users) is its length: `--output json`
        // has the details, and a column per nested item would make rows unreadable.
        Value::Array(items) if items.iter().any(|i| i.is_object() || i.is_array()) => {
            let count = items.len();
            let plural = if count == 1 { "" } else { "s" };
            vec![(prefix, format!("{count} item{plural}"))]
        }
        other => vec![(prefix, cell(other))],
    }
}

fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_list_is_rows() {
        let text = table(&json!({"data": [{"id": 1, "owner": {"name": "A"}}, {"id": 22}]}));
        assert_eq!(text, "id  owner.name\n1   A\n22\n");
    }

    #[test]
    fn a_nested_list_is_its_length() {
        let text = table(&json!([{"id": 1, "users": [{"id": 5}, {"id": 6}]}]));
        assert_eq!(text, "id  users\n1   2 items\n");
    }

    #[test]
    fn an_object_is_lines() {
        let text = table(&json!({"id": 1, "tags": ["a", "b"]}));
        assert_eq!(text, "id    1\ntags  a,b\n");
    }

    #[test]
    fn no_body_prints_nothing() {
        assert_eq!(render(&Value::Null, Format::Json), "");
    }
}
