//! The PDF reader: the text layer through `pdf-extract` (lopdf underneath; CJK through
//! the fonts' ToUnicode maps), every glyph with its position, laid out by [`super::layout`].
//!
//! Skipped with a reason: a file lopdf cannot parse (broken or not a PDF), an encrypted
//! PDF that does not open with the empty password, a PDF whose pages carry no text (a
//! scan: an OCR step is needed first), a text layer that mostly does not map to Unicode
//! (fonts without ToUnicode: U+FFFD or private-use characters), and a reader failure on a
//! page (the whole file is skipped, never half indexed).

use super::Read;
use super::layout::{Glyph, Page, paragraphs};
use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

/// Collects the glyphs of every page.
#[derive(Default)]
struct Collector {
    pages: Vec<Page>,
    height: f64,
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.height = media_box.ury - media_box.lly;
        self.pages.push(Page {
            height: self.height,
            glyphs: Vec::new(),
        });
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        // As pdf-extract's plain-text output: the size is the side of the square with the
        // area of the transformed em.
        let vx = font_size * trm.m11 + font_size * trm.m21;
        let vy = font_size * trm.m12 + font_size * trm.m22;
        let size = (vx * vy).abs().sqrt();
        let y = self.height - trm.m32;
        if let Some(p) = self.pages.last_mut() {
            p.glyphs.push(Glyph {
                x: trm.m31,
                y,
                size,
                w: width * size,
                s: char.to_string(),
            });
        }
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// Reads a PDF; `Err` is the reason it is skipped.
pub(crate) fn read(bytes: &[u8]) -> Result<Read, String> {
    if !bytes.starts_with(b"%PDF") && !bytes.get(..1024).is_some_and(|h| contains(h, b"%PDF-")) {
        return Err("not a PDF (no %PDF header)".into());
    }
    let pages = glyphs(bytes)?;
    let with_text = pages
        .iter()
        .filter(|p| p.glyphs.iter().any(|g| !g.s.trim().is_empty()))
        .count();
    if with_text == 0 {
        return Err(format!(
            "no text layer: {} page(s) of images only (a scan? run OCR first)",
            pages.len()
        ));
    }
    let (mut shown, mut garbled) = (0usize, 0usize);
    for c in pages
        .iter()
        .flat_map(|p| &p.glyphs)
        .flat_map(|g| g.s.chars())
    {
        if !c.is_whitespace() {
            shown += 1;
            if c == '\u{fffd}' || ('\u{e000}'..='\u{f8ff}').contains(&c) || c.is_control() {
                garbled += 1;
            }
        }
    }
    if garbled * 3 > shown {
        return Err(format!(
            "the text layer does not map to Unicode ({garbled} of {shown} characters unreadable): re-export the PDF or run OCR"
        ));
    }
    if with_text * 2 < pages.len() {
        tracing::warn!(
            pages = pages.len(),
            with_text,
            "most pages of this PDF have no text layer"
        );
    }
    let (paras, printed_pages) = paragraphs(&pages);
    Ok(Read {
        paras,
        printed_pages,
        ..Read::default()
    })
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The glyphs of every page, or why the file cannot be read.
fn glyphs(bytes: &[u8]) -> Result<Vec<Page>, String> {
    let run = || -> Result<Vec<Page>, String> {
        let mut doc = pdf_extract::Document::load_mem(bytes)
            .map_err(|e| format!("not a readable PDF: {e}"))?;
        if doc.is_encrypted() && doc.decrypt("").is_err() {
            return Err("encrypted PDF: it needs a password to open".into());
        }
        if doc.get_pages().is_empty() {
            return Err("a PDF without pages".into());
        }
        let mut c = Collector::default();
        pdf_extract::output_doc(&doc, &mut c)
            .map_err(|e| format!("the PDF's text cannot be read: {e}"))?;
        Ok(c.pages)
    };
    // The reader has panics of its own on malformed fonts: the file is skipped, never half
    // indexed.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
        .unwrap_or_else(|_| Err("the PDF reader failed on this file (malformed PDF?)".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_a_pdf() {
        assert!(read(b"hello").unwrap_err().contains("not a PDF"));
        let e = read(b"%PDF-1.4\n garbage").unwrap_err();
        assert!(e.contains("PDF"), "{e}");
    }
}
