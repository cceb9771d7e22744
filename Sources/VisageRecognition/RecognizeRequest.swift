import VisageCore
import VisageImaging
import VisageXMP

/// One image to recognise, as the seed's `POST /faces/recognize` body describes it.
public struct RecognizeRequest: Sendable {
    /// The caller's id for the image. Posting the same id again replaces its faces.
    public var imageID: String
    /// A file the server can read.
    public var imagePath: String
    /// The EXIF orientation the caller read (1-8). Regions given in `xmpRegions` refer to the
    /// stored pixels and are turned with it; faces are always reported in the displayed image,
    /// which the decoder turns with the file's own EXIF orientation.
    public var orientation: Int
    /// exiftool's `RegionInfo`. When nil, regions are read from the file and its sidecar.
    public var xmpRegions: ExiftoolRegionInfo?
    /// Write an annotated copy to the annotated-images directory.
    public var saveAnnotated: Bool
    /// The image at `imagePath`, already decoded by a caller that checked it (the server's input
    /// policy), so the pixels analysed are the bytes checked and the file is not opened twice.
    /// When nil, the file at `imagePath` is decoded. XMP regions are still read from the path.
    public var image: DecodedImage?

    public init(
        imageID: String, imagePath: String, orientation: Int, xmpRegions: ExiftoolRegionInfo? = nil,
        saveAnnotated: Bool = false, image: DecodedImage? = nil
    ) {
        self.imageID = imageID
        self.imagePath = imagePath
        self.orientation = orientation
        self.xmpRegions = xmpRegions
        self.saveAnnotated = saveAnnotated
        self.image = image
    }

    /// Checks what can be checked before touching the file (the server calls it before decoding).
    public func validated() throws -> (orientation: ExifOrientation, imageID: String) {
        let id = imageID.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !id.isEmpty else { throw VisageError(.invalidRequest, "image_id must not be empty") }
        guard let orientation = ExifOrientation(rawValue: orientation) else {
            throw VisageError(.invalidOrientation, "orientation must be an EXIF orientation from 1 to 8, got \(orientation)")
        }
        return (orientation, id)
    }
}
