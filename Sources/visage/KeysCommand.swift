import ArgumentParser
import Foundation
import VisageAccess
import VisageCore
import VisageServer

/// `visage keys`: API keys in the data directory's database. Whoever can run this can open the
/// database file anyway, so these commands may grant any scope.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list and revoke API keys (see docs/API.md, Authentication).",
        subcommands: [Create.self, List.self, Revoke.self])

    /// Only `--data` of the data options (or `VISAGE_DATABASE_URL`) matters here; no models are loaded.
    struct Location: ParsableArguments {
        @Option(name: .customLong("data"), help: "Data directory (default: VISAGE_DATA_DIR or ./data).")
        var dataDirectory: String?

        func keys() throws -> KeyService {
            var options = try DataOptions.parse([])
            options.dataDirectory = dataDirectory
            return KeyService(store: try options.openKeyStore())
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key and print it once, as JSON with the key in \"key\"; only its hash is stored.")

        @Option(help: "What the key is for (1 to 100 characters).")
        var name: String

        @Option(
            name: .customLong("scope"), parsing: .upToNextOption,
            help: "Scopes: \(Scope.all.map(\.rawValue).joined(separator: ", ")). Repeat or list several.")
        var scopes: [String]

        @OptionGroup var location: Location

        func run() throws {
            do {
                let scopes = try Set<Scope>(parsing: scopes.flatMap { $0.split(separator: ",").map(String.init) })
                let created = try location.keys().create(name: name, scopes: scopes, creator: nil)
                print(KeyPayload(created.info, key: created.key).jsonLine())
                FileHandle.standardError.write(Data("Store this key now: it can't be shown again.\n".utf8))
            } catch {
                exitWithError(error)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every key (revoked ones too) as JSON lines, without secrets.")

        @OptionGroup var location: Location

        func run() throws {
            do {
                for key in try location.keys().list() { print(KeyPayload(key).jsonLine()) }
            } catch {
                exitWithError(error)
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its id; it fails at once, also on a running server.")

        @Argument(help: "The key's id (the part after vsk_, as `visage keys list` prints it).")
        var id: String

        @OptionGroup var location: Location

        func run() throws {
            do {
                print(KeyPayload(try location.keys().revoke(id: id, revoker: nil)).jsonLine())
            } catch {
                exitWithError(error)
            }
        }
    }
}
