import VisageCore

/// A face seen in one sampled video frame.
public struct FrameFace: Sendable {
    public var frame: Int
    /// Seconds from the start of the clip.
    public var time: Double
    public var face: AnalyzedFace

    public init(frame: Int, time: Double, face: AnalyzedFace) {
        self.frame = frame
        self.time = time
        self.face = face
    }
}

/// Follows faces across sampled frames, so that a person is judged on all the frames they are
/// in rather than on one. Frames are seconds apart, too far for boxes alone to follow a moving
/// face, so a face continues the track whose last face is most like it (cosine at least
/// `linkSimilarity`), among tracks seen in the last `maxGap` frames and not yet continued in
/// this frame; a face that overlaps a track's last box (IoU 0.3 or more) needs only
/// `overlapSimilarity`. Otherwise it starts a track. Greedy, best pairs first.
public struct FaceTracker: Sendable {
    public var linkSimilarity: Float
    public var overlapSimilarity: Float
    public var maxGap: Int

    public init(linkSimilarity: Float, overlapSimilarity: Float? = nil, maxGap: Int = 3) {
        self.linkSimilarity = linkSimilarity
        self.overlapSimilarity = overlapSimilarity ?? linkSimilarity * 0.6
        self.maxGap = maxGap
    }

    /// Tracks in order of first appearance, each in frame order. Faces without an embedding
    /// are left out.
    public func tracks(_ frames: [[FrameFace]]) -> [[FrameFace]] {
        var tracks: [[FrameFace]] = []
        for faces in frames {
            let faces = faces.filter { $0.face.embedding != nil }
            guard let frame = faces.first?.frame else { continue }
            let open = tracks.indices.filter { frame - tracks[$0].last!.frame <= maxGap }
            var pairs: [(similarity: Float, face: Int, track: Int)] = []
            for (faceIndex, face) in faces.enumerated() {
                for track in open {
                    let last = tracks[track].last!.face
                    let similarity = Self.cosine(face.face.embedding!, last.embedding!)
                    let overlapping = face.face.detection.box.iou(last.detection.box) >= 0.3
                    if similarity >= (overlapping ? overlapSimilarity : linkSimilarity) {
                        pairs.append((similarity, faceIndex, track))
                    }
                }
            }
            var placedFaces = Set<Int>(), continuedTracks = Set<Int>()
            for pair in pairs.sorted(by: { $0.similarity > $1.similarity })
            where !placedFaces.contains(pair.face) && !continuedTracks.contains(pair.track) {
                tracks[pair.track].append(faces[pair.face])
                placedFaces.insert(pair.face)
                continuedTracks.insert(pair.track)
            }
            for (faceIndex, face) in faces.enumerated() where !placedFaces.contains(faceIndex) { tracks.append([face]) }
        }
        return tracks
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        guard a.count == b.count else { return -1 }
        var dot: Float = 0
        for index in a.indices { dot += a[index] * b[index] }
        return dot
    }
}
