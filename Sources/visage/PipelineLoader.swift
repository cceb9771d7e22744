import Foundation
import VisageCore
import VisageFaces
import VisageInference
import VisageModels

/// Options shared by commands that run the face pipeline.
struct PipelineSettings {
    var packName: String?
    var modelDirectory: String?
    var threadsPerSession: Int

    /// Resolves the pack, checks its files are installed and loads its models.
    func loadAnalyzer() throws -> FaceAnalyzer {
        let manifest = try ModelManifest.bundled()
        let pack = try manifest.resolvePack(named: packName)
        let store = modelDirectory.map { ModelStore(directory: URL(fileURLWithPath: $0)) } ?? ModelStore.fromEnvironment()
        _ = try store.requireInstalled(pack)
        let runtime = try OnnxRuntime.load()
        let options = SessionOptions(intraOpThreads: threadsPerSession, device: InferenceDevice.fromEnvironment())
        return try FaceAnalyzer(pack: pack, store: store, runtime: runtime, options: options)
    }
}

/// Prints a VisageError as `error [code]: message` on stderr and exits with `status`.
func exitWithError(_ error: Error, status: Int32 = 1) -> Never {
    let text: String
    if let visage = error as? VisageError {
        text = "error [\(visage.code)]: \(visage.message)\n"
    } else {
        text = "error: \(error)\n"
    }
    FileHandle.standardError.write(Data(text.utf8))
    exit(status)
}
