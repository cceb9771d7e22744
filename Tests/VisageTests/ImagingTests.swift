import Foundation
import Synchronization
import Testing
import VisageCore

@testable import VisageImaging

@Suite struct ImagingTests {
    let decoder = ImageDecoder()

    @Test func decodesFromBytesByContentNotExtension() throws {
        let path = CLI.testdata.appendingPathComponent("formats/mislabeled/this-is-a-jpeg.png").path
        let decoded = try decoder.decode(.bytes(Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(decoded.header.format == "jpeg")
        #expect(decoded.image.width > 0)
    }

    @Test func pixelLimitRefusesBombBeforeDecoding() throws {
        let path = CLI.testdata.appendingPathComponent("formats/huge/sharp_65536x65536-uint32-limit.png").path
        let start = Date()
        #expect(throws: VisageError.self) { try decoder.decode(.file(path)) }
        do { _ = try decoder.decode(.file(path)) } catch let error as VisageError {
            #expect(error.code == "image_too_large")
            #expect(error.message.contains("65536x65536"))
        }
        #expect(Date().timeIntervalSince(start) < 5, "refusal must not decode the image")
    }

    @Test func hugeJpegShrinksOnLoad() throws {
        let path = CLI.testdata.appendingPathComponent("formats/huge/sharp_giant-image_20000x14000.jpg").path
        let decoded = try decoder.decode(.file(path), maxSide: 2048)
        #expect(decoded.header.width == 20000 && decoded.header.height == 14000)
        #expect(max(decoded.image.width, decoded.image.height) == 2048)
        #expect(abs(decoded.scale - 2048.0 / 20000.0) < 1e-3)
    }

    @Test func corruptAndTruncatedFilesGiveSpecificCodes() throws {
        let folder = CLI.testdata.appendingPathComponent("formats/corrupt")
        let expectations = [
            "all_zero_bytes.JPG": "image_corrupt",
            "sharp_truncated.png": "image_truncated",
            "pillow_truncated_jpeg.jpg": "image_truncated",
        ]
        for (file, code) in expectations {
            do {
                _ = try decoder.decode(.file(folder.appendingPathComponent(file).path))
                Issue.record("\(file) decoded")
            } catch let error as VisageError {
                #expect(error.code == code, "\(file): \(error)")
            }
        }
        #expect(throws: VisageError(.imageEmpty, "the image data is empty")) { try decoder.decode(.bytes(Data())) }
    }

    /// Each failing decode reports its own file and libvips' text about that file, however many
    /// other decodes fail or succeed at the same moment: every concurrent outcome equals the one
    /// the same file gives when decoded alone, as file and as bytes.
    @Test func decodeErrorsBelongToTheirDecode() throws {
        let corrupt = CLI.testdata.appendingPathComponent("formats/corrupt")
        let failing = try FileManager.default.contentsOfDirectory(atPath: corrupt.path).sorted()
            .map { corrupt.appendingPathComponent($0).path }
        let succeeding = [
            "formats/png/immich_density_plot.png", "formats/jpeg_special/invalid-exif.jpg",
            "formats/jpeg_special/junk_jpeg_header.jpg", "faces_group/face_recognition_obama_and_biden.jpg",
        ]
        .map { CLI.testdata.appendingPathComponent($0).path }
        let sources: [ImageSource] = try (failing + succeeding).flatMap { path in
            [.file(path), .bytes(try Data(contentsOf: URL(fileURLWithPath: path)))]
        }
        let decoder = self.decoder
        let outcome: @Sendable (ImageSource) -> String = { source in
            do {
                let decoded = try decoder.decode(source, maxSide: 512)
                return "ok \(decoded.image.width)x\(decoded.image.height)"
            } catch {
                return "\(error)"
            }
        }
        let alone = sources.map(outcome)
        #expect(alone.filter { $0.hasPrefix("ok") }.count >= succeeding.count * 2, "\(alone)")
        #expect(alone.filter { !$0.hasPrefix("ok") }.count >= 10, "most of formats/corrupt fails")

        let rounds = 6
        let together = Mutex<[Int: String]>([:])
        DispatchQueue.concurrentPerform(iterations: sources.count * rounds) { run in
            let index = (run * 7) % sources.count  // interleave files and formats
            let result = outcome(sources[index])
            together.withLock { results in
                if let earlier = results[index], earlier != result { results[-1 - index] = result }
                results[index] = result
            }
        }
        let results = together.withLock { $0 }
        for (index, expected) in alone.enumerated() {
            #expect(results[index] == expected, "\(sources[index]) alone vs concurrent")
            #expect(results[-1 - index] == nil, "\(sources[index]) gave different outcomes: \(results[-1 - index] ?? "")")
        }
    }

    /// When libvips gives no message, the bytes decide: an image cut off before its format's end
    /// marker is truncated.
    @Test func anEmptyErrorMessageIsClassifiedFromTheBytes() throws {
        let folder = CLI.testdata.appendingPathComponent("formats/corrupt")
        for file in ["sharp_truncated.jpg", "sharp_truncated.png", "pillow_truncated_jpeg.jpg"] {
            let path = folder.appendingPathComponent(file).path
            #expect(ImageDecoder.classify("", source: .file(path), stage: .pixels).code == "image_truncated", "\(file)")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(ImageDecoder.classify("", source: .bytes(bytes), stage: .pixels).code == "image_truncated", "\(file)")
        }
        let whole = CLI.testdata.appendingPathComponent("faces_group/face_recognition_obama_and_biden.jpg").path
        #expect(ImageDecoder.classify("", source: .file(whole), stage: .pixels).code == "image_corrupt")
        #expect(ImageDecoder.classify("", source: .file("/no/such/file"), stage: .header).code == "image_corrupt")
    }

    @Test func similarityTransformRecoversRotationScaleAndShift() {
        let truth = SimilarityTransform(a: 0.8 * cos(0.3), b: 0.8 * sin(0.3), tx: 12, ty: -7)
        let source = [Point(x: 10, y: 20), Point(x: 50, y: 22), Point(x: 30, y: 40), Point(x: 15, y: 60), Point(x: 45, y: 61)]
        let estimated = SimilarityTransform.estimate(from: source, to: source.map(truth.apply))
        #expect(abs(estimated.a - truth.a) < 1e-9 && abs(estimated.b - truth.b) < 1e-9)
        #expect(abs(estimated.tx - truth.tx) < 1e-9 && abs(estimated.ty - truth.ty) < 1e-9)
        let roundTrip = estimated.inverse.apply(estimated.apply(Point(x: 3, y: 4)))
        #expect(abs(roundTrip.x - 3) < 1e-9 && abs(roundTrip.y - 4) < 1e-9)
    }

    @Test func quarterTurnsMapPointsBack() {
        var image = RGBImage(width: 4, height: 3)
        image.pixels[(1 * 4 + 3) * 3] = 255  // red pixel at (3, 1)
        for turn in QuarterTurn.allCases {
            let turned = image.rotated(turn)
            let index = stride(from: 0, to: turned.pixels.count, by: 3).first { turned.pixels[$0] == 255 }!
            let x = (index / 3) % turned.width, y = (index / 3) / turned.width
            let back = turn.originalPoint(Point(x: Double(x) + 0.5, y: Double(y) + 0.5), width: 4, height: 3)
            #expect(back == Point(x: 3.5, y: 1.5), "\(turn)")
        }
    }

    @Test func areaShrinkAveragesAndEnlargeInterpolates() {
        let image = RGBImage(
            width: 4, height: 2,
            pixels: [UInt8]([
                0, 0, 0, 100, 100, 100, 200, 200, 200, 50, 50, 50,
                0, 0, 0, 100, 100, 100, 200, 200, 200, 50, 50, 50,
            ]))
        let half = image.resampled(width: 2, height: 1)
        #expect(half.pixels == [50, 50, 50, 125, 125, 125])
        let grown = RGBImage(width: 2, height: 1, pixels: [0, 0, 0, 200, 200, 200]).resampled(width: 4, height: 1)
        #expect(grown.pixels == [0, 0, 0, 50, 50, 50, 150, 150, 150, 200, 200, 200])
    }

    @Test func encodesJpegThatDecodesAgain() throws {
        let image = RGBImage(width: 16, height: 8, fill: 128)
        let jpeg = try image.encoded(.jpeg(quality: 90))
        let decoded = try decoder.decode(.bytes(jpeg))
        #expect(decoded.header.format == "jpeg" && decoded.image.width == 16 && decoded.image.height == 8)
    }
}

@Suite struct AlignmentTests {
    /// A real face aligned to the ArcFace and headshot templates: the landmarks land on the
    /// template points and the crops have the template's size.
    @Test func alignsRealFaceOntoTemplates() throws {
        let path = CLI.testdata.appendingPathComponent("faces_group/face_recognition_obama_and_biden.jpg").path
        let line = try #require(CLI.analyze([path]).jsonLines.first)
        let face = try #require(FaceRecord.faces(line).first)
        let names = ["left_eye", "right_eye", "nose", "left_mouth", "right_mouth"]
        let landmarks = FaceLandmarks(
            points: try names.map { name in
                let p = try #require(face.landmarks[name])
                return Point(x: p[0], y: p[1])
            })
        let image = try ImageDecoder().decode(.file(path)).image
        for template in [AlignmentTemplate.arcFace112, .headshot160] {
            let crop = image.aligned(landmarks, to: template)
            #expect(crop.width == template.size && crop.height == template.size)
            let transform = template.transform(for: landmarks)
            for (point, target) in zip(landmarks.points, template.points) {
                let mapped = transform.apply(point)
                #expect(abs(mapped.x - target.x) < Double(template.size) * 0.05 && abs(mapped.y - target.y) < Double(template.size) * 0.05)
            }
            // The crop is a face, not padding: most pixels are not black.
            let dark = stride(from: 0, to: crop.pixels.count, by: 3).filter {
                crop.pixels[$0] < 8 && crop.pixels[$0 + 1] < 8 && crop.pixels[$0 + 2] < 8
            }.count
            #expect(dark < template.size * template.size / 10)
            let jpeg = try crop.encoded(.jpeg(quality: 90))
            #expect(try ImageDecoder().decode(.bytes(jpeg)).image.width == template.size)
        }
    }
}
