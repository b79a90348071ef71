//! The RTP receiver: takes the caller's RTP packets one by one, as they arrive, and hands
//! the media they carry to a [`MediaSink`] (a recorder, or a call's media queue).
//!
//! Each packet is parsed and checked first; a packet that fails is an [`RtpError`] and
//! changes nothing. RTCP multiplexed on the port (RFC 5761: second byte 192–223) is
//! recognised, counted and passed over. A packet that passes goes through the
//! [`ReorderWindow`] and is played in sequence order on a timeline of RTP timestamps (8 kHz
//! ticks):
//!
//! - PCMU (PT 0) and PCMA (PT 8) samples go to an 8 kHz sink at their timestamp, one per
//!   tick; G.722 (PT 9) octets are decoded (`codec::G722Decoder`, 64 kbit/s) into two 16 kHz
//!   samples each for a 16 kHz sink: RFC 3551 keeps G.722's RTP clock at 8 kHz although its
//!   audio is sampled at 16 kHz, so on a G.722 stream every tick of the timeline, and every
//!   span below, is two of the sink's samples. The host's own payload types are decoded by
//!   its [`HostCodec`], on their own RTP clock (48 kHz for Opus): the timeline's spans are
//!   converted to the sink's samples at that clock's ratio.
//! - A span of the timeline that no packet covered is pushed as
//!   [`MediaInput::Lost`] for exactly its length: missing packets, and senders that stop
//!   sending without comfort noise. Audio overlapping what was already played is trimmed.
//! - Silence suppression: a talkspurt that starts (marker bit) right after the last packet
//!   played (no sequence number missing) after a pause of its timestamps was not lost: the
//!   pause is [`MediaInput::Silence`].
//! - RFC 3389 comfort noise (PT 13) is line noise: from its packet up to the next packet
//!   (with no sequence number missing in between) the sink hears deterministic white
//!   noise at the level the packet gives.
//! - RFC 4733 telephone events (the dynamic PT the host set) go through an
//!   [`Rfc4733Tracker`]; each new key is handed on as a [`MediaInput::Digit`] when its first
//!   packet is played (with its onset, which the sink clamps to the audio played so far),
//!   so a stop key ends the operation as an in-band tone would. A long key sent as several
//!   segments (RFC 4733 §2.5.1.3) is one key. Events do not move the timeline; if the
//!   sender mutes the audio meanwhile, the span up to the event's end is silence, not lost
//!   media.
//! - Duplicates, and packets whose turn has passed, are dropped.
//!
//! Time: when packets stop coming (the call on hold, the network down), the host tells the
//! receiver how much time passed ([`RtpReceiver::advance`]); once the sink's media falls
//! more than [`RtpConfig::max_delay`] behind it, what is buffered is played and the rest of
//! the time is lost media, so the sink's clocks (the media-receive timeout among them) run
//! on. A host that reuses one receiver for a new recorder operation calls
//! [`RtpReceiver::restart`] first.
//!
//! Discontinuities, the policy:
//! - A timestamp more than [`RtpConfig::max_gap`] ticks ahead of the timeline, or behind it by
//!   a packet or more, is a jump of the sender's clock, not a loss: the timeline is re-based
//!   on the packet, and only the packets missing by sequence number are pushed as lost
//!   (their count × the last packet's length).
//! - A sequence number more than [`MAX_SEQ_JUMP`] from the highest seen restarts the window
//!   (what was buffered is played first); no packet is counted lost across the jump.
//! - A new SSRC ends the old stream: its buffered packets are played, then the new source
//!   continues the timeline without a gap. Late packets of the SSRC just left are dropped.
//!
//! The output depends only on the packets (and the time the host announces) and, within the
//! window's bound, not on their arrival order (see [`ReorderWindow`]); everything is integer
//! arithmetic on fixed state, so it is the same on every target.

use super::rfc4733::{Rfc4733Tracker, TelephoneEvent};
use crate::codec::{G722Decoder, Law};
use crate::dtmf::DtmfEvent;
use crate::media::{feed, MediaInput, MediaSink};
use crate::SampleRate;

use super::comfort_noise::{self, NoiseSource};
use super::header::{RtpError, RtpPacket};
use super::host_codec::{HostCodec, NoHostCodec, HOST_FRAME_SAMPLES};
use super::reorder::{Media, Placement, Playable, ReorderWindow, Slot};

/// Payload type of PCMU (RFC 3551).
pub const PT_PCMU: u8 = 0;
/// Payload type of PCMA (RFC 3551).
pub const PT_PCMA: u8 = 8;
/// Payload type of G.722 (RFC 3551: 16 kHz audio on an 8 kHz RTP clock).
pub const PT_G722: u8 = 9;
/// Payload type of comfort noise (RFC 3551, RFC 3389).
pub const PT_CN: u8 = 13;
/// A sequence number this far (or farther) from the highest seen restarts the window.
pub const MAX_SEQ_JUMP: i32 = 1000;
/// Default reorder window, in packets (160 ms of 20 ms packets).
pub const DEFAULT_WINDOW: usize = 8;
/// Default largest payload, in bytes (60 ms of G.711).
pub const DEFAULT_PAYLOAD: usize = 480;

/// What the host tells the receiver about the stream (from the SDP).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct RtpConfig {
    /// The payload type negotiated for `telephone-event/8000`, if any.
    pub telephone_event_pt: Option<u8>,
    /// The largest forward timestamp gap, in ticks, still taken as lost media rather than a
    /// jump of the sender's clock.
    pub max_gap: u32,
    /// How far, in ticks, the media handed to the sink may fall behind the time the host
    /// announces ([`RtpReceiver::advance`]) before the shortfall is lost media: the jitter
    /// the receiver waits out.
    pub max_delay: u32,
}

impl RtpConfig {
    /// No telephone events; gaps up to 60 s are lost media; 200 ms of jitter waited out.
    pub const DEFAULT: RtpConfig = RtpConfig {
        telephone_event_pt: None,
        max_gap: 60 * 8000,
        max_delay: 1600,
    };
}

impl Default for RtpConfig {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// What happened to a packet that was accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Fate {
    /// Buffered, and played if its turn had come.
    Accepted,
    /// Its sequence number is already buffered; dropped.
    Duplicate,
    /// Its turn has passed (played or declared lost); dropped.
    Late,
    /// From the SSRC the stream just left; dropped.
    OldSource,
    /// An RTCP packet sharing the port (RFC 5761); passed over.
    Rtcp,
}

/// Counters over the stream.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct RtpStats {
    /// Packets played (audio, comfort noise and events).
    pub played: u64,
    /// Packets missing by sequence number when the window passed over them.
    pub lost_packets: u64,
    /// Samples pushed as lost media.
    pub lost_samples: u64,
    /// Samples of silence pushed for a sender's suppressed pauses and muted key spans.
    pub silence_samples: u64,
    /// Samples of comfort noise generated.
    pub noise_samples: u64,
    /// Duplicate packets dropped.
    pub duplicates: u64,
    /// Late packets dropped (including those of an SSRC left behind).
    pub late: u64,
    /// Timestamp jumps and sequence restarts.
    pub discontinuities: u64,
    /// SSRC changes.
    pub source_changes: u64,
    /// RTCP packets passed over.
    pub rtcp: u64,
}

/// How many of the sink's samples a number of ticks of the stream's RTP clock is: `samples`
/// per `ticks`, with the remainder of earlier conversions carried so spans add up exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Scale {
    samples: u32,
    ticks: u32,
    carry: u32,
}

impl Scale {
    const ONE: Scale = Scale {
        samples: 1,
        ticks: 1,
        carry: 0,
    };

    /// The sink's rate over the clock's, reduced.
    fn new(sink_hz: u32, clock_hz: u32) -> Scale {
        let (mut a, mut b) = (sink_hz.max(1), clock_hz.max(1));
        while b != 0 {
            (a, b) = (b, a % b);
        }
        Scale {
            samples: sink_hz.max(1) / a,
            ticks: clock_hz.max(1) / a,
            carry: 0,
        }
    }

    /// Samples in `ticks` more ticks.
    fn samples(&mut self, ticks: u64) -> u64 {
        let total = ticks * u64::from(self.samples) + u64::from(self.carry);
        self.carry = (total % u64::from(self.ticks)) as u32;
        total / u64::from(self.ticks)
    }

    /// Ticks in `samples` samples (rounded down), without carrying.
    fn ticks(&self, samples: u64) -> u64 {
        samples * u64::from(self.ticks) / u64::from(self.samples)
    }
}

/// Receives one RTP stream into a [`MediaSink`]. `W` is the reorder window in packets, `P`
/// the largest payload in bytes, `H` the host's own codecs ([`NoHostCodec`] by default); all
/// state is inside, so a receiver can be a `static`.
#[derive(Clone, Debug)]
pub struct RtpReceiver<
    const W: usize = DEFAULT_WINDOW,
    const P: usize = DEFAULT_PAYLOAD,
    H: HostCodec = NoHostCodec,
> {
    config: RtpConfig,
    window: ReorderWindow<W, P>,
    ssrc: Option<u32>,
    old_ssrc: Option<u32>,
    /// Timestamp of the next sample of the timeline; meaningless until `timeline`.
    next_ts: u32,
    timeline: bool,
    /// Ticks of the timeline handed to the sink since the receiver was made or restarted.
    fed: u64,
    /// Time the host announced since then, in ticks (see [`RtpReceiver::advance`]).
    clock: u64,
    /// The sink's samples per tick of the stream's clock.
    scale: Scale,
    /// The sink's rate, in Hz (as of the last call).
    sink_hz: u32,
    /// The G.722 decoder's state (the stream's codec state carries across packets).
    g722: G722Decoder,
    /// The host's codecs.
    host: H,
    /// Sequence number of the last packet played, if any since the last restart.
    last_seq: Option<u16>,
    /// Length in samples of the last audio packet played.
    last_len: u32,
    /// Where the span covered by telephone events ends.
    event_end: Option<u32>,
    /// Comfort-noise level in force.
    noise: Option<u8>,
    noise_src: NoiseSource,
    tracker: Rfc4733Tracker,
    stats: RtpStats,
}

impl<const W: usize, const P: usize> RtpReceiver<W, P> {
    /// A receiver for a stream described by `config`.
    pub const fn new(config: RtpConfig) -> Self {
        Self::with_host_codec(config, NoHostCodec)
    }
}

impl<const W: usize, const P: usize, H: HostCodec> RtpReceiver<W, P, H> {
    /// A receiver for a stream described by `config` whose payload types also include those
    /// of the host's `codec`.
    pub const fn with_host_codec(config: RtpConfig, codec: H) -> Self {
        RtpReceiver {
            config,
            window: ReorderWindow::new(),
            ssrc: None,
            old_ssrc: None,
            next_ts: 0,
            timeline: false,
            fed: 0,
            clock: 0,
            scale: Scale::ONE,
            sink_hz: 8000,
            g722: G722Decoder::new(),
            host: codec,
            last_seq: None,
            last_len: 0,
            event_end: None,
            noise: None,
            noise_src: NoiseSource::new(),
            tracker: Rfc4733Tracker::new(0),
            stats: RtpStats {
                played: 0,
                lost_packets: 0,
                lost_samples: 0,
                silence_samples: 0,
                noise_samples: 0,
                duplicates: 0,
                late: 0,
                discontinuities: 0,
                source_changes: 0,
                rtcp: 0,
            },
        }
    }

    /// The stream's configuration.
    pub fn config(&self) -> RtpConfig {
        self.config
    }

    /// Counters since the receiver was made.
    pub fn stats(&self) -> RtpStats {
        self.stats
    }

    /// The SSRC being received, once a packet was accepted.
    pub fn ssrc(&self) -> Option<u32> {
        self.ssrc
    }

    /// Packets waiting in the reorder window.
    pub fn buffered(&self) -> usize {
        self.window.len()
    }

    /// Forgets the stream's timeline, the buffered packets and the time announced (the
    /// counters stay), so the next packet starts the timeline at the sink's next sample: for
    /// a host that hands the stream to a new recorder operation. Nothing is played.
    pub fn restart(&mut self) {
        self.window.clear();
        self.timeline = false;
        self.last_seq = None;
        self.event_end = None;
        self.noise = None;
        self.fed = 0;
        self.clock = 0;
        self.g722 = G722Decoder::new();
        self.host.reset();
    }

    /// Checks a packet for a sink at `rate` without changing anything: what it is, and the
    /// payload kept.
    fn check<'p>(&self, p: &RtpPacket<'p>, rate: SampleRate) -> Result<Playable<'p>, RtpError> {
        let media = match p.payload_type {
            PT_PCMU | PT_PCMA | PT_G722 if p.payload.is_empty() => {
                return Err(RtpError::EmptyPayload)
            }
            PT_PCMU | PT_PCMA if rate != SampleRate::Hz8000 => return Err(RtpError::Rate),
            PT_G722 if rate != SampleRate::Hz16000 => return Err(RtpError::Rate),
            PT_PCMU => Media::G711(Law::Ulaw),
            PT_PCMA => Media::G711(Law::Alaw),
            PT_G722 => Media::G722,
            pt if self.host.clock_hz(pt).is_some() => {
                if p.payload.is_empty() {
                    return Err(RtpError::EmptyPayload);
                }
                Media::Host(pt)
            }
            PT_CN => Media::Noise(comfort_noise::parse_level(p.payload)?),
            pt if Some(pt) == self.config.telephone_event_pt => {
                TelephoneEvent::parse(p.payload).map_err(|_| RtpError::TelephoneEvent)?;
                Media::Event
            }
            pt => return Err(RtpError::PayloadType { pt }),
        };
        let payload = match media {
            Media::G711(_) | Media::G722 | Media::Host(_) => p.payload,
            // Only the level of comfort noise and the first event of a telephone-event
            // payload are used.
            Media::Noise(_) => p.payload.get(..1).unwrap_or(&[]),
            Media::Event => p.payload.get(..4).unwrap_or(&[]),
        };
        if payload.len() > P {
            return Err(RtpError::PayloadTooLong {
                len: payload.len(),
                capacity: P,
            });
        }
        Ok(Playable {
            seq: p.sequence,
            timestamp: p.timestamp,
            media,
            marker: p.marker,
            payload,
        })
    }

    /// Takes one received packet (the UDP payload). What the sink says while it plays (for
    /// a recorder: captured audio, notices and the completion, as its `poll` gives them)
    /// goes to `on_event`. A malformed or unsupported packet is an error and changes
    /// nothing; RTCP on the same port is [`Fate::Rtcp`] and changes nothing either.
    pub fn packet<K: MediaSink + ?Sized>(
        &mut self,
        sink: &mut K,
        bytes: &[u8],
        mut on_event: impl FnMut(K::Event<'_>),
    ) -> Result<Fate, RtpError> {
        if is_rtcp(bytes) {
            self.stats.rtcp += 1;
            return Ok(Fate::Rtcp);
        }
        let p = RtpPacket::parse(bytes)?;
        let slot = self.check(&p, sink.rate())?;
        self.bind(sink.rate());
        let on_event = &mut on_event;
        match self.ssrc {
            Some(s) if s == p.ssrc => {}
            Some(s) => {
                if self.old_ssrc == Some(p.ssrc) {
                    self.stats.late += 1;
                    return Ok(Fate::OldSource);
                }
                self.flush(sink, &mut *on_event);
                self.old_ssrc = Some(s);
                self.ssrc = Some(p.ssrc);
                self.timeline = false;
                self.g722 = G722Decoder::new();
                self.host.reset();
                self.tracker = Rfc4733Tracker::new(0);
                self.last_seq = None;
                self.stats.source_changes += 1;
            }
            None => self.ssrc = Some(p.ssrc),
        }
        // After a flush the window is empty and starts afresh: the last packet played is
        // then where the stream stands.
        if let Some(high) = self.window.highest().or(self.last_seq) {
            let d = p.sequence.wrapping_sub(high) as i16 as i32;
            if d.abs() >= MAX_SEQ_JUMP {
                self.flush(sink, &mut *on_event);
                self.window.clear();
                self.last_seq = None;
                self.stats.discontinuities += 1;
            }
        }
        // A packet whose turn passed in a flush is late, not the start of a new window.
        if let Some(last) = self.last_seq {
            if p.sequence.wrapping_sub(last) as i16 <= 0 {
                self.stats.late += 1;
                return Ok(Fate::Late);
            }
        }
        match self.window.place(p.sequence) {
            Placement::Fits => {}
            Placement::Duplicate => {
                self.stats.duplicates += 1;
                return Ok(Fate::Duplicate);
            }
            Placement::Late => {
                self.stats.late += 1;
                return Ok(Fate::Late);
            }
        }
        self.window.arrive(p.sequence);
        self.release(sink, &mut *on_event);
        if self.window.take_turn(p.sequence) {
            // Its turn: played from the datagram, never copied into the window.
            self.play(slot, sink, &mut *on_event);
        } else {
            match Slot::new(slot).map(|s| self.window.insert(s)) {
                Some(Ok(())) => {}
                // Unreachable by construction (checked, and the release made room); played
                // rather than lost.
                _ => self.play(slot, sink, &mut *on_event),
            }
        }
        self.release(sink, on_event);
        Ok(Fate::Accepted)
    }

    /// The stream ended (or the host stops waiting): plays every buffered packet in order,
    /// whatever is missing between them.
    pub fn flush<K: MediaSink + ?Sized>(
        &mut self,
        sink: &mut K,
        mut on_event: impl FnMut(K::Event<'_>),
    ) {
        self.bind(sink.rate());
        while let Some(slot) = self.window.pop_flush() {
            self.play(slot.playable(), sink, &mut on_event);
        }
    }

    /// The host's clock moved `ticks` ahead (8 kHz ticks of the RTP clock; on a G.722
    /// stream each is two of the sink's samples), packets or not: call it on a
    /// timer, or with each packet's arrival time. Once the media handed to the sink falls
    /// more than [`RtpConfig::max_delay`] behind the time announced, the buffered packets
    /// are played (whatever is missing between them) and the rest of the shortfall is lost
    /// media, which the sink's clocks count, except the span telephone events cover (a
    /// sender that mutes its audio under a key), which is silence; packets for that span
    /// that come later are late.
    pub fn advance<K: MediaSink + ?Sized>(
        &mut self,
        sink: &mut K,
        ticks: u64,
        mut on_event: impl FnMut(K::Event<'_>),
    ) {
        self.bind(sink.rate());
        self.clock = self.clock.saturating_add(ticks);
        let behind = |rx: &Self| rx.clock.saturating_sub(rx.fed);
        let max_delay = u64::from(self.config.max_delay);
        if behind(self) <= max_delay {
            return;
        }
        self.flush(sink, &mut on_event);
        let mut short = behind(self).saturating_sub(max_delay);
        // A key's span whose audio the sender muted is silence, as when the audio resumes.
        if let (true, Some(end)) = (self.timeline, self.event_end) {
            let covered = end.wrapping_sub(self.next_ts) as i32;
            if covered > 0 {
                let n = short.min(covered as u64) as u32;
                self.silence(n, sink, &mut on_event);
                short -= u64::from(n);
            }
        }
        if short > 0 {
            self.lost(short.min(u64::from(u32::MAX)) as u32, sink, &mut on_event);
        }
    }

    /// Takes the sink's rate. Until audio has played, a tick is taken as one sample at
    /// 8 kHz and two at 16 kHz (the 8 kHz clock of G.711 and G.722).
    fn bind(&mut self, rate: SampleRate) {
        self.sink_hz = rate.hz();
        if self.last_len == 0 {
            self.scale = Scale::new(rate.hz(), 8000);
        }
    }

    /// Takes the clock of the audio about to play.
    fn clock_of(&mut self, media: Media) {
        let clock_hz = match media {
            Media::G711(_) | Media::G722 => 8000,
            Media::Host(pt) => self.host.clock_hz(pt).unwrap_or(8000),
            Media::Noise(_) | Media::Event => return,
        };
        let scale = Scale::new(self.sink_hz, clock_hz);
        if (scale.samples, scale.ticks) != (self.scale.samples, self.scale.ticks) {
            self.scale = scale;
        }
    }

    fn release<K: MediaSink + ?Sized>(
        &mut self,
        sink: &mut K,
        on_event: &mut impl FnMut(K::Event<'_>),
    ) {
        while let Some(slot) = self.window.pop_ready() {
            self.play(slot.playable(), sink, on_event);
        }
    }

    /// Starts the timeline at `ts`, at the sink's next sample.
    fn rebase(&mut self, ts: u32) {
        self.next_ts = ts;
        self.timeline = true;
        self.event_end = None;
        self.noise = None;
        // A key being received goes on across the re-basing (a jump of the sender's clock
        // does not end it, and its next packets are not a new press).
        let base = ts.wrapping_sub(self.fed as u32);
        self.tracker.rebase(base);
    }

    /// Plays one packet in its turn.
    fn play<K: MediaSink + ?Sized>(
        &mut self,
        slot: Playable<'_>,
        sink: &mut K,
        on_event: &mut impl FnMut(K::Event<'_>),
    ) {
        self.stats.played += 1;
        let missing = match self.last_seq {
            Some(last) => slot.seq.wrapping_sub(last).wrapping_sub(1),
            None => 0,
        };
        self.stats.lost_packets += missing as u64;
        self.last_seq = Some(slot.seq);
        if !self.timeline {
            self.rebase(slot.timestamp);
        }
        self.clock_of(slot.media);
        let len = match slot.media {
            Media::G711(law) => {
                let len = slot.payload.len() as u32;
                let skip = self.place(slot, len, missing, sink, on_event);
                let audio = slot.payload.get(skip..).unwrap_or(&[]);
                self.push(sink, MediaInput::G711(audio, law), on_event);
                len
            }
            Media::G722 => {
                let len = slot.payload.len() as u32;
                let skip = self.place(slot, len, missing, sink, on_event);
                self.play_g722(slot.payload, skip, sink, on_event);
                len
            }
            Media::Host(pt) => {
                self.play_host(pt, slot, missing, sink, on_event);
                return;
            }
            Media::Noise(level) => {
                self.place(slot, 0, missing, sink, on_event);
                self.noise = Some(level);
                return;
            }
            Media::Event => {
                self.event(slot, sink, on_event);
                return;
            }
        };
        self.played_audio(slot.timestamp, len);
    }

    /// Moves the timeline to where `slot` (of `len` ticks) starts: fills a gap before it,
    /// or re-bases on a jump; returns how many of its ticks were already played (overlap,
    /// to be trimmed). Events do not move the timeline.
    fn place<K: MediaSink + ?Sized>(
        &mut self,
        slot: Playable<'_>,
        len: u32,
        missing: u16,
        sink: &mut K,
        on_event: &mut impl FnMut(K::Event<'_>),
    ) -> usize {
        let contiguous = missing == 0;
        let delta = slot.timestamp.wrapping_sub(self.next_ts) as i32;
        if delta == 0 {
            // Right where the timeline is: the common case.
            0
        } else if delta > 0 && delta as u32 <= self.config.max_gap {
            let audio = matches!(slot.media, Media::G711(_) | Media::G722 | Media::Host(_));
            let talkspurt = contiguous && slot.marker && audio;
            self.fill(delta as u32, contiguous, talkspurt, sink, on_event);
            0
        } else if delta < 0 && delta.unsigned_abs() < len {
            delta.unsigned_abs() as usize
        } else {
            self.stats.discontinuities += 1;
            let estimate = (missing as u32)
                .saturating_mul(self.last_len)
                .min(self.config.max_gap);
            self.lost(estimate, sink, on_event);
            self.rebase(slot.timestamp);
            0
        }
    }

    /// The timeline has played audio of `len` ticks from `timestamp`.
    fn played_audio(&mut self, timestamp: u32, len: u32) {
        self.next_ts = timestamp.wrapping_add(len);
        self.last_len = len;
        self.noise = None;
    }

    /// Decodes G.722 octets and hands on their samples from the `skip`-th octet on (the
    /// skipped octets are decoded too: the decoder's state follows the stream). Not
    /// inlined: its buffer is on the stack only for G.722.
    #[inline(never)]
    fn play_g722<K: MediaSink + ?Sized>(
        &mut self,
        octets: &[u8],
        skip: usize,
        sink: &mut K,
        on_event: &mut impl FnMut(K::Event<'_>),
    ) {
        let mut pcm = [0i16; 2 * G722_PIECE];
        for (k, piece) in octets.chunks(G722_PIECE).enumerate() {
            let n = 2 * piece.len();
            let Some(out) = pcm.get_mut(..n) else { break };
            for (pair, &octet) in out.chunks_exact_mut(2).zip(piece) {
                pair.copy_from_slice(&self.g722.decode_octet(octet));
            }
            let from = 2 * skip.saturating_sub(k * G722_PIECE).min(piece.len());
            let played = out.get(from..).unwrap_or(&[]);
            self.push(sink, MediaInput::Pcm(played), on_event);
        }
    }

    /// Plays a packet of the host's codec: decoded first (its length is what it decodes
    /// to), then placed on the timeline. Not inlined: its buffer is on the stack only for
    /// the host's payload types.
    #[inline(never)]
    fn play_host<K: MediaSink + ?Sized>(
        &mut self,
        pt: u8,
        slot: Playable<'_>,
        missing: u16,
        sink: &mut K,
        on_event: &mut impl FnMut(K::Event<'_>),
    ) {
        let mut pcm = [0i16; HOST_FRAME_SAMPLES];
        let n = self.host.decode(pt, slot.payload, &mut pcm).min(pcm.len());
        let len = self.scale.ticks(n as u64) as u32;
        let skip = self.place(slot, len, missing, sink, on_event);
        let from =
            (skip as u64 * u64::from(self.scale.samples) / u64::from(self.scale.ticks)) as usize;
        let audio = pcm.get(from..n).unwrap_or(&[]);
        self.push(sink, MediaInput::Pcm(audio), on_event);
        self.played_audio(slot.timestamp, len);
    }

    /// Plays a telephone-event packet: a new key goes to the sink at once, and the span the
    /// events cover is remembered, to be silence if no audio covers it.
    fn event<K: MediaSink + ?Sized>(
        &mut self,
        slot: Playable<'_>,
        sink: &mut K,
        on_event: &mut impl FnMut(K::Event<'_>),
    ) {
        let mut key = None;
        let _ = self.tracker.packet(slot.timestamp, slot.payload, &mut |e| {
            if let DtmfEvent::Start { digit, onset } = e {
                key = Some((digit, onset));
            }
        });
        if let Some((digit, onset)) = key {
            let ago = self.fed.saturating_sub(onset) * u64::from(self.scale.samples)
                / u64::from(self.scale.ticks);
            self.push(sink, MediaInput::Digit { digit, ago }, on_event);
        }
        if let Ok(ev) = TelephoneEvent::parse(slot.payload) {
            let end = slot.timestamp.wrapping_add(ev.duration as u32);
            let ahead = end.wrapping_sub(self.next_ts) as i32;
            let further = match self.event_end {
                Some(e) => end.wrapping_sub(e) as i32 > 0,
                None => true,
            };
            if ahead > 0 && ahead as u32 <= self.config.max_gap && further {
                self.event_end = Some(end);
            }
        }
    }

    /// Fills `gap` samples of timeline that no audio covered: the part under a telephone
    /// event with silence; the rest with silence if a talkspurt resumes after a sender's
    /// suppressed pause, with comfort noise if it is in force and nothing was lost, and
    /// otherwise as lost media.
    fn fill<K: MediaSink + ?Sized>(
        &mut self,
        mut gap: u32,
        contiguous: bool,
        talkspurt: bool,
        sink: &mut K,
        on_event: &mut impl FnMut(K::Event<'_>),
    ) {
        if let Some(end) = self.event_end {
            let covered = end.wrapping_sub(self.next_ts) as i32;
            if covered > 0 {
                let n = gap.min(covered as u32);
                self.silence(n, sink, on_event);
                gap -= n;
            } else {
                // The timeline has passed the events' span.
                self.event_end = None;
            }
        }
        match self.noise {
            Some(level) if contiguous => {
                let samples = self.samples(gap);
                self.stats.noise_samples += samples;
                self.next_ts = self.next_ts.wrapping_add(gap);
                let mut buf = [0i16; 160];
                let mut left = usize::try_from(samples).unwrap_or(usize::MAX);
                while left > 0 {
                    let n = left.min(buf.len());
                    let chunk = buf.get_mut(..n).unwrap_or(&mut []);
                    self.noise_src.fill(level, chunk);
                    if self.push(sink, MediaInput::Pcm(chunk), on_event) < n as u64 {
                        return;
                    }
                    left -= n;
                }
            }
            _ if talkspurt => self.silence(gap, sink, on_event),
            _ => self.lost(gap, sink, on_event),
        }
    }

    /// `ticks` of the timeline as silence.
    fn silence<K: MediaSink + ?Sized>(
        &mut self,
        ticks: u32,
        sink: &mut K,
        on_event: &mut impl FnMut(K::Event<'_>),
    ) {
        let samples = self.samples(ticks);
        self.stats.silence_samples += samples;
        self.next_ts = self.next_ts.wrapping_add(ticks);
        self.push(sink, MediaInput::Silence(samples), on_event);
    }

    /// `ticks` of the timeline as lost media.
    fn lost<K: MediaSink + ?Sized>(
        &mut self,
        ticks: u32,
        sink: &mut K,
        on_event: &mut impl FnMut(K::Event<'_>),
    ) {
        let samples = self.samples(ticks);
        self.stats.lost_samples += samples;
        self.next_ts = self.next_ts.wrapping_add(ticks);
        self.push(sink, MediaInput::Lost(samples), on_event);
    }

    /// The sink's samples in `ticks` of the timeline.
    fn samples(&mut self, ticks: u32) -> u64 {
        self.scale.samples(u64::from(ticks))
    }

    /// Hands `input` to the sink and counts its ticks as fed (whether the sink took it all
    /// or its operation ended part way: the timeline moves on either way).
    fn push<K: MediaSink + ?Sized>(
        &mut self,
        sink: &mut K,
        input: MediaInput<'_>,
        on_event: &mut impl FnMut(K::Event<'_>),
    ) -> u64 {
        let ticks = self.scale.ticks(input.len());
        self.fed = self.fed.saturating_add(ticks);
        feed(sink, input, on_event)
    }
}

/// Octets of G.722 decoded at a time (on the stack: 320 bytes of samples).
const G722_PIECE: usize = 80;

/// Whether `bytes` is an RTCP packet multiplexed with RTP (RFC 5761 §4: version 2 and a
/// second byte, the packet type, in 192–223; RTP payload types 64–95 are never used).
fn is_rtcp(bytes: &[u8]) -> bool {
    matches!(bytes, [first, second, ..] if first >> 6 == 2 && (192..=223).contains(second))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::linear_to_ulaw;
    use crate::recorder::PromptAudio;
    use crate::rtp::header::write_packet;
    use crate::settings::RecordOptions;
    use crate::{synth, Digit};
    use crate::{Event, Recorder};
    use proptest::prelude::*;

    const SSRC: u32 = 0x1234_5678;
    const PT_EVENT: u8 = 101;
    const FRAME: usize = 160;

    fn options() -> RecordOptions {
        RecordOptions {
            play_beep: false,
            stop_tones: crate::digit::DigitSet::EMPTY.with(Digit::Pound),
            ..RecordOptions::default()
        }
    }

    fn recorder() -> Recorder {
        let mut r = Recorder::new(SampleRate::Hz8000).unwrap();
        r.start(options(), PromptAudio::None);
        r
    }

    /// 2 s of silence-then-voice, μ-law.
    fn ulaw_voice(ms: u32) -> Vec<u8> {
        let n = SampleRate::Hz8000.samples_in_ms(ms) as usize;
        let mut x = vec![0i16; n];
        synth::add_voice(&mut x[n / 4..], 8000, SampleRate::Hz8000, 7);
        x.iter().map(|&s| linear_to_ulaw(s)).collect()
    }

    fn packet(pt: u8, seq: u16, ts: u32, ssrc: u32, payload: &[u8]) -> Vec<u8> {
        let mut buf = vec![0u8; 12 + payload.len()];
        let n = write_packet(&mut buf, pt, false, seq, ts, ssrc, payload).unwrap();
        buf.truncate(n);
        buf
    }

    /// The stream cut into 20 ms packets, sequence and timestamp from the given bases.
    fn packets(audio: &[u8], seq0: u16, ts0: u32) -> Vec<Vec<u8>> {
        audio
            .chunks(FRAME)
            .enumerate()
            .map(|(i, c)| {
                packet(
                    PT_PCMU,
                    seq0.wrapping_add(i as u16),
                    ts0.wrapping_add((i * FRAME) as u32),
                    SSRC,
                    c,
                )
            })
            .collect()
    }

    /// What the recorder gave: its notices in order, and the captured audio joined (how
    /// it is cut into `Captured` events depends on when the host polls).
    #[derive(Debug, Default, PartialEq, Eq)]
    struct Out {
        notices: Vec<String>,
        audio: Vec<i16>,
    }

    impl Out {
        fn take(&mut self, e: Event<'_>) {
            match e {
                Event::Captured(s) => self.audio.extend_from_slice(s),
                other => self.notices.push(format!("{other:?}")),
            }
        }
    }

    /// Runs packets through a receiver (then flushes); the event log and the position.
    fn receive(config: RtpConfig, pkts: &[Vec<u8>]) -> (Out, u64, RtpStats) {
        let mut rec = recorder();
        let mut rx = RtpReceiver::<8>::new(config);
        let mut out = Out::default();
        for p in pkts {
            rx.packet(&mut rec, p, |e| out.take(e)).unwrap();
        }
        rx.flush(&mut rec, |e| out.take(e));
        (out, rec.position(), rx.stats())
    }

    enum Op<'a> {
        G711(&'a [u8]),
        Lost(u64),
    }

    /// The same recorder driven directly.
    fn reference(ops: &[Op<'_>]) -> (Out, u64) {
        let mut rec = recorder();
        let mut out = Out::default();
        let mut f = |e: Event<'_>| out.take(e);
        for op in ops {
            let input = match *op {
                Op::G711(b) => MediaInput::G711(b, Law::Ulaw),
                Op::Lost(n) => MediaInput::Lost(n),
            };
            feed(&mut rec, input, &mut f);
        }
        (out, rec.position())
    }

    fn cfg() -> RtpConfig {
        RtpConfig {
            telephone_event_pt: Some(PT_EVENT),
            ..RtpConfig::DEFAULT
        }
    }

    #[test]
    fn in_order_stream_is_the_g711_audio() {
        let audio = ulaw_voice(2000);
        let (got, pos, stats) = receive(cfg(), &packets(&audio, 65530, u32::MAX - 500));
        let (want, want_pos) = reference(&[Op::G711(&audio)]);
        assert_eq!(pos, want_pos);
        assert_eq!(pos, audio.len() as u64);
        assert_eq!(got, want);
        assert_eq!(stats.played, 100);
        assert_eq!(stats.lost_samples, 0);
        assert!(got.audio.len() > 8000, "{:?}", got.notices);
    }

    #[test]
    fn lost_packets_are_lost_media_for_their_span() {
        let audio = ulaw_voice(2000);
        let mut pkts = packets(&audio, 100, 8000);
        // Lose packets 10, 11 and 40.
        pkts.remove(40);
        pkts.remove(11);
        pkts.remove(10);
        let (got, pos, stats) = receive(cfg(), &pkts);
        let f = FRAME;
        let (want, want_pos) = reference(&[
            Op::G711(&audio[..10 * f]),
            Op::Lost(2 * f as u64),
            Op::G711(&audio[12 * f..40 * f]),
            Op::Lost(f as u64),
            Op::G711(&audio[41 * f..]),
        ]);
        assert_eq!((pos, &got), (want_pos, &want));
        assert_eq!(stats.lost_packets, 3);
        assert_eq!(stats.lost_samples, 3 * f as u64);
    }

    #[test]
    fn duplicates_and_late_packets_change_nothing() {
        let audio = ulaw_voice(1000);
        let pkts = packets(&audio, 0, 0);
        let mut noisy = Vec::new();
        for (i, p) in pkts.iter().enumerate() {
            noisy.push(p.clone());
            if i % 7 == 3 {
                noisy.push(p.clone());
            }
            if i == 30 {
                noisy.push(pkts[2].clone()); // long after its turn
            }
        }
        let (a, pa, _) = receive(cfg(), &pkts);
        let (b, pb, stats) = receive(cfg(), &noisy);
        assert_eq!((a, pa), (b, pb));
        // Seven copies and one packet long after its turn; a copy of a packet already
        // played is late rather than a duplicate.
        assert_eq!(stats.duplicates + stats.late, 8);
    }

    #[test]
    fn malformed_packets_are_typed_errors_and_change_nothing() {
        let audio = ulaw_voice(500);
        let pkts = packets(&audio, 0, 0);
        let mut rec = recorder();
        let mut rx = RtpReceiver::<8>::new(cfg());
        for p in &pkts[..5] {
            rx.packet(&mut rec, p, |_| {}).unwrap();
        }
        let before = (format!("{rx:?}"), format!("{rec:?}"));
        let bad: [(Vec<u8>, RtpError); 7] = [
            (vec![0x80, 0], RtpError::TooShort { len: 2 }),
            (packet(PT_PCMU, 5, 800, SSRC, &[]), RtpError::EmptyPayload),
            (packet(PT_CN, 5, 800, SSRC, &[]), RtpError::ComfortNoise),
            (packet(PT_CN, 5, 800, SSRC, &[200]), RtpError::ComfortNoise),
            (
                packet(PT_EVENT, 5, 800, SSRC, &[1, 2]),
                RtpError::TelephoneEvent,
            ),
            (
                packet(96, 5, 800, SSRC, &[1]),
                RtpError::PayloadType { pt: 96 },
            ),
            (
                packet(PT_PCMA, 5, 800, SSRC, &[0; 600]),
                RtpError::PayloadTooLong {
                    len: 600,
                    capacity: 480,
                },
            ),
        ];
        for (p, e) in bad {
            assert_eq!(rx.packet(&mut rec, &p, |_| panic!("no event")), Err(e));
            // A bad packet from another source does not switch sources either.
            let mut other = p.clone();
            if other.len() >= 12 {
                other[8] ^= 0xFF;
                assert!(rx.packet(&mut rec, &other, |_| {}).is_err());
            }
        }
        assert_eq!((format!("{rx:?}"), format!("{rec:?}")), before);
        let mut wide: Recorder = Recorder::new(SampleRate::Hz16000).unwrap();
        assert_eq!(rx.packet(&mut wide, &pkts[5], |_| {}), Err(RtpError::Rate));
    }

    #[test]
    fn telephone_event_is_a_stop_key_at_its_onset() {
        let audio = ulaw_voice(3000);
        let mut pkts = packets(&audio[..2000 * 8], 0, 0);
        let seq = pkts.len() as u16;
        let ts = 16_000u32;
        // '#' (event 11) for 100 ms, with the end packet three times.
        for (k, dur) in [
            (0u16, 160u16),
            (1, 320),
            (2, 480),
            (3, 640),
            (4, 800),
            (5, 800),
            (6, 800),
        ] {
            let end = if k >= 4 { 0x80 } else { 0 };
            let d = dur.to_be_bytes();
            pkts.push(packet(
                PT_EVENT,
                seq + k,
                ts,
                SSRC,
                &[11, end | 10, d[0], d[1]],
            ));
        }
        let (got, _, _) = receive(cfg(), &pkts);
        let n = &got.notices;
        let tone = n.iter().position(|l| l.contains("ToneDetected")).unwrap();
        assert!(
            n[tone].contains("Pound") && n[tone].contains("onset: 16000"),
            "{}",
            n[tone]
        );
        let done = n.iter().find(|l| l.starts_with("Completed")).unwrap();
        assert!(done.contains("StopToneDetected"), "{done}");
        // Without the event type configured, the same packets are refused.
        let mut rec = recorder();
        let mut rx = RtpReceiver::<8>::new(RtpConfig::DEFAULT);
        assert_eq!(
            rx.packet(&mut rec, pkts.last().unwrap(), |_| {}),
            Err(RtpError::PayloadType { pt: PT_EVENT })
        );
    }

    #[test]
    fn event_span_is_silence_not_lost_media() {
        let audio = ulaw_voice(1000);
        let mut pkts = packets(&audio[..800], 0, 0); // 5 packets, ts 0..800
        pkts.push(packet(PT_EVENT, 5, 800, SSRC, &[1, 0x80 | 10, 3, 32])); // '1', 800 ticks
        pkts.push(packet(PT_PCMU, 6, 1600, SSRC, &audio[800..960]));
        let (_, pos, stats) = receive(cfg(), &pkts);
        assert_eq!(pos, 1760);
        assert_eq!(stats.lost_samples, 0);
    }

    fn marked(pt: u8, seq: u16, ts: u32, payload: &[u8]) -> Vec<u8> {
        let mut buf = vec![0u8; 12 + payload.len()];
        let n = write_packet(&mut buf, pt, true, seq, ts, SSRC, payload).unwrap();
        buf.truncate(n);
        buf
    }

    #[test]
    fn a_suppressed_pause_is_silence_not_lost_media() {
        // Five packets, then the sender stops for 2 s without comfort noise and resumes with
        // the marker bit and the next sequence number (RFC 3551 §4.1's silence suppression).
        let audio = ulaw_voice(1000);
        let mut pkts = packets(&audio[..800], 0, 0);
        pkts.push(marked(PT_PCMU, 5, 800 + 16_000, &audio[..160]));
        let (_, pos, stats) = receive(cfg(), &pkts);
        assert_eq!(pos, 800 + 16_000 + 160);
        assert_eq!((stats.silence_samples, stats.lost_samples), (16_000, 0));
        // Without the marker, or with a sequence number missing, the pause is lost media.
        let mut unmarked = packets(&audio[..800], 0, 0);
        unmarked.push(packet(PT_PCMU, 5, 800 + 16_000, SSRC, &audio[..160]));
        let mut gap = packets(&audio[..800], 0, 0);
        gap.push(marked(PT_PCMU, 6, 800 + 16_000, &audio[..160]));
        for pkts in [unmarked, gap] {
            let (_, _, stats) = receive(cfg(), &pkts);
            assert_eq!((stats.silence_samples, stats.lost_samples), (0, 16_000));
        }
    }

    #[test]
    fn a_long_key_sent_as_segments_stops_once_and_a_key_held_from_the_prompt_never() {
        // '#' from 0.5 s over the prompt (2 s), held 9 s: a first segment of 0xFFFF ticks
        // and a second one, while the audio goes on. It began over the prompt, so it never
        // stops the operation; its second segment is the same press, not a new one.
        let mut options = options();
        options.max_record_duration_s = 30;
        let mut rec: Recorder = Recorder::new(SampleRate::Hz8000).unwrap();
        rec.start(options, PromptAudio::Ready { samples: 16_000 });
        let mut rx = RtpReceiver::<8>::new(cfg());
        let mut tones = 0;
        let mut done = None;
        let silence = [0xFFu8; FRAME];
        let second = 4000 + u16::MAX as u32;
        for i in 0..600u32 {
            let ts = i * FRAME as u32;
            let mut pkts = vec![packet(PT_PCMU, (2 * i) as u16, ts, SSRC, &silence)];
            let (start, held) = if ts < second {
                (4000, ts.saturating_sub(4000))
            } else {
                (second, ts - second)
            };
            if (4000..4000 + 72_000).contains(&ts) {
                let d = (held.min(u16::MAX as u32) as u16).to_be_bytes();
                pkts.push(packet(
                    PT_EVENT,
                    (2 * i + 1) as u16,
                    start,
                    SSRC,
                    &[11, 10, d[0], d[1]],
                ));
            }
            for p in pkts {
                rx.packet(&mut rec, &p, |e| match e {
                    Event::ToneDetected { .. } => tones += 1,
                    Event::Completed(c) => done = Some(c.reason),
                    _ => {}
                })
                .unwrap();
            }
        }
        assert_eq!(tones, 1, "one press");
        assert_ne!(done, Some(crate::CompletionReason::StopToneDetected));
    }

    #[test]
    fn a_key_held_across_a_jump_of_the_senders_clock_is_one_press() {
        // '5' held while the audio's timestamps jump (a sender's clock reset): the timeline
        // is re-based, the key's packets keep their timestamp, and it stays one press.
        let mut rec = recorder();
        let mut rx = RtpReceiver::<8>::new(cfg());
        let mut tones = 0;
        let silence = [0xFFu8; FRAME];
        let mut seq = 0u16;
        for i in 0..120u32 {
            let ts = if i < 60 { i * 160 } else { 5_000_000 + i * 160 };
            let mut pkts = vec![packet(PT_PCMU, seq, ts, SSRC, &silence)];
            seq = seq.wrapping_add(1);
            if (20..110).contains(&i) {
                let d = (((i - 20) * 160 + 160) as u16).to_be_bytes();
                pkts.push(packet(PT_EVENT, seq, 3200, SSRC, &[5, 10, d[0], d[1]]));
                seq = seq.wrapping_add(1);
            }
            for p in pkts {
                rx.packet(&mut rec, &p, |e| {
                    if let Event::ToneDetected { .. } = e {
                        tones += 1;
                    }
                })
                .unwrap();
            }
        }
        assert!(rx.stats().discontinuities >= 1);
        assert_eq!(tones, 1);
    }

    #[test]
    fn rtcp_on_the_port_is_passed_over() {
        let mut rec = recorder();
        let mut rx = RtpReceiver::<8>::new(cfg());
        // A sender report (PT 200) and a receiver report (201), as rtcp-mux sends them.
        for pt in [200u8, 201, 203, 204] {
            let rtcp = [0x80, pt, 0, 6, 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0];
            assert_eq!(rx.packet(&mut rec, &rtcp, |_| {}), Ok(Fate::Rtcp));
        }
        assert_eq!(rx.stats().rtcp, 4);
        assert_eq!((rx.ssrc(), rec.position()), (None, 0));
    }

    #[test]
    fn sixty_ms_packets_fit_by_default() {
        let audio = ulaw_voice(1200);
        let mut rec = recorder();
        let mut rx: RtpReceiver = RtpReceiver::new(cfg());
        for (i, c) in audio.chunks(480).enumerate() {
            let p = packet(PT_PCMU, i as u16, (i * 480) as u32, SSRC, c);
            assert_eq!(rx.packet(&mut rec, &p, |_| {}), Ok(Fate::Accepted));
        }
        rx.flush(&mut rec, |_| {});
        assert_eq!(rec.position(), audio.len() as u64);
    }

    #[test]
    fn time_without_packets_is_lost_media_and_ends_the_operation() {
        // Packets for 1 s, then none: the host's clock goes on in 20 ms ticks and the
        // operation ends mediaReceiveTimeout (5 s of lost media by default) from the end of
        // the last packet, once the receiver has waited out its delay.
        let audio = vec![0xFFu8; 8000];
        let mut rec = recorder();
        let options = RecordOptions {
            initial_silence_timeout_s: 10,
            ..options()
        };
        rec.start(options, PromptAudio::None);
        let mut rx = RtpReceiver::<8>::new(cfg());
        let done = core::cell::Cell::new(None);
        let on = |e: Event<'_>| {
            if let Event::Completed(c) = e {
                done.set(Some((c.reason, c.at)));
            }
        };
        for p in packets(&audio, 0, 0) {
            rx.advance(&mut rec, FRAME as u64, on);
            rx.packet(&mut rec, &p, on).unwrap();
        }
        let mut ticks = 0;
        while done.get().is_none() && ticks < 1000 {
            rx.advance(&mut rec, FRAME as u64, on);
            ticks += 1;
        }
        let done = done.get();
        let timeout = RecordOptions::default().media_timeout_ms as u64 * 8;
        let (reason, at) = done.expect("the operation ends");
        assert_eq!(reason, crate::CompletionReason::MediaReceiveTimeout);
        assert_eq!(at, 8000 + timeout);
        // Exactly the timeout's worth was handed over as lost media.
        assert_eq!(rx.stats().lost_samples, timeout);
    }

    #[test]
    fn a_packet_whose_turn_passed_while_the_host_waited_is_late() {
        // Packets 0–4, then 6 and 7 with 5 held up: the host's clock runs past the jitter
        // the receiver waits out, so 6 and 7 are played and 5 is lost. When 5 comes after
        // all, it is late: not the start of a new window, not 65,534 packets lost.
        let audio = vec![0xFFu8; 1600];
        let pkts = packets(&audio, 65_533, 0);
        let mut rec = recorder();
        let mut rx = RtpReceiver::<8>::new(cfg());
        for p in pkts[..5].iter().chain(&pkts[6..8]) {
            rx.advance(&mut rec, FRAME as u64, |_| {});
            assert_eq!(rx.packet(&mut rec, p, |_| {}), Ok(Fate::Accepted));
        }
        rx.advance(&mut rec, 2000, |_| {});
        assert_eq!(rx.buffered(), 0);
        assert_eq!(rx.packet(&mut rec, &pkts[5], |_| {}), Ok(Fate::Late));
        assert_eq!(rx.packet(&mut rec, &pkts[7], |_| {}), Ok(Fate::Late));
        assert_eq!(rx.packet(&mut rec, &pkts[8], |_| {}), Ok(Fate::Accepted));
        rx.flush(&mut rec, |_| {});
        let stats = rx.stats();
        assert_eq!(
            (stats.played, stats.lost_packets, stats.late),
            (8, 1, 2),
            "{stats:?}"
        );
        // A sequence number far from the last played after a flush is a discontinuity, not
        // thousands of packets lost.
        rx.advance(&mut rec, 2000, |_| {});
        let far = packet(PT_PCMU, 30_000, 20 * 160, SSRC, &audio[..160]);
        assert_eq!(rx.packet(&mut rec, &far, |_| {}), Ok(Fate::Accepted));
        rx.flush(&mut rec, |_| {});
        let stats = rx.stats();
        assert_eq!(stats.lost_packets, 1, "{stats:?}");
        assert!(stats.discontinuities >= 1, "{stats:?}");
    }

    #[test]
    fn a_key_whose_audio_is_muted_is_silence_while_the_hosts_clock_runs() {
        // 1 s of audio, then a '5' held 8 s with the audio muted (one event packet every
        // 50 ms, sequence numbers contiguous), then the audio again: the host's clock runs
        // in 20 ms ticks all along. The key's span is silence, so the media-receive timeout
        // (5 s) never fires.
        let audio = vec![0xFFu8; 8000];
        let mut rec = recorder();
        let options = RecordOptions {
            initial_silence_timeout_s: 30,
            max_record_duration_s: 30,
            ..options()
        };
        rec.start(options, PromptAudio::None);
        let mut rx = RtpReceiver::<8>::new(cfg());
        let mut done = None;
        let mut seq = 0u16;
        let mut next = |pt: u8, ts: u32, payload: &[u8]| {
            seq = seq.wrapping_add(1);
            packet(pt, seq, ts, SSRC, payload)
        };
        let mut pkts = Vec::new();
        for (i, c) in audio.chunks(FRAME).enumerate() {
            pkts.push((1, next(PT_PCMU, (i * FRAME) as u32, c)));
        }
        for held in (0..64_000u32).step_by(400) {
            let d = (held as u16).to_be_bytes();
            pkts.push((0, next(PT_EVENT, 8000, &[5, 10, d[0], d[1]])));
            pkts.push((2, Vec::new()));
        }
        pkts.push((0, next(PT_EVENT, 8000, &[5, 0x80 | 10, 0xFA, 0])));
        for (i, c) in audio.chunks(FRAME).enumerate() {
            pkts.push((1, next(PT_PCMU, 72_000 + (i * FRAME) as u32, c)));
        }
        for (ticks, p) in pkts {
            rx.advance(&mut rec, ticks * FRAME as u64, |e| {
                if let Event::Completed(c) = e {
                    done = Some(c.reason);
                }
            });
            if !p.is_empty() {
                rx.packet(&mut rec, &p, |_| {}).unwrap();
            }
        }
        assert_eq!(done, None);
        let stats = rx.stats();
        assert_eq!(stats.lost_samples, 0, "{stats:?}");
        assert_eq!(stats.silence_samples, 64_000, "{stats:?}");
        assert_eq!(rec.position(), 80_000);
    }

    #[test]
    fn a_restarted_receiver_serves_the_next_operation_from_its_first_packet() {
        let audio = ulaw_voice(1000);
        let mut rec = recorder();
        let mut rx = RtpReceiver::<8>::new(cfg());
        for p in packets(&audio, 0, 0) {
            rx.packet(&mut rec, &p, |_| {}).unwrap();
        }
        rx.flush(&mut rec, |_| {});
        // A second operation starts 10 s later, on a new recorder operation.
        rec.start(options(), PromptAudio::None);
        rx.restart();
        for p in packets(&audio, 500, 88_000) {
            rx.packet(&mut rec, &p, |_| {}).unwrap();
        }
        rx.flush(&mut rec, |_| {});
        assert_eq!(rec.position(), audio.len() as u64);
        assert_eq!(rx.stats().lost_samples, 0);
    }

    #[test]
    fn a_media_queue_takes_rtp_as_a_recorder_does() {
        use crate::{MediaOp, MediaQueue, QueueEvent};
        let audio = ulaw_voice(3000);
        let pkts = packets(&audio, 0, 0);
        let (direct, pos, _) = receive(cfg(), &pkts);
        let mut queue: MediaQueue = MediaQueue::new(SampleRate::Hz8000).unwrap();
        let op = MediaOp::Record {
            options: options(),
            prompt: PromptAudio::None,
        };
        queue.submit(op).unwrap();
        let mut rx = RtpReceiver::<8>::new(cfg());
        let mut out = Out::default();
        let mut take = |e: QueueEvent<'_>| {
            if let QueueEvent::Record { event, .. } = e {
                out.take(event);
            }
        };
        for p in &pkts {
            rx.packet(&mut queue, p, &mut take).unwrap();
        }
        rx.flush(&mut queue, &mut take);
        assert_eq!(out, direct);
        assert!(pos > 0);
    }

    #[test]
    fn a_g722_stream_is_its_decoded_16_khz_audio_on_an_8_khz_clock() {
        use crate::codec::{G722Decoder, G722Encoder};
        let rate = SampleRate::Hz16000;
        // 3 s of voice at 16 kHz, coded in 20 ms packets of 160 octets (320 samples) whose
        // timestamps advance by 160 (RFC 3551's 8 kHz clock).
        let mut pcm = vec![0i16; 48_000];
        synth::add_voice(&mut pcm[8000..40_000], 9000, rate, 5);
        let mut octets = vec![0u8; pcm.len() / 2];
        G722Encoder::new().encode(&pcm, &mut octets).unwrap();
        let mut pkts: Vec<Vec<u8>> = octets
            .chunks(160)
            .enumerate()
            .map(|(i, c)| packet(PT_G722, i as u16, 1000 + (i * 160) as u32, SSRC, c))
            .collect();
        // One packet lost: 160 ticks, so 320 samples of lost media.
        pkts.remove(100);
        let options = RecordOptions {
            max_record_duration_s: 30,
            ..options()
        };
        let run = |pkts: &[Vec<u8>]| {
            let mut rec: Recorder = Recorder::new(rate).unwrap();
            rec.start(options, PromptAudio::None);
            let mut rx = RtpReceiver::<8>::new(cfg());
            let mut out = Out::default();
            for p in pkts {
                rx.packet(&mut rec, p, |e| out.take(e)).unwrap();
            }
            rx.flush(&mut rec, |e| out.take(e));
            (out, rec.position(), rx.stats())
        };
        let (got, pos, stats) = run(&pkts);
        assert_eq!(pos, pcm.len() as u64);
        assert_eq!((stats.lost_packets, stats.lost_samples), (1, 320));
        // The same recorder fed the decoded audio directly, the lost packet as lost media.
        let mut decoder = G722Decoder::new();
        let mut rec: Recorder = Recorder::new(rate).unwrap();
        rec.start(options, PromptAudio::None);
        let mut want = Out::default();
        for (i, c) in octets.chunks(160).enumerate() {
            if i == 100 {
                feed(&mut rec, MediaInput::Lost(320), &mut |e| want.take(e));
                continue;
            }
            let mut samples = vec![0i16; 320];
            decoder.decode(c, &mut samples).unwrap();
            feed(&mut rec, MediaInput::Pcm(&samples), &mut |e| want.take(e));
        }
        assert_eq!(got, want);
        assert!(
            got.audio.len() > 16_000,
            "a recording: {} samples",
            got.audio.len()
        );
        // A G.722 stream into an 8 kHz recorder, or G.711 into a 16 kHz one, is refused.
        let mut narrow = recorder();
        let mut rx = RtpReceiver::<8>::new(cfg());
        assert_eq!(
            rx.packet(&mut narrow, &pkts[0], |_| {}),
            Err(RtpError::Rate)
        );
    }

    #[test]
    fn a_key_on_a_g722_stream_stops_at_its_onset_in_16_khz_samples() {
        let rate = SampleRate::Hz16000;
        let mut rec: Recorder = Recorder::new(rate).unwrap();
        rec.start(options(), PromptAudio::None);
        let mut rx = RtpReceiver::<8>::new(cfg());
        let mut events = Vec::new();
        let silence = [0xFAu8; 160];
        for i in 0..100u16 {
            let ts = u32::from(i) * 160;
            let p = packet(PT_G722, 2 * i, ts, SSRC, &silence);
            rx.packet(&mut rec, &p, |e| events.push(format!("{e:?}")))
                .unwrap();
            if i == 50 {
                // '#' from tick 8000 (1 s: sample 16,000 at 16 kHz).
                let key = packet(PT_EVENT, 2 * i + 1, 8000, SSRC, &[11, 10, 1, 64]);
                rx.packet(&mut rec, &key, |e| events.push(format!("{e:?}")))
                    .unwrap();
            }
        }
        let tone = events.iter().find(|e| e.contains("ToneDetected")).unwrap();
        assert!(tone.contains("onset: 16000"), "{tone}");
    }

    #[test]
    fn a_host_codec_plays_on_its_own_clock() {
        use crate::codec::L16;
        const PT_L16: u8 = 96;
        let rate = SampleRate::Hz16000;
        let mut pcm = vec![0i16; 32_000];
        synth::add_voice(&mut pcm[8000..24_000], 9000, rate, 9);
        // L16/16000: 20 ms packets of 320 samples, 640 bytes, timestamps +320; one lost.
        let mut pkts: Vec<Vec<u8>> = pcm
            .chunks(320)
            .enumerate()
            .map(|(i, c)| {
                let bytes: Vec<u8> = c.iter().flat_map(|s| s.to_be_bytes()).collect();
                packet(PT_L16, i as u16, (i * 320) as u32, SSRC, &bytes)
            })
            .collect();
        pkts.remove(30);
        let l16 = L16 {
            pt: PT_L16,
            clock_hz: 16_000,
        };
        let mut rec: Recorder = Recorder::new(rate).unwrap();
        rec.start(options(), PromptAudio::None);
        let mut rx = RtpReceiver::<8, 640, L16>::with_host_codec(cfg(), l16);
        let mut got = Out::default();
        for p in &pkts {
            rx.packet(&mut rec, p, |e| got.take(e)).unwrap();
        }
        rx.flush(&mut rec, |e| got.take(e));
        assert_eq!(rec.position(), pcm.len() as u64);
        assert_eq!(rx.stats().lost_samples, 320);
        // The same audio pushed directly, the lost packet as lost media.
        let mut direct: Recorder = Recorder::new(rate).unwrap();
        direct.start(options(), PromptAudio::None);
        let mut want = Out::default();
        for (i, c) in pcm.chunks(320).enumerate() {
            let input = if i == 30 {
                MediaInput::Lost(320)
            } else {
                MediaInput::Pcm(c)
            };
            feed(&mut direct, input, &mut |e| want.take(e));
        }
        assert_eq!(got, want);
        // A payload type neither the core's nor the host's is refused.
        let unknown = packet(97, 500, 0, SSRC, &[0; 8]);
        assert_eq!(
            rx.packet(&mut rec, &unknown, |_| {}),
            Err(RtpError::PayloadType { pt: 97 })
        );
    }

    #[test]
    fn a_48_khz_clock_is_a_third_of_a_sample_a_tick_at_16_khz() {
        // A host codec on a 48 kHz RTP clock (as Opus is) decoding to 16 kHz: 20 ms packets
        // advance the timestamp by 960 and decode to 320 samples; a lost packet is 320
        // samples of lost media.
        #[derive(Clone, Debug)]
        struct Wide;
        impl crate::rtp::HostCodec for Wide {
            fn clock_hz(&self, pt: u8) -> Option<u32> {
                (pt == 111).then_some(48_000)
            }
            fn decode(&mut self, _: u8, payload: &[u8], out: &mut [i16]) -> usize {
                let n = 320.min(out.len());
                out[..n].fill(i16::from(payload[0]) * 100);
                n
            }
        }
        let rate = SampleRate::Hz16000;
        let mut rec: Recorder = Recorder::new(rate).unwrap();
        rec.start(options(), PromptAudio::None);
        let mut rx = RtpReceiver::<8, 480, Wide>::with_host_codec(cfg(), Wide);
        for i in 0..50u16 {
            if i == 20 {
                continue;
            }
            let p = packet(111, i, u32::from(i) * 960, SSRC, &[1, 2, 3]);
            rx.packet(&mut rec, &p, |_| {}).unwrap();
        }
        rx.flush(&mut rec, |_| {});
        assert_eq!(rec.position(), 50 * 320);
        assert_eq!((rx.stats().lost_packets, rx.stats().lost_samples), (1, 320));
    }

    #[test]
    fn comfort_noise_fills_the_pause_with_noise() {
        let audio = ulaw_voice(1000);
        let mut pkts = packets(&audio[..800], 0, 0);
        pkts.push(packet(PT_CN, 5, 800, SSRC, &[40]));
        pkts.push(packet(PT_PCMU, 6, 8800, SSRC, &audio[..160]));
        let (a, pos, stats) = receive(cfg(), &pkts);
        assert_eq!(pos, 8960);
        assert_eq!(stats.noise_samples, 8000);
        assert_eq!(stats.lost_samples, 0);
        let (b, _, _) = receive(cfg(), &pkts);
        assert_eq!(a, b, "deterministic noise");
        // With the packet after the noise lost, the pause is lost media instead.
        pkts.swap_remove(6);
        pkts.push(packet(PT_PCMU, 7, 8960, SSRC, &audio[..160]));
        let (_, pos, stats) = receive(cfg(), &pkts);
        assert_eq!(pos, 9120);
        assert_eq!(stats.noise_samples, 0);
        assert_eq!(stats.lost_samples, 8160);
    }

    #[test]
    fn ssrc_change_and_timestamp_jump_continue_the_timeline() {
        let audio = ulaw_voice(1000);
        let mut pkts = packets(&audio[..1600], 10, 1000);
        // New source, unrelated sequence and timestamp.
        for (i, c) in audio[1600..3200].chunks(FRAME).enumerate() {
            pkts.push(packet(
                PT_PCMU,
                5000 + i as u16,
                7_000_000 + 160 * i as u32,
                42,
                c,
            ));
        }
        // A late packet of the old source is dropped.
        pkts.push(packets(&audio[..160], 19, 2440).remove(0));
        // Same source, the clock jumps ahead by an hour with one packet missing.
        let base = 7_000_000 + 1600 + 3600 * 8000;
        pkts.push(packet(PT_PCMU, 5011, base, 42, &audio[3200..3360]));
        let (got, pos, stats) = receive(cfg(), &pkts);
        assert_eq!(stats.source_changes, 1);
        assert_eq!(stats.discontinuities, 1);
        assert_eq!(stats.late, 1);
        assert_eq!(
            stats.lost_samples, 160,
            "one packet missing by sequence number"
        );
        let (want, want_pos) = reference(&[
            Op::G711(&audio[..3200]),
            Op::Lost(160),
            Op::G711(&audio[3200..3360]),
        ]);
        assert_eq!((pos, got), (want_pos, want));
    }

    #[test]
    fn overlapping_audio_is_trimmed() {
        let audio = ulaw_voice(1000);
        let mut pkts = packets(&audio[..800], 0, 0);
        // The next packet starts 40 samples before the end of what was played.
        pkts.push(packet(PT_PCMU, 5, 760, SSRC, &audio[760..960]));
        let (got, pos, _) = receive(cfg(), &pkts);
        let (want, want_pos) = reference(&[Op::G711(&audio[..960])]);
        assert_eq!((pos, got), (want_pos, want));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Any arrival order in which no packet comes after one 8 sequence numbers ahead of
        /// it, with some packets lost and some duplicated, gives the output of the in-order
        /// stream with the same losses.
        #[test]
        fn arrival_order_within_the_window_does_not_matter(
            keys in proptest::collection::vec(0u32..8, 100),
            lose in proptest::collection::vec(0u32..20, 100),
            seq0: u16, ts0: u32,
        ) {
            let audio = ulaw_voice(2000);
            let pkts = packets(&audio, seq0, ts0);
            let kept: Vec<usize> = (0..pkts.len()).filter(|&i| lose[i] != 0).collect();
            let in_order: Vec<Vec<u8>> = kept.iter().map(|&i| pkts[i].clone()).collect();
            let mut order: Vec<(u32, usize)> =
                kept.iter().map(|&i| (i as u32 + keys[i], i)).collect();
            order.sort();
            for (a, &(_, i)) in order.iter().enumerate() {
                for &(_, j) in &order[..a] {
                    prop_assume!(j < i + 8);
                }
            }
            let mut shuffled: Vec<Vec<u8>> = Vec::new();
            for &(_, i) in &order {
                shuffled.push(pkts[i].clone());
                if keys[i] == 7 {
                    shuffled.push(pkts[i].clone());
                }
            }
            let (a, pa, sa) = receive(cfg(), &in_order);
            let (b, pb, sb) = receive(cfg(), &shuffled);
            prop_assert_eq!(pa, pb);
            prop_assert_eq!(a, b);
            prop_assert_eq!(sa.lost_samples, sb.lost_samples);
            // Losses inside the stream are lost media for exactly their span.
            let first = kept.first().copied().unwrap_or(0);
            let last = kept.last().copied().unwrap_or(0);
            let inner_lost = (first..=last).filter(|i| !kept.contains(i)).count();
            if !kept.is_empty() {
                prop_assert_eq!(sa.lost_samples, (inner_lost * FRAME) as u64);
            }
        }

        /// Whatever bytes arrive, the receiver never panics and the recorder's position only
        /// moves forward.
        #[test]
        fn any_packets(raw in proptest::collection::vec(
            proptest::collection::vec(any::<u8>(), 0..40), 0..60)) {
            let mut rec = recorder();
            let mut rx = RtpReceiver::<4, 32>::new(cfg());
            let mut last = 0;
            for mut p in raw {
                if p.len() > 1 { p[0] = 0x80 | (p[0] & 0x3F); p[1] &= 0x8F; }
                let _ = rx.packet(&mut rec, &p, |_| {});
                prop_assert!(rec.position() >= last);
                last = rec.position();
            }
        }
    }
}

#[cfg(test)]
mod size {
    use super::*;

    /// The receiver's state is its slots plus a little bookkeeping (positions, the
    /// comfort-noise source, the key tracker, the clock's scale and the counters: 224 bytes on
    /// x86-64) and the G.722 decoder's state (136).
    #[test]
    fn state_is_the_slots_and_a_little_more() {
        let slots = |w: usize, p: usize| w * size_of::<Option<Slot<1>>>() + w * p;
        for (w, p, n) in [
            (8, 80, size_of::<RtpReceiver<8, 80>>()),
            (8, 320, size_of::<RtpReceiver<8, 320>>()),
        ] {
            println!("RtpReceiver<{w}, {p}>: {n} bytes");
            assert!(n <= slots(w, p) + 360, "{w} x {p}: {n} bytes");
        }
    }
}
