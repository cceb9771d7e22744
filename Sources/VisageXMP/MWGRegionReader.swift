import Foundation

/// Reads `mwg-rs:Regions`: `AppliedToDimensions` (stDim:w/h/unit) and the `RegionList` of
/// `Area` (stArea:x/y/w/h/unit, x/y being the centre), `Name` and `Type`.
enum MWGRegionReader {
    static func read(_ regions: RDFResource, into result: inout XMPRegions) {
        let mwg = XMPNamespace.mwgRegions, dimension = XMPNamespace.dimensions, area = XMPNamespace.area
        if let applied = regions.resource(QualifiedName(mwg, "AppliedToDimensions")),
            let width = applied.text(QualifiedName(dimension, "w")).flatMap(Double.init),
            let height = applied.text(QualifiedName(dimension, "h")).flatMap(Double.init)
        {
            result.appliedTo = AppliedDimensions(
                width: width, height: height,
                unit: applied.text(QualifiedName(dimension, "unit")))
        }
        for item in regions.items(QualifiedName(mwg, "RegionList")) {
            let box = item.resource(QualifiedName(mwg, "Area"))
            func number(_ name: String) -> Double? { box?.text(QualifiedName(area, name)).flatMap(Double.init) }
            let fields = MWGRegionFields(
                name: item.text(QualifiedName(mwg, "Name")),
                type: item.text(QualifiedName(mwg, "Type")),
                x: number("x"), y: number("y"), w: number("w"), h: number("h"),
                unit: box?.text(QualifiedName(area, "unit")))
            switch fields.outcome(appliedTo: result.appliedTo) {
            case .region(let region): result.mwg.append(region)
            case .skipped(let skipped): result.skipped.append(skipped)
            }
        }
    }
}
