import Foundation
import VisageCore
import VisageFaces
import VisageImaging
import VisageStorage

extension RecognitionService {
    /// Who is in a photo, without storing it: each face of `image` with the recognised faces of
    /// the current embedding model most like it, from the library's vector index, best first
    /// (ties by face id), at most `topK`, each at least `minSimilarity` (cosine; default the
    /// model's calibrated same-person similarity). Faces come in the analyser's order.
    public func searchFaces(image: DecodedImage, topK: Int = 10, minSimilarity: Double? = nil) throws -> [SearchedFace] {
        guard (1...100).contains(topK) else { throw VisageError(.invalidRequest, "top_k must be from 1 to 100") }
        let threshold = minSimilarity ?? Double(clusteringParameters.samePersonSimilarity)
        guard threshold.isFinite, (-1...1).contains(threshold) else {
            throw VisageError(.invalidRequest, "min_similarity must be from -1 to 1")
        }
        var options = configuration.analysis
        options.embeddings = true
        let faces = try analyzer.analyze(image, options: options)
        let neighbours = try faces.map { face -> [(id: Int64, similarity: Float)] in
            guard let embedding = face.embedding else {
                throw VisageError(.embeddingMissing, "the face was analysed without an embedding")
            }
            return try index.search(embedding, minSimilarity: Float(threshold), limit: topK).map { ($0.id, $0.similarity) }
        }
        // The index may still hold a face deleted a moment ago: it is left out.
        let summaries = try store.read { try $0.faceSummaries(ids: Array(Set(neighbours.flatMap { $0.map(\.id) }))) }
        return zip(faces, neighbours).map { face, found in
            SearchedFace(
                box: face.detection.box, confidence: face.detection.confidence,
                matches: found.compactMap { hit in
                    summaries[hit.id].map {
                        SearchedFace.Match(
                            faceID: $0.faceID, imageID: $0.imageID, clusterID: $0.clusterID, name: $0.name,
                            similarity: Double(hit.similarity))
                    }
                })
        }
    }
}
