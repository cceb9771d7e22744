import Foundation

/// The seed's `name_mismatch` for one face: do the name its identity cluster carries and the
/// name the photo's metadata gives disagree?
///
/// The contract: `false` when both say the same ("XMP says John, cluster says John"), `true`
/// when they differ ("John" vs "Mike": possible mislabelling, for review), and `null` when "only
/// one source [is] available". Read literally, that last case also covers no source at all, so
/// nil whenever either name is missing. A blank name counts as missing.
///
/// Names are compared as people would: surrounding and repeated whitespace and letter case are
/// ignored ("John  Doe" = "john doe"), and Swift's string equality already treats canonically
/// equivalent Unicode as equal (a precomposed "é" = "e" + combining accent). Diacritics and
/// punctuation are kept: "José" and "Jose" may be different people.
public func nameMismatch(clusterName: String?, regionName: String?) -> Bool? {
    guard let cluster = PersonName.normalized(clusterName), let region = PersonName.normalized(regionName) else {
        return nil
    }
    return cluster != region
}

/// The one rule for "is this the same name", shared by `nameMismatch` and the MWG/Microsoft
/// conflict report.
enum PersonName {
    /// Lower-cased, with whitespace runs collapsed to one space and trimmed; nil when blank.
    static func normalized(_ name: String?) -> String? {
        guard let name else { return nil }
        let words = name.split(whereSeparator: { $0.isWhitespace })
        guard !words.isEmpty else { return nil }
        return words.joined(separator: " ").lowercased()
    }

    /// Two optional names are the same when both are missing or both normalise equally.
    static func same(_ a: String?, _ b: String?) -> Bool {
        normalized(a) == normalized(b)
    }
}
