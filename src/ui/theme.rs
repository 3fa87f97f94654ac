//! Colours and styles. Uses only the 16 ANSI colours so it reads on any terminal; `NO_COLOR`
//! turns colour off and keeps meaning with bold/dim/reverse. The light variant (config
//! `theme = "light"`) avoids yellow and the dim attribute, which read poorly on white.

use ratatui::style::{Color, Modifier, Style};

use crate::api::DeploymentStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    /// Colours for a light (white) background.
    pub light: bool,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            color: true,
            light: false,
        }
    }
}

impl Theme {
    /// Colour unless `NO_COLOR` is set to anything non-empty (no-color.org).
    pub fn from_env(no_color: Option<&str>) -> Theme {
        Theme {
            color: no_color.is_none_or(str::is_empty),
            light: false,
        }
    }

    /// The light variant (for white terminals), `NO_COLOR` still honoured.
    pub fn light(self) -> Theme {
        Theme {
            light: true,
            ..self
        }
    }

    /// `dark` on dark terminals, `light` on light ones.
    fn pick(&self, dark: Color, light: Color) -> Style {
        self.fg(if self.light { light } else { dark })
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn text(&self) -> Style {
        Style::new()
    }
    pub fn dim(&self) -> Style {
        if self.light && self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }
    pub fn title(&self) -> Style {
        self.pick(Color::Cyan, Color::Blue)
            .add_modifier(Modifier::BOLD)
    }
    pub fn header(&self) -> Style {
        self.pick(Color::Yellow, Color::Blue)
            .add_modifier(Modifier::BOLD)
    }
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
    pub fn key(&self) -> Style {
        self.pick(Color::Cyan, Color::Blue)
            .add_modifier(Modifier::BOLD)
    }
    pub fn price(&self) -> Style {
        self.fg(Color::Green)
    }
    pub fn struck(&self) -> Style {
        self.dim().add_modifier(Modifier::CROSSED_OUT)
    }
    pub fn ok(&self) -> Style {
        self.fg(Color::Green)
    }
    pub fn warn(&self) -> Style {
        self.pick(Color::Yellow, Color::Magenta)
            .add_modifier(Modifier::BOLD)
    }
    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    pub fn demo_badge(&self) -> Style {
        if self.color {
            Style::new()
                .fg(Color::Black)
                .bg(Color::Magenta)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }
    pub fn tab_active(&self) -> Style {
        if self.color {
            Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }
    pub fn status(&self, s: &DeploymentStatus) -> Style {
        match s {
            DeploymentStatus::Running => self.ok().add_modifier(Modifier::BOLD),
            DeploymentStatus::Deploying => self.pick(Color::Yellow, Color::Blue),
            DeploymentStatus::Failed => self.error(),
            DeploymentStatus::TerminatedProvider => self.fg(Color::Magenta),
            DeploymentStatus::Terminated => self.dim(),
            // billing, whatever the word: not dimmed like an ended one
            DeploymentStatus::Stopped | DeploymentStatus::Other(_) => self.text(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_light_theme_has_no_yellow_and_no_dim() {
        let light = Theme::default().light();
        let styles = [
            light.dim(),
            light.title(),
            light.header(),
            light.key(),
            light.struck(),
            light.warn(),
            light.status(&DeploymentStatus::Deploying),
        ];
        for s in styles {
            assert_ne!(s.fg, Some(Color::Yellow), "{s:?}");
            assert!(!s.add_modifier.contains(Modifier::DIM), "{s:?}");
        }
        assert_eq!(Theme::default().header().fg, Some(Color::Yellow));
        assert!(Theme::default().dim().add_modifier.contains(Modifier::DIM));
    }

    #[test]
    fn no_color_wins_over_light() {
        let t = Theme::from_env(Some("1")).light();
        assert_eq!(t.header().fg, None);
        assert_eq!(t.dim().fg, None);
        assert!(t.dim().add_modifier.contains(Modifier::DIM));
    }
}
