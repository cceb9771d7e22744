import Foundation
import Testing

/// Every file under testdata/formats either decodes or fails with a specific, documented code;
/// nothing crashes or hangs.
@Suite struct AnalyzeFormatsTests {
    static let knownErrorCodes: Set<String> = [
        "image_format_unsupported", "image_truncated", "image_corrupt", "image_too_large", "image_empty",
    ]

    @Test func everyFormatFileDecodesOrFailsClearly() throws {
        let folder = CLI.testdata.appendingPathComponent("formats").path
        let files = try FileManager.default.subpathsOfDirectory(atPath: folder)
            .filter { !$0.hasSuffix(".md") && !$0.hasSuffix(".xmp") }
            .map { (folder as NSString).appendingPathComponent($0) }
            .filter {
                var dir: ObjCBool = false; return FileManager.default.fileExists(atPath: $0, isDirectory: &dir) && !dir.boolValue
            }
            .sorted()
        let result = CLI.analyze(files, extra: ["--small-faces", "off"])
        #expect(result.status == 0 || result.status == 2, "analyze crashed: \(result.stderr)")
        let lines = result.jsonLines
        #expect(lines.count == files.count, "one JSON line per file")
        for line in lines {
            let path = line["path"] as? String ?? "?"
            if let error = line["error"] as? [String: Any] {
                let code = error["code"] as? String ?? ""
                #expect(Self.knownErrorCodes.contains(code), "\(path): unexpected code \(code)")
                #expect(!(error["message"] as? String ?? "").isEmpty, "\(path): error without a message")
            } else {
                #expect((line["width"] as? Int ?? 0) > 0, "\(path): decoded without a size")
            }
        }
        let bomb = lines.first { ($0["path"] as? String)?.hasSuffix("sharp_65536x65536-uint32-limit.png") == true }
        #expect((bomb?["error"] as? [String: Any])?["code"] as? String == "image_too_large")
        // Ordinary photos in odd encodings must decode, not be reported as errors.
        for mustDecode in [
            "heic/iphone_7.heic", "heic/iphone_15_pro.heic", "heic/immich_IMG_2682.heic",
            // Refused by Debian's libheif 1.15; read by libheif 1.20 from .deps/heif.
            "heic/IMG_0307.HEIC", "avif/immich_8bit-sRGB.avif",
            "jxl/immich_8bit-sRGB.jxl", "webp/4.webp", "cmyk_jpeg/pillow_pil_sample_cmyk.jpg",
            "tiff/pillow_hopper_lzw.tif", "png_16bit/libjpeg-turbo_monkey16.png", "mislabeled/this-is-a-jpeg.png",
            "progressive_jpeg/deepface_img49_4352x2903_progressive.jpg", "huge/sharp_giant-image_20000x14000.jpg",
        ] {
            let line = lines.first { ($0["path"] as? String)?.hasSuffix(mustDecode) == true }
            #expect(line?["error"] == nil, "\(mustDecode) should decode: \(String(describing: line?["error"]))")
        }
        // What the README says Debian 12's decoders refuse, with the code it says.
        for (file, code) in [
            "jpeg_special/libjpeg-turbo_monkey12.jpg": "image_format_unsupported", "jxl/immich_16bit-HDR-P3-nclx.jxl": "image_corrupt",
        ] {
            let line = lines.first { ($0["path"] as? String)?.hasSuffix(file) == true }
            #expect((line?["error"] as? [String: Any])?["code"] as? String == code, "\(file): \(String(describing: line?["error"]))")
        }
    }

    @Test func missingFileAndFolderWalk() {
        let result = CLI.analyze(["/nonexistent/photo.jpg"])
        #expect(result.status == 2)
        let error = result.jsonLines.first?["error"] as? [String: Any]
        #expect(error?["code"] as? String == "image_not_found")
    }
}
