//! Graph's JSON documents for C: the `recordOperation` returned at start, the
//! `commsNotifications` posted at completion, and a deterministic operation id.
//!
//! Documents are the core's compact JSON, written into the caller's buffer with a NUL; a
//! buffer of `recresp_channel_notification_capacity` bytes always holds them.

use core::ffi::c_char;

use recresp_core::json::{escaped_len, notification_capacity, ESCAPE_MAX};
use recresp_core::{
    derive_operation_id, write_notification, write_running_operation, OperationRef, Recording,
};

use crate::channel::{enter, get, recresp_channel, Access};
use crate::guard::{buffer_out, check_ptr, copy_string_out, guard, str_in, write_out};
use crate::result::recresp_result;

/// Length of an operation id from `recresp_derive_operation_id` (a GUID), without the NUL.
pub const RECRESP_OPERATION_ID_LEN: usize = 36;

/// Largest request body `recresp_settings_parse_json` accepts, in bytes.
pub const RECRESP_REQUEST_MAX_LEN: usize = 16384;
/// A buffer of this many bytes always holds the running `recordOperation` and its NUL, for
/// an operation id of up to 64 bytes (escaped) and any `clientContext` Graph accepts.
pub const RECRESP_OPERATION_MAX_LEN: usize = 1764;
/// A buffer of this many bytes always holds the `commsNotifications` and its NUL, for ids
/// of up to 64 bytes and a recording location and token of up to 512 bytes (each escaped:
/// plain ASCII without quotes, backslashes or control characters counts its length) and
/// any `clientContext` Graph accepts.
pub const RECRESP_NOTIFICATION_MAX_LEN: usize = 3489;

// The header states the core's sizes as numbers; they must stay the core's.
const _: () = assert!(RECRESP_REQUEST_MAX_LEN == recresp_core::json::REQUEST_MAX_LEN);
const _: () = assert!(RECRESP_OPERATION_MAX_LEN == recresp_core::json::OPERATION_MAX_LEN + 1);
const _: () = assert!(RECRESP_NOTIFICATION_MAX_LEN == recresp_core::json::NOTIFICATION_MAX_LEN + 1);

/// Stores in `*capacity` a buffer size that always holds the notification (or the running
/// operation) of this channel's operation (its `clientContext`) with strings of these
/// lengths, and the NUL. `RECRESP_RESULT_INVALID_ARGUMENT` if the lengths are too large
/// to add up.
///
/// # Safety
/// `channel` must be NULL or a live handle; `capacity` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn recresp_channel_notification_capacity(
    channel: *mut recresp_channel,
    call_id_len: usize,
    operation_id_len: usize,
    location_len: usize,
    access_token_len: usize,
    capacity: *mut usize,
) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe {
        get(channel, capacity, |mut a| {
            let context = a.out().client_context().map_or(0, escaped_len);
            // The strings' contents are unknown: each byte may take ESCAPE_MAX.
            let escaped = |len: usize| len.checked_mul(ESCAPE_MAX);
            let (Some(call_id), Some(operation_id), Some(location), Some(access_token)) = (
                escaped(call_id_len),
                escaped(operation_id_len),
                escaped(location_len),
                escaped(access_token_len),
            ) else {
                return Err(recresp_result::InvalidArgument);
            };
            // The core's capacity saturates; a saturated size is no size.
            notification_capacity(call_id, operation_id, context, location, access_token)
                .checked_add(1)
                .ok_or(recresp_result::InvalidArgument)
        })
    }
}

/// Writes a serialised document and its NUL into `buf`, and its length into `*written`.
///
/// # Safety
/// `buf` NULL or `len` writable bytes; `written` NULL or writable.
unsafe fn write_document(
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
    write: impl FnOnce(&mut [u8]) -> Option<usize>,
) -> Result<(), recresp_result> {
    check_ptr(written)?;
    // SAFETY: forwarded contract.
    let out = unsafe { buffer_out(buf, len) }?;
    // SAFETY: checked above.
    unsafe { write_out(written, 0) }?;
    // Keep one byte for the NUL; the buffer is zeroed, so it is already there.
    let room = len.checked_sub(1).ok_or(recresp_result::BufferTooSmall)?;
    let body = out.get_mut(..room).ok_or(recresp_result::InternalError)?;
    match write(body) {
        // SAFETY: checked above.
        Some(n) => unsafe { write_out(written, n) },
        None => {
            body.fill(0);
            Err(recresp_result::BufferTooSmall)
        }
    }
}

/// Writes the `recordOperation` Graph returns when the operation starts (status
/// `running`) for call `call_id` and operation `operation_id` into `buf` with a NUL, and
/// its length without the NUL into `*written`. `RECRESP_RESULT_NOT_RUNNING` if the channel
/// was never started; `RECRESP_RESULT_BUFFER_TOO_SMALL` (nothing written) if it does not
/// fit.
///
/// # Safety
/// `channel` must be NULL or a live handle; each string NULL or its length in readable
/// bytes; `buf` NULL or `len` writable bytes; `written` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn recresp_channel_write_running_operation(
    channel: *mut recresp_channel,
    call_id: *const c_char,
    call_id_len: usize,
    operation_id: *const c_char,
    operation_id_len: usize,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> recresp_result {
    guard(|| {
        // SAFETY: forwarded contract.
        let call_id = unsafe { str_in(call_id, call_id_len) }?;
        // SAFETY: forwarded contract.
        let operation_id = unsafe { str_in(operation_id, operation_id_len) }?;
        let write = |mut a: Access<'_>| {
            let op = OperationRef {
                call_id,
                operation_id,
                client_context: a.out().client_context()?,
            };
            // SAFETY: forwarded contract.
            unsafe { write_document(buf, len, written, |b| write_running_operation(&op, b).ok()) }
        };
        // SAFETY: forwarded contract.
        unsafe { enter(channel, write) }
    })
}

/// Writes the `commsNotifications` Graph posts when the operation ends into `buf` with a
/// NUL, and its length without the NUL into `*written`. `recording_location` and
/// `access_token` (the URL and bearer token of the recording) are used only when the
/// completion has a recording; Graph sends empty strings otherwise.
/// `RECRESP_RESULT_NOT_COMPLETED` until the `COMPLETED` event was handed out;
/// `RECRESP_RESULT_BUFFER_TOO_SMALL` (nothing written) if it does not fit.
///
/// # Safety
/// `channel` must be NULL or a live handle; each string NULL or its length in readable
/// bytes; `buf` NULL or `len` writable bytes; `written` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn recresp_channel_write_notification(
    channel: *mut recresp_channel,
    call_id: *const c_char,
    call_id_len: usize,
    operation_id: *const c_char,
    operation_id_len: usize,
    recording_location: *const c_char,
    recording_location_len: usize,
    access_token: *const c_char,
    access_token_len: usize,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> recresp_result {
    guard(|| {
        // SAFETY: forwarded contract (for each string).
        let (call_id, operation_id, location, access_token) = unsafe {
            (
                str_in(call_id, call_id_len)?,
                str_in(operation_id, operation_id_len)?,
                str_in(recording_location, recording_location_len)?,
                str_in(access_token, access_token_len)?,
            )
        };
        let write = |mut a: Access<'_>| {
            let out = a.out();
            let completion = out.completion()?;
            let op = OperationRef {
                call_id,
                operation_id,
                client_context: out.client_context()?,
            };
            let recording = completion.has_recording().then_some(Recording {
                location,
                access_token,
            });
            // SAFETY: forwarded contract.
            unsafe {
                write_document(buf, len, written, |b| {
                    write_notification(&op, completion, recording, b).ok()
                })
            }
        };
        // SAFETY: forwarded contract.
        unsafe { enter(channel, write) }
    })
}

/// Writes a GUID-shaped operation id derived from the call id and the request body (the
/// same inputs always give the same id; `recresp-sim` uses it) into `buf` with a NUL:
/// `RECRESP_OPERATION_ID_LEN + 1` bytes suffice. Its length without the NUL goes into
/// `*written`.
///
/// # Safety
/// `call_id` NULL or `call_id_len` readable bytes; `request` NULL or `request_len` readable
/// bytes; `buf` NULL or `len` writable bytes; `written` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn recresp_derive_operation_id(
    call_id: *const c_char,
    call_id_len: usize,
    request: *const c_char,
    request_len: usize,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> recresp_result {
    guard(|| {
        // SAFETY: forwarded contract (for each string).
        let (call_id, request) =
            unsafe { (str_in(call_id, call_id_len)?, str_in(request, request_len)?) };
        let id = derive_operation_id(call_id, request);
        // SAFETY: forwarded contract.
        unsafe { copy_string_out(id.as_bytes(), buf, len, written) }
    })
}
