/*
 * WAV input and output for the recresp C examples (see wav.h).
 */
#include "wav.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint16_t le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v & 0xff);
    p[1] = (unsigned char)((v >> 8) & 0xff);
    p[2] = (unsigned char)((v >> 16) & 0xff);
    p[3] = (unsigned char)((v >> 24) & 0xff);
}

static void put16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)(v & 0xff);
    p[1] = (unsigned char)((v >> 8) & 0xff);
}

int wav_read(const char *path, struct wav_audio *out, const char **why)
{
    FILE *f = fopen(path, "rb");
    unsigned char head[12];
    int have_fmt = 0;
    uint16_t channels = 0, bits = 0, format = 0;
    uint32_t rate = 0;

    out->samples = NULL;
    out->count = 0;
    out->rate_hz = 0;
    if (f == NULL) {
        *why = "cannot open the file";
        return -1;
    }
    if (fread(head, 1, 12, f) != 12 || memcmp(head, "RIFF", 4) != 0 ||
        memcmp(head + 8, "WAVE", 4) != 0) {
        *why = "not a RIFF/WAVE file";
        fclose(f);
        return -1;
    }
    for (;;) {
        unsigned char chunk[8];
        uint32_t size;
        if (fread(chunk, 1, 8, f) != 8) {
            *why = "no data chunk";
            break;
        }
        size = le32(chunk + 4);
        if (memcmp(chunk, "fmt ", 4) == 0) {
            unsigned char fmt[16];
            if (size < 16 || fread(fmt, 1, 16, f) != 16) {
                *why = "truncated fmt chunk";
                break;
            }
            format = le16(fmt);
            channels = le16(fmt + 2);
            rate = le32(fmt + 4);
            bits = le16(fmt + 14);
            have_fmt = 1;
            /* Skip the rest of the chunk (and the pad byte of an odd size). */
            if (fseek(f, (long)(size - 16 + (size & 1)), SEEK_CUR) != 0) {
                *why = "truncated fmt chunk";
                break;
            }
        } else if (memcmp(chunk, "data", 4) == 0) {
            size_t count = size / 2, i;
            unsigned char *raw;
            if (!have_fmt) {
                *why = "data before fmt";
                break;
            }
            if ((format != 1 && format != 0xfffe) || channels != 1 || bits != 16) {
                *why = "not 16-bit mono PCM";
                break;
            }
            if (rate != 8000 && rate != 16000) {
                *why = "not 8000 or 16000 Hz";
                break;
            }
            raw = malloc(count * 2 + 1);
            out->samples = malloc(count * sizeof(int16_t) + 1);
            if (raw == NULL || out->samples == NULL || fread(raw, 1, count * 2, f) != count * 2) {
                free(raw);
                free(out->samples);
                out->samples = NULL;
                *why = "truncated sample data";
                break;
            }
            for (i = 0; i < count; i++) {
                out->samples[i] = (int16_t)le16(raw + 2 * i);
            }
            free(raw);
            out->count = count;
            out->rate_hz = rate;
            fclose(f);
            return 0;
        } else if (fseek(f, (long)size + (long)(size & 1), SEEK_CUR) != 0) {
            *why = "truncated chunk";
            break;
        }
    }
    fclose(f);
    return -1;
}

int wav_write(const char *path, uint32_t rate_hz, const int16_t *samples, size_t count)
{
    unsigned char h[44];
    uint32_t data = (uint32_t)(count * 2);
    size_t i;
    FILE *f = fopen(path, "wb");
    int ok;

    if (f == NULL) {
        return -1;
    }
    memcpy(h, "RIFF", 4);
    put32(h + 4, 36 + data);
    memcpy(h + 8, "WAVEfmt ", 8);
    put32(h + 16, 16);
    put16(h + 20, 1); /* PCM */
    put16(h + 22, 1); /* mono */
    put32(h + 24, rate_hz);
    put32(h + 28, rate_hz * 2); /* bytes per second */
    put16(h + 32, 2);           /* block align */
    put16(h + 34, 16);          /* bits per sample */
    memcpy(h + 36, "data", 4);
    put32(h + 40, data);
    ok = fwrite(h, 1, 44, f) == 44;
    for (i = 0; ok && i < count; i++) {
        unsigned char s[2];
        put16(s, (uint16_t)samples[i]);
        ok = fwrite(s, 1, 2, f) == 2;
    }
    return (fclose(f) == 0 && ok) ? 0 : -1;
}
