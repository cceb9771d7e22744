import Foundation
import Testing
import VisageCore
import VisageFaces
import VisageImaging

@testable import VisageTasks

/// Prominence: score, size and centrality together, first on boxes worked out by hand, then on
/// the testdata photos against the face a person would pick.
@Suite struct ProminenceTests {
    static func candidate(_ x: Double, _ y: Double, _ side: Double, _ confidence: Double) -> Prominence.Candidate {
        Prominence.Candidate(box: BoundingBox(x: x, y: y, width: side, height: side), confidence: confidence)
    }

    /// A 1000x800 image: a large face near the left edge, a small sharp one in the middle. The
    /// large one has twice the side (size 1 against 0.5); its centre is 350 pixels from the
    /// image's, half the diagonal is 640, so its centrality is 0.45 and its factor 0.73, the
    /// small one's 1. Roots of the scores: 0.95 and 0.99. So 0.95 x 1 x 0.73 = 0.69 against
    /// 0.99 x 0.5 x 1 = 0.50.
    @Test func aLargeFaceBeatsASmallSharpOneInTheMiddle() {
        let large = Self.candidate(50, 300, 200, 0.90), small = Self.candidate(450, 350, 100, 0.99)
        let scores = Prominence.scores([small, large], width: 1000, height: 800)
        #expect(abs(scores[1] - 0.9.squareRoot() * (0.5 + 0.5 * (1 - 350 / 640.3124))) < 1e-3)
        #expect(Prominence.mostProminent([small, large], width: 1000, height: 800) == 1)
    }

    @Test func atEqualSizeTheCentralFaceWinsAndThenTheSurerOne() {
        let edge = Self.candidate(0, 0, 100, 0.99), centre = Self.candidate(450, 350, 100, 0.80)
        #expect(Prominence.mostProminent([edge, centre], width: 1000, height: 800) == 1)
        let unsure = Self.candidate(450, 350, 100, 0.6), sure = Self.candidate(450, 350, 100, 0.9)
        #expect(Prominence.mostProminent([unsure, sure], width: 1000, height: 800) == 1)
        #expect(Prominence.mostProminent([], width: 1000, height: 800) == nil)
    }
}
