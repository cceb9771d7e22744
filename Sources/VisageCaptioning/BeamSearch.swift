import Foundation

/// Beam search over a next-token model, with greedy search as its one-beam case. Knows nothing
/// of ONNX: `next` gives, for each live sequence, the logits of its next token; it is told which
/// earlier sequence each live one continues, so that a cache can follow.
struct BeamSearch {
    struct Hypothesis {
        var tokens: [Int]
        var logProbability: Double
    }

    let options: CaptionOptions
    let startToken: Int
    let endToken: Int

    /// `next(newest tokens, parent rows)`: the logits for each sequence; `parent rows` is nil on
    /// the first call and otherwise says, for each sequence, which row of the previous call it
    /// extends.
    func run(next: (_ tokens: [Int], _ parents: [Int]?) throws -> [[Float]]) throws -> Hypothesis {
        var alive = [Hypothesis(tokens: [], logProbability: 0)]
        var parents: [Int]? = nil
        var finished = FinishedBeams(capacity: options.numBeams, lengthPenalty: options.lengthPenalty)
        for step in 0..<options.maxLength {
            let logits = try next(alive.map { $0.tokens.last ?? startToken }, parents)
            var candidates: [(row: Int, token: Int, logProbability: Double)] = []
            for (row, hypothesis) in alive.enumerated() {
                let scores = logProbabilities(logits[row], after: hypothesis.tokens)
                for (token, score) in best(scores, count: 2 * options.numBeams) where score > -.infinity {
                    candidates.append((row, token, hypothesis.logProbability + score))
                }
            }
            candidates.sort { $0.logProbability > $1.logProbability }
            var nextAlive: [Hypothesis] = [], nextParents: [Int] = []
            for (rank, candidate) in candidates.enumerated() {
                if candidate.token == endToken {
                    // As transformers does: an end beyond the first `numBeams` candidates does not count.
                    if rank < options.numBeams {
                        finished.add(Hypothesis(tokens: alive[candidate.row].tokens, logProbability: candidate.logProbability))
                    }
                } else if nextAlive.count < options.numBeams {
                    nextAlive.append(Hypothesis(tokens: alive[candidate.row].tokens + [candidate.token], logProbability: candidate.logProbability))
                    nextParents.append(candidate.row)
                }
                if nextAlive.count == options.numBeams, rank >= options.numBeams { break }
            }
            if nextAlive.isEmpty {  // every continuation banned
                for hypothesis in alive { finished.add(hypothesis, ended: false) }
                return finished.best!
            }
            let bestAlive = nextAlive[0].logProbability / pow(Double(step + 2), options.lengthPenalty)
            if finished.isDone(bestAlive: bestAlive) { return finished.best! }
            alive = nextAlive
            parents = nextParents
        }
        // Out of length: the live beams count as finished, unended.
        for hypothesis in alive { finished.add(hypothesis, ended: false) }
        return finished.best!
    }

    /// Log-softmax of `logits` after the repetition penalty, with tokens that would repeat an
    /// n-gram of `noRepeatNgramSize` set to minus infinity.
    func logProbabilities(_ logits: [Float], after tokens: [Int]) -> [Double] {
        var scores = logits.map(Double.init)
        if options.repetitionPenalty != 1 {
            // CTRL's rule (transformers' RepetitionPenaltyLogitsProcessor): less likely either way.
            for token in Set(tokens) where token < scores.count {
                scores[token] = scores[token] > 0 ? scores[token] / options.repetitionPenalty : scores[token] * options.repetitionPenalty
            }
        }
        let top = scores.max() ?? 0
        let logSum = log(scores.reduce(0) { $0 + exp($1 - top) }) + top
        scores = scores.map { $0 - logSum }
        for token in bannedTokens(after: [startToken] + tokens) where token < scores.count { scores[token] = -.infinity }
        return scores
    }

    /// The tokens that would complete an n-gram already in `sequence` (transformers'
    /// NoRepeatNGramLogitsProcessor, which counts the start token in the sequence too).
    func bannedTokens(after sequence: [Int]) -> Set<Int> {
        let size = options.noRepeatNgramSize
        guard size > 0, sequence.count >= size else { return [] }
        let prefix = Array(sequence.suffix(size - 1))
        var banned = Set<Int>()
        for start in 0...(sequence.count - size) where Array(sequence[start..<(start + size - 1)]) == prefix {
            banned.insert(sequence[start + size - 1])
        }
        return banned
    }

    /// The `count` highest scores with their tokens, highest first.
    private func best(_ scores: [Double], count: Int) -> [(Int, Double)] {
        var top: [(Int, Double)] = []
        for (token, score) in scores.enumerated() where top.count < count || score > top[top.count - 1].1 {
            let at = top.firstIndex { score > $0.1 } ?? top.count
            top.insert((token, score), at: at)
            if top.count > count { top.removeLast() }
        }
        return top
    }
}

/// The best `capacity` finished beams by length-normalised score (transformers' BeamHypotheses).
struct FinishedBeams {
    let capacity: Int
    let lengthPenalty: Double
    private var beams: [(hypothesis: BeamSearch.Hypothesis, score: Double)] = []

    init(capacity: Int, lengthPenalty: Double) {
        self.capacity = capacity
        self.lengthPenalty = lengthPenalty
    }

    /// `ended`: the end token is part of the beam's length.
    mutating func add(_ hypothesis: BeamSearch.Hypothesis, ended: Bool = true) {
        let length = Double(hypothesis.tokens.count + (ended ? 1 : 0))
        beams.append((hypothesis, hypothesis.logProbability / pow(max(length, 1), lengthPenalty)))
        beams.sort { $0.score > $1.score }
        if beams.count > capacity { beams.removeLast() }
    }

    var best: BeamSearch.Hypothesis? { beams.first?.hypothesis }

    /// Done once `capacity` beams have ended and the best live beam's score cannot beat the worst
    /// of them (transformers' rule without `early_stopping`).
    /// One beam is greedy search, which stops at its first end.
    func isDone(bestAlive: Double) -> Bool {
        guard beams.count >= capacity, let worst = beams.last?.score else { return false }
        return capacity == 1 || bestAlive <= worst
    }
}
