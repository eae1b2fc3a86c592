//! Prints the cleaned sample articles (a developer's eyeball check).
use copydesk::clean::{CleanOptions, DocumentHints, clean};

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("python/copydesk/datasets/sample");
    let mut paths: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    for p in paths {
        let raw = std::fs::read_to_string(&p).unwrap();
        let c = clean(&raw, DocumentHints::default(), &CleanOptions::default(), None);
        eprintln!("===== {} title={:?} published={:?} byline={:?}", p.display(), c.title, c.published, c.byline);
        eprintln!("{}", c.text);
        for e in &c.edits {
            if e.rule != "whitespace" && e.rule != "space" {
                eprintln!(
                    "  - {} {:?} -> {:?}",
                    e.rule,
                    &raw[e.raw.clone()].chars().take(70).collect::<String>(),
                    e.replacement
                );
            }
        }
    }
}
