//! The reorder window: holds up to `W` packets so that packets that arrive out of order are
//! played in sequence-number order.
//!
//! A packet is released as soon as every packet before it was released or declared lost.
//! A missing packet is declared lost only when a packet `W` or more sequence numbers after it
//! arrives, so a packet that arrives before any packet `W` sequence numbers ahead of it is
//! always played: within that bound the release order, and so the output, does not depend on
//! the arrival order. At the start of a stream nothing is released until the buffered packets
//! span `W` sequence numbers (or the host flushes), for the same reason.
//!
//! Sequence numbers compare modulo 2^16 (RFC 3550 §A.1); each slot holds one packet's payload
//! of at most `P` bytes. Nothing here panics: slots are found by `seq % W` with checked
//! indexing.

/// What a buffered packet carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Media {
    /// G.711 samples in this law (one byte per 8 kHz sample).
    G711(crate::codec::Law),
    /// G.722 octets (one per tick of the 8 kHz RTP clock, two 16 kHz samples each).
    G722,
    /// A payload type of the host's codec.
    Host(u8),
    /// RFC 3389 comfort noise at this level (−dBov).
    Noise(u8),
    /// An RFC 4733 telephone event.
    Event,
}

/// A packet to play: what a [`Slot`] holds, or a packet taken straight from its datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Playable<'a> {
    /// Sequence number.
    pub seq: u16,
    /// RTP timestamp.
    pub timestamp: u32,
    /// What the payload is.
    pub media: Media,
    /// The marker bit (for audio: the first packet of a talkspurt).
    pub marker: bool,
    /// The payload.
    pub payload: &'a [u8],
}

/// One buffered packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot<const P: usize> {
    /// Sequence number.
    pub seq: u16,
    /// RTP timestamp.
    pub timestamp: u32,
    /// What the payload is.
    pub media: Media,
    /// The marker bit.
    pub marker: bool,
    len: usize,
    data: [u8; P],
}

impl<const P: usize> Slot<P> {
    /// A slot holding `payload`, or `None` if it is longer than `P`.
    pub fn new(packet: Playable<'_>) -> Option<Self> {
        let mut data = [0u8; P];
        let payload = packet.payload;
        data.get_mut(..payload.len())?.copy_from_slice(payload);
        Some(Slot {
            seq: packet.seq,
            timestamp: packet.timestamp,
            media: packet.media,
            marker: packet.marker,
            len: payload.len(),
            data,
        })
    }

    /// The payload.
    pub fn payload(&self) -> &[u8] {
        self.data.get(..self.len).unwrap_or(&[])
    }

    /// The packet, to play.
    pub fn playable(&self) -> Playable<'_> {
        Playable {
            seq: self.seq,
            timestamp: self.timestamp,
            media: self.media,
            marker: self.marker,
            payload: self.payload(),
        }
    }
}

/// Where an arriving sequence number falls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Placement {
    /// It can be stored.
    Fits,
    /// The same sequence number is already buffered.
    Duplicate,
    /// Its turn has passed (played, or declared lost).
    Late,
}

/// Up to `W` packets of at most `P` payload bytes, ordered by sequence number.
#[derive(Clone, Debug)]
pub struct ReorderWindow<const W: usize, const P: usize> {
    slots: [Option<Slot<P>>; W],
    /// The next sequence number to release.
    next: u16,
    /// The highest sequence number seen.
    max: u16,
    len: usize,
    started: bool,
}

/// `a - b` as a signed distance modulo 2^16.
fn distance(a: u16, b: u16) -> i32 {
    a.wrapping_sub(b) as i16 as i32
}

impl<const W: usize, const P: usize> Default for ReorderWindow<W, P> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const W: usize, const P: usize> ReorderWindow<W, P> {
    const EMPTY: Option<Slot<P>> = None;

    /// An empty window.
    pub const fn new() -> Self {
        ReorderWindow {
            slots: [Self::EMPTY; W],
            next: 0,
            max: 0,
            len: 0,
            started: false,
        }
    }

    /// Packets buffered.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The highest sequence number seen since the window was last empty and reset, if any.
    pub fn highest(&self) -> Option<u16> {
        (self.started || self.len > 0).then_some(self.max)
    }

    fn index(seq: u16) -> usize {
        if W == 0 {
            0
        } else {
            seq as usize % W
        }
    }

    fn holds(&self, seq: u16) -> bool {
        matches!(self.slots.get(Self::index(seq)), Some(Some(s)) if s.seq == seq)
    }

    /// Where `seq` would go.
    pub fn place(&self, seq: u16) -> Placement {
        if !self.started && self.len == 0 {
            return Placement::Fits;
        }
        if self.holds(seq) {
            return Placement::Duplicate;
        }
        if distance(seq, self.next) >= 0 {
            return Placement::Fits;
        }
        // Before the start, a packet below the lowest one buffered still fits if the
        // buffered span stays under `W`.
        // (A packet exactly half the sequence space away is neither ahead nor behind.)
        if !self.started && (1..W as i32).contains(&distance(self.max, seq)) {
            return Placement::Fits;
        }
        Placement::Late
    }

    /// Takes note that `seq` (which [`place`](Self::place)d as `Fits`) arrived: after this,
    /// [`pop_ready`](Self::pop_ready) releases what must make room for it. Then
    /// [`insert`](Self::insert) it.
    pub fn arrive(&mut self, seq: u16) {
        if !self.started && self.len == 0 {
            self.next = seq;
            self.max = seq;
        } else {
            if distance(seq, self.next) < 0 {
                self.next = seq;
            }
            if distance(seq, self.max) > 0 {
                self.max = seq;
            }
        }
        if distance(self.max, self.next) >= W as i32 - 1 {
            self.started = true;
        }
    }

    /// Stores a packet whose arrival was noted; returns it back if its slot is still taken
    /// (the host skipped [`pop_ready`](Self::pop_ready)).
    pub fn insert(&mut self, slot: Slot<P>) -> Result<(), Slot<P>> {
        match self.slots.get_mut(Self::index(slot.seq)) {
            Some(s @ None) => {
                *s = Some(slot);
                self.len += 1;
                Ok(())
            }
            _ => Err(slot),
        }
    }

    /// If it is `seq`'s turn (nothing before it is waiting), passes over it and returns true:
    /// the caller plays that packet itself, without storing it. Call after
    /// [`arrive`](Self::arrive) and [`pop_ready`](Self::pop_ready).
    pub fn take_turn(&mut self, seq: u16) -> bool {
        if self.started && self.next == seq && !self.holds(seq) {
            self.next = self.next.wrapping_add(1);
            true
        } else {
            false
        }
    }

    /// The next packet to play, if its turn has come; missing packets the window must pass
    /// over are skipped (the caller sees the gap in sequence numbers).
    pub fn pop_ready(&mut self) -> Option<Slot<P>> {
        if !self.started {
            return None;
        }
        if self.len == 0 {
            // Nothing buffered to play or to pass over one by one.
            if distance(self.max, self.next) >= W as i32 {
                self.next = self.max.wrapping_sub(W as u16).wrapping_add(1);
            }
            return None;
        }
        for _ in 0..=W {
            if let Some(s) = self.take(self.next) {
                self.next = self.next.wrapping_add(1);
                return Some(s);
            }
            if distance(self.max, self.next) >= W as i32 {
                self.next = self.next.wrapping_add(1);
            } else {
                return None;
            }
        }
        None
    }

    /// The next buffered packet in order, whatever is missing before it (end of stream).
    /// Once empty, the window starts afresh.
    pub fn pop_flush(&mut self) -> Option<Slot<P>> {
        for _ in 0..=W {
            if self.len == 0 {
                self.started = false;
                return None;
            }
            let seq = self.next;
            self.next = self.next.wrapping_add(1);
            if let Some(s) = self.take(seq) {
                return Some(s);
            }
        }
        None
    }

    fn take(&mut self, seq: u16) -> Option<Slot<P>> {
        let cell = self.slots.get_mut(Self::index(seq))?;
        if cell.is_some_and(|s| s.seq == seq) {
            self.len -= 1;
            return cell.take();
        }
        None
    }

    /// Drops everything buffered.
    pub fn clear(&mut self) {
        *self = Self::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::Law;
    use proptest::prelude::*;

    fn slot(seq: u16) -> Slot<4> {
        Slot::new(Playable {
            seq,
            timestamp: seq as u32 * 160,
            media: Media::G711(Law::Ulaw),
            marker: false,
            payload: &[seq as u8],
        })
        .unwrap()
    }

    /// Feeds arrivals through place/arrive/pop/insert/pop; returns the released order.
    fn run<const W: usize>(arrivals: &[u16]) -> Vec<u16> {
        let mut w = ReorderWindow::<W, 4>::new();
        let mut out = Vec::new();
        for &seq in arrivals {
            if w.place(seq) != Placement::Fits {
                continue;
            }
            w.arrive(seq);
            while let Some(s) = w.pop_ready() {
                out.push(s.seq);
            }
            w.insert(slot(seq)).unwrap();
            while let Some(s) = w.pop_ready() {
                out.push(s.seq);
            }
        }
        while let Some(s) = w.pop_flush() {
            out.push(s.seq);
        }
        out
    }

    #[test]
    fn in_order_and_reordered() {
        assert_eq!(run::<4>(&[1, 2, 3, 4, 5, 6]), vec![1, 2, 3, 4, 5, 6]);
        assert_eq!(run::<4>(&[2, 1, 4, 3, 6, 5]), vec![1, 2, 3, 4, 5, 6]);
        // A duplicate and a packet too late.
        assert_eq!(run::<4>(&[1, 2, 2, 3, 4, 5, 1]), vec![1, 2, 3, 4, 5]);
        // 3 never comes: passed over once 7 (= 3 + W) arrives.
        assert_eq!(run::<4>(&[1, 2, 4, 5, 6, 7, 8]), vec![1, 2, 4, 5, 6, 7, 8]);
        // Wrap of the 16-bit sequence number.
        assert_eq!(
            run::<4>(&[65534, 0, 65535, 1, 2]),
            vec![65534, 65535, 0, 1, 2]
        );
        assert_eq!(run::<1>(&[5, 6, 8, 7]), vec![5, 6, 8]);
        // Half the sequence space apart: neither ahead nor behind, so the second is late.
        assert_eq!(run::<8>(&[9504, 42272]), vec![9504]);
    }

    #[test]
    fn slot_capacity() {
        let packet = Playable {
            seq: 0,
            timestamp: 0,
            media: Media::Event,
            marker: false,
            payload: &[1, 2, 3],
        };
        assert!(Slot::<2>::new(packet).is_none());
        let packet = Playable {
            payload: &[1],
            ..packet
        };
        assert_eq!(Slot::<2>::new(packet).unwrap().payload(), &[1]);
    }

    proptest! {
        /// Any arrival order in which no packet comes after one `W` ahead of it gives the
        /// sequence order, with every packet.
        #[test]
        fn order_within_window_does_not_matter(
            start: u16, n in 1usize..60, keys in proptest::collection::vec(0u32..8, 60)
        ) {
            const W: usize = 8;
            // Displace each packet by less than W: sort by seq index + key (key < W).
            let mut order: Vec<(u32, u16)> = (0..n)
                .map(|i| (i as u32 + keys[i], start.wrapping_add(i as u16)))
                .collect();
            order.sort();
            let arrivals: Vec<u16> = order.iter().map(|&(_, s)| s).collect();
            // Check the premise: no packet arrives after one W ahead of it.
            for (i, &a) in arrivals.iter().enumerate() {
                for &b in &arrivals[..i] {
                    prop_assume!(distance(b, a) < W as i32);
                }
            }
            let want: Vec<u16> = (0..n).map(|i| start.wrapping_add(i as u16)).collect();
            prop_assert_eq!(run::<W>(&arrivals), want);
        }

        /// Whatever arrives, nothing panics and nothing is released twice.
        #[test]
        fn any_arrivals(arrivals in proptest::collection::vec(
            // Anywhere, near each other, and near half the sequence space apart.
            prop_oneof![any::<u16>(), 0u16..24, 32_760u16..32_790],
            0..100,
        )) {
            let out = run::<8>(&arrivals);
            let mut seen = std::collections::HashSet::new();
            for s in &out {
                prop_assert!(seen.insert(*s) || arrivals.iter().filter(|&&a| a == *s).count() > 1);
            }
        }
    }
}
