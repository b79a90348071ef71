//! A strict JSON reader (RFC 8259) for the request parser: a validator that checks a whole
//! text before anything reads it, and the small reading steps the parser is built from
//! (strings decoded into fixed buffers, numbers, literals, skipping a value).
//!
//! Assumes nothing of its input: any byte sequence gives `Ok` or a [`JsonError`] with the
//! byte offset of the problem, never a panic. Nothing allocates and nothing recurses: the
//! validator keeps the open arrays and objects as bits of one `u128`, so nesting is bounded
//! by [`MAX_NESTING`] and by the caller's own, smaller limit.

use core::fmt;

/// The deepest nesting [`validate`] can track.
pub const MAX_NESTING: usize = 128;

/// What is wrong with a JSON text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum JsonErrorKind {
    /// The bytes are not UTF-8.
    NotUtf8,
    /// The text ends where more is needed.
    UnexpectedEnd,
    /// A character that cannot come here (a stray comma, a missing colon, an unquoted word).
    UnexpectedCharacter,
    /// A control character (U+0000–U+001F) inside a string, where it must be escaped.
    ControlCharacter,
    /// A backslash escape JSON does not have (such as `\x` or `\u+0e9`).
    InvalidEscape,
    /// A `\uXXXX` escape of half a surrogate pair without its other half.
    LoneSurrogate,
    /// A malformed number (such as `01`, `1.`, `-` or `.5`).
    InvalidNumber,
    /// More text after the value.
    TrailingCharacters,
    /// Arrays and objects nested deeper than allowed.
    TooDeep,
}

impl JsonErrorKind {
    /// A short description.
    pub const fn as_str(self) -> &'static str {
        match self {
            JsonErrorKind::NotUtf8 => "not UTF-8",
            JsonErrorKind::UnexpectedEnd => "unexpected end",
            JsonErrorKind::UnexpectedCharacter => "unexpected character",
            JsonErrorKind::ControlCharacter => "unescaped control character in a string",
            JsonErrorKind::InvalidEscape => "invalid escape",
            JsonErrorKind::LoneSurrogate => "unpaired surrogate escape",
            JsonErrorKind::InvalidNumber => "invalid number",
            JsonErrorKind::TrailingCharacters => "characters after the value",
            JsonErrorKind::TooDeep => "nested too deep",
        }
    }
}

/// A JSON text was refused: what is wrong, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct JsonError {
    /// What is wrong.
    pub kind: JsonErrorKind,
    /// The byte offset in the text where it was found.
    pub offset: usize,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.kind.as_str(), self.offset)
    }
}

impl core::error::Error for JsonError {}

/// Checks that `text` is one JSON value (RFC 8259: UTF-8, optional whitespace around it)
/// with arrays and objects nested at most `max_depth` deep (capped at [`MAX_NESTING`]);
/// returns the text as `str`.
pub fn validate(text: &[u8], max_depth: usize) -> Result<&str, JsonError> {
    let text = core::str::from_utf8(text).map_err(|e| JsonError {
        kind: JsonErrorKind::NotUtf8,
        offset: e.valid_up_to(),
    })?;
    let max_depth = max_depth.min(MAX_NESTING);
    let mut r = Reader::new(text);
    // Bit `d` is set when the container at depth `d + 1` is an object.
    let mut objects: u128 = 0;
    let mut depth = 0usize;
    r.ws();
    'value: loop {
        // A value starts here.
        match r.peek() {
            Some(open @ (b'{' | b'[')) => {
                if depth >= max_depth {
                    return Err(r.error(JsonErrorKind::TooDeep));
                }
                r.bump();
                let is_object = open == b'{';
                let bit = 1u128 << depth;
                objects = if is_object {
                    objects | bit
                } else {
                    objects & !bit
                };
                depth += 1;
                r.ws();
                let close = if is_object { b'}' } else { b']' };
                if r.peek() == Some(close) {
                    r.bump();
                    depth -= 1;
                } else {
                    if is_object {
                        r.member_name(&mut Skip)?;
                    }
                    continue 'value;
                }
            }
            _ => r.scalar()?,
        }
        // After a value: close containers, or find the next value.
        loop {
            r.ws();
            if depth == 0 {
                return match r.peek() {
                    None => Ok(text),
                    Some(_) => Err(r.error(JsonErrorKind::TrailingCharacters)),
                };
            }
            let in_object = objects & (1u128 << (depth - 1)) != 0;
            match r.peek() {
                Some(b',') => {
                    r.bump();
                    r.ws();
                    if in_object {
                        r.member_name(&mut Skip)?;
                    }
                    continue 'value;
                }
                Some(b'}') if in_object => {
                    r.bump();
                    depth -= 1;
                }
                Some(b']') if !in_object => {
                    r.bump();
                    depth -= 1;
                }
                Some(_) => return Err(r.error(JsonErrorKind::UnexpectedCharacter)),
                None => return Err(r.error(JsonErrorKind::UnexpectedEnd)),
            }
        }
    }
}

/// Where decoded string text goes.
pub(crate) trait Sink {
    /// Takes the next piece of the decoded string.
    fn put(&mut self, piece: &str);
}

/// A sink that drops the text.
pub(crate) struct Skip;

impl Sink for Skip {
    fn put(&mut self, _: &str) {}
}

/// A sink that fills a fixed string and remembers whether anything did not fit.
pub(crate) struct Fill<'s, const N: usize> {
    pub(crate) out: &'s mut heapless::String<N>,
    pub(crate) overflow: bool,
}

impl<'s, const N: usize> Fill<'s, N> {
    /// Fills `out`, from empty.
    pub(crate) fn new(out: &'s mut heapless::String<N>) -> Self {
        out.clear();
        Fill {
            out,
            overflow: false,
        }
    }
}

impl<const N: usize> Sink for Fill<'_, N> {
    fn put(&mut self, piece: &str) {
        if !self.overflow && self.out.push_str(piece).is_err() {
            // Keep what fits, cut at a character boundary.
            for c in piece.chars() {
                if self.out.push(c).is_err() {
                    break;
                }
            }
            self.overflow = true;
        }
    }
}

/// A number as the parser needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Number {
    /// The value, if the number is an integer (no fraction, no exponent) that fits `i64`.
    pub(crate) int: Option<i64>,
}

/// A position in a JSON text, with the reading steps.
pub(crate) struct Reader<'t> {
    text: &'t str,
    pos: usize,
}

impl<'t> Reader<'t> {
    /// Starts at the beginning of `text`.
    pub(crate) fn new(text: &'t str) -> Self {
        Reader { text, pos: 0 }
    }

    /// An error of `kind` at the current position.
    pub(crate) fn error(&self, kind: JsonErrorKind) -> JsonError {
        JsonError {
            kind,
            offset: self.pos,
        }
    }

    /// The next byte, if any.
    pub(crate) fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// Moves past one byte.
    pub(crate) fn bump(&mut self) {
        self.pos += 1;
    }

    /// Moves past `byte`, or fails.
    pub(crate) fn expect(&mut self, byte: u8) -> Result<(), JsonError> {
        match self.peek() {
            Some(b) if b == byte => {
                self.bump();
                Ok(())
            }
            Some(_) => Err(self.error(JsonErrorKind::UnexpectedCharacter)),
            None => Err(self.error(JsonErrorKind::UnexpectedEnd)),
        }
    }

    /// Skips whitespace (space, tab, line feed, carriage return).
    pub(crate) fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.bump();
        }
    }

    /// Moves past the opening `{` or `[` the reader is at and the whitespace after it;
    /// when `close` follows, moves past it too and answers `true` (the container is empty).
    pub(crate) fn open_is_empty(&mut self, close: u8) -> bool {
        self.bump();
        self.ws();
        if self.peek() == Some(close) {
            self.bump();
            return true;
        }
        false
    }

    /// After a member or element: moves past the whitespace and either a comma and the
    /// whitespace after it (`true`: another follows) or `close` (`false`: the container ends).
    pub(crate) fn more(&mut self, close: u8) -> Result<bool, JsonError> {
        self.ws();
        if self.peek() == Some(b',') {
            self.bump();
            self.ws();
            return Ok(true);
        }
        self.expect(close)?;
        Ok(false)
    }

    /// Reads an object member's name, the whitespace after it and the colon, and the
    /// whitespace after that.
    pub(crate) fn member_name(&mut self, sink: &mut impl Sink) -> Result<(), JsonError> {
        self.string(sink)?;
        self.ws();
        self.expect(b':')?;
        self.ws();
        Ok(())
    }

    /// Reads a string, starting at its opening quote, decoding it into `sink`.
    pub(crate) fn string(&mut self, sink: &mut impl Sink) -> Result<(), JsonError> {
        self.expect(b'"')?;
        let bytes = self.text.as_bytes();
        loop {
            let start = self.pos;
            while let Some(&b) = bytes.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // The run ends at an ASCII byte or the end, so both ends are char boundaries.
            sink.put(self.text.get(start..self.pos).unwrap_or(""));
            match self.peek() {
                Some(b'"') => {
                    self.bump();
                    return Ok(());
                }
                Some(b'\\') => {
                    self.bump();
                    let c = self.escape()?;
                    let mut utf8 = [0u8; 4];
                    sink.put(c.encode_utf8(&mut utf8));
                }
                Some(_) => return Err(self.error(JsonErrorKind::ControlCharacter)),
                None => return Err(self.error(JsonErrorKind::UnexpectedEnd)),
            }
        }
    }

    /// Decodes the escape after a backslash.
    fn escape(&mut self) -> Result<char, JsonError> {
        let Some(b) = self.peek() else {
            return Err(self.error(JsonErrorKind::UnexpectedEnd));
        };
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let at = self.pos.saturating_sub(1);
                self.bump();
                let unit = self.hex4()?;
                let lone = JsonError {
                    kind: JsonErrorKind::LoneSurrogate,
                    offset: at,
                };
                let code = match unit {
                    0xD800..=0xDBFF => {
                        if self.peek() != Some(b'\\') {
                            return Err(lone);
                        }
                        self.bump();
                        if self.peek() != Some(b'u') {
                            return Err(lone);
                        }
                        self.bump();
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(lone);
                        }
                        0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    }
                    0xDC00..=0xDFFF => return Err(lone),
                    _ => unit,
                };
                return char::from_u32(code).ok_or(lone);
            }
            _ => return Err(self.error(JsonErrorKind::InvalidEscape)),
        };
        self.bump();
        Ok(c)
    }

    /// Four hex digits.
    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                Some(_) => return Err(self.error(JsonErrorKind::InvalidEscape)),
                None => return Err(self.error(JsonErrorKind::UnexpectedEnd)),
            };
            v = v << 4 | d as u32;
            self.bump();
        }
        Ok(v)
    }

    /// Reads `true`, `false` or `null`, whichever `word` is.
    pub(crate) fn literal(&mut self, word: &str) -> Result<(), JsonError> {
        for &b in word.as_bytes() {
            self.expect(b)?;
        }
        Ok(())
    }

    /// Reads `null` if it is next; says whether it was.
    pub(crate) fn null(&mut self) -> Result<bool, JsonError> {
        if self.peek() == Some(b'n') {
            self.literal("null")?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Reads a number: `-`? (`0` | [1-9][0-9]*) (`.` [0-9]+)? ([eE] [+-]? [0-9]+)?
    pub(crate) fn number(&mut self) -> Result<Number, JsonError> {
        let negative = self.peek() == Some(b'-');
        if negative {
            self.bump();
        }
        let mut int: Option<i64> = Some(0);
        match self.peek() {
            Some(b'0') => self.bump(),
            Some(b'1'..=b'9') => {
                while let Some(b @ b'0'..=b'9') = self.peek() {
                    let d = (b - b'0') as i64;
                    int = int.and_then(|v| v.checked_mul(10)).and_then(|v| {
                        if negative {
                            v.checked_sub(d)
                        } else {
                            v.checked_add(d)
                        }
                    });
                    self.bump();
                }
            }
            Some(_) => return Err(self.error(JsonErrorKind::InvalidNumber)),
            None => return Err(self.error(JsonErrorKind::UnexpectedEnd)),
        }
        if self.peek() == Some(b'.') {
            self.bump();
            self.digits()?;
            int = None;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.bump();
            if let Some(b'+' | b'-') = self.peek() {
                self.bump();
            }
            self.digits()?;
            int = None;
        }
        Ok(Number { int })
    }

    /// One or more digits.
    fn digits(&mut self) -> Result<(), JsonError> {
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(self.error(match self.peek() {
                None => JsonErrorKind::UnexpectedEnd,
                Some(_) => JsonErrorKind::InvalidNumber,
            }));
        }
        while let Some(b'0'..=b'9') = self.peek() {
            self.bump();
        }
        Ok(())
    }

    /// Reads a string, number or literal (not an array or object).
    fn scalar(&mut self) -> Result<(), JsonError> {
        match self.peek() {
            Some(b'"') => self.string(&mut Skip),
            Some(b't') => self.literal("true"),
            Some(b'f') => self.literal("false"),
            Some(b'n') => self.literal("null"),
            Some(b'-' | b'0'..=b'9') => self.number().map(|_| ()),
            Some(_) => Err(self.error(JsonErrorKind::UnexpectedCharacter)),
            None => Err(self.error(JsonErrorKind::UnexpectedEnd)),
        }
    }

    /// Skips one value of any kind. Arrays and objects are skipped by counting brackets
    /// outside strings, without recursion; the text must have passed [`validate`] for that
    /// to be a faithful skip (otherwise it still ends, without a panic).
    pub(crate) fn skip_value(&mut self) -> Result<(), JsonError> {
        if !matches!(self.peek(), Some(b'{' | b'[')) {
            return self.scalar();
        }
        let mut depth = 0usize;
        loop {
            match self.peek() {
                Some(b'{' | b'[') => {
                    depth += 1;
                    self.bump();
                }
                Some(b'}' | b']') => {
                    depth = depth.saturating_sub(1);
                    self.bump();
                    if depth == 0 {
                        return Ok(());
                    }
                }
                Some(b'"') => self.string(&mut Skip)?,
                Some(_) => self.bump(),
                None => return Err(self.error(JsonErrorKind::UnexpectedEnd)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> Option<JsonErrorKind> {
        validate(text.as_bytes(), 16).err().map(|e| e.kind)
    }

    #[test]
    fn accepts_every_kind_of_value() {
        for ok in [
            "0",
            "-0",
            "-0.5e+10",
            "1E-2",
            "123456789012345678901234567890",
            " true ",
            "false",
            "null",
            "\"\"",
            "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"",
            "[]",
            "{}",
            "[1, [2, {\"a\": [null]}], \"x\"]",
            "{\"a\": {\"b\": {}}, \"c\": []}",
            "\t\r\n{ \"k\" : 1 }\n",
            "\"\u{7f}\u{e9}\u{1f600}\"",
        ] {
            assert_eq!(kind(ok), None, "{ok:?}");
        }
    }

    #[test]
    fn refuses_what_rfc_8259_does_not_allow() {
        use JsonErrorKind::*;
        for (bad, want) in [
            ("", UnexpectedEnd),
            ("[,\"#\"]", UnexpectedCharacter),
            ("[1,]", UnexpectedCharacter),
            ("{\"a\":1,}", UnexpectedCharacter),
            ("{\"a\" 1}", UnexpectedCharacter),
            ("{1:2}", UnexpectedCharacter),
            ("[1 2]", UnexpectedCharacter),
            ("[1}", UnexpectedCharacter),
            ("{\"a\":1]", UnexpectedCharacter),
            ("\"\\u+0e9\"", InvalidEscape),
            ("\"\\x41\"", InvalidEscape),
            ("\"\\u12\"", InvalidEscape),
            ("\"a\nb\"", ControlCharacter),
            ("\"a\tb\"", ControlCharacter),
            ("\"\u{0}\"", ControlCharacter),
            ("\"\\ud83d\"", LoneSurrogate),
            ("\"\\ud83dx\"", LoneSurrogate),
            ("\"\\ud83d\\u0041\"", LoneSurrogate),
            ("\"\\ude00\\ud83d\"", LoneSurrogate),
            ("01", TrailingCharacters),
            ("1.", UnexpectedEnd),
            ("1.e3", InvalidNumber),
            (".5", UnexpectedCharacter),
            ("-", UnexpectedEnd),
            ("+1", UnexpectedCharacter),
            ("1e", UnexpectedEnd),
            ("tru", UnexpectedEnd),
            ("nul1", UnexpectedCharacter),
            ("[1] x", TrailingCharacters),
            ("{} {}", TrailingCharacters),
            ("\"abc", UnexpectedEnd),
            ("[", UnexpectedEnd),
            ("\u{feff}{}", UnexpectedCharacter),
            ("NaN", UnexpectedCharacter),
            ("'a'", UnexpectedCharacter),
        ] {
            assert_eq!(kind(bad), Some(want), "{bad:?}");
        }
        assert_eq!(
            validate(b"\"\xff\"", 4),
            Err(JsonError {
                kind: NotUtf8,
                offset: 1
            })
        );
    }

    #[test]
    fn nesting_is_bounded_without_recursion() {
        let deep = |n: usize| "[".repeat(n) + &"]".repeat(n);
        assert_eq!(validate(deep(16).as_bytes(), 16).map(|_| ()), Ok(()));
        assert_eq!(
            validate(deep(17).as_bytes(), 16).map_err(|e| e.kind),
            Err(JsonErrorKind::TooDeep)
        );
        let huge = deep(1_000_000);
        assert_eq!(
            validate(huge.as_bytes(), usize::MAX).map_err(|e| e.kind),
            Err(JsonErrorKind::TooDeep)
        );
        assert!(validate(deep(MAX_NESTING).as_bytes(), usize::MAX).is_ok());
    }

    #[test]
    fn strings_decode_surrogate_pairs_and_escapes() {
        let text = "\"a\\u00e9\\ud83d\\ude00\\n\u{1f600}z\"";
        let mut out = heapless::String::<32>::new();
        let mut fill = Fill::new(&mut out);
        Reader::new(text).string(&mut fill).unwrap();
        assert!(!fill.overflow);
        assert_eq!(out.as_str(), "aé😀\n😀z");
    }

    #[test]
    fn a_full_sink_keeps_whole_characters_and_says_so() {
        let mut out = heapless::String::<5>::new();
        let mut fill = Fill::new(&mut out);
        Reader::new("\"abcé€\"").string(&mut fill).unwrap();
        assert!(fill.overflow);
        assert_eq!(out.as_str(), "abcé");
    }

    #[test]
    fn integers_are_exact_and_others_are_not_integers() {
        let int = |t: &str| Reader::new(t).number().unwrap().int;
        assert_eq!(int("120"), Some(120));
        assert_eq!(int("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(int("9223372036854775807"), Some(i64::MAX));
        assert_eq!(int("9223372036854775808"), None);
        assert_eq!(int("5.0"), None);
        assert_eq!(int("5e0"), None);
    }
}
