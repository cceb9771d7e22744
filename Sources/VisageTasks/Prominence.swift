import Foundation
import VisageCore

/// Which of several detections (faces or people) is "the" one of an image: the one a person
/// looking at the photo would name. The detector's score alone is not it: a small, sharp face in
/// the background often scores higher than the blurred-edged subject in front. So size, place
/// and score are weighed together:
///
///     prominence = sqrt(confidence) x size x (0.5 + 0.5 x centrality)
///
/// - `size`: the box's side relative to the largest candidate's, `sqrt(area / largest area)`
///   (0...1). Linear, so a face half as wide counts half.
/// - `centrality`: `1 - d`, with `d` the distance from the box's centre to the image's centre
///   divided by half the image's diagonal (1 in the middle, 0 in a corner). It can at most halve
///   the prominence: a large subject off to one side still beats a small one in the middle.
/// - `sqrt(confidence)`: detections are already above the detector's threshold; the root keeps
///   a score difference of 0.99 against 0.80 from outweighing a face twice as large.
///
/// Ties go to the earlier candidate.
public enum Prominence {
    public struct Candidate: Sendable, Equatable {
        public var box: BoundingBox
        public var confidence: Double

        public init(box: BoundingBox, confidence: Double) {
            self.box = box
            self.confidence = confidence
        }
    }

    /// Each candidate's prominence, in order, in an image of `width` x `height` pixels.
    public static func scores(_ candidates: [Candidate], width: Double, height: Double) -> [Double] {
        let largest = candidates.map(\.box.area).max() ?? 0
        guard largest > 0, width > 0, height > 0 else { return candidates.map { _ in 0 } }
        let halfDiagonal = (width * width + height * height).squareRoot() / 2
        return candidates.map { candidate in
            let size = (candidate.box.area / largest).squareRoot()
            let centre = candidate.box.center
            let distance = ((centre.x - width / 2) * (centre.x - width / 2) + (centre.y - height / 2) * (centre.y - height / 2)).squareRoot()
            let centrality = max(0, 1 - distance / halfDiagonal)
            return max(0, min(1, candidate.confidence)).squareRoot() * size * (0.5 + 0.5 * centrality)
        }
    }

    /// The index of the most prominent candidate, nil when there are none.
    public static func mostProminent(_ candidates: [Candidate], width: Double, height: Double) -> Int? {
        let values = scores(candidates, width: width, height: height)
        guard var best = values.indices.first else { return nil }
        for index in values.indices where values[index] > values[best] { best = index }
        return best
    }
}
