//! Publication dates: many written forms in, ISO 8601 out.
//!
//! Scraped corpora write dates every which way: `4/5/2017` (FA-KES), `2018-01-25
//! 16:17:44.789555` (FakeNewsCorpus), `Tue Dec 13, 2016 22:11:53` (a Fars News dateline),
//! `7 December 2016`, RFC 2822 and RFC 3339. [`normalize_date`] tries a fixed list of
//! formats with `chrono` and returns `YYYY-MM-DD` for a date, `YYYY-MM-DDTHH:MM:SS[.f]` for a
//! time, and keeps an explicit UTC offset. Numeric day/month order is ambiguous; like pandas,
//! month first unless `dayfirst`.

use chrono::{DateTime, NaiveDate, NaiveDateTime};

const DATETIME_FORMATS: &[&str] = &[
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%a %b %d, %Y %H:%M:%S",
    "%b %d, %Y %H:%M:%S",
    "%d %B %Y %H:%M",
];

const DATE_FORMATS: &[&str] = &[
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%a %b %d, %Y",
    "%A, %B %d, %Y",
    "%a, %d %b %Y",
    "%Y%m%d",
];

/// Normalises a written date to ISO 8601, or `None` when no known form matches.
///
/// # Examples
/// ```
/// use copydesk::dates::normalize_date;
/// assert_eq!(normalize_date("4/5/2017", false).as_deref(), Some("2017-04-05"));
/// assert_eq!(normalize_date("4/5/2017", true).as_deref(), Some("2017-05-04"));
/// assert_eq!(normalize_date("Tue Dec 13, 2016 22:11:53", false).as_deref(), Some("2016-12-13T22:11:53"));
/// assert_eq!(normalize_date("7 December 2016", false).as_deref(), Some("2016-12-07"));
/// assert_eq!(normalize_date("next week", false), None);
/// ```
pub fn normalize_date(raw: &str, dayfirst: bool) -> Option<String> {
    // Corpora repeat the same date strings; trying every format each time is the slow part.
    thread_local! {
        static CACHE: std::cell::RefCell<std::collections::HashMap<(String, bool), Option<String>>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    if raw.len() > 64 {
        return None;
    }
    let key = (raw.to_owned(), dayfirst);
    if let Some(hit) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
        return hit;
    }
    let value = parse_date(raw, dayfirst);
    CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.len() >= 8192 {
            cache.clear();
        }
        cache.insert(key, value.clone());
    });
    value
}

fn parse_date(raw: &str, dayfirst: bool) -> Option<String> {
    let s = raw.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.to_rfc3339());
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(s) {
        return Some(dt.to_rfc3339());
    }
    for fmt in DATETIME_FORMATS {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(format_naive(dt));
        }
    }
    let numeric: &[&str] =
        if dayfirst { &["%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"] } else { &["%m/%d/%Y", "%d.%m.%Y", "%m-%d-%Y"] };
    for fmt in DATE_FORMATS.iter().chain(numeric) {
        if let Ok(d) = NaiveDate::parse_from_str(s, fmt) {
            return Some(d.format("%Y-%m-%d").to_string());
        }
    }
    let with_time: &[&str] =
        if dayfirst { &["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"] } else { &["%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M"] };
    for fmt in with_time {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(format_naive(dt));
        }
    }
    None
}

fn format_naive(dt: NaiveDateTime) -> String {
    if dt.and_utc().timestamp_subsec_nanos() == 0 {
        dt.format("%Y-%m-%dT%H:%M:%S").to_string()
    } else {
        dt.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_date;

    #[test]
    fn corpus_forms() {
        let cases = [
            ("12/7/2016", "2016-12-07"),
            ("2016-12-07", "2016-12-07"),
            ("2018-01-25 16:17:44.789555", "2018-01-25T16:17:44.789555"),
            ("2017-11-27T01:00:00", "2017-11-27T01:00:00"),
            ("December 10, 2016", "2016-12-10"),
            ("Sat, 10 Dec 2016 08:00:00 +0000", "2016-12-10T08:00:00+00:00"),
            ("2016-12-10T08:00:00Z", "2016-12-10T08:00:00+00:00"),
        ];
        for (raw, want) in cases {
            assert_eq!(normalize_date(raw, false).as_deref(), Some(want), "{raw}");
        }
    }

    #[test]
    fn impossible_dates_are_none() {
        assert_eq!(normalize_date("2/30/2017", false), None);
        assert_eq!(normalize_date("", false), None);
        assert_eq!(normalize_date("13/13/2013", false), None);
    }
}
