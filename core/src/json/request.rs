//! Parses a recordResponse request body into [`Settings`], in `no_std` with fixed buffers.
//!
//! Every property Graph documents is read (plus the beta `streamWhileRecording`); `null`
//! counts as absent, and `@odata.type` annotations are accepted anywhere. Any other property
//! is an error that names it, as is a value of the wrong type.

use core::fmt::{self, Write};

use heapless::String;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::settings::{
    Parameter, Settings, SettingsError, CLIENT_CONTEXT_CAPACITY, RESOURCE_ID_CAPACITY,
    STOP_TONES_MAX, URI_CAPACITY,
};

/// Longest property path kept in an error message, in bytes.
pub const PATH_CAPACITY: usize = 96;

/// Why a request body was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestError {
    /// The body is not well-formed JSON, or a value has the wrong type.
    Json {
        /// What the JSON parser reported.
        error: serde_json_core::de::Error,
        /// The property being read when it failed, or the last one read before it (empty
        /// if none).
        at: String<PATH_CAPACITY>,
        /// Whether the failure is inside the value of `at` (otherwise it follows it).
        inside_value: bool,
    },
    /// A property Graph's recordResponse does not have.
    UnknownProperty {
        /// Its path, such as `maxDuration` or `prompts[0].mediaInfo.url`.
        path: String<PATH_CAPACITY>,
    },
    /// The body nests arrays and objects deeper than [`MAX_DEPTH`] (a recordResponse body
    /// needs four levels); it is refused before parsing, so no input can exhaust the stack.
    TooDeep,
    /// The body is well-formed but breaks one of Graph's rules.
    Invalid(SettingsError),
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestError::Json { error, at, .. } if at.is_empty() => {
                write!(f, "the request body is not valid JSON ({error})")
            }
            RequestError::Json {
                error,
                at,
                inside_value: true,
            } => write!(f, "invalid value for {at} ({error})"),
            RequestError::Json { error, at, .. } => {
                write!(f, "the request body is not valid JSON after {at} ({error})")
            }
            RequestError::UnknownProperty { path } => {
                write!(f, "{path} is not a recordResponse parameter")
            }
            RequestError::TooDeep => write!(
                f,
                "the request body nests arrays and objects deeper than {MAX_DEPTH} levels"
            ),
            RequestError::Invalid(e) => e.fmt(f),
        }
    }
}

impl From<SettingsError> for RequestError {
    fn from(e: SettingsError) -> Self {
        RequestError::Invalid(e)
    }
}

/// Deepest nesting of arrays and objects accepted in a request body.
pub const MAX_DEPTH: usize = 8;

/// Parses a recordResponse request body.
pub fn parse_request(body: &str) -> Result<Settings, RequestError> {
    if nests_deeper_than(body.as_bytes(), MAX_DEPTH) {
        return Err(RequestError::TooDeep);
    }
    let mut state = ParseState {
        settings: Settings::default(),
        at: String::new(),
        inside_value: false,
        problem: None,
    };
    let mut unescape = [0u8; CLIENT_CONTEXT_CAPACITY];
    let mut de = serde_json_core::de::Deserializer::new(body.as_bytes(), Some(&mut unescape));
    let parsed = BodySeed(&mut state)
        .deserialize(&mut de)
        .and_then(|()| de.end().map(|_| ()));
    if let Some(problem) = state.problem {
        return Err(problem);
    }
    if let Err(error) = parsed {
        return Err(RequestError::Json {
            error,
            at: state.at,
            inside_value: state.inside_value,
        });
    }
    state.settings.validate()?;
    Ok(state.settings)
}

/// Whether `[`/`{` nest deeper than `max` outside strings. The parser skips unknown values by
/// recursion, so the depth is bounded before it runs.
fn nests_deeper_than(body: &[u8], max: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in body {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// What the visitors fill in: the settings, the property being read (or last read), and a
/// problem found
/// that is not a JSON error (reported in preference to the JSON error it causes).
struct ParseState {
    settings: Settings,
    at: String<PATH_CAPACITY>,
    inside_value: bool,
    problem: Option<RequestError>,
}

impl ParseState {
    fn enter(&mut self, path: fmt::Arguments<'_>) {
        self.at.clear();
        self.inside_value = true;
        // A path longer than the buffer is cut short; it only labels messages.
        let _ = self.at.write_fmt(path);
    }

    fn fail<E: de::Error>(&mut self, problem: RequestError) -> E {
        self.problem = Some(problem);
        E::custom("request refused")
    }

    fn unknown<E: de::Error>(&mut self, path: fmt::Arguments<'_>) -> E {
        let mut p = String::new();
        let _ = p.write_fmt(path);
        self.fail(RequestError::UnknownProperty { path: p })
    }
}

/// Reads an object, handing each key to `on_key`.
fn read_object<'de, A: MapAccess<'de>>(
    mut map: A,
    mut on_key: impl FnMut(&str, &mut A) -> Result<(), A::Error>,
) -> Result<(), A::Error> {
    while let Some(key) = map.next_key::<String<PATH_CAPACITY>>()? {
        if key == "@odata.type" {
            map.next_value::<String<PATH_CAPACITY>>()?;
        } else {
            on_key(&key, &mut map)?;
        }
    }
    Ok(())
}

struct BodySeed<'s>(&'s mut ParseState);

impl<'de> DeserializeSeed<'de> for BodySeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_struct("recordResponse", &[], self)
    }
}

impl<'de> Visitor<'de> for BodySeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a recordResponse request object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let st = self.0;
        read_object(map, |key, map| {
            st.enter(format_args!("{key}"));
            let s = &mut st.settings;
            match key {
                "prompts" => {
                    map.next_value_seed(Nullable(PromptsSeed(st)))?;
                }
                "bargeInAllowed" => {
                    s.barge_in_allowed = map.next_value::<Option<bool>>()?.unwrap_or(false)
                }
                "playBeep" => s.play_beep = map.next_value::<Option<bool>>()?.unwrap_or(true),
                "streamWhileRecording" => {
                    s.stream_while_recording = map.next_value::<Option<bool>>()?.unwrap_or(false)
                }
                "initialSilenceTimeoutInSeconds" => {
                    if let Some(v) = map.next_value::<Option<i64>>()? {
                        s.initial_silence_timeout_s = v;
                    }
                }
                "maxSilenceTimeoutInSeconds" => {
                    if let Some(v) = map.next_value::<Option<i64>>()? {
                        s.max_silence_timeout_s = v;
                    }
                }
                "maxRecordDurationInSeconds" => {
                    if let Some(v) = map.next_value::<Option<i64>>()? {
                        s.max_record_duration_s = v;
                    }
                }
                "stopTones" => {
                    map.next_value_seed(Nullable(StopTonesSeed(st)))?;
                }
                "clientContext" => {
                    let v = map.next_value::<Option<String<CLIENT_CONTEXT_CAPACITY>>>()?;
                    if let Err(e) = s.set_client_context(v.as_deref().unwrap_or("")) {
                        return Err(st.fail(e.into()));
                    }
                }
                other => return Err(st.unknown(format_args!("{other}"))),
            }
            // What follows a value that was read is not that value's fault.
            st.inside_value = false;
            Ok(())
        })
    }
}

/// Reads `null` as absent (`None`) and anything else with the inner seed.
struct Nullable<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Nullable<S> {
    type Value = Option<S::Value>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for Nullable<S> {
    type Value = Option<S::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(d).map(Some)
    }
}

struct StopTonesSeed<'s>(&'s mut ParseState);

impl<'de> DeserializeSeed<'de> for StopTonesSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for StopTonesSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of keypad characters")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let st = self.0;
        let mut tones: heapless::Vec<String<8>, STOP_TONES_MAX> = heapless::Vec::new();
        let mut index = 0;
        loop {
            st.enter(format_args!("stopTones[{index}]"));
            let Some(tone) = seq.next_element::<String<8>>()? else {
                break;
            };
            if tones.push(tone).is_err() {
                return Err(st.fail(
                    SettingsError::TooManyStopTones {
                        max: STOP_TONES_MAX,
                    }
                    .into(),
                ));
            }
            index += 1;
        }
        if let Err(e) = st.settings.set_stop_tones(tones.iter().map(|t| t.as_str())) {
            return Err(st.fail(e.into()));
        }
        Ok(())
    }
}

struct PromptsSeed<'s>(&'s mut ParseState);

impl<'de> DeserializeSeed<'de> for PromptsSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for PromptsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of at most one mediaPrompt")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let st = self.0;
        st.enter(format_args!("prompts[0]"));
        if seq.next_element_seed(PromptSeed(st))?.is_none() {
            return Ok(());
        }
        let mut count = 1;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            count += 1;
        }
        if count > 1 {
            return Err(st.fail(SettingsError::TooManyPrompts { count }.into()));
        }
        Ok(())
    }
}

struct PromptSeed<'s>(&'s mut ParseState);

impl<'de> DeserializeSeed<'de> for PromptSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_struct("mediaPrompt", &[], self)
    }
}

impl<'de> Visitor<'de> for PromptSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mediaPrompt object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let st = self.0;
        let mut info: Option<MediaInfo> = None;
        read_object(map, |key, map| {
            match key {
                "mediaInfo" => {
                    st.enter(format_args!("prompts[0].mediaInfo"));
                    info = map.next_value_seed(Nullable(MediaInfoSeed(st)))?;
                }
                // Beta: how many times to play the prompt. recresp plays it once.
                "loop" => {
                    st.enter(format_args!("prompts[0].loop"));
                    map.next_value::<Option<i64>>()?;
                }
                other => return Err(st.unknown(format_args!("prompts[0].{other}"))),
            }
            // What follows a value that was read is not that value's fault.
            st.inside_value = false;
            Ok(())
        })?;
        let Some(info) = info else {
            return Err(st.fail(
                SettingsError::Missing {
                    parameter: Parameter::MediaInfo,
                }
                .into(),
            ));
        };
        let Some(uri) = info.uri else {
            return Err(st.fail(
                SettingsError::Missing {
                    parameter: Parameter::Uri,
                }
                .into(),
            ));
        };
        if let Err(e) = st.settings.set_prompt(&uri, info.resource_id.as_deref()) {
            return Err(st.fail(e.into()));
        }
        Ok(())
    }
}

#[derive(Default)]
struct MediaInfo {
    uri: Option<String<URI_CAPACITY>>,
    resource_id: Option<String<RESOURCE_ID_CAPACITY>>,
}

struct MediaInfoSeed<'s>(&'s mut ParseState);

impl<'de> DeserializeSeed<'de> for MediaInfoSeed<'_> {
    type Value = MediaInfo;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_struct("mediaInfo", &[], self)
    }
}

impl<'de> Visitor<'de> for MediaInfoSeed<'_> {
    type Value = MediaInfo;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mediaInfo object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let st = self.0;
        let mut info = MediaInfo::default();
        read_object(map, |key, map| {
            match key {
                "uri" => {
                    st.enter(format_args!("prompts[0].mediaInfo.uri"));
                    info.uri = map.next_value()?;
                }
                "resourceId" => {
                    st.enter(format_args!("prompts[0].mediaInfo.resourceId"));
                    info.resource_id = map.next_value()?;
                }
                other => return Err(st.unknown(format_args!("prompts[0].mediaInfo.{other}"))),
            }
            // What follows a value that was read is not that value's fault.
            st.inside_value = false;
            Ok(())
        })?;
        Ok(info)
    }
}
