//! Cleaning: raw scraped text → faithful article text, every edit recorded and reversible.
//!
//! [`clean`] runs the stages below over a [`Draft`], which records each change as an
//! [`Edit`] against the raw text and keeps an [`Alignment`] between raw and cleaned text:
//!
//! 1. characters ([`unicode::repair_characters`], repeated while mojibake unwinds), then
//!    NFC/NFKC ([`unicode::normalize_form`]);
//! 2. HTML tags, blocks and entities ([`markup::html`]);
//! 3. lines: leaked serialisations, built-in boilerplate rules, the user's rules, learned
//!    boilerplate ([`boilerplate`]), image file names, link-only and URL-only lines;
//! 4. structure: title, title repeats and site suffix, datelines (→ `published`), bylines,
//!    section labels, duplicate lines and repeated captions ([`structure::structure`]);
//! 5. Markdown links, images and emphasis ([`markup::markdown`]);
//! 6. URLs and e-mail addresses by policy ([`markup::links`]);
//! 7. layout: trimmed lines, single spaces, broken paragraphs joined, at most one blank
//!    line between paragraphs ([`structure::layout`]).
//!
//! The cleaned text keeps the outlet's characters (quotes, dashes); [`unicode::fold`] gives
//! the matching form. Cleaning is idempotent (cleaning cleaned text changes nothing): the
//! stages run in rounds until a round changes nothing (see [`clean`]).
//! Cost: each stage is linear in the text; regexes are compiled once.

/// A `memchr::memmem::Finder` for a constant needle, built once per call site:
/// `memmem::find` builds its searcher on every call, most of the cost of a search in a
/// short line.
macro_rules! finder {
    ($needle:expr) => {{
        static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
            std::sync::LazyLock::new(|| memchr::memmem::Finder::new($needle));
        &*FINDER
    }};
}

pub mod boilerplate;
mod builtin_patterns;
mod date_reader;
pub mod edits;
pub mod markup;
mod prebuilt;
mod rule_starts;
pub mod structure;
pub mod unicode;

use std::collections::HashSet;
use std::hash::Hasher;
use std::ops::Range;

use crate::clean::boilerplate::{ProfileMatcher, UserRule, builtin_match_plain};
use crate::clean::edits::{Alignment, Draft, Edit, Segment, StageEdit};
use crate::clean::markup::LinkPolicy;
use crate::clean::structure::{Hints, whole_line};
use crate::clean::unicode::NormalForm;
use crate::text::{is_blank, to_char_offsets_merged};
use rustc_hash::FxHasher;

/// Options of [`clean`].
#[derive(Debug, Clone)]
pub struct CleanOptions {
    /// Unicode normal form of the cleaned text.
    pub form: NormalForm,
    /// URLs inside the text.
    pub urls: LinkPolicy,
    /// E-mail addresses inside the text.
    pub emails: LinkPolicy,
    /// Rule ids switched off (any stage's rule, e.g. `duplicate-line`, `share-widget`).
    pub disabled: HashSet<String>,
    /// The user's line rules.
    pub rules: Vec<UserRule>,
}

impl Default for CleanOptions {
    fn default() -> Self {
        CleanOptions {
            form: NormalForm::Nfc,
            urls: LinkPolicy::Keep,
            emails: LinkPolicy::Keep,
            disabled: HashSet::new(),
            rules: Vec::new(),
        }
    }
}

/// What is known of the document besides its text.
#[derive(Debug, Clone, Copy, Default)]
pub struct DocumentHints<'a> {
    /// Title field.
    pub title: Option<&'a str>,
    /// Source field (also the group for learned boilerplate).
    pub source: Option<&'a str>,
    /// Publication date already known (ISO 8601); a dateline in the text does not replace it.
    pub published: Option<&'a str>,
}

/// A cleaned text with everything needed to trust it. Offsets are bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleaned {
    /// The cleaned text.
    pub text: String,
    /// The changes from raw to cleaned text, in raw order.
    pub edits: Vec<Edit>,
    /// Offset maps.
    pub alignment: Alignment,
    /// The title (site suffix removed), from the text or the document.
    pub title: Option<String>,
    /// Whether the title is the first line of the cleaned text.
    pub title_in_text: bool,
    /// Where the body starts in the cleaned text (after the title line, if any).
    pub body_start: usize,
    /// Publication date/time, ISO 8601: the document's, else the first dateline's.
    pub published: Option<String>,
    /// The raw span of the dateline the date came from.
    pub published_raw: Option<Range<usize>>,
    /// Byline (author or agency), if the text names one.
    pub byline: Option<String>,
    /// Paragraph spans in the cleaned text (the title line included).
    pub paragraphs: Vec<Range<usize>>,
}

impl Cleaned {
    /// Sentence spans in the cleaned text, in bytes, found when asked for
    /// ([`structure::sentences`]): a pass over the text that a caller wanting the text alone
    /// would pay for nothing (a tenth of the cleaning of a news article), and room in every
    /// result of a batch. In bytes also after [`Cleaned::into_char_offsets`]:
    /// [`structure::sentences_in_chars`] counts them in characters (as the Python binding does).
    pub fn sentences(&self) -> Vec<Range<usize>> {
        structure::sentences(&self.text)
    }
}

fn keep_enabled(edits: Vec<StageEdit>, disabled: &HashSet<String>) -> Vec<StageEdit> {
    if disabled.is_empty() {
        return edits;
    }
    edits.into_iter().filter(|e| !disabled.contains(e.rule.as_ref())).collect()
}

/// Lines the line stage left alone in an earlier round. Its decision on a line depends on the
/// line alone (and options that stay the same), so a later round skips a line it finds here.
#[derive(Debug, Default)]
struct UntouchedLines {
    /// The text of the round that saw them.
    text: String,
    /// `(key, start, end)` of each line ([`UntouchedLines::key`]), sorted.
    lines: Vec<(u64, usize, usize)>,
}

impl UntouchedLines {
    /// Lines with one key compared, at most: a text made of lines that share their length
    /// and both ends costs a few comparisons per line, not one per line before it.
    const SAME_KEY: usize = 8;

    /// A line's key: its length and its first and last eight bytes, hashed. Read in a few
    /// instructions whatever the line's length; lines with one key are told apart by their
    /// text, and few news lines share their length and both ends but for repeats.
    fn key(line: &str) -> u64 {
        let b = line.as_bytes();
        let word = |w: &[u8]| w.iter().fold(0u64, |acc, &x| acc << 8 | u64::from(x));
        let mut h = FxHasher::default();
        h.write_usize(b.len());
        h.write_u64(word(&b[..b.len().min(8)]));
        h.write_u64(word(&b[b.len().saturating_sub(8)..]));
        h.finish()
    }

    fn contains(&self, line: &str, key: u64) -> bool {
        let from = self.lines.partition_point(|l| l.0 < key);
        self.lines[from..]
            .iter()
            .take_while(|l| l.0 == key)
            .take(Self::SAME_KEY)
            .any(|&(_, s, e)| &self.text[s..e] == line)
    }
}

/// The line stage over the `spans` of the draft's text: serialisations, boilerplate (built-in,
/// user, learned), image names, link-only and URL-only lines.
fn line_rules(
    draft: &Draft<'_>,
    spans: &[(usize, usize)],
    markdown: &mut OfDraft<bool>,
    opts: &CleanOptions,
    learned: Option<&ProfileMatcher>,
    group: Option<&str>,
    untouched: &mut UntouchedLines,
) -> Vec<StageEdit> {
    let text = draft.text();
    let mut edits = Vec::new();
    let mut now = Vec::with_capacity(spans.len());
    for &(s, e) in spans {
        let line = &text[s..e];
        if is_blank(line) {
            continue;
        }
        let key = UntouchedLines::key(line);
        if untouched.contains(line, key) {
            now.push((key, s, e));
            continue;
        }
        let before = edits.len();
        let dumps = markup::serialisations(text, &[(s, e)]);
        let taken = dumps.iter().any(|d| d.range.start == s);
        edits.extend(dumps);
        if !taken {
            // Whether the text holds Markdown, found when a line first needs its plain form: a
            // later round reads few lines.
            let any_markdown = *markdown.of(draft, markup::has_markdown);
            line_rule(text, (s, e), any_markdown, opts, learned, group, &mut edits);
        }
        if edits.len() == before {
            now.push((key, s, e));
        }
    }
    now.sort_unstable();
    *untouched = UntouchedLines { text: text.to_owned(), lines: now };
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    structure::dedupe_overlaps(&mut edits);
    edits
}

/// The first line rule that removes line `(s, e)`, if any, pushed onto `edits`;
/// `any_markdown` is [`markup::has_markdown`] of `text`.
fn line_rule(
    text: &str,
    (s, e): (usize, usize),
    any_markdown: bool,
    opts: &CleanOptions,
    learned: Option<&ProfileMatcher>,
    group: Option<&str>,
    edits: &mut Vec<StageEdit>,
) {
    let line = &text[s..e];
    let range = whole_line(text, (s, e));
    let plain = markup::plain_in(line, any_markdown);
    if let Some(rule) = builtin_match_plain(&plain, &opts.disabled) {
        edits.push(StageEdit::remove(range, rule.id, rule.reason));
    } else if let Some(rule) = opts.rules.iter().find(|r| r.pattern.is_match(line)) {
        edits.push(StageEdit::remove(range, rule.id.clone(), rule.reason.clone()));
    } else if learned.is_some_and(|m| m.matches(line, group)) {
        edits.push(StageEdit::remove(
            range,
            "learned-boilerplate",
            "a line the corpus repeats across its documents (learned profile)",
        ));
    } else if markup::is_image_name(&plain) {
        edits.push(StageEdit::remove(range, "image-file-name", format!("image file name {:?}", line.trim())));
    } else if any_markdown && markup::is_link_only(line) {
        edits.push(StageEdit::remove(range, "link-only-line", "a line of navigation links"));
    } else if markup::is_url_only(&plain) {
        edits.push(StageEdit::remove(range, "url-line", "a line holding only a URL"));
    }
}

/// The lines of `text` after the character, HTML and serialisation stages: what learned
/// boilerplate is counted and matched on.
pub fn prepared_lines(text: &str) -> Vec<String> {
    let mut draft = Draft::new(text);
    early_stages(&mut draft, &CleanOptions::default());
    draft.text().lines().map(str::to_owned).collect()
}

/// Characters, normalisation and HTML.
fn early_stages(draft: &mut Draft<'_>, opts: &CleanOptions) {
    character_stages(draft, opts);
    let mut decoded = false;
    // Again while tags go: `<<b>x</b>>` leaves a tag `<x>` behind.
    for _ in 0..3 {
        let edits = keep_enabled(markup::html(draft.text()), &opts.disabled);
        if edits.is_empty() {
            break;
        }
        decoded |=
            edits.iter().any(|e| !e.replacement.bytes().all(|b| b.is_ascii_graphic() || b == b' ' || b == b'\n'));
        draft.apply(edits);
    }
    if decoded {
        // An entity can decode to what the character stages act on: a combining mark to
        // compose (`Y&#769;`), a tab, a zero-width or control character, half of a mojibake
        // pair. Done here, it saves a round.
        character_stages(draft, opts);
    }
}

/// Character repairs and the normal form, read again only where the text was written since
/// they last found nothing (the draft's changed ranges, up to the seams around them, see
/// [`unicode::windows`]): elsewhere they would find nothing again.
fn character_stages(draft: &mut Draft<'_>, opts: &CleanOptions) {
    for _ in 0..4 {
        // Again while anything changed: removing a control character can join the halves of
        // a mojibake sequence, one repair can reveal another, and normalisation can compose
        // characters that then read as mojibake. Each pass reads around the last one's edits.
        let mut changed = draft.take_changed();
        if changed.is_empty() {
            break;
        }
        let windows = unicode::windows(draft.text(), &changed);
        let edits = keep_enabled(unicode::repair_characters_in(draft.text(), &windows), &opts.disabled);
        let repaired = !edits.is_empty();
        draft.apply_carrying(edits, &mut changed);
        changed.extend_from_slice(draft.changed());
        let windows = unicode::windows(draft.text(), &changed);
        let edits = keep_enabled(unicode::normalize_form_in(draft.text(), opts.form, &windows), &opts.disabled);
        let normalized = !edits.is_empty();
        draft.apply(edits);
        if !(repaired || normalized) {
            break;
        }
    }
}

/// Compiles every built-in pattern of the cleaning stages, once per process (later calls
/// return at once). [`clean`] calls it first: the cost (a few milliseconds) is paid by the
/// first call, not by whichever later text first holds a rare trigger (a `<`, an `@`, a date),
/// so a document's cleaning time depends on the document alone.
pub fn compile_patterns() {
    static COMPILED: std::sync::Once = std::sync::Once::new();
    COMPILED.call_once(|| {
        markup::compile_patterns();
        structure::compile_patterns();
        boilerplate::compile_patterns();
    });
}

/// Rounds of [`clean`] at most.
const MAX_ROUNDS: usize = 16;

/// Cleans one text.
///
/// # Examples
/// ```
/// use copydesk::clean::{clean, CleanOptions, DocumentHints};
/// let raw = "Aleppo Evacuation Halts\n\nAleppo Evacuation Halts\nTue Dec 13, 2016 22:11:53\n\nThe evacuation of Eastern Aleppo came to a halt on Friday, a source told RIA Novosti.\nFacebook Comments";
/// let c = clean(raw, DocumentHints::default(), &CleanOptions::default(), None);
/// assert_eq!(c.text, "Aleppo Evacuation Halts\n\nThe evacuation of Eastern Aleppo came to a halt on Friday, a source told RIA Novosti.");
/// assert_eq!(c.published.as_deref(), Some("2016-12-13T22:11:53"));
/// assert_eq!(c.title.as_deref(), Some("Aleppo Evacuation Halts"));
/// ```
pub fn clean(raw: &str, hints: DocumentHints<'_>, opts: &CleanOptions, learned: Option<&ProfileMatcher>) -> Cleaned {
    compile_patterns();
    let mut draft = Draft::new(raw);
    let mut state = RoundState::default();
    // Rounds until a round changes nothing: a rule's decision can depend on lines another
    // rule removes. Each round is a function of the text alone (with the same hints and
    // options), so a round that leaves the text as it is would leave it so in a fresh
    // `clean` too: that fixpoint is what makes cleaning idempotent. Almost every text
    // settles in its second round. The cap bounds the cost of a text made to keep changing
    // (markup nested dozens deep); such a text may change again if cleaned again.
    for round in 0..MAX_ROUNDS {
        draft.checkpoint();
        stages(&mut draft, hints, opts, learned, &mut state, round);
        if draft.unchanged_since_checkpoint() {
            break;
        }
    }
    let RoundState { found, published_raw, mut lines, .. } = state;
    let mut paragraphs = structure::paragraphs_of_lines(draft.text(), lines.of(&draft, structure::lines));
    let (text, mut edits, mut alignment) = draft.finish();
    let title_in_text = found.title_in_text && !text.is_empty();
    let body_start = if title_in_text {
        text.find('\n').map_or(text.len(), |i| i + 1 + usize::from(text[i + 1..].starts_with('\n')))
    } else {
        0
    };
    // A batch keeps every result: room left over in these lists would be a third of its
    // memory (paragraphs reuse the buffer of all lines), each page of it a page fault.
    paragraphs.shrink_to_fit();
    edits.shrink_to_fit();
    alignment.segments.shrink_to_fit();
    let (published, published_raw) = match hints.published {
        Some(p) => (Some(p.to_owned()), None),
        None => (found.published.map(|p| p.0), published_raw),
    };
    let title = found.title.map(|t| {
        // A title from the document field gets the same character repair as the text.
        let mut d = Draft::new(&t);
        early_stages(&mut d, opts);
        d.text().split_whitespace().collect::<Vec<_>>().join(" ")
    });
    Cleaned {
        text,
        edits,
        alignment,
        title,
        title_in_text,
        body_start,
        published,
        published_raw,
        byline: found.byline,
        paragraphs,
    }
}

/// Something made of the draft's text, made again only once the text is written: the line
/// stage, structure, layout and the paragraphs often read one text.
#[derive(Debug, Default)]
struct OfDraft<T> {
    /// The draft's [`Draft::writes`] when `value` was made, if it was.
    writes: Option<u64>,
    value: T,
}

impl<T> OfDraft<T> {
    /// `make` of the draft's text, made now if the text was written since it last was.
    fn of(&mut self, draft: &Draft<'_>, make: fn(&str) -> T) -> &T {
        if self.writes != Some(draft.writes()) {
            self.value = make(draft.text());
            self.writes = Some(draft.writes());
        }
        &self.value
    }
}

/// What rounds carry to the next.
#[derive(Debug, Default)]
struct RoundState {
    /// What the structure stage found.
    found: structure::Found,
    /// The raw span of the dateline the date came from.
    published_raw: Option<Range<usize>>,
    /// The lines the line stage left alone.
    untouched: UntouchedLines,
    /// The draft's [`Draft::writes`] and the title flag just after the last layout: while
    /// both are the same, the text is layout's own output.
    laid_out: Option<(u64, bool)>,
    /// The lines of the draft's text ([`lines`]).
    lines: OfDraft<Vec<(usize, usize)>>,
    /// Whether the draft's text holds Markdown ([`markup::has_markdown`]).
    markdown: OfDraft<bool>,
}

/// One round of every stage. What the structure stage finds in a later round only fills
/// what earlier rounds did not find; the edits a round makes depend on its text alone.
fn stages(
    draft: &mut Draft<'_>,
    hints: DocumentHints<'_>,
    opts: &CleanOptions,
    learned: Option<&ProfileMatcher>,
    state: &mut RoundState,
    round: usize,
) {
    let RoundState { found, published_raw, untouched, laid_out, lines, markdown } = state;
    early_stages(draft, opts);
    let spans = lines.of(draft, structure::lines);
    let edits =
        keep_enabled(line_rules(draft, spans, markdown, opts, learned, hints.source, untouched), &opts.disabled);
    draft.apply(edits);
    let structure_hints = Hints {
        title: hints.title,
        source: hints.source,
        keeps_bylines: opts.disabled.contains("byline"),
        keeps_datelines: opts.disabled.contains("dateline"),
    };
    let any_markdown = *markdown.of(draft, markup::has_markdown);
    let (edits, now) =
        structure::structure_of_lines(draft.text(), lines.of(draft, structure::lines), any_markdown, structure_hints);
    if published_raw.is_none() {
        *published_raw = now.published.as_ref().map(|(_, span)| {
            let a = draft.alignment();
            a.to_raw(span.start, false)..a.to_raw(span.end, true)
        });
    }
    if round == 0 {
        *found = now;
    } else {
        found.published = found.published.take().or(now.published);
        found.byline = found.byline.take().or(now.byline);
        found.title_in_text = now.title_in_text;
    }
    draft.apply(keep_enabled(edits, &opts.disabled));
    // Again while markup goes: `__**x**__` is emphasis inside emphasis.
    let mut removed_markup = false;
    for _ in 0..if *markdown.of(draft, markup::has_markdown) { 4 } else { 0 } {
        let edits = keep_enabled(markup::markdown(draft.text()), &opts.disabled);
        if edits.is_empty() {
            break;
        }
        removed_markup = true;
        draft.apply(edits);
    }
    let edits = keep_enabled(markup::links(draft.text(), opts.urls, opts.emails), &opts.disabled);
    removed_markup |= !edits.is_empty();
    draft.apply(edits);
    // What the markers stood between now meet: a letter and a combining mark to compose
    // (`a__\u{309}`), the halves of a mojibake pair. Done here, it saves a round.
    if removed_markup {
        character_stages(draft, opts);
    }
    // Layout finds nothing in its own output (`layout_finds_nothing_in_its_own_output`): in a
    // round whose earlier stages wrote nothing, the verification round of most texts, it is
    // not run again. Only with all its rules on: a part of its edits is not its output.
    let layout_key = (draft.writes(), found.title_in_text);
    if *laid_out != Some(layout_key) {
        let edits = keep_enabled(
            structure::layout_of_lines(draft.text(), lines.of(draft, structure::lines), found.title_in_text),
            &opts.disabled,
        );
        draft.apply(edits);
    }
    let all_layout_rules = !structure::LAYOUT_RULES.iter().any(|r| opts.disabled.contains(*r));
    *laid_out = all_layout_rules.then(|| (draft.writes(), found.title_in_text));
}

/// A result's offsets counted in characters (Python `str` indices) instead of bytes: what
/// [`Cleaned::char_offsets`] gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharOffsets {
    /// Each edit's raw span, in the order of [`Cleaned::edits`].
    pub edits: Vec<Range<usize>>,
    /// The offset maps.
    pub alignment: Alignment,
    /// Paragraph spans in the cleaned text.
    pub paragraphs: Vec<Range<usize>>,
    /// Where the body starts in the cleaned text.
    pub body_start: usize,
    /// The raw span of the dateline the date came from.
    pub published_raw: Option<Range<usize>>,
}

impl Cleaned {
    /// Every offset of the result counted in characters (Python `str` indices) instead of
    /// bytes; `raw` is the text that was cleaned. Apart from the result: the Python binding
    /// makes them when an offset is first asked for, as most callers want the text alone.
    pub fn char_offsets(&self, raw: &str) -> CharOffsets {
        let mut offsets = CharOffsets {
            edits: self.edits.iter().map(|e| e.raw.clone()).collect(),
            alignment: self.alignment.clone(),
            paragraphs: self.paragraphs.clone(),
            body_start: self.body_start,
            published_raw: self.published_raw.clone(),
        };
        // Every list of spans is in text order: the lists of each text are walked merged, so
        // each text is counted once.
        let CharOffsets { edits, alignment, paragraphs, body_start, published_raw } = &mut offsets;
        let Alignment { segments, raw_len, clean_len } = alignment;
        // In an ASCII text a byte offset is a character offset.
        let (raw_ascii, clean_ascii) = (raw.is_ascii(), self.text.is_ascii());
        let (mut segments_raw, mut segments_clean) = (Vec::new(), Vec::new());
        for Segment { raw, clean, .. } in segments.iter_mut() {
            if !raw_ascii {
                segments_raw.extend([&mut raw.start, &mut raw.end]);
            }
            if !clean_ascii {
                segments_clean.extend([&mut clean.start, &mut clean.end]);
            }
        }
        if !raw_ascii {
            segments_raw.push(raw_len);
            let edits_raw = edits.iter_mut().flat_map(|r| [&mut r.start, &mut r.end]).collect();
            let published = published_raw.iter_mut().flat_map(|r| [&mut r.start, &mut r.end]).collect();
            to_char_offsets_merged(raw, &mut [edits_raw, segments_raw, published]);
        }
        if !clean_ascii {
            segments_clean.push(clean_len);
            let paragraphs = paragraphs.iter_mut().flat_map(|r| [&mut r.start, &mut r.end]).collect();
            to_char_offsets_merged(&self.text, &mut [segments_clean, paragraphs, vec![body_start]]);
        }
        offsets
    }

    /// The same result with every offset counted in characters ([`Cleaned::char_offsets`]).
    pub fn into_char_offsets(mut self, raw: &str) -> Cleaned {
        let CharOffsets { edits, alignment, paragraphs, body_start, published_raw } = self.char_offsets(raw);
        for (edit, span) in self.edits.iter_mut().zip(edits) {
            edit.raw = span;
        }
        (self.alignment, self.paragraphs, self.body_start, self.published_raw) =
            (alignment, paragraphs, body_start, published_raw);
        self
    }
}

/// Learns boilerplate from documents given as `(group, text)`, in parallel chunks whose
/// counts merge.
pub fn learn_boilerplate<C>(
    documents: &[(Option<&str>, &str)],
    by_group: bool,
    params: boilerplate::LearnParams,
    workers: &crate::parallel::Workers,
    checkpoint: C,
) -> crate::error::Result<boilerplate::LineCounts>
where
    C: FnMut(usize, usize) -> bool,
{
    let chunks: Vec<&[(Option<&str>, &str)]> = documents.chunks(256).collect();
    let counted = workers.map_chunks(
        &chunks,
        8,
        |chunk| {
            let mut counts = boilerplate::LineCounts::default();
            for (group, text) in *chunk {
                let group = if by_group { group.unwrap_or(boilerplate::NO_GROUP) } else { boilerplate::ALL };
                let lines = prepared_lines(text);
                counts.add_document(group, lines.iter().map(String::as_str), params.max_chars);
            }
            counts
        },
        checkpoint,
    )?;
    let mut total = boilerplate::LineCounts::default();
    for counts in counted {
        total.merge(counts);
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::unicode::NormalForm;

    #[test]
    fn the_lines_of_a_draft_are_split_again_once_it_is_written() {
        let mut draft = Draft::new("Title\n\nBody line\nShare this");
        let mut lines = OfDraft::default();
        assert_eq!(*lines.of(&draft, structure::lines), [(0, 5), (6, 6), (7, 16), (17, 27)]);
        draft.apply(Vec::new());
        assert_eq!(*lines.of(&draft, structure::lines), [(0, 5), (6, 6), (7, 16), (17, 27)]);
        draft.apply(vec![StageEdit::remove(16..27, "share-widget", "share")]);
        assert_eq!(*lines.of(&draft, structure::lines), [(0, 5), (6, 6), (7, 16)]);
        draft.apply(vec![StageEdit::replace(0..5, "A\nB", "x", "x")]);
        assert_eq!(*lines.of(&draft, structure::lines), structure::lines(draft.text()));
        assert_eq!(*lines.of(&draft, structure::lines), [(0, 1), (2, 3), (4, 4), (5, 14)]);
    }

    #[test]
    fn whether_a_draft_holds_markdown_is_found_again_once_it_is_written() {
        let mut draft = Draft::new("Title\n[Home](/)\nBody");
        let mut markdown = OfDraft::default();
        assert!(*markdown.of(&draft, markup::has_markdown));
        draft.apply(Vec::new());
        assert!(*markdown.of(&draft, markup::has_markdown));
        draft.apply(vec![StageEdit::remove(6..16, "link-only-line", "links")]);
        assert!(!*markdown.of(&draft, markup::has_markdown));
        draft.apply(vec![StageEdit::replace(0..5, "**Title**", "x", "x")]);
        assert!(*markdown.of(&draft, markup::has_markdown));
    }

    #[test]
    fn untouched_lines_are_told_apart_by_their_text() {
        // Twenty lines with one key (one length, the same first and last eight bytes).
        let line = |k: usize| format!("Aleppo: line {k:02} of the report ends here.");
        let text: String = (0..20).map(|k| line(k) + "\n").collect();
        let mut lines: Vec<(u64, usize, usize)> = structure::lines(&text)
            .into_iter()
            .filter(|&(s, e)| s < e)
            .map(|(s, e)| (UntouchedLines::key(&text[s..e]), s, e))
            .collect();
        lines.sort_unstable();
        let key = UntouchedLines::key(&line(0));
        assert!(lines.iter().all(|l| l.0 == key));
        let memo = UntouchedLines { text, lines };
        // A line not among them, with their key, is never found.
        assert!(!memo.contains(&line(20), key) && !memo.contains(&line(99), key));
        // Those within the comparisons allowed are.
        let found = (0..20).filter(|&k| memo.contains(&line(k), key)).count();
        assert!(found >= UntouchedLines::SAME_KEY, "{found}");
        assert_ne!(UntouchedLines::key("Aleppo"), UntouchedLines::key("Aleppo "));
    }

    #[test]
    fn a_result_keeps_no_room_beyond_its_lists() {
        // One long line and many short ones: the buffer of all lines would be far larger
        // than the paragraphs, and the lists grown by doubling larger than their contents.
        let mut raw = "A long first line of an article that runs on. ".repeat(40);
        for k in 0..37 {
            raw.push_str(&format!("\n\nShare this\nParagraph {k}. It ends here. Another starts.\n"));
        }
        let c = clean(&raw, DocumentHints::default(), &CleanOptions::default(), None);
        assert!(c.edits.len() > 30 && c.sentences().len() > 70 && c.paragraphs.len() > 30);
        assert_eq!(c.paragraphs.capacity(), c.paragraphs.len());
        assert_eq!(c.edits.capacity(), c.edits.len());
        assert_eq!(c.alignment.segments.capacity(), c.alignment.segments.len());
    }

    /// [`character_stages`] as it was, reading the whole text on every pass.
    fn character_stages_over_the_whole_text(draft: &mut Draft<'_>, opts: &CleanOptions) {
        for _ in 0..4 {
            let edits = keep_enabled(unicode::repair_characters(draft.text()), &opts.disabled);
            let mut changed = !edits.is_empty();
            draft.apply(edits);
            let edits = keep_enabled(unicode::normalize_form(draft.text(), opts.form), &opts.disabled);
            changed |= !edits.is_empty();
            draft.apply(edits);
            if !changed {
                break;
            }
        }
    }

    #[test]
    fn the_character_stages_read_around_what_changed_and_find_what_the_whole_text_gives() {
        use crate::clean::unicode::tests::TRICKY;
        let mut next = crate::test_rng::below(0x7A1F_03C5_9E62_D4B8);
        let nfkc_no_spaces =
            CleanOptions { form: NormalForm::Nfkc, disabled: ["space".to_owned()].into(), ..CleanOptions::default() };
        let mut edited = 0;
        for round in 0..6_000 {
            let opts = if round % 3 == 2 { &nfkc_no_spaces } else { &CleanOptions::default() };
            let raw: String = crate::test_rng::joined(&mut next, TRICKY, 12);
            let (mut read_around, mut read_whole) = (Draft::new(&raw), Draft::new(&raw));
            for step in 0..7 {
                if step % 2 == 0 {
                    character_stages(&mut read_around, opts);
                    character_stages_over_the_whole_text(&mut read_whole, opts);
                    assert_eq!(read_around.edits(), read_whole.edits(), "{raw:?} step {step}");
                    assert_eq!(read_around.text(), read_whole.text());
                    continue;
                }
                // Another stage's edits: removals, insertions, replacements anywhere.
                let text = read_around.text().to_owned();
                let bounds: Vec<usize> = (0..=text.len()).filter(|&b| text.is_char_boundary(b)).collect();
                let mut cuts: Vec<usize> = (0..2 * next(3)).map(|_| bounds[next(bounds.len())]).collect();
                cuts.sort_unstable();
                let edits: Vec<StageEdit> = cuts
                    .chunks(2)
                    .map(|c| StageEdit::replace(c[0]..c[1], TRICKY[next(TRICKY.len())].repeat(next(2)), "test", "x"))
                    .collect();
                edited += edits.len();
                read_around.apply(edits.clone());
                read_whole.apply(edits);
            }
        }
        assert!(edited > 10_000, "{edited}");
    }

    #[test]
    fn the_last_lines_removed_together_go_in_one_round() {
        // The text's last line takes the line break before it, which the line before it (removed
        // too) also takes: both must go. Left to a later round, the link-only line had lost its
        // link (Markdown) and stayed as words; the URL had been joined to the paragraph.
        let body = "Aleppo\n\nThe army took the city on Tuesday, officials said.";
        for (tail, rule) in [
            ("Leave a Reply\n[War Agenda](#)", "link-only-line"),
            ("[Fars News](#)\nhttps://example.com/2016/12/aleppo/", "url-line"),
        ] {
            let raw = format!("{body}\n\nClick here to support our work.\n{tail}");
            let c = clean(&raw, DocumentHints::default(), &CleanOptions::default(), None);
            assert_eq!(c.text, body, "{raw:?}");
            let last = c.edits.last().expect("edits");
            assert_eq!((last.rule.as_ref(), &raw[last.raw.clone()]), (rule, tail.rsplit('\n').next().unwrap()));
            let mut d = Draft::new(&raw);
            let mut state = RoundState::default();
            stages(&mut d, DocumentHints::default(), &CleanOptions::default(), None, &mut state, 0);
            assert_eq!(d.text(), body, "one round");
        }
    }

    #[test]
    fn datelines_and_bylines_before_the_title_go_and_the_title_stays() {
        let body = "The army took the city on Tuesday, officials said. Talks were to resume.";
        let opts = CleanOptions::default();
        for (raw, byline, published) in [
            (format!("By John Smith\n\nAleppo Falls\n\n{body}"), Some("John Smith"), None),
            (format!("Posted on by willyloman\nAleppo Falls\n\n{body}"), Some("willyloman"), None),
            (format!("Tue Dec 13, 2016 22:11:53\n\nAleppo Falls\n\n{body}"), None, Some("2016-12-13T22:11:53")),
            (format!("By Reuters\nDec 13, 2016\nAleppo Falls\n{body}"), Some("Reuters"), Some("2016-12-13")),
        ] {
            let c = clean(&raw, DocumentHints::default(), &opts, None);
            assert_eq!(c.title.as_deref(), Some("Aleppo Falls"), "{raw:?}");
            assert!(c.title_in_text && c.text.starts_with("Aleppo Falls\n"), "{:?}", c.text);
            assert_eq!((c.byline.as_deref(), c.published.as_deref()), (byline, published), "{raw:?}");
            assert!(c.text.ends_with(body), "{:?}", c.text);
            let again = clean(&c.text, DocumentHints::default(), &opts, None);
            assert_eq!((again.text, again.title), (c.text, c.title));
        }
        // With the byline (or dateline) rule switched off the line stays first: no title then.
        for (rule, first) in [("byline", "By John Smith"), ("dateline", "Tue Dec 13, 2016 22:11:53")] {
            let keeps = CleanOptions { disabled: [rule.to_owned()].into(), ..CleanOptions::default() };
            let c = clean(&format!("{first}\n\nAleppo Falls\n\n{body}"), DocumentHints::default(), &keeps, None);
            assert!(c.text.starts_with(first), "{:?}", c.text);
            assert_eq!((c.title, c.title_in_text), (None, false), "{rule}");
        }
        // A count standing alone first (comments, a page number) is not a title.
        let c = clean(&format!("12\n\n{body}"), DocumentHints::default(), &opts, None);
        assert_eq!((c.title, c.title_in_text), (None, false));
        // A byline alone before the body: no title, the byline kept as metadata.
        let c = clean(&format!("by PAUL FASSA\n\n{body}"), DocumentHints::default(), &opts, None);
        assert_eq!((c.title, c.byline.as_deref(), c.text.as_str()), (None, Some("PAUL FASSA"), body));
    }
}
