#!/usr/bin/env bash
# Builds the DTMF talk-off corpus beyond the English prompts: espeak-ng speech in 34
# languages with varied voices, speeds and pitches, and music (the Ogg tracks of Debian's
# drascula-music, the MIDI tunes of planetblupi-music-midi rendered with fluidsynth and the
# TimGM6mb soundfont). Every file is written as 16-bit mono WAV at 8000 and 16000 Hz
# (sox, high-quality resampler, no dither), so the same packages give the same bytes.
#
# Each corpus has a tuning part and a held-out part (speech: by language, and the held-out
# languages use voice settings of their own; music: by track), under
#   OUT/{speech,music}/{tune,held}/{8000,16000}/NAME.wav
# OUT defaults to target/talkoff-corpus. The corpus is built once: a finished corpus has
# OUT/VERSION holding this script's CORPUS_VERSION, and is left alone.
#
# Usage: scripts/make-talkoff-corpus.sh [OUT]     (installs the Debian packages it needs)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/install-lib.sh

CORPUS_VERSION=1
OUT="${1:-target/talkoff-corpus}"
if [ -f "$OUT/VERSION" ] && [ "$(cat "$OUT/VERSION")" = "$CORPUS_VERSION" ]; then
  exit 0
fi

# One builder at a time (test threads may ask at once); a finished corpus is left alone.
mkdir -p "$(dirname "$OUT")"
exec 9>"$OUT.lock"
flock 9
if [ -f "$OUT/VERSION" ] && [ "$(cat "$OUT/VERSION")" = "$CORPUS_VERSION" ]; then
  exit 0
fi

ensure_apt espeak-ng sox libsox-fmt-base drascula-music planetblupi-music-midi \
  timgm6mb-soundfont fluidsynth

TMP="$OUT.tmp.$$"
rm -rf "$TMP"
trap 'rm -rf "$TMP"' EXIT
for kind in speech music; do
  for part in tune held; do
    for rate in 8000 16000; do mkdir -p "$TMP/$kind/$part/$rate"; done
  done
done

# to_rates IN KIND PART NAME [SOX EFFECTS...]: IN as mono 16-bit WAV at both rates.
to_rates() {
  local in="$1" kind="$2" part="$3" name="$4"
  shift 4
  for rate in 8000 16000; do
    sox -V1 -D -q "$in" -b 16 -c 1 "$TMP/$kind/$part/$rate/$name.wav" "$@" rate -h "$rate"
  done
}

# --- speech -----------------------------------------------------------------------------
# Languages: tuning and held-out sets never share a language.
TUNE_LANGS=(de fr-fr es it pt-br nl sv pl ru cs hu fi el tr hi yue ko)
HELD_LANGS=(da nb ro hr sk bg uk ar he fa ja cmn vi id sw th ta)
# Voice variants, speeds (words/min) and pitches (0–99); the held-out languages use
# variants the tuning set never uses.
TUNE_VARIANTS=(m1 m3 m5 m7 f1 f3 f5 klatt klatt3 croak Andrea Annie Michael)
HELD_VARIANTS=(m2 m4 m6 f2 f4 klatt2 klatt4 Alicia Belinda grandma Steph Jacky)
SPEEDS=(110 140 175 210 260)
PITCHES=(10 30 50 75 99)
TEXTS=(
  "0 1 2 3 4 5 6 7 8 9. 9 8 7 6 5 4 3 2 1 0. 5 5 5, 1 2 3 4."
  "+49 30 12 34 56 78, 0800 555 0199. 17.03.2026, 14:45. 1 234 567. 98,6 %. 3 1/2."
  "2 4 6 8 10 12 14 16 18 20 25 50 75 100 250 500 1000 1999 2026 1000000."
  "Hello, please leave your message after the tone, and press the pound key when you are finished. Thank you, goodbye."
)

speech_jobs() {
  local part="$1"
  shift
  local -n langs="$1" variants="$2"
  local i j k lang
  for i in "${!langs[@]}"; do
    lang="${langs[$i]}"
    for j in "${!TEXTS[@]}"; do
      for k in 0 1 2; do
        local v="${variants[$(((i * 3 + j * 5 + k * 7) % ${#variants[@]}))]}"
        local s="${SPEEDS[$(((i + 2 * j + k) % ${#SPEEDS[@]}))]}"
        local p="${PITCHES[$(((2 * i + j + 3 * k) % ${#PITCHES[@]}))]}"
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$part" "$lang" "$v" "$s" "$p" "$j"
      done
    done
  done
}

# speak PART LANG VARIANT SPEED PITCH TEXT_INDEX: one clip, at both rates.
speak() {
  local part="$1" lang="$2" v="$3" s="$4" p="$5" j="$6"
  local name="${lang}_${v}_s${s}_p${p}_t${j}" text_var="TEXT_$6"
  local raw="$TMP/raw_${name}.wav"
  espeak-ng -v "$lang+$v" -s "$s" -p "$p" -w "$raw" "${!text_var}"
  to_rates "$raw" speech "$part" "$name"
  rm -f "$raw"
}
export -f speak to_rates
export TMP
for j in "${!TEXTS[@]}"; do export "TEXT_$j=${TEXTS[$j]}"; done

# Two clips at a time; each clip's bytes do not depend on the order.
{
  speech_jobs tune TUNE_LANGS TUNE_VARIANTS
  speech_jobs held HELD_LANGS HELD_VARIANTS
} | tr '\t' '\n' | xargs -d '\n' -n 6 -P 2 bash -c 'speak "$@"' _

# --- music ------------------------------------------------------------------------------
# Ogg tracks: odd track numbers tune, even ones are held out.
for f in /usr/share/scummvm/drascula/audio/track*.ogg; do
  n="$(basename "$f" .ogg)"
  num="${n#track}"
  part=tune
  ((num % 2 == 0)) && part=held
  to_rates "$f" music "$part" "drascula_$n"
done
# MIDI tunes, rendered without reverb or chorus, first 180 s: 000–004 tune, 005–009 held.
for f in /usr/share/planetblupi/music/music*.mid; do
  n="$(basename "$f" .mid)"
  num=$((10#${n#music}))
  part=tune
  ((num >= 5)) && part=held
  raw="$TMP/raw_$n.wav"
  fluidsynth -ni -q -R 0 -C 0 -r 44100 -F "$raw" /usr/share/sounds/sf2/TimGM6mb.sf2 "$f" >/dev/null
  to_rates "$raw" music "$part" "blupi_$n" trim 0 180
  rm -f "$raw"
done

echo "$CORPUS_VERSION" >"$TMP/VERSION"
rm -rf "$OUT"
mv "$TMP" "$OUT"
trap - EXIT
for kind in speech music; do
  for part in tune held; do
    echo "talk-off corpus: $kind/$part: $(ls "$OUT/$kind/$part/8000" | wc -l) files"
  done
done
