/*
 * The floor TransportBench's shm-spin is measured against: the same request/reply ping-pong in C.
 * Parent and forked child share an anonymous mapping; each side copies the payload into its slot,
 * publishes a sequence number with release ordering and spins (with pause) on the other's.
 *
 *   cc -O2 -o /tmp/shm_pingpong reference/shm_pingpong.c && /tmp/shm_pingpong 100 200000
 *   /tmp/shm_pingpong 2000000 2000
 * Prints the median (p50) and mean round trip in microseconds.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <immintrin.h>

struct ctl { _Atomic uint64_t seq; uint64_t len; char pad[112]; };

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t) t.tv_sec * 1000000000u + t.tv_nsec;
}

static void await(struct ctl *c, uint64_t want) {
    while (atomic_load_explicit(&c->seq, memory_order_acquire) != want) _mm_pause();
}

static int cmp(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    size_t size = argc > 1 ? strtoul(argv[1], 0, 10) : 100;
    long n = argc > 2 ? strtol(argv[2], 0, 10) : 100000, warm = n / 2;
    size_t slot = (size + 4095) & ~(size_t) 4095;
    char *map = mmap(0, 4096 + 2 * slot, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    struct ctl *req = (struct ctl *) map, *rep = (struct ctl *) (map + 128);
    char *req_data = map + 4096, *rep_data = map + 4096 + slot;
    char *payload = malloc(size), *back = malloc(size);
    for (size_t i = 0; i < size; i++) payload[i] = (char) rand();

    if (fork() == 0) {                       /* responder: echo the request into the reply slot */
        for (uint64_t s = 1; s <= (uint64_t) (n + warm); s++) {
            await(req, s);
            memcpy(rep_data, req_data, req->len);
            rep->len = req->len;
            atomic_store_explicit(&rep->seq, s, memory_order_release);
        }
        _exit(0);
    }
    uint64_t *rtt = malloc(sizeof(uint64_t) * n);
    for (uint64_t s = 1; s <= (uint64_t) (n + warm); s++) {
        uint64_t t0 = now_ns();
        memcpy(req_data, payload, size);
        req->len = size;
        atomic_store_explicit(&req->seq, s, memory_order_release);
        await(rep, s);
        memcpy(back, rep_data, size);        /* the reply copied out, as a receiver would */
        uint64_t t1 = now_ns();
        if (memcmp(back, payload, size) != 0) { fprintf(stderr, "reply differs\n"); return 1; }
        if (s > (uint64_t) warm) rtt[s - warm - 1] = t1 - t0;
    }
    wait(0);
    double sum = 0;
    for (long i = 0; i < n; i++) sum += rtt[i];
    qsort(rtt, n, sizeof(uint64_t), cmp);
    printf("size %zu B, %ld round trips: p50 %.3f us, mean %.3f us\n", size, n, rtt[n / 2] / 1e3, sum / n / 1e3);
    return 0;
}
