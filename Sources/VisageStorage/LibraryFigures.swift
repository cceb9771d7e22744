import Foundation

/// How much a face library holds, for a status page: one cheap query, not a walk over faces.
public struct LibraryCounts: Sendable, Hashable {
    public var images: Int
    /// Faces of every embedding model.
    public var faces: Int
    public var clusters: Int
    public var namedClusters: Int

    public init(images: Int, faces: Int, clusters: Int, namedClusters: Int) {
        self.images = images
        self.faces = faces
        self.clusters = clusters
        self.namedClusters = namedClusters
    }
}

/// Who a stored face is, without its embedding or measurements: what a search result shows.
public struct FaceSummary: Sendable, Hashable {
    public var faceID: Int64
    /// The caller's id of the face's image.
    public var imageID: String
    public var clusterID: String?
    /// The name of the face's cluster, if it has one.
    public var clusterName: String?
    /// The face's own label (user or XMP), if it has one.
    public var labelName: String?

    public init(faceID: Int64, imageID: String, clusterID: String?, clusterName: String?, labelName: String?) {
        self.faceID = faceID
        self.imageID = imageID
        self.clusterID = clusterID
        self.clusterName = clusterName
        self.labelName = labelName
    }

    /// The person the face is shown as: its cluster's name, else its label.
    public var name: String? { clusterName ?? labelName }
}
