//! The CSV loader on arbitrary bytes: no panic, counts add up, ids unique.
#![no_main]
use copydesk::load::csv::{CsvOptions, parse_csv};
use copydesk::load::{FieldMap, LoadOptions};
use copydesk::parallel::{Workers, no_checkpoint};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = LoadOptions { fields: FieldMap { text: "text".into(), ..FieldMap::default() }, ..LoadOptions::default() };
    if let Ok(loaded) = parse_csv(data, "fuzz.csv", CsvOptions::default(), &opts, &Workers::inline(), no_checkpoint) {
        let r = &loaded.report;
        assert_eq!(r.read, r.loaded + r.rejected.len());
        let ids: std::collections::HashSet<&str> = loaded.documents.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids.len(), loaded.documents.len());
    }
});
