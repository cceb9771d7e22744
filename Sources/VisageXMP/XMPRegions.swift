import Foundation
import VisageImaging

/// Everything about face regions one XMP packet says, per source, before any policy is applied
/// (`RegionSourcePolicy` decides which source to use).
public struct XMPRegions: Sendable, Hashable {
    /// MWG face regions in document order, normalised, relative to the stored image.
    public var mwg: [FaceRegion] = []
    /// Microsoft Photo regions in document order, normalised, relative to the stored image.
    public var microsoft: [FaceRegion] = []
    /// MWG `AppliedToDimensions`, when written.
    public var appliedTo: AppliedDimensions?
    /// Microsoft people tags that name someone without a rectangle (whole-photo tags).
    public var microsoftNamesWithoutArea: [String] = []
    /// Regions listed but refused (not a face, no usable area), with the reason.
    public var skipped: [SkippedRegion] = []
    /// `tiff:Orientation` as the packet states it. Sidecars repeat the image's orientation here;
    /// Visage displays images by their embedded EXIF orientation, which is what regions must be
    /// mapped through, so this is informational only.
    public var declaredOrientation: ExifOrientation?

    public init() {}

    /// True when either source has at least one usable region.
    public var hasRegions: Bool { !mwg.isEmpty || !microsoft.isEmpty }

    /// Reads the regions in an XMP packet (embedded packet or sidecar file contents).
    /// Throws `xmp_malformed` when the packet is not well-formed XML.
    public static func parse(_ packet: Data) throws -> XMPRegions {
        let root = try XMLElementTree.parse(Self.trimmingPadding(packet))
        var result = XMPRegions()
        // The properties of the photo are those of the top-level rdf:Description elements;
        // writers split them over one description per namespace or put all in one.
        guard let rdf = root.first(QualifiedName(XMPNamespace.rdf, "RDF")) else { return result }
        let descriptions = rdf.children(QualifiedName(XMPNamespace.rdf, "Description")).map(RDFResource.init)
        func firstValue<T>(_ read: (RDFResource) -> T?) -> T? {
            for description in descriptions {
                if let value = read(description) { return value }
            }
            return nil
        }

        if let regions = firstValue({ $0.resource(QualifiedName(XMPNamespace.mwgRegions, "Regions")) }) {
            MWGRegionReader.read(regions, into: &result)
        }
        if let info = firstValue({ $0.resource(QualifiedName(XMPNamespace.microsoftPhoto, "RegionInfo")) }) {
            MicrosoftRegionReader.read(info, into: &result)
        }
        if let value = firstValue({ $0.text(QualifiedName(XMPNamespace.tiff, "Orientation")) }) {
            result.declaredOrientation = Int(value).flatMap(ExifOrientation.init(rawValue:))
        }
        return result
    }

    /// Embedded packets can end in NUL padding, which XML parsers reject. Whole NUL characters
    /// only: the last `>` of a UTF-16LE packet ends in a zero byte too.
    private static func trimmingPadding(_ packet: Data) -> Data {
        let width = XMLInputScreen.codeUnitWidth(packet)
        var end = packet.endIndex
        while end - packet.startIndex >= width, (end - packet.startIndex) % width == 0,
            packet[(end - width)..<end].allSatisfy({ $0 == 0 })
        {
            end -= width
        }
        return packet[packet.startIndex..<end]
    }
}
