//! Readers of documents as published: PDF with a text layer, DOCX and saved web pages.
//!
//! A reader turns a file into [`Read`]: paragraphs of text, each knowing the physical page
//! of every character (PDF; DOCX where Word recorded its page breaks), plus what the file
//! says about itself (title, 文号, date, issuer) outside the text. [`assemble`] then takes
//! the title, the 题注 and the 文号 off the top, drops a 目录, and hands the rest to the
//! same structure parsers as the text formats ([`super::parse_law`] for 第X条,
//! [`super::parse_policy`] for 一、/（一）), and maps every passage and heading back to
//! its pages.
//!
//! A file that cannot be read gives a [`Skip`] reason: a scan without a text layer, an
//! encrypted or broken PDF, a legacy `.doc`, a page without any main text.

mod assemble;
mod docx;
mod html;
mod layout;
mod pdf;

pub(crate) use assemble::assemble;

/// A paragraph as read, with its pages.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Para {
    /// The text, lines broken inside a sentence rejoined.
    pub text: String,
    /// `(char offset in text, physical page)`: from that offset on the text is on that
    /// page; empty when the source has no pages.
    pub pages: Vec<(usize, u32)>,
    /// A heading level given by the source's markup (`<h2>`, a DOCX heading style).
    pub heading: Option<u8>,
}

/// What a reader found in a file.
#[derive(Debug, Clone, Default)]
pub(crate) struct Read {
    /// The paragraphs in reading order.
    pub paras: Vec<Para>,
    /// A title given outside the text (`<meta name="ArticleTitle">`).
    pub title: Option<String>,
    /// A 文号 given outside the text (the page's info table).
    pub doc_number: Option<String>,
    /// A date given outside the text, ISO `YYYY-MM-DD`.
    pub date: Option<String>,
    /// The issuing body given outside the text (`发布机关`).
    pub body: Option<String>,
    /// `[physical page, printed number]` for the pages that print a number.
    pub printed_pages: Vec<[u32; 2]>,
}

/// The kind of file a reader reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// PDF with a text layer.
    Pdf,
    /// Word 2007+ (`.docx`).
    Docx,
    /// A saved web page.
    Html,
}

impl Kind {
    /// The format's name as recorded in the metadata: `pdf`, `docx`, `html`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Pdf => "pdf",
            Kind::Docx => "docx",
            Kind::Html => "html",
        }
    }

    /// The kind of a file from its extension, if a reader reads it.
    pub fn of(ext: &str) -> Option<Kind> {
        match ext.to_ascii_lowercase().as_str() {
            "pdf" => Some(Kind::Pdf),
            "docx" => Some(Kind::Docx),
            "html" | "htm" | "shtml" => Some(Kind::Html),
            _ => None,
        }
    }
}

/// Reads the bytes of a file of kind `kind`; `Err` is the reason it is skipped.
pub(crate) fn read(kind: Kind, bytes: &[u8]) -> Result<Read, String> {
    let r = match kind {
        Kind::Pdf => pdf::read(bytes)?,
        Kind::Docx => docx::read(bytes)?,
        Kind::Html => html::read(bytes)?,
    };
    let chars: usize = r.paras.iter().map(|p| p.text.chars().count()).sum();
    if chars == 0 {
        return Err("no text found".into());
    }
    Ok(r)
}
