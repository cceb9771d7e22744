import Foundation

// `visage-fuzz TARGET [ARGUMENTS...]`. Built normally, it replays the files and folders given
// (the seed corpus, the regressions, a crash a fuzzer wrote) through TARGET; built by
// scripts/fuzz.sh it is libFuzzer, and ARGUMENTS are libFuzzer's options and corpus folders.

let arguments = CommandLine.arguments
guard arguments.count >= 2, let target = FuzzTarget(rawValue: arguments[1]) else {
    let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
    FileHandle.standardError.write(Data("usage: visage-fuzz \(names) [FILE|FOLDER|libFuzzer option]...\n".utf8))
    exit(64)
}
#if VISAGE_LIBFUZZER
exit(LibFuzzerDriver.run(target, arguments: [arguments[0]] + arguments.dropFirst(2)))
#else
var replayed = 0
for path in arguments.dropFirst(2) {
    let files = CorpusFiles.list(path)
    guard !files.isEmpty else {
        FileHandle.standardError.write(Data("visage-fuzz: nothing to replay at \(path)\n".utf8))
        exit(66)
    }
    for file in files {
        target.run(try Data(contentsOf: file))
        replayed += 1
    }
}
print("replayed \(replayed) inputs through \(target.rawValue)")
#endif
