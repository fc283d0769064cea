import Foundation

/// The plain (non-fuzzing) build of a fuzz target: runs the target's check on each file named on
/// the command line (a folder: each file in it), so a corpus or a saved crash can be replayed
/// with an ordinary debugger-friendly build, and so `swift build` compiles every target.
public enum FuzzReplay {
    public static func main(_ check: ([UInt8]) -> Void) {
        let arguments = CommandLine.arguments.dropFirst()
        if arguments.isEmpty {
            // Split by hand: NSString's path methods trap on short paths on Linux (see AtomicFile.split).
            let name = CommandLine.arguments.first?.split(separator: "/").last.map(String.init) ?? "fuzz target"
            print("usage: \(name) FILE|FOLDER...  (replays inputs; build with --sanitize fuzzer to fuzz, see docs/fuzzing.md)")
            exit(64)
        }
        var count = 0
        for path in arguments {
            for file in files(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else {
                    print("error: cannot read \(file)")
                    exit(74)
                }
                check(Array(data))
                count += 1
            }
        }
        print("replayed \(count) input\(count == 1 ? "" : "s"): no property violated")
    }

    private static func files(at path: String) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { path + "/" + $0 }.filter { !$0.hasSuffix("/.") }
    }
}
