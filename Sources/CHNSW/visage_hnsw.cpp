// The hnswlib calls behind visage_hnsw.h. hnswlib.h defines non-inline functions, so it is
// included by this one translation unit only.
#include "visage_hnsw.h"

#include <hnswlib/hnswlib.h>

#include <cstring>
#include <exception>
#include <new>
#include <string>

struct visage_hnsw {
    hnswlib::InnerProductSpace space;
    hnswlib::HierarchicalNSW<float> *graph = nullptr;

    explicit visage_hnsw(size_t dimensions) : space(dimensions) {}
    ~visage_hnsw() { delete graph; }
};

static void copy_error(const char *message, char *error, size_t error_length) {
    if (error == nullptr || error_length == 0) return;
    std::strncpy(error, message, error_length - 1);
    error[error_length - 1] = '\0';
}

extern "C" visage_hnsw *visage_hnsw_create(size_t dimensions, size_t capacity, size_t m,
                                           size_t ef_construction, uint64_t seed, char *error,
                                           size_t error_length) {
    visage_hnsw *index = nullptr;
    try {
        index = new visage_hnsw(dimensions);
        index->graph = new hnswlib::HierarchicalNSW<float>(&index->space, capacity, m, ef_construction,
                                                           static_cast<size_t>(seed));
        return index;
    } catch (const std::exception &exception) {
        copy_error(exception.what(), error, error_length);
    } catch (...) {
        copy_error("hnswlib failed to create an index", error, error_length);
    }
    delete index;
    return nullptr;
}

extern "C" visage_hnsw *visage_hnsw_load(const char *path, size_t dimensions, size_t capacity,
                                         char *error, size_t error_length) {
    visage_hnsw *index = nullptr;
    try {
        index = new visage_hnsw(dimensions);
        // hnswlib 0.6.2's loading constructor leaves the tombstone counter uninitialised before
        // loadIndex counts the tombstones into it: start it at zero, then load.
        index->graph = new hnswlib::HierarchicalNSW<float>(&index->space);
        index->graph->num_deleted_ = 0;
        index->graph->loadIndex(std::string(path), &index->space, capacity);
        return index;
    } catch (const std::exception &exception) {
        copy_error(exception.what(), error, error_length);
    } catch (...) {
        copy_error("hnswlib failed to load the index", error, error_length);
    }
    // A load that failed part way leaves the graph's members half set, which its destructor
    // would free: it is leaked instead (a damaged file, once).
    if (index != nullptr) index->graph = nullptr;
    delete index;
    return nullptr;
}

extern "C" int visage_hnsw_save(const visage_hnsw *index, const char *path, char *error, size_t error_length) {
    try {
        index->graph->saveIndex(std::string(path));
        return 0;
    } catch (const std::exception &exception) {
        copy_error(exception.what(), error, error_length);
    } catch (...) {
        copy_error("hnswlib failed to save the index", error, error_length);
    }
    return -1;
}

extern "C" void visage_hnsw_free(visage_hnsw *index) { delete index; }

extern "C" size_t visage_hnsw_element_count(const visage_hnsw *index) { return index->graph->cur_element_count; }

extern "C" size_t visage_hnsw_deleted_count(const visage_hnsw *index) { return index->graph->num_deleted_; }

extern "C" size_t visage_hnsw_capacity(const visage_hnsw *index) { return index->graph->max_elements_; }

extern "C" int visage_hnsw_resize(visage_hnsw *index, size_t capacity, char *error, size_t error_length) {
    try {
        index->graph->resizeIndex(capacity);
        return 0;
    } catch (const std::exception &exception) {
        copy_error(exception.what(), error, error_length);
    } catch (...) {
        copy_error("hnswlib failed to resize the index", error, error_length);
    }
    return -1;
}

extern "C" int visage_hnsw_add(visage_hnsw *index, const float *vector, uint64_t label, char *error,
                               size_t error_length) {
    try {
        index->graph->addPoint(vector, static_cast<hnswlib::labeltype>(label));
        return 0;
    } catch (const std::exception &exception) {
        copy_error(exception.what(), error, error_length);
    } catch (...) {
        copy_error("hnswlib failed to add a vector", error, error_length);
    }
    return -1;
}

extern "C" int visage_hnsw_mark_deleted(visage_hnsw *index, uint64_t label) {
    try {
        index->graph->markDelete(static_cast<hnswlib::labeltype>(label));
        return 0;
    } catch (...) {
        return -1;
    }
}

extern "C" int visage_hnsw_state(const visage_hnsw *index, uint64_t label) {
    auto &lookup = index->graph->label_lookup_;
    auto found = lookup.find(static_cast<hnswlib::labeltype>(label));
    if (found == lookup.end()) return -1;
    return index->graph->isMarkedDeleted(found->second) ? 0 : 1;
}

extern "C" const float *visage_hnsw_vector(const visage_hnsw *index, uint64_t label) {
    auto &lookup = index->graph->label_lookup_;
    auto found = lookup.find(static_cast<hnswlib::labeltype>(label));
    if (found == lookup.end()) return nullptr;
    return reinterpret_cast<const float *>(index->graph->getDataByInternalId(found->second));
}

extern "C" size_t visage_hnsw_live_labels(const visage_hnsw *index, uint64_t *labels, size_t capacity) {
    size_t written = 0;
    size_t elements = index->graph->cur_element_count;
    for (hnswlib::tableint internal = 0; internal < elements && written < capacity; internal++) {
        if (!index->graph->isMarkedDeleted(internal)) {
            labels[written++] = static_cast<uint64_t>(index->graph->getExternalLabel(internal));
        }
    }
    return written;
}

extern "C" size_t visage_hnsw_search(const visage_hnsw *index, const float *query, size_t k, uint64_t *labels,
                                     float *distances) {
    try {
        auto queue = index->graph->searchKnn(query, k);
        // The queue pops the farthest first; fill from the back for ascending order.
        size_t found = queue.size();
        for (size_t slot = found; slot > 0; slot--) {
            labels[slot - 1] = static_cast<uint64_t>(queue.top().second);
            distances[slot - 1] = queue.top().first;
            queue.pop();
        }
        return found;
    } catch (...) {
        return 0;
    }
}
