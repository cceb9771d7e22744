import VisageImaging

/// Maps regions recorded against the stored pixels into the displayed (upright) image.
///
/// The MWG guidelines (2.0, section 5.9) say region metadata applies to the stored image and
/// must be turned with the EXIF orientation; Windows Photo Gallery also writes `MP:RegionInfo`
/// before rotation. Every writer checked in the test data follows this (see docs/XMP.md).
///
/// Pass the orientation the decoder applied to the pixels (`ImageHeader.orientation`, from
/// the embedded EXIF), not a sidecar's `tiff:Orientation`: regions must turn with the pixels
/// Visage actually shows.
public func displayed(_ regions: [FaceRegion], orientation: ExifOrientation) -> [FaceRegion] {
    regions.map { $0.displayed(orientation: orientation) }
}

public extension FaceRegion {
    /// This region in the displayed image. Normalised coordinates live in a unit square, so
    /// the centre maps as a point of a 1x1 image; orientations 5...8 swap width and height.
    func displayed(orientation: ExifOrientation) -> FaceRegion {
        let center = orientation.displayedPoint(x: centerX, y: centerY, storedWidth: 1, storedHeight: 1)
        let swaps = orientation.swapsDimensions
        return FaceRegion(
            name: name, centerX: center.x, centerY: center.y,
            width: swaps ? height : width, height: swaps ? width : height, source: source)
    }
}
