//! Directory loader: one article per file (the layout of the user's sample corpus), id =
//! file stem, files read and decoded in parallel.
//!
//! Files are taken in sorted order of their path relative to the directory, so the corpus
//! order is the same on every machine. A UTF-8 byte-order mark is an encoding marker, not
//! text, and is removed. A file that cannot be read or holds NUL bytes (a binary file under
//! a `.txt` name) is rejected with the reason.

use std::path::{Path, PathBuf};

use crate::document::Loaded;
use crate::error::{Error, Result};
use crate::load::records::{OwnedField, OwnedRecord};
use crate::load::{
    Built, BuiltChunk, BuiltRecord, Chunked, FieldMap, FieldSpec, LoadOptions, MetaFields, RecordPlace, Source,
    TextField, build_document, build_records,
};
use crate::parallel::Workers;

/// Directory listing options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirOptions {
    /// File name ending to read, compared case-insensitively (default `.txt`).
    pub suffix: String,
    /// Descend into subdirectories.
    pub recursive: bool,
    /// Take each file's first non-blank line as its title (the text stays whole).
    pub title_from_first_line: bool,
}

impl Default for DirOptions {
    fn default() -> Self {
        DirOptions { suffix: ".txt".into(), recursive: false, title_from_first_line: false }
    }
}

fn list_files(root: &Path, dir: &Path, opts: &DirOptions, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let suffix = opts.suffix.to_lowercase();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| Error::io(&path, e))?;
        let is_dir = kind.is_dir() || (kind.is_symlink() && path.is_dir());
        if is_dir {
            if opts.recursive {
                list_files(root, &path, opts, out)?;
            }
        } else if path.file_name().is_some_and(|n| n.to_string_lossy().to_lowercase().ends_with(&suffix)) {
            out.push(path.strip_prefix(root).unwrap_or(&path).to_path_buf());
        }
    }
    Ok(())
}

fn first_line_title(text: &str) -> Option<String> {
    text.lines().map(str::trim).find(|l| !l.is_empty()).map(str::to_owned)
}

/// Reads every matching file in `dir` as one document.
pub fn read_dir<C>(
    dir: &Path,
    dir_opts: &DirOptions,
    opts: &LoadOptions,
    workers: &Workers,
    mut checkpoint: C,
) -> Result<Loaded>
where
    C: FnMut(usize, usize) -> bool,
{
    open_dir(dir, dir_opts, opts)?.read_all(workers, &mut checkpoint)
}

/// Lists `dir` to read its files in chunks (the listing, paths only, is made now).
pub fn open_dir(dir: &Path, dir_opts: &DirOptions, opts: &LoadOptions) -> Result<Chunked<'static>> {
    let origin = dir.display().to_string();
    let meta = std::fs::metadata(dir).map_err(|e| Error::io(dir, e))?;
    if !meta.is_dir() {
        return Err(Error::InvalidValue {
            what: "directory".into(),
            reason: format!("{origin} is a file, not a directory"),
        });
    }
    let mut files = Vec::new();
    list_files(dir, dir, dir_opts, &mut files)?;
    if files.is_empty() {
        let depth = if dir_opts.recursive { " (searched recursively)" } else { "" };
        return Err(Error::NoDocuments { origin, reason: format!("no files ending in {:?}{depth}", dir_opts.suffix) });
    }
    files.sort();
    let opts = LoadOptions {
        fields: FieldMap {
            text: "text".into(),
            id: FieldSpec::named("id"),
            title: None,
            source: None,
            url: None,
            published: None,
            meta: MetaFields::Only(vec!["path".into()]),
        },
        ..opts.clone()
    };
    let source =
        DirSource { dir: dir.to_path_buf(), origin: origin.clone(), dir_opts: dir_opts.clone(), files, next: 0 };
    Ok(Chunked::new(Box::new(source), origin, opts))
}

/// The files of a directory, a chunk at a time.
struct DirSource {
    dir: PathBuf,
    origin: String,
    dir_opts: DirOptions,
    files: Vec<PathBuf>,
    next: usize,
}

impl DirSource {
    fn build(&self, i: usize, rel: &Path, opts: &LoadOptions) -> BuiltRecord {
        let place = RecordPlace { origin: &self.origin, record: i, line: None };
        let path = self.dir.join(rel);
        let rel_name = rel.to_string_lossy().into_owned();
        let rel_text = rel.to_string_lossy().replace('\\', "/");
        // The id is the path without the suffix asked for (`a.json.txt` → `a` for `.json.txt`).
        let stem = rel_text[..rel_text.len() - self.dir_opts.suffix.len().min(rel_text.len())].to_owned();
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                return (
                    i,
                    None,
                    Ok(Built::Rejected { id: Some(stem), reason: format!("{rel_name}: cannot read: {e}") }),
                );
            }
        };
        if let Some(at) = bytes.iter().position(|&b| b == 0) {
            let reason = format!("{rel_name}: binary file (NUL byte at offset {at})");
            return (i, None, Ok(Built::Rejected { id: Some(stem), reason }));
        }
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes).to_vec();
        let record = OwnedRecord {
            fields: vec![
                ("id".into(), OwnedField::Str(stem)),
                ("text".into(), OwnedField::Bytes(body)),
                ("path".into(), OwnedField::Str(rel_name.clone())),
            ],
        };
        let mut built = build_document(&record, place, opts);
        if let Ok(Built::Document(doc)) = &mut built {
            if self.dir_opts.title_from_first_line {
                doc.title = first_line_title(&doc.text);
            }
        }
        if let Ok(Built::Rejected { reason, .. }) = &mut built {
            *reason = format!("{rel_name}: {reason}");
        }
        (i, None, built)
    }
}

impl Source for DirSource {
    fn next_chunk(
        &mut self,
        first: usize,
        max: usize,
        opts: &LoadOptions,
        workers: &Workers,
        checkpoint: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<BuiltChunk> {
        let end = self.files.len().min(self.next.saturating_add(max));
        let files = &self.files[self.next..end];
        let built = build_records(files, first, |i, rel| self.build(i, rel, opts), workers, checkpoint)?;
        self.next = end;
        Ok(BuiltChunk { built, text_field: TextField::Present })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parallel::no_checkpoint;

    #[test]
    fn reads_sorted_with_stems_titles_and_rejections() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.txt"), "\n\nSecond title\nbody").unwrap();
        std::fs::write(dir.path().join("a.TXT"), "\u{FEFF}First\nbody").unwrap();
        std::fs::write(dir.path().join("empty.txt"), "").unwrap();
        std::fs::write(dir.path().join("bin.txt"), b"\x00\x01").unwrap();
        std::fs::write(dir.path().join("notes.md"), "skip").unwrap();
        let dopts = DirOptions { title_from_first_line: true, ..DirOptions::default() };
        let loaded =
            read_dir(dir.path(), &dopts, &LoadOptions::default(), &Workers::new(2).unwrap(), no_checkpoint).unwrap();
        let ids: Vec<&str> = loaded.documents.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(loaded.documents[0].text, "First\nbody");
        assert_eq!(loaded.documents[1].title.as_deref(), Some("Second title"));
        assert_eq!(loaded.report.read, 4);
        assert_eq!(loaded.report.rejected.len(), 2);
        assert!(loaded.report.rejected.iter().any(|r| r.reason.contains("binary")));
    }

    #[test]
    fn multi_dot_suffixes_give_the_stem() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.json.txt"), "x").unwrap();
        let dopts = DirOptions { suffix: ".json.txt".into(), ..DirOptions::default() };
        let loaded = read_dir(dir.path(), &dopts, &LoadOptions::default(), &Workers::inline(), no_checkpoint).unwrap();
        assert_eq!(loaded.documents[0].id, "a");
    }

    #[test]
    fn errors_for_missing_and_empty_dirs() {
        let dir = tempfile::tempdir().unwrap();
        let err =
            read_dir(dir.path(), &DirOptions::default(), &LoadOptions::default(), &Workers::inline(), no_checkpoint)
                .unwrap_err();
        assert!(matches!(err, Error::NoDocuments { .. }));
        let err = read_dir(
            &dir.path().join("nope"),
            &DirOptions::default(),
            &LoadOptions::default(),
            &Workers::inline(),
            no_checkpoint,
        )
        .unwrap_err();
        assert!(matches!(err, Error::PathNotFound { .. }));
    }
}
