//! RTP in: the caller's media as a SIP phone or gateway receives it, packet by packet.
//!
//! [`RtpReceiver::packet`] takes each UDP payload as it arrives and hands the media it
//! carries to a [`MediaSink`](crate::MediaSink) (a [`Recorder`](crate::Recorder) or a
//! [`MediaQueue`](crate::MediaQueue)): `header` parses RFC 3550 packets (CSRCs, extension,
//! padding), `reorder` puts them back in sequence order within a window whose capacity is
//! a const generic, `comfort_noise` turns RFC 3389 packets into line noise, and
//! `receiver` plays the result on a timeline of RTP timestamps: audio as G.711 or decoded
//! G.722, gaps as lost media or silence, RFC 4733 telephone events as keys (through
//! [`Rfc4733Tracker`]).
//!
//! Assumes G.711 (PCMU/PCMA) into an 8 kHz sink or G.722 into a 16 kHz one, and one stream
//! per receiver (the host demultiplexes by port or SSRC). Every malformed or unsupported
//! packet is an [`RtpError`] and leaves the receiver as it was; nothing allocates or panics,
//! and the same packets give the same recorder input on every target.
//!
//! ```
//! use recresp_core::rtp::write_packet;
//! use recresp_core::{Event, Fate, PromptAudio, RecordOptions, Recorder, RtpConfig};
//! use recresp_core::{RtpReceiver, SampleRate};
//!
//! let mut recorder: Recorder = Recorder::new(SampleRate::Hz8000).unwrap();
//! recorder.start(RecordOptions::default(), PromptAudio::None);
//! // Telephone events on payload type 101, as the SDP negotiated.
//! let config = RtpConfig { telephone_event_pt: Some(101), ..RtpConfig::DEFAULT };
//! let mut rx: RtpReceiver = RtpReceiver::new(config);
//! let mut captured = 0;
//! for i in 0..50u16 {
//!     // A 20 ms PCMU packet as it comes off the socket.
//!     let mut packet = [0u8; 12 + 160];
//!     let n = write_packet(&mut packet, 0, false, i, 160 * i as u32, 0x1234, &[0xFF; 160]);
//!     let fate = rx.packet(&mut recorder, &packet[..n.unwrap()], |event| {
//!         if let Event::Captured(audio) = event {
//!             captured += audio.len();
//!         }
//!     });
//!     assert_eq!(fate, Ok(Fate::Accepted));
//! }
//! // At the end of the stream, play what the reorder window still holds.
//! rx.flush(&mut recorder, |_| {});
//! assert_eq!(recorder.position(), 50 * 160);
//! // Nobody spoke: nothing was captured.
//! assert_eq!(captured, 0);
//! // A malformed packet is an error and changes nothing.
//! assert!(rx.packet(&mut recorder, &[0x80, 0], |_| {}).is_err());
//! ```

mod comfort_noise;
mod header;
mod host_codec;
mod receiver;
mod reorder;
mod rfc4733;

pub use header::{write_packet, RtpError, RtpPacket, FIXED_HEADER_LEN};
pub use host_codec::{HostCodec, NoHostCodec, HOST_FRAME_SAMPLES};
pub use receiver::{
    Fate, RtpConfig, RtpReceiver, RtpStats, DEFAULT_PAYLOAD, DEFAULT_WINDOW, MAX_SEQ_JUMP, PT_CN,
    PT_G722, PT_PCMA, PT_PCMU,
};
pub use rfc4733::{Rfc4733Error, Rfc4733Tracker, TelephoneEvent};
