//! A minimal FFI shim to SpanDSP's G.722 codec (Debian's libspandsp-dev), declared here by
//! hand from `spandsp/g722.h`: the independent implementation recresp's G.722 is compared
//! with bit for bit. Always 16 kHz audio (no `G722_SAMPLE_RATE_8000`) and unpacked codes.

use std::ffi::c_int;

/// Opaque `g722_decode_state_t`.
#[repr(C)]
struct DecodeState {
    _private: [u8; 0],
}

/// Opaque `g722_encode_state_t`.
#[repr(C)]
struct EncodeState {
    _private: [u8; 0],
}

#[link(name = "spandsp")]
extern "C" {
    fn g722_decode_init(s: *mut DecodeState, rate: c_int, options: c_int) -> *mut DecodeState;
    fn g722_decode(s: *mut DecodeState, amp: *mut i16, data: *const u8, len: c_int) -> c_int;
    fn g722_decode_free(s: *mut DecodeState) -> c_int;
    fn g722_encode_init(s: *mut EncodeState, rate: c_int, options: c_int) -> *mut EncodeState;
    fn g722_encode(s: *mut EncodeState, data: *mut u8, amp: *const i16, len: c_int) -> c_int;
    fn g722_encode_free(s: *mut EncodeState) -> c_int;
}

/// The longest slice handed to SpanDSP in one call (its lengths are `int`).
const CHUNK: usize = 1 << 16;

/// Runs `call` over `input` in slices of at most [`CHUNK`], each with room for
/// `out_len(slice length)` outputs, which `call` (SpanDSP's `what`) must fill exactly; the
/// outputs in order.
fn in_chunks<I, O: Copy + Default>(
    input: &[I],
    out_len: impl Fn(usize) -> usize,
    what: &str,
    mut call: impl FnMut(&[I], &mut [O]) -> c_int,
) -> Vec<O> {
    let mut out = Vec::with_capacity(out_len(input.len()));
    for part in input.chunks(CHUNK) {
        let mut written = vec![O::default(); out_len(part.len())];
        let n = call(part, &mut written);
        assert_eq!(n as usize, written.len(), "{what} wrote {n} values");
        out.extend_from_slice(&written);
    }
    out
}

/// SpanDSP's G.722 decoder at 64, 56 or 48 kbit/s.
///
/// SpanDSP's unpacked codes for 56 and 48 kbit/s hold only the code bits, right-aligned:
/// the 64 kbit/s octet shifted right by 1 or 2. [`decode`](Self::decode) takes octets in the
/// 64 kbit/s layout and shifts them itself, so both decoders read the same input.
pub struct SpanDspG722Decoder {
    state: *mut DecodeState,
    shift: u32,
}

impl SpanDspG722Decoder {
    /// A new decoder for `bits_per_second` (64,000, 56,000 or 48,000).
    #[allow(unsafe_code)]
    pub fn new(bits_per_second: u32) -> Self {
        let shift = match bits_per_second {
            64_000 => 0,
            56_000 => 1,
            48_000 => 2,
            _ => panic!("G.722 has no {bits_per_second} bit/s mode"),
        };
        // SAFETY: a null state asks SpanDSP to allocate one; `drop` frees it.
        let state = unsafe { g722_decode_init(std::ptr::null_mut(), bits_per_second as c_int, 0) };
        assert!(!state.is_null(), "g722_decode_init failed");
        SpanDspG722Decoder { state, shift }
    }

    /// Decodes octets (64 kbit/s layout) into 16 kHz samples, two per octet.
    #[allow(unsafe_code)]
    pub fn decode(&mut self, codes: &[u8]) -> Vec<i16> {
        let codes: Vec<u8> = codes.iter().map(|&c| c >> self.shift).collect();
        in_chunks(
            &codes,
            |n| n * 2,
            "g722_decode",
            |part, samples| {
                // SAFETY: `state` is a live decoder, `part` holds `len` octets and `samples`
                // room for the two samples SpanDSP writes per octet.
                unsafe {
                    g722_decode(
                        self.state,
                        samples.as_mut_ptr(),
                        part.as_ptr(),
                        part.len() as c_int,
                    )
                }
            },
        )
    }
}

impl Drop for SpanDspG722Decoder {
    #[allow(unsafe_code)]
    fn drop(&mut self) {
        // SAFETY: `state` came from `g722_decode_init` and is freed once.
        unsafe {
            g722_decode_free(self.state);
        }
    }
}

/// SpanDSP's G.722 encoder at 64 kbit/s.
pub struct SpanDspG722Encoder {
    state: *mut EncodeState,
}

impl SpanDspG722Encoder {
    /// A new encoder.
    #[allow(unsafe_code)]
    pub fn new() -> Self {
        // SAFETY: a null state asks SpanDSP to allocate one; `drop` frees it.
        let state = unsafe { g722_encode_init(std::ptr::null_mut(), 64_000, 0) };
        assert!(!state.is_null(), "g722_encode_init failed");
        SpanDspG722Encoder { state }
    }

    /// Encodes 16 kHz samples, an even number of them, into octets, one per pair.
    #[allow(unsafe_code)]
    pub fn encode(&mut self, samples: &[i16]) -> Vec<u8> {
        assert!(
            samples.len().is_multiple_of(2),
            "SpanDSP encodes whole pairs only"
        );
        in_chunks(
            samples,
            |n| n / 2,
            "g722_encode",
            |part, codes| {
                // SAFETY: `state` is a live encoder, `part` holds `len` samples (even) and
                // `codes` room for one octet per pair.
                unsafe {
                    g722_encode(
                        self.state,
                        codes.as_mut_ptr(),
                        part.as_ptr(),
                        part.len() as c_int,
                    )
                }
            },
        )
    }
}

impl Default for SpanDspG722Encoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for SpanDspG722Encoder {
    #[allow(unsafe_code)]
    fn drop(&mut self) {
        // SAFETY: `state` came from `g722_encode_init` and is freed once.
        unsafe {
            g722_encode_free(self.state);
        }
    }
}
