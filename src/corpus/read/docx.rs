//! The DOCX reader: the paragraphs (`<w:p>`) of `word/document.xml`, with tables read cell
//! by cell.
//!
//! Text runs (`<w:t>`), tabs and line breaks are kept; field instructions (`<w:instrText>`)
//! and deleted text are not, and headers and footers (their `PAGE` fields) live in other
//! parts and are never read. A heading style (`Heading 1`, `标题 1`, `Title`) gives the
//! paragraph a heading level. DOCX has no fixed pages: where Word recorded its page breaks
//! (`<w:lastRenderedPageBreak/>`, `<w:br w:type="page"/>`) the paragraphs get those pages,
//! otherwise none.

use super::{Para, Read};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::io::Read as _;

/// The most bytes of `word/document.xml` read (a guard against zip bombs).
const MAX_XML: u64 = 64 << 20;

/// Reads a DOCX; `Err` is the reason it is skipped.
pub(crate) fn read(bytes: &[u8]) -> Result<Read, String> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err("a legacy Word file (OLE2 .doc) named .docx: save it as .docx".into());
    }
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not a readable DOCX (zip): {e}"))?;
    let entry = zip
        .by_name("word/document.xml")
        .map_err(|_| "not a DOCX: no word/document.xml".to_string())?;
    let mut xml = Vec::new();
    entry
        .take(MAX_XML)
        .read_to_end(&mut xml)
        .map_err(|e| format!("not a readable DOCX: {e}"))?;
    let paras = paragraphs(&xml)?;
    Ok(Read {
        paras,
        ..Read::default()
    })
}

fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| local(a.key.as_ref()) == key)
        .map(|a| a.value.to_string())
}

/// The heading level of a paragraph style id (`Heading2`, `2`, `标题 1`, `Title`).
fn heading_level(style: &str) -> Option<u8> {
    let s = style.to_ascii_lowercase();
    if s == "title" || s == "标题" {
        return Some(1);
    }
    let rest = s
        .strip_prefix("heading")
        .or_else(|| s.strip_prefix("标题"))?
        .trim();
    rest.parse::<u8>().ok().filter(|n| (1..=6).contains(n))
}

/// The paragraphs of `word/document.xml`.
fn paragraphs(xml: &[u8]) -> Result<Vec<Para>, String> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out: Vec<Para> = Vec::new();
    let mut cur = String::new();
    let mut heading: Option<u8> = None;
    let mut in_text = false;
    let mut page: u32 = 1;
    let mut breaks = false;
    let mut para_page = 1;
    let flush = |out: &mut Vec<Para>, cur: &mut String, heading: Option<u8>, page: u32| {
        for piece in cur.split('\n') {
            let t = piece.trim();
            if !t.is_empty() {
                out.push(Para {
                    text: t.to_string(),
                    pages: vec![(0, page)],
                    heading,
                });
            }
        }
        cur.clear();
    };
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("not a readable DOCX: bad XML: {e}"))?;
        match ev {
            Event::Start(e) | Event::Empty(e) => match local(e.name().as_ref()) {
                "p" => {
                    heading = None;
                    para_page = page;
                }
                "pStyle" => heading = attr(&e, "val").as_deref().and_then(heading_level),
                "t" => in_text = true,
                "tab" => cur.push(' '),
                "br" | "cr" => {
                    if attr(&e, "type").as_deref() == Some("page") {
                        page += 1;
                        breaks = true;
                        if cur.trim().is_empty() {
                            para_page = page;
                        }
                    }
                    cur.push('\n');
                }
                "lastRenderedPageBreak" => {
                    page += 1;
                    breaks = true;
                    if cur.trim().is_empty() {
                        para_page = page;
                    }
                }
                _ => {}
            },
            Event::Text(t) if in_text => {
                cur.push_str(&t.xml10_content());
            }
            Event::GeneralRef(r) if in_text => {
                let name = AsRef::<str>::as_ref(&r).to_string();
                let c = match name.as_str() {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    n => n
                        .strip_prefix("#x")
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .or_else(|| n.strip_prefix('#').and_then(|d| d.parse().ok()))
                        .and_then(char::from_u32),
                };
                if let Some(c) = c {
                    cur.push(c);
                }
            }
            Event::End(e) => match local(e.name().as_ref()) {
                "t" => in_text = false,
                "p" => flush(&mut out, &mut cur, heading, para_page),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !breaks {
        for p in &mut out {
            p.pages.clear();
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_fields_and_styles() {
        let xml = r#"<?xml version="1.0"?><w:document xmlns:w="x"><w:body>
<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>第一章　总则</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">第一条　为了</w:t></w:r><w:r><w:t>测试&amp;检验。</w:t></w:r></w:p>
<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:t>正文</w:t></w:r></w:p>
<w:p><w:r><w:lastRenderedPageBreak/><w:t>下一页</w:t></w:r></w:p>
</w:body></w:document>"#;
        let ps = paragraphs(xml.as_bytes()).unwrap();
        let texts: Vec<&str> = ps.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            ["第一章　总则", "第一条　为了测试&检验。", "正文", "下一页"]
        );
        assert_eq!(ps[0].heading, Some(1));
        assert_eq!(ps[1].heading, None);
        assert_eq!(ps[3].pages, [(0, 2)]);
    }

    #[test]
    fn not_a_docx() {
        assert!(read(b"plain").unwrap_err().contains("not a readable DOCX"));
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0, 0];
        assert!(read(&ole).unwrap_err().contains("legacy Word"));
    }
}
