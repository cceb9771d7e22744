import Foundation
import Testing
import VisageCore
import VisageImaging
import VisageInference

@testable import VisageFaces

/// The SCRFD decoder (used by the buffalo packs' det_10g / det_500m) on the SCRFD models that
/// ship in the model mirror, on real photos.
@Suite struct SCRFDDetectorTests {
    static func detector(_ file: String) throws -> SCRFDDetector {
        let session = try InferenceSession(
            runtime: try OnnxRuntime.load(),
            modelPath: CLI.mirror.appendingPathComponent("face_detector/\(file)").path,
            options: SessionOptions(intraOpThreads: 1, device: .cpu))
        return try SCRFDDetector(session: session)
    }

    static func image(_ relative: String) throws -> RGBImage {
        try ImageDecoder().decode(.file(CLI.testdata.appendingPathComponent(relative).path)).image
    }

    @Test(arguments: ["scrfd_500m_bnkps.onnx", "scrfd_2.5g_bnkps_640.onnx"])
    func findsEveryFaceWithUprightLandmarks(model: String) throws {
        let faces = try Self.detector(model).detect(in: try Self.image("faces_group/face_recognition_obama_and_biden.jpg"))
        #expect(faces.count == 3, "Obama, Biden and a child: found \(faces.count)")
        for face in faces {
            let marks = face.landmarks
            #expect(marks.leftEye.x < marks.rightEye.x && marks.leftMouth.x < marks.rightMouth.x)
            #expect(max(marks.leftEye.y, marks.rightEye.y) < marks.nose.y && marks.nose.y < min(marks.leftMouth.y, marks.rightMouth.y))
            let margin = face.box.width * 0.1
            for point in marks.points {
                #expect(
                    point.x > face.box.x - margin && point.x < face.box.maxX + margin
                        && point.y > face.box.y - margin && point.y < face.box.maxY + margin, "landmark outside its box")
            }
        }
    }

    @Test func tiledSCRFDFindsTheSolvayFaces() throws {
        let tiled = TiledDetection(detector: try Self.detector("scrfd_2.5g_bnkps_640.onnx"), mode: .auto)
        let faces = try tiled.detect(in: try Self.image("faces_group/solvay_1927.jpg"))
        #expect(faces.count >= 27 && faces.count <= 31, "found \(faces.count) of 29")
    }
}
