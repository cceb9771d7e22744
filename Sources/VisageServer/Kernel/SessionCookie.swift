import Foundation
import HTTPTypes

/// The web UI's session cookie: its name, reading it from `Cookie` headers, and the `Set-Cookie`
/// values that set and clear it.
enum SessionCookie {
    static let name = "visage_session"

    /// The cookie's value, or nil when the request has none (or several that disagree: a cookie
    /// planted for a sub-path must not shadow the real one silently).
    static func value(in headers: HTTPFields) -> String? {
        var found: Set<String> = []
        for header in headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name else { continue }
                found.insert(parts[1].trimmingCharacters(in: .whitespaces))
            }
        }
        return found.count == 1 ? found.first : nil
    }

    /// HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), the whole
    /// site, for `maxAge` seconds; `Secure` when the request came over HTTPS (directly or through a
    /// proxy that says so), so a plain-HTTP LAN server still works.
    static func set(_ value: String, maxAge: Int, secure: Bool) -> String {
        "\(name)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    static func cleared(secure: Bool) -> String {
        set("", maxAge: 0, secure: secure)
    }

    static func isSecure(_ headers: HTTPFields) -> Bool {
        headers[values: HTTPField.Name("X-Forwarded-Proto")!].first?.lowercased() == "https"
    }
}
