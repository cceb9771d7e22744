/// BCubed precision, recall and F1 of a clustering against true labels: for every item, the
/// share of its cluster that truly belongs with it (precision) and the share of its true group
/// that its cluster caught (recall), averaged over items. Used to compare algorithms.
public struct BCubedScore: Sendable, CustomStringConvertible {
    public let precision: Double
    public let recall: Double
    public var f1: Double { precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0 }

    public init(clusters: [[Int64]], truth: [Int64: String]) {
        var precision = 0.0, recall = 0.0, items = 0
        var truthSize: [String: Int] = [:]
        for label in truth.values { truthSize[label, default: 0] += 1 }
        for cluster in clusters {
            var labelCount: [String: Int] = [:]
            for id in cluster { if let label = truth[id] { labelCount[label, default: 0] += 1 } }
            let labelled = Double(labelCount.values.reduce(0, +))
            for id in cluster {
                guard let label = truth[id] else { continue }
                let same = Double(labelCount[label]!)
                precision += same / labelled
                recall += same / Double(truthSize[label]!)
                items += 1
            }
        }
        self.precision = items > 0 ? precision / Double(items) : 0
        self.recall = items > 0 ? recall / Double(items) : 0
    }

    public var description: String {
        "BCubed precision \(precision), recall \(recall), F1 \(f1)"
    }
}
