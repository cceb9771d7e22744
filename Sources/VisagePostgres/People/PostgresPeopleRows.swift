import Foundation
import PostgresNIO
import VisageCore
import VisageStorage

/// The columns the people statements select and how their rows become the store's values.
enum PeopleRows {
    static let faceColumns = """
        face.id, face.image_row_id, face.box_x, face.box_y, face.box_width, face.box_height, face.landmarks,
        face.yaw, face.pitch, face.roll, face.age, face.gender, face.confidence, face.quality, face.embedding::real[],
        face.embedding_model, face.cluster_id, face.label_name, face.label_source, face.created_at
        """
    static let imageColumns = "id, image_id, path, width, height, orientation, content_hash, analyzed_at"
    static let clusterColumns = "id, name, embedding_model, centroid, face_count, pinned, created_at, updated_at"
    static let constraintColumns = "id, kind, face_id, other_face_id, cluster_id, person_name, created_at"

    static func faces(_ rows: [PostgresRow]) throws -> [StoredFace] {
        try rows.map { row in
            let (
                id, imageRowID, x, y, width, height, landmarks, yaw, pitch, roll,
                age, gender, confidence, quality, embedding, model, clusterID, labelName, labelSource, createdAt
            ) = try PostgresSession.decode(
                row,
                as: (
                    Int64, Int64, Double, Double, Double, Double, String?, Double?, Double?, Double?,
                    Int?, String?, Double, Double?, [Float], String, String?, String?, String?, Date
                ).self)
            var pose: HeadPose?
            if let yaw, let pitch, let roll { pose = HeadPose(yaw: yaw, pitch: pitch, roll: roll) }
            return StoredFace(
                id: id, imageRowID: imageRowID, box: BoundingBox(x: x, y: y, width: width, height: height),
                landmarks: try landmarks.map { try decodeLandmarks($0, face: id) }, pose: pose, age: age,
                gender: try gender.map { try decode(Gender.self, $0, what: "gender of face \(id)") },
                confidence: confidence, quality: quality, embedding: embedding, embeddingModel: model, clusterID: clusterID,
                label: try label(labelName, labelSource, face: id), createdAt: createdAt)
        }
    }

    static func images(_ rows: [PostgresRow]) throws -> [StoredImage] {
        try rows.map { row in
            let (id, imageID, path, width, height, orientation, hash, analyzedAt) = try PostgresSession.decode(
                row, as: (Int64, String, String, Int, Int, Int, String?, Date).self)
            return StoredImage(
                id: id, imageID: imageID, path: path, width: width, height: height, orientation: orientation, contentHash: hash,
                analyzedAt: analyzedAt)
        }
    }

    static func clusters(_ rows: [PostgresRow]) throws -> [Cluster] {
        try rows.map { row in
            let (id, name, model, centroid, count, pinned, createdAt, updatedAt) = try PostgresSession.decode(
                row, as: (String, String?, String, [Float]?, Int, Bool, Date, Date).self)
            return Cluster(
                id: id, name: name, embeddingModel: model, centroid: centroid, faceCount: count, pinned: pinned,
                createdAt: createdAt, updatedAt: updatedAt)
        }
    }

    static func constraints(_ rows: [PostgresRow]) throws -> [FaceConstraint] {
        try rows.map { row in
            let (id, kind, faceID, otherFaceID, clusterID, personName, createdAt) = try PostgresSession.decode(
                row, as: (Int64, String, Int64, Int64?, String?, String?, Date).self)
            return FaceConstraint(
                id: id, kind: try decode(ConstraintKind.self, kind, what: "kind of constraint \(id)"), faceID: faceID,
                target: ConstraintTarget(otherFaceID: otherFaceID, clusterID: clusterID, personName: personName), createdAt: createdAt)
        }
    }

    static func encodeLandmarks(_ landmarks: FaceLandmarks?) throws -> String? {
        try landmarks.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
    }

    private static func decodeLandmarks(_ json: String, face: Int64) throws -> FaceLandmarks {
        guard let landmarks = try? JSONDecoder().decode(FaceLandmarks.self, from: Data(json.utf8)) else {
            throw VisageError(.storeCorrupt, "face \(face) has unreadable landmarks")
        }
        return landmarks
    }

    private static func label(_ name: String?, _ source: String?, face: Int64) throws -> FaceLabel? {
        guard let name, let source else { return nil }
        return FaceLabel(name: name, source: try decode(LabelSource.self, source, what: "label source of face \(face)"))
    }

    private static func decode<T: RawRepresentable<String>>(_ type: T.Type, _ raw: String, what: String) throws -> T {
        guard let value = T(rawValue: raw) else { throw VisageError(.storeCorrupt, "the \(what) is unknown: \"\(raw)\"") }
        return value
    }
}
