//! The peers recresp is compared with, through minimal bindings to their Debian or PyPI
//! builds: SpanDSP's DTMF receiver and G.711 and G.722 codecs, WebRTC's VAD and Silero VAD.
pub mod silero_vad;
pub mod spandsp;
pub mod spandsp_g711;
pub mod spandsp_g722;
pub mod webrtc_vad;
