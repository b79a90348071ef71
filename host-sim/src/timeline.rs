//! The timeline picture of one recordResponse operation (`run --timeline`, and `demo`): the
//! caller's waveform and the prompt and beep played to the caller, the recorder's phases, the speech detector's verdict on every 10 ms
//! frame, the DTMF keys, the clocks and the recording window, over one time axis, so that
//! whoever looks at it sees why the recording ended where it did.
//!
//! Everything but the audio is what the core reported: its events, each kept with the
//! position at which the host polled it, and, read after every 10 ms block the host pushed,
//! the recorder's clock deadlines ([`Recorder::deadlines`]) and its speech detector's last
//! frame ([`Recorder::speech_frame`]). Nothing is worked out again here. Drawn as SVG with
//! plotters.

use std::path::Path;

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use recresp_core::speech::{FrameLevel, FrameTrace, DB_Q16};
use recresp_core::{
    Beep, ClockDeadlines, Completion, CompletionReason, Event, RecordOptions, Recorder, SampleRate,
    Store,
};

use crate::error::SimError;
use crate::wav::{write_file, CallerAudio};

/// Draws `timeline` and writes the SVG to `path`.
pub fn write(timeline: &Timeline, path: &Path) -> Result<(), SimError> {
    let svg = timeline
        .svg()
        .map_err(|e| SimError::Output(std::io::Error::other(e)))?;
    write_file(path, svg.as_bytes())
}

/// Audio played to the caller, from a position in the operation.
#[derive(Clone, Debug)]
struct Played {
    what: &'static str,
    /// Where it starts, in caller samples.
    from: u64,
    audio: CallerAudio,
}

/// What the recorder reported over one operation, gathered block by block.
#[derive(Clone, Debug)]
pub struct Timeline {
    rate: SampleRate,
    options: RecordOptions,
    /// The caller's audio (drawn as its waveform).
    caller: Vec<i16>,
    /// What the caller hears: the prompt, and the beep (from its start, in caller samples).
    played: Vec<Played>,
    /// Events since the last [`observe`](Self::observe), not yet given a position.
    pending: Vec<Event<'static>>,
    /// Every event but the captured audio, with the position at which it was polled.
    events: Vec<(u64, Event<'static>)>,
    /// The speech detector's verdict on each frame, in order.
    frames: Vec<FrameTrace>,
    /// The clocks' deadlines after each block.
    clocks: Vec<(u64, ClockDeadlines)>,
}

impl Timeline {
    /// An empty timeline for an operation with `options` over the `caller`'s audio at `rate`.
    pub fn new(rate: SampleRate, options: RecordOptions, caller: &[i16]) -> Timeline {
        Timeline {
            rate,
            options,
            caller: caller.to_vec(),
            played: Vec::new(),
            pending: Vec::new(),
            events: Vec::new(),
            frames: Vec::new(),
            clocks: Vec::new(),
        }
    }

    /// Adds caller audio the operation heard, after what it had (for a host that feeds the
    /// recorder as the audio arrives rather than from one buffer).
    pub fn hear(&mut self, samples: &[i16]) {
        self.caller.extend_from_slice(samples);
    }

    /// Samples of caller audio it holds.
    pub fn heard(&self) -> usize {
        self.caller.len()
    }

    /// Notes the prompt the operation plays first.
    pub fn prompt(&mut self, audio: CallerAudio) {
        self.played.push(Played {
            what: "prompt",
            from: 0,
            audio,
        });
    }

    /// Notes an event the recorder gave (captured audio is not kept); when the beep starts,
    /// the beep the host plays then.
    pub fn event(&mut self, e: Event<'_>) {
        if let Event::BeepStarted { at } = e {
            let mut samples = vec![0; Beep::len(self.rate) as usize];
            Beep::new(self.rate).fill(&mut samples);
            let rate = self.rate;
            self.played.push(Played {
                what: "beep",
                from: at,
                audio: CallerAudio { rate, samples },
            });
        }
        let kept = match e {
            Event::Captured(_) => return,
            Event::PromptFinished { at } => Event::PromptFinished { at },
            Event::BeepStarted { at } => Event::BeepStarted { at },
            Event::BeepFinished { at } => Event::BeepFinished { at },
            Event::Listening { at } => Event::Listening { at },
            Event::SpeechStarted {
                onset,
                recording_start,
            } => Event::SpeechStarted {
                onset,
                recording_start,
            },
            Event::SpeechEnded { end } => Event::SpeechEnded { end },
            Event::CaptureDiscarded { at } => Event::CaptureDiscarded { at },
            Event::ToneDetected { digit, onset } => Event::ToneDetected { digit, onset },
            Event::Completed(c) => Event::Completed(c),
        };
        self.pending.push(kept);
    }

    /// Notes where the recorder stands after a push whose events were all given to
    /// [`event`](Self::event): they are placed at its position, and its clocks and its
    /// speech detector's last frame are read.
    pub fn observe<const N: usize, S: Store>(&mut self, recorder: &Recorder<N, S>) {
        let pos = recorder.position();
        self.events
            .extend(self.pending.drain(..).map(|event| (pos, event)));
        if let Some(frame) = recorder.speech_frame() {
            if self.frames.last().is_none_or(|last| last.end < frame.end) {
                self.frames.push(frame);
            }
        }
        self.clocks.push((pos, recorder.deadlines()));
    }

    /// How the operation ended, if it did.
    pub fn completion(&self) -> Option<Completion> {
        self.events.iter().find_map(|(_, e)| match e {
            Event::Completed(c) => Some(*c),
            _ => None,
        })
    }

    /// The picture, as an SVG document.
    pub fn svg(&self) -> Result<String, String> {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
            Picture::new(self)
                .draw(&root)
                .map_err(|e| format!("drawing the timeline: {e}"))?;
            root.present()
                .map_err(|e| format!("drawing the timeline: {e}"))?;
        }
        Ok(svg)
    }
}

const WIDTH: u32 = 1400;
const HEIGHT: u32 = 980;
/// Pixels left of every panel for its axis numbers and row names (the same for all, so the
/// time axes line up), and right of it.
const LEFT: u32 = 150;
const RIGHT: u32 = 24;
/// Pixels above each panel's plot for its title and legend.
const HEADER: u32 = 30;
const FONT: &str = "sans-serif";
/// The speech detector's bars stop at this many dB above the noise: what matters is near
/// the thresholds.
const EXCESS_CAP_DB: f64 = 24.0;

const PROMPT: RGBColor = RGBColor(190, 165, 225);
const BEEP: RGBColor = RGBColor(250, 185, 80);
const LISTENING: RGBColor = RGBColor(165, 205, 240);
const CAPTURING: RGBColor = RGBColor(135, 205, 135);
const DONE: RGBColor = RGBColor(205, 205, 205);
const WAVE: RGBColor = RGBColor(50, 70, 110);
const RECORDING: RGBColor = RGBColor(60, 170, 60);
const PRE_ROLL: RGBColor = RGBColor(0, 130, 140);
const CUT: RGBColor = RGBColor(220, 50, 40);
const KEY: RGBColor = RGBColor(225, 110, 0);
const LEARNING: RGBColor = RGBColor(190, 170, 225);
const NOISE: RGBColor = RGBColor(165, 165, 165);
const WEAK: RGBColor = RGBColor(240, 175, 40);
const STRONG: RGBColor = RGBColor(30, 100, 200);
const SPEECH_START: RGBColor = RGBColor(0, 140, 60);
const SPEECH_END: RGBColor = RGBColor(190, 30, 30);
const CLOCK: RGBColor = RGBColor(110, 110, 170);
const FIRED: RGBColor = RGBColor(210, 30, 30);
const GREY: RGBColor = RGBColor(110, 110, 110);

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;
type Drawn = Result<(), Box<dyn std::error::Error>>;

/// A span of one phase of the recorder (seconds).
struct PhaseSpan {
    name: &'static str,
    color: RGBColor,
    from: f64,
    to: f64,
}

/// A DTMF key as the recorder reported it (seconds).
struct Key {
    digit: char,
    onset: f64,
    /// Where the host polled the report: the end of the block in which the recorder acted.
    acted: f64,
    stops: bool,
}

/// The clocks, in the order of their rows.
#[derive(Clone, Copy)]
enum ClockRow {
    InitialSilence,
    MaxSilence,
    MaxDuration,
    MediaTimeout,
}

const CLOCK_ROWS: [ClockRow; 4] = [
    ClockRow::InitialSilence,
    ClockRow::MaxSilence,
    ClockRow::MaxDuration,
    ClockRow::MediaTimeout,
];

impl ClockRow {
    fn deadline(self, d: &ClockDeadlines) -> Option<u64> {
        match self {
            ClockRow::InitialSilence => d.initial_silence,
            ClockRow::MaxSilence => d.max_silence,
            ClockRow::MaxDuration => d.max_duration,
            ClockRow::MediaTimeout => d.media_timeout,
        }
    }

    /// The completion reason it gives when it fires.
    fn reason(self) -> CompletionReason {
        match self {
            ClockRow::InitialSilence => CompletionReason::InitialSilenceTimeout,
            ClockRow::MaxSilence => CompletionReason::MaxSilenceTimeout,
            ClockRow::MaxDuration => CompletionReason::MaxRecordDurationReached,
            ClockRow::MediaTimeout => CompletionReason::MediaReceiveTimeout,
        }
    }

    /// Its name with its length as the request set it, and the length in seconds.
    fn label(self, o: &RecordOptions) -> (String, f64) {
        let s = |name: &str, seconds: u32| (format!("{name} {seconds} s"), seconds as f64);
        match self {
            ClockRow::InitialSilence => s("initial silence", o.initial_silence_timeout_s),
            ClockRow::MaxSilence => s("max silence", o.max_silence_timeout_s),
            ClockRow::MaxDuration => s("max duration", o.max_record_duration_s),
            ClockRow::MediaTimeout => (
                format!("media timeout {} ms", o.media_timeout_ms),
                o.media_timeout_ms as f64 / 1000.0,
            ),
        }
    }
}

/// One stretch in which a clock ran with the same deadline (seconds): the blocks after
/// which the recorder reported it, and where it fires.
struct ClockRun {
    first_seen: f64,
    last_seen: f64,
    deadline: f64,
    /// Whether the operation ended with this clock's reason at this deadline.
    fired: bool,
}

/// The timeline, read into what is drawn (times in seconds).
struct Picture<'t> {
    t: &'t Timeline,
    completion: Option<Completion>,
    /// The time axis ends here.
    end: f64,
    /// Where the recording starts, and the speech onset that started it.
    recording: Option<(f64, f64)>,
}

impl<'t> Picture<'t> {
    fn new(t: &'t Timeline) -> Picture<'t> {
        let s = |n: u64| n as f64 / t.rate.hz() as f64;
        let completion = t.completion();
        let last = t.clocks.last().map_or(0, |(pos, _)| *pos);
        let at = s(completion.map_or(last, |c| c.at));
        // The recording is the last capture started and not discarded.
        let recording = t.events.iter().fold(None, |kept, (_, e)| match e {
            Event::SpeechStarted {
                onset,
                recording_start,
            } => Some((s(*recording_start), s(*onset))),
            Event::CaptureDiscarded { .. } => None,
            _ => kept,
        });
        Picture {
            t,
            completion,
            end: at + (at * 0.06).max(0.5),
            recording,
        }
    }

    /// `samples` in seconds.
    fn s(&self, samples: u64) -> f64 {
        samples as f64 / self.t.rate.hz() as f64
    }

    fn draw(&self, root: &Area<'_>) -> Drawn {
        root.fill(&WHITE)?;
        let (title, rest) = root.split_vertically(96);
        let (phases, rest) = rest.split_vertically(64);
        let (caller, rest) = rest.split_vertically(270);
        let (detector, clocks) = rest.split_vertically(300);
        self.draw_title(&title)?;
        self.draw_phases(&phases)?;
        self.draw_caller(&caller)?;
        self.draw_detector(&detector)?;
        self.draw_clocks(&clocks)?;
        Ok(())
    }

    fn draw_title(&self, area: &Area<'_>) -> Drawn {
        let o = &self.t.options;
        let headline = match self.completion {
            Some(c) => format!(
                "completionReason: {}   ·   status {}   ·   resultInfo {}/{}   ·   ended at {:.2} s",
                c.reason.as_str(),
                c.status.as_str(),
                c.result_info.code,
                c.result_info.subcode,
                self.s(c.at)
            ),
            None => "the operation did not end".to_string(),
        };
        let keys: String = o.stop_tones.iter().map(|d| d.as_char()).collect();
        let trim = if o.trim_trailing_silence {
            format!(", trailing silence trimmed to {} ms", o.trailing_guard_ms)
        } else {
            String::new()
        };
        let request = format!(
            "request: initialSilenceTimeoutInSeconds {}, maxSilenceTimeoutInSeconds {}, \
             maxRecordDurationInSeconds {}, playBeep {}, stopTones [{}]{}",
            o.initial_silence_timeout_s,
            o.max_silence_timeout_s,
            o.max_record_duration_s,
            o.play_beep,
            keys,
            trim
        );
        let bold = (FONT, 22).into_font().style(FontStyle::Bold);
        area.draw(&Text::new(headline, (20, 12), bold))?;
        area.draw(&Text::new(self.why(), (20, 46), (FONT, 17)))?;
        area.draw(&Text::new(
            request,
            (20, 72),
            (FONT, 14).into_font().color(&GREY),
        ))?;
        Ok(())
    }

    /// One sentence on why the operation ended where it did, from the completion and the
    /// events, and what was recorded.
    fn why(&self) -> String {
        let Some(c) = self.completion else {
            return String::new();
        };
        let o = &self.t.options;
        let found = |pick: fn(&Event<'static>) -> Option<u64>| {
            self.t
                .events
                .iter()
                .rev()
                .find_map(|(_, e)| pick(e))
                .map(|at| self.s(at))
        };
        let cause = match c.reason {
            CompletionReason::StopToneDetected => {
                match self.keys().into_iter().rfind(|k| k.stops) {
                    Some(k) => format!(
                        "the caller pressed {} (its tone began at {:.2} s, acted on at {:.2} s); \
                     the recording is cut where the tone began",
                        k.digit, k.onset, k.acted
                    ),
                    None => "a stop tone was detected".to_string(),
                }
            }
            CompletionReason::MaxSilenceTimeout => format!(
                "the caller stayed silent for {} s after speech ended at {:.2} s{}",
                o.max_silence_timeout_s,
                found(|e| match e {
                    Event::SpeechEnded { end } => Some(*end),
                    _ => None,
                })
                .unwrap_or(0.0),
                if o.trim_trailing_silence {
                    "; the silent tail is trimmed"
                } else {
                    ""
                }
            ),
            CompletionReason::InitialSilenceTimeout => format!(
                "no speech within {} s of listening (from {:.2} s)",
                o.initial_silence_timeout_s,
                found(|e| match e {
                    Event::Listening { at } => Some(*at),
                    _ => None,
                })
                .unwrap_or(0.0)
            ),
            CompletionReason::MaxRecordDurationReached => format!(
                "the recording reached its {} s limit",
                o.max_record_duration_s
            ),
            CompletionReason::MediaReceiveTimeout => {
                format!("no media arrived for {} ms", o.media_timeout_ms)
            }
            CompletionReason::OperationCanceled => "cancelled, or the caller hung up".to_string(),
            CompletionReason::PlayPromptFailed => "the prompt could not be played".to_string(),
            CompletionReason::PlayBeepFailed => "the beep could not be played".to_string(),
            CompletionReason::UnspecifiedError => "an error in the host".to_string(),
        };
        let recorded = match self.recording {
            Some((start, _)) if c.recorded_samples > 0 => format!(
                "Recording {:.2}–{:.2} s ({:.2} s).",
                start,
                start + self.s(c.recorded_samples),
                self.s(c.recorded_samples)
            ),
            _ => "No recording.".to_string(),
        };
        format!("Why it ended there: {cause}.   {recorded}")
    }

    /// The recorder's phases, from its events: each starts where the recorder entered it
    /// (capturing where it acted on the speech onset).
    fn phases(&self) -> Vec<PhaseSpan> {
        let mut spans: Vec<PhaseSpan> = Vec::new();
        let mut current = ("prompt", PROMPT, 0.0);
        let mut enter = |spans: &mut Vec<PhaseSpan>, next: (&'static str, RGBColor, f64)| {
            let (name, color, from) = current;
            if next.2 > from {
                spans.push(PhaseSpan {
                    name,
                    color,
                    from,
                    to: next.2,
                });
            }
            current = next;
        };
        for (polled, e) in &self.t.events {
            let next = match *e {
                Event::BeepStarted { at } => ("beep", BEEP, self.s(at)),
                Event::Listening { at } => ("listening", LISTENING, self.s(at)),
                Event::SpeechStarted { .. } => ("capturing", CAPTURING, self.s(*polled)),
                Event::CaptureDiscarded { at } => ("listening", LISTENING, self.s(at)),
                Event::Completed(c) => ("done", DONE, self.s(c.at)),
                _ => continue,
            };
            enter(&mut spans, next);
        }
        enter(&mut spans, ("", DONE, self.end));
        spans
    }

    /// The DTMF keys the recorder reported.
    fn keys(&self) -> Vec<Key> {
        self.t
            .events
            .iter()
            .filter_map(|(polled, e)| match *e {
                Event::ToneDetected { digit, onset } => Some(Key {
                    digit: digit.as_char(),
                    onset: self.s(onset),
                    acted: self.s(*polled),
                    stops: self.t.options.stop_tones.contains(digit),
                }),
                _ => None,
            })
            .collect()
    }

    /// A chart over the time axis with `y` as its vertical range, in `area`, under a header
    /// with `title` and a legend of `entries`.
    fn chart<'a, 'b>(
        &self,
        area: &'a Area<'b>,
        title: &str,
        entries: &[(RGBAColor, String)],
        y: std::ops::Range<f64>,
        x_labels: bool,
    ) -> Result<Chart<'a, 'b>, Box<dyn std::error::Error>> {
        header(area, title, entries)?;
        let chart = ChartBuilder::on(area)
            .margin_right(RIGHT)
            .margin_top(if title.is_empty() { 4 } else { HEADER })
            .y_label_area_size(LEFT)
            .x_label_area_size(if x_labels { 40 } else { 0 })
            .build_cartesian_2d(0.0..self.end, y)?;
        Ok(chart)
    }

    /// A chart of values over time with no time labels: `labels` values up its left side,
    /// written by `format`, and a line across at each.
    fn value_chart<'a, 'b>(
        &self,
        area: &'a Area<'b>,
        title: &str,
        entries: &[(RGBAColor, String)],
        y: std::ops::Range<f64>,
        labels: usize,
        format: &dyn Fn(&f64) -> String,
    ) -> Result<Chart<'a, 'b>, Box<dyn std::error::Error>> {
        let mut chart = self.chart(area, title, entries, y, false)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_labels(labels)
            .y_label_formatter(format)
            .label_style((FONT, 13))
            .draw()?;
        Ok(chart)
    }

    /// A solid line across the chart where the operation ended.
    fn end_line(&self, chart: &mut Chart<'_, '_>, y: std::ops::Range<f64>) -> Drawn {
        if let Some(c) = self.completion {
            let at = self.s(c.at);
            chart.draw_series(LineSeries::new(
                [(at, y.start), (at, y.end)],
                BLACK.stroke_width(2),
            ))?;
        }
        Ok(())
    }

    fn draw_phases(&self, area: &Area<'_>) -> Drawn {
        let mut chart = self.chart(area, "", &[], 0.0..1.0, false)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .disable_x_axis()
            .y_labels(0)
            .draw()?;
        for p in self.phases() {
            chart.draw_series([Rectangle::new(
                [(p.from, 0.08), (p.to, 0.92)],
                p.color.filled(),
            )])?;
            let (left, mid) = chart.backend_coord(&(p.from, 0.5));
            let (right, _) = chart.backend_coord(&(p.to, 0.5));
            let (width, centre) = (right - left, (left + right) / 2);
            let roomy = width > 70;
            if width > 7 * p.name.len() as i32 {
                let style = (FONT, if roomy { 16 } else { 12 })
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Center, VPos::Center));
                let y = if roomy { mid - 7 } else { mid };
                text_at(area, (centre, y), p.name, style)?;
            }
            if roomy && !p.name.is_empty() {
                let style = (FONT, 12)
                    .into_font()
                    .color(&GREY)
                    .pos(Pos::new(HPos::Center, VPos::Center));
                // The last span runs to the end of the axis, not to a time of its own.
                let span = if p.name == "done" {
                    format!("from {:.2} s", p.from)
                } else {
                    format!("{:.2}–{:.2} s", p.from, p.to)
                };
                text_at(area, (centre, mid + 11), &span, style)?;
            }
        }
        panel_name(area, &chart, 0.5, "phase")?;
        Ok(())
    }

    fn draw_caller(&self, area: &Area<'_>) -> Drawn {
        let hz = self.t.rate.hz() as f64;
        // Scaled to the loudest sample shown, the caller's or played to the caller (at least
        // 1 % of full scale).
        let shown = self.t.caller.iter().take((self.end * hz) as usize);
        let played = self.t.played.iter().flat_map(|p| &p.audio.samples);
        let peak = shown
            .chain(played)
            .map(|s| s.unsigned_abs())
            .max()
            .unwrap_or(0);
        let top = (peak as f64 / 32768.0 * 1.4).clamp(0.01, 1.0);
        let y = -top..top;
        // The recording window: the pre-roll, what was kept, and what was cut after it.
        let mut spans: Vec<(f64, f64, RGBAColor, String)> = Vec::new();
        if let (Some((start, onset)), Some(c)) = (self.recording, self.completion) {
            let kept_end = start + self.s(c.recorded_samples);
            spans.push((
                start,
                kept_end,
                RECORDING.mix(0.18),
                format!("recording {:.2} s", self.s(c.recorded_samples)),
            ));
            spans.push((
                start,
                onset.min(kept_end),
                PRE_ROLL.mix(0.45),
                format!("pre-roll {:.0} ms", (onset - start) * 1000.0),
            ));
            let at = self.s(c.at);
            if at > kept_end {
                let what = match c.reason {
                    CompletionReason::StopToneDetected => "stop-tone cut",
                    CompletionReason::MaxSilenceTimeout => "trimmed tail",
                    _ => "cut",
                };
                spans.push((
                    kept_end,
                    at,
                    CUT.mix(0.22),
                    format!("{what} {:.2} s", at - kept_end),
                ));
            }
        }
        let mut entries: Vec<(RGBAColor, String)> = spans
            .iter()
            .map(|(_, _, color, label)| (*color, label.clone()))
            .collect();
        for played in &self.t.played {
            let color = if played.what == "beep" { BEEP } else { PROMPT };
            entries.push((color.to_rgba(), played.what.to_string()));
        }
        entries.push((WAVE.to_rgba(), "caller".to_string()));
        let keys = self.keys();
        if !keys.is_empty() {
            entries.push((KEY.to_rgba(), "key: onset → acted on".to_string()));
        }
        let mut chart = self.value_chart(
            area,
            "The line: what the caller hears and says",
            &entries,
            y.clone(),
            5,
            &|v| {
                let places = if top < 0.1 { 3 } else { 2 };
                let v = if v.abs() < top / 1000.0 { 0.0 } else { *v };
                format!("{v:.places$}")
            },
        )?;
        for (from, to, color, _) in &spans {
            chart.draw_series([Rectangle::new(
                [(*from, y.start), (*to, y.end)],
                color.filled(),
            )])?;
        }
        // What the caller hears (the prompt, the beep) behind the caller's own audio, which
        // is grey after the operation ended (the recorder no longer heard it).
        let column_s = self.end / chart.plotting_area().get_pixel_range().0.len().max(1) as f64;
        for played in &self.t.played {
            let color = if played.what == "beep" { BEEP } else { PROMPT };
            let from = self.s(played.from);
            let hz = played.audio.rate.hz() as f64;
            let shape = outline(&played.audio.samples, hz, from, column_s, top);
            chart.draw_series([Polygon::new(shape, color.mix(0.8).filled())])?;
        }
        let shown = &self.t.caller[..self.t.caller.len().min((self.end * hz) as usize)];
        let heard = self
            .completion
            .map_or(shown.len(), |c| c.at as usize)
            .min(shown.len());
        let (before, after) = shown.split_at(heard);
        let outlines = [
            (outline(before, hz, 0.0, column_s, top), WAVE),
            (outline(after, hz, heard as f64 / hz, column_s, top), NOISE),
        ];
        for (shape, color) in outlines {
            chart.draw_series([Polygon::new(shape, color.filled())])?;
        }
        // The keys, from their onset to where the recorder acted on them.
        let mut labels = Labels::default();
        let band = (top * 0.74, top * 0.96);
        for k in keys {
            chart.draw_series([Rectangle::new(
                [(k.onset, band.0), (k.acted.max(k.onset + 0.01), band.1)],
                KEY.filled(),
            )])?;
            let label = format!(
                "key {}{}: {:.2} → {:.2} s",
                k.digit,
                if k.stops { " (stop tone)" } else { "" },
                k.onset,
                k.acted
            );
            let (left, mid) = chart.backend_coord(&(k.onset, (band.0 + band.1) / 2.0));
            let (right, _) = chart.backend_coord(&(k.acted, 0.0));
            let near_end = right > (WIDTH - RIGHT) as i32 - 260;
            let (x, h) = if near_end {
                (left - 8, HPos::Right)
            } else {
                (right + 8, HPos::Left)
            };
            let style = (FONT, 14).into_font().style(FontStyle::Bold).color(&KEY);
            labels.place(area, (x, mid - 8), h, &[0, 20, 40], &label, style)?;
        }
        self.speech_lines(&mut chart, area, y.clone(), None)?;
        self.end_line(&mut chart, y)?;
        panel_name(area, &chart, 0.0, "line")?;
        Ok(())
    }

    /// Dashed lines where speech began and ended as the recorder reported it, labelled with
    /// `labels`, the label's top at `y.end`.
    fn speech_lines(
        &self,
        chart: &mut Chart<'_, '_>,
        area: &Area<'_>,
        y: std::ops::Range<f64>,
        mut labels: Option<&mut Labels>,
    ) -> Drawn {
        for (polled, e) in &self.t.events {
            let (at, color, text, h) = match *e {
                Event::SpeechStarted { onset, .. } => (
                    self.s(onset),
                    SPEECH_START,
                    format!(
                        "speech start {:.2} s (acted on {:.2} s)",
                        self.s(onset),
                        self.s(*polled)
                    ),
                    HPos::Left,
                ),
                Event::SpeechEnded { end } => (
                    self.s(end),
                    SPEECH_END,
                    format!(
                        "speech end {:.2} s (declared {:.2} s)",
                        self.s(end),
                        self.s(*polled)
                    ),
                    HPos::Left,
                ),
                Event::CaptureDiscarded { at } => (
                    self.s(at),
                    CUT,
                    format!("not speech: capture discarded {:.2} s", self.s(at)),
                    HPos::Left,
                ),
                _ => continue,
            };
            chart.draw_series(DashedLineSeries::new(
                [(at, y.start), (at, y.end)],
                6,
                4,
                color.stroke_width(2),
            ))?;
            if let Some(labels) = labels.as_deref_mut() {
                let (px, py) = chart.backend_coord(&(at, y.end));
                let style = (FONT, 13).into_font().style(FontStyle::Bold).color(&color);
                labels.place(area, (px + 5, py + 3), h, &[0, 17, 34, 51], &text, style)?;
            }
        }
        Ok(())
    }

    fn draw_detector(&self, area: &Area<'_>) -> Drawn {
        let db = |q16: i32| q16 as f64 / DB_Q16 as f64;
        let frames = &self.t.frames;
        let (weak, strong) = frames
            .first()
            .map_or((5.0 / 3.0, 5.0), |f| (db(f.weak_q16), db(f.strong_q16)));
        let highest = frames.iter().map(|f| db(f.excess_q16)).fold(0.0, f64::max);
        let cap = highest.clamp(strong * 3.0, EXCESS_CAP_DB);
        // Room above the bars for the labels, and a strip below them for the verdicts.
        let y = -cap * 0.12..cap * 1.22;
        let strip = (-cap * 0.11, -cap * 0.02);
        let kinds = [
            (LEARNING, "learning the line's noise"),
            (NOISE, "noise"),
            (WEAK, "weak speech"),
            (STRONG, "strong speech"),
        ];
        let entries: Vec<(RGBAColor, String)> = kinds
            .iter()
            .map(|(color, name)| (color.to_rgba(), name.to_string()))
            .collect();
        let mut chart = self.value_chart(
            area,
            "The speech detector: each 10 ms frame's level above the line's noise (dB), and its verdict",
            &entries,
            y.clone(),
            6,
            &|v| {
                if *v < 0.0 {
                    String::new()
                } else {
                    format!("{v:.0} dB")
                }
            },
        )?;
        let frame_s = self.t.rate.samples_in_ms(10) as f64 / self.t.rate.hz() as f64;
        let kind = |f: &FrameTrace| match (f.learning, f.level) {
            (true, _) => 0,
            (false, FrameLevel::Noise) => 1,
            (false, FrameLevel::Weak) => 2,
            (false, FrameLevel::Strong) => 3,
        };
        for (i, (color, _)) in kinds.iter().enumerate() {
            let mine = || frames.iter().filter(move |f| kind(f) == i);
            chart.draw_series(mine().map(|f| {
                let end = self.s(f.end);
                Rectangle::new([(end - frame_s, strip.0), (end, strip.1)], color.filled())
            }))?;
            chart.draw_series(mine().filter(|f| f.excess_q16 > 0).map(|f| {
                let end = self.s(f.end);
                let height = db(f.excess_q16).min(cap);
                Rectangle::new([(end - frame_s, 0.0), (end, height)], color.filled())
            }))?;
        }
        for (value, name) in [(strong, "strong threshold"), (weak, "weak threshold")] {
            chart.draw_series(DashedLineSeries::new(
                [(0.0, value), (self.end, value)],
                8,
                5,
                BLACK.stroke_width(1),
            ))?;
            let (px, py) = chart.backend_coord(&(0.0, value));
            let style = (FONT, 12)
                .into_font()
                .color(&BLACK)
                .pos(Pos::new(HPos::Left, VPos::Bottom));
            text_at(
                area,
                (px + 4, py - 1),
                &format!("{name} {value:.1} dB"),
                style,
            )?;
        }
        let mut labels = Labels::default();
        if highest > cap {
            let (px, py) = chart.backend_coord(&(0.0, cap));
            let style = (FONT, 12).into_font().color(&GREY);
            let text = format!("bars stop at {cap:.0} dB");
            labels.place(area, (px + 4, py - 16), HPos::Left, &[0], &text, style)?;
        }
        self.speech_lines(&mut chart, area, y.clone(), Some(&mut labels))?;
        self.end_line(&mut chart, y)?;
        panel_name(area, &chart, cap / 2.0, "speech")?;
        Ok(())
    }

    /// A clock's runs: the stretches in which it ran with the same deadline.
    fn clock_runs(&self, row: ClockRow) -> Vec<ClockRun> {
        let mut runs: Vec<ClockRun> = Vec::new();
        let mut previous: Option<u64> = None;
        for (pos, d) in &self.t.clocks {
            let deadline = row.deadline(d);
            match (deadline, runs.last_mut()) {
                (Some(d), Some(run)) if previous == Some(d) => run.last_seen = self.s(*pos),
                (Some(d), _) => runs.push(ClockRun {
                    first_seen: self.s(*pos),
                    last_seen: self.s(*pos),
                    deadline: self.s(d),
                    fired: self
                        .completion
                        .is_some_and(|c| c.reason == row.reason() && c.at == d),
                }),
                (None, _) => {}
            }
            previous = deadline;
        }
        runs
    }

    fn draw_clocks(&self, area: &Area<'_>) -> Drawn {
        let rows = CLOCK_ROWS.len() as f64;
        let y = -0.6..rows - 0.4;
        let entries = [
            (
                CLOCK.mix(0.3),
                "counting (before the recorder knew)".to_string(),
            ),
            (CLOCK.mix(0.7), "counting".to_string()),
            (FIRED.to_rgba(), "fired".to_string()),
        ];
        let mut chart = self.chart(
            area,
            "The clocks: while each ran, and where it fires",
            &entries,
            y.clone(),
            true,
        )?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_labels(16)
            .x_label_formatter(&|v| {
                let places = if self.end < 2.0 { 2 } else { 1 };
                format!("{v:.places$} s")
            })
            .x_desc("time since the operation started")
            .label_style((FONT, 13))
            .draw()?;
        let mut runs = Vec::new();
        for (i, row) in CLOCK_ROWS.iter().enumerate() {
            let y = rows - 1.0 - i as f64;
            let (name, _) = row.label(&self.t.options);
            row_name(area, &chart, y, &name)?;
            let before = runs.len();
            runs.extend(self.clock_runs(*row).into_iter().map(|run| (*row, y, run)));
            if runs.len() == before {
                let (px, py) = chart.backend_coord(&(0.0, y));
                let style = (FONT, 13)
                    .into_font()
                    .color(&GREY)
                    .pos(Pos::new(HPos::Left, VPos::Center));
                text_at(area, (px + 6, py), "did not run", style)?;
            }
        }
        // The clock that fired is labelled first, so that its label takes the best place.
        runs.sort_by_key(|(_, _, run)| !run.fired);
        let mut labels = Labels::default();
        for (row, y, run) in runs {
            self.draw_clock_run(&mut chart, area, row, y, &run, &mut labels)?;
        }
        self.end_line(&mut chart, y)?;
        if let Some(c) = self.completion {
            let (px, py) = chart.backend_coord(&(self.s(c.at), -0.5));
            let style = (FONT, 13).into_font().style(FontStyle::Bold).color(&BLACK);
            let text = format!("ended at {:.2} s: {}", self.s(c.at), c.reason.as_str());
            // Left of the line, unless that runs past the start of the axis.
            let (x, h) = if px > (LEFT + 320) as i32 {
                (px - 8, HPos::Right)
            } else {
                (px + 8, HPos::Left)
            };
            labels.place(area, (x, py - 8), h, &[0], &text, style)?;
        }
        Ok(())
    }

    /// One run of a clock: a bar from where it counts from to where it stopped, and a mark
    /// where it fires (red if it did).
    fn draw_clock_run(
        &self,
        chart: &mut Chart<'_, '_>,
        area: &Area<'_>,
        row: ClockRow,
        y: f64,
        run: &ClockRun,
        labels: &mut Labels,
    ) -> Drawn {
        let (_, length) = row.label(&self.t.options);
        let fired = run.fired;
        // The clock counts from `length` before its deadline; the recorder reported it from
        // the block ending at `first_seen` (a pause is known only once the speech end is
        // declared).
        let from = (run.deadline - length).max(0.0);
        let to = if fired { run.deadline } else { run.last_seen };
        let bar = |a: f64, b: f64, color: RGBAColor| {
            Rectangle::new([(a, y - 0.24), (b.min(self.end), y + 0.24)], color.filled())
        };
        chart.draw_series([
            bar(from, run.first_seen.min(to), CLOCK.mix(0.3)),
            bar(run.first_seen.min(to), to, CLOCK.mix(0.7)),
        ])?;
        let (color, text) = if fired {
            (FIRED, format!("fired at {:.2} s", run.deadline))
        } else {
            (CLOCK, format!("would fire at {:.2} s", run.deadline))
        };
        let shown = run.deadline.min(self.end);
        if !fired {
            chart.draw_series(DashedLineSeries::new(
                [(to, y), (shown, y)],
                4,
                4,
                CLOCK.stroke_width(2),
            ))?;
        }
        let (px, py) = chart.backend_coord(&(shown, y));
        if run.deadline <= self.end {
            chart.draw_series([Cross::new((run.deadline, y), 8, color.stroke_width(3))])?;
        }
        let text = if run.deadline > self.end {
            format!("{text} →")
        } else {
            text
        };
        let near_end = px > (WIDTH - RIGHT) as i32 - 220;
        let (x, h) = if near_end {
            (px - 6, HPos::Right)
        } else {
            (px + 12, HPos::Left)
        };
        let style = (FONT, 13).into_font().style(FontStyle::Bold).color(&color);
        labels.place(area, (x, py - 24), h, &[0, 34], &text, style)?;
        Ok(())
    }
}

/// Labels placed so far in a panel, so that the next one can be moved clear of them.
#[derive(Default)]
struct Labels {
    /// Their boxes in backend pixels: left, top, right, bottom.
    taken: Vec<(i32, i32, i32, i32)>,
}

impl Labels {
    /// Draws `text` with its top at `at` (its left or right end there, as `h` says), moved
    /// down by the first of `shifts` that keeps it clear of the labels already placed (the
    /// last one if none does).
    fn place(
        &mut self,
        area: &Area<'_>,
        at: (i32, i32),
        h: HPos,
        shifts: &[i32],
        text: &str,
        font: TextStyle<'_>,
    ) -> Drawn {
        let (w, height) = area.estimate_text_size(text, &font)?;
        let (w, height) = (w as i32, height as i32);
        let left = if matches!(h, HPos::Right) {
            at.0 - w
        } else {
            at.0
        };
        let boxed = |dy: i32| (left - 4, at.1 + dy, left + w + 4, at.1 + dy + height);
        let clear = |b: (i32, i32, i32, i32)| {
            self.taken
                .iter()
                .all(|t| b.2 <= t.0 || t.2 <= b.0 || b.3 <= t.1 || t.3 <= b.1)
        };
        let dy = shifts
            .iter()
            .copied()
            .find(|&dy| clear(boxed(dy)))
            .or(shifts.last().copied())
            .unwrap_or(0);
        self.taken.push(boxed(dy));
        let style = font.pos(Pos::new(HPos::Left, VPos::Top));
        text_at(area, (left, at.1 + dy), text, style)
    }
}

/// The outline of `samples` (at `hz`, starting at `from` seconds) as a polygon: the highest
/// and the lowest sample in each `column_s` seconds, within ±`top`.
fn outline(samples: &[i16], hz: f64, from: f64, column_s: f64, top: f64) -> Vec<(f64, f64)> {
    let per_column = (column_s * hz).max(1.0);
    let full_scale = |s: i16| (s as f64 / 32768.0).clamp(-top, top);
    let mut upper = Vec::new();
    let mut lower = Vec::new();
    let mut col = 0.0;
    loop {
        let (a, b) = (
            (col * per_column) as usize,
            ((col + 1.0) * per_column) as usize,
        );
        let Some(part) = samples
            .get(a..b.min(samples.len()))
            .filter(|p| !p.is_empty())
        else {
            break;
        };
        let t = from + a as f64 / hz;
        upper.push((t, full_scale(part.iter().copied().max().unwrap_or(0))));
        lower.push((t, full_scale(part.iter().copied().min().unwrap_or(0))));
        col += 1.0;
    }
    upper.extend(lower.into_iter().rev());
    upper
}

/// Draws `text` at backend pixel `at` in `area` (whose own coordinates start at its corner).
fn text_at(area: &Area<'_>, at: (i32, i32), text: &str, style: TextStyle<'_>) -> Drawn {
    let (x0, y0) = area.get_base_pixel();
    area.draw(&Text::new(text.to_string(), (at.0 - x0, at.1 - y0), style))?;
    Ok(())
}

/// A panel's title at the left of its header and its legend at the right.
fn header(area: &Area<'_>, title: &str, entries: &[(RGBAColor, String)]) -> Drawn {
    if title.is_empty() {
        return Ok(());
    }
    let bold = (FONT, 16).into_font().style(FontStyle::Bold).color(&BLACK);
    area.draw(&Text::new(title.to_string(), (LEFT as i32, 8), bold))?;
    let font = (FONT, 13).into_font().color(&BLACK);
    let mut x = area.dim_in_pixel().0 as i32 - RIGHT as i32;
    for (color, label) in entries.iter().rev() {
        let (w, _) = area.estimate_text_size(label, &font)?;
        x -= w as i32;
        area.draw(&Text::new(label.clone(), (x, 10), font.clone()))?;
        x -= 20;
        area.draw(&Rectangle::new([(x, 9), (x + 14, 22)], color.filled()))?;
        x -= 18;
    }
    Ok(())
}

/// Writes a clock's name in the label area left of the chart, level with `y`.
fn row_name(area: &Area<'_>, chart: &Chart<'_, '_>, y: f64, name: &str) -> Drawn {
    let (px, py) = chart.backend_coord(&(0.0, y));
    let style = (FONT, 14)
        .into_font()
        .color(&BLACK)
        .pos(Pos::new(HPos::Right, VPos::Center));
    text_at(area, (px - 10, py), name, style)
}

/// Writes a panel's name at the far left of its label area (left of its axis numbers),
/// level with `y`.
fn panel_name(area: &Area<'_>, chart: &Chart<'_, '_>, y: f64, name: &str) -> Drawn {
    let (_, py) = chart.backend_coord(&(0.0, y));
    let style = (FONT, 16)
        .into_font()
        .style(FontStyle::Bold)
        .color(&BLACK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    text_at(area, (area.get_base_pixel().0 + 10, py), name, style)
}
