import VisageCore

/// How a caption is generated. `maxLength` counts the generated tokens (the end token included,
/// the decoder's start token not), as seed 001's `max_length` ("the maximum number of tokens for
/// the generated description") reads.
public struct CaptionOptions: Sendable, Equatable {
    public static let maxLengthRange = 1...256
    public static let beamRange = 1...8

    public var maxLength: Int
    /// 1 is greedy search.
    public var numBeams: Int
    /// No n-gram of this size is generated twice (0: no such rule).
    public var noRepeatNgramSize: Int
    /// CTRL's repetition penalty on tokens already generated (1: none).
    public var repetitionPenalty: Double
    /// A finished beam's score is its log-probability divided by its length to this power.
    public var lengthPenalty: Double

    public init(maxLength: Int = 50, numBeams: Int = 1, noRepeatNgramSize: Int = 0, repetitionPenalty: Double = 1, lengthPenalty: Double = 1) {
        self.maxLength = maxLength
        self.numBeams = numBeams
        self.noRepeatNgramSize = noRepeatNgramSize
        self.repetitionPenalty = repetitionPenalty
        self.lengthPenalty = lengthPenalty
    }

    /// `invalid_request` naming the first setting out of range.
    public func validated() throws -> CaptionOptions {
        guard Self.maxLengthRange.contains(maxLength) else {
            throw VisageError(.invalidRequest, "max_length must be an integer from 1 to \(Self.maxLengthRange.upperBound)")
        }
        guard Self.beamRange.contains(numBeams) else {
            throw VisageError(.invalidRequest, "num_beams must be an integer from 1 to \(Self.beamRange.upperBound)")
        }
        guard (0...8).contains(noRepeatNgramSize) else {
            throw VisageError(.invalidRequest, "no_repeat_ngram_size must be an integer from 0 to 8")
        }
        guard repetitionPenalty.isFinite, repetitionPenalty >= 1, repetitionPenalty <= 10 else {
            throw VisageError(.invalidRequest, "repetition_penalty must be from 1 to 10")
        }
        guard lengthPenalty.isFinite, abs(lengthPenalty) <= 10 else {
            throw VisageError(.invalidRequest, "length_penalty must be from -10 to 10")
        }
        return self
    }
}

/// A generated caption: its text, its token ids (the end token left out) and their total
/// log-probability under the model (after the repetition rules).
public struct Caption: Sendable, Equatable {
    public let text: String
    public let tokenIDs: [Int]
    public let logProbability: Double
}
