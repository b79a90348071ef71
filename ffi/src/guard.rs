//! The checks at the C boundary: every entry point runs inside [`guard`], which turns a
//! panic into [`recresp_result::InternalError`] instead of unwinding into C, and every
//! pointer argument goes through one of the functions here, which turn NULL, misaligned or
//! oversized arguments into result codes before any reference is made from them.
//!
//! Assumes what C promises for a non-NULL pointer: it points to as many valid elements as
//! the length argument says, for the duration of the call, and nothing else writes there
//! meanwhile.

use core::ffi::c_char;

use crate::result::recresp_result;

/// Runs `f`, turning a panic into [`recresp_result::InternalError`] (or `on_panic` for
/// functions that do not return a result code).
#[cfg(feature = "std")]
pub(crate) fn guard_or<T>(on_panic: T, f: impl FnOnce() -> T) -> T {
    // The closure's captures are raw pointers and plain values; after a panic the handle
    // it touched may be inconsistent, which the InternalError code tells the host.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or(on_panic)
}

/// Without std, panics abort (the panic handler halts), so nothing unwinds into C.
#[cfg(not(feature = "std"))]
pub(crate) fn guard_or<T>(_on_panic: T, f: impl FnOnce() -> T) -> T {
    f()
}

/// Runs `f`, turning `Err(code)` into `code` and a panic into `InternalError`.
pub(crate) fn guard(f: impl FnOnce() -> Result<(), recresp_result>) -> recresp_result {
    guard_or(recresp_result::InternalError, || match f() {
        Ok(()) => recresp_result::Ok,
        Err(e) => e,
    })
}

/// Checks a pointer that must be non-NULL and aligned for `T`.
pub(crate) fn check_ptr<T>(p: *const T) -> Result<(), recresp_result> {
    if p.is_null() {
        Err(recresp_result::NullPointer)
    } else if !p.is_aligned() {
        Err(recresp_result::MisalignedPointer)
    } else {
        Ok(())
    }
}

/// A shared reference to a handle.
///
/// # Safety
/// A non-NULL `p` must point to a live `T` that nothing mutates during `'a`.
pub(crate) unsafe fn handle_ref<'a, T>(p: *const T) -> Result<&'a T, recresp_result> {
    check_ptr(p)?;
    // SAFETY: non-NULL and aligned (checked); live and unaliased by the caller's contract.
    Ok(unsafe { &*p })
}

/// An exclusive reference to a handle.
///
/// # Safety
/// A non-NULL `p` must point to a live `T` that nothing else uses during `'a`.
pub(crate) unsafe fn handle_mut<'a, T>(p: *mut T) -> Result<&'a mut T, recresp_result> {
    check_ptr(p)?;
    // SAFETY: non-NULL and aligned (checked); live and exclusive by the caller's contract.
    Ok(unsafe { &mut *p })
}

/// A slice of `len` elements read from `p`.
///
/// # Safety
/// A non-NULL `p` must point to `len` initialised elements that stay unchanged during `'a`.
pub(crate) unsafe fn slice_in<'a, T>(p: *const T, len: usize) -> Result<&'a [T], recresp_result> {
    check_ptr(p)?;
    if len
        .checked_mul(size_of::<T>())
        .is_none_or(|b| b > isize::MAX as usize)
    {
        return Err(recresp_result::InvalidArgument);
    }
    // SAFETY: non-NULL, aligned, and the byte size fits isize (checked); `len` readable
    // elements by the caller's contract.
    Ok(unsafe { core::slice::from_raw_parts(p, len) })
}

/// A UTF-8 string of `len` bytes at `p` (not NUL-terminated; a NUL inside is kept).
///
/// # Safety
/// As [`slice_in`].
pub(crate) unsafe fn str_in<'a>(p: *const c_char, len: usize) -> Result<&'a str, recresp_result> {
    // SAFETY: forwarded contract.
    let bytes = unsafe { slice_in(p.cast::<u8>(), len) }?;
    core::str::from_utf8(bytes).map_err(|_| recresp_result::InvalidUtf8)
}

/// Writes `value` to an out-parameter (without reading or dropping what was there).
///
/// # Safety
/// A non-NULL `p` must point to writable memory for one `T`.
pub(crate) unsafe fn write_out<T>(p: *mut T, value: T) -> Result<(), recresp_result> {
    check_ptr(p)?;
    // SAFETY: non-NULL and aligned (checked), writable by the caller's contract.
    unsafe { p.write(value) };
    Ok(())
}

/// A zeroed byte buffer of `len` bytes at `p`, for writers that need `&mut [u8]`.
///
/// # Safety
/// A non-NULL `p` must point to `len` writable bytes that nothing else uses during `'a`.
pub(crate) unsafe fn buffer_out<'a>(
    p: *mut c_char,
    len: usize,
) -> Result<&'a mut [u8], recresp_result> {
    let p = p.cast::<u8>();
    check_ptr(p)?;
    if len > isize::MAX as usize {
        return Err(recresp_result::InvalidArgument);
    }
    // SAFETY: non-NULL, size fits isize (checked), `len` writable bytes by the caller's
    // contract. Zeroing first makes every byte initialised before a slice refers to them.
    unsafe {
        p.write_bytes(0, len);
        Ok(core::slice::from_raw_parts_mut(p, len))
    }
}

/// Copies `text` and a NUL into the caller's buffer and stores its length (without the
/// NUL) in `written`. A buffer shorter than `text.len() + 1` gets nothing and `written` is
/// set to 0.
///
/// # Safety
/// As [`buffer_out`] for `buf`/`len`, and [`write_out`] for `written`.
pub(crate) unsafe fn copy_string_out(
    text: &[u8],
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> Result<(), recresp_result> {
    check_ptr(written)?;
    // SAFETY: forwarded contract.
    let out = unsafe { buffer_out(buf, len) }?;
    // SAFETY: checked above; writable by contract.
    unsafe { write_out(written, 0) }?;
    let Some(dst) = out.get_mut(..text.len() + 1) else {
        return Err(recresp_result::BufferTooSmall);
    };
    let (body, nul) = dst.split_at_mut(text.len());
    body.copy_from_slice(text);
    nul.fill(0);
    // SAFETY: checked above; writable by contract.
    unsafe { write_out(written, text.len()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_result_code() {
        let r = guard(|| {
            let v: [u8; 0] = [];
            // An out-of-bounds index the optimiser cannot remove: a real panic.
            let i = std::hint::black_box(3usize);
            Err(recresp_result::from_u32(u32::from(v[i])).unwrap_or(recresp_result::Ok))
        });
        assert_eq!(r, recresp_result::InternalError);
        assert_eq!(guard_or(7, || -> i32 { panic!("boom") }), 7);
        assert_eq!(
            guard(|| Err(recresp_result::TooLong)),
            recresp_result::TooLong
        );
        assert_eq!(guard(|| Ok(())), recresp_result::Ok);
    }

    #[test]
    fn pointers_are_checked_before_use() {
        let x = [0i16; 4];
        assert_eq!(
            check_ptr::<i16>(core::ptr::null()),
            Err(recresp_result::NullPointer)
        );
        let odd = x.as_ptr().cast::<u8>().wrapping_add(1).cast::<i16>();
        assert_eq!(check_ptr(odd), Err(recresp_result::MisalignedPointer));
        // SAFETY: a too-large length is refused before any slice is made.
        let huge = unsafe { slice_in(x.as_ptr(), usize::MAX / 2) };
        assert_eq!(huge, Err(recresp_result::InvalidArgument));
    }
}
