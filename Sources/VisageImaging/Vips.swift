import CVips
import Foundation
import VisageCore

/// Process-wide libvips start-up. libvips must be initialised once before any call; a Swift
/// global `let` gives exactly-once, thread-safe initialisation without a hidden mutable global.
enum Vips {
    /// The libvips version in use, for health reports.
    static var version: String { String(cString: visage_vips_version()) }

    private static let started: Bool = visage_vips_init(0) == 0

    static func ensureStarted() throws {
        guard started else {
            throw VisageError(.imagingUnavailable, "libvips failed to initialise (is libvips42 installed? run scripts/setup.sh)")
        }
    }

    /// Runs a shim call with its error out-parameter, turning failure into the libvips message.
    static func call(_ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32) -> String? {
        var error: UnsafeMutablePointer<CChar>? = nil
        let status = body(&error)
        defer { if let error { visage_vips_free(error) } }
        guard status != 0 else { return nil }
        let text = error.map { String(cString: $0) } ?? "unknown libvips error"
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Copies shim-owned pixels into an `RGBImage` and frees them.
    static func take(_ pixels: visage_rgb_pixels) -> RGBImage {
        let count = Int(pixels.width) * Int(pixels.height) * 3
        let buffer = [UInt8](UnsafeBufferPointer(start: pixels.pixels, count: count))
        visage_vips_free(pixels.pixels)
        return RGBImage(width: Int(pixels.width), height: Int(pixels.height), pixels: buffer)
    }
}
