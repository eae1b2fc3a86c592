//! Boilerplate: lines a news site adds around every article.
//!
//! Two layers:
//! * [`BUILTIN_RULES`]: a documented rule set for lines common to news sites (share and
//!   comment widgets, "Back to top", copyright and disclaimer blocks, "Read more", subscribe
//!   prompts, tag lists, "The original source of this article is …"). Each rule is a regex
//!   matched against the whole *folded* line ([`fold`]: lowercase, quotes/dashes/spaces
//!   folded), all compiled into one `RegexSet`; their automaton, walked over a line's first
//!   folded bytes, rules most lines out before that (`rule_starts`). Users add rules of
//!   their own ([`UserRule`]), matched against the line as it stands, and may disable
//!   built-in ones by id.
//! * [`BoilerplateProfile`]: learned from a corpus. Every document contributes the set of
//!   its folded lines (hashed with XXH3) to counts per group (its source, or the whole
//!   corpus); a line that recurs in at least `min_docs` documents and `min_share` of its
//!   group is boilerplate for that group. Counting is one pass, linear in corpus size, and
//!   [`LineCounts`] merge, so chunks (or workers) count separately and add up. Lines over
//!   `max_chars` are never learned. A stock background paragraph that an outlet repeats in
//!   many articles is learned like any other line: apply a profile for reading, and look for
//!   text reuse on text cleaned without one (or with such lines taken out of the profile).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::LazyLock;

use regex::{Regex, RegexSet};
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use crate::clean::builtin_patterns::ascii_pattern;
use crate::clean::unicode::fold;
use crate::error::{Error, Result};
use crate::text::{floor_char_boundary, trimmed};

/// Bytes of the folded line the built-in rules look at.
pub const WINDOW: usize = 240;

pub use crate::clean::builtin_patterns::{BUILTIN_RULES, BuiltinRule};

/// A rule that looks at the whole folded line, not its start.
struct AnywhereRule {
    id: &'static str,
    /// Found anywhere in the folded line.
    needle: &'static str,
    max_len: usize,
    reason: &'static str,
    /// A word of the needle: a line without it in any ASCII case (nor the Kelvin sign, if the
    /// word has a `k`) cannot match, and is not folded whole for this rule.
    word: &'static str,
}

/// Fair-use notices, "All rights reserved." at the end of a short line, and a short line
/// asking to click (its link gone: "Listen to the podcast: Click Here").
const ANYWHERE_RULES: [AnywhereRule; 3] = [
    AnywhereRule {
        id: "disclaimer",
        needle: "contains copyrighted material the use of which has not always been",
        max_len: 3000,
        reason: "fair-use notice",
        word: "copyrighted",
    },
    AnywhereRule {
        id: "copyright",
        needle: "all rights reserved",
        max_len: 240,
        reason: "copyright line",
        word: "rights",
    },
    AnywhereRule { id: "click-here", needle: "click here", max_len: 120, reason: "click-here prompt", word: "click" },
];

static BUILTIN_SET: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new(BUILTIN_RULES.iter().map(|r| r.pattern)).expect("built-in boilerplate patterns compile")
});

/// [`BUILTIN_SET`] with ASCII classes, word boundaries and case folding, over bytes: on an
/// ASCII line the same matches, from automata without Unicode classes (cheaper states to build
/// on a corpus's first lines, and to run). A non-ASCII character of a pattern (`©`, `…`)
/// becomes the byte `\xFF`, which no ASCII line holds, as no ASCII line holds the character.
static BUILTIN_SET_ASCII: LazyLock<regex::bytes::RegexSet> = LazyLock::new(|| {
    regex::bytes::RegexSet::new(BUILTIN_RULES.iter().map(|r| ascii_pattern(r.pattern)))
        .expect("built-in boilerplate patterns compile")
});

/// Every built-in rule as `(id, pattern, reason)`: the [`BUILTIN_RULES`] (patterns over the
/// start of the folded line, `^…`), then the anywhere rules (`ANYWHERE_RULES`), whose pattern (unanchored)
/// is found anywhere in a folded line no longer than the rule's limit.
pub fn rule_list() -> Vec<(&'static str, String, &'static str)> {
    let anchored = BUILTIN_RULES.iter().map(|r| (r.id, r.pattern.to_owned(), r.reason));
    anchored.chain(ANYWHERE_RULES.iter().map(|r| (r.id, regex::escape(r.needle), r.reason))).collect()
}

/// Compiles the built-in rules now rather than on the first line that needs them.
pub(crate) fn compile_patterns() {
    LazyLock::force(&BUILTIN_SET);
    LazyLock::force(&BUILTIN_SET_ASCII);
    LazyLock::force(&ANYWHERE_FINDERS);
    LazyLock::force(&ANYWHERE_WORDS);
    crate::clean::rule_starts::compile_patterns();
}

/// The built-in rule matching a line, if any (`disabled` lists rule ids switched off).
pub fn builtin_match(line: &str, disabled: &HashSet<String>) -> Option<BuiltinRule> {
    builtin_match_plain(&crate::clean::markup::plain(line), disabled)
}

/// Whether a line may fold to a text holding rule `i`'s [`AnywhereRule::word`], given the line
/// with its ASCII letters lowercased: it holds the word, or the Kelvin sign if the word has
/// a `k` (the one character outside ASCII whose fold is an ASCII letter alone; `İ` folds to
/// `i` and a combining dot, which no word has).
fn has_anywhere_word(lowercased: &[u8], i: usize) -> bool {
    ANYWHERE_WORDS[i].find(lowercased).is_some()
        || (ANYWHERE_RULES[i].word.contains('k') && finder!("\u{212A}".as_bytes()).find(lowercased).is_some())
}

/// Searchers for each [`AnywhereRule::word`], built once.
static ANYWHERE_WORDS: LazyLock<Vec<memchr::memmem::Finder<'static>>> =
    LazyLock::new(|| ANYWHERE_RULES.iter().map(|r| memchr::memmem::Finder::new(r.word)).collect());

thread_local! {
    /// A buffer for a line with its ASCII letters lowercased, reused from line to line.
    static LOWERCASED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The [`ANYWHERE_RULES`] that may match `plain` (trimmed, no longer than [`MAX_RULE_LEN`]) by
/// their words, among those `candidate` says may by length and switches.
fn anywhere_words(plain: &str, candidate: [bool; ANYWHERE_RULES.len()]) -> [bool; ANYWHERE_RULES.len()] {
    if !candidate.contains(&true) {
        return candidate;
    }
    LOWERCASED.with(|buf| {
        let mut owned = Vec::new();
        let mut borrowed = buf.try_borrow_mut();
        let buf = borrowed.as_deref_mut().unwrap_or(&mut owned);
        buf.clear();
        buf.extend_from_slice(plain.as_bytes());
        buf.make_ascii_lowercase();
        std::array::from_fn(|i| candidate[i] && has_anywhere_word(buf, i))
    })
}

/// Searchers for the [`ANYWHERE_RULES`] needles, built once.
static ANYWHERE_FINDERS: LazyLock<Vec<memchr::memmem::Finder<'static>>> =
    LazyLock::new(|| ANYWHERE_RULES.iter().map(|r| memchr::memmem::Finder::new(r.needle)).collect());

/// [`builtin_match`] of a line whose Markdown is already taken out ([`crate::clean::markup::plain`]).
pub fn builtin_match_plain(plain: &str, disabled: &HashSet<String>) -> Option<BuiltinRule> {
    let plain = trimmed(plain);
    // The longest line any rule removes; the folded form is never longer than the line.
    if plain.is_empty() || plain.len() > 3 * MAX_RULE_LEN {
        return None;
    }
    // Fold only what the rules look at; the full fold only for the few long-line rules.
    let cut = floor_char_boundary(plain, WINDOW + 64);
    // A line longer than the fold counts its own length. Past every rule's `max_len` but the
    // disclaimer's, only the disclaimer can match.
    let long = cut < plain.len();
    let may_match_rule =
        !long || plain.len() <= LONGEST_SHORT_RULE || (plain.len() <= MAX_RULE_LEN && may_start_a_disclaimer(plain));
    // The anywhere rules that may match: cheap tests first (a long line counts its own
    // length), then the rule's word; the line is folded whole only for a rule that passes.
    // A flag per rule, not a list: this runs for every line.
    let mut anywhere = anywhere_words(
        plain,
        std::array::from_fn(|i| {
            let rule = &ANYWHERE_RULES[i];
            !disabled.contains(rule.id) && (!long || plain.len() <= rule.max_len)
        }),
    );
    // Most lines are ruled out by their first few bytes, before the window is folded; the
    // walk names the rules that match (`None`: it cannot tell, the rule set's search does).
    let starts = if may_match_rule { crate::clean::rule_starts::rules_at_start(plain, cut) } else { Some(0) };
    let may_match_rule = starts != Some(0);
    if !may_match_rule && !anywhere.contains(&true) {
        return None;
    }
    let head = fold(&plain[..cut]);
    let end = floor_char_boundary(&head, WINDOW);
    let window = &head[..end];
    let whole = cut == plain.len() && end == head.len();
    let folded_len = if cut == plain.len() { head.len() } else { plain.len() };
    if may_match_rule {
        let applies = |r: &BuiltinRule| {
            folded_len <= r.max_len && (whole || !r.pattern.ends_with('$')) && !disabled.contains(r.id)
        };
        let hit = match starts {
            Some(rules) => {
                (0..BUILTIN_RULES.len()).filter(|i| rules >> i & 1 == 1).map(|i| BUILTIN_RULES[i]).find(applies)
            }
            None if window.is_ascii() => {
                BUILTIN_SET_ASCII.matches(window.as_bytes()).iter().map(|i| BUILTIN_RULES[i]).find(applies)
            }
            None => BUILTIN_SET.matches(window).iter().map(|i| BUILTIN_RULES[i]).find(applies),
        };
        if hit.is_some() {
            return hit;
        }
    }
    for (may, rule) in anywhere.iter_mut().zip(&ANYWHERE_RULES) {
        *may &= folded_len <= rule.max_len;
    }
    if !anywhere.contains(&true) {
        return None;
    }
    let folded = if cut == plain.len() { head } else { fold(plain) };
    (0..ANYWHERE_RULES.len())
        .find(|&i| {
            anywhere[i]
                && folded.len() <= ANYWHERE_RULES[i].max_len
                && ANYWHERE_FINDERS[i].find(folded.as_bytes()).is_some()
        })
        .map(|i| {
            let r = &ANYWHERE_RULES[i];
            BuiltinRule { id: r.id, pattern: r.needle, max_len: r.max_len, reason: r.reason }
        })
}

/// Whether `plain` (trimmed) can fold to a start of the disclaimer rule: `disc…`, or `the`, white
/// space and `v`, `o` or `c` (`the views`, `the opinions`, `the contents`), in any case. Most
/// long paragraphs start otherwise (many with `The`), and are then not folded. A character
/// outside ASCII where a letter or the space is due: maybe (folding maps every kind of white
/// space to one space).
fn may_start_a_disclaimer(plain: &str) -> bool {
    let b = plain.as_bytes();
    let starts = |w: &[u8]| b.get(..w.len()).is_some_and(|h| h.eq_ignore_ascii_case(w));
    if starts(b"disc") {
        return true;
    }
    if !starts(b"the") {
        return false;
    }
    let rest = &b[3..];
    // White space as folding has it (the vertical tab too).
    let space = rest.iter().take_while(|&&c| crate::text::is_white_space_byte(c)).count();
    match (rest.first(), rest.get(space)) {
        (Some(c), _) if !c.is_ascii() => true,
        (_, Some(c)) if space > 0 => !c.is_ascii() || matches!(c.to_ascii_lowercase(), b'v' | b'o' | b'c'),
        _ => false,
    }
}

/// The longest `max_len` of the built-in rules other than the disclaimer.
const LONGEST_SHORT_RULE: usize = 500;

/// The longest line a built-in rule removes.
const MAX_RULE_LEN: usize = 3000;

/// A user's rule: lines matching `pattern` (a Rust `regex`, linear-time, against the line as
/// it stands, without its newline) are removed and recorded under `id`.
#[derive(Debug, Clone)]
pub struct UserRule {
    /// Rule id recorded on edits.
    pub id: String,
    /// The compiled pattern.
    pub pattern: Regex,
    /// Why such a line goes.
    pub reason: String,
}

impl UserRule {
    /// Compiles a user rule; a bad pattern is an [`Error::InvalidValue`] naming it.
    pub fn new(id: &str, pattern: &str, reason: &str) -> Result<Self> {
        let compiled =
            regex::RegexBuilder::new(pattern).size_limit(1 << 22).build().map_err(|e| Error::InvalidValue {
                what: format!("pattern of rule {id:?}"),
                reason: format!("{pattern:?} is not a valid regex: {e}"),
            })?;
        Ok(UserRule { id: id.to_owned(), pattern: compiled, reason: reason.to_owned() })
    }
}

/// Hash of a folded line, as the profile stores it.
pub fn line_hash(line: &str) -> u64 {
    xxh3_64(fold(&crate::clean::markup::plain(line)).as_bytes())
}

/// The group of a document: its source under `by = "source"`, else the whole corpus.
pub const ALL: &str = "*";

/// The group of documents without a source, under `by = "source"`.
pub const NO_GROUP: &str = "(none)";

/// Learning parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LearnParams {
    /// A line must occur in at least this many documents of its group.
    pub min_docs: usize,
    /// ... and in at least this share of them.
    pub min_share: f64,
    /// Longer lines (folded, in bytes) are never learned.
    pub max_chars: usize,
}

impl Default for LearnParams {
    fn default() -> Self {
        LearnParams { min_docs: 5, min_share: 0.05, max_chars: 1000 }
    }
}

/// Mergeable line counts: per group, how many documents, and per folded line how many
/// documents of the group contain it (with the first text seen, for people to read).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LineCounts {
    /// Documents counted per group.
    pub groups: BTreeMap<String, usize>,
    /// `(group, hash)` → (documents, example line).
    pub lines: HashMap<(String, u64), (usize, String)>,
}

impl LineCounts {
    /// Counts one document's lines (each distinct folded line once) for `group`.
    pub fn add_document<'a>(&mut self, group: &str, lines: impl IntoIterator<Item = &'a str>, max_chars: usize) {
        *self.groups.entry(group.to_owned()).or_default() += 1;
        let mut seen = HashSet::new();
        for line in lines {
            let folded = fold(&crate::clean::markup::plain(line));
            if folded.is_empty() || folded.len() > max_chars {
                continue;
            }
            let hash = xxh3_64(folded.as_bytes());
            if seen.insert(hash) {
                let entry = self.lines.entry((group.to_owned(), hash)).or_insert_with(|| (0, line.trim().to_owned()));
                entry.0 += 1;
            }
        }
    }

    /// Adds another chunk's counts to these.
    pub fn merge(&mut self, other: LineCounts) {
        for (g, n) in other.groups {
            *self.groups.entry(g).or_default() += n;
        }
        for (k, (n, text)) in other.lines {
            self.lines.entry(k).and_modify(|e| e.0 += n).or_insert((n, text));
        }
    }

    /// The lines over the thresholds.
    pub fn into_profile(self, by: Option<String>, params: LearnParams) -> BoilerplateProfile {
        let mut lines: Vec<LearnedLine> = self
            .lines
            .into_iter()
            .filter_map(|((group, hash), (docs, text))| {
                let total = *self.groups.get(&group).unwrap_or(&0);
                let share = if total == 0 { 0.0 } else { docs as f64 / total as f64 };
                (docs >= params.min_docs && share >= params.min_share).then_some(LearnedLine {
                    group,
                    hash,
                    text,
                    docs,
                })
            })
            .collect();
        lines.sort_by(|a, b| a.group.cmp(&b.group).then(b.docs.cmp(&a.docs)).then(a.text.cmp(&b.text)));
        BoilerplateProfile { version: PROFILE_VERSION, by, params, groups: self.groups, lines }
    }
}

/// Line counts with the settings they were counted under: what workers or chunks learn
/// separately, send to one another (as bytes) and merge, before one profile is drawn.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CountsState {
    /// Whether documents were grouped by source (else one group, `*`).
    pub by_source: bool,
    /// Longest line counted (folded, bytes).
    pub max_chars: usize,
    /// The counts.
    pub counts: LineCounts,
}

const COUNTS_MAGIC: &[u8; 8] = b"CDBPCNT1";

impl CountsState {
    /// Adds `other`'s counts after these (first-seen example lines stay those of `self`, so
    /// merging in document order gives the profile of one pass); the settings must agree.
    pub fn merge(&mut self, other: CountsState) -> Result<()> {
        if (self.by_source, self.max_chars) != (other.by_source, other.max_chars) {
            return Err(Error::InvalidValue {
                what: "boilerplate counts".into(),
                reason: format!(
                    "counted with by_source={}, max_chars={} and by_source={}, max_chars={}: not mergeable",
                    self.by_source, self.max_chars, other.by_source, other.max_chars
                ),
            });
        }
        self.counts.merge(other.counts);
        Ok(())
    }

    /// A compact binary form (postcard, after a magic tag).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = COUNTS_MAGIC.to_vec();
        out.extend(postcard::to_allocvec(self).expect("counts serialise"));
        out
    }

    /// Reads [`CountsState::to_bytes`] output; anything else is an [`Error::InvalidValue`].
    pub fn from_bytes(data: &[u8]) -> Result<Self> {
        let bad = |reason: String| Error::InvalidValue { what: "boilerplate counts".into(), reason };
        let body =
            data.strip_prefix(COUNTS_MAGIC.as_slice()).ok_or_else(|| bad("not copydesk boilerplate counts".into()))?;
        postcard::from_bytes(body).map_err(|e| bad(format!("corrupt data: {e}")))
    }

    /// The profile under thresholds `min_docs` and `min_share`.
    pub fn to_profile(&self, min_docs: usize, min_share: f64) -> BoilerplateProfile {
        let params = LearnParams { min_docs: min_docs.max(1), min_share, max_chars: self.max_chars };
        self.counts.clone().into_profile(self.by_source.then(|| "source".to_owned()), params)
    }
}

/// One learned boilerplate line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnedLine {
    /// The group (a source, or `*`).
    pub group: String,
    /// XXH3 of the folded line.
    pub hash: u64,
    /// An example of the line as it appeared.
    pub text: String,
    /// Documents of the group that contain it.
    pub docs: usize,
}

/// The version written into saved profiles.
pub const PROFILE_VERSION: u32 = 1;

/// Boilerplate learned from a corpus: inspect, edit, save as JSON, load, apply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoilerplateProfile {
    /// Format version.
    pub version: u32,
    /// The document field that formed groups (`source`), or none (one group, `*`).
    pub by: Option<String>,
    /// The thresholds used.
    pub params: LearnParams,
    /// Documents counted per group.
    pub groups: BTreeMap<String, usize>,
    /// The learned lines.
    pub lines: Vec<LearnedLine>,
}

impl BoilerplateProfile {
    /// The rule-matching index: `(group, hash)` pairs.
    pub fn index(&self) -> HashSet<(String, u64)> {
        self.lines.iter().map(|l| (l.group.clone(), l.hash)).collect()
    }

    /// A profile from its JSON; a wrong or corrupted file is an [`Error::InvalidValue`].
    pub fn from_json(data: &str) -> Result<Self> {
        let profile: BoilerplateProfile = serde_json::from_str(data).map_err(|e| Error::InvalidValue {
            what: "boilerplate profile".into(),
            reason: format!("not a copydesk boilerplate profile: {e}"),
        })?;
        if profile.version != PROFILE_VERSION {
            return Err(Error::InvalidValue {
                what: "boilerplate profile".into(),
                reason: format!("format version {} (this copydesk reads {PROFILE_VERSION})", profile.version),
            });
        }
        for line in &profile.lines {
            if line.hash != line_hash(&line.text) {
                return Err(Error::InvalidValue {
                    what: "boilerplate profile".into(),
                    reason: format!("line {:?} does not match its hash (edited by hand? use the text only)", line.text),
                });
            }
        }
        Ok(profile)
    }

    /// The profile as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("profile serialises")
    }
}

/// A compiled profile for matching lines quickly.
#[derive(Debug, Clone, Default)]
pub struct ProfileMatcher {
    index: HashSet<(String, u64)>,
    by_group: bool,
}

impl ProfileMatcher {
    /// Compiles a profile.
    pub fn new(profile: &BoilerplateProfile) -> Self {
        ProfileMatcher { index: profile.index(), by_group: profile.by.is_some() }
    }

    /// Whether `line` is learned boilerplate for a document of `group` (its source).
    pub fn matches(&self, line: &str, group: Option<&str>) -> bool {
        if self.index.is_empty() {
            return false;
        }
        let hash = line_hash(line);
        if self.index.contains(&(ALL.to_owned(), hash)) {
            return true;
        }
        self.by_group && self.index.contains(&(group.unwrap_or(NO_GROUP).to_owned(), hash))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`builtin_match_plain`] without its first-bytes walk and word searches: the window
    /// folded and searched on every line, every anywhere rule looked for in every line's
    /// whole fold. (Its tests of long lines, which have tests of their own, are kept.)
    fn builtin_match_everywhere(plain: &str, disabled: &HashSet<String>) -> Option<BuiltinRule> {
        let plain = plain.trim();
        if plain.is_empty() || plain.len() > 3 * MAX_RULE_LEN {
            return None;
        }
        let cut = floor_char_boundary(plain, WINDOW + 64);
        let long = cut < plain.len();
        let may_match_rule = !long
            || plain.len() <= LONGEST_SHORT_RULE
            || (plain.len() <= MAX_RULE_LEN && may_start_a_disclaimer(plain));
        let head = fold(&plain[..cut]);
        let window = &head[..floor_char_boundary(&head, WINDOW)];
        let whole = cut == plain.len() && window.len() == head.len();
        let folded_len = if cut == plain.len() { head.len() } else { plain.len() };
        let applies = |r: &BuiltinRule| {
            folded_len <= r.max_len && (whole || !r.pattern.ends_with('$')) && !disabled.contains(r.id)
        };
        let matches: Vec<usize> = if window.is_ascii() {
            BUILTIN_SET_ASCII.matches(window.as_bytes()).into_iter().collect()
        } else {
            BUILTIN_SET.matches(window).into_iter().collect()
        };
        if let Some(hit) = matches.into_iter().map(|i| BUILTIN_RULES[i]).find(applies).filter(|_| may_match_rule) {
            return Some(hit);
        }
        let folded = fold(plain);
        ANYWHERE_RULES
            .iter()
            .find(|r| {
                !disabled.contains(r.id)
                    && (!long || plain.len() <= r.max_len)
                    && folded_len <= r.max_len
                    && folded.len() <= r.max_len
                    && folded.contains(r.needle)
            })
            .map(|r| BuiltinRule { id: r.id, pattern: r.needle, max_len: r.max_len, reason: r.reason })
    }

    #[test]
    fn built_in_rules_match_as_without_shortcuts() {
        let mut next = crate::test_rng::below(0x9B05_688C_2B3E_6C1F);
        // Starts of every rule, near misses, the anywhere needles and their words, and what
        // folding acts on: case, white space of every kind, curly quotes, the backtick, the
        // Kelvin sign, characters outside ASCII.
        let pieces = [
            "share",
            "Share this",
            "tweet",
            "print",
            "email",
            "comments",
            "Facebook Comments",
            "12 comments",
            "leave a reply",
            "comment on",
            "our facebook page",
            "Back to top",
            "button",
            "home",
            "next post",
            "skip to main content",
            "Read More",
            "continue reading",
            "see also",
            "related",
            "related stories",
            "don't miss",
            "don’t miss",
            "subscribe",
            "sign up",
            "follow",
            "on twitter",
            "like us on facebook",
            "click here",
            "Click Here",
            "clic\u{212A} here",
            "become a member of",
            "donate",
            "please support",
            "as an amazon associate",
            "we may earn a commission when",
            "disclosure: this",
            "copyright",
            "©",
            "(c) 2016",
            "(c)2016",
            "all rights reserved",
            "ALL RIGHTS RESERVED",
            "rights",
            "copyrighted",
            "this site contains copyrighted material the use of which has not always been",
            "disclaimer:",
            "the views expressed in this",
            "the opinions expressed here",
            "the contents of this article are of sole responsibility",
            "the original source of this article is",
            "first published on",
            "originally published by",
            "source: http://x.org/a",
            "source : www.x",
            "for media inquiries",
            "contact us",
            "write to us at",
            "tags:",
            "tags syria",
            "in-depth report:",
            "region:",
            "theme",
            "advertisement",
            "ads",
            "ad",
            "loading...",
            "loading…",
            "photo:",
            "file photo |",
            "image via",
            "photograph courtesy of",
            "we use cookies",
            "by continuing to use this site",
            "download our app",
            "watch video",
            "play video",
            "The",
            "the",
            "army",
            "Aleppo",
            "said",
            "on",
            "the",
            "a",
            "in",
            "it",
            "1",
            "2016",
            ".",
            ":",
            "!",
            "|",
            "-",
            "—",
            " ",
            " ",
            " ",
            "  ",
            "\t",
            "\u{a0}",
            "\u{2003}",
            "\n",
            "`",
            "’",
            "“",
            "é",
            "İ",
            "K",
            "ẞ",
            "\u{1c}",
            "x",
        ];
        let filler = "Government forces advanced on the eastern districts of the city on Tuesday. ";
        let (mut hits, mut misses, mut long) = (0, 0, 0);
        let none = HashSet::new();
        let some: HashSet<String> = ["copyright", "share-widget"].into_iter().map(str::to_owned).collect();
        for round in 0..150_000 {
            let mut line = String::new();
            for _ in 0..next(9) {
                let piece = pieces[next(pieces.len())];
                match next(4) {
                    0 => line.push_str(&piece.to_uppercase()),
                    1 => line.push_str(&piece.to_lowercase()),
                    _ => line.push_str(piece),
                }
            }
            // Lines past the rules' limits and the window: 240, 304, 500 and 3,000 bytes.
            if next(5) == 0 {
                let n = [3, 4, 6, 40][next(4)];
                let at = if next(2) == 0 { 0 } else { line.len() };
                line.insert_str(at, &filler.repeat(n));
                long += 1;
            }
            let disabled = if round % 7 == 0 { &some } else { &none };
            let expected = builtin_match_everywhere(&line, disabled);
            assert_eq!(builtin_match_plain(&line, disabled).map(|r| r.id), expected.map(|r| r.id), "{line:?}");
            if expected.is_some() { hits += 1 } else { misses += 1 }
        }
        assert!(hits > 20_000 && misses > 20_000 && long > 20_000, "{hits} {misses} {long}");
    }

    #[test]
    fn the_ascii_rule_set_matches_as_the_unicode_one_on_ascii_lines() {
        let mut next = crate::test_rng::below(0x2B7D_91C3_4E06_A5F8);
        let parts = [
            "share",
            "this",
            "comment",
            "comments",
            "on",
            "facebook",
            "page",
            "follow",
            "us",
            "twitter",
            "back",
            "to",
            "top",
            "read",
            "more",
            "copyright",
            "(c)",
            "2016",
            "12",
            "all rights reserved",
            "tags",
            "photo",
            "image",
            "credit",
            "loading",
            "subscribe",
            "click",
            "here",
            "we",
            "use",
            "cookies",
            "advertisement",
            "the",
            "original",
            "source",
            "of",
            "article",
            "is",
            "https://",
            "www.",
            "featured",
            "image",
            "via",
            "courtesy",
            "x",
            "_",
            " ",
            " ",
            " ",
            ":",
            ".",
            "!",
            "/",
            "|",
            "...",
        ];
        let mut hits = 0;
        for _ in 0..40_000 {
            let window: String = crate::test_rng::joined(&mut next, &parts, 7);
            let unicode: Vec<usize> = BUILTIN_SET.matches(&window).into_iter().collect();
            let ascii: Vec<usize> = BUILTIN_SET_ASCII.matches(window.as_bytes()).into_iter().collect();
            assert_eq!(unicode, ascii, "{window:?}");
            hits += usize::from(!unicode.is_empty());
        }
        assert!(hits > 1_500, "{hits}");
    }

    #[test]
    fn a_line_the_disclaimer_test_passes_over_never_folds_to_a_disclaimer() {
        let mut next = crate::test_rng::below(0x5BE0_CD19_137E_2179);
        let pick = |next: &mut dyn FnMut(usize) -> usize, options: &[&'static str]| options[next(options.len())];
        let disclaimer = BUILTIN_RULES.iter().find(|r| r.id == "disclaimer").expect("the disclaimer rule");
        let pattern = Regex::new(disclaimer.pattern).expect("the disclaimer pattern");
        let (mut passed_over, mut hits) = (0, 0);
        for _ in 0..60_000 {
            // A start near each form of the rule (its words in any case, every kind of space
            // between them), then anything.
            let line = [
                pick(&mut next, &["", "", "Disclaimer: ", "DISC", "x "]),
                pick(&mut next, &["The", "the", "THE", "They", "Thé", "Dis"]),
                pick(&mut next, &[" ", "  ", "\t", "\u{b}", "\u{a0}", "\u{2003} ", " \u{a0}", "", "-", "’"]),
                pick(&mut next, &["views", "Views", "opinions", "OPINIONS", "contents", "Contents", "cats", "’views"]),
                pick(
                    &mut next,
                    &[
                        " expressed in this",
                        " expressed here",
                        " of this article are of sole responsibility",
                        "\u{a0}expressed  here",
                        " x",
                    ],
                ),
                pick(&mut next, &["", " of the author.", " é"]),
            ]
            .concat();
            let line = line.trim();
            let matches = pattern.is_match(&fold(line));
            hits += usize::from(matches);
            if !may_start_a_disclaimer(line) {
                passed_over += 1;
                assert!(!matches, "{line:?}");
            }
        }
        assert!(hits > 3_000 && passed_over > 20_000, "{hits} {passed_over}");
    }

    #[test]
    fn builtin_rules_match_the_seed_debris() {
        let none = HashSet::new();
        for (line, id) in [
            ("Facebook Comments", "comment-widget"),
            ("Back to top button", "back-to-top"),
            ("The original source of this article is [Fars News](#)", "original-source"),
            ("Copyright © [Fars News Agency](#), [Fars News](#), 2016", "copyright"),
            ("[**Comment on Global Research Articles on our Facebook page**](#)", "comment-widget"),
            ("[**Become a Member of Global Research**](#)", "donate-prompt"),
            ("Region: [Middle East & North Africa](#)", "tag-list"),
            ("In-depth Report: [SYRIA](#)", "tag-list"),
            ("Subscribe to our newsletter for FREE", "subscribe-prompt"),
            ("For media inquiries: publications@globalresearch.ca", "media-inquiries"),
            ("Disclaimer: The contents of this article are of sole responsibility of the author(s).", "disclaimer"),
            (
                "I receive a small commission when you purchase an item through my links at no additional cost to you – and I thank you.",
                "affiliate-disclosure",
            ),
            ("As an Amazon Associate I earn from qualifying purchases.", "affiliate-disclosure"),
            ("This post may contain affiliate links.", "affiliate-disclosure"),
            ("Source: https://www.sgtreport.com/articles/2018/1/25/usa-dollar-tanks", "original-source"),
            ("Featured Image via Getty Images/Drew Angerer", "photo-credit"),
            ("Photo courtesy of SANA", "photo-credit"),
            ("(To Donate to USAWatchdog.com Click Here)", "click-here"),
            ("Listen to the Podcast Audio: Click Here", "click-here"),
        ] {
            let got = builtin_match(line, &none);
            assert_eq!(got.map(|r| r.id), Some(id), "{line}");
        }
        for line in [
            "The Syrian army liberated 16 districts.",
            "Share prices fell sharply on Monday after the deal.",
            "We receive commission reports from the ministry every month.",
            "Disclosure: rules for lobbyists were tightened in 2016.",
            "Source: officials in Aleppo said https://x.org was down.",
            "Sources: the ministry and https://sana.sy",
            "Photos by the dozen were shared online after the attack.",
        ] {
            assert!(builtin_match(line, &none).is_none(), "{line}");
        }
        let disabled: HashSet<String> = ["comment-widget".to_owned()].into();
        assert!(builtin_match("Facebook Comments", &disabled).is_none());
    }

    #[test]
    fn only_the_disclaimer_rule_is_longer_than_the_short_rules() {
        for r in BUILTIN_RULES {
            assert!(r.max_len <= LONGEST_SHORT_RULE || r.id == "disclaimer", "{}", r.id);
            if r.max_len > LONGEST_SHORT_RULE {
                assert!(r.max_len <= MAX_RULE_LEN);
                // Its matches start with a `d` or a `t` (the prefilter in builtin_match_plain):
                // every top-level alternative of `^(...)` does.
                let inner = r.pattern.strip_prefix("^(").expect("anchored group");
                let mut depth = 0;
                let mut starts = vec![0];
                for (i, c) in inner.char_indices() {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        '|' if depth == 0 => starts.push(i + 1),
                        _ => {}
                    }
                }
                for s in starts {
                    assert!(inner[s..].starts_with('d') || inner[s..].starts_with('t'), "{}", &inner[s..]);
                }
            }
        }
        for rule in &ANYWHERE_RULES {
            assert!(rule.needle.contains(rule.word), "{}", rule.needle);
        }
        let words = |line: &str| anywhere_words(line, [true; ANYWHERE_RULES.len()]);
        assert_eq!(words("All Rights Reserved"), [false, true, false]);
        assert_eq!(words("COPYRIGHTED material"), [true, false, false]);
        assert_eq!(words("CopyRighted, all RIGHTS; CLICK"), [true, true, true]);
        assert_eq!(words("Copyright 2016, the right side; clic"), [false, false, false]);
        // The Kelvin sign folds to `k`.
        assert_eq!(words("Clic\u{212A} here"), [false, false, true]);
        assert!(builtin_match("Clic\u{212A} here", &HashSet::new()).is_some_and(|r| r.id == "click-here"));
        assert_eq!(anywhere_words("All rights reserved", [false, true, true]), [false, true, false]);
        assert_eq!(anywhere_words("All rights reserved", [false, false, true]), [false, false, false]);
    }

    #[test]
    fn learning_counts_merge_and_threshold() {
        let docs = [
            ("a", "Intro\nFollow FNA\nx1"),
            ("a", "Other\nFollow FNA\nx2"),
            ("a", "Third\nFollow  FNA\nx3"),
            ("b", "Follow FNA"),
        ];
        let mut left = LineCounts::default();
        let mut right = LineCounts::default();
        for (i, (g, t)) in docs.iter().enumerate() {
            let counts = if i % 2 == 0 { &mut left } else { &mut right };
            counts.add_document(g, t.lines(), 300);
        }
        left.merge(right);
        let profile =
            left.into_profile(Some("source".into()), LearnParams { min_docs: 3, min_share: 0.5, max_chars: 300 });
        assert_eq!(profile.lines.len(), 1);
        assert_eq!((profile.lines[0].group.as_str(), profile.lines[0].docs), ("a", 3));
        let m = ProfileMatcher::new(&profile);
        assert!(m.matches("follow fna ", Some("a")));
        assert!(!m.matches("Follow FNA", Some("b")));
        let again = BoilerplateProfile::from_json(&profile.to_json()).unwrap();
        assert_eq!(again, profile);
        assert!(BoilerplateProfile::from_json("{}").is_err());
        assert!(BoilerplateProfile::from_json(&profile.to_json().replace("Follow FNA", "Follow X")).is_err());
    }

    #[test]
    fn counts_state_round_trips_and_refuses_other_settings() {
        let mut a = CountsState { by_source: true, max_chars: 300, counts: LineCounts::default() };
        a.counts.add_document("x", ["Follow FNA", "Body"], 300);
        let back = CountsState::from_bytes(&a.to_bytes()).unwrap();
        assert_eq!(back, a);
        assert!(CountsState::from_bytes(b"CDBPCNT1garbage").is_err());
        assert!(CountsState::from_bytes(b"nonsense").is_err());
        let other = CountsState { by_source: false, ..a.clone() };
        assert!(a.clone().merge(other).is_err());
        a.merge(back).unwrap();
        let profile = a.to_profile(2, 0.5);
        assert_eq!(profile.lines.len(), 2);
        assert_eq!(profile.by.as_deref(), Some("source"));
    }

    #[test]
    fn user_rules_compile_or_fail_with_the_pattern() {
        assert!(UserRule::new("mine", r"^Follow us on Gab", "widget").is_ok());
        let err = UserRule::new("bad", r"(unclosed", "x").unwrap_err().to_string();
        assert!(err.contains("bad") && err.contains("(unclosed"), "{err}");
    }
}
