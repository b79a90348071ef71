#!/usr/bin/env bash
# recresp-core's public API: its documentation builds without a warning (every public item
# documented, no link to an internal item) with and without the optional features. The
# surface itself is pinned by `cargo test`: core/tests/public_api.rs uses every root
# re-export a host needs, and the compile_fail doctests in core/src/lib.rs check that the
# internals stay private.
set -euo pipefail
cd "$(dirname "$0")/.."

for features in "--all-features" "--no-default-features" "--no-default-features --features defmt"; do
  echo "== cargo doc -p recresp-core $features (warnings are errors)"
  # shellcheck disable=SC2086 # the feature flags are separate words
  RUSTDOCFLAGS="-D warnings" cargo doc -p recresp-core --no-deps $features
done
