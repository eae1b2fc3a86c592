//! Markup debris: HTML, Markdown, URLs and e-mail addresses, and leaked serialisations.
//!
//! Scrapers leave the page's markup in the text: HTML tags and entities, Markdown links from
//! an HTML-to-Markdown converter (`[Fars News](#)`), PHP `var_dump` output and JSON arrays
//! from a site's template (`string(1931) "[{"id":…}]"`), base64 blobs and image file names.
//! Each helper scans the current text with regexes compiled once (`LazyLock`; the `regex`
//! crate matches in linear time) and proposes [`StageEdit`]s; a cheap byte test skips text
//! without the trigger character.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::clean::edits::StageEdit;
use crate::text::{is_blank, trimmed, trimmed_start};

/// What to do with URLs and e-mail addresses inside the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LinkPolicy {
    /// Leave them (the default: they are part of what the outlet published).
    #[default]
    Keep,
    /// Replace each with `<URL>` / `<EMAIL>`.
    Mask,
    /// Remove them.
    Drop,
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("built-in pattern compiles")
}

static HTML_BLOCK: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?is)<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->"));
/// An HTML tag: [`html_tags`] keeps the matches with at most 2,000 characters of attributes.
static HTML_TAG: LazyLock<Regex> = LazyLock::new(|| re(r"</?[A-Za-z][A-Za-z0-9:-]{0,20}(?:\s+[^<>]*?)?\s*/?>"));
static HTML_ENTITY: LazyLock<Regex> =
    LazyLock::new(|| re(r"&(?:amp;){0,3}(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"));
/// The Markdown link pattern; [`md_links`] finds its matches by hand (the bounded
/// repetitions make the regex's automaton large and slow to run); tests check they agree.
#[cfg(test)]
static MD_LINK: LazyLock<Regex> =
    LazyLock::new(|| re(r"\[([^\[\]\n]{1,500})\]\(([^()\s]{0,2000})(?:\s+\x22[^\x22\n]*\x22)?\)"));
/// Strong emphasis, `**x**` or `__x__`: [`md_strong`] keeps the matches with at most 500
/// characters between the markers.
static MD_STRONG: LazyLock<Regex> = LazyLock::new(|| re(r"\*\*[^*_\n]+?\*\*|__[^*_\n]+?__"));
static URL: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\b(?:https?://|www\.)[^\s<>\x22()\[\]]+"));
static EMAIL: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\b[A-Z0-9._%+-]{1,64}@[A-Z0-9.-]{1,253}\.[A-Z]{2,24}\b"));
/// A base64 blob in a `data:` URI ([`base64_blobs`]).
static DATA_URI_BLOB: LazyLock<Regex> = LazyLock::new(|| re(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/]{100,}={0,2}"));
static PHP_DUMP_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"^\s*(?:string\(\d+\) "|(?:array|object)\(\d+\)\s*\{|object\([\w\\]+\)#\d+ \(\d+\) \{|(?:int|float|bool)\([^)]*\)\s*$|\["[^"]*"\]=>\s*$|\[\d+\]=>\s*$)"#,
    )
});
/// An image file name, `name.ext`. The name's length (at most 120 characters) is checked
/// on the capture: a bounded repetition of Unicode `\w` compiles to an automaton 120 times
/// the size of one, about 30 ms on first use.
static IMAGE_FILE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^\s*([\w.-]+)\.(?:jpe?g|png|gif|webp|bmp|tiff?|svg|avif)\s*$"));
/// An image id (`photo_20161213094512`, `13950827000687_photoi`); the tail after the digits
/// (at most 20 characters) is checked on the capture, as for [`IMAGE_FILE`].
static IMAGE_ID: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)^\s*(?:[a-z]{1,12}_\d{6,}(\w*)|\d{6,}_[a-z](\w*))\s*$"));

/// Compiles every pattern of this module now rather than on the first text that needs it.
pub(crate) fn compile_patterns() {
    for pattern in [
        &HTML_BLOCK,
        &HTML_TAG,
        &HTML_ENTITY,
        &MD_STRONG,
        &URL,
        &EMAIL,
        &DATA_URI_BLOB,
        &PHP_DUMP_LINE,
        &IMAGE_FILE,
        &IMAGE_ID,
    ] {
        LazyLock::force(pattern);
    }
}

const BLOCK_TAGS: &[&str] = &[
    "p",
    "br",
    "div",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "hr",
    "pre",
    "figure",
    "figcaption",
];

/// HTML comments, script/style blocks, tags (block tags become a line break) and entities.
pub fn html(text: &str) -> Vec<StageEdit> {
    let mut edits = Vec::new();
    if memchr::memchr(b'<', text.as_bytes()).is_some() {
        for m in HTML_BLOCK.find_iter(text) {
            edits.push(StageEdit::remove(m.range(), "html-block", "HTML comment, script or style block"));
        }
        let blocks: Vec<std::ops::Range<usize>> = edits.iter().map(|e| e.range.clone()).collect();
        for m in html_tags(text) {
            if blocks.iter().any(|b| b.start <= m.start && m.end <= b.end) {
                continue;
            }
            let name = tag_name(&text[m.clone()]);
            if matches!(name, "URL" | "EMAIL") {
                continue; // copydesk's own masks
            }
            let name = name.to_ascii_lowercase();
            let replacement = if BLOCK_TAGS.contains(&name.as_str()) { "\n" } else { "" };
            edits.push(StageEdit::replace(m, replacement, "html-tag", format!("HTML <{name}> tag")));
        }
    }
    if memchr::memchr(b'&', text.as_bytes()).is_some() {
        for m in HTML_ENTITY.find_iter(text) {
            // Decode until stable: scrapes often escape twice (`&amp;amp;`).
            let mut decoded = html_escape::decode_html_entities(m.as_str()).into_owned();
            for _ in 0..3 {
                let again = html_escape::decode_html_entities(&decoded);
                if again == decoded {
                    break;
                }
                decoded = again.into_owned();
            }
            if decoded != m.as_str() {
                let decoded = if decoded == "\u{a0}" { " ".to_owned() } else { decoded };
                edits.push(StageEdit::replace(
                    m.range(),
                    decoded,
                    "html-entity",
                    format!("HTML entity {}", m.as_str()),
                ));
            }
        }
    }
    edits.sort_by_key(|e| e.range.start);
    edits
}

/// [`plain`] of a line of a text whose [`has_markdown`] is `text_has_markdown`. A line of a
/// text without Markdown is its own plain form: one search of the text, not one per line.
pub fn plain_in(line: &str, text_has_markdown: bool) -> std::borrow::Cow<'_, str> {
    if text_has_markdown { plain(line) } else { std::borrow::Cow::Borrowed(line) }
}

/// Whether `text` holds `](`, `**` or `__`: the trigger of every Markdown rule (one scan).
/// What a line holds, its text holds too (a pair ending a line is no pair in either).
pub fn has_markdown(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr3_iter(b']', b'*', b'_', bytes).any(|k| match (bytes[k], bytes.get(k + 1)) {
        (b']', Some(b'(')) => true,
        (b, Some(&next)) => b != b']' && next == b,
        _ => false,
    })
}

/// The matches of the Markdown link pattern
/// `\[([^\[\]\n]{1,500})\]\(([^()\s]{0,2000})(?:\s+"[^"\n]*")?\)`, leftmost first, not
/// overlapping. Each part of the pattern can end in one place only (the label at the first
/// `]`, the URL at the first `)` or space, the title at the first `"`), so no backtracking.
fn md_links(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    matches_at_starts(text, |rest| memchr::memchr(b'[', rest), md_link_at)
}

/// Leftmost-first, non-overlapping matches of a hand-written pattern: `next_start` finds
/// the next byte where a match may start, `end_at` the end of the match starting there.
fn matches_at_starts<'t>(
    text: &'t str,
    next_start: impl Fn(&[u8]) -> Option<usize> + 't,
    end_at: fn(&str, usize) -> Option<usize>,
) -> impl Iterator<Item = std::ops::Range<usize>> + 't {
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(k) = next_start(&text.as_bytes()[from..]) {
            let start = from + k;
            if let Some(end) = end_at(text, start) {
                from = end;
                return Some(start..end);
            }
            from = start + 1;
        }
        from = text.len();
        None
    })
}

/// Leftmost-first, non-overlapping matches of `re` that `within` accepts; after a match it
/// rejects, the search goes on from the match's second character. `re` must not match the
/// empty string.
///
/// Where each part of `re` can end in one place only (a repetition of a class that excludes
/// the character that ends it), this finds the matches of `re` with the lengths `within`
/// checks written as bounded repetitions, which for a Unicode class compile to automata
/// hundreds of times larger (milliseconds to build on first use). The work stays linear
/// where no match can start inside a rejected one (the classes exclude the pattern's first
/// character).
fn find_within<'t>(
    re: &'t Regex,
    text: &'t str,
    within: impl Fn(&str) -> bool + 't,
) -> impl Iterator<Item = std::ops::Range<usize>> + 't {
    let mut from = 0;
    std::iter::from_fn(move || {
        loop {
            let m = re.find_at(text, from)?;
            debug_assert!(!m.is_empty(), "find_within needs a pattern that never matches the empty string");
            if within(m.as_str()) {
                from = m.end();
                return Some(m.range());
            }
            from = m.start() + text[m.start()..].chars().next().map_or(1, char::len_utf8);
        }
    })
}

fn chars_at_most(s: &str, most: usize) -> bool {
    s.len() <= most || s.chars().count() <= most
}

/// The name of a tag [`html_tags`] found (`<a href=…>` → `a`, `</P>` → `P`).
fn tag_name(tag: &str) -> &str {
    let tag = tag.strip_prefix("</").or_else(|| tag.strip_prefix('<')).unwrap_or(tag);
    let end = tag.find(|c: char| !(c.is_ascii_alphanumeric() || c == ':' || c == '-')).unwrap_or(tag.len());
    &tag[..end]
}

/// `</?([A-Za-z][A-Za-z0-9:-]{0,20})(?:\s+[^<>]{0,2000}?)?\s*/?>`, leftmost first, not
/// overlapping.
fn html_tags(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    find_within(&HTML_TAG, text, |m| {
        // What follows the name up to `>` is `\s+ attributes \s* /?` or `\s* /?`: the
        // attributes are shortest with every space and the `/` left to the other parts.
        let rest = &m[m.len() - m.trim_start_matches(['<', '/']).len()..m.len() - 1];
        let rest = &rest[tag_name(m).len()..];
        let rest = rest.trim_start();
        let rest = rest.strip_suffix('/').unwrap_or(rest).trim_end();
        chars_at_most(rest, 2000)
    })
}

/// `!\[[^\]\n]{0,500}\]\([^)\n]{0,2000}\)`, leftmost first, not overlapping; by hand,
/// as [`md_links`]. (Not [`find_within`]: alt text may hold further `![`, and each would
/// read on to the same `]`.)
fn md_images(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    matches_at_starts(text, |rest| finder!(b"![").find(rest), md_image_at)
}

/// The end of a Markdown image starting with the `![` at `start`, if one does; reads at most
/// the pattern's 500 + 2,000 characters.
fn md_image_at(text: &str, start: usize) -> Option<usize> {
    let mut chars = text[start + 2..].char_indices().map(|(i, c)| (start + 2 + i, c));
    let mut alt = 0;
    loop {
        match chars.next()?.1 {
            ']' => break,
            '\n' => return None,
            _ if alt == 500 => return None,
            _ => alt += 1,
        }
    }
    if chars.next()?.1 != '(' {
        return None;
    }
    let mut url = 0;
    loop {
        match chars.next()? {
            (i, ')') => return Some(i + 1),
            (_, '\n') => return None,
            _ if url == 2000 => return None,
            _ => url += 1,
        }
    }
}

/// `\*\*([^*_\n]{1,500}?)\*\*|__([^*_\n]{1,500}?)__`, leftmost first, not overlapping.
fn md_strong(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    find_within(&MD_STRONG, text, |m| chars_at_most(&m[2..m.len() - 2], 500))
}

/// The end of a Markdown link starting with the `[` at `start`, if one does.
fn md_link_at(text: &str, start: usize) -> Option<usize> {
    let mut chars = text[start + 1..].char_indices().map(|(i, c)| (start + 1 + i, c)).peekable();
    let mut label = 0;
    loop {
        let (_, c) = chars.next()?;
        match c {
            ']' => break,
            '[' | '\n' => return None,
            _ => label += 1,
        }
    }
    if !(1..=500).contains(&label) || chars.next()?.1 != '(' {
        return None;
    }
    let mut url = 0;
    loop {
        let (i, c) = chars.next()?;
        if c == ')' {
            return (url <= 2000).then_some(i + 1);
        }
        if c.is_whitespace() {
            if url > 2000 {
                return None;
            }
            break;
        }
        if c == '(' {
            return None;
        }
        url += 1;
    }
    // An optional title: spaces, then "...", then the closing parenthesis.
    while chars.peek().is_some_and(|&(_, c)| c.is_whitespace()) {
        chars.next();
    }
    if chars.next()?.1 != '"' {
        return None;
    }
    loop {
        let (_, c) = chars.next()?;
        match c {
            '"' => break,
            '\n' => return None,
            _ => {}
        }
    }
    let (i, c) = chars.next()?;
    (c == ')').then_some(i + 1)
}

/// The label and URL ranges of a Markdown link match at `m`: the label runs from after the
/// `[` to the first `]` (it cannot hold one), the URL from after the `](` to the first `)`
/// or space (it cannot hold either) — what the pattern's two groups capture.
fn link_parts(text: &str, m: std::ops::Range<usize>) -> (std::ops::Range<usize>, std::ops::Range<usize>) {
    let s = &text[m.clone()];
    let close = s.find(']').expect("a link match holds ](");
    let url_start = close + 2;
    let url_end = s[url_start..].find(|c: char| c == ')' || c.is_whitespace()).map_or(s.len(), |k| url_start + k);
    (m.start + 1..m.start + close, m.start + url_start..m.start + url_end)
}

/// Whether `text` holds a Markdown link's `](`.
fn has_link(text: &str) -> bool {
    finder!(b"](").find(text.as_bytes()).is_some()
}

/// Markdown images (removed), links (`[text](url)` → `text`) and strong emphasis.
pub fn markdown(text: &str) -> Vec<StageEdit> {
    let mut edits = Vec::new();
    if !has_markdown(text) {
        return edits;
    }
    let mut taken: Vec<std::ops::Range<usize>> = Vec::new();
    for m in md_images(text) {
        edits.push(StageEdit::remove(m.clone(), "markdown-image", "Markdown image"));
        taken.push(m);
    }
    for m in md_links(text) {
        if taken.iter().any(|t| t.start < m.end && m.start < t.end) {
            continue;
        }
        let (label, url) = link_parts(text, m.clone());
        let url = &text[url];
        // Keep the label in place: remove "[" and "](url)" around it.
        edits.push(StageEdit::remove(m.start..label.start, "markdown-link", format!("Markdown link to {url:?}")));
        edits.push(StageEdit::remove(label.end..m.end, "markdown-link", format!("Markdown link to {url:?}")));
        taken.push(m);
    }
    for m in md_strong(text) {
        if taken.iter().any(|t| t.start < m.end && m.start < t.end && !(t.start <= m.start && m.end <= t.end)) {
            continue;
        }
        // The emphasised text: between the two-byte markers (either group of the pattern).
        let inner = m.start + 2..m.end - 2;
        // Markers must stand apart from more of the same character (`_____#__`), and the
        // emphasised text must not start or end with it: then unwrapping cannot form new
        // markers, and cleaning stays idempotent.
        let marker = text.as_bytes()[m.start];
        let touches = |i: Option<usize>| i.and_then(|i| text.as_bytes().get(i)).is_some_and(|&b| b == marker);
        let inner_text = text[inner.clone()].as_bytes();
        if touches(m.start.checked_sub(1))
            || touches(Some(m.end))
            || inner_text.first() == Some(&marker)
            || inner_text.last() == Some(&marker)
        {
            continue;
        }
        edits.push(StageEdit::remove(m.start..inner.start, "markdown-emphasis", "Markdown emphasis marker"));
        edits.push(StageEdit::remove(inner.end..m.end, "markdown-emphasis", "Markdown emphasis marker"));
    }
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    edits
}

/// URLs and e-mail addresses under `urls` and `emails` policies.
pub fn links(text: &str, urls: LinkPolicy, emails: LinkPolicy) -> Vec<StageEdit> {
    let mut edits = Vec::new();
    if urls != LinkPolicy::Keep && (text.contains("://") || text.contains("www.")) {
        for m in URL.find_iter(text) {
            let s = m.as_str();
            let trimmed = s.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', '’']);
            let range = m.start()..m.start() + trimmed.len();
            edits.push(match urls {
                LinkPolicy::Mask => StageEdit::replace(range, "<URL>", "url", format!("URL {trimmed} masked")),
                _ => StageEdit::remove(range, "url", format!("URL {trimmed} dropped")),
            });
        }
    }
    if emails != LinkPolicy::Keep && text.contains('@') {
        for m in EMAIL.find_iter(text) {
            if edits.iter().any(|e| e.range.start < m.end() && m.start() < e.range.end) {
                continue;
            }
            edits.push(match emails {
                LinkPolicy::Mask => StageEdit::replace(m.range(), "<EMAIL>", "email", "e-mail address masked"),
                _ => StageEdit::remove(m.range(), "email", "e-mail address dropped"),
            });
        }
    }
    edits.sort_by_key(|e| e.range.start);
    edits
}

/// Whether a trimmed line is a leaked JSON array or object.
fn is_json_line(line: &str) -> bool {
    let t = trimmed(line);
    if t.len() < 16 {
        return false;
    }
    let (first, last) = (t.as_bytes()[0], t.as_bytes()[t.len() - 1]);
    if !matches!((first, last), (b'[' | b'{', b']' | b'}')) {
        return false;
    }
    if serde_json::from_str::<serde_json::Value>(t).is_ok_and(|v| v.is_array() || v.is_object()) {
        return t.contains("\":");
    }
    // A truncated dump still shows many "key": pairs.
    t.matches("\":").count() >= 3
}

/// Whether `line` has a run of at least `n` bytes without a space (a base64 blob must).
/// Looks at the last space of each `n`-byte window and jumps past it, so prose (a space every
/// few bytes) costs a few bytes per window rather than every byte.
fn has_long_token(line: &str, n: usize) -> bool {
    let bytes = line.as_bytes();
    let mut from = 0;
    while from + n <= bytes.len() {
        match memchr::memrchr(b' ', &bytes[from..from + n]) {
            Some(i) => from += i + 1,
            None => return true,
        }
    }
    false
}

/// What `(?:data:[\w/+.-]+;base64,)?[A-Za-z0-9+/]{100,}={0,2}` finds in `line`, one match
/// after another: whichever starts first of a run of at least 100 base64 bytes (with at most
/// two `=`) and a whole `data:` URI ([`DATA_URI_BLOB`]). The runs are found by a scan: that
/// pattern's counted repetition makes a lazy DFA build a state per byte of each new run,
/// most of the cost of a line that holds one. Without the URI, a match starts where a run
/// begins (a shorter run holds none, a longer one is taken whole).
fn base64_blobs(line: &str) -> Vec<Range<usize>> {
    let bytes = line.as_bytes();
    let mut blobs = Vec::new();
    let mut pos = 0;
    // The first `data:` URI blob at or after `pos` (`None`: there is none), found again only
    // once a match passes its start.
    let mut uri = DATA_URI_BLOB.find_at(line, 0).map(|m| m.range());
    loop {
        if uri.as_ref().is_some_and(|u| u.start < pos) {
            uri = DATA_URI_BLOB.find_at(line, pos).map(|m| m.range());
        }
        let run = long_base64_run(bytes, pos);
        let blob = match (uri.clone(), run) {
            (Some(u), Some(r)) if u.start <= r.start => u,
            (Some(u), None) => u,
            (_, Some(r)) => {
                let padding = bytes[r.end..].iter().take(2).take_while(|&&b| b == b'=').count();
                r.start..r.end + padding
            }
            (None, None) => return blobs,
        };
        pos = blob.end;
        blobs.push(blob);
    }
}

/// The first run of at least 100 base64 bytes (`A-Z`, `a-z`, `0-9`, `+`, `/`) starting at or
/// after `from`, whole.
fn long_base64_run(bytes: &[u8], from: usize) -> Option<Range<usize>> {
    let in_run = |b: u8| b.is_ascii_alphanumeric() || b == b'+' || b == b'/';
    let mut i = from;
    while i < bytes.len() {
        if !in_run(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && in_run(bytes[i]) {
            i += 1;
        }
        if i - start >= 100 {
            return Some(start..i);
        }
    }
    None
}

/// Leaked serialisations, one line at a time: PHP `var_dump` lines, JSON arrays/objects;
/// and base64 blobs anywhere. A line is `(start, end)` in bytes, without its newline.
pub fn serialisations(text: &str, lines: &[(usize, usize)]) -> Vec<StageEdit> {
    let mut edits = Vec::new();
    for &(start, end) in lines {
        let line = &text[start..end];
        if is_blank(line) {
            continue;
        }
        // The dump pattern starts (after spaces) with one of these bytes.
        let lead = trimmed_start(line).as_bytes().first().copied().unwrap_or(b' ');
        if matches!(lead, b's' | b'a' | b'o' | b'i' | b'f' | b'b' | b'[') && PHP_DUMP_LINE.is_match(line) {
            edits.push(StageEdit::remove(start..end, "leaked-var-dump", "leaked PHP var_dump output"));
        } else if is_json_line(line) {
            edits.push(StageEdit::remove(start..end, "leaked-json", "leaked JSON array or object"));
        } else if line.len() >= 100 && has_long_token(line, 100) {
            for blob in base64_blobs(line) {
                let s = &line[blob.clone()];
                let mixed = s.bytes().any(|b| b.is_ascii_lowercase())
                    && s.bytes().any(|b| b.is_ascii_uppercase())
                    && s.bytes().any(|b| b.is_ascii_digit());
                if mixed {
                    edits.push(StageEdit::remove(
                        start + blob.start..start + blob.end,
                        "base64-blob",
                        "base64-encoded blob",
                    ));
                }
            }
        }
    }
    edits
}

/// A line with Markdown link syntax and strong-emphasis markers taken out, for matching
/// rules against what a reader sees (`[**Become a Member**](#)` → `Become a Member`).
pub fn plain(line: &str) -> std::borrow::Cow<'_, str> {
    if !has_markdown(line) {
        return std::borrow::Cow::Borrowed(line);
    }
    // `MD_LINK.replace_all(line, "$1")`, with the label found by hand: capturing groups
    // would run a slower engine than finding the matches.
    let mut unlinked = String::with_capacity(line.len());
    let mut pos = 0;
    for m in md_links(line) {
        let (label, _) = link_parts(line, m.clone());
        unlinked.push_str(&line[pos..m.start]);
        unlinked.push_str(&line[label]);
        pos = m.end;
    }
    unlinked.push_str(&line[pos..]);
    std::borrow::Cow::Owned(unlinked.replace("**", "").replace("__", ""))
}

/// Whether a line holds nothing but Markdown links and separators (navigation debris such
/// as `[War Agenda](#)` or `[Home](/) | [World](/world)`).
pub fn is_link_only(line: &str) -> bool {
    if !has_link(line) {
        return false;
    }
    let mut rest = String::with_capacity(line.len());
    let mut pos = 0;
    for m in md_links(line) {
        rest.push_str(&line[pos..m.start]);
        pos = m.end;
    }
    rest.push_str(&line[pos..]);
    rest.chars().all(|c| c.is_whitespace() || matches!(c, ',' | '|' | '·' | '•' | '-' | '/' | '>' | '»' | '*'))
}

/// Whether a line is only a URL: what the `URL` pattern finds at its start, then nothing but ASCII
/// punctuation. Read without the pattern, which costs a search forward and one back for
/// each such line: the scheme (`http://`, `https://` or `www.`, in any case, the `s` also
/// `ſ`, which case-folds to it), then a run free of white space and `<>"()[]`.
pub fn is_url_only(line: &str) -> bool {
    let t = trimmed(line);
    let b = t.as_bytes();
    let starts = |prefix: &[u8]| b.get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix));
    let scheme = if starts(b"https://") {
        8
    } else if starts(b"http://") {
        7
    } else if starts(b"http") && t[4..].starts_with("\u{17F}://") {
        "http\u{17F}://".len()
    } else if starts(b"www.") {
        4
    } else {
        return false;
    };
    let rest = &t[scheme..];
    let run = rest.find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '(' | ')' | '[' | ']'));
    let run = run.unwrap_or(rest.len());
    run > 0 && rest[run..].bytes().all(|b| b.is_ascii_punctuation())
}

/// Whether a line is only an image file name (`13950827000687_photoi`, `IMG_2016.jpg`).
pub fn is_image_name(line: &str) -> bool {
    if line.len() > 160 {
        return false;
    }
    // A match is one token (no inner space) with a `.` or a `_`: test that before the regex.
    let t = trimmed(line);
    if t.is_empty() || t.contains(char::is_whitespace) || !t.contains(['.', '_']) {
        return false;
    }
    let within = |m: Option<regex::Match<'_>>, most: usize| m.is_some_and(|m| m.as_str().chars().count() <= most);
    IMAGE_FILE.captures(line).is_some_and(|c| within(c.get(1), 120))
        || IMAGE_ID.captures(line).is_some_and(|c| within(c.get(1).or(c.get(2)), 20))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::edits::Draft;

    #[test]
    fn a_url_line_is_what_the_url_pattern_finds_at_its_start() {
        let by_pattern = |line: &str| {
            let t = line.trim();
            URL.find(t).is_some_and(|m| {
                m.start() == 0 && t[m.end()..].trim_matches(|c: char| c.is_ascii_punctuation()).is_empty()
            })
        };
        let mut next = crate::test_rng::below(0x510E_527F_ADE6_82D1);
        let parts = [
            "http://",
            "https://",
            "HTTPS://",
            "Http://",
            "www.",
            "WWW.",
            "http\u{17F}://",
            "HTTP\u{17F}://",
            "http:/",
            "x.com",
            "/",
            " ",
            "\u{a0}",
            "\t",
            ")",
            "(",
            ".",
            "!",
            ",",
            "é",
            "<",
            ">",
            "\"",
            "[",
            "]",
            "’",
            "\u{2028}",
            "a",
        ];
        let (mut urls, mut not_urls) = (0, 0);
        for _ in 0..50_000 {
            let line = crate::test_rng::joined(&mut next, &parts, 7);
            let expected = by_pattern(&line);
            assert_eq!(is_url_only(&line), expected, "{line:?}");
            urls += usize::from(expected);
            not_urls += usize::from(!expected && URL.is_match(&line));
        }
        assert!(urls > 2_000 && not_urls > 2_000, "{urls} {not_urls}");
    }

    #[test]
    fn a_line_of_a_text_without_markdown_is_its_own_plain_form() {
        let mut next = crate::test_rng::below(0xBB67_AE85_84CA_A73B);
        let parts = ["Aleppo", " ", "\n", "]", "(", "*", "_", "[", "[Home](/)", "**x**", "__", "’", "|", "#)"];
        let (mut with, mut without) = (0, 0);
        for _ in 0..20_000 {
            let text = crate::test_rng::joined(&mut next, &parts, 10);
            let any = has_markdown(&text);
            for line in text.split('\n') {
                assert_eq!(plain_in(line, any), plain(line), "{text:?}");
                assert!(any || !is_link_only(line), "{text:?}");
            }
            with += usize::from(any);
            without += usize::from(!any && text.contains(['*', '_', ']']));
        }
        assert!(with > 5_000 && without > 1_000, "{with} {without}");
    }

    #[test]
    fn base64_blobs_are_what_the_pattern_finds() {
        let pattern = Regex::new(r"(?:data:[\w/+.-]+;base64,)?[A-Za-z0-9+/]{100,}={0,2}").expect("pattern");
        let mut next = crate::test_rng::below(0x3C8E_51A7_0B96_F24D);
        // Runs of 108 and 60 bytes, and of 99 bytes, one short of a blob.
        let (run, half, short) = ("aZ09+/".repeat(18), "Qx7".repeat(20), "Ab1".repeat(33));
        let parts = [
            run.as_str(),
            half.as_str(),
            short.as_str(),
            "k",
            "=",
            "==",
            " ",
            ",",
            ";",
            ":",
            "data:",
            "data:image/png;base64,",
            ";base64,",
            "image/png",
            "x.y-z",
            "é",
            "\u{301}",
            "_",
            "ⅷ",
            "\u{2160}",
            "data",
            "base64,",
        ];
        let mut found = 0;
        for _ in 0..30_000 {
            let line: String = crate::test_rng::joined(&mut next, &parts, 9);
            let expected: Vec<Range<usize>> = pattern.find_iter(&line).map(|m| m.range()).collect();
            assert_eq!(base64_blobs(&line), expected, "{line:?}");
            found += expected.len();
        }
        assert!(found > 4_000, "{found}");
    }

    fn apply(text: &str, edits: Vec<StageEdit>) -> String {
        let mut d = Draft::new(text);
        d.apply(edits);
        d.text().to_owned()
    }

    #[test]
    fn html_tags_blocks_and_entities() {
        let t = "<p>Aleppo &amp; Idlib &amp;amp;</p><script>var x = 1;</script><b>bold</b>&nbsp;x &bogus; a < b > c";
        assert_eq!(apply(t, html(t)), "\nAleppo & Idlib &\nbold x &bogus; a < b > c");
    }

    #[test]
    fn markdown_links_images_emphasis() {
        let t = "By [Fars News Agency](#) and ![pic](a.jpg)[**Comment on it**](#) __x__";
        assert_eq!(apply(t, markdown(t)), "By Fars News Agency and Comment on it x");
    }

    #[test]
    fn link_policies() {
        let t = "See https://example.com/a?b=1, or mail publications@globalresearch.ca.";
        assert_eq!(apply(t, links(t, LinkPolicy::Keep, LinkPolicy::Keep)), t);
        assert_eq!(apply(t, links(t, LinkPolicy::Mask, LinkPolicy::Mask)), "See <URL>, or mail <EMAIL>.");
        assert_eq!(
            apply(t, links(t, LinkPolicy::Drop, LinkPolicy::Keep)),
            "See , or mail publications@globalresearch.ca."
        );
    }

    #[test]
    fn leaked_dumps() {
        let t =
            "Body.\nstring(1931) \"[{\"id\":\"1\",\"title\":\"x\"} ]\"\n[{\"id\": 1, \"t\": \"a\"}]\n[1, 2] is a list";
        let lines: Vec<(usize, usize)> = {
            let mut v = Vec::new();
            let mut s = 0;
            for l in t.split('\n') {
                v.push((s, s + l.len()));
                s += l.len() + 1;
            }
            v
        };
        assert_eq!(apply(t, serialisations(t, &lines)), "Body.\n\n\n[1, 2] is a list");
    }

    #[test]
    fn images_and_emphasis_agree_with_the_bounded_patterns() {
        let image = re(r"!\[[^\]\n]{0,500}\]\([^)\n]{0,2000}\)");
        let strong = re(r"\*\*([^*_\n]{1,500}?)\*\*|__([^*_\n]{1,500}?)__");
        let mut next = crate::test_rng::below(0x9E37_79B9_7F4A_7C15);
        let a499 = "é".repeat(499);
        let a500 = "a".repeat(500);
        let a501 = "é".repeat(501);
        let u2000 = "u".repeat(2000);
        let u2001 = "ü".repeat(2001);
        let parts = [
            "!", "[", "]", "(", ")", "](", "![", "![x](y)", "**", "__", "*", "_", " ", "\n", "é", "x", &a499, &a500,
            &a501, &u2000, &u2001,
        ];
        let (mut images, mut emphases) = (0, 0);
        for _ in 0..20_000 {
            let text: String = crate::test_rng::joined(&mut next, &parts, 12);
            let want: Vec<_> = image.find_iter(&text).map(|m| m.range()).collect();
            assert_eq!(md_images(&text).collect::<Vec<_>>(), want, "{text:?}");
            images += want.len();
            let want: Vec<_> = strong.find_iter(&text).map(|m| m.range()).collect();
            assert_eq!(md_strong(&text).collect::<Vec<_>>(), want, "{text:?}");
            emphases += want.len();
        }
        assert!(images > 100 && emphases > 100, "{images} images, {emphases} emphases");
    }

    #[test]
    fn long_tokens_agree_with_a_plain_scan() {
        let mut next = crate::test_rng::below(0x6A09_E667_F3BC_C908);
        let parts = [" ", "a", "é", "abcdefgh", "  ", "xyz0123456789"];
        let mut found = 0;
        for _ in 0..20_000 {
            let line: String = crate::test_rng::joined(&mut next, &parts, 30);
            let n = 1 + next(24);
            let want = line.split(' ').any(|token| token.len() >= n);
            assert_eq!(has_long_token(&line, n), want, "{line:?} {n}");
            found += usize::from(want);
        }
        assert!(found > 2_000 && found < 18_000, "{found}");
    }

    #[test]
    fn html_tags_agree_with_the_bounded_pattern() {
        let bounded = re(r"</?([A-Za-z][A-Za-z0-9:-]{0,20})(?:\s+[^<>]{0,2000}?)?\s*/?>");
        let mut next = crate::test_rng::below(0xD1B5_4A32_D192_ED03);
        let attrs = ["é".repeat(1999), "a".repeat(2000), "é".repeat(2001)];
        let long_name = "abcdefghij".repeat(3);
        let parts = [
            "<", ">", "</", "/>", "/", " ", "\u{a0}", "\n", "p", "div", "URL", "a:b-1", "9", "=", "\"x\"", "<b>",
            "<a ", "</div>", " x=1", &long_name, &attrs[0], &attrs[1], &attrs[2],
        ];
        let mut found = 0;
        for _ in 0..20_000 {
            let text: String = crate::test_rng::joined(&mut next, &parts, 10);
            let want: Vec<_> =
                bounded.captures_iter(&text).map(|c| (c.get(0).unwrap().range(), c[1].to_owned())).collect();
            let got: Vec<_> = html_tags(&text).map(|m| (m.clone(), tag_name(&text[m]).to_owned())).collect();
            assert_eq!(got, want, "{text:?}");
            found += want.len();
        }
        assert!(found > 1000, "{found} tags");
    }

    #[test]
    fn md_links_agree_with_the_pattern() {
        let mut next = crate::test_rng::below(0x2545_F491_4F6C_DD1D);
        let parts = ["[", "]", "(", ")", "](", "\"", " ", "\n", "a", "é", "#", "x y", "\u{a0}", "[a](b)", "](#)"];
        for _ in 0..20_000 {
            let text: String = crate::test_rng::joined(&mut next, &parts, 14);
            let want: Vec<_> = MD_LINK.find_iter(&text).map(|m| m.range()).collect();
            assert_eq!(md_links(&text).collect::<Vec<_>>(), want, "{text:?}");
        }
        let long = format!("[{}](x) [a]({}) [b]({})", "l".repeat(501), "u".repeat(2001), "u".repeat(2000));
        let want: Vec<_> = MD_LINK.find_iter(&long).map(|m| m.range()).collect();
        assert_eq!(md_links(&long).collect::<Vec<_>>(), want);
        assert_eq!(want.len(), 1);
    }

    #[test]
    fn image_names() {
        assert!(is_image_name("13950827000687_photoi"));
        assert!(is_image_name("IMG_2016.JPG"));
        assert!(!is_image_name("Syria"));
        assert!(!is_image_name("In 2016 the war"));
        assert!(!is_image_name("20161213"));
    }

    /// The two patterns with their lengths checked on the captures accept exactly what the
    /// one pattern with bounded repetitions they replace accepted.
    #[test]
    fn image_names_as_the_bounded_pattern() {
        let bounded = re(
            r"(?i)^\s*(?:[\w.-]{1,120}\.(?:jpe?g|png|gif|webp|bmp|tiff?|svg|avif)|[a-z]{1,12}_\d{6,}\w{0,20}|\d{6,}_[a-z]\w{0,20})\s*$",
        );
        let mut lines = Vec::new();
        for name in ["a", "IMG_2016", "фото", "x.y-z", "_", "12"] {
            for reps in [1, 24, 30, 31, 40, 60, 61, 121] {
                for ext in ["jpg", "JPEG", "tif", "tiff", "avif", "txt", "jpgx"] {
                    lines.push(format!("{}.{ext}", name.repeat(reps)));
                    lines.push(format!("  {}.{ext}\t", name.repeat(reps)));
                }
            }
        }
        for head in ["photo_", "a_", "abcdefghijkl_", "abcdefghijklm_", "\u{212a}_"] {
            for digits in [5, 6, 14] {
                for tail in ["", "x", "1", "é", "_"] {
                    for reps in [0, 1, 19, 20, 21, 25] {
                        lines.push(format!("{head}{}{}", "7".repeat(digits), tail.repeat(reps)));
                        lines.push(format!("{}_{head}{}", "7".repeat(digits), tail.repeat(reps)));
                        lines.push(format!("{}_k{}", "7".repeat(digits), tail.repeat(reps)));
                    }
                }
            }
        }
        for line in &lines {
            let t = line.trim();
            let eligible =
                line.len() <= 160 && !t.is_empty() && !t.contains(char::is_whitespace) && t.contains(['.', '_']);
            assert_eq!(is_image_name(line), eligible && bounded.is_match(line), "{line:?}");
        }
    }
}
