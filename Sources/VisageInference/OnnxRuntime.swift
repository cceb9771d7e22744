import CONNXRuntime
import Foundation
import VisageCore

/// One loaded ONNX Runtime library with its OrtEnv. Load it with `OnnxRuntime.load()`, which
/// returns the same instance for the same library for the life of the process.
public final class OnnxRuntime: @unchecked Sendable {
    // @unchecked: every stored property is immutable after init, and the ORT objects behind the
    // pointers (env, CPU memory info, API table) are documented thread-safe for concurrent use.

    /// The library's version string, e.g. "1.31.1".
    public let version: String
    /// The file that was loaded.
    public let libraryPath: String
    /// Execution providers compiled into the library, e.g. ["CPUExecutionProvider"].
    public let availableProviders: [String]
    /// CUDA can be tried: the library lists CUDAExecutionProvider and its provider plugin is present.
    public let cudaAvailable: Bool

    /// The function table (our prefix of it). Members are non-null: GetApi returned a table of at
    /// least VISAGE_ORT_API_VERSION, which contains every member we declare.
    let api: OrtApi
    let env: OpaquePointer
    /// Describes plain CPU memory: every input tensor we hand to ORT lives there.
    let cpuMemoryInfo: OpaquePointer

    private static let cache = OrtRuntimeCache()

    /// Loads `libraryPath`, or finds the library (see `OrtLibraryLocator`) when it is nil.
    public static func load(libraryPath: String? = nil) throws -> OnnxRuntime {
        try cache.runtime(libraryPath: libraryPath)
    }

    init(library: OrtLibrary) throws {
        let version = library.apiBase.pointee.GetVersionString().map { String(cString: $0) } ?? "unknown"
        guard let table = library.apiBase.pointee.GetApi(UInt32(VISAGE_ORT_API_VERSION)) else {
            throw VisageError(
                .ortIncompatible,
                "ONNX Runtime \(version) at \(library.path) lacks C API version \(VISAGE_ORT_API_VERSION); "
                    + "Visage needs ONNX Runtime 1.11 or newer")
        }
        let api = table.pointee
        try Self.verifyTableLayout(api, path: library.path)

        var env: OpaquePointer?
        if let status = api.CreateEnv!(ORT_LOGGING_LEVEL_WARNING, "visage", &env) {
            throw Self.startupError(api, status, "creating the ONNX Runtime environment")
        }
        var memoryInfo: OpaquePointer?
        if let status = api.CreateCpuMemoryInfo!(OrtArenaAllocator, OrtMemTypeDefault, &memoryInfo) {
            api.ReleaseEnv!(env)
            throw Self.startupError(api, status, "describing CPU memory")
        }
        let providers: [String]
        do {
            providers = try Self.providers(api)
        } catch {
            api.ReleaseMemoryInfo!(memoryInfo)
            api.ReleaseEnv!(env)
            throw error
        }

        self.api = api
        self.env = env!
        self.cpuMemoryInfo = memoryInfo!
        self.version = version
        self.libraryPath = library.path
        self.availableProviders = providers
        // The CUDA provider is a separate plugin next to libonnxruntime; without it ORT still
        // lists CUDA (in GPU builds) but fails when a session asks for it.
        let plugin = (library.path as NSString).deletingLastPathComponent + "/libonnxruntime_providers_cuda.so"
        self.cudaAvailable = providers.contains("CUDAExecutionProvider") && FileManager.default.fileExists(atPath: plugin)
    }

    deinit {
        api.ReleaseMemoryInfo!(cpuMemoryInfo)
        api.ReleaseEnv!(env)
    }

    /// Round-trips a status through CreateStatus / GetErrorCode / GetErrorMessage / ReleaseStatus
    /// (slots 0, 1, 2 and 93): a table laid out differently from visage_ort.h fails (or crashes)
    /// here, at load, rather than in the middle of inference.
    private static func verifyTableLayout(_ api: OrtApi, path: String) throws {
        let probe = "visage-layout-probe"
        guard let status = api.CreateStatus!(ORT_INVALID_ARGUMENT, probe) else {
            throw VisageError(.ortIncompatible, "\(path): CreateStatus returned nothing")
        }
        let code = api.GetErrorCode!(status)
        let message = api.GetErrorMessage!(status).map { String(cString: $0) }
        api.ReleaseStatus!(status)
        guard code == ORT_INVALID_ARGUMENT, message == probe else {
            throw VisageError(.ortIncompatible, "\(path): the ONNX Runtime function table does not match visage_ort.h")
        }
    }

    private static func providers(_ api: OrtApi) throws -> [String] {
        var names: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        var count: Int32 = 0
        if let status = api.GetAvailableProviders!(&names, &count) {
            throw startupError(api, status, "listing execution providers")
        }
        let result = (0..<Int(count)).compactMap { names?[$0].map { String(cString: $0) } }
        if let status = api.ReleaseAvailableProviders!(names, count) {
            throw startupError(api, status, "releasing the provider list")
        }
        return result
    }

    /// `check` needs an instance; during init we have only the table.
    private static func startupError(_ api: OrtApi, _ status: OpaquePointer, _ context: String) -> VisageError {
        VisageError(.ortError, "\(context): \(consume(status, api))")
    }
}
