//! What requests did to the demo world (a deploy, a terminate, a new volume, a removed key),
//! kept with the world: a process sharing the world file learns what another one did
//! ([`super::saved::WorldFile::peek`]) without asking the API for anything.
//!
//! Only writes by request are acts. What time does on its own (provisioning finished, costs
//! accrued, a SPOT instance reclaimed) is not: every process sees that at its next poll anyway.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Which lists an act changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Part {
    Deployments,
    Volumes,
    Keys,
    /// The world was started afresh (`demo reset`): every list.
    All,
}

/// One write, as the user would say it ("deployment llm-x (dep_…) created").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Act {
    pub seq: u64,
    pub part: Part,
    /// The id of what the write acted on (a deployment, a volume, a key).
    #[serde(default)]
    pub target: Option<String>,
    pub text: String,
}

/// How many of the latest acts the world keeps: far more than happen between two looks.
const KEPT: usize = 32;

/// The latest acts, numbered in the order they were done.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Acts {
    /// When this world was started: a different one in the file means it was reset.
    pub born: Option<DateTime<Utc>>,
    /// The number of the last act (0: none yet).
    pub seq: u64,
    pub recent: VecDeque<Act>,
}

impl Acts {
    pub fn new(born: DateTime<Utc>) -> Acts {
        Acts {
            born: Some(born),
            ..Acts::default()
        }
    }

    pub fn note(&mut self, part: Part, target: &str, text: String) {
        self.seq += 1;
        self.recent.push_back(Act {
            seq: self.seq,
            part,
            target: Some(target.to_string()),
            text,
        });
        while self.recent.len() > KEPT {
            self.recent.pop_front();
        }
    }

    /// What `now` (the same world, read later) holds that `self` had not seen. A world started
    /// afresh since is one act of its own; acts that fell out of `now`'s window are said as
    /// a count, every list with them.
    pub fn since(&self, now: &Acts) -> Vec<Act> {
        if now.born != self.born || now.seq < self.seq {
            return vec![Act {
                seq: now.seq,
                part: Part::All,
                target: None,
                text: "demo world started afresh".into(),
            }];
        }
        let mut out = Vec::new();
        let first_kept = now.recent.front().map_or(now.seq + 1, |a| a.seq);
        let lost = first_kept.saturating_sub(self.seq + 1);
        if lost > 0 {
            out.push(Act {
                seq: first_kept - 1,
                part: Part::All,
                target: None,
                text: format!("{lost} earlier changes to the demo world"),
            });
        }
        out.extend(now.recent.iter().filter(|a| a.seq > self.seq).cloned());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn born() -> DateTime<Utc> {
        crate::demo::test_epoch()
    }

    #[test]
    fn what_was_not_seen_is_told_in_order() {
        let mut seen = Acts::new(born());
        seen.note(Part::Keys, "k1", "SSH key a added".into());
        let mut now = seen.clone();
        assert!(seen.since(&now).is_empty());
        now.note(Part::Deployments, "d1", "deployment x created".into());
        now.note(Part::Volumes, "v1", "volume v deleted".into());
        let texts: Vec<_> = seen.since(&now).into_iter().map(|a| a.text).collect();
        assert_eq!(texts, ["deployment x created", "volume v deleted"]);
    }

    #[test]
    fn acts_beyond_the_window_are_counted_and_a_reset_is_one_act() {
        let seen = Acts::new(born());
        let mut now = seen.clone();
        for i in 0..KEPT + 3 {
            now.note(Part::Keys, "k1", format!("key {i}"));
        }
        let told = seen.since(&now);
        assert_eq!(told.len(), KEPT + 1);
        assert_eq!(
            (told[0].part, told[0].text.as_str()),
            (Part::All, "3 earlier changes to the demo world")
        );
        assert_eq!(told[1].text, "key 3");
        let fresh = Acts::new(born() + chrono::Duration::seconds(1));
        let told = now.since(&fresh);
        assert_eq!(told.len(), 1);
        assert_eq!(
            (told[0].part, told[0].text.as_str()),
            (Part::All, "demo world started afresh")
        );
    }
}
