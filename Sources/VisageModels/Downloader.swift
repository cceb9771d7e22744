import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Why a download did not produce a file, in words fit for an error message.
struct DownloadFailure: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}

/// Streams one URL to a file on disk (never whole in memory), reporting bytes as they arrive.
/// `file:` URLs are copied, which lets tests and air-gapped users point the manifest at local zips.
enum Downloader {
    typealias Progress = @Sendable (_ received: Int64, _ expected: Int64?) -> Void

    /// Downloads `url` into `destination`, which must not exist yet. `timeout` bounds how long the
    /// connection may stay idle (connecting included), not the whole transfer.
    static func download(
        _ url: URL, to destination: URL, timeout: TimeInterval,
        progress: Progress?
    ) async throws {
        if url.isFileURL {
            do {
                _ = try copyHashing(from: url, to: destination) { progress?($0, nil) }
                return
            } catch {
                try? FileManager.default.removeItem(at: destination)
                throw DownloadFailure(reason: "cannot read \(url.path): \(error.localizedDescription)")
            }
        }

        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = 6 * 60 * 60
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let delegate = DownloadDelegate(destination: destination, progress: progress)
        let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }

        var request = URLRequest(url: url)
        request.setValue("visage-model-fetch", forHTTPHeaderField: "User-Agent")
        let task = session.downloadTask(with: request)
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
                delegate.start(task, continuation: continuation)
            }
        } onCancel: {
            task.cancel()
        }
    }
}

/// Bridges URLSession's delegate callbacks to one continuation. Callbacks arrive on the session's
/// serial delegate queue; the lock guards the state against the starting thread.
private final class DownloadDelegate: NSObject, URLSessionDownloadDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private let destination: URL
    private let progress: Downloader.Progress?
    private var continuation: CheckedContinuation<Void, Error>?
    private var failure: String?
    private var saved = false

    init(destination: URL, progress: Downloader.Progress?) {
        self.destination = destination
        self.progress = progress
    }

    func start(_ task: URLSessionDownloadTask, continuation: CheckedContinuation<Void, Error>) {
        lock.withLock { self.continuation = continuation }
        task.resume()
    }

    func urlSession(
        _ session: URLSession, downloadTask: URLSessionDownloadTask,
        didWriteData bytesWritten: Int64, totalBytesWritten: Int64,
        totalBytesExpectedToWrite: Int64
    ) {
        progress?(totalBytesWritten, totalBytesExpectedToWrite > 0 ? totalBytesExpectedToWrite : nil)
    }

    func urlSession(
        _ session: URLSession, downloadTask: URLSessionDownloadTask,
        didFinishDownloadingTo location: URL
    ) {
        // The temporary file is deleted when this method returns: move it now.
        if let http = downloadTask.response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
            lock.withLock { failure = "the server answered HTTP \(http.statusCode)" }
            return
        }
        do {
            do {
                try FileManager.default.moveItem(at: location, to: destination)
            } catch {
                // Different file systems: copy instead.
                try? FileManager.default.removeItem(at: destination)
                _ = try copyHashing(from: location, to: destination)
            }
            lock.withLock { saved = true }
        } catch {
            try? FileManager.default.removeItem(at: destination)
            lock.withLock { failure = "cannot save the download to \(destination.path): \(error.localizedDescription)" }
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        let (continuation, failure, saved): (CheckedContinuation<Void, Error>?, String?, Bool) = lock.withLock {
            let state = (self.continuation, self.failure, self.saved)
            self.continuation = nil
            return state
        }
        guard let continuation else { return }
        if let error {
            if let urlError = error as? URLError, urlError.code == .cancelled {
                continuation.resume(throwing: CancellationError())
            } else {
                continuation.resume(throwing: DownloadFailure(reason: Self.describe(error)))
            }
        } else if let failure {
            continuation.resume(throwing: DownloadFailure(reason: failure))
        } else if !saved {
            continuation.resume(throwing: DownloadFailure(reason: "the transfer ended without data"))
        } else {
            continuation.resume()
        }
    }

    private static func describe(_ error: Error) -> String {
        if let urlError = error as? URLError {
            switch urlError.code {
            case .timedOut: return "the connection timed out"
            case .cannotConnectToHost: return "could not connect to the host"
            case .cannotFindHost, .dnsLookupFailed: return "the host name could not be resolved"
            case .notConnectedToInternet: return "this machine is not connected to the internet"
            default: return urlError.localizedDescription
            }
        }
        return error.localizedDescription
    }
}
