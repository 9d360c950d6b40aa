fn main() {
    let raw = std::fs::read_to_string("corpus/special-regions-plan-2021.txt").unwrap();
    let doc = zhengce::corpus::parse_plan(&raw, "tese2021", &Default::default()).unwrap();
    for n in doc.nodes() { println!("{:?} {} {} {:?} {}", n.kind, n.label, n.title, n.pages, n.id); }
    for p in &doc.passages { println!("{} {:?} {:?} [{}] {}", p.id, p.pages, p.lead, p.text.chars().count(), p.text.chars().take(30).collect::<String>()); }
}
