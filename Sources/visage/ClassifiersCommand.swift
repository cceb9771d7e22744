import ArgumentParser
import Foundation
import VisageClassifiers
import VisageCore
import VisageImaging
import VisageServer
import VisageTasks

/// `visage classifiers`: issue 14's collection classifiers in the data directory's database,
/// the same versions `POST /classifiers/{collection_id}/train` makes and `classify` uses.
struct ClassifiersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classifiers",
        abstract: "Train collection classifiers from folders of photos, and list them (see docs/API.md).",
        subcommands: [Train.self, List.self])

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a new version of a collection's classifier; prints it as one JSON line (files skipped go to stderr).")

        @Option(name: .customLong("collection"), help: "The collection_id (an integer of 0 or more).")
        var collection: Int64

        @Option(
            name: .customLong("embedding"),
            help: "Embedding types, comma-separated: clip, dinov2, face (a concatenation when several).")
        var embedding: String

        @Option(name: .customLong("positives"), help: "A folder (or file) of photos in the collection.")
        var positives: [String]

        @Option(name: .customLong("negatives"), help: "A folder (or file) of photos not in it.")
        var negatives: [String]

        @Option(name: .customLong("holdout-fraction"), help: "Share of each class held out for the metrics (0.05 to 0.5).")
        var holdoutFraction: Double = TrainingSettings.defaultHeldOutFraction

        @Option(help: "Seed of the held-out split.")
        var seed: UInt64 = 0

        @Option(help: "L2 regularisation of the logistic regression.")
        var regularization: Double = LogisticRegression.defaultRegularization

        @Option(help: "Region embedded: whole_image, prominent_person or prominent_face.")
        var target: String = TaskTarget.wholeImage.rawValue

        @Option(name: .customLong("face-context"), help: "Where the prominent face is looked for: prominent_person or whole_image.")
        var faceContext: String = FaceContext.prominentPerson.rawValue

        @OptionGroup var data: DataOptions

        func run() throws {
            do {
                let types = try FeatureLayout.orderedTypes(
                    try embedding.split(separator: ",").map { try EmbeddingType(parsing: $0.trimmingCharacters(in: .whitespaces)) })
                guard let target = TaskTarget(rawValue: target), let faceContext = FaceContext(rawValue: faceContext) else {
                    throw ValidationError("--target or --face-context is not one of the names listed in --help")
                }
                let store = try data.openRecordStores()
                let recognition = try data.loadRecognition()
                let models = try data.loadTaskModels(analyzer: recognition.analyzer)
                for type in types {
                    if let why = models.unavailability(of: type) { throw VisageError(.modelPackNotInstalled, why) }
                }
                let embedder = FolderEmbedder(
                    models: models, decoder: recognition.configuration.decoder, maxSide: recognition.configuration.maxSide, types: types,
                    target: target, faceContext: faceContext)
                let positiveFiles = ImageFiles.collect(positives), negativeFiles = ImageFiles.collect(negatives)
                let progress = ProgressBar(total: positiveFiles.count + negativeFiles.count)
                let library = ClassifierLibrary(store: store)
                let trained = try library.train(
                    collectionID: collection, types: types, positives: embedder.embed(positiveFiles, progress: progress),
                    negatives: embedder.embed(negativeFiles, progress: progress),
                    settings: TrainingSettings(heldOutFraction: holdoutFraction, seed: seed, regularization: regularization))
                print(TrainedClassifierPayload(collectionID: collection, trained).jsonLine())
            } catch let error as ValidationError {
                throw error
            } catch {
                exitWithError(error)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every collection's kept versions with their held-out metrics, as GET /classifiers answers (one JSON line).")

        @OptionGroup var data: DataOptions

        func run() throws {
            do {
                print(ClassifierListPayload(try ClassifierLibrary(store: try data.openRecordStores()).collections()).jsonLine())
            } catch {
                exitWithError(error)
            }
        }
    }
}

/// Embeds photos from folders as the server embeds image examples: decoded with the
/// environment's limits, then `TaskRunner`'s embeddings of the target. A photo that fails (no
/// face, unreadable) is skipped with a line on stderr, so one bad file does not stop a folder.
struct FolderEmbedder {
    let models: TaskModels
    let decoder: ImageDecoder
    let maxSide: Int
    let types: [EmbeddingType]
    let target: TaskTarget
    let faceContext: FaceContext

    func embed(_ files: [String], progress: ProgressBar) -> [[EmbeddingType: [Float]]] {
        let results = ResultSlots(count: files.count)
        let (models, decoder, maxSide, types, target, faceContext) = (models, decoder, maxSide, types, target, faceContext)
        ParallelMap.run(count: files.count, workers: ProcessInfo.processInfo.activeProcessorCount) { index in
            do {
                let decoded = try decoder.decode(.file(files[index]), maxSide: maxSide)
                results.set(index, try TaskRunner(models: models, decoded: decoded).embeddings(types, target: target, faceContext: faceContext))
            } catch {
                let visage = error as? VisageError
                FileHandle.standardError.write(
                    Data("skipped \(files[index]): [\(visage?.code ?? "internal_error")] \(visage?.message ?? "\(error)")\n".utf8))
            }
            progress.advance()
        }
        return results.values
    }
}

/// One slot per file, filled by the workers; the filled ones in file order.
private final class ResultSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [[EmbeddingType: [Float]]?]

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    func set(_ index: Int, _ value: [EmbeddingType: [Float]]) {
        lock.lock()
        defer { lock.unlock() }
        slots[index] = value
    }

    var values: [[EmbeddingType: [Float]]] {
        lock.lock()
        defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}
