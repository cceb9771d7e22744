import VisageCore
import VisageFaces
import VisageStorage
import VisageVideo

extension ReferenceIntake {
    /// Adds a video's main face as a reference of `personName`: the faces of the sampled frames
    /// are followed into tracks, the track seen in the most frames is the video's subject (ties:
    /// the one with the better best face), and its best face (by quality) becomes the reference.
    /// 422 `face_not_detected` when no frame shows a face.
    public func add(personName: String, video: SampledVideo, source: String?, actor: String?) throws -> ReferenceFace {
        var perFrame: [[FrameFace]] = []
        for (index, frame) in video.frames.enumerated() {
            let faces = try analyzer.analyze(frame.image, options: AnalysisOptions(embeddings: true))
            perFrame.append(faces.map { FrameFace(frame: index, time: frame.time, face: $0) })
        }
        let tracker = FaceTracker(linkSimilarity: Float(library.scale.samePersonSimilarity))
        let best = tracker.tracks(perFrame).compactMap { track in
            track.max { Self.rank($0.face) < Self.rank($1.face) }.map { (frames: track.count, face: $0.face) }
        }.max { ($0.frames, Self.rank($0.face)) < ($1.frames, Self.rank($1.face)) }
        guard let face = best?.face, let embedding = face.embedding else {
            throw VisageError(.faceNotDetected, "no face was found in the video's \(video.frames.count) sampled frames")
        }
        let new = NewReferenceFace(
            personName: personName, embedding: embedding, embeddingModel: analyzer.embeddingModelName,
            referenceImagePath: source, box: face.detection.box, quality: face.quality?.score)
        return try library.add([new], actor: actor)[0]
    }

    private static func rank(_ face: AnalyzedFace) -> Double {
        face.quality?.score ?? face.detection.confidence
    }
}
