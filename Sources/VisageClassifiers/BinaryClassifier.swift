import Foundation

/// A trained collection classifier: logistic regression on the layout's feature vector. The
/// weights apply to the normalised, concatenated embeddings as they are (the training's
/// standardisation is folded into them), so using one needs nothing else.
public struct BinaryClassifier: Sendable, Equatable {
    public static let defaultThreshold = 0.5

    public let layout: FeatureLayout
    public let weights: [Float]
    public let bias: Double
    /// `probability >= threshold` is "in the collection".
    public let threshold: Double

    public init(layout: FeatureLayout, weights: [Float], bias: Double, threshold: Double = Self.defaultThreshold) {
        precondition(weights.count == layout.featureCount, "one weight per feature")
        self.layout = layout
        self.weights = weights
        self.bias = bias
        self.threshold = threshold
    }

    /// The probability that features made by `layout` belong to the collection.
    public func probability(features: [Double]) -> Double {
        var margin = bias
        for (weight, value) in zip(weights, features) { margin += Double(weight) * value }
        return Logistic.sigmoid(margin)
    }

    /// The probability for one example's raw embeddings, by type.
    public func probability(embeddings: [EmbeddingType: [Float]]) throws -> Double {
        probability(features: try layout.features(embeddings))
    }

    public func isInCollection(probability: Double) -> Bool { probability >= threshold }
}

enum Logistic {
    /// Without overflow for large margins of either sign.
    static func sigmoid(_ x: Double) -> Double {
        x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
    }

    /// log(1 + e^x), without overflow.
    static func softplus(_ x: Double) -> Double {
        x > 0 ? x + log1p(exp(-x)) : log1p(exp(x))
    }
}
