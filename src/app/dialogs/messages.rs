//! `m`: the message log — every status message and error of this run, with its time, newest
//! first, scrollable.

#[derive(Debug, Clone, Default)]
pub struct Messages {
    pub scroll: u16,
}
