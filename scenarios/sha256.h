/* sha256: the SHA-256 digest (FIPS 180-4), for the scenario hash that
 * keys a sweep's results (scenarios/README.md, "Sweeps"). Incremental:
 * init, any number of updates, then the digest as 64 lowercase hex
 * digits. */
#ifndef CS_SHA256_H
#define CS_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct sha256_ctx {
    uint32_t h[8];
    uint64_t len;          /* bytes hashed so far */
    unsigned char buf[64];
    size_t nbuf;
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t n);
/* Finishes c and writes the digest, 64 hex digits and a NUL, to hex. */
void sha256_hex(sha256_ctx *c, char hex[65]);

#endif
