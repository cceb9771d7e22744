import Foundation

/// The tiny ONNX models of scripts/make_tiny_models.py, generated once per test process into
/// .build/tiny-models. Python's `onnx` comes from .deps/onnx-py (scripts/install_onnx_py.sh, which
/// scripts/setup.sh runs; it is run here too when the folder is missing).
enum TinyModels {
    struct Generated {
        /// The Immich-layout CLIP folder with a batch of one, as Immich exports it (and CLIP's
        /// gzip vocabulary in textual/).
        let clip: URL
        /// The same models with a dynamic batch dimension (and Hugging Face's tokenizer.json
        /// instead of the gzip vocabulary).
        let clipDynamicBatch: URL
        /// DINOv2 as Hugging Face's Dinov2Model exports it: `model.onnx`, `preprocessor_config.json`.
        let dinov2: URL
        /// An image captioner in Xenova/vit-gpt2-image-captioning's layout that spells the image's
        /// dominant colour ("a red square"), and one on which greedy and beam search disagree.
        let captioner: URL
        let captionerBeam: URL
    }

    /// The generated folders, or why they could not be made.
    static let generated: Result<Generated, GenerationError> = {
        let root = CLI.repositoryRoot
        let packages = root.appendingPathComponent(".deps/onnx-py")
        if !FileManager.default.fileExists(atPath: packages.appendingPathComponent("onnx").path) {
            let install = shell(["bash", root.appendingPathComponent("scripts/install_onnx_py.sh").path], pythonPath: nil)
            guard install.status == 0 else {
                return .failure(GenerationError(message: "Python onnx could not be installed into .deps/onnx-py: \(install.output)"))
            }
        }
        // Made afresh once per test process, in .build so that runs do not pile up copies.
        let out = root.appendingPathComponent(".build/tiny-models")
        try? FileManager.default.removeItem(at: out)
        let vocabulary = CLI.shared.appendingPathComponent("models/clip/bpe_simple_vocab_16e6.txt.gz").path
        let script = root.appendingPathComponent("scripts/make_tiny_models.py").path
        for (folder, extra) in [("fixed", ["--tokenizer", "gz"]), ("dynamic", ["--dynamic-batch", "--tokenizer", "json"])] {
            let result = shell(
                ["python3", script, out.appendingPathComponent(folder).path, "--vocab", vocabulary] + extra, pythonPath: packages.path)
            guard result.status == 0 else {
                return .failure(GenerationError(message: "scripts/make_tiny_models.py failed: \(result.output)"))
            }
        }
        return .success(
            Generated(
                clip: out.appendingPathComponent("fixed/clip"), clipDynamicBatch: out.appendingPathComponent("dynamic/clip"),
                dinov2: out.appendingPathComponent("fixed/dinov2"), captioner: out.appendingPathComponent("fixed/captioner"),
                captionerBeam: out.appendingPathComponent("fixed/captioner-beam")))
    }()

    static var available: Bool {
        if case .success = generated { return true }
        return false
    }

    struct GenerationError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    private static func shell(_ arguments: [String], pythonPath: String?) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        if let pythonPath { environment["PYTHONPATH"] = pythonPath }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (-1, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
