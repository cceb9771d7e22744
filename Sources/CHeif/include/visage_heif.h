// A newer libheif than the system's, loaded with dlopen at run time (no link-time dependency),
// for the HEIF files Debian's libheif refuses. Only the primary image is read, decoded by libheif
// with its default options, which apply the HEIF rotation and mirroring (as libvips' heifload
// does), into interleaved 8-bit RGB or RGBA.
//
// Every function that can fail returns 0 on success and -1 on failure, with a message in
// error[0 ..< error_size].
#ifndef VISAGE_HEIF_H
#define VISAGE_HEIF_H

#include <stddef.h>
#include <stdint.h>

// The loaded library: opaque, loaded once per process and never unloaded.
typedef struct visage_heif_library visage_heif_library;

typedef struct {
    int width;   // as displayed: after libheif's rotation and mirroring
    int height;
    int has_alpha;
    int pages;   // top-level images in the file
} visage_heif_header;

typedef struct {
    const uint8_t *pixels;  // `height` rows of `stride` bytes, `bands` bytes per pixel
    int width;
    int height;
    int stride;
    int bands;              // 3 (RGB) or 4 (RGBA)
    uint8_t *icc;           // the raw ICC profile or NULL; freed by visage_heif_release
    size_t icc_length;
    void *image;            // libheif's decoded image, owner of `pixels`
} visage_heif_pixels;

// Loads libheif from `path`. Libraries it needs that the system loader can't find are loaded
// from the same folder, as an $ORIGIN run path would (the PyPI wheel's copy has none).
visage_heif_library *visage_heif_open(const char *path, char *error, size_t error_size);

// libheif's version, e.g. "1.20.2".
const char *visage_heif_version(const visage_heif_library *library);

int visage_heif_header_of(const visage_heif_library *library, const void *data, size_t length,
                          visage_heif_header *out, char *error, size_t error_size);

int visage_heif_decode(const visage_heif_library *library, const void *data, size_t length,
                       visage_heif_pixels *out, char *error, size_t error_size);

void visage_heif_release(const visage_heif_library *library, visage_heif_pixels *pixels);

#endif
