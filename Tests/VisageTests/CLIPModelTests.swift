import Foundation
import Testing
import VisageCore
import VisageImaging
import VisageInference

@testable import VisageSemantic

/// CLIP's preprocessing, and the encoders loaded through `CLIPModel` from an Immich-layout folder
/// of tiny models (scripts/make_tiny_models.py) that encode colour: the image encoder its mean
/// colour, the text encoder the colour words of CLIP's real vocabulary.
@Suite struct CLIPModelTests {
    static let openAIConfig = try! CLIPPreprocessConfig(
        size: 224, mean: [0.48145466, 0.4578275, 0.40821073], std: [0.26862954, 0.26130258, 0.27577711])

    static func solid(_ red: UInt8, _ green: UInt8, _ blue: UInt8, width: Int = 320, height: Int = 240) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for index in 0..<(width * height) {
            pixels[index * 3] = red
            pixels[index * 3 + 1] = green
            pixels[index * 3 + 2] = blue
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    static func model(_ folder: URL) throws -> CLIPModel {
        try CLIPModel(folder: folder, runtime: TestServices.runtime, options: SessionOptions(intraOpThreads: 1, device: .cpu))
    }

    static func generated() throws -> TinyModels.Generated {
        try TinyModels.generated.get()
    }

    // MARK: - Preprocessing

    @Test func immichsPreprocessConfigIsRead() throws {
        let json = """
            {"size": [224, 224], "mode": "RGB", "mean": [0.48145466, 0.4578275, 0.40821073],
             "std": [0.26862954, 0.26130258, 0.27577711], "interpolation": "bicubic", "resize_mode": "shortest", "fill_color": 0}
            """
        let config = try JSONDecoder().decode(CLIPPreprocessConfig.self, from: Data(json.utf8))
        #expect(config == Self.openAIConfig)
        let single = try JSONDecoder().decode(
            CLIPPreprocessConfig.self, from: Data(#"{"size": 384, "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]}"#.utf8))
        #expect(single.size == 384 && single.interpolation == .bicubic && single.resizeMode == .shortest)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(
                CLIPPreprocessConfig.self,
                from: Data(#"{"size": 224, "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "interpolation": "lanczos"}"#.utf8))
        }
    }

    /// A 448x224 image is already 224 on its short side: only the centre crop (columns 112...335)
    /// and `(x / 255 - mean) / std` per RGB channel, NCHW.
    @Test func centreCropAndNormalisationLandWhereExpected() throws {
        let width = 448, height = 224
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                pixels[(y * width + x) * 3] = UInt8(x % 256)
                pixels[(y * width + x) * 3 + 1] = UInt8(y)
                pixels[(y * width + x) * 3 + 2] = 200
            }
        }
        let tensor = try CLIPImagePreprocessor(config: Self.openAIConfig).tensor(RGBImage(width: width, height: height, pixels: pixels))
        #expect(tensor.shape == [1, 3, 224, 224])
        let mean = Self.openAIConfig.mean, std = Self.openAIConfig.std
        func value(_ channel: Int, _ y: Int, _ x: Int) -> Float { tensor.data[channel * 224 * 224 + y * 224 + x] }
        func expected(_ byte: Int, _ channel: Int) -> Float { (Float(byte) / 255 - mean[channel]) / std[channel] }
        for (y, x) in [(0, 0), (10, 143), (100, 200), (223, 223)] {
            #expect(abs(value(0, y, x) - expected((x + 112) % 256, 0)) < 1e-5)
            #expect(abs(value(1, y, x) - expected(y, 1)) < 1e-5)
            #expect(abs(value(2, y, x) - expected(200, 2)) < 1e-5)
        }
    }

    /// A portrait image: the short side goes to 224, the long side to `Int(long / short * 224)`,
    /// and the centre square is kept; a solid colour stays that colour through the bicubic filter.
    @Test func shortSideResizeKeepsTheCentre() throws {
        let preprocessor = CLIPImagePreprocessor(config: Self.openAIConfig)
        let square = preprocessor.prepared(Self.solid(10, 120, 250, width: 300, height: 900))
        #expect(square.width == 224 && square.height == 224)
        #expect(square.pixels[0..<3] == [10, 120, 250] && square.pixels[(224 * 224 - 1) * 3..<224 * 224 * 3] == [10, 120, 250])
        // Top third red, middle green, bottom blue: only green survives the centre crop.
        var stripes = Self.solid(0, 0, 0, width: 200, height: 600)
        for y in 0..<600 {
            for x in 0..<200 { stripes.pixels[(y * 200 + x) * 3 + y / 200] = 255 }
        }
        let centre = preprocessor.prepared(stripes)
        let middle = (112 * 224 + 112) * 3
        #expect(Array(centre.pixels[middle..<middle + 3]) == [0, 255, 0])
    }

    /// Pillow's antialiased bilinear halving of one row: each output is the source under a
    /// triangle twice as wide, weights 1/8, 3/8, 3/8, 1/8 (and renormalised at the edges), worked
    /// out by hand from Pillow's `precompute_coeffs`.
    @Test func pillowStyleDownscaleWidensTheFilter() {
        var row = RGBImage(width: 8, height: 1)
        for x in 4..<8 { row.pixels[x * 3] = 255 }
        let half = row.pillowResized(width: 4, height: 1, filter: .bilinear)
        #expect(stride(from: 0, to: 12, by: 3).map { half.pixels[$0] } == [0, 32, 223, 255])
    }

    // MARK: - The tiny models

    @Test(.enabled(if: TinyModels.available, "Python onnx could not be installed: the tiny models were not generated"))
    func inputAndOutputNamesComeFromTheSessions() throws {
        let model = try Self.model(try Self.generated().clip)
        #expect(model.imageInput == "image" && model.imageOutput == "embedding")
        #expect(model.textInput == "text" && model.textOutput == "embedding")
        #expect(model.textual.inputs.first?.elementType == .int32)
        #expect(model.dimensions == 512 && model.contextLength == 77)
        #expect(!model.visualBatches && !model.textualBatches)
        #expect(model.name == "clip")
    }

    @Test(.enabled(if: TinyModels.available, "Python onnx could not be installed: the tiny models were not generated"))
    func aRedImageIsNearestARedCar() throws {
        let model = try Self.model(try Self.generated().clip)
        let captions = ["a red car", "a green car", "a blue car", "a yellow car"]
        let texts = try model.embed(texts: captions)
        let colours: [(name: String, image: RGBImage)] = [
            ("a red car", Self.solid(230, 20, 30)), ("a green car", Self.solid(20, 200, 40, width: 200, height: 500)),
            ("a blue car", Self.solid(10, 30, 240)), ("a yellow car", Self.solid(250, 230, 20)),
        ]
        let images = try model.embed(images: colours.map(\.image))
        for (vector, colour) in zip(images, colours) {
            let similarities = texts.map { cosine(vector, $0) }
            let nearest = captions[similarities.firstIndex(of: similarities.max()!)!]
            #expect(nearest == colour.name, "\(colour.name): \(zip(captions, similarities).map { "\($0) \($1)" })")
        }
        for vector in images + texts {
            #expect(vector.count == 512)
            #expect(abs(vector.reduce(0) { $0 + $1 * $1 }.squareRoot() - 1) < 1e-5)
        }
    }

    /// A batch in one run, where the model allows it, gives what one image at a time gives.
    @Test(.enabled(if: TinyModels.available, "Python onnx could not be installed: the tiny models were not generated"))
    func dynamicBatchesGiveTheSameEmbeddings() throws {
        let fixed = try Self.model(try Self.generated().clip)
        let dynamic = try Self.model(try Self.generated().clipDynamicBatch)
        #expect(dynamic.visualBatches && dynamic.textualBatches)
        // Padding with tokenizer_config.json's pad token (the end token), as Immich pads, or with 0.
        #expect(dynamic.padding == 49407 && fixed.padding == 0)
        let images = [Self.solid(200, 10, 10), Self.solid(10, 10, 200)]
        for (one, many) in zip(try fixed.embed(images: images), try dynamic.embed(images: images)) {
            #expect(zip(one, many).allSatisfy { abs($0 - $1) < 1e-5 })
        }
        // The dynamic folder's tokenizer comes from tokenizer.json, the fixed one's from the gzip
        // vocabulary: the same ids either way.
        let texts = ["a yellow flower", "blue sky", CLIPTokenizerTests.transformersInput]
        for text in texts {
            #expect(fixed.tokenizer.tokenize(text) == dynamic.tokenizer.tokenize(text))
        }
        #expect(dynamic.tokenizer.tokenize("a photo of a cat", padding: 49407).suffix(70).allSatisfy { $0 == 49407 })
        for (one, many) in zip(try fixed.embed(texts: texts), try dynamic.embed(texts: texts)) {
            #expect(zip(one, many).allSatisfy { abs($0 - $1) < 1e-5 })
        }
    }

    @Test func aFolderWithoutTheEncodersIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("visage-clip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("visual"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = #expect(throws: VisageError.self) { try Self.model(folder) }
        #expect(error?.code == "model_load_failed")
        #expect(error?.message.contains("visual/model.onnx") == true && error?.message.contains("textual/model.onnx") == true)
    }
}
