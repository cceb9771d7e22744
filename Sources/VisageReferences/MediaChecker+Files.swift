import Foundation
import VisageImaging
import VisageVideo

extension MediaChecker {
    /// Checks the image or video at `path` (told apart by its content): a video through
    /// `sampler`'s frames, an image decoded at most `maxSide` large. The one way routing and
    /// `visage check` read a file.
    public func check(
        fileAt path: String, sampler: VideoFrameSampler, decoder: ImageDecoder, maxSide: Int, tolerance: Double,
        personName: String?
    ) throws -> (result: CheckResult, isVideo: Bool) {
        if MediaSniffer.videoContainer(ofFileAt: path) != nil {
            return (try check(video: try sampler.sample(URL(fileURLWithPath: path)), tolerance: tolerance, personName: personName), true)
        }
        return (try check(image: try decoder.decode(.file(path), maxSide: maxSide), tolerance: tolerance, personName: personName), false)
    }
}
