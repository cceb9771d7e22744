import Foundation
import Testing

/// The EXIF test images show the same picture stored in all 8 orientations: once turned
/// upright, the face must land at the same displayed position in each.
@Suite struct OrientationTests {
    @Test(arguments: ["Landscape", "Portrait"])
    func sameFaceSamePlaceInEveryOrientation(series: String) throws {
        let folder = CLI.testdata.appendingPathComponent("exif_orientation")
        let files = (1...8).map { folder.appendingPathComponent("\(series)_\($0).jpg").path }
        let result = CLI.analyze(files)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.jsonLines
        try #require(lines.count == 8)
        let reference = lines[0]
        let faces = lines.map { FaceRecord.faces($0).max { $0.area < $1.area } }
        let first = try #require(faces[0], "no face in \(series)_1")
        for (index, line) in lines.enumerated() {
            #expect(line["orientation"] as? Int == index + 1)
            #expect(line["width"] as? Int == reference["width"] as? Int && line["height"] as? Int == reference["height"] as? Int,
                    "\(series)_\(index + 1) has a different displayed size")
            let face = try #require(faces[index], "no face in \(series)_\(index + 1)")
            for k in 0..<4 {
                #expect(abs(face.box[k] - first.box[k]) <= 4, "\(series)_\(index + 1): box \(face.box) vs \(first.box)")
            }
        }
    }
}
