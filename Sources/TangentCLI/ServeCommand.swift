import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `tangent serve PATH... [--port N] [--host ADDR] [--out DIR]`: a live preview of the site
/// until SIGINT or SIGTERM, which stop it with status 130 or 143 (128 + the signal).
enum ServeCommand {
    static func main(_ options: ServeOptions, console: Console) -> Int32 {
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
