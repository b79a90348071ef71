//! SpanDSP's G.711 codec (Debian's libspandsp-dev), declared here by hand from
//! `spandsp/g711.h`: the independent reference recresp's μ-law and A-law are checked against.

use std::ffi::c_int;

use recresp_core::Law;

/// Opaque `g711_state_t`.
#[repr(C)]
struct G711State {
    _private: [u8; 0],
}

/// `G711_ALAW` and `G711_ULAW` of `spandsp/g711.h`.
const G711_ALAW: c_int = 0;
const G711_ULAW: c_int = 1;

#[link(name = "spandsp")]
extern "C" {
    fn g711_init(s: *mut G711State, mode: c_int) -> *mut G711State;
    fn g711_encode(s: *mut G711State, g711_data: *mut u8, amp: *const i16, len: c_int) -> c_int;
    fn g711_decode(s: *mut G711State, amp: *mut i16, g711_data: *const u8, bytes: c_int) -> c_int;
    fn g711_free(s: *mut G711State) -> c_int;
}

/// A SpanDSP G.711 context for one law.
struct Codec(*mut G711State);

impl Codec {
    #[allow(unsafe_code)]
    fn new(law: Law) -> Self {
        let mode = match law {
            Law::Ulaw => G711_ULAW,
            Law::Alaw => G711_ALAW,
        };
        // SAFETY: a null state asks SpanDSP to allocate one, freed by `drop`.
        let state = unsafe { g711_init(std::ptr::null_mut(), mode) };
        assert!(!state.is_null(), "g711_init failed");
        Codec(state)
    }
}

impl Drop for Codec {
    #[allow(unsafe_code)]
    fn drop(&mut self) {
        // SAFETY: the state came from `g711_init` and is freed once.
        unsafe {
            g711_free(self.0);
        }
    }
}

/// SpanDSP's code for each of `samples`.
#[allow(unsafe_code)]
pub fn encode(law: Law, samples: &[i16]) -> Vec<u8> {
    let codec = Codec::new(law);
    let mut out = vec![0u8; samples.len()];
    let len = c_int::try_from(samples.len()).expect("fewer than 2^31 samples");
    // SAFETY: `out` has room for `len` codes and `samples` holds `len` samples.
    let n = unsafe { g711_encode(codec.0, out.as_mut_ptr(), samples.as_ptr(), len) };
    out.truncate(n.max(0) as usize);
    out
}

/// SpanDSP's linear value of each of `codes`.
#[allow(unsafe_code)]
pub fn decode(law: Law, codes: &[u8]) -> Vec<i16> {
    let codec = Codec::new(law);
    let mut out = vec![0i16; codes.len()];
    let len = c_int::try_from(codes.len()).expect("fewer than 2^31 codes");
    // SAFETY: `out` has room for `len` samples and `codes` holds `len` codes.
    let n = unsafe { g711_decode(codec.0, out.as_mut_ptr(), codes.as_ptr(), len) };
    out.truncate(n.max(0) as usize);
    out
}
