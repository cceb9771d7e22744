import Foundation
import Testing

@Suite struct DetectionRecallTests {
    /// The Solvay conference photo: 29 people, small faces in a 1280x926 greyscale scan.
    @Test func solvayGroupPhotoFindsNearlyEveryone() throws {
        let path = CLI.testdata.appendingPathComponent("faces_group/solvay_1927.jpg").path
        let result = CLI.analyze([path])
        #expect(result.status == 0, "\(result.stderr)")
        let faces = FaceRecord.faces(try #require(result.jsonLines.first))
        #expect(faces.count >= 27, "found \(faces.count) of 29 faces")
        #expect(faces.count <= 31, "found \(faces.count) faces: false positives")
        for face in faces {
            // Every face has all five landmarks inside (or near) its box and a sane pose.
            #expect(face.landmarks.count == 5)
            #expect(abs(face.pose["yaw"] ?? 999) <= 90 && abs(face.pose["roll"] ?? 999) <= 90)
        }
    }

    /// Without the tiled pass the same photo loses faces; the pass is what finds them.
    @Test func tiledPassAddsSmallFaces() throws {
        let path = CLI.testdata.appendingPathComponent("faces_group/solvay_1927.jpg").path
        let tiled = FaceRecord.faces(try #require(CLI.analyze([path], extra: ["--small-faces", "always"]).jsonLines.first))
        let single = FaceRecord.faces(try #require(CLI.analyze([path], extra: ["--small-faces", "off"]).jsonLines.first))
        #expect(tiled.count >= single.count)
    }
}
