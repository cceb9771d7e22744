import Foundation
import Testing

/// Runs the real `visage` executable the way a user does, and reads what it prints.
enum CLI {
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let shared: URL = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
    static let testdata: URL = shared.appendingPathComponent("testdata")
    static let mirror: URL = URL(
        fileURLWithPath: ProcessInfo.processInfo.environment["VISAGE_MODEL_MIRROR"]
            ?? shared.appendingPathComponent("models").path)

    /// The executable built next to the test bundle (.build/<config>/visage).
    static let executable: URL = {
        if let explicit = ProcessInfo.processInfo.environment["VISAGE_BIN"] { return URL(fileURLWithPath: explicit) }
        var directory = Bundle.main.bundleURL
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("visage")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return repositoryRoot.appendingPathComponent(".build/debug/visage")
    }()

    /// Models for the whole suite: VISAGE_MODEL_DIR if the runner set one, else a folder under
    /// .build, filled from the mirror once per test process (fetch skips verified files).
    static let modelDirectory: String = {
        let directory =
            ProcessInfo.processInfo.environment["VISAGE_MODEL_DIR"]
            ?? repositoryRoot.appendingPathComponent(".build/test-models").path
        let result = run(["models", "fetch", "lite", "--model-dir", directory], environment: ["VISAGE_MODEL_MIRROR": mirror.path])
        precondition(result.status == 0, "could not install the lite pack for tests: \(result.stderr)")
        return directory
    }()

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String

        /// stdout parsed as one JSON object per line.
        var jsonLines: [[String: Any]] {
            stdout.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }
    }

    /// `run` on a thread of its own, for async tests: waiting for a child process must not hold
    /// one of the cooperative pool's threads (two on a 2-core CI machine), which the loopback
    /// servers of other suites running at the same time need.
    static func running(_ arguments: [String], environment: [String: String] = [:]) async -> Result {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: run(arguments, environment: environment)) }
        }
    }

    /// Runs `visage` (or `program`) with `arguments` and collects its output.
    static func run(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 600, program: URL? = nil) -> Result {
        let process = Process()
        let executable = program ?? executable
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch {
            return Result(status: -1, stdout: "", stderr: "could not start \(executable.path): \(error)")
        }
        // Read both pipes while the process runs so a full pipe buffer cannot stall it.
        nonisolated(unsafe) var outData = Data(), errData = Data()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { outData = output.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData = errors.fileHandleForReading.readDataToEndOfFile() }
        let deadline = DispatchTime.now() + timeout
        if group.wait(timeout: deadline) == .timedOut {
            process.terminate()
            group.wait()
            return Result(status: -2, stdout: String(decoding: outData, as: UTF8.self), stderr: "timed out after \(timeout)s")
        }
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// `visage analyze --json` with the lite pack over `paths`.
    static func analyze(_ paths: [String], extra: [String] = []) -> Result {
        run(["analyze", "--json", "--pack", "lite", "--model-dir", modelDirectory] + extra + paths)
    }
}

/// Reading the JSON the CLI prints.
struct FaceRecord {
    let box: [Double]
    let confidence: Double
    let landmarks: [String: [Double]]
    let pose: [String: Double]
    let embedding: [Float]

    init?(_ json: Any) {
        guard let object = json as? [String: Any], let box = object["bbox"] as? [Double] else { return nil }
        self.box = box
        confidence = object["confidence"] as? Double ?? 0
        landmarks = object["landmarks"] as? [String: [Double]] ?? [:]
        pose = object["pose"] as? [String: Double] ?? [:]
        embedding = (object["embedding"] as? [Double])?.map(Float.init) ?? []
    }

    var area: Double { box[2] * box[3] }
    var center: (Double, Double) { (box[0] + box[2] / 2, box[1] + box[3] / 2) }

    static func faces(_ line: [String: Any]) -> [FaceRecord] {
        (line["faces"] as? [Any] ?? []).compactMap(FaceRecord.init)
    }
}

func cosine(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
}
