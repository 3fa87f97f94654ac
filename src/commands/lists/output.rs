//! One list of records, printed three ways: an aligned table for people, a JSON array of
//! objects and CSV for scripts. The field names are the contract scripts rely on (README,
//! "Commands for scripts"); the table may show fewer columns, with shorter titles.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};

use crate::commands::cli::OutputArgs;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
}

impl From<OutputArgs> for Format {
    fn from(o: OutputArgs) -> Self {
        match (o.json, o.csv) {
            (true, _) => Format::Json,
            (_, true) => Format::Csv,
            _ => Format::Table,
        }
    }
}

/// One value of a record.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// Absent text: JSON `null`, empty in CSV, `-` in the table.
    MaybeText(Option<String>),
    Int(Option<u64>),
    Num(Option<f64>),
    /// US dollars. Unknown is `null` / empty, and `?` in the table: never `$0.00`.
    Usd(Option<f64>),
    Bool(bool),
    List(Vec<String>),
    Time(Option<DateTime<Utc>>),
    /// Text scripts get raw (JSON, CSV) and people read as the dashboard shows it (the table):
    /// `(raw, shown)`, e.g. a region without its opaque id prefix.
    Labelled(String, String),
    /// A list the same way: `(raw, shown)`.
    LabelledList(Vec<String>, Vec<String>),
}

/// A column: its stable field name (JSON and CSV) and its table title (`None`: not in the table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub field: &'static str,
    pub title: Option<&'static str>,
}

pub const fn col(field: &'static str, title: &'static str) -> Column {
    Column {
        field,
        title: Some(title),
    }
}

/// A column only scripts see (JSON and CSV).
pub const fn data(field: &'static str) -> Column {
    Column { field, title: None }
}

/// Records with the same columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Records {
    pub columns: &'static [Column],
    pub rows: Vec<Vec<Cell>>,
    /// Fields left out of the table (JSON and CSV still have them).
    pub hidden: Vec<&'static str>,
    /// A last line of the table only (a total), under the rows.
    pub footer: Option<String>,
}

impl Records {
    /// One row per item, made by `row`.
    pub fn of<T>(columns: &'static [Column], items: &[T], row: impl Fn(&T) -> Vec<Cell>) -> Self {
        Records {
            columns,
            rows: items.iter().map(row).collect(),
            hidden: Vec::new(),
            footer: None,
        }
    }

    /// The same records without `field` in the table.
    pub fn hide_in_table(mut self, field: &'static str) -> Self {
        self.hidden.push(field);
        self
    }

    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Table => self.table(),
            Format::Json => self.json(),
            Format::Csv => self.csv(),
        }
    }

    /// One JSON object per record, keyed by field name.
    pub fn objects(&self) -> Vec<Value> {
        self.rows
            .iter()
            .map(|row| {
                let mut o = Map::new();
                for (c, cell) in self.columns.iter().zip(row) {
                    o.insert(c.field.to_string(), cell.json());
                }
                Value::Object(o)
            })
            .collect()
    }

    /// A JSON array of objects, pretty-printed, ending in a newline.
    pub fn json(&self) -> String {
        let items = self.objects();
        let mut s = serde_json::to_string_pretty(&Value::Array(items)).unwrap_or_default();
        s.push('\n');
        s
    }

    /// RFC 4180: a header line of field names, then one line per record; fields with a comma,
    /// quote or line break are quoted. Lists are joined with `;`.
    pub fn csv(&self) -> String {
        let mut out = String::new();
        let header: Vec<String> = self.columns.iter().map(|c| csv_field(c.field)).collect();
        out.push_str(&header.join(","));
        out.push_str("\r\n");
        for row in &self.rows {
            let line: Vec<String> = row.iter().map(|c| csv_field(&c.plain())).collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
        out
    }

    /// Columns padded to their widest cell; numbers and money right-aligned.
    pub fn table(&self) -> String {
        let shown: Vec<(usize, &'static str)> = self
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| !self.hidden.contains(&c.field))
            .filter_map(|(i, c)| c.title.map(|t| (i, t)))
            .collect();
        let cells: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|row| shown.iter().map(|&(i, _)| row[i].human()).collect())
            .collect();
        let right: Vec<bool> = shown
            .iter()
            .map(|&(i, _)| {
                self.rows
                    .first()
                    .is_some_and(|r| matches!(r[i], Cell::Int(_) | Cell::Num(_) | Cell::Usd(_)))
            })
            .collect();
        let widths: Vec<usize> = shown
            .iter()
            .enumerate()
            .map(|(k, &(_, title))| {
                cells
                    .iter()
                    .map(|r| width(&r[k]))
                    .chain([width(title)])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |texts: Vec<&str>| -> String {
            let parts: Vec<String> = texts
                .iter()
                .enumerate()
                .map(|(k, t)| {
                    let pad = " ".repeat(widths[k] - width(t));
                    if right[k] {
                        format!("{pad}{t}")
                    } else {
                        format!("{t}{pad}")
                    }
                })
                .collect();
            let mut s = parts.join("  ");
            s.truncate(s.trim_end().len());
            s.push('\n');
            s
        };
        let mut out = line(shown.iter().map(|&(_, t)| t).collect());
        for r in &cells {
            out.push_str(&line(r.iter().map(String::as_str).collect()));
        }
        if let Some(f) = &self.footer {
            out.push_str(f);
            out.push('\n');
        }
        out
    }
}

fn width(s: &str) -> usize {
    s.chars().count()
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn time(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A number as scripts want it: no exponent, no trailing zeros.
fn number(v: f64) -> String {
    format!("{v}")
}

impl Cell {
    fn json(&self) -> Value {
        match self {
            Cell::Text(s) | Cell::Labelled(s, _) => Value::from(s.as_str()),
            Cell::MaybeText(s) => s.as_deref().map_or(Value::Null, Value::from),
            Cell::Int(n) => n.map_or(Value::Null, Value::from),
            Cell::Num(n) | Cell::Usd(n) => n
                .and_then(serde_json::Number::from_f64)
                .map_or(Value::Null, Value::Number),
            Cell::Bool(b) => Value::Bool(*b),
            Cell::List(l) | Cell::LabelledList(l, _) => Value::from(l.clone()),
            Cell::Time(t) => t.as_ref().map_or(Value::Null, |t| Value::from(time(t))),
        }
    }

    /// The CSV text: empty when absent.
    fn plain(&self) -> String {
        match self {
            Cell::Text(s) | Cell::Labelled(s, _) => s.clone(),
            Cell::MaybeText(s) => s.clone().unwrap_or_default(),
            Cell::Int(n) => n.map(|n| n.to_string()).unwrap_or_default(),
            Cell::Num(n) | Cell::Usd(n) => n.map(number).unwrap_or_default(),
            Cell::Bool(b) => b.to_string(),
            Cell::List(l) | Cell::LabelledList(l, _) => l.join(";"),
            Cell::Time(t) => t.as_ref().map(time).unwrap_or_default(),
        }
    }

    /// The table text.
    fn human(&self) -> String {
        match self {
            Cell::Text(s) | Cell::Labelled(_, s) if s.is_empty() => "-".into(),
            Cell::Labelled(_, s) => s.clone(),
            Cell::LabelledList(_, l) => Cell::List(l.clone()).human(),
            Cell::MaybeText(None) | Cell::Int(None) | Cell::Num(None) | Cell::Time(None) => {
                "-".into()
            }
            Cell::Usd(v) => crate::domain::cost::usd_opt(*v),
            Cell::Num(Some(v)) => format!("{}", (v * 100.0).round() / 100.0),
            Cell::Bool(b) => if *b { "yes" } else { "no" }.into(),
            Cell::List(l) if l.is_empty() => "-".into(),
            Cell::List(l) if l.len() > 2 => format!("{},{} +{}", l[0], l[1], l.len() - 2),
            Cell::List(l) => l.join(","),
            Cell::Time(Some(t)) => t.format("%Y-%m-%d %H:%M").to_string(),
            other => other.plain(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: &[Column] = &[
        col("id", "ID"),
        col("pricePerHour", "$/H"),
        data("tags"),
        col("note", "NOTE"),
    ];

    fn sample() -> Records {
        Records {
            columns: COLS,
            rows: vec![
                vec![
                    Cell::Text("a".into()),
                    Cell::Usd(Some(21.5)),
                    Cell::List(vec!["x".into(), "y".into()]),
                    Cell::MaybeText(Some("say \"hi\", then go".into())),
                ],
                vec![
                    Cell::Text("bb".into()),
                    Cell::Usd(None),
                    Cell::List(vec![]),
                    Cell::MaybeText(None),
                ],
            ],
            hidden: Vec::new(),
            footer: None,
        }
    }

    #[test]
    fn table_aligns_and_hides_data_only_columns() {
        let t = sample().table();
        assert_eq!(
            t,
            "ID     $/H  NOTE\na   $21.50  say \"hi\", then go\nbb       ?  -\n"
        );
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        assert_eq!(
            sample().csv(),
            "id,pricePerHour,tags,note\r\na,21.5,x;y,\"say \"\"hi\"\", then go\"\r\nbb,,,\r\n"
        );
    }

    #[test]
    fn json_uses_the_field_names_and_null_for_unknown() {
        let v: Value = serde_json::from_str(&sample().json()).unwrap();
        assert_eq!(v[0]["pricePerHour"], 21.5);
        assert_eq!(v[0]["tags"], serde_json::json!(["x", "y"]));
        assert_eq!(v[1]["pricePerHour"], Value::Null);
        assert_eq!(v[1]["note"], Value::Null);
        assert_eq!(v.as_array().unwrap().len(), 2);
    }

    #[test]
    fn long_lists_are_shortened_in_the_table_only() {
        const C: &[Column] = &[col("regions", "REGIONS")];
        let r = Records {
            columns: C,
            rows: vec![vec![Cell::List(vec![
                "a".into(),
                "b".into(),
                "c".into(),
                "d".into(),
            ])]],
            hidden: Vec::new(),
            footer: None,
        };
        assert_eq!(r.table(), "REGIONS\na,b +2\n");
        assert!(r.csv().contains("a;b;c;d"));
        assert!(r.json().contains("\"d\""));
    }

    #[test]
    fn labelled_cells_are_raw_for_scripts_and_shown_for_people() {
        const C: &[Column] = &[col("region", "REGION"), col("regions", "REGIONS")];
        let r = Records {
            columns: C,
            rows: vec![vec![
                Cell::Labelled("166e655a:culpeper-usa-1".into(), "culpeper-usa-1".into()),
                Cell::LabelledList(
                    vec!["166e655a:culpeper-usa-1".into(), "us-east-1".into()],
                    vec!["culpeper-usa-1".into(), "us-east-1".into()],
                ),
            ]],
            hidden: Vec::new(),
            footer: None,
        };
        assert_eq!(
            r.table(),
            "REGION          REGIONS\nculpeper-usa-1  culpeper-usa-1,us-east-1\n"
        );
        assert!(
            r.csv()
                .contains("166e655a:culpeper-usa-1,166e655a:culpeper-usa-1;us-east-1")
        );
        let v: Value = serde_json::from_str(&r.json()).unwrap();
        assert_eq!(v[0]["region"], "166e655a:culpeper-usa-1");
        assert_eq!(v[0]["regions"][0], "166e655a:culpeper-usa-1");
    }

    #[test]
    fn money_in_the_table_uses_the_one_formatter() {
        const C: &[Column] = &[col("pricePerHour", "$/H")];
        let r = Records {
            columns: C,
            rows: vec![
                vec![Cell::Usd(Some(0.003))],
                vec![Cell::Usd(Some(1234.5))],
                vec![Cell::Usd(None)],
            ],
            hidden: Vec::new(),
            footer: None,
        };
        assert_eq!(r.table(), "      $/H\n   <$0.01\n$1,234.50\n        ?\n");
        assert!(
            r.csv().contains("\r\n0.003\r\n1234.5\r\n\r\n"),
            "{:?}",
            r.csv()
        );
    }
}
