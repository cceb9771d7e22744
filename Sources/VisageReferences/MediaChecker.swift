import VisageCore
import VisageFaces
import VisageImaging
import VisageVideo

/// Seed 003's `check_image`, for images and videos: finds the faces, compares each with the
/// active references, and says whether the media shows a reference person.
public struct MediaChecker: Sendable {
    public let analyzer: FaceAnalyzer
    public let library: ReferenceLibrary
    public var tracker: FaceTracker
    /// How many of a track's faces (the best by quality) judge it.
    public var facesPerTrack: Int

    public init(analyzer: FaceAnalyzer, library: ReferenceLibrary, facesPerTrack: Int = 5) {
        self.analyzer = analyzer
        self.library = library
        // Two frames of one person are linked where the model calls two faces the same person.
        tracker = FaceTracker(linkSimilarity: Float(library.scale.samePersonSimilarity))
        self.facesPerTrack = facesPerTrack
    }

    /// `personName`: match only that person's references.
    public func check(image: DecodedImage, tolerance: Double, personName: String?) throws -> CheckResult {
        let matcher = try library.matcher()
        let faces = try analyzer.analyze(image, options: AnalysisOptions(embeddings: true)).filter { $0.embedding != nil }
        let checked = faces.map { face in
            judged(CheckedFace(box: face.detection.box, quality: face.quality?.score), [face.embedding!], matcher, tolerance, personName)
        }
        return Self.summary(checked, tolerance: tolerance, video: nil)
    }

    /// A video's sampled frames: the faces are followed across frames into tracks, and each
    /// track is matched by its best faces.
    public func check(video: SampledVideo, tolerance: Double, personName: String?) throws -> CheckResult {
        let matcher = try library.matcher()
        var perFrame: [[FrameFace]] = []
        let frames = video.frames
        for (index, frame) in frames.enumerated() {
            let faces = try analyzer.analyze(frame.image, options: AnalysisOptions(embeddings: true))
            perFrame.append(faces.map { FrameFace(frame: index, time: frame.time, face: $0) })
        }
        let checked = tracker.tracks(perFrame).map { track -> CheckedFace in
            let best = track.sorted { Self.rank($0.face) > Self.rank($1.face) }.prefix(max(1, facesPerTrack))
            let shown = best.first!
            let face = CheckedFace(
                box: shown.face.detection.box, quality: shown.face.quality?.score, time: shown.time,
                startTime: track.first!.time, endTime: track.last!.time, frames: track.count)
            return judged(face, best.map { $0.face.embedding! }, matcher, tolerance, personName)
        }
        let duration = video.info.duration ?? frames.last?.time ?? 0
        var result = Self.summary(checked, tolerance: tolerance, video: CheckedVideo(duration: duration, framesAnalysed: frames.count))
        result.appearances = PersonAppearance.of(checked)
        return result
    }

    /// Fills in the face's nearest person: the one whose median distance over `embeddings` is
    /// lowest (one poor frame neither makes nor breaks a track), matched when within `tolerance`.
    private func judged(
        _ face: CheckedFace, _ embeddings: [[Float]], _ matcher: ReferenceMatcher, _ tolerance: Double, _ personName: String?
    ) -> CheckedFace {
        var face = face
        let names = personName.map { [$0] } ?? matcher.personNames.sorted()
        var nearest: (name: String, distance: Double)?
        for name in names {
            let distances = embeddings.compactMap { matcher.nearest($0, personName: name)?.distance }.sorted()
            guard !distances.isEmpty else { continue }
            // The upper median: with two frames, both must be close (one lucky frame is no match).
            let median = distances[distances.count / 2]
            if nearest.map({ median < $0.distance }) ?? true { nearest = (name, median) }
        }
        guard let nearest else { return face }
        face.nearestPerson = nearest.name
        face.distance = nearest.distance
        face.confidence = ToleranceScale.confidence(distance: nearest.distance)
        face.personName = nearest.distance <= tolerance ? nearest.name : nil
        return face
    }

    /// Better faces first: quality when measured, else detector confidence.
    private static func rank(_ face: AnalyzedFace) -> Double {
        face.quality?.score ?? face.detection.confidence
    }

    private static func summary(_ faces: [CheckedFace], tolerance: Double, video: CheckedVideo?) -> CheckResult {
        let matched = faces.filter { $0.personName != nil }.min { ($0.distance ?? 9) < ($1.distance ?? 9) }
        let closest = faces.compactMap(\.confidence).max() ?? 0
        return CheckResult(
            hasMatch: matched != nil, personName: matched?.personName, confidence: matched?.confidence ?? closest,
            faceCount: faces.count, faces: faces, tolerance: tolerance, video: video)
    }
}
