import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VisageImaging

@testable import VisageServer

/// XMP labels, re-posting, annotated copies and caller mistakes on `POST /faces/recognize`.
@Suite struct RecognitionInputTests {
    static let xmp = CLI.testdata.appendingPathComponent("xmp_face_regions")
    static let orientationFolder = "exif-orientation-vs-face-regions/images/"

    static func recognize(
        _ client: some TestClientProtocol, _ imageID: String, _ path: String, orientation: Int = 1,
        extra: [String: Any] = [:]
    ) async throws -> (status: HTTPResponse.Status, json: [String: Any]) {
        var body: [String: Any] = ["image_id": imageID, "image_path": path, "orientation": orientation]
        body.merge(extra) { $1 }
        return try await HTTPJSON.call(client, .post, "/faces/recognize", body)
    }

    /// Named faces of a response: name -> face centre in displayed normalised coordinates.
    static func namedCentres(_ json: [String: Any]) -> [String: [Double]] {
        var result: [String: [Double]] = [:]
        for face in json["faces"] as? [[String: Any]] ?? [] {
            guard let name = face["person_name"] as? String, let cluster = face["cluster"] as? [String: Any] else { continue }
            result[name] = cluster["centroid"] as? [Double]
        }
        return result
    }

    @Test func xmpRegionsNameTheRightFacesInEveryOrientation() async throws {
        let app = VisageApplication.build(services: try TestServices.make())
        try await app.test(.router) { client in
            // The upright original: each region lies on a detected face (close centres).
            let (status, reference) = try await Self.recognize(
                client, "original", Self.xmp.appendingPathComponent("exif-orientation-vs-face-regions/input/photo.jpg").path)
            #expect(status == .ok)
            let expected = Self.namedCentres(reference)
            #expect(Set(expected.keys) == ["Marie Curie", "Pierre Curie"])
            for face in reference["faces"] as? [[String: Any]] ?? [] where face["person_name"] != nil {
                let match = face["input_face_match"] as? [String: Any]
                #expect((match?["confidence"] as? Double ?? 0) >= 0.5, "region centre far from the face: \(face)")
                #expect(match?["match_strategy"] as? String == "centroid_distance")
            }
            // Rotated copies (EXIF 3, 6, 8), regions embedded, in sidecars, or both: the same
            // names on the same faces. Where the JPEG carries the EXIF orientation the displayed
            // photo is the upright original; the `sidecar` copies keep their orientation only in
            // the sidecar, so they are shown as stored: the original turned back.
            for orientation in [3, 6, 8] {
                for variant in ["embedded", "sidecar", "embedded_sidecar"] {
                    let file = "\(Self.orientationFolder)photo.\(orientation).\(variant).jpg"
                    let (status, json) = try await Self.recognize(
                        client, file, Self.xmp.appendingPathComponent(file).path,
                        orientation: orientation)
                    #expect(status == .ok)
                    let centres = Self.namedCentres(json)
                    #expect(Set(centres.keys) == Set(expected.keys), "\(file)")
                    for (name, centre) in centres {
                        let upright = expected[name] ?? [0, 0]
                        let want: [Double]
                        switch (variant, orientation) {
                        case ("sidecar", 3): want = [1 - upright[0], 1 - upright[1]]
                        case ("sidecar", 6): want = [upright[1], 1 - upright[0]]
                        case ("sidecar", _): want = [1 - upright[1], upright[0]]
                        default: want = upright
                        }
                        #expect(abs(centre[0] - want[0]) < 0.03 && abs(centre[1] - want[1]) < 0.03, "\(file): \(name) at \(centre), expected \(want)")
                    }
                    #expect((json["unmatched_input_faces"] as? [Any])?.isEmpty == true)
                }
            }
            // Labelled faces named their clusters: one cluster per person, with every copy.
            let info = try await HTTPJSON.call(client, .get, "/faceinfo?person_name=Marie%20Curie").json
            let clusters = info["clusters"] as? [[String: Any]] ?? []
            #expect(clusters.count == 1 && clusters.first?["face_count"] as? Int == 10)
        }
    }

    @Test func requestRegionsOverrideTheFileAndNameMismatchIsReported() async throws {
        let app = VisageApplication.build(services: try TestServices.make())
        let photo = Self.xmp.appendingPathComponent("exif-orientation-vs-face-regions/input/photo.jpg").path
        try await app.test(.router) { client in
            let (_, first) = try await Self.recognize(client, "curie", photo)
            let faces = first["faces"] as! [[String: Any]]
            let marie = faces.first { $0["person_name"] as? String == "Marie Curie" }!
            let match = marie["input_face_match"] as! [String: Any]
            let centroid = match["centroid"] as! [Double]
            let box = match["input_bbox"] as! [Double]
            let width = Double(first["width"] as! Int), height = Double(first["height"] as! Int)
            #expect(marie["name_mismatch"] as? Bool == false, "the label named the new cluster: both sources agree")

            // exiftool's RegionInfo in the request: Marie's region under another name, and a
            // region where there is no face.
            let regions: [String: Any] = [
                "AppliedToDimensions": ["W": width, "H": height, "Unit": "pixel"],
                "RegionList": [
                    [
                        "Area": ["X": centroid[0], "Y": centroid[1], "W": box[2] / width, "H": box[3] / height, "Unit": "normalized"],
                        "Name": "Somebody Else", "Type": "Face",
                    ],
                    ["Area": ["X": 0.02, "Y": 0.02, "W": 0.02, "H": 0.02, "Unit": "normalized"], "Name": "Ghost", "Type": "Face"],
                ],
            ]
            let (status, second) = try await Self.recognize(client, "curie", photo, extra: ["xmp_regions": regions])
            #expect(status == .ok)
            let again = (second["faces"] as! [[String: Any]]).first { $0["face_id"] as? Int == marie["face_id"] as? Int }!
            #expect(again["person_name"] as? String == "Somebody Else")
            #expect((again["cluster"] as? [String: Any])?["name"] as? String == "Marie Curie")
            #expect(again["name_mismatch"] as? Bool == true)
            let unmatched = second["unmatched_input_faces"] as? [[String: Any]] ?? []
            #expect(unmatched.map { $0["name"] as? String } == ["Ghost"])
            // Re-posting replaced the faces, it did not add any.
            #expect((second["faces"] as! [Any]).count == faces.count)
            let info = try await HTTPJSON.call(client, .get, "/faceinfo").json
            #expect(info["total_faces"] as? Int == faces.count)
            let pierre = (second["faces"] as! [[String: Any]]).first { ($0["input_face_match"] as? [String: Any]) == nil }
            #expect(pierre?["name_mismatch"] is NSNull, "no region: only one source")
        }
    }

    @Test func mwgAndMicrosoftDisagreementIsDeterministic() async throws {
        let app = VisageApplication.build(services: try TestServices.make())
        let file = Self.xmp.appendingPathComponent("pigallery2/test_assets/digikam.jpg").path
        try await app.test(.router) { client in
            var answers: [[String?]] = []
            for round in 0..<2 {
                let (status, json) = try await Self.recognize(client, "digikam-\(round)", file)
                #expect(status == .ok)
                let matched = (json["faces"] as? [[String: Any]] ?? []).compactMap { ($0["input_face_match"] as? [String: Any])?["name"] as? String }
                let unmatched = (json["unmatched_input_faces"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                answers.append((matched + unmatched).sorted())
            }
            #expect(answers[0] == answers[1])
            #expect(answers[0] == ["Æske Øllegård"], "MWG wins over Microsoft's names")
        }
    }

    @Test func reportingAnnotatedCopy() async throws {
        let directory = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let app = VisageApplication.build(services: try TestServices.make(annotatedDirectory: directory))
        let photo = CLI.testdata.appendingPathComponent("faces_group/face_recognition_obama_and_biden.jpg").path
        try await app.test(.router) { client in
            let (status, json) = try await Self.recognize(client, "group/obama and biden", photo, extra: ["save_annotated": true])
            #expect(status == .ok)
            let path = try #require(json["annotated_image_path"] as? String)
            #expect(path == directory.appendingPathComponent("group_obama_and_biden.jpg").path)
            let header = try ImageDecoder().header(.file(path))
            #expect(header.format == "jpeg" && header.width == json["width"] as? Int && header.height == json["height"] as? Int)
        }
    }

    @Test func callerMistakesGetTheirOwnCodes() async throws {
        let app = VisageApplication.build(services: try TestServices.make())
        let photo = CLI.testdata.appendingPathComponent("faces_group/face_recognition_obama_and_biden.jpg").path
        let corrupt = CLI.testdata.appendingPathComponent("formats/corrupt/sharp_truncated.jpg").path
        let cases: [(method: HTTPRequest.Method, uri: String, body: [String: Any]?, raw: String?, status: HTTPResponse.Status, code: String)] = [
            (.post, "/faces/recognize", ["image_id": "a", "image_path": "/nonexistent.jpg", "orientation": 1], nil, .notFound, "image_not_found"),
            (.post, "/faces/recognize", ["image_id": "a", "image_path": corrupt, "orientation": 1], nil, .badRequest, "image_truncated"),
            (.post, "/faces/recognize", ["image_id": "a", "image_path": photo, "orientation": 9], nil, .badRequest, "invalid_orientation"),
            (.post, "/faces/recognize", ["image_id": "a", "image_path": photo], nil, .badRequest, "invalid_orientation"),
            (.post, "/faces/recognize", ["image_id": "", "image_path": photo, "orientation": 1], nil, .badRequest, "invalid_request"),
            (.post, "/faces/recognize", nil, "{\"image_id\": ", .badRequest, "invalid_json"),
            (
                .post, "/faces/recognize", nil, "{\"image_id\": \"" + String(repeating: "x", count: 3 << 20) + "\"}", .contentTooLarge,
                "request_too_large"
            ),
            (
                .post, "/faces/recognize", ["image_id": "a", "image_path": photo, "orientation": 1, "xmp_regions": ["RegionList": "x"]], nil,
                .badRequest, "invalid_json"
            ),
            (.get, "/faceinfo?cluster_id=cluster_000000000000", nil, nil, .notFound, "cluster_not_found"),
            (.post, "/faces/clusters/cluster_000000000000/name", ["name": "X"], nil, .notFound, "cluster_not_found"),
            (.post, "/faces/clusters/cluster_000000000000/name", ["name": "  "], nil, .notFound, "cluster_not_found"),
            (.post, "/faces/correct", ["image_id": "never-posted", "person_name": "X"], nil, .notFound, "image_unknown"),
            (.post, "/faces/rename", ["old_name": "Nobody", "new_name": "X"], nil, .notFound, "person_not_found"),
            (.get, "/faces/suggestions?min_similarity=abc", nil, nil, .badRequest, "invalid_request"),
            (.get, "/faces/abc/crop", nil, nil, .badRequest, "invalid_request"),
            (.get, "/no/such/route", nil, nil, .notFound, "not_found"),
        ]
        let requests = cases.map { testCase in
            (
                testCase.method, testCase.uri, testCase.raw.map { ByteBuffer(string: $0) } ?? testCase.body.map(HTTPJSON.body),
                testCase.status, testCase.code
            )
        }
        try await app.test(.router) { client in
            for testCase in requests {
                let body = testCase.2
                try await client.execute(
                    uri: testCase.1, method: testCase.0, headers: [.contentType: "application/json"],
                    body: body
                ) { response in
                    let error = HTTPJSON.object(response)["error"] as? [String: Any]
                    #expect(response.status == testCase.3, "\(testCase.1): \(error ?? [:])")
                    #expect(error?["code"] as? String == testCase.4, "\(testCase.1)")
                }
            }
            // A face to correct in a photo with several faces needs face_id.
            _ = try await Self.recognize(client, "group", photo)
            let (status, json) = try await HTTPJSON.call(client, .post, "/faces/correct", ["image_id": "group", "person_name": "X"])
            #expect(status == .badRequest && (json["error"] as? [String: Any])?["code"] as? String == "face_ambiguous")
        }
    }
}
