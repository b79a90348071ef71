//! A deterministic fuzzer for the C API's call sequences, driven from Rust through its
//! `extern "C"` functions, run in CI by `scripts/test-fuzz.sh` (10 million calls;
//! `FFI_FUZZ_EXECS` sets another count, `FFI_FUZZ_SEED` another seed).
//!
//! Each execution is one call, chosen at random, into one of four long-lived channels (one
//! of each kind on the heap, and a 16-bit 8 kHz one in caller storage); each operation is
//! fed mostly by one media path (pushes, or RTP with the host's clock) or by any call, and
//! a channel whose operation is over mostly starts another. The calls: a start with one
//! of several settings and any prompt argument; a push of PCM, G.711 of either law (or
//! a law that does not exist), lost media or an out-of-band key, of any size and with any
//! onset or event code; an RTP packet (PCMU, PCMA, G.722, comfort noise, RFC 4733 keys,
//! or mutated bytes of any length and payload type); the host's clock moving on
//! (`advance`); a flush; a command (`cancel`, `hang_up`, `beep_failed`, `fail`); the
//! getters; new settings parsed from a mutated request; the channel freed (its operation
//! running or not) and made again; or a call with NULL pointers. Inside the event
//! callback, now and then, a call into the same channel (any of them, `free` included).
//!
//! The run fails on any panic and checks, for every channel:
//! - no call returns `INTERNAL_ERROR`, and none outside a callback returns `CHANNEL_BUSY`;
//!   every call from inside the callback returns `CHANNEL_BUSY` and changes nothing (a
//!   `free` there leaves the channel alive);
//! - exactly one `COMPLETED` per operation, its last event: no event comes while no
//!   operation is open; the channel reports running exactly while an operation is open;
//!   every started operation ends with one completion or is dropped (by a new start or a
//!   free while it runs); `recresp_channel_completion` then gives what the event gave;
//! - positions never go back within an operation, and no event is ahead of the position.
//!
//! At 100,000 executions or more, completions, drops, refusals from the callback, refused
//! requests and RTP packets of every fate must have been reached.
//!
//! In the test script (10 M calls, fuzz profile, on 2 shared cores): 15 s; 1.73 M
//! operations (1.37 M completed, 0.36 M dropped by a new start or a free), 0.89 M calls
//! from callbacks refused, 0.12 M requests refused, RTP packets of every fate, none failed.
//! Seed 7, 100 M calls: 78 s, 17.4 M operations (13.7 M completed, 3.6 M dropped), 8.9 M
//! calls from callbacks refused, none failed.
//!
//! `#[ignore]`d in the ordinary test run; run with
//! `cargo test --profile fuzz -p recresp-ffi --test c_api_fuzz -- --ignored --nocapture`.
#![allow(unsafe_code, missing_docs)]

use std::ffi::c_void;
use std::ptr;

use recresp::channel::*;
use recresp::event::*;
use recresp::input::*;
use recresp::operation::*;
use recresp::settings::*;
use recresp::*;
use recresp_core::rtp::write_packet;
use recresp_core::{Law, SampleRate};
use recresp_harness::callers::ANSWER_THEN_POUND;
use recresp_harness::SplitMix64;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The requests the settings are parsed from: short timeouts, so that operations end
/// every way, with and without the beep.
const REQUESTS: [&str; 4] = [
    r##"{"playBeep":true,"initialSilenceTimeoutInSeconds":1,"maxSilenceTimeoutInSeconds":1,
      "maxRecordDurationInSeconds":2,"stopTones":["#","1"]}"##,
    r##"{"playBeep":false,"maxRecordDurationInSeconds":1,"stopTones":["*"]}"##,
    r##"{"clientContext":"fuzz","playBeep":true,"bargeInAllowed":true,
      "prompts":[{"@odata.type":"#microsoft.graph.mediaPrompt",
      "mediaInfo":{"uri":"https://example.com/p.wav"}}],"maxRecordDurationInSeconds":3}"##,
    r##"{"playBeep":false,"initialSilenceTimeoutInSeconds":1,"stopTones":["0","1","2","3",
      "4","5","6","7","8","9","#","*","A","B","C","D"]}"##,
];

/// What the callback of one channel keeps and checks.
struct Callback {
    channel: *mut recresp_channel,
    /// Random numbers for the calls made from inside the callback.
    rng: SplitMix64,
    /// An operation was started and has not completed.
    open: bool,
    /// The latest `at` of an event of the open operation.
    max_at: u64,
    completion: Option<recresp_completion>,
    completions: u64,
    busy: u64,
}

unsafe extern "C" fn on_event(user: *mut c_void, event: *const recresp_event) {
    let cb = unsafe { &mut *user.cast::<Callback>() };
    let e = unsafe { &*event };
    assert!(cb.open, "a {:?} event with no operation open", e.kind);
    cb.max_at = cb.max_at.max(e.at);
    if e.kind == recresp_event_kind::Completed {
        assert!(!e.completion.message.is_null());
        cb.max_at = cb.max_at.max(e.completion.at);
        cb.open = false;
        cb.completion = Some(e.completion);
        cb.completions += 1;
    }
    if cb.rng.below(4) == 0 {
        let ch = cb.channel;
        let mut out = 0u64;
        let mut flag = false;
        let samples = [0i16; 8];
        let r = unsafe {
            match cb.rng.below(9) {
                0 => recresp_channel_push_pcm(ch, samples.as_ptr(), 8),
                1 => recresp_channel_push_lost(ch, 160),
                2 => recresp_channel_handle_digit(ch, 11, 0),
                3 => recresp_channel_advance(ch, 160),
                4 => recresp_channel_cancel(ch),
                5 => recresp_channel_fail(ch),
                6 => recresp_channel_position(ch, &mut out),
                7 => recresp_channel_is_running(ch, &mut flag),
                _ => {
                    recresp_channel_free(ch);
                    recresp_result::ChannelBusy
                }
            }
        };
        assert_eq!(r, recresp_result::ChannelBusy, "a call from the callback");
        cb.busy += 1;
    }
}

/// One channel under test and what the fuzzer knows of it.
struct Fuzzed {
    kind: recresp_channel_kind,
    /// Caller storage, for the channel made with `recresp_channel_init_in`.
    storage: Option<Vec<u64>>,
    /// The callback's state, reached by the callback through the channel's `user`
    /// pointer, so owned here as a raw pointer (freed by `Drop`).
    cb_state: *mut Callback,
    /// The position after the last call, within the open operation.
    position: u64,
    /// The media path the operation is mostly fed by: PCM and G.711 pushes (0), RTP with
    /// the host's clock (1), or any call (2). (Mixing them is refused, but tried.)
    path: usize,
    /// The RTP stream sent: sequence number and timestamp of the next packet.
    seq: u16,
    ts: u32,
}

impl Fuzzed {
    fn new(kind: recresp_channel_kind, in_storage: bool, seed: u64) -> Self {
        let mut f = Fuzzed {
            kind,
            storage: in_storage.then(|| vec![0u64; recresp_channel_size(kind as u32) / 8 + 1]),
            cb_state: Box::into_raw(Box::new(Callback {
                channel: ptr::null_mut(),
                rng: SplitMix64::new(seed),
                open: false,
                max_at: 0,
                completion: None,
                completions: 0,
                busy: 0,
            })),
            position: 0,
            path: 2,
            seq: 0,
            ts: 0,
        };
        f.make();
        f
    }

    fn cb(&mut self) -> &mut Callback {
        // SAFETY: made by `Box::into_raw` in `new`, freed only by `drop`; the callback,
        // its only other user, runs only inside calls into the channel, while no
        // reference made here is alive.
        unsafe { &mut *self.cb_state }
    }

    /// Makes the channel (again), with RFC 4733 on payload type 101.
    fn make(&mut self) {
        let mut ch = ptr::null_mut();
        let user = self.cb_state.cast();
        let r = unsafe {
            match &mut self.storage {
                Some(buf) => recresp_channel_init_in(
                    buf.as_mut_ptr().cast(),
                    buf.len() * 8,
                    self.kind as u32,
                    101,
                    Some(on_event),
                    user,
                    &mut ch,
                ),
                None => recresp_channel_new(self.kind as u32, 101, Some(on_event), user, &mut ch),
            }
        };
        assert_eq!(r, recresp_result::Ok);
        let cb = self.cb();
        cb.channel = ch;
        cb.open = false;
        cb.max_at = 0;
        cb.completion = None;
        self.position = 0;
    }

    fn rate(&self) -> SampleRate {
        match self.kind {
            recresp_channel_kind::Pcm16k => SampleRate::Hz16000,
            _ => SampleRate::Hz8000,
        }
    }
}

impl Drop for Fuzzed {
    fn drop(&mut self) {
        // SAFETY: the channel is live; once it is freed, nothing calls the callback.
        unsafe { recresp_channel_free(self.cb().channel) };
        // SAFETY: made by `Box::into_raw` in `new`.
        drop(unsafe { Box::from_raw(self.cb_state) });
    }
}

/// The caller's audio to cut pushes from, at each rate, and as G.711 of each law.
struct Material {
    narrow: Vec<i16>,
    wide: Vec<i16>,
    g711: [Vec<u8>; 2],
}

impl Material {
    fn new() -> Self {
        let render = |rate| {
            let mut x = vec![0i16; ANSWER_THEN_POUND.samples(rate)];
            ANSWER_THEN_POUND.add_to(rate, &mut x);
            x
        };
        let narrow = render(SampleRate::Hz8000);
        let g711 =
            [Law::Ulaw, Law::Alaw].map(|law| narrow.iter().map(|&s| law.encode(s)).collect());
        Material {
            wide: render(SampleRate::Hz16000),
            narrow,
            g711,
        }
    }
}

/// Counters of the run.
#[derive(Default)]
struct Tally {
    starts: u64,
    dropped: u64,
    fates: [u64; 6],
    refused: u64,
}

/// A random cut of `x`, at most `max` long.
fn cut<'a, T>(rng: &mut SplitMix64, x: &'a [T], max: usize) -> &'a [T] {
    let n = rng.below(max + 1);
    let at = rng.below(x.len() - n);
    &x[at..at + n]
}

/// The next RTP packet of the caller's stream into `f`, or something like it.
fn rtp_packet(rng: &mut SplitMix64, f: &mut Fuzzed, m: &Material) -> Vec<u8> {
    let pt = match rng.below(16) {
        0..=9 if f.kind == recresp_channel_kind::Pcm16k => 9,
        0..=9 => [0, 8][rng.below(2)],
        10 => 13,
        11 | 12 => 101,
        _ => rng.below(128) as u8,
    };
    let payload: Vec<u8> = match pt {
        101 => vec![rng.below(16) as u8, (rng.below(2) as u8) << 7 | 10, 0, 160],
        13 => vec![40],
        _ => {
            let law = rng.below(2);
            cut(rng, &m.g711[law], 320).to_vec()
        }
    };
    let step = [0, 160, 160, 160, 320][rng.below(5)];
    if rng.below(64) == 0 {
        // A jump of the sender's clock or sequence.
        f.seq = f.seq.wrapping_add(rng.next_u64() as u16);
        f.ts = f.ts.wrapping_add(rng.next_u64() as u32);
    }
    let seq = f.seq.wrapping_sub(rng.below(3) as u16);
    let mut buf = vec![0u8; 12 + payload.len()];
    write_packet(
        &mut buf,
        pt,
        rng.below(16) == 0,
        seq,
        f.ts,
        0xF0F0,
        &payload,
    )
    .expect("fits");
    f.seq = f.seq.wrapping_add(1);
    f.ts = f.ts.wrapping_add(step);
    if rng.below(16) == 0 {
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(buf.len());
            buf[at] ^= 1 << rng.below(8);
        }
        buf.truncate(rng.below(buf.len() + 1));
    }
    buf
}

/// Makes `settings` from one of [`REQUESTS`], mutated or not; it keeps what it had when
/// the request is refused.
unsafe fn parse(rng: &mut SplitMix64, settings: *mut recresp_settings, tally: &mut Tally) {
    let mut body = REQUESTS[rng.below(REQUESTS.len())].as_bytes().to_vec();
    if rng.below(2) == 0 {
        let at = rng.below(body.len());
        body[at] = [b'"', b'9', b'}', b'-', 0xFF, b'0'][rng.below(6)];
    }
    let r = unsafe { recresp_settings_parse_json(settings, body.as_ptr().cast(), body.len()) };
    if r != recresp_result::Ok {
        tally.refused += 1;
    }
}

/// One call into `f`; returns what it returned.
unsafe fn call(
    rng: &mut SplitMix64,
    f: &mut Fuzzed,
    m: &Material,
    settings: &[*mut recresp_settings],
    tally: &mut Tally,
) -> recresp_result {
    let ch = f.cb().channel;
    let pcm = match f.rate() {
        SampleRate::Hz8000 => &m.narrow,
        SampleRate::Hz16000 => &m.wide,
    };
    let big = |rng: &mut SplitMix64| if rng.below(4) == 0 { 2000 } else { 320 };
    unsafe {
        let mut op = rng.below(32);
        if !f.cb().open && rng.below(4) != 0 {
            // Mostly a new operation once the last one is over.
            op = 26;
        } else if rng.below(16) != 0 {
            // Mostly the operation's own media path.
            match (f.path, op) {
                (0, 12..=19) => op -= 12,
                (1, 0..=11) => op = 12 + op % 8,
                _ => {}
            }
        }
        match op {
            0..=7 => {
                let max = big(rng);
                let x = cut(rng, pcm, max);
                recresp_channel_push_pcm(ch, x.as_ptr(), x.len())
            }
            8..=10 => {
                let law = rng.below(3);
                let max = big(rng);
                let x = cut(rng, &m.g711[law % 2], max);
                recresp_channel_push_g711(ch, x.as_ptr(), x.len(), law as u32)
            }
            11 => {
                let n = if rng.below(1024) == 0 {
                    u64::MAX
                } else {
                    rng.below(4000) as u64
                };
                recresp_channel_push_lost(ch, n)
            }
            12..=17 => {
                let p = rtp_packet(rng, f, m);
                let mut fate = u32::MAX;
                let r = recresp_channel_push_rtp(ch, p.as_ptr(), p.len(), &mut fate);
                tally.fates[fate as usize] += 1;
                assert!(
                    (r == recresp_result::Ok) != (fate == recresp_rtp_fate::Refused as u32),
                    "{r:?} with fate {fate}"
                );
                r
            }
            18 | 19 => {
                let n = if rng.below(256) == 0 {
                    rng.next_u64() >> rng.below(64)
                } else {
                    rng.below(1600) as u64
                };
                recresp_channel_advance(ch, n)
            }
            20 => recresp_channel_flush(ch),
            21 => {
                let onset = if rng.below(2) == 0 {
                    f.position.saturating_sub(rng.below(2000) as u64)
                } else {
                    rng.next_u64()
                };
                recresp_channel_handle_digit(ch, rng.below(18) as u32, onset)
            }
            22 => recresp_channel_cancel(ch),
            23 => recresp_channel_hang_up(ch),
            24 => recresp_channel_beep_failed(ch),
            25 => recresp_channel_fail(ch),
            26 | 27 => {
                // The new operation's first events (its completion, even, with a prompt
                // that failed) come before the start returns.
                let before = (f.cb().open, f.cb().max_at, f.cb().completion, f.position);
                f.cb().open = true;
                f.cb().max_at = 0;
                f.cb().completion = None;
                f.position = 0;
                f.path = rng.below(3);
                let s = settings[rng.below(settings.len())];
                let r = recresp_channel_start(ch, s, rng.below(4) as u32, rng.below(16_000) as u64);
                if r == recresp_result::Ok {
                    tally.starts += 1;
                    tally.dropped += u64::from(before.0);
                } else {
                    let cb = f.cb();
                    (cb.open, cb.max_at, cb.completion) = (before.0, before.1, before.2);
                    f.position = before.3;
                }
                r
            }
            28 => {
                let mut c = recresp_event::none().completion;
                let r = recresp_channel_completion(ch, &mut c);
                match f.cb().completion {
                    Some(e) => {
                        assert_eq!(r, recresp_result::Ok);
                        assert_eq!(
                            (
                                c.reason,
                                c.status,
                                c.code,
                                c.subcode,
                                c.at,
                                c.recorded_samples
                            ),
                            (
                                e.reason,
                                e.status,
                                e.code,
                                e.subcode,
                                e.at,
                                e.recorded_samples
                            )
                        );
                    }
                    None => assert_eq!(r, recresp_result::NotCompleted),
                }
                let mut stats = recresp_rtp_stats::default();
                assert_eq!(
                    recresp_channel_rtp_stats(ch, &mut stats),
                    recresp_result::Ok
                );
                r
            }
            29 => {
                let s = settings[rng.below(settings.len())];
                parse(rng, s, tally);
                recresp_result::Ok
            }
            30 if rng.below(32) == 0 => {
                tally.dropped += u64::from(f.cb().open);
                recresp_channel_free(ch);
                f.make();
                recresp_result::Ok
            }
            30 => recresp_channel_push_rtp(ch, ptr::null(), 12, &mut 0),
            _ => {
                let r = match rng.below(4) {
                    0 => recresp_channel_push_pcm(ptr::null_mut(), pcm.as_ptr(), 4),
                    1 => recresp_channel_advance(ptr::null_mut(), 160),
                    2 => recresp_channel_cancel(ptr::null_mut()),
                    _ => recresp_channel_push_pcm(ch, ptr::null(), 4),
                };
                assert_eq!(r, recresp_result::NullPointer);
                r
            }
        }
    }
}

#[test]
#[ignore = "long: scripts/test-fuzz.sh runs it (fuzz profile)"]
fn c_api_call_sequence_fuzz() {
    let execs = env_u64("FFI_FUZZ_EXECS", 10_000_000);
    let mut rng = SplitMix64::new(env_u64("FFI_FUZZ_SEED", 0xFF1));
    let m = Material::new();
    let mut tally = Tally::default();
    let settings: Vec<*mut recresp_settings> = (0..REQUESTS.len())
        .map(|i| {
            let mut s = ptr::null_mut();
            unsafe {
                assert_eq!(recresp_settings_new(&mut s), recresp_result::Ok);
                let body = REQUESTS[i];
                let r = recresp_settings_parse_json(s, body.as_ptr().cast(), body.len());
                assert_eq!(r, recresp_result::Ok, "request {i}");
            }
            s
        })
        .collect();
    let mut channels = [
        Fuzzed::new(recresp_channel_kind::Pcm16k, false, 1),
        Fuzzed::new(recresp_channel_kind::Pcm8k, false, 2),
        Fuzzed::new(recresp_channel_kind::Ulaw8k, false, 3),
        Fuzzed::new(recresp_channel_kind::Pcm8k, true, 4),
    ];
    for i in 0..execs {
        let f = &mut channels[rng.below(4)];
        let r = unsafe { call(&mut rng, f, &m, &settings, &mut tally) };
        assert!(
            !matches!(
                r,
                recresp_result::InternalError | recresp_result::ChannelBusy
            ),
            "exec {i}: {r:?}"
        );
        let (mut running, mut position) = (false, 0u64);
        unsafe {
            assert_eq!(
                recresp_channel_is_running(f.cb().channel, &mut running),
                recresp_result::Ok
            );
            assert_eq!(
                recresp_channel_position(f.cb().channel, &mut position),
                recresp_result::Ok
            );
        }
        assert_eq!(
            running,
            f.cb().open,
            "exec {i}: running while no operation is open, or the reverse"
        );
        if f.cb().open || f.cb().completion.is_some() {
            assert!(
                position >= f.position,
                "exec {i}: position {position} went back from {}",
                f.position
            );
            assert!(
                f.cb().max_at <= position,
                "exec {i}: an event at {} ahead of position {position}",
                f.cb().max_at
            );
        }
        f.position = position;
    }
    let completions: u64 = channels.iter_mut().map(|f| f.cb().completions).sum();
    let busy: u64 = channels.iter_mut().map(|f| f.cb().busy).sum();
    let open = channels
        .iter_mut()
        .filter_map(|f| f.cb().open.then_some(()))
        .count() as u64;
    drop(channels);
    for s in settings {
        unsafe { recresp_settings_free(s) };
    }
    println!(
        "c api fuzz: {execs} executions, {} operations: {completions} completed, {} dropped, \
         {open} open; {busy} calls from callbacks refused; RTP fates {:?}; {} requests refused",
        tally.starts, tally.dropped, tally.fates, tally.refused
    );
    assert_eq!(
        tally.starts,
        completions + tally.dropped + open,
        "one completion per operation"
    );
    if execs >= 100_000 {
        assert!(completions > 0 && tally.dropped > 0 && busy > 0 && tally.refused > 0);
        assert!(
            tally.fates.iter().all(|&n| n > 0),
            "fates {:?}",
            tally.fates
        );
    }
}
