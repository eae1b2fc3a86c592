//! The built-in patterns whose DFAs `build.rs` builds whole and the crate loads: the
//! boilerplate rules (walked over a line's fold in `rule_starts`) and the fused dateline
//! (`structure`). Shared by the crate and its build script, so the two read one source.
//!
//! Why built at build time: built lazily, a DFA builds its states as texts first need them,
//! and every process built them again on a corpus's first texts (a tenth of the pipeline on
//! news_sample, and of the structure stage on FA-KES); built whole when the process starts,
//! the two took 30 ms. Loaded from the bytes the build wrote, they take a fraction of a
//! millisecond.

use regex_automata::dfa::{StartKind, dense};
use regex_automata::{MatchKind, nfa::thompson, util::syntax};

/// A built-in boilerplate rule.
///
/// `pattern` is matched, anchored, at the start of the folded line (only its first
/// `WINDOW` bytes are looked at, so long lines cost nothing); the rule applies when the
/// line is at most `max_len` bytes long (folded). Patterns end in `$` where the whole line
/// must match.
#[derive(Debug, Clone, Copy)]
pub struct BuiltinRule {
    /// Rule id, as recorded on edits.
    pub id: &'static str,
    /// Regex over the start of the folded line.
    pub pattern: &'static str,
    /// Longest line (folded, bytes) the rule removes.
    pub max_len: usize,
    /// Why such a line goes.
    pub reason: &'static str,
}

/// The built-in rules, in the order they are reported.
pub const BUILTIN_RULES: &[BuiltinRule] = &[
    BuiltinRule {
        id: "share-widget",
        pattern: r"^(share|share this( article| story| post)?|share on (facebook|twitter|x|whatsapp|linkedin|telegram|reddit)|tweet( this)?|pin it|print( this)?( article| page)?|email( this)?( article)?|whatsapp|telegram|reddit|linkedin|facebook|twitter|save|bookmark)[:.!]?$",
        max_len: 60,
        reason: "share widget",
    },
    BuiltinRule {
        id: "comment-widget",
        pattern: r"^(facebook comments|comments?|\d+ comments?|leave a (comment|reply)|post a comment|view comments|show comments|add (a )?comment|comment on [^.]{0,80} facebook page|join the (discussion|conversation)|disqus comments)[:.!]?$",
        max_len: 140,
        reason: "comment widget",
    },
    BuiltinRule {
        id: "back-to-top",
        pattern: r"^(back to top( button)?|scroll to top|go to top|top of page|return to top)[.!]?$",
        max_len: 40,
        reason: "navigation widget",
    },
    BuiltinRule {
        id: "navigation",
        pattern: r"^(home|menu|search|next|previous|prev|next article|previous article|next post|previous post|skip to (main )?content|main menu|close|toggle navigation)$",
        max_len: 40,
        reason: "navigation widget",
    },
    BuiltinRule {
        id: "read-more",
        pattern: r"^(read more|continue reading|read the (full|rest of the) (article|story)|more on this( story)?|see also|related( articles| posts| stories| news| content| coverage)?|you may also like|recommended( for you)?|trending( now)?|most (read|popular|viewed)|latest news|more stories|don't miss|also read)\b",
        max_len: 120,
        reason: "read-more or related-links block",
    },
    BuiltinRule {
        id: "subscribe-prompt",
        pattern: r"^(subscribe|sign up|join (our|us)|get (our|the) (newsletter|daily|weekly)|follow us|like us on facebook|follow [^.]{1,60} on (twitter|facebook|instagram|telegram|x|youtube)|newsletter sign ?up)\b",
        max_len: 200,
        reason: "subscribe or follow prompt",
    },
    BuiltinRule { id: "click-here", pattern: r"^click here\b", max_len: 220, reason: "click-here prompt" },
    BuiltinRule {
        id: "donate-prompt",
        pattern: r"^(become a (member|patron|supporter) of|donate\b|support (us|our work|independent journalism)|please (support|donate|consider supporting)|make a donation)",
        max_len: 220,
        reason: "membership or donation prompt",
    },
    BuiltinRule {
        id: "affiliate-disclosure",
        pattern: r"^(as an amazon associate|(i|we) (may )?(receive|earn|get) (a )?(small )?(commission|compensation) (when|if|from|for)|this (post|article|page|site) (may )?contains? affiliate links|(affiliate )?disclosure: (this|i|we|some|the|our) )",
        max_len: 320,
        reason: "affiliate-link disclosure",
    },
    BuiltinRule {
        id: "copyright",
        pattern: r"^(copyright\b|©|\(c\) ?\d{4}|all rights reserved)",
        max_len: 320,
        reason: "copyright line",
    },
    BuiltinRule {
        id: "disclaimer",
        pattern: r"^(disclaimer:|the (views|opinions) expressed (in this|here)|the contents of this article are of sole responsibility)",
        max_len: 3000,
        reason: "disclaimer",
    },
    BuiltinRule {
        id: "original-source",
        pattern: r"^(the original source of this article is|this article (was )?(originally|first) (appeared|published)|(originally|first) published (by|on|at|in)\b|articles by:|republished (from|with permission)|((original|article) )?source\s*:\s*(https?://|www\.)\S+$)",
        max_len: 220,
        reason: "reprint attribution block",
    },
    BuiltinRule {
        id: "media-inquiries",
        pattern: r"^(for media inquiries|media (inquiries|contact)|contact us|(e-?mail|write to) us at)",
        max_len: 220,
        reason: "contact line",
    },
    BuiltinRule {
        id: "tag-list",
        pattern: r"^((tags?|topics?|categories|category|filed under|keywords|region|theme|in-depth report)\s*:|tags \S)",
        max_len: 320,
        reason: "tag or category list",
    },
    BuiltinRule {
        id: "advertisement",
        pattern: r"^(advertisement|advertisements|sponsored( content)?|promoted( content)?|ad|ads|loading(\.{1,3}|…)?)$",
        max_len: 30,
        reason: "advertisement or loading placeholder",
    },
    BuiltinRule {
        id: "photo-credit",
        pattern: r"^(((file )?photo|image|picture|photograph|video)( credit)?\s*[:©|/]|((featured|header|top) )?(photo|image|picture|photograph) (via|by|courtesy( of)?)\s)",
        max_len: 160,
        reason: "photo or video credit",
    },
    BuiltinRule {
        id: "cookie-notice",
        pattern: r"^(we use cookies|this (web)?site uses cookies|by (continuing|using) (to use )?this (web)?site)",
        max_len: 500,
        reason: "cookie notice",
    },
    BuiltinRule {
        id: "app-prompt",
        pattern: r"^(download (our|the) app|get the app|listen to (this|the) (article|story)|watch( the)? video|click to (play|enlarge|expand)|play video)\b",
        max_len: 120,
        reason: "app or player prompt",
    },
];

/// A built-in pattern over bytes: ASCII classes, word boundaries and case folding, and `\xFF`
/// for each character outside ASCII (which no ASCII line holds, as no ASCII line holds the
/// character). On an ASCII line it matches as the pattern does.
pub fn ascii_pattern(pattern: &str) -> String {
    let ascii: String =
        pattern.chars().map(|c| if c.is_ascii() { c.to_string() } else { r"\xFF".to_owned() }).collect();
    format!("(?-u){ascii}")
}

/// A month name, full or cut (`sep`, `sept`, `september`), and its dot; `MON` stands for the
/// capture group's name, one per date form.
const MONTH: &str = r"(?P<MON>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?";

/// A date in the forms datelines write it (`Tue Dec 13, 2016 22:11:53`, `7 December 2016`,
/// `Jul 012016`, `2016-12-13`): an optional weekday, the date, an optional time and zone.
pub fn date_pattern() -> String {
    let m = |k: usize| MONTH.replace("MON", &format!("m{k}"));
    format!(
        r"(?:(?P<wd>mon|tue|wed|thu|fri|sat|sun)[a-z]{{0,6}}\.?,?\s+)?(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+{m1},?\s+(?P<y1>\d{{4}})|{m2}\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})|{m3}\s+(?P<d3>\d{{2}})(?P<y3>(?:19|20)\d{{2}})|(?P<y4>\d{{4}})-(?P<mo4>\d{{2}})-(?P<d4>\d{{2}}))(?:,?\s+(?:at\s+)?(?P<time>\d{{1,2}}:\d{{2}}(?::\d{{2}})?)(?:\s*(?P<ampm>[ap]\.?m\.?))?)?(?:\s*(?:gmt|utc|est|edt|cet|cest|\+\d{{2}}:?\d{{2}}))?",
        m1 = m(1),
        m2 = m(2),
        m3 = m(3)
    )
}

/// A keyword before a dateline's date (`Date of publication`, `Last updated at`).
pub const DATE_KEYWORD: &str = r"(?P<kw>date of publication|first published|published|posted|last updated|updated|last modified)(?:\s+(?:on|at))?\s*:?\s*";

/// The start of a line with a dateline fused into it (the `structure` module's
/// `DATELINE_PREFIX`), with the regex flags `flags`.
pub fn dateline_prefix_source(flags: &str) -> String {
    format!(r"(?{flags})^\s*(?:{DATE_KEYWORD})?{}(?:\s*[,:|-])?\s+", date_pattern())
}

/// The DFA of every [`BUILTIN_RULES`] pattern ([`ascii_pattern`]), anchored, reporting every
/// rule that matches.
pub fn rules_dfa() -> dense::DFA<Vec<u32>> {
    let patterns: Vec<String> = BUILTIN_RULES.iter().map(|r| ascii_pattern(r.pattern)).collect();
    dense::Builder::new()
        .configure(dense::Config::new().match_kind(MatchKind::All).start_kind(StartKind::Anchored))
        .syntax(syntax::Config::new().utf8(false))
        .thompson(thompson::Config::new().utf8(false))
        .build_many(&patterns)
        .expect("built-in boilerplate patterns compile")
}

/// The DFA of [`dateline_prefix_source`] (Unicode, case-insensitive), anchored, with the
/// `regex` crate's syntax and match semantics (leftmost first): the same matches.
pub fn dateline_prefix_dfa() -> dense::DFA<Vec<u32>> {
    dense::Builder::new()
        .configure(dense::Config::new().start_kind(StartKind::Anchored))
        .build(&dateline_prefix_source("i"))
        .expect("dateline prefix DFA")
}
