//! Which built-in boilerplate rules a line starts as, told by walking their automaton.
//!
//! The rules ([`BUILTIN_RULES`]) are anchored at the start of the folded line, so the DFA of
//! all of them, walked over the line's fold a byte at a time, is dead after a few bytes
//! on almost every line: a paragraph starting "The army" is no rule once "the a" is read.
//! Walking it here, while folding, spares most lines the fold of the rules' whole window; the
//! match states met on the way name the rules that match, so the rule set's search (a second
//! automaton, its states built anew in each process) runs only where the walk cannot tell.
//! The DFA is built whole by `build.rs` and loaded from its bytes: built lazily, its states
//! were built again in every process as a corpus's first lines needed them, a tenth of the
//! pipeline's cost on news_sample.
//!
//! Characters are folded here as [`fold`] folds them (lowercase, white space runs to one
//! space, quotes and dashes to ASCII); the walk stops at the first character whose fold is
//! not ASCII. Up to there it is the walk of the rules' ASCII automaton, which agrees with the
//! Unicode one on ASCII bytes, over the very bytes the search would read.
//!
//! [`fold`]: crate::clean::unicode::fold

use std::sync::LazyLock;

use regex_automata::Anchored;
use regex_automata::dfa::Automaton;
use regex_automata::dfa::dense::DFA;
use regex_automata::util::primitives::StateID;
use regex_automata::util::start;

use crate::clean::boilerplate::{BUILTIN_RULES, WINDOW};
use crate::clean::unicode::fold_char;
use crate::clean::{builtin_patterns, prebuilt};
use crate::text::is_white_space_byte;

// A rule is a bit of a `u32`.
const _: () = assert!(BUILTIN_RULES.len() <= 32);

/// The built-in rules' DFA, as the ASCII rule set has them (every match, anchored), built by
/// `build.rs` ([`builtin_patterns::rules_dfa`]).
static RULES_DFA: LazyLock<DFA<&'static [u32]>> =
    LazyLock::new(|| prebuilt::load(prebuilt::prebuilt!("rules.dfa"), builtin_patterns::rules_dfa));

/// Loads the automaton now rather than on the first line.
pub(crate) fn compile_patterns() {
    LazyLock::force(&RULES_DFA);
}

/// The built-in rules (bit `i` for [`BUILTIN_RULES`]`[i]`) whose pattern matches the window of
/// `plain`'s fold (`plain` a line's plain form, trimmed) that
/// [`crate::clean::boilerplate::builtin_match_plain`] reads: the fold of its first `cut`
/// bytes, at most [`WINDOW`] bytes of it. As the rule set's search of that window finds them
/// (every pattern is anchored at the start), read by the walk instead. `None` where the walk
/// cannot tell: a character whose fold is not ASCII before the automaton is dead.
pub(crate) fn rules_at_start(plain: &str, cut: usize) -> Option<u32> {
    let text = &plain[..cut];
    let dfa = &*RULES_DFA;
    let mut state = dfa.start_state(&start::Config::new().anchored(Anchored::Yes)).ok()?;
    let mut matched = 0;
    let mut fed = 0;
    let mut space = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // What the fold makes of the character at `i`: a space, or ASCII bytes (up to two: a
        // lowercase form of two characters).
        let mut folded = [0u8; 2];
        let folded: &[u8] = if bytes[i].is_ascii() {
            let b = bytes[i];
            i += 1;
            if is_white_space_byte(b) {
                // A space is folded in only before what follows it.
                space = fed > 0;
                continue;
            }
            folded[0] = if b == b'`' { b'\'' } else { b.to_ascii_lowercase() };
            &folded[..1]
        } else {
            let c = text[i..].chars().next().expect("char boundary");
            i += c.len_utf8();
            let mapped = fold_char(c);
            if mapped == ' ' {
                space = fed > 0;
                continue;
            }
            let mut n = 0;
            for lower in mapped.to_lowercase() {
                if !lower.is_ascii() || n == folded.len() {
                    return None;
                }
                folded[n] = lower as u8;
                n += 1;
            }
            &folded[..n]
        };
        // The due space, if any, then the bytes.
        let due: &[u8] = if std::mem::take(&mut space) { b" " } else { b"" };
        for &byte in due.iter().chain(folded) {
            if fed == WINDOW {
                return Some(end(dfa, state, matched));
            }
            state = dfa.next_state(state, byte);
            fed += 1;
            if dfa.is_match_state(state) {
                matched |= patterns(dfa, state);
            }
            if dfa.is_dead_state(state) {
                return Some(matched);
            }
            if dfa.is_quit_state(state) {
                return None;
            }
        }
    }
    Some(end(dfa, state, matched))
}

/// The patterns a match state holds, as bits.
fn patterns(dfa: &DFA<&[u32]>, state: StateID) -> u32 {
    (0..dfa.match_len(state)).fold(0, |bits, k| bits | 1 << dfa.match_pattern(state, k).as_usize())
}

/// The end of the window: the matches there added.
fn end(dfa: &DFA<&[u32]>, state: StateID, matched: u32) -> u32 {
    let state = dfa.next_eoi_state(state);
    if dfa.is_match_state(state) { matched | patterns(dfa, state) } else { matched }
}
