import Foundation
import VisageCore
import VisageInput

/// Where deleted review files go: a folder per UTC day (`<trash>/2025-11-01/name.jpg`), so a
/// delete can be undone until the trash is emptied, and emptying "older than N days" goes by the
/// day the file was deleted, not by its own dates.
public struct ReviewTrash: Sendable {
    /// The trash folder (the server's data directory's `trash`).
    public let folder: String

    public init(folder: String) {
        self.folder = folder
    }

    /// The folder for files deleted at `date`, created if missing.
    func dayFolder(at date: Date) throws -> String {
        let path = (folder as NSString).appendingPathComponent(Self.dayName(date))
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw VisageError(.routingFailed, "could not create the trash folder \(path): \(error.localizedDescription)")
        }
        return PathConfinement.realPath(path) ?? path
    }

    /// What `empty` removed.
    public struct Emptied: Sendable, Equatable {
        public var files = 0
        public var days: [String] = []
    }

    /// Removes the days deleted more than `days` full days before `now` (every day when nil).
    public func empty(olderThanDays days: Int?, now: Date = Date()) throws -> Emptied {
        var emptied = Emptied()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let cutoff = days.map { Self.dayName(now.addingTimeInterval(-Double($0) * 86_400)) }
        for name in names.sorted() where Self.isDayName(name) {
            // Day names sort as dates.
            if let cutoff, name >= cutoff { continue }
            let path = (folder as NSString).appendingPathComponent(name)
            let files = Self.fileCount(path)
            do {
                try FileManager.default.removeItem(atPath: path)
            } catch {
                throw VisageError(.routingFailed, "could not remove \(path): \(error.localizedDescription)")
            }
            emptied.files += files
            emptied.days.append(name)
        }
        return emptied
    }

    private static func fileCount(_ folder: String) -> Int {
        var count = 0
        let entries = FileManager.default.enumerator(atPath: folder)
        while entries?.nextObject() != nil {
            if entries?.fileAttributes?[.type] as? FileAttributeType != .typeDirectory { count += 1 }
        }
        return count
    }

    static func dayName(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    static func isDayName(_ name: String) -> Bool {
        name.count == 10
            && name.enumerated().allSatisfy { index, character in
                index == 4 || index == 7 ? character == "-" : character.isASCII && character.isNumber
            }
    }
}
