/*
 * The counting checks of recresp's C tests: CHECK(cond) and EXPECT(call, code) count a pass
 * or a failure in `passed` and `failed`, and print each failure with its line. A file may
 * define CHECK_PRINT (printf-like; fprintf to stderr otherwise) and CHECK_FILE (the name
 * printed; __FILE__ otherwise) before including it.
 */
#ifndef RECRESP_CHECK_H
#define RECRESP_CHECK_H

#include <stdio.h>

#include "recresp.h"

#ifndef CHECK_PRINT
#define CHECK_PRINT(...) fprintf(stderr, __VA_ARGS__)
#endif
#ifndef CHECK_FILE
#define CHECK_FILE __FILE__
#endif

static int passed, failed;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (cond) {                                                                   \
            passed++;                                                                 \
        } else {                                                                      \
            failed++;                                                                 \
            CHECK_PRINT("%s:%d: check failed: %s\n", CHECK_FILE, __LINE__, #cond);    \
        }                                                                             \
    } while (0)

#define EXPECT(call, code)                                                                     \
    do {                                                                                       \
        recresp_result got_ = (call);                                                          \
        if (got_ == (code)) {                                                                  \
            passed++;                                                                          \
        } else {                                                                               \
            failed++;                                                                          \
            CHECK_PRINT("%s:%d: %s returned %u (%s), expected %s\n", CHECK_FILE, __LINE__,     \
                        #call, (unsigned)got_, recresp_result_message(got_), #code);           \
        }                                                                                      \
    } while (0)

#endif
