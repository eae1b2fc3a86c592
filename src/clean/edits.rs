//! The edit log: how cleaned text stays tied to the raw text.
//!
//! Cleaning runs as stages; each stage looks at the *current* text and proposes edits
//! (replace this byte range with that string, by this rule, for this reason). A [`Draft`]
//! holds the current text as a sequence of [`Piece`]s, each either a run of raw text kept as
//! it is or a replacement standing for a raw span, and rewrites the pieces as stages apply
//! edits. An edit that cuts into an earlier replacement swallows it whole (a replacement has
//! no inner correspondence to the raw text), so the pieces always tile both texts in order.
//!
//! From the pieces come the final [`Edit`] list (raw span → replacement, rule, reason) and
//! an [`Alignment`] that maps offsets both ways in O(log n). By construction, every kept
//! character maps to the identical raw character, and applying the edits to the raw text
//! gives the cleaned text.
//!
//! The draft also records which ranges of the current text edits have written since
//! [`Draft::take_changed`] was last called: a stage whose decisions are local reads again
//! only around them (the character stages do).
//!
//! Cost: applying a stage's edits is one pass over the pieces and the current text.

use std::borrow::Cow;
use std::ops::Range;

/// A rule id: built-in ids are static, user rules bring their own.
pub type RuleId = Cow<'static, str>;

/// A reason: the built-in rules' are static (no allocation per edit), others are made.
pub type Reason = Cow<'static, str>;

/// A stage's proposal: replace `range` of the current text (bytes) with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageEdit {
    /// Byte range in the current text.
    pub range: Range<usize>,
    /// The new text (empty for a removal).
    pub replacement: String,
    /// Rule id, e.g. `html-tag`.
    pub rule: RuleId,
    /// One sentence for a reader.
    pub reason: Reason,
}

impl StageEdit {
    /// A removal of `range`.
    pub fn remove(range: Range<usize>, rule: impl Into<RuleId>, reason: impl Into<Reason>) -> Self {
        StageEdit { range, replacement: String::new(), rule: rule.into(), reason: reason.into() }
    }

    /// A replacement of `range` by `replacement`.
    pub fn replace(
        range: Range<usize>,
        replacement: impl Into<String>,
        rule: impl Into<RuleId>,
        reason: impl Into<Reason>,
    ) -> Self {
        StageEdit { range, replacement: replacement.into(), rule: rule.into(), reason: reason.into() }
    }
}

/// One change from raw to cleaned text, with raw byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Byte range in the raw text.
    pub raw: Range<usize>,
    /// What stands there in the cleaned text.
    pub replacement: String,
    /// Rule id.
    pub rule: RuleId,
    /// Why.
    pub reason: Reason,
}

/// A piece of the current text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Raw text kept as it is.
    Kept(Range<usize>),
    /// A replacement for a raw span.
    Replaced(Edit),
}

impl Piece {
    fn raw(&self) -> Range<usize> {
        match self {
            Piece::Kept(r) => r.clone(),
            Piece::Replaced(e) => e.raw.clone(),
        }
    }

    fn current_len(&self) -> usize {
        match self {
            Piece::Kept(r) => r.len(),
            Piece::Replaced(e) => e.replacement.len(),
        }
    }
}

/// The text being cleaned: raw text, current text and the pieces tying them.
#[derive(Debug, Clone)]
pub struct Draft<'a> {
    raw: &'a str,
    current: String,
    pieces: Vec<Piece>,
    /// The text at the last [`Draft::checkpoint`], once an edit has changed it (the old
    /// buffer, handed over rather than copied).
    at_checkpoint: Option<String>,
    /// The ranges of the current text written since [`Draft::take_changed`] (all of it at
    /// first), sorted and apart: where a stage that found nothing then may find something.
    changed: Vec<Range<usize>>,
    /// How many times the text was written (see [`Draft::writes`]).
    writes: u64,
}

impl<'a> Draft<'a> {
    /// A draft with nothing changed yet.
    pub fn new(raw: &'a str) -> Self {
        let pieces = if raw.is_empty() { Vec::new() } else { vec![Piece::Kept(0..raw.len())] };
        Draft {
            raw,
            current: raw.to_owned(),
            pieces,
            at_checkpoint: None,
            changed: std::iter::once(0..raw.len()).collect(),
            writes: 0,
        }
    }

    /// How many times edits were applied to the text: while it stays the same, so does the
    /// text. (A write can leave the text as it was: equal counts mean equal texts, not the
    /// other way round.)
    ///
    /// # Examples
    /// ```
    /// use copydesk::clean::edits::{Draft, StageEdit};
    /// let mut d = Draft::new("a  b");
    /// let before = d.writes();
    /// d.apply(Vec::new());
    /// assert_eq!(d.writes(), before);
    /// d.apply(vec![StageEdit::remove(1..2, "space", "x")]);
    /// assert_ne!(d.writes(), before);
    /// ```
    pub fn writes(&self) -> u64 {
        self.writes
    }

    /// The ranges of the current text written since the last call (all of it, the first
    /// time), sorted and apart; an empty range is where text was removed. The record starts
    /// again empty.
    pub fn take_changed(&mut self) -> Vec<Range<usize>> {
        std::mem::take(&mut self.changed)
    }

    /// The ranges written since [`Draft::take_changed`], as it would return them.
    pub fn changed(&self) -> &[Range<usize>] {
        &self.changed
    }

    /// Marks the current text, for [`Draft::unchanged_since_checkpoint`].
    pub fn checkpoint(&mut self) {
        self.at_checkpoint = None;
    }

    /// Whether the text is what it was at the last [`Draft::checkpoint`] (or at the start).
    ///
    /// # Examples
    /// ```
    /// use copydesk::clean::edits::{Draft, StageEdit};
    /// let mut d = Draft::new("a  b");
    /// d.checkpoint();
    /// d.apply(vec![StageEdit::remove(1..2, "space", "x")]);
    /// assert!(!d.unchanged_since_checkpoint());
    /// d.apply(vec![StageEdit::replace(1..1, " ", "space", "x")]);
    /// assert!(d.unchanged_since_checkpoint());
    /// ```
    pub fn unchanged_since_checkpoint(&self) -> bool {
        self.at_checkpoint.as_ref().is_none_or(|earlier| *earlier == self.current)
    }

    /// The raw text.
    pub fn raw(&self) -> &'a str {
        self.raw
    }

    /// The current text.
    pub fn text(&self) -> &str {
        &self.current
    }

    /// Applies one stage's edits (sorted by start, not overlapping; empty ranges are
    /// insertions). Edits that cut into an earlier replacement are widened to cover it.
    ///
    /// # Examples
    /// ```
    /// use copydesk::clean::edits::{Draft, StageEdit};
    /// let mut d = Draft::new("a &amp; b");
    /// d.apply(vec![StageEdit::replace(2..7, "&", "html-entity", "decoded")]);
    /// d.apply(vec![StageEdit::remove(0..2, "test", "x")]);
    /// assert_eq!(d.text(), "& b");
    /// let edits = d.edits();
    /// assert_eq!(edits.len(), 2);
    /// assert_eq!(edits[1].raw, 2..7);
    /// ```
    pub fn apply(&mut self, edits: Vec<StageEdit>) {
        self.apply_carrying(edits, &mut []);
    }

    /// [`Draft::apply`], and `carried` (sorted, apart ranges of the current text) moved to
    /// where the same text stands after it, a range that an edit cuts into grown to the whole
    /// replacement.
    pub fn apply_carrying(&mut self, edits: Vec<StageEdit>, carried: &mut [Range<usize>]) {
        // Most stages find nothing in most texts.
        if edits.is_empty() {
            return;
        }
        let old = std::mem::take(&mut self.pieces);
        // Current-text range of each piece.
        let mut ranges = Vec::with_capacity(old.len());
        let mut pos = 0;
        for p in &old {
            ranges.push(pos..pos + p.current_len());
            pos += p.current_len();
        }
        let edits = widen(edits, &old, &ranges, &self.current);
        if edits.is_empty() {
            self.pieces = old;
            return;
        }
        // Split kept pieces at every edit boundary, so that edits cover whole pieces.
        let mut cuts: Vec<usize> = edits.iter().flat_map(|e| [e.range.start, e.range.end]).collect();
        cuts.sort_unstable();
        cuts.dedup();
        let mut split: Vec<(Range<usize>, Piece)> = Vec::with_capacity(old.len() + cuts.len());
        let mut c = 0;
        for (piece, range) in old.into_iter().zip(ranges) {
            match piece {
                Piece::Kept(raw) => {
                    while c < cuts.len() && cuts[c] <= range.start {
                        c += 1;
                    }
                    let mut from = range.start;
                    while c < cuts.len() && cuts[c] < range.end {
                        let at = cuts[c];
                        split.push((
                            from..at,
                            Piece::Kept(raw.start + from - range.start..raw.start + at - range.start),
                        ));
                        from = at;
                        c += 1;
                    }
                    split.push((from..range.end, Piece::Kept(raw.start + from - range.start..raw.end)));
                }
                replaced @ Piece::Replaced(_) => split.push((range, replaced)),
            }
        }
        // Sweep: pieces before an edit stay, pieces inside it become one replacement.
        let mut pieces: Vec<Piece> = Vec::with_capacity(split.len() + edits.len());
        // The new text is the current one with the edits applied: copied a stretch between
        // edits at a time, not a piece at a time.
        let mut text = String::with_capacity(self.current.len());
        let mut copied = 0;
        let mut items = split.into_iter().peekable();
        let mut raw_pos = 0;
        // `(range in the current text, range in the new text)` of each edit.
        let mut moves: Vec<(Range<usize>, Range<usize>)> = Vec::with_capacity(edits.len());
        for edit in edits {
            let at = edit.range.start;
            while let Some((range, _)) = items.peek() {
                let before = range.end < at || (range.end == at && (range.start < at || range.is_empty()));
                if !before {
                    break;
                }
                let (_, piece) = items.next().expect("peeked");
                raw_pos = piece.raw().end;
                push_piece(piece, &mut pieces);
            }
            let raw_start = raw_pos;
            while let Some((range, _)) = items.peek() {
                if !(range.start >= at && range.end <= edit.range.end && range.start < edit.range.end) {
                    break;
                }
                let (_, piece) = items.next().expect("peeked");
                raw_pos = piece.raw().end;
            }
            text.push_str(&self.current[copied..at]);
            moves.push((edit.range.clone(), text.len()..text.len() + edit.replacement.len()));
            text.push_str(&edit.replacement);
            copied = edit.range.end;
            pieces.push(Piece::Replaced(Edit {
                raw: raw_start..raw_pos,
                replacement: edit.replacement,
                rule: edit.rule,
                reason: edit.reason,
            }));
        }
        for (_, piece) in items {
            push_piece(piece, &mut pieces);
        }
        text.push_str(&self.current[copied..]);
        self.pieces = pieces;
        move_ranges(carried, &moves);
        move_ranges(&mut self.changed, &moves);
        self.changed.extend(moves.into_iter().map(|(_, new)| new));
        coalesce(&mut self.changed);
        let earlier = std::mem::replace(&mut self.current, text);
        self.writes += 1;
        if self.at_checkpoint.is_none() {
            self.at_checkpoint = Some(earlier);
        }
    }

    /// The edits from raw to current text, in raw order.
    pub fn edits(&self) -> Vec<Edit> {
        self.pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Replaced(e) => Some(e.clone()),
                Piece::Kept(_) => None,
            })
            .collect()
    }

    /// The byte-offset alignment between raw and current text.
    pub fn alignment(&self) -> Alignment {
        let mut segments = Vec::with_capacity(self.pieces.len());
        let mut clean = 0;
        let mut raw = 0;
        for p in &self.pieces {
            let r = p.raw();
            if r.start > raw {
                // Raw text no piece covers cannot happen; guard anyway as a removal.
                segments.push(Segment { clean: clean..clean, raw: raw..r.start, kept: false });
            }
            let len = p.current_len();
            segments.push(Segment { clean: clean..clean + len, raw: r.clone(), kept: matches!(p, Piece::Kept(_)) });
            clean += len;
            raw = r.end;
        }
        if raw < self.raw.len() {
            segments.push(Segment { clean: clean..clean, raw: raw..self.raw.len(), kept: false });
        }
        Alignment { segments, raw_len: self.raw.len(), clean_len: clean }
    }

    /// Consumes the draft: cleaned text, edits and alignment.
    pub fn finish(self) -> (String, Vec<Edit>, Alignment) {
        let edits = self.edits();
        let alignment = self.alignment();
        (self.current, edits, alignment)
    }
}

/// `ranges` (sorted, apart) of a text moved, in place, by `moves` (`(old range, new range)` of
/// each edit, sorted, apart): an end inside an edit goes to that end of its new range.
fn move_ranges(ranges: &mut [Range<usize>], moves: &[(Range<usize>, Range<usize>)]) {
    let at = |pos: usize, to_end: bool| {
        // The last edit starting before `pos`: inside it, or the shift it leaves after it.
        let k = moves.partition_point(|(old, _)| old.start < pos);
        match k.checked_sub(1).map(|k| &moves[k]) {
            None => pos,
            Some((old, new)) if pos < old.end => {
                if to_end {
                    new.end
                } else {
                    new.start
                }
            }
            Some((old, new)) => pos - old.end + new.end,
        }
    };
    for r in ranges {
        *r = at(r.start, false)..at(r.end, true);
    }
}

/// Sorts `ranges` and merges, in place, those that overlap or touch.
fn coalesce(ranges: &mut Vec<Range<usize>>) {
    ranges.sort_unstable_by_key(|r| (r.start, r.end));
    ranges.dedup_by(|next, kept| {
        let touches = next.start <= kept.end;
        if touches {
            kept.end = kept.end.max(next.end);
        }
        touches
    });
}

/// Appends `piece` to `pieces`, a kept piece merged into a kept piece it continues.
fn push_piece(piece: Piece, pieces: &mut Vec<Piece>) {
    match piece {
        Piece::Kept(raw) => {
            if let Some(Piece::Kept(prev)) = pieces.last_mut() {
                if prev.end == raw.start {
                    prev.end = raw.end;
                    return;
                }
            }
            if !raw.is_empty() {
                pieces.push(Piece::Kept(raw));
            }
        }
        replaced @ Piece::Replaced(_) => pieces.push(replaced),
    }
}

/// Prepares a stage's edits: sorted; merged where they overlap; widened where they cut into
/// a replacement (which has no inner correspondence to the raw text), edits cutting into the
/// same replacement becoming one; split around earlier removals they span, so that a
/// removal keeps its own rule (the edit's text goes before the first split); and dropped
/// where they change nothing.
fn widen(mut edits: Vec<StageEdit>, pieces: &[Piece], ranges: &[Range<usize>], current: &str) -> Vec<StageEdit> {
    let len = current.len();
    edits.retain(|e| !(e.range.is_empty() && e.replacement.is_empty()));
    for e in &mut edits {
        e.range.start = e.range.start.min(len);
        e.range.end = e.range.end.clamp(e.range.start, len);
    }
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let edits = merge_overlapping(edits);
    // The replacement strictly containing `pos`, if any.
    let inside = |pos: usize| -> Option<Range<usize>> {
        let k = ranges.partition_point(|r| r.end <= pos);
        match (pieces.get(k), ranges.get(k)) {
            (Some(Piece::Replaced(_)), Some(r)) if r.start < pos && pos < r.end => Some(r.clone()),
            _ => None,
        }
    };
    // An edit's range widened to whole replacements.
    let widened_start = |pos: usize| inside(pos).map_or(pos, |r| r.start);
    let widened_end = |pos: usize| inside(pos).map_or(pos, |r| r.end);
    let mut out: Vec<StageEdit> = Vec::with_capacity(edits.len());
    let mut edits = edits.into_iter().peekable();
    while let Some(first) = edits.next() {
        // Widened, together with the following edits whose widened range overlaps: the
        // replacement keeps the text between them.
        let start = widened_start(first.range.start);
        let mut end = widened_end(first.range.end);
        let mut replacement = if start == first.range.start {
            first.replacement
        } else {
            current[start..first.range.start].to_owned() + &first.replacement
        };
        let mut pos = first.range.end;
        while let Some(next) = edits.next_if(|n| widened_start(n.range.start) < end) {
            replacement.push_str(&current[pos..next.range.start]);
            replacement.push_str(&next.replacement);
            pos = next.range.end;
            end = end.max(widened_end(next.range.end));
        }
        replacement.push_str(&current[pos..end]);
        let e = StageEdit { range: start..end, replacement, rule: first.rule, reason: first.reason };
        // Earlier removals strictly inside the edit, and whether it covers replaced text.
        let mut removals = Vec::new();
        let mut touches_replacement = false;
        let from = ranges.partition_point(|r| r.end < e.range.start);
        for k in from..pieces.len() {
            let r = &ranges[k];
            if r.start >= e.range.end && !r.is_empty() || r.start > e.range.end {
                break;
            }
            if let Piece::Replaced(_) = pieces[k] {
                if r.is_empty() && e.range.start < r.start && r.start < e.range.end {
                    removals.push(r.start);
                } else if !r.is_empty() && r.start < e.range.end && e.range.start < r.end {
                    touches_replacement = true;
                }
            }
        }
        if !touches_replacement && removals.is_empty() && current.get(e.range.clone()) == Some(e.replacement.as_str()) {
            continue;
        }
        let keep = |part: &StageEdit| {
            let no_op = !touches_replacement && current.get(part.range.clone()) == Some(part.replacement.as_str());
            !(no_op || (part.range.is_empty() && part.replacement.is_empty()))
        };
        if removals.is_empty() {
            // Most edits: one part, the edit itself (no list made for it).
            if keep(&e) {
                out.push(e);
            }
            continue;
        }
        let mut parts = Vec::with_capacity(removals.len() + 1);
        let mut at_start = e.range.start;
        for at in removals {
            parts.push(StageEdit {
                range: at_start..at,
                replacement: String::new(),
                rule: e.rule.clone(),
                reason: e.reason.clone(),
            });
            at_start = at;
        }
        parts.push(StageEdit {
            range: at_start..e.range.end,
            replacement: String::new(),
            rule: e.rule,
            reason: e.reason,
        });
        parts[0].replacement = e.replacement;
        out.extend(parts.into_iter().filter(keep));
    }
    out
}

/// Sorted edits with overlapping ones merged: the union of their ranges, their replacements
/// in order, the first one's rule.
fn merge_overlapping(mut edits: Vec<StageEdit>) -> Vec<StageEdit> {
    // `dedup_by` hands each edit with the last one kept before it.
    edits.dedup_by(|next, kept| {
        let overlaps = next.range.start < kept.range.end;
        if overlaps {
            kept.range.end = kept.range.end.max(next.range.end);
            kept.replacement.push_str(&next.replacement);
        }
        overlaps
    });
    edits
}

/// One segment of an [`Alignment`]: a clean range standing for a raw range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Range in the cleaned text.
    pub clean: Range<usize>,
    /// Range in the raw text.
    pub raw: Range<usize>,
    /// Whether the text is the same in both (kept), or a replacement.
    pub kept: bool,
}

/// Offset maps between raw and cleaned text. Segments tile both texts in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Alignment {
    /// The segments, in order.
    pub segments: Vec<Segment>,
    /// Length of the raw text.
    pub raw_len: usize,
    /// Length of the cleaned text.
    pub clean_len: usize,
}

impl Alignment {
    /// The raw offset of clean offset `i`. At a boundary, the start of what follows
    /// (`end = false`, for the start of a range) or the end of what precedes (`end = true`);
    /// inside a replacement, the start or end of its raw span.
    pub fn to_raw(&self, i: usize, end: bool) -> usize {
        let i = i.min(self.clean_len);
        if end {
            let k = self.segments.partition_point(|s| s.clean.start < i);
            let Some(seg) = k.checked_sub(1).and_then(|k| self.segments.get(k)) else { return 0 };
            if seg.clean.end > i && seg.kept { seg.raw.start + (i - seg.clean.start) } else { seg.raw.end }
        } else {
            let k = self.segments.partition_point(|s| s.clean.end <= i);
            let Some(seg) = self.segments.get(k) else { return self.raw_len };
            if seg.kept { seg.raw.start + (i - seg.clean.start) } else { seg.raw.start }
        }
    }

    /// The clean offset of raw offset `j`, with the same conventions as [`Alignment::to_raw`]:
    /// raw text that was removed or replaced maps to where its replacement starts or ends.
    pub fn to_clean(&self, j: usize, end: bool) -> usize {
        let j = j.min(self.raw_len);
        if end {
            let k = self.segments.partition_point(|s| s.raw.start < j);
            let Some(seg) = k.checked_sub(1).and_then(|k| self.segments.get(k)) else { return 0 };
            if seg.raw.end > j && seg.kept { seg.clean.start + (j - seg.raw.start) } else { seg.clean.end }
        } else {
            let k = self.segments.partition_point(|s| s.raw.end <= j);
            let Some(seg) = self.segments.get(k) else { return self.clean_len };
            if seg.kept { seg.clean.start + (j - seg.raw.start) } else { seg.clean.start }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_edits_of_one_stage_become_one() {
        let mut d = Draft::new("abcdefgh");
        d.apply(vec![
            StageEdit::replace(2..5, "Y", "second", "y"),
            StageEdit::replace(1..3, "X", "first", "x"),
            StageEdit::remove(4..6, "third", "z"),
            StageEdit::replace(7..8, "H", "apart", "h"),
        ]);
        assert_eq!(d.text(), "aXYgH");
        let edits: Vec<(Range<usize>, &str, &str)> = d
            .pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Replaced(e) => Some((e.raw.clone(), e.replacement.as_str(), e.rule.as_ref())),
                Piece::Kept(_) => None,
            })
            .collect();
        assert_eq!(edits, [(1..6, "XY", "first"), (7..8, "H", "apart")]);
        // A replacement that cuts into an earlier one takes it whole, with the text kept
        // between them.
        d.apply(vec![StageEdit::replace(2..3, "Z", "later", "z")]);
        assert_eq!(d.text(), "aXZgH");
        assert_eq!(
            d.edits().iter().map(|e| (e.raw.clone(), e.replacement.as_str())).collect::<Vec<_>>(),
            [(1..6, "XZ"), (7..8, "H")]
        );
    }

    #[test]
    fn a_draft_records_what_edits_wrote_and_moves_ranges_carried_through_them() {
        let mut d = Draft::new("0123456789");
        assert_eq!(d.take_changed(), vec![0..10]);
        assert!(d.changed().is_empty());
        let mut carried = vec![0..1, 3..5, 7..9];
        d.apply_carrying(
            vec![StageEdit::replace(2..4, "ab c", "t", "x"), StageEdit::remove(6..7, "t", "x")],
            &mut carried,
        );
        assert_eq!(d.text(), "01ab c45789");
        // What the edits wrote: the replacement, and where a removal was.
        assert_eq!(d.changed(), [2..6, 8..8]);
        // Before the edits as it was; a start inside an edit goes to its start; after an edit
        // shifted by what it added or took away.
        assert_eq!(carried, [0..1, 2..7, 8..10]);
        // Written again next to what was written: the ranges merge; an insertion at the end.
        d.apply(vec![StageEdit::replace(6..7, "Z", "t", "x"), StageEdit::replace(11..11, "!", "t", "x")]);
        assert_eq!(d.text(), "01ab cZ5789!");
        assert_eq!(d.take_changed(), vec![2..7, 8..8, 11..12]);
        // An end inside an edit goes to its end (as a start inside one to its start).
        let mut carried = vec![0..10, 10..12];
        d.apply_carrying(vec![StageEdit::remove(9..11, "t", "x")], &mut carried);
        assert_eq!((d.text(), carried), ("01ab cZ57!", vec![0..9, 9..10]));
    }

    fn apply_edits(raw: &str, edits: &[Edit]) -> String {
        let mut out = String::new();
        let mut pos = 0;
        for e in edits {
            out.push_str(&raw[pos..e.raw.start]);
            out.push_str(&e.replacement);
            pos = e.raw.end;
        }
        out.push_str(&raw[pos..]);
        out
    }

    fn check(d: &Draft<'_>) {
        let edits = d.edits();
        assert_eq!(apply_edits(d.raw(), &edits), d.text());
        let a = d.alignment();
        let mut clean = 0;
        let mut raw = 0;
        for s in &a.segments {
            assert_eq!(s.clean.start, clean);
            assert_eq!(s.raw.start, raw);
            if s.kept {
                assert_eq!(&d.raw()[s.raw.clone()], &d.text()[s.clean.clone()]);
            }
            clean = s.clean.end;
            raw = s.raw.end;
        }
        assert_eq!((clean, raw), (d.text().len(), d.raw().len()));
        // every kept byte maps to the same byte, both ways
        for s in a.segments.iter().filter(|s| s.kept) {
            for (k, i) in s.clean.clone().enumerate() {
                assert_eq!(a.to_raw(i, false), s.raw.start + k);
                assert_eq!(a.to_clean(s.raw.start + k, false), i);
            }
        }
        // maps are monotonic
        for i in 1..=a.clean_len {
            assert!(a.to_raw(i - 1, false) <= a.to_raw(i, false));
            assert!(a.to_raw(i, true) <= a.to_raw(i, false).max(a.to_raw(i, true)));
        }
    }

    #[test]
    fn stages_compose_and_swallow_earlier_replacements() {
        let raw = "Title\n\nBody &amp; more.\nShare this\n";
        let mut d = Draft::new(raw);
        let amp = raw.find("&amp;").unwrap();
        d.apply(vec![StageEdit::replace(amp..amp + 5, "&", "html-entity", "decoded")]);
        assert_eq!(d.text(), "Title\n\nBody & more.\nShare this\n");
        check(&d);
        let share = d.text().find("Share").unwrap();
        d.apply(vec![
            StageEdit::remove(5..6, "blank-lines", "collapse"),
            StageEdit::remove(share..d.text().len(), "boilerplate", "widget"),
        ]);
        assert_eq!(d.text(), "Title\nBody & more.\n");
        check(&d);
        // An edit over the decoded entity swallows it and reaches its raw span.
        let body = d.text().find("Body").unwrap();
        d.apply(vec![StageEdit::remove(body..body + 7, "test", "x")]);
        assert_eq!(d.text(), "Title\nmore.\n");
        check(&d);
        let e = d.edits().into_iter().find(|e| e.rule == "test").unwrap();
        assert_eq!(&raw[e.raw.clone()], "Body &amp; ");
    }

    #[test]
    fn partial_cut_into_a_replacement_widens_and_keeps_the_rest() {
        let raw = "x &amp; y";
        let mut d = Draft::new(raw);
        d.apply(vec![StageEdit::replace(2..7, "and", "html-entity", "decoded")]);
        assert_eq!(d.text(), "x and y");
        d.apply(vec![StageEdit::remove(3..4, "test", "cut inside")]);
        assert_eq!(d.text(), "x ad y");
        check(&d);
        // an edit overlapping the start of a replacement keeps the replacement's rest
        let mut d = Draft::new("a  \u{F9E9}0");
        d.apply(vec![StageEdit::replace(2..6, " \u{91CC}", "nfc", "n")]);
        d.apply(vec![StageEdit::replace(1..3, " ", "whitespace", "w")]);
        assert_eq!(d.text(), "a \u{91CC}0");
        check(&d);
    }

    #[test]
    fn insertions_and_mapping() {
        let raw = "ab cd";
        let mut d = Draft::new(raw);
        d.apply(vec![StageEdit::replace(2..2, "X", "insert", "test"), StageEdit::remove(3..5, "cut", "test")]);
        assert_eq!(d.text(), "abX ");
        check(&d);
        // raw "ab cd" → clean "abX ": X is inserted at raw 2, "cd" removed at raw 3..5
        let a = d.alignment();
        assert_eq!(a.to_raw(0, false), 0);
        assert_eq!(a.to_raw(2, false), 2); // X starts at raw 2 (an insertion)
        assert_eq!(a.to_raw(2, true), 2); // "ab" ends at raw 2
        assert_eq!(a.to_raw(3, false), 2);
        assert_eq!(a.to_raw(4, true), 3); // " " ends at raw 3
        assert_eq!(a.to_clean(2, false), 3); // raw " " is clean 3, after the inserted X
        assert_eq!(a.to_clean(3, false), 4);
        assert_eq!(a.to_clean(4, false), 4); // inside removed "cd"
        assert_eq!(a.to_clean(5, true), 4);
    }

    /// Random stages of random edits keep the invariants (a small xorshift, no extra crate).
    #[test]
    fn random_stages_keep_the_invariants() {
        let mut next = crate::test_rng::below(0x9E37_79B9_7F4A_7C15);
        let raw = "Fua’a & Kafraya — a\u{301}b ĀĒ 12 ".repeat(3);
        for _ in 0..300 {
            let mut d = Draft::new(&raw);
            for _ in 0..4 {
                let text = d.text().to_owned();
                let bounds: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
                let mut edits = Vec::new();
                let mut at = 0;
                for _ in 0..next(5) {
                    let start = at + next(bounds.len() - at);
                    if start >= bounds.len() {
                        break;
                    }
                    let end = start + next(4.min(bounds.len() - start));
                    let replacement = ["", "x", "ß", "  "][next(4)];
                    edits.push(StageEdit::replace(bounds[start]..bounds[end], replacement, "r", "random"));
                    at = end + 1;
                    if at >= bounds.len() {
                        break;
                    }
                }
                // What the stage asks for, applied to the plain text.
                let mut expected = String::new();
                let mut pos = 0;
                for e in &edits {
                    expected.push_str(&text[pos..e.range.start]);
                    expected.push_str(&e.replacement);
                    pos = e.range.end;
                }
                expected.push_str(&text[pos..]);
                d.apply(edits);
                assert_eq!(d.text(), expected);
                check(&d);
            }
        }
    }

    #[test]
    fn several_cuts_into_one_replacement_apply_once_each() {
        // fuzz finding: each cut was widened to the whole replacement on its own, and the
        // widened copies, merged, repeated the rest of it (soft hyphens multiplying)
        let raw = "a&#173;&#173;&#173;b";
        let mut d = Draft::new(raw);
        d.apply(vec![StageEdit::replace(1..19, "\u{ad}\u{ad}\u{ad}", "html-entity", "decoded")]);
        d.apply(vec![
            StageEdit::remove(1..3, "invisible-char", "soft hyphen"),
            StageEdit::remove(3..5, "invisible-char", "soft hyphen"),
            StageEdit::replace(5..7, "-", "test", "x"),
        ]);
        assert_eq!(d.text(), "a-b");
        check(&d);
    }

    #[test]
    fn a_later_edit_around_a_removal_keeps_its_rule() {
        let raw = "a\n\nJUNK\n\nb";
        let mut d = Draft::new(raw);
        d.apply(vec![StageEdit::remove(3..8, "boilerplate", "junk line")]);
        assert_eq!(d.text(), "a\n\n\nb");
        d.apply(vec![StageEdit::replace(1..4, "\n\n", "whitespace", "blank run")]);
        assert_eq!(d.text(), "a\n\nb");
        check(&d);
        let rules: Vec<String> = d.edits().iter().map(|e| e.rule.to_string()).collect();
        assert_eq!(rules, ["boilerplate", "whitespace"]);
    }

    #[test]
    fn empty_text() {
        let mut d = Draft::new("");
        d.apply(vec![StageEdit::remove(0..0, "x", "y")]);
        check(&d);
        assert!(d.edits().is_empty());
    }
}
