//! Builds the whole DFAs of the built-in patterns (`src/clean/builtin_patterns.rs`) and writes
//! them, in the target's byte order, where the crate loads them from (`OUT_DIR`): built at run
//! time they cost every process 30 ms.

use std::path::PathBuf;

#[allow(dead_code)]
#[path = "src/clean/builtin_patterns.rs"]
mod builtin_patterns;

fn main() {
    println!("cargo::rerun-if-changed=src/clean/builtin_patterns.rs");
    println!("cargo::rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let big_endian = std::env::var("CARGO_CFG_TARGET_ENDIAN").is_ok_and(|e| e == "big");
    for (file, dfa) in
        [("rules.dfa", builtin_patterns::rules_dfa()), ("dateline_prefix.dfa", builtin_patterns::dateline_prefix_dfa())]
    {
        let (bytes, padding) = if big_endian { dfa.to_bytes_big_endian() } else { dfa.to_bytes_little_endian() };
        std::fs::write(out.join(file), &bytes[padding..]).expect("OUT_DIR is writable");
    }
}
