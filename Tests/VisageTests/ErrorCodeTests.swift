import Foundation
import Testing
import VisageCore

@testable import VisageServer

/// `ErrorCode.all` is the one list of codes; the README's table, docs/API.md's table and the
/// OpenAPI document's `ErrorCode` schema must list exactly those codes, each with its status.
@Suite struct ErrorCodeTests {
    static var expected: [String: Int] {
        Dictionary(uniqueKeysWithValues: ErrorCode.all.map { ($0.rawValue, $0.status) })
    }

    /// `code -> status` from a markdown table under `heading` whose first column holds the codes
    /// (in backticks, several per row allowed) and whose second holds the status.
    static func table(in file: String, under heading: String) throws -> [String: Int] {
        let text = try String(contentsOf: CLI.repositoryRoot.appendingPathComponent(file), encoding: .utf8)
        let section = try #require(text.components(separatedBy: heading).dropFirst().first, "\(file) has no \(heading)")
        var result: [String: Int] = [:]
        for line in section.split(separator: "\n").prefix(while: { !$0.hasPrefix("## ") }) where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count > 3, let status = Int(cells[2]) else {
                Issue.record("\(file): no status in \(line)")
                continue
            }
            for code in cells[1].split(separator: "`", omittingEmptySubsequences: false).enumerated().filter({ $0.offset % 2 == 1 }).map({
                String($0.element)
            }) {
                #expect(result[code] == nil, "\(file) lists \(code) twice")
                result[code] = status
            }
        }
        return result
    }

    @Test func codesAreUniqueAndTheirStatusesAreErrors() {
        #expect(Set(ErrorCode.all.map(\.rawValue)).count == ErrorCode.all.count)
        for code in ErrorCode.all {
            #expect((400..<600).contains(code.status), "\(code) has status \(code.status)")
            #expect(code.rawValue.allSatisfy { $0.isLowercase || $0 == "_" || $0.isNumber }, "\(code)")
            #expect(ErrorCode(rawValue: code.rawValue) == code)
        }
        // Faults of ours are 500 unless they are about another server or readiness.
        #expect(Set(ErrorCode.all.filter { $0.status >= 500 }.map(\.status)) == [500, 502, 503, 504])
        #expect(ErrorCode.internalError.status == 500 && ErrorCode.notFound.status == 404)
        #expect(VisageError(.imageNotFound, "x").code == "image_not_found" && VisageError(.imageNotFound, "x").status == 404)
    }

    @Test func readmeTableListsEveryCode() throws {
        #expect(try Self.table(in: "README.md", under: "## Error codes") == Self.expected)
    }

    @Test func apiReferenceTableListsEveryCode() throws {
        #expect(try Self.table(in: "docs/API.md", under: "## Error codes") == Self.expected)
    }

    @Test func openAPIListsEveryCode() async throws {
        let document = try await OpenAPITests.servedDocument()
        let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any]
        let schema = try #require(schemas?["ErrorCode"] as? [String: Any], "openapi.json has no ErrorCode schema")
        var documented: [String: Int] = [:]
        for entry in schema["oneOf"] as? [[String: Any]] ?? [] {
            let code = try #require(entry["const"] as? String)
            #expect(documented[code] == nil, "openapi.json lists \(code) twice")
            #expect((entry["description"] as? String)?.isEmpty == false, "\(code) has no description")
            documented[code] = entry["x-status"] as? Int
        }
        #expect(documented == Self.expected)
    }
}
