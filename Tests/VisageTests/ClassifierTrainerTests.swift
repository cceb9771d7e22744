import Foundation
import Testing
import VisageClassifiers
import VisageCore

/// `VisageClassifiers` on synthetic embeddings whose answer is known: the trainer learns what
/// separates the classes, class weights move the decision on imbalanced data, the split is
/// stratified and repeatable, versions are ranked and pruned by macro precision.
@Suite struct ClassifierTrainerTests {
    /// `count` vectors of `dimensions` around `centre` (each coordinate jittered by `spread`).
    static func cloud(_ centre: [Float], count: Int, spread: Float, random: inout SeededRandom) -> [[EmbeddingType: [Float]]] {
        (0..<count).map { _ in [.face: centre.map { $0 + Float.random(in: -spread...spread, using: &random) }] }
    }

    static func axis(_ index: Int, _ dimensions: Int) -> [Float] {
        (0..<dimensions).map { $0 == index ? 1 : 0 }
    }

    @Test func separableDataIsLearnedAndMeasuredOnTheHeldOutSplit() throws {
        var random = SeededRandom(seed: 7)
        let positives = Self.cloud(Self.axis(0, 16), count: 30, spread: 0.3, random: &random)
        let negatives = Self.cloud(Self.axis(1, 16), count: 40, spread: 0.3, random: &random)
        let outcome = try ClassifierTrainer.train(positives: positives, negatives: negatives, types: [.face], settings: TrainingSettings())
        let metrics = outcome.metrics
        #expect(metrics.heldOutPositives == 6 && metrics.heldOutNegatives == 8, "20% of each class, rounded")
        #expect(metrics.trainingPositives == 24 && metrics.trainingNegatives == 32)
        #expect(metrics.macroPrecision == 1 && metrics.accuracy == 1, "\(metrics)")
        let classifier = outcome.classifier
        // Unseen points: near each centre, and a point halfway leans on neither side strongly.
        let inside = try classifier.probability(embeddings: [.face: Self.axis(0, 16).map { $0 * 2 }])
        let outside = try classifier.probability(embeddings: [.face: Self.axis(1, 16)])
        #expect(inside > 0.9 && outside < 0.1, "\(inside) \(outside)")
        #expect(classifier.isInCollection(probability: inside) && !classifier.isInCollection(probability: outside))
        #expect(classifier.layout == (try FeatureLayout(dimensions: [.face: 16])))
    }

    @Test func trainingIsDeterministicForASeedAndTheSplitFollowsIt() throws {
        var random = SeededRandom(seed: 3)
        let positives = Self.cloud(Self.axis(0, 8), count: 10, spread: 0.9, random: &random)
        let negatives = Self.cloud(Self.axis(1, 8), count: 10, spread: 0.9, random: &random)
        let settings = TrainingSettings(heldOutFraction: 0.3, seed: 11)
        let first = try ClassifierTrainer.train(positives: positives, negatives: negatives, types: [.face], settings: settings)
        let again = try ClassifierTrainer.train(positives: positives, negatives: negatives, types: [.face], settings: settings)
        #expect(first == again)
        let labels = Array(repeating: true, count: 10) + Array(repeating: false, count: 10)
        let split = try StratifiedSplit(labels: labels, heldOutFraction: 0.3, seed: 11)
        #expect(split == (try StratifiedSplit(labels: labels, heldOutFraction: 0.3, seed: 11)))
        #expect(split != (try StratifiedSplit(labels: labels, heldOutFraction: 0.3, seed: 12)), "another seed, another split")
        #expect(Set(split.training + split.heldOut) == Set(0..<20) && split.training.count + split.heldOut.count == 20)
    }

    @Test func theSplitIsStratifiedWhateverTheProportions() throws {
        for (positives, negatives, fraction) in [(3, 50, 0.2), (20, 200, 0.25), (100, 7, 0.5), (4, 4, 0.05)] {
            let labels = Array(repeating: true, count: positives) + Array(repeating: false, count: negatives)
            let split = try StratifiedSplit(labels: labels, heldOutFraction: fraction, seed: 5)
            let heldPositives = split.heldOut.filter { labels[$0] }.count, heldNegatives = split.heldOut.count - heldPositives
            for (held, total) in [(heldPositives, positives), (heldNegatives, negatives)] {
                #expect(held >= 1 && total - held >= 2, "\(positives)/\(negatives) at \(fraction)")
                #expect(held == min(max(1, Int((fraction * Double(total)).rounded())), total - 2))
            }
        }
    }

    @Test func tooFewExamplesOfAClassAreRefusedNamingTheMinimum() throws {
        let labels = [true, true, false, false, false, false]
        let error = try #require(throws: VisageError.self) { try StratifiedSplit(labels: labels, heldOutFraction: 0.2, seed: 0) }
        #expect(error.errorCode == .tooFewExamples)
        #expect(error.message.contains("positives has 2 examples") && error.message.contains("at least 3"), "\(error.message)")
        let fraction = try #require(throws: VisageError.self) {
            try StratifiedSplit(labels: labels + [true], heldOutFraction: 0.9, seed: 0)
        }
        #expect(fraction.errorCode == .invalidRequest && fraction.message.contains("holdout_fraction"))
    }

    /// 120 negatives around one point, 12 positives around another, the clouds overlapping.
    /// Unweighted, the larger class pulls the boundary towards the positives; balanced weights
    /// push it back, so a point between the two is called in by one and out by the other, and
    /// more fresh positives from the same cloud are found.
    @Test func classWeightsMoveTheDecisionOnImbalancedData() throws {
        var random = SeededRandom(seed: 21)
        let positives = Self.cloud([0.6, 0.4, 0, 0], count: 12, spread: 0.35, random: &random)
        let negatives = Self.cloud([0.4, 0.6, 0, 0], count: 120, spread: 0.35, random: &random)
        func train(_ weights: LogisticRegression.ClassWeights) throws -> BinaryClassifier {
            try ClassifierTrainer.train(
                positives: positives, negatives: negatives, types: [.face],
                settings: TrainingSettings(heldOutFraction: 0.25, seed: 1, classWeights: weights)
            ).classifier
        }
        let balanced = try train(.balanced), uniform = try train(.uniform)
        let between: [EmbeddingType: [Float]] = [.face: [0.52, 0.48, 0, 0]]
        let balancedProbability = try balanced.probability(embeddings: between)
        let uniformProbability = try uniform.probability(embeddings: between)
        #expect(balancedProbability >= 0.5 && uniformProbability < 0.5, "balanced \(balancedProbability), uniform \(uniformProbability)")
        let fresh = Self.cloud([0.6, 0.4, 0, 0], count: 300, spread: 0.35, random: &random)
        func found(_ classifier: BinaryClassifier) throws -> Int {
            try fresh.filter { classifier.isInCollection(probability: try classifier.probability(embeddings: $0)) }.count
        }
        let foundBalanced = try found(balanced), foundUniform = try found(uniform)
        #expect(foundBalanced > foundUniform + 30, "balanced found \(foundBalanced) of 300 positives, uniform \(foundUniform)")
    }

    /// Each part is normalised on its own and the parts come in the fixed order, whatever order
    /// they were named in.
    @Test func concatenatedFeaturesAreNormalisedPerTypeInAFixedOrder() throws {
        #expect(try FeatureLayout.orderedTypes([.face, .clip]) == [.clip, .face])
        let layout = try FeatureLayout(dimensions: [.face: 2, .clip: 3])
        #expect(layout.types == [.clip, .face] && layout.dimensions == [3, 2])
        let features = try layout.features([.face: [3, 4], .clip: [0, 0, 10]])
        #expect(features == [0, 0, 1, 0.6, 0.8])
        #expect(throws: VisageError.self) { try layout.features([.face: [3, 4], .clip: [0, 10]]) }
        #expect(throws: VisageError.self) { try layout.features([.face: [0, 0], .clip: [0, 0, 1]]) }
        #expect(throws: VisageError.self) { try layout.features([.face: [.nan, 1], .clip: [0, 0, 1]]) }
        #expect(throws: VisageError.self) { try FeatureLayout.orderedTypes([.face, .face]) }
    }

    @Test func theBestVersionServesTiesGoToTheNewestAndTenAreKept() {
        let precisions = [0.9, 0.95, 0.7, 0.95, 0.8, 0.6, 0.99, 0.5, 0.85, 0.75, 0.65, 0.55]
        let versions = precisions.enumerated().map { ClassifierVersioning.Standing(version: $0.offset + 1, macroPrecision: $0.element) }
        #expect(ClassifierVersioning.serving(versions) == 7)
        #expect(ClassifierVersioning.serving(Array(versions.prefix(5))) == 4, "0.95 twice: the newer, version 4")
        #expect(ClassifierVersioning.discarded(versions).sorted() == [8, 12], "the two lowest of twelve")
        #expect(ClassifierVersioning.discarded(Array(versions.prefix(10))).isEmpty)
        #expect(ClassifierVersioning.serving([]) == nil)
    }
}
