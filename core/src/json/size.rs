//! How large the documents the core writes can be, so every host sizes its buffers the same
//! way: exact escaped lengths of strings, the room a document needs for given strings, and
//! the largest document for strings within recresp's limits.
//!
//! Assumes serde-json-core's string escaping: `"` and `\` and the control characters with a
//! short form (`\b \t \n \f \r`) take 2 bytes, the other control characters 6 (`\u00XX`),
//! every other character its UTF-8 bytes.

use crate::limits::CLIENT_CONTEXT_MAX_CHARS;

/// The most bytes one byte of a string can take once escaped (a control character).
pub const ESCAPE_MAX: usize = 6;

/// Longest call id or operation id, escaped, that [`OPERATION_MAX_LEN`] and
/// [`NOTIFICATION_MAX_LEN`] allow for (a GUID is 36).
pub const ID_MAX_LEN: usize = 64;
/// Longest `recordingLocation`, escaped, that [`NOTIFICATION_MAX_LEN`] allows for.
pub const LOCATION_MAX_LEN: usize = 512;
/// Longest `recordingAccessToken`, escaped, that [`NOTIFICATION_MAX_LEN`] allows for.
pub const ACCESS_TOKEN_MAX_LEN: usize = 512;
/// Longest `clientContext` once escaped: 256 characters of at most 6 bytes each.
pub const CLIENT_CONTEXT_JSON_MAX_LEN: usize = ESCAPE_MAX * CLIENT_CONTEXT_MAX_CHARS;

/// The running `recordOperation` without its two strings.
const OPERATION_FIXED_LEN: usize = 163;
/// The notification without its strings, with the longest status, reason, message and
/// five-digit codes.
const NOTIFICATION_FIXED_LEN: usize = 608;

/// The length of `s` as the writer puts it inside a JSON string (without the quotes).
pub fn escaped_len(s: &str) -> usize {
    s.chars()
        .map(|c| match c {
            '"' | '\\' | '\u{8}' | '\t' | '\n' | '\u{c}' | '\r' => 2,
            '\0'..='\u{1f}' => ESCAPE_MAX,
            c => c.len_utf8(),
        })
        .sum()
}

/// Bytes that always hold the running `recordOperation` for an operation id and a
/// `clientContext` of these escaped lengths ([`escaped_len`]; `ESCAPE_MAX` times the byte
/// length is always enough). Saturates instead of overflowing.
pub const fn running_operation_capacity(
    operation_id_len: usize,
    client_context_len: usize,
) -> usize {
    OPERATION_FIXED_LEN
        .saturating_add(operation_id_len)
        .saturating_add(client_context_len)
}

/// Bytes that always hold the `commsNotifications` for strings of these escaped lengths
/// ([`escaped_len`]; `ESCAPE_MAX` times the byte length is always enough), whatever the
/// completion. The call id is written twice, the operation id three times. Saturates
/// instead of overflowing.
pub const fn notification_capacity(
    call_id_len: usize,
    operation_id_len: usize,
    client_context_len: usize,
    location_len: usize,
    access_token_len: usize,
) -> usize {
    NOTIFICATION_FIXED_LEN
        .saturating_add(call_id_len.saturating_mul(2))
        .saturating_add(operation_id_len.saturating_mul(3))
        .saturating_add(client_context_len)
        .saturating_add(location_len)
        .saturating_add(access_token_len)
}

/// The largest running `recordOperation`: an operation id of up to [`ID_MAX_LEN`] and any
/// `clientContext` Graph accepts.
pub const OPERATION_MAX_LEN: usize =
    running_operation_capacity(ID_MAX_LEN, CLIENT_CONTEXT_JSON_MAX_LEN);

/// The largest `commsNotifications`: ids up to [`ID_MAX_LEN`], any `clientContext` Graph
/// accepts, a location and a token up to [`LOCATION_MAX_LEN`] and
/// [`ACCESS_TOKEN_MAX_LEN`].
pub const NOTIFICATION_MAX_LEN: usize = notification_capacity(
    ID_MAX_LEN,
    ID_MAX_LEN,
    CLIENT_CONTEXT_JSON_MAX_LEN,
    LOCATION_MAX_LEN,
    ACCESS_TOKEN_MAX_LEN,
);
