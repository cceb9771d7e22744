#include "visage_vips.h"
#include <vips/vips.h>
#include <string.h>

// libvips' error buffer is one per process. Copy-and-clear in one locked step, so another
// thread's failure can't clear it between our read and our clear. (It can still take our message
// first; the Swift side falls back to a structural check when the message comes back empty.)
static int fail(char **error) {
    char *message = vips_error_buffer_copy();
    if (error) *error = message;
    else g_free(message);
    return -1;
}

static int fail_with(char **error, const char *message) {
    if (error) *error = g_strdup(message);
    vips_error_clear();
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

int visage_vips_header(const char *path, const void *data, size_t length,
                       visage_image_header *out, char **error) {
    const char *loader = data ? vips_foreign_find_load_buffer(data, length)
                              : vips_foreign_find_load(path);
    if (!loader) return fail(error);
    VipsImage *image = open_header(path, data, length);
    if (!image) return fail(error);
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

static int copy_out(VipsImage *image, visage_rgb_pixels *out, char **error) {
    size_t size = 0;
    void *memory = vips_image_write_to_memory(image, &size);
    if (!memory) return fail(error);
    out->pixels = memory;
    out->width = vips_image_get_width(image);
    out->height = vips_image_get_height(image);
    if ((size_t)out->width * out->height * 3 != size) {
        g_free(memory);
        return fail_with(error, "decoded image has an unexpected layout");
    }
    return 0;
}

int visage_vips_decode(const char *path, const void *data, size_t length, int max_side,
                       int autorotate, visage_rgb_pixels *out, char **error) {
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
    if (status) return fail(error);
    VipsImage *rgb = NULL;
    if (to_srgb8(decoded, &rgb)) { g_object_unref(decoded); return fail(error); }
    g_object_unref(decoded);
    status = copy_out(rgb, out, error);
    g_object_unref(rgb);
    return status;
}

int visage_vips_resize_rgb(const uint8_t *pixels, int width, int height, int new_width,
                           int new_height, visage_rgb_pixels *out, char **error) {
    VipsImage *in = vips_image_new_from_memory(pixels, (size_t)width * height * 3, width, height,
                                               3, VIPS_FORMAT_UCHAR);
    if (!in) return fail(error);
    VipsImage *resized = NULL;
    double hscale = (double)new_width / width, vscale = (double)new_height / height;
    if (vips_resize(in, &resized, hscale, "vscale", vscale, NULL)) {
        g_object_unref(in);
        return fail(error);
    }
    g_object_unref(in);
    int status = copy_out(resized, out, error);
    g_object_unref(resized);
    return status;
}

int visage_vips_encode_rgb(const uint8_t *pixels, int width, int height, const char *format,
                           int quality, uint8_t **out, size_t *out_length, char **error) {
    VipsImage *in = vips_image_new_from_memory(pixels, (size_t)width * height * 3, width, height,
                                               3, VIPS_FORMAT_UCHAR);
    if (!in) return fail(error);
    in->Type = VIPS_INTERPRETATION_sRGB;
    void *buffer = NULL;
    size_t length = 0;
    int status;
    if (strcmp(format, "png") == 0)
        status = vips_pngsave_buffer(in, &buffer, &length, NULL);
    else
        status = vips_jpegsave_buffer(in, &buffer, &length, "Q", quality, "strip", TRUE, NULL);
    g_object_unref(in);
    if (status) return fail(error);
    *out = buffer;
    *out_length = length;
    return 0;
}

int visage_vips_xmp(const char *path, const void *data, size_t length, uint8_t **out,
                    size_t *out_length, char **error) {
    *out = NULL;
    *out_length = 0;
    VipsImage *image = open_header(path, data, length);
    if (!image) return fail(error);
    if (vips_image_get_typeof(image, VIPS_META_XMP_NAME)) {
        const void *blob = NULL;
        size_t size = 0;
        if (vips_image_get_blob(image, VIPS_META_XMP_NAME, &blob, &size)) {
            g_object_unref(image);
            return fail(error);
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

int visage_vips_render_text(const char *utf8, int pixel_height, uint8_t **out, int *width,
                            int *height, char **error) {
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
    if (status) return fail(error);
    // The mask is one band of 8-bit coverage, so the memory copy is exactly width * height bytes.
    size_t size = 0;
    void *memory = vips_image_write_to_memory(mask, &size);
    int w = vips_image_get_width(mask), h = vips_image_get_height(mask);
    int bands = vips_image_get_bands(mask);
    g_object_unref(mask);
    if (!memory) return fail(error);
    if (bands != 1 || (size_t)w * h != size) {
        g_free(memory);
        return fail_with(error, "rendered text has an unexpected layout");
    }
    *out = memory;
    *width = w;
    *height = h;
    return 0;
}

const char *visage_vips_version(void) { return vips_version_string(); }

void visage_vips_free(void *pointer) { g_free(pointer); }
