import Dispatch
import Foundation
import VisageFaces
import VisageImaging
import VisageInference

/// What request handlers share: the loaded pipeline and the limits. Immutable, so it is passed
/// around by value and needs no locking.
public struct ServerServices: Sendable {
    public static let visageVersion = "0.1.0"

    public let analyzer: FaceAnalyzer
    public let runtime: OnnxRuntime
    public let decoder: ImageDecoder
    public let maxSide: Int
    private let queue = DispatchQueue(label: "visage.inference", attributes: .concurrent)

    public init(analyzer: FaceAnalyzer, runtime: OnnxRuntime, decoder: ImageDecoder = ImageDecoder(limits: .fromEnvironment()),
                maxSide: Int = 4096) {
        self.analyzer = analyzer
        self.runtime = runtime
        self.decoder = decoder
        self.maxSide = maxSide
    }

    /// Runs blocking work (libvips, ONNX Runtime) on a dispatch queue and awaits its result.
    func runBlocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
