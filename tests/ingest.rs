//! Documents as published: PDF, DOCX and web pages read into the library.
//!
//! Fixtures (tests/fixtures/originals): pages cut from the published PDFs (their font
//! programs removed; the text layer is intact), a trimmed saved web page, and an encrypted
//! PDF. The tests build the rest themselves: a DOCX law, an image-only PDF (a scan), a
//! broken PDF and a legacy `.doc`. Expected pages were found with poppler's
//! `pdftotext -f N -l N` on the fixtures.

use regex::Regex;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use zhengce::Engine;
use zhengce::corpus::{Document, Skipped, load_library};

fn fixtures() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/originals"
    ))
}

/// A DOCX law as the national database publishes it: title, 题注, 目录, chapters and
/// articles, a heading style, and a footer part with a `－PAGE－` field.
fn docx_law() -> Vec<u8> {
    let p = |t: &str| format!("<w:p><w:r><w:t xml:space=\"preserve\">{t}</w:t></w:r></w:p>");
    let mut body = String::new();
    for t in [
        "中华人民共和国测试促进法",
        "（2024年11月8日第十四届全国人民代表大会常务委员会第十二次会议通过）",
        "目\u{3000}\u{3000}录",
        "第一章\u{3000}总\u{3000}\u{3000}则",
        "第二章\u{3000}附\u{3000}\u{3000}则",
    ] {
        body.push_str(&p(t));
    }
    body.push_str(
        "<w:p><w:pPr><w:pStyle w:val=\"Heading2\"/></w:pPr><w:r><w:t>第一章\u{3000}总\u{3000}\u{3000}则</w:t></w:r></w:p>",
    );
    body.push_str(&p("第一条\u{3000}为了促进测试，制定本法。"));
    body.push_str(
        "<w:p><w:r><w:t>第二条\u{3000}本法所称测试，</w:t></w:r><w:r><w:lastRenderedPageBreak/><w:t>是指检验&amp;校验。</w:t></w:r></w:p>",
    );
    body.push_str(&p("测试应当遵守法律。"));
    body.push_str(&p("第二章\u{3000}附\u{3000}\u{3000}则"));
    body.push_str(&p("第三条\u{3000}本法自2025年1月1日起施行。"));
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
         <w:body>{body}<w:sectPr/></w:body></w:document>"
    );
    let footer = "<?xml version=\"1.0\"?><w:ftr xmlns:w=\"x\"><w:p><w:r><w:t>－</w:t></w:r>\
        <w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>\
        <w:r><w:t>1</w:t></w:r><w:r><w:t>－</w:t></w:r></w:p></w:ftr>";
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zw = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in [
            ("[Content_Types].xml", "<Types/>"),
            ("word/document.xml", document.as_str()),
            ("word/footer1.xml", footer),
        ] {
            zw.start_file(name, opts).expect("zip entry");
            zw.write_all(data.as_bytes()).expect("zip write");
        }
        zw.finish().expect("zip finish");
    }
    buf.into_inner()
}

/// An image-only PDF: one page showing a grey "scanned" image, no text.
fn scanned_pdf() -> Vec<u8> {
    use pdf_extract::{Dictionary, Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let (w, h) = (120u32, 160u32);
    let pixels: Vec<u8> = (0..w * h)
        .map(|i| {
            if (i / w) % 8 < 2 && (i % w) > 10 {
                40
            } else {
                230
            }
        })
        .collect();
    let image = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => w as i64,
            "Height" => h as i64, "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
        },
        pixels,
    ));
    let content = doc.add_object(Stream::new(
        Dictionary::new(),
        b"q 480 0 0 640 60 100 cm /Im0 Do Q".to_vec(),
    ));
    let pages_id = doc.new_object_id();
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image } },
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1,
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("pdf written");
    out
}

/// The fixtures plus the files the tests make, in one corpus directory.
fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for e in std::fs::read_dir(fixtures()).expect("fixtures") {
        let e = e.expect("entry");
        if e.path()
            .extension()
            .is_some_and(|x| x == "pdf" || x == "html")
        {
            std::fs::copy(e.path(), dir.path().join(e.file_name())).expect("copy");
        }
    }
    let put =
        |name: &str, bytes: &[u8]| std::fs::write(dir.path().join(name), bytes).expect("write");
    put("中华人民共和国测试促进法_20241108.docx", &docx_law());
    put("扫描件.pdf", &scanned_pdf());
    put(
        "损坏.pdf",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF garbage",
    );
    put(
        "旧格式.doc",
        &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0],
    );
    dir
}

struct Loaded {
    _dir: tempfile::TempDir,
    docs: Vec<Document>,
    skipped: Vec<Skipped>,
    engine: Engine,
}

static LOADED: LazyLock<Loaded> = LazyLock::new(|| {
    let dir = corpus();
    let (docs, skipped) = load_library(dir.path()).expect("library loads");
    let index = dir.path().join(".index");
    let (engine, _) = zhengce::open_or_build(dir.path(), &index).expect("index builds");
    Loaded {
        _dir: dir,
        docs,
        skipped,
        engine,
    }
});

fn doc(title: &str) -> &'static Document {
    LOADED
        .docs
        .iter()
        .find(|d| d.title == title)
        .unwrap_or_else(|| panic!("no document {title}"))
}

fn skip_reason(name: &str) -> &'static str {
    LOADED
        .skipped
        .iter()
        .find(|s| s.path == Path::new(name))
        .map(|s| s.reason.as_str())
        .unwrap_or_else(|| panic!("{name} not skipped: {:?}", LOADED.skipped))
}

#[test]
fn unreadable_files_are_skipped_with_their_reason() {
    assert!(skip_reason("扫描件.pdf").contains("no text layer"));
    assert!(skip_reason("加密.pdf").contains("encrypted"));
    assert!(skip_reason("损坏.pdf").contains("PDF"));
    assert!(skip_reason("旧格式.doc").contains("legacy Word"));
    assert_eq!(LOADED.skipped.len(), 4, "{:?}", LOADED.skipped);
    assert_eq!(LOADED.docs.len(), 5);
    let formats: Vec<&str> = LOADED
        .docs
        .iter()
        .filter_map(|d| d.meta.format.as_deref())
        .collect();
    assert_eq!(formats, ["pdf", "html", "pdf", "pdf", "docx"]);
}

#[test]
fn law_pdf_title_note_contents_and_articles() {
    let d = doc("中华人民共和国民营经济促进法");
    assert_eq!(d.meta.date.as_deref(), Some("2025-04-30"));
    assert_eq!(d.meta.body.as_deref(), Some("全国人民代表大会常务委员会"));
    assert_eq!(d.meta.doc_type.as_deref(), Some("法律"));
    assert!(d.id.starts_with("law-"), "{}", d.id);
    // Pages 1-3: the 目录 is dropped; 第一章 holds 第一条 to 第七条.
    assert_eq!(d.chapters().count(), 1);
    assert_eq!(d.outline[0].title, "总则");
    let arts: Vec<&str> = d
        .passages
        .iter()
        .filter_map(|p| p.article.as_deref())
        .collect();
    assert_eq!(
        arts,
        [
            "第一条",
            "第二条",
            "第三条",
            "第四条",
            "第五条",
            "第六条",
            "第七条"
        ]
    );
    // 第一条 runs from page 1 to page 2 (a sentence broken by the page).
    assert_eq!(d.passages[0].pages, Some([1, 2]));
    assert!(
        d.passages[0]
            .text
            .contains("民营经济人士健康成长，构建高水平社会主义市场经济体制"),
        "{}",
        d.passages[0].text
    );
    assert_eq!(d.meta.printed_pages, [[1, 1], [2, 2], [3, 3]]);
}

#[test]
fn criminal_law_pages_are_physical_with_printed_numbers_alongside() {
    let d = doc("中华人民共和国刑法");
    // The fixture holds the PDF's pages 1-2, 8 and 20-21 as physical pages 1-5.
    assert_eq!(
        d.meta.printed_pages,
        [[1, 1], [2, 2], [3, 8], [4, 20], [5, 21]]
    );
    assert_eq!(d.meta.date.as_deref(), Some("2020-12-26"));
    let a = d
        .passages
        .iter()
        .find(|p| p.article.as_deref() == Some("第十七条之一"))
        .expect("第十七条之一");
    assert_eq!(a.id, format!("{}-a17-1", d.id));
    assert!(
        a.text
            .starts_with("第十七条之一 已满七十五周岁的人故意犯罪的")
    );
    // The footnote under the 题注 (①刑法、历次刑法修正案……) is not text.
    assert!(
        d.passages
            .iter()
            .all(|p| !p.text.contains("历次刑法修正案"))
    );
}

static FOOTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[－\-—–]\s*\d{1,3}\s*[－\-—–]|^\d{1,3}$|\d{1,3}$").expect("regex")
});

#[test]
fn no_passage_keeps_a_page_footer_or_a_line_break() {
    for d in &LOADED.docs {
        for p in &d.passages {
            for line in p.text.lines() {
                assert!(
                    !FOOTER.is_match(line),
                    "{}: a page number in {line:?}",
                    p.id
                );
            }
            let last = d.passages.last().map(|l| l.id.as_str()) == Some(p.id.as_str());
            if d.meta.format.as_deref() == Some("pdf") && !last {
                // Lines broken inside a sentence are joined: a line of a passage ends a
                // sentence or a clause (but the last, cut off with the fixture's pages).
                for line in p.text.lines() {
                    let last = line.chars().last().unwrap_or('。');
                    assert!("。！？；：，、）”".contains(last), "{}: {line:?}", p.id);
                }
            }
        }
    }
}

#[test]
fn docx_law_reads_like_its_text() {
    let d = doc("中华人民共和国测试促进法");
    assert_eq!(d.meta.date.as_deref(), Some("2024-11-08"));
    assert_eq!(d.meta.format.as_deref(), Some("docx"));
    assert!(d.id.ends_with("-20241108"), "{}", d.id);
    assert_eq!(d.chapters().count(), 2);
    let texts: Vec<&str> = d.passages.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "第一条\u{3000}为了促进测试，制定本法。",
            "第二条\u{3000}本法所称测试，是指检验&校验。\n测试应当遵守法律。",
            "第三条\u{3000}本法自2025年1月1日起施行。",
        ]
    );
    // Word's recorded page break: 第二条 starts on page 1, 第三条 stands on page 2.
    assert_eq!(d.passages[2].pages, Some([2, 2]));
}

#[test]
fn web_page_main_text_and_metadata() {
    let d = doc("广州市人民政府办公厅关于进一步加强特困人员救助供养工作的通知");
    assert_eq!(d.meta.doc_number.as_deref(), Some("穗府办规〔2021〕7号"));
    assert_eq!(d.meta.body.as_deref(), Some("广州市人民政府办公厅"));
    assert_eq!(d.meta.doc_type.as_deref(), Some("通知"));
    assert_eq!(d.meta.format.as_deref(), Some("html"));
    let outline: Vec<&str> = d.outline.iter().map(|n| n.title.as_str()).collect();
    assert_eq!(
        outline,
        [
            "认定范围",
            "认定程序",
            "供养标准",
            "供养形式",
            "生活自理能力评估",
            "照料服务",
            "经费保障",
            "其他事宜"
        ]
    );
    for p in &d.passages {
        for nav in [
            "首页",
            "政务公开",
            "返回顶部",
            "统计代码",
            "网站标识码",
            "file_status",
        ] {
            assert!(!p.text.contains(nav), "{}: {nav} in {}", p.id, p.text);
        }
        assert!(
            p.citation.starts_with(
                "《广州市人民政府办公厅关于进一步加强特困人员救助供养工作的通知》（穗府办规〔2021〕7号）"
            ),
            "{}",
            p.citation
        );
    }
    assert!(d.passages.iter().any(|p| {
        p.text
            .contains("特困人员基本生活标准按本市最低生活保障标准的1.6倍")
    }));
}

#[test]
fn report_outline_of_parts() {
    let d = doc("2024年北京市政府工作报告");
    let parts: Vec<(&str, &str)> = d
        .outline
        .iter()
        .map(|n| (n.label.as_str(), n.title.as_str()))
        .collect();
    assert_eq!(
        parts,
        [("一、", "2023年工作回顾"), ("二、", "2024年重点任务")]
    );
    assert_eq!(d.outline[0].pages, Some([1, 2]));
    assert!(d.meta.printed_pages.is_empty());
}

/// The page span `cite` gives a quote, and its citation.
fn cite(text: &str) -> ([u32; 2], String) {
    let r = zhengce::cite::cite(&LOADED.engine, text).expect("cite");
    assert!(r.exact, "{text}: not found");
    let m = &r.matches[0];
    (m.pages.expect("pages"), m.citation.clone())
}

#[test]
fn cite_gives_the_physical_pdf_page() {
    // Pages found with `pdftotext -f N -l N` on the fixtures.
    let (pages, citation) = cite("已满七十五周岁的人故意犯罪的，可以从轻或者减轻处罚");
    assert_eq!(pages, [3, 3]);
    assert!(
        citation.ends_with("（《中华人民共和国刑法》第十七条之一，第3页）"),
        "{citation}"
    );
    assert_eq!(
        cite("被判处有期徒刑以上刑罚的犯罪分子，刑罚执行完毕或者赦免以后").0,
        [4, 4]
    );
    assert_eq!(cite("犯罪嫌疑人虽不具有前两款规定的自首情节").0, [5, 5]);
    // Across page breaks.
    assert_eq!(
        cite("民营经济人士健康成长，构建高水平社会主义市场经济体制").0,
        [1, 2]
    );
    assert_eq!(cite("建立促进民营经济发展工作协调机制").0, [2, 3]);
    assert_eq!(cite("京雄高速全线通车，津兴城际铁路开通运行").0, [1, 1]);
    let (pages, citation) = cite("今年政府工作的总体要求是");
    assert_eq!(pages, [2, 2]);
    assert!(
        citation.ends_with("（《2024年北京市政府工作报告》二，第2页）"),
        "{citation}"
    );
}
