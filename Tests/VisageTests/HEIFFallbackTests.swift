import Foundation
import Testing
import VisageCore

@testable import VisageImaging

/// HEIF files that Debian's libheif refuses through libvips decode with the newer libheif
/// scripts/setup.sh installs (.deps/heif), then go through the same post-processing as any image.
@Suite struct HEIFFallbackTests {
    static let folder = CLI.testdata.appendingPathComponent("formats/heic")
    /// 5712x4284 as stored, turned a quarter by its `irot` box: 4284x5712 displayed. libheif 1.15
    /// says "Too many auxiliary image references".
    static let refused = folder.appendingPathComponent("IMG_0307.HEIC").path

    @Test func theLibraryIsInstalledAndNewer() throws {
        guard case .loaded(let library) = HEIFFallback.availability else {
            Issue.record("no libheif fallback: \(HEIFFallback.availability); run scripts/setup.sh")
            return
        }
        #expect(library.version.compare("1.20", options: .numeric) != .orderedAscending, "\(library.version)")
    }

    @Test func anIPhonePhotoDebiansLibheifRefusesDecodes() throws {
        let decoder = ImageDecoder()
        let header = try decoder.header(.file(Self.refused))
        #expect(header.format == "heif" && header.orientation == .up && header.pages == 1)
        #expect(header.width == 4284 && header.height == 5712)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.refused))
        let decoded = try decoder.decode(.bytes(bytes), maxSide: 1024)
        #expect(decoded.image.width == 768 && decoded.image.height == 1024)
        #expect(decoded.header.width == 4284)
    }

    /// Where libvips reads a file too, the fallback gives libvips' picture: the same size, the same
    /// way up (iphone_15_pro.heic is turned by `irot` like IMG_0307), the same colour handling of
    /// its Display P3 profile (measured: 0.005 per channel apart; converting the profile
    /// differently moves this photo by about 0.9).
    @Test func theFallbackGivesWhatLibvipsGives() throws {
        let path = Self.folder.appendingPathComponent("iphone_15_pro.heic").path
        let viaLibvips = try ImageDecoder().decode(.file(path), maxSide: 512).image
        let forced = VisageError(.imageCorrupt, "forced")
        let viaFallback = try HEIFFallback.decode(.file(path), maxSide: 512, after: forced)
        try #require(viaFallback.width == viaLibvips.width && viaFallback.height == viaLibvips.height)
        #expect(viaLibvips.width == 384 && viaLibvips.height == 512)
        let difference = zip(viaFallback.pixels, viaLibvips.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
        let mean = Double(difference) / Double(viaLibvips.pixels.count)
        #expect(mean < 0.5, "mean difference \(mean) per channel")
    }

    /// A file both libheifs refuse fails with libvips' words and libheif 1.20's, and the code of
    /// the more specific: cut short, IMG_0307 is truncated.
    @Test func aFileNeitherReadsFailsWithBothReasons() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.refused)).prefix(2_000_000)
        let error = try #require(throws: VisageError.self) { try ImageDecoder().decode(.bytes(bytes)) }
        #expect(error.code == "image_truncated")
        #expect(error.message.contains("Too many auxiliary image references") && error.message.contains("end of file"), "\(error)")
    }

    /// Files that are not HEIF keep libvips' error, untouched.
    @Test func otherFormatsKeepTheirError() throws {
        let path = CLI.testdata.appendingPathComponent("formats/corrupt/sharp_truncated.png").path
        let failure = VisageError(.imageTruncated, "libvips said so")
        #expect(throws: failure) { try HEIFFallback.decode(.file(path), maxSide: nil, after: failure) }
    }

    /// Through the CLI: IMG_0307 is analysed at its displayed size (a pen on a carpet: no face).
    @Test func analyzeReadsTheRefusedPhoto() throws {
        let line = try #require(CLI.analyze([Self.refused], extra: ["--small-faces", "off"]).jsonLines.first)
        #expect(line["error"] == nil, "\(String(describing: line["error"]))")
        #expect(line["width"] as? Int == 4284 && line["height"] as? Int == 5712)
        #expect(line["faces"] is [Any])
    }

    /// Without the newer library, the refusal stands as before, and says where the decoder comes from.
    @Test func withoutTheLibraryTheRefusalStands() throws {
        let result = CLI.run(
            ["analyze", "--json", "--pack", "lite", "--model-dir", CLI.modelDirectory, Self.refused],
            environment: ["VISAGE_LIBHEIF": "/nonexistent/libheif.so.1"])
        let error = try #require(result.jsonLines.first?["error"] as? [String: Any], "\(result.stdout)")
        #expect(error["code"] as? String == "image_corrupt")
        let message = error["message"] as? String ?? ""
        #expect(message.contains("Too many auxiliary image references") && message.contains("VISAGE_LIBHEIF"), "\(message)")
    }
}

@Suite struct HEIFLibraryLocatorTests {
    @Test func anExplicitPathIsTheOnlyCandidate() {
        let locator = HEIFLibraryLocator(
            environment: ["VISAGE_LIBHEIF": "/nonexistent/libheif.so"], currentDirectory: CLI.repositoryRoot.path, executablePath: nil)
        #expect(locator.locate() == .explicitMissing("/nonexistent/libheif.so"))
    }

    @Test func findsTheWheelAboveTheCurrentDirectory() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("heif-locator-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let libs = root.appendingPathComponent(HEIFLibraryLocator.wheelFolder)
        let nested = root.appendingPathComponent("a/b")
        try FileManager.default.createDirectory(at: libs, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        for name in ["libde265-1.so", "libheif-ab.so.1.9.0", "libheif-cd.so.1.20.2"] {
            FileManager.default.createFile(atPath: libs.appendingPathComponent(name).path, contents: Data())
        }
        let locator = HEIFLibraryLocator(environment: [:], currentDirectory: nested.path, executablePath: nil)
        #expect(locator.locate() == .found(libs.appendingPathComponent("libheif-cd.so.1.20.2").path))
        let elsewhere = HEIFLibraryLocator(environment: [:], currentDirectory: "/", executablePath: nil)
        #expect(elsewhere.locate() == .notFound(tried: ["/" + HEIFLibraryLocator.wheelFolder + "/libheif*.so*"]))
    }
}
