//! Tolerant field readers: the live service sends numbers as strings now and then, timestamps as
//! strings or epoch milliseconds, and `null` where a field is "optional". These deserializers
//! accept every such spelling and never fail a whole object over one odd field.

use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// The value inside a wrapper one level deep: `{"value": x}`, `{"amount": x}` (money with its
/// currency), `{"$oid": x}` (an id as some stores write it).
fn unwrapped(v: &Value) -> Option<&Value> {
    let Value::Object(o) = v else { return None };
    ["value", "amount", "$oid", "$numberDecimal", "$date"]
        .iter()
        .find_map(|k| o.get(*k))
        .filter(|inner| !inner.is_object())
}

/// A finite number: a JSON number, a numeric string (`"2.50"`, `" $2.50 "`), or one of these
/// wrapped one level deep. Anything else: `None`.
pub fn f64_of(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64().filter(|f| f.is_finite()),
        Value::String(s) => f64_of_str(s),
        Value::Object(_) => unwrapped(v).and_then(f64_of),
        _ => None,
    }
}

/// A finite number written as text (`"2.50"`, `" $2.50 "`).
pub fn f64_of_str(s: &str) -> Option<f64> {
    s.trim()
        .trim_start_matches('$')
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
}

/// A non-negative whole number (or a string of one); anything else: `None`.
pub fn u32_of(v: &Value) -> Option<u32> {
    whole(f64_of(v))
}

/// The nearest whole number when `f` is one in `u32`'s range.
pub fn whole(f: Option<f64>) -> Option<u32> {
    f.filter(|f| *f >= 0.0 && *f <= f64::from(u32::MAX))
        .map(|f| f.round() as u32)
}

/// Text: a string, a number or a boolean written out, or one of these wrapped one level deep
/// (or an object's `id`); `null` and anything else: `None`.
pub fn string_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Object(o) => unwrapped(v)
            .or_else(|| o.get("id").filter(|i| !i.is_object()))
            .and_then(string_of),
        _ => None,
    }
}

/// `true`/`false`, `"true"`/`"yes"`/`"1"` (and their opposites), 1/0; anything else, an empty
/// string too, says nothing: `None`.
pub fn bool_of(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => bool_of_str(s),
        Value::Number(n) => n.as_f64().map(|f| f != 0.0),
        Value::Object(_) => unwrapped(v).and_then(bool_of),
        _ => None,
    }
}

/// `"true"`/`"yes"`/`"1"` and their opposites, in any case; any other text: `None`.
pub fn bool_of_str(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Some(true),
        "false" | "no" | "0" => Some(false),
        _ => None,
    }
}

/// A list of strings: an array (numbers written out, objects by their `id` or `name`, the rest
/// left out), a single string as one item; anything else: empty.
pub fn strings_of(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items
            .iter()
            .filter_map(|i| match i {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                Value::Object(o) => o
                    .get("id")
                    .or_else(|| o.get("name"))
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                _ => None,
            })
            .collect(),
        Value::String(s) => strings_of_str(s),
        _ => Vec::new(),
    }
}

/// A single string as a list of one; an empty one as none.
pub fn strings_of_str(s: &str) -> Vec<String> {
    if s.is_empty() {
        Vec::new()
    } else {
        vec![s.to_owned()]
    }
}

/// A number, a numeric string, or null/absent/garbage → `None`.
pub fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(f64_of(&Value::deserialize(d)?))
}

/// A non-negative whole number (or a string of one); anything else → `None`.
pub fn opt_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    Ok(u32_of(&Value::deserialize(d)?))
}

/// A string, a number (rendered), or null → `String` (empty when absent).
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(opt_string(d)?.unwrap_or_default())
}

pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(string_of(&Value::deserialize(d)?))
}

/// `true`/`false`, `"true"`, 1/0; anything else → false.
pub fn bool_or_false<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(bool_of(&Value::deserialize(d)?).unwrap_or(false))
}

/// An array of strings; a single string becomes one item; anything else → empty.
pub fn string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(strings_of(&Value::deserialize(d)?))
}

/// RFC 3339 (with or without offset), a bare `YYYY-MM-DDTHH:MM:SS`, or epoch seconds/millis.
pub fn parse_time(v: &Value) -> Option<DateTime<Utc>> {
    match v {
        Value::Object(_) => unwrapped(v).and_then(parse_time),
        Value::String(s) => time_of_str(s),
        Value::Number(n) => {
            let f = n.as_f64()?;
            // Heuristic: anything past year ~2286 in seconds is really milliseconds.
            let millis = if f > 1e10 { f } else { f * 1000.0 };
            Utc.timestamp_millis_opt(millis as i64).single()
        }
        _ => None,
    }
}

/// A time written as text: RFC 3339 (with or without offset) or a bare date and time, in UTC.
pub fn time_of_str(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
                .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f"))
                .ok()
                .map(|n| n.and_utc())
        })
}

pub fn opt_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let v = Value::deserialize(d)?;
    Ok(parse_time(&v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Deserialize, Default)]
    struct Probe {
        #[serde(default, deserialize_with = "opt_f64")]
        n: Option<f64>,
        #[serde(default, deserialize_with = "bool_or_false")]
        b: bool,
        #[serde(default, deserialize_with = "string_list")]
        l: Vec<String>,
        #[serde(default, deserialize_with = "opt_time")]
        t: Option<DateTime<Utc>>,
    }

    #[test]
    fn numbers_accept_strings_and_reject_garbage() {
        let p: Probe = serde_json::from_value(json!({"n": "2.50"})).unwrap();
        assert_eq!(p.n, Some(2.5));
        let p: Probe = serde_json::from_value(json!({"n": {"x": 1}})).unwrap();
        assert_eq!(p.n, None);
        let p: Probe = serde_json::from_value(json!({"n": null})).unwrap();
        assert_eq!(p.n, None);
    }

    #[test]
    fn bools_and_lists_are_forgiving() {
        let p: Probe = serde_json::from_value(json!({"b": "true", "l": "us-east"})).unwrap();
        assert!(p.b);
        assert_eq!(p.l, vec!["us-east".to_string()]);
        let p: Probe = serde_json::from_value(json!({"b": 0, "l": ["a", 3, null]})).unwrap();
        assert!(!p.b);
        assert_eq!(p.l, vec!["a".to_string(), "3".to_string()]);
    }

    #[test]
    fn an_empty_string_says_neither_yes_nor_no() {
        assert_eq!(bool_of(&json!("")), None);
        assert_eq!(bool_of(&json!("  ")), None);
        assert_eq!(bool_of(&json!("No")), Some(false));
        let p: Probe = serde_json::from_value(json!({"b": "", "l": []})).unwrap();
        assert!(!p.b, "a field that defaults to false stays false");
    }

    #[test]
    fn times_in_every_spelling() {
        let want = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
        for v in [
            json!("2026-11-28T12:00:00Z"),
            json!("2026-11-28T12:00:00.000Z"),
            json!("2026-11-28T13:00:00+01:00"),
            json!("2026-11-28T12:00:00"),
            json!(want.timestamp()),
            json!(want.timestamp_millis()),
        ] {
            assert_eq!(parse_time(&v), Some(want), "{v}");
        }
        assert_eq!(parse_time(&json!("yesterday")), None);
        let p: Probe = serde_json::from_value(json!({"t": "2026-11-28T12:00:00Z"})).unwrap();
        assert_eq!(p.t, Some(want));
    }
}
