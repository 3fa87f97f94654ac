#!/usr/bin/env bash
# Regenerate screenshots/*.svg from the demo: every pane, the deploy wizard's summary and the
# terminate dialog. Usage: scripts/screenshots.sh [path/to/spheron-tui]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/spheron-tui}
[ -x "$bin" ] || cargo build --release
size=140x40
mkdir -p screenshots
shot() { # name, then snapshot arguments
  local name=$1; shift
  "$bin" snapshot --demo --size "$size" --format svg "$@" > "screenshots/$name.svg"
  echo "screenshots/$name.svg"
}
shot offers --pane offers
shot offers-filtered --pane offers --keys '/gpu:h100 count>=8<Enter>s'
shot deployments --pane deployments --keys 'ff'
shot volumes --pane volumes
shot keys --pane keys
shot account --pane account
shot deploy-summary --pane offers --keys 'jjjjjd<Enter><Enter><Enter><Enter><Enter><Enter><Enter><Enter>'
shot terminate --pane deployments --keys 'jjjx'
shot help --pane offers --keys '?'
