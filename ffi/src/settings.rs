//! `recresp_settings`: a recordResponse request's parameters, read from Graph's JSON body or
//! set field by field, plus recresp's extensions. A channel copies what it needs at start,
//! so one settings handle can serve many operations and may be freed after starting them.
//!
//! Every setter checks its value and leaves the settings unchanged when it refuses it.

use core::ffi::{c_char, c_void};
use core::fmt::Write;

use heapless::String;
use recresp_core::limits::{
    MEDIA_TIMEOUT_MAX_MS, MEDIA_TIMEOUT_MIN_MS, STOP_TONES_MAX, TRAILING_GUARD_MAX_MS,
};
use recresp_core::{parse_request_into, RecordOptions, Settings};

use crate::guard::{copy_string_out, guard, guard_or, handle_mut, handle_ref, str_in};
use crate::result::recresp_result;
use crate::storage::{free_handle, init_in_caller_storage, new_in_heap, Handle, Origin};

/// Bytes of storage a `recresp_settings` needs for `recresp_settings_init_in` (on every
/// target; `recresp_settings_storage_size` gives the exact size on this one).
pub const RECRESP_SETTINGS_STORAGE_SIZE: usize = 3072;

/// Storage for a settings handle made by `recresp_settings_init_in`: its size and alignment
/// are what the handle needs (`static recresp_settings_storage s;` will do). Its members
/// are never used.
#[allow(non_camel_case_types, dead_code)]
#[repr(C)]
pub union recresp_settings_storage {
    align: u64,
    pointer: *mut c_void,
    bytes: [u8; RECRESP_SETTINGS_STORAGE_SIZE],
}

/// A buffer of this many bytes always holds a settings error message and its NUL.
pub const RECRESP_ERROR_MESSAGE_CAPACITY: usize = 256;

/// Smallest media timeout accepted by `recresp_settings_set_media_timeout_ms`.
pub const RECRESP_MEDIA_TIMEOUT_MIN_MS: u32 = 20;
/// Largest media timeout accepted by `recresp_settings_set_media_timeout_ms`.
pub const RECRESP_MEDIA_TIMEOUT_MAX_MS: u32 = 120_000;
/// Largest trailing guard accepted by `recresp_settings_set_trim_trailing_silence`.
pub const RECRESP_TRAILING_GUARD_MAX_MS: u32 = 10_000;

// The header states the core's limits as numbers; they must stay the core's.
const _: () = assert!(RECRESP_MEDIA_TIMEOUT_MIN_MS == MEDIA_TIMEOUT_MIN_MS);
const _: () = assert!(RECRESP_MEDIA_TIMEOUT_MAX_MS == MEDIA_TIMEOUT_MAX_MS);
const _: () = assert!(RECRESP_TRAILING_GUARD_MAX_MS == TRAILING_GUARD_MAX_MS);

/// A recordResponse request's parameters (opaque). Create with `recresp_settings_new` or
/// `recresp_settings_init_in`; it starts at Graph's defaults.
#[allow(non_camel_case_types)]
pub struct recresp_settings {
    settings: Settings,
    error: String<{ RECRESP_ERROR_MESSAGE_CAPACITY - 1 }>,
    origin: Origin,
}

const _: () = assert!(size_of::<recresp_settings>() <= RECRESP_SETTINGS_STORAGE_SIZE);
const _: () = assert!(align_of::<recresp_settings>() <= crate::storage::STORAGE_ALIGN);
const _: () = assert!(align_of::<recresp_settings_storage>() >= crate::storage::STORAGE_ALIGN);

impl Handle for recresp_settings {
    fn origin(&self) -> Origin {
        self.origin
    }
}

impl recresp_settings {
    fn new(origin: Origin) -> Self {
        recresp_settings {
            settings: Settings::default(),
            error: String::new(),
            origin,
        }
    }

    /// The request's settings.
    pub(crate) fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Validated options for the recorder, with the extensions set on this handle.
    pub(crate) fn record_options(&self) -> Result<RecordOptions, recresp_result> {
        Ok(self.settings.validate()?)
    }

    /// Records `message` as the last error and returns `code`.
    fn refuse(&mut self, code: recresp_result, message: impl core::fmt::Display) -> recresp_result {
        self.error.clear();
        // A message longer than the buffer is cut short.
        let _ = write!(self.error, "{message}");
        code
    }

    /// Applies `change` to a copy, keeps it if it validates, and records the error if not.
    fn update(
        &mut self,
        change: impl FnOnce(&mut Settings) -> Result<(), recresp_core::SettingsError>,
    ) -> Result<(), recresp_result> {
        let mut next = self.settings.clone();
        let checked = change(&mut next).and_then(|()| next.validate().map(|_| ()));
        match checked {
            Ok(()) => {
                self.settings = next;
                self.error.clear();
                Ok(())
            }
            Err(e) => Err(self.refuse(e.into(), e)),
        }
    }
}

/// Creates settings at Graph's defaults (no prompt, beep on, every timeout 5 s, no stop
/// tones) and stores the handle in `*out`. Free it with `recresp_settings_free`.
///
/// # Safety
/// `out` must be NULL or point to writable memory for one pointer.
#[no_mangle]
pub unsafe extern "C" fn recresp_settings_new(out: *mut *mut recresp_settings) -> recresp_result {
    // SAFETY: forwarded contract.
    guard(|| unsafe { new_in_heap(recresp_settings::new(Origin::Heap), out) })
}

/// Creates settings at Graph's defaults in the caller's storage: `len` bytes at `buf`,
/// aligned to 8 bytes, at least `RECRESP_SETTINGS_STORAGE_SIZE` long (a
/// `recresp_settings_storage` is).
/// Returns `RECRESP_RESULT_STORAGE_TOO_SMALL` or `RECRESP_RESULT_STORAGE_MISALIGNED` (and
/// writes nothing) otherwise. The storage must outlive every use of the handle;
/// `recresp_settings_free` on this handle does nothing.
///
/// # Safety
/// `buf` must be NULL or point to `len` writable bytes, used for nothing else while the
/// handle is in use; `out` must be NULL or point to writable memory for one pointer.
#[no_mangle]
pub unsafe extern "C" fn recresp_settings_init_in(
    buf: *mut c_void,
    len: usize,
    out: *mut *mut recresp_settings,
) -> recresp_result {
    // SAFETY: forwarded contract.
    guard(|| unsafe {
        init_in_caller_storage(buf, len, out, || Ok(recresp_settings::new(Origin::Caller)))
    })
}

/// The exact number of bytes a `recresp_settings` takes on this target (at most
/// `RECRESP_SETTINGS_STORAGE_SIZE`).
#[no_mangle]
pub extern "C" fn recresp_settings_storage_size() -> usize {
    size_of::<recresp_settings>()
}

/// Releases settings made by `recresp_settings_new`. NULL, and settings made in caller
/// storage, are left alone.
///
/// # Safety
/// `settings` must be NULL or a live handle, not used again after this call.
#[no_mangle]
pub unsafe extern "C" fn recresp_settings_free(settings: *mut recresp_settings) {
    // SAFETY: forwarded contract.
    guard_or((), || unsafe { free_handle(settings) })
}

/// Replaces the settings with those of a recordResponse request body (`len` bytes of UTF-8
/// JSON at `json`, no NUL needed). On error the settings are unchanged, the code says what
/// kind of problem it is, and `recresp_settings_error_message` gives Graph's 400 message.
/// recresp's extensions are kept.
///
/// # Safety
/// `settings` must be NULL or a live handle; `json` must be NULL or point to `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn recresp_settings_parse_json(
    settings: *mut recresp_settings,
    json: *const c_char,
    len: usize,
) -> recresp_result {
    guard(|| {
        // SAFETY: forwarded contract.
        let s = unsafe { handle_mut(settings) }?;
        // SAFETY: forwarded contract.
        let body = match unsafe { str_in(json, len) } {
            Ok(body) => body,
            Err(e) => return Err(s.refuse(e, "the request body is not valid UTF-8")),
        };
        // Parsed into a copy (which keeps the extensions), kept only if it is valid.
        let mut next = s.settings.clone();
        match parse_request_into(body, &mut next) {
            Ok(_) => {
                s.settings = next;
                s.error.clear();
                Ok(())
            }
            Err(e) => Err(s.refuse((&e).into(), &e)),
        }
    })
}

/// Copies the message of the last refused `recresp_settings_parse_json` or setter call
/// (empty after a success) into `buf` with a NUL, and its length without the NUL into
/// `*written`. `RECRESP_ERROR_MESSAGE_CAPACITY` bytes always suffice.
///
/// # Safety
/// `settings` must be NULL or a live handle; `buf` NULL or `len` writable bytes; `written`
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn recresp_settings_error_message(
    settings: *const recresp_settings,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe { copy_out(settings, buf, len, written, |s| Ok(&*s.error)) }
}

/// Runs a setter on a live handle.
///
/// # Safety
/// `settings` must be NULL or a live handle.
unsafe fn set(
    settings: *mut recresp_settings,
    change: impl FnOnce(&mut recresp_settings) -> Result<(), recresp_result>,
) -> recresp_result {
    guard(|| {
        // SAFETY: forwarded contract.
        let s = unsafe { handle_mut(settings) }?;
        change(s)
    })
}

/// Sets one field of the settings with `change`, as [`set`] does, validating the result.
///
/// # Safety
/// `settings` must be NULL or a live handle.
unsafe fn set_field(
    settings: *mut recresp_settings,
    change: impl FnOnce(&mut Settings),
) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe {
        set(settings, |s| {
            s.update(|t| {
                change(t);
                Ok(())
            })
        })
    }
}

/// Changes the settings with `change`, given the `len` bytes of UTF-8 at `text`, as [`set`]
/// does.
///
/// # Safety
/// `settings` must be NULL or a live handle; `text` NULL or `len` readable bytes.
unsafe fn set_text(
    settings: *mut recresp_settings,
    text: *const c_char,
    len: usize,
    change: impl FnOnce(&mut recresp_settings, &str) -> Result<(), recresp_result>,
) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe { set(settings, |s| change(s, str_in(text, len)?)) }
}

/// Sets `initialSilenceTimeoutInSeconds` (1–120; `RECRESP_RESULT_OUT_OF_RANGE` otherwise).
///
/// # Safety
/// `settings` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn recresp_settings_set_initial_silence_timeout(
    settings: *mut recresp_settings,
    seconds: i64,
) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe { set_field(settings, |t| t.initial_silence_timeout_s = seconds) }
}

/// Sets `maxSilenceTimeoutInSeconds` (1–120; `RECRESP_RESULT_OUT_OF_RANGE` otherwise).
///
/// # Safety
/// `settings` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn recresp_settings_set_max_silence_timeout(
    settings: *mut recresp_settings,
    seconds: i64,
) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe { set_field(settings, |t| t.max_silence_timeout_s = seconds) }
}

/// Sets `maxRecordDurationInSeconds` (1–120; `RECRESP_RESULT_OUT_OF_RANGE` otherwise).
///
/// # Safety
/// `settings` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn recresp_settings_set_max_record_duration(
    settings: *mut recresp_settings,
    seconds: i64,
) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe { set_field(settings, |t| t.max_record_duration_s = seconds) }
}

/// Sets `playBeep`.
///
/// # Safety
/// `settings` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn recresp_settings_set_play_beep(
    settings: *mut recresp_settings,
    play_beep: bool,
) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe { set_field(settings, |t| t.play_beep = play_beep) }
}

/// Sets `bargeInAllowed`.
///
/// # Safety
/// `settings` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn recresp_settings_set_barge_in_allowed(
    settings: *mut recresp_settings,
    allowed: bool,
) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe { set_field(settings, |t| t.barge_in_allowed = allowed) }
}

/// Sets `stopTones` from `len` keypad characters at `keys` (for example `"#*"`, each of
/// `0`–`9`, `*`, `#`, `A`–`D`; at most 16). `len` 0 clears them.
///
/// # Safety
/// `settings` must be NULL or a live handle; `keys` NULL or `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn recresp_settings_set_stop_tones(
    settings: *mut recresp_settings,
    keys: *const c_char,
    len: usize,
) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe {
        set_text(settings, keys, len, |s, keys| {
            let mut tones: heapless::Vec<&str, { STOP_TONES_MAX }> = heapless::Vec::new();
            for (i, c) in keys.char_indices() {
                let tone = keys.get(i..i + c.len_utf8()).unwrap_or("");
                if tones.push(tone).is_err() {
                    return Err(s.refuse(
                        recresp_result::InvalidStopTone,
                        recresp_core::SettingsError::TooManyStopTones {
                            max: STOP_TONES_MAX,
                        },
                    ));
                }
            }
            s.update(|t| t.set_stop_tones(tones.iter().copied()))
        })
    }
}

/// Sets `clientContext` (`len` bytes of UTF-8 at `text`, at most 256 characters).
///
/// # Safety
/// `settings` must be NULL or a live handle; `text` NULL or `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn recresp_settings_set_client_context(
    settings: *mut recresp_settings,
    text: *const c_char,
    len: usize,
) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe {
        set_text(settings, text, len, |s, text| {
            s.update(|t| t.set_client_context(text))
        })
    }
}

/// Sets the prompt's `mediaInfo`: `uri` (`uri_len` bytes, not empty) and, when
/// `resource_id` is not NULL, `resourceId` (`resource_id_len` bytes).
///
/// # Safety
/// `settings` must be NULL or a live handle; `uri` NULL or `uri_len` readable bytes;
/// `resource_id` NULL or `resource_id_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn recresp_settings_set_prompt(
    settings: *mut recresp_settings,
    uri: *const c_char,
    uri_len: usize,
    resource_id: *const c_char,
    resource_id_len: usize,
) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe {
        set(settings, |s| {
            let uri = str_in(uri, uri_len)?;
            let resource_id = if resource_id.is_null() {
                None
            } else {
                Some(str_in(resource_id, resource_id_len)?)
            };
            s.update(|t| t.set_prompt(uri, resource_id))
        })
    }
}

/// Removes the prompt.
///
/// # Safety
/// `settings` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn recresp_settings_clear_prompt(
    settings: *mut recresp_settings,
) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe { set_field(settings, |t| t.prompt = None) }
}

/// recresp extension: when the recording ends on max silence, keep only `guard_ms`
/// (0–`RECRESP_TRAILING_GUARD_MAX_MS`) of the trailing silence. Off by default.
///
/// # Safety
/// `settings` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn recresp_settings_set_trim_trailing_silence(
    settings: *mut recresp_settings,
    enabled: bool,
    guard_ms: u32,
) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe {
        set(settings, |s| {
            s.update(|t| t.set_trim_trailing_silence(enabled, guard_ms))
        })
    }
}

/// recresp extension: this much lost media in a row (`recresp_channel_push_lost`, or time without RTP packets) ends the
/// operation with `mediaReceiveTimeout` (`RECRESP_MEDIA_TIMEOUT_MIN_MS`–
/// `RECRESP_MEDIA_TIMEOUT_MAX_MS`; default 5000).
///
/// # Safety
/// `settings` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn recresp_settings_set_media_timeout_ms(
    settings: *mut recresp_settings,
    ms: u32,
) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe { set(settings, |s| s.update(|t| t.set_media_timeout_ms(ms))) }
}

/// Whether the settings have a prompt (false for NULL).
///
/// # Safety
/// `settings` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn recresp_settings_has_prompt(settings: *const recresp_settings) -> bool {
    guard_or(false, || {
        // SAFETY: forwarded contract.
        unsafe { handle_ref(settings) }.is_ok_and(|s| s.settings.prompt.is_some())
    })
}

/// Copies the prompt's `mediaInfo.uri` into `buf` with a NUL (its length without the NUL
/// into `*written`); `RECRESP_RESULT_MISSING_VALUE` when there is no prompt.
///
/// # Safety
/// `settings` must be NULL or a live handle; `buf` NULL or `len` writable bytes; `written`
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn recresp_settings_prompt_uri(
    settings: *const recresp_settings,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe {
        copy_out(settings, buf, len, written, |s| {
            let p = s.settings.prompt.as_ref();
            Ok(&*p.ok_or(recresp_result::MissingValue)?.uri)
        })
    }
}

/// Copies `clientContext` into `buf` with a NUL (its length without the NUL into
/// `*written`).
///
/// # Safety
/// `settings` must be NULL or a live handle; `buf` NULL or `len` writable bytes; `written`
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn recresp_settings_client_context(
    settings: *const recresp_settings,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> recresp_result {
    // SAFETY: forwarded contract.
    unsafe {
        copy_out(settings, buf, len, written, |s| {
            Ok(&*s.settings.client_context)
        })
    }
}

/// Copies the text `field` takes from the settings into `buf` with a NUL, and its length
/// without the NUL into `*written`; `field`'s error code otherwise.
///
/// # Safety
/// As `recresp_settings_client_context`.
unsafe fn copy_out(
    settings: *const recresp_settings,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
    field: impl FnOnce(&recresp_settings) -> Result<&str, recresp_result>,
) -> recresp_result {
    guard(|| {
        // SAFETY: forwarded contract.
        let s = unsafe { handle_ref(settings) }?;
        // SAFETY: forwarded contract.
        unsafe { copy_string_out(field(s)?.as_bytes(), buf, len, written) }
    })
}
