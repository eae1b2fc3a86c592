//! The JSON Lines loader on arbitrary bytes: no panic, counts add up, ids unique.
#![no_main]
use copydesk::load::jsonl::parse_jsonl;
use copydesk::load::LoadOptions;
use copydesk::parallel::{Workers, no_checkpoint};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(loaded) = parse_jsonl(data, "fuzz.jsonl", &LoadOptions::default(), &Workers::inline(), no_checkpoint) {
        let r = &loaded.report;
        assert_eq!(r.read, r.loaded + r.rejected.len());
        let ids: std::collections::HashSet<&str> = loaded.documents.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids.len(), loaded.documents.len());
    }
});
