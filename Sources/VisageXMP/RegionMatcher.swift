import VisageCore

/// The seed's `input_face_match` for one detected face: the metadata region it was paired with.
public struct InputFaceMatch: Sendable, Hashable, Codable {
    /// Always true for a pairing; kept because the contract's JSON carries it.
    public var matched: Bool
    public var name: String?
    /// 1 at distance 0, falling linearly to 0 at `RegionMatcher.maximumDistance`.
    public var confidence: Double
    public var matchStrategy: String
    /// The region in displayed pixels, [x, y, width, height] with x/y the top-left corner.
    public var inputBox: [Double]
    /// The region's centre in displayed normalised coordinates, [x, y].
    public var centroid: [Double]

    enum CodingKeys: String, CodingKey {
        case matched, name, confidence, centroid
        case matchStrategy = "match_strategy"
        case inputBox = "input_bbox"
    }

    public init(
        matched: Bool, name: String?, confidence: Double, matchStrategy: String,
        inputBox: [Double], centroid: [Double]
    ) {
        self.matched = matched
        self.name = name
        self.confidence = confidence
        self.matchStrategy = matchStrategy
        self.inputBox = inputBox
        self.centroid = centroid
    }
}

/// The seed's `unmatched_input_faces` entry: a metadata region no detected face was paired with.
public struct UnmatchedInputFace: Sendable, Hashable, Codable {
    public var name: String?
    /// Top-left corner and size, displayed normalised coordinates.
    public var x: Double
    public var y: Double
    public var w: Double
    public var h: Double
    /// [x + w/2, y + h/2].
    public var centroid: [Double]

    public init(_ region: FaceRegion) {
        name = region.name
        x = region.left
        y = region.top
        w = region.width
        h = region.height
        centroid = [region.centerX, region.centerY]
    }
}

/// One face-to-region pairing, by index into the inputs.
public struct FaceRegionPair: Sendable, Hashable {
    public var faceIndex: Int
    public var regionIndex: Int
    /// Euclidean distance between the centres, in displayed normalised coordinates.
    public var distance: Double
}

/// What `RegionMatcher` found.
public struct RegionMatching: Sendable, Hashable {
    /// One entry per detected face, in input order: its match, or nil.
    public var faces: [InputFaceMatch?]
    /// The pairings, closest first.
    public var pairs: [FaceRegionPair]
    /// Regions no face was paired with, in input order.
    public var unmatchedRegions: [UnmatchedInputFace]
}

/// Pairs detected faces with metadata regions by centroid distance (the contract's
/// `centroid_distance` strategy).
///
/// Both centres are taken in displayed normalised coordinates (pixels divided by the image's
/// width and height), and a pair counts only within `maximumDistance`. The assignment is
/// one-to-one and greedy over all pairs, closest first, so a face between two regions takes the
/// nearer one and two faces never share a region; ties go to the lower face, then region index,
/// which makes the result independent of anything but the inputs.
public struct RegionMatcher: Sendable {
    public static let strategy = "centroid_distance"

    /// Largest centre distance that still pairs a face with a region (the contract's 0.1).
    public var maximumDistance: Double

    public init(maximumDistance: Double = 0.1) {
        self.maximumDistance = maximumDistance
    }

    /// - Parameters:
    ///   - regions: regions in displayed normalised coordinates (see `displayed(_:orientation:)`).
    ///   - faces: detected face boxes in displayed pixels.
    ///   - imageWidth, imageHeight: the displayed image size in pixels.
    public func match(regions: [FaceRegion], faces: [BoundingBox], imageWidth: Int, imageHeight: Int) -> RegionMatching {
        let width = Double(imageWidth), height = Double(imageHeight)
        var candidates: [FaceRegionPair] = []
        if width > 0, height > 0 {
            for (i, face) in faces.enumerated() {
                let center = face.center
                for (j, region) in regions.enumerated() {
                    let dx = center.x / width - region.centerX, dy = center.y / height - region.centerY
                    let distance = (dx * dx + dy * dy).squareRoot()
                    if distance <= maximumDistance {
                        candidates.append(FaceRegionPair(faceIndex: i, regionIndex: j, distance: distance))
                    }
                }
            }
        }
        candidates.sort { a, b in
            a.distance != b.distance ? a.distance < b.distance : (a.faceIndex, a.regionIndex) < (b.faceIndex, b.regionIndex)
        }

        var perFace = [InputFaceMatch?](repeating: nil, count: faces.count)
        var regionTaken = [Bool](repeating: false, count: regions.count)
        var pairs: [FaceRegionPair] = []
        for pair in candidates where perFace[pair.faceIndex] == nil && !regionTaken[pair.regionIndex] {
            regionTaken[pair.regionIndex] = true
            pairs.append(pair)
            let region = regions[pair.regionIndex]
            perFace[pair.faceIndex] = InputFaceMatch(
                matched: true, name: region.name, confidence: confidence(distance: pair.distance),
                matchStrategy: Self.strategy,
                inputBox: [region.left * width, region.top * height, region.width * width, region.height * height],
                centroid: [region.centerX, region.centerY])
        }
        let unmatched = regions.indices.filter { !regionTaken[$0] }.map { UnmatchedInputFace(regions[$0]) }
        return RegionMatching(faces: perFace, pairs: pairs, unmatchedRegions: unmatched)
    }

    /// 1 - distance / maximumDistance: the contract's example confidence (0.87) is only
    /// reachable inside the 0.1 threshold on this scale, not on a plain 1 - distance.
    public func confidence(distance: Double) -> Double {
        guard maximumDistance > 0 else { return distance == 0 ? 1 : 0 }
        return max(0, min(1, 1 - distance / maximumDistance))
    }
}
