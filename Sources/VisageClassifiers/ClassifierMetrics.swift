/// How a trained classifier did on its held-out split, from the confusion counts; and how many
/// examples it was trained on. A precision with no prediction of its class is 0 (no evidence
/// that the class is ever predicted well), as scikit-learn's `zero_division=0`.
public struct ClassifierMetrics: Sendable, Equatable {
    public var trainingPositives: Int
    public var trainingNegatives: Int
    public var truePositives: Int
    public var falsePositives: Int
    public var trueNegatives: Int
    public var falseNegatives: Int

    public init(
        trainingPositives: Int, trainingNegatives: Int, truePositives: Int, falsePositives: Int, trueNegatives: Int, falseNegatives: Int
    ) {
        self.trainingPositives = trainingPositives
        self.trainingNegatives = trainingNegatives
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.trueNegatives = trueNegatives
        self.falseNegatives = falseNegatives
    }

    /// Counts the held-out predictions against the labels.
    public init(trainingPositives: Int, trainingNegatives: Int, predictions: [Bool], labels: [Bool]) {
        self.init(
            trainingPositives: trainingPositives, trainingNegatives: trainingNegatives, truePositives: 0, falsePositives: 0,
            trueNegatives: 0, falseNegatives: 0)
        for (predicted, actual) in zip(predictions, labels) {
            switch (predicted, actual) {
            case (true, true): truePositives += 1
            case (true, false): falsePositives += 1
            case (false, false): trueNegatives += 1
            case (false, true): falseNegatives += 1
            }
        }
    }

    public var heldOutPositives: Int { truePositives + falseNegatives }
    public var heldOutNegatives: Int { trueNegatives + falsePositives }

    public var positivePrecision: Double { Self.ratio(truePositives, truePositives + falsePositives) }
    public var positiveRecall: Double { Self.ratio(truePositives, heldOutPositives) }
    public var negativePrecision: Double { Self.ratio(trueNegatives, trueNegatives + falseNegatives) }
    public var negativeRecall: Double { Self.ratio(trueNegatives, heldOutNegatives) }
    /// The mean of both classes' precision: what picks the version that serves.
    public var macroPrecision: Double { (positivePrecision + negativePrecision) / 2 }
    public var accuracy: Double { Self.ratio(truePositives + trueNegatives, heldOutPositives + heldOutNegatives) }

    private static func ratio(_ part: Int, _ whole: Int) -> Double {
        whole == 0 ? 0 : Double(part) / Double(whole)
    }
}
