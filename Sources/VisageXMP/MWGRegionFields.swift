import Foundation

/// One MWG region exactly as written, before it is checked. The XMP reader and the
/// exiftool-vendored JSON decoder both fill this, so both apply the same rules.
struct MWGRegionFields {
    var name: String?
    var type: String?
    var x: Double?
    var y: Double?
    var w: Double?
    var h: Double?
    var unit: String?

    enum Outcome {
        case region(FaceRegion)
        case skipped(SkippedRegion)
    }

    /// Checks the region and turns it into a `FaceRegion`. MWG's `stArea:x`/`y` are the centre
    /// of the rectangle (MWG guidelines 2.0, section 5.9), normalised unless `unit` says pixels.
    func outcome(appliedTo: AppliedDimensions?) -> Outcome {
        func skip(_ reason: String) -> Outcome { .skipped(SkippedRegion(name: name, source: .mwg, reason: reason)) }
        if let type, type.lowercased() != "face" {
            return skip("region type \"\(type)\" is not a face")
        }
        guard let x, let y, let w, let h else {
            return skip("the area has no x, y, w and h (a point, a circle or missing)")
        }
        var scaleX = 1.0, scaleY = 1.0
        switch unit?.lowercased() {
        case nil, "normalized":
            break
        case "pixel":
            // Pixel areas are allowed by the XMP Area type; AppliedToDimensions gives the scale.
            guard let appliedTo, appliedTo.width > 0, appliedTo.height > 0,
                appliedTo.unit == nil || appliedTo.unit?.lowercased() == "pixel"
            else {
                return skip("the area is in pixels but AppliedToDimensions is missing")
            }
            scaleX = 1 / appliedTo.width
            scaleY = 1 / appliedTo.height
        case let other?:
            return skip("the area unit \"\(other)\" is not supported")
        }
        let region = FaceRegion(
            name: name, centerX: x * scaleX, centerY: y * scaleY,
            width: w * scaleX, height: h * scaleY, source: .mwg)
        guard region.isPlausible else {
            return skip("the area (\(x), \(y), \(w), \(h)) is not a normalised rectangle inside the image")
        }
        return .region(region)
    }
}
