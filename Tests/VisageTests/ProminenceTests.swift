import Foundation
import Testing
import VisageCore
import VisageFaces
import VisageImaging

@testable import VisageTasks

/// Prominence: score, size and centrality together, first on boxes worked out by hand, then on
/// the testdata photos against the face a person would pick.
@Suite struct ProminenceTests {
    static func candidate(_ x: Double, _ y: Double, _ side: Double, _ confidence: Double) -> Prominence.Candidate {
        Prominence.Candidate(box: BoundingBox(x: x, y: y, width: side, height: side), confidence: confidence)
    }

    /// A 1000x800 image: a large face near the left edge, a small sharp one in the middle. The
    /// large one has twice the side (size 1 against 0.5); its centre is 350 pixels from the
    /// image's, half the diagonal is 640, so its centrality is 0.45 and its factor 0.73, the
    /// small one's 1. Roots of the scores: 0.95 and 0.99. So 0.95 x 1 x 0.73 = 0.69 against
    /// 0.99 x 0.5 x 1 = 0.50.
    @Test func aLargeFaceBeatsASmallSharpOneInTheMiddle() {
        let large = Self.candidate(50, 300, 200, 0.90), small = Self.candidate(450, 350, 100, 0.99)
        let scores = Prominence.scores([small, large], width: 1000, height: 800)
        #expect(abs(scores[1] - 0.9.squareRoot() * (0.5 + 0.5 * (1 - 350 / 640.3124))) < 1e-3)
        #expect(Prominence.mostProminent([small, large], width: 1000, height: 800) == 1)
    }

    @Test func atEqualSizeTheCentralFaceWinsAndThenTheSurerOne() {
        let edge = Self.candidate(0, 0, 100, 0.99), centre = Self.candidate(450, 350, 100, 0.80)
        #expect(Prominence.mostProminent([edge, centre], width: 1000, height: 800) == 1)
        let unsure = Self.candidate(450, 350, 100, 0.6), sure = Self.candidate(450, 350, 100, 0.9)
        #expect(Prominence.mostProminent([unsure, sure], width: 1000, height: 800) == 1)
        #expect(Prominence.mostProminent([], width: 1000, height: 800) == nil)
    }
}

/// The face `TaskRunner` picks on testdata/faces_group, against the one a person would name.
@Suite struct ProminentFaceOnPhotosTests {
    struct Picked {
        /// The chosen face's centre and side, relative to the image (0...1).
        let x: Double, y: Double, side: Double
        let largestSide: Double
        /// The same of the face the detector is surest of.
        let sureX: Double, sureY: Double
    }

    static func pick(_ name: String) throws -> Picked {
        let decoded = try ImageDecoder().decode(.file(CLI.testdata.appendingPathComponent("faces_group/\(name).jpg").path))
        let runner = TaskRunner(models: TaskModels.facesOnly(TestServices.analyzer), decoded: decoded)
        let face = try #require(try runner.prominentFace(.wholeImage)).detection.box
        let faces = try TestServices.analyzer.analyze(decoded, options: AnalysisOptions(embeddings: false))
        let sure = try #require(faces.max { $0.detection.confidence < $1.detection.confidence }).detection.box
        let width = Double(decoded.header.width), height = Double(decoded.header.height)
        return Picked(
            x: face.center.x / width, y: face.center.y / height, side: face.width / width,
            largestSide: (faces.map(\.detection.box.width).max() ?? 0) / width, sureX: sure.center.x / width,
            sureY: sure.center.y / height)
    }

    /// Solvay 1927: Einstein, front row, middle (the detector is surest of a face on the right).
    @Test func solvayIsEinstein() throws {
        let picked = try Self.pick("solvay_1927")
        #expect((0.50...0.58).contains(picked.x) && (0.50...0.58).contains(picked.y), "\(picked)")
        #expect(picked.sureX > 0.7, "the surest face is no longer elsewhere: \(picked)")
    }

    /// Friends (t1): Ross, in front in the middle, the largest face.
    @Test func friendsIsRoss() throws {
        let picked = try Self.pick("insightface_t1")
        #expect((0.36...0.45).contains(picked.x) && (0.30...0.45).contains(picked.y), "\(picked)")
    }

    /// Obama and Biden: one of the two men, not the girl or the woman at the edge (lower right).
    @Test func obamaAndBidenIsOneOfTheTwoMen() throws {
        let picked = try Self.pick("face_recognition_obama_and_biden")
        #expect((0.35...0.70).contains(picked.x) && picked.y < 0.45, "\(picked)")
    }

    /// The selfie: a foreground face (as large as the largest), not the half-hidden ones behind.
    @Test func selfieIsAForegroundFace() throws {
        let picked = try Self.pick("deepface_selfie-many-people")
        #expect(picked.side >= 0.8 * picked.largestSide, "\(picked)")
    }

    /// The baseball crowd: a face near the middle, where the surest face is at the left edge.
    @Test func crowdIsAFaceNearTheMiddle() throws {
        let picked = try Self.pick("pytorch_retinaface_test")
        #expect(abs(picked.x - 0.5) < 0.15 && abs(picked.y - 0.5) < 0.2, "\(picked)")
        #expect(picked.sureX < 0.2, "the surest face is no longer at the edge: \(picked)")
    }
}

/// testdata/faces_identity (each photo labelled with the person it shows): the prominent face is
/// the labelled person's. In the photos with several faces, it is the face most like the same
/// person's other photos; over all photos, its nearest photo is the same person's.
@Suite struct ProminentFaceIdentityTests {
    struct Photo {
        let identity: String
        let faces: [[Float]]
        let chosen: Int
    }

    static let photos: [Photo] = FacesIdentity.lines.compactMap { line in
        guard let path = line["path"] as? String, let identity = FacesIdentity.identityOf[path] else { return nil }
        let faces = FaceRecord.faces(line)
        let candidates = faces.map {
            Prominence.Candidate(box: BoundingBox(x: $0.box[0], y: $0.box[1], width: $0.box[2], height: $0.box[3]), confidence: $0.confidence)
        }
        let width = Double(line["width"] as? Int ?? 0), height = Double(line["height"] as? Int ?? 0)
        guard let chosen = Prominence.mostProminent(candidates, width: width, height: height) else { return nil }
        return Photo(identity: identity, faces: faces.map(\.embedding), chosen: chosen)
    }

    @Test func inPhotosWithSeveralFacesTheLabelledPersonIsChosen() throws {
        let several = Self.photos.enumerated().filter { $0.element.faces.count > 1 }
        #expect(several.count >= 5)
        for (index, photo) in several {
            let others = Self.photos.enumerated().filter { $0.offset != index && $0.element.identity == photo.identity }
            guard !others.isEmpty else { continue }
            // How like the person's other photos (their chosen faces) each face of this photo is.
            let likeness = photo.faces.map { face in others.map { cosine(face, $0.element.faces[$0.element.chosen]) }.max() ?? -1 }
            #expect(likeness.firstIndex(of: likeness.max()!) == photo.chosen, "\(photo.identity): \(likeness)")
        }
    }

    @Test func everyChosenFacesNearestPhotoIsTheSamePerson() throws {
        var right = 0, total = 0
        for (index, photo) in Self.photos.enumerated() where Self.photos.filter({ $0.identity == photo.identity }).count > 1 {
            let vector = photo.faces[photo.chosen]
            let nearest = Self.photos.enumerated().filter { $0.offset != index }.max {
                cosine(vector, $0.element.faces[$0.element.chosen]) < cosine(vector, $1.element.faces[$1.element.chosen])
            }
            total += 1
            if nearest?.element.identity == photo.identity { right += 1 }
        }
        #expect(total >= 100)
        #expect(Double(right) / Double(total) >= 0.97, "\(right) of \(total)")
    }
}
