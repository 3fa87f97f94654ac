#!/usr/bin/env bash
# CPU used by the dashboard while idle for 60 s (demo mode, in a detached tmux pane).
# Usage: scripts/idle-cpu.sh [path/to/spheron-tui]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/spheron-tui}
[ -x "$bin" ] || cargo build --release
session=spheron-idle-$$
tmux new -d -s "$session" -x 160 -y 48 "$bin --demo"
trap 'tmux kill-session -t "$session" 2>/dev/null || true' EXIT
sleep 5
pid=$(pgrep -n -f -- "$bin --demo")
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
a=$(ticks); sleep 60; b=$(ticks)
hz=$(getconf CLK_TCK)
awk -v t=$((b - a)) -v hz="$hz" 'BEGIN { printf "idle: %.2f s of CPU in 60 s (%.2f %%)\n", t / hz, 100 * t / hz / 60 }'
grep VmRSS "/proc/$pid/status"
