import VisageCore

/// Output decoding scheme of a person (object) detector.
public enum PersonDetectorDecoder: String, Sendable, Codable, Equatable, CaseIterable {
    /// NanoDet-m (OpenCV Zoo's 2022nov export): per stride 8, 16, 32 a [N, 80] map of COCO class
    /// scores (sigmoid applied) and a [N, 32] map of box sides as distributions over 8 bins
    /// (softmax, expectation, times the stride) from the cell's centre.
    case nanodet
}

/// The person detector entry of a pack, with its decoder parsed.
public struct PersonDetectorSpec: ImageModelSpec, Sendable, Equatable {
    public let file: String
    public let decoder: PersonDetectorDecoder
    public let preprocessing: Preprocessing

    init(_ spec: ModelSpec, pack: String) throws {
        file = spec.file
        decoder = try spec.parsedDecoder(PersonDetectorDecoder.self, pack: pack)
        preprocessing = try spec.planarImageInput(pack: pack)
    }

    /// A spec built in code (tests, or a model folder outside the manifest).
    public init(file: String, decoder: PersonDetectorDecoder, preprocessing: Preprocessing) {
        self.file = file
        self.decoder = decoder
        self.preprocessing = preprocessing
    }
}
