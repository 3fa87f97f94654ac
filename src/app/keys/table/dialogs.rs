//! The dialogs' part of the key table (every dialog, then each kind).

use super::*;
use crate::app::dialogs::Kind as K;

pub(super) const EVERY_DIALOG: &[Binding] = &[
    bind(
        Dialogs,
        Quit,
        &[Ctrl('c')],
        "quit",
        "quit, from any dialog or text field",
    ),
    bind(
        Dialogs,
        Back,
        &[Code(KeyCode::Esc)],
        "back/close",
        "a step back (a wizard's previous step, an expansion's edit form), or close",
    ),
];

pub(super) const HELP: &[Binding] = &{
    let s = scrolling!(K::Help);
    [
        bind(
            D(K::Help),
            Close,
            &[Char('q'), Char('?'), Code(KeyCode::Enter)],
            "close",
            "close",
        ),
        s[0],
        s[1],
        s[2],
        s[3],
        s[4],
    ]
};

pub(super) const MESSAGES: &[Binding] = &{
    let s = scrolling!(K::Messages);
    [
        bind(
            D(K::Messages),
            Close,
            &[Char('q'), Char('m'), Code(KeyCode::Enter)],
            "close",
            "close",
        ),
        s[0],
        s[1],
        s[2],
        s[3],
        s[4],
    ]
};

pub(super) const DETAILS: &[Binding] = &{
    let s = scrolling!(K::Details);
    [
        bind(D(K::Details), Close, CLOSE, "close", "close"),
        bind(
            D(K::Details),
            RawJson,
            &[Char('J')],
            "raw JSON",
            "show / hide every field as raw JSON",
        ),
        s[0],
        s[1],
        s[2],
        s[3],
        s[4],
    ]
};

pub(super) const CONFIRM: &[Binding] = &{
    let b = buttons!(K::Confirm, "confirm", "send the operation (once)", "cancel");
    [
        b[0],
        b[1],
        b[2],
        bind(
            D(K::Confirm),
            Submit,
            ENTER,
            "press button",
            "press the focused button (it starts on Cancel)",
        ),
        b[3],
    ]
};

pub(super) const DEPLOY: &[Binding] = &{
    let b = buttons!(
        K::Deploy,
        "deploy",
        "deploy, on the summary: asks in the confirm (once; never retried by itself)",
        "back"
    );
    [
        bind(D(K::Deploy), Up, UP, "choose", "choose in a list"),
        bind(D(K::Deploy), Down, DOWN, "choose", "choose in a list"),
        bind(
            D(K::Deploy),
            Submit,
            ENTER,
            "next",
            "next step (on the summary: press the focused button)",
        ),
        bind(
            D(K::Deploy),
            Select,
            &[Char(' ')],
            "select volume",
            "attach or unselect a volume (Volumes step)",
        ),
        b[0],
        b[1],
        b[2],
        b[3],
        bind(
            D(K::Deploy),
            Retry,
            &[Char('r')],
            "check again",
            "read the deployments list again when it could not tell whether the deploy was created",
        ),
        bind(
            D(K::Deploy),
            Presets,
            &[Char('P')],
            "presets",
            "start from a preset of config.toml (on a step without a text field)",
        ),
        bind(
            D(K::Deploy),
            SavePreset,
            &[Char('s')],
            "save preset",
            "save the choices as a preset in config.toml (summary), for `deploy --preset`",
        ),
    ]
};

pub(super) const DELIBERATE: &[Binding] = &[
    bind(
        D(K::Terminate),
        Submit,
        ENTER,
        "terminate",
        "terminate, once the first three characters of the name (or yes) are typed; when the platform did not say whether it can be terminated, first goes on to terminate anyway; any other key cancels",
    ),
    bind(
        D(K::Terminate),
        Retry,
        &[Char('r')],
        "check again",
        "ask can-terminate again after a failed or unclear answer",
    ),
    bind(
        D(K::DeleteVolume),
        Submit,
        ENTER,
        "delete",
        "delete, once the first three characters of the name (or yes) are typed; any other key cancels",
    ),
    bind(
        D(K::DeleteKey),
        Confirm,
        YES,
        "delete",
        "delete (y counts once the dialog has been on screen half a second without a key); any other key cancels",
    ),
    bind(D(K::DeleteKey), Cancel, &[Char('n')], "cancel", "cancel"),
];

pub(super) const FORMS: &[Binding] = &[
    bind(
        D(K::KeyPrompt),
        Submit,
        ENTER,
        "save",
        "use the key and save it to ~/.spheron/credentials (0600)",
    ),
    bind(
        D(K::Notice),
        Close,
        &[Code(KeyCode::Enter), Char('q'), Char('n')],
        "close",
        "close",
    ),
    bind(
        D(K::Rename),
        Submit,
        ENTER,
        "rename",
        "rename (only the name changes)",
    ),
    bind(
        D(K::Guard),
        Submit,
        ENTER,
        "set (empty clears)",
        "set the guard: 8h or 1h30m from now, 18:00 local, $50 of spend; empty clears it",
    ),
    bind(
        D(K::AddKey),
        FocusNext,
        &[Code(KeyCode::Tab)],
        "next field",
        "name → ~/.ssh/*.pub list → key",
    ),
    bind(
        D(K::AddKey),
        FocusPrev,
        &[Code(KeyCode::BackTab)],
        "next field",
        "the field before",
    ),
    bind(D(K::AddKey), Up, UP, "choose", "choose a file in the list"),
    bind(
        D(K::AddKey),
        Down,
        DOWN,
        "choose",
        "choose a file in the list",
    ),
    bind(
        D(K::AddKey),
        Select,
        &[Char(' ')],
        "pick",
        "pick the file chosen in the list",
    ),
    bind(
        D(K::AddKey),
        Submit,
        ENTER,
        "add",
        "add the key (in the list: pick the file)",
    ),
    bind(
        D(K::EditVolume),
        FocusNext,
        &[Code(KeyCode::Tab), Code(KeyCode::Down)],
        "next field",
        "name ↔ size",
    ),
    bind(
        D(K::EditVolume),
        FocusPrev,
        &[Code(KeyCode::BackTab), Code(KeyCode::Up)],
        "next field",
        "name ↔ size",
    ),
    bind(
        D(K::EditVolume),
        Submit,
        ENTER,
        "save",
        "rename at once; an expansion goes to the confirm",
    ),
    bind(
        D(K::NewWatch),
        Submit,
        ENTER,
        "save",
        "save the watch (in the local store)",
    ),
    bind(
        D(K::NewWatch),
        FocusNext,
        &[Code(KeyCode::Tab), Code(KeyCode::Down)],
        "next field",
        "max $/GPU·h → provider → region (an empty provider or region: any)",
    ),
    bind(
        D(K::NewWatch),
        FocusPrev,
        &[Code(KeyCode::BackTab), Code(KeyCode::Up)],
        "next field",
        "the field before",
    ),
];

pub(super) const CREATE_VOLUME: &[Binding] = &{
    let c = choosing!(K::CreateVolume, "choose", "choose in a list");
    let b = buttons!(K::CreateVolume, "create", "create, on the summary", "back");
    [
        c[0],
        c[1],
        c[2],
        c[3],
        bind(
            D(K::CreateVolume),
            Submit,
            ENTER,
            "next",
            "next step (on the summary: press the focused button)",
        ),
        b[0],
        b[1],
        b[2],
        b[3],
    ]
};

pub(super) const VOLUME_INFO: &[Binding] = &{
    let s = scrolling!(K::VolumeInfo);
    [
        bind(D(K::VolumeInfo), Close, CLOSE, "close", "close"),
        s[0],
        s[1],
        s[2],
        s[3],
        s[4],
    ]
};

pub(super) const PICK: &[Binding] = &{
    let c = choosing!(
        K::Pick,
        "choose",
        "choose a row (✗ rows say why they are refused)"
    );
    [
        c[0],
        c[1],
        c[2],
        c[3],
        bind(
            D(K::Pick),
            Submit,
            ENTER,
            "continue",
            "continue to the confirm",
        ),
        bind(D(K::Pick), Cancel, &[Char('n')], "cancel", "cancel"),
    ]
};

pub(super) const DEPLOYMENT_INFO: &[Binding] = &{
    let s = scrolling!(K::DeploymentInfo);
    [
        bind(D(K::DeploymentInfo), Close, CLOSE, "close", "close"),
        bind(
            D(K::DeploymentInfo),
            RawJson,
            &[Char('J')],
            "raw JSON",
            "show / hide every field as raw JSON",
        ),
        bind(
            D(K::DeploymentInfo),
            Kubeconfig,
            &[Char('K')],
            "kubeconfig",
            "show and save the kubeconfig",
        ),
        bind(
            D(K::DeploymentInfo),
            Attach,
            &[Char('A')],
            "attach",
            "attach a volume",
        ),
        bind(
            D(K::DeploymentInfo),
            Detach,
            &[Char('D')],
            "detach",
            "detach a volume",
        ),
        s[0],
        s[1],
        s[2],
        s[3],
        s[4],
    ]
};

pub(super) const KUBECONFIG: &[Binding] = &[
    bind(
        D(K::Kubeconfig),
        Submit,
        ENTER,
        "save",
        "save to the file (0600; never over a file without asking)",
    ),
    bind(
        D(K::Kubeconfig),
        Confirm,
        YES,
        "overwrite",
        "overwrite the file (y counts once the question has been on screen half a second without a key; any other key keeps the file)",
    ),
    bind(
        D(K::Kubeconfig),
        Cancel,
        &[Char('n')],
        "keep the file",
        "keep the file",
    ),
    bind(D(K::Kubeconfig), Up, UP, "scroll", "scroll"),
    bind(D(K::Kubeconfig), Down, DOWN, "scroll", "scroll"),
    bind(D(K::Kubeconfig), PageUp, PG_UP, "scroll", "scroll"),
    bind(D(K::Kubeconfig), PageDown, PG_DN, "scroll", "scroll"),
];

pub(super) const VIEWS: &[Binding] = &[
    bind(
        D(K::TeamInfo),
        UseTeam,
        &[Char('u')],
        "use team",
        "new deploys and volumes go to this team",
    ),
    bind(D(K::TeamInfo), Close, CLOSE, "close", "close"),
    bind(D(K::KeyInfo), Close, CLOSE, "close", "close"),
];

pub(super) const WATCHES: &[Binding] = &{
    let c = choosing!(K::Watches, "move", "move");
    [
        c[0],
        c[1],
        c[2],
        c[3],
        bind(
            D(K::Watches),
            EditWatch,
            &[Char('e')],
            "change",
            "change the selected watch: its maximum $/GPU·h, provider or region",
        ),
        bind(
            D(K::Watches),
            RemoveWatch,
            &[Char('x'), Code(KeyCode::Delete)],
            "remove",
            "remove the selected watch",
        ),
        bind(
            D(K::Watches),
            Close,
            &[Char('q'), Char('W')],
            "close",
            "close",
        ),
    ]
};

pub(super) const PLANNER: &[Binding] = &[
    bind(
        D(K::Planner),
        Submit,
        ENTER,
        "plan",
        "plan the model (or, on the first row, clear the plan)",
    ),
    bind(
        D(K::Planner),
        Up,
        UP,
        "model",
        "choose the model (type to search the list)",
    ),
    bind(
        D(K::Planner),
        Down,
        DOWN,
        "model",
        "choose the model (type to search the list)",
    ),
    bind(
        D(K::Planner),
        PageUp,
        PG_UP,
        "model",
        "choose the model (type to search the list)",
    ),
    bind(
        D(K::Planner),
        PageDown,
        PG_DN,
        "model",
        "choose the model (type to search the list)",
    ),
    bind(
        D(K::Planner),
        FocusNext,
        &[Code(KeyCode::Tab)],
        "next field",
        "the next / previous field",
    ),
    bind(
        D(K::Planner),
        FocusPrev,
        &[Code(KeyCode::BackTab)],
        "next field",
        "the next / previous field",
    ),
    bind(
        D(K::Planner),
        PrevChoice,
        &[Code(KeyCode::Left)],
        "change",
        "change the precision, KV cache or task",
    ),
    bind(
        D(K::Planner),
        NextChoice,
        &[Code(KeyCode::Right), Char(' ')],
        "change",
        "change the precision, KV cache or task",
    ),
];

pub(super) const TUNNEL: &[Binding] = &{
    let c = choosing!(
        K::Tunnel,
        "choose",
        "choose the port (the last row takes one typed: PORT or PORT:LOCAL)"
    );
    [
        c[0],
        c[1],
        c[2],
        c[3],
        bind(
            D(K::Tunnel),
            Submit,
            ENTER,
            "start",
            "start the tunnel (a local port in use here takes the next free one)",
        ),
    ]
};
