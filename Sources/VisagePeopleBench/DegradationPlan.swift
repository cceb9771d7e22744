import Foundation

/// A random mix of one to three degradations at hard but plausible severities, applied in the
/// order a photo meets them: the scene (tilt, occlusion), the optics and sensor (resolution,
/// blur, exposure, noise), the processing (greyscale), and last the compression.
public struct DegradationPlan: Sendable, CustomStringConvertible {
    public var steps: [Degradation]

    public init(steps: [Degradation]) {
        self.steps = steps
    }

    public var description: String { steps.map(\.description).joined(separator: "+") }

    enum Kind: CaseIterable {
        case tilt, occlusion, lowResolution, blur, underExposure, overExposure, noise, greyscale, jpeg
    }

    public static func random(using random: inout BenchRandom) -> DegradationPlan {
        let count = Int.random(in: 1...3, using: &random)
        var kinds = Array(Kind.allCases.shuffled(using: &random).prefix(count))
        // Both exposures at once would cancel out.
        if kinds.contains(.underExposure) && kinds.contains(.overExposure) { kinds.removeAll { $0 == .overExposure } }
        let ordered = Kind.allCases.filter(kinds.contains)
        return DegradationPlan(steps: ordered.map { step($0, using: &random) })
    }

    private static func step(_ kind: Kind, using random: inout BenchRandom) -> Degradation {
        switch kind {
        case .tilt:
            let degrees = Double.random(in: 8...20, using: &random)
            return .tilt(degrees: Bool.random(using: &random) ? degrees : -degrees)
        case .occlusion:
            let occluders: [Degradation.Occluder] = [.mouthAndNose, .eyes, .side]
            return .occlusion(occluders.randomElement(using: &random)!)
        case .lowResolution:
            return .lowResolution(faceWidth: Int.random(in: 20...48, using: &random), restore: Bool.random(using: &random))
        case .blur:
            return .blur(sigma: Double.random(in: 1.5...4, using: &random))
        case .underExposure:
            return .exposure(gain: Double.random(in: 0.2...0.45, using: &random), gamma: Double.random(in: 1.2...1.6, using: &random))
        case .overExposure:
            return .exposure(gain: Double.random(in: 1.8...2.8, using: &random), gamma: Double.random(in: 0.7...0.9, using: &random))
        case .noise:
            return .noise(sigma: Double.random(in: 8...22, using: &random))
        case .greyscale:
            return .greyscale
        case .jpeg:
            return .jpeg(quality: Int.random(in: 6...25, using: &random))
        }
    }

    /// `input` through every step.
    public func apply(to input: DegradedImage, using random: inout BenchRandom) throws -> DegradedImage {
        try steps.reduce(input) { image, step in try step.apply(to: image, using: &random) }
    }
}
