import Foundation
import Testing
import VisageCore
import VisageServer

@testable import VisageInput

/// Settings from the environment are checked when they are read: a bad value stops the start
/// with the variable's name and never reaches a request (`REQUEST_TIMEOUT=1e20` once crashed the
/// first `/extract-faces` request).
@Suite struct ConfigurationTests {
    @Test func parsesNumbersFlagsAndRanges() throws {
        let settings = EnvironmentSettings(["A": " 12 ", "B": "0.5", "C": "Yes", "E": "", "N": "nan", "I": "-inf", "H": "1e400"])
        #expect(try settings.integer("A", in: 1...20) == 12)
        #expect(try settings.number("B", in: 0...1) == 0.5)
        #expect(try settings.flag("C") == true)
        #expect(try settings.integer("E", in: 1...2) == nil && settings.string("MISSING") == nil)
        for (name, check) in [
            ("N", { try settings.number("N", in: 0...1e9) }), ("I", { try settings.number("I", in: -1e9...1e9) }),
            ("H", { try settings.number("H", in: 0...1e300) }), ("A", { try settings.number("A", in: 0...10) }),
        ] {
            let error = #expect(throws: VisageError.self) { _ = try check() }
            #expect(error?.code == "invalid_configuration" && error?.message.hasPrefix(name) == true, "\(error?.message ?? "")")
        }
        #expect(throws: VisageError.self) { try settings.integer("B", in: 0...10) }
    }

    @Test func extractionSettingsRefuseValuesThatWouldOverflow() throws {
        for (name, value) in [
            ("REQUEST_TIMEOUT", "1e20"), ("REQUEST_TIMEOUT", "nan"), ("REQUEST_TIMEOUT", "0"),
            ("MAX_IMAGES_PER_REQUEST", "0"), ("MIN_FACE_SIZE", "-1"), ("VISAGE_MAX_REQUEST_BYTES", "1e9"),
        ] {
            let error = #expect(throws: VisageError.self, "\(name)=\(value)") { try ExtractionSettings.fromEnvironment([name: value]) }
            #expect(error?.message.hasPrefix(name) == true)
        }
        let settings = try ExtractionSettings.fromEnvironment(["REQUEST_TIMEOUT": "0.5", "MIN_FACE_SIZE": "0"])
        #expect(settings.requestTimeout == 0.5 && settings.minFaceSize == 0 && settings.maxImagesPerRequest == 100)
    }

    @Test func serveAndAnalyzeStopOnABadSetting() throws {
        let data = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let serve = CLI.run(
            ["serve", "--port", "0", "--data", data.path, "--model-dir", CLI.modelDirectory],
            environment: ["REQUEST_TIMEOUT": "1e20"], timeout: 60)
        #expect(serve.status == 1)
        #expect(serve.stderr.contains("[invalid_configuration]: REQUEST_TIMEOUT must be"), "\(serve.stderr)")
        let photo = CLI.testdata.appendingPathComponent("faces_group/face_recognition_obama_and_biden.jpg").path
        let analyze = CLI.run(
            ["analyze", "--json", "--pack", "lite", "--model-dir", CLI.modelDirectory, photo],
            environment: ["VISAGE_MAX_SIDE": "nan"], timeout: 60)
        #expect(analyze.status == 1 && analyze.stderr.contains("VISAGE_MAX_SIDE must be"), "\(analyze.stderr)")
    }
}

/// Formatting helpers that turn a Double into an Int refuse what `Int(_:)` would trap on.
@Suite struct SecondsFormattingTests {
    @Test func nonFiniteAndHugeSecondsFormatWithoutTrapping() {
        #expect(ImageFetcher.format(2) == "2" && ImageFetcher.format(2.5) == "2.50")
        for value in [Double.nan, .infinity, -.infinity, 1e300] {
            #expect(!ImageFetcher.format(value).isEmpty)
        }
    }
}
