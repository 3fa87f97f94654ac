//! What the keys say: the footer, the dialogs' hint lines and the `?` overlay, all derived from
//! the key table and — for a dialog — from the commands it handles as it stands, so a hint
//! never names a key that does nothing, and a key that acts is never left out.

use super::{Binding, Focus, KeyCmd, Scope, table};
use crate::app::Pane;
use crate::app::dialogs::Dialog;
use crate::app::state::AppState;

/// A footer or hint-line entry: the keys' label and the hint.
pub type Hint = (String, &'static str);

/// Keys of a binding joined for display: "↑/k".
pub fn keys_label(b: &Binding) -> String {
    b.keys
        .iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join("/")
}

/// The bindings offered, next to each other with one hint, as one entry: the label of a lone
/// binding lists its keys, that of a group the first key of each ("↑/↓/PgUp/PgDn/g scroll").
/// Keys a focused text field takes as typing are left out of the labels.
fn grouped<'a>(
    bindings: impl Iterator<Item = (&'a Binding, &'static str)>,
    text: bool,
) -> Vec<Hint> {
    let mut groups: Vec<(Vec<&Binding>, &'static str)> = Vec::new();
    for (b, hint) in bindings {
        if hint.is_empty() {
            continue;
        }
        match groups.last_mut() {
            Some((list, h)) if *h == hint && list[0].scope == b.scope => list.push(b),
            _ => groups.push((vec![b], hint)),
        }
    }
    groups
        .into_iter()
        .filter_map(|(list, hint)| {
            let shown = |b: &Binding| -> Vec<String> {
                b.keys
                    .iter()
                    .filter(|k| !(text && k.types()))
                    .map(|k| k.label())
                    .collect()
            };
            let label = if list.len() == 1 {
                shown(list[0])
            } else {
                list.iter()
                    .filter_map(|b| shown(b).into_iter().next())
                    .collect()
            };
            (!label.is_empty()).then(|| (label.join("/"), hint))
        })
        .collect()
}

/// Footer hints for `pane`: its own bindings first, then the list and global ones.
pub fn footer(pane: Pane) -> Vec<Hint> {
    footer_for(pane, false).usable
}

fn footer_bindings(pane: Pane) -> impl Iterator<Item = &'static Binding> {
    let own = table()
        .iter()
        .filter(move |b| b.scope == Scope::On(pane) || b.scope == Scope::Lists);
    let global = table().iter().filter(|b| b.scope == Scope::Global);
    own.chain(global).filter(|b| !b.hint.is_empty())
}

/// The footer split by what can be used: in read-only mode the keys that would change the
/// account are listed apart (`unavailable`), never as actions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Footer {
    pub usable: Vec<Hint>,
    pub unavailable: Vec<Hint>,
}

pub fn footer_for(pane: Pane, read_only: bool) -> Footer {
    footer_where(pane, read_only, |_| true)
}

/// The footer of the pane as it stands: only the actions that act now
/// ([`panes::acts`](crate::app::panes::acts)), the writes apart in read-only mode.
pub fn pane_footer(state: &AppState) -> Footer {
    footer_where(state.pane, state.session.read_only, |cmd| {
        crate::app::panes::acts(state, cmd)
    })
}

fn footer_where(pane: Pane, read_only: bool, acts: impl Fn(KeyCmd) -> bool) -> Footer {
    let mut f = Footer::default();
    for b in footer_bindings(pane).filter(|b| acts(b.cmd)) {
        let hint = (b.keys[0].label(), b.hint);
        if read_only && b.writes.is_some() {
            f.unavailable.push(hint);
        } else {
            f.usable.push(hint);
        }
    }
    f
}

/// The footer while the Offers filter line is edited: its keys (letters type).
pub fn filter_footer() -> Vec<Hint> {
    let own = table().iter().filter(|b| b.scope == Scope::Filter);
    grouped(own.map(|b| (b, b.hint)), true)
}

/// Hints for the open dialog `d` as it stands: the commands it handles now, each with the keys
/// the table gives it there, then `Esc` (when it steps back) and `Ctrl-C`.
pub fn dialog_footer(d: &Dialog, state: &AppState) -> Vec<Hint> {
    let keys = d.keys();
    let kind = d.kind();
    let offered = keys.commands(state);
    let focus = Focus::Dialog {
        kind,
        text: keys.text_focus(),
    };
    // its own keys first, then those of every dialog
    let own = table().iter().filter(|b| b.scope == Scope::Dialog(kind));
    let every = table().iter().filter(|b| b.scope == Scope::Dialogs);
    let shown = own
        .chain(every)
        .filter(|b| match b.cmd {
            KeyCmd::Quit => true,
            KeyCmd::Back => keys.can_go_back(),
            cmd => b.scope == Scope::Dialog(kind) && offered.contains(&cmd),
        })
        .map(|b| (b, keys.relabel(b.cmd).unwrap_or(b.hint)));
    grouped(shown, focus.text())
}

/// The same hints on one line, for inside a dialog (without quit, which the footer shows):
/// "y confirm · Tab/Shift-Tab move · … · Esc back/close".
pub fn dialog_line(d: &Dialog, state: &AppState) -> String {
    dialog_footer(d, state)
        .into_iter()
        .filter(|(_, h)| *h != "quit")
        .map(|(k, h)| format!("{k} {h}"))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The closing note of `?`.
/// What the columns that are not self-explaining mean: listed in `?` under the keys.
pub const OFFER_COLUMNS_LEGEND: &[(&str, &str)] = &[
    (
        "Avail yes (12)",
        "can be deployed now; 12 is how many units the provider says are free",
    ),
    (
        "Avail no",
        "not available now (dimmed), or its price cannot be read (in yellow)",
    ),
    (
        "Avail maint.",
        "under maintenance: cannot be deployed now, even where the API says available",
    ),
    (
        "Type SPOT",
        "the provider can end a SPOT instance at any time",
    ),
    (
        "Type S, D, C",
        "SPOT, DEDICATED, CLUSTER, where Offers or Deployments is too narrow for the word",
    ),
    (
        "7d trend",
        "one cell per day, · where not available; the change against 24 h ago",
    ),
    (
        "7d low",
        "the lowest $/GPU·h of the model's available offers in the last 168 hours, rolling; an offer not available is not counted, so its own price can be lower (`prices` lists UTC days)",
    ),
    (
        "$/30d",
        "Volumes: the volume's $/h over 720 hours (30 days); ? when its rate is unknown",
    ),
];

pub const HELP_NOTE: &str = "Confirm dialogs start on Cancel; what loses data asks for its name.";

/// Width of the keys column in `?`.
pub const HELP_KEYS_WIDTH: usize = 18;

/// One line of `?`: the keys and what they do (bindings next to each other with one hint are
/// one line: every key of them, the first one's description).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpLine {
    pub keys: String,
    pub help: &'static str,
    pub cmds: Vec<KeyCmd>,
}

/// What `?` lists: each place once, in the order places first appear in the table, with every
/// binding of that place under it.
pub fn help_sections() -> Vec<(Scope, Vec<HelpLine>)> {
    let mut sections: Vec<(Scope, Vec<(&'static Binding, &'static str)>)> = Vec::new();
    for b in table() {
        match sections.iter_mut().find(|(c, _)| *c == b.scope) {
            Some((_, list)) => list.push((b, b.hint)),
            None => sections.push((b.scope, vec![(b, b.hint)])),
        }
    }
    sections
        .into_iter()
        .map(|(scope, list)| {
            let mut lines: Vec<(Vec<&Binding>, &'static str)> = Vec::new();
            for (b, hint) in list {
                match lines.last_mut() {
                    Some((group, h)) if !hint.is_empty() && *h == hint => group.push(b),
                    _ => lines.push((vec![b], hint)),
                }
            }
            let lines = lines
                .into_iter()
                .map(|(group, _)| HelpLine {
                    keys: group
                        .iter()
                        .map(|b| keys_label(b))
                        .collect::<Vec<_>>()
                        .join("/"),
                    help: group[0].help,
                    cmds: group.iter().map(|b| b.cmd).collect(),
                })
                .collect();
            (scope, lines)
        })
        .collect()
}

/// The keys column of a `?` line: "  ↑/k" padded to [`HELP_KEYS_WIDTH`].
pub fn help_keys(line: &HelpLine) -> String {
    format!("  {:<w$}", line.keys, w = HELP_KEYS_WIDTH - 2)
}

/// One row of `?` laid out at a width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpRow {
    Heading(String),
    /// The keys column (padded to [`HELP_KEYS_WIDTH`]) and the first row of the description.
    Keys(String, String),
    /// A further row of a description, drawn under its first (a hanging indent).
    More(String),
    Blank,
    Note(String),
}

/// `?` at `width` columns: headings, every line with its description wrapped under itself
/// (not back to the keys column), a blank and the note. The drawing and the scroll bound both
/// use it, so they always agree.
pub fn help_layout(width: u16) -> Vec<HelpRow> {
    let w = usize::from(width.max(1));
    // Too narrow for two columns: the descriptions go under their keys.
    let text_w = if w >= HELP_KEYS_WIDTH + 16 {
        w - HELP_KEYS_WIDTH
    } else {
        w
    };
    let mut rows = Vec::new();
    // One line: the keys (or a column's value) and its description wrapped under itself.
    let line = |rows: &mut Vec<HelpRow>, keys: String, help: &str| {
        let mut text = wrap_words(help, text_w).into_iter();
        if text_w == w || keys.chars().count() > HELP_KEYS_WIDTH {
            rows.push(HelpRow::Keys(keys, String::new()));
        } else {
            rows.push(HelpRow::Keys(keys, text.next().unwrap_or_default()));
        }
        let pad = if text_w == w { 0 } else { HELP_KEYS_WIDTH };
        rows.extend(text.map(|t| HelpRow::More(format!("{:pad$}{t}", ""))));
    };
    for (scope, list) in help_sections() {
        rows.extend(
            wrap_words(scope.label(), w)
                .into_iter()
                .map(HelpRow::Heading),
        );
        for l in list {
            line(&mut rows, help_keys(&l), l.help);
        }
    }
    rows.extend(wrap_words("Columns", w).into_iter().map(HelpRow::Heading));
    for (value, meaning) in OFFER_COLUMNS_LEGEND {
        line(
            &mut rows,
            format!("  {value:<pad$}", pad = HELP_KEYS_WIDTH - 2),
            meaning,
        );
    }
    rows.push(HelpRow::Blank);
    rows.extend(wrap_words(HELP_NOTE, w).into_iter().map(HelpRow::Note));
    rows
}

/// Rows `?` takes at `width` columns.
pub fn help_rows(width: u16) -> usize {
    help_layout(width).len()
}

/// `text` wrapped word by word at `w` columns; a word longer than a row is broken.
pub fn wrap_words(text: &str, w: usize) -> Vec<String> {
    let w = w.max(1);
    let mut rows: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut col = 0;
    for word in text.split(' ') {
        let len = word.chars().count();
        if col > 0 && col + 1 + len <= w {
            cur.push(' ');
            cur.push_str(word);
            col += 1 + len;
            continue;
        }
        if col > 0 || !cur.is_empty() {
            rows.push(std::mem::take(&mut cur));
        }
        let chars: Vec<char> = word.chars().collect();
        let mut pieces = chars.chunks(w).peekable();
        col = 0;
        while let Some(piece) = pieces.next() {
            if pieces.peek().is_some() {
                rows.push(piece.iter().collect());
            } else {
                cur = piece.iter().collect();
                col = piece.len();
            }
        }
    }
    rows.push(cur);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_rows_count_word_wrapping() {
        assert_eq!(wrap_words("", 10).len(), 1);
        assert_eq!(wrap_words("aaaa bbbb", 10).len(), 1);
        assert_eq!(wrap_words("aaaa bbbb cc", 10).len(), 2);
        assert_eq!(wrap_words("aaaaaaaaaaaaaaaaaaaaaaaaa", 10).len(), 3);
    }

    #[test]
    fn footer_comes_from_the_table() {
        let f = footer(Pane::Offers);
        assert!(f.contains(&("/".to_string(), "filter")));
        assert!(f.contains(&("?".to_string(), "help")));
        assert!(!footer(Pane::Account).iter().any(|(_, h)| *h == "filter"));
    }

    #[test]
    fn the_filter_line_footer_comes_from_the_table() {
        assert_eq!(
            filter_footer(),
            vec![
                ("Enter".to_string(), "search"),
                ("Esc".to_string(), "clear"),
                ("↑/↓".to_string(), "leave and move"),
                ("Ctrl-C".to_string(), "quit"),
            ]
        );
    }

    #[test]
    fn words_wrap_at_the_width_and_an_overlong_word_is_broken() {
        assert_eq!(wrap_words("a bb ccc", 4), ["a bb", "ccc"]);
        assert_eq!(wrap_words("abcdefghij x", 4), ["abcd", "efgh", "ij x"]);
        assert_eq!(wrap_words("", 4), [""]);
    }

    #[test]
    fn help_descriptions_wrap_under_themselves_and_every_row_fits() {
        for width in [40u16, 60, 80, 158] {
            let rows = help_layout(width);
            let mut more = 0;
            for row in &rows {
                let text = match row {
                    HelpRow::Heading(t) | HelpRow::More(t) | HelpRow::Note(t) => t.clone(),
                    HelpRow::Keys(k, t) => format!("{k}{t}"),
                    HelpRow::Blank => String::new(),
                };
                let fits = text.chars().count() <= usize::from(width)
                    || matches!(row, HelpRow::Keys(_, t) if t.is_empty());
                assert!(fits, "{width}: {text:?}");
                if let HelpRow::More(t) = row {
                    more += 1;
                    assert!(t.starts_with(&" ".repeat(HELP_KEYS_WIDTH)), "{t:?}");
                    assert_ne!(t.chars().nth(HELP_KEYS_WIDTH), Some(' '), "{t:?}");
                }
            }
            // Every description is there, word for word.
            let words: usize = help_sections()
                .iter()
                .flat_map(|(_, l)| l.iter())
                .map(|l| l.help.split(' ').count())
                .chain(
                    OFFER_COLUMNS_LEGEND
                        .iter()
                        .map(|(_, m)| m.split(' ').count()),
                )
                .sum();
            let shown: usize = rows
                .iter()
                .map(|r| match r {
                    HelpRow::Keys(_, t) | HelpRow::More(t) => t.split_whitespace().count(),
                    _ => 0,
                })
                .sum();
            assert_eq!(shown, words, "{width}");
            if width <= 80 {
                assert!(more > 0, "{width}: some description is long enough to wrap");
            }
            assert_eq!(help_rows(width), rows.len());
        }
    }
}
