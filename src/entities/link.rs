//! Canonical forms and alias merging, within a document and across a corpus.
//!
//! A mention's **key** folds what does not change who is meant: case, quote marks and
//! apostrophes, dashes, a leading `the`, titles and ranks (`Lt. Gen.`), and Arabic articles
//! (`al-`, `el-`) on each word. Within a document, a one-word person mention that is a word of
//! a longer person name takes that name's canonical form. Across a corpus, forms of one label
//! are merged greedily, most frequent first: a form joins the first cluster whose key equals
//! its own or is within a normalised Indel similarity of `threshold` (rapidfuzz's `ratio`; keys
//! shorter than 6 characters must match exactly). Cost: O(F·C) ratio calls for F distinct
//! forms and C clusters per label.

use std::collections::HashMap;

use crate::entities::extract::Entity;
use crate::entities::gazetteer::Gazetteer;

const TITLES: &[&str] = &[
    "president",
    "minister",
    "gen",
    "general",
    "lt",
    "col",
    "colonel",
    "maj",
    "major",
    "capt",
    "captain",
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sheikh",
    "chief",
    "commander",
    "spokesman",
    "ambassador",
    "sgt",
    "adm",
    "admiral",
    "brig",
    "king",
];

/// The mention text as a canonical form: whitespace collapsed, curly quotes straightened.
pub fn display_form(text: &str) -> String {
    let s: String = text.chars().map(|c| if matches!(c, '’' | '‘' | 'ʼ' | '`') { '\'' } else { c }).collect();
    let words: Vec<&str> = s.split_whitespace().collect();
    let words = match words.first() {
        Some(w) if w.eq_ignore_ascii_case("the") && words.len() > 1 => &words[1..],
        _ => &words[..],
    };
    words.join(" ")
}

/// The folded key of a name (see the module docs).
///
/// # Examples
/// ```
/// use copydesk::entities::link::key;
/// assert_eq!(key("Lt. Gen. Viktor Poznikhir"), key("Viktor Poznikhir"));
/// assert_eq!(key("al-Fua’a"), key("Fua'a"));
/// assert_eq!(key("Jeish Al-Fatah"), key("jeish al fatah"));
/// ```
pub fn key(name: &str) -> String {
    let mut words = Vec::new();
    for raw in name.split(|c: char| c.is_whitespace() || matches!(c, '-' | '–' | '—' | '‐')) {
        let w: String = raw.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
        if w.is_empty() || (words.is_empty() && w == "the") {
            continue;
        }
        if matches!(w.as_str(), "al" | "el" | "as" | "ash" | "ad") {
            continue;
        }
        if words.is_empty() && TITLES.contains(&w.as_str()) {
            continue;
        }
        words.push(w);
    }
    if words.is_empty() {
        return name.to_lowercase();
    }
    words.join(" ")
}

/// Links canonical forms within one document (see the module docs).
pub fn within_document(entities: &mut [Entity]) {
    // Gazetteer and multi-word person names, by the key of each of their words.
    let mut full: HashMap<String, String> = HashMap::new();
    let mut by_key: HashMap<(String, String), String> = HashMap::new();
    for e in entities.iter() {
        let k = key(&e.canonical);
        by_key.entry((e.label.clone(), k.clone())).or_insert_with(|| e.canonical.clone());
        if e.label == "PER" && k.contains(' ') {
            for w in k.split(' ') {
                if w.chars().count() >= 3 {
                    full.entry(w.to_owned()).or_insert_with(|| e.canonical.clone());
                }
            }
        }
    }
    for e in entities.iter_mut() {
        let k = key(&e.canonical);
        if e.label == "PER" && !k.contains(' ') {
            if let Some(name) = full.get(&k) {
                e.canonical.clone_from(name);
                continue;
            }
        }
        if let Some(c) = by_key.get(&(e.label.clone(), k)) {
            e.canonical.clone_from(c);
        }
    }
}

/// Merges canonical forms across documents: each entity's `canonical` becomes its cluster's
/// form (gazetteer names first, then the most frequent form). `threshold` is in [0, 1].
///
/// With a gazetteer, a tagger mention whose key is within `max(threshold, 0.9)` of one of
/// its aliases (a spelling the gazetteer does not list: `Ramussa` for `al-Ramouseh`) takes that
/// record's label, canonical name and id.
pub fn across_documents(docs: &mut [Vec<Entity>], threshold: f64, gazetteer: Option<&Gazetteer>) {
    if let Some(gaz) = gazetteer {
        anchor_to_gazetteer(docs, gaz, threshold.max(0.9));
    }
    let mut counts: HashMap<(String, String), (usize, bool)> = HashMap::new();
    for d in docs.iter() {
        for e in d {
            let c = counts.entry((e.label.clone(), e.canonical.clone())).or_insert((0, false));
            c.0 += 1;
            c.1 |= e.id.is_some();
        }
    }
    let mut forms: Vec<((String, String), (usize, bool))> = counts.into_iter().collect();
    forms.sort_by(|a, b| (b.1.1, b.1.0).cmp(&(a.1.1, a.1.0)).then(a.0.cmp(&b.0)));
    // Per label: clusters as (key, canonical).
    let mut clusters: HashMap<String, Vec<(String, String)>> = HashMap::new();
    let mut mapping: HashMap<(String, String), String> = HashMap::new();
    for ((label, form), _) in forms {
        let k = key(&form);
        let list = clusters.entry(label.clone()).or_default();
        let found = list.iter().find(|(ck, _)| {
            *ck == k
                || (k.chars().count() >= 6
                    && ck.chars().count() >= 6
                    && rapidfuzz::fuzz::ratio(k.chars(), ck.chars()) >= threshold)
        });
        let canonical = if let Some((_, c)) = found {
            c.clone()
        } else {
            list.push((k, form.clone()));
            form.clone()
        };
        mapping.insert((label, form), canonical);
    }
    for d in docs.iter_mut() {
        for e in d.iter_mut() {
            if let Some(c) = mapping.get(&(e.label.clone(), e.canonical.clone())) {
                e.canonical.clone_from(c);
            }
        }
    }
}

fn anchor_to_gazetteer(docs: &mut [Vec<Entity>], gaz: &Gazetteer, cutoff: f64) {
    let mut alias_keys: Vec<(String, usize)> = Vec::new();
    for (r, rec) in gaz.records().iter().enumerate() {
        for alias in std::iter::once(&rec.canonical).chain(&rec.aliases) {
            let k = key(alias);
            if k.chars().count() >= 5 {
                alias_keys.push((k, r));
            }
        }
    }
    let mut decided: HashMap<String, Option<usize>> = HashMap::new();
    for d in docs.iter_mut() {
        for e in d.iter_mut().filter(|e| e.id.is_none() && e.label != "DATE") {
            let k = key(&e.canonical);
            let found = *decided.entry(k.clone()).or_insert_with(|| {
                if k.chars().count() < 5 {
                    return None;
                }
                // `fuzz::ratio`, not `RatioBatchComparator`: in rapidfuzz 0.5 the comparator
                // scores some pairs lower than `ratio` does (0.889 vs 0.941 for
                // "ramousseh"/"ramouseh").
                alias_keys
                    .iter()
                    .map(|(ak, r)| (rapidfuzz::fuzz::ratio(k.chars(), ak.chars()), *r))
                    .filter(|(s, _)| *s >= cutoff)
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(_, r)| r)
            });
            if let Some(r) = found {
                let rec = &gaz.records()[r];
                e.label.clone_from(&rec.label);
                e.canonical.clone_from(&rec.canonical);
                e.id = Some(rec.id.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(label: &str, canonical: &str) -> Entity {
        Entity { label: label.into(), start: 0, end: 0, canonical: canonical.into(), score: 1.0, id: None }
    }

    #[test]
    fn surname_takes_the_full_name_in_the_same_document() {
        let mut ents = vec![e("PER", "Israel Shamir"), e("LOC", "Israel"), e("PER", "Shamir")];
        within_document(&mut ents);
        assert_eq!(ents[2].canonical, "Israel Shamir");
        assert_eq!(ents[1].canonical, "Israel");
    }

    #[test]
    fn spelling_variants_merge_across_documents() {
        let mut docs = vec![
            vec![e("PER", "Balal Abdel Karim"), e("ORG", "Ahrar al-Sham")],
            vec![e("PER", "Bilal Abdel Karim"), e("ORG", "Ahrar Al Sham"), e("PER", "Balal Abdel Karim")],
            vec![e("LOC", "Homs"), e("LOC", "Hama")],
        ];
        across_documents(&mut docs, 0.85, None);
        assert_eq!(docs[1][0].canonical, "Balal Abdel Karim");
        assert_eq!(docs[1][1].canonical, docs[0][1].canonical);
        assert_ne!(docs[2][0].canonical, docs[2][1].canonical);
    }

    #[test]
    fn unlisted_spellings_anchor_to_the_gazetteer() {
        let gaz = Gazetteer::builtin();
        let mut docs = vec![vec![e("PER", "Deir Ezzour"), e("LOC", "Ramousseh"), e("PER", "Smith")]];
        across_documents(&mut docs, 0.88, Some(&gaz));
        let got: Vec<(&str, &str)> = docs[0].iter().map(|e| (e.label.as_str(), e.canonical.as_str())).collect();
        assert_eq!(got, [("LOC", "Deir ez-Zor"), ("LOC", "al-Ramouseh"), ("PER", "Smith")]);
    }
}
