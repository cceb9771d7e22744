import CONNXRuntime
import Foundation
import VisageCore

extension OnnxRuntime {
    /// Every ORT call returns an OrtStatus*: NULL on success, otherwise an error we own. This turns
    /// the error into a VisageError ("<context>: <ORT message>") and releases the status.
    func check(_ status: OpaquePointer?, code: ErrorCode = .ortError, _ context: @autoclosure () -> String) throws {
        guard let status else { return }
        throw VisageError(code, "\(context()): \(Self.consume(status, api))")
    }

    /// "<ORT message> [ORT_<code>]", releasing the status. Static so init can use it before `self` exists.
    static func consume(_ status: OpaquePointer, _ api: OrtApi) -> String {
        // ORT messages can end in a newline, which would split our one-line errors.
        let message =
            api.GetErrorMessage!(status).map { String(cString: $0) }?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown error"
        let ortCode = api.GetErrorCode!(status)
        api.ReleaseStatus!(status)
        return message + suffix(for: ortCode)
    }

    /// ORT's own code, which its message usually does not repeat.
    private static func suffix(for code: OrtErrorCode) -> String {
        let names = [
            "OK", "FAIL", "INVALID_ARGUMENT", "NO_SUCHFILE", "NO_MODEL", "ENGINE_ERROR",
            "RUNTIME_EXCEPTION", "INVALID_PROTOBUF", "MODEL_LOADED", "NOT_IMPLEMENTED",
            "INVALID_GRAPH", "EP_FAIL",
        ]
        let index = Int(code.rawValue)
        return " [ORT_\(index < names.count ? names[index] : String(index))]"
    }
}
