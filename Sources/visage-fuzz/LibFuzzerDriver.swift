#if VISAGE_LIBFUZZER
import Foundation

// Built only by scripts/fuzz.sh, which compiles with `-sanitize=fuzzer,address` (libFuzzer and
// AddressSanitizer linked in) and defines VISAGE_LIBFUZZER. SwiftPM gives the executable its
// own `main` (visage_fuzz_main), which takes the target's name first; it starts libFuzzer
// through its documented `LLVMFuzzerRunDriver`.

@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// The target the C callback runs: set once, before libFuzzer starts, and only read after.
nonisolated(unsafe) private var selectedTarget = FuzzTarget.xmp

enum LibFuzzerDriver {
    /// Runs libFuzzer on `target` with libFuzzer's own options and corpus folders in `arguments`.
    static func run(_ target: FuzzTarget, arguments: [String]) -> Int32 {
        selectedTarget = target
        var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        return cArguments.withUnsafeMutableBufferPointer { buffer in
            var argc = Int32(arguments.count)
            var argv = buffer.baseAddress!
            return LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput)
        }
    }
}

/// libFuzzer's callback, under the name its archive's own `main` object refers to: the linker
/// pulls that object in, and it must resolve, though SwiftPM's `main` is the one that runs.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    selectedTarget.run(data.map { Data(bytes: $0, count: size) } ?? Data())
    return 0
}
#endif
