//! Sample rates the core runs at. Every duration inside the core is a count of samples at
//! one of these rates.

/// The caller's sample rate: narrowband (8 kHz) or wideband (16 kHz) telephony.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum SampleRate {
    /// 8000 samples per second (G.711, G.729 and most PSTN legs).
    Hz8000,
    /// 16000 samples per second (G.722 and wideband SIP legs).
    Hz16000,
}

impl SampleRate {
    /// Samples per second.
    pub const fn hz(self) -> u32 {
        match self {
            SampleRate::Hz8000 => 8000,
            SampleRate::Hz16000 => 16000,
        }
    }

    /// Samples per millisecond (8 or 16).
    pub const fn per_ms(self) -> u32 {
        self.hz() / 1000
    }

    /// The number of samples in `ms` milliseconds.
    pub const fn samples_in_ms(self, ms: u32) -> u64 {
        ms as u64 * self.per_ms() as u64
    }

    /// The number of samples in `s` seconds.
    pub const fn samples_in_s(self, s: u32) -> u64 {
        s as u64 * self.hz() as u64
    }

    /// The rate with `hz` samples per second, if the core supports it.
    pub const fn from_hz(hz: u32) -> Option<SampleRate> {
        match hz {
            8000 => Some(SampleRate::Hz8000),
            16000 => Some(SampleRate::Hz16000),
            _ => None,
        }
    }
}
