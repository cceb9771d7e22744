// A small, non-variadic C surface over libvips for Swift. libvips' API takes NULL-terminated
// variadic option lists, which Swift cannot call; each function here fixes the options Visage needs.
// Every function returns 0 on success and -1 on failure, with libvips' error text in *error
// (free it with g_free via visage_vips_free).
#ifndef VISAGE_VIPS_H
#define VISAGE_VIPS_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int width;        // stored (not rotated) width
    int height;
    int orientation;  // EXIF orientation 1..8 (1 when absent)
    int bands;
    int pages;        // number of pages/frames (1 for still images)
    char loader[64];  // libvips loader nickname, e.g. "jpegload", "heifload"
} visage_image_header;

typedef struct {
    uint8_t *pixels;  // RGB, 8 bit, interleaved, row-major; free with visage_vips_free
    int width;
    int height;
} visage_rgb_pixels;

int visage_vips_init(int concurrency);

// Header only: no pixels are decoded. `data` NULL means read `path`.
int visage_vips_header(const char *path, const void *data, size_t length,
                       visage_image_header *out, char **error);

// Decode to 8-bit sRGB without alpha (flattened on white), rotated upright by the EXIF
// orientation when `autorotate` is set, and reduced so neither side exceeds `max_side`
// (0 = full size). JPEG/WebP/HEIF shrink while decoding, so huge photos stay cheap.
// `fail_on_truncated` turns truncated or corrupt data into an error instead of a grey tail.
int visage_vips_decode(const char *path, const void *data, size_t length, int max_side,
                       int autorotate, visage_rgb_pixels *out, char **error);

// The same post-processing as visage_vips_decode for pixels another decoder produced (the HEIF
// fallback): interleaved 8-bit RGB (bands 3) or RGBA (bands 4), `height` rows of `stride`
// bytes, already upright, with the image's raw ICC profile (NULL when it has none) attached as a
// loader would attach it. Reduced to `max_side`, colour-converted and flattened as above.
int visage_vips_decode_memory(const uint8_t *pixels, int width, int height, int stride, int bands,
                              const void *icc, size_t icc_length, int max_side,
                              visage_rgb_pixels *out, char **error);

// Resize RGB pixels with an anti-aliasing kernel (used for detector inputs).
int visage_vips_resize_rgb(const uint8_t *pixels, int width, int height, int new_width,
                           int new_height, visage_rgb_pixels *out, char **error);

// Encode RGB pixels. format: "jpeg" or "png". quality: JPEG quality 1..100.
int visage_vips_encode_rgb(const uint8_t *pixels, int width, int height, const char *format,
                           int quality, uint8_t **out, size_t *out_length, char **error);

// The image's XMP packet (libvips metadata field "xmp-data": JPEG APP1, PNG iTXt, WebP, HEIF,
// TIFF), copied into *out (free with visage_vips_free). Only the header is read. Returns 0 with
// *out NULL and *out_length 0 when the image has no XMP.
int visage_vips_xmp(const char *path, const void *data, size_t length, uint8_t **out,
                    size_t *out_length, char **error);

// Renders one line of UTF-8 text (plain text, not Pango markup: it is escaped here) in
// "DejaVu Sans" with an em size of `pixel_height` pixels, as an 8-bit coverage mask
// (0 = background, 255 = ink; antialiased), `*width` x `*height`, row-major, in *out (free with
// visage_vips_free). Fails when libvips has no text support or no usable font.
int visage_vips_render_text(const char *utf8, int pixel_height, uint8_t **out, int *width,
                            int *height, char **error);

// libvips' version, e.g. "8.14.1".
const char *visage_vips_version(void);

void visage_vips_free(void *pointer);

#endif
