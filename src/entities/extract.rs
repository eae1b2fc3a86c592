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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use aho_corasick::AhoCorasick;

use crate::entities::gazetteer::Gazetteer;
use crate::entities::patterns;
use crate::entities::tagger::{Model, TagInput};
use crate::entities::tokenize::{Token, sentences, tokenize};
use crate::entities::{count_steps, gazetteer_marks, link};

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
            let mut spans = Vec::new();
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
                    spans.push(Entity { label, start, end, canonical: String::new(), score, id: None });
                    i = j;
                } else {
                    i += 1;
                }
            }
            // In a title-case headline, capitals say nothing: keep only names the body also uses.
            let in_headline: Vec<bool> = spans.iter().map(|e| in_ranges(&headlines, e.start)).collect();
            let names: Vec<&str> =
                spans.iter().zip(&in_headline).filter(|(_, h)| **h).map(|(e, _)| &text[e.start..e.end]).collect();
            let elsewhere = named_elsewhere(text, &headlines, &names);
            for (e, h) in spans.into_iter().zip(in_headline) {
                if !h || elsewhere.contains(&text[e.start..e.end]) {
                    cands.push((1, e));
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

/// Whether `at` is in one of `ranges` (sorted and disjoint, as [`headline_ranges`] makes them).
fn in_ranges(ranges: &[(usize, usize)], at: usize) -> bool {
    let k = ranges.partition_point(|&(s, _)| s <= at);
    k > 0 && at < ranges[k - 1].1
}

/// Those of `names` that also stand in the text outside the headlines, at one of the places
/// `str::match_indices` finds them (left to right, not overlapping each other). One
/// Aho-Corasick pass finds every name at once: a search of the whole text per headline name
/// made a long document with many headlines quadratic.
fn named_elsewhere<'n>(text: &str, headlines: &[(usize, usize)], names: &[&'n str]) -> HashSet<&'n str> {
    let mut distinct: Vec<&str> = names.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let mut found = HashSet::new();
    if distinct.is_empty() {
        return found;
    }
    let Ok(ac) = AhoCorasick::new(&distinct) else {
        // Too many names for one automaton: one search each.
        return distinct
            .into_iter()
            .filter(|name| text.match_indices(name).any(|(at, _)| !in_ranges(headlines, at)))
            .collect();
    };
    // Per name: where its last counted occurrence ends (an overlapping one is not counted).
    let mut free_from = vec![0; distinct.len()];
    let mut done = vec![false; distinct.len()];
    for m in ac.find_overlapping_iter(text) {
        let p = m.pattern().as_usize();
        if done[p] || m.start() < free_from[p] {
            continue;
        }
        free_from[p] = m.end();
        if !in_ranges(headlines, m.start()) {
            done[p] = true;
            found.insert(distinct[p]);
        }
    }
    found
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
    // The kept entities by (start, end, order kept). They never overlap one another, so in
    // this order their ends do not decrease either, and those overlapping a candidate are the
    // ones walked back from the last that starts before the candidate ends, while they end
    // after it starts: O(log n) per candidate, where testing every kept entity made a long
    // document quadratic.
    let mut kept: BTreeMap<(usize, usize, usize), (u8, Entity)> = BTreeMap::new();
    let mut order = 0;
    for (p, e) in cands {
        let overlapping: Vec<(usize, usize, usize)> =
            kept.range(..(e.end, 0, 0)).rev().take_while(|(_, (_, k))| e.start < k.end).map(|(key, _)| *key).collect();
        count_steps(overlapping.len() + 1);
        order += 1;
        if overlapping.is_empty() {
            kept.insert((e.start, e.end, order), (p, e));
            continue;
        }
        // A longer tagger name of the same label around gazetteer matches replaces them.
        let possessive = |end: usize| {
            let rest = &text[end..];
            rest.starts_with("’s") || rest.starts_with("'s") || rest.starts_with("s ")
        };
        let contains_all = p == 1
            && overlapping.len() == 1
            && !possessive(kept[&overlapping[0]].1.end)
            && overlapping.iter().all(|i| {
                let (kp, k) = &kept[i];
                *kp == 2
                    && (k.label == e.label || k.label != "PER")
                    && e.start <= k.start
                    && k.end <= e.end
                    && (e.end - e.start) > (k.end - k.start)
            });
        if contains_all {
            for i in &overlapping {
                kept.remove(i);
            }
            kept.insert((e.start, e.end, order), (p, e));
        }
    }
    // In (start, end) order, and in the order kept where both are equal (a stable sort).
    kept.into_values().map(|(_, e)| e).collect()
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
    // Entities as `Extractor::extract` gives them are in order and do not overlap, so their
    // starts and their ends never decrease: those in a speaker phrase are found by binary
    // search, and the last person before a quote through `last_per` (the last `PER` among the
    // first k entities), where looking at every entity for every quote made a long document
    // quadratic. Entities in another order are each looked at, as before.
    let ordered = entities.iter().all(|x| x.start <= x.end)
        && entities.windows(2).all(|w| w[0].start <= w[1].start && w[0].end <= w[1].end);
    let mut last_per = Vec::with_capacity(if ordered { entities.len() + 1 } else { 0 });
    if ordered {
        last_per.push(None);
        for (k, x) in entities.iter().enumerate() {
            let before = last_per[k];
            last_per.push(if x.label == "PER" { Some(k) } else { before });
        }
    }
    let mut out = Vec::new();
    for q in patterns::quotes(text) {
        let mut canonical = None;
        if let Some((s, e)) = q.speaker {
            let near = if ordered {
                let lo = entities.partition_point(|x| x.start < s);
                let hi = entities.partition_point(|x| x.start <= e).max(lo);
                &entities[lo..hi]
            } else {
                entities
            };
            count_steps(near.len());
            let named = near.iter().filter(|x| x.start >= s && x.end <= e && matches!(x.label.as_str(), "PER" | "ORG"));
            // Prefer a person, then the last organisation ("a source told RIA Novosti" is not the speaker).
            let per = named.clone().find(|x| x.label == "PER");
            let phrase = text[s..e].to_lowercase();
            let told = q.cue.as_deref() == Some("told");
            canonical =
                per.or_else(|| if told { None } else { named.clone().next_back() }).map(|x| x.canonical.clone());
            if canonical.is_none() && matches!(phrase.as_str(), "he" | "she") {
                let last = if ordered {
                    last_per[entities.partition_point(|x| x.end <= q.start)].map(|k| &entities[k])
                } else {
                    entities.iter().rev().find(|x| x.end <= q.start && x.label == "PER")
                };
                canonical = last.map(|x| x.canonical.clone());
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

    /// [`resolve`] as first written: every candidate tested against every kept entity.
    fn resolve_by_scanning(text: &str, mut cands: Vec<(u8, Entity)>) -> Vec<Entity> {
        cands.sort_by(|a, b| {
            b.0.cmp(&a.0).then((b.1.end - b.1.start).cmp(&(a.1.end - a.1.start))).then(a.1.start.cmp(&b.1.start))
        });
        let mut kept: Vec<(u8, Entity)> = Vec::new();
        for (p, e) in cands {
            let overlapping: Vec<usize> = kept
                .iter()
                .enumerate()
                .filter(|(_, (_, k))| k.start < e.end && e.start < k.end)
                .map(|(i, _)| i)
                .collect();
            if overlapping.is_empty() {
                kept.push((p, e));
                continue;
            }
            let rest = &text[kept[overlapping[0]].1.end..];
            let possessive = rest.starts_with("’s") || rest.starts_with("'s") || rest.starts_with("s ");
            let (kp, k) = &kept[overlapping[0]];
            if p == 1
                && overlapping.len() == 1
                && !possessive
                && *kp == 2
                && (k.label == e.label || k.label != "PER")
                && e.start <= k.start
                && k.end <= e.end
                && (e.end - e.start) > (k.end - k.start)
            {
                kept.remove(overlapping[0]);
                kept.push((p, e));
            }
        }
        let mut out: Vec<Entity> = kept.into_iter().map(|(_, e)| e).collect();
        out.sort_by_key(|e| (e.start, e.end));
        out
    }

    /// Random candidates over a text of `n` bytes: tagger spans, gazetteer matches and dates.
    fn random_cands(n: usize, seed: u64) -> (String, Vec<(u8, Entity)>) {
        let mut x = seed;
        let mut next = move || {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (x >> 33) as usize
        };
        let text: String = (0..n).map(|_| ["a", "s", " ", "'"][next() % 4]).collect();
        let labels = ["PER", "ORG", "LOC"];
        let mut cands = Vec::new();
        for _ in 0..n / 4 {
            let start = next() % n;
            let end = (start + next() % 12).min(n);
            let mut c = ent((next() % 3 + 1) as u8, labels[next() % 3], start, end);
            c.1.canonical = format!("{}", cands.len());
            cands.push(c);
        }
        (text, cands)
    }

    #[test]
    fn resolve_matches_testing_every_kept_entity() {
        for seed in 0..200 {
            let (text, cands) = random_cands(40 + seed as usize, seed);
            assert_eq!(resolve(&text, cands.clone()), resolve_by_scanning(&text, cands), "seed {seed}");
        }
    }

    #[test]
    fn resolve_costs_the_same_per_candidate_in_a_long_document() {
        let steps_per_cand = |n: usize| {
            let (text, cands) = random_cands(n, 3);
            let count = cands.len();
            crate::entities::steps_of(|| {
                resolve(&text, cands);
            }) as f64
                / count as f64
        };
        let (short, long) = (steps_per_cand(4_000), steps_per_cand(64_000));
        assert!(long <= 1.2 * short + 0.1 && long < 8.0, "{short:.2} vs {long:.2} per candidate");
    }

    #[test]
    fn headline_names_are_found_where_match_indices_finds_them() {
        // "aa" in "aaa" counts at 0 only, as `str::match_indices` has it.
        let text = "aaa xx aaa bb bbb\nbody aa bbb";
        let heads = [(0, 3), (7, 10), (11, 13)];
        let by_search = |name: &str| text.match_indices(name).any(|(at, _)| !in_ranges(&heads, at));
        let names = ["aa", "aaa", "bb", "b", "xx", "zz", "aa"];
        let found = named_elsewhere(text, &heads, &names);
        for name in names {
            assert_eq!(found.contains(name), by_search(name), "{name}");
        }
        assert!(in_ranges(&heads, 0) && in_ranges(&heads, 12) && !in_ranges(&heads, 3) && !in_ranges(&[], 0));
        // The "aa" at 1 overlaps the one at 0, which `match_indices` takes: not found.
        assert!(named_elsewhere("aaa", &[(0, 2)], &["aa"]).is_empty());
        assert!("aaa".match_indices("aa").all(|(at, _)| in_ranges(&[(0, 2)], at)));
    }

    /// [`resolve_quotes`] as first written: every entity looked at for every quote.
    fn speakers_by_scanning(text: &str, entities: &[Entity]) -> Vec<Option<String>> {
        patterns::quotes(text)
            .into_iter()
            .map(|q| {
                let (s, e) = q.speaker?;
                let named =
                    entities.iter().filter(|x| x.start >= s && x.end <= e && matches!(x.label.as_str(), "PER" | "ORG"));
                let per = named.clone().find(|x| x.label == "PER");
                let told = q.cue.as_deref() == Some("told");
                let found = per.or_else(|| if told { None } else { named.clone().next_back() });
                found
                    .or_else(|| {
                        matches!(text[s..e].to_lowercase().as_str(), "he" | "she")
                            .then(|| entities.iter().rev().find(|x| x.end <= q.start && x.label == "PER"))
                            .flatten()
                    })
                    .map(|x| x.canonical.clone())
            })
            .collect()
    }

    fn quoted_text(paragraphs: usize) -> String {
        let lines = [
            "“We will stay,” Bashar al-Assad told SANA on Tuesday.",
            "A source told RIA Novosti: “They left Aleppo.”",
            "“The corridor is open,” he said.",
            "Sergei Lavrov said: “Talks go on in Geneva.”",
            "“Nobody came,” she added, as the Syrian Arab Army moved on.",
            "The Free Syrian Army said that “the truce is over” in Idlib.",
        ];
        (0..paragraphs).map(|k| lines[(k * 7 + k / 3) % lines.len()]).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn quote_speakers_match_looking_at_every_entity() {
        let ex = Extractor { model: None, gazetteer: Some(Arc::new(Gazetteer::builtin())), dates: true };
        let text = quoted_text(60);
        let ents = ex.extract(&text, None);
        let got: Vec<Option<String>> = resolve_quotes(&text, &ents).into_iter().map(|r| r.speaker_canonical).collect();
        assert_eq!(got, speakers_by_scanning(&text, &ents));
        assert!(got.iter().filter(|c| c.is_some()).count() >= 30, "{got:?}");
        // Entities out of order take the general path, with the same answers.
        let mut shuffled = ents.clone();
        shuffled.reverse();
        let got: Vec<Option<String>> =
            resolve_quotes(&text, &shuffled).into_iter().map(|r| r.speaker_canonical).collect();
        assert_eq!(got, speakers_by_scanning(&text, &shuffled));
    }

    #[test]
    fn quote_speakers_cost_the_same_per_quote_in_a_long_document() {
        let ex = Extractor { model: None, gazetteer: Some(Arc::new(Gazetteer::builtin())), dates: true };
        let steps_per_quote = |n: usize| {
            let text = quoted_text(n);
            let ents = ex.extract(&text, None);
            let mut quotes = 0;
            let steps = crate::entities::steps_of(|| quotes = resolve_quotes(&text, &ents).len());
            steps as f64 / quotes as f64
        };
        let (short, long) = (steps_per_quote(200), steps_per_quote(3_200));
        assert!(long <= 1.2 * short + 0.1 && long < 8.0, "{short:.2} vs {long:.2} entities per quote");
    }

    #[test]
    fn headline_ranges_skip_function_words() {
        let text = "US Attempts to Rescue Spies from Eastern Aleppo City\nThe talks went on in the city.";
        let tokens = tokenize(text);
        let sents = sentences(text, &tokens, 200);
        let h = headline_ranges(text, &tokens, &sents);
        assert_eq!(h, [(0, text.find('\n').unwrap())]);
        let found = named_elsewhere(text, &h, &["city", "Spies"]);
        assert!(found.contains("city") && !found.contains("Spies"));
    }
}
