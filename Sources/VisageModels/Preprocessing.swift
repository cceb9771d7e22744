/// Channel order a model expects in its float input.
public enum ColorOrder: String, Sendable, Codable, Equatable {
    case rgb
    case bgr
}

/// Where the channel axis sits in an image input. Every face model is NCHW; the field is there so
/// a model that is not says so in the manifest instead of being fed the wrong layout.
public enum TensorLayout: String, Sendable, Codable, Equatable {
    case nchw
    case nhwc
}

/// Width and height of a model's input, in pixels. Decoded from a JSON `[width, height]` pair.
public struct InputSize: Sendable, Equatable, Codable, CustomStringConvertible {
    public let width: Int
    public let height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    public init(from decoder: Decoder) throws {
        var container = try decoder.unkeyedContainer()
        width = try container.decode(Int.self)
        height = try container.decode(Int.self)
        guard container.isAtEnd, width > 0, height > 0 else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "input_size must be [width, height] with two positive integers")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(width)
        try container.encode(height)
    }

    public var description: String { "\(width)x\(height)" }
}

/// How to turn 0...255 pixels into model input: `(pixel - mean) / std` per channel, channels in
/// `colorOrder`. `mean` and `std` hold one value per input channel, in the model's channel order:
/// face models use one value for all three (YuNet: BGR, mean 0, std 1; SCRFD: RGB, (x - 127.5) / 128),
/// ImageNet-style encoders (DINOv2) one per channel, scaled to 0...255.
public struct Normalization: Sendable, Equatable {
    public let colorOrder: ColorOrder
    public let mean: [Float]
    public let std: [Float]

    /// The same mean and std for every channel.
    public init(colorOrder: ColorOrder, mean: Float, std: Float) {
        self.init(colorOrder: colorOrder, channelMean: [mean, mean, mean], channelStd: [std, std, std])
    }

    /// Three values each; manifest decoding checks the counts and that no std is zero.
    public init(colorOrder: ColorOrder, channelMean: [Float], channelStd: [Float]) {
        self.colorOrder = colorOrder
        self.mean = channelMean
        self.std = channelStd
    }
}

/// Everything a model's image input needs, read from its manifest entry.
public struct Preprocessing: Sendable, Equatable {
    public let inputSize: InputSize
    public let layout: TensorLayout
    public let normalization: Normalization

    public init(inputSize: InputSize, layout: TensorLayout = .nchw, normalization: Normalization) {
        self.inputSize = inputSize
        self.layout = layout
        self.normalization = normalization
    }

    public var colorOrder: ColorOrder { normalization.colorOrder }
}
