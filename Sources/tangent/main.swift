import Foundation
import TangentCLI

// A closed pipe (`tangent run nb.md | head`) must not kill the run with SIGPIPE.
signal(SIGPIPE, SIG_IGN)
// Under a file-size limit (`ulimit -f`), a write past it must fail with EFBIG ("File too
// large": a clear error, its temporary file removed) instead of SIGXFSZ killing the process.
signal(SIGXFSZ, SIG_IGN)
// Ctrl-C and SIGTERM remove temporary files first, then exit 130 / 143.
Interruption.install()
exit(Tangent.main(Array(CommandLine.arguments.dropFirst())))
