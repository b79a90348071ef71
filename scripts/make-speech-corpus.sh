#!/usr/bin/env bash
# Builds the speech detector's corpus by source: every source listed in
# benches/speech-sources.tsv (music, non-speech sounds and synthesized voices from Debian
# packages), as 8 kHz mono 16-bit WAV (sox, high-quality resampler, no dither), so the same
# packages give the same bytes each time:
#   OUT/music/NAME.wav   up to 4 excerpts of 20 s from the source's files, joined
#   OUT/sound/NAME.wav   up to 12 excerpts of at most 8 s from its files, joined
#   OUT/voice/NAME/N.wav 5 utterances (numbers, dates, a phone message) in that voice
# Files are picked evenly through the sorted list of each source's files. MIDI tunes are
# rendered with fluidsynth (TimGM6mb, no reverb or chorus), tracker modules with openmpt123;
# each excerpt is normalized to −6 dBFS peak. The English Asterisk prompts are used where
# Debian installs them and are not copied. OUT defaults to target/speech-corpus; a finished
# corpus has OUT/VERSION holding this script's CORPUS_VERSION and the sources file's
# and this script's checksum, and is left alone.
#
# Usage: scripts/make-speech-corpus.sh [OUT]     (installs the Debian packages it needs)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/install-lib.sh

SOURCES=benches/speech-sources.tsv
CORPUS_VERSION="1 $(cat "$SOURCES" "$0" | sha256sum | cut -c1-16)"
OUT="${1:-target/speech-corpus}"
done_already() { [ -f "$OUT/VERSION" ] && [ "$(cat "$OUT/VERSION")" = "$CORPUS_VERSION" ]; }
done_already && exit 0

# One builder at a time (test threads may ask at once).
mkdir -p "$(dirname "$OUT")"
exec 9>"$OUT.lock"
flock 9
done_already && exit 0

mapfile -t PACKAGES < <(grep -v '^#' "$SOURCES" | cut -f3 | grep -v '^asterisk' | sort -u)
ensure_apt sox libsox-fmt-base fluidsynth timgm6mb-soundfont openmpt123 festival "${PACKAGES[@]}"

TMP="$OUT.tmp.$$"
rm -rf "$TMP"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/music" "$TMP/sound" "$TMP/voice" "$TMP/work"
export TMP

# to_8k IN OUT [SOX EFFECTS...]: IN as 8 kHz mono 16-bit WAV, normalized to -6 dBFS peak.
to_8k() {
  local in="$1" out="$2"
  shift 2
  sox -V1 -D -q "$in" -b 16 -c 1 "$out" "$@" rate -h 8000 gain -n -6
}

# decoded FILE WORK: a file sox can read for FILE (MIDI and tracker modules rendered).
decoded() {
  local f="$1" work="$2"
  case "$f" in
  *.mid)
    fluidsynth -ni -q -R 0 -C 0 -r 44100 -F "$work/midi.wav" /usr/share/sounds/sf2/TimGM6mb.sf2 \
      "$f" >/dev/null
    echo "$work/midi.wav"
    ;;
  *.it | *.s3m | *.xm | *.mod)
    rm -f "$work/module".*
    cp "$f" "$work/module.${f##*.}"
    openmpt123 -q --render --end-time 90 --samplerate 44100 --channels 1 --no-float \
      --dither 0 "$work/module.${f##*.}" >/dev/null
    echo "$work/module.${f##*.}.wav"
    ;;
  *) echo "$f" ;;
  esac
}

# pick MAX FILE...: at most MAX of the files, evenly spaced through the list.
pick() {
  local max="$1"
  shift
  local n=$# i
  local files=("$@")
  if ((n <= max)); then
    printf '%s\n' "${files[@]}"
  else
    for ((i = 0; i < max; i++)); do printf '%s\n' "${files[$((i * n / max))]}"; done
  fi
}

TEXTS=(
  "0 1 2 3 4 5 6 7 8 9. 5 5 5, 1 2 3 4."
  "+49 30 12 34 56 78, 0800 555 0199."
  "17.03.2026, 14:45. 1 234 567. 98,6 %."
  "Hello, please leave your message after the tone. Thank you."
  "2 4 6 8 10 12 14 16 18 20 25 50 75 100 250 500 1000."
)
for j in "${!TEXTS[@]}"; do export "TEXT_$j=${TEXTS[$j]}"; done
export TEXT_COUNT=${#TEXTS[@]}

# build NAME KIND PACKAGE FILES ROLE: one source.
build() {
  local name="$1" kind="$2" package="$3" spec="$4" role="$5"
  local work="$TMP/work/$name"
  mkdir -p "$work"
  case "$kind" in
  music | sound)
    local files=() globs g f
    # The globs are split on spaces first, then each expands (paths with spaces stay whole).
    read -ra globs <<<"$spec"
    for g in "${globs[@]}"; do for f in $g; do [ -f "$f" ] && files+=("$f"); done; done
    if ((${#files[@]} == 0)); then
      echo "speech corpus: $name: no files match $spec" >&2
      return 1
    fi
    mapfile -t files < <(printf '%s\n' "${files[@]}" | LC_ALL=C sort)
    local max=4 len=20 parts=() k=0
    [ "$kind" = sound ] && max=12 len=8
    while IFS= read -r f; do
      local src start=0
      src="$(decoded "$f" "$work")"
      # Music: from 10 s in when the file is long enough (past the intro).
      if [ "$kind" = music ] && (($(soxi -D "$src" | cut -d. -f1) >= 40)); then start=10; fi
      to_8k "$src" "$work/part$k.wav" trim "$start" "$len"
      parts+=("$work/part$k.wav")
      k=$((k + 1))
    done < <(pick "$max" "${files[@]}")
    sox -V1 -D "${parts[@]}" "$TMP/$kind/$name.wav"
    ;;
  voice)
    [ "$package" = asterisk-core-sounds-en-wav ] && return 0
    mkdir -p "$TMP/voice/$name"
    local j text_var raw
    for ((j = 0; j < TEXT_COUNT; j++)); do
      text_var="TEXT_$j"
      raw="$work/raw$j.wav"
      case "$package" in
      espeak-ng)
        # Train and held voices use variants, speeds and pitches of their own.
        local variants=(m1 m3 f1 f3 klatt) speeds=(130 160 190) pitches=(25 45 65)
        if [ "$role" = held ]; then
          variants=(m2 m4 f2 f4 klatt2) speeds=(120 150 180) pitches=(30 50 70)
        fi
        espeak-ng -v "$spec+${variants[$j]}" -s "${speeds[$((j % 3))]}" \
          -p "${pitches[$(((j + 1) % 3))]}" -w "$raw" "${!text_var}"
        ;;
      flite) flite -voice "$spec" -t "${!text_var}" -o "$raw" ;;
      festvox-*) echo "${!text_var}" | text2wave -eval "($spec)" -o "$raw" ;;
      *)
        echo "speech corpus: $name: no synthesizer for $package" >&2
        return 1
        ;;
      esac
      to_8k "$raw" "$TMP/voice/$name/$j.wav"
    done
    ;;
  esac
  rm -rf "$work"
  echo "speech corpus: $kind $name ($role) done" >&2
}
export -f build decoded pick to_8k

# Two sources at a time; each source's bytes do not depend on the order.
grep -v '^#' "$SOURCES" | awk -F'\t' '{print $1; print $2; print $3; print $4; print $6}' |
  xargs -d '\n' -n 5 -P 2 bash -c 'set -euo pipefail; build "$@"' _

echo "$CORPUS_VERSION" >"$TMP/VERSION"
rm -rf "$TMP/work" "$OUT"
mv "$TMP" "$OUT"
trap - EXIT
for kind in music sound voice; do
  echo "speech corpus: $kind: $(ls "$OUT/$kind" | wc -l) sources"
done
