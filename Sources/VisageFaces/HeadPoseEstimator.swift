import Foundation
import VisageCore

/// Head pose from the five landmarks: fits a generic 3-D face (eyes, nose tip, mouth corners)
/// to them under scaled orthographic projection and reads yaw, pitch and roll off the rotation.
/// Good to a few degrees for near-frontal faces, which is what filtering and "best face"
/// choices need; it is not a substitute for a dense 3-D landmark model.
public enum HeadPoseEstimator {
    /// Mean face: x and y are the ArcFace alignment template (a frontal face, so a frontal
    /// face reads as zero pose) centred on the nose, y up; depth z towards the camera follows
    /// the proportions of a generic head model (eyes and mouth corners sit about 0.4 eye
    /// distances behind the nose tip).
    static let model: [(Double, Double, Double)] = [
        (-17.73, 20.04, -14.4), (17.51, 20.24, -14.4), (0, 0, 0), (-14.48, -20.63, -13.3), (14.70, -20.47, -13.3),
    ]

    public static func estimate(_ landmarks: FaceLandmarks) -> HeadPose {
        let image = landmarks.points.map { (x: $0.x, y: -$0.y) }  // y up, like the model
        let n = Double(image.count)
        let mean2 = (image.map(\.x).reduce(0, +) / n, image.map(\.y).reduce(0, +) / n)
        let mean3 = (model.map(\.0).reduce(0, +) / n, model.map(\.1).reduce(0, +) / n, model.map(\.2).reduce(0, +) / n)
        let centred3 = model.map { [$0.0 - mean3.0, $0.1 - mean3.1, $0.2 - mean3.2] }
        // Least squares for the 2x3 projection P with image = P * model: P = U X^T (X X^T)^-1.
        var xxT = [[Double]](repeating: [0, 0, 0], count: 3)
        var uxT = [[Double]](repeating: [0, 0, 0], count: 2)
        for (point, m) in zip(image, centred3) {
            let u = [point.x - mean2.0, point.y - mean2.1]
            for i in 0..<3 { for j in 0..<3 { xxT[i][j] += m[i] * m[j] } }
            for i in 0..<2 { for j in 0..<3 { uxT[i][j] += u[i] * m[j] } }
        }
        guard let inverse = invert3x3(xxT) else { return HeadPose(yaw: 0, pitch: 0, roll: 0) }
        let projection = (0..<2).map { row in (0..<3).map { col in (0..<3).reduce(0) { $0 + uxT[row][$1] * inverse[$1][col] } } }
        // Rows of a scaled rotation: normalise, orthogonalise, complete with the cross product.
        var r1 = normalize(projection[0])
        var r2 = projection[1]
        let d = dot(r1, r2)
        r2 = normalize(zip(r2, r1).map { $0 - d * $1 })
        r1 = normalize(r1)
        let r3 = cross(r1, r2)
        let degrees = 180 / Double.pi
        let pitch = atan2(r2[2], r3[2]) * degrees
        let yaw = asin(max(-1, min(1, -r1[2]))) * degrees
        let roll = atan2(r1[1], r1[0]) * degrees
        // With y flipped up, a clockwise tilt on screen comes out as a positive angle.
        return HeadPose(yaw: -yaw, pitch: pitch, roll: roll)
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
    static func normalize(_ v: [Double]) -> [Double] {
        let n = dot(v, v).squareRoot()
        return n > 0 ? v.map { $0 / n } : v
    }
    static func cross(_ a: [Double], _ b: [Double]) -> [Double] {
        [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
    }
    static func invert3x3(_ m: [[Double]]) -> [[Double]]? {
        let det =
            m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        guard abs(det) > 1e-9 else { return nil }
        let c: [[Double]] = [
            [m[1][1] * m[2][2] - m[1][2] * m[2][1], m[0][2] * m[2][1] - m[0][1] * m[2][2], m[0][1] * m[1][2] - m[0][2] * m[1][1]],
            [m[1][2] * m[2][0] - m[1][0] * m[2][2], m[0][0] * m[2][2] - m[0][2] * m[2][0], m[0][2] * m[1][0] - m[0][0] * m[1][2]],
            [m[1][0] * m[2][1] - m[1][1] * m[2][0], m[0][1] * m[2][0] - m[0][0] * m[2][1], m[0][0] * m[1][1] - m[0][1] * m[1][0]],
        ]
        return c.map { $0.map { $0 / det } }
    }
}
