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

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use crate::api::lenient as le;

/// Each field's spellings, in the order they are taken.
pub type Spellings = &'static [&'static [&'static str]];

/// Where each spelling goes: `(field, rank)`, rank 0 the preferred spelling.
pub type SpellingIndex = HashMap<&'static str, (usize, usize)>;

pub fn index(spellings: Spellings) -> SpellingIndex {
    let mut out = HashMap::new();
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

/// The values found for an object's fields, one per field: the best-ranked spelling present.
pub struct Fields {
    spellings: Spellings,
    slots: Vec<Option<(usize, Value)>>,
}

impl Fields {
    fn new(spellings: Spellings) -> Self {
        Fields {
            spellings,
            slots: vec![None; spellings.len()],
        }
    }

    fn offer(&mut self, field: usize, rank: usize, v: Value) {
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
    pub fn value(&self, name: &str) -> Option<&Value> {
        let field = self.spellings.iter().position(|s| s[0] == name);
        debug_assert!(field.is_some(), "no field {name} in {:?}", self.spellings);
        self.slots[field?].as_ref().map(|(_, v)| v)
    }

    /// Text, empty when absent.
    pub fn string(&self, name: &str) -> String {
        self.opt_string(name).unwrap_or_default()
    }

    pub fn opt_string(&self, name: &str) -> Option<String> {
        self.value(name).and_then(le::string_of)
    }

    pub fn f64(&self, name: &str) -> Option<f64> {
        self.value(name).and_then(le::f64_of)
    }

    pub fn u32(&self, name: &str) -> Option<u32> {
        self.value(name).and_then(le::u32_of)
    }

    pub fn bool(&self, name: &str) -> Option<bool> {
        self.value(name).and_then(le::bool_of)
    }

    pub fn time(&self, name: &str) -> Option<DateTime<Utc>> {
        self.value(name).and_then(le::parse_time)
    }

    pub fn strings(&self, name: &str) -> Vec<String> {
        self.value(name).map(le::strings_of).unwrap_or_default()
    }

    /// A nested object, read the same way; `None` when absent or not an object.
    pub fn object<T: Read>(&self, name: &str) -> Option<T> {
        read_value::<T>(self.value(name)?).ok()
    }

    /// A nested list of objects (one object counts as a list of one); items that are not
    /// objects are left out.
    pub fn objects<T: Read>(&self, name: &str) -> Vec<T> {
        match self.value(name) {
            Some(Value::Array(items)) => items.iter().filter_map(|v| read_value(v).ok()).collect(),
            Some(v @ Value::Object(_)) => read_value(v).ok().into_iter().collect(),
            _ => Vec::new(),
        }
    }
}

/// Reads `T` from a JSON value (an object, or an object wrapped in one key).
pub fn read_value<T: Read>(v: &Value) -> Result<T, serde_json::Error> {
    read::<T, _>(v)
}

/// The `Deserialize` of a [`Read`] object: it fails only when the input is not an object.
pub fn read<'de, T: Read, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    let fields = d.deserialize_map(FieldsVisitor::<T>(PhantomData))?;
    Ok(T::build(&fields))
}

struct FieldsVisitor<T>(PhantomData<T>);

impl<'de, T: Read> Visitor<'de> for FieldsVisitor<T> {
    type Value = Fields;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut m: M) -> Result<Fields, M::Error> {
        let index = T::spelling_index();
        let mut fields = Fields::new(T::SPELLINGS);
        // The one key of an object that holds nothing known: perhaps the object, wrapped.
        let mut only: Option<Value> = None;
        let mut keys = 0usize;
        while let Some(key) = m.next_key::<std::borrow::Cow<'de, str>>()? {
            keys += 1;
            match index.get(key.as_ref()) {
                Some(&(field, rank)) => fields.offer(field, rank, m.next_value::<Value>()?),
                None if keys == 1 => only = Some(m.next_value::<Value>()?),
                None => {
                    m.next_value::<IgnoredAny>()?;
                }
            }
        }
        match only {
            Some(inner @ Value::Object(_)) if keys == 1 && !fields.found_any() => {
                Ok(read_fields::<T>(&inner))
            }
            _ => Ok(fields),
        }
    }
}

/// How many wrappers deep an object is looked for.
const MAX_WRAPPERS: usize = 4;

/// The fields of an object given as a value (one wrapped in another's one key, itself perhaps
/// wrapped again).
fn read_fields<T: Read>(v: &Value) -> Fields {
    let index = T::spelling_index();
    let mut v = v;
    for _ in 0..MAX_WRAPPERS {
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
                fields.offer(field, rank, v.clone());
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
