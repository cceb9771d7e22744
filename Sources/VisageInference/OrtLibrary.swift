import CONNXRuntime
import Foundation
import VisageCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A dlopen'ed libonnxruntime and its entry point. Never dlclose'd: ONNX Runtime keeps thread
/// pools and static state alive for the life of the process, and unloading it under them crashes.
struct OrtLibrary {
    let handle: UnsafeMutableRawPointer
    let apiBase: UnsafePointer<OrtApiBase>
    /// The real file that was loaded, even when the system loader found it by name.
    let path: String

    /// Opens a file path, or a bare name through the system loader. `tried` is what the locator
    /// already looked at, for the error message.
    static func open(_ pathOrName: String, tried: [String] = []) throws -> OrtLibrary {
        // RTLD_LOCAL: ORT's symbols must not satisfy other libraries' lookups (e.g. a Python
        // onnxruntime in the same process). RTLD_NOW: fail here, not at the first call.
        guard let handle = dlopen(pathOrName, RTLD_NOW | RTLD_LOCAL) else {
            let reason = lastDlError()
            if pathOrName.contains("/") {
                throw VisageError(.ortIncompatible, "could not load ONNX Runtime from \(pathOrName): \(reason)")
            }
            throw notFound(tried: tried + ["\(pathOrName) via the system loader (\(reason))"])
        }
        guard let symbol = dlsym(handle, "OrtGetApiBase") else {
            defer { dlclose(handle) }  // Not ORT, so nothing of it is running yet: safe to unload.
            throw VisageError(
                .ortIncompatible,
                "\(pathOrName) is not ONNX Runtime: it exports no OrtGetApiBase (\(lastDlError()))")
        }
        let getApiBase = unsafeBitCast(symbol, to: VisageOrtGetApiBaseFn.self)
        guard let apiBase = getApiBase() else {
            throw VisageError(.ortIncompatible, "OrtGetApiBase() in \(pathOrName) returned nothing")
        }
        return OrtLibrary(handle: handle, apiBase: apiBase, path: realFile(containing: symbol) ?? pathOrName)
    }

    static func notFound(tried: [String]) -> VisageError {
        VisageError(
            .ortLibraryNotFound,
            "ONNX Runtime library not found. Tried: \(tried.joined(separator: ", ")). "
                + "Run scripts/setup.sh or set VISAGE_ORT_LIB to the path of libonnxruntime.so.")
    }

    /// Canonical path used as the cache key, so two spellings of one file share one runtime.
    static func canonicalPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func realFile(containing symbol: UnsafeMutableRawPointer) -> String? {
        visage_ort_file_of_symbol(symbol).map { canonicalPath(String(cString: $0)) }
    }

    private static func lastDlError() -> String {
        dlerror().map { String(cString: $0) } ?? "unknown dlopen error"
    }
}
