//! Near-duplicates of a corpus that arrives in chunks (a file too large for memory).
//!
//! Each chunk is shingled and signed in parallel; only its signatures (4·`num_perm` bytes a
//! document) and shingle counts stay in memory. For exact verification the sorted shingle
//! sets are appended to an anonymous temporary file (8 bytes a distinct shingle, deleted when
//! the stream is dropped) instead of keeping texts. At the end, candidates, verification and
//! clusters run through [`dedup::near_duplicates_of_signatures`], the code
//! [`dedup::near_duplicates`] uses, reading back only the sets of documents in candidate
//! pairs: the result is the one the whole corpus in memory gives.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::parallel::{DEFAULT_CHUNK, Workers};
use crate::similarity::dedup::{self, Dedup, DedupOptions, candidate_threshold};
use crate::similarity::minhash::{LshIndex, MinHasher};
use crate::similarity::tokens::Scratch;

/// Shingle sets written to a temporary file, one after another.
struct Spill {
    place: PathBuf,
    out: BufWriter<File>,
    /// Where each document's set starts, in `u64` words, then where the last one ends.
    offsets: Vec<u64>,
}

impl Spill {
    fn new(dir: Option<&Path>) -> Result<Self> {
        let place = dir.map_or_else(std::env::temp_dir, Path::to_path_buf);
        let file = tempfile::tempfile_in(&place).map_err(|e| Error::io(&place, e))?;
        Ok(Spill { place, out: BufWriter::with_capacity(1 << 20, file), offsets: vec![0] })
    }

    fn push(&mut self, set: &[u64]) -> Result<()> {
        for x in set {
            self.out.write_all(&x.to_le_bytes()).map_err(|e| Error::io(&self.place, e))?;
        }
        let end = self.offsets.last().copied().unwrap_or(0) + set.len() as u64;
        self.offsets.push(end);
        Ok(())
    }

    /// The sets of documents `docs` (sorted, so the file is read forwards).
    fn read(self, docs: &[u32]) -> Result<Vec<Vec<u64>>> {
        let io = |e| Error::io(&self.place, e);
        let mut file = self.out.into_inner().map_err(|e| io(e.into_error()))?;
        let mut bytes = Vec::new();
        docs.iter()
            .map(|&d| {
                let (start, end) = (self.offsets[d as usize], self.offsets[d as usize + 1]);
                file.seek(SeekFrom::Start(start * 8)).map_err(io)?;
                bytes.resize(((end - start) * 8) as usize, 0);
                file.read_exact(&mut bytes).map_err(io)?;
                let words = bytes.chunks_exact(8);
                Ok(words.map(|w| u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]])).collect())
            })
            .collect()
    }
}

/// Near-duplicates accumulated chunk by chunk.
///
/// # Examples
/// ```
/// use copydesk::parallel::{Workers, no_checkpoint};
/// use copydesk::similarity::dedup::{DedupOptions, near_duplicates};
/// use copydesk::similarity::minhash::MinHasher;
/// use copydesk::similarity::stream::DedupStream;
/// use copydesk::similarity::tokens::Shingling;
/// let base = "Over the recent months Aleppo has been a battlefield between the army and the militants";
/// let texts = [base.to_string(), "An unrelated text about something else".into(), format!("{base} said a source")];
/// let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
/// let hasher = MinHasher::new(Shingling::default(), 128, 1).unwrap();
/// let opts = DedupOptions { threshold: 0.7, ..DedupOptions::default() };
/// let mut stream = DedupStream::new(hasher.clone(), opts.clone(), None).unwrap();
/// stream.add(&refs[..2], &Workers::inline(), &mut no_checkpoint).unwrap();
/// stream.add(&refs[2..], &Workers::inline(), &mut no_checkpoint).unwrap();
/// let whole = near_duplicates(&hasher, &refs, &opts, &Workers::inline(), &mut no_checkpoint).unwrap();
/// assert_eq!(stream.finish(&Workers::inline(), &mut no_checkpoint).unwrap(), whole);
/// ```
pub struct DedupStream {
    hasher: MinHasher,
    opts: DedupOptions,
    signatures: Vec<Vec<u32>>,
    sizes: Vec<u32>,
    spill: Option<Spill>,
}

impl std::fmt::Debug for DedupStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DedupStream").field("documents", &self.signatures.len()).finish_non_exhaustive()
    }
}

impl DedupStream {
    /// An empty stream; with `opts.exact`, shingle sets go to a temporary file in
    /// `spill_dir` (default: the system's temporary directory).
    pub fn new(hasher: MinHasher, opts: DedupOptions, spill_dir: Option<&Path>) -> Result<Self> {
        // Bad options fail now, not after the whole input has been read.
        dedup::check(&opts)?;
        LshIndex::params(&hasher, candidate_threshold(&opts), opts.bands_rows)?;
        let spill = if opts.exact { Some(Spill::new(spill_dir)?) } else { None };
        Ok(DedupStream { hasher, opts, signatures: Vec::new(), sizes: Vec::new(), spill })
    }

    /// Documents added so far.
    pub fn len(&self) -> usize {
        self.signatures.len()
    }

    /// Whether no document has been added.
    pub fn is_empty(&self) -> bool {
        self.signatures.is_empty()
    }

    /// Adds the next chunk of texts (signed in parallel).
    pub fn add(
        &mut self,
        texts: &[&str],
        workers: &Workers,
        checkpoint: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<()> {
        thread_local! {
            static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
        }
        let hasher = &self.hasher;
        let signed = workers.map_chunks(
            texts,
            DEFAULT_CHUNK,
            |text| {
                SCRATCH.with_borrow_mut(|scratch| {
                    let mut set = Vec::new();
                    hasher.shingling.shingles_into(text, scratch, &mut set);
                    (hasher.signature(&set), set)
                })
            },
            checkpoint,
        )?;
        for (sig, set) in signed {
            if let Some(spill) = &mut self.spill {
                spill.push(&set)?;
            }
            self.sizes.push(u32::try_from(set.len()).unwrap_or(u32::MAX));
            self.signatures.push(sig);
        }
        Ok(())
    }

    /// The pairs and clusters of every document added.
    pub fn finish(self, workers: &Workers, checkpoint: &mut dyn FnMut(usize, usize) -> bool) -> Result<Dedup> {
        let DedupStream { hasher, opts, signatures, sizes, spill } = self;
        let sets_of = |docs: &[u32]| spill.map_or_else(|| Ok(Vec::new()), |s| s.read(docs));
        dedup::near_duplicates_of_signatures(&hasher, &signatures, &sizes, &opts, sets_of, workers, checkpoint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parallel::no_checkpoint;
    use crate::similarity::tokens::{ShingleKind, Shingling};

    #[test]
    fn chunks_give_the_in_memory_result() {
        let words: Vec<String> = (0..300).map(|i| format!("w{}", (i * 7919) % 500)).collect();
        let base = words.join(" ");
        let texts: Vec<String> = (0..30)
            .map(|i| match i % 5 {
                0 => base.clone(),
                1 => format!("Lead {i}. {base} tail"),
                2 => format!("{} end {i}", words[..150].join(" ")),
                3 => format!("unrelated {i} text of its own"),
                _ => String::new(),
            })
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let hasher = MinHasher::new(Shingling::new(ShingleKind::Words, 3).unwrap(), 64, 9).unwrap();
        for exact in [true, false] {
            let opts = DedupOptions { threshold: 0.85, containment: Some(0.9), exact, ..DedupOptions::default() };
            let whole = dedup::near_duplicates(&hasher, &refs, &opts, &Workers::inline(), &mut no_checkpoint).unwrap();
            assert!(!whole.pairs.is_empty());
            for size in [1, 4, 7, 30] {
                let mut stream = DedupStream::new(hasher.clone(), opts.clone(), None).unwrap();
                for part in refs.chunks(size) {
                    stream.add(part, &Workers::new(2).unwrap(), &mut no_checkpoint).unwrap();
                }
                assert_eq!(stream.len(), refs.len());
                assert_eq!(stream.finish(&Workers::new(2).unwrap(), &mut no_checkpoint).unwrap(), whole, "{size}");
            }
        }
    }

    #[test]
    fn bad_options_fail_at_the_start() {
        let hasher = MinHasher::new(Shingling::default(), 16, 0).unwrap();
        let opts = DedupOptions { threshold: 1.5, ..DedupOptions::default() };
        assert!(DedupStream::new(hasher, opts, None).is_err());
    }
}
