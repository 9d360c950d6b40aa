//! The parser for laws and regulations in Markdown (the layout of the LawRefBook
//! collection):
//!
//! ```text
//! # 中华人民共和国乡村振兴促进法          ← title (a second `#` line: subtitle, 人格权编)
//!
//! 2021年4月29日 第十三届全国人民代表大会常务委员会第二十八次会议通过   ← date + event
//!
//! <!-- INFO END -->
//!
//! ## 第一章　总则                        ← headings: 编/分编/章/节, `#` depth varies
//!
//! 第一条 为了……                         ← articles start a line
//!
//! （一）……                               ← items stay in their article
//! ```
//!
//! Headings and articles are recognised by the table of [`super::structure`]. A file
//! without articles (many 司法解释, cases) is read as numbered text (`一、`, `（一）`) with
//! paragraphs as passages. HTML comments and YAML front matter are ignored. Without an
//! `<!-- INFO END -->` marker the header ends at the first line that is neither the title
//! nor a dated line.

use super::structure::{Line, article_at, parse_lines};
use super::{CorpusError, DocMeta, Document, iso_date_in, tidy_body};

/// Parses a Markdown law into a [`Document`] whose id is `id`. `meta` brings what the
/// path tells (source, type, date from the file name); the text adds the rest.
pub fn parse_law(raw: &str, id: &str, mut meta: DocMeta) -> Result<Document, CorpusError> {
    let err = |message: &str| CorpusError::Parse {
        file: id.to_string(),
        message: message.to_string(),
    };
    let raw = raw.trim_start_matches('\u{feff}');
    let mut lines: Vec<&str> = raw.lines().collect();
    // YAML front matter.
    if lines.first().map(|l| l.trim()) == Some("---")
        && let Some(end) = lines.iter().skip(1).position(|l| l.trim() == "---")
    {
        lines.drain(..end + 2);
    }
    let cleaned: Vec<String> = strip_comments(&lines);
    let marker = lines.iter().position(|l| l.contains("<!-- INFO END -->"));

    let mut title: Option<String> = None;
    let mut subtitle: Option<String> = None;
    let mut info: Vec<&str> = Vec::new();
    let mut body_from = cleaned.len();
    for (i, l) in cleaned.iter().enumerate() {
        let t = l.trim();
        if let Some(m) = marker
            && i >= m
        {
            body_from = m + 1;
            break;
        }
        if t.is_empty() {
            continue;
        }
        let depth = t.chars().take_while(|&c| c == '#').count();
        if depth == 1 {
            let h = t[1..].trim();
            if h.is_empty() {
                continue;
            }
            if title.is_none() {
                title = Some(h.to_string());
            } else if subtitle.is_none() && marker.is_some() {
                subtitle = Some(h.to_string());
            } else if marker.is_none() {
                body_from = i;
                break;
            }
        } else if marker.is_some()
            || (title.is_some() && iso_date_in(t).is_some() && t.chars().count() < 120)
        {
            info.push(t);
        } else if title.is_some() {
            body_from = i;
            break;
        }
    }
    let title = title.ok_or_else(|| err("no title (`# …` line)"))?;
    if title.contains("某条法律的标题") {
        return Err(err("a template, not a document"));
    }

    meta_from_info(&mut meta, &info, &title);
    meta.subtitle = subtitle;

    let body: Vec<Line<'_>> = cleaned[body_from.min(cleaned.len())..]
        .iter()
        .map(|l| {
            let t = l.trim();
            let depth = t.chars().take_while(|&c| c == '#').count();
            if depth > 0 {
                Line {
                    text: t[depth..].trim(),
                    md: true,
                }
            } else {
                Line {
                    text: t.trim_start_matches(['>', ' ']).trim(),
                    md: false,
                }
            }
        })
        .collect();
    let articles = body.iter().any(|l| !l.md && article_at(l.text).is_some());
    let doc = parse_lines(id, &title, meta, &body, articles);
    if doc.passages.is_empty() {
        return Err(err("no text below the title"));
    }
    Ok(doc)
}

/// The date and enacting body from a law's dated lines (`2021年4月29日第十三届…通过`), else
/// the body from the title (`国务院关于…`).
fn meta_from_info(meta: &mut DocMeta, info: &[&str], title: &str) {
    for l in info {
        if meta.date.is_none() {
            meta.date = iso_date_in(l);
        }
        if meta.body.is_none()
            && let Some(rest) = l.split_once(|c: char| c.is_whitespace()).map(|x| x.1)
        {
            meta.body = tidy_body(rest.trim());
        }
    }
    if meta.body.is_none()
        && let Some((b, _)) = title.split_once("关于")
        && !b.is_empty()
        && b.chars().count() <= 30
    {
        meta.body = Some(b.trim().to_string());
    }
}

/// The lines with HTML comments (`<!-- … -->`, possibly over several lines) removed.
fn strip_comments(lines: &[&str]) -> Vec<String> {
    let mut out = Vec::with_capacity(lines.len());
    let mut in_comment = false;
    for l in lines {
        let mut s = String::with_capacity(l.len());
        let mut rest = *l;
        loop {
            if in_comment {
                match rest.find("-->") {
                    Some(i) => {
                        rest = &rest[i + 3..];
                        in_comment = false;
                    }
                    None => break,
                }
            } else {
                match rest.find("<!--") {
                    Some(i) => {
                        s.push_str(&rest[..i]);
                        rest = &rest[i + 4..];
                        in_comment = true;
                    }
                    None => {
                        s.push_str(rest);
                        break;
                    }
                }
            }
        }
        out.push(s);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAW: &str = "# 中华人民共和国测试法\n\n2021年4月29日 第十三届全国人民代表大会常务委员会第二十八次会议通过\n\n<!-- INFO END -->\n\n## 第一章　总则\n\n第一条 为了测试，制定本法。\n\n第二条 本法适用于：\n\n（一）甲；\n\n（二）乙。\n\n### 第一节 细则\n\n第三条 其他。\n";

    #[test]
    fn articles_and_meta() {
        let d = parse_law(LAW, "t", DocMeta::default()).unwrap();
        assert_eq!(d.title, "中华人民共和国测试法");
        assert_eq!(d.meta.date.as_deref(), Some("2021-04-29"));
        assert_eq!(d.meta.body.as_deref(), Some("全国人民代表大会常务委员会"));
        assert_eq!(d.passages.len(), 3);
        assert_eq!(d.passages[1].id, "t-a2");
        assert_eq!(d.passages[1].citation, "《中华人民共和国测试法》第二条");
        assert!(d.passages[1].text.ends_with("（二）乙。"));
        assert_eq!(d.outline[0].id, "t-c1");
        assert_eq!(d.outline[0].children[0].id, "t-c1.s1");
        assert_eq!(d.passages[2].section.as_ref().unwrap().title, "细则");
    }
}
