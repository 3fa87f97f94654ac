//! `p` on Offers: the model planner. A searchable list of the catalogue's models, the precision,
//! KV-cache precision, context, batch and task, and what the job needs on one GPU (weights, KV
//! cache, overhead) as they change. Enter plans it (the Offers pane gains its Fit, tok/s and
//! $/Mtok columns; the store keeps it); the list's first row clears a plan there is.
//!
//! What each command does is in the methods below ([`PlannerDialog::move_row`], `focus_by`,
//! `cycle`, `type_key`, `submit`); `on_command` and `on_text` only call them.

use crossterm::event::KeyEvent;
use tui_input::Input;

use super::{Dialog, DialogKeys, Reply};
use crate::app::keys::KeyCmd;
use crate::app::planning;
use crate::app::state::AppState;
use crate::domain::planner::memory::need;
use crate::domain::planner::{
    CatalogEntry, FitCheck, Job, Need, Precision, Task, catalog, parse_context,
};

/// The parts of the dialog that take the focus, in Tab order (as they are drawn).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Model,
    Precision,
    KvPrecision,
    Context,
    Batch,
    Task,
}

impl Field {
    const ORDER: [Field; 6] = [
        Field::Model,
        Field::Precision,
        Field::KvPrecision,
        Field::Task,
        Field::Context,
        Field::Batch,
    ];

    /// Whether typing edits it.
    pub fn is_text(self) -> bool {
        matches!(self, Field::Model | Field::Context | Field::Batch)
    }
}

#[derive(Debug, Clone)]
pub struct PlannerDialog {
    /// Typed to narrow the model list.
    pub search: Input,
    /// The selected row of [`PlannerDialog::rows`].
    pub selected: usize,
    /// A plan is shown now: the first row clears it.
    pub clearable: bool,
    pub precision: Precision,
    pub kv_precision: Precision,
    pub context: Input,
    pub batch: Input,
    pub task: Task,
    pub focus: Field,
    pub error: Option<String>,
}

/// The KV cache precisions offered (serving engines store it at bf16 or fp8).
const KV_CHOICES: [Precision; 2] = [Precision::Bf16, Precision::Fp8];

pub fn open(state: &mut AppState) {
    let current = state.offers.plan.as_ref().map(|p| p.job.clone());
    let job = current.clone().unwrap_or_else(|| {
        let first = &catalog()[0];
        Job::new(first.model())
    });
    let mut d = PlannerDialog {
        search: Input::default(),
        selected: 0,
        clearable: current.is_some(),
        precision: job.precision,
        kv_precision: job.kv_precision,
        context: Input::new(job.context.to_string()),
        batch: Input::new(job.batch.to_string()),
        task: job.task,
        focus: Field::Model,
        error: None,
    };
    if current.is_some() {
        let rows = d.rows();
        d.selected = rows
            .iter()
            .position(|r| r.is_some_and(|e| e.name == job.model.name))
            .unwrap_or(0);
    }
    super::open(state, Dialog::Planner(Box::new(d)));
}

impl PlannerDialog {
    /// The list: "no plan" first when one is shown, then the models the search matches (every
    /// word of it, in the name or the display name).
    pub fn rows(&self) -> Vec<Option<&'static CatalogEntry>> {
        let words: Vec<String> = self
            .search
            .value()
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        let models = catalog().iter().filter(|e| {
            let hay = format!("{} {}", e.name, e.display.to_lowercase());
            words.iter().all(|w| hay.contains(w.as_str()))
        });
        let clear = (self.clearable && words.is_empty()).then_some(None);
        clear.into_iter().chain(models.map(Some)).collect()
    }

    /// The selected model, `None` on the "no plan" row or when nothing matches.
    pub fn model(&self) -> Option<&'static CatalogEntry> {
        self.rows().get(self.selected).copied().flatten()
    }

    /// The job as the fields stand, or what is wrong with them.
    pub fn job(&self) -> Result<Option<Job>, String> {
        let rows = self.rows();
        let Some(row) = rows.get(self.selected) else {
            return Err("no model matches the search".into());
        };
        let Some(entry) = row else {
            return Ok(None);
        };
        let context = parse_context(self.context.value())
            .ok_or("context: a number of tokens, e.g. 32768 or 32k")?;
        let batch = self
            .batch
            .value()
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|&b| b > 0)
            .ok_or("batch: a number of sequences, 1 or more")?;
        Ok(Some(Job {
            model: entry.model(),
            precision: self.precision,
            kv_precision: self.kv_precision,
            context,
            batch,
            task: self.task,
        }))
    }

    /// What the job needs on one GPU, and on how many of the loaded offers it fits.
    pub fn preview(&self, state: &AppState) -> Option<(Job, Need, usize, usize)> {
        let job = self.job().ok().flatten()?;
        let one = need(&job, 1);
        let check = FitCheck::new(job.clone());
        let all = &state.offers.all;
        let fits = all
            .iter()
            .filter(|o| check.fit(o) == Some(crate::domain::planner::Fit::Fits))
            .count();
        Some((job, one, fits, all.len()))
    }

    /// ↑/↓: the list's selection.
    pub fn move_row(&mut self, by: isize) {
        let n = self.rows().len();
        if n == 0 {
            self.selected = 0;
            return;
        }
        self.selected = self.selected.saturating_add_signed(by).min(n - 1);
    }

    /// Tab / Shift-Tab.
    pub fn focus_by(&mut self, by: isize) {
        let i = Field::ORDER
            .iter()
            .position(|f| *f == self.focus)
            .unwrap_or(0);
        let n = Field::ORDER.len() as isize;
        self.focus = Field::ORDER[(i as isize + by).rem_euclid(n) as usize];
    }

    /// ←/→ or Space on a choice: the next (or previous) value.
    pub fn cycle(&mut self, by: isize) {
        fn step<T: Copy + PartialEq>(all: &[T], now: T, by: isize) -> T {
            let i = all.iter().position(|x| *x == now).unwrap_or(0) as isize;
            all[(i + by).rem_euclid(all.len() as isize) as usize]
        }
        match self.focus {
            Field::Precision => self.precision = step(&Precision::ALL, self.precision, by),
            Field::KvPrecision => self.kv_precision = step(&KV_CHOICES, self.kv_precision, by),
            Field::Task => self.task = step(&Task::ALL, self.task, by),
            _ => {}
        }
    }

    /// A key that edits the focused text field; whether it did.
    pub fn type_key(&mut self, ev: &KeyEvent) -> bool {
        let input = match self.focus {
            Field::Model => &mut self.search,
            Field::Context => &mut self.context,
            Field::Batch => &mut self.batch,
            _ => return false,
        };
        let changed = crate::app::text::edit(input, ev);
        if changed {
            self.error = None;
            if self.focus == Field::Model {
                self.selected = 0;
            }
        }
        changed
    }

    /// Enter: plan the job (or clear the plan) and close; or say what is wrong.
    pub fn submit(&mut self, state: &mut AppState) -> Reply {
        match self.job() {
            Ok(job) => Reply::close().with(planning::choose(state, job)),
            Err(e) => {
                self.error = Some(e);
                Reply::stay()
            }
        }
    }
}

impl DialogKeys for PlannerDialog {
    fn commands(&self, _state: &AppState) -> Vec<KeyCmd> {
        use KeyCmd::*;
        let mut cmds = vec![Submit, FocusNext, FocusPrev];
        // Moving in the list where there is somewhere to move.
        let last = self.rows().len().saturating_sub(1);
        if self.selected > 0 {
            cmds.extend([Up, PageUp]);
        }
        if self.selected < last {
            cmds.extend([Down, PageDown]);
        }
        // ←/→ move a text field's cursor; on a choice they change it.
        if !self.focus.is_text() {
            cmds.extend([PrevChoice, NextChoice]);
        }
        cmds
    }

    fn on_command(&mut self, state: &mut AppState, cmd: KeyCmd) -> Reply {
        match cmd {
            KeyCmd::Submit => return self.submit(state),
            KeyCmd::FocusNext => self.focus_by(1),
            KeyCmd::FocusPrev => self.focus_by(-1),
            KeyCmd::Up => self.move_row(-1),
            KeyCmd::Down => self.move_row(1),
            KeyCmd::PageUp => self.move_row(-8),
            KeyCmd::PageDown => self.move_row(8),
            KeyCmd::PrevChoice => self.cycle(-1),
            KeyCmd::NextChoice => self.cycle(1),
            _ => {}
        }
        Reply::stay()
    }

    fn text_focus(&self) -> bool {
        self.focus.is_text()
    }

    fn on_text(&mut self, _state: &mut AppState, ev: &KeyEvent) -> Reply {
        self.type_key(ev);
        Reply::stay()
    }

    fn paste_target(&mut self) -> Option<(&mut Input, &mut Option<String>)> {
        match self.focus {
            Field::Model => Some((&mut self.search, &mut self.error)),
            Field::Context => Some((&mut self.context, &mut self.error)),
            Field::Batch => Some((&mut self.batch, &mut self.error)),
            _ => None,
        }
    }
}
