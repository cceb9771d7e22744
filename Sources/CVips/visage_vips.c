#define _GNU_SOURCE
#include "visage_vips.h"
#include <vips/vips.h>
#include <pthread.h>
#include <string.h>

// Errors that belong to their call. libvips keeps one error buffer per process: while one thread
// reads it, another thread's failure (or a loader's warning) can land in it, and a request would
// report another request's file and text. So every call below runs through `run`: calls share a
// lock, and a failed call is run again holding it alone, with the buffer cleared first, so what
// the buffer then holds is that call's own message. Failures are rare and fail early in most
// cases; successful calls only ever take the lock shared. Writers are preferred, so a stream of
// successful calls can't starve a re-run.
static pthread_rwlock_t calls = PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP;

// One call: returns 0 or -1; on a failure of its own (not libvips') it sets *own to a static
// message.
typedef int (*call_fn)(void *args, const char **own);

static int run(call_fn call, void *args, char **error) {
    const char *own = NULL;
    pthread_rwlock_rdlock(&calls);
    int status = call(args, &own);
    pthread_rwlock_unlock(&calls);
    if (status == 0) return 0;
    if (!own) {
        pthread_rwlock_wrlock(&calls);
        vips_error_clear();
        status = call(args, &own);
        char *message = status && !own ? vips_error_buffer_copy() : NULL;
        vips_error_clear();
        pthread_rwlock_unlock(&calls);
        if (status == 0) return 0;  // it failed for a reason that went away (memory, say)
        if (message) {
            if (error) *error = message;
            else g_free(message);
            return -1;
        }
    }
    if (error) *error = g_strdup(own);
    return -1;
}

static int fail(const char **own) {
    (void)own;
    return -1;
}

static int fail_with(const char **own, const char *message) {
    *own = message;
    return -1;
}

// libvips reports recoverable oddities (an ignored colour profile, a junk byte) as GLib
// warnings on stderr. Visage turns real failures into errors itself, so the chatter is dropped
// unless VISAGE_VIPS_WARNINGS is set.
static void drop_warning(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data) {
    (void)domain; (void)level; (void)message; (void)data;
}

int visage_vips_init(int concurrency) {
    if (VIPS_INIT("visage") != 0) return -1;
    if (!g_getenv("VISAGE_VIPS_WARNINGS"))
        g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE, drop_warning, NULL);
    // Visage decodes each image once; libvips' operation cache would only hold memory.
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    if (concurrency > 0) vips_concurrency_set(concurrency);
    return 0;
}

static VipsImage *open_header(const char *path, const void *data, size_t length) {
    if (data) return vips_image_new_from_buffer(data, length, "", NULL);
    return vips_image_new_from_file(path, NULL);
}

static int header_once(const char *path, const void *data, size_t length,
                       visage_image_header *out, const char **own) {
    const char *loader = data ? vips_foreign_find_load_buffer(data, length)
                              : vips_foreign_find_load(path);
    if (!loader) return fail(own);
    VipsImage *image = open_header(path, data, length);
    if (!image) return fail(own);
    memset(out, 0, sizeof(*out));
    out->width = vips_image_get_width(image);
    out->height = vips_image_get_height(image);
    out->bands = vips_image_get_bands(image);
    out->orientation = vips_image_get_orientation(image);
    out->pages = vips_image_get_n_pages(image);
    // Loader names look like "VipsForeignLoadJpegFile"; report the nickname ("jpegload").
    VipsObjectClass *class = VIPS_OBJECT_CLASS(g_type_class_ref(g_type_from_name(loader)));
    g_strlcpy(out->loader, class ? class->nickname : loader, sizeof(out->loader));
    g_object_unref(image);
    return 0;
}

// Bring any decoded image to 3-band 8-bit sRGB: colour-manage, drop alpha onto white.
static int to_srgb8(VipsImage *in, VipsImage **out) {
    VipsImage *t[4] = {NULL, NULL, NULL, NULL};
    VipsImage *current = in;
    g_object_ref(current);
    int status = 0;
    if (vips_image_hasalpha(current)) {
        VipsArrayDouble *white = vips_array_double_newv(1, 255.0);
        double max_alpha = current->BandFmt == VIPS_FORMAT_USHORT ? 65535.0 : (vips_band_format_isfloat(current->BandFmt) ? 1.0 : 255.0);
        status = vips_flatten(current, &t[0], "background", white, "max_alpha", max_alpha, NULL);
        vips_area_unref(VIPS_AREA(white));
        if (status) goto done;
        g_object_unref(current); current = t[0]; t[0] = NULL;
    }
    if (vips_image_guess_interpretation(current) != VIPS_INTERPRETATION_sRGB ||
        current->BandFmt != VIPS_FORMAT_UCHAR) {
        status = vips_colourspace(current, &t[1], VIPS_INTERPRETATION_sRGB, NULL);
        if (status) goto done;
        g_object_unref(current); current = t[1]; t[1] = NULL;
    }
    if (current->Bands > 3) {
        status = vips_extract_band(current, &t[2], 0, "n", 3, NULL);
        if (status) goto done;
        g_object_unref(current); current = t[2]; t[2] = NULL;
    } else if (current->Bands == 1) {
        VipsImage *bands[3] = {current, current, current};
        status = vips_bandjoin(bands, &t[2], 3, NULL);
        if (status) goto done;
        g_object_unref(current); current = t[2]; t[2] = NULL;
    }
    if (current->BandFmt != VIPS_FORMAT_UCHAR) {
        status = vips_cast_uchar(current, &t[3], NULL);
        if (status) goto done;
        g_object_unref(current); current = t[3]; t[3] = NULL;
    }
done:
    if (status) { g_object_unref(current); return -1; }
    *out = current;
    return 0;
}

static int copy_out(VipsImage *image, visage_rgb_pixels *out, const char **own) {
    size_t size = 0;
    void *memory = vips_image_write_to_memory(image, &size);
    if (!memory) return fail(own);
    out->pixels = memory;
    out->width = vips_image_get_width(image);
    out->height = vips_image_get_height(image);
    if ((size_t)out->width * out->height * 3 != size) {
        g_free(memory);
        return fail_with(own, "decoded image has an unexpected layout");
    }
    return 0;
}

static int decode_once(const char *path, const void *data, size_t length, int max_side,
                       int autorotate, visage_rgb_pixels *out, const char **own) {
    // vips_thumbnail shrinks on load (JPEG DCT scaling, WebP/HEIF scale) and applies the EXIF
    // orientation; with size=down and a huge target it is a plain decode.
    int target = max_side > 0 ? max_side : 10000000;
    VipsImage *decoded = NULL;
    int status = data
        // The buffer loader ignores thumbnail's own fail_on (a truncated JPEG would decode with
        // grey rows), so it also goes to the loader through the option string.
        ? vips_thumbnail_buffer((void *)data, length, &decoded, target, "height", target,
                                "size", VIPS_SIZE_DOWN, "no_rotate", !autorotate,
                                "fail_on", VIPS_FAIL_ON_ERROR, "option_string", "fail_on=error", NULL)
        : vips_thumbnail(path, &decoded, target, "height", target, "size", VIPS_SIZE_DOWN,
                         "no_rotate", !autorotate, "fail_on", VIPS_FAIL_ON_ERROR, NULL);
    if (status) return fail(own);
    VipsImage *rgb = NULL;
    if (to_srgb8(decoded, &rgb)) { g_object_unref(decoded); return fail(own); }
    g_object_unref(decoded);
    status = copy_out(rgb, out, own);
    g_object_unref(rgb);
    return status;
}

static int decode_memory_once(const uint8_t *pixels, int width, int height, int stride, int bands,
                              const void *icc, size_t icc_length, int max_side,
                              visage_rgb_pixels *out, const char **own) {
    if (width <= 0 || height <= 0 || (bands != 3 && bands != 4) || stride < width * bands)
        return fail_with(own, "decoded image has an unexpected layout");
    // libvips wants packed rows; decoders may pad theirs.
    size_t row = (size_t)width * bands;
    uint8_t *packed = NULL;
    if ((size_t)stride != row) {
        packed = g_try_malloc(row * height);
        if (!packed) return fail_with(own, "out of memory");
        for (int y = 0; y < height; y++) memcpy(packed + row * y, pixels + (size_t)stride * y, row);
    }
    VipsImage *in = vips_image_new_from_memory(packed ? packed : pixels, row * height, width, height,
                                               bands, VIPS_FORMAT_UCHAR);
    if (!in) { g_free(packed); return fail(own); }
    in->Type = VIPS_INTERPRETATION_sRGB;
    if (icc && icc_length > 0) vips_image_set_blob_copy(in, VIPS_META_ICC_NAME, icc, icc_length);
    // The options of decode_once, so colour handling and reduction match a libvips-loaded image.
    // No orientation: the pixels are upright and carry no orientation tag.
    int target = max_side > 0 ? max_side : 10000000;
    VipsImage *reduced = NULL, *rgb = NULL;
    int status = vips_thumbnail_image(in, &reduced, target, "height", target, "size", VIPS_SIZE_DOWN,
                                      "no_rotate", TRUE, NULL);
    if (status == 0) status = to_srgb8(reduced, &rgb);
    // Written to memory while `packed` still lives: the images read it lazily.
    if (status == 0) status = copy_out(rgb, out, own);
    if (rgb) g_object_unref(rgb);
    if (reduced) g_object_unref(reduced);
    g_object_unref(in);
    g_free(packed);
    return status;
}

static int resize_rgb_once(const uint8_t *pixels, int width, int height, int new_width,
                           int new_height, visage_rgb_pixels *out, const char **own) {
    VipsImage *in = vips_image_new_from_memory(pixels, (size_t)width * height * 3, width, height,
                                               3, VIPS_FORMAT_UCHAR);
    if (!in) return fail(own);
    VipsImage *resized = NULL;
    double hscale = (double)new_width / width, vscale = (double)new_height / height;
    if (vips_resize(in, &resized, hscale, "vscale", vscale, NULL)) {
        g_object_unref(in);
        return fail(own);
    }
    g_object_unref(in);
    int status = copy_out(resized, out, own);
    g_object_unref(resized);
    return status;
}

static int encode_rgb_once(const uint8_t *pixels, int width, int height, const char *format,
                           int quality, uint8_t **out, size_t *out_length, const char **own) {
    VipsImage *in = vips_image_new_from_memory(pixels, (size_t)width * height * 3, width, height,
                                               3, VIPS_FORMAT_UCHAR);
    if (!in) return fail(own);
    in->Type = VIPS_INTERPRETATION_sRGB;
    void *buffer = NULL;
    size_t length = 0;
    int status;
    if (strcmp(format, "png") == 0)
        status = vips_pngsave_buffer(in, &buffer, &length, NULL);
    else
        status = vips_jpegsave_buffer(in, &buffer, &length, "Q", quality, "strip", TRUE, NULL);
    g_object_unref(in);
    if (status) return fail(own);
    *out = buffer;
    *out_length = length;
    return 0;
}

static int xmp_once(const char *path, const void *data, size_t length, uint8_t **out,
                    size_t *out_length, const char **own) {
    *out = NULL;
    *out_length = 0;
    VipsImage *image = open_header(path, data, length);
    if (!image) return fail(own);
    if (vips_image_get_typeof(image, VIPS_META_XMP_NAME)) {
        const void *blob = NULL;
        size_t size = 0;
        if (vips_image_get_blob(image, VIPS_META_XMP_NAME, &blob, &size)) {
            g_object_unref(image);
            return fail(own);
        }
        // The blob belongs to the image, which is released below: hand the caller a copy.
        if (blob && size > 0) {
            *out = g_memdup2(blob, size);
            *out_length = size;
        }
    }
    g_object_unref(image);
    return 0;
}

static int render_text_once(const char *utf8, int pixel_height, uint8_t **out, int *width,
                            int *height, const char **own) {
    *out = NULL;
    *width = *height = 0;
    // vips_text parses Pango markup: escape so names like "A & B" or "<x>" render literally.
    char *markup = g_markup_escape_text(utf8, -1);
    char font[64];
    // At 72 dpi a point is a pixel, so the size in the font description is the em in pixels.
    g_snprintf(font, sizeof(font), "DejaVu Sans %d", pixel_height > 0 ? pixel_height : 1);
    VipsImage *mask = NULL;
    int status = vips_text(&mask, markup, "font", font, "dpi", 72, NULL);
    g_free(markup);
    if (status) return fail(own);
    // The mask is one band of 8-bit coverage, so the memory copy is exactly width * height bytes.
    size_t size = 0;
    void *memory = vips_image_write_to_memory(mask, &size);
    int w = vips_image_get_width(mask), h = vips_image_get_height(mask);
    int bands = vips_image_get_bands(mask);
    g_object_unref(mask);
    if (!memory) return fail(own);
    if (bands != 1 || (size_t)w * h != size) {
        g_free(memory);
        return fail_with(own, "rendered text has an unexpected layout");
    }
    *out = memory;
    *width = w;
    *height = h;
    return 0;
}

// The public calls: each packs its arguments and goes through `run`.

typedef struct { const char *path; const void *data; size_t length; visage_image_header *out; } header_args;
static int header_call(void *a, const char **own) {
    header_args *x = a;
    return header_once(x->path, x->data, x->length, x->out, own);
}
int visage_vips_header(const char *path, const void *data, size_t length, visage_image_header *out, char **error) {
    header_args args = {path, data, length, out};
    return run(header_call, &args, error);
}

typedef struct { const char *path; const void *data; size_t length; int max_side, autorotate; visage_rgb_pixels *out; } decode_args;
static int decode_call(void *a, const char **own) {
    decode_args *x = a;
    return decode_once(x->path, x->data, x->length, x->max_side, x->autorotate, x->out, own);
}
int visage_vips_decode(const char *path, const void *data, size_t length, int max_side, int autorotate,
                       visage_rgb_pixels *out, char **error) {
    decode_args args = {path, data, length, max_side, autorotate, out};
    return run(decode_call, &args, error);
}

typedef struct {
    const uint8_t *pixels; int width, height, stride, bands; const void *icc; size_t icc_length; int max_side;
    visage_rgb_pixels *out;
} memory_args;
static int memory_call(void *a, const char **own) {
    memory_args *x = a;
    return decode_memory_once(x->pixels, x->width, x->height, x->stride, x->bands, x->icc, x->icc_length,
                              x->max_side, x->out, own);
}
int visage_vips_decode_memory(const uint8_t *pixels, int width, int height, int stride, int bands,
                              const void *icc, size_t icc_length, int max_side, visage_rgb_pixels *out,
                              char **error) {
    memory_args args = {pixels, width, height, stride, bands, icc, icc_length, max_side, out};
    return run(memory_call, &args, error);
}

typedef struct { const uint8_t *pixels; int width, height, new_width, new_height; visage_rgb_pixels *out; } resize_args;
static int resize_call(void *a, const char **own) {
    resize_args *x = a;
    return resize_rgb_once(x->pixels, x->width, x->height, x->new_width, x->new_height, x->out, own);
}
int visage_vips_resize_rgb(const uint8_t *pixels, int width, int height, int new_width, int new_height,
                           visage_rgb_pixels *out, char **error) {
    resize_args args = {pixels, width, height, new_width, new_height, out};
    return run(resize_call, &args, error);
}

typedef struct { const uint8_t *pixels; int width, height; const char *format; int quality; uint8_t **out; size_t *out_length; } encode_args;
static int encode_call(void *a, const char **own) {
    encode_args *x = a;
    return encode_rgb_once(x->pixels, x->width, x->height, x->format, x->quality, x->out, x->out_length, own);
}
int visage_vips_encode_rgb(const uint8_t *pixels, int width, int height, const char *format, int quality,
                           uint8_t **out, size_t *out_length, char **error) {
    encode_args args = {pixels, width, height, format, quality, out, out_length};
    return run(encode_call, &args, error);
}

typedef struct { const char *path; const void *data; size_t length; uint8_t **out; size_t *out_length; } xmp_args;
static int xmp_call(void *a, const char **own) {
    xmp_args *x = a;
    return xmp_once(x->path, x->data, x->length, x->out, x->out_length, own);
}
int visage_vips_xmp(const char *path, const void *data, size_t length, uint8_t **out, size_t *out_length, char **error) {
    xmp_args args = {path, data, length, out, out_length};
    return run(xmp_call, &args, error);
}

typedef struct { const char *utf8; int pixel_height; uint8_t **out; int *width, *height; } text_args;
static int text_call(void *a, const char **own) {
    text_args *x = a;
    return render_text_once(x->utf8, x->pixel_height, x->out, x->width, x->height, own);
}
int visage_vips_render_text(const char *utf8, int pixel_height, uint8_t **out, int *width, int *height, char **error) {
    text_args args = {utf8, pixel_height, out, width, height};
    return run(text_call, &args, error);
}

const char *visage_vips_version(void) { return vips_version_string(); }

void visage_vips_free(void *pointer) { g_free(pointer); }
