//! Peak stack use. cortex-m-rt (feature `paint-stack`) fills the stack with a known word
//! before `main`; the deepest word no longer holding it marks how deep the stack has been.
//!
//! Assumes cortex-m-rt's linker symbols: the stack grows down from `_stack_start` to at most
//! `_stack_end`.

use cortex_m_rt::STACK_PAINT_VALUE;

extern "C" {
    static _stack_start: u32;
    static _stack_end: u32;
}

/// Bytes of stack used so far, at most (the deepest point reached since reset).
pub fn peak_bytes() -> usize {
    // Only the addresses of the linker symbols are taken, never their contents.
    let (top, bottom) = (
        core::ptr::addr_of!(_stack_start) as usize,
        core::ptr::addr_of!(_stack_end) as usize,
    );
    let mut deepest = bottom;
    while deepest < top {
        // SAFETY: `bottom..top` is the stack region, mapped RAM, word-aligned (checked by
        // cortex-m-rt's linker script); reading it has no side effects.
        if unsafe { core::ptr::read_volatile(deepest as *const u32) } != STACK_PAINT_VALUE {
            break;
        }
        deepest += 4;
    }
    top - deepest
}
