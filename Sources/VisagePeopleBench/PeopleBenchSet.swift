import Foundation
import VisageCore
import VisageImaging

/// One photo of the benchmark: an image file, whose person it shows, and where.
public struct BenchPhoto: Sendable {
    /// The image id it is recognised under.
    public var name: String
    /// The true person of its main face (`stranger:N` for one-off strangers).
    public var identity: String
    public var path: String
    /// The main face's box in the file's displayed coordinates; nil means "the largest face"
    /// (the clean originals, which are portraits).
    public var face: BoundingBox?
    /// The degradations applied, for the manifest ("clean" for none).
    public var plan: String
}

/// The two sets the benchmark scores: clean photos, and the same photos degraded.
public struct PeopleBenchSets: Sendable {
    public var clean: [BenchPhoto]
    public var degraded: [BenchPhoto]
}

/// Builds the labelled sets from real photos, deterministically from a seed:
/// - every identity photo, as is (clean) and as `variants` degraded copies, each with its own
///   random `DegradationPlan`;
/// - every face of at least `minStrangerFace` pixels in the stranger photos (group photos of
///   people who are not identities), cropped to a photo of its own: a one-off stranger, clean in
///   the clean set and degraded once in the degraded set.
public struct PeopleBenchBuilder {
    public var identityPhotos: [(path: String, identity: String)]
    public var strangerPhotos: [String]
    public var variants: Int
    public var seed: UInt64
    public var minStrangerFace: Double = 36
    /// Largest side the sources are reduced to before degrading (keeps the work bounded).
    public var maxSide: Int = 1600
    /// Face boxes in the decoded image's coordinates, largest first.
    public var detect: (DecodedImage) throws -> [BoundingBox]

    public init(
        identityPhotos: [(path: String, identity: String)], strangerPhotos: [String], variants: Int, seed: UInt64,
        detect: @escaping (DecodedImage) throws -> [BoundingBox]
    ) {
        self.identityPhotos = identityPhotos
        self.strangerPhotos = strangerPhotos
        self.variants = variants
        self.seed = seed
        self.detect = detect
    }

    /// Writes the degraded images and stranger crops under `folder` (with a manifest.csv).
    public func build(into folder: URL) throws -> PeopleBenchSets {
        let decoder = ImageDecoder()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var random = BenchRandom(seed: seed)
        var clean: [BenchPhoto] = [], degraded: [BenchPhoto] = []

        for (index, source) in identityPhotos.enumerated() {
            clean.append(BenchPhoto(name: "clean/\(index)", identity: source.identity, path: source.path, face: nil, plan: "clean"))
            let decoded = try decoder.decode(.file(source.path), maxSide: maxSide)
            guard let face = try detect(decoded).first else { continue }
            for variant in 0..<variants {
                let plan = DegradationPlan.random(using: &random)
                let result = try plan.apply(to: DegradedImage(image: decoded.image, face: face), using: &random)
                let name = "degraded/\(index)-\(variant)"
                let path = try write(result.image, folder: folder, name: name)
                degraded.append(BenchPhoto(name: name, identity: source.identity, path: path, face: result.face, plan: plan.description))
            }
        }

        var strangers = 0
        for source in strangerPhotos {
            let decoded = try decoder.decode(.file(source), maxSide: maxSide)
            for face in try detect(decoded) where face.width / decoded.scale >= minStrangerFace {
                let crop = Self.cropAround(face, in: decoded.image)
                let identity = "stranger:\(strangers)"
                let cleanPath = try write(crop.image, folder: folder, name: "strangers/\(strangers)")
                clean.append(BenchPhoto(name: "clean/\(identity)", identity: identity, path: cleanPath, face: crop.face, plan: "clean"))
                let plan = DegradationPlan.random(using: &random)
                let result = try plan.apply(to: crop, using: &random)
                let name = "degraded/\(identity)"
                let path = try write(result.image, folder: folder, name: "strangers/\(strangers)-degraded")
                degraded.append(BenchPhoto(name: name, identity: identity, path: path, face: result.face, plan: plan.description))
                strangers += 1
            }
        }
        try writeManifest(clean + degraded, to: folder.appendingPathComponent("manifest.csv"))
        return PeopleBenchSets(clean: clean, degraded: degraded)
    }

    /// A square three times the face's size around it (clamped to the image), with the face's
    /// box in the crop's coordinates.
    static func cropAround(_ face: BoundingBox, in image: RGBImage) -> DegradedImage {
        let side = max(face.width, face.height) * 3
        let centreX = face.x + face.width / 2, centreY = face.y + face.height / 2
        let x = max(0, centreX - side / 2), y = max(0, centreY - side / 2)
        let box = BoundingBox(x: x, y: y, width: min(side, Double(image.width) - x), height: min(side, Double(image.height) - y))
        let crop = image.cropped(to: box)
        let x0 = Double(Int(box.x)), y0 = Double(Int(box.y))
        return DegradedImage(image: crop, face: BoundingBox(x: face.x - x0, y: face.y - y0, width: face.width, height: face.height))
    }

    private func write(_ image: RGBImage, folder: URL, name: String) throws -> String {
        let url = folder.appendingPathComponent(name + ".jpg")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        // Quality 95: the file adds no visible loss of its own; `.jpeg` degradations are explicit.
        try image.encoded(.jpeg(quality: 95)).write(to: url)
        return url.path
    }

    private func writeManifest(_ photos: [BenchPhoto], to url: URL) throws {
        var lines = ["name,identity,path,face_x,face_y,face_w,face_h,plan"]
        for photo in photos {
            let box = photo.face.map { String(format: "%.1f,%.1f,%.1f,%.1f", $0.x, $0.y, $0.width, $0.height) } ?? ",,,"
            lines.append("\(photo.name),\(photo.identity),\(photo.path),\(box),\(photo.plan)")
        }
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
    }
}
