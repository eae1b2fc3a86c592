//! A small seeded xorshift for randomised unit tests: reproducible inputs without an extra
//! crate.

/// Draws `next(n)` in `0..n` (0 when `n` is 0) from a xorshift64 stream started at `seed`.
pub(crate) fn below(seed: u64) -> impl FnMut(usize) -> usize {
    let mut state = seed;
    move |n| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        #[allow(clippy::cast_possible_truncation)] // below n, a usize
        let k = (state % (n.max(1) as u64)) as usize;
        k
    }
}

/// A text of up to `most - 1` pieces drawn from `parts` (how many, then which, from `next`).
pub(crate) fn joined<F: FnMut(usize) -> usize + ?Sized>(next: &mut F, parts: &[&str], most: usize) -> String {
    (0..next(most)).map(|_| parts[next(parts.len())]).collect()
}
