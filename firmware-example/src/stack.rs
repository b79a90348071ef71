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

/// Paints the free stack below the caller again, so that [`peak_bytes`] afterwards tells
/// how deep the stack went from here on (or how deep it is now, if deeper): the way to
/// measure one stretch of the run without what came before it (the request parse, say).
#[inline(never)]
pub fn repaint() {
    let bottom = core::ptr::addr_of!(_stack_end) as usize;
    // Everything below the stack pointer is free; keep clear of this function's own frame.
    let limit = (cortex_m::register::msp::read() as usize).saturating_sub(64) & !3;
    let mut at = bottom;
    while at < limit {
        // SAFETY: `bottom..limit` lies in the stack region below the stack pointer: mapped,
        // word-aligned RAM no live frame uses (there are no interrupts in this firmware).
        unsafe { core::ptr::write_volatile(at as *mut u32, STACK_PAINT_VALUE) };
        at += 4;
    }
}
