//! A minimal FFI shim to SpanDSP's DTMF receiver (Debian's libspandsp-dev), declared here by
//! hand from `spandsp/dtmf.h`, for side-by-side comparisons. SpanDSP works at 8 kHz only.

use std::ffi::{c_char, c_int, c_void};

/// Opaque `dtmf_rx_state_t`.
#[repr(C)]
struct DtmfRxState {
    _private: [u8; 0],
}

/// `digits_rx_callback_t`.
type DigitsRxCallback =
    Option<unsafe extern "C" fn(user_data: *mut c_void, digits: *const c_char, len: c_int)>;

#[link(name = "spandsp")]
extern "C" {
    fn dtmf_rx_init(
        s: *mut DtmfRxState,
        callback: DigitsRxCallback,
        user_data: *mut c_void,
    ) -> *mut DtmfRxState;
    fn dtmf_rx(s: *mut DtmfRxState, amp: *const i16, samples: c_int) -> c_int;
    fn dtmf_rx_free(s: *mut DtmfRxState) -> c_int;
}

/// Collects the digits SpanDSP reports through its callback.
#[allow(unsafe_code)]
unsafe extern "C" fn collect_digits(user_data: *mut c_void, digits: *const c_char, len: c_int) {
    // SAFETY: `user_data` is the `Vec<u8>` owned by the `SpanDspDtmf` that registered this
    // callback, alive for as long as the receiver; `digits` points to `len` bytes (dtmf.h).
    #[allow(unsafe_code)]
    unsafe {
        if user_data.is_null() || digits.is_null() || len <= 0 {
            return;
        }
        let out = &mut *(user_data as *mut Vec<u8>);
        let bytes = std::slice::from_raw_parts(digits as *const u8, len as usize);
        out.extend_from_slice(bytes);
    }
}

/// A SpanDSP DTMF receiver with its default settings (8 kHz).
pub struct SpanDspDtmf {
    state: *mut DtmfRxState,
    // Boxed so the Vec header (which SpanDSP holds a pointer to) never moves.
    #[allow(clippy::box_collection)]
    digits: Box<Vec<u8>>,
}

impl SpanDspDtmf {
    /// A new receiver.
    #[allow(unsafe_code)]
    pub fn new() -> Self {
        let mut digits: Box<Vec<u8>> = Box::default();
        let user = (&mut *digits) as *mut Vec<u8> as *mut c_void;
        // SAFETY: a null state asks SpanDSP to allocate one; the callback and user data stay
        // valid until `drop` frees the state.
        let state = unsafe { dtmf_rx_init(std::ptr::null_mut(), Some(collect_digits), user) };
        assert!(!state.is_null(), "dtmf_rx_init failed");
        SpanDspDtmf { state, digits }
    }

    /// Feeds samples (8 kHz).
    #[allow(unsafe_code)]
    pub fn push(&mut self, samples: &[i16]) {
        for part in samples.chunks(c_int::MAX as usize) {
            // SAFETY: `state` is a live receiver and `part` is a valid slice of `len` samples.
            unsafe {
                dtmf_rx(self.state, part.as_ptr(), part.len() as c_int);
            }
        }
    }

    /// The digits reported so far, as keypad characters; clears them.
    pub fn take_digits(&mut self) -> Vec<u8> {
        std::mem::take(&mut *self.digits)
    }
}

impl Default for SpanDspDtmf {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for SpanDspDtmf {
    #[allow(unsafe_code)]
    fn drop(&mut self) {
        // SAFETY: `state` came from `dtmf_rx_init` and is freed once.
        unsafe {
            dtmf_rx_free(self.state);
        }
    }
}

/// The digits SpanDSP finds in `samples` (8 kHz), with a fresh receiver.
pub fn digits(samples: &[i16]) -> Vec<recresp_core::Digit> {
    let mut rx = SpanDspDtmf::new();
    rx.push(samples);
    rx.take_digits()
        .into_iter()
        .filter_map(|c| recresp_core::Digit::from_char(c as char))
        .collect()
}
