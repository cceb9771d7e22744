import VisageCore

/// Seed 003's `check_image` result for one image or video.
public struct CheckResult: Sendable {
    /// Whether any face (or, in a video, any track) matched a reference within the tolerance.
    public var hasMatch: Bool
    /// The best match's person; nil without a match.
    public var personName: String?
    /// The best face's confidence (`1 - distance`) toward its nearest reference person, matched
    /// or not; 0 with no face or no reference.
    public var confidence: Double
    /// Faces found: in a video, the tracks (a person followed across frames).
    public var faceCount: Int
    public var faces: [CheckedFace]
    public var tolerance: Double
    /// For a video: how many frames were analysed and the clip's length.
    public var video: CheckedVideo?
    /// For a video: when each matched person is on screen, their tracks joined where they
    /// overlap or are less than `PersonAppearance.joiningGap` apart (a cut or a turned head
    /// breaks a track; the person is still there).
    public var appearances: [PersonAppearance] = []
}

/// A stretch of a video in which a reference person is seen.
public struct PersonAppearance: Sendable, Equatable {
    /// Seconds: tracks of one person closer than this are one appearance.
    public static let joiningGap = 2.5

    public var personName: String
    public var start: Double
    public var end: Double
    /// Sampled frames in which the person's face was seen.
    public var frames: Int

    /// The matched tracks' appearances, by person and time.
    static func of(_ faces: [CheckedFace]) -> [PersonAppearance] {
        var result: [PersonAppearance] = []
        let matched = faces.filter { $0.personName != nil && $0.startTime != nil }
        for (name, tracks) in Dictionary(grouping: matched, by: { $0.personName! }).sorted(by: { $0.key < $1.key }) {
            var current: PersonAppearance?
            for track in tracks.sorted(by: { $0.startTime! < $1.startTime! }) {
                let start = track.startTime!, end = track.endTime ?? start, frames = track.frames ?? 1
                if var open = current, start - open.end <= joiningGap {
                    open.end = max(open.end, end)
                    open.frames += frames
                    current = open
                } else {
                    if let open = current { result.append(open) }
                    current = PersonAppearance(personName: name, start: start, end: end, frames: frames)
                }
            }
            if let open = current { result.append(open) }
        }
        return result
    }
}

/// One face of an image, or one track of a video.
public struct CheckedFace: Sendable {
    /// In displayed pixels (of the frame, for a video: its best face's box).
    public var box: BoundingBox
    /// The person matched within the tolerance; nil otherwise.
    public var personName: String?
    /// Toward the nearest reference person (matched or not); nil with no reference to compare.
    public var distance: Double?
    public var confidence: Double?
    /// The nearest reference person, whether within the tolerance or not.
    public var nearestPerson: String?
    public var quality: Double?
    /// For a video: the time of the frame the box is from, and when the track begins and ends.
    public var time: Double?
    public var startTime: Double?
    public var endTime: Double?
    /// For a video: the frames the track is seen in.
    public var frames: Int?
}

public struct CheckedVideo: Sendable {
    public var duration: Double
    public var framesAnalysed: Int
}
