import Foundation
import HummingbirdTesting
import Testing
import VisageInput
import VisageTasks

@testable import VisageServer

/// The real captioner (Xenova/vit-gpt2-image-captioning), when a model folder has it, through
/// `POST /images/caption` on COCO val2017 images (testdata/image_captions, five human captions
/// each): its captions must share most of their content words with the image's own references,
/// and far fewer with another image's. Looked for in `VISAGE_CAPTION_MODEL`, the model mirror and
/// the model directory; skipped where none has it (the model is about 1 GB and never committed).
@Suite(.enabled(if: RealCaptioner.folder != nil && RealCaptioner.references != nil, "no real captioner or COCO captions here"))
struct CaptionQualityTests {
    typealias Real = RealCaptioner

    @Test func captionsDescribeTheirImagesAndNotOthers() async throws {
        let folder = try #require(Real.folder), references = try #require(Real.references)
        let files = references.keys.sorted().enumerated().filter { $0.offset % 3 == 0 }.map(\.element)
        let models = TaskModels.load(
            faces: TestServices.analyzer, store: TaskTestSupport.modelStore, runtime: TestServices.runtime, options: TaskTestSupport.options,
            captionerFolder: folder)
        let captioner = try #require(models.captioner.model, "\(models.unavailability(of: .captioner) ?? "")")
        try await ImageInputTests.withFetcher(InputPolicy(pathRoots: [Real.coco.path])) { fetcher in
            let app = VisageApplication.build(services: try TestServices.make(fetcher: fetcher, taskModels: models))
            try await app.test(.router) { client in
                var captions: [String] = []
                for file in files {
                    let path = Real.coco.appendingPathComponent(file).path
                    let (status, json) = try await HTTPJSON.call(client, .post, "/images/caption", ["image_id": file, "image_path": path])
                    #expect(status == .ok, "\(file): \(json)")
                    #expect(json["models_used"] as? [String: String] == ["image_captioning": captioner.name])
                    captions.append(json["description"] as? String ?? "")
                }
                Real.expectQuality(files: files, captions: captions, references: references)
            }
        }
    }
}

/// The quality bar itself, on human captions: one reference of each image, scored against the
/// image's other references, passes it; the same captions scored against another image's do not.
@Suite(.enabled(if: RealCaptioner.references != nil, "no COCO captions here"))
struct CaptionQualityBarTests {
    @Test func aHumanCaptionClearsTheBarAndAMismatchedOneDoesNot() throws {
        let references = try #require(RealCaptioner.references)
        let files = references.keys.sorted()
        let captions = files.map { references[$0]![0] }
        let heldOut = Dictionary(uniqueKeysWithValues: files.map { ($0, Array(references[$0]!.dropFirst())) })
        RealCaptioner.expectQuality(files: files, captions: captions, references: heldOut)
        let shuffled = files.indices.map { captions[($0 + 7) % files.count] }
        let mismatched = zip(files, shuffled).map { RealCaptioner.precision($1, against: heldOut[$0]!) }
        #expect(mismatched.reduce(0, +) / Double(files.count) < 0.45)
    }
}

/// The real captioner's folder and COCO's reference captions, and how captions are scored.
enum RealCaptioner {
    static let folderName = TaskModels.captionerFolderName
    static let coco = CLI.testdata.appendingPathComponent("image_captions/coco_mini_val2017")

    static let folder: URL? = {
        let environment = ProcessInfo.processInfo.environment["VISAGE_CAPTION_MODEL"].map { URL(fileURLWithPath: $0) }
        let candidates = [
            environment, CLI.mirror.appendingPathComponent(folderName), URL(fileURLWithPath: CLI.modelDirectory).appendingPathComponent(folderName),
        ]
        return candidates.compactMap { $0 }.first {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent("onnx/decoder_model_merged.onnx").path)
        }
    }()

    /// File (relative to the COCO folder) -> its reference captions.
    static let references: [String: [String]]? = {
        guard let text = try? String(contentsOf: coco.appendingPathComponent("captions.tsv"), encoding: .utf8) else { return nil }
        var result: [String: [String]] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let parts = line.split(separator: "\t", maxSplits: 1)
            if parts.count == 2 { result[String(parts[0]), default: []].append(String(parts[1])) }
        }
        return result
    }()

    static let stopwords: Set<String> = [
        "a", "an", "the", "of", "on", "in", "with", "and", "is", "are", "to", "at", "some", "there", "it", "that", "this",
        "near", "next", "for", "by", "its", "his", "her", "their", "up", "down", "top", "front", "while", "other", "one",
        "two", "very", "has", "have", "from", "into", "out", "over", "under", "as", "be", "being", "side",
    ]

    /// Lower-case words of letters, stopwords out, a final "s" dropped (dogs and dog match).
    static func contentWords(_ text: String) -> Set<String> {
        let words = text.lowercased().split { !$0.isLetter }.map(String.init).filter { !stopwords.contains($0) }
        return Set(words.map { $0.count > 3 && $0.hasSuffix("s") ? String($0.dropLast()) : $0 })
    }

    /// The share of `caption`'s content words that the references use.
    static func precision(_ caption: String, against references: [String]) -> Double {
        let words = contentWords(caption)
        guard !words.isEmpty else { return 0 }
        let known = references.reduce(into: Set<String>()) { $0.formUnion(contentWords($1)) }
        return Double(words.intersection(known).count) / Double(words.count)
    }

    static func expectQuality(files: [String], captions: [String], references: [String: [String]]) {
        for caption in captions {
            #expect(!caption.isEmpty && !caption.contains("<|") && caption.split(separator: " ").count < 50, "\(caption)")
        }
        let own = zip(files, captions).map { precision($1, against: references[$0]!) }
        // Each caption against the references of the next image: what chance agreement looks like.
        let others = captions.indices.map { precision(captions[$0], against: references[files[($0 + 1) % files.count]]!) }
        let ownMean = own.reduce(0, +) / Double(own.count), otherMean = others.reduce(0, +) / Double(others.count)
        let report = zip(files, captions).map { "\($0): \($1)" }.joined(separator: "\n")
        #expect(ownMean >= 0.45, "content words found in the image's own references: \(ownMean)\n\(report)")
        #expect(otherMean <= ownMean / 2, "own \(ownMean), another image's \(otherMean)")
    }
}
