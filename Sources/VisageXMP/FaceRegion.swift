/// A named face rectangle read from photo metadata.
///
/// Coordinates are normalised (0...1) to the image the region refers to and describe the centre
/// and size, whatever the source format wrote (MWG stores the centre, Microsoft the top-left
/// corner). Regions as read from a file refer to the *stored* image; `displayed(_:orientation:)`
/// turns them into the upright image every other Visage coordinate refers to.
public struct FaceRegion: Sendable, Hashable {
    /// Which metadata schema the region came from.
    public enum Source: String, Sendable, Hashable, Codable {
        /// Metadata Working Group regions (`mwg-rs:Regions`), also what exiftool-vendored's
        /// `RegionInfo` object carries.
        case mwg
        /// Microsoft Photo people tags (`MP:RegionInfo`).
        case microsoft
    }

    /// The person's name; nil for an unnamed face.
    public var name: String?
    public var centerX: Double
    public var centerY: Double
    public var width: Double
    public var height: Double
    public var source: Source

    public init(name: String?, centerX: Double, centerY: Double, width: Double, height: Double, source: Source) {
        self.name = name
        self.centerX = centerX
        self.centerY = centerY
        self.width = width
        self.height = height
        self.source = source
    }

    /// A region given by its top-left corner, as Microsoft rectangles (and the seed's
    /// `unmatched_input_faces`) write it.
    public init(name: String?, left: Double, top: Double, width: Double, height: Double, source: Source) {
        self.init(
            name: name, centerX: left + width / 2, centerY: top + height / 2,
            width: width, height: height, source: source)
    }

    public var left: Double { centerX - width / 2 }
    public var top: Double { centerY - height / 2 }

    /// How far a normalised value may stray outside 0...1: writers round, and a face cut by the
    /// frame edge is legitimately drawn a little past it.
    static let edgeTolerance = 0.02

    /// A usable region has a positive size no larger than the image and its centre in the image.
    var isPlausible: Bool {
        let values = [centerX, centerY, width, height]
        guard values.allSatisfy(\.isFinite), width > 0, height > 0 else { return false }
        let range = -Self.edgeTolerance...(1 + Self.edgeTolerance)
        return width <= range.upperBound && height <= range.upperBound
            && range.contains(centerX) && range.contains(centerY)
    }

    /// Intersection over union with another normalised region (0 when disjoint).
    func overlap(_ other: FaceRegion) -> Double {
        let overlapWidth = min(left + width, other.left + other.width) - max(left, other.left)
        let overlapHeight = min(top + height, other.top + other.height) - max(top, other.top)
        guard overlapWidth > 0, overlapHeight > 0 else { return 0 }
        let intersection = overlapWidth * overlapHeight
        return intersection / (width * height + other.width * other.height - intersection)
    }
}

/// MWG `AppliedToDimensions`: the size of the image the writer saw when it recorded the regions.
/// Informational: tools disagree on whether it is the stored or the displayed size (see
/// docs/XMP.md), and normalised coordinates do not need it.
public struct AppliedDimensions: Sendable, Hashable {
    public var width: Double
    public var height: Double
    /// Usually "pixel".
    public var unit: String?

    public init(width: Double, height: Double, unit: String?) {
        self.width = width
        self.height = height
        self.unit = unit
    }
}

/// A region the metadata lists but Visage cannot use, with the reason (kept so a caller can
/// tell a file without regions from a file whose regions were refused).
public struct SkippedRegion: Sendable, Hashable {
    public var name: String?
    public var source: FaceRegion.Source
    public var reason: String

    public init(name: String?, source: FaceRegion.Source, reason: String) {
        self.name = name
        self.source = source
        self.reason = reason
    }
}
