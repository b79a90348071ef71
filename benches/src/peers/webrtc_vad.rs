//! The WebRTC voice activity detector, from Debian's `libwebrtc-audio-processing-dev`, as a
//! peer to compare recresp's speech detector with.
//!
//! The package exports the VAD's C functions but ships no header for them, so they are
//! declared here. It takes 10, 20 or 30 ms frames at 8, 16, 32 or 48 kHz and returns one
//! speech/non-speech flag per frame.
#![allow(unsafe_code)]

use std::ffi::c_int;

/// The library's opaque VAD instance.
#[repr(C)]
struct VadInst {
    _private: [u8; 0],
}

#[link(name = "webrtc_audio_processing")]
extern "C" {
    fn WebRtcVad_Create() -> *mut VadInst;
    fn WebRtcVad_Free(handle: *mut VadInst);
    fn WebRtcVad_Init(handle: *mut VadInst) -> c_int;
    fn WebRtcVad_set_mode(handle: *mut VadInst, mode: c_int) -> c_int;
    fn WebRtcVad_Process(
        handle: *mut VadInst,
        fs: c_int,
        audio_frame: *const i16,
        frame_length: usize,
    ) -> c_int;
}

/// One WebRTC VAD instance.
pub struct WebRtcVad {
    handle: *mut VadInst,
    rate_hz: u32,
}

impl WebRtcVad {
    /// A VAD for audio at `rate_hz` in aggressiveness `mode` (0–3; 3 is the most aggressive).
    pub fn new(rate_hz: u32, mode: u8) -> Result<Self, String> {
        // SAFETY: Create has no preconditions; a null result is handled below.
        let handle = unsafe { WebRtcVad_Create() };
        if handle.is_null() {
            return Err("WebRtcVad_Create failed".into());
        }
        let vad = WebRtcVad { handle, rate_hz };
        // SAFETY: `handle` is a live instance from Create, freed only in Drop.
        let ok = unsafe {
            WebRtcVad_Init(vad.handle) == 0 && WebRtcVad_set_mode(vad.handle, mode.into()) == 0
        };
        if !ok {
            return Err(format!("WebRtcVad_Init/set_mode({mode}) failed"));
        }
        Ok(vad)
    }

    /// Classifies one frame of 10, 20 or 30 ms: `Some(true)` for speech, `None` if the
    /// library rejects the frame length.
    pub fn process(&mut self, frame: &[i16]) -> Option<bool> {
        // SAFETY: `handle` is live; the library reads exactly `frame.len()` samples from
        // `frame.as_ptr()`, which `frame` covers.
        let r = unsafe {
            WebRtcVad_Process(
                self.handle,
                self.rate_hz as c_int,
                frame.as_ptr(),
                frame.len(),
            )
        };
        match r {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

impl Drop for WebRtcVad {
    fn drop(&mut self) {
        // SAFETY: `handle` came from Create and is freed exactly once.
        unsafe { WebRtcVad_Free(self.handle) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silence_is_not_speech_and_bad_length_is_rejected() {
        let mut vad = WebRtcVad::new(8000, 3).unwrap();
        assert_eq!(vad.process(&[0; 80]), Some(false));
        assert_eq!(vad.process(&[0; 77]), None);
    }
}
