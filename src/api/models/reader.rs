//! The reader behind every account object (deployments, offers, volumes, SSH keys, teams): it
//! cannot fail on an object. Each field has its spellings in a fixed order; the first present
//! and not `null` is taken and the others are ignored, so an object that carries two spellings
//! at once (`id` and `_id`) reads as well as one that carries either. Every value is read
//! leniently ([`crate::api::lenient`]): numbers as strings, strings as numbers, `null`, a value
//! wrapped one level deeper (`{"value": 2}`); a field that cannot be read is absent, never a
//! reason to drop the object. An object wrapped in one key (`{"deployment": {...}}`) is read
//! from inside.
//!
//! Only something that is not an object at all cannot be read: a list keeps it as an
//! unreadable row ([`Unreadable`]) with the id found in it, if any.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::api::lenient as le;

/// Each field's spellings, in the order they are taken.
pub type Spellings = &'static [&'static [&'static str]];

/// Where each spelling goes: `(field, rank)`, rank 0 the preferred spelling. Hashed with
/// foldhash's fast hasher, not SipHash: the keys are a few short names fixed at build time (a key
/// that is not one is only looked up, never added), so SipHash's protection is not needed and its
/// cost, paid for every key of every object read, is not worth it.
pub type SpellingIndex = HashMap<&'static str, (usize, usize), foldhash::fast::FixedState>;

pub fn index(spellings: Spellings) -> SpellingIndex {
    let mut out = SpellingIndex::default();
    for (field, names) in spellings.iter().enumerate() {
        for (rank, name) in names.iter().enumerate() {
            out.entry(*name).or_insert((field, rank));
        }
    }
    out
}

/// An object read through its spellings.
pub trait Read: Sized {
    /// The first spelling of each field is its name in [`Fields`]' getters.
    const SPELLINGS: Spellings;
    fn spelling_index() -> &'static SpellingIndex;
    fn build(f: &Fields) -> Self;
}

/// A list item that could not be read at all, kept as a row so that nothing vanishes.
pub trait Unreadable: Sized {
    /// A row for it: its id when one was found, and why it could not be read.
    fn unreadable(id: String, why: String) -> Self;
    /// Why it could not be read, for a row that could not.
    fn unreadable_reason(&self) -> Option<&str>;
}

/// One field's value as found: text borrowed from the input where it has no escapes, any other
/// value read whole, or (for an object given as a `Value`) a reference into it.
#[derive(Clone)]
enum Slot<'de> {
    Text(Cow<'de, str>),
    Owned(Value),
    Ref(&'de Value),
}

impl Slot<'_> {
    fn is_null(&self) -> bool {
        match self {
            Slot::Text(_) => false,
            Slot::Owned(v) => v.is_null(),
            Slot::Ref(v) => v.is_null(),
        }
    }
}

impl<'de> Deserialize<'de> for Slot<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SlotVisitor)
    }
}

struct SlotVisitor;

impl<'de> Visitor<'de> for SlotVisitor {
    type Value = Slot<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Slot<'de>, E> {
        Ok(Slot::Text(Cow::Borrowed(s)))
    }
    fn visit_str<E>(self, s: &str) -> Result<Slot<'de>, E> {
        Ok(Slot::Text(Cow::Owned(s.to_owned())))
    }
    fn visit_string<E>(self, s: String) -> Result<Slot<'de>, E> {
        Ok(Slot::Text(Cow::Owned(s)))
    }
    fn visit_bool<E>(self, b: bool) -> Result<Slot<'de>, E> {
        Ok(Slot::Owned(Value::Bool(b)))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Slot<'de>, E> {
        Ok(Slot::Owned(Value::from(n)))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Slot<'de>, E> {
        Ok(Slot::Owned(Value::from(n)))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Slot<'de>, E> {
        Ok(Slot::Owned(Value::from(n)))
    }
    fn visit_unit<E>(self) -> Result<Slot<'de>, E> {
        Ok(Slot::Owned(Value::Null))
    }
    fn visit_none<E>(self) -> Result<Slot<'de>, E> {
        Ok(Slot::Owned(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Slot<'de>, D::Error> {
        Slot::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<Slot<'de>, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(a)).map(Slot::Owned)
    }
    fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<Slot<'de>, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(a)).map(Slot::Owned)
    }
}

/// A key, borrowed from the input when it has no escapes (a `Cow` is always read as owned).
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match d.deserialize_str(SlotVisitor)? {
            Slot::Text(k) => Ok(Key(k)),
            _ => Err(serde::de::Error::custom("a key that is not text")),
        }
    }
}

/// A field's value for the getters: text, or any other value.
enum Found<'a> {
    Text(&'a str),
    Value(&'a Value),
}

/// The values found for an object's fields, one per field: the best-ranked spelling present.
pub struct Fields<'de> {
    spellings: Spellings,
    slots: Vec<Option<(usize, Slot<'de>)>>,
    /// Where the next getter's field is looked for first: getters mostly follow the order of
    /// the spellings, so each usually finds its field at the first try.
    next: Cell<usize>,
}

impl<'de> Fields<'de> {
    fn new(spellings: Spellings) -> Self {
        Fields {
            spellings,
            slots: vec![None; spellings.len()],
            next: Cell::new(0),
        }
    }

    fn offer(&mut self, field: usize, rank: usize, v: Slot<'de>) {
        if v.is_null() {
            return;
        }
        let slot = &mut self.slots[field];
        if slot.as_ref().is_none_or(|(r, _)| rank < *r) {
            *slot = Some((rank, v));
        }
    }

    fn found_any(&self) -> bool {
        self.slots.iter().any(Option::is_some)
    }

    /// The value of the field whose first spelling is `name`.
    fn get(&self, name: &str) -> Option<Found<'_>> {
        let (n, start) = (self.spellings.len(), self.next.get());
        // A getter's name is usually the very literal of the spellings: same address.
        let field = (start..n).chain(0..start).find(|&i| {
            let first = self.spellings[i][0];
            std::ptr::eq(first, name) || first == name
        });
        debug_assert!(field.is_some(), "no field {name} in {:?}", self.spellings);
        let field = field?;
        self.next.set(field + 1);
        Some(match &self.slots[field].as_ref()?.1 {
            Slot::Text(s) => Found::Text(s),
            Slot::Owned(v) => Found::Value(v),
            Slot::Ref(v) => Found::Value(v),
        })
    }

    /// The field read by `text` when it is text, by `value` otherwise.
    fn read<R>(
        &self,
        name: &str,
        text: impl FnOnce(&str) -> Option<R>,
        value: impl FnOnce(&Value) -> Option<R>,
    ) -> Option<R> {
        match self.get(name)? {
            Found::Text(s) => text(s),
            Found::Value(v) => value(v),
        }
    }

    /// The field when it is not text (a nested object or list).
    fn value(&self, name: &str) -> Option<&Value> {
        match self.get(name)? {
            Found::Text(_) => None,
            Found::Value(v) => Some(v),
        }
    }

    /// Text, empty when absent.
    pub fn string(&self, name: &str) -> String {
        self.opt_string(name).unwrap_or_default()
    }

    pub fn opt_string(&self, name: &str) -> Option<String> {
        self.read(name, |s| Some(s.to_owned()), le::string_of)
    }

    pub fn f64(&self, name: &str) -> Option<f64> {
        self.read(name, le::f64_of_str, le::f64_of)
    }

    pub fn u32(&self, name: &str) -> Option<u32> {
        le::whole(self.f64(name))
    }

    pub fn bool(&self, name: &str) -> Option<bool> {
        self.read(name, le::bool_of_str, le::bool_of)
    }

    pub fn time(&self, name: &str) -> Option<DateTime<Utc>> {
        self.read(name, le::time_of_str, le::parse_time)
    }

    pub fn strings(&self, name: &str) -> Vec<String> {
        self.read(
            name,
            |s| Some(le::strings_of_str(s)),
            |v| Some(le::strings_of(v)),
        )
        .unwrap_or_default()
    }

    /// A nested object, read the same way; `None` when absent or not an object.
    pub fn object<T: Read>(&self, name: &str) -> Option<T> {
        read_value::<T>(self.value(name)?)
    }

    /// A nested list of objects (one object counts as a list of one); items that are not
    /// objects are left out.
    pub fn objects<T: Read>(&self, name: &str) -> Vec<T> {
        match self.value(name) {
            Some(Value::Array(items)) => items.iter().filter_map(read_value).collect(),
            Some(v @ Value::Object(_)) => read_value(v).into_iter().collect(),
            _ => Vec::new(),
        }
    }
}

/// Reads `T` from a JSON value (an object, or an object wrapped in one key); `None` when it is
/// not an object.
fn read_value<T: Read>(v: &Value) -> Option<T> {
    // The object itself is one level more than the wrappers looked through inside it, as when
    // it is read from text.
    v.is_object()
        .then(|| T::build(&read_fields::<T>(v, MAX_WRAPPERS + 1)))
}

/// The `Deserialize` of a [`Read`] object: it fails only when the input is not an object.
pub fn read<'de, T: Read, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    Ok(match d.deserialize_map(FieldsVisitor::<T>(PhantomData))? {
        Object::Fields(fields) => T::build(&fields),
        Object::Wrapped(inner) => T::build(&read_fields::<T>(&inner, MAX_WRAPPERS)),
    })
}

/// An object as read from the input: its fields, or the one object it wraps.
enum Object<'de> {
    Fields(Fields<'de>),
    Wrapped(Value),
}

struct FieldsVisitor<T>(PhantomData<T>);

impl<'de, T: Read> Visitor<'de> for FieldsVisitor<T> {
    type Value = Object<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut m: M) -> Result<Object<'de>, M::Error> {
        let index = T::spelling_index();
        let mut fields = Fields::new(T::SPELLINGS);
        // The one key of an object that holds nothing known: perhaps the object, wrapped.
        let mut only: Option<Value> = None;
        let mut keys = 0usize;
        while let Some(Key(key)) = m.next_key()? {
            keys += 1;
            match index.get(key.as_ref()) {
                Some(&(field, rank)) => fields.offer(field, rank, m.next_value::<Slot>()?),
                None if keys == 1 => only = Some(m.next_value::<Value>()?),
                None => {
                    m.next_value::<IgnoredAny>()?;
                }
            }
        }
        match only {
            Some(inner @ Value::Object(_)) if keys == 1 && !fields.found_any() => {
                Ok(Object::Wrapped(inner))
            }
            _ => Ok(Object::Fields(fields)),
        }
    }
}

/// How many wrappers deep an object is looked for.
const MAX_WRAPPERS: usize = 4;

/// The fields of an object given as a value (one wrapped in another's one key, itself perhaps
/// wrapped again, up to `wrappers` deep).
fn read_fields<T: Read>(v: &Value, wrappers: usize) -> Fields<'_> {
    let index = T::spelling_index();
    let mut v = v;
    for _ in 0..wrappers {
        match v {
            Value::Object(o)
                if o.len() == 1 && !o.keys().any(|k| index.contains_key(k.as_str())) =>
            {
                match o.values().next() {
                    Some(inner @ Value::Object(_)) => v = inner,
                    _ => break,
                }
            }
            _ => break,
        }
    }
    let mut fields = Fields::new(T::SPELLINGS);
    if let Value::Object(o) = v {
        for (k, v) in o {
            if let Some(&(field, rank)) = index.get(k.as_str()) {
                fields.offer(field, rank, Slot::Ref(v));
            }
        }
    }
    fields
}

/// `Deserialize` for [`Read`] types, each with its own spelling index built once.
macro_rules! read_through_spellings {
    ($($t:ty),* $(,)?) => {$(
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::api::models::reader::read(d)
            }
        }
    )*};
}
pub(crate) use read_through_spellings;

/// The spelling index of a [`Read`] type, built on first use.
macro_rules! spelling_index {
    () => {
        fn spelling_index() -> &'static $crate::api::models::reader::SpellingIndex {
            static INDEX: std::sync::OnceLock<$crate::api::models::reader::SpellingIndex> =
                std::sync::OnceLock::new();
            INDEX.get_or_init(|| $crate::api::models::reader::index(Self::SPELLINGS))
        }
    };
}
pub(crate) use spelling_index;

/// The id of an item that could not be read, when one can be found: a plain string item is
/// taken as one (no spaces, not too long); an array's first object is searched.
pub fn find_id(v: &Value, spellings: &[&str]) -> String {
    match v {
        Value::String(s) if !s.trim().is_empty() && s.len() <= 128 && !s.contains(' ') => {
            s.trim().to_string()
        }
        Value::Object(o) => spellings
            .iter()
            .find_map(|k| o.get(*k).and_then(le::string_of))
            .unwrap_or_default(),
        Value::Array(items) => items
            .iter()
            .map(|i| find_id(i, spellings))
            .find(|id| !id.is_empty())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Probe {
        id: String,
        n: Option<f64>,
        on: Option<bool>,
        tags: Vec<String>,
        inner: Option<Box<Probe>>,
        kids: Vec<Probe>,
    }

    impl Read for Probe {
        const SPELLINGS: Spellings = &[
            &["id", "_id"],
            &["n"],
            &["on"],
            &["tags"],
            &["inner"],
            &["kids"],
        ];
        spelling_index!();
        fn build(f: &Fields) -> Self {
            Probe {
                id: f.string("id"),
                n: f.f64("n"),
                on: f.bool("on"),
                tags: f.strings("tags"),
                inner: f.object("inner").map(Box::new),
                kids: f.objects("kids"),
            }
        }
    }

    read_through_spellings!(Probe);

    fn probe(id: &str, n: Option<f64>, on: Option<bool>, tags: &[&str]) -> Probe {
        Probe {
            id: id.to_owned(),
            n,
            on,
            tags: tags.iter().map(|t| t.to_string()).collect(),
            inner: None,
            kids: Vec::new(),
        }
    }

    /// From text borrowed or streamed, and from a `Value`, an object reads the same: escaped
    /// keys and strings, spellings by rank, wrapped values and wrapped objects.
    #[test]
    fn text_streamed_text_and_value_read_alike() {
        let cases = [
            (
                r#"{"id": "a\"b", "n": "2.5", "on": "yes", "tags": "x", "inner": {"w": {"id": 7}}}"#,
                Probe {
                    inner: Some(Box::new(probe("7", None, None, &[]))),
                    ..probe("a\"b", Some(2.5), Some(true), &["x"])
                },
            ),
            (
                r#"{"_id": "x", "id": null, "n": {"value": 3}, "on": 1, "tags": ["a", 2, {"name": "c"}]}"#,
                probe("x", Some(3.0), Some(true), &["a", "2", "c"]),
            ),
            (
                r#"{"\u0069d": "\u00e9t\u00e9", "_id": "later", "n": " $4 ", "on": "No"}"#,
                probe("été", Some(4.0), Some(false), &[]),
            ),
            (
                r#"{"wrap": {"again": {"id": "inside", "tags": ""}}}"#,
                probe("inside", None, None, &[]),
            ),
            (
                r#"{"other": 1, "n": "nan", "tags": [["x"], null, true], "kids": [{"id": 1}, "k", [{"id": 2}], {"w": {"_id": "3"}}]}"#,
                Probe {
                    kids: vec![probe("1", None, None, &[]), probe("3", None, None, &[])],
                    ..probe("", None, None, &[])
                },
            ),
            (
                r#"{"id": ["x"], "n": [1], "kids": {"id": "only"}, "inner": [{"id": "no"}]}"#,
                Probe {
                    kids: vec![probe("only", None, None, &[])],
                    ..probe("", None, None, &[])
                },
            ),
        ];
        for (text, want) in cases {
            let borrowed: Probe = serde_json::from_str(text).unwrap();
            let streamed: Probe = serde_json::from_reader(text.as_bytes()).unwrap();
            let v: Value = serde_json::from_str(text).unwrap();
            let from_value = Probe::deserialize(&v).unwrap();
            let nested = read_value::<Probe>(&v).unwrap();
            assert_eq!(borrowed, want, "{text}");
            assert_eq!(streamed, want, "{text}");
            assert_eq!(from_value, want, "{text}");
            assert_eq!(nested, want, "{text}");
        }
        assert!(serde_json::from_str::<Probe>("[1]").is_err());
    }
}
