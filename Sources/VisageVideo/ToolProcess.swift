import Foundation
import VisageCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One run of ffmpeg or ffprobe, killed at a deadline. stdout and stderr go to files in the
/// scratch folder rather than pipes: a pipe nobody reads fills at 64 KiB and stalls the child,
/// and files need no reader threads. The child never sees our stdin.
struct ToolProcess {
    let executable: String
    let arguments: [String]
    /// The scratch folder: the working directory (so ffmpeg's outputs are relative names that
    /// need no escaping in a filter graph) and where stdout and stderr are written.
    let directory: URL

    struct Outcome {
        let status: Int32
        let stdout: URL
        /// The start of stderr, enough for a message.
        let stderr: String
    }

    /// Runs to completion, or until `deadline`, when the child is killed (SIGKILL: ffmpeg may
    /// ignore a polite signal while stuck in a decoder) and reaped before `video_timeout` is
    /// thrown, so no process outlives the call and nothing writes to the folder afterwards.
    func run(until deadline: DispatchTime, name: String, timeout: Double) throws -> Outcome {
        let tool = (executable as NSString).lastPathComponent
        let stdoutURL = directory.appendingPathComponent("\(tool).stdout")
        let stderrURL = directory.appendingPathComponent("\(tool).stderr")
        guard FileManager.default.createFile(atPath: stdoutURL.path, contents: nil),
            FileManager.default.createFile(atPath: stderrURL.path, contents: nil),
            let stdoutHandle = FileHandle(forWritingAtPath: stdoutURL.path),
            let stderrHandle = FileHandle(forWritingAtPath: stderrURL.path)
        else { throw VisageError(.internalError, "could not create \(tool)'s output files in \(directory.path)") }
        defer {
            try? stdoutHandle.close()
            try? stderrHandle.close()
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do { try process.run() } catch {
            throw VisageError(.videoToolsUnavailable, "could not start \(executable): \(error)")
        }
        if exited.wait(timeout: deadline) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
            process.waitUntilExit()
            throw VisageError(
                .videoTimeout,
                "\(name) took longer than \(Self.seconds(timeout)) s to sample (\(tool) was stopped; VISAGE_VIDEO_TIMEOUT)")
        }
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: stdoutURL, stderr: Self.start(of: stderrURL))
    }

    /// The first 4 KiB, as text: a broken file can make ffmpeg print an error for every frame.
    private static func start(of file: URL) -> String {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return "" }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: 4096)) ?? Data()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }
}
