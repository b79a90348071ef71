//! Parses a recordResponse request body into [`Settings`] and the [`RecordOptions`] the
//! recorder runs on, in `no_std` with fixed buffers.
//!
//! The body is first checked as a whole by the strict validator ([`super::scan`]): UTF-8,
//! RFC 8259 syntax, nesting at most [`MAX_DEPTH`], at most [`REQUEST_MAX_LEN`] bytes. Then
//! one pass reads it straight into the settings' own buffers (no intermediate copies, no
//! recursion), so the parse needs little stack. Every property Graph documents is read (plus
//! the beta `streamWhileRecording` and `prompts[].loop`); `null` counts as absent, and
//! `@odata.type` annotations (strings) are accepted on every object. Any other property is
//! an error that names it, as is a value of the wrong type.

use core::fmt::{self, Write};

use heapless::String;

use super::scan::{validate, Fill, JsonError, JsonErrorKind, Reader, Skip};
use crate::limits::{CLIENT_CONTEXT_MAX_CHARS, RESOURCE_ID_CAPACITY, STOP_TONES_MAX, URI_CAPACITY};
use crate::settings::{parse_stop_tone, Parameter, RecordOptions, Settings, SettingsError};

/// Longest property path kept in an error message, in bytes.
pub const PATH_CAPACITY: usize = 64;

/// Deepest nesting of arrays and objects accepted in a request body (Graph's shapes need
/// four levels).
pub const MAX_DEPTH: usize = 8;

/// Largest request body accepted, in bytes. A body with every property at its limit and
/// every character escaped (`\uXXXX`, surrogate pairs for characters outside the BMP) takes
/// about 11 KB; the rest is room for whitespace and annotations.
pub const REQUEST_MAX_LEN: usize = 16 * 1024;

/// Longest member name compared against Graph's names; longer ones are unknown properties.
const NAME_CAPACITY: usize = 48;

/// Why a request body was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestError {
    /// The body is not UTF-8 or not well-formed JSON (RFC 8259).
    Json(JsonError),
    /// The body is longer than [`REQUEST_MAX_LEN`].
    TooLarge {
        /// Its length in bytes.
        len: usize,
    },
    /// The body nests arrays and objects deeper than [`MAX_DEPTH`].
    TooDeep,
    /// A value of the wrong type.
    WrongType {
        /// Where, such as `playBeep` or `stopTones[1]`.
        path: String<PATH_CAPACITY>,
        /// What it must be, such as "a boolean".
        expected: &'static str,
    },
    /// A property Graph's recordResponse does not have.
    UnknownProperty {
        /// Its path, such as `maxDuration` or `prompts[0].mediaInfo.url`.
        path: String<PATH_CAPACITY>,
    },
    /// The body is well-formed but breaks one of Graph's rules.
    Invalid(SettingsError),
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestError::Json(e) if e.kind == JsonErrorKind::NotUtf8 => write!(
                f,
                "the request body is not valid UTF-8 (at byte {})",
                e.offset
            ),
            RequestError::Json(e) => write!(f, "the request body is not valid JSON ({e})"),
            RequestError::TooLarge { len } => write!(
                f,
                "the request body is {len} bytes; at most {REQUEST_MAX_LEN} are accepted"
            ),
            RequestError::TooDeep => write!(
                f,
                "the request body nests arrays and objects deeper than {MAX_DEPTH} levels"
            ),
            RequestError::WrongType { path, expected } => {
                write!(f, "invalid value for {path} (expected {expected})")
            }
            RequestError::UnknownProperty { path } => {
                write!(f, "{path} is not a recordResponse parameter")
            }
            RequestError::Invalid(e) => e.fmt(f),
        }
    }
}

impl core::error::Error for RequestError {}

impl From<SettingsError> for RequestError {
    fn from(e: SettingsError) -> Self {
        RequestError::Invalid(e)
    }
}

impl From<JsonError> for RequestError {
    fn from(e: JsonError) -> Self {
        match e.kind {
            JsonErrorKind::TooDeep => RequestError::TooDeep,
            _ => RequestError::Json(e),
        }
    }
}

/// A validated request: what it says, and what the recorder runs on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The request's parameters (with its strings), and recresp's extensions at their
    /// defaults.
    pub settings: Settings,
    /// What [`Settings::validate`] made of them: pass to `Recorder::start`.
    pub options: RecordOptions,
}

/// Parses and validates a recordResponse request body (`&str`, `&[u8]`, ...): syntax, types,
/// property names and every rule of Graph.
pub fn parse_request<B: AsRef<[u8]> + ?Sized>(body: &B) -> Result<Request, RequestError> {
    let mut settings = Settings::default();
    let options = parse_request_into(body, &mut settings)?;
    Ok(Request { settings, options })
}

/// [`parse_request`] into existing settings, in place: the request's parameters are reset
/// to Graph's defaults and filled from `body`; recresp's extensions in `settings` are kept
/// and checked too. Returns what the recorder runs on. On `Err`, `settings` may hold part
/// of the body.
pub fn parse_request_into<B: AsRef<[u8]> + ?Sized>(
    body: &B,
    settings: &mut Settings,
) -> Result<RecordOptions, RequestError> {
    let body = body.as_ref();
    if body.len() > REQUEST_MAX_LEN {
        return Err(RequestError::TooLarge { len: body.len() });
    }
    let text = validate(body, MAX_DEPTH)?;
    settings.reset_request();
    let mut r = Reader::new(text);
    r.ws();
    read_body(&mut r, settings)?;
    Ok(settings.validate()?)
}

/// A path for an error message, cut short if longer than [`PATH_CAPACITY`].
fn path(args: fmt::Arguments<'_>) -> String<PATH_CAPACITY> {
    let mut p = String::new();
    let _ = p.write_fmt(args);
    p
}

fn wrong_type(at: fmt::Arguments<'_>, expected: &'static str) -> RequestError {
    RequestError::WrongType {
        path: path(at),
        expected,
    }
}

/// Reads an object (the reader is at a value): for each member other than `@odata.type`,
/// `on_member` gets the reader (at the value, which it must read) and the name. Names longer
/// than `NAME_CAPACITY` come cut short, with `true`.
fn read_object(
    r: &mut Reader<'_>,
    at: &str,
    mut on_member: impl FnMut(&mut Reader<'_>, &str, bool) -> Result<(), RequestError>,
) -> Result<(), RequestError> {
    if r.peek() != Some(b'{') {
        return Err(wrong_type(format_args!("{at}"), "an object"));
    }
    if r.open_is_empty(b'}') {
        return Ok(());
    }
    let mut name = String::<NAME_CAPACITY>::new();
    loop {
        let mut fill = Fill::new(&mut name);
        r.member_name(&mut fill)?;
        let cut = fill.overflow;
        if !cut && name == "@odata.type" {
            if r.peek() != Some(b'"') {
                let dot = if at.is_empty() { "" } else { "." };
                return Err(wrong_type(format_args!("{at}{dot}@odata.type"), "a string"));
            }
            r.string(&mut Skip)?;
        } else {
            on_member(r, &name, cut)?;
        }
        if !r.more(b'}')? {
            return Ok(());
        }
    }
}

/// Reads an array (the reader is at a value), calling `on_element` with each element's index.
fn read_array(
    r: &mut Reader<'_>,
    at: &str,
    expected: &'static str,
    mut on_element: impl FnMut(&mut Reader<'_>, usize) -> Result<(), RequestError>,
) -> Result<(), RequestError> {
    if r.peek() != Some(b'[') {
        return Err(wrong_type(format_args!("{at}"), expected));
    }
    if r.open_is_empty(b']') {
        return Ok(());
    }
    let mut index = 0;
    loop {
        on_element(r, index)?;
        index += 1;
        if !r.more(b']')? {
            return Ok(());
        }
    }
}

/// `true`/`false`, or `None` for `null`.
fn read_bool(r: &mut Reader<'_>, at: &str) -> Result<Option<bool>, RequestError> {
    match r.peek() {
        Some(b't') => r.literal("true").map(|()| Some(true)),
        Some(b'f') => r.literal("false").map(|()| Some(false)),
        Some(b'n') => r.literal("null").map(|()| None),
        _ => return Err(wrong_type(format_args!("{at}"), "true or false")),
    }
    .map_err(RequestError::from)
}

/// An integer, or `None` for `null`.
fn read_int(r: &mut Reader<'_>, at: &str) -> Result<Option<i64>, RequestError> {
    if r.null()? {
        return Ok(None);
    }
    let expected = "an integer";
    if !matches!(r.peek(), Some(b'-' | b'0'..=b'9')) {
        return Err(wrong_type(format_args!("{at}"), expected));
    }
    match r.number()?.int {
        Some(v) => Ok(Some(v)),
        None => Err(wrong_type(format_args!("{at}"), expected)),
    }
}

/// A string into `out`, or `Ok(false)` for `null` (then `out` is left alone). A string
/// longer than `out` is [`SettingsError::TooLong`] for `parameter`, with `max`.
fn read_string<const N: usize>(
    r: &mut Reader<'_>,
    out: &mut String<N>,
    parameter: Parameter,
    max: usize,
) -> Result<bool, RequestError> {
    if r.null()? {
        return Ok(false);
    }
    if r.peek() != Some(b'"') {
        return Err(wrong_type(format_args!("{}", parameter.name()), "a string"));
    }
    let mut fill = Fill::new(out);
    r.string(&mut fill)?;
    if fill.overflow {
        return Err(SettingsError::TooLong { parameter, max }.into());
    }
    Ok(true)
}

fn unknown(at: fmt::Arguments<'_>) -> RequestError {
    RequestError::UnknownProperty { path: path(at) }
}

/// The name as given, marked when it was cut short.
struct Name<'a>(&'a str, bool);

impl fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)?;
        if self.1 {
            f.write_str("...")?;
        }
        Ok(())
    }
}

fn read_body(r: &mut Reader<'_>, s: &mut Settings) -> Result<(), RequestError> {
    if r.peek() != Some(b'{') {
        return Err(RequestError::WrongType {
            path: path(format_args!("the request body")),
            expected: "an object",
        });
    }
    read_object(r, "", |r, name, cut| {
        if cut {
            return Err(unknown(format_args!("{}", Name(name, cut))));
        }
        match name {
            "prompts" => read_prompts(r, s)?,
            "bargeInAllowed" => s.barge_in_allowed = read_bool(r, name)?.unwrap_or(false),
            "playBeep" => s.play_beep = read_bool(r, name)?.unwrap_or(true),
            "streamWhileRecording" => {
                s.stream_while_recording = read_bool(r, name)?.unwrap_or(false)
            }
            "initialSilenceTimeoutInSeconds" => {
                if let Some(v) = read_int(r, name)? {
                    s.initial_silence_timeout_s = v;
                }
            }
            "maxSilenceTimeoutInSeconds" => {
                if let Some(v) = read_int(r, name)? {
                    s.max_silence_timeout_s = v;
                }
            }
            "maxRecordDurationInSeconds" => {
                if let Some(v) = read_int(r, name)? {
                    s.max_record_duration_s = v;
                }
            }
            "stopTones" => read_stop_tones(r, s)?,
            "clientContext" => {
                if !read_string(
                    r,
                    &mut s.client_context,
                    Parameter::ClientContext,
                    CLIENT_CONTEXT_MAX_CHARS,
                )? {
                    s.client_context.clear();
                }
                if s.client_context.chars().count() > CLIENT_CONTEXT_MAX_CHARS {
                    return Err(SettingsError::TooLong {
                        parameter: Parameter::ClientContext,
                        max: CLIENT_CONTEXT_MAX_CHARS,
                    }
                    .into());
                }
            }
            other => return Err(unknown(format_args!("{other}"))),
        }
        Ok(())
    })
}

fn read_stop_tones(r: &mut Reader<'_>, s: &mut Settings) -> Result<(), RequestError> {
    s.stop_tones = crate::digit::DigitSet::EMPTY;
    if r.null()? {
        return Ok(());
    }
    let mut set = crate::digit::DigitSet::EMPTY;
    read_array(r, "stopTones", "an array of strings", |r, index| {
        if r.peek() != Some(b'"') {
            return Err(wrong_type(format_args!("stopTones[{index}]"), "a string"));
        }
        if index >= STOP_TONES_MAX {
            return Err(SettingsError::TooManyStopTones {
                max: STOP_TONES_MAX,
            }
            .into());
        }
        let mut tone = String::<8>::new();
        let mut fill = Fill::new(&mut tone);
        r.string(&mut fill)?;
        let digit = if fill.overflow {
            None
        } else {
            parse_stop_tone(&tone)
        };
        set = set.with(digit.ok_or(SettingsError::InvalidStopTone { index })?);
        Ok(())
    })?;
    s.stop_tones = set;
    Ok(())
}

fn read_prompts(r: &mut Reader<'_>, s: &mut Settings) -> Result<(), RequestError> {
    s.prompt = None;
    if r.null()? {
        return Ok(());
    }
    let mut count = 0;
    read_array(
        r,
        "prompts",
        "an array of mediaPrompt objects",
        |r, index| {
            count = index + 1;
            if index == 0 {
                read_prompt(r, s)
            } else {
                // Counted for the message; Graph takes one.
                r.skip_value().map_err(RequestError::from)
            }
        },
    )?;
    if count > 1 {
        return Err(SettingsError::TooManyPrompts { count }.into());
    }
    Ok(())
}

/// Reads `prompts[0]` straight into `s.prompt`.
fn read_prompt(r: &mut Reader<'_>, s: &mut Settings) -> Result<(), RequestError> {
    let prompt = s.prompt.get_or_insert_with(Default::default);
    prompt.uri.clear();
    prompt.resource_id = None;
    let (mut has_info, mut has_uri) = (false, false);
    read_object(r, "prompts[0]", |r, name, cut| {
        match (name, cut) {
            ("mediaInfo", false) => {
                if r.null()? {
                    return Ok(());
                }
                has_info = true;
                read_object(r, "prompts[0].mediaInfo", |r, name, cut| {
                    match (name, cut) {
                        ("uri", false) => {
                            has_uri =
                                read_string(r, &mut prompt.uri, Parameter::Uri, URI_CAPACITY)?;
                        }
                        ("resourceId", false) => {
                            let id = prompt.resource_id.get_or_insert_with(String::new);
                            if !read_string(r, id, Parameter::ResourceId, RESOURCE_ID_CAPACITY)? {
                                prompt.resource_id = None;
                            }
                        }
                        _ => {
                            return Err(unknown(format_args!(
                                "prompts[0].mediaInfo.{}",
                                Name(name, cut)
                            )))
                        }
                    }
                    Ok(())
                })
            }
            // Beta: how many times to play the prompt. recresp plays it once.
            ("loop", false) => read_int(r, "prompts[0].loop").map(|_| ()),
            _ => Err(unknown(format_args!("prompts[0].{}", Name(name, cut)))),
        }
    })?;
    let missing = |parameter| RequestError::Invalid(SettingsError::Missing { parameter });
    if !has_info {
        return Err(missing(Parameter::MediaInfo));
    }
    if !has_uri {
        return Err(missing(Parameter::Uri));
    }
    Ok(())
}
