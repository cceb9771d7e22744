// A small extern "C" surface over hnswlib's HierarchicalNSW<float> with the inner-product space
// (Debian's libhnswlib-dev, header-only), for Swift. No logic beyond the library calls: the caller
// grows the capacity, tracks ids, locks and re-ranks. Labels are the caller's 64-bit ids.
//
// Thread safety is hnswlib's: searches may run concurrently with each other; the caller keeps
// every other call exclusive (except `visage_hnsw_add` with distinct labels, which hnswlib allows
// concurrently, and which the caller uses for parallel builds).
//
// Functions that can fail return 0 on success and -1 on failure, with hnswlib's message copied
// into `error` (at most `error_length` bytes, NUL-terminated).
#ifndef VISAGE_HNSW_H
#define VISAGE_HNSW_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct visage_hnsw visage_hnsw;

// A new, empty index for `dimensions` floats, with room for `capacity` elements.
visage_hnsw *visage_hnsw_create(size_t dimensions, size_t capacity, size_t m, size_t ef_construction,
                                uint64_t seed, char *error, size_t error_length);
// An index saved by visage_hnsw_save, with room for at least `capacity` elements.
visage_hnsw *visage_hnsw_load(const char *path, size_t dimensions, size_t capacity, char *error,
                              size_t error_length);
int visage_hnsw_save(const visage_hnsw *index, const char *path, char *error, size_t error_length);
void visage_hnsw_free(visage_hnsw *index);

// Elements stored, tombstoned ones included.
size_t visage_hnsw_element_count(const visage_hnsw *index);
size_t visage_hnsw_deleted_count(const visage_hnsw *index);
size_t visage_hnsw_capacity(const visage_hnsw *index);
int visage_hnsw_resize(visage_hnsw *index, size_t capacity, char *error, size_t error_length);

// Adds `vector` under `label`, or replaces the vector stored under it (a tombstoned label is
// revived).
int visage_hnsw_add(visage_hnsw *index, const float *vector, uint64_t label, char *error,
                    size_t error_length);
// Tombstones `label`: searches skip it, its node stays in the graph. 0 when done, -1 when the
// label is not stored or already deleted.
int visage_hnsw_mark_deleted(visage_hnsw *index, uint64_t label);
// 1 when `label` is live, 0 when it is tombstoned, -1 when it is not stored.
int visage_hnsw_state(const visage_hnsw *index, uint64_t label);
// The stored vector of a live or tombstoned label (valid until the next write), or NULL.
const float *visage_hnsw_vector(const visage_hnsw *index, uint64_t label);

// Writes the labels of live (not tombstoned) elements into `labels`, at most `capacity` of
// them, and returns how many it wrote.
size_t visage_hnsw_live_labels(const visage_hnsw *index, uint64_t *labels, size_t capacity);

// The (up to) `k` nearest live elements: `labels` and `distances` (1 - inner product) in
// ascending distance order. Returns how many were written.
size_t visage_hnsw_search(const visage_hnsw *index, const float *query, size_t k, uint64_t *labels,
                          float *distances);

#ifdef __cplusplus
}
#endif

#endif
