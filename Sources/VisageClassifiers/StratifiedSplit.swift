import VisageCore

/// The held-out split of one training run: each class shuffled with the seed and cut on its own,
/// so both classes are in both parts in the proportions they came in.
public struct StratifiedSplit: Sendable, Equatable {
    /// Per class: at least two to train on and one to hold out.
    public static let minimumPerClass = 3
    public static let fractionRange = 0.05...0.5

    /// Indices into the labels, each part in the order the seed's shuffle gave.
    public let training: [Int]
    public let heldOut: [Int]

    /// `labels[i]`: whether example `i` is a positive. Each class holds out `fraction` of its
    /// examples, rounded, at least one, and keeps at least two to train on.
    public init(labels: [Bool], heldOutFraction fraction: Double, seed: UInt64) throws {
        guard Self.fractionRange.contains(fraction) else {
            throw VisageError(
                .invalidRequest,
                "holdout_fraction must be from \(Self.fractionRange.lowerBound) to \(Self.fractionRange.upperBound), not \(fraction)")
        }
        var generator = SeededGenerator(seed: seed)
        var training: [Int] = [], heldOut: [Int] = []
        for (positive, name) in [(true, "positives"), (false, "negatives")] {
            var members = labels.indices.filter { labels[$0] == positive }
            guard members.count >= Self.minimumPerClass else {
                throw VisageError(
                    .tooFewExamples,
                    "\(name) has \(members.count) example\(members.count == 1 ? "" : "s"); each class needs at least "
                        + "\(Self.minimumPerClass) (2 to train on, 1 to hold out for the metrics)")
            }
            generator.shuffle(&members)
            let held = min(max(1, Int((fraction * Double(members.count)).rounded())), members.count - 2)
            heldOut += members.prefix(held)
            training += members.dropFirst(held)
        }
        self.training = training
        self.heldOut = heldOut
    }
}
