//! Whether a line can start as a built-in boilerplate rule, told from its first bytes.
//!
//! The rules ([`BUILTIN_RULES`]) are anchored at the start of the folded line, so the lazy
//! DFA of all of them, walked over the line's fold a byte at a time, is dead after a few bytes
//! on almost every line: a paragraph starting "The army" is no rule once "the a" is read.
//! Walking it here, while folding, spares most lines the fold of the rules' whole window and
//! the search of the rule set. A line the walk cannot rule out goes to that search as before.
//!
//! Only ASCII is folded here (lowercase, white space runs to one space, the backtick to an
//! apostrophe, as [`fold`] does); the walk stops at the first other byte. Up to there it is
//! the walk of the rules' ASCII automaton, which agrees with the Unicode one on ASCII
//! bytes, over the very bytes the search would read.
//!
//! [`fold`]: crate::clean::unicode::fold

use std::cell::RefCell;
use std::sync::LazyLock;

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::util::start;
use regex_automata::{Anchored, MatchKind};

use crate::clean::boilerplate::{BUILTIN_RULES, WINDOW, ascii_pattern};
use crate::text::is_white_space_byte;

/// The built-in rules' lazy DFA, as the ASCII rule set has them (every match, anchored).
static RULES_DFA: LazyLock<DFA> = LazyLock::new(|| {
    let patterns: Vec<String> = BUILTIN_RULES.iter().map(|r| ascii_pattern(r.pattern)).collect();
    DFA::builder()
        .configure(DFA::config().match_kind(MatchKind::All))
        .syntax(regex_automata::util::syntax::Config::new().utf8(false))
        .thompson(regex_automata::nfa::thompson::Config::new().utf8(false))
        .build_many(&patterns)
        .expect("built-in boilerplate patterns compile")
});

thread_local! {
    /// Each thread's states of [`RULES_DFA`], built as lines need them.
    static CACHE: RefCell<Cache> = RefCell::new(RULES_DFA.create_cache());
}

/// Builds the automaton now rather than on the first line.
pub(crate) fn compile_patterns() {
    LazyLock::force(&RULES_DFA);
}

/// `false` when no built-in rule's pattern matches the start of `plain` (a line's plain form,
/// trimmed): the window of its fold that [`crate::clean::boilerplate::builtin_match_plain`]
/// searches (the fold of its first `cut` bytes, at most [`WINDOW`] bytes of it) holds no
/// match of any pattern. `true` when one may, or when the walk cannot tell (a byte outside
/// ASCII before the automaton is dead, a cache that gives up).
pub(crate) fn may_start_a_rule(plain: &str, cut: usize) -> bool {
    CACHE.with(|cache| match cache.try_borrow_mut() {
        Ok(mut cache) => walk(&plain.as_bytes()[..cut], &mut cache).unwrap_or(true),
        // Not reentered in practice; if it were, the search decides.
        Err(_) => true,
    })
}

/// The walk: `Some(false)` once the automaton is dead with no match seen, `Some(true)` at a
/// match, `None` where it cannot tell.
fn walk(bytes: &[u8], cache: &mut Cache) -> Option<bool> {
    let dfa = &*RULES_DFA;
    let mut state = dfa.start_state(cache, &start::Config::new().anchored(Anchored::Yes)).ok()?;
    let mut fed = 0;
    let mut space = false;
    for &b in bytes {
        if !b.is_ascii() {
            return None;
        }
        if is_white_space_byte(b) {
            // A space is folded in only before what follows it.
            space = fed > 0;
            continue;
        }
        let folded = [b' ', if b == b'`' { b'\'' } else { b.to_ascii_lowercase() }];
        // The due space, if any, then the byte.
        let out = if std::mem::take(&mut space) { &folded[..] } else { &folded[1..] };
        for &byte in out {
            if fed == WINDOW {
                return end(dfa, cache, state);
            }
            state = dfa.next_state(cache, state, byte).ok()?;
            fed += 1;
            if state.is_match() {
                return Some(true);
            }
            if state.is_dead() {
                return Some(false);
            }
            if state.is_quit() {
                return None;
            }
        }
    }
    end(dfa, cache, state)
}

/// The end of the window: a match there, or none at all.
fn end(dfa: &DFA, cache: &mut Cache, state: regex_automata::hybrid::LazyStateID) -> Option<bool> {
    let state = dfa.next_eoi_state(cache, state).ok()?;
    Some(state.is_match())
}
