//! Small HTML building blocks for the report: escaping, tables, base64 (for the
//! embedded font). No templates and no dependencies: the page is a handful of
//! sections, and every piece of text goes through [`esc`].

use std::fmt::Write as _;

/// `text` escaped for HTML element content and double- or single-quoted attributes.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Standard base64 (RFC 4648, with padding).
pub fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A cell: text, and whether it is a number (right-aligned).
pub enum Cell {
    Text(String),
    Num(String),
}

pub fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

pub fn num(s: impl Into<String>) -> Cell {
    Cell::Num(s.into())
}

/// A table with a header row; every cell escaped.
pub fn table(out: &mut String, header: &[&str], rows: &[Vec<Cell>]) {
    out.push_str("<table>\n<thead><tr>");
    for h in header {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for c in row {
            match c {
                Cell::Text(t) => {
                    let _ = write!(out, "<td>{}</td>", esc(t));
                }
                Cell::Num(t) => {
                    let _ = write!(out, "<td class=\"num\">{}</td>", esc(t));
                }
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// A numeric value with `d` decimals; NaN (undefined) as an en dash.
pub fn fix(v: f64, d: usize) -> String {
    if v.is_nan() {
        "–".to_string()
    } else {
        format!("{v:.d$}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc(r#"<b>"a" & 'b'</b>"#),
            "&lt;b&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/b&gt;"
        );
    }

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (raw, enc) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(raw.as_bytes()), enc, "{raw}");
        }
    }

    #[test]
    fn tables_escape_cells_and_align_numbers() {
        let mut s = String::new();
        table(&mut s, &["a<b"], &[vec![text("<x>"), num("1.5")]]);
        assert!(s.contains("<th>a&lt;b</th>"));
        assert!(s.contains("<td>&lt;x&gt;</td><td class=\"num\">1.5</td>"));
        assert_eq!(fix(f64::NAN, 2), "–");
    }
}
