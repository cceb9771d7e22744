import Foundation
import VisageCore
import VisageImaging

/// The face regions of one image, from its embedded XMP or its sidecar.
public struct ImageFaceRegions: Sendable {
    /// Where the regions in `resolved` came from.
    public enum Origin: Sendable, Hashable {
        case none
        case embedded
        case sidecar(path: String)
    }

    /// The image's stored size and the EXIF orientation the decoder applies.
    public let header: ImageHeader
    public let origin: Origin
    /// Regions after the MWG-over-Microsoft policy, relative to the stored image.
    public let resolved: ResolvedRegions
    /// The sidecar found next to the image, whether or not its regions were used.
    public let sidecarPath: String?
    /// Packets that could not be read (malformed XML, unreadable or oversized sidecar). Reading
    /// goes on with the other packet, so one bad file never hides good regions.
    public let problems: [VisageError]

    /// The regions in the displayed image, where detected faces are reported.
    public var displayedRegions: [FaceRegion] { displayed(resolved.regions, orientation: header.orientation) }
}

/// Reads an image's face regions: the embedded XMP packet and the sidecar.
///
/// When both have regions the sidecar wins, as a whole: photo managers (digiKam, Lightroom,
/// darktable) write edits to the sidecar and leave the original untouched, so the sidecar is the
/// newer statement. A sidecar without regions (say, only ratings) does not hide embedded ones.
/// Within the chosen packet, `RegionSourcePolicy` picks MWG over Microsoft.
public struct FaceRegionReader: Sendable {
    /// Sidecars are a few kilobytes (Lightroom's, with develop settings, some hundreds); a
    /// larger file is not a sidecar worth parsing.
    public static let maxSidecarBytes = 16 * 1024 * 1024

    public var decoder: ImageDecoder
    public var sidecars: SidecarLocator

    public init(decoder: ImageDecoder = ImageDecoder(), sidecars: SidecarLocator = SidecarLocator()) {
        self.decoder = decoder
        self.sidecars = sidecars
    }

    /// Regions for the image file at `path`, looking for its sidecar next to it.
    /// Throws only when the image itself cannot be read (the decoder's error codes).
    public func read(imageAt path: String) throws -> ImageFaceRegions {
        try read(.file(path), sidecarPath: sidecars.sidecar(for: path))
    }

    /// Regions for `source` with an explicitly given sidecar (nil: embedded XMP only).
    public func read(_ source: ImageSource, sidecarPath: String?) throws -> ImageFaceRegions {
        let header = try decoder.header(source)
        var problems: [VisageError] = []

        var embedded: XMPRegions?
        do {
            embedded = try decoder.xmpPacket(source).map(XMPRegions.parse)
        } catch let error as VisageError {
            problems.append(error)
        }

        var sidecar: XMPRegions?
        if let sidecarPath {
            do {
                sidecar = try XMPRegions.parse(Self.readSidecar(sidecarPath))
            } catch let error as VisageError {
                problems.append(VisageError(error.errorCode, "sidecar \(sidecarPath): \(error.message)"))
            }
        }

        let origin: ImageFaceRegions.Origin
        let chosen: XMPRegions
        if let sidecar, sidecar.hasRegions, let sidecarPath {
            (origin, chosen) = (.sidecar(path: sidecarPath), sidecar)
        } else if let embedded, embedded.hasRegions {
            (origin, chosen) = (.embedded, embedded)
        } else {
            // No usable region anywhere; keep what was refused so the caller can say why.
            var nothing = XMPRegions()
            nothing.skipped = (sidecar?.skipped ?? []) + (embedded?.skipped ?? [])
            (origin, chosen) = (.none, nothing)
        }
        return ImageFaceRegions(
            header: header, origin: origin, resolved: RegionSourcePolicy.resolve(chosen),
            sidecarPath: sidecarPath, problems: problems)
    }

    private static func readSidecar(_ path: String) throws -> Data {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= maxSidecarBytes else {
            throw VisageError(.xmpTooLarge, "is \(size) bytes, over the limit of \(maxSidecarBytes) bytes")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VisageError(.xmpUnreadable, "cannot be read")
        }
        return data
    }
}
