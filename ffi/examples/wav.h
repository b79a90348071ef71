/*
 * Minimal WAV input and output for the recresp C examples: reads 16-bit mono PCM (the
 * format recresp takes: 8000 or 16000 Hz) and writes the same with the standard 44-byte
 * header. Little-endian byte order is handled explicitly, so any host works.
 */
#ifndef RECRESP_EXAMPLE_WAV_H
#define RECRESP_EXAMPLE_WAV_H

#include <stddef.h>
#include <stdint.h>

/* Audio read from a WAV file; free `samples` with free(). */
struct wav_audio {
    uint32_t rate_hz;
    int16_t *samples;
    size_t count;
};

/* Reads a 16-bit mono PCM WAV. Returns 0, or -1 with a reason in `why` (static text). */
int wav_read(const char *path, struct wav_audio *out, const char **why);

/* Writes 16-bit mono PCM at `rate_hz`. Returns 0, or -1 on an I/O error. */
int wav_write(const char *path, uint32_t rate_hz, const int16_t *samples, size_t count);

#endif
