import ArgumentParser
import Foundation
import VisageCore
import VisageImaging
import VisageRecognition
import VisageReferences
import VisageSQLite
import VisageServer
import VisageVideo

/// What `visage references` and `visage check` load: the pipeline, the data directory's
/// database and its reference faces, and the decoder with the environment's limits.
struct ReferenceTools {
    let recognition: RecognitionService
    let library: ReferenceLibrary
    let decoder: ImageDecoder

    init(_ data: DataOptions) throws {
        let store = try data.openRecordStores()
        recognition = try data.loadRecognition()
        library = ReferenceLibrary(
            store: store, embeddingModel: recognition.embeddingModel, scale: ServerServices.toleranceScale(for: recognition))
        decoder = recognition.configuration.decoder
    }

    func decode(_ path: String) throws -> DecodedImage {
        try decoder.decode(.file(path), maxSide: recognition.configuration.maxSide)
    }
}

/// One JSON line for a file that failed, so a batch goes on and a script sees which.
struct FileErrorLine: Encodable {
    let filePath: String
    let error: [String: String]

    init(_ path: String, _ error: any Error) {
        filePath = path
        let visage = error as? VisageError
        self.error = ["code": visage?.code ?? "internal_error", "message": visage?.message ?? String(describing: error)]
    }

    enum CodingKeys: String, CodingKey { case filePath = "file_path", error }
}

/// `visage references`: seed 003's reference faces in the data directory's database.
struct ReferencesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "references",
        abstract: "Add, list and remove reference faces (seed 003; see docs/API.md).",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add each photo's prominent face as a reference of NAME; one JSON line per photo.")

        @Argument(help: "Whose face it is.")
        var name: String

        @Argument(help: "Photos, one face each (a group photo needs --face-index).")
        var paths: [String]

        @Option(name: .customLong("face-index"), help: "Which face, in the order `visage analyze` lists them (for group photos).")
        var faceIndex: Int?

        @OptionGroup var data: DataOptions

        func run() throws {
            let tools: ReferenceTools
            do { tools = try ReferenceTools(data) } catch { exitWithError(error) }
            let intake = ReferenceIntake(analyzer: tools.recognition.analyzer, library: tools.library)
            var failed = false
            for path in paths {
                do {
                    let added = try intake.add(
                        personName: name, image: try tools.decode(path), source: path,
                        choice: faceIndex.map { .index($0) } ?? .prominent, actor: "cli")
                    print(AddedReferencesPayload([added], personName: added.personName).jsonLine())
                } catch {
                    failed = true
                    print(FileErrorLine(path, error).jsonLine())
                }
            }
            if failed { throw ExitCode(1) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the references (inactive ones too) as JSON lines.")

        @Option(name: .customLong("person"), help: "Only this person's.")
        var person: String?

        @OptionGroup var data: DataOptions

        func run() throws {
            do {
                let store = try data.openRecordStores()
                for reference in try store.references(personName: person, activeOnly: false) {
                    print(ReferencePayload(reference).jsonLine())
                }
            } catch {
                exitWithError(error)
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete references by id.")

        @Argument(help: "Reference ids, as `visage references list` prints them.")
        var ids: [Int64]

        @OptionGroup var data: DataOptions

        func run() throws {
            do {
                let store = try data.openRecordStores()
                for id in ids {
                    guard try store.deleteReference(id: id, actor: "cli") else {
                        throw VisageError(.referenceNotFound, "there is no reference \(id)")
                    }
                    print("removed reference \(id)")
                }
            } catch {
                exitWithError(error)
            }
        }
    }
}

/// `visage check`: seed 003's `test_face_recognition.py`, one JSON line per file.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check photos against the reference faces; one JSON line per file (see docs/API.md, POST /check).")

    @Argument(help: "Photos to check.")
    var paths: [String]

    @Option(help: "0 to 1, lower is stricter; 0.6 is the same-person distance (default).")
    var tolerance: Double = ToleranceScale.samePersonTolerance

    @Option(name: .customLong("person"), help: "Match only this person's references.")
    var person: String?

    @OptionGroup var data: DataOptions

    func validate() throws {
        guard (0...1).contains(tolerance) else { throw ValidationError("--tolerance must be from 0 to 1") }
    }

    func run() throws {
        let tools: ReferenceTools
        do { tools = try ReferenceTools(data) } catch { exitWithError(error) }
        let checker = MediaChecker(analyzer: tools.recognition.analyzer, library: tools.library)
        let sampler: VideoFrameSampler
        do { sampler = try VideoFrameSampler.fromEnvironment() } catch { exitWithError(error) }
        var failed = false
        for path in paths {
            do {
                let (result, isVideo) = try checker.check(
                    fileAt: path, sampler: sampler, decoder: tools.decoder, maxSide: tools.recognition.configuration.maxSide,
                    tolerance: tolerance, personName: person)
                print(CheckPayload(result: result, mediaType: isVideo ? "video" : "image", filePath: path).jsonLine())
            } catch {
                failed = true
                print(FileErrorLine(path, error).jsonLine())
            }
        }
        if failed { throw ExitCode(1) }
    }
}
