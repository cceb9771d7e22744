import Foundation
import VisageCore
import VisageImaging

extension RecognitionService {
    /// Draws each face's box and name on the image and writes it as
    /// `<annotated dir>/<image_id>.jpg` (the id made safe as a file name). Returns the path.
    func saveAnnotatedCopy(of decoded: DecodedImage, result: RecognitionResult) throws -> String {
        guard let directory = configuration.annotatedImagesDirectory else {
            throw VisageError(.annotationDisabled, "this server has no annotated-images directory")
        }
        let annotations = result.faces.map { face in
            FaceAnnotation(
                box: face.face.detection.box.scaled(by: decoded.scale),
                label: face.personName ?? face.cluster.clusterID,
                color: face.personName == nil ? .yellow : .green)
        }
        let image = ImageAnnotator.annotate(decoded.image, with: annotations)
        let data = try image.encoded(.jpeg(quality: 90))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(Self.safeFileName(result.imageID) + ".jpg")
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw VisageError(.annotationWriteFailed, "can't write \(url.path): \(error.localizedDescription)")
        }
        return url.path
    }

    /// Letters, digits, `-`, `_` and `.` kept, anything else (slashes included) turned into `_`,
    /// so an image id can never name a file outside the directory.
    static func safeFileName(_ id: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        var name = String(id.map { allowed.contains($0) ? $0 : "_" })
        if name.hasPrefix(".") { name = "_" + name.dropFirst() }
        return String(name.prefix(200))
    }
}
