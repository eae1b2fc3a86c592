//! Reading datelines by hand, as the dateline patterns of `structure` read them: a whole
//! header line (`DATELINE_LINE`: `Global Research, December 10, 2016`) and the text a
//! dateline fused to the start of the body matched (`DATELINE_PREFIX`: `Date of publication
//! 4 October 2016 `), both in ASCII: their date parts, and whether a fused one holds a
//! keyword, a weekday or a time.
//!
//! Why: the patterns' captures run the regex crate's capturing engine, which explores their
//! alternatives (four date forms, three copies of the month names, a name of any length
//! before the date) byte by byte: most of the structure stage's cost on a corpus whose
//! articles carry datelines (FA-KES). The parts follow from a few decisions instead, because
//! the alternatives start apart (a keyword, a weekday, a digit, a month name) and each greedy
//! part is taken whenever it is there. Text outside ASCII is left to the patterns; tests
//! compare the readings with the patterns' captures on many random lines.

use crate::text::is_white_space_byte;

/// The parts of a date as a dateline pattern captures them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DateParts<'a> {
    pub year: &'a str,
    /// A month name (`Dec`, `september`) or number (`12`).
    pub month: Month<'a>,
    pub day: &'a str,
    /// `22:11` or `22:11:53`.
    pub time: Option<&'a str>,
    /// `pm`, `a.m.`, in any case.
    pub ampm: Option<&'a str>,
}

/// The month of a date: a name or a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Month<'a> {
    Name(&'a str),
    Number(&'a str),
}

/// What a fused dateline says: whether it is strong (a keyword, a weekday or a time in it)
/// and its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FusedDate<'a> {
    pub strong: bool,
    pub date: DateParts<'a>,
}

/// The keywords of the pattern, in its order.
const KEYWORDS: [&str; 7] =
    ["date of publication", "first published", "published", "posted", "last updated", "updated", "last modified"];
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
/// Every month name the pattern takes.
const MONTH_NAMES: [&str; 24] = [
    "jan",
    "january",
    "feb",
    "february",
    "mar",
    "march",
    "apr",
    "april",
    "may",
    "jun",
    "june",
    "jul",
    "july",
    "aug",
    "august",
    "sep",
    "sept",
    "september",
    "oct",
    "october",
    "nov",
    "november",
    "dec",
    "december",
];
/// The time zones of the pattern (`+03:00` aside), in its order.
const ZONES: [&str; 6] = ["gmt", "utc", "est", "edt", "cet", "cest"];

/// A cursor over the ASCII bytes of a match.
struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Reader<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }
    fn peek(&self) -> Option<u8> {
        self.bytes().get(self.at).copied()
    }
    /// Whether the text at the cursor starts with `word` in any ASCII case.
    fn starts_with(&self, word: &str) -> bool {
        self.bytes().get(self.at..self.at + word.len()).is_some_and(|h| h.eq_ignore_ascii_case(word.as_bytes()))
    }
    fn take_byte(&mut self, b: u8) -> bool {
        let here = self.peek() == Some(b);
        self.at += usize::from(here);
        here
    }
    /// Skips the pattern's `\s*` (in ASCII); returns how many bytes.
    fn skip_space(&mut self) -> usize {
        let n = self.bytes()[self.at..].iter().take_while(|&&b| is_white_space_byte(b)).count();
        self.at += n;
        n
    }
    /// Skips `[,\s]*`.
    fn skip_name_end(&mut self) {
        self.at += self.bytes()[self.at..].iter().take_while(|&&b| is_name_end(b)).count();
    }
    /// The run of bytes from the cursor that `class` accepts, taken.
    fn take_run(&mut self, class: fn(&u8) -> bool) -> &'a str {
        let n = self.bytes()[self.at..].iter().take_while(|b| class(b)).count();
        self.at += n;
        &self.text[self.at - n..self.at]
    }
    /// `(?:st|nd|rd|th)?`.
    fn skip_ordinal(&mut self) {
        if ["st", "nd", "rd", "th"].iter().any(|s| self.starts_with(s)) {
            self.at += 2;
        }
    }
    /// A month name (the whole run of letters: the pattern lets no letter follow one) and
    /// `\.?`.
    fn month_name(&mut self) -> Option<&'a str> {
        let name = self.take_run(u8::is_ascii_alphabetic);
        if !MONTH_NAMES.iter().any(|m| m.eq_ignore_ascii_case(name)) {
            return None;
        }
        self.take_byte(b'.');
        Some(name)
    }
    /// Exactly `n` digits, not followed by another.
    fn number(&mut self, n: usize) -> Option<&'a str> {
        let digits = self.take_run(u8::is_ascii_digit);
        (digits.len() == n).then_some(digits)
    }
}

/// How a line reads as a whole-line dateline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineReading<'a> {
    /// A dateline: its date, and the name before it if there is one.
    Dateline {
        date: DateParts<'a>,
        name: Option<&'a str>,
    },
    NotADateline,
    /// Outside ASCII or more than a line: the pattern must tell.
    CannotTell,
}

/// Reads `line` as `DATELINE_LINE` does: `^\s*(?:KEYWORD|NAME[,\s]+)?DATE\s*$`, where the
/// name is the shortest run without a digit (or line break) after which the rest reads as a
/// date, and the keyword is tried first, then a name, then neither.
pub(crate) fn read_line(line: &str) -> LineReading<'_> {
    if !line.is_ascii() || line.contains('\n') {
        return LineReading::CannotTell;
    }
    let mut r = Reader { text: line, at: 0 };
    r.skip_space();
    let start = r.at;
    if keyword(&mut r) {
        if let Some((_, date)) = date_to_end(&mut r, at_end) {
            return LineReading::Dateline { date, name: None };
        }
    }
    let bytes = line.as_bytes();
    for p in start + 1..bytes.len() {
        if bytes[p - 1].is_ascii_digit() {
            break;
        }
        // A name ends before a run of commas and spaces; a run is tried from its first byte
        // after the name's first only (a later one leaves the same text after the run).
        if is_name_end(bytes[p]) && (p == start + 1 || !is_name_end(bytes[p - 1])) {
            r.at = p;
            r.skip_name_end();
            if let Some((_, date)) = date_to_end(&mut r, at_end) {
                return LineReading::Dateline { date, name: Some(&line[start..p]) };
            }
        }
    }
    r.at = start;
    if let Some((_, date)) = date_to_end(&mut r, at_end) {
        return LineReading::Dateline { date, name: None };
    }
    // Last, the pattern gives back a space of `^\s*` to the name: new only where a comma
    // follows the spaces (` , 4 Sept 2016`).
    if start > 0 && bytes.get(start) == Some(&b',') {
        r.at = start;
        r.skip_name_end();
        if let Some((_, date)) = date_to_end(&mut r, at_end) {
            return LineReading::Dateline { date, name: Some(&line[start - 1..start]) };
        }
    }
    LineReading::NotADateline
}

/// Reads `text`, a whole match of the fused-dateline pattern (ASCII); `None` if it is not one
/// or is not ASCII.
pub(crate) fn read(text: &str) -> Option<FusedDate<'_>> {
    if !text.is_ascii() {
        return None;
    }
    let mut r = Reader { text, at: 0 };
    r.skip_space();
    let keyword = keyword(&mut r);
    let ((weekday, timed), date) = date_to_end(&mut r, ends_in_separator)?;
    Some(FusedDate { strong: keyword || weekday || timed, date })
}

/// Takes a keyword and what may follow it, `(?:\s+(?:on|at))?\s*:?\s*`, if the text at the
/// cursor starts with one (no date form starts as a keyword does: where one is, the pattern
/// takes it).
fn keyword(r: &mut Reader<'_>) -> bool {
    let Some(k) = KEYWORDS.iter().find(|k| r.starts_with(k)) else { return false };
    r.at += k.len();
    let before = r.at;
    if r.skip_space() > 0 && (r.starts_with("on") || r.starts_with("at")) {
        r.at += 2;
    } else {
        r.at = before;
    }
    r.skip_space();
    r.take_byte(b':');
    r.skip_space();
    true
}

/// The date pattern from the cursor, then `tail` to the end of the text: an optional weekday,
/// a date, the greedy time (else none), a zone. With whether a weekday and a time were read.
fn date_to_end<'a>(r: &mut Reader<'a>, tail: fn(&mut Reader<'_>) -> bool) -> Option<((bool, bool), DateParts<'a>)> {
    // No date form starts as a weekday does: where one is, the pattern takes it.
    let weekday = WEEKDAYS.iter().any(|w| r.starts_with(w));
    if weekday {
        // `[a-z]{0,6}\.?,?\s+`
        r.at += 3;
        if r.take_run(u8::is_ascii_alphabetic).len() > 6 {
            return None;
        }
        r.take_byte(b'.');
        r.take_byte(b',');
        if r.skip_space() == 0 {
            return None;
        }
    }
    let date = date(r)?;
    let after_date = r.at;
    if let Some((time, ampm)) = time(r) {
        if ends_in_zone(r, tail) {
            return Some(((weekday, true), DateParts { time: Some(time), ampm, ..date }));
        }
    }
    r.at = after_date;
    ends_in_zone(r, tail).then_some(((weekday, false), date))
}

/// The pattern's `[,\s]`.
fn is_name_end(b: u8) -> bool {
    b == b',' || is_white_space_byte(b)
}

/// One of the four date forms, in the pattern's order: `13 Dec 2016` (an ordinal allowed),
/// `Dec 13, 2016`, `Jul 012016`, `2016-12-13`.
fn date<'a>(r: &mut Reader<'a>) -> Option<DateParts<'a>> {
    let parts = |year, month, day| DateParts { year, month, day, time: None, ampm: None };
    if r.peek().is_some_and(|b| b.is_ascii_digit()) {
        let start = r.at;
        let digits = r.take_run(u8::is_ascii_digit);
        if digits.len() == 4 && r.take_byte(b'-') {
            let month = r.number(2)?;
            r.take_byte(b'-').then_some(())?;
            let day = r.number(2)?;
            return Some(parts(&r.text[start..start + 4], Month::Number(month), day));
        }
        if digits.len() > 2 {
            return None;
        }
        r.skip_ordinal();
        (r.skip_space() > 0).then_some(())?;
        let month = r.month_name()?;
        r.take_byte(b',');
        (r.skip_space() > 0).then_some(())?;
        return Some(parts(r.number(4)?, Month::Name(month), digits));
    }
    let month = r.month_name()?;
    (r.skip_space() > 0).then_some(())?;
    let digits = r.take_run(u8::is_ascii_digit);
    match digits.len() {
        1 | 2 => {
            r.skip_ordinal();
            r.take_byte(b',');
            (r.skip_space() > 0).then_some(())?;
            Some(parts(r.number(4)?, Month::Name(month), digits))
        }
        6 if matches!(&digits[2..4], "19" | "20") => Some(parts(&digits[2..], Month::Name(month), &digits[..2])),
        _ => None,
    }
}

/// `,?\s+(?:at\s+)?` then a time `\d{1,2}:\d{2}(?::\d{2})?` and `(?:\s*[ap]\.?m\.?)?`.
fn time<'a>(r: &mut Reader<'a>) -> Option<(&'a str, Option<&'a str>)> {
    r.take_byte(b',');
    (r.skip_space() > 0).then_some(())?;
    let before_at = r.at;
    if r.starts_with("at") {
        r.at += 2;
        if r.skip_space() == 0 {
            r.at = before_at;
        }
    }
    let start = r.at;
    let hour = r.take_run(u8::is_ascii_digit).len();
    if !(1..=2).contains(&hour) || !r.take_byte(b':') || r.take_run(u8::is_ascii_digit).len() != 2 {
        return None;
    }
    let minutes_end = r.at;
    if !(r.take_byte(b':') && r.take_run(u8::is_ascii_digit).len() == 2) {
        r.at = minutes_end;
    }
    let time = &r.text[start..r.at];
    let time_end = r.at;
    r.skip_space();
    let ampm_start = r.at;
    let ampm = if r.peek().is_some_and(|b| matches!(b | 0x20, b'a' | b'p')) && {
        r.at += 1;
        r.take_byte(b'.');
        r.peek().is_some_and(|b| b | 0x20 == b'm')
    } {
        r.at += 1;
        r.take_byte(b'.');
        Some(&r.text[ampm_start..r.at])
    } else {
        r.at = time_end;
        None
    };
    Some((time, ampm))
}

/// Whether the rest is `(?:\s*(?:gmt|…|\+\d{2}:?\d{2}))?` and then `tail` to the end.
fn ends_in_zone(r: &mut Reader<'_>, tail: fn(&mut Reader<'_>) -> bool) -> bool {
    let start = r.at;
    r.skip_space();
    let zone = ZONES.iter().find(|z| r.starts_with(z)).map(|z| r.at + z.len()).or_else(|| {
        let b = r.bytes();
        let digits = |from: usize| b.get(from..from + 2).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
        let colon = usize::from(b.get(r.at + 3) == Some(&b':'));
        (r.peek() == Some(b'+') && digits(r.at + 1) && digits(r.at + 3 + colon)).then_some(r.at + 5 + colon)
    });
    if let Some(end) = zone {
        r.at = end;
        if tail(r) {
            return true;
        }
    }
    r.at = start;
    tail(r)
}

/// Whether the rest is `\s*` to the end.
fn at_end(r: &mut Reader<'_>) -> bool {
    r.skip_space();
    r.at == r.text.len()
}

/// Whether the rest is `(?:\s*[,:|-])?\s+` to the end.
fn ends_in_separator(r: &mut Reader<'_>) -> bool {
    let start = r.at;
    r.skip_space();
    let separator = matches!(r.peek(), Some(b',' | b':' | b'|' | b'-'));
    r.at += usize::from(separator);
    let after = r.at;
    r.skip_space();
    r.at == r.text.len() && if separator { r.at > after } else { r.at > start }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::structure::{
        DATELINE_LINE, DATELINE_PREFIX_ASCII, LINE_GROUPS, PREFIX_GROUPS, date_parts, is_strong,
    };

    /// The date pattern's parts from the weekday on, each with near misses (a wrong case is
    /// right: the patterns ignore case): the slots both tests below draw a date from.
    const DATE_SLOTS: [&[&str]; 6] = [
        &[
            "",
            "",
            "",
            "Tue ",
            "Wednesday, ",
            "WED. ",
            "Sundayyyy ",
            "Wednesdayy ",
            "sat,\t",
            "Mon",
            "Thu.,  ",
            "Fri.x ",
        ],
        &[
            "4 ",
            "13th ",
            "1st  ",
            "02 ",
            "123 ",
            "Oct ",
            "oct. ",
            "Sept. ",
            "SEPTEMBER ",
            "jun",
            "Julyy ",
            "Mayo ",
            "2016-12-13",
            "2016-1-13",
            "2016-12-133",
            "19 ",
        ],
        &[
            "October", "oct.", "Sept", "june", "dec", "13", "13th,", "012016", "011916", "012116", "01 2016", "2016",
            "", "4", "8,",
        ],
        &[" 2016", ", 2016", "  1999", " 20161", " 16", "", ",\t2016", " 2016-", " 2016 "],
        &["", "", " 10:30", ", 9:05:59", " at 22:11:53", " at  10:3", " 110:30", ",10:30", " AT 7:00"],
        &[
            "", "", " pm", "PM", " a.m.", "p.m", " am.", " amx", " GMT", " cest", "CET", " est", " Estonia", " +03:00",
            "+0300", " +03:0",
        ],
    ];

    /// A line of one draw from each slot.
    fn draw(next: &mut dyn FnMut(usize) -> usize, slots: &[&[&str]]) -> String {
        slots.iter().map(|options| options[next(options.len())]).collect()
    }

    #[test]
    fn reads_a_fused_dateline_as_the_pattern_captures_it() {
        let mut next = crate::test_rng::below(0x1F83_D9AB_FB41_BD6B);
        // Spaces, a keyword and what may follow it, a date, then a separator, what comes
        // after the dateline and a few random pieces; spaces of every ASCII kind and a
        // non-ASCII one between them.
        let head: [&[&str]; 4] = [
            &["", "", " ", "\t", "\u{a0}"],
            &[
                "",
                "",
                "Date of publication",
                "date OF publication",
                "First published",
                "Published",
                "Posted",
                "Last updated",
                "UPDATED",
                "Last modified",
                "Postedon",
                "Dated",
            ],
            &["", "", " on", " at", " ON", " in", ":", " :", " on:"],
            &[" ", " ", "  ", "\u{b}", "", "\n"],
        ];
        let tail: [&[&str]; 2] =
            [&["", "", " |", "-", ",", " :", " - "], &[" ", "  ", "", "\t", "\u{a0}", " BEIRUT", " (AFP) ", " é "]];
        let noise = ["Syria", " ", "2016", "at", "é", "-", "10:30"];
        let (mut matched, mut strong, mut timed, mut forms) = (0, 0, 0, [0usize; 2]);
        for _ in 0..250_000 {
            let mut line = draw(&mut next, &head) + &draw(&mut next, &DATE_SLOTS) + &draw(&mut next, &tail);
            line.push_str(&crate::test_rng::joined(&mut next, &noise, 3));
            // A text that is not a whole match reads as none.
            let whole_match = DATELINE_PREFIX_ASCII.find(&line).is_some_and(|m| m.end() == line.len());
            if !whole_match {
                assert_eq!(read(&line), None, "{line:?}");
            }
            let Some(c) = DATELINE_PREFIX_ASCII.captures(&line) else { continue };
            let whole = &line[..c.get(0).expect("a match").end()];
            let g = &*PREFIX_GROUPS;
            let expected = date_parts(&c, g).map(|date| FusedDate { strong: is_strong(&c, g), date });
            let got = read(whole);
            if whole.is_ascii() {
                assert_eq!(got, expected, "{whole:?}");
            } else {
                assert_eq!(got, None, "{whole:?}");
            }
            matched += 1;
            strong += usize::from(expected.is_some_and(|e| e.strong));
            timed += usize::from(expected.is_some_and(|e| e.date.time.is_some()));
            forms[usize::from(expected.is_some_and(|e| matches!(e.date.month, Month::Number(_))))] += 1;
        }
        assert!(
            matched > 10_000 && strong > 5_000 && timed > 1_000 && forms[1] > 200,
            "{matched} {strong} {timed} {forms:?}"
        );
    }

    #[test]
    fn reads_a_dateline_line_as_the_pattern_captures_it() {
        let mut next = crate::test_rng::below(0x3C6E_F372_FE94_F82B);
        // Spaces, then a name (of words, commas and spaces, or a digit in it), a keyword or
        // neither, then a date and what may end the line.
        let head: [&[&str]; 3] = [
            &["", "", " ", "\t"],
            &[
                "",
                "",
                "",
                "Global Research",
                "Global Research,",
                "SANA ,  ",
                "Syria 4",
                "By AFP",
                "a",
                ",",
                "Posted by x",
                "Posted",
                "Published on:",
                "Last updated at",
                "Dated",
                "x\u{b}",
            ],
            &[" ", " ", ", ", "  ", "", "\u{c}"],
        ];
        let tail: [&[&str]; 1] = [&["", "", " ", "  \t", " x", ".", " 5"]];
        let (mut dated, mut named, mut keyed) = (0, 0, 0);
        for _ in 0..200_000 {
            let line = draw(&mut next, &head) + &draw(&mut next, &DATE_SLOTS) + &draw(&mut next, &tail);
            let expected = match DATELINE_LINE.captures(&line) {
                Some(c) => LineReading::Dateline {
                    date: date_parts(&c, &LINE_GROUPS).expect("a match holds a date form"),
                    name: c.name("prefix").map(|p| p.as_str()),
                },
                None => LineReading::NotADateline,
            };
            assert_eq!(read_line(&line), expected, "{line:?}");
            if let LineReading::Dateline { name, .. } = expected {
                dated += 1;
                named += usize::from(name.is_some());
                keyed += usize::from(DATELINE_LINE.captures(&line).is_some_and(|c| c.name("kw").is_some()));
            }
        }
        assert!(dated > 4_000 && named > 3_000 && keyed > 500, "{dated} {named} {keyed}");
        assert_eq!(read_line("Syria, 5 Dec\n2016"), LineReading::CannotTell);
        assert_eq!(read_line("Damas, 5 décembre 2016"), LineReading::CannotTell);
    }

    #[test]
    fn reads_the_forms_of_the_corpus() {
        for (text, year, day, strong) in [
            ("Date of publication 4 October 2016 ", "2016", "4", true),
            ("Wed 05 Apr 2017 ", "2017", "05", true),
            ("Last updated at Jul 012016 ", "2016", "01", true),
            ("Posted on December 13, 2016 at 22:11 pm EST - ", "2016", "13", true),
            ("13 Dec 2016 ", "2016", "13", false),
            ("2016-12-13 | ", "2016", "13", false),
        ] {
            let read = read(text).unwrap_or_else(|| panic!("{text:?}"));
            assert_eq!((read.date.year, read.date.day, read.strong), (year, day, strong), "{text:?}");
        }
        assert_eq!(read("Wed 05 Apr 2017"), None, "no space after it: not a whole match");
    }
}
