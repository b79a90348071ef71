//! RFC 4733 telephone events: DTMF received out of band, in RTP, rather than as tones.
//!
//! [`TelephoneEvent::parse`] reads one 4-byte payload (RFC 4733 §2.3: event, E bit, R bit,
//! volume, duration). [`Rfc4733Tracker`] turns a stream of such packets into the same
//! [`DtmfEvent`]s the tone detector gives: one `Start` per event (packets of one event share
//! its RTP timestamp), and one `End` on the first packet with the E bit (the end packet is
//! usually sent three times). A key held longer than one event's 16-bit duration can say is
//! sent as segments (RFC 4733 §2.5.1.3): a segment of the same key that starts where the
//! previous one's duration ends, while it has not ended, continues the same key. Positions
//! are RTP timestamp ticks since a base timestamp given by the host; with the audio's RTP
//! clock they are sample positions.
//!
//! Assumes events 0–15 (the sixteen DTMF keys); other events are a typed error.

use core::fmt;

use crate::dtmf::DtmfEvent;
use crate::Digit;

/// One parsed telephone-event payload (RFC 4733 §2.3) carrying a DTMF key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct TelephoneEvent {
    /// The key (event codes 0–15).
    pub digit: Digit,
    /// E bit: this packet ends the event.
    pub end: bool,
    /// Power level of the tone, as a positive number of dB below 0 dBm0 (0–63).
    pub volume: u8,
    /// Duration of the event so far, in RTP timestamp ticks.
    pub duration: u16,
}

/// Why a payload is not a DTMF telephone event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Rfc4733Error {
    /// Fewer than 4 bytes.
    TooShort {
        /// Bytes received.
        len: usize,
    },
    /// An event code other than 0–15 (e.g. flash, fax tones).
    NotDtmf {
        /// The event code.
        event: u8,
    },
}

impl fmt::Display for Rfc4733Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rfc4733Error::TooShort { len } => {
                write!(f, "telephone-event payload of {len} bytes (needs 4)")
            }
            Rfc4733Error::NotDtmf { event } => {
                write!(f, "telephone event {event} is not a DTMF key (0-15)")
            }
        }
    }
}

impl core::error::Error for Rfc4733Error {}

impl TelephoneEvent {
    /// Parses the first 4 bytes of `payload`.
    pub fn parse(payload: &[u8]) -> Result<TelephoneEvent, Rfc4733Error> {
        let [event, flags, d0, d1, ..] = *payload else {
            return Err(Rfc4733Error::TooShort { len: payload.len() });
        };
        let digit = Digit::from_index(event as usize).ok_or(Rfc4733Error::NotDtmf { event })?;
        Ok(TelephoneEvent {
            digit,
            end: flags & 0x80 != 0,
            volume: flags & 0x3F,
            duration: u16::from_be_bytes([d0, d1]),
        })
    }

    /// The 4-byte payload for this event (R bit clear).
    pub fn to_bytes(&self) -> [u8; 4] {
        let [d0, d1] = self.duration.to_be_bytes();
        let flags = if self.end { 0x80 } else { 0 } | (self.volume & 0x3F);
        [self.digit.event_code(), flags, d0, d1]
    }
}

/// The event being received.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Current {
    /// The timestamp of its current segment.
    timestamp: u32,
    digit: Digit,
    onset: u64,
    /// Ticks of its earlier segments.
    before: u64,
    /// Longest duration received for the current segment.
    duration: u16,
    ended: bool,
}

impl Current {
    /// One past its last tick so far.
    fn end(&self) -> u64 {
        self.onset
            .saturating_add(self.before)
            .saturating_add(self.duration as u64)
    }
}

/// Turns telephone-event packets into [`DtmfEvent`]s.
#[derive(Clone, Debug)]
pub struct Rfc4733Tracker {
    base: u32,
    /// Number of times the timestamp wrapped past `base`.
    epoch: u64,
    /// Last offset from `base` seen, to detect wraps.
    last_offset: u32,
    current: Option<Current>,
}

impl Rfc4733Tracker {
    /// A tracker whose positions count RTP timestamp ticks from `base_timestamp`.
    pub const fn new(base_timestamp: u32) -> Self {
        Rfc4733Tracker {
            base: base_timestamp,
            epoch: 0,
            last_offset: 0,
            current: None,
        }
    }

    /// Counts positions from `base_timestamp` from now on (the stream's timeline was
    /// re-based), keeping the key being received: its next packets continue it.
    pub fn rebase(&mut self, base_timestamp: u32) {
        self.base = base_timestamp;
        self.epoch = 0;
        self.last_offset = 0;
    }

    /// Position of `timestamp` relative to the base, following wraps of the 32-bit clock.
    fn position(&mut self, timestamp: u32) -> u64 {
        let offset = timestamp.wrapping_sub(self.base);
        if offset < self.last_offset && self.last_offset - offset > 1 << 31 {
            self.epoch = self.epoch.saturating_add(1);
        }
        self.last_offset = offset;
        (self.epoch << 32) | offset as u64
    }

    /// Takes one packet (its RTP timestamp and payload) and emits the events it causes.
    /// Packets of an older event than the current one are ignored.
    pub fn packet(
        &mut self,
        rtp_timestamp: u32,
        payload: &[u8],
        on_event: &mut impl FnMut(DtmfEvent),
    ) -> Result<(), Rfc4733Error> {
        let ev = TelephoneEvent::parse(payload)?;
        match self.current {
            Some(ref mut cur) if cur.timestamp == rtp_timestamp => {
                cur.duration = cur.duration.max(ev.duration);
                if ev.end && !cur.ended {
                    cur.ended = true;
                    on_event(DtmfEvent::End {
                        digit: cur.digit,
                        end: cur.end(),
                    });
                }
                return Ok(());
            }
            Some(ref mut cur)
                if !cur.ended && cur.digit == ev.digit && {
                    // A segment starts where the previous one's duration ends, at most 0xFFFF
                    // ticks after it (later if the previous one's last packets were lost).
                    let since = rtp_timestamp.wrapping_sub(cur.timestamp);
                    since >= cur.duration as u32 && since > 0 && since <= u16::MAX as u32
                } =>
            {
                // The next segment of a long key.
                let since = rtp_timestamp.wrapping_sub(cur.timestamp);
                cur.before = cur.before.saturating_add(since as u64);
                cur.timestamp = rtp_timestamp;
                cur.duration = ev.duration;
                if ev.end {
                    cur.ended = true;
                    on_event(DtmfEvent::End {
                        digit: cur.digit,
                        end: cur.end(),
                    });
                }
                return Ok(());
            }
            Some(cur) if (rtp_timestamp.wrapping_sub(cur.timestamp) as i32) < 0 => {
                // A late packet of an earlier event.
                return Ok(());
            }
            _ => {}
        }
        self.finish(on_event);
        let onset = self.position(rtp_timestamp);
        on_event(DtmfEvent::Start {
            digit: ev.digit,
            onset,
        });
        if ev.end {
            on_event(DtmfEvent::End {
                digit: ev.digit,
                end: onset.saturating_add(ev.duration as u64),
            });
        }
        self.current = Some(Current {
            timestamp: rtp_timestamp,
            digit: ev.digit,
            onset,
            before: 0,
            duration: ev.duration,
            ended: ev.end,
        });
        Ok(())
    }

    /// Ends the current event if its end packets never came (e.g. at the end of the call),
    /// at its onset plus the longest duration received.
    pub fn finish(&mut self, on_event: &mut impl FnMut(DtmfEvent)) {
        if let Some(cur) = self.current.as_mut() {
            if !cur.ended {
                cur.ended = true;
                on_event(DtmfEvent::End {
                    digit: cur.digit,
                    end: cur.end(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(code: u8, end: bool, volume: u8, duration: u16) -> [u8; 4] {
        let d = duration.to_be_bytes();
        [code, if end { 0x80 } else { 0 } | volume, d[0], d[1]]
    }

    #[test]
    fn parses_fields() {
        let ev = TelephoneEvent::parse(&[11, 0x80 | 0x40 | 10, 0x03, 0x20]).unwrap();
        assert_eq!(
            ev,
            TelephoneEvent {
                digit: Digit::Pound,
                end: true,
                volume: 10,
                duration: 800,
            }
        );
        assert_eq!(ev.to_bytes(), [11, 0x80 | 10, 0x03, 0x20]);
        for d in Digit::ALL {
            let ev = TelephoneEvent::parse(&payload(d.event_code(), false, 7, 160)).unwrap();
            assert_eq!(ev.digit, d);
            assert!(!ev.end);
        }
        // Trailing bytes (e.g. a second event) are ignored.
        assert!(TelephoneEvent::parse(&[1, 0, 0, 1, 9, 9]).is_ok());
    }

    #[test]
    fn typed_errors() {
        assert_eq!(
            TelephoneEvent::parse(&[1, 0, 0]),
            Err(Rfc4733Error::TooShort { len: 3 })
        );
        assert_eq!(
            TelephoneEvent::parse(&[]),
            Err(Rfc4733Error::TooShort { len: 0 })
        );
        assert_eq!(
            TelephoneEvent::parse(&[16, 0, 0, 0]),
            Err(Rfc4733Error::NotDtmf { event: 16 })
        );
        assert_eq!(
            TelephoneEvent::parse(&[32, 0, 0, 0]),
            Err(Rfc4733Error::NotDtmf { event: 32 })
        );
        assert!(Rfc4733Error::TooShort { len: 2 }.to_string().contains('2'));
    }

    fn run(tracker: &mut Rfc4733Tracker, packets: &[(u32, [u8; 4])]) -> Vec<DtmfEvent> {
        let mut out = Vec::new();
        for (ts, p) in packets {
            tracker.packet(*ts, p, &mut |e| out.push(e)).unwrap();
        }
        out
    }

    #[test]
    fn a_key_sent_as_segments_is_one_key() {
        // A key held for 10 s at 8 kHz (80,000 ticks): a first segment of 0xFFFF ticks, then
        // one of the rest starting where the first ends (RFC 4733 §2.5.1.3).
        let mut t = Rfc4733Tracker::new(0);
        let second = 1000 + u16::MAX as u32;
        let ev = run(
            &mut t,
            &[
                (1000, payload(11, false, 10, 160)),
                (1000, payload(11, false, 10, 40_000)),
                (1000, payload(11, false, 10, u16::MAX)),
                (second, payload(11, false, 10, 160)),
                (second, payload(11, false, 10, 14_465)),
                (second, payload(11, true, 10, 14_465)),
                (second, payload(11, true, 10, 14_465)),
            ],
        );
        assert_eq!(
            ev,
            vec![
                DtmfEvent::Start {
                    digit: Digit::Pound,
                    onset: 1000
                },
                DtmfEvent::End {
                    digit: Digit::Pound,
                    end: 81_000
                },
            ]
        );
        // A second press of the same key after its end is a new key.
        let ev = run(
            &mut t,
            &[
                (90_000, payload(11, false, 10, 160)),
                (90_000, payload(11, true, 10, 800)),
            ],
        );
        assert_eq!(ev.len(), 2);
        assert!(matches!(ev[0], DtmfEvent::Start { onset: 90_000, .. }));
    }

    #[test]
    fn one_start_and_one_end_with_redundant_end_packets() {
        let mut t = Rfc4733Tracker::new(1000);
        let ev = run(
            &mut t,
            &[
                (1800, payload(5, false, 10, 160)),
                (1800, payload(5, false, 10, 320)),
                (1800, payload(5, false, 10, 480)),
                (1800, payload(5, true, 10, 640)),
                (1800, payload(5, true, 10, 640)),
                (1800, payload(5, true, 10, 640)),
            ],
        );
        assert_eq!(
            ev,
            vec![
                DtmfEvent::Start {
                    digit: Digit::D5,
                    onset: 800
                },
                DtmfEvent::End {
                    digit: Digit::D5,
                    end: 1440
                },
            ]
        );
    }

    #[test]
    fn lost_end_is_closed_by_next_event_and_late_packets_ignored() {
        let mut t = Rfc4733Tracker::new(0);
        let ev = run(
            &mut t,
            &[
                (8000, payload(1, false, 10, 400)),
                (9600, payload(2, false, 10, 160)),
                (8000, payload(1, true, 10, 800)), // late end of the first event
                (9600, payload(2, true, 10, 480)),
            ],
        );
        assert_eq!(
            ev,
            vec![
                DtmfEvent::Start {
                    digit: Digit::D1,
                    onset: 8000
                },
                DtmfEvent::End {
                    digit: Digit::D1,
                    end: 8400
                },
                DtmfEvent::Start {
                    digit: Digit::D2,
                    onset: 9600
                },
                DtmfEvent::End {
                    digit: Digit::D2,
                    end: 10080
                },
            ]
        );
        let mut out = Vec::new();
        t.finish(&mut |e| out.push(e));
        assert!(out.is_empty(), "already ended");
    }

    #[test]
    fn same_key_twice_is_two_events_and_timestamps_wrap() {
        let base = u32::MAX - 100;
        let mut t = Rfc4733Tracker::new(base);
        let ev = run(
            &mut t,
            &[
                (base.wrapping_add(50), payload(10, true, 10, 320)),
                (base.wrapping_add(2000), payload(10, false, 10, 160)),
            ],
        );
        assert_eq!(
            ev,
            vec![
                DtmfEvent::Start {
                    digit: Digit::Star,
                    onset: 50
                },
                DtmfEvent::End {
                    digit: Digit::Star,
                    end: 370
                },
                DtmfEvent::Start {
                    digit: Digit::Star,
                    onset: 2000
                },
            ]
        );
        let mut out = Vec::new();
        t.finish(&mut |e| out.push(e));
        assert_eq!(
            out,
            vec![DtmfEvent::End {
                digit: Digit::Star,
                end: 2160
            }]
        );
        // Past the base's wrap: the offset itself wraps after 2^32 ticks.
        let mut t = Rfc4733Tracker::new(0);
        let ev = run(
            &mut t,
            &[
                (0xF000_0000, payload(1, true, 10, 10)),
                (0x0000_1000, payload(2, true, 10, 10)),
            ],
        );
        assert_eq!(
            ev[2],
            DtmfEvent::Start {
                digit: Digit::D2,
                onset: (1 << 32) + 0x1000
            }
        );
    }

    #[test]
    fn bad_payload_changes_nothing() {
        let mut t = Rfc4733Tracker::new(0);
        let mut out = Vec::new();
        assert!(t.packet(0, &[1, 2], &mut |e| out.push(e)).is_err());
        assert!(t.packet(0, &[20, 0, 0, 0], &mut |e| out.push(e)).is_err());
        assert!(out.is_empty());
    }
}
