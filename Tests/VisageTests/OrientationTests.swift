import Foundation
import Testing

@testable import VisageImaging

/// EXIF orientation: every coordinate Visage reports is in the displayed (upright) image.
@Suite struct OrientationTests {
    /// Grace Hopper's portrait stored in orientations 2...8 (WebP with EXIF): after turning
    /// upright, the face is in the same place in every file.
    @Test func sameFaceSamePlaceInEveryOrientation() throws {
        let folder = CLI.testdata.appendingPathComponent("exif_orientation/other_formats_pillow")
        let files = (2...8).map { folder.appendingPathComponent("hopper_orientation_\($0).webp").path }
        let result = CLI.analyze(files)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.jsonLines
        try #require(lines.count == 7)
        let boxes = try lines.enumerated().map { index, line in
            #expect(line["orientation"] as? Int == index + 2)
            return try #require(FaceRecord.faces(line).first, "no face in orientation \(index + 2)").box
        }
        for (index, box) in boxes.enumerated() {
            for k in 0..<4 {
                #expect(abs(box[k] - boxes[0][k]) <= 3, "orientation \(index + 2): box \(box) vs \(boxes[0])")
            }
        }
    }

    /// The Landscape/Portrait series store one photo in all 8 orientations. Displayed, each
    /// must show the same picture as orientation 1: any face in it would land in the same place.
    @Test(arguments: ["Landscape", "Portrait"])
    func everyOrientationDisplaysTheSamePicture(series: String) throws {
        let folder = CLI.testdata.appendingPathComponent("exif_orientation")
        let decoder = ImageDecoder()
        let upright = try decoder.decode(.file(folder.appendingPathComponent("\(series)_1.jpg").path), maxSide: 300).image
        for orientation in 2...8 {
            let decoded = try decoder.decode(.file(folder.appendingPathComponent("\(series)_\(orientation).jpg").path), maxSide: 300)
            #expect(decoded.header.orientation.rawValue == orientation)
            #expect(decoded.image.width == upright.width && decoded.image.height == upright.height)
            guard decoded.image.width == upright.width && decoded.image.height == upright.height else { continue }
            let difference = zip(decoded.image.pixels, upright.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
            let mean = Double(difference) / Double(upright.pixels.count)
            #expect(mean < 6, "\(series)_\(orientation) differs from \(series)_1 by \(mean) per channel once upright")
        }
        // The CLI reports the displayed size and the orientation it applied.
        let files = (1...8).map { folder.appendingPathComponent("\(series)_\($0).jpg").path }
        let lines = CLI.analyze(files, extra: ["--small-faces", "off", "--no-upright-search"]).jsonLines
        #expect(lines.count == 8)
        for (index, line) in lines.enumerated() {
            #expect(line["orientation"] as? Int == index + 1)
            #expect(line["width"] as? Int == (series == "Landscape" ? 1800 : 1200))
        }
    }

    @Test func orientationMapsStoredPointsToDisplay() {
        // A point near the stored top-left corner of a 100x50 image.
        let p = (x: 10.0, y: 5.0)
        let expected: [ExifOrientation: (Double, Double)] = [
            .up: (10, 5), .upMirrored: (90, 5), .down: (90, 45), .downMirrored: (10, 45),
            .leftMirrored: (5, 10), .right: (45, 10), .rightMirrored: (45, 90), .left: (5, 90),
        ]
        for (orientation, point) in expected {
            let mapped = orientation.displayedPoint(x: p.x, y: p.y, storedWidth: 100, storedHeight: 50)
            #expect(mapped.x == point.0 && mapped.y == point.1, "\(orientation)")
        }
    }
}
