//! Trains the default entity tagger on CoNLL-2003 and writes the shipped model.
//!
//! ```text
//! cargo run --release --example train_ner -- ../shared/data/conll2003/original_iob1_hscrf \
//!     python/copydesk/models/ner-conll2003.cdm
//! ```
//! Trains on `eng.train`, keeps the epoch with the best span F1 on `eng.testa`, and prints
//! span P/R/F1 per type on `eng.testa` and `eng.testb` (as JSON on the last line).

#![allow(clippy::print_stdout)]

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = PathBuf::from(args.first().map_or("../shared/data/conll2003/original_iob1_hscrf", String::as_str));
    let out = PathBuf::from(args.get(1).map_or("python/copydesk/models/ner-conll2003.cdm", String::as_str));
    let epochs = args.get(2).map_or(Ok(15), |e| e.parse())?;
    let report = copydesk::entities::train_conll(&dir, &out, epochs, &mut |epoch, f1| {
        println!("epoch {epoch}: eng.testa span F1 {:.4}", f1.unwrap_or(f64::NAN));
    })?;
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}
