import Foundation

/// The `xmp_regions` object of an analyse request: exiftool-vendored's `RegionInfo`, which is
/// the MWG regions structure with ExifTool's capitalised field names:
///
///     {"AppliedToDimensions": {"W": 2880, "H": 2160, "Unit": "pixel"},
///      "RegionList": [{"Area": {"X": 0.67, "Y": 0.48, "W": 0.05, "H": 0.08, "Unit": "normalized"},
///                      "Name": "John Doe", "Type": "Face"}]}
///
/// As in the XMP, `X`/`Y` are the centre of the area and the area refers to the stored image.
/// Decoding is lenient where ExifTool's JSON is: numbers may arrive as strings, and a name that
/// looks like a number ("2024") arrives as a number. Unknown keys are ignored.
public struct ExiftoolRegionInfo: Sendable, Hashable, Codable {
    public struct Dimensions: Sendable, Hashable, Codable {
        public var w: Double?
        public var h: Double?
        public var unit: String?

        enum CodingKeys: String, CodingKey { case w = "W", h = "H", unit = "Unit" }

        public init(w: Double?, h: Double?, unit: String?) {
            self.w = w
            self.h = h
            self.unit = unit
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            w = try container.lenientNumber(.w)
            h = try container.lenientNumber(.h)
            unit = try container.lenientText(.unit)
        }
    }

    public struct Area: Sendable, Hashable, Codable {
        public var x: Double?
        public var y: Double?
        public var w: Double?
        public var h: Double?
        public var unit: String?

        enum CodingKeys: String, CodingKey { case x = "X", y = "Y", w = "W", h = "H", unit = "Unit" }

        public init(x: Double?, y: Double?, w: Double?, h: Double?, unit: String?) {
            self.x = x
            self.y = y
            self.w = w
            self.h = h
            self.unit = unit
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            x = try container.lenientNumber(.x)
            y = try container.lenientNumber(.y)
            w = try container.lenientNumber(.w)
            h = try container.lenientNumber(.h)
            unit = try container.lenientText(.unit)
        }
    }

    public struct Region: Sendable, Hashable, Codable {
        public var area: Area?
        public var name: String?
        public var type: String?

        enum CodingKeys: String, CodingKey { case area = "Area", name = "Name", type = "Type" }

        public init(area: Area?, name: String?, type: String?) {
            self.area = area
            self.name = name
            self.type = type
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            area = try container.decodeIfPresent(Area.self, forKey: .area)
            name = try container.lenientText(.name)
            type = try container.lenientText(.type)
        }
    }

    public var appliedToDimensions: Dimensions?
    public var regionList: [Region]

    enum CodingKeys: String, CodingKey { case appliedToDimensions = "AppliedToDimensions", regionList = "RegionList" }

    public init(appliedToDimensions: Dimensions?, regionList: [Region]) {
        self.appliedToDimensions = appliedToDimensions
        self.regionList = regionList
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        appliedToDimensions = try container.decodeIfPresent(Dimensions.self, forKey: .appliedToDimensions)
        regionList = try container.decodeIfPresent([Region].self, forKey: .regionList) ?? []
    }

    /// The regions checked by the same rules as regions read from XMP (faces only, usable
    /// normalised areas), as MWG regions relative to the stored image.
    public var xmpRegions: XMPRegions {
        var result = XMPRegions()
        if let dimensions = appliedToDimensions, let width = dimensions.w, let height = dimensions.h {
            result.appliedTo = AppliedDimensions(width: width, height: height, unit: dimensions.unit)
        }
        for region in regionList {
            let fields = MWGRegionFields(
                name: region.name.flatMap(Self.nonEmpty), type: region.type,
                x: region.area?.x, y: region.area?.y, w: region.area?.w,
                h: region.area?.h, unit: region.area?.unit)
            switch fields.outcome(appliedTo: result.appliedTo) {
            case .region(let face): result.mwg.append(face)
            case .skipped(let skipped): result.skipped.append(skipped)
            }
        }
        return result
    }

    private static func nonEmpty(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }
}

private extension KeyedDecodingContainer {
    /// A number written as a JSON number or as a numeric string. A string must be plain decimal
    /// notation with bounded digits (the pattern openapi.json's ExiftoolRegionInfo states): no
    /// "nan", "inf" or hex floats. One that overflows (`1e400`) is clamped to the largest finite
    /// value, an absurd coordinate that matches no face, like a JSON number of that size.
    func lenientNumber(_ key: Key) throws -> Double? {
        if let number = try? decodeIfPresent(Double.self, forKey: key) { return number }
        guard let text = try decodeIfPresent(String.self, forKey: key) else { return nil }
        let decimal = #/[ \t]*[-+]?([0-9]{1,20}(\.[0-9]{0,20})?|\.[0-9]{1,20})([eE][-+]?[0-9]{1,3})?[ \t]*/#
        guard text.wholeMatch(of: decimal) != nil, let number = Double(text.trimmingCharacters(in: .whitespaces)) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "\"\(text)\" is not a number")
        }
        return number.isFinite ? number : (number < 0 ? -Double.greatestFiniteMagnitude : Double.greatestFiniteMagnitude)
    }

    /// Text that ExifTool may have printed as a number because it looked like one.
    func lenientText(_ key: Key) throws -> String? {
        if let text = try? decodeIfPresent(String.self, forKey: key) { return text }
        if let integer = try? decodeIfPresent(Int.self, forKey: key) { return String(integer) }
        return try decodeIfPresent(Double.self, forKey: key).map { String($0) }
    }
}
