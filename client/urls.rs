//! Each call's URL without parsing a whole URL per call: progenitor formats `{base}/path`
//! for reqwest to parse in full (scheme, host with IDNA, path), about 7 k instructions a
//! call. Here the base URL is parsed once, when the client is built, and so is the whole
//! URL of every operation whose path has no parameter; any other path is put on a copy of
//! the base (`Url::set_path`, the parser's path step alone). The generated `send`s format
//! only their path (client/codegen/base_url.rs).

use std::fmt;

use reqwest::Url;

use crate::Operation;

/// The URLs of one environment.
pub(crate) struct Urls {
    base: Url,
    /// Path template and whole URL of the operations without path parameters.
    fixed: Vec<(&'static str, Url)>,
}

impl Urls {
    pub(crate) fn new(base: Url) -> Urls {
        let mut urls = Urls {
            base,
            fixed: Vec::new(),
        };
        for operation in Operation::ALL {
            let path = operation.path();
            if !path.contains('{') && !urls.fixed.iter().any(|(known, _)| *known == path) {
                let url = urls.on_base(format_args!("{path}"));
                urls.fixed.push((path, url));
            }
        }
        urls
    }

    /// The URL of one call: `path`, formatted by the generated `send` with its parameters
    /// already encoded, under the base URL. The result is what parsing the whole URL
    /// gives, dot segments and percent-encoding included.
    pub(crate) fn endpoint(&self, path: fmt::Arguments<'_>) -> Url {
        // `as_str` is the literal when nothing is formatted into it.
        if let Some(path) = path.as_str()
            && let Some((_, url)) = self.fixed.iter().find(|(known, _)| *known == path)
        {
            return url.clone();
        }
        self.on_base(path)
    }

    fn on_base(&self, path: fmt::Arguments<'_>) -> Url {
        use std::fmt::Write;
        let mut url = self.base.clone();
        let mut full = String::with_capacity(64);
        full.push_str(url.path().trim_end_matches('/'));
        // Writing to a String cannot fail.
        let _ = full.write_fmt(path);
        url.set_path(&full);
        url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endpoint_is_what_parsing_the_whole_url_gives() {
        let bases = [
            "https://answeringagent.com/api/v1",
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8080/",
            "HTTP://User:pw@Example.COM:80/a%20b/./c/../api",
            "http://[::1]:9/base path",
        ];
        let parameters = ["4711", "a%2Fb", "..", "x/../y", "%C3%A9%20%3F%23"];
        for base in bases {
            let urls = Urls::new(Url::parse(base).unwrap());
            let trimmed = base.trim_end_matches('/');
            for operation in Operation::ALL {
                for parameter in parameters {
                    // The generated `send` formats the parameter into the template.
                    let path = operation.path();
                    let formatted = match path.split_once('{') {
                        None => path.to_string(),
                        Some((start, rest)) => {
                            let end = rest.split_once('}').map_or("", |(_, end)| end);
                            format!("{start}{parameter}{end}")
                        }
                    };
                    let expected = Url::parse(&format!("{trimmed}{formatted}")).unwrap();
                    let endpoint = if formatted == path {
                        urls.endpoint(format_args!("{}", operation.path()))
                    } else {
                        urls.endpoint(format_args!("{formatted}"))
                    };
                    assert_eq!(endpoint, expected, "{base} {formatted}");
                }
            }
            // The paths without parameters were parsed when the client was built, and a
            // literal finds them.
            assert_eq!(urls.fixed.len(), 3, "{base}");
            assert_eq!(
                format_args!("/organizations").as_str(),
                Some("/organizations")
            );
            let literal = urls.endpoint(format_args!("/organizations"));
            assert_eq!(
                literal,
                Url::parse(&format!("{trimmed}/organizations")).unwrap()
            );
        }
    }
}
