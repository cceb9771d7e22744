/// Which of a collection's versions serves and which are kept. Every training run is a new
/// version (numbers only grow); the best by macro precision on its own held-out split serves,
/// the newest winning a tie (it was trained on the latest examples); the `keptVersions` best are
/// kept and the rest deleted.
public enum ClassifierVersioning {
    public struct Standing: Sendable, Equatable {
        public let version: Int
        public let macroPrecision: Double

        public init(version: Int, macroPrecision: Double) {
            self.version = version
            self.macroPrecision = macroPrecision
        }
    }

    /// Best first.
    public static func ranked(_ versions: [Standing]) -> [Standing] {
        versions.sorted {
            $0.macroPrecision != $1.macroPrecision ? $0.macroPrecision > $1.macroPrecision : $0.version > $1.version
        }
    }

    /// The version that serves; nil when there is none.
    public static func serving(_ versions: [Standing]) -> Int? {
        ranked(versions).first?.version
    }

    /// The versions beyond the `keep` best, to delete.
    public static func discarded(_ versions: [Standing], keep: Int = ClassifierLimits.keptVersions) -> [Int] {
        ranked(versions).dropFirst(keep).map(\.version)
    }
}
