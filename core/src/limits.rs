//! The bounds of a request's parameters: Graph's limits and defaults, and the sizes recresp
//! keeps for its strings, grouped by the parameter they bound. [`crate::Settings::validate`]
//! and the JSON request reader enforce them; a host uses them to size its own buffers or to
//! explain a refusal.

// clientContext
/// Longest `clientContext` Graph accepts, in characters.
pub const CLIENT_CONTEXT_MAX_CHARS: usize = 256;
/// Storage for `clientContext` in bytes (256 characters of up to 4 UTF-8 bytes).
pub const CLIENT_CONTEXT_CAPACITY: usize = 4 * CLIENT_CONTEXT_MAX_CHARS;

// prompts.mediaInfo
/// Longest prompt `mediaInfo.uri` recresp accepts, in bytes.
pub const URI_CAPACITY: usize = 1024;
/// Longest prompt `mediaInfo.resourceId` recresp accepts, in bytes.
pub const RESOURCE_ID_CAPACITY: usize = 128;

// initialSilenceTimeoutInSeconds, maxSilenceTimeoutInSeconds, maxRecordDurationInSeconds
/// Smallest value of each of the three timeouts, in seconds.
pub const TIMEOUT_MIN_S: i32 = 1;
/// Largest value of each of the three timeouts, in seconds (Graph caps a recording at 2 minutes).
pub const TIMEOUT_MAX_S: i32 = 120;
/// Graph's default for each of the three timeouts, in seconds.
pub const TIMEOUT_DEFAULT_S: i32 = 5;

// stopTones
/// The most `stopTones` entries recresp reads (repeats included).
pub const STOP_TONES_MAX: usize = 16;

// The media timeout (recresp extension)
/// Smallest media timeout, in milliseconds.
pub const MEDIA_TIMEOUT_MIN_MS: u32 = 20;
/// Largest media timeout, in milliseconds.
pub const MEDIA_TIMEOUT_MAX_MS: u32 = 120_000;
/// Default media timeout, in milliseconds.
pub const MEDIA_TIMEOUT_DEFAULT_MS: u32 = 5000;

// The trailing guard (recresp extension)
/// Largest trailing guard, in milliseconds.
pub const TRAILING_GUARD_MAX_MS: u32 = 10_000;
/// Default trailing guard, in milliseconds.
pub const TRAILING_GUARD_DEFAULT_MS: u32 = 300;
