import ArgumentParser
import Foundation

struct ReindexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reindex",
        abstract: "Re-embed stored faces with the current pack's model, then recluster (after changing --pack).")

    @OptionGroup var data: DataOptions

    @Flag(help: "Re-analyse every image, not only those embedded by another model.")
    var all = false

    func run() throws {
        do {
            let service = try data.loadRecognition(threadsPerSession: ProcessInfo.processInfo.activeProcessorCount)
            let summary = try service.reindex(all: all) { done, total in
                if total > 0 { FileHandle.standardError.write(Data("\rreindex \(done)/\(total)".utf8)) }
            }
            FileHandle.standardError.write(Data("\n".utf8))
            // The next start reads the graph back instead of building it (a no-op for small indexes).
            try service.library.saveIndex()
            print(
                "re-embedded \(summary.faces) faces of \(summary.images) images with \(service.embeddingModel); "
                    + "\(summary.recluster.clustersAfter) people")
            if !summary.unreadable.isEmpty {
                print("\(summary.unreadable.count) images could not be read again (their faces keep the old model):")
                for id in summary.unreadable { print("  \(id)") }
                throw ExitCode(2)
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            exitWithError(error)
        }
    }
}
