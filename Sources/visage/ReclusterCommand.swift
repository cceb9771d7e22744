import ArgumentParser
import Foundation

struct ReclusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recluster",
        abstract: "Rebuild all people from scratch, keeping names, corrections, merges and splits.")

    @OptionGroup var data: DataOptions

    func run() throws {
        do {
            let summary = try data.loadRecognition().recluster()
            print(
                "reclustered \(summary.faces) faces: \(summary.clustersBefore) -> \(summary.clustersAfter) clusters, "
                    + "\(summary.facesMoved) faces moved, \(String(format: "%.2f", summary.seconds)) s")
        } catch {
            exitWithError(error)
        }
    }
}
