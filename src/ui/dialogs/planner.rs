//! The model planner dialog: the model list (searched as typed), the job's fields, and what it
//! needs on one GPU.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::AppState;
use crate::app::dialogs::PlannerDialog;
use crate::app::dialogs::planner::Field;
use crate::domain::planner::GB;
use crate::ui::theme::Theme;
use crate::ui::widgets::{centered, popup, text_field};

/// Model rows shown at once; the list scrolls to keep the selection in view.
const LIST_ROWS: usize = 8;

pub fn draw(
    f: &mut Frame,
    area: Rect,
    d: &PlannerDialog,
    state: &AppState,
    hint: &str,
    theme: &Theme,
) {
    let outer_w = 78u16.min(area.width);
    let w = outer_w.saturating_sub(2);
    let mut lines = vec![text_field(
        "Model",
        &d.search,
        d.focus == Field::Model,
        w,
        theme,
    )];
    let rows = d.rows();
    let room = LIST_ROWS.min(usize::from(area.height.saturating_sub(14)).max(3));
    let start = d
        .selected
        .saturating_sub(room - 1)
        .min(rows.len().saturating_sub(room));
    if rows.is_empty() {
        lines.push(Line::styled("  no model matches the search", theme.warn()));
    }
    for (i, row) in rows.iter().enumerate().skip(start).take(room) {
        let mark = if i == d.selected { "▸ " } else { "  " };
        let text = match row {
            None => "(no plan: clear the plan shown now)".to_string(),
            Some(e) => {
                let m = e.model();
                format!("{:<30} {:<30} {:>7.1}B", e.name, e.display, m.params / 1e9)
            }
        };
        let style = if i == d.selected {
            theme.selected()
        } else {
            theme.text()
        };
        lines.push(Line::from(vec![Span::raw(mark), Span::styled(text, style)]));
    }
    lines.push(Line::raw(""));
    let choice = |label: &str, value: &str, field: Field| -> Vec<Span<'static>> {
        let focused = d.focus == field;
        vec![
            Span::styled(
                format!("{label:<12}"),
                if focused { theme.key() } else { theme.dim() },
            ),
            Span::styled(
                if focused {
                    format!("‹ {value} ›")
                } else {
                    format!("  {value}  ")
                },
                theme.text(),
            ),
            Span::raw("   "),
        ]
    };
    let mut choices = choice("Precision", d.precision.as_str(), Field::Precision);
    choices.extend(choice(
        "KV cache",
        d.kv_precision.as_str(),
        Field::KvPrecision,
    ));
    lines.push(Line::from(choices));
    lines.push(Line::from(choice("Task", d.task.as_str(), Field::Task)));
    lines.push(text_field(
        "Context",
        &d.context,
        d.focus == Field::Context,
        w,
        theme,
    ));
    lines.push(text_field(
        "Batch",
        &d.batch,
        d.focus == Field::Batch,
        w,
        theme,
    ));
    lines.push(Line::raw(""));
    if let Some(e) = &d.error {
        lines.push(Line::styled(e.clone(), theme.warn()));
    } else if let Some((job, need, fits, of)) = d.preview(state) {
        let gb = |b: f64| format!("{:.1}", b / GB);
        lines.push(Line::from(vec![
            Span::styled(format!("Needs {} GB", gb(need.total())), theme.header()),
            Span::raw(format!(
                " on one GPU: weights {} + KV cache {} + overhead {}",
                gb(need.weights),
                gb(need.kv),
                gb(need.overhead)
            )),
        ]));
        lines.push(Line::styled(
            format!(
                "{}: fits {fits} of the {of} offers loaded (≤ 90% of each GPU's memory)",
                job.label()
            ),
            theme.dim(),
        ));
    } else {
        lines.push(Line::styled(
            "Enter clears the plan: the Offers pane drops its Fit, tok/s and $/Mtok columns",
            theme.dim(),
        ));
    }
    lines.push(Line::styled(hint.to_string(), theme.dim()));
    // As tall as its lines once wrapped, and the border.
    let rows: usize = lines
        .iter()
        .map(|l| l.width().div_ceil(usize::from(w.max(1))).max(1))
        .sum();
    let height = u16::try_from(rows + 2).unwrap_or(u16::MAX);
    let rect = centered(area, outer_w, height);
    let inner = popup(
        f,
        rect,
        Line::styled(" Model planner ", theme.title()),
        theme,
    );
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
