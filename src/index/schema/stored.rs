//! The stored form of a passage: a compact text encoding, decoded for every hit shown.
//!
//! Decoding it is a few length-prefixed copies; the JSON it replaces was parsed field by
//! field (about half of a whole stored-passage load, BENCHMARKS.md, fourth session). It is
//! UTF-8 text (tantivy reads a stored text in one copy, stored bytes one byte at a time):
//! after a leading [`VERSION`] character, strings as their length in bytes (decimal),
//! `:` and the string; numbers in decimal ended by `,`; options as `0`/`1` before the
//! value; enums as one digit; the path as its length and its headings. Every read is
//! bounds-checked: a damaged value is an [`Error::Damaged`], never a panic.

use crate::corpus::path::{HeadingKind, PathHeading};
use crate::corpus::{Heading, Passage, PassageKind};
use crate::{Error, Result};

/// The encoding's version, the first byte of every stored passage.
const VERSION: u8 = b'1';

/// The stored form of a passage.
pub fn encode(p: &Passage) -> String {
    let mut w = String::with_capacity(p.text.len() + p.citation.len() + 128);
    w.push(char::from(VERSION));
    put_str(&mut w, &p.id);
    put_str(&mut w, &p.doc);
    w.push(char::from(passage_kind_code(p.kind)));
    for h in [&p.chapter, &p.section, &p.sidebar, &p.part, &p.item] {
        put_opt(&mut w, h.as_ref(), |w, h| {
            put_str(w, &h.label);
            put_str(w, &h.title);
        });
    }
    put_opt(&mut w, p.pages.as_ref(), |w, [a, b]| {
        put_num(w, u64::from(*a));
        put_num(w, u64::from(*b));
    });
    put_opt(&mut w, p.lead.as_deref(), put_str);
    put_str(&mut w, &p.text);
    put_str(&mut w, &p.citation);
    for n in [p.start, p.end, p.seq] {
        put_num(&mut w, n as u64);
    }
    put_opt(&mut w, p.article.as_deref(), put_str);
    put_num(&mut w, p.path.len() as u64);
    for h in &p.path {
        w.push(char::from(heading_kind_code(h.kind)));
        put_str(&mut w, &h.label);
        put_str(&mut w, &h.title);
        put_opt(&mut w, h.number.as_ref(), |w, n| put_num(w, u64::from(*n)));
    }
    w
}

/// The passage of a stored form written by [`encode`].
pub fn decode(stored: &str) -> Result<Passage> {
    let bytes = stored.as_bytes();
    let mut r = Reader {
        text: stored,
        pos: 0,
    };
    if r.byte()? != VERSION {
        return Err(damaged("unknown version"));
    }
    let id = r.string()?;
    let doc = r.string()?;
    let kind = passage_kind(r.byte()?)?;
    let chapter = r.heading()?;
    let section = r.heading()?;
    let sidebar = r.heading()?;
    let part = r.heading()?;
    let item = r.heading()?;
    let pages = match r.flag()? {
        true => Some([r.u32()?, r.u32()?]),
        false => None,
    };
    let lead = r.opt_string()?;
    let text = r.string()?;
    let citation = r.string()?;
    let (start, end, seq) = (r.usize()?, r.usize()?, r.usize()?);
    let article = r.opt_string()?;
    let n = r.usize()?;
    // Each heading takes at least four bytes: a bound on what a damaged length can ask.
    let mut path = Vec::with_capacity(n.min(bytes.len() / 4));
    for _ in 0..n {
        let kind = heading_kind(r.byte()?)?;
        let label = r.string()?;
        let title = r.string()?;
        let number = match r.flag()? {
            true => Some(r.u32()?),
            false => None,
        };
        path.push(PathHeading {
            kind,
            label,
            title,
            number,
        });
    }
    if r.pos != bytes.len() {
        return Err(damaged("trailing bytes"));
    }
    Ok(Passage {
        id,
        doc,
        kind,
        chapter,
        section,
        sidebar,
        pages,
        lead,
        text,
        citation,
        start,
        end,
        seq,
        part,
        item,
        article,
        path,
    })
}

fn damaged(what: &str) -> Error {
    Error::Damaged(format!("stored passage: {what}"))
}

fn put_num(w: &mut String, n: u64) {
    use std::fmt::Write;
    let _ = write!(w, "{n},");
}

fn put_str(w: &mut String, s: &str) {
    use std::fmt::Write;
    let _ = write!(w, "{}:", s.len());
    w.push_str(s);
}

fn put_opt<T: ?Sized>(w: &mut String, v: Option<&T>, put: impl FnOnce(&mut String, &T)) {
    match v {
        Some(v) => {
            w.push('1');
            put(w, v);
        }
        None => w.push('0'),
    }
}

fn passage_kind_code(k: PassageKind) -> u8 {
    match k {
        PassageKind::Preface => b'0',
        PassageKind::Paragraph => b'1',
        PassageKind::Sidebar => b'2',
        PassageKind::Article => b'3',
    }
}

fn passage_kind(b: u8) -> Result<PassageKind> {
    Ok(match b {
        b'0' => PassageKind::Preface,
        b'1' => PassageKind::Paragraph,
        b'2' => PassageKind::Sidebar,
        b'3' => PassageKind::Article,
        _ => return Err(damaged("passage kind")),
    })
}

fn heading_kind_code(k: HeadingKind) -> u8 {
    match k {
        HeadingKind::Preface => b'0',
        HeadingKind::Part => b'1',
        HeadingKind::Chapter => b'2',
        HeadingKind::Section => b'3',
        HeadingKind::Sidebar => b'4',
        HeadingKind::Heading => b'5',
        HeadingKind::Subheading => b'6',
        HeadingKind::Item => b'7',
        HeadingKind::Article => b'8',
    }
}

fn heading_kind(b: u8) -> Result<HeadingKind> {
    Ok(match b {
        b'0' => HeadingKind::Preface,
        b'1' => HeadingKind::Part,
        b'2' => HeadingKind::Chapter,
        b'3' => HeadingKind::Section,
        b'4' => HeadingKind::Sidebar,
        b'5' => HeadingKind::Heading,
        b'6' => HeadingKind::Subheading,
        b'7' => HeadingKind::Item,
        b'8' => HeadingKind::Article,
        _ => return Err(damaged("heading kind")),
    })
}

/// A cursor over a stored form; every read checks the bounds.
struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8> {
        let b = *self
            .text
            .as_bytes()
            .get(self.pos)
            .ok_or_else(|| damaged("truncated"))?;
        self.pos += 1;
        Ok(b)
    }

    fn flag(&mut self) -> Result<bool> {
        match self.byte()? {
            b'0' => Ok(false),
            b'1' => Ok(true),
            _ => Err(damaged("option tag")),
        }
    }

    /// Decimal digits up to `end`.
    fn decimal(&mut self, end: u8) -> Result<u64> {
        let mut n = 0u64;
        let mut digits = 0;
        loop {
            match self.byte()? {
                b if b == end && digits > 0 => return Ok(n),
                b @ b'0'..=b'9' if digits < 20 => {
                    n = n
                        .checked_mul(10)
                        .and_then(|n| n.checked_add(u64::from(b - b'0')))
                        .ok_or_else(|| damaged("number out of range"))?;
                    digits += 1;
                }
                _ => return Err(damaged("number")),
            }
        }
    }

    fn usize(&mut self) -> Result<usize> {
        usize::try_from(self.decimal(b',')?).map_err(|_| damaged("number out of range"))
    }

    fn u32(&mut self) -> Result<u32> {
        u32::try_from(self.decimal(b',')?).map_err(|_| damaged("number out of range"))
    }

    fn string(&mut self) -> Result<String> {
        let n = usize::try_from(self.decimal(b':')?).map_err(|_| damaged("length"))?;
        let end = self
            .pos
            .checked_add(n)
            .ok_or_else(|| damaged("truncated string"))?;
        // `get` fails past the end and off a character boundary.
        let s = self
            .text
            .get(self.pos..end)
            .ok_or_else(|| damaged("truncated string"))?;
        self.pos = end;
        Ok(s.to_string())
    }

    fn opt_string(&mut self) -> Result<Option<String>> {
        match self.flag()? {
            true => self.string().map(Some),
            false => Ok(None),
        }
    }

    fn heading(&mut self) -> Result<Option<Heading>> {
        match self.flag()? {
            true => Ok(Some(Heading {
                label: self.string()?,
                title: self.string()?,
            })),
            false => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Passage {
        let path = vec![
            PathHeading {
                kind: HeadingKind::Part,
                label: "第一编".into(),
                title: "总则".into(),
                number: Some(1),
            },
            PathHeading {
                kind: HeadingKind::Chapter,
                label: "第二章".into(),
                title: "自然人".into(),
                number: Some(2),
            },
            PathHeading {
                kind: HeadingKind::Article,
                label: "第十三条".into(),
                title: String::new(),
                number: None,
            },
        ];
        Passage {
            id: "law-1-2.13".into(),
            doc: "law-1".into(),
            kind: PassageKind::Article,
            chapter: Some(Heading {
                label: "第二章".into(),
                title: "自然人".into(),
            }),
            section: None,
            sidebar: None,
            pages: Some([3, 300]),
            lead: Some("自然人从出生时起到死亡时止".into()),
            text: "自然人从出生时起到死亡时止，具有民事权利能力。<b>&\"'".into(),
            citation: "《民法典》第十三条".into(),
            start: 1234,
            end: 100_000,
            seq: 17,
            part: Some(Heading {
                label: "第一编".into(),
                title: "总则".into(),
            }),
            item: None,
            article: Some("第十三条".into()),
            path,
        }
    }

    #[test]
    fn a_passage_survives_the_round_trip() {
        let p = sample();
        assert_eq!(decode(&encode(&p)).expect("decode"), p);
        let empty = Passage::default();
        assert_eq!(decode(&encode(&empty)).expect("decode"), empty);
        // Smaller than the JSON it replaces.
        let json = serde_json::to_string(&p).expect("json");
        assert!(
            encode(&p).len() * 3 < json.len() * 2,
            "{}",
            encode(&p).len()
        );
    }

    #[test]
    fn damaged_forms_are_an_error_not_a_panic() {
        let stored = encode(&sample());
        for cut in 0..stored.len() {
            if let Some(head) = stored.get(..cut) {
                assert!(decode(head).is_err(), "cut at {cut}");
            }
        }
        assert!(decode(&format!("{stored}0")).is_err());
        assert!(decode(&stored.replacen('1', "9", 1)).is_err());
        // A huge length must not allocate or read out of bounds; nor a length that ends
        // inside a character.
        assert!(decode("1999999999999999999999:x").is_err());
        assert!(decode("118446744073709551615:x").is_err());
        assert!(decode("12:中").is_err());
        // Every change of one ASCII byte decodes to something or fails cleanly.
        let bytes = stored.as_bytes();
        for i in 0..bytes.len() {
            for c in [b'0', b'9', b',', b':', b'x'] {
                let mut b = bytes.to_vec();
                b[i] = c;
                if let Ok(s) = std::str::from_utf8(&b) {
                    let _ = decode(s);
                }
            }
        }
    }
}
