//! The hold-back ring: the last few hundred milliseconds of caller audio, kept so the
//! recording can start a little before the detected speech onset (pre-roll) and end exactly
//! at a stop tone's onset, although both are only known some time after they happened.
//!
//! Samples carry absolute positions (samples since the operation started). The oldest
//! `released` samples are final and wait for the host to take them; the rest are held.
//! Capacity is a const generic; a full ring refuses the sample instead of overwriting.

/// A fixed-capacity ring of samples with absolute positions.
#[derive(Clone, Debug)]
pub struct HoldBack<const N: usize> {
    buf: [i16; N],
    /// Index in `buf` of the oldest sample.
    head: usize,
    /// Samples stored.
    len: usize,
    /// Position of the oldest sample.
    start: u64,
    /// How many of the oldest samples are released to the host.
    released: usize,
}

impl<const N: usize> Default for HoldBack<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> HoldBack<N> {
    /// An empty ring whose next sample is at position 0.
    pub const fn new() -> Self {
        HoldBack {
            buf: [0; N],
            head: 0,
            len: 0,
            start: 0,
            released: 0,
        }
    }

    /// Empties the ring; the next sample is at position `pos`.
    pub fn clear(&mut self, pos: u64) {
        self.head = 0;
        self.len = 0;
        self.start = pos;
        self.released = 0;
    }

    /// Position of the oldest sample stored.
    pub fn start(&self) -> u64 {
        self.start
    }

    /// Position the next pushed sample will have.
    pub fn end(&self) -> u64 {
        self.start + self.len as u64
    }

    /// Samples that may still be pushed.
    pub fn space(&self) -> usize {
        N - self.len
    }

    /// Samples held (stored and not released).
    pub fn held(&self) -> usize {
        self.len - self.released
    }

    /// Samples released and not yet taken.
    pub fn released(&self) -> usize {
        self.released
    }

    /// Appends a sample; a full ring returns it.
    pub fn push(&mut self, sample: i16) -> Result<(), i16> {
        if self.len == N {
            return Err(sample);
        }
        let i = (self.head + self.len) % N;
        if let Some(slot) = self.buf.get_mut(i) {
            *slot = sample;
        }
        self.len += 1;
        Ok(())
    }

    /// Appends samples from `samples` until it ends or the ring is full; returns how many
    /// were appended. The same as [`HoldBack::push`] in a loop, in two straight copies.
    pub fn extend_from(&mut self, mut samples: impl Iterator<Item = i16>) -> usize {
        let tail = (self.head + self.len) % N.max(1);
        let space = self.space();
        let (wrapped, after_tail) = self.buf.split_at_mut(tail);
        let mut n = 0;
        for (slot, v) in after_tail.iter_mut().take(space).zip(&mut samples) {
            *slot = v;
            n += 1;
        }
        if n < space {
            for (slot, v) in wrapped.iter_mut().take(space - n).zip(&mut samples) {
                *slot = v;
                n += 1;
            }
        }
        self.len += n;
        n
    }

    /// Forgets held samples at positions before `pos` (they are not recorded).
    pub fn drop_before(&mut self, pos: u64) {
        let n = pos.saturating_sub(self.start).min(self.held() as u64) as usize;
        if self.released == 0 {
            self.head = (self.head + n) % N.max(1);
            self.len -= n;
            self.start += n as u64;
        }
    }

    /// Forgets held samples at positions `pos` and after.
    pub fn truncate_from(&mut self, pos: u64) {
        let keep = pos.saturating_sub(self.start).min(self.len as u64) as usize;
        self.len = keep.max(self.released);
    }

    /// Releases held samples at positions before `pos` to the host.
    pub fn release_before(&mut self, pos: u64) {
        let n = pos.saturating_sub(self.start).min(self.len as u64) as usize;
        self.released = self.released.max(n);
    }

    /// Takes the oldest contiguous run of released samples (empty if none). The samples stay
    /// readable through the returned slice until the ring is next changed.
    pub fn take_released(&mut self) -> &[i16] {
        let n = self.released.min(N - self.head);
        let first = self.head;
        self.head = (self.head + n) % N.max(1);
        self.len -= n;
        self.released -= n;
        self.start += n as u64;
        self.buf.get(first..first + n).unwrap_or(&[])
    }

    /// The newest `n` samples (fewer if fewer are stored), oldest first, as up to two slices.
    pub fn newest(&self, n: usize) -> (&[i16], &[i16]) {
        let n = n.min(self.len);
        let from = (self.head + self.len - n) % N.max(1);
        if from + n <= N {
            (self.buf.get(from..from + n).unwrap_or(&[]), &[])
        } else {
            let tail = self.buf.get(from..).unwrap_or(&[]);
            let wrapped = self.buf.get(..n - tail.len()).unwrap_or(&[]);
            (tail, wrapped)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_releases_and_wraps() {
        let mut r = HoldBack::<8>::new();
        for s in 0..8 {
            r.push(s).unwrap();
        }
        assert_eq!(r.push(99), Err(99));
        r.drop_before(3);
        assert_eq!((r.start(), r.end(), r.held()), (3, 8, 5));
        r.release_before(5);
        assert_eq!(r.take_released(), &[3, 4]);
        for s in 8..13 {
            r.push(s).unwrap();
        }
        let (a, b) = r.newest(6);
        assert_eq!([a, b].concat(), vec![7, 8, 9, 10, 11, 12]);
        r.truncate_from(10);
        assert_eq!(r.end(), 10);
        r.release_before(10);
        let mut got = r.take_released().to_vec();
        got.extend_from_slice(r.take_released());
        assert_eq!(got, vec![5, 6, 7, 8, 9]);
        assert_eq!(r.take_released(), &[] as &[i16]);
    }

    #[test]
    fn extend_from_is_push_in_a_loop() {
        // Every start offset, every length, with and without wrapping and overflow.
        for offset in 0..7 {
            for n in 0..10 {
                let mut bulk = HoldBack::<7>::new();
                let mut single = HoldBack::<7>::new();
                for s in 0..offset {
                    bulk.push(s).unwrap();
                    single.push(s).unwrap();
                }
                bulk.drop_before(offset as u64);
                single.drop_before(offset as u64);
                let appended = bulk.extend_from((0..n).map(|k| 100 + k as i16));
                let mut pushed = 0;
                for k in 0..n {
                    if single.push(100 + k as i16).is_ok() {
                        pushed += 1;
                    }
                }
                assert_eq!(appended, pushed, "offset {offset}, n {n}");
                assert_eq!(bulk.end(), single.end());
                assert_eq!(bulk.newest(7), single.newest(7), "offset {offset}, n {n}");
            }
        }
    }
}
