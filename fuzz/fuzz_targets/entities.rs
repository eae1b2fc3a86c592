//! Tokenising, tagging and the news patterns on any text: no panic; every span is a
//! char-boundary range of the text.
#![no_main]
use std::sync::{Arc, OnceLock};

use copydesk::entities::extract::Extractor;
use copydesk::entities::gazetteer::Gazetteer;
use copydesk::entities::tagger::Model;
use libfuzzer_sys::fuzz_target;

fn extractor() -> &'static Extractor {
    static EXTRACTOR: OnceLock<Extractor> = OnceLock::new();
    EXTRACTOR.get_or_init(|| {
        let model = include_bytes!("../../python/copydesk/models/ner-conll2003.cdm");
        Extractor {
            model: Some(Arc::new(Model::from_bytes(model, "built-in model").expect("the shipped model loads"))),
            gazetteer: Some(Arc::new(Gazetteer::builtin())),
            dates: true,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for e in extractor().extract(text, Some("2016-12-13")) {
        assert!(e.start <= e.end && e.end <= text.len());
        assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end));
    }
    for f in copydesk::entities::patterns::figures(text) {
        assert!(text.get(f.start..f.end).is_some());
    }
    for q in copydesk::entities::patterns::quotes(text) {
        assert!(text.get(q.start..q.end).is_some());
    }
});
