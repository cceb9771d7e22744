// libheif's C API, declared here from the facts of its public header (heif.h, stable across
// 1.x): the few enum values, `struct heif_error` and the prototypes Visage calls, resolved with
// dlsym. Nothing here links against libheif.
#define _GNU_SOURCE  // RTLD_DEEPBIND
#include "visage_heif.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { heif_colorspace_RGB = 1 };
enum { heif_chroma_interleaved_RGB = 10, heif_chroma_interleaved_RGBA = 11 };
enum { heif_channel_interleaved = 10 };

struct heif_error {
    int code;  // 0: ok
    int subcode;
    const char *message;
};

typedef struct heif_error (*init_fn)(void *params);
typedef const char *(*version_fn)(void);
typedef void *(*context_alloc_fn)(void);
typedef void (*context_free_fn)(void *context);
typedef struct heif_error (*read_memory_fn)(void *context, const void *data, size_t size, const void *options);
typedef struct heif_error (*primary_handle_fn)(void *context, void **handle);
typedef int (*top_level_count_fn)(void *context);
typedef int (*handle_int_fn)(const void *handle);
typedef void (*release_fn)(const void *object);
typedef size_t (*profile_size_fn)(const void *handle);
typedef struct heif_error (*profile_fn)(const void *handle, void *out);
typedef struct heif_error (*decode_fn)(const void *handle, void **image, int colorspace, int chroma, const void *options);
typedef int (*image_size_fn)(const void *image, int channel);
typedef const uint8_t *(*plane_fn)(const void *image, int channel, int *stride);

struct visage_heif_library {
    version_fn get_version;
    context_alloc_fn context_alloc;
    context_free_fn context_free;
    read_memory_fn read_from_memory_without_copy;
    primary_handle_fn get_primary_image_handle;
    top_level_count_fn get_number_of_top_level_images;
    handle_int_fn handle_get_width, handle_get_height, handle_has_alpha_channel;
    release_fn handle_release, image_release;
    profile_size_fn get_raw_color_profile_size;
    profile_fn get_raw_color_profile;
    decode_fn decode_image;
    image_size_fn image_get_width, image_get_height;
    plane_fn get_plane_readonly;
};

#ifdef RTLD_DEEPBIND
// Debian's libheif (and its libde265) are already loaded, globally, by libvips' heif module and
// export the same names: DEEPBIND makes the loaded library prefer its own symbols and those of its
// own dependencies.
static const int open_flags = RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND;
#else
static const int open_flags = RTLD_NOW | RTLD_LOCAL;
#endif

// dlopen, and when a needed library can't be found ("libx.so.1: cannot open shared object
// file..."), load it from `path`'s folder first and try again.
static void *open_from_folder(const char *path, int depth, char *error, size_t error_size) {
    for (int attempt = 0; attempt < 16; attempt++) {
        void *handle = dlopen(path, open_flags);
        if (handle) return handle;
        const char *reason = dlerror();
        snprintf(error, error_size, "%s", reason ? reason : "dlopen failed");
        const char *colon = reason ? strstr(reason, ": cannot open shared object file") : NULL;
        if (!colon || depth > 8) return NULL;
        size_t name_length = (size_t)(colon - reason);
        const char *slash = strrchr(path, '/');
        if (!slash || memchr(reason, '/', name_length)) return NULL;  // not a bare library name
        char dependency[4096];
        int written = snprintf(dependency, sizeof(dependency), "%.*s/%.*s", (int)(slash - path), path,
                               (int)name_length, reason);
        if (written < 0 || (size_t)written >= sizeof(dependency) || access(dependency, R_OK) != 0) return NULL;
        if (!open_from_folder(dependency, depth + 1, error, error_size)) return NULL;
    }
    return NULL;
}

visage_heif_library *visage_heif_open(const char *path, char *error, size_t error_size) {
    void *handle = open_from_folder(path, 0, error, error_size);
    if (!handle) return NULL;
    visage_heif_library *library = calloc(1, sizeof(*library));
    if (!library) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    // Each entry: the field to fill and the libheif symbol, in the struct's order.
    static const char *const names[] = {
        "heif_get_version", "heif_context_alloc", "heif_context_free",
        "heif_context_read_from_memory_without_copy", "heif_context_get_primary_image_handle",
        "heif_context_get_number_of_top_level_images", "heif_image_handle_get_width",
        "heif_image_handle_get_height", "heif_image_handle_has_alpha_channel", "heif_image_handle_release",
        "heif_image_release", "heif_image_handle_get_raw_color_profile_size",
        "heif_image_handle_get_raw_color_profile", "heif_decode_image", "heif_image_get_width",
        "heif_image_get_height", "heif_image_get_plane_readonly",
    };
    _Static_assert(sizeof(names) / sizeof(names[0]) == sizeof(visage_heif_library) / sizeof(void *),
                   "one name per function pointer");
    void **slots = (void **)library;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        slots[i] = dlsym(handle, names[i]);
        if (!slots[i]) {
            snprintf(error, error_size, "%s is not libheif: it exports no %s", path, names[i]);
            free(library);
            return NULL;
        }
    }
    // Registers libheif's decoders. Never paired with heif_deinit: the library stays loaded.
    init_fn init = (init_fn)dlsym(handle, "heif_init");
    if (init) {
        struct heif_error status = init(NULL);
        if (status.code != 0) {
            snprintf(error, error_size, "heif_init failed: %s", status.message);
            free(library);
            return NULL;
        }
    }
    return library;
}

const char *visage_heif_version(const visage_heif_library *library) { return library->get_version(); }

static int failed(struct heif_error status, char *error, size_t error_size) {
    if (status.code == 0) return 0;
    snprintf(error, error_size, "libheif: %s", status.message ? status.message : "unknown error");
    return -1;
}

// Reads the file's structure and opens its primary image. On success the caller frees both.
static int open_primary(const visage_heif_library *library, const void *data, size_t length,
                        void **context, void **handle, char *error, size_t error_size) {
    *context = library->context_alloc();
    *handle = NULL;
    if (!*context) {
        snprintf(error, error_size, "libheif: out of memory");
        return -1;
    }
    if (failed(library->read_from_memory_without_copy(*context, data, length, NULL), error, error_size) ||
        failed(library->get_primary_image_handle(*context, handle), error, error_size)) {
        library->context_free(*context);
        return -1;
    }
    return 0;
}

int visage_heif_header_of(const visage_heif_library *library, const void *data, size_t length,
                          visage_heif_header *out, char *error, size_t error_size) {
    void *context, *handle;
    if (open_primary(library, data, length, &context, &handle, error, error_size)) return -1;
    out->width = library->handle_get_width(handle);
    out->height = library->handle_get_height(handle);
    out->has_alpha = library->handle_has_alpha_channel(handle);
    out->pages = library->get_number_of_top_level_images(context);
    library->handle_release(handle);
    library->context_free(context);
    return 0;
}

int visage_heif_decode(const visage_heif_library *library, const void *data, size_t length,
                       visage_heif_pixels *out, char *error, size_t error_size) {
    memset(out, 0, sizeof(*out));
    void *context, *handle;
    if (open_primary(library, data, length, &context, &handle, error, error_size)) return -1;
    int alpha = library->handle_has_alpha_channel(handle);
    int status = 0;
    size_t icc_length = library->get_raw_color_profile_size(handle);
    if (icc_length > 0) {
        out->icc = malloc(icc_length);
        out->icc_length = icc_length;
        if (!out->icc) {
            snprintf(error, error_size, "libheif: out of memory");
            status = -1;
        } else {
            status = failed(library->get_raw_color_profile(handle, out->icc), error, error_size);
        }
    }
    void *image = NULL;
    if (status == 0) {
        int chroma = alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB;
        status = failed(library->decode_image(handle, &image, heif_colorspace_RGB, chroma, NULL), error, error_size);
    }
    library->handle_release(handle);
    library->context_free(context);  // the decoded image keeps what it needs
    if (status == 0) {
        out->image = image;
        out->bands = alpha ? 4 : 3;
        out->width = library->image_get_width(image, heif_channel_interleaved);
        out->height = library->image_get_height(image, heif_channel_interleaved);
        out->pixels = library->get_plane_readonly(image, heif_channel_interleaved, &out->stride);
        if (!out->pixels || out->width <= 0 || out->height <= 0 || out->stride < out->width * out->bands) {
            snprintf(error, error_size, "libheif: the decoded image has an unexpected layout");
            status = -1;
        }
    }
    if (status != 0) {
        visage_heif_release(library, out);
        return -1;
    }
    return 0;
}

void visage_heif_release(const visage_heif_library *library, visage_heif_pixels *pixels) {
    if (pixels->image) library->image_release(pixels->image);
    free(pixels->icc);
    memset(pixels, 0, sizeof(*pixels));
}
