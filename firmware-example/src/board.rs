//! The board: QEMU's MPS2 FPGA I/O block, where a real phone would have its own pins. LED 0
//! lights while the recorder captures the caller's answer, driven through embedded-hal's
//! `OutputPin`, so the application code would run unchanged on any HAL's pin.
//!
//! Assumes the MPS2 memory map (AN385 and AN386): the FPGA I/O block at 0x4002_8000, LED
//! register at offset 0, bit 0 is LED 0.

use core::convert::Infallible;

use embedded_hal::digital::{ErrorType, OutputPin, StatefulOutputPin};

/// Address of the FPGA I/O block's LED register.
const FPGAIO_LED: *mut u32 = 0x4002_8000 as *mut u32;

/// LED 0 of the MPS2 board.
pub struct Led0 {
    _private: (),
}

impl Led0 {
    /// Takes LED 0, switched off. Call once: the pin is a single register bit.
    pub fn take() -> Self {
        let mut led = Led0 { _private: () };
        let _ = led.set_low();
        led
    }

    fn read() -> u32 {
        // SAFETY: FPGAIO_LED is the LED register of the MPS2 memory map, always mapped and
        // readable as a 32-bit word without side effects.
        unsafe { core::ptr::read_volatile(FPGAIO_LED) }
    }

    fn write(value: u32) {
        // SAFETY: as in `read`; writing only changes the LEDs. `Led0` is the only writer.
        unsafe { core::ptr::write_volatile(FPGAIO_LED, value) }
    }
}

impl ErrorType for Led0 {
    type Error = Infallible;
}

impl OutputPin for Led0 {
    fn set_low(&mut self) -> Result<(), Infallible> {
        Self::write(Self::read() & !1);
        Ok(())
    }

    fn set_high(&mut self) -> Result<(), Infallible> {
        Self::write(Self::read() | 1);
        Ok(())
    }
}

impl StatefulOutputPin for Led0 {
    fn is_set_high(&mut self) -> Result<bool, Infallible> {
        Ok(Self::read() & 1 == 1)
    }

    fn is_set_low(&mut self) -> Result<bool, Infallible> {
        Ok(Self::read() & 1 == 0)
    }
}
