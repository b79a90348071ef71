//! What recresp's G.722 codec costs on a Cortex-M3 (QEMU mps2-an385): encodes one second of
//! the core's speech-like voice at 16 kHz in 10 ms frames, then decodes the octets in 10 ms
//! frames, each call bracketed by its own pair of marker functions so the instruction-counting
//! plugin measures encoding and decoding apart (`scripts/g722-cost.sh`). Prints the frame
//! count, the codecs' state sizes and the checksums of the octets and of the decoded audio,
//! which must equal the host's (`core/tests/g722_codec.rs` checks the same figures), so the
//! image also shows the codec bit for bit the same on the Cortex-M3.
//!
//! QEMU exits with status 0 only if both checksums match.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use defmt_semihosting as _;
use recresp_core::codec::{G722Decoder, G722Encoder};
use recresp_core::synth::add_voice;
use recresp_core::SampleRate;
use recresp_firmware_example::qemu_exit::exit;
use recresp_harness::Fnv1a32;

/// Samples in 10 ms at 16 kHz.
const FRAME_SAMPLES: usize = 160;
/// Octets in 10 ms of G.722.
const FRAME_OCTETS: usize = FRAME_SAMPLES / 2;
/// One second at 16 kHz.
const SAMPLES: usize = 16_000;
/// FNV-1a 32 of the octets the encoder makes of the voice (as on the host).
const CODES_FNV: u32 = 0xbe0e_0f63;
/// FNV-1a 32 of the decoded audio, little-endian samples (as on the host).
const DECODED_FNV: u32 = 0x26be_70df;

/// Marks the start of a measured encoder call.
#[inline(never)]
#[no_mangle]
pub extern "C" fn g722_encode_start() {
    cortex_m::asm::nop();
}

/// Marks the end of a measured encoder call.
#[inline(never)]
#[no_mangle]
pub extern "C" fn g722_encode_stop() {
    cortex_m::asm::nop();
    cortex_m::asm::nop();
}

/// Marks the start of a measured decoder call.
#[inline(never)]
#[no_mangle]
pub extern "C" fn g722_decode_start() {
    cortex_m::asm::nop();
    cortex_m::asm::nop();
    cortex_m::asm::nop();
}

/// Marks the end of a measured decoder call.
#[inline(never)]
#[no_mangle]
pub extern "C" fn g722_decode_stop() {
    cortex_m::asm::nop();
    cortex_m::asm::nop();
    cortex_m::asm::nop();
    cortex_m::asm::nop();
}

#[entry]
fn main() -> ! {
    static mut VOICE: [i16; SAMPLES] = [0; SAMPLES];
    static mut CODES: [u8; SAMPLES / 2] = [0; SAMPLES / 2];
    static mut ENCODER: G722Encoder = G722Encoder::new();
    static mut DECODER: G722Decoder = G722Decoder::new();

    add_voice(VOICE, 12_000, SampleRate::Hz16000, 1);
    let mut frames = 0u32;
    let mut failed = false;
    for (samples, codes) in VOICE
        .chunks_exact(FRAME_SAMPLES)
        .zip(CODES.chunks_exact_mut(FRAME_OCTETS))
    {
        g722_encode_start();
        let written = ENCODER.encode(samples, codes);
        g722_encode_stop();
        failed |= written != Ok(FRAME_OCTETS);
        frames += 1;
    }
    let mut codes_fnv = Fnv1a32::new();
    codes_fnv.bytes(CODES);
    let mut decoded_fnv = Fnv1a32::new();
    let mut out = [0i16; FRAME_SAMPLES];
    for codes in CODES.chunks_exact(FRAME_OCTETS) {
        g722_decode_start();
        let written = DECODER.decode(codes, &mut out);
        g722_decode_stop();
        failed |= written != Ok(FRAME_SAMPLES);
        decoded_fnv.samples(&out);
    }
    defmt::info!(
        "g722: frames={=u32} (10 ms at 16 kHz), decoder state {=usize} bytes, encoder state {=usize} bytes",
        frames,
        core::mem::size_of::<G722Decoder>(),
        core::mem::size_of::<G722Encoder>()
    );
    defmt::info!(
        "g722: octets fnv {=u32:#010x} (expected {=u32:#010x}), decoded fnv {=u32:#010x} (expected {=u32:#010x})",
        codes_fnv.value(),
        CODES_FNV,
        decoded_fnv.value(),
        DECODED_FNV
    );
    let ok = !failed && codes_fnv.value() == CODES_FNV && decoded_fnv.value() == DECODED_FNV;
    defmt::info!("g722: {=str}", if ok { "match" } else { "MISMATCH" });
    exit(ok)
}
