#!/usr/bin/env bash
# Regenerate screenshots/*.svg from the demo: every pane, the filtered offers, the deploy
# wizard's spend guard and summary, the terminate dialog, a new price watch and the help overlay. Each picture is also rendered as
# text and checked for the words its README caption promises, so a change of keys or steps that
# makes a picture show something else fails here instead of going unnoticed.
# Usage: scripts/screenshots.sh [path/to/spheron-tui]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/spheron-tui}
[ -x "$bin" ] || cargo build --release
size=140x40
# The same pictures for everyone: an empty home (no config.toml, no ~/.ssh keys) and colour.
bin=$(realpath "$bin")
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME=$home XDG_CONFIG_HOME=$home/config XDG_DATA_HOME=$home/data
unset NO_COLOR SPHERON_API_KEY SPHERON_API_URL
mkdir -p screenshots
shot() { # name, a grep -E pattern every line of which must appear, then snapshot arguments
  local name=$1 expect=$2; shift 2
  local text
  text=$("$bin" snapshot --demo --size "$size" --format text "$@")
  while IFS= read -r want; do
    if ! grep -qE -- "$want" <<<"$text"; then
      echo "screenshots/$name.svg would not show /$want/:" >&2
      echo "$text" >&2
      exit 1
    fi
  done <<<"$expect"
  "$bin" snapshot --demo --size "$size" --format svg "$@" > "screenshots/$name.svg"
  echo "screenshots/$name.svg"
}
shot offers 'Offers [0-9]+ shown
\$/GPU·h' --pane offers
shot offers-filtered '/ gpu:h100 count>=8
H100' --pane offers --keys '/gpu:h100 count>=8<Enter>s'
shot deployments 'Uptime|uptime
running
\$/h' --pane deployments --keys 'ff'
shot volumes 'Volumes' --pane volumes
shot keys 'SSH keys
laptop-ed25519' --pane keys
shot account 'runway|Runway' --pane account
# The first offer is a SPOT one; seven Enters walk the wizard's steps to the spend guard, where
# `8h` is typed; one more Enter shows the summary.
steps='d<Enter><Enter><Enter><Enter><Enter><Enter><Enter>'
shot deploy-guard 'step [0-9]+/[0-9]+: Spend guard
terminate +8h
guard run' --pane offers --keys "${steps}8h"
shot deploy-summary 'step [0-9]+/[0-9]+: Summary
Guard +terminate at .*--after 8h
Total .*/h.*24 h
now → .* after
[Rr]unway
SPOT: the provider can reclaim' --pane offers --keys "${steps}8h<Enter>"
shot terminate 'Terminate 
Minimum runtime' --pane deployments --keys 'jjjx'
shot watch 'New price watch
max \$/GPU·h' --pane offers --keys 'w'
shot help 'Keys|keys' --pane offers --keys '?'
