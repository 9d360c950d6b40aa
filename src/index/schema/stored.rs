//! The stored form of a passage: a compact binary encoding, decoded for every hit shown.
//!
//! Decoding it is a few length-prefixed copies; the JSON it replaces was parsed field by
//! field (about twice the time of a whole `load_passage`, BENCHMARKS.md, fourth session).
//! Layout, after a leading [`VERSION`] byte: strings as a LEB128 length and UTF-8 bytes,
//! numbers as LEB128, options as a `0`/`1` byte before the value, enums as one byte, the
//! path as its length and its headings. Every read is bounds-checked: a damaged value is
//! an [`Error::Damaged`], never a panic.

use crate::corpus::path::{HeadingKind, PathHeading};
use crate::corpus::{Heading, Passage, PassageKind};
use crate::{Error, Result};

/// The encoding's version, the first byte of every stored passage.
const VERSION: u8 = 1;

/// The stored bytes of a passage.
pub fn encode(p: &Passage) -> Vec<u8> {
    let mut w = Vec::with_capacity(p.text.len() + p.citation.len() + 128);
    w.push(VERSION);
    put_str(&mut w, &p.id);
    put_str(&mut w, &p.doc);
    w.push(passage_kind_code(p.kind));
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
        w.push(heading_kind_code(h.kind));
        put_str(&mut w, &h.label);
        put_str(&mut w, &h.title);
        put_opt(&mut w, h.number.as_ref(), |w, n| put_num(w, u64::from(*n)));
    }
    w
}

/// The passage of stored bytes written by [`encode`].
pub fn decode(bytes: &[u8]) -> Result<Passage> {
    let mut r = Reader { bytes, pos: 0 };
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

fn put_num(w: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        w.push((n as u8) | 0x80);
        n >>= 7;
    }
    w.push(n as u8);
}

fn put_str(w: &mut Vec<u8>, s: &str) {
    put_num(w, s.len() as u64);
    w.extend_from_slice(s.as_bytes());
}

fn put_opt<T: ?Sized>(w: &mut Vec<u8>, v: Option<&T>, put: impl FnOnce(&mut Vec<u8>, &T)) {
    match v {
        Some(v) => {
            w.push(1);
            put(w, v);
        }
        None => w.push(0),
    }
}

fn passage_kind_code(k: PassageKind) -> u8 {
    match k {
        PassageKind::Preface => 0,
        PassageKind::Paragraph => 1,
        PassageKind::Sidebar => 2,
        PassageKind::Article => 3,
    }
}

fn passage_kind(b: u8) -> Result<PassageKind> {
    Ok(match b {
        0 => PassageKind::Preface,
        1 => PassageKind::Paragraph,
        2 => PassageKind::Sidebar,
        3 => PassageKind::Article,
        _ => return Err(damaged("passage kind")),
    })
}

fn heading_kind_code(k: HeadingKind) -> u8 {
    match k {
        HeadingKind::Preface => 0,
        HeadingKind::Part => 1,
        HeadingKind::Chapter => 2,
        HeadingKind::Section => 3,
        HeadingKind::Sidebar => 4,
        HeadingKind::Heading => 5,
        HeadingKind::Subheading => 6,
        HeadingKind::Item => 7,
        HeadingKind::Article => 8,
    }
}

fn heading_kind(b: u8) -> Result<HeadingKind> {
    Ok(match b {
        0 => HeadingKind::Preface,
        1 => HeadingKind::Part,
        2 => HeadingKind::Chapter,
        3 => HeadingKind::Section,
        4 => HeadingKind::Sidebar,
        5 => HeadingKind::Heading,
        6 => HeadingKind::Subheading,
        7 => HeadingKind::Item,
        8 => HeadingKind::Article,
        _ => return Err(damaged("heading kind")),
    })
}

/// A cursor over stored bytes; every read checks the bounds.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8> {
        let b = *self
            .bytes
            .get(self.pos)
            .ok_or_else(|| damaged("truncated"))?;
        self.pos += 1;
        Ok(b)
    }

    fn flag(&mut self) -> Result<bool> {
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(damaged("option tag")),
        }
    }

    fn num(&mut self) -> Result<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(n);
            }
        }
        Err(damaged("number too long"))
    }

    fn usize(&mut self) -> Result<usize> {
        usize::try_from(self.num()?).map_err(|_| damaged("number out of range"))
    }

    fn u32(&mut self) -> Result<u32> {
        u32::try_from(self.num()?).map_err(|_| damaged("number out of range"))
    }

    fn string(&mut self) -> Result<String> {
        let n = self.usize()?;
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| damaged("truncated string"))?;
        let s = std::str::from_utf8(&self.bytes[self.pos..end])
            .map_err(|_| damaged("string not UTF-8"))?;
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
        assert!(encode(&p).len() < json.len() / 2, "{}", encode(&p).len());
    }

    #[test]
    fn damaged_bytes_are_an_error_not_a_panic() {
        let bytes = encode(&sample());
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer).is_err());
        let mut other = bytes.clone();
        other[0] = 9;
        assert!(decode(&other).is_err());
        // A huge length or count must not allocate or read out of bounds.
        let mut huge = vec![VERSION];
        huge.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
        assert!(decode(&huge).is_err());
        // Every single-byte change decodes to something or fails cleanly.
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0xa5;
            let _ = decode(&b);
        }
    }
}
