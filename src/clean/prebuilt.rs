//! The DFAs `build.rs` builds from [`crate::clean::builtin_patterns`], loaded from the bytes it
//! wrote: checked, not built (a fraction of a millisecond, not 30).

use regex_automata::dfa::dense::DFA;

/// Bytes aligned as a DFA's tables are read (four at a time).
#[repr(C)]
pub(crate) struct Aligned<B: ?Sized> {
    pub(crate) align: [u32; 0],
    pub(crate) bytes: B,
}

/// The bytes `build.rs` wrote to `$file` in `OUT_DIR`, aligned.
macro_rules! prebuilt {
    ($file:literal) => {{
        static BYTES: &$crate::clean::prebuilt::Aligned<[u8]> = &$crate::clean::prebuilt::Aligned {
            align: [],
            bytes: *include_bytes!(concat!(env!("OUT_DIR"), "/", $file)),
        };
        BYTES
    }};
}
pub(crate) use prebuilt;

/// The DFA in `bytes`; made by `make` where they hold none this build reads (they always
/// do, as the build script wrote them for this target).
pub(crate) fn load(bytes: &'static Aligned<[u8]>, make: fn() -> DFA<Vec<u32>>) -> DFA<&'static [u32]> {
    if let Ok((dfa, _)) = DFA::from_bytes(&bytes.bytes) {
        return dfa;
    }
    let kept: &'static DFA<Vec<u32>> = Box::leak(Box::new(make()));
    kept.as_ref()
}

#[cfg(test)]
mod tests {
    use regex_automata::dfa::Automaton;

    use super::*;
    use crate::clean::builtin_patterns;

    #[test]
    fn the_built_dfas_load_as_the_patterns_make_them() {
        for (bytes, make) in [
            (prebuilt!("rules.dfa"), builtin_patterns::rules_dfa as fn() -> DFA<Vec<u32>>),
            (prebuilt!("dateline_prefix.dfa"), builtin_patterns::dateline_prefix_dfa),
        ] {
            let (loaded, read) = DFA::from_bytes(&bytes.bytes).expect("the build script's bytes load");
            assert_eq!(read, bytes.bytes.len());
            let made = make();
            let (expected, padding) = made.to_bytes_native_endian();
            assert_eq!(&expected[padding..], &bytes.bytes);
            assert_eq!(loaded.pattern_len(), made.pattern_len());
        }
    }
}
