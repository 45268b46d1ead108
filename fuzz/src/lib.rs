//! What the targets share: the `fake` and `client` inputs are HTTP-like messages (a first
//! line, header lines `name: value`, an empty line, the body).

use http::header::{HeaderMap, HeaderName, HeaderValue};

/// A message's first line, headers and body; `None` when its head is not UTF-8. Header
/// lines that HTTP could not carry are left out.
pub fn message(data: &[u8]) -> Option<(&str, HeaderMap, &[u8])> {
    let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(end) => (&data[..end], &data[end + 2..]),
        None => (data, &data[..0]),
    };
    let head = std::str::from_utf8(head).ok()?;
    let mut lines = head.split('\n');
    let first = lines.next()?;
    let mut headers = HeaderMap::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.trim().as_bytes()),
            HeaderValue::from_str(value.trim()),
        ) {
            headers.append(name, value);
        }
    }
    Some((first, headers, body))
}
