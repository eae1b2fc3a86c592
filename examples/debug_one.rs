//! Debug: clean one file, print every edit in full and check the invariants.
use copydesk::clean::{CleanOptions, DocumentHints, clean};

fn main() {
    let path = std::env::args().nth(1).expect("path");
    let raw = std::fs::read_to_string(&path).unwrap();
    let c = clean(&raw, DocumentHints::default(), &CleanOptions::default(), None);
    let mut rebuilt = String::new();
    let mut pos = 0;
    for e in &c.edits {
        eprintln!(
            "{:>5}..{:<5} {:<18} {:?} -> {:?}",
            e.raw.start,
            e.raw.end,
            e.rule,
            &raw[e.raw.clone()],
            e.replacement
        );
        rebuilt.push_str(&raw[pos..e.raw.start]);
        rebuilt.push_str(&e.replacement);
        pos = e.raw.end;
    }
    rebuilt.push_str(&raw[pos..]);
    eprintln!("rebuilt == text: {}", rebuilt == c.text);
}
