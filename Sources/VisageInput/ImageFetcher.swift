import AsyncHTTPClient
import Foundation
import VisageCore
import VisageImaging
import VisageVideo

/// Turns any `ImageInput` into bytes the decoder may open, with one `InputPolicy` for all of
/// them. Create one per process (it owns a connection pool) and call `shutdown()` before it goes
/// away: AsyncHTTPClient traps in debug builds when a client is released still running.
public final class ImageFetcher: Sendable {
    public let policy: InputPolicy
    let gate: AddressGate
    let client: HTTPClient
    /// Test seam: false skips the pre-connection address check so a test can show the socket
    /// check stops a connection on its own. Always true outside tests.
    let checksResolvedAddresses: Bool

    public convenience init(policy: InputPolicy = InputPolicy()) {
        self.init(policy: policy, checksResolvedAddresses: true)
    }

    init(policy: InputPolicy, checksResolvedAddresses: Bool) {
        self.policy = policy
        self.checksResolvedAddresses = checksResolvedAddresses
        let gate = AddressGate(policy: policy)
        self.gate = gate

        let timeout = policy.effectiveTimeout
        var configuration = HTTPClient.Configuration(
            // Redirects are followed by `download` so every hop passes the same checks.
            redirectConfiguration: .disallow,
            timeout: .init(
                connect: .milliseconds(Int64(min(timeout, 10) * 1000)),
                read: .milliseconds(Int64(timeout * 1000))),
            // No gzip/deflate: a small compressed body must not inflate past the byte cap.
            decompression: .disabled)
        // Fail at once when a host refuses the connection (or the gate refuses it) instead of
        // retrying with backoff until the connect timeout: a wrong URL should not stall a batch.
        configuration.connectionPool.retryConnectionEstablishment = false
        // The socket check (see AddressGate): runs once the connection is up and before any
        // request is written on it; failing it fails the request.
        configuration.http1_1ConnectionDebugInitializer = { channel in
            if let remote = channel.remoteAddress, let text = remote.ipAddress, let address = IPAddress(text),
                let port = remote.port, gate.permitsConnection(to: address, port: port)
            {
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            let reached = channel.remoteAddress.flatMap { address in address.ipAddress.map { "\($0) port \(address.port ?? 0)" } }
            return channel.eventLoop.makeFailedFuture(
                VisageError(
                    .urlNotAllowed,
                    "the connection reached \(reached ?? "an unknown address"), a non-public address; "
                        + "refused before sending the request (the host's DNS answer changed after it was checked?)"))
        }
        configuration.http2ConnectionDebugInitializer = configuration.http1_1ConnectionDebugInitializer
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Closes pooled connections. Call once, before the fetcher is released.
    public func shutdown() async throws {
        try await client.shutdown()
    }

    /// Checks `input` against the policy and returns its bytes (or its confined real path) with
    /// the format found from its content. Nothing is decoded yet.
    ///
    /// `acceptVideo`: a video container (`LoadedImage.videoContainer`) passes the content check
    /// too, for the routes that take images or videos (seed 003's checks); every other route
    /// refuses it as an unsupported image.
    public func load(_ input: ImageInput, acceptVideo: Bool = false) async throws -> LoadedImage {
        switch input {
        case .path(let path):
            return try loadFile(path, acceptVideo: acceptVideo)
        case .url(let string):
            return try await download(string, acceptVideo: acceptVideo)
        case .base64(let text):
            let data = try Base64Input.decode(text, maxBytes: policy.maxBytes)
            return try loaded(data, name: input.displayName, acceptVideo: acceptVideo)
        case .bytes(let data, _):
            guard !data.isEmpty else { throw VisageError(.imageEmpty, "\(input.displayName) is empty") }
            guard data.count <= policy.maxBytes else { throw tooLarge(input.displayName, data.count) }
            return try loaded(data, name: input.displayName, acceptVideo: acceptVideo)
        }
    }

    /// Loads `input` and decodes it upright, reduced so neither side exceeds `maxSide`.
    /// Decoding is CPU-bound and runs on the calling task; servers bound how many run at once.
    public func decode(_ input: ImageInput, decoder: ImageDecoder, maxSide: Int? = nil) async throws -> DecodedImage {
        try decode(try await load(input), decoder: decoder, maxSide: maxSide)
    }

    /// Decodes what `load` returned. libvips picks its loader from the content too; its choice
    /// must also be an allowed format, so a file that sniffs as one format but parses as another
    /// cannot reach a loader the policy excludes.
    public func decode(_ loaded: LoadedImage, decoder: ImageDecoder, maxSide: Int? = nil) throws -> DecodedImage {
        do {
            let header = try decoder.header(loaded.source)
            guard policy.allowedFormats.contains(header.format) else {
                throw VisageError(
                    .imageFormatUnsupported,
                    "\(loaded.displayName) decodes as \(header.format), which is not an accepted format (\(allowedList))")
            }
            return try decoder.decode(loaded.source, maxSide: maxSide)
        } catch let error as VisageError {
            // The decoder names in-memory images "<N bytes>"; say which input it was instead.
            guard case .data(let data) = loaded.content else { throw error }
            throw VisageError(error.errorCode, error.message.replacingOccurrences(of: "<\(data.count) bytes>", with: loaded.displayName))
        }
    }

    // MARK: - Shared checks

    private func loadFile(_ path: String, acceptVideo: Bool) throws -> LoadedImage {
        let real = try PathConfinement.resolve(path, roots: policy.pathRoots)
        let attributes = (try? FileManager.default.attributesOfItem(atPath: real)) ?? [:]
        let type = attributes[.type] as? FileAttributeType
        if type == .typeDirectory { throw VisageError(.imageNotAFile, "\(path) is a directory") }
        // Devices and FIFOs could block or never end; only regular files are images.
        guard type == .typeRegular else { throw VisageError(.imageNotAFile, "\(path) is not a regular file") }
        let size = attributes[.size] as? Int ?? 0
        if size == 0 { throw VisageError(.imageEmpty, "\(path) is empty") }
        if size > policy.maxBytes { throw tooLarge(path, size) }
        guard let handle = FileHandle(forReadingAtPath: real) else {
            throw VisageError(.imageUnreadable, "\(path) cannot be read (permissions)")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: max(FormatSniffer.prefixLength, MediaSniffer.prefixLength))) ?? Data()
        return LoadedImage(content: .file(real), format: try format(of: head, name: path, acceptVideo: acceptVideo), displayName: path)
    }

    func loaded(_ data: Data, name: String, acceptVideo: Bool = false) throws -> LoadedImage {
        LoadedImage(content: .data(data), format: try format(of: data, name: name, acceptVideo: acceptVideo), displayName: name)
    }

    /// The content check: the format from the first bytes, which must be an allowed one.
    func format(of head: Data, name: String, acceptVideo: Bool = false) throws -> String {
        if acceptVideo, FormatSniffer.format(of: head) == nil, let container = MediaSniffer.videoContainer(of: head) {
            return LoadedImage.videoFormatPrefix + container.rawValue
        }
        guard let format = FormatSniffer.format(of: head) else {
            throw VisageError(.imageFormatUnsupported, "\(name) is not an image in a format Visage reads (checked on its content, not its name)")
        }
        guard policy.allowedFormats.contains(format) else {
            throw VisageError(.imageFormatUnsupported, "\(name) is \(format), which is not an accepted format (\(allowedList))")
        }
        return format
    }

    func tooLarge(_ name: String, _ size: Int) -> VisageError {
        VisageError(.imageTooLarge, "\(name) is \(size) bytes, over the limit of \(policy.maxBytes) bytes (VISAGE_MAX_IMAGE_BYTES)")
    }

    private var allowedList: String { "accepted: " + policy.allowedFormats.sorted().joined(separator: ", ") }
}
