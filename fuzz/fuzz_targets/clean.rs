//! Cleaning any text: no panic; the edits rebuild the cleaned text from the raw text; kept
//! text maps to identical raw text; offsets stay in bounds; cleaning is idempotent.
#![no_main]
use copydesk::clean::{CleanOptions, DocumentHints, clean};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else { return };
    let opts = CleanOptions::default();
    let c = clean(raw, DocumentHints::default(), &opts, None);
    let mut rebuilt = String::new();
    let mut pos = 0;
    for e in &c.edits {
        assert!(pos <= e.raw.start && e.raw.start <= e.raw.end && e.raw.end <= raw.len());
        rebuilt.push_str(&raw[pos..e.raw.start]);
        rebuilt.push_str(&e.replacement);
        pos = e.raw.end;
    }
    rebuilt.push_str(&raw[pos..]);
    assert_eq!(rebuilt, c.text);
    for s in c.alignment.segments.iter().filter(|s| s.kept) {
        assert_eq!(&raw[s.raw.clone()], &c.text[s.clean.clone()]);
    }
    for r in c.paragraphs.iter().chain(&c.sentences()) {
        assert!(r.start <= r.end && r.end <= c.text.len() && c.text.is_char_boundary(r.start));
    }
    let again = clean(&c.text, DocumentHints::default(), &opts, None);
    assert_eq!(again.text, c.text, "cleaning is idempotent");
});
