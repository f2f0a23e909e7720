import Foundation
import TangentSupport

/// The one `node` process that typesets a batch of formulas with KaTeX: its request, its
/// scratch folder (input and stderr as files, so no pipe can block), and the cleanup of
/// scratch folders left by killed runs.
extension KaTeXRenderer {
    struct Formula: Codable, Hashable {
        var tex: String
        var display: Bool
    }

    private struct Request: Encodable {
        var katex: String
        var items: [Formula]
    }

    /// The HTML for each formula, in order, from one `node` process.
    static func render(_ formulas: [Formula]) throws(KaTeXError) -> [String] {
        guard !formulas.isEmpty else { return [] }
        let node = try KaTeXInstallation.node()
        let script = try KaTeXInstallation.script()
        let input: Data
        do { input = try JSONEncoder().encode(Request(katex: script.path, items: formulas)) } catch {
            throw .unreadableOutput("cannot encode the formulas: \(error)")
        }
        let output = try run(node, arguments: ["-e", KaTeXScript.source], input: input)
        let html: [String]
        do { html = try JSONDecoder().decode([String].self, from: output) } catch {
            throw .unreadableOutput("\(output.count) bytes that are not a JSON array of strings")
        }
        guard html.count == formulas.count else {
            throw .unreadableOutput("\(html.count) results for \(formulas.count) formulas")
        }
        return html
    }

    /// The scratch folders of `run` are `tangent-katex-<pid>-<UUID>` in the system temp folder
    /// (`TemporaryName.scratchFolder`), so a later run can tell a killed run's leftovers.
    static let scratchPrefix = "tangent-katex-"

    /// Removes the scratch folders that runs killed without warning left in the system temp
    /// folder (`StaleTemporaryFiles`); a live run's folders are kept. Returns their paths.
    @discardableResult
    package static func removeStaleScratchFolders() -> [String] {
        StaleTemporaryFiles.sweepScratchFolders(prefix: scratchPrefix, in: FileManager.default.temporaryDirectory.path)
    }

    /// Runs a program with `input` on stdin and returns its stdout. stdin and stderr are
    /// temporary files, so no pipe can fill up and block either side.
    private static func run(_ executable: URL, arguments: [String], input: Data) throws(KaTeXError) -> Data {
        let files = FileManager.default
        let scratch = files.temporaryDirectory.appendingPathComponent(
            TemporaryName.scratchFolder(prefix: scratchPrefix))
        do {
            try files.createDirectory(at: scratch, withIntermediateDirectories: true)
            TemporaryFiles.track(folder: scratch.path)
            defer {
                try? files.removeItem(at: scratch)
                TemporaryFiles.untrack(folder: scratch.path)
            }
            let inputURL = scratch.appendingPathComponent("input.json")
            let errorURL = scratch.appendingPathComponent("stderr.txt")
            try input.write(to: inputURL)
            guard files.createFile(atPath: errorURL.path, contents: nil) else {
                throw KaTeXError.nodeFailed(status: -1, message: "cannot create \(errorURL.path)")
            }
            let stdin = try FileHandle(forReadingFrom: inputURL)
            let stderr = try FileHandle(forWritingTo: errorURL)
            defer {
                try? stdin.close()
                try? stderr.close()
            }
            let stdout = Pipe()
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments
            process.standardInput = stdin
            process.standardOutput = stdout
            process.standardError = stderr
            let waitForExit = try process.runAndWaiter()
            let output = stdout.fileHandleForReading.readDataToEndOfFile()
            waitForExit()
            guard process.terminationReason == .exit, process.terminationStatus == 0 else {
                let message = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
                throw KaTeXError.nodeFailed(status: process.terminationStatus, message: lastLines(message, 8))
            }
            return output
        } catch let error as KaTeXError {
            throw error
        } catch {
            throw .nodeFailed(status: -1, message: "cannot run \(executable.path): \(error)")
        }
    }

    private static func lastLines(_ text: String, _ n: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: true).suffix(n).joined(separator: "\n")
    }
}
