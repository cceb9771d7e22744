import Foundation

/// Binary logistic regression, ours: it minimises the class-weighted mean log-loss plus
/// `regularization / 2 * |w|^2` (the bias is not penalised) by accelerated gradient descent with a
/// backtracking step and restarts. The loss is convex, so the answer does not depend on where
/// the descent starts, and with no randomness inside, one input always gives one model.
///
/// Features are standardised first (each to mean 0 and standard deviation 1 over the training
/// rows): one penalty then means the same for every feature, and the descent is well conditioned.
/// The standardisation is folded back into the weights, so the model applies to raw features.
public struct LogisticRegression: Sendable {
    public enum ClassWeights: Sendable {
        /// Each class weighs `n / (2 * n_class)`: the two classes count equally however many
        /// examples each has (scikit-learn's `class_weight="balanced"`).
        case balanced
        /// Every example weighs 1: the larger class dominates.
        case uniform
    }

    public static let defaultRegularization = 0.01
    public static let regularizationRange = 1e-6...100.0

    public var regularization: Double
    public var classWeights: ClassWeights
    public var maxIterations: Int
    /// Stop once the gradient's norm is below this.
    public var tolerance: Double

    public init(
        regularization: Double = Self.defaultRegularization, classWeights: ClassWeights = .balanced, maxIterations: Int = 2000,
        tolerance: Double = 1e-7
    ) {
        self.regularization = regularization
        self.classWeights = classWeights
        self.maxIterations = maxIterations
        self.tolerance = tolerance
    }

    /// The weights (one per feature) and bias for raw `rows`; `labels[i]`: whether row `i` is a
    /// positive. Both classes must be present.
    public func fit(rows: [[Double]], labels: [Bool]) -> (weights: [Double], bias: Double) {
        precondition(!rows.isEmpty && rows.count == labels.count, "one label per row")
        let scaling = Standardisation(rows)
        let problem = Problem(
            rows: rows.map(scaling.apply), targets: labels.map { $0 ? 1 : -1 }, sampleWeights: sampleWeights(labels),
            regularization: regularization)
        let solution = problem.minimise(maxIterations: maxIterations, tolerance: tolerance)
        return scaling.unfold(weights: Array(solution.dropLast()), bias: solution.last!)
    }

    func sampleWeights(_ labels: [Bool]) -> [Double] {
        switch classWeights {
        case .uniform:
            return labels.map { _ in 1 }
        case .balanced:
            let positives = Double(labels.filter { $0 }.count), negatives = Double(labels.count) - positives
            let total = Double(labels.count)
            return labels.map { total / (2 * ($0 ? positives : negatives)) }
        }
    }
}

/// Mean and standard deviation per feature; a constant feature keeps a scale of 1.
struct Standardisation {
    let mean: [Double]
    let scale: [Double]

    init(_ rows: [[Double]]) {
        let count = Double(rows.count), width = rows[0].count
        var mean = [Double](repeating: 0, count: width)
        for row in rows { for index in 0..<width { mean[index] += row[index] / count } }
        var variance = [Double](repeating: 0, count: width)
        for row in rows {
            for index in 0..<width {
                let difference = row[index] - mean[index]
                variance[index] += difference * difference / count
            }
        }
        self.mean = mean
        scale = variance.map { $0 > 1e-24 ? $0.squareRoot() : 1 }
    }

    func apply(_ row: [Double]) -> [Double] {
        (0..<row.count).map { (row[$0] - mean[$0]) / scale[$0] }
    }

    /// w·((x - m) / s) + b  ==  (w / s)·x + (b - Σ w m / s)
    func unfold(weights: [Double], bias: Double) -> (weights: [Double], bias: Double) {
        let raw = (0..<weights.count).map { weights[$0] / scale[$0] }
        let shift = (0..<weights.count).reduce(0.0) { $0 + raw[$1] * mean[$1] }
        return (raw, bias - shift)
    }
}

/// The objective over standardised rows; a point is the weights followed by the bias.
private struct Problem {
    let rows: [[Double]]
    /// +1 or -1.
    let targets: [Double]
    let sampleWeights: [Double]
    let regularization: Double
    let totalWeight: Double

    init(rows: [[Double]], targets: [Double], sampleWeights: [Double], regularization: Double) {
        self.rows = rows
        self.targets = targets
        self.sampleWeights = sampleWeights
        self.regularization = regularization
        totalWeight = sampleWeights.reduce(0, +)
    }

    var width: Int { rows[0].count }

    func value(_ point: [Double]) -> Double {
        var loss = 0.0
        for index in rows.indices {
            loss += sampleWeights[index] * Logistic.softplus(-targets[index] * margin(point, index))
        }
        let penalty = (0..<width).reduce(0.0) { $0 + point[$1] * point[$1] }
        return loss / totalWeight + regularization / 2 * penalty
    }

    func gradient(_ point: [Double]) -> [Double] {
        var gradient = [Double](repeating: 0, count: width + 1)
        for index in rows.indices {
            // d/dm softplus(-y m) = -y * sigmoid(-y m)
            let factor = -targets[index] * Logistic.sigmoid(-targets[index] * margin(point, index)) * sampleWeights[index] / totalWeight
            let row = rows[index]
            for feature in 0..<width { gradient[feature] += factor * row[feature] }
            gradient[width] += factor
        }
        for feature in 0..<width { gradient[feature] += regularization * point[feature] }
        return gradient
    }

    private func margin(_ point: [Double], _ index: Int) -> Double {
        let row = rows[index]
        var margin = point[width]
        for feature in 0..<width { margin += point[feature] * row[feature] }
        return margin
    }

    /// Nesterov's accelerated gradient with a backtracking estimate of the Lipschitz constant,
    /// restarted whenever the objective goes up (O'Donoghue and Candès).
    func minimise(maxIterations: Int, tolerance: Double) -> [Double] {
        var current = [Double](repeating: 0, count: width + 1)
        var currentValue = value(current)
        var lookahead = current
        var momentum = 1.0
        var lipschitz = 1.0
        for _ in 0..<maxIterations {
            let gradient = gradient(lookahead)
            let squaredNorm = gradient.reduce(0) { $0 + $1 * $1 }
            if squaredNorm.squareRoot() < tolerance { break }
            let lookaheadValue = value(lookahead)
            var next: [Double]
            var nextValue: Double
            repeat {
                next = zip(lookahead, gradient).map { $0 - $1 / lipschitz }
                nextValue = value(next)
                if nextValue <= lookaheadValue - squaredNorm / (2 * lipschitz) + 1e-12 { break }
                lipschitz *= 2
            } while lipschitz < 1e12
            let nextMomentum = (1 + (1 + 4 * momentum * momentum).squareRoot()) / 2
            if nextValue > currentValue {
                // Momentum overshot: restart from the best point.
                lookahead = current
                momentum = 1
                continue
            }
            let step = (momentum - 1) / nextMomentum
            lookahead = (0..<next.count).map { next[$0] + step * (next[$0] - current[$0]) }
            current = next
            currentValue = nextValue
            momentum = nextMomentum
            // Let the step grow again where the curvature allows it.
            lipschitz = max(lipschitz * 0.9, 1e-6)
        }
        return current
    }
}
