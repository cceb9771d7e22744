import Foundation
import VisageCore
import VisageInput
import VisageStorage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The rules a settings change must meet before it is stored: a tolerance in range, a person
/// name that is a name, and folders that exist, are folders and can be written (a review queue
/// that can't take files would lose them to errors). Folders are stored as real paths.
public enum RoutingSettingsRules {
    public static func validated(_ settings: FaceRoutingSettings) throws -> FaceRoutingSettings {
        var settings = settings
        guard (0...1).contains(settings.tolerance), settings.tolerance.isFinite else {
            throw VisageError(.invalidSettings, "tolerance must be from 0 to 1")
        }
        if let name = settings.personName {
            let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
            settings.personName = trimmed.isEmpty ? nil : trimmed
        }
        settings.destinationPath = try folder(settings.destinationPath, "destination_path")
        settings.reviewPath = try folder(settings.reviewPath, "review_path")
        settings.inboxPath = try folder(settings.inboxPath, "inbox_path")
        let folders = [settings.destinationPath, settings.reviewPath, settings.inboxPath].compactMap { $0 }
        guard Set(folders).count == folders.count else {
            throw VisageError(.invalidSettings, "destination_path, review_path and inbox_path must be different folders")
        }
        return settings
    }

    private static func folder(_ path: String?, _ field: String) throws -> String? {
        guard let path, !path.isEmpty else { return nil }
        guard path.hasPrefix("/") else { throw VisageError(.invalidSettings, "\(field) must be an absolute path") }
        guard !path.contains("\0"), let real = PathConfinement.realPath(path) else {
            throw VisageError(.invalidSettings, "\(field) \(path) does not exist")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: real, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw VisageError(.invalidSettings, "\(field) \(path) is not a folder")
        }
        guard access(real, W_OK | X_OK) == 0 else { throw VisageError(.invalidSettings, "\(field) \(path) can't be written") }
        return real
    }
}
