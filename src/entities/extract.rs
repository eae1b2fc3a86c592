//! The extraction pipeline: tokens → gazetteer → tagger → patterns → in-document linking.
//!
//! [`Extractor::extract`] tokenises a text, splits it into sentences, marks gazetteer matches
//! (which are also tagger features), tags with the model, and merges: a gazetteer match
//! replaces the tagger spans it overlaps (it is a curated name with a canonical form) unless a
//! longer tagger span of the same label contains it; date mentions come from the date
//! patterns. Canonical forms are then linked within the document: a one-word person mention
//! that is the surname of a longer person name in the same text takes that name (`Shamir` →
//! `Israel Shamir`), and spellings that fold to the same key (case, `al-`, quote marks,
//! titles) share one form. Cost: O(n) in the text plus O(n·T²) Viterbi.

use std::collections::HashMap;
use std::sync::Arc;

use crate::entities::gazetteer::Gazetteer;
use crate::entities::patterns;
use crate::entities::tagger::{Model, TagInput};
use crate::entities::tokenize::{Token, sentences, tokenize};
use crate::entities::{gazetteer_marks, link};

/// One entity mention (byte offsets into the text it was found in).
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// `PER`, `ORG`, `LOC`, `MISC`, `DATE`, or a label of the user's model or gazetteer.
    pub label: String,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// Canonical form: the gazetteer's name, a resolved date, or the linked mention text.
    pub canonical: String,
    /// Confidence in [0, 1]: the tagger's mean token probability, 1 for gazetteer matches.
    pub score: f32,
    /// Gazetteer record id, when the mention matched one.
    pub id: Option<String>,
}

/// What to extract with.
#[derive(Debug, Clone, Default)]
pub struct Extractor {
    /// The tagger, if any.
    pub model: Option<Arc<Model>>,
    /// The gazetteer, if any.
    pub gazetteer: Option<Arc<Gazetteer>>,
    /// Whether to add `DATE` entities from the date patterns.
    pub dates: bool,
}

/// Longest sentence handed to the tagger, in tokens.
const MAX_SENTENCE: usize = 200;

/// First words of Arabic place names (`Deir`, `Khan`, `Tal`, `Jabal`, `Kafr`, …).
const PLACE_WORDS: &[&str] = &[
    "Deir", "Dayr", "Khan", "Tal", "Tell", "Tall", "Jabal", "Jebel", "Jabel", "Ain", "Ayn", "Kafr", "Kfar", "Wadi",
    "Ras", "Bir", "Qasr", "Maarat", "Marj", "Jisr", "Beit", "Bayt", "Hayy", "Souq", "Suq", "Tel",
];

const TITLES: &[&str] = &[
    "president",
    "minister",
    "gen",
    "gen.",
    "general",
    "lt",
    "lt.",
    "col",
    "col.",
    "colonel",
    "maj",
    "maj.",
    "major",
    "capt",
    "captain",
    "mr",
    "mr.",
    "mrs",
    "mrs.",
    "ms",
    "ms.",
    "dr",
    "dr.",
    "prof",
    "prof.",
    "sheikh",
    "king",
    "prince",
    "chief",
    "commander",
    "spokesman",
    "ambassador",
    "envoy",
    "leader",
    "sgt",
    "sgt.",
    "adm",
    "adm.",
    "admiral",
    "brig",
    "brig.",
];

impl Extractor {
    /// Entities in `text`, in order, non-overlapping. `published` (ISO 8601) resolves
    /// relative dates.
    pub fn extract(&self, text: &str, published: Option<&str>) -> Vec<Entity> {
        let tokens = tokenize(text);
        let sents = sentences(text, &tokens, MAX_SENTENCE);
        let gaz_matches = self.gazetteer.as_ref().map(|g| g.find(text)).unwrap_or_default();
        let mut cands: Vec<(u8, Entity)> = Vec::new();
        if let Some(model) = &self.model {
            let marks = self.gazetteer.as_ref().map(|g| gazetteer_marks(g, text, &tokens)).unwrap_or_default();
            let headlines = headline_ranges(text, &tokens, &sents);
            let input =
                TagInput { words: tokens.iter().map(|t| t.text(text)).collect(), sentences: sents, gazetteer: marks };
            let (tags, conf) = model.tag(&input);
            let mut i = 0;
            while i < tags.len() {
                if tags[i] % 2 == 1 {
                    let mut j = i + 1;
                    // Brackets, quotes and commas end a name even where the tagger runs on.
                    while j < tags.len() && tags[j] == tags[i] + 1 && !is_break(tokens[j].text(text)) {
                        j += 1;
                    }
                    let mut label = model.labels()[(tags[i] - 1) / 2].clone();
                    // "Deir al-Zor", "Khan Sheikhun": Arabic place words make a place, whatever
                    // a tagger trained on English news makes of the rest.
                    if label == "PER"
                        && j - i >= 2
                        && PLACE_WORDS.contains(&tokens[i].text(text))
                        && model.labels().iter().any(|l| l == "LOC")
                    {
                        "LOC".clone_into(&mut label);
                    }
                    // Titles are not part of a person's name, nor articles of any name.
                    let mut s = i;
                    while s + 1 < j && is_lower_word(tokens[s].text(text)) {
                        s += 1;
                    }
                    while label == "PER" && s + 1 < j && TITLES.contains(&tokens[s].text(text).to_lowercase().as_str())
                    {
                        s += 1;
                    }
                    let score = conf[s..j].iter().sum::<f32>() / (j - s) as f32;
                    let (start, end) = (tokens[s].start, tokens[j - 1].end);
                    // In a title-case headline, capitals say nothing: keep only names the body
                    // also uses.
                    if !in_ranges(&headlines, start) || named_elsewhere(text, &headlines, &text[start..end]) {
                        cands.push((1, Entity { label, start, end, canonical: String::new(), score, id: None }));
                    }
                    i = j;
                } else {
                    i += 1;
                }
            }
        }
        if let Some(g) = &self.gazetteer {
            for m in &gaz_matches {
                let rec = &g.records()[m.record];
                cands.push((
                    2,
                    Entity {
                        label: rec.label.clone(),
                        start: m.start,
                        end: m.end,
                        canonical: rec.canonical.clone(),
                        score: 1.0,
                        id: Some(rec.id.clone()),
                    },
                ));
            }
        }
        if self.dates {
            for d in patterns::dates(text, published) {
                let canonical = d.iso.unwrap_or_else(|| text[d.start..d.end].to_owned());
                cands.push((
                    3,
                    Entity { label: "DATE".to_owned(), start: d.start, end: d.end, canonical, score: 1.0, id: None },
                ));
            }
        }
        let mut out = resolve(text, cands);
        for e in &mut out {
            if e.canonical.is_empty() {
                e.canonical = link::display_form(&text[e.start..e.end]);
            }
        }
        link::within_document(&mut out);
        out
    }
}

const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "the", "to", "from", "of", "in", "on", "at", "by", "for", "with", "and", "or", "as", "vs", "into",
    "over",
];

/// Byte ranges of title-case lines (headlines: at least four words other than function words,
/// nine in ten of them capitalised, and no full stop at the end).
fn headline_ranges(text: &str, tokens: &[Token], sents: &[std::ops::Range<usize>]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for r in sents {
        let words: Vec<&str> = tokens[r.clone()]
            .iter()
            .map(|t| t.text(text))
            .filter(|w| w.chars().any(char::is_alphabetic) && !FUNCTION_WORDS.contains(w))
            .collect();
        let caps = words.iter().filter(|w| w.chars().next().is_some_and(char::is_uppercase)).count();
        let ends_sentence = matches!(tokens[r.end - 1].text(text), "." | "!" | "?");
        if words.len() >= 4 && caps * 10 >= words.len() * 9 && !ends_sentence {
            out.push((tokens[r.start].start, tokens[r.end - 1].end));
        }
    }
    out
}

fn in_ranges(ranges: &[(usize, usize)], at: usize) -> bool {
    ranges.iter().any(|&(s, e)| s <= at && at < e)
}

/// Whether `name` also stands in the text outside the headlines.
fn named_elsewhere(text: &str, headlines: &[(usize, usize)], name: &str) -> bool {
    text.match_indices(name).any(|(at, _)| !in_ranges(headlines, at))
}

/// A lower-case word that cannot open a name (`the`, `from`, a stray `s`), unlike the
/// particles of Arabic and European names (`al-Hadas`, `de`, `bin`).
fn is_lower_word(token: &str) -> bool {
    const PARTICLES: &[&str] =
        &["al", "el", "de", "da", "del", "della", "van", "von", "bin", "ibn", "abu", "le", "la", "du", "di"];
    token.chars().all(char::is_lowercase) && !PARTICLES.contains(&token)
}

fn is_break(token: &str) -> bool {
    !token.chars().any(|c| c.is_alphanumeric() || matches!(c, '&' | '.' | '-' | '\''))
}

/// Picks non-overlapping entities: higher priority wins, except that a tagger span that
/// strictly contains one gazetteer match is kept (it is the longer name: `Russian Defense
/// Ministry Peace Center`, `Bank of England`), unless it only runs on after a possessive
/// (`Syria’s Aleppo` is two places) or the match is a person and the span is not
/// (`General Staff Valery Gerasimov` is a rank and a man).
fn resolve(text: &str, mut cands: Vec<(u8, Entity)>) -> Vec<Entity> {
    cands.sort_by(|a, b| {
        b.0.cmp(&a.0).then((b.1.end - b.1.start).cmp(&(a.1.end - a.1.start))).then(a.1.start.cmp(&b.1.start))
    });
    let mut kept: Vec<(u8, Entity)> = Vec::new();
    for (p, e) in cands {
        let overlapping: Vec<usize> =
            kept.iter().enumerate().filter(|(_, (_, k))| k.start < e.end && e.start < k.end).map(|(i, _)| i).collect();
        if overlapping.is_empty() {
            kept.push((p, e));
            continue;
        }
        // A longer tagger name of the same label around gazetteer matches replaces them.
        let possessive = |end: usize| {
            let rest = &text[end..];
            rest.starts_with("’s") || rest.starts_with("'s") || rest.starts_with("s ")
        };
        let contains_all = p == 1
            && overlapping.len() == 1
            && !possessive(kept[overlapping[0]].1.end)
            && overlapping.iter().all(|&i| {
                let (kp, k) = &kept[i];
                *kp == 2
                    && (k.label == e.label || k.label != "PER")
                    && e.start <= k.start
                    && k.end <= e.end
                    && (e.end - e.start) > (k.end - k.start)
            });
        if contains_all {
            for &i in overlapping.iter().rev() {
                kept.remove(i);
            }
            kept.push((p, e));
        }
    }
    let mut out: Vec<Entity> = kept.into_iter().map(|(_, e)| e).collect();
    out.sort_by_key(|e| (e.start, e.end));
    out
}

/// A quotation with its speaker resolved against the document's entities.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedQuote {
    /// The quotation and attribution found by [`patterns::quotes`].
    pub quote: patterns::Quote,
    /// The canonical name of the speaker, when the speaker phrase names an entity or is a
    /// pronoun after a person named earlier.
    pub speaker_canonical: Option<String>,
}

/// Quotations in `text`, with speakers resolved to `entities` (from [`Extractor::extract`]).
pub fn resolve_quotes(text: &str, entities: &[Entity]) -> Vec<ResolvedQuote> {
    let mut out = Vec::new();
    for q in patterns::quotes(text) {
        let mut canonical = None;
        if let Some((s, e)) = q.speaker {
            let named =
                entities.iter().filter(|x| x.start >= s && x.end <= e && matches!(x.label.as_str(), "PER" | "ORG"));
            // Prefer a person, then the last organisation ("a source told RIA Novosti" is not the speaker).
            let per = named.clone().find(|x| x.label == "PER");
            let phrase = text[s..e].to_lowercase();
            let told = q.cue.as_deref() == Some("told");
            canonical =
                per.or_else(|| if told { None } else { named.clone().next_back() }).map(|x| x.canonical.clone());
            if canonical.is_none() && matches!(phrase.as_str(), "he" | "she") {
                canonical =
                    entities.iter().rev().find(|x| x.end <= q.start && x.label == "PER").map(|x| x.canonical.clone());
            }
        }
        out.push(ResolvedQuote { quote: q, speaker_canonical: canonical });
    }
    out
}

/// Counts mentions per `(label, canonical)` over documents (used by corpus tables).
pub fn mention_counts(docs: &[Vec<Entity>]) -> HashMap<(String, String), usize> {
    let mut counts = HashMap::new();
    for d in docs {
        for e in d {
            *counts.entry((e.label.clone(), e.canonical.clone())).or_insert(0) += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ent(p: u8, label: &str, start: usize, end: usize) -> (u8, Entity) {
        (p, Entity { label: label.into(), start, end, canonical: String::new(), score: 1.0, id: None })
    }

    #[test]
    fn gazetteer_beats_overlapping_tagger_spans_unless_contained() {
        let text = "Bank of England";
        let got: Vec<(String, usize)> = resolve(text, vec![ent(1, "ORG", 0, 15), ent(2, "LOC", 8, 15)])
            .into_iter()
            .map(|e| (e.label, e.end))
            .collect();
        assert_eq!(got, [("ORG".to_owned(), 15)]);
        let text = "General Staff Valery Gerasimov";
        let cands = vec![ent(1, "ORG", 0, 30), ent(2, "PER", 14, 30)];
        let got: Vec<(String, usize)> = resolve(text, cands).into_iter().map(|e| (e.label, e.start)).collect();
        assert_eq!(got, [("PER".to_owned(), 14)]);
        let text = " ".repeat(60);
        let cands = vec![ent(1, "PER", 0, 10), ent(2, "ORG", 5, 12), ent(1, "ORG", 20, 40), ent(2, "ORG", 20, 30)];
        let got: Vec<(usize, usize)> = resolve(&text, cands).iter().map(|e| (e.start, e.end)).collect();
        assert_eq!(got, [(5, 12), (20, 40)]);
        // Two gazetteer places, or one with a possessive, are not one longer name.
        let text = "Syria’s Aleppo and Homs Hama";
        let (a, b) = (text.find("Aleppo").unwrap(), text.find("Homs").unwrap());
        let cands = vec![
            ent(1, "LOC", 0, a + 6),
            ent(2, "LOC", 0, 5),
            ent(2, "LOC", a, a + 6),
            ent(1, "LOC", b, text.len()),
            ent(2, "LOC", b, b + 4),
            ent(2, "LOC", b + 5, text.len()),
        ];
        let got: Vec<&str> = resolve(text, cands).iter().map(|e| &text[e.start..e.end]).collect();
        assert_eq!(got, ["Syria", "Aleppo", "Homs", "Hama"]);
    }

    #[test]
    fn gazetteer_only_extraction_with_dates() {
        let ex = Extractor { model: None, gazetteer: Some(Arc::new(Gazetteer::builtin())), dates: true };
        let text = "On Tuesday the Jeish al-Fatah left al-Ramouseh.";
        let ents = ex.extract(text, Some("2016-12-15"));
        let got: Vec<(&str, &str, &str)> =
            ents.iter().map(|e| (e.label.as_str(), &text[e.start..e.end], e.canonical.as_str())).collect();
        assert_eq!(
            got,
            [
                ("DATE", "Tuesday", "2016-12-13"),
                ("ORG", "Jeish al-Fatah", "Jaish al-Fatah"),
                ("LOC", "al-Ramouseh", "al-Ramouseh")
            ]
        );
    }

    #[test]
    fn headline_ranges_skip_function_words() {
        let text = "US Attempts to Rescue Spies from Eastern Aleppo City\nThe talks went on in the city.";
        let tokens = tokenize(text);
        let sents = sentences(text, &tokens, 200);
        let h = headline_ranges(text, &tokens, &sents);
        assert_eq!(h, [(0, text.find('\n').unwrap())]);
        assert!(named_elsewhere(text, &h, "city") && !named_elsewhere(text, &h, "Spies"));
    }
}
