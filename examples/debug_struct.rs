//! Debug: the structure stage's edits for one file.
use copydesk::clean::structure::{Hints, structure};

fn main() {
    let path = std::env::args().nth(1).expect("path");
    let raw = std::fs::read_to_string(&path).unwrap();
    let (edits, found) = structure(&raw, Hints::default());
    for e in &edits {
        eprintln!("{:?} {} {:?}", e.range, e.rule, &raw[e.range.clone()]);
    }
    eprintln!("{found:?}");
}
