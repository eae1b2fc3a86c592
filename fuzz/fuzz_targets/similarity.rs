//! Shingling, MinHash and passage alignment on any pair of texts: no panic; shingle sets are
//! sorted and unique, overlap scores lie in [0, 1] and are symmetric, the signature is
//! deterministic, and passages lie inside both texts in character offsets.
#![no_main]
use copydesk::similarity::align::{AlignOptions, align};
use copydesk::similarity::minhash::MinHasher;
use copydesk::similarity::tokens::{ShingleKind, Shingling, intersection_size, overlap_scores};
use libfuzzer_sys::fuzz_target;

fn check_shingles(kind: ShingleKind, n: usize, a: &str, b: &str) {
    let shingling = Shingling::new(kind, n).expect("valid shingling");
    let (sa, sb) = (shingling.shingles(a), shingling.shingles(b));
    for s in [&sa, &sb] {
        assert!(s.windows(2).all(|w| w[0] < w[1]), "shingles must be sorted and unique");
    }
    let inter = intersection_size(&sa, &sb);
    assert_eq!(inter, intersection_size(&sb, &sa));
    let (j, ca, cb) = overlap_scores(sa.len(), sb.len(), inter);
    let (j2, cb2, ca2) = overlap_scores(sb.len(), sa.len(), inter);
    assert!((j - j2).abs() < 1e-12 && (ca - ca2).abs() < 1e-12 && (cb - cb2).abs() < 1e-12);
    for x in [j, ca, cb] {
        assert!((0.0..=1.0).contains(&x), "score {x} out of [0, 1]");
    }
    let hasher = MinHasher::new(shingling, 16, 1).expect("valid hasher");
    let (ga, gb) = (hasher.signature_of(a), hasher.signature_of(b));
    assert_eq!(ga, hasher.signature_of(a), "signatures are deterministic");
    let est = MinHasher::estimate(&ga, &gb);
    assert!((0.0..=1.0).contains(&est) && (est - MinHasher::estimate(&gb, &ga)).abs() < 1e-12);
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let cut = text.char_indices().map(|(i, _)| i).nth(text.chars().count() / 2).unwrap_or(0);
    let (a, b) = text.split_at(cut);
    check_shingles(ShingleKind::Words, 2, a, b);
    check_shingles(ShingleKind::Chars, 3, a, b);
    let opts = AlignOptions { min_words: 3, ..AlignOptions::default() };
    let (na, nb) = (a.chars().count(), b.chars().count());
    if let Ok(passages) = align(a, b, &opts) {
        for p in passages {
            assert!(p.a_start < p.a_end && p.a_end <= na, "passage outside text a");
            assert!(p.b_start < p.b_end && p.b_end <= nb, "passage outside text b");
            assert!((0.0..=1.0).contains(&p.score));
        }
    }
    let _ = align(a, a, &opts);
});
