import Foundation
import Testing
import VisageTasks

@testable import VisageServer

/// Where a real CLIP model is, if this machine has one: `VISAGE_CLIP_MODEL`, else
/// `ViT-B-32__openai/` in `VISAGE_MODEL_DIR`. The tiny test models are a few kilobytes; a real
/// visual encoder is hundreds of megabytes, so size tells them apart.
enum RealCLIP {
    static let folder: URL? = {
        let environment = ProcessInfo.processInfo.environment
        let candidates = [
            environment["VISAGE_CLIP_MODEL"].map { URL(fileURLWithPath: $0) },
            environment["VISAGE_MODEL_DIR"].map { URL(fileURLWithPath: $0).appendingPathComponent("ViT-B-32__openai") },
        ].compactMap { $0 }
        return candidates.first { folder in
            let visual = folder.appendingPathComponent("visual/model.onnx").path
            let size = (try? FileManager.default.attributesOfItem(atPath: visual)[.size] as? Int) ?? 0
            return size > 10_000_000
        }
    }()
}

/// Real CLIP's quality on testdata/clip_scenes: each query of queries.csv should find its photo
/// among the first five of the 61 encoded scenes, through `/images/encode` and `/search`. Runs
/// only where a real model is installed (CI has none: the weights are too large to ship).
@Suite(.enabled(if: RealCLIP.folder != nil, "no real CLIP model here (VISAGE_CLIP_MODEL or VISAGE_MODEL_DIR/ViT-B-32__openai)"))
struct RealCLIPQualityTests {
    @Test func sceneQueriesFindTheirPhotos() async throws {
        let scenes = CLI.testdata.appendingPathComponent("clip_scenes")
        let rows = try String(contentsOf: scenes.appendingPathComponent("queries.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let photos = try FileManager.default.subpathsOfDirectory(atPath: scenes.path).filter { $0.hasSuffix(".jpg") || $0.hasSuffix(".jpeg") }
        let models = TaskModels.load(
            faces: TestServices.analyzer, store: TaskTestSupport.modelStore, runtime: TestServices.runtime, options: TaskTestSupport.options,
            clipFolder: RealCLIP.folder)
        let app = VisageApplication.build(services: try TestServices.make(taskModels: models))
        try await app.test(.router) { client in
            for photo in photos {
                let (status, json) = try await HTTPJSON.call(
                    client, .post, "/images/encode", ["image_id": photo, "image_path": scenes.appendingPathComponent(photo).path])
                #expect(status == .ok, "\(photo): \(json)")
            }
            var found = 0
            for row in rows where row.count >= 2 {
                let (_, json) = try await HTTPJSON.call(client, .post, "/search", ["query": row[0], "limit": 5])
                let ids = (json["results"] as? [[String: Any]] ?? []).compactMap { $0["image_id"] as? String }
                if ids.contains(row[1]) { found += 1 } else { print("not in the first five for '\(row[0])': \(row[1]); got \(ids)") }
            }
            let recall = Double(found) / Double(rows.count)
            print("real CLIP on clip_scenes: recall@5 \(recall) over \(rows.count) queries")
            #expect(recall >= 0.8, "recall@5 \(recall)")
        }
    }
}
