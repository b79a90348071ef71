//! The sixteen DTMF keys, as Graph's `stopTones` spell them (`"0"`…`"9"`, `"*"`, `"#"`,
//! `"A"`…`"D"`), and the set type used for a request's stop tones.

/// One DTMF key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Digit {
    /// Key 0.
    D0,
    /// Key 1.
    D1,
    /// Key 2.
    D2,
    /// Key 3.
    D3,
    /// Key 4.
    D4,
    /// Key 5.
    D5,
    /// Key 6.
    D6,
    /// Key 7.
    D7,
    /// Key 8.
    D8,
    /// Key 9.
    D9,
    /// Key `*`.
    Star,
    /// Key `#`.
    Pound,
    /// Key A (fourth column).
    A,
    /// Key B (fourth column).
    B,
    /// Key C (fourth column).
    C,
    /// Key D (fourth column).
    D,
}

impl Digit {
    /// All sixteen keys, in [`Digit::index`] order.
    pub const ALL: [Digit; 16] = [
        Digit::D0,
        Digit::D1,
        Digit::D2,
        Digit::D3,
        Digit::D4,
        Digit::D5,
        Digit::D6,
        Digit::D7,
        Digit::D8,
        Digit::D9,
        Digit::Star,
        Digit::Pound,
        Digit::A,
        Digit::B,
        Digit::C,
        Digit::D,
    ];

    /// Position of the key in [`Digit::ALL`] (0–15).
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The keypad character: `0`–`9`, `*`, `#`, `A`–`D`.
    pub const fn as_char(self) -> char {
        match self {
            Digit::D0 => '0',
            Digit::D1 => '1',
            Digit::D2 => '2',
            Digit::D3 => '3',
            Digit::D4 => '4',
            Digit::D5 => '5',
            Digit::D6 => '6',
            Digit::D7 => '7',
            Digit::D8 => '8',
            Digit::D9 => '9',
            Digit::Star => '*',
            Digit::Pound => '#',
            Digit::A => 'A',
            Digit::B => 'B',
            Digit::C => 'C',
            Digit::D => 'D',
        }
    }

    /// The key for a keypad character; `a`–`d` are accepted as `A`–`D`.
    pub const fn from_char(c: char) -> Option<Digit> {
        Some(match c {
            '0' => Digit::D0,
            '1' => Digit::D1,
            '2' => Digit::D2,
            '3' => Digit::D3,
            '4' => Digit::D4,
            '5' => Digit::D5,
            '6' => Digit::D6,
            '7' => Digit::D7,
            '8' => Digit::D8,
            '9' => Digit::D9,
            '*' => Digit::Star,
            '#' => Digit::Pound,
            'A' | 'a' => Digit::A,
            'B' | 'b' => Digit::B,
            'C' | 'c' => Digit::C,
            'D' | 'd' => Digit::D,
            _ => return None,
        })
    }

    /// The key with this [`Digit::index`].
    pub const fn from_index(i: usize) -> Option<Digit> {
        if i < 16 {
            Some(Digit::ALL[i])
        } else {
            None
        }
    }

    /// The RFC 4733 telephone-event code (0–15) of this key.
    pub const fn event_code(self) -> u8 {
        self as u8
    }
}

/// A set of keys, such as a request's stop tones (one bit per [`Digit::index`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct DigitSet(u16);

impl DigitSet {
    /// The empty set.
    pub const EMPTY: DigitSet = DigitSet(0);

    /// Adds a key.
    pub const fn with(self, d: Digit) -> DigitSet {
        DigitSet(self.0 | 1 << d.index())
    }

    /// Whether the set holds `d`.
    pub const fn contains(self, d: Digit) -> bool {
        self.0 & (1 << d.index()) != 0
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The keys in the set, in [`Digit::index`] order.
    pub fn iter(self) -> impl Iterator<Item = Digit> {
        Digit::ALL.into_iter().filter(move |d| self.contains(*d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chars_round_trip() {
        for d in Digit::ALL {
            assert_eq!(Digit::from_char(d.as_char()), Some(d));
            assert_eq!(Digit::from_index(d.index()), Some(d));
        }
        assert_eq!(Digit::from_char('e'), None);
        assert_eq!(Digit::from_index(16), None);
    }

    #[test]
    fn set_membership() {
        let s = DigitSet::EMPTY.with(Digit::Pound).with(Digit::D1);
        assert!(s.contains(Digit::Pound) && s.contains(Digit::D1));
        assert!(!s.contains(Digit::Star));
        assert_eq!(s.iter().count(), 2);
    }
}
