//! Decoding under every policy: no panic; repairs index the decoded text; strict fails
//! exactly on invalid UTF-8; repair loses no byte.
#![no_main]
use copydesk::decode::{DecodePolicy, decode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let valid = std::str::from_utf8(data).is_ok();
    assert_eq!(decode(data, DecodePolicy::Strict).is_ok(), valid);
    for policy in [DecodePolicy::Repair, DecodePolicy::Replace] {
        let d = decode(data, policy).expect("lenient policies never fail");
        let chars: Vec<char> = d.text.chars().collect();
        let mut invalid = 0;
        for run in &d.repairs {
            assert!(run.span.end <= chars.len());
            let shown: String = chars[run.span.start..run.span.end].iter().collect();
            if policy == DecodePolicy::Repair {
                assert_eq!(shown, run.replacement);
            }
            invalid += run.bytes.len();
        }
        assert_eq!(valid, invalid == 0);
    }
});
