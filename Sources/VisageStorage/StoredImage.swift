import Foundation

/// One analysed image, known by the caller's `imageID`. Its faces point at `id`.
public struct StoredImage: Sendable, Hashable {
    /// The store's own key for the image, what faces point at.
    public var id: Int64
    /// The caller's id for the image (a UUID from the photo library, say).
    public var imageID: String
    public var path: String
    /// Displayed (EXIF-rotated) size in pixels; face boxes are in these pixels.
    public var width: Int
    public var height: Int
    public var orientation: Int
    public var contentHash: String?
    public var analyzedAt: Date

    public init(
        id: Int64, imageID: String, path: String, width: Int, height: Int, orientation: Int,
        contentHash: String?, analyzedAt: Date
    ) {
        self.id = id
        self.imageID = imageID
        self.path = path
        self.width = width
        self.height = height
        self.orientation = orientation
        self.contentHash = contentHash
        self.analyzedAt = analyzedAt
    }
}
