//! Whether a list answer holds every item: every page, every team and every item read. Only a
//! complete answer may prove that something is absent ("not created", "gone", "ended"); an
//! incomplete one still shows what it read.

use std::fmt;

use super::ApiError;

/// One reason a list answer may not hold every item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gap {
    /// Items the client could not read (kept as unreadable rows where an id was found).
    Unreadable(usize),
    /// The read stopped after `read` of `of` pages (the page cap).
    Pages { read: u32, of: u64 },
    /// The pages held fewer items than the answer announced.
    Truncated { expected: u64, got: u64 },
    /// A team's part of the list was not read (an empty team is the current team's read).
    Team { team: String, error: String },
    /// Not every team the user belongs to is known (the teams list was incomplete): their lists
    /// were not read.
    TeamsUnknown(String),
    /// The read did not ask for these teams' part: it went out before they were known (none
    /// named: before any team was known). The next read asks for them.
    TeamsNotAsked(Vec<String>),
    /// The list was asked for filtered (a status, a search, a type): it holds only what matches.
    Filtered(String),
    /// The list was not read (yet, or its last read failed): what is shown is the last known.
    NotRead(String),
}

impl fmt::Display for Gap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Gap::Unreadable(1) => f.write_str("1 item could not be read"),
            Gap::Unreadable(n) => write!(f, "{n} items could not be read"),
            Gap::Pages { read, of } => write!(f, "only {read} of {of} pages were read"),
            Gap::Truncated { expected, got } => {
                write!(f, "the answer announced {expected} items but held {got}")
            }
            Gap::Team { team, error } if team.is_empty() => {
                write!(f, "the current team's list was not read ({error})")
            }
            Gap::Team { team, error } => write!(f, "team {team}'s list was not read ({error})"),
            Gap::TeamsUnknown(why) => write!(f, "not every team is known ({why})"),
            Gap::TeamsNotAsked(teams) if teams.is_empty() => {
                f.write_str("it was read before the teams were known")
            }
            Gap::TeamsNotAsked(teams) => {
                write!(
                    f,
                    "the list of team {} was not asked for yet",
                    teams.join(", ")
                )
            }
            Gap::Filtered(what) => write!(f, "only {what} were asked for"),
            Gap::NotRead(why) => write!(f, "the list was not read ({why})"),
        }
    }
}

/// What a list answer may be missing. No gap: the answer is complete.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Completeness {
    gaps: Vec<Gap>,
}

impl Completeness {
    /// Nothing missing.
    pub fn complete() -> Self {
        Completeness::default()
    }

    /// Missing what `gap` says (nothing, for no unreadable item).
    pub fn with(gap: Gap) -> Self {
        let mut c = Completeness::complete();
        c.add(gap);
        c
    }

    /// Whether every page, every team and every item was read, unfiltered: only then may the
    /// answer prove that something is absent.
    pub fn is_complete(&self) -> bool {
        self.gaps.is_empty()
    }

    pub fn gaps(&self) -> &[Gap] {
        &self.gaps
    }

    /// Adds a gap; unreadable items add up into one.
    pub fn add(&mut self, gap: Gap) {
        if let Gap::Unreadable(n) = gap {
            if n == 0 {
                return;
            }
            if let Some(Gap::Unreadable(m)) = self
                .gaps
                .iter_mut()
                .find(|g| matches!(g, Gap::Unreadable(_)))
            {
                *m += n;
                return;
            }
        }
        if !self.gaps.contains(&gap) {
            self.gaps.push(gap);
        }
    }

    pub fn extend(&mut self, gaps: impl IntoIterator<Item = Gap>) {
        for g in gaps {
            self.add(g);
        }
    }

    pub fn merge(&mut self, other: Completeness) {
        self.extend(other.gaps);
    }

    /// A team's part could not be read.
    pub fn team_failed(&mut self, team: &str, error: &ApiError) {
        self.add(Gap::Team {
            team: team.to_string(),
            error: error.to_string(),
        });
    }

    /// Forgets the failure of `team`'s part (a team that turned out not to be the user's).
    pub fn drop_team(&mut self, team: &str) {
        self.gaps
            .retain(|g| !matches!(g, Gap::Team { team: t, .. } if t == team));
    }

    /// Forgets the teams a read did not ask for (they are counted again by the caller).
    pub fn drop_teams_not_asked(&mut self) {
        self.gaps.retain(|g| !matches!(g, Gap::TeamsNotAsked(_)));
    }

    /// What is missing beyond what was asked for: the gaps but the filters.
    pub fn without_filters(&self) -> Completeness {
        Completeness {
            gaps: self
                .gaps
                .iter()
                .filter(|g| !matches!(g, Gap::Filtered(_)))
                .cloned()
                .collect(),
        }
    }

    /// How many items could not be read.
    pub fn unreadable(&self) -> usize {
        self.gaps
            .iter()
            .map(|g| match g {
                Gap::Unreadable(n) => *n,
                _ => 0,
            })
            .sum()
    }
}

impl fmt::Display for Completeness {
    /// "complete", or every gap joined by "; ".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.gaps.is_empty() {
            return f.write_str("complete");
        }
        for (i, g) in self.gaps.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{g}")?;
        }
        Ok(())
    }
}

/// A list answer: its items, how many requests it took, and what it may be missing.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing<T> {
    pub items: Vec<T>,
    /// Requests sent (pages read, and one for each failed read).
    pub pages: u32,
    pub completeness: Completeness,
}

impl<T> Listing<T> {
    /// A list read whole in one request.
    pub fn whole(items: Vec<T>) -> Self {
        Listing {
            items,
            pages: 1,
            completeness: Completeness::complete(),
        }
    }

    /// A list read in one request, missing what `completeness` says.
    pub fn with(items: Vec<T>, completeness: Completeness) -> Self {
        Listing {
            items,
            pages: 1,
            completeness,
        }
    }

    pub fn is_complete(&self) -> bool {
        self.completeness.is_complete()
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Listing<U> {
        Listing {
            items: self.items.into_iter().map(f).collect(),
            pages: self.pages,
            completeness: self.completeness,
        }
    }
}

impl<T> Default for Listing<T> {
    fn default() -> Self {
        Listing::whole(Vec::new())
    }
}

/// A whole list (tests and answers read in one piece).
impl<T> From<Vec<T>> for Listing<T> {
    fn from(items: Vec<T>) -> Self {
        Listing::whole(items)
    }
}

impl<T> std::ops::Deref for Listing<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.items
    }
}

impl<T> IntoIterator for Listing<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Listing<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_add_up_and_say_what_is_missing() {
        let mut c = Completeness::complete();
        assert!(c.is_complete());
        assert_eq!(c.to_string(), "complete");
        c.add(Gap::Unreadable(0));
        assert!(c.is_complete());
        assert!(Completeness::with(Gap::Unreadable(0)).is_complete());
        c.add(Gap::Unreadable(1));
        c.add(Gap::Unreadable(2));
        c.add(Gap::Pages { read: 100, of: 120 });
        c.add(Gap::Pages { read: 100, of: 120 });
        assert!(!c.is_complete());
        assert_eq!(c.unreadable(), 3);
        assert_eq!(
            c.to_string(),
            "3 items could not be read; only 100 of 120 pages were read"
        );
        let mut d = Completeness::with(Gap::Filtered("active deployments".into()));
        d.merge(c);
        assert_eq!(d.gaps().len(), 3);
    }
}
