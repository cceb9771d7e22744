// swift-tools-version:6.0
import PackageDescription

// Module map (see docs/ARCHITECTURE.md): domain types at the bottom, adapters for C libraries
// (libvips, libheif, ONNX Runtime) in the middle, the face pipeline above them, the CLI on top.
let package = Package(
    name: "Visage",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "visage", targets: ["visage"]),
        .executable(name: "visage-fuzz", targets: ["visage-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.65.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
    ],
    targets: [
        // Domain: plain value types shared by every module. Imports Foundation only.
        .target(name: "VisageCore"),

        // libvips through a small C shim (libvips' API is variadic, which Swift cannot call).
        .systemLibrary(
            name: "CVipsSystem", path: "Sources/CVipsSystem", pkgConfig: "vips",
            providers: [.apt(["libvips-dev"])]),
        .target(name: "CVips", dependencies: ["CVipsSystem"]),
        // A newer libheif (scripts/setup.sh: .deps/heif), loaded with dlopen at run time, for the
        // HEIF files Debian's libheif refuses through libvips.
        .target(name: "CHeif"),
        .target(name: "VisageImaging", dependencies: ["VisageCore", "CVips", "CHeif"]),

        // ONNX Runtime's C API, loaded at run time with dlopen (no link-time dependency).
        .target(name: "CONNXRuntime"),
        // Inference time per model goes to swift-metrics' facade (a no-op until a backend is
        // bootstrapped, as `visage serve` does with Prometheus).
        .target(
            name: "VisageInference",
            dependencies: ["VisageCore", "CONNXRuntime", .product(name: "Metrics", package: "swift-metrics")]),

        // Model packs: manifest, download, verification.
        .target(
            name: "VisageModels",
            dependencies: [
                "VisageCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            resources: [.copy("Resources/model-packs.json")]),

        // The face pipeline: detection, alignment, embedding, pose, attributes.
        .target(
            name: "VisageFaces",
            dependencies: [
                "VisageCore", "VisageImaging", "VisageInference", "VisageModels",
                .product(name: "Metrics", package: "swift-metrics"),
            ]),

        // Issue 14's models beside the face pipeline: the person detector (NanoDet), CLIP's image and
        // text encoders with our own BPE tokenizer and Immich-layout model folders.
        .target(
            name: "VisageSemantic",
            dependencies: ["VisageCore", "VisageImaging", "VisageInference", "VisageModels"]),

        // Image captioning (issue 14): a ViT encoder and a merged GPT-2 decoder with its key/value
        // cache, our own greedy and beam search, GPT-2's byte-level decoding.
        .target(
            name: "VisageCaptioning",
            dependencies: ["VisageCore", "VisageImaging", "VisageInference", "VisageSemantic"]),
        // Issue 14's collection classifiers without models or storage: feature vectors, our own
        // logistic regression, the held-out split, metrics and the versioning rules.
        .target(name: "VisageClassifiers", dependencies: ["VisageCore"]),

        // Seed 001's task API without HTTP: operations and their targets, prominence, the runner
        // that detects people and faces once per image and reuses them for every task.
        .target(
            name: "VisageTasks",
            dependencies: [
                "VisageCore", "VisageImaging", "VisageInference", "VisageModels", "VisageFaces", "VisageSemantic", "VisageStorage",
                "VisageCaptioning", "VisageClassifiers",
            ]),
        // Seed 000's semantic image search: CLIP embeddings stored per image and model, searched by
        // text or by an example image through the store's vector index.
        .target(name: "VisageImageSearch", dependencies: ["VisageCore", "VisageImaging", "VisageSemantic", "VisageStorage"]),

        // Nearest-neighbour search over embeddings, behind a protocol (exact search today).
        .target(name: "VisageSearch", dependencies: ["VisageCore"]),

        // hnswlib (Debian's libhnswlib-dev, header-only) behind a small extern "C" surface.
        // Optimised in debug builds too: unoptimised, the graph is too slow for the tests.
        .target(
            name: "CHNSW",
            cxxSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))],
            linkerSettings: [.linkedLibrary("stdc++")]),
        // Approximate nearest-neighbour search (HNSW) behind `VectorIndex`, the exact scan kept for
        // small indexes, and indexes saved next to the database (docs/SEARCH.md).
        .target(name: "VisageANN", dependencies: ["VisageCore", "VisageSearch", "CHNSW"]),

        // Grouping faces into people: incremental assignment and constrained density clustering.
        .target(name: "VisageClustering", dependencies: ["VisageCore", "VisageSearch"]),

        // The storage seam: plain values and the protocols every backend implements (no database
        // import), and `FaceLibrary`, which keeps a store and its vector index in step.
        .target(name: "VisageStorage", dependencies: ["VisageCore", "VisageSearch"]),

        // The embedded backend: SQLite through GRDB, with migrations; rows stay private.
        .target(
            name: "VisageSQLite",
            dependencies: ["VisageCore", "VisageSearch", "VisageStorage", .product(name: "GRDB", package: "GRDB.swift")]),

        // The shared backend: PostgreSQL + pgvector through postgres-nio, with versioned migrations;
        // rows stay private, as in VisageSQLite.
        .target(
            name: "VisagePostgres",
            dependencies: [
                "VisageCore", "VisageStorage",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]),

        // `visage migrate`: a SQLite library copied into PostgreSQL (tables in order, checks).
        .target(
            name: "VisageStoreMigration",
            dependencies: ["VisageCore", "VisageStorage", "VisageSQLite", "VisagePostgres"]),

        // API keys: generation, hashing, scopes and the rule that no key mints a wider one.
        .target(
            name: "VisageAccess",
            dependencies: ["VisageCore", "VisageStorage", .product(name: "Crypto", package: "swift-crypto")]),

        // XMP face regions (MWG and Microsoft), mapped through EXIF orientation.
        .target(name: "VisageXMP", dependencies: ["VisageCore", "VisageImaging"]),

        // The recognition service: analysis, storage, people and the user's decisions, tied
        // together for the server and the CLI.
        .target(
            name: "VisageRecognition",
            dependencies: [
                "VisageCore", "VisageImaging", "VisageFaces", "VisageModels", "VisageSearch",
                "VisageClustering", "VisageStorage", "VisageXMP",
            ]),

        // Video: sampled, upright frames with their times, through the ffmpeg/ffprobe command-line
        // tools (no libav bindings: a crash or hang in a decoder stays in a child process).
        .target(name: "VisageVideo", dependencies: ["VisageCore", "VisageImaging"]),

        // Seed 003's reference faces, tolerance matching of images and video frames, face tracks.
        .target(
            name: "VisageReferences",
            dependencies: ["VisageCore", "VisageImaging", "VisageFaces", "VisageStorage", "VisageVideo"]),

        // Seed 003's routing: settings, the crash-safe move journal, routing media to the
        // destination or the review folder.
        .target(
            name: "VisageRouting",
            dependencies: ["VisageCore", "VisageModels", "VisageStorage", "VisageInput", "VisageReferences", "VisageVideo", "VisageImaging"]),

        // Image input for every endpoint: paths confined to roots, URLs with SSRF checks, base64,
        // uploads; one set of limits and a content check on what arrived.
        .target(
            name: "VisageInput",
            dependencies: [
                "VisageCore", "VisageImaging", "VisageVideo",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]),

        // Issue 15's job queue without HTTP or a database: job kinds and their payloads, the
        // worker loop with leases and heartbeats, one handler per kind.
        .target(
            name: "VisageJobs",
            dependencies: [
                "VisageCore", "VisageImaging", "VisageStorage", "VisageInput", "VisageRecognition", "VisageRouting",
            ]),

        // HTTP: the seed's API on Hummingbird 2.
        .target(
            name: "VisageServer",
            dependencies: [
                "VisageCore", "VisageImaging", "VisageInference", "VisageModels", "VisageFaces",
                "VisageRecognition", "VisageStorage", "VisageXMP", "VisageInput", "VisageAccess", "VisageClustering",
                "VisageReferences", "VisageVideo", "VisageRouting", "VisageWebUI", "VisageSemantic", "VisageTasks",
                "VisageImageSearch", "VisageCaptioning", "VisageClassifiers", "VisageJobs",
                .product(name: "Hummingbird", package: "hummingbird"),
                // `URI`, which Hummingbird does not re-export: the query readers take one.
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.copy("Resources/openapi.json")]),

        // The web UI's pages: plain HTML, CSS and JavaScript shipped as resources (no build step),
        // with their content types and ETags. The server's routes serve them.
        .target(
            name: "VisageWebUI",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Resources/ui")]),

        // The people benchmark: labelled sets of clean and degraded photos built from testdata, and
        // their BCubed scores against Immich's algorithm on the same embeddings.
        .target(
            name: "VisagePeopleBench",
            dependencies: ["VisageCore", "VisageImaging", "VisageSearch", "VisageClustering", "VisageStorage", "VisageRecognition"]),

        // Command line.
        .executableTarget(
            name: "visage",
            dependencies: [
                "VisageCore", "VisageImaging", "VisageInference",
                "VisageModels", "VisageFaces", "VisageSearch", "VisageANN", "VisageServer",
                "VisageRecognition", "VisageStorage", "VisageSQLite", "VisagePostgres", "VisageStoreMigration", "VisageXMP", "VisageInput",
                "VisageAccess", "VisagePeopleBench", "VisageClustering", "VisageReferences", "VisageVideo", "VisageRouting",
                "VisageSemantic", "VisageTasks", "VisageImageSearch", "VisageCaptioning", "VisageClassifiers", "VisageJobs",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                // Only for bench-facedb's baseline, a scan of the SQLite file.
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),

        // Fuzz targets for what clients send (XMP, JSON, multipart, base64, query strings):
        // libFuzzer when scripts/fuzz.sh builds it with sanitizers, a corpus replayer otherwise.
        .executableTarget(
            name: "visage-fuzz",
            dependencies: ["VisageImaging", "VisageInput", "VisageServer", "VisageXMP"]),

        .testTarget(
            name: "VisageTests",
            dependencies: [
                "VisageCore", "VisageImaging", "VisageInference", "VisageModels",
                "VisageFaces", "VisageSearch", "VisageANN", "VisageClustering", "VisageStorage", "VisageSQLite", "VisagePostgres", "VisageXMP",
                "VisageServer", "VisageRecognition",
                "visage", "visage-fuzz", "VisageInput", "VisageAccess", "VisagePeopleBench", "VisageReferences",
                "VisageVideo", "VisageRouting", "VisageSemantic", "VisageTasks", "VisageImageSearch", "VisageCaptioning", "VisageClassifiers",
                "VisageJobs",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.copy("Fixtures")]),
    ]
)
