import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `tangent serve PATH... [--port N] [--host ADDR] [--out DIR]`: a live preview of the site
/// until SIGINT or SIGTERM, which stop it with status 130 or 143 (128 + the signal).
enum ServeCommand {
    static func main(_ arguments: [String], console: Console) -> Int32 {
        let options: ServeOptions
        do {
            options = try ServeOptions.parse(arguments)
        } catch {
            console.err("error: \(error.message)\n\(Options.usage)\n")
            return ExitCode.usage.rawValue
        }
        let preview: LivePreview
        do {
            preview = try LivePreview(options, console: console)
        } catch {
            console.err("error: \(error.message)\n")
            return ExitCode.usage.rawValue
        }
        // During the first render a signal stops the process like any other command's; once
        // serving, it shuts the server down in order.
        console.out("serving \(preview.url)\n")
        let received = Interruption.waitForSignal()
        preview.stop()
        return 128 + received
    }
}
