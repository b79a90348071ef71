#!/usr/bin/env bash
# Checks the commands and links of the README and the pages under docs/ that can be checked
# without running a long job: every script they name exists and is executable, every
# `--bin NAME` is a binary of the workspace, every `recresp-sim SUBCOMMAND` they show
# answers `--help`, and every relative link points to a file that exists.
set -euo pipefail
cd "$(dirname "$0")/.."
pages=(README.md docs/*.md ffi/README.md firmware-example/README.md)
failed=0
fail() { echo "docs: $*" >&2; failed=1; }

for s in $(grep -ohE 'scripts/[a-z0-9_/-]+\.(sh|py)' "${pages[@]}" | sort -u); do
  [ -f "$s" ] || fail "$s is named but does not exist"
  case $s in *.sh) [ -x "$s" ] || fail "$s is not executable";; esac
done

for b in $(grep -ohE -- '--bin [a-z0-9_-]+' "${pages[@]}" | awk '{print $2}' | sort -u); do
  grep -rqsE "name = \"$b\"" --include=Cargo.toml . || [ -f "benches/src/bin/$b.rs" ] \
    || fail "--bin $b is not a binary of the workspace"
done

cargo build -q --release -p recresp-host-sim
for sub in $(grep -ohE 'recresp-sim (run|demo|dtmf|speech|serve)' "${pages[@]}" | awk '{print $2}' | sort -u); do
  target/release/recresp-sim "$sub" --help >/dev/null || fail "recresp-sim $sub --help failed"
done

for page in "${pages[@]}"; do
  dir=$(dirname "$page")
  while IFS= read -r link; do
    path=${link%%#*}
    [ -n "$path" ] || continue
    [ -e "$dir/$path" ] || fail "$page links to $link, which does not exist"
  done < <(grep -oE '\]\([^)]+\)' "$page" | sed -E 's/^\]\((.*)\)$/\1/' | grep -vE '^(https?:|mailto:|#)')
done

[ "$failed" = 0 ] || exit 1
echo "docs: scripts, binaries, recresp-sim subcommands and links checked in ${#pages[@]} pages"
