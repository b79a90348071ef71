//! The record beep for C hosts: when a `BEEP_STARTED` event arrives the host plays these
//! samples to the caller (a 1000 Hz tone of 200 ms with faded ends, the same on every
//! target). Stateless: the host asks for any stretch of it by offset.

use recresp_core::{Beep, SampleRate};

use crate::guard::{check_ptr, guard, write_out};
use crate::result::recresp_result;

/// The beep's length in samples at 16 kHz, the most it has at any rate.
pub const RECRESP_BEEP_MAX_SAMPLES: usize = 3200;

const _: () = assert!(Beep::len(SampleRate::Hz16000) as usize == RECRESP_BEEP_MAX_SAMPLES);

/// The beep's length in samples at `sample_rate_hz` (8000 or 16000); 0 for another rate.
#[no_mangle]
pub extern "C" fn recresp_beep_length(sample_rate_hz: u32) -> u32 {
    SampleRate::from_hz(sample_rate_hz).map_or(0, Beep::len)
}

/// Writes up to `count` samples of the beep at `sample_rate_hz`, starting `offset` samples
/// into it, to `out`, and how many were written into `*written` (fewer than `count` at the
/// end of the beep; 0 past it). `RECRESP_RESULT_INVALID_ARGUMENT` for a rate other than
/// 8000 or 16000.
///
/// # Safety
/// `out` must be NULL or point to `count` writable samples; `written` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn recresp_beep_samples(
    sample_rate_hz: u32,
    offset: u32,
    out: *mut i16,
    count: usize,
    written: *mut usize,
) -> recresp_result {
    guard(|| {
        check_ptr(out)?;
        check_ptr(written)?;
        let rate = SampleRate::from_hz(sample_rate_hz).ok_or(recresp_result::InvalidArgument)?;
        let mut beep = Beep::new(rate);
        let mut skip = offset.min(beep.remaining());
        let mut scratch = [0i16; 64];
        while skip > 0 {
            let n = (skip as usize).min(scratch.len());
            let skipped = beep.fill(scratch.get_mut(..n).unwrap_or(&mut []));
            skip -= skipped as u32;
            if skipped == 0 {
                break;
            }
        }
        let n = count.min(beep.remaining() as usize);
        let mut chunk = [0i16; 64];
        let mut done = 0;
        while done < n {
            let k = beep.fill(chunk.get_mut(..(n - done).min(64)).unwrap_or(&mut []));
            if k == 0 {
                break;
            }
            // SAFETY: `out` is non-NULL and aligned (checked) with `count` writable samples
            // by the caller's contract, and `done + k <= n <= count`.
            unsafe {
                core::ptr::copy_nonoverlapping(chunk.as_ptr(), out.add(done), k);
            }
            done += k;
        }
        // SAFETY: checked above; writable by contract.
        unsafe { write_out(written, done) }
    })
}
