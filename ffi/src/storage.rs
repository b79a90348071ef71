//! Where a handle lives: on the heap (`_new`, released by `_free`) or in storage the
//! caller provides (`_init_in`, for hosts without malloc; `_free` leaves it alone).
//!
//! The header states one storage size per handle type (per kind, for channels), the largest
//! over the targets recresp builds for, and a union type of that size aligned to 8 bytes;
//! compile-time assertions keep the real sizes within it.

use core::ffi::c_void;

use crate::guard::{check_ptr, write_out};
use crate::result::recresp_result;

/// Alignment, in bytes, that storage passed to an `_init_in` function must have.
pub(crate) const STORAGE_ALIGN: usize = 8;

/// Where a handle's memory came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Allocated by a `_new` function; `_free` releases it.
    Heap,
    /// Provided by the caller to an `_init_in` function; `_free` does nothing.
    Caller,
}

/// A handle type: it knows where its memory came from.
pub(crate) trait Handle: Sized {
    /// Where this handle's memory came from.
    fn origin(&self) -> Origin;
}

/// Moves `value` to the heap and stores the handle in `*out`.
///
/// # Safety
/// A non-NULL `out` must point to writable memory for one pointer.
#[cfg(feature = "std")]
pub(crate) unsafe fn new_in_heap<T>(value: T, out: *mut *mut T) -> Result<(), recresp_result> {
    check_ptr(out)?;
    let p = Box::into_raw(Box::new(value));
    // SAFETY: `out` checked; writable by the caller's contract.
    unsafe { write_out(out, p) }
}

/// Without std there is no heap: `Unsupported`, and `*out` is set to NULL.
///
/// # Safety
/// A non-NULL `out` must point to writable memory for one pointer.
#[cfg(not(feature = "std"))]
pub(crate) unsafe fn new_in_heap<T>(value: T, out: *mut *mut T) -> Result<(), recresp_result> {
    drop(value);
    // SAFETY: forwarded contract.
    unsafe { write_out(out, core::ptr::null_mut()) }?;
    Err(recresp_result::Unsupported)
}

/// Checks caller storage of `len` bytes at `buf` for a `T`, then moves `make()` into it and
/// stores the handle in `*out`. Nothing is written to `buf` when a check fails.
///
/// # Safety
/// A non-NULL `buf` must point to `len` writable bytes that the caller keeps alive, and does
/// not otherwise use, for as long as it uses the handle; a non-NULL `out` must point to
/// writable memory for one pointer.
pub(crate) unsafe fn init_in_caller_storage<T>(
    buf: *mut c_void,
    len: usize,
    out: *mut *mut T,
    make: impl FnOnce() -> Result<T, recresp_result>,
) -> Result<(), recresp_result> {
    check_ptr(out)?;
    if buf.is_null() {
        return Err(recresp_result::NullPointer);
    }
    let p = buf.cast::<T>();
    if !p.is_aligned() {
        return Err(recresp_result::StorageMisaligned);
    }
    if len < size_of::<T>() {
        return Err(recresp_result::StorageTooSmall);
    }
    let value = make()?;
    // SAFETY: `p` is non-NULL, aligned for T and has room for one T (checked above), and is
    // writable by the caller's contract; `write` does not read the old bytes.
    unsafe { p.write(value) };
    // SAFETY: `out` checked; writable by the caller's contract.
    unsafe { write_out(out, p) }
}

/// Releases a heap handle; NULL and caller-storage handles are left alone.
///
/// # Safety
/// A non-NULL `p` must be a live handle from `new_in_heap` or `init_in_caller_storage`,
/// not used again after this call if it came from the heap.
pub(crate) unsafe fn free_handle<T: Handle>(p: *mut T) {
    if check_ptr(p).is_err() {
        return;
    }
    // SAFETY: non-NULL, aligned, and a live handle by the caller's contract.
    let origin = unsafe { &*p }.origin();
    if origin == Origin::Heap {
        // SAFETY: a heap handle from `new_in_heap`, released once (caller's contract).
        unsafe { release_heap(p) };
    }
}

/// Releases a handle made by `new_in_heap`.
///
/// # Safety
/// `p` must come from `new_in_heap` and not be used again.
#[cfg(feature = "std")]
pub(crate) unsafe fn release_heap<T>(p: *mut T) {
    // SAFETY: `p` came from Box::into_raw (caller's contract).
    drop(unsafe { Box::from_raw(p) });
}

/// Without std no handle is on the heap.
///
/// # Safety
/// Nothing to uphold.
#[cfg(not(feature = "std"))]
pub(crate) unsafe fn release_heap<T>(_: *mut T) {}
