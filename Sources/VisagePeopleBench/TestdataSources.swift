import Foundation

/// Where the benchmark's photos come from in the project's testdata folder.
public enum TestdataSources {
    /// faces_identity's manifest.csv: each photo's absolute path and its person.
    public static func identityPhotos(_ testdata: URL) throws -> [(path: String, identity: String)] {
        let folder = testdata.appendingPathComponent("faces_identity")
        let manifest = try String(contentsOf: folder.appendingPathComponent("manifest.csv"), encoding: .utf8)
        return manifest.split(whereSeparator: \.isNewline).dropFirst().compactMap { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count >= 2 else { return nil }
            return (folder.appendingPathComponent(String(fields[0])).path, String(fields[1]))
        }
    }

    /// faces_group's photos of people who are not in faces_identity: their faces become one-off
    /// strangers. Left out: the Obama and Biden photo, both Friends cast photos (the same six
    /// people twice, Jennifer Aniston among them, who is in faces_identity) and deepface's group
    /// selfie (one of its faces is 0.81 alike to Angelina Jolie's photos: most likely her).
    public static func strangerPhotos(_ testdata: URL) -> [String] {
        let folder = testdata.appendingPathComponent("faces_group")
        return ["pytorch_retinaface_test.jpg", "retinaface_img3.jpg", "solvay_1927.jpg"]
            .map { folder.appendingPathComponent($0).path }
    }
}
