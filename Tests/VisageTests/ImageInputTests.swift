import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Testing
import VisageCore
import VisageImaging

@testable import VisageInput

/// Image input end to end: a real Hummingbird server on 127.0.0.1 serves the URLs, real files
/// and folders on disk back the paths, and libvips decodes what arrives. Nothing is mocked.
@Suite struct ImageInputTests {
    static let jpegURL = CLI.testdata.appendingPathComponent("faces_group/deepface_selfie-many-people.jpg")
    static let pngURL = CLI.testdata.appendingPathComponent("formats/png/immich_density_plot.png")
    static let jpeg: Data = try! Data(contentsOf: jpegURL)

    // MARK: - URLs

    @Test func allowListedHostDownloadsAndDecodes() async throws {
        try await Self.withImageServer { port, server in
            try await Self.withFetcher(InputPolicy(allowedHosts: ["127.0.0.1:\(port)"])) { fetcher in
                let loaded = try await fetcher.load(.url("http://127.0.0.1:\(port)/photo.jpg"))
                #expect(loaded.format == "jpeg")
                #expect(loaded.byteCount == Self.jpeg.count)
                let decoded = try await fetcher.decode(.url("http://127.0.0.1:\(port)/photo.jpg"), decoder: ImageDecoder(), maxSide: 320)
                #expect(decoded.header.width == 600 && decoded.header.height == 604)
                #expect(max(decoded.image.width, decoded.image.height) == 320)
                #expect(server.count("photo") == 2)
            }
        }
    }

    @Test func loopbackAndMetadataAreRefusedByDefaultWithoutConnecting() async throws {
        try await Self.withImageServer { port, server in
            try await Self.withFetcher(InputPolicy()) { fetcher in
                for url in [
                    "http://127.0.0.1:\(port)/photo.jpg",
                    "http://[::ffff:127.0.0.1]:\(port)/photo.jpg",  // IPv4-mapped IPv6
                    "http://2130706433:\(port)/photo.jpg",  // 127.0.0.1 as one number
                    "http://0.0.0.0:\(port)/photo.jpg",
                    "http://[::1]:\(port)/photo.jpg",
                    "http://169.254.169.254/latest/meta-data/",
                    "http://10.0.0.8/photo.jpg", "http://192.168.1.1/photo.jpg", "http://100.64.0.1/photo.jpg",
                ] {
                    let error = await Self.error { try await fetcher.load(.url(url)) }
                    #expect(error?.code == "url_not_allowed", "\(url): \(String(describing: error))")
                }
                #expect(server.count("photo") == 0)
            }
            // Opening private networks opens loopback, but never the metadata service.
            try await Self.withFetcher(InputPolicy(allowPrivateNetworks: true)) { fetcher in
                let loaded1 = try await fetcher.load(.url("http://127.0.0.1:\(port)/photo.jpg"))
                #expect(loaded1.format == "jpeg")
                let error = await Self.error { try await fetcher.load(.url("http://169.254.169.254/latest/meta-data/")) }
                #expect(error?.code == "url_not_allowed")
            }
        }
    }

    @Test func withURLInputOffAURLIsParsedThenRefusedBeforeAnyLookup() async throws {
        try await Self.withImageServer { port, server in
            try await Self.withFetcher(InputPolicy(allowedHosts: ["127.0.0.1:\(port)"], allowURLs: false)) { fetcher in
                let refused = await Self.error { try await fetcher.load(.url("http://127.0.0.1:\(port)/photo.jpg")) }
                #expect(refused?.code == "url_not_allowed", "\(String(describing: refused))")
                #expect(refused?.message.contains("VISAGE_ALLOW_URLS") == true)
                let malformed = await Self.error { try await fetcher.load(.url("ftp://example.com/a.jpg")) }
                #expect(malformed?.code == "url_scheme_not_allowed")
                #expect(server.count("photo") == 0)
            }
        }
        #expect(try InputPolicy.fromEnvironment(["VISAGE_ALLOW_URLS": "0"]).allowURLs == false)
        #expect(try InputPolicy.fromEnvironment([:]).allowURLs)
    }

    @Test func theSocketCheckAloneStopsAConnectionToLoopback() async throws {
        // With the DNS-time check switched off (what a DNS-rebinding host would slip past), the
        // check on the connected socket still refuses before the request is written.
        try await Self.withImageServer { port, server in
            try await Self.withFetcher(InputPolicy(), checksResolvedAddresses: false) { fetcher in
                let error = await Self.error { try await fetcher.load(.url("http://127.0.0.1:\(port)/photo.jpg")) }
                #expect(error?.code == "url_not_allowed", "\(String(describing: error))")
                #expect(error?.message.contains("refused before sending the request") == true)
                #expect(server.count("photo") == 0)
            }
        }
    }

    @Test func redirectsAreCheckedAtEveryHop() async throws {
        try await Self.withImageServer { port, server in
            try await Self.withFetcher(InputPolicy(allowedHosts: ["127.0.0.1:\(port)"])) { fetcher in
                // The first host is allow-listed; the targets are not.
                for path in ["to-private", "to-metadata", "to-other-loopback"] {
                    let error = await Self.error { try await fetcher.load(.url("http://127.0.0.1:\(port)/\(path)")) }
                    #expect(error?.code == "url_not_allowed", "\(path): \(String(describing: error))")
                }
                #expect(server.count("photo") == 0)
                // A relative redirect back to the allowed host is followed.
                let loaded2 = try await fetcher.load(.url("http://127.0.0.1:\(port)/to-self"))
                #expect(loaded2.format == "jpeg")
                #expect(server.count("photo") == 1)
            }
        }
    }

    @Test func redirectsAreBounded() async throws {
        try await Self.withImageServer { port, _ in
            // A download deadline far above the default: the test is about hops, and on a loaded
            // 2-core machine the loopback server has answered four hops in over 30 s.
            try await Self.withFetcher(InputPolicy(downloadTimeout: 300, maxRedirects: 3, allowedHosts: ["127.0.0.1:\(port)"])) { fetcher in
                // hop/2 -> hop/1 -> hop/0 -> photo.jpg: three redirects, the limit.
                let loaded3 = try await fetcher.load(.url("http://127.0.0.1:\(port)/hop/2"))
                #expect(loaded3.format == "jpeg")
                let error = await Self.error { try await fetcher.load(.url("http://127.0.0.1:\(port)/hop/3")) }
                #expect(error?.code == "url_too_many_redirects")
            }
            try await Self.withFetcher(InputPolicy(downloadTimeout: 300, maxRedirects: 0, allowedHosts: ["127.0.0.1:\(port)"])) { fetcher in
                let error = await Self.error { try await fetcher.load(.url("http://127.0.0.1:\(port)/to-self")) }
                #expect(error?.code == "url_too_many_redirects")
            }
        }
    }

    @Test func bodiesOverTheByteLimitAreCutOff() async throws {
        try await Self.withImageServer { port, server in
            let policy = InputPolicy(maxBytes: 1 << 20, allowedHosts: ["127.0.0.1:\(port)"])
            try await Self.withFetcher(policy) { fetcher in
                // Streamed without a length: refused once the 1 MiB limit is passed.
                let error = await Self.error { try await fetcher.load(.url("http://127.0.0.1:\(port)/huge")) }
                #expect(error?.code == "image_too_large")
                // Announced as 2 GiB: refused on the header, before the body.
                let declared = await Self.error { try await fetcher.load(.url("http://127.0.0.1:\(port)/huge-declared")) }
                #expect(declared?.code == "image_too_large")
                #expect(declared?.message.contains("Content-Length") == true)
            }
            // The client closed the connection: the server's next write failed and its handler
            // ended (a client that kept reading, or left the socket open, would keep it writing or
            // blocked). What it managed to write is the loopback socket buffers (tens of MiB with
            // Linux autotuning) plus whatever it sent before the client got round to closing, which
            // on a loaded machine has reached 180 MiB: far short of the 1 GiB it had to send.
            let finished = await server.waitForStreamsToEnd(timeout: .seconds(10))
            #expect(finished)
            #expect(server.bytesStreamed("huge") < 512 << 20, "server wrote \(server.bytesStreamed("huge")) bytes")
        }
    }

    @Test func aSlowDripIsCutOffByTheOverallDeadline() async throws {
        try await Self.withImageServer { port, _ in
            // The drip sends a byte every 200 ms, so no single read ever waits 1 s: only a
            // deadline on the whole download stops it.
            let policy = InputPolicy(downloadTimeout: 1, allowedHosts: ["127.0.0.1:\(port)"])
            try await Self.withFetcher(policy) { fetcher in
                let start = ContinuousClock.now
                let error = await Self.error { try await fetcher.load(.url("http://127.0.0.1:\(port)/drip")) }
                let elapsed = ContinuousClock.now - start
                #expect(error?.code == "url_timeout", "\(String(describing: error))")
                // Not a timing test: the whole drip takes 60 s, so ending with url_timeout well
                // before that shows the deadline cut it. The bound is generous: a loaded 2-core CI
                // machine once took over 15 s to deliver the 1 s deadline's error.
                #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(45), "took \(elapsed)")
            }
        }
    }

    @Test func transportAndHTTPFailuresHaveTheirOwnCodes() async throws {
        try await Self.withImageServer { port, _ in
            try await Self.withFetcher(InputPolicy(allowedHosts: ["127.0.0.1"])) { fetcher in
                // Port 1 (tcpmux) is closed on any test machine: connection refused.
                let refused = await Self.error { try await fetcher.load(.url("http://127.0.0.1:1/photo.jpg")) }
                #expect(refused?.code == "url_unreachable", "\(String(describing: refused))")

                let missing = await Self.error { try await fetcher.load(.url("http://127.0.0.1:\(port)/missing?token=s3cret")) }
                #expect(missing?.code == "url_http_error")
                #expect(missing?.message.contains("404") == true)
                #expect(missing?.message.contains("s3cret") == false, "query strings stay out of messages")

                let text = await Self.error { try await fetcher.load(.url("http://127.0.0.1:\(port)/text")) }
                #expect(text?.code == "image_format_unsupported")

                for (url, code) in [
                    ("file:///etc/passwd", "url_scheme_not_allowed"), ("ftp://127.0.0.1/a.jpg", "url_scheme_not_allowed"),
                    ("http+unix://%2Ftmp%2Fsock/a.jpg", "url_scheme_not_allowed"),
                    ("no scheme here", "url_invalid"), ("http:///photo.jpg", "url_invalid"),
                ] {
                    let error = await Self.error { try await fetcher.load(.url(url)) }
                    #expect(error?.code == code, "\(url): \(String(describing: error))")
                }
            }
        }
    }

    // MARK: - Base64 and uploads

    @Test func base64AndDataURIsDecode() async throws {
        try await Self.withFetcher(InputPolicy()) { fetcher in
            let plain = Self.jpeg.base64EncodedString()
            let wrapped = "data:image/jpeg;base64,\n" + Self.jpeg.base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed])
            let urlSafe = plain.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .trimmingCharacters(in: CharacterSet(charactersIn: "="))
            for text in [plain, wrapped, "  " + urlSafe + "\n"] {
                let decoded = try await fetcher.decode(.base64(text), decoder: ImageDecoder(), maxSide: 320)
                #expect(max(decoded.image.width, decoded.image.height) == 320)
            }
            // A data URI that claims PNG but holds a JPEG: the content decides.
            let loaded4 = try await fetcher.load(.base64("data:image/png;base64," + plain))
            #expect(loaded4.format == "jpeg")
        }
    }

    @Test func badBase64AndUploadsAreRefusedWithTheirCodes() async throws {
        try await Self.withFetcher(InputPolicy(maxBytes: 100_000)) { fetcher in
            let cases: [(ImageInput, String)] = [
                (.base64("this is not base64!"), "invalid_base64"),
                (.base64("QUJD*"), "invalid_base64"),
                (.base64("data:image/jpeg,%FF%D8%FF"), "invalid_base64"),
                (.base64("data:image/jpeg;base64"), "invalid_base64"),
                (.base64(""), "image_empty"),
                (.base64("data:image/jpeg;base64,"), "image_empty"),
                (.base64(Data("plain text, not a picture".utf8).base64EncodedString()), "image_format_unsupported"),
                (.base64(Data(count: 200_000).base64EncodedString()), "image_too_large"),
                (.bytes(Data(), filename: "empty.jpg"), "image_empty"),
                (.bytes(Data(count: 200_000), filename: "big.jpg"), "image_too_large"),
            ]
            for (input, code) in cases {
                let error = await Self.error { try await fetcher.load(input) }
                #expect(error?.code == code, "\(input.displayName): \(String(describing: error))")
            }
            let upload = try await fetcher.load(.bytes(Self.jpeg, filename: "holiday.png"))
            #expect(upload.format == "jpeg")
        }
        // A format outside the allowed set is refused even though it is a real image.
        try await Self.withFetcher(InputPolicy(allowedFormats: ["png"])) { fetcher in
            let error = await Self.error { try await fetcher.load(.bytes(Self.jpeg, filename: "a.jpg")) }
            #expect(error?.code == "image_format_unsupported")
        }
    }

    // MARK: - Paths

    @Test func pathsAreConfinedToTheRoots() async throws {
        try await Self.withFolders { root, outside in
            try await Self.withFetcher(InputPolicy(pathRoots: [root.path])) { fetcher in
                let loaded5 = try await fetcher.load(.path(root.appendingPathComponent("photo.jpg").path))
                #expect(loaded5.format == "jpeg")
                // A symlink that stays inside the root is fine; the real path is what gets opened.
                let inside = try await fetcher.load(.path(root.appendingPathComponent("link-in.jpg").path))
                if case .file(let real) = inside.content { #expect(real.hasSuffix("/root/photo.jpg")) }

                let refused = [
                    outside.appendingPathComponent("secret.jpg").path,
                    root.path + "/../outside/secret.jpg",
                    root.path + "/sub/../../outside/secret.jpg",
                    root.appendingPathComponent("link-out.jpg").path,
                    root.appendingPathComponent("linked-dir/secret.jpg").path,
                    outside.appendingPathComponent("does-not-exist.jpg").path,
                    "/etc/passwd",
                ]
                for path in refused {
                    let error = await Self.error { try await fetcher.load(.path(path)) }
                    #expect(error?.code == "path_not_allowed", "\(path): \(String(describing: error))")
                }
                let missing = await Self.error { try await fetcher.load(.path(root.appendingPathComponent("nope.jpg").path)) }
                #expect(missing?.code == "image_not_found")
                let folder = await Self.error { try await fetcher.load(.path(root.appendingPathComponent("sub").path)) }
                #expect(folder?.code == "image_not_a_file")
            }
            // No roots: any readable path.
            try await Self.withFetcher(InputPolicy()) { fetcher in
                let loaded6 = try await fetcher.load(.path(outside.appendingPathComponent("secret.jpg").path))
                #expect(loaded6.format == "jpeg")
            }
        }
    }

    @Test func filesAreJudgedByContentNotName() async throws {
        try await Self.withFolders { root, _ in
            try await Self.withFetcher(InputPolicy(pathRoots: [root.path])) { fetcher in
                let renamed = root.appendingPathComponent("really-a-png.jpg").path
                let loaded7 = try await fetcher.load(.path(renamed))
                #expect(loaded7.format == "png")
                let decoded = try await fetcher.decode(.path(renamed), decoder: ImageDecoder())
                #expect(decoded.header.format == "png")
                let text = await Self.error { try await fetcher.load(.path(root.appendingPathComponent("notes.jpg").path)) }
                #expect(text?.code == "image_format_unsupported")
                let empty = await Self.error { try await fetcher.load(.path(root.appendingPathComponent("empty.jpg").path)) }
                #expect(empty?.code == "image_empty")
            }
        }
    }

    // MARK: - Rules as data

    @Test func addressScopes() {
        let cases: [(String, IPAddress.Scope)] = [
            ("8.8.8.8", .public), ("2606:4700::1111", .public),
            ("127.0.0.1", .loopback), ("127.255.0.9", .loopback), ("::1", .loopback),
            ("10.1.2.3", .private), ("172.16.0.1", .private), ("172.31.255.255", .private), ("172.32.0.1", .public),
            ("192.168.0.1", .private), ("fd12:3456::1", .private), ("fc00::1", .private),
            ("100.64.0.1", .sharedNAT), ("100.127.255.255", .sharedNAT), ("100.128.0.1", .public),
            ("169.254.1.1", .linkLocal), ("fe80::1", .linkLocal),
            ("169.254.169.254", .metadata), ("fd00:ec2::254", .metadata),
            ("0.0.0.0", .unspecified), ("::", .unspecified),
            ("224.0.0.1", .multicast), ("ff02::1", .multicast), ("255.255.255.255", .reserved),
            ("::ffff:127.0.0.1", .loopback), ("::ffff:169.254.169.254", .metadata), ("::ffff:8.8.8.8", .public),
            ("64:ff9b::a00:1", .private), ("2002:7f00:1::", .loopback),
        ]
        for (text, scope) in cases {
            #expect(IPAddress(text)?.scope == scope, "\(text)")
        }
    }

    @Test func policyFromEnvironment() throws {
        let policy = try InputPolicy.fromEnvironment([
            "VISAGE_INPUT_ROOTS": "/srv/photos:/mnt/nas ",
            "VISAGE_DOWNLOAD_TIMEOUT": "2.5",
            "VISAGE_MAX_REDIRECTS": "0",
            "VISAGE_ALLOW_PRIVATE_URLS": "true",
            "VISAGE_ALLOWED_URL_HOSTS": "minio:9000, [::1]:8080,images.internal",
            "VISAGE_ALLOWED_FORMATS": "jpeg,PNG",
            "VISAGE_MAX_IMAGE_BYTES": "1234",
        ])
        #expect(policy.pathRoots == ["/srv/photos", "/mnt/nas"])
        #expect(policy.downloadTimeout == 2.5)
        #expect(policy.maxRedirects == 0)
        #expect(policy.allowPrivateNetworks)
        #expect(policy.allowedHosts == ["minio:9000", "[::1]:8080", "images.internal"])
        #expect(policy.allowedFormats == ["jpeg", "png"])
        #expect(policy.maxBytes == 1234)
        let defaults = try InputPolicy.fromEnvironment([:])
        #expect(defaults.pathRoots.isEmpty && defaults.downloadTimeout == 30 && defaults.maxRedirects == 3)
        #expect(!defaults.allowPrivateNetworks && defaults.allowedHosts.isEmpty)
        #expect(defaults.allowedFormats == ["jpeg", "png", "webp", "heif", "tiff", "gif"])
        #expect(AddressGate.parseHostEntry("[::1]:8080")! == ("::1", 8080))
        #expect(AddressGate.parseHostEntry("Minio.:9000")! == ("minio", 9000))
        #expect(AddressGate.parseHostEntry("fd00::5")! == ("fd00::5", nil))
    }

    /// A setting that is set but not a value in range stops the start with the variable's name,
    /// instead of falling back to a default or overflowing later.
    @Test func badSettingsAreStartupErrorsNamingTheVariable() throws {
        let bad: [(String, String)] = [
            ("VISAGE_DOWNLOAD_TIMEOUT", "nan"), ("VISAGE_DOWNLOAD_TIMEOUT", "inf"), ("VISAGE_DOWNLOAD_TIMEOUT", "1e20"),
            ("VISAGE_DOWNLOAD_TIMEOUT", "-1"), ("VISAGE_MAX_REDIRECTS", "-1"), ("VISAGE_MAX_REDIRECTS", "3.5"),
            ("VISAGE_MAX_REDIRECTS", "99999999999999999999"), ("VISAGE_ALLOW_PRIVATE_URLS", "maybe"),
            ("VISAGE_MAX_IMAGE_BYTES", "0"), ("VISAGE_MAX_PIXELS", "lots"),
        ]
        for (name, value) in bad {
            let error = #expect(throws: VisageError.self, "\(name)=\(value)") { try InputPolicy.fromEnvironment([name: value]) }
            #expect(error?.code == "invalid_configuration")
            #expect(error?.message.hasPrefix(name) == true, "\(error?.message ?? "")")
        }
        #expect(try InputPolicy.fromEnvironment(["VISAGE_ALLOW_PRIVATE_URLS": "OFF", "VISAGE_MAX_REDIRECTS": " "]).maxRedirects == 3)
    }

    @Test func formatSniffing() throws {
        let formats = CLI.testdata.appendingPathComponent("formats")
        let samples = [
            "heic/IMG_7943.HEIC": "heif", "avif/pitm.avif": "heif", "webp/4.webp": "webp",
            "tiff/G31D.TIF": "tiff", "tiff/pillow_hopper_bigtiff.tif": "tiff", "gif/animated-loop-3.gif": "gif",
            "mislabeled/this-is-a-jpeg.png": "jpeg", "mislabeled/jpeg_named_wrong.heic": "jpeg",
            "png_alpha/with-alpha.png": "png", "jxl/immich_8bit-sRGB.jxl": "jxl",
        ]
        for (file, format) in samples {
            let head = try FileHandle(forReadingFrom: formats.appendingPathComponent(file)).read(upToCount: 16) ?? Data()
            #expect(FormatSniffer.format(of: head) == format, "\(file)")
        }
        #expect(FormatSniffer.format(of: Data("<html>".utf8)) == nil)
        #expect(FormatSniffer.format(of: Data([0xFF, 0xD8])) == nil)
    }
}

// MARK: - Fixtures

extension ImageInputTests {
    /// The code of the `VisageError` `body` throws, or nil if it succeeds.
    static func error<T>(_ body: () async throws -> T) async -> VisageError? {
        do {
            _ = try await body()
            return nil
        } catch let error as VisageError {
            return error
        } catch {
            return VisageError(.internalError, "\(type(of: error)): \(error)")
        }
    }

    static func withFetcher(
        _ policy: InputPolicy, checksResolvedAddresses: Bool = true,
        _ body: (ImageFetcher) async throws -> Void
    ) async throws {
        let fetcher = ImageFetcher(policy: policy, checksResolvedAddresses: checksResolvedAddresses)
        do {
            try await body(fetcher)
        } catch {
            try await fetcher.shutdown()
            throw error
        }
        try await fetcher.shutdown()
    }

    /// root/: photo.jpg, really-a-png.jpg, notes.jpg (text), empty.jpg, sub/, link-in.jpg ->
    /// photo.jpg, link-out.jpg -> ../outside/secret.jpg, linked-dir -> ../outside; outside/secret.jpg.
    static func withFolders(_ body: (URL, URL) async throws -> Void) async throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("visage-input-\(UUID().uuidString)")
        let root = base.appendingPathComponent("root"), outside = base.appendingPathComponent("outside")
        let files = FileManager.default
        defer { try? files.removeItem(at: base) }
        try files.createDirectory(at: root.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try files.createDirectory(at: outside, withIntermediateDirectories: true)
        try jpeg.write(to: root.appendingPathComponent("photo.jpg"))
        try jpeg.write(to: outside.appendingPathComponent("secret.jpg"))
        try Data(contentsOf: pngURL).write(to: root.appendingPathComponent("really-a-png.jpg"))
        try Data("shopping list: milk, eggs\n".utf8).write(to: root.appendingPathComponent("notes.jpg"))
        try Data().write(to: root.appendingPathComponent("empty.jpg"))
        try files.createSymbolicLink(atPath: root.appendingPathComponent("link-in.jpg").path, withDestinationPath: "photo.jpg")
        try files.createSymbolicLink(atPath: root.appendingPathComponent("link-out.jpg").path, withDestinationPath: "../outside/secret.jpg")
        try files.createSymbolicLink(atPath: root.appendingPathComponent("linked-dir").path, withDestinationPath: "../outside")
        try await body(root, outside)
    }

    /// A Hummingbird server on 127.0.0.1 with a free port, for the duration of `body`, then shut
    /// down gracefully.
    static func withImageServer(_ body: (Int, TestImageServer) async throws -> Void) async throws {
        let server = TestImageServer()
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "image-input-test-server")
        logger.logLevel = .warning
        let app = Application(
            router: server.router(jpeg: jpeg),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger)
        let services = ServiceGroup(configuration: .init(services: [app], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                await services.triggerGracefulShutdown()
                throw VisageError(.internalError, "the test server did not start")
            }
            do {
                try await body(port, server)
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }
}

/// The routes the URL tests fetch, and what the server saw of them.
final class TestImageServer: @unchecked Sendable {
    private let lock = NSLock()
    private var hits: [String: Int] = [:]
    private var streamed: [String: Int] = [:]
    private var openStreams = 0

    func count(_ route: String) -> Int { lock.withLock { hits[route, default: 0] } }
    func bytesStreamed(_ route: String) -> Int { lock.withLock { streamed[route, default: 0] } }
    private func hit(_ route: String) { lock.withLock { hits[route, default: 0] += 1 } }
    private func wrote(_ route: String, _ bytes: Int) { lock.withLock { streamed[route, default: 0] += bytes } }
    private func streamOpened() { lock.withLock { openStreams += 1 } }
    private func streamClosed() { lock.withLock { openStreams -= 1 } }

    /// Waits until no streaming handler is still writing.
    func waitForStreamsToEnd(timeout: Duration) async -> Bool {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if lock.withLock({ openStreams }) == 0 { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    func router(jpeg: Data) -> Router<BasicRequestContext> {
        let router = Router()
        let jpegHead = ByteBuffer(bytes: [0xFF, 0xD8, 0xFF, 0xE0])
        @Sendable func redirect(_ location: String) -> Response {
            Response(status: .found, headers: [.location: location])
        }
        router.get("photo.jpg") { _, _ in
            self.hit("photo")
            return Response(status: .ok, headers: [.contentType: "image/jpeg"], body: .init(byteBuffer: ByteBuffer(bytes: jpeg)))
        }
        router.get("to-self") { _, _ in redirect("/photo.jpg") }
        router.get("to-private") { _, _ in redirect("http://10.1.2.3/photo.jpg") }
        router.get("to-metadata") { _, _ in redirect("http://169.254.169.254/latest/meta-data/iam/") }
        router.get("to-other-loopback") { _, _ in redirect("http://127.0.0.2/photo.jpg") }
        router.get("hop/:n") { _, context in
            let n = try context.parameters.require("n", as: Int.self)
            return redirect(n > 0 ? "/hop/\(n - 1)" : "/photo.jpg")
        }
        router.get("missing") { _, _ in Response(status: .notFound) }
        router.get("text") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "image/jpeg"],
                body: .init(byteBuffer: ByteBuffer(string: "<html>an error page served as image/jpeg</html>")))
        }
        // 1 GiB in 64 KiB chunks, no Content-Length.
        router.get("huge") { _, _ in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    self.streamOpened()
                    defer { self.streamClosed() }
                    try await writer.write(jpegHead)
                    let chunk = ByteBuffer(repeating: 0, count: 64 << 10)
                    for _ in 0..<16384 {
                        try await writer.write(chunk)
                        self.wrote("huge", chunk.readableBytes)
                    }
                    try await writer.finish(nil)
                })
        }
        // Claims 2 GiB up front.
        router.get("huge-declared") { _, _ in
            Response(
                status: .ok,
                body: ResponseBody(contentLength: 2 << 30) { writer in
                    self.streamOpened()
                    defer { self.streamClosed() }
                    let chunk = ByteBuffer(repeating: 0, count: 64 << 10)
                    for _ in 0..<4096 { try await writer.write(chunk) }
                    try await writer.finish(nil)
                })
        }
        // One byte every 200 ms for up to 60 s.
        router.get("drip") { _, _ in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    try await writer.write(jpegHead)
                    for _ in 0..<300 {
                        try await Task.sleep(for: .milliseconds(200))
                        try await writer.write(ByteBuffer(bytes: [0]))
                    }
                    try await writer.finish(nil)
                })
        }
        return router
    }
}
