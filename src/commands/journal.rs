//! `journal [--json]`: every write the program sent (dashboard, guard and commands), from the
//! local store.

use clap::Args;

use crate::commands::context::Ctx;
use crate::exit::{FAILURE as EXIT_FAILED, OK as EXIT_OK};

#[derive(Debug, Clone, Args)]
pub struct JournalArgs {
    /// One JSON array instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `journal [--json]`.
pub async fn journal(ctx: &Ctx, a: &JournalArgs) -> u8 {
    let rows = match ctx.store.call(|s| s.journal()).await {
        Ok(r) => r,
        Err(e) => {
            ctx.err(&format!("error: {e}"));
            return EXIT_FAILED;
        }
    };
    if a.json {
        match serde_json::to_string_pretty(&rows) {
            Ok(s) => ctx.out(&s),
            Err(e) => {
                ctx.err(&format!("error: {e}"));
                return EXIT_FAILED;
            }
        }
        return EXIT_OK;
    }
    if rows.is_empty() {
        ctx.out("no writes recorded");
        return EXIT_OK;
    }
    // what each write was about: its name (as it was called then) with its id
    let target = |e: &crate::store::NewJournalEntry| match (&e.target_name, &e.target_id) {
        (Some(name), Some(id)) => format!("{name} ({id})"),
        (Some(name), None) => name.clone(),
        (None, Some(id)) => id.clone(),
        (None, None) => "-".into(),
    };
    let wide = rows
        .iter()
        .map(|r| target(&r.entry).chars().count())
        .max()
        .unwrap_or(0)
        .max("TARGET".len());
    ctx.out(&format!(
        "{:<25} {:<9} {:<6} {:<40} {:<wide$} {:>9}  RESULT",
        "TIME", "SOURCE", "METHOD", "PATH", "TARGET", "$/H"
    ));
    for r in rows {
        let e = r.entry;
        let rate = e
            .usd_per_hour
            .map(|r| format!("{r:.2}"))
            .unwrap_or_else(|| "?".into());
        ctx.out(&format!(
            "{:<25} {:<9} {:<6} {:<40} {:<wide$} {:>9}  {}",
            crate::domain::clock::date_time(e.at, ctx.local_offset),
            e.source,
            e.method,
            e.path,
            target(&e),
            rate,
            e.result
        ));
    }
    EXIT_OK
}
