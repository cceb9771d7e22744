import ArgumentParser
import Foundation
import VisageCore
import VisageModels

/// `visage models list|fetch|verify`: see which model packs exist, install them, check them.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List, download and verify model packs.",
        discussion: """
            Models live in VISAGE_MODEL_DIR (default ~/.cache/visage/models), or --model-dir.
            Without internet, set VISAGE_MODEL_MIRROR (or --mirror) to a folder laid out like shared/models.
            """,
        subcommands: [ListPacks.self, Fetch.self, Verify.self])
}

/// Options every `models` subcommand takes.
struct ModelDirectoryOptions: ParsableArguments {
    @Option(name: .customLong("model-dir"), help: "Folder with installed models (default: VISAGE_MODEL_DIR or ~/.cache/visage/models).")
    var modelDirectory: String?

    var store: ModelStore {
        modelDirectory.map { ModelStore(directory: URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath, isDirectory: true)) }
            ?? ModelStore.fromEnvironment()
    }
}

extension ModelsCommand {
    struct ListPacks: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Show every model pack, whether it is installed, and its licence.")

        @OptionGroup var options: ModelDirectoryOptions

        func run() throws {
            let manifest: ModelManifest
            do { manifest = try ModelManifest.bundled() } catch { exitWithError(error) }
            let store = options.store
            let defaultName = manifest.defaultPackName()
            print("Model directory: \(store.directory.path)")
            let width = max(4, manifest.packNames.map(\.count).max() ?? 4)
            print("  " + "PACK".padded(to: width) + "  INSTALLED  SIZE      DESCRIPTION")
            for name in manifest.packNames {
                guard let pack = manifest.packs[name] else { continue }
                let marker = name == defaultName ? "* " : "  "
                let installed = store.isInstalled(pack) ? "yes" : (store.missingFiles(of: pack).count < pack.fileNames.count ? "partly" : "no")
                let bytes = pack.fileNames.compactMap { manifest.files[$0]?.size }.reduce(0, +)
                print(
                    marker + name.padded(to: width) + "  " + installed.padded(to: 9) + "  "
                        + formatBytes(bytes).padded(to: 8) + "  " + pack.description)
                print("  " + "".padded(to: width) + "  licence: " + pack.license)
            }
            let folderWidth = max(6, manifest.folders.keys.map(\.count).max() ?? 6)
            if !manifest.folders.isEmpty { print("  " + "FOLDER".padded(to: folderWidth) + "  KIND       INSTALLED  DESCRIPTION") }
            for name in manifest.folders.keys.sorted() {
                guard let folder = manifest.folders[name] else { continue }
                let present = folder.files.filter { FileManager.default.fileExists(atPath: store.path(for: $0.name).path) }.count
                let installed = present == folder.files.count ? "yes" : (present > 0 ? "partly" : "no")
                print(
                    "  " + name.padded(to: folderWidth) + "  " + folder.kind.rawValue.padded(to: 9) + "  " + installed.padded(to: 9) + "  "
                        + folder.description)
                print("  " + "".padded(to: folderWidth) + "  licence: " + folder.license)
            }
            if manifest.packs[defaultName] == nil {
                print("\(ModelManifest.packEnvironmentKey)=\(defaultName) names no pack; unset it to use '\(manifest.defaultPack)'.")
            } else if defaultName != manifest.defaultPack {
                print("* default pack (set by \(ModelManifest.packEnvironmentKey); the built-in default is '\(manifest.defaultPack)')")
            } else {
                print("* default pack (override with \(ModelManifest.packEnvironmentKey) or --pack)")
            }
        }
    }

    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fetch",
            abstract: "Download (or copy from a mirror) the files of one or more packs, checking every sha256.",
            discussion: "With no PACK, fetches the default pack (VISAGE_PACK or the manifest's default).")

        @OptionGroup var options: ModelDirectoryOptions

        @Option(help: "Copy from this folder (laid out like shared/models) instead of downloading (default: VISAGE_MODEL_MIRROR).")
        var mirror: String?

        @Option(help: "Seconds a download may stay idle before it fails.")
        var timeout: Double = 30

        @Argument(help: "Packs or model folders (CLIP, DINOv2, captioners) to fetch (see `visage models list`).")
        var packs: [String] = []

        func run() async throws {
            let store = options.store
            let manifest: ModelManifest
            let names: [String]
            do {
                manifest = try ModelManifest.bundled()
                names = packs.isEmpty ? [try manifest.resolvePack(named: nil).name] : packs
                for name in names where manifest.packs[name] == nil { _ = try manifest.folder(named: name) }
            } catch { exitWithError(error) }

            let mirrorURL =
                mirror.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath, isDirectory: true) }
                ?? ModelFetcher.mirrorFromEnvironment()
            let reporter = FetchReporter()
            let fetcher = ModelFetcher(
                store: store, manifest: manifest, mirror: mirrorURL, timeout: timeout,
                progress: { reporter.report($0) })
            for name in names {
                let what = manifest.packs[name] != nil ? "pack" : "model folder"
                if let mirrorURL {
                    print("Fetching \(what) '\(name)' into \(store.directory.path) from mirror \(mirrorURL.path)")
                } else {
                    print("Fetching \(what) '\(name)' into \(store.directory.path)")
                }
                do {
                    let files = try await manifest.packs[name] != nil ? fetcher.fetch(packNamed: name) : fetcher.fetch(folderNamed: name)
                    let written = files.filter(\.wasInstalled).count
                    print(
                        "\(what.prefix(1).uppercased() + what.dropFirst()) '\(name)' is ready (\(written) file\(written == 1 ? "" : "s") installed, \(files.count - written) already present)."
                    )
                } catch {
                    reporter.endLine()
                    exitWithError(error)
                }
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Hash installed model files and compare them with the published sha256.",
            discussion: "With no PACK, checks every installed pack (or the default pack if none is). Exit status 1 if any file is missing or differs."
        )

        @OptionGroup var options: ModelDirectoryOptions

        @Argument(help: "Packs to verify.")
        var packs: [String] = []

        func run() throws {
            let store = options.store
            let manifest: ModelManifest
            let names: [String]
            var allOK = true
            do {
                manifest = try ModelManifest.bundled()
                if packs.isEmpty {
                    let installed = manifest.packNames.filter { name in manifest.packs[name].map(store.isInstalled) ?? false }
                    names = installed.isEmpty ? [try manifest.resolvePack(named: nil).name] : installed
                } else {
                    names = packs
                }
                let fetcher = ModelFetcher(store: store, manifest: manifest, mirror: nil)
                print("Model directory: \(store.directory.path)")
                for name in names {
                    let checks = try manifest.packs[name] != nil ? fetcher.verify(packNamed: name) : fetcher.verify(folderNamed: name)
                    let packOK = checks.allSatisfy(\.ok)
                    allOK = allOK && packOK
                    print("Pack '\(name)': \(packOK ? "ok" : "FAILED")")
                    for check in checks {
                        let status = check.ok ? "ok  " : "FAIL"
                        var line = "  \(status) \(check.file)"
                        if check.ok {
                            line += "  sha256 \(check.actual ?? "")"
                        } else {
                            line += "  expected \(check.expected ?? "(unknown)"), found \(check.actual ?? "(none)")"
                        }
                        if let note = check.note { line += "\n       \(note)" }
                        print(line)
                    }
                }
            } catch { exitWithError(error) }
            if !allOK { throw ExitCode(1) }
        }
    }
}

/// Prints fetch progress on stderr: one line per step, and a live percentage when stderr is a terminal.
final class FetchReporter: @unchecked Sendable {
    private let lock = NSLock()
    private let live = isatty(STDERR_FILENO) == 1
    private var lineOpen = false
    private var lastDraw = Date.distantPast

    func report(_ event: FetchEvent) {
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .alreadyPresent(let file):
            line("  \(file): already installed")
        case .copying(let file, let from):
            line("  \(file): copying from \(from.path)")
        case .downloading(let name, let url, let expected):
            line("  \(name): downloading \(expected.map { formatBytes($0) + " " } ?? "")from \(url)")
        case .progress(let name, let received, let expected):
            guard live, Date().timeIntervalSince(lastDraw) > 0.2 || received == expected else { return }
            lastDraw = Date()
            let amount =
                expected.map { "\(formatBytes(received)) of \(formatBytes($0)) (\(Int(Double(received) * 100 / Double(max($0, 1))))%)" }
                ?? formatBytes(received)
            write("\r    \(name): \(amount)   ")
            lineOpen = true
        case .extracting(let file, let archive):
            line("  \(file): extracting from \(archive)")
        case .installed(let file, let sha256):
            line("  \(file): installed (sha256 \(sha256))")
        case .warning(let message):
            line("  warning: \(message)")
        }
    }

    func endLine() {
        lock.lock()
        defer { lock.unlock() }
        if lineOpen { write("\n"); lineOpen = false }
    }

    private func line(_ text: String) {
        if lineOpen { write("\n"); lineOpen = false }
        write(text + "\n")
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

private func formatBytes(_ bytes: Int64) -> String {
    if bytes >= 1_000_000 { return String(format: "%.1f MB", Double(bytes) / 1_000_000) }
    if bytes >= 1_000 { return String(format: "%.0f kB", Double(bytes) / 1_000) }
    return "\(bytes) B"
}

private extension String {
    func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
