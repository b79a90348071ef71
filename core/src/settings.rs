//! A recordResponse request's parameters, with Graph's defaults and limits, and their
//! validation into the plain numbers the recorder runs on ([`RecordOptions`]).
//!
//! [`Settings`] holds what a request says (including its strings) and recresp's own
//! extensions (not in Graph, set by the host); [`Settings::validate`] checks every rule, of
//! Graph and of the extensions, and returns [`RecordOptions`], which is small and `Copy`.

use core::fmt;

use heapless::String;

use crate::digit::{Digit, DigitSet};
use crate::limits::*;

/// The request parameters, by their Graph names, for error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Parameter {
    /// `prompts`
    Prompts,
    /// `prompts[0].mediaInfo`
    MediaInfo,
    /// `prompts[0].mediaInfo.uri`
    Uri,
    /// `prompts[0].mediaInfo.resourceId`
    ResourceId,
    /// `bargeInAllowed`
    BargeInAllowed,
    /// `initialSilenceTimeoutInSeconds`
    InitialSilenceTimeout,
    /// `maxSilenceTimeoutInSeconds`
    MaxSilenceTimeout,
    /// `maxRecordDurationInSeconds`
    MaxRecordDuration,
    /// `playBeep`
    PlayBeep,
    /// `stopTones`
    StopTones,
    /// `clientContext`
    ClientContext,
    /// `streamWhileRecording`
    StreamWhileRecording,
    /// recresp extension: the trailing guard kept when trimming silence (no Graph name).
    TrailingGuard,
    /// recresp extension: the media timeout (no Graph name).
    MediaTimeout,
}

impl Parameter {
    /// The parameter's name in Graph's JSON.
    pub const fn name(self) -> &'static str {
        match self {
            Parameter::Prompts => "prompts",
            Parameter::MediaInfo => "prompts[0].mediaInfo",
            Parameter::Uri => "prompts[0].mediaInfo.uri",
            Parameter::ResourceId => "prompts[0].mediaInfo.resourceId",
            Parameter::BargeInAllowed => "bargeInAllowed",
            Parameter::InitialSilenceTimeout => "initialSilenceTimeoutInSeconds",
            Parameter::MaxSilenceTimeout => "maxSilenceTimeoutInSeconds",
            Parameter::MaxRecordDuration => "maxRecordDurationInSeconds",
            Parameter::PlayBeep => "playBeep",
            Parameter::StopTones => "stopTones",
            Parameter::ClientContext => "clientContext",
            Parameter::StreamWhileRecording => "streamWhileRecording",
            Parameter::TrailingGuard => "the trailing guard",
            Parameter::MediaTimeout => "the media timeout",
        }
    }

    /// The allowed range and its unit, for the parameters that have one.
    const fn range(self) -> (i64, i64, &'static str) {
        match self {
            Parameter::TrailingGuard => (0, TRAILING_GUARD_MAX_MS as i64, "ms"),
            Parameter::MediaTimeout => (
                MEDIA_TIMEOUT_MIN_MS as i64,
                MEDIA_TIMEOUT_MAX_MS as i64,
                "ms",
            ),
            _ => (TIMEOUT_MIN_S as i64, TIMEOUT_MAX_S as i64, "seconds"),
        }
    }
}

/// A rule a request broke. Each names the parameter; `Display` gives a one-line message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum SettingsError {
    /// A value outside its range (1–120 seconds for Graph's timeouts).
    OutOfRange {
        /// Which value.
        parameter: Parameter,
        /// The value given.
        value: i64,
    },
    /// More than one prompt (Graph takes at most one).
    TooManyPrompts {
        /// How many were given.
        count: usize,
    },
    /// A required value is missing (a prompt without `mediaInfo` or without `uri`).
    Missing {
        /// What is missing.
        parameter: Parameter,
    },
    /// A stop tone that is not one keypad character (`0`–`9`, `*`, `#`, `A`–`D`).
    InvalidStopTone {
        /// Its position in `stopTones`.
        index: usize,
    },
    /// More `stopTones` entries than recresp reads.
    TooManyStopTones {
        /// The most recresp reads.
        max: usize,
    },
    /// A string longer than its limit.
    TooLong {
        /// Which string.
        parameter: Parameter,
        /// The limit (characters for `clientContext`, bytes otherwise).
        max: usize,
    },
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            SettingsError::OutOfRange { parameter, value } => {
                let (min, max, unit) = parameter.range();
                write!(
                    f,
                    "{} must be between {min} and {max} {unit} (got {value})",
                    parameter.name(),
                )
            }
            SettingsError::TooManyPrompts { count } => {
                write!(f, "prompts may hold at most 1 mediaPrompt (got {count})")
            }
            SettingsError::Missing { parameter } => {
                write!(f, "{} is required", parameter.name())
            }
            SettingsError::InvalidStopTone { index } => {
                write!(f, "stopTones[{index}] must be one of 0-9, *, #, A-D")
            }
            SettingsError::TooManyStopTones { max } => {
                write!(f, "stopTones may hold at most {max} entries")
            }
            SettingsError::TooLong { parameter, max } => {
                let unit = if parameter == Parameter::ClientContext {
                    "characters"
                } else {
                    "bytes"
                };
                write!(f, "{} must be at most {max} {unit}", parameter.name())
            }
        }
    }
}

impl core::error::Error for SettingsError {}

/// The prompt of a request: Graph's `mediaPrompt` with its `mediaInfo`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MediaPrompt {
    /// `mediaInfo.uri`: where the prompt's WAV is.
    pub uri: String<URI_CAPACITY>,
    /// `mediaInfo.resourceId`: optional cache key.
    pub resource_id: Option<String<RESOURCE_ID_CAPACITY>>,
}

/// Everything a recordResponse request says, as given. Start from [`Settings::default`]
/// (Graph's defaults), change fields, then [`Settings::validate`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// `prompts`: the prompt to play first, if any.
    pub prompt: Option<MediaPrompt>,
    /// `bargeInAllowed` (default false): displace queued and running media operations.
    pub barge_in_allowed: bool,
    /// `initialSilenceTimeoutInSeconds` (default 5, 1–120).
    pub initial_silence_timeout_s: i64,
    /// `maxSilenceTimeoutInSeconds` (default 5, 1–120).
    pub max_silence_timeout_s: i64,
    /// `maxRecordDurationInSeconds` (default 5, 1–120).
    pub max_record_duration_s: i64,
    /// `playBeep` (default true).
    pub play_beep: bool,
    /// `stopTones`: keys that end the recording.
    pub stop_tones: DigitSet,
    /// `clientContext` (at most 256 characters).
    pub client_context: String<CLIENT_CONTEXT_CAPACITY>,
    /// Beta `streamWhileRecording` (default false). Accepted and echoed; recresp always
    /// hands captured audio to the host as it goes.
    pub stream_while_recording: bool,
    /// recresp extension (not in the request body): when the recording ends on max silence,
    /// keep only `trailing_guard_ms` of the trailing silence (default false: keep it all).
    pub trim_trailing_silence: bool,
    /// recresp extension: silence kept after the last speech when trimming (default 300 ms,
    /// 0–[`TRAILING_GUARD_MAX_MS`]).
    pub trailing_guard_ms: u32,
    /// recresp extension: this much lost media in a row ends the operation with
    /// `mediaReceiveTimeout` (default 5000 ms,
    /// [`MEDIA_TIMEOUT_MIN_MS`]–[`MEDIA_TIMEOUT_MAX_MS`]).
    pub media_timeout_ms: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings::new()
    }
}

impl Settings {
    /// Graph's defaults, as [`Settings::default`]; `const`, so settings can be the initial
    /// value of a `static` (built in place, never on the stack).
    pub const fn new() -> Self {
        Settings {
            prompt: None,
            barge_in_allowed: false,
            initial_silence_timeout_s: TIMEOUT_DEFAULT_S as i64,
            max_silence_timeout_s: TIMEOUT_DEFAULT_S as i64,
            max_record_duration_s: TIMEOUT_DEFAULT_S as i64,
            play_beep: true,
            stop_tones: DigitSet::EMPTY,
            client_context: String::new(),
            stream_while_recording: false,
            trim_trailing_silence: false,
            trailing_guard_ms: TRAILING_GUARD_DEFAULT_MS,
            media_timeout_ms: MEDIA_TIMEOUT_DEFAULT_MS,
        }
    }

    /// Puts every request parameter back to Graph's default, in place; recresp's extensions
    /// are kept.
    pub fn reset_request(&mut self) {
        self.prompt = None;
        self.barge_in_allowed = false;
        self.initial_silence_timeout_s = TIMEOUT_DEFAULT_S as i64;
        self.max_silence_timeout_s = TIMEOUT_DEFAULT_S as i64;
        self.max_record_duration_s = TIMEOUT_DEFAULT_S as i64;
        self.play_beep = true;
        self.stop_tones = DigitSet::EMPTY;
        self.client_context.clear();
        self.stream_while_recording = false;
    }

    /// recresp extension: trim the trailing silence of a recording that ends on max silence
    /// to `guard_ms` (0–[`TRAILING_GUARD_MAX_MS`]), or keep it all (`enabled` false).
    pub fn set_trim_trailing_silence(
        &mut self,
        enabled: bool,
        guard_ms: u32,
    ) -> Result<(), SettingsError> {
        check_range(Parameter::TrailingGuard, guard_ms as i64)?;
        self.trim_trailing_silence = enabled;
        self.trailing_guard_ms = guard_ms;
        Ok(())
    }

    /// recresp extension: the lost-media time that ends the operation with
    /// `mediaReceiveTimeout` ([`MEDIA_TIMEOUT_MIN_MS`]–[`MEDIA_TIMEOUT_MAX_MS`]).
    pub fn set_media_timeout_ms(&mut self, ms: u32) -> Result<(), SettingsError> {
        check_range(Parameter::MediaTimeout, ms as i64)?;
        self.media_timeout_ms = ms;
        Ok(())
    }

    /// Sets `stopTones` from Graph's strings; each must be one keypad character.
    pub fn set_stop_tones<'a>(
        &mut self,
        tones: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), SettingsError> {
        let mut set = DigitSet::EMPTY;
        for (index, tone) in tones.into_iter().enumerate() {
            if index >= STOP_TONES_MAX {
                return Err(SettingsError::TooManyStopTones {
                    max: STOP_TONES_MAX,
                });
            }
            set = set.with(parse_stop_tone(tone).ok_or(SettingsError::InvalidStopTone { index })?);
        }
        self.stop_tones = set;
        Ok(())
    }

    /// Sets `clientContext`, checking its length.
    pub fn set_client_context(&mut self, s: &str) -> Result<(), SettingsError> {
        let too_long = SettingsError::TooLong {
            parameter: Parameter::ClientContext,
            max: CLIENT_CONTEXT_MAX_CHARS,
        };
        if s.chars().count() > CLIENT_CONTEXT_MAX_CHARS {
            return Err(too_long);
        }
        self.client_context = String::try_from(s).map_err(|_| too_long)?;
        Ok(())
    }

    /// Sets the prompt's `mediaInfo`, checking the string lengths.
    pub fn set_prompt(
        &mut self,
        uri: &str,
        resource_id: Option<&str>,
    ) -> Result<(), SettingsError> {
        let uri = String::try_from(uri).map_err(|_| SettingsError::TooLong {
            parameter: Parameter::Uri,
            max: URI_CAPACITY,
        })?;
        let resource_id = match resource_id {
            Some(r) => Some(String::try_from(r).map_err(|_| SettingsError::TooLong {
                parameter: Parameter::ResourceId,
                max: RESOURCE_ID_CAPACITY,
            })?),
            None => None,
        };
        self.prompt = Some(MediaPrompt { uri, resource_id });
        Ok(())
    }

    /// Checks every rule, Graph's and the extensions', and returns what the recorder runs on.
    pub fn validate(&self) -> Result<RecordOptions, SettingsError> {
        let seconds = |parameter, value: i64| check_range(parameter, value).map(|v| v as u32);
        if let Some(p) = &self.prompt {
            if p.uri.is_empty() {
                return Err(SettingsError::Missing {
                    parameter: Parameter::Uri,
                });
            }
        }
        if self.client_context.chars().count() > CLIENT_CONTEXT_MAX_CHARS {
            return Err(SettingsError::TooLong {
                parameter: Parameter::ClientContext,
                max: CLIENT_CONTEXT_MAX_CHARS,
            });
        }
        Ok(RecordOptions {
            initial_silence_timeout_s: seconds(
                Parameter::InitialSilenceTimeout,
                self.initial_silence_timeout_s,
            )?,
            max_silence_timeout_s: seconds(
                Parameter::MaxSilenceTimeout,
                self.max_silence_timeout_s,
            )?,
            max_record_duration_s: seconds(
                Parameter::MaxRecordDuration,
                self.max_record_duration_s,
            )?,
            play_beep: self.play_beep,
            barge_in_allowed: self.barge_in_allowed,
            stop_tones: self.stop_tones,
            trim_trailing_silence: self.trim_trailing_silence,
            trailing_guard_ms: check_range(Parameter::TrailingGuard, self.trailing_guard_ms as i64)?
                as u32,
            media_timeout_ms: check_range(Parameter::MediaTimeout, self.media_timeout_ms as i64)?
                as u32,
        })
    }
}

/// `value` if it is in `parameter`'s range.
fn check_range(parameter: Parameter, value: i64) -> Result<i64, SettingsError> {
    let (min, max, _) = parameter.range();
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(SettingsError::OutOfRange { parameter, value })
    }
}

/// A Graph stop tone: exactly one keypad character.
pub(crate) fn parse_stop_tone(s: &str) -> Option<Digit> {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Digit::from_char(c),
        _ => None,
    }
}

/// What the recorder runs on: validated timeouts and switches, plus recresp's extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct RecordOptions {
    /// No speech this long after the beep fails the operation (1–120 s).
    pub initial_silence_timeout_s: u32,
    /// A pause this long after speech ends the recording (1–120 s).
    pub max_silence_timeout_s: u32,
    /// The recording is cut at this length (1–120 s).
    pub max_record_duration_s: u32,
    /// Play the beep before recording.
    pub play_beep: bool,
    /// Displace queued and running media operations.
    pub barge_in_allowed: bool,
    /// Keys that end the recording.
    pub stop_tones: DigitSet,
    /// recresp extension: when the recording ends on max silence, keep only
    /// [`RecordOptions::trailing_guard_ms`] of the trailing silence (default false: keep it all).
    pub trim_trailing_silence: bool,
    /// recresp extension: silence kept after the last speech when trimming (default 300 ms).
    pub trailing_guard_ms: u32,
    /// recresp extension: this much lost media in a row ends the operation with
    /// `mediaReceiveTimeout` (default 5000 ms).
    pub media_timeout_ms: u32,
}

impl Default for RecordOptions {
    fn default() -> Self {
        RecordOptions {
            initial_silence_timeout_s: TIMEOUT_DEFAULT_S as u32,
            max_silence_timeout_s: TIMEOUT_DEFAULT_S as u32,
            max_record_duration_s: TIMEOUT_DEFAULT_S as u32,
            play_beep: true,
            barge_in_allowed: false,
            stop_tones: DigitSet::EMPTY,
            trim_trailing_silence: false,
            trailing_guard_ms: TRAILING_GUARD_DEFAULT_MS,
            media_timeout_ms: MEDIA_TIMEOUT_DEFAULT_MS,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Settings::new` can initialise a `static`, and is what `Default` gives.
    static CONST_SETTINGS: Settings = Settings::new();

    #[test]
    fn the_const_constructor_gives_graphs_defaults() {
        assert_eq!(CONST_SETTINGS, Settings::default());
        let mut s = Settings::new();
        s.play_beep = false;
        s.client_context.push_str("ctx").unwrap();
        s.reset_request();
        assert_eq!(s, CONST_SETTINGS);
    }

    #[test]
    fn defaults_are_graphs() {
        let o = Settings::default().validate().unwrap();
        assert_eq!(o.initial_silence_timeout_s, 5);
        assert_eq!(o.max_silence_timeout_s, 5);
        assert_eq!(o.max_record_duration_s, 5);
        assert!(o.play_beep);
        assert!(!o.barge_in_allowed);
        assert!(o.stop_tones.is_empty());
    }

    #[test]
    fn each_timeout_is_checked_at_both_ends() {
        type Field = fn(&mut Settings) -> &mut i64;
        let fields: [(Parameter, Field); 3] = [
            (Parameter::InitialSilenceTimeout, |s| {
                &mut s.initial_silence_timeout_s
            }),
            (Parameter::MaxSilenceTimeout, |s| {
                &mut s.max_silence_timeout_s
            }),
            (Parameter::MaxRecordDuration, |s| {
                &mut s.max_record_duration_s
            }),
        ];
        for (parameter, field) in fields {
            for (value, ok) in [
                (0, false),
                (1, true),
                (120, true),
                (121, false),
                (-5, false),
            ] {
                let mut s = Settings::default();
                *field(&mut s) = value;
                let r = s.validate();
                if ok {
                    assert!(r.is_ok(), "{parameter:?}={value}");
                } else {
                    assert_eq!(r, Err(SettingsError::OutOfRange { parameter, value }));
                }
            }
        }
    }

    #[test]
    fn stop_tones_are_single_keypad_characters() {
        let mut s = Settings::default();
        s.set_stop_tones(["#", "1", "*", "D"]).unwrap();
        assert!(s.stop_tones.contains(Digit::Pound) && s.stop_tones.contains(Digit::D));
        assert_eq!(
            s.set_stop_tones(["#", "11"]),
            Err(SettingsError::InvalidStopTone { index: 1 })
        );
        assert_eq!(
            s.set_stop_tones(["pound"]),
            Err(SettingsError::InvalidStopTone { index: 0 })
        );
        assert_eq!(
            s.set_stop_tones([""]),
            Err(SettingsError::InvalidStopTone { index: 0 })
        );
        assert_eq!(
            s.set_stop_tones(["1"; 17]),
            Err(SettingsError::TooManyStopTones { max: 16 })
        );
    }

    #[test]
    fn client_context_counts_characters() {
        let mut s = Settings::default();
        let ok: std::string::String = "é".repeat(256);
        assert!(s.set_client_context(&ok).is_ok());
        let long: std::string::String = "a".repeat(257);
        assert_eq!(
            s.set_client_context(&long),
            Err(SettingsError::TooLong {
                parameter: Parameter::ClientContext,
                max: 256
            })
        );
    }

    #[test]
    fn prompt_needs_a_uri() {
        let mut s = Settings::default();
        s.set_prompt("", None).unwrap();
        assert_eq!(
            s.validate(),
            Err(SettingsError::Missing {
                parameter: Parameter::Uri
            })
        );
    }

    #[test]
    fn extensions_are_checked_and_reach_the_options() {
        let mut s = Settings::default();
        let o = s.validate().unwrap();
        assert_eq!(
            (
                o.trim_trailing_silence,
                o.trailing_guard_ms,
                o.media_timeout_ms
            ),
            (false, 300, 5000)
        );
        s.set_trim_trailing_silence(true, 0).unwrap();
        s.set_media_timeout_ms(20).unwrap();
        let o = s.validate().unwrap();
        assert_eq!(
            (
                o.trim_trailing_silence,
                o.trailing_guard_ms,
                o.media_timeout_ms
            ),
            (true, 0, 20)
        );
        assert_eq!(
            s.set_trim_trailing_silence(false, 10_001),
            Err(SettingsError::OutOfRange {
                parameter: Parameter::TrailingGuard,
                value: 10_001
            })
        );
        assert_eq!(
            s.set_media_timeout_ms(19),
            Err(SettingsError::OutOfRange {
                parameter: Parameter::MediaTimeout,
                value: 19
            })
        );
        assert_eq!(s.media_timeout_ms, 20, "a refused value changes nothing");
        assert!(s.set_media_timeout_ms(120_001).is_err());
        // The fields are public: validate checks them too.
        s.media_timeout_ms = 0;
        assert_eq!(
            s.validate().unwrap_err().to_string(),
            "the media timeout must be between 20 and 120000 ms (got 0)"
        );
        // Resetting the request keeps the extensions.
        s.media_timeout_ms = 700;
        s.play_beep = false;
        s.reset_request();
        assert!(s.play_beep && s.trim_trailing_silence);
        assert_eq!(s.media_timeout_ms, 700);
    }

    #[test]
    fn messages_name_the_parameter() {
        let e = SettingsError::OutOfRange {
            parameter: Parameter::MaxRecordDuration,
            value: 0,
        };
        assert_eq!(
            e.to_string(),
            "maxRecordDurationInSeconds must be between 1 and 120 seconds (got 0)"
        );
    }
}
