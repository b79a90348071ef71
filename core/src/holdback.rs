//! The hold-back ring: the last hundred-odd milliseconds of caller audio, kept so the
//! recording can start a little before the detected speech onset (pre-roll) and end exactly
//! at a stop tone's onset, although both are only known some time after they happened.
//!
//! Samples carry absolute positions (samples since the operation started). The oldest
//! `released` samples are final and wait for the host to take them; the rest are held.
//! Capacity is a const generic; a full ring refuses the sample instead of overwriting.
//!
//! How a sample is stored is the ring's [`Store`]: [`Linear`] keeps 16-bit PCM (any input,
//! bit-exact); [`Ulaw`] keeps one G.711 μ-law byte per sample, half the RAM, bit-exact for
//! μ-law input and lost media, and decodes on the way out through a small buffer.

use crate::codec::{linear_to_ulaw, Law, ULAW_TO_LINEAR};

mod sealed {
    pub trait Sealed {}
}

/// How the hold-back ring stores a sample. Implemented by [`Linear`] and [`Ulaw`] only.
pub trait Store: sealed::Sealed + Clone + core::fmt::Debug + 'static {
    /// One stored sample.
    type Unit: Copy + core::fmt::Debug + 'static;
    /// Room for decoded samples handed to the host (empty when none need decoding).
    type Out: Copy + core::fmt::Debug + AsRef<[i16]> + AsMut<[i16]>;
    /// A stored zero (lost media).
    const SILENCE: Self::Unit;
    /// An empty output buffer.
    const OUT: Self::Out;
    /// Stores 16-bit PCM samples: `dst[i]` from `src[i]` (as many as the shorter holds).
    fn store_pcm(dst: &mut [Self::Unit], src: &[i16]);
    /// Stores G.711 bytes of `law`: `dst[i]` from `src[i]`.
    fn store_g711(dst: &mut [Self::Unit], src: &[u8], law: Law);
    /// Hands `parts` (one run of samples, cut in up to two slices) to `f` as 16-bit PCM,
    /// in order, decoding on the stack when needed ([`Ulaw`]: in pieces of
    /// `DECODE_PIECE`).
    fn decoded(parts: [&[Self::Unit]; 2], f: &mut impl FnMut(&[i16]));
    /// The oldest of `units` as 16-bit PCM, as many as fit `out` (or all, if they need no
    /// decoding): the slice handed out, whose length is how many units it covers.
    fn take<'a>(units: &'a [Self::Unit], out: &'a mut Self::Out) -> &'a [i16];
}

/// 16-bit PCM storage: two bytes per sample, any input kept bit for bit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Linear;

impl sealed::Sealed for Linear {}

impl Store for Linear {
    type Unit = i16;
    type Out = [i16; 0];
    const SILENCE: i16 = 0;
    const OUT: [i16; 0] = [];

    #[inline(always)]
    fn store_pcm(dst: &mut [i16], src: &[i16]) {
        let n = dst.len().min(src.len());
        if let (Some(d), Some(s)) = (dst.get_mut(..n), src.get(..n)) {
            d.copy_from_slice(s);
        }
    }

    #[inline(always)]
    fn store_g711(dst: &mut [i16], src: &[u8], law: Law) {
        let table = law.table();
        for (d, &b) in dst.iter_mut().zip(src) {
            *d = table[b as usize];
        }
    }

    #[inline(always)]
    fn decoded(parts: [&[i16]; 2], f: &mut impl FnMut(&[i16])) {
        for part in parts {
            if !part.is_empty() {
                f(part);
            }
        }
    }

    #[inline(always)]
    fn take<'a>(units: &'a [i16], _: &'a mut [i16; 0]) -> &'a [i16] {
        units
    }
}

/// The longest run [`Ulaw`] decodes in one piece on the stack: at 8 kHz, the recorder's
/// 10 ms block and whatever the DTMF detector takes with it (the rest of an 8 ms block, or
/// the one block that decides a group) always fit: 80 + 64 samples.
pub const DECODE_PIECE: usize = 144;

/// Samples [`Ulaw`] decodes per [`Event::Captured`](crate::Event::Captured) slice.
pub const ULAW_OUT: usize = 40;

/// G.711 μ-law storage: one byte per sample. μ-law input and lost media (the μ-law zero,
/// 0xff) are kept bit for bit; PCM and A-law input are re-quantized to μ-law, so a channel
/// whose audio is not μ-law should use [`Linear`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ulaw;

impl sealed::Sealed for Ulaw {}

/// The μ-law byte nearest every A-law byte's value.
const ALAW_TO_ULAW: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = linear_to_ulaw(Law::Alaw.decode(i as u8));
        i += 1;
    }
    t
};

impl Store for Ulaw {
    type Unit = u8;
    type Out = [i16; ULAW_OUT];
    const SILENCE: u8 = 0xff;
    const OUT: [i16; ULAW_OUT] = [0; ULAW_OUT];

    fn store_pcm(dst: &mut [u8], src: &[i16]) {
        for (d, &x) in dst.iter_mut().zip(src) {
            *d = linear_to_ulaw(x);
        }
    }

    #[inline(always)]
    fn store_g711(dst: &mut [u8], src: &[u8], law: Law) {
        let n = dst.len().min(src.len());
        let (Some(dst), Some(src)) = (dst.get_mut(..n), src.get(..n)) else {
            return;
        };
        match law {
            Law::Ulaw => dst.copy_from_slice(src),
            Law::Alaw => {
                for (d, &b) in dst.iter_mut().zip(src) {
                    *d = ALAW_TO_ULAW[b as usize];
                }
            }
        }
    }

    #[inline(always)]
    fn decoded(parts: [&[u8]; 2], f: &mut impl FnMut(&[i16])) {
        let mut pcm = [0i16; DECODE_PIECE];
        for part in parts {
            for piece in part.chunks(DECODE_PIECE) {
                let n = decode_into(piece, &mut pcm);
                f(pcm.get(..n).unwrap_or(&[]));
            }
        }
    }

    fn take<'a>(units: &'a [u8], out: &'a mut [i16; ULAW_OUT]) -> &'a [i16] {
        let n = decode_into(units, out);
        out.get(..n).unwrap_or(&[])
    }
}

/// Decodes as many μ-law bytes as fit `out`; returns how many. Four at a time: on a
/// Cortex-M3 that is about four instructions a sample instead of six.
#[inline(always)]
fn decode_into(bytes: &[u8], out: &mut [i16]) -> usize {
    let n = bytes.len().min(out.len());
    let (Some(out), Some(bytes)) = (out.get_mut(..n), bytes.get(..n)) else {
        return 0;
    };
    let mut outs = out.chunks_exact_mut(4);
    let mut ins = bytes.chunks_exact(4);
    for (o, b) in (&mut outs).zip(&mut ins) {
        if let ([o0, o1, o2, o3], [b0, b1, b2, b3]) = (o, b) {
            *o0 = ULAW_TO_LINEAR[*b0 as usize];
            *o1 = ULAW_TO_LINEAR[*b1 as usize];
            *o2 = ULAW_TO_LINEAR[*b2 as usize];
            *o3 = ULAW_TO_LINEAR[*b3 as usize];
        }
    }
    for (o, &b) in outs.into_remainder().iter_mut().zip(ins.remainder()) {
        *o = ULAW_TO_LINEAR[b as usize];
    }
    n
}

/// A fixed-capacity ring of samples with absolute positions.
#[derive(Clone, Debug)]
pub struct HoldBack<const N: usize, S: Store = Linear> {
    buf: [S::Unit; N],
    /// Decoded output handed to the host (empty for [`Linear`]).
    out: S::Out,
    /// Index in `buf` of the oldest sample.
    head: usize,
    /// Samples stored.
    len: usize,
    /// Position of the oldest sample.
    start: u64,
    /// How many of the oldest samples are released to the host.
    released: usize,
}

impl<const N: usize, S: Store> Default for HoldBack<N, S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize, S: Store> HoldBack<N, S> {
    /// An empty ring whose next sample is at position 0.
    pub const fn new() -> Self {
        HoldBack {
            buf: [S::SILENCE; N],
            out: S::OUT,
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
    #[cfg(test)]
    fn push(&mut self, sample: S::Unit) -> Result<(), S::Unit> {
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
    /// were appended. The same as [`HoldBack::push`] in a loop.
    #[cfg(test)]
    fn extend_from(&mut self, mut samples: impl Iterator<Item = S::Unit>) -> usize {
        self.append(usize::MAX, |dst, _| {
            let mut n = 0;
            for (slot, v) in dst.iter_mut().zip(&mut samples) {
                *slot = v;
                n += 1;
            }
            n
        })
    }

    /// Appends up to `n` samples (fewer if the ring fills) in at most two contiguous runs:
    /// `fill(slots, offset)` writes the samples `offset..offset + slots.len()` of the input
    /// into `slots` and returns how many it wrote. Returns how many were appended.
    #[inline(always)]
    pub fn append(
        &mut self,
        n: usize,
        mut fill: impl FnMut(&mut [S::Unit], usize) -> usize,
    ) -> usize {
        let n = n.min(self.space());
        let tail = (self.head + self.len) % N.max(1);
        let first = n.min(N - tail);
        let mut done = 0;
        if let Some(slots) = self.buf.get_mut(tail..tail + first) {
            done = fill(slots, 0).min(first);
        }
        if done == first && first < n {
            if let Some(slots) = self.buf.get_mut(..n - first) {
                done += fill(slots, first).min(n - first);
            }
        }
        self.len += done;
        done
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

    /// Takes the oldest contiguous run of released samples (empty if none), as 16-bit PCM.
    /// The samples stay readable through the returned slice until the ring is next changed.
    pub fn take_released(&mut self) -> &[i16] {
        let n = self.released.min(N - self.head);
        let first = self.head;
        let units = self.buf.get(first..first + n).unwrap_or(&[]);
        let taken = S::take(units, &mut self.out);
        let n = taken.len();
        self.head = (self.head + n) % N.max(1);
        self.len -= n;
        self.released -= n;
        self.start += n as u64;
        taken
    }

    /// The newest `n` samples (fewer if fewer are stored), oldest first, as up to two slices.
    pub fn newest(&self, n: usize) -> (&[S::Unit], &[S::Unit]) {
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

    /// Hands the newest `n` samples to `f` as 16-bit PCM, oldest first, in one or more
    /// slices (see [`Store::decoded`]).
    #[cfg(test)]
    fn newest_decoded(&self, n: usize, f: &mut impl FnMut(&[i16])) {
        let (a, b) = self.newest(n);
        S::decoded([a, b], f);
    }

    /// Hands the samples at positions `from..to` that are stored (all of them when
    /// `start() <= from`) to `f` as 16-bit PCM, oldest first, in one or more slices (see
    /// [`Store::decoded`]).
    pub fn span_decoded(&self, from: u64, to: u64, f: &mut impl FnMut(&[i16])) {
        let to = to.min(self.end());
        let from = from.max(self.start).min(to);
        let (a, b) = self.newest((self.end() - from) as usize);
        let n = (to - from) as usize;
        let (a, b) = match a.get(..n) {
            Some(a) => (a, &[][..]),
            None => (a, b.get(..n - a.len()).unwrap_or(b)),
        };
        S::decoded([a, b], f);
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

    #[test]
    fn decoding_four_at_a_time_is_decoding_one_at_a_time() {
        let bytes: Vec<u8> = (0..=255u8).rev().collect();
        for n in 0..12 {
            for room in [n, n + 3, 3] {
                let mut out = vec![7i16; room];
                let done = decode_into(&bytes[..n], &mut out);
                assert_eq!(done, n.min(room));
                for (i, &o) in out.iter().enumerate() {
                    let want = if i < done {
                        Law::Ulaw.decode(bytes[i])
                    } else {
                        7
                    };
                    assert_eq!(o, want, "n {n}, room {room}, sample {i}");
                }
            }
        }
    }

    /// The μ-law ring hands out what the linear ring holding the decoded bytes hands out,
    /// in pieces of at most [`ULAW_OUT`], across the wrap.
    #[test]
    fn ulaw_decodes_on_the_way_out() {
        let mut bytes = HoldBack::<100, Ulaw>::new();
        let mut linear = HoldBack::<100>::new();
        let mut next = 0u8;
        let mut got = (Vec::new(), Vec::new());
        for round in 0..5 {
            let n = bytes.extend_from((0..70).map(|k| next.wrapping_add(k)));
            let m = linear.extend_from((0..70).map(|k| Law::Ulaw.decode(next.wrapping_add(k))));
            assert_eq!(n, m, "round {round}");
            next = next.wrapping_add(n as u8);
            let (mut dec, mut lin) = (Vec::new(), Vec::new());
            bytes.newest_decoded(90, &mut |s| dec.extend_from_slice(s));
            linear.newest_decoded(90, &mut |s| lin.extend_from_slice(s));
            assert_eq!(dec, lin, "round {round}");
            bytes.release_before(bytes.end() - 10);
            linear.release_before(linear.end() - 10);
            while bytes.released() > 0 {
                let s = bytes.take_released();
                assert!(!s.is_empty() && s.len() <= ULAW_OUT);
                got.0.extend_from_slice(s);
            }
            while linear.released() > 0 {
                got.1.extend_from_slice(linear.take_released());
            }
        }
        assert!(got.0.len() > 200);
        assert_eq!(got.0, got.1);
        // Lost media is an exact zero.
        assert_eq!(ULAW_TO_LINEAR[Ulaw::SILENCE as usize], 0);
    }
}
