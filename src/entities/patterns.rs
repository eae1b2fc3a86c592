//! News patterns over raw text: dates, figures and quotations.
//!
//! * **Dates**: absolute forms (`15 December 2016`, `December 15`, `Dec. 15, 2016`,
//!   `2016-12-15`) and relative ones (`on Tuesday`, `last Thursday`, `yesterday`), resolved
//!   against the publication date when it is known: a weekday is the latest such day on or
//!   before publication (news speaks of the past week), a day without a year takes the
//!   publication's year.
//! * **Figures**: a number — digits with group separators, decimals, or number words
//!   (`eighteen`, `18 thousand`, `dozens`) — with its value, an optional qualifier in front
//!   (`at least`, `over`, `about`, `more than`, …) and the unit or counted noun after it
//!   (`percent`, `km`, `sq/km`, or the head noun of up to three words: `armed men`).
//! * **Quotations**: text between quotation marks (curly or straight), or from an opening
//!   mark to the end of its paragraph when the closing one is missing, with the cue verb and
//!   speaker from the attribution after (`…,” Shamir said`) or before (`X said: “…`) the quote.
//!
//! Each pattern is a compiled regex (built once) plus linear scanning: O(n) in the text.

use std::sync::LazyLock;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use regex::Regex;

/// A date mention: byte range, text and the ISO date it resolves to (when it does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMention {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// `YYYY-MM-DD`, `--MM-DD` (month and day without a known year), or `None`.
    pub iso: Option<String>,
}

/// A figure: a number with its qualifier and unit or counted noun.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The number's value (`18 thousand` → 18000).
    pub value: f64,
    /// Unit or counted noun (`percent`, `km`, `men`), if any.
    pub unit: Option<String>,
    /// Words between the number and the noun (`armed` in `1,500 armed men`).
    pub modifier: Option<String>,
    /// Qualifier (`at least`, `over`, `about`, …), lower case, if any.
    pub qualifier: Option<String>,
    /// First byte of the whole figure (qualifier included).
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
}

/// A quotation: the quoted text's byte range, and the attribution found around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// First byte inside the quotation marks.
    pub start: usize,
    /// One past the last byte inside them.
    pub end: usize,
    /// Byte range of the speaker phrase, if found.
    pub speaker: Option<(usize, usize)>,
    /// The cue verb (`said`, `told`, `according to`), if found.
    pub cue: Option<String>,
}

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month_of(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS.iter().position(|m| m.starts_with(&w) && (w.len() >= 3) && (w == *m || w.len() <= 4)).map(|p| p as u32 + 1)
}

static DATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    let month = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?";
    let wd = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
    Regex::new(&format!(
        r"\b(?:(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})|(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{month})(?:,?\s+(?P<y1>\d{{4}}))?|(?P<m2>{month})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y2>\d{{4}}))?|(?P<rel>(?:(?i:last|next|this)\s+)?(?P<wd>{wd})|(?i:yesterday|today))|(?P<m3>{month})\s+(?P<y3>\d{{4}}))\b"
    ))
    .expect("valid date regex")
});

fn weekday_of(word: &str) -> Option<Weekday> {
    word.to_lowercase().parse::<Weekday>().ok()
}

/// Date mentions in `text`, resolved against `published` (ISO 8601 date or date-time).
///
/// # Examples
/// ```
/// use copydesk::entities::patterns::dates;
/// let text = "On Tuesday, talks began; on December 15 they ended.";
/// let found = dates(text, Some("2016-12-16"));
/// assert_eq!(found[0].iso.as_deref(), Some("2016-12-13"));
/// assert_eq!(found[1].iso.as_deref(), Some("2016-12-15"));
/// ```
pub fn dates(text: &str, published: Option<&str>) -> Vec<DateMention> {
    let pubdate = published.and_then(|p| NaiveDate::parse_from_str(p.get(..10)?, "%Y-%m-%d").ok());
    let mut out = Vec::new();
    for c in DATE_RE.captures_iter(text) {
        let whole = c.get(0).expect("match");
        let iso = if let Some(m) = c.name("iso") {
            NaiveDate::parse_from_str(m.as_str(), "%Y-%m-%d").ok().map(|d| d.to_string())
        } else if let Some(wd) = c.name("wd") {
            let (Some(p), Some(target)) = (pubdate, weekday_of(wd.as_str())) else {
                out.push(DateMention { start: whole.start(), end: whole.end(), iso: None });
                continue;
            };
            let back = (7 + p.weekday().num_days_from_monday() - target.num_days_from_monday()) % 7;
            let next = whole.as_str().to_lowercase().starts_with("next");
            let d = if next {
                p + Duration::days(i64::from((7 - back) % 7).max(1))
            } else {
                p - Duration::days(i64::from(back))
            };
            Some(d.to_string())
        } else if let Some(rel) = c.name("rel") {
            let delta = i64::from(rel.as_str().eq_ignore_ascii_case("yesterday"));
            pubdate.map(|p| (p - Duration::days(delta)).to_string())
        } else {
            let (d, m, y) = if let Some(m) = c.name("m1") {
                (c.name("d1"), m, c.name("y1"))
            } else if let Some(m) = c.name("m2") {
                (c.name("d2"), m, c.name("y2"))
            } else if let Some(m) = c.name("m3") {
                (None, m, c.name("y3"))
            } else {
                continue;
            };
            let Some(month) = month_of(m.as_str()) else { continue };
            let year: Option<i32> = y.and_then(|y| y.as_str().parse().ok()).or_else(|| pubdate.map(|p| p.year()));
            match (d.and_then(|d| d.as_str().parse::<u32>().ok()), year) {
                (Some(day), Some(year)) => NaiveDate::from_ymd_opt(year, month, day).map(|d| d.to_string()),
                (Some(day), None) => (1..=31).contains(&day).then(|| format!("--{month:02}-{day:02}")),
                (None, Some(year)) => Some(format!("{year}-{month:02}")),
                (None, None) => None,
            }
        };
        // "May" alone is a verb; only dated forms get here, so keep them.
        out.push(DateMention { start: whole.start(), end: whole.end(), iso });
    }
    out
}

static FIGURE_RE: LazyLock<Regex> = LazyLock::new(|| {
    let qual = r"(?P<q>at\s+least|at\s+most|more\s+than|less\s+than|fewer\s+than|over|about|around|nearly|almost|up\s+to|no\s+more\s+than|no\s+larger\s+than|no\s+fewer\s+than|some|approximately|roughly|close\s+to|under|an\s+estimated|a\s+total\s+of|a\s+sum\s+of)";
    let words = r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|dozen";
    let scale = r"(?:\s*(?P<s>hundred|thousand|million|billion|bn|mn|k)\b)?";
    Regex::new(&format!(
        r"(?i:(?:\b{qual}\s+)?)(?P<n>\b\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\b\d+(?:\.\d+)?|\b(?i:hundreds|thousands|dozens|tens|millions)\b|\b(?i:(?:{words})(?:[\s-](?:{words}))*)\b){scale}(?P<u>\s*(?:%|(?i:percent|per\s+cent|sq\s*/\s*km|sq\.?\s*km|square\s+kilometers?|square\s+kilometres?|km|kilometers?|kilometres?|miles?|meters?|metres?|kg|tons?|tonnes?|dollars?|usd)\b))?"
    ))
    .expect("valid figure regex")
});

fn word_value(word: &str) -> Option<f64> {
    let v = match word {
        "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" | "tens" => 10,
        "eleven" => 11,
        "twelve" | "dozen" | "dozens" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        "twenty" => 20,
        "thirty" => 30,
        "forty" => 40,
        "fifty" => 50,
        "sixty" => 60,
        "seventy" => 70,
        "eighty" => 80,
        "ninety" => 90,
        "hundred" | "hundreds" => 100,
        "thousands" => 1000,
        "millions" => 1_000_000,
        _ => return None,
    };
    Some(f64::from(v))
}

fn number_value(raw: &str) -> Option<f64> {
    let r = raw.to_lowercase();
    if r.starts_with(|c: char| c.is_ascii_digit()) {
        return r.replace(',', "").parse().ok();
    }
    let mut total: f64 = 0.0;
    let mut current: f64 = 0.0;
    for w in r.split(|c: char| c.is_whitespace() || c == '-').filter(|w| !w.is_empty()) {
        let v = word_value(w)?;
        if w == "hundred" {
            current = current.max(1.0) * 100.0;
        } else {
            current += v;
        }
        total = current;
    }
    Some(total)
}

const STOP: &[&str] = &[
    "have", "has", "had", "were", "was", "are", "is", "will", "would", "to", "in", "of", "from", "and", "or", "who",
    "that", "which", "on", "at", "for", "by", "with", "the", "a", "an", "as", "since", "after", "before", "during",
    "into", "per", "than", "but", "been", "be", "left", "said", "lie", "go", "this", "it",
];

fn is_plural(w: &str) -> bool {
    const IRREGULAR: &[&str] =
        &["men", "women", "children", "people", "police", "wounded", "dead", "injured", "killed", "personnel", "staff"];
    IRREGULAR.contains(&w) || (w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("ous"))
}

static DATEISH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s*$").expect("valid regex")
});

/// Figures in `text`.
///
/// # Examples
/// ```
/// use copydesk::entities::patterns::figures;
/// let f = figures("over 3,000 militants and 18 thousand civilians, 98 percent");
/// assert_eq!((f[0].value, f[0].unit.as_deref(), f[0].qualifier.as_deref()), (3000.0, Some("militants"), Some("over")));
/// assert_eq!((f[1].value, f[1].unit.as_deref()), (18000.0, Some("civilians")));
/// assert_eq!((f[2].value, f[2].unit.as_deref()), (98.0, Some("percent")));
/// ```
pub fn figures(text: &str) -> Vec<Figure> {
    let mut out = Vec::new();
    for c in FIGURE_RE.captures_iter(text) {
        let whole = c.get(0).expect("match");
        let n = c.name("n").expect("number");
        let Some(mut value) = number_value(n.as_str()) else { continue };
        let scale = c.name("s").map(|s| s.as_str().to_lowercase());
        value *= match scale.as_deref() {
            Some("hundred") => 100.0,
            Some("thousand" | "k") => 1e3,
            Some("million" | "mn") => 1e6,
            Some("billion" | "bn") => 1e9,
            _ => 1.0,
        };
        let before = &text[..n.start()];
        let after = &text[whole.end()..];
        let is_digit = n.as_str().starts_with(|ch: char| ch.is_ascii_digit());
        // Dates and times are not figures: "December 15", "15 December", "2016", "10:30".
        let year_like =
            is_digit && n.as_str().len() == 4 && (1900.0..=2100.0).contains(&value) && c.name("u").is_none();
        let month_before = DATEISH.is_match(before) && is_digit;
        let month_after =
            after.trim_start().split(|ch: char| !ch.is_alphabetic()).next().is_some_and(|w| month_of(w).is_some());
        let clock = after.starts_with(':') || before.ends_with(':');
        let in_word = before.ends_with(|ch: char| ch.is_alphanumeric() || ch == '-' || ch == '.' || ch == '/')
            || (!is_digit && n.as_str().eq_ignore_ascii_case("one") && c.name("q").is_none() && scale.is_none());
        if year_like || month_before || (month_after && is_digit) || clock || in_word {
            continue;
        }
        let mut end = whole.end();
        let mut unit = c.name("u").map(|u| u.as_str().trim().to_lowercase());
        let mut modifier = None;
        if unit.is_none() {
            // The counted noun: up to three lower-case words, stopping at a function word.
            let mut words = Vec::new();
            let mut pos = whole.end();
            for _ in 0..3 {
                let rest = &text[pos..];
                let ws = rest.len() - rest.trim_start_matches([' ', '\t']).len();
                if ws == 0 && !words.is_empty() {
                    break;
                }
                let w: String = rest[ws..].chars().take_while(|ch| ch.is_alphabetic() || *ch == '-').collect();
                if w.is_empty()
                    || STOP.contains(&w.to_lowercase().as_str())
                    || w.chars().next().is_some_and(char::is_uppercase)
                {
                    break;
                }
                pos += ws + w.len();
                let plural = is_plural(&w.to_lowercase());
                words.push((w, pos));
                if plural {
                    break;
                }
            }
            if let Some((noun, e)) = words.last() {
                unit = Some(noun.to_lowercase());
                end = *e;
                if words.len() > 1 {
                    modifier =
                        Some(words[..words.len() - 1].iter().map(|(w, _)| w.as_str()).collect::<Vec<_>>().join(" "));
                }
            }
        }
        if !is_digit && unit.is_none() {
            continue;
        }
        let qualifier = c.name("q").map(|q| q.as_str().split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase());
        out.push(Figure { value, unit, modifier, qualifier, start: whole.start(), end });
    }
    out
}

const CUES: &[&str] = &[
    "said",
    "says",
    "told",
    "added",
    "stated",
    "noted",
    "stressed",
    "explained",
    "pointed out",
    "reiterated",
    "warned",
    "claimed",
    "wrote",
    "declared",
    "announced",
    "disclosed",
    "reported",
    "insisted",
    "argued",
    "emphasized",
    "emphasised",
    "underlined",
    "confirmed",
    "asserted",
    "according to",
    "quoted",
    "cited",
    "tweeted",
    "saying",
];

static AFTER_RE: LazyLock<Regex> = LazyLock::new(|| {
    let cue = CUES.join("|");
    Regex::new(&format!(
        r"^[\s,]*(?:(?P<cue1>{cue})\s+(?P<sp1>[^.,;:!?“”\x22\n]{{1,80}}?)(?:[.,;:!?\n]|\s+(?:on|in|at|to|that|adding|who|after|during)\b|$)|(?P<sp2>[^.,;:!?“”\x22\n]{{1,100}}?)\s+(?:has\s+|had\s+|also\s+|later\s+|earlier\s+)?(?P<cue2>{cue})\b)"
    ))
    .expect("valid attribution regex")
});

static BEFORE_RE: LazyLock<Regex> = LazyLock::new(|| {
    let cue = CUES.join("|");
    Regex::new(&format!(
        r"(?:^|[.;!?\n“”\x22]\s*)(?P<sp>[^.;!?“”\x22\n]{{1,100}}?)\s+(?:has\s+|had\s+|also\s+)?(?P<cue>{cue})(?:\s+[^.;:!?“”\x22\n]{{0,60}}?)?[\s,:]*$"
    ))
    .expect("valid attribution regex")
});

fn is_open(c: char) -> bool {
    matches!(c, '“' | '„' | '«')
}

fn is_close(c: char) -> bool {
    matches!(c, '”' | '»')
}

/// Quotations in `text` with their attribution.
///
/// # Examples
/// ```
/// use copydesk::entities::patterns::quotes;
/// let text = "“We will fight,” Shamir said. A source told RIA Novosti: \"They left.\"";
/// let q = quotes(text);
/// assert_eq!(&text[q[0].start..q[0].end], "We will fight,");
/// let (s, e) = q[0].speaker.unwrap();
/// assert_eq!((&text[s..e], q[0].cue.as_deref()), ("Shamir", Some("said")));
/// let (s, e) = q[1].speaker.unwrap();
/// assert_eq!(&text[s..e], "A source");
/// ```
#[allow(clippy::many_single_char_names)]
pub fn quotes(text: &str) -> Vec<Quote> {
    let mut spans: Vec<(usize, usize, usize)> = Vec::new(); // inner start, inner end, outer end
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (b, c) = chars[i];
        let straight = c == '"';
        if is_open(c) || straight {
            let start = b + c.len_utf8();
            let mut j = i + 1;
            let mut close = None;
            while j < chars.len() {
                let d = chars[j].1;
                if d == '\n' && j + 1 < chars.len() && !straight {
                    // A quote may run over paragraphs when the next one opens with a mark.
                    let next = chars[j + 1].1;
                    if !is_open(next) {
                        break;
                    }
                }
                if d == '"' || (!straight && is_close(d)) {
                    close = Some(j);
                    break;
                }
                if straight && d == '\n' {
                    break;
                }
                j += 1;
            }
            let (end, outer, next_i) = if let Some(k) = close {
                (chars[k].0, chars[k].0 + chars[k].1.len_utf8(), k + 1)
            } else {
                let e = if j < chars.len() { chars[j].0 } else { text.len() };
                (e, e, j)
            };
            let words = text[start..end].split_whitespace().count();
            if words >= 3 || (close.is_some() && words >= 1) {
                spans.push((start, end, outer));
            }
            i = next_i.max(i + 1);
        } else {
            i += 1;
        }
    }
    let mut out = Vec::new();
    for (start, end, outer) in spans {
        let mut speaker = None;
        let mut cue = None;
        // The attribution after the quote: to the end of its line, 200 bytes at most (only
        // those are searched for the line's end, not the rest of a long one-line text).
        let cap = (outer + 200).min(text.len());
        let line_end = text.as_bytes()[outer..cap].iter().position(|&b| b == b'\n').map_or(cap, |k| outer + k);
        let after_end = crate::text::floor_char_boundary(text, line_end);
        let after = &text[outer..after_end];
        let attribution = AFTER_RE.captures(after).and_then(|c| {
            let (sp, cu) = c.name("sp1").zip(c.name("cue1")).or_else(|| c.name("sp2").zip(c.name("cue2")))?;
            Some((sp.start(), sp.as_str().to_owned(), cu.as_str().to_lowercase()))
        });
        if let Some((at, s, cu)) = attribution {
            let trimmed = s.trim_end_matches(|ch: char| ch.is_whitespace() || ch == ',');
            let lead = s.len() - s.trim_start().len();
            speaker = Some((outer + at + lead, outer + at + trimmed.len()));
            cue = Some(cu);
        }
        if speaker.is_none() {
            let open_at = text[..start].char_indices().next_back().map_or(start, |(k, _)| k);
            let floor = open_at.saturating_sub(200);
            let from =
                text.as_bytes()[floor..open_at].iter().rposition(|&b| b == b'\n').map_or(floor, |k| floor + k + 1);
            let from = (from..=open_at).find(|&k| text.is_char_boundary(k)).unwrap_or(open_at);
            let before = &text[from..open_at];
            if let Some(c) = BEFORE_RE.captures(before) {
                let sp = c.name("sp").expect("speaker");
                let s = sp.as_str();
                let lead = s.len() - s.trim_start().len();
                speaker = Some((from + sp.start() + lead, from + sp.end()));
                cue = Some(c["cue"].to_lowercase());
            }
        }
        out.push(Quote { start, end, speaker, cue });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_of_a_casualty_list() {
        let f =
            figures("3,475 men, 3,137 women, 2,359 children and 108 wounded were counted; a 21km corridor; 3 sq/km");
        let got: Vec<(f64, Option<&str>)> = f.iter().map(|f| (f.value, f.unit.as_deref())).collect();
        assert_eq!(
            got,
            [
                (3475.0, Some("men")),
                (3137.0, Some("women")),
                (2359.0, Some("children")),
                (108.0, Some("wounded")),
                (21.0, Some("km")),
                (3.0, Some("sq/km"))
            ]
        );
    }

    #[test]
    fn figures_skip_dates_and_take_qualifiers() {
        let f = figures("On December 15, 2016 at least 1,500 armed men and about two thousand people left at 10:30");
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0].qualifier.as_deref(), Some("at least"));
        assert_eq!(f[0].modifier.as_deref(), Some("armed"));
        assert_eq!((f[1].value, f[1].unit.as_deref()), (2000.0, Some("people")));
    }

    #[test]
    fn weekdays_resolve_to_the_past_week() {
        let d = dates("on Thursday and last Saturday, 7 December 2016, yesterday", Some("2016-12-16T10:00:00"));
        let iso: Vec<Option<&str>> = d.iter().map(|d| d.iso.as_deref()).collect();
        assert_eq!(iso, [Some("2016-12-15"), Some("2016-12-10"), Some("2016-12-07"), Some("2016-12-15")]);
        assert_eq!(dates("on Thursday", None)[0].iso, None);
    }

    #[test]
    fn unbalanced_quote_runs_to_paragraph_end() {
        let text = "He said: “Over 40 percent are children.\nNext paragraph.";
        let q = quotes(text);
        assert_eq!(q.len(), 1);
        assert_eq!(&text[q[0].start..q[0].end], "Over 40 percent are children.");
        assert_eq!(q[0].cue.as_deref(), Some("said"));
    }
}
