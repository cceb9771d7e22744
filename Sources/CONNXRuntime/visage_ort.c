// The only code in CONNXRuntime: everything else is the header include/visage_ort.h, whose slot
// static asserts are also compiled here as plain C. ONNX Runtime itself is loaded with dlopen at
// run time; nothing here links against it.
#define _GNU_SOURCE // for dladdr
#include <dlfcn.h>

#include "visage_ort.h"

const char *visage_ort_file_of_symbol(const void *symbol) {
    Dl_info info;
    if (dladdr(symbol, &info) == 0) return NULL;
    return info.dli_fname;
}
