import Foundation

/// Reads Microsoft Photo people tags: `MP:RegionInfo/MPRI:Regions`, each with
/// `MPReg:PersonDisplayName` and `MPReg:Rectangle` = "x, y, w, h", normalised, x/y being the
/// top-left corner (Windows Imaging Component people-tagging schema).
enum MicrosoftRegionReader {
    static func read(_ info: RDFResource, into result: inout XMPRegions) {
        let region = XMPNamespace.microsoftRegion
        for item in info.items(QualifiedName(XMPNamespace.microsoftRegionInfo, "Regions")) {
            let name = item.text(QualifiedName(region, "PersonDisplayName"))
            guard let text = item.text(QualifiedName(region, "Rectangle")) else {
                // A tag for the whole photo: a name, no rectangle.
                if let name { result.microsoftNamesWithoutArea.append(name) }
                continue
            }
            let numbers = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard numbers.count == 4, let left = numbers[0], let top = numbers[1],
                let width = numbers[2], let height = numbers[3]
            else {
                result.skipped.append(
                    SkippedRegion(
                        name: name, source: .microsoft,
                        reason: "the rectangle \"\(text)\" is not four numbers"))
                continue
            }
            if width == 0 && height == 0 {
                // Windows Photo Gallery writes "0, 0, 0, 0" for a person tagged on the whole photo.
                if let name { result.microsoftNamesWithoutArea.append(name) }
                continue
            }
            let face = FaceRegion(name: name, left: left, top: top, width: width, height: height, source: .microsoft)
            if face.isPlausible {
                result.microsoft.append(face)
            } else {
                result.skipped.append(
                    SkippedRegion(
                        name: name, source: .microsoft,
                        reason: "the rectangle \"\(text)\" is not inside the image"))
            }
        }
    }
}
