//! cty values in msgpack, as `DynamicValue.msgpack` carries them (go-cty `cty/msgpack`
//! semantics).
//!
//! - null is nil; a wholly unknown value is extension 0 with one zero byte (`d4 00 00`); an
//!   unknown with refinements is extension 12 whose payload is a map (1: is-null bool,
//!   2: string prefix, 3/4: `[number, inclusive]` bounds, 5/6: collection length bounds). Any
//!   extension of at most one byte decodes as a wholly unknown value.
//! - numbers: int64 when the value is an integer in range, float64 when it represents the value
//!   exactly, otherwise the plain decimal string. Decoding accepts every integer width
//!   (including uint64), float32/float64 and decimal strings (exponents allowed).
//! - list/set/tuple are arrays; map is a map; object is a map with every attribute.
//! - a `Dynamic` position holds `[type JSON as bin, value]`, or plain nil / unknown for a null
//!   or unknown of no known type.
//!
//! Decoding never panics on arbitrary bytes: lengths are checked against the remaining input
//! before anything is allocated, and nesting is limited to [`MAX_DEPTH`].

use std::collections::BTreeMap;

use super::type_json::{type_from_json_bytes, type_to_json_bytes};
use super::value::{
    AttributePath, CodecError, MAX_DEPTH, Number, PathStep, Refinements, Type, Value,
};

/// Extension type of a refined unknown value.
const EXT_REFINED_UNKNOWN: i8 = 12;
/// Largest refinement payload accepted (as go-cty).
const MAX_REFINEMENT_PAYLOAD: usize = 1024;
/// Longest string prefix refinement sent (bytes), so the payload stays far below the limit.
const MAX_PREFIX_BYTES: usize = 255;

/// Encodes `value` as msgpack against `ty`. The value must conform to the type (see
/// [`Value::conforms`]); errors name the path where it does not.
pub fn encode(value: &Value, ty: &Type) -> Result<Vec<u8>, CodecError> {
    let mut enc = Encoder {
        out: Vec::with_capacity(64),
        path: Vec::new(),
    };
    enc.value(value, ty, 0)?;
    Ok(enc.out)
}

/// Decodes msgpack bytes as a value of type `ty`. Trailing bytes after the value are an error.
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    let mut dec = Decoder {
        buf: bytes,
        pos: 0,
        path: Vec::new(),
    };
    let v = dec.value(ty, 0)?;
    if dec.pos != bytes.len() {
        return Err(dec.malformed("unexpected trailing bytes after the value"));
    }
    Ok(v)
}

// ---------------------------------------------------------------------------------------------
// Low-level writers (the compact forms Go's msgpack encoder emits)
// ---------------------------------------------------------------------------------------------

pub(crate) fn write_nil(out: &mut Vec<u8>) {
    out.push(0xc0);
}

pub(crate) fn write_bool(out: &mut Vec<u8>, b: bool) {
    out.push(if b { 0xc3 } else { 0xc2 });
}

pub(crate) fn write_uint(out: &mut Vec<u8>, n: u64) {
    if n <= 0x7f {
        out.push(n as u8);
    } else if n <= u64::from(u8::MAX) {
        out.extend_from_slice(&[0xcc, n as u8]);
    } else if n <= u64::from(u16::MAX) {
        out.push(0xcd);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else if n <= u64::from(u32::MAX) {
        out.push(0xce);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    } else {
        out.push(0xcf);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

pub(crate) fn write_int(out: &mut Vec<u8>, n: i64) {
    if n >= 0 {
        write_uint(out, n as u64);
    } else if n >= -32 {
        out.push(n as i8 as u8);
    } else if n >= i64::from(i8::MIN) {
        out.extend_from_slice(&[0xd0, n as i8 as u8]);
    } else if n >= i64::from(i16::MIN) {
        out.push(0xd1);
        out.extend_from_slice(&(n as i16).to_be_bytes());
    } else if n >= i64::from(i32::MIN) {
        out.push(0xd2);
        out.extend_from_slice(&(n as i32).to_be_bytes());
    } else {
        out.push(0xd3);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

pub(crate) fn write_f64(out: &mut Vec<u8>, f: f64) {
    out.push(0xcb);
    out.extend_from_slice(&f.to_bits().to_be_bytes());
}

fn write_len(
    out: &mut Vec<u8>,
    len: usize,
    fix_base: u8,
    fix_max: usize,
    m8: Option<u8>,
    m16: u8,
    m32: u8,
) {
    if len <= fix_max {
        out.push(fix_base | len as u8);
    } else if let (Some(m8), true) = (m8, len <= 0xff) {
        out.extend_from_slice(&[m8, len as u8]);
    } else if len <= 0xffff {
        out.push(m16);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(m32);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
}

pub(crate) fn write_str(out: &mut Vec<u8>, s: &str) {
    write_len(out, s.len(), 0xa0, 31, Some(0xd9), 0xda, 0xdb);
    out.extend_from_slice(s.as_bytes());
}

pub(crate) fn write_bin(out: &mut Vec<u8>, b: &[u8]) {
    if b.len() <= 0xff {
        out.extend_from_slice(&[0xc4, b.len() as u8]);
    } else if b.len() <= 0xffff {
        out.push(0xc5);
        out.extend_from_slice(&(b.len() as u16).to_be_bytes());
    } else {
        out.push(0xc6);
        out.extend_from_slice(&(b.len() as u32).to_be_bytes());
    }
    out.extend_from_slice(b);
}

pub(crate) fn write_array_len(out: &mut Vec<u8>, len: usize) {
    write_len(out, len, 0x90, 15, None, 0xdc, 0xdd);
}

pub(crate) fn write_map_len(out: &mut Vec<u8>, len: usize) {
    write_len(out, len, 0x80, 15, None, 0xde, 0xdf);
}

fn write_ext(out: &mut Vec<u8>, ext_type: i8, payload: &[u8]) {
    match payload.len() {
        1 => out.push(0xd4),
        2 => out.push(0xd5),
        4 => out.push(0xd6),
        8 => out.push(0xd7),
        16 => out.push(0xd8),
        n if n <= 0xff => out.extend_from_slice(&[0xc7, n as u8]),
        n if n <= 0xffff => {
            out.push(0xc8);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            out.push(0xc9);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        }
    }
    out.push(ext_type as u8);
    out.extend_from_slice(payload);
}

/// Writes a number: int64 if exact, float64 if exact, else its decimal string.
pub(crate) fn write_number(out: &mut Vec<u8>, n: &Number) {
    if let Some(i) = n.to_i64() {
        write_int(out, i);
    } else if let Some(f) = n.to_f64_exact() {
        write_f64(out, f);
    } else {
        write_str(out, &n.to_string());
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn truncate_str(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Writes an unknown value for type `ty`: ext 12 with the refinements that apply to `ty`, or
/// the plain `d4 00 00` when none do. Entries are written in key order; if the payload would
/// exceed what Terraform accepts, the largest entries (huge number bounds) are left out.
pub(crate) fn write_unknown(out: &mut Vec<u8>, r: &Refinements, ty: &Type) {
    if *ty == Type::Dynamic {
        out.extend_from_slice(&[0xd4, 0, 0]);
        return;
    }
    // (key, encoded value) pairs.
    let mut entries: Vec<(u8, Vec<u8>)> = Vec::new();
    if let Some(not_null) = r.not_null {
        let mut b = Vec::new();
        write_bool(&mut b, !not_null);
        entries.push((1, b));
    }
    match ty {
        Type::String => {
            if let Some(prefix) = r.string_prefix.as_deref().filter(|p| !p.is_empty()) {
                let mut b = Vec::new();
                write_str(&mut b, truncate_str(prefix, MAX_PREFIX_BYTES));
                entries.push((2, b));
            }
        }
        Type::Number => {
            for (key, bound) in [(3u8, &r.number_lower), (4u8, &r.number_upper)] {
                if let Some((n, inclusive)) = bound {
                    let mut b = Vec::new();
                    write_array_len(&mut b, 2);
                    write_number(&mut b, n);
                    write_bool(&mut b, *inclusive);
                    entries.push((key, b));
                }
            }
        }
        Type::List(_) | Type::Set(_) | Type::Map(_) => {
            if let Some(lower) = r.length_lower.filter(|l| *l > 0 && *l <= i64::MAX as u64) {
                let mut b = Vec::new();
                write_uint(&mut b, lower);
                entries.push((5, b));
            }
            if let Some(upper) = r.length_upper.filter(|u| *u <= i64::MAX as u64) {
                let mut b = Vec::new();
                write_uint(&mut b, upper);
                entries.push((6, b));
            }
        }
        _ => {}
    }
    // Map header (at most 3 bytes for our counts) + keys + values must fit the limit.
    let size = |e: &[(u8, Vec<u8>)]| 1 + e.iter().map(|(_, b)| 1 + b.len()).sum::<usize>();
    while size(&entries) > MAX_REFINEMENT_PAYLOAD {
        let Some(largest) = (0..entries.len()).max_by_key(|i| entries[*i].1.len()) else {
            break;
        };
        entries.remove(largest);
    }
    if entries.is_empty() {
        out.extend_from_slice(&[0xd4, 0, 0]);
        return;
    }
    let mut payload = Vec::with_capacity(size(&entries));
    write_map_len(&mut payload, entries.len());
    for (key, b) in &entries {
        write_uint(&mut payload, u64::from(*key));
        payload.extend_from_slice(b);
    }
    write_ext(out, EXT_REFINED_UNKNOWN, &payload);
}

// ---------------------------------------------------------------------------------------------
// Encoder
// ---------------------------------------------------------------------------------------------

struct Encoder {
    out: Vec<u8>,
    path: Vec<PathStep>,
}

impl Encoder {
    fn mismatch(&self, ty: &Type, v: &Value) -> CodecError {
        CodecError::TypeMismatch {
            path: AttributePath::from_steps(self.path.clone()),
            expected: ty.to_string(),
            found: v.kind().to_string(),
        }
    }

    fn value(&mut self, v: &Value, ty: &Type, depth: usize) -> Result<(), CodecError> {
        if depth > MAX_DEPTH {
            return Err(CodecError::TooDeep {
                path: AttributePath::from_steps(self.path.clone()),
                limit: MAX_DEPTH,
            });
        }
        if *ty == Type::Dynamic {
            return self.dynamic(v, depth);
        }
        match (ty, v) {
            (_, Value::Dynamic(t, inner)) if t == ty => self.value(inner, ty, depth + 1),
            (_, Value::Null) => {
                write_nil(&mut self.out);
                Ok(())
            }
            (_, Value::Unknown(r)) => {
                write_unknown(&mut self.out, r, ty);
                Ok(())
            }
            (Type::Bool, Value::Bool(b)) => {
                write_bool(&mut self.out, *b);
                Ok(())
            }
            (Type::Number, Value::Number(n)) => {
                write_number(&mut self.out, n);
                Ok(())
            }
            (Type::String, Value::String(s)) => {
                write_str(&mut self.out, s);
                Ok(())
            }
            (Type::List(et), Value::List(elems)) | (Type::Set(et), Value::Set(elems)) => {
                write_array_len(&mut self.out, elems.len());
                for (i, e) in elems.iter().enumerate() {
                    self.path.push(PathStep::Index(i as i64));
                    self.value(e, et, depth + 1)?;
                    self.path.pop();
                }
                Ok(())
            }
            (Type::Map(et), Value::Map(m)) => {
                write_map_len(&mut self.out, m.len());
                for (k, e) in m {
                    write_str(&mut self.out, k);
                    self.path.push(PathStep::Key(k.clone()));
                    self.value(e, et, depth + 1)?;
                    self.path.pop();
                }
                Ok(())
            }
            (Type::Tuple(ets), Value::Tuple(elems)) => {
                if ets.len() != elems.len() {
                    return Err(CodecError::Malformed {
                        path: AttributePath::from_steps(self.path.clone()),
                        message: format!(
                            "a tuple of {} elements is required, found {}",
                            ets.len(),
                            elems.len()
                        ),
                    });
                }
                write_array_len(&mut self.out, elems.len());
                for (i, (e, et)) in elems.iter().zip(ets).enumerate() {
                    self.path.push(PathStep::Index(i as i64));
                    self.value(e, et, depth + 1)?;
                    self.path.pop();
                }
                Ok(())
            }
            (Type::Object { attrs, optional }, Value::Object(m)) => {
                self.object(m, attrs, optional, depth)
            }
            _ => Err(self.mismatch(ty, v)),
        }
    }

    /// A value of a `Dynamic` position: `[type JSON, value]`, or nil / unknown as they are.
    fn dynamic(&mut self, v: &Value, depth: usize) -> Result<(), CodecError> {
        match v {
            Value::Null => {
                write_nil(&mut self.out);
                Ok(())
            }
            Value::Unknown(_) => {
                self.out.extend_from_slice(&[0xd4, 0, 0]);
                Ok(())
            }
            Value::Dynamic(Type::Dynamic, inner) => self.value(inner, &Type::Dynamic, depth + 1),
            Value::Dynamic(t, inner) => {
                write_array_len(&mut self.out, 2);
                write_bin(&mut self.out, &type_to_json_bytes(t));
                self.value(inner, t, depth + 1)
            }
            other => {
                let t = other.infer_type().map_err(|e| e.with_prefix(&self.path))?;
                write_array_len(&mut self.out, 2);
                write_bin(&mut self.out, &type_to_json_bytes(&t));
                self.value(other, &t, depth + 1)
            }
        }
    }

    /// An object value of the attribute types `attrs`.
    fn object(
        &mut self,
        m: &BTreeMap<String, Value>,
        attrs: &BTreeMap<String, Type>,
        optional: &std::collections::BTreeSet<String>,
        depth: usize,
    ) -> Result<(), CodecError> {
        if let Some(extra) = m.keys().find(|k| !attrs.contains_key(*k)) {
            return Err(CodecError::UnexpectedAttribute {
                path: AttributePath::from_steps(self.path.clone()),
                name: extra.clone(),
            });
        }
        write_map_len(&mut self.out, attrs.len());
        for (name, at) in attrs {
            write_str(&mut self.out, name);
            match m.get(name) {
                Some(av) => {
                    self.path.push(PathStep::Attr(name.clone()));
                    self.value(av, at, depth + 1)?;
                    self.path.pop();
                }
                None if optional.contains(name) => write_nil(&mut self.out),
                None => {
                    return Err(CodecError::MissingAttribute {
                        path: AttributePath::from_steps(self.path.clone()),
                        name: name.clone(),
                    });
                }
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Decoder
// ---------------------------------------------------------------------------------------------

struct Decoder<'a> {
    buf: &'a [u8],
    pos: usize,
    path: Vec<PathStep>,
}

/// What a msgpack marker byte introduces (for messages).
fn marker_kind(m: u8) -> &'static str {
    match m {
        0x00..=0x7f | 0xe0..=0xff | 0xcc..=0xd3 => "integer",
        0x80..=0x8f | 0xde | 0xdf => "map",
        0x90..=0x9f | 0xdc | 0xdd => "array",
        0xa0..=0xbf | 0xd9..=0xdb => "string",
        0xc0 => "nil",
        0xc2 | 0xc3 => "bool",
        0xc4..=0xc6 => "binary",
        0xc7..=0xc9 | 0xd4..=0xd8 => "extension",
        0xca | 0xcb => "float",
        _ => "reserved byte",
    }
}

fn is_ext(m: u8) -> bool {
    matches!(m, 0xc7..=0xc9 | 0xd4..=0xd8)
}

impl<'a> Decoder<'a> {
    fn malformed(&self, message: impl Into<String>) -> CodecError {
        CodecError::Malformed {
            path: AttributePath::from_steps(self.path.clone()),
            message: message.into(),
        }
    }

    fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn peek(&self) -> Result<u8, CodecError> {
        self.buf
            .get(self.pos)
            .copied()
            .ok_or_else(|| self.malformed("unexpected end of input"))
    }

    fn byte(&mut self) -> Result<u8, CodecError> {
        let b = self.peek()?;
        self.pos += 1;
        Ok(b)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], CodecError> {
        if n > self.remaining() {
            return Err(self.malformed("unexpected end of input"));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn be(&mut self, n: usize) -> Result<u64, CodecError> {
        let bytes = self.take(n)?;
        Ok(bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }

    fn expect_kind(&self, expected: &str, m: u8) -> CodecError {
        CodecError::TypeMismatch {
            path: AttributePath::from_steps(self.path.clone()),
            expected: expected.to_string(),
            found: marker_kind(m).to_string(),
        }
    }

    fn array_len(&mut self, expected: &str) -> Result<usize, CodecError> {
        let m = self.peek()?;
        let n = match m {
            0x90..=0x9f => {
                self.pos += 1;
                u64::from(m & 0x0f)
            }
            0xdc => {
                self.pos += 1;
                self.be(2)?
            }
            0xdd => {
                self.pos += 1;
                self.be(4)?
            }
            _ => return Err(self.expect_kind(expected, m)),
        };
        usize::try_from(n).map_err(|_| self.malformed("array too long"))
    }

    fn map_len(&mut self, expected: &str) -> Result<usize, CodecError> {
        let m = self.peek()?;
        let n = match m {
            0x80..=0x8f => {
                self.pos += 1;
                u64::from(m & 0x0f)
            }
            0xde => {
                self.pos += 1;
                self.be(2)?
            }
            0xdf => {
                self.pos += 1;
                self.be(4)?
            }
            _ => return Err(self.expect_kind(expected, m)),
        };
        usize::try_from(n).map_err(|_| self.malformed("map too long"))
    }

    /// Raw bytes of a str or bin item.
    fn raw_bytes(&mut self, expected: &str) -> Result<&'a [u8], CodecError> {
        let m = self.peek()?;
        let n = match m {
            0xa0..=0xbf => {
                self.pos += 1;
                u64::from(m & 0x1f)
            }
            0xd9 | 0xc4 => {
                self.pos += 1;
                self.be(1)?
            }
            0xda | 0xc5 => {
                self.pos += 1;
                self.be(2)?
            }
            0xdb | 0xc6 => {
                self.pos += 1;
                self.be(4)?
            }
            _ => return Err(self.expect_kind(expected, m)),
        };
        let n = usize::try_from(n).map_err(|_| self.malformed("string too long"))?;
        self.take(n)
    }

    fn string(&mut self) -> Result<String, CodecError> {
        let bytes = self.raw_bytes("string")?;
        std::str::from_utf8(bytes)
            .map(str::to_owned)
            .map_err(|_| self.malformed("string is not valid UTF-8"))
    }

    /// An integer of any msgpack width, as i128 (covers i64 and u64).
    fn integer(&mut self, expected: &str) -> Result<i128, CodecError> {
        let m = self.peek()?;
        let v: i128 = match m {
            0x00..=0x7f => {
                self.pos += 1;
                i128::from(m)
            }
            0xe0..=0xff => {
                self.pos += 1;
                i128::from(m as i8)
            }
            0xcc => {
                self.pos += 1;
                i128::from(self.be(1)?)
            }
            0xcd => {
                self.pos += 1;
                i128::from(self.be(2)?)
            }
            0xce => {
                self.pos += 1;
                i128::from(self.be(4)?)
            }
            0xcf => {
                self.pos += 1;
                i128::from(self.be(8)?)
            }
            0xd0 => {
                self.pos += 1;
                i128::from(self.be(1)? as u8 as i8)
            }
            0xd1 => {
                self.pos += 1;
                i128::from(self.be(2)? as u16 as i16)
            }
            0xd2 => {
                self.pos += 1;
                i128::from(self.be(4)? as u32 as i32)
            }
            0xd3 => {
                self.pos += 1;
                i128::from(self.be(8)? as i64)
            }
            _ => return Err(self.expect_kind(expected, m)),
        };
        Ok(v)
    }

    fn number(&mut self) -> Result<Number, CodecError> {
        let m = self.peek()?;
        match m {
            0xca => {
                self.pos += 1;
                let f = f32::from_bits(self.be(4)? as u32);
                Number::from_f64(f64::from(f))
                    .ok_or_else(|| self.malformed("number must be finite"))
            }
            0xcb => {
                self.pos += 1;
                let f = f64::from_bits(self.be(8)?);
                Number::from_f64(f).ok_or_else(|| self.malformed("number must be finite"))
            }
            0xa0..=0xbf | 0xd9..=0xdb | 0xc4..=0xc6 => {
                let bytes = self.raw_bytes("number")?;
                let s = std::str::from_utf8(bytes)
                    .map_err(|_| self.malformed("number string is not valid UTF-8"))?;
                s.parse::<Number>()
                    .map_err(|e| self.malformed(format!("invalid number: {e}")))
            }
            _ => {
                let i = self.integer("number")?;
                Ok(Number::from(i))
            }
        }
    }

    fn bool(&mut self) -> Result<bool, CodecError> {
        let m = self.peek()?;
        match m {
            0xc2 => {
                self.pos += 1;
                Ok(false)
            }
            0xc3 => {
                self.pos += 1;
                Ok(true)
            }
            _ => Err(self.expect_kind("bool", m)),
        }
    }

    /// Skips one item of any kind (used for refinement keys we do not know).
    fn skip(&mut self, depth: usize) -> Result<(), CodecError> {
        if depth > MAX_DEPTH {
            return Err(CodecError::TooDeep {
                path: AttributePath::from_steps(self.path.clone()),
                limit: MAX_DEPTH,
            });
        }
        let m = self.peek()?;
        match m {
            0xc0 | 0xc2 | 0xc3 => {
                self.pos += 1;
            }
            0xca => {
                self.pos += 1;
                self.take(4)?;
            }
            0xcb => {
                self.pos += 1;
                self.take(8)?;
            }
            0xa0..=0xbf | 0xd9..=0xdb | 0xc4..=0xc6 => {
                self.raw_bytes("any")?;
            }
            0x90..=0x9f | 0xdc | 0xdd => {
                let n = self.array_len("array")?;
                for _ in 0..n {
                    self.skip(depth + 1)?;
                }
            }
            0x80..=0x8f | 0xde | 0xdf => {
                let n = self.map_len("map")?;
                for _ in 0..n {
                    self.skip(depth + 1)?;
                    self.skip(depth + 1)?;
                }
            }
            m if is_ext(m) => {
                self.ext_header()?;
            }
            0xc1 => return Err(self.malformed("reserved byte 0xc1")),
            _ => {
                self.integer("any")?;
            }
        }
        Ok(())
    }

    /// Reads an extension header and payload: (type, payload).
    fn ext_header(&mut self) -> Result<(i8, &'a [u8]), CodecError> {
        let m = self.byte()?;
        let len = match m {
            0xd4 => 1,
            0xd5 => 2,
            0xd6 => 4,
            0xd7 => 8,
            0xd8 => 16,
            0xc7 => self.be(1)? as usize,
            0xc8 => self.be(2)? as usize,
            0xc9 => {
                usize::try_from(self.be(4)?).map_err(|_| self.malformed("extension too long"))?
            }
            _ => return Err(self.expect_kind("extension", m)),
        };
        let ext_type = self.byte()? as i8;
        let payload = self.take(len)?;
        Ok((ext_type, payload))
    }

    #[inline(never)]
    fn unknown(&mut self, ty: &Type) -> Result<Value, CodecError> {
        let (ext_type, payload) = self.ext_header()?;
        if payload.len() <= 1 {
            return Ok(Value::unknown());
        }
        if ext_type != EXT_REFINED_UNKNOWN {
            return Err(self.malformed(format!(
                "unsupported extension type {ext_type} with {} bytes",
                payload.len()
            )));
        }
        if payload.len() > MAX_REFINEMENT_PAYLOAD {
            return Err(self.malformed("oversize unknown value refinement"));
        }
        let mut sub = Decoder {
            buf: payload,
            pos: 0,
            path: self.path.clone(),
        };
        let r = sub.refinements(ty)?;
        // Trailing payload bytes are ignored, as go-cty does (room for future additions).
        Ok(Value::Unknown(r))
    }

    fn refinements(&mut self, ty: &Type) -> Result<Refinements, CodecError> {
        let count = self.map_len("refinement map")?;
        let mut r = Refinements::default();
        if *ty == Type::Dynamic {
            // A dynamic unknown never has refinements; go-cty ignores them.
            return Ok(r);
        }
        for _ in 0..count {
            let key = self.integer("integer refinement key")?;
            match key {
                1 => {
                    let is_null = self
                        .bool()
                        .map_err(|_| self.malformed("null refinement is not a bool"))?;
                    r.not_null = Some(!is_null);
                }
                2 => {
                    if *ty != Type::String {
                        return Err(
                            self.malformed("string prefix refinement for a non-string type")
                        );
                    }
                    let prefix = self.string().map_err(|_| {
                        self.malformed("string prefix refinement is not a UTF-8 string")
                    })?;
                    // An empty prefix says nothing.
                    r.string_prefix = (!prefix.is_empty()).then_some(prefix);
                }
                3 | 4 => {
                    if *ty != Type::Number {
                        return Err(self.malformed("number bound refinement for a non-number type"));
                    }
                    let bad = |d: &Self| {
                        d.malformed("number bound refinement must be a [number, bool] array")
                    };
                    let n = self.array_len("array").map_err(|_| bad(self))?;
                    if n != 2 {
                        return Err(bad(self));
                    }
                    let m = self.peek()?;
                    if m == 0xc0 || is_ext(m) {
                        return Err(bad(self));
                    }
                    let bound = self.number().map_err(|_| bad(self))?;
                    let inclusive = self.bool().map_err(|_| bad(self))?;
                    if key == 3 {
                        r.number_lower = Some((bound, inclusive));
                    } else {
                        r.number_upper = Some((bound, inclusive));
                    }
                }
                5 | 6 => {
                    if !ty.is_collection() {
                        return Err(
                            self.malformed("length bound refinement for a non-collection type")
                        );
                    }
                    let n = self.integer("integer").map_err(|_| {
                        self.malformed("length bound refinement must be an integer")
                    })?;
                    let n = u64::try_from(n).map_err(|_| {
                        self.malformed("length bound refinement must not be negative")
                    })?;
                    // A zero lower bound and an upper bound beyond int64 say nothing.
                    if key == 5 {
                        r.length_lower = (n > 0).then_some(n);
                    } else {
                        r.length_upper = (n <= i64::MAX as u64).then_some(n);
                    }
                }
                _ => self.skip(0)?,
            }
        }
        Ok(r)
    }

    #[inline(never)]
    fn dynamic(&mut self, depth: usize) -> Result<Value, CodecError> {
        let n = self.array_len("dynamic value array [type, value]")?;
        if n != 2 {
            return Err(self.malformed("dynamic value array must have exactly two elements"));
        }
        let type_json = self.raw_bytes("type JSON bytes")?;
        let ty = type_from_json_bytes(type_json).map_err(|e| e.with_prefix(&self.path))?;
        let inner = self.value(&ty, depth + 1)?;
        if ty == Type::Dynamic {
            // `["dynamic", v]` says nothing more than `v` itself.
            return Ok(inner);
        }
        Ok(Value::Dynamic(ty, Box::new(inner)))
    }

    /// Decodes one value. Kept small (the recursive work happens in out-of-line helpers) so
    /// that [`MAX_DEPTH`] levels fit comfortably in a 2 MiB thread stack even in debug builds.
    fn value(&mut self, ty: &Type, depth: usize) -> Result<Value, CodecError> {
        if depth > MAX_DEPTH {
            return Err(self.too_deep());
        }
        let m = self.peek()?;
        if is_ext(m) {
            return self.unknown(ty);
        }
        if m == 0xc0 {
            self.pos += 1;
            return Ok(Value::Null);
        }
        match ty {
            Type::Dynamic => self.dynamic(depth),
            Type::Bool => self.bool().map(Value::Bool),
            Type::Number => self.number().map(Value::Number),
            Type::String => self.string().map(Value::String),
            Type::List(et) => self.sequence(ty, et, depth).map(Value::List),
            Type::Set(et) => self.sequence(ty, et, depth).map(Value::Set),
            Type::Tuple(ets) => self.tuple(ets, depth),
            Type::Map(et) => self.map(ty, et, depth),
            Type::Object { attrs, optional } => self.object(attrs, optional, depth),
        }
    }

    #[cold]
    #[inline(never)]
    fn too_deep(&self) -> CodecError {
        CodecError::TooDeep {
            path: AttributePath::from_steps(self.path.clone()),
            limit: MAX_DEPTH,
        }
    }

    #[inline(never)]
    fn sequence(&mut self, ty: &Type, et: &Type, depth: usize) -> Result<Vec<Value>, CodecError> {
        let n = self.array_len(&ty.to_string())?;
        // Every element takes at least one byte: never reserve more than that.
        let mut elems = Vec::with_capacity(n.min(self.remaining()));
        for i in 0..n {
            self.path.push(PathStep::Index(i as i64));
            elems.push(self.value(et, depth + 1)?);
            self.path.pop();
        }
        Ok(elems)
    }

    #[inline(never)]
    fn tuple(&mut self, ets: &[Type], depth: usize) -> Result<Value, CodecError> {
        let n = self.array_len("tuple")?;
        if n != ets.len() {
            return Err(self.malformed(format!(
                "a tuple of {} elements is required, found {n}",
                ets.len()
            )));
        }
        let mut elems = Vec::with_capacity(n);
        for (i, et) in ets.iter().enumerate() {
            self.path.push(PathStep::Index(i as i64));
            elems.push(self.value(et, depth + 1)?);
            self.path.pop();
        }
        Ok(Value::Tuple(elems))
    }

    #[inline(never)]
    fn map(&mut self, ty: &Type, et: &Type, depth: usize) -> Result<Value, CodecError> {
        let n = self.map_len(&ty.to_string())?;
        let mut m = BTreeMap::new();
        for _ in 0..n {
            let k = self
                .string()
                .map_err(|_| self.malformed("map keys must be strings"))?;
            if m.contains_key(&k) {
                return Err(CodecError::Malformed {
                    path: AttributePath::from_steps(self.path.clone()).key(k),
                    message: "duplicate map key".into(),
                });
            }
            self.path.push(PathStep::Key(k));
            let v = self.value(et, depth + 1)?;
            if let Some(PathStep::Key(k)) = self.path.pop() {
                m.insert(k, v);
            }
        }
        Ok(Value::Map(m))
    }

    #[inline(never)]
    fn object(
        &mut self,
        attrs: &BTreeMap<String, Type>,
        optional: &std::collections::BTreeSet<String>,
        depth: usize,
    ) -> Result<Value, CodecError> {
        let n = self.map_len("object")?;
        let mut m = BTreeMap::new();
        for _ in 0..n {
            let k = self
                .string()
                .map_err(|_| self.malformed("object attribute names must be strings"))?;
            let Some(at) = attrs.get(&k) else {
                return Err(CodecError::UnexpectedAttribute {
                    path: AttributePath::from_steps(self.path.clone()),
                    name: k,
                });
            };
            if m.contains_key(&k) {
                return Err(CodecError::Malformed {
                    path: AttributePath::from_steps(self.path.clone()).attr(k),
                    message: "duplicate attribute".into(),
                });
            }
            self.path.push(PathStep::Attr(k));
            let v = self.value(at, depth + 1)?;
            if let Some(PathStep::Attr(k)) = self.path.pop() {
                m.insert(k, v);
            }
        }
        for name in attrs.keys() {
            if !m.contains_key(name) {
                if optional.contains(name) {
                    m.insert(name.clone(), Value::Null);
                } else {
                    return Err(CodecError::MissingAttribute {
                        path: AttributePath::from_steps(self.path.clone()),
                        name: name.clone(),
                    });
                }
            }
        }
        Ok(Value::Object(m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn compact_integers_match_go() {
        let cases: [(i64, &str); 9] = [
            (0, "00"),
            (127, "7f"),
            (128, "cc80"),
            (-1, "ff"),
            (-32, "e0"),
            (-33, "d0df"),
            (65536, "ce00010000"),
            (i64::MAX, "cf7fffffffffffffff"),
            (i64::MIN, "d38000000000000000"),
        ];
        for (n, want) in cases {
            let mut out = Vec::new();
            write_int(&mut out, n);
            assert_eq!(hex(&out), want, "{n}");
            let mut d = Decoder {
                buf: &out,
                pos: 0,
                path: vec![],
            };
            assert_eq!(d.integer("n").unwrap(), i128::from(n));
        }
    }

    #[test]
    fn ext_header_forms() {
        let mut out = Vec::new();
        write_ext(&mut out, 12, &[1, 2, 3]);
        assert_eq!(hex(&out), "c7030c010203");
        out.clear();
        write_ext(&mut out, 12, &[1, 2, 3, 4]);
        assert_eq!(hex(&out), "d60c01020304");
    }

    #[test]
    fn prefix_truncation_keeps_utf8() {
        let s = "é".repeat(200); // 400 bytes
        let t = truncate_str(&s, MAX_PREFIX_BYTES);
        assert!(t.len() <= MAX_PREFIX_BYTES && t.len() >= MAX_PREFIX_BYTES - 1);
        assert!(s.starts_with(t));
    }
}
