import AsyncHTTPClient
import Foundation
import VisageCore
import VisageVideo

extension ImageFetcher {
    /// Fetches an http(s) URL under one deadline for the whole exchange. AsyncHTTPClient's own
    /// deadline stops at the response head and its read timeout restarts with every byte, so
    /// neither stops a server that drips a byte at a time; racing the download against a timer
    /// does, and cancelling the download closes the connection.
    func download(_ string: String, acceptVideo: Bool = false) async throws -> LoadedImage {
        let first = try URLRules.target(string)
        guard policy.allowURLs else {
            throw VisageError(.urlNotAllowed, "\(first.displayName) is refused: this server does not fetch URLs (VISAGE_ALLOW_URLS is off)")
        }
        let seconds = policy.effectiveTimeout
        return try await withThrowingTaskGroup(of: LoadedImage?.self) { group in
            let endsAt = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
            group.addTask { try await self.follow(first, endsAt: endsAt, acceptVideo: acceptVideo) }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
                return nil
            }
            defer { group.cancelAll() }
            guard let result = try await group.next(), let image = result else {
                throw VisageError(
                    .urlTimeout, "\(first.displayName) did not finish downloading within \(Self.format(seconds)) s (VISAGE_DOWNLOAD_TIMEOUT)")
            }
            return image
        }
    }

    /// Requests `target`, following up to `maxRedirects` redirects by hand, each hop checked by
    /// the address gate before anything is sent to it.
    private func follow(_ first: URLTarget, endsAt: ContinuousClock.Instant, acceptVideo: Bool) async throws -> LoadedImage {
        var target = first
        var redirects = 0
        while true {
            if checksResolvedAddresses { try await gate.check(target) }
            var request = HTTPClientRequest(url: target.url.absoluteString)
            request.method = .GET
            request.headers.add(name: "User-Agent", value: "Visage image fetcher")
            request.headers.add(name: "Accept", value: "image/*")
            let response: HTTPClientResponse
            do {
                // Also bounds the wait for the response head inside AsyncHTTPClient.
                let left = (endsAt - ContinuousClock.now).components
                let milliseconds = max(1, left.seconds * 1000 + left.attoseconds / 1_000_000_000_000_000)
                response = try await client.execute(request, timeout: .milliseconds(milliseconds))
            } catch {
                throw Self.downloadError(error, target: target, duringBody: false)
            }
            let status = Int(response.status.code)
            if [301, 302, 303, 307, 308].contains(status) {
                guard let location = response.headers.first(name: "location"),
                    let next = URLRules.redirectTarget(location, from: target.url)
                else {
                    throw VisageError(.urlHttpError, "\(target.displayName) answered HTTP \(status) without a usable Location header")
                }
                guard redirects < policy.maxRedirects else {
                    throw VisageError(
                        .urlTooManyRedirects,
                        "\(first.displayName) redirected more than \(policy.maxRedirects) times (VISAGE_MAX_REDIRECTS)")
                }
                redirects += 1
                // The redirect response's body is dropped unread, which closes its connection.
                target = try URLRules.target(next)
                continue
            }
            guard (200..<300).contains(status) else {
                throw VisageError(.urlHttpError, "\(target.displayName) answered HTTP \(status) \(response.status.reasonPhrase)")
            }
            return try await readBody(response, target: target, acceptVideo: acceptVideo)
        }
    }

    /// Reads the body up to `maxBytes`, stopping (and closing the connection) as soon as it is
    /// over, and as soon as the first bytes show it is not an accepted image.
    private func readBody(_ response: HTTPClientResponse, target: URLTarget, acceptVideo: Bool) async throws -> LoadedImage {
        let name = target.displayName
        if let declared = response.headers.first(name: "content-length").flatMap(Int.init), declared > policy.maxBytes {
            throw VisageError(
                .imageTooLarge, "\(name) is \(declared) bytes (Content-Length), over the limit of \(policy.maxBytes) bytes (VISAGE_MAX_IMAGE_BYTES)")
        }
        var data = Data()
        var sniffed = false
        do {
            for try await chunk in response.body {
                if data.count + chunk.readableBytes > policy.maxBytes {
                    throw VisageError(
                        .imageTooLarge, "\(name) sent more than \(policy.maxBytes) bytes, the limit (VISAGE_MAX_IMAGE_BYTES); download stopped")
                }
                data.append(contentsOf: chunk.readableBytesView)
                if !sniffed && data.count >= max(FormatSniffer.prefixLength, MediaSniffer.prefixLength) {
                    _ = try format(of: data, name: name, acceptVideo: acceptVideo)
                    sniffed = true
                }
            }
        } catch {
            throw Self.downloadError(error, target: target, duringBody: true)
        }
        guard !data.isEmpty else { throw VisageError(.imageEmpty, "\(name) returned an empty body") }
        return try loaded(data, name: name, acceptVideo: acceptVideo)
    }

    /// Maps transport failures to the input error codes; our own errors pass through.
    static func downloadError(_ error: Error, target: URLTarget, duringBody: Bool) -> Error {
        if error is VisageError || error is CancellationError { return error }
        let name = target.displayName, endpoint = "\(target.host):\(target.port)"
        if let client = error as? HTTPClientError {
            if client == .deadlineExceeded || client == .readTimeout {
                return VisageError(.urlTimeout, "\(name) did not answer in time (VISAGE_DOWNLOAD_TIMEOUT)")
            }
            if client == .connectTimeout {
                return VisageError(.urlUnreachable, "could not connect to \(endpoint): timed out")
            }
            if client == .cancelled { return CancellationError() }
        }
        let reason = String(String(describing: error).prefix(300))
        if duringBody {
            return VisageError(.urlUnreachable, "the connection to \(endpoint) failed before \(name) was complete: \(reason)")
        }
        return VisageError(.urlUnreachable, "could not fetch \(name) from \(endpoint): \(reason)")
    }

    static func format(_ seconds: Double) -> String {
        // Only a finite whole number in Int's range may go through Int(_:), which traps otherwise.
        seconds.isFinite && seconds == seconds.rounded() && abs(seconds) < 1e15
            ? String(Int(seconds)) : String(format: "%.2f", seconds)
    }
}
