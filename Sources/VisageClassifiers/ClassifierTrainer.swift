import VisageCore

/// The settings of one training run, as a request gives them.
public struct TrainingSettings: Sendable, Equatable {
    public static let defaultHeldOutFraction = 0.2

    public var heldOutFraction: Double
    public var seed: UInt64
    public var regularization: Double
    public var classWeights: LogisticRegression.ClassWeights

    public init(
        heldOutFraction: Double = Self.defaultHeldOutFraction, seed: UInt64 = 0,
        regularization: Double = LogisticRegression.defaultRegularization, classWeights: LogisticRegression.ClassWeights = .balanced
    ) {
        self.heldOutFraction = heldOutFraction
        self.seed = seed
        self.regularization = regularization
        self.classWeights = classWeights
    }
}

/// What a training run made: the classifier and its held-out metrics.
public struct TrainingOutcome: Sendable, Equatable {
    public let classifier: BinaryClassifier
    public let metrics: ClassifierMetrics
    public let settings: TrainingSettings
}

/// One training run: split, fit on the training part, measure on the held-out part.
public enum ClassifierTrainer {
    /// `positives` and `negatives`: each example's embeddings by type; the layout takes its
    /// dimensions from the first positive, and every example must match it.
    public static func train(
        positives: [[EmbeddingType: [Float]]], negatives: [[EmbeddingType: [Float]]], types: [EmbeddingType],
        settings: TrainingSettings
    ) throws -> TrainingOutcome {
        guard LogisticRegression.regularizationRange.contains(settings.regularization) else {
            throw VisageError(
                .invalidRequest,
                "regularization must be from \(LogisticRegression.regularizationRange.lowerBound) to "
                    + "\(LogisticRegression.regularizationRange.upperBound), not \(settings.regularization)")
        }
        let types = try FeatureLayout.orderedTypes(types)
        guard positives.count + negatives.count <= ClassifierLimits.maxExamples else {
            throw VisageError(
                .invalidRequest,
                "\(positives.count + negatives.count) examples were sent; at most \(ClassifierLimits.maxExamples) are allowed")
        }
        let labels = positives.map { _ in true } + negatives.map { _ in false }
        let split = try StratifiedSplit(labels: labels, heldOutFraction: settings.heldOutFraction, seed: settings.seed)
        let examples = positives + negatives
        var dimensions: [EmbeddingType: Int] = [:]
        for type in types {
            guard let first = examples[0][type] else { throw VisageError(.invalidRequest, "the \(type.rawValue) embedding is missing") }
            dimensions[type] = first.count
        }
        let layout = try FeatureLayout(dimensions: dimensions)
        let rows = try examples.enumerated().map { index, example in
            do {
                return try layout.features(example)
            } catch let error as VisageError {
                let name = index < positives.count ? "positives[\(index)]" : "negatives[\(index - positives.count)]"
                throw VisageError(error.errorCode, "\(name): \(error.message)")
            }
        }
        let trainer = LogisticRegression(regularization: settings.regularization, classWeights: settings.classWeights)
        let fitted = trainer.fit(rows: split.training.map { rows[$0] }, labels: split.training.map { labels[$0] })
        let classifier = BinaryClassifier(layout: layout, weights: fitted.weights.map(Float.init), bias: fitted.bias)
        let predictions = split.heldOut.map { classifier.isInCollection(probability: classifier.probability(features: rows[$0])) }
        let trainingPositives = split.training.filter { labels[$0] }.count
        let metrics = ClassifierMetrics(
            trainingPositives: trainingPositives, trainingNegatives: split.training.count - trainingPositives, predictions: predictions,
            labels: split.heldOut.map { labels[$0] })
        return TrainingOutcome(classifier: classifier, metrics: metrics, settings: settings)
    }
}
