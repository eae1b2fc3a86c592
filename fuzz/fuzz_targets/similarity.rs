//! Shingling and passage alignment on any pair of texts: no panic; passages lie inside
//! both texts.
#![no_main]
use copydesk::similarity::align::{AlignOptions, align};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let cut = text.char_indices().map(|(i, _)| i).nth(text.chars().count() / 2).unwrap_or(0);
    let (a, b) = text.split_at(cut);
    let opts = AlignOptions { min_words: 3, ..AlignOptions::default() };
    if let Ok(passages) = align(a, b, &opts) {
        for p in passages {
            assert!(p.a_start <= p.a_end && p.a_end <= a.chars().count().max(a.len()));
            assert!(p.b_start <= p.b_end && p.b_end <= b.chars().count().max(b.len()));
        }
    }
    let _ = align(a, a, &opts);
});
